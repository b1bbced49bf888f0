/*
 * text: labels, display columns, time spans and participant names shared by
 * the human-readable exports.  See text.h.
 */
#include "text.h"
#include "model/extime.h"

#include <string.h>

int kvpt_lang_parse(const char *s)
{
	if (!strcmp(s, "vi"))
		return KVPT_LANG_VI;
	if (!strcmp(s, "en"))
		return KVPT_LANG_EN;
	return -1;
}

const char *kvpt_text_enum(enum kvpt_lang lang, const struct kvpt_enum_name *t,
			   int v)
{
	return lang == KVPT_LANG_EN ? kvpt_enum_id(t, v) : kvpt_enum_vi(t, v);
}

/* Decode one code point at s; *len gets its length in bytes (1 for an
 * invalid byte, which decodes as U+FFFD). */
static unsigned decode(const unsigned char *s, size_t *len)
{
	unsigned c = s[0], cp;
	size_t need, i;

	if (c < 0x80) {
		*len = 1;
		return c;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		cp = c & 0x07;
	} else {
		*len = 1;
		return 0xfffd;
	}
	for (i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*len = 1;
			return 0xfffd;
		}
		cp = cp << 6 | (s[i] & 0x3f);
	}
	*len = need + 1;
	return cp;
}

static int zero_width(unsigned cp)
{
	return (cp >= 0x0300 && cp <= 0x036f) ||	/* combining diacritics */
	       (cp >= 0x1ab0 && cp <= 0x1aff) ||
	       (cp >= 0x1dc0 && cp <= 0x1dff) ||
	       (cp >= 0x200b && cp <= 0x200f) ||	/* ZWSP, ZWJ, marks */
	       (cp >= 0x20d0 && cp <= 0x20ff) ||
	       (cp >= 0xfe00 && cp <= 0xfe0f) ||	/* variation selectors */
	       (cp >= 0xfe20 && cp <= 0xfe2f) ||
	       cp == 0xfeff;
}

static int wide(unsigned cp)
{
	return (cp >= 0x1100 && cp <= 0x115f) ||
	       (cp >= 0x2e80 && cp <= 0xa4cf && cp != 0x303f) ||
	       (cp >= 0xac00 && cp <= 0xd7a3) ||
	       (cp >= 0xf900 && cp <= 0xfaff) ||
	       (cp >= 0xfe30 && cp <= 0xfe4f) ||
	       (cp >= 0xff00 && cp <= 0xff60) ||
	       (cp >= 0xffe0 && cp <= 0xffe6) ||
	       (cp >= 0x1f300 && cp <= 0x1faff) ||
	       (cp >= 0x20000 && cp <= 0x3fffd);
}

size_t kvpt_text_width(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t w = 0, len;
	unsigned cp;

	while (*s) {
		cp = decode(s, &len);
		s += len;
		if (zero_width(cp))
			continue;
		w += wide(cp) ? 2 : 1;
	}
	return w;
}

void kvpt_text_pad(struct kvpt_buf *out, const char *s, size_t width)
{
	size_t w = kvpt_text_width(s);

	kvpt_buf_adds(out, s);
	for (; w < width; w++)
		kvpt_buf_addc(out, ' ');
}

static int64_t day_of(kvpt_time t)
{
	return t >= 0 ? t / KVPT_MS_DAY :
	       -((-t + KVPT_MS_DAY - 1) / KVPT_MS_DAY);
}

void kvpt_text_span(struct kvpt_buf *out, kvpt_time start, kvpt_time end)
{
	char a[32], b[32];

	kvpt_time_format(start, a, sizeof(a));
	kvpt_buf_adds(out, a);
	if (start == KVPT_TIME_NONE || end == KVPT_TIME_NONE || end == start)
		return;
	kvpt_time_format(end, b, sizeof(b));
	if (day_of(start) == day_of(end)) {
		/* Only the clock part: skip "N " / "N+1 ". */
		kvpt_buf_addf(out, "–%s", strchr(b, ' ') + 1);
	} else {
		kvpt_buf_addf(out, " – %s", b);
	}
}

void kvpt_text_local(struct kvpt_buf *out, const struct kvpt_plan *plan,
		     kvpt_time t)
{
	struct kvpt_timebase tb = kvpt_plan_timebase(plan);
	char iso[48];

	if (!tb.valid || t == KVPT_TIME_NONE)
		return;
	kvpt_time_format_iso(t, &tb, iso, sizeof(iso));
	kvpt_buf_add(out, iso, 16);	/* YYYY-MM-DDTHH:MM */
}

static const char *or_id(const char *name, const struct kvpt_ref *r)
{
	return name ? name : r->id ? r->id : "?";
}

void kvpt_text_role(struct kvpt_buf *out, const struct kvpt_plan *plan,
		    const struct kvpt_ref *r, int with_person)
{
	const struct kvpt_role *role;

	if (r->idx < 0 || r->idx >= plan->nroles) {
		kvpt_buf_adds(out, r->id ? r->id : "?");
		return;
	}
	role = &plan->roles[r->idx];
	kvpt_buf_adds(out, or_id(role->name, r));
	if (with_person && role->person.idx >= 0)
		kvpt_buf_addf(out, " (%s)", plan->people[role->person.idx].name);
}

void kvpt_text_roles(struct kvpt_buf *out, const struct kvpt_plan *plan,
		     const struct kvpt_refs *refs)
{
	int i;

	for (i = 0; i < refs->n; i++) {
		if (i)
			kvpt_buf_adds(out, ", ");
		kvpt_text_role(out, plan, &refs->v[i], 0);
	}
}

