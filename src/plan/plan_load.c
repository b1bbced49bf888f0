/*
 * plan_load: YAML trees (plan/yaml.h) into the model (model/model.h).
 *
 * Each mapping in the format is described by a table of fields (key, type,
 * where it goes); one generic reader applies a table to a mapping, which
 * gives every section the same handling of unknown keys (with a "did you
 * mean"), wrong types, missing required keys and bad values.  Nested lists
 * (phases → problems → contents → activities → expectations) get small
 * custom readers.  After all files are read, entities are grouped by parent
 * and every reference is resolved by id.
 */
#include "plan.h"
#include "yaml.h"
#include "base/xalloc.h"
#include "model/extime.h"

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FILES_DEFAULT 256
#define MAX_DEPTH_DEFAULT 64

struct loader {
	struct kvpt_plan *plan;
	struct kvpt_diags *diags;
	struct kvpt_load_opts opts;
	int file;			/* current file index */
	struct kvpt_timebase tb;
	const char **stack;		/* include chain (real paths), for cycles */
	const char **shown;		/* the same chain as written */
	int nstack;
	size_t cap_stack;
	size_t cap_files;
	int in_main;			/* reading the main file */
	int exercise_done;		/* the main file's exercise is read */
};

static struct kvpt_pos npos(const struct loader *l, const struct kvpt_ynode *n)
{
	struct kvpt_pos p = { l->file, n ? n->line : 0, n ? n->col : 0 };

	return p;
}

#define ERR(l, n, rule, ...) \
	kvpt_diag((l)->diags, KVPT_SEV_ERROR, npos((l), (n)), rule, __VA_ARGS__)
#define WARN(l, n, rule, ...) \
	kvpt_diag((l)->diags, KVPT_SEV_WARNING, npos((l), (n)), rule, __VA_ARGS__)

static const char *type_name(const struct kvpt_ynode *n)
{
	if (n->type == KVPT_Y_MAP)
		return "a mapping";
	if (n->type == KVPT_Y_SEQ)
		return "a list";
	return n->null ? "nothing" : "a scalar";
}

/* Field tables. */

enum ftype {
	F_STR,		/* const char * */
	F_ENUM,		/* int, via tab */
	F_TIME,		/* kvpt_time */
	F_DUR,		/* int64_t ms */
	F_INT,		/* int64_t */
	F_NUM,		/* double */
	F_BOOL,		/* int */
	F_REF,		/* struct kvpt_ref */
	F_REFS,		/* struct kvpt_refs: one id or a list */
	F_STRS,		/* const char ** + int count at off2 */
	F_CUSTOM,	/* handled by the section's callback */
};

#define REQ 1u

struct field {
	const char *key;
	enum ftype type;
	size_t off;
	const struct kvpt_enum_name *tab;
	unsigned flags;
	size_t off2;	/* F_STRS: offset of the int count */
};

typedef void (*custom_fn)(struct loader *l, const char *key,
			  const struct kvpt_ynode *val, void *obj);

static int is_scalar(struct loader *l, const struct kvpt_ynode *n,
		     const char *key)
{
	if (n->type == KVPT_Y_SCALAR && !n->null)
		return 1;
	ERR(l, n, "type", "'%s' must be a single value, found %s", key,
	    type_name(n));
	return 0;
}

static void enum_error(struct loader *l, const struct kvpt_ynode *n,
		       const char *key, const struct kvpt_enum_name *tab)
{
	const char *cand[96];
	const struct kvpt_enum_name *t;
	struct kvpt_buf list = KVPT_BUF_INIT;
	const char *best;
	int nc = 0;

	for (t = tab; t->id && nc < 93; t++) {
		cand[nc++] = t->id;
		cand[nc++] = t->vi;
		if (t->alias)
			cand[nc++] = t->alias;
		kvpt_buf_addf(&list, "%s%s (%s)", list.len ? ", " : "", t->id,
			      t->vi);
	}
	best = kvpt_did_you_mean(n->str, cand, nc);
	if (best)
		ERR(l, n, "bad-value", "unknown %s '%s'; did you mean '%s'?",
		    key, n->str, best);
	else
		ERR(l, n, "bad-value", "unknown %s '%s'; expected one of: %s",
		    key, n->str, list.s);
	kvpt_buf_release(&list);
}

static struct kvpt_ref make_ref(struct loader *l, const struct kvpt_ynode *n)
{
	struct kvpt_ref r;

	r.id = n->str;
	r.pos = npos(l, n);
	r.idx = -1;
	return r;
}

static int read_time(struct loader *l, const struct kvpt_ynode *n,
		     const char *key, kvpt_time *out)
{
	const char *why;

	if (!is_scalar(l, n, key))
		return -1;
	if (kvpt_time_parse(n->str, &l->tb, out, &why)) {
		ERR(l, n, "bad-time", "bad time '%s' for '%s': %s", n->str, key,
		    why);
		return -1;
	}
	return 0;
}

static int read_dur(struct loader *l, const struct kvpt_ynode *n,
		    const char *key, int64_t *out)
{
	const char *why;

	if (!is_scalar(l, n, key))
		return -1;
	if (kvpt_duration_parse(n->str, out, &why)) {
		ERR(l, n, "bad-time", "bad duration '%s' for '%s': %s", n->str,
		    key, why);
		return -1;
	}
	return 0;
}

static int read_int(struct loader *l, const struct kvpt_ynode *n,
		    const char *key, int64_t *out)
{
	char *end;
	long long v;

	if (!is_scalar(l, n, key))
		return -1;
	errno = 0;
	v = strtoll(n->str, &end, 10);
	if (errno || end == n->str || *end || v < 0 || v > (1LL << 50)) {
		ERR(l, n, "type", "'%s' must be a whole number ≥ 0, found '%s'",
		    key, n->str);
		return -1;
	}
	*out = v;
	return 0;
}

static int read_num(struct loader *l, const struct kvpt_ynode *n,
		    const char *key, double *out)
{
	char *end;
	double v;

	if (!is_scalar(l, n, key))
		return -1;
	errno = 0;
	v = strtod(n->str, &end);
	if (errno || end == n->str || *end || v != v) {
		ERR(l, n, "type", "'%s' must be a number, found '%s'", key,
		    n->str);
		return -1;
	}
	*out = v;
	return 0;
}

static int read_bool(struct loader *l, const struct kvpt_ynode *n,
		     const char *key, int *out)
{
	static const char *const yes[] = { "true", "yes", "có", "True", NULL };
	static const char *const no[] = { "false", "no", "không", "False", NULL };
	int i;

	if (!is_scalar(l, n, key))
		return -1;
	for (i = 0; yes[i]; i++)
		if (!strcmp(n->str, yes[i])) {
			*out = 1;
			return 0;
		}
	for (i = 0; no[i]; i++)
		if (!strcmp(n->str, no[i])) {
			*out = 0;
			return 0;
		}
	ERR(l, n, "type", "'%s' must be true or false, found '%s'", key,
	    n->str);
	return -1;
}

static void read_refs(struct loader *l, const struct kvpt_ynode *n,
		      const char *key, struct kvpt_refs *out)
{
	size_t i;
	int k = 0;

	if (n->type == KVPT_Y_SCALAR && !n->null) {
		out->v = kvpt_arena_alloc(&l->plan->arena, sizeof(*out->v));
		out->v[0] = make_ref(l, n);
		out->n = 1;
		return;
	}
	if (n->type != KVPT_Y_SEQ) {
		ERR(l, n, "type", "'%s' must be an id or a list of ids, found "
		    "%s", key, type_name(n));
		return;
	}
	out->v = kvpt_arena_alloc(&l->plan->arena,
				  sizeof(*out->v) * (n->len ? n->len : 1));
	for (i = 0; i < n->len; i++) {
		if (!is_scalar(l, n->items[i], key))
			continue;
		out->v[k++] = make_ref(l, n->items[i]);
	}
	out->n = k;
}

static void read_strs(struct loader *l, const struct kvpt_ynode *n,
		      const char *key, const char ***out, int *count)
{
	size_t i;
	int k = 0;

	if (n->type == KVPT_Y_SCALAR && !n->null) {
		*out = kvpt_arena_alloc(&l->plan->arena, sizeof(**out));
		(*out)[0] = n->str;
		*count = 1;
		return;
	}
	if (n->type != KVPT_Y_SEQ) {
		ERR(l, n, "type", "'%s' must be a list of texts, found %s", key,
		    type_name(n));
		return;
	}
	*out = kvpt_arena_alloc(&l->plan->arena,
				sizeof(**out) * (n->len ? n->len : 1));
	for (i = 0; i < n->len; i++)
		if (is_scalar(l, n->items[i], key))
			(*out)[k++] = n->items[i]->str;
	*count = k;
}

/*
 * Apply field table f[0..nf) to mapping n, filling obj.  ctx names the
 * mapping in messages ("a role").  Returns 0 when n is a mapping.
 */
static int read_fields(struct loader *l, const struct kvpt_ynode *n,
		       const char *ctx, const struct field *f, int nf,
		       void *obj, custom_fn custom)
{
	unsigned char seen[48] = { 0 };
	size_t i;
	int j;

	if (n->type != KVPT_Y_MAP) {
		ERR(l, n, "type", "%s must be a mapping of keys, found %s", ctx,
		    type_name(n));
		return -1;
	}
	for (i = 0; i < n->len; i++) {
		const struct kvpt_ynode *k = n->items[2 * i];
		const struct kvpt_ynode *v = n->items[2 * i + 1];
		char *base = obj;

		if (k->type != KVPT_Y_SCALAR) {
			ERR(l, k, "type", "keys must be plain words, found %s",
			    type_name(k));
			continue;
		}
		for (j = 0; j < nf; j++)
			if (!strcmp(f[j].key, k->str))
				break;
		if (j == nf) {
			const char *cand[48];
			const char *best;
			int c;

			for (c = 0; c < nf; c++)
				cand[c] = f[c].key;
			best = kvpt_did_you_mean(k->str, cand, nf);
			if (best)
				ERR(l, k, "unknown-key", "unknown key '%s' in "
				    "%s; did you mean '%s'?", k->str, ctx,
				    best);
			else
				ERR(l, k, "unknown-key", "unknown key '%s' in "
				    "%s", k->str, ctx);
			continue;
		}
		if (seen[j]) {
			ERR(l, k, "duplicate-key", "key '%s' appears twice in "
			    "%s; keep one", k->str, ctx);
			continue;
		}
		seen[j] = 1;
		if (v->type == KVPT_Y_SCALAR && v->null &&
		    f[j].type != F_CUSTOM && f[j].type != F_REFS &&
		    f[j].type != F_STRS) {
			if (f[j].flags & REQ)
				ERR(l, v, "missing-key", "'%s' of %s is empty",
				    f[j].key, ctx);
			continue;
		}
		switch (f[j].type) {
		case F_STR:
			if (is_scalar(l, v, f[j].key))
				*(const char **)(base + f[j].off) = v->str;
			break;
		case F_ENUM: {
			int e;

			if (!is_scalar(l, v, f[j].key))
				break;
			e = kvpt_enum_parse(f[j].tab, v->str);
			if (e < 0)
				enum_error(l, v, f[j].key, f[j].tab);
			else
				*(int *)(base + f[j].off) = e;
			break;
		}
		case F_TIME:
			read_time(l, v, f[j].key, (kvpt_time *)(base + f[j].off));
			break;
		case F_DUR:
			read_dur(l, v, f[j].key, (int64_t *)(base + f[j].off));
			break;
		case F_INT:
			read_int(l, v, f[j].key, (int64_t *)(base + f[j].off));
			break;
		case F_NUM:
			read_num(l, v, f[j].key, (double *)(base + f[j].off));
			break;
		case F_BOOL:
			read_bool(l, v, f[j].key, (int *)(base + f[j].off));
			break;
		case F_REF:
			if (is_scalar(l, v, f[j].key))
				*(struct kvpt_ref *)(base + f[j].off) =
					make_ref(l, v);
			break;
		case F_REFS:
			if (!v->null)
				read_refs(l, v, f[j].key,
					  (struct kvpt_refs *)(base + f[j].off));
			break;
		case F_STRS:
			if (!v->null)
				read_strs(l, v, f[j].key,
					  (const char ***)(base + f[j].off),
					  (int *)(base + f[j].off2));
			break;
		case F_CUSTOM:
			custom(l, f[j].key, v, obj);
			break;
		}
	}
	for (j = 0; j < nf; j++) {
		if (!(f[j].flags & REQ) || seen[j])
			continue;
		ERR(l, n, "missing-key", "%s has no '%s'", ctx, f[j].key);
		/* A stand-in id keeps later messages and lookups sane. */
		if (f[j].type == F_STR && !strcmp(f[j].key, "id"))
			*(const char **)((char *)obj + f[j].off) =
				kvpt_arena_printf(&l->plan->arena,
						  "(no id, line %d)", n->line);
	}
	return 0;
}

/* Iterate a list section; a lone mapping is refused with a hint. */
static int as_list(struct loader *l, const struct kvpt_ynode *n,
		   const char *key)
{
	if (n->type == KVPT_Y_SEQ)
		return 1;
	if (n->type == KVPT_Y_SCALAR && n->null)
		return 0;
	ERR(l, n, "type", "'%s' must be a list (items start with '- '), found "
	    "%s", key, type_name(n));
	return 0;
}

