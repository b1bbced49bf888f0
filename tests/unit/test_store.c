/*
 * test_store: the SQLite store in a fresh temporary directory per test.
 * Opening creates the schema and a write-ahead log, and a reopened store
 * holds what was written; users, sessions, exercises, assignments, the
 * feed, attachments and the audit trail read back as written, with
 * duplicates refused as KVPT_ESTATE and unknown ids as KVPT_ENOTFOUND;
 * expired sessions are dropped on load; a rolled-back transaction leaves
 * nothing; a database of a newer schema and a path that cannot be opened
 * are refused with a message; and a callback can stop an iteration.
 *
 * The test includes sqlite3.h only to play a newer kvpt, writing a schema
 * version this build does not know.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <dirent.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "model/model.h"
#include "store/store.h"

struct fixture {
	char dir[64];		/* the temporary directory */
	char path[128];		/* the database in it */
};

static int setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/kvpt-store-XXXXXX");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof(fx->path), "%s/kvpt.db", fx->dir);
	*state = fx;
	return 0;
}

/* Remove the directory and the files the store left in it (the database,
 * its -wal and -shm). */
static int teardown(void **state)
{
	struct fixture *fx = *state;
	struct dirent *de;
	char file[512];
	DIR *d;

	d = opendir(fx->dir);
	if (d) {
		for (;;) {
			de = readdir(d);
			if (!de)
				break;
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			snprintf(file, sizeof(file), "%s/%s", fx->dir,
				 de->d_name);
			unlink(file);
		}
		closedir(d);
	}
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static struct kvpt_store *open_store(const struct fixture *fx)
{
	struct kvpt_buf err = KVPT_BUF_INIT;
	struct kvpt_store *st = NULL;
	int rc;

	rc = kvpt_store_open(fx->path, NULL, &st, &err);
	if (rc)
		fail_msg("open: %s", err.s ? err.s : "");
	assert_non_null(st);
	kvpt_buf_release(&err);
	return st;
}

static int file_exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* Collected records: the callbacks copy what they are given, since its
 * strings die when they return.  stop_after > 0 makes the callback answer
 * 7 on that record. */
#define MAX_RECS 16

struct users {
	struct kvpt_user_rec v[MAX_RECS];
	int n;
	int stop_after;
};

static int collect_user(void *ctx, const struct kvpt_user_rec *u)
{
	struct users *c = ctx;
	struct kvpt_user_rec *r = &c->v[c->n++];

	*r = *u;
	r->name = dup_or_null(u->name);
	r->display = dup_or_null(u->display);
	r->pass_hash = dup_or_null(u->pass_hash);
	return c->n == c->stop_after ? 7 : 0;
}

static void users_release(struct users *c)
{
	int i;

	for (i = 0; i < c->n; i++) {
		free((char *)c->v[i].name);
		free((char *)c->v[i].display);
		free((char *)c->v[i].pass_hash);
	}
	c->n = 0;
}

struct sessions {
	struct kvpt_session_rec v[MAX_RECS];
	int n;
};

static int collect_session(void *ctx, const struct kvpt_session_rec *s)
{
	struct sessions *c = ctx;
	struct kvpt_session_rec *r = &c->v[c->n++];

	*r = *s;
	r->csrf = dup_or_null(s->csrf);
	r->ip = dup_or_null(s->ip);
	return 0;
}

static void sessions_release(struct sessions *c)
{
	int i;

	for (i = 0; i < c->n; i++) {
		free((char *)c->v[i].csrf);
		free((char *)c->v[i].ip);
	}
	c->n = 0;
}

struct exercises {
	struct kvpt_exercise_rec v[MAX_RECS];
	int n;
};

static int collect_exercise(void *ctx, const struct kvpt_exercise_rec *x)
{
	struct exercises *c = ctx;
	struct kvpt_exercise_rec *r = &c->v[c->n++];

	*r = *x;
	r->code = dup_or_null(x->code);
	r->name = dup_or_null(x->name);
	r->bundle = dup_or_null(x->bundle);
	return 0;
}

static void exercises_release(struct exercises *c)
{
	int i;

	for (i = 0; i < c->n; i++) {
		free((char *)c->v[i].code);
		free((char *)c->v[i].name);
		free((char *)c->v[i].bundle);
	}
	c->n = 0;
}

struct assignments {
	struct kvpt_assignment_rec v[MAX_RECS];
	int n;
};

static int collect_assignment(void *ctx,
			      const struct kvpt_assignment_rec *a)
{
	struct assignments *c = ctx;
	struct kvpt_assignment_rec *r = &c->v[c->n++];

	*r = *a;
	r->kind = dup_or_null(a->kind);
	r->roles = dup_or_null(a->roles);
	return 0;
}

static void assignments_release(struct assignments *c)
{
	int i;

	for (i = 0; i < c->n; i++) {
		free((char *)c->v[i].kind);
		free((char *)c->v[i].roles);
	}
	c->n = 0;
}

struct feed {
	struct kvpt_feed_rec v[MAX_RECS];
	int n;
	int stop_after;
};

static int collect_feed(void *ctx, const struct kvpt_feed_rec *f)
{
	struct feed *c = ctx;
	struct kvpt_feed_rec *r = &c->v[c->n++];

	*r = *f;
	r->line = dup_or_null(f->line);
	r->data = dup_or_null(f->data);
	return c->n == c->stop_after ? 7 : 0;
}

static void feed_release(struct feed *c)
{
	int i;

	for (i = 0; i < c->n; i++) {
		free((char *)c->v[i].line);
		free((char *)c->v[i].data);
	}
	c->n = 0;
}

struct audit {
	struct kvpt_audit_rec v[MAX_RECS];
	int n;
	int stop_after;
};

static int collect_audit(void *ctx, const struct kvpt_audit_rec *a)
{
	struct audit *c = ctx;
	struct kvpt_audit_rec *r = &c->v[c->n++];

	*r = *a;
	r->user_name = dup_or_null(a->user_name);
	r->ip = dup_or_null(a->ip);
	r->action = dup_or_null(a->action);
	r->detail = dup_or_null(a->detail);
	return c->n == c->stop_after ? 7 : 0;
}

static void audit_release(struct audit *c)
{
	int i;

	for (i = 0; i < c->n; i++) {
		free((char *)c->v[i].user_name);
		free((char *)c->v[i].ip);
		free((char *)c->v[i].action);
		free((char *)c->v[i].detail);
	}
	c->n = 0;
}

/* One attachment, copied. */
struct attachment {
	struct kvpt_attachment_rec a;
	int calls;
};

static int copy_attachment(void *ctx, const struct kvpt_attachment_rec *a)
{
	struct attachment *c = ctx;
	void *data = NULL;

	c->calls++;
	c->a = *a;
	c->a.name = dup_or_null(a->name);
	c->a.mime = dup_or_null(a->mime);
	if (a->len) {
		data = xmalloc(a->len);
		memcpy(data, a->data, a->len);
	}
	c->a.data = data;
	return 0;
}

struct attachment_list {
	int n, had_data;
	int64_t id[4], user[4];
	size_t len[4];
};

static int list_attachment(void *ctx, const struct kvpt_attachment_rec *a)
{
	struct attachment_list *l = ctx;

	if (l->n < 4) {
		l->id[l->n] = a->id;
		l->user[l->n] = a->user;
		l->len[l->n] = a->len;
	}
	l->n++;
	l->had_data |= a->data != NULL;
	return 0;
}

static void attachment_release(struct attachment *c)
{
	free((char *)c->a.name);
	free((char *)c->a.mime);
	free((void *)c->a.data);
	memset(c, 0, sizeof(*c));
}

static int64_t add_user(struct kvpt_store *st, const char *name)
{
	struct kvpt_user_rec u = {
		.name = name,
		.display = "Nguyễn Văn A",
		.pass_hash = "$argon2id$v=19$m=65536,t=2,p=1$xxx$yyy",
		.clearance = 2,
		.created_ms = 1757462400000,
	};

	assert_int_equal(st->ops->user_insert(st, &u, NULL), 0);
	assert_true(u.id > 0);
	return u.id;
}

static void add_feed(struct kvpt_store *st, int64_t exercise, uint64_t seq,
		     const char *line, const char *data)
{
	struct kvpt_feed_rec f = {
		.exercise = exercise,
		.seq = seq,
		.at_ms = 1000 * (int64_t)seq,
		.kind = line ? 0 : 1,
		.line = line,
		.data = data,
		.user = line ? 0 : 3,
	};

	assert_int_equal(st->ops->feed_append(st, &f, NULL), 0);
}

static void test_open_creates_wal(void **state)
{
	struct fixture *fx = *state;
	struct kvpt_store *st;
	char wal[160];

	st = open_store(fx);
	assert_true(file_exists(fx->path));
	add_user(st, "admin");
	snprintf(wal, sizeof(wal), "%s-wal", fx->path);
	assert_true(file_exists(wal));
	kvpt_store_close(st);
}

static void test_reopen_keeps_data(void **state)
{
	struct fixture *fx = *state;
	struct kvpt_store_opts opts = { .synchronous_normal = 1 };
	struct kvpt_buf err = KVPT_BUF_INIT;
	struct kvpt_exercise_rec x = {
		.code = "E-1", .name = "Diễn tập xã", .bundle = "{}",
	};
	struct kvpt_store *st;
	struct exercises xs = { .n = 0 };
	struct users us = { .n = 0 };
	struct feed fs = { .n = 0 };

	st = open_store(fx);
	add_user(st, "admin");
	assert_int_equal(st->ops->begin(st, NULL), 0);
	assert_int_equal(st->ops->exercise_insert(st, &x, NULL), 0);
	add_feed(st, x.id, 1, "{\"seq\":1}", NULL);
	assert_int_equal(st->ops->commit(st, NULL), 0);
	kvpt_store_close(st);

	/* Reopened, and with the other synchronous mode. */
	assert_int_equal(kvpt_store_open(fx->path, &opts, &st, &err), 0);
	assert_int_equal(st->ops->user_load_all(st, collect_user, &us, NULL),
			 0);
	assert_int_equal(us.n, 1);
	assert_string_equal(us.v[0].name, "admin");
	assert_int_equal(st->ops->exercise_load_all(st, collect_exercise, &xs,
						    NULL), 0);
	assert_int_equal(xs.n, 1);
	assert_string_equal(xs.v[0].code, "E-1");
	assert_int_equal(st->ops->feed_load(st, x.id, collect_feed, &fs,
					    NULL), 0);
	assert_int_equal(fs.n, 1);
	assert_string_equal(fs.v[0].line, "{\"seq\":1}");
	users_release(&us);
	exercises_release(&xs);
	feed_release(&fs);
	kvpt_store_close(st);
	kvpt_buf_release(&err);
}

static void test_users(void **state)
{
	struct fixture *fx = *state;
	struct kvpt_buf err = KVPT_BUF_INIT;
	struct kvpt_user_rec u = {
		.name = "cb-xa", .display = NULL, .pass_hash = "h2",
		.admin = 1, .clearance = 3, .disabled = 0, .created_ms = 42,
	};
	struct kvpt_store *st;
	struct users us = { .n = 0 };
	int64_t first;

	st = open_store(fx);
	first = add_user(st, "admin");
	assert_int_equal(st->ops->user_insert(st, &u, &err), 0);
	assert_true(u.id > first);

	assert_int_equal(st->ops->user_load_all(st, collect_user, &us, NULL),
			 0);
	assert_int_equal(us.n, 2);
	assert_int_equal(us.v[0].id, first);
	assert_string_equal(us.v[0].name, "admin");
	assert_string_equal(us.v[0].display, "Nguyễn Văn A");
	assert_int_equal(us.v[0].clearance, 2);
	assert_int_equal(us.v[0].created_ms, 1757462400000);
	assert_int_equal(us.v[1].id, u.id);
	assert_string_equal(us.v[1].name, "cb-xa");
	assert_null(us.v[1].display);
	assert_string_equal(us.v[1].pass_hash, "h2");
	assert_int_equal(us.v[1].admin, 1);
	assert_int_equal(us.v[1].clearance, 3);
	assert_int_equal(us.v[1].created_ms, 42);
	users_release(&us);

	/* Update: everything but the name and creation time. */
	u.name = "ignored";
	u.display = "Trần Thị B";
	u.pass_hash = "h3";
	u.admin = 0;
	u.clearance = 1;
	u.disabled = 1;
	u.created_ms = 99;
	assert_int_equal(st->ops->user_update(st, &u, NULL), 0);
	assert_int_equal(st->ops->user_load_all(st, collect_user, &us, NULL),
			 0);
	assert_int_equal(us.n, 2);
	assert_string_equal(us.v[1].name, "cb-xa");
	assert_string_equal(us.v[1].display, "Trần Thị B");
	assert_string_equal(us.v[1].pass_hash, "h3");
	assert_int_equal(us.v[1].admin, 0);
	assert_int_equal(us.v[1].clearance, 1);
	assert_int_equal(us.v[1].disabled, 1);
	assert_int_equal(us.v[1].created_ms, 42);
	users_release(&us);

	u.id = 999;
	assert_int_equal(st->ops->user_update(st, &u, &err), KVPT_ENOTFOUND);

	/* A taken name. */
	kvpt_buf_reset(&err);
	u.name = "admin";
	assert_int_equal(st->ops->user_insert(st, &u, &err), KVPT_ESTATE);
	assert_non_null(strstr(err.s, "user 'admin' already exists"));
	assert_non_null(strstr(err.s, fx->path));
	assert_int_equal(st->ops->user_load_all(st, collect_user, &us, NULL),
			 0);
	assert_int_equal(us.n, 2);
	users_release(&us);

	kvpt_store_close(st);
	kvpt_buf_release(&err);
}

static void test_sessions(void **state)
{
	struct fixture *fx = *state;
	struct kvpt_buf err = KVPT_BUF_INIT;
	struct kvpt_session_rec s = { .csrf = "csrf", .created_ms = 10 };
	struct kvpt_store *st;
	struct sessions ss = { .n = 0 };
	int i;

	st = open_store(fx);
	s.user = add_user(st, "admin");
	/* Three sessions expiring at 100, 200 and 300. */
	for (i = 1; i <= 3; i++) {
		memset(s.token_hash, i, sizeof(s.token_hash));
		s.expires_ms = 100 * i;
		s.ip = i == 3 ? NULL : "10.0.0.1";
		assert_int_equal(st->ops->session_insert(st, &s, NULL), 0);
	}

	/* At 200 the first two are over: not returned, and deleted. */
	assert_int_equal(st->ops->session_load_all(st, 200, collect_session,
						   &ss, NULL), 0);
	assert_int_equal(ss.n, 1);
	assert_int_equal(ss.v[0].token_hash[0], 3);
	assert_int_equal(ss.v[0].token_hash[KVPT_STORE_TOKEN_HASH - 1], 3);
	assert_int_equal(ss.v[0].user, s.user);
	assert_string_equal(ss.v[0].csrf, "csrf");
	assert_int_equal(ss.v[0].created_ms, 10);
	assert_int_equal(ss.v[0].expires_ms, 300);
	assert_null(ss.v[0].ip);
	sessions_release(&ss);
	assert_int_equal(st->ops->session_load_all(st, 0, collect_session,
						   &ss, NULL), 0);
	assert_int_equal(ss.n, 1);
	sessions_release(&ss);

	/* Logging out. */
	memset(s.token_hash, 3, sizeof(s.token_hash));
	assert_int_equal(st->ops->session_delete(st, s.token_hash, NULL), 0);
	assert_int_equal(st->ops->session_load_all(st, 0, collect_session,
						   &ss, NULL), 0);
	assert_int_equal(ss.n, 0);

	/* A session of nobody. */
	s.user = 999;
	assert_int_equal(st->ops->session_insert(st, &s, &err),
			 KVPT_ENOTFOUND);
	assert_true(err.len > 0);

	kvpt_store_close(st);
	kvpt_buf_release(&err);
}

static void test_exercises(void **state)
{
	struct fixture *fx = *state;
	struct kvpt_buf err = KVPT_BUF_INIT;
	struct kvpt_exercise_rec a = {
		.code = "E-1", .name = "Diễn tập xã Hoằng Phong",
		.bundle = "{\"main\":\"plan.yaml\",\"files\":{}}",
		.created_by = 0, .created_ms = 5,
	};
	struct kvpt_exercise_rec b = {
		.code = "E-2", .name = NULL, .bundle = "{}", .created_by = 1,
		.created_ms = 6,
	};
	struct kvpt_store *st;
	struct exercises xs = { .n = 0 };

	st = open_store(fx);
	assert_int_equal(st->ops->exercise_insert(st, &a, NULL), 0);
	assert_int_equal(st->ops->exercise_insert(st, &b, NULL), 0);
	assert_true(a.id > 0);
	assert_true(b.id > a.id);
	assert_int_equal(st->ops->exercise_load_all(st, collect_exercise, &xs,
						    NULL), 0);
	assert_int_equal(xs.n, 2);
	assert_int_equal(xs.v[0].id, a.id);
	assert_string_equal(xs.v[0].code, "E-1");
	assert_string_equal(xs.v[0].name, "Diễn tập xã Hoằng Phong");
	assert_string_equal(xs.v[0].bundle, a.bundle);
	assert_int_equal(xs.v[0].created_by, 0);
	assert_int_equal(xs.v[0].created_ms, 5);
	assert_string_equal(xs.v[1].code, "E-2");
	assert_null(xs.v[1].name);
	assert_int_equal(xs.v[1].created_by, 1);
	exercises_release(&xs);

	b.name = "again";
	b.code = "E-1";
	assert_int_equal(st->ops->exercise_insert(st, &b, &err), KVPT_ESTATE);
	assert_non_null(strstr(err.s, "exercise 'E-1' already exists"));
	assert_int_equal(st->ops->exercise_load_all(st, collect_exercise, &xs,
						    NULL), 0);
	assert_int_equal(xs.n, 2);
	exercises_release(&xs);

	kvpt_store_close(st);
	kvpt_buf_release(&err);
}

static void test_assignments(void **state)
{
	struct fixture *fx = *state;
	struct kvpt_assignment_rec a = {
		.exercise = 1, .user = 1, .kind = "player",
		.roles = "[\"cb-xa\"]",
	};
	struct kvpt_store *st;
	struct assignments as = { .n = 0 };

	st = open_store(fx);
	assert_int_equal(st->ops->assignment_put(st, &a, NULL), 0);
	a.user = 2;
	a.kind = "evaluator";
	a.roles = "[]";
	assert_int_equal(st->ops->assignment_put(st, &a, NULL), 0);
	/* The same (exercise, user) again replaces it. */
	a.user = 1;
	a.kind = "controller";
	assert_int_equal(st->ops->assignment_put(st, &a, NULL), 0);

	assert_int_equal(st->ops->assignment_load_all(st, collect_assignment,
						      &as, NULL), 0);
	assert_int_equal(as.n, 2);
	assert_int_equal(as.v[0].exercise, 1);
	assert_int_equal(as.v[0].user, 1);
	assert_string_equal(as.v[0].kind, "controller");
	assert_string_equal(as.v[0].roles, "[]");
	assert_int_equal(as.v[1].user, 2);
	assert_string_equal(as.v[1].kind, "evaluator");
	assignments_release(&as);

	assert_int_equal(st->ops->assignment_delete(st, 1, 2, NULL), 0);
	assert_int_equal(st->ops->assignment_load_all(st, collect_assignment,
						      &as, NULL), 0);
	assert_int_equal(as.n, 1);
	assert_int_equal(as.v[0].user, 1);
	assignments_release(&as);

	kvpt_store_close(st);
}

static void test_feed(void **state)
{
	struct fixture *fx = *state;
	struct kvpt_buf err = KVPT_BUF_INIT;
	struct kvpt_feed_rec dup = { .exercise = 1, .seq = 2, .line = "x" };
	struct kvpt_store *st;
	struct feed fs = { .n = 0 };

	st = open_store(fx);
	add_feed(st, 1, 1, "{\"seq\":1}", NULL);
	add_feed(st, 1, 3, "{\"seq\":3}", "{\"extra\":true}");
	add_feed(st, 1, 2, NULL, "{\"type\":\"observation\"}");
	add_feed(st, 2, 1, "{\"other\":1}", NULL);

	assert_int_equal(st->ops->feed_load(st, 1, collect_feed, &fs, NULL),
			 0);
	assert_int_equal(fs.n, 3);
	assert_int_equal(fs.v[0].seq, 1);
	assert_int_equal(fs.v[1].seq, 2);
	assert_int_equal(fs.v[2].seq, 3);
	assert_int_equal(fs.v[0].exercise, 1);
	assert_string_equal(fs.v[0].line, "{\"seq\":1}");
	assert_null(fs.v[0].data);
	assert_int_equal(fs.v[0].kind, 0);
	assert_int_equal(fs.v[0].user, 0);
	assert_null(fs.v[1].line);
	assert_string_equal(fs.v[1].data, "{\"type\":\"observation\"}");
	assert_int_equal(fs.v[1].kind, 1);
	assert_int_equal(fs.v[1].user, 3);
	assert_int_equal(fs.v[1].at_ms, 2000);
	assert_string_equal(fs.v[2].data, "{\"extra\":true}");
	feed_release(&fs);

	assert_int_equal(st->ops->feed_append(st, &dup, &err), KVPT_ESTATE);
	assert_true(err.len > 0);
	assert_int_equal(st->ops->feed_load(st, 1, collect_feed, &fs, NULL),
			 0);
	assert_int_equal(fs.n, 3);
	assert_null(fs.v[1].line);
	feed_release(&fs);

	assert_int_equal(st->ops->feed_load(st, 2, collect_feed, &fs, NULL),
			 0);
	assert_int_equal(fs.n, 1);
	assert_int_equal(fs.v[0].exercise, 2);
	feed_release(&fs);
	assert_int_equal(st->ops->feed_load(st, 3, collect_feed, &fs, NULL),
			 0);
	assert_int_equal(fs.n, 0);

	kvpt_store_close(st);
	kvpt_buf_release(&err);
}

static void test_rollback(void **state)
{
	struct fixture *fx = *state;
	struct kvpt_buf err = KVPT_BUF_INIT;
	struct kvpt_audit_rec a = { .action = "login", .status = 200 };
	struct kvpt_store *st;
	struct users us = { .n = 0 };
	struct feed fs = { .n = 0 };
	struct audit as = { .n = 0 };

	st = open_store(fx);
	/* Nothing open: rollback is harmless, commit is refused. */
	assert_int_equal(st->ops->rollback(st), 0);
	assert_int_equal(st->ops->commit(st, &err), KVPT_ESTATE);

	assert_int_equal(st->ops->begin(st, NULL), 0);
	assert_int_equal(st->ops->begin(st, &err), KVPT_ESTATE);
	add_user(st, "admin");
	add_feed(st, 1, 1, "{}", NULL);
	assert_int_equal(st->ops->audit_append(st, &a, NULL), 0);
	assert_int_equal(st->ops->rollback(st), 0);

	assert_int_equal(st->ops->user_load_all(st, collect_user, &us, NULL),
			 0);
	assert_int_equal(us.n, 0);
	assert_int_equal(st->ops->feed_load(st, 1, collect_feed, &fs, NULL),
			 0);
	assert_int_equal(fs.n, 0);
	assert_int_equal(st->ops->audit_list(st, 0, 10, collect_audit, &as,
					     NULL), 0);
	assert_int_equal(as.n, 0);

	/* And the store still takes transactions after it. */
	assert_int_equal(st->ops->begin(st, NULL), 0);
	add_feed(st, 1, 1, "{}", NULL);
	assert_int_equal(st->ops->commit(st, NULL), 0);
	assert_int_equal(st->ops->feed_load(st, 1, collect_feed, &fs, NULL),
			 0);
	assert_int_equal(fs.n, 1);
	feed_release(&fs);

	kvpt_store_close(st);
	kvpt_buf_release(&err);
}

static void test_attachments(void **state)
{
	struct fixture *fx = *state;
	struct kvpt_buf err = KVPT_BUF_INIT;
	static const unsigned char bytes[] = { 0x25, 0x50, 0x00, 0xff, 0x00 };
	struct kvpt_attachment_rec a = {
		.exercise = 1, .user = 2, .name = "Báo cáo số 1.pdf",
		.mime = "application/pdf", .data = bytes,
		.len = sizeof(bytes), .at_ms = 77,
	};
	struct kvpt_attachment_rec empty = {
		.exercise = 1, .user = 2, .name = "rỗng.txt",
		.mime = "text/plain", .data = NULL, .len = 0,
	};
	struct kvpt_store *st;
	struct attachment got = { .calls = 0 };

	st = open_store(fx);
	assert_int_equal(st->ops->attachment_insert(st, &a, NULL), 0);
	assert_true(a.id > 0);
	assert_int_equal(st->ops->attachment_get(st, 1, a.id, copy_attachment,
						 &got, NULL), 0);
	assert_int_equal(got.calls, 1);
	assert_int_equal(got.a.id, a.id);
	assert_int_equal(got.a.exercise, 1);
	assert_int_equal(got.a.user, 2);
	assert_string_equal(got.a.name, "Báo cáo số 1.pdf");
	assert_string_equal(got.a.mime, "application/pdf");
	assert_int_equal(got.a.len, sizeof(bytes));
	assert_memory_equal(got.a.data, bytes, sizeof(bytes));
	assert_int_equal(got.a.at_ms, 77);
	attachment_release(&got);

	/* Another exercise's attachment is not found, nor is a wrong id. */
	assert_int_equal(st->ops->attachment_get(st, 2, a.id, copy_attachment,
						 &got, &err), KVPT_ENOTFOUND);
	assert_int_equal(got.calls, 0);
	assert_true(err.len > 0);
	assert_int_equal(st->ops->attachment_get(st, 1, a.id + 100,
						 copy_attachment, &got, NULL),
			 KVPT_ENOTFOUND);

	assert_int_equal(st->ops->attachment_insert(st, &empty, NULL), 0);
	assert_int_equal(st->ops->attachment_get(st, 1, empty.id,
						 copy_attachment, &got, NULL),
			 0);
	assert_int_equal(got.calls, 1);
	assert_int_equal(got.a.len, 0);
	attachment_release(&got);

	/* The list gives every attachment's owner and size, not its bytes. */
	{
		struct attachment_list l = { 0 };

		assert_int_equal(st->ops->attachment_list(st, list_attachment,
							  &l, NULL), 0);
		assert_int_equal(l.n, 2);
		assert_int_equal(l.id[0], a.id);
		assert_int_equal(l.user[0], 2);
		assert_int_equal(l.len[0], sizeof(bytes));
		assert_int_equal(l.id[1], empty.id);
		assert_int_equal(l.len[1], 0);
		assert_false(l.had_data);
	}

	kvpt_store_close(st);
	kvpt_buf_release(&err);
}

static void test_audit(void **state)
{
	struct fixture *fx = *state;
	struct kvpt_audit_rec a = {
		.at_ms = 1, .user = 0, .user_name = "admin", .ip = "127.0.0.1",
		.exercise = 0, .action = "login", .detail = "{}",
		.status = 401,
	};
	struct kvpt_store *st;
	struct audit as = { .n = 0 };
	int64_t seqs[5];
	int i;

	st = open_store(fx);
	for (i = 0; i < 5; i++) {
		a.at_ms = 100 + i;
		a.detail = i == 4 ? NULL : "{}";
		assert_int_equal(st->ops->audit_append(st, &a, NULL), 0);
		seqs[i] = a.seq;
		if (i)
			assert_true(seqs[i] > seqs[i - 1]);
	}

	/* Pages of two. */
	assert_int_equal(st->ops->audit_list(st, 0, 2, collect_audit, &as,
					     NULL), 0);
	assert_int_equal(as.n, 2);
	assert_int_equal(as.v[0].seq, seqs[0]);
	assert_int_equal(as.v[1].seq, seqs[1]);
	assert_int_equal(as.v[0].at_ms, 100);
	assert_string_equal(as.v[0].user_name, "admin");
	assert_string_equal(as.v[0].ip, "127.0.0.1");
	assert_string_equal(as.v[0].action, "login");
	assert_string_equal(as.v[0].detail, "{}");
	assert_int_equal(as.v[0].status, 401);
	audit_release(&as);
	assert_int_equal(st->ops->audit_list(st, seqs[1], 2, collect_audit,
					     &as, NULL), 0);
	assert_int_equal(as.n, 2);
	assert_int_equal(as.v[0].seq, seqs[2]);
	assert_int_equal(as.v[1].seq, seqs[3]);
	audit_release(&as);
	assert_int_equal(st->ops->audit_list(st, seqs[3], 2, collect_audit,
					     &as, NULL), 0);
	assert_int_equal(as.n, 1);
	assert_int_equal(as.v[0].seq, seqs[4]);
	assert_null(as.v[0].detail);
	audit_release(&as);
	assert_int_equal(st->ops->audit_list(st, seqs[4], 2, collect_audit,
					     &as, NULL), 0);
	assert_int_equal(as.n, 0);
	assert_int_equal(st->ops->audit_list(st, 0, 0, collect_audit, &as,
					     NULL), 0);
	assert_int_equal(as.n, 0);

	kvpt_store_close(st);
}

static void test_newer_schema_refused(void **state)
{
	struct fixture *fx = *state;
	struct kvpt_buf err = KVPT_BUF_INIT;
	struct kvpt_store dummy = { NULL };
	struct kvpt_store *st;
	sqlite3 *db;

	st = open_store(fx);
	kvpt_store_close(st);

	/* A later kvpt migrated this file to version 99. */
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "UPDATE meta SET value = '99'"
				      " WHERE key = 'schema_version'",
				      NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_changes(db), 1);
	sqlite3_close(db);

	/* A failed open leaves no stale pointer behind. */
	st = &dummy;
	assert_int_equal(kvpt_store_open(fx->path, NULL, &st, &err),
			 KVPT_ESTATE);
	assert_null(st);
	assert_non_null(strstr(err.s, fx->path));
	assert_non_null(strstr(err.s, "schema version 99"));
	kvpt_buf_release(&err);
}

