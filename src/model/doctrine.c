/*
 * doctrine: transition rules evaluated against acts done.  See doctrine.h.
 */
#include "doctrine.h"

#include <string.h>

/* Whether a document of type `have` is the act of type `want`: equal, or a
 * specific order (transition, march, combat) where an order is wanted. */
static int type_fits(int have, int want)
{
	enum { ORDER = 16, TRANSITION_ORDER = 13, COMBAT_ORDER = 15 };

	if (have == want)
		return 1;
	return want == ORDER && have >= TRANSITION_ORDER &&
	       have <= COMBAT_ORDER;
}

/* The earliest time an act was done in locality loc, or KVPT_TIME_NONE. */
static kvpt_time act_time(const struct kvpt_plan *p, const struct kvpt_act *a,
			  int loc, const struct kvpt_issued *issued, int n,
			  int since, kvpt_time not_before)
{
	kvpt_time best = KVPT_TIME_NONE;
	int i;

	for (i = since; i < n; i++) {
		const struct kvpt_issued *d = &issued[i];

		if (!type_fits(d->doc_type, a->doc_type) || d->body < 0)
			continue;
		if (p->bodies[d->body].kind != a->by)
			continue;
		/* The locality's own bodies act for it (its Party committee,
		 * not the Party committee of its military command). */
		if (d->body != loc && p->bodies[d->body].parent.idx != loc)
			continue;
		if (not_before != KVPT_TIME_NONE && d->at < not_before)
			continue;
		if (best == KVPT_TIME_NONE || d->at < best)
			best = d->at;
	}
	return best;
}

static void describe_act(const struct kvpt_act *a, struct kvpt_buf *why)
{
	kvpt_buf_addf(why, "%s của %s (%s by %s)",
		      kvpt_enum_vi(kvpt_doc_types, a->doc_type),
		      kvpt_enum_vi(kvpt_body_kinds, (int)a->by),
		      kvpt_enum_id(kvpt_doc_types, a->doc_type),
		      kvpt_enum_id(kvpt_body_kinds, (int)a->by));
}

static int rule_matches(const struct kvpt_rule *r, int machine, int from,
			int to)
{
	return r->machine == machine && r->to.idx == to &&
	       (r->from.idx < 0 || r->from.idx == from);
}

int kvpt_doctrine_check(const struct kvpt_plan *p, int machine, int body,
			int from, int to, int since,
			const struct kvpt_issued *issued, int nissued, int *rule, const char **rule_id,
			struct kvpt_buf *why)
{
	const struct kvpt_machine *m = &p->machines[machine];
	const struct kvpt_rule *r = NULL;
	int loc = kvpt_body_locality(p, body);
	int i;

	/* The most specific rule wins: one naming `from` over one for any. */
	for (i = 0; i < p->nrules; i++) {
		if (!rule_matches(&p->rules[i], machine, from, to))
			continue;
		if (!r || (r->from.idx < 0 && p->rules[i].from.idx >= 0)) {
			r = &p->rules[i];
			if (rule)
				*rule = i;
		}
	}
	if (to == from) {
		*rule_id = "transition-no-change";
		kvpt_buf_addf(why, "đã ở trạng thái \"%s\" (already %s)",
			      m->states[to].name, m->states[to].id);
		return KVPT_EREFUSED;
	}
	if (to < from && !(r && r->allow_back)) {
		*rule_id = "state-backward";
		kvpt_buf_addf(why, "không được lùi từ \"%s\" về \"%s\" "
			      "(%s → %s goes backwards; a rule with back: true "
			      "would allow it)", m->states[from].name,
			      m->states[to].name, m->states[from].id,
			      m->states[to].id);
		return KVPT_EREFUSED;
	}
	if (to > from + 1 && !(r && r->allow_skip)) {
		*rule_id = "state-skip";
		kvpt_buf_addf(why, "chuyển từ \"%s\" sang \"%s\" bỏ qua \"%s\" "
			      "(%s → %s skips %s)", m->states[from].name,
			      m->states[to].name, m->states[from + 1].name,
			      m->states[from].id, m->states[to].id,
			      m->states[from + 1].id);
		return KVPT_EREFUSED;
	}
	if (!r) {
		*rule_id = "transition-no-rule";
		kvpt_buf_addf(why, "không có quy tắc nào cho phép chuyển %s "
			      "từ \"%s\" sang \"%s\" (no rule allows %s %s → %s)",
			      m->name, m->states[from].name, m->states[to].name,
			      m->id, m->states[from].id, m->states[to].id);
		return KVPT_EREFUSED;
	}
	for (i = 0; i < r->nacts; i++) {
		const struct kvpt_act *a = &r->acts[i];
		kvpt_time t = act_time(p, a, loc, issued, nissued,
				       since, KVPT_TIME_NONE);

		if (t == KVPT_TIME_NONE) {
			*rule_id = "transition-missing-act";
			kvpt_buf_addf(why, "chuyển sang \"%s\" cần có ",
				      m->states[to].name);
			describe_act(a, why);
			kvpt_buf_addf(why, " (moving to %s requires it%s)",
				      m->states[to].id, since > 0 ?
				      ", issued after the previous move" : "");
			return KVPT_EREFUSED;
		}
		if (a->after.idx >= 0) {
			const struct kvpt_act *b = &r->acts[a->after.idx];
			kvpt_time tb = act_time(p, b, loc, issued, nissued,
						since, KVPT_TIME_NONE);

			if (tb == KVPT_TIME_NONE ||
			    act_time(p, a, loc, issued, nissued, since, tb) ==
				    KVPT_TIME_NONE) {
				*rule_id = "act-order";
				describe_act(a, why);
				kvpt_buf_adds(why, " phải sau ");
				describe_act(b, why);
				kvpt_buf_adds(why, " (acts out of order)");
				return KVPT_EREFUSED;
			}
		}
	}
	return 0;
}
