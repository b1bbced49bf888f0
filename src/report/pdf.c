/*
 * pdf: the report description checked in full (check_doc) into a parsed
 * form held in one arena, then laid out twice with the same code: once
 * without drawing, to count the pages, and once onto a cairo PDF surface,
 * so every footer can say "Trang 2/5".  The layout is a single column
 * with a cursor; everything that can be long (text, table rows, chart
 * rows) is cut into pieces that fit the page, so nothing is clipped.  See
 * pdf.h for the description.
 *
 * Threads: a render creates its own pango font map and context (pango's
 * objects are not shared between threads; fontconfig, HarfBuzz and cairo
 * lock what they share), so renders on several threads need no lock.  A
 * new font map costs a few milliseconds.
 */
#include "pdf.h"
#include "base/arena.h"
#include "base/xalloc.h"
#include "model/extime.h"
#include "model/model.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

/* Geometry, in points (1/72 inch), of an A4 page and the margins of
 * Nghị định 30/2020 (top and bottom 20 mm, left 30 mm, right 15 mm). */
#define MM (72.0 / 25.4)
#define PAGE_W (210 * MM)
#define PAGE_H (297 * MM)
#define MARGIN_TOP (20 * MM)
#define MARGIN_BOTTOM (20 * MM)
#define MARGIN_LEFT (30 * MM)
#define MARGIN_RIGHT (15 * MM)
#define FOOTER_BASE (PAGE_H - 10 * MM)	/* baseline of the footer */
#define INDENT (10 * MM)		/* first line of a paragraph */
#define EPS 0.01

#define CELL_PAD_X 4.0
#define HEAD_LINES 6			/* at most, in a table's header */
#define CELL_PAD_Y 2.5
#define RULE 0.6			/* rules of the header, table borders */

/* Charts. */
#define CHART_FONT 7.5
#define AXIS_H 13.0			/* tick labels above a plot */
#define TL_ROW 13.0			/* a timeline row */
#define RESP_ROW 12.0			/* a response row */
#define LAD_HEAD 11.0			/* a ladder strip's heading */
#define LAD_STEP 10.0			/* between two states */
#define LAD_PAD 5.0			/* above and below the states */
#define LAD_GAP 5.0			/* between two strips */
#define LEGEND_H 14.0
#define MIN_CHUNK 3			/* rows worth starting a page with */

#define HEADER_TEXT_MAX 300		/* bytes of one header field */
#define MAX_RECIPIENTS 20		/* so that the signature block */
#define RECIPIENT_MAX 100		/* fits one page */

/* Colours, 0xRRGGBB. */
#define C_TEXT 0x000000
#define C_RED 0xc00000
#define C_GRID 0xd3d3d3
#define C_STRIPE 0xf3f5f8
#define C_AXIS 0x555555
#define C_PLAN_FILL 0xc8d7ea
#define C_PLAN_LINE 0x7f9cc4
#define C_ACTUAL 0x1f4e79
#define C_LATE 0xc62828
#define C_MET 0x2e7d32
#define C_PENDING 0x9e9e9e
#define C_LAD_PLAN 0xe07b00
#define C_HEAD_FILL 0xd9d9d9

enum block_type { B_SECTION, B_SUBSECTION, B_PARAGRAPH, B_BULLETS, B_LESSON,
		  B_TABLE, B_CHART, B_PAGE_BREAK, NBLOCK_TYPES };
static const char *const block_names[NBLOCK_TYPES] = {
	"section", "subsection", "paragraph", "bullets", "lesson", "table",
	"chart", "page_break" };

enum chart_kind { C_TIMELINE, C_RESPONSE, C_LADDER, NCHART_KINDS };
static const char *const chart_names[NCHART_KINDS] = {
	"timeline", "response", "ladder" };

enum align { A_LEFT, A_CENTER, A_RIGHT, NALIGNS };
static const char *const align_names[NALIGNS] = { "left", "center",
						   "right" };

enum row_style { RS_NONE, RS_BAD, RS_WARN, RS_GOOD, RS_BOLD, RS_MUTED,
		 NROW_STYLES };
static const char *const row_style_names[NROW_STYLES] = {
	NULL, "bad", "warn", "good", "bold", "muted" };

enum resp_status { R_MET, R_LATE, R_MISSED, R_OPEN, R_WAITING, R_CANCELLED,
		   NRESP };
static const char *const resp_names[NRESP] = {
	"met", "late", "missed", "open", "waiting", "cancelled" };
/* How a response without a bar is shown (the engine's words). */
static const char *const resp_words[NRESP] = {
	"đúng hạn", "muộn", "quá hạn", "đang chờ", "chờ phát", "đã hủy" };

/* The parsed description.  Strings point into the JSON or the arena. */

struct column {
	const char *title;
	double width;		/* fraction of the line, summing to 1 */
	enum align align;
};

struct tl_item {
	const char *label;
	kvpt_time ps, pe, as, ae;	/* KVPT_TIME_NONE when absent */
};

struct resp_item {
	const char *label;
	int64_t allowed, response;	/* ms; response -1 when absent */
	enum resp_status status;
};

struct step {
	kvpt_time t;
	int state;		/* index into the chart's states */
};

struct series {
	const char *label;
	struct step *points, *planned;
	size_t npoints, nplanned;
};

struct block {
	enum block_type type;
	const char *text;	/* section and subsection titles, paragraph,
				 * lesson text */
	const char *caption;	/* table, chart; NULL when absent */
	long n;			/* lesson number */
	const json_t *items;	/* bullets: the strings */
	/* table */
	struct column *cols;
	size_t ncols;
	const json_t *rows;
	unsigned char *styles;	/* enum row_style per row, or NULL */
	/* chart */
	enum chart_kind kind;
	struct tl_item *tl;
	struct resp_item *resp;
	size_t nitems;
	const char **states;
	size_t nstates;
	struct series *series;
	size_t nseries;
	kvpt_time t_from, t_to;
};

struct doc {
	const char *superior, *issuer, *number, *place, *date_text;
	const char *classification;
	const char *title, *subtitle;
	char created[40];	/* for cairo, or "" */
	struct block *blocks;
	size_t nblocks;
	int signed_;		/* a signature block is there */
	const char *sig_title, *sig_name, *sig_note;
	const char **recipients;
	size_t nrecipients;
};

/* Checking the description. */

static int fail(struct kvpt_buf *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct kvpt_buf *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		kvpt_buf_vaddf(err, fmt, ap);
		va_end(ap);
	}
	return code;
}

static const char *json_kind(const json_t *v)
{
	if (!v)
		return "nothing";
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "?";
}

/* Whether obj has only keys among the NULL-terminated list; *bad gets the
 * first one that is not. */
static int known_keys(const json_t *obj, const char *const *keys,
		      const char **bad)
{
	const char *key;
	json_t *v;
	int k;

	json_object_foreach((json_t *)obj, key, v) {
		for (k = 0; keys[k] && strcmp(keys[k], key); k++)
			;
		if (!keys[k]) {
			*bad = key;
			return 0;
		}
	}
	return 1;
}

static int check_keys(const json_t *obj, const char *const *keys,
		      struct kvpt_buf *err, const char *where)
{
	const char *bad;

	if (!json_is_object(obj))
		return fail(err, KVPT_EINVAL, "%s: expected an object, got %s",
			    where, json_kind(obj));
	if (!known_keys(obj, keys, &bad))
		return fail(err, KVPT_EINVAL, "%s: unknown key '%s'", where,
			    bad);
	return 0;
}

/* A string member of at most max bytes; *out NULL when absent or null and
 * not required. */
static int get_string(const json_t *obj, const char *key, int required,
		      size_t max, const char **out, struct kvpt_buf *err,
		      const char *where)
{
	const json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return fail(err, KVPT_EINVAL, "%s%s: required, a string",
				    where, key);
		return 0;
	}
	if (!json_is_string(v))
		return fail(err, KVPT_EINVAL, "%s%s: expected a string, got %s",
			    where, key, json_kind(v));
	if (json_string_length(v) > max)
		return fail(err, KVPT_ETOOBIG, "%s%s: %zu bytes, at most %zu",
			    where, key, json_string_length(v), max);
	*out = json_string_value(v);
	return 0;
}

/* An exercise time; KVPT_TIME_NONE when absent or null and not required. */
static int get_time(const json_t *obj, const char *key, int required,
		    kvpt_time *out, struct kvpt_buf *err, const char *where)
{
	const json_t *v = json_object_get(obj, key);
	const json_int_t max = (json_int_t)KVPT_TIME_MAX_DAYS * KVPT_MS_DAY;

	*out = KVPT_TIME_NONE;
	if (!v || json_is_null(v)) {
		if (required)
			return fail(err, KVPT_EINVAL, "%s%s: required, an "
				    "exercise time (ms since 00:00 of day N)",
				    where, key);
		return 0;
	}
	if (!json_is_integer(v))
		return fail(err, KVPT_EINVAL, "%s%s: expected an exercise time "
			    "(integer ms since 00:00 of day N), got %s", where,
			    key, json_kind(v));
	if (json_integer_value(v) < -max || json_integer_value(v) > max)
		return fail(err, KVPT_EINVAL, "%s%s: %" JSON_INTEGER_FORMAT
			    " ms is more than %d days from day N", where, key,
			    json_integer_value(v), KVPT_TIME_MAX_DAYS);
	*out = json_integer_value(v);
	return 0;
}

/* A duration in ms; -1 when absent or null and not required. */
static int get_duration(const json_t *obj, const char *key, int required,
			int64_t *out, struct kvpt_buf *err, const char *where)
{
	const json_t *v = json_object_get(obj, key);
	const json_int_t max = (json_int_t)KVPT_TIME_MAX_DAYS * KVPT_MS_DAY;

	*out = -1;
	if (!v || json_is_null(v)) {
		if (required)
			return fail(err, KVPT_EINVAL, "%s%s: required, a "
				    "duration in ms", where, key);
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > max)
		return fail(err, KVPT_EINVAL, "%s%s: expected a duration in ms "
			    "(an integer from 0 to %d days), got %s", where,
			    key, KVPT_TIME_MAX_DAYS, json_kind(v));
	*out = json_integer_value(v);
	return 0;
}

/* An array member of at most max elements. */
static int get_array(const json_t *obj, const char *key, size_t max,
		     const json_t **out, struct kvpt_buf *err,
		     const char *where)
{
	const json_t *v = json_object_get(obj, key);

	*out = v;
	if (!json_is_array(v))
		return fail(err, KVPT_EINVAL, "%s%s: expected an array, got %s",
			    where, key, json_kind(v));
	if (json_array_size(v) > max)
		return fail(err, KVPT_ETOOBIG, "%s%s: %zu elements, at most "
			    "%zu", where, key, json_array_size(v), max);
	return 0;
}

static int name_index(const char *s, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(s, names[i]))
			return i;
	return -1;
}

static int check_header(const json_t *h, struct doc *d, struct kvpt_buf *err)
{
	static const char *const keys[] = { "superior", "issuer", "number",
		"place", "date_text", "classification", NULL };
	int e;

	e = check_keys(h, keys, err, "header");
	if (!e)
		e = get_string(h, "superior", 0, HEADER_TEXT_MAX, &d->superior,
			       err, "header.");
	if (!e)
		e = get_string(h, "issuer", 1, HEADER_TEXT_MAX, &d->issuer,
			       err, "header.");
	if (!e)
		e = get_string(h, "number", 0, HEADER_TEXT_MAX, &d->number,
			       err, "header.");
	if (!e)
		e = get_string(h, "place", 0, HEADER_TEXT_MAX, &d->place, err,
			       "header.");
	if (!e)
		e = get_string(h, "date_text", 0, HEADER_TEXT_MAX,
			       &d->date_text, err, "header.");
	if (!e)
		e = get_string(h, "classification", 0, 60,
			       &d->classification, err, "header.");
	if (!e && d->classification && !*d->classification)
		d->classification = NULL;
	return e;
}

static int check_signature(const json_t *s, struct doc *d,
			   struct kvpt_arena *a, struct kvpt_buf *err)
{
	static const char *const keys[] = { "title", "name", "note",
		"recipients", NULL };
	const json_t *rec;
	char where[48];
	size_t i;
	int e;

	e = check_keys(s, keys, err, "signature");
	if (!e)
		e = get_string(s, "title", 1, HEADER_TEXT_MAX, &d->sig_title,
			       err, "signature.");
	if (!e)
		e = get_string(s, "name", 1, HEADER_TEXT_MAX, &d->sig_name,
			       err, "signature.");
	if (!e)
		e = get_string(s, "note", 0, HEADER_TEXT_MAX, &d->sig_note,
			       err, "signature.");
	if (e)
		return e;
	d->signed_ = 1;
	if (!d->sig_note)
		d->sig_note = "(Đã ký)";
	rec = json_object_get(s, "recipients");
	if (!rec || json_is_null(rec))
		return 0;
	e = get_array(s, "recipients", MAX_RECIPIENTS, &rec, err,
		      "signature.");
	if (e)
		return e;
	d->nrecipients = json_array_size(rec);
	d->recipients = kvpt_arena_alloc(a, (d->nrecipients + 1) *
					 sizeof(*d->recipients));
	for (i = 0; i < d->nrecipients; i++) {
		const json_t *v = json_array_get(rec, i);

		snprintf(where, sizeof(where), "signature.recipients[%zu]", i);
		if (!json_is_string(v))
			return fail(err, KVPT_EINVAL, "%s: expected a string, "
				    "got %s", where, json_kind(v));
		if (json_string_length(v) > RECIPIENT_MAX)
			return fail(err, KVPT_ETOOBIG, "%s: %zu bytes, at most "
				    "%d", where, json_string_length(v),
				    RECIPIENT_MAX);
		d->recipients[i] = json_string_value(v);
	}
	return 0;
}

