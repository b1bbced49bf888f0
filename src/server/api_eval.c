/*
 * api_eval: after the exercise (DOMAIN.md §8) — measures computed from the
 * event log (report/measures), verdicts proposed from them and confirmed
 * or changed by the evaluators with a reason kept, the hot wash's numbered
 * lessons, the after-action report as JSON, PDF (report/pdf, composed by
 * report/aar_pdf) and XLSX (report/aar), and the replay of the exercise at
 * any exercise time.  Lessons and verdicts are records like the
 * preparation's (api_prep.c); corrective actions are tasks.  The shapes
 * answered are in docs/api.md, "Evaluation and the after-action report".
 */
#include "server/server_int.h"

#include "base/xalloc.h"
#include "engine/evlog.h"
#include "model/extime.h"
#include "report/aar.h"
#include "report/aar_pdf.h"
#include "report/measures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LESSON_MAX 4000
#define REASON_MAX 2000

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static int may_write(const struct assignment *a)
{
	return is_staff(a);
}

/* The event log of x, up to exercise time until (KVPT_TIME_NONE: all). */
static void log_of(const struct exercise *x, kvpt_time until,
		   struct kvpt_buf *out)
{
	struct kvpt_buf strings = KVPT_BUF_INIT;
	struct kvpt_event ev;
	size_t i;

	for (i = 0; i < x->ncommitted; i++) {
		const struct feed_entry *f = &x->feed[i];

		if (!f->engine)
			continue;
		if (until != KVPT_TIME_NONE &&
		    (kvpt_evlog_parse(x->plan, f->sse + f->line_off,
				      f->line_len, &ev, &strings, NULL) ||
		     ev.t > until))
			break;
		kvpt_buf_add(out, f->sse + f->line_off, f->line_len);
		kvpt_buf_addc(out, '\n');
	}
	kvpt_buf_release(&strings);
}

/* The mean observation score of each body on the scale's index (0 best;
 * -1 none) into scores[nbodies]; the same as JSON into *list. */
static void body_scores(const struct exercise *x, const json_t *obs,
			double *scores, json_t **list)
{
	const struct kvpt_plan *p = x->plan;
	int *n = xcalloc((size_t)p->nbodies + 1, sizeof(int));
	double *sum = xcalloc((size_t)p->nbodies + 1, sizeof(double));
	json_t *o;
	size_t i;
	int b, k;

	json_array_foreach(obs, i, o) {
		const char *body = jstr(o, "body"), *score = jstr(o, "score");

		b = body ? kvpt_strmap_get(&p->body_ids, body) : -1;
		if (b < 0 || !score)
			continue;
		for (k = 0; k < p->nscale; k++)
			if (!strcmp(p->scale[k], score))
				break;
		if (k == p->nscale)
			continue;
		n[b]++;
		sum[b] += k;
	}
	*list = json_array();
	for (b = 0; b < p->nbodies; b++) {
		scores[b] = n[b] ? sum[b] / n[b] : -1;
		if (n[b])
			json_array_append_new(*list, json_pack(
				"{s:s,s:i,s:f}", "body", p->bodies[b].id, "n",
				n[b], "mean", scores[b]));
	}
	free(n);
	free(sum);
}

/* Whether inject id (of x's plan) is above clearance. */
static int above(const struct exercise *x, const char *id, int clearance)
{
	int i = id ? kvpt_strmap_get(&x->plan->activity_ids, id) : -1;

	return i >= 0 &&
	       (int)x->plan->activities[i].classification > clearance;
}

/* Leave out of the measures' lists the injects (and their expectations)
 * above clearance; the counts stay whole. */
static void measures_clear(const struct exercise *x, json_t *m,
			   int clearance)
{
	json_t *arr, *b;
	size_t i;

	arr = json_object_get(m, "injects");
	for (i = json_array_size(arr); i-- > 0;)
		if (above(x, jstr(json_array_get(arr, i), "id"), clearance))
			json_array_remove(arr, i);
	json_array_foreach(json_object_get(m, "bodies"), i, b) {
		size_t k;

		arr = json_object_get(b, "expectations");
		for (k = json_array_size(arr); k-- > 0;)
			if (above(x, jstr(json_array_get(arr, k), "inject"),
				  clearance))
				json_array_remove(arr, k);
	}
}

