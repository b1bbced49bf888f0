/*
 * check: whole-plan consistency and doctrine rules.  See check.h; each rule
 * id used here is described in docs/checker-rules.md.  Every rule is linear
 * or n·log n in the size of the plan, so national-scale plans check fast.
 */
#include "check.h"
#include "base/xalloc.h"
#include "model/doctrine.h"
#include "model/extime.h"

#include <stdlib.h>
#include <string.h>

struct checker {
	const struct kvpt_plan *p;
	struct kvpt_diags *d;
	int errors;
};

#define CERR(c, pos, rule, ...)                                          \
	do {                                                             \
		(c)->errors++;                                           \
		kvpt_diag((c)->d, KVPT_SEV_ERROR, (pos), rule, __VA_ARGS__); \
	} while (0)
#define CWARN(c, pos, rule, ...) \
	kvpt_diag((c)->d, KVPT_SEV_WARNING, (pos), rule, __VA_ARGS__)

static const char *tfmt(kvpt_time t, char *buf)
{
	kvpt_time_format(t, buf, 32);
	return buf;
}

/* roles without a person */
static void check_roles(struct checker *c)
{
	const struct kvpt_plan *p = c->p;
	int i;

	for (i = 0; i < p->nroles; i++)
		if (!p->roles[i].person.id)
			CWARN(c, p->roles[i].pos, "role-no-person", "role '%s' "
			      "(%s) has no person to play it",
			      p->roles[i].id, p->roles[i].name);
}

/* phase windows and order; activities inside their phase and parents */
static void check_windows(struct checker *c)
{
	const struct kvpt_plan *p = c->p;
	kvpt_time ex_end = p->ex.start + p->ex.duration;
	char b1[32], b2[32], b3[32], b4[32];
	int i;

	for (i = 0; i < p->nphases; i++) {
		const struct kvpt_phase *ph = &p->phases[i];

		if (ph->start == KVPT_TIME_NONE || ph->end == KVPT_TIME_NONE)
			continue;
		if (i > 0 && p->phases[i - 1].end != KVPT_TIME_NONE &&
		    ph->start < p->phases[i - 1].end)
			CERR(c, ph->pos, "phase-order", "phase '%s' starts at "
			     "%s, before phase '%s' ends at %s; phases run one "
			     "after another", ph->id, tfmt(ph->start, b1),
			     p->phases[i - 1].id,
			     tfmt(p->phases[i - 1].end, b2));
		if (ph->start < p->ex.start || ph->end > ex_end)
			CWARN(c, ph->pos, "outside-exercise", "phase '%s' "
			      "(%s–%s) lies outside the exercise (%s–%s)",
			      ph->id, tfmt(ph->start, b1), tfmt(ph->end, b2),
			      tfmt(p->ex.start, b3), tfmt(ex_end, b4));
	}
	for (i = 0; i < p->nproblems; i++) {
		const struct kvpt_problem *x = &p->problems[i];
		const struct kvpt_phase *ph = &p->phases[x->phase];

		if ((x->start != KVPT_TIME_NONE && x->start < ph->start) ||
		    (x->end != KVPT_TIME_NONE && x->end > ph->end))
			CERR(c, x->pos, "outside-phase", "problem '%s' lies "
			     "outside phase '%s' (%s–%s)", x->id, ph->id,
			     tfmt(ph->start, b1), tfmt(ph->end, b2));
	}
	for (i = 0; i < p->nactivities; i++) {
		const struct kvpt_activity *a = &p->activities[i];
		const struct kvpt_content *ct = &p->contents[a->content];
		const struct kvpt_problem *pr = &p->problems[ct->problem];
		const struct kvpt_phase *ph = &p->phases[pr->phase];
		kvpt_time lo = ph->start, hi = ph->end;
		const char *in = ph->id, *what = "phase";

		if (a->start == KVPT_TIME_NONE)
			continue;
		if (pr->start != KVPT_TIME_NONE && pr->start > lo)
			lo = pr->start, in = pr->id, what = "problem";
		if (pr->end != KVPT_TIME_NONE && pr->end < hi)
			hi = pr->end, in = pr->id, what = "problem";
		if (ct->start != KVPT_TIME_NONE && ct->start > lo)
			lo = ct->start, in = ct->id, what = "content";
		if (ct->end != KVPT_TIME_NONE && ct->end < hi)
			hi = ct->end, in = ct->id, what = "content";
		if (a->start < lo || a->end > hi)
			CERR(c, a->pos, "outside-phase", "activity '%s' (%s–%s) "
			     "lies outside its %s '%s' (%s–%s)", a->id,
			     tfmt(a->start, b1), tfmt(a->end, b2), what, in,
			     tfmt(lo, b3), tfmt(hi, b4));
	}
}

