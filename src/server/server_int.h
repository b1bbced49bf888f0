/*
 * server_int: what the files of the server module share.  server.c owns
 * the loop, the state and the group commit; http.c reads requests and
 * writes responses; feed.c keeps each exercise's feed and streams it;
 * api_*.c answer the endpoints of docs/api.md.
 */
#ifndef KVPT_SERVER_INT_H
#define KVPT_SERVER_INT_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>
#include <event2/http.h>
#include <jansson.h>

#include "auth/auth.h"
#include "base/buf.h"
#include "engine/engine.h"
#include "model/diag.h"
#include "model/model.h"
#include "server/server.h"
#include "store/store.h"

/* Limits (docs/api.md). */
#define SRV_MAX_JSON ((size_t)256 << 10)
#define SRV_MAX_PLAN ((size_t)4 << 20)
#define SRV_MAX_ATTACHMENT ((size_t)8 << 20)
#define SRV_MAX_BODY ((size_t)9 << 20)	/* evhttp's own cut-off */
#define SRV_MAX_HEADERS (16 << 10)
#define SRV_MAX_DEPTH 16
#define SRV_SESSION_MS (12 * 3600 * 1000LL)
#define SRV_SSE_MAX_QUEUED ((size_t)4 << 20)	/* then the client is cut */

enum assign_kind {
	AS_NONE,
	AS_DIRECTOR,
	AS_CONTROLLER,
	AS_PLAYER,
	AS_EVALUATOR,
	AS_OBSERVER,
	AS_COUNT
};
extern const char *const assign_names[AS_COUNT];

struct user {
	int64_t id;
	char *name, *display, *pass_hash;
	int admin, clearance, disabled;
};

struct session {
	struct session *next;		/* hash chain */
	uint8_t hash[KVPT_AUTH_TOKEN_HASH];
	int64_t user;
	char csrf[KVPT_AUTH_TOKEN_HEX + 1];
	int64_t expires_ms;
};
#define SESSION_BUCKETS 1024

struct assignment {
	int64_t user;
	enum assign_kind kind;
	unsigned char *plays;		/* player: one byte per plan role */
	char *roles_json;		/* as stored */
};

/* Who may see a feed entry (besides the clearance its mark needs). */
enum vis {
	VIS_PUBLIC,	/* everyone assigned */
	VIS_DASH,	/* staff, observers, and players of its roles */
	VIS_STAFF,	/* directors, controllers, evaluators, and players of
			 * its roles */
};

struct feed_entry {
	int64_t at_ms;
	int64_t user;
	/* "id: …\nevent: …\ndata: {Event}\n\n"; the Event JSON, the engine's
	 * log line and the server event's (or the extra) JSON are slices of
	 * it, so each is kept once */
	char *sse;
	size_t sse_len;
	unsigned json_off, json_len;
	unsigned line_off, line_len;	/* engine events; len 0 otherwise */
	unsigned data_off, data_len;	/* server event or extra; or 0 */
	unsigned char engine;		/* an engine event */
	const char *type;	/* static */
	unsigned char vis, cls;
	int *roles;		/* players of these roles see it */
	int nroles;
	int64_t *attachments;	/* ids it references */
	int nattachments;
};

struct sse_client {
	struct sse_client *next, *prev;
	struct exercise *x;
	struct evhttp_request *req;
	struct evhttp_connection *evcon;
	int64_t user;
	uint8_t session[KVPT_AUTH_TOKEN_HASH];
	size_t next_idx;	/* next feed index to consider */
};

struct exercise {
	int64_t id;
	char *code, *name, *bundle;
	struct kvpt_plan *plan;
	struct kvpt_engine *eng;
	struct server *srv;

	struct feed_entry *feed;
	size_t nfeed, cap_feed;
	size_t ncommitted;	/* feed[0, ncommitted) is on disk */

	struct assignment *as;
	int nas;
	size_t cap_as;

	struct sse_client subs;	/* list head */
	int nsubs;
	struct event *timer;	/* next engine event due */

