/*
 * clock: the exercise clock.  It maps a source time, supplied by whoever
 * drives the engine (real monotonic ms for the server, virtual ms for dry
 * runs), to exercise time through an anchor: at source time anchor_src the
 * exercise time was anchor_ex, and since then it has run at `speed` per
 * mille of the source (1000 = real time, 60000 = a minute per second) or
 * stood still when paused.  Integer arithmetic only, so the same calls give
 * the same times on every machine.  The clock never reads a system clock.
 */
#ifndef KVPT_CLOCK_H
#define KVPT_CLOCK_H

#include <stdint.h>

#include "model/model.h"

/* Speeds, per mille of source time. */
#define KVPT_CLOCK_REAL_TIME 1000	/* real time */
#define KVPT_CLOCK_SPEED_MIN 1		/* a thousandth of real time */
#define KVPT_CLOCK_SPEED_MAX 100000000	/* 100,000 × real time */

struct kvpt_clock {
	kvpt_time anchor_ex;	/* exercise time at anchor_src */
	int64_t anchor_src;	/* source ms of the anchor */
	int64_t speed;		/* per mille of source time */
	int running;		/* 0 when paused or not started */
	int started;
};

/* A clock that has not started, at real-time speed. */
void kvpt_clock_init(struct kvpt_clock *c);

/* Start running at exercise time at, source time src.  KVPT_ESTATE when
 * already started. */
int kvpt_clock_start(struct kvpt_clock *c, kvpt_time at, int64_t src);
/* Stop at the time reached at src.  KVPT_ESTATE unless running. */
int kvpt_clock_pause(struct kvpt_clock *c, int64_t src);
/* Run again from where it stopped.  KVPT_ESTATE unless started and paused. */
int kvpt_clock_resume(struct kvpt_clock *c, int64_t src);
/* Change the speed (per mille) from src on.  KVPT_EINVAL outside
 * [KVPT_CLOCK_SPEED_MIN, KVPT_CLOCK_SPEED_MAX]. */
int kvpt_clock_set_speed(struct kvpt_clock *c, int64_t speed, int64_t src);
/* Set the exercise time to `to` at source time src, running or not.
 * KVPT_ESTATE when not started. */
int kvpt_clock_jump(struct kvpt_clock *c, kvpt_time to, int64_t src);

/* The exercise time at source time src: KVPT_TIME_NONE before the start.
 * A source time before the anchor reads as the anchor (time never runs
 * backwards because the source did). */
kvpt_time kvpt_clock_now(const struct kvpt_clock *c, int64_t src);
/* The first source time at which the clock reads t or later, or INT64_MAX
 * when it is not running (a server sleeps until then). */
int64_t kvpt_clock_src_at(const struct kvpt_clock *c, kvpt_time t);

#endif
