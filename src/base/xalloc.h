/*
 * xalloc: the one allocation family of kvpt.  Every heap allocation in the
 * project goes through these wrappers; on exhaustion they abort the process
 * with a message, so callers never test for NULL (the Redis/git habit).
 */
#ifndef KVPT_XALLOC_H
#define KVPT_XALLOC_H

#include <stddef.h>

/* Allocate n bytes (never NULL).  Free with free(). */
void *xmalloc(size_t n);
/* Allocate n zeroed elements of size sz, checking the product for overflow. */
void *xcalloc(size_t n, size_t sz);
/* Resize p to n bytes (never NULL). */
void *xrealloc(void *p, size_t n);
/* Copy a NUL-terminated string; the copy belongs to the caller. */
char *xstrdup(const char *s);
/* Copy len bytes of s and terminate them; the copy belongs to the caller. */
char *xstrndup(const char *s, size_t len);

/*
 * Grow an array *arr of *cap elements of size sz so that it holds at least
 * need elements.  Capacity doubles, so appending is amortised O(1).
 */
void xgrow(void **arr, size_t *cap, size_t need, size_t sz);

#define XGROW(arr, cap, need) \
	xgrow((void **)&(arr), &(cap), (need), sizeof(*(arr)))

#endif
