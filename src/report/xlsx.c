/*
 * xlsx: the workbook description checked in full (check_book), then
 * written with libxlsxwriter in its constant-memory mode, row after row, so
 * a sheet of a million rows costs little more than its description.  See
 * xlsx.h for the description.
 *
 * libxlsxwriter 1.1.4 is not reentrant in two places: it names its
 * temporary files from a static seed (tmpfileplus) and stamps the document
 * with gmtime().  Both happen only in workbook_add_worksheet() (the
 * constant-memory row file) and workbook_close(), so those two calls hold
 * one process-wide lock; everything else a render touches is its own.
 */
#include "xlsx.h"
#include "base/xalloc.h"
#include "model/model.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#define SHEET_NAME_MAX 31		/* Excel's limit, in UTF-16 units */
#define TZ_OFFSET_MAX (18 * 60)		/* ISO 8601's widest offset */
#define DEFAULT_WIDTH_MIN 10
#define DEFAULT_WIDTH_MAX 50

/* Excel serial day numbers: 1970-01-01 is 25569 (the 1900 system); days
 * before 1900-03-01 (61) are off by Excel's phantom 29 February 1900, and
 * 9999-12-31 is the last day Excel shows. */
#define EXCEL_UNIX_EPOCH 25569.0
#define EXCEL_FIRST_DAY 61.0
#define EXCEL_END 2958466.0

static pthread_mutex_t lxw_lock = PTHREAD_MUTEX_INITIALIZER;

enum col_type { T_TEXT, T_NUMBER, T_INTEGER, T_DATETIME, T_DATE, T_BOOL,
		NTYPES };
static const char *const type_names[NTYPES] = {
	"text", "number", "integer", "datetime", "date", "bool" };

enum row_style { S_NONE, S_OVERDUE, S_DONE, S_WARN, S_BOLD, NSTYLES };
static const char *const style_names[NSTYLES] = {
	NULL, "overdue", "done", "warn", "bold" };

struct column {
	const char *title;
	enum col_type type;
	double width;		/* 0: from the title */
	int wrap;
};

struct sheet {
	char *name;		/* made fit for Excel; owned */
	const char *title, *subtitle;	/* NULL when absent */
	struct column *cols;	/* owned */
	size_t ncols;
	const json_t *rows;
	const json_t *styles;	/* NULL when absent */
};

struct book {
	const char *title, *subject, *author;
	int tz_offset_min;
	struct sheet *sheets;	/* owned */
	size_t nsheets;
};

static int fail(struct kvpt_buf *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct kvpt_buf *err, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		kvpt_buf_vaddf(err, fmt, ap);
		va_end(ap);
	}
	return KVPT_EINVAL;
}

static const char *json_kind(const json_t *v)
{
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

/* An optional string member: 0 with *out NULL when absent or null. */
static int opt_string(const json_t *obj, const char *key, const char **out,
		      struct kvpt_buf *err, const char *where)
{
	const json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return fail(err, "%s%s: expected a string, got %s", where, key,
			    json_kind(v));
	*out = json_string_value(v);
	return 0;
}

/* UTF-8 (valid: jansson checks every string) → code point; *s advances. */
static unsigned next_cp(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	unsigned c = p[0];

	if (c < 0x80) {
		*s += 1;
		return c;
	}
	if (c < 0xe0) {
		*s += 2;
		return (c & 0x1f) << 6 | (p[1] & 0x3f);
	}
	if (c < 0xf0) {
		*s += 3;
		return (c & 0x0f) << 12 | (p[1] & 0x3f) << 6 | (p[2] & 0x3f);
	}
	*s += 4;
	return (c & 0x07) << 18 | (p[1] & 0x3f) << 12 | (p[2] & 0x3f) << 6 |
	       (p[3] & 0x3f);
}

static void add_cp(struct kvpt_buf *b, unsigned cp)
{
	if (cp < 0x80) {
		kvpt_buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		kvpt_buf_addc(b, (char)(0xc0 | cp >> 6));
		kvpt_buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		kvpt_buf_addc(b, (char)(0xe0 | cp >> 12));
		kvpt_buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3f)));
		kvpt_buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		kvpt_buf_addc(b, (char)(0xf0 | cp >> 18));
		kvpt_buf_addc(b, (char)(0x80 | (cp >> 12 & 0x3f)));
		kvpt_buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3f)));
		kvpt_buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