/* Register id in map; a second definition is an error where it stands. */
static void add_id(struct loader *l, struct kvpt_strmap *map, const char *id,
		   int idx, const struct kvpt_ynode *at, const char *what)
{
	if (!id)
		return;
	if (kvpt_strmap_put(map, id, idx, NULL) < 0)
		ERR(l, at, "duplicate-id", "%s id '%s' is already used", what,
		    id);
}

static const struct kvpt_ynode *id_node(const struct kvpt_ynode *n)
{
	size_t i;

	if (n->type != KVPT_Y_MAP)
		return n;
	for (i = 0; i < n->len; i++)
		if (!strcmp(n->items[2 * i]->str ? n->items[2 * i]->str : "",
			    "id"))
			return n->items[2 * i + 1];
	return n;
}

#define OFF(type, m) offsetof(type, m)

/* Whether mapping n has key (to tell "absent" from "present but bad"). */
static int has_key(const struct kvpt_ynode *n, const char *key)
{
	size_t i;

	if (n->type != KVPT_Y_MAP)
		return 0;
	for (i = 0; i < n->len; i++)
		if (n->items[2 * i]->str && !strcmp(n->items[2 * i]->str, key))
			return 1;
	return 0;
}

/* exercise */

static void ex_custom(struct loader *l, const char *key,
		      const struct kvpt_ynode *v, void *obj)
{
	struct kvpt_exercise *ex = obj;
	const char *why;

	if (!is_scalar(l, v, key))
		return;
	if (!strcmp(key, "timezone")) {
		static const struct { const char *name; int off; } zones[] = {
			{ "Asia/Ho_Chi_Minh", 420 }, { "Asia/Saigon", 420 },
			{ "Asia/Bangkok", 420 }, { "UTC", 0 }, { "Etc/UTC", 0 },
		};
		size_t i;
		int64_t dummy;
		int off;

		ex->timezone = v->str;
		for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
			if (!strcmp(v->str, zones[i].name)) {
				ex->tz_offset_min = zones[i].off;
				return;
			}
		{
			char probe[64];

			snprintf(probe, sizeof(probe), "2000-01-01T00:00%s",
				 v->str);
			if ((v->str[0] == '+' || v->str[0] == '-') &&
			    !kvpt_iso_parse(probe, 0, &dummy, &off, NULL, &why)) {
				ex->tz_offset_min = off;
				return;
			}
		}
		ERR(l, v, "bad-value", "unknown time zone '%s'; use "
		    "Asia/Ho_Chi_Minh, UTC or an offset such as +07:00",
		    v->str);
	} else if (!strcmp(key, "start")) {
		int64_t epoch, day;
		int off;

		if (v->str[0] == 'N' || v->str[0] == 'n') {
			if (kvpt_time_parse(v->str, NULL, &ex->start, &why))
				ERR(l, v, "bad-time", "bad start '%s': %s",
				    v->str, why);
			return;
		}
		/* The zone may come after start in the file: parse against
		 * it later; here only the format is checked and kept. */
		if (kvpt_iso_parse(v->str, ex->tz_offset_min, &epoch, &off,
				   &day, &why)) {
			ERR(l, v, "bad-time", "bad start '%s': %s", v->str, why);
			return;
		}
		ex->n_date = v->str;	/* fixed up in read_exercise() */
	}
}

static void read_exercise(struct loader *l, const struct kvpt_ynode *n)
{
	static const struct field f[] = {
		{ "code", F_STR, OFF(struct kvpt_exercise, code), NULL, REQ, 0 },
		{ "name", F_STR, OFF(struct kvpt_exercise, name), NULL, REQ, 0 },
		{ "kind", F_ENUM, OFF(struct kvpt_exercise, kind),
		  kvpt_exercise_kinds, REQ, 0 },
		{ "format", F_STR, OFF(struct kvpt_exercise, format), NULL, 0, 0 },
		{ "locality", F_STR, OFF(struct kvpt_exercise, locality), NULL,
		  0, 0 },
		{ "start", F_CUSTOM, 0, NULL, REQ, 0 },
		{ "timezone", F_CUSTOM, 0, NULL, 0, 0 },
		{ "duration", F_DUR, OFF(struct kvpt_exercise, duration), NULL,
		  0, 0 },
		{ "method", F_ENUM, OFF(struct kvpt_exercise, method),
		  kvpt_methods, 0, 0 },
		{ "classification", F_ENUM,
		  OFF(struct kvpt_exercise, classification),
		  kvpt_classifications, 0, 0 },
		{ "standing_agency", F_REF,
		  OFF(struct kvpt_exercise, standing_agency), NULL, 0, 0 },
		{ "parent", F_REF, OFF(struct kvpt_exercise, parent), NULL, 0, 0 },
	};
	struct kvpt_exercise *ex = &l->plan->ex;
	size_t i;

	ex->pos = npos(l, n);
	/* The zone first, so the start is read in it whatever the order. */
	if (n->type == KVPT_Y_MAP)
		for (i = 0; i < n->len; i++)
			if (!strcmp(n->items[2 * i]->str ? n->items[2 * i]->str :
				    "", "timezone"))
				ex_custom(l, "timezone", n->items[2 * i + 1], ex);
	read_fields(l, n, "the exercise", f, (int)(sizeof(f) / sizeof(f[0])),
		    ex, ex_custom);
	if (ex->n_date) {
		int64_t epoch, day;
		int off, y;
		unsigned m, d;
		const char *why;

		kvpt_iso_parse(ex->n_date, ex->tz_offset_min, &epoch, &off,
			       &day, &why);
		l->tb.n_epoch_ms = day * KVPT_MS_DAY -
				   (int64_t)off * KVPT_MS_MIN;
		l->tb.tz_offset_min = off;
		l->tb.valid = 1;
		ex->tz_offset_min = off;
		ex->n_epoch_ms = l->tb.n_epoch_ms;
		ex->start = epoch - l->tb.n_epoch_ms;
		kvpt_civil_from_days(day, &y, &m, &d);
		ex->n_date = kvpt_arena_printf(&l->plan->arena,
					       "%04d-%02u-%02u", y, m, d);
	}
	if (!has_key(n, "duration"))
		ex->duration = KVPT_MS_DAY;
	else if (!ex->duration)
		ERR(l, n, "bad-value", "the exercise needs a duration above 0");
}

/* bodies (a tree: nested `units:`) */

static void read_bodies(struct loader *l, const struct kvpt_ynode *n,
			int parent);

struct body_ctx {
	struct kvpt_body b;
	const struct kvpt_ynode *units;
};

static void body_custom(struct loader *l, const char *key,
			const struct kvpt_ynode *v, void *obj)
{
	((struct body_ctx *)obj)->units = v;
}

static void read_bodies(struct loader *l, const struct kvpt_ynode *n,
			int parent)
{
	static const struct field f[] = {
		{ "id", F_STR, OFF(struct body_ctx, b.id), NULL, REQ, 0 },
		{ "name", F_STR, OFF(struct body_ctx, b.name), NULL, REQ, 0 },
		{ "kind", F_ENUM, OFF(struct body_ctx, b.kind), kvpt_body_kinds,
		  REQ, 0 },
		{ "level", F_STR, OFF(struct body_ctx, b.level), NULL, 0, 0 },
		{ "parent", F_REF, OFF(struct body_ctx, b.parent), NULL, 0, 0 },
		{ "units", F_CUSTOM, 0, NULL, 0, 0 },
	};
	struct kvpt_plan *p = l->plan;
	size_t i;

	if (!as_list(l, n, "bodies"))
		return;
	for (i = 0; i < n->len; i++) {
		struct body_ctx c;
		int idx;

		memset(&c, 0, sizeof(c));
		c.b.parent = kvpt_ref_none();
		c.b.pos = npos(l, n->items[i]);
		if (read_fields(l, n->items[i], "a body", f,
				(int)(sizeof(f) / sizeof(f[0])), &c,
				body_custom))
			continue;
		if (parent >= 0) {
			if (c.b.parent.id)
				ERR(l, id_node(n->items[i]), "bad-value",
				    "body '%s' is nested under '%s' and also "
				    "names a parent", c.b.id ? c.b.id : "?",
				    p->bodies[parent].id);
			c.b.parent.idx = parent;
			c.b.parent.id = p->bodies[parent].id;
		}
		XGROW(p->bodies, p->cap_bodies, (size_t)p->nbodies + 1);
		idx = p->nbodies++;
		p->bodies[idx] = c.b;
		add_id(l, &p->body_ids, c.b.id, idx, id_node(n->items[i]),
		       "body");
		if (c.units)
			read_bodies(l, c.units, idx);
	}
}

static void read_people(struct loader *l, const struct kvpt_ynode *n)
{
	static const struct field f[] = {
		{ "id", F_STR, OFF(struct kvpt_person, id), NULL, REQ, 0 },
		{ "name", F_STR, OFF(struct kvpt_person, name), NULL, REQ, 0 },
		{ "title", F_STR, OFF(struct kvpt_person, title), NULL, 0, 0 },
		{ "clearance", F_ENUM, OFF(struct kvpt_person, clearance),
		  kvpt_classifications, 0, 0 },
	};
	struct kvpt_plan *p = l->plan;
	size_t i;

	if (!as_list(l, n, "people"))
		return;
	for (i = 0; i < n->len; i++) {
		struct kvpt_person x;

		memset(&x, 0, sizeof(x));
		x.pos = npos(l, n->items[i]);
		if (read_fields(l, n->items[i], "a person", f,
				(int)(sizeof(f) / sizeof(f[0])), &x, NULL))
			continue;
		XGROW(p->people, p->cap_people, (size_t)p->npeople + 1);
		p->people[p->npeople] = x;
		add_id(l, &p->person_ids, x.id, p->npeople++,
		       id_node(n->items[i]), "person");
	}
}

static void read_roles(struct loader *l, const struct kvpt_ynode *n)
{
	static const struct field f[] = {
		{ "id", F_STR, OFF(struct kvpt_role, id), NULL, REQ, 0 },
		{ "name", F_STR, OFF(struct kvpt_role, name), NULL, REQ, 0 },
		{ "body", F_REF, OFF(struct kvpt_role, body), NULL, REQ, 0 },
		{ "person", F_REF, OFF(struct kvpt_role, person), NULL, 0, 0 },
	};
	struct kvpt_plan *p = l->plan;
	size_t i;

	if (!as_list(l, n, "roles"))
		return;
	for (i = 0; i < n->len; i++) {
		struct kvpt_role x;

		memset(&x, 0, sizeof(x));
		x.body = kvpt_ref_none();
		x.person = kvpt_ref_none();
		x.pos = npos(l, n->items[i]);
		if (read_fields(l, n->items[i], "a role", f,
				(int)(sizeof(f) / sizeof(f[0])), &x, NULL))
			continue;
		XGROW(p->roles, p->cap_roles, (size_t)p->nroles + 1);
		p->roles[p->nroles] = x;
		add_id(l, &p->role_ids, x.id, p->nroles++, id_node(n->items[i]),
		       "role");
	}
}

static void committee_custom(struct loader *l, const char *key,
			     const struct kvpt_ynode *v, void *obj)
{
	static const struct field f[] = {
		{ "person", F_REF, OFF(struct kvpt_member, person), NULL, REQ, 0 },
		{ "duty", F_STR, OFF(struct kvpt_member, duty), NULL, 0, 0 },
	};
	struct kvpt_committee *c = obj;
	size_t i;

	if (!as_list(l, v, "members"))
		return;
	c->members = kvpt_arena_alloc(&l->plan->arena,
				      sizeof(*c->members) * (v->len ? v->len : 1));
	for (i = 0; i < v->len; i++) {
		struct kvpt_member *m = &c->members[c->nmembers];

		m->person = kvpt_ref_none();
		if (v->items[i]->type == KVPT_Y_SCALAR && !v->items[i]->null) {
			m->person = make_ref(l, v->items[i]);
			c->nmembers++;
		} else if (!read_fields(l, v->items[i], "a committee member",
					f, 2, m, NULL)) {
			c->nmembers++;
		}
	}
}

static void read_committees(struct loader *l, const struct kvpt_ynode *n)
{
	static const struct field f[] = {
		{ "id", F_STR, OFF(struct kvpt_committee, id), NULL, REQ, 0 },
		{ "name", F_STR, OFF(struct kvpt_committee, name), NULL, REQ, 0 },
		{ "kind", F_ENUM, OFF(struct kvpt_committee, kind),
		  kvpt_committee_kinds, REQ, 0 },
		{ "head", F_REF, OFF(struct kvpt_committee, head), NULL, 0, 0 },
		{ "parent", F_REF, OFF(struct kvpt_committee, parent), NULL, 0, 0 },
		{ "members", F_CUSTOM, 0, NULL, 0, 0 },
	};
	struct kvpt_plan *p = l->plan;
	size_t i;

	if (!as_list(l, n, "committees"))
		return;
	for (i = 0; i < n->len; i++) {
		struct kvpt_committee x;

		memset(&x, 0, sizeof(x));
		x.head = kvpt_ref_none();
		x.parent = kvpt_ref_none();
		x.pos = npos(l, n->items[i]);
		if (read_fields(l, n->items[i], "a committee", f,
				(int)(sizeof(f) / sizeof(f[0])), &x,
				committee_custom))
			continue;
		XGROW(p->committees, p->cap_committees,
		      (size_t)p->ncommittees + 1);
		p->committees[p->ncommittees] = x;
		add_id(l, &p->committee_ids, x.id, p->ncommittees++,
		       id_node(n->items[i]), "committee");
	}
}

