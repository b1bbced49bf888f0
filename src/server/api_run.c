/*
 * api_run: running an exercise — the directors' control of the clock and
 * the injects, the players' actions and attachments, the evaluators'
 * observations, and what each may read of the state, the injects, the
 * expectations and the feed (docs/api.md).
 */
#include "server/server_int.h"

#include "base/utf8.h"
#include "base/xalloc.h"
#include "model/extime.h"

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *time_json(kvpt_time t)
{
	return t == KVPT_TIME_NONE ? json_null() : json_integer(t);
}

/* Bring the engine up to now (what fell due since the timer last ran). */
static void catch_up(struct exercise *x)
{
	if (kvpt_engine_started(x->eng) && !kvpt_engine_ended(x->eng))
		kvpt_engine_advance(x->eng, srv_now_ms());
}

/* Resolve a plan id in map; answers 400 and returns -1 when unknown. */
static int plan_ref(struct req *r, const struct kvpt_strmap *map,
		    json_t *body, const char *field, const char *what)
{
	const char *id = json_string_value(json_object_get(body, field));
	int k;

	if (!id)
		return -1;
	k = kvpt_strmap_get(map, id);
	if (k < 0)
		reply_error(r, 400, "bad_request", "unknown %s '%.64s' in "
			    "this exercise", what, id);
	return k;
}

static int engine_error(struct req *r, int rc, const char *what)
{
	switch (rc) {
	case 0:
		return 0;
	case KVPT_ESTATE:
		reply_error(r, 409, "state", "%s does not fit the exercise's "
			    "state (%s)", what, exercise_status(r->x));
		break;
	case KVPT_ETOOBIG:
		reply_error(r, 413, "too_large", "the text is too long");
		break;
	default:
		reply_error(r, 400, "bad_request", "%s: invalid value", what);
		break;
	}
	return -1;
}

/* control */

