/*
 * stats.h - the probability computations of early warning and data
 * quality (doc/indicators.md §15): Poisson tails through the regularized
 * incomplete gamma function, the Wilson score interval, and the headroom
 * of a per-mille "<=" target judged after rounding (section 6).
 *
 * Pure functions, no I/O.
 */
#ifndef POPSTAT_STATS_H
#define POPSTAT_STATS_H

#include <stdint.h>

/* The z of a two-sided 95% interval, as doc/indicators.md §15 fixes it. */
#define STATS_Z95 1.959964

/*
 * Regularized incomplete gamma functions P(a, x) (lower) and Q(a, x) =
 * 1 - P(a, x) (upper), for a > 0 and x >= 0; NaN outside.
 */
double stats_gamma_p(double a, double x);
double stats_gamma_q(double a, double x);

/* P(X <= k) for X Poisson of mean lambda >= 0 (k < 0: 0). */
double stats_poisson_cdf(int64_t k, double lambda);
/* P(X > k), computed directly so a small tail keeps its digits. */
double stats_poisson_sf(int64_t k, double lambda);

/*
 * The Wilson score interval of the proportion m / n at z: *lo, *hi in
 * [0, 1].  Returns 0, or -1 (nothing set) when n <= 0 or m is not in
 * [0, n].
 */
int stats_wilson(int64_t m, int64_t n, double z, double *lo, double *hi);

/*
 * Headroom of a "<=" target T on a per-mille rate over a whole year
 * (doc/indicators.md §15): the largest whole h >= -b such that
 * score_round2(((b + h) - minus) / p * 1000) <= T, where b is the births so
 * far, minus what the numerator subtracts (the projected deaths for the natural
 * growth rate, 0 for the birth rate) and p the population average.  Returns 1
 * with *h set, 0 when no h >= -b meets T, -1 when it cannot be computed (p not
 * positive, or a value that is not a number).
 */
int
stats_headroom(int64_t b, double minus, double p, double target, int64_t *h);

/*
 * The same for any value that does not fall as h grows: the largest
 * whole h >= -b with meets(h, arg), searched from guess (galloping, then
 * halving: exact whatever the guess, fast when it is close).  Returns 1
 * with *h set, 0 when meets(-b) already fails.  h stays below 2^52.
 */
int stats_headroom_search(int64_t b, int (*meets)(int64_t h, void *arg),
    void *arg, int64_t guess, int64_t *h);

/*
 * The level of a warning: "over" when headroom < 0, else "high" when
 * risk >= 0.5, "watch" when risk >= 0.2, else "low".
 */
const char *stats_warning_level(int64_t headroom, double risk);

/* v rounded to 4 decimals, halves to even on the exact binary value. */
double round4(double v);

#endif
