/*
 * measures: the event log of an exercise turned into measured performance
 * (see measures.h for the definitions and the JSON).  Two passes over the
 * log: one reads the events up to the cut and keeps the history the
 * engine's state forgets (state changes, refusals, conferences reported
 * held); then the engine replays the same prefix, which checks it and
 * gives how every inject, expectation and activity stands at the cut.
 */
#include "measures.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "engine/engine.h"
#include "engine/evlog.h"
#include "model/extime.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A state change seen in the log. */
struct change {
	kvpt_time t;
	int machine, body, to;
};

/* A refused transition seen in the log, its row already built. */
struct refusal {
	json_t *row;
	int against;		/* the body it is held against, or -1 */
	int violation;		/* not transition-no-change */
	int mechanism_order;	/* transition-missing-act or act-order */
};

/* What the first pass keeps. */
struct history {
	size_t cut;		/* bytes of the log that count */
	uint64_t events;
	kvpt_time last_t;
	int ended;
	struct change *changes;
	int nchanges;
	size_t cap_changes;
	struct refusal *refusals;
	int nrefusals;
	size_t cap_refusals;
	kvpt_time *held;	/* [nactivities] conference reported held */
};

/* Per body (and one more for the whole exercise): the tallies. */
struct tally {
	int total, met, late, missed, open, cancelled, waiting;
	int64_t *resp;		/* response times, ms */
	int nresp;
	size_t cap_resp;
	int refusals, violations, mechanism_order;
	int st_planned, st_reached, st_on_time, st_late, st_not_reached,
	    st_unplanned;
	int nstates;		/* STATE rows */
};

struct ctx {
	const struct kvpt_plan *p;
	const struct kvpt_engine *e;
	const struct history *h;
	kvpt_time now;		/* what has passed: the cut, or the end */
	int *owner;		/* [nexpectations] body owing it, or -1 */
	struct tally *tally;	/* [nbodies + 1]; the last is overall */
	int *state_off;		/* [nmachines] offset of a machine's states */
	int nstate_slots;	/* sum of the machines' state counts */
	kvpt_time *planned;	/* [nbodies × slots] planned arrival */
	int *planned_by;	/* [nbodies × slots] activity, or -1 */
	kvpt_time *reached;	/* [nbodies × slots] first at or above */
	unsigned char *entered;	/* [nbodies × slots] entered exactly */
};

/* JSON helpers. */

/* A string value, null for NULL; text that is not UTF-8 is repaired. */
static json_t *str(const char *s)
{
	struct kvpt_buf fixed = KVPT_BUF_INIT;
	json_t *v;

	if (!s)
		return json_null();
	v = json_string(s);
	if (v)
		return v;
	kvpt_utf8_sanitize(&fixed, s, strlen(s));
	v = json_string(fixed.s ? fixed.s : "");
	kvpt_buf_release(&fixed);
	return v;
}

static json_t *jtime(kvpt_time t)
{
	return t == KVPT_TIME_NONE ? json_null() : json_integer(t);
}

/* b − a, or null when either is absent. */
static json_t *jdiff(kvpt_time b, kvpt_time a)
{
	if (a == KVPT_TIME_NONE || b == KVPT_TIME_NONE)
		return json_null();
	return json_integer(b - a);
}

static void set(json_t *o, const char *key, json_t *v)
{
	json_object_set_new(o, key, v ? v : json_null());
}

static const char *name_or_id(const char *name, const char *id)
{
	return name ? name : id;
}

static const char *body_name(const struct kvpt_plan *p, int b)
{
	return name_or_id(p->bodies[b].name, p->bodies[b].id);
}

static const char *role_name(const struct kvpt_plan *p, int r)
{
	return name_or_id(p->roles[r].name, p->roles[r].id);
}

/* The body of role r, or -1. */
static int role_body(const struct kvpt_plan *p, int r)
{
	if (r < 0 || r >= p->nroles)
		return -1;
	return p->roles[r].body.idx;
}

/* The first pass. */

