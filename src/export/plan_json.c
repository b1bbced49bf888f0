/*
 * plan_json: the normalised plan as JSON, built with jansson.  See
 * plan_json.h and docs/export-schema.md; the order of the keys below is the
 * order of the schema, and jansson keeps insertion order when dumping.
 */
#include "plan_json.h"
#include "base/xalloc.h"
#include "model/extime.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct exporter {
	const struct kvpt_plan *p;
	struct kvpt_timebase tb;
	int bad_text;		/* a string was not UTF-8 */
};

/* A string, or null for NULL. */
static json_t *str(struct exporter *e, const char *s)
{
	json_t *v;

	if (!s)
		return json_null();
	v = json_string(s);
	if (!v) {
		e->bad_text = 1;
		return json_null();
	}
	return v;
}

static json_t *num(double d)
{
	return isfinite(d) ? json_real(d) : json_null();
}

static void set(json_t *obj, const char *key, json_t *v)
{
	json_object_set_new_nocheck(obj, key, v);
}

/* {"n": "N 07:30", "ms": 27000000, "iso": "2024-05-20T07:30:00+07:00"},
 * or null for no time. */
static json_t *time_value(struct exporter *e, kvpt_time t)
{
	json_t *o;
	char buf[48];

	if (t == KVPT_TIME_NONE)
		return json_null();
	o = json_object();
	kvpt_time_format(t, buf, sizeof(buf));
	set(o, "n", str(e, buf));
	set(o, "ms", json_integer(t));
	if (e->tb.valid) {
		kvpt_time_format_iso(t, &e->tb, buf, sizeof(buf));
		set(o, "iso", str(e, buf));
	} else {
		set(o, "iso", json_null());
	}
	return o;
}

static json_t *duration(int64_t ms)
{
	return ms < 0 ? json_null() : json_integer(ms);
}

static json_t *enum_id(const struct kvpt_enum_name *t, int v)
{
	return json_string(kvpt_enum_id(t, v));
}

/* The id of the entity a ref names: its own when resolved (ids as written
 * may be aliases), else as written, else null. */
static json_t *ref(struct exporter *e, const struct kvpt_ref *r,
		   const char *resolved_id)
{
	if (r->idx >= 0 && resolved_id)
		return str(e, resolved_id);
	return str(e, r->id);
}

#define REF_OF(e, r, arr) \
	ref((e), (r), (r)->idx >= 0 ? (e)->p->arr[(r)->idx].id : NULL)

static json_t *refs(struct exporter *e, const struct kvpt_refs *rs,
		    const char *(*id_of)(const struct kvpt_plan *, int))
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < rs->n; i++)
		json_array_append_new(a, ref(e, &rs->v[i], rs->v[i].idx >= 0 ?
					     id_of(e->p, rs->v[i].idx) : NULL));
	return a;
}

static const char *role_id(const struct kvpt_plan *p, int i)
{
	return p->roles[i].id;
}

static const char *body_id(const struct kvpt_plan *p, int i)
{
	return p->bodies[i].id;
}

static const char *document_id(const struct kvpt_plan *p, int i)
{
	return p->documents[i].id;
}

static json_t *strings(struct exporter *e, const char *const *v, int n)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, str(e, v[i]));
	return a;
}

static json_t *machine_id(struct exporter *e, int m)
{
	return m >= 0 && m < e->p->nmachines ? str(e, e->p->machines[m].id) :
	       json_null();
}

static json_t *state_id(struct exporter *e, int m, const struct kvpt_ref *s)
{
	if (m >= 0 && m < e->p->nmachines && s->idx >= 0 &&
	    s->idx < e->p->machines[m].nstates)
		return str(e, e->p->machines[m].states[s->idx].id);
	return str(e, s->id);
}

static json_t *exercise(struct exporter *e)
{
	const struct kvpt_exercise *ex = &e->p->ex;
	json_t *o = json_object();

	set(o, "code", str(e, ex->code));
	set(o, "name", str(e, ex->name));
	set(o, "kind", enum_id(kvpt_exercise_kinds, (int)ex->kind));
	set(o, "format", str(e, ex->format));
	set(o, "locality", str(e, ex->locality));
	set(o, "timezone", str(e, ex->timezone));
	set(o, "utc_offset_min", json_integer(ex->tz_offset_min));
	set(o, "day_n", str(e, ex->n_date));
	set(o, "start", time_value(e, ex->start));
	set(o, "end", time_value(e, ex->start + ex->duration));
	set(o, "duration_ms", duration(ex->duration));
	set(o, "method", enum_id(kvpt_methods, (int)ex->method));
	set(o, "classification", enum_id(kvpt_classifications,
					 (int)ex->classification));
	set(o, "standing_agency", REF_OF(e, &ex->standing_agency, bodies));
	set(o, "parent", str(e, ex->parent.id));
	return o;
}

