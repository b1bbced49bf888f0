/*
 * test_sim: dry runs and the randomness they rest on.  The generator gives
 * the same numbers for a seed on every machine (xoshiro256** seeded through
 * splitmix64, checked against the published algorithm), uniform draws stay
 * in [0, 1), and response times follow the plan's median and 90th
 * percentile.  A dry run of the Hoằng Hóa sample is reproducible to the
 * byte from its seed, differs between seeds, takes the district to wartime
 * and never ends a phase before it starts; a Monte-Carlo study gives the
 * same figures on one thread or two; and players who never answer miss
 * every deadline.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "plan_fixture.h"

#include "base/buf.h"
#include "base/xalloc.h"
#include "engine/engine.h"
#include "plan/plan.h"
#include "sim/rng.h"
#include "sim/sim.h"

#define SAMPLE_PLAN KVPT_SOURCE_DIR "/examples/hoang-hoa-2024/plan.yaml"

/* Players who never answer; one deadline missed starts another inject. */
static const char silent_yaml[] =
	"version: 1\n"
	"exercise:\n"
	"  code: S-1\n"
	"  name: Kiểm thử chạy thử\n"
	"  kind: xã\n"
	"  start: 2025-09-10T07:00:00+07:00\n"
	"  duration: 1d\n"
	"bodies:\n"
	"  - id: xa\n"
	"    name: Xã Hoằng Phong\n"
	"    kind: commune\n"
	"    units:\n"
	"      - {id: ubnd, name: UBND xã, kind: peoples-committee}\n"
	"      - {id: ca, name: Công an xã, kind: police}\n"
	"roles:\n"
	"  - {id: chu-tich, name: Chủ tịch UBND, body: ubnd}\n"
	"  - {id: truong-ca, name: Trưởng Công an xã, body: ca}\n"
	"phases:\n"
	"  - id: gd1\n"
	"    title: Giai đoạn 1\n"
	"    start: N 07:00\n"
	"    end: N 12:00\n"
	"    problems:\n"
	"      - id: vd1\n"
	"        title: Vấn đề 1\n"
	"        contents:\n"
	"          - id: nd1\n"
	"            title: Nội dung 1\n"
	"            activities:\n"
	"              - id: th1\n"
	"                kind: situation\n"
	"                title: Tình huống 1\n"
	"                at: N 08:00\n"
	"                to: [truong-ca, chu-tich]\n"
	"                expect:\n"
	"                  - {id: th1-ack, kind: ack, by: truong-ca, "
	"within: 5m}\n"
	"                  - {id: th1-bc, kind: report, by: truong-ca, "
	"within: 30m}\n"
	"                  - {id: th1-open, kind: report, by: chu-tich}\n"
	"              - id: th2\n"
	"                kind: situation\n"
	"                title: Tình huống 2\n"
	"                at: N 09:00\n"
	"                to: [chu-tich]\n"
	"                expect:\n"
	"                  - {id: th2-qd, kind: decision, by: chu-tich, "
	"deadline: N 10:00}\n"
	"                  - {id: th2-ml, kind: order, by: xa, within: 20m}\n"
	"              - id: th3\n"
	"                kind: situation\n"
	"                title: Khi quyết định quá hạn\n"
	"                to: [truong-ca]\n"
	"                release: {on: missed, expectation: th2-qd}\n"
	"                expect:\n"
	"                  - {id: th3-ack, kind: ack, by: truong-ca, "
	"within: 10m}\n"
	"simulation:\n"
	"  silent: 1\n"
	"  wrong: 0\n";


static int setup_sample(void **state)
{
	*state = fixture_plan_file(SAMPLE_PLAN);
	return 0;
}

static int setup_silent(void **state)
{
	*state = fixture_plan_text("silent.yaml", silent_yaml);
	return 0;
}

static int teardown(void **state)
{
	kvpt_plan_free(*state);
	return 0;
}

/* rng */

