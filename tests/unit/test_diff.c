/*
 * test_diff: the line diff of two versions of a document.  Equal texts
 * give no hunks; insertions, deletions and changes give the unified hunks
 * a reader expects, with line numbers on both sides; a missing final
 * newline and CRLF line ends are no difference; empty texts work either
 * way; context merges nearby changes and keeps far ones apart; random
 * texts get a shortest edit script that rebuilds both sides; inputs of
 * megabytes finish fast, falling back to "all removed, all added" when
 * the search would take too long; and the JSON form carries the same
 * lines.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/diff.h"
#include "base/xalloc.h"
#include "report/diff_json.h"

/* The unified text of diffing a against b with ctx lines of context. */
static char *udiff(const char *a, const char *b, int ctx, struct kvpt_diff *out)
{
	struct kvpt_diff d;
	struct kvpt_buf text = KVPT_BUF_INIT;

	assert_int_equal(kvpt_diff(&d, a, strlen(a), b, strlen(b), ctx), 0);
	kvpt_diff_format(&d, &text);
	kvpt_buf_adds(&text, "");
	if (out)
		*out = d;
	else
		kvpt_diff_release(&d);
	return kvpt_buf_detach(&text);
}

#define ASSERT_DIFF(a, b, ctx, want) do {			\
	char *got_ = udiff((a), (b), (ctx), NULL);		\
	if (strcmp(got_, (want)))				\
		print_error("got:\n%s\nwant:\n%s\n", got_, (want)); \
	assert_string_equal(got_, (want));			\
	free(got_);						\
} while (0)

static void test_identical(void **state)
{
	struct kvpt_diff d;
	char *s;

	s = udiff("Kế hoạch\nDiễn tập\n", "Kế hoạch\nDiễn tập\n", 3, &d);
	assert_string_equal(s, "");
	assert_int_equal(d.nhunks, 0);
	assert_int_equal(d.added, 0);
	assert_int_equal(d.removed, 0);
	assert_int_equal(d.old_lines, 2);
	assert_int_equal(d.new_lines, 2);
	assert_false(d.approximate);
	kvpt_diff_release(&d);
	free(s);
}

static void test_insert(void **state)
{
	ASSERT_DIFF("a\nb\nc\n", "a\nb\nmới\nc\n", 3,
		    "@@ -1,3 +1,4 @@\n a\n b\n+mới\n c\n");
	/* At the very start and end, with no context. */
	ASSERT_DIFF("a\nb\n", "x\na\nb\n", 0, "@@ -0,0 +1 @@\n+x\n");
	ASSERT_DIFF("a\nb\n", "a\nb\ny\n", 0, "@@ -2,0 +3 @@\n+y\n");
}

static void test_delete(void **state)
{
	ASSERT_DIFF("a\nb\nc\nd\n", "a\nd\n", 1,
		    "@@ -1,4 +1,2 @@\n a\n-b\n-c\n d\n");
	ASSERT_DIFF("a\nb\nc\nd\n", "a\nd\n", 0, "@@ -2,2 +1,0 @@\n-b\n-c\n");
}

static void test_change(void **state)
{
	struct kvpt_diff d;
	char *s;

	/* Removals come before additions within a change. */
	s = udiff("một\nhai\nba\n", "một\nHAI\nba\n", 1, &d);
	assert_string_equal(s, "@@ -1,3 +1,3 @@\n một\n-hai\n+HAI\n ba\n");
	assert_int_equal(d.nhunks, 1);
	assert_int_equal(d.added, 1);
	assert_int_equal(d.removed, 1);
	assert_int_equal(d.hunks[0].nlines, 4);
	assert_int_equal(d.hunks[0].lines[1].op, '-');
	assert_int_equal(d.hunks[0].lines[1].old_no, 2);
	assert_int_equal(d.hunks[0].lines[1].new_no, 0);
	assert_int_equal(d.hunks[0].lines[2].op, '+');
	assert_int_equal(d.hunks[0].lines[2].old_no, 0);
	assert_int_equal(d.hunks[0].lines[2].new_no, 2);
	assert_int_equal(d.hunks[0].lines[3].old_no, 3);
	assert_int_equal(d.hunks[0].lines[3].new_no, 3);
	/* Lines point into the caller's text, without their end. */
	assert_int_equal(d.hunks[0].lines[2].len, 3);
	assert_memory_equal(d.hunks[0].lines[2].text, "HAI", 3);
	kvpt_diff_release(&d);
	free(s);
}

