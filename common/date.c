/*
 * date.c - calendar dates as day numbers (proleptic Gregorian).
 *
 * Conversions use the closed-form days-from-civil / civil-from-days
 * algorithms (H. Hinnant): the calendar is split into 400-year eras of
 * 146097 days, each starting on 1 March so that the leap day is the last
 * day of its year.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* localtime_r */
#endif

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "date.h"

#define DAYS_PER_ERA 146097 /* days in 400 Gregorian years */
#define EPOCH_SHIFT 719468  /* days from 0000-03-01 to 1970-01-01 */

/*
 * Nonzero when year is a Gregorian leap year: divisible by 4, except
 * centuries not divisible by 400.
 */
int
date_is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/*
 * Days in month (1..12) of year; 0 for a month outside 1..12.
 */
int
date_days_in_month(int year, int month)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };

	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && date_is_leap(year))
		return 29;
	return days[month - 1];
}

/*
 * Day number of year-month-day.  No validation: the caller passes a real
 * date (month 1..12, day 1..date_days_in_month()).
 */
int32_t
date_from_ymd(int year, int month, int day)
{
	int64_t y, era, yoe, doy, doe;

	y = (int64_t)year - (month <= 2);
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400; /* [0, 399] */
	doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* [0, 146096] */
	return (int32_t)(era * DAYS_PER_ERA + doe - EPOCH_SHIFT);
}

/*
 * Split day number d into year, month (1..12) and day of month.
 */
void
date_to_ymd(int32_t d, int *year, int *month, int *day)
{
	int64_t z, era, doe, yoe, y, doy, mp, m;

	z = (int64_t)d + EPOCH_SHIFT;
	era = (z >= 0 ? z : z - (DAYS_PER_ERA - 1)) / DAYS_PER_ERA;
	doe = z - era * DAYS_PER_ERA; /* [0, 146096] */
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100); /* [0, 365] */
	mp = (5 * doy + 2) / 153;                      /* [0, 11] */
	m = mp < 10 ? mp + 3 : mp - 9;

	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)m;
	*year = (int)(y + (m <= 2));
}

