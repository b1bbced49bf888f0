/*
 * diff: Myers' O(ND) difference algorithm in linear space ("An O(ND)
 * Difference Algorithm and Its Variations", 1986, §4b) over lines reduced
 * to integers, then grouped into unified-diff hunks.  See diff.h.
 *
 * Lines are first interned (equal contents get equal numbers) so the
 * algorithm compares integers, and lines found in only one text are left
 * out of the search.  The common beginning and end are taken off before
 * the search, at every level of the recursion.  Only the top-level
 * middle-snake search is bounded, by counting its steps: once it finds the
 * edit distance within the budget, the recursion below costs about as much
 * again.
 */
#include "diff.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>

struct line {
	const char *s;
	size_t len;
};

/* Split text into lines; returns the count, or -1 past the maximum. */
static int split(const char *text, size_t len, struct line **out)
{
	struct line *v = NULL;
	size_t cap = 0, i = 0, start;
	int n = 0;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;

		if (n >= KVPT_DIFF_MAX_LINES) {
			free(v);
			*out = NULL;
			return -1;
		}
		start = i;
		i = nl ? end + 1 : len;
		if (nl && end > start && text[end - 1] == '\r')
			end--;
		XGROW(v, cap, (size_t)n + 1);
		v[n].s = text + start;
		v[n].len = end - start;
		n++;
	}
	*out = v;
	return n;
}

/* MurmurHash3's finaliser: every bit of x moves every bit of the result. */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ x >> 33;
}

/* FNV-1a from a seed, mixed: texts from outside cannot be made to pile up
 * in one place of the table when the seed is not known in advance. */
static uint64_t hash_line(const struct line *l, uint64_t seed)
{
	uint64_t h = 1469598103934665603ull ^ seed;
	size_t i;

	for (i = 0; i < l->len; i++) {
		h ^= (unsigned char)l->s[i];
		h *= 1099511628211ull;
	}
	return mix(h);
}

/* A seed for one diff: random when the kernel gives it, else from where
 * the heap and the stack happen to be. */
static uint64_t hash_seed(const void *heap)
{
	uint64_t seed = 0;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(seed))
		seed = mix((uint64_t)(uintptr_t)heap ^
			   mix((uint64_t)(uintptr_t)&seed));
	return seed;
}

/* Give every line of both texts a number, equal for equal contents;
 * returns how many numbers were given. */
static int intern(const struct line *a, int n, const struct line *b, int m,
		  int *ia, int *ib)
{
	struct slot {
		uint32_t hash;
		int id;			/* -1 when free */
	} *slots;
	const struct line **first;	/* a line of each number */
	size_t cap = 16, mask, total = (size_t)n + (size_t)m, k;
	uint64_t seed;
	int next = 0, side, i;

	while (cap < total * 2)
		cap <<= 1;
	mask = cap - 1;
	slots = xmalloc(cap * sizeof(*slots));
	memset(slots, 0xff, cap * sizeof(*slots));
	first = xmalloc((total + 1) * sizeof(*first));
	seed = hash_seed(slots);
	for (side = 0; side < 2; side++) {
		const struct line *v = side ? b : a;
		int *ids = side ? ib : ia, count = side ? m : n;

		for (i = 0; i < count; i++) {
			uint64_t h64 = hash_line(&v[i], seed);
			uint32_t h = (uint32_t)(h64 >> 32);
			const struct line *f;

			for (k = (size_t)h64 & mask; slots[k].id >= 0;
			     k = (k + 1) & mask) {
				f = first[slots[k].id];
				if (slots[k].hash == h && f->len == v[i].len &&
				    !memcmp(f->s, v[i].s, v[i].len))
					break;
			}
			if (slots[k].id < 0) {
				slots[k].hash = h;
				slots[k].id = next;
				first[next++] = &v[i];
			}
			ids[i] = slots[k].id;
		}
	}
	free(first);
	free(slots);
	return next;
}

/* The edit script being built: one op per line of either text. */
enum { OP_EQUAL = ' ', OP_DEL = '-', OP_INS = '+' };

struct search {
	int *a, *b;		/* the texts' lines as numbers */
	int *vf, *vb;		/* furthest reach per diagonal, centred */
	char *ops;
	size_t nops;
	long long budget;	/* steps the bounded search may still take */
};

static void emit(struct search *s, char op, int count)
{
	memset(s->ops + s->nops, op, (size_t)count);
	s->nops += (size_t)count;
}

struct snake {
	int x0, y0, x1, y1;	/* from (x0, y0) to (x1, y1), absolute */
};

