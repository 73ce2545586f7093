/*
 * benchutil.h - small helpers shared by the benchmark's tools.
 */
#ifndef POPSTAT_BENCHUTIL_H
#define POPSTAT_BENCHUTIL_H

#include <time.h>

/* Monotonic clock, in milliseconds. */
static inline double
bench_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* qsort comparison of doubles, ascending. */
static inline int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#endif