/* Bytes of the longest prefix of s (len bytes) that fits in max UTF-16
 * units, as Excel counts characters. */
static size_t fit_units(const char *s, size_t len, size_t max)
{
	const char *p = s, *end = s + len;
	size_t units = 0, w;

	if (len <= max)
		return len;	/* never more units than bytes */
	while (p < end) {
		const char *q = p;

		w = next_cp(&q) >= 0x10000 ? 2 : 1;
		if (units + w > max)
			break;
		units += w;
		p = q;
	}
	return (size_t)(p - s);
}

/* Lower case for comparing sheet names as Excel does, without case: ASCII,
 * Latin-1, Latin Extended-A/B letters of Vietnamese and the Latin Extended
 * Additional block (ạ, ế, ỹ…), Greek and Cyrillic. */
static unsigned fold_cp(unsigned c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c < 0x80)
		return c;
	if (c >= 0xc0 && c <= 0xde && c != 0xd7)
		return c + 32;
	if ((c >= 0x100 && c <= 0x12f) || (c >= 0x132 && c <= 0x137) ||
	    (c >= 0x14a && c <= 0x177) || (c >= 0x1e00 && c <= 0x1e95) ||
	    (c >= 0x1ea0 && c <= 0x1eff))
		return c | 1;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
		return c & 1 ? c + 1 : c;
	if (c == 0x178)
		return 0xff;
	if (c == 0x1a0 || c == 0x1af)		/* Ơ, Ư */
		return c + 1;
	if (c >= 0x391 && c <= 0x3ab && c != 0x3a2)
		return c + 32;
	if (c >= 0x410 && c <= 0x42f)
		return c + 32;
	if (c >= 0x400 && c <= 0x40f)
		return c + 80;
	return c;
}

static void fold(const char *s, struct kvpt_buf *out)
{
	kvpt_buf_reset(out);
	while (*s)
		add_cp(out, fold_cp(next_cp(&s)));
}

/* Whether name is taken by one of the first n sheets (or is "History",
 * which Excel keeps for itself). */
static int name_taken(const struct sheet *sheets, size_t n, const char *name)
{
	struct kvpt_buf a = KVPT_BUF_INIT, b = KVPT_BUF_INIT;
	size_t i;
	int taken;

	fold(name, &a);
	taken = !strcmp(a.s, "history");
	for (i = 0; i < n && !taken; i++) {
		fold(sheets[i].name, &b);
		taken = !strcmp(a.s, b.s);
	}
	kvpt_buf_release(&a);
	kvpt_buf_release(&b);
	return taken;
}

/* Drop apostrophes at the end of b (Excel refuses them at either end). */
static void trim_quotes(struct kvpt_buf *b)
{
	while (b->len && b->s[b->len - 1] == '\'')
		b->s[--b->len] = '\0';
}

/* The name of sheet i (0-based) as Excel will take it, unique among the
 * sheets before it; a new string the caller frees. */
static char *sheet_name(const char *want, const struct sheet *sheets,
			size_t i)
{
	struct kvpt_buf base = KVPT_BUF_INIT, name = KVPT_BUF_INIT;
	const char *s = want ? want : "";
	char suffix[32];
	unsigned cp;
	int n;

	while (*s == '\'')
		s++;
	while (*s) {
		cp = next_cp(&s);
		if (cp < 0x20 || cp == 0x7f ||
		    (cp < 0x80 && strchr("[]:*?/\\", (int)cp)))
			kvpt_buf_addc(&base, '_');
		else
			add_cp(&base, cp);
	}
	if (base.s) {
		base.len = fit_units(base.s, base.len, SHEET_NAME_MAX);
		base.s[base.len] = '\0';
	}
	trim_quotes(&base);
	if (!base.len)
		kvpt_buf_addf(&base, "Trang %zu", i + 1);
	kvpt_buf_adds(&name, base.s);
	for (n = 2; name_taken(sheets, i, name.s); n++) {
		size_t keep;

		snprintf(suffix, sizeof(suffix), " (%d)", n);
		keep = fit_units(base.s, base.len,
				 SHEET_NAME_MAX - strlen(suffix));
		kvpt_buf_reset(&name);
		kvpt_buf_add(&name, base.s, keep);
		trim_quotes(&name);
		kvpt_buf_adds(&name, suffix);
	}
	kvpt_buf_release(&base);
	return kvpt_buf_detach(&name);
}

