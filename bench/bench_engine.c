/*
 * bench_engine: the exercise engine on a national-scale plan.  A plan of
 * 100,000 contents (plan/gen.h) is loaded, and the engine runs it from
 * start to end in virtual time with no log sink, driven by automated
 * players: most expectations are answered in time, some late, the rest
 * never; each conference is reported held when it ends and its planned
 * transitions are made.  Prints the events the engine applied per second
 * of wall time (the target is at least one million), with the counters
 * that show the run did what an exercise does.
 *
 * usage: bench_engine [CONTENTS [RUNS]]   (default 100000 3)
 */
#include "check/check.h"
#include "engine/engine.h"
#include "plan/gen.h"
#include "plan/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A player's move, due at a time: an action, in a min-heap by (t, seq). */
struct move {
	kvpt_time t;
	uint64_t seq;
	struct kvpt_action a;
};

struct driver {
	const struct kvpt_plan *p;
	struct move *heap;
	size_t n, cap;
	uint64_t seq;
	long moves;
};

static int move_before(const struct move *a, const struct move *b)
{
	return a->t != b->t ? a->t < b->t : a->seq < b->seq;
}

static void push(struct driver *d, kvpt_time t, const struct kvpt_action *a)
{
	size_t i;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 1024;
		d->heap = realloc(d->heap, d->cap * sizeof(*d->heap));
		if (!d->heap)
			abort();
	}
	i = d->n++;
	d->heap[i].t = t;
	d->heap[i].seq = d->seq++;
	d->heap[i].a = *a;
	while (i && move_before(&d->heap[i], &d->heap[(i - 1) / 2])) {
		struct move m = d->heap[i];

		d->heap[i] = d->heap[(i - 1) / 2];
		d->heap[(i - 1) / 2] = m;
		i = (i - 1) / 2;
	}
}

static struct move pop(struct driver *d)
{
	struct move top = d->heap[0], tmp;
	size_t i = 0;

	d->heap[0] = d->heap[--d->n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < d->n && move_before(&d->heap[l], &d->heap[m]))
			m = l;
		if (r < d->n && move_before(&d->heap[r], &d->heap[m]))
			m = r;
		if (m == i)
			break;
		tmp = d->heap[i];
		d->heap[i] = d->heap[m];
		d->heap[m] = tmp;
		i = m;
	}
	return top;
}

/* A fixed share of things, the same on every run: x in 0..99. */
static unsigned share(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return (unsigned)((x ^ (x >> 31)) % 100);
}

/* The players react to what the engine did; they act later through the
 * heap (an observer must not call back into the engine). */
static void observe(void *user, const struct kvpt_event *ev)
{
	struct driver *d = user;
	const struct kvpt_plan *p = d->p;
	struct kvpt_action a;
	int i;

	if (ev->type == KVPT_EV_INJECT_RELEASED) {
		const struct kvpt_activity *inj = &p->activities[ev->inject];

		for (i = inj->first_expectation;
		     i < inj->first_expectation + inj->nexpectations; i++) {
			const struct kvpt_expectation *x = &p->expectations[i];
			unsigned s = share((uint64_t)i);
			int64_t within = x->within > 0 ? x->within :
					 KVPT_MS_HOUR;

			if (x->kind > KVPT_EXPECT_DECISION || x->by_body ||
			    x->by.idx < 0 || s >= 85)
				continue;	/* 15 % never answered */
			kvpt_action_init(&a, (enum kvpt_action_kind)x->kind,
					 x->by.idx);
			a.inject = ev->inject;
			/* 75 % in time, 10 % five minutes late. */
			push(d, ev->t + (s < 75 ? within / 2 :
					 within + 5 * KVPT_MS_MIN), &a);
		}
	} else if (ev->type == KVPT_EV_ACTIVITY_ENDED &&
		   p->activities[ev->activity].kind == KVPT_ACT_CONFERENCE) {
		const struct kvpt_activity *c = &p->activities[ev->activity];

		if (c->chair.idx < 0)
			return;
		kvpt_action_init(&a, KVPT_ACTION_CONFERENCE, c->chair.idx);
		a.conference = ev->activity;
		push(d, ev->t, &a);
		for (i = 0; i < c->ntransitions; i++) {
			kvpt_action_init(&a, KVPT_ACTION_TRANSITION,
					 c->chair.idx);
			a.machine = c->transitions[i].machine;
			a.body = c->transitions[i].body.idx;
			a.state = c->transitions[i].to.idx;
			push(d, ev->t, &a);
		}
	}
}

