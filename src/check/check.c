/*
 * check: whole-plan rules.  See check.h.  (Rules land in the next commit.)
 */
#include "check.h"

int kvpt_check(const struct kvpt_plan *plan, struct kvpt_diags *diags)
{
	return 0;
}
