/*
 * diff: a line-based difference between two texts, for the document
 * workflow's "what changed between versions".  Lines are compared by their
 * content: `\n` and `\r\n` both end a line, and a last line without a line
 * end equals the same line with one.  The edit script is a shortest one
 * (Myers' O(ND) algorithm in linear space), grouped into hunks with lines
 * of context as in a unified diff; within a change, removed lines come
 * before added ones.
 *
 * The work is bounded: when finding a shortest script would take more
 * than KVPT_DIFF_MAX_COST steps (texts that differ nearly everywhere), the
 * lines between their common beginning and end are reported as all removed
 * and all added (and `approximate` is set), so inputs of several megabytes
 * finish in well under a second.
 *
 * Plain C with no dependency beyond base; report/diff_json turns a diff
 * into JSON.
 */
#ifndef KVPT_DIFF_H
#define KVPT_DIFF_H

#include <stddef.h>

#include "base/buf.h"

/* Texts with more lines than this are refused. */
#define KVPT_DIFF_MAX_LINES (1 << 26)
/* Steps (diagonals tried plus lines compared) the search for the edit
 * distance may take before the diff falls back to "all removed, all
 * added"; the whole diff then costs at most about three times this. */
#define KVPT_DIFF_MAX_COST 10000000
/* Lines of context kvpt_diff() accepts at most (more counts as this). */
#define KVPT_DIFF_MAX_CONTEXT 100000

struct kvpt_diff_line {
	char op;		/* ' ' context, '-' removed, '+' added */
	const char *text;	/* into the caller's text, not NUL-terminated */
	size_t len;		/* bytes of text, without the line end */
	int old_no, new_no;	/* 1-based line numbers; 0 on the side the
				 * line is not in */
};

struct kvpt_diff_hunk {
	int old_start, old_count;	/* as in `@@ -old_start,old_count`: */
	int new_start, new_count;	/* a start is the line before when its
					 * count is 0 */
	const struct kvpt_diff_line *lines;	/* into kvpt_diff.lines */
	int nlines;
};

struct kvpt_diff {
	struct kvpt_diff_hunk *hunks;	/* owned; none when texts are equal */
	int nhunks;
	struct kvpt_diff_line *lines;	/* owned: every hunk's lines in order */
	int nlines;
	int added, removed;		/* lines with op '+' and '-' */
	int old_lines, new_lines;	/* lines in each text */
	int approximate;		/* 1 when the cost bound was hit */
};

#define KVPT_DIFF_INIT { NULL, 0, NULL, 0, 0, 0, 0, 0, 0 }

/*
 * Compare old (old_len bytes) with new (new_len bytes) and fill *d, which
 * the caller then releases with kvpt_diff_release(); hunks carry `context`
 * unchanged lines on each side (negative counts as 0) and hunks closer
 * than twice that are merged.  The lines point into the two texts, which
 * must outlive *d (a text of length 0 may be NULL).  Returns 0, or -1 (and
 * *d empty) when a text has more than KVPT_DIFF_MAX_LINES lines.
 */
int kvpt_diff(struct kvpt_diff *d, const char *old, size_t old_len,
	      const char *new, size_t new_len, int context);
void kvpt_diff_release(struct kvpt_diff *d);

/*
 * Append d as unified-diff hunks (`@@ -1,3 +1,4 @@` then one line per
 * line, prefixed with its op, each ending in `\n`), without file headers.
 * Nothing is appended when the texts are equal.
 */
void kvpt_diff_format(const struct kvpt_diff *d, struct kvpt_buf *out);

#endif