/* The measures of x up to until, with observation scores, as the user of
 * r may see them; NULL after answering an error. */
static json_t *measures(struct req *r, const struct exercise *x,
			kvpt_time until, json_t **scores_out)
{
	struct kvpt_buf log = KVPT_BUF_INIT, err = KVPT_BUF_INIT;
	double *scores = xcalloc((size_t)x->plan->nbodies + 1,
				 sizeof(double));
	json_t *obs = observations_json(x), *list = NULL, *m = NULL;

	body_scores(x, obs, scores, &list);
	log_of(x, until, &log);
	if (kvpt_measures(x->plan, log.len ? log.s : "", log.len, until,
			  scores, &m, &err)) {
		srv_log(r->srv, "measures of %s: %s", x->code, err.s);
		reply_error(r, 500, "internal", "the exercise's log could not "
			    "be measured");
		m = NULL;
	}
	if (m)
		measures_clear(x, m, r->user->clearance);
	if (scores_out)
		*scores_out = list;
	else
		json_decref(list);
	json_decref(obs);
	free(scores);
	kvpt_buf_release(&log);
	kvpt_buf_release(&err);
	return m;
}

/* The verdicts: each body of the measures and overall, proposed and
 * confirmed.  New reference. */
static json_t *verdicts(struct server *s, const struct exercise *x,
			const json_t *m)
{
	json_t *out = json_array(), *b;
	size_t i;

	for (i = 0; i <= json_array_size(json_object_get(m, "bodies"));
	     i++) {
		const json_t *mb = i ? json_array_get(json_object_get(m,
								     "bodies"),
						      i - 1) : NULL;
		const json_t *pv = json_object_get(
			mb ? mb : json_object_get(m, "overall"), "verdict");
		const char *id = mb ? jstr(mb, "id") : "";
		const json_t *rec = json_object_get(x->verdicts, id);
		json_t *conf = json_null(), *hist = json_array(), *h;
		size_t k;

		json_array_foreach(json_object_get(rec, "history"), k, h) {
			json_t *o = json_deep_copy(h);

			json_object_set_new(o, "user", user_ref_json(s, jint(h,
								       "user")));
			json_array_append_new(hist, o);
		}
		if (json_array_size(hist))
			conf = json_incref(json_array_get(
				hist, json_array_size(hist) - 1));
		b = json_pack("{s:o,s:s?,s:{s:O,s:O,s:O},s:o,s:o}", "body",
			      mb ? json_string(id) : json_null(), "body_name",
			      mb ? jstr(mb, "name") : NULL, "proposed",
			      "index", json_object_get(pv, "index"), "label",
			      json_object_get(pv, "label"), "reason",
			      json_object_get(pv, "reason"), "confirmed", conf,
			      "history", hist);
		json_array_append_new(out, b);
	}
	return out;
}

/* The time of query parameter `name`, KVPT_TIME_NONE when absent; -1
 * returned after answering 400. */
static int query_time(struct req *r, const char *name, kvpt_time *t)
{
	struct kvpt_timebase tb = kvpt_plan_timebase(r->x->plan);
	const char *s = req_query(r, name), *why = "";

	*t = KVPT_TIME_NONE;
	if (!s)
		return 0;
	if (kvpt_time_parse(s, &tb, t, &why)) {
		reply_error(r, 400, "bad_request", "%s '%.40s': %s", name, s,
			    why);
		return -1;
	}
	return 0;
}

void api_evaluation(struct req *r)
{
	kvpt_time until;
	json_t *m, *scores = NULL;

	if (!sees_all(r->as)) {
		reply_error(r, 403, "forbidden", "the evaluation is for the "
			    "staff and the steering committee");
		return;
	}
	if (query_time(r, "until", &until))
		return;
	m = measures(r, r->x, until, &scores);
	if (!m)
		return;
	reply_json(r, 200, json_pack("{s:o,s:o,s:o}", "measures", m,
				     "scores", scores, "verdicts",
				     verdicts(r->srv, r->x, m)));
}

