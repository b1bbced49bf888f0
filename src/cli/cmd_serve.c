/*
 * cmd_serve: `kvpt serve` — run the exercise server (server/server.h) on
 * a store, loading plan files as exercises.
 */
#include "cli.h"
#include "base/xalloc.h"
#include "model/model.h"
#include "server/server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char kvpt_usage_serve[] =
	"usage: kvpt serve [--db PATH] [--listen ADDR:PORT] [--plan FILE]...\n"
	"\n"
	"Runs the exercise server: a JSON API with live updates (Server-Sent\n"
	"Events) for the directing staff, players, evaluators and observers,\n"
	"documented in docs/api.md.  Stops cleanly on Ctrl-C or SIGTERM.\n"
	"\n"
	"  --db PATH           the SQLite database, created and migrated on\n"
	"                      start (default kvpt.db)\n"
	"  --listen ADDR:PORT  where to listen (default 127.0.0.1:8080; port 0\n"
	"                      picks a free one)\n"
	"  --plan FILE         load this plan as an exercise unless one with\n"
	"                      its code exists (repeatable); a plan with errors\n"
	"                      stops the start\n"
	"  --demo              on a database without users, create demo\n"
	"                      accounts assigned in every exercise, with random\n"
	"                      passwords printed once\n"
	"  --sync normal       synchronous=NORMAL: faster commits that survive\n"
	"                      a crash of kvpt but not a power cut (default\n"
	"                      full)\n"
	"\n"
	"When it serves, it prints 'listening URL' on standard output.  Users\n"
	"are created with 'kvpt user add'; there are no default passwords.\n"
	"\n"
	"Exit status: 0 stopped cleanly, 1 a plan has errors, 2 usage, store\n"
	"or network error.\n";

static void on_ready(void *user, const char *url)
{
	printf("listening %s\n", url);
	fflush(stdout);
}

static void on_log(void *user, const char *msg)
{
	fprintf(stderr, "kvpt serve: %s\n", msg);
}

KVPT_CMD(serve)
{
	const struct kvpt_cmd *self = kvpt_cli_find("serve");
	struct kvpt_server_opts o;
	struct kvpt_buf err = KVPT_BUF_INIT;
	int i, rc;

	memset(&o, 0, sizeof(o));
	o.db = "kvpt.db";
	o.listen = "127.0.0.1:8080";
	o.plans = xcalloc((size_t)argc, sizeof(*o.plans));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc) {
			o.db = argv[++i];
		} else if (!strcmp(argv[i], "--listen") && i + 1 < argc) {
			o.listen = argv[++i];
		} else if (!strcmp(argv[i], "--plan") && i + 1 < argc) {
			o.plans[o.nplans++] = argv[++i];
		} else if (!strcmp(argv[i], "--demo")) {
			o.demo = 1;
		} else if (!strcmp(argv[i], "--sync") && i + 1 < argc) {
			i++;
			if (!strcmp(argv[i], "normal"))
				o.synchronous_normal = 1;
			else if (strcmp(argv[i], "full"))
				return kvpt_cli_usage_error(self, "--sync is "
							    "full or normal");
		} else {
			free(o.plans);
			return kvpt_cli_usage_error(self, "unexpected '%s'",
						    argv[i]);
		}
	}
	o.ready = on_ready;
	o.log = on_log;
	rc = kvpt_server_run(&o, &err);
	free(o.plans);
	if (rc) {
		fprintf(stderr, "kvpt serve: %s\n", err.s);
		kvpt_buf_release(&err);
		return rc == KVPT_EINVAL ? KVPT_EXIT_FOUND : KVPT_EXIT_USAGE;
	}
	kvpt_buf_release(&err);
	return KVPT_EXIT_OK;
}
