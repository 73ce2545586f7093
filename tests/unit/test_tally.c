/*
 * test_tally.c - in-memory counters (common/tally.c): hand-worked sums,
 * transaction marks, value widening, population snapshots, and a random
 * workload checked against a plain array of every day.
 */
#include <stdlib.h>

#include "check.h"
#include "date.h"
#include "tally.h"

static int32_t
D(int y, int m, int d)
{
	return date_from_ymd(y, m, d);
}

static void
one(int64_t v[TALLY_K], int k, int64_t x)
{
	memset(v, 0, sizeof(int64_t) * TALLY_K);
	v[k] = x;
}

static int64_t
sum1(int u, int32_t a, int32_t b, int k)
{
	int64_t out[TALLY_K];

	tally_sum(u, a, b, out);
	return out[k];
}

static void
test_hand(void)
{
	int64_t v[TALLY_K];

	check_current = "hand";
	tally_reset();
	one(v, 0, 1);
	tally_add(0, D(2024, 1, 1), v);
	tally_add(0, D(2024, 2, 29), v);
	tally_add(0, D(2024, 2, 29), v);
	tally_add(0, D(2024, 12, 31), v);
	one(v, 3, 7);
	tally_add(0, D(2025, 1, 1), v);
	one(v, 0, 5);
	tally_add(2, D(2024, 6, 15), v);
	tally_commit();

	CHECK_INT(sum1(0, D(2024, 1, 1), D(2024, 12, 31), 0), 4);
	CHECK_INT(sum1(0, D(2024, 2, 1), D(2024, 2, 29), 0), 2);
	CHECK_INT(sum1(0, D(2024, 2, 1), D(2024, 2, 28), 0), 0);
	CHECK_INT(sum1(0, D(2024, 2, 29), D(2024, 2, 29), 0), 2);
	CHECK_INT(sum1(0, D(2024, 3, 1), D(2024, 12, 30), 0), 0);
	CHECK_INT(sum1(0, D(2024, 12, 31), D(2025, 1, 1), 0), 1);
	CHECK_INT(sum1(0, D(2024, 12, 31), D(2025, 1, 1), 3), 7);
	CHECK_INT(sum1(0, D(2023, 1, 1), D(2030, 1, 1), 0), 4);
	CHECK_INT(sum1(0, D(2025, 1, 2), D(2030, 1, 1), 3), 0);
	/* An empty or inverted range, a unit without data, a unit never seen.
	 */
	CHECK_INT(sum1(0, D(2024, 3, 1), D(2024, 2, 1), 0), 0);
	CHECK_INT(sum1(1, D(2024, 1, 1), D(2024, 12, 31), 0), 0);
	CHECK_INT(sum1(999, D(2024, 1, 1), D(2024, 12, 31), 0), 0);
	CHECK_INT(sum1(-1, D(2024, 1, 1), D(2024, 12, 31), 0), 0);
	/* Units are separate. */
	CHECK_INT(sum1(2, D(2024, 6, 1), D(2024, 6, 30), 0), 5);
	CHECK_INT(sum1(2, D(2024, 6, 16), D(2024, 6, 30), 0), 0);
	CHECK_INT(sum1(2, D(2024, 6, 1), D(2024, 6, 14), 0), 0);
	/* Each counter on its own. */
	CHECK_INT(sum1(0, D(2024, 1, 1), D(2025, 12, 31), 1), 0);
	tally_reset();
}

static void
test_pending(void)
{
	int64_t v[TALLY_K];
	size_t m1, m2;
	int32_t d = D(2026, 11, 5);

	check_current = "pending";
	tally_reset();
	one(v, 0, 1);
	tally_add(0, d, v);
	CHECK_INT(sum1(0, d, d, 0), 0); /* not committed: not seen */
	tally_commit();
	CHECK_INT(sum1(0, d, d, 0), 1);
	m1 = tally_mark();
	tally_add(0, d, v);
	m2 = tally_mark();
	tally_add(0, d, v);
	tally_add(0, d, v);
	tally_pop(0, d, 100, 1);
	tally_rollback_to(m2); /* the last two and the snapshot */
	tally_commit();
	CHECK_INT(sum1(0, d, d, 0), 2);
	CHECK(!tally_has_pop(0));
	tally_add(0, d, v);
	tally_rollback_to(m1 + 100); /* a mark past the end: no-op */
	tally_abort();
	CHECK_INT(sum1(0, d, d, 0), 2);
	tally_add(0, d, v);
	tally_rollback_to(0);
	tally_commit();
	CHECK_INT(sum1(0, d, d, 0), 2);
	tally_reset();
}