/* Store a reason in err if there is room for one; always NUL-terminated. */
static void __attribute__((format(printf, 3, 4)))
date_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int
date_digits(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * Parse exactly "YYYY-MM-DD" at s[0..len).  Returns 0 and stores the day
 * number in *out, or -1 with a short reason in err: "expected YYYY-MM-DD",
 * "year must be 1900-9999", "month must be 01-12" or
 * "no such day: 2026-02 has 28 days".  *out is untouched on error.
 */
int
date_parse_n(const char *s, size_t len, int32_t *out, char *err, size_t errlen)
{
	int year, month, day, dim;

	if (s == NULL || len != 10 || s[4] != '-' || s[7] != '-' ||
	    (year = date_digits(s, 4)) < 0 ||
	    (month = date_digits(s + 5, 2)) < 0 ||
	    (day = date_digits(s + 8, 2)) < 0) {
		date_error(err, errlen, "expected YYYY-MM-DD");
		return -1;
	}
	if (year < DATE_MIN_YEAR || year > DATE_MAX_YEAR) {
		date_error(err, errlen, "year must be %d-%d", DATE_MIN_YEAR,
		    DATE_MAX_YEAR);
		return -1;
	}
	if (month < 1 || month > 12) {
		date_error(err, errlen, "month must be 01-12");
		return -1;
	}
	dim = date_days_in_month(year, month);
	if (day < 1 || day > dim) {
		date_error(err, errlen, "no such day: %04d-%02d has %d days",
		    year, month, dim);
		return -1;
	}
	*out = date_from_ymd(year, month, day);
	return 0;
}

/*
 * date_parse_n() on the whole NUL-terminated string s.
 */
int
date_parse(const char *s, int32_t *out, char *err, size_t errlen)
{
	size_t len = 0;

	/* Stop counting past 11: anything longer is wrong anyway. */
	if (s != NULL)
		while (len < 11 && s[len] != '\0')
			len++;
	return date_parse_n(s, len, out, err, errlen);
}

/* Read 1 or 2 digits at *p (at most max); -1 if none. */
static int
date_small(const char **p, int max)
{
	int v = 0, n = 0;

	while (n < max && **p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n ? v : -1;
}

int
date_parse_any(const char *s, int32_t *out, char *err, size_t errlen)
{
	char canon[40];
	const char *p, *sep2;
	int year, month, day;
	size_t sl;

	if (s == NULL)
		return date_parse(s, out, err, errlen);
	/* YYYYMMDD */
	if (strlen(s) == 8 && strspn(s, "0123456789") == 8) {
		snprintf(canon, sizeof canon, "%.4s-%.2s-%.2s", s, s + 4,
		    s + 6);
		return date_parse(canon, out, err, errlen);
	}
	if ((year = date_digits(s, 4)) < 0)
		return date_parse(s, out, err, errlen);
	p = s + 4;
	if (*p == '-' || *p == '/' || *p == '.') {
		sep2 = p;
		sl = 1;
	} else if (strncmp(p, "\xe5\xb9\xb4", 3) == 0) { /* 年 */
		sep2 = NULL;
		sl = 3;
	} else
		return date_parse(s, out, err, errlen);
	p += sl;
	if ((month = date_small(&p, 2)) < 0)
		return date_parse(s, out, err, errlen);
	if (sep2 != NULL) {
		if (*p != *sep2)
			return date_parse(s, out, err, errlen);
		p++;
	} else if (strncmp(p, "\xe6\x9c\x88", 3) == 0) /* 月 */
		p += 3;
	else
		return date_parse(s, out, err, errlen);
	if ((day = date_small(&p, 2)) < 0)
		return date_parse(s, out, err, errlen);
	if (sep2 == NULL && strncmp(p, "\xe6\x97\xa5", 3) == 0) /* 日 */
		p += 3;
	if (*p != '\0' || month > 99 || day > 99)
		return date_parse(s, out, err, errlen);
	snprintf(canon, sizeof canon, "%04d-%02d-%02d", year, month, day);
	return date_parse(canon, out, err, errlen);
}

/* Write the n-digit zero-padded decimal v at p. */
static void
date_put_digits(char *p, int v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/*
 * Write "YYYY-MM-DD" and a NUL into buf (at least 11 bytes); returns buf.
 * A day number outside years 0000..9999 has no such form: it is clamped to
 * 0000-01-01 or 9999-12-31 so the output never exceeds 11 bytes.
 */
char *
date_format(int32_t d, char *buf)
{
	int year, month, day;

	date_to_ymd(d, &year, &month, &day);
	if (year < 0) {
		year = 0;
		month = day = 1;
	} else if (year > 9999) {
		year = 9999;
		month = 12;
		day = 31;
	}
	date_put_digits(buf, year, 4);
	buf[4] = '-';
	date_put_digits(buf + 5, month, 2);
	buf[7] = '-';
	date_put_digits(buf + 8, day, 2);
	buf[10] = '\0';
	return buf;
}

/*
 * Today's date in local time.  Falls back to the UTC date if the local time
 * cannot be determined.
 */
int32_t
date_today(void)
{
	time_t now = time(NULL);
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL)
		return (int32_t)(now / 86400);
	return date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/*
 * Length of the year that begins on day d: 366 if d..d+364 includes a
 * 29 February, else 365.  So a whole calendar or statistical year has
 * date_year_days(start) equal to its number of days.
 */
int
date_year_days(int32_t d)
{
	int year, month, day, y;
	int32_t feb29;

	date_to_ymd(d, &year, &month, &day);
	/* The only 29 Februaries that can fall in range: this year's, next. */
	for (y = year; y <= year + 1; y++) {
		if (!date_is_leap(y))
			continue;
		feb29 = date_from_ymd(y, 2, 29);
		if (feb29 >= d && feb29 <= d + 364)
			return 366;
	}
	return 365;
}
