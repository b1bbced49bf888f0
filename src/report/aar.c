/*
 * aar: the measures and the evaluators' records laid out sheet by sheet
 * into the workbook description of report/xlsx.  See aar.h.  Everything
 * here reads JSON and builds JSON; the plan is not needed, because the
 * measures carry the names and labels people read.
 */
#include "aar.h"
#include "base/buf.h"
#include "model/extime.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reading the inputs: a field of the wrong type reads as absent. */

static const char *get_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int get_int(const json_t *o, const char *key, json_int_t *v)
{
	const json_t *x = json_object_get(o, key);

	if (!json_is_integer(x))
		return 0;
	*v = json_integer_value(x);
	return 1;
}

static json_int_t int_or(const json_t *o, const char *key, json_int_t dflt)
{
	json_int_t v;

	return get_int(o, key, &v) ? v : dflt;
}

/* The array under key, or NULL (which reads as empty). */
static const json_t *get_arr(const json_t *o, const char *key)
{
	const json_t *a = json_object_get(o, key);

	return json_is_array(a) ? a : NULL;
}

static size_t arr_size(const json_t *a)
{
	return json_is_array(a) ? json_array_size(a) : 0;
}

/* Cells. */

static json_t *cstr(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

/* A string cell from the text built in b; b is emptied. */
static json_t *cbuilt(struct kvpt_buf *b)
{
	json_t *v = b->len ? json_string(b->s) : json_null();

	kvpt_buf_reset(b);
	return v;
}

/* Exercise time under key as `N+1 07:30`, or null. */
static json_t *ctime_of(const json_t *o, const char *key)
{
	char buf[48];
	json_int_t t;

	if (!get_int(o, key, &t))
		return json_null();
	kvpt_time_format((kvpt_time)t, buf, sizeof(buf));
	return json_string(buf);
}

/* ms under key as minutes with one decimal, or null. */
static json_t *cminutes(const json_t *o, const char *key)
{
	json_int_t ms;

	if (!get_int(o, key, &ms))
		return json_null();
	return json_real(round((double)ms / 6000.0) / 10.0);
}

static json_t *cint(const json_t *o, const char *key)
{
	json_int_t v;

	return get_int(o, key, &v) ? json_integer(v) : json_null();
}

/* The in-time share of counts as a percentage, one decimal, or null. */
static json_t *cpercent(const json_t *counts)
{
	const json_t *s = json_object_get(counts, "in_time_share");

	if (!json_is_number(s))
		return json_null();
	return json_real(round(json_number_value(s) * 1000.0) / 10.0);
}

/* Sheets. */

struct sheet {
	json_t *obj, *columns, *rows, *styles;
	int styled;
};

static void sheet_begin(struct sheet *s, const char *name, const char *title,
			const char *subtitle)
{
	s->obj = json_object();
	s->columns = json_array();
	s->rows = json_array();
	s->styles = json_array();
	s->styled = 0;
	json_object_set_new(s->obj, "name", json_string(name));
	if (title)
		json_object_set_new(s->obj, "title", json_string(title));
	if (subtitle && *subtitle)
		json_object_set_new(s->obj, "subtitle", json_string(subtitle));
}

static void col(struct sheet *s, const char *title, const char *type,
		int width, int wrap)
{
	json_t *c = json_object();

	json_object_set_new(c, "title", json_string(title));
	json_object_set_new(c, "type", json_string(type));
	json_object_set_new(c, "width", json_integer(width));
	if (wrap)
		json_object_set_new(c, "wrap", json_true());
	json_array_append_new(s->columns, c);
}

/* Append row (taken over) with style (NULL for none). */
static void row(struct sheet *s, json_t *r, const char *style)
{
	json_array_append_new(s->rows, r);
	json_array_append_new(s->styles, style ? json_string(style) :
			      json_null());
	s->styled |= style != NULL;
}

/* Finish s and append it to the book's sheets. */
static void sheet_end(struct sheet *s, json_t *sheets)
{
	json_object_set_new(s->obj, "columns", s->columns);
	json_object_set_new(s->obj, "rows", s->rows);
	if (s->styled)
		json_object_set_new(s->obj, "styles", s->styles);
	else
		json_decref(s->styles);
	json_array_append_new(sheets, s->obj);
}

/* Names. */

/* The name of the entry with this id in measures[list] (bodies,
 * criteria), else NULL. */
static const char *name_in(const json_t *m, const char *list,
			   const char *id)
{
	const json_t *v = get_arr(m, list);
	size_t i;

	if (!id)
		return NULL;
	for (i = 0; i < arr_size(v); i++) {
		const json_t *e = json_array_get(v, i);
		const char *eid = get_str(e, "id");

		if (eid && !strcmp(eid, id))
			return get_str(e, "name");
	}
	return NULL;
}

/* The title of the inject or activity with this id, else NULL. */
static const char *activity_title(const json_t *m, const char *id)
{
	static const char *const lists[] = { "injects", "activities" };
	size_t i, k;

	if (!id)
		return NULL;
	for (k = 0; k < 2; k++) {
		const json_t *a = get_arr(m, lists[k]);

		for (i = 0; i < arr_size(a); i++) {
			const json_t *x = json_array_get(a, i);
			const char *xid = get_str(x, "id");

			if (xid && !strcmp(xid, id))
				return get_str(x, "title");
		}
	}
	return NULL;
}

/* The confirmed verdict for body id (NULL: the whole exercise), the last
 * one given, or NULL. */
static const json_t *confirmed(const json_t *verdicts, const char *id)
{
	const json_t *found = NULL;
	size_t i;

	for (i = 0; i < arr_size(verdicts); i++) {
		const json_t *v = json_array_get(verdicts, i);
		const char *b;

		if (!json_is_object(v) || !get_str(v, "verdict"))
			continue;
		b = get_str(v, "body");
		if (id ? b && !strcmp(b, id) : !b)
			found = v;
	}
	return found;
}

void kvpt_aar_duration(struct kvpt_buf *out, int64_t ms)
{
	uint64_t u, d, h, m, s;

	if (ms < 0) {
		kvpt_buf_addc(out, '-');
		u = (uint64_t)0 - (uint64_t)ms;
	} else {
		u = (uint64_t)ms;
	}
	s = u / 1000;
	d = s / 86400;
	h = s / 3600 % 24;
	m = s / 60 % 60;
	s %= 60;
	if (d)
		kvpt_buf_addf(out, "%llu ngày %llu giờ", (unsigned long long)d,
			      (unsigned long long)h);
	else if (h)
		kvpt_buf_addf(out, "%llu giờ %02llu phút",
			      (unsigned long long)h, (unsigned long long)m);
	else if (m)
		kvpt_buf_addf(out, "%llu phút %02llu giây",
			      (unsigned long long)m, (unsigned long long)s);
	else
		kvpt_buf_addf(out, "%llu giây", (unsigned long long)s);
}

/* Tổng hợp. */

/* A string cell from a format. */
static json_t *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static json_t *fmt(const char *f, ...)
{
	struct kvpt_buf b = KVPT_BUF_INIT;
	va_list ap;
	json_t *v;

	va_start(ap, f);
	kvpt_buf_vaddf(&b, f, ap);
	va_end(ap);
	v = json_string(b.s ? b.s : "");
	kvpt_buf_release(&b);
	return v;
}

/* A confirmed verdict's reason and evaluator, as one cell. */
static json_t *verdict_note(const json_t *v)
{
	const char *reason = get_str(v, "reason"), *by = get_str(v, "by");

	if (reason && by)
		return fmt("%s (%s)", reason, by);
	return cstr(reason ? reason : by);
}

static void kv(struct sheet *s, const char *what, json_t *value,
	       json_t *note, const char *style)
{
	json_t *r = json_array();

	json_array_append_new(r, json_string(what));
	json_array_append_new(r, value);
	json_array_append_new(r, note);
	row(s, r, style);
}

static void summary_sheet(const json_t *m, const json_t *verdicts,
			  const char *title, const char *subtitle,
			  json_t *sheets)
{
	const json_t *ex = json_object_get(m, "exercise");
	const json_t *ov = json_object_get(m, "overall");
	const json_t *cn = json_object_get(ov, "counts");
	const json_t *rs = json_object_get(ov, "response");
	const json_t *st = json_object_get(ov, "states");
	const json_t *ac = json_object_get(ov, "activities");
	const json_t *vd = json_object_get(ov, "verdict");
	const json_t *v;
	struct kvpt_buf b = KVPT_BUF_INIT;
	struct sheet s;
	json_int_t x, due = int_or(cn, "due", 0), met = int_or(cn, "met", 0);
	json_t *note;
	size_t i;

	sheet_begin(&s, "Tổng hợp", title, subtitle);
	col(&s, "Nội dung", "text", 36, 1);
	col(&s, "Kết quả", "text", 32, 1);
	col(&s, "Ghi chú", "text", 80, 1);

	kv(&s, "Cuộc diễn tập", cstr(get_str(ex, "code")),
	   cstr(get_str(ex, "name")), NULL);
	kv(&s, "Tính đến", ctime_of(m, "t"),
	   json_string(json_is_true(json_object_get(m, "ended")) ?
		       "Diễn tập đã kết thúc" :
		       json_is_integer(json_object_get(m, "until")) ?
		       "Tính đến thời điểm được chọn" :
		       "Diễn tập chưa kết thúc"), NULL);
	kv(&s, "Số sự kiện trong nhật ký",
	   fmt("%lld", (long long)int_or(m, "events", 0)), json_null(), NULL);
	kv(&s, "Yêu cầu đến hạn", fmt("%lld", (long long)due),
	   fmt("Tổng %lld yêu cầu: %lld đúng hạn, %lld muộn, %lld quá hạn, "
	       "%lld đang chờ, %lld đã hủy, %lld chưa phát",
	       (long long)int_or(cn, "total", 0), (long long)met,
	       (long long)int_or(cn, "late", 0),
	       (long long)int_or(cn, "missed", 0),
	       (long long)int_or(cn, "open", 0),
	       (long long)int_or(cn, "cancelled", 0),
	       (long long)int_or(cn, "waiting", 0)), NULL);
	if (due > 0)
		kv(&s, "Tỷ lệ đúng hạn", fmt("%lld%%", (long long)(met * 100 /
							     due)),
		   fmt("%lld/%lld", (long long)met, (long long)due), NULL);
	if (get_int(rs, "median_ms", &x)) {
		kvpt_aar_duration(&b, x);
		kv(&s, "Thời gian phản ứng (trung vị)", cbuilt(&b),
		   json_null(), NULL);
	}
	if (get_int(rs, "p90_ms", &x)) {
		kvpt_aar_duration(&b, x);
		kv(&s, "Thời gian phản ứng (p90)", cbuilt(&b), json_null(),
		   NULL);
	}
	kv(&s, "Chuyển trạng thái bị từ chối",
	   fmt("%lld", (long long)int_or(ov, "refusals", 0)),
	   fmt("%lld sai quy trình, trong đó %lld sai trình tự cơ chế",
	       (long long)int_or(ov, "violations", 0),
	       (long long)int_or(ov, "mechanism_order", 0)),
	   int_or(ov, "violations", 0) ? "overdue" : NULL);
	kv(&s, "Trạng thái theo kế hoạch đã đạt",
	   fmt("%lld/%lld", (long long)(int_or(st, "on_time", 0) +
					int_or(st, "late", 0)),
	       (long long)int_or(st, "planned", 0)),
	   fmt("%lld đúng hoặc trước kế hoạch, %lld muộn, %lld chưa đạt, "
	       "%lld ngoài kế hoạch", (long long)int_or(st, "on_time", 0),
	       (long long)int_or(st, "late", 0),
	       (long long)int_or(st, "not_reached", 0),
	       (long long)int_or(st, "unplanned", 0)), NULL);
	kv(&s, "Hoạt động đã kết thúc / theo kế hoạch",
	   fmt("%lld/%lld", (long long)int_or(ac, "ended", 0),
	       (long long)int_or(ac, "planned", 0)),
	   fmt("%lld chưa thực hiện đúng lịch",
	       (long long)int_or(ac, "not_done", 0)), NULL);
	kv(&s, "Đề xuất xếp loại chung", cstr(get_str(vd, "label")),
	   cstr(get_str(vd, "reason")), "bold");

	/* The confirmed verdicts: the whole exercise first, then each body
	 * in the order first given. */
	v = confirmed(verdicts, NULL);
	if (v)
		kv(&s, "Xếp loại chung (xác nhận)",
		   cstr(get_str(v, "verdict")), verdict_note(v), "bold");
	for (i = 0; i < arr_size(verdicts); i++) {
		const json_t *w = json_array_get(verdicts, i);
		const char *id = get_str(w, "body"), *name;
		size_t k;
		int seen = 0;

		if (!id || !confirmed(verdicts, id))
			continue;
		for (k = 0; k < i; k++)
			seen |= get_str(json_array_get(verdicts, k), "body") &&
				!strcmp(get_str(json_array_get(verdicts, k),
						"body"), id);
		if (seen)
			continue;
		w = confirmed(verdicts, id);
		name = name_in(m, "bodies", id);
		kvpt_buf_addf(&b, "Xếp loại: %s", name ? name : id);
		note = verdict_note(w);
		kv(&s, b.s, cstr(get_str(w, "verdict")), note, NULL);
		kvpt_buf_reset(&b);
	}
	kvpt_buf_release(&b);
	sheet_end(&s, sheets);
}

/* Đo lường theo cơ quan. */

static json_t *measure_row(const json_t *x, const char *id, const char *name,
			   const json_t *v)
{
	const json_t *cn = json_object_get(x, "counts");
	const json_t *rs = json_object_get(x, "response");
	const json_t *vd = json_object_get(x, "verdict");
	/* overall.states, bodies[].states_summary */
	const json_t *st = json_object_get(x, "states");
	json_t *r = json_array();

	if (!json_is_object(st))
		st = json_object_get(x, "states_summary");
	json_array_append_new(r, cstr(id));
	json_array_append_new(r, cstr(name));
	json_array_append_new(r, cint(cn, "total"));
	json_array_append_new(r, cint(cn, "met"));
	json_array_append_new(r, cint(cn, "late"));
	json_array_append_new(r, cint(cn, "missed"));
	json_array_append_new(r, cint(cn, "open"));
	json_array_append_new(r, cint(cn, "due"));
	json_array_append_new(r, cpercent(cn));
	json_array_append_new(r, cminutes(rs, "median_ms"));
	json_array_append_new(r, cminutes(rs, "p90_ms"));
	json_array_append_new(r, cint(x, "refusals"));
	json_array_append_new(r, cint(x, "violations"));
	json_array_append_new(r, cint(st, "late"));
	json_array_append_new(r, cstr(get_str(vd, "label")));
	json_array_append_new(r, cstr(get_str(vd, "reason")));
	json_array_append_new(r, cstr(v ? get_str(v, "verdict") : NULL));
	json_array_append_new(r, cstr(v ? get_str(v, "reason") : NULL));
	return r;
}

static void bodies_sheet(const json_t *m, const json_t *verdicts,
			 const char *title, const char *subtitle,
			 json_t *sheets)
{
	const json_t *bodies = get_arr(m, "bodies");
	struct sheet s;
	size_t i;

	sheet_begin(&s, "Đo lường theo cơ quan", title, subtitle);
	col(&s, "Mã", "text", 16, 0);
	col(&s, "Cơ quan", "text", 36, 1);
	col(&s, "Số yêu cầu", "integer", 9, 0);
	col(&s, "Đúng hạn", "integer", 9, 0);
	col(&s, "Muộn", "integer", 7, 0);
	col(&s, "Quá hạn", "integer", 8, 0);
	col(&s, "Đang chờ", "integer", 8, 0);
	col(&s, "Đến hạn", "integer", 8, 0);
	col(&s, "Tỷ lệ đúng hạn (%)", "number", 10, 0);
	col(&s, "Phản ứng trung vị (phút)", "number", 11, 0);
	col(&s, "Phản ứng p90 (phút)", "number", 10, 0);
	col(&s, "Bị từ chối", "integer", 8, 0);
	col(&s, "Sai quy trình", "integer", 8, 0);
	col(&s, "Trạng thái muộn", "integer", 9, 0);
	col(&s, "Đề xuất xếp loại", "text", 24, 1);
	col(&s, "Lý do đề xuất", "text", 60, 1);
	col(&s, "Xếp loại xác nhận", "text", 24, 1);
	col(&s, "Lý do xác nhận", "text", 40, 1);
	row(&s, measure_row(json_object_get(m, "overall"), NULL,
			    "Toàn cuộc diễn tập", confirmed(verdicts, NULL)),
	    "bold");
	for (i = 0; i < arr_size(bodies); i++) {
		const json_t *b = json_array_get(bodies, i);
		const char *id = get_str(b, "id");

		row(&s, measure_row(b, id, get_str(b, "name"),
				    id ? confirmed(verdicts, id) : NULL), NULL);
	}
	sheet_end(&s, sheets);
}

/* Phản ứng tình huống. */

static void responses_sheet(const json_t *m, const char *title,
			    const char *subtitle, json_t *sheets)
{
	const json_t *injects = get_arr(m, "injects");
	struct sheet s;
	size_t i, k;

	sheet_begin(&s, "Phản ứng tình huống", title, subtitle);
	col(&s, "Tình huống", "text", 12, 0);
	col(&s, "Nội dung tình huống", "text", 36, 1);
	col(&s, "Phát lúc", "text", 13, 0);
	col(&s, "Cách phát", "text", 13, 0);
	col(&s, "Yêu cầu", "text", 16, 0);
	col(&s, "Loại", "text", 14, 0);
	col(&s, "Cơ quan", "text", 30, 1);
	col(&s, "Vai", "text", 24, 1);
	col(&s, "Hạn", "text", 13, 0);
	col(&s, "Cho phép (phút)", "number", 9, 0);
	col(&s, "Trả lời lúc", "text", 13, 0);
	col(&s, "Phản ứng (phút)", "number", 9, 0);
	col(&s, "Kết quả", "text", 12, 0);
	for (i = 0; i < arr_size(injects); i++) {
		const json_t *in = json_array_get(injects, i);
		const json_t *xs = get_arr(in, "expectations");

		for (k = 0; k < arr_size(xs); k++) {
			const json_t *x = json_array_get(xs, k);
			const json_t *ow = json_object_get(x, "owner");
			const char *st = get_str(x, "status");
			json_t *r = json_array();

			json_array_append_new(r, cstr(get_str(in, "id")));
			json_array_append_new(r, cstr(get_str(in, "title")));
			json_array_append_new(r, ctime_of(in, "released"));
			json_array_append_new(r, cstr(get_str(in,
							      "how_label")));
			json_array_append_new(r, cstr(get_str(x, "id")));
			json_array_append_new(r, cstr(get_str(x,
							      "kind_label")));
			json_array_append_new(r, cstr(get_str(ow,
							      "body_name")));
			json_array_append_new(r, cstr(get_str(ow,
							      "role_name")));
			json_array_append_new(r, ctime_of(x, "deadline"));
			json_array_append_new(r, cminutes(x, "allowed_ms"));
			json_array_append_new(r, ctime_of(x, "answered"));
			json_array_append_new(r, cminutes(x, "response_ms"));
			json_array_append_new(r, cstr(get_str(x,
							      "status_label")));
			row(&s, r, !st ? NULL : !strcmp(st, "late") ? "warn" :
			    !strcmp(st, "missed") ? "overdue" :
			    !strcmp(st, "cancelled") ? "done" : NULL);
		}
	}
	sheet_end(&s, sheets);
}

/* Trạng thái. */

static void states_sheet(const json_t *m, const char *title,
			 const char *subtitle, json_t *sheets)
{
	const json_t *bodies = get_arr(m, "bodies");
	struct kvpt_buf b = KVPT_BUF_INIT;
	struct sheet s;
	size_t i, k;

	sheet_begin(&s, "Trạng thái", title, subtitle);
	col(&s, "Cơ quan", "text", 32, 1);
	col(&s, "Loại trạng thái", "text", 24, 1);
	col(&s, "Trạng thái", "text", 26, 1);
	col(&s, "Kế hoạch", "text", 13, 0);
	col(&s, "Theo hoạt động", "text", 16, 0);
	col(&s, "Thực tế", "text", 13, 0);
	col(&s, "Chênh lệch (phút)", "number", 10, 0);
	col(&s, "Ghi chú", "text", 30, 1);
	for (i = 0; i < arr_size(bodies); i++) {
		const json_t *bd = json_array_get(bodies, i);
		const json_t *sts = get_arr(bd, "states");

		for (k = 0; k < arr_size(sts); k++) {
			const json_t *x = json_array_get(sts, k);
			const char *st = get_str(x, "status");
			const char *style = !st ? NULL :
				!strcmp(st, "late") ? "warn" :
				!strcmp(st, "not_reached") ? "overdue" : NULL;
			const char *label = get_str(x, "status_label");
			json_t *r = json_array();

			if (label)
				kvpt_buf_adds(&b, label);
			if (json_is_true(json_object_get(x, "skipped")))
				kvpt_buf_addf(&b, "%svượt qua, không dừng ở "
					      "trạng thái này",
					      b.len ? "; " : "");
			json_array_append_new(r, cstr(get_str(bd, "name")));
			json_array_append_new(r, cstr(get_str(x,
							      "machine_name")));
			json_array_append_new(r, cstr(get_str(x,
							      "state_name")));
			json_array_append_new(r, ctime_of(x, "planned"));
			json_array_append_new(r, cstr(get_str(x,
							      "planned_by")));
			json_array_append_new(r, ctime_of(x, "reached"));
			json_array_append_new(r, cminutes(x, "delay_ms"));
			json_array_append_new(r, cbuilt(&b));
			row(&s, r, style);
		}
	}
	kvpt_buf_release(&b);
	sheet_end(&s, sheets);
}

/* Bị từ chối. */

static void refused_sheet(const json_t *m, const char *title,
			  const char *subtitle, json_t *sheets)
{
	const json_t *rs = get_arr(m, "refused");
	struct sheet s;
	size_t i;

	sheet_begin(&s, "Bị từ chối", title, subtitle);
	col(&s, "Thời điểm", "text", 13, 0);
	col(&s, "Cơ quan đề nghị", "text", 30, 1);
	col(&s, "Vai", "text", 24, 1);
	col(&s, "Đối tượng", "text", 26, 1);
	col(&s, "Loại trạng thái", "text", 22, 1);
	col(&s, "Từ", "text", 20, 1);
	col(&s, "Sang", "text", 20, 1);
	col(&s, "Quy tắc", "text", 22, 0);
	col(&s, "Lý do", "text", 60, 1);
	col(&s, "Sai quy trình", "bool", 9, 0);
	col(&s, "Sai trình tự cơ chế", "bool", 9, 0);
	for (i = 0; i < arr_size(rs); i++) {
		const json_t *x = json_array_get(rs, i);
		int viol = json_is_true(json_object_get(x, "violation"));
		json_t *r = json_array();

		json_array_append_new(r, ctime_of(x, "t"));
		json_array_append_new(r, cstr(get_str(x, "by_body_name")));
		json_array_append_new(r, cstr(get_str(x, "by_name")));
		json_array_append_new(r, cstr(get_str(x, "body_name")));
		json_array_append_new(r, cstr(get_str(x, "machine_name")));
		json_array_append_new(r, cstr(get_str(x, "from_name")));
		json_array_append_new(r, cstr(get_str(x, "to_name")));
		json_array_append_new(r, cstr(get_str(x, "rule")));
		json_array_append_new(r, cstr(get_str(x, "reason")));
		json_array_append_new(r, json_boolean(viol));
		json_array_append_new(r, json_boolean(json_is_true(
			json_object_get(x, "mechanism_order"))));
		row(&s, r, viol ? "overdue" : NULL);
	}
	sheet_end(&s, sheets);
}

/* Hoạt động. */

static void activities_sheet(const json_t *m, const char *title,
			     const char *subtitle, json_t *sheets)
{
	const json_t *as = get_arr(m, "activities");
	struct sheet s;
	size_t i;

	sheet_begin(&s, "Hoạt động", title, subtitle);
	col(&s, "Mã", "text", 14, 0);
	col(&s, "Hoạt động", "text", 40, 1);
	col(&s, "Loại", "text", 12, 0);
	col(&s, "Kế hoạch bắt đầu", "text", 13, 0);
	col(&s, "Kế hoạch kết thúc", "text", 13, 0);
	col(&s, "Bắt đầu", "text", 13, 0);
	col(&s, "Kết thúc", "text", 13, 0);
	col(&s, "Báo cáo đã họp", "text", 13, 0);
	col(&s, "Trạng thái", "text", 14, 0);
	for (i = 0; i < arr_size(as); i++) {
		const json_t *x = json_array_get(as, i);
		const char *st = get_str(x, "status");
		json_t *r = json_array();

		json_array_append_new(r, cstr(get_str(x, "id")));
		json_array_append_new(r, cstr(get_str(x, "title")));
		json_array_append_new(r, cstr(get_str(x, "kind_label")));
		json_array_append_new(r, ctime_of(x, "planned_start"));
		json_array_append_new(r, ctime_of(x, "planned_end"));
		json_array_append_new(r, ctime_of(x, "started"));
		json_array_append_new(r, ctime_of(x, "ended"));
		json_array_append_new(r, ctime_of(x, "held"));
		json_array_append_new(r, cstr(get_str(x, "status_label")));
		row(&s, r, st && !strcmp(st, "pending") ? "warn" : NULL);
	}
	sheet_end(&s, sheets);
}

/* Quan sát. */

static void observations_sheet(const json_t *m, const json_t *obs,
			       const char *title, const char *subtitle,
			       json_t *sheets)
{
	const json_t *scale = get_arr(m, "scale");
	struct sheet s;
	size_t i;

	sheet_begin(&s, "Quan sát", title, subtitle);
	col(&s, "Thời điểm", "text", 13, 0);
	col(&s, "Người đánh giá", "text", 22, 1);
	col(&s, "Cơ quan", "text", 28, 1);
	col(&s, "Hoạt động", "text", 28, 1);
	col(&s, "Tiêu chí", "text", 24, 1);
	col(&s, "Điểm", "number", 7, 0);
	col(&s, "Mức", "text", 22, 1);
	col(&s, "Ưu điểm", "text", 40, 1);
	col(&s, "Hạn chế", "text", 40, 1);
	col(&s, "Nội dung", "text", 50, 1);
	for (i = 0; i < arr_size(obs); i++) {
		const json_t *o = json_array_get(obs, i);
		const json_t *score = json_object_get(o, "score");
		const char *body = get_str(o, "body");
		const char *crit = get_str(o, "criterion");
		const char *act = get_str(o, "activity");
		const char *n;
		json_t *r;

		if (!json_is_object(o))
			continue;
		r = json_array();
		json_array_append_new(r, ctime_of(o, "t"));
		json_array_append_new(r, cstr(get_str(o, "evaluator")));
		n = get_str(o, "body_name");
		n = n ? n : name_in(m, "bodies", body);
		json_array_append_new(r, cstr(n ? n : body));
		n = activity_title(m, act);
		json_array_append_new(r, cstr(n ? n : act));
		n = get_str(o, "criterion_name");
		n = n ? n : name_in(m, "criteria", crit);
		json_array_append_new(r, cstr(n ? n : crit));
		if (json_is_number(score)) {
			double x = json_number_value(score);
			double k = floor(x + 0.5);

			json_array_append_new(r, json_real(x));
			json_array_append_new(r, k >= 0 &&
				k < (double)arr_size(scale) ?
				cstr(json_string_value(json_array_get(scale,
							(size_t)k))) :
				json_null());
		} else {
			json_array_append_new(r, json_null());
			json_array_append_new(r, json_null());
		}
		json_array_append_new(r, cstr(get_str(o, "strengths")));
		json_array_append_new(r, cstr(get_str(o, "weaknesses")));
		json_array_append_new(r, cstr(get_str(o, "text")));
		row(&s, r, NULL);
	}
	sheet_end(&s, sheets);
}

/* Bài học. */

static void lessons_sheet(const json_t *lessons, const char *title,
			  const char *subtitle, json_t *sheets)
{
	struct sheet s;
	json_int_t n = 0;
	size_t i;

	sheet_begin(&s, "Bài học", title, subtitle);
	col(&s, "TT", "integer", 5, 0);
	col(&s, "Bài học kinh nghiệm", "text", 100, 1);
	for (i = 0; i < arr_size(lessons); i++) {
		const json_t *l = json_array_get(lessons, i);
		const char *text = json_is_string(l) ? json_string_value(l) :
				   get_str(l, "text");
		json_t *r;

		if (!text)
			continue;
		r = json_array();
		json_array_append_new(r, json_integer(++n));
		json_array_append_new(r, json_string(text));
		row(&s, r, NULL);
	}
	sheet_end(&s, sheets);
}

/* Khắc phục. */

static const struct {
	const char *id, *vi;
} action_statuses[] = {
	{ "open", "chưa thực hiện" },
	{ "in_progress", "đang thực hiện" },
	{ "done", "đã hoàn thành" },
	{ "cancelled", "đã hủy" },
};

static void actions_sheet(const json_t *actions, const char *title,
			  const char *subtitle, json_t *sheets)
{
	struct sheet s;
	json_int_t n = 0;
	size_t i, k;

	sheet_begin(&s, "Khắc phục", title, subtitle);
	col(&s, "TT", "integer", 5, 0);
	col(&s, "Việc khắc phục", "text", 60, 1);
	col(&s, "Chịu trách nhiệm", "text", 30, 1);
	col(&s, "Hạn", "date", 12, 0);
	col(&s, "Trạng thái", "text", 16, 0);
	for (i = 0; i < arr_size(actions); i++) {
		const json_t *a = json_array_get(actions, i);
		const char *st = get_str(a, "status"), *label = st;
		json_t *r;

		if (!json_is_object(a) || !get_str(a, "action"))
			continue;
		for (k = 0; st && k < sizeof(action_statuses) /
			    sizeof(action_statuses[0]); k++)
			if (!strcmp(st, action_statuses[k].id))
				label = action_statuses[k].vi;
		r = json_array();
		json_array_append_new(r, json_integer(++n));
		json_array_append_new(r, json_string(get_str(a, "action")));
		json_array_append_new(r, cstr(get_str(a, "owner")));
		json_array_append_new(r, cint(a, "due"));
		json_array_append_new(r, cstr(label));
		row(&s, r, st && (!strcmp(st, "done") ||
				  !strcmp(st, "cancelled")) ? "done" : NULL);
	}
	sheet_end(&s, sheets);
}

json_t *kvpt_aar_book(const json_t *measures, const json_t *observations,
		      const json_t *verdicts, const json_t *lessons,
		      const json_t *actions, int tz_offset_min)
{
	const json_t *ex = json_object_get(measures, "exercise");
	const char *code = get_str(ex, "code"), *name = get_str(ex, "name");
	struct kvpt_buf title = KVPT_BUF_INIT;
	json_t *book = json_object(), *sheets = json_array();

	kvpt_buf_addf(&title, "Báo cáo rút kinh nghiệm%s%s",
		      code ? " — " : "", code ? code : "");
	json_object_set_new(book, "title", json_string(title.s));
	if (name)
		json_object_set_new(book, "subject", json_string(name));
	json_object_set_new(book, "author", json_string("kvpt"));
	json_object_set_new(book, "tz_offset_min", json_integer(tz_offset_min));

	summary_sheet(measures, verdicts, title.s, name, sheets);
	bodies_sheet(measures, verdicts, "Đo lường theo cơ quan", name, sheets);
	responses_sheet(measures, "Phản ứng tình huống", name, sheets);
	states_sheet(measures, "Trạng thái: kế hoạch và thực tế", name, sheets);
	refused_sheet(measures, "Chuyển trạng thái bị từ chối", name, sheets);
	activities_sheet(measures, "Hoạt động: kế hoạch và thực tế", name,
			 sheets);
	observations_sheet(measures, observations, "Quan sát của đánh giá "
			   "viên", name, sheets);
	lessons_sheet(lessons, "Bài học kinh nghiệm", name, sheets);
	actions_sheet(actions, "Việc khắc phục", name, sheets);
	json_object_set_new(book, "sheets", sheets);
	kvpt_buf_release(&title);
	return book;
}
