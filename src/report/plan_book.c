/*
 * plan_book: the plan walked sheet by sheet into the workbook description
 * of report/xlsx.  See plan_book.h.  Labels come from the model's name
 * tables (Vietnamese) and names of people, bodies and roles through
 * export/text, as in `kvpt show`.
 */
#include "plan_book.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "export/text.h"
#include "model/extime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Excel shows 1900-03-01 to 9999-12-31; days since 1970-01-01 of both. */
#define EXCEL_FIRST_UNIX_DAY (-25508)
#define EXCEL_END_UNIX_DAY 2932897

struct builder {
	const struct kvpt_plan *p;
	int clearance;
	struct kvpt_timebase tb;	/* valid when day N is a date */
	struct kvpt_buf b;		/* the text of the cell being built */
	const char *mark;		/* subtitle of every sheet */
};

/* A string cell, null for NULL; text that is not UTF-8 is repaired. */
static json_t *str(const char *s)
{
	struct kvpt_buf fixed = KVPT_BUF_INIT;
	json_t *v;

	if (!s)
		return json_null();
	v = json_string(s);
	if (v)
		return v;
	kvpt_utf8_sanitize(&fixed, s, strlen(s));
	v = json_string(fixed.s);
	kvpt_buf_release(&fixed);
	return v;
}

/* The text built in bl->b as a cell (null when empty); b is emptied. */
static json_t *built(struct builder *bl)
{
	json_t *v = bl->b.len ? str(bl->b.s) : json_null();

	kvpt_buf_reset(&bl->b);
	return v;
}

static json_t *label(const struct kvpt_enum_name *t, int v)
{
	return str(kvpt_enum_vi(t, v));
}

/* Exercise time as `N+1 07:30`, null for none. */
static json_t *ntime(kvpt_time t)
{
	char buf[48];

	if (t == KVPT_TIME_NONE)
		return json_null();
	kvpt_time_format(t, buf, sizeof(buf));
	return json_string(buf);
}

/* Whether exercise time t is a date-time Excel can show. */
static int showable(const struct builder *bl, kvpt_time t)
{
	int64_t local, day;

	if (!bl->tb.valid || t == KVPT_TIME_NONE)
		return 0;
	/* Bound t first so the sums below cannot overflow. */
	if (t < -(int64_t)4000000 * KVPT_MS_DAY ||
	    t > (int64_t)4000000 * KVPT_MS_DAY)
		return 0;
	local = bl->tb.n_epoch_ms + t +
		(int64_t)bl->tb.tz_offset_min * KVPT_MS_MIN;
	day = local >= 0 ? local / KVPT_MS_DAY :
	      -((-local + KVPT_MS_DAY - 1) / KVPT_MS_DAY);
	return day >= EXCEL_FIRST_UNIX_DAY && day < EXCEL_END_UNIX_DAY;
}

/* Exercise time t as Unix ms for a datetime column, null when day N is
 * not a date (or Excel cannot show it). */
static json_t *unix_ms(const struct builder *bl, kvpt_time t)
{
	if (!showable(bl, t))
		return json_null();
	return json_integer(bl->tb.n_epoch_ms + t);
}

/* Append exercise time t as local `dd/mm/yyyy hh:mm`. */
static void add_local(struct builder *bl, kvpt_time t)
{
	int64_t local, day, rem;
	unsigned m, d;
	int y;

	if (!showable(bl, t))
		return;
	local = bl->tb.n_epoch_ms + t +
		(int64_t)bl->tb.tz_offset_min * KVPT_MS_MIN;
	day = local >= 0 ? local / KVPT_MS_DAY :
	      -((-local + KVPT_MS_DAY - 1) / KVPT_MS_DAY);
	rem = local - day * KVPT_MS_DAY;
	kvpt_civil_from_days(day, &y, &m, &d);
	kvpt_buf_addf(&bl->b, "%02u/%02u/%04d %02d:%02d", d, m, y,
		      (int)(rem / KVPT_MS_HOUR), (int)(rem / KVPT_MS_MIN % 60));
}

