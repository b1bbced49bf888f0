/*
 * ics: iCalendar export of an exercise schedule with libical, which does
 * the escaping and line folding of RFC 5545.  See ics.h.
 */
#include "ics.h"

#include <libical/ical.h>
#include <time.h>

static struct icaltimetype utc_time(int64_t unix_ms)
{
	time_t sec = (time_t)(unix_ms >= 0 ? unix_ms / 1000 :
			      -((-unix_ms + 999) / 1000));

	return icaltime_from_timet_with_zone(sec, 0,
					     icaltimezone_get_utc_timezone());
}

static void description(const struct kvpt_plan *p,
			const struct kvpt_activity *a, enum kvpt_lang lang,
			struct kvpt_buf *b)
{
	const struct kvpt_content *c = &p->contents[a->content];
	const struct kvpt_problem *pr = &p->problems[c->problem];
	const struct kvpt_phase *ph = &p->phases[pr->phase];

	kvpt_buf_addf(b, "%s %d: %s\n", KVPT_L(lang, "Giai đoạn", "Phase"),
		      pr->phase + 1, ph->title);
	kvpt_buf_addf(b, "%s %d: %s\n", KVPT_L(lang, "Vấn đề", "Problem"),
		      c->problem + 1, pr->title);
	kvpt_buf_addf(b, "%s %d: %s\n", KVPT_L(lang, "Nội dung", "Content"),
		      a->content + 1, c->title);
	if (a->chair.id) {
		kvpt_buf_addf(b, "%s: ", KVPT_L(lang, "Chủ trì", "Chair"));
		kvpt_text_role(b, p, &a->chair, 1);
		kvpt_buf_addc(b, '\n');
	}
	if (a->attendees.n) {
		kvpt_buf_addf(b, "%s: ", KVPT_L(lang, "Thành phần",
						"Attendees"));
		kvpt_text_roles(b, p, &a->attendees);
		kvpt_buf_addc(b, '\n');
	}
	if (a->from.id) {
		kvpt_buf_addf(b, "%s: ", KVPT_L(lang, "Từ", "From"));
		kvpt_text_sender(b, p, &a->from);
		kvpt_buf_addc(b, '\n');
	}
	if (a->to.n) {
		kvpt_buf_addf(b, "%s: ", KVPT_L(lang, "Đến", "To"));
		kvpt_text_roles(b, p, &a->to);
		kvpt_buf_addc(b, '\n');
	}
	if (a->forces.n) {
		kvpt_buf_addf(b, "%s: ", KVPT_L(lang, "Lực lượng", "Forces"));
		kvpt_text_bodies(b, p, &a->forces);
		kvpt_buf_addc(b, '\n');
	}
	kvpt_buf_addf(b, "%s: %s", KVPT_L(lang, "Mã", "Id"), a->id);
}

static icalcomponent *event(const struct kvpt_plan *p,
			    const struct kvpt_activity *a,
			    const struct kvpt_ics_opts *opts)
{
	const int64_t base = p->ex.n_epoch_ms;
	icalcomponent *ev = icalcomponent_new_vevent();
	struct kvpt_buf b = KVPT_BUF_INIT;

	kvpt_buf_addf(&b, "%s@%s.kvpt", a->id, p->ex.code);
	icalcomponent_add_property(ev, icalproperty_new_uid(b.s));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(
					   utc_time(opts->stamp_ms)));
	icalcomponent_add_property(ev, icalproperty_new_dtstart(
					   utc_time(base + a->start)));
	/* An inject happens at one moment: no DTEND (RFC 5545 §3.6.1). */
	if (a->end != KVPT_TIME_NONE && a->end > a->start)
		icalcomponent_add_property(ev, icalproperty_new_dtend(
						   utc_time(base + a->end)));
	icalcomponent_add_property(ev, icalproperty_new_summary(a->title));
	if (a->place.idx >= 0) {
		const struct kvpt_place *pl = &p->places[a->place.idx];

		icalcomponent_add_property(ev, icalproperty_new_location(
						   pl->name));
		if (pl->has_coords) {
			struct icalgeotype geo;

			geo.lat = pl->lat;
			geo.lon = pl->lon;
			icalcomponent_add_property(ev,
						   icalproperty_new_geo(geo));
		}
	}
	kvpt_buf_reset(&b);
	description(p, a, opts->lang, &b);
	icalcomponent_add_property(ev, icalproperty_new_description(b.s));
	icalcomponent_add_property(ev, icalproperty_new_categories(
		kvpt_text_enum(opts->lang, kvpt_activity_kinds, (int)a->kind)));
	if (a->classification != KVPT_CLASS_NONE)
		icalcomponent_add_property(ev, icalproperty_new_class(
						   ICAL_CLASS_CONFIDENTIAL));
	kvpt_buf_release(&b);
	return ev;
}

int kvpt_ics_format(const struct kvpt_plan *plan, const struct kvpt_timeline *tl,
		    const struct kvpt_ics_opts *opts, struct kvpt_buf *out)
{
	icalcomponent *cal;
	icalproperty *name;
	char *text;
	int i;

	if (!plan->ex.n_date)
		return KVPT_ESTATE;
	cal = icalcomponent_new_vcalendar();
	icalcomponent_add_property(cal, icalproperty_new_prodid(
					   "-//kvpt//kvpt " KVPT_VERSION "//VI"));
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	name = icalproperty_new_x(plan->ex.name);
	icalproperty_set_x_name(name, "X-WR-CALNAME");
	icalcomponent_add_property(cal, name);
	for (i = 0; i < tl->nscheduled; i++)
		icalcomponent_add_component(cal, event(plan,
			&plan->activities[tl->scheduled[i]], opts));
	text = icalcomponent_as_ical_string_r(cal);
	kvpt_buf_adds(out, text);
	icalmemory_free_buffer(text);
	icalcomponent_free(cal);
	return 0;
}
