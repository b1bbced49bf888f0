/*
 * store_sqlite: the embedded store backend, one SQLite file in WAL mode.
 * See store.h for the operations; this is the only file of kvpt that
 * includes sqlite3.h.
 *
 * Opening configures the connection (WAL, synchronous=FULL unless asked
 * for NORMAL, foreign keys, a busy timeout), brings the schema up to
 * KVPT_STORE_SCHEMA_VERSION with the numbered migrations below and then
 * prepares every statement the operations use, once, so an operation only
 * binds, steps and resets.
 *
 * The connection is opened without SQLite's mutexes: a store must be used
 * by one thread at a time.  A statement is reset before its operation
 * returns, so a callback may call other operations of the store, but not
 * the one iterating (its statement is busy until the callback returns).
 *
 * When commit fails the transaction may still be open; the caller rolls it
 * back.
 */
#include "store.h"
#include "base/xalloc.h"
#include "model/model.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUSY_TIMEOUT_MS 5000

/*
 * Schema migrations: migrations[i] brings a database from version i - 1 to
 * version i, inside one transaction.  A migration that has shipped is never
 * edited; a change to the schema is a new migration and a new
 * KVPT_STORE_SCHEMA_VERSION.  The version lives in meta('schema_version'),
 * which every version has.
 *
 * No table needs an index beyond its key: the feed is read by (exercise,
 * seq), attachments by id, the audit trail by seq, and sessions are read
 * and purged whole on start.
 */
static const char *const migrations[] = {
	[1] =
	"CREATE TABLE users ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT UNIQUE NOT NULL,"
	" display TEXT,"
	" pass_hash TEXT NOT NULL,"
	" admin INT,"
	" clearance INT,"
	" disabled INT,"
	" created_ms INT"
	");"
	"CREATE TABLE sessions ("
	" token_hash BLOB PRIMARY KEY,"
	" user INT REFERENCES users(id) ON DELETE CASCADE,"
	" csrf TEXT,"
	" created_ms INT,"
	" expires_ms INT,"
	" ip TEXT"
	");"
	"CREATE TABLE exercises ("
	" id INTEGER PRIMARY KEY,"
	" code TEXT UNIQUE NOT NULL,"
	" name TEXT,"
	" bundle TEXT NOT NULL,"
	" created_by INT,"
	" created_ms INT"
	");"
	"CREATE TABLE assignments ("
	" exercise INT,"
	" user INT,"
	" kind TEXT,"
	" roles TEXT,"
	" PRIMARY KEY (exercise, user)"
	");"
	"CREATE TABLE feed ("
	" exercise INT,"
	" seq INT,"
	" at_ms INT,"
	" kind INT,"
	" line TEXT,"
	" data TEXT,"
	" user INT,"
	" PRIMARY KEY (exercise, seq)"
	") WITHOUT ROWID;"
	"CREATE TABLE attachments ("
	" id INTEGER PRIMARY KEY,"
	" exercise INT,"
	" user INT,"
	" name TEXT,"
	" mime TEXT,"
	" data BLOB,"
	" len INT,"
	" at_ms INT"
	");"
	"CREATE TABLE audit ("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	" at_ms INT,"
	" user INT,"
	" user_name TEXT,"
	" ip TEXT,"
	" exercise INT,"
	" action TEXT,"
	" detail TEXT,"
	" status INT"
	");",
	/* 2: preparation and evaluation records (tasks, documents' workflow
	 * and versions, rehearsals, findings…), each a JSON object. */
	[2] =
	"CREATE TABLE records ("
	" exercise INT,"
	" kind TEXT,"
	" id TEXT,"
	" data TEXT NOT NULL,"
	" updated_ms INT,"
	" PRIMARY KEY (exercise, kind, id)"
	") WITHOUT ROWID;",
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) ==
	       KVPT_STORE_SCHEMA_VERSION + 1,
	       "one migration per schema version");

