/*
 * stats.c - Poisson tails, the Wilson interval and the headroom of a
 * target (doc/indicators.md §15).
 *
 * The Poisson tails go through the regularized incomplete gamma function,
 * P(X <= k) = Q(k + 1, lambda): a series for x < a + 1 and a continued
 * fraction (modified Lentz) otherwise, each with its prefactor
 * exp(a log x - x - lgamma(a)) taken in log space, so neither a large
 * lambda nor a large k overflows, and the smaller of P and Q is always
 * the one computed directly (a tail of 1e-12 keeps its digits instead of
 * being 1 - 0.999999999999).
 */
#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "score.h"

#define GAMMA_EPS 1e-16
#define GAMMA_ITMAX 1000000
#define GAMMA_TINY 1e-300

/* log of x^a e^-x / Gamma(a), the prefactor of both expansions. */
static double
gamma_logfactor(double a, double x)
{
	return a * log(x) - x - lgamma(a);
}

/* P(a, x) by its series, for x < a + 1. */
static double
gamma_series(double a, double x)
{
	double ap = a, del = 1.0 / a, sum = del;
	int n;

	for (n = 0; n < GAMMA_ITMAX; n++) {
		ap += 1;
		del *= x / ap;
		sum += del;
		if (fabs(del) < fabs(sum) * GAMMA_EPS)
			break;
	}
	return sum * exp(gamma_logfactor(a, x));
}

/* Q(a, x) by its continued fraction, for x >= a + 1. */
static double
gamma_fraction(double a, double x)
{
	double b = x + 1 - a, c = 1 / GAMMA_TINY, d = 1 / b, h = d, an, del;
	int i;

	for (i = 1; i < GAMMA_ITMAX; i++) {
		an = -i * (i - a);
		b += 2;
		d = an * d + b;
		if (fabs(d) < GAMMA_TINY)
			d = GAMMA_TINY;
		c = b + an / c;
		if (fabs(c) < GAMMA_TINY)
			c = GAMMA_TINY;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < GAMMA_EPS)
			break;
	}
	return h * exp(gamma_logfactor(a, x));
}

double
stats_gamma_p(double a, double x)
{
	if (!(a > 0) || !(x >= 0) || isinf(a))
		return NAN;
	if (x == 0)
		return 0;
	if (isinf(x))
		return 1;
	if (x < a + 1)
		return gamma_series(a, x);
	return 1 - gamma_fraction(a, x);
}

double
stats_gamma_q(double a, double x)
{
	if (!(a > 0) || !(x >= 0) || isinf(a))
		return NAN;
	if (x == 0)
		return 1;
	if (isinf(x))
		return 0;
	if (x < a + 1)
		return 1 - gamma_series(a, x);
	return gamma_fraction(a, x);
}

/*
 * P(X <= k) for X Poisson of mean lambda: 0 for k < 0, 1 for lambda 0,
 * else Q(k + 1, lambda).  NaN for a negative or non-number lambda.
 */
double
stats_poisson_cdf(int64_t k, double lambda)
{
	if (!(lambda >= 0))
		return NAN;
	if (k < 0)
		return 0;
	if (lambda == 0)
		return 1;
	return stats_gamma_q((double)k + 1, lambda);
}

/* P(X > k) = P(k + 1, lambda): 1 for k < 0, 0 for lambda 0. */
double
stats_poisson_sf(int64_t k, double lambda)
{
	if (!(lambda >= 0))
		return NAN;
	if (k < 0)
		return 1;
	if (lambda == 0)
		return 0;
	return stats_gamma_p((double)k + 1, lambda);
}

/*
 * Wilson score interval of m / n: with p = m / n,
 *   (p + z^2 / 2n -+ z sqrt(p (1 - p) / n + z^2 / 4n^2)) / (1 + z^2 / n),
 * clamped to [0, 1].
 */