static const char *body_name(const struct kvpt_plan *p,
			     const struct kvpt_ref *r)
{
	if (r->idx >= 0 && r->idx < p->nbodies)
		return p->bodies[r->idx].name ? p->bodies[r->idx].name :
		       p->bodies[r->idx].id;
	return r->id;
}

static const char *person_name(const struct kvpt_plan *p,
			       const struct kvpt_ref *r)
{
	if (r->idx >= 0 && r->idx < p->npeople)
		return p->people[r->idx].name ? p->people[r->idx].name :
		       p->people[r->idx].id;
	return r->id;
}

static const char *place_name(const struct kvpt_plan *p,
			      const struct kvpt_ref *r)
{
	if (r->idx >= 0 && r->idx < p->nplaces)
		return p->places[r->idx].name ? p->places[r->idx].name :
		       p->places[r->idx].id;
	return r->id;
}

static const char *title_or_id(const char *title, const char *id)
{
	return title ? title : id;
}

/* {"title": t, "type": type, "width": w, "wrap": wrap} */
static json_t *column(const char *title, const char *type, int width,
		      int wrap)
{
	json_t *c = json_object();

	json_object_set_new(c, "title", json_string(title));
	json_object_set_new(c, "type", json_string(type));
	json_object_set_new(c, "width", json_integer(width));
	if (wrap)
		json_object_set_new(c, "wrap", json_true());
	return c;
}

static json_t *sheet(struct builder *bl, const char *name, const char *title,
		     json_t *columns, json_t *rows)
{
	json_t *s = json_object();

	json_object_set_new(s, "name", json_string(name));
	json_object_set_new(s, "title", str(title));
	json_object_set_new(s, "subtitle", str(bl->mark));
	json_object_set_new(s, "columns", columns);
	json_object_set_new(s, "rows", rows);
	return s;
}

static void add_row(json_t *rows, json_t *row)
{
	json_array_append_new(rows, row);
}

/* A row of n cells, given in order (each a new reference). */
static json_t *row_of(int n, json_t **cells)
{
	json_t *r = json_array();
	int i;

	for (i = 0; i < n; i++)
		json_array_append_new(r, cells[i]);
	return r;
}

#define ROW(...) row_of((int)(sizeof((json_t *[]){ __VA_ARGS__ }) / \
			sizeof(json_t *)), (json_t *[]){ __VA_ARGS__ })

static json_t *general(struct builder *bl)
{
	const struct kvpt_plan *p = bl->p;
	const struct kvpt_exercise *ex = &p->ex;
	json_t *cols = json_array(), *rows = json_array();
	char t[48];

	json_array_append_new(cols, column("Mục", "text", 26, 0));
	json_array_append_new(cols, column("Nội dung", "text", 90, 1));
	add_row(rows, ROW(str("Mã cuộc diễn tập"), str(ex->code)));
	add_row(rows, ROW(str("Tên cuộc diễn tập"), str(ex->name)));
	add_row(rows, ROW(str("Loại hình"),
			  label(kvpt_exercise_kinds, (int)ex->kind)));
	add_row(rows, ROW(str("Hình thức"), str(ex->format)));
	add_row(rows, ROW(str("Địa bàn"), str(ex->locality)));
	if (bl->tb.valid) {
		add_local(bl, 0);
		if (bl->b.len >= 10) {
			bl->b.len = 10;		/* dd/mm/yyyy */
			bl->b.s[bl->b.len] = '\0';
		} else {
			kvpt_buf_adds(&bl->b, ex->n_date);
		}
		kvpt_buf_addf(&bl->b, " (%s%sUTC%c%02d:%02d)",
			      ex->timezone ? ex->timezone : "",
			      ex->timezone ? ", " : "",
			      ex->tz_offset_min < 0 ? '-' : '+',
			      abs(ex->tz_offset_min) / 60,
			      abs(ex->tz_offset_min) % 60);
	} else {
		kvpt_buf_adds(&bl->b, "chưa xác định");
	}
	add_row(rows, ROW(str("Ngày N"), built(bl)));
	kvpt_time_format(ex->start, t, sizeof(t));
	kvpt_buf_adds(&bl->b, t);
	if (showable(bl, ex->start)) {
		kvpt_buf_adds(&bl->b, " (");
		add_local(bl, ex->start);
		kvpt_buf_addc(&bl->b, ')');
	}
	add_row(rows, ROW(str("Bắt đầu"), built(bl)));
	kvpt_duration_format(ex->duration, t, sizeof(t));
	kvpt_buf_addf(&bl->b, "%s, đến ", t);
	kvpt_time_format(ex->start + ex->duration, t, sizeof(t));
	kvpt_buf_adds(&bl->b, t);
	add_row(rows, ROW(str("Thời gian"), built(bl)));
	add_row(rows, ROW(str("Phương pháp"),
			  label(kvpt_methods, (int)ex->method)));
	add_row(rows, ROW(str("Độ mật"),
			  label(kvpt_classifications, (int)ex->classification)));
	add_row(rows, ROW(str("Cơ quan thường trực"),
			  str(body_name(p, &ex->standing_agency))));
	return sheet(bl, "Thông tin chung", ex->name ? ex->name :
		     "Thông tin chung", cols, rows);
}