/* The statements of the operations, prepared at open. */
enum stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_USER_INSERT,
	ST_USER_UPDATE,
	ST_USER_LOAD,
	ST_SESSION_INSERT,
	ST_SESSION_DELETE,
	ST_SESSION_EXPIRE,
	ST_SESSION_LOAD,
	ST_EXERCISE_INSERT,
	ST_EXERCISE_LOAD,
	ST_ASSIGNMENT_PUT,
	ST_ASSIGNMENT_DELETE,
	ST_ASSIGNMENT_LOAD,
	ST_FEED_APPEND,
	ST_FEED_LOAD,
	ST_ATTACHMENT_INSERT,
	ST_ATTACHMENT_GET,
	ST_ATTACHMENT_LIST,
	ST_AUDIT_APPEND,
	ST_AUDIT_LIST,
	ST_EXERCISE_UPDATE,
	ST_RECORD_PUT,
	ST_RECORD_LOAD,
	ST_RECORD_GET,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_USER_INSERT] =
	"INSERT INTO users (name, display, pass_hash, admin, clearance,"
	" disabled, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_USER_UPDATE] =
	"UPDATE users SET display = ?2, pass_hash = ?3, admin = ?4,"
	" clearance = ?5, disabled = ?6 WHERE id = ?1",
	[ST_USER_LOAD] =
	"SELECT id, name, display, pass_hash, admin, clearance, disabled,"
	" created_ms FROM users ORDER BY id",
	[ST_SESSION_INSERT] =
	"INSERT INTO sessions (token_hash, user, csrf, created_ms,"
	" expires_ms, ip) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_SESSION_DELETE] = "DELETE FROM sessions WHERE token_hash = ?1",
	[ST_SESSION_EXPIRE] = "DELETE FROM sessions WHERE expires_ms <= ?1",
	[ST_SESSION_LOAD] =
	"SELECT token_hash, user, csrf, created_ms, expires_ms, ip"
	" FROM sessions WHERE expires_ms > ?1 ORDER BY created_ms",
	[ST_EXERCISE_INSERT] =
	"INSERT INTO exercises (code, name, bundle, created_by, created_ms)"
	" VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_EXERCISE_LOAD] =
	"SELECT id, code, name, bundle, created_by, created_ms"
	" FROM exercises ORDER BY id",
	[ST_ASSIGNMENT_PUT] =
	"INSERT INTO assignments (exercise, user, kind, roles)"
	" VALUES (?1, ?2, ?3, ?4) ON CONFLICT (exercise, user)"
	" DO UPDATE SET kind = excluded.kind, roles = excluded.roles",
	[ST_ASSIGNMENT_DELETE] =
	"DELETE FROM assignments WHERE exercise = ?1 AND user = ?2",
	[ST_ASSIGNMENT_LOAD] =
	"SELECT exercise, user, kind, roles FROM assignments"
	" ORDER BY exercise, user",
	[ST_FEED_APPEND] =
	"INSERT INTO feed (exercise, seq, at_ms, kind, line, data, user)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_FEED_LOAD] =
	"SELECT seq, at_ms, kind, line, data, user FROM feed"
	" WHERE exercise = ?1 ORDER BY seq",
	[ST_ATTACHMENT_INSERT] =
	"INSERT INTO attachments (exercise, user, name, mime, data, len,"
	" at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_ATTACHMENT_GET] =
	"SELECT user, name, mime, data, at_ms FROM attachments"
	" WHERE id = ?1 AND exercise = ?2",
	[ST_ATTACHMENT_LIST] =
	"SELECT id, exercise, user, name, mime, len, at_ms FROM attachments"
	" ORDER BY id",
	[ST_AUDIT_APPEND] =
	"INSERT INTO audit (at_ms, user, user_name, ip, exercise, action,"
	" detail, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_AUDIT_LIST] =
	"SELECT seq, at_ms, user, user_name, ip, exercise, action, detail,"
	" status FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2",
	[ST_EXERCISE_UPDATE] =
	"UPDATE exercises SET name = ?2, bundle = ?3 WHERE id = ?1",
	[ST_RECORD_PUT] =
	"INSERT INTO records (exercise, kind, id, data, updated_ms)"
	" VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (exercise, kind, id)"
	" DO UPDATE SET data = excluded.data,"
	" updated_ms = excluded.updated_ms",
	[ST_RECORD_LOAD] =
	"SELECT exercise, id, data, updated_ms FROM records WHERE kind = ?1"
	" ORDER BY exercise, id",
	[ST_RECORD_GET] =
	"SELECT data, updated_ms FROM records"
	" WHERE exercise = ?1 AND kind = ?2 AND id = ?3",
};

struct store_sqlite {
	struct kvpt_store base;
	sqlite3 *db;
	sqlite3_stmt *stmt[ST_COUNT];	/* NULL until prepared */
	char *path;			/* as given, for messages */
};

static struct store_sqlite *to_sqlite(struct kvpt_store *st)
{
	return (struct store_sqlite *)((char *)st -
				       offsetof(struct store_sqlite, base));
}

/* Errors. */

