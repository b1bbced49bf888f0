/*
 * test_base: the small pieces everything else stands on.  buf grows past
 * any first guess, writes JSON strings that a JSON parser reads back
 * unchanged, and hands its string over; strmap finds every id among a
 * hundred thousand and refuses a duplicate, saying which index holds it;
 * utf8 accepts Vietnamese text and points at the first byte of anything
 * malformed; the arena hands out aligned, zeroed memory of any size and
 * takes back what was allocated since a mark; and the diagnostics list
 * suggests near names, sorts by place, caps its size while counting what
 * it dropped, and prints the rule id in text and JSON.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/strmap.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "model/diag.h"

/* buf */

static void test_buf_add(void **state)
{
	struct kvpt_buf b = KVPT_BUF_INIT;
	char *s;

	kvpt_buf_adds(&b, "Xã ");
	kvpt_buf_add(&b, "Hoằng Phong, bỏ qua", strlen("Hoằng Phong"));
	kvpt_buf_addc(&b, '!');
	assert_string_equal(b.s, "Xã Hoằng Phong!");
	assert_int_equal(b.len, strlen("Xã Hoằng Phong!"));
	/* Bytes, NUL included, and still terminated after them. */
	kvpt_buf_add(&b, "a\0b", 3);
	assert_int_equal(b.len, strlen("Xã Hoằng Phong!") + 3);
	assert_memory_equal(b.s + b.len - 3, "a\0b", 3);
	assert_int_equal(b.s[b.len], '\0');

	kvpt_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.s, "");
	kvpt_buf_adds(&b, "lại");
	assert_string_equal(b.s, "lại");

	s = kvpt_buf_detach(&b);
	assert_string_equal(s, "lại");
	assert_null(b.s);
	assert_int_equal(b.len, 0);
	/* The buf is usable again and no longer owns s. */
	kvpt_buf_adds(&b, "mới");
	assert_string_equal(b.s, "mới");
	assert_string_equal(s, "lại");
	free(s);
	kvpt_buf_release(&b);
	assert_null(b.s);

	/* An empty buf still gives a string to free. */
	s = kvpt_buf_detach(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
}

static void test_buf_addf_grows(void **state)
{
	struct kvpt_buf b = KVPT_BUF_INIT;
	char want[4096], word[300];
	size_t wl = 0;
	int i;

	memset(word, 'x', sizeof(word) - 1);
	word[sizeof(word) - 1] = '\0';
	/* One line longer than the first 64 bytes reserved, then many. */
	kvpt_buf_addf(&b, "%s:%d", word, 42);
	assert_int_equal(b.len, strlen(word) + 3);
	assert_int_equal(strncmp(b.s, word, strlen(word)), 0);
	assert_string_equal(b.s + strlen(word), ":42");
	kvpt_buf_reset(&b);
	for (i = 0; i < 100; i++) {
		kvpt_buf_addf(&b, "[%d:%s]", i, i % 2 ? "Hoằng Hóa" : "");
		wl += (size_t)snprintf(want + wl, sizeof(want) - wl, "[%d:%s]",
				       i, i % 2 ? "Hoằng Hóa" : "");
	}
	assert_int_equal(b.len, wl);
	assert_string_equal(b.s, want);
	assert_true(b.cap > b.len);
	kvpt_buf_release(&b);
}

/* s as a JSON string literal, read back by jansson. */
static void json_round_trip(const char *s, const char *want_literal)
{
	struct kvpt_buf b = KVPT_BUF_INIT;
	struct kvpt_buf doc = KVPT_BUF_INIT;
	json_error_t err;
	json_t *j;

	kvpt_buf_add_json_str(&b, s);
	if (want_literal)
		assert_string_equal(b.s, want_literal);
	kvpt_buf_addf(&doc, "[%s]", b.s);
	j = json_loads(doc.s, 0, &err);
	if (!j)
		print_error("%s: %s\n", doc.s, err.text);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_array_get(j, 0)), s);
	json_decref(j);
	kvpt_buf_release(&doc);
	kvpt_buf_release(&b);
}

