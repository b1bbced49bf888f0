/*
 * outline: the tree of `kvpt show`.  See outline.h.  Each node is drawn as
 * its ancestors' continuation (the prefix), a connector and one line of
 * text; detail lines of a node and its children hang under the prefix
 * extended by the node's own continuation.
 */
#include "outline.h"
#include "model/extime.h"

#include <stdlib.h>
#include <string.h>

#define BRANCH "├─ "
#define LAST "└─ "
#define PIPE "│  "
#define BLANK "   "

struct outline {
	const struct kvpt_plan *p;
	enum kvpt_lang lang;
	struct kvpt_buf *out;
	struct kvpt_buf prefix;	/* the ancestors' continuations */
	struct kvpt_buf line;	/* the line being built */
	size_t wspan, wkind;	/* widths of the activity columns */
};

#define L(o, vi, en) KVPT_L((o)->lang, vi, en)
#define PLURAL(n, s) ((n) == 1 ? "" : (s))

/* Write the current line as node text, with its connector. */
static void emit_node(struct outline *o, int last)
{
	kvpt_buf_adds(o->out, o->prefix.s ? o->prefix.s : "");
	kvpt_buf_adds(o->out, last ? LAST : BRANCH);
	kvpt_buf_adds(o->out, o->line.s ? o->line.s : "");
	kvpt_buf_addc(o->out, '\n');
	kvpt_buf_reset(&o->line);
}

/* Write the current line as a detail of the node whose children hang at
 * the current prefix. */
static void emit_detail(struct outline *o)
{
	kvpt_buf_adds(o->out, o->prefix.s ? o->prefix.s : "");
	kvpt_buf_adds(o->out, o->line.s ? o->line.s : "");
	kvpt_buf_addc(o->out, '\n');
	kvpt_buf_reset(&o->line);
}

/* Enter the children of a node; returns what to pass to leave(). */
static size_t enter(struct outline *o, int last)
{
	size_t len = o->prefix.len;

	kvpt_buf_adds(&o->prefix, last ? BLANK : PIPE);
	return len;
}

static void leave(struct outline *o, size_t len)
{
	o->prefix.len = len;
	o->prefix.s[len] = '\0';
}

static void add_offset(struct kvpt_buf *b, int off)
{
	kvpt_buf_addf(b, "UTC%c%02d:%02d", off < 0 ? '-' : '+', abs(off) / 60,
		      abs(off) % 60);
}

