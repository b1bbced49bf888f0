/*
 * fuzz_plan: libFuzzer target for the plan loader and checker.  Any input
 * must come back as a plan or diagnostics — never a crash, a leak or an
 * unbounded allocation.  Includes are refused (no base directory).
 */
#include "check/check.h"
#include "plan/plan.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvpt_load_opts opts = { .max_file_size = (size_t)1 << 20, .max_files = 1, .max_depth = 32 };
	struct kvpt_diags diags;
	struct kvpt_plan *plan = NULL;
	struct kvpt_buf out = KVPT_BUF_INIT;

	kvpt_diags_init(&diags);
	kvpt_plan_load_string("fuzz.yaml", (const char *)data, size, NULL,
			      &opts, &plan, &diags);
	if (plan)
		kvpt_check(plan, &diags);
	kvpt_diags_sort(&diags);
	kvpt_diags_format_text(&diags, plan ? plan->files : NULL,
			       plan ? plan->nfiles : 0, &out);
	kvpt_buf_release(&out);
	kvpt_diags_release(&diags);
	kvpt_plan_free(plan);
	return 0;
}
