/*
 * test_export: the exports of a plan — the JSON document read back with
 * jansson, the iCalendar file read back with libical, the order of the
 * timeline, and the column arithmetic the outline relies on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "plan_fixture.h"

#include <jansson.h>
#include <libical/ical.h>

#include "base/xalloc.h"
#include "export/ics.h"
#include "export/outline.h"
#include "export/plan_json.h"
#include "export/text.h"
#include "export/timeline.h"
#include "plan/plan.h"

#define CLEAN_PLAN KVPT_SOURCE_DIR "/tests/check/clean.yaml"

static struct kvpt_plan *load_file(const char *path)
{
	return fixture_plan_file(path);
}

static struct kvpt_plan *load_text(const char *text)
{
	return fixture_plan_text("inline.yaml", text);
}

static json_t *export_json(const struct kvpt_plan *plan, unsigned flags)
{
	struct kvpt_buf out = KVPT_BUF_INIT;
	json_error_t jerr;
	json_t *doc;

	assert_int_equal(kvpt_plan_export_json(plan, flags, &out), 0);
	doc = json_loads(out.s, 0, &jerr);
	if (!doc)
		print_error("line %d: %s\n", jerr.line, jerr.text);
	assert_non_null(doc);
	kvpt_buf_release(&out);
	return doc;
}

static const char *jstr(json_t *v, const char *path)
{
	json_t *x = v;
	char key[64];
	const char *p = path;

	/* path: "a.b.0.c" */
	while (x && *p) {
		size_t n = strcspn(p, ".");

		assert_true(n < sizeof(key));
		memcpy(key, p, n);
		key[n] = '\0';
		p += n + (p[n] == '.');
		if (json_is_array(x))
			x = json_array_get(x, (size_t)atoi(key));
		else
			x = json_object_get(x, key);
	}
	if (!x || !json_is_string(x)) {
		print_error("no string at %s\n", path);
		fail();
	}
	return json_string_value(x);
}

static void test_json_ids_and_nesting(void **state)
{
	struct kvpt_plan *plan = load_file(CLEAN_PLAN);
	json_t *doc = export_json(plan, 0), *acts, *v;

	assert_string_equal(jstr(doc, "schema"), "kvpt-plan");
	assert_int_equal(json_integer_value(json_object_get(doc,
		"schema_version")), KVPT_EXPORT_SCHEMA_VERSION);
	assert_string_equal(jstr(doc, "exercise.code"), "T-1");
	assert_string_equal(jstr(doc, "exercise.kind"), "commune");
	assert_string_equal(jstr(doc, "exercise.day_n"), "2025-09-10");
	assert_string_equal(jstr(doc, "exercise.start.n"), "N 07:00");
	assert_string_equal(jstr(doc, "exercise.start.iso"),
			    "2025-09-10T07:00:00+07:00");

	/* Bodies: one root, the commune, with its five units nested. */
	v = json_object_get(doc, "bodies");
	assert_int_equal(json_array_size(v), 1);
	assert_string_equal(jstr(doc, "bodies.0.id"), "xa");
	assert_int_equal(json_array_size(json_object_get(json_array_get(v, 0),
							 "units")), 5);
	assert_string_equal(jstr(doc, "bodies.0.units.4.id"), "ca");
	assert_string_equal(jstr(doc, "roles.0.body"), "dang-uy");
	assert_string_equal(jstr(doc, "roles.0.person"), "an");
	assert_string_equal(jstr(doc, "people.0.clearance"), "secret");
	assert_string_equal(jstr(doc, "documents.0.type"), "resolution");

	/* The script is nested and refers by id. */
	assert_string_equal(jstr(doc, "phases.0.id"), "gd1");
	assert_string_equal(jstr(doc, "phases.0.problems.0.id"), "vd1");
	assert_string_equal(jstr(doc, "phases.0.problems.0.contents.0.id"),
			    "nd1");
	acts = json_object_get(json_array_get(json_object_get(json_array_get(
		json_object_get(json_array_get(json_object_get(doc, "phases"),
		0), "problems"), 0), "contents"), 0), "activities");
	assert_int_equal(json_array_size(acts), 4);
	assert_string_equal(jstr(acts, "0.id"), "hn-du");
	assert_string_equal(jstr(acts, "0.chair"), "bi-thu");
	assert_string_equal(jstr(acts, "0.attendees.0"), "cht");
	assert_string_equal(jstr(acts, "0.outputs.0"), "nq-du");
	assert_string_equal(jstr(acts, "0.transitions.0.machine"), "defense");
	assert_string_equal(jstr(acts, "0.transitions.0.to"), "emergency");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(acts,
		0), "duration_ms")), 3600000);
	assert_string_equal(jstr(acts, "3.id"), "th1");
	assert_string_equal(jstr(acts, "3.kind"), "situation");
	assert_string_equal(jstr(acts, "3.from"), "cht");
	assert_string_equal(jstr(acts, "3.to.0"), "truong-ca");
	assert_string_equal(jstr(acts, "3.release.kind"), "scheduled");
	assert_string_equal(jstr(acts, "3.expectations.0.id"), "th1-bc");
	assert_string_equal(jstr(acts, "3.expectations.0.by"), "truong-ca");
	assert_string_equal(jstr(acts, "3.expectations.0.due.n"), "N 11:00");
	assert_string_equal(jstr(acts, "3.expectations.0.due.iso"),
			    "2025-09-10T11:00:00+07:00");

	/* Defaults are filled in: both machines with their rules. */
	assert_string_equal(jstr(doc, "machines.0.id"), "readiness");
	assert_string_equal(jstr(doc, "machines.1.id"), "defense");
	assert_string_equal(jstr(doc, "machines.1.rules.2.to"), "wartime");
	assert_string_equal(jstr(doc, "machines.1.rules.2.acts.1.after"),
			    "act-1");
	assert_string_equal(jstr(doc, "evaluation.scale.0"),
			    "Hoàn thành tốt nhiệm vụ");
	assert_non_null(json_object_get(json_object_get(json_object_get(doc,
		"simulation"), "response"), "acknowledge"));
	json_decref(doc);
	kvpt_plan_free(plan);
}

