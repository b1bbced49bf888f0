/*
 * api_prep: the months before N-day (DOMAIN.md §7) — committees, tasks
 * with deadlines and dependencies, the document workflow with versions,
 * rehearsal rounds and their findings, the readiness board — and
 * multi-level exercises (children sharing their parent's clock, roll-up).
 *
 * The work is kept as JSON records (store.h, kvpt_record_rec) held in
 * memory on the exercise and written through the batch like everything
 * else; document version texts are read from the store when asked for.
 * The shapes answered are in docs/api.md, "Preparation".
 */
#include "server/server_int.h"

#include "base/diff.h"
#include "report/diff_json.h"
#include "report/pdf.h"
#include "report/plan_book.h"
#include "report/xlsx.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "export/ics.h"
#include "export/timeline.h"
#include "model/extime.h"
#include "plan/msel.h"

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TASK_TITLE_MAX 300
#define TASK_TEXT_MAX 8000
#define COMMENT_MAX 4000
#define VERSION_MAX ((size_t)200 << 10)
#define NOTE_MAX 1000
#define FINDING_MAX 4000

static const char *const task_statuses[] = {
	"open", "doing", "done", "cancelled", NULL,
};

/* Rehearsal kinds, in the order they usually come (DOMAIN.md §7). */
static const struct {
	const char *id, *vi, *short_code;
} rehearsal_kinds[] = {
	{ "khop-tinh-huong", "Khớp tình huống", "KTH" },
	{ "luyen-tap-co-che", "Luyện tập phần cơ chế", "LT" },
	{ "dien-tap-thu", "Diễn tập thử", "DTT" },
	{ "tong-duyet", "Tổng duyệt", "TD" },
	{ NULL, NULL, NULL },
};

/* Small helpers. */

static const char *user_name(struct server *s, int64_t id)
{
	struct user *u = srv_user(s, id);

	if (!u)
		return "?";
	return u->display && *u->display ? u->display : u->name;
}

json_t *user_ref_json(struct server *s, int64_t id)
{
	return json_pack("{s:I,s:s}", "id", (json_int_t)id, "name",
			 user_name(s, id));
}

static int is_director(const struct assignment *a)
{
	return a && a->kind == AS_DIRECTOR;
}

static int is_manager(const struct assignment *a)
{
	return a && (a->kind == AS_DIRECTOR || a->kind == AS_CONTROLLER);
}

/* Whether the player a plays a role of body b (plan index). */
static int plays_in_body(const struct exercise *x, const struct assignment *a,
			 int b)
{
	int k;

	if (!a || a->kind != AS_PLAYER || b < 0)
		return 0;
	for (k = 0; k < x->plan->nroles; k++)
		if (a->plays[k] && x->plan->roles[k].body.idx == b)
			return 1;
	return 0;
}

/* Whether the player a plays a role held by person p (plan index). */
static int plays_person(const struct exercise *x, const struct assignment *a,
			int p)
{
	int k;

	if (!a || a->kind != AS_PLAYER || p < 0)
		return 0;
	for (k = 0; k < x->plan->nroles; k++)
		if (a->plays[k] && x->plan->roles[k].person.idx == p)
			return 1;
	return 0;
}

/* The exercise a run's preparation work belongs to. */
static struct exercise *home_of(struct exercise *x)
{
	return x->base ? x->base : x;
}

void srv_record_put(struct req *r, struct exercise *x, const char *kind,
		    const char *id, const json_t *data)
{
	struct kvpt_record_rec rec;
	struct kvpt_buf err = KVPT_BUF_INIT;
	char *text = json_dumps(data, JSON_COMPACT);

	rec.exercise = x->id;
	rec.kind = kind;
	rec.id = id;
	rec.data = text;
	rec.updated_ms = srv_now_ms();
	if (r->srv->store->ops->record_put(r->srv->store, &rec, &err)) {
		srv_log(r->srv, "store: %s", err.s);
		r->srv->batch_failed = 1;
	}
	free(text);
	kvpt_buf_release(&err);
}

static void put_record_int(struct req *r, struct exercise *x,
			   const char *kind, int64_t id, const json_t *data)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", (long long)id);
	srv_record_put(r, x, kind, buf, data);
}

/* The positive decimal integer s, or 0. */
static int64_t num_or_zero(const char *s)
{
	char *end;
	long long v;

	if (!s || *s < '0' || *s > '9')
		return 0;
	v = strtoll(s, &end, 10);
	return *end || v <= 0 ? 0 : v;
}

/* The integer in path segment i (> 0), or 0. */
static int64_t seg_id(const struct req *r, int i)
{
	return i < r->nseg ? num_or_zero(r->seg[i]) : 0;
}

static json_t *by_int(json_t *map, int64_t id)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", (long long)id);
	return json_object_get(map, buf);
}

static void set_int(json_t *map, int64_t id, json_t *v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", (long long)id);
	json_object_set_new(map, buf, v);
}

/* Attachments: metadata for the ids in arr. */
static json_t *atts_out(const struct exercise *x, const json_t *arr)
{
	json_t *out = json_array(), *v;
	size_t i;

	json_array_foreach(arr, i, v) {
		const struct attachment_owner *o =
			srv_attachment(x, json_integer_value(v));

		if (o)
			json_array_append_new(out, json_pack(
				"{s:I,s:s,s:s,s:I}", "id", (json_int_t)o->id,
				"name", o->name, "mime", o->mime, "size",
				(json_int_t)o->size));
	}
	return out;
}

/* Whether every id in body["attachments"] is an attachment the user
 * uploaded to x (else answered 400). */
static int atts_ok(struct req *r, struct exercise *x, const json_t *body)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(body, "attachments"), i, v) {
		if (srv_attachment_owner(x, json_integer_value(v)) !=
		    r->user->id) {
			reply_error(r, 400, "bad_request", "attachment %lld "
				    "is not one you uploaded to this exercise",
				    (long long)json_integer_value(v));
			return 0;
		}
	}
	return 1;
}

static json_t *atts_copy(const json_t *body)
{
	json_t *a = json_object_get(body, "attachments");

	return a ? json_deep_copy(a) : json_array();
}

/*
 * A deadline as written: `N-10`, `N-3 08:00` or a date `2026-12-01`
 * (`2026-12-01 17:00`), local time of the plan.  Sets the Unix ms.
 */
static int due_parse(const struct exercise *x, const char *s, int64_t *ms,
		     const char **why)
{
	struct kvpt_timebase tb = kvpt_plan_timebase(x->plan);
	char buf[48];
	kvpt_time t;
	size_t n = strlen(s);

	if (!tb.valid) {
		*why = "the plan does not fix day N to a date";
		return KVPT_EINVAL;
	}
	if (n >= sizeof(buf) - 8) {
		*why = "too long";
		return KVPT_EINVAL;
	}
	memcpy(buf, s, n + 1);
	if (n == 10 && buf[4] == '-' && buf[7] == '-')
		memcpy(buf + n, "T00:00", 7);
	else if (n == 16 && buf[4] == '-' && buf[10] == ' ')
		buf[10] = 'T';
	if (kvpt_time_parse(buf, &tb, &t, why))
		return KVPT_EINVAL;
	*ms = tb.n_epoch_ms + t;
	return 0;
}

/* Committees. */

static json_t *person_json(const struct kvpt_plan *p, int i)
{
	if (i < 0)
		return json_null();
	return json_pack("{s:s,s:s,s:s?}", "id", p->people[i].id, "name",
			 p->people[i].name ? p->people[i].name
					   : p->people[i].id,
			 "title", p->people[i].title);
}

void api_committees(struct req *r)
{
	const struct kvpt_plan *p = r->x->plan;
	json_t *list = json_array(), *sa = json_null();
	int i, k, m;

	for (i = 0; i < p->ncommittees; i++) {
		const struct kvpt_committee *c = &p->committees[i];
		json_t *members = json_array();

		for (m = 0; m < c->nmembers; m++) {
			int pi = c->members[m].person.idx;
			json_t *roles = json_array();

			for (k = 0; k < p->nroles && pi >= 0; k++)
				if (p->roles[k].person.idx == pi)
					json_array_append_new(
						roles, json_string(p->roles[k].id));
			json_array_append_new(members, json_pack(
				"{s:o,s:s?,s:o}", "person", person_json(p, pi),
				"duty", c->members[m].duty, "roles", roles));
		}
		json_array_append_new(list, json_pack(
			"{s:s,s:s,s:s,s:s,s:s?,s:o,s:o}", "id", c->id,
			"name", c->name ? c->name : c->id, "kind",
			kvpt_enum_id(kvpt_committee_kinds, c->kind),
			"kind_label", kvpt_enum_vi(kvpt_committee_kinds,
						   c->kind),
			"parent", c->parent.idx >= 0 ?
				p->committees[c->parent.idx].id : NULL,
			"head", person_json(p, c->head.idx),
			"members", members));
	}
	if (p->ex.standing_agency.idx >= 0) {
		const struct kvpt_body *b =
			&p->bodies[p->ex.standing_agency.idx];

		sa = json_pack("{s:s,s:s}", "id", b->id, "name",
			       b->name ? b->name : b->id);
	}
	reply_json(r, 200, json_pack("{s:o,s:o}", "standing_agency", sa,
				     "committees", list));
}

/* Tasks. */

/* Whether task t is assigned to the player a (a body of theirs, or a
 * person who plays one of their roles). */
static int task_is_players(const struct exercise *x,
			   const struct assignment *a, const json_t *t)
{
	const json_t *as = json_object_get(t, "assignee");
	const char *kind = jstr(as, "kind"), *id = jstr(as, "id");

	if (!kind || !id)
		return 0;
	if (!strcmp(kind, "body"))
		return plays_in_body(x, a, kvpt_strmap_get(&x->plan->body_ids,
							   id));
	return plays_person(x, a, kvpt_strmap_get(&x->plan->person_ids, id));
}

static int task_visible(const struct exercise *x, const struct assignment *a,
			const json_t *t)
{
	return sees_all(a) || task_is_players(x, a, t);
}

static int task_closed(const json_t *t)
{
	const char *st = jstr(t, "status");

	return st && (!strcmp(st, "done") || !strcmp(st, "cancelled"));
}

static int task_blocked(const struct exercise *x, const json_t *t)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(t, "depends_on"), i, v) {
		const json_t *d = by_int(x->tasks, json_integer_value(v));
		const char *st = d ? jstr(d, "status") : NULL;

		if (d && (!st || strcmp(st, "done")))
			return 1;
	}
	return 0;
}

static int task_overdue(const json_t *t, int64_t now)
{
	return !task_closed(t) && jint(t, "due_ms") < now;
}

static json_t *assignee_out(const struct exercise *x, const json_t *as)
{
	const char *kind = jstr(as, "kind"), *id = jstr(as, "id");
	const char *name = id;
	int i;

	if (kind && !strcmp(kind, "body")) {
		i = kvpt_strmap_get(&x->plan->body_ids, id);
		if (i >= 0 && x->plan->bodies[i].name)
			name = x->plan->bodies[i].name;
	} else {
		i = kvpt_strmap_get(&x->plan->person_ids, id);
		if (i >= 0 && x->plan->people[i].name)
			name = x->plan->people[i].name;
	}
	return json_pack("{s:s,s:s,s:s}", "kind", kind ? kind : "body", "id",
			 id ? id : "", "name", name ? name : "");
}

