/*
 * xlsx: Excel workbooks from a JSON description, for the reports planners
 * and directors print or pass on (the plan, the exercise's progress).  The
 * description is plain data, so the server can take a snapshot on its event
 * loop and render it on a worker thread; report/plan_book builds the one of
 * a plan.  The only module that includes libxlsxwriter's header.
 *
 * The description:
 *
 *   {"title": "…", "subject": "…", "author": "kvpt",   all optional
 *    "tz_offset_min": 420,        minutes east of UTC of date-time cells
 *    "sheets": [{                 1 to KVPT_XLSX_MAX_SHEETS
 *      "name": "Nhiệm vụ",        made fit for Excel: []:*?/\ and control
 *                                 characters become '_', a leading or
 *                                 trailing ' is dropped, cut to 31
 *                                 characters, duplicates (compared without
 *                                 case) numbered "Nhiệm vụ (2)"
 *      "title": "…",              optional first line, bold and larger
 *      "subtitle": "…",           optional second line
 *      "columns": [{"title": "Mã",        1 to KVPT_XLSX_MAX_COLUMNS
 *                   "type": "text",       text | number | integer |
 *                                         datetime | date | bool
 *                   "width": 12,          optional, in characters, ≤ 255
 *                   "wrap": true}],       optional, wrap long text
 *      "rows": [["t-1", 3, 1765000000000, true, null], …],
 *      "styles": [null, "overdue", …]}]}  optional, one per row: null,
 *                                 "overdue" (red), "done" (grey), "warn"
 *                                 (yellow) or "bold"
 *
 * Each cell is null (left empty) or of its column's type: a string for
 * text, a JSON number for number, an integer for integer, true or false for
 * bool, and Unix milliseconds for datetime and date, written as Excel
 * date-times in the workbook's offset from UTC and shown as
 * `dd/mm/yyyy hh:mm` and `dd/mm/yyyy` (a date keeps only its local day).
 * A row may have fewer cells than there are columns, not more.  Strings
 * longer than Excel's 32,767 characters are cut.  Unknown keys are errors.
 *
 * Each sheet gets its title lines, then a bold, filled header row that
 * stays in view when scrolling, an autofilter over the table, and print
 * settings (landscape A4, one page wide, header row on every page).
 *
 * Both functions check the whole description before writing anything and
 * may run on several threads at once (see xlsx.c for the one lock, around
 * the parts of libxlsxwriter that are not reentrant).
 */
#ifndef KVPT_XLSX_H
#define KVPT_XLSX_H

#include <jansson.h>

#include "base/buf.h"

#define KVPT_XLSX_MAX_SHEETS 64
#define KVPT_XLSX_MAX_ROWS 1000000	/* data rows per sheet */
#define KVPT_XLSX_MAX_COLUMNS 256
#define KVPT_XLSX_MAX_STRING 32767	/* Excel's cell limit, in UTF-16 units */

/*
 * Write the workbook described by book to the file path (created or
 * replaced).  Returns 0; KVPT_EINVAL when book is malformed, with the
 * reason (`sheets[1].rows[4][2]: …`) appended to err and path untouched;
 * KVPT_EIO when the file cannot be written, with the reason appended to
 * err (a file that was not at path before is removed again).  err may be
 * NULL; book is only read.
 */
int kvpt_xlsx_write(const json_t *book, const char *path,
		    struct kvpt_buf *err);

/*
 * The same, but the workbook's bytes are appended to out: it is written to
 * a private temporary file (mkstemp in $TMPDIR, else /tmp), read back and
 * removed.  Returns 0, KVPT_EINVAL or KVPT_EIO as above; out is unchanged
 * on failure.
 */
int kvpt_xlsx_render(const json_t *book, struct kvpt_buf *out,
		     struct kvpt_buf *err);

#endif
