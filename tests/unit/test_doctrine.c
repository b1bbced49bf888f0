/*
 * test_doctrine: when a body may change state (DOMAIN.md §2–3), asked of a
 * commune whose Party committee, People's Council, People's Committee and
 * military command issue documents, beside a second commune whose acts must
 * not count for the first.  The default rules: no skipping to wartime, the
 * Party committee's resolution for an emergency, its resolution and then
 * the Council's for wartime, only acts since the body's last move, never
 * backwards; and the plan's own rules: skip and back flags, a rule that
 * names its `from` winning over one that does not, and a replaced ladder
 * that leaves no default rule behind.  Every refusal carries its rule id
 * and a reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "plan_fixture.h"

#include "base/buf.h"
#include "base/xalloc.h"
#include "model/doctrine.h"
#include "plan/plan.h"

#define AT(h, m) ((kvpt_time)(h) * KVPT_MS_HOUR + (kvpt_time)(m) * KVPT_MS_MIN)

static const char base_yaml[] =
	"version: 1\n"
	"exercise:\n"
	"  code: D-1\n"
	"  name: Kiểm thử học thuyết\n"
	"  kind: xã\n"
	"  start: 2025-09-10T07:00:00+07:00\n"
	"  duration: 1d\n"
	"bodies:\n"
	"  - id: xa\n"
	"    name: Xã Hoằng Phong\n"
	"    kind: commune\n"
	"    units:\n"
	"      - {id: dang-uy, name: Đảng ủy xã, kind: party-committee}\n"
	"      - {id: hdnd, name: HĐND xã, kind: peoples-council}\n"
	"      - {id: ubnd, name: UBND xã, kind: peoples-committee}\n"
	"      - id: bchqs\n"
	"        name: Ban CHQS xã\n"
	"        kind: military-command\n"
	"        units:\n"
	"          - {id: dang-uy-qs, name: Chi bộ Quân sự xã, "
	"kind: party-committee}\n"
	"  - id: xa-2\n"
	"    name: Xã Hoằng Châu\n"
	"    kind: commune\n"
	"    units:\n"
	"      - {id: dang-uy-2, name: Đảng ủy xã Hoằng Châu, "
	"kind: party-committee}\n"
	"      - {id: hdnd-2, name: HĐND xã Hoằng Châu, "
	"kind: peoples-council}\n";

/* The plan's own rules, in an order that puts the rule naming `from`
 * before the one for any state it would otherwise lose to. */
static const char rules_yaml[] =
	"rules:\n"
	"  - {machine: defense, from: situation, to: emergency}\n"
	"  - machine: trạng thái quốc phòng\n"
	"    to: khẩn cấp về quốc phòng\n"
	"    acts:\n"
	"      - {type: nghị quyết, by: cấp ủy}\n"
	"  - machine: defense\n"
	"    to: wartime\n"
	"    skip: true\n"
	"    acts:\n"
	"      - {id: nq, type: resolution, by: party-committee}\n"
	"  - {machine: defense, from: wartime, to: normal, back: true}\n";

/* A new ladder for the defense machine and a rule for one step of it. */
static const char ladder_yaml[] =
	"states:\n"
	"  defense:\n"
	"    states:\n"
	"      - {id: binh-thuong, name: Bình thường}\n"
	"      - {id: khan-cap, name: Khẩn cấp}\n"
	"      - {id: thoi-chien, name: Thời chiến}\n"
	"rules:\n"
	"  - {machine: defense, to: khan-cap}\n";

static struct kvpt_plan *load(const char *extra)
{
	struct kvpt_buf yaml = KVPT_BUF_INIT;
	struct kvpt_plan *plan;

	kvpt_buf_adds(&yaml, base_yaml);
	if (extra)
		kvpt_buf_adds(&yaml, extra);
	plan = fixture_plan_text("doctrine.yaml", yaml.s);
	kvpt_buf_release(&yaml);
	return plan;
}

static int setup_default(void **state)
{
	*state = load(NULL);
	return 0;
}

static int setup_rules(void **state)
{
	*state = load(rules_yaml);
	return 0;
}

static int setup_ladder(void **state)
{
	*state = load(ladder_yaml);
	return 0;
}

static int teardown(void **state)
{
	kvpt_plan_free(*state);
	return 0;
}