static void test_buf_json_str(void **state)
{
	char ctl[32];
	int i;

	json_round_trip("", "\"\"");
	json_round_trip("plain", "\"plain\"");
	json_round_trip("Nghị quyết \"chuyển sang thời chiến\"",
			"\"Nghị quyết \\\"chuyển sang thời chiến\\\"\"");
	json_round_trip("C:\\kvpt\\plan.yaml", "\"C:\\\\kvpt\\\\plan.yaml\"");
	json_round_trip("a\nb\tc\rd", "\"a\\nb\\tc\\rd\"");
	json_round_trip("\x01\x1f", "\"\\u0001\\u001f\"");
	/* UTF-8 goes through as it is, not as \u escapes. */
	json_round_trip("Đảng ủy xã — thời chiến 😀",
			"\"Đảng ủy xã — thời chiến 😀\"");
	json_round_trip("\x7f", "\"\x7f\"");
	/* Every control character. */
	for (i = 1; i < 32; i++)
		ctl[i - 1] = (char)i;
	ctl[31] = '\0';
	json_round_trip(ctl, NULL);
}

/* strmap */

static void test_strmap_basic(void **state)
{
	struct kvpt_strmap m;
	int old = 12345;

	kvpt_strmap_init(&m);
	assert_int_equal(kvpt_strmap_get(&m, "xa"), -1);
	assert_int_equal(kvpt_strmap_put(&m, "xa", 0, NULL), 0);
	assert_int_equal(kvpt_strmap_put(&m, "dang-uy", 1, NULL), 0);
	assert_int_equal(kvpt_strmap_put(&m, "", 2, NULL), 0);
	assert_int_equal(kvpt_strmap_put(&m, "Đảng ủy", 3, NULL), 0);
	assert_int_equal(kvpt_strmap_get(&m, "xa"), 0);
	assert_int_equal(kvpt_strmap_get(&m, "dang-uy"), 1);
	assert_int_equal(kvpt_strmap_get(&m, ""), 2);
	assert_int_equal(kvpt_strmap_get(&m, "Đảng ủy"), 3);
	assert_int_equal(kvpt_strmap_get(&m, "XA"), -1);
	assert_int_equal(kvpt_strmap_get(&m, "dang-uy "), -1);
	assert_int_equal(m.count, 4);

	/* A duplicate is refused, reports who holds the key, and changes
	 * nothing. */
	assert_int_equal(kvpt_strmap_put(&m, "dang-uy", 7, &old), -1);
	assert_int_equal(old, 1);
	assert_int_equal(kvpt_strmap_put(&m, "xa", 9, NULL), -1);
	assert_int_equal(kvpt_strmap_get(&m, "dang-uy"), 1);
	assert_int_equal(kvpt_strmap_get(&m, "xa"), 0);
	assert_int_equal(m.count, 4);

	kvpt_strmap_release(&m);
	assert_int_equal(kvpt_strmap_get(&m, "xa"), -1);
}

static void test_strmap_many(void **state)
{
	enum { N = 100000 };
	struct kvpt_strmap m;
	char *keys = xmalloc((size_t)N * 16);
	char probe[32];
	int i, old;

	kvpt_strmap_init(&m);
	for (i = 0; i < N; i++) {
		snprintf(keys + (size_t)i * 16, 16, "th-%d", i);
		assert_int_equal(kvpt_strmap_put(&m, keys + (size_t)i * 16, i,
						 NULL), 0);
	}
	assert_int_equal(m.count, N);
	for (i = 0; i < N; i++) {
		snprintf(probe, sizeof(probe), "th-%d", i);
		if (kvpt_strmap_get(&m, probe) != i)
			print_error("%s → %d\n", probe,
				    kvpt_strmap_get(&m, probe));
		assert_int_equal(kvpt_strmap_get(&m, probe), i);
	}
	for (i = N; i < N + 1000; i++) {
		snprintf(probe, sizeof(probe), "th-%d", i);
		assert_int_equal(kvpt_strmap_get(&m, probe), -1);
	}
	/* Duplicates are still found after all the growing. */
	for (i = 0; i < N; i += 997) {
		snprintf(probe, sizeof(probe), "th-%d", i);
		old = -1;
		assert_int_equal(kvpt_strmap_put(&m, probe, -5, &old), -1);
		assert_int_equal(old, i);
	}
	assert_int_equal(m.count, N);
	kvpt_strmap_release(&m);
	free(keys);
}

