/*
 * rng: xoshiro256** (Blackman and Vigna, public domain) and draws built on
 * it.  See rng.h.
 */
#include "rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void kvpt_rng_seed(struct kvpt_rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t kvpt_rng_next(struct kvpt_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double kvpt_rng_unit(struct kvpt_rng *r)
{
	return (double)(kvpt_rng_next(r) >> 11) * 0x1.0p-53;
}

double kvpt_rng_normal(struct kvpt_rng *r)
{
	double u1 = kvpt_rng_unit(r), u2 = kvpt_rng_unit(r);

	if (u1 < 1e-300)
		u1 = 1e-300;
	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

int64_t kvpt_rng_response(struct kvpt_rng *r,
			  const struct kvpt_response_model *m)
{
	/* 1.2815515655 is the 90th percentile of the standard normal. */
	double sigma = m->p90 > m->median && m->median > 0 ?
		       log((double)m->p90 / (double)m->median) / 1.2815515655 :
		       0.0;
	double v = (double)m->median * exp(sigma * kvpt_rng_normal(r));
	double cap = (double)m->median * 50.0;

	if (v > cap)
		v = cap;
	if (v < 1000.0)
		v = 1000.0;
	return (int64_t)v;
}
