/*
 * http: reading requests and writing responses for the server — routing
 * by method and path, the session cookie and CSRF check, JSON bodies read
 * strictly against a table of fields, JSON answers and errors with the
 * security headers, and answers deferred until the batch commits.
 */
#include "server/server_int.h"
#include "server/embedded.h"

#include "base/utf8.h"
#include "base/xalloc.h"

#include <ctype.h>
#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

/* answers */

void http_common_headers(struct evhttp_request *ev, const char *ctype)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(ev);

	evhttp_add_header(h, "Content-Type", ctype);
	evhttp_add_header(h, "Content-Security-Policy",
			  "default-src 'self'; frame-ancestors 'none'; "
			  "base-uri 'none'; form-action 'self'");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	evhttp_add_header(h, "Cache-Control", "no-store");
}

static void deferred_closed_cb(struct evhttp_connection *evcon, void *arg)
{
	struct deferred *d = arg;

	d->gone = 1;
}

static void send_now_or_later(struct req *r, int status,
			      struct evbuffer *body)
{
	struct server *s = r->srv;
	struct deferred *d;

	r->answered = 1;
	r->status = status;
	if (!r->wrote) {
		evhttp_send_reply(r->ev, status, NULL, body);
		evbuffer_free(body);
		return;
	}
	d = xcalloc(1, sizeof(*d));
	d->req = r->ev;
	d->status = status;
	d->body = body;
	evhttp_connection_set_closecb(evhttp_request_get_connection(r->ev),
				      deferred_closed_cb, d);
	*s->deferred_tail = d;
	s->deferred_tail = &d->next;
}

void deferred_flush(struct server *s, int ok)
{
	struct deferred *d, *next;

	for (d = s->deferred; d; d = next) {
		next = d->next;
		if (!d->gone) {
			evhttp_connection_set_closecb(
				evhttp_request_get_connection(d->req), NULL,
				NULL);
			if (ok) {
				evhttp_send_reply(d->req, d->status, NULL,
						  d->body);
			} else {
				struct evkeyvalq *h =
					evhttp_request_get_output_headers(
						d->req);
				struct evbuffer *b = evbuffer_new();

				evhttp_remove_header(h, "Set-Cookie");
				evbuffer_add_printf(b, "{\"error\":{\"code\":"
					"\"unavailable\",\"message\":\"the "
					"store failed; nothing was changed\"}}");
				evhttp_send_reply(d->req, 503, NULL, b);
				evbuffer_free(b);
			}
		}
		evbuffer_free(d->body);
		free(d);
	}
	s->deferred = NULL;
	s->deferred_tail = &s->deferred;
}

void reply_raw(struct req *r, int status, const char *ctype,
	       const void *data, size_t len)
{
	struct evbuffer *b = evbuffer_new();

	if (r->answered)
		return;
	http_common_headers(r->ev, ctype);
	evbuffer_add(b, data, len);
	send_now_or_later(r, status, b);
}

void reply_json(struct req *r, int status, json_t *body)
{
	char *s;

	if (r->answered) {
		json_decref(body);
		return;
	}
	s = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	reply_raw(r, status, "application/json; charset=utf-8", s,
		  strlen(s));
	free(s);
}

void reply_error(struct req *r, int status, const char *code,
		 const char *fmt, ...)
{
	struct kvpt_buf msg = KVPT_BUF_INIT;
	va_list ap;
	json_t *e;

	va_start(ap, fmt);
	kvpt_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	/* messages quote user input: keep them valid UTF-8 */
	if (!kvpt_utf8_valid(msg.s, msg.len)) {
		kvpt_buf_reset(&msg);
		kvpt_buf_adds(&msg, "invalid input");
	}
	e = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message",
		      msg.s);
	kvpt_buf_release(&msg);
	reply_json(r, status, e);
}

/* reading */

const char *req_header(struct req *r, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(r->ev),
				  name);
}

const char *req_query(struct req *r, const char *key)
{
	return r->query ? evhttp_find_header(r->query, key) : NULL;
}

const char *req_body(struct req *r, size_t *len)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->ev);

	*len = evbuffer_get_length(in);
	return (const char *)evbuffer_pullup(in, -1);
}