void api_control(struct req *r)
{
	static const struct field fields[] = {
		{ "at", F_STR, 0, 32 },
		{ "speed", F_NUM, 0, 0 },
		{ "to", F_STR, 0, 32 },
		{ "inject", F_STR, 0, 128 },
		{ NULL, 0, 0, 0 },
	};
	static const char *const ops[] = {
		"start", "pause", "resume", "speed", "jump", "release",
		"hold", "cancel", "end", NULL,
	};
	static const char *const audit_names[] = {
		"control.start", "control.pause", "control.resume",
		"control.speed", "control.jump", "control.release",
		"control.hold", "control.cancel", "control.end",
	};
	struct exercise *x = r->x;
	struct kvpt_engine *e = x->eng;
	struct kvpt_timebase tb = kvpt_plan_timebase(x->plan);
	const char *op = r->seg[3], *why = "", *ts;
	json_t *body, *detail;
	kvpt_time t = KVPT_TIME_NONE;
	int64_t now = srv_now_ms();
	int k, rc = 0, inject = -1;

	if (!r->as || (r->as->kind != AS_DIRECTOR &&
		       r->as->kind != AS_CONTROLLER)) {
		reply_error(r, 403, "forbidden", "only directors and "
			    "controllers control the exercise");
		return;
	}
	for (k = 0; ops[k]; k++)
		if (!strcmp(ops[k], op))
			break;
	if (!ops[k]) {
		reply_error(r, 404, "not_found", "no control operation "
			    "'%.32s'", op);
		return;
	}
	if (x->parent && (k <= 4 || k == 8)) {
		reply_error(r, 409, "shared_clock", "the clock of this "
			    "exercise is its parent's (%s): %s it there",
			    x->parent->code, op);
		return;
	}
	body = req_json(r, fields);
	if (!body)
		return;
	detail = json_object();
	if ((ts = json_string_value(json_object_get(body, k == 0 ? "at"
								 : "to")))) {
		if (kvpt_time_parse(ts, &tb, &t, &why)) {
			reply_error(r, 400, "bad_request", "time '%.32s': %s",
				    ts, why);
			goto out;
		}
		json_object_set_new(detail, k == 0 ? "at" : "to",
				    json_string(ts));
	}
	if (k == 4 && t == KVPT_TIME_NONE) {
		reply_error(r, 400, "bad_request", "jump needs \"to\"");
		goto out;
	}
	if (k == 3 && !json_object_get(body, "speed")) {
		reply_error(r, 400, "bad_request", "speed needs \"speed\"");
		goto out;
	}
	if (k >= 5 && k <= 7) {
		if (!json_object_get(body, "inject")) {
			reply_error(r, 400, "bad_request", "%s needs "
				    "\"inject\"", op);
			goto out;
		}
		inject = plan_ref(r, &x->plan->activity_ids, body, "inject",
				  "inject");
		if (inject < 0)
			goto out;
		if (x->plan->activities[inject].kind != KVPT_ACT_SITUATION) {
			reply_error(r, 400, "bad_request", "'%s' is not an "
				    "inject", x->plan->activities[inject].id);
			goto out;
		}
		if (r->user->clearance <
		    (int)x->plan->activities[inject].classification) {
			reply_error(r, 400, "bad_request", "unknown inject "
				    "'%.64s' in this exercise",
				    x->plan->activities[inject].id);
			goto out;
		}
		json_object_set_new(detail, "inject", json_string(
			x->plan->activities[inject].id));
	}
	if (req_write(r))
		goto out;
	x->acting_user = r->user->id;
	catch_up(x);
	switch (k) {
	case 0:
		rc = prep_start(x, t, now);
		break;
	case 1:
		rc = kvpt_engine_pause(e, now);
		break;
	case 2:
		rc = kvpt_engine_resume(e, now);
		break;
	case 3: {
		double sp = json_number_value(json_object_get(body, "speed"));

		if (!(sp >= 0.001 && sp <= 100000)) {
			reply_error(r, 400, "bad_request", "speed must be "
				    "0.001 to 100000 × real time");
			goto out_acting;
		}
		rc = kvpt_engine_set_speed(e, (int64_t)(sp * 1000 + 0.5), now);
		json_object_set_new(detail, "speed", json_real(sp));
		break;
	}
	case 4:
		rc = kvpt_engine_jump(e, t, now);
		if (rc == KVPT_EINVAL) {
			reply_error(r, 400, "bad_request", "'%s' is not after "
				    "the exercise time", ts);
			goto out_acting;
		}
		break;
	case 5:
		rc = kvpt_engine_release(e, inject, -1);
		break;
	case 6:
		rc = kvpt_engine_hold(e, inject);
		break;
	case 7:
		rc = kvpt_engine_cancel(e, inject);
		break;
	case 8:
		rc = kvpt_engine_end(e, now);
		break;
	}
	if (!engine_error(r, rc, op)) {
		req_audit(r, audit_names[k], detail);
		detail = NULL;
		srv_exercise_schedule(x);
		if (k <= 4 || k == 8)
			prep_clock_children(x, k, t, kvpt_engine_clock(e)->speed,
					    now);
		reply_json(r, 200, json_pack("{s:o,s:I}", "clock",
					     clock_json(x), "last_event",
					     (json_int_t)x->nfeed));
	}
out_acting:
	x->acting_user = 0;
out:
	json_decref(detail);
	json_decref(body);
}

/* actions */

/* Whether every id of the array body[field] names something in map (else
 * answered 400); a known array is copied into extra. */
static int ids_known(struct req *r, json_t *body, const char *field,
		     const struct kvpt_strmap *map, json_t *extra)
{
	json_t *v = json_object_get(body, field);
	size_t i;

	if (!v)
		return 1;
	for (i = 0; i < json_array_size(v); i++) {
		const char *id = json_string_value(json_array_get(v, i));

		if (kvpt_strmap_get(map, id) < 0) {
			reply_error(r, 400, "bad_request", "unknown id "
				    "'%.64s' in %s", id, field);
			return 0;
		}
	}
	json_object_set(extra, field, v);
	return 1;
}

