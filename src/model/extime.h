/*
 * extime: exercise time as planners write it.  Day N is the exercise day;
 * `N 07:30`, `N+1 14:00`, `N-3` (preparation, 00:00) name moments relative
 * to 00:00 local time of day N.  Absolute ISO 8601 times
 * (`2024-05-20T07:30:00+07:00`, or without offset in the plan's zone) are
 * converted to the same scale.  Durations are written `90m`, `1h30m`, `2d`,
 * or in Vietnamese (`2 giờ 30 phút`, `1 ngày`).
 */
#ifndef KVPT_EXTIME_H
#define KVPT_EXTIME_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

/* Exercises are planned at most this far from day N, either way. */
#define KVPT_TIME_MAX_DAYS 3660

/* What absolute times are measured against. */
struct kvpt_timebase {
	int64_t n_epoch_ms;	/* Unix ms of 00:00 local on day N */
	int tz_offset_min;	/* minutes east of UTC */
	int valid;		/* 0 until day N is known */
};

/*
 * Parse s into *out.  Returns 0, or KVPT_EINVAL with a static English
 * explanation in *why.  Absolute times need a valid timebase.
 */
int kvpt_time_parse(const char *s, const struct kvpt_timebase *tb,
		    kvpt_time *out, const char **why);

/* Parse a duration (ms, ≥ 0) into *out; same contract as above. */
int kvpt_duration_parse(const char *s, int64_t *out, const char **why);

/*
 * Parse an absolute ISO date-time; with no offset in s, default_offset_min
 * applies.  Sets the Unix ms, the offset used and the local calendar day
 * (days since 1970-01-01) of that moment.
 */
int kvpt_iso_parse(const char *s, int default_offset_min, int64_t *epoch_ms,
		   int *offset_min, int64_t *local_day, const char **why);

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t kvpt_days_from_civil(int64_t y, unsigned m, unsigned d);
/* The date of a day number. */
void kvpt_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d);

/* Format t as `N+1 07:30` (seconds shown when not zero) into buf. */
void kvpt_time_format(kvpt_time t, char *buf, size_t len);
/* Format a duration as `1h30m`, `45m`, `2d`, `0m`. */
void kvpt_duration_format(int64_t ms, char *buf, size_t len);
/* Format t as ISO 8601 local time with offset. */
void kvpt_time_format_iso(kvpt_time t, const struct kvpt_timebase *tb,
			  char *buf, size_t len);

/* The timebase of a plan's exercise. */
struct kvpt_timebase kvpt_plan_timebase(const struct kvpt_plan *plan);

#endif