	/* set around engine calls: who acts, and the pending line */
	int64_t acting_user;
	const char *extra;	/* extra JSON for the next action entry */
	const int64_t *extra_att;
	int nextra_att;
	struct kvpt_buf line;

	struct attachment_owner {
		int64_t id, user;
		char *name, *mime;
		size_t size;
	} *atts;		/* the exercise's attachments, by id */
	size_t natts, cap_atts;

	kvpt_time *doc_issued;	/* per plan document: when the engine
				 * issued it, or KVPT_TIME_NONE */

	/* GET …/state after the clock, as of feed entry state_at */
	char *state_cache;
	size_t state_len, state_at;

	/* Preparation (api_prep.c): the stored records, as JSON objects
	 * keyed by their id. */
	json_t *tasks;		/* tasks of this exercise */
	json_t *docs;		/* plan document id → its workflow */
	json_t *findings;	/* findings of this exercise's rehearsals */
	json_t *rehearsals;	/* run exercise id → the rehearsal */
	int64_t next_task, next_finding, next_comment;
	/* Evaluation (api_eval.c). */
	json_t *lessons;	/* lesson id → lesson */
	json_t *verdicts;	/* body id, or "" overall → verdict */
	json_t *evalconf;	/* criteria and scale set by the organising
				 * committee over the plan's, or NULL */
	int64_t next_lesson;
	json_t *warnings;	/* the checker's warnings (Diagnostics) */
	struct exercise *base;	/* a rehearsal run: the exercise it runs */
	json_t *rehearsal;	/* a run: its record in base->rehearsals */
	struct exercise *parent;/* a child exercise: its parent */
};

/* A request answered once the batch it wrote to is committed. */
struct deferred {
	struct deferred *next;
	struct evhttp_request *req;
	int status;
	struct evbuffer *body;
	int gone;		/* its connection closed meanwhile */
};

struct job;

/* Login attempts per user name or address, in a fixed-size table. */
#define THROTTLE_SLOTS 1024
#define THROTTLE_KEEP 20
struct throttle {
	char key[96];
	int64_t times[THROTTLE_KEEP];	/* failures, newest last */
	int n;
	int64_t used;
};

struct server {
	const struct kvpt_server_opts *opts;
	struct event_base *base;
	struct evhttp *http;
	struct kvpt_store *store;

	struct user **users;
	int nusers;
	size_t cap_users;
	struct session *sessions[SESSION_BUCKETS];

	struct exercise **ex;
	int nex;
	size_t cap_ex;

	/* group commit */
	int in_batch;		/* a transaction is open */
	int batch_failed;
	struct event *commit_ev;
	struct deferred *deferred, **deferred_tail;

	/* worker threads */
	struct jobs *jobs;
	struct event *jobs_ev;

	struct event *ping_ev;
	struct event *sig_int, *sig_term;
	struct throttle throttle[THROTTLE_SLOTS];
	int stopping;
};

/* An incoming request being answered. */
struct req {
	struct server *srv;
	struct evhttp_request *ev;
	enum evhttp_cmd_type method;
	const char *seg[8];	/* path segments after /api */
	int nseg;
	char *path;		/* decoded path (owned) */
	struct evkeyvalq *query;
	char ip[64];
	struct user *user;
	struct session *sess;
	struct exercise *x;
	struct assignment *as;	/* the user's in x, or NULL */
	int wrote;		/* wrote to the store: answer after commit */
	int answered;
	int status;		/* the status answered */
	int async;		/* a job answers it later (login) */
	/* the audit record of a change */
	const char *audit_action;
	json_t *audit_detail;	/* owned */
};

