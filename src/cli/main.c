/*
 * main: the `kvpt` entry point and its table of subcommands.
 */
#include "cli.h"
#include "check/check.h"
#include "plan/plan.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const char usage_help[] =
	"usage: kvpt help [COMMAND]\n"
	"\n"
	"Lists the commands, or shows the full help of one.\n";
static const char usage_version[] =
	"usage: kvpt --version\n"
	"\n"
	"Prints the version of kvpt.\n";

static const struct kvpt_cmd commands[] = {
	{ "check", kvpt_cmd_check, "check plans like a compiler: syntax, "
	  "references, doctrine", kvpt_usage_check },
	{ "show", kvpt_cmd_show, "outline a plan: phases, problems, contents "
	  "with times", kvpt_usage_show },
	{ "timeline", kvpt_cmd_timeline, "the schedule sorted by time; "
	  "--ics writes iCalendar", kvpt_usage_timeline },
	{ "export", kvpt_cmd_export, "the normalised plan as JSON",
	  kvpt_usage_export },
	{ "import-msel", kvpt_cmd_import_msel, "add an inject schedule (CSV "
	  "from a spreadsheet) to a plan", kvpt_usage_import_msel },
	{ "simulate", kvpt_cmd_simulate, "dry-run a plan with automated "
	  "players; --runs K for Monte-Carlo", kvpt_usage_simulate },
	{ "replay", kvpt_cmd_replay, "rebuild the state of an exercise from "
	  "its event log", kvpt_usage_replay },
	{ "evaluate", kvpt_cmd_evaluate, "measure an exercise from its event "
	  "log: responses, states, proposed verdicts", kvpt_usage_evaluate },
	{ "serve", kvpt_cmd_serve, "run the exercise server (JSON API, live "
	  "updates)", kvpt_usage_serve },
	{ "user", kvpt_cmd_user, "manage the server's users", kvpt_usage_user },
	{ "gen", kvpt_cmd_gen, "generate a large valid plan (benchmarks)",
	  kvpt_usage_gen },
	{ "help", cmd_help, "show help for kvpt or a command", usage_help },
	{ "version", cmd_version, "print the version", usage_version },
	{ NULL, NULL, NULL, NULL }
};

const struct kvpt_cmd *kvpt_cli_find(const char *name)
{
	const struct kvpt_cmd *c;

	for (c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

void kvpt_cli_usage(const struct kvpt_cmd *cmd, FILE *f)
{
	fputs(cmd->usage, f);
}

int kvpt_cli_wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	}
	return 0;
}

int kvpt_cli_usage_error(const struct kvpt_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kvpt %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'kvpt %s --help'.\n", cmd->name);
	return KVPT_EXIT_USAGE;
}

struct kvpt_plan *kvpt_cli_load_plan(const char *path, int verbose, int *rc)
{
	struct kvpt_diags diags;
	struct kvpt_plan *plan = NULL;
	struct kvpt_buf out = KVPT_BUF_INIT;
	int err;

	kvpt_diags_init(&diags);
	err = kvpt_plan_load_file(path, NULL, &plan, &diags);
	if (plan && err != KVPT_EIO)
		kvpt_check(plan, &diags);
	kvpt_diags_sort(&diags);
	if (diags.nerrors || verbose) {
		kvpt_diags_format_text(&diags, plan ? plan->files : &path,
				       plan ? plan->nfiles : 1, &out);
		fputs(out.s ? out.s : "", stderr);
	}
	if (!plan || diags.nerrors) {
		if (plan)
			fprintf(stderr, "kvpt: %s has %d error(s); fix them "
				"first (see 'kvpt check %s')\n", path,
				diags.nerrors, path);
		*rc = err == KVPT_EIO ? KVPT_EXIT_USAGE : KVPT_EXIT_FOUND;
		kvpt_plan_free(plan);
		plan = NULL;
	} else {
		*rc = KVPT_EXIT_OK;
	}
	kvpt_buf_release(&out);
	kvpt_diags_release(&diags);
	return plan;
}

static void list_commands(FILE *f)
{
	const struct kvpt_cmd *c;

	fprintf(f, "usage: kvpt COMMAND [ARGS]\n\n"
		"kvpt plans, runs and evaluates defense-zone exercises "
		"(diễn tập KVPT).\n\nCommands:\n");
	for (c = commands; c->name; c++)
		fprintf(f, "  %-12s %s\n", c->name, c->summary);
	fprintf(f, "\nRun 'kvpt help COMMAND' or 'kvpt COMMAND --help' for "
		"the options of one.\n");
}

static int cmd_help(int argc, char **argv)
{
	const struct kvpt_cmd *c;

	if (argc < 2) {
		list_commands(stdout);
		return KVPT_EXIT_OK;
	}
	c = kvpt_cli_find(argv[1]);
	if (!c) {
		fprintf(stderr, "kvpt help: no command '%s'; run 'kvpt help' "
			"for the list\n", argv[1]);
		return KVPT_EXIT_USAGE;
	}
	kvpt_cli_usage(c, stdout);
	return KVPT_EXIT_OK;
}

static int cmd_version(int argc, char **argv)
{
	printf("kvpt %s\n", KVPT_VERSION);
	return KVPT_EXIT_OK;
}

int main(int argc, char **argv)
{
	const struct kvpt_cmd *c;

	if (argc < 2) {
		list_commands(stderr);
		return KVPT_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))
		return cmd_version(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(1, argv + 1);
	c = kvpt_cli_find(argv[1]);
	if (!c) {
		fprintf(stderr, "kvpt: '%s' is not a command; run 'kvpt help' "
			"for the list\n", argv[1]);
		return KVPT_EXIT_USAGE;
	}
	if (kvpt_cli_wants_help(argc - 1, argv + 1)) {
		kvpt_cli_usage(c, stdout);
		return KVPT_EXIT_OK;
	}
	return c->run(argc - 1, argv + 1);
}
