/*
 * cmd_simulate: `kvpt simulate` — dry runs with automated players, one
 * (a timeline summary) or many (a Monte-Carlo study).
 */
#include "cli.h"
#include "base/xalloc.h"
#include "export/text.h"
#include "model/extime.h"
#include "sim/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char kvpt_usage_simulate[] =
	"usage: kvpt simulate PLAN [--seed N] [--runs K] [--jobs J] [--json]\n"
	"                     [--log FILE]\n"
	"\n"
	"Dry-runs the exercise with automated players who answer each inject\n"
	"after a response time drawn from the plan's model (simulation:),\n"
	"sometimes late, wrong or not at all.\n"
	"\n"
	"One run (the default) prints when each phase's work actually ends,\n"
	"expectations met/late/missed per body, the states reached and when,\n"
	"and transitions the doctrine refused.  --log FILE writes its event log.\n"
	"\n"
	"--runs K runs a Monte-Carlo study of K runs over all cores (--jobs J\n"
	"to choose): per phase the p50/p90 end against its planned window, and\n"
	"per deadline the probability it is missed.  Seeds N, N+1, … make the\n"
	"study reproducible whatever the number of jobs.\n"
	"\n"
	"  --seed N   first seed (default 1)\n"
	"  --json     machine-readable output\n"
	"\n"
	"Exit status: 0 done, 1 plan has errors, 2 usage or I/O error.\n";

static const char *tf(kvpt_time t, char *buf)
{
	kvpt_time_format(t, buf, 32);
	return buf;
}

/* s padded with spaces to `width` display columns (Vietnamese text has
 * more bytes than columns); the result lives in a static buffer. */
static const char *pad(const char *s, size_t width)
{
	static struct kvpt_buf b;

	kvpt_buf_reset(&b);
	kvpt_text_pad(&b, s, width);
	return b.s;
}

static const char *df(int64_t ms, char *buf)
{
	if (ms >= 0) {
		buf[0] = '+';
		kvpt_duration_format(ms, buf + 1, 31);
	} else {
		buf[0] = '-';
		kvpt_duration_format(-ms, buf + 1, 31);
	}
	return buf;
}

static void print_one(const struct kvpt_plan *p, const struct kvpt_sim_run *r)
{
	char a[32], b[32], c[32], d[32];
	int i;

	printf("%s — %s\nDry run, seed %llu: %llu engine events\n\n",
	       p->ex.code, p->ex.name, (unsigned long long)r->seed,
	       (unsigned long long)r->events);
	printf("Giai đoạn / phase            kế hoạch / planned       "
	       "kết thúc thực tế / actual end\n");
	for (i = 0; i < p->nphases; i++) {
		const struct kvpt_phase *ph = &p->phases[i];

		printf("  %-26s %s – %-12s %-12s (%s)%s\n", ph->id,
		       tf(ph->start, a), tf(ph->end, b), tf(r->phase_end[i], c),
		       df(r->phase_end[i] - ph->end, d),
		       r->phase_end[i] > ph->end ? "  QUÁ GIỜ / over" : "");
	}
	printf("\nYêu cầu theo cơ quan / expectations per body   "
	       "đạt/met  muộn/late  lỡ/missed\n");
	for (i = 0; i < p->nbodies; i++) {
		const struct kvpt_sim_tally *t = &r->by_body[i];

		if (!t->met && !t->late && !t->missed)
			continue;
		printf("  %s %7d %10d %11d\n", pad(p->bodies[i].name, 44),
		       t->met, t->late, t->missed);
	}
	printf("\nTrạng thái đạt được / states reached\n");
	for (i = 0; i < r->nreached; i++) {
		const struct kvpt_sim_reached *s = &r->reached[i];
		const struct kvpt_machine *m = &p->machines[s->machine];

		printf("  %-12s %s %-11s → %s\n", tf(s->at, a),
		       pad(p->bodies[s->body].name, 40), m->id,
		       m->states[s->state].name);
	}
	if (r->refused) {
		printf("\nChuyển trạng thái bị từ chối / refused transitions: %d\n",
		       r->refused);
		fputs(r->refusals.s ? r->refusals.s : "", stdout);
	}
}