static void say(const struct store_sqlite *s, struct kvpt_buf *err,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Append "PATH: " and the formatted reason to err. */
static void say(const struct store_sqlite *s, struct kvpt_buf *err,
		const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	kvpt_buf_addf(err, "%s: ", s->path);
	va_start(ap, fmt);
	kvpt_buf_vaddf(err, fmt, ap);
	va_end(ap);
}

/*
 * Report a failed SQLite call (result code rc) while doing `what`, with
 * SQLite's message, and return the kvpt code for it.  Call it before the
 * statement is reset, which may replace the message.
 */
static int fail(struct store_sqlite *s, int rc, const char *what,
		struct kvpt_buf *err)
{
	say(s, err, "%s: %s", what, sqlite3_errmsg(s->db));
	if (rc == SQLITE_TOOBIG)
		return KVPT_ETOOBIG;
	if (rc == SQLITE_CONSTRAINT_NOTNULL)
		return KVPT_EINVAL;
	return KVPT_EIO;
}

/* Make a statement ready for its next use. */
static void finish(sqlite3_stmt *q)
{
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
}

/* Run a statement that returns no rows: 0 or the SQLite result code.  The
 * statement is left to the caller to finish, so the message survives. */
static int run(sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);

	return rc == SQLITE_DONE ? 0 : rc;
}

/* Step a query: 1 with a row ready, 0 past the last, or a kvpt code. */
static int next_row(struct store_sqlite *s, sqlite3_stmt *q,
		    const char *what, struct kvpt_buf *err)
{
	int rc = sqlite3_step(q);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return fail(s, rc, what, err);
}

/* Bind a string, borrowed until the statement is finished; NULL binds
 * NULL. */
static void bind_str(sqlite3_stmt *q, int i, const char *v)
{
	sqlite3_bind_text(q, i, v, -1, SQLITE_STATIC);
}

static const char *column_str(sqlite3_stmt *q, int i)
{
	return (const char *)sqlite3_column_text(q, i);
}

/* Opening. */

static int exec(struct store_sqlite *s, const char *sql, const char *what,
		struct kvpt_buf *err)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return fail(s, rc, what, err);
	return 0;
}

/* Switch to WAL, which the store relies on for its durability and for
 * readers not blocking the writer, and check SQLite agreed: it answers
 * the mode it is in, e.g. "memory" for an in-memory database. */
static int set_wal(struct store_sqlite *s, struct kvpt_buf *err)
{
	sqlite3_stmt *q;
	const char *mode;
	int rc, ret = 0;

	rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &q,
				NULL);
	if (rc != SQLITE_OK)
		return fail(s, rc, "cannot set WAL mode", err);
	rc = sqlite3_step(q);
	if (rc != SQLITE_ROW) {
		ret = fail(s, rc, "cannot set WAL mode", err);
		goto out_finalize;
	}
	mode = column_str(q, 0);
	if (!mode || strcmp(mode, "wal") != 0) {
		say(s, err, "cannot set WAL mode: journal mode is '%s'",
		    mode ? mode : "unknown");
		ret = KVPT_EIO;
	}
out_finalize:
	sqlite3_finalize(q);
	return ret;
}

static int configure(struct store_sqlite *s,
		     const struct kvpt_store_opts *opts,
		     struct kvpt_buf *err)
{
	int ret;

	/* First, so that the next pragmas wait for another process's
	 * lock instead of failing at once. */
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	ret = set_wal(s, err);
	if (ret)
		return ret;
	if (opts && opts->synchronous_normal)
		ret = exec(s, "PRAGMA synchronous = NORMAL",
			   "cannot set synchronous mode", err);
	else
		ret = exec(s, "PRAGMA synchronous = FULL",
			   "cannot set synchronous mode", err);
	if (ret)
		return ret;
	return exec(s, "PRAGMA foreign_keys = ON",
		    "cannot enable foreign keys", err);
}

/* The schema version in meta, 0 when there is none yet. */
static int read_version(struct store_sqlite *s, sqlite3_int64 *version,
			struct kvpt_buf *err)
{
	sqlite3_stmt *q;
	int rc, ret = 0;

	rc = sqlite3_prepare_v2(s->db,
				"SELECT value FROM meta"
				" WHERE key = 'schema_version'",
				-1, &q, NULL);
	if (rc != SQLITE_OK)
		return fail(s, rc, "cannot read the schema version", err);
	*version = 0;
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int64(q, 0);
	else if (rc != SQLITE_DONE)
		ret = fail(s, rc, "cannot read the schema version", err);
	sqlite3_finalize(q);
	if (!ret && *version < 0) {
		say(s, err, "invalid schema version %lld",
		    (long long)*version);
		ret = KVPT_EIO;
	}
	return ret;
}

/*
 * Bring the schema to KVPT_STORE_SCHEMA_VERSION, one migration per
 * transaction.  The version is read inside each write transaction, so two
 * processes opening the same new file do not both migrate it.
 */
