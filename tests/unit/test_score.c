/*
 * test_score.c - judging targets, scoring and ranking (common/score.c).
 *
 * Expected numbers are worked out by hand from doc/indicators.md §6-§7.
 */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "score.h"

/* One target of a unit, before score_unit() judges it. */
static target_eval
target(target_op op, double t, int veto, double weight, int has_value,
    double judged)
{
	target_eval e;

	memset(&e, 0, sizeof e);
	e.has_target = 1;
	e.op = op;
	e.target = t;
	e.veto = veto;
	e.weight = weight;
	e.has_value = has_value;
	e.judged = score_round2(judged);
	e.result = RESULT_NONE;
	e.score = -1;
	return e;
}

/*
 * The four default targets of doc/indicators.md §6, all met:
 * birth rate 10.20 <= 11.5, natural growth 4.00 <= 5.5, birth error
 * 2.50 <= 3, policy rate 97.00 >= 95; all veto, weight 25.
 */
static void
default_targets(target_eval t[4])
{
	t[0] = target(OP_LE, 11.5, 1, 25, 1, 10.2);
	t[1] = target(OP_LE, 5.5, 1, 25, 1, 4.0);
	t[2] = target(OP_LE, 3, 1, 25, 1, 2.5);
	t[3] = target(OP_GE, 95, 1, 25, 1, 97.0);
}

static void
test_round2(void)
{
	char buf[64];

	CHECK_DBL(score_round2(11.5), 11.5, 0);
	CHECK_DBL(score_round2(11.504999), 11.5, 0);
	CHECK_DBL(score_round2(11.5051), 11.51, 0);
	CHECK_DBL(score_round2(10.499999999), 10.5, 0);
	/* 11.505 is stored as 11.50500000000000078...: printf shows 11.51. */
	snprintf(buf, sizeof buf, "%.2f", 11.505);
	CHECK_STR(buf, "11.51");
	CHECK_DBL(score_round2(11.505), strtod(buf, NULL), 0);
	CHECK_DBL(score_round2(11.505), 11.51, 0);
	/* 2.675 and 1.005 are stored below their halves: rounded down. */
	CHECK_DBL(score_round2(2.675), 2.67, 0);
	CHECK_DBL(score_round2(1.005), 1.0, 0);
	CHECK_DBL(score_round2(-1.234), -1.23, 0);
	CHECK_DBL(score_round2(-0.006), -0.01, 0);
	/* -0.00 becomes 0. */
	CHECK_DBL(score_round2(-0.001), 0, 0);
	CHECK(!signbit(score_round2(-0.001)));
	CHECK(!signbit(score_round2(-0.0)));
	CHECK_DBL(score_round2(123456789.126), 123456789.13, 1e-6);
	CHECK_DBL(score_round2(1e300), 1e300, 0);
	/* Idempotent: rounding what is displayed changes nothing. */
	CHECK(score_round2(score_round2(2.675)) == score_round2(2.675));
	CHECK(score_round2(score_round2(0.1 + 0.2)) == score_round2(0.3));
	CHECK(isinf(score_round2(INFINITY)));
	CHECK(isnan(score_round2(NAN)));
}

/* A bit-for-bit comparison of score_round2() with the printf reference. */
static int
same(double v)
{
	double a = score_round2(v), b = score_round2_reference(v);

	if (memcmp(&a, &b, sizeof a) == 0)
		return 1;
	fprintf(stderr, "score_round2(%.17g) = %.17g, printf gives %.17g\n", v,
	    a, b);
	return 0;
}

/*
 * score_round2() does not format; it must still agree exactly with "%.2f":
 * on every tie and its neighbours, on random values of every magnitude,
 * on random bit patterns, and on ratios such as the indicators produce.
 */
