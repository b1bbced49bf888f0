/*
 * aar_pdf: what the printed after-action report says, section by section
 * (see aar_pdf.h); report/pdf lays it out.
 */
#include "report/aar_pdf.h"

#include "base/buf.h"
#include "base/utf8.h"
#include "model/extime.h"
#include "report/aar.h"

#include <stdio.h>
#include <string.h>

#define MAX_RESPONSE_BARS 400	/* beyond that the chart says nothing */

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int64_t jint(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static const char *or(const char *s, const char *dflt)
{
	return s && *s ? s : dflt;
}

static void block(json_t *blocks, json_t *b)
{
	json_array_append_new(blocks, b);
}

static void section(json_t *blocks, const char *title)
{
	block(blocks, json_pack("{s:s,s:s}", "type", "section", "title",
				title));
}

static void paragraph(json_t *blocks, const char *text)
{
	block(blocks, json_pack("{s:s,s:s}", "type", "paragraph", "text",
				text));
}

/* A table block with the given column titles and widths; rows added by
 * the caller to its "rows" (and "styles"). */
static json_t *table(json_t *blocks, const char *caption,
		     const char *const *titles, const double *widths, int n)
{
	json_t *cols = json_array(), *t;
	int k;

	for (k = 0; k < n; k++)
		json_array_append_new(cols, json_pack(
			"{s:s,s:f}", "title", titles[k], "width", widths[k]));
	t = json_pack("{s:s,s:s,s:o,s:[],s:[]}", "type", "table", "caption",
		      caption, "columns", cols, "rows", "styles");
	block(blocks, t);
	return t;
}

static void row(json_t *t, json_t *cells, const char *style)
{
	json_array_append_new(json_object_get(t, "rows"), cells);
	json_array_append_new(json_object_get(t, "styles"),
			      style ? json_string(style) : json_null());
}

static const char *share_text(const json_t *counts, char *buf, size_t len)
{
	const json_t *s = json_object_get(counts, "in_time_share");

	if (!json_is_number(s))
		return "—";
	snprintf(buf, len, "%.0f%%", json_number_value(s) * 100);
	return buf;
}

static void duration(struct kvpt_buf *b, const json_t *ms)
{
	if (json_is_integer(ms))
		kvpt_aar_duration(b, json_integer_value(ms));
	else
		kvpt_buf_adds(b, "—");
}

static void overview(json_t *blocks, const json_t *aar,
		     const struct kvpt_plan *plan)
{
	const json_t *m = json_object_get(aar, "measures");
	const json_t *c = json_object_get(json_object_get(m, "overall"),
					  "counts");
	struct kvpt_buf b = KVPT_BUF_INIT;
	char share[16];

	section(blocks, "Khái quát");
	kvpt_buf_addf(&b, "%s (mã %s)%s%s%s%s, địa bàn %s. ",
		      plan->ex.name ? plan->ex.name : plan->ex.code,
		      plan->ex.code, plan->ex.n_date ? ", ngày N là " : "",
		      plan->ex.n_date ? plan->ex.n_date : "",
		      plan->ex.format ? ", hình thức " : "",
		      plan->ex.format ? plan->ex.format : "",
		      or(plan->ex.locality, "—"));
	kvpt_buf_addf(&b, "Báo cáo tổng hợp từ nhật ký diễn tập (%lld sự "
		      "kiện%s) và %zu ý kiến quan sát của tổ đánh giá.",
		      (long long)jint(m, "events"),
		      json_is_true(json_object_get(m, "ended")) ?
		      ", cuộc diễn tập đã kết thúc" :
		      ", cuộc diễn tập chưa kết thúc",
		      json_array_size(json_object_get(aar, "observations")));
	paragraph(blocks, b.s);
	kvpt_buf_reset(&b);
	kvpt_buf_addf(&b, "Tổng số %lld yêu cầu đối với các vai tập: đạt đúng "
		      "hạn %lld, muộn %lld, bỏ lỡ %lld, còn mở %lld; tỷ lệ đúng "
		      "hạn %s.",
		      (long long)jint(c, "total"), (long long)jint(c, "met"),
		      (long long)jint(c, "late"), (long long)jint(c, "missed"),
		      (long long)jint(c, "open"),
		      share_text(c, share, sizeof(share)));
	paragraph(blocks, b.s);
	kvpt_buf_release(&b);
}

static void expectations(json_t *blocks, const json_t *m)
{
	static const char *const titles[] = {
		"Cơ quan, đơn vị", "Yêu cầu", "Đúng hạn", "Muộn", "Bỏ lỡ",
		"Tỷ lệ", "Thời gian phản ứng (trung vị)",
	};
	static const double widths[] = { 0.25, 0.09, 0.1, 0.1, 0.1, 0.09,
					 0.27 };
	json_t *t, *b, *inj, *x, *items = json_array();
	size_t i, k;
	char share[16];

	section(blocks, "Kết quả thực hiện các yêu cầu");
	t = table(blocks, "Kết quả theo cơ quan, đơn vị", titles, widths, 7);
	json_array_foreach(json_object_get(m, "bodies"), i, b) {
		const json_t *c = json_object_get(b, "counts");
		struct kvpt_buf d = KVPT_BUF_INIT;

		if (!jint(c, "total"))
			continue;
		duration(&d, json_object_get(json_object_get(b, "response"),
					     "median_ms"));
		row(t, json_pack("[s,I,I,I,I,s,s]", jstr(b, "name"),
				 (json_int_t)jint(c, "total"),
				 (json_int_t)jint(c, "met"),
				 (json_int_t)jint(c, "late"),
				 (json_int_t)jint(c, "missed"),
				 share_text(c, share, sizeof(share)), d.s),
		    jint(c, "missed") ? "bad" : jint(c, "late") ? "warn"
								 : NULL);
		kvpt_buf_release(&d);
	}
	json_array_foreach(json_object_get(m, "injects"), i, inj) {
		json_array_foreach(json_object_get(inj, "expectations"), k, x) {
			const char *st = jstr(x, "status");
			char label[300];

			if (json_array_size(items) >= MAX_RESPONSE_BARS)
				break;
			if (!st || !strcmp(st, "waiting") ||
			    !strcmp(st, "cancelled"))
				continue;
			snprintf(label, sizeof(label), "%s · %s",
				 jstr(inj, "id"), or(jstr(x, "kind_label"),
						     jstr(x, "kind")));
			json_array_append_new(items, json_pack(
				"{s:s,s:O,s:O,s:s}", "label", label,
				"allowed_ms", json_object_get(x, "allowed_ms"),
				"response_ms", json_object_get(x,
							      "response_ms"),
				"status", st));
		}
	}
	if (json_array_size(items))
		block(blocks, json_pack("{s:s,s:s,s:s,s:o}", "type", "chart",
					"kind", "response", "caption",
					"Thời gian phản ứng so với thời hạn "
					"cho phép", "items", items));
	else
		json_decref(items);
}

static void course(json_t *blocks, const json_t *m,
		   const struct kvpt_plan *plan)
{
	static const char *const titles[] = {
		"Thời điểm", "Cơ quan", "Chuyển sang", "Quy tắc", "Lý do",
	};
	static const double widths[] = { 0.12, 0.22, 0.18, 0.16, 0.32 };
	json_t *items = json_array(), *a, *t, *rf, *b, *st;
	size_t i, k;
	int mi, s;

	section(blocks, "Diễn biến và trạng thái");
	json_array_foreach(json_object_get(m, "activities"), i, a) {
		if (!json_is_integer(json_object_get(a, "planned_start")))
			continue;
		json_array_append_new(items, json_pack(
			"{s:s,s:O,s:O,s:O,s:O}", "label", or(jstr(a, "title"),
							   jstr(a, "id")),
			"planned_start", json_object_get(a, "planned_start"),
			"planned_end", json_object_get(a, "planned_end"),
			"actual_start", json_object_get(a, "started"),
			"actual_end", json_object_get(a, "ended")));
	}
	if (json_array_size(items))
		block(blocks, json_pack("{s:s,s:s,s:s,s:o}", "type", "chart",
					"kind", "timeline", "caption",
					"Các hoạt động: kế hoạch và thực tế",
					"items", items));
	else
		json_decref(items);
	for (mi = 0; mi < plan->nmachines; mi++) {
		const struct kvpt_machine *mc = &plan->machines[mi];
		json_t *states = json_array(), *series = json_array();
		kvpt_time t0 = plan->ex.start != KVPT_TIME_NONE ?
			plan->ex.start : 0;
		char caption[300];

		for (s = 0; s < mc->nstates; s++)
			json_array_append_new(states, json_string(
				or(mc->states[s].name, mc->states[s].id)));
		json_array_foreach(json_object_get(m, "bodies"), i, b) {
			json_t *pts = json_array(), *pl = json_array();
			const char *init = or(mc->states[mc->initial].name,
					      mc->states[mc->initial].id);

			json_array_append_new(pts, json_pack(
				"{s:I,s:s}", "t", (json_int_t)t0, "state", init));
			json_array_append_new(pl, json_pack(
				"{s:I,s:s}", "t", (json_int_t)t0, "state", init));
			json_array_foreach(json_object_get(b, "states"), k,
					   st) {
				if (strcmp(or(jstr(st, "machine"), ""), mc->id))
					continue;
				if (json_is_integer(json_object_get(st,
								    "reached")))
					json_array_append_new(pts, json_pack(
						"{s:O,s:O}", "t",
						json_object_get(st, "reached"),
						"state", json_object_get(
							st, "state_name")));
				if (json_is_integer(json_object_get(st,
								    "planned")))
					json_array_append_new(pl, json_pack(
						"{s:O,s:O}", "t",
						json_object_get(st, "planned"),
						"state", json_object_get(
							st, "state_name")));
			}
			if (json_array_size(pts) + json_array_size(pl) > 2)
				json_array_append_new(series, json_pack(
					"{s:s,s:o,s:o}", "label",
					jstr(b, "name"), "points", pts,
					"planned", pl));
			else {
				json_decref(pts);
				json_decref(pl);
			}
		}
		if (!json_array_size(series)) {
			json_decref(states);
			json_decref(series);
			continue;
		}
		snprintf(caption, sizeof(caption), "%s của các cơ quan theo "
			 "thời gian (nét đứt: kế hoạch)",
			 or(mc->name, mc->id));
		block(blocks, json_pack("{s:s,s:s,s:s,s:o,s:o}", "type",
					"chart", "kind", "ladder", "caption",
					caption, "states", states, "series",
					series));
	}
	if (!json_array_size(json_object_get(m, "refused"))) {
		paragraph(blocks, "Không có đề nghị chuyển trạng thái nào bị "
			  "từ chối.");
		return;
	}
	t = table(blocks, "Các đề nghị chuyển trạng thái bị từ chối", titles,
		  widths, 5);
	json_array_foreach(json_object_get(m, "refused"), i, rf) {
		char tt[48] = "";

		if (json_is_integer(json_object_get(rf, "t")))
			kvpt_time_format(jint(rf, "t"), tt, sizeof(tt));
		row(t, json_pack("[s,s,s,s,s]", tt, or(jstr(rf, "body_name"),
							 ""),
				 or(jstr(rf, "to_name"), ""),
				 or(jstr(rf, "rule"), ""),
				 or(jstr(rf, "reason"), "")),
		    json_is_true(json_object_get(rf, "mechanism_order")) ?
		    "bad" : NULL);
	}
}

/* The verdicts of aar, or (none given) those the measures propose. */
static json_t *verdicts_of(const json_t *aar)
{
	const json_t *m = json_object_get(aar, "measures"), *b;
	json_t *out;
	size_t i;

	if (json_is_array(json_object_get(aar, "verdicts")))
		return json_incref(json_object_get(aar, "verdicts"));
	out = json_array();
	json_array_append_new(out, json_pack(
		"{s:n,s:O,s:n}", "body", "proposed",
		json_object_get(json_object_get(m, "overall"), "verdict"),
		"confirmed"));
	json_array_foreach(json_object_get(m, "bodies"), i, b)
		json_array_append_new(out, json_pack(
			"{s:O,s:O,s:O,s:n}", "body", json_object_get(b, "id"),
			"body_name", json_object_get(b, "name"), "proposed",
			json_object_get(b, "verdict"), "confirmed"));
	return out;
}

/* The names of plan bodies and criteria by id (the id when unknown). */
static const char *body_name(const struct kvpt_plan *plan, const char *id)
{
	int b = id ? kvpt_strmap_get(&plan->body_ids, id) : -1;

	return b >= 0 && plan->bodies[b].name ? plan->bodies[b].name : id;
}

static const char *criterion_name(const struct kvpt_plan *plan,
				  const char *id)
{
	int c = id ? kvpt_strmap_get(&plan->criterion_ids, id) : -1;

	return c >= 0 && plan->criteria[c].name ? plan->criteria[c].name : id;
}

static void assessment(json_t *blocks, const json_t *aar,
		       const struct kvpt_plan *plan)
{
	static const char *const vt[] = {
		"Cơ quan, đơn vị", "Đề xuất", "Kết luận", "Lý do",
	};
	static const double vw[] = { 0.26, 0.2, 0.2, 0.34 };
	static const char *const ot[] = {
		"Thời điểm", "Cơ quan", "Tiêu chí", "Mức", "Nhận xét",
	};
	static const double ow[] = { 0.11, 0.2, 0.17, 0.16, 0.36 };
	json_t *t, *v, *o;
	size_t i;

	json_t *vs = verdicts_of(aar);

	section(blocks, "Đánh giá, nhận xét");
	t = table(blocks, "Kết quả đánh giá", vt, vw, 4);
	json_array_foreach(vs, i, v) {
		const json_t *p = json_object_get(v, "proposed");
		const json_t *c = json_object_get(v, "confirmed");

		row(t, json_pack("[s,s,s,s]", or(jstr(v, "body_name"),
						 "Toàn cuộc diễn tập"),
				 or(jstr(p, "label"), "—"),
				 json_is_object(c) ? or(jstr(c, "label"), "—")
						   : "(chưa kết luận)",
				 json_is_object(c) && jstr(c, "reason") &&
				 *jstr(c, "reason") ? jstr(c, "reason")
						    : or(jstr(p, "reason"), "")),
		    json_object_get(v, "body") == NULL ||
		    json_is_null(json_object_get(v, "body")) ? "bold" : NULL);
	}
	json_decref(vs);
	if (!json_array_size(json_object_get(aar, "observations")))
		return;
	t = table(blocks, "Ý kiến quan sát của tổ đánh giá", ot, ow, 5);
	json_array_foreach(json_object_get(aar, "observations"), i, o) {
		struct kvpt_buf b = KVPT_BUF_INIT;

		if (jstr(o, "strengths"))
			kvpt_buf_addf(&b, "Ưu điểm: %s. ", jstr(o, "strengths"));
		if (jstr(o, "weaknesses"))
			kvpt_buf_addf(&b, "Hạn chế: %s. ",
				      jstr(o, "weaknesses"));
		if (jstr(o, "text"))
			kvpt_buf_adds(&b, jstr(o, "text"));
		row(t, json_pack("[s,s,s,s,s]", or(jstr(o, "t_text"), ""),
				 or(body_name(plan, jstr(o, "body")), ""),
				 or(criterion_name(plan, jstr(o, "criterion")),
				    ""),
				 or(jstr(o, "score"), ""), b.len ? b.s : ""),
		    NULL);
		kvpt_buf_release(&b);
	}
}

static void lessons_and_actions(json_t *blocks, const json_t *aar,
				int tz_offset_min)
{
	static const char *const at[] = {
		"Việc khắc phục", "Giao cho", "Hạn", "Trạng thái",
	};
	static const double aw[] = { 0.46, 0.24, 0.14, 0.16 };
	json_t *l, *t, *a;
	size_t i;

	section(blocks, "Bài học kinh nghiệm");
	if (!json_array_size(json_object_get(aar, "lessons")))
		paragraph(blocks, "Chưa ghi nhận bài học kinh nghiệm.");
	json_array_foreach(json_object_get(aar, "lessons"), i, l)
		block(blocks, json_pack("{s:s,s:I,s:s}", "type", "lesson",
					"n", (json_int_t)jint(l, "n"), "text",
					or(jstr(l, "text"), "")));
	section(blocks, "Các việc khắc phục");
	if (!json_array_size(json_object_get(aar, "actions"))) {
		paragraph(blocks, "Chưa giao việc khắc phục.");
		return;
	}
	t = table(blocks, "Việc khắc phục, người chịu trách nhiệm và thời hạn",
		  at, aw, 4);
	json_array_foreach(json_object_get(aar, "actions"), i, a) {
		static const char *const sv[][2] = {
			{ "open", "Chưa thực hiện" }, { "doing", "Đang làm" },
			{ "done", "Hoàn thành" }, { "cancelled", "Hủy" },
		};
		const char *st = or(jstr(a, "status"), "");
		const char *stv = st;
		int64_t due = jint(a, "due_ms") +
			      (int64_t)tz_offset_min * 60000;
		int64_t day = due >= 0 ? due / 86400000
				       : -((-due + 86399999) / 86400000);
		char dtext[32];
		int y;
		unsigned mo, d, k;

		for (k = 0; k < 4; k++)
			if (!strcmp(sv[k][0], st))
				stv = sv[k][1];
		kvpt_civil_from_days(day, &y, &mo, &d);
		snprintf(dtext, sizeof(dtext), "%02u/%02u/%04d", d, mo, y);
		row(t, json_pack("[s,s,s,s]", or(jstr(a, "title"), ""),
				 or(jstr(json_object_get(a, "assignee"), "name"),
				    or(jstr(json_object_get(a, "assignee"),
					    "id"), "")),
				 json_is_integer(json_object_get(a, "due_ms")) ?
				 dtext : "", stv),
		    !strcmp(st, "done") ? "good" : NULL);
	}
}

/* The organising committee's head, for the signature; or NULL. */
static const char *organiser(const struct kvpt_plan *plan,
			     const char **committee)
{
	int i;

	*committee = NULL;
	for (i = 0; i < plan->ncommittees; i++) {
		const struct kvpt_committee *c = &plan->committees[i];

		if (c->kind != KVPT_COMMITTEE_ORGANISING)
			continue;
		*committee = c->name;
		if (c->head.idx >= 0)
			return plan->people[c->head.idx].name;
	}
	return NULL;
}

static const char *steering(const struct kvpt_plan *plan)
{
	int i;

	for (i = 0; i < plan->ncommittees; i++)
		if (plan->committees[i].kind == KVPT_COMMITTEE_STEERING)
			return plan->committees[i].name;
	return NULL;
}

json_t *kvpt_aar_pdf_doc(const json_t *aar, const struct kvpt_plan *plan)
{
	json_t *blocks = json_array(), *doc, *header;
	const json_t *m = json_object_get(aar, "measures");
	struct kvpt_buf sub = KVPT_BUF_INIT, sup = KVPT_BUF_INIT;
	struct kvpt_buf iss = KVPT_BUF_INIT, date = KVPT_BUF_INIT;
	const char *committee, *head = organiser(plan, &committee);
	int64_t now = jint(aar, "generated_ms") +
		      (int64_t)plan->ex.tz_offset_min * 60000;
	int y;
	unsigned mo, d;

	overview(blocks, aar, plan);
	expectations(blocks, m);
	course(blocks, m, plan);
	assessment(blocks, aar, plan);
	lessons_and_actions(blocks, aar, plan->ex.tz_offset_min);

	kvpt_buf_addf(&sub, "Kết quả và rút kinh nghiệm %s",
		      plan->ex.name ? plan->ex.name : plan->ex.code);
	kvpt_viet_upper_str(&sup, or(steering(plan), "Ban Chỉ đạo diễn tập"));
	kvpt_viet_upper_str(&iss, or(committee, "Ban Tổ chức diễn tập"));
	kvpt_civil_from_days(now / 86400000, &y, &mo, &d);
	kvpt_buf_addf(&date, "ngày %u tháng %u năm %d", d, mo, y);
	header = json_pack("{s:s,s:s,s:s,s:s}", "superior", sup.s, "issuer",
			   iss.s, "number", "     /BC-BTC", "date_text",
			   date.s);
	if (plan->ex.locality) {
		/* "tỉnh Thái Bình, ngày …" is written "Thái Bình, ngày …" */
		static const char *const kinds[] = {
			"tỉnh ", "thành phố ", "huyện ", "quận ", "thị xã ",
			"xã ", "phường ", "thị trấn ", NULL,
		};
		const char *place = plan->ex.locality;
		int k;

		for (k = 0; kinds[k]; k++)
			if (!strncmp(place, kinds[k], strlen(kinds[k])) &&
			    place[strlen(kinds[k])]) {
				place += strlen(kinds[k]);
				break;
			}
		json_object_set_new(header, "place", json_string(place));
	}
	if (plan->ex.classification != KVPT_CLASS_NONE) {
		struct kvpt_buf c = KVPT_BUF_INIT;

		kvpt_viet_upper_str(&c, kvpt_enum_vi(kvpt_classifications,
				       plan->ex.classification));
		json_object_set_new(header, "classification",
				    json_string(c.s));
		kvpt_buf_release(&c);
	}
	doc = json_pack("{s:o,s:s,s:s,s:o}", "header", header, "title",
			"BÁO CÁO", "subtitle", sub.s, "blocks", blocks);
	json_object_set_new(doc, "signature", json_pack(
		"{s:s,s:s}", "title", "TM. BAN TỔ CHỨC\nTRƯỞNG BAN", "name",
		or(head, " ")));
	kvpt_buf_release(&sub);
	kvpt_buf_release(&sup);
	kvpt_buf_release(&iss);
	kvpt_buf_release(&date);
	return doc;
}
