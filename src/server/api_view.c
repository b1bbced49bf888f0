/*
 * api_view: what the web front shows beside the feed — the timeline of
 * activities, planned and actual, and the exercise's documents with their
 * status and classification marks (docs/api.md).  Each user sees only
 * what the assignment and the clearance allow.
 */
#include "server/server_int.h"

#include "model/extime.h"

#include <string.h>

static json_t *time_or_null(kvpt_time t)
{
	return t == KVPT_TIME_NONE ? json_null() : json_integer(t);
}

void api_activities(struct req *r)
{
	const struct exercise *x = r->x;
	const struct kvpt_plan *p = x->plan;
	json_t *out;
	int i;

	out = json_array();
	for (i = 0; i < p->nactivities; i++) {
		const struct kvpt_activity *a = &p->activities[i];
		const struct kvpt_activity_state *st =
			kvpt_engine_activity(x->eng, i);
		const struct kvpt_content *c = &p->contents[a->content];
		const struct kvpt_problem *pr = &p->problems[c->problem];
		kvpt_time at = KVPT_TIME_NONE, end = KVPT_TIME_NONE;

		/* injects only as their recipients and the staff may see */
		if (a->kind == KVPT_ACT_SITUATION &&
		    !inject_visible(x, r->user, r->as, i))
			continue;
		if (st->status == KVPT_ACTIVITY_RELEASED ||
		    st->status == KVPT_ACTIVITY_STARTED ||
		    st->status == KVPT_ACTIVITY_ENDED)
			at = st->at;
		if (st->status == KVPT_ACTIVITY_ENDED)
			end = st->end_at;
		json_array_append_new(out, json_pack(
			"{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:o,s:o,s:s?,"
			"s:o}",
			"id", a->id, "title", a->title ? a->title : a->id,
			"kind", kvpt_enum_id(kvpt_activity_kinds, a->kind),
			"phase", p->phases[pr->phase].id,
			"problem", pr->id, "content", c->id,
			"start", time_or_null(a->start),
			"end", time_or_null(a->end),
			"status", kvpt_enum_id(kvpt_activity_statuses,
					       st->status),
			"actual_start", time_or_null(at),
			"actual_end", time_or_null(end),
			"track", a->track,
			"place", a->place.idx >= 0 && a->place.id ?
				json_string(a->place.id) : json_null()));
	}
	reply_json(r, 200, out);
}

json_t *document_json(const struct exercise *x, int i)
{
	const struct kvpt_plan *p = x->plan;
	const struct kvpt_document *d = &p->documents[i];
	json_t *to = json_array(), *o;
	kvpt_time issued = x->doc_issued[i];
	int k;

	for (k = 0; k < d->to.n; k++)
		json_array_append_new(to, json_string(d->to.v[k].id));
	o = json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:o,s:o}",
		      "id", d->id, "title", d->title ? d->title : d->id,
		      "type", kvpt_enum_id(kvpt_doc_types, d->type),
		      "owner", d->owner.idx >= 0 && d->owner.id ?
			      json_string(d->owner.id) : json_null(),
		      "due", time_or_null(d->due),
		      "status", issued != KVPT_TIME_NONE ? "issued" :
			      kvpt_enum_id(kvpt_doc_statuses, d->status),
		      "classification", clearance_id(d->classification),
		      "issued_at", time_or_null(issued),
		      "to", to);
	prep_document_json(x, i, o);
	return o;
}

void api_documents(struct req *r)
{
	const struct exercise *x = r->x;
	const struct kvpt_plan *p = x->plan;
	json_t *out;
	int i;

	out = json_array();
	for (i = 0; i < p->ndocuments; i++)
		if (doc_visible(x, r->user, r->as, i))
			json_array_append_new(out, document_json(x, i));
	reply_json(r, 200, out);
}
