/*
 * fuzz_period.c - period_parse() (common/period.c) with a fixed today.
 *
 * On success: start <= end, period_days() > 0, both ends real dates of the
 * supported years, a YTD period not past today, and the same period written
 * as a canonical "A..B" range parses to itself.  On failure: *out is left
 * alone and the message is "period '...': ...", one line of valid UTF-8,
 * also when the error buffer is tiny (it is allocated to size, so ASan
 * sees a write past it).
 */
#include "fuzz.h"

#include "date.h"
#include "period.h"
#include "utf8.h"

/* Nonzero for the YTD form: ends in "YTD", any case, and is no range. */
static int
is_ytd(const char *s, size_t len)
{
	return len >= 3 && strstr(s, "..") == NULL &&
	    (s[len - 3] == 'Y' || s[len - 3] == 'y') &&
	    (s[len - 2] == 'T' || s[len - 2] == 't') &&
	    (s[len - 1] == 'D' || s[len - 1] == 'd');
}

static void
check_message(const char *err)
{
	FUZZ_CHECK(strncmp(err, "period '", 8) == 0);
	FUZZ_CHECK(utf8_valid(err, strlen(err)));
	FUZZ_CHECK(strchr(err, '\n') == NULL && strchr(err, '\r') == NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const period untouched = { -12345, -54321 };
	int32_t today = date_from_ymd(2026, 11, 28);
	int32_t lo = date_from_ymd(DATE_MIN_YEAR, 1, 1);
	int32_t hi = date_from_ymd(DATE_MAX_YEAR, 12, 31);
	char err[256], range[32], a[11], b[11], *s, *small;
	size_t len, errlen;
	period p = untouched, q;
	int rc, rc2;

	if (size > 4096)
		return 0;
	s = fuzz_cstr(data, size, &len);
	memset(err, 'x', sizeof err);
	rc = period_parse(s, today, &p, err, sizeof err);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == 0) {
		FUZZ_CHECK(p.start <= p.end);
		FUZZ_CHECK(period_days(&p) > 0);
		FUZZ_CHECK(period_days(&p) == p.end - p.start + 1);
		FUZZ_CHECK(p.start >= lo && p.end <= hi);
		if (is_ytd(s, len))
			FUZZ_CHECK(p.end <= today);
		/* The same period as an explicit range. */
		snprintf(range, sizeof range, "%s..%s", date_format(p.start, a),
		    date_format(p.end, b));
		FUZZ_CHECK(period_parse(range, today, &q, err, sizeof err) == 0);
		FUZZ_CHECK(q.start == p.start && q.end == p.end);
	} else {
		FUZZ_CHECK(p.start == untouched.start &&
		    p.end == untouched.end);
		FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
		check_message(err);
	}

	/* The same parse with a tight error buffer: same result, no overflow. */
	errlen = 1 + (size > 0 ? data[0] % 24 : 0);
	small = malloc(errlen);
	FUZZ_CHECK(small != NULL);
	memset(small, 'x', errlen);
	q = untouched;
	rc2 = period_parse(s, today, &q, small, errlen);
	FUZZ_CHECK(rc2 == rc);
	if (rc == 0)
		FUZZ_CHECK(q.start == p.start && q.end == p.end);
	else
		FUZZ_CHECK(memchr(small, '\0', errlen) != NULL);
	/* And without one. */
	FUZZ_CHECK(period_parse(s, today, &q, NULL, 0) == rc);
	free(small);
	free(s);
	return 0;
}
