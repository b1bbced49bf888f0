/*
 * sim: automated players over the engine, and Monte-Carlo studies.  See
 * sim.h.  The players watch the engine's events (opts.observe): a released
 * inject schedules an answer per expectation; an ended conference
 * schedules its holding (outputs issued) and its planned state changes.
 * Scheduled answers wait in a small heap beside the engine's own queue and
 * are applied in time order between engine steps.
 */
#include "sim.h"
#include "rng.h"
#include "base/xalloc.h"
#include "engine/engine.h"
#include "model/extime.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A player's move waiting for its time. */
struct move {
	kvpt_time t;
	uint64_t seq;
	struct kvpt_action a;
	int activity;		/* CONFERENCE: planned conference; else -1 */
	int release;		/* 1: a director releases inject `activity` */
};

struct player {
	const struct kvpt_plan *p;
	struct kvpt_engine *e;
	struct kvpt_rng rng;
	struct move *heap;
	size_t n, cap;
	uint64_t seq;
	struct kvpt_sim_run *run;
	kvpt_time *act_end;	/* [nactivities] actual end */
	int *body_role;		/* [nbodies] a role acting for the body */
};

static int move_less(const struct move *a, const struct move *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void push_move(struct player *pl, kvpt_time t,
		      const struct kvpt_action *a, int activity, int release)
{
	size_t i;

	XGROW(pl->heap, pl->cap, pl->n + 1);
	i = pl->n++;
	pl->heap[i].t = t;
	pl->heap[i].seq = pl->seq++;
	pl->heap[i].a = *a;
	pl->heap[i].activity = activity;
	pl->heap[i].release = release;
	while (i > 0) {
		size_t up = (i - 1) / 2;
		struct move tmp;

		if (!move_less(&pl->heap[i], &pl->heap[up]))
			break;
		tmp = pl->heap[i];
		pl->heap[i] = pl->heap[up];
		pl->heap[up] = tmp;
		i = up;
	}
}

static struct move pop_move(struct player *pl)
{
	struct move top = pl->heap[0];
	size_t i = 0;

	pl->heap[0] = pl->heap[--pl->n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct move tmp;

		if (l < pl->n && move_less(&pl->heap[l], &pl->heap[m]))
			m = l;
		if (r < pl->n && move_less(&pl->heap[r], &pl->heap[m]))
			m = r;
		if (m == i)
			break;
		tmp = pl->heap[i];
		pl->heap[i] = pl->heap[m];
		pl->heap[m] = tmp;
		i = m;
	}
	return top;
}

/* The role that answers expectation x: its role, or one of its body's. */
static int answering_role(const struct player *pl,
			  const struct kvpt_expectation *x)
{
	if (x->by.idx < 0)
		return -1;
	return x->by_body ? pl->body_role[x->by.idx] : x->by.idx;
}

static void answer_inject(struct player *pl, int inject, kvpt_time now)
{
	const struct kvpt_plan *p = pl->p;
	const struct kvpt_activity *a = &p->activities[inject];
	int k;

	for (k = 0; k < a->nexpectations; k++) {
		int xi = a->first_expectation + k;
		const struct kvpt_expectation *x = &p->expectations[xi];
		struct kvpt_action act;
		double u = kvpt_rng_unit(&pl->rng);
		int64_t rt = kvpt_rng_response(&pl->rng, &p->sim.response[x->kind]);
		int role = answering_role(pl, x);

		if (role < 0 || u < p->sim.p_silent)
			continue;
		switch (x->kind) {
		case KVPT_EXPECT_ACK:
		case KVPT_EXPECT_REPORT:
		case KVPT_EXPECT_ORDER:
		case KVPT_EXPECT_DECISION:
			kvpt_action_init(&act, (enum kvpt_action_kind)x->kind, role);
			act.inject = inject;
			break;
		case KVPT_EXPECT_DOCUMENT:
			kvpt_action_init(&act, KVPT_ACTION_DOCUMENT, role);
			act.doc_type = x->doc_type;
			break;
		case KVPT_EXPECT_CONFERENCE:
			kvpt_action_init(&act, KVPT_ACTION_CONFERENCE, role);
			act.conference = x->conference.idx;
			break;
		default: {
			int body = x->state_body.idx >= 0 ? x->state_body.idx :
				   x->by_body ? x->by.idx :
				   p->roles[x->by.idx].body.idx;

			kvpt_action_init(&act, KVPT_ACTION_TRANSITION, role);
			act.machine = x->machine;
			act.body = body;
			act.state = x->state.idx;
			break;
		}
		}
		if (u < p->sim.p_silent + p->sim.p_wrong) {
			/* A wrong answer: a report where something else was
			 * wanted (or an order instead of a report). */
			enum kvpt_action_kind wrong =
				x->kind == KVPT_EXPECT_REPORT ? KVPT_ACTION_ORDER :
								KVPT_ACTION_REPORT;

			kvpt_action_init(&act, wrong, role);
			act.inject = inject;
		}
		push_move(pl, now + rt, &act, -1, 0);
	}
}

/* A planned conference ended: after an overrun (or early finish) it is
 * held, its outputs issued, then its planned state changes requested. */
static void finish_activity(struct player *pl, int ai, kvpt_time now)
{
	const struct kvpt_plan *p = pl->p;
	const struct kvpt_activity *a = &p->activities[ai];
	int64_t planned = a->end - a->start;
	double factor = exp(0.17 * kvpt_rng_normal(&pl->rng));
	kvpt_time end = a->start + (int64_t)((double)planned * factor);
	struct kvpt_action act;
	int k, role = a->chair.idx;

	if (end < now)
		end = now;
	pl->act_end[ai] = end;
	if (a->kind == KVPT_ACT_CONFERENCE && role >= 0) {
		kvpt_action_init(&act, KVPT_ACTION_CONFERENCE, role);
		act.conference = ai;
		push_move(pl, end, &act, ai, 0);
	}
	for (k = 0; k < a->ntransitions; k++) {
		const struct kvpt_transition *tr = &a->transitions[k];
		int r = role >= 0 ? role : pl->body_role[tr->body.idx];

		if (r < 0)
			continue;
		kvpt_action_init(&act, KVPT_ACTION_TRANSITION, r);
		act.machine = tr->machine;
		act.body = tr->body.idx;
		act.state = tr->to.idx;
		push_move(pl, end, &act, -1, 0);
	}
}

static void observe(void *user, const struct kvpt_event *ev)
{
	struct player *pl = user;
	struct kvpt_sim_run *run = pl->run;

	switch (ev->type) {
	case KVPT_EV_INJECT_RELEASED:
		answer_inject(pl, ev->inject, ev->t);
		break;
	case KVPT_EV_ACTIVITY_ENDED:
		finish_activity(pl, ev->activity, ev->t);
		break;
	case KVPT_EV_STATE_CHANGED:
		XGROW(run->reached, run->cap_reached, (size_t)run->nreached + 1);
		run->reached[run->nreached].machine = ev->machine;
		run->reached[run->nreached].body = ev->body;
		run->reached[run->nreached].state = ev->to;
		run->reached[run->nreached].at = ev->t;
		run->nreached++;
		break;
	case KVPT_EV_TRANSITION_REFUSED:
		run->refused++;
		if (run->refusals.len < 64 * 1024) {
			char tb[32];

			kvpt_time_format(ev->t, tb, sizeof(tb));
			kvpt_buf_addf(&run->refusals, "%s %s: %s [%s]\n", tb,
				      pl->p->bodies[ev->body].id,
				      ev->reason ? ev->reason : "",
				      ev->rule ? ev->rule : "");
		}
		break;
	default:
		break;
	}
}

static void log_sink(void *user, const char *line, size_t len)
{
	kvpt_buf_add(user, line, len);
}

/* Tally the run from the engine's final state. */
static void collect(struct player *pl)
{
	const struct kvpt_plan *p = pl->p;
	struct kvpt_sim_run *run = pl->run;
	int i;

	for (i = 0; i < p->nphases; i++)
		run->phase_end[i] = p->phases[i].start;
	for (i = 0; i < p->nactivities; i++) {
		const struct kvpt_activity *a = &p->activities[i];
		const struct kvpt_activity_state *st = kvpt_engine_activity(pl->e, i);
		int phase = p->problems[p->contents[a->content].problem].phase;
		kvpt_time end = KVPT_TIME_NONE;
		int k;

		if (a->kind == KVPT_ACT_SITUATION) {
			if (st->status == KVPT_ACTIVITY_RELEASED)
				end = st->at;
			for (k = 0; k < a->nexpectations; k++) {
				int xi = a->first_expectation + k;
				const struct kvpt_expect_state *xs =
					kvpt_engine_expectation(pl->e, xi);
				const struct kvpt_expectation *x = &p->expectations[xi];
				int body = x->by.idx < 0 ? -1 : x->by_body ? x->by.idx :
					   p->roles[x->by.idx].body.idx;

				run->status[xi] = (unsigned char)xs->status;
				run->answered[xi] = xs->at;
				run->missed[xi] = xs->status == KVPT_EXPECT_MISSED ||
						  xs->status == KVPT_EXPECT_LATE;
				if (xs->at != KVPT_TIME_NONE &&
				    (xs->status == KVPT_EXPECT_MET ||
				     xs->status == KVPT_EXPECT_LATE ||
				     xs->status == KVPT_EXPECT_MISSED) &&
				    (end == KVPT_TIME_NONE || xs->at > end))
					end = xs->at;
				if (body < 0)
					continue;
				if (xs->status == KVPT_EXPECT_MET)
					run->by_body[body].met++;
				else if (xs->status == KVPT_EXPECT_LATE)
					run->by_body[body].late++;
				else if (xs->status == KVPT_EXPECT_MISSED)
					run->by_body[body].missed++;
			}
		} else {
			end = pl->act_end[i];
		}
		if (end != KVPT_TIME_NONE && end > run->phase_end[phase])
			run->phase_end[phase] = end;
	}
	run->events = kvpt_engine_counters(pl->e)->events;
}

int kvpt_sim_run(const struct kvpt_plan *p, uint64_t seed,
		 struct kvpt_sim_run *run, struct kvpt_buf *log)
{
	struct kvpt_engine_opts opts;
	struct player pl;
	kvpt_time horizon = p->ex.start + p->ex.duration + 7 * KVPT_MS_DAY;
	int i, err = 0;

	memset(run, 0, sizeof(*run));
	run->seed = seed;
	run->phase_end = xcalloc((size_t)p->nphases + 1, sizeof(kvpt_time));
	run->missed = xcalloc((size_t)p->nexpectations + 1, 1);
	run->status = xcalloc((size_t)p->nexpectations + 1, 1);
	run->answered = xcalloc((size_t)p->nexpectations + 1, sizeof(kvpt_time));
	run->by_body = xcalloc((size_t)p->nbodies + 1, sizeof(*run->by_body));

	memset(&pl, 0, sizeof(pl));
	pl.p = p;
	pl.run = run;
	kvpt_rng_seed(&pl.rng, seed);
	pl.act_end = xmalloc(sizeof(kvpt_time) * ((size_t)p->nactivities + 1));
	for (i = 0; i < p->nactivities; i++)
		pl.act_end[i] = KVPT_TIME_NONE;
	pl.body_role = xmalloc(sizeof(int) * ((size_t)p->nbodies + 1));
	for (i = 0; i < p->nbodies; i++)
		pl.body_role[i] = -1;
	for (i = p->nroles - 1; i >= 0; i--) {
		int b = p->roles[i].body.idx, hops = 0;

		/* the first role of a body (or below it) acts for it */
		while (b >= 0 && hops++ <= p->nbodies) {
			pl.body_role[b] = i;
			b = p->bodies[b].parent.idx;
		}
	}

	memset(&opts, 0, sizeof(opts));
	opts.sink = log ? log_sink : NULL;
	opts.user = log;
	opts.observe = observe;
	opts.observe_user = &pl;
	pl.e = kvpt_engine_new(p, &opts);
	err = kvpt_engine_start(pl.e, KVPT_TIME_NONE, 0);
	if (err)
		goto out_free;
	/* Manual injects are released by the automated directors at their
	 * planned time, if they have one. */
	for (i = 0; i < p->nactivities; i++) {
		const struct kvpt_activity *a = &p->activities[i];
		struct kvpt_action none;

		if (a->kind != KVPT_ACT_SITUATION ||
		    a->release.kind != KVPT_RELEASE_MANUAL ||
		    a->start == KVPT_TIME_NONE)
			continue;
		kvpt_action_init(&none, KVPT_ACTION_ACK, -1);
		push_move(&pl, a->start, &none, i, 1);
	}
	for (;;) {
		kvpt_time tn = kvpt_engine_next_time(pl.e);
		kvpt_time tm = pl.n ? pl.heap[0].t : KVPT_TIME_NONE;

		if (tn == KVPT_TIME_NONE && tm == KVPT_TIME_NONE)
			break;
		if (tm != KVPT_TIME_NONE && (tn == KVPT_TIME_NONE || tm <= tn)) {
			struct move m;

			if (tm > horizon)
				break;
			kvpt_engine_run_until(pl.e, tm);
			m = pop_move(&pl);
			if (m.release)
				kvpt_engine_release(pl.e, m.activity, -1);
			else
				kvpt_engine_act(pl.e, &m.a, NULL, NULL);
		} else {
			if (tn > horizon)
				break;
			kvpt_engine_run_until(pl.e, tn);
		}
	}
	collect(&pl);
	kvpt_engine_end(pl.e, 0);
out_free:
	kvpt_engine_free(pl.e);
	free(pl.heap);
	free(pl.act_end);
	free(pl.body_role);
	return err;
}

void kvpt_sim_run_release(struct kvpt_sim_run *run)
{
	free(run->phase_end);
	free(run->missed);
	free(run->status);
	free(run->answered);
	free(run->by_body);
	free(run->reached);
	kvpt_buf_release(&run->refusals);
	memset(run, 0, sizeof(*run));
}

/* Monte-Carlo */

struct study_shared {
	const struct kvpt_plan *p;
	uint64_t seed;
	int runs, jobs;
	kvpt_time *phase_end;	/* [runs × nphases] */
	unsigned *missed;	/* [nexpectations], summed */
	long refused;
	int done;
	pthread_mutex_t lock;
};

struct study_worker {
	struct study_shared *sh;
	int id;
	pthread_t thread;
	int started;		/* thread running (else it ran inline) */
	unsigned *missed;	/* per worker, summed at the end */
	long refused;
};

static void *study_main(void *arg)
{
	struct study_worker *w = arg;
	struct study_shared *sh = w->sh;
	const struct kvpt_plan *p = sh->p;
	int i, k;

	for (i = w->id; i < sh->runs; i += sh->jobs) {
		struct kvpt_sim_run run;

		kvpt_sim_run(p, sh->seed + (uint64_t)i, &run, NULL);
		memcpy(sh->phase_end + (size_t)i * (size_t)p->nphases,
		       run.phase_end, sizeof(kvpt_time) * (size_t)p->nphases);
		for (k = 0; k < p->nexpectations; k++)
			w->missed[k] += run.missed[k];
		w->refused += run.refused;
		kvpt_sim_run_release(&run);
		pthread_mutex_lock(&sh->lock);
		sh->done++;
		pthread_mutex_unlock(&sh->lock);
	}
	return NULL;
}

static int cmp_time(const void *a, const void *b)
{
	kvpt_time x = *(const kvpt_time *)a, y = *(const kvpt_time *)b;

	return x < y ? -1 : x > y;
}

int kvpt_sim_study(const struct kvpt_plan *p, uint64_t seed, int runs,
		   int jobs, void (*progress)(void *user, int done, int total),
		   void *user, struct kvpt_sim_study *st)
{
	struct study_shared sh;
	struct study_worker *w;
	kvpt_time *col;
	int i, k, done;

	if (runs < 1)
		return KVPT_EINVAL;
	if (jobs <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		jobs = n > 0 ? (int)n : 1;
	}
	if (jobs > runs)
		jobs = runs;
	memset(st, 0, sizeof(*st));
	memset(&sh, 0, sizeof(sh));
	sh.p = p;
	sh.seed = seed;
	sh.runs = runs;
	sh.jobs = jobs;
	sh.phase_end = xcalloc((size_t)runs * ((size_t)p->nphases + 1),
			       sizeof(kvpt_time));
	pthread_mutex_init(&sh.lock, NULL);
	w = xcalloc((size_t)jobs, sizeof(*w));
	for (i = 0; i < jobs; i++) {
		w[i].sh = &sh;
		w[i].id = i;
		w[i].missed = xcalloc((size_t)p->nexpectations + 1,
				      sizeof(unsigned));
		w[i].started = !pthread_create(&w[i].thread, NULL, study_main,
						&w[i]);
		if (!w[i].started)
			study_main(&w[i]);	/* no thread: run it here */
	}
	/* Poll often so short studies end promptly; report progress about
	 * ten times a second. */
	for (k = 0;; k++) {
		struct timespec ts = { 0, 5 * 1000 * 1000 };

		pthread_mutex_lock(&sh.lock);
		done = sh.done;
		pthread_mutex_unlock(&sh.lock);
		if (progress && (k % 20 == 0 || done == runs))
			progress(user, done, runs);
		if (done == runs)
			break;
		nanosleep(&ts, NULL);
	}
	st->runs = runs;
	st->p_missed = xcalloc((size_t)p->nexpectations + 1, sizeof(double));
	for (i = 0; i < jobs; i++) {
		if (w[i].started)
			pthread_join(w[i].thread, NULL);
		for (k = 0; k < p->nexpectations; k++)
			st->p_missed[k] += w[i].missed[k];
		sh.refused += w[i].refused;
		free(w[i].missed);
	}
	for (k = 0; k < p->nexpectations; k++)
		st->p_missed[k] /= runs;
	st->mean_refused = (double)sh.refused / runs;
	st->phase_p50 = xcalloc((size_t)p->nphases + 1, sizeof(kvpt_time));
	st->phase_p90 = xcalloc((size_t)p->nphases + 1, sizeof(kvpt_time));
	st->phase_over = xcalloc((size_t)p->nphases + 1, sizeof(double));
	col = xmalloc(sizeof(kvpt_time) * (size_t)runs);
	for (k = 0; k < p->nphases; k++) {
		int over = 0;

		for (i = 0; i < runs; i++) {
			col[i] = sh.phase_end[(size_t)i * (size_t)p->nphases + (size_t)k];
			over += col[i] > p->phases[k].end;
		}
		qsort(col, (size_t)runs, sizeof(*col), cmp_time);
		st->phase_p50[k] = col[(runs - 1) / 2];
		st->phase_p90[k] = col[(int)((double)(runs - 1) * 0.9 + 0.5)];
		st->phase_over[k] = (double)over / runs;
	}
	free(col);
	free(w);
	free(sh.phase_end);
	pthread_mutex_destroy(&sh.lock);
	return 0;
}

void kvpt_sim_study_release(struct kvpt_sim_study *st)
{
	free(st->phase_p50);
	free(st->phase_p90);
	free(st->phase_over);
	free(st->p_missed);
	memset(st, 0, sizeof(*st));
}
