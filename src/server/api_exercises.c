/*
 * api_exercises: the list of exercises, creating one from an uploaded
 * plan (checked first; nothing is created when it has errors), reading an
 * exercise, exporting its plan and event log, and assignments
 * (docs/api.md).
 */
#include "server/server_int.h"

#include "base/xalloc.h"
#include "check/check.h"
#include "export/plan_json.h"
#include "model/extime.h"
#include "plan/plan.h"

#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *exercise_status(const struct exercise *x)
{
	const struct kvpt_clock *c = kvpt_engine_clock(x->eng);

	if (kvpt_engine_ended(x->eng))
		return "ended";
	if (!kvpt_engine_started(x->eng))
		return "ready";
	return c->running ? "running" : "paused";
}

json_t *clock_json(const struct exercise *x)
{
	const struct kvpt_clock *c = kvpt_engine_clock(x->eng);
	int64_t now = srv_now_ms();
	kvpt_time t = kvpt_engine_started(x->eng) ?
		(kvpt_engine_ended(x->eng) ? kvpt_engine_now(x->eng)
					   : kvpt_clock_now(c, now))
		: x->plan->ex.start;
	char text[64];

	kvpt_time_format(t, text, sizeof(text));
	return json_pack("{s:b,s:b,s:b,s:I,s:s,s:f,s:I}", "started",
			 kvpt_engine_started(x->eng), "running",
			 c->running && !kvpt_engine_ended(x->eng), "ended",
			 kvpt_engine_ended(x->eng), "t", (json_int_t)t,
			 "t_text", text, "speed", (double)c->speed / 1000.0,
			 "at_ms", (json_int_t)now);
}

json_t *assignment_json(const struct exercise *x, const struct assignment *a)
{
	json_t *roles = json_loads(a->roles_json ? a->roles_json : "[]", 0,
				   NULL);

	return json_pack("{s:I,s:s,s:s,s:o}", "exercise", (json_int_t)x->id,
			 "code", x->code, "kind", assign_names[a->kind],
			 "roles", roles ? roles : json_array());
}

void diags_json_add(json_t *arr, const struct kvpt_diags *d,
		    const char **files, int nfiles, int only_errors)
{
	struct kvpt_buf b = KVPT_BUF_INIT;
	json_t *root, *list, *it;
	size_t i;

	kvpt_diags_format_json(d, files, nfiles, &b);
	root = json_loads(b.s, 0, NULL);
	list = json_object_get(root, "diagnostics");
	json_array_foreach(list, i, it) {
		const char *sev = json_string_value(json_object_get(it,
								    "severity"));

		if (only_errors >= 0 && sev &&
		    (!strcmp(sev, "error")) != !!only_errors)
			continue;
		json_array_append(arr, it);
	}
	json_decref(root);
	kvpt_buf_release(&b);
}

/* the list */

void api_exercises_list(struct req *r)
{
	json_t *out = json_array();
	int i;

	for (i = 0; i < r->srv->nex; i++) {
		struct exercise *x = r->srv->ex[i];
		struct assignment *a = srv_assignment(x, r->user->id);

		if (!a && !r->user->admin)
			continue;
		json_array_append_new(out, json_pack(
			"{s:I,s:s,s:s,s:s,s:s,s:o}", "id", (json_int_t)x->id,
			"code", x->code, "name", x->name, "kind",
			kvpt_enum_id(kvpt_exercise_kinds, x->plan->ex.kind),
			"status", exercise_status(x), "assignment",
			a ? assignment_json(x, a) : json_null()));
	}
	reply_json(r, 200, out);
}

/* creating */

