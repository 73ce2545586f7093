/*
 * sheet_num.c - numbers, date serials and date formats as the workbook
 * readers show them (sheet_num.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "sheet_num.h"

int
sheet_num_format(double v, char *buf)
{
	char m[32];
	int exp, nd, i;
	char *p, *e;
	size_t n = 0;

	buf[0] = '\0';
	if (!isfinite(v))
		return -1;
	if (v == 0) {
		strcpy(buf, "0"); /* also -0 */
		return 0;
	}
	if (v != floor(v)) {
		snprintf(buf, SHEET_NUM_MAX, "%.15g", v);
		return 0;
	}
	if (fabs(v) < 1e15) {
		/* At most 15 digits: exact. */
		snprintf(buf, SHEET_NUM_MAX, "%.0f", v);
		return 0;
	}
	/* 15 significant digits, rounded as Excel rounds them, then zeros. */
	snprintf(m, sizeof m, "%.14e", fabs(v));
	e = strchr(m, 'e');
	if (e == NULL)
		return -1;
	exp = (int)strtol(e + 1, NULL, 10);
	if (v < 0)
		buf[n++] = '-';
	nd = 0;
	for (p = m; p < e; p++) {
		if (*p < '0' || *p > '9')
			continue;
		if (nd <= exp)
			buf[n++] = *p;
		nd++;
	}
	for (i = nd; i <= exp; i++)
		buf[n++] = '0';
	buf[n] = '\0';
	return 0;
}

int
sheet_num_serial_date(double v, int date1904, char *buf)
{
	double f;
	long s;
	int32_t d;

	buf[0] = '\0';
	if (!isfinite(v) || v < 0)
		return -1;
	/* Excel shows a time within half a millisecond of midnight as the
	 * next day. */
	f = floor(v + 0.5 / 86400000.0);
	if (f > 2958465) /* 9999-12-31 in the 1900 system */
		return -1;
	s = (long)f;
	if (date1904) {
		d = date_from_ymd(1904, 1, 1) + (int32_t)s;
		if (d > date_from_ymd(9999, 12, 31))
			return -1;
	} else if (s == 0) {
		strcpy(buf, "1900-01-00"); /* as Excel shows it */
		return 0;
	} else if (s == 60) {
		strcpy(buf, "1900-02-29");
		return 0;
	} else if (s < 60) {
		d = date_from_ymd(1899, 12, 31) + (int32_t)s;
	} else {
		d = date_from_ymd(1899, 12, 30) + (int32_t)s;
	}
	date_format(d, buf);
	return 0;
}

int
sheet_num_builtin_is_date(long id)
{
	return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) ||
	    (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

int
sheet_num_code_is_date(const char *code)
{
	const char *p;

	for (p = code; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			p = strchr(p + 1, '"');
			if (p == NULL)
				return 0;
			break;
		case '[':
			p = strchr(p + 1, ']');
			if (p == NULL)
				return 0;
			break;
		case '\\':
		case '_':
		case '*':
			if (p[1] == '\0')
				return 0;
			p++;
			break;
		case 'd':
		case 'D':
		case 'm':
		case 'M':
		case 'y':
		case 'Y':
		case 'h':
		case 'H': return 1;
		default: break;
		}
	}
	return 0;
}
