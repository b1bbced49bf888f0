/*
 * test_engine: the exercise engine over a small inline plan — injects
 * released on schedule, by hand and on conditions; expectations met, missed
 * and late; answers that meet nothing; transitions the doctrine refuses and
 * the same transitions once the required acts are done; and the event log:
 * the same inputs give the same bytes, a replay rebuilds the same state,
 * and a damaged log is refused with its line number.
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
#include "engine/engine.h"
#include "plan/plan.h"

/* Exercise time of N hh:mm. */
#define AT(h, m) ((kvpt_time)(h) * KVPT_MS_HOUR + (kvpt_time)(m) * KVPT_MS_MIN)

static const char plan_yaml[] =
	"version: 1\n"
	"exercise:\n"
	"  code: E-1\n"
	"  name: Diễn tập kiểm thử engine\n"
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
	"      - {id: bchqs, name: Ban CHQS xã, kind: military-command}\n"
	"      - {id: ca, name: Công an xã, kind: police}\n"
	"roles:\n"
	"  - {id: bi-thu, name: Bí thư Đảng ủy, body: dang-uy}\n"
	"  - {id: chu-tich-hdnd, name: Chủ tịch HĐND, body: hdnd}\n"
	"  - {id: chu-tich, name: Chủ tịch UBND, body: ubnd}\n"
	"  - {id: cht, name: Chỉ huy trưởng, body: bchqs}\n"
	"  - {id: truong-ca, name: Trưởng Công an xã, body: ca}\n"
	"documents:\n"
	"  - {id: nq-du, title: Nghị quyết Đảng ủy, type: nghị quyết, "
	"owner: dang-uy}\n"
	"  - {id: nq-hdnd, title: Nghị quyết HĐND, type: nghị quyết, "
	"owner: hdnd}\n"
	"  - {id: ct-ubnd, title: Chỉ thị UBND, type: chỉ thị, owner: ubnd, "
	"status: issued, due: N-1 16:00}\n"
	"phases:\n"
	"  - id: gd1\n"
	"    title: Giai đoạn 1\n"
	"    start: N 07:00\n"
	"    end: N 18:00\n"
	"    problems:\n"
	"      - id: vd1\n"
	"        title: Vấn đề 1\n"
	"        contents:\n"
	"          - id: nd1\n"
	"            title: Nội dung 1\n"
	"            activities:\n"
	"              - id: hn-du\n"
	"                kind: conference\n"
	"                title: Hội nghị Đảng ủy\n"
	"                start: N 07:30\n"
	"                duration: 1h\n"
	"                chair: bi-thu\n"
	"                outputs: [nq-du]\n"
	"              - id: th1\n"
	"                kind: situation\n"
	"                title: Tình huống 1\n"
	"                at: N 08:00\n"
	"                to: [truong-ca]\n"
	"                text: Gây rối trước trụ sở UBND xã.\n"
	"                expect:\n"
	"                  - {id: th1-ack, kind: ack, by: truong-ca, "
	"within: 5m}\n"
	"                  - {id: th1-bc, kind: report, by: truong-ca, "
	"within: 30m}\n"
	"              - id: th2\n"
	"                kind: situation\n"
	"                title: Tình huống 2\n"
	"                at: N 08:00\n"
	"                to: [cht]\n"
	"                expect:\n"
	"                  - {id: th2-ml, kind: order, by: cht, within: 15m}\n"
	"              - id: th3\n"
	"                kind: situation\n"
	"                title: Sau tình huống 1\n"
	"                to: [chu-tich]\n"
	"                release: {on: released, inject: th1, delay: 10m}\n"
	"              - id: th4\n"
	"                kind: situation\n"
	"                title: Khi báo cáo đúng hạn\n"
	"                to: [chu-tich]\n"
	"                release: {on: met, expectation: th1-bc, delay: 5m}\n"
	"              - id: th5\n"
	"                kind: situation\n"
	"                title: Khi mệnh lệnh quá hạn\n"
	"                to: [chu-tich]\n"
	"                release: {on: missed, expectation: th2-ml}\n"
	"              - id: th6\n"
	"                kind: situation\n"
	"                title: Khi khẩn cấp\n"
	"                to: [chu-tich]\n"
	"                release: {on: state, machine: defense, body: xa, "
	"state: emergency, delay: 1m}\n"
	"              - id: th7\n"
	"                kind: situation\n"
	"                title: Lệnh chuyển trạng thái\n"
	"                to: [bi-thu]\n"
	"                release: manual\n"
	"                expect:\n"
	"                  - {id: th7-nq, kind: document, type: nghị quyết, "
	"by: xa, within: 2h}\n"
	"                  - {id: th7-nq-du, kind: document, type: nghị quyết, "
	"by: dang-uy, within: 2h}\n"
	"                  - {id: th7-qd, kind: document, type: quyết định, "
	"by: ubnd, within: 2h}\n"
	"                  - {id: th7-hn, kind: conference, conference: hn-du, "
	"by: bi-thu, within: 2h}\n"
	"                  - {id: th7-tt, kind: state, machine: defense, "
	"body: xa, state: emergency, by: bi-thu, within: 3h}\n"
	"              - id: th8\n"
	"                kind: situation\n"
	"                title: Tình huống 8\n"
	"                at: N 09:00\n"
	"                to: [cht]\n"
	"                expect:\n"
	"                  - {id: th8-bc, kind: report, by: cht, "
	"deadline: N 09:30}\n"
	"                  - {id: th8-xn, kind: ack, by: xa, within: 10m}\n"
	"              - id: th9\n"
	"                kind: situation\n"
	"                title: Khi có tình huống\n"
	"                to: [chu-tich]\n"
	"                release: {on: state, machine: defense, body: xa, "
	"state: situation}\n";

