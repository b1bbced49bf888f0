/*
 * buf: growable NUL-terminated byte strings.  See buf.h.
 */
#include "buf.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char empty[1];

void kvpt_buf_init(struct kvpt_buf *b)
{
	b->s = NULL;
	b->len = 0;
	b->cap = 0;
}

void kvpt_buf_release(struct kvpt_buf *b)
{
	free(b->s);
	kvpt_buf_init(b);
}

void kvpt_buf_reset(struct kvpt_buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

static void grow(struct kvpt_buf *b, size_t extra)
{
	XGROW(b->s, b->cap, b->len + extra + 1);
}

void kvpt_buf_add(struct kvpt_buf *b, const void *data, size_t len)
{
	grow(b, len);
	memcpy(b->s + b->len, data, len);
	b->len += len;
	b->s[b->len] = '\0';
}

void kvpt_buf_adds(struct kvpt_buf *b, const char *s)
{
	kvpt_buf_add(b, s, strlen(s));
}

void kvpt_buf_addc(struct kvpt_buf *b, char c)
{
	grow(b, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void kvpt_buf_vaddf(struct kvpt_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	grow(b, 64);
	va_copy(cp, ap);
	n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		grow(b, (size_t)n);
		vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void kvpt_buf_addf(struct kvpt_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvpt_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void kvpt_buf_add_json_str(struct kvpt_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	kvpt_buf_addc(b, '"');
	for (; *p; p++) {
		switch (*p) {
		case '"': kvpt_buf_add(b, "\\\"", 2); break;
		case '\\': kvpt_buf_add(b, "\\\\", 2); break;
		case '\n': kvpt_buf_add(b, "\\n", 2); break;
		case '\r': kvpt_buf_add(b, "\\r", 2); break;
		case '\t': kvpt_buf_add(b, "\\t", 2); break;
		default:
			if (*p < 0x20)
				kvpt_buf_addf(b, "\\u%04x", *p);
			else
				kvpt_buf_addc(b, (char)*p);
		}
	}
	kvpt_buf_addc(b, '"');
}

char *kvpt_buf_detach(struct kvpt_buf *b)
{
	char *s = b->s ? b->s : xstrdup(empty);

	kvpt_buf_init(b);
	return s;
}