/* utf8 */

static void utf8_bad_at(const char *s, size_t len, size_t at)
{
	size_t got = kvpt_utf8_check(s, len);

	if (got != at)
		print_error("bad byte expected at %zu, got %zu\n", at, got);
	assert_int_equal(got, at);
}

static void test_utf8(void **state)
{
	static const char vi[] = "Diễn tập khu vực phòng thủ huyện Hoằng Hóa: "
				 "Đảng ủy, HĐND, UBND — “thời chiến” ✓ 😀";
	static const char x[] = "Xã";	/* 3 bytes */

	assert_int_equal(kvpt_utf8_check(vi, strlen(vi)), strlen(vi));
	assert_int_equal(kvpt_utf8_check("", 0), 0);
	assert_int_equal(kvpt_utf8_check("plain ascii", 11), 11);
	/* Edges of the ranges that are allowed. */
	utf8_bad_at("\x7f", 1, 1);
	utf8_bad_at("\xc2\x80", 2, 2);		/* U+0080 */
	utf8_bad_at("\xe0\xa0\x80", 3, 3);	/* U+0800 */
	utf8_bad_at("\xed\x9f\xbf", 3, 3);	/* U+D7FF */
	utf8_bad_at("\xee\x80\x80", 3, 3);	/* U+E000 */
	utf8_bad_at("\xef\xbf\xbf", 3, 3);	/* U+FFFF */
	utf8_bad_at("\xf0\x90\x80\x80", 4, 4);	/* U+10000 */
	utf8_bad_at("\xf4\x8f\xbf\xbf", 4, 4);	/* U+10FFFF */

	/* Overlong encodings of '/' and of U+07FF, U+FFFF. */
	utf8_bad_at("ab\xc0\xaf", 4, 2);
	utf8_bad_at("ab\xc1\xbf", 4, 2);
	utf8_bad_at("ab\xe0\x80\xaf", 5, 2);
	utf8_bad_at("ab\xe0\x9f\xbf", 5, 2);
	utf8_bad_at("ab\xf0\x80\x80\xaf", 6, 2);
	utf8_bad_at("ab\xf0\x8f\xbf\xbf", 6, 2);
	/* Surrogates. */
	utf8_bad_at("Xã\xed\xa0\x80", 6, 3);
	utf8_bad_at("Xã\xed\xbf\xbf", 6, 3);
	/* Beyond U+10FFFF, and bytes that never start a character. */
	utf8_bad_at("Xã\xf4\x90\x80\x80", 7, 3);
	utf8_bad_at("Xã\xf5\x80\x80\x80", 7, 3);
	utf8_bad_at("Xã\xff", 4, 3);
	utf8_bad_at("Xã\xfe", 4, 3);
	/* A continuation byte without a lead, and a lead without enough
	 * continuations, at the end and in the middle. */
	utf8_bad_at("Xã\x80", 4, 3);
	utf8_bad_at("Xã\xe1\xba", 5, 3);
	utf8_bad_at("Xã\xe1", 4, 3);
	utf8_bad_at("Xã\xf0\x9f\x98", 6, 3);
	utf8_bad_at("Xã\xe1\xbaX", 6, 3);
	utf8_bad_at("Xã\xc3(", 5, 3);
	/* The length given is the end, even inside a character. */
	utf8_bad_at(x, 2, 1);
	/* NUL is refused: ids and texts are C strings. */
	utf8_bad_at("ab\0cd", 5, 2);
	utf8_bad_at("\0", 1, 0);
}