static void test_json_deterministic(void **state)
{
	struct kvpt_buf a = KVPT_BUF_INIT, b = KVPT_BUF_INIT,
		c = KVPT_BUF_INIT;
	struct kvpt_plan *p1 = load_file(CLEAN_PLAN), *p2 = load_file(CLEAN_PLAN);
	json_t *ja, *jc;

	assert_int_equal(kvpt_plan_export_json(p1, 0, &a), 0);
	assert_int_equal(kvpt_plan_export_json(p2, 0, &b), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.s, b.s, a.len);
	/* Compact output says the same thing on one line. */
	assert_int_equal(kvpt_plan_export_json(p1, KVPT_JSON_COMPACT, &c), 0);
	assert_ptr_equal(strchr(c.s, '\n'), c.s + c.len - 1);
	ja = json_loads(a.s, 0, NULL);
	jc = json_loads(c.s, 0, NULL);
	assert_true(json_equal(ja, jc));
	json_decref(ja);
	json_decref(jc);
	kvpt_buf_release(&a);
	kvpt_buf_release(&b);
	kvpt_buf_release(&c);
	kvpt_plan_free(p1);
	kvpt_plan_free(p2);
}

/* A plan whose day N is not a date, with activities out of order, a tie
 * and a conditional inject. */
static const char relative_plan[] =
	"version: 1\n"
	"exercise: {code: R-1, name: Thử, kind: xã, start: N 07:00}\n"
	"bodies:\n"
	"  - id: xa\n"
	"    name: Xã Một\n"
	"    kind: commune\n"
	"    units:\n"
	"      - {id: ubnd, name: UBND xã, kind: peoples-committee}\n"
	"people:\n"
	"  - {id: an, name: Nguyễn Văn An}\n"
	"roles:\n"
	"  - {id: ct, name: Chủ tịch UBND, body: ubnd, person: an}\n"
	"phases:\n"
	"  - id: p1\n"
	"    title: Giai đoạn một\n"
	"    start: N 07:00\n"
	"    end: N 18:00\n"
	"    problems:\n"
	"      - id: v1\n"
	"        title: Vấn đề một\n"
	"        contents:\n"
	"          - id: c1\n"
	"            title: Nội dung một\n"
	"            activities:\n"
	"              - {id: late, kind: conference, title: Muộn, "
	"start: N 14:00, duration: 1h, chair: ct}\n"
	"              - {id: tie-a, kind: conference, title: Cùng giờ A, "
	"start: N 09:00, duration: 1h, chair: ct}\n"
	"              - {id: tie-b, kind: conference, title: Cùng giờ B, "
	"start: N 09:00, duration: 30m, chair: ct}\n"
	"              - id: th-a\n"
	"                kind: situation\n"
	"                title: Tình huống A\n"
	"                at: N 08:00\n"
	"                to: [ct]\n"
	"                expect: [{id: th-a-bc, kind: report, by: ct, "
	"within: 30m}]\n"
	"              - id: th-b\n"
	"                kind: situation\n"
	"                title: Tình huống B\n"
	"                to: [ct]\n"
	"                release: {on: missed, expectation: th-a-bc, "
	"delay: 5m}\n";

