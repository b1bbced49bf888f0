/*
 * cmd_import_msel: `kvpt import-msel PLAN SCHEDULE.csv` — add the injects
 * of an inject schedule kept in a spreadsheet to a plan.  plan/msel does
 * the work on the plan's files held in memory; this file reads them from
 * disk, prints the preview and the errors, and writes the new included
 * file and the edited main file (never one without the other).
 */
#include "cli.h"
#include "plan/msel.h"
#include "plan/plan.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char kvpt_usage_import_msel[] =
	"usage: kvpt import-msel [--map FIELD=HEADER,...] [--dry-run]\n"
	"                        [--format text|json] PLAN SCHEDULE.csv\n"
	"\n"
	"Adds the injects of an inject schedule (lịch phát tình huống, MSEL)\n"
	"saved from a spreadsheet as CSV to the plan: each row becomes an\n"
	"inject of the phase its time falls in, written to a new file\n"
	"msel-N.yaml next to PLAN, which PLAN's include: then names.  Every row\n"
	"is checked first and the new plan is checked as a whole; with any\n"
	"error nothing is written.\n"
	"\n"
	"  --map F=H,...   take field F from the column headed H (fields: id,\n"
	"                  at, title, text, to, from, classification, release,\n"
	"                  expect, by, within); F= leaves F out.  Fields not\n"
	"                  mapped are found by their usual headers (Thời điểm,\n"
	"                  Tiêu đề, Nơi nhận…).  May be repeated\n"
	"  --dry-run       check and show what would be imported; write nothing\n"
	"  --format json   the preview as one JSON object on stdout\n"
	"\n"
	"Errors are printed as SCHEDULE.csv:ROW: error: COLUMN: message.\n"
	"The CSV format is described in docs/msel-import.md.\n"
	"Exit status: 0 imported (or would be), 1 the schedule or the plan has\n"
	"errors, 2 usage or I/O error.\n";

/* The whole file at path, at most max bytes and one more (so a caller
 * can tell it is too big); 0 or -1 with errno. */
static int read_whole(const char *path, size_t max, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct kvpt_buf b = KVPT_BUF_INIT;
	char chunk[65536];
	size_t n;
	int err;

	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		kvpt_buf_add(&b, chunk, n);
		if (b.len > max)
			break;
	}
	err = ferror(f);
	fclose(f);
	if (err) {
		kvpt_buf_release(&b);
		errno = EIO;
		return -1;
	}
	kvpt_buf_adds(&b, "");
	*len = b.len;
	*out = kvpt_buf_detach(&b);
	return 0;
}

/* Add "field=Header,field2=Header 2" to the mapping. */
static int add_mapping(json_t *map, const char *arg)
{
	char *copy = xstrdup(arg), *p = copy, *item;
	int rc = 0;

	while ((item = strsep(&p, ",")) != NULL) {
		char *eq = strchr(item, '=');

		if (!*item)
			continue;
		if (!eq || eq == item) {
			rc = -1;
			break;
		}
		*eq = '\0';
		json_object_set_new(map, item, json_string(eq + 1));
	}
	free(copy);
	return rc;
}

/* Display width of UTF-8 text: one column per character. */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* Print s in a column of w characters, cut with "…" when longer. */
static void cell(const char *s, size_t w, int last)
{
	size_t n = width(s), k = 0;
	const char *p = s;

	if (n > w) {
		while (*p && k < w - 1) {
			p++;
			while (((unsigned char)*p & 0xc0) == 0x80)
				p++;
			k++;
		}
		fwrite(s, 1, (size_t)(p - s), stdout);
		fputs("…", stdout);
		n = w;
	} else {
		fputs(s, stdout);
	}
	if (!last)
		printf("%*s  ", (int)(w - n), "");
}

static const char *str_or(const json_t *v, const char *dflt)
{
	const char *s = json_string_value(v);

	return s ? s : dflt;
}

