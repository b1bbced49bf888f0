/*
 * ics: the schedule of an exercise as an iCalendar file (RFC 5545), so
 * participants can load it into a calendar.  One VEVENT per scheduled
 * activity of a timeline, with a stable UID `<activity-id>@<code>.kvpt`,
 * times in UTC, the place as LOCATION and the phase, problem, content and
 * participants in DESCRIPTION.  Inject texts are never written: a calendar
 * is shared more widely than the script.  The only module that includes
 * libical's header.
 */
#ifndef KVPT_ICS_H
#define KVPT_ICS_H

#include <stdint.h>

#include "base/buf.h"
#include "export/text.h"
#include "export/timeline.h"
#include "model/model.h"

struct kvpt_ics_opts {
	int64_t stamp_ms;	/* DTSTAMP: Unix ms the calendar is made at */
	enum kvpt_lang lang;	/* of the labels in DESCRIPTION, CATEGORIES */
};

/*
 * Append the calendar of the activities tl schedules (built from plan) to
 * out.  Returns 0, or KVPT_ESTATE when plan does not fix day N to a date
 * (its start is written `N 07:30`), so no real time is known.
 */
int kvpt_ics_format(const struct kvpt_plan *plan, const struct kvpt_timeline *tl,
		    const struct kvpt_ics_opts *opts, struct kvpt_buf *out);

#endif
