/*
 * api_users: logging in and out, the current user, user administration
 * and the audit trail (docs/api.md).  Password hashing and checking run
 * on the worker thread; the request is answered when the job is done.
 */
#include "server/server_int.h"

#include "base/xalloc.h"

#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THROTTLE_WINDOW_MS (5 * 60 * 1000)
#define THROTTLE_PER_USER 5
#define THROTTLE_PER_ADDR 20
#define PASSWORD_MIN 10

/* Checked when the name is unknown, so both cases take as long. */
static const char dummy_hash[] =
	"$argon2id$v=19$m=65536,t=2,p=1$PwYo0/RvJgX/r0symtKrEw$"
	"iAlkmwrCy7pbJkCfT98poVAdakN+1uWGuhLN71R6N9E";

/* The API names classification marks by these ids. */
static const char *const class_ids[] = { "none", "mat", "toi-mat",
					 "tuyet-mat" };

int clearance_parse(const char *s)
{
	int k;

	if (!s)
		return -1;
	for (k = 0; k < 4; k++)
		if (!strcmp(class_ids[k], s))
			return k;
	return kvpt_enum_parse(kvpt_classifications, s);
}

const char *clearance_id(int c)
{
	return c >= 0 && c < 4 ? class_ids[c] : "none";
}

json_t *user_json(const struct user *u)
{
	return json_pack("{s:I,s:s,s:s,s:b,s:s,s:b}", "id", (json_int_t)u->id,
			 "name", u->name, "display", u->display, "admin",
			 u->admin, "clearance", clearance_id(u->clearance),
			 "disabled", u->disabled);
}

/* throttling */

static struct throttle *throttle_slot(struct server *s, const char *key,
				      int create)
{
	struct throttle *oldest = &s->throttle[0];
	int i;

	for (i = 0; i < THROTTLE_SLOTS; i++) {
		struct throttle *t = &s->throttle[i];

		if (t->n && !strcmp(t->key, key))
			return t;
		if (t->used < oldest->used)
			oldest = t;
	}
	if (!create)
		return NULL;
	memset(oldest, 0, sizeof(*oldest));
	snprintf(oldest->key, sizeof(oldest->key), "%s", key);
	return oldest;
}

/* Seconds to wait before key may try again, or 0. */
static int64_t throttle_wait(struct server *s, const char *key, int limit,
			     int64_t now)
{
	struct throttle *t = throttle_slot(s, key, 0);
	int i, recent = 0;
	int64_t first = 0;

	if (!t)
		return 0;
	for (i = t->n - 1; i >= 0; i--) {
		if (t->times[i] <= now - THROTTLE_WINDOW_MS)
			break;
		recent++;
		first = t->times[i];
	}
	if (recent < limit)
		return 0;
	/* until the oldest of the last `limit` failures leaves the window */
	first = t->times[t->n - limit];
	return (first + THROTTLE_WINDOW_MS - now) / 1000 + 1;
}

static void throttle_fail(struct server *s, const char *key, int64_t now)
{
	struct throttle *t = throttle_slot(s, key, 1);

	if (t->n == THROTTLE_KEEP) {
		memmove(t->times, t->times + 1,
			sizeof(t->times[0]) * (THROTTLE_KEEP - 1));
		t->n--;
	}
	t->times[t->n++] = now;
	t->used = now;
}

/* jobs: hashing and checking passwords off the loop */

struct pw_job {
	struct req_later later;	/* the request, answered when done */
	int64_t user;		/* login: the user found, or 0 */
	char *name;
	char *password;
	char hash[KVPT_AUTH_HASH_MAX];	/* in: to check; out: new hash */
	int ok;
	json_t *body;		/* the request (user administration) */
	int64_t target;		/* PATCH: the user changed */
};

static struct pw_job *job_new(struct req *r)
{
	struct pw_job *j = xcalloc(1, sizeof(*j));

	req_later_init(&j->later, r);
	return j;
}

static void job_free(struct pw_job *j)
{
	if (j->password) {
		memset(j->password, 0, strlen(j->password));
		free(j->password);
	}
	free(j->name);
	json_decref(j->body);
	free(j);
}

