/*
 * engine: deciding, applying and replaying exercise events.  See engine.h.
 *
 * The file has three layers.  apply() is the only code that changes the
 * state, and it also queues what an event makes due later (deadlines,
 * conditional releases, activity ends), so a replay rebuilds the queue as
 * well.  The deciders above it (fire, release, act…) read the state, build
 * events and emit them.  Queue entries are checked against the state when
 * they come out, so an entry made stale by a later event (an inject
 * released by hand before its time, an expectation met before its
 * deadline) is simply dropped.
 *
 * Everything is sized once from the plan at creation: per-activity and
 * per-expectation state, dependents of each inject, expectation and state
 * (for conditional releases), and lists of the open expectations each role,
 * body or (machine, body) can meet, so an action costs in proportion to
 * what it can answer.
 */
#include "engine.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "engine/clock.h"
#include "engine/equeue.h"
#include "model/doctrine.h"

#include <stdlib.h>
#include <string.h>

const struct kvpt_enum_name kvpt_activity_statuses[] = {
	{ KVPT_ACTIVITY_PENDING, "pending", "chưa diễn ra", NULL },
	{ KVPT_ACTIVITY_HELD, "held", "tạm giữ", NULL },
	{ KVPT_ACTIVITY_RELEASED, "released", "đã phát", NULL },
	{ KVPT_ACTIVITY_CANCELLED, "cancelled", "đã hủy", NULL },
	{ KVPT_ACTIVITY_STARTED, "started", "đang diễn ra", NULL },
	{ KVPT_ACTIVITY_ENDED, "ended", "đã kết thúc", NULL },
	{ 0, NULL, NULL, NULL }
};

const struct kvpt_enum_name kvpt_expect_statuses[] = {
	{ KVPT_EXPECT_WAITING, "waiting", "chờ phát", NULL },
	{ KVPT_EXPECT_OPEN, "open", "đang chờ", NULL },
	{ KVPT_EXPECT_MET, "met", "đúng hạn", NULL },
	{ KVPT_EXPECT_MISSED, "missed", "quá hạn", NULL },
	{ KVPT_EXPECT_LATE, "late", "muộn", NULL },
	{ KVPT_EXPECT_CANCELLED, "cancelled", "đã hủy", NULL },
	{ 0, NULL, NULL, NULL }
};

/* What a queue entry makes happen; a is the entity, b a detail. */
enum due_kind {
	DUE_RELEASE,	/* a: inject, b: enum kvpt_release_how */
	DUE_DEADLINE,	/* a: expectation */
	DUE_START,	/* a: activity */
	DUE_END,	/* a: activity */
	DUE_ISSUE,	/* a: plan document issued before the exercise */
};

/* Compressed rows: the items of row i are v[off[i]..off[i + 1]). */
struct rows {
	int *off;
	int *v;
};

struct kvpt_engine {
	const struct kvpt_plan *plan;
	struct kvpt_engine_opts opts;

	/* The state, changed only by apply(). */
	struct kvpt_clock clock;
	int started, ended;
	uint64_t seq;			/* seq of the last event */
	kvpt_time last_t;		/* time of the last event */
	struct kvpt_activity_state *acts;	/* per activity */
	struct kvpt_expect_state *exps;		/* per expectation */
	int *states;			/* [machine * nbodies + body], -1 n/a */
	int *entered;			/* same index: acts done (nissued) when
					 * that state began */
	struct kvpt_issued *issued;	/* acts done, in order */
	unsigned char *preissued;	/* per plan document: issued as
					 * planned (status: issued) */
	size_t nissued, cap_issued;
	struct kvpt_engine_counters n;
	uint64_t last_answered;		/* last action counted answered */
	struct kvpt_equeue queue;
	/* Open and missed expectations that actions can meet, by list key
	 * (see key_*); doubly linked through next/prev, in release order. */
	int *head, *tail, *next, *prev;

	/* Where the driver is: at or after last_t. */
	kvpt_time now;

	/* Fixed from the plan at creation. */
	int *xkey;			/* per expectation: list key or -1 */
	struct rows on_released;	/* inject → injects released after */
	struct rows on_met;		/* expectation → injects */
	struct rows on_missed;		/* expectation → injects */
	struct rows on_state;		/* machine * nbodies + body → injects */
	int ndoc_types;

	struct kvpt_buf line;		/* the line being written */
	struct kvpt_buf log;		/* opts.keep_log */
	struct kvpt_buf why;		/* the reason of a refusal */
};

/* List keys: anyone, a role, a body, a (machine, body). */
static int key_any(void)
{
	return 0;
}

static int key_role(const struct kvpt_engine *e, int r)
{
	return 1 + r;
}

static int key_body(const struct kvpt_engine *e, int b)
{
	return 1 + e->plan->nroles + b;
}

static int key_state(const struct kvpt_engine *e, int m, int b)
{
	return 1 + e->plan->nroles + e->plan->nbodies +
	       m * e->plan->nbodies + b;
}

static int nkeys(const struct kvpt_plan *p)
{
	return 1 + p->nroles + p->nbodies + p->nmachines * p->nbodies;
}

static int *state_at(const struct kvpt_engine *e, int m, int b)
{
	return &e->states[(size_t)m * (size_t)e->plan->nbodies + (size_t)b];
}

static int is_inject(const struct kvpt_plan *p, int a)
{
	return a >= 0 && a < p->nactivities &&
	       p->activities[a].kind == KVPT_ACT_SITUATION;
}

static int role_body(const struct kvpt_plan *p, int r)
{
	return r >= 0 ? p->roles[r].body.idx : -1;
}

/* Whether role r owes expectation x. */
static int owes(const struct kvpt_plan *p, const struct kvpt_expectation *x,
		int r)
{
	if (x->by.idx < 0)
		return 1;
	if (!x->by_body)
		return x->by.idx == r;
	return kvpt_body_within(p, role_body(p, r), x->by.idx);
}

/* The body whose state a STATE expectation watches: the one named, else
 * the body owing it or the role's body, or the nearest above it that the
 * machine applies to; -1 when there is none. */
static int watched_body(const struct kvpt_plan *p,
			const struct kvpt_expectation *x)
{
	int b = x->state_body.idx, hops = 0;

	if (x->machine < 0 || x->state.idx < 0)
		return -1;
	if (b >= 0)
		return kvpt_machine_applies(p, x->machine, b) ? b : -1;
	if (x->by.idx < 0)
		return -1;
	b = x->by_body ? x->by.idx : role_body(p, x->by.idx);
	while (b >= 0 && hops++ <= p->nbodies) {
		if (kvpt_machine_applies(p, x->machine, b))
			return b;
		b = p->bodies[b].parent.idx;
	}
	return -1;
}

/* Setting up. */

