/*
 * cmd_replay: `kvpt replay PLAN LOG` — rebuild an exercise's state from its
 * event log, as a server does after a restart or an evaluator does after
 * the exercise, and print it.
 */
#include "cli.h"
#include "base/xalloc.h"
#include "engine/engine.h"
#include "model/extime.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char kvpt_usage_replay[] =
	"usage: kvpt replay PLAN LOG [--json]\n"
	"\n"
	"Rebuilds the state of an exercise from its event log (one JSON object\n"
	"per line, docs/event-log.md), e.g. the log written by\n"
	"'kvpt simulate PLAN --log FILE', and prints it: the exercise time, the\n"
	"counters, the state of every body on each ladder, and every inject and\n"
	"expectation that is not pending.\n"
	"\n"
	"  --json   the canonical state dump (the same state always gives the\n"
	"           same bytes; a replay equals the live run)\n"
	"\n"
	"Exit status: 0 replayed, 1 the log does not fit the plan (the line is\n"
	"named), 2 usage or I/O error.\n";

/* Read the whole file into *out (NUL-terminated); logs may be large but
 * are bounded at 1 GiB. */
static int read_all(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, n = 0;
	char *buf;

	if (!f)
		return -1;
	buf = xmalloc(cap);
	for (;;) {
		size_t got;

		if (n + 1 >= cap) {
			if (cap >= (size_t)1 << 30) {
				errno = EFBIG;
				free(buf);
				fclose(f);
				return -1;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		if (!got)
			break;
		n += got;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static void print_state(const struct kvpt_plan *p, const struct kvpt_engine *e)
{
	const struct kvpt_engine_counters *c = kvpt_engine_counters(e);
	char tb[32];
	int m, b, i;

	kvpt_time_format(kvpt_engine_now(e), tb, sizeof(tb));
	printf("%s — %s\nThời điểm diễn tập / exercise time: %s%s\n\n",
	       p->ex.code, p->ex.name, tb,
	       kvpt_engine_ended(e) ? " (đã kết thúc / ended)" : "");
	printf("events %llu, injects released %llu, expectations met %llu / "
	       "late %llu / missed %llu, actions %llu, transitions %llu, "
	       "refused %llu, documents issued %llu\n\n",
	       (unsigned long long)c->events, (unsigned long long)c->released,
	       (unsigned long long)c->met, (unsigned long long)c->late,
	       (unsigned long long)c->missed, (unsigned long long)c->actions,
	       (unsigned long long)c->transitions,
	       (unsigned long long)c->refused, (unsigned long long)c->issued);
	printf("Trạng thái / states\n");
	for (m = 0; m < p->nmachines; m++)
		for (b = 0; b < p->nbodies; b++) {
			int s = kvpt_engine_body_state(e, m, b);

			if (s < 0)
				continue;
			printf("  %-11s %-28s %s\n", p->machines[m].id,
			       p->bodies[b].id, p->machines[m].states[s].name);
		}
	printf("\nTình huống / injects\n");
	for (i = 0; i < p->nactivities; i++) {
		const struct kvpt_activity_state *st = kvpt_engine_activity(e, i);

		if (p->activities[i].kind != KVPT_ACT_SITUATION ||
		    st->status == KVPT_ACTIVITY_PENDING)
			continue;
		kvpt_time_format(st->at, tb, sizeof(tb));
		printf("  %-24s %-10s %s\n", p->activities[i].id,
		       kvpt_enum_id(kvpt_activity_statuses, (int)st->status),
		       st->status == KVPT_ACTIVITY_RELEASED ? tb : "");
	}
	printf("\nYêu cầu / expectations\n");
	for (i = 0; i < p->nexpectations; i++) {
		const struct kvpt_expect_state *x = kvpt_engine_expectation(e, i);

		if (x->status == KVPT_EXPECT_WAITING)
			continue;
		kvpt_time_format(x->at, tb, sizeof(tb));
		printf("  %-28s %-9s %s\n", p->expectations[i].id,
		       kvpt_enum_id(kvpt_expect_statuses, (int)x->status),
		       x->at != KVPT_TIME_NONE ? tb : "");
	}
}

KVPT_CMD(replay)
{
	const struct kvpt_cmd *self = kvpt_cli_find("replay");
	const char *plan_path = NULL, *log_path = NULL;
	struct kvpt_plan *plan;
	struct kvpt_engine *e = NULL;
	struct kvpt_buf err = KVPT_BUF_INIT;
	char *log;
	size_t len;
	int json = 0, rc, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return kvpt_cli_usage_error(self, "unknown option '%s'",
						    argv[i]);
		else if (!plan_path)
			plan_path = argv[i];
		else if (!log_path)
			log_path = argv[i];
		else
			return kvpt_cli_usage_error(self, "too many arguments");
	}
	if (!plan_path || !log_path)
		return kvpt_cli_usage_error(self, "give a plan and its log");
	plan = kvpt_cli_load_plan(plan_path, 0, &rc);
	if (!plan)
		return rc;
	if (read_all(log_path, &log, &len)) {
		fprintf(stderr, "kvpt replay: cannot read %s: %s\n", log_path,
			strerror(errno));
		kvpt_plan_free(plan);
		return KVPT_EXIT_USAGE;
	}
	if (kvpt_engine_replay(plan, log, len, &e, &err)) {
		fprintf(stderr, "%s: %s\n", log_path, err.s ? err.s : "bad log");
		rc = KVPT_EXIT_FOUND;
	} else if (json) {
		struct kvpt_buf out = KVPT_BUF_INIT;

		kvpt_engine_state_json(e, &out);
		fputs(out.s ? out.s : "", stdout);
		kvpt_buf_release(&out);
	} else {
		print_state(plan, e);
	}
	kvpt_engine_free(e);
	kvpt_buf_release(&err);
	free(log);
	kvpt_plan_free(plan);
	return rc;
}