static json_t *refusal_row(const struct kvpt_plan *p,
			   const struct kvpt_event *ev, int against,
			   int violation, int mechanism_order)
{
	const struct kvpt_machine *m = &p->machines[ev->machine];
	json_t *r = json_object();

	set(r, "seq", json_integer((json_int_t)ev->seq));
	set(r, "t", jtime(ev->t));
	set(r, "machine", str(m->id));
	set(r, "machine_name", str(name_or_id(m->name, m->id)));
	set(r, "body", str(p->bodies[ev->body].id));
	set(r, "body_name", str(body_name(p, ev->body)));
	set(r, "from", ev->from >= 0 ? str(m->states[ev->from].id) :
	    json_null());
	set(r, "from_name", ev->from >= 0 ? str(m->states[ev->from].name) :
	    json_null());
	set(r, "to", str(m->states[ev->to].id));
	set(r, "to_name", str(m->states[ev->to].name));
	set(r, "by", ev->role >= 0 ? str(p->roles[ev->role].id) : json_null());
	set(r, "by_name", ev->role >= 0 ? str(role_name(p, ev->role)) :
	    json_null());
	set(r, "by_body", against >= 0 ? str(p->bodies[against].id) :
	    json_null());
	set(r, "by_body_name", against >= 0 ? str(body_name(p, against)) :
	    json_null());
	set(r, "rule", str(ev->rule));
	set(r, "reason", str(ev->reason));
	set(r, "violation", json_boolean(violation));
	set(r, "mechanism_order", json_boolean(mechanism_order));
	return r;
}

static void record(const struct kvpt_plan *p, struct history *h,
		   const struct kvpt_event *ev)
{
	h->events++;
	h->last_t = ev->t;
	switch (ev->type) {
	case KVPT_EV_EXERCISE_ENDED:
		h->ended = 1;
		break;
	case KVPT_EV_STATE_CHANGED:
		if (ev->machine < 0 || ev->body < 0 || ev->to < 0)
			break;
		XGROW(h->changes, h->cap_changes, (size_t)h->nchanges + 1);
		h->changes[h->nchanges].t = ev->t;
		h->changes[h->nchanges].machine = ev->machine;
		h->changes[h->nchanges].body = ev->body;
		h->changes[h->nchanges].to = ev->to;
		h->nchanges++;
		break;
	case KVPT_EV_TRANSITION_REFUSED: {
		struct refusal *r;
		const char *rule = ev->rule ? ev->rule : "";
		int against = role_body(p, ev->role);

		if (ev->machine < 0 || ev->body < 0 || ev->to < 0)
			break;
		if (against < 0)
			against = ev->body;
		XGROW(h->refusals, h->cap_refusals, (size_t)h->nrefusals + 1);
		r = &h->refusals[h->nrefusals++];
		r->against = against;
		r->violation = strcmp(rule, "transition-no-change") != 0;
		r->mechanism_order = !strcmp(rule, "transition-missing-act") ||
				     !strcmp(rule, "act-order");
		r->row = refusal_row(p, ev, against, r->violation,
				     r->mechanism_order);
		break;
	}
	case KVPT_EV_ACTION:
		if (ev->kind == KVPT_ACTION_CONFERENCE && ev->conference >= 0 &&
		    ev->conference < p->nactivities &&
		    h->held[ev->conference] == KVPT_TIME_NONE)
			h->held[ev->conference] = ev->t;
		break;
	default:
		break;
	}
}

/* Read the events with t ≤ until (all for KVPT_TIME_NONE) into h; h->cut
 * ends up covering them.  A line that does not parse ends the pass but
 * is kept in the cut, so that the replay names it. */
static void read_history(const struct kvpt_plan *p, const char *log,
			 size_t len, kvpt_time until, struct history *h)
{
	struct kvpt_buf strings = KVPT_BUF_INIT, scratch = KVPT_BUF_INIT;
	struct kvpt_event ev;
	size_t pos = 0;

	while (pos < len) {
		const char *line = log + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		size_t next = pos + n + (nl ? 1 : 0);

		kvpt_buf_reset(&scratch);
		if (kvpt_evlog_parse(p, line, n, &ev, &strings, &scratch)) {
			h->cut = next;
			break;
		}
		if (until != KVPT_TIME_NONE && ev.t > until)
			break;
		h->cut = next;
		record(p, h, &ev);
		pos = next;
	}
	kvpt_buf_release(&strings);
	kvpt_buf_release(&scratch);
}

static void history_release(struct history *h)
{
	int i;

	for (i = 0; i < h->nrefusals; i++)
		json_decref(h->refusals[i].row);
	free(h->refusals);
	free(h->changes);
	free(h->held);
}

/* The verdict rule. */

struct verdict {
	int measured;		/* from share and violations, or -1 */
	int index;		/* final, or -1 */
	int capped;		/* violations kept it off the best word */
};

