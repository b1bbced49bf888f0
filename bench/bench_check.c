/*
 * bench_check: what loading and checking a plan costs next to parsing its
 * YAML alone.  For each size, a plan of that many contents is generated in
 * memory (plan/gen.h) and timed twice: libfyaml's event parse with nothing
 * built (kvpt_yaml_parse_only, the floor any loader pays) and the real
 * work, kvpt_plan_load_string() followed by kvpt_check().  Each figure is
 * the best of several runs.  Every size runs in a fresh child process so
 * its peak resident set (VmHWM, reset after generating the text) is its
 * own.  The target is load+check within 2× of the parse alone, and time
 * per content flat as plans grow.
 *
 * usage: bench_check [--runs R] [CONTENTS...]
 *        (default: 1000 10000 100000 contents, best of 5 runs)
 */
#include "check/check.h"
#include "plan/gen.h"
#include "plan/plan.h"
#include "plan/yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* What a child reports for one size. */
struct result {
	long contents;
	size_t bytes;
	long injects, expectations;
	int runs;
	double parse_ms, doc_ms, load_ms, check_ms, total_ms;	/* best runs */
	long base_kb;		/* resident after generating the text */
	long parse_kb, check_kb;/* peak during parse-only / load+check */
	int hwm_reset;		/* peaks are per phase (else whole child) */
	int errors, warnings;	/* from the checked plan: must be 0 */
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A "Vm…:" line of /proc/self/status in kB, or -1. */
static long status_kb(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t kl = strlen(key);
	long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			v = strtol(line + kl + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static long peak_kb(void)
{
	struct rusage ru;
	long v = status_kb("VmHWM");

	if (v >= 0)
		return v;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* Reset the peak to the current resident set (Linux ≥ 4.0). */
static int reset_peak(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");
	int ok;

	if (!f)
		return 0;
	ok = fputs("5", f) >= 0;
	ok = !fclose(f) && ok;
	return ok;
}

static void measure(long contents, int runs, struct result *res)
{
	struct kvpt_gen_opts opts = { contents, 1 };
	struct kvpt_gen_stats st;
	struct kvpt_buf text = KVPT_BUF_INIT;
	struct kvpt_load_opts lo = { 0 };
	int i;

	memset(res, 0, sizeof(*res));
	res->contents = contents;
	res->runs = runs;
	if (kvpt_gen_plan(&opts, &text, &st)) {
		res->errors = -1;
		return;
	}
	res->bytes = text.len;
	res->injects = st.injects;
	res->expectations = st.expectations;
	/* The loader's limit is per file; let the biggest sizes through. */
	lo.max_file_size = text.len > KVPT_MAX_FILE_SIZE_DEFAULT ?
			   text.len : 0;

	res->hwm_reset = reset_peak();
	res->base_kb = status_kb("VmRSS");
	for (i = 0; i < runs; i++) {
		double t0 = now_ms(), t;

		if (kvpt_yaml_parse_only(text.s, text.len))
			res->errors++;
		t = now_ms() - t0;
		if (!i || t < res->parse_ms)
			res->parse_ms = t;
	}
	res->parse_kb = peak_kb();

	res->hwm_reset = reset_peak() && res->hwm_reset;
	for (i = 0; i < runs; i++) {
		struct kvpt_diags diags;
		struct kvpt_plan *plan = NULL;
		double t0, t1, t2;

		kvpt_diags_init(&diags);
		t0 = now_ms();
		kvpt_plan_load_string("gen.yaml", text.s, text.len, NULL, &lo,
				      &plan, &diags);
		t1 = now_ms();
		if (plan)
			kvpt_check(plan, &diags);
		t2 = now_ms();
		if (!i || t1 - t0 < res->load_ms)
			res->load_ms = t1 - t0;
		if (!i || t2 - t1 < res->check_ms)
			res->check_ms = t2 - t1;
		if (!i || t2 - t0 < res->total_ms)
			res->total_ms = t2 - t0;
		res->errors = plan ? diags.nerrors : -1;
		res->warnings = diags.nwarnings;
		kvpt_plan_free(plan);
		kvpt_diags_release(&diags);
	}
	res->check_kb = peak_kb();
	/* Last, so its memory does not count in the peaks above. */
	for (i = 0; i < runs; i++) {
		double t0 = now_ms(), t;

		if (kvpt_yaml_document_only(text.s, text.len))
			res->errors++;
		t = now_ms() - t0;
		if (!i || t < res->doc_ms)
			res->doc_ms = t;
	}
	kvpt_buf_release(&text);
}

/* Run measure() in a child so each size has its own peak RSS. */
static int run_child(long contents, int runs, struct result *res)
{
	int fd[2], status;
	pid_t pid;
	ssize_t got;

	if (pipe(fd))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		struct result r;

		close(fd[0]);
		measure(contents, runs, &r);
		_exit(write(fd[1], &r, sizeof(r)) == (ssize_t)sizeof(r) ?
		      0 : 1);
	}
	close(fd[1]);
	got = read(fd[0], res, sizeof(*res));
	close(fd[0]);
	if (waitpid(pid, &status, 0) < 0 || got != (ssize_t)sizeof(*res))
		return -1;
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_check [--runs R] [CONTENTS...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const long defaults[] = { 1000, 10000, 100000 };
	long sizes[32];
	int nsizes = 0, runs = 0, i, bad = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
			runs = atoi(argv[++i]);
			if (runs < 1 || runs > 100)
				usage();
		} else if (argv[i][0] >= '0' && argv[i][0] <= '9' &&
			   nsizes < 32) {
			sizes[nsizes++] = atol(argv[i]);
		} else {
			usage();
		}
	}
	if (!nsizes)
		for (i = 0; i < 3; i++)
			sizes[nsizes++] = defaults[i];

	printf("bench_check: load+check (kvpt_plan_load_string + kvpt_check) "
	       "against libfyaml parse-only\n"
	       "(generated plans, kvpt gen --seed 1; best of N runs; each size "
	       "in a fresh process; target ratio <= 2.0)\n\n");
	printf("%9s %7s %10s %4s %10s %9s %9s %9s %10s %6s %6s %9s %9s %9s %9s\n",
	       "contents", "MiB", "inj+exp", "runs", "parse ms", "doc ms",
	       "load ms",
	       "check ms", "ld+chk ms", "ratio", "/doc", "ns/cont", "RSS base",
	       "RSS parse", "RSS check");
	for (i = 0; i < nsizes; i++) {
		struct result r;
		int n = runs ? runs : 5;

		if (run_child(sizes[i], n, &r) || r.errors < 0) {
			printf("%9ld  failed (see above)\n", sizes[i]);
			bad = 1;
			continue;
		}
		printf("%9ld %7.1f %10ld %4d %10.1f %9.1f %9.1f %9.1f %10.1f %5.2fx "
		       "%5.2fx %9.0f %8.0fM %8.0fM %8.0fM%s\n", r.contents,
		       r.bytes / 1048576.0, r.injects + r.expectations, r.runs,
		       r.parse_ms, r.doc_ms, r.load_ms, r.check_ms, r.total_ms,
		       r.total_ms / r.parse_ms, r.total_ms / r.doc_ms,
		       r.total_ms * 1e6 / r.contents,
		       r.base_kb / 1024.0, r.parse_kb / 1024.0,
		       r.check_kb / 1024.0, r.hwm_reset ? "" : " (*)");
		if (r.errors || r.warnings) {
			printf("          the generated plan has %d error(s) and "
			       "%d warning(s): a bug in plan/gen.c\n", r.errors,
			       r.warnings);
			bad = 1;
		}
	}
	printf("\nratio = ld+chk / parse (libfyaml's event parse, building "
	       "nothing); /doc = ld+chk /\nlibfyaml's document build of the "
	       "same text (doc ms); ns/cont = ld+chk per content.  RSS "
	       "base = resident with the\nplan text in memory; RSS parse / "
	       "check = peak during parse-only / load+check\n((*): the peak "
	       "could not be reset and covers the whole child).\n");
	return bad;
}