static int migrate(struct store_sqlite *s, struct kvpt_buf *err)
{
	sqlite3_int64 version;
	char sql[128];
	int ret;

	for (;;) {
		ret = exec(s, "BEGIN IMMEDIATE", "cannot migrate", err);
		if (ret)
			return ret;
		ret = exec(s,
			   "CREATE TABLE IF NOT EXISTS meta"
			   " (key TEXT PRIMARY KEY, value TEXT)",
			   "cannot migrate", err);
		if (ret)
			goto out_rollback;
		ret = read_version(s, &version, err);
		if (ret)
			goto out_rollback;
		if (version > KVPT_STORE_SCHEMA_VERSION) {
			say(s, err,
			    "schema version %lld is newer than this kvpt's "
			    "(%d); use a newer kvpt", (long long)version,
			    KVPT_STORE_SCHEMA_VERSION);
			ret = KVPT_ESTATE;
			goto out_rollback;
		}
		if (version == KVPT_STORE_SCHEMA_VERSION)
			break;
		ret = exec(s, migrations[version + 1],
			   "cannot migrate the schema", err);
		if (ret)
			goto out_rollback;
		snprintf(sql, sizeof(sql),
			 "INSERT OR REPLACE INTO meta (key, value)"
			 " VALUES ('schema_version', '%lld')",
			 (long long)version + 1);
		ret = exec(s, sql, "cannot migrate the schema", err);
		if (ret)
			goto out_rollback;
		ret = exec(s, "COMMIT", "cannot migrate the schema", err);
		if (ret)
			goto out_rollback;
	}
	return exec(s, "COMMIT", "cannot migrate", err);

out_rollback:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return ret;
}

static int prepare_all(struct store_sqlite *s, struct kvpt_buf *err)
{
	int i, rc;

	for (i = 0; i < ST_COUNT; i++) {
		rc = sqlite3_prepare_v3(s->db, stmt_sql[i], -1,
					SQLITE_PREPARE_PERSISTENT,
					&s->stmt[i], NULL);
		if (rc != SQLITE_OK)
			return fail(s, rc, "cannot prepare a statement", err);
	}
	return 0;
}

/* Release whatever an open got as far as making. */
static void store_free(struct store_sqlite *s)
{
	int i;

	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close_v2(s->db);
	free(s->path);
	free(s);
}

/* Operations. */

static void op_close(struct kvpt_store *st)
{
	store_free(to_sqlite(st));
}

static int op_begin(struct kvpt_store *st, struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_BEGIN];
	int rc, ret = 0;

	if (!sqlite3_get_autocommit(s->db)) {
		say(s, err, "a transaction is already open");
		return KVPT_ESTATE;
	}
	rc = run(q);
	if (rc)
		ret = fail(s, rc, "cannot begin a transaction", err);
	finish(q);
	return ret;
}

static int op_commit(struct kvpt_store *st, struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_COMMIT];
	int rc, ret = 0;

	if (sqlite3_get_autocommit(s->db)) {
		say(s, err, "no transaction to commit");
		return KVPT_ESTATE;
	}
	rc = run(q);
	if (rc)
		ret = fail(s, rc, "cannot commit", err);
	finish(q);
	return ret;
}

static int op_rollback(struct kvpt_store *st)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_ROLLBACK];
	int ret = 0;

	/* Nothing to undo; also covers SQLite having rolled back by itself
	 * after an error such as a full disk. */
	if (sqlite3_get_autocommit(s->db))
		return 0;
	if (run(q))
		ret = KVPT_EIO;
	finish(q);
	return ret;
}

static int op_user_insert(struct kvpt_store *st, struct kvpt_user_rec *u,
			  struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_USER_INSERT];
	int rc, ret = 0;

	bind_str(q, 1, u->name);
	bind_str(q, 2, u->display);
	bind_str(q, 3, u->pass_hash);
	sqlite3_bind_int(q, 4, u->admin);
	sqlite3_bind_int(q, 5, u->clearance);
	sqlite3_bind_int(q, 6, u->disabled);
	sqlite3_bind_int64(q, 7, u->created_ms);
	rc = run(q);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		say(s, err, "user '%s' already exists", u->name);
		ret = KVPT_ESTATE;
	} else if (rc) {
		ret = fail(s, rc, "cannot add a user", err);
	} else {
		u->id = sqlite3_last_insert_rowid(s->db);
	}
	finish(q);
	return ret;
}

static int op_user_update(struct kvpt_store *st,
			  const struct kvpt_user_rec *u,
			  struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_USER_UPDATE];
	int rc, ret = 0;

	sqlite3_bind_int64(q, 1, u->id);
	bind_str(q, 2, u->display);
	bind_str(q, 3, u->pass_hash);
	sqlite3_bind_int(q, 4, u->admin);
	sqlite3_bind_int(q, 5, u->clearance);
	sqlite3_bind_int(q, 6, u->disabled);
	rc = run(q);
	if (rc) {
		ret = fail(s, rc, "cannot update a user", err);
	} else if (sqlite3_changes(s->db) == 0) {
		say(s, err, "no user with id %lld", (long long)u->id);
		ret = KVPT_ENOTFOUND;
	}
	finish(q);
	return ret;
}

