/*
 * diag: compiler-style diagnostics about plans.  The loader and the checker
 * add to one struct kvpt_diags; the CLI and the server format it as text
 * (`file:line:col: error: message [rule]`) or JSON.  The list has a maximum
 * size so hostile input cannot grow it without bound.
 */
#ifndef KVPT_DIAG_H
#define KVPT_DIAG_H

#include "base/buf.h"
#include "model/model.h"

enum kvpt_severity {
	KVPT_SEV_ERROR,
	KVPT_SEV_WARNING,
	KVPT_SEV_NOTE,
};

struct kvpt_diag {
	enum kvpt_severity sev;
	struct kvpt_pos pos;
	const char *rule;	/* static rule id, e.g. "unknown-role" */
	char *msg;		/* owned by the list */
	size_t seq;		/* insertion order, for stable sorting */
};

struct kvpt_diags {
	struct kvpt_diag *v;
	size_t n, cap;
	size_t max;		/* stop recording past this many */
	size_t dropped;		/* diagnostics not recorded */
	int nerrors, nwarnings;
};

#define KVPT_DIAGS_MAX_DEFAULT 10000

void kvpt_diags_init(struct kvpt_diags *d);
void kvpt_diags_release(struct kvpt_diags *d);

/* Record a diagnostic; rule must be a string literal or otherwise live
 * as long as the list. */
void kvpt_diag(struct kvpt_diags *d, enum kvpt_severity sev,
	       struct kvpt_pos pos, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Sort by file, line, column, then insertion order. */
void kvpt_diags_sort(struct kvpt_diags *d);

/* Append the list as text lines / as a JSON array to out.  files names the
 * plan's source files by index (NULL entries print as "<plan>"). */
void kvpt_diags_format_text(const struct kvpt_diags *d, const char **files,
			    int nfiles, struct kvpt_buf *out);
void kvpt_diags_format_json(const struct kvpt_diags *d, const char **files,
			    int nfiles, struct kvpt_buf *out);

/* The closest of the n candidates to word within a small edit distance
 * (for "did you mean"), or NULL. */
const char *kvpt_did_you_mean(const char *word, const char *const *cand,
			      int n);

#endif