static void
test_round2_exact(void)
{
	long k, bad = 0, n = 0;
	int e;

	/* Ties k/200 and the doubles either side, up to 10^6 and negative. */
	for (k = -200000; k <= 200000; k++) {
		double t = (double)k / 200.0;

		bad += !same(t) + !same(nextafter(t, INFINITY)) +
		    !same(nextafter(t, -INFINITY));
		n += 3;
	}
	for (k = 0; k < 60000; k++) {
		double t = (double)(check_rand() % 2000000000000ULL) / 200.0;

		bad += !same(t) + !same(nextafter(t, INFINITY)) +
		    !same(nextafter(t, -INFINITY)) + !same(-t);
		n += 4;
	}
	/* Random magnitudes from 1e-6 to past the fast path's limit. */
	for (e = -6; e <= 15; e++)
		for (k = 0; k < 10000; k++) {
			double v = (double)(check_rand() >> 11) /
			    9007199254740992.0 * pow(10, e);

			bad += !same(v) + !same(-v);
			n += 2;
		}
	/* Any finite bit pattern. */
	for (k = 0; k < 100000; k++) {
		uint64_t b = check_rand();
		double v;

		memcpy(&v, &b, sizeof v);
		if (!isfinite(v))
			continue;
		bad += !same(v);
		n++;
	}
	/* Rates as the engine computes them. */
	for (k = 0; k < 100000; k++) {
		double num = (double)(check_rand() % 5000),
		       den = (double)(check_rand() % 900000 + 1);

		bad += !same(num / den * 1000) + !same(num / den * 100) +
		    !same(num / den * 1000 * 365 / (check_rand() % 366 + 1));
		n += 3;
	}
	CHECK_INT(bad, 0);
	CHECK(n > 1000000);
	CHECK(!signbit(score_round2(-0.004)));
	CHECK_DBL(score_round2(0.125), 0.12, 0); /* an exact tie: to even */
	CHECK_DBL(score_round2(0.375), 0.38, 0);
	CHECK_DBL(score_round2(-0.125), -0.12, 0);
}

static void
test_ops(void)
{
	target_op op = OP_GT;

	CHECK_INT(score_op_parse("<=", &op), 0);
	CHECK_INT(op, OP_LE);
	CHECK_INT(score_op_parse(">=", &op), 0);
	CHECK_INT(op, OP_GE);
	CHECK_INT(score_op_parse("<", &op), 0);
	CHECK_INT(op, OP_LT);
	CHECK_INT(score_op_parse(">", &op), 0);
	CHECK_INT(op, OP_GT);
	CHECK_INT(score_op_parse("=<", &op), -1);
	CHECK_INT(score_op_parse("=", &op), -1);
	CHECK_INT(score_op_parse("", &op), -1);
	CHECK_INT(score_op_parse("<= ", &op), -1);
	CHECK_INT(score_op_parse(NULL, &op), -1);
	CHECK_INT(op, OP_GT);
	CHECK_STR(score_op_str(OP_LE), "<=");
	CHECK_STR(score_op_str(OP_GE), ">=");
	CHECK_STR(score_op_str(OP_LT), "<");
	CHECK_STR(score_op_str(OP_GT), ">");
}

static void
test_target_met(void)
{
	/* "<= 11.5 passes at 11.50 and fails at 11.51." */
	CHECK(score_target_met(OP_LE, 11.5, score_round2(11.50)));
	CHECK(!score_target_met(OP_LE, 11.5, score_round2(11.51)));
	CHECK(score_target_met(OP_LE, 11.5, score_round2(11.504999)));
	CHECK(!score_target_met(OP_LE, 11.5,
	    score_round2(11.505))); /* shown 11.51 */
	CHECK(!score_target_met(OP_LE, 11.5, score_round2(11.5051)));
	/* Judged on the displayed value even when handed an unrounded one. */
	CHECK(score_target_met(OP_LE, 11.5, 11.504999));

	CHECK(score_target_met(OP_GE, 95, 95.00));
	CHECK(score_target_met(OP_GE, 95, score_round2(94.995)));
	CHECK(!score_target_met(OP_GE, 95, 94.99));
	CHECK(score_target_met(OP_GE, 95, 100));

	CHECK(!score_target_met(OP_LT, 5, 5.00));
	CHECK(score_target_met(OP_LT, 5, 4.99));
	CHECK(!score_target_met(OP_GT, 5, 5.00));
	CHECK(score_target_met(OP_GT, 5, 5.01));
	CHECK(score_target_met(OP_LE, 0, -0.001));
	CHECK(!score_target_met(OP_LE, 3, NAN));
	CHECK(!score_target_met(OP_GE, 3, NAN));
}