struct fixture {
	struct kvpt_plan *plan;
	struct kvpt_engine *e;
};

static struct kvpt_plan *load_plan(void)
{
	return fixture_plan_text("engine.yaml", plan_yaml);
}

static struct kvpt_engine *new_engine(const struct kvpt_plan *plan)
{
	struct kvpt_engine_opts opts;

	memset(&opts, 0, sizeof(opts));
	opts.keep_log = 1;
	return kvpt_engine_new(plan, &opts);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->plan = load_plan();
	f->e = new_engine(f->plan);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	kvpt_engine_free(f->e);
	kvpt_plan_free(f->plan);
	free(f);
	return 0;
}

static int act_idx(const struct kvpt_plan *p, const char *id)
{
	return fixture_id(&p->activity_ids, id);
}

static int exp_idx(const struct kvpt_plan *p, const char *id)
{
	return fixture_id(&p->expectation_ids, id);
}

static int role_idx(const struct kvpt_plan *p, const char *id)
{
	return fixture_id(&p->role_ids, id);
}

static int body_idx(const struct kvpt_plan *p, const char *id)
{
	return fixture_id(&p->body_ids, id);
}

static const struct kvpt_activity_state *inj(struct fixture *f,
					     const char *id)
{
	return kvpt_engine_activity(f->e, act_idx(f->plan, id));
}

static const struct kvpt_expect_state *xst(struct fixture *f, const char *id)
{
	return kvpt_engine_expectation(f->e, exp_idx(f->plan, id));
}

/* An answer to an inject (ACK..DECISION). */
static int answer(struct fixture *f, enum kvpt_action_kind kind,
		  const char *role, const char *inject,
		  struct kvpt_action_result *res)
{
	struct kvpt_action a;

	kvpt_action_init(&a, kind, role_idx(f->plan, role));
	a.inject = act_idx(f->plan, inject);
	a.text = "Đã nhận, đang xử lý.";
	return kvpt_engine_act(f->e, &a, res, NULL);
}

static int transition(struct fixture *f, const char *role,
		      const char *machine, const char *body,
		      const char *state, struct kvpt_action_result *res,
		      struct kvpt_buf *why)
{
	struct kvpt_action a;
	int m = kvpt_plan_machine(f->plan, machine);

	assert_true(m >= 0);
	kvpt_action_init(&a, KVPT_ACTION_TRANSITION, role_idx(f->plan, role));
	a.machine = m;
	a.body = body_idx(f->plan, body);
	a.state = kvpt_machine_state(&f->plan->machines[m], state);
	assert_true(a.state >= 0);
	return kvpt_engine_act(f->e, &a, res, why);
}

static int issue_document(struct fixture *f, const char *role,
			  const char *document)
{
	struct kvpt_action a;

	kvpt_action_init(&a, KVPT_ACTION_DOCUMENT, role_idx(f->plan, role));
	a.document = kvpt_strmap_get(&f->plan->document_ids, document);
	assert_true(a.document >= 0);
	return kvpt_engine_act(f->e, &a, NULL, NULL);
}

static int hold_conference(struct fixture *f, const char *role,
			   const char *conference,
			   struct kvpt_action_result *res)
{
	struct kvpt_action a;

	kvpt_action_init(&a, KVPT_ACTION_CONFERENCE, role_idx(f->plan, role));
	a.conference = act_idx(f->plan, conference);
	return kvpt_engine_act(f->e, &a, res, NULL);
}

static const char *log_text(struct fixture *f)
{
	size_t len;

	return kvpt_engine_log(f->e, &len);
}

/* The position of needle in the log, to compare the order of events. */
static size_t log_pos(struct fixture *f, const char *needle)
{
	const char *log = log_text(f);
	const char *p = strstr(log, needle);

	if (!p)
		print_error("not in the log: %s\n%s", needle, log);
	assert_non_null(p);
	return (size_t)(p - log);
}

static void start(struct fixture *f)
{
	assert_int_equal(kvpt_engine_start(f->e, KVPT_TIME_NONE, 0), 0);
	assert_true(kvpt_engine_now(f->e) == AT(7, 0));
}

static void test_scheduled_release_order(void **state)
{
	struct fixture *f = *state;

	start(f);
	assert_true(kvpt_engine_next_time(f->e) == AT(7, 30));
	assert_int_equal(kvpt_engine_run_until(f->e, AT(7, 59)), 0);
	assert_int_equal(inj(f, "th1")->status, KVPT_ACTIVITY_PENDING);
	assert_int_equal(kvpt_engine_activity(f->e, act_idx(f->plan,
				"hn-du"))->status, KVPT_ACTIVITY_STARTED);
	assert_int_equal(kvpt_engine_run_until(f->e, AT(8, 0)), 0);
	assert_int_equal(inj(f, "th1")->status, KVPT_ACTIVITY_RELEASED);
	assert_int_equal(inj(f, "th1")->how, KVPT_HOW_SCHEDULED);
	assert_true(inj(f, "th1")->at == AT(8, 0));
	assert_int_equal(inj(f, "th2")->status, KVPT_ACTIVITY_RELEASED);
	assert_int_equal(inj(f, "th8")->status, KVPT_ACTIVITY_PENDING);
	/* Same time: plan order. */
	assert_true(log_pos(f, "\"inject\":\"th1\",\"how\"") <
		    log_pos(f, "\"inject\":\"th2\",\"how\""));
	/* Expectations open with their deadlines. */
	assert_int_equal(xst(f, "th1-bc")->status, KVPT_EXPECT_OPEN);
	assert_true(xst(f, "th1-bc")->deadline == AT(8, 30));
	assert_int_equal(xst(f, "th7-nq")->status, KVPT_EXPECT_WAITING);
	/* The planned document issued before the exercise counts from the
	 * start; the conference ends on schedule. */
	assert_true(log_pos(f, "\"type\":\"document.issued\"") <
		    log_pos(f, "\"type\":\"activity.started\""));
	kvpt_engine_run_until(f->e, AT(9, 0));
	assert_int_equal(kvpt_engine_activity(f->e, act_idx(f->plan,
				"hn-du"))->status, KVPT_ACTIVITY_ENDED);
	assert_true(kvpt_engine_activity(f->e, act_idx(f->plan,
				"hn-du"))->end_at == AT(8, 30));
	assert_true(log_pos(f, "\"type\":\"activity.ended\"") <
		    log_pos(f, "\"inject\":\"th8\",\"how\""));
	/* Time does not run backwards for a dry run either. */
	assert_int_equal(kvpt_engine_run_until(f->e, AT(8, 0)), KVPT_EINVAL);
}