static void test_final_newline(void **state)
{
	ASSERT_DIFF("a\nb", "a\nb\n", 3, "");
	ASSERT_DIFF("a\nb\n", "a\nb", 3, "");
	ASSERT_DIFF("a\nb", "a\nc", 3, "@@ -1,2 +1,2 @@\n a\n-b\n+c\n");
	ASSERT_DIFF("a", "a\nb", 3, "@@ -1 +1,2 @@\n a\n+b\n");
}

static void test_crlf(void **state)
{
	struct kvpt_diff d;
	char *s;

	ASSERT_DIFF("a\r\nb\r\nc\r\n", "a\nb\nc\n", 3, "");
	ASSERT_DIFF("a\r\nb\r\nc", "a\nB\nc\n", 1,
		    "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
	/* A lone CR is part of the line. */
	s = udiff("a\rb\n", "a\nb\n", 3, &d);
	assert_int_equal(d.removed, 1);
	assert_int_equal(d.added, 2);
	assert_int_equal(d.hunks[0].lines[0].len, 3);
	kvpt_diff_release(&d);
	free(s);
	/* An empty line in CRLF is an empty line. */
	ASSERT_DIFF("a\r\n\r\nb\r\n", "a\n\nb\n", 3, "");
}

static void test_empty(void **state)
{
	struct kvpt_diff d;
	char *s;

	ASSERT_DIFF("", "", 3, "");
	ASSERT_DIFF("", "a\nb\n", 3, "@@ -0,0 +1,2 @@\n+a\n+b\n");
	ASSERT_DIFF("a\nb\n", "", 3, "@@ -1,2 +0,0 @@\n-a\n-b\n");
	/* One empty line is a line. */
	s = udiff("", "\n", 3, &d);
	assert_string_equal(s, "@@ -0,0 +1 @@\n+\n");
	assert_int_equal(d.new_lines, 1);
	kvpt_diff_release(&d);
	free(s);
	/* NULL with length 0 is an empty text. */
	assert_int_equal(kvpt_diff(&d, NULL, 0, "x", 1, 3), 0);
	assert_int_equal(d.added, 1);
	kvpt_diff_release(&d);
}

/* "1\n2\n…n\n" with the lines in change[] replaced by "X<line>". */
static char *numbered(int n, const int *change, int nchange)
{
	struct kvpt_buf b = KVPT_BUF_INIT;
	int i, k, changed;

	for (i = 1; i <= n; i++) {
		for (k = 0, changed = 0; k < nchange; k++)
			changed |= change[k] == i;
		kvpt_buf_addf(&b, "%s%d\n", changed ? "X" : "", i);
	}
	return kvpt_buf_detach(&b);
}

static void test_context_merging(void **state)
{
	int near[] = { 5, 10 }, far[] = { 5, 20 };
	char *a = numbered(30, NULL, 0), *b, *s;
	struct kvpt_diff d;

	/* Changes 4 apart (gap ≤ 2 × 3) share a hunk… */
	b = numbered(30, near, 2);
	s = udiff(a, b, 3, &d);
	assert_int_equal(d.nhunks, 1);
	assert_int_equal(d.hunks[0].old_start, 2);
	assert_int_equal(d.hunks[0].old_count, 12);
	assert_int_equal(d.hunks[0].new_start, 2);
	assert_int_equal(d.hunks[0].new_count, 12);
	kvpt_diff_release(&d);
	free(s);
	free(b);
	/* …but not with one line of context. */
	b = numbered(30, near, 2);
	s = udiff(a, b, 1, &d);
	assert_int_equal(d.nhunks, 2);
	assert_string_equal(s, "@@ -4,3 +4,3 @@\n 4\n-5\n+X5\n 6\n"
			    "@@ -9,3 +9,3 @@\n 9\n-10\n+X10\n 11\n");
	kvpt_diff_release(&d);
	free(s);
	free(b);
	/* Far changes are two hunks with their own context. */
	b = numbered(30, far, 2);
	s = udiff(a, b, 3, &d);
	assert_int_equal(d.nhunks, 2);
	assert_int_equal(d.hunks[0].old_start, 2);
	assert_int_equal(d.hunks[0].old_count, 7);
	assert_int_equal(d.hunks[1].old_start, 17);
	assert_int_equal(d.hunks[1].old_count, 7);
	assert_int_equal(d.added, 2);
	assert_int_equal(d.removed, 2);
	kvpt_diff_release(&d);
	free(s);
	free(b);
	/* Context is clipped at the ends of the text. */
	ASSERT_DIFF("a\nb\n", "A\nb\n", 10, "@@ -1,2 +1,2 @@\n-a\n+A\n b\n");
	free(a);
}

/* Length of a longest common subsequence of the lines of two arrays. */
static int lcs(const int *a, int n, const int *b, int m)
{
	int *row = xcalloc((size_t)m + 1, sizeof(int)), i, j, prev, tmp, r;

	for (i = 1; i <= n; i++) {
		prev = 0;
		for (j = 1; j <= m; j++) {
			tmp = row[j];
			if (a[i - 1] == b[j - 1])
				row[j] = prev + 1;
			else if (row[j - 1] > row[j])
				row[j] = row[j - 1];
			prev = tmp;
		}
	}
	r = row[m];
	free(row);
	return r;
}

static char *join(const int *v, int n)
{
	struct kvpt_buf b = KVPT_BUF_INIT;
	int i;

	for (i = 0; i < n; i++)
		kvpt_buf_addf(&b, "l%d\n", v[i]);
	kvpt_buf_adds(&b, "");
	return kvpt_buf_detach(&b);
}

/* Random texts over a few distinct lines: the hunks (with context enough
 * to hold everything) rebuild both texts, and the script is shortest. */
static void test_random_minimal(void **state)
{
	unsigned seed = 12345;
	int round;

	for (round = 0; round < 500; round++) {
		int a[60], b[60], n, m, i, k, alpha;
		int oi = 0, ni = 0;
		char *ta, *tb;
		struct kvpt_diff d;

		seed = seed * 1103515245u + 12345u;
		n = (int)(seed >> 16) % 60;
		seed = seed * 1103515245u + 12345u;
		m = (int)(seed >> 16) % 60;
		/* Few distinct lines, or many (some then in one text only). */
		alpha = round % 2 ? 2 + round % 6 : 10 + round % 50;
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			a[i] = (int)(seed >> 16) % alpha;
		}
		for (i = 0; i < m; i++) {
			seed = seed * 1103515245u + 12345u;
			/* Mostly a copy of a with edits. */
			b[i] = i < n && (seed >> 16) % 3 ? a[i] :
			       (int)(seed >> 20) % alpha;
		}
		ta = join(a, n);
		tb = join(b, m);
		assert_int_equal(kvpt_diff(&d, ta, strlen(ta), tb, strlen(tb),
					   1000), 0);
		assert_false(d.approximate);
		assert_int_equal(d.removed + d.added,
				 n + m - 2 * lcs(a, n, b, m));
		assert_true(d.nhunks <= 1);
		for (k = 0; k < d.nlines; k++) {
			const struct kvpt_diff_line *l = &d.lines[k];
			char want[16];

			if (l->op != '+') {
				snprintf(want, sizeof(want), "l%d", a[oi]);
				assert_int_equal(l->old_no, oi + 1);
				oi++;
			}
			if (l->op != '-') {
				snprintf(want, sizeof(want), "l%d", b[ni]);
				assert_int_equal(l->new_no, ni + 1);
				ni++;
			}
			assert_int_equal(l->len, strlen(want));
			assert_memory_equal(l->text, want, l->len);
		}
		if (d.nhunks) {
			assert_int_equal(oi, n);
			assert_int_equal(ni, m);
		} else {
			assert_int_equal(n, m);
		}
		kvpt_diff_release(&d);
		free(ta);
		free(tb);
	}
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* n lines "<tag> <i> …" (about 45 bytes each); every `every` lines (when
 * not 0) the tag is every_tag instead. */
static char *big_text(const char *tag, unsigned n, unsigned every,
		      const char *every_tag)
{
	struct kvpt_buf b = KVPT_BUF_INIT;
	unsigned i;

	for (i = 0; i < n; i++)
		kvpt_buf_addf(&b, "%s %u Nội dung dòng văn kiện số %u\n",
			      every && i % every == 0 ? every_tag : tag, i, i);
	return kvpt_buf_detach(&b);
}

/* About bytes of lines drawn at random from a few dozen. */
static char *shuffled_text(size_t bytes, unsigned seed)
{
	struct kvpt_buf b = KVPT_BUF_INIT;

	while (b.len < bytes) {
		seed = seed * 1103515245u + 12345u;
		kvpt_buf_addf(&b, "mục %u\n", (seed >> 16) % 40);
	}
	return kvpt_buf_detach(&b);
}

/* The time taken is printed, never asserted (bench/ is for figures); the
 * fallback is asserted by `approximate` and the shape of the result. */
static void test_large_inputs(void **state)
{
	struct timespec t0;
	struct kvpt_diff d;
	char *a = big_text("cũ", 70000, 0, NULL);
	char *b = big_text("mới", 70000, 0, NULL);
	char *c = big_text("cũ", 70000, 7, "sửa");
	char *x = shuffled_text(3u << 20, 1), *y = shuffled_text(3u << 20, 2);
	double took;

	/* Every line differs: all removed, all added, exactly and fast. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(kvpt_diff(&d, a, strlen(a), b, strlen(b), 3), 0);
	took = seconds_since(&t0);
	assert_false(d.approximate);
	assert_int_equal(d.removed, d.old_lines);
	assert_int_equal(d.added, d.new_lines);
	assert_int_equal(d.nhunks, 1);
	assert_true(strlen(a) > 3000000);
	print_message("3 MB against 3 MB, all different: %.3f s\n", took);
	kvpt_diff_release(&d);

	/* One line in seven changed: the exact diff, fast. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(kvpt_diff(&d, a, strlen(a), c, strlen(c), 3), 0);
	took = seconds_since(&t0);
	assert_false(d.approximate);
	assert_int_equal(d.removed, 10000);
	assert_int_equal(d.added, d.removed);
	assert_int_equal(d.nhunks, 1);	/* changes 6 apart merge */
	print_message("3 MB, %d lines changed: %.3f s\n", d.removed, took);
	kvpt_diff_release(&d);

	/* The same few lines in other orders: the search would be long, so
	 * the diff falls back to all removed, all added — fast. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(kvpt_diff(&d, x, strlen(x), y, strlen(y), 3), 0);
	took = seconds_since(&t0);
	assert_true(d.approximate);
	assert_true(d.removed > d.old_lines - 10);
	assert_true(d.added > d.new_lines - 10);
	assert_true(d.old_lines > 300000);
	print_message("3 MB of shuffled lines (%d): %.3f s\n", d.old_lines,
		      took);
	kvpt_diff_release(&d);
	free(a);
	free(b);
	free(c);
	free(x);
	free(y);
}

static void test_json(void **state)
{
	struct kvpt_diff d;
	json_t *j, *h, *l;
	const char old[] = "một\nhai\xff\nba\n", new[] = "một\nba\nbốn\n";

	assert_int_equal(kvpt_diff(&d, old, strlen(old), new, strlen(new), 1),
			 0);
	j = kvpt_diff_json(&d);
	assert_int_equal(json_integer_value(json_object_get(j, "added")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "removed")), 1);
	assert_true(json_is_false(json_object_get(j, "approximate")));
	assert_int_equal(json_array_size(json_object_get(j, "hunks")), 1);
	h = json_array_get(json_object_get(j, "hunks"), 0);
	assert_int_equal(json_integer_value(json_object_get(h, "old_start")), 1);
	assert_int_equal(json_integer_value(json_object_get(h, "old_count")), 3);
	assert_int_equal(json_integer_value(json_object_get(h, "new_start")), 1);
	assert_int_equal(json_integer_value(json_object_get(h, "new_count")), 3);
	l = json_array_get(json_object_get(h, "lines"), 1);
	assert_string_equal(json_string_value(json_object_get(l, "op")), "-");
	/* The byte that is not UTF-8 comes out as U+FFFD. */
	assert_string_equal(json_string_value(json_object_get(l, "text")),
			    "hai\xef\xbf\xbd");
	assert_int_equal(json_integer_value(json_object_get(l, "old")), 2);
	assert_true(json_is_null(json_object_get(l, "new")));
	l = json_array_get(json_object_get(h, "lines"), 3);
	assert_string_equal(json_string_value(json_object_get(l, "op")), "+");
	assert_string_equal(json_string_value(json_object_get(l, "text")),
			    "bốn");
	assert_true(json_is_null(json_object_get(l, "old")));
	assert_int_equal(json_integer_value(json_object_get(l, "new")), 3);
	json_decref(j);
	kvpt_diff_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_insert),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_change),
		cmocka_unit_test(test_final_newline),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_context_merging),
		cmocka_unit_test(test_random_minimal),
		cmocka_unit_test(test_large_inputs),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
