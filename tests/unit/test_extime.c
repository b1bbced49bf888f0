/*
 * test_extime: exercise times and durations as planners write them.  Day-N
 * times (`N 07:30`, `N+1 14:00`, `N-3`) and their refusals with a reason;
 * absolute ISO 8601 times with an offset, in UTC or in the plan's zone,
 * impossible dates, and their conversion to exercise time against the
 * plan's timebase; durations in English and Vietnamese units; formatting
 * that reads back to the same value, negative times included; and the
 * civil-date arithmetic all of it rests on, around leap years and 1970.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/buf.h"
#include "model/extime.h"
#include "plan/plan.h"

#define MIN KVPT_MS_MIN
#define HOUR KVPT_MS_HOUR
#define DAY KVPT_MS_DAY

/* Exercise time N+d hh:mm:ss. */
#define T(d, h, m, s) ((kvpt_time)(d) * DAY + (kvpt_time)(h) * HOUR + \
		       (kvpt_time)(m) * MIN + (kvpt_time)(s) * 1000)

#define CLEAN_PLAN KVPT_SOURCE_DIR "/tests/check/clean.yaml"

/* Day N on 2025-09-10 in Vietnam (UTC+7), as in tests/check/clean.yaml. */
static struct kvpt_timebase vn_timebase(void)
{
	struct kvpt_timebase tb;

	tb.n_epoch_ms = kvpt_days_from_civil(2025, 9, 10) * DAY - 7 * HOUR;
	tb.tz_offset_min = 7 * 60;
	tb.valid = 1;
	return tb;
}

static kvpt_time time_ok(const char *s, const struct kvpt_timebase *tb)
{
	kvpt_time t = KVPT_TIME_NONE;
	const char *why = NULL;
	int err = kvpt_time_parse(s, tb, &t, &why);

	if (err)
		print_error("'%s' refused: %s\n", s, why ? why : "(no reason)");
	assert_int_equal(err, 0);
	return t;
}

/* Parse s expecting a refusal; the reason must name what is wrong. */
static void time_bad(const char *s, const struct kvpt_timebase *tb,
		     const char *why_has)
{
	kvpt_time t = 0;
	const char *why = NULL;
	int err = kvpt_time_parse(s, tb, &t, &why);

	if (!err)
		print_error("'%s' accepted as %lld ms\n", s, (long long)t);
	assert_int_equal(err, KVPT_EINVAL);
	assert_non_null(why);
	assert_true(strlen(why) > 10);
	if (why_has && !strstr(why, why_has))
		print_error("'%s': reason '%s' lacks '%s'\n", s, why, why_has);
	if (why_has)
		assert_non_null(strstr(why, why_has));
}

static int64_t duration_ok(const char *s)
{
	int64_t d = -1;
	const char *why = NULL;
	int err = kvpt_duration_parse(s, &d, &why);

	if (err)
		print_error("'%s' refused: %s\n", s, why ? why : "(no reason)");
	assert_int_equal(err, 0);
	return d;
}

static void duration_bad(const char *s, const char *why_has)
{
	int64_t d = 0;
	const char *why = NULL;
	int err = kvpt_duration_parse(s, &d, &why);

	if (!err)
		print_error("'%s' accepted as %lld ms\n", s, (long long)d);
	assert_int_equal(err, KVPT_EINVAL);
	assert_non_null(why);
	assert_true(strlen(why) > 5);
	if (why_has)
		assert_non_null(strstr(why, why_has));
}

static void test_day_n_times(void **state)
{
	assert_true(time_ok("N 07:30", NULL) == T(0, 7, 30, 0));
	assert_true(time_ok("N+1 14:00", NULL) == T(1, 14, 0, 0));
	assert_true(time_ok("N-3", NULL) == T(-3, 0, 0, 0));
	assert_true(time_ok("N-1 23:30", NULL) == T(-1, 23, 30, 0));
	assert_true(time_ok("N + 2 07:30:15", NULL) == T(2, 7, 30, 15));
	assert_true(time_ok("N", NULL) == 0);
	assert_true(time_ok("N+1", NULL) == DAY);
	assert_true(time_ok("  N 7:05  ", NULL) == T(0, 7, 5, 0));
	/* 24:00 is the end of the day, the next day's 00:00. */
	assert_true(time_ok("N 24:00", NULL) == T(1, 0, 0, 0));
	/* Lower case n as typed in a hurry. */
	assert_true(time_ok("n+1 14:00", NULL) == T(1, 14, 0, 0));
	assert_true(time_ok("n-2", NULL) == T(-2, 0, 0, 0));
	/* The far edge of the planning window is still a time. */
	assert_true(time_ok("N+3660", NULL) == T(3660, 0, 0, 0));
	assert_true(time_ok("N-3660", NULL) == T(-3660, 0, 0, 0));
}