/* people booked in two overlapping activities */

struct booking {
	int person, activity;
	kvpt_time start, end;
};

static int cmp_booking(const void *x, const void *y)
{
	const struct booking *a = x, *b = y;

	if (a->person != b->person)
		return a->person < b->person ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->activity < b->activity ? -1 : a->activity > b->activity;
}

static void book(struct booking **v, size_t *n, size_t *cap,
		 const struct kvpt_plan *p, int role, int act)
{
	const struct kvpt_activity *a = &p->activities[act];

	if (role < 0 || p->roles[role].person.idx < 0)
		return;
	XGROW(*v, *cap, *n + 1);
	(*v)[*n].person = p->roles[role].person.idx;
	(*v)[*n].activity = act;
	(*v)[*n].start = a->start;
	(*v)[*n].end = a->end;
	(*n)++;
}

static void check_bookings(struct checker *c)
{
	const struct kvpt_plan *p = c->p;
	struct booking *v = NULL;
	size_t n = 0, cap = 0, i;
	char b1[32], b2[32], b3[32], b4[32];
	int j;

	for (j = 0; j < p->nactivities; j++) {
		const struct kvpt_activity *a = &p->activities[j];
		int k;

		if (a->kind != KVPT_ACT_CONFERENCE || a->start == KVPT_TIME_NONE ||
		    a->end <= a->start)
			continue;
		book(&v, &n, &cap, p, a->chair.idx, j);
		for (k = 0; k < a->attendees.n; k++)
			book(&v, &n, &cap, p, a->attendees.v[k].idx, j);
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_booking);
	for (i = 0; i < n; i++) {
		size_t k;

		/* Compare with the booking of this person that ends last so
		 * far among those of other activities. */
		for (k = i + 1; k < n && v[k].person == v[i].person &&
				v[k].start < v[i].end; k++) {
			const struct kvpt_activity *a = &p->activities[v[i].activity];
			const struct kvpt_activity *b = &p->activities[v[k].activity];
			const struct kvpt_person *who = &p->people[v[i].person];

			if (v[k].activity == v[i].activity)
				continue;
			CERR(c, b->pos, "double-booked", "%s (%s) is booked in "
			     "'%s' (%s–%s) and in '%s' (%s–%s) at the same "
			     "time", who->name, who->id, a->id,
			     tfmt(a->start, b1), tfmt(a->end, b2), b->id,
			     tfmt(b->start, b3), tfmt(b->end, b4));
			break;
		}
	}
	free(v);
}

