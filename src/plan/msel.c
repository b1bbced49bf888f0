/*
 * msel: importing an inject schedule from CSV into a plan.  See msel.h and
 * docs/msel-import.md.
 *
 * The work runs in five steps, each refusing to go on after errors:
 * read the CSV (RFC 4180, delimiter found in the header row), match its
 * columns to fields (a mapping, else the usual Vietnamese or English
 * headers), check every row against the plan as loaded, write the new
 * included file and the main file's edited `include:`, and finally load
 * and check the new plan in memory, attaching each diagnostic found in the
 * new file to the row that wrote the line it points at.
 */
#include "msel.h"
#include "yaml.h"
#include "base/arena.h"
#include "base/strmap.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "check/check.h"
#include "model/extime.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* fields */

enum field {
	F_ID,
	F_AT,
	F_TITLE,
	F_TEXT,
	F_TO,
	F_FROM,
	F_CLASS,
	F_RELEASE,
	F_EXPECT,
	F_BY,
	F_WITHIN,
	F_COUNT
};

static const char *const field_names[F_COUNT] = {
	"id", "at", "title", "text", "to", "from", "classification",
	"release", "expect", "by", "within",
};

/*
 * Headers recognised for each field, folded (lower case, no diacritics,
 * every run of other characters one space): "Thời điểm (*)" folds to
 * "thoi diem".  The field's own name is recognised too.
 */
static const char *const guesses[F_COUNT][10] = {
	[F_ID] = { "ma", "ma tinh huong", "ma th", "ky hieu", "so hieu" },
	[F_AT] = { "thoi diem", "thoi gian", "time", "thoi diem phat",
		   "gio phat", "thoi gian phat" },
	[F_TITLE] = { "tieu de", "ten tinh huong", "title", "tinh huong",
		      "ten" },
	[F_TEXT] = { "noi dung", "text", "noi dung tinh huong", "mo ta" },
	[F_TO] = { "noi nhan", "doi tuong nhan", "to", "nguoi nhan",
		   "don vi nhan", "gui", "gui den", "gui vai tap" },
	[F_FROM] = { "nguoi phat", "noi phat", "from", "don vi phat",
		     "co quan phat" },
	[F_CLASS] = { "do mat", "classification", "mat" },
	[F_RELEASE] = { "cach phat", "release", "hinh thuc phat" },
	[F_EXPECT] = { "yeu cau", "expect", "expectation", "yeu cau xu tri",
		       "yeu cau doi voi vai tap" },
	[F_BY] = { "nguoi thuc hien", "by", "nguoi xu tri",
		   "don vi thuc hien", "vai thuc hien",
		   "yeu cau vai thuc hien" },
	[F_WITHIN] = { "thoi han", "within", "han xu tri",
		       "yeu cau thoi han" },
};

/* UTF-8 and folding */

/*
 * s (valid UTF-8) folded into out: lower case; with strip, also without
 * diacritics, with every run of characters other than letters and digits
 * made one space and no space at either end ("Thời điểm *" → "thoi
 * diem").  Combining marks (text typed in NFD) are dropped when stripping.
 */
static void fold(const char *s, int strip, struct kvpt_buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	int space = 0;

	kvpt_buf_reset(out);
	kvpt_buf_adds(out, "");
	while (*p) {
		unsigned cp = kvpt_viet_lower(kvpt_utf8_next(&p));
		char base;

		if (!strip) {
			kvpt_utf8_put(out, cp);
			continue;
		}
		if (cp >= 0x300 && cp <= 0x36f)
			continue;
		base = kvpt_viet_base(cp);
		if (!base && cp >= 0x80) {
			/* a letter of another script: keep it */
			if (space && out->len)
				kvpt_buf_addc(out, ' ');
			space = 0;
			kvpt_utf8_put(out, cp);
			continue;
		}
		if ((base >= 'a' && base <= 'z') || (base >= '0' && base <= '9')) {
			if (space && out->len)
				kvpt_buf_addc(out, ' ');
			space = 0;
			kvpt_buf_addc(out, base);
		} else {
			space = 1;
		}
	}
}

static int fold_eq(const char *a, const char *b, int strip)
{
	struct kvpt_buf fa = KVPT_BUF_INIT, fb = KVPT_BUF_INIT;
	int eq;

	fold(a, strip, &fa);
	fold(b, strip, &fb);
	eq = !strcmp(fa.s, fb.s);
	kvpt_buf_release(&fa);
	kvpt_buf_release(&fb);
	return eq;
}

/* An enumerated value written as in the plan format (§11), else in any
 * case: "MẬT", "Báo Cáo".  -1 when unknown. */
static int enum_match(const struct kvpt_enum_name *t, const char *s)
{
	int v = kvpt_enum_parse(t, s);

	if (v >= 0)
		return v;
	for (; t->id; t++)
		if (fold_eq(s, t->id, 0) || fold_eq(s, t->vi, 0) ||
		    (t->alias && fold_eq(s, t->alias, 0)))
			return t->value;
	return -1;
}

/* Trim ASCII white space and no-break spaces from both ends, in place. */
static char *trim(char *s)
{
	size_t n;

	for (;;) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		else if ((unsigned char)s[0] == 0xc2 &&
			 (unsigned char)s[1] == 0xa0)
			s += 2;
		else
			break;
	}
	n = strlen(s);
	for (;;) {
		if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
			  s[n - 1] == '\r' || s[n - 1] == '\n'))
			n--;
		else if (n >= 2 && (unsigned char)s[n - 2] == 0xc2 &&
			 (unsigned char)s[n - 1] == 0xa0)
			n -= 2;
		else
			break;
	}
	s[n] = '\0';
	return s;
}

/* CSV (RFC 4180) */

struct csv_row {
	int row;		/* spreadsheet row number */
	int nfields;
	char **fields;		/* trimmed, NUL-terminated, in the arena */
};

struct csv {
	struct kvpt_arena arena;
	char delim;
	struct csv_row *rows;	/* [0] is the header row */
	size_t nrows, cap;
};

/* The delimiter of the first non-blank line: the most frequent of , ; TAB
 * outside quotes (a comma when none appears). */
static char csv_delimiter(const char *s, size_t len)
{
	static const char cand[3] = { ',', ';', '\t' };
	size_t count[3] = { 0, 0, 0 }, i = 0;
	int quoted = 0, k, best = 0;

	while (i < len && (s[i] == '\n' || s[i] == '\r'))
		i++;
	for (; i < len; i++) {
		char ch = s[i];

		if (ch == '"')
			quoted = !quoted;
		else if (!quoted && (ch == '\n' || ch == '\r'))
			break;
		else if (!quoted)
			for (k = 0; k < 3; k++)
				if (ch == cand[k])
					count[k]++;
	}
	for (k = 1; k < 3; k++)
		if (count[k] > count[best])
			best = k;
	return cand[best];
}

static void csv_field_error(struct csv *c, int row, int col,
			    struct kvpt_buf *err)
{
	kvpt_buf_addf(err, "row %d, column %d", row, col);
	if (c->nrows && row != c->rows[0].row &&
	    col <= c->rows[0].nfields && c->rows[0].fields[col - 1][0])
		kvpt_buf_addf(err, " (\"%s\")", c->rows[0].fields[col - 1]);
}

static int all_blank(char **fields, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (fields[i][0])
			return 0;
	return 1;
}

/*
 * One field at text[*p] into f, up to the delimiter or the end of the
 * record: a quoted part first (with "" for a quote; line breaks kept, CRLF
 * made LF), then the rest as written.  Returns -1 when a quote is not
 * closed.  Stops early once the field is longer than the limit.
 */
static int csv_field(const char *text, size_t len, char delim, size_t *p,
		     struct kvpt_buf *f)
{
	size_t i = *p, q;

	kvpt_buf_reset(f);
	kvpt_buf_adds(f, "");
	if (i < len && text[i] == '"') {
		for (i++; f->len <= KVPT_MSEL_MAX_FIELD;) {
			for (q = i; q < len && text[q] != '"' && text[q] != '\r';
			     q++)
				;
			kvpt_buf_add(f, text + i, q - i);
			i = q;
			if (i >= len)
				return -1;
			if (text[i] == '\r') {
				if (i + 1 >= len || text[i + 1] != '\n')
					kvpt_buf_addc(f, '\n');
				i++;
			} else if (i + 1 < len && text[i + 1] == '"') {
				kvpt_buf_addc(f, '"');
				i += 2;
			} else {
				i++;
				break;
			}
		}
	}
	for (q = i; q < len && text[q] != delim && text[q] != '\n' &&
		    text[q] != '\r'; q++)
		;
	kvpt_buf_add(f, text + i, q - i);
	*p = q;
	return 0;
}

/*
 * Read text into c: records split on CRLF, LF or CR outside quotes; a
 * field may be quoted with "" for a quote, and then hold delimiters and
 * line breaks (CRLF inside becomes LF).  Text after a closing quote is
 * kept as written.  Blank rows are skipped but counted.
 */
