/*
 * aar: the after-action report (báo cáo rút kinh nghiệm) as a workbook —
 * the description report/xlsx writes, in Vietnamese, from the measures of
 * report/measures and what the evaluators recorded: observations, the
 * verdicts they confirmed, the numbered lessons and the corrective actions
 * (DOMAIN.md §8).  `kvpt evaluate --format xlsx` writes it from the
 * measures alone; a server adds the rest from its store.
 *
 * Sheets, in this order:
 *
 *   Tổng hợp                 the exercise, the cut, expectations, in-time
 *                            share, response times, refusals, states,
 *                            activities, the proposed overall verdict, then
 *                            one row per confirmed verdict
 *   Đo lường theo cơ quan    one row for the whole exercise (bold), then
 *                            one per body of measures.bodies: counts,
 *                            share, median and p90 response (minutes),
 *                            refusals, proposed and confirmed verdicts
 *   Phản ứng tình huống      one row per expectation of every inject:
 *                            released, owner, deadline, allowed, answered,
 *                            response, result (late rows yellow, missed
 *                            red, cancelled grey)
 *   Trạng thái               per body, each state planned vs reached, with
 *                            the delay (late yellow, not reached red)
 *   Bị từ chối               the refused transitions (violations red)
 *   Hoạt động                activities planned vs actual
 *   Quan sát                 the observations
 *   Bài học                  the lessons, numbered 1, 2, 3…
 *   Khắc phục                the corrective actions (done rows grey)
 *
 * Times of the exercise are written as `N+1 07:30` (exercise time), due
 * dates of corrective actions as dates in tz_offset_min.  Durations are in
 * minutes, one decimal.
 */
#ifndef KVPT_AAR_H
#define KVPT_AAR_H

#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"

/*
 * The workbook description (report/xlsx.h) of an after-action report.
 *
 * measures: the object kvpt_measures() returns (required).  The other
 * inputs may be NULL or empty arrays; entries that are not of the shape
 * below are skipped, fields of the wrong type are left empty, unknown
 * fields are ignored:
 *
 *   observations  [{"t": exercise ms or null, "evaluator": "…",
 *                   "body": body id (its name is looked up in measures;
 *                   or give "body_name"), "activity": activity id or null,
 *                   "criterion": criterion id (name looked up in
 *                   measures.criteria; or give "criterion_name"),
 *                   "score": number on the scale index (0 = best) or null,
 *                   "strengths": "…", "weaknesses": "…", "text": "…"}]
 *   verdicts      [{"body": body id, or null/absent for the whole
 *                   exercise, "verdict": "a word of the scale",
 *                   "reason": "…", "by": "evaluator"}]  the confirmed
 *                   (or changed) verdicts; the last one given for a body
 *                   wins
 *   lessons       ["…", …] or [{"text": "…"}, …], numbered in order
 *   actions       [{"action": "…", "owner": "…", "due": Unix ms or null,
 *                   "status": "open" | "in_progress" | "done" |
 *                   "cancelled" (shown in Vietnamese; other text shown as
 *                   given)}]
 *
 * tz_offset_min: minutes east of UTC for the due dates (the plan's).
 * Returns a new reference the caller owns (json_decref); the inputs are
 * only read and may be freed before the result.
 */
json_t *kvpt_aar_book(const json_t *measures, const json_t *observations,
		      const json_t *verdicts, const json_t *lessons,
		      const json_t *actions, int tz_offset_min);

/* Append a duration in Vietnamese: `37 giây`, `12 phút 05 giây`,
 * `1 giờ 05 phút`, `2 ngày 3 giờ` (a minus sign first when negative). */
void kvpt_aar_duration(struct kvpt_buf *out, int64_t ms);

#endif