/* conferences: chair and who issues the outputs */
static void check_conferences(struct checker *c)
{
	const struct kvpt_plan *p = c->p;
	int i, k;

	for (i = 0; i < p->nactivities; i++) {
		const struct kvpt_activity *a = &p->activities[i];
		int chair_body;

		if (a->kind != KVPT_ACT_CONFERENCE)
			continue;
		if (!a->chair.id) {
			CWARN(c, a->pos, "conference-no-chair", "conference '%s' "
			      "has no chair", a->id);
			continue;
		}
		if (a->chair.idx < 0)
			continue;
		chair_body = p->roles[a->chair.idx].body.idx;
		for (k = 0; k < a->outputs.n; k++) {
			const struct kvpt_ref *o = &a->outputs.v[k];
			const struct kvpt_document *doc;

			if (o->idx < 0 || chair_body < 0)
				continue;
			doc = &p->documents[o->idx];
			if (doc->owner.idx >= 0 && doc->owner.idx != chair_body)
				CERR(c, o->pos, "output-not-chair", "conference "
				     "'%s' is chaired by '%s' of %s, but its "
				     "output '%s' is issued by %s; the body "
				     "that chairs a conference issues its "
				     "outputs", a->id, a->chair.id,
				     p->bodies[chair_body].name, doc->id,
				     p->bodies[doc->owner.idx].name);
		}
	}
}

/* Each recipient in `to` must be cleared for a `mark`ed document or inject
 * (`what` 'id'). */
static void check_recipients(struct checker *c, const char *what,
			     const char *id, enum kvpt_classification mark,
			     const struct kvpt_refs *to)
{
	const struct kvpt_plan *p = c->p;
	int k;

	for (k = 0; mark && k < to->n; k++) {
		int r = to->v[k].idx;
		enum kvpt_classification have;

		if (r < 0)
			continue;
		have = kvpt_role_clearance(p, r);
		if (have < mark)
			CERR(c, to->v[k].pos, "classified-recipient",
			     "%s '%s' is marked %s but is addressed to role "
			     "'%s', whose person is cleared only for %s", what,
			     id, kvpt_enum_vi(kvpt_classifications, (int)mark),
			     to->v[k].id,
			     kvpt_enum_vi(kvpt_classifications, (int)have));
	}
}

/* classification marks against the clearance of their recipients */
static void check_clearances(struct checker *c)
{
	const struct kvpt_plan *p = c->p;
	int i;

	for (i = 0; i < p->ndocuments; i++)
		check_recipients(c, "document", p->documents[i].id,
				 p->documents[i].classification,
				 &p->documents[i].to);
	for (i = 0; i < p->nactivities; i++) {
		const struct kvpt_activity *a = &p->activities[i];

		if (a->kind != KVPT_ACT_SITUATION)
			continue;
		if (!a->to.n)
			CERR(c, a->pos, "no-recipient", "inject '%s' is "
			     "addressed to no role (add 'to:')", a->id);
		check_recipients(c, "inject", a->id, a->classification, &a->to);
	}
}

/* Whether role r can act for expectation x (x->by is a role or a body). */
static int role_owes(const struct kvpt_plan *p,
		     const struct kvpt_expectation *x, int r)
{
	if (!x->by_body)
		return r == x->by.idx;
	return kvpt_body_within(p, p->roles[r].body.idx, x->by.idx);
}