/*
 * The middle snake of a[a0..a1) against b[b0..b1), both non-empty: the
 * diagonal run that an optimal path crosses halfway.  Returns 0, or -1
 * when bounded and s->budget runs out (one step per diagonal tried and
 * per pair of lines compared).
 */
static int middle_snake(struct search *s, int a0, int a1, int b0, int b1,
			int bounded, struct snake *out)
{
	const int *a = s->a + a0, *b = s->b + b0;
	int n = a1 - a0, m = b1 - b0, delta = n - m, odd = delta & 1;
	int *vf = s->vf, *vb = s->vb;
	int d, k, x, y, xs, ys, c, limit = (n + m + 1) / 2;

	vf[1] = 0;
	vb[1] = 0;
	for (d = 0; d <= limit; d++) {
		for (k = -d; k <= d; k += 2) {
			if (k == -d || (k != d && vf[k - 1] < vf[k + 1]))
				x = vf[k + 1];
			else
				x = vf[k - 1] + 1;
			y = x - k;
			xs = x;
			ys = y;
			while (x < n && y < m && a[x] == b[y]) {
				x++;
				y++;
			}
			s->budget -= 1 + x - xs;
			if (bounded && s->budget < 0)
				return -1;
			vf[k] = x;
			c = delta - k;
			if (odd && c >= -(d - 1) && c <= d - 1 &&
			    vf[k] + vb[c] >= n) {
				out->x0 = a0 + xs;
				out->y0 = b0 + ys;
				out->x1 = a0 + x;
				out->y1 = b0 + y;
				return 0;
			}
		}
		for (k = -d; k <= d; k += 2) {
			if (k == -d || (k != d && vb[k - 1] < vb[k + 1]))
				x = vb[k + 1];
			else
				x = vb[k - 1] + 1;
			y = x - k;
			xs = x;
			ys = y;
			while (x < n && y < m && a[n - x - 1] == b[m - y - 1]) {
				x++;
				y++;
			}
			s->budget -= 1 + x - xs;
			if (bounded && s->budget < 0)
				return -1;
			vb[k] = x;
			c = delta - k;
			if (!odd && c >= -d && c <= d && vb[k] + vf[c] >= n) {
				out->x0 = a0 + n - x;
				out->y0 = b0 + m - y;
				out->x1 = a0 + n - xs;
				out->y1 = b0 + m - ys;
				return 0;
			}
		}
	}
	return -1;
}

/*
 * Append the ops that turn a[a0..a1) into b[b0..b1).  When bounded, the
 * first middle-snake search spends s->budget and -1 is returned if it runs
 * out (ops already appended are then to be discarded).  Below a search
 * that found the distance D, the recursion costs about twice as much
 * again: the halves have D/2 each and share the lines.
 */
static int compare(struct search *s, int a0, int a1, int b0, int b1,
		   int bounded)
{
	struct snake sn;
	int pre = 0, suf = 0;

	while (a0 + pre < a1 && b0 + pre < b1 && s->a[a0 + pre] == s->b[b0 + pre])
		pre++;
	emit(s, OP_EQUAL, pre);
	a0 += pre;
	b0 += pre;
	while (a0 < a1 - suf && b0 < b1 - suf &&
	       s->a[a1 - 1 - suf] == s->b[b1 - 1 - suf])
		suf++;
	a1 -= suf;
	b1 -= suf;
	if (a0 == a1) {
		emit(s, OP_INS, b1 - b0);
	} else if (b0 == b1) {
		emit(s, OP_DEL, a1 - a0);
	} else {
		if (middle_snake(s, a0, a1, b0, b1, bounded, &sn))
			return -1;
		/* Both halves are strictly smaller: a path of D ≥ 2 edits
		 * (the ends differ) spends at least one on each side. */
		compare(s, a0, sn.x0, b0, sn.y0, 0);
		emit(s, OP_EQUAL, sn.x1 - sn.x0);
		compare(s, sn.x1, a1, sn.y1, b1, 0);
	}
	emit(s, OP_EQUAL, suf);
	return 0;
}

/* Within each run of changes, put the removals before the additions. */
static void group_changes(char *ops, size_t n)
{
	size_t i = 0, j, dels;

	while (i < n) {
		if (ops[i] == OP_EQUAL) {
			i++;
			continue;
		}
		for (j = i, dels = 0; j < n && ops[j] != OP_EQUAL; j++)
			dels += ops[j] == OP_DEL;
		memset(ops + i, OP_DEL, dels);
		memset(ops + i + dels, OP_INS, j - i - dels);
		i = j;
	}
}

