/*
 * test_xlsx: workbooks from their JSON description.  A workbook written to
 * a file is a zip whose parts (read back with python3's zipfile) hold the
 * sheet names made fit for Excel and unique, Vietnamese text as given, the
 * header, frozen pane and autofilter, real date-times in the workbook's
 * offset, booleans, styled rows, and strings cut at Excel's limit.  Wrong
 * descriptions are refused with the place and the reason, and no file is
 * left behind.  Rendering to memory leaves no temporary file, and renders
 * on several threads at once all succeed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "model/model.h"
#include "report/xlsx.h"

static char tmpdir[64];

static int make_tmpdir(void **state)
{
	strcpy(tmpdir, "/tmp/kvpt-test-xlsx-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int remove_tmpdir(void **state)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char path[512];

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(tmpdir);
	return 0;
}

static json_t *parse(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	if (!j)
		print_error("bad test JSON: %s at %d:%d\n", e.text, e.line,
			    e.column);
	assert_non_null(j);
	return j;
}

static int file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* The bytes of a part of a zip file, read with python3's zipfile. */
static char *zip_part(const char *zip, const char *part)
{
	struct kvpt_buf cmd = KVPT_BUF_INIT, out = KVPT_BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *p;

	kvpt_buf_addf(&cmd, "python3 -c 'import sys, zipfile; "
		      "sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1])"
		      ".read(sys.argv[2]))' '%s' '%s'", zip, part);
	p = popen(cmd.s, "r");
	assert_non_null(p);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		kvpt_buf_add(&out, chunk, n);
	if (pclose(p) != 0)
		print_error("cannot read %s from %s (is python3 there?)\n",
			    part, zip);
	kvpt_buf_release(&cmd);
	assert_true(out.len > 0);
	return kvpt_buf_detach(&out);
}

#define ASSERT_HAS(hay, needle) do {					\
	if (!strstr((hay), (needle)))					\
		print_error("no '%s' in:\n%.3000s\n", (needle), (hay));	\
	assert_non_null(strstr((hay), (needle)));			\
} while (0)

static const char book_json[] =
	"{\"title\": \"Báo cáo tiến độ\", \"subject\": \"DT-1\","
	" \"author\": \"kvpt\", \"tz_offset_min\": 420,"
	" \"sheets\": ["
	"  {\"name\": \"Nhiệm vụ\", \"title\": \"Nhiệm vụ của các vai\","
	"   \"subtitle\": \"Độ mật: Mật\","
	"   \"columns\": ["
	"    {\"title\": \"Mã\", \"width\": 12},"
	"    {\"title\": \"Số\", \"type\": \"integer\"},"
	"    {\"title\": \"Hạn\", \"type\": \"datetime\"},"
	"    {\"title\": \"Xong\", \"type\": \"bool\"},"
	"    {\"title\": \"Ghi chú\", \"type\": \"text\", \"wrap\": true},"
	"    {\"title\": \"Ngày\", \"type\": \"date\"},"
	"    {\"title\": \"Tỉ lệ\", \"type\": \"number\"}],"
	"   \"rows\": ["
	"    [\"t-1\", 3, 1765000000000, true, \"Xã Tân Hòa\", 1765000000000, 0.25],"
	"    [\"t-2\", null, null, false, null, null, null],"
	"    [\"t-3\"]],"
	"   \"styles\": [\"overdue\", \"done\", null]},"
	"  {\"name\": \"NHIỆM VỤ\", \"columns\": [{\"title\": \"A\"}],"
	"   \"rows\": []},"
	"  {\"name\": \"a[b]:c*d?e/f\\\\g\", \"columns\": [{\"title\": \"A\"}],"
	"   \"rows\": []},"
	"  {\"name\": \"'Kế hoạch' của xã Tân Hòa năm 2026 — bản đầy đủ\","
	"   \"columns\": [{\"title\": \"A\"}], \"rows\": []},"
	"  {\"name\": \"History\", \"columns\": [{\"title\": \"A\"}],"
	"   \"rows\": []},"
	"  {\"columns\": [{\"title\": \"A\"}], \"rows\": [[\"x\"]]}]}";