static int parse_type(const char *s)
{
	int t;

	for (t = 0; t < NTYPES; t++)
		if (!strcmp(s, type_names[t]))
			return t;
	return -1;
}

static int check_columns(const json_t *cols, struct sheet *sh,
			 struct kvpt_buf *err, const char *where)
{
	static const char *const keys[] = { "title", "type", "width", "wrap",
					    NULL };
	size_t j, n;

	if (!json_is_array(cols))
		return fail(err, "%scolumns: expected an array, got %s", where,
			    cols ? json_kind(cols) : "nothing");
	n = json_array_size(cols);
	if (n < 1 || n > KVPT_XLSX_MAX_COLUMNS)
		return fail(err, "%scolumns: %zu columns, expected 1 to %d",
			    where, n, KVPT_XLSX_MAX_COLUMNS);
	sh->cols = xcalloc(n, sizeof(*sh->cols));
	sh->ncols = n;
	for (j = 0; j < n; j++) {
		const json_t *c = json_array_get(cols, j), *v;
		struct column *col = &sh->cols[j];
		const char *bad;
		int t;

		if (!json_is_object(c))
			return fail(err, "%scolumns[%zu]: expected an object, "
				    "got %s", where, j, json_kind(c));
		if (!known_keys(c, keys, &bad))
			return fail(err, "%scolumns[%zu]: unknown key '%s'",
				    where, j, bad);
		v = json_object_get(c, "title");
		if (!json_is_string(v))
			return fail(err, "%scolumns[%zu].title: expected a "
				    "string, got %s", where, j,
				    v ? json_kind(v) : "nothing");
		col->title = json_string_value(v);
		v = json_object_get(c, "type");
		col->type = T_TEXT;
		if (v && !json_is_null(v)) {
			t = json_is_string(v) ? parse_type(json_string_value(v))
			    : -1;
			if (t < 0)
				return fail(err, "%scolumns[%zu].type: expected "
					    "text, number, integer, datetime, "
					    "date or bool", where, j);
			col->type = (enum col_type)t;
		}
		v = json_object_get(c, "width");
		if (v && !json_is_null(v)) {
			if (!json_is_number(v) || !(json_number_value(v) > 0) ||
			    json_number_value(v) > 255)
				return fail(err, "%scolumns[%zu].width: expected "
					    "a number of characters above 0 "
					    "and up to 255", where, j);
			col->width = json_number_value(v);
		}
		v = json_object_get(c, "wrap");
		if (v && !json_is_null(v)) {
			if (!json_is_boolean(v))
				return fail(err, "%scolumns[%zu].wrap: expected "
					    "true or false, got %s", where, j,
					    json_kind(v));
			col->wrap = json_is_true(v);
		}
	}
	return 0;
}

/* Excel's serial date-time of Unix ms in the book's offset; NAN when Excel
 * cannot show it. */
static double excel_time(double ms, int tz_offset_min, int date_only)
{
	double local = ms + tz_offset_min * 60000.0;
	double day = floor(local / 86400000.0), serial;

	/* The whole day exactly, the time of day in one rounding. */
	serial = day + EXCEL_UNIX_EPOCH;
	if (!date_only)
		serial += (local - day * 86400000.0) / 86400000.0;
	if (!(serial >= EXCEL_FIRST_DAY && serial < EXCEL_END))
		return NAN;
	return serial;
}

static int check_cell(const json_t *v, const struct column *col, int tz,
		      struct kvpt_buf *err, const char *where, size_t r,
		      size_t c)
{
	int ok;

	switch (col->type) {
	case T_TEXT:
		ok = json_is_string(v);
		break;
	case T_NUMBER:
		ok = json_is_number(v);
		break;
	case T_INTEGER:
		ok = json_is_integer(v);
		break;
	case T_DATETIME:
	case T_DATE:
		ok = json_is_number(v);
		if (ok && isnan(excel_time(json_number_value(v), tz,
					   col->type == T_DATE)))
			return fail(err, "%srows[%zu][%zu]: %.0f ms is outside "
				    "the dates Excel shows (1900-03-01 to "
				    "9999-12-31), in column '%s'", where, r, c,
				    json_number_value(v), col->title);
		break;
	case T_BOOL:
		ok = json_is_boolean(v);
		break;
	default:
		ok = 0;
	}
	if (!ok)
		return fail(err, "%srows[%zu][%zu]: column '%s' is %s%s, got %s",
			    where, r, c, col->title, type_names[col->type],
			    col->type == T_DATETIME || col->type == T_DATE ?
			    " (Unix ms)" : "", json_kind(v));
	return 0;
}

