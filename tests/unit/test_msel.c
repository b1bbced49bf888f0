/*
 * test_msel: importing an inject schedule from CSV (plan/msel.h).  The CSV
 * reader's edge cases (quotes, line breaks in fields, BOM, delimiters,
 * CRLF, bad UTF-8, limits), the columns found by their headers or a
 * mapping, every error a row can have with its row number and column,
 * a successful import whose new plan loads with the injects where they
 * belong, the four ways the main file's include: is edited, and that one
 * bad row leaves nothing to store.
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

#include "base/xalloc.h"
#include "check/check.h"
#include "model/extime.h"
#include "plan/msel.h"
#include "plan/plan.h"

/* The plan: two phases (N 07:00–12:00, N+1 07:00–17:00), day N fixed to
 * 2026-12-10, four roles of which one (van-thu) is not cleared for Mật,
 * and an activity already named msel-2. */
#define PLAN_HEAD \
	"exercise:\n" \
	"  code: T-1\n" \
	"  name: Diễn tập thử\n" \
	"  kind: xã\n" \
	"  start: 2026-12-10T07:00:00+07:00\n" \
	"  duration: 2 ngày\n" \
	"bodies:\n" \
	"  - id: xa\n" \
	"    name: Xã Thử\n" \
	"    kind: xã\n" \
	"    units:\n" \
	"      - { id: ubnd, name: UBND xã, kind: UBND }\n" \
	"      - { id: bchqs, name: Ban CHQS xã, kind: cơ quan quân sự }\n" \
	"      - { id: bdd-b, name: Ban Đạo diễn, kind: Ban Đạo diễn }\n" \
	"people:\n" \
	"  - { id: an, name: Nguyễn An, clearance: Mật }\n" \
	"  - { id: binh, name: Trần Bình, clearance: Mật }\n" \
	"  - { id: chi, name: Lê Chi }\n" \
	"  - { id: dung, name: Phạm Dũng, clearance: Tối mật }\n" \
	"roles:\n" \
	"  - { id: ct-ubnd, name: Chủ tịch UBND xã, body: ubnd, person: an }\n" \
	"  - { id: cht-qs, name: Chỉ huy trưởng, body: bchqs, person: binh }\n" \
	"  - { id: van-thu, name: Văn thư, body: ubnd, person: chi }\n" \
	"  - { id: tro-ly, name: Trợ lý Ban Đạo diễn, body: bdd-b, person: dung }\n" \
	"committees:\n" \
	"  - { id: bdd, name: Ban Đạo diễn diễn tập, kind: BĐD, head: dung }\n"

#define PLAN_PHASES \
	"phases:\n" \
	"  - id: gd-1\n" \
	"    title: Giai đoạn 1\n" \
	"    start: N 07:00\n" \
	"    end: N 12:00\n" \
	"    problems:\n" \
	"      - id: vd-1\n" \
	"        title: Vấn đề 1\n" \
	"        contents:\n" \
	"          - id: nd-1\n" \
	"            title: Nội dung 1\n" \
	"            activities:\n" \
	"              - id: th-01\n" \
	"                kind: tình huống\n" \
	"                title: Có sẵn\n" \
	"                at: N 07:30\n" \
	"                from: tro-ly\n" \
	"                to: ct-ubnd\n" \
	"                expect:\n" \
	"                  - { kind: tiếp nhận, by: ct-ubnd, within: 5m }\n" \
	"              - id: msel-2\n" \
	"                kind: tình huống\n" \
	"                title: Trùng tên sinh tự động\n" \
	"                at: N 08:00\n" \
	"                to: cht-qs\n" \
	"                expect:\n" \
	"                  - { kind: tiếp nhận, by: cht-qs, within: 5m }\n" \
	"  - id: gd-2\n" \
	"    title: Giai đoạn 2\n" \
	"    start: N+1 07:00\n" \
	"    end: N+1 17:00\n"

#define PLAN PLAN_HEAD PLAN_PHASES

/* An included file the include: variants name. */
#define PART "people:\n  - { id: em, name: Đỗ Em }\n"

#define HEADER "Thời điểm,Tiêu đề,Nơi nhận\n"

struct run {
	int rc;
	json_t *out;
	struct kvpt_buf err;
	struct kvpt_plan_file files[4];
	int nfiles;
	const char *main_path;
};

static void run_files(struct run *r, const char *csv, size_t csv_len,
		      const char *mapping)
{
	struct kvpt_msel_input in;
	json_t *map = NULL;

	if (mapping) {
		json_error_t je;

		map = json_loads(mapping, 0, &je);
		assert_non_null(map);
	}
	memset(&in, 0, sizeof(in));
	in.main_path = r->main_path;
	in.files = r->files;
	in.nfiles = r->nfiles;
	in.csv = csv;
	in.csv_len = csv_len;
	in.mapping = map;
	in.new_path = "msel-1.yaml";
	in.source_name = "lich.csv";
	kvpt_buf_init(&r->err);
	r->out = NULL;
	r->rc = kvpt_msel_import(&in, &r->out, &r->err);
	json_decref(map);
}