void api_action(struct req *r)
{
	static const struct field fields[] = {
		{ "kind", F_STR, 1, 16 },
		{ "role", F_STR, 1, 128 },
		{ "inject", F_STR, 0, 128 },
		{ "text", F_STR, 0, KVPT_EVLOG_MAX_TEXT },
		{ "document", F_STR, 0, 128 },
		{ "doc_type", F_STR, 0, 64 },
		{ "conference", F_STR, 0, 128 },
		{ "attendees", F_STRS, 0, 256 },
		{ "outputs", F_STRS, 0, 64 },
		{ "machine", F_STR, 0, 64 },
		{ "body", F_STR, 0, 128 },
		{ "state", F_STR, 0, 64 },
		{ "attachments", F_INTS, 0, 20 },
		{ NULL, 0, 0, 0 },
	};
	struct exercise *x = r->x;
	const struct kvpt_plan *p = x->plan;
	struct kvpt_action a;
	struct kvpt_action_result res;
	struct kvpt_buf why = KVPT_BUF_INIT;
	json_t *body, *extra = NULL, *v;
	int64_t *att = NULL;
	const char *s;
	size_t i;
	int kind, role, rc;
	uint64_t before;
	char *extra_s = NULL;

	if (!r->as || r->as->kind != AS_PLAYER) {
		reply_error(r, 403, "forbidden", "only players act in the "
			    "exercise");
		return;
	}
	body = req_json(r, fields);
	if (!body)
		return;
	kind = kvpt_enum_parse(kvpt_action_kinds,
			       json_string_value(json_object_get(body,
								 "kind")));
	if (kind < 0) {
		reply_error(r, 400, "bad_request", "kind must be acknowledge, "
			    "report, order, decision, document, conference "
			    "or transition");
		goto out;
	}
	role = plan_ref(r, &p->role_ids, body, "role", "role");
	if (role < 0)
		goto out;
	if (!r->as->plays[role]) {
		reply_error(r, 403, "forbidden", "you do not play role '%s'",
			    p->roles[role].id);
		goto out;
	}
	kvpt_action_init(&a, kind, role);
	a.text = json_string_value(json_object_get(body, "text"));
	if (json_object_get(body, "inject")) {
		a.inject = plan_ref(r, &p->activity_ids, body, "inject",
				    "inject");
		if (a.inject < 0)
			goto out;
		if (!inject_visible(x, r->user, r->as, a.inject)) {
			reply_error(r, 400, "bad_request", "unknown inject "
				    "'%s' in this exercise",
				    p->activities[a.inject].id);
			goto out;
		}
	}
	if (kind <= KVPT_ACTION_DECISION && a.inject < 0) {
		reply_error(r, 400, "bad_request", "this kind of action "
			    "answers an inject: give \"inject\"");
		goto out;
	}
	if (json_object_get(body, "document")) {
		a.document = plan_ref(r, &p->document_ids, body, "document",
				      "document");
		if (a.document < 0)
			goto out;
		a.doc_type = p->documents[a.document].type;
	}
	if ((s = json_string_value(json_object_get(body, "doc_type")))) {
		a.doc_type = kvpt_enum_parse(kvpt_doc_types, s);
		if (a.doc_type < 0) {
			reply_error(r, 400, "bad_request", "unknown document "
				    "type '%.64s'", s);
			goto out;
		}
	}
	if (kind == KVPT_ACTION_DOCUMENT && a.doc_type < 0) {
		reply_error(r, 400, "bad_request", "a document action needs "
			    "\"document\" or \"doc_type\"");
		goto out;
	}
	if (json_object_get(body, "conference")) {
		a.conference = plan_ref(r, &p->activity_ids, body,
					"conference", "conference");
		if (a.conference < 0)
			goto out;
		if (p->activities[a.conference].kind != KVPT_ACT_CONFERENCE) {
			reply_error(r, 400, "bad_request", "'%s' is not a "
				    "conference", p->activities[a.conference].id);
			goto out;
		}
	}
	if (kind == KVPT_ACTION_TRANSITION) {
		const char *ms = json_string_value(json_object_get(body,
								   "machine"));
		const char *ss = json_string_value(json_object_get(body,
								   "state"));

		a.machine = ms ? kvpt_plan_machine(p, ms) : -1;
		if (a.machine < 0) {
			reply_error(r, 400, "bad_request", "a transition needs "
				    "a known \"machine\"");
			goto out;
		}
		a.body = plan_ref(r, &p->body_ids, body, "body", "body");
		if (a.body < 0) {
			if (!json_object_get(body, "body"))
				reply_error(r, 400, "bad_request", "a "
					    "transition needs \"body\"");
			goto out;
		}
		a.state = ss ? kvpt_machine_state(&p->machines[a.machine], ss)
			     : -1;
		if (a.state < 0) {
			reply_error(r, 400, "bad_request", "a transition needs "
				    "a known \"state\" of %s",
				    p->machines[a.machine].id);
			goto out;
		}
	}
	extra = json_object();
	if (!ids_known(r, body, "attendees", &p->role_ids, extra) ||
	    !ids_known(r, body, "outputs", &p->document_ids, extra))
		goto out;
	if ((v = json_object_get(body, "attachments")) &&
	    json_array_size(v)) {
		att = xcalloc(json_array_size(v), sizeof(*att));
		for (i = 0; i < json_array_size(v); i++) {
			att[i] = json_integer_value(json_array_get(v, i));
			if (srv_attachment_owner(x, att[i]) != r->user->id) {
				reply_error(r, 400, "bad_request", "attachment "
					    "%lld is not one you uploaded to "
					    "this exercise",
					    (long long)att[i]);
				goto out;
			}
		}
		json_object_set(extra, "attachments", v);
	}
	if (a.text && !kvpt_utf8_valid(a.text, strlen(a.text))) {
		reply_error(r, 400, "bad_request", "text is not UTF-8");
		goto out;
	}
	if (req_write(r))
		goto out;
	catch_up(x);
	if (json_object_size(extra)) {
		extra_s = json_dumps(extra, JSON_COMPACT);
		x->extra = extra_s;
		x->extra_att = att;
		x->nextra_att = att ? (int)json_array_size(
			json_object_get(body, "attachments")) : 0;
	}
	x->acting_user = r->user->id;
	before = x->nfeed;
	rc = kvpt_engine_act(x->eng, &a, &res, &why);
	x->acting_user = 0;
	x->extra = NULL;
	x->nextra_att = 0;
	if (rc == KVPT_EREFUSED) {
		json_t *e = json_pack("{s:{s:s,s:s,s:s,s:I}}", "error", "code",
				      "refused", "rule", res.rule ? res.rule
								  : "",
				      "message", why.len ? why.s : "refused",
				      "event", (json_int_t)(before + 1));

		req_audit(r, "action.refused", json_pack(
			"{s:s,s:s}", "kind", kvpt_enum_id(kvpt_action_kinds,
							  kind), "role",
			p->roles[role].id));
		reply_json(r, 409, e);
	} else if (!engine_error(r, rc, "acting")) {
		req_audit(r, "action", json_pack(
			"{s:s,s:s,s:I}", "kind",
			kvpt_enum_id(kvpt_action_kinds, kind), "role",
			p->roles[role].id, "event", (json_int_t)(before + 1)));
		reply_json(r, 201, json_pack("{s:I,s:i,s:i}", "event",
					     (json_int_t)(before + 1), "met",
					     res.met, "late", res.late));
	}
	srv_exercise_schedule(x);
out:
	free(extra_s);
	free(att);
	json_decref(extra);
	json_decref(body);
	kvpt_buf_release(&why);
}

