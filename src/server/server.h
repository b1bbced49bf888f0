/*
 * server: `kvpt serve`, the exercise server.  One process, one libevent
 * loop owning all state (Redis-style): users, sessions, exercises with
 * their running engines, feeds and live Server-Sent Events streams.
 * Writes are recorded in the store (store/store.h) and committed once per
 * loop iteration before any of them is answered.  Password hashing and
 * other heavy jobs run on worker threads and report back to the loop.
 *
 * The HTTP contract is docs/api.md (and docs/openapi.json).
 */
#ifndef KVPT_SERVER_H
#define KVPT_SERVER_H

#include "base/buf.h"

struct kvpt_server_opts {
	const char *db;			/* store path */
	const char *listen;		/* "ADDR:PORT"; port 0 picks one */
	const char **plans;		/* plan files to load as exercises */
	int nplans;
	int synchronous_normal;		/* store: synchronous=NORMAL */
	/* Create demo accounts (when the store has no user yet) with
	 * random passwords, assigned in every exercise, and tell them
	 * through log once. */
	int demo;
	/* Called once the server listens, with the URL it serves. */
	void (*ready)(void *user, const char *url);
	void *ready_user;
	/* Messages for the operator (plan diagnostics, store errors). */
	void (*log)(void *user, const char *msg);
	void *log_user;
};

/*
 * Run the server until SIGINT or SIGTERM.  Returns 0 after a clean stop;
 * KVPT_EIO (store, listening socket), KVPT_EINVAL (a plan with errors)
 * with the reason appended to err.
 */
int kvpt_server_run(const struct kvpt_server_opts *opts,
		    struct kvpt_buf *err);

#endif
