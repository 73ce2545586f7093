/*
 * test_period.c - unit tests for common/date.c and common/period.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "date.h"
#include "period.h"

/* A fixed "today" for the tests: 2026-05-17. */
#define TODAY date_from_ymd(2026, 5, 17)

/* Day number of a literal "YYYY-MM-DD" (must be valid). */
static int32_t
day_of(const char *s)
{
	int32_t d = INT32_MIN;
	char err[64];

	if (date_parse(s, &d, err, sizeof err) != 0) {
		fprintf(stderr, "bad test date %s: %s\n", s, err);
		abort();
	}
	return d;
}

/* period_parse(s, today) must give want_a..want_b (as YYYY-MM-DD). */
#define CHECK_PERIOD(s, today, want_a, want_b)                                 \
	do {                                                                   \
		period p_ = { -1, -1 };                                        \
		char e_[200] = "", a_[11], b_[11];                             \
		int rc_ = period_parse((s), (today), &p_, e_, sizeof e_);      \
		if (rc_ != 0)                                                  \
			fprintf(stderr, "  %s: %s\n", (s), e_);                \
		CHECK_INT(rc_, 0);                                             \
		CHECK_STR(date_format(p_.start, a_), (want_a));                \
		CHECK_STR(date_format(p_.end, b_), (want_b));                  \
	} while (0)

/*
 * period_parse(s, today) must fail, leave *out alone, and say
 * "period '<s>': ..." with `part` somewhere in the reason.
 */
#define CHECK_BAD(s, today, part)                                              \
	do {                                                                   \
		period p_ = { 12345, 67890 };                                  \
		char e_[200] = "", pre_[128];                                  \
		int rc_ = period_parse((s), (today), &p_, e_, sizeof e_);      \
		CHECK_INT(rc_, -1);                                            \
		snprintf(pre_, sizeof pre_, "period '%s': ", (s));             \
		CHECK(strncmp(e_, pre_, strlen(pre_)) == 0);                   \
		CHECK_CONTAINS(e_, (part));                                    \
		CHECK(p_.start == 12345 && p_.end == 67890);                   \
	} while (0)

static void
test_leap(void)
{
	CHECK_INT(date_is_leap(1900), 0);
	CHECK_INT(date_is_leap(2000), 1);
	CHECK_INT(date_is_leap(2024), 1);
	CHECK_INT(date_is_leap(2026), 0);
	CHECK_INT(date_is_leap(2100), 0);
	CHECK_INT(date_is_leap(2400), 1);
	CHECK_INT(date_days_in_month(1900, 2), 28);
	CHECK_INT(date_days_in_month(2000, 2), 29);
	CHECK_INT(date_days_in_month(2024, 2), 29);
	CHECK_INT(date_days_in_month(2026, 2), 28);
	CHECK_INT(date_days_in_month(2026, 1), 31);
	CHECK_INT(date_days_in_month(2026, 4), 30);
	CHECK_INT(date_days_in_month(2026, 12), 31);
	CHECK_INT(date_days_in_month(2026, 0), 0);
	CHECK_INT(date_days_in_month(2026, 13), 0);
}

static void
test_day_numbers(void)
{
	int y, m, d;

	CHECK_INT(date_from_ymd(1970, 1, 1), 0);
	CHECK_INT(date_from_ymd(1969, 12, 31), -1);
	CHECK_INT(date_from_ymd(1900, 1, 1), -25567);
	CHECK_INT(date_from_ymd(2000, 3, 1), 11017);
	CHECK_INT(date_from_ymd(2024, 2, 29), 19782);
	CHECK_INT(date_from_ymd(2026, 1, 1), 20454);
	CHECK_INT(date_from_ymd(9999, 12, 31), 2932896);
	CHECK_INT(date_from_ymd(0, 3, 1), -719468);

	date_to_ymd(-25567, &y, &m, &d);
	CHECK(y == 1900 && m == 1 && d == 1);
	date_to_ymd(-1, &y, &m, &d);
	CHECK(y == 1969 && m == 12 && d == 31);
	date_to_ymd(2932896, &y, &m, &d);
	CHECK(y == 9999 && m == 12 && d == 31);
	date_to_ymd(-719468, &y, &m, &d);
	CHECK(y == 0 && m == 3 && d == 1);
}

/*
 * Walk the calendar one day at a time (independently of date.c) from
 * 1900-01-01 to 9999-12-31 and check that every day round-trips through
 * date_from_ymd/date_to_ymd and date_format/date_parse.
 */