static json_t *bodies(struct builder *bl)
{
	const struct kvpt_plan *p = bl->p;
	json_t *cols = json_array(), *rows = json_array();
	int i;

	json_array_append_new(cols, column("Mã", "text", 16, 0));
	json_array_append_new(cols, column("Tên", "text", 45, 1));
	json_array_append_new(cols, column("Loại", "text", 20, 0));
	json_array_append_new(cols, column("Cấp", "text", 10, 0));
	json_array_append_new(cols, column("Trực thuộc", "text", 40, 1));
	for (i = 0; i < p->nbodies; i++) {
		const struct kvpt_body *x = &p->bodies[i];

		add_row(rows, ROW(str(x->id), str(x->name),
				  label(kvpt_body_kinds, (int)x->kind),
				  str(x->level),
				  str(body_name(p, &x->parent))));
	}
	return sheet(bl, "Khung tập", "Khung tập (cơ quan, đơn vị)", cols,
		     rows);
}

static json_t *roles(struct builder *bl)
{
	const struct kvpt_plan *p = bl->p;
	json_t *cols = json_array(), *rows = json_array();
	int i;

	json_array_append_new(cols, column("Mã", "text", 16, 0));
	json_array_append_new(cols, column("Vai tập", "text", 40, 1));
	json_array_append_new(cols, column("Cơ quan", "text", 40, 1));
	json_array_append_new(cols, column("Người đảm nhiệm", "text", 24, 0));
	json_array_append_new(cols, column("Chức vụ", "text", 45, 1));
	for (i = 0; i < p->nroles; i++) {
		const struct kvpt_role *x = &p->roles[i];
		const struct kvpt_person *who = x->person.idx >= 0 &&
			x->person.idx < p->npeople ?
			&p->people[x->person.idx] : NULL;

		add_row(rows, ROW(str(x->id), str(x->name),
				  str(body_name(p, &x->body)),
				  str(person_name(p, &x->person)),
				  str(who ? who->title : NULL)));
	}
	return sheet(bl, "Vai tập", "Vai tập", cols, rows);
}

static json_t *committees(struct builder *bl)
{
	const struct kvpt_plan *p = bl->p;
	json_t *cols = json_array(), *rows = json_array();
	int i, k;

	json_array_append_new(cols, column("Ban", "text", 40, 1));
	json_array_append_new(cols, column("Loại", "text", 14, 0));
	json_array_append_new(cols, column("Trưởng ban", "text", 24, 0));
	json_array_append_new(cols, column("Thành viên", "text", 24, 0));
	json_array_append_new(cols, column("Nhiệm vụ", "text", 50, 1));
	for (i = 0; i < p->ncommittees; i++) {
		const struct kvpt_committee *x = &p->committees[i];
		const char *name = title_or_id(x->name, x->id);

		for (k = 0; k < x->nmembers || (k == 0 && !x->nmembers); k++)
			add_row(rows, ROW(str(name),
				label(kvpt_committee_kinds, (int)x->kind),
				str(person_name(p, &x->head)),
				x->nmembers ? str(person_name(p,
					&x->members[k].person)) : json_null(),
				x->nmembers ? str(x->members[k].duty) :
				json_null()));
	}
	return sheet(bl, "Các ban", "Các ban và thành viên", cols, rows);
}