static void verdict_compute(int met, int due, int violations, double score,
			    int nscale, struct verdict *v)
{
	int64_t m = met, d = due;

	v->measured = v->index = -1;
	v->capped = 0;
	if (nscale <= 0)
		return;
	if (d > 0) {
		int band = m * 10 >= d * 9 ? 0 : m * 10 >= d * 7 ? 1 :
			   m * 2 >= d ? 2 : 3;

		v->measured = band == 3 ? nscale - 1 :
			      band < nscale - 1 ? band : nscale - 1;
	} else if (violations) {
		v->measured = 0;
	}
	if (v->measured == 0 && violations && nscale >= 2) {
		v->measured = 1;
		v->capped = 1;
	}
	if (score >= 0) {
		double s = score > nscale - 1 ? nscale - 1 : score;
		double x = v->measured >= 0 ? (v->measured + s) / 2 : s;

		v->index = (int)floor(x + 0.5);
		if (v->index > nscale - 1)
			v->index = nscale - 1;
		if (v->index == 0 && violations && nscale >= 2) {
			v->index = 1;
			v->capped = 1;
		}
	} else {
		v->index = v->measured;
	}
}

int kvpt_measures_verdict(int met, int due, int violations, double score,
			  int nscale)
{
	struct verdict v;

	verdict_compute(met, due, violations, score, nscale, &v);
	return v.index;
}

/* x with a decimal comma, two decimals. */
static void add_decimal(struct kvpt_buf *b, double x)
{
	size_t at = b->len;

	kvpt_buf_addf(b, "%.2f", x);
	for (; at < b->len; at++)
		if (b->s[at] == '.')
			b->s[at] = ',';
}

static json_t *verdict_json(const struct kvpt_plan *p, const struct tally *t,
			    int due, double score)
{
	struct kvpt_buf why = KVPT_BUF_INIT;
	struct verdict v;
	json_t *o = json_object();
	int unanswered = due - t->met - t->late;

	verdict_compute(t->met, due, t->violations, score, p->nscale, &v);
	if (due > 0) {
		kvpt_buf_addf(&why, "Đạt %d/%d yêu cầu đúng hạn (%d%%)",
			      t->met, due,
			      (int)((int64_t)t->met * 100 / due));
		if (t->late)
			kvpt_buf_addf(&why, ", %d đáp ứng muộn", t->late);
		if (unanswered)
			kvpt_buf_addf(&why, ", %d không đáp ứng", unanswered);
	} else {
		kvpt_buf_adds(&why, "Chưa có yêu cầu đến hạn");
	}
	if (!t->violations) {
		kvpt_buf_adds(&why, ", không có chuyển trạng thái sai quy trình");
	} else {
		kvpt_buf_addf(&why, ", %d chuyển trạng thái sai quy trình",
			      t->violations);
		if (t->mechanism_order)
			kvpt_buf_addf(&why, " (%d sai trình tự cơ chế)",
				      t->mechanism_order);
		if (v.capped)
			kvpt_buf_adds(&why, " nên không đề xuất mức cao nhất");
	}
	if (score >= 0) {
		kvpt_buf_adds(&why, "; điểm quan sát bình quân ");
		add_decimal(&why, score);
		kvpt_buf_adds(&why, v.measured >= 0 ?
			      " (0 là mức cao nhất), lấy trung bình với mức "
			      "đo được" :
			      " (0 là mức cao nhất)");
	} else if (v.index < 0 && p->nscale > 0) {
		kvpt_buf_adds(&why, ", chưa có điểm quan sát: chưa đủ căn cứ "
			      "đề xuất xếp loại");
	}
	if (p->nscale <= 0)
		kvpt_buf_adds(&why, "; kế hoạch không có thang xếp loại");
	set(o, "index", v.index >= 0 ? json_integer(v.index) : json_null());
	set(o, "label", v.index >= 0 ? str(p->scale[v.index]) : json_null());
	set(o, "measured_index", v.measured >= 0 ? json_integer(v.measured) :
	    json_null());
	set(o, "score", score >= 0 ? json_real(score) : json_null());
	set(o, "reason", str(why.s ? why.s : ""));
	kvpt_buf_release(&why);
	return o;
}

/* Tallies. */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Expectations counted as due: see measures.h. */
static int tally_due(const struct ctx *c, const struct tally *t)
{
	return t->met + t->late + t->missed + (c->h->ended ? t->open : 0);
}

static json_t *counts_json(const struct ctx *c, const struct tally *t)
{
	json_t *o = json_object();
	int due = tally_due(c, t);

	set(o, "total", json_integer(t->total));
	set(o, "met", json_integer(t->met));
	set(o, "late", json_integer(t->late));
	set(o, "missed", json_integer(t->missed));
	set(o, "open", json_integer(t->open));
	set(o, "cancelled", json_integer(t->cancelled));
	set(o, "waiting", json_integer(t->waiting));
	set(o, "due", json_integer(due));
	set(o, "in_time_share", due ? json_real((double)((int64_t)t->met *
		10000 / due) / 10000.0) : json_null());
	return o;
}

