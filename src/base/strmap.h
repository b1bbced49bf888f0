/*
 * strmap: an open-addressing hash table from strings to integers, used to
 * resolve ids (roles, bodies, injects...) in O(1).  Keys are not copied: the
 * caller keeps them alive as long as the map (they live in the plan arena).
 */
#ifndef KVPT_STRMAP_H
#define KVPT_STRMAP_H

#include <stddef.h>

struct kvpt_strmap_slot {
	const char *key;	/* NULL when the slot is free */
	unsigned hash;
	int value;
};

struct kvpt_strmap {
	struct kvpt_strmap_slot *slots;
	size_t cap;		/* power of two, or 0 */
	size_t count;
};

void kvpt_strmap_init(struct kvpt_strmap *m);
void kvpt_strmap_release(struct kvpt_strmap *m);
/*
 * Insert key → value.  Returns 0, or -1 and leaves the map unchanged when the key is already present,
 * storing the present value in *old if old is not NULL.
 */
int kvpt_strmap_put(struct kvpt_strmap *m, const char *key, int value, int *old);
/* The value of key, or -1 when absent. */
int kvpt_strmap_get(const struct kvpt_strmap *m, const char *key);

#endif
