/*
 * server: the loop, the state it owns and the group commit (server.h).
 *
 * Everything lives in memory and is read back from the store on start.  A
 * change runs inside the batch: the first write of a loop iteration opens
 * a store transaction and activates the commit event, which runs after the
 * callbacks already due in that iteration; it commits once, then answers
 * every request that wrote and pushes the new feed entries to the streams.
 * Should the commit fail, nothing is answered as done and the state is
 * read back from the store, so memory never holds what the disk does not.
 */
#include "server/server_int.h"

#include "base/xalloc.h"
#include "check/check.h"
#include "engine/evlog.h"
#include "plan/plan.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

const char *const assign_names[AS_COUNT] = {
	"none", "director", "controller", "player", "evaluator", "observer",
};

int64_t srv_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void srv_log(struct server *s, const char *fmt, ...)
{
	struct kvpt_buf b = KVPT_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	kvpt_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (s->opts->log)
		s->opts->log(s->opts->log_user, b.s);
	kvpt_buf_release(&b);
}

/* worker threads */

struct job {
	struct job *next;
	void (*work)(void *arg);
	void (*done)(struct server *s, void *arg);
	void *arg;
};

struct jobs {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct job *todo, **todo_tail, *done;
	int wake[2];		/* worker → loop */
	int stop;
	pthread_t thread;
};

static void *worker_main(void *arg)
{
	struct jobs *j = arg;

	pthread_mutex_lock(&j->lock);
	for (;;) {
		struct job *job;
		char c = 1;

		while (!j->todo && !j->stop)
			pthread_cond_wait(&j->cond, &j->lock);
		if (!j->todo)
			break;
		job = j->todo;
		j->todo = job->next;
		if (!j->todo)
			j->todo_tail = &j->todo;
		pthread_mutex_unlock(&j->lock);
		job->work(job->arg);
		pthread_mutex_lock(&j->lock);
		job->next = j->done;
		j->done = job;
		if (write(j->wake[1], &c, 1) < 0 && errno != EAGAIN)
			abort();
	}
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

void srv_job(struct server *s, void (*work)(void *arg),
	     void (*done)(struct server *s, void *arg), void *arg)
{
	struct job *job = xcalloc(1, sizeof(*job));

	job->work = work;
	job->done = done;
	job->arg = arg;
	pthread_mutex_lock(&s->jobs->lock);
	*s->jobs->todo_tail = job;
	s->jobs->todo_tail = &job->next;
	pthread_cond_signal(&s->jobs->cond);
	pthread_mutex_unlock(&s->jobs->lock);
}

static void jobs_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;
	struct job *list, *next, *rev = NULL;
	char buf[64];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&s->jobs->lock);
	list = s->jobs->done;
	s->jobs->done = NULL;
	pthread_mutex_unlock(&s->jobs->lock);
	for (; list; list = next) {	/* oldest first */
		next = list->next;
		list->next = rev;
		rev = list;
	}
	for (; rev; rev = next) {
		next = rev->next;
		rev->done(s, rev->arg);
		free(rev);
	}
}

static int jobs_start(struct server *s)
{
	struct jobs *j = xcalloc(1, sizeof(*j));

	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->cond, NULL);
	j->todo_tail = &j->todo;
	if (pipe(j->wake) < 0) {
		free(j);
		return KVPT_EIO;
	}
	fcntl(j->wake[0], F_SETFL, O_NONBLOCK);
	fcntl(j->wake[1], F_SETFL, O_NONBLOCK);
	fcntl(j->wake[0], F_SETFD, FD_CLOEXEC);
	fcntl(j->wake[1], F_SETFD, FD_CLOEXEC);
	s->jobs = j;
	s->jobs_ev = event_new(s->base, j->wake[0], EV_READ | EV_PERSIST,
			       jobs_done_cb, s);
	event_add(s->jobs_ev, NULL);
	if (pthread_create(&j->thread, NULL, worker_main, j)) {
		srv_log(s, "cannot start a worker thread");
		return KVPT_EIO;
	}
	return 0;
}

static void jobs_stop(struct server *s)
{
	struct jobs *j = s->jobs;

	if (!j)
		return;
	pthread_mutex_lock(&j->lock);
	j->stop = 1;
	pthread_cond_signal(&j->cond);
	pthread_mutex_unlock(&j->lock);
	pthread_join(j->thread, NULL);
	/* finish what was done, so its requests are answered or freed */
	jobs_done_cb(j->wake[0], EV_READ, s);
	event_free(s->jobs_ev);
	close(j->wake[0]);
	close(j->wake[1]);
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->cond);
	free(j);
	s->jobs = NULL;
}

/* users and sessions */

struct user *srv_user(struct server *s, int64_t id)
{
	int i;

	for (i = 0; i < s->nusers; i++)
		if (s->users[i]->id == id)
			return s->users[i];
	return NULL;
}

struct user *srv_user_by_name(struct server *s, const char *name)
{
	int i;

