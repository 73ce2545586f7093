/*
 * check.h - a minimal unit-test harness.
 *
 * Each test binary defines TEST functions, runs them with RUN() from main()
 * and returns check_summary("name"), which prints one closing line
 * "name: N passed, N failed" and returns the exit status (0 only when no
 * check failed).  A "check" is one assertion; every CHECK counts.
 */
#ifndef POPSTAT_CHECK_H
#define POPSTAT_CHECK_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* A fixed-seed xorshift generator: a random test repeats exactly. */
static inline uint64_t
check_rand(void)
{
	static uint64_t x = 0x9e3779b97f4a7c15ULL;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

static int check_passed;
static int check_failed;
static const char *check_current = "";

#define CHECK_REPORT(ok, fmt, ...)                                             \
	do {                                                                   \
		if (ok) {                                                      \
			check_passed++;                                        \
		} else {                                                       \
			check_failed++;                                        \
			fprintf(stderr, "FAIL %s:%d %s: " fmt "\n", __FILE__,  \
			    __LINE__, check_current, __VA_ARGS__);             \
		}                                                              \
	} while (0)

#define CHECK(cond) CHECK_REPORT((cond), "%s", #cond)

#define CHECK_INT(a, b)                                                        \
	do {                                                                   \
		long long check_a_ = (long long)(a),                           \
			  check_b_ = (long long)(b);                           \
		CHECK_REPORT(check_a_ == check_b_,                             \
		    "%s == %lld, expected %lld", #a, check_a_, check_b_);      \
	} while (0)

#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *check_a_ = (a), *check_b_ = (b);                   \
		int check_ok_ =                                                \
		    check_a_ && check_b_ && strcmp(check_a_, check_b_) == 0;   \
		CHECK_REPORT(check_ok_, "%s == \"%s\", expected \"%s\"", #a,   \
		    check_a_ ? check_a_ : "(null)",                            \
		    check_b_ ? check_b_ : "(null)");                           \
	} while (0)

/* True when the string a contains the substring b. */
#define CHECK_CONTAINS(a, b)                                                   \
	do {                                                                   \
		const char *check_a_ = (a), *check_b_ = (b);                   \
		CHECK_REPORT(check_a_ &&strstr(check_a_, check_b_) != NULL,    \
		    "%s == \"%s\" does not contain \"%s\"", #a,                \
		    check_a_ ? check_a_ : "(null)", check_b_);                 \
	} while (0)

#define CHECK_DBL(a, b, eps)                                                   \
	do {                                                                   \
		double check_a_ = (a), check_b_ = (b);                         \
		CHECK_REPORT(fabs(check_a_ - check_b_) <= (eps),               \
		    "%s == %.10g, expected %.10g", #a, check_a_, check_b_);    \
	} while (0)

#define RUN(fn)                                                                \
	do {                                                                   \
		check_current = #fn;                                           \
		fn();                                                          \
	} while (0)

static inline int
check_summary(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
	return check_failed == 0 && check_passed > 0 ? 0 : 1;
}

#endif