/* Depth of JSON text (brackets outside strings); stops past max. */
static int json_depth(const char *s, size_t len, int max)
{
	int depth = 0, top = 0, in_str = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			if (++depth > top)
				top = depth;
			if (top > max)
				return top;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return top;
}

static const char *type_name(enum ftype t)
{
	switch (t) {
	case F_STR: return "a string";
	case F_INT: return "an integer";
	case F_NUM: return "a number";
	case F_BOOL: return "true or false";
	case F_STRS: return "an array of strings";
	case F_INTS: return "an array of integers";
	case F_MAP: return "an object of strings";
	case F_OBJS: return "an array of objects";
	}
	return "?";
}

static int type_ok(const json_t *v, const struct field *f)
{
	size_t i, max = f->max ? f->max : 256;
	json_t *it;

	switch (f->type) {
	case F_STR:
		return json_is_string(v) && json_string_length(v) <= max;
	case F_INT:
		return json_is_integer(v);
	case F_NUM:
		return json_is_number(v);
	case F_BOOL:
		return json_is_boolean(v);
	case F_STRS:
	case F_INTS:
		if (!json_is_array(v) || json_array_size(v) > max)
			return 0;
		json_array_foreach(v, i, it) {
			if (f->type == F_STRS ? !json_is_string(it) ||
						json_string_length(it) > 256
					      : !json_is_integer(it))
				return 0;
		}
		return 1;
	case F_OBJS:
		if (!json_is_array(v) || json_array_size(v) > max)
			return 0;
		json_array_foreach(v, i, it)
			if (!json_is_object(it))
				return 0;
		return 1;
	case F_MAP: {
		const char *key;

		if (!json_is_object(v) || json_object_size(v) > max)
			return 0;
		json_object_foreach((json_t *)v, key, it)
			if (!json_is_string(it) && !json_is_null(it))
				return 0;
		return 1;
	}
	}
	return 0;
}

json_t *req_json(struct req *r, const struct field *fields)
{
	const char *ctype = req_header(r, "Content-Type");
	const char *body, *key;
	json_error_t je;
	json_t *root, *v;
	size_t len;
	const struct field *f;

	body = req_body(r, &len);
	if (len > SRV_MAX_JSON) {
		reply_error(r, 413, "too_large", "the request body is larger "
			    "than %zu KiB", SRV_MAX_JSON >> 10);
		return NULL;
	}
	if (len == 0) {
		/* an operation without parameters may have no body */
		root = json_object();
		goto check;
	}
	if (!ctype || strncasecmp(ctype, "application/json", 16) ||
	    (ctype[16] && ctype[16] != ';' && ctype[16] != ' ')) {
		reply_error(r, 415, "unsupported_media_type",
			    "send JSON with Content-Type: application/json");
		return NULL;
	}
	if (!kvpt_utf8_valid(body, len)) {
		reply_error(r, 400, "bad_request", "the body is not valid "
			    "UTF-8");
		return NULL;
	}
	if (json_depth(body, len, SRV_MAX_DEPTH) > SRV_MAX_DEPTH) {
		reply_error(r, 400, "bad_request", "JSON nested deeper than "
			    "%d levels", SRV_MAX_DEPTH);
		return NULL;
	}
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		reply_error(r, 400, "bad_request", "malformed JSON at "
			    "line %d column %d: %s", je.line, je.column,
			    je.text);
		return NULL;
	}
check:
	if (!json_is_object(root)) {
		reply_error(r, 400, "bad_request", "the body must be a JSON "
			    "object");
		json_decref(root);
		return NULL;
	}
	json_object_foreach(root, key, v) {
		for (f = fields; f->name; f++)
			if (!strcmp(f->name, key))
				break;
		if (!f->name) {
			reply_error(r, 400, "bad_request", "unknown field "
				    "'%.64s'", key);
			json_decref(root);
			return NULL;
		}
		if (!type_ok(v, f)) {
			reply_error(r, 400, "bad_request", "field '%s' must "
				    "be %s%s", f->name, type_name(f->type),
				    f->type == F_STR ||
				    f->type == F_STRS ? " (not too long)" :
				    "");
			json_decref(root);
			return NULL;
		}
	}
	for (f = fields; f->name; f++) {
		if (f->required && !json_object_get(root, f->name)) {
			reply_error(r, 400, "bad_request", "field '%s' is "
				    "required", f->name);
			json_decref(root);
			return NULL;
		}
	}
	return root;
}