/* arena */

static void test_arena(void **state)
{
	const size_t align = alignof(max_align_t);
	static const size_t sizes[] = { 1, 3, 7, 8, 15, 16, 17, 100, 1000,
					16384, 16385, 70000, 1 << 20, 5 };
	struct kvpt_arena a;
	unsigned char *blocks[sizeof(sizes) / sizeof(sizes[0])];
	char *s, *t, *p;
	char longer[1000];
	size_t i, k;

	kvpt_arena_init(&a);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		blocks[i] = kvpt_arena_alloc(&a, sizes[i]);
		assert_non_null(blocks[i]);
		assert_int_equal((uintptr_t)blocks[i] % align, 0);
		for (k = 0; k < sizes[i]; k++)
			assert_int_equal(blocks[i][k], 0);
		memset(blocks[i], (int)(i + 1), sizes[i]);
	}
	assert_true(a.used >= (size_t)(1 << 20) + 70000);
	/* Later allocations did not overwrite earlier ones. */
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (k = 0; k < sizes[i]; k++)
			assert_int_equal(blocks[i][k], (unsigned char)(i + 1));

	/* Many small ones across several blocks. */
	for (i = 0; i < 20000; i++) {
		unsigned *u = kvpt_arena_alloc(&a, sizeof(*u) * 3);

		assert_int_equal((uintptr_t)u % align, 0);
		assert_int_equal(u[0] | u[1] | u[2], 0);
		u[0] = u[1] = u[2] = 0xffffffffu;
	}

	s = kvpt_arena_strdup(&a, "Ban Chỉ huy quân sự");
	assert_string_equal(s, "Ban Chỉ huy quân sự");
	t = kvpt_arena_strndup(&a, "dang-uy-xa", 7);
	assert_string_equal(t, "dang-uy");
	p = kvpt_arena_printf(&a, "%s-%03d", "th", 7);
	assert_string_equal(p, "th-007");
	/* Longer than printf's first attempt. */
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	p = kvpt_arena_printf(&a, "<%s|%d>", longer, 99);
	assert_int_equal(strlen(p), sizeof(longer) - 1 + 5);
	assert_int_equal(p[0], '<');
	assert_string_equal(p + sizeof(longer), "|99>");
	assert_string_equal(s, "Ban Chỉ huy quân sự");

	kvpt_arena_release(&a);
	assert_null(a.head);
	assert_int_equal(a.used, 0);
	/* Reusable after release. */
	kvpt_arena_init(&a);
	s = kvpt_arena_strdup(&a, "lại");
	assert_string_equal(s, "lại");
	kvpt_arena_release(&a);
}

static void test_arena_rewind(void **state)
{
	struct kvpt_arena a;
	struct kvpt_arena_mark m, empty;
	char *keep, *first, *again;
	size_t used;
	int i;

	/* Rewinding an arena marked empty frees everything. */
	kvpt_arena_init(&a);
	kvpt_arena_mark(&a, &empty);
	for (i = 0; i < 100; i++)
		kvpt_arena_alloc(&a, 10000);
	kvpt_arena_rewind(&a, &empty);
	assert_int_equal(a.used, 0);

	keep = kvpt_arena_strdup(&a, "Xã Hoằng Phong");
	used = a.used;
	kvpt_arena_mark(&a, &m);
	first = kvpt_arena_alloc(&a, 100);
	memset(first, 'x', 100);
	/* Enough to take new blocks, large one-offs included. */
	for (i = 0; i < 200; i++) {
		char *p = kvpt_arena_alloc(&a, i % 50 ? 1000 : 300000);

		memset(p, 'y', 1000);
	}
	kvpt_arena_rewind(&a, &m);
	assert_int_equal(a.used, used);
	/* What came before the mark is intact; the memory after it is
	 * handed out again, zeroed. */
	assert_string_equal(keep, "Xã Hoằng Phong");
	again = kvpt_arena_alloc(&a, 100);
	assert_ptr_equal(again, first);
	for (i = 0; i < 100; i++)
		assert_int_equal(again[i], 0);
	/* And the arena goes on as before. */
	for (i = 0; i < 200; i++)
		assert_non_null(kvpt_arena_printf(&a, "th-%d", i));
	assert_string_equal(keep, "Xã Hoằng Phong");
	kvpt_arena_release(&a);
}

