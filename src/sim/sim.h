/*
 * sim: dry runs of a plan with automated players.  The engine runs in
 * virtual time; players answer each inject's expectations after a response
 * time drawn from the plan's per-kind model (plan->sim), sometimes wrongly
 * (the wrong kind of answer) or not at all; conferences run over or under
 * their planned length and then issue their outputs and make their planned
 * state changes, which the doctrine may refuse.  A Monte-Carlo study runs
 * many seeds over several threads and answers the planner's question: does
 * the script fit the days we have?
 *
 * Same plan and seed → the same run (and the same event log), whatever the
 * number of threads.
 */
#ifndef KVPT_SIM_H
#define KVPT_SIM_H

#include <stdint.h>

#include "base/buf.h"
#include "model/model.h"

/* Per body: how its expectations ended. */
struct kvpt_sim_tally {
	int met, late, missed;
};

/* A state reached in a run. */
struct kvpt_sim_reached {
	int machine, body, state;
	kvpt_time at;
};

struct kvpt_sim_run {
	uint64_t seed;
	kvpt_time *phase_end;		/* [nphases] when the phase's work ended */
	unsigned char *missed;		/* [nexpectations] 1: missed or late */
	unsigned char *status;		/* [nexpectations] kvpt_expect_status */
	kvpt_time *answered;		/* [nexpectations] met/late time */
	struct kvpt_sim_tally *by_body;	/* [nbodies] */
	struct kvpt_sim_reached *reached;
	int nreached;
	size_t cap_reached;
	int refused;			/* transitions the doctrine refused */
	uint64_t events;		/* engine events applied */
	struct kvpt_buf refusals;	/* one line per refusal */
};

/* Run one dry run with seed.  log, when not NULL, receives the event log.
 * The run's arrays are allocated here; release them with
 * kvpt_sim_run_release().  Returns 0 or a KVPT_E… code. */
int kvpt_sim_run(const struct kvpt_plan *plan, uint64_t seed,
		 struct kvpt_sim_run *run, struct kvpt_buf *log);
void kvpt_sim_run_release(struct kvpt_sim_run *run);

/* A Monte-Carlo study. */
struct kvpt_sim_study {
	int runs;
	kvpt_time *phase_p50, *phase_p90;	/* [nphases] */
	double *phase_over;		/* [nphases] P(end after planned end) */
	double *p_missed;		/* [nexpectations] P(missed or late) */
	double mean_refused;
};

/*
 * Run `runs` dry runs with seeds seed, seed+1, … on `jobs` threads (0: one
 * per core).  progress, when not NULL, is called from the calling thread
 * now and then with the number of runs done.  Release with
 * kvpt_sim_study_release().
 */
int kvpt_sim_study(const struct kvpt_plan *plan, uint64_t seed, int runs,
		   int jobs, void (*progress)(void *user, int done, int total),
		   void *user, struct kvpt_sim_study *study);
void kvpt_sim_study_release(struct kvpt_sim_study *study);

#endif