static void later_closed_cb(struct evhttp_connection *evcon, void *arg)
{
	struct req_later *l = arg;

	l->gone = 1;
}

void req_later_init(struct req_later *l, struct req *r)
{
	l->srv = r->srv;
	l->ev = r->ev;
	l->evcon = evhttp_request_get_connection(r->ev);
	l->gone = 0;
	snprintf(l->ip, sizeof(l->ip), "%s", r->ip);
	l->user = r->user ? r->user->id : 0;
	evhttp_connection_set_closecb(l->evcon, later_closed_cb, l);
	r->async = 1;
}

int req_later_resume(struct req_later *l, struct req *r)
{
	if (!l->gone)
		evhttp_connection_set_closecb(l->evcon, NULL, NULL);
	memset(r, 0, sizeof(*r));
	r->srv = l->srv;
	r->ev = l->ev;
	snprintf(r->ip, sizeof(r->ip), "%s", l->ip);
	r->user = l->user ? srv_user(l->srv, l->user) : NULL;
	return !l->gone;
}

void req_audit(struct req *r, const char *action, json_t *detail)
{
	r->audit_action = action;
	json_decref(r->audit_detail);
	r->audit_detail = detail;
}

int req_write(struct req *r)
{
	if (srv_batch(r->srv)) {
		reply_error(r, 503, "unavailable", "the store is not "
			    "available; nothing was changed");
		return -1;
	}
	r->wrote = 1;
	return 0;
}

void http_set_cookie(struct req *r, const char *token, int64_t max_age_s)
{
	char v[256];

	snprintf(v, sizeof(v), "kvpt_session=%s; Path=/; Max-Age=%lld; "
		 "HttpOnly; SameSite=Strict", token, (long long)max_age_s);
	evhttp_add_header(evhttp_request_get_output_headers(r->ev),
			  "Set-Cookie", v);
}

/* Write the audit record of a change, in the same batch: the change called
 * req_write before answering, so its answer waits for this commit too. */
static void write_audit(struct req *r)
{
	struct server *s = r->srv;
	struct kvpt_audit_rec a;
	struct kvpt_buf err = KVPT_BUF_INIT;
	char *detail;

	if (!r->audit_action || srv_batch(s))
		return;
	memset(&a, 0, sizeof(a));
	a.at_ms = srv_now_ms();
	a.user = r->user ? r->user->id : 0;
	a.user_name = r->user ? r->user->name : NULL;
	if (r->audit_detail && json_is_string(json_object_get(r->audit_detail,
							      "user_name")))
		a.user_name = json_string_value(
			json_object_get(r->audit_detail, "user_name"));
	a.ip = r->ip;
	a.exercise = r->x ? r->x->id : 0;
	a.action = r->audit_action;
	detail = r->audit_detail ? json_dumps(r->audit_detail, JSON_COMPACT)
				 : xstrdup("{}");
	a.detail = detail;
	a.status = r->status;
	if (s->store->ops->audit_append(s->store, &a, &err)) {
		srv_log(s, "store: audit: %s", err.s);
		s->batch_failed = 1;
	}
	free(detail);
	kvpt_buf_release(&err);
}

void req_finish(struct req *r)
{
	if (r->audit_action)
		write_audit(r);
	if (!r->answered)
		reply_error(r, 500, "internal", "no answer");
	json_decref(r->audit_detail);
	r->audit_detail = NULL;
}

/* the web front, served from the binary */

static const char *content_type(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".json", "application/json; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
		{ ".woff2", "font/woff2" },
	};
	const char *dot = strrchr(path, '.');
	size_t k;

	for (k = 0; dot && k < sizeof(types) / sizeof(types[0]); k++)
		if (!strcmp(dot, types[k].ext))
			return types[k].type;
	return "application/octet-stream";
}