/* attachments */

static const struct {
	const char *mime;
	const char *magic;
	size_t nmagic;
} att_types[] = {
	{ "application/pdf", "%PDF-", 5 },
	{ "image/png", "\x89PNG\r\n\x1a\n", 8 },
	{ "image/jpeg", "\xff\xd8\xff", 3 },
	{ "text/plain", NULL, 0 },
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml."
	  "document", "PK\x03\x04", 4 },
	{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	  "PK\x03\x04", 4 },
	{ "application/vnd.oasis.opendocument.text", "PK\x03\x04", 4 },
};

void api_attachment_post(struct req *r)
{
	const char *ctype = req_header(r, "Content-Type");
	const char *fname = req_header(r, "X-Filename");
	struct kvpt_attachment_rec rec;
	struct kvpt_buf err = KVPT_BUF_INIT;
	const char *data;
	char *name = NULL;
	size_t len, k, n = sizeof(att_types) / sizeof(att_types[0]), clen;

	if (!r->as || r->as->kind == AS_OBSERVER) {
		reply_error(r, 403, "forbidden", "observers do not upload");
		return;
	}
	data = req_body(r, &len);
	if (len > SRV_MAX_ATTACHMENT) {
		reply_error(r, 413, "too_large", "an attachment is at most "
			    "%zu MiB", SRV_MAX_ATTACHMENT >> 20);
		return;
	}
	clen = ctype ? strcspn(ctype, "; ") : 0;
	for (k = 0; k < n; k++)
		if (ctype && strlen(att_types[k].mime) == clen &&
		    !strncasecmp(ctype, att_types[k].mime, clen))
			break;
	if (k == n) {
		reply_error(r, 415, "unsupported_media_type", "attachments "
			    "are PDF, PNG, JPEG, plain text, DOCX, XLSX or "
			    "ODT");
		return;
	}
	if (!len || (att_types[k].magic ?
		     len < att_types[k].nmagic ||
		     memcmp(data, att_types[k].magic, att_types[k].nmagic) :
		     !kvpt_utf8_valid(data, len) || memchr(data, 0, len))) {
		reply_error(r, 400, "bad_request", "the file is not what its "
			    "Content-Type says (%s)", att_types[k].mime);
		return;
	}
	if (fname)
		name = evhttp_uridecode(fname, 0, NULL);
	if (!name || !*name || strlen(name) > 200 ||
	    !kvpt_utf8_valid(name, strlen(name)) || strpbrk(name, "/\\\"") ||
	    name[0] == '.') {
		reply_error(r, 400, "bad_request", "X-Filename must name the "
			    "file (percent-encoded UTF-8, no path)");
		free(name);
		return;
	}
	for (k = 0; name[k]; k++) {
		if ((unsigned char)name[k] < 0x20) {
			reply_error(r, 400, "bad_request", "X-Filename has "
				    "control characters");
			free(name);
			return;
		}
	}
	for (k = 0; k < n; k++)
		if (strlen(att_types[k].mime) == clen &&
		    !strncasecmp(ctype, att_types[k].mime, clen))
			break;
	if (req_write(r)) {
		free(name);
		return;
	}
	memset(&rec, 0, sizeof(rec));
	rec.exercise = r->x->id;
	rec.user = r->user->id;
	rec.name = name;
	rec.mime = att_types[k].mime;
	rec.data = data;
	rec.len = len;
	rec.at_ms = srv_now_ms();
	if (r->srv->store->ops->attachment_insert(r->srv->store, &rec,
						  &err)) {
		srv_log(r->srv, "store: %s", err.s);
		r->srv->batch_failed = 1;
	} else {
		srv_attachment_add(r->x, &rec);
	}
	req_audit(r, "attachment.upload", json_pack(
		"{s:I,s:s,s:s,s:I}", "id", (json_int_t)rec.id, "name", name,
		"mime", rec.mime, "size", (json_int_t)len));
	reply_json(r, 201, json_pack("{s:I,s:s,s:s,s:I}", "id",
				     (json_int_t)rec.id, "name", name, "mime",
				     rec.mime, "size", (json_int_t)len));
	kvpt_buf_release(&err);
	free(name);
}