void api_exercises_create(struct req *r)
{
	const char *ctype = req_header(r, "Content-Type");
	const char *name = req_query(r, "name");
	struct kvpt_diags d;
	struct kvpt_plan *plan = NULL;
	struct kvpt_load_opts lo;
	struct kvpt_exercise_rec rec;
	struct kvpt_buf err = KVPT_BUF_INIT;
	struct exercise *x;
	json_t *bundle, *files, *diags;
	const char *text;
	size_t len;
	int rc;

	text = req_body(r, &len);
	if (len > SRV_MAX_PLAN) {
		reply_error(r, 413, "too_large", "a plan upload is at most "
			    "%zu MiB", SRV_MAX_PLAN >> 20);
		return;
	}
	if (!ctype || (strncasecmp(ctype, "application/yaml", 16) &&
		       strncasecmp(ctype, "application/x-yaml", 18) &&
		       strncasecmp(ctype, "text/yaml", 9))) {
		reply_error(r, 415, "unsupported_media_type", "send the plan "
			    "as YAML (Content-Type: application/yaml)");
		return;
	}
	if (!name || !*name)
		name = "plan.yaml";
	if (strlen(name) > 128 || strchr(name, '/') || name[0] == '.') {
		reply_error(r, 400, "bad_request", "name must be a plain file "
			    "name");
		return;
	}
	kvpt_diags_init(&d);
	memset(&lo, 0, sizeof(lo));
	lo.max_file_size = SRV_MAX_PLAN;
	rc = kvpt_plan_load_string(name, len ? text : "", len, NULL, &lo,
				   &plan, &d);
	if (plan && !rc)
		kvpt_check(plan, &d);
	kvpt_diags_sort(&d);
	if (!plan || d.nerrors) {
		const char *one[] = { name };
		json_t *e;

		diags = json_array();
		diags_json_add(diags, &d, plan ? plan->files : one,
			       plan ? plan->nfiles : 1, -1);
		e = json_pack("{s:{s:s,s:s},s:o}", "error", "code",
			      "plan_invalid", "message", "the plan has errors; "
			      "nothing was created", "diagnostics", diags);
		reply_json(r, 422, e);
		goto out;
	}
	if (srv_exercise_by_code(r->srv, plan->ex.code)) {
		reply_error(r, 409, "conflict", "an exercise with code '%s' "
			    "exists", plan->ex.code);
		goto out;
	}
	if (req_write(r))
		goto out;
	bundle = json_object();
	files = json_object();
	json_object_set_new(files, name, json_stringn(text, len));
	json_object_set_new(bundle, "main", json_string(name));
	json_object_set_new(bundle, "files", files);
	memset(&rec, 0, sizeof(rec));
	rec.code = plan->ex.code;
	rec.name = plan->ex.name;
	rec.bundle = json_dumps(bundle, JSON_COMPACT);
	rec.created_by = r->user->id;
	rec.created_ms = srv_now_ms();
	json_decref(bundle);
	rc = srv_exercise_add(r->srv, &rec, &x, &err);
	free((void *)rec.bundle);
	if (rc) {
		srv_log(r->srv, "exercise create: %s", err.s);
		r->srv->batch_failed = 1;
		reply_error(r, 503, "unavailable", "the exercise could not be "
			    "stored; nothing was created");
		goto out;
	}
	r->x = x;
	diags = json_array();
	diags_json_add(diags, &d, plan->files, plan->nfiles, 0);
	req_audit(r, "exercise.create", json_pack("{s:s,s:s}", "code",
						  x->code, "file", name));
	reply_json(r, 201, json_pack("{s:I,s:s,s:o}", "id", (json_int_t)x->id,
				     "code", x->code, "warnings", diags));
out:
	kvpt_buf_release(&err);
	kvpt_diags_release(&d);
	if (plan)
		kvpt_plan_free(plan);
}

/* reading */

static json_t *ref_id(const struct kvpt_ref *ref)
{
	return ref->idx >= 0 && ref->id ? json_string(ref->id) : json_null();
}