static void header(struct outline *o)
{
	static const char *const vi[] = {
		"Loại hình", "Hình thức", "Địa bàn", "Ngày N", "Bắt đầu",
		"Thời gian", "Phương pháp", "Độ mật", "Cơ quan thường trực",
		"Quy mô" };
	static const char *const en[] = {
		"Kind", "Format", "Locality", "Day N", "Start", "Duration",
		"Method", "Classification", "Standing agency", "Size" };
	enum { KIND, FORMAT, LOCALITY, DAY_N, START, DURATION, METHOD,
	       CLASS, AGENCY, SIZE, NLABELS };
	const char *const *label = o->lang == KVPT_LANG_EN ? en : vi;
	const struct kvpt_plan *p = o->p;
	const struct kvpt_exercise *ex = &p->ex;
	struct kvpt_buf v = KVPT_BUF_INIT;
	size_t w = 0;
	char t[32];
	int k, ninjects = 0;

	for (k = 0; k < NLABELS; k++)
		if (kvpt_text_width(label[k]) > w &&
		    (k != AGENCY || ex->standing_agency.idx >= 0))
			w = kvpt_text_width(label[k]);
	kvpt_buf_addf(o->out, "%s [%s]\n", ex->name ? ex->name : "?",
		      ex->code ? ex->code : "?");
	for (k = 0; k < p->nactivities; k++)
		ninjects += p->activities[k].kind == KVPT_ACT_SITUATION;
	for (k = 0; k < NLABELS; k++) {
		kvpt_buf_reset(&v);
		switch (k) {
		case KIND:
			kvpt_buf_adds(&v, kvpt_text_enum(o->lang,
				      kvpt_exercise_kinds, (int)ex->kind));
			break;
		case FORMAT:
			kvpt_buf_adds(&v, ex->format ? ex->format : "—");
			break;
		case LOCALITY:
			kvpt_buf_adds(&v, ex->locality ? ex->locality : "—");
			break;
		case DAY_N:
			if (ex->n_date) {
				kvpt_buf_addf(&v, "%s (%s, ", ex->n_date,
					      ex->timezone);
				add_offset(&v, ex->tz_offset_min);
				kvpt_buf_addc(&v, ')');
			} else {
				kvpt_buf_adds(&v, L(o, "chưa xác định",
						    "not fixed"));
			}
			break;
		case START:
			kvpt_time_format(ex->start, t, sizeof(t));
			kvpt_buf_adds(&v, t);
			if (ex->n_date) {
				kvpt_buf_adds(&v, " (");
				kvpt_text_local(&v, p, ex->start);
				kvpt_buf_addc(&v, ')');
			}
			break;
		case DURATION:
			kvpt_duration_format(ex->duration, t, sizeof(t));
			kvpt_buf_addf(&v, "%s, %s ", t, L(o, "đến", "until"));
			kvpt_time_format(ex->start + ex->duration, t, sizeof(t));
			kvpt_buf_adds(&v, t);
			break;
		case METHOD:
			kvpt_buf_adds(&v, kvpt_text_enum(o->lang, kvpt_methods,
							 (int)ex->method));
			break;
		case CLASS:
			kvpt_buf_adds(&v, kvpt_text_enum(o->lang,
				      kvpt_classifications,
				      (int)ex->classification));
			break;
		case AGENCY:
			if (ex->standing_agency.idx < 0)
				continue;
			kvpt_buf_adds(&v, p->bodies[ex->standing_agency.idx]
				      .name);
			break;
		case SIZE:
			if (o->lang == KVPT_LANG_EN)
				kvpt_buf_addf(&v, "%d phase%s, %d problem%s, "
					      "%d content%s, %d activit%s "
					      "(%d inject%s)", p->nphases,
					      PLURAL(p->nphases, "s"),
					      p->nproblems,
					      PLURAL(p->nproblems, "s"),
					      p->ncontents,
					      PLURAL(p->ncontents, "s"),
					      p->nactivities, p->nactivities == 1 ?
					      "y" : "ies", ninjects,
					      PLURAL(ninjects, "s"));
			else
				kvpt_buf_addf(&v, "%d giai đoạn, %d vấn đề, "
					      "%d nội dung, %d hoạt động "
					      "(%d tình huống)", p->nphases,
					      p->nproblems, p->ncontents,
					      p->nactivities, ninjects);
			break;
		}
		kvpt_buf_adds(&o->line, p->nphases ? PIPE : BLANK);
		kvpt_text_pad(&o->line, label[k], w + 2);
		kvpt_buf_adds(&o->line, v.s);
		emit_detail(o);
	}
	kvpt_buf_release(&v);
}

/* "Giai đoạn 1  N 07:00–12:00  Chuyển trạng thái  [gd1]" */
static void level_line(struct outline *o, const char *what, int number,
		       kvpt_time start, kvpt_time end, const char *title,
		       const char *id)
{
	kvpt_buf_addf(&o->line, "%s %d  ", what, number);
	if (start != KVPT_TIME_NONE) {
		kvpt_text_span(&o->line, start, end);
		kvpt_buf_adds(&o->line, "  ");
	}
	kvpt_buf_addf(&o->line, "%s  [%s]", title ? title : "", id ? id : "?");
}

static void detail_refs(struct outline *o, const char *label,
			const struct kvpt_refs *roles)
{
	if (!roles->n)
		return;
	kvpt_buf_addf(&o->line, "%s: ", label);
	kvpt_text_roles(&o->line, o->p, roles);
	emit_detail(o);
}

static const char *place_name(const struct kvpt_plan *p,
			      const struct kvpt_ref *r)
{
	if (r->idx >= 0)
		return p->places[r->idx].name;
	return r->id ? r->id : "?";
}