static void test_day_n_refused(void **state)
{
	time_bad("N+", NULL, "number of days");
	time_bad("N-", NULL, "number of days");
	time_bad("N 25:00", NULL, "out of range");
	time_bad("N 24:01", NULL, "out of range");
	time_bad("N 07:60", NULL, "out of range");
	time_bad("N 07:30:60", NULL, "out of range");
	time_bad("N 07:5", NULL, "minutes");
	time_bad("N 07:30:5", NULL, "seconds");
	time_bad("N 0730", NULL, NULL);
	time_bad("N 07:30 sáng", NULL, "unexpected text");
	time_bad("X", NULL, "expected an exercise time");
	time_bad("", NULL, "expected an exercise time");
	time_bad("   ", NULL, NULL);
	time_bad("D+1 07:00", NULL, NULL);
	time_bad("N+99999", NULL, "absurd");
	time_bad("N-99999", NULL, "absurd");
	time_bad("N+3661", NULL, "absurd");
}

static void test_iso_times(void **state)
{
	struct kvpt_timebase tb = vn_timebase();

	/* With an offset, in UTC, or in the plan's zone when it has none. */
	assert_true(time_ok("2025-09-10T07:30:00+07:00", &tb) ==
		    T(0, 7, 30, 0));
	assert_true(time_ok("2025-09-10T00:30:00Z", &tb) == T(0, 7, 30, 0));
	assert_true(time_ok("2025-09-10T07:30", &tb) == T(0, 7, 30, 0));
	assert_true(time_ok("2025-09-10 07:30:15", &tb) == T(0, 7, 30, 15));
	assert_true(time_ok("2025-09-10T07:30:00+0700", &tb) ==
		    T(0, 7, 30, 0));
	assert_true(time_ok("2025-09-09T20:30:00-05:00", &tb) ==
		    T(0, 8, 30, 0));
	assert_true(time_ok("2025-09-10T07:30:00.000+07:00", &tb) ==
		    T(0, 7, 30, 0));
	/* A bare date is its local midnight. */
	assert_true(time_ok("2025-09-11", &tb) == T(1, 0, 0, 0));
	/* Before day N: preparation. */
	assert_true(time_ok("2025-09-09T23:00:00+07:00", &tb) ==
		    T(-1, 23, 0, 0));
	assert_true(time_ok("2025-09-07", &tb) == T(-3, 0, 0, 0));

	/* No timebase: an absolute time cannot be placed. */
	time_bad("2025-09-10T07:30:00+07:00", NULL, "exercise.start");
	tb.valid = 0;
	time_bad("2025-09-10T07:30:00+07:00", &tb, "exercise.start");
	tb = vn_timebase();

	/* Impossible dates and malformed times. */
	time_bad("2023-02-29T07:00:00+07:00", &tb, "no such date");
	time_bad("2024-13-01", &tb, "no such date");
	time_bad("2024-00-10", &tb, "no such date");
	time_bad("2024-04-31", &tb, "no such date");
	time_bad("2025-09-10T25:00", &tb, "out of range");
	time_bad("2025-09-10T07:30+15:00", &tb, "offset");
	time_bad("2025-09-10T07:30:00+07:00 sáng", &tb, "unexpected text");
	time_bad("25-09-10", &tb, "YYYY-MM-DD");
	/* Ten years away from day N. */
	time_bad("2199-01-01T00:00:00Z", &tb, "absurd");
}