/* diag */

static void test_did_you_mean(void **state)
{
	static const char *const roles[] = {
		"bi-thu", "chu-tich", "chu-tich-hdnd", "cht", "truong-ca",
	};
	static const char *const kinds[] = {
		"situation", "conference", "live", "mobilisation", "movement",
	};
	static const char *const near[] = { "lives", "live" };
	static const char *const ties[] = { "abd", "abe" };
	char longword[100];

	assert_string_equal(kvpt_did_you_mean("chu-tch", roles, 5),
			    "chu-tich");
	assert_string_equal(kvpt_did_you_mean("chu-tich-hdn", roles, 5),
			    "chu-tich-hdnd");
	assert_string_equal(kvpt_did_you_mean("truong_ca", roles, 5),
			    "truong-ca");
	{
		/* Typed without Vietnamese accents. */
		static const char *const kinds[] = { "đảng ủy", "HĐND",
						     "cấp xã", "công an" };

		assert_string_equal(kvpt_did_you_mean("dang uy", kinds, 4),
				    "đảng ủy");
		assert_string_equal(kvpt_did_you_mean("cong an", kinds, 4),
				    "công an");
		assert_null(kvpt_did_you_mean("quan doi", kinds, 4));
	}
	assert_string_equal(kvpt_did_you_mean("bithu", roles, 5), "bi-thu");
	assert_string_equal(kvpt_did_you_mean("confrence", kinds, 5),
			    "conference");
	assert_string_equal(kvpt_did_you_mean("situaton", kinds, 5),
			    "situation");
	/* The closest, not the first close one. */
	assert_string_equal(kvpt_did_you_mean("liv", near, 2), "live");
	assert_string_equal(kvpt_did_you_mean("movemen", kinds, 5),
			    "movement");
	/* Equally close: the first listed. */
	assert_string_equal(kvpt_did_you_mean("abc", ties, 2), "abd");
	/* Nothing near. */
	assert_null(kvpt_did_you_mean("ca-xa", roles, 5));
	assert_null(kvpt_did_you_mean("thực binh", kinds, 5));
	assert_null(kvpt_did_you_mean("zz", roles, 5));
	assert_null(kvpt_did_you_mean("chu-tich", roles, 0));
	memset(longword, 'q', sizeof(longword) - 1);
	longword[sizeof(longword) - 1] = '\0';
	assert_null(kvpt_did_you_mean(longword, roles, 5));
	{
		const char *const longs[] = { longword };

		assert_null(kvpt_did_you_mean("qqqq", longs, 1));
	}
}

static struct kvpt_pos pos(int file, int line, int col)
{
	struct kvpt_pos p = { file, line, col };

	return p;
}