/* Import csv into a plan of one file (PLAN, or main when given). */
static void run(struct run *r, const char *main, const char *csv,
		const char *mapping)
{
	memset(r, 0, sizeof(*r));
	r->main_path = "plan.yaml";
	r->files[0].path = "plan.yaml";
	r->files[0].text = main ? main : PLAN;
	r->files[0].len = strlen(r->files[0].text);
	r->nfiles = 1;
	run_files(r, csv, strlen(csv), mapping);
}

static void done(struct run *r)
{
	json_decref(r->out);
	kvpt_buf_release(&r->err);
}

static void dump(const json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(2));

	print_error("%s\n", s ? s : "(null)");
	free(s);
}

/* The import of a string literal failed as a whole. */
#define REFUSED(lit, mapping, rc, text) \
	assert_refused(lit, sizeof(lit) - 1, mapping, rc, text)

/* The import failed as a whole with code rc and a reason holding text. */
static void assert_refused(const char *csv, size_t len, const char *mapping,
			   int rc, const char *text)
{
	struct run r;

	memset(&r, 0, sizeof(r));
	r.main_path = "plan.yaml";
	r.files[0].path = "plan.yaml";
	r.files[0].text = PLAN;
	r.files[0].len = strlen(PLAN);
	r.nfiles = 1;
	run_files(&r, csv, len, mapping);
	if (r.rc != rc || !r.err.s || !strstr(r.err.s, text))
		print_error("rc %d, err '%s' (wanted %d, '%s')\n", r.rc,
			    r.err.s ? r.err.s : "", rc, text);
	assert_int_equal(r.rc, rc);
	assert_null(r.out);
	assert_non_null(strstr(r.err.s, text));
	done(&r);
}

static json_t *row_of(const json_t *out, int row)
{
	json_t *r;
	size_t i;

	json_array_foreach(json_object_get(out, "rows"), i, r)
		if (json_integer_value(json_object_get(r, "row")) == row)
			return r;
	dump(out);
	fail_msg("no row %d", row);
	return NULL;
}

static const char *row_str(const json_t *out, int row, const char *key)
{
	return json_string_value(json_object_get(row_of(out, row), key));
}

/* Row row has an error in column (NULL: none) whose message holds text. */
static void assert_row_error(const json_t *out, int row, const char *column,
			     const char *text)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(row_of(out, row), "errors"), i, e) {
		const char *col = json_string_value(json_object_get(e, "column"));
		const char *msg = json_string_value(json_object_get(e, "message"));

		if (((!col && !column) || (col && column && !strcmp(col, column))) &&
		    msg && strstr(msg, text))
			return;
	}
	dump(out);
	fail_msg("row %d has no error in column %s holding '%s'", row,
		 column ? column : "(none)", text);
}

static int row_errors(const json_t *out, int row)
{
	return (int)json_array_size(json_object_get(row_of(out, row),
						    "errors"));
}

static void assert_clean(const struct run *r)
{
	if (r->rc || json_integer_value(json_object_get(r->out, "errors")))
		dump(r->out);
	assert_int_equal(r->rc, 0);
	assert_int_equal(json_integer_value(json_object_get(r->out, "errors")),
			 0);
	assert_non_null(json_object_get(r->out, "files"));
}

/* The plan the import produced: its files with the returned ones in. */
static struct kvpt_plan *load_result(const struct run *r)
{
	const json_t *files = json_object_get(r->out, "files");
	struct kvpt_plan_file pf[5];
	struct kvpt_load_opts lo;
	struct kvpt_diags d;
	struct kvpt_plan *p = NULL;
	const char *key;
	json_t *val;
	int n = 0, i;

	for (i = 0; i < r->nfiles; i++)
		if (!json_object_get(files, r->files[i].path))
			pf[n++] = r->files[i];
	json_object_foreach((json_t *)files, key, val) {
		pf[n].path = key;
		pf[n].text = json_string_value(val);
		pf[n].len = json_string_length(val);
		n++;
	}
	memset(&lo, 0, sizeof(lo));
	lo.files = pf;
	lo.nfiles = n;
	kvpt_diags_init(&d);
	kvpt_plan_load_file(r->main_path, &lo, &p, &d);
	assert_non_null(p);
	kvpt_check(p, &d);
	if (d.nerrors) {
		struct kvpt_buf t = KVPT_BUF_INIT;

		kvpt_diags_format_text(&d, p->files, p->nfiles, &t);
		print_error("%s", t.s);
		kvpt_buf_release(&t);
	}
	assert_int_equal(d.nerrors, 0);
	kvpt_diags_release(&d);
	return p;
}

static const struct kvpt_activity *inject(const struct kvpt_plan *p,
					  const char *id)
{
	return &p->activities[fixture_id(&p->activity_ids, id)];
}

static kvpt_time tparse(const char *s)
{
	kvpt_time t;
	const char *why;

	assert_int_equal(kvpt_time_parse(s, NULL, &t, &why), 0);
	return t;
}

/* CSV reading */