static void
test_widen(void)
{
	int64_t v[TALLY_K];
	int32_t d = D(2026, 3, 17);

	check_current = "widen";
	tally_reset();
	one(v, 5, 100);
	tally_add(0, d, v);
	tally_add(0, d - 1, v);
	tally_commit();
	one(v, 5, 100); /* 200: past int8 */
	tally_add(0, d, v);
	tally_commit();
	CHECK_INT(sum1(0, d, d, 5), 200);
	CHECK_INT(sum1(0, d - 1, d - 1, 5), 100);
	one(v, 5, 40000); /* past int16 */
	tally_add(0, d, v);
	tally_commit();
	CHECK_INT(sum1(0, d, d, 5), 40200);
	one(v, 5, 5000000000LL); /* past int32 */
	tally_add(0, d, v);
	tally_commit();
	CHECK_INT(sum1(0, d, d, 5), 5000040200LL);
	CHECK_INT(sum1(0, D(2026, 3, 1), D(2026, 3, 31), 5), 5000040300LL);
	CHECK_INT(sum1(0, d - 1, d - 1, 5), 100);
	one(v, 5, -5000040300LL); /* and back below zero */
	tally_add(0, d, v);
	tally_commit();
	CHECK_INT(sum1(0, d, d, 5), -100);
	CHECK_INT(sum1(0, D(2026, 1, 1), D(2026, 12, 31), 5), 0);
	CHECK(tally_bytes() > 0);
	tally_reset();
	CHECK_INT(tally_bytes(), 0);
}

static void
test_pop(void)
{
	int32_t day;
	int64_t persons;

	check_current = "population";
	tally_reset();
	CHECK(!tally_has_pop(0));
	CHECK_INT(tally_pop_near(0, D(2026, 1, 1), 1, &day, &persons), 0);
	tally_pop(0, D(2025, 12, 31), 1000, 1);
	tally_pop(0, D(2026, 6, 30), 1200, 1);
	tally_pop(0, D(2026, 6, 30), 1200, 1); /* a second record agrees */
	tally_commit();
	CHECK(tally_has_pop(0));
	CHECK(!tally_has_pop(1));
	CHECK_INT(tally_pop_near(0, D(2025, 12, 30), 1, &day, &persons), 0);
	CHECK_INT(tally_pop_near(0, D(2025, 12, 30), 0, &day, &persons), 1);
	CHECK_INT(day, D(2025, 12, 31));
	CHECK_INT(persons, 1000);
	CHECK_INT(tally_pop_near(0, D(2025, 12, 31), 1, &day, &persons), 1);
	CHECK_INT(day, D(2025, 12, 31));
	CHECK_INT(tally_pop_near(0, D(2025, 12, 31), 0, &day, &persons), 1);
	CHECK_INT(day, D(2026, 6, 30));
	CHECK_INT(persons, 1200);
	CHECK_INT(tally_pop_near(0, D(2026, 6, 29), 1, &day, &persons), 1);
	CHECK_INT(persons, 1000);
	CHECK_INT(tally_pop_near(0, D(2030, 1, 1), 1, &day, &persons), 1);
	CHECK_INT(persons, 1200);
	CHECK_INT(tally_pop_near(0, D(2026, 6, 30), 0, &day, &persons), 0);
	/* One of the two agreeing records goes: the figure stays. */
	tally_pop(0, D(2026, 6, 30), 1200, -1);
	tally_commit();
	CHECK_INT(tally_pop_near(0, D(2030, 1, 1), 1, &day, &persons), 1);
	CHECK_INT(day, D(2026, 6, 30));
	tally_pop(0, D(2026, 6, 30), 1200, -1);
	tally_pop(0, D(2026, 6, 30), 999, -1); /* never there: ignored */
	tally_commit();
	CHECK_INT(tally_pop_near(0, D(2030, 1, 1), 1, &day, &persons), 1);
	CHECK_INT(day, D(2025, 12, 31));
	tally_pop(0, D(2025, 12, 31), 1000, -1);
	tally_commit();
	CHECK(!tally_has_pop(0));
	tally_reset();
}

/* A random workload against a plain array of every day of four years. */
#define RU 3
#define RDAYS 1461 /* 2023-01-01 .. 2026-12-31 */
static int64_t model[RU][RDAYS][TALLY_K];
static int64_t shadow[RU][RDAYS][TALLY_K];