static void test_rng_reference(void **state)
{
	/* xoshiro256** seeded through splitmix64, computed independently
	 * of this code: logs of past runs name their seed, so these
	 * numbers must never change. */
	static const struct {
		uint64_t seed;
		uint64_t out[3];
	} ref[] = {
		{ 0, { 0x99ec5f36cb75f2b4ULL, 0xbf6e1f784956452aULL,
		       0x1a5f849d4933e6e0ULL } },
		{ 1, { 0xb3f2af6d0fc710c5ULL, 0x853b559647364ceaULL,
		       0x92f89756082a4514ULL } },
		{ 2024, { 0x0e48715a13d7772eULL, 0xc837f3ee8a7a1065ULL,
			  0x1272314b15ee5001ULL } },
	};
	struct kvpt_rng r;
	size_t i;
	int k;

	for (i = 0; i < sizeof(ref) / sizeof(ref[0]); i++) {
		kvpt_rng_seed(&r, ref[i].seed);
		for (k = 0; k < 3; k++)
			assert_true(kvpt_rng_next(&r) == ref[i].out[k]);
	}
}

static void test_rng_determinism(void **state)
{
	struct kvpt_rng a, b, c;
	int i, same = 0;

	kvpt_rng_seed(&a, 42);
	kvpt_rng_seed(&b, 42);
	kvpt_rng_seed(&c, 43);
	for (i = 0; i < 10000; i++) {
		uint64_t x = kvpt_rng_next(&a);

		assert_true(x == kvpt_rng_next(&b));
		same += x == kvpt_rng_next(&c);
	}
	assert_int_equal(same, 0);
	/* Reseeding starts over. */
	kvpt_rng_seed(&a, 42);
	kvpt_rng_seed(&b, 42);
	assert_true(kvpt_rng_next(&a) == kvpt_rng_next(&b));
	kvpt_rng_seed(&a, 42);
	kvpt_rng_seed(&b, 42);
	for (i = 0; i < 1000; i++)
		assert_true(kvpt_rng_normal(&a) == kvpt_rng_normal(&b));
}

static void test_rng_unit(void **state)
{
	enum { N = 200000 };
	struct kvpt_rng r;
	double lo = 1, hi = 0, sum = 0;
	int i, buckets[10] = { 0 };

	kvpt_rng_seed(&r, 7);
	for (i = 0; i < N; i++) {
		double u = kvpt_rng_unit(&r);

		assert_true(u >= 0.0);
		assert_true(u < 1.0);
		if (u < lo)
			lo = u;
		if (u > hi)
			hi = u;
		sum += u;
		buckets[(int)(u * 10)]++;
	}
	assert_true(lo < 0.001);
	assert_true(hi > 0.999);
	assert_true(sum / N > 0.49 && sum / N < 0.51);
	for (i = 0; i < 10; i++)
		assert_true(buckets[i] > N / 10 * 95 / 100 &&
			    buckets[i] < N / 10 * 105 / 100);
}

