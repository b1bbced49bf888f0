/*
 * cmd_evaluate: `kvpt evaluate PLAN LOG` — the measured performance of an
 * exercise from its event log (report/measures): a Vietnamese text report
 * with a table per body and the proposed verdicts, the measures as JSON,
 * or the after-action workbook of report/aar (measures only).  The text
 * is rendered from the JSON, so both always say the same.
 */
#include "cli.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "export/text.h"
#include "model/extime.h"
#include "report/aar.h"
#include "report/measures.h"
#include "report/aar_pdf.h"
#include "report/pdf.h"
#include "report/xlsx.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char kvpt_usage_evaluate[] =
	"usage: kvpt evaluate PLAN LOG [--format text|json|xlsx|pdf] [-o FILE]\n"
	"                     [--until TIME]\n"
	"\n"
	"Measures an exercise from its event log (docs/evaluation.md), e.g. the\n"
	"log written by 'kvpt simulate PLAN --log FILE' or by the server: per\n"
	"inject the response time of each expectation against its deadline;\n"
	"expectations met, late and missed; refused transitions and\n"
	"mechanism-order violations; when each body reached each state against\n"
	"the plan; activities planned vs actual; and a proposed verdict per\n"
	"body and overall on the plan's scale, with its reason.\n"
	"\n"
	"  --format F      text (the default, in Vietnamese), json (the measures,\n"
	"                  docs/evaluation.md), xlsx (the after-action\n"
	"                  workbook) or pdf (the after-action report with\n"
	"                  the proposed verdicts); xlsx and pdf need -o,\n"
	"                  '-o -' writes to a pipe\n"
	"  -o, --output F  write to file F instead of standard output\n"
	"  --until TIME    only the events up to exercise time TIME\n"
	"                  ('N+1 07:30', or an ISO date-time)\n"
	"\n"
	"Exit status: 0 done, 1 the plan has errors or the log does not fit it\n"
	"(the line is named), 2 usage or I/O error.\n";