static void
test_random(void)
{
	int32_t base = D(2023, 1, 1);
	int round, op, bad = 0, checks = 0;

	check_current = "random";
	tally_reset();
	memset(model, 0, sizeof model);
	memcpy(shadow, model, sizeof model);
	for (round = 0; round < 400; round++) {
		size_t mark = 0;
		int marked = 0, nops = (int)(check_rand() % 60), u, i, k;

		for (op = 0; op < nops; op++) {
			int64_t v[TALLY_K];

			u = (int)(check_rand() % RU);
			i = (int)(check_rand() % RDAYS);
			for (k = 0; k < TALLY_K; k++) {
				uint64_t r = check_rand();

				v[k] = r % 4 == 0 ? (int64_t)(r >> 8) % 7 - 2 :
				    r % 97 == 1   ? (int64_t)(r >> 8) % 100000 :
						    0;
			}
			if (!marked && check_rand() % 10 == 0) {
				/* A savepoint: the rest of this round may go.
				 */
				mark = tally_mark();
				memcpy(shadow, model, sizeof model);
				marked = 1;
			}
			tally_add(u, base + i, v);
			for (k = 0; k < TALLY_K; k++)
				model[u][i][k] += v[k];
		}
		if (marked && check_rand() % 2) {
			tally_rollback_to(mark);
			memcpy(model, shadow, sizeof model);
		}
		if (check_rand() % 5 == 0) {
			/* The whole batch is lost: back to the committed state.
			 */
			tally_abort();
			tally_reset();
			/* Reload from the model as a restart would. */
			for (u = 0; u < RU; u++)
				for (i = 0; i < RDAYS; i++)
					tally_put(u, base + i, model[u][i]);
			tally_loaded();
		}
		tally_commit();
		for (op = 0; op < 40; op++) {
			int64_t out[TALLY_K], want[TALLY_K] = { 0 };
			int a, b;

			u = (int)(check_rand() % RU);
			a = (int)(check_rand() % RDAYS);
			b = check_rand() % 3 == 0 ?
			    a + (int)(check_rand() % 12) :
			    (int)(check_rand() % RDAYS);
			if (b >= RDAYS)
				b = RDAYS - 1;
			for (i = a; i <= b; i++)
				for (k = 0; k < TALLY_K; k++)
					want[k] += model[u][i][k];
			tally_sum(u, base + a, base + b, out);
			checks++;
			if (memcmp(out, want, sizeof out) != 0)
				bad++;
		}
	}
	CHECK_INT(bad, 0);
	CHECK(checks == 400 * 40);
	tally_reset();
}

/* tally_pending_sums(): one call per (unit, day), sums right, in order. */
struct seen {
	int n, u[16];
	int32_t day[16];
	int64_t first[16];
	int ordered;
};

static int
collect(int u, int32_t day, const int64_t sum[TALLY_K], void *arg)
{
	struct seen *x = arg;

	if (x->n > 0 &&
	    (u < x->u[x->n - 1] ||
		(u == x->u[x->n - 1] && day <= x->day[x->n - 1])))
		x->ordered = 0;
	if (x->n < 16) {
		x->u[x->n] = u;
		x->day[x->n] = day;
		x->first[x->n] = sum[0] * 1000 + sum[5];
	}
	x->n++;
	return u == 99 ? 7 : 0;
}

static void
test_pending_sums(void)
{
	int64_t v[TALLY_K];
	struct seen x;
	size_t m;

	check_current = "pending_sums";
	tally_reset();
	one(v, 0, 1);
	tally_add(3, D(2026, 1, 2), v); /* before the mark */
	m = tally_mark();
	tally_add(2, D(2026, 1, 2), v);
	tally_add(1, D(2026, 1, 5), v);
	tally_pop(1, D(2026, 1, 5), 500, 1); /* not a counter */
	one(v, 5, 2);
	tally_add(1, D(2026, 1, 5), v);
	one(v, 0, 1);
	tally_add(1, D(2026, 1, 3), v);
	tally_add(2, D(2026, 1, 2), v);
	memset(&x, 0, sizeof x);
	x.ordered = 1;
	CHECK_INT(tally_pending_sums(m, collect, &x), 0);
	CHECK_INT(x.n, 3);
	CHECK(x.ordered);
	CHECK(x.u[0] == 1 && x.day[0] == D(2026, 1, 3) && x.first[0] == 1000);
	CHECK(x.u[1] == 1 && x.day[1] == D(2026, 1, 5) && x.first[1] == 1002);
	CHECK(x.u[2] == 2 && x.day[2] == D(2026, 1, 2) && x.first[2] == 2000);
	/* Past the end: nothing; a callback's error stops the walk. */
	memset(&x, 0, sizeof x);
	CHECK_INT(tally_pending_sums(tally_mark(), collect, &x), 0);
	CHECK_INT(x.n, 0);
	tally_add(99, D(2026, 1, 1), v);
	tally_add(100, D(2026, 1, 1), v);
	memset(&x, 0, sizeof x);
	CHECK_INT(tally_pending_sums(0, collect, &x), 7);
	CHECK_INT(x.n, 5); /* 1 (two days), 2, 3, then 99 stops the walk */
	tally_abort();
	tally_reset();
}

int
main(void)
{
	test_hand();
	test_pending();
	test_widen();
	test_pop();
	test_pending_sums();
	test_random();
	return check_summary("test_tally");
}