json_t *task_out(struct server *s, const struct exercise *x,
		 const json_t *t, int64_t now)
{
	json_t *o = json_deep_copy(t), *comments = json_array(), *c;
	size_t i;

	json_object_set_new(o, "assignee",
			    assignee_out(x, json_object_get(t, "assignee")));
	json_object_set_new(o, "created_by",
			    user_ref_json(s, jint(t, "created_by")));
	if (!json_object_get(o, "corrective"))	/* written before actions were */
		json_object_set_new(o, "corrective", json_false());
	if (!json_object_get(o, "lesson"))
		json_object_set_new(o, "lesson", json_null());
	json_object_set_new(o, "overdue", json_boolean(task_overdue(t, now)));
	json_object_set_new(o, "blocked", json_boolean(task_blocked(x, t)));
	json_object_set_new(o, "attachments",
			    atts_out(x, json_object_get(t, "attachments")));
	json_array_foreach(json_object_get(t, "comments"), i, c) {
		json_t *co = json_deep_copy(c);

		json_object_set_new(co, "user", user_ref_json(s, jint(c, "user")));
		json_object_set_new(co, "attachments",
				    atts_out(x, json_object_get(c,
								"attachments")));
		json_array_append_new(comments, co);
	}
	json_object_set_new(o, "comments", comments);
	return o;
}

static int cmp_due(const void *a, const void *b)
{
	const json_t *ta = *(json_t *const *)a, *tb = *(json_t *const *)b;
	int64_t da = jint(ta, "due_ms"), db = jint(tb, "due_ms");

	if (da != db)
		return da < db ? -1 : 1;
	return jint(ta, "id") < jint(tb, "id") ? -1 : 1;
}

/* The tasks of x in due order (borrowed), *n of them. */
static json_t **tasks_sorted(const struct exercise *x, size_t *n)
{
	json_t **v = xmalloc(sizeof(*v) * (json_object_size(x->tasks) + 1));
	const char *key;
	json_t *t;

	*n = 0;
	json_object_foreach(x->tasks, key, t)
		v[(*n)++] = t;
	qsort(v, *n, sizeof(*v), cmp_due);
	return v;
}

/* Whether exercise e comes before x in the same locality (the corrective
 * actions e leaves open are carried into x). */
static int earlier_of_locality(const struct exercise *e,
			       const struct exercise *x)
{
	const char *a = e->plan->ex.locality, *b = x->plan->ex.locality;

	return e != x && !e->base && e->id < x->id && a && b && !strcmp(a, b);
}

/* Append to out the open corrective actions of earlier exercises of x's
 * locality, marked with where they come from. */
static void tasks_carried(struct req *r, const struct exercise *x,
			  json_t *out, int64_t now)
{
	int k;

	for (k = 0; k < r->srv->nex; k++) {
		const struct exercise *e = r->srv->ex[k];
		json_t **v;
		size_t n, i;

		if (!earlier_of_locality(e, x))
			continue;
		v = tasks_sorted(e, &n);
		for (i = 0; i < n; i++) {
			json_t *o;

			if (!json_is_true(json_object_get(v[i],
							  "corrective")) ||
			    task_closed(v[i]))
				continue;
			/* seen as the earlier exercise would show it */
			if (!sees_all(r->as) &&
			    !task_is_players(e, srv_assignment(
				(struct exercise *)e, r->user->id), v[i]))
				continue;
			o = task_out(r->srv, e, v[i], now);
			json_object_set_new(o, "carried_from", json_pack(
				"{s:I,s:s,s:s}", "id", (json_int_t)e->id,
				"code", e->code, "name", e->name));
			json_array_append_new(out, o);
		}
		free(v);
	}
}

void api_tasks_list(struct req *r)
{
	struct exercise *x = home_of(r->x);
	const char *mine = req_query(r, "mine");
	int only_mine = mine && !strcmp(mine, "1");
	int64_t now = srv_now_ms();
	json_t *out = json_array(), **v;
	size_t n, i;

	v = tasks_sorted(x, &n);
	for (i = 0; i < n; i++) {
		if (!task_visible(x, r->as, v[i]))
			continue;
		if (only_mine && !task_is_players(x, r->as, v[i]) &&
		    jint(v[i], "created_by") != r->user->id)
			continue;
		json_array_append_new(out, task_out(r->srv, x, v[i], now));
	}
	free(v);
	if (!only_mine)
		tasks_carried(r, x, out, now);
	reply_json(r, 200, json_pack("{s:I,s:o}", "now_ms", (json_int_t)now,
				     "tasks", out));
}

/* Whether following depends_on from the tasks in deps reaches id. */
static int reaches(const struct exercise *x, const json_t *deps, int64_t id,
		   int depth)
{
	json_t *v;
	size_t i;

	if (depth > 10000)
		return 1;
	json_array_foreach(deps, i, v) {
		int64_t d = json_integer_value(v);
		const json_t *t = by_int(x->tasks, d);

		if (d == id)
			return 1;
		if (t && reaches(x, json_object_get(t, "depends_on"), id,
				 depth + 1))
			return 1;
	}
	return 0;
}

/*
 * Read the assignee, due and depends_on fields of body into t (those
 * present); answers the error and returns -1 when one is wrong.
 */
static int task_fields(struct req *r, struct exercise *x, const json_t *body,
		       json_t *t, int64_t id)
{
	const char *ab = jstr(body, "assignee_body");
	const char *ap = jstr(body, "assignee_person");
	const char *due = jstr(body, "due"), *why = "";
	const json_t *deps = json_object_get(body, "depends_on"), *v;
	int64_t ms = 0;
	size_t i;

	if (ab && ap) {
		reply_error(r, 400, "bad_request", "a task goes to a body or "
			    "to a person, not both");
		return -1;
	}
	if (ab && kvpt_strmap_get(&x->plan->body_ids, ab) < 0) {
		reply_error(r, 400, "bad_request", "unknown body '%.64s'", ab);
		return -1;
	}
	if (ap && kvpt_strmap_get(&x->plan->person_ids, ap) < 0) {
		reply_error(r, 400, "bad_request", "unknown person '%.64s'",
			    ap);
		return -1;
	}
	if (due && due_parse(x, due, &ms, &why)) {
		reply_error(r, 400, "bad_request", "due '%.48s': %s", due,
			    why);
		return -1;
	}
	json_array_foreach(deps, i, v) {
		if (id && json_integer_value(v) == id) {
			reply_error(r, 422, "dependency_cycle", "task %lld "
				    "cannot depend on itself", (long long)id);
			return -1;
		}
		if (!by_int(x->tasks, json_integer_value(v))) {
			reply_error(r, 400, "bad_request", "depends_on: no "
				    "task %lld", (long long)
				    json_integer_value(v));
			return -1;
		}
	}
	if (deps && id && reaches(x, deps, id, 0)) {
		reply_error(r, 422, "dependency_cycle", "task %lld would "
			    "depend on itself through depends_on",
			    (long long)id);
		return -1;
	}
	if (ab || ap)
		json_object_set_new(t, "assignee", json_pack(
			"{s:s,s:s}", "kind", ab ? "body" : "person", "id",
			ab ? ab : ap));
	if (due) {
		json_object_set_new(t, "due", json_string(due));
		json_object_set_new(t, "due_ms", json_integer(ms));
	}
	if (deps)
		json_object_set_new(t, "depends_on", json_deep_copy(deps));
	return 0;
}

static const struct field task_fields_table[] = {
	{ "title", F_STR, 0, TASK_TITLE_MAX },
	{ "description", F_STR, 0, TASK_TEXT_MAX },
	{ "assignee_body", F_STR, 0, 128 },
	{ "assignee_person", F_STR, 0, 128 },
	{ "due", F_STR, 0, 40 },
	{ "depends_on", F_INTS, 0, 100 },
	{ "attachments", F_INTS, 0, 20 },
	{ "status", F_STR, 0, 16 },
	{ "corrective", F_BOOL, 0, 0 },
	{ "lesson", F_INT, 0, 0 },
	{ NULL, 0, 0, 0 },
};

/* Make a task in x (the caller has checked who may); returns it
 * (borrowed) or NULL after answering an error.  finding is 0 or the id
 * of the finding it corrects. */
static json_t *task_make(struct req *r, struct exercise *x, json_t *body,
			 int64_t finding)
{
	json_t *t = json_object();
	const char *title = jstr(body, "title");
	int64_t now = srv_now_ms(), id = x->next_task;

	if (!title || !*title || (!jstr(body, "assignee_body") &&
				  !jstr(body, "assignee_person")) ||
	    !jstr(body, "due")) {
		reply_error(r, 400, "bad_request", "a task needs a title, an "
			    "assignee (assignee_body or assignee_person) and "
			    "a due date");
		goto fail;
	}
	if (json_object_get(body, "status")) {
		reply_error(r, 400, "bad_request", "a new task is open");
		goto fail;
	}
	if (json_object_get(body, "lesson") &&
	    !by_int(x->lessons, jint(body, "lesson"))) {
		reply_error(r, 400, "bad_request", "no lesson %lld",
			    (long long)jint(body, "lesson"));
		goto fail;
	}
	if (task_fields(r, x, body, t, 0) || !atts_ok(r, x, body))
		goto fail;
	if (req_write(r))
		goto fail;
	json_object_set_new(t, "corrective", json_boolean(
		json_is_true(json_object_get(body, "corrective")) ||
		json_object_get(body, "lesson") || finding));
	json_object_set_new(t, "lesson", json_object_get(body, "lesson") ?
			    json_integer(jint(body, "lesson")) : json_null());
	json_object_set_new(t, "id", json_integer(id));
	json_object_set_new(t, "title", json_string(title));
	json_object_set_new(t, "description",
			    json_string(jstr(body, "description") ?
					jstr(body, "description") : ""));
	if (!json_object_get(t, "depends_on"))
		json_object_set_new(t, "depends_on", json_array());
	json_object_set_new(t, "status", json_string("open"));
	json_object_set_new(t, "finding", finding ? json_integer(finding)
						  : json_null());
	json_object_set_new(t, "created_by", json_integer(r->user->id));
	json_object_set_new(t, "created_ms", json_integer(now));
	json_object_set_new(t, "updated_ms", json_integer(now));
	json_object_set_new(t, "comments", json_array());
	json_object_set_new(t, "attachments", atts_copy(body));
	set_int(x->tasks, id, t);
	x->next_task++;
	put_record_int(r, x, "task", id, t);
	return t;
fail:
	json_decref(t);
	return NULL;
}

void api_task_create(struct req *r)
{
	struct exercise *x = home_of(r->x);
	json_t *body, *t;

	if (!is_manager(r->as)) {
		reply_error(r, 403, "forbidden", "directors and controllers "
			    "assign tasks");
		return;
	}
	body = req_json(r, task_fields_table);
	if (!body)
		return;
	t = task_make(r, x, body, 0);
	if (t) {
		req_audit(r, "task.create", json_pack(
			"{s:I,s:s}", "task", (json_int_t)jint(t, "id"),
			"title", jstr(t, "title")));
		reply_json(r, 201, task_out(r->srv, x, t, srv_now_ms()));
	}
	json_decref(body);
}

/* The task of path segment 3 that the user may see, or NULL answered. */
static json_t *task_of_path(struct req *r, struct exercise *x)
{
	json_t *t = by_int(x->tasks, seg_id(r, 3));

	if (!t || !task_visible(x, r->as, t)) {
		reply_error(r, 404, "not_found", "no such task");
		return NULL;
	}
	return t;
}

