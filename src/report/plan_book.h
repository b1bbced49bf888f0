/*
 * plan_book: the workbook of a plan — the description report/xlsx writes,
 * with Vietnamese headers, for planners who work in Excel (`kvpt export
 * --format xlsx`, and the server's download of a plan).  Sheets:
 *
 *   Thông tin chung   the exercise: code, name, kind, format, locality,
 *                     day N, start, duration, method, classification,
 *                     standing agency
 *   Khung tập         bodies: id, name, kind, level, parent
 *   Vai tập           roles: id, name, body, person, title
 *   Các ban           one row per committee member: committee, kind,
 *                     head, member, duty
 *   Văn kiện          documents: id, title, type, owner, due, status,
 *                     classification
 *   Tiến trình        every activity in plan order: phase, problem,
 *                     content, id, kind, title, start, end, place, track
 *   Tình huống        injects: id, time, from, to, title, text,
 *                     classification, release, expectations
 *
 * Times are written in exercise time (`N+1 07:30`); when the plan fixes day
 * N to a date, also as real date-times in the plan's offset from UTC.
 */
#ifndef KVPT_PLAN_BOOK_H
#define KVPT_PLAN_BOOK_H

#include <jansson.h>

#include "model/model.h"

/*
 * The workbook description of plan (see report/xlsx.h) as seen with
 * clearance, an enum kvpt_classification: documents and activities
 * (injects above all) classified above it are left out entirely, text
 * included, and an inject released on one of them does not name it.
 * Returns a new reference the caller owns (json_decref); plan is only read
 * and may be freed before the description.  Text that is not UTF-8 (which
 * the loader refuses) is written with U+FFFD in its place.
 */
json_t *kvpt_plan_book(const struct kvpt_plan *plan, int clearance);

#endif