void api_exercise_get(struct req *r)
{
	struct exercise *x = r->x;
	const struct kvpt_plan *p = x->plan;
	json_t *roles = json_array(), *bodies = json_array();
	json_t *machines = json_array(), *phases = json_array(), *o;
	json_t *places = json_array(), *criteria = json_array();
	json_t *scale = json_array();
	int i, k, c;

	for (i = 0; i < p->nroles; i++) {
		const struct kvpt_person *pe = p->roles[i].person.idx >= 0 ?
			&p->people[p->roles[i].person.idx] : NULL;

		json_array_append_new(roles, json_pack(
			"{s:s,s:s,s:o,s:s?,s:s?}", "id", p->roles[i].id,
			"name", p->roles[i].name ? p->roles[i].name
						 : p->roles[i].id,
			"body", ref_id(&p->roles[i].body),
			"person", pe ? pe->name : NULL,
			"title", pe ? pe->title : NULL));
	}
	for (i = 0; i < p->nplaces; i++) {
		const struct kvpt_place *pl = &p->places[i];

		json_array_append_new(places, json_pack(
			"{s:s,s:s,s:s,s:o,s:o,s:o}", "id", pl->id, "name",
			pl->name ? pl->name : pl->id, "kind",
			kvpt_enum_id(kvpt_place_kinds, pl->kind),
			"lat", pl->has_coords ? json_real(pl->lat) : json_null(),
			"lon", pl->has_coords ? json_real(pl->lon) : json_null(),
			"body", ref_id(&pl->body)));
	}
	for (i = 0; i < p->ncriteria; i++)
		json_array_append_new(criteria, json_pack(
			"{s:s,s:s,s:s?,s:f}", "id", p->criteria[i].id, "name",
			p->criteria[i].name ? p->criteria[i].name
					    : p->criteria[i].id,
			"description", p->criteria[i].description, "weight",
			p->criteria[i].weight));
	for (i = 0; i < p->nscale; i++)
		json_array_append_new(scale, json_string(p->scale[i]));
	for (i = 0; i < p->nbodies; i++)
		json_array_append_new(bodies, json_pack(
			"{s:s,s:s,s:s,s:o}", "id", p->bodies[i].id, "name",
			p->bodies[i].name ? p->bodies[i].name : p->bodies[i].id,
			"kind", kvpt_enum_id(kvpt_body_kinds,
					     p->bodies[i].kind),
			"parent", ref_id(&p->bodies[i].parent)));
	for (i = 0; i < p->nmachines; i++) {
		json_t *states = json_array();

		for (k = 0; k < p->machines[i].nstates; k++)
			json_array_append_new(states, json_pack(
				"{s:s,s:s}", "id", p->machines[i].states[k].id,
				"name", p->machines[i].states[k].name));
		json_array_append_new(machines, json_pack(
			"{s:s,s:s,s:o}", "id", p->machines[i].id, "name",
			p->machines[i].name, "states", states));
	}
	for (i = 0; i < p->nphases; i++) {
		const struct kvpt_phase *ph = &p->phases[i];
		json_t *probs = json_array();

		for (k = 0; k < ph->nproblems; k++) {
			const struct kvpt_problem *pr =
				&p->problems[ph->first_problem + k];
			json_t *conts = json_array();

			for (c = 0; c < pr->ncontents; c++) {
				const struct kvpt_content *ct =
					&p->contents[pr->first_content + c];

				json_array_append_new(conts, json_pack(
					"{s:s,s:s}", "id", ct->id, "title",
					ct->title ? ct->title : ct->id));
			}
			json_array_append_new(probs, json_pack(
				"{s:s,s:s,s:o}", "id", pr->id, "title",
				pr->title ? pr->title : pr->id, "contents",
				conts));
		}
		json_array_append_new(phases, json_pack(
			"{s:s,s:s,s:I,s:I,s:o}", "id", ph->id, "title",
			ph->title ? ph->title : ph->id, "start",
			(json_int_t)ph->start, "end", (json_int_t)ph->end,
			"problems", probs));
	}
	o = json_pack("{s:I,s:s,s:s,s:s,s:s?,s:s?,s:s,s:s,s:o,s:o,s:o,s:o,"
		      "s:o,s:o,s:I}",
		      "id", (json_int_t)x->id, "code", x->code, "name",
		      x->name, "kind",
		      kvpt_enum_id(kvpt_exercise_kinds, p->ex.kind),
		      "format", p->ex.format, "locality", p->ex.locality,
		      "classification",
		      clearance_id(p->ex.classification),
		      "status", exercise_status(x), "clock", clock_json(x),
		      "assignment", r->as ? assignment_json(x, r->as)
					  : json_null(),
		      "roles", roles, "bodies", bodies, "machines", machines,
		      "phases", phases, "last_event",
		      (json_int_t)x->ncommitted);
	json_object_set_new(o, "places", places);
	json_object_set_new(o, "criteria", criteria);
	json_object_set_new(o, "scale", scale);
	json_object_set_new(o, "start", json_integer(p->ex.start));
	json_object_set_new(o, "duration", json_integer(p->ex.duration));
	json_object_set_new(o, "n_date", p->ex.n_date ?
			    json_string(p->ex.n_date) : json_null());
	json_object_set_new(o, "tz_offset_min",
			    json_integer(p->ex.tz_offset_min));
	prep_exercise_json(x, o);
	reply_json(r, 200, o);
}