void api_verdict_post(struct req *r)
{
	static const struct field fields[] = {
		{ "body", F_STR, 0, 128 },
		{ "label", F_STR, 1, 256 },
		{ "reason", F_STR, 0, REASON_MAX },
		{ NULL, 0, 0, 0 },
	};
	struct exercise *x = r->x;
	const struct kvpt_plan *p = x->plan;
	const char *body_id, *label, *reason;
	json_t *body, *m = NULL, *vs = NULL, *rec, *h, *v;
	int k, proposed = -1;
	size_t i;

	if (!r->as || (r->as->kind != AS_EVALUATOR &&
		       r->as->kind != AS_DIRECTOR)) {
		reply_error(r, 403, "forbidden", "evaluators and the director "
			    "confirm verdicts");
		return;
	}
	body = req_json(r, fields);
	if (!body)
		return;
	body_id = jstr(body, "body");
	label = jstr(body, "label");
	reason = jstr(body, "reason");
	if (body_id && kvpt_strmap_get(&p->body_ids, body_id) < 0) {
		reply_error(r, 400, "bad_request", "unknown body '%.64s'",
			    body_id);
		goto out;
	}
	for (k = 0; k < p->nscale; k++)
		if (!strcmp(p->scale[k], label))
			break;
	if (k == p->nscale) {
		reply_error(r, 400, "bad_request", "label must be one of the "
			    "plan's scale words");
		goto out;
	}
	m = measures(r, x, KVPT_TIME_NONE, NULL);
	if (!m)
		goto out;
	vs = verdicts(r->srv, x, m);
	json_array_foreach(vs, i, v) {
		const char *vb = jstr(v, "body");

		if ((vb && body_id && !strcmp(vb, body_id)) ||
		    (!vb && !body_id)) {
			json_t *pi = json_object_get(json_object_get(
				v, "proposed"), "index");

			proposed = json_is_integer(pi) ?
				(int)json_integer_value(pi) : -1;
			break;
		}
	}
	if (i == json_array_size(vs)) {
		reply_error(r, 400, "bad_request", "body '%.64s' owes nothing "
			    "in this exercise; there is no verdict to give",
			    body_id);
		goto out;
	}
	if (k != proposed && (!reason || !*reason)) {
		reply_error(r, 400, "bad_request", "a verdict other than the "
			    "proposed one needs a reason");
		goto out;
	}
	if (req_write(r))
		goto out;
	rec = json_object_get(x->verdicts, body_id ? body_id : "");
	if (!rec) {
		rec = json_pack("{s:[]}", "history");
		json_object_set_new(x->verdicts, body_id ? body_id : "", rec);
	}
	h = json_pack("{s:i,s:s,s:s,s:I,s:I,s:b}", "index", k, "label",
		      p->scale[k], "reason", reason ? reason : "", "user",
		      (json_int_t)r->user->id, "at_ms",
		      (json_int_t)srv_now_ms(), "changed", k != proposed);
	json_array_append_new(json_object_get(rec, "history"), h);
	srv_record_put(r, x, "verdict", body_id ? body_id : "", rec);
	req_audit(r, "verdict.confirm", json_pack(
		"{s:s?,s:s,s:b}", "body", body_id, "label", p->scale[k],
		"changed", k != proposed));
	json_decref(vs);
	vs = verdicts(r->srv, x, m);
	json_array_foreach(vs, i, v) {
		const char *vb = jstr(v, "body");

		if ((vb && body_id && !strcmp(vb, body_id)) ||
		    (!vb && !body_id)) {
			reply_json(r, 200, json_incref(v));
			break;
		}
	}
out:
	json_decref(vs);
	json_decref(m);
	json_decref(body);
}

/* Lessons. */

static int cmp_n(const void *a, const void *b)
{
	int64_t na = jint(*(json_t *const *)a, "n");
	int64_t nb = jint(*(json_t *const *)b, "n");

	return na < nb ? -1 : na > nb;
}

/* The lessons of x by number (borrowed), *n of them. */
static json_t **lessons_sorted(const struct exercise *x, size_t *n)
{
	json_t **v = xmalloc(sizeof(*v) *
			     (json_object_size(x->lessons) + 1));
	const char *key;
	json_t *l;

	*n = 0;
	json_object_foreach(x->lessons, key, l)
		v[(*n)++] = l;
	qsort(v, *n, sizeof(*v), cmp_n);
	return v;
}

