/*
 * utf8: validation of UTF-8 text from outside (plan files, requests), and
 * its repair where text must be written out whatever it holds.
 */
#ifndef KVPT_UTF8_H
#define KVPT_UTF8_H

#include <stddef.h>

#include "base/buf.h"

/* Returns the offset of the first byte that is not part of well-formed
 * UTF-8 (overlongs, surrogates and NUL bytes are refused), or len when
 * all of s is valid. */
size_t kvpt_utf8_check(const char *s, size_t len);

/* Whether all of s is well-formed UTF-8 (no NUL). */
static inline int kvpt_utf8_valid(const char *s, size_t len)
{
	return kvpt_utf8_check(s, len) == len;
}

/* Append s to out with each byte kvpt_utf8_check() refuses replaced by
 * U+FFFD, so what is appended is well-formed UTF-8 without NUL. */
void kvpt_utf8_sanitize(struct kvpt_buf *out, const char *s, size_t len);

/* The code point at *p (valid UTF-8), advancing *p past it. */
unsigned kvpt_utf8_next(const unsigned char **p);
/* Append code point cp to b as UTF-8. */
void kvpt_utf8_put(struct kvpt_buf *b, unsigned cp);
/* The lower-case form of a Latin letter used in Vietnamese ("Đ" → "đ",
 * "Ệ" → "ệ"); other code points unchanged. */
unsigned kvpt_viet_lower(unsigned cp);
/* The upper-case form of a Latin letter used in Vietnamese ("đ" → "Đ",
 * "ệ" → "Ệ"); other code points unchanged. */
unsigned kvpt_viet_upper(unsigned cp);
/* Append s (valid UTF-8) in upper case to out: "Ban Chỉ đạo" → "BAN CHỈ
 * ĐẠO". */
void kvpt_viet_upper_str(struct kvpt_buf *out, const char *s);
/* The ASCII letter a lower-case Vietnamese letter is written on ("ệ" →
 * 'e', "đ" → 'd'), ASCII itself for ASCII, or 0. */
char kvpt_viet_base(unsigned cp);

#endif
