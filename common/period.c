/*
 * period.c - reporting periods (doc/indicators.md §4).
 *
 * Every form starts with a four-digit year, except "SYyyyy" and ranges
 * "A..B"; the year is followed by nothing, "H", "Q", "YTD" or "-MM".  The
 * parser recognises the form first and then checks its parts, so an error
 * can name the part that is wrong.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "period.h"
#include "utf8.h"

/* At most this many bytes of the input are echoed in an error message. */
#define PERIOD_ECHO_MAX 40

#define PERIOD_UNRECOGNISED                                                    \
	"unrecognised form; expected e.g. 2026, SY2026, 2026H1, "              \
	"2026Q3, 2026-11, 2026-11D2, 2026-11-05, "                             \
	"2026-01-01..2026-06-30, 2026YTD"

/*
 * Write "period '<input>': <reason>" into err and return -1.  The echoed
 * input is cut to PERIOD_ECHO_MAX bytes on a character boundary (then "…"
 * follows) and every byte that is not valid UTF-8 becomes '?', so the
 * message is always short and valid UTF-8 whatever the input was, and
 * "2026年11月" reads as it was typed.
 */
static int __attribute__((format(printf, 4, 5)))
period_fail(const char *s, char *err, size_t errlen, const char *fmt, ...)
{
	char echo[PERIOD_ECHO_MAX + 8], reason[160];
	va_list ap;

	if (err == NULL || errlen == 0)
		return -1;
	utf8_echo(s, PERIOD_ECHO_MAX, echo, sizeof echo);
	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "period '%s': %s", echo, reason);
	return -1;
}

/*
 * "2026年" is "2026", "2026年11月" (or 2026年1月) is "2026-11": the
 * forms a Chinese clerk writes (doc/rules.md §13).  Returns s itself, or
 * the ASCII form in buf.
 */
static const char *
period_chinese(const char *s, char *buf, size_t cap)
{
	static const char nian[] = "\xe5\xb9\xb4", yue[] = "\xe6\x9c\x88";
	const char *p;
	int month = 0, n = 0;

	if (strlen(s) < 7 || strspn(s, "0123456789") != 4 ||
	    strncmp(s + 4, nian, 3) != 0)
		return s;
	p = s + 7;
	if (*p == '\0') {
		snprintf(buf, cap, "%.4s", s);
		return buf;
	}
	while (n < 2 && *p >= '0' && *p <= '9') {
		month = month * 10 + (*p++ - '0');
		n++;
	}
	if (n == 0 || strcmp(p, yue) != 0)
		return s;
	snprintf(buf, cap, "%.4s-%02d", s, month);
	return buf;
}

/* ASCII upper case of c, whatever the locale. */
static int
period_upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* Nonzero for an ASCII white-space byte, whatever the locale. */
static int
period_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f';
}

/* Nonzero when s equals the upper-case word w, ignoring ASCII case. */
static int
period_word(const char *s, const char *w)
{
	for (; *w != '\0'; s++, w++)
		if (period_upper((unsigned char)*s) != *w)
			return 0;
	return *s == '\0';
}

/* Store start..end in *out and return 0. */
static int
period_set(period *out, int32_t start, int32_t end)
{
	out->start = start;
	out->end = end;
	return 0;
}

/* "A..B": two full dates, A <= B; dots points at the first "..". */
static int
period_range(const char *s, const char *dots, period *out, char *err,
    size_t errlen)
{
	char why[96];
	int32_t a, b;

	if (date_parse_n(s, (size_t)(dots - s), &a, why, sizeof why) != 0)
		return period_fail(s, err, errlen, "range start: %s", why);
	if (date_parse(dots + 2, &b, why, sizeof why) != 0)
		return period_fail(s, err, errlen, "range end: %s", why);
	if (a > b)
		return period_fail(s, err, errlen,
		    "range ends before it starts");
	return period_set(out, a, b);
}