static int check_rows(struct sheet *sh, int tz, struct kvpt_buf *err,
		      const char *where)
{
	size_t r, c, n, nrows;
	int e;

	if (!json_is_array(sh->rows))
		return fail(err, "%srows: expected an array, got %s", where,
			    sh->rows ? json_kind(sh->rows) : "nothing");
	nrows = json_array_size(sh->rows);
	if (nrows > KVPT_XLSX_MAX_ROWS)
		return fail(err, "%srows: %zu rows, at most %d", where, nrows,
			    KVPT_XLSX_MAX_ROWS);
	for (r = 0; r < nrows; r++) {
		const json_t *row = json_array_get(sh->rows, r);

		if (!json_is_array(row))
			return fail(err, "%srows[%zu]: expected an array, got "
				    "%s", where, r, json_kind(row));
		n = json_array_size(row);
		if (n > sh->ncols)
			return fail(err, "%srows[%zu]: %zu cells for %zu "
				    "columns", where, r, n, sh->ncols);
		for (c = 0; c < n; c++) {
			const json_t *v = json_array_get(row, c);

			if (json_is_null(v))
				continue;
			e = check_cell(v, &sh->cols[c], tz, err, where, r, c);
			if (e)
				return e;
		}
	}
	if (!sh->styles)
		return 0;
	if (!json_is_array(sh->styles))
		return fail(err, "%sstyles: expected an array, got %s", where,
			    json_kind(sh->styles));
	if (json_array_size(sh->styles) != nrows)
		return fail(err, "%sstyles: %zu styles for %zu rows", where,
			    json_array_size(sh->styles), nrows);
	for (r = 0; r < nrows; r++) {
		const json_t *v = json_array_get(sh->styles, r);
		int s;

		if (json_is_null(v))
			continue;
		for (s = 1; s < NSTYLES && !(json_is_string(v) &&
		     !strcmp(json_string_value(v), style_names[s])); s++)
			;
		if (s == NSTYLES)
			return fail(err, "%sstyles[%zu]: expected null, "
				    "\"overdue\", \"done\", \"warn\" or "
				    "\"bold\"", where, r);
	}
	return 0;
}

static void release_book(struct book *bk)
{
	size_t i;

	for (i = 0; i < bk->nsheets; i++) {
		free(bk->sheets[i].name);
		free(bk->sheets[i].cols);
	}
	free(bk->sheets);
	bk->sheets = NULL;
	bk->nsheets = 0;
}

/* Check the whole description into *bk (released by the caller whatever
 * the outcome). */
static int check_book(const json_t *json, struct book *bk,
		      struct kvpt_buf *err)
{
	static const char *const book_keys[] = { "title", "subject", "author",
		"tz_offset_min", "sheets", NULL };
	static const char *const sheet_keys[] = { "name", "title", "subtitle",
		"columns", "rows", "styles", NULL };
	const json_t *sheets, *v;
	const char *bad;
	char where[64];
	size_t i, n;
	int e;