static int body(const struct kvpt_plan *p, const char *id)
{
	return fixture_id(&p->body_ids, id);
}

static int machine(const struct kvpt_plan *p, const char *id)
{
	int m = kvpt_plan_machine(p, id);

	assert_true(m >= 0);
	return m;
}

static int state_of(const struct kvpt_plan *p, const char *m, const char *s)
{
	int i = kvpt_machine_state(&p->machines[machine(p, m)], s);

	assert_true(i >= 0);
	return i;
}

/* A document of type (id or Vietnamese) issued by body id at time at. */
static struct kvpt_issued act(const struct kvpt_plan *p, const char *type,
			      const char *by, kvpt_time at)
{
	struct kvpt_issued d;

	d.doc_type = kvpt_enum_parse(kvpt_doc_types, type);
	assert_true(d.doc_type >= 0);
	d.body = body(p, by);
	d.at = at;
	return d;
}

struct move {
	const char *machine, *body, *from, *to;
	int since;
};

static int ask(const struct kvpt_plan *p, const struct move *mv,
	       const struct kvpt_issued *issued, int n, int *rule,
	       const char **rule_id, struct kvpt_buf *why)
{
	return kvpt_doctrine_check(p, machine(p, mv->machine),
				   body(p, mv->body),
				   state_of(p, mv->machine, mv->from),
				   state_of(p, mv->machine, mv->to),
				   mv->since, issued, n, rule, rule_id, why);
}

/* The move is legal; returns the rule that allows it. */
static const struct kvpt_rule *legal(const struct kvpt_plan *p,
				     const struct move *mv,
				     const struct kvpt_issued *issued, int n)
{
	struct kvpt_buf why = KVPT_BUF_INIT;
	const char *rule_id = NULL;
	int rule = -1, err;

	err = ask(p, mv, issued, n, &rule, &rule_id, &why);
	if (err)
		print_error("%s %s → %s refused: %s [%s]\n", mv->body,
			    mv->from, mv->to, why.s ? why.s : "",
			    rule_id ? rule_id : "?");
	assert_int_equal(err, 0);
	assert_true(rule >= 0 && rule < p->nrules);
	assert_int_equal(p->rules[rule].machine, machine(p, mv->machine));
	assert_int_equal(p->rules[rule].to.idx,
			 state_of(p, mv->machine, mv->to));
	kvpt_buf_release(&why);
	return &p->rules[rule];
}

/* The move is refused under rule want; returns nothing but checks that
 * the reason is there and names the target state. */
static void refused(const struct kvpt_plan *p, const struct move *mv,
		    const struct kvpt_issued *issued, int n, const char *want)
{
	struct kvpt_buf why = KVPT_BUF_INIT;
	const char *rule_id = NULL;
	int err;

	err = ask(p, mv, issued, n, NULL, &rule_id, &why);
	if (err != KVPT_EREFUSED || !rule_id || strcmp(rule_id, want))
		print_error("%s %s → %s: err %d, rule %s, want %s\n", mv->body,
			    mv->from, mv->to, err, rule_id ? rule_id : "none",
			    want);
	assert_int_equal(err, KVPT_EREFUSED);
	assert_non_null(rule_id);
	assert_string_equal(rule_id, want);
	assert_non_null(why.s);
	assert_true(why.len > 10);
	kvpt_buf_release(&why);
}

static void test_skip_refused(void **state)
{
	struct kvpt_plan *p = *state;
	struct move mv = { "defense", "xa", "normal", "wartime", 0 };
	struct kvpt_issued done[2];
	struct kvpt_buf why = KVPT_BUF_INIT;
	const char *rule_id = NULL;

	/* Even with every act done, wartime is not reached from peace in
	 * one step. */
	done[0] = act(p, "resolution", "dang-uy", AT(8, 0));
	done[1] = act(p, "resolution", "hdnd", AT(9, 0));
	refused(p, &mv, NULL, 0, "state-skip");
	refused(p, &mv, done, 2, "state-skip");
	assert_int_equal(ask(p, &mv, done, 2, NULL, &rule_id, &why),
			 KVPT_EREFUSED);
	/* The reason names the states, in both languages. */
	assert_non_null(strstr(why.s, "thời chiến"));
	assert_non_null(strstr(why.s, "wartime"));
	kvpt_buf_release(&why);

	/* situation → wartime skips emergency just as well. */
	mv.from = "situation";
	refused(p, &mv, done, 2, "state-skip");
	/* Readiness: reinforced may not be skipped to reach full. */
	mv.machine = "readiness";
	mv.body = "bchqs";
	mv.from = "reinforced";
	mv.to = "full";
	refused(p, &mv, NULL, 0, "state-skip");
}

