/*
 * cmd_gen: `kvpt gen --contents N` — write a large valid plan for
 * benchmarks and load tests.  The plan itself is made by plan/gen.h; this
 * front parses the flags and writes the text to a file or stdout.
 */
#include "cli.h"
#include "plan/gen.h"
#include "plan/plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char kvpt_usage_gen[] =
	"usage: kvpt gen --contents N [--seed S] [-o FILE]\n"
	"\n"
	"Writes a valid province-level exercise plan with N contents (each\n"
	"with one activity): a province and about N/100 communes with their\n"
	"Party committee, People's Council, People's Committee, military\n"
	"command and police, three phases, the conferences that make each\n"
	"locality's state transitions legal, and injects with deadlines, some\n"
	"released on a condition.  The plan checks clean with 'kvpt check'.\n"
	"The same N and seed always give the same bytes.\n"
	"\n"
	"  --contents N   number of contents, 30 to 2000000\n"
	"  --seed S       seed for names, times and injects (default 1)\n"
	"  -o FILE        write to FILE (default: standard output) and print\n"
	"                 a summary on standard error\n"
	"\n"
	"Up to about 115000 contents fit the 64 MiB limit of a plan file;\n"
	"larger plans need 'kvpt check --max-size'.\n";

static int parse_long(const char *s, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end)
		return -1;
	*out = v;
	return 0;
}

static int write_all(const char *path, const char *s, size_t len)
{
	FILE *f = fopen(path, "wb");
	int err = 0;

	if (!f)
		return -1;
	if (fwrite(s, 1, len, f) != len)
		err = -1;
	if (fclose(f))
		err = -1;
	return err;
}

KVPT_CMD(gen)
{
	const struct kvpt_cmd *self = kvpt_cli_find("gen");
	struct kvpt_gen_opts opts = { 0, 1 };
	struct kvpt_gen_stats st;
	struct kvpt_buf text = KVPT_BUF_INIT;
	const char *path = NULL;
	int i, rc = KVPT_EXIT_OK;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--contents") && i + 1 < argc) {
			if (parse_long(argv[++i], &opts.contents) ||
			    opts.contents < KVPT_GEN_MIN_CONTENTS ||
			    opts.contents > KVPT_GEN_MAX_CONTENTS)
				return kvpt_cli_usage_error(self, "--contents "
					"takes a number from %d to %ld",
					KVPT_GEN_MIN_CONTENTS,
					KVPT_GEN_MAX_CONTENTS);
		} else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
			char *end;

			errno = 0;
			opts.seed = strtoull(argv[++i], &end, 10);
			if (errno || end == argv[i] || *end ||
			    argv[i][0] == '-')
				return kvpt_cli_usage_error(self, "--seed takes "
					"a whole number ≥ 0");
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			path = argv[++i];
		} else {
			return kvpt_cli_usage_error(self, "unknown argument "
						    "'%s'", argv[i]);
		}
	}
	if (!opts.contents)
		return kvpt_cli_usage_error(self, "--contents N is required");
	if (kvpt_gen_plan(&opts, &text, &st))
		return kvpt_cli_usage_error(self, "cannot generate %ld "
					    "contents", opts.contents);
	if (!path) {
		if (fwrite(text.s, 1, text.len, stdout) != text.len ||
		    fflush(stdout)) {
			fprintf(stderr, "kvpt gen: cannot write the plan: %s\n",
				strerror(errno));
			rc = KVPT_EXIT_USAGE;
		}
	} else if (write_all(path, text.s, text.len)) {
		fprintf(stderr, "kvpt gen: cannot write %s: %s\n", path,
			strerror(errno));
		rc = KVPT_EXIT_USAGE;
	} else {
		fprintf(stderr, "kvpt gen: wrote %s (%.1f MiB): 1 province, "
			"%d communes, %d days, %ld contents: %ld conferences, "
			"%ld injects (%ld conditional), %ld expectations, %ld "
			"transitions\n", path, text.len / 1048576.0,
			st.communes, st.days, st.contents, st.conferences,
			st.injects, st.conditional, st.expectations,
			st.transitions);
		if (text.len > KVPT_MAX_FILE_SIZE_DEFAULT)
			fprintf(stderr, "kvpt gen: note: %s is larger than the "
				"64 MiB default limit; check it with 'kvpt check "
				"--max-size %zu %s'\n", path,
				(text.len >> 20) + 1, path);
	}
	kvpt_buf_release(&text);
	return rc;
}