/* Serve GET / and /static/…; 0 when path is not the front's. */
static int serve_static(struct evhttp_request *ev, const char *path)
{
	const struct kvpt_embedded *e;
	struct evkeyvalq *h = evhttp_request_get_output_headers(ev);
	struct evbuffer *b;
	const char *inm;
	char name[256];

	if (!strcmp(path, "/") || !strcmp(path, "/index.html"))
		snprintf(name, sizeof(name), "static/index.html");
	else if (!strncmp(path, "/static/", 8) && !strstr(path, "..") &&
		 strlen(path) < sizeof(name))
		snprintf(name, sizeof(name), "%s", path + 1);
	else
		return 0;
	e = kvpt_embedded_find(name);
	if (!e)
		return 0;
	http_common_headers(ev, content_type(name));
	/* the pages' own policy: scripts only from here, styles that the
	 * libraries set inline, symbol images as data: URLs */
	evhttp_remove_header(h, "Content-Security-Policy");
	evhttp_add_header(h, "Content-Security-Policy",
			  "default-src 'self'; script-src 'self'; "
			  "style-src 'self' 'unsafe-inline'; "
			  "img-src 'self' data: blob:; connect-src 'self'; "
			  "frame-ancestors 'none'; base-uri 'none'; "
			  "form-action 'self'");
	evhttp_remove_header(h, "Cache-Control");
	evhttp_add_header(h, "Cache-Control", "no-cache");
	evhttp_add_header(h, "ETag", e->etag);
	inm = evhttp_find_header(evhttp_request_get_input_headers(ev),
				 "If-None-Match");
	if (inm && !strcmp(inm, e->etag)) {
		evhttp_send_reply(ev, 304, "Not Modified", NULL);
		return 1;
	}
	b = evbuffer_new();
	evbuffer_add_reference(b, e->data, e->len, NULL, NULL);
	evhttp_send_reply(ev, 200, "OK", b);
	evbuffer_free(b);
	return 1;
}

/* routing */

enum who {
	W_ANY,		/* no login needed */
	W_USER,		/* logged in */
	W_ADMIN,	/* administrators */
	W_EX,		/* assigned in the exercise, or administrator */
	W_AS,		/* assigned in the exercise (administrators too) */
};

struct route {
	int method;
	const char *pattern;	/* segments after /api; '*' matches one */
	enum who who;
	void (*fn)(struct req *r);
};

static void api_health(struct req *r)
{
	reply_json(r, 200, json_pack("{s:b,s:s}", "ok", 1, "version",
				     KVPT_VERSION));
}

static void api_openapi(struct req *r)
{
	const struct kvpt_embedded *e = kvpt_embedded_find("openapi.json");

	if (e)
		reply_raw(r, 200, "application/json; charset=utf-8", e->data,
			  e->len);
	else
		reply_error(r, 404, "not_found", "no OpenAPI document");
}

static void api_stream(struct req *r)
{
	sse_open(r);
}

#define GET EVHTTP_REQ_GET
#define POST EVHTTP_REQ_POST
#define PUT EVHTTP_REQ_PUT
#define PATCH EVHTTP_REQ_PATCH
#define DELETE EVHTTP_REQ_DELETE