/* Turn the ops into hunks of lines with context. */
static void build_hunks(struct kvpt_diff *d, const char *ops, size_t nops,
			const struct line *a, const struct line *b,
			int context)
{
	size_t i = 0, cap_h = 0, cap_l = 0, start, end, next, k;
	int oi = 0, ni = 0;	/* line indexes at op i */

	while (i < nops) {
		int ho, hn;

		/* The next change, and where its hunk starts. */
		while (i < nops && ops[i] == OP_EQUAL) {
			i++;
			oi++;
			ni++;
		}
		if (i == nops)
			break;
		start = i >= (size_t)context ? i - (size_t)context : 0;
		ho = oi - (int)(i - start);
		hn = ni - (int)(i - start);
		/* Extend over changes closer than 2 × context. */
		end = i;
		for (;;) {
			while (end < nops && ops[end] != OP_EQUAL)
				end++;
			next = end;
			while (next < nops && ops[next] == OP_EQUAL)
				next++;
			if (next < nops && next - end <= 2 * (size_t)context) {
				end = next;
				continue;
			}
			end = end + (size_t)context < nops ?
			      end + (size_t)context : nops;
			break;
		}
		XGROW(d->hunks, cap_h, (size_t)d->nhunks + 1);
		XGROW(d->lines, cap_l, (size_t)d->nlines + (end - start));
		{
			struct kvpt_diff_hunk *h = &d->hunks[d->nhunks++];
			int o = ho, nw = hn;

			h->old_count = h->new_count = 0;
			h->nlines = 0;
			h->lines = NULL;	/* set once lines stop moving */
			for (k = start; k < end; k++) {
				struct kvpt_diff_line *l =
					&d->lines[d->nlines++];

				l->op = ops[k];
				l->old_no = l->new_no = 0;
				if (ops[k] == OP_INS) {
					l->text = b[nw].s;
					l->len = b[nw].len;
				} else {
					l->text = a[o].s;
					l->len = a[o].len;
				}
				if (ops[k] != OP_INS) {
					l->old_no = ++o;
					h->old_count++;
				}
				if (ops[k] != OP_DEL) {
					l->new_no = ++nw;
					h->new_count++;
				}
				d->added += ops[k] == OP_INS;
				d->removed += ops[k] == OP_DEL;
				h->nlines++;
			}
			h->old_start = h->old_count ? ho + 1 : ho;
			h->new_start = h->new_count ? hn + 1 : hn;
			oi = o;
			ni = nw;
		}
		i = end;
	}
	/* Point the hunks at their lines now that the array is final. */
	for (k = 0, next = 0; k < (size_t)d->nhunks; k++) {
		d->hunks[k].lines = d->lines + next;
		next += (size_t)d->hunks[k].nlines;
	}
}

/* The ops of "every line between the common ends removed, then every
 * line of the other text added" into ops; returns their count. */
static size_t fall_back(const int *a, int n, const int *b, int m, char *ops)
{
	int pre = 0, suf = 0;
	size_t o = 0;

	while (pre < n && pre < m && a[pre] == b[pre])
		pre++;
	while (pre + suf < n && pre + suf < m &&
	       a[n - 1 - suf] == b[m - 1 - suf])
		suf++;
	memset(ops + o, OP_EQUAL, (size_t)pre);
	o += (size_t)pre;
	memset(ops + o, OP_DEL, (size_t)(n - pre - suf));
	o += (size_t)(n - pre - suf);
	memset(ops + o, OP_INS, (size_t)(m - pre - suf));
	o += (size_t)(m - pre - suf);
	memset(ops + o, OP_EQUAL, (size_t)suf);
	return o + (size_t)suf;
}

/*
 * A line that occurs in only one text can never be matched, so the search
 * runs on the others only (a simple form of GNU diff's discarding of
 * lines): a rewritten passage then costs the search nothing.
 */
struct kept {
	int *ids;	/* numbers of the lines kept */
	int *at;	/* their indexes in the whole text */
	int n;
};

static void keep_shared(const int *ids, int n, const unsigned char *seen,
			unsigned char other, struct kept *k)
{
	int i;

	k->ids = xmalloc(((size_t)n + 1) * sizeof(int));
	k->at = xmalloc(((size_t)n + 1) * sizeof(int));
	k->n = 0;
	for (i = 0; i < n; i++) {
		if (!(seen[ids[i]] & other))
			continue;
		k->ids[k->n] = ids[i];
		k->at[k->n++] = i;
	}
}

/* The ops over the whole texts from those over the kept lines: lines left
 * out are removed or added where they stand.  Returns the count. */