static void test_conditional_releases(void **state)
{
	struct fixture *f = *state;
	struct kvpt_action_result res;
	struct kvpt_buf why = KVPT_BUF_INIT;

	start(f);
	kvpt_engine_run_until(f->e, AT(8, 9));
	/* On release of th1, after 10 minutes. */
	assert_int_equal(inj(f, "th3")->status, KVPT_ACTIVITY_PENDING);
	assert_true(inj(f, "th3")->cond_at == AT(8, 10));
	kvpt_engine_run_until(f->e, AT(8, 10));
	assert_int_equal(inj(f, "th3")->status, KVPT_ACTIVITY_RELEASED);
	assert_int_equal(inj(f, "th3")->how, KVPT_HOW_CONDITION);
	assert_true(inj(f, "th3")->at == AT(8, 10));

	/* On th1-bc met, after 5 minutes. */
	kvpt_engine_run_until(f->e, AT(8, 12));
	assert_int_equal(answer(f, KVPT_ACTION_REPORT, "truong-ca", "th1",
				&res), 0);
	assert_int_equal(res.met, 1);
	kvpt_engine_run_until(f->e, AT(8, 16));
	assert_int_equal(inj(f, "th4")->status, KVPT_ACTIVITY_PENDING);
	kvpt_engine_run_until(f->e, AT(8, 17));
	assert_int_equal(inj(f, "th4")->status, KVPT_ACTIVITY_RELEASED);
	assert_true(inj(f, "th4")->at == AT(8, 17));

	/* On th2-ml missed (nobody gave the order by 08:15). */
	assert_int_equal(xst(f, "th2-ml")->status, KVPT_EXPECT_MISSED);
	assert_int_equal(inj(f, "th5")->status, KVPT_ACTIVITY_RELEASED);
	assert_true(inj(f, "th5")->at == xst(f, "th2-ml")->at);
	assert_true(inj(f, "th5")->at > AT(8, 15));
	assert_true(inj(f, "th5")->at < AT(8, 16));

	/* On the defense state of the commune reaching "emergency", after
	 * one minute: the Party committee's resolution first. */
	assert_int_equal(transition(f, "bi-thu", "defense", "xa", "emergency",
				    NULL, &why), KVPT_EREFUSED);
	assert_int_equal(hold_conference(f, "bi-thu", "hn-du", NULL), 0);
	assert_int_equal(transition(f, "bi-thu", "defense", "xa", "emergency",
				    NULL, NULL), 0);
	assert_int_equal(inj(f, "th6")->status, KVPT_ACTIVITY_PENDING);
	/* Skipping "situation" satisfies what waits for it: a state at or
	 * above the one named. */
	assert_int_equal(inj(f, "th9")->status, KVPT_ACTIVITY_RELEASED);
	assert_true(inj(f, "th9")->at == AT(8, 17));
	kvpt_engine_run_until(f->e, AT(8, 18));
	assert_int_equal(inj(f, "th6")->status, KVPT_ACTIVITY_RELEASED);
	assert_true(inj(f, "th6")->at == AT(8, 18));
	kvpt_buf_release(&why);
}

static void test_hold_cancel_manual(void **state)
{
	struct fixture *f = *state;
	const struct kvpt_plan *p = f->plan;

	start(f);
	/* Directors act only on injects, and only as their status allows. */
	assert_int_equal(kvpt_engine_hold(f->e, act_idx(p, "hn-du")),
			 KVPT_EINVAL);
	assert_int_equal(kvpt_engine_hold(f->e, act_idx(p, "th1")), 0);
	assert_int_equal(kvpt_engine_hold(f->e, act_idx(p, "th1")),
			 KVPT_ESTATE);
	assert_int_equal(kvpt_engine_cancel(f->e, act_idx(p, "th2")), 0);
	assert_int_equal(xst(f, "th2-ml")->status, KVPT_EXPECT_CANCELLED);

	/* Held and cancelled injects are not released when due. */
	kvpt_engine_run_until(f->e, AT(8, 30));
	assert_int_equal(inj(f, "th1")->status, KVPT_ACTIVITY_HELD);
	assert_int_equal(inj(f, "th2")->status, KVPT_ACTIVITY_CANCELLED);
	assert_int_equal(inj(f, "th3")->status, KVPT_ACTIVITY_PENDING);
	assert_int_equal(kvpt_engine_release(f->e, act_idx(p, "th2"), -1),
			 KVPT_ESTATE);

	/* A held inject is released by hand; what waits on it follows. */
	assert_int_equal(kvpt_engine_release(f->e, act_idx(p, "th1"),
					     role_idx(p, "chu-tich")), 0);
	assert_int_equal(inj(f, "th1")->status, KVPT_ACTIVITY_RELEASED);
	assert_int_equal(inj(f, "th1")->how, KVPT_HOW_MANUAL);
	assert_int_equal(inj(f, "th1")->by, role_idx(p, "chu-tich"));
	assert_true(inj(f, "th1")->at == AT(8, 30));
	assert_true(xst(f, "th1-bc")->deadline == AT(9, 0));
	assert_int_equal(kvpt_engine_release(f->e, act_idx(p, "th1"), -1),
			 KVPT_ESTATE);
	kvpt_engine_run_until(f->e, AT(8, 40));
	assert_int_equal(inj(f, "th3")->status, KVPT_ACTIVITY_RELEASED);

	/* A manual inject waits for a director, however late. */
	kvpt_engine_run_until(f->e, AT(17, 0));
	assert_int_equal(inj(f, "th7")->status, KVPT_ACTIVITY_PENDING);
	assert_int_equal(kvpt_engine_release(f->e, act_idx(p, "th7"), -1), 0);
	assert_int_equal(inj(f, "th7")->how, KVPT_HOW_MANUAL);
	assert_int_equal(xst(f, "th7-nq")->status, KVPT_EXPECT_OPEN);
	assert_true(log_pos(f, "\"type\":\"inject.held\"") <
		    log_pos(f, "\"type\":\"inject.cancelled\""));
}