static void
test_target_score(void)
{
	CHECK_DBL(score_target(OP_LE, 11.5, 11.5), 1, 0);
	CHECK_DBL(score_target(OP_GE, 95, 97), 1, 0);
	/* >= 95 missed at 94.99: 1 - 0.01 / 95. */
	CHECK_DBL(score_target(OP_GE, 95, 94.99), 1 - 0.01 / 95, 1e-12);
	/* <= 10 missed at 15: 1 - 5 / 10. */
	CHECK_DBL(score_target(OP_LE, 10, 15), 0.5, 1e-12);
	/* <= 11.5 missed at 11.51: 1 - 0.01 / 11.5. */
	CHECK_DBL(score_target(OP_LE, 11.5, 11.51), 1 - 0.01 / 11.5, 1e-12);
	/* Far off: never below 0. */
	CHECK_DBL(score_target(OP_LE, 11.5, 30), 0, 0);
	CHECK_DBL(score_target(OP_GE, 95, 0), 0, 0);
	/* T = 0 missed scores 0. */
	CHECK_DBL(score_target(OP_LE, 0, 0.01), 0, 0);
	CHECK_DBL(score_target(OP_GT, 0, 0), 0, 0);
	CHECK_DBL(score_target(OP_LE, 0, 0), 1, 0);
	/* Negative target: |T| in the denominator. */
	CHECK_DBL(score_target(OP_GE, -2, -3), 0.5, 1e-12);
	/* A strict target missed at T itself: |v - T| = 0. */
	CHECK_DBL(score_target(OP_LT, 5, 5), 1, 0);
	CHECK(!score_target_met(OP_LT, 5, 5));
	/* The distance is taken on the displayed value. */
	CHECK_DBL(score_target(OP_LE, 10, 12.004), 0.8, 1e-12);
}

static void
test_unit_all_met(void)
{
	target_eval t[4];
	unit_status st = STATUS_VETO;
	double score = -1;
	size_t i;

	default_targets(t);
	CHECK_INT(score_unit(t, 4, &st, &score), 1);
	CHECK_INT(st, STATUS_MET);
	CHECK_DBL(score, 100, 1e-12);
	for (i = 0; i < 4; i++) {
		CHECK_INT(t[i].result, RESULT_MET);
		CHECK_DBL(t[i].score, 1, 0);
	}
}

static void
test_unit_veto(void)
{
	target_eval t[4];
	unit_status st = STATUS_MET;
	double score = -1;

	/* Policy rate 94.99 misses ">= 95, veto". */
	default_targets(t);
	t[3].judged = 94.99;
	CHECK_INT(score_unit(t, 4, &st, &score), 1);
	CHECK_INT(st, STATUS_VETO);
	CHECK_INT(t[3].result, RESULT_MISSED);
	CHECK_DBL(t[3].score, 1 - 0.01 / 95, 1e-12);
	/* 100 * (75 + 25 * (1 - 0.01 / 95)) / 100 */
	CHECK_DBL(score, 75 + 25 * (1 - 0.01 / 95), 1e-9);

	/* Birth rate 11.51: a veto even though the score stays high. */
	default_targets(t);
	t[0].judged = score_round2(11.51);
	score_unit(t, 4, &st, &score);
	CHECK_INT(st, STATUS_VETO);
	CHECK(score > 99.9);

	/* A veto beats not assessed. */
	default_targets(t);
	t[0].judged = 12;
	t[1].has_value = 0;
	CHECK_INT(score_unit(t, 4, &st, &score), 1);
	CHECK_INT(st, STATUS_VETO);
	CHECK_INT(t[1].result, RESULT_NOT_ASSESSED);
}