static void test_timeline_order_and_window(void **state)
{
	struct kvpt_plan *plan = load_text(relative_plan);
	struct kvpt_timeline tl = KVPT_TIMELINE_INIT;
	const char *want[] = { "th-a", "tie-a", "tie-b", "late" };
	int i;

	kvpt_timeline_build(&tl, plan, KVPT_TIME_NONE, KVPT_TIME_NONE);
	assert_int_equal(tl.nscheduled, 4);
	for (i = 0; i < 4; i++)
		assert_string_equal(plan->activities[tl.scheduled[i]].id,
				    want[i]);
	assert_int_equal(tl.npending, 1);
	assert_string_equal(plan->activities[tl.pending[0]].id, "th-b");
	kvpt_timeline_release(&tl);

	/* [N 09:45, N 14:00): tie-a still runs, tie-b has ended, late
	 * starts at the open end. */
	kvpt_timeline_build(&tl, plan, 9 * KVPT_MS_HOUR + 45 * KVPT_MS_MIN,
			    14 * KVPT_MS_HOUR);
	assert_int_equal(tl.nscheduled, 1);
	assert_string_equal(plan->activities[tl.scheduled[0]].id, "tie-a");
	assert_int_equal(tl.npending, 1);
	kvpt_timeline_release(&tl);
	kvpt_plan_free(plan);
}

static void test_ics_needs_day_n(void **state)
{
	struct kvpt_plan *plan = load_text(relative_plan);
	struct kvpt_timeline tl = KVPT_TIMELINE_INIT;
	struct kvpt_ics_opts opts = { 0, KVPT_LANG_VI };
	struct kvpt_buf out = KVPT_BUF_INIT;
	json_t *doc;

	kvpt_timeline_build(&tl, plan, KVPT_TIME_NONE, KVPT_TIME_NONE);
	assert_int_equal(kvpt_ics_format(plan, &tl, &opts, &out), KVPT_ESTATE);
	assert_int_equal(out.len, 0);
	/* The JSON export still works, without ISO times. */
	doc = export_json(plan, 0);
	assert_true(json_is_null(json_object_get(json_object_get(
		json_object_get(doc, "exercise"), "start"), "iso")));
	assert_string_equal(jstr(doc, "phases.0.problems.0.contents.0."
				 "activities.4.release.kind"), "on-missed");
	assert_string_equal(jstr(doc, "phases.0.problems.0.contents.0."
				 "activities.4.release.expectation"),
			    "th-a-bc");
	json_decref(doc);
	kvpt_buf_release(&out);
	kvpt_timeline_release(&tl);
	kvpt_plan_free(plan);
}

static icalcomponent *find_event(icalcomponent *cal, const char *uid)
{
	icalcomponent *ev;

	for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	     ev; ev = icalcomponent_get_next_component(cal,
						       ICAL_VEVENT_COMPONENT))
		if (!strcmp(icalcomponent_get_uid(ev), uid))
			return ev;
	return NULL;
}

static void test_ics_round_trip(void **state)
{
	struct kvpt_plan *plan = load_file(CLEAN_PLAN);
	struct kvpt_timeline tl = KVPT_TIMELINE_INIT;
	struct kvpt_ics_opts opts = { 1700000000000LL, KVPT_LANG_VI };
	struct kvpt_buf out = KVPT_BUF_INIT;
	icalcomponent *cal, *ev;
	icalproperty *prop;
	struct icaltimetype t;
	int n = 0;

	kvpt_timeline_build(&tl, plan, KVPT_TIME_NONE, KVPT_TIME_NONE);
	assert_int_equal(kvpt_ics_format(plan, &tl, &opts, &out), 0);
	cal = icalparser_parse_string(out.s);
	assert_non_null(cal);
	assert_int_equal(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
	assert_int_equal(icalrestriction_check(cal), 1);
	assert_non_null(icalcomponent_get_first_property(cal,
		ICAL_PRODID_PROPERTY));
	for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	     ev; ev = icalcomponent_get_next_component(cal,
						       ICAL_VEVENT_COMPONENT))
		n++;
	assert_int_equal(n, 4);

	/* N 07:30 local (+07:00) on 2025-09-10 is 00:30 UTC. */
	ev = find_event(cal, "hn-du@T-1.kvpt");
	assert_non_null(ev);
	t = icalcomponent_get_dtstart(ev);
	assert_true(icaltime_is_utc(t));
	assert_int_equal(t.year, 2025);
	assert_int_equal(t.month, 9);
	assert_int_equal(t.day, 10);
	assert_int_equal(t.hour, 0);
	assert_int_equal(t.minute, 30);
	t = icalcomponent_get_dtend(ev);
	assert_true(icaltime_is_utc(t));
	assert_int_equal(t.hour, 1);
	assert_int_equal(t.minute, 30);
	assert_string_equal(icalcomponent_get_summary(ev),
			    "Hội nghị Đảng ủy xã");
	assert_non_null(strstr(icalcomponent_get_description(ev),
			       "Nội dung 1: Các hội nghị"));
	assert_non_null(strstr(icalcomponent_get_description(ev),
			       "Chủ trì: Bí thư Đảng ủy (Nguyễn Văn An)"));
	prop = icalcomponent_get_first_property(ev, ICAL_CATEGORIES_PROPERTY);
	assert_non_null(prop);
	assert_string_equal(icalproperty_get_categories(prop), "hội nghị");
	t = icalcomponent_get_dtstamp(ev);
	assert_int_equal(t.year, 2023);

	/* An inject is one moment: no DTEND, and its text is not shared. */
	ev = find_event(cal, "th1@T-1.kvpt");
	assert_non_null(ev);
	assert_null(icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY));
	assert_int_equal(icalcomponent_get_dtstart(ev).hour, 3);
	assert_null(strstr(out.s, "tụ tập gây rối"));

	icalcomponent_free(cal);
	kvpt_buf_release(&out);
	kvpt_timeline_release(&tl);
	kvpt_plan_free(plan);
}