static void test_csv_quotes_newlines_bom_crlf(void **state)
{
	static const char csv[] =
		"\xef\xbb\xbf" "Thời điểm,Tiêu đề,Nội dung,Nơi nhận\r\n"
		"N 08:00,\"Cháy kho, nghi phá hoại\",\"Dòng một,\r\n"
		"dòng \"\"hai\"\"\",ct-ubnd\r\n"
		"\r\n"
		"N 09:00,Tình huống ba,,cht-qs\r\n";
	struct run r;

	(void)state;
	run(&r, NULL, csv, NULL);
	assert_clean(&r);
	assert_string_equal(json_string_value(json_object_get(r.out,
							      "delimiter")), ",");
	/* the header kept without its BOM */
	assert_string_equal(json_string_value(json_array_get(
		json_object_get(r.out, "headers"), 0)), "Thời điểm");
	assert_int_equal(json_array_size(json_object_get(r.out, "rows")), 2);
	assert_string_equal(row_str(r.out, 2, "title"),
			    "Cháy kho, nghi phá hoại");
	assert_string_equal(row_str(r.out, 2, "text"),
			    "Dòng một,\ndòng \"hai\"");
	/* a quoted field across lines is one row; the blank row counts */
	assert_string_equal(row_str(r.out, 4, "title"), "Tình huống ba");
	assert_true(json_is_null(json_object_get(row_of(r.out, 4), "text")));
	done(&r);
}

static void test_csv_delimiters(void **state)
{
	struct run r;

	(void)state;
	/* Excel in a Vietnamese locale: ';', with ',' inside a recipient
	 * list */
	run(&r, NULL, "Thời điểm;Tiêu đề;Nơi nhận\n"
	    "N 08:00;Một, hai;ct-ubnd, cht-qs\n", NULL);
	assert_clean(&r);
	assert_string_equal(json_string_value(json_object_get(r.out,
							      "delimiter")), ";");
	assert_string_equal(row_str(r.out, 2, "title"), "Một, hai");
	assert_int_equal(json_array_size(json_object_get(row_of(r.out, 2),
							 "to")), 2);
	done(&r);

	run(&r, NULL, "Thời điểm\tTiêu đề\tNơi nhận\n"
	    "N 08:00\tMột; hai\tct-ubnd; cht-qs\n", NULL);
	assert_clean(&r);
	assert_string_equal(json_string_value(json_object_get(r.out,
							      "delimiter")), "\t");
	assert_int_equal(json_array_size(json_object_get(row_of(r.out, 2),
							 "to")), 2);
	done(&r);

	/* ',' delimiter: recipients separated by ';' or a line break */
	run(&r, NULL, HEADER "N 08:00,Một,\"ct-ubnd\ncht-qs; van-thu\"\n",
	    NULL);
	assert_clean(&r);
	assert_int_equal(json_array_size(json_object_get(row_of(r.out, 2),
							 "to")), 3);
	done(&r);
}

static void test_csv_bad_utf8(void **state)
{
	(void)state;
	REFUSED(HEADER "N 08:00,Một,ct-ubnd\nN 09:00,Hai \xe1\xba,ct-ubnd\n",
		NULL, KVPT_EINVAL, "row 3, column 2 (\"Tiêu đề\"): not UTF-8");
	/* counted in spreadsheet rows: the field across lines is one */
	REFUSED(HEADER "N 08:00,\"Một\nhai\",ct-ubnd\nN 09:00,Ba,ct-\xff\n",
		NULL, KVPT_EINVAL, "row 3, column 3");
	REFUSED(HEADER "N 08:00,M\xc3\x28t,ct-ubnd\n", NULL, KVPT_EINVAL,
		"not UTF-8 text (byte 0xC3)");
	/* NUL bytes are not text either */
	REFUSED(HEADER "N 08:00,M\0t,ct-ubnd\n", NULL, KVPT_EINVAL,
		"row 2, column 2");
}

static void test_csv_limits(void **state)
{
	struct kvpt_buf b = KVPT_BUF_INIT;
	int i;

	(void)state;
	/* 65 columns */
	kvpt_buf_adds(&b, HEADER);
	kvpt_buf_adds(&b, "N 08:00,Một,ct-ubnd");
	for (i = 3; i < 65; i++)
		kvpt_buf_adds(&b, ",x");
	kvpt_buf_addc(&b, '\n');
	assert_refused(b.s, b.len, NULL, KVPT_ETOOBIG,
		       "row 2 has more than 64 columns");
	/* a field of more than 8 KiB */
	kvpt_buf_reset(&b);
	kvpt_buf_adds(&b, HEADER "N 08:00,\"");
	for (i = 0; i < 8200; i++)
		kvpt_buf_addc(&b, 'a');
	kvpt_buf_adds(&b, "\",ct-ubnd\n");
	assert_refused(b.s, b.len, NULL, KVPT_ETOOBIG,
		       "row 2, column 2 (\"Tiêu đề\"): a field is longer");
	/* more than 5,000 rows */
	kvpt_buf_reset(&b);
	kvpt_buf_adds(&b, HEADER);
	for (i = 0; i < 5001; i++)
		kvpt_buf_adds(&b, "N 08:00,Một,ct-ubnd\n");
	assert_refused(b.s, b.len, NULL, KVPT_ETOOBIG, "more than 5000 rows");
	/* more than 2 MiB */
	kvpt_buf_reset(&b);
	kvpt_buf_adds(&b, HEADER);
	while (b.len <= KVPT_MSEL_MAX_BYTES)
		kvpt_buf_adds(&b, "N 08:00,Một một một một một một một một,"
			      "ct-ubnd\n");
	assert_refused(b.s, b.len, NULL, KVPT_ETOOBIG, "larger than 2 MiB");
	kvpt_buf_release(&b);
}

