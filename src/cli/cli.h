/*
 * cli: the `kvpt` command-line front.  Each subcommand is one file
 * (cmd_<name>.c) exporting one function registered in the table in main.c
 * (git's builtin/ layout).  Only this layer prints and picks exit codes:
 * 0 success, 1 the input has problems (errors found, deadlines missed…),
 * 2 usage or I/O error.
 */
#ifndef KVPT_CLI_H
#define KVPT_CLI_H

#include <stdio.h>

enum { KVPT_EXIT_OK = 0, KVPT_EXIT_FOUND = 1, KVPT_EXIT_USAGE = 2 };

struct kvpt_cmd {
	const char *name;
	int (*run)(int argc, char **argv);	/* argv[0] is the name */
	const char *summary;			/* one line, for `kvpt help` */
	const char *usage;			/* the full --help text */
};

const struct kvpt_cmd *kvpt_cli_find(const char *name);
/* Print cmd's usage to f. */
void kvpt_cli_usage(const struct kvpt_cmd *cmd, FILE *f);
/* Whether argv holds -h or --help. */
int kvpt_cli_wants_help(int argc, char **argv);
/* Report a usage error for cmd on stderr; returns KVPT_EXIT_USAGE. */
int kvpt_cli_usage_error(const struct kvpt_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Load and resolve a plan for a command that needs a clean one: prints
 * diagnostics to stderr and returns NULL when the plan has errors
 * (warnings are printed only when verbose).  *rc gets the exit code to use.
 */
struct kvpt_plan;
struct kvpt_plan *kvpt_cli_load_plan(const char *path, int verbose, int *rc);

#define KVPT_CMD(name) int kvpt_cmd_##name(int argc, char **argv)
KVPT_CMD(check);
KVPT_CMD(show);
KVPT_CMD(timeline);
KVPT_CMD(export);
KVPT_CMD(simulate);
KVPT_CMD(gen);
KVPT_CMD(replay);
KVPT_CMD(serve);
KVPT_CMD(user);
KVPT_CMD(import_msel);
KVPT_CMD(evaluate);

extern const char kvpt_usage_check[], kvpt_usage_show[],
	kvpt_usage_timeline[], kvpt_usage_export[], kvpt_usage_simulate[],
	kvpt_usage_gen[], kvpt_usage_replay[], kvpt_usage_serve[],
	kvpt_usage_user[], kvpt_usage_import_msel[], kvpt_usage_evaluate[];

#endif
