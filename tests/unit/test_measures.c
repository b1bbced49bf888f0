/*
 * test_measures: measured performance from an event log (report/measures)
 * over a small commune plan driven through the engine, where every answer
 * is known: an expectation met early, one fulfilled late, one missed, one
 * never released, one cancelled; a transition refused for want of the
 * Party committee's resolution; the commune reaching "emergency" fifteen
 * minutes after the plan says; a cut with `until`; the verdict rule at its
 * boundaries; the same log giving the same bytes; and the after-action
 * workbook (report/aar) built from the measures and accepted by the XLSX
 * writer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "plan_fixture.h"

#include "base/buf.h"
#include "engine/engine.h"
#include "plan/plan.h"
#include "report/aar.h"
#include "report/measures.h"
#include "report/xlsx.h"

/* Exercise time of N hh:mm. */
#define AT(h, m) ((kvpt_time)(h) * KVPT_MS_HOUR + (kvpt_time)(m) * KVPT_MS_MIN)
#define MIN(m) ((int64_t)(m) * KVPT_MS_MIN)

static const char plan_yaml[] =
	"version: 1\n"
	"exercise:\n"
	"  code: M-1\n"
	"  name: Diễn tập kiểm thử đo lường\n"
	"  kind: xã\n"
	"  start: 2025-09-10T07:00:00+07:00\n"
	"  duration: 1d\n"
	"bodies:\n"
	"  - id: xa\n"
	"    name: Xã Hoằng Phong\n"
	"    kind: commune\n"
	"    units:\n"
	"      - {id: dang-uy, name: Đảng ủy xã, kind: party-committee}\n"
	"      - {id: ubnd, name: UBND xã, kind: peoples-committee}\n"
	"      - {id: bchqs, name: Ban CHQS xã, kind: military-command}\n"
	"      - {id: ca, name: Công an xã, kind: police}\n"
	"      - {id: mttq, name: Ủy ban MTTQ xã, kind: mass-organisation}\n"
	"roles:\n"
	"  - {id: bi-thu, name: Bí thư Đảng ủy, body: dang-uy}\n"
	"  - {id: chu-tich, name: Chủ tịch UBND, body: ubnd}\n"
	"  - {id: cht, name: Chỉ huy trưởng, body: bchqs}\n"
	"  - {id: truong-ca, name: Trưởng Công an xã, body: ca}\n"
	"documents:\n"
	"  - {id: nq-du, title: Nghị quyết Đảng ủy, type: nghị quyết, "
	"owner: dang-uy}\n"
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
	"                transitions:\n"
	"                  - {machine: defense, body: xa, to: emergency}\n"
	"              - id: th1\n"
	"                kind: situation\n"
	"                title: Gây rối trước trụ sở\n"
	"                at: N 08:00\n"
	"                to: [truong-ca]\n"
	"                expect:\n"
	"                  - {id: th1-ack, kind: ack, by: truong-ca, "
	"within: 10m}\n"
	"                  - {id: th1-bc, kind: report, by: truong-ca, "
	"within: 30m}\n"
	"              - id: th2\n"
	"                kind: situation\n"
	"                title: Lệnh cho dân quân\n"
	"                at: N 08:00\n"
	"                to: [cht]\n"
	"                expect:\n"
	"                  - {id: th2-ml, kind: order, by: cht, within: 15m}\n"
	"              - id: th3\n"
	"                kind: situation\n"
	"                title: Quyết định của UBND\n"
	"                at: N 09:00\n"
	"                to: [chu-tich]\n"
	"                expect:\n"
	"                  - {id: th3-qd, kind: decision, by: ubnd, "
	"within: 20m}\n"
	"              - id: th4\n"
	"                kind: situation\n"
	"                title: Tình huống dự phòng\n"
	"                to: [chu-tich]\n"
	"                release: manual\n"
	"                expect:\n"
	"                  - {id: th4-bc, kind: report, by: chu-tich, "
	"within: 10m}\n"
	"              - id: th5\n"
	"                kind: situation\n"
	"                title: Tình huống bị hủy\n"
	"                at: N 10:00\n"
	"                to: [cht]\n"
	"                expect:\n"
	"                  - {id: th5-bc, kind: report, by: cht, within: 10m}\n";

