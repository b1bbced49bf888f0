/*
 * test_plan_book: the workbook of a plan.  The sample commune plan gives
 * the seven sheets in order, one row per body, role, committee member,
 * document, activity and inject, Vietnamese labels and names as written,
 * and date-time columns in Unix ms next to the exercise-time ones; seen
 * with a lower clearance, classified documents and injects are gone, text
 * and all; a plan whose day N is no date has no date-time columns; and
 * report/xlsx accepts every description built.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "plan_fixture.h"

#include <jansson.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "report/plan_book.h"
#include "report/xlsx.h"

#define SAMPLE KVPT_SOURCE_DIR "/examples/xa-2026-ptkv.yaml"
#define CLEAN KVPT_SOURCE_DIR "/tests/check/clean.yaml"

static const char *const names[] = {
	"Thông tin chung", "Khung tập", "Vai tập", "Các ban", "Văn kiện",
	"Tiến trình", "Tình huống" };

static json_t *sheet(json_t *book, const char *name)
{
	json_t *sheets = json_object_get(book, "sheets"), *s;
	size_t i;

	json_array_foreach(sheets, i, s)
		if (!strcmp(json_string_value(json_object_get(s, "name")), name))
			return s;
	print_error("no sheet '%s'\n", name);
	fail();
	return NULL;
}

static size_t nrows(json_t *book, const char *name)
{
	return json_array_size(json_object_get(sheet(book, name), "rows"));
}

/* Index of the column titled title, or -1. */
static int column(json_t *book, const char *name, const char *title)
{
	json_t *cols = json_object_get(sheet(book, name), "columns"), *c;
	size_t i;

	json_array_foreach(cols, i, c)
		if (!strcmp(json_string_value(json_object_get(c, "title")),
			    title))
			return (int)i;
	return -1;
}

static json_t *cell(json_t *book, const char *name, size_t row, int col)
{
	json_t *r = json_array_get(json_object_get(sheet(book, name), "rows"),
				   row);

	assert_true(col >= 0);
	return json_array_get(r, (size_t)col);
}

/* The first row of sheet name whose first cell is id, or -1. */
static int row_of(json_t *book, const char *name, const char *id)
{
	json_t *rows = json_object_get(sheet(book, name), "rows"), *r;
	size_t i;

	json_array_foreach(rows, i, r)
		if (json_is_string(json_array_get(r, 0)) &&
		    !strcmp(json_string_value(json_array_get(r, 0)), id))
			return (int)i;
	return -1;
}

static void assert_renders(json_t *book)
{
	struct kvpt_buf out = KVPT_BUF_INIT, err = KVPT_BUF_INIT;
	int rc = kvpt_xlsx_render(book, &out, &err);

	if (rc)
		print_error("render: %s\n", err.s ? err.s : "?");
	assert_int_equal(rc, 0);
	assert_memory_equal(out.s, "PK", 2);
	kvpt_buf_release(&out);
	kvpt_buf_release(&err);
}

static void test_sample_plan(void **state)
{
	struct kvpt_plan *plan = fixture_plan_file(SAMPLE);
	json_t *book = kvpt_plan_book(plan, KVPT_CLASS_TOP_SECRET), *sheets;
	size_t members = 0, injects = 0, i;
	int r, c, a;

	sheets = json_object_get(book, "sheets");
	assert_int_equal(json_array_size(sheets), 7);
	for (i = 0; i < 7; i++)
		assert_string_equal(json_string_value(json_object_get(
			json_array_get(sheets, i), "name")), names[i]);
	assert_int_equal(json_integer_value(json_object_get(book,
			 "tz_offset_min")), 420);

	for (i = 0; i < (size_t)plan->ncommittees; i++)
		members += plan->committees[i].nmembers ?
			   (size_t)plan->committees[i].nmembers : 1;
	for (i = 0; i < (size_t)plan->nactivities; i++)
		injects += plan->activities[i].kind == KVPT_ACT_SITUATION;
	assert_int_equal(nrows(book, "Khung tập"), plan->nbodies);
	assert_int_equal(nrows(book, "Vai tập"), plan->nroles);
	assert_int_equal(nrows(book, "Các ban"), members);
	assert_int_equal(nrows(book, "Văn kiện"), plan->ndocuments);
	assert_int_equal(nrows(book, "Tiến trình"), plan->nactivities);
	assert_int_equal(nrows(book, "Tình huống"), injects);

	/* Names and labels as written, in Vietnamese. */
	r = row_of(book, "Vai tập", "bi-thu-xa");
	assert_true(r >= 0);
	assert_string_equal(json_string_value(cell(book, "Vai tập", (size_t)r,
		column(book, "Vai tập", "Vai tập"))), "Bí thư Đảng ủy xã");
	assert_string_equal(json_string_value(cell(book, "Vai tập", (size_t)r,
		column(book, "Vai tập", "Người đảm nhiệm"))), "Lê Văn Tiến");
	r = row_of(book, "Khung tập", "bchqs-xa");
	assert_string_equal(json_string_value(cell(book, "Khung tập",
		(size_t)r, column(book, "Khung tập", "Loại"))),
		"cơ quan quân sự");
	assert_string_equal(json_string_value(cell(book, "Khung tập",
		(size_t)r, column(book, "Khung tập", "Trực thuộc"))),
		"Xã Tân Hòa");

	/* Exercise time and real time side by side. */
	r = row_of(book, "Tình huống", "th-01");
	assert_string_equal(json_string_value(cell(book, "Tình huống",
		(size_t)r, column(book, "Tình huống", "Thời điểm"))), "N 07:00");
	/* N is 2026-04-16 at UTC+7: 07:00 there is 00:00 UTC. */
	assert_int_equal(json_integer_value(cell(book, "Tình huống", (size_t)r,
		column(book, "Tình huống", "Ngày giờ"))), 1776297600000LL);
	assert_non_null(strstr(json_string_value(cell(book, "Tình huống",
		(size_t)r, column(book, "Tình huống", "Yêu cầu xử trí"))),
		"tiếp nhận · Chủ tịch UBND xã · trong 5m"));
	c = column(book, "Tiến trình", "Mã");
	for (a = 0; a < (int)nrows(book, "Tiến trình"); a++)
		if (!strcmp(json_string_value(cell(book, "Tiến trình",
			    (size_t)a, c)), "hn-ubnd-xa"))
			break;
	assert_true(a < (int)nrows(book, "Tiến trình"));
	assert_string_equal(json_string_value(cell(book, "Tiến trình",
		(size_t)a, column(book, "Tiến trình", "Bắt đầu"))), "N 07:10");
	assert_string_equal(json_string_value(cell(book, "Tiến trình",
		(size_t)a, column(book, "Tiến trình", "Kết thúc"))), "N 07:50");
	assert_int_equal(json_integer_value(cell(book, "Tiến trình", (size_t)a,
		column(book, "Tiến trình", "Ngày giờ bắt đầu"))),
		1776297600000LL + 10 * 60000);
	assert_int_equal(json_integer_value(cell(book, "Tiến trình", (size_t)a,
		column(book, "Tiến trình", "Ngày giờ kết thúc"))),
		1776297600000LL + 50 * 60000);
	r = row_of(book, "Thông tin chung", "Ngày N");
	assert_string_equal(json_string_value(cell(book, "Thông tin chung",
		(size_t)r, 1)), "16/04/2026 (Asia/Ho_Chi_Minh, UTC+07:00)");
	r = row_of(book, "Thông tin chung", "Bắt đầu");
	assert_string_equal(json_string_value(cell(book, "Thông tin chung",
		(size_t)r, 1)), "N 07:00 (16/04/2026 07:00)");
	assert_renders(book);
	json_decref(book);
	kvpt_plan_free(plan);
}