static json_t *response_json(struct tally *t)
{
	json_t *o = json_object();
	int n = t->nresp;

	set(o, "answered", json_integer(n));
	if (!n) {
		set(o, "median_ms", json_null());
		set(o, "p90_ms", json_null());
		set(o, "max_ms", json_null());
		return o;
	}
	qsort(t->resp, (size_t)n, sizeof(*t->resp), cmp_i64);
	set(o, "median_ms", json_integer(n % 2 ? t->resp[n / 2] :
		t->resp[n / 2 - 1] + (t->resp[n / 2] - t->resp[n / 2 - 1]) / 2));
	set(o, "p90_ms", json_integer(t->resp[(9 * (int64_t)n + 9) / 10 - 1]));
	set(o, "max_ms", json_integer(t->resp[n - 1]));
	return o;
}

static json_t *states_summary_json(const struct tally *t)
{
	json_t *o = json_object();

	set(o, "planned", json_integer(t->st_planned));
	set(o, "reached", json_integer(t->st_reached));
	set(o, "on_time", json_integer(t->st_on_time));
	set(o, "late", json_integer(t->st_late));
	set(o, "not_reached", json_integer(t->st_not_reached));
	set(o, "unplanned", json_integer(t->st_unplanned));
	return o;
}

static void add_response(struct tally *t, int64_t ms)
{
	XGROW(t->resp, t->cap_resp, (size_t)t->nresp + 1);
	t->resp[t->nresp++] = ms;
}

/* Expectations. */

/* The body that owes expectation x, or -1 (see measures.h). */
static int expectation_owner(const struct kvpt_plan *p,
			     const struct kvpt_expectation *x)
{
	if (x->by.idx >= 0)
		return x->by_body ? x->by.idx : role_body(p, x->by.idx);
	if (x->kind == KVPT_EXPECT_STATE)
		return x->state_body.idx;
	return -1;
}

/* When the inject of expectation xi was released, or KVPT_TIME_NONE. */
static kvpt_time released_at(const struct ctx *c, int inject)
{
	const struct kvpt_activity_state *s = kvpt_engine_activity(c->e, inject);

	return s->status == KVPT_ACTIVITY_RELEASED ? s->at : KVPT_TIME_NONE;
}

static kvpt_time answered_at(const struct kvpt_expect_state *s)
{
	return s->status == KVPT_EXPECT_MET || s->status == KVPT_EXPECT_LATE ?
	       s->at : KVPT_TIME_NONE;
}

static json_t *expectation_row(const struct ctx *c, int xi)
{
	const struct kvpt_plan *p = c->p;
	const struct kvpt_expectation *x = &p->expectations[xi];
	const struct kvpt_expect_state *s = kvpt_engine_expectation(c->e, xi);
	kvpt_time rel = released_at(c, x->inject);
	kvpt_time deadline = kvpt_expectation_deadline(x, rel);
	kvpt_time ans = answered_at(s);
	int body = c->owner[xi];
	json_t *r = json_object(), *owner;

	set(r, "id", str(x->id));
	set(r, "inject", str(p->activities[x->inject].id));
	set(r, "kind", str(kvpt_enum_id(kvpt_expect_kinds, (int)x->kind)));
	set(r, "kind_label", str(kvpt_enum_vi(kvpt_expect_kinds,
					      (int)x->kind)));
	if (body >= 0) {
		int role = !x->by_body && x->by.idx >= 0 ? x->by.idx : -1;

		owner = json_object();
		set(owner, "role", role >= 0 ? str(p->roles[role].id) :
		    json_null());
		set(owner, "role_name", role >= 0 ? str(role_name(p, role)) :
		    json_null());
		set(owner, "body", str(p->bodies[body].id));
		set(owner, "body_name", str(body_name(p, body)));
	} else {
		owner = json_null();
	}
	set(r, "owner", owner);
	set(r, "released", jtime(rel));
	set(r, "deadline", jtime(deadline));
	set(r, "allowed_ms", jdiff(deadline, rel));
	set(r, "answered", jtime(ans));
	set(r, "answered_by", ans != KVPT_TIME_NONE && s->by >= 0 ?
	    str(p->roles[s->by].id) : json_null());
	set(r, "status", str(kvpt_enum_id(kvpt_expect_statuses,
					  (int)s->status)));
	set(r, "status_label", str(kvpt_enum_vi(kvpt_expect_statuses,
						(int)s->status)));
	set(r, "response_ms", jdiff(ans, rel));
	return r;
}

