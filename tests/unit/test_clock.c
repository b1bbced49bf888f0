/*
 * test_clock: the exercise clock maps source time to exercise time through
 * its anchor — start, pause, resume, speed and jump — with integer
 * arithmetic, so runs are reproducible.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/clock.h"

#define H KVPT_MS_HOUR
#define MIN KVPT_MS_MIN

static void test_not_started(void **state)
{
	struct kvpt_clock c;

	kvpt_clock_init(&c);
	assert_true(kvpt_clock_now(&c, 1000) == KVPT_TIME_NONE);
	assert_int_equal(kvpt_clock_pause(&c, 0), KVPT_ESTATE);
	assert_int_equal(kvpt_clock_resume(&c, 0), KVPT_ESTATE);
	assert_int_equal(kvpt_clock_jump(&c, 0, 0), KVPT_ESTATE);
}

static void test_real_time(void **state)
{
	struct kvpt_clock c;

	kvpt_clock_init(&c);
	assert_int_equal(kvpt_clock_start(&c, 7 * H, 50000), 0);
	assert_int_equal(kvpt_clock_start(&c, 7 * H, 50000), KVPT_ESTATE);
	assert_true(kvpt_clock_now(&c, 50000) == 7 * H);
	assert_true(kvpt_clock_now(&c, 50000 + 90 * MIN) == 7 * H + 90 * MIN);
	/* A source reading before the anchor does not turn time back. */
	assert_true(kvpt_clock_now(&c, 10) == 7 * H);
}

static void test_pause_resume(void **state)
{
	struct kvpt_clock c;

	kvpt_clock_init(&c);
	kvpt_clock_start(&c, 0, 0);
	assert_int_equal(kvpt_clock_pause(&c, 10 * MIN), 0);
	assert_int_equal(kvpt_clock_pause(&c, 11 * MIN), KVPT_ESTATE);
	/* Paused: time stands still however long the break. */
	assert_true(kvpt_clock_now(&c, 3 * H) == 10 * MIN);
	assert_int_equal(kvpt_clock_resume(&c, 3 * H), 0);
	assert_int_equal(kvpt_clock_resume(&c, 3 * H), KVPT_ESTATE);
	assert_true(kvpt_clock_now(&c, 3 * H + 5 * MIN) == 15 * MIN);
}

static void test_speed(void **state)
{
	struct kvpt_clock c;

	kvpt_clock_init(&c);
	assert_int_equal(kvpt_clock_set_speed(&c, 0, 0), KVPT_EINVAL);
	assert_int_equal(kvpt_clock_set_speed(&c, -1000, 0), KVPT_EINVAL);
	assert_int_equal(kvpt_clock_set_speed(&c, KVPT_CLOCK_SPEED_MAX + 1, 0),
			 KVPT_EINVAL);
	/* A minute per second. */
	assert_int_equal(kvpt_clock_set_speed(&c, 60000, 0), 0);
	kvpt_clock_start(&c, 8 * H, 1000);
	assert_true(kvpt_clock_now(&c, 2000) == 8 * H + MIN);
	/* Changing speed keeps the time reached. */
	assert_int_equal(kvpt_clock_set_speed(&c, 1000, 61000), 0);
	assert_true(kvpt_clock_now(&c, 61000) == 9 * H);
	assert_true(kvpt_clock_now(&c, 62000) == 9 * H + 1000);
	/* Half speed rounds down to whole ms. */
	kvpt_clock_set_speed(&c, 500, 62000);
	assert_true(kvpt_clock_now(&c, 62003) == 9 * H + 1001);
	/* Speed while paused applies on resume. */
	kvpt_clock_pause(&c, 64000);
	kvpt_clock_set_speed(&c, 2000, 70000);
	assert_true(kvpt_clock_now(&c, 80000) == 9 * H + 2000);
	kvpt_clock_resume(&c, 80000);
	assert_true(kvpt_clock_now(&c, 81000) == 9 * H + 4000);
}

static void test_jump(void **state)
{
	struct kvpt_clock c;

	kvpt_clock_init(&c);
	kvpt_clock_start(&c, 17 * H, 0);
	/* Skip the night. */
	assert_int_equal(kvpt_clock_jump(&c, KVPT_MS_DAY + 7 * H, 100), 0);
	assert_true(kvpt_clock_now(&c, 100) == KVPT_MS_DAY + 7 * H);
	assert_true(kvpt_clock_now(&c, 1100) == KVPT_MS_DAY + 7 * H + 1000);
	/* A jump while paused stays paused. */
	kvpt_clock_pause(&c, 1100);
	kvpt_clock_jump(&c, 2 * KVPT_MS_DAY, 5000);
	assert_true(kvpt_clock_now(&c, 9000) == 2 * KVPT_MS_DAY);
}

static void test_deterministic(void **state)
{
	struct kvpt_clock a, b;
	int64_t src;

	/* The same calls give the same readings, with no system clock. */
	kvpt_clock_init(&a);
	kvpt_clock_init(&b);
	kvpt_clock_set_speed(&a, 7333, 0);
	kvpt_clock_set_speed(&b, 7333, 0);
	kvpt_clock_start(&a, -3 * KVPT_MS_DAY, 123);
	kvpt_clock_start(&b, -3 * KVPT_MS_DAY, 123);
	for (src = 123; src < 10000000; src += 99991)
		assert_true(kvpt_clock_now(&a, src) == kvpt_clock_now(&b, src));
	/* Long runs at high speed do not overflow. */
	kvpt_clock_set_speed(&a, KVPT_CLOCK_SPEED_MAX, 123);
	assert_true(kvpt_clock_now(&a, 123 + 365 * KVPT_MS_DAY) >
		    kvpt_clock_now(&a, 123 + 364 * KVPT_MS_DAY));
}

static void test_src_at(void **state)
{
	struct kvpt_clock c;
	static const int64_t speeds[] = { 1, 999, 1000, 1001, 60000, 7333,
					  KVPT_CLOCK_SPEED_MAX };
	size_t k;
	kvpt_time t;

	/* A server sleeps until the first source time that reads t: never
	 * while not started or paused, and never a millisecond early. */
	kvpt_clock_init(&c);
	assert_true(kvpt_clock_src_at(&c, 0) == INT64_MAX);
	kvpt_clock_start(&c, 1000, 5000);
	assert_true(kvpt_clock_src_at(&c, 500) == 5000);
	for (k = 0; k < sizeof(speeds) / sizeof(speeds[0]); k++) {
		kvpt_clock_set_speed(&c, speeds[k], 5000);
		for (t = 1001; t < 1000 + 3 * KVPT_MS_DAY; t += 86399999) {
			int64_t src = kvpt_clock_src_at(&c, t);

			assert_true(kvpt_clock_now(&c, src) >= t);
			assert_true(src == 5000 ||
				    kvpt_clock_now(&c, src - 1) < t);
		}
	}
	kvpt_clock_pause(&c, 6000);
	assert_true(kvpt_clock_src_at(&c, kvpt_clock_now(&c, 6000) + 1) ==
		    INT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_started),
		cmocka_unit_test(test_real_time),
		cmocka_unit_test(test_pause_resume),
		cmocka_unit_test(test_speed),
		cmocka_unit_test(test_jump),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_src_at),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