/* "SYyyyy": (yyyy-1)-10-01 .. yyyy-09-30; s points at the "SY". */
static int
period_statistical(const char *s, period *out, char *err, size_t errlen)
{
	int year;

	if (strlen(s + 2) != 4 || (year = date_digits(s + 2, 4)) < 0)
		return period_fail(s, err, errlen,
		    "statistical year must be SY and four digits, e.g. SY2026");
	/* The year starts in year - 1, which must itself be supported. */
	if (year < DATE_MIN_YEAR + 1 || year > DATE_MAX_YEAR)
		return period_fail(s, err, errlen,
		    "statistical year must be %d-%d", DATE_MIN_YEAR + 1,
		    DATE_MAX_YEAR);
	return period_set(out, date_from_ymd(year - 1, 10, 1),
	    date_from_ymd(year, 9, 30));
}

/*
 * "yyyy-MM", "yyyy-MMDn" (also "yyyy-MM-Dn", the form people write by
 * analogy with a day) or "yyyy-MM-DD"; rest points at the '-' after the
 * year, which is already checked.
 */
static int
period_month_form(const char *s, const char *rest, int year, period *out,
    char *err, size_t errlen)
{
	const char *p = rest + 1, *after;
	char why[96];
	int month, dekad, last;
	int32_t d;

	after = p;
	while (
	    *after != '\0' && *after != '-' && *after != 'D' && *after != 'd')
		after++;
	if (after - p != 2 || (month = date_digits(p, 2)) < 1 || month > 12)
		return period_fail(s, err, errlen, "month must be 01-12");
	last = date_days_in_month(year, month);
	if (after[0] == '-' && (after[1] == 'D' || after[1] == 'd'))
		after++;

	switch (*after) {
	case '\0':
		return period_set(out, date_from_ymd(year, month, 1),
		    date_from_ymd(year, month, last));
	case 'D':
	case 'd':
		if (after[1] < '1' || after[1] > '3' || after[2] != '\0')
			return period_fail(s, err, errlen,
			    "dekad must be D1, D2 or D3");
		dekad = after[1] - '0';
		return period_set(out,
		    date_from_ymd(year, month, dekad * 10 - 9),
		    date_from_ymd(year, month, dekad == 3 ? last : dekad * 10));
	default: /* '-': one day */
		if (date_parse(s, &d, why, sizeof why) != 0)
			return period_fail(s, err, errlen, "%s", why);
		return period_set(out, d, d);
	}
}

static int period_parse_ascii(const char *s, int32_t today, period *out,
    char *err, size_t errlen);

/*
 * Parse s into *out (see period.h), the Chinese forms too; an error
 * names the period as it was written.
 */
int
period_parse(const char *s, int32_t today, period *out, char *err,
    size_t errlen)
{
	char buf[16], why[200], folded[64];
	const char *a, *f = s;

	if (s == NULL)
		s = f = "";
	/* Full-width digits and letters (２０２６年) read as ASCII. */
	if (strlen(s) < sizeof folded) {
		utf8_fold(s, folded);
		f = folded;
	}
	a = period_chinese(f, buf, sizeof buf);
	if (strcmp(a, s) == 0)
		return period_parse_ascii(s, today, out, err, errlen);
	if (period_parse_ascii(a, today, out, why, sizeof why) == 0)
		return 0;
	/* "period '2026-13': month must be 01-12" names the ASCII form. */
	a = strstr(why, "': ");
	return period_fail(s, err, errlen, "%s", a ? a + 3 : why);
}

/*
 * Parse s into *out (see period.h).  Returns 0, or -1 with
 * "period '<s>': <reason>" in err naming the bad part; *out is untouched
 * on error.
 */