static json_t *lesson_out(struct server *s, const json_t *l)
{
	json_t *o = json_deep_copy(l);

	json_object_set_new(o, "user", user_ref_json(s, jint(l, "user")));
	return o;
}

static json_t *lessons_json(struct server *s, const struct exercise *x)
{
	json_t *out = json_array(), **v;
	size_t n, i;

	v = lessons_sorted(x, &n);
	for (i = 0; i < n; i++)
		json_array_append_new(out, lesson_out(s, v[i]));
	free(v);
	return out;
}

void api_lessons_list(struct req *r)
{
	if (!sees_all(r->as)) {
		reply_error(r, 403, "forbidden", "lessons are for the staff and "
			    "the steering committee");
		return;
	}
	reply_json(r, 200, lessons_json(r->srv, r->x));
}

static const struct field lesson_fields[] = {
	{ "text", F_STR, 0, LESSON_MAX },
	{ "body", F_STR, 0, 128 },
	{ "criterion", F_STR, 0, 128 },
	{ "n", F_INT, 0, 0 },
	{ NULL, 0, 0, 0 },
};

/* Check the body and criterion of a lesson body; 0, or -1 answered. */
static int lesson_refs(struct req *r, const json_t *body)
{
	const char *b = jstr(body, "body"), *c = jstr(body, "criterion");

	if (b && kvpt_strmap_get(&r->x->plan->body_ids, b) < 0) {
		reply_error(r, 400, "bad_request", "unknown body '%.64s'", b);
		return -1;
	}
	if (c && kvpt_strmap_get(&r->x->plan->criterion_ids, c) < 0) {
		reply_error(r, 400, "bad_request", "unknown criterion '%.64s'",
			    c);
		return -1;
	}
	return 0;
}

static void put_lesson(struct req *r, const json_t *l)
{
	char id[24];

	snprintf(id, sizeof(id), "%lld", (long long)jint(l, "id"));
	srv_record_put(r, r->x, "lesson", id, l);
}

void api_lesson_post(struct req *r)
{
	struct exercise *x = r->x;
	json_t *body, *l;
	char id[24];

	if (!may_write(r->as)) {
		reply_error(r, 403, "forbidden", "the directing staff and the "
			    "evaluators write lessons");
		return;
	}
	body = req_json(r, lesson_fields);
	if (!body)
		return;
	if (!jstr(body, "text") || !*jstr(body, "text") ||
	    json_object_get(body, "n")) {
		reply_error(r, 400, "bad_request", "a lesson needs its text "
			    "(it is numbered after the others)");
		goto out;
	}
	if (lesson_refs(r, body) || req_write(r))
		goto out;
	l = json_pack("{s:I,s:I,s:O,s:s?,s:s?,s:I,s:I}", "id",
		      (json_int_t)x->next_lesson, "n",
		      (json_int_t)json_object_size(x->lessons) + 1, "text",
		      json_object_get(body, "text"), "body", jstr(body, "body"),
		      "criterion", jstr(body, "criterion"), "user",
		      (json_int_t)r->user->id, "at_ms",
		      (json_int_t)srv_now_ms());
	if (!json_object_get(l, "body"))
		json_object_set_new(l, "body", json_null());
	if (!json_object_get(l, "criterion"))
		json_object_set_new(l, "criterion", json_null());
	snprintf(id, sizeof(id), "%lld", (long long)x->next_lesson++);
	json_object_set_new(x->lessons, id, l);
	put_lesson(r, l);
	req_audit(r, "lesson.create", json_pack("{s:I}", "lesson",
						(json_int_t)jint(l, "id")));
	reply_json(r, 201, lesson_out(r->srv, l));
out:
	json_decref(body);
}