struct fixture {
	struct kvpt_plan *plan;
	struct kvpt_engine *e;
};

static int idx(const struct kvpt_strmap *map, const char *id)
{
	return fixture_id(map, id);
}

static void answer(struct fixture *f, enum kvpt_action_kind kind,
		   const char *role, const char *inject)
{
	struct kvpt_action a;

	kvpt_action_init(&a, kind, idx(&f->plan->role_ids, role));
	a.inject = idx(&f->plan->activity_ids, inject);
	assert_int_equal(kvpt_engine_act(f->e, &a, NULL, NULL), 0);
}

static int to_emergency(struct fixture *f)
{
	struct kvpt_action a;
	int m = kvpt_plan_machine(f->plan, "defense");

	kvpt_action_init(&a, KVPT_ACTION_TRANSITION,
			 idx(&f->plan->role_ids, "bi-thu"));
	a.machine = m;
	a.body = idx(&f->plan->body_ids, "xa");
	a.state = kvpt_machine_state(&f->plan->machines[m], "emergency");
	return kvpt_engine_act(f->e, &a, NULL, NULL);
}

static void run_until(struct fixture *f, kvpt_time t)
{
	assert_int_equal(kvpt_engine_run_until(f->e, t), 0);
}

/*
 * The exercise every test measures:
 *   08:00 th1, th2 released
 *   08:03 th1-ack answered (allowed 10 min: met, 3 min)
 *   08:10 bi-thu moves the commune to emergency without the resolution:
 *         refused [transition-missing-act]
 *   08:15 th2-ml missed; 08:30 th1-bc missed
 *   08:45 th1-bc answered (late, 45 min); the conference reported held,
 *         the commune moves to emergency (planned at 08:30: 15 min late)
 *   09:00 th3 released; 09:05 th5 cancelled; 09:10 th3-qd met (10 min)
 *   09:30 the exercise ends; th4 was never released
 */