/* server.c */
int64_t srv_now_ms(void);
void srv_log(struct server *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Open the batch (a store transaction) if none is open; 0 or KVPT_EIO. */
int srv_batch(struct server *s);
struct user *srv_user(struct server *s, int64_t id);
struct user *srv_user_by_name(struct server *s, const char *name);
struct user *srv_user_add(struct server *s, const struct kvpt_user_rec *r);
struct session *srv_session(struct server *s,
			    const uint8_t hash[KVPT_AUTH_TOKEN_HASH]);
void srv_session_add(struct server *s, const struct kvpt_session_rec *r);
void srv_session_drop(struct server *s,
		      const uint8_t hash[KVPT_AUTH_TOKEN_HASH]);
struct exercise *srv_exercise(struct server *s, int64_t id);
struct exercise *srv_exercise_by_code(struct server *s, const char *code);
/* Build an exercise from its stored record (plan bundle, feed). */
int srv_exercise_open(struct server *s, const struct kvpt_exercise_rec *r,
		      struct exercise **out, struct kvpt_buf *err);
/* Store a new exercise (r->id is set) in the open batch, open it and add
 * it to the server's list, linked to its parent and children. */
int srv_exercise_add(struct server *s, struct kvpt_exercise_rec *r,
		     struct exercise **out, struct kvpt_buf *err);
/* Replace the plan of x, not yet started and with an empty feed, by the
 * one in bundle (which must load without errors); KVPT_ESTATE when x has
 * a feed. */
int srv_exercise_replan(struct exercise *x, const char *bundle,
			struct kvpt_buf *err);
struct assignment *srv_assignment(struct exercise *x, int64_t user);
/* Remember an attachment uploaded to x (a's data is not used). */
void srv_attachment_add(struct exercise *x,
			const struct kvpt_attachment_rec *a);
/* x's attachment id, or NULL when x has no such attachment. */
const struct attachment_owner *srv_attachment(const struct exercise *x,
					      int64_t id);
/* The uploader of x's attachment id, or 0 when x has no such attachment. */
int64_t srv_attachment_owner(const struct exercise *x, int64_t id);
int srv_assignment_set(struct exercise *x, int64_t user,
		       enum assign_kind kind, const char *roles_json,
		       struct kvpt_buf *err);
void srv_assignment_remove(struct exercise *x, int64_t user);
/* Reschedule x's timer for its next engine event. */
void srv_exercise_schedule(struct exercise *x);
/* Run a job on a worker thread; done runs on the loop afterwards. */
void srv_job(struct server *s, void (*work)(void *arg),
	     void (*done)(struct server *s, void *arg), void *arg);
/* Parse a bundle {"main", "files"} and load its plan. */
int srv_plan_from_bundle(const char *bundle, struct kvpt_plan **out,
			 struct kvpt_diags *diags, struct kvpt_buf *err);

/* feed.c */
/* The engine's sink and observer for x (append entries as it writes). */
void feed_engine_sink(void *user, const char *line, size_t len);
void feed_engine_observe(void *user, const struct kvpt_event *ev);
/* What a feed entry is, as stored (kvpt_feed_rec.kind). */
enum feed_kind {
	FEED_ENGINE,		/* an engine event: its log line */
	FEED_OBSERVATION,	/* an evaluator's observation: its JSON */
	FEED_KIND_COUNT
};
/* Append a server event of kind with its JSON object; returns its seq.
 * Server events go to the staff only. */
uint64_t feed_add_server(struct exercise *x, enum feed_kind kind,
			 const char *json, int64_t user);
/* Rebuild an entry read from the store (engine ones get their
 * visibility from the parsed event). */
void feed_restore(struct exercise *x, const struct kvpt_feed_rec *r,
		  const struct kvpt_event *ev);
void feed_entry_release(struct feed_entry *f);
/* Whether user u with assignment a may see entry f. */
int feed_visible(const struct exercise *x, const struct user *u,
		 const struct assignment *a, const struct feed_entry *f);
/* After a commit: mark everything committed and push it to streams. */
void feed_publish(struct exercise *x);
/* After a failed commit: drop the uncommitted entries. */
void feed_discard(struct exercise *x);
void sse_open(struct req *r);
void sse_ping_all(struct server *s);
/* Close x's streams of a user or a session (NULL: all of x's). */
void sse_close_matching(struct exercise *x, int64_t user,
			const uint8_t *session);
void sse_close_all(struct exercise *x);

/* http.c */
void http_handle(struct evhttp_request *ev, void *arg);
void reply_json(struct req *r, int status, json_t *body);	/* steals */
void reply_raw(struct req *r, int status, const char *ctype,
	       const void *data, size_t len);
void reply_error(struct req *r, int status, const char *code,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Read the JSON object body against a field table; on failure an error
 * is answered and NULL returned. */
/* F_MAP: an object whose values are strings (or null), at most max keys */
enum ftype { F_STR, F_INT, F_NUM, F_BOOL, F_STRS, F_INTS, F_MAP, F_OBJS };
struct field {
	const char *name;
	enum ftype type;
	int required;
	size_t max;		/* strings: bytes; arrays: items; 0 = 256 */
};
json_t *req_json(struct req *r, const struct field *fields);
/* Query parameter, or NULL. */
const char *req_query(struct req *r, const char *key);
/* The body of the request: *len bytes (may be 0). */
const char *req_body(struct req *r, size_t *len);
const char *req_header(struct req *r, const char *name);
/*
 * A request answered later, after a job on a worker thread: init takes
 * over r (r->async is set, so it is not answered now); resume, back on the
 * loop, fills a fresh request to answer and returns 0 when the client has
 * gone meanwhile (then nothing is to be answered).
 */
struct req_later {
	struct server *srv;
	struct evhttp_request *ev;
	struct evhttp_connection *evcon;
	int gone;
	char ip[64];
	int64_t user;		/* who asked, or 0 */
};
void req_later_init(struct req_later *l, struct req *r);
int req_later_resume(struct req_later *l, struct req *r);
/* Answer r with the report doc (stolen) rendered on a worker thread as a
 * file download called name (api_prep.c). */
enum render_kind { RENDER_XLSX, RENDER_PDF };
void srv_render(struct req *r, json_t *doc, enum render_kind kind,
		const char *name);
/* Record the change for the audit trail (detail may be NULL; stolen). */
void req_audit(struct req *r, const char *action, json_t *detail);
/* Open the batch for a change; on failure answers 503 and returns -1. */
int req_write(struct req *r);
/* Content type and the security headers every answer carries. */
void http_common_headers(struct evhttp_request *ev, const char *ctype);
void http_set_cookie(struct req *r, const char *token, int64_t max_age_s);
/* Write the audit record (if any) and make sure r is answered. */
void req_finish(struct req *r);
/* Answer a deferred request now (after commit) or drop it. */
void deferred_flush(struct server *s, int ok);

/* api_users.c */
void api_login(struct req *r);
void api_logout(struct req *r);
void api_me(struct req *r);
void api_users_list(struct req *r);
void api_users_create(struct req *r);
void api_users_patch(struct req *r);
void api_audit(struct req *r);
json_t *user_json(const struct user *u);
int clearance_parse(const char *s);
/* The API id of a classification mark or clearance: none, mat… */
const char *clearance_id(int c);

/* api_exercises.c */
void api_exercises_list(struct req *r);
void api_exercises_create(struct req *r);
void api_exercise_get(struct req *r);
void api_exercise_plan(struct req *r);
void api_exercise_log(struct req *r);
void api_assignments_list(struct req *r);
void api_assignment_put(struct req *r);
void api_assignment_delete(struct req *r);
json_t *assignment_json(const struct exercise *x, const struct assignment *a);
json_t *clock_json(const struct exercise *x);
const char *exercise_status(const struct exercise *x);
void diags_json_add(json_t *arr, const struct kvpt_diags *d,
		    const char **files, int nfiles, int only_errors);

/* api_run.c */
void api_control(struct req *r);
void api_action(struct req *r);
void api_attachment_post(struct req *r);
void api_attachment_get(struct req *r);
void api_observation_post(struct req *r);
void api_observations_list(struct req *r);
void api_state(struct req *r);
void api_injects(struct req *r);
void api_expectations(struct req *r);
void api_events(struct req *r);
/* api_view.c: what the web front shows */
void api_activities(struct req *r);
void api_documents(struct req *r);
/* Plan document i of x as GET …/documents lists it. */
json_t *document_json(const struct exercise *x, int i);

/* api_prep.c: preparation, rehearsals, readiness, multi-level */
void prep_release(struct exercise *x);
/* Read the preparation records back and link rehearsals, parents and
 * children (after the exercises are loaded). */
int prep_load(struct server *s, struct kvpt_buf *err);
/* Link every exercise to its parent (plan's exercise.parent code). */
void prep_link(struct server *s);
/* Write a preparation or evaluation record of x in the open batch (the
 * caller did req_write); a failure fails the batch. */
void srv_record_put(struct req *r, struct exercise *x, const char *kind,
		    const char *id, const json_t *data);
/* {"id", "name"} of user id, the name as shown (new reference). */
json_t *user_ref_json(struct server *s, int64_t id);
/* x's observations as GET …/observations lists them (new reference). */
json_t *observations_json(const struct exercise *x);
/* Task t of x as the API shows it (new reference). */
json_t *task_out(struct server *s, const struct exercise *x,
		 const json_t *t, int64_t now);
/* Whether attachment id of x is referenced by preparation work the user
 * may see. */
int prep_attachment_visible(const struct exercise *x, const struct user *u,
			    const struct assignment *a, int64_t id);
/* Whether the user sees plan document d of x: cleared for its mark, and
 * staff, observer, player of its owner body, or the document is issued. */
int doc_visible(const struct exercise *x, const struct user *u,
		const struct assignment *a, int d);
/* Add the workflow status and version count of document i to o. */
void prep_document_json(const struct exercise *x, int i, json_t *o);
/* Start x's engine at t: a rehearsal run without t starts at its first
 * chosen phase, with the injects of the phases it leaves out cancelled. */
int prep_start(struct exercise *x, kvpt_time t, int64_t now);
/* Add parent, children and rehearsal to the exercise object o. */
void prep_exercise_json(const struct exercise *x, json_t *o);
/* The exercise whose clock x follows (x itself unless a child). */
struct exercise *prep_clock_owner(struct exercise *x);
/* Apply a clock operation done on x to its children: op 0 start, 1 pause,
 * 2 resume, 3 speed, 4 jump, 8 end, as in api_control. */
void prep_clock_children(struct exercise *x, int op, kvpt_time t,
			 int64_t speed, int64_t now);
void api_committees(struct req *r);
void api_tasks_list(struct req *r);
void api_task_create(struct req *r);
void api_task_patch(struct req *r);
void api_task_comment(struct req *r);
void api_document_get(struct req *r);
void api_document_version_post(struct req *r);
void api_document_version_get(struct req *r);
void api_document_diff(struct req *r);
void api_document_workflow(struct req *r);
void api_rehearsals_list(struct req *r);
void api_rehearsal_create(struct req *r);
void api_findings_list(struct req *r);
void api_finding_create(struct req *r);
void api_finding_task(struct req *r);
void api_readiness(struct req *r);
void api_rollup(struct req *r);
void api_import_msel(struct req *r);
void api_export(struct req *r);
void api_calendar(struct req *r);

/* api_eval.c: measures, verdicts, lessons, the report, replay */
void api_evaluation(struct req *r);
void api_verdict_post(struct req *r);
void api_lessons_list(struct req *r);
void api_lesson_post(struct req *r);
void api_lesson_patch(struct req *r);
void api_aar(struct req *r);
void api_replay(struct req *r);
void api_eval_config(struct req *r);
/* Put config's criteria and scale (see api_eval_config) into x's plan. */
void eval_config_apply(struct exercise *x, const json_t *config);

/* Whether a user with assignment a may see plan activity (inject) i. */
int inject_visible(const struct exercise *x, const struct user *u,
		   const struct assignment *a, int inject);

static inline int is_staff(const struct assignment *a)
{
	return a && (a->kind == AS_DIRECTOR || a->kind == AS_CONTROLLER ||
		     a->kind == AS_EVALUATOR);
}

/* Staff or observer: who reads the preparation and evaluation boards. */
static inline int sees_all(const struct assignment *a)
{
	return is_staff(a) || (a && a->kind == AS_OBSERVER);
}

/* o[key] as a string (NULL when absent or not one) and as an integer (0),
 * for the server's own JSON records. */
static inline const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static inline int64_t jint(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

#endif