static void
test_unit_incomplete(void)
{
	target_eval t[4];
	unit_status st = STATUS_MET;
	double score = -1;

	/* No population: birth and growth rates have no value. */
	default_targets(t);
	t[0].has_value = 0;
	t[0].judged = 99; /* ignored: no value means never a veto */
	t[1].has_value = 0;
	CHECK_INT(score_unit(t, 4, &st, &score), 1);
	CHECK_INT(st, STATUS_INCOMPLETE);
	CHECK_INT(t[0].result, RESULT_NOT_ASSESSED);
	CHECK_INT(t[1].result, RESULT_NOT_ASSESSED);
	CHECK_DBL(t[0].score, 0, 0);
	CHECK_DBL(score, 100, 1e-12);

	/* Not assessed beats a non-veto miss. */
	default_targets(t);
	t[2].veto = 0;
	t[2].judged = 6; /* <= 3 missed, s = 0 */
	t[3].has_value = 0;
	CHECK_INT(score_unit(t, 4, &st, &score), 1);
	CHECK_INT(st, STATUS_INCOMPLETE);
	/* Over the three assessed: 100 * (25 + 25 + 0) / 75. */
	CHECK_DBL(score, 100.0 * 50 / 75, 1e-9);

	/* Nothing assessed: no score at all. */
	default_targets(t);
	t[0].has_value = t[1].has_value = t[2].has_value = 0;
	t[3].has_value = 0;
	CHECK_INT(score_unit(t, 4, &st, &score), 0);
	CHECK_INT(st, STATUS_INCOMPLETE);
	CHECK_INT(t[3].result, RESULT_NOT_ASSESSED);

	/* A non-finite judged value counts as no value. */
	default_targets(t);
	t[0].judged = NAN;
	score_unit(t, 4, &st, &score);
	CHECK_INT(t[0].result, RESULT_NOT_ASSESSED);
	CHECK_INT(st, STATUS_INCOMPLETE);
}

static void
test_unit_missed(void)
{
	target_eval t[4];
	unit_status st = STATUS_MET;
	double score = -1;

	/* Weights 25 each, one non-veto target missed at s = 0.5. */
	default_targets(t);
	t[1] = target(OP_LE, 10, 0, 25, 1, 15);
	CHECK_INT(score_unit(t, 4, &st, &score), 1);
	CHECK_INT(st, STATUS_MISSED);
	CHECK_INT(t[1].result, RESULT_MISSED);
	CHECK_DBL(t[1].score, 0.5, 1e-12);
	CHECK_DBL(score, 87.5, 1e-9);

	/* Unequal weights: 100 * (30 * 1 + 10 * 0.2) / 40 = 80. */
	t[0] = target(OP_GE, 95, 0, 30, 1, 96);
	t[1] = target(OP_LE, 10, 0, 10, 1, 18);
	CHECK_INT(score_unit(t, 2, &st, &score), 1);
	CHECK_INT(st, STATUS_MISSED);
	CHECK_DBL(t[1].score, 0.2, 1e-12);
	CHECK_DBL(score, 80, 1e-9);
}

static void
test_unit_edges(void)
{
	target_eval t[3];
	unit_status st = STATUS_VETO;
	double score = -1;

	/* Indicators without targets count for nothing. */
	memset(t, 0, sizeof t);
	t[0].has_value = 1;
	t[0].judged = 5;
	t[0].weight = 25;
	t[0].veto = 1;
	t[1] = target(OP_LE, 10, 0, 25, 1, 15);
	CHECK_INT(score_unit(t, 2, &st, &score), 1);
	CHECK_INT(t[0].result, RESULT_NONE);
	CHECK(score_result_str(t[0].result) == NULL);
	CHECK_INT(st, STATUS_MISSED);
	CHECK_DBL(score, 50, 1e-9);

	/* No targets at all: met, but no score. */
	st = STATUS_VETO;
	CHECK_INT(score_unit(t, 1, &st, &score), 0);
	CHECK_INT(st, STATUS_MET);
	CHECK_INT(score_unit(NULL, 0, &st, &score), 0);
	CHECK_INT(st, STATUS_MET);
	CHECK_DBL(score, 0, 0);

	/* Assessed weights summing to 0: no score; status still judged. */
	t[0] = target(OP_LE, 10, 1, 0, 1, 15);
	t[1] = target(OP_LE, 10, 0, 0, 1, 5);
	t[2] = target(OP_LE, 10, 0, 50, 0, 5);
	CHECK_INT(score_unit(t, 3, &st, &score), 0);
	CHECK_INT(st, STATUS_VETO);

	/* status and score may be NULL. */
	t[0] = target(OP_LE, 10, 0, 25, 1, 5);
	CHECK_INT(score_unit(t, 1, NULL, NULL), 1);
	CHECK_INT(t[0].result, RESULT_MET);
}

