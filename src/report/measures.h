/*
 * measures: measured performance of an exercise, computed from its event
 * log (DOMAIN.md §8; docs/evaluation.md).  The log is replayed over the plan
 * (engine/engine.h), so only a log the engine would accept is measured;
 * the replayed state gives how each inject and expectation ended, and the
 * events themselves give the history the state forgets: when each body
 * reached each state, which transitions were refused, when each conference
 * was reported held.  The result is plain JSON that the CLI prints
 * (`kvpt evaluate`), report/aar turns into a workbook, and a server can
 * hand to the evaluator's screen.
 *
 * Definitions (docs/evaluation.md has the worked examples):
 *
 *   response time   answered − released, in ms, for an expectation met or
 *                   fulfilled late (0 when it was met at its release
 *                   because the state it asks for was already reached);
 *   allowed time    deadline − released, in ms (null without a deadline);
 *   met / late / missed / open / cancelled / waiting
 *                   the engine's statuses: answered at or before the
 *                   deadline / answered after it / deadline passed
 *                   unanswered / released, not yet answered nor overdue /
 *                   inject cancelled / inject not released;
 *   due             met + late + missed, plus the open ones once the
 *                   exercise has ended (they will never be answered);
 *   in-time share   met / due;
 *   violation       a refused transition whose rule is not
 *                   `transition-no-change` (asking for the state the body
 *                   is already in is not a breach of procedure);
 *   mechanism-order violation
 *                   a violation of rule `transition-missing-act` or
 *                   `act-order`: a body moved without the act the
 *                   mechanism requires, or with the acts in the wrong
 *                   order (DOMAIN.md §2).
 *
 * Who owes an expectation: the body it names (`by:` a body), else the body
 * of the role it names, else for a state expectation the body whose state
 * it asks for; an expectation with none of these counts only overall.  A
 * refused transition is held against the body of the role who asked for it
 * (`by`), else against the body whose state it was.
 *
 * The proposed verdict (an index into plan->scale, best first; n words):
 *
 *   band    0 when share ≥ 0.9, 1 when ≥ 0.7, 2 when ≥ 0.5, else 3
 *           (compared exactly, in integers: met·10 ≥ due·9 …);
 *   index   band 3 → n − 1 (the last word); bands 0–2 → min(band, n − 1),
 *           so with 3 words a share in [0.5, 0.7) also gives the last;
 *   violations: any → the index is at least 1 (never the best word);
 *   nothing due → no index from the share: 1 (min n − 1) with violations,
 *           none without;
 *   observation score s (an average on the scale index, 0 = best, may be
 *           fractional): combined = floor((index + s) / 2 + 0.5), i.e.
 *           the mean of the two, a half rounded toward the worse word;
 *           s alone when the measures give no index; then clamped to
 *           0…n − 1 and the violation rule applied again;
 *   no index and no score → no verdict (null), with the reason.
 *
 * Overall the same rule runs on all expectations and all violations; its
 * observation score is the mean of the bodies' scores given.
 */
#ifndef KVPT_MEASURES_H
#define KVPT_MEASURES_H

#include <stddef.h>

#include <jansson.h>

#include "base/buf.h"
#include "model/model.h"

/* The version of the JSON below ("version"); bumped when a key changes
 * meaning or goes away. */
#define KVPT_MEASURES_VERSION 1

