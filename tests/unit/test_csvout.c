/*
 * test_csvout.c - CSV for spreadsheets: the formula-injection guard (issue
 * 21 item 8), its undoing on import, and UTF-8 BOM / GB18030 output.
 */
#include <string.h>

#include "check.h"
#include "csvout.h"
#include "sbuf.h"

/* csv_put_text(s) as a string (valid until the next call). */
static const char *
cell(const char *s)
{
	static sbuf b;

	sbuf_free(&b);
	sbuf_init(&b);
	csv_put_text(&b, s);
	return sbuf_str(&b);
}

static void
test_numbers(void)
{
	CHECK(csv_plain_number("0"));
	CHECK(csv_plain_number("20"));
	CHECK(csv_plain_number("-1.25"));
	CHECK(csv_plain_number("98.50"));
	CHECK(!csv_plain_number(""));
	CHECK(!csv_plain_number("-"));
	CHECK(!csv_plain_number("1."));
	CHECK(!csv_plain_number(".5"));
	CHECK(!csv_plain_number("-2+3"));
	CHECK(!csv_plain_number("1e5"));
	CHECK(!csv_plain_number(" 1"));
	CHECK(!csv_plain_number("--1"));
}

static void
test_guard(void)
{
	/* Each formula start gets a quote; plain text and numbers do not. */
	CHECK_STR(cell("=HYPERLINK(\"http://x\",\"y\")"),
	    "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
	CHECK_STR(cell("=1+1"), "'=1+1");
	CHECK_STR(cell("+1"), "'+1");
	CHECK_STR(cell("-2+3"), "'-2+3");
	CHECK_STR(cell("@SUM(A1)"), "'@SUM(A1)");
	CHECK_STR(cell("\tx"), "'\tx");
	CHECK_STR(cell("\rx"), "\"'\rx\"");
	CHECK_STR(cell("-1.25"), "-1.25");
	CHECK_STR(cell("-"), "'-");
	CHECK_STR(cell("崇贤乡"), "崇贤乡");
	CHECK_STR(cell("a=b"), "a=b");
	CHECK_STR(cell(""), "");
	CHECK_STR(cell("a,b"), "\"a,b\"");
	/* A quote already there is kept and protected again. */
	CHECK_STR(cell("'=x"), "''=x");
	CHECK_STR(cell("'x"), "'x");
	CHECK(!csv_formula_risk("-0.5"));
	CHECK(csv_formula_risk("'-0.5"));
}

static void
test_unprotect(void)
{
	static const char *const names[] = { "=HYPERLINK(\"a\")", "-2+3", "'=x",
		"''@y", "'x", "x", "-1.25", "'-1.25", "+", "" };
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		sbuf b;
		const char *s = names[i];

		/* What csv_put_text adds, minus the CSV quoting. */
		sbuf_init(&b);
		if (csv_formula_risk(s))
			sbuf_putc(&b, '\'');
		sbuf_puts(&b, s);
		CHECK_STR(csv_unprotect(sbuf_str(&b)), s);
		sbuf_free(&b);
	}
	CHECK_STR(csv_unprotect("'5"), "'5");
}

static void
test_encode(void)
{
	char err[256];
	sbuf o;
	/* 潋江镇 in GB18030 (GBK range) and U+20000 (four bytes). */
	static const char zh[] = "潋江镇,\xf0\xa0\x80\x80\n";
	static const char gb[] = "\xe4\xf2\xbd\xad\xd5\xf2,\x95\x32\x82\x36\n";

	sbuf_init(&o);
	CHECK_INT(csv_encode("a,b\n", 4, NULL, 1, &o, err, sizeof err), 0);
	CHECK_INT(o.len, 7);
	CHECK(memcmp(o.s,
		  "\xef\xbb\xbf"
		  "a,b\n",
		  7) == 0);
	sbuf_free(&o);
	sbuf_init(&o);
	CHECK_INT(csv_encode(zh, strlen(zh), "GB18030", 0, &o, err, sizeof err),
	    0);
	CHECK_INT(o.len, strlen(gb));
	CHECK(o.len == strlen(gb) && memcmp(o.s, gb, o.len) == 0);
	sbuf_free(&o);
	sbuf_init(&o);
	CHECK_INT(csv_encode(zh, strlen(zh), "utf-8", 0, &o, err, sizeof err),
	    0);
	CHECK_STR(sbuf_str(&o), zh);
	sbuf_free(&o);
	/* Errors name what is wrong. */
	sbuf_init(&o);
	CHECK_INT(csv_encode("a", 1, "latin1", 0, &o, err, sizeof err), -1);
	CHECK_CONTAINS(err, "--encoding latin1: unknown");
	CHECK_INT(csv_encode("a", 1, "gb18030", 1, &o, err, sizeof err), -1);
	CHECK_CONTAINS(err, "--bom marks UTF-8");
	CHECK_INT(csv_encode("ab\xff", 3, "gb18030", 0, &o, err, sizeof err),
	    -1);
	CHECK_CONTAINS(err, "byte 2 of the CSV");
	sbuf_free(&o);
	CHECK_INT(csv_encoding_check("UTF8", 1, err, sizeof err), 0);
	CHECK_INT(csv_encoding_check("gb18030", 0, err, sizeof err), 0);
}

int
main(void)
{
	RUN(test_numbers);
	RUN(test_guard);
	RUN(test_unprotect);
	RUN(test_encode);
	return check_summary("test_csvout");
}
