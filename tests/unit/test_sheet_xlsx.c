/*
 * test_sheet_xlsx.c - the .xlsx reader (common/sheet_xlsx.c) over
 * workbooks made at test time (tests/unit/mkbooks.py), and the number and
 * date conventions it shares with the .xls reader (common/sheet_num.c).
 */
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "books.h"
#include "sheet_num.h"

static void
test_num_format(void)
{
	char b[SHEET_NUM_MAX];
	int i;

	sheet_num_format(3.60732198001011e17, b);
	CHECK_STR(b, "360732198001011000");
	sheet_num_format(360732198001011234.0, b);
	CHECK_STR(b, "360732198001011000");
	sheet_num_format(123456789012345678.0, b);
	CHECK_STR(b, "123456789012346000");
	sheet_num_format(123456789012345.0, b);
	CHECK_STR(b, "123456789012345");
	sheet_num_format(1e15, b);
	CHECK_STR(b, "1000000000000000");
	sheet_num_format(-9007199254740993.0, b);
	CHECK_STR(b, "-9007199254740990");
	sheet_num_format(360732102, b);
	CHECK_STR(b, "360732102");
	sheet_num_format(-3, b);
	CHECK_STR(b, "-3");
	sheet_num_format(-0.0, b);
	CHECK_STR(b, "0");
	sheet_num_format(0.1, b);
	CHECK_STR(b, "0.1");
	sheet_num_format(0.1 + 0.2, b);
	CHECK_STR(b, "0.3");
	sheet_num_format(1.0 / 3, b);
	CHECK_STR(b, "0.333333333333333");
	sheet_num_format(12.5, b);
	CHECK_STR(b, "12.5");
	sheet_num_format(1e-20, b);
	CHECK_STR(b, "1e-20");
	sheet_num_format(1e300, b);
	CHECK_INT(strlen(b), 301);
	for (i = 1; i < 301 && b[i] == '0'; i++)
		;
	CHECK_INT(i, 301);
	CHECK_INT(sheet_num_format(-1.7976931348623157e308, b), 0);
	CHECK_INT(strlen(b), 310);
	CHECK_INT(sheet_num_format(NAN, b), -1);
	CHECK_INT(sheet_num_format(INFINITY, b), -1);
}

static void
test_serial_dates(void)
{
	char b[16];

	CHECK_INT(sheet_num_serial_date(1, 0, b), 0);
	CHECK_STR(b, "1900-01-01");
	sheet_num_serial_date(59, 0, b);
	CHECK_STR(b, "1900-02-28");
	sheet_num_serial_date(60, 0, b);
	CHECK_STR(b, "1900-02-29"); /* Excel's day that never was */
	sheet_num_serial_date(61, 0, b);
	CHECK_STR(b, "1900-03-01");
	sheet_num_serial_date(0, 0, b);
	CHECK_STR(b, "1900-01-00");
	sheet_num_serial_date(45782, 0, b);
	CHECK_STR(b, "2025-05-05");
	sheet_num_serial_date(45782.75, 0, b);
	CHECK_STR(b, "2025-05-05");
	sheet_num_serial_date(45782.999999999, 0, b);
	CHECK_STR(b, "2025-05-06"); /* 23:59:59.9999 shows as midnight */
	sheet_num_serial_date(46354, 0, b);
	CHECK_STR(b, "2026-11-28");
	CHECK_INT(sheet_num_serial_date(2958465, 0, b), 0);
	CHECK_STR(b, "9999-12-31");
	CHECK_INT(sheet_num_serial_date(2958466, 0, b), -1);
	CHECK_INT(sheet_num_serial_date(-1, 0, b), -1);
	CHECK_INT(sheet_num_serial_date(NAN, 0, b), -1);
	CHECK_INT(sheet_num_serial_date(1e300, 0, b), -1);
	sheet_num_serial_date(0, 1, b);
	CHECK_STR(b, "1904-01-01");
	sheet_num_serial_date(44320, 1, b);
	CHECK_STR(b, "2025-05-05");
	sheet_num_serial_date(60, 1, b);
	CHECK_STR(b, "1904-03-01");
	CHECK_INT(sheet_num_serial_date(2957003, 1, b), 0);
	CHECK_STR(b, "9999-12-31");
	CHECK_INT(sheet_num_serial_date(2957004, 1, b), -1);
}

