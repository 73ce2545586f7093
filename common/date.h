/*
 * date.h - calendar dates as day numbers.
 *
 * A day number is the count of days since 1970-01-01 (negative before it),
 * proleptic Gregorian calendar.  Every date in popstat is handled as a day
 * number; text form is always YYYY-MM-DD.
 */
#ifndef POPSTAT_DATE_H
#define POPSTAT_DATE_H

#include <stddef.h>
#include <stdint.h>

#define DATE_MIN_YEAR 1900
#define DATE_MAX_YEAR 9999

int date_is_leap(int year);
int date_days_in_month(int year, int month);         /* month 1..12 */
int32_t date_from_ymd(int year, int month, int day); /* no validation */
void date_to_ymd(int32_t d, int *year, int *month, int *day);

/*
 * Parse exactly "YYYY-MM-DD" (four, two, two digits) at s[0..len).  Checks
 * that it is a real calendar date with year in DATE_MIN_YEAR..DATE_MAX_YEAR.
 * Returns 0 and stores the day number, or -1 with a short reason in err
 * ("expected YYYY-MM-DD", "no such day: month 2 has 28 days", ...).
 */
int
date_parse_n(const char *s, size_t len, int32_t *out, char *err, size_t errlen);
int date_parse(const char *s, int32_t *out, char *err, size_t errlen);
/* Value of the n ASCII digits at s, or -1 if any of them is not a digit. */
int date_digits(const char *s, size_t n);

/*
 * Parse one of the date forms a register may hold (doc/rules.md §13):
 * YYYY-MM-DD, YYYY-M-D, YYYY/M/D, YYYY.M.D, YYYY年M月D日 and YYYYMMDD
 * (month and day of one or two digits in the separated forms).  Nothing
 * day-first or with a two-digit year is guessed.  Same results as
 * date_parse().
 */
int date_parse_any(const char *s, int32_t *out, char *err, size_t errlen);

/* Write "YYYY-MM-DD" and a NUL into buf (at least 11 bytes). Returns buf. */
char *date_format(int32_t d, char *buf);

/* Today's date in local time. */
int32_t date_today(void);

/*
 * Length of the year that begins on day d: 366 if the 365 days starting at d
 * include a 29 February, else 365.
 */
int date_year_days(int32_t d);

#endif