static void test_iso_parse(void **state)
{
	int64_t epoch = 0, day = 0;
	int off = 0;
	const char *why = NULL;

	assert_int_equal(kvpt_iso_parse("2024-02-29T12:00:00Z", 420, &epoch,
					&off, &day, &why), 0);
	assert_true(epoch == 19782 * DAY + 12 * HOUR);
	assert_int_equal(off, 0);
	assert_true(day == 19782);

	/* The local day, not the UTC day, of a time west of Greenwich. */
	assert_int_equal(kvpt_iso_parse("2024-02-29T23:30:00-05:00", 420,
					&epoch, &off, &day, &why), 0);
	assert_true(epoch == 19783 * DAY + 4 * HOUR + 30 * MIN);
	assert_int_equal(off, -300);
	assert_true(day == 19782);

	/* Without an offset the default applies; 24:00 is the next day. */
	assert_int_equal(kvpt_iso_parse("2024-02-29T24:00", 420, &epoch, &off,
					&day, &why), 0);
	assert_int_equal(off, 420);
	assert_true(epoch == 19783 * DAY - 7 * HOUR);
	assert_true(day == 19783);

	assert_int_equal(kvpt_iso_parse("1970-01-01", 420, &epoch, NULL, NULL,
					&why), 0);
	assert_true(epoch == -7 * HOUR);

	/* Leap years: every fourth, not centuries, but every fourth
	 * century. */
	assert_int_equal(kvpt_iso_parse("2000-02-29", 0, &epoch, NULL, NULL,
					&why), 0);
	assert_true(epoch == 11016 * DAY);
	assert_int_equal(kvpt_iso_parse("2024-02-29", 0, &epoch, NULL, NULL,
					&why), 0);
	why = NULL;
	assert_int_equal(kvpt_iso_parse("2023-02-29", 0, &epoch, NULL, NULL,
					&why), KVPT_EINVAL);
	assert_non_null(why);
	why = NULL;
	assert_int_equal(kvpt_iso_parse("1900-02-29", 0, &epoch, NULL, NULL,
					&why), KVPT_EINVAL);
	assert_non_null(why);
	why = NULL;
	assert_int_equal(kvpt_iso_parse("2024-13-01", 0, &epoch, NULL, NULL,
					&why), KVPT_EINVAL);
	assert_non_null(why);
	why = NULL;
	assert_int_equal(kvpt_iso_parse("1899-12-31", 0, &epoch, NULL, NULL,
					&why), KVPT_EINVAL);
	assert_non_null(why);
}

static void test_plan_timebase(void **state)
{
	struct kvpt_diags diags;
	struct kvpt_plan *plan = NULL;
	struct kvpt_timebase tb, want = vn_timebase();
	char buf[64];

	kvpt_diags_init(&diags);
	assert_int_equal(kvpt_plan_load_file(CLEAN_PLAN, NULL, &plan, &diags),
			 0);
	assert_non_null(plan);
	tb = kvpt_plan_timebase(plan);
	assert_true(tb.valid);
	assert_int_equal(tb.tz_offset_min, 420);
	assert_true(tb.n_epoch_ms == want.n_epoch_ms);
	/* 2025-09-10 00:00 +07:00 is 2025-09-09 17:00 UTC. */
	assert_true(tb.n_epoch_ms == 1757437200000LL);
	assert_true(plan->ex.start == T(0, 7, 0, 0));
	kvpt_time_format_iso(plan->ex.start, &tb, buf, sizeof(buf));
	assert_string_equal(buf, "2025-09-10T07:00:00+07:00");
	kvpt_plan_free(plan);
	kvpt_diags_release(&diags);
}

static void test_durations(void **state)
{
	assert_true(duration_ok("90m") == 90 * MIN);
	assert_true(duration_ok("1h30m") == 90 * MIN);
	assert_true(duration_ok("1h 30m") == 90 * MIN);
	assert_true(duration_ok("2d") == 2 * DAY);
	assert_true(duration_ok("45s") == 45 * 1000);
	assert_true(duration_ok("0m") == 0);
	assert_true(duration_ok("30 min") == 30 * MIN);
	assert_true(duration_ok("3 hours") == 3 * HOUR);
	assert_true(duration_ok("1 day") == DAY);
	assert_true(duration_ok("2 days") == 2 * DAY);
	assert_true(duration_ok("2 giờ 30 phút") == 150 * MIN);
	assert_true(duration_ok("1 ngày") == DAY);
	assert_true(duration_ok("1 ngày 2 giờ") == DAY + 2 * HOUR);
	assert_true(duration_ok("10 giây") == 10 * 1000);
	assert_true(duration_ok("3660d") == 3660 * DAY);

	duration_bad("90", "unit");
	duration_bad("1h30", "unit");
	duration_bad("5 tuần", "unit");
	duration_bad("", "empty");
	duration_bad("   ", "empty");
	duration_bad("h", NULL);
	duration_bad("-5m", NULL);
	duration_bad("3661d", "absurd");
	duration_bad("9999999d", "absurd");
	duration_bad("3000d 3000d", "absurd");
}