struct place_ctx {
	struct kvpt_place p;
	int has_lat, has_lon;
};

static void place_custom(struct loader *l, const char *key,
			 const struct kvpt_ynode *v, void *obj)
{
	struct place_ctx *c = obj;
	double *dst = !strcmp(key, "lat") ? &c->p.lat : &c->p.lon;
	double lim = !strcmp(key, "lat") ? 90 : 180;

	if (read_num(l, v, key, dst))
		return;
	if (*dst < -lim || *dst > lim) {
		ERR(l, v, "bad-value", "'%s' %g is out of range ±%g", key, *dst,
		    lim);
		return;
	}
	if (!strcmp(key, "lat"))
		c->has_lat = 1;
	else
		c->has_lon = 1;
}

static void read_places(struct loader *l, const struct kvpt_ynode *n)
{
	static const struct field f[] = {
		{ "id", F_STR, OFF(struct place_ctx, p.id), NULL, REQ, 0 },
		{ "name", F_STR, OFF(struct place_ctx, p.name), NULL, REQ, 0 },
		{ "kind", F_ENUM, OFF(struct place_ctx, p.kind), kvpt_place_kinds,
		  0, 0 },
		{ "lat", F_CUSTOM, 0, NULL, 0, 0 },
		{ "lon", F_CUSTOM, 0, NULL, 0, 0 },
		{ "body", F_REF, OFF(struct place_ctx, p.body), NULL, 0, 0 },
	};
	struct kvpt_plan *p = l->plan;
	size_t i;

	if (!as_list(l, n, "places"))
		return;
	for (i = 0; i < n->len; i++) {
		struct place_ctx c;

		memset(&c, 0, sizeof(c));
		c.p.kind = KVPT_PLACE_OTHER;
		c.p.body = kvpt_ref_none();
		c.p.pos = npos(l, n->items[i]);
		if (read_fields(l, n->items[i], "a place", f,
				(int)(sizeof(f) / sizeof(f[0])), &c,
				place_custom))
			continue;
		if (c.has_lat != c.has_lon)
			ERR(l, n->items[i], "missing-key", "place '%s' needs "
			    "both lat and lon", c.p.id ? c.p.id : "?");
		c.p.has_coords = c.has_lat && c.has_lon;
		XGROW(p->places, p->cap_places, (size_t)p->nplaces + 1);
		p->places[p->nplaces] = c.p;
		add_id(l, &p->place_ids, c.p.id, p->nplaces++,
		       id_node(n->items[i]), "place");
	}
}

static void read_resources(struct loader *l, const struct kvpt_ynode *n)
{
	static const struct field f[] = {
		{ "id", F_STR, OFF(struct kvpt_resource, id), NULL, REQ, 0 },
		{ "name", F_STR, OFF(struct kvpt_resource, name), NULL, REQ, 0 },
		{ "kind", F_ENUM, OFF(struct kvpt_resource, kind),
		  kvpt_resource_kinds, REQ, 0 },
		{ "quantity", F_INT, OFF(struct kvpt_resource, quantity), NULL,
		  0, 0 },
		{ "unit", F_STR, OFF(struct kvpt_resource, unit), NULL, 0, 0 },
		{ "capacity", F_INT, OFF(struct kvpt_resource, capacity), NULL,
		  0, 0 },
		{ "per", F_DUR, OFF(struct kvpt_resource, capacity_per), NULL,
		  0, 0 },
		{ "owner", F_REF, OFF(struct kvpt_resource, owner), NULL, 0, 0 },
	};
	struct kvpt_plan *p = l->plan;
	size_t i;

	if (!as_list(l, n, "resources"))
		return;
	for (i = 0; i < n->len; i++) {
		struct kvpt_resource x;

		memset(&x, 0, sizeof(x));
		x.owner = kvpt_ref_none();
		x.quantity = 1;
		x.pos = npos(l, n->items[i]);
		if (read_fields(l, n->items[i], "a resource", f,
				(int)(sizeof(f) / sizeof(f[0])), &x, NULL))
			continue;
		if (x.capacity && !x.capacity_per)
			x.capacity_per = KVPT_MS_DAY;
		XGROW(p->resources, p->cap_resources, (size_t)p->nresources + 1);
		p->resources[p->nresources] = x;
		add_id(l, &p->resource_ids, x.id, p->nresources++,
		       id_node(n->items[i]), "resource");
	}
}

static void doctype_custom(struct loader *l, const char *key,
			   const struct kvpt_ynode *v, int *out)
{
	int t;

	if (!is_scalar(l, v, key))
		return;
	t = kvpt_enum_parse(kvpt_doc_types, v->str);
	if (t < 0)
		enum_error(l, v, "document type", kvpt_doc_types);
	else
		*out = t;
}

static void document_custom(struct loader *l, const char *key,
			    const struct kvpt_ynode *v, void *obj)
{
	doctype_custom(l, key, v, &((struct kvpt_document *)obj)->type);
}

static void read_documents(struct loader *l, const struct kvpt_ynode *n)
{
	static const struct field f[] = {
		{ "id", F_STR, OFF(struct kvpt_document, id), NULL, REQ, 0 },
		{ "title", F_STR, OFF(struct kvpt_document, title), NULL, REQ, 0 },
		{ "type", F_CUSTOM, 0, NULL, REQ, 0 },
		{ "owner", F_REF, OFF(struct kvpt_document, owner), NULL, REQ, 0 },
		{ "due", F_TIME, OFF(struct kvpt_document, due), NULL, 0, 0 },
		{ "status", F_ENUM, OFF(struct kvpt_document, status),
		  kvpt_doc_statuses, 0, 0 },
		{ "classification", F_ENUM,
		  OFF(struct kvpt_document, classification),
		  kvpt_classifications, 0, 0 },
		{ "to", F_REFS, OFF(struct kvpt_document, to), NULL, 0, 0 },
	};
	struct kvpt_plan *p = l->plan;
	size_t i;

	if (!as_list(l, n, "documents"))
		return;
	for (i = 0; i < n->len; i++) {
		struct kvpt_document x;

		memset(&x, 0, sizeof(x));
		x.owner = kvpt_ref_none();
		x.type = -1;
		x.due = KVPT_TIME_NONE;
		x.pos = npos(l, n->items[i]);
		if (read_fields(l, n->items[i], "a document", f,
				(int)(sizeof(f) / sizeof(f[0])), &x,
				document_custom))
			continue;
		XGROW(p->documents, p->cap_documents, (size_t)p->ndocuments + 1);
		p->documents[p->ndocuments] = x;
		add_id(l, &p->document_ids, x.id, p->ndocuments++,
		       id_node(n->items[i]), "document");
	}
}

/* states: per machine, an optional new ladder, initial state, scope */

struct machine_ctx {
	struct kvpt_machine *m;
	const struct kvpt_ynode *states, *initial, *applies;
	const char *name;
};

static void machine_custom(struct loader *l, const char *key,
			   const struct kvpt_ynode *v, void *obj)
{
	struct machine_ctx *c = obj;

	if (!strcmp(key, "states"))
		c->states = v;
	else if (!strcmp(key, "initial"))
		c->initial = v;
	else
		c->applies = v;
}

static void drop_default_rules(struct kvpt_plan *p, int machine)
{
	int i, k = 0;

	for (i = 0; i < p->nrules; i++)
		if (!(p->rules[i].machine == machine &&
		      p->rules[i].pos.line == 0))
			p->rules[k++] = p->rules[i];
	p->nrules = k;
}

static void read_machine(struct loader *l, const struct kvpt_ynode *key,
			 const struct kvpt_ynode *v)
{
	static const struct field f[] = {
		{ "name", F_STR, OFF(struct machine_ctx, name), NULL, 0, 0 },
		{ "states", F_CUSTOM, 0, NULL, 0, 0 },
		{ "initial", F_CUSTOM, 0, NULL, 0, 0 },
		{ "applies_to", F_CUSTOM, 0, NULL, 0, 0 },
	};
	struct kvpt_plan *p = l->plan;
	struct machine_ctx c;
	int mi = kvpt_plan_machine(p, key->str);
	size_t i;

	memset(&c, 0, sizeof(c));
	if (mi < 0) {
		XGROW(p->machines, p->cap_machines, (size_t)p->nmachines + 1);
		mi = p->nmachines++;
		memset(&p->machines[mi], 0, sizeof(p->machines[mi]));
		p->machines[mi].id = key->str;
		p->machines[mi].name = key->str;
	}
	c.m = &p->machines[mi];
	c.m->pos = npos(l, key);
	if (read_fields(l, v, "a state machine", f, 4, &c, machine_custom))
		return;
	if (c.name)
		p->machines[mi].name = c.name;
	if (c.states && as_list(l, c.states, "states")) {
		struct kvpt_machine *m = &p->machines[mi];

		m->states = kvpt_arena_alloc(&p->arena, sizeof(*m->states) *
					     (c.states->len ? c.states->len : 1));
		m->nstates = 0;
		for (i = 0; i < c.states->len; i++) {
			static const struct field sf[] = {
				{ "id", F_STR, OFF(struct kvpt_state, id), NULL,
				  REQ, 0 },
				{ "name", F_STR, OFF(struct kvpt_state, name),
				  NULL, REQ, 0 },
			};
			struct kvpt_state s = { NULL, NULL };

			if (read_fields(l, c.states->items[i], "a state", sf, 2,
					&s, NULL) || !s.id || !s.name)
				continue;
			if (kvpt_machine_state(m, s.id) >= 0)
				ERR(l, c.states->items[i], "duplicate-id",
				    "state id '%s' is already used", s.id);
			m->states[m->nstates++] = s;
		}
		if (!m->nstates)
			ERR(l, c.states, "missing-key", "state machine '%s' "
			    "needs at least one state", m->id);
		m->initial = 0;
		drop_default_rules(p, mi);
	}
	if (!p->machines[mi].nstates)
		ERR(l, key, "missing-key", "state machine '%s' has no states",
		    key->str);
	if (c.initial && is_scalar(l, c.initial, "initial")) {
		int s = kvpt_machine_state(&p->machines[mi], c.initial->str);

		if (s < 0)
			ERR(l, c.initial, "unknown-state", "machine '%s' has no "
			    "state '%s'", p->machines[mi].id, c.initial->str);
		else
			p->machines[mi].initial = s;
	}
	if (c.applies) {
		struct kvpt_refs r = { NULL, 0 };
		int k;

		read_refs(l, c.applies, "applies_to", &r);
		p->machines[mi].applies_to = 0;
		for (k = 0; k < r.n; k++) {
			int e = kvpt_enum_parse(kvpt_body_kinds, r.v[k].id);
			struct kvpt_ynode fake;

			if (e >= 0) {
				p->machines[mi].applies_to |= 1u << e;
				continue;
			}
			memset(&fake, 0, sizeof(fake));
			fake.type = KVPT_Y_SCALAR;
			fake.str = r.v[k].id;
			fake.line = r.v[k].pos.line;
			fake.col = r.v[k].pos.col;
			enum_error(l, &fake, "body kind", kvpt_body_kinds);
		}
	}
}

static void read_states(struct loader *l, const struct kvpt_ynode *n)
{
	size_t i;

	if (n->type != KVPT_Y_MAP) {
		ERR(l, n, "type", "'states' must map machine names (readiness, "
		    "defense) to their settings, found %s", type_name(n));
		return;
	}
	for (i = 0; i < n->len; i++)
		if (n->items[2 * i]->type == KVPT_Y_SCALAR)
			read_machine(l, n->items[2 * i], n->items[2 * i + 1]);
}

/* rules */

struct rule_ctx {
	struct kvpt_rule r;
	struct kvpt_ref machine;
	const struct kvpt_ynode *acts;
};

static void rule_custom(struct loader *l, const char *key,
			const struct kvpt_ynode *v, void *obj)
{
	((struct rule_ctx *)obj)->acts = v;
}

static void act_custom(struct loader *l, const char *key,
		       const struct kvpt_ynode *v, void *obj)
{
	doctype_custom(l, key, v, &((struct kvpt_act *)obj)->doc_type);
}

static int state_of(struct loader *l, int machine, struct kvpt_ref *r)
{
	if (!r->id)
		return -1;
	r->idx = kvpt_machine_state(&l->plan->machines[machine], r->id);
	if (r->idx < 0)
		kvpt_diag(l->diags, KVPT_SEV_ERROR, r->pos, "unknown-state",
			  "machine '%s' has no state '%s'",
			  l->plan->machines[machine].id, r->id);
	return r->idx;
}

static int machine_of(struct loader *l, const struct kvpt_ref *r)
{
	int m = kvpt_plan_machine(l->plan, r->id);

	if (m < 0)
		kvpt_diag(l->diags, KVPT_SEV_ERROR, r->pos, "unknown-machine",
			  "unknown state machine '%s'; expected readiness or "
			  "defense", r->id);
	return m;
}

