/*
 * extime: parsing and formatting of exercise times and durations.
 * See extime.h.  Civil-date arithmetic follows Howard Hinnant's public
 * domain algorithms (days_from_civil / civil_from_days).
 */
#include "extime.h"

#include <stdio.h>
#include <string.h>

int64_t kvpt_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void kvpt_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Read 1..maxd decimal digits; returns the count read (0 on none). */
static int read_num(const char **sp, int maxd, int64_t *v)
{
	const char *s = *sp;
	int n = 0;

	*v = 0;
	while (*s >= '0' && *s <= '9' && n < maxd) {
		*v = *v * 10 + (*s - '0');
		s++;
		n++;
	}
	*sp = s;
	return n;
}

/* hh:mm[:ss] → ms.  Returns 0 on success. */
static int parse_clock(const char **sp, int64_t *ms, const char **why)
{
	const char *s = *sp;
	int64_t h, m, sec = 0;

	if (!read_num(&s, 2, &h) || *s != ':') {
		*why = "expected a time of day hh:mm";
		return KVPT_EINVAL;
	}
	s++;
	if (read_num(&s, 2, &m) != 2) {
		*why = "expected two digits of minutes";
		return KVPT_EINVAL;
	}
	if (*s == ':') {
		s++;
		if (read_num(&s, 2, &sec) != 2) {
			*why = "expected two digits of seconds";
			return KVPT_EINVAL;
		}
	}
	if (h > 24 || m > 59 || sec > 59 || (h == 24 && (m || sec))) {
		*why = "time of day out of range (00:00 to 24:00)";
		return KVPT_EINVAL;
	}
	*ms = ((h * 60 + m) * 60 + sec) * 1000;
	*sp = s;
	return 0;
}

int kvpt_iso_parse(const char *s, int default_offset_min, int64_t *epoch_ms,
		   int *offset_min, int64_t *local_day, const char **why)
{
	int64_t y, mo, d, day, ms = 0, oh, om;
	int off = default_offset_min;
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
					  31, 30, 31 };

	s = skip_ws(s);
	if (read_num(&s, 4, &y) != 4 || *s++ != '-' ||
	    read_num(&s, 2, &mo) != 2 || *s++ != '-' ||
	    read_num(&s, 2, &d) != 2) {
		*why = "expected a date YYYY-MM-DD";
		return KVPT_EINVAL;
	}
	if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 || y % 400 == 0)))) {
		*why = "no such date (years 1900 to 2200)";
		return KVPT_EINVAL;
	}
	day = kvpt_days_from_civil(y, (unsigned)mo, (unsigned)d);
	if (*s == 'T' || *s == ' ') {
		s++;
		if (parse_clock(&s, &ms, why))
			return KVPT_EINVAL;
		if (*s == '.') {
			int64_t frac;

			s++;
			if (!read_num(&s, 3, &frac)) {
				*why = "expected fractional seconds";
				return KVPT_EINVAL;
			}
			while (*s >= '0' && *s <= '9')
				s++;
		}
		s = skip_ws(s);
		if (*s == 'Z') {
			off = 0;
			s++;
		} else if (*s == '+' || *s == '-') {
			int sign = *s == '-' ? -1 : 1;

			s++;
			if (read_num(&s, 2, &oh) != 2) {
				*why = "expected a UTC offset ±hh:mm";
				return KVPT_EINVAL;
			}
			if (*s == ':')
				s++;
			if (read_num(&s, 2, &om) != 2 || oh > 14 || om > 59) {
				*why = "expected a UTC offset ±hh:mm";
				return KVPT_EINVAL;
			}
			off = sign * (int)(oh * 60 + om);
		}
	}
	s = skip_ws(s);
	if (*s) {
		*why = "unexpected text after the date-time";
		return KVPT_EINVAL;
	}
	*epoch_ms = day * KVPT_MS_DAY + ms - (int64_t)off * KVPT_MS_MIN;
	if (offset_min)
		*offset_min = off;
	if (local_day)
		*local_day = day + (ms >= KVPT_MS_DAY ? 1 : 0);
	return 0;
}

int kvpt_time_parse(const char *s, const struct kvpt_timebase *tb,
		    kvpt_time *out, const char **why)
{
	const char *p = skip_ws(s);
	int64_t days = 0, ms = 0;

	if (*p == 'N' || *p == 'n') {
		p++;
		p = skip_ws(p);
		if (*p == '+' || *p == '-') {
			int sign = *p == '-' ? -1 : 1;

			p = skip_ws(p + 1);
			if (!read_num(&p, 5, &days)) {
				*why = "expected a number of days after N+ or N-";
				return KVPT_EINVAL;
			}
			days *= sign;
		}
		if (days > KVPT_TIME_MAX_DAYS || days < -KVPT_TIME_MAX_DAYS) {
			*why = "absurd time: more than ten years from day N";
			return KVPT_EINVAL;
		}
		p = skip_ws(p);
		if (*p) {
			if (parse_clock(&p, &ms, why))
				return KVPT_EINVAL;
			p = skip_ws(p);
			if (*p) {
				*why = "unexpected text after the time; write "
				       "N 07:30, N+1 14:00 or N-3";
				return KVPT_EINVAL;
			}
		}
		*out = days * KVPT_MS_DAY + ms;
		return 0;
	}
	if (*p >= '0' && *p <= '9') {
		int64_t epoch;

		if (!tb || !tb->valid) {
			*why = "an absolute time needs the exercise start "
			       "(exercise.start) to fix day N";
			return KVPT_EINVAL;
		}
		if (kvpt_iso_parse(p, tb->tz_offset_min, &epoch, NULL, NULL,
				   why))
			return KVPT_EINVAL;
		*out = epoch - tb->n_epoch_ms;
		if (*out > KVPT_TIME_MAX_DAYS * KVPT_MS_DAY ||
		    *out < -KVPT_TIME_MAX_DAYS * KVPT_MS_DAY) {
			*why = "absurd time: more than ten years from day N";
			return KVPT_EINVAL;
		}
		return 0;
	}
	*why = "expected an exercise time (N 07:30, N+1 14:00, N-3) or an "
	       "ISO date-time (2024-05-20T07:30+07:00)";
	return KVPT_EINVAL;
}

