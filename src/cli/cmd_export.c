/*
 * cmd_export: `kvpt export PLAN --format json` — the normalised plan for
 * other programs — and `--format xlsx`, the plan as an Excel workbook for
 * planners.  The JSON document is built by export/plan_json (its schema is
 * docs/export-schema.md), the workbook by report/plan_book and report/xlsx;
 * this file parses options and writes.
 */
#include "cli.h"
#include "export/plan_json.h"
#include "model/model.h"
#include "report/plan_book.h"
#include "report/xlsx.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

const char kvpt_usage_export[] =
	"usage: kvpt export [--format json|xlsx] [--compact] [-o FILE] [-v] "
	"PLAN\n"
	"\n"
	"Writes the normalised plan as one JSON document: references as ids,\n"
	"phases → problems → contents → activities nested, defaults filled in,\n"
	"every time in N-notation, in ms from 00:00 of day N and in ISO 8601.\n"
	"The same plan always gives the same bytes.  The schema is described\n"
	"in docs/export-schema.md.\n"
	"\n"
	"With --format xlsx, writes an Excel workbook instead: the exercise,\n"
	"its bodies, roles, committees, documents, schedule and injects, one\n"
	"sheet each, headers in Vietnamese, times in N-notation and as dates.\n"
	"\n"
	"  --format F      json (the default) or xlsx; xlsx needs -o, and\n"
	"                  '-o -' writes it to standard output unless that is\n"
	"                  a terminal\n"
	"  --compact       one line instead of indented\n"
	"  -o, --output F  write to file F instead of standard output\n"
	"  -v, --verbose   also print the plan's warnings on stderr\n"
	"\n"
	"Exit status: 0 written, 1 the plan has errors, 2 usage or I/O error.\n";

static int write_out(const char *path, const struct kvpt_buf *b)
{
	FILE *f = path ? fopen(path, "w") : stdout;
	int err;

	if (!f)
		goto out_error;
	fwrite(b->s ? b->s : "", 1, b->len, f);
	err = ferror(f);
	if (path)
		err |= fclose(f);
	else
		err |= fflush(f);
	if (err)
		goto out_error;
	return 0;
out_error:
	fprintf(stderr, "kvpt export: cannot write '%s': %s\n",
		path ? path : "<stdout>", strerror(errno ? errno : EIO));
	return -1;
}

/* The whole plan as a workbook, to path or (NULL) standard output. */
static int write_xlsx(const struct kvpt_plan *plan, const char *path)
{
	struct kvpt_buf out = KVPT_BUF_INIT, err = KVPT_BUF_INIT;
	json_t *book = kvpt_plan_book(plan, KVPT_CLASS_TOP_SECRET);
	int rc = KVPT_EXIT_OK;

	if (path ? kvpt_xlsx_write(book, path, &err) :
	    kvpt_xlsx_render(book, &out, &err)) {
		fprintf(stderr, "kvpt export: cannot write the workbook: %s\n",
			err.s ? err.s : "?");
		rc = KVPT_EXIT_USAGE;
	} else if (!path && write_out(NULL, &out)) {
		rc = KVPT_EXIT_USAGE;
	}
	json_decref(book);
	kvpt_buf_release(&out);
	kvpt_buf_release(&err);
	return rc;
}

KVPT_CMD(export)
{
	const struct kvpt_cmd *self = kvpt_cli_find("export");
	struct kvpt_buf out = KVPT_BUF_INIT;
	struct kvpt_plan *plan;
	const char *path = NULL, *output = NULL, *format = "json";
	unsigned flags = 0;
	int verbose = 0, opts_done = 0, rc, i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (opts_done || a[0] != '-' || !a[1]) {
			if (path)
				return kvpt_cli_usage_error(self, "one plan at "
					"a time ('%s' and '%s' given)", path, a);
			path = a;
		} else if (!strcmp(a, "--")) {
			opts_done = 1;
		} else if (!strcmp(a, "--format") || !strcmp(a, "-o") ||
			   !strcmp(a, "--output")) {
			if (++i >= argc)
				return kvpt_cli_usage_error(self, "%s needs a "
					"value", a);
			if (!strcmp(a, "--format"))
				format = argv[i];
			else
				output = argv[i];
		} else if (!strncmp(a, "--format=", 9)) {
			format = a + 9;
		} else if (!strcmp(a, "--compact")) {
			flags |= KVPT_JSON_COMPACT;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			verbose = 1;
		} else {
			return kvpt_cli_usage_error(self, "unknown option '%s'",
						    a);
		}
	}
	if (strcmp(format, "json") && strcmp(format, "xlsx"))
		return kvpt_cli_usage_error(self, "unknown format '%s' (json or "
			"xlsx)", format);
	if (!strcmp(format, "xlsx") && !output)
		return kvpt_cli_usage_error(self, "--format xlsx needs -o FILE "
			"(or -o - for standard output)");
	if (output && (!*output || !strcmp(output, "-")))
		output = NULL;
	if (!strcmp(format, "xlsx") && !output && isatty(STDOUT_FILENO))
		return kvpt_cli_usage_error(self, "refusing to write a workbook "
			"to a terminal; give -o FILE or redirect the output");
	if (!path)
		return kvpt_cli_usage_error(self, "no plan given");
	plan = kvpt_cli_load_plan(path, verbose, &rc);
	if (!plan)
		return rc;
	if (!strcmp(format, "xlsx")) {
		rc = write_xlsx(plan, output);
		goto out_release;
	}
	if (kvpt_plan_export_json(plan, flags, &out)) {
		fprintf(stderr, "kvpt export: %s holds text that is not UTF-8; "
			"run 'kvpt check %s'\n", path, path);
		rc = KVPT_EXIT_FOUND;
		goto out_release;
	}
	if (write_out(output, &out))
		rc = KVPT_EXIT_USAGE;
out_release:
	kvpt_buf_release(&out);
	kvpt_plan_free(plan);
	return rc;
}