static void test_diags_sort(void **state)
{
	struct kvpt_diags d;
	size_t k;
	int i;

	kvpt_diags_init(&d);
	kvpt_diag(&d, KVPT_SEV_ERROR, pos(1, 2, 1), "r", "f1-l2");
	kvpt_diag(&d, KVPT_SEV_ERROR, pos(0, 5, 3), "r", "f0-l5-c3");
	kvpt_diag(&d, KVPT_SEV_WARNING, pos(0, 5, 1), "r", "f0-l5-c1-a");
	kvpt_diag(&d, KVPT_SEV_NOTE, pos(0, 0, 0), "r", "f0-nopos");
	kvpt_diag(&d, KVPT_SEV_ERROR, pos(0, 5, 1), "r", "f0-l5-c1-b");
	kvpt_diag(&d, KVPT_SEV_ERROR, pos(0, 12, 1), "r", "f0-l12");
	kvpt_diag(&d, KVPT_SEV_ERROR, pos(0, 5, 1), "r", "f0-l5-c1-c");
	assert_int_equal(d.n, 7);
	assert_int_equal(d.nerrors, 5);
	assert_int_equal(d.nwarnings, 1);
	kvpt_diags_sort(&d);
	assert_string_equal(d.v[0].msg, "f0-nopos");
	assert_string_equal(d.v[1].msg, "f0-l5-c1-a");
	assert_string_equal(d.v[2].msg, "f0-l5-c1-b");
	assert_string_equal(d.v[3].msg, "f0-l5-c1-c");
	assert_string_equal(d.v[4].msg, "f0-l5-c3");
	assert_string_equal(d.v[5].msg, "f0-l12");
	assert_string_equal(d.v[6].msg, "f1-l2");
	kvpt_diags_release(&d);

	/* Many on few places: each place keeps the order they were added
	 * in, whatever the sort does inside. */
	kvpt_diags_init(&d);
	for (i = 0; i < 2000; i++) {
		unsigned h = (unsigned)i * 2654435761u;

		kvpt_diag(&d, KVPT_SEV_ERROR, pos((int)(h >> 30),
						  (int)(h >> 20 & 3) + 1,
						  (int)(h >> 10 & 1) + 1),
			  "r", "%d", i);
	}
	kvpt_diags_sort(&d);
	for (k = 1; k < d.n; k++) {
		const struct kvpt_diag *x = &d.v[k - 1], *y = &d.v[k];
		int same = x->pos.file == y->pos.file &&
			   x->pos.line == y->pos.line &&
			   x->pos.col == y->pos.col;

		assert_true(x->pos.file <= y->pos.file);
		if (same)
			assert_true(atoi(x->msg) < atoi(y->msg));
	}
	kvpt_diags_release(&d);
}

static void test_diags_cap(void **state)
{
	struct kvpt_diags d;
	struct kvpt_buf text = KVPT_BUF_INIT;
	int i;

	kvpt_diags_init(&d);
	assert_int_equal(d.max, KVPT_DIAGS_MAX_DEFAULT);
	d.max = 3;
	for (i = 0; i < 5; i++)
		kvpt_diag(&d, KVPT_SEV_ERROR, pos(0, i + 1, 1), "bad-value",
			  "error %d", i);
	kvpt_diag(&d, KVPT_SEV_WARNING, pos(0, 9, 1), "no-deadline", "w");
	assert_int_equal(d.n, 3);
	assert_int_equal(d.dropped, 3);
	/* The counts still say how many there were. */
	assert_int_equal(d.nerrors, 5);
	assert_int_equal(d.nwarnings, 1);
	assert_string_equal(d.v[2].msg, "error 2");
	kvpt_diags_format_text(&d, NULL, 0, &text);
	assert_non_null(strstr(text.s, "error 2 [bad-value]\n"));
	assert_null(strstr(text.s, "error 3"));
	assert_non_null(strstr(text.s, "3 more diagnostics not shown"));
	kvpt_buf_release(&text);
	kvpt_diags_release(&d);
}