/* Read the whole file into *out (NUL-terminated), at most 1 GiB. */
static int read_all(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, n = 0;
	char *buf;

	if (!f)
		return -1;
	buf = xmalloc(cap);
	for (;;) {
		size_t got;

		if (n + 1 >= cap) {
			if (cap >= (size_t)1 << 30) {
				errno = EFBIG;
				goto out_fail;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		if (!got)
			break;
		n += got;
	}
	if (ferror(f))
		goto out_fail;
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
out_fail:
	free(buf);
	fclose(f);
	return -1;
}

static int write_out(const char *path, const char *s, size_t len)
{
	FILE *f = path ? fopen(path, "wb") : stdout;
	int err;

	if (!f)
		goto out_error;
	fwrite(s, 1, len, f);
	err = ferror(f);
	if (path)
		err |= fclose(f);
	else
		err |= fflush(f);
	if (err)
		goto out_error;
	return 0;
out_error:
	fprintf(stderr, "kvpt evaluate: cannot write '%s': %s\n",
		path ? path : "<stdout>", strerror(errno ? errno : EIO));
	return -1;
}

/* The text report, read back from the measures. */

static const char *sget(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static long long iget(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* Exercise time under key, or "—". */
static void add_time(struct kvpt_buf *b, const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	char tb[48];

	if (!json_is_integer(v)) {
		kvpt_buf_adds(b, "—");
		return;
	}
	kvpt_time_format((kvpt_time)json_integer_value(v), tb, sizeof(tb));
	kvpt_buf_adds(b, tb);
}

/* A duration in ms under key as [-]h:mm:ss, or "—". */
static void add_hms(struct kvpt_buf *b, const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	long long ms, s;

	if (!json_is_integer(v)) {
		kvpt_buf_adds(b, "—");
		return;
	}
	ms = (long long)json_integer_value(v);
	if (ms < 0) {
		kvpt_buf_addc(b, '-');
		ms = ms == INT64_MIN ? INT64_MAX : -ms;
	}
	s = ms / 1000;
	kvpt_buf_addf(b, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
}

/* One table row: cells padded to the given display widths. */
struct table {
	struct kvpt_buf *out;
	const int *widths;
	int ncols;
	int col;
	struct kvpt_buf cell;
};

/* Cut b to at most width display columns, ending in "…" when cut. */
static void fit(struct kvpt_buf *b, size_t width)
{
	size_t at = 0;

	if (!b->len || kvpt_text_width(b->s) <= width)
		return;
	while (at < b->len) {
		size_t next = at + 1, w;
		char save;

		while (next < b->len && ((unsigned char)b->s[next] & 0xc0) ==
		       0x80)
			next++;
		save = b->s[next];
		b->s[next] = '\0';
		w = kvpt_text_width(b->s);
		b->s[next] = save;
		if (w + 1 > width)
			break;
		at = next;
	}
	b->len = at;
	b->s[at] = '\0';
	kvpt_buf_adds(b, "…");
}

static void cell_end(struct table *t)
{
	if (t->col < t->ncols - 1) {
		fit(&t->cell, (size_t)t->widths[t->col]);
		kvpt_text_pad(t->out, t->cell.s ? t->cell.s : "",
			      (size_t)t->widths[t->col]);
		kvpt_buf_addc(t->out, ' ');
	} else {
		kvpt_buf_adds(t->out, t->cell.s ? t->cell.s : "");
		kvpt_buf_addc(t->out, '\n');
	}
	kvpt_buf_reset(&t->cell);
	t->col = (t->col + 1) % t->ncols;
}

static void cell(struct table *t, const char *s)
{
	kvpt_buf_adds(&t->cell, s);
	cell_end(t);
}

static void cell_time(struct table *t, const json_t *o, const char *key)
{
	add_time(&t->cell, o, key);
	cell_end(t);
}

static void cell_hms(struct table *t, const json_t *o, const char *key)
{
	add_hms(&t->cell, o, key);
	cell_end(t);
}

static void cell_int(struct table *t, long long v)
{
	kvpt_buf_addf(&t->cell, "%lld", v);
	cell_end(t);
}

static void table_row(struct table *t, const char *indent)
{
	kvpt_buf_adds(t->out, indent);
}

static void add_share(struct kvpt_buf *b, const json_t *counts)
{
	long long due = iget(counts, "due"), met = iget(counts, "met");

	if (due)
		kvpt_buf_addf(b, "%lld%%", met * 100 / due);
	else
		kvpt_buf_adds(b, "—");
}

static void text_verdict(struct kvpt_buf *b, const json_t *v,
			 const char *indent)
{
	const char *label = json_string_value(json_object_get(v, "label"));

	kvpt_buf_addf(b, "%sĐề xuất xếp loại: %s\n%s  Lý do: %s\n", indent,
		      label ? label : "chưa đề xuất", indent,
		      sget(v, "reason"));
}

static void text_overall(struct kvpt_buf *b, const json_t *m)
{
	const json_t *ov = json_object_get(m, "overall");
	const json_t *cn = json_object_get(ov, "counts");
	const json_t *rs = json_object_get(ov, "response");
	const json_t *st = json_object_get(ov, "states");
	const json_t *ac = json_object_get(ov, "activities");

	kvpt_buf_adds(b, "I. TỔNG HỢP\n");
	kvpt_buf_addf(b, "  Yêu cầu: %lld — đúng hạn %lld, muộn %lld, quá hạn "
		      "%lld, đang chờ %lld, đã hủy %lld, chưa phát %lld\n",
		      iget(cn, "total"), iget(cn, "met"), iget(cn, "late"),
		      iget(cn, "missed"), iget(cn, "open"),
		      iget(cn, "cancelled"), iget(cn, "waiting"));
	kvpt_buf_addf(b, "  Đúng hạn: %lld/%lld yêu cầu đến hạn (",
		      iget(cn, "met"), iget(cn, "due"));
	add_share(b, cn);
	kvpt_buf_adds(b, ")\n  Thời gian phản ứng (giờ:phút:giây): trung vị ");
	add_hms(b, rs, "median_ms");
	kvpt_buf_adds(b, ", p90 ");
	add_hms(b, rs, "p90_ms");
	kvpt_buf_adds(b, ", lớn nhất ");
	add_hms(b, rs, "max_ms");
	kvpt_buf_addf(b, " (%lld lần đáp ứng)\n", iget(rs, "answered"));
	kvpt_buf_addf(b, "  Chuyển trạng thái bị từ chối: %lld (sai quy trình "
		      "%lld, trong đó sai trình tự cơ chế %lld)\n",
		      iget(ov, "refusals"), iget(ov, "violations"),
		      iget(ov, "mechanism_order"));
	kvpt_buf_addf(b, "  Trạng thái theo kế hoạch: đã đạt %lld/%lld — đúng "
		      "hoặc trước kế hoạch %lld, muộn %lld, chưa đạt %lld; "
		      "ngoài kế hoạch %lld\n",
		      iget(st, "on_time") + iget(st, "late"),
		      iget(st, "planned"), iget(st, "on_time"),
		      iget(st, "late"), iget(st, "not_reached"),
		      iget(st, "unplanned"));
	kvpt_buf_addf(b, "  Hoạt động: %lld/%lld đã kết thúc, %lld chưa thực "
		      "hiện đúng lịch\n", iget(ac, "ended"),
		      iget(ac, "planned"), iget(ac, "not_done"));
	text_verdict(b, json_object_get(ov, "verdict"), "  ");
}

static void text_bodies_table(struct kvpt_buf *b, const json_t *m)
{
	static const int w[] = { 40, 7, 8, 5, 7, 5, 6, 9, 6, 0 };
	const json_t *bodies = json_object_get(m, "bodies");
	struct table t = { b, w, 10, 0, KVPT_BUF_INIT };
	size_t i;

	kvpt_buf_adds(b, "\nII. THEO CƠ QUAN\n");
	table_row(&t, "  ");
	cell(&t, "Cơ quan");
	cell(&t, "Yêu cầu");
	cell(&t, "Đúng hạn");
	cell(&t, "Muộn");
	cell(&t, "Quá hạn");
	cell(&t, "Chờ");
	cell(&t, "Tỷ lệ");
	cell(&t, "Trung vị");
	cell(&t, "Sai QT");
	cell(&t, "Đề xuất");
	for (i = 0; i < json_array_size(bodies); i++) {
		const json_t *bd = json_array_get(bodies, i);
		const json_t *cn = json_object_get(bd, "counts");
		const char *label = json_string_value(json_object_get(
			json_object_get(bd, "verdict"), "label"));

		table_row(&t, "  ");
		cell(&t, sget(bd, "name"));
		cell_int(&t, iget(cn, "total"));
		cell_int(&t, iget(cn, "met"));
		cell_int(&t, iget(cn, "late"));
		cell_int(&t, iget(cn, "missed"));
		cell_int(&t, iget(cn, "open"));
		add_share(&t.cell, cn);
		cell_end(&t);
		cell_hms(&t, json_object_get(bd, "response"), "median_ms");
		cell_int(&t, iget(bd, "violations"));
		cell(&t, label ? label : "—");
	}
	kvpt_buf_release(&t.cell);
}

static void text_body(struct kvpt_buf *b, const json_t *bd, size_t n)
{
	static const int wx[] = { 20, 12, 17, 13, 13, 13, 9, 9, 0 };
	static const int ws[] = { 12, 26, 13, 13, 10, 0 };
	const json_t *xs = json_object_get(bd, "expectations");
	const json_t *sts = json_object_get(bd, "states");
	const json_t *rf = json_object_get(bd, "refused");
	struct table t = { b, wx, 9, 0, KVPT_BUF_INIT };
	size_t i;

	kvpt_buf_addf(b, "\n  %zu. %s (%s)\n", n, sget(bd, "name"),
		      sget(bd, "id"));
	text_verdict(b, json_object_get(bd, "verdict"), "     ");
	if (json_array_size(xs)) {
		kvpt_buf_adds(b, "     Phản ứng tình huống:\n");
		table_row(&t, "       ");
		cell(&t, "Yêu cầu");
		cell(&t, "Tình huống");
		cell(&t, "Loại");
		cell(&t, "Phát lúc");
		cell(&t, "Hạn");
		cell(&t, "Trả lời");
		cell(&t, "Phản ứng");
		cell(&t, "Cho phép");
		cell(&t, "Kết quả");
		for (i = 0; i < json_array_size(xs); i++) {
			const json_t *x = json_array_get(xs, i);

			table_row(&t, "       ");
			cell(&t, sget(x, "id"));
			cell(&t, sget(x, "inject"));
			cell(&t, sget(x, "kind_label"));
			cell_time(&t, x, "released");
			cell_time(&t, x, "deadline");
			cell_time(&t, x, "answered");
			cell_hms(&t, x, "response_ms");
			cell_hms(&t, x, "allowed_ms");
			cell(&t, sget(x, "status_label"));
		}
	}
	if (json_array_size(sts)) {
		t.widths = ws;
		t.ncols = 6;
		kvpt_buf_adds(b, "     Trạng thái — kế hoạch và thực tế:\n");
		table_row(&t, "       ");
		cell(&t, "Loại");
		cell(&t, "Trạng thái");
		cell(&t, "Kế hoạch");
		cell(&t, "Thực tế");
		cell(&t, "Chênh lệch");
		cell(&t, "Ghi chú");
		for (i = 0; i < json_array_size(sts); i++) {
			const json_t *x = json_array_get(sts, i);
			const json_t *d = json_object_get(x, "delay_ms");

			table_row(&t, "       ");
			cell(&t, sget(x, "machine"));
			cell(&t, sget(x, "state_name"));
			cell_time(&t, x, "planned");
			cell_time(&t, x, "reached");
			if (json_is_integer(d) && json_integer_value(d) > 0)
				kvpt_buf_addc(&t.cell, '+');
			add_hms(&t.cell, x, "delay_ms");
			cell_end(&t);
			kvpt_buf_adds(&t.cell, sget(x, "status_label"));
			if (json_is_true(json_object_get(x, "skipped")))
				kvpt_buf_adds(&t.cell, " (vượt qua)");
			cell_end(&t);
		}
	}
	for (i = 0; i < json_array_size(rf); i++) {
		const json_t *x = json_array_get(rf, i);

		if (!i)
			kvpt_buf_adds(b, "     Chuyển trạng thái bị từ chối:\n");
		kvpt_buf_adds(b, "       ");
		add_time(b, x, "t");
		kvpt_buf_addf(b, "  %s → %s (%s) [%s]\n", sget(x, "body_name"),
			      sget(x, "to_name"), sget(x, "machine"),
			      sget(x, "rule"));
	}
	kvpt_buf_release(&t.cell);
}

static void text_refused(struct kvpt_buf *b, const json_t *m)
{
	const json_t *rf = json_object_get(m, "refused");
	size_t i;

	kvpt_buf_addf(b, "\nIII. CHUYỂN TRẠNG THÁI BỊ TỪ CHỐI (%zu)\n",
		      json_array_size(rf));
	for (i = 0; i < json_array_size(rf); i++) {
		const json_t *x = json_array_get(rf, i);

		kvpt_buf_adds(b, "  ");
		add_time(b, x, "t");
		kvpt_buf_addf(b, "  %s (%s): %s %s → %s [%s]%s\n      %s\n",
			      sget(x, "by_body_name"), sget(x, "by"),
			      sget(x, "body_name"),
			      json_is_string(json_object_get(x, "from_name")) ?
			      sget(x, "from_name") : "—", sget(x, "to_name"),
			      sget(x, "rule"),
			      json_is_true(json_object_get(x,
				      "mechanism_order")) ?
			      " sai trình tự cơ chế" :
			      json_is_true(json_object_get(x, "violation")) ?
			      " sai quy trình" : "", sget(x, "reason"));
	}
}

static void text_activities(struct kvpt_buf *b, const json_t *m)
{
	static const int w[] = { 20, 36, 13, 13, 13, 14, 0 };
	const json_t *as = json_object_get(m, "activities");
	struct table t = { b, w, 7, 0, KVPT_BUF_INIT };
	size_t i;

	kvpt_buf_adds(b, "\nIV. HOẠT ĐỘNG: KẾ HOẠCH VÀ THỰC TẾ\n");
	table_row(&t, "  ");
	cell(&t, "Mã");
	cell(&t, "Hoạt động");
	cell(&t, "Kế hoạch");
	cell(&t, "Bắt đầu");
	cell(&t, "Kết thúc");
	cell(&t, "Báo cáo đã họp");
	cell(&t, "Trạng thái");
	for (i = 0; i < json_array_size(as); i++) {
		const json_t *x = json_array_get(as, i);
		table_row(&t, "  ");
		cell(&t, sget(x, "id"));
		cell(&t, sget(x, "title"));
		cell_time(&t, x, "planned_start");
		cell_time(&t, x, "started");
		cell_time(&t, x, "ended");
		cell_time(&t, x, "held");
		cell(&t, sget(x, "status_label"));
	}
	kvpt_buf_release(&t.cell);
}

static void text_report(struct kvpt_buf *b, const json_t *m)
{
	const json_t *ex = json_object_get(m, "exercise");
	const json_t *bodies = json_object_get(m, "bodies");
	size_t i;

	kvpt_buf_addf(b, "%s — %s\nKẾT QUẢ ĐO LƯỜNG DIỄN TẬP — tính đến ",
		      sget(ex, "code"), sget(ex, "name"));
	add_time(b, m, json_is_integer(json_object_get(m, "until")) ?
		 "until" : "t");
	kvpt_buf_addf(b, "%s (%lld sự kiện",
		      json_is_true(json_object_get(m, "ended")) ?
		      ", diễn tập đã kết thúc" : "", iget(m, "events"));
	if (json_is_integer(json_object_get(m, "until")) &&
	    json_is_integer(json_object_get(m, "t"))) {
		kvpt_buf_adds(b, ", sự kiện cuối lúc ");
		add_time(b, m, "t");
	}
	kvpt_buf_adds(b, ")\n\n");
	text_overall(b, m);
	text_bodies_table(b, m);
	for (i = 0; i < json_array_size(bodies); i++)
		text_body(b, json_array_get(bodies, i), i + 1);
	text_refused(b, m);
	text_activities(b, m);
}

/* The after-action workbook (pdf 0) or report (pdf 1) of the measures,
 * to path or (NULL) stdout. */
static int write_report(const json_t *m, const struct kvpt_plan *plan,
			int pdf, const char *path)
{
	struct kvpt_buf out = KVPT_BUF_INIT, err = KVPT_BUF_INIT;
	json_t *book, *aar;
	int rc = KVPT_EXIT_OK;

	if (pdf) {
		aar = json_pack("{s:O,s:I}", "measures", m, "generated_ms",
				(json_int_t)time(NULL) * 1000);
		book = kvpt_aar_pdf_doc(aar, plan);
		json_decref(aar);
	} else {
		book = kvpt_aar_book(m, NULL, NULL, NULL, NULL,
				     plan->ex.tz_offset_min);
	}
	if (pdf ? (path ? kvpt_pdf_write(book, path, &err) :
		   kvpt_pdf_render(book, &out, &err)) :
	    (path ? kvpt_xlsx_write(book, path, &err) :
	     kvpt_xlsx_render(book, &out, &err))) {
		fprintf(stderr, "kvpt evaluate: cannot write the %s: %s\n",
			pdf ? "report" : "workbook", err.s ? err.s : "?");
		rc = KVPT_EXIT_USAGE;
	} else if (!path && write_out(NULL, out.s ? out.s : "", out.len)) {
		rc = KVPT_EXIT_USAGE;
	}
	json_decref(book);
	kvpt_buf_release(&out);
	kvpt_buf_release(&err);
	return rc;
}

KVPT_CMD(evaluate)
{
	const struct kvpt_cmd *self = kvpt_cli_find("evaluate");
	const char *plan_path = NULL, *log_path = NULL, *output = NULL,
		   *format = "text", *until_arg = NULL;
	struct kvpt_buf err = KVPT_BUF_INIT, out = KVPT_BUF_INIT;
	struct kvpt_plan *plan;
	kvpt_time until = KVPT_TIME_NONE;
	json_t *m = NULL;
	char *log = NULL;
	size_t len;
	int opts_done = 0, rc, i, binary;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (opts_done || a[0] != '-' || !a[1]) {
			if (!plan_path)
				plan_path = a;
			else if (!log_path)
				log_path = a;
			else
				return kvpt_cli_usage_error(self, "too many "
							    "arguments");
		} else if (!strcmp(a, "--")) {
			opts_done = 1;
		} else if (!strcmp(a, "--format") || !strcmp(a, "-o") ||
			   !strcmp(a, "--output") || !strcmp(a, "--until")) {
			if (++i >= argc)
				return kvpt_cli_usage_error(self, "%s needs a "
							    "value", a);
			if (!strcmp(a, "--format"))
				format = argv[i];
			else if (!strcmp(a, "--until"))
				until_arg = argv[i];
			else
				output = argv[i];
		} else if (!strncmp(a, "--format=", 9)) {
			format = a + 9;
		} else if (!strncmp(a, "--until=", 8)) {
			until_arg = a + 8;
		} else {
			return kvpt_cli_usage_error(self, "unknown option '%s'",
						    a);
		}
	}
	if (strcmp(format, "text") && strcmp(format, "json") &&
	    strcmp(format, "xlsx") && strcmp(format, "pdf"))
		return kvpt_cli_usage_error(self, "unknown format '%s' (text, "
					    "json, xlsx or pdf)", format);
	binary = !strcmp(format, "xlsx") || !strcmp(format, "pdf");
	if (!plan_path || !log_path)
		return kvpt_cli_usage_error(self, "give a plan and its log");
	if (binary && !output)
		return kvpt_cli_usage_error(self, "--format %s needs -o FILE "
					    "(or -o - for standard output)",
					    format);
	if (output && (!*output || !strcmp(output, "-")))
		output = NULL;
	if (binary && !output && isatty(STDOUT_FILENO))
		return kvpt_cli_usage_error(self, "refusing to write a %s "
			"to a terminal; give -o FILE or redirect the output",
			format);

	plan = kvpt_cli_load_plan(plan_path, 0, &rc);
	if (!plan)
		return rc;
	if (until_arg) {
		struct kvpt_timebase tb = kvpt_plan_timebase(plan);
		const char *why;

		if (kvpt_time_parse(until_arg, &tb, &until, &why)) {
			rc = kvpt_cli_usage_error(self, "bad --until '%s': %s; "
				"write exercise time such as 'N+1 07:30'%s",
				until_arg, why,
				tb.valid ? " or an ISO date-time" : "");
			goto out_plan;
		}
	}
	if (read_all(log_path, &log, &len)) {
		fprintf(stderr, "kvpt evaluate: cannot read %s: %s\n", log_path,
			strerror(errno));
		rc = KVPT_EXIT_USAGE;
		goto out_plan;
	}
	if (kvpt_measures(plan, log, len, until, NULL, &m, &err)) {
		fprintf(stderr, "%s: %s\n", log_path, err.s ? err.s : "bad log");
		rc = KVPT_EXIT_FOUND;
		goto out_log;
	}
	rc = KVPT_EXIT_OK;
	if (binary) {
		rc = write_report(m, plan, !strcmp(format, "pdf"), output);
	} else {
		if (!strcmp(format, "json")) {
			char *s = json_dumps(m, JSON_INDENT(1) |
					     JSON_PRESERVE_ORDER |
					     JSON_REAL_PRECISION(10));

			kvpt_buf_adds(&out, s);
			kvpt_buf_addc(&out, '\n');
			free(s);
		} else {
			text_report(&out, m);
		}
		if (write_out(output, out.s ? out.s : "", out.len))
			rc = KVPT_EXIT_USAGE;
	}
	json_decref(m);
out_log:
	free(log);
out_plan:
	kvpt_buf_release(&out);
	kvpt_buf_release(&err);
	kvpt_plan_free(plan);
	return rc;
}