/* The highest classification mark of anything in the plan. */
static int plan_mark(const struct kvpt_plan *p)
{
	int m = p->ex.classification, i;

	for (i = 0; i < p->nactivities; i++)
		if ((int)p->activities[i].classification > m)
			m = p->activities[i].classification;
	for (i = 0; i < p->ndocuments; i++)
		if ((int)p->documents[i].classification > m)
			m = p->documents[i].classification;
	return m;
}

/* The whole plan and log go only to staff cleared for all they hold. */
static int may_read_plan(struct req *r)
{
	int mark;

	if (!is_staff(r->as)) {
		reply_error(r, 403, "forbidden", "only the directing staff "
			    "and evaluators may export the plan and log");
		return 0;
	}
	mark = plan_mark(r->x->plan);
	if (r->user->clearance < mark) {
		reply_error(r, 403, "forbidden", "the plan holds items marked "
			    "%s; your clearance is lower",
			    kvpt_enum_vi(kvpt_classifications, mark));
		return 0;
	}
	return 1;
}

void api_exercise_plan(struct req *r)
{
	struct kvpt_buf b = KVPT_BUF_INIT;

	if (!may_read_plan(r))
		return;
	if (kvpt_plan_export_json(r->x->plan, 0, &b)) {
		reply_error(r, 500, "internal", "the plan cannot be exported");
	} else {
		reply_raw(r, 200, "application/json; charset=utf-8", b.s,
			  b.len);
	}
	kvpt_buf_release(&b);
}

void api_exercise_log(struct req *r)
{
	struct kvpt_buf b = KVPT_BUF_INIT;
	size_t i;

	if (!may_read_plan(r))
		return;
	for (i = 0; i < r->x->ncommitted; i++) {
		const struct feed_entry *f = &r->x->feed[i];

		if (!f->engine)
			continue;
		kvpt_buf_add(&b, f->sse + f->line_off, f->line_len);
		kvpt_buf_addc(&b, '\n');
	}
	reply_raw(r, 200, "application/x-ndjson; charset=utf-8",
		  b.len ? b.s : "", b.len);
	kvpt_buf_release(&b);
}

/* assignments */

static int may_assign(struct req *r)
{
	if (r->user->admin || (r->as && r->as->kind == AS_DIRECTOR))
		return 1;
	reply_error(r, 403, "forbidden", "only administrators and directors "
		    "manage assignments");
	return 0;
}

void api_assignments_list(struct req *r)
{
	json_t *out = json_array();
	int i;

	if (!may_assign(r)) {
		json_decref(out);
		return;
	}
	for (i = 0; i < r->x->nas; i++) {
		const struct assignment *a = &r->x->as[i];
		const struct user *u = srv_user(r->srv, a->user);
		json_t *roles = json_loads(a->roles_json, 0, NULL);

		if (!u) {
			json_decref(roles);
			continue;
		}
		json_array_append_new(out, json_pack(
			"{s:I,s:s,s:s,s:s,s:o}", "user", (json_int_t)u->id,
			"name", u->name, "display", u->display, "kind",
			assign_names[a->kind], "roles",
			roles ? roles : json_array()));
	}
	reply_json(r, 200, out);
}

static struct user *target_user(struct req *r)
{
	char *end;
	long long id = strtoll(r->seg[3], &end, 10);
	struct user *u = *end || id <= 0 ? NULL : srv_user(r->srv, id);

	if (!u)
		reply_error(r, 404, "not_found", "no such user");
	return u;
}

