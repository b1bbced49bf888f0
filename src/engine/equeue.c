/*
 * equeue: a 4-ary min-heap of events keyed by (time, seq).  See equeue.h.
 *
 * A 4-ary heap is half as deep as a binary one and its four children sit
 * next to each other in memory, so a sift-down touches fewer cache lines;
 * that is what matters once a million events are pending.
 */
#include "equeue.h"
#include "base/xalloc.h"

#include <stdlib.h>

#define ARITY 4

static inline int before(const struct kvpt_equeue_entry *x,
			 const struct kvpt_equeue_entry *y)
{
	return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

void kvpt_equeue_init(struct kvpt_equeue *q)
{
	q->heap = NULL;
	q->n = 0;
	q->cap = 0;
	q->next_seq = 0;
}

void kvpt_equeue_release(struct kvpt_equeue *q)
{
	free(q->heap);
	kvpt_equeue_init(q);
}

void kvpt_equeue_reserve(struct kvpt_equeue *q, size_t n)
{
	if (n > q->cap)
		XGROW(q->heap, q->cap, n);
}

void kvpt_equeue_clear(struct kvpt_equeue *q)
{
	q->n = 0;
}

uint64_t kvpt_equeue_push(struct kvpt_equeue *q, kvpt_time t, int kind,
			  int a, int b, unsigned gen)
{
	struct kvpt_equeue_entry e;
	struct kvpt_equeue_entry *h;
	size_t i;

	if (q->n == q->cap)
		XGROW(q->heap, q->cap, q->n + 1);
	e.t = t;
	e.seq = q->next_seq++;
	e.kind = kind;
	e.a = a;
	e.b = b;
	e.gen = gen;

	/* Sift up: move the hole towards the root while the parent is later.
	 * The new entry has the largest seq, so an equal time stops it. */
	h = q->heap;
	i = q->n++;
	while (i > 0) {
		size_t parent = (i - 1) / ARITY;

		if (h[parent].t <= t)
			break;
		h[i] = h[parent];
		i = parent;
	}
	h[i] = e;
	return e.seq;
}

int kvpt_equeue_pop(struct kvpt_equeue *q, struct kvpt_equeue_entry *out)
{
	struct kvpt_equeue_entry *h = q->heap;
	struct kvpt_equeue_entry last;
	size_t n, i;

	if (!q->n)
		return KVPT_ESTATE;
	*out = h[0];
	n = --q->n;
	if (!n)
		return 0;
	last = h[n];

	/* Sift down: move the hole towards the leaves, pulling up the
	 * earliest child, until the former last entry fits. */
	i = 0;
	for (;;) {
		size_t c = i * ARITY + 1;
		size_t best, k, end;

		if (c >= n)
			break;
		best = c;
		end = c + ARITY < n ? c + ARITY : n;
		for (k = c + 1; k < end; k++)
			if (before(&h[k], &h[best]))
				best = k;
		if (!before(&h[best], &last))
			break;
		h[i] = h[best];
		i = best;
	}
	h[i] = last;
	return 0;
}