void api_task_patch(struct req *r)
{
	struct exercise *x = home_of(r->x);
	json_t *t = task_of_path(r, x), *body, *next = NULL;
	const char *st, *key;
	json_t *v;
	int k;

	if (!t)
		return;
	if (!is_manager(r->as) && !task_is_players(x, r->as, t)) {
		reply_error(r, 403, "forbidden", "only the directing staff and "
			    "the task's assignee change a task");
		return;
	}
	body = req_json(r, task_fields_table);
	if (!body)
		return;
	if (!is_manager(r->as)) {
		json_object_foreach(body, key, v) {
			if (strcmp(key, "status")) {
				reply_error(r, 403, "forbidden", "the assignee "
					    "changes the status only");
				goto out;
			}
		}
	}
	st = jstr(body, "status");
	if (st) {
		for (k = 0; task_statuses[k]; k++)
			if (!strcmp(task_statuses[k], st))
				break;
		if (!task_statuses[k]) {
			reply_error(r, 400, "bad_request", "status is open, "
				    "doing, done or cancelled");
			goto out;
		}
	}
	if (json_object_get(body, "lesson")) {
		reply_error(r, 400, "bad_request", "a task's lesson is set "
			    "when it is made");
		goto out;
	}
	if (json_object_get(body, "title") && !*jstr(body, "title")) {
		reply_error(r, 400, "bad_request", "a task needs a title");
		goto out;
	}
	next = json_deep_copy(t);
	if (task_fields(r, x, body, next, jint(t, "id")) ||
	    !atts_ok(r, x, body))
		goto out;
	if (st && !strcmp(st, "done") && task_blocked(x, next)) {
		reply_error(r, 409, "blocked", "a task it depends on is not "
			    "done yet");
		goto out;
	}
	if (req_write(r))
		goto out;
	if (st)
		json_object_set_new(next, "status", json_string(st));
	if (jstr(body, "title"))
		json_object_set(next, "title", json_object_get(body, "title"));
	if (jstr(body, "description"))
		json_object_set(next, "description",
				json_object_get(body, "description"));
	if (json_object_get(body, "attachments"))
		json_object_set_new(next, "attachments", atts_copy(body));
	if (json_object_get(body, "corrective"))
		json_object_set(next, "corrective",
				json_object_get(body, "corrective"));
	json_object_set_new(next, "updated_ms", json_integer(srv_now_ms()));
	set_int(x->tasks, jint(t, "id"), next);
	put_record_int(r, x, "task", jint(next, "id"), next);
	req_audit(r, st ? "task.status" : "task.update", json_pack(
		"{s:I,s:s?}", "task", (json_int_t)jint(next, "id"), "status",
		st));
	reply_json(r, 200, task_out(r->srv, x, next, srv_now_ms()));
	next = NULL;
out:
	json_decref(next);
	json_decref(body);
}

void api_task_comment(struct req *r)
{
	static const struct field fields[] = {
		{ "text", F_STR, 1, COMMENT_MAX },
		{ "attachments", F_INTS, 0, 20 },
		{ NULL, 0, 0, 0 },
	};
	struct exercise *x = home_of(r->x);
	json_t *t = task_of_path(r, x), *body, *c;
	int64_t now = srv_now_ms();

	if (!t)
		return;
	if (r->as->kind == AS_OBSERVER) {
		reply_error(r, 403, "forbidden", "observers do not comment");
		return;
	}
	body = req_json(r, fields);
	if (!body)
		return;
	if (!*jstr(body, "text")) {
		reply_error(r, 400, "bad_request", "a comment needs text");
		goto out;
	}
	if (!atts_ok(r, x, body) || req_write(r))
		goto out;
	c = json_pack("{s:I,s:I,s:O,s:I,s:o}", "id",
		      (json_int_t)x->next_comment++, "user",
		      (json_int_t)r->user->id, "text",
		      json_object_get(body, "text"), "at_ms", (json_int_t)now,
		      "attachments", atts_copy(body));
	json_array_append_new(json_object_get(t, "comments"), c);
	json_object_set_new(t, "updated_ms", json_integer(now));
	put_record_int(r, x, "task", jint(t, "id"), t);
	req_audit(r, "task.comment", json_pack(
		"{s:I,s:I}", "task", (json_int_t)jint(t, "id"), "comment",
		(json_int_t)jint(c, "id")));
	c = json_deep_copy(c);
	json_object_set_new(c, "user", user_ref_json(r->srv, r->user->id));
	json_object_set_new(c, "attachments",
			    atts_out(x, json_object_get(body, "attachments")));
	reply_json(r, 201, c);
out:
	json_decref(body);
}

/* The document workflow. */

enum { WF_DRAFT, WF_APPRAISED, WF_APPROVED, WF_ISSUED };

static const struct {
	const char *step;
	int from_mask;		/* 1u << WF_… it may start from */
	int to;
} wf_steps[] = {
	{ "version", 1 << WF_DRAFT | 1 << WF_APPRAISED, WF_DRAFT },
	{ "appraise", 1 << WF_DRAFT, WF_APPRAISED },
	{ "approve", 1 << WF_APPRAISED, WF_APPROVED },
	{ "issue", 1 << WF_APPROVED, WF_ISSUED },
	{ "return", 1 << WF_APPRAISED | 1 << WF_APPROVED, WF_DRAFT },
	{ NULL, 0, 0 },
};

/* The document of plan index d's workflow record, made on first use. */
static json_t *doc_wf(struct exercise *x, int d)
{
	const struct kvpt_document *doc = &x->plan->documents[d];
	json_t *wf = json_object_get(x->docs, doc->id);

	if (!wf) {
		wf = json_pack("{s:s,s:[],s:[]}", "status",
			       kvpt_enum_id(kvpt_doc_statuses, doc->status),
			       "versions", "history");
		json_object_set_new(x->docs, doc->id, wf);
	}
	return wf;
}

static int doc_status(const struct exercise *x, int d)
{
	const json_t *wf = json_object_get(x->docs, x->plan->documents[d].id);
	int st;

	if (!wf)
		return x->plan->documents[d].status;
	st = kvpt_enum_parse(kvpt_doc_statuses, jstr(wf, "status"));
	return st < 0 ? WF_DRAFT : st;
}

static int doc_owner_player(const struct exercise *x,
			    const struct assignment *a, int d)
{
	return plays_in_body(x, a, x->plan->documents[d].owner.idx);
}

/* Whether the user sees document d's versions and history. */
int doc_visible(const struct exercise *x, const struct user *u,
		const struct assignment *a, int d)
{
	if (u->clearance < (int)x->plan->documents[d].classification)
		return 0;
	return sees_all(a) || doc_owner_player(x, a, d) ||
	       doc_status(x, d) == WF_ISSUED ||
	       x->doc_issued[d] != KVPT_TIME_NONE;
}

/* Whether the user may take workflow step k on document d now. */
static int doc_may(const struct exercise *x, const struct assignment *a,
		   int d, int k)
{
	int st = doc_status(x, d);
	const json_t *wf = json_object_get(x->docs,
					   x->plan->documents[d].id);

	if (!(wf_steps[k].from_mask & 1 << st))
		return 0;
	switch (k) {
	case 0:		/* version */
		return is_manager(a) || doc_owner_player(x, a, d);
	case 1:		/* appraise */
		return is_manager(a) &&
		       json_array_size(json_object_get(wf, "versions"));
	case 2:		/* approve */
		return is_director(a);
	case 3:		/* issue */
		return is_director(a) || doc_owner_player(x, a, d);
	default:	/* return */
		return is_manager(a);
	}
}

/* The document of path segment 3 the user may see, or -1 answered. */
static int doc_of_path(struct req *r)
{
	struct exercise *x = home_of(r->x);
	int d = kvpt_strmap_get(&x->plan->document_ids, r->seg[3]);

	if (d < 0 || !doc_visible(x, r->user, r->as, d)) {
		reply_error(r, 404, "not_found", "no such document");
		return -1;
	}
	return d;
}

static json_t *doc_out(struct req *r, int d)
{
	struct exercise *x = home_of(r->x);
	const json_t *wf = json_object_get(x->docs, x->plan->documents[d].id);
	json_t *versions = json_array(), *hist = json_array();
	json_t *allowed = json_array(), *v, *o;
	size_t i;
	int k;

	json_array_foreach(json_object_get(wf, "versions"), i, v) {
		o = json_deep_copy(v);
		json_object_set_new(o, "user", user_ref_json(r->srv, jint(v, "user")));
		json_object_set_new(o, "attachments",
				    atts_out(x, json_object_get(v,
								"attachments")));
		json_array_append_new(versions, o);
	}
	json_array_foreach(json_object_get(wf, "history"), i, v) {
		o = json_deep_copy(v);
		json_object_set_new(o, "user", user_ref_json(r->srv, jint(v, "user")));
		json_array_append_new(hist, o);
	}
	for (k = 0; wf_steps[k].step; k++)
		if (doc_may(x, r->as, d, k))
			json_array_append_new(allowed,
					      json_string(wf_steps[k].step));
	o = document_json(x, d);
	json_object_set_new(o, "versions", versions);
	json_object_set_new(o, "history", hist);
	json_object_set_new(o, "allowed", allowed);
	return o;
}

void prep_document_json(const struct exercise *x, int i, json_t *o)
{
	const json_t *wf = json_object_get(x->docs, x->plan->documents[i].id);

	json_object_set_new(o, "workflow_status", json_string(kvpt_enum_id(
		kvpt_doc_statuses, doc_status(x, i))));
	json_object_set_new(o, "versions", json_integer((json_int_t)
		json_array_size(json_object_get(wf, "versions"))));
}

void api_document_get(struct req *r)
{
	int d = doc_of_path(r);

	if (d >= 0)
		reply_json(r, 200, doc_out(r, d));
}

/* One step of the workflow: a history entry, the new status. */
static void wf_record(struct req *r, int d, int k, const char *reason,
		      int64_t version)
{
	struct exercise *x = home_of(r->x);
	json_t *wf = doc_wf(x, d);
	const char *from = jstr(wf, "status");
	const char *to = kvpt_enum_id(kvpt_doc_statuses, wf_steps[k].to);
	json_t *h = json_pack("{s:s,s:s,s:s,s:I,s:I}", "step",
			      wf_steps[k].step, "from", from, "to", to,
			      "user", (json_int_t)r->user->id, "at_ms",
			      (json_int_t)srv_now_ms());

	if (reason)
		json_object_set_new(h, "reason", json_string(reason));
	if (version)
		json_object_set_new(h, "version", json_integer(version));
	json_array_append_new(json_object_get(wf, "history"), h);
	json_object_set_new(wf, "status", json_string(to));
	srv_record_put(r, x, "doc", x->plan->documents[d].id, wf);
}

void api_document_version_post(struct req *r)
{
	static const struct field fields[] = {
		{ "text", F_STR, 1, VERSION_MAX },
		{ "note", F_STR, 0, NOTE_MAX },
		{ "attachments", F_INTS, 0, 20 },
		{ NULL, 0, 0, 0 },
	};
	struct exercise *x = home_of(r->x);
	int d = doc_of_path(r);
	json_t *body, *wf, *meta;
	int64_t n;
	char id[160];

	if (d < 0)
		return;
	if (!is_manager(r->as) && !doc_owner_player(x, r->as, d)) {
		reply_error(r, 403, "forbidden", "the owner body and the "
			    "directing staff write versions");
		return;
	}
	if (!doc_may(x, r->as, d, 0)) {
		if (doc_status(x, d) == WF_ISSUED)
			reply_error(r, 409, "workflow", "an issued document "
				    "is final: it takes no new version");
		else if (doc_status(x, d) == WF_APPROVED)
			reply_error(r, 409, "workflow", "an approved document "
				    "takes no new version; return it to draft "
				    "first");
		return;
	}
	body = req_json(r, fields);
	if (!body)
		return;
	if (!atts_ok(r, x, body) || req_write(r))
		goto out;
	wf = doc_wf(x, d);
	n = (int64_t)json_array_size(json_object_get(wf, "versions")) + 1;
	meta = json_pack("{s:I,s:I,s:I,s:s,s:I,s:o}", "n", (json_int_t)n,
			 "user", (json_int_t)r->user->id, "at_ms",
			 (json_int_t)srv_now_ms(), "note",
			 jstr(body, "note") ? jstr(body, "note") : "", "size",
			 (json_int_t)json_string_length(json_object_get(body,
									"text")),
			 "attachments", atts_copy(body));
	json_array_append_new(json_object_get(wf, "versions"), meta);
	snprintf(id, sizeof(id), "%s/%lld", x->plan->documents[d].id,
		 (long long)n);
	srv_record_put(r, x, "docver", id, json_pack(
		"{s:I,s:O}", "n", (json_int_t)n, "text",
		json_object_get(body, "text")));
	wf_record(r, d, 0, NULL, n);
	req_audit(r, "document.version", json_pack(
		"{s:s,s:I}", "document", x->plan->documents[d].id, "version",
		(json_int_t)n));
	meta = json_deep_copy(meta);
	json_object_set_new(meta, "user", user_ref_json(r->srv, r->user->id));
	json_object_set_new(meta, "attachments",
			    atts_out(x, json_object_get(body, "attachments")));
	reply_json(r, 201, meta);
out:
	json_decref(body);
}