struct att_get {
	struct req *r;
	int found;
	int allowed;
};

static int att_get_cb(void *arg, const struct kvpt_attachment_rec *a)
{
	struct att_get *g = arg;
	struct req *r = g->r;
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);
	char *enc, disp[800];
	size_t i;

	g->found = 1;
	if (!is_staff(r->as) && a->user != r->user->id) {
		const struct exercise *x = r->x;

		for (i = 0; i < x->ncommitted && !g->allowed; i++) {
			const struct feed_entry *f = &x->feed[i];
			int k;

			for (k = 0; k < f->nattachments; k++)
				if (f->attachments[k] == a->id &&
				    feed_visible(x, r->user, r->as, f))
					g->allowed = 1;
		}
		if (!g->allowed)
			g->allowed = prep_attachment_visible(x, r->user, r->as,
							     a->id);
		if (!g->allowed)
			return 0;
	}
	g->allowed = 1;
	enc = evhttp_uriencode(a->name, -1, 0);
	snprintf(disp, sizeof(disp), "attachment; filename*=UTF-8''%s",
		 enc ? enc : "file");
	free(enc);
	evhttp_add_header(h, "Content-Disposition", disp);
	reply_raw(r, 200, a->mime, a->data, a->len);
	return 0;
}

void api_attachment_get(struct req *r)
{
	struct att_get g = { r, 0, 0 };
	char *end;
	long long id = strtoll(r->seg[3], &end, 10);

	if (!r->as || r->as->kind == AS_OBSERVER) {
		reply_error(r, 403, "forbidden", "observers do not read "
			    "attachments");
		return;
	}
	if (*end || id <= 0 ||
	    r->srv->store->ops->attachment_get(r->srv->store, r->x->id, id,
					       att_get_cb, &g, NULL) ||
	    !g.found || !g.allowed) {
		if (!r->answered)
			reply_error(r, 404, "not_found", "no such attachment");
	}
}

