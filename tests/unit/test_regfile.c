/*
 * test_regfile.c - unit tests of common/regfile.c: a register read as
 * records the way submit, check and the browser upload read it (Chinese
 * headers, skipped empty rows, rows of the wrong shape, the rules that
 * need no server, an empty file, a bad header and the rows it leaves).
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "regfile.h"

static sheet *
open_text(const char *text)
{
	char err[256];
	sheet *s =
	    sheet_open_mem(text, strlen(text), "t.csv", NULL, err, sizeof err);

	CHECK(s != NULL);
	return s;
}

static void
test_rows(void)
{
	struct header_opts ho;
	struct regfile g;
	struct record_issues iss;
	const char *f[COL_COUNT];
	char err[512];
	long line;
	sheet *s = open_text("编号,单位,出生日期,性别,孩次,政策,母亲身份证号\n"
			     "a1,610328101,2026年11月5日,男,1,是,\n"
			     ",,,,,,\n"
			     "a2,610328101,11/05/2026,女,1,否,\n"
			     "a3,610328101,2026-11-06,女,1\n"
			     "a4,610328101,2026-11-07,女,1,Y,,extra\n"
			     "a5,610328101,2026-11-08,女,1,Y,\n");

	memset(&ho, 0, sizeof ho);
	CHECK(regfile_open(&g, s, &ho, KIND_NONE, err, sizeof err) == 0);
	CHECK_INT(g.kind, KIND_BIRTH);
	CHECK_INT(g.header_line, 1);
	CHECK_INT(regfile_next(&g, f, &line, &iss), 1);
	CHECK_INT(line, 2);
	CHECK_STR(f[COL_RECORD_ID], "a1");
	CHECK_STR(f[COL_DATE], "2026年11月5日");
	/* The empty row is skipped; the day-first date is not guessed. */
	CHECK_INT(regfile_next(&g, f, &line, &iss), 2);
	CHECK_INT(line, 4);
	CHECK_STR(iss.v[0].column, "date");
	CHECK_INT(g.blank, 1);
	CHECK_INT(regfile_next(&g, f, &line, &iss), 2);
	CHECK_STR(iss.v[0].column, "row");
	CHECK(
	    strstr(iss.v[0].reason, "has 5 fields, the header has 7") != NULL);
	CHECK_INT(regfile_next(&g, f, &line, &iss), 2);
	CHECK(strstr(iss.v[0].reason, "has 8 fields") != NULL);
	CHECK_INT(regfile_next(&g, f, &line, &iss), 1);
	CHECK_INT(line, 7);
	CHECK_INT(regfile_next(&g, f, &line, &iss), 0);
	CHECK_INT(regfile_next(&g, f, &line, &iss), 0);
	regfile_close(&g);
	sheet_free(s);
}

static void
test_header_errors(void)
{
	struct header_opts ho;
	struct regfile g;
	char err[512];
	sheet *s;

	memset(&ho, 0, sizeof ho);
	s = open_text("\n");
	CHECK(regfile_open(&g, s, &ho, KIND_NONE, err, sizeof err) < 0);
	CHECK(strstr(err, "the file is empty") != NULL);
	CHECK_INT(regfile_count_rest(&g), 0);
	regfile_close(&g);
	sheet_free(s);
	/* An unknown header: the message names it; the rows are counted. */
	s = open_text(
	    "编号,单位,出生日期,性别,孩次,政策,姓名\n"
	    "a,1,2026-11-01,M,1,Y,张三\n\nb,1,2026-11-01,M,1,Y,李四\n");
	CHECK(regfile_open(&g, s, &ho, KIND_NONE, err, sizeof err) < 0);
	CHECK(strncmp(err, "line 1: ", 8) == 0);
	CHECK(strstr(err, "姓名") != NULL);
	CHECK_INT(regfile_count_rest(&g), 2);
	regfile_close(&g);
	sheet_free(s);
	/* The same file with --ignore-unknown reads. */
	ho.ignore_unknown = 1;
	s = open_text("编号,单位,出生日期,性别,孩次,政策,姓名\n"
		      "a,610328101,2026-11-01,M,1,Y,张三\n");
	CHECK(regfile_open(&g, s, &ho, KIND_NONE, err, sizeof err) == 0);
	regfile_close(&g);
	sheet_free(s);
}

static void
test_letters(void)
{
	char b[8];

	regfile_col_letter(0, b);
	CHECK_STR(b, "A");
	regfile_col_letter(25, b);
	CHECK_STR(b, "Z");
	regfile_col_letter(26, b);
	CHECK_STR(b, "AA");
	regfile_col_letter(701, b);
	CHECK_STR(b, "ZZ");
}

int
main(void)
{
	RUN(test_rows);
	RUN(test_header_errors);
	RUN(test_letters);
	return check_summary("test_regfile");
}