	for (i = 0; i < s->nusers; i++)
		if (!strcmp(s->users[i]->name, name))
			return s->users[i];
	return NULL;
}

struct user *srv_user_add(struct server *s, const struct kvpt_user_rec *r)
{
	struct user *u;

	XGROW(s->users, s->cap_users, (size_t)s->nusers + 1);
	u = xcalloc(1, sizeof(*u));	/* stays put: requests hold it */
	s->users[s->nusers++] = u;
	u->id = r->id;
	u->name = xstrdup(r->name);
	u->display = xstrdup(r->display ? r->display : r->name);
	u->pass_hash = xstrdup(r->pass_hash);
	u->admin = r->admin;
	u->clearance = r->clearance;
	u->disabled = r->disabled;
	return u;
}

static unsigned session_bucket(const uint8_t *hash)
{
	return ((unsigned)hash[0] | (unsigned)hash[1] << 8) %
	       SESSION_BUCKETS;
}

struct session *srv_session(struct server *s,
			    const uint8_t hash[KVPT_AUTH_TOKEN_HASH])
{
	struct session *p;

	for (p = s->sessions[session_bucket(hash)]; p; p = p->next)
		if (kvpt_auth_equal(p->hash, hash, KVPT_AUTH_TOKEN_HASH))
			return p;
	return NULL;
}

void srv_session_add(struct server *s, const struct kvpt_session_rec *r)
{
	struct session *p = xcalloc(1, sizeof(*p));
	unsigned b = session_bucket(r->token_hash);

	memcpy(p->hash, r->token_hash, sizeof(p->hash));
	p->user = r->user;
	snprintf(p->csrf, sizeof(p->csrf), "%s", r->csrf ? r->csrf : "");
	p->expires_ms = r->expires_ms;
	p->next = s->sessions[b];
	s->sessions[b] = p;
}

void srv_session_drop(struct server *s,
		      const uint8_t hash[KVPT_AUTH_TOKEN_HASH])
{
	struct session **pp = &s->sessions[session_bucket(hash)];
	int i;

	for (; *pp; pp = &(*pp)->next) {
		struct session *p = *pp;

		if (memcmp(p->hash, hash, KVPT_AUTH_TOKEN_HASH))
			continue;
		*pp = p->next;
		for (i = 0; i < s->nex; i++)
			sse_close_matching(s->ex[i], 0, hash);
		free(p);
		return;
	}
}

/* exercises */

struct exercise *srv_exercise(struct server *s, int64_t id)
{
	int i;

	for (i = 0; i < s->nex; i++)
		if (s->ex[i]->id == id)
			return s->ex[i];
	return NULL;
}

struct exercise *srv_exercise_by_code(struct server *s, const char *code)
{
	int i;

	for (i = 0; i < s->nex; i++)
		if (!strcmp(s->ex[i]->code, code))
			return s->ex[i];
	return NULL;
}

struct assignment *srv_assignment(struct exercise *x, int64_t user)
{
	int i;

	for (i = 0; i < x->nas; i++)
		if (x->as[i].user == user)
			return &x->as[i];
	return NULL;
}

void srv_attachment_add(struct exercise *x,
			const struct kvpt_attachment_rec *a)
{
	struct attachment_owner *o;

	XGROW(x->atts, x->cap_atts, x->natts + 1);
	o = &x->atts[x->natts++];
	o->id = a->id;
	o->user = a->user;
	o->name = xstrdup(a->name ? a->name : "");
	o->mime = xstrdup(a->mime ? a->mime : "");
	o->size = a->len;
}