static void
test_strings(void)
{
	CHECK_STR(score_status_str(STATUS_MET), "met");
	CHECK_STR(score_status_str(STATUS_MISSED), "missed");
	CHECK_STR(score_status_str(STATUS_INCOMPLETE), "incomplete");
	CHECK_STR(score_status_str(STATUS_VETO), "veto");
	CHECK_STR(score_result_str(RESULT_MET), "met");
	CHECK_STR(score_result_str(RESULT_MISSED), "missed");
	CHECK_STR(score_result_str(RESULT_NOT_ASSESSED), "not_assessed");
	CHECK(score_result_str(RESULT_NONE) == NULL);
}

static rank_item
unit(const char *key, unit_status status, int has_score, double score)
{
	rank_item r;

	r.key = key;
	r.status = status;
	r.has_score = has_score;
	r.score = score;
	r.rank = -1;
	return r;
}

static void
test_rank_units(void)
{
	rank_item u[10];
	static const char *const order[10] = { "101", "102", "103", "109",
		"106", "110", "104", "108", "105", "107" };
	static const int ranks[10] = { 1, 2, 2, 4, 5, 6, 7, 7, 0, 0 };
	size_t i;

	/* Given in no particular order. */
	u[0] = unit("104", STATUS_VETO, 1, 99);      /* vetoed: tier 3 */
	u[1] = unit("103", STATUS_MET, 1, 88.001);   /* 88.00 */
	u[2] = unit("105", STATUS_INCOMPLETE, 0, 0); /* no score: no rank */
	u[3] = unit("101", STATUS_MET, 1, 92.5);
	u[4] = unit("107", STATUS_MET, 0, 0);          /* no target: no rank */
	u[5] = unit("106", STATUS_INCOMPLETE, 1, 100); /* below complete */
	u[6] = unit("102", STATUS_MISSED, 1, 88.004);  /* 88.00: ties 103 */
	u[7] = unit("108", STATUS_VETO, 1, 99.0);      /* ties with 104 */
	u[8] = unit("109", STATUS_MISSED, 1, 10);      /* complete: tier 1 */
	u[9] = unit("110", STATUS_INCOMPLETE, 1, 5);   /* above the vetoed */
	score_rank_units(u, 10);
	for (i = 0; i < 10; i++) {
		CHECK_STR(u[i].key, order[i]);
		CHECK_INT(u[i].rank, ranks[i]);
	}
	/* Scores come back rounded. */
	CHECK_DBL(u[1].score, 88, 0);
	CHECK_DBL(u[2].score, 88, 0);
	CHECK_INT(score_rank_tier(STATUS_MET, 1), 0);
	CHECK_INT(score_rank_tier(STATUS_MISSED, 1), 0);
	CHECK_INT(score_rank_tier(STATUS_INCOMPLETE, 1), 1);
	CHECK_INT(score_rank_tier(STATUS_VETO, 1), 2);
	CHECK_INT(score_rank_tier(STATUS_VETO, 0), 3);

	/* The same score in two tiers does not tie. */
	u[0] = unit("a", STATUS_INCOMPLETE, 1, 80);
	u[1] = unit("b", STATUS_MET, 1, 80);
	score_rank_units(u, 2);
	CHECK_STR(u[0].key, "b");
	CHECK_INT(u[0].rank, 1);
	CHECK_INT(u[1].rank, 2);

	/* The plain 1, 2, 2, 4. */
	u[0] = unit("d", STATUS_MET, 1, 70);
	u[1] = unit("c", STATUS_MET, 1, 80);
	u[2] = unit("b", STATUS_MET, 1, 80);
	u[3] = unit("a", STATUS_MET, 1, 90);
	score_rank_units(u, 4);
	CHECK_STR(u[0].key, "a");
	CHECK_STR(u[1].key, "b");
	CHECK_STR(u[2].key, "c");
	CHECK_STR(u[3].key, "d");
	CHECK_INT(u[0].rank, 1);
	CHECK_INT(u[1].rank, 2);
	CHECK_INT(u[2].rank, 2);
	CHECK_INT(u[3].rank, 4);

	/* Scores a hair apart that display differently do not tie. */
	u[0] = unit("a", STATUS_MET, 1, 85.004);
	u[1] = unit("b", STATUS_MET, 1, 85.006);
	score_rank_units(u, 2);
	CHECK_STR(u[0].key, "b");
	CHECK_INT(u[0].rank, 1);
	CHECK_INT(u[1].rank, 2);

	/* None with a score: none ranked, by key. */
	u[0] = unit("b", STATUS_INCOMPLETE, 0, 0);
	u[1] = unit("a", STATUS_INCOMPLETE, 0, 5);
	score_rank_units(u, 2);
	CHECK_STR(u[0].key, "a");
	CHECK_INT(u[0].rank, 0);
	CHECK_INT(u[1].rank, 0);

	/* A single unit, and nothing at all. */
	u[0] = unit("a", STATUS_VETO, 1, 0);
	score_rank_units(u, 1);
	CHECK_INT(u[0].rank, 1);
	score_rank_units(NULL, 0);
}