static void test_met_missed_late(void **state)
{
	struct fixture *f = *state;
	struct kvpt_action_result res;

	start(f);
	kvpt_engine_run_until(f->e, AT(8, 5));
	/* An answer at the deadline itself is in time. */
	assert_int_equal(answer(f, KVPT_ACTION_ACK, "truong-ca", "th1", &res),
			 0);
	assert_int_equal(res.met, 1);
	assert_int_equal(xst(f, "th1-ack")->status, KVPT_EXPECT_MET);
	assert_int_equal(xst(f, "th1-ack")->by, role_idx(f->plan, "truong-ca"));
	assert_true(xst(f, "th1-ack")->at == AT(8, 5));
	/* Answering again meets nothing more. */
	assert_int_equal(answer(f, KVPT_ACTION_ACK, "truong-ca", "th1", &res),
			 0);
	assert_int_equal(res.met + res.late, 0);

	/* The report is missed at 08:30 and fulfilled late at 08:45. */
	kvpt_engine_run_until(f->e, AT(8, 30));
	assert_int_equal(xst(f, "th1-bc")->status, KVPT_EXPECT_OPEN);
	kvpt_engine_run_until(f->e, AT(8, 31));
	assert_int_equal(xst(f, "th1-bc")->status, KVPT_EXPECT_MISSED);
	kvpt_engine_run_until(f->e, AT(8, 45));
	assert_int_equal(answer(f, KVPT_ACTION_REPORT, "truong-ca", "th1",
				&res), 0);
	assert_int_equal(res.met, 0);
	assert_int_equal(res.late, 1);
	assert_int_equal(xst(f, "th1-bc")->status, KVPT_EXPECT_LATE);
	assert_true(xst(f, "th1-bc")->at == AT(8, 45));
	/* Late does not release what waits for the report in time. */
	kvpt_engine_run_until(f->e, AT(9, 0));
	assert_int_equal(inj(f, "th4")->status, KVPT_ACTIVITY_PENDING);

	/* An answer owed by a body comes from any role within it. */
	kvpt_engine_run_until(f->e, AT(9, 5));
	assert_int_equal(answer(f, KVPT_ACTION_ACK, "cht", "th8", &res), 0);
	assert_int_equal(res.met, 1);
	assert_int_equal(xst(f, "th8-xn")->by, role_idx(f->plan, "cht"));

	/* An absolute deadline. */
	kvpt_engine_run_until(f->e, AT(9, 31));
	assert_int_equal(xst(f, "th8-bc")->status, KVPT_EXPECT_MISSED);
	assert_true(xst(f, "th8-bc")->deadline == AT(9, 30));
	assert_int_equal(kvpt_engine_counters(f->e)->met, 2);
	assert_int_equal(kvpt_engine_counters(f->e)->late, 1);
	assert_int_equal(kvpt_engine_counters(f->e)->missed, 3);
}

static void test_wrong_answers(void **state)
{
	struct fixture *f = *state;
	const struct kvpt_engine_counters *n = kvpt_engine_counters(f->e);
	struct kvpt_action_result res;

	start(f);
	kvpt_engine_run_until(f->e, AT(8, 1));
	/* The wrong kind of answer, the wrong role, the wrong inject. */
	assert_int_equal(answer(f, KVPT_ACTION_ORDER, "truong-ca", "th1",
				&res), 0);
	assert_int_equal(res.met + res.late, 0);
	assert_true(res.seq > 0);
	assert_int_equal(answer(f, KVPT_ACTION_REPORT, "chu-tich", "th1", &res),
			 0);
	assert_int_equal(res.met + res.late, 0);
	assert_int_equal(answer(f, KVPT_ACTION_ORDER, "truong-ca", "th2", &res),
			 0);
	assert_int_equal(res.met + res.late, 0);
	assert_int_equal(xst(f, "th1-bc")->status, KVPT_EXPECT_OPEN);
	assert_int_equal(xst(f, "th2-ml")->status, KVPT_EXPECT_OPEN);
	/* Each is logged as an action nonetheless. */
	assert_int_equal(n->actions, 3);
	assert_int_equal(n->answered, 0);
	log_pos(f, "\"type\":\"action\",\"v\":1,\"role\":\"chu-tich\","
		"\"kind\":\"report\",\"inject\":\"th1\"");
	/* The right answer counts. */
	assert_int_equal(answer(f, KVPT_ACTION_REPORT, "truong-ca", "th1",
				&res), 0);
	assert_int_equal(res.met, 1);
	assert_int_equal(n->answered, 1);
}