static void check_expectations(struct checker *c, const int *roles_in_body)
{
	const struct kvpt_plan *p = c->p;
	int i, k;

	for (i = 0; i < p->nexpectations; i++) {
		const struct kvpt_expectation *x = &p->expectations[i];
		const struct kvpt_activity *inj = &p->activities[x->inject];
		int ok = 0;

		if (x->by.idx < 0)
			continue;
		if (x->by_body && !roles_in_body[x->by.idx]) {
			CERR(c, x->by.pos, "expectation-unmeetable",
			     "expectation '%s' is owed by %s, but no role of "
			     "the plan belongs to it", x->id,
			     p->bodies[x->by.idx].name);
			continue;
		}
		switch (x->kind) {
		case KVPT_EXPECT_ACK:
		case KVPT_EXPECT_REPORT:
		case KVPT_EXPECT_ORDER:
		case KVPT_EXPECT_DECISION:
			/* Only a role the inject reaches can answer it (a
			 * dangling recipient is reported already). */
			for (k = 0; k < inj->to.n && !ok; k++)
				if (inj->to.v[k].idx < 0 ||
				    role_owes(p, x, inj->to.v[k].idx))
					ok = 1;
			if (!ok && inj->to.n)
				CERR(c, x->by.pos, "expectation-unmeetable",
				     "expectation '%s' (%s) is owed by '%s', "
				     "but inject '%s' does not reach it; add "
				     "it to the inject's 'to'", x->id,
				     kvpt_enum_id(kvpt_expect_kinds, x->kind),
				     x->by.id, inj->id);
			break;
		case KVPT_EXPECT_CONFERENCE:
			if (x->conference.idx >= 0) {
				const struct kvpt_activity *conf =
					&p->activities[x->conference.idx];

				if (conf->chair.idx >= 0 &&
				    !role_owes(p, x, conf->chair.idx))
					CERR(c, x->by.pos,
					     "expectation-unmeetable",
					     "expectation '%s' wants '%s' to "
					     "hold conference '%s', which is "
					     "chaired by '%s'", x->id, x->by.id,
					     conf->id, conf->chair.id);
			}
			break;
		case KVPT_EXPECT_STATE: {
			int body = x->state_body.idx;

			if (body < 0 && x->state_body.id)
				break;
			if (body < 0)
				body = x->by_body ? x->by.idx :
				       p->roles[x->by.idx].body.idx;
			if (x->machine >= 0 && body >= 0 &&
			    !kvpt_machine_applies(p, x->machine, body))
				CERR(c, x->pos, "expectation-unmeetable",
				     "expectation '%s' waits for %s to reach a "
				     "%s state, but that ladder does not apply "
				     "to a %s; name the body with 'body:'",
				     x->id, p->bodies[body].name,
				     p->machines[x->machine].id,
				     kvpt_enum_id(kvpt_body_kinds,
						  (int)p->bodies[body].kind));
			break;
		}
		default:
			break;
		}
	}
}

/*
 * Conditional injects: a graph from each inject to the inject it waits for.
 * Finds cycles, injects that can never be released, and the earliest time
 * each can be released (for deadline checks).
 */
enum { UNSEEN, ACTIVE, DONE };

struct releases {
	unsigned char *mark;
	kvpt_time *earliest;	/* KVPT_TIME_NONE: never (or unknown) */
	unsigned char *never;	/* 1: can never be released */
	unsigned char *state_reached; /* per machine × body × state, planned */
};

static int dep_of(const struct kvpt_plan *p, const struct kvpt_activity *a)
{
	switch (a->release.kind) {
	case KVPT_RELEASE_ON_MET:
	case KVPT_RELEASE_ON_MISSED:
		return a->release.target.idx >= 0 ?
		       p->expectations[a->release.target.idx].inject : -1;
	case KVPT_RELEASE_ON_RELEASED:
		return a->release.target.idx;
	default:
		return -1;
	}
}

static size_t state_slot(const struct kvpt_plan *p, int m, int body, int s)
{
	return ((size_t)m * (size_t)p->nbodies + (size_t)body) * 16 +
	       (size_t)(s < 16 ? s : 15);
}

