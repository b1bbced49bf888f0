/*
 * cmd_show: `kvpt show PLAN` — the exercise as an outline tree, for a
 * planner to read the script at a glance.  The tree itself is built by
 * export/outline; this file parses options and prints.
 */
#include "cli.h"
#include "export/outline.h"
#include "model/model.h"

#include <stdio.h>
#include <string.h>

const char kvpt_usage_show[] =
	"usage: kvpt show [--lang vi|en] [-v] PLAN\n"
	"\n"
	"Prints the exercise as a tree: its header (code, name, kind, format,\n"
	"locality, day N, start, duration, method, classification), then\n"
	"phases → problems → contents → activities with their times in\n"
	"N-notation (`N 07:30–09:00`), kind, chair and recipients, and under\n"
	"each inject the responses expected with their deadlines.\n"
	"\n"
	"  --lang vi|en    labels in Vietnamese (default) or English; the\n"
	"                  plan's own titles and names are shown as written\n"
	"  -v, --verbose   also print the plan's warnings on stderr\n"
	"\n"
	"The plan must be free of errors ('kvpt check PLAN' lists them).\n"
	"Exit status: 0 shown, 1 the plan has errors, 2 usage or I/O error.\n";

KVPT_CMD(show)
{
	const struct kvpt_cmd *self = kvpt_cli_find("show");
	struct kvpt_buf out = KVPT_BUF_INIT;
	struct kvpt_plan *plan;
	const char *path = NULL, *lang_arg = NULL;
	int lang = KVPT_LANG_VI, verbose = 0, opts_done = 0, rc, i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (opts_done || a[0] != '-' || !a[1]) {
			if (path)
				return kvpt_cli_usage_error(self, "one plan at "
					"a time ('%s' and '%s' given)", path, a);
			path = a;
		} else if (!strcmp(a, "--")) {
			opts_done = 1;
		} else if (!strcmp(a, "--lang")) {
			if (++i >= argc)
				return kvpt_cli_usage_error(self, "--lang needs "
					"a language: vi or en");
			lang_arg = argv[i];
		} else if (!strncmp(a, "--lang=", 7)) {
			lang_arg = a + 7;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			verbose = 1;
		} else {
			return kvpt_cli_usage_error(self, "unknown option '%s'",
						    a);
		}
	}
	if (lang_arg) {
		lang = kvpt_lang_parse(lang_arg);
		if (lang < 0)
			return kvpt_cli_usage_error(self, "unknown language "
				"'%s' (vi or en)", lang_arg);
	}
	if (!path)
		return kvpt_cli_usage_error(self, "no plan given");
	plan = kvpt_cli_load_plan(path, verbose, &rc);
	if (!plan)
		return rc;
	kvpt_outline_format(plan, (enum kvpt_lang)lang, &out);
	fputs(out.s ? out.s : "", stdout);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "kvpt show: cannot write the outline to "
			"standard output\n");
		rc = KVPT_EXIT_USAGE;
	}
	kvpt_buf_release(&out);
	kvpt_plan_free(plan);
	return rc;
}