struct version_read {
	json_t *v;
};

static int version_cb(void *arg, const struct kvpt_record_rec *rec)
{
	struct version_read *vr = arg;

	vr->v = json_loads(rec->data, 0, NULL);
	return 0;
}

/* Version n of document d (new reference), or NULL. */
static json_t *version_load(struct req *r, int d, int64_t n)
{
	struct version_read vr = { NULL };
	char id[160];

	snprintf(id, sizeof(id), "%s/%lld", home_of(r->x)->plan->documents[d].id,
		 (long long)n);
	r->srv->store->ops->record_get(r->srv->store, home_of(r->x)->id, "docver",
				       id, version_cb, &vr, NULL);
	return vr.v;
}

void api_document_version_get(struct req *r)
{
	int d = doc_of_path(r);
	int64_t n = seg_id(r, 5);
	json_t *wf, *meta, *v, *o;

	if (d < 0)
		return;
	wf = json_object_get(home_of(r->x)->docs,
			     home_of(r->x)->plan->documents[d].id);
	meta = n ? json_array_get(json_object_get(wf, "versions"),
				  (size_t)n - 1) : NULL;
	v = meta ? version_load(r, d, n) : NULL;
	if (!v) {
		reply_error(r, 404, "not_found", "no such version");
		return;
	}
	o = json_deep_copy(meta);
	json_object_set_new(o, "user", user_ref_json(r->srv, jint(meta, "user")));
	json_object_set_new(o, "attachments",
			    atts_out(home_of(r->x), json_object_get(meta,
							   "attachments")));
	json_object_set(o, "text", json_object_get(v, "text"));
	json_decref(v);
	reply_json(r, 200, o);
}

void api_document_diff(struct req *r)
{
	int d = doc_of_path(r);
	const char *qf = req_query(r, "from"), *qt = req_query(r, "to");
	int64_t nv, from, to;
	json_t *a = NULL, *b = NULL, *o;
	struct kvpt_diff df = KVPT_DIFF_INIT;

	if (d < 0)
		return;
	nv = (int64_t)json_array_size(json_object_get(json_object_get(
		home_of(r->x)->docs, home_of(r->x)->plan->documents[d].id),
		"versions"));
	from = qf ? num_or_zero(qf) : nv - 1;
	to = qt ? num_or_zero(qt) : nv;
	if (from < 1 || to < 1 || from > nv || to > nv) {
		reply_error(r, 400, "bad_request", "from and to are version "
			    "numbers, 1 to %lld", (long long)nv);
		return;
	}
	a = version_load(r, d, from);
	b = version_load(r, d, to);
	if (!a || !b) {
		reply_error(r, 404, "not_found", "no such version");
		goto out;
	}
	kvpt_diff(&df, jstr(a, "text"), json_string_length(
			  json_object_get(a, "text")), jstr(b, "text"),
		  json_string_length(json_object_get(b, "text")), 3);
	o = kvpt_diff_json(&df);
	json_object_set_new(o, "from", json_integer(from));
	json_object_set_new(o, "to", json_integer(to));
	kvpt_diff_release(&df);
	reply_json(r, 200, o);
out:
	json_decref(a);
	json_decref(b);
}

void api_document_workflow(struct req *r)
{
	static const struct field fields[] = {
		{ "step", F_STR, 1, 16 },
		{ "reason", F_STR, 0, NOTE_MAX },
		{ NULL, 0, 0, 0 },
	};
	struct exercise *x = home_of(r->x);
	int d = doc_of_path(r), k;
	json_t *body;
	const char *step, *reason;

	if (d < 0)
		return;
	body = req_json(r, fields);
	if (!body)
		return;
	step = jstr(body, "step");
	reason = jstr(body, "reason");
	for (k = 1; wf_steps[k].step; k++)
		if (!strcmp(wf_steps[k].step, step))
			break;
	if (!wf_steps[k].step) {
		reply_error(r, 400, "bad_request", "step is appraise, approve, "
			    "issue or return (a new version is POST "
			    "…/versions)");
		goto out;
	}
	if (!(wf_steps[k].from_mask & 1 << doc_status(x, d))) {
		reply_error(r, 409, "workflow", "a document that is %s cannot "
			    "be taken to '%s'",
			    kvpt_enum_id(kvpt_doc_statuses, doc_status(x, d)),
			    step);
		goto out;
	}
	if (!doc_may(x, r->as, d, k)) {
		if (k == 1 && is_manager(r->as))
			reply_error(r, 409, "workflow", "there is no version "
				    "to appraise yet");
		else
			reply_error(r, 403, "forbidden", "you may not %s "
				    "this document", step);
		goto out;
	}
	if (k == 4 && (!reason || !*reason)) {
		reply_error(r, 400, "bad_request", "returning a document "
			    "needs a reason");
		goto out;
	}
	if (req_write(r))
		goto out;
	wf_record(r, d, k, k == 4 ? reason : (reason && *reason ? reason
								 : NULL), 0);
	req_audit(r, "document.workflow", json_pack(
		"{s:s,s:s,s:s?}", "document", x->plan->documents[d].id,
		"step", step, "reason", reason));
	reply_json(r, 200, doc_out(r, d));
out:
	json_decref(body);
}

/* Rehearsal rounds. */

static int rehearsal_kind(const char *id)
{
	int k;

	for (k = 0; id && rehearsal_kinds[k].id; k++)
		if (!strcmp(rehearsal_kinds[k].id, id))
			return k;
	return -1;
}

static json_t *findings_count(const struct exercise *base, int64_t run)
{
	const char *key;
	json_t *f;
	int total = 0, open = 0;

	json_object_foreach(base->findings, key, f) {
		const json_t *t;

		if (run && jint(f, "run") != run)
			continue;
		total++;
		t = json_is_integer(json_object_get(f, "task")) ?
			by_int(base->tasks, jint(f, "task")) : NULL;
		if (!t || strcmp(jstr(t, "status"), "done"))
			open++;
	}
	return json_pack("{s:i,s:i}", "total", total, "open", open);
}

static json_t *rehearsal_out(struct server *s, const struct exercise *base,
			     const json_t *rh)
{
	struct exercise *run = srv_exercise(s, jint(rh, "run"));
	int k = rehearsal_kind(jstr(rh, "kind"));

	return json_pack("{s:I,s:s,s:s,s:I,s:s,s:O,s:s,s:o,s:o}", "id",
			 (json_int_t)jint(rh, "run"), "kind", jstr(rh, "kind"),
			 "kind_label", k >= 0 ? rehearsal_kinds[k].vi : "?",
			 "round", (json_int_t)jint(rh, "round"), "name",
			 run ? run->name : "?", "phases",
			 json_object_get(rh, "phases"), "status",
			 run ? exercise_status(run) : "ended", "clock",
			 run ? clock_json(run) : json_null(), "findings",
			 findings_count(base, jint(rh, "run")));
}

static int cmp_run(const void *a, const void *b)
{
	int64_t ra = jint(*(json_t *const *)a, "run");
	int64_t rb = jint(*(json_t *const *)b, "run");

	return ra < rb ? -1 : ra > rb;
}

void api_rehearsals_list(struct req *r)
{
	struct exercise *x = home_of(r->x);
	json_t *out = json_array(), **v, *rh;
	const char *key;
	size_t n = 0, i;

	if (!sees_all(r->as)) {
		reply_error(r, 403, "forbidden", "rehearsals are for the "
			    "staff and the steering committee");
		return;
	}
	v = xmalloc(sizeof(*v) * (json_object_size(x->rehearsals) + 1));
	json_object_foreach(x->rehearsals, key, rh)
		v[n++] = rh;
	qsort(v, n, sizeof(*v), cmp_run);
	for (i = 0; i < n; i++)
		json_array_append_new(out, rehearsal_out(r->srv, x, v[i]));
	free(v);
	reply_json(r, 200, out);
}

/* One byte per activity of run's plan: 1 for the injects outside the
 * phases the rehearsal chose (none when it chose none); NULL when
 * nothing is left out.  Owned by the caller. */
static unsigned char *rehearsal_left_out(const struct exercise *run)
{
	const struct kvpt_plan *p = run->plan;
	const json_t *ph = json_object_get(run->rehearsal, "phases");
	unsigned char *out;
	int i;

	if (!json_array_size(ph))
		return NULL;
	out = xcalloc((size_t)p->nactivities + 1, 1);
	for (i = 0; i < p->nactivities; i++) {
		const struct kvpt_activity *a = &p->activities[i];
		int phase = p->problems[p->contents[a->content].problem].phase;
		json_t *v;
		size_t k;

		if (a->kind != KVPT_ACT_SITUATION)
			continue;
		out[i] = 1;
		json_array_foreach(ph, k, v)
			if (!strcmp(json_string_value(v),
				    p->phases[phase].id))
				out[i] = 0;
	}
	return out;
}

void api_rehearsal_create(struct req *r)
{
	static const struct field fields[] = {
		{ "kind", F_STR, 1, 32 },
		{ "phases", F_STRS, 0, 64 },
		{ NULL, 0, 0, 0 },
	};
	struct exercise *x = r->x, *run;
	struct kvpt_exercise_rec rec;
	struct kvpt_buf err = KVPT_BUF_INIT;
	json_t *body, *phases, *v, *rh, *other;
	const char *key;
	char code[256], name[600];
	int k, round = 1, i;
	size_t j;

	if (x->base) {
		reply_error(r, 409, "conflict", "a rehearsal is run from its "
			    "exercise, not from another rehearsal");
		return;
	}
	if (!is_director(r->as)) {
		reply_error(r, 403, "forbidden", "directors set up "
			    "rehearsals");
		return;
	}
	body = req_json(r, fields);
	if (!body)
		return;
	k = rehearsal_kind(jstr(body, "kind"));
	if (k < 0) {
		reply_error(r, 400, "bad_request", "kind is khop-tinh-huong, "
			    "luyen-tap-co-che, dien-tap-thu or tong-duyet");
		goto out;
	}
	phases = json_object_get(body, "phases");
	json_array_foreach(phases, j, v) {
		if (kvpt_strmap_get(&x->plan->phase_ids,
				    json_string_value(v)) < 0) {
			reply_error(r, 400, "bad_request", "unknown phase "
				    "'%.64s'", json_string_value(v));
			goto out;
		}
	}
	json_object_foreach(x->rehearsals, key, other)
		if (!strcmp(jstr(other, "kind"), rehearsal_kinds[k].id))
			round++;
	if (req_write(r))
		goto out;
	snprintf(code, sizeof(code), "%s/%s%d", x->code,
		 rehearsal_kinds[k].short_code, round);
	if (k == 1)
		snprintf(name, sizeof(name), "%s lần %d — %s",
			 rehearsal_kinds[k].vi, round, x->name);
	else
		snprintf(name, sizeof(name), "%s — %s", rehearsal_kinds[k].vi,
			 x->name);
	memset(&rec, 0, sizeof(rec));
	rec.code = code;
	rec.name = name;
	rec.bundle = x->bundle;
	rec.created_by = r->user->id;
	rec.created_ms = srv_now_ms();
	if (srv_exercise_add(r->srv, &rec, &run, &err)) {
		srv_log(r->srv, "rehearsal: %s", err.s);
		r->srv->batch_failed = 1;
		reply_error(r, 503, "unavailable", "the rehearsal could not be "
			    "stored");
		goto out;
	}
	/* The same people rehearse. */
	for (i = 0; i < x->nas; i++) {
		struct kvpt_assignment_rec ar = {
			run->id, x->as[i].user, assign_names[x->as[i].kind],
			x->as[i].roles_json ? x->as[i].roles_json : "[]",
		};

		if (r->srv->store->ops->assignment_put(r->srv->store, &ar,
						       &err))
			r->srv->batch_failed = 1;
		srv_assignment_set(run, x->as[i].user, x->as[i].kind,
				   ar.roles, &err);
	}
	rh = json_pack("{s:I,s:s,s:i,s:O,s:I,s:I}", "run", (json_int_t)run->id,
		       "kind", rehearsal_kinds[k].id, "round", round, "phases",
		       phases ? phases : json_array(), "created_by",
		       (json_int_t)r->user->id, "created_ms",
		       (json_int_t)rec.created_ms);
	set_int(x->rehearsals, run->id, rh);
	put_record_int(r, x, "rehearsal", run->id, rh);
	run->base = x;
	run->rehearsal = json_incref(rh);
	if (x->evalconf)
		eval_config_apply(run, x->evalconf);
	req_audit(r, "rehearsal.create", json_pack(
		"{s:I,s:s,s:i}", "run", (json_int_t)run->id, "kind",
		rehearsal_kinds[k].id, "round", round));
	reply_json(r, 201, rehearsal_out(r->srv, x, rh));
out:
	kvpt_buf_release(&err);
	json_decref(body);
}