static int check_table(const json_t *j, struct block *b,
		       struct kvpt_arena *a, struct kvpt_buf *err,
		       const char *where)
{
	static const char *const col_keys[] = { "title", "width", "align",
						NULL };
	const json_t *cols, *styles;
	char w2[96];
	double given = 0;
	size_t i, c, unset = 0, nrows;
	int e;

	e = get_string(j, "caption", 0, KVPT_PDF_MAX_LINE, &b->caption, err,
		       where);
	if (!e)
		e = get_array(j, "columns", KVPT_PDF_MAX_COLUMNS, &cols, err,
			      where);
	if (!e)
		e = get_array(j, "rows", KVPT_PDF_MAX_ROWS, &b->rows, err,
			      where);
	if (e)
		return e;
	b->ncols = json_array_size(cols);
	if (!b->ncols)
		return fail(err, KVPT_EINVAL, "%scolumns: a table needs at "
			    "least one column", where);
	b->cols = kvpt_arena_alloc(a, b->ncols * sizeof(*b->cols));
	for (c = 0; c < b->ncols; c++) {
		const json_t *cj = json_array_get(cols, c), *v;
		struct column *col = &b->cols[c];
		const char *s;
		int k;

		snprintf(w2, sizeof(w2), "%scolumns[%zu]", where, c);
		e = check_keys(cj, col_keys, err, w2);
		if (e)
			return e;
		snprintf(w2, sizeof(w2), "%scolumns[%zu].", where, c);
		e = get_string(cj, "title", 1, KVPT_PDF_MAX_LINE, &col->title,
			       err, w2);
		if (!e)
			e = get_string(cj, "align", 0, 16, &s, err, w2);
		if (e)
			return e;
		if (s) {
			k = name_index(s, align_names, NALIGNS);
			if (k < 0)
				return fail(err, KVPT_EINVAL, "%salign: "
					    "expected left, center or right, "
					    "got '%s'", w2, s);
			col->align = (enum align)k;
		}
		v = json_object_get(cj, "width");
		if (!v || json_is_null(v)) {
			unset++;
			continue;
		}
		if (!json_is_number(v) || !(json_number_value(v) > 0) ||
		    json_number_value(v) > 1)
			return fail(err, KVPT_EINVAL, "%swidth: expected a "
				    "fraction of the line, above 0 and up to "
				    "1", w2);
		col->width = json_number_value(v);
		given += col->width;
	}
	/* Columns without a width share what is left, or get the average
	 * of the others when nothing is; then all are scaled to fill. */
	for (c = 0; c < b->ncols && unset; c++)
		if (!(b->cols[c].width > 0))
			b->cols[c].width = given < 1 - EPS ?
				(1 - given) / (double)unset :
				given / (double)(b->ncols - unset);
	given = 0;
	for (c = 0; c < b->ncols; c++)
		given += b->cols[c].width;
	for (c = 0; c < b->ncols; c++)
		b->cols[c].width /= given;

	nrows = json_array_size(b->rows);
	for (i = 0; i < nrows; i++) {
		const json_t *row = json_array_get(b->rows, i);

		if (!json_is_array(row))
			return fail(err, KVPT_EINVAL, "%srows[%zu]: expected an "
				    "array, got %s", where, i, json_kind(row));
		if (json_array_size(row) > b->ncols)
			return fail(err, KVPT_EINVAL, "%srows[%zu]: %zu cells "
				    "for %zu columns", where, i,
				    json_array_size(row), b->ncols);
		for (c = 0; c < json_array_size(row); c++) {
			const json_t *v = json_array_get(row, c);

			if (json_is_string(v) && json_string_length(v) >
			    KVPT_PDF_MAX_TEXT)
				return fail(err, KVPT_ETOOBIG, "%srows[%zu][%zu]"
					    ": %zu bytes, at most %d", where,
					    i, c, json_string_length(v),
					    KVPT_PDF_MAX_TEXT);
			if (!json_is_string(v) && !json_is_number(v) &&
			    !json_is_null(v))
				return fail(err, KVPT_EINVAL, "%srows[%zu][%zu]"
					    ": expected a string, a number or "
					    "null, got %s", where, i, c,
					    json_kind(v));
		}
	}
	styles = json_object_get(j, "styles");
	if (!styles || json_is_null(styles))
		return 0;
	if (!json_is_array(styles))
		return fail(err, KVPT_EINVAL, "%sstyles: expected an array, got "
			    "%s", where, json_kind(styles));
	if (json_array_size(styles) != nrows)
		return fail(err, KVPT_EINVAL, "%sstyles: %zu styles for %zu "
			    "rows", where, json_array_size(styles), nrows);
	b->styles = kvpt_arena_alloc(a, nrows + 1);
	for (i = 0; i < nrows; i++) {
		const json_t *v = json_array_get(styles, i);
		int k;

		if (json_is_null(v))
			continue;
		k = json_is_string(v) ? name_index(json_string_value(v),
			row_style_names, NROW_STYLES) : -1;
		if (k < 0)
			return fail(err, KVPT_EINVAL, "%sstyles[%zu]: expected "
				    "null, \"bad\", \"warn\", \"good\", "
				    "\"bold\" or \"muted\"", where, i);
		b->styles[i] = (unsigned char)k;
	}
	return 0;
}

static int check_timeline(const json_t *items, struct block *b,
			  struct kvpt_arena *a, struct kvpt_buf *err,
			  const char *where)
{
	static const char *const keys[] = { "label", "planned_start",
		"planned_end", "actual_start", "actual_end", NULL };
	char w2[96];
	size_t i;
	int e;

	b->tl = kvpt_arena_alloc(a, (b->nitems + 1) * sizeof(*b->tl));
	for (i = 0; i < b->nitems; i++) {
		const json_t *it = json_array_get(items, i);
		struct tl_item *t = &b->tl[i];

		snprintf(w2, sizeof(w2), "%sitems[%zu]", where, i);
		e = check_keys(it, keys, err, w2);
		if (e)
			return e;
		snprintf(w2, sizeof(w2), "%sitems[%zu].", where, i);
		e = get_string(it, "label", 1, KVPT_PDF_MAX_LINE, &t->label,
			       err, w2);
		if (!e)
			e = get_time(it, "planned_start", 1, &t->ps, err, w2);
		if (!e)
			e = get_time(it, "planned_end", 0, &t->pe, err, w2);
		if (!e)
			e = get_time(it, "actual_start", 0, &t->as, err, w2);
		if (!e)
			e = get_time(it, "actual_end", 0, &t->ae, err, w2);
		if (e)
			return e;
		if (t->pe != KVPT_TIME_NONE && t->pe < t->ps)
			return fail(err, KVPT_EINVAL, "%splanned_end: before "
				    "planned_start", w2);
		if (t->ae != KVPT_TIME_NONE && t->as == KVPT_TIME_NONE)
			return fail(err, KVPT_EINVAL, "%sactual_end: given "
				    "without actual_start", w2);
		if (t->ae != KVPT_TIME_NONE && t->ae < t->as)
			return fail(err, KVPT_EINVAL, "%sactual_end: before "
				    "actual_start", w2);
	}
	return 0;
}

static int check_response(const json_t *items, struct block *b,
			  struct kvpt_arena *a, struct kvpt_buf *err,
			  const char *where)
{
	static const char *const keys[] = { "label", "allowed_ms",
		"response_ms", "status", NULL };
	char w2[96];
	size_t i;
	int e, k;

	b->resp = kvpt_arena_alloc(a, (b->nitems + 1) * sizeof(*b->resp));
	for (i = 0; i < b->nitems; i++) {
		const json_t *it = json_array_get(items, i);
		struct resp_item *r = &b->resp[i];
		const char *s;

		snprintf(w2, sizeof(w2), "%sitems[%zu]", where, i);
		e = check_keys(it, keys, err, w2);
		if (e)
			return e;
		snprintf(w2, sizeof(w2), "%sitems[%zu].", where, i);
		e = get_string(it, "label", 1, KVPT_PDF_MAX_LINE, &r->label,
			       err, w2);
		if (!e)
			e = get_duration(it, "allowed_ms", 1, &r->allowed, err,
					 w2);
		if (!e)
			e = get_duration(it, "response_ms", 0, &r->response,
					 err, w2);
		if (!e)
			e = get_string(it, "status", 1, 16, &s, err, w2);
		if (e)
			return e;
		k = name_index(s, resp_names, NRESP);
		if (k < 0)
			return fail(err, KVPT_EINVAL, "%sstatus: expected met, "
				    "late, missed, open, waiting or cancelled, "
				    "got '%s'", w2, s);
		r->status = (enum resp_status)k;
		if ((r->status == R_MET || r->status == R_LATE) &&
		    r->response < 0)
			return fail(err, KVPT_EINVAL, "%sresponse_ms: required "
				    "when the status is %s", w2, s);
	}
	return 0;
}

/* A ladder's points or planned points, in time order, states named. */
static int check_steps(const json_t *arr, const struct block *b,
		       struct step **out, size_t *n, struct kvpt_arena *a,
		       struct kvpt_buf *err, const char *where)
{
	static const char *const keys[] = { "t", "state", NULL };
	char w2[128];
	size_t i, k;
	int e;

	*n = json_array_size(arr);
	*out = kvpt_arena_alloc(a, (*n + 1) * sizeof(**out));
	for (i = 0; i < *n; i++) {
		const json_t *p = json_array_get(arr, i);
		struct step *s = &(*out)[i];
		const char *name;

		snprintf(w2, sizeof(w2), "%s[%zu]", where, i);
		e = check_keys(p, keys, err, w2);
		if (e)
			return e;
		snprintf(w2, sizeof(w2), "%s[%zu].", where, i);
		e = get_time(p, "t", 1, &s->t, err, w2);
		if (!e)
			e = get_string(p, "state", 1, KVPT_PDF_MAX_LINE, &name,
				       err, w2);
		if (e)
			return e;
		for (k = 0; k < b->nstates && strcmp(b->states[k], name); k++)
			;
		if (k == b->nstates)
			return fail(err, KVPT_EINVAL, "%sstate: '%s' is not "
				    "one of the chart's states", w2, name);
		s->state = (int)k;
		if (i && s->t < (*out)[i - 1].t)
			return fail(err, KVPT_EINVAL, "%st: before the point "
				    "ahead of it (points go in time order)",
				    w2);
	}
	return 0;
}

static int check_ladder(const json_t *j, struct block *b,
			struct kvpt_arena *a, struct kvpt_buf *err,
			const char *where)
{
	static const char *const keys[] = { "label", "points", "planned",
					    NULL };
	const json_t *states, *series;
	char w2[96], w3[128];
	size_t i, k;
	int e;

	e = get_array(j, "states", 64, &states, err, where);
	if (!e)
		e = get_array(j, "series", KVPT_PDF_MAX_ITEMS, &series, err,
			      where);
	if (!e)
		e = get_time(j, "t_from", 0, &b->t_from, err, where);
	if (!e)
		e = get_time(j, "t_to", 0, &b->t_to, err, where);
	if (e)
		return e;
	b->nstates = json_array_size(states);
	if (!b->nstates)
		return fail(err, KVPT_EINVAL, "%sstates: a ladder needs at "
			    "least one state", where);
	if (b->t_from != KVPT_TIME_NONE && b->t_to != KVPT_TIME_NONE &&
	    b->t_to <= b->t_from)
		return fail(err, KVPT_EINVAL, "%st_to: not after t_from",
			    where);
	b->states = kvpt_arena_alloc(a, b->nstates * sizeof(*b->states));
	for (i = 0; i < b->nstates; i++) {
		const json_t *v = json_array_get(states, i);

		if (!json_is_string(v))
			return fail(err, KVPT_EINVAL, "%sstates[%zu]: expected "
				    "a string, got %s", where, i,
				    json_kind(v));
		if (json_string_length(v) > KVPT_PDF_MAX_LINE)
			return fail(err, KVPT_ETOOBIG, "%sstates[%zu]: too "
				    "long", where, i);
		b->states[i] = json_string_value(v);
		for (k = 0; k < i; k++)
			if (!strcmp(b->states[k], b->states[i]))
				return fail(err, KVPT_EINVAL, "%sstates[%zu]: "
					    "'%s' is there twice", where, i,
					    b->states[i]);
	}
	b->nseries = json_array_size(series);
	b->series = kvpt_arena_alloc(a, (b->nseries + 1) *
				     sizeof(*b->series));
	for (i = 0; i < b->nseries; i++) {
		const json_t *sj = json_array_get(series, i), *pts;
		struct series *s = &b->series[i];

		snprintf(w2, sizeof(w2), "%sseries[%zu]", where, i);
		e = check_keys(sj, keys, err, w2);
		if (e)
			return e;
		snprintf(w2, sizeof(w2), "%sseries[%zu].", where, i);
		e = get_string(sj, "label", 1, KVPT_PDF_MAX_LINE, &s->label,
			       err, w2);
		if (!e)
			e = get_array(sj, "points", KVPT_PDF_MAX_ITEMS, &pts,
				      err, w2);
		if (e)
			return e;
		snprintf(w3, sizeof(w3), "%spoints", w2);
		e = check_steps(pts, b, &s->points, &s->npoints, a, err, w3);
		if (e)
			return e;
		pts = json_object_get(sj, "planned");
		if (!pts || json_is_null(pts))
			continue;
		e = get_array(sj, "planned", KVPT_PDF_MAX_ITEMS, &pts, err,
			      w2);
		if (e)
			return e;
		snprintf(w3, sizeof(w3), "%splanned", w2);
		e = check_steps(pts, b, &s->planned, &s->nplanned, a, err, w3);
		if (e)
			return e;
	}
	return 0;
}