/* Build rows from (row, item) pairs given by a callback over n sources. */
static void rows_build(struct rows *r, int nrows, int n,
		       int (*row_of)(const struct kvpt_plan *, int),
		       const struct kvpt_plan *p)
{
	int *fill;
	int i;

	r->off = xcalloc((size_t)nrows + 1, sizeof(*r->off));
	for (i = 0; i < n; i++) {
		int k = row_of(p, i);

		if (k >= 0)
			r->off[k + 1]++;
	}
	for (i = 0; i < nrows; i++)
		r->off[i + 1] += r->off[i];
	r->v = xmalloc(((size_t)r->off[nrows] + 1) * sizeof(*r->v));
	fill = xmalloc(((size_t)nrows + 1) * sizeof(*fill));
	memcpy(fill, r->off, ((size_t)nrows + 1) * sizeof(*fill));
	for (i = 0; i < n; i++) {
		int k = row_of(p, i);

		if (k >= 0)
			r->v[fill[k]++] = i;
	}
	free(fill);
}

static void rows_free(struct rows *r)
{
	free(r->off);
	free(r->v);
}

static int released_row(const struct kvpt_plan *p, int a)
{
	const struct kvpt_activity *x = &p->activities[a];

	return x->kind == KVPT_ACT_SITUATION &&
	       x->release.kind == KVPT_RELEASE_ON_RELEASED ?
	       x->release.target.idx : -1;
}

static int met_row(const struct kvpt_plan *p, int a)
{
	const struct kvpt_activity *x = &p->activities[a];

	return x->kind == KVPT_ACT_SITUATION &&
	       x->release.kind == KVPT_RELEASE_ON_MET ?
	       x->release.target.idx : -1;
}

static int missed_row(const struct kvpt_plan *p, int a)
{
	const struct kvpt_activity *x = &p->activities[a];

	return x->kind == KVPT_ACT_SITUATION &&
	       x->release.kind == KVPT_RELEASE_ON_MISSED ?
	       x->release.target.idx : -1;
}

static int state_row(const struct kvpt_plan *p, int a)
{
	const struct kvpt_activity *x = &p->activities[a];
	const struct kvpt_release *r = &x->release;

	if (x->kind != KVPT_ACT_SITUATION || r->kind != KVPT_RELEASE_ON_STATE ||
	    r->machine < 0 || r->machine >= p->nmachines || r->body.idx < 0 ||
	    r->state.idx < 0)
		return -1;
	return r->machine * p->nbodies + r->body.idx;
}

/* The list an expectation waits in while open, or -1 (answered through
 * its inject, or never meetable). */
static int expectation_key(const struct kvpt_engine *e,
			   const struct kvpt_expectation *x)
{
	int b;

	switch (x->kind) {
	case KVPT_EXPECT_DOCUMENT:
	case KVPT_EXPECT_CONFERENCE:
		if (x->by.idx < 0)
			return key_any();
		return x->by_body ? key_body(e, x->by.idx) :
		       key_role(e, x->by.idx);
	case KVPT_EXPECT_STATE:
		b = watched_body(e->plan, x);
		return b >= 0 ? key_state(e, x->machine, b) : -1;
	default:
		return -1;
	}
}

struct kvpt_engine *kvpt_engine_new(const struct kvpt_plan *p,
				    const struct kvpt_engine_opts *opts)
{
	struct kvpt_engine *e = xcalloc(1, sizeof(*e));
	size_t nact = (size_t)p->nactivities, nexp = (size_t)p->nexpectations;
	int i, m, b, k = nkeys(p);

	e->plan = p;
	if (opts)
		e->opts = *opts;
	kvpt_clock_init(&e->clock);
	kvpt_equeue_init(&e->queue);
	kvpt_equeue_reserve(&e->queue, nact + (size_t)p->ndocuments);
	e->last_t = KVPT_TIME_NONE;
	e->now = KVPT_TIME_NONE;
	kvpt_buf_init(&e->line);
	kvpt_buf_init(&e->log);
	kvpt_buf_init(&e->why);

	e->acts = xcalloc(nact + 1, sizeof(*e->acts));
	for (i = 0; i < p->nactivities; i++) {
		e->acts[i].status = KVPT_ACTIVITY_PENDING;
		e->acts[i].by = -1;
		e->acts[i].at = e->acts[i].end_at = KVPT_TIME_NONE;
		e->acts[i].cond_at = KVPT_TIME_NONE;
	}
	e->preissued = xcalloc((size_t)p->ndocuments + 1, 1);
	e->exps = xcalloc(nexp + 1, sizeof(*e->exps));
	e->xkey = xmalloc((nexp + 1) * sizeof(*e->xkey));
	e->next = xmalloc((nexp + 1) * sizeof(*e->next));
	e->prev = xmalloc((nexp + 1) * sizeof(*e->prev));
	for (i = 0; i < p->nexpectations; i++) {
		e->exps[i].status = KVPT_EXPECT_WAITING;
		e->exps[i].by = -1;
		e->exps[i].deadline = e->exps[i].at = KVPT_TIME_NONE;
		e->xkey[i] = expectation_key(e, &p->expectations[i]);
		e->next[i] = e->prev[i] = -1;
	}
	e->head = xmalloc((size_t)k * sizeof(*e->head));
	e->tail = xmalloc((size_t)k * sizeof(*e->tail));
	for (i = 0; i < k; i++)
		e->head[i] = e->tail[i] = -1;

	e->states = xmalloc(((size_t)p->nmachines * (size_t)p->nbodies + 1) *
			    sizeof(*e->states));
	for (m = 0; m < p->nmachines; m++)
		for (b = 0; b < p->nbodies; b++)
			*state_at(e, m, b) = kvpt_machine_applies(p, m, b) ?
					     p->machines[m].initial : -1;
	e->entered = xmalloc(((size_t)p->nmachines * (size_t)p->nbodies + 1) *
			     sizeof(*e->entered));
	for (m = 0; m < p->nmachines * p->nbodies; m++)
		e->entered[m] = 0;

	rows_build(&e->on_released, p->nactivities, p->nactivities,
		   released_row, p);
	rows_build(&e->on_met, p->nexpectations, p->nactivities, met_row, p);
	rows_build(&e->on_missed, p->nexpectations, p->nactivities,
		   missed_row, p);
	rows_build(&e->on_state, p->nmachines * p->nbodies, p->nactivities,
		   state_row, p);
	while (kvpt_doc_types[e->ndoc_types].id)
		e->ndoc_types++;
	return e;
}

void kvpt_engine_free(struct kvpt_engine *e)
{
	if (!e)
		return;
	kvpt_equeue_release(&e->queue);
	free(e->acts);
	free(e->exps);
	free(e->states);
	free(e->entered);
	free(e->issued);
	free(e->preissued);
	free(e->head);
	free(e->tail);
	free(e->next);
	free(e->prev);
	free(e->xkey);
	rows_free(&e->on_released);
	rows_free(&e->on_met);
	rows_free(&e->on_missed);
	rows_free(&e->on_state);
	kvpt_buf_release(&e->line);
	kvpt_buf_release(&e->log);
	kvpt_buf_release(&e->why);
	free(e);
}

void kvpt_engine_set_sink(struct kvpt_engine *e,
			  void (*sink)(void *user, const char *line,
				       size_t len), void *user)
{
	e->opts.sink = sink;
	e->opts.user = user;
}

void kvpt_engine_set_observer(struct kvpt_engine *e,
			      void (*observe)(void *user,
					      const struct kvpt_event *ev),
			      void *user)
{
	e->opts.observe = observe;
	e->opts.observe_user = user;
}