static int csv_read(struct csv *c, const char *text, size_t len,
		    struct kvpt_buf *err)
{
	struct kvpt_buf f = KVPT_BUF_INIT;
	char **fields = xcalloc(KVPT_MSEL_MAX_COLUMNS, sizeof(*fields));
	size_t p = 0, data_rows = 0;
	int row = 0, rc = 0;

	if (len > KVPT_MSEL_MAX_BYTES) {
		kvpt_buf_addf(err, "the file is larger than %zu MiB; split the "
			      "schedule", KVPT_MSEL_MAX_BYTES >> 20);
		rc = KVPT_ETOOBIG;
		goto out;
	}
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		p = 3;
	c->delim = csv_delimiter(text + p, len - p);
	while (p < len) {
		int nf = 0, start = ++row;

		for (;;) {
			size_t q;

			if (csv_field(text, len, c->delim, &p, &f)) {
				kvpt_buf_addf(err, "row %d: a quoted field is "
					      "not closed (a '\"' is missing)",
					      start);
				rc = KVPT_EINVAL;
				goto out;
			}
			if (nf >= KVPT_MSEL_MAX_COLUMNS) {
				kvpt_buf_addf(err, "row %d has more than %d "
					      "columns", start,
					      KVPT_MSEL_MAX_COLUMNS);
				rc = KVPT_ETOOBIG;
				goto out;
			}
			if (f.len > KVPT_MSEL_MAX_FIELD) {
				csv_field_error(c, start, nf + 1, err);
				kvpt_buf_addf(err, ": a field is longer than "
					      "%d KiB", KVPT_MSEL_MAX_FIELD / 1024);
				rc = KVPT_ETOOBIG;
				goto out;
			}
			q = kvpt_utf8_check(f.s, f.len);
			if (q != f.len) {
				csv_field_error(c, start, nf + 1, err);
				kvpt_buf_addf(err, ": not UTF-8 text (byte 0x%02X);"
					      " save the file as \"CSV UTF-8\"",
					      (unsigned char)f.s[q]);
				rc = KVPT_EINVAL;
				goto out;
			}
			fields[nf++] = trim(kvpt_arena_strndup(&c->arena, f.s,
							       f.len));
			if (p < len && text[p] == c->delim) {
				p++;
				continue;
			}
			if (p < len && text[p] == '\r')
				p++;
			if (p < len && text[p] == '\n')
				p++;
			break;
		}
		if (all_blank(fields, nf))
			continue;
		if (c->nrows && ++data_rows > KVPT_MSEL_MAX_ROWS) {
			kvpt_buf_addf(err, "more than %d rows (row %d); split the "
				      "schedule", KVPT_MSEL_MAX_ROWS, start);
			rc = KVPT_ETOOBIG;
			goto out;
		}
		XGROW(c->rows, c->cap, c->nrows + 1);
		c->rows[c->nrows].row = start;
		c->rows[c->nrows].nfields = nf;
		c->rows[c->nrows].fields =
			kvpt_arena_alloc(&c->arena, sizeof(char *) * (size_t)nf);
		memcpy(c->rows[c->nrows].fields, fields,
		       sizeof(char *) * (size_t)nf);
		c->nrows++;
	}
	if (!c->nrows) {
		kvpt_buf_adds(err, "the file is empty: no header row");
		rc = KVPT_EINVAL;
	} else if (c->nrows == 1) {
		kvpt_buf_adds(err, "the file has a header row but no inject "
			      "rows");
		rc = KVPT_EINVAL;
	}
out:
	free(fields);
	kvpt_buf_release(&f);
	return rc;
}

/* looking names up in the plan */

/* Kinds of entity a cell may name. */
enum { K_ROLE, K_COMMITTEE, K_BODY, K_COUNT };

#define NAMED(arr, i, stride, off) \
	(*(const char *const *)((const char *)(arr) + (size_t)(i) * (stride) + (off)))

/* Where the entities of kind k are and how to read their id and name. */
static void entities(const struct kvpt_plan *p, int k, const void **arr,
		     int *n, size_t *stride, size_t *id_off, size_t *name_off,
		     const struct kvpt_strmap **ids)
{
	switch (k) {
	case K_ROLE:
		*arr = p->roles, *n = p->nroles, *stride = sizeof(*p->roles);
		*id_off = offsetof(struct kvpt_role, id);
		*name_off = offsetof(struct kvpt_role, name);
		*ids = &p->role_ids;
		break;
	case K_COMMITTEE:
		*arr = p->committees, *n = p->ncommittees;
		*stride = sizeof(*p->committees);
		*id_off = offsetof(struct kvpt_committee, id);
		*name_off = offsetof(struct kvpt_committee, name);
		*ids = &p->committee_ids;
		break;
	default:
		*arr = p->bodies, *n = p->nbodies, *stride = sizeof(*p->bodies);
		*id_off = offsetof(struct kvpt_body, id);
		*name_off = offsetof(struct kvpt_body, name);
		*ids = &p->body_ids;
		break;
	}
}

/* name → index maps of one kind, exact and case-folded; a name several
 * entities share is in the dup map instead. */
struct name_index {
	int built;
	struct kvpt_strmap exact, exact_dup, folded, folded_dup;
};

static void name_index_release(struct name_index *x)
{
	kvpt_strmap_release(&x->exact);
	kvpt_strmap_release(&x->exact_dup);
	kvpt_strmap_release(&x->folded);
	kvpt_strmap_release(&x->folded_dup);
}

static void index_put(struct kvpt_strmap *map, struct kvpt_strmap *dup,
		      const char *key, int i)
{
	if (kvpt_strmap_put(map, key, i, NULL))
		kvpt_strmap_put(dup, key, i, NULL);
}

static int index_get(const struct kvpt_strmap *map,
		     const struct kvpt_strmap *dup, const char *key)
{
	if (kvpt_strmap_get(dup, key) >= 0)
		return -2;
	return kvpt_strmap_get(map, key);
}

/* the import */

struct row {
	int row;			/* spreadsheet row number */
	const char *cell[F_COUNT];	/* as written, trimmed; "" when empty */
	const char *id;
	kvpt_time at;			/* KVPT_TIME_NONE when unreadable */
	int phase;			/* plan phase index, or -1 */
	const char **to;		/* resolved role ids */
	int nto;
	const char *from;		/* resolved id, or NULL */
	int classification;		/* -1 when not given */
	int manual;
	int expect;			/* kvpt_expect_kind, or -1 */
	const char *by;			/* resolved id, or NULL */
	int64_t within;			/* ms, or -1 */
	json_t *to_json;
	json_t *errors, *warnings;
	int unlisted;			/* issues past the limits below */
	int failed;			/* the row has an error */
};

/* What a line of the generated file says: row (index into rows, -1 for
 * the lines of phases, problems and contents) and field (-1 for none). */
struct line_src {
	int row;
	int field;
};

struct msel {
	const struct kvpt_msel_input *in;
	struct kvpt_arena arena;
	struct csv csv;
	int col[F_COUNT];		/* column index, or -1 */
	struct kvpt_plan *plan;
	struct kvpt_timebase tb;
	struct row *rows;
	int nrows;
	int nerrors, nwarnings;
	json_t *plan_errors, *plan_warnings;
	struct kvpt_strmap ids;		/* inject ids of the CSV → row index */
	const char *dir;		/* main file's directory, with '/' */
	const char *new_file;		/* dir + new_path */
	/* original plan's warnings, "rule\x1fmessage", sorted */
	char **old_warnings;
	size_t nold_warnings;

	struct kvpt_buf yaml;		/* the new file */
	struct line_src *lines;		/* [line] for lines 1 … nlines */
	size_t nlines, cap_lines;
	int ninjects;
	struct kvpt_buf main_text;	/* the edited main file */

	struct name_index names[K_COUNT];
	int nsuggested;			/* "did you mean" searches so far */
	int nlisted;			/* issues listed in rows */
};

/* At most this many recipients in a row, and this many "did you mean"
 * searches in one import (each scans every name of the plan). */
#define MAX_RECIPIENTS 64
#define MAX_SUGGESTIONS 100
/* Errors and warnings listed per row and in one import; more are only
 * counted, so hostile input cannot grow the result without bound. */
#define MAX_ROW_ISSUES 10
#define MAX_ISSUES 20000

/*
 * The entity of kind k whose id is s, else whose name is s (exactly, then
 * in any case): its index, -1 when none, -2 when several share the name.
 */