	memset(bk, 0, sizeof(*bk));
	if (!json_is_object(json))
		return fail(err, "workbook: expected an object, got %s",
			    json ? json_kind(json) : "nothing");
	if (!known_keys(json, book_keys, &bad))
		return fail(err, "workbook: unknown key '%s'", bad);
	e = opt_string(json, "title", &bk->title, err, "");
	if (!e)
		e = opt_string(json, "subject", &bk->subject, err, "");
	if (!e)
		e = opt_string(json, "author", &bk->author, err, "");
	if (e)
		return e;
	v = json_object_get(json, "tz_offset_min");
	if (v && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < -TZ_OFFSET_MAX
		    || json_integer_value(v) > TZ_OFFSET_MAX)
			return fail(err, "tz_offset_min: expected minutes east "
				    "of UTC, from %d to %d", -TZ_OFFSET_MAX,
				    TZ_OFFSET_MAX);
		bk->tz_offset_min = (int)json_integer_value(v);
	}
	sheets = json_object_get(json, "sheets");
	if (!json_is_array(sheets))
		return fail(err, "sheets: expected an array, got %s",
			    sheets ? json_kind(sheets) : "nothing");
	n = json_array_size(sheets);
	if (n < 1 || n > KVPT_XLSX_MAX_SHEETS)
		return fail(err, "sheets: %zu sheets, expected 1 to %d", n,
			    KVPT_XLSX_MAX_SHEETS);
	bk->sheets = xcalloc(n, sizeof(*bk->sheets));
	for (i = 0; i < n; i++) {
		const json_t *sj = json_array_get(sheets, i);
		struct sheet *sh = &bk->sheets[i];
		const char *name;

		snprintf(where, sizeof(where), "sheets[%zu].", i);
		if (!json_is_object(sj))
			return fail(err, "sheets[%zu]: expected an object, got "
				    "%s", i, json_kind(sj));
		if (!known_keys(sj, sheet_keys, &bad))
			return fail(err, "sheets[%zu]: unknown key '%s'", i,
				    bad);
		e = opt_string(sj, "name", &name, err, where);
		if (!e)
			e = opt_string(sj, "title", &sh->title, err, where);
		if (!e)
			e = opt_string(sj, "subtitle", &sh->subtitle, err,
				       where);
		if (e)
			return e;
		sh->name = sheet_name(name, bk->sheets, i);
		bk->nsheets = i + 1;
		e = check_columns(json_object_get(sj, "columns"), sh, err,
				  where);
		if (e)
			return e;
		sh->rows = json_object_get(sj, "rows");
		sh->styles = json_object_get(sj, "styles");
		if (json_is_null(sh->styles))
			sh->styles = NULL;
		e = check_rows(sh, bk->tz_offset_min, err, where);
		if (e)
			return e;
	}
	return 0;
}

/* Writing. */

struct writer {
	lxw_workbook *wb;
	int tz_offset_min;
	lxw_format *cell[NTYPES][2][NSTYLES];	/* made when first used */
	lxw_format *header, *title, *subtitle;
	struct kvpt_buf cut;			/* a string cut to size */
	lxw_error lerr;				/* first library error */
};

static lxw_format *cell_format(struct writer *w, enum col_type t, int wrap,
			       enum row_style s)
{
	lxw_format *f = w->cell[t][wrap][s];

	if (f)
		return f;
	f = workbook_add_format(w->wb);
	format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
	switch (t) {
	case T_INTEGER:
		format_set_num_format(f, "0");
		break;
	case T_DATETIME:
		format_set_num_format(f, "dd/mm/yyyy hh:mm");
		format_set_align(f, LXW_ALIGN_LEFT);
		break;
	case T_DATE:
		format_set_num_format(f, "dd/mm/yyyy");
		format_set_align(f, LXW_ALIGN_LEFT);
		break;
	case T_BOOL:
		format_set_align(f, LXW_ALIGN_CENTER);
		break;
	default:
		break;
	}
	if (wrap)
		format_set_text_wrap(f);
	switch (s) {
	case S_OVERDUE:
		format_set_bg_color(f, 0xFFC7CE);
		format_set_font_color(f, 0x9C0006);
		break;
	case S_DONE:
		format_set_bg_color(f, 0xE7E6E6);
		format_set_font_color(f, 0x595959);
		break;
	case S_WARN:
		format_set_bg_color(f, 0xFFEB9C);
		format_set_font_color(f, 0x9C5700);
		break;
	case S_BOLD:
		format_set_bold(f);
		break;
	default:
		break;
	}
	w->cell[t][wrap][s] = f;
	return f;
}

static void make_formats(struct writer *w)
{
	w->header = workbook_add_format(w->wb);
	format_set_bold(w->header);
	format_set_bg_color(w->header, 0xD9E1F2);
	format_set_bottom(w->header, LXW_BORDER_THIN);
	format_set_text_wrap(w->header);
	format_set_align(w->header, LXW_ALIGN_VERTICAL_CENTER);
	w->title = workbook_add_format(w->wb);
	format_set_bold(w->title);
	format_set_font_size(w->title, 14);
	w->subtitle = workbook_add_format(w->wb);
	format_set_italic(w->subtitle);
}

/* s, cut to Excel's cell limit when longer (into w->cut). */
static const char *fit(struct writer *w, const char *s)
{
	size_t len = strlen(s), keep = fit_units(s, len, KVPT_XLSX_MAX_STRING);

	if (keep == len)
		return s;
	kvpt_buf_reset(&w->cut);
	kvpt_buf_add(&w->cut, s, keep);
	return w->cut.s;
}