const struct kvpt_clock *kvpt_engine_clock(const struct kvpt_engine *e)
{
	return &e->clock;
}

void kvpt_action_init(struct kvpt_action *a, enum kvpt_action_kind kind,
		      int role)
{
	a->kind = kind;
	a->role = role;
	a->inject = a->doc_type = a->document = a->conference = -1;
	a->machine = a->body = a->state = -1;
	a->text = NULL;
}

/* Applying events: the only code that changes the state. */

static void list_add(struct kvpt_engine *e, int x)
{
	int k = e->xkey[x];

	e->next[x] = -1;
	e->prev[x] = e->tail[k];
	if (e->tail[k] >= 0)
		e->next[e->tail[k]] = x;
	else
		e->head[k] = x;
	e->tail[k] = x;
}

static void list_remove(struct kvpt_engine *e, int x)
{
	int k = e->xkey[x];

	if (k < 0)
		return;
	if (e->prev[x] >= 0)
		e->next[e->prev[x]] = e->next[x];
	else
		e->head[k] = e->next[x];
	if (e->next[x] >= 0)
		e->prev[e->next[x]] = e->prev[x];
	else
		e->tail[k] = e->prev[x];
	e->next[x] = e->prev[x] = -1;
}

/* A conditional inject's condition came true at t: it is due after its
 * delay, once. */
static void condition_holds(struct kvpt_engine *e, int inject, kvpt_time t)
{
	struct kvpt_activity_state *s = &e->acts[inject];

	if (s->status != KVPT_ACTIVITY_PENDING || s->cond_at != KVPT_TIME_NONE)
		return;
	s->cond_at = t + e->plan->activities[inject].release.delay;
	kvpt_equeue_push(&e->queue, s->cond_at, DUE_RELEASE, inject,
			 KVPT_HOW_CONDITION);
}

static void conditions_of(struct kvpt_engine *e, const struct rows *r,
			  int row, kvpt_time t)
{
	int i;

	for (i = r->off[row]; i < r->off[row + 1]; i++)
		condition_holds(e, r->v[i], t);
}

/* ON_STATE injects waiting for body to reach state `to` of machine m. */
static void state_conditions(struct kvpt_engine *e, int m, int b, int to,
			     kvpt_time t)
{
	const struct rows *r = &e->on_state;
	int row = m * e->plan->nbodies + b;
	int i;

	for (i = r->off[row]; i < r->off[row + 1]; i++) {
		int inject = r->v[i];

		if (to >= e->plan->activities[inject].release.state.idx)
			condition_holds(e, inject, t);
	}
}

static kvpt_time later(kvpt_time a, kvpt_time b)
{
	return a > b ? a : b;
}

/* exercise.started: queue the plan's schedule. */
static void apply_start(struct kvpt_engine *e, const struct kvpt_event *ev)
{
	const struct kvpt_plan *p = e->plan;
	int i, m, b;

	e->clock.speed = ev->speed;
	kvpt_clock_start(&e->clock, ev->t, ev->src);
	e->started = 1;
	for (i = 0; i < p->ndocuments; i++) {
		const struct kvpt_document *d = &p->documents[i];

		if (d->status == KVPT_DOC_ISSUED && d->owner.idx >= 0 &&
		    d->type >= 0)
			kvpt_equeue_push(&e->queue, d->due == KVPT_TIME_NONE ?
					 ev->t : later(d->due, ev->t),
					 DUE_ISSUE, i, 0);
	}
	for (i = 0; i < p->nactivities; i++) {
		const struct kvpt_activity *a = &p->activities[i];

		if (a->start == KVPT_TIME_NONE)
			continue;
		if (a->kind != KVPT_ACT_SITUATION)
			kvpt_equeue_push(&e->queue, later(a->start, ev->t),
					 DUE_START, i, 0);
		else if (a->release.kind == KVPT_RELEASE_SCHEDULED)
			kvpt_equeue_push(&e->queue, later(a->start, ev->t),
					 DUE_RELEASE, i, KVPT_HOW_SCHEDULED);
	}
	/* States reached from the outset satisfy their conditions. */
	for (m = 0; m < p->nmachines; m++)
		for (b = 0; b < p->nbodies; b++)
			if (*state_at(e, m, b) >= 0)
				state_conditions(e, m, b, *state_at(e, m, b),
						 ev->t);
}

static void apply_released(struct kvpt_engine *e, const struct kvpt_event *ev)
{
	const struct kvpt_activity *a = &e->plan->activities[ev->inject];
	struct kvpt_activity_state *s = &e->acts[ev->inject];
	int i;

	s->status = KVPT_ACTIVITY_RELEASED;
	s->how = ev->how;
	s->by = ev->role;
	s->at = ev->t;
	e->n.released++;
	for (i = a->first_expectation;
	     i < a->first_expectation + a->nexpectations; i++) {
		struct kvpt_expect_state *x = &e->exps[i];

		x->status = KVPT_EXPECT_OPEN;
		x->deadline = kvpt_expectation_deadline(
			&e->plan->expectations[i], ev->t);
		if (e->xkey[i] >= 0)
			list_add(e, i);
		/* Missed once the deadline has passed: an answer at the
		 * deadline itself is in time. */
		if (x->deadline != KVPT_TIME_NONE)
			kvpt_equeue_push(&e->queue,
					 later(x->deadline + 1, ev->t),
					 DUE_DEADLINE, i, 0);
	}
	conditions_of(e, &e->on_released, ev->inject, ev->t);
}

static void apply_answered(struct kvpt_engine *e, const struct kvpt_event *ev)
{
	struct kvpt_expect_state *x = &e->exps[ev->expectation];

	x->status = ev->type == KVPT_EV_EXPECTATION_MET ? KVPT_EXPECT_MET :
		    KVPT_EXPECT_LATE;
	x->by = ev->role;
	x->at = ev->t;
	list_remove(e, ev->expectation);
	if (ev->action && ev->action != e->last_answered) {
		e->n.answered++;
		e->last_answered = ev->action;
	}
	if (ev->type == KVPT_EV_EXPECTATION_MET) {
		e->n.met++;
		conditions_of(e, &e->on_met, ev->expectation, ev->t);
	} else {
		e->n.late++;
	}
}