static void test_csv_unreadable(void **state)
{
	(void)state;
	REFUSED("", NULL, KVPT_EINVAL, "no header row");
	REFUSED("\n\r\n", NULL, KVPT_EINVAL, "no header row");
	REFUSED(HEADER, NULL, KVPT_EINVAL, "no inject rows");
	REFUSED(HEADER ",,\n  , \n", NULL, KVPT_EINVAL, "no inject rows");
	REFUSED(HEADER "N 08:00,\"Một,ct-ubnd\n", NULL, KVPT_EINVAL,
		"row 2: a quoted field is not closed");
}

/* columns */

static void test_headers_guessed(void **state)
{
	struct run r;
	const json_t *map;

	(void)state;
	/* any case, with or without accents, decorated */
	run(&r, NULL, "MÃ,THỜI ĐIỂM (*),Ten tinh huong,noi dung,Đối tượng nhận,"
	    "From,Độ mật,Release,Yêu cầu,By,Thời hạn,Ghi chú\n"
	    "x-1,N 08:00,Một,Nội dung một,ct-ubnd,bdd,Mật,,báo cáo,,20m,"
	    "không dùng\n", NULL);
	assert_clean(&r);
	map = json_object_get(r.out, "mapping");
	assert_string_equal(json_string_value(json_object_get(map, "id")), "MÃ");
	assert_string_equal(json_string_value(json_object_get(map, "at")),
			    "THỜI ĐIỂM (*)");
	assert_string_equal(json_string_value(json_object_get(map, "title")),
			    "Ten tinh huong");
	assert_string_equal(json_string_value(json_object_get(map, "to")),
			    "Đối tượng nhận");
	assert_string_equal(json_string_value(json_object_get(map,
							      "classification")),
			    "Độ mật");
	assert_string_equal(json_string_value(json_object_get(map, "within")),
			    "Thời hạn");
	assert_int_equal(json_object_size(map), 11);
	assert_string_equal(row_str(r.out, 2, "id"), "x-1");
	done(&r);

	/* English */
	run(&r, NULL, "ID,Time,Title,Text,To\nx-1,N 08:00,One,,cht-qs\n", NULL);
	assert_clean(&r);
	done(&r);

	/* the web front's own labels */
	run(&r, NULL, "Mã,Giờ phát,Tên tình huống,Gửi,Yêu cầu,"
	    "Yêu cầu: vai thực hiện,Yêu cầu: thời hạn,Cách phát\n"
	    "x-1,N 08:00,Một,cht-qs,báo cáo,cht-qs,10m,theo giờ\n", NULL);
	assert_clean(&r);
	map = json_object_get(r.out, "mapping");
	assert_string_equal(json_string_value(json_object_get(map, "to")),
			    "Gửi");
	assert_string_equal(json_string_value(json_object_get(map, "by")),
			    "Yêu cầu: vai thực hiện");
	assert_string_equal(json_string_value(json_object_get(map, "within")),
			    "Yêu cầu: thời hạn");
	done(&r);
}

static void test_mapping(void **state)
{
	struct run r;

	(void)state;
	/* explicit columns win; the rest is still guessed */
	run(&r, NULL, "Giờ,Tên,Nơi nhận,Tiêu đề\nN 08:00,Đúng,ct-ubnd,Sai\n",
	    "{\"at\": \"Giờ\", \"title\": \"tên\"}");
	assert_clean(&r);
	assert_string_equal(row_str(r.out, 2, "title"), "Đúng");
	done(&r);
	/* a mapping to nothing leaves a guessed column out */
	run(&r, NULL, "Thời điểm,Tiêu đề,Nơi nhận,Độ mật\nN 08:00,Một,van-thu,"
	    "Không có\n", "{\"classification\": null}");
	assert_clean(&r);
	done(&r);

	REFUSED(HEADER "N 08:00,Một,ct-ubnd\n", "{\"at\": \"Giờ phát\"}",
		KVPT_EINVAL, "the mapping names header \"Giờ phát\" for 'at', "
		"but the file has no such column");
	REFUSED(HEADER "N 08:00,Một,ct-ubnd\n", "{\"when\": \"Thời điểm\"}",
		KVPT_EINVAL, "unknown field 'when'");
	REFUSED(HEADER "N 08:00,Một,ct-ubnd\n",
		"{\"to\": \"Tiêu đề\", \"title\": \"Tiêu đề\"}",
		KVPT_EINVAL, "to both 'title' and 'to'");
	/* a required field with no column is the whole file's error */
	REFUSED("Thời điểm,Tiêu đề,Người nhận tin\nN 08:00,Một,ct-ubnd\n",
		NULL, KVPT_EINVAL, "no column for the required field 'to'");
}

/* row errors */