void api_assignment_put(struct req *r)
{
	static const struct field fields[] = {
		{ "kind", F_STR, 1, 16 },
		{ "roles", F_STRS, 0, 256 },
		{ NULL, 0, 0, 0 },
	};
	struct user *u;
	struct assignment *old;
	struct kvpt_assignment_rec rec;
	struct kvpt_buf err = KVPT_BUF_INIT;
	json_t *body, *roles;
	const char *kind_s;
	char *roles_json = NULL;
	int kind;

	if (!may_assign(r) || !(u = target_user(r)))
		return;
	body = req_json(r, fields);
	if (!body)
		return;
	kind_s = json_string_value(json_object_get(body, "kind"));
	for (kind = AS_DIRECTOR; kind < AS_COUNT; kind++)
		if (!strcmp(assign_names[kind], kind_s))
			break;
	roles = json_object_get(body, "roles");
	if (kind == AS_COUNT) {
		reply_error(r, 400, "bad_request", "kind must be director, "
			    "controller, player, evaluator or observer");
		goto out;
	}
	if ((kind == AS_PLAYER) != (roles != NULL)) {
		reply_error(r, 400, "bad_request", "roles are given for, and "
			    "only for, players");
		goto out;
	}
	old = srv_assignment(r->x, u->id);
	if (!r->user->admin && (kind == AS_DIRECTOR ||
				(old && old->kind == AS_DIRECTOR))) {
		reply_error(r, 403, "forbidden", "only administrators assign "
			    "directors");
		goto out;
	}
	roles_json = roles ? json_dumps(roles, JSON_COMPACT) : xstrdup("[]");
	if (kind == AS_PLAYER) {
		/* validate before any write */
		size_t i;

		if (!json_array_size(roles)) {
			reply_error(r, 400, "bad_request", "a player needs at "
				    "least one role");
			goto out;
		}
		for (i = 0; i < json_array_size(roles); i++) {
			const char *id = json_string_value(
				json_array_get(roles, i));

			if (kvpt_strmap_get(&r->x->plan->role_ids, id) < 0) {
				reply_error(r, 400, "bad_request", "unknown "
					    "role '%.64s'", id);
				goto out;
			}
		}
	}
	if (req_write(r))
		goto out;
	memset(&rec, 0, sizeof(rec));
	rec.exercise = r->x->id;
	rec.user = u->id;
	rec.kind = assign_names[kind];
	rec.roles = roles_json;
	if (r->srv->store->ops->assignment_put(r->srv->store, &rec, &err)) {
		srv_log(r->srv, "store: %s", err.s);
		r->srv->batch_failed = 1;
	}
	kvpt_buf_reset(&err);
	srv_assignment_set(r->x, u->id, kind, roles_json, &err);
	req_audit(r, "assignment.put", json_pack("{s:s,s:s,s:O?}", "user_of",
						 u->name, "kind",
						 assign_names[kind], "roles",
						 roles));
	reply_json(r, 200, assignment_json(r->x, srv_assignment(r->x, u->id)));
out:
	free(roles_json);
	kvpt_buf_release(&err);
	json_decref(body);
}

void api_assignment_delete(struct req *r)
{
	struct user *u;
	struct assignment *old;
	struct kvpt_buf err = KVPT_BUF_INIT;

	if (!may_assign(r) || !(u = target_user(r)))
		return;
	old = srv_assignment(r->x, u->id);
	if (!old) {
		reply_error(r, 404, "not_found", "no such assignment");
		return;
	}
	if (!r->user->admin && old->kind == AS_DIRECTOR) {
		reply_error(r, 403, "forbidden", "only administrators remove "
			    "directors");
		return;
	}
	if (req_write(r))
		return;
	if (r->srv->store->ops->assignment_delete(r->srv->store, r->x->id,
						  u->id, &err)) {
		srv_log(r->srv, "store: %s", err.s);
		r->srv->batch_failed = 1;
	}
	kvpt_buf_release(&err);
	srv_assignment_remove(r->x, u->id);
	if (r->user->id == u->id)
		r->as = NULL;
	req_audit(r, "assignment.delete", json_pack("{s:s}", "user_of",
						    u->name));
	reply_raw(r, 204, "application/json; charset=utf-8", "", 0);
}