/* Bodies as a forest: children[] lists each body's units in plan order. */
struct body_tree {
	int *first, *next, *last;
};

static json_t *body(struct exporter *e, const struct body_tree *t, int b)
{
	const struct kvpt_body *x = &e->p->bodies[b];
	json_t *o = json_object(), *units = json_array();
	int c;

	set(o, "id", str(e, x->id));
	set(o, "name", str(e, x->name));
	set(o, "kind", enum_id(kvpt_body_kinds, (int)x->kind));
	set(o, "level", str(e, x->level));
	for (c = t->first[b]; c >= 0; c = t->next[c])
		json_array_append_new(units, body(e, t, c));
	set(o, "units", units);
	return o;
}

static json_t *bodies(struct exporter *e)
{
	const struct kvpt_plan *p = e->p;
	size_t n = (size_t)p->nbodies + 1;
	struct body_tree t;
	json_t *a = json_array();
	int i, par;

	t.first = xmalloc(n * sizeof(int));
	t.next = xmalloc(n * sizeof(int));
	t.last = xmalloc(n * sizeof(int));
	for (i = 0; i < p->nbodies; i++)
		t.first[i] = t.next[i] = t.last[i] = -1;
	for (i = 0; i < p->nbodies; i++) {
		par = p->bodies[i].parent.idx;
		if (par < 0 || par >= p->nbodies || par == i)
			continue;
		if (t.last[par] < 0)
			t.first[par] = i;
		else
			t.next[t.last[par]] = i;
		t.last[par] = i;
	}
	for (i = 0; i < p->nbodies; i++) {
		par = p->bodies[i].parent.idx;
		if (par < 0 || par >= p->nbodies || par == i)
			json_array_append_new(a, body(e, &t, i));
	}
	free(t.first);
	free(t.next);
	free(t.last);
	return a;
}