static void apply(struct kvpt_engine *e, const struct kvpt_event *ev)
{
	const struct kvpt_plan *p = e->plan;
	struct kvpt_activity_state *s;
	int i;

	e->seq = ev->seq;
	e->last_t = ev->t;
	if (e->now == KVPT_TIME_NONE || ev->t > e->now)
		e->now = ev->t;
	e->n.events++;

	switch (ev->type) {
	case KVPT_EV_EXERCISE_STARTED:
		apply_start(e, ev);
		break;
	case KVPT_EV_EXERCISE_ENDED:
		if (e->clock.running)
			kvpt_clock_pause(&e->clock, ev->src);
		e->ended = 1;
		break;
	case KVPT_EV_CLOCK_PAUSED:
		kvpt_clock_pause(&e->clock, ev->src);
		break;
	case KVPT_EV_CLOCK_RESUMED:
		kvpt_clock_resume(&e->clock, ev->src);
		break;
	case KVPT_EV_CLOCK_SPEED:
		kvpt_clock_set_speed(&e->clock, ev->speed, ev->src);
		break;
	case KVPT_EV_CLOCK_JUMPED:
		kvpt_clock_jump(&e->clock, ev->t, ev->src);
		break;
	case KVPT_EV_INJECT_RELEASED:
		apply_released(e, ev);
		break;
	case KVPT_EV_INJECT_HELD:
		e->acts[ev->inject].status = KVPT_ACTIVITY_HELD;
		break;
	case KVPT_EV_INJECT_CANCELLED:
		s = &e->acts[ev->inject];
		s->status = KVPT_ACTIVITY_CANCELLED;
		s->at = ev->t;
		for (i = p->activities[ev->inject].first_expectation;
		     i < p->activities[ev->inject].first_expectation +
			 p->activities[ev->inject].nexpectations; i++) {
			e->exps[i].status = KVPT_EXPECT_CANCELLED;
			e->exps[i].at = ev->t;
		}
		break;
	case KVPT_EV_EXPECTATION_MET:
	case KVPT_EV_EXPECTATION_LATE:
		apply_answered(e, ev);
		break;
	case KVPT_EV_EXPECTATION_MISSED:
		e->exps[ev->expectation].status = KVPT_EXPECT_MISSED;
		e->exps[ev->expectation].at = ev->t;
		e->n.missed++;
		conditions_of(e, &e->on_missed, ev->expectation, ev->t);
		break;
	case KVPT_EV_ACTION:
		e->n.actions++;
		break;
	case KVPT_EV_DOCUMENT_ISSUED:
		XGROW(e->issued, e->cap_issued, e->nissued + 1);
		e->issued[e->nissued].doc_type = ev->doc_type;
		e->issued[e->nissued].body = ev->body;
		e->issued[e->nissued].at = ev->t;
		e->nissued++;
		e->n.issued++;
		if (ev->role < 0 && ev->document >= 0)
			e->preissued[ev->document] = 1;
		break;
	case KVPT_EV_STATE_CHANGED:
		*state_at(e, ev->machine, ev->body) = ev->to;
		e->entered[(size_t)ev->machine * (size_t)p->nbodies +
			   (size_t)ev->body] = (int)e->nissued;
		e->n.transitions++;
		state_conditions(e, ev->machine, ev->body, ev->to, ev->t);
		break;
	case KVPT_EV_TRANSITION_REFUSED:
		e->n.refused++;
		break;
	case KVPT_EV_ACTIVITY_STARTED:
		s = &e->acts[ev->activity];
		s->status = KVPT_ACTIVITY_STARTED;
		s->at = ev->t;
		if (p->activities[ev->activity].end != KVPT_TIME_NONE)
			kvpt_equeue_push(&e->queue,
					 later(p->activities[ev->activity].end,
					       ev->t),
					 DUE_END, ev->activity, 0);
		break;
	case KVPT_EV_ACTIVITY_ENDED:
		e->acts[ev->activity].status = KVPT_ACTIVITY_ENDED;
		e->acts[ev->activity].end_at = ev->t;
		break;
	case KVPT_EV_TYPE_COUNT:
		break;
	}
}

/* Deciding: build an event, apply it, log it. */

static void emit(struct kvpt_engine *e, struct kvpt_event *ev)
{
	ev->seq = e->seq + 1;
	apply(e, ev);
	if (e->opts.sink || e->opts.keep_log) {
		kvpt_buf_reset(&e->line);
		kvpt_evlog_format(e->plan, ev, &e->line);
		if (e->opts.sink)
			e->opts.sink(e->opts.user, e->line.s, e->line.len);
		if (e->opts.keep_log)
			kvpt_buf_add(&e->log, e->line.s, e->line.len);
	}
	if (e->opts.observe)
		e->opts.observe(e->opts.observe_user, ev);
}

static void emit_answer(struct kvpt_engine *e, int x, int role,
			uint64_t action)
{
	struct kvpt_event ev;

	kvpt_event_init(&ev, e->exps[x].status == KVPT_EXPECT_OPEN ?
			KVPT_EV_EXPECTATION_MET : KVPT_EV_EXPECTATION_LATE,
			e->now);
	ev.expectation = x;
	ev.deadline = e->exps[x].deadline;
	ev.role = role;
	ev.action = action;
	emit(e, &ev);
}

static int answerable(const struct kvpt_engine *e, int x)
{
	return e->exps[x].status == KVPT_EXPECT_OPEN ||
	       e->exps[x].status == KVPT_EXPECT_MISSED;
}

static void release(struct kvpt_engine *e, int inject,
		    enum kvpt_release_how how, int by)
{
	const struct kvpt_plan *p = e->plan;
	const struct kvpt_activity *a = &p->activities[inject];
	struct kvpt_event ev;
	int i;

	kvpt_event_init(&ev, KVPT_EV_INJECT_RELEASED, e->now);
	ev.inject = inject;
	ev.how = how;
	ev.role = by;
	emit(e, &ev);

	/* A state already reached meets its expectation at once. */
	for (i = a->first_expectation;
	     i < a->first_expectation + a->nexpectations; i++) {
		const struct kvpt_expectation *x = &p->expectations[i];
		int b;

		if (x->kind != KVPT_EXPECT_STATE || e->xkey[i] < 0 ||
		    e->exps[i].status != KVPT_EXPECT_OPEN)
			continue;
		b = watched_body(p, x);
		if (*state_at(e, x->machine, b) >= x->state.idx)
			emit_answer(e, i, -1, 0);
	}
}

/* A queue entry came due. */
static void fire(struct kvpt_engine *e, const struct kvpt_equeue_entry *q)
{
	const struct kvpt_plan *p = e->plan;
	struct kvpt_event ev;

	switch (q->kind) {
	case DUE_RELEASE:
		if (e->acts[q->a].status != KVPT_ACTIVITY_PENDING)
			return;
		if (q->b == KVPT_HOW_CONDITION && e->acts[q->a].cond_at != q->t)
			return;
		release(e, q->a, (enum kvpt_release_how)q->b, -1);
		return;
	case DUE_DEADLINE:
		if (e->exps[q->a].status != KVPT_EXPECT_OPEN)
			return;
		kvpt_event_init(&ev, KVPT_EV_EXPECTATION_MISSED, e->now);
		ev.expectation = q->a;
		ev.deadline = e->exps[q->a].deadline;
		emit(e, &ev);
		return;
	case DUE_START:
		if (e->acts[q->a].status != KVPT_ACTIVITY_PENDING)
			return;
		kvpt_event_init(&ev, KVPT_EV_ACTIVITY_STARTED, e->now);
		ev.activity = q->a;
		emit(e, &ev);
		return;
	case DUE_END:
		if (e->acts[q->a].status != KVPT_ACTIVITY_STARTED)
			return;
		kvpt_event_init(&ev, KVPT_EV_ACTIVITY_ENDED, e->now);
		ev.activity = q->a;
		emit(e, &ev);
		return;
	case DUE_ISSUE:
		if (e->preissued[q->a])
			return;
		kvpt_event_init(&ev, KVPT_EV_DOCUMENT_ISSUED, e->now);
		ev.doc_type = p->documents[q->a].type;
		ev.body = p->documents[q->a].owner.idx;
		ev.document = q->a;
		emit(e, &ev);
		return;
	}
}

