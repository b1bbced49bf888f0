/*
 * timeline: the exercise schedule sorted by time, and its text form.  See
 * timeline.h.
 */
#include "timeline.h"
#include "base/xalloc.h"
#include "model/extime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	kvpt_time start;
	int idx;
};

static int slot_cmp(const void *pa, const void *pb)
{
	const struct slot *a = pa, *b = pb;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int in_window(const struct kvpt_activity *a, kvpt_time from,
		     kvpt_time to)
{
	kvpt_time end = a->end == KVPT_TIME_NONE ? a->start : a->end;

	if (to != KVPT_TIME_NONE && a->start >= to)
		return 0;
	if (from == KVPT_TIME_NONE || a->start >= from)
		return 1;
	return end > from;
}

void kvpt_timeline_build(struct kvpt_timeline *tl, const struct kvpt_plan *plan,
			 kvpt_time from, kvpt_time to)
{
	struct slot *slots;
	int i, n = 0;

	tl->scheduled = xcalloc((size_t)plan->nactivities + 1, sizeof(int));
	tl->pending = xcalloc((size_t)plan->nactivities + 1, sizeof(int));
	tl->nscheduled = tl->npending = 0;
	slots = xcalloc((size_t)plan->nactivities + 1, sizeof(*slots));
	for (i = 0; i < plan->nactivities; i++) {
		const struct kvpt_activity *a = &plan->activities[i];

		if (!kvpt_activity_scheduled(a)) {
			if (a->kind == KVPT_ACT_SITUATION)
				tl->pending[tl->npending++] = i;
			continue;
		}
		if (!in_window(a, from, to))
			continue;
		slots[n].start = a->start;
		slots[n].idx = i;
		n++;
	}
	qsort(slots, (size_t)n, sizeof(*slots), slot_cmp);
	for (i = 0; i < n; i++)
		tl->scheduled[i] = slots[i].idx;
	tl->nscheduled = n;
	free(slots);
}

void kvpt_timeline_release(struct kvpt_timeline *tl)
{
	free(tl->scheduled);
	free(tl->pending);
	tl->scheduled = tl->pending = NULL;
	tl->nscheduled = tl->npending = 0;
}

/* The columns of one schedule line, as text. */
enum { COL_TIME, COL_LOCAL, COL_DUR, COL_KIND, COL_ID, NCOLS };

static void line_cells(const struct kvpt_plan *plan,
		       const struct kvpt_activity *a, enum kvpt_lang lang,
		       char cells[NCOLS][64])
{
	struct kvpt_buf b = KVPT_BUF_INIT;

	kvpt_time_format(a->start, cells[COL_TIME], sizeof(cells[COL_TIME]));
	kvpt_text_local(&b, plan, a->start);
	snprintf(cells[COL_LOCAL], sizeof(cells[COL_LOCAL]), "%s",
		 b.s ? b.s : "");
	if (a->end != KVPT_TIME_NONE && a->end > a->start)
		kvpt_duration_format(a->end - a->start, cells[COL_DUR],
				     sizeof(cells[COL_DUR]));
	else
		snprintf(cells[COL_DUR], sizeof(cells[COL_DUR]), "—");
	snprintf(cells[COL_KIND], sizeof(cells[COL_KIND]), "%s",
		 kvpt_text_enum(lang, kvpt_activity_kinds, (int)a->kind));
	cells[COL_ID][0] = '\0';	/* ids can be long: printed from a->id */
	kvpt_buf_release(&b);
}

static void add_title(struct kvpt_buf *out, const struct kvpt_plan *plan,
		      const struct kvpt_activity *a, enum kvpt_lang lang)
{
	size_t len0;

	kvpt_buf_adds(out, a->title ? a->title : "");
	kvpt_buf_adds(out, " · ");
	len0 = out->len;
	kvpt_text_participants(out, plan, a, lang);
	if (out->len == len0) {
		out->len -= strlen(" · ");
		out->s[out->len] = '\0';
	}
}

void kvpt_timeline_format(const struct kvpt_timeline *tl,
			  const struct kvpt_plan *plan, enum kvpt_lang lang,
			  struct kvpt_buf *out)
{
	static const char *const head_vi[NCOLS + 1] = {
		"Thời điểm", "Giờ thực", "Kéo dài", "Loại", "Mã", "Hoạt động" };
	static const char *const head_en[NCOLS + 1] = {
		"Ex. time", "Local time", "Length", "Kind", "Id", "Activity" };
	const char *const *head = lang == KVPT_LANG_EN ? head_en : head_vi;
	int has_local = plan->ex.n_date != NULL;
	size_t w[NCOLS];
	char cells[NCOLS][64];
	int i, c;

	for (c = 0; c < NCOLS; c++)
		w[c] = kvpt_text_width(head[c]);
	for (i = 0; i < tl->nscheduled; i++) {
		const struct kvpt_activity *a =
			&plan->activities[tl->scheduled[i]];
		size_t iw = kvpt_text_width(a->id ? a->id : "");

		line_cells(plan, a, lang, cells);
		for (c = 0; c < COL_ID; c++) {
			size_t cw = kvpt_text_width(cells[c]);

			if (cw > w[c])
				w[c] = cw;
		}
		if (iw > w[COL_ID])
			w[COL_ID] = iw;
	}
	if (has_local)
		kvpt_buf_addf(out, "%s %s (UTC%c%02d:%02d)\n",
			      KVPT_L(lang, "Ngày N:", "Day N:"), plan->ex.n_date,
			      plan->ex.tz_offset_min < 0 ? '-' : '+',
			      abs(plan->ex.tz_offset_min) / 60,
			      abs(plan->ex.tz_offset_min) % 60);
	else
		kvpt_buf_addf(out, "%s\n", KVPT_L(lang,
			"Ngày N: chưa xác định (giờ thực không hiển thị)",
			"Day N: not fixed (no local times)"));
	if (!tl->nscheduled) {
		kvpt_buf_addf(out, "%s\n", KVPT_L(lang,
			"(không có hoạt động nào trong khoảng thời gian này)",
			"(no activity in this window)"));
	} else {
		for (c = 0; c < NCOLS; c++) {
			if (c == COL_LOCAL && !has_local)
				continue;
			kvpt_text_pad(out, head[c], w[c] + 2);
		}
		kvpt_buf_addf(out, "%s\n", head[NCOLS]);
	}
	for (i = 0; i < tl->nscheduled; i++) {
		const struct kvpt_activity *a =
			&plan->activities[tl->scheduled[i]];

		line_cells(plan, a, lang, cells);
		for (c = 0; c < COL_ID; c++) {
			if (c == COL_LOCAL && !has_local)
				continue;
			kvpt_text_pad(out, cells[c], w[c] + 2);
		}
		kvpt_text_pad(out, a->id ? a->id : "", w[COL_ID] + 2);
		add_title(out, plan, a, lang);
		kvpt_buf_addc(out, '\n');
	}
	if (!tl->npending)
		return;
	kvpt_buf_addf(out, "\n%s (%d):\n", KVPT_L(lang,
		"Tình huống phát thủ công hoặc theo điều kiện",
		"Injects released by hand or on a condition"), tl->npending);
	w[COL_ID] = 0;
	for (i = 0; i < tl->npending; i++) {
		const char *id = plan->activities[tl->pending[i]].id;
		size_t iw = kvpt_text_width(id ? id : "");

		if (iw > w[COL_ID])
			w[COL_ID] = iw;
	}
	for (i = 0; i < tl->npending; i++) {
		const struct kvpt_activity *a =
			&plan->activities[tl->pending[i]];

		kvpt_buf_adds(out, "  ");
		kvpt_text_pad(out, a->id ? a->id : "", w[COL_ID] + 2);
		add_title(out, plan, a, lang);
		kvpt_buf_addf(out, "\n  %*s  %s ", (int)w[COL_ID], "",
			      KVPT_L(lang, "phát:", "release:"));
		kvpt_text_release(out, plan, a, lang);
		kvpt_buf_addc(out, '\n');
	}
}