static void test_write_workbook(void **state)
{
	struct kvpt_buf err = KVPT_BUF_INIT;
	char path[128], head[4] = { 0 };
	char *wb, *sheet;
	json_t *book = parse(book_json);
	FILE *f;

	snprintf(path, sizeof(path), "%s/book.xlsx", tmpdir);
	assert_int_equal(kvpt_xlsx_write(book, path, &err), 0);
	assert_null(err.s);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(head, 1, 4, f), 4);
	fclose(f);
	assert_memory_equal(head, "PK\x03\x04", 4);

	wb = zip_part(path, "xl/workbook.xml");
	ASSERT_HAS(wb, "name=\"Nhiệm vụ\"");
	/* Same name without case (Vietnamese letters too): numbered. */
	ASSERT_HAS(wb, "name=\"NHIỆM VỤ (2)\"");
	ASSERT_HAS(wb, "name=\"a_b__c_d_e_f_g\"");
	/* Leading apostrophe dropped, cut to 31 characters. */
	ASSERT_HAS(wb, "name=\"Kế hoạch' của xã Tân Hòa năm 20\"");
	ASSERT_HAS(wb, "name=\"History (2)\"");
	ASSERT_HAS(wb, "name=\"Trang 6\"");
	/* The header row repeats on printed pages. */
	ASSERT_HAS(wb, "_xlnm.Print_Titles");
	free(wb);

	sheet = zip_part(path, "xl/worksheets/sheet1.xml");
	ASSERT_HAS(sheet, "Nhiệm vụ của các vai");
	ASSERT_HAS(sheet, "Độ mật: Mật");
	ASSERT_HAS(sheet, ">Mã<");
	ASSERT_HAS(sheet, "Xã Tân Hòa");
	/* Title, subtitle, a blank line, the header on row 4: frozen below
	 * it, the filter over it and the three rows. */
	ASSERT_HAS(sheet, "ySplit=\"4\"");
	ASSERT_HAS(sheet, "<autoFilter ref=\"A4:G7\"/>");
	/* 1765000000000 ms at UTC+7 is 06/12/2025 12:46:40: Excel day
	 * 45997, and 0.532407… of it; the date alone is 45997. */
	ASSERT_HAS(sheet, "<v>45997.5324074");
	ASSERT_HAS(sheet, "<c r=\"F5\" s=\"");
	ASSERT_HAS(sheet, "<v>45997</v>");
	ASSERT_HAS(sheet, "<c r=\"D5\" s=\"");
	ASSERT_HAS(sheet, "t=\"b\"><v>1</v>");
	ASSERT_HAS(sheet, "<v>0.25</v>");
	ASSERT_HAS(sheet, "<v>3</v>");
	/* A styled row keeps its fill across empty cells. */
	ASSERT_HAS(sheet, "<c r=\"C6\" s=\"");
	free(sheet);

	sheet = zip_part(path, "xl/styles.xml");
	ASSERT_HAS(sheet, "dd/mm/yyyy hh:mm");
	ASSERT_HAS(sheet, "formatCode=\"dd/mm/yyyy\"");
	ASSERT_HAS(sheet, "FFFFC7CE");	/* overdue */
	free(sheet);

	sheet = zip_part(path, "docProps/core.xml");
	ASSERT_HAS(sheet, "Báo cáo tiến độ");
	free(sheet);
	json_decref(book);
}

/* The longest run of c in s. */
static size_t longest_run(const char *s, const char *c)
{
	size_t best = 0, run = 0, n = strlen(c);

	while (*s) {
		if (!strncmp(s, c, n)) {
			run++;
			s += n;
		} else {
			run = 0;
			s++;
		}
		if (run > best)
			best = run;
	}
	return best;
}

