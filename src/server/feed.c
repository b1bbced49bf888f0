/*
 * feed: each exercise's feed — the engine's events and the server's own
 * (observations) numbered 1, 2, 3… — who may see each entry, and the
 * Server-Sent Events streams that carry them live.
 *
 * An entry is formatted once, as the SSE frame it will be sent as; the
 * Event JSON of the API is a slice of that frame.  Entries are appended to
 * the store as they are made and pushed to streams only once committed.
 */
#include "server/server_int.h"

#include "base/xalloc.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

void feed_entry_release(struct feed_entry *f)
{
	free(f->sse);
	free(f->roles);
	free(f->attachments);
}

static void add_role(struct feed_entry *f, int role)
{
	int k;

	if (role < 0)
		return;
	for (k = 0; k < f->nroles; k++)
		if (f->roles[k] == role)
			return;
	f->roles = xrealloc(f->roles, sizeof(int) * (size_t)(f->nroles + 1));
	f->roles[f->nroles++] = role;
}

static void add_inject_roles(const struct kvpt_plan *p, struct feed_entry *f,
			     int inject)
{
	const struct kvpt_activity *a;
	int k;

	if (inject < 0 || inject >= p->nactivities)
		return;
	a = &p->activities[inject];
	for (k = 0; k < a->to.n; k++)
		add_role(f, a->to.v[k].idx);
	if (a->classification > f->cls)
		f->cls = (unsigned char)a->classification;
}

/* Remember when a plan document was issued. */
static void note_issued(struct exercise *x, const struct kvpt_event *ev)
{
	if (ev->type == KVPT_EV_DOCUMENT_ISSUED && ev->document >= 0 &&
	    ev->document < x->plan->ndocuments &&
	    x->doc_issued[ev->document] == KVPT_TIME_NONE)
		x->doc_issued[ev->document] = ev->t;
}

/* Who may see an engine event. */
static void classify(const struct kvpt_plan *p, const struct kvpt_event *ev,
		     struct feed_entry *f)
{
	const struct kvpt_expectation *x;
	int k;

	f->vis = VIS_PUBLIC;
	f->cls = KVPT_CLASS_NONE;
	switch (ev->type) {
	case KVPT_EV_INJECT_RELEASED:
		/* observers learn that it was released (the dashboard's
		 * progress), not what it says: the line has only its id */
		f->vis = VIS_DASH;
		add_inject_roles(p, f, ev->inject);
		break;
	case KVPT_EV_INJECT_HELD:
	case KVPT_EV_INJECT_CANCELLED:
		/* the staff only: players never learn what is pending */
		f->vis = VIS_STAFF;
		if (ev->inject >= 0 && ev->inject < p->nactivities)
			f->cls = (unsigned char)
				p->activities[ev->inject].classification;
		break;
	case KVPT_EV_EXPECTATION_MET:
	case KVPT_EV_EXPECTATION_MISSED:
	case KVPT_EV_EXPECTATION_LATE:
		f->vis = VIS_DASH;
		if (ev->expectation < 0 || ev->expectation >= p->nexpectations)
			break;
		x = &p->expectations[ev->expectation];
		add_inject_roles(p, f, x->inject);
		if (!x->by_body) {
			add_role(f, x->by.idx);
		} else {
			for (k = 0; k < p->nroles; k++)
				if (p->roles[k].body.idx == x->by.idx)
					add_role(f, k);
		}
		add_role(f, ev->role);
		break;
	case KVPT_EV_ACTION:
	case KVPT_EV_TRANSITION_REFUSED:
		f->vis = VIS_STAFF;
		add_role(f, ev->role);
		if (ev->inject >= 0 && ev->inject < p->nactivities &&
		    p->activities[ev->inject].classification > f->cls)
			f->cls = (unsigned char)
				p->activities[ev->inject].classification;
		if (ev->document >= 0 && ev->document < p->ndocuments &&
		    p->documents[ev->document].classification > f->cls)
			f->cls = (unsigned char)
				p->documents[ev->document].classification;
		break;
	case KVPT_EV_DOCUMENT_ISSUED:
		if (ev->document >= 0 && ev->document < p->ndocuments)
			f->cls = (unsigned char)
				p->documents[ev->document].classification;
		break;
	default:
		break;
	}
}

/* Format the frame of entry f, numbered seq, around the engine's line
 * and the data (either may be NULL). */