/* A request struct to answer a job's request on the loop; 0 when its
 * connection is gone. */
static int job_req(struct pw_job *j, struct req *r)
{
	return req_later_resume(&j->later, r);
}

static void verify_work(void *arg)
{
	struct pw_job *j = arg;

	j->ok = kvpt_auth_verify_password(j->hash, j->password);
}

static void hash_work(void *arg)
{
	struct pw_job *j = arg;

	j->ok = j->password ? !kvpt_auth_hash_password(j->password, j->hash)
			    : 1;
}

/* login, logout, me */

static void login_done(struct server *s, void *arg)
{
	struct pw_job *j = arg;
	struct req r;
	struct user *u = j->user ? srv_user(s, j->user) : NULL;
	int64_t now = srv_now_ms();
	char key[96];

	if (!j->ok || !u || u->disabled) {
		snprintf(key, sizeof(key), "u:%s", j->name);
		throttle_fail(s, key, now);
		snprintf(key, sizeof(key), "a:%s", j->later.ip);
		throttle_fail(s, key, now);
	}
	if (!job_req(j, &r)) {
		job_free(j);
		return;
	}
	if (req_write(&r))
		goto out;
	if (!j->ok || !u || u->disabled) {
		req_audit(&r, "login.failed", json_pack("{s:s}", "user_name",
							j->name));
		reply_error(&r, 401, "unauthenticated", "wrong user name or "
			    "password");
	} else {
		struct kvpt_session_rec rec;
		struct kvpt_buf err = KVPT_BUF_INIT;
		char token[KVPT_AUTH_TOKEN_HEX + 1];
		char csrf[KVPT_AUTH_TOKEN_HEX + 1];

		kvpt_auth_token(token);
		kvpt_auth_token(csrf);
		memset(&rec, 0, sizeof(rec));
		kvpt_auth_token_hash(token, strlen(token), rec.token_hash);
		rec.user = u->id;
		rec.csrf = csrf;
		rec.created_ms = now;
		rec.expires_ms = now + SRV_SESSION_MS;
		rec.ip = j->later.ip;
		if (s->store->ops->session_insert(s->store, &rec, &err)) {
			srv_log(s, "store: %s", err.s);
			s->batch_failed = 1;
		}
		kvpt_buf_release(&err);
		srv_session_add(s, &rec);
		r.user = u;
		http_set_cookie(&r, token, SRV_SESSION_MS / 1000);
		req_audit(&r, "login", NULL);
		reply_json(&r, 200, json_pack("{s:o,s:s,s:I}", "user",
					      user_json(u), "csrf", csrf,
					      "expires_ms",
					      (json_int_t)rec.expires_ms));
	}
out:
	req_finish(&r);
	job_free(j);
}

void api_login(struct req *r)
{
	static const struct field fields[] = {
		{ "user", F_STR, 1, 64 },
		{ "password", F_STR, 1, KVPT_AUTH_PASSWORD_MAX },
		{ NULL, 0, 0, 0 },
	};
	json_t *body = req_json(r, fields);
	const char *name;
	struct user *u;
	struct pw_job *j;
	int64_t now = srv_now_ms(), wait_u, wait_a;
	char key[96], retry[32];

	if (!body)
		return;
	name = json_string_value(json_object_get(body, "user"));
	snprintf(key, sizeof(key), "u:%s", name);
	wait_u = throttle_wait(r->srv, key, THROTTLE_PER_USER, now);
	snprintf(key, sizeof(key), "a:%s", r->ip);
	wait_a = throttle_wait(r->srv, key, THROTTLE_PER_ADDR, now);
	if (wait_u || wait_a) {
		snprintf(retry, sizeof(retry), "%lld", (long long)(
			 wait_u > wait_a ? wait_u : wait_a));
		evhttp_add_header(evhttp_request_get_output_headers(r->ev),
				  "Retry-After", retry);
		reply_error(r, 429, "throttled", "too many failed logins; "
			    "try again in %s s", retry);
		json_decref(body);
		return;
	}
	u = srv_user_by_name(r->srv, name);
	j = job_new(r);
	j->name = xstrdup(name);
	j->password = xstrdup(json_string_value(json_object_get(body,
								"password")));
	j->user = u ? u->id : 0;
	snprintf(j->hash, sizeof(j->hash), "%s",
		 u && !u->disabled ? u->pass_hash : dummy_hash);
	json_decref(body);
	srv_job(r->srv, verify_work, login_done, j);
}