static void test_long_strings_cut(void **state)
{
	struct kvpt_buf x = KVPT_BUF_INIT, e = KVPT_BUF_INIT,
		err = KVPT_BUF_INIT;
	char path[128], *sheet;
	json_t *book;
	int i;

	for (i = 0; i < 40000; i++) {
		kvpt_buf_addc(&x, 'x');
		kvpt_buf_adds(&e, "\xf0\x9f\x98\x80");	/* U+1F600, 2 units */
	}
	book = parse("{\"sheets\": [{\"name\": \"s\", \"columns\": "
		     "[{\"title\": \"a\"}, {\"title\": \"b\"}], \"rows\": []}]}");
	json_array_append_new(json_object_get(json_array_get(
		json_object_get(book, "sheets"), 0), "rows"),
		json_pack("[ss]", x.s, e.s));
	snprintf(path, sizeof(path), "%s/long.xlsx", tmpdir);
	assert_int_equal(kvpt_xlsx_write(book, path, &err), 0);
	sheet = zip_part(path, "xl/worksheets/sheet1.xml");
	assert_int_equal(longest_run(sheet, "x"), KVPT_XLSX_MAX_STRING);
	assert_int_equal(longest_run(sheet, "\xf0\x9f\x98\x80"),
			 KVPT_XLSX_MAX_STRING / 2);
	free(sheet);
	json_decref(book);
	kvpt_buf_release(&x);
	kvpt_buf_release(&e);
	kvpt_buf_release(&err);
}

static void expect_refused(json_t *book, const char *reason)
{
	struct kvpt_buf err = KVPT_BUF_INIT, out = KVPT_BUF_INIT;
	char path[128];

	snprintf(path, sizeof(path), "%s/refused.xlsx", tmpdir);
	assert_int_equal(kvpt_xlsx_write(book, path, &err), KVPT_EINVAL);
	if (!err.s || !strstr(err.s, reason))
		print_error("reason: '%s', expected '%s'\n",
			    err.s ? err.s : "(none)", reason);
	assert_non_null(err.s);
	assert_non_null(strstr(err.s, reason));
	assert_false(file_exists(path));
	kvpt_buf_reset(&err);
	kvpt_buf_adds(&out, "kept");
	assert_int_equal(kvpt_xlsx_render(book, &out, &err), KVPT_EINVAL);
	assert_non_null(strstr(err.s, reason));
	assert_string_equal(out.s, "kept");
	/* err may be NULL. */
	assert_int_equal(kvpt_xlsx_write(book, path, NULL), KVPT_EINVAL);
	kvpt_buf_release(&err);
	kvpt_buf_release(&out);
	json_decref(book);
}

#define SHEET(cols, rows) \
	"{\"sheets\": [{\"name\": \"s\", \"columns\": " cols \
	", \"rows\": " rows "}]}"

