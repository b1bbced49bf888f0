/*
 * evlog: the exercise event log.  Every change of an exercise's state is an
 * event (struct kvpt_event); the engine applies events and writes each as
 * one line of JSON, and replays a log by reading the lines back into
 * events and applying them again (engine.h).  This module only converts
 * between the two forms: events refer to plan entities by index, lines by
 * the plan's ids.  The schema is documented in docs/event-log.md.
 *
 * Lines are written by hand, fields in a fixed order, so the same events
 * always give the same bytes; they are read with jansson.
 */
#ifndef KVPT_EVLOG_H
#define KVPT_EVLOG_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "model/model.h"

/* The version written in every line ("v"); a reader refuses others. */
#define KVPT_EVLOG_VERSION 1

/* Limits: a player's text is at most KVPT_EVLOG_MAX_TEXT bytes (the engine
 * refuses longer), so every line the engine writes is shorter than
 * KVPT_EVLOG_MAX_LINE, which a reader refuses to go beyond. */
#define KVPT_EVLOG_MAX_TEXT ((size_t)64 << 10)
#define KVPT_EVLOG_MAX_LINE ((size_t)1 << 20)

enum kvpt_event_type {
	KVPT_EV_EXERCISE_STARTED,
	KVPT_EV_EXERCISE_ENDED,
	KVPT_EV_CLOCK_PAUSED,
	KVPT_EV_CLOCK_RESUMED,
	KVPT_EV_CLOCK_SPEED,
	KVPT_EV_CLOCK_JUMPED,
	KVPT_EV_INJECT_RELEASED,
	KVPT_EV_INJECT_HELD,
	KVPT_EV_INJECT_CANCELLED,
	KVPT_EV_EXPECTATION_MET,
	KVPT_EV_EXPECTATION_MISSED,
	KVPT_EV_EXPECTATION_LATE,
	KVPT_EV_ACTION,
	KVPT_EV_DOCUMENT_ISSUED,
	KVPT_EV_STATE_CHANGED,
	KVPT_EV_TRANSITION_REFUSED,
	KVPT_EV_ACTIVITY_STARTED,
	KVPT_EV_ACTIVITY_ENDED,
	KVPT_EV_TYPE_COUNT
};

/* How an inject was released. */
enum kvpt_release_how {
	KVPT_HOW_SCHEDULED,	/* at its planned time */
	KVPT_HOW_MANUAL,	/* by a director's hand */
	KVPT_HOW_CONDITION,	/* its release condition came true */
};

/* What a player did (struct kvpt_action in engine.h). */
enum kvpt_action_kind {
	KVPT_ACTION_ACK,	/* acknowledged an inject */
	KVPT_ACTION_REPORT,	/* reported on an inject */
	KVPT_ACTION_ORDER,	/* gave an order on an inject */
	KVPT_ACTION_DECISION,	/* decided how to handle an inject */
	KVPT_ACTION_DOCUMENT,	/* issued a document */
	KVPT_ACTION_CONFERENCE,	/* held a conference */
	KVPT_ACTION_TRANSITION,	/* moved a body to another state */
	KVPT_ACTION_KIND_COUNT
};

extern const struct kvpt_enum_name kvpt_event_types[];
extern const struct kvpt_enum_name kvpt_release_hows[];
extern const struct kvpt_enum_name kvpt_action_kinds[];

/*
 * One event.  Which fields mean something depends on the type (see
 * docs/event-log.md); the others are -1 (indices), KVPT_TIME_NONE (times)
 * or NULL.  Indices are into the plan's arrays.  Strings are borrowed: they
 * live as long as whoever built the event says (an engine call, or the
 * line being read).
 */
struct kvpt_event {
	uint64_t seq;		/* 1, 2, 3… in log order */
	kvpt_time t;		/* exercise time */
	enum kvpt_event_type type;
	int64_t src;		/* clock events, exercise.*: source time */
	int64_t speed;		/* exercise.started, clock.speed: per mille */
	kvpt_time from_t;	/* clock.jumped: the time jumped from */
	enum kvpt_release_how how;	/* inject.released */
	int role;		/* the role who acted, released or met */
	int inject;		/* activity index of a situation */
	int activity;		/* activity.*: activity index */
	int expectation;	/* expectation.* */
	kvpt_time deadline;	/* expectation.*: the deadline, if any */
	uint64_t action;	/* expectation.met/late: seq of the action
				 * that met it, or 0 */
	enum kvpt_action_kind kind;	/* action */
	int doc_type;		/* action, document.issued: kvpt_doc_types */
	int document;		/* action, document.issued: plan document */
	int conference;		/* action: conference activity */
	int machine, body;	/* action, state.changed, transition.refused */
	int from, to;		/* state indices; action uses `to` */
	const char *text;	/* action: what the player wrote */
	const char *rule;	/* transition.refused: the doctrine rule id */
	const char *reason;	/* transition.refused: why, for people */
	const char *exercise;	/* exercise.started: the plan's code */
};

/* An event of type `type` at t with every other field empty. */
void kvpt_event_init(struct kvpt_event *ev, enum kvpt_event_type type,
		     kvpt_time t);

/* Append ev as one line of JSON, newline included, naming entities by
 * their ids in plan. */
void kvpt_evlog_format(const struct kvpt_plan *plan,
		       const struct kvpt_event *ev, struct kvpt_buf *out);

/*
 * Read one line (without its newline) into *ev, resolving ids in plan.
 * The strings of ev are copied into *strings, which the caller keeps (and
 * may reuse for the next line) while it uses ev.  Returns 0, or
 * KVPT_EINVAL with the reason appended to err: a line longer than
 * KVPT_EVLOG_MAX_LINE, malformed JSON, a version other than
 * KVPT_EVLOG_VERSION, an unknown type, a missing or mistyped field, an id
 * that names nothing in the plan.
 */
int kvpt_evlog_parse(const struct kvpt_plan *plan, const char *line,
		     size_t len, struct kvpt_event *ev,
		     struct kvpt_buf *strings, struct kvpt_buf *err);

#endif