void kvpt_text_sender(struct kvpt_buf *out, const struct kvpt_plan *plan,
		      const struct kvpt_ref *r)
{
	int c;

	if (r->idx < 0 && r->id) {
		c = kvpt_strmap_get(&plan->committee_ids, r->id);
		if (c >= 0) {
			kvpt_buf_adds(out, plan->committees[c].name);
			return;
		}
	}
	kvpt_text_role(out, plan, r, 0);
}

void kvpt_text_responder(struct kvpt_buf *out, const struct kvpt_plan *plan,
			 const struct kvpt_expectation *x)
{
	if (x->by_body && x->by.idx >= 0)
		kvpt_buf_adds(out, plan->bodies[x->by.idx].name);
	else
		kvpt_text_role(out, plan, &x->by, 0);
}

void kvpt_text_bodies(struct kvpt_buf *out, const struct kvpt_plan *plan,
		      const struct kvpt_refs *refs)
{
	int i;

	for (i = 0; i < refs->n; i++) {
		const struct kvpt_ref *r = &refs->v[i];

		if (i)
			kvpt_buf_adds(out, ", ");
		kvpt_buf_adds(out, r->idx >= 0 ? plan->bodies[r->idx].name :
			      or_id(NULL, r));
	}
}

void kvpt_text_participants(struct kvpt_buf *out, const struct kvpt_plan *plan,
			    const struct kvpt_activity *a, enum kvpt_lang lang)
{
	size_t len0 = out->len;

	if (a->chair.id || a->chair.idx >= 0) {
		kvpt_buf_addf(out, "%s ", KVPT_L(lang, "chủ trì", "chair"));
		kvpt_text_role(out, plan, &a->chair, 0);
	}
	if (a->from.id) {
		if (out->len > len0)
			kvpt_buf_adds(out, "; ");
		kvpt_text_sender(out, plan, &a->from);
	}
	if (a->to.n) {
		if (a->from.id)
			kvpt_buf_adds(out, " → ");
		else
			kvpt_buf_adds(out, out->len > len0 ? "; → " : "→ ");
		kvpt_text_roles(out, plan, &a->to);
	}
	if (a->forces.n) {
		if (out->len > len0)
			kvpt_buf_adds(out, "; ");
		kvpt_buf_addf(out, "%s ", KVPT_L(lang, "lực lượng", "forces"));
		kvpt_text_bodies(out, plan, &a->forces);
	}
}

void kvpt_text_release(struct kvpt_buf *out, const struct kvpt_plan *plan,
		       const struct kvpt_activity *a, enum kvpt_lang lang)
{
	const struct kvpt_release *r = &a->release;
	const char *tid = r->target.id ? r->target.id : "?";
	char dur[32];

	switch (r->kind) {
	case KVPT_RELEASE_SCHEDULED:
		if (a->start == KVPT_TIME_NONE) {
			kvpt_buf_adds(out, KVPT_L(lang, "chưa có giờ phát",
						  "no release time"));
			return;
		}
		kvpt_time_format(a->start, dur, sizeof(dur));
		kvpt_buf_addf(out, "%s %s", KVPT_L(lang, "lúc", "at"), dur);
		return;
	case KVPT_RELEASE_MANUAL:
		kvpt_buf_adds(out, KVPT_L(lang, "đạo diễn phát thủ công",
					  "released by hand"));
		return;
	case KVPT_RELEASE_ON_MET:
	case KVPT_RELEASE_ON_MISSED:
		kvpt_buf_adds(out, r->kind == KVPT_RELEASE_ON_MET ?
			      KVPT_L(lang, "khi đáp ứng", "when met:") :
			      KVPT_L(lang, "khi quá hạn", "when missed:"));
		kvpt_buf_addf(out, " %s", tid);
		if (r->target.idx >= 0) {
			const struct kvpt_expectation *x =
				&plan->expectations[r->target.idx];

			kvpt_buf_addf(out, " (%s)",
				      plan->activities[x->inject].id);
		}
		break;
	case KVPT_RELEASE_ON_RELEASED:
		kvpt_buf_addf(out, "%s %s", KVPT_L(lang, "sau khi phát",
						   "when released:"), tid);
		break;
	case KVPT_RELEASE_ON_STATE:
		kvpt_buf_addf(out, "%s ", KVPT_L(lang, "khi", "when"));
		kvpt_buf_adds(out, r->body.idx >= 0 ?
			      plan->bodies[r->body.idx].name :
			      r->body.id ? r->body.id : "?");
		kvpt_buf_addf(out, " %s ", KVPT_L(lang, "đạt trạng thái",
						  "reaches"));
		if (r->machine >= 0 && r->state.idx >= 0) {
			const struct kvpt_state *st =
				&plan->machines[r->machine].states[r->state.idx];

			kvpt_buf_adds(out, KVPT_L(lang, st->name, st->id));
		} else {
			kvpt_buf_adds(out, r->state.id ? r->state.id : "?");
		}
		break;
	}
	if (r->delay > 0) {
		kvpt_duration_format(r->delay, dur, sizeof(dur));
		kvpt_buf_addf(out, ", %s %s", KVPT_L(lang, "sau", "after"), dur);
	}
}

int kvpt_activity_scheduled(const struct kvpt_activity *a)
{
	if (a->start == KVPT_TIME_NONE)
		return 0;
	return a->kind != KVPT_ACT_SITUATION ||
	       a->release.kind == KVPT_RELEASE_SCHEDULED;
}
