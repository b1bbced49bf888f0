/*
 * gen: synthetic exercise plans of any size, for benchmarks and tests.
 * kvpt_gen_plan() writes the YAML text of a valid province-level plan
 * scaled up to the number of contents asked for: a province and many
 * communes (each with its Party committee, People's Council, People's
 * Committee, military command and police), people and roles, the three
 * usual phases over as many days as the content needs, and per locality
 * the conferences whose outputs make the planned state transitions legal,
 * surrounded by injects with expectations and deadlines, some of them
 * released on a condition.  The text is the plan format of
 * docs/plan-format.md and checks clean (no errors, no warnings).
 *
 * The same options always give the same bytes.  The seed changes names,
 * times, the injects and their conditions and answers, not the number of
 * localities, contents or conferences.  `kvpt gen` is the
 * command-line front; bench/bench_check.c and tests/unit/test_gen.c use
 * it directly.
 */
#ifndef KVPT_GEN_H
#define KVPT_GEN_H

#include <stdint.h>

#include "base/buf.h"

/* Bounds on the number of contents a plan may be generated with. */
#define KVPT_GEN_MIN_CONTENTS 30
#define KVPT_GEN_MAX_CONTENTS 2000000L

struct kvpt_gen_opts {
	long contents;		/* contents (nội dung), one activity each */
	uint64_t seed;		/* any value; 0 is a seed like the others */
};

/* What a generated plan holds, for summaries and tests. */
struct kvpt_gen_stats {
	int communes;		/* localities besides the province */
	int days;		/* exercise days, N to N+days-1 */
	long bodies, people, roles, documents, places;
	long phases, problems, contents;
	long conferences;	/* activities of kind conference */
	long injects;		/* situations */
	long conditional;	/* situations released on a condition */
	long expectations;
	long transitions;	/* planned state changes */
	size_t bytes;		/* length of the text written */
};

/*
 * Append the YAML text of a plan to out.  stats (may be NULL) gets what
 * it holds.  Returns 0, or KVPT_EINVAL (nothing written) when
 * opts->contents is outside [KVPT_GEN_MIN_CONTENTS, KVPT_GEN_MAX_CONTENTS].
 * The text belongs to out.
 */
int kvpt_gen_plan(const struct kvpt_gen_opts *opts, struct kvpt_buf *out,
		  struct kvpt_gen_stats *stats);

#endif
