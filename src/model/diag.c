/*
 * diag: recording, sorting and formatting diagnostics.  See diag.h.
 */
#include "diag.h"
#include "base/utf8.h"
#include "base/xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void kvpt_diags_init(struct kvpt_diags *d)
{
	memset(d, 0, sizeof(*d));
	d->max = KVPT_DIAGS_MAX_DEFAULT;
}

void kvpt_diags_release(struct kvpt_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->v[i].msg);
	free(d->v);
	kvpt_diags_init(d);
}

void kvpt_diag(struct kvpt_diags *d, enum kvpt_severity sev,
	       struct kvpt_pos pos, const char *rule, const char *fmt, ...)
{
	struct kvpt_buf b = KVPT_BUF_INIT;
	struct kvpt_diag *x;
	va_list ap;

	if (sev == KVPT_SEV_ERROR)
		d->nerrors++;
	else if (sev == KVPT_SEV_WARNING)
		d->nwarnings++;
	if (d->n >= d->max) {
		d->dropped++;
		return;
	}
	va_start(ap, fmt);
	kvpt_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	XGROW(d->v, d->cap, d->n + 1);
	x = &d->v[d->n];
	x->sev = sev;
	x->pos = pos;
	x->rule = rule;
	x->msg = kvpt_buf_detach(&b);
	x->seq = d->n++;
}

static int cmp_diag(const void *a, const void *b)
{
	const struct kvpt_diag *x = a, *y = b;

	if (x->pos.file != y->pos.file)
		return x->pos.file < y->pos.file ? -1 : 1;
	if (x->pos.line != y->pos.line)
		return x->pos.line < y->pos.line ? -1 : 1;
	if (x->pos.col != y->pos.col)
		return x->pos.col < y->pos.col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void kvpt_diags_sort(struct kvpt_diags *d)
{
	if (d->n > 1)
		qsort(d->v, d->n, sizeof(*d->v), cmp_diag);
}

static const char *sev_name(enum kvpt_severity s)
{
	return s == KVPT_SEV_ERROR ? "error" :
	       s == KVPT_SEV_WARNING ? "warning" : "note";
}

static const char *file_name(const char **files, int nfiles, int i)
{
	if (files && i >= 0 && i < nfiles && files[i])
		return files[i];
	return "<plan>";
}

void kvpt_diags_format_text(const struct kvpt_diags *d, const char **files,
			    int nfiles, struct kvpt_buf *out)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct kvpt_diag *x = &d->v[i];

		kvpt_buf_adds(out, file_name(files, nfiles, x->pos.file));
		if (x->pos.line > 0)
			kvpt_buf_addf(out, ":%d:%d", x->pos.line, x->pos.col);
		kvpt_buf_addf(out, ": %s: %s [%s]\n", sev_name(x->sev), x->msg,
			      x->rule);
	}
	if (d->dropped)
		kvpt_buf_addf(out, "kvpt: %zu more diagnostics not shown\n",
			      d->dropped);
}

void kvpt_diags_format_json(const struct kvpt_diags *d, const char **files,
			    int nfiles, struct kvpt_buf *out)
{
	size_t i;

	kvpt_buf_addf(out, "{\"errors\":%d,\"warnings\":%d,\"dropped\":%zu,"
		      "\"diagnostics\":[", d->nerrors, d->nwarnings,
		      d->dropped);
	for (i = 0; i < d->n; i++) {
		const struct kvpt_diag *x = &d->v[i];

		if (i)
			kvpt_buf_addc(out, ',');
		kvpt_buf_adds(out, "{\"file\":");
		kvpt_buf_add_json_str(out, file_name(files, nfiles, x->pos.file));
		kvpt_buf_addf(out, ",\"line\":%d,\"col\":%d,\"severity\":\"%s\","
			      "\"rule\":", x->pos.line, x->pos.col,
			      sev_name(x->sev));
		kvpt_buf_add_json_str(out, x->rule);
		kvpt_buf_adds(out, ",\"message\":");
		kvpt_buf_add_json_str(out, x->msg);
		kvpt_buf_addc(out, '}');
	}
	kvpt_buf_adds(out, "]}\n");
}

static size_t edit_distance(const char *a, const char *b, size_t limit)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[64];

	if (lb >= sizeof(row) / sizeof(row[0]) || la > lb + limit ||
	    lb > la + limit)
		return limit + 1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t prev = row[0], best;

		row[0] = i;
		best = row[0];
		for (j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t v = prev + cost;

			if (row[j] + 1 < v)
				v = row[j] + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			prev = cur;
			if (v < best)
				best = v;
		}
		if (best > limit)
			return limit + 1;
	}
	return row[lb];
}

/* s without Vietnamese diacritics, in lower case, into out (len ≥ 1):
 * "Đảng ủy" → "dang uy", so a word typed without accents still finds its
 * suggestion.  Letters with no ASCII base are kept as '?'. */
static void fold(const char *s, char *out, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k = 0;

	while (*p && k + 1 < len) {
		char base = kvpt_viet_base(kvpt_viet_lower(kvpt_utf8_next(&p)));

		out[k++] = base ? base : '?';
	}
	out[k] = '\0';
}

const char *kvpt_did_you_mean(const char *word, const char *const *cand,
			      int n)
{
	char fw[64], fc[64];
	size_t limit = strlen(word) / 3 + 1, best = limit + 1;
	const char *pick = NULL;
	int i;

	if (limit > 3)
		limit = 3;
	fold(word, fw, sizeof(fw));
	for (i = 0; i < n; i++) {
		size_t dist = edit_distance(word, cand[i], limit);

		fold(cand[i], fc, sizeof(fc));
		if (strcmp(fw, word) || strcmp(fc, cand[i])) {
			size_t d2 = edit_distance(fw, fc, limit);

			if (d2 < dist)
				dist = d2;
		}

		if (dist <= limit && dist < best) {
			best = dist;
			pick = cand[i];
		}
	}
	return pick;
}