static void test_documents_and_conferences(void **state)
{
	struct fixture *f = *state;
	const struct kvpt_plan *p = f->plan;
	const struct kvpt_engine_counters *n = kvpt_engine_counters(f->e);
	struct kvpt_action a;
	struct kvpt_action_result res;

	start(f);
	kvpt_engine_run_until(f->e, AT(7, 10));
	assert_int_equal(kvpt_engine_release(f->e, act_idx(p, "th7"), -1), 0);
	/* A document of another type meets nothing. */
	kvpt_action_init(&a, KVPT_ACTION_DOCUMENT, role_idx(p, "truong-ca"));
	a.doc_type = kvpt_enum_parse(kvpt_doc_types, "report");
	assert_int_equal(kvpt_engine_act(f->e, &a, &res, NULL), 0);
	assert_int_equal(res.met, 0);
	/* A decision owed by the People's Committee: not from the police,
	 * from a role of the committee. */
	a.doc_type = kvpt_enum_parse(kvpt_doc_types, "decision");
	assert_int_equal(kvpt_engine_act(f->e, &a, &res, NULL), 0);
	assert_int_equal(res.met, 0);
	a.role = role_idx(p, "chu-tich");
	assert_int_equal(kvpt_engine_act(f->e, &a, &res, NULL), 0);
	assert_int_equal(res.met, 1);
	assert_int_equal(xst(f, "th7-qd")->by, role_idx(p, "chu-tich"));
	/* One resolution of the Party committee meets what the commune owes
	 * (a body above it) and what the committee owes: two expectations,
	 * one answering action. */
	kvpt_action_init(&a, KVPT_ACTION_DOCUMENT, role_idx(p, "bi-thu"));
	a.doc_type = kvpt_enum_parse(kvpt_doc_types, "resolution");
	assert_int_equal(kvpt_engine_act(f->e, &a, &res, NULL), 0);
	assert_int_equal(res.met, 2);
	assert_int_equal(xst(f, "th7-nq")->status, KVPT_EXPECT_MET);
	assert_int_equal(xst(f, "th7-nq-du")->status, KVPT_EXPECT_MET);
	assert_int_equal(xst(f, "th7-nq")->by, role_idx(p, "bi-thu"));
	assert_int_equal(n->answered, 2);
	/* The conference expectation wants the Party secretary. */
	assert_int_equal(hold_conference(f, "chu-tich", "hn-du", &res), 0);
	assert_int_equal(res.met, 0);
	assert_int_equal(hold_conference(f, "bi-thu", "hn-du", &res), 0);
	assert_int_equal(res.met, 1);
	assert_int_equal(xst(f, "th7-hn")->status, KVPT_EXPECT_MET);
	/* Its output is issued by the chair's body. */
	log_pos(f, "\"doc_type\":\"resolution\",\"body\":\"dang-uy\","
		"\"document\":\"nq-du\",\"by\":\"bi-thu\"");
	assert_int_equal(n->issued, 7);
	assert_int_equal(n->actions, 6);
	assert_int_equal(n->answered, 3);
	/* Indices out of range are refused before anything is logged. */
	kvpt_action_init(&a, KVPT_ACTION_DOCUMENT, p->nroles);
	a.doc_type = 0;
	assert_int_equal(kvpt_engine_act(f->e, &a, NULL, NULL), KVPT_EINVAL);
	kvpt_action_init(&a, KVPT_ACTION_DOCUMENT, 0);
	assert_int_equal(kvpt_engine_act(f->e, &a, NULL, NULL), KVPT_EINVAL);
	kvpt_action_init(&a, KVPT_ACTION_REPORT, 0);
	a.inject = act_idx(p, "hn-du");
	assert_int_equal(kvpt_engine_act(f->e, &a, NULL, NULL), KVPT_EINVAL);
	/* So are texts the log could not carry. */
	kvpt_action_init(&a, KVPT_ACTION_REPORT, 0);
	a.text = "\xc3\x28";
	assert_int_equal(kvpt_engine_act(f->e, &a, NULL, NULL), KVPT_EINVAL);
	{
		char *big = malloc(KVPT_EVLOG_MAX_TEXT + 2);

		memset(big, 'x', KVPT_EVLOG_MAX_TEXT + 1);
		big[KVPT_EVLOG_MAX_TEXT + 1] = '\0';
		a.text = big;
		assert_int_equal(kvpt_engine_act(f->e, &a, NULL, NULL),
				 KVPT_ETOOBIG);
		free(big);
	}
	assert_int_equal(n->actions, 6);
}