void api_lesson_patch(struct req *r)
{
	struct exercise *x = r->x;
	json_t *body, *l = json_object_get(x->lessons, r->seg[3]), **v;
	const char *text;
	size_t n, i, j;
	int64_t to;

	if (!may_write(r->as)) {
		reply_error(r, 403, "forbidden", "the directing staff and the "
			    "evaluators write lessons");
		return;
	}
	if (!l) {
		reply_error(r, 404, "not_found", "no such lesson");
		return;
	}
	body = req_json(r, lesson_fields);
	if (!body)
		return;
	text = jstr(body, "text");
	to = json_object_get(body, "n") ? jint(body, "n") : 0;
	if ((text && !*text) || (json_object_get(body, "n") &&
				 (to < 1 || to > (int64_t)json_object_size(
					 x->lessons)))) {
		reply_error(r, 400, "bad_request", "text must not be empty; n "
			    "is 1 to %zu", json_object_size(x->lessons));
		goto out;
	}
	if (lesson_refs(r, body) || req_write(r))
		goto out;
	if (text)
		json_object_set(l, "text", json_object_get(body, "text"));
	if (jstr(body, "body"))
		json_object_set(l, "body", json_object_get(body, "body"));
	if (jstr(body, "criterion"))
		json_object_set(l, "criterion",
				json_object_get(body, "criterion"));
	if (to) {
		/* take l out of the order and put it back at `to` */
		v = lessons_sorted(x, &n);
		for (i = j = 0; i < n; i++)
			if (v[i] != l)
				v[j++] = v[i];
		for (i = 0, j = 0; i < n; i++) {
			json_t *e = (int64_t)i + 1 == to ? l : v[j++];

			if (jint(e, "n") != (int64_t)i + 1) {
				json_object_set_new(e, "n",
						    json_integer((json_int_t)i +
								 1));
				if (e != l)
					put_lesson(r, e);
			}
		}
		free(v);
	}
	put_lesson(r, l);
	req_audit(r, "lesson.update", json_pack("{s:I}", "lesson",
						(json_int_t)jint(l, "id")));
	reply_json(r, 200, lesson_out(r->srv, l));
out:
	json_decref(body);
}

/* The after-action report. */

/* The corrective actions of x (tasks marked corrective), as the tasks
 * list shows them. */
static json_t *actions(struct req *r)
{
	const struct exercise *x = r->x;
	json_t *out = json_array();
	const char *key;
	json_t *t;

	json_object_foreach(x->tasks, key, t) {
		if (!json_is_true(json_object_get(t, "corrective")))
			continue;
		json_array_append_new(out, task_out(r->srv, x, t,
						    srv_now_ms()));
	}
	return out;
}

/* Everything the report is made of (new reference), or NULL answered. */
static json_t *aar(struct req *r)
{
	struct exercise *x = r->x;
	json_t *m = measures(r, x, KVPT_TIME_NONE, NULL), *o;

	if (!m)
		return NULL;
	o = json_pack("{s:{s:I,s:s,s:s,s:s?,s:s?,s:s},s:o,s:o,s:o,s:o,s:o,"
		      "s:I}", "exercise", "id", (json_int_t)x->id, "code",
		      x->code, "name", x->name, "locality",
		      x->plan->ex.locality, "n_date", x->plan->ex.n_date,
		      "classification",
		      clearance_id(x->plan->ex.classification), "measures", m,
		      "verdicts", verdicts(r->srv, x, m), "lessons",
		      lessons_json(r->srv, x), "observations",
		      is_staff(r->as) ? observations_json(x) : json_array(),
		      "actions", actions(r), "generated_ms",
		      (json_int_t)srv_now_ms());
	return o;
}

