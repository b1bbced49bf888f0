/*
 * clock: exercise time from source time through an anchor.  See clock.h.
 */
#include "clock.h"

void kvpt_clock_init(struct kvpt_clock *c)
{
	c->anchor_ex = KVPT_TIME_NONE;
	c->anchor_src = 0;
	c->speed = KVPT_CLOCK_REAL_TIME;
	c->running = 0;
	c->started = 0;
}

/* Exercise ms elapsed in d source ms at speed per mille, rounded down,
 * without overflowing for any realistic d. */
static int64_t scaled(int64_t d, int64_t speed)
{
	return d / 1000 * speed + d % 1000 * speed / 1000;
}

kvpt_time kvpt_clock_now(const struct kvpt_clock *c, int64_t src)
{
	int64_t d;

	if (!c->started)
		return KVPT_TIME_NONE;
	if (!c->running)
		return c->anchor_ex;
	d = src - c->anchor_src;
	if (d <= 0)
		return c->anchor_ex;
	return c->anchor_ex + scaled(d, c->speed);
}

/* Move the anchor to src, keeping the time reached there. */
static void reanchor(struct kvpt_clock *c, int64_t src)
{
	c->anchor_ex = kvpt_clock_now(c, src);
	c->anchor_src = src;
}

int kvpt_clock_start(struct kvpt_clock *c, kvpt_time at, int64_t src)
{
	if (c->started)
		return KVPT_ESTATE;
	c->anchor_ex = at;
	c->anchor_src = src;
	c->started = 1;
	c->running = 1;
	return 0;
}

int kvpt_clock_pause(struct kvpt_clock *c, int64_t src)
{
	if (!c->running)
		return KVPT_ESTATE;
	reanchor(c, src);
	c->running = 0;
	return 0;
}

int kvpt_clock_resume(struct kvpt_clock *c, int64_t src)
{
	if (!c->started || c->running)
		return KVPT_ESTATE;
	c->anchor_src = src;
	c->running = 1;
	return 0;
}

int kvpt_clock_set_speed(struct kvpt_clock *c, int64_t speed, int64_t src)
{
	if (speed < KVPT_CLOCK_SPEED_MIN || speed > KVPT_CLOCK_SPEED_MAX)
		return KVPT_EINVAL;
	if (c->started)
		reanchor(c, src);
	c->speed = speed;
	return 0;
}

int kvpt_clock_jump(struct kvpt_clock *c, kvpt_time to, int64_t src)
{
	if (!c->started)
		return KVPT_ESTATE;
	c->anchor_ex = to;
	c->anchor_src = src;
	return 0;
}

int64_t kvpt_clock_src_at(const struct kvpt_clock *c, kvpt_time t)
{
	int64_t d;

	if (!c->started || !c->running)
		return INT64_MAX;
	if (t <= c->anchor_ex)
		return c->anchor_src;
	d = t - c->anchor_ex;
	/* ceil(d * 1000 / speed), without overflow for any plan time */
	if (d > INT64_MAX / 1000)
		return INT64_MAX;
	return c->anchor_src + (d * 1000 + c->speed - 1) / c->speed;
}