static json_t *documents(struct builder *bl)
{
	const struct kvpt_plan *p = bl->p;
	json_t *cols = json_array(), *rows = json_array();
	int i;

	json_array_append_new(cols, column("Mã", "text", 18, 0));
	json_array_append_new(cols, column("Tên văn kiện", "text", 55, 1));
	json_array_append_new(cols, column("Loại", "text", 18, 0));
	json_array_append_new(cols, column("Cơ quan soạn thảo", "text", 32, 1));
	json_array_append_new(cols, column("Hạn", "text", 12, 0));
	if (bl->tb.valid)
		json_array_append_new(cols, column("Hạn (ngày giờ)", "datetime",
						   17, 0));
	json_array_append_new(cols, column("Trạng thái", "text", 16, 0));
	json_array_append_new(cols, column("Độ mật", "text", 10, 0));
	for (i = 0; i < p->ndocuments; i++) {
		const struct kvpt_document *x = &p->documents[i];
		json_t *r;

		if ((int)x->classification > bl->clearance)
			continue;
		r = ROW(str(x->id), str(x->title), x->type >= 0 ?
			label(kvpt_doc_types, x->type) : json_null(),
			str(body_name(p, &x->owner)), ntime(x->due));
		if (bl->tb.valid)
			json_array_append_new(r, unix_ms(bl, x->due));
		json_array_append_new(r, label(kvpt_doc_statuses,
					       (int)x->status));
		json_array_append_new(r, label(kvpt_classifications,
					       (int)x->classification));
		add_row(rows, r);
	}
	return sheet(bl, "Văn kiện", "Văn kiện", cols, rows);
}

static int visible(const struct builder *bl, const struct kvpt_activity *a)
{
	return (int)a->classification <= bl->clearance;
}

static json_t *schedule(struct builder *bl)
{
	const struct kvpt_plan *p = bl->p;
	json_t *cols = json_array(), *rows = json_array();
	int ph, pr, ct, ac;

	json_array_append_new(cols, column("Giai đoạn", "text", 30, 1));
	json_array_append_new(cols, column("Vấn đề", "text", 30, 1));
	json_array_append_new(cols, column("Nội dung", "text", 30, 1));
	json_array_append_new(cols, column("Mã", "text", 14, 0));
	json_array_append_new(cols, column("Loại", "text", 12, 0));
	json_array_append_new(cols, column("Tên hoạt động", "text", 50, 1));
	json_array_append_new(cols, column("Bắt đầu", "text", 12, 0));
	json_array_append_new(cols, column("Kết thúc", "text", 12, 0));
	if (bl->tb.valid) {
		json_array_append_new(cols, column("Ngày giờ bắt đầu",
						   "datetime", 17, 0));
		json_array_append_new(cols, column("Ngày giờ kết thúc",
						   "datetime", 17, 0));
	}
	json_array_append_new(cols, column("Địa điểm", "text", 30, 1));
	json_array_append_new(cols, column("Tuyến", "text", 8, 0));
	for (ph = 0; ph < p->nphases; ph++) {
		const struct kvpt_phase *phase = &p->phases[ph];

		for (pr = phase->first_problem;
		     pr < phase->first_problem + phase->nproblems; pr++) {
			const struct kvpt_problem *prob = &p->problems[pr];

			for (ct = prob->first_content;
			     ct < prob->first_content + prob->ncontents; ct++) {
				const struct kvpt_content *c = &p->contents[ct];

				for (ac = c->first_activity; ac <
				     c->first_activity + c->nactivities; ac++) {
					const struct kvpt_activity *a =
						&p->activities[ac];
					int sched = kvpt_activity_scheduled(a);
					kvpt_time end = sched && a->end != a->start ?
						a->end : KVPT_TIME_NONE;
					json_t *r;

					if (!visible(bl, a))
						continue;
					r = ROW(str(title_or_id(phase->title,
								phase->id)),
						str(title_or_id(prob->title,
								prob->id)),
						str(title_or_id(c->title, c->id)),
						str(a->id),
						label(kvpt_activity_kinds,
						      (int)a->kind),
						str(a->title),
						sched ? ntime(a->start) :
						str("(chờ phát)"),
						ntime(end));
					if (bl->tb.valid) {
						json_array_append_new(r, sched ?
							unix_ms(bl, a->start) :
							json_null());
						json_array_append_new(r,
							unix_ms(bl, end));
					}
					json_array_append_new(r, a->place.id ?
						str(place_name(p, &a->place)) :
						json_null());
					json_array_append_new(r, str(a->track));
					add_row(rows, r);
				}
			}
		}
	}
	return sheet(bl, "Tiến trình", "Tiến trình diễn tập", cols, rows);
}