void api_aar(struct req *r)
{
	json_t *o;

	if (!sees_all(r->as)) {
		reply_error(r, 403, "forbidden", "the report is for the staff "
			    "and the steering committee");
		return;
	}
	o = aar(r);
	if (!o)
		return;
	if (!strcmp(r->seg[2], "aar")) {
		reply_json(r, 200, o);
		return;
	}
	if (!strcmp(r->seg[2], "aar.xlsx")) {
		json_t *verd = json_array(), *lessons = json_array(), *v;
		json_t *acts = json_array(), *obs = json_array();
		size_t i;

		json_array_foreach(json_object_get(o, "verdicts"), i, v) {
			const json_t *c = json_object_get(v, "confirmed");

			if (json_is_object(c))
				json_array_append_new(verd, json_pack(
					"{s:O,s:O,s:O,s:O}", "body",
					json_object_get(v, "body"), "verdict",
					json_object_get(c, "label"), "reason",
					json_object_get(c, "reason"), "by",
					json_object_get(json_object_get(
						c, "user"), "name")));
		}
		json_array_foreach(json_object_get(o, "lessons"), i, v)
			json_array_append_new(lessons, json_pack(
				"{s:O}", "text", json_object_get(v, "text")));
		json_array_foreach(json_object_get(o, "actions"), i, v) {
			const char *st = jstr(v, "status");

			json_array_append_new(acts, json_pack(
				"{s:O,s:s,s:O,s:s}", "action",
				json_object_get(v, "title"), "owner",
				jstr(json_object_get(v, "assignee"), "name"),
				"due", json_object_get(v, "due_ms"), "status",
				st && !strcmp(st, "doing") ? "in_progress"
							   : st ? st : ""));
		}
		json_array_foreach(json_object_get(o, "observations"), i, v) {
			/* the workbook takes the score as its place on the
			 * scale, and names */
			const struct kvpt_plan *p = r->x->plan;
			const char *sc = jstr(v, "score");
			const char *cr = jstr(v, "criterion");
			int k, c = cr ? kvpt_strmap_get(&p->criterion_ids, cr)
				      : -1;

			for (k = 0; sc && k < p->nscale; k++)
				if (!strcmp(p->scale[k], sc))
					break;
			json_array_append_new(obs, json_pack(
				"{s:O,s:s?,s:O,s:O,s:s?,s:o,s:O,s:O,s:O}", "t",
				json_object_get(v, "t"), "evaluator",
				jstr(v, "display") ? jstr(v, "display")
						   : jstr(v, "evaluator"),
				"body", json_object_get(v, "body"), "activity",
				json_object_get(v, "activity"),
				"criterion_name", c >= 0 ?
				p->criteria[c].name : cr, "score",
				sc && k < p->nscale ? json_integer(k)
						    : json_null(),
				"strengths", json_object_get(v, "strengths"),
				"weaknesses", json_object_get(v, "weaknesses"),
				"text", json_object_get(v, "text")));
		}
		srv_render(r, kvpt_aar_book(json_object_get(o, "measures"),
					    obs, verd, lessons, acts,
					    r->x->plan->ex.tz_offset_min),
			   RENDER_XLSX, "aar.xlsx");
		json_decref(verd);
		json_decref(lessons);
		json_decref(acts);
		json_decref(obs);
	} else {
		srv_render(r, kvpt_aar_pdf_doc(o, r->x->plan), RENDER_PDF,
			   "aar.pdf");
	}
	json_decref(o);
}

/* Replay. */

