/*
 * test_equeue: the event queue pops in (time, insertion) order whatever the
 * pattern of pushes — equal times in insertion order, growth far past the
 * initial size, times earlier than the last popped, far outliers, huge and
 * negative times — checked against a plain sorted reference.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "base/xalloc.h"
#include "engine/equeue.h"

/* The reference: a textbook binary heap on (t, seq). */
struct ref {
	struct kvpt_equeue_entry *v;
	size_t n, cap;
};

static int ref_less(const struct kvpt_equeue_entry *x,
		    const struct kvpt_equeue_entry *y)
{
	return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

static void ref_swap(struct ref *r, size_t i, size_t j)
{
	struct kvpt_equeue_entry tmp = r->v[i];

	r->v[i] = r->v[j];
	r->v[j] = tmp;
}

static void ref_push(struct ref *r, kvpt_time t, uint64_t seq, int a)
{
	size_t i = r->n++;

	XGROW(r->v, r->cap, r->n);
	r->v[i].t = t;
	r->v[i].seq = seq;
	r->v[i].a = a;
	while (i > 0 && ref_less(&r->v[i], &r->v[(i - 1) / 2])) {
		ref_swap(r, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static struct kvpt_equeue_entry ref_pop(struct ref *r)
{
	struct kvpt_equeue_entry top = r->v[0];
	size_t i = 0;

	r->v[0] = r->v[--r->n];
	for (;;) {
		size_t l = 2 * i + 1, m = i;

		if (l < r->n && ref_less(&r->v[l], &r->v[m]))
			m = l;
		if (l + 1 < r->n && ref_less(&r->v[l + 1], &r->v[m]))
			m = l + 1;
		if (m == i)
			break;
		ref_swap(r, i, m);
		i = m;
	}
	return top;
}

static uint64_t rng(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void test_empty(void **state)
{
	struct kvpt_equeue q;
	struct kvpt_equeue_entry e;

	kvpt_equeue_init(&q);
	assert_int_equal(kvpt_equeue_pop(&q, &e), KVPT_ESTATE);
	assert_null(kvpt_equeue_peek(&q));
	assert_true(kvpt_equeue_next_time(&q) == KVPT_TIME_NONE);
	assert_int_equal(kvpt_equeue_size(&q), 0);
	kvpt_equeue_release(&q);
}

static void test_order_and_payload(void **state)
{
	static const kvpt_time times[] = { 50, 10, 30, 10, 20, 50, 10, 40 };
	static const int want[] = { 1, 3, 6, 4, 2, 7, 0, 5 };
	struct kvpt_equeue q;
	struct kvpt_equeue_entry e;
	size_t i;

	kvpt_equeue_init(&q);
	for (i = 0; i < 8; i++)
		assert_true(kvpt_equeue_push(&q, times[i], (int)i % 3, (int)i,
					     -(int)i) == i);
	assert_int_equal(kvpt_equeue_size(&q), 8);
	assert_true(kvpt_equeue_next_time(&q) == 10);
	assert_int_equal(kvpt_equeue_peek(&q)->a, 1);
	for (i = 0; i < 8; i++) {
		assert_int_equal(kvpt_equeue_pop(&q, &e), 0);
		assert_int_equal(e.a, want[i]);
		assert_int_equal(e.b, -want[i]);
		assert_int_equal(e.kind, want[i] % 3);
		assert_true(e.t == times[want[i]]);
	}
	assert_int_equal(kvpt_equeue_pop(&q, &e), KVPT_ESTATE);
	kvpt_equeue_release(&q);
}

/* Equal times come out in insertion order, also when pushed while the
 * queue is being drained. */
static void test_equal_times_stable(void **state)
{
	struct kvpt_equeue q;
	struct kvpt_equeue_entry e;
	int i, next = 0;

	kvpt_equeue_init(&q);
	for (i = 0; i < 5000; i++)
		kvpt_equeue_push(&q, 7 * KVPT_MS_HOUR, 0, i, 0);
	for (i = 0; i < 2500; i++) {
		assert_int_equal(kvpt_equeue_pop(&q, &e), 0);
		assert_int_equal(e.a, next++);
	}
	/* More at the same moment join the end of the line. */
	for (i = 5000; i < 6000; i++)
		kvpt_equeue_push(&q, 7 * KVPT_MS_HOUR, 0, i, 0);
	while (!kvpt_equeue_pop(&q, &e))
		assert_int_equal(e.a, next++);
	assert_int_equal(next, 6000);
	kvpt_equeue_release(&q);
}

/* Random operations of several shapes against the reference. */
static void check_random(uint64_t seed, int ops, kvpt_time spread,
			 int outliers, int backwards)
{
	struct kvpt_equeue q;
	struct ref r = { NULL, 0, 0 };
	struct kvpt_equeue_entry got, want;
	kvpt_time now = 0;
	uint64_t s = seed;
	int i;

	kvpt_equeue_init(&q);
	for (i = 0; i < ops; i++) {
		uint64_t x = rng(&s);

		if (x % 100 < 55 || !r.n) {
			kvpt_time t = now +
				      (kvpt_time)(rng(&s) % (uint64_t)spread);
			uint64_t seq;

			if (outliers && x % 97 == 0)
				t = now + (kvpt_time)(rng(&s) % 1000) *
					  KVPT_MS_DAY;
			if (backwards && x % 13 == 0)
				t = now - (kvpt_time)(rng(&s) % 1000);
			seq = kvpt_equeue_push(&q, t, 1, i, 0);
			ref_push(&r, t, seq, i);
		} else {
			want = ref_pop(&r);
			if (x % 7 == 0) {
				const struct kvpt_equeue_entry *p =
					kvpt_equeue_peek(&q);

				assert_non_null(p);
				assert_int_equal(p->a, want.a);
			}
			assert_int_equal(kvpt_equeue_pop(&q, &got), 0);
			assert_true(got.t == want.t);
			assert_true(got.seq == want.seq);
			assert_int_equal(got.a, want.a);
			now = got.t;
		}
		assert_int_equal(kvpt_equeue_size(&q), r.n);
	}
	while (r.n) {
		want = ref_pop(&r);
		assert_int_equal(kvpt_equeue_pop(&q, &got), 0);
		assert_true(got.seq == want.seq);
	}
	assert_int_equal(kvpt_equeue_pop(&q, &got), KVPT_ESTATE);
	kvpt_equeue_release(&q);
	free(r.v);
}

static void test_random_spread(void **state)
{
	check_random(1, 200000, KVPT_MS_HOUR, 0, 0);
}

static void test_random_ties(void **state)
{
	/* Few distinct times: ties everywhere. */
	check_random(2, 200000, 4, 0, 0);
}

static void test_random_outliers(void **state)
{
	check_random(3, 100000, KVPT_MS_MIN, 1, 0);
}

static void test_random_backwards(void **state)
{
	/* Pushes earlier than the last popped still come out first. */
	check_random(4, 100000, 10 * KVPT_MS_MIN, 0, 1);
}

/* Growth from nothing to a large queue and back, then reuse after clear. */
static void test_grow_and_clear(void **state)
{
	struct kvpt_equeue q;
	struct kvpt_equeue_entry e;
	uint64_t s = 5;
	kvpt_time last = INT64_MIN;
	int i, n = 300000;

	kvpt_equeue_init(&q);
	for (i = 0; i < n; i++)
		kvpt_equeue_push(&q, (kvpt_time)(rng(&s) % 1000000000), 0, i,
				 0);
	assert_int_equal(kvpt_equeue_size(&q), n);
	for (i = 0; i < n; i++) {
		assert_int_equal(kvpt_equeue_pop(&q, &e), 0);
		assert_true(e.t >= last);
		last = e.t;
	}
	for (i = 0; i < 1000; i++)
		kvpt_equeue_push(&q, i, 0, i, 0);
	kvpt_equeue_clear(&q);
	assert_int_equal(kvpt_equeue_size(&q), 0);
	assert_int_equal(kvpt_equeue_pop(&q, &e), KVPT_ESTATE);
	kvpt_equeue_push(&q, 3, 0, 42, 0);
	assert_int_equal(kvpt_equeue_pop(&q, &e), 0);
	assert_int_equal(e.a, 42);
	kvpt_equeue_release(&q);
}

/* The whole range of times, including both extremes. */
static void test_extreme_times(void **state)
{
	static const kvpt_time times[] = {
		INT64_MAX, INT64_MIN + 1, 0, -1, 1, INT64_MAX - 1,
		-3 * KVPT_MS_DAY, INT64_MIN + 2, INT64_MAX,
	};
	struct kvpt_equeue q;
	struct kvpt_equeue_entry e;
	kvpt_time last = INT64_MIN;
	size_t i, n = sizeof(times) / sizeof(times[0]);

	kvpt_equeue_init(&q);
	for (i = 0; i < n; i++)
		kvpt_equeue_push(&q, times[i], 0, (int)i, 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(kvpt_equeue_pop(&q, &e), 0);
		assert_true(e.t >= last);
		last = e.t;
		/* Interleave pushes once the window has moved. */
		if (i == 2)
			kvpt_equeue_push(&q, 5, 0, 100, 0);
	}
	assert_int_equal(kvpt_equeue_pop(&q, &e), 0);
	assert_true(e.t == INT64_MAX);
	assert_int_equal(kvpt_equeue_pop(&q, &e), KVPT_ESTATE);
	kvpt_equeue_release(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_order_and_payload),
		cmocka_unit_test(test_equal_times_stable),
		cmocka_unit_test(test_random_spread),
		cmocka_unit_test(test_random_ties),
		cmocka_unit_test(test_random_outliers),
		cmocka_unit_test(test_random_backwards),
		cmocka_unit_test(test_grow_and_clear),
		cmocka_unit_test(test_extreme_times),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