/* Make everything due up to `until` happen, each at its own time. */
static void drain(struct kvpt_engine *e, kvpt_time until)
{
	struct kvpt_equeue_entry q;

	while (!e->ended) {
		kvpt_time t = kvpt_equeue_next_time(&e->queue);

		if (t == KVPT_TIME_NONE || t > until)
			break;
		kvpt_equeue_pop(&e->queue, &q);
		if (q.t > e->now)
			e->now = q.t;
		fire(e, &q);
	}
}

static int running(const struct kvpt_engine *e)
{
	return e->started && !e->ended;
}

/* Directors: the clock. */

int kvpt_engine_start_without(struct kvpt_engine *e, kvpt_time at,
			      int64_t src, const unsigned char *cancel)
{
	struct kvpt_event ev;
	int i;

	if (e->started)
		return KVPT_ESTATE;
	if (at == KVPT_TIME_NONE)
		at = e->plan->ex.start;
	if (at == KVPT_TIME_NONE)
		at = 0;
	kvpt_event_init(&ev, KVPT_EV_EXERCISE_STARTED, at);
	ev.src = src;
	ev.speed = e->clock.speed;
	ev.exercise = e->plan->ex.code;
	emit(e, &ev);
	/* before anything falls due, so none of them is released */
	for (i = 0; cancel && i < e->plan->nactivities; i++) {
		if (!cancel[i] || !is_inject(e->plan, i) ||
		    e->acts[i].status != KVPT_ACTIVITY_PENDING)
			continue;
		kvpt_event_init(&ev, KVPT_EV_INJECT_CANCELLED, at);
		ev.inject = i;
		emit(e, &ev);
	}
	drain(e, at);
	return 0;
}

int kvpt_engine_start(struct kvpt_engine *e, kvpt_time at, int64_t src)
{
	return kvpt_engine_start_without(e, at, src, NULL);
}

int kvpt_engine_advance(struct kvpt_engine *e, int64_t src)
{
	kvpt_time target;

	if (!running(e))
		return KVPT_ESTATE;
	target = kvpt_clock_now(&e->clock, src);
	if (target < e->now)
		target = e->now;
	drain(e, target);
	e->now = target;
	return 0;
}

static int clock_event(struct kvpt_engine *e, enum kvpt_event_type type,
		       int64_t src, int64_t speed)
{
	struct kvpt_event ev;

	kvpt_event_init(&ev, type, e->now);
	ev.src = src;
	ev.speed = speed;
	emit(e, &ev);
	return 0;
}

int kvpt_engine_pause(struct kvpt_engine *e, int64_t src)
{
	if (!running(e) || !e->clock.running)
		return KVPT_ESTATE;
	kvpt_engine_advance(e, src);
	return clock_event(e, KVPT_EV_CLOCK_PAUSED, src, 0);
}

int kvpt_engine_resume(struct kvpt_engine *e, int64_t src)
{
	if (!running(e) || e->clock.running)
		return KVPT_ESTATE;
	return clock_event(e, KVPT_EV_CLOCK_RESUMED, src, 0);
}

int kvpt_engine_set_speed(struct kvpt_engine *e, int64_t speed, int64_t src)
{
	if (speed < KVPT_CLOCK_SPEED_MIN || speed > KVPT_CLOCK_SPEED_MAX)
		return KVPT_EINVAL;
	if (!e->started) {
		/* Before the start: recorded by exercise.started. */
		e->clock.speed = speed;
		return 0;
	}
	if (e->ended)
		return KVPT_ESTATE;
	kvpt_engine_advance(e, src);
	return clock_event(e, KVPT_EV_CLOCK_SPEED, src, speed);
}

int kvpt_engine_jump(struct kvpt_engine *e, kvpt_time to, int64_t src)
{
	struct kvpt_event ev;
	kvpt_time from = e->now;

	if (!running(e))
		return KVPT_ESTATE;
	if (to < e->now)
		return KVPT_EINVAL;
	drain(e, to);
	e->now = to;
	kvpt_event_init(&ev, KVPT_EV_CLOCK_JUMPED, to);
	ev.src = src;
	ev.from_t = from;
	emit(e, &ev);
	return 0;
}

int kvpt_engine_end(struct kvpt_engine *e, int64_t src)
{
	if (!running(e))
		return KVPT_ESTATE;
	kvpt_engine_advance(e, src);
	return clock_event(e, KVPT_EV_EXERCISE_ENDED, src, 0);
}

kvpt_time kvpt_engine_next_time(struct kvpt_engine *e)
{
	return running(e) ? kvpt_equeue_next_time(&e->queue) : KVPT_TIME_NONE;
}

int kvpt_engine_run_until(struct kvpt_engine *e, kvpt_time t)
{
	if (!running(e))
		return KVPT_ESTATE;
	if (t < e->now)
		return KVPT_EINVAL;
	drain(e, t);
	e->now = t;
	return 0;
}

/* Directors: injects. */

/* Whether a director may do this to the inject now (after what is due). */
static int inject_op(struct kvpt_engine *e, int inject, unsigned allowed)
{
	if (!is_inject(e->plan, inject))
		return KVPT_EINVAL;
	if (!running(e))
		return KVPT_ESTATE;
	drain(e, e->now);
	if (e->ended || !(allowed & (1u << e->acts[inject].status)))
		return KVPT_ESTATE;
	return 0;
}

#define ST(s) (1u << KVPT_ACTIVITY_##s)

int kvpt_engine_release(struct kvpt_engine *e, int inject, int by_role)
{
	int rc;

	if (by_role < -1 || by_role >= e->plan->nroles)
		return KVPT_EINVAL;
	rc = inject_op(e, inject, ST(PENDING) | ST(HELD));
	if (rc)
		return rc;
	release(e, inject, KVPT_HOW_MANUAL, by_role);
	drain(e, e->now);
	return 0;
}

static int inject_event(struct kvpt_engine *e, int inject, unsigned allowed,
			enum kvpt_event_type type)
{
	struct kvpt_event ev;
	int rc = inject_op(e, inject, allowed);

	if (rc)
		return rc;
	kvpt_event_init(&ev, type, e->now);
	ev.inject = inject;
	emit(e, &ev);
	return 0;
}

int kvpt_engine_hold(struct kvpt_engine *e, int inject)
{
	return inject_event(e, inject, ST(PENDING), KVPT_EV_INJECT_HELD);
}

int kvpt_engine_cancel(struct kvpt_engine *e, int inject)
{
	return inject_event(e, inject, ST(PENDING) | ST(HELD),
			    KVPT_EV_INJECT_CANCELLED);
}

/* Players. */

