/*
 * msel: importing an inject schedule (MSEL, "lịch phát tình huống") kept
 * in a spreadsheet and saved as CSV into a plan.  Each data row becomes an
 * inject (`kind: tình huống`) of the phase its time falls in; the injects
 * go to a new included file (plan/plan.h, docs/plan-format.md §8) and the
 * plan's main file gains an `include:` entry for it.
 *
 * Nothing is half-imported: every row is validated against the plan (times,
 * roles, committees, classification, expectation kinds, durations, ids),
 * then the new plan is loaded and checked in memory, and the new files are
 * handed back only when no row and no part of the plan has an error.  A
 * dry run is the same call with the files ignored.  The CSV format, the
 * fields, the header names recognised and the limits are described in
 * docs/msel-import.md.  The CLI front is `kvpt import-msel`; the server
 * calls kvpt_msel_import() on a stored plan bundle.
 */
#ifndef KVPT_MSEL_H
#define KVPT_MSEL_H

#include <stddef.h>

#include <jansson.h>

#include "base/buf.h"
#include "plan/plan.h"

/* Limits on the CSV; past them the import fails as a whole (KVPT_ETOOBIG). */
#define KVPT_MSEL_MAX_BYTES ((size_t)2 << 20)	/* the whole text */
#define KVPT_MSEL_MAX_ROWS 5000			/* data rows */
#define KVPT_MSEL_MAX_COLUMNS 64		/* fields in one row */
#define KVPT_MSEL_MAX_FIELD 8192		/* bytes in one field */

struct kvpt_msel_input {
	/* The plan: its main file and every file it is made of, as the
	 * loader names them (a server's bundle; the CLI reads them from
	 * disk).  main_path must be one of files[]. */
	const char *main_path;
	const struct kvpt_plan_file *files;
	int nfiles;

	const char *csv;		/* the schedule, csv_len bytes */
	size_t csv_len;

	/* {field: header} for the fields whose column is named explicitly
	 * (fields: id, at, title, text, to, from, classification, release,
	 * expect, by, within); a null or "" header leaves the field out.
	 * Fields the mapping does not name are guessed from the headers.
	 * NULL guesses every field.  Only read. */
	const json_t *mapping;

	/* The new file's name: a plain file name (no '/'), placed in the
	 * main file's directory, e.g. "msel-1.yaml"; the caller picks one
	 * not in use.  Its path in the plan is the main file's directory
	 * followed by new_path (returned as "new_file"). */
	const char *new_path;
	/* The CSV's own file name, quoted in the new file's opening comment
	 * and in the title of the problems it adds (NULL: "CSV"). */
	const char *source_name;
};

/*
 * Import the schedule in.csv into the plan in.files.  Returns 0 with *out
 * set to a new JSON object the caller owns (json_decref):
 *
 *   "source":     source_name
 *   "delimiter":  ",", ";" or "\t" — the one found in the header row
 *   "headers":    [header, …] as written, in column order
 *   "mapping":    {field: header} — the columns used
 *   "rows":       one object per data row, in file order:
 *       "row"             spreadsheet row number (the header is row 1;
 *                         blank rows count, a quoted field spanning
 *                         lines is one row)
 *       "id"              the inject id (given, or generated "msel-<row>")
 *       "at"              time in N notation ("N+1 07:30"), or as written
 *                         when it could not be read
 *       "title", "text", "from", "classification" (Vietnamese label)
 *                         strings or null
 *       "to"              [role id, …] (as written when unknown)
 *       "release"         "scheduled" or "manual"
 *       "expect"          {"kind", "by", "within"} or null
 *       "phase"           the id of the phase the inject goes to, or null
 *       "errors"          [{"column": header|null, "field": field|null,
 *                           "message", "rule"?}]
 *       "warnings"        the same shape
 *       "unlisted"        only when some were left out: how many errors
 *                         and warnings of the row are counted but not
 *                         listed (at most 10 are listed per row and
 *                         20,000 in all)
 *   "errors":     total count: row errors plus plan_errors
 *   "warnings":   total count of row warnings and plan_warnings
 *   "plan_errors", "plan_warnings": [{"file", "line", "col", "rule",
 *                 "message"}] — diagnostics of the plan not attributable
 *                 to a row (the plan had errors before the import, or the
 *                 import made one elsewhere); plan_warnings lists only
 *                 warnings the import added
 *   "injects":    how many injects the new file holds (only with files)
 *   "new_file":   the new file's path in the plan (only with files)
 *   "files":      {new file path: text, main_path: edited text} — only
 *                 when "errors" is 0: the caller stores both (with the
 *                 plan's other files, unchanged) as the new plan
 *
 * Rows are checked against the plan first, every error of every row
 * collected.  Then the rows without errors are written to the new file
 * and the new plan is loaded and checked as a whole (a recipient not
 * cleared for the classification, an answer no recipient can give); its
 * diagnostics in the new file are attached to the row that wrote the
 * line, so one call reports every error.  When the plan had errors before
 * the import, only those are reported (plan_errors) besides the rows'.
 *
 * Returns a negative code and leaves *out NULL when the CSV cannot be read
 * at all or the request is wrong, with the reason in err: KVPT_ETOOBIG
 * (more than 2 MiB, 5,000 data rows, 64 columns or 8 KiB in a field),
 * KVPT_EINVAL (not UTF-8, an unclosed quote, no header row, no data row,
 * a mapping naming an unknown field or a header not in the file, a
 * required field — at, title, to — without a column, main_path not among
 * the files, new_path not a plain unused file name).
 */
int kvpt_msel_import(const struct kvpt_msel_input *in, json_t **out,
		     struct kvpt_buf *err);

#endif