static void test_rng_normal(void **state)
{
	enum { N = 100000 };
	struct kvpt_rng r;
	double sum = 0, sq = 0;
	int i, within = 0;

	kvpt_rng_seed(&r, 11);
	for (i = 0; i < N; i++) {
		double z = kvpt_rng_normal(&r);

		sum += z;
		sq += z * z;
		within += z > -1.2815515655 && z < 1.2815515655;
	}
	assert_true(sum / N > -0.02 && sum / N < 0.02);
	assert_true(sq / N > 0.97 && sq / N < 1.03);
	/* 80% of a standard normal lies within ±z(0.9). */
	assert_true(within > N * 78 / 100 && within < N * 82 / 100);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Draw n response times; sorted into v. */
static void draw(uint64_t seed, const struct kvpt_response_model *m,
		 int64_t *v, int n)
{
	struct kvpt_rng r;
	int i;

	kvpt_rng_seed(&r, seed);
	for (i = 0; i < n; i++)
		v[i] = kvpt_rng_response(&r, m);
	qsort(v, (size_t)n, sizeof(*v), cmp_i64);
}

static void test_rng_response(void **state)
{
	enum { N = 20000 };
	static const struct kvpt_response_model models[] = {
		{ 20 * KVPT_MS_MIN, 50 * KVPT_MS_MIN },
		{ 2 * KVPT_MS_MIN, 6 * KVPT_MS_MIN },
		{ KVPT_MS_HOUR, 150 * KVPT_MS_MIN },
		{ 45 * KVPT_MS_MIN, 46 * KVPT_MS_MIN },
	};
	int64_t *v = xmalloc(sizeof(*v) * N);
	size_t k;

	for (k = 0; k < sizeof(models) / sizeof(models[0]); k++) {
		const struct kvpt_response_model *m = &models[k];
		double med, p90;

		draw(100 + k, m, v, N);
		med = (double)v[N / 2];
		p90 = (double)v[N * 9 / 10];
		if (med < 0.95 * (double)m->median ||
		    med > 1.05 * (double)m->median ||
		    p90 < 0.93 * (double)m->p90 || p90 > 1.07 * (double)m->p90)
			print_error("model %lld/%lld: median %.0f p90 %.0f\n",
				    (long long)m->median, (long long)m->p90,
				    med, p90);
		assert_true(med >= 0.95 * (double)m->median);
		assert_true(med <= 1.05 * (double)m->median);
		assert_true(p90 >= 0.93 * (double)m->p90);
		assert_true(p90 <= 1.07 * (double)m->p90);
		assert_true(v[0] > 0);
	}

	/* Never more than 50 medians, never under a second. */
	{
		struct kvpt_response_model wide = { KVPT_MS_MIN,
						    200 * KVPT_MS_MIN };
		struct kvpt_response_model tiny = { 1500, 6000 };

		draw(5, &wide, v, N);
		assert_true(v[N - 1] == 50 * KVPT_MS_MIN);
		assert_true(v[0] >= 1000);
		draw(6, &tiny, v, N);
		assert_true(v[0] == 1000);
	}
	/* No spread: always the median. */
	{
		struct kvpt_response_model flat = { 15 * KVPT_MS_MIN,
						    15 * KVPT_MS_MIN };

		draw(7, &flat, v, 100);
		assert_true(v[0] == 15 * KVPT_MS_MIN);
		assert_true(v[99] == 15 * KVPT_MS_MIN);
	}
	free(v);
}

/* Dry runs of the sample plan. */

static int body(const struct kvpt_plan *p, const char *id)
{
	return fixture_id(&p->body_ids, id);
}

static void assert_runs_equal(const struct kvpt_plan *p,
			      const struct kvpt_sim_run *a,
			      const struct kvpt_sim_run *b)
{
	int i;

	assert_true(a->events == b->events);
	assert_int_equal(a->refused, b->refused);
	assert_int_equal(a->nreached, b->nreached);
	assert_memory_equal(a->phase_end, b->phase_end,
			    sizeof(kvpt_time) * (size_t)p->nphases);
	assert_memory_equal(a->status, b->status, (size_t)p->nexpectations);
	assert_memory_equal(a->answered, b->answered,
			    sizeof(kvpt_time) * (size_t)p->nexpectations);
	for (i = 0; i < a->nreached; i++) {
		assert_int_equal(a->reached[i].machine, b->reached[i].machine);
		assert_int_equal(a->reached[i].body, b->reached[i].body);
		assert_int_equal(a->reached[i].state, b->reached[i].state);
		assert_true(a->reached[i].at == b->reached[i].at);
	}
	assert_int_equal(a->refusals.len, b->refusals.len);
	if (a->refusals.len)
		assert_string_equal(a->refusals.s, b->refusals.s);
}

static void test_run_deterministic(void **state)
{
	const struct kvpt_plan *p = *state;
	struct kvpt_sim_run a, b, c;
	struct kvpt_buf la = KVPT_BUF_INIT, lb = KVPT_BUF_INIT,
			lc = KVPT_BUF_INIT;

	assert_int_equal(kvpt_sim_run(p, 7, &a, &la), 0);
	assert_int_equal(kvpt_sim_run(p, 7, &b, &lb), 0);
	assert_int_equal(kvpt_sim_run(p, 8, &c, &lc), 0);
	assert_true(a.seed == 7);
	assert_true(la.len > 1000);
	assert_true(a.events > 100);
	/* Same seed: the same log, byte for byte, and the same results. */
	assert_int_equal(la.len, lb.len);
	assert_memory_equal(la.s, lb.s, la.len);
	assert_runs_equal(p, &a, &b);
	/* Another seed: another exercise. */
	assert_true(la.len != lc.len || memcmp(la.s, lc.s, la.len));
	assert_true(a.events != c.events ||
		    memcmp(a.answered, c.answered,
			   sizeof(kvpt_time) * (size_t)p->nexpectations));
	/* Without a log buffer the run is the same. */
	kvpt_sim_run_release(&b);
	assert_int_equal(kvpt_sim_run(p, 7, &b, NULL), 0);
	assert_runs_equal(p, &a, &b);

	kvpt_sim_run_release(&a);
	kvpt_sim_run_release(&b);
	kvpt_sim_run_release(&c);
	kvpt_buf_release(&la);
	kvpt_buf_release(&lb);
	kvpt_buf_release(&lc);
}

static void test_run_outcomes(void **state)
{
	const struct kvpt_plan *p = *state;
	int defense = kvpt_plan_machine(p, "defense");
	int district = body(p, "huyen-hoang-hoa");
	int *level = xmalloc(sizeof(int) * (size_t)p->nmachines *
			     (size_t)p->nbodies);
	int wartime, seed, i, at_war = 0;

	assert_true(defense >= 0);
	wartime = kvpt_machine_state(&p->machines[defense], "wartime");
	assert_true(wartime >= 0);
	for (seed = 1; seed <= 20; seed++) {
		struct kvpt_sim_run run;
		kvpt_time last = KVPT_TIME_NONE;
		int war = 0;

		assert_int_equal(kvpt_sim_run(p, (uint64_t)seed, &run, NULL),
				 0);
		for (i = 0; i < p->nmachines * p->nbodies; i++)
			level[i] = p->machines[i / p->nbodies].initial;
		for (i = 0; i < p->nphases; i++) {
			if (run.phase_end[i] < p->phases[i].start)
				print_error("seed %d: phase %s ends before it "
					    "starts\n", seed, p->phases[i].id);
			assert_true(run.phase_end[i] >= p->phases[i].start);
		}
		for (i = 0; i < run.nreached; i++) {
			const struct kvpt_sim_reached *r = &run.reached[i];

			int *lv = &level[r->machine * p->nbodies + r->body];

			/* States are reached in time order, and only
			 * upwards: no default rule goes back. */
			assert_true(last == KVPT_TIME_NONE || r->at >= last);
			last = r->at;
			assert_true(r->state > *lv);
			*lv = r->state;
			if (r->machine == defense && r->body == district &&
			    r->state == wartime)
				war = 1;
		}
		for (i = 0; i < p->nexpectations; i++)
			assert_int_equal(run.missed[i],
					 run.status[i] == KVPT_EXPECT_MISSED ||
					 run.status[i] == KVPT_EXPECT_LATE);
		at_war += war;
		kvpt_sim_run_release(&run);
	}
	free(level);
	if (at_war < 15)
		print_error("the district reached wartime in %d of 20 runs\n",
			    at_war);
	assert_true(at_war >= 15);
}

static void count_progress(void *user, int done, int total)
{
	int *last = user;

	assert_true(done >= *last);
	assert_true(done <= total);
	*last = done;
}

static void test_study(void **state)
{
	const struct kvpt_plan *p = *state;
	struct kvpt_sim_study one, two;
	int i, done = 0, some_missed = 0;

	assert_int_equal(kvpt_sim_study(p, 1, 30, 1, NULL, NULL, &one), 0);
	assert_int_equal(kvpt_sim_study(p, 1, 30, 2, count_progress, &done,
					&two), 0);
	assert_int_equal(done, 30);
	assert_int_equal(one.runs, 30);
	assert_int_equal(two.runs, 30);
	/* The number of threads changes nothing. */
	assert_memory_equal(one.phase_p50, two.phase_p50,
			    sizeof(kvpt_time) * (size_t)p->nphases);
	assert_memory_equal(one.phase_p90, two.phase_p90,
			    sizeof(kvpt_time) * (size_t)p->nphases);
	assert_memory_equal(one.phase_over, two.phase_over,
			    sizeof(double) * (size_t)p->nphases);
	assert_memory_equal(one.p_missed, two.p_missed,
			    sizeof(double) * (size_t)p->nexpectations);
	assert_true(one.mean_refused == two.mean_refused);
	for (i = 0; i < p->nphases; i++) {
		assert_true(one.phase_p50[i] <= one.phase_p90[i]);
		assert_true(one.phase_p50[i] >= p->phases[i].start);
		assert_true(one.phase_over[i] >= 0 && one.phase_over[i] <= 1);
	}
	for (i = 0; i < p->nexpectations; i++) {
		assert_true(one.p_missed[i] >= 0 && one.p_missed[i] <= 1);
		some_missed |= one.p_missed[i] > 0;
	}
	/* Players are sometimes slow, wrong or silent. */
	assert_true(some_missed);
	assert_true(one.mean_refused >= 0);
	kvpt_sim_study_release(&one);
	kvpt_sim_study_release(&two);

	/* Another first seed, another study. */
	assert_int_equal(kvpt_sim_study(p, 1000, 30, 2, NULL, NULL, &two), 0);
	assert_int_equal(kvpt_sim_study(p, 1, 30, 0, NULL, NULL, &one), 0);
	assert_true(memcmp(one.p_missed, two.p_missed,
			   sizeof(double) * (size_t)p->nexpectations) ||
		    memcmp(one.phase_p90, two.phase_p90,
			   sizeof(kvpt_time) * (size_t)p->nphases));
	kvpt_sim_study_release(&one);
	kvpt_sim_study_release(&two);
	assert_int_equal(kvpt_sim_study(p, 1, 0, 1, NULL, NULL, &one),
			 KVPT_EINVAL);
}

/* Silent players. */

static int expectation(const struct kvpt_plan *p, const char *id)
{
	int x = kvpt_strmap_get(&p->expectation_ids, id);

	assert_true(x >= 0);
	return x;
}

static void test_silent_players(void **state)
{
	static const char *const with_deadline[] = {
		"th1-ack", "th1-bc", "th2-qd", "th2-ml", "th3-ack",
	};
	const struct kvpt_plan *p = *state;
	struct kvpt_sim_study st;
	struct kvpt_sim_run run;
	size_t i;
	int open = expectation(p, "th1-open");

	assert_true(p->sim.p_silent == 1.0);
	assert_int_equal(kvpt_sim_run(p, 3, &run, NULL), 0);
	for (i = 0; i < sizeof(with_deadline) / sizeof(with_deadline[0]); i++)
		assert_int_equal(run.status[expectation(p, with_deadline[i])],
				 KVPT_EXPECT_MISSED);
	/* Without a deadline it stays open: nobody answered, nothing is
	 * late. */
	assert_int_equal(run.status[open], KVPT_EXPECT_OPEN);
	assert_int_equal(run.missed[open], 0);
	kvpt_sim_run_release(&run);

	assert_int_equal(kvpt_sim_study(p, 1, 20, 2, NULL, NULL, &st), 0);
	for (i = 0; i < sizeof(with_deadline) / sizeof(with_deadline[0]); i++) {
		double pm = st.p_missed[expectation(p, with_deadline[i])];

		if (pm != 1.0)
			print_error("%s: p_missed %f\n", with_deadline[i], pm);
		assert_true(pm == 1.0);
	}
	assert_true(st.p_missed[open] == 0.0);
	/* The phase's work ends with the last deadline missed (th3-ack at
	 * 10:10), well inside its window. */
	assert_true(st.phase_p90[0] >= 10 * KVPT_MS_HOUR + 10 * KVPT_MS_MIN);
	assert_true(st.phase_over[0] == 0.0);
	kvpt_sim_study_release(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rng_reference),
		cmocka_unit_test(test_rng_determinism),
		cmocka_unit_test(test_rng_unit),
		cmocka_unit_test(test_rng_normal),
		cmocka_unit_test(test_rng_response),
		cmocka_unit_test_setup_teardown(test_run_deterministic,
						setup_sample, teardown),
		cmocka_unit_test_setup_teardown(test_run_outcomes,
						setup_sample, teardown),
		cmocka_unit_test_setup_teardown(test_study, setup_sample,
						teardown),
		cmocka_unit_test_setup_teardown(test_silent_players,
						setup_silent, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
