/*
 * arena: bump allocator in chained blocks.  See arena.h.
 */
#include "arena.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ARENA_BLOCK (64 * 1024)
#define ARENA_BLOCK_MAX ((size_t)4 << 20)
#define HUGE_PAGE ((size_t)2 << 20)

struct kvpt_arena_block {
	struct kvpt_arena_block *next;
	size_t size;
	size_t off;
	alignas(max_align_t) unsigned char data[];
};

void kvpt_arena_init(struct kvpt_arena *a)
{
	a->head = NULL;
	a->used = 0;
}

void kvpt_arena_release(struct kvpt_arena *a)
{
	struct kvpt_arena_block *b = a->head;

	while (b) {
		struct kvpt_arena_block *next = b->next;

		free(b);
		b = next;
	}
	a->head = NULL;
	a->used = 0;
}

void kvpt_arena_mark(struct kvpt_arena *a, struct kvpt_arena_mark *m)
{
	m->block = a->head;
	m->off = a->head ? a->head->off : 0;
	m->used = a->used;
}

void kvpt_arena_rewind(struct kvpt_arena *a, const struct kvpt_arena_mark *m)
{
	/* Blocks newer than the mark sit before it in the chain.  (A large
	 * one-off block slipped behind the head is kept until release.) */
	while (a->head && a->head != m->block) {
		struct kvpt_arena_block *next = a->head->next;

		free(a->head);
		a->head = next;
	}
	if (a->head)
		a->head->off = m->off;
	a->used = m->used;
}

void *kvpt_arena_alloc(struct kvpt_arena *a, size_t n)
{
	void *p = kvpt_arena_alloc_raw(a, n);

	memset(p, 0, n);
	return p;
}

void *kvpt_arena_alloc_raw(struct kvpt_arena *a, size_t n)
{
	const size_t align = alignof(max_align_t);
	struct kvpt_arena_block *b = a->head;
	size_t off;
	void *p;

	n = (n + align - 1) & ~(align - 1);
	if (!b || b->size - b->off < n) {
		/* Blocks double as the arena grows, so a large plan takes few
		 * of them; big ones ask for transparent huge pages, which
		 * spares most of the page faults of a national-scale plan. */
		size_t next = b ? b->size * 2 : ARENA_BLOCK;
		size_t size;

		if (next > ARENA_BLOCK_MAX)
			next = ARENA_BLOCK_MAX;
		size = n > next / 4 ? n : next - sizeof(*b);
		if (size + sizeof(*b) >= HUGE_PAGE) {
			size_t total = (size + sizeof(*b) + HUGE_PAGE - 1) &
				       ~(HUGE_PAGE - 1);

			b = aligned_alloc(HUGE_PAGE, total);
			if (!b)
				b = xmalloc(total);
#ifdef MADV_HUGEPAGE
			madvise(b, total, MADV_HUGEPAGE);
#endif
			size = total - sizeof(*b);
		} else {
			b = xmalloc(sizeof(*b) + size);
		}
		b->size = size;
		b->off = 0;
		/* A large one-off block goes behind the head so the head's
		 * free space is not wasted. */
		if (size == n && a->head) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	off = b->off;
	b->off += n;
	a->used += n;
	p = b->data + off;
	return p;
}

char *kvpt_arena_strndup(struct kvpt_arena *a, const char *s, size_t len)
{
	char *d = kvpt_arena_alloc_raw(a, len + 1);

	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

char *kvpt_arena_strdup(struct kvpt_arena *a, const char *s)
{
	return kvpt_arena_strndup(a, s, strlen(s));
}

char *kvpt_arena_printf(struct kvpt_arena *a, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	char *d;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	d = kvpt_arena_alloc_raw(a, (size_t)n + 1);
	if ((size_t)n < sizeof(small)) {
		memcpy(d, small, (size_t)n + 1);
	} else {
		va_start(ap, fmt);
		vsnprintf(d, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	return d;
}