static void read_rules(struct loader *l, const struct kvpt_ynode *n)
{
	static const struct field f[] = {
		{ "machine", F_REF, OFF(struct rule_ctx, machine), NULL, REQ, 0 },
		{ "from", F_REF, OFF(struct rule_ctx, r.from), NULL, 0, 0 },
		{ "to", F_REF, OFF(struct rule_ctx, r.to), NULL, REQ, 0 },
		{ "skip", F_BOOL, OFF(struct rule_ctx, r.allow_skip), NULL, 0, 0 },
		{ "back", F_BOOL, OFF(struct rule_ctx, r.allow_back), NULL, 0, 0 },
		{ "acts", F_CUSTOM, 0, NULL, 0, 0 },
	};
	static const struct field af[] = {
		{ "id", F_STR, OFF(struct kvpt_act, id), NULL, 0, 0 },
		{ "type", F_CUSTOM, 0, NULL, REQ, 0 },
		{ "by", F_ENUM, OFF(struct kvpt_act, by), kvpt_body_kinds, REQ, 0 },
		{ "after", F_REF, OFF(struct kvpt_act, after), NULL, 0, 0 },
	};
	struct kvpt_plan *p = l->plan;
	size_t i, j;

	if (!as_list(l, n, "rules"))
		return;
	for (i = 0; i < n->len; i++) {
		struct rule_ctx c;
		int m, k;

		memset(&c, 0, sizeof(c));
		c.r.from = kvpt_ref_none();
		c.r.to = kvpt_ref_none();
		c.r.pos = npos(l, n->items[i]);
		if (read_fields(l, n->items[i], "a transition rule", f,
				(int)(sizeof(f) / sizeof(f[0])), &c, rule_custom))
			continue;
		if (!c.machine.id || !c.r.to.id || (m = machine_of(l, &c.machine)) < 0)
			continue;
		c.r.machine = m;
		if (state_of(l, m, &c.r.to) < 0 ||
		    (c.r.from.id && state_of(l, m, &c.r.from) < 0))
			continue;
		if (c.acts && as_list(l, c.acts, "acts")) {
			c.r.acts = kvpt_arena_alloc(&p->arena, sizeof(*c.r.acts) *
						    (c.acts->len ? c.acts->len : 1));
			for (j = 0; j < c.acts->len; j++) {
				struct kvpt_act *a = &c.r.acts[c.r.nacts];

				a->doc_type = -1;
				a->after = kvpt_ref_none();
				if (read_fields(l, c.acts->items[j], "an act",
						af, 4, a, act_custom) ||
				    a->doc_type < 0)
					continue;
				if (!a->id)
					a->id = kvpt_arena_printf(&p->arena,
								  "act-%d",
								  c.r.nacts + 1);
				c.r.nacts++;
			}
			for (k = 0; k < c.r.nacts; k++) {
				struct kvpt_act *a = &c.r.acts[k];
				int t;

				if (!a->after.id)
					continue;
				for (t = 0; t < c.r.nacts; t++)
					if (t != k && !strcmp(c.r.acts[t].id,
							      a->after.id))
						a->after.idx = t;
				if (a->after.idx < 0)
					kvpt_diag(l->diags, KVPT_SEV_ERROR,
						  a->after.pos, "unknown-act",
						  "no act '%s' in this rule",
						  a->after.id);
			}
		}
		/* A plan's rule replaces the defaults for the same move. */
		for (k = 0; k < p->nrules; k++) {
			struct kvpt_rule *d = &p->rules[k];

			if (d->pos.line == 0 && d->machine == m &&
			    d->to.idx == c.r.to.idx) {
				memmove(d, d + 1, sizeof(*d) *
					(size_t)(p->nrules - k - 1));
				p->nrules--;
				k--;
			}
		}
		XGROW(p->rules, p->cap_rules, (size_t)p->nrules + 1);
		p->rules[p->nrules++] = c.r;
	}
}

/* phases → problems → contents → activities → expectations */

static void read_expectations(struct loader *l, const struct kvpt_ynode *n,
			      int inject);

struct act_ctx {
	struct kvpt_activity a;
	const struct kvpt_ynode *expect, *release, *resources, *transitions;
	kvpt_time at;
	int64_t duration;
	int has_duration;
};

static void activity_custom(struct loader *l, const char *key,
			    const struct kvpt_ynode *v, void *obj)
{
	struct act_ctx *c = obj;

	if (!strcmp(key, "expect"))
		c->expect = v;
	else if (!strcmp(key, "release"))
		c->release = v;
	else if (!strcmp(key, "resources"))
		c->resources = v;
	else if (!strcmp(key, "transitions"))
		c->transitions = v;
	else if (!strcmp(key, "duration")) {
		if (!read_dur(l, v, key, &c->duration))
			c->has_duration = 1;
	}
}

struct release_ctx {
	struct kvpt_release r;
	const char *on;
	struct kvpt_ref expectation, inject, machine;
};

static void read_release(struct loader *l, const struct kvpt_ynode *v,
			 struct kvpt_activity *a)
{
	static const struct field f[] = {
		{ "on", F_STR, OFF(struct release_ctx, on), NULL, REQ, 0 },
		{ "expectation", F_REF, OFF(struct release_ctx, expectation),
		  NULL, 0, 0 },
		{ "inject", F_REF, OFF(struct release_ctx, inject), NULL, 0, 0 },
		{ "machine", F_REF, OFF(struct release_ctx, machine), NULL, 0, 0 },
		{ "body", F_REF, OFF(struct release_ctx, r.body), NULL, 0, 0 },
		{ "state", F_REF, OFF(struct release_ctx, r.state), NULL, 0, 0 },
		{ "delay", F_DUR, OFF(struct release_ctx, r.delay), NULL, 0, 0 },
	};
	static const struct { const char *word; enum kvpt_release_kind k; }
	ons[] = {
		{ "met", KVPT_RELEASE_ON_MET }, { "missed", KVPT_RELEASE_ON_MISSED },
		{ "released", KVPT_RELEASE_ON_RELEASED },
		{ "state", KVPT_RELEASE_ON_STATE },
	};
	struct release_ctx c;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.r = a->release;
	c.expectation = c.inject = c.machine = kvpt_ref_none();
	c.r.pos = npos(l, v);
	if (v->type == KVPT_Y_SCALAR && !v->null) {
		if (!strcmp(v->str, "manual") || !strcmp(v->str, "thủ công"))
			a->release.kind = KVPT_RELEASE_MANUAL;
		else if (!strcmp(v->str, "scheduled") ||
			 !strcmp(v->str, "theo lịch"))
			a->release.kind = KVPT_RELEASE_SCHEDULED;
		else
			ERR(l, v, "bad-value", "unknown release '%s'; write "
			    "manual, scheduled, or a condition {on: met|missed|"
			    "released|state, …}", v->str);
		a->release.pos = npos(l, v);
		return;
	}
	if (read_fields(l, v, "a release condition", f,
			(int)(sizeof(f) / sizeof(f[0])), &c, NULL) || !c.on)
		return;
	for (i = 0; i < sizeof(ons) / sizeof(ons[0]); i++)
		if (!strcmp(c.on, ons[i].word))
			break;
	if (i == sizeof(ons) / sizeof(ons[0])) {
		ERR(l, v, "bad-value", "unknown release condition '%s'; expected "
		    "met, missed, released or state", c.on);
		return;
	}
	c.r.kind = ons[i].k;
	switch (c.r.kind) {
	case KVPT_RELEASE_ON_MET:
	case KVPT_RELEASE_ON_MISSED:
		if (!c.expectation.id)
			ERR(l, v, "missing-key", "a release on '%s' needs "
			    "'expectation'", c.on);
		c.r.target = c.expectation;
		break;
	case KVPT_RELEASE_ON_RELEASED:
		if (!c.inject.id)
			ERR(l, v, "missing-key", "a release on 'released' needs "
			    "'inject'");
		c.r.target = c.inject;
		break;
	default:
		if (!c.machine.id || !c.r.body.id || !c.r.state.id) {
			ERR(l, v, "missing-key", "a release on 'state' needs "
			    "'machine', 'body' and 'state'");
			break;
		}
		c.r.machine_name = c.machine;	/* resolved with the rest */
		break;
	}
	a->release = c.r;
}

struct trans_ctx {
	struct kvpt_transition t;
	struct kvpt_ref machine;
};

static void read_transitions(struct loader *l, const struct kvpt_ynode *v,
			     struct kvpt_activity *a)
{
	static const struct field f[] = {
		{ "machine", F_REF, OFF(struct trans_ctx, machine), NULL, REQ, 0 },
		{ "body", F_REF, OFF(struct trans_ctx, t.body), NULL, REQ, 0 },
		{ "to", F_REF, OFF(struct trans_ctx, t.to), NULL, REQ, 0 },
	};
	size_t i;

	if (!as_list(l, v, "transitions"))
		return;
	a->transitions = kvpt_arena_alloc(&l->plan->arena,
					  sizeof(*a->transitions) * (v->len ? v->len : 1));
	for (i = 0; i < v->len; i++) {
		struct trans_ctx c;

		memset(&c, 0, sizeof(c));
		c.t.body = c.t.to = c.machine = kvpt_ref_none();
		c.t.pos = npos(l, v->items[i]);
		if (read_fields(l, v->items[i], "a state transition", f, 3, &c,
				NULL) || !c.machine.id || !c.t.to.id)
			continue;
		c.t.machine_name = c.machine;	/* resolved with the rest */
		c.t.machine = -1;
		a->transitions[a->ntransitions++] = c.t;
	}
}

static void read_quantities(struct loader *l, const struct kvpt_ynode *v,
			    struct kvpt_activity *a)
{
	static const struct field f[] = {
		{ "resource", F_REF, OFF(struct kvpt_quantity, resource), NULL,
		  REQ, 0 },
		{ "amount", F_INT, OFF(struct kvpt_quantity, amount), NULL, REQ, 0 },
	};
	size_t i;

	if (!as_list(l, v, "resources"))
		return;
	a->resources = kvpt_arena_alloc(&l->plan->arena,
					sizeof(*a->resources) * (v->len ? v->len : 1));
	for (i = 0; i < v->len; i++) {
		struct kvpt_quantity q;

		q.resource = kvpt_ref_none();
		q.amount = 0;
		if (read_fields(l, v->items[i], "a resource need", f, 2, &q,
				NULL) || !q.resource.id)
			continue;
		a->resources[a->nresources++] = q;
	}
}