static void test_transitions(void **state)
{
	struct fixture *f = *state;
	const struct kvpt_plan *p = f->plan;
	struct kvpt_action_result res;
	struct kvpt_buf why = KVPT_BUF_INIT;
	int defense = kvpt_plan_machine(p, "defense");
	int readiness = kvpt_plan_machine(p, "readiness");
	int xa = body_idx(p, "xa");

	start(f);
	kvpt_engine_run_until(f->e, AT(9, 0));
	assert_int_equal(kvpt_engine_release(f->e, act_idx(p, "th7"), -1), 0);

	/* Straight to wartime skips a state. */
	assert_int_equal(transition(f, "bi-thu", "defense", "xa", "wartime",
				    &res, &why), KVPT_EREFUSED);
	assert_string_equal(res.rule, "state-skip");
	assert_true(why.len > 0);
	/* Emergency needs the Party committee's resolution. */
	kvpt_buf_reset(&why);
	assert_int_equal(transition(f, "bi-thu", "defense", "xa", "emergency",
				    &res, &why), KVPT_EREFUSED);
	assert_string_equal(res.rule, "transition-missing-act");
	assert_non_null(strstr(why.s, "nghị quyết"));
	/* Refusals are logged with their rule and reason, never applied. */
	log_pos(f, "\"type\":\"transition.refused\",\"v\":1,"
		"\"machine\":\"defense\",\"body\":\"xa\",\"from\":\"normal\","
		"\"to\":\"emergency\",\"by\":\"bi-thu\","
		"\"rule\":\"transition-missing-act\",\"reason\":\"");
	assert_int_equal(kvpt_engine_body_state(f->e, defense, xa), 0);
	assert_int_equal(kvpt_engine_counters(f->e)->refused, 2);
	assert_int_equal(xst(f, "th7-tt")->status, KVPT_EXPECT_OPEN);

	/* After the Party committee's conference: emergency is legal, and
	 * meets the expectation of the state. */
	assert_int_equal(hold_conference(f, "bi-thu", "hn-du", NULL), 0);
	assert_int_equal(transition(f, "bi-thu", "defense", "xa", "emergency",
				    &res, NULL), 0);
	assert_null(res.rule);
	assert_int_equal(res.met, 1);
	assert_int_equal(kvpt_engine_body_state(f->e, defense, xa), 2);
	assert_int_equal(xst(f, "th7-tt")->status, KVPT_EXPECT_MET);
	log_pos(f, "\"type\":\"state.changed\",\"v\":1,\"machine\":\"defense\","
		"\"body\":\"xa\",\"from\":\"normal\",\"to\":\"emergency\"");

	/* Wartime needs a new Party resolution (the one that led into the
	 * emergency does not count again), then the People's Council's. */
	assert_int_equal(transition(f, "chu-tich-hdnd", "defense", "xa",
				    "wartime", &res, NULL), KVPT_EREFUSED);
	assert_string_equal(res.rule, "transition-missing-act");
	kvpt_engine_run_until(f->e, AT(9, 30));
	assert_int_equal(issue_document(f, "chu-tich-hdnd", "nq-hdnd"), 0);
	assert_int_equal(transition(f, "chu-tich-hdnd", "defense", "xa",
				    "wartime", &res, NULL), KVPT_EREFUSED);
	assert_string_equal(res.rule, "transition-missing-act");
	assert_int_equal(issue_document(f, "bi-thu", "nq-du"), 0);
	assert_int_equal(issue_document(f, "chu-tich-hdnd", "nq-hdnd"), 0);
	assert_int_equal(transition(f, "chu-tich-hdnd", "defense", "xa",
				    "wartime", &res, NULL), 0);
	assert_int_equal(kvpt_engine_body_state(f->e, defense, xa), 3);
	/* And no way back. */
	assert_int_equal(transition(f, "bi-thu", "defense", "xa", "situation",
				    &res, NULL), KVPT_EREFUSED);
	assert_string_equal(res.rule, "state-backward");

	/* Readiness rises on the commander's order; not for a committee. */
	assert_int_equal(transition(f, "cht", "readiness", "bchqs", "high",
				    &res, NULL), KVPT_EREFUSED);
	assert_int_equal(transition(f, "cht", "readiness", "ubnd", "high",
				    &res, NULL), KVPT_EREFUSED);
	assert_string_equal(res.rule, "state-not-applicable");
	{
		struct kvpt_action a;

		kvpt_action_init(&a, KVPT_ACTION_DOCUMENT, role_idx(p, "cht"));
		a.doc_type = kvpt_enum_parse(kvpt_doc_types, "order");
		assert_int_equal(kvpt_engine_act(f->e, &a, NULL, NULL), 0);
	}
	assert_int_equal(transition(f, "cht", "readiness", "bchqs", "high",
				    &res, NULL), 0);
	assert_int_equal(kvpt_engine_body_state(f->e, readiness,
						body_idx(p, "bchqs")), 2);
	assert_int_equal(kvpt_engine_body_state(f->e, readiness, xa), -1);
	kvpt_buf_release(&why);
}

static void test_act_order(void **state)
{
	struct fixture *f = *state;
	struct kvpt_action_result res;

	start(f);
	kvpt_engine_run_until(f->e, AT(7, 50));
	assert_int_equal(issue_document(f, "bi-thu", "nq-du"), 0);
	assert_int_equal(transition(f, "bi-thu", "defense", "xa", "emergency",
				    &res, NULL), 0);
	kvpt_engine_run_until(f->e, AT(8, 0));
	/* The People's Council resolves before the Party committee. */
	assert_int_equal(issue_document(f, "chu-tich-hdnd", "nq-hdnd"), 0);
	kvpt_engine_run_until(f->e, AT(8, 10));
	assert_int_equal(issue_document(f, "bi-thu", "nq-du"), 0);
	assert_int_equal(transition(f, "bi-thu", "defense", "xa", "wartime",
				    &res, NULL), KVPT_EREFUSED);
	assert_string_equal(res.rule, "act-order");
}