static void print_table(const json_t *res)
{
	const json_t *rows = json_object_get(res, "rows"), *r;
	size_t i, wid = 2, wat = 4;

	json_array_foreach(rows, i, r) {
		size_t a = width(str_or(json_object_get(r, "id"), "")),
		       b = width(str_or(json_object_get(r, "at"), ""));

		if (a > wid)
			wid = a;
		if (b > wat)
			wat = b;
	}
	if (wid > 24)
		wid = 24;
	if (wat > 20)
		wat = 20;
	cell("ROW", 5, 0);
	cell("ID", wid, 0);
	cell("TIME", wat, 0);
	cell("TITLE", 40, 0);
	cell("TO", 30, 0);
	cell("ERRORS", 6, 1);
	putchar('\n');
	json_array_foreach(rows, i, r) {
		struct kvpt_buf to = KVPT_BUF_INIT;
		const json_t *t;
		size_t k;
		char num[32];

		json_array_foreach(json_object_get(r, "to"), k, t)
			kvpt_buf_addf(&to, "%s%s", k ? ", " : "",
				      str_or(t, ""));
		snprintf(num, sizeof(num), "%d",
			 (int)json_integer_value(json_object_get(r, "row")));
		cell(num, 5, 0);
		cell(str_or(json_object_get(r, "id"), ""), wid, 0);
		cell(str_or(json_object_get(r, "at"), ""), wat, 0);
		cell(str_or(json_object_get(r, "title"), ""), 40, 0);
		cell(to.s ? to.s : "", 30, 0);
		snprintf(num, sizeof(num), "%zu%s",
			 json_array_size(json_object_get(r, "errors")),
			 json_object_get(r, "unlisted") ? "+" : "");
		cell(num, 6, 1);
		putchar('\n');
		kvpt_buf_release(&to);
	}
}

/* SCHEDULE.csv:ROW: error: COLUMN: message, and the plan's own. */
static void print_issues(const json_t *res, const char *csv)
{
	static const char *const kinds[2] = { "errors", "warnings" };
	const json_t *rows = json_object_get(res, "rows"), *r, *e;
	size_t i, k;
	int w;

	fflush(stdout);
	for (w = 0; w < 2; w++) {
		const char *sev = w ? "warning" : "error";

		json_array_foreach(rows, i, r) {
			int row = (int)json_integer_value(
				json_object_get(r, "row"));

			json_array_foreach(json_object_get(r, kinds[w]), k, e) {
				const char *col = json_string_value(
					json_object_get(e, "column"));

				fprintf(stderr, "%s:%d: %s: ", csv, row, sev);
				if (col)
					fprintf(stderr, "%s: ", col);
				fprintf(stderr, "%s\n", str_or(json_object_get(
					e, "message"), ""));
			}
			if (w && json_object_get(r, "unlisted"))
				fprintf(stderr, "%s:%d: note: %d more error(s) "
					"or warning(s) not listed\n", csv, row,
					(int)json_integer_value(json_object_get(
						r, "unlisted")));
		}
		json_array_foreach(json_object_get(res, w ? "plan_warnings" :
						   "plan_errors"), i, e) {
			int line = (int)json_integer_value(
				json_object_get(e, "line"));

			fprintf(stderr, "%s", str_or(json_object_get(e, "file"),
						     "<plan>"));
			if (line > 0)
				fprintf(stderr, ":%d:%d", line,
					(int)json_integer_value(
						json_object_get(e, "col")));
			fprintf(stderr, ": %s: %s [%s]\n", sev,
				str_or(json_object_get(e, "message"), ""),
				str_or(json_object_get(e, "rule"), ""));
		}
	}
}

/* Write text to path, a file that must not exist yet. */
static int write_new(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, len);
	if (n < 0 || (size_t)n != len || fsync(fd)) {
		int e = n < 0 ? errno : EIO;

		close(fd);
		unlink(path);
		errno = e;
		return -1;
	}
	return close(fd);
}

/* Replace the file at path with text: a temporary file beside it, renamed
 * over it, so the file is never half written. */
static int replace_file(const char *path, const char *text, size_t len)
{
	size_t pl = strlen(path);
	char *tmp = xmalloc(pl + 16);
	struct stat st;
	ssize_t n;
	int fd, e;

	memcpy(tmp, path, pl);
	memcpy(tmp + pl, ".tmp-XXXXXX", 12);
	fd = mkstemp(tmp);
	if (fd < 0) {
		free(tmp);
		return -1;
	}
	if (!stat(path, &st))
		fchmod(fd, st.st_mode & 07777);
	n = write(fd, text, len);
	if (n < 0 || (size_t)n != len || fsync(fd) || close(fd) ||
	    rename(tmp, path)) {
		e = errno ? errno : EIO;
		unlink(tmp);
		free(tmp);
		errno = e;
		return -1;
	}
	free(tmp);
	return 0;
}

