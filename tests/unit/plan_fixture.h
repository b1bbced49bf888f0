/*
 * plan_fixture: what the unit tests share to get a plan — load one from a
 * file or from inline YAML, failing the test (with the diagnostics
 * printed) unless it loads without error, and look entities up by id.
 * Include it after <cmocka.h>.
 */
#ifndef KVPT_TEST_PLAN_FIXTURE_H
#define KVPT_TEST_PLAN_FIXTURE_H

#include <string.h>

#include "plan/plan.h"

/* The plan the load returned, once its diagnostics hold no error. */
static inline struct kvpt_plan *fixture_loaded(int err, struct kvpt_plan *plan,
					       struct kvpt_diags *diags,
					       const char *name)
{
	struct kvpt_buf text = KVPT_BUF_INIT;

	if (err || diags->nerrors) {
		kvpt_diags_format_text(diags, &name, 1, &text);
		print_error("%s", text.s ? text.s : "");
	}
	assert_int_equal(err, 0);
	assert_int_equal(diags->nerrors, 0);
	assert_non_null(plan);
	kvpt_diags_release(diags);
	kvpt_buf_release(&text);
	return plan;
}

/* A plan from inline YAML (name is used in messages); free it with
 * kvpt_plan_free(). */
static inline struct kvpt_plan *fixture_plan_text(const char *name,
						  const char *yaml)
{
	struct kvpt_diags diags;
	struct kvpt_plan *plan = NULL;
	int err;

	kvpt_diags_init(&diags);
	err = kvpt_plan_load_string(name, yaml, strlen(yaml), NULL, NULL,
				    &plan, &diags);
	return fixture_loaded(err, plan, &diags, name);
}

/* A plan from a file; free it with kvpt_plan_free(). */
static inline struct kvpt_plan *fixture_plan_file(const char *path)
{
	struct kvpt_diags diags;
	struct kvpt_plan *plan = NULL;
	int err;

	kvpt_diags_init(&diags);
	err = kvpt_plan_load_file(path, NULL, &plan, &diags);
	return fixture_loaded(err, plan, &diags, path);
}

/* The index of id in one of a plan's id maps; fails the test if absent. */
static inline int fixture_id(const struct kvpt_strmap *map, const char *id)
{
	int i = kvpt_strmap_get(map, id);

	if (i < 0)
		print_error("no id '%s' in the plan\n", id);
	assert_true(i >= 0);
	return i;
}

#endif