static int op_user_load_all(struct kvpt_store *st,
			    int (*cb)(void *ctx,
				      const struct kvpt_user_rec *u),
			    void *ctx, struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_USER_LOAD];
	struct kvpt_user_rec u;
	int ret;

	for (;;) {
		ret = next_row(s, q, "cannot load users", err);
		if (ret <= 0)
			break;
		u.id = sqlite3_column_int64(q, 0);
		u.name = column_str(q, 1);
		u.display = column_str(q, 2);
		u.pass_hash = column_str(q, 3);
		u.admin = sqlite3_column_int(q, 4);
		u.clearance = sqlite3_column_int(q, 5);
		u.disabled = sqlite3_column_int(q, 6);
		u.created_ms = sqlite3_column_int64(q, 7);
		ret = cb(ctx, &u);
		if (ret)
			break;
	}
	finish(q);
	return ret;
}

static int op_session_insert(struct kvpt_store *st,
			     const struct kvpt_session_rec *r,
			     struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_SESSION_INSERT];
	int rc, ret = 0;

	sqlite3_bind_blob(q, 1, r->token_hash, KVPT_STORE_TOKEN_HASH,
			  SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, r->user);
	bind_str(q, 3, r->csrf);
	sqlite3_bind_int64(q, 4, r->created_ms);
	sqlite3_bind_int64(q, 5, r->expires_ms);
	bind_str(q, 6, r->ip);
	rc = run(q);
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
		say(s, err, "no user with id %lld", (long long)r->user);
		ret = KVPT_ENOTFOUND;
	} else if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
		say(s, err, "the session already exists");
		ret = KVPT_ESTATE;
	} else if (rc) {
		ret = fail(s, rc, "cannot add a session", err);
	}
	finish(q);
	return ret;
}

static int op_session_delete(struct kvpt_store *st,
			     const uint8_t hash[KVPT_STORE_TOKEN_HASH],
			     struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_SESSION_DELETE];
	int rc, ret = 0;

	sqlite3_bind_blob(q, 1, hash, KVPT_STORE_TOKEN_HASH, SQLITE_STATIC);
	rc = run(q);
	if (rc)
		ret = fail(s, rc, "cannot delete a session", err);
	finish(q);
	return ret;
}

static int op_session_load_all(struct kvpt_store *st, int64_t now_ms,
			       int (*cb)(void *ctx,
					 const struct kvpt_session_rec *r),
			       void *ctx, struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_SESSION_EXPIRE];
	struct kvpt_session_rec r;
	const void *hash;
	int rc, ret;

	sqlite3_bind_int64(q, 1, now_ms);
	rc = run(q);
	if (rc) {
		ret = fail(s, rc, "cannot delete expired sessions", err);
		finish(q);
		return ret;
	}
	finish(q);

	q = s->stmt[ST_SESSION_LOAD];
	sqlite3_bind_int64(q, 1, now_ms);
	for (;;) {
		ret = next_row(s, q, "cannot load sessions", err);
		if (ret <= 0)
			break;
		hash = sqlite3_column_blob(q, 0);
		if (!hash ||
		    sqlite3_column_bytes(q, 0) != KVPT_STORE_TOKEN_HASH) {
			say(s, err, "a session's token hash is not %d bytes",
			    KVPT_STORE_TOKEN_HASH);
			ret = KVPT_EIO;
			break;
		}
		memcpy(r.token_hash, hash, KVPT_STORE_TOKEN_HASH);
		r.user = sqlite3_column_int64(q, 1);
		r.csrf = column_str(q, 2);
		r.created_ms = sqlite3_column_int64(q, 3);
		r.expires_ms = sqlite3_column_int64(q, 4);
		r.ip = column_str(q, 5);
		ret = cb(ctx, &r);
		if (ret)
			break;
	}
	finish(q);
	return ret;
}

static int op_exercise_insert(struct kvpt_store *st,
			      struct kvpt_exercise_rec *x,
			      struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_EXERCISE_INSERT];
	int rc, ret = 0;

	bind_str(q, 1, x->code);
	bind_str(q, 2, x->name);
	bind_str(q, 3, x->bundle);
	sqlite3_bind_int64(q, 4, x->created_by);
	sqlite3_bind_int64(q, 5, x->created_ms);
	rc = run(q);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		say(s, err, "exercise '%s' already exists", x->code);
		ret = KVPT_ESTATE;
	} else if (rc) {
		ret = fail(s, rc, "cannot add an exercise", err);
	} else {
		x->id = sqlite3_last_insert_rowid(s->db);
	}
	finish(q);
	return ret;
}