/* "báo cáo · Trưởng Công an xã · trong 30m, hạn N 11:00", one line per
 * expectation of inject a. */
static json_t *expectations(struct builder *bl, const struct kvpt_activity *a)
{
	const struct kvpt_plan *p = bl->p;
	char t[48];
	int k;

	for (k = 0; k < a->nexpectations; k++) {
		const struct kvpt_expectation *x =
			&p->expectations[a->first_expectation + k];
		kvpt_time due = kvpt_activity_scheduled(a) ?
			kvpt_expectation_deadline(x, a->start) : x->deadline;

		if (k)
			kvpt_buf_addc(&bl->b, '\n');
		kvpt_buf_adds(&bl->b, kvpt_enum_vi(kvpt_expect_kinds,
						   (int)x->kind));
		if (x->kind == KVPT_EXPECT_DOCUMENT && x->doc_type >= 0)
			kvpt_buf_addf(&bl->b, " (%s)", kvpt_enum_vi(
				      kvpt_doc_types, x->doc_type));
		kvpt_buf_adds(&bl->b, " · ");
		kvpt_text_responder(&bl->b, p, x);
		kvpt_buf_adds(&bl->b, " · ");
		if (x->within >= 0) {
			kvpt_duration_format(x->within, t, sizeof(t));
			kvpt_buf_addf(&bl->b, "trong %s", t);
			if (due == KVPT_TIME_NONE)
				kvpt_buf_adds(&bl->b, " sau khi phát");
		}
		if (due != KVPT_TIME_NONE) {
			kvpt_time_format(due, t, sizeof(t));
			kvpt_buf_addf(&bl->b, "%shạn %s",
				      x->within >= 0 ? ", " : "", t);
		}
		if (x->within < 0 && due == KVPT_TIME_NONE)
			kvpt_buf_adds(&bl->b, "không hạn");
	}
	return built(bl);
}

/* The inject a release condition waits on, or -1 for none. */
static int release_inject(const struct kvpt_plan *p,
			  const struct kvpt_release *r)
{
	int x = r->target.idx;

	if ((r->kind == KVPT_RELEASE_ON_MET ||
	     r->kind == KVPT_RELEASE_ON_MISSED) && x >= 0 &&
	    x < p->nexpectations)
		return p->expectations[x].inject;
	if (r->kind == KVPT_RELEASE_ON_RELEASED && x >= 0 &&
	    x < p->nactivities)
		return x;
	return -1;
}

/* What releases inject a; an inject above the clearance that it waits on
 * is not named. */
static json_t *release(struct builder *bl, const struct kvpt_activity *a)
{
	const struct kvpt_release *r = &a->release;
	int on = release_inject(bl->p, r);
	char dur[32];

	if (on < 0 || visible(bl, &bl->p->activities[on])) {
		kvpt_text_release(&bl->b, bl->p, a, KVPT_LANG_VI);
		return built(bl);
	}
	kvpt_buf_adds(&bl->b, r->kind == KVPT_RELEASE_ON_MET ?
		      "khi đáp ứng yêu cầu của một tình huống mật" :
		      r->kind == KVPT_RELEASE_ON_MISSED ?
		      "khi quá hạn yêu cầu của một tình huống mật" :
		      "sau khi phát một tình huống mật");
	if (r->delay > 0) {
		kvpt_duration_format(r->delay, dur, sizeof(dur));
		kvpt_buf_addf(&bl->b, ", sau %s", dur);
	}
	return built(bl);
}

