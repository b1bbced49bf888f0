/*
 * utf8: a strict UTF-8 validator (RFC 3629), and the repair of text that
 * fails it.  See utf8.h.
 */
#include "utf8.h"

#include <stdint.h>
#include <string.h>

size_t kvpt_utf8_check(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned c;
		size_t need;
		unsigned min, cp;

		/* Plain ASCII eight bytes at a time: no high bit, no NUL. */
		while (len - i >= 8) {
			uint64_t w;

			memcpy(&w, s + i, 8);
			if ((w & 0x8080808080808080ULL) ||
			    ((w - 0x0101010101010101ULL) & ~w &
			     0x8080808080808080ULL))
				break;
			i += 8;
		}
		if (i >= len)
			break;
		c = s[i];

		if (c >= 0x01 && c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1; cp = c & 0x1f; min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2; cp = c & 0x0f; min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3; cp = c & 0x07; min = 0x10000;
		} else {
			return i;
		}
		if (len - i <= need)
			return i;
		for (size_t k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += need + 1;
	}
	return len;
}

void kvpt_utf8_sanitize(struct kvpt_buf *out, const char *s, size_t len)
{
	size_t ok;

	for (;;) {
		ok = kvpt_utf8_check(s, len);
		kvpt_buf_add(out, s, ok);
		if (ok == len)
			return;
		kvpt_buf_adds(out, "\xef\xbf\xbd");
		s += ok + 1;
		len -= ok + 1;
	}
}

/* Code points and Vietnamese letters. */

/* The code point at *p (valid UTF-8), advancing *p past it. */
unsigned kvpt_utf8_next(const unsigned char **p)
{
	unsigned cp = **p, extra = 0;

	if (cp >= 0xf0)
		cp &= 0x07, extra = 3;
	else if (cp >= 0xe0)
		cp &= 0x0f, extra = 2;
	else if (cp >= 0xc0)
		cp &= 0x1f, extra = 1;
	(*p)++;
	for (; extra && (**p & 0xc0) == 0x80; extra--, (*p)++)
		cp = (cp << 6) | (**p & 0x3f);
	return cp;
}

void kvpt_utf8_put(struct kvpt_buf *b, unsigned cp)
{
	char s[4];

	if (cp < 0x80) {
		kvpt_buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		s[0] = (char)(0xc0 | (cp >> 6));
		s[1] = (char)(0x80 | (cp & 0x3f));
		kvpt_buf_add(b, s, 2);
	} else if (cp < 0x10000) {
		s[0] = (char)(0xe0 | (cp >> 12));
		s[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		s[2] = (char)(0x80 | (cp & 0x3f));
		kvpt_buf_add(b, s, 3);
	} else {
		s[0] = (char)(0xf0 | (cp >> 18));
		s[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		s[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		s[3] = (char)(0x80 | (cp & 0x3f));
		kvpt_buf_add(b, s, 4);
	}
}

/* The lower-case form of a Latin letter used in Vietnamese. */
unsigned kvpt_viet_lower(unsigned cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7)
		return cp + 0x20;
	if (cp == 0x102 || cp == 0x110 || cp == 0x128 || cp == 0x168 ||
	    cp == 0x1a0 || cp == 0x1af)
		return cp + 1;
	if (cp >= 0x1ea0 && cp <= 0x1ef9 && !(cp & 1))
		return cp + 1;
	return cp;
}

/* The ASCII letter a lower-case Vietnamese letter is written on, or 0. */
char kvpt_viet_base(unsigned cp)
{
	static const char latin1[] =	/* U+00E0 … U+00FF */
		"aaaaaaaceeeeiiiidnooooo/ouuuuyty";

	if (cp < 0x80)
		return (char)cp;
	if (cp >= 0xe0 && cp <= 0xff)
		return latin1[cp - 0xe0];
	switch (cp) {
	case 0x103: return 'a';
	case 0x111: return 'd';
	case 0x129: return 'i';
	case 0x169: return 'u';
	case 0x1a1: return 'o';
	case 0x1b0: return 'u';
	default: break;
	}
	if (cp >= 0x1ea0 && cp <= 0x1eb7)
		return 'a';
	if (cp >= 0x1eb8 && cp <= 0x1ec7)
		return 'e';
	if (cp >= 0x1ec8 && cp <= 0x1ecb)
		return 'i';
	if (cp >= 0x1ecc && cp <= 0x1ee3)
		return 'o';
	if (cp >= 0x1ee4 && cp <= 0x1ef1)
		return 'u';
	if (cp >= 0x1ef2 && cp <= 0x1ef9)
		return 'y';
	return 0;
}

unsigned kvpt_viet_upper(unsigned cp)
{
	if (cp >= 'a' && cp <= 'z')
		return cp - 32;
	if (cp >= 0xe0 && cp <= 0xfe && cp != 0xf7)
		return cp - 0x20;
	if (cp == 0x103 || cp == 0x111 || cp == 0x129 || cp == 0x169 ||
	    cp == 0x1a1 || cp == 0x1b0)
		return cp - 1;
	if (cp >= 0x1ea1 && cp <= 0x1ef9 && (cp & 1))
		return cp - 1;
	return cp;
}

void kvpt_viet_upper_str(struct kvpt_buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	kvpt_buf_adds(out, "");
	while (p && *p)
		kvpt_utf8_put(out, kvpt_viet_upper(kvpt_utf8_next(&p)));
}