static void test_situation_needs_decision(void **state)
{
	struct kvpt_plan *p = *state;
	struct move mv = { "defense", "xa", "normal", "situation", 0 };
	struct kvpt_issued d;

	refused(p, &mv, NULL, 0, "transition-missing-act");
	d = act(p, "resolution", "ubnd", AT(8, 0));
	refused(p, &mv, &d, 1, "transition-missing-act");
	d = act(p, "decision", "hdnd", AT(8, 0));
	refused(p, &mv, &d, 1, "transition-missing-act");
	d = act(p, "quyết định", "ubnd", AT(8, 0));
	legal(p, &mv, &d, 1);
}

static void test_emergency_needs_party_resolution(void **state)
{
	struct kvpt_plan *p = *state;
	struct move mv = { "defense", "xa", "normal", "emergency", 0 };
	struct kvpt_issued d[4];
	struct kvpt_buf why = KVPT_BUF_INIT;
	const char *rule_id = NULL;

	refused(p, &mv, NULL, 0, "transition-missing-act");
	/* Not a decision, not by the Council, not by the other commune's
	 * Party committee. */
	d[0] = act(p, "decision", "dang-uy", AT(8, 0));
	d[1] = act(p, "resolution", "hdnd", AT(8, 10));
	d[2] = act(p, "resolution", "dang-uy-2", AT(8, 20));
	d[3] = act(p, "resolution", "ubnd", AT(8, 30));
	refused(p, &mv, d, 4, "transition-missing-act");
	assert_int_equal(ask(p, &mv, d, 4, NULL, &rule_id, &why),
			 KVPT_EREFUSED);
	assert_non_null(strstr(why.s, "party-committee"));
	kvpt_buf_release(&why);

	/* The commune's own Party committee: from normal (skipping the
	 * situation, which this rule allows) and from situation. */
	d[3] = act(p, "nghị quyết", "dang-uy", AT(8, 30));
	legal(p, &mv, d, 4);
	mv.from = "situation";
	legal(p, &mv, d, 4);
	/* The other commune's resolution moves the other commune. */
	mv.body = "xa-2";
	legal(p, &mv, d, 3);
	mv.body = "xa";
	refused(p, &mv, d, 3, "transition-missing-act");
	/* A Party committee inside the commune's military command is not
	 * the commune's Party committee. */
	d[3] = act(p, "nghị quyết", "dang-uy-qs", AT(8, 30));
	refused(p, &mv, d, 4, "transition-missing-act");
}

static void test_wartime_order(void **state)
{
	struct kvpt_plan *p = *state;
	struct move mv = { "defense", "xa", "emergency", "wartime", 0 };
	struct kvpt_issued d[4];

	/* The Party committee's resolution alone is not enough. */
	d[0] = act(p, "resolution", "dang-uy", AT(8, 0));
	refused(p, &mv, d, 1, "transition-missing-act");
	/* Then the Council's, in the same commune: legal. */
	d[1] = act(p, "resolution", "hdnd", AT(9, 0));
	legal(p, &mv, d, 2);
	/* Another commune's Council does not legislate for this one. */
	d[1] = act(p, "resolution", "hdnd-2", AT(9, 0));
	refused(p, &mv, d, 2, "transition-missing-act");
	/* Nor does this one's Council move the other commune, whose Party
	 * committee has not spoken. */
	d[1] = act(p, "resolution", "hdnd-2", AT(9, 0));
	d[2] = act(p, "resolution", "hdnd", AT(9, 0));
	mv.body = "xa-2";
	refused(p, &mv, d, 3, "transition-missing-act");
	mv.body = "xa";

	/* The Council before the Party committee: out of order. */
	d[0] = act(p, "resolution", "hdnd", AT(8, 0));
	d[1] = act(p, "resolution", "dang-uy", AT(9, 0));
	refused(p, &mv, d, 2, "act-order");
	/* The order is by time, not by position in the list. */
	d[0] = act(p, "resolution", "hdnd", AT(9, 0));
	d[1] = act(p, "resolution", "dang-uy", AT(8, 0));
	legal(p, &mv, d, 2);
	/* A second Council session after the Party's resolution puts it
	 * right. */
	d[0] = act(p, "resolution", "hdnd", AT(8, 0));
	d[1] = act(p, "resolution", "dang-uy", AT(9, 0));
	d[2] = act(p, "resolution", "hdnd", AT(10, 0));
	legal(p, &mv, d, 3);
}