const struct attachment_owner *srv_attachment(const struct exercise *x,
					      int64_t id)
{
	size_t lo = 0, hi = x->natts;

	while (lo < hi) {	/* ids only grow: the array is sorted */
		size_t mid = lo + (hi - lo) / 2;

		if (x->atts[mid].id == id)
			return &x->atts[mid];
		if (x->atts[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int64_t srv_attachment_owner(const struct exercise *x, int64_t id)
{
	const struct attachment_owner *o = srv_attachment(x, id);

	return o ? o->user : 0;
}

static void assignment_release(struct assignment *a)
{
	free(a->plays);
	free(a->roles_json);
}

int srv_assignment_set(struct exercise *x, int64_t user,
		       enum assign_kind kind, const char *roles_json,
		       struct kvpt_buf *err)
{
	struct assignment *a;
	unsigned char *plays = NULL;
	json_t *roles = NULL;
	size_t i;

	if (kind == AS_PLAYER) {
		json_error_t je;

		roles = json_loads(roles_json ? roles_json : "[]", 0, &je);
		if (!json_is_array(roles) || !json_array_size(roles)) {
			kvpt_buf_adds(err, "a player needs at least one role");
			json_decref(roles);
			return KVPT_EINVAL;
		}
		plays = xcalloc((size_t)x->plan->nroles + 1, 1);
		for (i = 0; i < json_array_size(roles); i++) {
			const char *id = json_string_value(
				json_array_get(roles, i));
			int k = id ? kvpt_strmap_get(&x->plan->role_ids, id)
				   : -1;

			if (k < 0) {
				kvpt_buf_addf(err, "unknown role '%s'",
					      id ? id : "?");
				free(plays);
				json_decref(roles);
				return KVPT_ENOTFOUND;
			}
			plays[k] = 1;
		}
		json_decref(roles);
	}
	a = srv_assignment(x, user);
	if (!a) {
		XGROW(x->as, x->cap_as, (size_t)x->nas + 1);
		a = &x->as[x->nas++];
		memset(a, 0, sizeof(*a));
		a->user = user;
	} else {
		assignment_release(a);
	}
	a->kind = kind;
	a->plays = plays;
	a->roles_json = xstrdup(kind == AS_PLAYER ? roles_json : "[]");
	return 0;
}

void srv_assignment_remove(struct exercise *x, int64_t user)
{
	struct assignment *a = srv_assignment(x, user);

	if (!a)
		return;
	assignment_release(a);
	*a = x->as[--x->nas];
	sse_close_matching(x, user, NULL);
}

static void exercise_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct exercise *x = arg;

	if (kvpt_engine_started(x->eng) && !kvpt_engine_ended(x->eng))
		kvpt_engine_advance(x->eng, srv_now_ms());
	srv_exercise_schedule(x);
}

void srv_exercise_schedule(struct exercise *x)
{
	kvpt_time t;
	int64_t src, now, delay;
	struct timeval tv;

	if (!x->timer)
		return;
	evtimer_del(x->timer);
	if (!kvpt_engine_started(x->eng) || kvpt_engine_ended(x->eng))
		return;
	t = kvpt_engine_next_time(x->eng);
	if (t == KVPT_TIME_NONE)
		return;
	src = kvpt_clock_src_at(kvpt_engine_clock(x->eng), t);
	if (src == INT64_MAX)
		return;
	now = srv_now_ms();
	delay = src > now ? src - now : 0;
	if (delay > 86400000)
		delay = 86400000;	/* wake daily; the clock decides */
	tv.tv_sec = delay / 1000;
	tv.tv_usec = (delay % 1000) * 1000;
	evtimer_add(x->timer, &tv);
}

int srv_plan_from_bundle(const char *bundle, struct kvpt_plan **out,
			 struct kvpt_diags *diags, struct kvpt_buf *err)
{
	json_error_t je;
	json_t *root = json_loads(bundle, 0, &je), *files;
	struct kvpt_plan_file *pf = NULL;
	struct kvpt_load_opts lo;
	const char *main_path, *key;
	json_t *val;
	int n = 0, rc;

	*out = NULL;
	files = json_object_get(root, "files");
	main_path = json_string_value(json_object_get(root, "main"));
	if (!json_is_object(files) || !main_path) {
		kvpt_buf_adds(err, "stored plan bundle is malformed");
		json_decref(root);
		return KVPT_EINVAL;
	}
	pf = xcalloc(json_object_size(files) + 1, sizeof(*pf));
	json_object_foreach(files, key, val) {
		pf[n].path = key;
		pf[n].text = json_string_value(val);
		pf[n].len = json_string_length(val);
		if (pf[n].text)
			n++;
	}
	memset(&lo, 0, sizeof(lo));
	lo.files = pf;
	lo.nfiles = n;
	rc = kvpt_plan_load_file(main_path, &lo, out, diags);
	if (!rc && *out)
		rc = kvpt_check(*out, diags) ? KVPT_EINVAL : 0;
	free(pf);
	json_decref(root);
	return rc;
}

struct feed_load_ctx {
	struct exercise *x;
	struct kvpt_buf log;
	struct kvpt_buf strings;
	struct kvpt_buf *err;
};

static int feed_load_cb(void *arg, const struct kvpt_feed_rec *r)
{
	struct feed_load_ctx *c = arg;
	struct kvpt_event ev;

	if (r->seq != c->x->nfeed + 1) {
		kvpt_buf_addf(c->err, "feed entry %llu out of order",
			      (unsigned long long)r->seq);
		return KVPT_EINVAL;
	}
	if (r->kind < 0 || r->kind >= FEED_KIND_COUNT) {
		kvpt_buf_addf(c->err, "feed entry %llu: unknown kind %d",
			      (unsigned long long)r->seq, r->kind);
		return KVPT_EINVAL;
	}
	if (r->kind != FEED_ENGINE) {
		feed_restore(c->x, r, NULL);
		return 0;
	}
	if (!r->line || kvpt_evlog_parse(c->x->plan, r->line, strlen(r->line),
					 &ev, &c->strings, c->err))
		return KVPT_EINVAL;
	kvpt_buf_adds(&c->log, r->line);
	kvpt_buf_addc(&c->log, '\n');
	feed_restore(c->x, r, &ev);
	return 0;
}

static void exercise_free(struct exercise *x)
{
	size_t i;
	int k;

	if (!x)
		return;
	sse_close_all(x);
	if (x->timer)
		event_free(x->timer);
	for (i = 0; i < x->nfeed; i++)
		feed_entry_release(&x->feed[i]);
	free(x->feed);
	for (k = 0; k < x->nas; k++)
		assignment_release(&x->as[k]);
	free(x->as);
	if (x->eng)
		kvpt_engine_free(x->eng);
	if (x->plan)
		kvpt_plan_free(x->plan);
	kvpt_buf_release(&x->line);
	free(x->state_cache);
	free(x->doc_issued);
	for (i = 0; i < x->natts; i++) {
		free(x->atts[i].name);
		free(x->atts[i].mime);
	}
	free(x->atts);
	prep_release(x);
	free(x->code);
	free(x->name);
	free(x->bundle);
	free(x);
}

int srv_exercise_open(struct server *s, const struct kvpt_exercise_rec *r,
		      struct exercise **out, struct kvpt_buf *err)
{
	struct exercise *x = xcalloc(1, sizeof(*x));
	struct kvpt_diags d;
	struct feed_load_ctx c;
	int rc, k;

	*out = NULL;
	x->srv = s;
	x->id = r->id;
	x->code = xstrdup(r->code);
	x->name = xstrdup(r->name ? r->name : r->code);
	x->bundle = xstrdup(r->bundle);
	x->subs.next = x->subs.prev = &x->subs;
	kvpt_buf_init(&x->line);
	kvpt_diags_init(&d);
	rc = srv_plan_from_bundle(r->bundle, &x->plan, &d, err);
	if (rc) {
		kvpt_buf_addf(err, "exercise %s: its plan no longer loads "
			      "(%d errors)", r->code, d.nerrors);
		kvpt_diags_release(&d);
		exercise_free(x);
		return rc;
	}
	kvpt_diags_sort(&d);
	x->warnings = json_array();
	diags_json_add(x->warnings, &d, x->plan->files, x->plan->nfiles, 0);
	kvpt_diags_release(&d);
	x->tasks = json_object();
	x->docs = json_object();
	x->findings = json_object();
	x->rehearsals = json_object();
	x->lessons = json_object();
	x->verdicts = json_object();
	x->next_task = x->next_finding = x->next_comment = 1;
	x->next_lesson = 1;
	x->doc_issued = xmalloc(sizeof(kvpt_time) *
				((size_t)x->plan->ndocuments + 1));
	for (k = 0; k < x->plan->ndocuments; k++)
		x->doc_issued[k] = KVPT_TIME_NONE;

	memset(&c, 0, sizeof(c));
	c.x = x;
	c.err = err;
	kvpt_buf_init(&c.log);
	kvpt_buf_init(&c.strings);
	rc = s->store->ops->feed_load(s->store, x->id, feed_load_cb, &c, err);
	x->ncommitted = x->nfeed;
	if (!rc && c.log.len)
		rc = kvpt_engine_replay(x->plan, c.log.s, c.log.len, &x->eng,
					err);
	else if (!rc)
		x->eng = kvpt_engine_new(x->plan, NULL);
	kvpt_buf_release(&c.log);
	kvpt_buf_release(&c.strings);
	if (rc) {
		kvpt_buf_addf(err, " (exercise %s)", r->code);
		exercise_free(x);
		return rc;
	}
	kvpt_engine_set_sink(x->eng, feed_engine_sink, x);
	kvpt_engine_set_observer(x->eng, feed_engine_observe, x);
	if (s->base)
		x->timer = evtimer_new(s->base, exercise_timer_cb, x);
	*out = x;
	return 0;
}

int srv_exercise_add(struct server *s, struct kvpt_exercise_rec *r,
		     struct exercise **out, struct kvpt_buf *err)
{
	int rc = s->store->ops->exercise_insert(s->store, r, err);

	if (!rc)
		rc = srv_exercise_open(s, r, out, err);
	if (rc)
		return rc;
	XGROW(s->ex, s->cap_ex, (size_t)s->nex + 1);
	s->ex[s->nex++] = *out;
	prep_link(s);
	return 0;
}

int srv_exercise_replan(struct exercise *x, const char *bundle,
			struct kvpt_buf *err)
{
	struct kvpt_plan *plan = NULL, *old;
	struct kvpt_diags d;
	char *roles;
	int rc, k;

	if (x->nfeed)
		return KVPT_ESTATE;
	kvpt_diags_init(&d);
	rc = srv_plan_from_bundle(bundle, &plan, &d, err);
	if (rc) {
		kvpt_diags_release(&d);
		return rc;
	}
	kvpt_diags_sort(&d);
	json_array_clear(x->warnings);
	diags_json_add(x->warnings, &d, plan->files, plan->nfiles, 0);
	kvpt_diags_release(&d);
	old = x->plan;
	kvpt_engine_free(x->eng);
	x->plan = plan;
	x->eng = kvpt_engine_new(plan, NULL);
	kvpt_engine_set_sink(x->eng, feed_engine_sink, x);
	kvpt_engine_set_observer(x->eng, feed_engine_observe, x);
	free(x->bundle);
	x->bundle = xstrdup(bundle);
	free(x->doc_issued);
	x->doc_issued = xmalloc(sizeof(kvpt_time) *
				((size_t)plan->ndocuments + 1));
	for (k = 0; k < plan->ndocuments; k++)
		x->doc_issued[k] = KVPT_TIME_NONE;
	free(x->state_cache);
	x->state_cache = NULL;
	/* role indices may have moved: read the players' roles again */
	for (k = 0; k < x->nas; k++) {
		roles = xstrdup(x->as[k].roles_json ? x->as[k].roles_json
						    : "[]");
		if (srv_assignment_set(x, x->as[k].user, x->as[k].kind, roles,
				       NULL))
			srv_assignment_remove(x, x->as[k--].user);
		free(roles);
	}
	kvpt_plan_free(old);
	if (x->evalconf)
		eval_config_apply(x, x->evalconf);
	srv_exercise_schedule(x);
	return 0;
}

/* loading the state */

static int load_user_cb(void *arg, const struct kvpt_user_rec *u)
{
	srv_user_add(arg, u);
	return 0;
}

static int load_session_cb(void *arg, const struct kvpt_session_rec *r)
{
	srv_session_add(arg, r);
	return 0;
}

struct load_ctx {
	struct server *s;
	struct kvpt_buf *err;
};

static int load_exercise_cb(void *arg, const struct kvpt_exercise_rec *r)
{
	struct load_ctx *c = arg;
	struct exercise *x;
	int rc = srv_exercise_open(c->s, r, &x, c->err);

	if (rc)
		return rc;
	XGROW(c->s->ex, c->s->cap_ex, (size_t)c->s->nex + 1);
	c->s->ex[c->s->nex++] = x;
	return 0;
}

static int load_assignment_cb(void *arg, const struct kvpt_assignment_rec *a)
{
	struct load_ctx *c = arg;
	struct exercise *x = srv_exercise(c->s, a->exercise);
	int k;

	if (!x)
		return 0;
	for (k = 0; k < AS_COUNT; k++)
		if (!strcmp(assign_names[k], a->kind))
			break;
	if (k == AS_COUNT || k == AS_NONE)
		return 0;
	srv_assignment_set(x, a->user, k, a->roles, c->err);
	return 0;
}

static int load_attachment_cb(void *arg, const struct kvpt_attachment_rec *a)
{
	struct exercise *x = srv_exercise(arg, a->exercise);

	if (x)
		srv_attachment_add(x, a);
	return 0;
}

static void state_free(struct server *s)
{
	int i;

	for (i = 0; i < s->nex; i++)
		exercise_free(s->ex[i]);
	free(s->ex);
	s->ex = NULL;
	s->nex = 0;
	s->cap_ex = 0;
	for (i = 0; i < s->nusers; i++) {
		free(s->users[i]->name);
		free(s->users[i]->display);
		free(s->users[i]->pass_hash);
		free(s->users[i]);
	}
	free(s->users);
	s->users = NULL;
	s->nusers = 0;
	s->cap_users = 0;
	for (i = 0; i < SESSION_BUCKETS; i++) {
		while (s->sessions[i]) {
			struct session *p = s->sessions[i];

			s->sessions[i] = p->next;
			free(p);
		}
	}
}

static int state_load(struct server *s, struct kvpt_buf *err)
{
	struct kvpt_store *st = s->store;
	struct load_ctx c = { s, err };
	int rc, i;

	rc = st->ops->user_load_all(st, load_user_cb, s, err);
	if (!rc)
		rc = st->ops->session_load_all(st, srv_now_ms(),
					       load_session_cb, s, err);
	if (!rc)
		rc = st->ops->exercise_load_all(st, load_exercise_cb, &c, err);
	if (!rc)
		rc = st->ops->assignment_load_all(st, load_assignment_cb, &c,
						  err);
	if (!rc)
		rc = st->ops->attachment_list(st, load_attachment_cb, s, err);
	if (!rc)
		rc = prep_load(s, err);
	if (rc)
		return rc;
	for (i = 0; i < s->nex; i++)
		if (!s->ex[i]->timer && s->base)
			s->ex[i]->timer = evtimer_new(s->base,
						      exercise_timer_cb,
						      s->ex[i]);
	return 0;
}

/* the batch */

int srv_batch(struct server *s)
{
	struct kvpt_buf err = KVPT_BUF_INIT;

	if (s->in_batch)
		return s->batch_failed ? KVPT_EIO : 0;
	if (s->store->ops->begin(s->store, &err)) {
		srv_log(s, "store: %s", err.s);
		kvpt_buf_release(&err);
		return KVPT_EIO;
	}
	s->in_batch = 1;
	s->batch_failed = 0;
	event_active(s->commit_ev, EV_TIMEOUT, 0);
	return 0;
}

static void commit_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;
	struct kvpt_buf err = KVPT_BUF_INIT;
	int ok, i;

	if (!s->in_batch)
		return;
	s->in_batch = 0;
	ok = !s->batch_failed && !s->store->ops->commit(s->store, &err);
	if (!ok) {
		s->store->ops->rollback(s->store);
		srv_log(s, "store: commit failed (%s); reloading the state "
			"from the store", err.len ? err.s : "a write failed");
		for (i = 0; i < s->nex; i++)
			feed_discard(s->ex[i]);
		deferred_flush(s, 0);
		state_free(s);
		kvpt_buf_reset(&err);
		if (state_load(s, &err)) {
			srv_log(s, "store: cannot reload: %s; stopping",
				err.s);
			event_base_loopbreak(s->base);
		}
		for (i = 0; i < s->nex; i++)
			srv_exercise_schedule(s->ex[i]);
		kvpt_buf_release(&err);
		return;
	}
	kvpt_buf_release(&err);
	deferred_flush(s, 1);
	for (i = 0; i < s->nex; i++)
		feed_publish(s->ex[i]);
}

/* the loop */

static void ping_cb(evutil_socket_t fd, short what, void *arg)
{
	sse_ping_all(arg);
}

static void stop_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;
	struct timeval soon = { 0, 100000 };

	s->stopping = 1;
	/* let this iteration's batch commit, then stop */
	event_base_loopexit(s->base, &soon);
}

static void raise_nofile(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int read_whole(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct kvpt_buf b = KVPT_BUF_INIT;
	char chunk[65536];
	size_t n;

	if (!f)
		return KVPT_EIO;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		kvpt_buf_add(&b, chunk, n);
		if (b.len > KVPT_MAX_FILE_SIZE_DEFAULT)
			break;
	}
	fclose(f);
	*len = b.len;
	*out = kvpt_buf_detach(&b);
	return 0;
}

/* Load plan file path, check it, and create its exercise unless one with
 * its code exists. */
static int add_plan_file(struct server *s, const char *path,
			 struct kvpt_buf *err)
{
	struct kvpt_diags d;
	struct kvpt_plan *plan = NULL;
	struct kvpt_exercise_rec rec;
	struct exercise *x;
	json_t *bundle, *files;
	char *text;
	size_t len;
	int rc, i;

	kvpt_diags_init(&d);
	rc = kvpt_plan_load_file(path, NULL, &plan, &d);
	if (!rc && plan)
		kvpt_check(plan, &d);
	if (!plan || d.nerrors) {
		struct kvpt_buf t = KVPT_BUF_INIT;

		kvpt_diags_sort(&d);
		kvpt_diags_format_text(&d, plan ? plan->files : NULL,
				       plan ? plan->nfiles : 0, &t);
		kvpt_buf_addf(err, "%s: the plan has errors:\n%s", path,
			      t.len ? t.s : "");
		kvpt_buf_release(&t);
		rc = KVPT_EINVAL;
		goto out;
	}
	if (srv_exercise_by_code(s, plan->ex.code)) {
		rc = 0;
		goto out;
	}
	bundle = json_object();
	files = json_object();
	json_object_set_new(bundle, "main", json_string(plan->files[0]));
	for (i = 0; i < plan->nfiles; i++) {
		if (read_whole(plan->files[i], &text, &len)) {
			kvpt_buf_addf(err, "%s: cannot read", plan->files[i]);
			json_decref(bundle);
			json_decref(files);
			rc = KVPT_EIO;
			goto out;
		}
		json_object_set_new(files, plan->files[i],
				    json_stringn(text, len));
		free(text);
	}
	json_object_set_new(bundle, "files", files);
	memset(&rec, 0, sizeof(rec));
	rec.code = plan->ex.code;
	rec.name = plan->ex.name;
	rec.bundle = json_dumps(bundle, JSON_COMPACT);
	rec.created_ms = srv_now_ms();
	json_decref(bundle);
	rc = s->store->ops->begin(s->store, err);
	if (!rc)
		rc = s->store->ops->exercise_insert(s->store, &rec, err);
	if (!rc)
		rc = s->store->ops->commit(s->store, err);
	else
		s->store->ops->rollback(s->store);
	if (!rc)
		rc = srv_exercise_open(s, &rec, &x, err);
	free((void *)rec.bundle);
	if (rc)
		goto out;
	XGROW(s->ex, s->cap_ex, (size_t)s->nex + 1);
	s->ex[s->nex++] = x;
	prep_link(s);
	srv_log(s, "exercise %s (%s) created from %s", x->code, x->name,
		path);
out:
	kvpt_diags_release(&d);
	if (plan)
		kvpt_plan_free(plan);
	return rc;
}

/* demo accounts */

struct demo_account {
	const char *name, *display;
	enum assign_kind kind;
	int admin;
	int player;		/* n-th most addressed role, from 1 */
};

static const struct demo_account demo_accounts[] = {
	{ "quantri", "Quản trị hệ thống", AS_NONE, 1, 0 },
	{ "daodien", "Trưởng ban Đạo diễn", AS_DIRECTOR, 0, 0 },
	{ "dieuhanh", "Tổ điều hành", AS_CONTROLLER, 0, 0 },
	{ "vaitap1", "Vai tập 1", AS_PLAYER, 0, 1 },
	{ "vaitap2", "Vai tập 2", AS_PLAYER, 0, 2 },
	{ "vaitap3", "Vai tập 3", AS_PLAYER, 0, 3 },
	{ "danhgia", "Tổ đánh giá", AS_EVALUATOR, 0, 0 },
	{ "quansat", "Ban Chỉ đạo (quan sát)", AS_OBSERVER, 0, 0 },
};

/* The role addressed by the n-th most injects (from 1), or -1. */
static int nth_busiest_role(const struct kvpt_plan *p, int n)
{
	int *count = xcalloc((size_t)p->nroles + 1, sizeof(int));
	int i, k, best = -1;

	for (i = 0; i < p->nactivities; i++)
		for (k = 0; k < p->activities[i].to.n; k++)
			if (p->activities[i].to.v[k].idx >= 0)
				count[p->activities[i].to.v[k].idx]++;
	for (; n > 0; n--) {
		best = -1;
		for (i = 0; i < p->nroles; i++)
			if (count[i] >= 0 && (best < 0 ||
					      count[i] > count[best]))
				best = i;
		if (best < 0)
			break;
		count[best] = -1;
	}
	free(count);
	return best;
}

static int demo_accounts_create(struct server *s, struct kvpt_buf *err)
{
	struct kvpt_store *st = s->store;
	struct kvpt_buf msg = KVPT_BUF_INIT;
	size_t i;
	int x, rc;

	if (s->nusers)
		return 0;
	rc = st->ops->begin(st, err);
	kvpt_buf_adds(&msg, "demo accounts (passwords shown only now):\n");
	for (i = 0; !rc && i < sizeof(demo_accounts) / sizeof(*demo_accounts);
	     i++) {
		const struct demo_account *d = &demo_accounts[i];
		struct kvpt_user_rec u;
		char pw[17], hash[KVPT_AUTH_HASH_MAX];

		kvpt_auth_random_password(pw, 16);
		if (kvpt_auth_hash_password(pw, hash)) {
			kvpt_buf_adds(err, "cannot hash a password");
			rc = KVPT_EIO;
			break;
		}
		memset(&u, 0, sizeof(u));
		u.name = d->name;
		u.display = d->display;
		u.pass_hash = hash;
		u.admin = d->admin;
		u.clearance = KVPT_CLASS_SECRET;
		u.created_ms = srv_now_ms();
		rc = st->ops->user_insert(st, &u, err);
		if (rc)
			break;
		srv_user_add(s, &u);
		kvpt_buf_addf(&msg, "  %-9s %s  %s", d->name, pw, d->display);
		for (x = 0; !rc && x < s->nex && d->kind != AS_NONE; x++) {
			struct exercise *e = s->ex[x];
			struct kvpt_assignment_rec a;
			char roles[300] = "[]";
			int role = d->player ?
				nth_busiest_role(e->plan, d->player) : -1;

			if (d->player && role < 0)
				continue;
			if (role >= 0) {
				snprintf(roles, sizeof(roles), "[\"%s\"]",
					 e->plan->roles[role].id);
				kvpt_buf_addf(&msg, "%s %s: %s", x ? "," : " —",
					      e->code, e->plan->roles[role].id);
			}
			memset(&a, 0, sizeof(a));
			a.exercise = e->id;
			a.user = u.id;
			a.kind = assign_names[d->kind];
			a.roles = roles;
			rc = st->ops->assignment_put(st, &a, err);
			if (!rc)
				rc = srv_assignment_set(e, u.id, d->kind,
							roles, err);
		}
		kvpt_buf_addc(&msg, '\n');
	}
	if (!rc)
		rc = st->ops->commit(st, err);
	if (rc)
		st->ops->rollback(st);
	else
		srv_log(s, "%s", msg.s);
	kvpt_buf_release(&msg);
	return rc;
}

static int listen_on(struct server *s, const char *spec, char *url,
		     size_t urlsz, struct kvpt_buf *err)
{
	char host[128];
	const char *colon = strrchr(spec, ':');
	struct evhttp_bound_socket *bs;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct addrinfo hints, *ai;
	char portstr[16];
	long port;
	char *end;
	int fd;

	if (!colon || (size_t)(colon - spec) >= sizeof(host)) {
		kvpt_buf_addf(err, "--listen %s: expected ADDR:PORT", spec);
		return KVPT_EINVAL;
	}
	if (spec[0] == '[' && colon > spec && colon[-1] == ']') {
		memcpy(host, spec + 1, (size_t)(colon - spec) - 2);
		host[colon - spec - 2] = '\0';
	} else {
		memcpy(host, spec, (size_t)(colon - spec));
		host[colon - spec] = '\0';
	}
	port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535 || end == colon + 1) {
		kvpt_buf_addf(err, "--listen %s: bad port", spec);
		return KVPT_EINVAL;
	}
	/* our own socket, for a backlog as deep as the system allows (a
	 * command post's browsers reconnect all at once) */
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(portstr, sizeof(portstr), "%ld", port);
	if (getaddrinfo(host, portstr, &hints, &ai)) {
		kvpt_buf_addf(err, "--listen %s: unknown address", spec);
		return KVPT_EINVAL;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd >= 0 && (evutil_make_listen_socket_reuseable(fd) ||
			bind(fd, ai->ai_addr, ai->ai_addrlen) ||
			listen(fd, SOMAXCONN))) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	bs = fd >= 0 ? evhttp_accept_socket_with_handle(s->http, fd) : NULL;
	if (!bs) {
		kvpt_buf_addf(err, "cannot listen on %s: %s", spec,
			      strerror(errno));
		if (fd >= 0)
			close(fd);
		return KVPT_EIO;
	}
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET)
			port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		else if (ss.ss_family == AF_INET6)
			port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	}
	snprintf(url, urlsz, strchr(host, ':') ? "http://[%s]:%ld/"
						 : "http://%s:%ld/", host, port);
	return 0;
}

