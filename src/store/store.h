/*
 * store: where the server keeps what must survive a restart — users,
 * sessions, exercises (their plan files), assignments, each exercise's
 * feed (the engine's event log plus the server's own events such as
 * evaluators' observations), attachments and the audit trail.
 *
 * The server holds its working state in memory and uses the store as a
 * write-ahead record: it reads everything back on start and appends what
 * changes, grouping the writes of one loop iteration into one transaction
 * (ops->begin … ops->commit) before it answers any of them.
 *
 * The interface is a table of operations (struct kvpt_store_ops) so that a
 * PostgreSQL backend can implement it later; the embedded default is
 * SQLite in WAL mode with synchronous=FULL (store_sqlite.c, the only file
 * that includes sqlite3.h).  Schema migrations are numbered and run on
 * open.
 *
 * Conventions: functions return 0 or a negative KVPT_E… code and append a
 * reason to err (which may be NULL).  Strings in records passed in are
 * borrowed for the call; strings in records passed to a callback live only
 * during the callback.  A callback returning non-zero stops the iteration,
 * and the function then returns that value.  Times are Unix ms.
 */
#ifndef KVPT_STORE_H
#define KVPT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* The schema version this build writes; kvpt_store_open refuses a newer
 * one. */
#define KVPT_STORE_SCHEMA_VERSION 2

/* Size of a session token hash (BLAKE2b-256). */
#define KVPT_STORE_TOKEN_HASH 32

struct kvpt_user_rec {
	int64_t id;		/* assigned by the store on insert */
	const char *name;	/* login name, unique */
	const char *display;	/* full name shown in the UI */
	const char *pass_hash;	/* argon2id string (libsodium) */
	int admin;		/* system administrator */
	int clearance;		/* enum kvpt_classification */
	int disabled;
	int64_t created_ms;
};

struct kvpt_session_rec {
	uint8_t token_hash[KVPT_STORE_TOKEN_HASH];
	int64_t user;
	const char *csrf;	/* the session's CSRF token */
	int64_t created_ms;
	int64_t expires_ms;
	const char *ip;		/* where it was opened */
};

struct kvpt_exercise_rec {
	int64_t id;		/* assigned by the store on insert */
	const char *code;	/* the plan's exercise code, unique */
	const char *name;
	const char *bundle;	/* JSON: {"main": path, "files": {path: text}} */
	int64_t created_by;	/* user id, 0 for the command line */
	int64_t created_ms;
};

struct kvpt_assignment_rec {
	int64_t exercise;
	int64_t user;
	const char *kind;	/* director, controller, player, evaluator,
				 * observer */
	const char *roles;	/* player: JSON array of role ids, else "[]" */
};

/* One entry of an exercise's feed, numbered 1, 2, 3… per exercise. */
struct kvpt_feed_rec {
	int64_t exercise;
	uint64_t seq;
	int64_t at_ms;		/* real time it was recorded */
	int kind;		/* 0 engine event, 1 server event */
	const char *line;	/* engine: the event log line (no newline) */
	const char *data;	/* server: its JSON; engine: extra JSON or
				 * NULL */
	int64_t user;		/* who caused it, 0 for the engine itself */
};

struct kvpt_attachment_rec {
	int64_t id;		/* assigned by the store on insert */
	int64_t exercise;
	int64_t user;		/* uploader */
	const char *name;	/* file name as given (UTF-8) */
	const char *mime;
	const void *data;
	size_t len;
	int64_t at_ms;
};

struct kvpt_audit_rec {
	int64_t seq;		/* assigned by the store on append */
	int64_t at_ms;
	int64_t user;		/* 0 when nobody is logged in */
	const char *user_name;	/* as given at the time (login attempts) */
	const char *ip;
	int64_t exercise;	/* 0 when not about one */
	const char *action;	/* e.g. "login", "control.start" */
	const char *detail;	/* JSON object */
	int status;		/* HTTP status answered */
};

/*
 * A record of the preparation and evaluation work around an exercise: a
 * task, a document's workflow, a document version, a rehearsal, a
 * finding…  The server owns the shape of data (a JSON object) and keeps
 * the records it works with in memory; the store keeps them by (exercise,
 * kind, id).
 */
struct kvpt_record_rec {
	int64_t exercise;
	const char *kind;	/* "task", "doc", "docver", "rehearsal"… */
	const char *id;		/* unique within (exercise, kind) */
	const char *data;	/* JSON object */
	int64_t updated_ms;
};

struct kvpt_store;

struct kvpt_store_ops {
	void (*close)(struct kvpt_store *st);
	int (*begin)(struct kvpt_store *st, struct kvpt_buf *err);
	int (*commit)(struct kvpt_store *st, struct kvpt_buf *err);
	int (*rollback)(struct kvpt_store *st);

	int (*user_insert)(struct kvpt_store *st, struct kvpt_user_rec *u,
			   struct kvpt_buf *err);
	int (*user_update)(struct kvpt_store *st,
			   const struct kvpt_user_rec *u,
			   struct kvpt_buf *err);
	int (*user_load_all)(struct kvpt_store *st,
			     int (*cb)(void *ctx,
				       const struct kvpt_user_rec *u),
			     void *ctx, struct kvpt_buf *err);