/* observations */

void api_observation_post(struct req *r)
{
	static const struct field fields[] = {
		{ "criterion", F_STR, 1, 128 },
		{ "activity", F_STR, 0, 128 },
		{ "body", F_STR, 0, 128 },
		{ "score", F_STR, 0, 128 },
		{ "strengths", F_STR, 0, 8192 },
		{ "weaknesses", F_STR, 0, 8192 },
		{ "text", F_STR, 0, KVPT_EVLOG_MAX_TEXT },
		{ NULL, 0, 0, 0 },
	};
	struct exercise *x = r->x;
	const struct kvpt_plan *p = x->plan;
	json_t *body, *o;
	const char *score;
	char *s, text[64];
	int crit, act = -1, b = -1, k;
	kvpt_time t;
	uint64_t seq;

	if (!r->as || r->as->kind != AS_EVALUATOR) {
		reply_error(r, 403, "forbidden", "only evaluators record "
			    "observations");
		return;
	}
	body = req_json(r, fields);
	if (!body)
		return;
	crit = plan_ref(r, &p->criterion_ids, body, "criterion", "criterion");
	if (crit < 0)
		goto out;
	if (json_object_get(body, "activity") &&
	    (act = plan_ref(r, &p->activity_ids, body, "activity",
			    "activity")) < 0)
		goto out;
	if (json_object_get(body, "body") &&
	    (b = plan_ref(r, &p->body_ids, body, "body", "body")) < 0)
		goto out;
	score = json_string_value(json_object_get(body, "score"));
	if (score) {
		for (k = 0; k < p->nscale; k++)
			if (!strcmp(p->scale[k], score))
				break;
		if (k == p->nscale) {
			reply_error(r, 400, "bad_request", "score must be one "
				    "of the plan's scale words");
			goto out;
		}
	}
	if (req_write(r))
		goto out;
	catch_up(x);
	t = kvpt_engine_started(x->eng) ? kvpt_engine_now(x->eng)
					: KVPT_TIME_NONE;
	if (t != KVPT_TIME_NONE)
		kvpt_time_format(t, text, sizeof(text));
	o = json_pack("{s:s,s:s,s:o,s:s?,s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?}",
		      "evaluator", r->user->name, "display", r->user->display,
		      "t", time_json(t), "t_text",
		      t != KVPT_TIME_NONE ? text : NULL,
		      "criterion", p->criteria[crit].id,
		      "activity", act >= 0 ? p->activities[act].id : NULL,
		      "body", b >= 0 ? p->bodies[b].id : NULL,
		      "score", score,
		      "strengths", json_string_value(json_object_get(
			      body, "strengths")),
		      "weaknesses", json_string_value(json_object_get(
			      body, "weaknesses")),
		      "text", json_string_value(json_object_get(body,
								"text")));
	s = json_dumps(o, JSON_COMPACT);
	seq = feed_add_server(x, FEED_OBSERVATION, s, r->user->id);
	free(s);
	req_audit(r, "observation", json_pack("{s:I,s:s}", "event",
					      (json_int_t)seq, "criterion",
					      p->criteria[crit].id));
	json_object_set_new(o, "id", json_integer((json_int_t)seq));
	reply_json(r, 201, json_pack("{s:I,s:o}", "event", (json_int_t)seq,
				     "observation", o));
out:
	json_decref(body);
}