static void read_activities(struct loader *l, const struct kvpt_ynode *n,
			    int content)
{
	static const struct field f[] = {
		{ "id", F_STR, OFF(struct act_ctx, a.id), NULL, REQ, 0 },
		{ "kind", F_ENUM, OFF(struct act_ctx, a.kind),
		  kvpt_activity_kinds, REQ, 0 },
		{ "title", F_STR, OFF(struct act_ctx, a.title), NULL, REQ, 0 },
		{ "start", F_TIME, OFF(struct act_ctx, a.start), NULL, 0, 0 },
		{ "at", F_TIME, OFF(struct act_ctx, at), NULL, 0, 0 },
		{ "end", F_TIME, OFF(struct act_ctx, a.end), NULL, 0, 0 },
		{ "duration", F_CUSTOM, 0, NULL, 0, 0 },
		{ "track", F_STR, OFF(struct act_ctx, a.track), NULL, 0, 0 },
		{ "place", F_REF, OFF(struct act_ctx, a.place), NULL, 0, 0 },
		{ "chair", F_REF, OFF(struct act_ctx, a.chair), NULL, 0, 0 },
		{ "attendees", F_REFS, OFF(struct act_ctx, a.attendees), NULL,
		  0, 0 },
		{ "agenda", F_STRS, OFF(struct act_ctx, a.agenda), NULL, 0,
		  OFF(struct act_ctx, a.nagenda) },
		{ "outputs", F_REFS, OFF(struct act_ctx, a.outputs), NULL, 0, 0 },
		{ "from", F_REF, OFF(struct act_ctx, a.from), NULL, 0, 0 },
		{ "to", F_REFS, OFF(struct act_ctx, a.to), NULL, 0, 0 },
		{ "text", F_STR, OFF(struct act_ctx, a.text), NULL, 0, 0 },
		{ "attachments", F_STRS, OFF(struct act_ctx, a.attachments), NULL,
		  0, OFF(struct act_ctx, a.nattachments) },
		{ "classification", F_ENUM, OFF(struct act_ctx, a.classification),
		  kvpt_classifications, 0, 0 },
		{ "release", F_CUSTOM, 0, NULL, 0, 0 },
		{ "expect", F_CUSTOM, 0, NULL, 0, 0 },
		{ "forces", F_REFS, OFF(struct act_ctx, a.forces), NULL, 0, 0 },
		{ "resources", F_CUSTOM, 0, NULL, 0, 0 },
		{ "origin", F_REF, OFF(struct act_ctx, a.move_from), NULL, 0, 0 },
		{ "destination", F_REF, OFF(struct act_ctx, a.move_to), NULL, 0, 0 },
		{ "transitions", F_CUSTOM, 0, NULL, 0, 0 },
	};
	struct kvpt_plan *p = l->plan;
	size_t i;

	if (!as_list(l, n, "activities"))
		return;
	for (i = 0; i < n->len; i++) {
		struct act_ctx c;
		int idx, bad_time;

		memset(&c, 0, sizeof(c));
		c.a.content = content;
		c.a.start = c.a.end = c.at = KVPT_TIME_NONE;
		c.a.place = c.a.chair = c.a.from = kvpt_ref_none();
		c.a.move_from = c.a.move_to = kvpt_ref_none();
		c.a.release.target = c.a.release.body = c.a.release.state =
			kvpt_ref_none();
		c.a.release.machine = -1;
		c.a.release.machine_name = kvpt_ref_none();
		c.a.pos = npos(l, n->items[i]);
		if (read_fields(l, n->items[i], "an activity", f,
				(int)(sizeof(f) / sizeof(f[0])), &c,
				activity_custom))
			continue;
		if (c.at != KVPT_TIME_NONE) {
			if (c.a.start != KVPT_TIME_NONE)
				ERR(l, n->items[i], "bad-value", "activity '%s' "
				    "has both 'start' and 'at'",
				    c.a.id ? c.a.id : "?");
			c.a.start = c.at;
		}
		if (c.has_duration) {
			if (c.a.end != KVPT_TIME_NONE)
				ERR(l, n->items[i], "bad-value", "activity '%s' "
				    "has both 'end' and 'duration'",
				    c.a.id ? c.a.id : "?");
			else if (c.a.start != KVPT_TIME_NONE)
				c.a.end = c.a.start + c.duration;
		}
		/* A time that was present but bad is reported already: do
		 * not report it missing as well. */
		bad_time = c.a.start == KVPT_TIME_NONE &&
			   (has_key(n->items[i], "start") ||
			    has_key(n->items[i], "at"));
		if (c.a.end == KVPT_TIME_NONE &&
		    (has_key(n->items[i], "end") ||
		     has_key(n->items[i], "duration")))
			c.a.end = c.a.start;
		if (c.a.kind == KVPT_ACT_SITUATION) {
			if (c.a.end != KVPT_TIME_NONE && c.a.end != c.a.start)
				ERR(l, n->items[i], "bad-value", "situation '%s' "
				    "is released at one moment; give 'at' only",
				    c.a.id ? c.a.id : "?");
			c.a.end = c.a.start;
			c.a.release.kind = c.a.start == KVPT_TIME_NONE ?
					   KVPT_RELEASE_MANUAL :
					   KVPT_RELEASE_SCHEDULED;
			c.a.release.pos = c.a.pos;
			if (c.release) {
				read_release(l, c.release, &c.a);
				if (c.a.release.kind == KVPT_RELEASE_SCHEDULED &&
				    c.a.start == KVPT_TIME_NONE && !bad_time)
					ERR(l, c.release, "missing-key",
					    "situation '%s' is released on "
					    "schedule but has no time ('at')",
					    c.a.id ? c.a.id : "?");
			}
			else if (c.a.start == KVPT_TIME_NONE && !bad_time)
				c.a.release.pos.line = 0;	/* implicit */
		} else {
			if (c.release || c.expect)
				ERR(l, c.release ? c.release : c.expect,
				    "bad-value", "only situations (kind: "
				    "situation) have 'release' and 'expect'");
			if (c.a.start == KVPT_TIME_NONE && !bad_time)
				ERR(l, n->items[i], "missing-key", "activity '%s' "
				    "has no 'start'", c.a.id ? c.a.id : "?");
			else if (c.a.start == KVPT_TIME_NONE)
				;	/* its bad time is reported */
			else if (c.a.end == KVPT_TIME_NONE)
				ERR(l, n->items[i], "missing-key", "activity '%s' "
				    "has no 'end' or 'duration'",
				    c.a.id ? c.a.id : "?");
			else if (c.a.end < c.a.start)
				ERR(l, n->items[i], "bad-time", "activity '%s' "
				    "ends before it starts", c.a.id);
		}
		if (c.resources)
			read_quantities(l, c.resources, &c.a);
		if (c.transitions)
			read_transitions(l, c.transitions, &c.a);
		XGROW(p->activities, p->cap_activities,
		      (size_t)p->nactivities + 1);
		idx = p->nactivities++;
		p->activities[idx] = c.a;
		add_id(l, &p->activity_ids, c.a.id, idx, id_node(n->items[i]),
		       "activity");
		if (c.expect)
			read_expectations(l, c.expect, idx);
	}
}

struct exp_ctx {
	struct kvpt_expectation x;
	struct kvpt_ref machine;
};

static void exp_custom(struct loader *l, const char *key,
		       const struct kvpt_ynode *v, void *obj)
{
	doctype_custom(l, key, v, &((struct exp_ctx *)obj)->x.doc_type);
}

static void read_expectations(struct loader *l, const struct kvpt_ynode *n,
			      int inject)
{
	static const struct field f[] = {
		{ "id", F_STR, OFF(struct exp_ctx, x.id), NULL, 0, 0 },
		{ "kind", F_ENUM, OFF(struct exp_ctx, x.kind), kvpt_expect_kinds,
		  REQ, 0 },
		{ "by", F_REF, OFF(struct exp_ctx, x.by), NULL, REQ, 0 },
		{ "type", F_CUSTOM, 0, NULL, 0, 0 },
		{ "conference", F_REF, OFF(struct exp_ctx, x.conference), NULL,
		  0, 0 },
		{ "machine", F_REF, OFF(struct exp_ctx, machine), NULL, 0, 0 },
		{ "body", F_REF, OFF(struct exp_ctx, x.state_body), NULL, 0, 0 },
		{ "state", F_REF, OFF(struct exp_ctx, x.state), NULL, 0, 0 },
		{ "within", F_DUR, OFF(struct exp_ctx, x.within), NULL, 0, 0 },
		{ "deadline", F_TIME, OFF(struct exp_ctx, x.deadline), NULL, 0, 0 },
	};
	struct kvpt_plan *p = l->plan;
	size_t i;

	if (!as_list(l, n, "expect"))
		return;
	for (i = 0; i < n->len; i++) {
		struct exp_ctx c;
		int idx;

		memset(&c, 0, sizeof(c));
		c.x.inject = inject;
		c.x.by = c.x.conference = c.x.state_body = c.x.state =
			c.machine = kvpt_ref_none();
		c.x.doc_type = -1;
		c.x.machine = -1;
		c.x.machine_name = kvpt_ref_none();
		c.x.within = -1;
		c.x.deadline = KVPT_TIME_NONE;
		c.x.pos = npos(l, n->items[i]);
		if (read_fields(l, n->items[i], "an expectation", f,
				(int)(sizeof(f) / sizeof(f[0])), &c, exp_custom))
			continue;
		if (!c.x.id)
			c.x.id = kvpt_arena_printf(&p->arena, "%s.%zu",
						   p->activities[inject].id ?
						   p->activities[inject].id : "?",
						   i + 1);
		if (c.x.kind == KVPT_EXPECT_DOCUMENT && c.x.doc_type < 0)
			ERR(l, n->items[i], "missing-key", "expectation '%s' of "
			    "a document needs its 'type'", c.x.id);
		if (c.x.kind == KVPT_EXPECT_STATE) {
			if (!c.machine.id || !c.x.state.id) {
				ERR(l, n->items[i], "missing-key", "expectation "
				    "'%s' of a state needs 'machine' and "
				    "'state'", c.x.id);
			} else {
				/* resolved with the rest */
				c.x.machine_name = c.machine;
			}
		}
		if (c.x.within < 0 && c.x.deadline == KVPT_TIME_NONE)
			WARN(l, n->items[i], "no-deadline", "expectation '%s' has "
			     "neither 'within' nor 'deadline'; it can never be "
			     "late", c.x.id);
		XGROW(p->expectations, p->cap_expectations,
		      (size_t)p->nexpectations + 1);
		idx = p->nexpectations++;
		p->expectations[idx] = c.x;
		add_id(l, &p->expectation_ids, c.x.id, idx, id_node(n->items[i]),
		       "expectation");
	}
}

struct tree_ctx {
	const char *id, *title;
	kvpt_time start, end;
	const struct kvpt_ynode *children;
};

static void tree_custom(struct loader *l, const char *key,
			const struct kvpt_ynode *v, void *obj)
{
	((struct tree_ctx *)obj)->children = v;
}

#define TREE_FIELDS(childkey, req)                                          \
	{ "id", F_STR, OFF(struct tree_ctx, id), NULL, REQ, 0 },            \
	{ "title", F_STR, OFF(struct tree_ctx, title), NULL, REQ, 0 },      \
	{ "start", F_TIME, OFF(struct tree_ctx, start), NULL, req, 0 },     \
	{ "end", F_TIME, OFF(struct tree_ctx, end), NULL, req, 0 },         \
	{ childkey, F_CUSTOM, 0, NULL, 0, 0 }

static int read_tree_node(struct loader *l, const struct kvpt_ynode *n,
			  const char *ctx, const struct field *f,
			  struct tree_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->start = c->end = KVPT_TIME_NONE;
	if (read_fields(l, n, ctx, f, 5, c, tree_custom))
		return -1;
	if (c->start != KVPT_TIME_NONE && c->end != KVPT_TIME_NONE &&
	    c->end < c->start)
		ERR(l, n, "bad-time", "%s '%s' ends before it starts", ctx + 2,
		    c->id ? c->id : "?");
	return 0;
}

static void read_contents(struct loader *l, const struct kvpt_ynode *n,
			  int problem)
{
	static const struct field f[] = { TREE_FIELDS("activities", 0) };
	struct kvpt_plan *p = l->plan;
	size_t i;

	if (!as_list(l, n, "contents"))
		return;
	for (i = 0; i < n->len; i++) {
		struct tree_ctx c;
		struct kvpt_content *x;
		int idx;

		if (read_tree_node(l, n->items[i], "a content", f, &c))
			continue;
		XGROW(p->contents, p->cap_contents, (size_t)p->ncontents + 1);
		idx = p->ncontents++;
		x = &p->contents[idx];
		memset(x, 0, sizeof(*x));
		x->id = c.id;
		x->title = c.title;
		x->problem = problem;
		x->start = c.start;
		x->end = c.end;
		x->pos = npos(l, n->items[i]);
		add_id(l, &p->content_ids, c.id, idx, id_node(n->items[i]),
		       "content");
		if (c.children)
			read_activities(l, c.children, idx);
	}
}

static void read_problems(struct loader *l, const struct kvpt_ynode *n,
			  int phase)
{
	static const struct field f[] = { TREE_FIELDS("contents", 0) };
	struct kvpt_plan *p = l->plan;
	size_t i;

	if (!as_list(l, n, "problems"))
		return;
	for (i = 0; i < n->len; i++) {
		struct tree_ctx c;
		struct kvpt_problem *x;
		int idx;

		if (read_tree_node(l, n->items[i], "a problem", f, &c))
			continue;
		XGROW(p->problems, p->cap_problems, (size_t)p->nproblems + 1);
		idx = p->nproblems++;
		x = &p->problems[idx];
		memset(x, 0, sizeof(*x));
		x->id = c.id;
		x->title = c.title;
		x->phase = phase;
		x->start = c.start;
		x->end = c.end;
		x->pos = npos(l, n->items[i]);
		add_id(l, &p->problem_ids, c.id, idx, id_node(n->items[i]),
		       "problem");
		if (c.children)
			read_contents(l, c.children, idx);
	}
}

static void read_phases(struct loader *l, const struct kvpt_ynode *n)
{
	static const struct field f[] = { TREE_FIELDS("problems", REQ) };
	static const struct field fmerge[] = {
		{ "id", F_STR, OFF(struct tree_ctx, id), NULL, REQ, 0 },
		{ "problems", F_CUSTOM, 0, NULL, 0, 0 },
	};
	struct kvpt_plan *p = l->plan;
	size_t i;

	if (!as_list(l, n, "phases"))
		return;
	for (i = 0; i < n->len; i++) {
		const struct kvpt_ynode *idn = id_node(n->items[i]);
		struct tree_ctx c;
		struct kvpt_phase *x;
		int idx = -1;

		/* An included file may add problems to a phase of the main
		 * file by naming it with its id alone. */
		if (!l->in_main && idn->type == KVPT_Y_SCALAR && idn->str)
			idx = kvpt_strmap_get(&p->phase_ids, idn->str);
		if (idx >= 0) {
			memset(&c, 0, sizeof(c));
			if (!read_fields(l, n->items[i], "a phase extension "
					 "(an included file adds problems to a "
					 "phase of the main file)", fmerge, 2,
					 &c, tree_custom) && c.children)
				read_problems(l, c.children, idx);
			continue;
		}
		if (read_tree_node(l, n->items[i], "a phase", f, &c))
			continue;
		XGROW(p->phases, p->cap_phases, (size_t)p->nphases + 1);
		idx = p->nphases++;
		x = &p->phases[idx];
		memset(x, 0, sizeof(*x));
		x->id = c.id;
		x->title = c.title;
		x->start = c.start;
		x->end = c.end;
		x->pos = npos(l, n->items[i]);
		add_id(l, &p->phase_ids, c.id, idx, idn, "phase");
		if (c.children)
			read_problems(l, c.children, idx);
	}
}

/* evaluation and simulation */

static void eval_custom(struct loader *l, const char *key,
			const struct kvpt_ynode *v, void *obj)
{
	static const struct field f[] = {
		{ "id", F_STR, OFF(struct kvpt_criterion, id), NULL, REQ, 0 },
		{ "name", F_STR, OFF(struct kvpt_criterion, name), NULL, REQ, 0 },
		{ "description", F_STR, OFF(struct kvpt_criterion, description),
		  NULL, 0, 0 },
		{ "weight", F_NUM, OFF(struct kvpt_criterion, weight), NULL, 0, 0 },
	};
	struct kvpt_plan *p = l->plan;
	size_t i;

	if (!strcmp(key, "scale")) {
		const char **words = NULL;
		int n = 0;

		read_strs(l, v, key, &words, &n);
		if (n < 2) {
			ERR(l, v, "bad-value", "a verdict scale needs at least "
			    "two words, best first");
			return;
		}
		p->scale = words;
		p->nscale = n;
		return;
	}
	if (!as_list(l, v, "criteria"))
		return;
	for (i = 0; i < v->len; i++) {
		struct kvpt_criterion c;

		memset(&c, 0, sizeof(c));
		c.weight = 1;
		c.pos = npos(l, v->items[i]);
		if (read_fields(l, v->items[i], "a criterion", f, 4, &c, NULL))
			continue;
		if (c.weight <= 0)
			ERR(l, v->items[i], "bad-value", "criterion '%s' needs a "
			    "weight above 0", c.id ? c.id : "?");
		XGROW(p->criteria, p->cap_criteria, (size_t)p->ncriteria + 1);
		p->criteria[p->ncriteria] = c;
		add_id(l, &p->criterion_ids, c.id, p->ncriteria++,
		       id_node(v->items[i]), "criterion");
	}
}