static void test_row_errors(void **state)
{
	static const char csv[] =
		"Mã;Thời điểm;Tiêu đề;Nơi nhận;Người phát;Độ mật;Cách phát;"
		"Yêu cầu;Người thực hiện;Thời hạn\n"
		/* 2 */ ";N 25:00;Giờ sai;ct-ubnd;;;;;;\n"
		/* 3 */ ";N+3 08:00;Ngoài giai đoạn;ct-ubnd;;;;;;\n"
		/* 4 */ ";N 08:00;Người nhận lạ;ct-ubnd, ca-xa;;;;;;\n"
		/* 5 */ ";N 08:00;Người phát lạ;ct-ubnd;ban-to-chuc;;;;;\n"
		/* 6 */ ";N 08:00;Độ mật lạ;ct-ubnd;;Bí mật;;;;\n"
		/* 7 */ ";N 08:00;Yêu cầu lạ;ct-ubnd;;;;trả lời;;\n"
		/* 8 */ ";N 08:00;Thời hạn sai;ct-ubnd;;;;báo cáo;;ba mươi phút\n"
		/* 9 */ "dup;N 08:00;Mã trùng 1;ct-ubnd;;;;;;\n"
		/* 10 */ "dup;N 08:00;Mã trùng 2;ct-ubnd;;;;;;\n"
		/* 11 */ "th-01;N 08:00;Mã trùng kế hoạch;ct-ubnd;;;;;;\n"
		/* 12 */ ";N 08:00;;ct-ubnd;;;;;;\n"
		/* 13 */ ";;Không giờ;;;;;;;\n"
		/* 14 */ ";N 08:00;Cách phát lạ;ct-ubnd;;;bấm nút;;;\n"
		/* 15 */ ";N 08:00;Người làm lạ;ct-ubnd;;;;báo cáo;ai-do;\n"
		/* 16 */ ";N 08:00;Văn kiện;ct-ubnd;;;;văn kiện;;\n"
		/* 17 */ ";N 08:00;Hạn không yêu cầu;ct-ubnd;;;;;;30m\n"
		/* 18 */ ";N 08:00;Đúng;ct-ubnd;;;;;;\n";
	struct run r;

	(void)state;
	run(&r, NULL, csv, NULL);
	assert_int_equal(r.rc, 0);
	assert_null(json_object_get(r.out, "files"));
	assert_row_error(r.out, 2, "Thời điểm", "'N 25:00' is not an exercise "
			 "time");
	assert_row_error(r.out, 3, "Thời điểm", "N+3 08:00 is outside every "
			 "phase of the plan (gd-1 N 07:00–N 12:00, gd-2 "
			 "N+1 07:00–N+1 17:00)");
	assert_row_error(r.out, 4, "Nơi nhận", "unknown role 'ca-xa'");
	assert_row_error(r.out, 5, "Người phát", "unknown role or committee "
			 "'ban-to-chuc'");
	assert_row_error(r.out, 6, "Độ mật", "unknown classification 'Bí mật'");
	assert_row_error(r.out, 7, "Yêu cầu", "unknown kind of expected answer "
			 "'trả lời'");
	assert_row_error(r.out, 8, "Thời hạn", "'ba mươi phút' is not a "
			 "duration");
	assert_int_equal(row_errors(r.out, 9), 0);
	assert_row_error(r.out, 10, "Mã", "id 'dup' is also the id of row 9");
	assert_row_error(r.out, 11, "Mã", "id 'th-01' is already an activity "
			 "of the plan");
	assert_row_error(r.out, 12, "Tiêu đề", "the title is missing");
	assert_row_error(r.out, 13, "Thời điểm", "the time is missing");
	assert_row_error(r.out, 13, "Nơi nhận", "no recipient");
	assert_row_error(r.out, 14, "Cách phát", "unknown way of release");
	assert_row_error(r.out, 15, "Người thực hiện", "unknown role or body "
			 "'ai-do'");
	assert_row_error(r.out, 16, "Yêu cầu", "needs more than a schedule row");
	assert_row_error(r.out, 17, "Thời hạn", "a deadline is given, but no "
			 "expected answer");
	assert_int_equal(row_errors(r.out, 18), 0);
	assert_int_equal(json_integer_value(json_object_get(r.out, "errors")),
			 16);
	done(&r);
}

/* A hostile row cannot grow the result without bound. */
static void test_issue_limits(void **state)
{
	struct kvpt_buf b = KVPT_BUF_INIT;
	struct run r;
	int i;

	(void)state;
	kvpt_buf_adds(&b, HEADER "N 08:00,Một,\"");
	for (i = 0; i < 12; i++)
		kvpt_buf_addf(&b, "%sx%d", i ? "; " : "", i);
	kvpt_buf_adds(&b, "\"\nN 08:00,Hai,\"");
	for (i = 0; i < 65; i++)
		kvpt_buf_addf(&b, "%sct-ubnd", i ? "; " : "");
	kvpt_buf_adds(&b, "\"\n");
	run(&r, NULL, b.s, NULL);
	assert_int_equal(r.rc, 0);
	assert_int_equal(row_errors(r.out, 2), 10);
	assert_int_equal(json_integer_value(json_object_get(row_of(r.out, 2),
							    "unlisted")), 2);
	assert_row_error(r.out, 3, "Nơi nhận", "more than 64 recipients");
	assert_int_equal(json_integer_value(json_object_get(r.out, "errors")),
			 13);
	done(&r);
	kvpt_buf_release(&b);
}

