/*
 * check: the rules that need the whole plan — consistency (roles without a
 * person, double-booked people, activities outside their phase, phase order,
 * deadlines, conditional-inject cycles, unreachable injects) and doctrine
 * (state ladders, the acts that make a transition legal, who issues a
 * conference's outputs, expectations no one can meet, classified documents
 * addressed to roles not cleared for them).  Run it on a plan the loader
 * returned; it only adds diagnostics.
 *
 * The rule ids and what each means are listed in docs/checker-rules.md.
 */
#ifndef KVPT_CHECK_H
#define KVPT_CHECK_H

#include "model/diag.h"
#include "model/model.h"

/* Run every rule on plan, adding to diags.  Returns the number of errors
 * the rules found. */
int kvpt_check(const struct kvpt_plan *plan, struct kvpt_diags *diags);

#endif
