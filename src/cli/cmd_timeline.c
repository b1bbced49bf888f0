/*
 * cmd_timeline: `kvpt timeline PLAN` — the schedule sorted by time, and
 * with --ics the same activities as an iCalendar file.  The schedule is
 * built by export/timeline and the calendar by export/ics; this file
 * parses options, prints and writes files.
 */
#include "cli.h"
#include "export/ics.h"
#include "export/timeline.h"
#include "model/extime.h"
#include "plan/plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char kvpt_usage_timeline[] =
	"usage: kvpt timeline [--from T] [--to T] [--ics FILE] [--lang vi|en] "
	"[-v] PLAN\n"
	"\n"
	"Prints every scheduled activity sorted by start time (ties keep plan\n"
	"order), one a line: exercise time, local date-time (when the plan\n"
	"fixes day N to a date), duration, kind, id, title, and who chairs or\n"
	"receives it.  Injects released by hand or on a condition follow,\n"
	"with what releases them.\n"
	"\n"
	"  --from T        only activities running at T or starting after it\n"
	"  --to T          only activities starting before T; T is exercise\n"
	"                  time such as 'N+1 07:30' or an ISO date-time\n"
	"  --ics FILE      also write the activities listed as an iCalendar\n"
	"                  (RFC 5545) file, times in UTC ('-': to standard\n"
	"                  output, instead of the timeline).  Needs a plan\n"
	"                  whose start is a date, e.g.\n"
	"                  'start: 2024-05-20T07:30:00+07:00'\n"
	"  --lang vi|en    labels in Vietnamese (default) or English\n"
	"  -v, --verbose   also print the plan's warnings on stderr\n"
	"\n"
	"DTSTAMP is the current time, or SOURCE_DATE_EPOCH when it is set.\n"
	"Exit status: 0 done, 1 the plan has errors or fixes no date for day N\n"
	"(with --ics), 2 usage or I/O error.\n";

static int write_file(const char *path, const struct kvpt_buf *b)
{
	FILE *f = fopen(path, "w");
	int err;

	if (!f)
		goto out_error;
	fwrite(b->s ? b->s : "", 1, b->len, f);
	err = ferror(f);
	if (fclose(f) || err)
		goto out_error;
	return 0;
out_error:
	fprintf(stderr, "kvpt timeline: cannot write '%s': %s\n", path,
		strerror(errno ? errno : EIO));
	return -1;
}

/* Unix ms for DTSTAMP: SOURCE_DATE_EPOCH (reproducible output), or now. */
static int64_t stamp_now(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	if (s && *s) {
		errno = 0;
		v = strtoll(s, &end, 10);
		if (!*end && !errno && v >= 0)
			return (int64_t)v * 1000;
	}
	return (int64_t)time(NULL) * 1000;
}

static int parse_bound(const struct kvpt_cmd *self, const char *opt,
		       const char *s, const struct kvpt_plan *plan,
		       kvpt_time *out)
{
	struct kvpt_timebase tb = kvpt_plan_timebase(plan);
	const char *why;

	if (kvpt_time_parse(s, &tb, out, &why))
		return kvpt_cli_usage_error(self, "bad %s '%s': %s; write "
			"exercise time such as 'N+1 07:30'%s", opt, s, why,
			tb.valid ? " or an ISO date-time" : "");
	return 0;
}

KVPT_CMD(timeline)
{
	const struct kvpt_cmd *self = kvpt_cli_find("timeline");
	struct kvpt_timeline tl = KVPT_TIMELINE_INIT;
	struct kvpt_buf out = KVPT_BUF_INIT;
	struct kvpt_plan *plan = NULL;
	const char *path = NULL, *ics = NULL, *from_arg = NULL, *to_arg = NULL,
		   *lang_arg = NULL;
	kvpt_time from = KVPT_TIME_NONE, to = KVPT_TIME_NONE;
	int lang = KVPT_LANG_VI, verbose = 0, opts_done = 0, rc, i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **val = NULL;

		if (opts_done || a[0] != '-' || !a[1]) {
			if (path)
				return kvpt_cli_usage_error(self, "one plan at "
					"a time ('%s' and '%s' given)", path, a);
			path = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			opts_done = 1;
			continue;
		}
		if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			verbose = 1;
			continue;
		}
		if (!strcmp(a, "--from"))
			val = &from_arg;
		else if (!strcmp(a, "--to"))
			val = &to_arg;
		else if (!strcmp(a, "--ics"))
			val = &ics;
		else if (!strcmp(a, "--lang"))
			val = &lang_arg;
		else
			return kvpt_cli_usage_error(self, "unknown option '%s'",
						    a);
		if (++i >= argc)
			return kvpt_cli_usage_error(self, "%s needs a value", a);
		*val = argv[i];
	}
	if (lang_arg) {
		lang = kvpt_lang_parse(lang_arg);
		if (lang < 0)
			return kvpt_cli_usage_error(self, "unknown language "
				"'%s' (vi or en)", lang_arg);
	}
	if (ics && !*ics)
		return kvpt_cli_usage_error(self, "--ics needs a file name");
	if (!path)
		return kvpt_cli_usage_error(self, "no plan given");
	plan = kvpt_cli_load_plan(path, verbose, &rc);
	if (!plan)
		return rc;
	if (from_arg)
		rc = parse_bound(self, "--from", from_arg, plan, &from);
	if (!rc && to_arg)
		rc = parse_bound(self, "--to", to_arg, plan, &to);
	if (rc)
		goto out_free_plan;
	if (from != KVPT_TIME_NONE && to != KVPT_TIME_NONE && to <= from) {
		rc = kvpt_cli_usage_error(self, "--to must come after --from");
		goto out_free_plan;
	}
	if (ics && !plan->ex.n_date) {
		char t[32];

		kvpt_time_format(plan->ex.start, t, sizeof(t));
		fprintf(stderr, "kvpt timeline: %s does not fix day N to a date "
			"(its exercise starts at '%s'), so a calendar would "
			"have no real times; write the start as a date, e.g. "
			"'start: 2024-05-20T07:30:00+07:00', or leave out "
			"--ics\n", path, t);
		rc = KVPT_EXIT_FOUND;
		goto out_free_plan;
	}
	kvpt_timeline_build(&tl, plan, from, to);
	if (ics) {
		struct kvpt_ics_opts opts;

		opts.stamp_ms = stamp_now();
		opts.lang = (enum kvpt_lang)lang;
		kvpt_ics_format(plan, &tl, &opts, &out);
		if (!strcmp(ics, "-")) {
			fputs(out.s ? out.s : "", stdout);
			goto out_flush;
		}
		if (write_file(ics, &out)) {
			rc = KVPT_EXIT_USAGE;
			goto out_release;
		}
		fprintf(stderr, "kvpt timeline: wrote %d event(s) to %s\n",
			tl.nscheduled, ics);
		kvpt_buf_reset(&out);
	}
	kvpt_timeline_format(&tl, plan, (enum kvpt_lang)lang, &out);
	fputs(out.s ? out.s : "", stdout);
out_flush:
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "kvpt timeline: cannot write to standard "
			"output\n");
		rc = KVPT_EXIT_USAGE;
	}
out_release:
	kvpt_timeline_release(&tl);
	kvpt_buf_release(&out);
out_free_plan:
	kvpt_plan_free(plan);
	return rc;
}
