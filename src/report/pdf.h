/*
 * pdf: printable reports as PDF from a JSON description, first of all the
 * after-action report of an exercise (báo cáo tổng kết, rút kinh nghiệm
 * diễn tập).  The description is plain data, so the server can take a
 * snapshot on its event loop and render it on a worker thread, like
 * report/xlsx.  The page is A4 portrait laid out as a Vietnamese
 * administrative document (Nghị định 30/2020/NĐ-CP): the issuing body and
 * the document number top left, the national title and motto top right,
 * the place and date in italics, the document's name and summary centred,
 * numbered sections, and the signature at the end.  Pango sets all text
 * (Vietnamese stacked diacritics such as "ệ", "ữ", "ỗ" are shaped by
 * HarfBuzz); cairo draws the rules, tables and charts.  The only module
 * that includes cairo's and pango's headers.
 *
 * The description (unknown keys are errors everywhere):
 *
 *   {"header": {                        required
 *      "superior": "BAN CHỈ ĐẠO DIỄN TẬP KVPT TỈNH",  optional
 *      "issuer": "BAN TỔ CHỨC",         required, set bold under it
 *      "number": "12/BC-BTC",           optional, shown "Số: 12/BC-BTC"
 *      "place": "Thái Bình",            optional
 *      "date_text": "ngày 12 tháng 10 năm 2023",  optional; shown with
 *                                       the place: "Thái Bình, ngày …"
 *      "classification": "MẬT"},        optional; boxed top right of page
 *                                       1 and in every page's footer
 *    "title": "BÁO CÁO",                required
 *    "subtitle": "Tổng kết diễn tập …", optional (the trích yếu)
 *    "created": "2023-10-12T16:00:00+07:00",  optional, the PDF's
 *                                       creation date (ISO 8601; without
 *                                       it, the time of rendering)
 *    "blocks": [ … ],                   required, in reading order
 *    "signature": {                     optional
 *      "title": "TM. BAN TỔ CHỨC\nTRƯỞNG BAN",  required; lines split at
 *                                       '\n'
 *      "name": "Đại tá Nguyễn Văn A",   required
 *      "note": "(Đã ký)",               optional, that by default
 *      "recipients": ["- Như trên;", "- Lưu: VT, BTC."]}}  optional; the
 *                                       "Nơi nhận:" list, left of it (at
 *                                       most 20, of 100 bytes each)
 *
 * The header's and the signature's strings have at most 300 bytes each,
 * so that they fit their page.  The superior body, the issuer, the
 * classification, the title, section titles and the signer's title are
 * set in upper case, whatever case they are given in.
 *
 * The blocks:
 *
 *   {"type": "section", "title": "…"}      numbered I., II., … (bold,
 *                                          upper case); restarts the
 *                                          subsection numbers
 *   {"type": "subsection", "title": "…"}   numbered 1., 2., … (bold)
 *   {"type": "paragraph", "text": "…"}     justified, first line indented;
 *                                          '\n' starts a new paragraph
 *   {"type": "bullets", "items": ["…"]}    one dash-led paragraph each
 *   {"type": "lesson", "n": 1, "text": "…"}  "Bài học 1: …"; n optional
 *                                          (the previous lesson's + 1)
 *   {"type": "table", "caption": "…",      optional, "Bảng 1. …" above
 *    "columns": [{"title": "Mã",           1 to KVPT_PDF_MAX_COLUMNS; a
 *                                          title shows at most 6 lines
 *                 "width": 0.15,           optional fraction of the width
 *                                          (the columns without one share
 *                                          what is left; the widths are
 *                                          scaled to fill the line)
 *                 "align": "left"}],       optional: left, center, right
 *    "rows": [["TH-01", 12, null], …],     strings, numbers or null; a
 *                                          row may be shorter, not longer
 *    "styles": [null, "bad", …]}           optional, one per row: null,
 *                                          "bad" (red), "warn" (amber),
 *                                          "good" (green), "bold" or
 *                                          "muted" (grey)
 *   {"type": "chart", "kind": "timeline", "caption": "…",  "Hình 1. …"
 *    "items": [{"label": "…", "planned_start": t, "planned_end": t,
 *               "actual_start": t, "actual_end": t}]}
 *                      planned against actual bars on the exercise-time
 *                      axis; planned_start is required, the others may be
 *                      absent or null (no end: a point in time; no actual
 *                      start: not held).  An actual bar is red when it
 *                      ends (or, without an end, starts) after the planned
 *                      end (or start).
 *   {"type": "chart", "kind": "response", "caption": "…",
 *    "items": [{"label": "…", "allowed_ms": 1800000,
 *               "response_ms": 1500000, "status": "met"}]}
 *                      each expectation's response time against the time
 *                      allowed (a marker); status is one of the engine's:
 *                      met, late (red), missed (red outline up to the
 *                      limit), open, waiting, cancelled; response_ms is
 *                      required for met and late, optional otherwise
 *   {"type": "chart", "kind": "ladder", "caption": "…",
 *    "states": ["thường xuyên", "tăng cường", "cao", "toàn bộ"],  1 to 64
 *    "series": [{"label": "Bộ CHQS tỉnh",
 *                "points": [{"t": t, "state": "cao"}, …],
 *                "planned": [{"t": t, "state": "cao"}, …]}],
 *    "t_from": t, "t_to": t}
 *                      one strip per series: its state over time as a step
 *                      line across the ordered states, the planned one
 *                      dashed with its change points marked; points and
 *                      planned in time order, planned optional, t_from
 *                      and t_to optional (the data's span otherwise)
 *   {"type": "page_break"}
 *
 * A time t is exercise time: integer milliseconds since 00:00 of day N
 * (model/model.h), at most KVPT_TIME_MAX_DAYS days either way, shown as
 * `N 07:30`, `N+1 14:00` (kvpt_time_format).  Durations are milliseconds,
 * shown as `1h30m`.  Strings are plain text, never markup.
 *
 * Every page gets a footer "Trang 2/5" (and the classification, if any);
 * text, table rows and charts flow onto new pages as needed, a table's
 * header row repeated on each and a chart's time axis over each of its
 * pieces (a chart that fits a page is kept whole, with its legend and
 * caption "Hình 1. …" below it), and a section or subsection title is
 * never left alone at the foot of a page.  Section titles become the PDF's
 * bookmarks.
 *
 * Fonts: the first installed of Times New Roman, Liberation Serif, Tinos,
 * Noto Serif and DejaVu Serif that has the Vietnamese letters (charts:
 * Arial, Liberation Sans, Arimo, Noto Sans, DejaVu Sans); fonts-dejavu-core
 * is always enough.
 *
 * Both functions check the whole description before rendering anything
 * and may run on several threads at once: each render has its own pango
 * font map and cairo surface, and this module keeps no other state.
 */
