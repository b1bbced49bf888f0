/*
 * plan_json: the normalised plan as one JSON document, for `kvpt export`
 * and for programs that read plans without parsing YAML (the web front,
 * reports).  Every reference is written as the id of what it names, the
 * tree phases → problems → contents → activities is nested, defaults are
 * filled in, and every time carries both its N-notation, its milliseconds
 * from 00:00 of day N and its ISO 8601 local time.  docs/export-schema.md
 * documents the schema; KVPT_EXPORT_SCHEMA_VERSION changes whenever a
 * reader would have to.  The only module that includes jansson's header.
 */
#ifndef KVPT_PLAN_JSON_H
#define KVPT_PLAN_JSON_H

#include "base/buf.h"
#include "model/model.h"

#define KVPT_EXPORT_SCHEMA_VERSION 1

enum kvpt_json_flags {
	KVPT_JSON_COMPACT = 1 << 0,	/* one line instead of indented */
};

/*
 * Append the JSON document of plan to out, ending with a newline.  The
 * same plan always gives the same bytes: keys come in a fixed order and
 * arrays in plan order.  Returns 0, or KVPT_EINVAL when the plan holds
 * text that is not UTF-8 (the loader refuses such plans, so only a plan
 * built by other means can).  plan is only read.
 */
int kvpt_plan_export_json(const struct kvpt_plan *plan, unsigned flags,
			  struct kvpt_buf *out);

#endif
