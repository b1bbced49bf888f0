/*
 * equeue: a two-level bucket queue of events keyed by (time, seq).  See
 * equeue.h for the layout.  The invariant that makes it exact: every entry
 * in run or near is due before every entry in buckets[cur..], and every
 * bucket entry is due before every overflow entry, so the earliest entry is
 * always the earlier of run's head and near's top, once the window is
 * refilled from the next non-empty bucket (or, when none is left, from the
 * overflow cut into fresh buckets).
 */
#include "equeue.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Entries per bucket aimed at when the overflow is cut into buckets. */
#define BUCKET_TARGET 16
/* A drained bucket array larger than this is freed, not recycled. */
#define BUCKET_KEEP_MAX (8 * BUCKET_TARGET)
/* Overflow times sampled to choose the bucket width. */
#define NSAMPLES 64
/* Entries filed per batch; see file_entries(). */
#define BATCH 16
/* Runs this short are sorted by insertion. */
#define SHORT_RUN 32

static inline int before(const struct kvpt_equeue_entry *x,
			 const struct kvpt_equeue_entry *y)
{
	return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

void kvpt_equeue_init(struct kvpt_equeue *q)
{
	memset(q, 0, sizeof(*q));
	q->far_start = INT64_MIN;
}

void kvpt_equeue_release(struct kvpt_equeue *q)
{
	size_t i;

	for (i = 0; i < q->cap_buckets; i++)
		free(q->buckets[i].v);
	free(q->buckets);
	free(q->run);
	free(q->near);
	free(q->overflow);
	free(q->scratch);
	kvpt_equeue_init(q);
}

void kvpt_equeue_reserve(struct kvpt_equeue *q, size_t n)
{
	XGROW(q->overflow, q->overflow_cap, n);
}

void kvpt_equeue_clear(struct kvpt_equeue *q)
{
	size_t i;

	for (i = 0; i < q->nbuckets; i++)
		q->buckets[i].n = 0;
	q->n = 0;
	q->run_head = q->run_n = 0;
	q->near_n = 0;
	q->overflow_n = 0;
	q->stage_n = 0;
}

/* The near heap. */

static void near_push(struct kvpt_equeue *q, const struct kvpt_equeue_entry *e)
{
	struct kvpt_equeue_entry *h;
	size_t i;

	XGROW(q->near, q->near_cap, q->near_n + 1);
	h = q->near;
	i = q->near_n++;
	while (i > 0) {
		size_t parent = (i - 1) / 4;

		if (!before(e, &h[parent]))
			break;
		h[i] = h[parent];
		i = parent;
	}
	h[i] = *e;
}

static void near_pop(struct kvpt_equeue *q, struct kvpt_equeue_entry *out)
{
	struct kvpt_equeue_entry *h = q->near;
	struct kvpt_equeue_entry last;
	size_t n, i;

	*out = h[0];
	n = --q->near_n;
	if (!n)
		return;
	last = h[n];
	i = 0;
	for (;;) {
		size_t c = 4 * i + 1;
		size_t best, k, end;

		if (c >= n)
			break;
		best = c;
		end = c + 4 < n ? c + 4 : n;
		for (k = c + 1; k < end; k++)
			if (before(&h[k], &h[best]))
				best = k;
		if (!before(&h[best], &last))
			break;
		h[i] = h[best];
		i = best;
	}
	h[i] = last;
}

/* Sorting a drained bucket: insertion sort for short runs, merge sort
 * above.  Keys are unique (seq), so stability does not matter. */

static void insertion_sort(struct kvpt_equeue_entry *v, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct kvpt_equeue_entry x = v[i];

		for (j = i; j > 0 && before(&x, &v[j - 1]); j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static void merge_sort(struct kvpt_equeue *q, struct kvpt_equeue_entry *v,
		       size_t n)
{
	size_t half = n / 2, i = 0, j = half, k = 0;
	struct kvpt_equeue_entry *left;

	if (n <= SHORT_RUN) {
		insertion_sort(v, n);
		return;
	}
	merge_sort(q, v, half);
	merge_sort(q, v + half, n - half);
	if (!before(&v[half], &v[half - 1]))
		return;
	XGROW(q->scratch, q->scratch_cap, half);
	left = q->scratch;
	memcpy(left, v, half * sizeof(*v));
	while (i < half && j < n) {
		if (before(&v[j], &left[i]))
			v[k++] = v[j++];
		else
			v[k++] = left[i++];
	}
	while (i < half)
		v[k++] = left[i++];
}

/* Filing entries into buckets. */

static inline uint64_t bucket_of(const struct kvpt_equeue *q, kvpt_time t)
{
	return ((uint64_t)t - (uint64_t)q->far_start) >> q->shift;
}

static inline void bucket_add(struct kvpt_equeue_bucket *b,
			      const struct kvpt_equeue_entry *e)
{
	if (b->n == b->cap)
		XGROW(b->v, b->cap, b->n + 1);
	b->v[b->n++] = *e;
}

/*
 * File v[0..n) (all due at or after buckets[cur]) into their buckets.
 * Entries beyond the last bucket are appended to the overflow, or, when
 * keep is not NULL, compacted to keep[0..*nkeep) (keep may be v itself:
 * it never overtakes the reading position).  Bucket arrays are scattered
 * in memory, so each batch first prefetches the bucket headers, then the
 * slots the entries go to, and only then writes: the cache misses of a
 * batch overlap instead of following one another.
 */
static void file_entries(struct kvpt_equeue *q,
			 const struct kvpt_equeue_entry *v, size_t n,
			 struct kvpt_equeue_entry *keep, size_t *nkeep)
{
	uint64_t idx[BATCH];
	size_t i, j, m;

	for (i = 0; i < n; i += m) {
		m = n - i < BATCH ? n - i : BATCH;
		for (j = 0; j < m; j++) {
			idx[j] = bucket_of(q, v[i + j].t);
			if (idx[j] < q->nbuckets)
				__builtin_prefetch(&q->buckets[idx[j]]);
		}
		for (j = 0; j < m; j++) {
			const struct kvpt_equeue_bucket *b;

			if (idx[j] >= q->nbuckets)
				continue;
			b = &q->buckets[idx[j]];
			__builtin_prefetch(b->v + b->n, 1);
		}
		for (j = 0; j < m; j++) {
			const struct kvpt_equeue_entry *e = &v[i + j];

			if (idx[j] < q->nbuckets) {
				bucket_add(&q->buckets[idx[j]], e);
			} else if (keep) {
				keep[(*nkeep)++] = *e;
			} else {
				XGROW(q->overflow, q->overflow_cap,
				      q->overflow_n + 1);
				q->overflow[q->overflow_n++] = *e;
			}
		}
	}
}

static void flush_stage(struct kvpt_equeue *q)
{
	file_entries(q, q->stage, q->stage_n, NULL, NULL);
	q->stage_n = 0;
}

uint64_t kvpt_equeue_push(struct kvpt_equeue *q, kvpt_time t, int kind,
			  int a, int b)
{
	struct kvpt_equeue_entry e;

	e.t = t;
	e.seq = q->next_seq++;
	e.kind = kind;
	e.a = a;
	e.b = b;
	q->n++;
	if (t < q->far_start || bucket_of(q, t) < q->cur) {
		near_push(q, &e);
	} else {
		if (q->stage_n == KVPT_EQUEUE_STAGE)
			flush_stage(q);
		q->stage[q->stage_n++] = e;
	}
	return e.seq;
}

/* Refilling the window. */

static int cmp_time(const void *x, const void *y)
{
	kvpt_time a = *(const kvpt_time *)x, b = *(const kvpt_time *)y;

	return a < b ? -1 : a > b;
}

/*
 * Cut the overflow (all buckets being empty) into fresh buckets.  They
 * start at the earliest overflow time and reach a high percentile of a
 * sample of the times, so a few far outliers do not stretch every bucket;
 * the width is the power of two that gives about BUCKET_TARGET entries
 * per bucket.  The earliest entry always lands in bucket 0.
 */
static void rebuild(struct kvpt_equeue *q)
{
	kvpt_time sample[NSAMPLES];
	size_t n = q->overflow_n, step = n / NSAMPLES + 1, ns = 0;
	size_t want, nb, i, kept = 0;
	kvpt_time lo = INT64_MAX, hi;
	uint64_t span;
	int shift = 0;

	for (i = 0; i < n; i++)
		if (q->overflow[i].t < lo)
			lo = q->overflow[i].t;
	for (i = 0; i < n && ns < NSAMPLES; i += step)
		sample[ns++] = q->overflow[i].t;
	qsort(sample, ns, sizeof(sample[0]), cmp_time);
	hi = sample[ns - 1 - ns / 16];
	if (hi < lo)
		hi = lo;

	want = n / BUCKET_TARGET;
	if (want < 1)
		want = 1;
	span = (uint64_t)hi - (uint64_t)lo;
	while (shift < 63 && (span >> shift) >= want)
		shift++;
	nb = (size_t)(span >> shift) + 1;
	if (nb > q->cap_buckets) {
		size_t old = q->cap_buckets;

		XGROW(q->buckets, q->cap_buckets, nb);
		memset(q->buckets + old, 0,
		       (q->cap_buckets - old) * sizeof(*q->buckets));
	}
	q->nbuckets = nb;
	q->shift = shift;
	q->far_start = lo;
	q->cur = 0;
	file_entries(q, q->overflow, n, q->overflow, &kept);
	q->overflow_n = kept;
}

/*
 * Make run or near non-empty if any entry is queued.  Returns 0 when the
 * queue is empty.  The drained bucket's array becomes the run and the old
 * run array goes back to the bucket, so nothing is copied.
 */
static int refill(struct kvpt_equeue *q)
{
	if (q->run_head < q->run_n || q->near_n)
		return 1;
	flush_stage(q);
	for (;;) {
		struct kvpt_equeue_bucket *b;
		struct kvpt_equeue_entry *old = q->run;
		size_t old_cap = q->run_cap;

		while (q->cur < q->nbuckets && !q->buckets[q->cur].n)
			q->cur++;
		if (q->cur == q->nbuckets) {
			if (!q->overflow_n)
				return 0;
			rebuild(q);
			continue;
		}
		b = &q->buckets[q->cur++];
		q->run = b->v;
		q->run_cap = b->cap;
		q->run_n = b->n;
		q->run_head = 0;
		if (old_cap > BUCKET_KEEP_MAX) {
			free(old);
			old = NULL;
			old_cap = 0;
		}
		b->v = old;
		b->cap = old_cap;
		b->n = 0;
		merge_sort(q, q->run, q->run_n);
		return 1;
	}
}

/* Whether the earliest entry is the run's head (else near's top). */
static inline int run_first(const struct kvpt_equeue *q)
{
	return q->run_head < q->run_n &&
	       (!q->near_n || before(&q->run[q->run_head], &q->near[0]));
}

int kvpt_equeue_pop(struct kvpt_equeue *q, struct kvpt_equeue_entry *out)
{
	if (!refill(q))
		return KVPT_ESTATE;
	if (run_first(q))
		*out = q->run[q->run_head++];
	else
		near_pop(q, out);
	q->n--;
	return 0;
}

const struct kvpt_equeue_entry *kvpt_equeue_peek(struct kvpt_equeue *q)
{
	if (!refill(q))
		return NULL;
	return run_first(q) ? &q->run[q->run_head] : &q->near[0];
}

kvpt_time kvpt_equeue_next_time(struct kvpt_equeue *q)
{
	const struct kvpt_equeue_entry *e = kvpt_equeue_peek(q);

	return e ? e->t : KVPT_TIME_NONE;
}