int kvpt_server_run(const struct kvpt_server_opts *opts,
		    struct kvpt_buf *err)
{
	struct server *s = xcalloc(1, sizeof(*s));
	struct kvpt_store_opts so = { opts->synchronous_normal };
	struct timeval ping = { 15, 0 };
	char url[256];
	int rc, i;

	s->opts = opts;
	s->deferred_tail = &s->deferred;
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	if (kvpt_auth_init()) {
		kvpt_buf_adds(err, "libsodium cannot start");
		rc = KVPT_EIO;
		goto out_free;
	}
	rc = kvpt_store_open(opts->db, &so, &s->store, err);
	if (rc)
		goto out_free;
	{
		/* coalesce the add/remove of write interest that every
		 * answer makes within one iteration: fewer epoll_ctl calls */
		struct event_config *cfg = event_config_new();

		event_config_set_flag(cfg,
				      EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
		s->base = event_base_new_with_config(cfg);
		event_config_free(cfg);
	}
	if (!s->base) {
		kvpt_buf_adds(err, "cannot create the event loop");
		rc = KVPT_EIO;
		goto out_store;
	}
	rc = state_load(s, err);
	for (i = 0; !rc && i < opts->nplans; i++)
		rc = add_plan_file(s, opts->plans[i], err);
	if (!rc && opts->demo)
		rc = demo_accounts_create(s, err);
	if (rc)
		goto out_state;

	s->http = evhttp_new(s->base);
	evhttp_set_max_body_size(s->http, (ev_ssize_t)SRV_MAX_BODY);
	/* past 4 × the limit evhttp cuts; below it, a JSON 431 */
	evhttp_set_max_headers_size(s->http, 4 * SRV_MAX_HEADERS);
	evhttp_set_timeout(s->http, 60);
	evhttp_set_allowed_methods(s->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
				   EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
				   EVHTTP_REQ_PATCH | EVHTTP_REQ_HEAD |
				   EVHTTP_REQ_OPTIONS);
	evhttp_set_gencb(s->http, http_handle, s);
	rc = listen_on(s, opts->listen, url, sizeof(url), err);
	if (rc)
		goto out_http;
	s->commit_ev = event_new(s->base, -1, 0, commit_cb, s);
	s->ping_ev = event_new(s->base, -1, EV_PERSIST, ping_cb, s);
	event_add(s->ping_ev, &ping);
	s->sig_int = evsignal_new(s->base, SIGINT, stop_cb, s);
	s->sig_term = evsignal_new(s->base, SIGTERM, stop_cb, s);
	event_add(s->sig_int, NULL);
	event_add(s->sig_term, NULL);
	rc = jobs_start(s);
	if (rc) {
		kvpt_buf_adds(err, "cannot start the worker thread");
		goto out_events;
	}
	/* running exercises catch up with the time that passed */
	for (i = 0; i < s->nex; i++)
		exercise_timer_cb(-1, 0, s->ex[i]);
	if (opts->ready)
		opts->ready(opts->ready_user, url);
	event_base_dispatch(s->base);
	if (s->in_batch)
		commit_cb(-1, 0, s);
	jobs_stop(s);
	if (s->in_batch)
		commit_cb(-1, 0, s);
	rc = 0;
out_events:
	event_free(s->commit_ev);
	event_free(s->ping_ev);
	event_free(s->sig_int);
	event_free(s->sig_term);
out_http:
	state_free(s);
	evhttp_free(s->http);
	goto out_base;
out_state:
	state_free(s);
out_base:
	deferred_flush(s, 0);
	event_base_free(s->base);
out_store:
	kvpt_store_close(s->store);
out_free:
	free(s);
	return rc;
}
