/*
 * text: shared pieces of the human-readable exports (the outline of
 * `kvpt show`, the schedule of `kvpt timeline`, calendar descriptions):
 * the label language, display columns of UTF-8 text so Vietnamese lines up
 * in a terminal, time spans in N-notation, and the names of the people,
 * bodies and conditions an activity refers to.  Nothing here prints; every
 * function appends to a struct kvpt_buf the caller owns.
 */
#ifndef KVPT_TEXT_H
#define KVPT_TEXT_H

#include <stddef.h>

#include "base/buf.h"
#include "model/model.h"

/* The language of labels; plan text (titles, names) is shown as written. */
enum kvpt_lang {
	KVPT_LANG_VI,	/* Vietnamese, the default */
	KVPT_LANG_EN,
};

/* Pick the label of lang: vi or en.  Both are static strings. */
#define KVPT_L(lang, vi, en) ((lang) == KVPT_LANG_EN ? (en) : (vi))

/* The language named "vi" or "en", or -1. */
int kvpt_lang_parse(const char *s);

/* The label of enum value v in lang: the Vietnamese label, or the
 * canonical id (which is English) for KVPT_LANG_EN.  Static. */
const char *kvpt_text_enum(enum kvpt_lang lang, const struct kvpt_enum_name *t,
			   int v);

/*
 * Terminal columns taken by UTF-8 text s: one per code point, none for
 * combining marks and zero-width characters, two for East Asian wide
 * characters.  Bytes that are not valid UTF-8 count one column each.
 */
size_t kvpt_text_width(const char *s);

/* Append s, then spaces up to width columns (nothing when s is wider). */
void kvpt_text_pad(struct kvpt_buf *out, const char *s, size_t width);

/*
 * Append the span start–end in N-notation: `N 07:30–09:00` when both fall
 * on one day, `N 22:00 – N+1 02:00` across days, just `N 07:30` when end is
 * start or KVPT_TIME_NONE, and `—` when start is KVPT_TIME_NONE.
 */
void kvpt_text_span(struct kvpt_buf *out, kvpt_time start, kvpt_time end);

/* Append the local date-time of exercise time t as `2024-05-20T07:30`
 * (ISO 8601 without seconds or offset); nothing when day N is unknown. */
void kvpt_text_local(struct kvpt_buf *out, const struct kvpt_plan *plan,
		     kvpt_time t);

/* Append the name of role r (with its person's in parentheses when
 * with_person), of the body or committee a ref names, or the id as written
 * when it did not resolve. */
void kvpt_text_role(struct kvpt_buf *out, const struct kvpt_plan *plan,
		    const struct kvpt_ref *r, int with_person);
/* Append the names of the roles in refs, separated by ", ". */
void kvpt_text_roles(struct kvpt_buf *out, const struct kvpt_plan *plan,
		     const struct kvpt_refs *refs);
/* Append the name of the sender of an inject: a role or a committee. */
void kvpt_text_sender(struct kvpt_buf *out, const struct kvpt_plan *plan,
		      const struct kvpt_ref *r);
/* Append who responds to expectation x: a role or a body. */
void kvpt_text_responder(struct kvpt_buf *out, const struct kvpt_plan *plan,
			 const struct kvpt_expectation *x);
/* Append the names of the bodies in refs, separated by ", ". */
void kvpt_text_bodies(struct kvpt_buf *out, const struct kvpt_plan *plan,
		      const struct kvpt_refs *refs);

/* Append who leads or receives activity a, in one short line: the chair
 * of a conference, sender → recipients of an inject, the forces of the
 * others.  Appends nothing when it has none. */
void kvpt_text_participants(struct kvpt_buf *out, const struct kvpt_plan *plan,
			    const struct kvpt_activity *a, enum kvpt_lang lang);

/* Append what releases inject a when it is not scheduled, e.g.
 * `khi quá hạn th1-bc (th1), sau 5m` / `when th1-bc (th1) is missed,
 * after 5m`, or `thủ công` / `by hand`. */
void kvpt_text_release(struct kvpt_buf *out, const struct kvpt_plan *plan,
		       const struct kvpt_activity *a, enum kvpt_lang lang);

/* Whether activity a has a place in the schedule: every activity with a
 * start time except injects released by hand or by a condition. */
int kvpt_activity_scheduled(const struct kvpt_activity *a);

#endif