static int
period_parse_ascii(const char *s, int32_t today, period *out, char *err,
    size_t errlen)
{
	const char *rest, *dots;
	char buf[11];
	int year, n;
	size_t len;
	period p;

	if (s == NULL)
		s = "";
	len = strlen(s);
	if (len == 0)
		return period_fail(s, err, errlen, "empty period");
	if (period_space((unsigned char)s[0]) ||
	    period_space((unsigned char)s[len - 1]))
		return period_fail(s, err, errlen,
		    "leading or trailing white space");

	if ((dots = strstr(s, "..")) != NULL)
		return period_range(s, dots, out, err, errlen);
	if (period_upper((unsigned char)s[0]) == 'S' &&
	    period_upper((unsigned char)s[1]) == 'Y')
		return period_statistical(s, out, err, errlen);

	if (len < 4 || (year = date_digits(s, 4)) < 0)
		return period_fail(s, err, errlen, PERIOD_UNRECOGNISED);
	rest = s + 4;
	switch (period_upper((unsigned char)*rest)) {
	case '\0':
	case 'H':
	case 'Q':
	case '-': break;
	case 'Y':
		if (period_word(rest, "YTD"))
			break;
		/* FALLTHROUGH */
	default: return period_fail(s, err, errlen, PERIOD_UNRECOGNISED);
	}
	if (year < DATE_MIN_YEAR || year > DATE_MAX_YEAR)
		return period_fail(s, err, errlen, "year must be %d-%d",
		    DATE_MIN_YEAR, DATE_MAX_YEAR);

	switch (period_upper((unsigned char)*rest)) {
	case '\0':
		return period_set(out, date_from_ymd(year, 1, 1),
		    date_from_ymd(year, 12, 31));
	case 'H':
		if (rest[1] < '1' || rest[1] > '2' || rest[2] != '\0')
			return period_fail(s, err, errlen,
			    "half must be 1 or 2");
		n = rest[1] - '0';
		return period_set(out, date_from_ymd(year, n * 6 - 5, 1),
		    date_from_ymd(year, n * 6, n == 1 ? 30 : 31));
	case 'Q':
		if (rest[1] < '1' || rest[1] > '4' || rest[2] != '\0')
			return period_fail(s, err, errlen,
			    "quarter must be 1-4");
		n = rest[1] - '0';
		return period_set(out, date_from_ymd(year, n * 3 - 2, 1),
		    date_from_ymd(year, n * 3,
			date_days_in_month(year, n * 3)));
	case 'Y':
		p.start = date_from_ymd(year, 1, 1);
		p.end = date_from_ymd(year, 12, 31);
		if (today < p.start)
			return period_fail(s, err, errlen,
			    "year %04d has not begun (today is %s)", year,
			    date_format(today, buf));
		return period_set(out, p.start, today < p.end ? today : p.end);
	default: /* '-' */
		return period_month_form(s, rest, year, out, err, errlen);
	}
}

/*
 * Number of days in p, end - start + 1.
 */
int
period_days(const period *p)
{
	return (int)(p->end - p->start + 1);
}

/*
 * The dekad (1: days 1-10, 2: 11-20, 3: 21-end of month) containing day d.
 * Stores its first and last day in *out unless out is NULL.
 */
int
period_dekad_of(int32_t d, period *out)
{
	int year, month, day, dekad, last;

	date_to_ymd(d, &year, &month, &day);
	dekad = day <= 10 ? 1 : day <= 20 ? 2 : 3;
	if (out != NULL) {
		last =
		    dekad == 3 ? date_days_in_month(year, month) : dekad * 10;
		period_set(out, date_from_ymd(year, month, dekad * 10 - 9),
		    date_from_ymd(year, month, last));
	}
	return dekad;
}

/* Day d one year earlier; 29 February becomes 28 February. */
static int32_t
period_year_back(int32_t d)
{
	int year, month, day;

	date_to_ymd(d, &year, &month, &day);
	if (month == 2 && day == 29)
		day = 28;
	return date_from_ymd(year - 1, month, day);
}

void
period_last_year(const period *p, period *out)
{
	period_set(out, period_year_back(p->start), period_year_back(p->end));
}