static void test_diags_format(void **state)
{
	static const char *files[] = { "plan.yaml", "xa-hoang-phong.yaml",
				       NULL };
	struct kvpt_diags d;
	struct kvpt_buf out = KVPT_BUF_INIT;
	json_error_t err;
	json_t *j, *x;

	kvpt_diags_init(&d);
	kvpt_diag(&d, KVPT_SEV_ERROR, pos(0, 42, 7), "unknown-role",
		  "inject '%s' targets unknown role '%s'", "th-03", "ca-xa");
	kvpt_diag(&d, KVPT_SEV_WARNING, pos(1, 3, 5), "no-deadline",
		  "expectation \"th1-bc\"\thas no deadline");
	kvpt_diag(&d, KVPT_SEV_NOTE, pos(0, 0, 0), "note-rule", "đã xong");
	kvpt_diag(&d, KVPT_SEV_ERROR, pos(2, 1, 1), "io", "no name");
	kvpt_diag(&d, KVPT_SEV_ERROR, pos(9, 1, 1), "io", "out of range");

	kvpt_diags_format_text(&d, files, 3, &out);
	assert_string_equal(out.s,
		"plan.yaml:42:7: error: inject 'th-03' targets unknown role "
		"'ca-xa' [unknown-role]\n"
		"xa-hoang-phong.yaml:3:5: warning: expectation \"th1-bc\"\thas "
		"no deadline [no-deadline]\n"
		"plan.yaml: note: đã xong [note-rule]\n"
		"<plan>:1:1: error: no name [io]\n"
		"<plan>:1:1: error: out of range [io]\n");

	kvpt_buf_reset(&out);
	kvpt_diags_format_json(&d, files, 3, &out);
	j = json_loads(out.s, 0, &err);
	if (!j)
		print_error("%s: %s\n", out.s, err.text);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "errors")), 3);
	assert_int_equal(json_integer_value(json_object_get(j, "warnings")),
			 1);
	assert_int_equal(json_integer_value(json_object_get(j, "dropped")), 0);
	assert_int_equal(json_array_size(json_object_get(j, "diagnostics")),
			 5);
	x = json_array_get(json_object_get(j, "diagnostics"), 0);
	assert_string_equal(json_string_value(json_object_get(x, "file")),
			    "plan.yaml");
	assert_int_equal(json_integer_value(json_object_get(x, "line")), 42);
	assert_int_equal(json_integer_value(json_object_get(x, "col")), 7);
	assert_string_equal(json_string_value(json_object_get(x, "severity")),
			    "error");
	assert_string_equal(json_string_value(json_object_get(x, "rule")),
			    "unknown-role");
	assert_string_equal(json_string_value(json_object_get(x, "message")),
			    "inject 'th-03' targets unknown role 'ca-xa'");
	x = json_array_get(json_object_get(j, "diagnostics"), 1);
	assert_string_equal(json_string_value(json_object_get(x, "file")),
			    "xa-hoang-phong.yaml");
	assert_string_equal(json_string_value(json_object_get(x, "severity")),
			    "warning");
	assert_string_equal(json_string_value(json_object_get(x, "message")),
			    "expectation \"th1-bc\"\thas no deadline");
	x = json_array_get(json_object_get(j, "diagnostics"), 2);
	assert_string_equal(json_string_value(json_object_get(x, "severity")),
			    "note");
	assert_string_equal(json_string_value(json_object_get(x, "message")),
			    "đã xong");
	x = json_array_get(json_object_get(j, "diagnostics"), 4);
	assert_string_equal(json_string_value(json_object_get(x, "file")),
			    "<plan>");
	json_decref(j);

	/* An empty list is still a document. */
	kvpt_diags_release(&d);
	kvpt_buf_reset(&out);
	kvpt_diags_format_json(&d, NULL, 0, &out);
	j = json_loads(out.s, 0, &err);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "diagnostics")),
			 0);
	json_decref(j);
	kvpt_buf_reset(&out);
	kvpt_diags_format_text(&d, NULL, 0, &out);
	assert_int_equal(out.len, 0);
	kvpt_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_add),
		cmocka_unit_test(test_buf_addf_grows),
		cmocka_unit_test(test_buf_json_str),
		cmocka_unit_test(test_strmap_basic),
		cmocka_unit_test(test_strmap_many),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_arena_rewind),
		cmocka_unit_test(test_did_you_mean),
		cmocka_unit_test(test_diags_sort),
		cmocka_unit_test(test_diags_cap),
		cmocka_unit_test(test_diags_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