static void format_entry(struct feed_entry *f, uint64_t seq,
			 const char *line, const char *data)
{
	struct kvpt_buf b = KVPT_BUF_INIT;

	kvpt_buf_addf(&b, "id: %llu\nevent: %s\ndata: ",
		      (unsigned long long)seq, f->type);
	f->json_off = (unsigned)b.len;
	kvpt_buf_addf(&b, "{\"id\":%llu,\"at_ms\":%lld,\"type\":\"%s\"",
		      (unsigned long long)seq, (long long)f->at_ms, f->type);
	if (line) {
		kvpt_buf_adds(&b, ",\"event\":");
		f->line_off = (unsigned)b.len;
		kvpt_buf_adds(&b, line);
		f->line_len = (unsigned)(b.len - f->line_off);
		if (data)
			kvpt_buf_adds(&b, ",\"extra\":");
	} else {
		kvpt_buf_addf(&b, ",\"%s\":", f->type);
		if (!data)
			data = "{}";
	}
	if (data) {
		f->data_off = (unsigned)b.len;
		kvpt_buf_adds(&b, data);
		f->data_len = (unsigned)(b.len - f->data_off);
	}
	kvpt_buf_addc(&b, '}');
	f->json_len = (unsigned)(b.len - f->json_off);
	kvpt_buf_adds(&b, "\n\n");
	f->sse_len = b.len;
	f->sse = kvpt_buf_detach(&b);
}

static struct feed_entry *feed_new(struct exercise *x)
{
	struct feed_entry *f;

	XGROW(x->feed, x->cap_feed, x->nfeed + 1);
	f = &x->feed[x->nfeed++];
	memset(f, 0, sizeof(*f));
	return f;
}

/* Append f (the last entry) to the store. */
static void feed_store(struct exercise *x, struct feed_entry *f, int kind,
		       const char *line, const char *data)
{
	struct server *s = x->srv;
	struct kvpt_feed_rec r;
	struct kvpt_buf err = KVPT_BUF_INIT;

	if (srv_batch(s)) {
		s->batch_failed = 1;
		return;
	}
	memset(&r, 0, sizeof(r));
	r.exercise = x->id;
	r.seq = x->nfeed;
	r.at_ms = f->at_ms;
	r.kind = kind;
	r.line = line;
	r.data = data;
	r.user = f->user;
	if (s->store->ops->feed_append(s->store, &r, &err)) {
		srv_log(s, "store: %s", err.s);
		s->batch_failed = 1;
	}
	kvpt_buf_release(&err);
}

void feed_engine_sink(void *user, const char *line, size_t len)
{
	struct exercise *x = user;

	kvpt_buf_reset(&x->line);
	/* without the newline */
	kvpt_buf_add(&x->line, line, len && line[len - 1] == '\n' ?
		     len - 1 : len);
}

void feed_engine_observe(void *user, const struct kvpt_event *ev)
{
	struct exercise *x = user;
	struct feed_entry *f = feed_new(x);
	const char *line = x->line.len ? x->line.s : "{}";
	const char *data = NULL;
	int k;

	f->at_ms = srv_now_ms();
	f->user = x->acting_user;
	f->engine = 1;
	f->type = kvpt_enum_id(kvpt_event_types, ev->type);
	classify(x->plan, ev, f);
	note_issued(x, ev);
	if (ev->type == KVPT_EV_ACTION && x->extra) {
		data = x->extra;
		for (k = 0; k < x->nextra_att; k++) {
			f->attachments = xrealloc(f->attachments,
						  sizeof(int64_t) *
						  (size_t)(k + 1));
			f->attachments[k] = x->extra_att[k];
		}
		f->nattachments = x->nextra_att;
		x->extra = NULL;
		x->nextra_att = 0;
	}
	format_entry(f, x->nfeed, line, data);
	feed_store(x, f, FEED_ENGINE, line, data);
}

/* The event type of each stored kind of server event. */
static const char *const server_types[FEED_KIND_COUNT] = {
	[FEED_OBSERVATION] = "observation",
};

uint64_t feed_add_server(struct exercise *x, enum feed_kind kind,
			 const char *json, int64_t user)
{
	struct feed_entry *f = feed_new(x);

	f->at_ms = srv_now_ms();
	f->user = user;
	f->type = server_types[kind];
	f->vis = VIS_STAFF;
	format_entry(f, x->nfeed, NULL, json);
	feed_store(x, f, kind, NULL, json);
	return x->nfeed;
}