static void test_did_you_mean_and_names(void **state)
{
	struct run r;

	(void)state;
	/* roles and committees by exact name, then in any case */
	run(&r, NULL, "Thời điểm,Tiêu đề,Nơi nhận,Người phát,Người thực hiện,"
	    "Yêu cầu\nN 08:00,Một,Chủ tịch UBND xã; chỉ huy trưởng,"
	    "Ban Đạo diễn diễn tập,Ban CHQS xã,mệnh lệnh\n", NULL);
	assert_clean(&r);
	assert_string_equal(json_string_value(json_array_get(json_object_get(
		row_of(r.out, 2), "to"), 1)), "cht-qs");
	assert_string_equal(row_str(r.out, 2, "from"), "bdd");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		row_of(r.out, 2), "expect"), "by")), "bchqs");
	done(&r);

	run(&r, NULL, HEADER "N 08:00,Một,ct-ubdn\n", NULL);
	assert_row_error(r.out, 2, "Nơi nhận", "did you mean 'ct-ubnd'?");
	done(&r);
}

/* a successful import */

static void test_import_loads(void **state)
{
	static const char csv[] =
		"Mã,Thời điểm,Tiêu đề,Nội dung,Nơi nhận,Người phát,Độ mật,"
		"Cách phát,Yêu cầu,Người thực hiện,Thời hạn\n"
		",N 09:30,\"Cháy kho \"\"xăng\"\"\",\"Hai dòng:\nmột\\hai\","
		"ct-ubnd,tro-ly,Mật,,báo cáo,,30m\n"
		"th-b,2026-12-11 08:15,Ngày sau,,cht-qs,bdd,,thủ công,"
		"mệnh lệnh,cht-qs,1h30m\n"
		",11/12/2026 9:00,Ngày sau nữa,,cht-qs; ct-ubnd,,,,,,\n"
		",N 07:45,Trước,,van-thu,,,,tiếp nhận,van-thu,\n";
	struct run r;
	struct kvpt_plan *p;
	const struct kvpt_activity *a;
	const struct kvpt_expectation *x;
	const char *yaml;

	(void)state;
	run(&r, NULL, csv, NULL);
	assert_clean(&r);
	assert_string_equal(json_string_value(json_object_get(r.out,
							      "new_file")),
			    "msel-1.yaml");
	assert_int_equal(json_integer_value(json_object_get(r.out, "injects")),
			 4);
	/* the default id skips the plan's msel-2 */
	assert_string_equal(row_str(r.out, 2, "id"), "msel-2-2");
	assert_string_equal(row_str(r.out, 3, "at"), "N+1 08:15");
	assert_string_equal(row_str(r.out, 4, "at"), "N+1 09:00");
	assert_string_equal(row_str(r.out, 2, "phase"), "gd-1");
	assert_string_equal(row_str(r.out, 3, "phase"), "gd-2");
	assert_string_equal(row_str(r.out, 3, "release"), "manual");
	/* an expected answer without a deadline: the loader's warning */
	assert_int_equal(json_array_size(json_object_get(row_of(r.out, 5),
							 "warnings")), 1);
	yaml = json_string_value(json_object_get(json_object_get(r.out, "files"),
						 "msel-1.yaml"));
	assert_non_null(strstr(yaml, "# Lịch phát tình huống nhập từ lich.csv"));

	p = load_result(&r);
	a = inject(p, "msel-2-2");
	assert_int_equal(a->kind, KVPT_ACT_SITUATION);
	assert_string_equal(a->title, "Cháy kho \"xăng\"");
	assert_string_equal(a->text, "Hai dòng:\nmột\\hai");
	assert_true(a->start == tparse("N 09:30"));
	assert_int_equal(a->classification, KVPT_CLASS_CONFIDENTIAL);
	assert_string_equal(p->roles[a->from.idx].id, "tro-ly");
	assert_int_equal(a->release.kind, KVPT_RELEASE_SCHEDULED);
	assert_int_equal(a->nexpectations, 1);
	x = &p->expectations[a->first_expectation];
	assert_int_equal(x->kind, KVPT_EXPECT_REPORT);
	assert_string_equal(p->roles[x->by.idx].id, "ct-ubnd");
	assert_true(x->within == 30 * KVPT_MS_MIN);
	assert_string_equal(p->phases[p->problems[p->contents[a->content]
				.problem].phase].id, "gd-1");

	a = inject(p, "th-b");
	assert_true(a->start == tparse("N+1 08:15"));
	assert_int_equal(a->release.kind, KVPT_RELEASE_MANUAL);
	assert_string_equal(a->from.id, "bdd");	/* a committee */
	x = &p->expectations[a->first_expectation];
	assert_int_equal(x->kind, KVPT_EXPECT_ORDER);
	assert_true(x->within == 90 * KVPT_MS_MIN);
	assert_string_equal(p->phases[p->problems[p->contents[a->content]
				.problem].phase].id, "gd-2");

	a = inject(p, "msel-4");
	assert_int_equal(a->to.n, 2);
	assert_int_equal(a->nexpectations, 0);
	assert_true(a->start == tparse("N+1 09:00"));
	/* the plan's own injects are still there */
	inject(p, "th-01");
	inject(p, "msel-2");
	kvpt_plan_free(p);
	done(&r);
}