static rank_value
val(const char *key, int has_value, double value)
{
	rank_value r;

	r.key = key;
	r.has_value = has_value;
	r.value = value;
	r.rank = -1;
	return r;
}

static void
fill_values(rank_value v[6])
{
	v[0] = val("a", 1, 10.5);
	v[1] = val("f", 0, 0);
	v[2] = val("b", 1, 9.8);
	v[3] = val("c", 0, 0);
	v[4] = val("e", 1, 12);
	v[5] = val("d", 1, 10.504); /* shown as 10.50: ties with a */
}

static void
test_rank_values(void)
{
	rank_value v[6];
	static const char *const asc[6] = { "b", "a", "d", "e", "c", "f" };
	static const char *const desc[6] = { "e", "a", "d", "b", "c", "f" };
	static const int ranks[6] = { 1, 2, 2, 4, 0, 0 };
	size_t i;

	/* Lower is better (a "<=" target such as the birth rate). */
	fill_values(v);
	score_rank_values(v, 6, 1);
	for (i = 0; i < 6; i++) {
		CHECK_STR(v[i].key, asc[i]);
		CHECK_INT(v[i].rank, ranks[i]);
	}
	CHECK_DBL(v[2].value, 10.5, 0);

	/* Higher is better (">=", the policy rate). */
	fill_values(v);
	score_rank_values(v, 6, 0);
	for (i = 0; i < 6; i++) {
		CHECK_STR(v[i].key, desc[i]);
		CHECK_INT(v[i].rank, ranks[i]);
	}

	/* Only missing values: listed by key, unranked. */
	v[0] = val("b", 0, 0);
	v[1] = val("a", 0, 0);
	score_rank_values(v, 2, 1);
	CHECK_STR(v[0].key, "a");
	CHECK_INT(v[0].rank, 0);
	CHECK_INT(v[1].rank, 0);

	/* Negative values order too. */
	v[0] = val("x", 1, -1.5);
	v[1] = val("y", 1, 2);
	v[2] = val("z", 1, -3);
	score_rank_values(v, 3, 0);
	CHECK_STR(v[0].key, "y");
	CHECK_STR(v[1].key, "x");
	CHECK_STR(v[2].key, "z");
	CHECK_INT(v[2].rank, 3);
	score_rank_values(NULL, 0, 1);
}

int
main(void)
{
	RUN(test_round2);
	RUN(test_round2_exact);
	RUN(test_ops);
	RUN(test_target_met);
	RUN(test_target_score);
	RUN(test_unit_all_met);
	RUN(test_unit_veto);
	RUN(test_unit_incomplete);
	RUN(test_unit_missed);
	RUN(test_unit_edges);
	RUN(test_strings);
	RUN(test_rank_units);
	RUN(test_rank_values);
	return check_summary("test_score");
}