static void walk_release(struct checker *c, struct releases *r, int start)
{
	const struct kvpt_plan *p = c->p;
	int *stack = NULL;
	size_t n = 0, cap = 0;
	int i = start;

	/* Iterative: follow dependencies to a resolved inject, then unwind. */
	for (;;) {
		const struct kvpt_activity *a = &p->activities[i];
		int dep = dep_of(p, a);

		if (r->mark[i] == UNSEEN && dep >= 0) {
			r->mark[i] = ACTIVE;
			XGROW(stack, cap, n + 1);
			stack[n++] = i;
			if (r->mark[dep] == ACTIVE) {
				/* a cycle: report it once, at its entry */
				struct kvpt_buf chain = KVPT_BUF_INIT;
				size_t k;

				for (k = 0; k < n; k++)
					if (stack[k] == dep)
						break;
				for (; k < n; k++)
					kvpt_buf_addf(&chain, "%s → ",
						      p->activities[stack[k]].id);
				kvpt_buf_adds(&chain, p->activities[dep].id);
				CERR(c, p->activities[dep].release.pos,
				     "inject-cycle", "conditional injects wait "
				     "for each other in a cycle and none can "
				     "be released: %s", chain.s);
				kvpt_buf_release(&chain);
				for (k = 0; k < n; k++)
					if (r->mark[stack[k]] == ACTIVE)
						r->never[stack[k]] = 2;
				r->never[dep] = 2;
				break;
			}
			if (r->mark[dep] == UNSEEN) {
				i = dep;
				continue;
			}
		}
		break;
	}
	/* Unwind: each inject on the stack depends on the one above it. */
	while (n > 0) {
		int j = stack[--n];
		const struct kvpt_activity *a = &p->activities[j];
		int dep = dep_of(p, a);

		r->mark[j] = DONE;
		if (r->never[j] == 2) {
			r->never[j] = 1;
			r->earliest[j] = KVPT_TIME_NONE;
			continue;
		}
		if (dep < 0 || r->never[dep]) {
			r->never[j] = 1;
			r->earliest[j] = KVPT_TIME_NONE;
			if (dep >= 0)
				CERR(c, a->release.pos, "never-released",
				     "inject '%s' waits for inject '%s', which "
				     "can never be released", a->id,
				     p->activities[dep].id);
			continue;
		}
		if (a->release.kind == KVPT_RELEASE_ON_MISSED) {
			const struct kvpt_expectation *x =
				&p->expectations[a->release.target.idx];
			kvpt_time dl = kvpt_expectation_deadline(x,
								 r->earliest[dep]);

			if (x->within < 0 && x->deadline == KVPT_TIME_NONE) {
				r->never[j] = 1;
				r->earliest[j] = KVPT_TIME_NONE;
				CERR(c, a->release.pos, "never-released",
				     "inject '%s' waits for expectation '%s' to "
				     "be missed, but it has no deadline and can "
				     "never be missed", a->id, x->id);
				continue;
			}
			r->earliest[j] = dl == KVPT_TIME_NONE ? KVPT_TIME_NONE :
					 dl + a->release.delay;
		} else {
			r->earliest[j] = r->earliest[dep] == KVPT_TIME_NONE ?
					 KVPT_TIME_NONE :
					 r->earliest[dep] + a->release.delay;
		}
	}
	if (r->mark[start] != DONE)
		r->mark[start] = DONE;
	free(stack);
}

static void check_releases(struct checker *c, struct releases *r)
{
	const struct kvpt_plan *p = c->p;
	char b1[32], b2[32];
	int i, k;

	for (i = 0; i < p->nactivities; i++) {
		const struct kvpt_activity *a = &p->activities[i];

		r->earliest[i] = KVPT_TIME_NONE;
		if (a->kind != KVPT_ACT_SITUATION) {
			r->mark[i] = DONE;
			continue;
		}
		switch (a->release.kind) {
		case KVPT_RELEASE_SCHEDULED:
			r->earliest[i] = a->start;
			r->mark[i] = DONE;
			break;
		case KVPT_RELEASE_MANUAL:
			r->mark[i] = DONE;
			r->earliest[i] = a->start;
			if (a->release.pos.line == 0) {
				r->never[i] = 1;
				CERR(c, a->pos, "never-released", "inject '%s' "
				     "has no time ('at') and no release "
				     "condition; it can never be released "
				     "(write 'release: manual' if a director "
				     "releases it by hand)", a->id);
			}
			break;
		case KVPT_RELEASE_ON_STATE:
			r->mark[i] = DONE;
			r->earliest[i] = a->start;
			if (a->release.body.idx >= 0 && a->release.state.idx >= 0 &&
			    a->release.machine >= 0 &&
			    a->release.state.idx >
				    p->machines[a->release.machine].initial &&
			    !r->state_reached[state_slot(p, a->release.machine,
							 a->release.body.idx,
							 a->release.state.idx)])
				CWARN(c, a->release.pos, "never-released",
				      "inject '%s' waits for %s to reach '%s', "
				      "but no activity of the plan moves it "
				      "there", a->id,
				      p->bodies[a->release.body.idx].name,
				      a->release.state.id);
			break;
		default:
			if (a->release.target.idx < 0)
				r->mark[i] = DONE;	/* dangling: reported */
			break;
		}
	}
	for (i = 0; i < p->nactivities; i++)
		if (r->mark[i] == UNSEEN)
			walk_release(c, r, i);
	for (i = 0; i < p->nactivities; i++) {
		const struct kvpt_activity *a = &p->activities[i];

		if (a->kind != KVPT_ACT_SITUATION || r->earliest[i] == KVPT_TIME_NONE)
			continue;
		for (k = 0; k < a->nexpectations; k++) {
			const struct kvpt_expectation *x =
				&p->expectations[a->first_expectation + k];

			if (x->deadline != KVPT_TIME_NONE &&
			    x->deadline < r->earliest[i])
				CERR(c, x->pos, "deadline-before-release",
				     "expectation '%s' is due at %s, before "
				     "inject '%s' can be released (%s)", x->id,
				     tfmt(x->deadline, b1), a->id,
				     tfmt(r->earliest[i], b2));
		}
	}
}