/* The checks that need the whole new plan land on their row. */
static void test_whole_plan_errors_on_rows(void **state)
{
	struct run r;

	(void)state;
	run(&r, NULL, "Thời điểm,Tiêu đề,Nơi nhận,Độ mật,Yêu cầu,"
	    "Người thực hiện,Thời hạn\n"
	    "N 08:00,Mật cho văn thư,van-thu,Mật,,,\n"
	    "N 08:00,Người báo cáo không nhận,ct-ubnd,,báo cáo,cht-qs,10m\n"
	    "N 08:00,Lỗi riêng của hàng,ai-do,,,,\n", NULL);
	assert_int_equal(r.rc, 0);
	assert_null(json_object_get(r.out, "files"));
	/* in the same pass as row 4's own error */
	assert_row_error(r.out, 2, "Nơi nhận", "marked Mật but is addressed "
			 "to role 'van-thu'");
	assert_row_error(r.out, 3, "Người thực hiện", "cht-qs");
	assert_row_error(r.out, 4, "Nơi nhận", "unknown role 'ai-do'");
	assert_int_equal(json_integer_value(json_object_get(r.out, "errors")),
			 3);
	assert_int_equal(json_array_size(json_object_get(r.out, "plan_errors")),
			 0);
	done(&r);
}

static void test_one_bad_row_nothing_produced(void **state)
{
	struct run r;

	(void)state;
	run(&r, NULL, HEADER "N 08:00,Một,ct-ubnd\nN 08:10,Hai,ct-ubnd\n"
	    "N 08:20,Ba,không-có\nN 08:30,Bốn,ct-ubnd\n", NULL);
	assert_int_equal(r.rc, 0);
	assert_int_equal(json_integer_value(json_object_get(r.out, "errors")),
			 1);
	assert_null(json_object_get(r.out, "files"));
	assert_null(json_object_get(r.out, "new_file"));
	assert_int_equal(json_array_size(json_object_get(r.out, "rows")), 4);
	assert_int_equal(row_errors(r.out, 4), 1);
	done(&r);
}

static void test_plan_with_errors(void **state)
{
	struct run r;

	(void)state;
	run(&r, PLAN_HEAD "phases:\n  - id: gd-1\n    title: x\n"
	    "    start: N 07:00\n    end: N 12:00\n    problems:\n"
	    "      - id: vd\n        title: y\n        contents:\n"
	    "          - id: nd\n            title: z\n            activities:\n"
	    "              - { id: a, kind: tình huống, title: t, at: N 08:00,"
	    " to: khong-co }\n",
	    HEADER "N 08:00,Một,ct-ubnd\n", NULL);
	assert_int_equal(r.rc, 0);
	assert_null(json_object_get(r.out, "files"));
	assert_true(json_array_size(json_object_get(r.out, "plan_errors")) > 0);
	assert_int_equal(row_errors(r.out, 2), 0);
	done(&r);
}

/* include: edits */

static const char *edited_main(const struct run *r)
{
	return json_string_value(json_object_get(json_object_get(r->out,
								 "files"),
						 r->main_path));
}

static void import_with_include(const char *main, const char *want)
{
	struct run r;
	struct kvpt_plan *p;

	memset(&r, 0, sizeof(r));
	r.main_path = "dir/plan.yaml";
	r.files[0].path = "dir/plan.yaml";
	r.files[0].text = main;
	r.files[0].len = strlen(main);
	r.files[1].path = "dir/part.yaml";
	r.files[1].text = PART;
	r.files[1].len = strlen(PART);
	r.nfiles = strstr(main, "part.yaml") ? 2 : 1;
	run_files(&r, HEADER "N 08:00,Một,ct-ubnd\n",
		  strlen(HEADER "N 08:00,Một,ct-ubnd\n"), NULL);
	assert_clean(&r);
	assert_string_equal(json_string_value(json_object_get(r.out,
							      "new_file")),
			    "dir/msel-1.yaml");
	if (strcmp(edited_main(&r), want))
		print_error("got:\n%s\nwanted:\n%s\n", edited_main(&r), want);
	assert_string_equal(edited_main(&r), want);
	p = load_result(&r);
	inject(p, "msel-2");
	assert_int_equal(p->nfiles, r.nfiles + 1);
	kvpt_plan_free(p);
	done(&r);
}

static void test_include_none(void **state)
{
	(void)state;
	import_with_include(PLAN, PLAN "include:\n  - msel-1.yaml\n");
	/* no newline at the end of the file */
	import_with_include(PLAN "# cuối", PLAN "# cuối\ninclude:\n"
			    "  - msel-1.yaml\n");
}