static const struct route routes[] = {
	{ GET, "health", W_ANY, api_health },
	{ GET, "openapi.json", W_ANY, api_openapi },
	{ POST, "login", W_ANY, api_login },
	{ POST, "logout", W_USER, api_logout },
	{ GET, "me", W_USER, api_me },
	{ GET, "users", W_ADMIN, api_users_list },
	{ POST, "users", W_ADMIN, api_users_create },
	{ PATCH, "users/*", W_ADMIN, api_users_patch },
	{ GET, "audit", W_ADMIN, api_audit },
	{ GET, "exercises", W_USER, api_exercises_list },
	{ POST, "exercises", W_ADMIN, api_exercises_create },
	{ GET, "exercises/*", W_EX, api_exercise_get },
	{ GET, "exercises/*/plan", W_EX, api_exercise_plan },
	{ GET, "exercises/*/log", W_EX, api_exercise_log },
	{ GET, "exercises/*/assignments", W_EX, api_assignments_list },
	{ PUT, "exercises/*/assignments/*", W_EX, api_assignment_put },
	{ DELETE, "exercises/*/assignments/*", W_EX, api_assignment_delete },
	{ POST, "exercises/*/control/*", W_EX, api_control },
	{ POST, "exercises/*/actions", W_EX, api_action },
	{ POST, "exercises/*/attachments", W_EX, api_attachment_post },
	{ GET, "exercises/*/attachments/*", W_EX, api_attachment_get },
	{ POST, "exercises/*/observations", W_EX, api_observation_post },
	{ GET, "exercises/*/observations", W_EX, api_observations_list },
	{ GET, "exercises/*/state", W_AS, api_state },
	{ GET, "exercises/*/injects", W_EX, api_injects },
	{ GET, "exercises/*/expectations", W_AS, api_expectations },
	{ GET, "exercises/*/events", W_AS, api_events },
	{ GET, "exercises/*/activities", W_AS, api_activities },
	{ GET, "exercises/*/documents", W_AS, api_documents },
	{ GET, "exercises/*/stream", W_AS, api_stream },
	{ GET, "exercises/*/committees", W_AS, api_committees },
	{ GET, "exercises/*/tasks", W_AS, api_tasks_list },
	{ POST, "exercises/*/tasks", W_AS, api_task_create },
	{ PATCH, "exercises/*/tasks/*", W_AS, api_task_patch },
	{ POST, "exercises/*/tasks/*/comments", W_AS, api_task_comment },
	{ GET, "exercises/*/documents/*", W_AS, api_document_get },
	{ POST, "exercises/*/documents/*/versions", W_AS,
	  api_document_version_post },
	{ GET, "exercises/*/documents/*/versions/*", W_AS,
	  api_document_version_get },
	{ GET, "exercises/*/documents/*/diff", W_AS, api_document_diff },
	{ POST, "exercises/*/documents/*/workflow", W_AS,
	  api_document_workflow },
	{ GET, "exercises/*/rehearsals", W_AS, api_rehearsals_list },
	{ POST, "exercises/*/rehearsals", W_AS, api_rehearsal_create },
	{ GET, "exercises/*/findings", W_AS, api_findings_list },
	{ POST, "exercises/*/findings", W_AS, api_finding_create },
	{ POST, "exercises/*/findings/*/task", W_AS, api_finding_task },
	{ GET, "exercises/*/readiness", W_AS, api_readiness },
	{ GET, "exercises/*/rollup", W_AS, api_rollup },
	{ GET, "exercises/*/calendar.ics", W_AS, api_calendar },
	{ GET, "exercises/*/export/*", W_AS, api_export },
	{ POST, "exercises/*/import/msel", W_AS, api_import_msel },
	{ GET, "exercises/*/evaluation", W_AS, api_evaluation },
	{ POST, "exercises/*/verdicts", W_AS, api_verdict_post },
	{ GET, "exercises/*/lessons", W_AS, api_lessons_list },
	{ POST, "exercises/*/lessons", W_AS, api_lesson_post },
	{ PATCH, "exercises/*/lessons/*", W_AS, api_lesson_patch },
	{ GET, "exercises/*/aar", W_AS, api_aar },
	{ GET, "exercises/*/aar.pdf", W_AS, api_aar },
	{ GET, "exercises/*/aar.xlsx", W_AS, api_aar },
	{ GET, "exercises/*/replay", W_AS, api_replay },
	{ PUT, "exercises/*/evaluation/config", W_AS, api_eval_config },
	{ 0, NULL, W_ANY, NULL },
};

/* Whether segments match pattern; 1 for a match of the path only. */
static int route_match(const struct route *rt, struct req *r)
{
	const char *p = rt->pattern;
	int i = 0;

	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (i >= r->nseg)
			return 0;
		if (!(n == 1 && *p == '*') &&
		    (strlen(r->seg[i]) != n || memcmp(r->seg[i], p, n)))
			return 0;
		i++;
		p += n;
		if (*p == '/')
			p++;
	}
	return i == r->nseg;
}

/* Split the raw path after "/api" into segments, then decode each (so an
 * encoded slash stays inside its segment).  r->path holds them. */