static kvpt_time prep_start_time(const struct exercise *x)
{
	const json_t *ph = x->rehearsal ? json_object_get(x->rehearsal,
							  "phases") : NULL;
	kvpt_time best = KVPT_TIME_NONE;
	json_t *v;
	size_t i;

	json_array_foreach(ph, i, v) {
		int k = kvpt_strmap_get(&x->plan->phase_ids,
					json_string_value(v));

		if (k >= 0 && (best == KVPT_TIME_NONE ||
			       x->plan->phases[k].start < best))
			best = x->plan->phases[k].start;
	}
	return best;
}

int prep_start(struct exercise *x, kvpt_time t, int64_t now)
{
	unsigned char *left_out = x->rehearsal ? rehearsal_left_out(x) : NULL;
	int rc;

	if (t == KVPT_TIME_NONE)
		t = prep_start_time(x);
	rc = kvpt_engine_start_without(x->eng, t, now, left_out);
	free(left_out);
	return rc;
}

/* Findings. */

static const char *const severities[] = { "low", "medium", "high", NULL };

static json_t *finding_out(struct server *s, const struct exercise *base,
			   const json_t *f)
{
	const struct kvpt_plan *p = base->plan;
	json_t *o = json_deep_copy(f);
	struct exercise *run = srv_exercise(s, jint(f, "run"));
	const json_t *t = json_is_integer(json_object_get(f, "task")) ?
		by_int(base->tasks, jint(f, "task")) : NULL;
	const char *bid = jstr(f, "body"), *aid = jstr(f, "activity");
	int b = bid ? kvpt_strmap_get(&p->body_ids, bid) : -1;
	int a = aid ? kvpt_strmap_get(&p->activity_ids, aid) : -1;
	char tt[48] = "";

	json_object_set_new(o, "body", b >= 0 ? json_pack(
		"{s:s,s:s}", "id", p->bodies[b].id, "name",
		p->bodies[b].name ? p->bodies[b].name : p->bodies[b].id)
		: json_null());
	json_object_set_new(o, "activity", a >= 0 ? json_pack(
		"{s:s,s:s}", "id", p->activities[a].id, "title",
		p->activities[a].title ? p->activities[a].title
				       : p->activities[a].id) : json_null());
	if (json_is_integer(json_object_get(f, "t")))
		kvpt_time_format(jint(f, "t"), tt, sizeof(tt));
	json_object_set_new(o, "t_text", *tt ? json_string(tt) : json_null());
	json_object_set_new(o, "run", json_pack(
		"{s:I,s:s}", "id", (json_int_t)jint(f, "run"), "name",
		run ? run->name : "?"));
	json_object_set_new(o, "user", user_ref_json(s, jint(f, "user")));
	json_object_set_new(o, "status", json_string(
		!t ? "open" : strcmp(jstr(t, "status"), "done") ? "task"
								: "resolved"));
	return o;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t ia = jint(*(json_t *const *)a, "id");
	int64_t ib = jint(*(json_t *const *)b, "id");

	return ia < ib ? -1 : ia > ib;
}

/* The findings of base (of run only, unless run is 0), by id; *n. */
static json_t **findings_sorted(const struct exercise *base, int64_t run,
				size_t *n)
{
	json_t **v = xmalloc(sizeof(*v) *
			     (json_object_size(base->findings) + 1));
	const char *key;
	json_t *f;

	*n = 0;
	json_object_foreach(base->findings, key, f)
		if (!run || jint(f, "run") == run)
			v[(*n)++] = f;
	qsort(v, *n, sizeof(*v), cmp_id);
	return v;
}

void api_findings_list(struct req *r)
{
	struct exercise *base = home_of(r->x);
	json_t *out = json_array(), **v;
	size_t n, i;

	if (!sees_all(r->as)) {
		reply_error(r, 403, "forbidden", "findings are for the staff "
			    "and the steering committee");
		return;
	}
	v = findings_sorted(base, r->x->base ? r->x->id : 0, &n);
	for (i = 0; i < n; i++)
		json_array_append_new(out, finding_out(r->srv, base, v[i]));
	free(v);
	reply_json(r, 200, out);
}

void api_finding_create(struct req *r)
{
	static const struct field fields[] = {
		{ "text", F_STR, 1, FINDING_MAX },
		{ "severity", F_STR, 1, 16 },
		{ "body", F_STR, 0, 128 },
		{ "activity", F_STR, 0, 128 },
		{ NULL, 0, 0, 0 },
	};
	struct exercise *x = r->x, *base = home_of(r->x);
	json_t *body, *f;
	const char *sev, *bid, *aid;
	int64_t id;
	int k;

	if (!is_staff(r->as)) {
		reply_error(r, 403, "forbidden", "directors, controllers and "
			    "evaluators record findings");
		return;
	}
	body = req_json(r, fields);
	if (!body)
		return;
	sev = jstr(body, "severity");
	bid = jstr(body, "body");
	aid = jstr(body, "activity");
	for (k = 0; severities[k]; k++)
		if (!strcmp(severities[k], sev))
			break;
	if (!severities[k] || !*jstr(body, "text")) {
		reply_error(r, 400, "bad_request", "a finding needs text and a "
			    "severity: low, medium or high");
		goto out;
	}
	if (bid && kvpt_strmap_get(&x->plan->body_ids, bid) < 0) {
		reply_error(r, 400, "bad_request", "unknown body '%.64s'",
			    bid);
		goto out;
	}
	if (aid && kvpt_strmap_get(&x->plan->activity_ids, aid) < 0) {
		reply_error(r, 400, "bad_request", "unknown activity '%.64s'",
			    aid);
		goto out;
	}
	if (req_write(r))
		goto out;
	if (kvpt_engine_started(x->eng) && !kvpt_engine_ended(x->eng))
		kvpt_engine_advance(x->eng, srv_now_ms());
	id = base->next_finding++;
	f = json_pack("{s:I,s:O,s:s,s:s?,s:s?,s:I,s:I,s:I,s:n}", "id",
		      (json_int_t)id, "text", json_object_get(body, "text"),
		      "severity", sev, "body", bid, "activity", aid, "run",
		      (json_int_t)x->id, "user", (json_int_t)r->user->id,
		      "at_ms", (json_int_t)srv_now_ms(), "task");
	json_object_set_new(f, "t", kvpt_engine_started(x->eng) ?
			    json_integer(kvpt_engine_now(x->eng)) :
			    json_null());
	set_int(base->findings, id, f);
	put_record_int(r, base, "finding", id, f);
	req_audit(r, "finding.create", json_pack(
		"{s:I,s:s}", "finding", (json_int_t)id, "severity", sev));
	reply_json(r, 201, finding_out(r->srv, base, f));
out:
	json_decref(body);
}

void api_finding_task(struct req *r)
{
	struct exercise *base = home_of(r->x);
	json_t *f = by_int(base->findings, seg_id(r, 3)), *body, *t;

	if (!is_manager(r->as)) {
		reply_error(r, 403, "forbidden", "directors and controllers "
			    "turn findings into tasks");
		return;
	}
	if (!f || (r->x->base && jint(f, "run") != r->x->id)) {
		reply_error(r, 404, "not_found", "no such finding");
		return;
	}
	if (json_is_integer(json_object_get(f, "task"))) {
		reply_error(r, 409, "conflict", "the finding already has task "
			    "%lld", (long long)jint(f, "task"));
		return;
	}
	body = req_json(r, task_fields_table);
	if (!body)
		return;
	if (!jstr(body, "title")) {
		char title[TASK_TITLE_MAX + 1];

		snprintf(title, sizeof(title), "Khắc phục: %s",
			 jstr(f, "text"));
		/* cut at a character, not inside one */
		json_object_set_new(body, "title", json_stringn(
			title, kvpt_utf8_check(title, strlen(title))));
	}
	if (!jstr(body, "description"))
		json_object_set(body, "description", json_object_get(f, "text"));
	t = task_make(r, base, body, jint(f, "id"));
	if (t) {
		json_object_set_new(f, "task", json_integer(jint(t, "id")));
		put_record_int(r, base, "finding", jint(f, "id"), f);
		req_audit(r, "finding.task", json_pack(
			"{s:I,s:I}", "finding", (json_int_t)jint(f, "id"),
			"task", (json_int_t)jint(t, "id")));
		reply_json(r, 201, task_out(r->srv, base, t, srv_now_ms()));
	}
	json_decref(body);
}

/* The readiness board. */

static json_t *summary_new(void)
{
	return json_pack("{s:i,s:i,s:i,s:i,s:i,s:i}", "documents_pending", 0,
			 "tasks_open", 0, "tasks_overdue", 0, "roles_unfilled",
			 0, "findings_open", 0, "warnings", 0);
}

static void summary_inc(json_t *sum, const char *key)
{
	json_object_set_new(sum, key, json_integer(jint(sum, key) + 1));
}

/* Whether some player of x plays role k. */
static int role_played(const struct exercise *x, int k)
{
	int i;

	for (i = 0; i < x->nas; i++)
		if (x->as[i].kind == AS_PLAYER && x->as[i].plays[k])
			return 1;
	return 0;
}

/* The body a task counts against: its body, or the body of a role its
 * person plays; -1 when neither. */
static int task_body(const struct exercise *x, const json_t *t)
{
	const json_t *as = json_object_get(t, "assignee");
	const char *id = jstr(as, "id");
	int p, k;

	if (!strcmp(jstr(as, "kind") ? jstr(as, "kind") : "", "body"))
		return kvpt_strmap_get(&x->plan->body_ids, id);
	p = kvpt_strmap_get(&x->plan->person_ids, id);
	for (k = 0; p >= 0 && k < x->plan->nroles; k++)
		if (x->plan->roles[k].person.idx == p)
			return x->plan->roles[k].body.idx;
	return -1;
}

/*
 * The readiness of x as seen with clearance: the overall summary, and with
 * details the per-body lists and the warnings.  New reference.
 */
static json_t *readiness(struct server *s, struct exercise *x, int clearance,
			 int details)
{
	const struct kvpt_plan *p = x->plan;
	struct kvpt_timebase tb = kvpt_plan_timebase(p);
	int64_t now = srv_now_ms();
	json_t *overall = summary_new(), *bodies = json_array();
	json_t **rows = xcalloc((size_t)p->nbodies + 1, sizeof(*rows));
	json_t **tv, **fv, *out;
	size_t nt, nf, i;
	int b, d, k;

#define ROW(b) (rows[b] ? rows[b] : (rows[b] = json_pack(		\
	"{s:s,s:s,s:o,s:[],s:[],s:[],s:[]}", "id", p->bodies[b].id,	\
	"name", p->bodies[b].name ? p->bodies[b].name : p->bodies[b].id,	\
	"summary", summary_new(), "documents", "tasks", "roles",	\
	"findings")))