static int check_chart(const json_t *j, struct block *b,
		       struct kvpt_arena *a, struct kvpt_buf *err,
		       const char *where)
{
	static const char *const row_keys[] = { "type", "kind", "caption",
						"items", NULL };
	static const char *const ladder_keys[] = { "type", "kind", "caption",
		"states", "series", "t_from", "t_to", NULL };
	const json_t *items;
	const char *kind;
	char w2[64];
	int e, k;

	e = get_string(j, "kind", 1, 16, &kind, err, where);
	if (e)
		return e;
	k = name_index(kind, chart_names, NCHART_KINDS);
	if (k < 0)
		return fail(err, KVPT_EINVAL, "%skind: expected timeline, "
			    "response or ladder, got '%s'", where, kind);
	b->kind = (enum chart_kind)k;
	snprintf(w2, sizeof(w2), "%.*s", (int)strlen(where) - 1, where);
	e = check_keys(j, b->kind == C_LADDER ? ladder_keys : row_keys, err,
		       w2);
	if (!e)
		e = get_string(j, "caption", 0, KVPT_PDF_MAX_LINE, &b->caption,
			       err, where);
	if (e)
		return e;
	if (b->kind == C_LADDER)
		return check_ladder(j, b, a, err, where);
	e = get_array(j, "items", KVPT_PDF_MAX_ITEMS, &items, err, where);
	if (e)
		return e;
	b->nitems = json_array_size(items);
	if (b->kind == C_TIMELINE)
		return check_timeline(items, b, a, err, where);
	return check_response(items, b, a, err, where);
}

static int check_block(const json_t *j, struct block *b,
		       struct kvpt_arena *a, struct kvpt_buf *err, size_t i)
{
	static const char *const title_keys[] = { "type", "title", NULL };
	static const char *const text_keys[] = { "type", "text", NULL };
	static const char *const bullet_keys[] = { "type", "items", NULL };
	static const char *const lesson_keys[] = { "type", "n", "text",
						   NULL };
	static const char *const table_keys[] = { "type", "caption",
		"columns", "rows", "styles", NULL };
	static const char *const break_keys[] = { "type", NULL };
	static const char *const *const keys[NBLOCK_TYPES] = {
		title_keys, title_keys, text_keys, bullet_keys, lesson_keys,
		table_keys, NULL, break_keys };
	char where[48], w1[48];
	const char *type;
	size_t k;
	int e, t;

	snprintf(w1, sizeof(w1), "blocks[%zu]", i);
	snprintf(where, sizeof(where), "blocks[%zu].", i);
	if (!json_is_object(j))
		return fail(err, KVPT_EINVAL, "%s: expected an object, got %s",
			    w1, json_kind(j));
	e = get_string(j, "type", 1, 32, &type, err, where);
	if (e)
		return e;
	t = name_index(type, block_names, NBLOCK_TYPES);
	if (t < 0)
		return fail(err, KVPT_EINVAL, "%stype: unknown block type '%s' "
			    "(section, subsection, paragraph, bullets, lesson, "
			    "table, chart or page_break)", where, type);
	b->type = (enum block_type)t;
	if (keys[t]) {
		e = check_keys(j, keys[t], err, w1);
		if (e)
			return e;
	}
	switch (b->type) {
	case B_SECTION:
	case B_SUBSECTION:
		return get_string(j, "title", 1, KVPT_PDF_MAX_LINE, &b->text,
				  err, where);
	case B_PARAGRAPH:
		return get_string(j, "text", 1, KVPT_PDF_MAX_TEXT, &b->text,
				  err, where);
	case B_LESSON: {
		const json_t *n = json_object_get(j, "n");

		b->n = -1;
		if (n && !json_is_null(n)) {
			if (!json_is_integer(n) || json_integer_value(n) < 0 ||
			    json_integer_value(n) > 1000000)
				return fail(err, KVPT_EINVAL, "%sn: expected "
					    "the lesson's number, an integer "
					    "from 0 to 1000000, got %s", where,
					    json_kind(n));
			b->n = (long)json_integer_value(n);
		}
		return get_string(j, "text", 1, KVPT_PDF_MAX_TEXT, &b->text,
				  err, where);
	}
	case B_BULLETS:
		e = get_array(j, "items", KVPT_PDF_MAX_ITEMS, &b->items, err,
			      where);
		for (k = 0; !e && k < json_array_size(b->items); k++) {
			const json_t *v = json_array_get(b->items, k);

			if (!json_is_string(v))
				e = fail(err, KVPT_EINVAL, "%sitems[%zu]: "
					 "expected a string, got %s", where, k,
					 json_kind(v));
			else if (json_string_length(v) > KVPT_PDF_MAX_TEXT)
				e = fail(err, KVPT_ETOOBIG, "%sitems[%zu]: "
					 "%zu bytes, at most %d", where, k,
					 json_string_length(v),
					 KVPT_PDF_MAX_TEXT);
		}
		return e;
	case B_TABLE:
		return check_table(j, b, a, err, where);
	case B_CHART:
		return check_chart(j, b, a, err, where);
	default:
		return 0;
	}
}

/* The creation date for cairo: "YYYY-MM-DDThh:mm:ss±hh:mm". */
static int check_created(const char *s, char *out, size_t len,
			 struct kvpt_buf *err)
{
	int64_t ms, day, local, rem;
	const char *why;
	unsigned mo, dd;
	int off, y;

	if (kvpt_iso_parse(s, 0, &ms, &off, &day, &why))
		return fail(err, KVPT_EINVAL, "created: '%s' is not an ISO 8601 "
			    "date-time: %s", s, why);
	local = ms + (int64_t)off * KVPT_MS_MIN;
	day = local >= 0 ? local / KVPT_MS_DAY :
	      -((-local + KVPT_MS_DAY - 1) / KVPT_MS_DAY);
	rem = local - day * KVPT_MS_DAY;
	kvpt_civil_from_days(day, &y, &mo, &dd);
	if (y < 1 || y > 9999)
		return fail(err, KVPT_EINVAL, "created: year %d is out of range",
			    y);
	snprintf(out, len, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", y, mo,
		 dd, (int)(rem / KVPT_MS_HOUR), (int)(rem / KVPT_MS_MIN % 60),
		 (int)(rem / 1000 % 60), off < 0 ? '-' : '+',
		 (off < 0 ? -off : off) / 60, (off < 0 ? -off : off) % 60);
	return 0;
}

static int check_doc(const json_t *j, struct doc *d, struct kvpt_arena *a,
		     struct kvpt_buf *err)
{
	static const char *const keys[] = { "header", "title", "subtitle",
		"created", "blocks", "signature", NULL };
	const json_t *blocks, *v;
	const char *created;
	size_t i;
	int e;

	memset(d, 0, sizeof(*d));
	e = check_keys(j, keys, err, "report");
	if (e)
		return e;
	v = json_object_get(j, "header");
	if (!v)
		return fail(err, KVPT_EINVAL, "header: required, an object");
	e = check_header(v, d, err);
	if (!e)
		e = get_string(j, "title", 1, KVPT_PDF_MAX_LINE, &d->title, err,
			       "");
	if (!e)
		e = get_string(j, "subtitle", 0, KVPT_PDF_MAX_LINE,
			       &d->subtitle, err, "");
	if (!e)
		e = get_string(j, "created", 0, 64, &created, err, "");
	if (!e && created)
		e = check_created(created, d->created, sizeof(d->created),
				  err);
	if (!e)
		e = get_array(j, "blocks", KVPT_PDF_MAX_BLOCKS, &blocks, err,
			      "");
	if (e)
		return e;
	v = json_object_get(j, "signature");
	if (v && !json_is_null(v)) {
		e = check_signature(v, d, a, err);
		if (e)
			return e;
	}
	d->nblocks = json_array_size(blocks);
	d->blocks = kvpt_arena_alloc(a, (d->nblocks + 1) * sizeof(*d->blocks));
	for (i = 0; i < d->nblocks; i++) {
		e = check_block(json_array_get(blocks, i), &d->blocks[i], a,
				err, i);
		if (e)
			return e;
	}
	return 0;
}

/* Rendering. */

struct fonts {
	PangoFontDescription *body, *body_bold, *body_italic;
	PangoFontDescription *head, *head_bold;	/* issuer, national title */
	PangoFontDescription *title;		/* the document's name */
	PangoFontDescription *small, *small_bold, *small_italic;
	PangoFontDescription *cell, *cell_bold;
	PangoFontDescription *footer;
	PangoFontDescription *chart, *chart_bold, *chart_small;
};

/* Where the PDF's bytes go. */
struct sink {
	struct kvpt_buf *out;
	size_t start;		/* out's length before the render */
	int over;		/* past KVPT_PDF_MAX_BYTES */
};

struct render {
	const struct doc *doc;
	PangoFontMap *fontmap;
	PangoContext *ctx;
	struct fonts f;
	double base;		/* body size, points */
	double line_h;		/* a body line */
	cairo_surface_t *surface;	/* NULL while counting pages */
	cairo_t *cr;			/* NULL while counting pages */
	struct sink *sink;
	double x, width;	/* the column */
	double top, bottom;	/* of the text area */
	double y;		/* the cursor */
	int page;		/* 1-based */
	int npages;		/* from the counting pass; 0 in it */
	int stop;		/* past the page or byte limit */
	int section, subsection, lesson, table, figure;
	int outline;		/* the current section's bookmark */
};

struct tline {
	PangoLayoutLine *line;
	double top, bottom;	/* from the layout's top */
	double base;		/* baseline, from the layout's top */
	double x;		/* from the layout's left */
};

/* A piece of text laid out into lines. */
struct text {
	PangoLayout *layout;
	struct tline *v;
	int n;
	double width;		/* of the widest line */
};

static int pu(double pt)
{
	return (int)lround(pt * PANGO_SCALE);
}

static double pt(int units)
{
	return (double)units / PANGO_SCALE;
}

static void set_rgb(cairo_t *cr, unsigned rgb)
{
	cairo_set_source_rgb(cr, (rgb >> 16 & 0xff) / 255.0,
			     (rgb >> 8 & 0xff) / 255.0, (rgb & 0xff) / 255.0);
}

static PangoFontDescription *font(const char *family, double size,
				  PangoWeight weight, PangoStyle style)
{
	PangoFontDescription *f = pango_font_description_new();

	pango_font_description_set_family(f, family);
	pango_font_description_set_size(f, pu(size));
	pango_font_description_set_weight(f, weight);
	pango_font_description_set_style(f, style);
	return f;
}

/* The first of the families installed with the Vietnamese letters (their
 * resolved name, into out); 0 when none is. */
