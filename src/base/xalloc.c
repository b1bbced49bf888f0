/*
 * xalloc: allocation wrappers that abort on exhaustion.  See xalloc.h.
 */
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE_ARRAY ((size_t)2 << 20)

static void out_of_memory(size_t n)
{
	fprintf(stderr, "kvpt: out of memory (allocating %zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		out_of_memory(n);
	return p;
}

void *xcalloc(size_t n, size_t sz)
{
	void *p;

	if (sz && n > SIZE_MAX / sz)
		out_of_memory(SIZE_MAX);
	p = calloc(n ? n : 1, sz ? sz : 1);
	if (!p)
		out_of_memory(n * sz);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		out_of_memory(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t len)
{
	char *d = xmalloc(len + 1);

	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

void xgrow(void **arr, size_t *cap, size_t need, size_t sz)
{
	size_t ncap;

	if (need <= *cap)
		return;
	ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / sz)
			out_of_memory(SIZE_MAX);
		ncap *= 2;
	}
	if (ncap * sz >= HUGE_ARRAY) {
		/* Large arrays (a national plan's activities) sit on huge
		 * pages: a handful of page faults instead of thousands. */
		size_t bytes = (ncap * sz + HUGE_ARRAY - 1) & ~(HUGE_ARRAY - 1);
		void *n = aligned_alloc(HUGE_ARRAY, bytes);

		if (!n)
			out_of_memory(bytes);
#ifdef MADV_HUGEPAGE
		madvise(n, bytes, MADV_HUGEPAGE);
#endif
		if (*arr)
			memcpy(n, *arr, *cap * sz);
		free(*arr);
		*arr = n;
		*cap = bytes / sz;
		return;
	}
	*arr = xrealloc(*arr, ncap * sz);
	*cap = ncap;
}