#define COUNT(b, key) do {						\
	summary_inc(overall, key);					\
	if ((b) >= 0)							\
		summary_inc(json_object_get(ROW(b), "summary"), key);	\
} while (0)

	for (d = 0; d < p->ndocuments; d++) {
		const struct kvpt_document *doc = &p->documents[d];
		int st = doc_status(x, d);
		int64_t due = doc->due != KVPT_TIME_NONE && tb.valid ?
			tb.n_epoch_ms + doc->due : 0;
		char dtext[48] = "";

		/* what the exercise needs ready, not what it will produce */
		if (st >= WF_APPROVED || (int)doc->classification > clearance ||
		    doc->due == KVPT_TIME_NONE || doc->due >= p->ex.start)
			continue;
		b = doc->owner.idx;
		COUNT(b, "documents_pending");
		if (b < 0 || !details)
			continue;
		if (doc->due != KVPT_TIME_NONE)
			kvpt_time_format(doc->due, dtext, sizeof(dtext));
		json_array_append_new(json_object_get(ROW(b), "documents"),
			json_pack("{s:s,s:s,s:s,s:s?,s:o,s:b}", "id", doc->id,
				  "title", doc->title ? doc->title : doc->id,
				  "workflow_status",
				  kvpt_enum_id(kvpt_doc_statuses, st), "due",
				  *dtext ? dtext : NULL, "due_ms",
				  due ? json_integer(due) : json_null(),
				  "overdue", due && due < now));
	}
	tv = tasks_sorted(x, &nt);
	for (i = 0; i < nt; i++) {
		if (task_closed(tv[i]))
			continue;
		b = task_body(x, tv[i]);
		COUNT(b, "tasks_open");
		if (task_overdue(tv[i], now))
			COUNT(b, "tasks_overdue");
		if (b < 0 || !details)
			continue;
		json_array_append_new(json_object_get(ROW(b), "tasks"),
			json_pack("{s:I,s:s,s:s,s:I,s:b}", "id",
				  (json_int_t)jint(tv[i], "id"), "title",
				  jstr(tv[i], "title"), "status",
				  jstr(tv[i], "status"), "due_ms",
				  (json_int_t)jint(tv[i], "due_ms"), "overdue",
				  task_overdue(tv[i], now)));
	}
	free(tv);
	for (k = 0; k < p->nroles; k++) {
		const char *missing = p->roles[k].person.idx < 0 ? "person"
				      : !role_played(x, k) ? "user" : NULL;

		if (!missing)
			continue;
		b = p->roles[k].body.idx;
		COUNT(b, "roles_unfilled");
		if (b >= 0 && details)
			json_array_append_new(json_object_get(ROW(b), "roles"),
				json_pack("{s:s,s:s,s:s}", "id", p->roles[k].id,
					  "name", p->roles[k].name ?
					  p->roles[k].name : p->roles[k].id,
					  "missing", missing));
	}
	fv = findings_sorted(x, 0, &nf);
	for (i = 0; i < nf; i++) {
		const json_t *t = json_is_integer(json_object_get(fv[i],
								  "task")) ?
			by_int(x->tasks, jint(fv[i], "task")) : NULL;

		if (t && !strcmp(jstr(t, "status"), "done"))
			continue;
		b = jstr(fv[i], "body") ?
			kvpt_strmap_get(&p->body_ids, jstr(fv[i], "body")) : -1;
		COUNT(b, "findings_open");
		if (b >= 0 && details)
			json_array_append_new(json_object_get(ROW(b),
							      "findings"),
				json_pack("{s:I,s:s,s:s}", "id",
					  (json_int_t)jint(fv[i], "id"), "text",
					  jstr(fv[i], "text"), "severity",
					  jstr(fv[i], "severity")));
	}
	free(fv);
	json_object_set_new(overall, "warnings",
			    json_integer((json_int_t)json_array_size(
						 x->warnings)));
	out = json_pack("{s:I,s:s?,s:o}", "now_ms", (json_int_t)now, "n_date",
			p->ex.n_date, "overall", overall);
	if (tb.valid) {
		int64_t left = tb.n_epoch_ms - now;

		json_object_set_new(out, "days_left", json_integer(
			left >= 0 ? (left + 86399999) / 86400000
				  : -((-left) / 86400000)));
	} else {
		json_object_set_new(out, "days_left", json_null());
	}
	for (b = 0; b < p->nbodies; b++)
		if (rows[b])
			json_array_append_new(bodies, rows[b]);
	free(rows);
	if (details) {
		json_t *children = json_array();

		for (k = 0; k < s->nex; k++) {
			struct exercise *c = s->ex[k];
			json_t *cr;

			if (c->parent != x)
				continue;
			cr = readiness(s, c, clearance, 0);
			json_array_append_new(children, json_pack(
				"{s:I,s:s,s:s,s:O}", "id", (json_int_t)c->id,
				"code", c->code, "name", c->name, "overall",
				json_object_get(cr, "overall")));
			json_decref(cr);
		}
		json_object_set_new(out, "bodies", bodies);
		json_object_set(out, "warnings", x->warnings);
		json_object_set_new(out, "children", children);
	} else {
		json_decref(bodies);
	}
	return out;
#undef ROW
#undef COUNT
}

void api_readiness(struct req *r)
{
	if (!sees_all(r->as)) {
		reply_error(r, 403, "forbidden", "the readiness board is for "
			    "the staff and the steering committee");
		return;
	}
	reply_json(r, 200, readiness(r->srv, home_of(r->x),
				     r->user->clearance, 1));
}

/* Multi-level exercises. */

void prep_link(struct server *s)
{
	int i;

	for (i = 0; i < s->nex; i++) {
		struct exercise *x = s->ex[i], *p, *up;
		const char *code = x->plan->ex.parent.id;

		x->parent = NULL;
		if (x->base || !code)
			continue;
		p = srv_exercise_by_code(s, code);
		if (!p || p == x || p->base)
			continue;
		/* exercises naming each other would share a clock forever */
		for (up = p; up && up != x; up = up->parent)
			;
		if (!up)
			x->parent = p;
	}
}

struct exercise *prep_clock_owner(struct exercise *x)
{
	return x->parent ? x->parent : x;
}

void prep_clock_children(struct exercise *x, int op, kvpt_time t,
			 int64_t speed, int64_t now)
{
	struct server *s = x->srv;
	int i;

	for (i = 0; i < s->nex; i++) {
		struct kvpt_engine *e;
		struct exercise *c = s->ex[i];

		if (c->parent != x)
			continue;
		e = c->eng;
		c->acting_user = x->acting_user;
		if (kvpt_engine_started(e) && !kvpt_engine_ended(e))
			kvpt_engine_advance(e, now);
		switch (op) {
		case 0:
			if (!kvpt_engine_started(e))
				kvpt_engine_start(e, kvpt_engine_now(x->eng),
						  now);
			if (kvpt_engine_clock(x->eng)->speed !=
			    kvpt_engine_clock(e)->speed)
				kvpt_engine_set_speed(
					e, kvpt_engine_clock(x->eng)->speed,
					now);
			break;
		case 1:
			kvpt_engine_pause(e, now);
			break;
		case 2:
			kvpt_engine_resume(e, now);
			break;
		case 3:
			kvpt_engine_set_speed(e, speed, now);
			break;
		case 4:
			if (kvpt_engine_now(e) < t)
				kvpt_engine_jump(e, t, now);
			break;
		case 8:
			kvpt_engine_end(e, now);
			break;
		}
		c->acting_user = 0;
		srv_exercise_schedule(c);
		prep_clock_children(c, op, t, speed, now);
	}
}

static json_t *ex_ref(const struct exercise *x)
{
	return json_pack("{s:I,s:s,s:s}", "id", (json_int_t)x->id, "code",
			 x->code, "name", x->name);
}

void prep_exercise_json(const struct exercise *x, json_t *o)
{
	json_t *children = json_array();
	int i;

	for (i = 0; i < x->srv->nex; i++)
		if (x->srv->ex[i]->parent == x)
			json_array_append_new(children,
					      ex_ref(x->srv->ex[i]));
	json_object_set_new(o, "parent", x->parent ? ex_ref(x->parent)
						   : json_null());
	json_object_set_new(o, "children", children);
	if (x->rehearsal) {
		int k = rehearsal_kind(jstr(x->rehearsal, "kind"));

		json_object_set_new(o, "rehearsal", json_pack(
			"{s:o,s:s,s:s,s:I,s:O}", "of", ex_ref(x->base), "kind",
			jstr(x->rehearsal, "kind"), "kind_label",
			k >= 0 ? rehearsal_kinds[k].vi : "?", "round",
			(json_int_t)jint(x->rehearsal, "round"), "phases",
			json_object_get(x->rehearsal, "phases")));
	} else {
		json_object_set_new(o, "rehearsal", json_null());
	}
}

void api_rollup(struct req *r)
{
	struct server *s = r->srv;
	json_t *children = json_array();
	int i, k;

	if (!sees_all(r->as)) {
		reply_error(r, 403, "forbidden", "the roll-up is for the "
			    "staff and the steering committee");
		return;
	}
	for (i = 0; i < s->nex; i++) {
		struct exercise *c = s->ex[i];
		const struct kvpt_plan *p = c->plan;
		int released = 0, total = 0, met = 0, late = 0, missed = 0;
		int open = 0;
		json_t *rd;

		if (c->parent != r->x)
			continue;
		if (kvpt_engine_started(c->eng) && !kvpt_engine_ended(c->eng))
			kvpt_engine_advance(c->eng, srv_now_ms());
		for (k = 0; k < p->nactivities; k++) {
			if (p->activities[k].kind != KVPT_ACT_SITUATION)
				continue;
			total++;
			released += kvpt_engine_activity(c->eng, k)->status ==
				    KVPT_ACTIVITY_RELEASED;
		}
		for (k = 0; k < p->nexpectations; k++) {
			switch (kvpt_engine_expectation(c->eng, k)->status) {
			case KVPT_EXPECT_MET:
				met++;
				break;
			case KVPT_EXPECT_LATE:
				late++;
				break;
			case KVPT_EXPECT_MISSED:
				missed++;
				break;
			case KVPT_EXPECT_OPEN:
				open++;
				break;
			default:
				break;
			}
		}
		rd = readiness(s, c, r->user->clearance, 0);
		json_array_append_new(children, json_pack(
			"{s:I,s:s,s:s,s:s,s:o,s:{s:i,s:i},s:{s:i,s:i,s:i,s:i},"
			"s:O}", "id", (json_int_t)c->id, "code", c->code,
			"name", c->name, "status", exercise_status(c), "clock",
			clock_json(c), "injects", "released", released,
			"total", total, "expectations", "met", met, "late",
			late, "missed", missed, "open", open, "readiness",
			json_object_get(rd, "overall")));
		json_decref(rd);
	}
	reply_json(r, 200, json_pack("{s:o,s:o}", "clock", clock_json(r->x),
				     "children", children));
}

/* Loading, attachments, release. */

static int load_cb(void *arg, const struct kvpt_record_rec *rec)
{
	struct server *s = arg;
	struct exercise *x = srv_exercise(s, rec->exercise);
	json_t *v = json_loads(rec->data, 0, NULL);
	int64_t id = strtoll(rec->id, NULL, 10);

	if (!x || !json_is_object(v)) {
		json_decref(v);
		return 0;
	}
	if (!strcmp(rec->kind, "task")) {
		size_t i;
		json_t *c;

		if (id >= x->next_task)
			x->next_task = id + 1;
		json_array_foreach(json_object_get(v, "comments"), i, c)
			if (jint(c, "id") >= x->next_comment)
				x->next_comment = jint(c, "id") + 1;
		json_object_set_new(x->tasks, rec->id, v);
	} else if (!strcmp(rec->kind, "doc")) {
		json_object_set_new(x->docs, rec->id, v);
	} else if (!strcmp(rec->kind, "lesson")) {
		if (id >= x->next_lesson)
			x->next_lesson = id + 1;
		json_object_set_new(x->lessons, rec->id, v);
	} else if (!strcmp(rec->kind, "evalconf")) {
		json_decref(x->evalconf);
		x->evalconf = json_incref(v);
		eval_config_apply(x, v);
		json_decref(v);
	} else if (!strcmp(rec->kind, "verdict")) {
		json_object_set_new(x->verdicts, rec->id, v);
	} else if (!strcmp(rec->kind, "finding")) {
		if (id >= x->next_finding)
			x->next_finding = id + 1;
		json_object_set_new(x->findings, rec->id, v);
	} else {
		struct exercise *run = srv_exercise(s, id);

		if (run && run != x) {
			run->base = x;
			run->rehearsal = json_incref(v);
		}
		json_object_set_new(x->rehearsals, rec->id, v);
	}
	return 0;
}