/* Count expectation xi into tally t. */
static void count_expectation(const struct ctx *c, int xi, struct tally *t)
{
	const struct kvpt_expect_state *s = kvpt_engine_expectation(c->e, xi);
	kvpt_time rel = released_at(c, c->p->expectations[xi].inject);
	kvpt_time ans = answered_at(s);

	t->total++;
	switch (s->status) {
	case KVPT_EXPECT_WAITING:
		t->waiting++;
		break;
	case KVPT_EXPECT_OPEN:
		t->open++;
		break;
	case KVPT_EXPECT_MET:
		t->met++;
		break;
	case KVPT_EXPECT_MISSED:
		t->missed++;
		break;
	case KVPT_EXPECT_LATE:
		t->late++;
		break;
	case KVPT_EXPECT_CANCELLED:
		t->cancelled++;
		break;
	}
	if (ans != KVPT_TIME_NONE && rel != KVPT_TIME_NONE)
		add_response(t, ans - rel);
}

static json_t *injects_json(const struct ctx *c)
{
	const struct kvpt_plan *p = c->p;
	json_t *arr = json_array();
	int i, k;

	for (i = 0; i < p->nactivities; i++) {
		const struct kvpt_activity *a = &p->activities[i];
		const struct kvpt_activity_state *s;
		json_t *r, *xs;
		int released;

		if (a->kind != KVPT_ACT_SITUATION)
			continue;
		s = kvpt_engine_activity(c->e, i);
		released = s->status == KVPT_ACTIVITY_RELEASED;
		r = json_object();
		set(r, "id", str(a->id));
		set(r, "title", str(a->title));
		set(r, "planned", jtime(a->start));
		set(r, "released", released ? jtime(s->at) : json_null());
		set(r, "how", released ? str(kvpt_enum_id(kvpt_release_hows,
							   (int)s->how)) :
		    json_null());
		set(r, "how_label", released ?
		    str(kvpt_enum_vi(kvpt_release_hows, (int)s->how)) :
		    json_null());
		set(r, "released_by", released && s->by >= 0 ?
		    str(p->roles[s->by].id) : json_null());
		set(r, "status", str(kvpt_enum_id(kvpt_activity_statuses,
						  (int)s->status)));
		set(r, "status_label", str(kvpt_enum_vi(kvpt_activity_statuses,
							(int)s->status)));
		xs = json_array();
		for (k = 0; k < a->nexpectations; k++)
			json_array_append_new(xs, expectation_row(c,
					      a->first_expectation + k));
		set(r, "expectations", xs);
		json_array_append_new(arr, r);
	}
	return arr;
}

/* States. */

static size_t slot(const struct ctx *c, int body, int machine, int state)
{
	return (size_t)body * (size_t)c->nstate_slots +
	       (size_t)c->state_off[machine] + (size_t)state;
}

/* Fill planned/planned_by from the plan's transitions and reached/entered
 * from the state changes of the log. */
static void states_index(struct ctx *c)
{
	const struct kvpt_plan *p = c->p;
	size_t n;
	int i, k, s;

	c->state_off = xcalloc((size_t)p->nmachines + 1, sizeof(int));
	for (i = 0; i < p->nmachines; i++) {
		c->state_off[i] = c->nstate_slots;
		c->nstate_slots += p->machines[i].nstates;
	}
	n = (size_t)p->nbodies * (size_t)c->nstate_slots;
	c->planned = xcalloc(n + 1, sizeof(*c->planned));
	c->reached = xcalloc(n + 1, sizeof(*c->reached));
	c->planned_by = xcalloc(n + 1, sizeof(*c->planned_by));
	c->entered = xcalloc(n + 1, 1);
	for (k = 0; k < (int)n; k++) {
		c->planned[k] = c->reached[k] = KVPT_TIME_NONE;
		c->planned_by[k] = -1;
	}
	for (i = 0; i < p->nactivities; i++) {
		const struct kvpt_activity *a = &p->activities[i];

		if (a->end == KVPT_TIME_NONE)
			continue;
		for (k = 0; k < a->ntransitions; k++) {
			const struct kvpt_transition *t = &a->transitions[k];
			size_t at;

			if (t->machine < 0 || t->machine >= p->nmachines ||
			    t->body.idx < 0 || t->to.idx < 0 ||
			    t->to.idx >= p->machines[t->machine].nstates)
				continue;
			at = slot(c, t->body.idx, t->machine, t->to.idx);
			if (c->planned[at] == KVPT_TIME_NONE ||
			    a->end < c->planned[at]) {
				c->planned[at] = a->end;
				c->planned_by[at] = i;
			}
		}
	}
	for (i = 0; i < c->h->nchanges; i++) {
		const struct change *ch = &c->h->changes[i];

		for (s = 0; s <= ch->to; s++) {
			size_t at = slot(c, ch->body, ch->machine, s);

			if (c->reached[at] == KVPT_TIME_NONE)
				c->reached[at] = ch->t;
		}
		c->entered[slot(c, ch->body, ch->machine, ch->to)] = 1;
	}
}