/* One run from start to end; returns the wall time in seconds. */
static double run(const struct kvpt_plan *p, struct kvpt_engine_counters *c,
		  long *moves)
{
	struct driver d;
	struct kvpt_engine_opts opts;
	struct kvpt_engine *e;
	kvpt_time horizon = p->ex.start + p->ex.duration;
	double t0, t1;

	memset(&d, 0, sizeof(d));
	d.p = p;
	memset(&opts, 0, sizeof(opts));
	opts.observe = observe;
	opts.observe_user = &d;
	t0 = now_s();
	e = kvpt_engine_new(p, &opts);
	kvpt_engine_start(e, KVPT_TIME_NONE, 0);
	for (;;) {
		kvpt_time tn = kvpt_engine_next_time(e);
		kvpt_time tm = d.n ? d.heap[0].t : KVPT_TIME_NONE;

		if (tm != KVPT_TIME_NONE &&
		    (tn == KVPT_TIME_NONE || tm <= tn)) {
			struct move m;

			if (tm > horizon)
				break;
			kvpt_engine_run_until(e, tm);
			m = pop(&d);
			kvpt_engine_act(e, &m.a, NULL, NULL);
			d.moves++;
		} else if (tn != KVPT_TIME_NONE && tn <= horizon) {
			kvpt_engine_run_until(e, tn);
		} else {
			break;
		}
	}
	kvpt_engine_end(e, 0);
	t1 = now_s();
	*c = *kvpt_engine_counters(e);
	*moves = d.moves;
	kvpt_engine_free(e);
	free(d.heap);
	return t1 - t0;
}

int main(int argc, char **argv)
{
	struct kvpt_gen_opts gopts = { 100000, 1 };
	struct kvpt_buf text = KVPT_BUF_INIT;
	struct kvpt_load_opts lo = { 0 };
	struct kvpt_diags diags;
	struct kvpt_plan *plan = NULL;
	struct kvpt_engine_counters c;
	double best = 0;
	long moves = 0;
	int runs = 3, i;

	if (argc > 1)
		gopts.contents = atol(argv[1]);
	if (argc > 2)
		runs = atoi(argv[2]);
	if (runs < 1 || kvpt_gen_plan(&gopts, &text, NULL)) {
		fprintf(stderr, "usage: bench_engine [CONTENTS [RUNS]]\n");
		return 2;
	}
	if (text.len > KVPT_MAX_FILE_SIZE_DEFAULT)
		lo.max_file_size = text.len;
	kvpt_diags_init(&diags);
	kvpt_plan_load_string("gen.yaml", text.s, text.len, NULL, &lo, &plan,
			      &diags);
	if (plan)
		kvpt_check(plan, &diags);
	if (!plan || diags.nerrors) {
		fprintf(stderr, "bench_engine: the generated plan has %d "
			"error(s)\n", diags.nerrors);
		return 1;
	}
	kvpt_diags_release(&diags);
	kvpt_buf_release(&text);

	for (i = 0; i < runs; i++) {
		double t = run(plan, &c, &moves);

		if (!i || t < best)
			best = t;
	}
	printf("bench_engine: %ld contents (%d injects+conferences, %d "
	       "expectations), no log sink, best of %d runs\n",
	       gopts.contents, plan->nactivities, plan->nexpectations, runs);
	printf("  %llu events in %.3f s = %.2f M events/s (target >= 1.00)\n",
	       (unsigned long long)c.events, best, c.events / best / 1e6);
	printf("  released %llu, met %llu, late %llu, missed %llu; %ld player "
	       "actions, %llu answered; documents issued %llu; transitions "
	       "%llu, refused %llu\n",
	       (unsigned long long)c.released, (unsigned long long)c.met,
	       (unsigned long long)c.late, (unsigned long long)c.missed, moves,
	       (unsigned long long)c.answered, (unsigned long long)c.issued,
	       (unsigned long long)c.transitions,
	       (unsigned long long)c.refused);
	kvpt_plan_free(plan);
	return 0;
}