	int (*session_insert)(struct kvpt_store *st,
			      const struct kvpt_session_rec *s,
			      struct kvpt_buf *err);
	int (*session_delete)(struct kvpt_store *st,
			      const uint8_t hash[KVPT_STORE_TOKEN_HASH],
			      struct kvpt_buf *err);
	/* Sessions not expired at now_ms; expired ones are deleted. */
	int (*session_load_all)(struct kvpt_store *st, int64_t now_ms,
				int (*cb)(void *ctx,
					  const struct kvpt_session_rec *s),
				void *ctx, struct kvpt_buf *err);

	int (*exercise_insert)(struct kvpt_store *st,
			       struct kvpt_exercise_rec *x,
			       struct kvpt_buf *err);
	int (*exercise_load_all)(struct kvpt_store *st,
				 int (*cb)(void *ctx,
					   const struct kvpt_exercise_rec *x),
				 void *ctx, struct kvpt_buf *err);

	/* Insert or replace the assignment of (exercise, user). */
	int (*assignment_put)(struct kvpt_store *st,
			      const struct kvpt_assignment_rec *a,
			      struct kvpt_buf *err);
	int (*assignment_delete)(struct kvpt_store *st, int64_t exercise,
				 int64_t user, struct kvpt_buf *err);
	int (*assignment_load_all)(struct kvpt_store *st,
				   int (*cb)(void *ctx,
					     const struct kvpt_assignment_rec
					     *a),
				   void *ctx, struct kvpt_buf *err);

	/* KVPT_ESTATE when (exercise, seq) is already there. */
	int (*feed_append)(struct kvpt_store *st,
			   const struct kvpt_feed_rec *f,
			   struct kvpt_buf *err);
	/* In seq order. */
	int (*feed_load)(struct kvpt_store *st, int64_t exercise,
			 int (*cb)(void *ctx, const struct kvpt_feed_rec *f),
			 void *ctx, struct kvpt_buf *err);

	int (*attachment_insert)(struct kvpt_store *st,
				 struct kvpt_attachment_rec *a,
				 struct kvpt_buf *err);
	/* KVPT_ENOTFOUND unless attachment id belongs to exercise. */
	int (*attachment_get)(struct kvpt_store *st, int64_t exercise,
			      int64_t id,
			      int (*cb)(void *ctx,
					const struct kvpt_attachment_rec *a),
			      void *ctx, struct kvpt_buf *err);

	/* Every attachment without its bytes (data NULL, len set), by id. */
	int (*attachment_list)(struct kvpt_store *st,
			       int (*cb)(void *ctx,
					 const struct kvpt_attachment_rec *a),
			       void *ctx, struct kvpt_buf *err);

	int (*audit_append)(struct kvpt_store *st, struct kvpt_audit_rec *a,
			    struct kvpt_buf *err);
	/* Records with seq > after, oldest first, at most limit. */
	int (*audit_list)(struct kvpt_store *st, int64_t after, int limit,
			  int (*cb)(void *ctx,
				    const struct kvpt_audit_rec *a),
			  void *ctx, struct kvpt_buf *err);

	/* Replace an exercise's name and plan bundle (by x->id);
	 * KVPT_ENOTFOUND when there is no such exercise. */
	int (*exercise_update)(struct kvpt_store *st,
			       const struct kvpt_exercise_rec *x,
			       struct kvpt_buf *err);

	/* Insert or replace the record (exercise, kind, id). */
	int (*record_put)(struct kvpt_store *st,
			  const struct kvpt_record_rec *r,
			  struct kvpt_buf *err);
	/* Every record of a kind, by exercise then id. */
	int (*record_load)(struct kvpt_store *st, const char *kind,
			   int (*cb)(void *ctx,
				     const struct kvpt_record_rec *r),
			   void *ctx, struct kvpt_buf *err);
	/* One record; KVPT_ENOTFOUND when it is not there. */
	int (*record_get)(struct kvpt_store *st, int64_t exercise,
			  const char *kind, const char *id,
			  int (*cb)(void *ctx,
				    const struct kvpt_record_rec *r),
			  void *ctx, struct kvpt_buf *err);
};

struct kvpt_store {
	const struct kvpt_store_ops *ops;
};

struct kvpt_store_opts {
	int synchronous_normal;	/* 1: synchronous=NORMAL instead of FULL
				 * (faster, may lose the last commits on
				 * power loss; never on a process crash) */
};

/*
 * Open (creating if needed) the store named by `where`: a file path for
 * the SQLite backend.  Runs the schema migrations.  opts may be NULL.
 * Returns 0 with *out set, KVPT_EIO when the database cannot be opened or
 * migrated, KVPT_ESTATE when its schema is newer than this build's.
 */
int kvpt_store_open(const char *where, const struct kvpt_store_opts *opts,
		    struct kvpt_store **out, struct kvpt_buf *err);

/* The SQLite backend (store_sqlite.c). */
int kvpt_store_sqlite_open(const char *path,
			   const struct kvpt_store_opts *opts,
			   struct kvpt_store **out, struct kvpt_buf *err);

static inline void kvpt_store_close(struct kvpt_store *st)
{
	st->ops->close(st);
}

#endif