static int check_action(const struct kvpt_engine *e,
			const struct kvpt_action *a)
{
	const struct kvpt_plan *p = e->plan;

	if ((unsigned)a->kind >= KVPT_ACTION_KIND_COUNT || a->role < 0 ||
	    a->role >= p->nroles)
		return KVPT_EINVAL;
	if (a->inject != -1 && !is_inject(p, a->inject))
		return KVPT_EINVAL;
	if (a->doc_type < -1 || a->doc_type >= e->ndoc_types)
		return KVPT_EINVAL;
	if (a->document < -1 || a->document >= p->ndocuments)
		return KVPT_EINVAL;
	if (a->conference != -1 &&
	    (a->conference < 0 || a->conference >= p->nactivities ||
	     p->activities[a->conference].kind != KVPT_ACT_CONFERENCE))
		return KVPT_EINVAL;
	if (a->kind == KVPT_ACTION_DOCUMENT && a->doc_type < 0 &&
	    (a->document < 0 || p->documents[a->document].type < 0))
		return KVPT_EINVAL;
	if (a->kind == KVPT_ACTION_TRANSITION &&
	    (a->machine < 0 || a->machine >= p->nmachines || a->body < 0 ||
	     a->body >= p->nbodies || a->state < 0 ||
	     a->state >= p->machines[a->machine].nstates))
		return KVPT_EINVAL;
	if (a->kind != KVPT_ACTION_TRANSITION &&
	    (a->machine != -1 || a->body != -1 || a->state != -1))
		return KVPT_EINVAL;
	if (a->text) {
		size_t len = strlen(a->text);

		if (len > KVPT_EVLOG_MAX_TEXT)
			return KVPT_ETOOBIG;
		/* The log is UTF-8 JSON; a replay could not read it back. */
		if (kvpt_utf8_check(a->text, len) != len)
			return KVPT_EINVAL;
	}
	return 0;
}

/* The four answers to an inject share their numbering with the
 * expectation kinds they meet. */
_Static_assert((int)KVPT_ACTION_ACK == (int)KVPT_EXPECT_ACK &&
	       (int)KVPT_ACTION_REPORT == (int)KVPT_EXPECT_REPORT &&
	       (int)KVPT_ACTION_ORDER == (int)KVPT_EXPECT_ORDER &&
	       (int)KVPT_ACTION_DECISION == (int)KVPT_EXPECT_DECISION,
	       "action kinds ACK..DECISION must match expectation kinds");

/* Answer every open expectation of the inject that asks for this kind. */
static void answer_inject(struct kvpt_engine *e, const struct kvpt_action *a,
			  uint64_t action)
{
	const struct kvpt_plan *p = e->plan;
	const struct kvpt_activity *inj;
	int i;

	if (a->inject < 0)
		return;
	inj = &p->activities[a->inject];
	for (i = inj->first_expectation;
	     i < inj->first_expectation + inj->nexpectations; i++) {
		const struct kvpt_expectation *x = &p->expectations[i];

		if ((int)x->kind == (int)a->kind && answerable(e, i) &&
		    owes(p, x, a->role))
			emit_answer(e, i, a->role, action);
	}
}

/* Answer the listed expectations in list key that match. */
static void answer_list(struct kvpt_engine *e, int key,
			const struct kvpt_action *a, int doc_type,
			uint64_t action)
{
	const struct kvpt_plan *p = e->plan;
	int x = e->head[key];

	while (x >= 0) {
		const struct kvpt_expectation *xp = &p->expectations[x];
		int next = e->next[x];
		int match = 0;

		if (!answerable(e, x))
			;
		else if (a->kind == KVPT_ACTION_DOCUMENT)
			match = xp->kind == KVPT_EXPECT_DOCUMENT &&
				xp->doc_type == doc_type;
		else if (a->kind == KVPT_ACTION_CONFERENCE)
			match = xp->kind == KVPT_EXPECT_CONFERENCE &&
				(xp->conference.idx < 0 ||
				 xp->conference.idx == a->conference);
		if (match)
			emit_answer(e, x, a->role, action);
		x = next;
	}
}

/* Documents and conferences: the lists of whoever the role is. */
static void answer_owed(struct kvpt_engine *e, const struct kvpt_action *a,
			int doc_type, uint64_t action)
{
	const struct kvpt_plan *p = e->plan;
	int b = role_body(p, a->role), hops = 0;

	answer_list(e, key_any(), a, doc_type, action);
	answer_list(e, key_role(e, a->role), a, doc_type, action);
	while (b >= 0 && hops++ <= p->nbodies) {
		answer_list(e, key_body(e, b), a, doc_type, action);
		b = p->bodies[b].parent.idx;
	}
}

static void issue(struct kvpt_engine *e, int doc_type, int body, int document,
		  int role)
{
	struct kvpt_event ev;

	kvpt_event_init(&ev, KVPT_EV_DOCUMENT_ISSUED, e->now);
	ev.doc_type = doc_type;
	ev.body = body;
	ev.document = document;
	ev.role = role;
	emit(e, &ev);
}

static void act_document(struct kvpt_engine *e, const struct kvpt_action *a,
			 uint64_t action)
{
	const struct kvpt_plan *p = e->plan;
	int type = a->doc_type, body = role_body(p, a->role);

	if (a->document >= 0) {
		type = p->documents[a->document].type;
		if (p->documents[a->document].owner.idx >= 0)
			body = p->documents[a->document].owner.idx;
	}
	if (body >= 0)
		issue(e, type, body, a->document, a->role);
	answer_owed(e, a, type, action);
}

static void act_conference(struct kvpt_engine *e, const struct kvpt_action *a,
			   uint64_t action)
{
	const struct kvpt_plan *p = e->plan;

	if (a->conference >= 0) {
		const struct kvpt_activity *c = &p->activities[a->conference];
		int chair = c->chair.idx >= 0 ? c->chair.idx : a->role;
		int body = role_body(p, chair), i;

		for (i = 0; i < c->outputs.n; i++) {
			int d = c->outputs.v[i].idx;

			if (d >= 0 && body >= 0 && p->documents[d].type >= 0)
				issue(e, p->documents[d].type, body, d, chair);
		}
	}
	answer_owed(e, a, -1, action);
}

static int act_transition(struct kvpt_engine *e, const struct kvpt_action *a,
			  uint64_t action, struct kvpt_action_result *res,
			  struct kvpt_buf *why)
{
	const struct kvpt_plan *p = e->plan;
	struct kvpt_event ev;
	const char *rule = NULL;
	int from = *state_at(e, a->machine, a->body);
	int rc, x, next;

	kvpt_buf_reset(&e->why);
	if (from < 0) {
		rule = "state-not-applicable";
		kvpt_buf_addf(&e->why, "%s không có trạng thái %s "
			      "(the %s ladder does not apply to %s)",
			      p->bodies[a->body].name,
			      p->machines[a->machine].name,
			      p->machines[a->machine].id,
			      p->bodies[a->body].id);
		rc = KVPT_EREFUSED;
	} else {
		rc = kvpt_doctrine_check(p, a->machine, a->body, from, a->state,
					 e->entered[(size_t)a->machine *
						    (size_t)p->nbodies +
						    (size_t)a->body],
					 e->issued, (int)e->nissued, NULL,
					 &rule, &e->why);
	}
	kvpt_event_init(&ev, rc ? KVPT_EV_TRANSITION_REFUSED :
			KVPT_EV_STATE_CHANGED, e->now);
	ev.machine = a->machine;
	ev.body = a->body;
	ev.from = from;
	ev.to = a->state;
	ev.role = a->role;
	if (rc) {
		ev.rule = rule;
		ev.reason = e->why.s ? e->why.s : "";
		emit(e, &ev);
		res->rule = rule;
		if (why)
			kvpt_buf_add(why, e->why.s ? e->why.s : "", e->why.len);
		return KVPT_EREFUSED;
	}
	emit(e, &ev);
	for (x = e->head[key_state(e, a->machine, a->body)]; x >= 0; x = next) {
		const struct kvpt_expectation *xp = &p->expectations[x];

		next = e->next[x];
		if (answerable(e, x) && a->state >= xp->state.idx &&
		    owes(p, xp, a->role))
			emit_answer(e, x, a->role, action);
	}
	return 0;
}