static void read_evaluation(struct loader *l, const struct kvpt_ynode *n)
{
	static const struct field f[] = {
		{ "scale", F_CUSTOM, 0, NULL, 0, 0 },
		{ "criteria", F_CUSTOM, 0, NULL, 0, 0 },
	};

	read_fields(l, n, "evaluation", f, 2, NULL, eval_custom);
}

#define SIM_UNSET (-1e300)

struct sim_ctx {
	double wrong, silent;
	const struct kvpt_ynode *response;
};

static void sim_custom(struct loader *l, const char *key,
		       const struct kvpt_ynode *v, void *obj)
{
	((struct sim_ctx *)obj)->response = v;
}

static void read_simulation(struct loader *l, const struct kvpt_ynode *n)
{
	static const struct field f[] = {
		{ "wrong", F_NUM, OFF(struct sim_ctx, wrong), NULL, 0, 0 },
		{ "silent", F_NUM, OFF(struct sim_ctx, silent), NULL, 0, 0 },
		{ "response", F_CUSTOM, 0, NULL, 0, 0 },
	};
	static const struct field rf[] = {
		{ "median", F_DUR, OFF(struct kvpt_response_model, median), NULL,
		  REQ, 0 },
		{ "p90", F_DUR, OFF(struct kvpt_response_model, p90), NULL, REQ, 0 },
	};
	struct kvpt_plan *p = l->plan;
	struct sim_ctx c;
	size_t i;

	c.wrong = SIM_UNSET;
	c.silent = SIM_UNSET;
	c.response = NULL;
	if (read_fields(l, n, "simulation", f, 3, &c, sim_custom))
		return;
	/* A share given alone leaves the other its default, lowered so the
	 * two still add up to at most 1. */
	if (c.wrong == SIM_UNSET && c.silent == SIM_UNSET) {
		c.wrong = p->sim.p_wrong;
		c.silent = p->sim.p_silent;
	} else if (c.wrong == SIM_UNSET) {
		c.wrong = c.silent <= 1 && 1 - c.silent < p->sim.p_wrong ?
			  1 - c.silent : p->sim.p_wrong;
	} else if (c.silent == SIM_UNSET) {
		c.silent = c.wrong <= 1 && 1 - c.wrong < p->sim.p_silent ?
			   1 - c.wrong : p->sim.p_silent;
	}
	if (c.wrong < 0 || c.wrong > 1 || c.silent < 0 || c.silent > 1 ||
	    c.wrong + c.silent > 1)
		ERR(l, n, "bad-value", "'wrong' and 'silent' are probabilities "
		    "between 0 and 1 whose sum is at most 1");
	else {
		p->sim.p_wrong = c.wrong;
		p->sim.p_silent = c.silent;
	}
	if (!c.response)
		return;
	if (c.response->type != KVPT_Y_MAP) {
		ERR(l, c.response, "type", "'response' must map expectation "
		    "kinds to {median, p90}");
		return;
	}
	for (i = 0; i < c.response->len; i++) {
		const struct kvpt_ynode *k = c.response->items[2 * i];
		struct kvpt_response_model m = { 0, 0 };
		int e = k->type == KVPT_Y_SCALAR ?
			kvpt_enum_parse(kvpt_expect_kinds, k->str) : -1;

		if (e < 0) {
			if (k->type == KVPT_Y_SCALAR)
				enum_error(l, k, "expectation kind",
					   kvpt_expect_kinds);
			continue;
		}
		if (read_fields(l, c.response->items[2 * i + 1],
				"a response model", rf, 2, &m, NULL))
			continue;
		if (m.median <= 0 || m.p90 < m.median) {
			ERR(l, c.response->items[2 * i + 1], "bad-value",
			    "a response model needs 0 < median ≤ p90");
			continue;
		}
		p->sim.response[e] = m;
	}
}

/* files and includes */

static int load_file(struct loader *l, const char *path,
		     const struct kvpt_ynode *from);

static int add_file(struct loader *l, const char *path)
{
	struct kvpt_plan *p = l->plan;

	XGROW(p->files, l->cap_files, (size_t)p->nfiles + 1);
	p->files[p->nfiles] = kvpt_arena_strdup(&p->arena, path);
	return p->nfiles++;
}

static void read_includes(struct loader *l, const struct kvpt_ynode *n)
{
	struct kvpt_refs r = { NULL, 0 };
	const char *cur = l->plan->files[l->file];
	const char *slash = strrchr(cur, '/');
	int saved_file = l->file, saved_main = l->in_main;
	int k;

	read_refs(l, n, "include", &r);
	for (k = 0; k < r.n; k++) {
		char *full;
		struct kvpt_ynode at;

		memset(&at, 0, sizeof(at));
		at.line = r.v[k].pos.line;
		at.col = r.v[k].pos.col;
		if (r.v[k].id[0] == '/' || !slash)
			full = xstrdup(r.v[k].id);
		else {
			size_t dl = (size_t)(slash - cur) + 1;

			full = xmalloc(dl + strlen(r.v[k].id) + 1);
			memcpy(full, cur, dl);
			strcpy(full + dl, r.v[k].id);
		}
		l->in_main = 0;
		load_file(l, full, &at);
		l->file = saved_file;
		l->in_main = saved_main;
		free(full);
	}
}

static void read_root(struct loader *l, const struct kvpt_ynode *root)
{
	static const char *const keys[] = {
		"version", "exercise", "include", "bodies", "people", "roles",
		"committees", "places", "resources", "documents", "states",
		"rules", "phases", "evaluation", "simulation",
	};
	const int nkeys = (int)(sizeof(keys) / sizeof(keys[0]));
	const struct kvpt_ynode *by_key[15] = { NULL };
	size_t i;
	int k;

	if (!root)
		return;
	if (root->type != KVPT_Y_MAP) {
		ERR(l, root, "type", "a plan file must be a mapping of sections "
		    "(exercise:, bodies:, phases: …), found %s", type_name(root));
		return;
	}
	for (i = 0; i < root->len; i++) {
		const struct kvpt_ynode *key = root->items[2 * i];

		if (key->type != KVPT_Y_SCALAR) {
			ERR(l, key, "type", "section names must be plain words");
			continue;
		}
		for (k = 0; k < nkeys; k++)
			if (!strcmp(keys[k], key->str))
				break;
		if (k == nkeys) {
			const char *best = kvpt_did_you_mean(key->str, keys, nkeys);

			if (best)
				ERR(l, key, "unknown-key", "unknown section "
				    "'%s'; did you mean '%s'?", key->str, best);
			else
				ERR(l, key, "unknown-key", "unknown section '%s'",
				    key->str);
			continue;
		}
		if (by_key[k]) {
			ERR(l, key, "duplicate-key", "section '%s' appears twice; "
			    "merge them", key->str);
			continue;
		}
		by_key[k] = root->items[2 * i + 1];
		if (!l->in_main && (k == 0 || k == 1))
			ERR(l, key, "include-section", "'%s' belongs in the main "
			    "plan file, not in an included one", key->str);
	}
	if (l->in_main) {
		if (by_key[0]) {
			const struct kvpt_ynode *v = by_key[0];

			if (v->type != KVPT_Y_SCALAR || strcmp(v->str, "1"))
				ERR(l, v, "bad-value", "this kvpt reads plan "
				    "format version 1; found '%s'",
				    v->type == KVPT_Y_SCALAR ? v->str : "?");
		}
		if (by_key[1]) {
			if (!l->exercise_done)
				read_exercise(l, by_key[1]);
		} else
			ERR(l, root, "missing-key", "the plan has no 'exercise' "
			    "section");
	}
	/* Machines before anything that names their states. */
	if (by_key[10])
		read_states(l, by_key[10]);
	if (by_key[3])
		read_bodies(l, by_key[3], -1);
	if (by_key[4])
		read_people(l, by_key[4]);
	if (by_key[5])
		read_roles(l, by_key[5]);
	if (by_key[6])
		read_committees(l, by_key[6]);
	if (by_key[7])
		read_places(l, by_key[7]);
	if (by_key[8])
		read_resources(l, by_key[8]);
	if (by_key[9])
		read_documents(l, by_key[9]);
	if (by_key[11])
		read_rules(l, by_key[11]);
	if (by_key[12])
		read_phases(l, by_key[12]);
	/* After this file's phases, so included files can add problems to
	 * them; references are resolved once every file is read. */
	if (by_key[2])
		read_includes(l, by_key[2]);
	if (by_key[13])
		read_evaluation(l, by_key[13]);
	if (by_key[14])
		read_simulation(l, by_key[14]);
}

static void offset_to_pos(const char *text, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

#include "base/utf8.h"

/*
 * A file that fails to parse is not read: forget what its phases streamed
 * so far said (the syntax error is the one thing to fix) and mark the plan
 * incomplete so nothing is checked against a half-read plan.
 */
static void drop_stream_diags(struct kvpt_diags *d, size_t before)
{
	size_t i, k = before;

	for (i = before; i < d->n; i++) {
		struct kvpt_diag *x = &d->v[i];

		if (!strcmp(x->rule, "yaml-syntax") ||
		    !strcmp(x->rule, "yaml-alias") ||
		    !strcmp(x->rule, "too-deep")) {
			d->v[k++] = *x;
			continue;
		}
		if (x->sev == KVPT_SEV_ERROR)
			d->nerrors--;
		else if (x->sev == KVPT_SEV_WARNING)
			d->nwarnings--;
		free(x->msg);
	}
	d->n = k;
}

static void stream_section(void *user, const char *key,
			   const struct kvpt_ynode *value)
{
	struct loader *l = user;

	if (l->in_main && !l->exercise_done && !strcmp(key, "exercise")) {
		read_exercise(l, value);
		l->exercise_done = 1;
	}
}

static int stream_item(void *user, const char *section,
		       const struct kvpt_ynode *item)
{
	struct loader *l = user;
	struct kvpt_ynode list;
	const struct kvpt_ynode *items[1];

	if (strcmp(section, "phases") || (l->in_main && !l->exercise_done))
		return 0;
	items[0] = item;
	memset(&list, 0, sizeof(list));
	list.type = KVPT_Y_SEQ;
	list.line = item->line;
	list.col = item->col;
	list.len = 1;
	list.items = (struct kvpt_ynode **)items;
	read_phases(l, &list);
	return 1;
}

static int parse_text(struct loader *l, const char *text, size_t len)
{
	struct kvpt_yaml_stream stream;
	size_t before;
	struct kvpt_arena nodes;
	struct kvpt_ynode *root = NULL;
	size_t bad = kvpt_utf8_check(text, len);
	int err;

	if (bad < len) {
		struct kvpt_pos pos = { l->file, 1, 1 };

		offset_to_pos(text, bad, &pos.line, &pos.col);
		if (text[bad] == '\0')
			kvpt_diag(l->diags, KVPT_SEV_ERROR, pos, "encoding",
				  "NUL byte in the file; a plan is UTF-8 text");
		else
			kvpt_diag(l->diags, KVPT_SEV_ERROR, pos, "encoding",
				  "invalid UTF-8 (byte 0x%02x); save the file "
				  "as UTF-8", (unsigned char)text[bad]);
		return KVPT_EINVAL;
	}
	kvpt_arena_init(&nodes);
	stream.section = stream_section;
	stream.item = stream_item;
	stream.user = l;
	before = l->diags->n;
	/* A phase is read as soon as it is parsed once the exercise (day N,
	 * for absolute times) is known; the machines and states it names are
	 * resolved with every other reference at the end. */
	err = kvpt_yaml_parse(text, len, l->file, l->opts.max_depth, &nodes,
			      &l->plan->arena, &root, &stream, l->diags);
	if (err)
		l->plan->incomplete = 1;
	if (!err)
		read_root(l, root);
	else
		drop_stream_diags(l->diags, before);
	kvpt_arena_release(&nodes);
	return err;
}

/* Read a whole file, refusing more than max bytes. */
static int slurp(const char *path, size_t max, char **out, size_t *len,
		 const char **why, size_t *size_seen)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *buf;
	size_t n;

	*size_seen = 0;
	if (!f) {
		*why = strerror(errno);
		return KVPT_EIO;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		*why = "it is a directory";
		return KVPT_EIO;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size > max) {
		*size_seen = (size_t)st.st_size;
		fclose(f);
		return KVPT_ETOOBIG;
	}
	buf = xmalloc(max + 1 < 65536 ? max + 1 : 65536);
	{
		size_t cap = max + 1 < 65536 ? max + 1 : 65536;

		n = 0;
		for (;;) {
			size_t got;

			if (n == cap) {
				if (cap > max) {
					free(buf);
					fclose(f);
					*size_seen = n;
					return KVPT_ETOOBIG;
				}
				cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
				buf = xrealloc(buf, cap);
			}
			got = fread(buf + n, 1, cap - n, f);
			if (!got)
				break;
			n += got;
		}
		if (n > max) {
			free(buf);
			fclose(f);
			*size_seen = n;
			return KVPT_ETOOBIG;
		}
	}
	if (ferror(f)) {
		*why = strerror(errno);
		free(buf);
		fclose(f);
		return KVPT_EIO;
	}
	fclose(f);
	*out = buf;
	*len = n;
	return 0;
}