/* A scripted session: the same calls on a fresh engine. */
static void script(struct fixture *f)
{
	const struct kvpt_plan *p = f->plan;

	assert_int_equal(kvpt_engine_set_speed(f->e, 60000, 0), 0);
	start(f);
	kvpt_engine_advance(f->e, 30 * 1000);		/* 07:30 */
	kvpt_engine_hold(f->e, act_idx(p, "th2"));
	kvpt_engine_advance(f->e, 61 * 1000);		/* 08:01 */
	answer(f, KVPT_ACTION_ACK, "truong-ca", "th1", NULL);
	answer(f, KVPT_ACTION_ORDER, "truong-ca", "th1", NULL);
	kvpt_engine_pause(f->e, 70 * 1000);		/* 08:10 */
	kvpt_engine_resume(f->e, 500 * 1000);
	kvpt_engine_set_speed(f->e, 1000, 500 * 1000);
	kvpt_engine_advance(f->e, 600 * 1000);		/* 08:11:40 */
	kvpt_engine_release(f->e, act_idx(p, "th7"), role_idx(p, "chu-tich"));
	hold_conference(f, "bi-thu", "hn-du", NULL);
	transition(f, "bi-thu", "defense", "xa", "wartime", NULL, NULL);
	transition(f, "bi-thu", "defense", "xa", "emergency", NULL, NULL);
	kvpt_engine_jump(f->e, AT(8, 40), 700 * 1000);
	answer(f, KVPT_ACTION_REPORT, "truong-ca", "th1", NULL);
	kvpt_engine_release(f->e, act_idx(p, "th2"), -1);
	kvpt_engine_advance(f->e, 2000 * 1000);
}

static void test_log_deterministic(void **state)
{
	static const char first[] =
		"{\"seq\":1,\"t\":25200000,\"type\":\"exercise.started\","
		"\"v\":1,\"exercise\":\"E-1\",\"src\":0,\"speed\":60000}\n";
	struct fixture *f = *state;
	struct fixture g;
	const char *a, *b;
	size_t na, nb;

	script(f);
	g.plan = f->plan;
	g.e = new_engine(f->plan);
	script(&g);
	a = kvpt_engine_log(f->e, &na);
	b = kvpt_engine_log(g.e, &nb);
	assert_true(na > 1000);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na);
	/* Every line is versioned and numbered. */
	assert_memory_equal(a, first, sizeof(first) - 1);
	kvpt_engine_free(g.e);
}

static void assert_same_state(struct kvpt_engine *x, struct kvpt_engine *y)
{
	struct kvpt_buf a = KVPT_BUF_INIT, b = KVPT_BUF_INIT;

	kvpt_engine_state_json(x, &a);
	kvpt_engine_state_json(y, &b);
	if (a.len != b.len || memcmp(a.s, b.s, a.len))
		print_error("live:\n%s\nreplayed:\n%s\n", a.s, b.s);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.s, b.s, a.len);
	kvpt_buf_release(&a);
	kvpt_buf_release(&b);
}

static void test_replay_same_state(void **state)
{
	struct fixture *f = *state;
	struct kvpt_engine *r = NULL;
	struct kvpt_buf err = KVPT_BUF_INIT;
	struct fixture g;
	const char *log;
	size_t len;

	script(f);
	log = kvpt_engine_log(f->e, &len);
	assert_int_equal(kvpt_engine_replay(f->plan, log, len, &r, &err), 0);
	assert_non_null(r);
	assert_int_equal(err.len, 0);
	assert_same_state(f->e, r);

	/* The replayed engine goes on exactly as the live one, queue and
	 * clock included. */
	g.plan = f->plan;
	g.e = r;
	kvpt_engine_advance(f->e, 4000 * 1000);
	kvpt_engine_advance(r, 4000 * 1000);
	answer(f, KVPT_ACTION_ORDER, "cht", "th2", NULL);
	answer(&g, KVPT_ACTION_ORDER, "cht", "th2", NULL);
	kvpt_engine_run_until(f->e, AT(20, 0));
	kvpt_engine_run_until(r, AT(20, 0));
	kvpt_engine_end(f->e, 9000 * 1000);
	kvpt_engine_end(r, 9000 * 1000);
	assert_same_state(f->e, r);
	assert_int_equal(kvpt_engine_act(r, &(struct kvpt_action){
		.kind = KVPT_ACTION_ACK, .role = 0, .inject = -1,
		.doc_type = -1, .document = -1, .conference = -1,
		.machine = -1, .body = -1, .state = -1 }, NULL, NULL),
		KVPT_ESTATE);
	kvpt_engine_free(r);
	kvpt_buf_release(&err);
}

/* Replay of log with line `lineno` replaced by `line`; returns the error. */
static char *replay_damaged(struct fixture *f, int lineno, const char *line)
{
	struct kvpt_buf log = KVPT_BUF_INIT, err = KVPT_BUF_INIT;
	struct kvpt_engine *r = (struct kvpt_engine *)1;
	const char *s;
	size_t len;
	int n = 1;

	s = kvpt_engine_log(f->e, &len);
	while (*s) {
		const char *nl = strchr(s, '\n');

		if (n++ == lineno) {
			kvpt_buf_adds(&log, line);
			kvpt_buf_addc(&log, '\n');
		} else {
			kvpt_buf_add(&log, s, (size_t)(nl - s) + 1);
		}
		s = nl + 1;
	}
	assert_int_equal(kvpt_engine_replay(f->plan, log.s, log.len, &r, &err),
			 KVPT_EINVAL);
	assert_null(r);
	kvpt_buf_release(&log);
	return kvpt_buf_detach(&err);
}

static void expect_error(struct fixture *f, int lineno, const char *line,
			 const char *want)
{
	char *msg = replay_damaged(f, lineno, line);

	if (!strstr(msg, want))
		print_error("got: %s\nwant: %s\n", msg, want);
	assert_non_null(strstr(msg, want));
	free(msg);
}

