/*
 * arena: bump allocation for data that lives and dies together, such as a
 * loaded plan.  Everything allocated from an arena is freed at once by
 * kvpt_arena_release(); nothing in it is freed one by one.
 */
#ifndef KVPT_ARENA_H
#define KVPT_ARENA_H

#include <stddef.h>

struct kvpt_arena_block;

struct kvpt_arena {
	struct kvpt_arena_block *head;	/* newest block; older ones chained */
	size_t used;			/* bytes handed out, for reporting */
};

void kvpt_arena_init(struct kvpt_arena *a);
/* Frees every block; the arena may be reused after kvpt_arena_init(). */
void kvpt_arena_release(struct kvpt_arena *a);

/* A point in an arena's life, to go back to (see kvpt_arena_rewind). */
struct kvpt_arena_mark {
	struct kvpt_arena_block *block;
	size_t off, used;
};

void kvpt_arena_mark(struct kvpt_arena *a, struct kvpt_arena_mark *m);
/*
 * Give back everything allocated since mark m (taken on the same arena, and
 * not rewound past since), so the memory is used again: what was allocated
 * since m must no longer be referenced.
 */
void kvpt_arena_rewind(struct kvpt_arena *a, const struct kvpt_arena_mark *m);

/* n zeroed bytes aligned for any object; valid until release. */
void *kvpt_arena_alloc(struct kvpt_arena *a, size_t n);
/* n bytes aligned for any object, not zeroed (the caller fills them). */
void *kvpt_arena_alloc_raw(struct kvpt_arena *a, size_t n);
/* A NUL-terminated copy of len bytes of s, owned by the arena. */
char *kvpt_arena_strndup(struct kvpt_arena *a, const char *s, size_t len);
char *kvpt_arena_strdup(struct kvpt_arena *a, const char *s);
/* printf into the arena. */
char *kvpt_arena_printf(struct kvpt_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
