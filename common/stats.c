/*
 * stats.c - Poisson tails, the Wilson interval and the headroom of a
 * target (DESIGN.md section 15).
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
	half = z * sqrt(p * (1 - p) / (double)n +
	    z2 / (4.0 * (double)n * (double)n)) / den;
	*lo = centre - half;
	*hi = centre + half;
	if (*lo < 0)
		*lo = 0;
	if (*hi > 1)
		*hi = 1;
	return 0;
}

/* The judged year-end value of the rate with h more births meets T. */
static int
headroom_meets(int64_t b, int64_t h, double minus, double p, double target)
{
	double v = ((double)(b + h) - minus) / p * 1000;

	return target_met(OP_LE, target, v);
}

/*
 * The largest whole h >= -b with round2(((b + h) - minus) / p * 1000) <=
 * T.  The value grows with h (p > 0), so the answer is found from the
 * real solution h = T p / 1000 + minus - b and then moved by single steps
 * until the judged value (the same round2() that judges a status) says
 * h meets T and h + 1 does not.  h is kept below 2^53, where doubles stop
 * counting whole numbers.
 */
int
stats_headroom(int64_t b, double minus, double p, double target, int64_t *h)
{
	const double cap = 9007199254740992.0; /* 2^53 */
	double guess;
	int64_t x;
	int i;

	if (!(p > 0) || !isfinite(p) || !isfinite(minus) ||
	    !isfinite(target) || b < 0)
		return -1;
	if (!headroom_meets(b, -b, minus, p, target))
		return 0;
	guess = floor(target * p / 1000 + minus) - (double)b;
	if (!(guess > -(double)b))
		guess = -(double)b;
	if (guess > cap / 2)
		guess = cap / 2;
	x = (int64_t)guess;
	/* A few steps at most: the guess is off by rounding only. */
	for (i = 0; i < 64 && x > -b && !headroom_meets(b, x, minus, p, target);
	    i++)
		x--;
	while (x > -b && !headroom_meets(b, x, minus, p, target))
		x = -b + (x + b) / 2; /* far off: halve the distance */
	for (i = 0; i < 1000000 && (double)x < cap / 2 &&
	    headroom_meets(b, x + 1, minus, p, target); i++)
		x++;
	*h = x;
	return 1;
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