void api_logout(struct req *r)
{
	struct kvpt_buf err = KVPT_BUF_INIT;
	uint8_t hash[KVPT_AUTH_TOKEN_HASH];

	if (req_write(r))
		return;
	memcpy(hash, r->sess->hash, sizeof(hash));
	if (r->srv->store->ops->session_delete(r->srv->store, hash, &err)) {
		srv_log(r->srv, "store: %s", err.s);
		r->srv->batch_failed = 1;
	}
	kvpt_buf_release(&err);
	srv_session_drop(r->srv, hash);
	r->sess = NULL;
	http_set_cookie(r, "", 0);
	req_audit(r, "logout", NULL);
	reply_raw(r, 204, "application/json; charset=utf-8", "", 0);
}

/* Written by hand, not through jansson: every open page asks for it. */
void api_me(struct req *r)
{
	const struct user *u = r->user;
	struct kvpt_buf b = KVPT_BUF_INIT;
	int i, n = 0;

	kvpt_buf_addf(&b, "{\"user\":{\"id\":%lld,\"name\":",
		      (long long)u->id);
	kvpt_buf_add_json_str(&b, u->name);
	kvpt_buf_adds(&b, ",\"display\":");
	kvpt_buf_add_json_str(&b, u->display);
	kvpt_buf_addf(&b, ",\"admin\":%s,\"clearance\":\"%s\",\"disabled\":"
		      "%s},\"csrf\":\"%s\",\"assignments\":[",
		      u->admin ? "true" : "false", clearance_id(u->clearance),
		      u->disabled ? "true" : "false", r->sess->csrf);
	for (i = 0; i < r->srv->nex; i++) {
		const struct exercise *x = r->srv->ex[i];
		const struct assignment *a = srv_assignment(r->srv->ex[i],
							    u->id);

		if (!a)
			continue;
		kvpt_buf_addf(&b, "%s{\"exercise\":%lld,\"code\":",
			      n++ ? "," : "", (long long)x->id);
		kvpt_buf_add_json_str(&b, x->code);
		kvpt_buf_addf(&b, ",\"kind\":\"%s\",\"roles\":%s}",
			      assign_names[a->kind],
			      a->roles_json ? a->roles_json : "[]");
	}
	kvpt_buf_adds(&b, "]}");
	reply_raw(r, 200, "application/json; charset=utf-8", b.s, b.len);
	kvpt_buf_release(&b);
}

/* users */

void api_users_list(struct req *r)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < r->srv->nusers; i++)
		json_array_append_new(a, user_json(r->srv->users[i]));
	reply_json(r, 200, a);
}