/* How a state was reached against the plan. */
enum state_status {
	ST_EARLY, ST_ON_TIME, ST_LATE, ST_NOT_REACHED, ST_UPCOMING,
	ST_UNPLANNED
};

static const struct kvpt_enum_name state_statuses[] = {
	{ ST_EARLY, "early", "sớm hơn kế hoạch", NULL },
	{ ST_ON_TIME, "on_time", "đúng kế hoạch", NULL },
	{ ST_LATE, "late", "muộn hơn kế hoạch", NULL },
	{ ST_NOT_REACHED, "not_reached", "chưa đạt", NULL },
	{ ST_UPCOMING, "upcoming", "chưa đến giờ", NULL },
	{ ST_UNPLANNED, "unplanned", "ngoài kế hoạch", NULL },
	{ 0, NULL, NULL, NULL }
};

static enum state_status state_status(kvpt_time planned, kvpt_time reached,
				      kvpt_time now)
{
	if (planned == KVPT_TIME_NONE)
		return ST_UNPLANNED;
	if (reached == KVPT_TIME_NONE)
		return planned <= now ? ST_NOT_REACHED : ST_UPCOMING;
	return reached < planned ? ST_EARLY : reached == planned ? ST_ON_TIME :
	       ST_LATE;
}

/* The STATE rows of body b, counted into its tally and the overall one. */
static json_t *states_json(const struct ctx *c, int b)
{
	const struct kvpt_plan *p = c->p;
	struct tally *t = &c->tally[b], *all = &c->tally[p->nbodies];
	json_t *arr = json_array();
	int m, s;

	for (m = 0; m < p->nmachines; m++) {
		const struct kvpt_machine *mc = &p->machines[m];

		if (!kvpt_machine_applies(p, m, b))
			continue;
		for (s = mc->initial + 1; s < mc->nstates; s++) {
			size_t at = slot(c, b, m, s);
			kvpt_time pl = c->planned[at], re = c->reached[at];
			json_t *r;
			int k, st;

			if (pl == KVPT_TIME_NONE && re == KVPT_TIME_NONE)
				continue;
			for (k = 0; k < 2; k++) {
				struct tally *u = k ? all : t;

				u->nstates++;
				u->st_planned += pl != KVPT_TIME_NONE;
				u->st_reached += re != KVPT_TIME_NONE;
				if (pl != KVPT_TIME_NONE &&
				    re != KVPT_TIME_NONE) {
					u->st_on_time += re <= pl;
					u->st_late += re > pl;
				}
				u->st_not_reached += pl != KVPT_TIME_NONE &&
						     re == KVPT_TIME_NONE &&
						     pl <= c->now;
				u->st_unplanned += pl == KVPT_TIME_NONE;
			}
			r = json_object();
			set(r, "machine", str(mc->id));
			set(r, "machine_name", str(name_or_id(mc->name, mc->id)));
			set(r, "state", str(mc->states[s].id));
			set(r, "state_name", str(mc->states[s].name));
			set(r, "planned", jtime(pl));
			set(r, "planned_by", c->planned_by[at] >= 0 ?
			    str(p->activities[c->planned_by[at]].id) :
			    json_null());
			set(r, "reached", jtime(re));
			set(r, "skipped", json_boolean(re != KVPT_TIME_NONE &&
						       !c->entered[at]));
			set(r, "delay_ms", jdiff(re, pl));
			st = state_status(pl, re, c->now);
			set(r, "status", str(state_statuses[st].id));
			set(r, "status_label", str(state_statuses[st].vi));
			json_array_append_new(arr, r);
		}
	}
	return arr;
}

/* Activities. */