static void test_cannot_open(void **state)
{
	struct fixture *fx = *state;
	struct kvpt_buf err = KVPT_BUF_INIT;
	struct kvpt_store *st;
	char path[160];
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "%s/missing/kvpt.db", fx->dir);
	assert_int_equal(kvpt_store_open(path, NULL, &st, &err), KVPT_EIO);
	assert_null(st);
	assert_non_null(strstr(err.s, path));
	assert_true(strlen(err.s) > strlen(path) + 2);

	/* A file that is not a database. */
	kvpt_buf_reset(&err);
	f = fopen(fx->path, "w");
	assert_non_null(f);
	fputs("version: 1\nexercise:\n  code: E-1\n", f);
	for (i = 0; i < 200; i++)
		fputs("# padding past SQLite's header size\n", f);
	fclose(f);
	assert_int_equal(kvpt_store_open(fx->path, NULL, &st, &err),
			 KVPT_EIO);
	assert_null(st);
	assert_non_null(strstr(err.s, fx->path));

	kvpt_buf_reset(&err);
	assert_int_equal(kvpt_store_open("", NULL, &st, &err), KVPT_EIO);
	assert_true(err.len > 0);
	kvpt_buf_release(&err);
}

static void test_callback_stops(void **state)
{
	struct fixture *fx = *state;
	struct kvpt_audit_rec a = { .action = "login", .status = 200 };
	struct kvpt_store *st;
	struct users us = { .n = 0, .stop_after = 2 };
	struct feed fs = { .n = 0, .stop_after = 1 };
	struct audit as = { .n = 0, .stop_after = 3 };
	int i;

	st = open_store(fx);
	add_user(st, "a");
	add_user(st, "b");
	add_user(st, "c");
	for (i = 1; i <= 3; i++) {
		add_feed(st, 1, (uint64_t)i, "{}", NULL);
		assert_int_equal(st->ops->audit_append(st, &a, NULL), 0);
		assert_int_equal(st->ops->audit_append(st, &a, NULL), 0);
	}

	assert_int_equal(st->ops->user_load_all(st, collect_user, &us, NULL),
			 7);
	assert_int_equal(us.n, 2);
	users_release(&us);
	assert_int_equal(st->ops->feed_load(st, 1, collect_feed, &fs, NULL),
			 7);
	assert_int_equal(fs.n, 1);
	feed_release(&fs);
	assert_int_equal(st->ops->audit_list(st, 0, 100, collect_audit, &as,
					     NULL), 7);
	assert_int_equal(as.n, 3);
	audit_release(&as);

	/* A stopped iteration leaves the store usable and starts over. */
	us.stop_after = 0;
	assert_int_equal(st->ops->user_load_all(st, collect_user, &us, NULL),
			 0);
	assert_int_equal(us.n, 3);
	users_release(&us);
	add_user(st, "d");

	kvpt_store_close(st);
}