static void json_one(const struct kvpt_plan *p, const struct kvpt_sim_run *r)
{
	struct kvpt_buf o = KVPT_BUF_INIT;
	int i, first = 1;

	kvpt_buf_addf(&o, "{\"exercise\":");
	kvpt_buf_add_json_str(&o, p->ex.code);
	kvpt_buf_addf(&o, ",\"seed\":%llu,\"events\":%llu,\"phases\":[",
		      (unsigned long long)r->seed, (unsigned long long)r->events);
	for (i = 0; i < p->nphases; i++) {
		kvpt_buf_addf(&o, "%s{\"id\":", i ? "," : "");
		kvpt_buf_add_json_str(&o, p->phases[i].id);
		kvpt_buf_addf(&o, ",\"planned_start\":%lld,\"planned_end\":%lld,"
			      "\"actual_end\":%lld}",
			      (long long)p->phases[i].start,
			      (long long)p->phases[i].end,
			      (long long)r->phase_end[i]);
	}
	kvpt_buf_adds(&o, "],\"bodies\":[");
	for (i = 0; i < p->nbodies; i++) {
		const struct kvpt_sim_tally *t = &r->by_body[i];

		if (!t->met && !t->late && !t->missed)
			continue;
		kvpt_buf_addf(&o, "%s{\"id\":", first ? "" : ",");
		kvpt_buf_add_json_str(&o, p->bodies[i].id);
		kvpt_buf_addf(&o, ",\"met\":%d,\"late\":%d,\"missed\":%d}",
			      t->met, t->late, t->missed);
		first = 0;
	}
	kvpt_buf_adds(&o, "],\"states\":[");
	for (i = 0; i < r->nreached; i++) {
		const struct kvpt_sim_reached *s = &r->reached[i];

		kvpt_buf_addf(&o, "%s{\"t\":%lld,\"body\":", i ? "," : "",
			      (long long)s->at);
		kvpt_buf_add_json_str(&o, p->bodies[s->body].id);
		kvpt_buf_adds(&o, ",\"machine\":");
		kvpt_buf_add_json_str(&o, p->machines[s->machine].id);
		kvpt_buf_adds(&o, ",\"state\":");
		kvpt_buf_add_json_str(&o, p->machines[s->machine].states[s->state].id);
		kvpt_buf_addc(&o, '}');
	}
	kvpt_buf_addf(&o, "],\"refused\":%d}\n", r->refused);
	fputs(o.s, stdout);
	kvpt_buf_release(&o);
}