static int find_named(struct msel *m, int k, const char *s)
{
	struct name_index *x = &m->names[k];
	const struct kvpt_strmap *ids;
	const void *arr;
	size_t stride, id_off, name_off;
	struct kvpt_buf f = KVPT_BUF_INIT;
	int n, i;

	entities(m->plan, k, &arr, &n, &stride, &id_off, &name_off, &ids);
	i = kvpt_strmap_get(ids, s);
	if (i >= 0)
		return i;
	if (!x->built) {
		x->built = 1;
		for (i = 0; i < n; i++) {
			const char *name = NAMED(arr, i, stride, name_off);

			if (!name)
				continue;
			index_put(&x->exact, &x->exact_dup, name, i);
			fold(name, 0, &f);
			index_put(&x->folded, &x->folded_dup,
				  kvpt_arena_strdup(&m->arena, f.s), i);
		}
	}
	i = index_get(&x->exact, &x->exact_dup, s);
	if (i == -1) {
		fold(s, 0, &f);
		i = index_get(&x->folded, &x->folded_dup, f.s);
	}
	kvpt_buf_release(&f);
	return i;
}

/* A "did you mean" among the ids and names of kind k, or NULL. */
static const char *suggest(struct msel *m, int k, const char *s)
{
	const struct kvpt_strmap *ids;
	const void *arr;
	size_t stride, id_off, name_off;
	const char **cand, *best;
	int n, i, c = 0;

	if (++m->nsuggested > MAX_SUGGESTIONS)
		return NULL;
	entities(m->plan, k, &arr, &n, &stride, &id_off, &name_off, &ids);
	cand = xmalloc(sizeof(*cand) * (size_t)(2 * n + 1));
	for (i = 0; i < n; i++) {
		cand[c++] = NAMED(arr, i, stride, id_off);
		if (NAMED(arr, i, stride, name_off))
			cand[c++] = NAMED(arr, i, stride, name_off);
	}
	best = kvpt_did_you_mean(s, cand, c);
	free(cand);
	return best;
}

static const char *colname(const struct msel *m, int field)
{
	if (field < 0 || m->col[field] < 0)
		return NULL;
	return m->csv.rows[0].fields[m->col[field]];
}

static json_t *issue_json(const struct msel *m, int field, const char *rule,
			  const char *msg)
{
	const char *col = colname(m, field);
	json_t *o = json_object();

	json_object_set_new(o, "column", col ? json_string(col) : json_null());
	json_object_set_new(o, "field", field >= 0 ?
			    json_string(field_names[field]) : json_null());
	json_object_set_new(o, "message", json_string(msg));
	if (rule)
		json_object_set_new(o, "rule", json_string(rule));
	return o;
}