static const char *state_name(struct outline *o, int machine,
			      const struct kvpt_ref *s)
{
	const struct kvpt_state *st;

	if (machine < 0 || s->idx < 0)
		return s->id ? s->id : "?";
	st = &o->p->machines[machine].states[s->idx];
	return L(o, st->name, st->id);
}

static void activity_details(struct outline *o, const struct kvpt_activity *a)
{
	const struct kvpt_plan *p = o->p;
	int k;

	if (a->track) {
		kvpt_buf_addf(&o->line, "%s: %s", L(o, "tuyến", "track"),
			      a->track);
		emit_detail(o);
	}
	if (a->place.id) {
		kvpt_buf_addf(&o->line, "%s: %s", L(o, "địa điểm", "place"),
			      place_name(p, &a->place));
		emit_detail(o);
	}
	if (a->chair.id) {
		kvpt_buf_addf(&o->line, "%s: ", L(o, "chủ trì", "chair"));
		kvpt_text_role(&o->line, p, &a->chair, 1);
		emit_detail(o);
	}
	detail_refs(o, L(o, "thành phần", "attendees"), &a->attendees);
	if (a->nagenda) {
		kvpt_buf_addf(&o->line, "%s: ", L(o, "chương trình", "agenda"));
		for (k = 0; k < a->nagenda; k++)
			kvpt_buf_addf(&o->line, "%s%s", k ? "; " : "",
				      a->agenda[k]);
		emit_detail(o);
	}
	if (a->outputs.n) {
		kvpt_buf_addf(&o->line, "%s: ", L(o, "văn kiện", "documents"));
		for (k = 0; k < a->outputs.n; k++) {
			const struct kvpt_ref *r = &a->outputs.v[k];

			kvpt_buf_addf(&o->line, "%s%s", k ? "; " : "",
				      r->idx >= 0 ? p->documents[r->idx].title :
				      r->id);
		}
		emit_detail(o);
	}
	if (a->from.id) {
		kvpt_buf_addf(&o->line, "%s: ", L(o, "từ", "from"));
		kvpt_text_sender(&o->line, p, &a->from);
		emit_detail(o);
	}
	detail_refs(o, L(o, "đến", "to"), &a->to);
	if (a->kind == KVPT_ACT_SITUATION && !kvpt_activity_scheduled(a)) {
		kvpt_buf_addf(&o->line, "%s: ", L(o, "phát", "release"));
		kvpt_text_release(&o->line, p, a, o->lang);
		emit_detail(o);
	}
	if (a->classification != KVPT_CLASS_NONE) {
		kvpt_buf_addf(&o->line, "%s: %s", L(o, "độ mật",
						   "classification"),
			      kvpt_text_enum(o->lang, kvpt_classifications,
					     (int)a->classification));
		emit_detail(o);
	}
	if (a->forces.n) {
		kvpt_buf_addf(&o->line, "%s: ", L(o, "lực lượng", "forces"));
		kvpt_text_bodies(&o->line, p, &a->forces);
		emit_detail(o);
	}
	if (a->nresources) {
		kvpt_buf_addf(&o->line, "%s: ", L(o, "bảo đảm", "resources"));
		for (k = 0; k < a->nresources; k++) {
			const struct kvpt_quantity *q = &a->resources[k];
			const struct kvpt_resource *r = q->resource.idx >= 0 ?
				&p->resources[q->resource.idx] : NULL;

			kvpt_buf_addf(&o->line, "%s%s (%lld%s%s)", k ? "; " : "",
				      r ? r->name : q->resource.id,
				      (long long)q->amount,
				      r && r->unit ? " " : "",
				      r && r->unit ? r->unit : "");
		}
		emit_detail(o);
	}
	if (a->move_from.id || a->move_to.id) {
		kvpt_buf_addf(&o->line, "%s: %s → %s", L(o, "cơ động", "move"),
			      a->move_from.id ? place_name(p, &a->move_from) :
			      "?", a->move_to.id ? place_name(p, &a->move_to) :
			      "?");
		emit_detail(o);
	}
	for (k = 0; k < a->ntransitions; k++) {
		const struct kvpt_transition *t = &a->transitions[k];

		kvpt_buf_addf(&o->line, "%s: %s → %s",
			      L(o, "chuyển trạng thái", "state change"),
			      t->body.idx >= 0 ? p->bodies[t->body.idx].name :
			      t->body.id ? t->body.id : "?",
			      state_name(o, t->machine, &t->to));
		if (t->machine >= 0)
			kvpt_buf_addf(&o->line, " (%s)",
				      L(o, p->machines[t->machine].name,
					p->machines[t->machine].id));
		emit_detail(o);
	}
}