/* A file name msel-N.yaml free in dir and among the plan's files. */
static char *free_name(const char *dir, const struct kvpt_plan *plan)
{
	char name[64], *full;
	int n, i;

	for (n = 1; n < 100000; n++) {
		snprintf(name, sizeof(name), "msel-%d.yaml", n);
		full = xmalloc(strlen(dir) + sizeof(name));
		sprintf(full, "%s%s", dir, name);
		for (i = 0; i < plan->nfiles; i++)
			if (!strcmp(plan->files[i], full))
				break;
		if (i == plan->nfiles && access(full, F_OK) && errno == ENOENT) {
			free(full);
			return xstrdup(name);
		}
		free(full);
	}
	return NULL;
}

struct import_args {
	const char *plan, *csv;
	json_t *mapping;
	int dry_run, json;
};

static int parse_args(const struct kvpt_cmd *self, int argc, char **argv,
		      struct import_args *a)
{
	int i, opts_done = 0;

	for (i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (opts_done || s[0] != '-' || !s[1]) {
			if (!a->plan)
				a->plan = s;
			else if (!a->csv)
				a->csv = s;
			else
				return kvpt_cli_usage_error(self, "one plan and "
					"one schedule ('%s' is one too many)", s);
		} else if (!strcmp(s, "--")) {
			opts_done = 1;
		} else if (!strcmp(s, "--dry-run") || !strcmp(s, "-n")) {
			a->dry_run = 1;
		} else if (!strcmp(s, "--format") || !strcmp(s, "--map")) {
			if (++i >= argc)
				return kvpt_cli_usage_error(self, "%s needs a "
					"value", s);
			if (!strcmp(s, "--map")) {
				if (!a->mapping)
					a->mapping = json_object();
				if (add_mapping(a->mapping, argv[i]))
					return kvpt_cli_usage_error(self,
						"--map takes FIELD=HEADER,… "
						"('%s')", argv[i]);
			} else if (!strcmp(argv[i], "json")) {
				a->json = 1;
			} else if (!strcmp(argv[i], "text")) {
				a->json = 0;
			} else {
				return kvpt_cli_usage_error(self, "unknown format "
					"'%s' (text or json)", argv[i]);
			}
		} else {
			return kvpt_cli_usage_error(self, "unknown option '%s'",
						    s);
		}
	}
	if (!a->plan)
		return kvpt_cli_usage_error(self, "no plan given");
	if (!a->csv)
		return kvpt_cli_usage_error(self, "no schedule (CSV) given");
	return 0;
}