/* A copy of the file at path from opts->files. */
static int from_memory(const struct kvpt_load_opts *opts, const char *path,
		       char **out, size_t *len, const char **why)
{
	int k;

	for (k = 0; k < opts->nfiles; k++) {
		const struct kvpt_plan_file *f = &opts->files[k];

		if (strcmp(f->path, path))
			continue;
		if (f->len > opts->max_file_size)
			return KVPT_ETOOBIG;
		*out = xmalloc(f->len + 1);
		memcpy(*out, f->text, f->len);
		(*out)[f->len] = '\0';
		*len = f->len;
		return 0;
	}
	*why = "not among the stored plan files";
	return KVPT_EIO;
}

static int load_file(struct loader *l, const char *path,
		     const struct kvpt_ynode *from)
{
	char *text = NULL, *real;
	size_t len, seen;
	const char *why = "";
	int err, k, parent_file = l->file;
	struct kvpt_pos at = { parent_file, from ? from->line : 0,
			       from ? from->col : 0 };

	real = l->opts.files ? NULL : realpath(path, NULL);
	if (real) {
		for (k = 0; k < l->nstack; k++)
			if (!strcmp(l->stack[k], real))
				break;
		if (k < l->nstack) {
			struct kvpt_buf chain = KVPT_BUF_INIT;
			int j;

			for (j = k; j < l->nstack; j++)
				kvpt_buf_addf(&chain, "%s → ", l->shown[j]);
			kvpt_buf_adds(&chain, path);
			kvpt_diag(l->diags, KVPT_SEV_ERROR, at, "include-cycle",
				  "include cycle: %s", chain.s);
			kvpt_buf_release(&chain);
			free(real);
			return KVPT_EINVAL;
		}
	}
	if (from && l->plan->nfiles >= l->opts.max_files) {
		kvpt_diag(l->diags, KVPT_SEV_ERROR, at, "too-many-files",
			  "more than %d plan files; is an include looping?",
			  l->opts.max_files);
		free(real);
		return KVPT_ETOOBIG;
	}
	if (l->opts.files)
		err = from_memory(&l->opts, path, &text, &len, &why);
	else
		err = slurp(path, l->opts.max_file_size, &text, &len, &why,
			    &seen);
	if (err == KVPT_ETOOBIG) {
		kvpt_diag(l->diags, KVPT_SEV_ERROR, at, "too-big",
			  "%s is larger than the %zu MiB limit for a plan "
			  "file; split it with include:", path,
			  l->opts.max_file_size >> 20);
		free(real);
		return err;
	}
	if (err) {
		kvpt_diag(l->diags, KVPT_SEV_ERROR, at, "io",
			  "cannot read %s: %s", path, why);
		free(real);
		return err;
	}
	l->file = add_file(l, path);
	XGROW(l->stack, l->cap_stack, (size_t)l->nstack + 1);
	l->shown = xrealloc(l->shown, sizeof(*l->shown) * l->cap_stack);
	l->shown[l->nstack] = l->plan->files[l->file];
	l->stack[l->nstack++] = real ? real : xstrdup(path);
	err = parse_text(l, text, len);
	free((void *)l->stack[--l->nstack]);
	free(text);
	return err;
}

/* grouping: make each parent's children contiguous */

/*
 * Stable counting sort of n elements of size sz at arr by parent[i] in
 * [0, nparents); fills first[]/count[] per parent and returns the map from
 * old to new index (the caller frees it).
 */
static int *group_by(void *arr, int n, size_t sz, const int *parent,
		     int nparents, int *first, int *count)
{
	int *perm = xmalloc(sizeof(int) * (size_t)(n ? n : 1));
	int *next = xcalloc((size_t)nparents + 1, sizeof(int));
	char *tmp = xmalloc(sz * (size_t)(n ? n : 1));
	int i;

	for (i = 0; i < nparents; i++)
		count[i] = 0;
	for (i = 0; i < n; i++)
		count[parent[i]]++;
	for (i = 0; i < nparents; i++) {
		first[i] = i ? first[i - 1] + count[i - 1] : 0;
		next[i] = first[i];
	}
	for (i = 0; i < n; i++)
		perm[i] = next[parent[i]]++;
	for (i = 0; i < n; i++)
		memcpy(tmp + sz * (size_t)perm[i], (char *)arr + sz * (size_t)i, sz);
	if (n)
		memcpy(arr, tmp, sz * (size_t)n);
	free(tmp);
	free(next);
	return perm;
}

/* Whether every child already follows its parent's earlier siblings. */
static int grouped(const void *arr, int n, size_t sz, size_t off)
{
	int i, prev = -1;

	for (i = 0; i < n; i++) {
		int par = *(const int *)((const char *)arr + sz * (size_t)i + off);

		if (par < prev)
			return 0;
		prev = par;
	}
	return 1;
}

static void group_tree_slow(struct kvpt_plan *p);

static void fill_counts(struct kvpt_plan *p)
{
	int i;

	for (i = 0; i < p->nphases; i++)
		p->phases[i].first_problem = p->phases[i].nproblems = 0;
	for (i = p->nproblems - 1; i >= 0; i--) {
		p->phases[p->problems[i].phase].first_problem = i;
		p->phases[p->problems[i].phase].nproblems++;
	}
	for (i = 0; i < p->nproblems; i++)
		p->problems[i].first_content = p->problems[i].ncontents = 0;
	for (i = p->ncontents - 1; i >= 0; i--) {
		p->problems[p->contents[i].problem].first_content = i;
		p->problems[p->contents[i].problem].ncontents++;
	}
	for (i = 0; i < p->ncontents; i++)
		p->contents[i].first_activity = p->contents[i].nactivities = 0;
	for (i = p->nactivities - 1; i >= 0; i--) {
		p->contents[p->activities[i].content].first_activity = i;
		p->contents[p->activities[i].content].nactivities++;
	}
	for (i = 0; i < p->nactivities; i++)
		p->activities[i].first_expectation = p->activities[i].nexpectations = 0;
	for (i = p->nexpectations - 1; i >= 0; i--) {
		p->activities[p->expectations[i].inject].first_expectation = i;
		p->activities[p->expectations[i].inject].nexpectations++;
	}
}

static void group_tree(struct kvpt_plan *p)
{
	if (grouped(p->problems, p->nproblems, sizeof(*p->problems),
		    offsetof(struct kvpt_problem, phase)) &&
	    grouped(p->contents, p->ncontents, sizeof(*p->contents),
		    offsetof(struct kvpt_content, problem)) &&
	    grouped(p->activities, p->nactivities, sizeof(*p->activities),
		    offsetof(struct kvpt_activity, content)) &&
	    grouped(p->expectations, p->nexpectations, sizeof(*p->expectations),
		    offsetof(struct kvpt_expectation, inject))) {
		fill_counts(p);
		return;
	}
	group_tree_slow(p);
}

static void group_tree_slow(struct kvpt_plan *p)
{
	int n = p->nproblems > p->ncontents ? p->nproblems : p->ncontents;
	int *parent, *first, *count, *perm;
	int i;

	if (p->nactivities > n)
		n = p->nactivities;
	if (p->nexpectations > n)
		n = p->nexpectations;
	parent = xmalloc(sizeof(int) * (size_t)(n + 1));
	first = xmalloc(sizeof(int) * (size_t)(n + p->nphases + 1));
	count = xmalloc(sizeof(int) * (size_t)(n + p->nphases + 1));

	for (i = 0; i < p->nproblems; i++)
		parent[i] = p->problems[i].phase;
	perm = group_by(p->problems, p->nproblems, sizeof(*p->problems), parent,
			p->nphases, first, count);
	for (i = 0; i < p->nphases; i++) {
		p->phases[i].first_problem = first[i];
		p->phases[i].nproblems = count[i];
	}
	for (i = 0; i < p->ncontents; i++) {
		p->contents[i].problem = perm[p->contents[i].problem];
		parent[i] = p->contents[i].problem;
	}
	free(perm);
	perm = group_by(p->contents, p->ncontents, sizeof(*p->contents), parent,
			p->nproblems, first, count);
	for (i = 0; i < p->nproblems; i++) {
		p->problems[i].first_content = first[i];
		p->problems[i].ncontents = count[i];
	}
	for (i = 0; i < p->nactivities; i++) {
		p->activities[i].content = perm[p->activities[i].content];
		parent[i] = p->activities[i].content;
	}
	free(perm);
	perm = group_by(p->activities, p->nactivities, sizeof(*p->activities),
			parent, p->ncontents, first, count);
	for (i = 0; i < p->ncontents; i++) {
		p->contents[i].first_activity = first[i];
		p->contents[i].nactivities = count[i];
	}
	for (i = 0; i < p->nexpectations; i++) {
		p->expectations[i].inject = perm[p->expectations[i].inject];
		parent[i] = p->expectations[i].inject;
	}
	free(perm);
	perm = group_by(p->expectations, p->nexpectations,
			sizeof(*p->expectations), parent, p->nactivities, first,
			count);
	for (i = 0; i < p->nactivities; i++) {
		p->activities[i].first_expectation = first[i];
		p->activities[i].nexpectations = count[i];
	}
	free(perm);
	free(parent);
	free(first);
	free(count);

	/* Indices moved: rebuild the id maps (first definition wins). */
	kvpt_strmap_release(&p->problem_ids);
	kvpt_strmap_release(&p->content_ids);
	kvpt_strmap_release(&p->activity_ids);
	kvpt_strmap_release(&p->expectation_ids);
	for (i = 0; i < p->nproblems; i++)
		if (p->problems[i].id)
			kvpt_strmap_put(&p->problem_ids, p->problems[i].id, i, NULL);
	for (i = 0; i < p->ncontents; i++)
		if (p->contents[i].id)
			kvpt_strmap_put(&p->content_ids, p->contents[i].id, i, NULL);
	for (i = 0; i < p->nactivities; i++)
		if (p->activities[i].id)
			kvpt_strmap_put(&p->activity_ids, p->activities[i].id, i,
					NULL);
	for (i = 0; i < p->nexpectations; i++)
		if (p->expectations[i].id)
			kvpt_strmap_put(&p->expectation_ids, p->expectations[i].id,
					i, NULL);
}

/* resolution of references */

/* Ids of one kind, for "did you mean" (skipped on huge plans). */
struct idlist {
	const char **ids;
	int n;
};

#define DYM_MAX 5000

static void idlist_fill(struct idlist *il, const void *arr, int n, size_t sz)
{
	int i;

	il->n = 0;
	il->ids = NULL;
	if (n > DYM_MAX)
		return;
	il->ids = xmalloc(sizeof(char *) * (size_t)(n ? n : 1));
	for (i = 0; i < n; i++) {
		const char *id = *(const char *const *)((const char *)arr +
							sz * (size_t)i);

		if (id)
			il->ids[il->n++] = id;
	}
}

struct resolver {
	struct kvpt_plan *p;
	struct kvpt_diags *d;
	struct idlist bodies, people, roles, committees, places, resources,
		documents, activities, expectations;
};