static int op_exercise_load_all(struct kvpt_store *st,
				int (*cb)(void *ctx,
					  const struct kvpt_exercise_rec *x),
				void *ctx, struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_EXERCISE_LOAD];
	struct kvpt_exercise_rec x;
	int ret;

	for (;;) {
		ret = next_row(s, q, "cannot load exercises", err);
		if (ret <= 0)
			break;
		x.id = sqlite3_column_int64(q, 0);
		x.code = column_str(q, 1);
		x.name = column_str(q, 2);
		x.bundle = column_str(q, 3);
		x.created_by = sqlite3_column_int64(q, 4);
		x.created_ms = sqlite3_column_int64(q, 5);
		ret = cb(ctx, &x);
		if (ret)
			break;
	}
	finish(q);
	return ret;
}

static int op_assignment_put(struct kvpt_store *st,
			     const struct kvpt_assignment_rec *a,
			     struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_ASSIGNMENT_PUT];
	int rc, ret = 0;

	sqlite3_bind_int64(q, 1, a->exercise);
	sqlite3_bind_int64(q, 2, a->user);
	bind_str(q, 3, a->kind);
	bind_str(q, 4, a->roles);
	rc = run(q);
	if (rc)
		ret = fail(s, rc, "cannot store an assignment", err);
	finish(q);
	return ret;
}

static int op_assignment_delete(struct kvpt_store *st, int64_t exercise,
				int64_t user, struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_ASSIGNMENT_DELETE];
	int rc, ret = 0;

	sqlite3_bind_int64(q, 1, exercise);
	sqlite3_bind_int64(q, 2, user);
	rc = run(q);
	if (rc)
		ret = fail(s, rc, "cannot delete an assignment", err);
	finish(q);
	return ret;
}

static int op_assignment_load_all(struct kvpt_store *st,
				  int (*cb)(void *ctx,
					    const struct kvpt_assignment_rec
					    *a),
				  void *ctx, struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_ASSIGNMENT_LOAD];
	struct kvpt_assignment_rec a;
	int ret;

	for (;;) {
		ret = next_row(s, q, "cannot load assignments", err);
		if (ret <= 0)
			break;
		a.exercise = sqlite3_column_int64(q, 0);
		a.user = sqlite3_column_int64(q, 1);
		a.kind = column_str(q, 2);
		a.roles = column_str(q, 3);
		ret = cb(ctx, &a);
		if (ret)
			break;
	}
	finish(q);
	return ret;
}

static int op_feed_append(struct kvpt_store *st,
			  const struct kvpt_feed_rec *f,
			  struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_FEED_APPEND];
	int rc, ret = 0;

	sqlite3_bind_int64(q, 1, f->exercise);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)f->seq);
	sqlite3_bind_int64(q, 3, f->at_ms);
	sqlite3_bind_int(q, 4, f->kind);
	bind_str(q, 5, f->line);
	bind_str(q, 6, f->data);
	sqlite3_bind_int64(q, 7, f->user);
	rc = run(q);
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
		say(s, err, "feed entry %llu of exercise %lld already exists",
		    (unsigned long long)f->seq, (long long)f->exercise);
		ret = KVPT_ESTATE;
	} else if (rc) {
		ret = fail(s, rc, "cannot append to the feed", err);
	}
	finish(q);
	return ret;
}

static int op_feed_load(struct kvpt_store *st, int64_t exercise,
			int (*cb)(void *ctx, const struct kvpt_feed_rec *f),
			void *ctx, struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_FEED_LOAD];
	struct kvpt_feed_rec f;
	int ret;

	sqlite3_bind_int64(q, 1, exercise);
	for (;;) {
		ret = next_row(s, q, "cannot load the feed", err);
		if (ret <= 0)
			break;
		f.exercise = exercise;
		f.seq = (uint64_t)sqlite3_column_int64(q, 0);
		f.at_ms = sqlite3_column_int64(q, 1);
		f.kind = sqlite3_column_int(q, 2);
		f.line = column_str(q, 3);
		f.data = column_str(q, 4);
		f.user = sqlite3_column_int64(q, 5);
		ret = cb(ctx, &f);
		if (ret)
			break;
	}
	finish(q);
	return ret;
}

static int op_attachment_insert(struct kvpt_store *st,
				struct kvpt_attachment_rec *a,
				struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_ATTACHMENT_INSERT];
	int rc, ret = 0;

	sqlite3_bind_int64(q, 1, a->exercise);
	sqlite3_bind_int64(q, 2, a->user);
	bind_str(q, 3, a->name);
	bind_str(q, 4, a->mime);
	/* An empty file is an empty blob, not NULL. */
	if (a->len)
		rc = sqlite3_bind_blob64(q, 5, a->data, a->len,
					 SQLITE_STATIC);
	else
		rc = sqlite3_bind_zeroblob(q, 5, 0);
	if (rc) {
		ret = fail(s, rc, "cannot add an attachment", err);
		goto out_finish;
	}
	sqlite3_bind_int64(q, 6, (sqlite3_int64)a->len);
	sqlite3_bind_int64(q, 7, a->at_ms);
	rc = run(q);
	if (rc)
		ret = fail(s, rc, "cannot add an attachment", err);
	else
		a->id = sqlite3_last_insert_rowid(s->db);