static void format_is(kvpt_time t, const char *want)
{
	char buf[64];

	kvpt_time_format(t, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_time_format(void **state)
{
	format_is(T(0, 7, 30, 0), "N 07:30");
	format_is(T(1, 14, 0, 0), "N+1 14:00");
	format_is(T(-3, 0, 0, 0), "N-3 00:00");
	format_is(0, "N 00:00");
	/* Negative times count back from day N: half an hour before
	 * midnight is the day before at 23:30, not "N -00:30". */
	format_is(-30 * MIN, "N-1 23:30");
	format_is(-DAY, "N-1 00:00");
	format_is(-DAY - 1000, "N-2 23:59:59");
	/* Seconds only when not zero; milliseconds never. */
	format_is(T(2, 7, 30, 15), "N+2 07:30:15");
	format_is(T(0, 7, 30, 0) + 500, "N 07:30");
	format_is(T(12, 23, 59, 0), "N+12 23:59");
	format_is(KVPT_TIME_NONE, "—");
}

static void test_time_round_trip(void **state)
{
	static const kvpt_time times[] = {
		0, 1000, T(0, 7, 30, 0), T(1, 14, 0, 0), T(-3, 0, 0, 0),
		-30 * MIN, -1000, T(-1, 0, 0, 59), T(2, 7, 30, 15),
		T(3659, 23, 59, 59), T(-3659, 0, 0, 1),
	};
	struct kvpt_timebase tb = vn_timebase();
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		kvpt_time_format(times[i], buf, sizeof(buf));
		if (time_ok(buf, NULL) != times[i])
			print_error("%lld formats as '%s'\n",
				    (long long)times[i], buf);
		assert_true(time_ok(buf, NULL) == times[i]);
		kvpt_time_format_iso(times[i], &tb, buf, sizeof(buf));
		if (time_ok(buf, &tb) != times[i])
			print_error("%lld formats as '%s'\n",
				    (long long)times[i], buf);
		assert_true(time_ok(buf, &tb) == times[i]);
	}
}

static void dformat_is(int64_t ms, const char *want)
{
	char buf[64];

	kvpt_duration_format(ms, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_duration_format(void **state)
{
	static const char *const texts[] = {
		"1h30m", "45m", "2d", "0m", "1d1h", "1d30m", "3d4h5m",
	};
	char buf[64];
	size_t i;

	dformat_is(90 * MIN, "1h30m");
	dformat_is(45 * MIN, "45m");
	dformat_is(2 * DAY, "2d");
	dformat_is(0, "0m");
	dformat_is(25 * HOUR, "1d1h");
	dformat_is(DAY + 30 * MIN, "1d30m");
	dformat_is(2 * HOUR, "2h");
	dformat_is(-90 * MIN, "-1h30m");
	/* What it prints reads back as the same duration. */
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		int64_t d = duration_ok(texts[i]);

		kvpt_duration_format(d, buf, sizeof(buf));
		assert_string_equal(buf, texts[i]);
	}
}

static void test_format_short_buffers(void **state)
{
	char small[6];

	/* Truncated, terminated, and nothing written past the end (the
	 * sanitizer build checks the last part). */
	kvpt_time_format(T(1, 14, 0, 15), small, sizeof(small));
	assert_string_equal(small, "N+1 1");
	kvpt_duration_format(DAY + HOUR + MIN, small, sizeof(small));
	assert_string_equal(small, "1d1h1");
	kvpt_time_format_iso(T(0, 7, 30, 0), &(struct kvpt_timebase){
		0, 420, 1 }, small, sizeof(small));
	assert_string_equal(small, "1970-");
}

static void iso_is(kvpt_time t, const struct kvpt_timebase *tb,
		   const char *want)
{
	char buf[64];

	kvpt_time_format_iso(t, tb, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_time_format_iso(void **state)
{
	struct kvpt_timebase tb = vn_timebase();
	struct kvpt_timebase leap = {
		kvpt_days_from_civil(2024, 2, 28) * DAY - 7 * HOUR, 420, 1
	};
	struct kvpt_timebase epoch = { -7 * HOUR, 420, 1 };
	struct kvpt_timebase west = {
		kvpt_days_from_civil(2025, 9, 10) * DAY + 90 * MIN, -90, 1
	};
	struct kvpt_timebase utc = { 0, 0, 1 };

	iso_is(T(0, 7, 30, 0), &tb, "2025-09-10T07:30:00+07:00");
	iso_is(T(1, 14, 0, 15), &tb, "2025-09-11T14:00:15+07:00");
	iso_is(-30 * MIN, &tb, "2025-09-09T23:30:00+07:00");
	iso_is(T(-3, 0, 0, 0), &tb, "2025-09-07T00:00:00+07:00");
	/* Across the leap day. */
	iso_is(T(1, 12, 0, 0), &leap, "2024-02-29T12:00:00+07:00");
	iso_is(T(2, 0, 0, 0), &leap, "2024-03-01T00:00:00+07:00");
	/* Across 1970 in a zone east of Greenwich. */
	iso_is(0, &epoch, "1970-01-01T00:00:00+07:00");
	iso_is(-1000, &epoch, "1969-12-31T23:59:59+07:00");
	iso_is(-366 * DAY, &epoch, "1968-12-31T00:00:00+07:00");
	/* Offsets west of Greenwich and of UTC itself. */
	iso_is(T(0, 7, 30, 0), &west, "2025-09-10T07:30:00-01:30");
	iso_is(0, &utc, "1970-01-01T00:00:00+00:00");
}

static void test_civil_dates(void **state)
{
	int64_t z;
	int y;
	unsigned m, d;

	assert_true(kvpt_days_from_civil(1970, 1, 1) == 0);
	assert_true(kvpt_days_from_civil(1969, 12, 31) == -1);
	assert_true(kvpt_days_from_civil(2000, 3, 1) == 11017);
	assert_true(kvpt_days_from_civil(2024, 2, 29) == 19782);
	assert_true(kvpt_days_from_civil(2024, 3, 1) == 19783);
	assert_true(kvpt_days_from_civil(1900, 1, 1) == -25567);
	assert_true(kvpt_days_from_civil(1600, 1, 1) == -135140);
	assert_true(kvpt_days_from_civil(2025, 9, 10) == 20341);
	/* Leap days: 2024 and 2000 have one, 2023, 1900 and 2100 do not. */
	assert_true(kvpt_days_from_civil(2024, 3, 1) -
		    kvpt_days_from_civil(2024, 2, 28) == 2);
	assert_true(kvpt_days_from_civil(2000, 3, 1) -
		    kvpt_days_from_civil(2000, 2, 28) == 2);
	assert_true(kvpt_days_from_civil(2023, 3, 1) -
		    kvpt_days_from_civil(2023, 2, 28) == 1);
	assert_true(kvpt_days_from_civil(1900, 3, 1) -
		    kvpt_days_from_civil(1900, 2, 28) == 1);
	assert_true(kvpt_days_from_civil(2100, 3, 1) -
		    kvpt_days_from_civil(2100, 2, 28) == 1);

	kvpt_civil_from_days(-1, &y, &m, &d);
	assert_int_equal(y, 1969);
	assert_int_equal(m, 12);
	assert_int_equal(d, 31);
	kvpt_civil_from_days(19782, &y, &m, &d);
	assert_int_equal(y, 2024);
	assert_int_equal(m, 2);
	assert_int_equal(d, 29);

	/* Every day from 1700 to 2300 converts both ways, and the next day
	 * is the next date. */
	for (z = kvpt_days_from_civil(1700, 1, 1);
	     z < kvpt_days_from_civil(2300, 1, 1); z++) {
		int y2;
		unsigned m2, d2;

		kvpt_civil_from_days(z, &y, &m, &d);
		assert_true(kvpt_days_from_civil(y, m, d) == z);
		kvpt_civil_from_days(z + 1, &y2, &m2, &d2);
		if (d2 != d + 1)
			assert_true(d2 == 1 && (m2 == m + 1 ||
				    (m == 12 && m2 == 1 && y2 == y + 1)));
		else
			assert_true(m2 == m && y2 == y);
		assert_true(m >= 1 && m <= 12 && d >= 1 && d <= 31);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_day_n_times),
		cmocka_unit_test(test_day_n_refused),
		cmocka_unit_test(test_iso_times),
		cmocka_unit_test(test_iso_parse),
		cmocka_unit_test(test_plan_timebase),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_time_format),
		cmocka_unit_test(test_time_round_trip),
		cmocka_unit_test(test_duration_format),
		cmocka_unit_test(test_format_short_buffers),
		cmocka_unit_test(test_time_format_iso),
		cmocka_unit_test(test_civil_dates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
