/*
 * engine: the deterministic exercise engine.  It runs a loaded plan: it
 * releases injects (on schedule, by a director's hand, or when a condition
 * comes true), opens their expectations with deadlines, matches what
 * players do against them (met, missed, late), keeps each body's state on
 * the two ladders of DOMAIN.md §3 and refuses transitions the doctrine does
 * not allow (model/doctrine.h), and records the documents issued.
 *
 * Event sourcing: every change of state is an event (evlog.h) passed to one
 * apply function.  The live engine decides what happens, applies the event
 * and appends it to the log; a replay reads the log and applies the same
 * events, so it rebuilds exactly the same state, event queue included.
 * Same plan and same calls give a byte-identical log.
 *
 * Time: the engine never reads a clock.  A server passes real monotonic ms
 * as source time (kvpt_engine_advance maps it through the exercise clock,
 * clock.h); a dry run moves through exercise time directly
 * (kvpt_engine_next_time, kvpt_engine_run_until).  Events due at the same
 * time happen in the order they were scheduled.
 *
 * What the engine does not do on its own: the activities of the plan
 * (conferences, live practice, movements) only start and end on schedule;
 * their outputs are issued and their planned transitions made when players
 * (or the simulator playing them) report a CONFERENCE or TRANSITION action.
 * Plan documents already marked `status: issued` count as issued from their
 * due time (or the start), as the checker assumes.
 *
 * Ownership: an engine borrows its plan, which must outlive it, and owns
 * everything else it holds.  Errors are returned, never printed.
 */
#ifndef KVPT_ENGINE_H
#define KVPT_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "engine/clock.h"
#include "engine/evlog.h"
#include "model/model.h"

struct kvpt_engine;

/*
 * Where the events go.  sink receives each log line (newline included) as
 * it is written; observe receives each event once it is applied (a driver
 * such as the simulator reacts to them).  Both are called by the live
 * engine only, not during a replay; what they are given is valid only
 * during the call, and they must not call back into the engine.  Any may
 * be NULL; with neither sink nor keep_log no line is formatted at all.
 */
struct kvpt_engine_opts {
	void (*sink)(void *user, const char *line, size_t len);
	void *user;		/* for sink */
	int keep_log;		/* also keep the log in memory */
	void (*observe)(void *user, const struct kvpt_event *ev);
	void *observe_user;	/* for observe */
};

/* What a player did.  Fields that do not apply to the kind are -1/NULL. */
struct kvpt_action {
	enum kvpt_action_kind kind;
	int role;		/* the acting role (required) */
	int inject;		/* ACK..DECISION: the inject answered */
	int doc_type;		/* DOCUMENT: kvpt_doc_types value */
	int document;		/* DOCUMENT: a plan document (gives type and
				 * issuing body), or -1 */
	int conference;		/* CONFERENCE: the planned conference held,
				 * or -1 for one not in the plan */
	int machine, body, state;	/* TRANSITION: move body to state */
	const char *text;	/* free UTF-8 text, may be NULL; copied to
				 * the log */
};

/* An action with kind and role and every other field empty. */
void kvpt_action_init(struct kvpt_action *a, enum kvpt_action_kind kind,
		      int role);

/* What an action achieved. */
struct kvpt_action_result {
	uint64_t seq;		/* seq of the action event */
	int met;		/* expectations met in time */
	int late;		/* missed expectations now fulfilled late */
	const char *rule;	/* refused: the doctrine rule id (static) */
};

enum kvpt_activity_status {
	KVPT_ACTIVITY_PENDING,		/* not yet released / started */
	KVPT_ACTIVITY_HELD,		/* inject held by the directors */
	KVPT_ACTIVITY_RELEASED,		/* inject released */
	KVPT_ACTIVITY_CANCELLED,	/* inject cancelled */
	KVPT_ACTIVITY_STARTED,		/* other activity under way */
	KVPT_ACTIVITY_ENDED,		/* other activity over */
};

struct kvpt_activity_state {
	enum kvpt_activity_status status;
	enum kvpt_release_how how;	/* released: how */
	int by;				/* released: role, or -1 */
	kvpt_time at;			/* released / started at */
	kvpt_time end_at;		/* ended at */
	kvpt_time cond_at;		/* conditional inject: due at, once
					 * its condition came true */
};

enum kvpt_expect_status {
	KVPT_EXPECT_WAITING,	/* its inject is not released */
	KVPT_EXPECT_OPEN,	/* released, not yet answered */
	KVPT_EXPECT_MET,	/* answered in time */
	KVPT_EXPECT_MISSED,	/* deadline passed unanswered */
	KVPT_EXPECT_LATE,	/* answered after its deadline */
	KVPT_EXPECT_CANCELLED,	/* its inject was cancelled */
};

struct kvpt_expect_state {
	enum kvpt_expect_status status;
	int by;			/* met / late: role, or -1 */
	kvpt_time deadline;	/* open: when it is due, or KVPT_TIME_NONE */
	kvpt_time at;		/* met / missed / late at */
};

struct kvpt_engine_counters {
	uint64_t events;	/* events applied */
	uint64_t released;	/* injects released */
	uint64_t met, missed, late;	/* expectations */
	uint64_t actions;	/* player actions */
	uint64_t answered;	/* actions that met or fulfilled something */
	uint64_t refused;	/* transitions refused */
	uint64_t transitions;	/* state changes */
	uint64_t issued;	/* documents issued */
};

extern const struct kvpt_enum_name kvpt_activity_statuses[];
extern const struct kvpt_enum_name kvpt_expect_statuses[];

/* Lifecycle. */

/* A new engine over plan (not started).  opts may be NULL (no log).  The
 * plan must be free of load errors. */