struct records {
	int n;
	char ids[8][32];
	char data[8][64];
	int64_t exercise[8];
};

static int collect_record(void *ctx, const struct kvpt_record_rec *r)
{
	struct records *rs = ctx;

	assert_true(rs->n < 8);
	rs->exercise[rs->n] = r->exercise;
	snprintf(rs->ids[rs->n], sizeof(rs->ids[0]), "%s", r->id);
	snprintf(rs->data[rs->n], sizeof(rs->data[0]), "%s", r->data);
	rs->n++;
	return 0;
}

/* Records are kept by (exercise, kind, id): a put replaces, kinds and
 * exercises are apart, and get finds one or says it is not there. */
static void test_records(void **state)
{
	struct fixture *fx = *state;
	struct kvpt_record_rec r = {
		.exercise = 1, .kind = "task", .id = "1",
		.data = "{\"title\":\"Xây dựng kế hoạch\"}", .updated_ms = 7,
	};
	struct records rs = { .n = 0 };
	struct kvpt_store *st;

	st = open_store(fx);
	assert_int_equal(st->ops->record_put(st, &r, NULL), 0);
	r.id = "2";
	r.data = "{\"title\":\"b\"}";
	assert_int_equal(st->ops->record_put(st, &r, NULL), 0);
	r.id = "1";
	r.data = "{\"title\":\"đã sửa\"}";
	assert_int_equal(st->ops->record_put(st, &r, NULL), 0);
	r.exercise = 2;
	assert_int_equal(st->ops->record_put(st, &r, NULL), 0);
	r.kind = "doc";
	r.id = "kh-dt";
	assert_int_equal(st->ops->record_put(st, &r, NULL), 0);
	kvpt_store_close(st);

	st = open_store(fx);
	assert_int_equal(st->ops->record_load(st, "task", collect_record, &rs,
					      NULL), 0);
	assert_int_equal(rs.n, 3);
	assert_int_equal(rs.exercise[0], 1);
	assert_string_equal(rs.ids[0], "1");
	assert_string_equal(rs.data[0], "{\"title\":\"đã sửa\"}");
	assert_string_equal(rs.ids[1], "2");
	assert_int_equal(rs.exercise[2], 2);
	rs.n = 0;
	assert_int_equal(st->ops->record_get(st, 2, "doc", "kh-dt",
					     collect_record, &rs, NULL), 0);
	assert_int_equal(rs.n, 1);
	assert_int_equal(st->ops->record_get(st, 1, "doc", "kh-dt",
					     collect_record, &rs, NULL),
			 KVPT_ENOTFOUND);
	assert_int_equal(rs.n, 1);
	kvpt_store_close(st);
}