json_t *observations_json(const struct exercise *x)
{
	json_t *out = json_array();
	size_t i;

	for (i = 0; i < x->ncommitted; i++) {
		const struct feed_entry *f = &x->feed[i];
		json_t *o;

		if (f->engine || strcmp(f->type, "observation"))
			continue;
		o = json_loadb(f->sse + f->data_off, f->data_len, 0, NULL);
		if (!o)
			continue;
		json_object_set_new(o, "id", json_integer((json_int_t)i + 1));
		json_array_append_new(out, o);
	}
	return out;
}

void api_observations_list(struct req *r)
{
	if (!is_staff(r->as)) {
		reply_error(r, 403, "forbidden", "observations are for the "
			    "directing staff and evaluators");
		return;
	}
	reply_json(r, 200, observations_json(r->x));
}

/* reading */

/* The part of GET …/state after the clock, kept until the next event. */
static void state_rest(struct exercise *x)
{
	const struct kvpt_plan *p = x->plan;
	const struct kvpt_engine_counters *c;
	json_t *states = json_array(), *o;
	char *text;
	int m, b;

	if (x->state_cache && x->state_at == x->nfeed)
		return;
	for (m = 0; m < p->nmachines; m++) {
		for (b = 0; b < p->nbodies; b++) {
			int st = kvpt_engine_body_state(x->eng, m, b);

			if (st < 0)
				continue;
			json_array_append_new(states, json_pack(
				"{s:s,s:s,s:s}", "machine", p->machines[m].id,
				"body", p->bodies[b].id, "state",
				p->machines[m].states[st].id));
		}
	}
	c = kvpt_engine_counters(x->eng);
	o = json_pack(
		"{s:s,s:o,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}}",
		"status", exercise_status(x), "states", states, "counters",
		"released", (json_int_t)c->released, "met", (json_int_t)c->met,
		"missed", (json_int_t)c->missed, "late", (json_int_t)c->late,
		"actions", (json_int_t)c->actions, "refused",
		(json_int_t)c->refused, "transitions",
		(json_int_t)c->transitions, "issued", (json_int_t)c->issued,
		"events", (json_int_t)x->nfeed);
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	free(x->state_cache);
	/* "{…}" without its opening brace, to follow the clock */
	x->state_len = strlen(text) - 1;
	x->state_cache = xmalloc(x->state_len + 1);
	memcpy(x->state_cache, text + 1, x->state_len + 1);
	free(text);
	x->state_at = x->nfeed;
}

void api_state(struct req *r)
{
	struct exercise *x = r->x;
	struct kvpt_buf b = KVPT_BUF_INIT;
	json_t *clock;
	char *ct;

	state_rest(x);
	clock = clock_json(x);
	ct = json_dumps(clock, JSON_COMPACT);
	json_decref(clock);
	kvpt_buf_adds(&b, "{\"clock\":");
	kvpt_buf_adds(&b, ct);
	kvpt_buf_addc(&b, ',');
	kvpt_buf_add(&b, x->state_cache, x->state_len);
	free(ct);
	reply_raw(r, 200, "application/json; charset=utf-8", b.s, b.len);
	kvpt_buf_release(&b);
}

int inject_visible(const struct exercise *x, const struct user *u,
		   const struct assignment *a, int inject)
{
	const struct kvpt_activity *act = &x->plan->activities[inject];
	const struct kvpt_activity_state *st;
	int k;

	if (!a || act->kind != KVPT_ACT_SITUATION ||
	    u->clearance < (int)act->classification)
		return 0;
	if (is_staff(a))
		return 1;
	if (a->kind != AS_PLAYER)
		return 0;
	st = kvpt_engine_activity(x->eng, inject);
	if (st->status != KVPT_ACTIVITY_RELEASED)
		return 0;
	for (k = 0; k < act->to.n; k++)
		if (act->to.v[k].idx >= 0 && a->plays[act->to.v[k].idx])
			return 1;
	return 0;
}

static json_t *refs_json(const struct kvpt_refs *refs)
{
	json_t *a = json_array();
	int k;

	for (k = 0; k < refs->n; k++)
		json_array_append_new(a, json_string(refs->v[k].id));
	return a;
}