static int split_path(struct req *r, const char *raw)
{
	struct kvpt_buf b = KVPT_BUF_INIT;
	const char *p;
	size_t offs[8];
	int k;

	if (strncmp(raw, "/api", 4) || (raw[4] && raw[4] != '/'))
		return -1;
	p = raw + 4;
	r->nseg = 0;
	while (*p == '/') {
		const char *start = ++p;
		char *dec, *seg;
		size_t n;

		if (!*p)
			break;		/* a trailing slash */
		if (*p == '/' ||
		    r->nseg == (int)(sizeof(r->seg) / sizeof(r->seg[0])))
			goto bad;
		while (*p && *p != '/')
			p++;
		seg = xstrndup(start, (size_t)(p - start));
		dec = evhttp_uridecode(seg, 0, &n);
		free(seg);
		if (!dec || strlen(dec) != n || !*dec || !strcmp(dec, "..") ||
		    !strcmp(dec, ".")) {
			free(dec);
			goto bad;
		}
		offs[r->nseg++] = b.len;
		kvpt_buf_add(&b, dec, n + 1);
		free(dec);
	}
	r->path = kvpt_buf_detach(&b);
	for (k = 0; k < r->nseg; k++)
		r->seg[k] = r->path + offs[k];
	return 0;
bad:
	kvpt_buf_release(&b);
	return -1;
}

static void authenticate(struct req *r)
{
	const char *cookie = req_header(r, "Cookie");
	const char *p;
	uint8_t hash[KVPT_AUTH_TOKEN_HASH];
	struct session *sess;
	struct user *u;
	size_t n;

	if (!cookie)
		return;
	for (p = cookie; (p = strstr(p, "kvpt_session=")); p++) {
		if (p != cookie && p[-1] != ' ' && p[-1] != ';')
			continue;
		p += strlen("kvpt_session=");
		n = strcspn(p, "; ");
		if (n != KVPT_AUTH_TOKEN_HEX)
			return;
		kvpt_auth_token_hash(p, n, hash);
		sess = srv_session(r->srv, hash);
		if (!sess)
			return;
		if (sess->expires_ms <= srv_now_ms()) {
			srv_session_drop(r->srv, hash);
			return;
		}
		u = srv_user(r->srv, sess->user);
		if (!u || u->disabled)
			return;
		r->sess = sess;
		r->user = u;
		return;
	}
}

/* Same-origin check: Origin, when sent, must name the Host. */
static int origin_ok(struct req *r)
{
	const char *origin = req_header(r, "Origin");
	const char *host = req_header(r, "Host");
	const char *o;

	if (!origin)
		return 1;
	if (!host)
		return 0;
	o = strstr(origin, "://");
	return o && !strcmp(o + 3, host);
}

static size_t headers_size(struct evhttp_request *ev)
{
	struct evkeyvalq *h = evhttp_request_get_input_headers(ev);
	struct evkeyval *kv;
	size_t n = 0;

	TAILQ_FOREACH(kv, h, next)
		n += strlen(kv->key) + strlen(kv->value) + 4;
	return n;
}

static int parse_id(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!*s || !isdigit((unsigned char)*s) || strlen(s) > 15)
		return -1;
	v = strtoll(s, &end, 10);
	if (*end || v <= 0)
		return -1;
	*out = v;
	return 0;
}

