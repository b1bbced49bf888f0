/*
 * buf: a growable byte string (git's strbuf).  Used to build diagnostics,
 * JSON lines and report text.  A buf is always NUL-terminated.
 */
#ifndef KVPT_BUF_H
#define KVPT_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct kvpt_buf {
	char *s;	/* the bytes, NUL-terminated; owned by the buf */
	size_t len;	/* bytes used, not counting the NUL */
	size_t cap;	/* bytes allocated */
};

#define KVPT_BUF_INIT { NULL, 0, 0 }

void kvpt_buf_init(struct kvpt_buf *b);
void kvpt_buf_release(struct kvpt_buf *b);
/* Empty the buf but keep its memory. */
void kvpt_buf_reset(struct kvpt_buf *b);
void kvpt_buf_add(struct kvpt_buf *b, const void *data, size_t len);
void kvpt_buf_adds(struct kvpt_buf *b, const char *s);
void kvpt_buf_addc(struct kvpt_buf *b, char c);
void kvpt_buf_addf(struct kvpt_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void kvpt_buf_vaddf(struct kvpt_buf *b, const char *fmt, va_list ap);
/* Append s as a JSON string literal, quotes included. */
void kvpt_buf_add_json_str(struct kvpt_buf *b, const char *s);
/* Take the string out; the caller frees it and the buf is left empty. */
char *kvpt_buf_detach(struct kvpt_buf *b);

#endif
