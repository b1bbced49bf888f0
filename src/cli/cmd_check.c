/*
 * cmd_check: `kvpt check PLAN...` — load and check plans like a compiler.
 */
#include "cli.h"
#include "check/check.h"
#include "plan/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char kvpt_usage_check[] =
	"usage: kvpt check [--format text|json] [--werror] [--max-size MiB] "
	"PLAN...\n"
	"\n"
	"Reads each exercise plan (YAML) with its includes and reports every\n"
	"problem found as file:line:col: error|warning: message [rule].\n"
	"\n"
	"  --format json   one JSON object per plan on stdout, for machines\n"
	"  --werror        treat warnings as errors\n"
	"  --max-size N    refuse plan files larger than N MiB (default 64)\n"
	"  -q, --quiet     print only errors\n"
	"\n"
	"Exit status: 0 no errors, 1 errors found, 2 usage or I/O error.\n"
	"The rules are listed in docs/checker-rules.md.\n";

KVPT_CMD(check)
{
	const struct kvpt_cmd *self = kvpt_cli_find("check");
	struct kvpt_load_opts opts = { 0 };
	int json = 0, werror = 0, quiet = 0, multi, i, rc = KVPT_EXIT_OK;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--format") && i + 1 < argc) {
			i++;
			if (!strcmp(argv[i], "json"))
				json = 1;
			else if (strcmp(argv[i], "text"))
				return kvpt_cli_usage_error(self, "unknown format "
					"'%s' (text or json)", argv[i]);
		} else if (!strcmp(argv[i], "--werror")) {
			werror = 1;
		} else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
			quiet = 1;
		} else if (!strcmp(argv[i], "--max-size") && i + 1 < argc) {
			char *end;
			long v = strtol(argv[++i], &end, 10);

			if (*end || v <= 0 || v > 4096)
				return kvpt_cli_usage_error(self, "--max-size "
					"takes a number of MiB (1 to 4096)");
			opts.max_file_size = (size_t)v << 20;
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return kvpt_cli_usage_error(self, "unknown option '%s'",
						    argv[i]);
		} else {
			break;
		}
	}
	if (i >= argc)
		return kvpt_cli_usage_error(self, "no plan given");
	multi = argc - i > 1;
	for (; i < argc; i++) {
		struct kvpt_diags diags;
		struct kvpt_plan *plan = NULL;
		struct kvpt_buf out = KVPT_BUF_INIT;
		const char *path = argv[i];
		int err;

		kvpt_diags_init(&diags);
		err = kvpt_plan_load_file(path, &opts, &plan, &diags);
		if (plan)
			kvpt_check(plan, &diags);
		kvpt_diags_sort(&diags);
		if (quiet) {
			size_t k, m = 0;

			for (k = 0; k < diags.n; k++)
				if (diags.v[k].sev == KVPT_SEV_ERROR)
					diags.v[m++] = diags.v[k];
				else
					free(diags.v[k].msg);
			diags.n = m;
		}
		if (json)
			kvpt_diags_format_json(&diags, plan ? plan->files : &path,
					       plan ? plan->nfiles : 1, &out);
		else
			kvpt_diags_format_text(&diags, plan ? plan->files : &path,
					       plan ? plan->nfiles : 1, &out);
		fputs(out.s ? out.s : "", stdout);
		if (err == KVPT_EIO && rc == KVPT_EXIT_OK)
			rc = KVPT_EXIT_USAGE;
		else if (diags.nerrors || (werror && diags.nwarnings))
			rc = rc == KVPT_EXIT_USAGE ? rc : KVPT_EXIT_FOUND;
		if (!json && !quiet && multi)
			fprintf(stderr, "%s: %d error(s), %d warning(s)\n", path,
				diags.nerrors, diags.nwarnings);
		kvpt_buf_release(&out);
		kvpt_diags_release(&diags);
		kvpt_plan_free(plan);
	}
	return rc;
}