static void progress_bar(void *user, int done, int total)
{
	int width = 40, fill = total ? done * width / total : width;

	fprintf(stderr, "\r[%.*s%*s] %d/%d", fill,
		"########################################", width - fill, "",
		done, total);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

static void print_study(const struct kvpt_plan *p,
			const struct kvpt_sim_study *st, int json)
{
	char a[32], b[32], c[32], d[32], e[32];
	int i, shown = 0;

	if (json) {
		struct kvpt_buf o = KVPT_BUF_INIT;

		kvpt_buf_addf(&o, "{\"exercise\":");
		kvpt_buf_add_json_str(&o, p->ex.code);
		kvpt_buf_addf(&o, ",\"runs\":%d,\"mean_refused\":%.3f,"
			      "\"phases\":[", st->runs, st->mean_refused);
		for (i = 0; i < p->nphases; i++) {
			kvpt_buf_addf(&o, "%s{\"id\":", i ? "," : "");
			kvpt_buf_add_json_str(&o, p->phases[i].id);
			kvpt_buf_addf(&o, ",\"planned_end\":%lld,\"p50\":%lld,"
				      "\"p90\":%lld,\"p_over\":%.4f}",
				      (long long)p->phases[i].end,
				      (long long)st->phase_p50[i],
				      (long long)st->phase_p90[i],
				      st->phase_over[i]);
		}
		kvpt_buf_adds(&o, "],\"deadlines\":[");
		for (i = 0; i < p->nexpectations; i++) {
			kvpt_buf_addf(&o, "%s{\"id\":", i ? "," : "");
			kvpt_buf_add_json_str(&o, p->expectations[i].id);
			kvpt_buf_addf(&o, ",\"p_missed\":%.4f}", st->p_missed[i]);
		}
		kvpt_buf_adds(&o, "]}\n");
		fputs(o.s, stdout);
		kvpt_buf_release(&o);
		return;
	}
	printf("%s — %s\nMonte-Carlo: %d runs\n\n", p->ex.code, p->ex.name,
	       st->runs);
	printf("Giai đoạn / phase     kế hoạch / planned      p50          "
	       "p90          P(quá giờ / over)\n");
	for (i = 0; i < p->nphases; i++)
		printf("  %-19s %s – %-9s %-12s %-12s %5.1f%%  (p90 %s)\n",
		       p->phases[i].id, tf(p->phases[i].start, a),
		       tf(p->phases[i].end, b), tf(st->phase_p50[i], c),
		       tf(st->phase_p90[i], d), 100.0 * st->phase_over[i],
		       df(st->phase_p90[i] - p->phases[i].end, e));
	printf("\nHạn dễ lỡ nhất / deadlines most likely missed "
	       "(missed or answered late)\n");
	for (;;) {
		int best = -1;

		for (i = 0; i < p->nexpectations; i++)
			if (st->p_missed[i] >= 0 &&
			    (best < 0 || st->p_missed[i] > st->p_missed[best]))
				best = i;
		if (best < 0 || shown == 10 || st->p_missed[best] <= 0)
			break;
		printf("  %5.1f%%  %-24s (%s, %s)\n", 100.0 * st->p_missed[best],
		       p->expectations[best].id,
		       kvpt_enum_vi(kvpt_expect_kinds, p->expectations[best].kind),
		       p->activities[p->expectations[best].inject].id);
		st->p_missed[best] = -1 - st->p_missed[best];
		shown++;
	}
	for (i = 0; i < p->nexpectations; i++)
		if (st->p_missed[i] < 0)
			st->p_missed[i] = -1 - st->p_missed[i];
	if (!shown)
		printf("  none\n");
	printf("\nChuyển trạng thái bị từ chối / refused transitions per run: "
	       "%.2f\n", st->mean_refused);
	{
		int over = 0;

		for (i = 0; i < p->nphases; i++)
			over |= st->phase_p90[i] > p->phases[i].end;
		printf("\n%s\n", over ?
		       "Kết luận: kịch bản có nguy cơ vượt thời gian dự kiến "
		       "(p90 vượt khung giờ của ít nhất một giai đoạn). / The "
		       "script risks overrunning its days." :
		       "Kết luận: kịch bản nằm trong thời gian dự kiến (p90). / "
		       "The script fits the days planned (p90).");
	}
}

KVPT_CMD(simulate)
{
	const struct kvpt_cmd *self = kvpt_cli_find("simulate");
	const char *path = NULL, *log_path = NULL;
	unsigned long long seed = 1;
	int runs = 0, jobs = 0, json = 0, rc, i;
	struct kvpt_plan *plan;

	for (i = 1; i < argc; i++) {
		char *end;

		if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
			seed = strtoull(argv[++i], &end, 10);
			if (*end)
				return kvpt_cli_usage_error(self, "--seed takes "
							    "a number");
		} else if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
			long v = strtol(argv[++i], &end, 10);

			if (*end || v < 1 || v > 10000000)
				return kvpt_cli_usage_error(self, "--runs takes "
					"a number from 1 to 10000000");
			runs = (int)v;
		} else if (!strcmp(argv[i], "--jobs") && i + 1 < argc) {
			long v = strtol(argv[++i], &end, 10);

			if (*end || v < 1 || v > 1024)
				return kvpt_cli_usage_error(self, "--jobs takes "
					"a number from 1 to 1024");
			jobs = (int)v;
		} else if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--log") && i + 1 < argc) {
			log_path = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return kvpt_cli_usage_error(self, "unknown option '%s'",
						    argv[i]);
		} else if (!path) {
			path = argv[i];
		} else {
			return kvpt_cli_usage_error(self, "one plan at a time");
		}
	}
	if (!path)
		return kvpt_cli_usage_error(self, "no plan given");
	if (runs && log_path)
		return kvpt_cli_usage_error(self, "--log is for a single run");
	plan = kvpt_cli_load_plan(path, 0, &rc);
	if (!plan)
		return rc;
	if (!runs) {
		struct kvpt_sim_run r;
		struct kvpt_buf log = KVPT_BUF_INIT;

		if (kvpt_sim_run(plan, seed, &r, log_path ? &log : NULL)) {
			fprintf(stderr, "kvpt simulate: the engine could not "
				"start this plan\n");
			rc = KVPT_EXIT_USAGE;
		} else {
			if (json)
				json_one(plan, &r);
			else
				print_one(plan, &r);
		}
		if (log_path && !rc) {
			FILE *f = fopen(log_path, "wb");

			if (!f || fwrite(log.s ? log.s : "", 1, log.len, f) !=
					  log.len || fclose(f)) {
				fprintf(stderr, "kvpt simulate: cannot write "
					"%s\n", log_path);
				rc = KVPT_EXIT_USAGE;
			}
		}
		kvpt_buf_release(&log);
		kvpt_sim_run_release(&r);
	} else {
		struct kvpt_sim_study st;

		kvpt_sim_study(plan, seed, runs, jobs,
			       isatty(2) && !json ? progress_bar : NULL, NULL,
			       &st);
		print_study(plan, &st, json);
		kvpt_sim_study_release(&st);
	}
	kvpt_plan_free(plan);
	return rc;
}