struct unit {
	const char *name;
	int64_t ms;
};

static const struct unit units[] = {
	{ "ngày", KVPT_MS_DAY }, { "giờ", KVPT_MS_HOUR },
	{ "phút", KVPT_MS_MIN }, { "giây", 1000 },
	{ "days", KVPT_MS_DAY }, { "day", KVPT_MS_DAY }, { "d", KVPT_MS_DAY },
	{ "hours", KVPT_MS_HOUR }, { "hour", KVPT_MS_HOUR },
	{ "h", KVPT_MS_HOUR }, { "min", KVPT_MS_MIN }, { "m", KVPT_MS_MIN },
	{ "s", 1000 }, { NULL, 0 }
};

int kvpt_duration_parse(const char *s, int64_t *out, const char **why)
{
	const char *p = skip_ws(s);
	int64_t total = 0;
	int parts = 0;

	while (*p) {
		int64_t v;
		const struct unit *u;

		if (!read_num(&p, 7, &v)) {
			*why = "expected a duration such as 30m, 1h30m, 2d "
			       "or 2 giờ 30 phút";
			return KVPT_EINVAL;
		}
		p = skip_ws(p);
		for (u = units; u->name; u++)
			if (!strncmp(p, u->name, strlen(u->name)))
				break;
		if (!u->name) {
			*why = "a duration needs a unit: d, h, m, s (ngày, "
			       "giờ, phút, giây)";
			return KVPT_EINVAL;
		}
		p = skip_ws(p + strlen(u->name));
		total += v * u->ms;
		if (total > KVPT_TIME_MAX_DAYS * KVPT_MS_DAY) {
			*why = "absurd duration: more than ten years";
			return KVPT_EINVAL;
		}
		parts++;
	}
	if (!parts) {
		*why = "empty duration";
		return KVPT_EINVAL;
	}
	*out = total;
	return 0;
}

void kvpt_time_format(kvpt_time t, char *buf, size_t len)
{
	int64_t day, rem;
	int h, m, sec;

	if (!len)
		return;
	if (t == KVPT_TIME_NONE) {
		snprintf(buf, len, "—");
		return;
	}
	day = t >= 0 ? t / KVPT_MS_DAY : -((-t + KVPT_MS_DAY - 1) / KVPT_MS_DAY);
	rem = t - day * KVPT_MS_DAY;
	h = (int)(rem / KVPT_MS_HOUR);
	m = (int)(rem / KVPT_MS_MIN % 60);
	sec = (int)(rem / 1000 % 60);
	if (day == 0)
		snprintf(buf, len, "N %02d:%02d", h, m);
	else
		snprintf(buf, len, "N%+lld %02d:%02d", (long long)day, h, m);
	if (sec) {
		size_t l = strlen(buf);

		snprintf(buf + l, len > l ? len - l : 0, ":%02d", sec);
	}
}

void kvpt_duration_format(int64_t ms, char *buf, size_t len)
{
	int64_t d, h, m;
	size_t l = 0;

	if (!len)
		return;
	buf[0] = '\0';
	if (ms < 0) {
		snprintf(buf, len, "-");
		if (len > 1)
			kvpt_duration_format(ms == INT64_MIN ? INT64_MAX : -ms,
					     buf + 1, len - 1);
		return;
	}
	d = ms / KVPT_MS_DAY;
	h = ms / KVPT_MS_HOUR % 24;
	m = ms / KVPT_MS_MIN % 60;
	if (d)
		l += (size_t)snprintf(buf + l, len - l, "%lldd", (long long)d);
	if (h && l < len)
		l += (size_t)snprintf(buf + l, len - l, "%lldh", (long long)h);
	if ((m || (!d && !h)) && l < len)
		snprintf(buf + l, len - l, "%lldm", (long long)m);
}

void kvpt_time_format_iso(kvpt_time t, const struct kvpt_timebase *tb,
			  char *buf, size_t len)
{
	int64_t local = tb->n_epoch_ms + t + (int64_t)tb->tz_offset_min * KVPT_MS_MIN;
	int64_t day = local >= 0 ? local / KVPT_MS_DAY :
		      -((-local + KVPT_MS_DAY - 1) / KVPT_MS_DAY);
	int64_t rem = local - day * KVPT_MS_DAY;
	int y, off = tb->tz_offset_min;
	unsigned m, d;

	kvpt_civil_from_days(day, &y, &m, &d);
	snprintf(buf, len, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", y, m, d,
		 (int)(rem / KVPT_MS_HOUR), (int)(rem / KVPT_MS_MIN % 60),
		 (int)(rem / 1000 % 60), off < 0 ? '-' : '+',
		 (off < 0 ? -off : off) / 60, (off < 0 ? -off : off) % 60);
}

struct kvpt_timebase kvpt_plan_timebase(const struct kvpt_plan *plan)
{
	struct kvpt_timebase tb;

	tb.n_epoch_ms = plan->ex.n_epoch_ms;
	tb.tz_offset_min = plan->ex.tz_offset_min;
	tb.valid = plan->ex.n_date != NULL;
	return tb;
}
