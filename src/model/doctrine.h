/*
 * doctrine: the legality of a state transition (DOMAIN.md §2–3).  A move of
 * a body from one state to another is legal when a rule of the plan allows
 * it (no skipped state unless the rule says so, no step back unless the rule
 * says so) and every act the rule requires has been done in the body's
 * locality, in the required order.  The checker asks this of the planned
 * timeline; the engine asks it of what players actually did.
 */
#ifndef KVPT_DOCTRINE_H
#define KVPT_DOCTRINE_H

#include "base/buf.h"
#include "model/model.h"

/* An act done so far: a document of a type issued by a body at a time. */
struct kvpt_issued {
	int doc_type;
	int body;
	kvpt_time at;
};

/*
 * Whether body may move from state `from` to state `to` of machine, given
 * the acts issued[0..nissued) done so far, in the order they were done.
 * Only acts issued[since..nissued) count, since being the number of acts
 * done when the body entered `from` (0 for "ever"): each move needs its
 * own resolution, not one passed for an earlier move.  Returns 0 when legal (and the
 * matching rule index in *rule if rule is not NULL), KVPT_EREFUSED with the
 * reason appended to why (in Vietnamese and English) otherwise.  The rule
 * id used in diagnostics goes to *rule_id ("state-skip", "state-backward",
 * "transition-no-rule", "transition-missing-act", "act-order").
 */
int kvpt_doctrine_check(const struct kvpt_plan *plan, int machine, int body,
			int from, int to, int since,
			const struct kvpt_issued *issued, int nissued, int *rule, const char **rule_id,
			struct kvpt_buf *why);

#endif