static size_t expand(const char *kops, size_t nk, const struct kept *ka,
		     const struct kept *kb, int n, int m, char *ops)
{
	size_t o = 0, f;
	int i = 0, j = 0, oi = 0, oj = 0;

	for (f = 0; f < nk; f++) {
		if (kops[f] == OP_DEL) {
			i++;
		} else if (kops[f] == OP_INS) {
			j++;
		} else {
			for (; oi < ka->at[i]; oi++)
				ops[o++] = OP_DEL;
			for (; oj < kb->at[j]; oj++)
				ops[o++] = OP_INS;
			ops[o++] = OP_EQUAL;
			oi++;
			oj++;
			i++;
			j++;
		}
	}
	for (; oi < n; oi++)
		ops[o++] = OP_DEL;
	for (; oj < m; oj++)
		ops[o++] = OP_INS;
	return o;
}

int kvpt_diff(struct kvpt_diff *d, const char *old, size_t old_len,
	      const char *new, size_t new_len, int context)
{
	struct kvpt_diff empty = KVPT_DIFF_INIT;
	struct line *a = NULL, *b = NULL;
	struct kept ka, kb;
	struct search s;
	unsigned char *seen;
	int n, m, i, nids, *ia, *ib, *vf_mem, *vb_mem;
	size_t half, nops;
	char *ops;
	int err = 0;

	*d = empty;
	n = split(old, old_len, &a);
	if (n < 0)
		return -1;
	m = split(new, new_len, &b);
	if (m < 0) {
		err = -1;
		goto out_free_a;
	}
	d->old_lines = n;
	d->new_lines = m;
	if (context < 0)
		context = 0;
	if (context > KVPT_DIFF_MAX_CONTEXT)
		context = KVPT_DIFF_MAX_CONTEXT;

	ia = xmalloc(((size_t)n + 1) * sizeof(int));
	ib = xmalloc(((size_t)m + 1) * sizeof(int));
	nids = intern(a, n, b, m, ia, ib);
	seen = xcalloc((size_t)nids + 1, 1);
	for (i = 0; i < n; i++)
		seen[ia[i]] |= 1;
	for (i = 0; i < m; i++)
		seen[ib[i]] |= 2;
	keep_shared(ia, n, seen, 2, &ka);
	keep_shared(ib, m, seen, 1, &kb);
	free(seen);

	memset(&s, 0, sizeof(s));
	s.a = ka.ids;
	s.b = kb.ids;
	s.ops = xmalloc((size_t)ka.n + (size_t)kb.n + 1);
	half = ((size_t)ka.n + (size_t)kb.n + 1) / 2 + 2;
	vf_mem = xmalloc((2 * half + 1) * sizeof(int));
	vb_mem = xmalloc((2 * half + 1) * sizeof(int));
	s.vf = vf_mem + half;
	s.vb = vb_mem + half;
	s.budget = KVPT_DIFF_MAX_COST;
	ops = xmalloc((size_t)n + (size_t)m + 1);
	if (compare(&s, 0, ka.n, 0, kb.n, 1)) {
		nops = fall_back(ia, n, ib, m, ops);
		d->approximate = 1;
	} else {
		nops = expand(s.ops, s.nops, &ka, &kb, n, m, ops);
	}
	group_changes(ops, nops);
	build_hunks(d, ops, nops, a, b, context);

	free(ops);
	free(vf_mem);
	free(vb_mem);
	free(s.ops);
	free(ka.ids);
	free(ka.at);
	free(kb.ids);
	free(kb.at);
	free(ia);
	free(ib);
	free(b);
out_free_a:
	free(a);
	return err;
}

void kvpt_diff_release(struct kvpt_diff *d)
{
	struct kvpt_diff empty = KVPT_DIFF_INIT;

	free(d->hunks);
	free(d->lines);
	*d = empty;
}

static void add_range(struct kvpt_buf *out, char sign, int start, int count)
{
	if (count == 1)
		kvpt_buf_addf(out, "%c%d", sign, start);
	else
		kvpt_buf_addf(out, "%c%d,%d", sign, start, count);
}

void kvpt_diff_format(const struct kvpt_diff *d, struct kvpt_buf *out)
{
	int h, i;

	for (h = 0; h < d->nhunks; h++) {
		const struct kvpt_diff_hunk *x = &d->hunks[h];

		kvpt_buf_adds(out, "@@ ");
		add_range(out, '-', x->old_start, x->old_count);
		kvpt_buf_addc(out, ' ');
		add_range(out, '+', x->new_start, x->new_count);
		kvpt_buf_adds(out, " @@\n");
		for (i = 0; i < x->nlines; i++) {
			kvpt_buf_addc(out, x->lines[i].op);
			kvpt_buf_add(out, x->lines[i].text, x->lines[i].len);
			kvpt_buf_addc(out, '\n');
		}
	}
}