static void row_issue(struct msel *m, struct row *r, int warning, int field,
		      const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void row_issue(struct msel *m, struct row *r, int warning, int field,
		      const char *rule, const char *fmt, ...)
{
	struct kvpt_buf b = KVPT_BUF_INIT;
	json_t *list = warning ? r->warnings : r->errors;
	va_list ap;

	if (warning)
		m->nwarnings++;
	else
		m->nerrors++;
	if (!warning)
		r->failed = 1;
	if (json_array_size(list) >= MAX_ROW_ISSUES ||
	    m->nlisted >= MAX_ISSUES) {
		r->unlisted++;
		return;
	}
	va_start(ap, fmt);
	kvpt_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	json_array_append_new(list, issue_json(m, field, rule, b.s));
	m->nlisted++;
	kvpt_buf_release(&b);
}

#define ROW_ERR(m, r, field, ...) row_issue(m, r, 0, field, NULL, __VA_ARGS__)

static int field_index(const char *name)
{
	int f;

	for (f = 0; f < F_COUNT; f++)
		if (!strcmp(field_names[f], name))
			return f;
	return -1;
}

static int guessed(int f, const char *header)
{
	struct kvpt_buf b = KVPT_BUF_INIT;
	int k, hit = 0;

	fold(header, 1, &b);
	if (!strcmp(b.s, field_names[f]))
		hit = 1;
	for (k = 0; !hit && k < 10 && guesses[f][k]; k++)
		if (!strcmp(b.s, guesses[f][k]))
			hit = 1;
	kvpt_buf_release(&b);
	return hit;
}

static void list_headers(const struct csv_row *h, struct kvpt_buf *err)
{
	int i;

	for (i = 0; i < h->nfields; i++)
		kvpt_buf_addf(err, "%s\"%s\"", i ? ", " : "", h->fields[i]);
}

/* The columns of the fields: the mapping's, then guessed. */
static int map_columns(struct msel *m, struct kvpt_buf *err)
{
	const struct csv_row *h = &m->csv.rows[0];
	int explicit[F_COUNT] = { 0 };
	int f, i, k;

	for (f = 0; f < F_COUNT; f++)
		m->col[f] = -1;
	if (m->in->mapping && !json_is_object(m->in->mapping)) {
		kvpt_buf_adds(err, "the mapping must be an object {field: "
			      "header}");
		return KVPT_EINVAL;
	}
	if (m->in->mapping) {
		const char *key;
		json_t *val;

		json_object_foreach((json_t *)m->in->mapping, key, val) {
			const char *want;
			int hits = 0, pick = -1, strip;

			f = field_index(key);
			if (f < 0) {
				kvpt_buf_addf(err, "the mapping names an unknown "
					      "field '%s' (fields: ", key);
				for (k = 0; k < F_COUNT; k++)
					kvpt_buf_addf(err, "%s%s", k ? ", " : "",
						      field_names[k]);
				kvpt_buf_adds(err, ")");
				return KVPT_EINVAL;
			}
			explicit[f] = 1;
			if (json_is_null(val))
				continue;
			want = json_string_value(val);
			if (!want) {
				kvpt_buf_addf(err, "the mapping of '%s' must be a "
					      "header name", key);
				return KVPT_EINVAL;
			}
			if (!*want)
				continue;
			/* exactly as written, else ignoring case and accents */
			for (strip = 0; strip < 2 && !hits; strip++)
				for (i = 0; i < h->nfields; i++)
					if (strip ? fold_eq(h->fields[i], want, 1) :
					    !strcmp(h->fields[i], want)) {
						hits++;
						pick = i;
					}
			if (hits > 1) {
				kvpt_buf_addf(err, "the mapping names header "
					      "\"%s\" for '%s', but %d columns "
					      "have that header", want, key, hits);
				return KVPT_EINVAL;
			}
			if (!hits) {
				kvpt_buf_addf(err, "the mapping names header "
					      "\"%s\" for '%s', but the file has "
					      "no such column (headers: ", want,
					      key);
				list_headers(h, err);
				kvpt_buf_adds(err, ")");
				return KVPT_EINVAL;
			}
			m->col[f] = pick;
		}
	}
	for (f = 0; f < F_COUNT; f++) {
		for (k = f + 1; k < F_COUNT; k++)
			if (m->col[f] >= 0 && m->col[f] == m->col[k]) {
				kvpt_buf_addf(err, "the mapping gives column "
					      "\"%s\" to both '%s' and '%s'",
					      h->fields[m->col[f]],
					      field_names[f], field_names[k]);
				return KVPT_EINVAL;
			}
	}
	for (f = 0; f < F_COUNT; f++) {
		if (explicit[f])
			continue;
		for (i = 0; i < h->nfields && m->col[f] < 0; i++) {
			for (k = 0; k < F_COUNT; k++)
				if (m->col[k] == i)
					break;
			if (k == F_COUNT && guessed(f, h->fields[i]))
				m->col[f] = i;
		}
	}
	{
		static const int required[] = { F_AT, F_TITLE, F_TO };
		static const char *const example[] = {
			"\"Thời điểm\" or \"Time\"", "\"Tiêu đề\" or \"Title\"",
			"\"Nơi nhận\" or \"To\"",
		};

		for (k = 0; k < 3; k++) {
			if (m->col[required[k]] >= 0)
				continue;
			kvpt_buf_addf(err, "no column for the required field "
				      "'%s': name a column %s, or map one "
				      "(%s=HEADER); headers: ",
				      field_names[required[k]], example[k],
				      field_names[required[k]]);
			list_headers(h, err);
			return KVPT_EINVAL;
		}
	}
	return 0;
}

/* checking the rows */

static void check_time(struct msel *m, struct row *r)
{
	const char *s = r->cell[F_AT], *why = "";
	char iso[64];
	int d, mo, y, len = 0;
	kvpt_time t;

	if (!*s) {
		ROW_ERR(m, r, F_AT, "the time is missing (write it like "
			"'N+1 07:30')");
		return;
	}
	if (kvpt_time_parse(s, &m->tb, &t, &why)) {
		/* a spreadsheet's date: dd/mm/yyyy [hh:mm[:ss]] */
		if (sscanf(s, "%2d/%2d/%4d%n", &d, &mo, &y, &len) == 3 &&
		    len && (s[len] == '\0' || s[len] == ' ')) {
			snprintf(iso, sizeof(iso), "%04d-%02d-%02d%s", y, mo, d,
				 s + len);
			if (strlen(s) < 40 && !kvpt_time_parse(iso, &m->tb, &t,
							       &why))
				goto parsed;
		}
		ROW_ERR(m, r, F_AT, "'%s' is not an exercise time: %s (write "
			"it like 'N+1 07:30')", s, why);
		return;
	}
parsed:
	r->at = t;
	{
		const struct kvpt_plan *p = m->plan;
		struct kvpt_buf list = KVPT_BUF_INIT;
		char b1[32], b2[32];
		int i;

		for (i = 0; i < p->nphases; i++)
			if (p->phases[i].start <= t && t < p->phases[i].end)
				break;
		if (i == p->nphases)
			for (i = 0; i < p->nphases; i++)
				if (p->phases[i].start <= t &&
				    t <= p->phases[i].end)
					break;
		if (i < p->nphases) {
			r->phase = i;
			return;
		}
		for (i = 0; i < p->nphases && i < 6; i++) {
			kvpt_time_format(p->phases[i].start, b1, sizeof(b1));
			kvpt_time_format(p->phases[i].end, b2, sizeof(b2));
			kvpt_buf_addf(&list, "%s%s %s–%s", i ? ", " : "",
				      p->phases[i].id, b1, b2);
		}
		if (p->nphases > 6)
			kvpt_buf_adds(&list, ", …");
		kvpt_time_format(t, b1, sizeof(b1));
		if (p->nphases)
			ROW_ERR(m, r, F_AT, "%s is outside every phase of the "
				"plan (%s)", b1, list.s);
		else
			ROW_ERR(m, r, F_AT, "the plan has no phases to put the "
				"inject in");
		kvpt_buf_release(&list);
	}
}

/* The separators of a list of recipients: ; , and line breaks, but not
 * the CSV's own delimiter. */
static void split_list(const char *s, char delim, char ***parts, int *n,
		       struct kvpt_arena *a)
{
	char *copy = kvpt_arena_strdup(a, s), *p = copy, *tok;
	size_t cap = 0;

	*parts = NULL;
	*n = 0;
	while (p) {
		size_t k = strcspn(p, delim == ';' ? ",\n" :
				      delim == ',' ? ";\n" : ";,\n");

		tok = p;
		p = p[k] ? p + k + 1 : NULL;
		tok[k] = '\0';
		tok = trim(tok);
		if (!*tok)
			continue;
		XGROW(*parts, cap, (size_t)*n + 1);
		(*parts)[(*n)++] = tok;
	}
}

static void check_to(struct msel *m, struct row *r)
{
	const struct kvpt_plan *p = m->plan;
	char **parts = NULL;
	int n = 0, i, k, whole;

	r->to_json = json_array();
	if (!*r->cell[F_TO]) {
		ROW_ERR(m, r, F_TO, "no recipient: name at least one role (id "
			"or name)");
		return;
	}
	/* a role name holding a separator is still one role */
	whole = find_named(m, K_ROLE, r->cell[F_TO]);
	if (whole >= 0) {
		parts = xmalloc(sizeof(*parts));
		parts[0] = (char *)r->cell[F_TO];
		n = 1;
	} else {
		split_list(r->cell[F_TO], m->csv.delim, &parts, &n, &m->arena);
	}
	if (n > MAX_RECIPIENTS) {
		ROW_ERR(m, r, F_TO, "more than %d recipients", MAX_RECIPIENTS);
		free(parts);
		return;
	}
	r->to = kvpt_arena_alloc(&m->arena, sizeof(*r->to) * (size_t)(n + 1));
	for (i = 0; i < n; i++) {
		int role = find_named(m, K_ROLE, parts[i]);

		if (role < 0) {
			const char *dym = role == -1 ? suggest(m, K_ROLE, parts[i]) :
				NULL;

			json_array_append_new(r->to_json, json_string(parts[i]));
			if (role == -2)
				ROW_ERR(m, r, F_TO, "several roles are named "
					"'%s'; write the role's id", parts[i]);
			else if (dym)
				ROW_ERR(m, r, F_TO, "unknown role '%s'; did you "
					"mean '%s'?", parts[i], dym);
			else
				ROW_ERR(m, r, F_TO, "unknown role '%s'",
					parts[i]);
			continue;
		}
		for (k = 0; k < r->nto; k++)
			if (!strcmp(r->to[k], p->roles[role].id))
				break;
		if (k < r->nto)
			continue;
		r->to[r->nto++] = p->roles[role].id;
		json_array_append_new(r->to_json,
				      json_string(p->roles[role].id));
	}
	free(parts);
}

static void check_from(struct msel *m, struct row *r)
{
	const struct kvpt_plan *p = m->plan;
	const char *s = r->cell[F_FROM];
	int i;

	if (!*s)
		return;
	i = find_named(m, K_ROLE, s);
	if (i >= 0) {
		r->from = p->roles[i].id;
		return;
	}
	if (i == -1) {
		i = find_named(m, K_COMMITTEE, s);
		if (i >= 0) {
			r->from = p->committees[i].id;
			return;
		}
	}
	if (i == -2) {
		ROW_ERR(m, r, F_FROM, "several roles or committees are named "
			"'%s'; write the id", s);
	} else {
		const char *dym = suggest(m, K_ROLE, s);

		if (!dym)
			dym = suggest(m, K_COMMITTEE, s);
		if (dym)
			ROW_ERR(m, r, F_FROM, "unknown role or committee '%s'; "
				"did you mean '%s'?", s, dym);
		else
			ROW_ERR(m, r, F_FROM, "unknown role or committee '%s'",
				s);
	}
}

static void check_by(struct msel *m, struct row *r)
{
	const struct kvpt_plan *p = m->plan;
	const char *s = r->cell[F_BY];
	int i;

	if (!*s) {
		if (r->nto)
			r->by = r->to[0];
		return;
	}
	i = find_named(m, K_ROLE, s);
	if (i >= 0) {
		r->by = p->roles[i].id;
		return;
	}
	if (i == -1) {
		i = find_named(m, K_BODY, s);
		if (i >= 0) {
			r->by = p->bodies[i].id;
			return;
		}
	}
	if (i == -2) {
		ROW_ERR(m, r, F_BY, "several roles or bodies are named '%s'; "
			"write the id", s);
	} else {
		const char *dym = suggest(m, K_ROLE, s);

		if (!dym)
			dym = suggest(m, K_BODY, s);
		if (dym)
			ROW_ERR(m, r, F_BY, "unknown role or body '%s'; did "
				"you mean '%s'?", s, dym);
		else
			ROW_ERR(m, r, F_BY, "unknown role or body '%s'", s);
	}
}

static void check_expect(struct msel *m, struct row *r)
{
	const char *kind = r->cell[F_EXPECT], *why = "";

	if (*r->cell[F_WITHIN] &&
	    kvpt_duration_parse(r->cell[F_WITHIN], &r->within, &why)) {
		ROW_ERR(m, r, F_WITHIN, "'%s' is not a duration: %s (write it "
			"like '30m' or '1h30m')", r->cell[F_WITHIN], why);
		r->within = -1;
	}
	if (!*kind) {
		if (*r->cell[F_BY])
			ROW_ERR(m, r, F_BY, "who owes an answer is given, but "
				"not what answer: fill in the expected answer's "
				"kind%s", m->col[F_EXPECT] < 0 ? " (map the "
				"'expect' field to a column)" : "");
		if (*r->cell[F_WITHIN])
			ROW_ERR(m, r, F_WITHIN, "a deadline is given, but no "
				"expected answer: fill in its kind%s",
				m->col[F_EXPECT] < 0 ? " (map the 'expect' field "
				"to a column)" : "");
		return;
	}
	r->expect = enum_match(kvpt_expect_kinds, kind);
	if (r->expect < 0) {
		ROW_ERR(m, r, F_EXPECT, "unknown kind of expected answer '%s' "
			"(tiếp nhận, báo cáo, mệnh lệnh, quyết định xử trí, "
			"hội nghị)", kind);
	} else if (r->expect == KVPT_EXPECT_DOCUMENT ||
		   r->expect == KVPT_EXPECT_STATE) {
		ROW_ERR(m, r, F_EXPECT, "'%s' needs more than a schedule row "
			"holds (a %s); import the inject with another answer "
			"and edit the plan", kind,
			r->expect == KVPT_EXPECT_DOCUMENT ? "document type" :
			"state machine and state");
		r->expect = -1;
	}
	check_by(m, r);
}

static void check_row(struct msel *m, struct row *r, const struct csv_row *cr)
{
	const struct kvpt_plan *p = m->plan;
	const char *s;
	int f, hdr = m->csv.rows[0].nfields;

	for (f = 0; f < F_COUNT; f++)
		r->cell[f] = m->col[f] >= 0 && m->col[f] < cr->nfields ?
			     cr->fields[m->col[f]] : "";
	r->row = cr->row;
	r->at = KVPT_TIME_NONE;
	r->phase = -1;
	r->classification = -1;
	r->expect = -1;
	r->within = -1;
	r->errors = json_array();
	r->warnings = json_array();
	if (cr->nfields > hdr && !all_blank(cr->fields + hdr,
					    cr->nfields - hdr))
		ROW_ERR(m, r, -1, "the row has %d fields but the header has "
			"%d (a stray '%c' or a missing header?)", cr->nfields,
			hdr, m->csv.delim);

	s = r->cell[F_ID];
	if (*s) {
		int prev, k = kvpt_strmap_get(&p->activity_ids, s);

		if (k >= 0) {
			ROW_ERR(m, r, F_ID, "id '%s' is already an activity of "
				"the plan", s);
		} else if (kvpt_strmap_put(&m->ids, s, (int)(r - m->rows),
					   &prev)) {
			ROW_ERR(m, r, F_ID, "id '%s' is also the id of row %d",
				s, m->rows[prev].row);
		}
		r->id = s;
	}
	check_time(m, r);
	if (!*r->cell[F_TITLE])
		ROW_ERR(m, r, F_TITLE, "the title is missing");
	check_to(m, r);
	check_from(m, r);
	s = r->cell[F_CLASS];
	if (*s) {
		r->classification = enum_match(kvpt_classifications, s);
		if (r->classification < 0)
			ROW_ERR(m, r, F_CLASS, "unknown classification '%s' "
				"(thường, Mật, Tối mật, Tuyệt mật)", s);
	}
	s = r->cell[F_RELEASE];
	if (*s) {
		static const char *const manual[] = { "thủ công", "manual",
			"đạo theo diễn" };
		static const char *const sched[] = { "theo lịch", "theo giờ",
			"scheduled", "tự động", "diễn theo đạo" };
		size_t k;

		for (k = 0; k < 3; k++)
			if (fold_eq(s, manual[k], 1))
				r->manual = 1;
		for (k = 0; !r->manual && k < 5; k++)
			if (fold_eq(s, sched[k], 1))
				break;
		if (!r->manual && k == 5)
			ROW_ERR(m, r, F_RELEASE, "unknown way of release '%s' "
				"(empty or 'theo lịch' for the scheduled time, "
				"'thủ công' for a director's hand)", s);
	}
	check_expect(m, r);
}

/* Ids for the rows that have none: msel-<row>, unique in the plan. */
static void name_rows(struct msel *m)
{
	int i, k;

	for (i = 0; i < m->nrows; i++) {
		struct row *r = &m->rows[i];
		char *id;

		if (r->id)
			continue;
		id = kvpt_arena_printf(&m->arena, "msel-%d", r->row);
		for (k = 2; kvpt_strmap_get(&m->plan->activity_ids, id) >= 0 ||
			    kvpt_strmap_get(&m->ids, id) >= 0; k++)
			id = kvpt_arena_printf(&m->arena, "msel-%d-%d", r->row,
					       k);
		kvpt_strmap_put(&m->ids, id, i, NULL);
		r->id = id;
	}
}

/* writing the new file */

/* s as a YAML double-quoted scalar: printable UTF-8 kept, the rest
 * escaped. */
static void yaml_quote(struct kvpt_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	kvpt_buf_addc(b, '"');
	while (*p) {
		const unsigned char *start = p;
		unsigned cp = kvpt_utf8_next(&p);

		switch (cp) {
		case '"': kvpt_buf_adds(b, "\\\""); continue;
		case '\\': kvpt_buf_adds(b, "\\\\"); continue;
		case '\n': kvpt_buf_adds(b, "\\n"); continue;
		case '\t': kvpt_buf_adds(b, "\\t"); continue;
		case '\r': kvpt_buf_adds(b, "\\r"); continue;
		default: break;
		}
		if (cp < 0x20 || cp == 0x7f)
			kvpt_buf_addf(b, "\\x%02x", cp);
		else if ((cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 ||
			 cp == 0x2029 || cp == 0xfeff || cp == 0xfffe ||
			 cp == 0xffff)
			kvpt_buf_addf(b, "\\u%04x", cp);
		else
			kvpt_buf_add(b, start, (size_t)(p - start));
	}
	kvpt_buf_addc(b, '"');
}

/* A path as an include entry: plain when it is a simple file name. */
static void yaml_path(struct kvpt_buf *b, const char *s)
{
	const char *p;
	int plain = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9');

	for (p = s; plain && *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		      *p == '.' || *p == '/'))
			plain = 0;
	if (plain)
		kvpt_buf_adds(b, s);
	else
		yaml_quote(b, s);
}

/* Start a line of the new file written for row (or -1) and field. */
static void line(struct msel *m, int row, int field, int indent,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void line(struct msel *m, int row, int field, int indent,
		 const char *fmt, ...)
{
	va_list ap;

	XGROW(m->lines, m->cap_lines, m->nlines + 2);
	m->nlines++;
	m->lines[m->nlines].row = row;
	m->lines[m->nlines].field = field;
	kvpt_buf_addf(&m->yaml, "%*s", indent, "");
	va_start(ap, fmt);
	kvpt_buf_vaddf(&m->yaml, fmt, ap);
	va_end(ap);
}

/* Finish a line with a quoted value and a newline. */
static void end_quoted(struct msel *m, const char *s)
{
	yaml_quote(&m->yaml, s);
	kvpt_buf_addc(&m->yaml, '\n');
}

static int cmp_row_time(const void *a, const void *b)
{
	const struct row *x = *(const struct row *const *)a;
	const struct row *y = *(const struct row *const *)b;

	if (x->phase != y->phase)
		return x->phase < y->phase ? -1 : 1;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

/* The source name, fit for a comment and a title: one line of UTF-8. */
static const char *source_label(struct msel *m)
{
	const char *s = m->in->source_name;
	char *copy, *p;

	if (!s || !*s || !kvpt_utf8_valid(s, strlen(s)) || strlen(s) > 256)
		return "CSV";
	copy = kvpt_arena_strdup(&m->arena, s);
	for (p = copy; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return copy;
}

static void write_inject(struct msel *m, const struct row *r)
{
	int ri = (int)(r - m->rows), i;
	char t[48];

	line(m, ri, F_ID, 14, "- id: ");
	end_quoted(m, r->id);
	line(m, ri, -1, 16, "kind: tình huống\n");
	line(m, ri, F_TITLE, 16, "title: ");
	end_quoted(m, r->cell[F_TITLE]);
	kvpt_time_format(r->at, t, sizeof(t));
	line(m, ri, F_AT, 16, "at: ");
	end_quoted(m, t);
	if (r->from) {
		line(m, ri, F_FROM, 16, "from: ");
		end_quoted(m, r->from);
	}
	line(m, ri, F_TO, 16, "to: [");
	for (i = 0; i < r->nto; i++) {
		if (i)
			kvpt_buf_adds(&m->yaml, ", ");
		yaml_quote(&m->yaml, r->to[i]);
	}
	kvpt_buf_adds(&m->yaml, "]\n");
	if (*r->cell[F_TEXT]) {
		line(m, ri, F_TEXT, 16, "text: ");
		end_quoted(m, r->cell[F_TEXT]);
	}
	if (r->classification >= 0) {
		line(m, ri, F_CLASS, 16, "classification: ");
		end_quoted(m, kvpt_enum_vi(kvpt_classifications,
					   r->classification));
	}
	if (r->manual)
		line(m, ri, F_RELEASE, 16, "release: thủ công\n");
	if (r->expect >= 0) {
		line(m, ri, F_EXPECT, 16, "expect:\n");
		line(m, ri, F_BY, 18, "- { kind: ");
		yaml_quote(&m->yaml, kvpt_enum_vi(kvpt_expect_kinds, r->expect));
		kvpt_buf_adds(&m->yaml, ", by: ");
		yaml_quote(&m->yaml, r->by);
		if (r->within >= 0) {
			kvpt_duration_format(r->within, t, sizeof(t));
			kvpt_buf_adds(&m->yaml, ", within: ");
			yaml_quote(&m->yaml, t);
		}
		kvpt_buf_adds(&m->yaml, " }\n");
	}
	m->ninjects++;
}

/* The first free "msel-<phase>-<n>" among problems and contents. */
static const char *group_id(struct msel *m, const char *phase,
			    struct kvpt_strmap *taken)
{
	const struct kvpt_plan *p = m->plan;
	char *id;
	int n;

	for (n = 1;; n++) {
		id = kvpt_arena_printf(&m->arena, "msel-%s-%d", phase, n);
		if (kvpt_strmap_get(&p->problem_ids, id) < 0 &&
		    kvpt_strmap_get(&p->content_ids, id) < 0 &&
		    kvpt_strmap_get(taken, id) < 0)
			break;
	}
	kvpt_strmap_put(taken, id, 0, NULL);
	return id;
}

static void write_file(struct msel *m)
{
	struct row **order = xmalloc(sizeof(*order) * (size_t)m->nrows);
	struct kvpt_strmap taken;
	const char *src = source_label(m), *title;
	int i, n = 0, last = -1;

	kvpt_strmap_init(&taken);
	for (i = 0; i < m->nrows; i++)
		if (!m->rows[i].failed)
			order[n++] = &m->rows[i];
	qsort(order, (size_t)n, sizeof(*order), cmp_row_time);
	title = kvpt_arena_printf(&m->arena, "Tình huống nhập từ lịch phát "
				  "tình huống (%s)", src);
	line(m, -1, -1, 0, "# Lịch phát tình huống nhập từ %s (kvpt "
	     "import-msel).\n", src);
	line(m, -1, -1, 0, "# Các tình huống được thêm vào giai đoạn của tệp "
	     "kế hoạch chính.\n");
	line(m, -1, -1, 0, "phases:\n");
	for (i = 0; i < n; i++) {
		const struct row *r = order[i];

		if (r->phase != last) {
			const char *ph = m->plan->phases[r->phase].id;
			const char *gid = group_id(m, ph, &taken);

			last = r->phase;
			line(m, -1, -1, 2, "- id: ");
			end_quoted(m, ph);
			line(m, -1, -1, 4, "problems:\n");
			line(m, -1, -1, 6, "- id: ");
			end_quoted(m, gid);
			line(m, -1, -1, 8, "title: ");
			end_quoted(m, title);
			line(m, -1, -1, 8, "contents:\n");
			line(m, -1, -1, 10, "- id: ");
			end_quoted(m, gid);
			line(m, -1, -1, 12, "title: ");
			end_quoted(m, title);
			line(m, -1, -1, 12, "activities:\n");
		}
		write_inject(m, r);
	}
	kvpt_strmap_release(&taken);
	free(order);
}

/* editing the main file's include: */

/* Byte offset of 1-based line and column (in characters), or len. */
static size_t offset_of(const char *text, size_t len, int line_no, int col)
{
	size_t i = 0;
	int l = 1, c = 1;

	while (i < len && l < line_no) {
		if (text[i++] == '\n')
			l++;
	}
	while (i < len && c < col && text[i] != '\n') {
		i++;
		while (i < len && ((unsigned char)text[i] & 0xc0) == 0x80)
			i++;
		c++;
	}
	return i;
}

/* Where scalar n begins in text, its opening quote included (libfyaml
 * marks a quoted scalar after its quote). */
static size_t scalar_start(const char *text, size_t len,
			   const struct kvpt_ynode *n)
{
	size_t off = offset_of(text, len, n->line, n->col);

	if (!n->plain && off > 0 && off <= len &&
	    (text[off - 1] == '"' || text[off - 1] == '\''))
		off--;
	return off;
}

/* The include entries of a parsed file, in order, into a NULL-ended
 * array the caller frees (its strings live in the parse's arena).
 * Returns -1 when include: holds something other than names. */
static int include_entries(const struct kvpt_ynode *root,
			   const struct kvpt_ynode **value,
			   const char ***out, int *n)
{
	const struct kvpt_ynode *v = NULL;
	unsigned i;

	*out = NULL;
	*n = 0;
	if (value)
		*value = NULL;
	if (!root || root->type != KVPT_Y_MAP)
		return -1;
	for (i = 0; i < root->len; i++) {
		const struct kvpt_ynode *k = root->items[2 * i];

		if (k->type == KVPT_Y_SCALAR && !strcmp(k->str, "include")) {
			v = root->items[2 * i + 1];
			break;
		}
	}
	if (value)
		*value = v;
	if (!v)
		return 0;
	*out = xcalloc(v->type == KVPT_Y_SEQ ? v->len + 1 : 2, sizeof(**out));
	if (v->type == KVPT_Y_SCALAR) {
		if (!v->null)
			(*out)[(*n)++] = v->str;
		return 0;
	}
	if (v->type != KVPT_Y_SEQ)
		return -1;
	for (i = 0; i < v->len; i++) {
		if (v->items[i]->type != KVPT_Y_SCALAR)
			return -1;
		(*out)[(*n)++] = v->items[i]->str;
	}
	return 0;
}

/* The end of a quoted scalar starting at text[i] on one line, or 0. */
static size_t quoted_end(const char *text, size_t len, size_t i)
{
	char q = text[i];

	for (i++; i < len && text[i] != '\n'; i++) {
		if (q == '"' && text[i] == '\\' && i + 1 < len) {
			i++;
		} else if (text[i] == q) {
			if (q == '\'' && i + 1 < len && text[i + 1] == '\'')
				i++;
			else
				return i + 1;
		}
	}
	return 0;
}

/* The offset of the ']' closing the flow sequence opening at text[i], or
 * 0; *empty says whether it holds nothing. */
static size_t flow_end(const char *text, size_t len, size_t i, int *empty)
{
	int depth = 0;

	*empty = 1;
	for (; i < len; i++) {
		char ch = text[i];

		if (ch == '"' || ch == '\'') {
			size_t e = quoted_end(text, len, i);

			if (!e)
				return 0;
			i = e - 1;
			*empty = 0;
		} else if (ch == '#' && i && (text[i - 1] == ' ' ||
					      text[i - 1] == '\t')) {
			while (i < len && text[i] != '\n')
				i++;
		} else if (ch == '[') {
			depth++;
		} else if (ch == ']') {
			if (--depth == 0)
				return i;
		} else if (ch != ' ' && ch != '\t' && ch != '\n' &&
			   ch != '\r') {
			*empty = 0;
		}
	}
	return 0;
}

/* include: a.yaml → include: [a.yaml, entry] */
static int add_to_scalar(const char *text, size_t len,
			 const struct kvpt_ynode *v, const char *entry,
			 struct kvpt_buf *out)
{
	size_t off = scalar_start(text, len, v), end = 0;

	if (off < len && (text[off] == '"' || text[off] == '\''))
		end = quoted_end(text, len, off);
	else if (v->plain && off + v->len <= len &&
		 !memchr(v->str, '\n', v->len) &&
		 !memcmp(text + off, v->str, v->len))
		end = off + v->len;
	if (!end)
		return -1;
	kvpt_buf_add(out, text, off);
	kvpt_buf_addc(out, '[');
	kvpt_buf_add(out, text + off, end - off);
	kvpt_buf_addf(out, ", %s]", entry);
	kvpt_buf_add(out, text + end, len - end);
	return 0;
}

/* include: [a.yaml] → include: [a.yaml, entry] (off: the '[') */
static int add_to_flow(const char *text, size_t len, size_t off,
		       const char *entry, struct kvpt_buf *out)
{
	size_t end, k;
	int empty;
	char prev;

	end = flow_end(text, len, off, &empty);
	if (!end)
		return -1;
	/* right after the last item, or its comma */
	for (k = end; k > off && (text[k - 1] == ' ' || text[k - 1] == '\t' ||
				  text[k - 1] == '\n' || text[k - 1] == '\r');
	     k--)
		;
	prev = text[k - 1];	/* '[', ',' or the end of the last item */
	kvpt_buf_add(out, text, k);
	kvpt_buf_addf(out, "%s%s", empty || prev == '[' ? "" :
		      prev == ',' ? " " : ", ", entry);
	kvpt_buf_add(out, text + k, len - k);
	return 0;
}

/* include:\n  - a.yaml → a line "  - entry" after the last item */
static int add_to_block(const char *text, size_t len,
			const struct kvpt_ynode *v, const char *entry,
			struct kvpt_buf *out)
{
	const struct kvpt_ynode *last;
	size_t off, ls, k, end;

	if (!v->len || v->items[v->len - 1]->type != KVPT_Y_SCALAR)
		return -1;
	last = v->items[v->len - 1];
	off = scalar_start(text, len, last);
	for (ls = off; ls > 0 && text[ls - 1] != '\n'; ls--)
		;
	/* the line must begin "<spaces>-<spaces>" up to the item */
	for (k = ls; k < off && text[k] == ' '; k++)
		;
	if (k >= off || text[k] != '-')
		return -1;
	for (k++; k < off && text[k] == ' '; k++)
		;
	if (k != off)
		return -1;
	for (end = off; end < len && text[end] != '\n'; end++)
		;
	kvpt_buf_add(out, text, end);
	kvpt_buf_addc(out, '\n');
	kvpt_buf_add(out, text + ls, off - ls);
	kvpt_buf_adds(out, entry);
	if (end < len)
		kvpt_buf_add(out, text + end, len - end);
	else
		kvpt_buf_addc(out, '\n');
	return 0;
}

/*
 * Write the main file with entry added to its include: (appended as a new
 * section, a scalar made a flow list, an item added to a block or a flow
 * list) into out, then check by parsing it again that include: now lists
 * what it listed before and entry.  Returns 0, or -1 with the reason.
 */
static int edit_main(const char *text, size_t len, const char *entry,
		     struct kvpt_buf *out, const char **why)
{
	struct kvpt_arena nodes, strings;
	struct kvpt_diags d;
	struct kvpt_ynode *root = NULL, *root2 = NULL;
	const struct kvpt_ynode *v;
	const char **before = NULL, **after = NULL;
	struct kvpt_buf ent = KVPT_BUF_INIT;
	int nbefore = 0, nafter = 0, rc = -1, i, edited;
	size_t off;

	kvpt_arena_init(&nodes);
	kvpt_arena_init(&strings);
	kvpt_diags_init(&d);
	yaml_path(&ent, entry);
	kvpt_buf_reset(out);
	if (kvpt_yaml_parse(text, len, 0, 64, &nodes, &strings, &root, NULL,
			    &d) || !root || root->type != KVPT_Y_MAP) {
		*why = "the main file is not a YAML mapping";
		goto out;
	}
	if (include_entries(root, &v, &before, &nbefore) ||
	    (v && v->type == KVPT_Y_SCALAR && v->null)) {
		*why = "its include: does not hold a list of file names";
		goto out;
	}
	if (!v) {
		kvpt_buf_add(out, text, len);
		if (len && text[len - 1] != '\n')
			kvpt_buf_addc(out, '\n');
		kvpt_buf_addf(out, "include:\n  - %s\n", ent.s);
		edited = 0;
	} else if (v->type == KVPT_Y_SCALAR) {
		edited = add_to_scalar(text, len, v, ent.s, out);
	} else {
		off = offset_of(text, len, v->line, v->col);
		if (off < len && text[off] == '[')
			edited = add_to_flow(text, len, off, ent.s, out);
		else
			edited = add_to_block(text, len, v, ent.s, out);
	}
	if (edited) {
		*why = "its include: is not written in a way kvpt can edit";
		goto out;
	}
	/* parse it again: include: must list the old entries, then entry */
	if (kvpt_yaml_parse(out->s, out->len, 0, 64, &nodes, &strings, &root2,
			    NULL, &d) ||
	    include_entries(root2, NULL, &after, &nafter) ||
	    nafter != nbefore + 1 || strcmp(after[nbefore], entry)) {
		*why = "the edited file would not list it";
		goto out;
	}
	for (i = 0; i < nbefore; i++)
		if (strcmp(before[i], after[i])) {
			*why = "the edited file would not list it";
			goto out;
		}
	rc = 0;
out:
	free(before);
	free(after);
	kvpt_buf_release(&ent);
	kvpt_diags_release(&d);
	kvpt_arena_release(&nodes);
	kvpt_arena_release(&strings);
	return rc;
}

/* diagnostics of the plan */

static json_t *diag_json(const struct kvpt_plan *p, const struct kvpt_diag *x)
{
	const char *file = p && x->pos.file >= 0 && x->pos.file < p->nfiles ?
			   p->files[x->pos.file] : "<plan>";

	return json_pack("{s:s,s:i,s:i,s:s,s:s}", "file", file, "line",
			 x->pos.line, "col", x->pos.col, "rule", x->rule,
			 "message", x->msg);
}

static char *warning_key(const struct kvpt_diag *x)
{
	size_t a = strlen(x->rule), b = strlen(x->msg);
	char *k = xmalloc(a + b + 2);

	memcpy(k, x->rule, a);
	k[a] = '\x1f';
	memcpy(k + a + 1, x->msg, b + 1);
	return k;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether a warning was already in the plan (each old one matched once). */
static int old_warning(struct msel *m, const struct kvpt_diag *x)
{
	char *k = warning_key(x);
	size_t lo = 0, hi = m->nold_warnings;
	int found = 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(m->old_warnings[mid], k);

		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < m->nold_warnings && !strcmp(m->old_warnings[lo], k); lo++)
		if (m->old_warnings[lo][0] != '\0') {
			m->old_warnings[lo][0] = '\0';	/* used */
			found = 1;
			break;
		}
	free(k);
	return found;
}

/* Load and check the plan as it is; its errors stop the import. */
static int load_plan(struct msel *m)
{
	struct kvpt_load_opts lo;
	struct kvpt_diags d;
	size_t i, cap = 0;

	memset(&lo, 0, sizeof(lo));
	lo.files = m->in->files;
	lo.nfiles = m->in->nfiles;
	kvpt_diags_init(&d);
	kvpt_plan_load_file(m->in->main_path, &lo, &m->plan, &d);
	if (m->plan)
		kvpt_check(m->plan, &d);
	kvpt_diags_sort(&d);
	for (i = 0; i < d.n; i++) {
		const struct kvpt_diag *x = &d.v[i];

		if (x->sev == KVPT_SEV_ERROR) {
			json_array_append_new(m->plan_errors,
					      diag_json(m->plan, x));
			m->nerrors++;
		} else if (x->sev == KVPT_SEV_WARNING) {
			XGROW(m->old_warnings, cap, m->nold_warnings + 1);
			m->old_warnings[m->nold_warnings++] = warning_key(x);
		}
	}
	if (m->nold_warnings)
		qsort(m->old_warnings, m->nold_warnings,
		      sizeof(*m->old_warnings), cmp_str);
	kvpt_diags_release(&d);
	if (m->plan)
		m->tb = kvpt_plan_timebase(m->plan);
	return m->plan && !m->plan->incomplete;
}

/* The field a diagnostic at a line of the new file is about. */
static int diag_field(const struct line_src *ls, const char *rule)
{
	if (ls->field != F_ID)
		return ls->field;
	if (!strcmp(rule, "duplicate-id"))
		return F_ID;
	if (!strcmp(rule, "outside-phase"))
		return F_AT;
	return -1;
}

/* Load and check the plan with the new file; attach what is found. */
static void verify(struct msel *m)
{
	int before = m->nerrors;
	const struct kvpt_msel_input *in = m->in;
	struct kvpt_plan_file *pf = xcalloc((size_t)in->nfiles + 1,
					    sizeof(*pf));
	struct kvpt_load_opts lo;
	struct kvpt_diags d;
	struct kvpt_plan *p = NULL;
	int i, nf = -1;
	size_t k;

	for (i = 0; i < in->nfiles; i++) {
		pf[i] = in->files[i];
		if (!strcmp(pf[i].path, in->main_path)) {
			pf[i].text = m->main_text.s;
			pf[i].len = m->main_text.len;
		}
	}
	pf[in->nfiles].path = m->new_file;
	pf[in->nfiles].text = m->yaml.s;
	pf[in->nfiles].len = m->yaml.len;
	memset(&lo, 0, sizeof(lo));
	lo.files = pf;
	lo.nfiles = in->nfiles + 1;
	kvpt_diags_init(&d);
	kvpt_plan_load_file(in->main_path, &lo, &p, &d);
	if (p)
		kvpt_check(p, &d);
	kvpt_diags_sort(&d);
	for (i = 0; p && i < p->nfiles; i++)
		if (!strcmp(p->files[i], m->new_file))
			nf = i;
	for (k = 0; k < d.n; k++) {
		const struct kvpt_diag *x = &d.v[k];
		int warn = x->sev == KVPT_SEV_WARNING;

		if (x->sev == KVPT_SEV_NOTE)
			continue;
		if (x->pos.file == nf && x->pos.line >= 1 &&
		    (size_t)x->pos.line <= m->nlines &&
		    m->lines[x->pos.line].row >= 0) {
			const struct line_src *ls = &m->lines[x->pos.line];

			row_issue(m, &m->rows[ls->row], warn,
				  diag_field(ls, x->rule), x->rule, "%s",
				  x->msg);
			continue;
		}
		if (warn) {
			if (!old_warning(m, x)) {
				json_array_append_new(m->plan_warnings,
						      diag_json(p, x));
				m->nwarnings++;
			}
			continue;
		}
		json_array_append_new(m->plan_errors, diag_json(p, x));
		m->nerrors++;
	}
	if (m->nerrors == before && (!p || nf < 0)) {
		json_array_append_new(m->plan_errors, json_pack(
			"{s:s,s:i,s:i,s:s,s:s}", "file", in->main_path, "line", 0,
			"col", 0, "rule", "io", "message",
			"the plan did not load the new file"));
		m->nerrors++;
	}
	kvpt_diags_release(&d);
	kvpt_plan_free(p);
	free(pf);
}

/* the result */

static json_t *row_json(const struct msel *m, const struct row *r)
{
	json_t *o = json_object(), *x;
	char t[48];
	int f;

	json_object_set_new(o, "row", json_integer(r->row));
	json_object_set_new(o, "id", r->id ? json_string(r->id) : json_null());
	if (r->at != KVPT_TIME_NONE) {
		kvpt_time_format(r->at, t, sizeof(t));
		json_object_set_new(o, "at", json_string(t));
	} else {
		json_object_set_new(o, "at", *r->cell[F_AT] ?
				    json_string(r->cell[F_AT]) : json_null());
	}
	for (f = F_TITLE; f <= F_TEXT; f++)
		json_object_set_new(o, field_names[f], *r->cell[f] ?
				    json_string(r->cell[f]) : json_null());
	json_object_set(o, "to", r->to_json);
	json_object_set_new(o, "from", r->from ? json_string(r->from) :
			    *r->cell[F_FROM] ? json_string(r->cell[F_FROM]) :
			    json_null());
	json_object_set_new(o, "classification", r->classification >= 0 ?
			    json_string(kvpt_enum_vi(kvpt_classifications,
						     r->classification)) :
			    *r->cell[F_CLASS] ? json_string(r->cell[F_CLASS]) :
			    json_null());
	json_object_set_new(o, "release", json_string(r->manual ? "manual" :
						      "scheduled"));
	if (r->expect >= 0) {
		x = json_object();
		json_object_set_new(x, "kind", json_string(
			kvpt_enum_vi(kvpt_expect_kinds, r->expect)));
		json_object_set_new(x, "by", r->by ? json_string(r->by) :
				    json_null());
		if (r->within >= 0) {
			kvpt_duration_format(r->within, t, sizeof(t));
			json_object_set_new(x, "within", json_string(t));
		} else {
			json_object_set_new(x, "within", json_null());
		}
		json_object_set_new(o, "expect", x);
	} else {
		json_object_set_new(o, "expect", json_null());
	}
	json_object_set_new(o, "phase", r->phase >= 0 ?
			    json_string(m->plan->phases[r->phase].id) :
			    json_null());
	json_object_set(o, "errors", r->errors);
	json_object_set(o, "warnings", r->warnings);
	if (r->unlisted)
		json_object_set_new(o, "unlisted", json_integer(r->unlisted));
	return o;
}

static json_t *result_json(struct msel *m)
{
	json_t *o = json_object(), *a, *map;
	const struct csv_row *h = &m->csv.rows[0];
	char delim[2] = { m->csv.delim, '\0' };
	int i;

	json_object_set_new(o, "source", json_string(source_label(m)));
	json_object_set_new(o, "delimiter", json_string(delim));
	a = json_array();
	for (i = 0; i < h->nfields; i++)
		json_array_append_new(a, json_string(h->fields[i]));
	json_object_set_new(o, "headers", a);
	map = json_object();
	for (i = 0; i < F_COUNT; i++)
		if (m->col[i] >= 0)
			json_object_set_new(map, field_names[i],
					    json_string(colname(m, i)));
	json_object_set_new(o, "mapping", map);
	a = json_array();
	for (i = 0; i < m->nrows; i++)
		json_array_append_new(a, row_json(m, &m->rows[i]));
	json_object_set_new(o, "rows", a);
	json_object_set_new(o, "errors", json_integer(m->nerrors));
	json_object_set_new(o, "warnings", json_integer(m->nwarnings));
	json_object_set(o, "plan_errors", m->plan_errors);
	json_object_set(o, "plan_warnings", m->plan_warnings);
	if (!m->nerrors && m->yaml.len) {
		json_t *files = json_object();

		json_object_set_new(o, "injects", json_integer(m->ninjects));
		json_object_set_new(o, "new_file", json_string(m->new_file));
		json_object_set_new(files, m->new_file,
				    json_stringn(m->yaml.s, m->yaml.len));
		json_object_set_new(files, m->in->main_path,
				    json_stringn(m->main_text.s,
						 m->main_text.len));
		json_object_set_new(o, "files", files);
	}
	return o;
}

static int check_input(struct msel *m, struct kvpt_buf *err)
{
	const struct kvpt_msel_input *in = m->in;
	const char *np = in->new_path, *slash;
	int i, found = 0;

	if (!in->main_path || !in->files || in->nfiles <= 0 ||
	    (!in->csv && in->csv_len)) {
		kvpt_buf_adds(err, "no plan or no schedule given");
		return KVPT_EINVAL;
	}
	for (i = 0; i < in->nfiles; i++)
		if (!strcmp(in->files[i].path, in->main_path))
			found = 1;
	if (!found) {
		kvpt_buf_addf(err, "the main file %s is not among the plan's "
			      "files", in->main_path);
		return KVPT_EINVAL;
	}
	if (!np || !*np || strchr(np, '/') || np[0] == '.' ||
	    strlen(np) > 200 || !kvpt_utf8_valid(np, strlen(np))) {
		kvpt_buf_adds(err, "the new file needs a plain file name (no "
			      "'/', not starting with '.')");
		return KVPT_EINVAL;
	}
	for (i = 0; np[i]; i++)
		if ((unsigned char)np[i] < 0x20 || np[i] == 0x7f) {
			kvpt_buf_adds(err, "the new file's name holds a control "
				      "character");
			return KVPT_EINVAL;
		}
	slash = strrchr(in->main_path, '/');
	m->dir = slash ? kvpt_arena_strndup(&m->arena, in->main_path,
					    (size_t)(slash - in->main_path) + 1)
		       : "";
	m->new_file = kvpt_arena_printf(&m->arena, "%s%s", m->dir, np);
	for (i = 0; i < in->nfiles; i++)
		if (!strcmp(in->files[i].path, m->new_file)) {
			kvpt_buf_addf(err, "%s is already a file of the plan; "
				      "pick another name", m->new_file);
			return KVPT_EINVAL;
		}
	return 0;
}

int kvpt_msel_import(const struct kvpt_msel_input *in, json_t **out,
		     struct kvpt_buf *err)
{
	struct msel m;
	size_t i;
	int rc, valid;

	*out = NULL;
	memset(&m, 0, sizeof(m));
	m.in = in;
	kvpt_arena_init(&m.arena);
	kvpt_arena_init(&m.csv.arena);
	kvpt_strmap_init(&m.ids);
	kvpt_buf_init(&m.yaml);
	kvpt_buf_init(&m.main_text);
	m.plan_errors = json_array();
	m.plan_warnings = json_array();

	rc = check_input(&m, err);
	if (!rc)
		rc = csv_read(&m.csv, in->csv ? in->csv : "", in->csv_len, err);
	if (!rc)
		rc = map_columns(&m, err);
	if (rc)
		goto out;

	m.nrows = (int)m.csv.nrows - 1;
	m.rows = xcalloc((size_t)m.nrows, sizeof(*m.rows));
	if (load_plan(&m)) {
		for (i = 1; i < m.csv.nrows; i++)
			check_row(&m, &m.rows[i - 1], &m.csv.rows[i]);
		name_rows(&m);
	} else {
		for (i = 1; i < m.csv.nrows; i++) {
			struct row *r = &m.rows[i - 1];
			int f;

			for (f = 0; f < F_COUNT; f++)
				r->cell[f] = m.col[f] >= 0 &&
					     m.col[f] < m.csv.rows[i].nfields ?
					     m.csv.rows[i].fields[m.col[f]] : "";
			r->row = m.csv.rows[i].row;
			r->at = KVPT_TIME_NONE;
			r->phase = r->classification = r->expect = -1;
			r->within = -1;
			r->to_json = json_array();
			r->errors = json_array();
			r->warnings = json_array();
			r->id = *r->cell[F_ID] ? r->cell[F_ID] : NULL;
		}
		if (!m.nerrors) {
			json_array_append_new(m.plan_errors, json_pack(
				"{s:s,s:i,s:i,s:s,s:s}", "file", in->main_path,
				"line", 0, "col", 0, "rule", "io", "message",
				"the plan could not be loaded"));
			m.nerrors++;
		}
	}
	/* The rows without errors go into the new file and the new plan is
	 * checked even when other rows have errors, so that one pass reports
	 * every error; the files are returned only when there is none. */
	valid = 0;
	for (i = 0; i < (size_t)m.nrows; i++)
		if (!m.rows[i].failed)
			valid++;
	if (!json_array_size(m.plan_errors) && valid) {
		const char *why = "";

		write_file(&m);
		for (i = 0; i < (size_t)in->nfiles; i++)
			if (!strcmp(in->files[i].path, in->main_path))
				break;
		if (edit_main(in->files[i].text, in->files[i].len,
			      in->new_path, &m.main_text, &why)) {
			struct kvpt_buf msg = KVPT_BUF_INIT;

			kvpt_buf_addf(&msg, "cannot add %s to the main file's "
				      "include: (%s)", in->new_path, why);
			json_array_append_new(m.plan_errors, json_pack(
				"{s:s,s:i,s:i,s:s,s:s}", "file", in->main_path,
				"line", 0, "col", 0, "rule", "include",
				"message", msg.s));
			kvpt_buf_release(&msg);
			m.nerrors++;
		} else {
			verify(&m);
		}
	}
	*out = result_json(&m);
out:
	for (i = 0; i < (size_t)m.nrows; i++) {
		json_decref(m.rows[i].to_json);
		json_decref(m.rows[i].errors);
		json_decref(m.rows[i].warnings);
	}
	free(m.rows);
	for (i = 0; i < m.nold_warnings; i++)
		free(m.old_warnings[i]);
	free(m.old_warnings);
	json_decref(m.plan_errors);
	json_decref(m.plan_warnings);
	kvpt_plan_free(m.plan);
	free(m.lines);
	kvpt_buf_release(&m.yaml);
	kvpt_buf_release(&m.main_text);
	kvpt_strmap_release(&m.ids);
	for (i = 0; i < K_COUNT; i++)
		name_index_release(&m.names[i]);
	free(m.csv.rows);
	kvpt_arena_release(&m.csv.arena);
	kvpt_arena_release(&m.arena);
	return rc;
}