out_finish:
	finish(q);
	return ret;
}

static int op_attachment_get(struct kvpt_store *st, int64_t exercise,
			     int64_t id,
			     int (*cb)(void *ctx,
				       const struct kvpt_attachment_rec *a),
			     void *ctx, struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_ATTACHMENT_GET];
	struct kvpt_attachment_rec a;
	int ret;

	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, exercise);
	ret = next_row(s, q, "cannot read an attachment", err);
	if (ret == 0) {
		say(s, err, "no attachment %lld in exercise %lld",
		    (long long)id, (long long)exercise);
		ret = KVPT_ENOTFOUND;
	}
	if (ret < 0)
		goto out_finish;
	a.id = id;
	a.exercise = exercise;
	a.user = sqlite3_column_int64(q, 0);
	a.name = column_str(q, 1);
	a.mime = column_str(q, 2);
	/* The blob first, then its size, as SQLite asks. */
	a.data = sqlite3_column_blob(q, 3);
	a.len = (size_t)sqlite3_column_bytes(q, 3);
	a.at_ms = sqlite3_column_int64(q, 4);
	ret = cb(ctx, &a);
out_finish:
	finish(q);
	return ret;
}

static int op_attachment_list(struct kvpt_store *st,
			      int (*cb)(void *ctx,
					const struct kvpt_attachment_rec *a),
			      void *ctx, struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_ATTACHMENT_LIST];
	struct kvpt_attachment_rec a;
	int ret;

	for (;;) {
		ret = next_row(s, q, "cannot list attachments", err);
		if (ret <= 0)
			break;
		a.id = sqlite3_column_int64(q, 0);
		a.exercise = sqlite3_column_int64(q, 1);
		a.user = sqlite3_column_int64(q, 2);
		a.name = column_str(q, 3);
		a.mime = column_str(q, 4);
		a.data = NULL;
		a.len = (size_t)sqlite3_column_int64(q, 5);
		a.at_ms = sqlite3_column_int64(q, 6);
		ret = cb(ctx, &a);
		if (ret)
			break;
	}
	finish(q);
	return ret;
}

static int op_audit_append(struct kvpt_store *st, struct kvpt_audit_rec *a,
			   struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_AUDIT_APPEND];
	int rc, ret = 0;

	sqlite3_bind_int64(q, 1, a->at_ms);
	sqlite3_bind_int64(q, 2, a->user);
	bind_str(q, 3, a->user_name);
	bind_str(q, 4, a->ip);
	sqlite3_bind_int64(q, 5, a->exercise);
	bind_str(q, 6, a->action);
	bind_str(q, 7, a->detail);
	sqlite3_bind_int(q, 8, a->status);
	rc = run(q);
	if (rc)
		ret = fail(s, rc, "cannot append to the audit trail", err);
	else
		a->seq = sqlite3_last_insert_rowid(s->db);
	finish(q);
	return ret;
}

static int op_audit_list(struct kvpt_store *st, int64_t after, int limit,
			 int (*cb)(void *ctx, const struct kvpt_audit_rec *a),
			 void *ctx, struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_AUDIT_LIST];
	struct kvpt_audit_rec a;
	int ret;

	/* SQLite reads a negative LIMIT as none; "at most limit" is not. */
	if (limit <= 0)
		return 0;
	sqlite3_bind_int64(q, 1, after);
	sqlite3_bind_int(q, 2, limit);
	for (;;) {
		ret = next_row(s, q, "cannot read the audit trail", err);
		if (ret <= 0)
			break;
		a.seq = sqlite3_column_int64(q, 0);
		a.at_ms = sqlite3_column_int64(q, 1);
		a.user = sqlite3_column_int64(q, 2);
		a.user_name = column_str(q, 3);
		a.ip = column_str(q, 4);
		a.exercise = sqlite3_column_int64(q, 5);
		a.action = column_str(q, 6);
		a.detail = column_str(q, 7);
		a.status = sqlite3_column_int(q, 8);
		ret = cb(ctx, &a);
		if (ret)
			break;
	}
	finish(q);
	return ret;
}

static int op_exercise_update(struct kvpt_store *st,
			      const struct kvpt_exercise_rec *x,
			      struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_EXERCISE_UPDATE];
	int rc, ret = 0;

	sqlite3_bind_int64(q, 1, x->id);
	bind_str(q, 2, x->name);
	bind_str(q, 3, x->bundle);
	rc = run(q);
	if (rc)
		ret = fail(s, rc, "cannot update an exercise", err);
	else if (!sqlite3_changes(s->db)) {
		say(s, err, "no exercise %lld", (long long)x->id);
		ret = KVPT_ENOTFOUND;
	}
	finish(q);
	return ret;
}

