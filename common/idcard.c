/*
 * idcard.c - resident ID numbers as mother_id (doc/rules.md §13).
 *
 * An 18-character ID is 6 digits of area, 8 of birth date (YYYYMMDD), 3 of
 * sequence and a check character: sum the first 17 digits times the
 * weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, take the remainder mod 11,
 * and 0..10 give "10X98765432".  The old 15-digit ID has a 6-digit date
 * YYMMDD of the 1900s and no check character; it becomes the 18-character
 * ID of the same person by inserting "19" after the area and appending the
 * check character, so both forms of one mother hash alike.
 */
#include "idcard.h"

#include <stdio.h>
#include <string.h>

#include "date.h"
#include "utf8.h"

static const int idcard_weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10,
	5, 8, 4, 2 };

int
idcard_normalise(const char *s, char *out, size_t cap)
{
	char buf[256];
	size_t n, i, o = 0;

	if (strlen(s) >= sizeof buf)
		return -1;
	n = utf8_fold(s, buf);
	i = 0;
	while (i < n && (buf[i] == '\'' || buf[i] == ' ' || buf[i] == '\t'))
		i++;
	for (; i < n; i++) {
		char c = buf[i];

		if (c == ' ')
			continue;
		if (c == 'x')
			c = 'X';
		if (o + 1 >= cap)
			return -1;
		out[o++] = c;
	}
	while (o > 0 && out[o - 1] == '\t')
		o--;
	if (cap == 0)
		return -1;
	out[o] = '\0';
	return (int)o;
}

char
idcard_check_char(const char *s17)
{
	int i, sum = 0;

	for (i = 0; i < 17; i++)
		sum += (s17[i] - '0') * idcard_weights[i];
	return "10X98765432"[sum % 11];
}

static int
all_digits(const char *s, size_t n)
{
	return strspn(s, "0123456789") >= n;
}

/* The date of the n digits YYYYMMDD at s, or -1 when there is none. */
static int
idcard_date(const char *s, int32_t *out)
{
	char iso[11];

	snprintf(iso, sizeof iso, "%.4s-%.2s-%.2s", s, s + 4, s + 6);
	return date_parse(iso, out, NULL, 0);
}

/* "3.60732E+17", "3.60732e17", "3E+17": what Excel shows a big number as. */
static int
scientific(const char *s)
{
	const char *p = s;

	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p != 'E' && *p != 'e')
		return 0;
	p++;
	if (*p == '+' || *p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '\0';
}

int
idcard_check(const char *id, int32_t day, char *out, size_t cap,
    char reasons[][160], size_t nreasons)
{
	size_t len = strlen(id);
	int bad = 0;
	int32_t born;
	char d[11];

	if (cap < len + 1 || cap < 19 || nreasons < 2)
		return -1;
	if (scientific(id)) {
		snprintf(reasons[bad++], 160, "%s", IDCARD_DAMAGED);
		return bad;
	}
	if (len == 18 && all_digits(id, 17) &&
	    (id[17] == 'X' || (id[17] >= '0' && id[17] <= '9'))) {
		if (idcard_date(id + 6, &born) < 0)
			snprintf(reasons[bad++], 160,
			    "birth date %.8s is not a"
			    " date",
			    id + 6);
		else if (born > day)
			snprintf(reasons[bad++], 160,
			    "birth date %.8s is after"
			    " the record's date %s",
			    id + 6, date_format(day, d));
		if (idcard_check_char(id) != id[17])
			snprintf(reasons[bad++], 160,
			    "check character should"
			    " be %c",
			    idcard_check_char(id));
		if (bad)
			return bad;
		memcpy(out, id, 19);
		return 0;
	}
	if (len == 15 && all_digits(id, 15)) {
		char full[19];

		memcpy(full, id, 6);
		full[6] = '1';
		full[7] = '9';
		memcpy(full + 8, id + 6, 9);
		if (idcard_date(full + 6, &born) == 0) {
			if (born > day) {
				snprintf(reasons[bad++], 160,
				    "birth date %.8s"
				    " is after the record's date %s",
				    full + 6, date_format(day, d));
				return bad;
			}
			full[17] = idcard_check_char(full);
			full[18] = '\0';
			memcpy(out, full, 19);
			return 0;
		}
	}
	memcpy(out, id, len + 1);
	return 0;
}

int
idcard_number_damaged(const char *cell)
{
	return strlen(cell) == 18 && all_digits(cell, 18) &&
	    strcmp(cell + 15, "000") == 0;
}
