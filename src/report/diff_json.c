/*
 * diff_json: see diff_json.h.  Keys come in the documented order (jansson
 * keeps insertion order when dumping with JSON_PRESERVE_ORDER).
 */
#include "diff_json.h"
#include "base/buf.h"
#include "base/utf8.h"

static void set(json_t *obj, const char *key, json_t *v)
{
	json_object_set_new_nocheck(obj, key, v);
}

static json_t *line_no(int n)
{
	return n > 0 ? json_integer(n) : json_null();
}

/* The text of a line as a JSON string, repaired when it is not UTF-8. */
static json_t *text(const char *s, size_t len, struct kvpt_buf *scratch)
{
	if (kvpt_utf8_valid(s, len))
		return json_stringn_nocheck(s, len);
	kvpt_buf_reset(scratch);
	kvpt_utf8_sanitize(scratch, s, len);
	return json_stringn_nocheck(scratch->s, scratch->len);
}

json_t *kvpt_diff_json(const struct kvpt_diff *d)
{
	struct kvpt_buf scratch = KVPT_BUF_INIT;
	json_t *o = json_object(), *hunks = json_array();
	char op[2] = { 0, 0 };
	int h, i;

	for (h = 0; h < d->nhunks; h++) {
		const struct kvpt_diff_hunk *x = &d->hunks[h];
		json_t *ho = json_object(), *lines = json_array();

		set(ho, "old_start", json_integer(x->old_start));
		set(ho, "old_count", json_integer(x->old_count));
		set(ho, "new_start", json_integer(x->new_start));
		set(ho, "new_count", json_integer(x->new_count));
		for (i = 0; i < x->nlines; i++) {
			const struct kvpt_diff_line *l = &x->lines[i];
			json_t *lo = json_object();

			op[0] = l->op;
			set(lo, "op", json_string(op));
			set(lo, "text", text(l->text, l->len, &scratch));
			set(lo, "old", line_no(l->old_no));
			set(lo, "new", line_no(l->new_no));
			json_array_append_new(lines, lo);
		}
		set(ho, "lines", lines);
		json_array_append_new(hunks, ho);
	}
	set(o, "hunks", hunks);
	set(o, "added", json_integer(d->added));
	set(o, "removed", json_integer(d->removed));
	set(o, "approximate", json_boolean(d->approximate));
	kvpt_buf_release(&scratch);
	return o;
}