static int op_record_put(struct kvpt_store *st,
			 const struct kvpt_record_rec *r,
			 struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_RECORD_PUT];
	int rc, ret = 0;

	sqlite3_bind_int64(q, 1, r->exercise);
	bind_str(q, 2, r->kind);
	bind_str(q, 3, r->id);
	bind_str(q, 4, r->data);
	sqlite3_bind_int64(q, 5, r->updated_ms);
	rc = run(q);
	if (rc)
		ret = fail(s, rc, "cannot store a record", err);
	finish(q);
	return ret;
}

static int op_record_load(struct kvpt_store *st, const char *kind,
			  int (*cb)(void *ctx,
				    const struct kvpt_record_rec *r),
			  void *ctx, struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_RECORD_LOAD];
	struct kvpt_record_rec r;
	int ret;

	bind_str(q, 1, kind);
	for (;;) {
		ret = next_row(s, q, "cannot load records", err);
		if (ret <= 0)
			break;
		r.exercise = sqlite3_column_int64(q, 0);
		r.kind = kind;
		r.id = column_str(q, 1);
		r.data = column_str(q, 2);
		r.updated_ms = sqlite3_column_int64(q, 3);
		ret = cb(ctx, &r);
		if (ret)
			break;
	}
	finish(q);
	return ret;
}

static int op_record_get(struct kvpt_store *st, int64_t exercise,
			 const char *kind, const char *id,
			 int (*cb)(void *ctx,
				   const struct kvpt_record_rec *r),
			 void *ctx, struct kvpt_buf *err)
{
	struct store_sqlite *s = to_sqlite(st);
	sqlite3_stmt *q = s->stmt[ST_RECORD_GET];
	struct kvpt_record_rec r;
	int ret;

	sqlite3_bind_int64(q, 1, exercise);
	bind_str(q, 2, kind);
	bind_str(q, 3, id);
	ret = next_row(s, q, "cannot read a record", err);
	if (ret > 0) {
		r.exercise = exercise;
		r.kind = kind;
		r.id = id;
		r.data = column_str(q, 0);
		r.updated_ms = sqlite3_column_int64(q, 1);
		ret = cb(ctx, &r);
	} else if (!ret) {
		ret = KVPT_ENOTFOUND;
	}
	finish(q);
	return ret;
}

static const struct kvpt_store_ops sqlite_ops = {
	.close = op_close,
	.begin = op_begin,
	.commit = op_commit,
	.rollback = op_rollback,
	.user_insert = op_user_insert,
	.user_update = op_user_update,
	.user_load_all = op_user_load_all,
	.session_insert = op_session_insert,
	.session_delete = op_session_delete,
	.session_load_all = op_session_load_all,
	.exercise_insert = op_exercise_insert,
	.exercise_load_all = op_exercise_load_all,
	.assignment_put = op_assignment_put,
	.assignment_delete = op_assignment_delete,
	.assignment_load_all = op_assignment_load_all,
	.feed_append = op_feed_append,
	.feed_load = op_feed_load,
	.attachment_insert = op_attachment_insert,
	.attachment_get = op_attachment_get,
	.attachment_list = op_attachment_list,
	.audit_append = op_audit_append,
	.audit_list = op_audit_list,
	.exercise_update = op_exercise_update,
	.record_put = op_record_put,
	.record_load = op_record_load,
	.record_get = op_record_get,
};

int kvpt_store_sqlite_open(const char *path,
			   const struct kvpt_store_opts *opts,
			   struct kvpt_store **out, struct kvpt_buf *err)
{
	struct store_sqlite *s;
	int rc, ret, syserr;

	*out = NULL;
	s = xcalloc(1, sizeof(*s));
	s->base.ops = &sqlite_ops;
	s->path = xstrdup(path);
	rc = sqlite3_open_v2(path, &s->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			     SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		syserr = s->db ? sqlite3_system_errno(s->db) : 0;
		if (syserr)
			say(s, err, "cannot open: %s (%s)",
			    sqlite3_errmsg(s->db), strerror(syserr));
		else
			say(s, err, "cannot open: %s", sqlite3_errmsg(s->db));
		ret = KVPT_EIO;
		goto out_free;
	}
	sqlite3_extended_result_codes(s->db, 1);
	ret = configure(s, opts, err);
	if (ret)
		goto out_free;
	ret = migrate(s, err);
	if (ret)
		goto out_free;
	ret = prepare_all(s, err);
	if (ret)
		goto out_free;
	*out = &s->base;
	return 0;

out_free:
	store_free(s);
	return ret;
}