int prep_load(struct server *s, struct kvpt_buf *err)
{
	static const char *const kinds[] = {
		"evalconf", "task", "doc", "finding", "rehearsal", "lesson",
		"verdict", NULL,
	};
	int k, rc = 0;

	for (k = 0; kinds[k] && !rc; k++)
		rc = s->store->ops->record_load(s->store, kinds[k], load_cb, s,
						err);
	prep_link(s);
	/* a rehearsal is judged on its exercise's criteria and scale */
	for (k = 0; !rc && k < s->nex; k++)
		if (s->ex[k]->base && s->ex[k]->base->evalconf)
			eval_config_apply(s->ex[k], s->ex[k]->base->evalconf);
	return rc;
}

static int has_att(const json_t *arr, int64_t id)
{
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v)
		if (json_integer_value(v) == id)
			return 1;
	return 0;
}

int prep_attachment_visible(const struct exercise *x, const struct user *u,
			    const struct assignment *a, int64_t id)
{
	const char *key;
	json_t *t, *c, *v;
	size_t i;
	int d;

	json_object_foreach(x->tasks, key, t) {
		if (!task_visible(x, a, t))
			continue;
		if (has_att(json_object_get(t, "attachments"), id))
			return 1;
		json_array_foreach(json_object_get(t, "comments"), i, c)
			if (has_att(json_object_get(c, "attachments"), id))
				return 1;
	}
	json_object_foreach(x->docs, key, t) {
		d = kvpt_strmap_get(&x->plan->document_ids, key);
		if (d < 0 || !doc_visible(x, u, a, d))
			continue;
		json_array_foreach(json_object_get(t, "versions"), i, v)
			if (has_att(json_object_get(v, "attachments"), id))
				return 1;
	}
	return 0;
}

void prep_release(struct exercise *x)
{
	json_decref(x->tasks);
	json_decref(x->docs);
	json_decref(x->findings);
	json_decref(x->rehearsals);
	json_decref(x->warnings);
	json_decref(x->rehearsal);
	json_decref(x->lessons);
	json_decref(x->verdicts);
	json_decref(x->evalconf);
	x->lessons = x->verdicts = x->evalconf = NULL;
	x->tasks = x->docs = x->findings = x->rehearsals = NULL;
	x->warnings = x->rehearsal = NULL;
}

/* The calendar. */

/* Whether activity i involves a role the player a plays: chairs or
 * attends it, receives it, or its body takes part. */
static int activity_involves(const struct exercise *x,
			     const struct assignment *a, int i)
{
	const struct kvpt_activity *act = &x->plan->activities[i];
	int k;

	if (act->chair.idx >= 0 && a->plays[act->chair.idx])
		return 1;
	for (k = 0; k < act->attendees.n; k++)
		if (act->attendees.v[k].idx >= 0 &&
		    a->plays[act->attendees.v[k].idx])
			return 1;
	for (k = 0; k < act->to.n; k++)
		if (act->to.v[k].idx >= 0 && a->plays[act->to.v[k].idx])
			return 1;
	for (k = 0; k < act->forces.n; k++)
		if (plays_in_body(x, a, act->forces.v[k].idx))
			return 1;
	return 0;
}

void api_calendar(struct req *r)
{
	struct exercise *x = r->x;
	const char *mine = req_query(r, "mine");
	int only_mine = mine && !strcmp(mine, "1") && r->as->kind == AS_PLAYER;
	struct kvpt_timeline tl = KVPT_TIMELINE_INIT;
	struct kvpt_ics_opts io;
	struct kvpt_buf out = KVPT_BUF_INIT;
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);
	int i, n = 0;

	kvpt_timeline_build(&tl, x->plan, KVPT_TIME_NONE, KVPT_TIME_NONE);
	for (i = 0; i < tl.nscheduled; i++) {
		int k = tl.scheduled[i];

		if (x->plan->activities[k].kind == KVPT_ACT_SITUATION &&
		    !inject_visible(x, r->user, r->as, k))
			continue;
		if (only_mine && !activity_involves(x, r->as, k))
			continue;
		tl.scheduled[n++] = k;
	}
	tl.nscheduled = n;
	tl.npending = 0;
	memset(&io, 0, sizeof(io));
	io.stamp_ms = srv_now_ms();
	io.lang = KVPT_LANG_VI;
	if (kvpt_ics_format(x->plan, &tl, &io, &out)) {
		reply_error(r, 409, "conflict", "the plan does not fix day N "
			    "to a date, so its activities have no dates");
	} else {
		evhttp_add_header(h, "Content-Disposition",
				  "attachment; filename=\"kvpt.ics\"");
		reply_raw(r, 200, "text/calendar; charset=utf-8", out.s,
			  out.len);
	}
	kvpt_buf_release(&out);
	kvpt_timeline_release(&tl);
}

/* Spreadsheets: described on the loop, rendered on a worker. */

struct render_job {
	struct req_later later;
	json_t *doc;
	enum render_kind kind;
	char name[96];
	struct kvpt_buf out, err;
	int rc;
};

static void render_work(void *arg)
{
	struct render_job *j = arg;

	j->rc = j->kind == RENDER_PDF ?
		kvpt_pdf_render(j->doc, &j->out, &j->err) :
		kvpt_xlsx_render(j->doc, &j->out, &j->err);
}

static void render_done(struct server *s, void *arg)
{
	struct render_job *j = arg;
	struct req r;

	if (req_later_resume(&j->later, &r)) {
		if (j->rc) {
			srv_log(s, "%s: %s", j->name, j->err.s);
			reply_error(&r, 500, "internal", "the report could not "
				    "be made");
		} else {
			char disp[160];

			snprintf(disp, sizeof(disp),
				 "attachment; filename=\"%s\"", j->name);
			evhttp_add_header(evhttp_request_get_output_headers(
						  r.ev), "Content-Disposition",
					  disp);
			reply_raw(&r, 200, j->kind == RENDER_PDF ?
				  "application/pdf" :
				  "application/vnd.openxmlformats-"
				  "officedocument.spreadsheetml.sheet",
				  j->out.s, j->out.len);
		}
		req_finish(&r);
	}
	json_decref(j->doc);
	kvpt_buf_release(&j->out);
	kvpt_buf_release(&j->err);
	free(j);
}

void srv_render(struct req *r, json_t *doc, enum render_kind kind,
		const char *name)
{
	struct render_job *j = xcalloc(1, sizeof(*j));

	j->doc = doc;
	j->kind = kind;
	snprintf(j->name, sizeof(j->name), "%s", name);
	kvpt_buf_init(&j->out);
	kvpt_buf_init(&j->err);
	req_later_init(&j->later, r);
	srv_job(r->srv, render_work, render_done, j);
}

static json_t *column(const char *title, const char *type, int width,
		      int wrap)
{
	return json_pack("{s:s,s:s,s:i,s:b}", "title", title, "type", type,
			 "width", width, "wrap", wrap);
}

static json_t *sheet(const char *name, const char *title,
		     const char *subtitle, json_t *columns)
{
	return json_pack("{s:s,s:s,s:s?,s:o,s:[],s:[]}", "name", name, "title",
			 title, "subtitle", subtitle, "columns", columns,
			 "rows", "styles");
}

static void sheet_row(json_t *sh, json_t *row, const char *style)
{
	json_array_append_new(json_object_get(sh, "rows"), row);
	json_array_append_new(json_object_get(sh, "styles"),
			      style ? json_string(style) : json_null());
}

static json_t *book_new(const struct exercise *x, const char *title)
{
	return json_pack("{s:s,s:s,s:s,s:i,s:[]}", "title", title, "subject",
			 x->name, "author", "kvpt", "tz_offset_min",
			 x->plan->ex.tz_offset_min, "sheets");
}

static const char *task_status_vi(const char *st)
{
	static const char *const vi[] = {
		"Chưa làm", "Đang làm", "Hoàn thành", "Hủy",
	};
	int k;

	for (k = 0; task_statuses[k]; k++)
		if (!strcmp(task_statuses[k], st))
			return vi[k];
	return st;
}

static json_t *tasks_book(struct server *s, struct exercise *x,
			  const struct assignment *a)
{
	json_t *book = book_new(x, "Nhiệm vụ chuẩn bị");
	json_t *sh, **v;
	int64_t now = srv_now_ms();
	char sub[200];
	size_t n, i;

	snprintf(sub, sizeof(sub), "%s — %s", x->code, x->name);
	sh = sheet("Nhiệm vụ", "Nhiệm vụ chuẩn bị diễn tập", sub, json_pack(
		"[o,o,o,o,o,o,o,o,o,o]", column("Số", "integer", 6, 0),
		column("Nhiệm vụ", "text", 48, 1),
		column("Giao cho", "text", 32, 1),
		column("Hạn (theo ngày N)", "text", 14, 0),
		column("Hạn", "datetime", 17, 0),
		column("Trạng thái", "text", 12, 0),
		column("Quá hạn", "bool", 9, 0),
		column("Phụ thuộc", "text", 12, 0),
		column("Người giao", "text", 20, 0),
		column("Ý kiến", "integer", 8, 0)));
	v = tasks_sorted(x, &n);
	for (i = 0; i < n; i++) {
		json_t *as = assignee_out(x, json_object_get(v[i], "assignee"));
		struct kvpt_buf deps = KVPT_BUF_INIT;
		json_t *d;
		size_t k;
		int over = task_overdue(v[i], now);

		if (!task_visible(x, a, v[i])) {
			json_decref(as);
			continue;
		}
		json_array_foreach(json_object_get(v[i], "depends_on"), k, d)
			kvpt_buf_addf(&deps, "%s%lld", k ? ", " : "",
				      (long long)json_integer_value(d));
		sheet_row(sh, json_pack(
			"[I,s,s,s,I,s,b,s,s,i]", (json_int_t)jint(v[i], "id"),
			jstr(v[i], "title"), jstr(as, "name"),
			jstr(v[i], "due"), (json_int_t)jint(v[i], "due_ms"),
			task_status_vi(jstr(v[i], "status")), over,
			deps.len ? deps.s : "",
			user_name(s, jint(v[i], "created_by")),
			(int)json_array_size(json_object_get(v[i],
							     "comments"))),
			  over ? "overdue" : task_closed(v[i]) ? "done" : NULL);
		kvpt_buf_release(&deps);
		json_decref(as);
	}
	free(v);
	json_array_append_new(json_object_get(book, "sheets"), sh);
	return book;
}