static void test_since(void **state)
{
	struct kvpt_plan *p = *state;
	struct move mv = { "defense", "xa", "emergency", "wartime", 0 };
	struct kvpt_issued d[4];
	struct kvpt_buf why = KVPT_BUF_INIT;
	const char *rule_id = NULL;

	/* The Party's resolution for the emergency (d[0]) does not also
	 * carry the move to wartime. */
	d[0] = act(p, "resolution", "dang-uy", AT(8, 0));
	d[1] = act(p, "resolution", "hdnd", AT(9, 0));
	d[2] = act(p, "resolution", "dang-uy", AT(10, 0));
	d[3] = act(p, "resolution", "hdnd", AT(11, 0));
	legal(p, &mv, d, 2);
	mv.since = 1;
	refused(p, &mv, d, 2, "transition-missing-act");
	assert_int_equal(ask(p, &mv, d, 2, NULL, &rule_id, &why),
			 KVPT_EREFUSED);
	assert_non_null(strstr(why.s, "after the previous move"));
	kvpt_buf_release(&why);
	mv.since = 2;
	refused(p, &mv, d, 3, "transition-missing-act");
	legal(p, &mv, d, 4);
	mv.since = 4;
	refused(p, &mv, d, 4, "transition-missing-act");
	/* Acts before since do not satisfy an order either. */
	d[2] = act(p, "resolution", "hdnd", AT(10, 0));
	d[3] = act(p, "resolution", "dang-uy", AT(11, 0));
	mv.since = 2;
	refused(p, &mv, d, 4, "act-order");
}

static void test_backwards(void **state)
{
	struct kvpt_plan *p = *state;
	struct move mv = { "defense", "xa", "wartime", "emergency", 0 };
	struct kvpt_issued d[2];

	d[0] = act(p, "resolution", "dang-uy", AT(8, 0));
	d[1] = act(p, "resolution", "hdnd", AT(9, 0));
	refused(p, &mv, d, 2, "state-backward");
	mv.from = "emergency";
	mv.to = "normal";
	refused(p, &mv, d, 2, "state-backward");
	mv.machine = "readiness";
	mv.body = "bchqs";
	mv.from = "full";
	mv.to = "regular";
	refused(p, &mv, NULL, 0, "state-backward");
	/* Standing still is no move either. */
	mv.machine = "defense";
	mv.body = "xa";
	mv.from = "emergency";
	mv.to = "emergency";
	refused(p, &mv, d, 2, "transition-no-change");
}

static void test_readiness_default(void **state)
{
	struct kvpt_plan *p = *state;
	struct move mv = { "readiness", "bchqs", "regular", "high", 0 };
	struct kvpt_issued d[2];

	refused(p, &mv, NULL, 0, "transition-missing-act");
	/* An order by the military command: not a report, not the People's
	 * Committee's order. */
	d[0] = act(p, "report", "bchqs", AT(8, 0));
	d[1] = act(p, "order", "ubnd", AT(8, 0));
	refused(p, &mv, d, 2, "transition-missing-act");
	d[1] = act(p, "mệnh lệnh", "bchqs", AT(8, 0));
	legal(p, &mv, d, 2);
	/* A transition order is an order. */
	d[1] = act(p, "mệnh lệnh chuyển trạng thái", "bchqs", AT(8, 0));
	legal(p, &mv, d, 2);
}

static void test_plan_rule_skip(void **state)
{
	struct kvpt_plan *p = *state;
	struct move mv = { "defense", "xa", "normal", "wartime", 0 };
	struct kvpt_issued d;
	const struct kvpt_rule *r;

	/* skip: true lets the commune go to war from peace, but its act is
	 * still needed; the default rule's second act is not. */
	refused(p, &mv, NULL, 0, "transition-missing-act");
	d = act(p, "resolution", "dang-uy", AT(8, 0));
	r = legal(p, &mv, &d, 1);
	assert_true(r->pos.line > 0);
	assert_true(r->allow_skip);
	mv.from = "emergency";
	legal(p, &mv, &d, 1);
	/* The readiness defaults are untouched. */
	mv.machine = "readiness";
	mv.body = "bchqs";
	mv.from = "reinforced";
	mv.to = "full";
	refused(p, &mv, NULL, 0, "state-skip");
}