/* planned state transitions, in time order, against the acts before them */

struct planned {
	kvpt_time at;
	int activity, k;
};

static int cmp_planned(const void *x, const void *y)
{
	const struct planned *a = x, *b = y;

	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	if (a->activity != b->activity)
		return a->activity < b->activity ? -1 : 1;
	return a->k - b->k;
}

static int cmp_issued(const void *x, const void *y)
{
	const struct kvpt_issued *a = x, *b = y;

	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return 0;
}

static void check_transitions(struct checker *c, struct releases *r)
{
	const struct kvpt_plan *p = c->p;
	struct planned *tv = NULL;
	struct kvpt_issued *iv = NULL;
	size_t nt = 0, ct = 0, ni = 0, ci = 0, used = 0, t;
	int *state, i, k;
	int *entered;
	struct kvpt_buf why = KVPT_BUF_INIT;
	char b1[32];

	for (i = 0; i < p->ndocuments; i++) {
		const struct kvpt_document *d = &p->documents[i];

		/* Documents issued before the exercise count from the start. */
		if (d->status != KVPT_DOC_ISSUED || d->owner.idx < 0 || d->type < 0)
			continue;
		XGROW(iv, ci, ni + 1);
		iv[ni].doc_type = d->type;
		iv[ni].body = d->owner.idx;
		iv[ni].at = d->due != KVPT_TIME_NONE ? d->due : INT64_MIN / 2;
		ni++;
	}
	for (i = 0; i < p->nactivities; i++) {
		const struct kvpt_activity *a = &p->activities[i];
		int chair_body = a->chair.idx >= 0 ?
				 p->roles[a->chair.idx].body.idx : -1;

		for (k = 0; a->kind == KVPT_ACT_CONFERENCE && k < a->outputs.n;
		     k++) {
			const struct kvpt_document *d;

			if (a->outputs.v[k].idx < 0)
				continue;
			d = &p->documents[a->outputs.v[k].idx];
			if (d->type < 0 || (chair_body < 0 && d->owner.idx < 0))
				continue;
			XGROW(iv, ci, ni + 1);
			iv[ni].doc_type = d->type;
			iv[ni].body = chair_body >= 0 ? chair_body : d->owner.idx;
			iv[ni].at = a->end;
			ni++;
		}
		for (k = 0; k < a->ntransitions; k++) {
			XGROW(tv, ct, nt + 1);
			tv[nt].at = a->end;
			tv[nt].activity = i;
			tv[nt].k = k;
			nt++;
		}
	}
	if (nt > 1)
		qsort(tv, nt, sizeof(*tv), cmp_planned);
	if (ni > 1)
		qsort(iv, ni, sizeof(*iv), cmp_issued);
	state = xmalloc(sizeof(int) * ((size_t)p->nmachines * (size_t)p->nbodies + 1));
	entered = xmalloc(sizeof(int) *
			  ((size_t)p->nmachines * (size_t)p->nbodies + 1));
	for (i = 0; i < p->nmachines; i++)
		for (k = 0; k < p->nbodies; k++) {
			state[(size_t)i * (size_t)p->nbodies + (size_t)k] =
				p->machines[i].initial;
			entered[(size_t)i * (size_t)p->nbodies + (size_t)k] = 0;
		}
	for (t = 0; t < nt; t++) {
		const struct kvpt_activity *a = &p->activities[tv[t].activity];
		const struct kvpt_transition *tr = &a->transitions[tv[t].k];
		const struct kvpt_machine *m;
		const char *rule_id = "";
		int *cur, body = tr->body.idx;

		if (body < 0 || tr->to.idx < 0 || tr->machine < 0 ||
		    a->end == KVPT_TIME_NONE)
			continue;
		m = &p->machines[tr->machine];
		if (!kvpt_machine_applies(p, tr->machine, body)) {
			CERR(c, tr->pos, "state-not-applicable", "%s (a %s) has "
			     "no %s state; that ladder applies to other kinds "
			     "of body", p->bodies[body].name,
			     kvpt_enum_id(kvpt_body_kinds,
					  (int)p->bodies[body].kind), m->id);
			continue;
		}
		while (used < ni && iv[used].at <= tv[t].at)
			used++;
		cur = &state[(size_t)tr->machine * (size_t)p->nbodies +
			     (size_t)body];
		kvpt_buf_reset(&why);
		if (kvpt_doctrine_check(p, tr->machine, body, *cur, tr->to.idx,
					entered[cur - state], iv, (int)used,
					NULL, &rule_id, &why)) {
			CERR(c, tr->pos, rule_id, "%s cannot move to '%s' at "
			     "%s: %s", p->bodies[body].name,
			     m->states[tr->to.idx].name, tfmt(tv[t].at, b1),
			     why.s);
		}
		/* Carry on from the planned state to avoid cascades. */
		*cur = tr->to.idx;
		entered[cur - state] = (int)used;
		{
			int s;

			for (s = 0; s <= tr->to.idx; s++)
				r->state_reached[state_slot(p, tr->machine,
							    body, s)] = 1;
		}
	}
	kvpt_buf_release(&why);
	free(entered);
	free(state);
	free(tv);
	free(iv);
}

