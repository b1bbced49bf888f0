/*
 * equeue: the engine's event queue, a 4-ary min-heap over a flat array of
 * small fixed-size entries ordered by (time, seq).  seq is the insertion
 * number, so events due at the same time come out in the order they were
 * queued, which keeps runs deterministic.  The array grows by doubling;
 * nothing is allocated per event.
 *
 * The queue does not know what events mean: an entry carries the owner's
 * kind and two operands, plus a generation stamp with which the owner
 * cancels entries lazily (it bumps its own counter and ignores popped
 * entries whose stamp is stale), so removal costs nothing here.
 */
#ifndef KVPT_EQUEUE_H
#define KVPT_EQUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

struct kvpt_equeue_entry {
	kvpt_time t;		/* when the event is due */
	uint64_t seq;		/* insertion number, set by the queue */
	int kind;		/* the owner's event kind */
	int a, b;		/* the owner's operands */
	unsigned gen;		/* the owner's generation stamp */
};

struct kvpt_equeue {
	struct kvpt_equeue_entry *heap;	/* owned; heap[0] is the next due */
	size_t n;			/* entries queued */
	size_t cap;			/* entries allocated */
	uint64_t next_seq;		/* seq of the next push */
};

void kvpt_equeue_init(struct kvpt_equeue *q);
/* Free the array; the queue may be reused after kvpt_equeue_init(). */
void kvpt_equeue_release(struct kvpt_equeue *q);
/* Make room for n entries in all, so the next pushes do not allocate. */
void kvpt_equeue_reserve(struct kvpt_equeue *q, size_t n);
/* Drop every entry; seq numbering continues. */
void kvpt_equeue_clear(struct kvpt_equeue *q);

/* Queue an event due at t.  Returns its seq. */
uint64_t kvpt_equeue_push(struct kvpt_equeue *q, kvpt_time t, int kind,
			  int a, int b, unsigned gen);

/* Remove the earliest entry into *out.  Returns 0, or KVPT_ESTATE when the
 * queue is empty. */
int kvpt_equeue_pop(struct kvpt_equeue *q, struct kvpt_equeue_entry *out);

/* The earliest entry, valid until the next push or pop, or NULL. */
static inline const struct kvpt_equeue_entry *
kvpt_equeue_peek(const struct kvpt_equeue *q)
{
	return q->n ? &q->heap[0] : NULL;
}

/* The time of the earliest entry, or KVPT_TIME_NONE when empty. */
static inline kvpt_time kvpt_equeue_next_time(const struct kvpt_equeue *q)
{
	return q->n ? q->heap[0].t : KVPT_TIME_NONE;
}

#endif
