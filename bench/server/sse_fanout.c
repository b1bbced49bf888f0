/*
 * sse_fanout: Server-Sent Events fan-out latency of `kvpt serve`.
 *
 *   sse_fanout --port P --exercise X --cookie 'kvpt_session=…' -n N
 *              --director-cookie 'kvpt_session=…' --csrf TOKEN
 *              [--inject ID]… [--pending 256] [--timeout 10]
 *              [--connect-timeout 120] [--wait-stdin]
 *
 * Opens N connections to GET /api/exercises/X/stream on 127.0.0.1:P with
 * the session cookie(s) given, in turn (a session may have many streams;
 * --cookie may be repeated, up to 64), keeping
 * at most --pending connections between connect() and their 200 headers.
 * Once every connection has its headers (or failed), it releases each
 * --inject in turn with POST /api/exercises/X/control/release on a separate
 * connection as the director, and records for every stream when the
 * `event: inject.released` naming that inject arrived, measured from the
 * moment just before the release request was written.  One release at a
 * time: the next one starts when every open stream has the previous one or
 * --timeout seconds have passed.
 *
 * Output (stdout, one record a line, for bench/server/run):
 *   CONNECTED n=… failed=… secs=…
 *   ROUND inject=… status=… received=…/… min_ms=… p50_ms=… p99_ms=… max_ms=…
 *   RESULT n=… rounds=… received=… expected=… min_ms=… p50_ms=… p99_ms=…
 *          max_ms=…
 * With --wait-stdin it waits for a line on stdin after CONNECTED (so the
 * driver can read the server's memory with every client connected) and
 * again after RESULT before it closes the connections.
 *
 * Raises its own RLIMIT_NOFILE to the hard limit.  Exit status: 0, or 2 on
 * bad usage / setup failure.  It judges no timing.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/util.h>

#define MAX_INJECTS 64 /* also the most --cookie */

enum conn_state { C_IDLE, C_CONNECTING, C_HEADERS, C_STREAM, C_DEAD };

struct conn {
	struct bufferevent *bev;
	enum conn_state state;
	int chunked;
	size_t chunk_left; /* bytes of the current chunk still to read */
	int chunk_crlf;    /* the CRLF after a chunk's data is pending */
	struct evbuffer *body; /* de-chunked body not yet parsed into lines */
	int status_seen;   /* the HTTP status line was read */
	int in_release;    /* the current event block is inject.released */
	int got;           /* this round's inject seen */
	double at;         /* when (seconds, monotonic) */
};

static struct {
	struct event_base *base;
	struct sockaddr_in addr;
	const char *exercise;
	const char *cookies[MAX_INJECTS];
	int ncookies;
	const char *dcookie;
	const char *csrf;
	const char *injects[MAX_INJECTS];
	int ninjects;
	int n;
	int max_pending;
	double timeout;
	int wait_stdin;

	struct conn *conns;
	int next_to_open;
	int pending;
	int open;   /* streams with their 200 headers, still open */
	int failed;
	int first_fail_printed;
	double t_connect0;

	/* Rounds. */
	int all_connected; /* CONNECTED was printed */
	int round; /* index into injects, -1 before the first */
	int round_active;
	double t_send;
	int round_status;
	int round_got;
	struct bufferevent *ctl;
	struct evbuffer *ctl_in;
	struct event *round_timer;
	struct event *connect_timer;
	double connect_timeout;
	struct event *stdin_ev;
	int stdin_stage; /* 0: waiting before rounds, 1: after RESULT */
	double *all;     /* every latency (ms) of every round */
	size_t nall;
	int expected_total;
	int rounds_done;
} g;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void open_more(void);
static void start_round(void);
static void finish_round(void);

/* The round ends when the release was answered 200 and every open stream
 * has the inject (or on a failure, or at the timeout). */