static json_t *activities_json(const struct ctx *c, json_t *summary)
{
	const struct kvpt_plan *p = c->p;
	json_t *arr = json_array();
	int i, planned = 0, started = 0, ended = 0, not_done = 0;

	for (i = 0; i < p->nactivities; i++) {
		const struct kvpt_activity *a = &p->activities[i];
		const struct kvpt_activity_state *s;
		kvpt_time st = KVPT_TIME_NONE, en = KVPT_TIME_NONE;
		int body = -1;
		json_t *r;

		if (a->kind == KVPT_ACT_SITUATION)
			continue;
		s = kvpt_engine_activity(c->e, i);
		if (s->status == KVPT_ACTIVITY_STARTED ||
		    s->status == KVPT_ACTIVITY_ENDED)
			st = s->at;
		if (s->status == KVPT_ACTIVITY_ENDED)
			en = s->end_at;
		if (a->kind == KVPT_ACT_CONFERENCE)
			body = role_body(p, a->chair.idx);
		planned++;
		started += st != KVPT_TIME_NONE;
		ended += en != KVPT_TIME_NONE;
		not_done += st == KVPT_TIME_NONE && a->start != KVPT_TIME_NONE &&
			    a->start <= c->now;
		r = json_object();
		set(r, "id", str(a->id));
		set(r, "title", str(a->title));
		set(r, "kind", str(kvpt_enum_id(kvpt_activity_kinds,
						(int)a->kind)));
		set(r, "kind_label", str(kvpt_enum_vi(kvpt_activity_kinds,
						      (int)a->kind)));
		set(r, "body", body >= 0 ? str(p->bodies[body].id) :
		    json_null());
		set(r, "planned_start", jtime(a->start));
		set(r, "planned_end", jtime(a->end));
		set(r, "started", jtime(st));
		set(r, "ended", jtime(en));
		set(r, "held", a->kind == KVPT_ACT_CONFERENCE ?
		    jtime(c->h->held[i]) : json_null());
		set(r, "start_delay_ms", jdiff(st, a->start));
		set(r, "end_delay_ms", jdiff(en, a->end));
		set(r, "status", str(kvpt_enum_id(kvpt_activity_statuses,
						  (int)s->status)));
		set(r, "status_label", str(kvpt_enum_vi(kvpt_activity_statuses,
							(int)s->status)));
		json_array_append_new(arr, r);
	}
	set(summary, "planned", json_integer(planned));
	set(summary, "started", json_integer(started));
	set(summary, "ended", json_integer(ended));
	set(summary, "not_done", json_integer(not_done));
	return arr;
}

/* The whole object. */

static json_t *exercise_json(const struct kvpt_plan *p)
{
	struct kvpt_timebase tb = kvpt_plan_timebase(p);
	json_t *o = json_object();

	set(o, "code", str(p->ex.code));
	set(o, "name", str(p->ex.name));
	set(o, "n_date", str(p->ex.n_date));
	set(o, "n_epoch_ms", tb.valid ? json_integer(tb.n_epoch_ms) :
	    json_null());
	set(o, "tz_offset_min", json_integer(p->ex.tz_offset_min));
	return o;
}