static void test_clearance(void **state)
{
	struct kvpt_plan *plan = fixture_plan_file(SAMPLE);
	json_t *book = kvpt_plan_book(plan, KVPT_CLASS_NONE);
	char *dump = json_dumps(book, 0);
	size_t docs = 0, acts = 0, injects = 0, hidden = 0;
	int i;

	for (i = 0; i < plan->ndocuments; i++)
		docs += plan->documents[i].classification == KVPT_CLASS_NONE;
	for (i = 0; i < plan->nactivities; i++) {
		const struct kvpt_activity *a = &plan->activities[i];

		if (a->classification != KVPT_CLASS_NONE) {
			hidden++;
			/* Neither its id nor its text is anywhere. */
			assert_null(strstr(dump, a->id));
			if (a->text)
				assert_null(strstr(dump, a->text));
			continue;
		}
		acts++;
		injects += a->kind == KVPT_ACT_SITUATION;
	}
	assert_true(hidden > 0);
	assert_true(docs < (size_t)plan->ndocuments);
	assert_int_equal(nrows(book, "Văn kiện"), docs);
	assert_int_equal(nrows(book, "Tiến trình"), acts);
	assert_int_equal(nrows(book, "Tình huống"), injects);
	assert_int_equal(row_of(book, "Văn kiện", "pa-a2-xa"), -1);
	assert_true(row_of(book, "Văn kiện", "kh-dien-tap") >= 0);
	/* What is not classified is all there. */
	assert_int_equal(nrows(book, "Vai tập"), plan->nroles);
	assert_renders(book);
	free(dump);
	json_decref(book);
	kvpt_plan_free(plan);
}

/* The clean checker plan with day N left undated. */
static void test_day_n_not_a_date(void **state)
{
	struct kvpt_buf text = KVPT_BUF_INIT;
	struct kvpt_plan *plan;
	json_t *book;
	char chunk[4096], *at;
	size_t n;
	FILE *f = fopen(CLEAN, "r");
	int r;

	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		kvpt_buf_add(&text, chunk, n);
	fclose(f);
	at = strstr(text.s, "start: 2025-09-10T07:00:00+07:00");
	assert_non_null(at);
	/* Same length, so the rest stays in place. */
	memcpy(at, "start: N 07:00                  ", 32);
	plan = fixture_plan_text("relative.yaml", text.s);
	book = kvpt_plan_book(plan, KVPT_CLASS_TOP_SECRET);
	assert_int_equal(column(book, "Tiến trình", "Ngày giờ bắt đầu"), -1);
	assert_int_equal(column(book, "Tình huống", "Ngày giờ"), -1);
	assert_int_equal(column(book, "Văn kiện", "Hạn (ngày giờ)"), -1);
	assert_true(column(book, "Tiến trình", "Bắt đầu") >= 0);
	r = row_of(book, "Thông tin chung", "Ngày N");
	assert_string_equal(json_string_value(cell(book, "Thông tin chung",
		(size_t)r, 1)), "chưa xác định");
	assert_int_equal(nrows(book, "Tiến trình"), plan->nactivities);
	assert_renders(book);
	json_decref(book);
	kvpt_plan_free(plan);
	kvpt_buf_release(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_plan),
		cmocka_unit_test(test_clearance),
		cmocka_unit_test(test_day_n_not_a_date),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