static void play(struct fixture *f)
{
	struct kvpt_action a;

	assert_int_equal(kvpt_engine_start(f->e, KVPT_TIME_NONE, 0), 0);
	run_until(f, AT(8, 3));
	answer(f, KVPT_ACTION_ACK, "truong-ca", "th1");
	run_until(f, AT(8, 10));
	assert_int_equal(to_emergency(f), KVPT_EREFUSED);
	run_until(f, AT(8, 45));
	answer(f, KVPT_ACTION_REPORT, "truong-ca", "th1");
	kvpt_action_init(&a, KVPT_ACTION_CONFERENCE,
			 idx(&f->plan->role_ids, "bi-thu"));
	a.conference = idx(&f->plan->activity_ids, "hn-du");
	assert_int_equal(kvpt_engine_act(f->e, &a, NULL, NULL), 0);
	assert_int_equal(to_emergency(f), 0);
	run_until(f, AT(9, 5));
	assert_int_equal(kvpt_engine_cancel(f->e, idx(&f->plan->activity_ids,
						       "th5")), 0);
	run_until(f, AT(9, 10));
	answer(f, KVPT_ACTION_DECISION, "chu-tich", "th3");
	run_until(f, AT(9, 30));
	assert_int_equal(kvpt_engine_end(f->e, 0), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct kvpt_engine_opts opts;

	f->plan = fixture_plan_text("measures.yaml", plan_yaml);
	memset(&opts, 0, sizeof(opts));
	opts.keep_log = 1;
	f->e = kvpt_engine_new(f->plan, &opts);
	play(f);
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

/* The measures of the fixture's log up to until; fails the test on error. */
static json_t *measure(struct fixture *f, kvpt_time until,
		       const double *scores)
{
	struct kvpt_buf err = KVPT_BUF_INIT;
	const char *log;
	size_t len;
	json_t *m = NULL;
	int rc;

	log = kvpt_engine_log(f->e, &len);
	rc = kvpt_measures(f->plan, log, len, until, scores, &m, &err);
	if (rc)
		print_error("%s\n", err.s ? err.s : "");
	assert_int_equal(rc, 0);
	assert_non_null(m);
	kvpt_buf_release(&err);
	return m;
}

/* The element of array arr whose "id" is id. */
static json_t *by_id(const json_t *arr, const char *id)
{
	size_t i;

	for (i = 0; i < json_array_size(arr); i++) {
		json_t *x = json_array_get(arr, i);
		const char *xid = json_string_value(json_object_get(x, "id"));

		if (xid && !strcmp(xid, id))
			return x;
	}
	print_error("no '%s' in the array\n", id);
	fail();
	return NULL;
}

static json_t *body(const json_t *m, const char *id)
{
	return by_id(json_object_get(m, "bodies"), id);
}

/* The expectation row id of the body that owes it. */
static json_t *row(const json_t *m, const char *body_id, const char *id)
{
	return by_id(json_object_get(body(m, body_id), "expectations"), id);
}

/* The integer at a path of keys (NULL-terminated); fails on absence. */
static json_int_t geti(const json_t *o, ...)
{
	va_list ap;
	const char *k;

	va_start(ap, o);
	while ((k = va_arg(ap, const char *)))
		o = json_object_get(o, k);
	va_end(ap);
	if (!json_is_integer(o))
		fail_msg("not an integer");
	return json_integer_value(o);
}

static const char *gets(const json_t *o, ...)
{
	va_list ap;
	const char *k;

	va_start(ap, o);
	while ((k = va_arg(ap, const char *)))
		o = json_object_get(o, k);
	va_end(ap);
	if (!json_is_string(o))
		fail_msg("not a string");
	return json_string_value(o);
}

static int is_null(const json_t *o, const char *key)
{
	return json_is_null(json_object_get(o, key));
}

static void test_met_late_missed(void **state)
{
	struct fixture *f = *state;
	json_t *m = measure(f, KVPT_TIME_NONE, NULL);
	json_t *x;

	/* Met early: answered 3 min after release, 10 min allowed. */
	x = row(m, "ca", "th1-ack");
	assert_string_equal(gets(x, "status", NULL), "met");
	assert_string_equal(gets(x, "status_label", NULL), "đúng hạn");
	assert_true(geti(x, "released", NULL) == AT(8, 0));
	assert_true(geti(x, "deadline", NULL) == AT(8, 10));
	assert_true(geti(x, "answered", NULL) == AT(8, 3));
	assert_true(geti(x, "response_ms", NULL) == MIN(3));
	assert_true(geti(x, "allowed_ms", NULL) == MIN(10));
	assert_string_equal(gets(x, "owner", "role", NULL), "truong-ca");
	assert_string_equal(gets(x, "owner", "body", NULL), "ca");
	assert_string_equal(gets(x, "owner", "body_name", NULL), "Công an xã");
	assert_string_equal(gets(x, "answered_by", NULL), "truong-ca");

	/* Late: the 30-minute report came after 45. */
	x = row(m, "ca", "th1-bc");
	assert_string_equal(gets(x, "status", NULL), "late");
	assert_true(geti(x, "response_ms", NULL) == MIN(45));
	assert_true(geti(x, "allowed_ms", NULL) == MIN(30));

	/* Missed: never answered, no response time. */
	x = row(m, "bchqs", "th2-ml");
	assert_string_equal(gets(x, "status", NULL), "missed");
	assert_true(is_null(x, "answered"));
	assert_true(is_null(x, "response_ms"));
	assert_true(geti(x, "deadline", NULL) == AT(8, 15));

	/* Owed by a body (by: ubnd): the owner has no role. */
	x = row(m, "ubnd", "th3-qd");
	assert_string_equal(gets(x, "status", NULL), "met");
	assert_true(is_null(json_object_get(x, "owner"), "role"));
	assert_true(geti(x, "response_ms", NULL) == MIN(10));

	/* Never released, cancelled. */
	x = by_id(json_object_get(m, "injects"), "th4");
	assert_true(is_null(x, "released"));
	assert_string_equal(gets(x, "status", NULL), "pending");
	assert_string_equal(gets(json_array_get(json_object_get(x,
				"expectations"), 0), "status", NULL),
			    "waiting");
	x = by_id(json_object_get(m, "injects"), "th5");
	assert_string_equal(gets(x, "status", NULL), "cancelled");
	x = by_id(json_object_get(m, "injects"), "th1");
	assert_string_equal(gets(x, "how", NULL), "scheduled");
	assert_true(geti(x, "planned", NULL) == AT(8, 0));

	/* Counts: met th1-ack, th3-qd; late th1-bc; missed th2-ml. */
	assert_int_equal(geti(m, "overall", "counts", "total", NULL), 6);
	assert_int_equal(geti(m, "overall", "counts", "met", NULL), 2);
	assert_int_equal(geti(m, "overall", "counts", "late", NULL), 1);
	assert_int_equal(geti(m, "overall", "counts", "missed", NULL), 1);
	assert_int_equal(geti(m, "overall", "counts", "open", NULL), 0);
	assert_int_equal(geti(m, "overall", "counts", "cancelled", NULL), 1);
	assert_int_equal(geti(m, "overall", "counts", "waiting", NULL), 1);
	assert_int_equal(geti(m, "overall", "counts", "due", NULL), 4);
	assert_true(json_real_value(json_object_get(json_object_get(
		json_object_get(m, "overall"), "counts"), "in_time_share")) ==
		0.5);
	/* Responses 3, 10, 45 min: median 10, p90 the third. */
	assert_int_equal(geti(m, "overall", "response", "answered", NULL), 3);
	assert_true(geti(m, "overall", "response", "median_ms", NULL) ==
		    MIN(10));
	assert_true(geti(m, "overall", "response", "p90_ms", NULL) == MIN(45));
	/* Two answers of the police: median of an even count. */
	assert_true(geti(body(m, "ca"), "response", "median_ms", NULL) ==
		    (MIN(3) + MIN(45)) / 2);
	assert_true(json_is_true(json_object_get(m, "ended")));
	assert_true(geti(m, "t", NULL) == AT(9, 30));
	json_decref(m);
}

static void test_refused_and_states(void **state)
{
	struct fixture *f = *state;
	json_t *m = measure(f, KVPT_TIME_NONE, NULL);
	json_t *r, *b, *s;

	/* The refusal, held against the Party committee that asked. */
	assert_int_equal(json_array_size(json_object_get(m, "refused")), 1);
	r = json_array_get(json_object_get(m, "refused"), 0);
	assert_string_equal(gets(r, "rule", NULL), "transition-missing-act");
	assert_true(geti(r, "t", NULL) == AT(8, 10));
	assert_string_equal(gets(r, "body", NULL), "xa");
	assert_string_equal(gets(r, "by", NULL), "bi-thu");
	assert_string_equal(gets(r, "by_body", NULL), "dang-uy");
	assert_string_equal(gets(r, "from", NULL), "normal");
	assert_string_equal(gets(r, "to", NULL), "emergency");
	assert_true(json_is_true(json_object_get(r, "violation")));
	assert_true(json_is_true(json_object_get(r, "mechanism_order")));
	assert_non_null(strstr(gets(r, "reason", NULL), "nghị quyết"));
	b = body(m, "dang-uy");
	assert_int_equal(geti(b, "violations", NULL), 1);
	assert_int_equal(geti(b, "mechanism_order", NULL), 1);
	assert_int_equal(json_array_size(json_object_get(b, "refused")), 1);
	assert_int_equal(geti(m, "overall", "violations", NULL), 1);
	assert_int_equal(geti(m, "overall", "mechanism_order", NULL), 1);

	/* Emergency planned at the conference's end (08:30), reached at
	 * 08:45; "situation" was passed over, and not planned. */
	b = body(m, "xa");
	assert_int_equal(json_array_size(json_object_get(b, "states")), 2);
	s = json_array_get(json_object_get(b, "states"), 0);
	assert_string_equal(gets(s, "state", NULL), "situation");
	assert_true(is_null(s, "planned"));
	assert_true(geti(s, "reached", NULL) == AT(8, 45));
	assert_true(json_is_true(json_object_get(s, "skipped")));
	s = json_array_get(json_object_get(b, "states"), 1);
	assert_string_equal(gets(s, "machine", NULL), "defense");
	assert_string_equal(gets(s, "state", NULL), "emergency");
	assert_string_equal(gets(s, "state_name", NULL),
			    "khẩn cấp về quốc phòng");
	assert_true(geti(s, "planned", NULL) == AT(8, 30));
	assert_string_equal(gets(s, "planned_by", NULL), "hn-du");
	assert_true(geti(s, "reached", NULL) == AT(8, 45));
	assert_true(geti(s, "delay_ms", NULL) == MIN(15));
	assert_string_equal(gets(s, "status", NULL), "late");
	assert_false(json_is_true(json_object_get(s, "skipped")));
	assert_int_equal(geti(b, "states_summary", "late", NULL), 1);
	assert_int_equal(geti(b, "states_summary", "unplanned", NULL), 1);
	/* The body owes nothing: it is listed for its states. */
	assert_int_equal(geti(b, "counts", "total", NULL), 0);
	/* A body with nothing to show is not listed. */
	for (size_t i = 0; i < json_array_size(json_object_get(m, "bodies"));
	     i++)
		assert_string_not_equal(gets(json_array_get(json_object_get(m,
					"bodies"), i), "id", NULL), "mttq");

	/* The conference: on schedule, reported held at 08:45. */
	r = by_id(json_object_get(m, "activities"), "hn-du");
	assert_true(geti(r, "planned_start", NULL) == AT(7, 30));
	assert_true(geti(r, "started", NULL) == AT(7, 30));
	assert_true(geti(r, "ended", NULL) == AT(8, 30));
	assert_true(geti(r, "held", NULL) == AT(8, 45));
	assert_string_equal(gets(r, "body", NULL), "dang-uy");
	assert_int_equal(geti(m, "overall", "activities", "ended", NULL), 1);
	json_decref(m);
}

static void test_verdicts(void **state)
{
	struct fixture *f = *state;
	double scores[16];
	json_t *m = measure(f, KVPT_TIME_NONE, NULL), *v;
	int i;

	/* 1/1 in time, no violation: the best word. */
	v = json_object_get(body(m, "ubnd"), "verdict");
	assert_int_equal(geti(v, "index", NULL), 0);
	assert_string_equal(gets(v, "label", NULL), "Hoàn thành tốt nhiệm vụ");
	assert_string_equal(gets(v, "reason", NULL),
			    "Đạt 1/1 yêu cầu đúng hạn (100%), không có chuyển "
			    "trạng thái sai quy trình");
	/* 0/1: the last word. */
	v = json_object_get(body(m, "bchqs"), "verdict");
	assert_int_equal(geti(v, "index", NULL), 2);
	/* Nothing due but a violation: never the best word. */
	v = json_object_get(body(m, "dang-uy"), "verdict");
	assert_int_equal(geti(v, "index", NULL), 1);
	assert_non_null(strstr(gets(v, "reason", NULL),
			       "1 chuyển trạng thái sai quy trình"));
	/* Nothing due, nothing wrong, no score: no verdict. */
	v = json_object_get(body(m, "xa"), "verdict");
	assert_true(is_null(v, "index"));
	assert_true(is_null(v, "label"));
	/* Overall 2/4 = 50% with a 3-word scale: the last word. */
	v = json_object_get(json_object_get(m, "overall"), "verdict");
	assert_int_equal(geti(v, "index", NULL), 2);
	assert_non_null(strstr(gets(v, "reason", NULL),
			       "Đạt 2/4 yêu cầu đúng hạn (50%)"));
	json_decref(m);

	/* Observation scores: the mean with the measured index. */
	assert_true(f->plan->nbodies <= 16);
	for (i = 0; i < f->plan->nbodies; i++)
		scores[i] = -1;
	scores[idx(&f->plan->body_ids, "ubnd")] = 2.0;
	scores[idx(&f->plan->body_ids, "xa")] = 1.0;
	m = measure(f, KVPT_TIME_NONE, scores);
	v = json_object_get(body(m, "ubnd"), "verdict");
	assert_int_equal(geti(v, "measured_index", NULL), 0);
	assert_int_equal(geti(v, "index", NULL), 1);
	assert_true(json_real_value(json_object_get(v, "score")) == 2.0);
	v = json_object_get(body(m, "xa"), "verdict");
	assert_int_equal(geti(v, "index", NULL), 1);
	assert_true(is_null(v, "measured_index"));
	/* Overall: measured 2, mean score 1.5 → 1.75 → 2. */
	v = json_object_get(json_object_get(m, "overall"), "verdict");
	assert_int_equal(geti(v, "index", NULL), 2);
	assert_true(json_real_value(json_object_get(v, "score")) == 1.5);
	json_decref(m);
}

static void test_verdict_rule(void **state)
{
	(void)state;
	/* Shares at the boundaries, a 4-word scale. */
	assert_int_equal(kvpt_measures_verdict(18, 20, 0, -1, 4), 0);
	assert_int_equal(kvpt_measures_verdict(9, 10, 0, -1, 4), 0);
	assert_int_equal(kvpt_measures_verdict(89, 100, 0, -1, 4), 1);
	assert_int_equal(kvpt_measures_verdict(7, 10, 0, -1, 4), 1);
	assert_int_equal(kvpt_measures_verdict(69, 100, 0, -1, 4), 2);
	assert_int_equal(kvpt_measures_verdict(5, 10, 0, -1, 4), 2);
	assert_int_equal(kvpt_measures_verdict(49, 100, 0, -1, 4), 3);
	assert_int_equal(kvpt_measures_verdict(0, 10, 0, -1, 4), 3);
	/* Five words: below 0.5 is still the last. */
	assert_int_equal(kvpt_measures_verdict(49, 100, 0, -1, 5), 4);
	assert_int_equal(kvpt_measures_verdict(5, 10, 0, -1, 5), 2);
	/* Three words: [0.5, 0.7) is the last too. */
	assert_int_equal(kvpt_measures_verdict(7, 10, 0, -1, 3), 1);
	assert_int_equal(kvpt_measures_verdict(6, 10, 0, -1, 3), 2);
	assert_int_equal(kvpt_measures_verdict(5, 10, 0, -1, 3), 2);
	/* Two words. */
	assert_int_equal(kvpt_measures_verdict(9, 10, 0, -1, 2), 0);
	assert_int_equal(kvpt_measures_verdict(8, 10, 0, -1, 2), 1);
	/* A violation keeps the best word away, and only that. */
	assert_int_equal(kvpt_measures_verdict(10, 10, 1, -1, 4), 1);
	assert_int_equal(kvpt_measures_verdict(7, 10, 3, -1, 4), 1);
	assert_int_equal(kvpt_measures_verdict(5, 10, 1, -1, 4), 2);
	/* Nothing due. */
	assert_int_equal(kvpt_measures_verdict(0, 0, 0, -1, 4), -1);
	assert_int_equal(kvpt_measures_verdict(0, 0, 2, -1, 4), 1);
	assert_int_equal(kvpt_measures_verdict(0, 0, 0, 2.4, 4), 2);
	assert_int_equal(kvpt_measures_verdict(0, 0, 0, 2.5, 4), 3);
	/* Scores: the mean, a half rounded toward the worse word. */
	assert_int_equal(kvpt_measures_verdict(10, 10, 0, 0.9, 4), 0);
	assert_int_equal(kvpt_measures_verdict(10, 10, 0, 1.0, 4), 1);
	assert_int_equal(kvpt_measures_verdict(10, 10, 1, 0.0, 4), 1);
	assert_int_equal(kvpt_measures_verdict(0, 10, 0, 0.0, 4), 2);
	assert_int_equal(kvpt_measures_verdict(0, 10, 0, 99.0, 4), 3);
	/* A negative score is no score; no scale, no verdict. */
	assert_int_equal(kvpt_measures_verdict(10, 10, 0, -0.5, 4), 0);
	assert_int_equal(kvpt_measures_verdict(10, 10, 0, -1, 0), -1);
}

static void test_until(void **state)
{
	struct fixture *f = *state;
	json_t *m = measure(f, AT(8, 40), NULL), *b, *s;

	/* At 08:40 the report is missed (its late answer comes at 08:45),
	 * th3 is not released, the commune not yet in emergency. */
	assert_true(geti(m, "until", NULL) == AT(8, 40));
	assert_false(json_is_true(json_object_get(m, "ended")));
	assert_string_equal(gets(row(m, "ca", "th1-bc"), "status", NULL),
			    "missed");
	assert_string_equal(gets(row(m, "ubnd", "th3-qd"), "status", NULL),
			    "waiting");
	assert_int_equal(geti(m, "overall", "counts", "met", NULL), 1);
	assert_int_equal(geti(m, "overall", "counts", "late", NULL), 0);
	assert_int_equal(geti(m, "overall", "counts", "missed", NULL), 2);
	assert_int_equal(geti(m, "overall", "counts", "due", NULL), 3);
	assert_int_equal(geti(m, "overall", "refusals", NULL), 1);
	b = body(m, "xa");
	s = json_array_get(json_object_get(b, "states"), 0);
	assert_string_equal(gets(s, "state", NULL), "emergency");
	assert_true(is_null(s, "reached"));
	assert_true(is_null(s, "delay_ms"));
	assert_string_equal(gets(s, "status", NULL), "not_reached");
	/* Planned for 08:30, already past at the cut: not reached. */
	assert_int_equal(geti(b, "states_summary", "not_reached", NULL), 1);
	assert_true(is_null(by_id(json_object_get(m, "activities"), "hn-du"),
			    "held"));
	assert_true(geti(m, "t", NULL) <= AT(8, 40));
	json_decref(m);

	/* Before the start: nothing has happened. */
	m = measure(f, AT(6, 0), NULL);
	assert_int_equal(geti(m, "events", NULL), 0);
	assert_string_equal(gets(json_array_get(json_object_get(body(m, "xa"),
			"states"), 0), "status", NULL), "upcoming");
	assert_true(is_null(m, "t"));
	assert_int_equal(geti(m, "overall", "counts", "waiting", NULL), 6);
	assert_true(is_null(json_object_get(json_object_get(m, "overall"),
					    "verdict"), "index"));
	json_decref(m);

	/* The open expectation at a cut inside its window is not due. */
	m = measure(f, AT(9, 5), NULL);
	assert_string_equal(gets(row(m, "ubnd", "th3-qd"), "status", NULL),
			    "open");
	assert_int_equal(geti(m, "overall", "counts", "open", NULL), 1);
	assert_int_equal(geti(m, "overall", "counts", "due", NULL), 3);
	json_decref(m);
}

static void test_deterministic(void **state)
{
	struct fixture *f = *state, g;
	struct kvpt_engine_opts opts;
	json_t *a = measure(f, KVPT_TIME_NONE, NULL), *b;
	char *sa, *sb;

	/* The same calls again give the same log, the same bytes. */
	g.plan = f->plan;
	memset(&opts, 0, sizeof(opts));
	opts.keep_log = 1;
	g.e = kvpt_engine_new(g.plan, &opts);
	play(&g);
	b = measure(&g, KVPT_TIME_NONE, NULL);
	sa = json_dumps(a, JSON_COMPACT | JSON_PRESERVE_ORDER);
	sb = json_dumps(b, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(sa, sb);
	free(sb);
	json_decref(b);
	b = measure(f, KVPT_TIME_NONE, NULL);
	sb = json_dumps(b, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(sa, sb);
	/* Keys in the documented order. */
	assert_true(strncmp(sa, "{\"version\":1,\"exercise\":", 24) == 0);
	free(sa);
	free(sb);
	json_decref(a);
	json_decref(b);
	kvpt_engine_free(g.e);
}

static void test_bad_log(void **state)
{
	struct fixture *f = *state;
	struct kvpt_buf err = KVPT_BUF_INIT;
	const char *log;
	char *bad;
	size_t len;
	json_t *m = (json_t *)1;

	log = kvpt_engine_log(f->e, &len);
	bad = malloc(len + 1);
	memcpy(bad, log, len + 1);
	/* Break the third line. */
	*(strchr(strchr(bad, '\n') + 1, '\n') + 2) = 'x';
	assert_int_equal(kvpt_measures(f->plan, bad, len, KVPT_TIME_NONE,
				       NULL, &m, &err), KVPT_EINVAL);
	assert_null(m);
	assert_non_null(strstr(err.s, "log:3:"));
	/* A cut before the damage measures what precedes it. */
	kvpt_buf_reset(&err);
	assert_int_equal(kvpt_measures(f->plan, bad, len, AT(6, 0), NULL, &m,
				       &err), 0);
	json_decref(m);
	free(bad);
	kvpt_buf_release(&err);
}

static void test_aar_book(void **state)
{
	struct fixture *f = *state;
	json_t *m = measure(f, KVPT_TIME_NONE, NULL), *book, *sheets, *obs,
	       *verdicts, *lessons, *actions, *empty = json_array();
	struct kvpt_buf out = KVPT_BUF_INIT, err = KVPT_BUF_INIT;
	static const char *const names[] = { "Tổng hợp",
		"Đo lường theo cơ quan", "Phản ứng tình huống", "Trạng thái",
		"Bị từ chối", "Hoạt động", "Quan sát", "Bài học",
		"Khắc phục" };
	size_t i;

	obs = json_pack("[{s:I,s:s,s:s,s:s,s:f,s:s,s:s,s:s}, s]",
			"t", (json_int_t)AT(8, 5), "evaluator", "Đại tá A",
			"body", "ca", "activity", "th1", "score", 1.0,
			"strengths", "Tiếp nhận nhanh", "weaknesses",
			"Báo cáo chậm", "text", "Nhận xét chung", "not an object");
	verdicts = json_pack("[{s:s,s:s,s:s,s:s},{s:s,s:s}]", "body", "ca",
			     "verdict", "Hoàn thành nhiệm vụ", "reason",
			     "Báo cáo muộn", "by", "Đại tá A", "verdict",
			     "Hoàn thành nhiệm vụ", "reason", "Chung");
	lessons = json_pack("[s,{s:s}]", "Chuẩn bị kỹ phương án A2",
			    "text", "Nghị quyết trước, chuyển trạng thái sau");
	actions = json_pack("[{s:s,s:s,s:I,s:s},{s:s,s:s}]", "action",
			    "Sửa kế hoạch A2", "owner", "Công an xã", "due",
			    (json_int_t)1767200000000LL, "status", "done",
			    "action", "Tập huấn lại", "status", "open");
	book = kvpt_aar_book(m, obs, verdicts, lessons, actions, 420);
	sheets = json_object_get(book, "sheets");
	assert_int_equal(json_array_size(sheets), 9);
	for (i = 0; i < 9; i++)
		assert_string_equal(gets(json_array_get(sheets, i), "name",
					 NULL), names[i]);
	/* One row per expectation; the observation not an object skipped;
	 * lessons numbered. */
	assert_int_equal(json_array_size(json_object_get(json_array_get(
		sheets, 2), "rows")), 6);
	assert_int_equal(json_array_size(json_object_get(json_array_get(
		sheets, 6), "rows")), 1);
	assert_int_equal(json_integer_value(json_array_get(json_array_get(
		json_object_get(json_array_get(sheets, 7), "rows"), 1), 0)),
		2);
	/* The observation's body by name. */
	assert_string_equal(json_string_value(json_array_get(json_array_get(
		json_object_get(json_array_get(sheets, 6), "rows"), 0), 2)),
		"Công an xã");
	assert_int_equal(kvpt_xlsx_render(book, &out, &err), 0);
	assert_true(out.len > 4 && !memcmp(out.s, "PK", 2));
	json_decref(book);

	/* Everything but the measures empty. */
	book = kvpt_aar_book(m, empty, empty, empty, NULL, 420);
	kvpt_buf_reset(&out);
	if (kvpt_xlsx_render(book, &out, &err))
		print_error("%s\n", err.s);
	assert_int_equal(err.len, 0);
	json_decref(book);

	json_decref(obs);
	json_decref(verdicts);
	json_decref(lessons);
	json_decref(actions);
	json_decref(empty);
	json_decref(m);
	kvpt_buf_release(&out);
	kvpt_buf_release(&err);
}

static void test_duration(void **state)
{
	struct kvpt_buf b = KVPT_BUF_INIT;

	(void)state;
	kvpt_aar_duration(&b, 37000);
	assert_string_equal(b.s, "37 giây");
	kvpt_buf_reset(&b);
	kvpt_aar_duration(&b, MIN(12) + 5000);
	assert_string_equal(b.s, "12 phút 05 giây");
	kvpt_buf_reset(&b);
	kvpt_aar_duration(&b, -(KVPT_MS_HOUR + MIN(5)));
	assert_string_equal(b.s, "-1 giờ 05 phút");
	kvpt_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_met_late_missed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refused_and_states, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_verdicts, setup, teardown),
		cmocka_unit_test(test_verdict_rule),
		cmocka_unit_test_setup_teardown(test_until, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deterministic, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aar_book, setup, teardown),
		cmocka_unit_test(test_duration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