static int resolve(struct resolver *r, struct kvpt_ref *ref,
		   const struct kvpt_strmap *map, const struct idlist *il,
		   const char *kind, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
static int resolve(struct resolver *r, struct kvpt_ref *ref,
		   const struct kvpt_strmap *map, const struct idlist *il,
		   const char *kind, const char *rule, const char *fmt, ...)
{
	const char *best;
	char who[512];
	va_list ap;

	if (!ref->id) {
		ref->idx = -1;
		return -1;
	}
	ref->idx = kvpt_strmap_get(map, ref->id);
	if (ref->idx >= 0)
		return ref->idx;
	va_start(ap, fmt);
	vsnprintf(who, sizeof(who), fmt, ap);
	va_end(ap);
	best = il->ids ? kvpt_did_you_mean(ref->id, il->ids, il->n) : NULL;
	if (best)
		kvpt_diag(r->d, KVPT_SEV_ERROR, ref->pos, rule, "%s unknown %s "
			  "'%s'; did you mean '%s'?", who, kind, ref->id, best);
	else
		kvpt_diag(r->d, KVPT_SEV_ERROR, ref->pos, rule, "%s unknown %s "
			  "'%s'", who, kind, ref->id);
	return -1;
}

/*
 * A machine named by `name` and one of its states, as written: the machine's
 * index (state->idx set), or -1 with the error reported.  Resolved after all
 * files are read, so a plan's `states:` may come after the activities that
 * name them.
 */
static int resolve_state(struct resolver *r, struct kvpt_ref *name,
			 struct kvpt_ref *state)
{
	const struct kvpt_plan *p = r->p;
	int m;

	if (!name->id)
		return -1;
	m = kvpt_plan_machine(p, name->id);
	if (m < 0) {
		kvpt_diag(r->d, KVPT_SEV_ERROR, name->pos, "unknown-machine",
			  "unknown state machine '%s'; expected readiness or "
			  "defense", name->id);
		return -1;
	}
	state->idx = kvpt_machine_state(&p->machines[m], state->id);
	if (state->idx < 0) {
		kvpt_diag(r->d, KVPT_SEV_ERROR, state->pos, "unknown-state",
			  "machine '%s' has no state '%s'", p->machines[m].id,
			  state->id);
		return -1;
	}
	return m;
}

#define WHO(...) kvpt_arena_printf(&r->p->arena, __VA_ARGS__)

static void resolve_all(struct resolver *r)
{
	struct kvpt_plan *p = r->p;
	int i, j;

	idlist_fill(&r->bodies, p->bodies, p->nbodies, sizeof(*p->bodies));
	idlist_fill(&r->people, p->people, p->npeople, sizeof(*p->people));
	idlist_fill(&r->roles, p->roles, p->nroles, sizeof(*p->roles));
	idlist_fill(&r->committees, p->committees, p->ncommittees,
		    sizeof(*p->committees));
	idlist_fill(&r->places, p->places, p->nplaces, sizeof(*p->places));
	idlist_fill(&r->resources, p->resources, p->nresources,
		    sizeof(*p->resources));
	idlist_fill(&r->documents, p->documents, p->ndocuments,
		    sizeof(*p->documents));
	idlist_fill(&r->activities, p->activities, p->nactivities,
		    sizeof(*p->activities));
	idlist_fill(&r->expectations, p->expectations, p->nexpectations,
		    sizeof(*p->expectations));

	resolve(r, &p->ex.standing_agency, &p->body_ids, &r->bodies, "body",
		"unknown-body", "the standing agency is");
	for (i = 0; i < p->nbodies; i++) {
		struct kvpt_body *b = &p->bodies[i];

		if (b->parent.id && b->parent.pos.line)
			resolve(r, &b->parent, &p->body_ids, &r->bodies, "body",
				"unknown-body", "body '%s' has as parent",
						    b->id);
	}
	for (i = 0; i < p->nroles; i++) {
		struct kvpt_role *x = &p->roles[i];

		resolve(r, &x->body, &p->body_ids, &r->bodies, "body",
			"unknown-body", "role '%s' belongs to", x->id);
		resolve(r, &x->person, &p->person_ids, &r->people, "person",
			"unknown-person", "role '%s' is played by", x->id);
	}
	for (i = 0; i < p->ncommittees; i++) {
		struct kvpt_committee *c = &p->committees[i];

		resolve(r, &c->head, &p->person_ids, &r->people, "person",
			"unknown-person", "committee '%s' is headed by",
					      c->id);
		resolve(r, &c->parent, &p->committee_ids, &r->committees,
			"committee", "unknown-committee",
			"committee '%s' serves", c->id);
		for (j = 0; j < c->nmembers; j++)
			resolve(r, &c->members[j].person, &p->person_ids,
				&r->people, "person", "unknown-person",
				"committee '%s' has as member", c->id);
	}
	for (i = 0; i < p->nplaces; i++)
		resolve(r, &p->places[i].body, &p->body_ids, &r->bodies, "body",
			"unknown-body", "place '%s' belongs to",
					    p->places[i].id);
	for (i = 0; i < p->nresources; i++)
		resolve(r, &p->resources[i].owner, &p->body_ids, &r->bodies,
			"body", "unknown-body", "resource '%s' is owned by",
						    p->resources[i].id);
	for (i = 0; i < p->ndocuments; i++) {
		struct kvpt_document *d = &p->documents[i];

		resolve(r, &d->owner, &p->body_ids, &r->bodies, "body",
			"unknown-body", "document '%s' is owned by", d->id);
		for (j = 0; j < d->to.n; j++)
			resolve(r, &d->to.v[j], &p->role_ids, &r->roles, "role",
				"unknown-role", "document '%s' is addressed "
						    "to", d->id);
	}
	for (i = 0; i < p->nactivities; i++) {
		struct kvpt_activity *a = &p->activities[i];
		const char *kind = a->kind == KVPT_ACT_SITUATION ? "inject" :
				   kvpt_enum_id(kvpt_activity_kinds, a->kind);

		resolve(r, &a->place, &p->place_ids, &r->places, "place",
			"unknown-place", "%s '%s' takes place at", kind,
					     a->id);
		resolve(r, &a->chair, &p->role_ids, &r->roles, "role",
			"unknown-role", "%s '%s' is chaired by", kind,
					    a->id);
		for (j = 0; j < a->attendees.n; j++)
			resolve(r, &a->attendees.v[j], &p->role_ids, &r->roles,
				"role", "unknown-role",
				"%s '%s' is attended by", kind, a->id);
		for (j = 0; j < a->outputs.n; j++)
			resolve(r, &a->outputs.v[j], &p->document_ids,
				&r->documents, "document", "unknown-document",
				"%s '%s' outputs", kind, a->id);
		if (a->from.id) {
			a->from.idx = kvpt_strmap_get(&p->role_ids, a->from.id);
			if (a->from.idx < 0 &&
			    kvpt_strmap_get(&p->committee_ids, a->from.id) < 0)
				resolve(r, &a->from, &p->role_ids, &r->roles,
					"role or committee", "unknown-role",
					"%s '%s' comes from", kind, a->id);
		}
		for (j = 0; j < a->to.n; j++)
			resolve(r, &a->to.v[j], &p->role_ids, &r->roles, "role",
				"unknown-role", "%s '%s' targets", kind,
						    a->id);
		for (j = 0; j < a->forces.n; j++)
			resolve(r, &a->forces.v[j], &p->body_ids, &r->bodies,
				"body", "unknown-body",
				"%s '%s' engages", kind, a->id);
		for (j = 0; j < a->nresources; j++)
			resolve(r, &a->resources[j].resource, &p->resource_ids,
				&r->resources, "resource", "unknown-resource",
				"%s '%s' needs", kind, a->id);
		resolve(r, &a->move_from, &p->place_ids, &r->places, "place",
			"unknown-place", "%s '%s' starts from", kind,
					     a->id);
		resolve(r, &a->move_to, &p->place_ids, &r->places, "place",
			"unknown-place", "%s '%s' goes to", kind, a->id);
		for (j = 0; j < a->ntransitions; j++)
			a->transitions[j].machine =
				resolve_state(r, &a->transitions[j].machine_name,
					      &a->transitions[j].to);
		if (a->release.kind == KVPT_RELEASE_ON_STATE)
			a->release.machine = resolve_state(
				r, &a->release.machine_name, &a->release.state);
		for (j = 0; j < a->ntransitions; j++)
			resolve(r, &a->transitions[j].body, &p->body_ids,
				&r->bodies, "body", "unknown-body",
				"%s '%s' changes the state of", kind,
				    a->id);
		switch (a->release.kind) {
		case KVPT_RELEASE_ON_MET:
		case KVPT_RELEASE_ON_MISSED:
			resolve(r, &a->release.target, &p->expectation_ids,
				&r->expectations, "expectation",
				"unknown-expectation",
				"inject '%s' waits for", a->id);
			break;
		case KVPT_RELEASE_ON_RELEASED:
			if (resolve(r, &a->release.target, &p->activity_ids,
				    &r->activities, "inject", "unknown-inject",
				    "inject '%s' waits for", a->id) >= 0 &&
			    p->activities[a->release.target.idx].kind !=
				    KVPT_ACT_SITUATION) {
				kvpt_diag(r->d, KVPT_SEV_ERROR,
					  a->release.target.pos, "unknown-inject",
					  "inject '%s' waits for '%s', which "
					  "is not a situation", a->id,
					  a->release.target.id);
				a->release.target.idx = -1;
			}
			break;
		case KVPT_RELEASE_ON_STATE:
			resolve(r, &a->release.body, &p->body_ids, &r->bodies,
				"body", "unknown-body",
				"inject '%s' waits for the state of",
				    a->id);
			break;
		default:
			break;
		}
	}
	for (i = 0; i < p->nexpectations; i++) {
		struct kvpt_expectation *x = &p->expectations[i];

		x->machine = resolve_state(r, &x->machine_name, &x->state);

		if (x->by.id) {
			x->by.idx = kvpt_strmap_get(&p->role_ids, x->by.id);
			x->by_body = 0;
			if (x->by.idx < 0) {
				x->by.idx = kvpt_strmap_get(&p->body_ids, x->by.id);
				x->by_body = x->by.idx >= 0;
			}
			if (x->by.idx < 0)
				resolve(r, &x->by, &p->role_ids, &r->roles,
					"role or body", "unknown-role",
					"expectation '%s' is owed by",
					    x->id);
		}
		if (resolve(r, &x->conference, &p->activity_ids, &r->activities,
			    "conference", "unknown-activity",
			    "expectation '%s' waits for", x->id) >= 0 &&
		    p->activities[x->conference.idx].kind != KVPT_ACT_CONFERENCE) {
			kvpt_diag(r->d, KVPT_SEV_ERROR, x->conference.pos,
				  "unknown-activity", "expectation '%s' waits "
				  "for '%s', which is not a conference", x->id,
				  x->conference.id);
			x->conference.idx = -1;
		}
		resolve(r, &x->state_body, &p->body_ids, &r->bodies, "body",
			"unknown-body", "expectation '%s' watches the state "
					    "of", x->id);
	}
	free(r->bodies.ids);
	free(r->people.ids);
	free(r->roles.ids);
	free(r->committees.ids);
	free(r->places.ids);
	free(r->resources.ids);
	free(r->documents.ids);
	free(r->activities.ids);
	free(r->expectations.ids);
}

/* Body parents must form a tree. */
static void check_body_cycles(struct kvpt_plan *p, struct kvpt_diags *d)
{
	unsigned char *state = xcalloc((size_t)p->nbodies + 1, 1);
	int i;

	for (i = 0; i < p->nbodies; i++) {
		int b = i, steps = 0;

		while (b >= 0 && steps++ <= p->nbodies && state[b] != 2)
			b = p->bodies[b].parent.idx;
		if (b >= 0 && state[b] != 2) {
			kvpt_diag(d, KVPT_SEV_ERROR, p->bodies[b].pos,
				  "body-cycle", "body '%s' is its own ancestor "
				  "(the parents form a cycle)", p->bodies[b].id);
			/* cut the cycle so later walks terminate */
			p->bodies[b].parent.idx = -1;
		}
		for (b = i; b >= 0 && state[b] != 2; b = p->bodies[b].parent.idx)
			state[b] = 2;
	}
	free(state);
}

static int load(struct loader *l, const char *name, const char *text,
		size_t len, struct kvpt_plan **out)
{
	struct kvpt_plan *p = l->plan;
	int before = l->diags->nerrors, err;
	struct resolver r;

	if (!l->opts.max_file_size)
		l->opts.max_file_size = KVPT_MAX_FILE_SIZE_DEFAULT;
	if (!l->opts.max_files)
		l->opts.max_files = MAX_FILES_DEFAULT;
	if (!l->opts.max_depth)
		l->opts.max_depth = MAX_DEPTH_DEFAULT;
	l->in_main = 1;
	if (text) {
		l->file = add_file(l, name);
		err = parse_text(l, text, len);
	} else {
		err = load_file(l, name, NULL);
		if (err == KVPT_EIO || err == KVPT_ETOOBIG) {
			kvpt_plan_free(p);
			*out = NULL;
			free(l->stack);
			free(l->shown);
			return KVPT_EIO;
		}
	}
	(void)err;
	group_tree(p);
	if (!p->incomplete) {
		memset(&r, 0, sizeof(r));
		r.p = p;
		r.d = l->diags;
		resolve_all(&r);
		check_body_cycles(p, l->diags);
	}
	free(l->stack);
	free(l->shown);
	*out = p;
	return l->diags->nerrors > before ? KVPT_EINVAL : 0;
}

static void loader_init(struct loader *l, const struct kvpt_load_opts *opts,
			struct kvpt_diags *diags)
{
	memset(l, 0, sizeof(*l));
	l->plan = kvpt_plan_new();
	l->diags = diags;
	if (opts)
		l->opts = *opts;
	l->cap_files = 0;
}

int kvpt_plan_load_file(const char *path, const struct kvpt_load_opts *opts,
			struct kvpt_plan **out, struct kvpt_diags *diags)
{
	struct loader l;

	loader_init(&l, opts, diags);
	return load(&l, path, NULL, 0, out);
}

int kvpt_plan_load_string(const char *name, const char *text, size_t len,
			  const char *base_dir,
			  const struct kvpt_load_opts *opts,
			  struct kvpt_plan **out, struct kvpt_diags *diags)
{
	struct loader l;
	int err;

	loader_init(&l, opts, diags);
	if (!l.opts.max_file_size)
		l.opts.max_file_size = KVPT_MAX_FILE_SIZE_DEFAULT;
	if (len > l.opts.max_file_size) {
		struct kvpt_pos pos = { 0, 0, 0 };

		kvpt_diag(diags, KVPT_SEV_ERROR, pos, "too-big", "the plan is "
			  "larger than the %zu MiB limit",
			  l.opts.max_file_size >> 20);
		kvpt_plan_free(l.plan);
		*out = NULL;
		return KVPT_ETOOBIG;
	}
	if (base_dir) {
		/* Includes are relative to the main file's directory. */
		char *full = xmalloc(strlen(base_dir) + strlen(name) + 2);

		sprintf(full, "%s/%s", base_dir, name);
		err = load(&l, full, text, len, out);
		free(full);
		return err;
	}
	l.opts.max_files = 1;
	return load(&l, name, text, len, out);
}