static void
test_date_formats(void)
{
	static const struct {
		const char *code;
		int date;
	} t[] = {
		{ "yyyy-mm-dd", 1 },
		{ "yyyy/m/d", 1 },
		{ "yyyy\"年\"m\"月\"d\"日\"", 1 },
		{ "[$-F800]dddd, mmmm dd", 1 },
		{ "[h]:mm:ss", 1 },
		{ "mm:ss", 1 },
		{ "D-MMM-YY", 1 },
		{ "0.00\"kg\"", 0 },
		{ "[Red]0", 0 },
		{ "\"day\" 0", 0 },
		{ "\\d0", 0 },
		{ "_m0", 0 },
		{ "*d0", 0 },
		{ "General", 0 },
		{ "0.00E+00", 0 },
		{ "#,##0;[Red]-#,##0", 0 },
		{ "@", 0 },
		{ "\"unclosed", 0 },
		{ "[unclosed", 0 },
		{ "0\\", 0 },
		{ "", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		CHECK_REPORT(sheet_num_code_is_date(t[i].code) == t[i].date,
		    "code '%s' should %sbe a date", t[i].code,
		    t[i].date ? "" : "not ");
	CHECK(sheet_num_builtin_is_date(14));
	CHECK(sheet_num_builtin_is_date(22));
	CHECK(sheet_num_builtin_is_date(27));
	CHECK(sheet_num_builtin_is_date(36));
	CHECK(sheet_num_builtin_is_date(45));
	CHECK(sheet_num_builtin_is_date(47));
	CHECK(sheet_num_builtin_is_date(50));
	CHECK(sheet_num_builtin_is_date(58));
	CHECK(!sheet_num_builtin_is_date(0));
	CHECK(!sheet_num_builtin_is_date(13));
	CHECK(!sheet_num_builtin_is_date(23));
	CHECK(!sheet_num_builtin_is_date(37));
	CHECK(!sheet_num_builtin_is_date(49));
	CHECK(!sheet_num_builtin_is_date(59));
	CHECK(!sheet_num_builtin_is_date(164));
}

/* basic.xlsx: openpyxl, Chinese sheet names and headers. */
static void
test_basic(void)
{
	char *t, *m;

	t = book_read(book("basic.xlsx"), NULL, 0);
	CHECK_STR(book_line(t, 0),
	    "1: 1:编号 1:单位 1:出生日期 1:性别 "
	    "1:孩次 1:母亲身份证号");
	CHECK_STR(book_line(t, 1),
	    "2: 1:B001 1:360732102 3:2025-05-05 "
	    "1:男 2:1 1:36073219800101123X");
	/* the ID typed as a number: 15 digits then zeros */
	CHECK_STR(book_line(t, 2),
	    "3: 1:B002 2:360732102 3:1900-01-01 "
	    "1:女 2:2 2:360732198001011000");
	/* a custom date format, a custom number format, a bool */
	CHECK_STR(book_line(t, 3),
	    "4: 1:B003 0: 3:2026-11-28 2:12.5 2:0.1 "
	    "4:TRUE");
	/* a gap; a formula without a cached value is empty */
	CHECK_STR(book_line(t, 4), "5: 1:B004 0: 0: 0: 2:-3");
	/* row 6 is not in the file; a date-time loses its time */
	CHECK_STR(book_line(t, 5), "7: 1:B006 0: 3:2025-12-31");
	CHECK_STR(book_line(t, 6), "END fatal=0");
	/* the same from memory */
	m = book_read(book("basic.xlsx"), NULL, 1);
	CHECK_STR(m, t);
	free(m);
	free(t);
}

static void
test_sheets(void)
{
	char *t;

	t = book_read(book("basic.xlsx"), "死亡", 0);
	CHECK_STR(t, "1: 1:编号 1:单位\n2: 1:D001 1:360732103\nEND fatal=0\n");
	free(t);
	t = book_read(book("basic.xlsx"), "2", 1);
	CHECK_STR(t, "1: 1:编号 1:单位\n2: 1:D001 1:360732103\nEND fatal=0\n");
	free(t);
	t = book_read(book("basic.xlsx"), "sheet3", 0);
	CHECK_STR(t, "2: 0: 1:only\nEND fatal=0\n");
	free(t);
	t = book_read(book("basic.xlsx"), "3", 0);
	CHECK_STR(t, "2: 0: 1:only\nEND fatal=0\n");
	free(t);
	t = book_read(book("basic.xlsx"), "1", 0);
	CHECK_STR(book_line(t, 0),
	    "1: 1:编号 1:单位 1:出生日期 1:性别 "
	    "1:孩次 1:母亲身份证号");
	free(t);
	t = book_read(book("basic.xlsx"), "出生登记", 0);
	CHECK_CONTAINS(t, "OPEN: ");
	CHECK_CONTAINS(t, "the workbook has no sheet '出生登记'");
	CHECK_CONTAINS(t, "its sheets are 1 '出生', 2 '死亡', 3 'Sheet3'");
	free(t);
	t = book_read(book("basic.xlsx"), "4", 1);
	CHECK_CONTAINS(t, "OPEN: upload: the workbook has no sheet '4'");
	free(t);
	t = book_read(book("basic.xlsx"), "0", 0);
	CHECK_CONTAINS(t, "has no sheet '0'");
	free(t);
	/* the default is the first worksheet that is not hidden */
	t = book_read(book("hidden.xlsx"), NULL, 0);
	CHECK_STR(t, "1: 1:编号\nEND fatal=0\n");
	free(t);
	t = book_read(book("hidden.xlsx"), "1", 0); /* the chart sheet */
	CHECK_STR(t, "END fatal=0\n");
	free(t);
	t = book_read(book("hidden.xlsx"), "2", 0);
	CHECK_STR(t, "1: 1:secret\nEND fatal=0\n");
	free(t);
	t = book_read(book("hidden.xlsx"), "设置", 1);
	CHECK_STR(t, "1: 1:secret\nEND fatal=0\n");
	free(t);
	t = book_read(book("hand.xlsx"), "NoPart", 0);
	CHECK_CONTAINS(t, "its sheet 'NoPart' has no worksheet part");
	free(t);
}

static void
test_1904(void)
{
	char *t = book_read(book("d1904.xlsx"), NULL, 0);

	CHECK_STR(t,
	    "1: 1:date 1:n\n2: 3:2025-05-05 2:1\n"
	    "3: 3:1904-01-01 2:2\nEND fatal=0\n");
	free(t);
}

/* hand.xlsx: what openpyxl never writes. */
static void
test_hand(void)
{
	char *t, *m;

	t = book_read(book("hand.xlsx"), NULL, 0);
	/* rich text, phonetic runs left out, _xHHHH_ escapes, "" */
	CHECK_STR(book_line(t, 0),
	    "2: 1:plain 1:rich text 1:東京 "
	    "1:a\rb_x0041_ & <c>");
	/* inline strings, cached formula results, errors, bools */
	CHECK_STR(book_line(t, 1),
	    "3: 1:inline 中文 1:inrich "
	    "1:inline 中文! 2:3 5:#DIV/0! 4:TRUE 4:FALSE 5:#N/A");
	/* a row and cells without r; the 1900 system around Excel's
	 * 1900-02-29; a custom date format; a custom number format; a
	 * formula's cached date */
	CHECK_STR(book_line(t, 2),
	    "4: 3:1900-01-01 3:1900-02-28 "
	    "3:1900-02-29 3:1900-03-01 3:2025-05-05 2:45782 3:2026-11-28");
	/* cells out of order, an ISO date cell, big and negative numbers */
	CHECK_STR(book_line(t, 3),
	    "9: 0: 3:2025-05-05 2:150 0: "
	    "2:123456789012346000 2:0.3 2:-1234567890123460000");
	/* a damaged row is an error naming the row and cell; the reader
	 * goes on */
	CHECK_STR(book_line(t, 4),
	    "ERR: line 10: cell A10: it refers to "
	    "shared text '99', which the workbook does not have (the file is "
	    "damaged; save it again in Excel/WPS)");
	CHECK_STR(book_line(t, 5), "11: 1:plain");
	CHECK_STR(book_line(t, 6), "END fatal=0");
	m = book_read(book("hand.xlsx"), NULL, 1);
	CHECK_STR(m, t);
	free(m);
	free(t);
}

/* limits.xlsx: the bounds a hostile file meets, each a row error. */
static void
test_limits(void)
{
	char *t = book_read(book("limits.xlsx"), NULL, 1), err[256];
	const char *l;
	sheet *s;

	/* XFD1 is the last column there is */
	s = sheet_open(book("limits.xlsx"), NULL, err, sizeof err);
	CHECK(s != NULL);
	if (s != NULL) {
		CHECK_INT(sheet_next(s, err, sizeof err), 1);
		CHECK_INT(sheet_ncells(s), 16384);
		CHECK_INT(sheet_cell_type(s, 16383), SHEET_NUMBER);
		CHECK_STR(sheet_cell(s, 16383), "1");
		CHECK_INT(sheet_cell_type(s, 16382), SHEET_EMPTY);
		sheet_free(s);
	}
	CHECK_STR(book_line(t, 1),
	    "ERR: line 2: 'XFE2' is not a cell "
	    "(A1 to XFD1048576)");
	CHECK_STR(book_line(t, 2),
	    "ERR: line 3: 'A0' is not a cell "
	    "(A1 to XFD1048576)");
	CHECK_STR(book_line(t, 3),
	    "ERR: line 4: cell A4: its text is longer "
	    "than 32,767 characters");
	CHECK_STR(book_line(t, 4),
	    "ERR: line 5: its row number '1048577' "
	    "is not a number from 1 to 1048576");
	CHECK_STR(book_line(t, 5),
	    "ERR: line 5: cell B5: '2' is not TRUE or "
	    "FALSE");
	/* a negative serial in a date style stays a number; a style beyond
	 * cellXfs is no date; AA is column 27 */
	l = book_line(t, 6);
	CHECK_INT(strncmp(l, "6: 2:-1 2:7 0: ", 15), 0);
	CHECK_INT(strlen(l), strlen("6: 2:-1 2:7") + 24 * 3 + 5);
	CHECK_CONTAINS(l, " 0: 1:aa");
	CHECK_STR(book_line(t, 7), "END fatal=0");
	free(t);
}

static void
test_damaged(void)
{
	static const char *files[] = {
		"cut.xlsx",
		"garbage.xlsx",
		"notbook.xlsx",
		"dtd.xlsx",
	};
	char *t;
	size_t i;
	int mem;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		for (mem = 0; mem < 2; mem++) {
			t = book_read(book(files[i]), NULL, mem);
			CHECK_CONTAINS(t, "OPEN: ");
			CHECK_CONTAINS(t,
			    "the file is not a readable xlsx "
			    "workbook: ");
			CHECK_CONTAINS(t,
			    "; open it in Excel/WPS and save it "
			    "again as .xlsx");
			free(t);
		}
	}
	t = book_read(book("cut.xlsx"), NULL, 0);
	CHECK_CONTAINS(t, "it is not a zip archive, or it is cut short");
	free(t);
	t = book_read(book("notbook.xlsx"), NULL, 0);
	CHECK_CONTAINS(t, "it has no xl/workbook.xml");
	free(t);
	t = book_read(book("dtd.xlsx"), NULL, 0);
	CHECK_CONTAINS(t, "xl/workbook.xml has a DTD");
	free(t);
	/* damage inside the worksheet: fatal, the row named */
	t = book_read(book("badxml.xlsx"), NULL, 0);
	CHECK_STR(t,
	    "ERR: line 1: the file is not a readable xlsx workbook: "
	    "xl/worksheets/hand.xml line 11: mismatched tag; open it in "
	    "Excel/WPS and save it again as .xlsx\nEND fatal=1\n");
	free(t);
	/* every prefix of a workbook is read without harm; all that cut
	 * into the zip's end record (22 bytes) are refused */
	{
		size_t len, n;
		char *data = book_load(book("hand.xlsx"), &len), err[512];
		struct sheet_opts o = { NULL, NULL };
		int refused = 0, cut = 0, rc;
		sheet *s;

		CHECK(data != NULL);
		for (n = 0; data != NULL && n < len; n += 7) {
			s = sheet_open_mem(data, n, "x.xlsx", &o, err,
			    sizeof err);
			cut += n + 22 < len;
			if (s == NULL) {
				refused += n + 22 < len &&
				    strstr(err, "not a readable xlsx") != NULL;
				continue;
			}
			CHECK(n + 22 >= len);
			while ((rc = sheet_next(s, err, sizeof err)) != 0)
				;
			sheet_free(s);
		}
		CHECK_INT(refused, cut);
		CHECK(cut > 300);
		free(data);
	}
}

/*
 * big.xlsx: 200,000 rows (a 34 MB worksheet) read in a child process;
 * its peak RSS, less that of a child reading a small workbook, stays
 * under 24 MB (it is about 4 MB: the 200,000 shared texts).
 */
static long
child_rss(const char *path, long *rows)
{
	struct rusage ru;
	int status;
	pid_t pid;
	char err[512];
	sheet *s;
	long n = 0;
	int fds[2];

	if (pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		s = sheet_open(path, NULL, err, sizeof err);
		if (s != NULL) {
			while (sheet_next(s, err, sizeof err) != 0)
				n++;
			sheet_free(s);
		}
		if (write(fds[1], &n, sizeof n) != sizeof n)
			_exit(2);
		_exit(0);
	}
	close(fds[1]);
	if (pid < 0 || read(fds[0], rows, sizeof *rows) != sizeof *rows)
		*rows = -1;
	close(fds[0]);
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return ru.ru_maxrss; /* KiB */
}

static void
test_big(void)
{
	long small, big, nsmall, nbig;

	if (books_make("big") != 0) {
		CHECK_REPORT(0, "%s", "mkbooks.py big failed");
		return;
	}
	small = child_rss(book("hand.xlsx"), &nsmall);
	big = child_rss(book("big.xlsx"), &nbig);
	CHECK_INT(nsmall, 6);
	CHECK_INT(nbig, 200001);
	CHECK(small > 0 && big > 0);
	CHECK_REPORT(big - small < 24 * 1024,
	    "peak RSS %ld KiB against %ld "
	    "KiB for a small workbook",
	    big, small);
	printf("big.xlsx: 200,001 rows, peak RSS %ld KiB (a small workbook: "
	       "%ld KiB)\n",
	    big, small);
}

int
main(void)
{
	RUN(test_num_format);
	RUN(test_serial_dates);
	RUN(test_date_formats);
	if (books_make("xlsx") != 0) {
		CHECK_REPORT(0, "%s",
		    "tests/unit/mkbooks.py failed (run from "
		    "the top of the tree, with python3-openpyxl)");
	} else {
		RUN(test_basic);
		RUN(test_sheets);
		RUN(test_1904);
		RUN(test_hand);
		RUN(test_limits);
		RUN(test_damaged);
		RUN(test_big);
	}
	books_clean();
	return check_summary("test_sheet_xlsx");
}
