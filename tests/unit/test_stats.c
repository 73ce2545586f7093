/*
 * test_stats.c - Poisson tails, the Wilson interval, headroom and
 * round4 (common/stats.c) against values computed independently: the
 * Poisson sums with Python's math.fsum over exp(i log lambda - lambda -
 * lgamma(i + 1)), the Wilson bounds from the closed formula, and the
 * headroom by trying every h.
 */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "score.h"
#include "stats.h"

/* Relative closeness, for values that may be tiny. */
#define CHECK_REL(a, b, rel)                                                   \
	CHECK_REPORT(fabs((a) - (b)) <= (rel)*fabs(b),                         \
	    "%s == %.17g,"                                                     \
	    " expected %.17g",                                                 \
	    #a, (double)(a), (double)(b))

static void
test_poisson_zero(void)
{
	/* lambda 0: X is 0 for certain. */
	CHECK_DBL(stats_poisson_cdf(0, 0), 1, 0);
	CHECK_DBL(stats_poisson_cdf(7, 0), 1, 0);
	CHECK_DBL(stats_poisson_cdf(-1, 0), 0, 0);
	CHECK_DBL(stats_poisson_sf(0, 0), 0, 0);
	CHECK_DBL(stats_poisson_sf(-1, 0), 1, 0);
	CHECK_DBL(stats_poisson_sf(-5, 3.5), 1, 0);
	CHECK_DBL(stats_poisson_cdf(-5, 3.5), 0, 0);
	CHECK(isnan(stats_poisson_cdf(1, -1)));
	CHECK(isnan(stats_poisson_sf(1, NAN)));
}

static void
test_poisson_small(void)
{
	/* e^-0.5 */
	CHECK_REL(stats_poisson_cdf(0, 0.5), 0.6065306597126334, 1e-14);
	CHECK_REL(stats_poisson_sf(0, 0.5), 0.39346934028736663, 1e-14);
	/* e^-2.5 (1 + 2.5 + 3.125 + 2.6041666...) */
	CHECK_REL(stats_poisson_cdf(3, 2.5), 0.757576133133066, 1e-13);
	CHECK_REL(stats_poisson_sf(3, 2.5), 0.2424238668669341, 1e-13);
	CHECK_REL(stats_poisson_cdf(10, 10), 0.5830397501929873, 1e-13);
	CHECK_REL(stats_poisson_sf(10, 10), 0.4169602498070158, 1e-13);
	CHECK_REL(stats_poisson_cdf(0, 1e-9), 0.999999999, 1e-14);
	CHECK_REL(stats_poisson_sf(0, 1e-9), 9.999999995000006e-10, 1e-12);
	/* Far tails keep their digits. */
	CHECK_REL(stats_poisson_cdf(5, 30), 2.257348746396282e-08, 1e-11);
	CHECK_REL(stats_poisson_sf(20, 3), 1.1790448194145654e-11, 1e-9);
	CHECK_REL(stats_poisson_cdf(20, 3), 0.9999999999882098, 1e-14);
}

static void
test_poisson_large(void)
{
	CHECK_REL(stats_poisson_cdf(950, 1000), 0.057836292955305096, 1e-10);
	CHECK_REL(stats_poisson_sf(950, 1000), 0.9421637070444441, 1e-11);
	CHECK_REL(stats_poisson_cdf(1050, 1000), 0.9439711616360887, 1e-11);
	CHECK_REL(stats_poisson_sf(1050, 1000), 0.05602883836366046, 1e-10);
	/* lambda 1e5: the Python sums are good to about 1e-10 here. */
	CHECK_REL(stats_poisson_cdf(100000, 100000), 0.5008410431110859, 1e-9);
	CHECK_REL(stats_poisson_cdf(99000, 100000), 0.0007742008294776123,
	    1e-7);
	/* cdf + sf = 1 everywhere. */
	CHECK_DBL(stats_poisson_cdf(123, 117.3) + stats_poisson_sf(123, 117.3),
	    1, 1e-14);
	CHECK_DBL(stats_poisson_cdf(4000, 4100) + stats_poisson_sf(4000, 4100),
	    1, 1e-12);
}

static void
test_gamma(void)
{
	/* P(1, x) = 1 - e^-x */
	CHECK_REL(stats_gamma_p(1, 2), 1 - exp(-2), 1e-14);
	CHECK_REL(stats_gamma_q(1, 0.1), exp(-0.1), 1e-14);
	CHECK_DBL(stats_gamma_p(3, 0), 0, 0);
	CHECK_DBL(stats_gamma_q(3, 0), 1, 0);
	CHECK(isnan(stats_gamma_p(0, 1)));
	CHECK(isnan(stats_gamma_q(2, -1)));
}

static void
test_wilson(void)
{
	double lo, hi;

	/* 52 boys of 100 births. */
	CHECK_INT(stats_wilson(52, 100, STATS_Z95, &lo, &hi), 0);
	CHECK_DBL(lo, 0.42316577691101653, 1e-14);
	CHECK_DBL(hi, 0.6153544831382237, 1e-14);
	CHECK_DBL(100 * lo / (1 - lo), 73.3600330862717, 1e-10);
	CHECK_DBL(100 * hi / (1 - hi), 159.97963219713114, 1e-10);
	CHECK_INT(stats_wilson(530, 1000, STATS_Z95, &lo, &hi), 0);
	CHECK_DBL(lo, 0.49901030884860403, 1e-14);
	CHECK_DBL(hi, 0.5607600856386544, 1e-14);
	/* No boys, all boys: the interval touches 0 or 1. */
	CHECK_INT(stats_wilson(0, 10, STATS_Z95, &lo, &hi), 0);
	CHECK_DBL(lo, 0, 0);
	CHECK_DBL(hi, 0.2775328030260577, 1e-14);
	CHECK_INT(stats_wilson(10, 10, STATS_Z95, &lo, &hi), 0);
	CHECK_DBL(lo, 0.7224671969739421, 1e-14);
	CHECK(hi <= 1 && hi > 0.999999);
	CHECK_INT(stats_wilson(0, 0, STATS_Z95, &lo, &hi), -1);
	CHECK_INT(stats_wilson(3, 2, STATS_Z95, &lo, &hi), -1);
	CHECK_INT(stats_wilson(-1, 2, STATS_Z95, &lo, &hi), -1);
}

/* The headroom by brute force over every h from -b up. */
static int
slow_headroom(int64_t b, double minus, double p, double t, int64_t *out)
{
	int64_t h, best = 0;
	int found = 0;

	for (h = -b; h < 100000; h++)
		if (score_round2(((double)(b + h) - minus) / p * 1000) <= t) {
			best = h;
			found = 1;
		}
	*out = best;
	return found;
}

static void
test_headroom(void)
{
	int64_t h, want;
	int i;

	/*
	 * 10000 people, 11.5 per mille: (b + h) / 10000 * 1000 <= 11.5 at
	 * 2 decimals holds up to b + h = 115 (116 shows 11.60); 120 births
	 * already are 5 over.
	 */
	CHECK_INT(stats_headroom(60, 0, 10000, 11.5, &h), 1);
	CHECK_INT(h, 55);
	CHECK_INT(stats_headroom(120, 0, 10000, 11.5, &h), 1);
	CHECK_INT(h, -5);
	/* 2000 people: 23 births = 11.50 (met), 24 = 12.00. */
	CHECK_INT(stats_headroom(10, 0, 2000, 11.5, &h), 1);
	CHECK_INT(h, 13);
	/* 1998 people: 23 = 11.5115 -> 11.51 fails; 22 = 11.01. */
	CHECK_INT(stats_headroom(0, 0, 1998, 11.5, &h), 1);
	CHECK_INT(h, 22);
	/* Growth rate with 10.5 projected deaths, 2000 people, 5.5:
	 * (B - 10.5) / 2 <= 5.5 -> B <= 21.5 -> 21. */
	CHECK_INT(stats_headroom(4, 10.5, 2000, 5.5, &h), 1);
	CHECK_INT(h, 17);
	/* Cannot be met even with no births left: none. */
	CHECK_INT(stats_headroom(5, 0, 2000, -1, &h), 0);
	/* Not computable. */
	CHECK_INT(stats_headroom(5, 0, 0, 11.5, &h), -1);
	CHECK_INT(stats_headroom(5, 0, -3, 11.5, &h), -1);
	CHECK_INT(stats_headroom(5, NAN, 100, 11.5, &h), -1);
	/* Random cases against the brute force. */
	for (i = 0; i < 300; i++) {
		int64_t b = (int64_t)(check_rand() % 200);
		double p = 500 + (double)(check_rand() % 20000) / 2.0;
		double minus = (double)(check_rand() % 1000) / 8.0;
		double t = (double)(check_rand() % 2000) / 100.0 - 2;
		int got, exp;

		if (i % 2)
			minus = 0;
		exp = slow_headroom(b, minus, p, t, &want);
		got = stats_headroom(b, minus, p, t, &h);
		CHECK_INT(got, exp);
		if (got == 1 && exp == 1)
			CHECK_INT(h, want);
	}
}

static int64_t search_limit;
static int search_calls;

static int
below_limit(int64_t h, void *arg)
{
	(void)arg;
	search_calls++;
	return h <= search_limit;
}

/* The search is exact whatever the guess; a close guess costs little. */
static void
test_headroom_search(void)
{
	static const int64_t guesses[] = { -1000000, -50, -7, 0, 41, 42, 43,
		1000, 123456789 };
	static const int64_t limits[] = { -7, -6, 0, 42, 99999 };
	int64_t h;
	size_t i, k;

	for (k = 0; k < sizeof limits / sizeof limits[0]; k++)
		for (i = 0; i < sizeof guesses / sizeof guesses[0]; i++) {
			search_limit = limits[k];
			CHECK_INT(stats_headroom_search(7, below_limit, NULL,
				      guesses[i], &h),
			    1);
			CHECK_INT(h, limits[k]);
		}
	search_limit = -8;
	CHECK_INT(stats_headroom_search(7, below_limit, NULL, 3, &h), 0);
	search_limit = 42;
	search_calls = 0;
	CHECK_INT(stats_headroom_search(7, below_limit, NULL, 42, &h), 1);
	CHECK_INT(h, 42);
	CHECK(search_calls <= 3);
	/* No limit at all: stops at 2^52. */
	search_limit = INT64_MAX;
	CHECK_INT(stats_headroom_search(0, below_limit, NULL, 0, &h), 1);
	CHECK(h >= ((int64_t)1 << 52) - 1);
}

static void
test_level_round4(void)
{
	CHECK_STR(stats_warning_level(-1, 1), "over");
	CHECK_STR(stats_warning_level(0, 0.5), "high");
	CHECK_STR(stats_warning_level(3, 0.4999), "watch");
	CHECK_STR(stats_warning_level(3, 0.2), "watch");
	CHECK_STR(stats_warning_level(3, 0.1999), "low");
	CHECK_STR(stats_warning_level(3, 0), "low");
	CHECK_DBL(round4(0.12345678), 0.1235, 0);
	CHECK_DBL(round4(0.99996), 1, 0);
	CHECK_DBL(round4(-0.00001), 0, 0);
	CHECK(!signbit(round4(-0.00001)));
	CHECK_DBL(round4(0.5), 0.5, 0);
}

int
main(void)
{
	RUN(test_poisson_zero);
	RUN(test_poisson_small);
	RUN(test_poisson_large);
	RUN(test_gamma);
	RUN(test_wilson);
	RUN(test_headroom);
	RUN(test_headroom_search);
	RUN(test_level_round4);
	return check_summary("test_stats");
}
