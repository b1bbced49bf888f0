/*
 * test_gen: the plan generator (plan/gen.h).  Generated plans must load and
 * check with no error and no warning at every size the benchmarks use
 * them for, hold exactly the contents asked for, and be reproducible: the
 * same seed gives the same bytes, another seed another plan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "check/check.h"
#include "plan/gen.h"
#include "plan/plan.h"

static void gen(long contents, uint64_t seed, struct kvpt_buf *out,
		struct kvpt_gen_stats *st)
{
	struct kvpt_gen_opts opts = { contents, seed };

	kvpt_buf_init(out);
	assert_int_equal(kvpt_gen_plan(&opts, out, st), 0);
	assert_non_null(out->s);
	assert_int_equal(st->bytes, out->len);
}

/* Generate, load and check; the plan must be clean and match the stats. */
static void gen_checks_clean(long contents, uint64_t seed)
{
	struct kvpt_buf text;
	struct kvpt_gen_stats st;
	struct kvpt_diags diags;
	struct kvpt_plan *plan = NULL;
	int i, conferences = 0, injects = 0;

	gen(contents, seed, &text, &st);
	kvpt_diags_init(&diags);
	assert_int_equal(kvpt_plan_load_string("gen.yaml", text.s, text.len,
					       NULL, NULL, &plan, &diags), 0);
	assert_non_null(plan);
	kvpt_check(plan, &diags);
	if (diags.n) {
		struct kvpt_buf msg = KVPT_BUF_INIT;

		kvpt_diags_format_text(&diags, plan->files, plan->nfiles, &msg);
		print_error("%s", msg.s);
		kvpt_buf_release(&msg);
	}
	assert_int_equal(diags.nerrors, 0);
	assert_int_equal(diags.nwarnings, 0);

	assert_int_equal(plan->ncontents, contents);
	assert_int_equal(st.contents, contents);
	assert_int_equal(plan->nactivities, contents);
	assert_int_equal(plan->nphases, 3);
	assert_int_equal(plan->nexpectations, st.expectations);
	for (i = 0; i < plan->nactivities; i++) {
		if (plan->activities[i].kind == KVPT_ACT_CONFERENCE)
			conferences++;
		else if (plan->activities[i].kind == KVPT_ACT_SITUATION)
			injects++;
	}
	assert_int_equal(conferences, st.conferences);
	assert_int_equal(injects, st.injects);
	/* Mostly injects (a locality's nine conferences weigh more in the
	 * smallest plans), each wanting one or two answers; a locality per
	 * hundred contents, each with its planned transitions. */
	if (contents >= 200) {
		assert_true(injects > contents * 8 / 10);
		assert_true(st.conditional > 0);
	}
	assert_true(st.expectations >= injects);
	assert_true(st.expectations <= 2 * injects);
	assert_true(st.communes >= contents / 100);
	assert_int_equal(st.transitions, 7L * (st.communes + 1));

	kvpt_plan_free(plan);
	kvpt_diags_release(&diags);
	kvpt_buf_release(&text);
}

static void test_gen_200_clean(void **state)
{
	gen_checks_clean(200, 1);
	gen_checks_clean(200, 42);
}

static void test_gen_2000_clean(void **state)
{
	gen_checks_clean(2000, 1);
	gen_checks_clean(2000, 20250906);
}

static void test_gen_smallest_clean(void **state)
{
	gen_checks_clean(KVPT_GEN_MIN_CONTENTS, 7);
	gen_checks_clean(KVPT_GEN_MIN_CONTENTS + 71, 7);
}

static void test_gen_same_seed_same_bytes(void **state)
{
	struct kvpt_buf a, b;
	struct kvpt_gen_stats sa, sb;

	gen(2000, 5, &a, &sa);
	gen(2000, 5, &b, &sb);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.s, b.s, a.len);
	kvpt_buf_release(&a);
	kvpt_buf_release(&b);
}

static void test_gen_other_seed_other_plan(void **state)
{
	struct kvpt_buf a, b;
	struct kvpt_gen_stats sa, sb;

	gen(2000, 5, &a, &sa);
	gen(2000, 6, &b, &sb);
	assert_true(a.len != b.len || memcmp(a.s, b.s, a.len));
	assert_int_equal(sa.contents, sb.contents);
	kvpt_buf_release(&a);
	kvpt_buf_release(&b);
}

static void test_gen_appends(void **state)
{
	struct kvpt_gen_opts opts = { 100, 3 };
	struct kvpt_buf text = KVPT_BUF_INIT;
	struct kvpt_gen_stats st;

	kvpt_buf_adds(&text, "# before\n");
	assert_int_equal(kvpt_gen_plan(&opts, &text, &st), 0);
	assert_int_equal(text.len, strlen("# before\n") + st.bytes);
	assert_memory_equal(text.s, "# before\n", 9);
	kvpt_buf_release(&text);
}

static void test_gen_refuses_bad_sizes(void **state)
{
	struct kvpt_gen_opts opts = { KVPT_GEN_MIN_CONTENTS - 1, 1 };
	struct kvpt_buf text = KVPT_BUF_INIT;

	assert_int_equal(kvpt_gen_plan(&opts, &text, NULL), KVPT_EINVAL);
	opts.contents = KVPT_GEN_MAX_CONTENTS + 1;
	assert_int_equal(kvpt_gen_plan(&opts, &text, NULL), KVPT_EINVAL);
	assert_int_equal(text.len, 0);
	kvpt_buf_release(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gen_200_clean),
		cmocka_unit_test(test_gen_2000_clean),
		cmocka_unit_test(test_gen_smallest_clean),
		cmocka_unit_test(test_gen_same_seed_same_bytes),
		cmocka_unit_test(test_gen_other_seed_other_plan),
		cmocka_unit_test(test_gen_appends),
		cmocka_unit_test(test_gen_refuses_bad_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