int kvpt_engine_act(struct kvpt_engine *e, const struct kvpt_action *a,
		    struct kvpt_action_result *res, struct kvpt_buf *why)
{
	struct kvpt_action_result dummy;
	struct kvpt_event ev;
	uint64_t met = e->n.met, late = e->n.late;
	int rc = 0;

	if (!res)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	rc = check_action(e, a);
	if (rc)
		return rc;
	if (!running(e))
		return KVPT_ESTATE;
	drain(e, e->now);

	kvpt_event_init(&ev, KVPT_EV_ACTION, e->now);
	ev.role = a->role;
	ev.kind = a->kind;
	ev.inject = a->inject;
	ev.doc_type = a->doc_type;
	ev.document = a->document;
	ev.conference = a->conference;
	ev.machine = a->machine;
	ev.body = a->body;
	ev.to = a->state;
	ev.text = a->text;
	emit(e, &ev);
	res->seq = ev.seq;

	switch (a->kind) {
	case KVPT_ACTION_DOCUMENT:
		act_document(e, a, ev.seq);
		break;
	case KVPT_ACTION_CONFERENCE:
		act_conference(e, a, ev.seq);
		break;
	case KVPT_ACTION_TRANSITION:
		rc = act_transition(e, a, ev.seq, res, why);
		break;
	default:
		answer_inject(e, a, ev.seq);
		break;
	}
	res->met = (int)(e->n.met - met);
	res->late = (int)(e->n.late - late);
	drain(e, e->now);
	return rc;
}

/* Reading the state. */

kvpt_time kvpt_engine_now(const struct kvpt_engine *e)
{
	return e->now;
}

int kvpt_engine_started(const struct kvpt_engine *e)
{
	return e->started;
}

int kvpt_engine_ended(const struct kvpt_engine *e)
{
	return e->ended;
}

const struct kvpt_activity_state *
kvpt_engine_activity(const struct kvpt_engine *e, int activity)
{
	if (activity < 0 || activity >= e->plan->nactivities)
		return NULL;
	return &e->acts[activity];
}

const struct kvpt_expect_state *
kvpt_engine_expectation(const struct kvpt_engine *e, int expectation)
{
	if (expectation < 0 || expectation >= e->plan->nexpectations)
		return NULL;
	return &e->exps[expectation];
}

int kvpt_engine_body_state(const struct kvpt_engine *e, int machine, int body)
{
	if (machine < 0 || machine >= e->plan->nmachines || body < 0 ||
	    body >= e->plan->nbodies)
		return -1;
	return *state_at(e, machine, body);
}

const struct kvpt_engine_counters *
kvpt_engine_counters(const struct kvpt_engine *e)
{
	return &e->n;
}

const char *kvpt_engine_log(const struct kvpt_engine *e, size_t *len)
{
	*len = e->log.len;
	return e->log.s ? e->log.s : "";
}

/* Replay. */

static int replay_fail(struct kvpt_buf *err, const char *msg)
{
	kvpt_buf_adds(err, msg);
	return KVPT_EINVAL;
}

/* Whether ev can follow the events applied so far; a log that says
 * otherwise was not written by this engine over this plan. */
static int check_event(const struct kvpt_engine *e,
		       const struct kvpt_event *ev, struct kvpt_buf *err)
{
	const struct kvpt_plan *p = e->plan;
	const char *code = p->ex.code;
	enum kvpt_activity_status as;
	enum kvpt_expect_status xs;

	if (ev->seq != e->seq + 1) {
		kvpt_buf_addf(err, "seq %llu does not follow %llu",
			      (unsigned long long)ev->seq,
			      (unsigned long long)e->seq);
		return KVPT_EINVAL;
	}
	if (!e->started && ev->type != KVPT_EV_EXERCISE_STARTED)
		return replay_fail(err, "the log must begin with "
				   "exercise.started");
	if (e->ended)
		return replay_fail(err, "event after exercise.ended");
	if (e->started && ev->t < e->last_t)
		return replay_fail(err, "time goes backwards");

	switch (ev->type) {
	case KVPT_EV_EXERCISE_STARTED:
		if (e->started)
			return replay_fail(err, "the exercise starts twice");
		if (ev->exercise && code && strcmp(ev->exercise, code)) {
			kvpt_buf_addf(err, "the log is of exercise '%s', the "
				      "plan of '%s'", ev->exercise, code);
			return KVPT_EINVAL;
		}
		/* fall through */
	case KVPT_EV_CLOCK_SPEED:
		if (ev->speed < KVPT_CLOCK_SPEED_MIN ||
		    ev->speed > KVPT_CLOCK_SPEED_MAX)
			return replay_fail(err, "speed out of range");
		break;
	case KVPT_EV_CLOCK_PAUSED:
		if (!e->clock.running)
			return replay_fail(err, "the clock is not running");
		break;
	case KVPT_EV_CLOCK_RESUMED:
		if (e->clock.running)
			return replay_fail(err, "the clock is not paused");
		break;
	case KVPT_EV_INJECT_RELEASED:
	case KVPT_EV_INJECT_HELD:
	case KVPT_EV_INJECT_CANCELLED:
		as = e->acts[ev->inject].status;
		if (as != KVPT_ACTIVITY_PENDING &&
		    (ev->type == KVPT_EV_INJECT_HELD ||
		     as != KVPT_ACTIVITY_HELD)) {
			kvpt_buf_addf(err, "inject '%s' is %s",
				      p->activities[ev->inject].id,
				      kvpt_activity_statuses[as].id);
			return KVPT_EINVAL;
		}
		break;
	case KVPT_EV_EXPECTATION_MET:
	case KVPT_EV_EXPECTATION_MISSED:
	case KVPT_EV_EXPECTATION_LATE:
		xs = e->exps[ev->expectation].status;
		if (xs != (ev->type == KVPT_EV_EXPECTATION_LATE ?
			   KVPT_EXPECT_MISSED : KVPT_EXPECT_OPEN)) {
			kvpt_buf_addf(err, "expectation '%s' is %s",
				      p->expectations[ev->expectation].id,
				      kvpt_expect_statuses[xs].id);
			return KVPT_EINVAL;
		}
		break;
	case KVPT_EV_STATE_CHANGED:
		if (*state_at(e, ev->machine, ev->body) < 0 ||
		    *state_at(e, ev->machine, ev->body) != ev->from)
			return replay_fail(err, "the body is not in the state "
					   "the change starts from");
		break;
	case KVPT_EV_ACTIVITY_STARTED:
		if (e->acts[ev->activity].status != KVPT_ACTIVITY_PENDING)
			return replay_fail(err, "the activity has started "
					   "already");
		break;
	case KVPT_EV_ACTIVITY_ENDED:
		if (e->acts[ev->activity].status != KVPT_ACTIVITY_STARTED)
			return replay_fail(err, "the activity is not under "
					   "way");
		break;
	case KVPT_EV_ACTION:
		if (ev->kind == KVPT_ACTION_TRANSITION &&
		    (ev->machine < 0 || ev->body < 0 || ev->to < 0))
			return replay_fail(err, "a transition needs machine, "
					   "body and state");
		break;
	default:
		break;
	}
	return 0;
}