static void check_round(void)
{
	if (g.round_active && g.round_status == 200 && g.round_got >= g.open)
		finish_round();
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array. */
static double pct(const double *v, size_t n, double p)
{
	if (n == 0)
		return 0;
	size_t k = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

static void conn_fail(struct conn *c, const char *why)
{
	if (c->state == C_DEAD)
		return;
	if (c->state == C_CONNECTING || c->state == C_HEADERS) {
		g.pending--;
		g.failed++;
		if (!g.first_fail_printed) {
			g.first_fail_printed = 1;
			fprintf(stderr, "sse_fanout: a connection failed: %s\n", why);
		}
	} else if (c->state == C_STREAM) {
		g.open--;
		fprintf(stderr, "sse_fanout: a stream closed: %s\n", why);
	}
	c->state = C_DEAD;
	if (c->bev) {
		bufferevent_free(c->bev);
		c->bev = NULL;
	}
	if (!g.all_connected)
		open_more();
	else
		check_round();
}

/* One SSE line of a stream. */
static void sse_line(struct conn *c, const char *line, size_t len)
{
	if (len == 0) {
		c->in_release = 0;
		return;
	}
	if (line[0] == ':')
		return;
	if (len >= 6 && memcmp(line, "event:", 6) == 0) {
		const char *v = line + 6;
		while (*v == ' ')
			v++;
		c->in_release = strcmp(v, "inject.released") == 0;
		return;
	}
	if (!c->in_release || !g.round_active || c->got)
		return;
	if (len >= 5 && memcmp(line, "data:", 5) == 0) {
		char want[256];
		snprintf(want, sizeof want, "\"%s\"", g.injects[g.round]);
		if (strstr(line, want) == NULL)
			return;
		c->got = 1;
		c->at = now();
		g.round_got++;
		check_round();
	}
}

static void parse_body(struct conn *c)
{
	for (;;) {
		size_t len;
		char *line = evbuffer_readln(c->body, &len, EVBUFFER_EOL_CRLF);
		if (line == NULL)
			return;
		sse_line(c, line, len);
		free(line);
		if (c->state != C_STREAM)
			return;
	}
}

/* Moves the de-chunked body bytes from the socket buffer to c->body. */
static int dechunk(struct conn *c, struct evbuffer *in)
{
	if (!c->chunked) {
		evbuffer_add_buffer(c->body, in);
		return 0;
	}
	for (;;) {
		if (c->chunk_left > 0) {
			size_t have = evbuffer_get_length(in);
			if (have == 0)
				return 0;
			size_t take = have < c->chunk_left ? have : c->chunk_left;
			evbuffer_remove_buffer(in, c->body, take);
			c->chunk_left -= take;
			if (c->chunk_left == 0)
				c->chunk_crlf = 1;
			continue;
		}
		size_t len;
		char *line = evbuffer_readln(in, &len, EVBUFFER_EOL_CRLF);
		if (line == NULL)
			return 0;
		if (c->chunk_crlf) {
			c->chunk_crlf = 0;
			if (len == 0) {
				free(line);
				continue;
			}
		}
		char *end;
		unsigned long sz = strtoul(line, &end, 16);
		int bad = end == line;
		free(line);
		if (bad)
			return -1;
		if (sz == 0)
			return -1; /* the stream ended */
		c->chunk_left = sz;
	}
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	while (c->state == C_HEADERS) {
		size_t len;
		char *line = evbuffer_readln(in, &len, EVBUFFER_EOL_CRLF);
		if (line == NULL)
			return;
		if (!c->status_seen) {
			/* The status line. */
			const char *sp = strchr(line, ' ');
			int status = sp ? atoi(sp + 1) : 0;
			c->status_seen = 1;
			if (status != 200) {
				char why[128];
				snprintf(why, sizeof why, "status line '%.80s'", line);
				free(line);
				conn_fail(c, why);
				return;
			}
		} else if (len == 0) {
			c->state = C_STREAM;
			g.pending--;
			g.open++;
			if (!g.all_connected)
				open_more();
		} else if (strncasecmp(line, "transfer-encoding:", 18) == 0 &&
			   strstr(line + 18, "chunked") != NULL) {
			c->chunked = 1;
		}
		free(line);
	}
	if (c->state != C_STREAM)
		return;
	if (dechunk(c, in) < 0) {
		parse_body(c);
		conn_fail(c, "end of stream");
		return;
	}
	parse_body(c);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;
	if (what & BEV_EVENT_CONNECTED) {
		char req[4096];
		int n = snprintf(req, sizeof req,
				 "GET /api/exercises/%s/stream HTTP/1.1\r\n"
				 "Host: 127.0.0.1:%d\r\n"
				 "Accept: text/event-stream\r\n"
				 "Cookie: %s\r\n"
				 "\r\n",
				 g.exercise, ntohs(g.addr.sin_port),
				 g.cookies[(c - g.conns) % g.ncookies]);
		c->state = C_HEADERS;
		bufferevent_write(bev, req, (size_t)n);
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		char why[160];
		int err = EVUTIL_SOCKET_ERROR();
		snprintf(why, sizeof why, "%s%s",
			 (what & BEV_EVENT_EOF) ? "closed by the server" : "error: ",
			 (what & BEV_EVENT_EOF) ? "" : evutil_socket_error_to_string(err));
		conn_fail(c, why);
	}
}

static void print_connected(void)
{
	printf("CONNECTED n=%d failed=%d secs=%.3f\n", g.open, g.failed,
	       now() - g.t_connect0);
	fflush(stdout);
}

static void all_connected(void)
{
	evtimer_del(g.connect_timer);
	print_connected();
	if (g.wait_stdin) {
		g.stdin_stage = 0;
		event_add(g.stdin_ev, NULL);
	} else {
		start_round();
	}
}

static void open_more(void)
{
	while (g.pending < g.max_pending && g.next_to_open < g.n) {
		struct conn *c = &g.conns[g.next_to_open++];
		c->bev = bufferevent_socket_new(g.base, -1, BEV_OPT_CLOSE_ON_FREE);
		c->body = c->body ? c->body : evbuffer_new();
		if (c->bev == NULL || c->body == NULL) {
			fprintf(stderr, "sse_fanout: out of memory\n");
			exit(2);
		}
		bufferevent_setcb(c->bev, on_read, NULL, on_event, c);
		bufferevent_enable(c->bev, EV_READ);
		c->state = C_CONNECTING;
		g.pending++;
		if (bufferevent_socket_connect(c->bev, (struct sockaddr *)&g.addr,
					       sizeof g.addr) < 0) {
			conn_fail(c, "connect failed at once (out of descriptors?)");
			return; /* conn_fail called open_more again */
		}
	}
	if (g.pending == 0 && g.next_to_open >= g.n && !g.all_connected) {
		g.all_connected = 1;
		all_connected();
	}
}

/* The release request's connection. */
static void ctl_read(struct bufferevent *bev, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	if (g.round_status != 0)
		return;
	size_t len;
	char *line = evbuffer_readln(in, &len, EVBUFFER_EOL_CRLF);
	if (line == NULL)
		return;
	const char *sp = strchr(line, ' ');
	g.round_status = sp ? atoi(sp + 1) : -1;
	if (g.round_status != 200) {
		/* Keep the body for the message. */
		size_t bl = evbuffer_get_length(in);
		char buf[512];
		size_t take = bl < sizeof buf - 1 ? bl : sizeof buf - 1;
		evbuffer_copyout(in, buf, take);
		buf[take] = 0;
		char *body = strstr(buf, "\r\n\r\n");
		fprintf(stderr, "sse_fanout: release %s: %s %s\n",
			g.injects[g.round], line, body ? body + 4 : "");
		free(line);
		finish_round();
		return;
	}
	free(line);
	check_round();
}

static void ctl_event(struct bufferevent *bev, short what, void *arg)
{
	if (what & BEV_EVENT_CONNECTED) {
		char body[512];
		int bn = snprintf(body, sizeof body, "{\"inject\":\"%s\"}",
				  g.injects[g.round]);
		char req[4096];
		int n = snprintf(req, sizeof req,
				 "POST /api/exercises/%s/control/release HTTP/1.1\r\n"
				 "Host: 127.0.0.1:%d\r\n"
				 "Cookie: %s\r\n"
				 "X-CSRF-Token: %s\r\n"
				 "Content-Type: application/json\r\n"
				 "Content-Length: %d\r\n"
				 "Connection: close\r\n"
				 "\r\n%s",
				 g.exercise, ntohs(g.addr.sin_port), g.dcookie,
				 g.csrf, bn, body);
		g.t_send = now();
		bufferevent_write(bev, req, (size_t)n);
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		if (g.round_status == 0) {
			fprintf(stderr, "sse_fanout: release %s: connection %s "
				"before a status line\n", g.injects[g.round],
				(what & BEV_EVENT_EOF) ? "closed" : "failed");
			g.round_status = -1;
			finish_round();
		}
	}
}

static void round_timeout(evutil_socket_t fd, short what, void *arg)
{
	if (g.round_active)
		finish_round();
}

static void start_round(void)
{
	if (g.round < 0)
		g.round = 0;
	if (g.round >= g.ninjects) {
		/* All done. */
		qsort(g.all, g.nall, sizeof *g.all, cmp_double);
		printf("RESULT n=%d rounds=%d received=%zu expected=%d "
		       "min_ms=%.2f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
		       g.n, g.rounds_done, g.nall, g.expected_total,
		       g.nall ? g.all[0] : 0.0,
		       pct(g.all, g.nall, 50), pct(g.all, g.nall, 99),
		       g.nall ? g.all[g.nall - 1] : 0.0);
		fflush(stdout);
		if (g.wait_stdin) {
			g.stdin_stage = 1;
			event_add(g.stdin_ev, NULL);
		} else {
			event_base_loopexit(g.base, NULL);
		}
		return;
	}
	for (int i = 0; i < g.n; i++) {
		g.conns[i].got = 0;
		g.conns[i].at = 0;
	}
	g.round_got = 0;
	g.round_status = 0;
	g.round_active = 1;
	g.ctl = bufferevent_socket_new(g.base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(g.ctl, ctl_read, NULL, ctl_event, NULL);
	bufferevent_enable(g.ctl, EV_READ);
	struct timeval tv = { (time_t)g.timeout,
			      (suseconds_t)((g.timeout - (double)(time_t)g.timeout) * 1e6) };
	evtimer_add(g.round_timer, &tv);
	if (bufferevent_socket_connect(g.ctl, (struct sockaddr *)&g.addr,
				       sizeof g.addr) < 0) {
		fprintf(stderr, "sse_fanout: cannot connect for the release\n");
		g.round_status = -1;
		finish_round();
	}
}

static void start_round_cb(evutil_socket_t fd, short what, void *arg)
{
	start_round();
}

static void finish_round(void)
{
	if (!g.round_active)
		return;
	g.round_active = 0;
	evtimer_del(g.round_timer);
	if (g.ctl) {
		bufferevent_free(g.ctl);
		g.ctl = NULL;
	}
	double *v = malloc(sizeof *v * (size_t)(g.n ? g.n : 1));
	size_t k = 0;
	for (int i = 0; i < g.n; i++)
		if (g.conns[i].got)
			v[k++] = (g.conns[i].at - g.t_send) * 1000.0;
	qsort(v, k, sizeof *v, cmp_double);
	printf("ROUND inject=%s status=%d received=%zu/%d min_ms=%.2f "
	       "p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n", g.injects[g.round],
	       g.round_status, k, g.open, k ? v[0] : 0.0, pct(v, k, 50),
	       pct(v, k, 99), k ? v[k - 1] : 0.0);
	fflush(stdout);
	if (g.round_status == 200) {
		g.rounds_done++;
		g.expected_total += g.open;
		memcpy(g.all + g.nall, v, k * sizeof *v);
		g.nall += k;
	}
	free(v);
	g.round++;
	/* A fresh stack for the next round (finish_round may run inside a
	 * stream's read callback). */
	struct timeval tv = { 0, 20000 };
	event_base_once(g.base, -1, EV_TIMEOUT, start_round_cb, NULL, &tv);
}

static void on_stdin(evutil_socket_t fd, short what, void *arg)
{
	char buf[256];
	ssize_t r = read(fd, buf, sizeof buf);
	(void)r;
	if (g.stdin_stage == 0) {
		g.stdin_stage = 2;
		start_round();
	} else {
		event_base_loopexit(g.base, NULL);
	}
}

/* Streams still without their headers count as failed. */
static void connect_timeout(evutil_socket_t fd, short what, void *arg)
{
	if (g.all_connected)
		return;
	fprintf(stderr, "sse_fanout: %d streams without headers and %d not "
		"opened after %.0f s\n", g.pending, g.n - g.next_to_open,
		g.connect_timeout);
	g.all_connected = 1;
	for (int i = 0; i < g.next_to_open; i++) {
		struct conn *c = &g.conns[i];
		if (c->state == C_CONNECTING || c->state == C_HEADERS)
			conn_fail(c, "no headers in time");
	}
	g.failed += g.n - g.next_to_open;
	g.next_to_open = g.n;
	all_connected();
}

static void usage(void)
{
	fprintf(stderr,
		"usage: sse_fanout --port P --exercise X --cookie C -n N "
		"--director-cookie C --csrf T [--inject ID]... [--pending K] "
		"[--timeout SECS] [--connect-timeout SECS] [--wait-stdin]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int port = 0;
	g.max_pending = 256;
	g.timeout = 10;
	g.connect_timeout = 120;
	g.round = -1;
	g.n = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--wait-stdin") == 0) {
			g.wait_stdin = 1;
			continue;
		}
		if (v == NULL)
			usage();
		i++;
		if (strcmp(a, "--port") == 0)
			port = atoi(v);
		else if (strcmp(a, "--exercise") == 0)
			g.exercise = v;
		else if (strcmp(a, "--cookie") == 0 && g.ncookies < MAX_INJECTS)
			g.cookies[g.ncookies++] = v;
		else if (strcmp(a, "--director-cookie") == 0)
			g.dcookie = v;
		else if (strcmp(a, "--csrf") == 0)
			g.csrf = v;
		else if (strcmp(a, "-n") == 0)
			g.n = atoi(v);
		else if (strcmp(a, "--pending") == 0)
			g.max_pending = atoi(v);
		else if (strcmp(a, "--timeout") == 0)
			g.timeout = atof(v);
		else if (strcmp(a, "--connect-timeout") == 0)
			g.connect_timeout = atof(v);
		else if (strcmp(a, "--inject") == 0 && g.ninjects < MAX_INJECTS)
			g.injects[g.ninjects++] = v;
		else
			usage();
	}
	if (port <= 0 || port > 65535 || !g.exercise || !g.ncookies ||
	    !g.dcookie || !g.csrf || g.n <= 0 || g.max_pending <= 0 ||
	    g.timeout <= 0 || g.connect_timeout <= 0)
		usage();

	signal(SIGPIPE, SIG_IGN);
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && (rlim_t)g.n + 64 > rl.rlim_cur)
		fprintf(stderr, "sse_fanout: warning: RLIMIT_NOFILE %llu is below "
			"%d connections\n", (unsigned long long)rl.rlim_cur, g.n);

	memset(&g.addr, 0, sizeof g.addr);
	g.addr.sin_family = AF_INET;
	g.addr.sin_port = htons((uint16_t)port);
	g.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	g.base = event_base_new();
	g.conns = calloc((size_t)g.n, sizeof *g.conns);
	g.all = malloc(sizeof *g.all * (size_t)g.n * (size_t)(g.ninjects + 1));
	if (!g.base || !g.conns || !g.all) {
		fprintf(stderr, "sse_fanout: out of memory\n");
		return 2;
	}
	g.round_timer = evtimer_new(g.base, round_timeout, NULL);
	g.stdin_ev = event_new(g.base, 0, EV_READ, on_stdin, NULL);
	g.connect_timer = evtimer_new(g.base, connect_timeout, NULL);
	struct timeval ctv = { (time_t)g.connect_timeout, 0 };
	evtimer_add(g.connect_timer, &ctv);

	g.t_connect0 = now();
	open_more();
	event_base_dispatch(g.base);

	for (int i = 0; i < g.n; i++) {
		if (g.conns[i].bev)
			bufferevent_free(g.conns[i].bev);
		if (g.conns[i].body)
			evbuffer_free(g.conns[i].body);
	}
	event_free(g.round_timer);
	event_free(g.connect_timer);
	event_free(g.stdin_ev);
	event_base_free(g.base);
	free(g.conns);
	free(g.all);
	return 0;
}