int
stats_wilson(int64_t m, int64_t n, double z, double *lo, double *hi)
{
	double p, z2, den, centre, half;

	if (n <= 0 || m < 0 || m > n || !isfinite(z))
		return -1;
	p = (double)m / (double)n;
	z2 = z * z;
	den = 1 + z2 / (double)n;
	centre = (p + z2 / (2.0 * (double)n)) / den;
	half = z *
	    sqrt(p * (1 - p) / (double)n + z2 / (4.0 * (double)n * (double)n)) /
	    den;
	*lo = centre - half;
	*hi = centre + half;
	if (*lo < 0)
		*lo = 0;
	if (*hi > 1)
		*hi = 1;
	return 0;
}

struct headroom_arg {
	int64_t b;
	double minus, p, target;
};

/* The judged year-end value of the rate with h more births meets T. */
static int
headroom_meets(int64_t h, void *arg)
{
	const struct headroom_arg *a = arg;
	double v = ((double)(a->b + h) - a->minus) / a->p * 1000;

	return score_target_met(OP_LE, a->target, v);
}

/*
 * The largest whole h >= -b with meets(h), starting from guess: gallop
 * (steps 1, 2, 4, ...) up from the guess while it meets, or down while it
 * does not, then halve the gap between the last h that met and the first
 * that did not down to 1.  Exact for any meets() that holds up to some h
 * and fails after it; a good guess makes it three calls.
 */
int
stats_headroom_search(int64_t b, int (*meets)(int64_t h, void *arg), void *arg,
    int64_t guess, int64_t *h)
{
	const int64_t cap = (int64_t)1 << 52;
	int64_t lo, hi, mid, step = 1;

	if (!meets(-b, arg))
		return 0;
	if (guess < -b)
		guess = -b;
	if (guess > cap)
		guess = cap;
	if (meets(guess, arg)) {
		lo = guess;
		for (;;) {
			if (lo > cap - step) {
				*h = lo;
				return 1;
			}
			if (!meets(lo + step, arg))
				break;
			lo += step;
			step *= 2;
		}
		hi = lo + step;
	} else {
		hi = guess;
		for (;;) {
			if (hi - step <= -b) {
				lo = -b;
				break;
			}
			if (meets(hi - step, arg)) {
				lo = hi - step;
				break;
			}
			hi -= step;
			step *= 2;
		}
	}
	/* lo meets, hi does not. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (meets(mid, arg))
			lo = mid;
		else
			hi = mid;
	}
	*h = lo;
	return 1;
}

/*
 * The largest whole h >= -b with score_round2(((b + h) - minus) / p * 1000) <=
 * T: the value grows with h (p > 0), judged with the same score_round2() as a
 * status (doc/indicators.md §6).
 */
int
stats_headroom(int64_t b, double minus, double p, double target, int64_t *h)
{
	struct headroom_arg a;
	double g;

	if (!(p > 0) || !isfinite(p) || !isfinite(minus) || !isfinite(target) ||
	    b < 0)
		return -1;
	a.b = b;
	a.minus = minus;
	a.p = p;
	a.target = target;
	g = floor(target * p / 1000 + minus) - (double)b;
	if (!(g > -(double)b))
		g = -(double)b;
	if (g > 4e15)
		g = 4e15;
	return stats_headroom_search(b, headroom_meets, &a, (int64_t)g, h);
}

const char *
stats_warning_level(int64_t headroom, double risk)
{
	if (headroom < 0)
		return "over";
	if (risk >= 0.5)
		return "high";
	if (risk >= 0.2)
		return "watch";
	return "low";
}

/*
 * v rounded to 4 decimals as printf("%.4f") shows it (ties to even on
 * the exact binary value), read back; -0 made 0.
 */
double
round4(double v)
{
	char buf[512];
	double r;

	if (!isfinite(v))
		return v;
	snprintf(buf, sizeof buf, "%.4f", v);
	r = strtod(buf, NULL);
	return r == 0 ? 0.0 : r;
}