static void test_bad_descriptions(void **state)
{
	static const struct {
		const char *json, *reason;
	} cases[] = {
		{ "[]", "workbook: expected an object, got an array" },
		{ "{\"sheets\": []}", "sheets: 0 sheets, expected 1 to 64" },
		{ "{\"sheets\": {}}", "sheets: expected an array" },
		{ "{\"sheet\": []}", "workbook: unknown key 'sheet'" },
		{ "{\"title\": 5, \"sheets\": []}",
		  "title: expected a string, got an integer" },
		{ "{\"tz_offset_min\": 5000, \"sheets\": []}",
		  "tz_offset_min: expected minutes east of UTC" },
		{ "{\"sheets\": [3]}", "sheets[0]: expected an object" },
		{ "{\"sheets\": [{\"name\": \"s\", \"rows\": []}]}",
		  "sheets[0].columns: expected an array, got nothing" },
		{ "{\"sheets\": [{\"name\": \"s\", \"colums\": []}]}",
		  "sheets[0]: unknown key 'colums'" },
		{ SHEET("[]", "[]"), "sheets[0].columns: 0 columns" },
		{ SHEET("[{\"title\": \"a\", \"type\": \"money\"}]", "[]"),
		  "sheets[0].columns[0].type: expected text, number" },
		{ SHEET("[{\"type\": \"text\"}]", "[]"),
		  "sheets[0].columns[0].title: expected a string" },
		{ SHEET("[{\"title\": \"a\", \"width\": 300}]", "[]"),
		  "sheets[0].columns[0].width" },
		{ SHEET("[{\"title\": \"a\", \"wrap\": 1}]", "[]"),
		  "sheets[0].columns[0].wrap: expected true or false" },
		{ SHEET("[{\"title\": \"a\", \"colour\": 1}]", "[]"),
		  "sheets[0].columns[0]: unknown key 'colour'" },
		{ SHEET("[{\"title\": \"a\"}]", "{}"),
		  "sheets[0].rows: expected an array, got an object" },
		{ SHEET("[{\"title\": \"a\"}]", "[[\"x\"], \"y\"]"),
		  "sheets[0].rows[1]: expected an array, got a string" },
		{ SHEET("[{\"title\": \"a\"}]", "[[\"x\", \"y\"]]"),
		  "sheets[0].rows[0]: 2 cells for 1 columns" },
		{ SHEET("[{\"title\": \"Mã\"}]", "[[1]]"),
		  "sheets[0].rows[0][0]: column 'Mã' is text, got an integer" },
		{ SHEET("[{\"title\": \"n\", \"type\": \"integer\"}]", "[[1.5]]"),
		  "column 'n' is integer, got a number" },
		{ SHEET("[{\"title\": \"n\", \"type\": \"number\"}]", "[[\"1\"]]"),
		  "column 'n' is number, got a string" },
		{ SHEET("[{\"title\": \"b\", \"type\": \"bool\"}]", "[[0]]"),
		  "column 'b' is bool, got an integer" },
		{ SHEET("[{\"title\": \"t\", \"type\": \"datetime\"}]",
			"[[\"2026-04-16\"]]"),
		  "column 't' is datetime (Unix ms), got a string" },
		{ SHEET("[{\"title\": \"t\", \"type\": \"datetime\"}]",
			"[[-3000000000000]]"),
		  "rows[0][0]: -3000000000000 ms is outside the dates Excel "
		  "shows" },
		{ SHEET("[{\"title\": \"t\", \"type\": \"date\"}]",
			"[[300000000000000]]"),
		  "is outside the dates Excel shows" },
		{ "{\"sheets\": [{\"name\": \"s\", \"columns\": [{\"title\": "
		  "\"a\"}], \"rows\": [[\"x\"], [\"y\"]], \"styles\": "
		  "[null]}]}", "sheets[0].styles: 1 styles for 2 rows" },
		{ "{\"sheets\": [{\"name\": \"s\", \"columns\": [{\"title\": "
		  "\"a\"}], \"rows\": [[\"x\"]], \"styles\": [\"red\"]}]}",
		  "sheets[0].styles[0]: expected null, \"overdue\"" },
		{ "{\"sheets\": [{\"name\": 7, \"columns\": [], \"rows\": []}]}",
		  "sheets[0].name: expected a string" },
		/* The second sheet is wrong: nothing is written at all. */
		{ "{\"sheets\": [{\"name\": \"s\", \"columns\": [{\"title\": "
		  "\"a\"}], \"rows\": []}, {\"name\": \"t\", \"columns\": "
		  "[{\"title\": \"a\"}], \"rows\": [[1]]}]}",
		  "sheets[1].rows[0][0]: column 'a' is text" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_refused(parse(cases[i].json), cases[i].reason);
}

static void test_limits(void **state)
{
	json_t *book, *sheets, *cols, *rows, *row;
	int i;

	/* 65 sheets */
	book = parse("{\"sheets\": []}");
	sheets = json_object_get(book, "sheets");
	for (i = 0; i < KVPT_XLSX_MAX_SHEETS + 1; i++)
		json_array_append_new(sheets, parse(
			"{\"columns\": [{\"title\": \"a\"}], \"rows\": []}"));
	expect_refused(book, "sheets: 65 sheets, expected 1 to 64");

	/* 257 columns */
	book = parse(SHEET("[]", "[]"));
	cols = json_object_get(json_array_get(json_object_get(book, "sheets"),
					      0), "columns");
	for (i = 0; i < KVPT_XLSX_MAX_COLUMNS + 1; i++)
		json_array_append_new(cols, json_pack("{ss}", "title", "c"));
	expect_refused(book, "sheets[0].columns: 257 columns, expected 1 to "
		       "256");

	/* A million and one rows (one row object, shared). */
	book = parse(SHEET("[{\"title\": \"a\"}]", "[]"));
	rows = json_object_get(json_array_get(json_object_get(book, "sheets"),
					      0), "rows");
	row = json_pack("[s]", "x");
	for (i = 0; i < KVPT_XLSX_MAX_ROWS + 1; i++)
		json_array_append(rows, row);
	json_decref(row);
	expect_refused(book, "sheets[0].rows: 1000001 rows, at most 1000000");
}

static void test_write_error(void **state)
{
	struct kvpt_buf err = KVPT_BUF_INIT;
	json_t *book = parse(SHEET("[{\"title\": \"a\"}]", "[[\"x\"]]"));
	char path[128];

	snprintf(path, sizeof(path), "%s/no/such/dir/a.xlsx", tmpdir);
	assert_int_equal(kvpt_xlsx_write(book, path, &err), KVPT_EIO);
	assert_non_null(err.s);
	assert_non_null(strstr(err.s, path));
	json_decref(book);
	kvpt_buf_release(&err);
}

static void test_render(void **state)
{
	struct kvpt_buf out = KVPT_BUF_INIT, err = KVPT_BUF_INIT;
	char dir[128], *saved = getenv("TMPDIR") ? xstrdup(getenv("TMPDIR")) :
				NULL;
	json_t *book = parse(book_json);

	snprintf(dir, sizeof(dir), "%s/render", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	setenv("TMPDIR", dir, 1);
	kvpt_buf_adds(&out, "before:");
	assert_int_equal(kvpt_xlsx_render(book, &out, &err), 0);
	assert_true(out.len > 1000);
	assert_memory_equal(out.s, "before:PK\x03\x04", 11);
	/* Nothing left in the temporary directory. */
	assert_int_equal(count_entries(dir), 0);
	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
	rmdir(dir);

	/* With no usable temporary directory: an I/O error, out unchanged. */
	setenv("TMPDIR", "/nonexistent/kvpt", 1);
	kvpt_buf_reset(&out);
	assert_int_equal(kvpt_xlsx_render(book, &out, &err), KVPT_EIO);
	assert_int_equal(out.len, 0);
	unsetenv("TMPDIR");
	json_decref(book);
	kvpt_buf_release(&out);
	kvpt_buf_release(&err);
}

struct job {
	const json_t *book;
	int failures;
	size_t bytes;
};

static void *render_many(void *arg)
{
	struct job *j = arg;
	struct kvpt_buf out = KVPT_BUF_INIT, err = KVPT_BUF_INIT;
	int i;

	for (i = 0; i < 6; i++) {
		kvpt_buf_reset(&out);
		if (kvpt_xlsx_render(j->book, &out, &err) ||
		    out.len < 4 || memcmp(out.s, "PK\x03\x04", 4))
			j->failures++;
		j->bytes = out.len;
	}
	kvpt_buf_release(&out);
	kvpt_buf_release(&err);
	return NULL;
}

static void test_threads(void **state)
{
	pthread_t t[4];
	struct job jobs[4];
	json_t *book = parse(SHEET("[{\"title\": \"Mã\"}, {\"title\": \"Hạn\", "
				   "\"type\": \"datetime\"}]", "[]"));
	json_t *rows = json_object_get(json_array_get(json_object_get(book,
						"sheets"), 0), "rows");
	int i;

	for (i = 0; i < 3000; i++)
		json_array_append_new(rows, json_pack("[sI]", "Tình huống",
			(json_int_t)1765000000000 + i * 60000));
	for (i = 0; i < 4; i++) {
		jobs[i].book = book;
		jobs[i].failures = 0;
		jobs[i].bytes = 0;
		assert_int_equal(pthread_create(&t[i], NULL, render_many,
						&jobs[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(jobs[i].failures, 0);
		assert_true(jobs[i].bytes > 10000);
	}
	json_decref(book);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_workbook),
		cmocka_unit_test(test_long_strings_cut),
		cmocka_unit_test(test_bad_descriptions),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