int kvpt_engine_replay(const struct kvpt_plan *plan, const char *log,
		       size_t len, struct kvpt_engine **out,
		       struct kvpt_buf *err)
{
	struct kvpt_engine *e = kvpt_engine_new(plan, NULL);
	struct kvpt_buf strings = KVPT_BUF_INIT;
	struct kvpt_event ev;
	size_t pos = 0;
	int lineno = 0, rc = 0;

	*out = NULL;
	while (pos < len) {
		const char *line = log + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		size_t before = err->len;

		lineno++;
		pos += n + (nl ? 1 : 0);
		kvpt_buf_addf(err, "log:%d: ", lineno);
		rc = kvpt_evlog_parse(plan, line, n, &ev, &strings, err);
		if (!rc)
			rc = check_event(e, &ev, err);
		if (rc)
			goto out_free;
		err->len = before;
		if (err->s)
			err->s[before] = '\0';
		apply(e, &ev);
	}
	*out = e;
	e = NULL;
out_free:
	kvpt_engine_free(e);
	kvpt_buf_release(&strings);
	return rc;
}

/* The canonical state dump. */

static void dump_time(struct kvpt_buf *b, const char *key, kvpt_time t)
{
	if (t == KVPT_TIME_NONE)
		kvpt_buf_addf(b, ",\"%s\":null", key);
	else
		kvpt_buf_addf(b, ",\"%s\":%lld", key, (long long)t);
}

static void dump_id(struct kvpt_buf *b, const char *key, const char *id)
{
	kvpt_buf_addf(b, ",\"%s\":", key);
	if (id)
		kvpt_buf_add_json_str(b, id);
	else
		kvpt_buf_adds(b, "null");
}

void kvpt_engine_state_json(const struct kvpt_engine *e, struct kvpt_buf *b)
{
	const struct kvpt_plan *p = e->plan;
	const struct kvpt_engine_counters *n = &e->n;
	const char *sep = "";
	size_t k;
	int i, m, bd;

	kvpt_buf_addf(b, "{\"v\":%d,\"seq\":%llu", KVPT_EVLOG_VERSION,
		      (unsigned long long)e->seq);
	dump_time(b, "t", e->last_t);
	kvpt_buf_addf(b, ",\"status\":\"%s\"",
		      !e->started ? "idle" : e->ended ? "ended" :
		      e->clock.running ? "running" : "paused");
	kvpt_buf_adds(b, ",\"clock\":{");
	kvpt_buf_addf(b, "\"speed\":%lld,\"anchor_src\":%lld",
		      (long long)e->clock.speed,
		      (long long)e->clock.anchor_src);
	dump_time(b, "anchor_t", e->clock.anchor_ex);
	kvpt_buf_addf(b, ",\"running\":%s}",
		      e->clock.running ? "true" : "false");
	kvpt_buf_addf(b, ",\"counters\":{\"events\":%llu,\"released\":%llu,"
		      "\"met\":%llu,\"missed\":%llu,\"late\":%llu,"
		      "\"actions\":%llu,\"answered\":%llu,\"refused\":%llu,"
		      "\"transitions\":%llu,\"issued\":%llu}",
		      (unsigned long long)n->events,
		      (unsigned long long)n->released,
		      (unsigned long long)n->met, (unsigned long long)n->missed,
		      (unsigned long long)n->late,
		      (unsigned long long)n->actions,
		      (unsigned long long)n->answered,
		      (unsigned long long)n->refused,
		      (unsigned long long)n->transitions,
		      (unsigned long long)n->issued);

	kvpt_buf_adds(b, ",\n\"activities\":[");
	for (i = 0; i < p->nactivities; i++) {
		const struct kvpt_activity_state *s = &e->acts[i];

		kvpt_buf_addf(b, "%s\n{\"id\":", sep);
		kvpt_buf_add_json_str(b, p->activities[i].id);
		kvpt_buf_addf(b, ",\"status\":\"%s\"",
			      kvpt_activity_statuses[s->status].id);
		dump_time(b, "at", s->at);
		if (p->activities[i].kind == KVPT_ACT_SITUATION) {
			dump_id(b, "how", s->status == KVPT_ACTIVITY_RELEASED ?
				kvpt_release_hows[s->how].id : NULL);
			dump_id(b, "by",
				s->by >= 0 ? p->roles[s->by].id : NULL);
			dump_time(b, "cond_at", s->cond_at);
		} else {
			dump_time(b, "end_at", s->end_at);
		}
		kvpt_buf_addc(b, '}');
		sep = ",";
	}
	kvpt_buf_adds(b, "],\n\"expectations\":[");
	sep = "";
	for (i = 0; i < p->nexpectations; i++) {
		const struct kvpt_expect_state *s = &e->exps[i];

		kvpt_buf_addf(b, "%s\n{\"id\":", sep);
		kvpt_buf_add_json_str(b, p->expectations[i].id);
		kvpt_buf_addf(b, ",\"status\":\"%s\"",
			      kvpt_expect_statuses[s->status].id);
		dump_time(b, "deadline", s->deadline);
		dump_time(b, "at", s->at);
		dump_id(b, "by", s->by >= 0 ? p->roles[s->by].id : NULL);
		kvpt_buf_addc(b, '}');
		sep = ",";
	}
	kvpt_buf_adds(b, "],\n\"states\":[");
	sep = "";
	for (m = 0; m < p->nmachines; m++) {
		for (bd = 0; bd < p->nbodies; bd++) {
			int s = *state_at(e, m, bd);

			if (s < 0)
				continue;
			kvpt_buf_addf(b, "%s\n{\"machine\":", sep);
			kvpt_buf_add_json_str(b, p->machines[m].id);
			dump_id(b, "body", p->bodies[bd].id);
			dump_id(b, "state", p->machines[m].states[s].id);
			kvpt_buf_addc(b, '}');
			sep = ",";
		}
	}
	kvpt_buf_adds(b, "],\n\"issued\":[");
	sep = "";
	for (k = 0; k < e->nissued; k++) {
		kvpt_buf_addf(b, "%s\n{\"doc_type\":\"%s\"", sep,
			      kvpt_doc_types[e->issued[k].doc_type].id);
		dump_id(b, "body", p->bodies[e->issued[k].body].id);
		dump_time(b, "at", e->issued[k].at);
		kvpt_buf_addc(b, '}');
		sep = ",";
	}
	kvpt_buf_adds(b, "]}\n");
}