static void
test_round_trip(void)
{
	int y = 1900, m = 1, d = 1, ty, tm, td, reported = 0;
	int32_t n, parsed, first;
	long days = 0, bad_ymd = 0, bad_text = 0, bad_seq = 0;
	char want[40], got[11], err[64];

	first = date_from_ymd(1900, 1, 1);
	for (;;) {
		n = date_from_ymd(y, m, d);
		if (n != first + days)
			bad_seq++;
		date_to_ymd(n, &ty, &tm, &td);
		if (ty != y || tm != m || td != d)
			bad_ymd++;
		snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, d);
		date_format(n, got);
		if (strcmp(want, got) != 0 ||
		    date_parse(got, &parsed, err, sizeof err) != 0 ||
		    parsed != n)
			bad_text++;
		if (!reported && bad_seq + bad_ymd + bad_text > 0) {
			fprintf(stderr, "  first bad day: %s (%d)\n", want,
			    (int)n);
			reported = 1;
		}
		days++;
		if (y == 9999 && m == 12 && d == 31)
			break;
		if (++d > date_days_in_month(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	CHECK_INT(bad_seq, 0);
	CHECK_INT(bad_ymd, 0);
	CHECK_INT(bad_text, 0);
	CHECK_INT(days, 2958464);
	CHECK_INT(date_from_ymd(2100, 12, 31) - first + 1, 73414);
}

static void
test_date_parse(void)
{
	int32_t d = 0;
	char err[64];

	CHECK_INT(date_parse("2024-02-29", &d, err, sizeof err), 0);
	CHECK_INT(d, 19782);
	CHECK_INT(date_parse("1900-01-01", &d, err, sizeof err), 0);
	CHECK_INT(d, -25567);
	CHECK_INT(date_parse("9999-12-31", &d, err, sizeof err), 0);
	CHECK_INT(d, 2932896);
	/* date_parse_n reads only len bytes. */
	CHECK_INT(date_parse_n("2026-01-01XYZ", 10, &d, err, sizeof err), 0);
	CHECK_INT(d, 20454);
	CHECK_INT(date_parse_n("2026-01-01", 9, &d, err, sizeof err), -1);

	d = 77;
	CHECK_INT(date_parse("2026-02-29", &d, err, sizeof err), -1);
	CHECK_STR(err, "no such day: 2026-02 has 28 days");
	CHECK_INT(d, 77);
	CHECK_INT(date_parse("1900-02-29", &d, err, sizeof err), -1);
	CHECK_STR(err, "no such day: 1900-02 has 28 days");
	CHECK_INT(date_parse("2026-04-31", &d, err, sizeof err), -1);
	CHECK_STR(err, "no such day: 2026-04 has 30 days");
	CHECK_INT(date_parse("2026-01-00", &d, err, sizeof err), -1);
	CHECK_CONTAINS(err, "no such day");
	CHECK_INT(date_parse("2026-13-01", &d, err, sizeof err), -1);
	CHECK_STR(err, "month must be 01-12");
	CHECK_INT(date_parse("2026-00-10", &d, err, sizeof err), -1);
	CHECK_STR(err, "month must be 01-12");
	CHECK_INT(date_parse("1899-12-31", &d, err, sizeof err), -1);
	CHECK_STR(err, "year must be 1900-9999");
	CHECK_INT(date_parse("2026-1-01", &d, err, sizeof err), -1);
	CHECK_STR(err, "expected YYYY-MM-DD");
	CHECK_INT(date_parse("2026/01/01", &d, err, sizeof err), -1);
	CHECK_STR(err, "expected YYYY-MM-DD");
	CHECK_INT(date_parse("2026-01-011", &d, err, sizeof err), -1);
	CHECK_STR(err, "expected YYYY-MM-DD");
	CHECK_INT(date_parse("+026-01-01", &d, err, sizeof err), -1);
	CHECK_STR(err, "expected YYYY-MM-DD");
	CHECK_INT(date_parse("", &d, err, sizeof err), -1);
	CHECK_STR(err, "expected YYYY-MM-DD");
	CHECK_INT(date_parse(NULL, &d, err, sizeof err), -1);

	/* Small or missing error buffers are never overrun. */
	CHECK_INT(date_parse("2026-13-01", &d, err, 6), -1);
	CHECK_STR(err, "month");
	strcpy(err, "untouched");
	CHECK_INT(date_parse("2026-13-01", &d, err, 0), -1);
	CHECK_STR(err, "untouched");
	CHECK_INT(date_parse("2026-13-01", &d, NULL, 0), -1);
}

static void
test_date_format(void)
{
	char buf[11];

	CHECK_STR(date_format(0, buf), "1970-01-01");
	CHECK_STR(date_format(-1, buf), "1969-12-31");
	CHECK_STR(date_format(19782, buf), "2024-02-29");
	CHECK_STR(date_format(2932896, buf), "9999-12-31");
	/* Out of the four-digit range: clamped, never longer. */
	CHECK_STR(date_format(2932897, buf), "9999-12-31");
	CHECK_STR(date_format(INT32_MAX, buf), "9999-12-31");
	CHECK_STR(date_format(INT32_MIN, buf), "0000-01-01");
}

static void
test_today(void)
{
	int32_t t = date_today();

	/* Sanity only: the clock is somewhere this century. */
	CHECK(t >= date_from_ymd(2000, 1, 1) && t <= date_from_ymd(2100, 1, 1));
}

static void
test_year_days(void)
{
	int32_t first, last, d, n;
	int y, m, dd, *feb29, in_window, bad = 0;

	CHECK_INT(date_year_days(day_of("2026-01-01")), 365);
	CHECK_INT(date_year_days(day_of("2024-01-01")), 366);
	CHECK_INT(date_year_days(day_of("2000-01-01")), 366);
	CHECK_INT(date_year_days(day_of("1900-01-01")), 365);
	CHECK_INT(date_year_days(day_of("2024-03-01")), 365);
	CHECK_INT(date_year_days(day_of("2024-02-29")), 366);
	CHECK_INT(date_year_days(day_of("2024-02-28")), 366);
	CHECK_INT(date_year_days(day_of("2023-03-02")), 366);
	/*
	 * The 365 days starting 2023-03-01 end on 2024-02-28, so by the
	 * definition (doc/indicators.md §6, date.h) this is 365, not 366.
	 */
	CHECK_INT(date_year_days(day_of("2023-03-01")), 365);
	CHECK_INT(date_year_days(day_of("2023-02-28")), 365);
	CHECK_INT(date_year_days(day_of("2023-10-01")), 366); /* SY2024 */
	CHECK_INT(date_year_days(day_of("2025-10-01")), 365); /* SY2026 */
	CHECK_INT(date_year_days(day_of("9999-01-01")), 365);

	/*
	 * Against a sliding window over the calendar: 366 exactly when one
	 * of d..d+364 is a 29 February.
	 */
	first = date_from_ymd(1900, 1, 1);
	last = date_from_ymd(2101, 12, 31);
	feb29 = calloc((size_t)(last - first + 1), sizeof *feb29);
	if (feb29 == NULL)
		abort();
	for (d = first; d <= last; d++) {
		date_to_ymd(d, &y, &m, &dd);
		feb29[d - first] = m == 2 && dd == 29;
	}
	in_window = 0;
	for (n = 0; n < 365; n++)
		in_window += feb29[n];
	for (d = first; d + 364 <= last; d++) {
		if (date_year_days(d) != (in_window ? 366 : 365))
			bad++;
		in_window -= feb29[d - first];
		if (d + 365 <= last)
			in_window += feb29[d + 365 - first];
	}
	free(feb29);
	CHECK_INT(bad, 0);
}

static void
test_years(void)
{
	period p;

	CHECK_PERIOD("2026", TODAY, "2026-01-01", "2026-12-31");
	CHECK_PERIOD("2024", TODAY, "2024-01-01", "2024-12-31");
	CHECK_PERIOD("1900", TODAY, "1900-01-01", "1900-12-31");
	CHECK_PERIOD("9999", TODAY, "9999-01-01", "9999-12-31");
	CHECK_INT(period_parse("2024", TODAY, &p, NULL, 0), 0);
	CHECK_INT(period_days(&p), 366);
	CHECK_INT(date_year_days(p.start), period_days(&p));
	CHECK_INT(period_parse("2026", TODAY, &p, NULL, 0), 0);
	CHECK_INT(period_days(&p), 365);
	CHECK_INT(date_year_days(p.start), period_days(&p));
	CHECK_INT(period_parse("2000", TODAY, &p, NULL, 0), 0);
	CHECK_INT(period_days(&p), 366);
	CHECK_INT(period_parse("1900", TODAY, &p, NULL, 0), 0);
	CHECK_INT(period_days(&p), 365);
}

static void
test_statistical_years(void)
{
	period p;
	int y, bad = 0;
	char s[16];

	CHECK_PERIOD("SY2026", TODAY, "2025-10-01", "2026-09-30");
	CHECK_PERIOD("sy2026", TODAY, "2025-10-01", "2026-09-30");
	CHECK_PERIOD("Sy2024", TODAY, "2023-10-01", "2024-09-30");
	CHECK_PERIOD("sY1901", TODAY, "1900-10-01", "1901-09-30");
	CHECK_PERIOD("SY9999", TODAY, "9998-10-01", "9999-09-30");
	CHECK_INT(period_parse("SY2026", TODAY, &p, NULL, 0), 0);
	CHECK_INT(period_days(&p), 365);
	CHECK_INT(period_parse("SY2024", TODAY, &p, NULL, 0), 0);
	CHECK_INT(period_days(&p), 366);
	CHECK_INT(date_year_days(p.start), 366);

	/* year_days == days for every whole calendar and statistical year. */
	for (y = 1901; y <= 9999; y++) {
		snprintf(s, sizeof s, "SY%d", y);
		if (period_parse(s, TODAY, &p, NULL, 0) != 0 ||
		    date_year_days(p.start) != period_days(&p))
			bad++;
		snprintf(s, sizeof s, "%d", y);
		if (period_parse(s, TODAY, &p, NULL, 0) != 0 ||
		    date_year_days(p.start) != period_days(&p))
			bad++;
	}
	CHECK_INT(bad, 0);
}

static void
test_halves_quarters(void)
{
	CHECK_PERIOD("2026H1", TODAY, "2026-01-01", "2026-06-30");
	CHECK_PERIOD("2026H2", TODAY, "2026-07-01", "2026-12-31");
	CHECK_PERIOD("2024h1", TODAY, "2024-01-01", "2024-06-30");
	CHECK_PERIOD("2026Q1", TODAY, "2026-01-01", "2026-03-31");
	CHECK_PERIOD("2026Q2", TODAY, "2026-04-01", "2026-06-30");
	CHECK_PERIOD("2026q3", TODAY, "2026-07-01", "2026-09-30");
	CHECK_PERIOD("2026Q4", TODAY, "2026-10-01", "2026-12-31");
	CHECK_PERIOD("2024Q1", TODAY, "2024-01-01", "2024-03-31");
	CHECK_PERIOD("9999q4", TODAY, "9999-10-01", "9999-12-31");
}

static void
test_months(void)
{
	char s[40], a[40], b[40];
	int m, bad = 0;
	period p;

	CHECK_PERIOD("2026-11", TODAY, "2026-11-01", "2026-11-30");
	CHECK_PERIOD("2026-12", TODAY, "2026-12-01", "2026-12-31");
	CHECK_PERIOD("2026-02", TODAY, "2026-02-01", "2026-02-28");
	CHECK_PERIOD("2024-02", TODAY, "2024-02-01", "2024-02-29");
	CHECK_PERIOD("1900-02", TODAY, "1900-02-01", "1900-02-28");
	CHECK_PERIOD("2000-02", TODAY, "2000-02-01", "2000-02-29");

	for (m = 1; m <= 12; m++) {
		snprintf(s, sizeof s, "2026-%02d", m);
		snprintf(a, sizeof a, "2026-%02d-01", m);
		snprintf(b, sizeof b, "2026-%02d-%02d", m,
		    date_days_in_month(2026, m));
		if (period_parse(s, TODAY, &p, NULL, 0) != 0 ||
		    p.start != day_of(a) || p.end != day_of(b))
			bad++;
	}
	CHECK_INT(bad, 0);
}

static void
test_dekads(void)
{
	CHECK_PERIOD("2026-11D1", TODAY, "2026-11-01", "2026-11-10");
	/* The form with a dash before D, written by analogy with a day. */
	CHECK_PERIOD("2026-11-D1", TODAY, "2026-11-01", "2026-11-10");
	CHECK_PERIOD("2026-02-d3", TODAY, "2026-02-21", "2026-02-28");
	CHECK_PERIOD("2026-11d2", TODAY, "2026-11-11", "2026-11-20");
	CHECK_PERIOD("2026-11D3", TODAY, "2026-11-21", "2026-11-30");
	CHECK_PERIOD("2026-01D3", TODAY, "2026-01-21", "2026-01-31");
	CHECK_PERIOD("2024-02D3", TODAY, "2024-02-21", "2024-02-29");
	CHECK_PERIOD("2026-02D3", TODAY, "2026-02-21", "2026-02-28");
	CHECK_PERIOD("1900-02d3", TODAY, "1900-02-21", "1900-02-28");
	CHECK_PERIOD("2000-02D3", TODAY, "2000-02-21", "2000-02-29");
}

static void
test_days_and_ranges(void)
{
	period p;

	CHECK_PERIOD("2026-11-05", TODAY, "2026-11-05", "2026-11-05");
	CHECK_PERIOD("2024-02-29", TODAY, "2024-02-29", "2024-02-29");
	CHECK_INT(period_parse("2026-11-05", TODAY, &p, NULL, 0), 0);
	CHECK_INT(period_days(&p), 1);

	CHECK_PERIOD("2026-01-01..2026-06-30", TODAY, "2026-01-01",
	    "2026-06-30");
	CHECK_PERIOD("2026-03-03..2026-03-03", TODAY, "2026-03-03",
	    "2026-03-03");
	CHECK_PERIOD("2023-10-01..2024-09-30", TODAY, "2023-10-01",
	    "2024-09-30");
	CHECK_PERIOD("1900-01-01..9999-12-31", TODAY, "1900-01-01",
	    "9999-12-31");
	CHECK_INT(period_parse("2026-01-01..2026-06-30", TODAY, &p, NULL, 0),
	    0);
	CHECK_INT(period_days(&p), 181);
	CHECK_INT(period_parse("1900-01-01..9999-12-31", TODAY, &p, NULL, 0),
	    0);
	CHECK_INT(period_days(&p), 2958464);
}

static void
test_ytd(void)
{
	period p;

	/* Today inside the year. */
	CHECK_PERIOD("2026YTD", TODAY, "2026-01-01", "2026-05-17");
	CHECK_PERIOD("2026ytd", TODAY, "2026-01-01", "2026-05-17");
	CHECK_PERIOD("2026Ytd", day_of("2026-01-01"), "2026-01-01",
	    "2026-01-01");
	CHECK_INT(period_parse("2026YTD", day_of("2026-01-01"), &p, NULL, 0),
	    0);
	CHECK_INT(period_days(&p), 1);
	CHECK_PERIOD("2026YTD", day_of("2026-12-31"), "2026-01-01",
	    "2026-12-31");
	/* Today after the year: clamped to 31 December. */
	CHECK_PERIOD("2025YTD", TODAY, "2025-01-01", "2025-12-31");
	CHECK_PERIOD("2024YTD", TODAY, "2024-01-01", "2024-12-31");
	/* Today before the year. */
	CHECK_BAD("2027YTD", TODAY, "2027 has not begun");
	CHECK_BAD("2027YTD", TODAY, "today is 2026-05-17");
	CHECK_BAD("2026YTD", day_of("2025-12-31"), "has not begun");
}

static void
test_errors(void)
{
	char err[200];
	period p;

	CHECK_INT(period_parse("2026Q5", TODAY, &p, err, sizeof err), -1);
	CHECK_STR(err, "period '2026Q5': quarter must be 1-4");
	CHECK_BAD("2026Q0", TODAY, "quarter must be 1-4");
	CHECK_BAD("2026q", TODAY, "quarter must be 1-4");
	CHECK_BAD("2026Q12", TODAY, "quarter must be 1-4");
	CHECK_BAD("2026QX", TODAY, "quarter must be 1-4");

	CHECK_BAD("2026H3", TODAY, "half must be 1 or 2");
	CHECK_BAD("2026H0", TODAY, "half must be 1 or 2");
	CHECK_BAD("2026h", TODAY, "half must be 1 or 2");
	CHECK_BAD("2026H12", TODAY, "half must be 1 or 2");

	CHECK_BAD("2026-11D4", TODAY, "dekad must be D1, D2 or D3");
	CHECK_BAD("2026-11D0", TODAY, "dekad must be D1, D2 or D3");
	CHECK_BAD("2026-11d", TODAY, "dekad must be D1, D2 or D3");
	CHECK_BAD("2026-11D12", TODAY, "dekad must be D1, D2 or D3");
	CHECK_BAD("2026-11-D4", TODAY, "dekad must be D1, D2 or D3");

	CHECK_BAD("2026-13", TODAY, "month must be 01-12");
	CHECK_BAD("2026-00", TODAY, "month must be 01-12");
	CHECK_BAD("2026-1", TODAY, "month must be 01-12");
	CHECK_BAD("2026-", TODAY, "month must be 01-12");
	CHECK_BAD("2026-ab", TODAY, "month must be 01-12");
	CHECK_BAD("2026-13D1", TODAY, "month must be 01-12");
	CHECK_BAD("2026-13-01", TODAY, "month must be 01-12");

	CHECK_INT(period_parse("2026-02-29", TODAY, &p, err, sizeof err), -1);
	CHECK_STR(err, "period '2026-02-29': no such day: 2026-02 has 28 days");
	CHECK_BAD("2026-04-31", TODAY, "no such day: 2026-04 has 30 days");
	CHECK_BAD("2026-11-00", TODAY, "no such day");
	CHECK_BAD("2026-11-5", TODAY, "expected YYYY-MM-DD");
	CHECK_BAD("2026-11-05D1", TODAY, "expected YYYY-MM-DD");

	CHECK_BAD("1899", TODAY, "year must be 1900-9999");
	CHECK_BAD("0000Q1", TODAY, "year must be 1900-9999");
	CHECK_BAD("1899-12", TODAY, "year must be 1900-9999");
	CHECK_BAD("1899-12-31", TODAY, "year must be 1900-9999");
	CHECK_BAD("1899YTD", TODAY, "year must be 1900-9999");

	CHECK_INT(period_parse("SY1900", TODAY, &p, err, sizeof err), -1);
	CHECK_STR(err, "period 'SY1900': statistical year must be 1901-9999");
	CHECK_BAD("sy0999", TODAY, "statistical year must be 1901-9999");
	CHECK_BAD("SY26", TODAY, "statistical year must be SY and four digits");
	CHECK_BAD("SYabcd", TODAY, "statistical year");
	CHECK_BAD("SY20260", TODAY, "statistical year");
	CHECK_BAD("SY", TODAY, "statistical year");

	CHECK_INT(period_parse("2026-06-30..2026-01-01", TODAY, &p, err,
		      sizeof err),
	    -1);
	CHECK_STR(err,
	    "period '2026-06-30..2026-01-01': range ends before it starts");
	CHECK_BAD("2026..2027", TODAY, "range start: expected YYYY-MM-DD");
	CHECK_BAD("2026-01-01..2026-02-30", TODAY,
	    "range end: no such day: 2026-02 has 28 days");
	CHECK_BAD("2026-13-01..2026-02-01", TODAY,
	    "range start: month must be 01-12");
	CHECK_BAD("2026-01-01..", TODAY, "range end: expected YYYY-MM-DD");
	CHECK_BAD("..2026-01-01", TODAY, "range start: expected YYYY-MM-DD");
	CHECK_BAD("2026-01-01...2026-02-01", TODAY, "range end");
	CHECK_BAD("2026-01-01..2026-02-01..2026-03-01", TODAY, "range end");
	CHECK_BAD("2026-01-01 .. 2026-02-01", TODAY, "range start");
	CHECK_BAD("1899-12-31..2026-02-01", TODAY,
	    "range start: year must be 1900-9999");

	CHECK_BAD("", TODAY, "empty");
	CHECK_BAD(" 2026", TODAY, "white space");
	CHECK_BAD("2026 ", TODAY, "white space");
	/* Control bytes are echoed as '?'. */
	CHECK_INT(period_parse("2026\n", TODAY, &p, err, sizeof err), -1);
	CHECK_STR(err, "period '2026?': leading or trailing white space");
	CHECK_INT(period_parse("\t2026Q1", TODAY, &p, err, sizeof err), -1);
	CHECK_STR(err, "period '?2026Q1': leading or trailing white space");

	CHECK_INT(period_parse("abc", TODAY, &p, err, sizeof err), -1);
	CHECK_STR(err,
	    "period 'abc': unrecognised form; expected e.g. 2026, "
	    "SY2026, 2026H1, 2026Q3, 2026-11, 2026-11D2, 2026-11-05, "
	    "2026-01-01..2026-06-30, 2026YTD");
	CHECK_BAD("20261", TODAY, "unrecognised form");
	CHECK_BAD("26", TODAY, "unrecognised form");
	CHECK_BAD("2026X", TODAY, "unrecognised form");
	CHECK_BAD("2026YT", TODAY, "unrecognised form");
	CHECK_BAD("2026YTDX", TODAY, "unrecognised form");
	CHECK_BAD("2026 Q1", TODAY, "unrecognised form");
	CHECK_BAD("Q1 2026", TODAY, "unrecognised form");
	CHECK_BAD("2026/11", TODAY, "unrecognised form");
	/* Fullwidth digits fold to ASCII (doc/rules.md §13). */
	CHECK_PERIOD("\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x96", TODAY,
	    "2026-01-01", "2026-12-31");
	/* Non-ASCII is echoed as it was typed, not as '?'. */
	CHECK_INT(period_parse("2026年11月X", TODAY, &p, err, sizeof err), -1);
	CHECK_CONTAINS(err, "period '2026年11月X': ");
	CHECK_INT(period_parse("2026年13月", TODAY, &p, err, sizeof err), -1);
	CHECK_STR(err, "period '2026年13月': month must be 01-12");
}

/* 2026年 and 2026年11月 (doc/rules.md §13). */
static void
test_chinese(void)
{
	CHECK_PERIOD("2026年", TODAY, "2026-01-01", "2026-12-31");
	CHECK_PERIOD("2026年11月", TODAY, "2026-11-01", "2026-11-30");
	CHECK_PERIOD("2026年2月", TODAY, "2026-02-01", "2026-02-28");
	CHECK_PERIOD("2026年02月", TODAY, "2026-02-01", "2026-02-28");
	CHECK_PERIOD("２０２６年１１月", TODAY, "2026-11-01", "2026-11-30");
	CHECK_BAD("2026年0月", TODAY, "month must be 01-12");
	CHECK_BAD("2026年11", TODAY, "unrecognised form");
	CHECK_BAD("2026年11月5日", TODAY, "unrecognised form");
	CHECK_BAD("26年", TODAY, "unrecognised form");
}

/* The echo of the input is bounded, printable, and err never overflows. */
static void
test_error_buffers(void)
{
	char longin[200], err[200], small[10], want[64];
	period p = { 1, 2 };

	memset(longin, '7', sizeof longin - 1);
	longin[sizeof longin - 1] = '\0';
	CHECK_INT(period_parse(longin, TODAY, &p, err, sizeof err), -1);
	memset(want, '7', 40);
	strcpy(want + 40, "\xe2\x80\xa6': ");
	CHECK_CONTAINS(err, want);
	CHECK(strlen(err) < 200);
	CHECK_CONTAINS(err, "unrecognised form");

	CHECK_INT(period_parse("2026Q\x01\xe4", TODAY, &p, err, sizeof err),
	    -1);
	CHECK_STR(err, "period '2026Q?\?': quarter must be 1-4");

	CHECK_INT(period_parse("2026Q5", TODAY, &p, small, sizeof small), -1);
	CHECK_STR(small, "period '2");
	CHECK_INT(period_parse("2026Q5", TODAY, &p, small, 1), -1);
	CHECK_STR(small, "");
	strcpy(small, "untouched");
	CHECK_INT(period_parse("2026Q5", TODAY, &p, small, 0), -1);
	CHECK_STR(small, "untouched");
	CHECK_INT(period_parse("2026Q5", TODAY, &p, NULL, 0), -1);
	CHECK_INT(period_parse(NULL, TODAY, &p, err, sizeof err), -1);
	CHECK_CONTAINS(err, "empty");
	CHECK(p.start == 1 && p.end == 2);
}

static void
test_dekad_of(void)
{
	period p, q;
	int32_t d;
	int y, m, dd, k, bad = 0;
	char s[16];

	CHECK_INT(period_dekad_of(day_of("2026-11-01"), &p), 1);
	CHECK_INT(p.start, day_of("2026-11-01"));
	CHECK_INT(p.end, day_of("2026-11-10"));
	CHECK_INT(period_dekad_of(day_of("2026-11-10"), &p), 1);
	CHECK_INT(period_dekad_of(day_of("2026-11-11"), &p), 2);
	CHECK_INT(p.start, day_of("2026-11-11"));
	CHECK_INT(p.end, day_of("2026-11-20"));
	CHECK_INT(period_dekad_of(day_of("2026-11-20"), &p), 2);
	CHECK_INT(period_dekad_of(day_of("2026-11-21"), &p), 3);
	CHECK_INT(p.end, day_of("2026-11-30"));
	CHECK_INT(period_dekad_of(day_of("2026-12-31"), &p), 3);
	CHECK_INT(p.start, day_of("2026-12-21"));
	CHECK_INT(p.end, day_of("2026-12-31"));
	CHECK_INT(period_dekad_of(day_of("2024-02-29"), &p), 3);
	CHECK_INT(p.start, day_of("2024-02-21"));
	CHECK_INT(p.end, day_of("2024-02-29"));
	CHECK_INT(period_dekad_of(day_of("2026-02-21"), &p), 3);
	CHECK_INT(p.end, day_of("2026-02-28"));
	CHECK_INT(period_days(&p), 8);
	CHECK_INT(period_dekad_of(day_of("2026-02-15"), NULL), 2);

	/* Every day of 2024 and 2026 agrees with the "YYYY-MMDn" form. */
	for (d = day_of("2024-01-01"); d <= day_of("2026-12-31"); d++) {
		date_to_ymd(d, &y, &m, &dd);
		if (y == 2025)
			continue;
		k = period_dekad_of(d, &p);
		snprintf(s, sizeof s, "%04d-%02dD%d", y, m, k);
		if (period_parse(s, TODAY, &q, NULL, 0) != 0 ||
		    p.start != q.start || p.end != q.end || d < p.start ||
		    d > p.end)
			bad++;
	}
	CHECK_INT(bad, 0);
}

/* period_parse(s, today), then one year back, must give want_a..want_b. */
#define CHECK_LAST_YEAR(s, today, want_a, want_b)                              \
	do {                                                                   \
		period p_ = { -1, -1 }, q_ = { -1, -1 };                       \
		char e_[200] = "", a_[11], b_[11];                             \
		CHECK_INT(period_parse((s), (today), &p_, e_, sizeof e_), 0);  \
		period_last_year(&p_, &q_);                                    \
		CHECK_STR(date_format(q_.start, a_), (want_a));                \
		CHECK_STR(date_format(q_.end, b_), (want_b));                  \
	} while (0)

/* 同比 (doc/indicators.md §14): [a - 1 year, b - 1 year], 29 Feb -> 28 Feb. */
static void
test_last_year(void)
{
	period p, q;
	int32_t d;
	int bad = 0, y, m, dd, y2, m2, d2;

	CHECK_LAST_YEAR("2026", TODAY, "2025-01-01", "2025-12-31");
	CHECK_LAST_YEAR("2025", TODAY, "2024-01-01", "2024-12-31");
	CHECK_LAST_YEAR("SY2026", TODAY, "2024-10-01", "2025-09-30");
	CHECK_LAST_YEAR("SY2025", TODAY, "2023-10-01", "2024-09-30");
	CHECK_LAST_YEAR("2026H1", TODAY, "2025-01-01", "2025-06-30");
	CHECK_LAST_YEAR("2026Q3", TODAY, "2025-07-01", "2025-09-30");
	CHECK_LAST_YEAR("2026-11", TODAY, "2025-11-01", "2025-11-30");
	CHECK_LAST_YEAR("2026-11D2", TODAY, "2025-11-11", "2025-11-20");
	CHECK_LAST_YEAR("2026-11-05", TODAY, "2025-11-05", "2025-11-05");
	/* 29 February becomes 28 February, at either end. */
	CHECK_LAST_YEAR("2024-02", TODAY, "2023-02-01", "2023-02-28");
	CHECK_LAST_YEAR("2024-02D3", TODAY, "2023-02-21", "2023-02-28");
	CHECK_LAST_YEAR("2024-02-29", TODAY, "2023-02-28", "2023-02-28");
	CHECK_LAST_YEAR("2024-02-29..2025-02-27", TODAY, "2023-02-28",
	    "2024-02-27");
	/* Not the month's last day: a February of 28 days maps to 28 days. */
	CHECK_LAST_YEAR("2025-02", TODAY, "2024-02-01", "2024-02-28");
	CHECK_LAST_YEAR("2025-02D3", TODAY, "2024-02-21", "2024-02-28");
	CHECK_LAST_YEAR("2025-03-01", TODAY, "2024-03-01", "2024-03-01");
	CHECK_LAST_YEAR("2025-06-15..2026-03-10", TODAY, "2024-06-15",
	    "2025-03-10");
	/* YTD: up to today, or to --as-of; one year back. */
	CHECK_LAST_YEAR("2026YTD", TODAY, "2025-01-01", "2025-05-17");
	CHECK_LAST_YEAR("2026YTD", day_of("2026-06-30"), "2025-01-01",
	    "2025-06-30");
	CHECK_LAST_YEAR("2024YTD", day_of("2024-02-29"), "2023-01-01",
	    "2023-02-28");
	CHECK_LAST_YEAR("2025YTD", day_of("2025-02-28"), "2024-01-01",
	    "2024-02-28");
	/* Every day of 2020..2028: one year back keeps month and day. */
	for (d = day_of("2020-01-01"); d <= day_of("2028-12-31"); d++) {
		p.start = p.end = d;
		period_last_year(&p, &q);
		date_to_ymd(d, &y, &m, &dd);
		date_to_ymd(q.start, &y2, &m2, &d2);
		if (q.start != q.end || y2 != y - 1 || m2 != m ||
		    d2 != (m == 2 && dd == 29 ? 28 : dd))
			bad++;
	}
	CHECK_INT(bad, 0);
}

int
main(void)
{
	RUN(test_leap);
	RUN(test_day_numbers);
	RUN(test_round_trip);
	RUN(test_date_parse);
	RUN(test_date_format);
	RUN(test_today);
	RUN(test_year_days);
	RUN(test_years);
	RUN(test_statistical_years);
	RUN(test_halves_quarters);
	RUN(test_months);
	RUN(test_dekads);
	RUN(test_days_and_ranges);
	RUN(test_ytd);
	RUN(test_chinese);
	RUN(test_errors);
	RUN(test_error_buffers);
	RUN(test_dekad_of);
	RUN(test_last_year);
	return check_summary("test_period");
}