struct kvpt_engine *kvpt_engine_new(const struct kvpt_plan *plan,
				    const struct kvpt_engine_opts *opts);
void kvpt_engine_free(struct kvpt_engine *e);
/* Send the lines written from now on to another sink (e.g. after a replay,
 * to go on appending to the log file). */
void kvpt_engine_set_sink(struct kvpt_engine *e,
			  void (*sink)(void *user, const char *line,
				       size_t len), void *user);

/* Send the applied events from now on to another observer. */
void kvpt_engine_set_observer(struct kvpt_engine *e,
			      void (*observe)(void *user,
					      const struct kvpt_event *ev),
			      void *user);

/*
 * Rebuild an engine from a log: every line is read and applied as the live
 * engine applied it.  On success *out is an engine in the state the log
 * describes (free it with kvpt_engine_free; it has no sink and keeps no
 * log) and may go on running.  Returns KVPT_EINVAL with
 * "log:LINE: reason" appended to err for a malformed line, an unknown
 * version, an id not in the plan, or an event that cannot follow the ones
 * before it; *out is then NULL.
 */
int kvpt_engine_replay(const struct kvpt_plan *plan, const char *log,
		       size_t len, struct kvpt_engine **out,
		       struct kvpt_buf *err);

/* Directors: the clock.  src is the driver's source time in ms.  All
 * return 0 or KVPT_ESTATE (not started, already ended, already paused…). */

/* Start at exercise time at (KVPT_TIME_NONE: the plan's start) and queue
 * the plan's schedule. */
int kvpt_engine_start(struct kvpt_engine *e, kvpt_time at, int64_t src);
/* Start, cancelling at once the pending injects i with cancel[i] set (one
 * byte per plan activity), before anything due at `at` is released: a
 * rehearsal of some phases only. */
int kvpt_engine_start_without(struct kvpt_engine *e, kvpt_time at,
			      int64_t src, const unsigned char *cancel);
int kvpt_engine_pause(struct kvpt_engine *e, int64_t src);
int kvpt_engine_resume(struct kvpt_engine *e, int64_t src);
/* Speed in per mille (1000 = real time); KVPT_EINVAL out of range. */
int kvpt_engine_set_speed(struct kvpt_engine *e, int64_t speed, int64_t src);
/* Move the clock forward to exercise time to; everything due before it
 * happens first, at its own time.  KVPT_EINVAL for a time already past. */
int kvpt_engine_jump(struct kvpt_engine *e, kvpt_time to, int64_t src);
/* End the exercise; nothing happens after this. */
int kvpt_engine_end(struct kvpt_engine *e, int64_t src);

/* Drivers. */

/* Process every event due up to the clock's time at source time src. */
int kvpt_engine_advance(struct kvpt_engine *e, int64_t src);
/* The time of the next queued event, or KVPT_TIME_NONE. */
kvpt_time kvpt_engine_next_time(struct kvpt_engine *e);
/* Dry runs: process every event due up to exercise time t, which becomes
 * the engine's time (the clock is not consulted). */
int kvpt_engine_run_until(struct kvpt_engine *e, kvpt_time t);

/* Directors: injects.  inject is an activity index of a situation;
 * KVPT_EINVAL for another activity, KVPT_ESTATE when the inject's status
 * does not allow it. */

/* Release a pending or held inject now; by_role may be -1. */
int kvpt_engine_release(struct kvpt_engine *e, int inject, int by_role);
/* Hold a pending inject: it is not released when due, only by hand. */
int kvpt_engine_hold(struct kvpt_engine *e, int inject);
/* Cancel a pending or held inject; its expectations are cancelled. */
int kvpt_engine_cancel(struct kvpt_engine *e, int inject);

/*
 * Players: apply action a at the engine's current time.  It meets every
 * open expectation it answers (a missed one becomes late); one that
 * answers nothing is still logged.  res may be NULL.  Returns 0;
 * KVPT_EREFUSED for a transition the doctrine does not allow (the refusal
 * is logged, the reason appended to why if not NULL, the rule id in
 * res->rule); KVPT_EINVAL for indices out of range or a text that is not
 * UTF-8; KVPT_ETOOBIG for a text longer than KVPT_EVLOG_MAX_TEXT;
 * KVPT_ESTATE before the start or after the end.
 */
int kvpt_engine_act(struct kvpt_engine *e, const struct kvpt_action *a,
		    struct kvpt_action_result *res, struct kvpt_buf *why);

/* Reading the state.  Pointers stay valid until the engine is freed. */

kvpt_time kvpt_engine_now(const struct kvpt_engine *e);
/* The exercise clock (speed, running, anchor). */
const struct kvpt_clock *kvpt_engine_clock(const struct kvpt_engine *e);
int kvpt_engine_started(const struct kvpt_engine *e);
int kvpt_engine_ended(const struct kvpt_engine *e);
const struct kvpt_activity_state *
kvpt_engine_activity(const struct kvpt_engine *e, int activity);
const struct kvpt_expect_state *
kvpt_engine_expectation(const struct kvpt_engine *e, int expectation);
/* The state index of body on machine, or -1 when it does not apply. */
int kvpt_engine_body_state(const struct kvpt_engine *e, int machine,
			   int body);
const struct kvpt_engine_counters *
kvpt_engine_counters(const struct kvpt_engine *e);
/* The log kept in memory (opts.keep_log), or "" with *len 0. */
const char *kvpt_engine_log(const struct kvpt_engine *e, size_t *len);

/* Append the whole state as canonical JSON text: the same state always
 * gives the same bytes, so a live engine and its replay compare equal. */
void kvpt_engine_state_json(const struct kvpt_engine *e,
			    struct kvpt_buf *out);

#endif