/* The expectation's kind with its object: "văn kiện (nghị quyết)". */
static void expect_what(struct outline *o, const struct kvpt_expectation *x,
			struct kvpt_buf *b)
{
	kvpt_buf_adds(b, kvpt_text_enum(o->lang, kvpt_expect_kinds,
					(int)x->kind));
	if (x->kind == KVPT_EXPECT_DOCUMENT && x->doc_type >= 0)
		kvpt_buf_addf(b, " (%s)", kvpt_text_enum(o->lang,
			      kvpt_doc_types, x->doc_type));
	else if (x->kind == KVPT_EXPECT_STATE)
		kvpt_buf_addf(b, " (%s)", state_name(o, x->machine, &x->state));
	else if (x->kind == KVPT_EXPECT_CONFERENCE && x->conference.id)
		kvpt_buf_addf(b, " (%s)", x->conference.id);
}

static void expectations(struct outline *o, const struct kvpt_activity *a)
{
	const struct kvpt_plan *p = o->p;
	struct kvpt_buf what = KVPT_BUF_INIT, who = KVPT_BUF_INIT;
	size_t wwhat = 0, wwho = 0;
	char t[32];
	int k;

	for (k = 0; k < a->nexpectations; k++) {
		const struct kvpt_expectation *x =
			&p->expectations[a->first_expectation + k];

		kvpt_buf_reset(&what);
		kvpt_buf_reset(&who);
		expect_what(o, x, &what);
		kvpt_text_responder(&who, p, x);
		if (kvpt_text_width(what.s) > wwhat)
			wwhat = kvpt_text_width(what.s);
		if (kvpt_text_width(who.s) > wwho)
			wwho = kvpt_text_width(who.s);
	}
	for (k = 0; k < a->nexpectations; k++) {
		const struct kvpt_expectation *x =
			&p->expectations[a->first_expectation + k];
		kvpt_time due = kvpt_activity_scheduled(a) ?
			kvpt_expectation_deadline(x, a->start) :
			x->deadline;

		kvpt_buf_reset(&what);
		kvpt_buf_reset(&who);
		expect_what(o, x, &what);
		kvpt_text_responder(&who, p, x);
		kvpt_text_pad(&o->line, what.s, wwhat + 2);
		kvpt_text_pad(&o->line, who.s, wwho + 2);
		if (x->within >= 0) {
			kvpt_duration_format(x->within, t, sizeof(t));
			kvpt_buf_addf(&o->line, "%s %s", L(o, "trong", "within"),
				      t);
			if (due == KVPT_TIME_NONE)
				kvpt_buf_addf(&o->line, " %s",
					      L(o, "sau khi phát",
						"of release"));
		}
		if (due != KVPT_TIME_NONE) {
			kvpt_time_format(due, t, sizeof(t));
			kvpt_buf_addf(&o->line, "%s%s %s",
				      x->within >= 0 ? ", " : "",
				      L(o, "hạn", "due"), t);
		}
		if (x->within < 0 && due == KVPT_TIME_NONE)
			kvpt_buf_adds(&o->line, L(o, "không hạn", "no deadline"));
		kvpt_buf_addf(&o->line, "  [%s]", x->id ? x->id : "?");
		emit_node(o, k == a->nexpectations - 1);
	}
	kvpt_buf_release(&what);
	kvpt_buf_release(&who);
}