void http_handle(struct evhttp_request *ev, void *arg)
{
	struct server *s = arg;
	struct req r;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(ev);
	struct evkeyvalq query;
	const struct route *rt;
	struct evhttp_connection *evcon = evhttp_request_get_connection(ev);
	const char *path, *qs;
	char *peer = NULL;
	ev_uint16_t port = 0;
	int path_matched = 0;

	memset(&r, 0, sizeof(r));
	r.srv = s;
	r.ev = ev;
	r.method = evhttp_request_get_command(ev);
	TAILQ_INIT(&query);
	if (evcon) {
		evhttp_connection_get_peer(evcon, &peer, &port);
		snprintf(r.ip, sizeof(r.ip), "%s", peer ? peer : "");
	}
	if (s->stopping) {
		reply_error(&r, 503, "unavailable", "the server is stopping");
		return;
	}
	path = uri ? evhttp_uri_get_path(uri) : NULL;
	if (!path || !*path) {
		reply_error(&r, 400, "bad_request", "bad request target");
		return;
	}
	qs = uri ? evhttp_uri_get_query(uri) : NULL;
	if (qs) {
		if (evhttp_parse_query_str(qs, &query)) {
			reply_error(&r, 400, "bad_request", "malformed query "
				    "string");
			goto out;
		}
		r.query = &query;
	}
	if ((r.method == EVHTTP_REQ_GET || r.method == EVHTTP_REQ_HEAD) &&
	    strncmp(path, "/api", 4) && serve_static(ev, path)) {
		r.answered = 1;
		goto out;
	}
	if (headers_size(ev) > SRV_MAX_HEADERS) {
		reply_error(&r, 431, "too_large", "request headers are larger "
			    "than %d KiB", SRV_MAX_HEADERS >> 10);
		goto out;
	}
	if (split_path(&r, path)) {
		reply_error(&r, 404, "not_found", "no such resource");
		goto out;
	}
	for (rt = routes; rt->pattern; rt++) {
		if (!route_match(rt, &r))
			continue;
		path_matched = 1;
		if ((int)r.method == rt->method ||
		    (r.method == EVHTTP_REQ_HEAD && rt->method == GET))
			break;
	}
	if (!rt->pattern) {
		if (path_matched)
			reply_error(&r, 405, "method_not_allowed", "this "
				    "resource does not accept that method");
		else
			reply_error(&r, 404, "not_found", "no such resource");
		goto out;
	}
	authenticate(&r);
	if (rt->who != W_ANY && !r.user) {
		reply_error(&r, 401, "unauthenticated", "log in first");
		goto out;
	}
	if (r.method != EVHTTP_REQ_GET && r.method != EVHTTP_REQ_HEAD) {
		const char *tok = req_header(&r, "X-CSRF-Token");

		if (!origin_ok(&r)) {
			reply_error(&r, 403, "csrf", "cross-origin request "
				    "refused");
			goto out;
		}
		if (r.sess && (!tok || strlen(tok) != strlen(r.sess->csrf) ||
			       !kvpt_auth_equal(tok, r.sess->csrf,
						strlen(tok)))) {
			reply_error(&r, 403, "csrf", "missing or wrong "
				    "X-CSRF-Token header");
			goto out;
		}
	}
	if (rt->who == W_ADMIN && !r.user->admin) {
		reply_error(&r, 403, "forbidden", "administrators only");
		goto out;
	}
	if (rt->who == W_EX || rt->who == W_AS) {
		int64_t id;

		if (parse_id(r.seg[1], &id) || !(r.x = srv_exercise(s, id))) {
			reply_error(&r, 404, "not_found", "no such exercise");
			goto out;
		}
		r.as = srv_assignment(r.x, r.user->id);
		if (!r.as && !r.user->admin) {
			reply_error(&r, 404, "not_found", "no such exercise");
			goto out;
		}
		if (!r.as && rt->who == W_AS) {
			reply_error(&r, 403, "forbidden", "you have no "
				    "assignment in this exercise");
			goto out;
		}
	}
	rt->fn(&r);
	if (r.async) {
		evhttp_clear_headers(&query);
		free(r.path);
		return;
	}
out:
	req_finish(&r);
	evhttp_clear_headers(&query);
	free(r.path);
}

const struct kvpt_embedded *kvpt_embedded_find(const char *path)
{
	struct kvpt_embedded *e;

	for (e = kvpt_embedded; e->path; e++) {
		if (strcmp(e->path, path))
			continue;
		if (!e->etag[0]) {
			/* once per file: FNV-1a of the bytes */
			uint64_t fnv = 1469598103934665603ULL;
			size_t i;

			e->len = (size_t)(e->end - e->data);
			for (i = 0; i < e->len; i++)
				fnv = (fnv ^ e->data[i]) * 1099511628211ULL;
			snprintf(e->etag, sizeof(e->etag), "\"%016llx\"",
				 (unsigned long long)fnv);
		}
		return e;
	}
	return NULL;
}
