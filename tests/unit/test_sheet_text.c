/*
 * test_sheet_text.c - unit tests of common/sheet_text.c through sheet.h:
 * each encoding of doc/rules.md §13 (BOM, UTF-8, GB18030, UTF-16LE/BE),
 * --encoding, the refusal naming the undecodable line, tab or comma from
 * the header, line numbers, and files larger than one read chunk.
 */
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "sheet.h"

static char err[512];

/* Convert UTF-8 text to another encoding with iconv; caller frees. */
static char *
convert(const char *to, const char *s, size_t *outlen)
{
	size_t inleft = strlen(s), cap = inleft * 4 + 16, outleft = cap;
	char *out = malloc(cap), *in = (char *)s, *op = out;
	iconv_t cd = iconv_open(to, "UTF-8");

	iconv(cd, &in, &inleft, &op, &outleft);
	iconv_close(cd);
	*outlen = cap - outleft;
	return out;
}

/* Prepend bytes (a BOM) to a buffer; caller frees. */
static char *
prefixed(const char *pre, size_t np, const char *s, size_t n, size_t *len)
{
	char *b = malloc(np + n);

	memcpy(b, pre, np);
	memcpy(b + np, s, n);
	*len = np + n;
	return b;
}

/* Read all rows of a buffer into one "a|b;c|d;" string (row numbers too). */
static char *
rows_of(const void *data, size_t len, const char *enc, const char **fmt)
{
	static char out[8192], f[64];
	struct sheet_opts o = { NULL, enc };
	sheet *s;
	size_t i, o2 = 0;
	int rc;

	out[0] = '\0';
	err[0] = '\0';
	if ((s = sheet_open_mem(data, len, "x.csv", &o, err, sizeof err)) ==
	    NULL)
		return NULL;
	while ((rc = sheet_next(s, err, sizeof err)) != 0) {
		if (rc < 0) {
			o2 += (size_t)snprintf(out + o2, sizeof out - o2,
			    "[%s]", err);
			if (sheet_fatal(s))
				break;
			continue;
		}
		o2 += (size_t)snprintf(out + o2, sizeof out - o2,
		    "%ld:", sheet_row(s));
		for (i = 0; i < sheet_ncells(s); i++)
			o2 += (size_t)snprintf(out + o2, sizeof out - o2,
			    "%s%s", i ? "|" : "", sheet_cell(s, i));
		o2 += (size_t)snprintf(out + o2, sizeof out - o2, ";");
		if (o2 >= sizeof out - 1)
			break;
	}
	snprintf(f, sizeof f, "%s", sheet_format(s));
	*fmt = f;
	sheet_free(s);
	return out;
}

static const char sample[] = "编号,单位,出生日期\r\nb1,城关镇,2025年5月5日\r\n"
			     "b2,\"城,关\",2025/5/5\r\n";
static const char sample_rows[] =
    "1:编号|单位|出生日期;2:b1|城关镇|2025年5月5日;"
    "3:b2|城,关|2025/5/5;";

static void
test_utf8(void)
{
	const char *fmt = "";
	char *b;
	size_t n;

	CHECK_STR(rows_of(sample, strlen(sample), NULL, &fmt), sample_rows);
	CHECK_STR(fmt, "CSV (UTF-8)");
	b = prefixed("\xef\xbb\xbf", 3, sample, strlen(sample), &n);
	CHECK_STR(rows_of(b, n, NULL, &fmt), sample_rows);
	CHECK_STR(fmt, "CSV (UTF-8)");
	free(b);
	/* Invalid UTF-8 under --encoding utf-8: the row says so. */
	CHECK(strstr(rows_of("a,b\n\xff,c\n", 8, "utf-8", &fmt),
		  "invalid UTF-8") != NULL);
}

static void
test_gb18030(void)
{
	const char *fmt = "";
	char *g;
	size_t n;

	g = convert("GB18030", sample, &n);
	CHECK(n < strlen(sample)); /* two bytes a character, not three */
	CHECK_STR(rows_of(g, n, NULL, &fmt), sample_rows);
	CHECK_STR(fmt, "CSV (GB18030)");
	CHECK_STR(rows_of(g, n, "gb18030", &fmt), sample_rows);
	/* GBK bytes of 出生 (B3 F6 C9 FA), as Excel on Chinese Windows. */
	CHECK_STR(rows_of("a,\xb3\xf6\xc9\xfa\r\n", 8, NULL, &fmt),
	    "1:a|出生;");
	free(g);
}

static void
test_utf16(void)
{
	const char *fmt = "";
	char *u, *b;
	size_t n, m;

	u = convert("UTF-16LE", sample, &n);
	b = prefixed("\xff\xfe", 2, u, n, &m);
	CHECK_STR(rows_of(b, m, NULL, &fmt), sample_rows);
	CHECK_STR(fmt, "CSV (UTF-16)");
	/* --encoding utf-16 without a BOM: little-endian. */
	CHECK_STR(rows_of(u, n, "utf-16", &fmt), sample_rows);
	free(u);
	free(b);
	u = convert("UTF-16BE", sample, &n);
	b = prefixed("\xfe\xff", 2, u, n, &m);
	CHECK_STR(rows_of(b, m, NULL, &fmt), sample_rows);
	free(u);
	free(b);
	/* Excel's "Unicode text": UTF-16LE, tabs. */
	u = convert("UTF-16LE", "编号\t单位\r\nb1\t城关镇\r\n", &n);
	b = prefixed("\xff\xfe", 2, u, n, &m);
	CHECK_STR(rows_of(b, m, NULL, &fmt), "1:编号|单位;2:b1|城关镇;");
	CHECK_STR(fmt, "tab-separated text (UTF-16)");
	free(u);
	free(b);
}