void api_replay(struct req *r)
{
	struct exercise *x = r->x;
	struct kvpt_buf log = KVPT_BUF_INIT, err = KVPT_BUF_INIT;
	struct kvpt_buf st = KVPT_BUF_INIT;
	struct kvpt_engine *e = NULL;
	const char *role_id = req_query(r, "role");
	json_t *released = json_array(), *inbox = NULL, *o, *state, *full;
	kvpt_time t;
	char text[48];
	int k, role = -1, met = 0, late = 0, missed = 0, open = 0;
	int events = 0;
	size_t i;

	if (!sees_all(r->as)) {
		reply_error(r, 403, "forbidden", "the replay is for the staff "
			    "and the steering committee");
		goto out;
	}
	if (query_time(r, "t", &t))
		goto out;
	if (role_id) {
		role = kvpt_strmap_get(&x->plan->role_ids, role_id);
		if (role < 0) {
			reply_error(r, 400, "bad_request", "unknown role "
				    "'%.64s'", role_id);
			goto out;
		}
		inbox = json_array();
	}
	log_of(x, t, &log);
	for (i = 0; i < log.len; i++)
		events += log.s[i] == '\n';
	if (!log.len) {
		e = kvpt_engine_new(x->plan, NULL);
	} else if (kvpt_engine_replay(x->plan, log.s, log.len, &e, &err)) {
		srv_log(r->srv, "replay of %s: %s", x->code, err.s);
		reply_error(r, 500, "internal", "the exercise's log could not "
			    "be replayed");
		goto out;
	}
	for (k = 0; k < x->plan->nactivities; k++) {
		const struct kvpt_activity *a = &x->plan->activities[k];
		int j, to_role = 0;

		if (a->kind != KVPT_ACT_SITUATION ||
		    kvpt_engine_activity(e, k)->status !=
		    KVPT_ACTIVITY_RELEASED ||
		    r->user->clearance < (int)a->classification)
			continue;
		json_array_append_new(released, json_string(a->id));
		for (j = 0; j < a->to.n; j++)
			to_role |= a->to.v[j].idx == role;
		if (inbox && to_role)
			json_array_append_new(inbox, json_pack(
				"{s:s,s:s,s:s?,s:I}", "id", a->id, "title",
				a->title ? a->title : a->id, "text", a->text,
				"released_at",
				(json_int_t)kvpt_engine_activity(e, k)->at));
	}
	for (k = 0; k < x->plan->nexpectations; k++) {
		switch (kvpt_engine_expectation(e, k)->status) {
		case KVPT_EXPECT_MET: met++; break;
		case KVPT_EXPECT_LATE: late++; break;
		case KVPT_EXPECT_MISSED: missed++; break;
		case KVPT_EXPECT_OPEN: open++; break;
		default: break;
		}
	}
	kvpt_engine_state_json(e, &st);
	full = json_loadb(st.s ? st.s : "{}", st.len, 0, NULL);
	/* as GET …/state has it: the inject and expectation details stay
	 * out (they are in released and expectations, as cleared) */
	state = json_pack("{s:s,s:O}", "status",
			  !strcmp(or_empty(jstr(full, "status")), "idle") ?
			  "ready" : or_empty(jstr(full, "status")), "states",
			  json_object_get(full, "states"));
	json_decref(full);
	/* the state at t is the state after the last event up to t */
	if (t == KVPT_TIME_NONE || !kvpt_engine_started(e) ||
	    t < kvpt_engine_now(e))
		t = kvpt_engine_started(e) ? kvpt_engine_now(e)
					   : KVPT_TIME_NONE;
	if (t != KVPT_TIME_NONE)
		kvpt_time_format(t, text, sizeof(text));
	o = json_pack("{s:o,s:s?,s:o,s:O,s:{s:i,s:i,s:i,s:i},s:i}", "t",
		      t != KVPT_TIME_NONE ? json_integer(t) : json_null(),
		      "t_text", t != KVPT_TIME_NONE ? text : NULL, "state",
		      state, "released", released,
		      "expectations", "met", met, "late", late, "missed",
		      missed, "open", open, "events", events);
	if (inbox)
		json_object_set(o, "inbox", inbox);
	reply_json(r, 200, o);
out:
	if (e)
		kvpt_engine_free(e);
	json_decref(released);
	json_decref(inbox);
	kvpt_buf_release(&st);
	kvpt_buf_release(&log);
	kvpt_buf_release(&err);
}

/* Criteria and scale set by the organising committee. */

/*
 * Replace x's criteria and verdict scale (in its plan, so observations,
 * measures and the exercise object follow) by those of config {"scale":
 * [words], "criteria": [{"id", "name", "description"?, "weight"?}]}.
 */
void eval_config_apply(struct exercise *x, const json_t *config)
{
	struct kvpt_plan *p = x->plan;
	const json_t *sc = json_object_get(config, "scale");
	const json_t *cr = json_object_get(config, "criteria"), *c;
	struct kvpt_criterion *v;
	size_t i;

	if (json_array_size(sc)) {
		p->scale = kvpt_arena_alloc(&p->arena, json_array_size(sc) *
					    sizeof(*p->scale));
		p->nscale = (int)json_array_size(sc);
		json_array_foreach(sc, i, c)
			p->scale[i] = kvpt_arena_strdup(&p->arena,
							json_string_value(c));
	}
	if (!json_array_size(cr))
		return;
	v = xcalloc(json_array_size(cr), sizeof(*v));
	kvpt_strmap_release(&p->criterion_ids);
	kvpt_strmap_init(&p->criterion_ids);
	json_array_foreach(cr, i, c) {
		const char *d = jstr(c, "description");

		v[i].id = kvpt_arena_strdup(&p->arena, jstr(c, "id"));
		v[i].name = kvpt_arena_strdup(&p->arena, jstr(c, "name"));
		v[i].description = d ? kvpt_arena_strdup(&p->arena, d) : NULL;
		v[i].weight = json_is_number(json_object_get(c, "weight")) ?
			json_number_value(json_object_get(c, "weight")) : 1.0;
		kvpt_strmap_put(&p->criterion_ids, v[i].id, (int)i, NULL);
	}
	free(p->criteria);
	p->criteria = v;
	p->ncriteria = (int)json_array_size(cr);
	p->cap_criteria = json_array_size(cr);
}