static void activity(struct outline *o, int i, int last)
{
	const struct kvpt_activity *a = &o->p->activities[i];
	struct kvpt_buf span = KVPT_BUF_INIT;
	size_t saved;

	if (kvpt_activity_scheduled(a))
		kvpt_text_span(&span, a->start, a->end);
	else
		kvpt_buf_adds(&span, L(o, "(chờ phát)", "(pending)"));
	kvpt_text_pad(&o->line, span.s, o->wspan + 2);
	kvpt_text_pad(&o->line, kvpt_text_enum(o->lang, kvpt_activity_kinds,
					       (int)a->kind), o->wkind + 2);
	kvpt_buf_addf(&o->line, "%s  [%s]", a->title ? a->title : "",
		      a->id ? a->id : "?");
	emit_node(o, last);
	saved = enter(o, last);
	activity_details(o, a);
	expectations(o, a);
	leave(o, saved);
	kvpt_buf_release(&span);
}

static void measure(struct outline *o)
{
	struct kvpt_buf b = KVPT_BUF_INIT;
	int i;

	o->wspan = kvpt_text_width(L(o, "(chờ phát)", "(pending)"));
	o->wkind = 0;
	for (i = 0; i < o->p->nactivities; i++) {
		const struct kvpt_activity *a = &o->p->activities[i];
		size_t w;

		kvpt_buf_reset(&b);
		kvpt_text_span(&b, a->start, a->end);
		if (kvpt_text_width(b.s) > o->wspan)
			o->wspan = kvpt_text_width(b.s);
		w = kvpt_text_width(kvpt_text_enum(o->lang, kvpt_activity_kinds,
						   (int)a->kind));
		if (w > o->wkind)
			o->wkind = w;
	}
	kvpt_buf_release(&b);
}

void kvpt_outline_format(const struct kvpt_plan *plan, enum kvpt_lang lang,
			 struct kvpt_buf *out)
{
	struct outline o;
	int ph, pr, ct, ac;

	memset(&o, 0, sizeof(o));
	o.p = plan;
	o.lang = lang;
	o.out = out;
	kvpt_buf_init(&o.prefix);
	kvpt_buf_init(&o.line);
	kvpt_buf_adds(&o.prefix, "");
	measure(&o);
	header(&o);
	for (ph = 0; ph < plan->nphases; ph++) {
		const struct kvpt_phase *phase = &plan->phases[ph];
		int last_ph = ph == plan->nphases - 1;
		size_t s1;

		level_line(&o, L(&o, "Giai đoạn", "Phase"), ph + 1, phase->start,
			   phase->end, phase->title, phase->id);
		emit_node(&o, last_ph);
		s1 = enter(&o, last_ph);
		for (pr = 0; pr < phase->nproblems; pr++) {
			int pi = phase->first_problem + pr;
			const struct kvpt_problem *prob = &plan->problems[pi];
			int last_pr = pr == phase->nproblems - 1;
			size_t s2;

			level_line(&o, L(&o, "Vấn đề", "Problem"), pi + 1,
				   prob->start, prob->end, prob->title, prob->id);
			emit_node(&o, last_pr);
			s2 = enter(&o, last_pr);
			for (ct = 0; ct < prob->ncontents; ct++) {
				int ci = prob->first_content + ct;
				const struct kvpt_content *c =
					&plan->contents[ci];
				int last_ct = ct == prob->ncontents - 1;
				size_t s3;

				level_line(&o, L(&o, "Nội dung", "Content"),
					   ci + 1, c->start, c->end, c->title,
					   c->id);
				emit_node(&o, last_ct);
				s3 = enter(&o, last_ct);
				for (ac = 0; ac < c->nactivities; ac++)
					activity(&o, c->first_activity + ac,
						 ac == c->nactivities - 1);
				leave(&o, s3);
			}
			leave(&o, s2);
		}
		leave(&o, s1);
	}
	kvpt_buf_release(&o.prefix);
	kvpt_buf_release(&o.line);
}