KVPT_CMD(import_msel)
{
	const struct kvpt_cmd *self = kvpt_cli_find("import-msel");
	struct import_args a = { NULL, NULL, NULL, 0, 0 };
	struct kvpt_msel_input in;
	struct kvpt_plan_file *files = NULL;
	struct kvpt_diags diags;
	struct kvpt_plan *plan = NULL;
	struct kvpt_buf err = KVPT_BUF_INIT;
	const char *slash, *base;
	char *csv = NULL, *dir = NULL, *name = NULL;
	size_t csv_len = 0;
	json_t *res = NULL, *written = NULL;
	int rc, i, nfiles = 0, nerr;

	kvpt_diags_init(&diags);
	rc = parse_args(self, argc, argv, &a);
	if (rc)
		goto out;
	rc = KVPT_EXIT_USAGE;
	/* the plan's files, as the loader finds them */
	if (kvpt_plan_load_file(a.plan, NULL, &plan, &diags) == KVPT_EIO ||
	    !plan) {
		kvpt_buf_reset(&err);
		kvpt_diags_format_text(&diags, &a.plan, 1, &err);
		fputs(err.s ? err.s : "", stderr);
		goto out;
	}
	files = xcalloc((size_t)plan->nfiles, sizeof(*files));
	for (i = 0; i < plan->nfiles; i++, nfiles++) {
		char *text;

		files[i].path = plan->files[i];
		if (read_whole(plan->files[i], KVPT_MAX_FILE_SIZE_DEFAULT,
			       &text, &files[i].len)) {
			fprintf(stderr, "kvpt import-msel: cannot read %s: %s\n",
				plan->files[i], strerror(errno));
			goto out;
		}
		files[i].text = text;
	}
	if (read_whole(a.csv, KVPT_MSEL_MAX_BYTES, &csv, &csv_len)) {
		fprintf(stderr, "kvpt import-msel: cannot read %s: %s\n", a.csv,
			strerror(errno));
		goto out;
	}
	slash = strrchr(a.plan, '/');
	dir = xstrndup(a.plan, slash ? (size_t)(slash - a.plan) + 1 : 0);
	name = free_name(dir, plan);
	if (!name) {
		fprintf(stderr, "kvpt import-msel: no free name msel-N.yaml "
			"next to %s\n", a.plan);
		goto out;
	}
	base = strrchr(a.csv, '/');
	memset(&in, 0, sizeof(in));
	in.main_path = a.plan;
	in.files = files;
	in.nfiles = nfiles;
	in.csv = csv;
	in.csv_len = csv_len;
	in.mapping = a.mapping;
	in.new_path = name;
	in.source_name = base ? base + 1 : a.csv;
	kvpt_buf_reset(&err);
	if (kvpt_msel_import(&in, &res, &err)) {
		fprintf(stderr, "%s: error: %s\n", a.csv, err.s ? err.s : "");
		rc = KVPT_EXIT_FOUND;
		goto out;
	}
	nerr = (int)json_integer_value(json_object_get(res, "errors"));
	if (!a.json)
		print_table(res);
	print_issues(res, a.csv);
	written = json_array();
	rc = nerr ? KVPT_EXIT_FOUND : KVPT_EXIT_OK;
	if (!nerr && !a.dry_run) {
		const json_t *out_files = json_object_get(res, "files");
		const char *new_file = json_string_value(
			json_object_get(res, "new_file"));
		const json_t *nt = json_object_get(out_files, new_file);
		const json_t *mt = json_object_get(out_files, a.plan);

		if (write_new(new_file, json_string_value(nt),
			      json_string_length(nt))) {
			fprintf(stderr, "kvpt import-msel: cannot write %s: %s\n",
				new_file, strerror(errno));
			rc = KVPT_EXIT_USAGE;
		} else if (replace_file(a.plan, json_string_value(mt),
					json_string_length(mt))) {
			fprintf(stderr, "kvpt import-msel: cannot rewrite %s: "
				"%s\n", a.plan, strerror(errno));
			unlink(new_file);
			rc = KVPT_EXIT_USAGE;
		} else {
			json_array_append_new(written, json_string(new_file));
			json_array_append_new(written, json_string(a.plan));
		}
	}
	if (a.json) {
		char *s;

		json_object_del(res, "files");
		json_object_set_new(res, "dry_run", json_boolean(a.dry_run));
		json_object_set(res, "written", written);
		s = json_dumps(res, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (s)
			puts(s);
		free(s);
	} else if (nerr) {
		fprintf(stderr, "kvpt import-msel: %d error(s); nothing was "
			"written\n", nerr);
	} else if (a.dry_run) {
		printf("dry run: %d inject(s) would be added in %s\n",
		       (int)json_integer_value(json_object_get(res, "injects")),
		       json_string_value(json_object_get(res, "new_file")));
	} else if (json_array_size(written)) {
		printf("imported %d inject(s) into %s; %s includes it\n",
		       (int)json_integer_value(json_object_get(res, "injects")),
		       json_string_value(json_object_get(res, "new_file")),
		       a.plan);
	}
out:
	json_decref(written);
	json_decref(res);
	json_decref(a.mapping);
	for (i = 0; i < nfiles; i++)
		free((void *)files[i].text);
	free(files);
	free(csv);
	free(dir);
	free(name);
	kvpt_plan_free(plan);
	kvpt_diags_release(&diags);
	kvpt_buf_release(&err);
	return rc;
}