static json_t *build(struct ctx *c, kvpt_time until, const double *scores)
{
	const struct kvpt_plan *p = c->p;
	const struct history *h = c->h;
	struct tally *all = &c->tally[p->nbodies];
	json_t *o = json_object(), *arr, *overall, *acts, *bodies, *refused;
	json_t **body_states = xcalloc((size_t)p->nbodies + 1,
				       sizeof(*body_states));
	double score_sum = 0;
	int i, b, nscores = 0;

	for (i = 0; i < p->nexpectations; i++) {
		count_expectation(c, i, all);
		if (c->owner[i] >= 0)
			count_expectation(c, i, &c->tally[c->owner[i]]);
	}
	for (i = 0; i < h->nrefusals; i++) {
		const struct refusal *r = &h->refusals[i];
		struct tally *t = &c->tally[r->against];

		all->refusals++;
		all->violations += r->violation;
		all->mechanism_order += r->mechanism_order;
		t->refusals++;
		t->violations += r->violation;
		t->mechanism_order += r->mechanism_order;
	}
	for (b = 0; b < p->nbodies; b++)
		body_states[b] = states_json(c, b);

	set(o, "version", json_integer(KVPT_MEASURES_VERSION));
	set(o, "exercise", exercise_json(p));
	set(o, "until", jtime(until));
	set(o, "t", h->events ? jtime(h->last_t) : json_null());
	set(o, "ended", json_boolean(h->ended));
	set(o, "events", json_integer((json_int_t)h->events));
	arr = json_array();
	for (i = 0; i < p->nscale; i++)
		json_array_append_new(arr, str(p->scale[i]));
	set(o, "scale", arr);
	arr = json_array();
	for (i = 0; i < p->ncriteria; i++) {
		json_t *r = json_object();

		set(r, "id", str(p->criteria[i].id));
		set(r, "name", str(p->criteria[i].name));
		set(r, "weight", json_real(p->criteria[i].weight));
		json_array_append_new(arr, r);
	}
	set(o, "criteria", arr);

	overall = json_object();
	set(o, "overall", overall);
	bodies = json_array();
	set(o, "bodies", bodies);
	set(o, "injects", injects_json(c));
	refused = json_array();
	for (i = 0; i < h->nrefusals; i++)
		json_array_append(refused, h->refusals[i].row);
	set(o, "refused", refused);
	acts = json_object();
	set(o, "activities", activities_json(c, acts));

	for (b = 0; b < p->nbodies; b++) {
		struct tally *t = &c->tally[b];
		double score = scores && scores[b] >= 0 ? scores[b] : -1;
		json_t *r, *xs, *rs;

		if (score >= 0) {
			score_sum += score;
			nscores++;
		}
		if (!t->total && !t->nstates && !t->refusals)
			continue;
		r = json_object();
		set(r, "id", str(p->bodies[b].id));
		set(r, "name", str(body_name(p, b)));
		set(r, "kind", str(kvpt_enum_id(kvpt_body_kinds,
						(int)p->bodies[b].kind)));
		set(r, "kind_label", str(kvpt_enum_vi(kvpt_body_kinds,
						      (int)p->bodies[b].kind)));
		set(r, "counts", counts_json(c, t));
		set(r, "response", response_json(t));
		set(r, "refusals", json_integer(t->refusals));
		set(r, "violations", json_integer(t->violations));
		set(r, "mechanism_order", json_integer(t->mechanism_order));
		set(r, "states_summary", states_summary_json(t));
		xs = json_array();
		for (i = 0; i < p->nexpectations; i++)
			if (c->owner[i] == b)
				json_array_append_new(xs, expectation_row(c, i));
		set(r, "expectations", xs);
		rs = json_array();
		for (i = 0; i < h->nrefusals; i++)
			if (h->refusals[i].against == b)
				json_array_append(rs, h->refusals[i].row);
		set(r, "refused", rs);
		set(r, "states", body_states[b]);
		body_states[b] = NULL;
		set(r, "verdict", verdict_json(p, t, tally_due(c, t), score));
		json_array_append_new(bodies, r);
	}

	set(overall, "counts", counts_json(c, all));
	set(overall, "response", response_json(all));
	set(overall, "refusals", json_integer(all->refusals));
	set(overall, "violations", json_integer(all->violations));
	set(overall, "mechanism_order", json_integer(all->mechanism_order));
	set(overall, "states", states_summary_json(all));
	set(overall, "activities", acts);
	set(overall, "verdict", verdict_json(p, all, tally_due(c, all),
					     nscores ? score_sum / nscores : -1));

	for (b = 0; b < p->nbodies; b++)
		json_decref(body_states[b]);
	free(body_states);
	return o;
}

int kvpt_measures(const struct kvpt_plan *plan, const char *log, size_t len,
		  kvpt_time until, const double *scores, json_t **out,
		  struct kvpt_buf *err)
{
	struct history h;
	struct ctx c;
	struct kvpt_engine *e = NULL;
	int i, rc;

	*out = NULL;
	memset(&h, 0, sizeof(h));
	h.last_t = KVPT_TIME_NONE;
	h.held = xcalloc((size_t)plan->nactivities + 1, sizeof(*h.held));
	for (i = 0; i < plan->nactivities; i++)
		h.held[i] = KVPT_TIME_NONE;
	read_history(plan, log, len, until, &h);
	rc = kvpt_engine_replay(plan, log, h.cut, &e, err);
	if (rc)
		goto out_history;

	memset(&c, 0, sizeof(c));
	c.p = plan;
	c.e = e;
	c.h = &h;
	c.now = h.ended ? INT64_MAX : until != KVPT_TIME_NONE ? until :
		h.last_t;
	c.owner = xcalloc((size_t)plan->nexpectations + 1, sizeof(int));
	for (i = 0; i < plan->nexpectations; i++)
		c.owner[i] = expectation_owner(plan, &plan->expectations[i]);
	c.tally = xcalloc((size_t)plan->nbodies + 1, sizeof(*c.tally));
	states_index(&c);
	*out = build(&c, until, scores);

	for (i = 0; i <= plan->nbodies; i++)
		free(c.tally[i].resp);
	free(c.tally);
	free(c.owner);
	free(c.state_off);
	free(c.planned);
	free(c.planned_by);
	free(c.reached);
	free(c.entered);
	kvpt_engine_free(e);
out_history:
	history_release(&h);
	return rc;
}