static void
test_separator(void)
{
	const char *fmt = "";

	CHECK_STR(rows_of("a\tb\tc\n1\t2,5\t3\n", 14, NULL, &fmt),
	    "1:a|b|c;2:1|2,5|3;");
	CHECK_STR(fmt, "tab-separated text (UTF-8)");
	CHECK_STR(rows_of("a,b\tc\n1,2\t3\n", 12, NULL, &fmt),
	    "1:a|b\tc;2:1|2\t3;");
	CHECK_STR(fmt, "CSV (UTF-8)");
	/* Tabs inside quotes do not count. */
	CHECK_STR(rows_of("\"a\t\t\",b\n", 8, NULL, &fmt), "1:a\t\t|b;");
}

static void
test_refused(void)
{
	const char *fmt = "";
	char *out;
	sheet *s;

	/* 0xFF is neither UTF-8 nor GB18030: line 3 is named. */
	s = sheet_open_mem("a,b\nc,d\ne,\xff\xff\n", 13, "x.csv", NULL, err,
	    sizeof err);
	CHECK(s == NULL);
	CHECK(strstr(err, "line 3 cannot be read") != NULL);
	CHECK(strstr(err, "\"CSV UTF-8\"") != NULL);
	CHECK(strstr(err, "--encoding") != NULL);
	/* A GBK file whose third line is broken: line 3 too. */
	s = sheet_open_mem("\xb3\xf6,b\nc,d\ne,\xff\n", 13, "x.csv", NULL, err,
	    sizeof err);
	CHECK(s == NULL);
	CHECK(strstr(err, "line 3 cannot be read") != NULL);
	/* A forced encoding that the bytes break: fatal at that line. */
	out = rows_of("a,b\nc,\xff\n", 8, "gb18030", &fmt);
	CHECK(out != NULL &&
	    strstr(out,
		"1:a|b;[line 2: the file is not valid"
		" GB18030 text here") != NULL);
	s = sheet_open_mem("a\n", 2, "x.csv",
	    &(struct sheet_opts){ NULL, "latin9" }, err, sizeof err);
	CHECK(s == NULL);
	CHECK(strstr(err, "unknown encoding") != NULL);
}

/* A file of several read chunks: characters cut at chunk ends survive. */
static void
test_large(void)
{
	const char *encs[] = { "GB18030", "UTF-16LE", "UTF-8" };
	size_t cap = 400000, o = 0, n, i, e, rows;
	char *text = malloc(cap), *conv;
	long lastrow;
	sheet *s;
	int rc, bad;

	o = (size_t)snprintf(text, cap, "编号,单位\r\n");
	for (i = 0; o + 64 < cap; i++)
		o += (size_t)snprintf(text + o, cap - o, "r%zu,城关镇乡%zu\r\n",
		    i, i % 7);
	for (e = 0; e < 3; e++) {
		char pre[2] = { '\xff', '\xfe' };

		conv = convert(encs[e], text, &n);
		if (e == 1) {
			char *b = prefixed(pre, 2, conv, n, &n);

			free(conv);
			conv = b;
		}
		s = sheet_open_mem(conv, n, "big.txt", NULL, err, sizeof err);
		CHECK(s != NULL);
		if (s == NULL) {
			fprintf(stderr, "%s\n", err);
			free(conv);
			continue;
		}
		rows = 0;
		bad = 0;
		lastrow = 0;
		while ((rc = sheet_next(s, err, sizeof err)) == 1) {
			char want[32];

			if (rows > 0) {
				snprintf(want, sizeof want, "城关镇乡%zu",
				    (rows - 1) % 7);
				bad += strcmp(sheet_cell(s, 1), want) != 0;
			}
			lastrow = sheet_row(s);
			rows++;
		}
		CHECK_INT(rc, 0);
		CHECK_INT(bad, 0);
		CHECK_INT(rows, i + 1);
		CHECK_INT(lastrow, (long)i + 1);
		sheet_free(s);
		free(conv);
	}
	free(text);
}

/* The same through a file on disk (the passes rewind it). */
static void
test_file(void)
{
	char path[] = "/tmp/test_sheet_textXXXXXX";
	int fd = mkstemp(path), rc;
	size_t n;
	char *g = convert("GB18030", sample, &n);
	sheet *s;

	CHECK(fd >= 0);
	CHECK(write(fd, g, n) == (ssize_t)n);
	close(fd);
	s = sheet_open(path, NULL, err, sizeof err);
	CHECK(s != NULL);
	if (s != NULL) {
		CHECK_STR(sheet_format(s), "CSV (GB18030)");
		CHECK_INT(sheet_next(s, err, sizeof err), 1);
		CHECK_STR(sheet_cell(s, 2), "出生日期");
		CHECK_INT(sheet_cell_type(s, 2), SHEET_TEXT);
		CHECK_INT(sheet_cell_type(s, 9), SHEET_EMPTY);
		rc = sheet_next(s, err, sizeof err);
		CHECK_INT(rc, 1);
		CHECK_INT(sheet_row(s), 2);
		sheet_free(s);
	}
	unlink(path);
	free(g);
	s = sheet_open("/nonexistent/x.csv", NULL, err, sizeof err);
	CHECK(s == NULL);
	CHECK(strstr(err, "cannot open") != NULL);
}

int
main(void)
{
	RUN(test_utf8);
	RUN(test_gb18030);
	RUN(test_utf16);
	RUN(test_separator);
	RUN(test_refused);
	RUN(test_large);
	RUN(test_file);
	return check_summary("test_sheet_text");
}
