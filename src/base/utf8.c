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