static void test_plan_rule_back(void **state)
{
	struct kvpt_plan *p = *state;
	struct move mv = { "defense", "xa", "wartime", "normal", 0 };
	const struct kvpt_rule *r;

	/* back: true, from wartime only, with no act required. */
	r = legal(p, &mv, NULL, 0);
	assert_true(r->allow_back);
	mv.from = "emergency";
	refused(p, &mv, NULL, 0, "state-backward");
	mv.from = "wartime";
	mv.to = "situation";
	refused(p, &mv, NULL, 0, "state-backward");
}

static void test_plan_rule_from_wins(void **state)
{
	struct kvpt_plan *p = *state;
	struct move mv = { "defense", "xa", "situation", "emergency", 0 };
	struct kvpt_issued d;
	const struct kvpt_rule *r;

	/* From situation the rule naming it applies: no act needed. */
	r = legal(p, &mv, NULL, 0);
	assert_int_equal(r->from.idx, state_of(p, "defense", "situation"));
	assert_int_equal(r->nacts, 0);
	/* From normal only the rule for any state applies; it needs the
	 * Party's resolution and does not allow skipping the situation
	 * (the default rule that did is replaced). */
	mv.from = "normal";
	refused(p, &mv, NULL, 0, "state-skip");
	d = act(p, "resolution", "dang-uy", AT(8, 0));
	refused(p, &mv, &d, 1, "state-skip");
}

static void test_replaced_ladder(void **state)
{
	struct kvpt_plan *p = *state;
	struct move mv = { "defense", "xa", "binh-thuong", "khan-cap", 0 };
	const struct kvpt_machine *m = &p->machines[machine(p, "defense")];
	struct kvpt_issued d[2];
	int i;

	assert_int_equal(m->nstates, 3);
	assert_int_equal(m->initial, 0);
	for (i = 0; i < p->nrules; i++)
		if (p->rules[i].machine == machine(p, "defense"))
			assert_true(p->rules[i].pos.line > 0);
	/* The plan's rule for the first step allows it, with no act. */
	legal(p, &mv, NULL, 0);
	/* No default rule survives for the next step, whatever was done. */
	d[0] = act(p, "resolution", "dang-uy", AT(8, 0));
	d[1] = act(p, "resolution", "hdnd", AT(9, 0));
	mv.from = "khan-cap";
	mv.to = "thoi-chien";
	refused(p, &mv, d, 2, "transition-no-rule");
	/* Skipping is still refused before the missing rule is noticed. */
	mv.from = "binh-thuong";
	refused(p, &mv, d, 2, "state-skip");
	/* Readiness keeps its defaults. */
	mv.machine = "readiness";
	mv.body = "bchqs";
	mv.from = "regular";
	mv.to = "reinforced";
	refused(p, &mv, NULL, 0, "transition-missing-act");
	d[0] = act(p, "order", "bchqs", AT(8, 0));
	legal(p, &mv, d, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_skip_refused,
						setup_default, teardown),
		cmocka_unit_test_setup_teardown(test_situation_needs_decision,
						setup_default, teardown),
		cmocka_unit_test_setup_teardown(
			test_emergency_needs_party_resolution, setup_default,
			teardown),
		cmocka_unit_test_setup_teardown(test_wartime_order,
						setup_default, teardown),
		cmocka_unit_test_setup_teardown(test_since, setup_default,
						teardown),
		cmocka_unit_test_setup_teardown(test_backwards, setup_default,
						teardown),
		cmocka_unit_test_setup_teardown(test_readiness_default,
						setup_default, teardown),
		cmocka_unit_test_setup_teardown(test_plan_rule_skip,
						setup_rules, teardown),
		cmocka_unit_test_setup_teardown(test_plan_rule_back,
						setup_rules, teardown),
		cmocka_unit_test_setup_teardown(test_plan_rule_from_wins,
						setup_rules, teardown),
		cmocka_unit_test_setup_teardown(test_replaced_ladder,
						setup_ladder, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