static void note(struct writer *w, lxw_error e)
{
	if (e && !w->lerr)
		w->lerr = e;
}

static void write_cell(struct writer *w, lxw_worksheet *ws, lxw_row_t r,
		       lxw_col_t c, const json_t *v, const struct column *col,
		       enum row_style s)
{
	lxw_format *f = cell_format(w, col->type, col->wrap, s);

	if (!v || json_is_null(v)) {
		if (s != S_NONE)
			note(w, worksheet_write_blank(ws, r, c, f));
		return;
	}
	switch (col->type) {
	case T_TEXT:
		note(w, worksheet_write_string(ws, r, c,
					       fit(w, json_string_value(v)), f));
		break;
	case T_NUMBER:
	case T_INTEGER:
		note(w, worksheet_write_number(ws, r, c, json_number_value(v),
					       f));
		break;
	case T_DATETIME:
	case T_DATE:
		note(w, worksheet_write_number(ws, r, c,
			excel_time(json_number_value(v), w->tz_offset_min,
				   col->type == T_DATE), f));
		break;
	case T_BOOL:
		note(w, worksheet_write_boolean(ws, r, c, json_is_true(v), f));
		break;
	default:
		break;
	}
}

static enum row_style row_style(const struct sheet *sh, size_t r)
{
	const json_t *v;
	int s;

	if (!sh->styles)
		return S_NONE;
	v = json_array_get(sh->styles, r);
	if (!json_is_string(v))
		return S_NONE;
	for (s = 1; s < NSTYLES; s++)
		if (!strcmp(json_string_value(v), style_names[s]))
			return (enum row_style)s;
	return S_NONE;
}

/* A width that shows the column's title: its characters, and some air. */
static double default_width(const struct column *col)
{
	const char *s = col->title;
	double n = 0;

	while (*s) {
		next_cp(&s);
		n++;
	}
	n += 3;
	if (col->type == T_DATETIME && n < 17)
		n = 17;
	if (n < DEFAULT_WIDTH_MIN)
		n = DEFAULT_WIDTH_MIN;
	return n > DEFAULT_WIDTH_MAX ? DEFAULT_WIDTH_MAX : n;
}

static void write_sheet(struct writer *w, lxw_worksheet *ws,
			const struct sheet *sh)
{
	lxw_row_t r = 0, header;
	size_t i, c, nrows = json_array_size(sh->rows);

	for (c = 0; c < sh->ncols; c++)
		note(w, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
			sh->cols[c].width > 0 ? sh->cols[c].width :
			default_width(&sh->cols[c]), NULL));
	if (sh->title) {
		note(w, worksheet_set_row(ws, r, 20, NULL));
		note(w, worksheet_write_string(ws, r++, 0, fit(w, sh->title),
					       w->title));
	}
	if (sh->subtitle)
		note(w, worksheet_write_string(ws, r++, 0, fit(w, sh->subtitle),
					       w->subtitle));
	if (r)
		r++;		/* a blank line before the table */
	header = r;
	for (c = 0; c < sh->ncols; c++)
		note(w, worksheet_write_string(ws, header, (lxw_col_t)c,
			fit(w, sh->cols[c].title), w->header));
	for (i = 0; i < nrows; i++) {
		const json_t *row = json_array_get(sh->rows, i);
		enum row_style s = row_style(sh, i);

		r = header + 1 + (lxw_row_t)i;
		for (c = 0; c < sh->ncols; c++)
			write_cell(w, ws, r, (lxw_col_t)c,
				   json_array_get(row, c), &sh->cols[c], s);
	}
	worksheet_freeze_panes(ws, header + 1, 0);
	note(w, worksheet_autofilter(ws, header, 0,
				     header + (lxw_row_t)nrows,
				     (lxw_col_t)(sh->ncols - 1)));
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9);	/* A4 */
	worksheet_fit_to_pages(ws, 1, 0);
	note(w, worksheet_repeat_rows(ws, header, header));
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* Write the checked book bk to path. */
static int write_book(const struct book *bk, const char *path,
		      struct kvpt_buf *err)
{
	lxw_workbook_options opts = { .constant_memory = LXW_TRUE };
	lxw_doc_properties props;
	struct writer w;
	lxw_error e;
	size_t i;
	int saved_errno;