void feed_restore(struct exercise *x, const struct kvpt_feed_rec *r,
		  const struct kvpt_event *ev)
{
	struct feed_entry *f = feed_new(x);

	f->at_ms = r->at_ms;
	f->user = r->user;
	if (ev) {
		f->engine = 1;
		f->type = kvpt_enum_id(kvpt_event_types, ev->type);
		classify(x->plan, ev, f);
		note_issued(x, ev);
		if (r->data) {
			json_t *d = json_loads(r->data, 0, NULL);
			json_t *a = json_object_get(d, "attachments");
			size_t i;

			for (i = 0; i < json_array_size(a); i++) {
				f->attachments = xrealloc(
					f->attachments,
					sizeof(int64_t) * (i + 1));
				f->attachments[f->nattachments++] =
					json_integer_value(
						json_array_get(a, i));
			}
			json_decref(d);
		}
		format_entry(f, x->nfeed, r->line, r->data);
	} else {
		f->type = server_types[r->kind];
		f->vis = VIS_STAFF;
		format_entry(f, x->nfeed, NULL, r->data);
	}
}

int feed_visible(const struct exercise *x, const struct user *u,
		 const struct assignment *a, const struct feed_entry *f)
{
	int k;

	if (!u || !a || u->clearance < f->cls)
		return 0;
	switch (a->kind) {
	case AS_DIRECTOR:
	case AS_CONTROLLER:
	case AS_EVALUATOR:
		return 1;
	case AS_OBSERVER:
		return f->vis == VIS_PUBLIC || f->vis == VIS_DASH;
	case AS_PLAYER:
		if (f->vis == VIS_PUBLIC)
			return 1;
		if (!f->engine)
			return 0;	/* server events: staff only */
		for (k = 0; k < f->nroles; k++)
			if (f->roles[k] < x->plan->nroles &&
			    a->plays[f->roles[k]])
				return 1;
		return 0;
	default:
		return 0;
	}
}

/* streams
 *
 * Once a stream's headers are sent, kvpt writes its chunks itself: straight
 * to the socket with one writev when nothing is queued (the common case of
 * a live event: one system call per client), else appended to the
 * connection's output, which libevent flushes.  A catch-up is sent in
 * slices: the next slice goes when the output has drained (evhttp calls
 * sse_drained then), so a client far behind holds little memory. */

#define SSE_SLICE ((size_t)32 << 10)
#define SSE_IOV 64

static void sse_free(struct sse_client *c, int finish)
{
	c->prev->next = c->next;
	c->next->prev = c->prev;
	c->x->nsubs--;
	evhttp_connection_set_closecb(c->evcon, NULL, NULL);
	if (finish)
		evhttp_send_reply_end(c->req);
	free(c);
}

static void sse_closed_cb(struct evhttp_connection *evcon, void *arg)
{
	sse_free(arg, 0);
}

/* Send iov[0..n) (total bytes) as one HTTP chunk. */
static void sse_write(struct sse_client *c, struct iovec *iov, int n,
		      size_t total)
{
	struct bufferevent *bev = evhttp_connection_get_bufferevent(c->evcon);
	struct evbuffer *out = bufferevent_get_output(bev);
	char head[24];
	size_t done = 0, off;
	ssize_t w;
	int k;

	snprintf(head, sizeof(head), "%zx\r\n", total);
	iov[0].iov_base = head;
	iov[0].iov_len = strlen(head);
	iov[n - 1].iov_base = (void *)"\r\n";
	iov[n - 1].iov_len = 2;
	if (!evbuffer_get_length(out)) {
		w = writev(bufferevent_getfd(bev), iov, n);
		if (w > 0)
			done = (size_t)w;
	}
	for (k = 0; k < n; k++) {
		if (done >= iov[k].iov_len) {
			done -= iov[k].iov_len;
			continue;
		}
		off = done;
		done = 0;
		bufferevent_write(bev, (char *)iov[k].iov_base + off,
				  iov[k].iov_len - off);
	}
}

/* Send c the visible committed entries it has not had, a slice at a
 * time. */
