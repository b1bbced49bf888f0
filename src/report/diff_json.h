/*
 * diff_json: a line diff (base/diff) as JSON, for the server's answer to
 * "what changed between two versions of a document".  Kept out of base,
 * which does not depend on jansson.
 */
#ifndef KVPT_DIFF_JSON_H
#define KVPT_DIFF_JSON_H

#include <jansson.h>

#include "base/diff.h"

/*
 * The JSON form of d:
 *   {"hunks": [{"old_start": 3, "old_count": 2, "new_start": 3,
 *               "new_count": 3,
 *               "lines": [{"op": " ", "text": "…", "old": 3, "new": 3},
 *                         {"op": "+", "text": "…", "old": null, "new": 4},
 *                         …]}, …],
 *    "added": 1, "removed": 0, "approximate": false}
 * "old"/"new" are 1-based line numbers, null on the side a line is not in.
 * Bytes of the texts that are not UTF-8 are written as U+FFFD.  Returns a
 * new reference the caller owns (json_decref); d is only read.
 */
json_t *kvpt_diff_json(const struct kvpt_diff *d);

#endif