int kvpt_check(const struct kvpt_plan *plan, struct kvpt_diags *diags)
{
	struct checker c = { plan, diags, 0 };
	struct releases r;
	int *roles_in_body;
	int i, n = plan->nactivities;

	if (plan->incomplete)
		return 0;

	check_roles(&c);
	check_windows(&c);
	check_bookings(&c);
	check_conferences(&c);
	check_clearances(&c);

	roles_in_body = xcalloc((size_t)plan->nbodies + 1, sizeof(int));
	for (i = 0; i < plan->nroles; i++) {
		int b = plan->roles[i].body.idx, hops = 0;

		while (b >= 0 && hops++ <= plan->nbodies) {
			roles_in_body[b]++;
			b = plan->bodies[b].parent.idx;
		}
	}
	check_expectations(&c, roles_in_body);
	free(roles_in_body);

	r.mark = xcalloc((size_t)n + 1, 1);
	r.never = xcalloc((size_t)n + 1, 1);
	r.earliest = xcalloc((size_t)n + 1, sizeof(*r.earliest));
	r.state_reached = xcalloc((size_t)plan->nmachines *
				  ((size_t)plan->nbodies + 1) * 16 + 1, 1);
	check_transitions(&c, &r);
	check_releases(&c, &r);
	free(r.mark);
	free(r.never);
	free(r.earliest);
	free(r.state_reached);
	return c.errors;
}