/*
 * Measure the exercise the event log log[0..len) records over plan.
 * until: KVPT_TIME_NONE for the whole log, else only the events with
 * t ≤ until count (the state of the exercise at that moment).  scores:
 * NULL, or plan->nbodies observation scores on the scale index (0 = best;
 * a negative value or NaN means "no score for this body").
 *
 * On success returns 0 and sets *out to a new JSON object the caller owns
 * (json_decref).  The same plan, log, until and scores always give the
 * same object, keys in the same order.  Returns KVPT_EINVAL with
 * "log:LINE: reason" appended to err (which may not be NULL) when the log
 * does not replay over the plan (see kvpt_engine_replay); *out is then
 * NULL.  plan and log are only read and may be freed afterwards.
 *
 * Times are exercise times (ms since 00:00 of day N; null when absent),
 * durations ms.  Ids are the plan's; `*_label` and names are Vietnamese,
 * for people to read.
 *
 *   {"version": 1,
 *    "exercise": {"code", "name", "n_date" (or null), "n_epoch_ms" (Unix
 *                 ms of 00:00 on day N, or null), "tz_offset_min"},
 *    "until": t | null,          the cut asked for
 *    "t": t | null,              time of the last event counted
 *    "ended": bool,              exercise.ended is among them
 *    "events": n,                events counted
 *    "scale": ["Hoàn thành tốt nhiệm vụ", …],       best first
 *    "criteria": [{"id", "name", "weight"}],        the plan's
 *    "overall": {"counts", "response", "refusals", "violations",
 *                "mechanism_order", "states", "activities", "verdict"},
 *    "bodies": [{"id", "name", "kind", "kind_label", "counts",
 *                "response", "refusals", "violations", "mechanism_order",
 *                "states_summary", "expectations": [EXPECTATION],
 *                "refused": [REFUSAL], "states": [STATE],
 *                "verdict": VERDICT}],
 *    "injects": [{"id", "title", "planned" (its scheduled time, or null),
 *                 "released", "how" ("scheduled"|"manual"|"condition"|
 *                 null), "how_label", "released_by" (role id or null),
 *                 "status" (pending|held|released|cancelled),
 *                 "status_label", "expectations": [EXPECTATION]}],
 *    "refused": [REFUSAL],       every refused transition, in log order
 *    "activities": [ACTIVITY]}   conferences, live practice,
 *                                mobilisation, movement, in plan order
 *
 * bodies holds, in plan order, each body that owes an expectation, has a
 * STATE row or has a refusal held against it.
 *
 *   counts    {"total", "met", "late", "missed", "open", "cancelled",
 *              "waiting", "due", "in_time_share" (met/due rounded to 4
 *              decimals, or null when nothing is due)}
 *   response  {"answered" (met + late), "median_ms", "p90_ms" (null when
 *              nothing was answered), "max_ms"}: median = the middle value
 *              (the mean of the two middle ones, rounded down, for an even
 *              count); p90 = nearest rank, the ⌈0.9·n⌉-th smallest
 *   overall.states / bodies[].states_summary
 *             counts of STATE rows: {"planned", "reached", "on_time"
 *              (reached at or before the planned time), "late",
 *              "not_reached" (planned for a time already past, not
 *              reached), "unplanned" (reached, not planned)}
 *   overall.activities  {"planned", "started", "ended", "not_done"
 *              (planned to start at a time already past, not started)}
 *
 * "Already past" means at or before the cut (until, or the last event),
 * or anything once the exercise has ended.
 *
 *   EXPECTATION  {"id", "inject", "kind", "kind_label",
 *                 "owner": {"role", "role_name", "body", "body_name"} or
 *                          null (role fields null when a body is named),
 *                 "released", "deadline", "allowed_ms", "answered",
 *                 "answered_by" (role id or null), "status",
 *                 "status_label", "response_ms"}
 *   REFUSAL      {"seq", "t", "machine", "machine_name", "body",
 *                 "body_name", "from", "from_name" (null when the machine
 *                 does not apply to the body), "to", "to_name", "by",
 *                 "by_name", "by_body", "by_body_name", "rule", "reason",
 *                 "violation", "mechanism_order"}
 *   STATE        one per state above the initial one that the plan plans
 *                or the body reached: {"machine", "machine_name", "state",
 *                 "state_name", "planned" (end of the earliest activity
 *                 whose transitions bring the body there, or null),
 *                 "planned_by" (that activity's id), "reached" (first
 *                 time the body was at or above it, or null), "skipped"
 *                 (true when it was passed over, never entered),
 *                 "delay_ms" (reached − planned, or null), "status":
 *                 early | on_time | late | not_reached (planned for a time
 *                 already past) | upcoming (planned for later than the
 *                 cut) | unplanned, "status_label"}
 *   ACTIVITY     {"id", "title", "kind", "kind_label", "body" (a
 *                 conference's chair's body, else null), "planned_start",
 *                 "planned_end", "started", "ended", "held" (a conference:
 *                 first time it was reported held, else null),
 *                 "start_delay_ms", "end_delay_ms", "status"
 *                 (pending|started|ended), "status_label"}
 *   VERDICT      {"index" (or null), "label" (the scale word, or null),
 *                 "measured_index" (from the share and violations, or
 *                 null), "score" (the observation score used, or null),
 *                 "reason" (Vietnamese, e.g. "Đạt 18/20 yêu cầu đúng hạn
 *                 (90%), không có chuyển trạng thái sai quy trình")}
 */
int kvpt_measures(const struct kvpt_plan *plan, const char *log, size_t len,
		  kvpt_time until, const double *scores, json_t **out,
		  struct kvpt_buf *err);

/*
 * The verdict rule above on bare numbers, for callers that count
 * differently (and for tests): met of due in time, `violations` violations,
 * score (negative: none), nscale words.  Returns the index, or -1 for no
 * verdict.
 */
int kvpt_measures_verdict(int met, int due, int violations, double score,
			  int nscale);

#endif