#ifndef KVPT_PDF_H
#define KVPT_PDF_H

#include <jansson.h>

#include "base/buf.h"

#define KVPT_PDF_MAX_BLOCKS 20000
#define KVPT_PDF_MAX_COLUMNS 24
#define KVPT_PDF_MAX_ROWS 100000	/* rows of one table */
#define KVPT_PDF_MAX_ITEMS 20000	/* bullets, or items of one chart */
#define KVPT_PDF_MAX_TEXT 100000	/* bytes of one string */
#define KVPT_PDF_MAX_LINE 1000		/* bytes of a header line, caption,
					 * label or signature line */
#define KVPT_PDF_MAX_PAGES 3000
#define KVPT_PDF_MAX_BYTES (256u << 20)	/* of the PDF rendered */

/*
 * Append the PDF of the report described by doc to out.  Returns 0;
 * KVPT_EINVAL when doc is malformed, with the place and the reason
 * (`blocks[4].items[2].planned_end: …`) appended to err; KVPT_ETOOBIG when
 * it is past one of the limits above (the page and byte limits are found
 * while rendering); KVPT_EIO when cairo fails.  out is unchanged on
 * failure; err may be NULL; doc is only read.
 */
int kvpt_pdf_render(const json_t *doc, struct kvpt_buf *out,
		    struct kvpt_buf *err);

/*
 * The same, written to the file path (created or replaced) once the whole
 * PDF is rendered.  Returns 0, KVPT_EINVAL, KVPT_ETOOBIG or KVPT_EIO (the
 * file cannot be written: the reason with the path is appended to err, and
 * a file that was not at path before is removed again).  path is not
 * touched when the description is refused.
 */
int kvpt_pdf_write(const json_t *doc, const char *path,
		   struct kvpt_buf *err);

#endif