static void test_replay_errors(void **state)
{
	struct fixture *f = *state;

	script(f);
	expect_error(f, 3, "{\"seq\":3,\"t\":", "log:3: malformed JSON");
	expect_error(f, 2, "{\"seq\":2,\"t\":27000000,\"type\":"
		     "\"inject.held\",\"v\":2,\"inject\":\"th2\"}",
		     "log:2: unsupported log version 2");
	expect_error(f, 4, "{\"seq\":4,\"t\":27000000,\"type\":"
		     "\"inject.held\",\"v\":1,\"inject\":\"th-99\"}",
		     "log:4: unknown activity 'th-99'");
	expect_error(f, 4, "{\"seq\":4,\"t\":27000000,\"type\":"
		     "\"inject.held\",\"v\":1}",
		     "log:4: missing field 'inject'");
	expect_error(f, 4, "{\"seq\":4,\"t\":27000000,\"type\":"
		     "\"inject.exploded\",\"v\":1}",
		     "log:4: unknown event type 'inject.exploded'");
	expect_error(f, 4, "{\"seq\":9,\"t\":27000000,\"type\":"
		     "\"inject.held\",\"v\":1,\"inject\":\"th2\"}",
		     "log:4: seq 9 does not follow 3");
	expect_error(f, 4, "[1,2]", "log:4: a line must be a JSON object");
	expect_error(f, 1, "{\"seq\":1,\"t\":0,\"type\":\"exercise.started\","
		     "\"v\":1,\"exercise\":\"OTHER\",\"src\":0,\"speed\":1000}",
		     "log:1: the log is of exercise 'OTHER'");
}

static void test_clock_driver(void **state)
{
	struct fixture *f = *state;
	const struct kvpt_plan *p = f->plan;

	/* 60× real time: a source second is an exercise minute. */
	kvpt_engine_set_speed(f->e, 60000, 0);
	assert_int_equal(kvpt_engine_advance(f->e, 0), KVPT_ESTATE);
	assert_int_equal(kvpt_engine_start(f->e, AT(7, 0), 1000), 0);
	assert_int_equal(kvpt_engine_start(f->e, AT(7, 0), 1000), KVPT_ESTATE);
	kvpt_engine_advance(f->e, 60 * 1000);
	assert_true(kvpt_engine_now(f->e) == AT(7, 59));
	assert_int_equal(inj(f, "th1")->status, KVPT_ACTIVITY_PENDING);
	kvpt_engine_advance(f->e, 61 * 1000);
	assert_int_equal(inj(f, "th1")->status, KVPT_ACTIVITY_RELEASED);

	/* Paused, time stands still. */
	assert_int_equal(kvpt_engine_pause(f->e, 61 * 1000), 0);
	assert_int_equal(kvpt_engine_pause(f->e, 61 * 1000), KVPT_ESTATE);
	kvpt_engine_advance(f->e, 3600 * 1000);
	assert_true(kvpt_engine_now(f->e) == AT(8, 0));
	assert_int_equal(kvpt_engine_resume(f->e, 3600 * 1000), 0);
	kvpt_engine_advance(f->e, 3605 * 1000);
	assert_true(kvpt_engine_now(f->e) == AT(8, 5));

	/* A jump makes what falls due on the way happen at its own time. */
	assert_int_equal(kvpt_engine_jump(f->e, AT(7, 0), 3605 * 1000),
			 KVPT_EINVAL);
	assert_int_equal(kvpt_engine_jump(f->e, AT(10, 0), 3605 * 1000), 0);
	assert_true(kvpt_engine_now(f->e) == AT(10, 0));
	assert_int_equal(xst(f, "th1-bc")->status, KVPT_EXPECT_MISSED);
	assert_true(xst(f, "th1-bc")->at == AT(8, 30) + 1);
	assert_int_equal(inj(f, "th8")->status, KVPT_ACTIVITY_RELEASED);
	assert_true(inj(f, "th8")->at == AT(9, 0));
	assert_true(log_pos(f, "\"expectation\":\"th1-bc\"") <
		    log_pos(f, "\"type\":\"clock.jumped\""));
	kvpt_engine_advance(f->e, 3606 * 1000);
	assert_true(kvpt_engine_now(f->e) == AT(10, 1));

	assert_int_equal(kvpt_engine_end(f->e, 3606 * 1000), 0);
	assert_int_equal(kvpt_engine_end(f->e, 3606 * 1000), KVPT_ESTATE);
	assert_int_equal(kvpt_engine_release(f->e, act_idx(p, "th7"), -1),
			 KVPT_ESTATE);
	assert_int_equal(kvpt_engine_advance(f->e, 4000 * 1000), KVPT_ESTATE);
	assert_true(kvpt_engine_ended(f->e));
}

/* The sink sees every line the in-memory log holds, in order. */
static void collect_line(void *user, const char *line, size_t len)
{
	kvpt_buf_add(user, line, len);
}

static void count_event(void *user, const struct kvpt_event *ev)
{
	(*(int *)user)++;
}

static void test_sink_and_observer(void **state)
{
	struct fixture *f = *state;
	struct kvpt_engine_opts opts;
	struct kvpt_buf lines = KVPT_BUF_INIT;
	struct fixture g;
	int nevents = 0;
	const char *log;
	size_t len;

	memset(&opts, 0, sizeof(opts));
	opts.sink = collect_line;
	opts.user = &lines;
	opts.observe = count_event;
	opts.observe_user = &nevents;
	g.plan = f->plan;
	g.e = kvpt_engine_new(f->plan, &opts);
	script(&g);
	script(f);
	log = kvpt_engine_log(f->e, &len);
	assert_int_equal(lines.len, len);
	assert_memory_equal(lines.s, log, len);
	assert_int_equal((uint64_t)nevents, kvpt_engine_counters(g.e)->events);
	kvpt_engine_free(g.e);
	kvpt_buf_release(&lines);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scheduled_release_order,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_conditional_releases,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_hold_cancel_manual,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_met_missed_late,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_answers,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_documents_and_conferences,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_transitions,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_act_order,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_deterministic,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_same_state,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_errors,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_driver,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sink_and_observer,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