static void sse_catch_up(struct sse_client *c)
{
	struct exercise *x = c->x;
	struct server *s = x->srv;
	const struct user *u = srv_user(s, c->user);
	const struct assignment *a = srv_assignment(x, c->user);
	struct bufferevent *bev;
	struct evbuffer *out;
	struct iovec iov[SSE_IOV + 2];

	if (!a || !u || u->disabled) {
		sse_free(c, 1);
		return;
	}
	bev = evhttp_connection_get_bufferevent(c->evcon);
	out = bufferevent_get_output(bev);
	while (c->next_idx < x->ncommitted) {
		size_t queued = evbuffer_get_length(out), total = 0;
		int n = 1;

		if (queued > SRV_SSE_MAX_QUEUED) {
			/* too slow to follow: it reconnects with
			 * Last-Event-ID */
			sse_free(c, 1);
			return;
		}
		if (queued >= SSE_SLICE)
			return;		/* sse_drained goes on */
		while (c->next_idx < x->ncommitted && n <= SSE_IOV &&
		       total < SSE_SLICE) {
			const struct feed_entry *f = &x->feed[c->next_idx++];

			if (!feed_visible(x, u, a, f))
				continue;
			iov[n].iov_base = f->sse;
			iov[n].iov_len = f->sse_len;
			total += f->sse_len;
			n++;
		}
		if (total)
			sse_write(c, iov, n + 1, total);
	}
}

static void sse_drained(struct evhttp_connection *evcon, void *arg)
{
	sse_catch_up(arg);
}

void feed_publish(struct exercise *x)
{
	struct sse_client *c, *next;

	if (x->ncommitted == x->nfeed)
		return;
	x->ncommitted = x->nfeed;
	for (c = x->subs.next; c != &x->subs; c = next) {
		next = c->next;
		sse_catch_up(c);
	}
}

void feed_discard(struct exercise *x)
{
	while (x->nfeed > x->ncommitted)
		feed_entry_release(&x->feed[--x->nfeed]);
}

void sse_open(struct req *r)
{
	struct exercise *x = r->x;
	struct sse_client *c;
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);
	const char *last = req_header(r, "Last-Event-ID");
	unsigned long long after = 0;
	char *end;

	if (!last)
		last = req_query(r, "after");
	if (last && *last) {
		after = strtoull(last, &end, 10);
		if (*end || after > x->nfeed) {
			reply_error(r, 400, "bad_request", "Last-Event-ID "
				    "'%.40s' is not an event of this exercise",
				    last);
			return;
		}
	}
	c = xcalloc(1, sizeof(*c));
	c->x = x;
	c->req = r->ev;
	c->evcon = evhttp_request_get_connection(r->ev);
	c->user = r->user->id;
	memcpy(c->session, r->sess->hash, sizeof(c->session));
	c->next_idx = (size_t)after;
	c->next = &x->subs;
	c->prev = x->subs.prev;
	x->subs.prev->next = c;
	x->subs.prev = c;
	x->nsubs++;
	http_common_headers(r->ev, "text/event-stream; charset=utf-8");
	evhttp_add_header(h, "X-Accel-Buffering", "no");
	evhttp_connection_set_timeout(c->evcon, 7 * 24 * 3600);
	{
		/* each event goes out at once, not held back by Nagle */
		int one = 1;
		struct bufferevent *bev =
			evhttp_connection_get_bufferevent(c->evcon);

		setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY,
			   &one, sizeof(one));
	}
	evhttp_connection_set_closecb(c->evcon, sse_closed_cb, c);
	evhttp_send_reply_start(r->ev, 200, "OK");
	r->answered = 1;
	{
		/* the only chunk evhttp frames; it registers sse_drained */
		struct evbuffer *hello = evbuffer_new();

		evbuffer_add_printf(hello, "retry: 2000\n\n");
		evhttp_send_reply_chunk_with_cb(r->ev, hello, sse_drained, c);
		evbuffer_free(hello);
	}
	sse_catch_up(c);
}

void sse_ping_all(struct server *s)
{
	int i;

	for (i = 0; i < s->nex; i++) {
		struct exercise *x = s->ex[i];
		struct sse_client *c, *next;

		for (c = x->subs.next; c != &x->subs; c = next) {
			struct iovec iov[3];

			next = c->next;
			iov[1].iov_base = (void *)": ping\n\n";
			iov[1].iov_len = 8;
			sse_write(c, iov, 3, 8);
		}
	}
}

void sse_close_matching(struct exercise *x, int64_t user,
			const uint8_t *session)
{
	struct sse_client *c, *next;

	for (c = x->subs.next; c != &x->subs; c = next) {
		next = c->next;
		if ((user && c->user == user) ||
		    (session && !memcmp(c->session, session,
					KVPT_AUTH_TOKEN_HASH)))
			sse_free(c, 1);
	}
}

void sse_close_all(struct exercise *x)
{
	while (x->subs.next != &x->subs)
		sse_free(x->subs.next, 1);
}