static int pick_family(PangoContext *ctx, const char *const *families,
		       char *out, size_t len)
{
	static const gunichar probe[] = { 0x1ec7, 0x1eef, 0x1ed7, 0x1b0, 0x1a1,
		0x111, 0x110, 0x1ea0, 0x1ec6, 0x1edd };
	size_t i, k;

	for (i = 0; families[i]; i++) {
		PangoFontDescription *d = font(families[i], 12,
			PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
		PangoFont *f = pango_context_load_font(ctx, d);
		int ok = f != NULL;

		pango_font_description_free(d);
		for (k = 0; ok && k < sizeof(probe) / sizeof(probe[0]); k++)
			ok = pango_font_has_char(f, probe[k]);
		if (ok) {
			PangoFontDescription *got = pango_font_describe(f);
			const char *fam = pango_font_description_get_family(got);

			snprintf(out, len, "%s", fam ? fam : families[i]);
			pango_font_description_free(got);
		}
		if (f)
			g_object_unref(f);
		if (ok)
			return 1;
	}
	return 0;
}

static void fonts_init(struct render *r)
{
	static const char *const serif[] = { "Times New Roman",
		"Liberation Serif", "Tinos", "Noto Serif", "DejaVu Serif",
		NULL };
	static const char *const sans[] = { "Arial", "Liberation Sans",
		"Arimo", "Noto Sans", "DejaVu Sans", NULL };
	struct fonts *f = &r->f;
	char fs[128], fc[128];
	double b;

	if (!pick_family(r->ctx, serif, fs, sizeof(fs)))
		snprintf(fs, sizeof(fs), "serif");
	if (!pick_family(r->ctx, sans, fc, sizeof(fc)))
		snprintf(fc, sizeof(fc), "sans-serif");
	/* Times-like faces at the decree's 13 pt; the wider DejaVu and Noto
	 * a point smaller for the same line. */
	b = strstr(fs, "DejaVu") || strstr(fs, "Noto") || !strcmp(fs, "serif")
	    ? 12 : 13;
	r->base = b;
	f->body = font(fs, b, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
	f->body_bold = font(fs, b, PANGO_WEIGHT_BOLD, PANGO_STYLE_NORMAL);
	f->body_italic = font(fs, b, PANGO_WEIGHT_NORMAL, PANGO_STYLE_ITALIC);
	f->head = font(fs, b - 1, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
	f->head_bold = font(fs, b - 1, PANGO_WEIGHT_BOLD, PANGO_STYLE_NORMAL);
	f->title = font(fs, b + 1, PANGO_WEIGHT_BOLD, PANGO_STYLE_NORMAL);
	f->small = font(fs, b - 1, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
	f->small_bold = font(fs, b - 1, PANGO_WEIGHT_BOLD, PANGO_STYLE_NORMAL);
	f->small_italic = font(fs, b - 1, PANGO_WEIGHT_NORMAL,
			       PANGO_STYLE_ITALIC);
	f->cell = font(fs, b - 2.5, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
	f->cell_bold = font(fs, b - 2.5, PANGO_WEIGHT_BOLD, PANGO_STYLE_NORMAL);
	f->footer = font(fs, b - 2, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
	f->chart = font(fc, CHART_FONT, PANGO_WEIGHT_NORMAL,
			PANGO_STYLE_NORMAL);
	f->chart_bold = font(fc, CHART_FONT, PANGO_WEIGHT_BOLD,
			     PANGO_STYLE_NORMAL);
	f->chart_small = font(fc, CHART_FONT - 1, PANGO_WEIGHT_NORMAL,
			      PANGO_STYLE_NORMAL);
}

static void fonts_release(struct fonts *f)
{
	PangoFontDescription **all[] = { &f->body, &f->body_bold,
		&f->body_italic, &f->head, &f->head_bold, &f->title, &f->small,
		&f->small_bold, &f->small_italic, &f->cell, &f->cell_bold,
		&f->footer, &f->chart, &f->chart_bold, &f->chart_small };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (*all[i]) {
			pango_font_description_free(*all[i]);
			*all[i] = NULL;
		}
}

/* Text. */

struct style {
	const PangoFontDescription *font;
	enum align align;
	int justify;
	double indent;		/* of each paragraph's first line */
	double spacing;		/* baseline distance as a factor of the
				 * font's height; 0 for the font's own */
	int max_lines;		/* cut there with "…"; 0: no limit */
};

static PangoLayout *new_layout(struct render *r, const char *s,
			       const struct style *st, double width,
			       PangoAttrList *attrs)
{
	static const PangoAlignment al[NALIGNS] = { PANGO_ALIGN_LEFT,
		PANGO_ALIGN_CENTER, PANGO_ALIGN_RIGHT };
	PangoLayout *l = pango_layout_new(r->ctx);
	PangoAttrList *own;

	pango_layout_set_font_description(l, st->font);
	if (width > 0) {
		pango_layout_set_width(l, pu(width));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	if (st->max_lines > 0) {
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
		pango_layout_set_height(l, -st->max_lines);
		if (st->max_lines == 1)
			pango_layout_set_single_paragraph_mode(l, TRUE);
	}
	pango_layout_set_alignment(l, al[st->align]);
	pango_layout_set_justify(l, st->justify);
	if (st->indent > 0)
		pango_layout_set_indent(l, pu(st->indent));
	if (st->spacing > 0)
		pango_layout_set_line_spacing(l, (float)st->spacing);
	pango_layout_set_text(l, s, -1);
	/* No hyphen where a word is broken: Vietnamese syllables and codes
	 * such as "TH-001" must read as written. */
	own = attrs ? pango_attr_list_copy(attrs) : pango_attr_list_new();
	pango_attr_list_insert(own, pango_attr_insert_hyphens_new(FALSE));
	pango_layout_set_attributes(l, own);
	pango_attr_list_unref(own);
	return l;
}

/* Lay s out into t (released with text_release). */
static void text_init(struct render *r, struct text *t, const char *s,
		      const struct style *st, double width,
		      PangoAttrList *attrs)
{
	PangoLayoutIter *it;
	int i = 0;

	t->layout = new_layout(r, s, st, width, attrs);
	t->n = pango_layout_get_line_count(t->layout);
	t->v = xcalloc((size_t)t->n + 1, sizeof(*t->v));
	t->width = 0;
	it = pango_layout_get_iter(t->layout);
	do {
		PangoRectangle log;
		int y0, y1;

		if (i >= t->n)
			break;
		pango_layout_iter_get_line_yrange(it, &y0, &y1);
		pango_layout_iter_get_line_extents(it, NULL, &log);
		t->v[i].line = pango_layout_iter_get_line_readonly(it);
		t->v[i].top = pt(y0);
		t->v[i].bottom = pt(y1);
		t->v[i].base = pt(pango_layout_iter_get_baseline(it));
		t->v[i].x = pt(log.x);
		if (pt(log.width) > t->width)
			t->width = pt(log.width);
		i++;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	t->n = i;
}

static void text_release(struct text *t)
{
	if (t->layout)
		g_object_unref(t->layout);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static double text_height(const struct text *t)
{
	return t->n ? t->v[t->n - 1].bottom - t->v[0].top : 0;
}

/* Height of lines [from, to) of t. */
static double lines_height(const struct text *t, int from, int to)
{
	return to > from ? t->v[to - 1].bottom - t->v[from].top : 0;
}

/* The lines from `from` on that fit in avail points. */
static int lines_fitting(const struct text *t, int from, double avail)
{
	int k = from;

	while (k < t->n && t->v[k].bottom - t->v[from].top <= avail + EPS)
		k++;
	return k;
}

/* Draw lines [from, to) of t with the top of line `from` at (x, y). */
static void draw_lines(struct render *r, const struct text *t, int from,
		       int to, double x, double y, unsigned rgb)
{
	int i;

	if (!r->cr || from >= to)
		return;
	set_rgb(r->cr, rgb);
	for (i = from; i < to; i++) {
		cairo_move_to(r->cr, x + t->v[i].x,
			      y + t->v[i].base - t->v[from].top);
		pango_cairo_show_layout_line(r->cr, t->v[i].line);
	}
}

/* Draw s at (x, y) (its top left) in a box width w wide; returns its
 * height. */
static double put(struct render *r, const char *s, const struct style *st,
		  double x, double y, double w, unsigned rgb)
{
	struct text t;
	double h;

	text_init(r, &t, s, st, w, NULL);
	draw_lines(r, &t, 0, t.n, x, y, rgb);
	h = text_height(&t);
	text_release(&t);
	return h;
}

/* Draw s in one line, its left at x and its middle at y. */
static void put_mid(struct render *r, const char *s, const struct style *st,
		    double x, double y, unsigned rgb)
{
	struct text t;

	text_init(r, &t, s, st, 0, NULL);
	draw_lines(r, &t, 0, t.n, x, y - text_height(&t) / 2, rgb);
	text_release(&t);
}

/* Width of s set in one line. */
static double text_width(struct render *r, const char *s,
			 const PangoFontDescription *f)
{
	struct style st = { f, A_LEFT, 0, 0, 0, 0 };
	PangoLayout *l = new_layout(r, s, &st, 0, NULL);
	int w, h;

	pango_layout_get_size(l, &w, &h);
	g_object_unref(l);
	return pt(w);
}

static void hline(struct render *r, double x0, double x1, double y,
		  double width, unsigned rgb)
{
	if (!r->cr)
		return;
	set_rgb(r->cr, rgb);
	cairo_set_line_width(r->cr, width);
	cairo_move_to(r->cr, x0, y);
	cairo_line_to(r->cr, x1, y);
	cairo_stroke(r->cr);
}

/* s in upper case (Vietnamese letters included); g_free it. */
static char *upper(const char *s)
{
	return g_utf8_strup(s, -1);
}

/* Pages. */

static int at_top(const struct render *r)
{
	return r->y <= r->top + EPS;
}

/* A box around s (bold, red), its top right at (right, y). */
static void draw_mark(struct render *r, const char *s, double right,
		      double y, const PangoFontDescription *f)
{
	struct style st = { f, A_LEFT, 0, 0, 0, 0 };
	struct text t;
	char *up = upper(s);
	double w, h, pad = 3;

	if (!r->cr) {
		g_free(up);
		return;
	}
	text_init(r, &t, up, &st, 0, NULL);
	w = t.width + 2 * pad;
	h = text_height(&t) + 2 * pad - 1;
	draw_lines(r, &t, 0, t.n, right - w + pad, y + pad - 0.5, C_RED);
	set_rgb(r->cr, C_RED);
	cairo_set_line_width(r->cr, 1);
	cairo_rectangle(r->cr, right - w, y, w, h);
	cairo_stroke(r->cr);
	text_release(&t);
	g_free(up);
}

static void draw_footer(struct render *r)
{
	struct style st = { r->f.footer, A_CENTER, 0, 0, 0, 0 };
	char s[64];

	snprintf(s, sizeof(s), "Trang %d/%d", r->page, r->npages);
	put(r, s, &st, r->x, FOOTER_BASE - r->base, r->width, C_TEXT);
	if (r->doc->classification)
		draw_mark(r, r->doc->classification, r->x + r->width,
			  FOOTER_BASE - r->base - 3, r->f.cell_bold);
}

static void new_page(struct render *r)
{
	if (r->cr) {
		draw_footer(r);
		cairo_show_page(r->cr);
		if (r->sink->over)
			r->stop = 1;
	}
	r->page++;
	r->y = r->top;
	if (r->page > KVPT_PDF_MAX_PAGES)
		r->stop = 1;
}

/* Start a new page unless h more points fit on this one (or it is
 * empty). */
static void ensure(struct render *r, double h)
{
	if (r->y + h > r->bottom + EPS && !at_top(r))
		new_page(r);
}

/* Set t at x on the pages from the cursor, a page break wherever the
 * next line does not fit; with keep, a paragraph does not leave its
 * first line alone at the foot of a page nor its last at the top of
 * the next. */
static void flow(struct render *r, const struct text *t, double x,
		 unsigned rgb, int keep)
{
	int i = 0, k;

	while (i < t->n && !r->stop) {
		k = lines_fitting(t, i, r->bottom - r->y);
		if (k < t->n && keep) {
			if (i == 0 && k == 1 && t->n > 1 && !at_top(r))
				k = 0;			/* orphan */
			else if (t->n - k == 1 && k - i >= 3)
				k--;			/* widow */
		}
		if (k == i) {
			if (!at_top(r)) {
				new_page(r);
				continue;
			}
			k = i + 1;	/* a line taller than a page */
		}
		draw_lines(r, t, i, k, x, r->y, rgb);
		r->y += lines_height(t, i, k);
		i = k;
		if (i < t->n)
			new_page(r);
	}
}

/* Lay out s and flow it; then space below. */
static void flow_text(struct render *r, const char *s,
		      const struct style *st, PangoAttrList *attrs, double x,
		      double width, double space_after)
{
	struct text t;

	text_init(r, &t, s, st, width, attrs);
	flow(r, &t, x, C_TEXT, 1);
	text_release(&t);
	r->y += space_after;
}

/* The header block of page 1. */

/* The largest size from f's down to min at which s fits in one line of
 * width w; f's own size when none does (the text will wrap). */
static PangoFontDescription *fitted(struct render *r, const char *s,
				    const PangoFontDescription *f, double w,
				    double min)
{
	PangoFontDescription *d = pango_font_description_copy(f);
	double size = pt(pango_font_description_get_size(f));

	while (size > min && text_width(r, s, d) > w) {
		size -= 0.25;
		pango_font_description_set_size(d, pu(size));
	}
	if (text_width(r, s, d) > w)
		pango_font_description_set_size(d,
			pango_font_description_get_size(f));
	return d;
}

/* The narrowest width up to max at which s takes no more lines than at
 * max: wrapped lines of even length, not a last word alone. */
static double balanced(struct render *r, const char *s,
		       const struct style *st, double max)
{
	struct text t;
	double lo, hi = max;
	int n, i;

	text_init(r, &t, s, st, max, NULL);
	n = t.n;
	text_release(&t);
	if (n <= 1)
		return max;
	lo = max / n;
	for (i = 0; i < 12; i++) {
		double mid = (lo + hi) / 2;

		text_init(r, &t, s, st, mid, NULL);
		if (t.n > n)
			lo = mid;
		else
			hi = mid;
		text_release(&t);
	}
	return hi + 1;
}

/* s centred in the column [x, x + w) at the cursor, its lines balanced,
 * flowing onto new pages if it must; returns the widest line's width. */
static double centred(struct render *r, const char *s,
		      const struct style *st, double x, double w, int flows)
{
	double bw = balanced(r, s, st, w), lw;
	struct text t;

	text_init(r, &t, s, st, bw, NULL);
	if (flows) {
		flow(r, &t, x + (w - bw) / 2, C_TEXT, 0);
	} else {
		draw_lines(r, &t, 0, t.n, x + (w - bw) / 2, r->y, C_TEXT);
		r->y += text_height(&t);
	}
	lw = t.width;
	text_release(&t);
	return lw;
}

static void draw_header(struct render *r)
{
	const struct doc *d = r->doc;
	/* The left column a little narrower than its share, for air
	 * between the two. */
	const double lw = r->width * 0.42 - 8, rx = r->x + r->width * 0.42;
	const double rw = r->width - r->width * 0.42;
	struct style center = { r->f.head, A_CENTER, 0, 0, 1.1, 0 };
	PangoFontDescription *fit;
	double top = r->y, ly, ry, h, w;
	char *s;

	if (d->classification && r->cr)
		draw_mark(r, d->classification, r->x + r->width, 8 * MM,
			  r->f.body_bold);

	/* Left: the superior body, the issuer in bold, a short rule. */
	if (d->superior) {
		s = upper(d->superior);
		fit = fitted(r, s, r->f.head, lw, r->base - 2.5);
		center.font = fit;
		centred(r, s, &center, r->x, lw, 0);
		pango_font_description_free(fit);
		g_free(s);
		r->y += 1.5;
	}
	s = upper(d->issuer);
	fit = fitted(r, s, r->f.head_bold, lw, r->base - 2.5);
	center.font = fit;
	w = centred(r, s, &center, r->x, lw, 0) * 0.4;
	pango_font_description_free(fit);
	g_free(s);
	r->y += 3;
	if (w < 40)
		w = 40;
	hline(r, r->x + (lw - w) / 2, r->x + (lw + w) / 2, r->y, RULE, C_TEXT);
	ly = r->y + 4;

	/* Right: the national title, the motto and its rule. */
	r->y = top;
	fit = fitted(r, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", r->f.head_bold,
		     rw, 8);
	center.font = fit;
	centred(r, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", &center, rx, rw, 0);
	pango_font_description_free(fit);
	r->y += 1.5;
	center.font = r->f.body_bold;
	w = centred(r, "Độc lập - Tự do - Hạnh phúc", &center, rx, rw, 0);
	r->y += 3;
	hline(r, rx + (rw - w) / 2, rx + (rw + w) / 2, r->y, RULE, C_TEXT);
	ry = r->y + 4;

	/* The number left, the place and date right, on one line. */
	r->y = (ly > ry ? ly : ry) + 6;
	h = 0;
	if (d->number) {
		struct kvpt_buf b = KVPT_BUF_INIT;

		center.font = r->f.body;
		kvpt_buf_addf(&b, "Số: %s", d->number);
		h = put(r, b.s, &center, r->x, r->y, lw, C_TEXT);
		kvpt_buf_release(&b);
	}
	if (d->place || d->date_text) {
		struct kvpt_buf b = KVPT_BUF_INIT;
		double h2;

		center.font = r->f.body_italic;
		kvpt_buf_addf(&b, "%s%s%s", d->place ? d->place : "",
			      d->place && d->date_text ? ", " : "",
			      d->date_text ? d->date_text : "");
		h2 = put(r, b.s, &center, rx, r->y, rw, C_TEXT);
		if (h2 > h)
			h = h2;
		kvpt_buf_release(&b);
	}
	r->y += h + 2.5 * r->base;

	/* The document's name and summary, centred, a short rule below. */
	center.font = r->f.title;
	s = upper(d->title);
	centred(r, s, &center, r->x, r->width, 1);
	g_free(s);
	r->y += 2;
	w = 60;
	if (d->subtitle) {
		center.font = r->f.body_bold;
		w = centred(r, d->subtitle, &center, r->x, r->width, 1);
		w = w * 0.35 < 60 ? 60 : w * 0.35;
	}
	r->y += 4;
	hline(r, r->x + (r->width - w) / 2, r->x + (r->width + w) / 2, r->y,
	      RULE, C_TEXT);
	r->y += 1.5 * r->base;
}

/* Blocks of text. */

static struct style body_style(const struct render *r)
{
	struct style st = { r->f.body, A_LEFT, 1, INDENT, 1.1, 0 };

	return st;
}

static void roman_numeral(int n, char *out, size_t len)
{
	static const int val[] = { 1000, 900, 500, 400, 100, 90, 50, 40, 10,
				   9, 5, 4, 1 };
	static const char *const sym[] = { "M", "CM", "D", "CD", "C", "XC",
		"L", "XL", "X", "IX", "V", "IV", "I" };
	size_t i, l = 0;

	out[0] = '\0';
	for (i = 0; i < sizeof(val) / sizeof(val[0]) && n > 0; i++)
		while (n >= val[i] && l + 3 < len) {
			l += (size_t)snprintf(out + l, len - l, "%s", sym[i]);
			n -= val[i];
		}
}

static double block_min_height(struct render *r, size_t i);

/* A section or subsection title, kept with what follows it. */
static void render_title(struct render *r, size_t i)
{
	const struct block *b = &r->doc->blocks[i];
	struct style st = { r->f.body_bold, A_LEFT, 1, INDENT, 1.1, 0 };
	struct kvpt_buf s = KVPT_BUF_INIT;
	double before = b->type == B_SECTION ? 0.7 * r->base : 0.3 * r->base;
	double after = 0.35 * r->base, y0, x;
	struct text t;
	char num[32];
	int page;

	if (b->type == B_SECTION) {
		char *up = upper(b->text);

		r->section++;
		r->subsection = 0;
		roman_numeral(r->section, num, sizeof(num));
		kvpt_buf_addf(&s, "%s. %s", num, up);
		g_free(up);
	} else {
		r->subsection++;
		kvpt_buf_addf(&s, "%d. %s", r->subsection, b->text);
	}
	if (!at_top(r))
		r->y += before;
	text_init(r, &t, s.s, &st, r->width, NULL);
	ensure(r, text_height(&t) + after + block_min_height(r, i + 1));
	y0 = r->y;
	page = r->page;
	flow(r, &t, r->x, C_TEXT, 0);
	r->y += after;
	text_release(&t);
	if (r->cr && r->surface) {
		char dest[96];
		int id;

		x = r->x;
		snprintf(dest, sizeof(dest), "page=%d pos=[%d %d]", page,
			 (int)x, (int)y0);
		id = cairo_pdf_surface_add_outline(r->surface,
			b->type == B_SECTION || !r->outline ?
			CAIRO_PDF_OUTLINE_ROOT : r->outline, s.s, dest,
			b->type == B_SECTION ? CAIRO_PDF_OUTLINE_FLAG_OPEN : 0);
		if (b->type == B_SECTION)
			r->outline = id;
	}
	kvpt_buf_release(&s);
}

static void render_paragraph(struct render *r, const char *text,
			     PangoAttrList *attrs)
{
	struct style st = body_style(r);

	flow_text(r, text, &st, attrs, r->x, r->width, 0.4 * r->base);
}

static void render_lesson(struct render *r, const struct block *b)
{
	struct kvpt_buf s = KVPT_BUF_INIT;
	PangoAttrList *attrs = pango_attr_list_new();
	PangoAttribute *bold = pango_attr_weight_new(PANGO_WEIGHT_BOLD);

	r->lesson = b->n >= 0 ? (int)b->n : r->lesson + 1;
	kvpt_buf_addf(&s, "Bài học %d:", r->lesson);
	bold->start_index = 0;
	bold->end_index = (guint)s.len;
	pango_attr_list_insert(attrs, bold);
	kvpt_buf_addf(&s, " %s", b->text);
	render_paragraph(r, s.s, attrs);
	pango_attr_list_unref(attrs);
	kvpt_buf_release(&s);
}

static void render_bullets(struct render *r, const struct block *b)
{
	struct kvpt_buf s = KVPT_BUF_INIT;
	size_t i;

	for (i = 0; i < json_array_size(b->items) && !r->stop; i++) {
		kvpt_buf_reset(&s);
		kvpt_buf_addf(&s, "- %s",
			      json_string_value(json_array_get(b->items, i)));
		render_paragraph(r, s.s, NULL);
	}
	kvpt_buf_release(&s);
}

/* "Bảng 1. caption" or "Hình 1. caption", the label bold. */
static double render_caption(struct render *r, const char *label, int n,
			     const char *caption, int measure)
{
	struct style st = { r->f.small_italic, A_CENTER, 0, 0, 0, 0 };
	struct kvpt_buf s = KVPT_BUF_INIT;
	PangoAttrList *attrs = pango_attr_list_new();
	PangoAttribute *bold = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
	PangoAttribute *up = pango_attr_style_new(PANGO_STYLE_NORMAL);
	struct text t;
	double h;

	kvpt_buf_addf(&s, "%s %d.", label, n);
	bold->start_index = up->start_index = 0;
	bold->end_index = up->end_index = (guint)s.len;
	pango_attr_list_insert(attrs, bold);
	pango_attr_list_insert(attrs, up);
	if (caption)
		kvpt_buf_addf(&s, " %s", caption);
	text_init(r, &t, s.s, &st, r->width, attrs);
	h = text_height(&t);
	if (!measure)
		flow(r, &t, r->x, C_TEXT, 0);
	text_release(&t);
	pango_attr_list_unref(attrs);
	kvpt_buf_release(&s);
	return h;
}

/* Tables. */

struct table {
	const struct block *b;
	double *x, *w;		/* left and width of each column */
	struct text *head;	/* the header's titles */
	double head_h;
	struct text *cells;	/* the row being set */
};

/* Room for text in a column w wide. */
static double cell_width(double w)
{
	return w - 2 * CELL_PAD_X > 4 ? w - 2 * CELL_PAD_X : 4;
}

static void cell_text(const json_t *v, struct kvpt_buf *out)
{
	char *p;

	kvpt_buf_reset(out);
	if (json_is_string(v)) {
		kvpt_buf_adds(out, json_string_value(v));
	} else if (json_is_integer(v)) {
		kvpt_buf_addf(out, "%" JSON_INTEGER_FORMAT,
			      json_integer_value(v));
	} else if (json_is_real(v)) {
		/* Vietnamese writes a decimal comma. */
		kvpt_buf_addf(out, "%.2f", json_real_value(v));
		while (out->len > 1 && out->s[out->len - 1] == '0')
			out->s[--out->len] = '\0';
		if (out->len && (out->s[out->len - 1] == '.' ||
				 out->s[out->len - 1] == ','))
			out->s[--out->len] = '\0';
		p = strchr(out->s, '.');
		if (p)
			*p = ',';
	}
	if (!out->s)
		kvpt_buf_adds(out, "");
}

static void table_header(struct render *r, struct table *tb)
{
	size_t c;

	for (c = 0; c < tb->b->ncols; c++) {
		if (r->cr) {
			set_rgb(r->cr, C_HEAD_FILL);
			cairo_rectangle(r->cr, tb->x[c], r->y, tb->w[c],
					tb->head_h);
			cairo_fill(r->cr);
			set_rgb(r->cr, C_TEXT);
			cairo_set_line_width(r->cr, RULE);
			cairo_rectangle(r->cr, tb->x[c], r->y, tb->w[c],
					tb->head_h);
			cairo_stroke(r->cr);
		}
		draw_lines(r, &tb->head[c], 0, tb->head[c].n,
			   tb->x[c] + CELL_PAD_X, r->y + (tb->head_h -
			   text_height(&tb->head[c])) / 2, C_TEXT);
	}
	r->y += tb->head_h;
}

static void table_page(struct render *r, struct table *tb)
{
	new_page(r);
	table_header(r, tb);
}

/* Lay out row i's cells into tb->cells; returns the row's height. */
static double table_row(struct render *r, struct table *tb, size_t i,
			struct kvpt_buf *scratch)
{
	const struct block *b = tb->b;
	const json_t *row = json_array_get(b->rows, i);
	enum row_style rs = b->styles ? (enum row_style)b->styles[i] : RS_NONE;
	double h = 0;
	size_t c;

	for (c = 0; c < b->ncols; c++) {
		struct style st = { rs == RS_BOLD ? r->f.cell_bold : r->f.cell,
				    b->cols[c].align, 0, 0, 0, 0 };

		cell_text(json_array_get(row, c), scratch);
		text_init(r, &tb->cells[c], scratch->s, &st,
			  cell_width(tb->w[c]), NULL);
		if (text_height(&tb->cells[c]) > h)
			h = text_height(&tb->cells[c]);
	}
	return h + 2 * CELL_PAD_Y;
}

static void release_cells(struct table *tb)
{
	size_t c;

	for (c = 0; c < tb->b->ncols; c++)
		text_release(&tb->cells[c]);
}

/* Draw the frame and fill of a piece of a row, h high at the cursor. */
static void row_frame(struct render *r, const struct table *tb,
		      enum row_style rs, double h)
{
	size_t c;
	unsigned fill = rs == RS_BAD ? 0xfde4e4 : rs == RS_WARN ? 0xfff2cc :
			0xffffff;

	if (!r->cr)
		return;
	for (c = 0; c < tb->b->ncols; c++) {
		if (fill != 0xffffff) {
			set_rgb(r->cr, fill);
			cairo_rectangle(r->cr, tb->x[c], r->y, tb->w[c], h);
			cairo_fill(r->cr);
		}
		set_rgb(r->cr, C_TEXT);
		cairo_set_line_width(r->cr, RULE);
		cairo_rectangle(r->cr, tb->x[c], r->y, tb->w[c], h);
		cairo_stroke(r->cr);
	}
}

static unsigned row_color(enum row_style rs)
{
	switch (rs) {
	case RS_BAD: return 0xa50000;
	case RS_GOOD: return 0x1b5e20;
	case RS_MUTED: return 0x6b6b6b;
	default: return C_TEXT;
	}
}

/* Set the laid-out row at the cursor, splitting it line by line over
 * pages when it is taller than a page. */
static void table_set_row(struct render *r, struct table *tb, size_t i,
			  double h)
{
	const struct block *b = tb->b;
	enum row_style rs = b->styles ? (enum row_style)b->styles[i] : RS_NONE;
	double full = r->bottom - r->top - tb->head_h;
	int start[KVPT_PDF_MAX_COLUMNS], end[KVPT_PDF_MAX_COLUMNS];
	size_t c;

	if (r->y + h > r->bottom + EPS && h <= full + EPS)
		table_page(r, tb);
	if (r->y + h <= r->bottom + EPS) {
		row_frame(r, tb, rs, h);
		for (c = 0; c < b->ncols; c++)
			draw_lines(r, &tb->cells[c], 0, tb->cells[c].n,
				   tb->x[c] + CELL_PAD_X, r->y + CELL_PAD_Y,
				   row_color(rs));
		r->y += h;
		return;
	}
	/* Taller than a page: as many lines of each cell as fit, then
	 * the rest on the next page. */
	memset(start, 0, sizeof(start));
	while (!r->stop) {
		double avail = r->bottom - r->y - 2 * CELL_PAD_Y, ph = 0;
		int done = 1, moved = 0;

		for (c = 0; c < b->ncols; c++) {
			end[c] = lines_fitting(&tb->cells[c], start[c], avail);
			if (end[c] < tb->cells[c].n)
				done = 0;
			if (end[c] > start[c])
				moved = 1;
		}
		if (!moved && !done) {
			if (r->y > r->top + tb->head_h + EPS) {
				table_page(r, tb);
				continue;
			}
			for (c = 0; c < b->ncols; c++)	/* cannot happen */
				if (start[c] < tb->cells[c].n)
					end[c] = start[c] + 1;
		}
		for (c = 0; c < b->ncols; c++) {
			double lh = lines_height(&tb->cells[c], start[c],
						 end[c]);

			if (lh > ph)
				ph = lh;
		}
		row_frame(r, tb, rs, ph + 2 * CELL_PAD_Y);
		for (c = 0; c < b->ncols; c++)
			draw_lines(r, &tb->cells[c], start[c], end[c],
				   tb->x[c] + CELL_PAD_X, r->y + CELL_PAD_Y,
				   row_color(rs));
		r->y += ph + 2 * CELL_PAD_Y;
		if (done)
			break;
		memcpy(start, end, sizeof(start));
		table_page(r, tb);
	}
}

static void table_init(struct render *r, struct table *tb,
		       const struct block *b)
{
	double x = r->x;
	size_t c;

	tb->b = b;
	tb->x = xcalloc(b->ncols, sizeof(*tb->x));
	tb->w = xcalloc(b->ncols, sizeof(*tb->w));
	tb->head = xcalloc(b->ncols, sizeof(*tb->head));
	tb->cells = xcalloc(b->ncols, sizeof(*tb->cells));
	tb->head_h = 0;
	for (c = 0; c < b->ncols; c++) {
		/* A header row that always leaves room for rows below. */
		struct style st = { r->f.cell_bold, A_CENTER, 0, 0, 0,
				    HEAD_LINES };

		tb->x[c] = x;
		tb->w[c] = b->cols[c].width * r->width;
		x += tb->w[c];
		text_init(r, &tb->head[c], b->cols[c].title, &st,
			  cell_width(tb->w[c]), NULL);
		if (text_height(&tb->head[c]) > tb->head_h)
			tb->head_h = text_height(&tb->head[c]);
	}
	tb->head_h += 2 * CELL_PAD_Y + 1;
}

static void table_release(struct table *tb)
{
	size_t c;

	for (c = 0; c < tb->b->ncols; c++)
		text_release(&tb->head[c]);
	free(tb->head);
	free(tb->cells);
	free(tb->x);
	free(tb->w);
}

/* The caption, the header and the first row: what must start together. */
static double table_min_height(struct render *r, const struct block *b)
{
	struct kvpt_buf scratch = KVPT_BUF_INIT;
	struct table tb;
	double h;

	table_init(r, &tb, b);
	h = tb.head_h + render_caption(r, "Bảng", r->table + 1, b->caption, 1)
	    + 4;
	if (json_array_size(b->rows)) {
		double rh = table_row(r, &tb, 0, &scratch);

		release_cells(&tb);
		h += rh < 4 * r->line_h ? rh : 4 * r->line_h;
	} else {
		h += 2 * r->line_h;
	}
	table_release(&tb);
	kvpt_buf_release(&scratch);
	return h;
}

static void render_table(struct render *r, const struct block *b)
{
	struct kvpt_buf scratch = KVPT_BUF_INIT;
	size_t i, nrows = json_array_size(b->rows);
	struct table tb;

	ensure(r, table_min_height(r, b));
	r->table++;
	render_caption(r, "Bảng", r->table, b->caption, 0);
	r->y += 4;
	table_init(r, &tb, b);
	table_header(r, &tb);
	for (i = 0; i < nrows && !r->stop; i++) {
		double h = table_row(r, &tb, i, &scratch);

		table_set_row(r, &tb, i, h);
		release_cells(&tb);
	}
	if (!nrows) {
		struct style st = { r->f.small_italic, A_CENTER, 0, 0, 0, 0 };
		double h = r->line_h + 2 * CELL_PAD_Y;

		if (r->cr) {
			set_rgb(r->cr, C_TEXT);
			cairo_set_line_width(r->cr, RULE);
			cairo_rectangle(r->cr, r->x, r->y, r->width, h);
			cairo_stroke(r->cr);
		}
		put(r, "Không có số liệu", &st, r->x, r->y + CELL_PAD_Y,
		    r->width, C_TEXT);
		r->y += h;
	}
	table_release(&tb);
	kvpt_buf_release(&scratch);
	r->y += 0.8 * r->base;
}

/* Charts. */

/* A chart of rows (timeline, response) or strips (ladder), set in
 * chunks of whole rows per page, each under its own axis. */
struct chart {
	const struct block *b;
	double x0, x1;		/* the plot, across */
	double gutter;		/* labels, left of the plot */
	double lo, hi;		/* the axis's range (ms) */
	int64_t step;		/* between ticks (ms) */
	int durations;		/* ticks are durations, not times */
	PangoLayout *label;	/* reused for the row labels */
};

static double chart_x(const struct chart *c, double t)
{
	return c->x0 + (t - c->lo) / (c->hi - c->lo) * (c->x1 - c->x0);
}

static void tick_label(const struct chart *c, int64_t t, char *buf,
		       size_t len)
{
	if (c->durations) {
		kvpt_duration_format(t, buf, len);
		return;
	}
	kvpt_time_format(t, buf, len);
	if (c->step % KVPT_MS_DAY == 0) {
		char *sp = strchr(buf, ' ');	/* "N+1 00:00" → "N+1" */

		if (sp)
			*sp = '\0';
	}
}

/* Ticks far enough apart for their labels. */
static void chart_ticks(struct render *r, struct chart *c, int durations)
{
	static const int64_t steps[] = {
		KVPT_MS_MIN, 2 * KVPT_MS_MIN, 5 * KVPT_MS_MIN,
		10 * KVPT_MS_MIN, 15 * KVPT_MS_MIN, 20 * KVPT_MS_MIN,
		30 * KVPT_MS_MIN, KVPT_MS_HOUR, 2 * KVPT_MS_HOUR,
		3 * KVPT_MS_HOUR, 4 * KVPT_MS_HOUR, 6 * KVPT_MS_HOUR,
		12 * KVPT_MS_HOUR, KVPT_MS_DAY, 2 * KVPT_MS_DAY, 5 * KVPT_MS_DAY,
		10 * KVPT_MS_DAY, 30 * KVPT_MS_DAY, 100 * KVPT_MS_DAY,
		365 * KVPT_MS_DAY, 1000 * KVPT_MS_DAY };
	double per_ms = (c->x1 - c->x0) / (c->hi - c->lo);
	double min_px = text_width(r, durations ? "10h30m" : "N+10 07:30",
				   r->f.chart_small) + 10;
	size_t i;

	c->durations = durations;
	for (i = 0; i + 1 < sizeof(steps) / sizeof(steps[0]); i++)
		if ((double)steps[i] * per_ms >= min_px)
			break;
	c->step = steps[i];
}

/* The axis: tick labels above the plot at y, grid lines down to y1. */
static void chart_axis(struct render *r, const struct chart *c, double y,
		       double y1)
{
	struct style st = { r->f.chart_small, A_CENTER, 0, 0, 0, 0 };
	int64_t t, first;
	char buf[40];

	if (!r->cr)
		return;
	first = (int64_t)ceil(c->lo / (double)c->step) * c->step;
	for (t = first; (double)t <= c->hi + EPS; t += c->step) {
		double x = chart_x(c, (double)t), w, lx;

		tick_label(c, t, buf, sizeof(buf));
		w = text_width(r, buf, st.font);
		lx = x - w / 2;
		if (lx + w > c->x1 + 8)
			lx = c->x1 + 8 - w;
		if (lx < c->x0 - 8)
			lx = c->x0 - 8;
		st.align = A_LEFT;
		put(r, buf, &st, lx, y + 1, 0, C_AXIS);
		set_rgb(r->cr, C_GRID);
		cairo_set_line_width(r->cr, 0.4);
		cairo_move_to(r->cr, x, y + AXIS_H - 2);
		cairo_line_to(r->cr, x, y1);
		cairo_stroke(r->cr);
	}
}

static void chart_frame(struct render *r, const struct chart *c, double y0,
			double y1)
{
	if (!r->cr)
		return;
	set_rgb(r->cr, C_AXIS);
	cairo_set_line_width(r->cr, 0.6);
	cairo_rectangle(r->cr, c->x0, y0, c->x1 - c->x0, y1 - y0);
	cairo_stroke(r->cr);
}

/* A row label in the gutter, one line, cut with "…". */
static void chart_label(struct render *r, struct chart *c, const char *s,
			double y, double row_h, const PangoFontDescription *f)
{
	int w, h;

	if (!r->cr)
		return;
	pango_layout_set_font_description(c->label, f);
	pango_layout_set_text(c->label, s, -1);
	pango_layout_get_size(c->label, &w, &h);
	set_rgb(r->cr, C_TEXT);
	cairo_move_to(r->cr, r->x, y + (row_h - pt(h)) / 2);
	pango_cairo_show_layout(r->cr, c->label);
}

/* The gutter: the widest label, within a third of the width. */
static void chart_gutter(struct render *r, struct chart *c,
			 const char *const *labels, size_t n, size_t stride)
{
	double w = 40, lw;
	size_t i;

	for (i = 0; i < n && r->cr; i++) {
		const char *s = *(const char *const *)((const char *)labels +
						       i * stride);

		lw = text_width(r, s, r->f.chart) + 8;
		if (lw > w)
			w = lw;
		if (w >= r->width * 0.3)
			break;
	}
	c->gutter = w > r->width * 0.3 ? r->width * 0.3 : w;
	c->x0 = r->x + c->gutter;
	c->x1 = r->x + r->width - 10;
	c->label = pango_layout_new(r->ctx);
	pango_layout_set_width(c->label, pu(c->gutter - 6));
	pango_layout_set_ellipsize(c->label, PANGO_ELLIPSIZE_END);
	pango_layout_set_single_paragraph_mode(c->label, TRUE);
}

struct legend_item {
	int kind;		/* how the swatch is drawn, per chart */
	const char *text;
};

enum swatch { SW_PLAN, SW_ACTUAL, SW_LATE, SW_POINT, SW_MET, SW_MISSED,
	      SW_DEADLINE, SW_LINE, SW_DASH, SW_DIAMOND, SW_DOT };

static void diamond(cairo_t *cr, double x, double y, double s)
{
	cairo_move_to(cr, x, y - s);
	cairo_line_to(cr, x + s, y);
	cairo_line_to(cr, x, y + s);
	cairo_line_to(cr, x - s, y);
	cairo_close_path(cr);
}

static void swatch(cairo_t *cr, int kind, double x, double y)
{
	cairo_set_line_width(cr, 0.8);
	cairo_set_dash(cr, NULL, 0, 0);
	switch (kind) {
	case SW_PLAN:
		set_rgb(cr, C_PLAN_FILL);
		cairo_rectangle(cr, x, y - 4, 14, 8);
		cairo_fill_preserve(cr);
		set_rgb(cr, C_PLAN_LINE);
		cairo_stroke(cr);
		break;
	case SW_ACTUAL:
	case SW_LATE:
	case SW_MET:
		set_rgb(cr, kind == SW_ACTUAL ? C_ACTUAL : kind == SW_LATE ?
			C_LATE : C_MET);
		cairo_rectangle(cr, x, y - 2.5, 14, 5);
		cairo_fill(cr);
		break;
	case SW_POINT:
		set_rgb(cr, C_ACTUAL);
		diamond(cr, x + 7, y, 3.5);
		cairo_fill(cr);
		break;
	case SW_MISSED:
		set_rgb(cr, C_LATE);
		cairo_rectangle(cr, x + 0.5, y - 2.5, 13, 5);
		cairo_stroke(cr);
		cairo_move_to(cr, x + 0.5, y + 2.5);
		cairo_line_to(cr, x + 13.5, y - 2.5);
		cairo_stroke(cr);
		break;
	case SW_DEADLINE:
		set_rgb(cr, C_TEXT);
		cairo_set_line_width(cr, 1.2);
		cairo_move_to(cr, x + 7, y - 5);
		cairo_line_to(cr, x + 7, y + 5);
		cairo_stroke(cr);
		break;
	case SW_LINE:
		set_rgb(cr, C_ACTUAL);
		cairo_set_line_width(cr, 1.6);
		cairo_move_to(cr, x, y);
		cairo_line_to(cr, x + 14, y);
		cairo_stroke(cr);
		break;
	case SW_DASH: {
		static const double dash[] = { 3, 2 };

		set_rgb(cr, C_LAD_PLAN);
		cairo_set_line_width(cr, 1);
		cairo_set_dash(cr, dash, 2, 0);
		cairo_move_to(cr, x, y);
		cairo_line_to(cr, x + 14, y);
		cairo_stroke(cr);
		cairo_set_dash(cr, NULL, 0, 0);
		break;
	}
	case SW_DIAMOND:
		set_rgb(cr, 0xffffff);
		diamond(cr, x + 7, y, 3.2);
		cairo_fill_preserve(cr);
		set_rgb(cr, C_LAD_PLAN);
		cairo_stroke(cr);
		break;
	case SW_DOT:
		set_rgb(cr, C_ACTUAL);
		cairo_arc(cr, x + 7, y, 2, 0, 2 * G_PI);
		cairo_fill(cr);
		break;
	}
}

/* The legend, centred under the chart, then the caption. */
static void chart_tail(struct render *r, const struct block *b,
		       const struct legend_item *items, size_t n)
{
	struct style st = { r->f.chart, A_LEFT, 0, 0, 0, 0 };
	double w = 0, x;
	size_t i;

	r->y += 4;
	if (r->cr) {
		for (i = 0; i < n; i++)
			w += 18 + text_width(r, items[i].text, st.font) + 12;
		x = r->x + (r->width - w + 12) / 2;
		for (i = 0; i < n; i++) {
			swatch(r->cr, items[i].kind, x, r->y + LEGEND_H / 2);
			x += 18;
			put_mid(r, items[i].text, &st, x,
				r->y + LEGEND_H / 2, C_TEXT);
			x += text_width(r, items[i].text, st.font) + 12;
		}
	}
	r->y += LEGEND_H;
	r->figure++;
	render_caption(r, "Hình", r->figure, b->caption, 0);
}

/* The legend and the caption's height. */
static double chart_tail_height(struct render *r, const struct block *b)
{
	return 4 + LEGEND_H + render_caption(r, "Hình", r->figure + 1,
					     b->caption, 1) + 2;
}

/* The n rows of a chart onto pages, in chunks of at least MIN_CHUNK rows
 * (the last row always with the tail, the legend and caption, tail high):
 * draw(r, c, from, to) sets rows [from, to) under an axis at the cursor. */
static void chart_rows(struct render *r, struct chart *c, size_t n,
		       double row_h, double tail,
		       void (*draw)(struct render *r, struct chart *c,
				    size_t from, size_t to))
{
	size_t i = 0, k;

	while (i < n && !r->stop) {
		double avail = r->bottom - r->y - AXIS_H - 2;
		size_t rem = n - i;

		if (avail - tail >= (double)rem * row_h) {
			draw(r, c, i, n);
			return;
		}
		k = avail > 0 ? (size_t)(avail / row_h) : 0;
		if (k >= rem)
			k = rem - 1;	/* the last row goes with the tail */
		if (k < MIN_CHUNK && k < rem && !at_top(r)) {
			new_page(r);
			continue;
		}
		if (k < 1)
			k = 1;
		draw(r, c, i, i + k);
		i += k;
		new_page(r);
	}
}

static void chart_empty(struct render *r)
{
	struct style st = { r->f.small_italic, A_CENTER, 0, 0, 0, 0 };

	if (r->cr) {
		set_rgb(r->cr, C_AXIS);
		cairo_set_line_width(r->cr, 0.6);
		cairo_rectangle(r->cr, r->x, r->y, r->width, 3 * r->line_h);
		cairo_stroke(r->cr);
	}
	put(r, "Không có số liệu", &st, r->x, r->y + r->line_h, r->width,
	    C_TEXT);
	r->y += 3 * r->line_h;
}

/* The timeline. */

/* Make [lo, hi] a span of at least an hour (from no data: around N 00:00). */
static void widen(double *lo, double *hi)
{
	double mid;

	if (!isfinite(*lo) && !isfinite(*hi))
		*lo = *hi = 0;
	else if (!isfinite(*lo))
		*lo = *hi;
	else if (!isfinite(*hi))
		*hi = *lo;
	if (*hi - *lo >= (double)KVPT_MS_HOUR)
		return;
	mid = (*lo + *hi) / 2;
	*lo = mid - (double)KVPT_MS_HOUR / 2;
	*hi = mid + (double)KVPT_MS_HOUR / 2;
}

static void tl_range(const struct block *b, double *lo, double *hi)
{
	size_t i;

	*lo = INFINITY;
	*hi = -INFINITY;
	for (i = 0; i < b->nitems; i++) {
		const struct tl_item *t = &b->tl[i];
		kvpt_time v[4] = { t->ps, t->pe, t->as, t->ae };
		int k;

		for (k = 0; k < 4; k++) {
			if (v[k] == KVPT_TIME_NONE)
				continue;
			if ((double)v[k] < *lo)
				*lo = (double)v[k];
			if ((double)v[k] > *hi)
				*hi = (double)v[k];
		}
	}
}

static void tl_draw(struct render *r, struct chart *c, size_t from,
		    size_t to)
{
	const struct block *b = c->b;
	double top = r->y + AXIS_H, y1 = top + (double)(to - from) * TL_ROW;
	size_t i;

	if (!r->cr) {
		r->y = y1 + 2;
		return;
	}
	for (i = from; i < to; i++) {
		double y = top + (double)(i - from) * TL_ROW;

		if ((i - from) % 2) {
			set_rgb(r->cr, C_STRIPE);
			cairo_rectangle(r->cr, c->x0, y, c->x1 - c->x0, TL_ROW);
			cairo_fill(r->cr);
		}
	}
	chart_axis(r, c, r->y, y1);
	for (i = from; i < to; i++) {
		const struct tl_item *t = &b->tl[i];
		double y = top + (double)(i - from) * TL_ROW, mid = y + TL_ROW / 2;
		int late;

		chart_label(r, c, t->label, y, TL_ROW, r->f.chart);
		cairo_set_line_width(r->cr, 0.7);
		if (t->pe != KVPT_TIME_NONE) {
			double xa = chart_x(c, (double)t->ps);
			double xb = chart_x(c, (double)t->pe);

			if (xb - xa < 1.5)
				xb = xa + 1.5;
			cairo_rectangle(r->cr, xa, mid - 4, xb - xa, 8);
			set_rgb(r->cr, C_PLAN_FILL);
			cairo_fill_preserve(r->cr);
			set_rgb(r->cr, C_PLAN_LINE);
			cairo_stroke(r->cr);
		} else {
			diamond(r->cr, chart_x(c, (double)t->ps), mid, 4);
			set_rgb(r->cr, C_PLAN_FILL);
			cairo_fill_preserve(r->cr);
			set_rgb(r->cr, C_PLAN_LINE);
			cairo_stroke(r->cr);
		}
		if (t->as == KVPT_TIME_NONE)
			continue;
		late = (t->ae != KVPT_TIME_NONE ? t->ae : t->as) >
		       (t->pe != KVPT_TIME_NONE ? t->pe : t->ps);
		set_rgb(r->cr, late ? C_LATE : C_ACTUAL);
		if (t->ae != KVPT_TIME_NONE) {
			double xa = chart_x(c, (double)t->as);
			double xb = chart_x(c, (double)t->ae);

			if (xb - xa < 1.5)
				xb = xa + 1.5;
			cairo_rectangle(r->cr, xa, mid - 2, xb - xa, 4);
			cairo_fill(r->cr);
		} else {
			diamond(r->cr, chart_x(c, (double)t->as), mid, 2.8);
			cairo_fill(r->cr);
		}
	}
	chart_frame(r, c, top, y1);
	r->y = y1 + 2;
}

static void render_timeline(struct render *r, const struct block *b)
{
	static const struct legend_item legend[] = {
		{ SW_PLAN, "Kế hoạch" }, { SW_ACTUAL, "Thực tế" },
		{ SW_LATE, "Chậm so với kế hoạch" },
		{ SW_POINT, "Thời điểm (tình huống)" } };
	struct chart c;
	double pad;

	memset(&c, 0, sizeof(c));
	c.b = b;
	chart_gutter(r, &c, &b->tl[0].label, b->nitems, sizeof(*b->tl));
	tl_range(b, &c.lo, &c.hi);
	widen(&c.lo, &c.hi);
	pad = (c.hi - c.lo) * 0.02;
	c.lo -= pad;
	c.hi += pad;
	chart_ticks(r, &c, 0);
	chart_rows(r, &c, b->nitems, TL_ROW, chart_tail_height(r, b), tl_draw);
	chart_tail(r, b, legend, sizeof(legend) / sizeof(legend[0]));
	g_object_unref(c.label);
}

/* Response times. */

static double resp_scale(const struct block *b)
{
	double max_allowed = 0, max = 0;
	size_t i;

	for (i = 0; i < b->nitems; i++) {
		const struct resp_item *it = &b->resp[i];

		if ((double)it->allowed > max_allowed)
			max_allowed = (double)it->allowed;
		if ((double)it->allowed > max)
			max = (double)it->allowed;
		if ((double)it->response > max)
			max = (double)it->response;
	}
	/* An outlier far past every limit does not squash the rest. */
	if (max > 3 * max_allowed && max_allowed > 0)
		max = 3 * max_allowed;
	return max > 0 ? max * 1.05 : (double)KVPT_MS_HOUR;
}

static void resp_draw(struct render *r, struct chart *c, size_t from,
		      size_t to)
{
	struct style st = { r->f.chart_small, A_LEFT, 0, 0, 0, 0 };
	const struct block *b = c->b;
	double top = r->y + AXIS_H, y1 = top + (double)(to - from) * RESP_ROW;
	char buf[40];
	size_t i;

	if (!r->cr) {
		r->y = y1 + 2;
		return;
	}
	for (i = from; i < to; i++)
		if ((i - from) % 2) {
			set_rgb(r->cr, C_STRIPE);
			cairo_rectangle(r->cr, c->x0, top + (double)(i - from) *
					RESP_ROW, c->x1 - c->x0, RESP_ROW);
			cairo_fill(r->cr);
		}
	chart_axis(r, c, r->y, y1);
	for (i = from; i < to; i++) {
		const struct resp_item *it = &b->resp[i];
		double y = top + (double)(i - from) * RESP_ROW;
		double mid = y + RESP_ROW / 2, xd, xe = c->x0;
		const char *word = NULL;
		int cut = 0;

		chart_label(r, c, it->label, y, RESP_ROW, r->f.chart);
		cairo_set_line_width(r->cr, 0.8);
		if (it->response >= 0 && it->status != R_MISSED) {
			double v = (double)it->response;

			if (v > c->hi) {
				v = c->hi;
				cut = 1;
			}
			xe = chart_x(c, v);
			set_rgb(r->cr, it->status == R_LATE ? C_LATE :
				it->status == R_MET ? C_MET : C_PENDING);
			cairo_rectangle(r->cr, c->x0, mid - 3,
					xe - c->x0 < 1 ? 1 : xe - c->x0, 6);
			cairo_fill(r->cr);
			if (cut) {	/* a break mark on the cut bar */
				set_rgb(r->cr, 0xffffff);
				cairo_set_line_width(r->cr, 1.2);
				cairo_move_to(r->cr, xe - 6, mid + 4);
				cairo_line_to(r->cr, xe - 4, mid - 4);
				cairo_move_to(r->cr, xe - 3.5, mid + 4);
				cairo_line_to(r->cr, xe - 1.5, mid - 4);
				cairo_stroke(r->cr);
			}
			kvpt_duration_format(it->response, buf, sizeof(buf));
			word = buf;
		} else if (it->status == R_MISSED) {
			double v = (double)(it->response > it->allowed ?
					    it->response : it->allowed);

			xe = chart_x(c, v > c->hi ? c->hi : v);
			set_rgb(r->cr, C_LATE);
			cairo_rectangle(r->cr, c->x0 + 0.5, mid - 3,
					xe - c->x0 - 1, 6);
			cairo_stroke(r->cr);
			cairo_move_to(r->cr, c->x0 + 0.5, mid + 3);
			cairo_line_to(r->cr, xe - 0.5, mid - 3);
			cairo_stroke(r->cr);
			word = resp_words[R_MISSED];
		} else {
			word = resp_words[it->status];
		}
		xd = chart_x(c, (double)it->allowed > c->hi ? c->hi :
			     (double)it->allowed);
		set_rgb(r->cr, C_TEXT);
		cairo_set_line_width(r->cr, 1.2);
		cairo_move_to(r->cr, xd, y + 1);
		cairo_line_to(r->cr, xd, y + RESP_ROW - 1);
		cairo_stroke(r->cr);
		if (word) {
			double ww = text_width(r, word, st.font);
			double wx = (xe > xd ? xe : xd) + 3;
			unsigned rgb = it->status == R_LATE ||
				       it->status == R_MISSED ? C_LATE : C_AXIS;

			if (wx + ww > c->x1 - 1 && cut) {
				wx = xe - 9 - ww;	/* inside the bar */
				rgb = 0xffffff;
			} else if (wx + ww > c->x1 - 1) {
				wx = c->x1 - 1 - ww;
			}
			put_mid(r, word, &st, wx, mid, rgb);
		}
	}
	chart_frame(r, c, top, y1);
	r->y = y1 + 2;
}

static void render_response(struct render *r, const struct block *b)
{
	static const struct legend_item legend[] = {
		{ SW_MET, "Đúng hạn" }, { SW_LATE, "Muộn" },
		{ SW_MISSED, "Quá hạn, không xử lý" },
		{ SW_DEADLINE, "Thời gian cho phép" } };
	struct chart c;

	memset(&c, 0, sizeof(c));
	c.b = b;
	chart_gutter(r, &c, &b->resp[0].label, b->nitems, sizeof(*b->resp));
	c.lo = 0;
	c.hi = resp_scale(b);
	chart_ticks(r, &c, 1);
	chart_rows(r, &c, b->nitems, RESP_ROW, chart_tail_height(r, b),
		   resp_draw);
	chart_tail(r, b, legend, sizeof(legend) / sizeof(legend[0]));
	g_object_unref(c.label);
}

/* State ladders. */

static double lad_strip_h(const struct block *b)
{
	return LAD_HEAD + (double)(b->nstates - 1) * LAD_STEP + 2 * LAD_PAD +
	       LAD_GAP;
}

static void lad_range(const struct block *b, double *lo, double *hi)
{
	size_t i, k;

	*lo = INFINITY;
	*hi = -INFINITY;
	for (i = 0; i < b->nseries; i++) {
		const struct series *s = &b->series[i];

		for (k = 0; k < s->npoints; k++) {
			*lo = fmin(*lo, (double)s->points[k].t);
			*hi = fmax(*hi, (double)s->points[k].t);
		}
		for (k = 0; k < s->nplanned; k++) {
			*lo = fmin(*lo, (double)s->planned[k].t);
			*hi = fmax(*hi, (double)s->planned[k].t);
		}
	}
	if (b->t_from != KVPT_TIME_NONE)
		*lo = (double)b->t_from;
	if (b->t_to != KVPT_TIME_NONE)
		*hi = (double)b->t_to;
	widen(lo, hi);
}

/* A step line through pts from its first point to the axis's end. */
static void lad_path(cairo_t *cr, const struct chart *c,
		     const struct step *pts, size_t n, double base)
{
	size_t k;

	for (k = 0; k < n; k++) {
		double x = chart_x(c, (double)pts[k].t);
		double y = base - pts[k].state * LAD_STEP;

		if (!k)
			cairo_move_to(cr, x, y);
		else
			cairo_line_to(cr, x, base - pts[k - 1].state *
				      LAD_STEP);
		cairo_line_to(cr, x, y);
	}
	if (n)
		cairo_line_to(cr, c->x1, base - pts[n - 1].state * LAD_STEP);
}

static void lad_draw(struct render *r, struct chart *c, size_t from,
		     size_t to)
{
	static const double dash[] = { 3, 2 };
	struct style head = { r->f.chart_bold, A_LEFT, 0, 0, 0, 1 };
	const struct block *b = c->b;
	double strip = lad_strip_h(b), top = r->y + AXIS_H;
	double y1 = top + (double)(to - from) * strip - LAD_GAP;
	size_t i, k;

	if (!r->cr) {
		r->y = y1 + 2;
		return;
	}
	chart_axis(r, c, r->y, top);
	for (i = from; i < to; i++) {
		const struct series *s = &b->series[i];
		double y = top + (double)(i - from) * strip;
		double p0 = y + LAD_HEAD, p1 = p0 + strip - LAD_HEAD - LAD_GAP;
		double base = p1 - LAD_PAD;

		put(r, s->label, &head, c->x0, y + 1, c->x1 - c->x0, C_TEXT);
		/* the grid: ticks and one line per state */
		set_rgb(r->cr, C_GRID);
		cairo_set_line_width(r->cr, 0.4);
		for (k = 0; k < b->nstates; k++) {
			cairo_move_to(r->cr, c->x0, base - (double)k * LAD_STEP);
			cairo_line_to(r->cr, c->x1, base - (double)k * LAD_STEP);
		}
		{
			int64_t t = (int64_t)ceil(c->lo / (double)c->step) *
				    c->step;

			for (; (double)t <= c->hi + EPS; t += c->step) {
				cairo_move_to(r->cr, chart_x(c, (double)t), p0);
				cairo_line_to(r->cr, chart_x(c, (double)t), p1);
			}
		}
		cairo_stroke(r->cr);
		for (k = 0; k < b->nstates; k++)
			chart_label(r, c, b->states[k],
				    base - (double)k * LAD_STEP - LAD_STEP / 2,
				    LAD_STEP, r->f.chart_small);
		chart_frame(r, c, p0, p1);
		cairo_save(r->cr);
		cairo_rectangle(r->cr, c->x0, p0, c->x1 - c->x0, p1 - p0);
		cairo_clip(r->cr);
		if (s->nplanned) {
			set_rgb(r->cr, C_LAD_PLAN);
			cairo_set_line_width(r->cr, 1);
			cairo_set_dash(r->cr, dash, 2, 0);
			lad_path(r->cr, c, s->planned, s->nplanned, base);
			cairo_stroke(r->cr);
			cairo_set_dash(r->cr, NULL, 0, 0);
		}
		set_rgb(r->cr, C_ACTUAL);
		cairo_set_line_width(r->cr, 1.6);
		lad_path(r->cr, c, s->points, s->npoints, base);
		cairo_stroke(r->cr);
		for (k = 0; k < s->npoints; k++) {
			cairo_arc(r->cr, chart_x(c, (double)s->points[k].t),
				  base - s->points[k].state * LAD_STEP, 2, 0,
				  2 * G_PI);
			cairo_fill(r->cr);
		}
		cairo_set_line_width(r->cr, 0.9);
		for (k = 0; k < s->nplanned; k++) {
			diamond(r->cr, chart_x(c, (double)s->planned[k].t),
				base - s->planned[k].state * LAD_STEP, 3.2);
			set_rgb(r->cr, 0xffffff);
			cairo_fill_preserve(r->cr);
			set_rgb(r->cr, C_LAD_PLAN);
			cairo_stroke(r->cr);
		}
		cairo_restore(r->cr);
	}
	r->y = y1 + 2;
}

static void render_ladder(struct render *r, const struct block *b)
{
	static const struct legend_item legend[] = {
		{ SW_LINE, "Thực tế" }, { SW_DOT, "Thời điểm chuyển thực tế" },
		{ SW_DASH, "Kế hoạch" },
		{ SW_DIAMOND, "Thời điểm chuyển theo kế hoạch" } };
	struct chart c;

	memset(&c, 0, sizeof(c));
	c.b = b;
	chart_gutter(r, &c, b->states, b->nstates, sizeof(*b->states));
	lad_range(b, &c.lo, &c.hi);
	chart_ticks(r, &c, 0);
	chart_rows(r, &c, b->nseries, lad_strip_h(b), chart_tail_height(r, b),
		   lad_draw);
	chart_tail(r, b, legend, sizeof(legend) / sizeof(legend[0]));
	g_object_unref(c.label);
}

static size_t chart_count(const struct block *b)
{
	return b->kind == C_LADDER ? b->nseries : b->nitems;
}

static double chart_row_h(const struct block *b)
{
	return b->kind == C_TIMELINE ? TL_ROW : b->kind == C_RESPONSE ?
	       RESP_ROW : lad_strip_h(b);
}

/* The whole chart's height. */
static double chart_height(struct render *r, const struct block *b)
{
	size_t n = chart_count(b);

	if (!n)
		return 3 * r->line_h + chart_tail_height(r, b);
	return AXIS_H + 2 + (double)n * chart_row_h(b) +
	       chart_tail_height(r, b);
}

static void render_chart(struct render *r, const struct block *b)
{
	size_t n = chart_count(b);

	ensure(r, block_min_height(r, (size_t)(b - r->doc->blocks)));
	if (!n) {
		chart_empty(r);
		r->figure++;
		render_caption(r, "Hình", r->figure, b->caption, 0);
		r->y += 0.8 * r->base;
		return;
	}
	if (b->kind == C_TIMELINE)
		render_timeline(r, b);
	else if (b->kind == C_RESPONSE)
		render_response(r, b);
	else
		render_ladder(r, b);
	r->y += 0.8 * r->base;
}

/* What must start on the same page as block i's title above it. */
static double block_min_height(struct render *r, size_t i)
{
	const struct block *b;

	if (i >= r->doc->nblocks)
		return r->doc->signed_ ? 4 * r->line_h : 0;
	b = &r->doc->blocks[i];
	switch (b->type) {
	case B_SECTION:
	case B_SUBSECTION:
		return 2 * r->line_h + 2 * r->line_h;
	case B_PARAGRAPH:
	case B_LESSON:
	case B_BULLETS:
		return 2 * r->line_h;
	case B_TABLE:
		return table_min_height(r, b);
	case B_CHART:
		/* Whole when it fits a page, else its first rows. */
		if (chart_height(r, b) <= r->bottom - r->top)
			return chart_height(r, b);
		return AXIS_H + 2 + MIN_CHUNK * chart_row_h(b);
	default:
		return 0;
	}
}

/* The signature block: "Nơi nhận:" left, the signer right. */
static void render_signature(struct render *r)
{
	const struct doc *d = r->doc;
	const double rw = r->width * 0.55, rx = r->x + r->width - rw;
	const double lw = r->width - rw - 6;
	struct style center = { r->f.body_bold, A_CENTER, 0, 0, 1.1, 0 };
	struct style left = { r->f.cell, A_LEFT, 0, 0, 0, 0 };
	struct text title, note, name, rec_head;
	struct text *rec = xcalloc(d->nrecipients + 1, sizeof(*rec));
	double rh, lh, h, y;
	char *up = upper(d->sig_title);
	size_t i;

	text_init(r, &title, up, &center, rw, NULL);
	center.font = r->f.body_italic;
	text_init(r, &note, d->sig_note, &center, rw, NULL);
	center.font = r->f.body_bold;
	text_init(r, &name, d->sig_name, &center, rw, NULL);
	rh = text_height(&title) + text_height(&note) + 3.5 * r->line_h +
	     text_height(&name);
	left.font = r->f.small_bold;
	text_init(r, &rec_head, "Nơi nhận:", &left, lw, NULL);
	lh = d->nrecipients ? text_height(&rec_head) + 2 : 0;
	left.font = r->f.cell;
	for (i = 0; i < d->nrecipients; i++) {
		text_init(r, &rec[i], d->recipients[i], &left, lw, NULL);
		lh += text_height(&rec[i]);
	}
	h = rh > lh ? rh : lh;
	r->y += 0.6 * r->base;
	ensure(r, h);
	y = r->y;
	draw_lines(r, &title, 0, title.n, rx, y, C_TEXT);
	y += text_height(&title);
	draw_lines(r, &note, 0, note.n, rx, y, C_TEXT);
	y += text_height(&note) + 3.5 * r->line_h;
	draw_lines(r, &name, 0, name.n, rx, y, C_TEXT);
	if (d->nrecipients) {
		y = r->y + 2;
		if (r->cr) {	/* bold italic, as the decree has it */
			PangoFontDescription *bi = pango_font_description_copy(
				r->f.small_bold);

			pango_font_description_set_style(bi, PANGO_STYLE_ITALIC);
			left.font = bi;
			put(r, "Nơi nhận:", &left, r->x, y, lw, C_TEXT);
			pango_font_description_free(bi);
		}
		y += text_height(&rec_head) + 2;
		for (i = 0; i < d->nrecipients; i++) {
			draw_lines(r, &rec[i], 0, rec[i].n, r->x, y, C_TEXT);
			y += text_height(&rec[i]);
		}
	}
	r->y += h;
	for (i = 0; i < d->nrecipients; i++)
		text_release(&rec[i]);
	free(rec);
	text_release(&rec_head);
	text_release(&title);
	text_release(&note);
	text_release(&name);
	g_free(up);
}

/* One pass over the whole report. */
static void render_doc(struct render *r)
{
	const struct doc *d = r->doc;
	size_t i;

	r->page = 0;
	r->section = r->subsection = r->lesson = r->table = r->figure = 0;
	r->outline = 0;
	r->page = 1;
	r->y = r->top;
	draw_header(r);
	for (i = 0; i < d->nblocks && !r->stop; i++) {
		const struct block *b = &d->blocks[i];

		switch (b->type) {
		case B_SECTION:
		case B_SUBSECTION:
			render_title(r, i);
			break;
		case B_PARAGRAPH:
			render_paragraph(r, b->text, NULL);
			break;
		case B_BULLETS:
			render_bullets(r, b);
			break;
		case B_LESSON:
			render_lesson(r, b);
			break;
		case B_TABLE:
			render_table(r, b);
			break;
		case B_CHART:
			render_chart(r, b);
			break;
		case B_PAGE_BREAK:
			if (!at_top(r))
				new_page(r);
			break;
		default:
			break;
		}
	}
	if (d->signed_ && !r->stop)
		render_signature(r);
	if (r->cr && !r->stop) {
		draw_footer(r);
		cairo_show_page(r->cr);
	}
}

static cairo_status_t sink_write(void *closure, const unsigned char *data,
				 unsigned int len)
{
	struct sink *s = closure;

	if (s->over || s->out->len - s->start + len > KVPT_PDF_MAX_BYTES) {
		s->over = 1;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	kvpt_buf_add(s->out, data, len);
	return CAIRO_STATUS_SUCCESS;
}

static void set_metadata(cairo_surface_t *surface, const struct doc *d)
{
	struct kvpt_buf s = KVPT_BUF_INIT;
	char *title = upper(d->title);

	kvpt_buf_addf(&s, "%s%s%s", title, d->subtitle ? " - " : "",
		      d->subtitle ? d->subtitle : "");
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, s.s);
	kvpt_buf_release(&s);
	g_free(title);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR,
				       d->issuer);
	if (d->subtitle)
		cairo_pdf_surface_set_metadata(surface,
			CAIRO_PDF_METADATA_SUBJECT, d->subtitle);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR,
				       "kvpt " KVPT_VERSION);
	if (d->created[0]) {
		cairo_pdf_surface_set_metadata(surface,
			CAIRO_PDF_METADATA_CREATE_DATE, d->created);
		cairo_pdf_surface_set_metadata(surface,
			CAIRO_PDF_METADATA_MOD_DATE, d->created);
	}
}

static void render_init(struct render *r, const struct doc *d)
{
	cairo_font_options_t *fo = cairo_font_options_create();
	struct style st;
	struct text t;

	memset(r, 0, sizeof(*r));
	r->doc = d;
	r->fontmap = pango_cairo_font_map_new();
	/* Points as cairo's units: 72 per inch. */
	pango_cairo_font_map_set_resolution(
		PANGO_CAIRO_FONT_MAP(r->fontmap), 72);
	r->ctx = pango_font_map_create_context(r->fontmap);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(r->ctx, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_round_glyph_positions(r->ctx, FALSE);
	pango_context_set_language(r->ctx, pango_language_from_string("vi"));
	fonts_init(r);
	r->x = MARGIN_LEFT;
	r->width = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT;
	r->top = MARGIN_TOP;
	r->bottom = PAGE_H - MARGIN_BOTTOM;
	st = body_style(r);
	text_init(r, &t, "Ấy ệ", &st, r->width, NULL);
	r->line_h = text_height(&t);
	text_release(&t);
}

static void render_release(struct render *r)
{
	fonts_release(&r->f);
	if (r->ctx)
		g_object_unref(r->ctx);
	if (r->fontmap)
		g_object_unref(r->fontmap);
}

int kvpt_pdf_render(const json_t *doc, struct kvpt_buf *out,
		    struct kvpt_buf *err)
{
	struct kvpt_arena arena;
	struct render r;
	struct sink sink;
	struct doc d;
	cairo_status_t st;
	int rc, pages;

	kvpt_arena_init(&arena);
	rc = check_doc(doc, &d, &arena, err);
	if (rc)
		goto out_arena;
	render_init(&r, &d);

	/* Count the pages. */
	render_doc(&r);
	if (r.stop) {
		rc = fail(err, KVPT_ETOOBIG, "the report would have more than "
			  "%d pages", KVPT_PDF_MAX_PAGES);
		goto out_render;
	}
	pages = r.page;

	/* Draw them. */
	sink.out = out;
	sink.start = out->len;
	sink.over = 0;
	r.sink = &sink;
	r.npages = pages;
	r.surface = cairo_pdf_surface_create_for_stream(sink_write, &sink,
							PAGE_W, PAGE_H);
	set_metadata(r.surface, &d);
	r.cr = cairo_create(r.surface);
	render_doc(&r);
	st = cairo_status(r.cr);
	cairo_destroy(r.cr);
	r.cr = NULL;
	cairo_surface_finish(r.surface);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(r.surface);
	cairo_surface_destroy(r.surface);
	r.surface = NULL;
	if (sink.over)
		rc = fail(err, KVPT_ETOOBIG, "the report would take more than "
			  "%u MiB", KVPT_PDF_MAX_BYTES >> 20);
	else if (st != CAIRO_STATUS_SUCCESS)
		rc = fail(err, KVPT_EIO, "cairo: %s",
			  cairo_status_to_string(st));
	else if (r.page != pages)
		rc = fail(err, KVPT_EIO, "internal error: %d pages drawn, %d "
			  "counted", r.page, pages);
	if (rc && out->len > sink.start) {
		out->len = sink.start;
		out->s[out->len] = '\0';
	}
out_render:
	render_release(&r);
out_arena:
	kvpt_arena_release(&arena);
	return rc;
}

int kvpt_pdf_write(const json_t *doc, const char *path,
		   struct kvpt_buf *err)
{
	struct kvpt_buf pdf = KVPT_BUF_INIT;
	struct stat st;
	size_t off = 0;
	int existed, fd, rc;

	rc = kvpt_pdf_render(doc, &pdf, err);
	if (rc)
		goto out_release;
	existed = stat(path, &st) == 0;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		rc = fail(err, KVPT_EIO, "%s: %s", path, strerror(errno));
		goto out_release;
	}
	while (off < pdf.len) {
		ssize_t n = write(fd, pdf.s + off, pdf.len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = fail(err, KVPT_EIO, "%s: %s", path,
				  n < 0 ? strerror(errno) : "short write");
			break;
		}
		off += (size_t)n;
	}
	if (close(fd) && !rc)
		rc = fail(err, KVPT_EIO, "%s: %s", path, strerror(errno));
	if (rc && !existed)
		unlink(path);
out_release:
	kvpt_buf_release(&pdf);
	return rc;
}