/* An exercise's plan can be replaced (an import adds a file to it). */
static void test_exercise_update(void **state)
{
	struct fixture *fx = *state;
	struct kvpt_buf err = KVPT_BUF_INIT;
	struct kvpt_exercise_rec a = {
		.code = "E-1", .name = "a", .bundle = "{}", .created_ms = 5,
	};
	struct kvpt_store *st;
	struct exercises xs = { .n = 0 };

	st = open_store(fx);
	assert_int_equal(st->ops->exercise_insert(st, &a, NULL), 0);
	a.name = "b";
	a.bundle = "{\"main\":\"p.yaml\"}";
	assert_int_equal(st->ops->exercise_update(st, &a, NULL), 0);
	assert_int_equal(st->ops->exercise_load_all(st, collect_exercise, &xs,
						    NULL), 0);
	assert_int_equal(xs.n, 1);
	assert_string_equal(xs.v[0].name, "b");
	assert_string_equal(xs.v[0].bundle, a.bundle);
	assert_string_equal(xs.v[0].code, "E-1");
	exercises_release(&xs);
	a.id += 10;
	assert_int_equal(st->ops->exercise_update(st, &a, &err),
			 KVPT_ENOTFOUND);
	kvpt_store_close(st);
	kvpt_buf_release(&err);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_open_creates_wal),
		T(test_reopen_keeps_data),
		T(test_users),
		T(test_sessions),
		T(test_exercises),
		T(test_assignments),
		T(test_feed),
		T(test_rollback),
		T(test_attachments),
		T(test_audit),
		T(test_newer_schema_refused),
		T(test_cannot_open),
		T(test_callback_stops),
		T(test_records),
		T(test_exercise_update),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