void api_injects(struct req *r)
{
	struct exercise *x = r->x;
	const struct kvpt_plan *p = x->plan;
	json_t *out;
	int i;

	if (!r->as || r->as->kind == AS_OBSERVER) {
		reply_error(r, 403, "forbidden", "observers do not read "
			    "injects");
		return;
	}
	out = json_array();
	for (i = 0; i < p->nactivities; i++) {
		const struct kvpt_activity *a = &p->activities[i];
		const struct kvpt_activity_state *st;

		if (!inject_visible(x, r->user, r->as, i))
			continue;
		st = kvpt_engine_activity(x->eng, i);
		json_array_append_new(out, json_pack(
			"{s:s,s:s,s:o,s:o,s:s,s:o,s:s,s:o,s:s?}",
			"id", a->id, "title", a->title ? a->title : a->id,
			"from", a->from.idx >= 0 && a->from.id ?
				json_string(a->from.id) : json_null(),
			"to", refs_json(&a->to),
			"classification", clearance_id(a->classification),
			"planned", time_json(a->start),
			"status", kvpt_enum_id(kvpt_activity_statuses,
					       st->status),
			"released_at", st->status == KVPT_ACTIVITY_RELEASED ?
				time_json(st->at) : json_null(),
			"text", a->text));
	}
	reply_json(r, 200, out);
}

void api_expectations(struct req *r)
{
	struct exercise *x = r->x;
	const struct kvpt_plan *p = x->plan;
	json_t *out;
	int i;

	out = json_array();
	for (i = 0; i < p->nexpectations; i++) {
		const struct kvpt_expectation *e = &p->expectations[i];
		const struct kvpt_expect_state *st =
			kvpt_engine_expectation(x->eng, i);
		int inj = e->inject;

		if (r->user->clearance <
		    (int)p->activities[inj].classification)
			continue;
		if (r->as->kind == AS_PLAYER &&
		    !inject_visible(x, r->user, r->as, inj))
			continue;
		json_array_append_new(out, json_pack(
			"{s:s,s:s,s:s,s:o,s:s,s:o,s:o}",
			"id", e->id, "inject", p->activities[inj].id,
			"kind", kvpt_enum_id(kvpt_expect_kinds, e->kind),
			"by", e->by.idx >= 0 && e->by.id ?
				json_string(e->by.id) : json_null(),
			"status", kvpt_enum_id(kvpt_expect_statuses,
					       st->status),
			"deadline", time_json(st->deadline),
			"at", st->status == KVPT_EXPECT_MET ||
			      st->status == KVPT_EXPECT_MISSED ||
			      st->status == KVPT_EXPECT_LATE ?
				time_json(st->at) : json_null()));
	}
	reply_json(r, 200, out);
}

void api_events(struct req *r)
{
	struct exercise *x = r->x;
	const char *after_s = req_query(r, "after");
	const char *limit_s = req_query(r, "limit");
	long long after = 0, limit = 200;
	size_t i, last;
	json_t *events;
	char *end;
	int n = 0;

	if (after_s) {
		after = strtoll(after_s, &end, 10);
		if (*end || after < 0 || !*after_s) {
			reply_error(r, 400, "bad_request", "after must be a "
				    "sequence number");
			return;
		}
	}
	if (limit_s) {
		limit = strtoll(limit_s, &end, 10);
		if (*end || limit < 1 || limit > 1000) {
			reply_error(r, 400, "bad_request", "limit must be 1 "
				    "to 1000");
			return;
		}
	}
	events = json_array();
	last = (size_t)after;
	for (i = (size_t)after; i < x->ncommitted && n < limit; i++) {
		const struct feed_entry *f = &x->feed[i];

		last = i + 1;
		if (!feed_visible(x, r->user, r->as, f))
			continue;
		json_array_append_new(events, json_loadb(f->sse + f->json_off,
							 f->json_len, 0,
							 NULL));
		n++;
	}
	if (last < (size_t)after)
		last = (size_t)after;
	reply_json(r, 200, json_pack("{s:o,s:I,s:I}", "events", events,
				     "next", (json_int_t)last, "last",
				     (json_int_t)x->ncommitted));
}