static int name_ok(const char *n)
{
	size_t i, len = strlen(n);

	if (!len || len > 64)
		return 0;
	for (i = 0; i < len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789._-", n[i]))
			return 0;
	return 1;
}

/* Validate the fields common to create and patch; 0 or answered. */
static int user_fields_ok(struct req *r, json_t *body)
{
	json_t *pw = json_object_get(body, "password");
	json_t *cl = json_object_get(body, "clearance");

	if (pw && json_string_length(pw) < PASSWORD_MIN) {
		reply_error(r, 400, "bad_request", "a password needs at least "
			    "%d characters", PASSWORD_MIN);
		return -1;
	}
	if (cl && clearance_parse(json_string_value(cl)) < 0) {
		reply_error(r, 400, "bad_request", "clearance must be none, "
			    "mat, toi-mat or tuyet-mat");
		return -1;
	}
	return 0;
}

static void user_create_done(struct server *s, void *arg)
{
	struct pw_job *j = arg;
	struct req r;
	struct kvpt_user_rec rec;
	struct kvpt_buf err = KVPT_BUF_INIT;
	json_t *b = j->body;
	struct user *u;
	int rc;

	if (!job_req(j, &r)) {
		job_free(j);
		return;
	}
	if (!j->ok) {
		reply_error(&r, 503, "unavailable", "cannot hash the "
			    "password now");
		goto out;
	}
	if (srv_user_by_name(s, j->name)) {
		reply_error(&r, 409, "conflict", "user '%s' exists", j->name);
		goto out;
	}
	if (req_write(&r))
		goto out;
	memset(&rec, 0, sizeof(rec));
	rec.name = j->name;
	rec.display = json_string_value(json_object_get(b, "display"));
	rec.pass_hash = j->hash;
	rec.admin = json_is_true(json_object_get(b, "admin"));
	rec.clearance = json_object_get(b, "clearance") ?
		clearance_parse(json_string_value(json_object_get(
			b, "clearance"))) : KVPT_CLASS_NONE;
	rec.created_ms = srv_now_ms();
	rc = s->store->ops->user_insert(s->store, &rec, &err);
	if (rc) {
		srv_log(s, "store: %s", err.s);
		s->batch_failed = 1;
		reply_error(&r, 503, "unavailable", "the store failed");
		kvpt_buf_release(&err);
		goto out;
	}
	kvpt_buf_release(&err);
	u = srv_user_add(s, &rec);
	req_audit(&r, "user.create", json_pack("{s:s,s:b,s:s}", "name",
					       u->name, "admin", u->admin,
					       "clearance", clearance_id(
						       u->clearance)));
	reply_json(&r, 201, user_json(u));
out:
	req_finish(&r);
	job_free(j);
}

void api_users_create(struct req *r)
{
	static const struct field fields[] = {
		{ "name", F_STR, 1, 64 },
		{ "password", F_STR, 1, KVPT_AUTH_PASSWORD_MAX },
		{ "display", F_STR, 0, 200 },
		{ "admin", F_BOOL, 0, 0 },
		{ "clearance", F_STR, 0, 16 },
		{ NULL, 0, 0, 0 },
	};
	json_t *body = req_json(r, fields);
	const char *name;
	struct pw_job *j;

	if (!body)
		return;
	name = json_string_value(json_object_get(body, "name"));
	if (!name_ok(name)) {
		reply_error(r, 400, "bad_request", "a user name is 1 to 64 "
			    "of a-z 0-9 . _ -");
		json_decref(body);
		return;
	}
	if (user_fields_ok(r, body)) {
		json_decref(body);
		return;
	}
	if (srv_user_by_name(r->srv, name)) {
		reply_error(r, 409, "conflict", "user '%s' exists", name);
		json_decref(body);
		return;
	}
	j = job_new(r);
	j->name = xstrdup(name);
	j->password = xstrdup(json_string_value(json_object_get(body,
								"password")));
	j->body = body;
	srv_job(r->srv, hash_work, user_create_done, j);
}

static void user_patch_done(struct server *s, void *arg)
{
	struct pw_job *j = arg;
	struct req r;
	struct kvpt_user_rec rec;
	struct kvpt_buf err = KVPT_BUF_INIT;
	struct user *u = srv_user(s, j->target);
	json_t *b = j->body, *v, *changed = json_array();
	const char *key;
	int i;

	if (!job_req(j, &r)) {
		json_decref(changed);
		job_free(j);
		return;
	}
	if (!u) {
		reply_error(&r, 404, "not_found", "no such user");
		goto out;
	}
	if (!j->ok) {
		reply_error(&r, 503, "unavailable", "cannot hash the "
			    "password now");
		goto out;
	}
	if (req_write(&r))
		goto out;
	if ((v = json_object_get(b, "display"))) {
		free(u->display);
		u->display = xstrdup(json_string_value(v));
	}
	if (j->password) {
		free(u->pass_hash);
		u->pass_hash = xstrdup(j->hash);
	}
	if ((v = json_object_get(b, "admin")))
		u->admin = json_is_true(v);
	if ((v = json_object_get(b, "clearance")))
		u->clearance = clearance_parse(json_string_value(v));
	if ((v = json_object_get(b, "disabled")))
		u->disabled = json_is_true(v);
	memset(&rec, 0, sizeof(rec));
	rec.id = u->id;
	rec.name = u->name;
	rec.display = u->display;
	rec.pass_hash = u->pass_hash;
	rec.admin = u->admin;
	rec.clearance = u->clearance;
	rec.disabled = u->disabled;
	if (s->store->ops->user_update(s->store, &rec, &err)) {
		srv_log(s, "store: %s", err.s);
		s->batch_failed = 1;
	}
	kvpt_buf_release(&err);
	if (u->disabled || j->password) {
		/* end their sessions (and so their streams) */
		for (i = 0; i < SESSION_BUCKETS; i++) {
			struct session *p = s->sessions[i], *next;

			for (; p; p = next) {
				next = p->next;
				if (p->user != u->id ||
				    (r.user && r.user->id == u->id &&
				     !u->disabled))
					continue;
				s->store->ops->session_delete(s->store,
							      p->hash, NULL);
				srv_session_drop(s, p->hash);
			}
		}
	}
	json_object_foreach(b, key, v)
		json_array_append_new(changed, json_string(key));
	req_audit(&r, "user.update", json_pack("{s:s,s:O}", "name", u->name,
					       "fields", changed));
	reply_json(&r, 200, user_json(u));
out:
	json_decref(changed);
	req_finish(&r);
	job_free(j);
}

void api_users_patch(struct req *r)
{
	static const struct field fields[] = {
		{ "display", F_STR, 0, 200 },
		{ "password", F_STR, 0, KVPT_AUTH_PASSWORD_MAX },
		{ "admin", F_BOOL, 0, 0 },
		{ "clearance", F_STR, 0, 16 },
		{ "disabled", F_BOOL, 0, 0 },
		{ NULL, 0, 0, 0 },
	};
	json_t *body;
	struct pw_job *j;
	char *end;
	long long id = strtoll(r->seg[1], &end, 10);
	json_t *pw;

	if (*end || id <= 0 || !srv_user(r->srv, id)) {
		reply_error(r, 404, "not_found", "no such user");
		return;
	}
	body = req_json(r, fields);
	if (!body)
		return;
	if (user_fields_ok(r, body)) {
		json_decref(body);
		return;
	}
	j = job_new(r);
	j->target = id;
	pw = json_object_get(body, "password");
	if (pw)
		j->password = xstrdup(json_string_value(pw));
	j->body = body;
	srv_job(r->srv, hash_work, user_patch_done, j);
}

/* audit */

static int audit_cb(void *arg, const struct kvpt_audit_rec *a)
{
	json_t *detail = a->detail ? json_loads(a->detail, 0, NULL) : NULL;

	json_array_append_new(arg, json_pack(
		"{s:I,s:I,s:I,s:s?,s:s?,s:I,s:s,s:o,s:i}",
		"seq", (json_int_t)a->seq, "at_ms", (json_int_t)a->at_ms,
		"user", (json_int_t)a->user, "user_name", a->user_name,
		"ip", a->ip, "exercise", (json_int_t)a->exercise,
		"action", a->action, "detail", detail ? detail : json_object(),
		"status", a->status));
	return 0;
}

void api_audit(struct req *r)
{
	const char *after = req_query(r, "after"), *limit = req_query(r,
								      "limit");
	long long a = 0, l = 200;
	char *end;
	json_t *out = json_array();
	struct kvpt_buf err = KVPT_BUF_INIT;

	if (after) {
		a = strtoll(after, &end, 10);
		if (*end || a < 0) {
			reply_error(r, 400, "bad_request", "after must be a "
				    "sequence number");
			json_decref(out);
			return;
		}
	}
	if (limit) {
		l = strtoll(limit, &end, 10);
		if (*end || l < 1 || l > 1000) {
			reply_error(r, 400, "bad_request", "limit must be "
				    "1 to 1000");
			json_decref(out);
			return;
		}
	}
	if (r->srv->store->ops->audit_list(r->srv->store, a, (int)l, audit_cb,
					   out, &err)) {
		reply_error(r, 503, "unavailable", "the store failed");
		json_decref(out);
	} else {
		reply_json(r, 200, out);
	}
	kvpt_buf_release(&err);
}