	memset(&w, 0, sizeof(w));
	w.tz_offset_min = bk->tz_offset_min;
	w.wb = workbook_new_opt(path, &opts);
	if (!w.wb) {
		if (err)
			kvpt_buf_addf(err, "%s: cannot start a workbook", path);
		return KVPT_EIO;
	}
	memset(&props, 0, sizeof(props));
	props.title = dup_or_null(bk->title);
	props.subject = dup_or_null(bk->subject);
	props.author = dup_or_null(bk->author);
	note(&w, workbook_set_properties(w.wb, &props));
	free(props.title);
	free(props.subject);
	free(props.author);
	make_formats(&w);
	for (i = 0; i < bk->nsheets; i++) {
		lxw_worksheet *ws;

		pthread_mutex_lock(&lxw_lock);
		ws = workbook_add_worksheet(w.wb, bk->sheets[i].name);
		pthread_mutex_unlock(&lxw_lock);
		if (!ws) {
			note(&w, LXW_ERROR_CREATING_TMPFILE);
			break;
		}
		write_sheet(&w, ws, &bk->sheets[i]);
	}
	errno = 0;
	pthread_mutex_lock(&lxw_lock);
	e = workbook_close(w.wb);	/* frees the workbook */
	saved_errno = errno;
	pthread_mutex_unlock(&lxw_lock);
	kvpt_buf_release(&w.cut);
	if (!e) {
		e = w.lerr;
		saved_errno = 0;
	}
	if (!e)
		return 0;
	if (err) {
		kvpt_buf_addf(err, "%s: %s", path, lxw_strerror(e));
		if (saved_errno)
			kvpt_buf_addf(err, " (%s)", strerror(saved_errno));
	}
	return KVPT_EIO;
}

int kvpt_xlsx_write(const json_t *book, const char *path,
		    struct kvpt_buf *err)
{
	struct book bk;
	struct stat st;
	int existed, fd, rc;

	rc = check_book(book, &bk, err);
	if (rc)
		goto out_release;
	/* Open the file once first: libxlsxwriter would print why it
	 * cannot, and only give its own error code. */
	existed = stat(path, &st) == 0;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0) {
		if (err)
			kvpt_buf_addf(err, "%s: %s", path, strerror(errno));
		rc = KVPT_EIO;
		goto out_release;
	}
	close(fd);
	rc = write_book(&bk, path, err);
	if (rc && !existed)
		unlink(path);
out_release:
	release_book(&bk);
	return rc;
}

/* The directory for temporary files: $TMPDIR when set, else /tmp. */
static const char *tmp_dir(void)
{
	const char *d = getenv("TMPDIR");

	return d && *d ? d : "/tmp";
}

/* Append the whole of file fd, from its start, to out. */
static int read_back(int fd, struct kvpt_buf *out)
{
	char chunk[65536];
	off_t off = 0;
	ssize_t n;

	for (;;) {
		n = pread(fd, chunk, sizeof(chunk), off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		kvpt_buf_add(out, chunk, (size_t)n);
		off += n;
	}
}

int kvpt_xlsx_render(const json_t *book, struct kvpt_buf *out,
		     struct kvpt_buf *err)
{
	struct kvpt_buf path = KVPT_BUF_INIT, got = KVPT_BUF_INIT;
	struct book bk;
	int fd, rc;

	rc = check_book(book, &bk, err);
	if (rc)
		goto out_release;
	kvpt_buf_addf(&path, "%s/kvpt-xlsx-XXXXXX", tmp_dir());
	fd = mkstemp(path.s);
	if (fd < 0) {
		if (err)
			kvpt_buf_addf(err, "%s: cannot create a temporary "
				      "file: %s", path.s, strerror(errno));
		rc = KVPT_EIO;
		goto out_release;
	}
	/* libxlsxwriter opens the file by name; the mkstemp descriptor,
	 * on the same file, reads the result back. */
	rc = write_book(&bk, path.s, err);
	if (!rc && read_back(fd, &got)) {
		if (err)
			kvpt_buf_addf(err, "%s: cannot read the workbook "
				      "back: %s", path.s, strerror(errno));
		rc = KVPT_EIO;
	}
	if (!rc && got.len)
		kvpt_buf_add(out, got.s, got.len);
	close(fd);
	unlink(path.s);
out_release:
	kvpt_buf_release(&got);
	kvpt_buf_release(&path);
	release_book(&bk);
	return rc;
}
