/*
 * equeue: the engine's event queue.  Entries are small fixed-size records
 * ordered by (time, seq), where seq is the insertion number, so events due
 * at the same time come out in the order they were queued and runs are
 * deterministic.  Nothing is allocated per event: every array grows by
 * doubling and is reused.
 *
 * A plain binary or 4-ary heap spends its time in cache misses once a
 * million events are pending (about 3 M events/s here), so the queue is a
 * two-level bucket queue in the manner of calendar and ladder queues: the
 * future is cut into buckets of equal width (a power of two in ms) holding
 * unsorted entries; only the earliest bucket is sorted, when its turn
 * comes, and read from the front.  Entries beyond the last bucket wait in
 * an overflow list that is cut into new buckets when the present ones run
 * out; entries that arrive for the bucket being read go to a small 4-ary
 * heap beside it.  Any time may be pushed, also one earlier than the last
 * popped; the order is exact in every case.
 *
 * The queue does not know what events mean: an entry carries the owner's
 * kind and two operands.  Cancelling is left to the owner, which checks
 * its own state when an entry comes out (lazy removal).
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
};

/* Entries waiting in one bucket, in no particular order. */
struct kvpt_equeue_bucket {
	struct kvpt_equeue_entry *v;
	size_t n, cap;
};

/* Pushes are filed into buckets in batches of this many, which lets the
 * memory accesses of a batch overlap. */
#define KVPT_EQUEUE_STAGE 32

/* All fields are private; read the queue through the functions below. */
struct kvpt_equeue {
	size_t n;			/* entries queued, in all parts */
	uint64_t next_seq;		/* seq of the next push */

	/* The window being read: everything due before the start of
	 * buckets[cur].  run[run_head..run_n) is the drained bucket, sorted;
	 * near is a 4-ary heap of entries that arrived for the window. */
	struct kvpt_equeue_entry *run;
	size_t run_head, run_n, run_cap;
	struct kvpt_equeue_entry *near;
	size_t near_n, near_cap;

	/* buckets[i] holds entries due in
	 * [far_start + (i << shift), far_start + ((i + 1) << shift)). */
	struct kvpt_equeue_bucket *buckets;
	size_t nbuckets, cap_buckets, cur;
	kvpt_time far_start;
	int shift;

	/* Entries due after the last bucket, unsorted, in push order. */
	struct kvpt_equeue_entry *overflow;
	size_t overflow_n, overflow_cap;

	/* Pushes for buckets or overflow not yet filed. */
	struct kvpt_equeue_entry stage[KVPT_EQUEUE_STAGE];
	size_t stage_n;

	struct kvpt_equeue_entry *scratch;	/* for sorting a bucket */
	size_t scratch_cap;
};

void kvpt_equeue_init(struct kvpt_equeue *q);
/* Free every array; the queue may be reused after kvpt_equeue_init(). */
void kvpt_equeue_release(struct kvpt_equeue *q);
/* Make room for n entries pushed before the first pop, so that filling
 * the queue does not reallocate. */
void kvpt_equeue_reserve(struct kvpt_equeue *q, size_t n);
/* Drop every entry and keep the memory; seq numbering continues. */
void kvpt_equeue_clear(struct kvpt_equeue *q);

/* Queue an event due at t (any value but KVPT_TIME_NONE).  Returns its
 * seq. */
uint64_t kvpt_equeue_push(struct kvpt_equeue *q, kvpt_time t, int kind,
			  int a, int b);

/* Remove the earliest entry into *out.  Returns 0, or KVPT_ESTATE when the
 * queue is empty. */
int kvpt_equeue_pop(struct kvpt_equeue *q, struct kvpt_equeue_entry *out);

/* The earliest entry without removing it, or NULL when the queue is empty.
 * The pointer is valid until the next push or pop.  Not const: finding
 * the earliest entry may sort the next bucket. */
const struct kvpt_equeue_entry *kvpt_equeue_peek(struct kvpt_equeue *q);

/* The time of the earliest entry, or KVPT_TIME_NONE when empty. */
kvpt_time kvpt_equeue_next_time(struct kvpt_equeue *q);

/* The number of entries queued. */
static inline size_t kvpt_equeue_size(const struct kvpt_equeue *q)
{
	return q->n;
}

#endif
