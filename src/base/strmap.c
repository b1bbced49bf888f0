/*
 * strmap: string → int hash table with linear probing (FNV-1a).  See strmap.h.
 */
#include "strmap.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static unsigned hash_str(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

void kvpt_strmap_init(struct kvpt_strmap *m)
{
	m->slots = NULL;
	m->cap = 0;
	m->count = 0;
}

void kvpt_strmap_release(struct kvpt_strmap *m)
{
	free(m->slots);
	kvpt_strmap_init(m);
}

static void rehash(struct kvpt_strmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	struct kvpt_strmap_slot *ns = xcalloc(ncap, sizeof(*ns));
	size_t i;

	for (i = 0; i < m->cap; i++) {
		struct kvpt_strmap_slot *s = &m->slots[i];
		size_t j;

		if (!s->key)
			continue;
		j = s->hash & (ncap - 1);
		while (ns[j].key)
			j = (j + 1) & (ncap - 1);
		ns[j] = *s;
	}
	free(m->slots);
	m->slots = ns;
	m->cap = ncap;
}

int kvpt_strmap_put(struct kvpt_strmap *m, const char *key, int value, int *old)
{
	unsigned h = hash_str(key);
	size_t j;

	if ((m->count + 1) * 4 > m->cap * 3)
		rehash(m);
	j = h & (m->cap - 1);
	while (m->slots[j].key) {
		if (m->slots[j].hash == h && !strcmp(m->slots[j].key, key)) {
			if (old)
				*old = m->slots[j].value;
			return -1;
		}
		j = (j + 1) & (m->cap - 1);
	}
	m->slots[j].key = key;
	m->slots[j].hash = h;
	m->slots[j].value = value;
	m->count++;
	return 0;
}

int kvpt_strmap_get(const struct kvpt_strmap *m, const char *key)
{
	unsigned h;
	size_t j;

	if (!m->cap)
		return -1;
	h = hash_str(key);
	j = h & (m->cap - 1);
	while (m->slots[j].key) {
		if (m->slots[j].hash == h && !strcmp(m->slots[j].key, key))
			return m->slots[j].value;
		j = (j + 1) & (m->cap - 1);
	}
	return -1;
}