static json_t *injects(struct builder *bl)
{
	const struct kvpt_plan *p = bl->p;
	json_t *cols = json_array(), *rows = json_array();
	int i;

	json_array_append_new(cols, column("Mã", "text", 12, 0));
	json_array_append_new(cols, column("Thời điểm", "text", 12, 0));
	if (bl->tb.valid)
		json_array_append_new(cols, column("Ngày giờ", "datetime", 17,
						   0));
	json_array_append_new(cols, column("Từ", "text", 28, 1));
	json_array_append_new(cols, column("Đến", "text", 36, 1));
	json_array_append_new(cols, column("Tiêu đề", "text", 40, 1));
	json_array_append_new(cols, column("Nội dung", "text", 70, 1));
	json_array_append_new(cols, column("Độ mật", "text", 10, 0));
	json_array_append_new(cols, column("Phát", "text", 24, 1));
	json_array_append_new(cols, column("Yêu cầu xử trí", "text", 50, 1));
	for (i = 0; i < p->nactivities; i++) {
		const struct kvpt_activity *a = &p->activities[i];
		int sched = kvpt_activity_scheduled(a);
		json_t *r;

		if (a->kind != KVPT_ACT_SITUATION || !visible(bl, a))
			continue;
		r = ROW(str(a->id), sched ? ntime(a->start) :
			str("(chờ phát)"));
		if (bl->tb.valid)
			json_array_append_new(r, sched ? unix_ms(bl, a->start) :
					      json_null());
		if (a->from.id)
			kvpt_text_sender(&bl->b, p, &a->from);
		json_array_append_new(r, built(bl));
		kvpt_text_roles(&bl->b, p, &a->to);
		json_array_append_new(r, built(bl));
		json_array_append_new(r, str(a->title));
		json_array_append_new(r, str(a->text));
		json_array_append_new(r, label(kvpt_classifications,
					       (int)a->classification));
		json_array_append_new(r, release(bl, a));
		json_array_append_new(r, expectations(bl, a));
		add_row(rows, r);
	}
	return sheet(bl, "Tình huống", "Tình huống (lịch phát)", cols, rows);
}

json_t *kvpt_plan_book(const struct kvpt_plan *plan, int clearance)
{
	const struct kvpt_exercise *ex = &plan->ex;
	struct kvpt_buf mark = KVPT_BUF_INIT;
	struct builder bl;
	json_t *book = json_object(), *sheets = json_array();

	memset(&bl, 0, sizeof(bl));
	bl.p = plan;
	bl.clearance = clearance;
	bl.tb = kvpt_plan_timebase(plan);
	kvpt_buf_init(&bl.b);
	kvpt_buf_addf(&mark, "%s (%s)", ex->name ? ex->name : "?",
		      ex->code ? ex->code : "?");
	if (ex->classification != KVPT_CLASS_NONE)
		kvpt_buf_addf(&mark, " — Độ mật: %s", kvpt_enum_vi(
			      kvpt_classifications, (int)ex->classification));
	bl.mark = mark.s;

	kvpt_buf_addf(&bl.b, "Kế hoạch diễn tập: %s", ex->name ? ex->name :
		      ex->code ? ex->code : "?");
	json_object_set_new(book, "title", built(&bl));
	json_object_set_new(book, "subject", str(ex->code));
	json_object_set_new(book, "author", json_string("kvpt"));
	json_object_set_new(book, "tz_offset_min",
			    json_integer(bl.tb.valid ? ex->tz_offset_min : 0));
	json_array_append_new(sheets, general(&bl));
	json_array_append_new(sheets, bodies(&bl));
	json_array_append_new(sheets, roles(&bl));
	json_array_append_new(sheets, committees(&bl));
	json_array_append_new(sheets, documents(&bl));
	json_array_append_new(sheets, schedule(&bl));
	json_array_append_new(sheets, injects(&bl));
	json_object_set_new(book, "sheets", sheets);
	kvpt_buf_release(&bl.b);
	kvpt_buf_release(&mark);
	return book;
}