static json_t *readiness_book(struct server *s, struct exercise *x,
			      int clearance)
{
	static const struct {
		const char *key, *vi;
	} counters[] = {
		{ "documents_pending", "Văn kiện chưa thông qua" },
		{ "tasks_open", "Nhiệm vụ chưa hoàn thành" },
		{ "tasks_overdue", "Nhiệm vụ quá hạn" },
		{ "roles_unfilled", "Vai tập chưa có người" },
		{ "findings_open", "Phát hiện chưa khắc phục" },
		{ "warnings", "Cảnh báo của trình kiểm tra" },
	};
	json_t *rd = readiness(s, x, clearance, 1);
	json_t *book = book_new(x, "Bảng sẵn sàng");
	json_t *sheets = json_object_get(book, "sheets");
	json_t *sum, *docs, *tasks, *roles, *finds, *warns, *body, *it, *c;
	char sub[300];
	size_t i, k;
	unsigned q;

	if (json_is_integer(json_object_get(rd, "days_left")) &&
	    jint(rd, "days_left") >= 0)
		snprintf(sub, sizeof(sub), "%s — ngày N: %s, còn %lld ngày",
			 x->name, jstr(rd, "n_date"),
			 (long long)jint(rd, "days_left"));
	else if (json_is_integer(json_object_get(rd, "days_left")))
		snprintf(sub, sizeof(sub), "%s — ngày N: %s, đã qua %lld ngày",
			 x->name, jstr(rd, "n_date"),
			 (long long)-jint(rd, "days_left"));
	else
		snprintf(sub, sizeof(sub), "%s", x->name);
	sum = sheet("Tổng hợp", "Những việc còn thiếu trước ngày N", sub,
		    json_pack("[o,o]", column("Nội dung", "text", 40, 0),
			      column("Số lượng", "integer", 12, 0)));
	for (q = 0; q < sizeof(counters) / sizeof(*counters); q++) {
		int64_t n = jint(json_object_get(rd, "overall"),
				 counters[q].key);

		sheet_row(sum, json_pack("[s,I]", counters[q].vi,
					 (json_int_t)n), n ? "warn" : NULL);
	}
	json_array_foreach(json_object_get(rd, "children"), i, c) {
		char line[400];

		snprintf(line, sizeof(line), "Cấp dưới: %s — nhiệm vụ quá hạn",
			 jstr(c, "name"));
		sheet_row(sum, json_pack("[s,I]", line, (json_int_t)jint(
			json_object_get(c, "overall"), "tasks_overdue")), NULL);
		snprintf(line, sizeof(line), "Cấp dưới: %s — văn kiện chưa "
			 "thông qua", jstr(c, "name"));
		sheet_row(sum, json_pack("[s,I]", line, (json_int_t)jint(
			json_object_get(c, "overall"), "documents_pending")),
			  NULL);
	}
	docs = sheet("Văn kiện", "Văn kiện chưa thông qua", sub, json_pack(
		"[o,o,o,o,o,o]", column("Cơ quan", "text", 32, 1),
		column("Mã", "text", 14, 0), column("Văn kiện", "text", 48, 1),
		column("Trạng thái", "text", 14, 0),
		column("Hạn", "text", 12, 0), column("Quá hạn", "bool", 9, 0)));
	tasks = sheet("Nhiệm vụ", "Nhiệm vụ chưa hoàn thành", sub, json_pack(
		"[o,o,o,o,o,o]", column("Cơ quan", "text", 32, 1),
		column("Số", "integer", 6, 0), column("Nhiệm vụ", "text", 48, 1),
		column("Trạng thái", "text", 12, 0),
		column("Hạn", "datetime", 17, 0),
		column("Quá hạn", "bool", 9, 0)));
	roles = sheet("Vai tập", "Vai tập chưa có người", sub, json_pack(
		"[o,o,o,o]", column("Cơ quan", "text", 32, 1),
		column("Mã", "text", 14, 0), column("Vai", "text", 36, 1),
		column("Còn thiếu", "text", 28, 0)));
	finds = sheet("Phát hiện", "Phát hiện chưa khắc phục", sub, json_pack(
		"[o,o,o,o]", column("Cơ quan", "text", 32, 1),
		column("Số", "integer", 6, 0), column("Nội dung", "text", 60, 1),
		column("Mức độ", "text", 10, 0)));
	json_array_foreach(json_object_get(rd, "bodies"), i, body) {
		const char *bn = jstr(body, "name");

		json_array_foreach(json_object_get(body, "documents"), k, it)
			sheet_row(docs, json_pack(
				"[s,s,s,s,s?,b]", bn, jstr(it, "id"),
				jstr(it, "title"), kvpt_enum_vi(
					kvpt_doc_statuses, kvpt_enum_parse(
						kvpt_doc_statuses,
						jstr(it, "workflow_status"))),
				jstr(it, "due"), json_is_true(json_object_get(
						it, "overdue"))),
				  json_is_true(json_object_get(it, "overdue"))
				  ? "overdue" : NULL);
		json_array_foreach(json_object_get(body, "tasks"), k, it)
			sheet_row(tasks, json_pack(
				"[s,I,s,s,I,b]", bn, (json_int_t)jint(it, "id"),
				jstr(it, "title"),
				task_status_vi(jstr(it, "status")),
				(json_int_t)jint(it, "due_ms"),
				json_is_true(json_object_get(it, "overdue"))),
				  json_is_true(json_object_get(it, "overdue"))
				  ? "overdue" : NULL);
		json_array_foreach(json_object_get(body, "roles"), k, it)
			sheet_row(roles, json_pack(
				"[s,s,s,s]", bn, jstr(it, "id"),
				jstr(it, "name"),
				!strcmp(jstr(it, "missing"), "person") ?
				"chưa có người đóng vai" :
				"chưa có tài khoản tham gia"), NULL);
		json_array_foreach(json_object_get(body, "findings"), k, it)
			sheet_row(finds, json_pack(
				"[s,I,s,s]", bn, (json_int_t)jint(it, "id"),
				jstr(it, "text"), jstr(it, "severity")),
				  !strcmp(jstr(it, "severity"), "high") ?
				  "warn" : NULL);
	}
	warns = sheet("Cảnh báo", "Cảnh báo của trình kiểm tra kế hoạch", sub,
		      json_pack("[o,o,o,o]", column("Tệp", "text", 24, 0),
				column("Dòng", "integer", 7, 0),
				column("Quy tắc", "text", 20, 0),
				column("Nội dung", "text", 80, 1)));
	json_array_foreach(json_object_get(rd, "warnings"), i, it)
		sheet_row(warns, json_pack(
			"[s,I,s,s]", jstr(it, "file") ? jstr(it, "file") : "",
			(json_int_t)jint(it, "line"),
			jstr(it, "rule") ? jstr(it, "rule") : "",
			jstr(it, "message") ? jstr(it, "message") : ""), NULL);
	json_array_append_new(sheets, sum);
	json_array_append_new(sheets, docs);
	json_array_append_new(sheets, tasks);
	json_array_append_new(sheets, roles);
	json_array_append_new(sheets, finds);
	json_array_append_new(sheets, warns);
	json_decref(rd);
	return book;
}

void api_export(struct req *r)
{
	struct exercise *x = home_of(r->x);
	const char *what = r->seg[3];
	json_t *book;

	if (!strcmp(what, "plan.xlsx")) {
		if (!is_staff(r->as)) {
			reply_error(r, 403, "forbidden", "the plan is for the "
				    "staff");
			return;
		}
		book = kvpt_plan_book(r->x->plan, r->user->clearance);
	} else if (!strcmp(what, "tasks.xlsx") ||
		   !strcmp(what, "readiness.xlsx")) {
		if (!sees_all(r->as)) {
			reply_error(r, 403, "forbidden", "for the staff and "
				    "the steering committee");
			return;
		}
		book = what[0] == 't' ? tasks_book(r->srv, x, r->as)
				      : readiness_book(r->srv, x,
						       r->user->clearance);
	} else {
		reply_error(r, 404, "not_found", "exports are plan.xlsx, "
			    "tasks.xlsx and readiness.xlsx");
		return;
	}
	srv_render(r, book, RENDER_XLSX, what);
}

/* Importing an inject schedule (MSEL) from CSV. */

void api_import_msel(struct req *r)
{
	static const struct field fields[] = {
		{ "csv", F_STR, 1, SRV_MAX_JSON },
		{ "mapping", F_MAP, 0, 32 },
		{ "file_name", F_STR, 0, 128 },
		{ NULL, 0, 0, 0 },
	};
	struct exercise *x = r->x;
	const char *dry = req_query(r, "dry_run");
	int dry_run = dry && strcmp(dry, "0");
	struct kvpt_msel_input in;
	struct kvpt_plan_file *pf = NULL;
	struct kvpt_buf err = KVPT_BUF_INIT;
	json_t *body = NULL, *bundle = NULL, *files, *out = NULL, *v;
	const char *key, *main_path, *slash;
	char newp[32], *text = NULL;
	int n = 0, k, rc;

	if (!is_director(r->as)) {
		reply_error(r, 403, "forbidden", "directors import inject "
			    "schedules");
		return;
	}
	if (x->base || x->nfeed || kvpt_engine_started(x->eng)) {
		reply_error(r, 409, "conflict", x->base ?
			    "import into the exercise, not into a rehearsal" :
			    "the plan is fixed once the exercise has begun");
		return;
	}
	body = req_json(r, fields);
	if (!body)
		return;
	bundle = json_loads(x->bundle, 0, NULL);
	files = json_object_get(bundle, "files");
	pf = xcalloc(json_object_size(files) + 1, sizeof(*pf));
	json_object_foreach(files, key, v) {
		pf[n].path = key;
		pf[n].text = json_string_value(v);
		pf[n].len = json_string_length(v);
		n++;
	}
	/* a free name next to the main file */
	main_path = jstr(bundle, "main") ? jstr(bundle, "main") : "";
	slash = strrchr(main_path, '/');
	for (k = 1; k < 1000; k++) {
		char full[1100];

		snprintf(newp, sizeof(newp), "msel-%d.yaml", k);
		snprintf(full, sizeof(full), "%.*s%s",
			 slash ? (int)(slash - main_path + 1) : 0, main_path,
			 newp);
		if (!json_object_get(files, full))
			break;
	}
	memset(&in, 0, sizeof(in));
	in.main_path = jstr(bundle, "main");
	in.files = pf;
	in.nfiles = n;
	in.csv = jstr(body, "csv");
	in.csv_len = json_string_length(json_object_get(body, "csv"));
	in.mapping = json_object_get(body, "mapping");
	in.new_path = newp;
	in.source_name = jstr(body, "file_name") ? jstr(body, "file_name")
						 : "CSV";
	rc = kvpt_msel_import(&in, &out, &err);
	if (rc) {
		reply_error(r, rc == KVPT_ETOOBIG ? 413 : 400,
			    rc == KVPT_ETOOBIG ? "too_large" : "bad_request",
			    "%s", err.len ? err.s : "the CSV cannot be read");
		goto out;
	}
	files = json_object_get(out, "files");
	json_incref(files);
	json_object_del(out, "files");
	if (dry_run) {
		json_object_set_new(out, "committed", json_false());
		reply_json(r, 200, out);
		out = NULL;
		goto out_files;
	}
	if (jint(out, "errors")) {
		json_object_set_new(out, "committed", json_false());
		json_object_set_new(out, "error", json_pack(
			"{s:s,s:s}", "code", "import_invalid", "message",
			"the schedule has errors; nothing was imported"));
		reply_json(r, 422, out);
		out = NULL;
		goto out_files;
	}
	if (req_write(r))
		goto out_files;
	json_object_update(json_object_get(bundle, "files"), files);
	text = json_dumps(bundle, JSON_COMPACT);
	{
		struct kvpt_exercise_rec rec;

		memset(&rec, 0, sizeof(rec));
		rec.id = x->id;
		rec.code = x->code;
		rec.name = x->name;
		rec.bundle = text;
		if (r->srv->store->ops->exercise_update(r->srv->store, &rec,
							&err) ||
		    srv_exercise_replan(x, text, &err)) {
			srv_log(r->srv, "import: %s", err.s);
			r->srv->batch_failed = 1;
			reply_error(r, 503, "unavailable", "the plan could not "
				    "be stored; nothing was imported");
			goto out_files;
		}
	}
	req_audit(r, "plan.import_msel", json_pack(
		"{s:s,s:I,s:s}", "file", jstr(out, "new_file"), "injects",
		(json_int_t)jint(out, "injects"), "source", in.source_name));
	json_object_set_new(out, "committed", json_true());
	json_object_set(out, "file", json_object_get(out, "new_file"));
	reply_json(r, 200, out);
	out = NULL;
out_files:
	json_decref(files);
out:
	free(text);
	json_decref(out);
	free(pf);
	json_decref(bundle);
	json_decref(body);
	kvpt_buf_release(&err);
}