static json_t *people(struct exporter *e)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < e->p->npeople; i++) {
		const struct kvpt_person *x = &e->p->people[i];
		json_t *o = json_object();

		set(o, "id", str(e, x->id));
		set(o, "name", str(e, x->name));
		set(o, "title", str(e, x->title));
		set(o, "clearance", enum_id(kvpt_classifications,
					    (int)x->clearance));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *roles(struct exporter *e)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < e->p->nroles; i++) {
		const struct kvpt_role *x = &e->p->roles[i];
		json_t *o = json_object();

		set(o, "id", str(e, x->id));
		set(o, "name", str(e, x->name));
		set(o, "body", REF_OF(e, &x->body, bodies));
		set(o, "person", REF_OF(e, &x->person, people));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *committees(struct exporter *e)
{
	json_t *a = json_array();
	int i, k;

	for (i = 0; i < e->p->ncommittees; i++) {
		const struct kvpt_committee *x = &e->p->committees[i];
		json_t *o = json_object(), *members = json_array();

		set(o, "id", str(e, x->id));
		set(o, "name", str(e, x->name));
		set(o, "kind", enum_id(kvpt_committee_kinds, (int)x->kind));
		set(o, "head", REF_OF(e, &x->head, people));
		set(o, "parent", REF_OF(e, &x->parent, committees));
		for (k = 0; k < x->nmembers; k++) {
			json_t *m = json_object();

			set(m, "person", REF_OF(e, &x->members[k].person,
						people));
			set(m, "duty", str(e, x->members[k].duty));
			json_array_append_new(members, m);
		}
		set(o, "members", members);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *places(struct exporter *e)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < e->p->nplaces; i++) {
		const struct kvpt_place *x = &e->p->places[i];
		json_t *o = json_object();

		set(o, "id", str(e, x->id));
		set(o, "name", str(e, x->name));
		set(o, "kind", enum_id(kvpt_place_kinds, (int)x->kind));
		set(o, "lat", x->has_coords ? num(x->lat) : json_null());
		set(o, "lon", x->has_coords ? num(x->lon) : json_null());
		set(o, "body", REF_OF(e, &x->body, bodies));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *resources(struct exporter *e)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < e->p->nresources; i++) {
		const struct kvpt_resource *x = &e->p->resources[i];
		json_t *o = json_object();

		set(o, "id", str(e, x->id));
		set(o, "name", str(e, x->name));
		set(o, "kind", enum_id(kvpt_resource_kinds, (int)x->kind));
		set(o, "quantity", json_integer(x->quantity));
		set(o, "unit", str(e, x->unit));
		set(o, "capacity", json_integer(x->capacity));
		set(o, "capacity_per_ms", x->capacity ?
		    json_integer(x->capacity_per) : json_null());
		set(o, "owner", REF_OF(e, &x->owner, bodies));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *documents(struct exporter *e)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < e->p->ndocuments; i++) {
		const struct kvpt_document *x = &e->p->documents[i];
		json_t *o = json_object();

		set(o, "id", str(e, x->id));
		set(o, "title", str(e, x->title));
		set(o, "type", x->type >= 0 ? enum_id(kvpt_doc_types, x->type) :
		    json_null());
		set(o, "owner", REF_OF(e, &x->owner, bodies));
		set(o, "due", time_value(e, x->due));
		set(o, "status", enum_id(kvpt_doc_statuses, (int)x->status));
		set(o, "classification", enum_id(kvpt_classifications,
						 (int)x->classification));
		set(o, "to", refs(e, &x->to, role_id));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *rule(struct exporter *e, const struct kvpt_rule *r)
{
	json_t *o = json_object(), *acts = json_array();
	int k;

	set(o, "from", r->from.idx >= 0 || r->from.id ?
	    state_id(e, r->machine, &r->from) : json_null());
	set(o, "to", state_id(e, r->machine, &r->to));
	set(o, "allow_skip", json_boolean(r->allow_skip));
	set(o, "allow_back", json_boolean(r->allow_back));
	set(o, "default", json_boolean(r->pos.line == 0));
	for (k = 0; k < r->nacts; k++) {
		const struct kvpt_act *x = &r->acts[k];
		json_t *act = json_object();

		set(act, "id", str(e, x->id));
		set(act, "type", enum_id(kvpt_doc_types, x->doc_type));
		set(act, "by", enum_id(kvpt_body_kinds, (int)x->by));
		set(act, "after", x->after.idx >= 0 && x->after.idx < r->nacts ?
		    str(e, r->acts[x->after.idx].id) : str(e, x->after.id));
		json_array_append_new(acts, act);
	}
	set(o, "acts", acts);
	return o;
}

static json_t *machines(struct exporter *e)
{
	const struct kvpt_plan *p = e->p;
	json_t *a = json_array();
	int i, k;

	for (i = 0; i < p->nmachines; i++) {
		const struct kvpt_machine *m = &p->machines[i];
		json_t *o = json_object(), *states = json_array(),
		       *applies = json_array(), *rules = json_array();

		set(o, "id", str(e, m->id));
		set(o, "name", str(e, m->name));
		for (k = 0; k < m->nstates; k++) {
			json_t *s = json_object();

			set(s, "id", str(e, m->states[k].id));
			set(s, "name", str(e, m->states[k].name));
			json_array_append_new(states, s);
		}
		set(o, "states", states);
		set(o, "initial", m->initial >= 0 && m->initial < m->nstates ?
		    str(e, m->states[m->initial].id) : json_null());
		for (k = 0; k < KVPT_BODY_KIND_COUNT; k++)
			if (m->applies_to & (1u << k))
				json_array_append_new(applies,
					enum_id(kvpt_body_kinds, k));
		set(o, "applies_to", applies);
		for (k = 0; k < p->nrules; k++)
			if (p->rules[k].machine == i)
				json_array_append_new(rules,
						      rule(e, &p->rules[k]));
		set(o, "rules", rules);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *release(struct exporter *e, const struct kvpt_release *r)
{
	static const char *const kinds[] = {
		"scheduled", "manual", "on-met", "on-missed", "on-state",
		"on-released" };
	json_t *o = json_object();

	set(o, "kind", json_string(kinds[r->kind]));
	switch (r->kind) {
	case KVPT_RELEASE_ON_MET:
	case KVPT_RELEASE_ON_MISSED:
		set(o, "expectation", REF_OF(e, &r->target, expectations));
		break;
	case KVPT_RELEASE_ON_RELEASED:
		set(o, "inject", REF_OF(e, &r->target, activities));
		break;
	case KVPT_RELEASE_ON_STATE:
		set(o, "machine", machine_id(e, r->machine));
		set(o, "body", REF_OF(e, &r->body, bodies));
		set(o, "state", state_id(e, r->machine, &r->state));
		break;
	default:
		return o;
	}
	set(o, "delay_ms", json_integer(r->delay));
	return o;
}

static json_t *expectation(struct exporter *e, const struct kvpt_activity *a,
			   const struct kvpt_expectation *x)
{
	json_t *o = json_object();
	int scheduled = a->start != KVPT_TIME_NONE &&
			a->release.kind == KVPT_RELEASE_SCHEDULED;

	set(o, "id", str(e, x->id));
	set(o, "kind", enum_id(kvpt_expect_kinds, (int)x->kind));
	set(o, "by", x->by_body ? REF_OF(e, &x->by, bodies) :
	    REF_OF(e, &x->by, roles));
	set(o, "by_kind", json_string(x->by_body ? "body" : "role"));
	switch (x->kind) {
	case KVPT_EXPECT_DOCUMENT:
		set(o, "document_type", x->doc_type >= 0 ?
		    enum_id(kvpt_doc_types, x->doc_type) : json_null());
		break;
	case KVPT_EXPECT_CONFERENCE:
		set(o, "conference", REF_OF(e, &x->conference, activities));
		break;
	case KVPT_EXPECT_STATE:
		set(o, "machine", machine_id(e, x->machine));
		set(o, "body", REF_OF(e, &x->state_body, bodies));
		set(o, "state", state_id(e, x->machine, &x->state));
		break;
	default:
		break;
	}
	set(o, "within_ms", duration(x->within));
	set(o, "deadline", time_value(e, x->deadline));
	set(o, "due", time_value(e, kvpt_expectation_deadline(x, scheduled ?
				 a->start : KVPT_TIME_NONE)));
	return o;
}

static json_t *activity(struct exporter *e, const struct kvpt_activity *a)
{
	const struct kvpt_plan *p = e->p;
	json_t *o = json_object();
	int k, conference, situation, field;

	conference = a->kind == KVPT_ACT_CONFERENCE || a->chair.id ||
		     a->attendees.n || a->nagenda || a->outputs.n;
	situation = a->kind == KVPT_ACT_SITUATION || a->from.id || a->to.n ||
		    a->text || a->nattachments;
	field = a->kind == KVPT_ACT_LIVE || a->kind == KVPT_ACT_MOBILISATION ||
		a->kind == KVPT_ACT_MOVEMENT || a->forces.n || a->nresources ||
		a->move_from.id || a->move_to.id;

	set(o, "id", str(e, a->id));
	set(o, "kind", enum_id(kvpt_activity_kinds, (int)a->kind));
	set(o, "title", str(e, a->title));
	set(o, "start", time_value(e, a->start));
	set(o, "end", time_value(e, a->end));
	set(o, "duration_ms", a->start != KVPT_TIME_NONE &&
	    a->end != KVPT_TIME_NONE ? json_integer(a->end - a->start) :
	    json_null());
	set(o, "track", str(e, a->track));
	set(o, "place", REF_OF(e, &a->place, places));
	if (conference) {
		set(o, "chair", REF_OF(e, &a->chair, roles));
		set(o, "attendees", refs(e, &a->attendees, role_id));
		set(o, "agenda", strings(e, a->agenda, a->nagenda));
		set(o, "outputs", refs(e, &a->outputs, document_id));
	}
	if (situation) {
		json_t *xs = json_array();

		/* The sender is a role or, failing that, a committee. */
		set(o, "from", a->from.idx >= 0 ? REF_OF(e, &a->from, roles) :
		    str(e, a->from.id));
		set(o, "to", refs(e, &a->to, role_id));
		set(o, "text", str(e, a->text));
		set(o, "attachments", strings(e, a->attachments,
					      a->nattachments));
		set(o, "classification", enum_id(kvpt_classifications,
						 (int)a->classification));
		set(o, "release", release(e, &a->release));
		for (k = 0; k < a->nexpectations; k++)
			json_array_append_new(xs, expectation(e, a,
				&p->expectations[a->first_expectation + k]));
		set(o, "expectations", xs);
	}
	if (field) {
		json_t *rs = json_array();

		set(o, "forces", refs(e, &a->forces, body_id));
		for (k = 0; k < a->nresources; k++) {
			json_t *q = json_object();

			set(q, "resource", REF_OF(e, &a->resources[k].resource,
						  resources));
			set(q, "amount", json_integer(a->resources[k].amount));
			json_array_append_new(rs, q);
		}
		set(o, "resources", rs);
		set(o, "origin", REF_OF(e, &a->move_from, places));
		set(o, "destination", REF_OF(e, &a->move_to, places));
	}
	{
		json_t *ts = json_array();

		for (k = 0; k < a->ntransitions; k++) {
			const struct kvpt_transition *t = &a->transitions[k];
			json_t *to = json_object();

			set(to, "machine", machine_id(e, t->machine));
			set(to, "body", REF_OF(e, &t->body, bodies));
			set(to, "to", state_id(e, t->machine, &t->to));
			json_array_append_new(ts, to);
		}
		set(o, "transitions", ts);
	}
	return o;
}

/* The id, title and window shared by phases, problems and contents. */
static json_t *level(struct exporter *e, const char *id, const char *title,
		     kvpt_time start, kvpt_time end)
{
	json_t *o = json_object();

	set(o, "id", str(e, id));
	set(o, "title", str(e, title));
	set(o, "start", time_value(e, start));
	set(o, "end", time_value(e, end));
	return o;
}

static json_t *phases(struct exporter *e)
{
	const struct kvpt_plan *p = e->p;
	json_t *a = json_array();
	int i, j, k, m;

	for (i = 0; i < p->nphases; i++) {
		const struct kvpt_phase *ph = &p->phases[i];
		json_t *o = level(e, ph->id, ph->title, ph->start, ph->end),
		       *probs = json_array();

		for (j = ph->first_problem; j < ph->first_problem + ph->nproblems;
		     j++) {
			const struct kvpt_problem *pr = &p->problems[j];
			json_t *po = level(e, pr->id, pr->title, pr->start,
					   pr->end), *conts = json_array();

			for (k = pr->first_content;
			     k < pr->first_content + pr->ncontents; k++) {
				const struct kvpt_content *c = &p->contents[k];
				json_t *co = level(e, c->id, c->title, c->start,
						   c->end), *acts = json_array();

				for (m = c->first_activity;
				     m < c->first_activity + c->nactivities; m++)
					json_array_append_new(acts, activity(e,
						&p->activities[m]));
				set(co, "activities", acts);
				json_array_append_new(conts, co);
			}
			set(po, "contents", conts);
			json_array_append_new(probs, po);
		}
		set(o, "problems", probs);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *evaluation(struct exporter *e)
{
	const struct kvpt_plan *p = e->p;
	json_t *o = json_object(), *crit = json_array();
	int i;

	set(o, "scale", strings(e, p->scale, p->nscale));
	for (i = 0; i < p->ncriteria; i++) {
		const struct kvpt_criterion *c = &p->criteria[i];
		json_t *co = json_object();

		set(co, "id", str(e, c->id));
		set(co, "name", str(e, c->name));
		set(co, "description", str(e, c->description));
		set(co, "weight", num(c->weight));
		json_array_append_new(crit, co);
	}
	set(o, "criteria", crit);
	return o;
}

static json_t *simulation(struct exporter *e)
{
	const struct kvpt_sim_config *s = &e->p->sim;
	json_t *o = json_object(), *resp = json_object();
	int k;

	set(o, "p_wrong", num(s->p_wrong));
	set(o, "p_silent", num(s->p_silent));
	for (k = 0; k < KVPT_EXPECT_KIND_COUNT; k++) {
		json_t *m = json_object();

		set(m, "median_ms", json_integer(s->response[k].median));
		set(m, "p90_ms", json_integer(s->response[k].p90));
		json_object_set_new(resp, kvpt_enum_id(kvpt_expect_kinds, k), m);
	}
	set(o, "response", resp);
	return o;
}

static int dump_to_buf(const char *data, size_t size, void *ctx)
{
	kvpt_buf_add(ctx, data, size);
	return 0;
}

int kvpt_plan_export_json(const struct kvpt_plan *plan, unsigned flags,
			  struct kvpt_buf *out)
{
	struct exporter e;
	json_t *doc;
	size_t dflags = JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15);
	int err = 0;

	e.p = plan;
	e.tb = kvpt_plan_timebase(plan);
	e.bad_text = 0;
	doc = json_object();
	set(doc, "schema", json_string("kvpt-plan"));
	set(doc, "schema_version", json_integer(KVPT_EXPORT_SCHEMA_VERSION));
	set(doc, "exercise", exercise(&e));
	set(doc, "bodies", bodies(&e));
	set(doc, "people", people(&e));
	set(doc, "roles", roles(&e));
	set(doc, "committees", committees(&e));
	set(doc, "places", places(&e));
	set(doc, "resources", resources(&e));
	set(doc, "documents", documents(&e));
	set(doc, "machines", machines(&e));
	set(doc, "phases", phases(&e));
	set(doc, "evaluation", evaluation(&e));
	set(doc, "simulation", simulation(&e));
	if (e.bad_text) {
		err = KVPT_EINVAL;
		goto out_free_doc;
	}
	dflags |= flags & KVPT_JSON_COMPACT ? JSON_COMPACT : JSON_INDENT(2);
	json_dump_callback(doc, dump_to_buf, out, dflags);
	kvpt_buf_addc(out, '\n');
out_free_doc:
	json_decref(doc);
	return err;
}
