/*
 * rng: the deterministic random numbers of dry runs (xoshiro256**, seeded
 * through splitmix64), so that a seed reproduces a run exactly on every
 * machine.  Also the response-time draws of automated players.
 */
#ifndef KVPT_RNG_H
#define KVPT_RNG_H

#include <stdint.h>

#include "model/model.h"

struct kvpt_rng {
	uint64_t s[4];
};

void kvpt_rng_seed(struct kvpt_rng *r, uint64_t seed);
uint64_t kvpt_rng_next(struct kvpt_rng *r);
/* Uniform in [0, 1). */
double kvpt_rng_unit(struct kvpt_rng *r);
/* Standard normal (Box–Muller; one value per call). */
double kvpt_rng_normal(struct kvpt_rng *r);
/* A lognormal duration in ms with the model's median and 90th percentile,
 * capped at 50 times the median. */
int64_t kvpt_rng_response(struct kvpt_rng *r,
			  const struct kvpt_response_model *m);

#endif
