/*
 * bench_equeue: the event queue alone under the classic hold model.  The
 * queue is filled with N pending events at random times; each step pops the
 * earliest event and pushes one at a random later time, so the queue size
 * stays N.  Prints pops+pushes per second on one core for several N (the
 * figure the engine's budget is set against is N = 1,000,000).
 *
 * usage: bench_equeue [PENDING [STEPS]]
 */
#include "engine/equeue.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* splitmix64: a small deterministic generator, so runs are comparable. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Mean time to the next event: one exercise day spread over the queue, in
 * ms, the scale the engine sees. */
#define SPREAD ((int64_t)24 * 3600 * 1000)

static void hold(size_t pending, size_t steps)
{
	struct kvpt_equeue q;
	struct kvpt_equeue_entry e;
	uint64_t rng = 42, check = 0;
	double t0, t1;
	size_t i;

	kvpt_equeue_init(&q);
	kvpt_equeue_reserve(&q, pending);
	for (i = 0; i < pending; i++)
		kvpt_equeue_push(&q, (kvpt_time)(rng_next(&rng) % SPREAD), 0,
				 (int)i, 0);

	/* Warm up: one pass over the queue, so that the timed part sees the
	 * steady state rather than the first sorting of the initial fill. */
	for (i = 0; i < pending; i++) {
		kvpt_equeue_pop(&q, &e);
		kvpt_equeue_push(&q, e.t + 1 +
				 (kvpt_time)(rng_next(&rng) % SPREAD),
				 e.kind, e.a, e.b);
	}

	t0 = now_s();
	for (i = 0; i < steps; i++) {
		kvpt_equeue_pop(&q, &e);
		check += (uint64_t)e.a;
		kvpt_equeue_push(&q, e.t + 1 +
				 (kvpt_time)(rng_next(&rng) % SPREAD),
				 e.kind, e.a, e.b);
	}
	t1 = now_s();

	printf("hold  pending=%-9zu steps=%-9zu %7.3f s  %8.2f M events/s"
	       "  (%.1f ns/event)  [check %llu]\n", pending, steps, t1 - t0,
	       (double)steps / (t1 - t0) / 1e6, (t1 - t0) * 1e9 /
	       (double)steps, (unsigned long long)(check & 0xffff));
	kvpt_equeue_release(&q);
}

int main(int argc, char **argv)
{
	size_t pending = 0, steps = 10000000;

	if (argc > 1)
		pending = (size_t)strtoull(argv[1], NULL, 10);
	if (argc > 2)
		steps = (size_t)strtoull(argv[2], NULL, 10);
	printf("bench_equeue: hold model, one event = one pop + one push\n");
	if (pending) {
		hold(pending, steps);
		return 0;
	}
	hold(1000, steps);
	hold(100000, steps);
	hold(1000000, steps);
	return 0;
}