static void test_include_scalar(void **state)
{
	(void)state;
	import_with_include(PLAN_HEAD "include: part.yaml   # xã\n" PLAN_PHASES,
			    PLAN_HEAD "include: [part.yaml, msel-1.yaml]   # xã\n"
			    PLAN_PHASES);
	import_with_include(PLAN_HEAD "include: \"part.yaml\"\n" PLAN_PHASES,
			    PLAN_HEAD "include: [\"part.yaml\", msel-1.yaml]\n"
			    PLAN_PHASES);
}

static void test_include_block(void **state)
{
	(void)state;
	import_with_include(PLAN_HEAD "include:\n    - part.yaml  # một\n"
			    "\n" PLAN_PHASES,
			    PLAN_HEAD "include:\n    - part.yaml  # một\n"
			    "    - msel-1.yaml\n\n" PLAN_PHASES);
	import_with_include(PLAN_HEAD "include:\n  - 'part.yaml'\n" PLAN_PHASES,
			    PLAN_HEAD "include:\n  - 'part.yaml'\n"
			    "  - msel-1.yaml\n" PLAN_PHASES);
	/* at the very end, without a final newline */
	import_with_include(PLAN "include:\n- part.yaml",
			    PLAN "include:\n- part.yaml\n- msel-1.yaml\n");
}

static void test_include_flow(void **state)
{
	(void)state;
	import_with_include(PLAN_HEAD "include: [ part.yaml ]\n" PLAN_PHASES,
			    PLAN_HEAD "include: [ part.yaml, msel-1.yaml ]\n"
			    PLAN_PHASES);
	import_with_include(PLAN_HEAD "include: []\n" PLAN_PHASES,
			    PLAN_HEAD "include: [msel-1.yaml]\n" PLAN_PHASES);
	import_with_include(PLAN_HEAD "include: [part.yaml,]\n" PLAN_PHASES,
			    PLAN_HEAD "include: [part.yaml, msel-1.yaml]\n"
			    PLAN_PHASES);
	/* across lines, with a trailing comma */
	import_with_include(PLAN_HEAD "include: [\n  part.yaml,\n  ]\n"
			    PLAN_PHASES, PLAN_HEAD "include: [\n  part.yaml, "
			    "msel-1.yaml\n  ]\n" PLAN_PHASES);
}

static void test_new_path_checked(void **state)
{
	struct kvpt_plan_file f = { "plan.yaml", PLAN, sizeof(PLAN) - 1 };
	struct kvpt_msel_input in;
	struct kvpt_buf err = KVPT_BUF_INIT;
	json_t *out = NULL;
	const char *csv = HEADER "N 08:00,Một,ct-ubnd\n";

	(void)state;
	memset(&in, 0, sizeof(in));
	in.main_path = "plan.yaml";
	in.files = &f;
	in.nfiles = 1;
	in.csv = csv;
	in.csv_len = strlen(csv);
	in.new_path = "../x.yaml";
	assert_int_equal(kvpt_msel_import(&in, &out, &err), KVPT_EINVAL);
	assert_null(out);
	in.new_path = "plan.yaml";
	assert_int_equal(kvpt_msel_import(&in, &out, &err), KVPT_EINVAL);
	in.new_path = "x.yaml";
	in.main_path = "other.yaml";
	assert_int_equal(kvpt_msel_import(&in, &out, &err), KVPT_EINVAL);
	kvpt_buf_release(&err);
}

/* Text that YAML would misread is quoted safely. */
static void test_yaml_quoting(void **state)
{
	static const char csv[] =
		"Mã,Thời điểm,Tiêu đề,Nội dung,Nơi nhận\n"
		"\"a: b # c\",N 08:00,\"- [x]: {y} & *z ! | > % @ `\","
		"\"tab\there\x01\xc2\x85 \xe2\x80\xa8 '\",ct-ubnd\n";
	struct run r;
	struct kvpt_plan *p;
	const struct kvpt_activity *a;

	(void)state;
	run(&r, NULL, csv, NULL);
	assert_clean(&r);
	p = load_result(&r);
	a = inject(p, "a: b # c");
	assert_string_equal(a->title, "- [x]: {y} & *z ! | > % @ `");
	assert_string_equal(a->text, "tab\there\x01\xc2\x85 \xe2\x80\xa8 '");
	kvpt_plan_free(p);
	done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_quotes_newlines_bom_crlf),
		cmocka_unit_test(test_csv_delimiters),
		cmocka_unit_test(test_csv_bad_utf8),
		cmocka_unit_test(test_csv_limits),
		cmocka_unit_test(test_csv_unreadable),
		cmocka_unit_test(test_headers_guessed),
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_row_errors),
		cmocka_unit_test(test_issue_limits),
		cmocka_unit_test(test_did_you_mean_and_names),
		cmocka_unit_test(test_import_loads),
		cmocka_unit_test(test_whole_plan_errors_on_rows),
		cmocka_unit_test(test_one_bad_row_nothing_produced),
		cmocka_unit_test(test_plan_with_errors),
		cmocka_unit_test(test_include_none),
		cmocka_unit_test(test_include_scalar),
		cmocka_unit_test(test_include_block),
		cmocka_unit_test(test_include_flow),
		cmocka_unit_test(test_new_path_checked),
		cmocka_unit_test(test_yaml_quoting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