void api_eval_config(struct req *r)
{
	static const struct field fields[] = {
		{ "scale", F_STRS, 1, 9 },
		{ "criteria", F_OBJS, 1, 50 },
		{ NULL, 0, 0, 0 },
	};
	struct exercise *x = r->x;
	json_t *body, *c, *seen = NULL, *o;
	size_t i, j;

	if (!r->as || r->as->kind != AS_DIRECTOR) {
		reply_error(r, 403, "forbidden", "the organising committee's "
			    "director sets the criteria and the scale");
		return;
	}
	body = req_json(r, fields);
	if (!body)
		return;
	if (json_array_size(json_object_get(body, "scale")) < 2) {
		reply_error(r, 400, "bad_request", "a scale has 2 to 9 words, "
			    "best first");
		goto out;
	}
	json_array_foreach(json_object_get(body, "scale"), i, c)
		for (j = 0; j < i; j++)
			if (!*json_string_value(c) ||
			    json_equal(c, json_array_get(json_object_get(
					       body, "scale"), j))) {
				reply_error(r, 400, "bad_request", "the scale's "
					    "words are not empty and differ");
				goto out;
			}
	c = json_object_get(body, "criteria");
	if (!json_array_size(c)) {
		reply_error(r, 400, "bad_request", "criteria: 1 to 50 of "
			    "{\"id\", \"name\", \"description\"?, \"weight\"?}");
		goto out;
	}
	seen = json_object();
	json_array_foreach(json_object_get(body, "criteria"), i, o) {
		const char *id = jstr(o, "id"), *name = jstr(o, "name");
		const json_t *w = json_object_get(o, "weight");
		const char *k;
		json_t *val;
		int bad = !json_is_object(o) || !id || !*id || strlen(id) > 64 ||
			  !name || !*name || strlen(name) > 300 ||
			  (w && (!json_is_number(w) ||
				 json_number_value(w) <= 0 ||
				 json_number_value(w) > 100)) ||
			  (json_object_get(o, "description") &&
			   (!jstr(o, "description") ||
			    strlen(jstr(o, "description")) > 2000)) ||
			  json_object_get(seen, id);

		json_object_foreach(o, k, val)
			bad |= strcmp(k, "id") && strcmp(k, "name") &&
			       strcmp(k, "description") && strcmp(k, "weight");
		if (bad) {
			reply_error(r, 400, "bad_request", "criteria[%zu]: an "
				    "id (unique, ≤ 64 bytes), a name, and "
				    "optionally a description and a weight "
				    "(0 to 100)", i);
			goto out;
		}
		json_object_set_new(seen, id, json_true());
	}
	for (i = 0; i < x->ncommitted; i++)
		if (!x->feed[i].engine &&
		    !strcmp(x->feed[i].type, "observation")) {
			reply_error(r, 409, "conflict", "observations were "
				    "recorded on the present criteria and "
				    "scale; they can no longer change");
			goto out;
		}
	if (req_write(r))
		goto out;
	srv_record_put(r, x, "evalconf", "", body);
	json_decref(x->evalconf);
	x->evalconf = json_incref(body);
	eval_config_apply(x, body);
	free(x->state_cache);
	x->state_cache = NULL;
	req_audit(r, "evaluation.config", json_pack(
		"{s:I,s:I}", "scale", (json_int_t)x->plan->nscale, "criteria",
		(json_int_t)x->plan->ncriteria));
	reply_json(r, 200, json_incref(body));
out:
	json_decref(seen);
	json_decref(body);
}
