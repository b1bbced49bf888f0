/*
 * timeline: the schedule of an exercise, as `kvpt timeline` prints it and
 * the calendar export walks it.  Every scheduled activity sorted by start
 * time (ties keep plan order), then the injects that have no time because
 * the directing staff releases them by hand or a condition does.
 */
#ifndef KVPT_TIMELINE_H
#define KVPT_TIMELINE_H

#include "base/buf.h"
#include "export/text.h"
#include "model/model.h"

struct kvpt_timeline {
	int *scheduled;		/* activity indices by start, then plan order */
	int nscheduled;
	int *pending;		/* unscheduled injects, in plan order */
	int npending;
};

#define KVPT_TIMELINE_INIT { NULL, 0, NULL, 0 }

/*
 * Fill tl from plan.  Only activities overlapping the window [from, to)
 * are scheduled in it (an activity of no length counts when it starts in
 * the window); from and to may be KVPT_TIME_NONE for an open end.  Pending
 * injects are listed whatever the window.  tl owns its arrays until
 * kvpt_timeline_release(); it refers to plan by index only.
 */
void kvpt_timeline_build(struct kvpt_timeline *tl, const struct kvpt_plan *plan,
			 kvpt_time from, kvpt_time to);
void kvpt_timeline_release(struct kvpt_timeline *tl);

/*
 * Append tl as text, one line per activity in aligned columns: exercise
 * time, local date-time (when day N is known), duration, kind, id, title
 * and participants; then the pending injects with what releases them.
 */
void kvpt_timeline_format(const struct kvpt_timeline *tl,
			  const struct kvpt_plan *plan, enum kvpt_lang lang,
			  struct kvpt_buf *out);

#endif