static void test_text_width(void **state)
{
	assert_int_equal(kvpt_text_width(""), 0);
	assert_int_equal(kvpt_text_width("hội nghị"), 8);
	assert_int_equal(kvpt_text_width("tình huống"), 10);
	/* Decomposed (NFD) "ế": e + circumflex + acute. */
	assert_int_equal(kvpt_text_width("e\xcc\x82\xcc\x81"), 1);
	assert_int_equal(kvpt_text_width("├─ N 07:30–09:00"), 16);
	assert_int_equal(kvpt_text_width("\xe4\xb8\xad"), 2);	/* 中 */
}

static void test_text_span(void **state)
{
	struct kvpt_buf b = KVPT_BUF_INIT;

	kvpt_text_span(&b, 7 * KVPT_MS_HOUR + 30 * KVPT_MS_MIN,
		       9 * KVPT_MS_HOUR);
	assert_string_equal(b.s, "N 07:30–09:00");
	kvpt_buf_reset(&b);
	kvpt_text_span(&b, KVPT_MS_DAY + 22 * KVPT_MS_HOUR,
		       2 * KVPT_MS_DAY + 2 * KVPT_MS_HOUR);
	assert_string_equal(b.s, "N+1 22:00 – N+2 02:00");
	kvpt_buf_reset(&b);
	kvpt_text_span(&b, 8 * KVPT_MS_HOUR, 8 * KVPT_MS_HOUR);
	assert_string_equal(b.s, "N 08:00");
	kvpt_buf_release(&b);
}

/* In the outline every activity line starts its title at one display
 * column, however many bytes its Vietnamese kind label takes. */
static void test_outline_columns(void **state)
{
	struct kvpt_plan *plan = load_file(CLEAN_PLAN);
	struct kvpt_buf out = KVPT_BUF_INIT;
	const char *titles[] = { "Hội nghị Đảng ủy xã", "Kỳ họp HĐND xã",
				 "Tình huống 1" };
	size_t col[3];
	int i;

	kvpt_outline_format(plan, KVPT_LANG_VI, &out);
	assert_non_null(strstr(out.s, "Diễn tập kiểm thử [T-1]\n"));
	assert_non_null(strstr(out.s, "└─ Giai đoạn 1  N 07:00–12:00  "
			       "Chuyển trạng thái  [gd1]\n"));
	assert_non_null(strstr(out.s, "hạn N 11:00  [th1-bc]\n"));
	for (i = 0; i < 3; i++) {
		const char *at = strstr(out.s, titles[i]), *bol = at;
		char *prefix;

		assert_non_null(at);
		while (bol > out.s && bol[-1] != '\n')
			bol--;
		prefix = xstrndup(bol, (size_t)(at - bol));
		col[i] = kvpt_text_width(prefix);
		free(prefix);
	}
	assert_int_equal(col[0], col[1]);
	assert_int_equal(col[1], col[2]);
	kvpt_buf_release(&out);
	kvpt_plan_free(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_ids_and_nesting),
		cmocka_unit_test(test_json_deterministic),
		cmocka_unit_test(test_timeline_order_and_window),
		cmocka_unit_test(test_ics_needs_day_n),
		cmocka_unit_test(test_ics_round_trip),
		cmocka_unit_test(test_text_width),
		cmocka_unit_test(test_text_span),
		cmocka_unit_test(test_outline_columns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
