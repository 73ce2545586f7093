/*
 * test_sheet_xls.c - the .xls reader (common/sheet_xls.c, libfreexl) over
 * workbooks that xlwt makes at test time (tests/unit/mkbooks.py).
 */
#include "check.h"
#include "books.h"

/* basic.xls: BIFF8, Chinese sheet names and headers. */
static void
test_basic(void)
{
	char *t, *m;

	t = book_read(book("basic.xls"), NULL, 0);
	CHECK_STR(book_line(t, 0),
	    "1: 1:编号 1:单位 1:出生日期 1:性别 "
	    "1:孩次 1:母亲身份证号");
	CHECK_STR(book_line(t, 1),
	    "2: 1:B001 1:360732102 3:2025-05-05 "
	    "1:男 2:1 1:36073219800101123X");
	/* a custom Chinese date format; the ID typed as a number */
	CHECK_STR(book_line(t, 2),
	    "3: 1:B002 2:360732102 3:2026-11-28 "
	    "1:女 2:2.5 2:360732198001011000");
	/* a gap; TRUE (freexl gives it as 1) */
	CHECK_STR(book_line(t, 3), "4: 1:B003 0: 0: 0: 2:-7 2:1");
	/* an empty row is returned, as empty */
	CHECK_STR(book_line(t, 4), "5:");
	/* a date-time loses its time */
	CHECK_STR(book_line(t, 5), "6: 1:B005 0: 3:2025-12-31 2:0.1");
	CHECK_STR(book_line(t, 6), "END fatal=0");
	m = book_read(book("basic.xls"), NULL, 1);
	CHECK_STR(m, t);
	free(m);
	free(t);
}

static void
test_dates(void)
{
	char *t;

	/* freexl's own text would say 1900-01-01 for 0, 2100-02-29 for
	 * 73110, 9995-11-... for 2957003 and 9999-11-01 for 2958465 */
	t = book_read(book("dates.xls"), NULL, 0);
	CHECK_STR(book_line(t, 0),
	    "1: 3:1900-01-01 3:1900-01-01 "
	    "3:1900-02-28 3:1900-02-29 3:1900-03-01 3:2025-05-05 "
	    "3:2026-11-28 3:2100-03-01 3:9995-12-30 3:9999-12-31");
	CHECK_STR(book_line(t, 1),
	    "2: 3:2025-05-05 3:1900-01-00 "
	    "2:2147483653 2:12345678901234600000");
	free(t);
	/* the 1904 system: 1904-01-01 is serial 0, which freexl reads as 1 */
	t = book_read(book("dates1904.xls"), NULL, 1);
	CHECK_STR(book_line(t, 0),
	    "1: 3:1904-01-02 3:1904-01-02 "
	    "3:1904-02-29 3:1904-03-01 3:1904-03-02 3:2029-05-06 "
	    "3:2030-11-29 3:2104-03-02 3:9999-12-31 1:10003-11-02");
	CHECK_STR(book_line(t, 1),
	    "2: 3:2029-05-06 3:1904-01-01 "
	    "2:2147483653 2:12345678901234600000");
	free(t);
}

static void
test_sheets(void)
{
	char *t;

	t = book_read(book("basic.xls"), "死亡", 0);
	CHECK_STR(t, "1: 1:编号\n2: 1:D001\nEND fatal=0\n");
	free(t);
	t = book_read(book("basic.xls"), "2", 1);
	CHECK_STR(t, "1: 1:编号\n2: 1:D001\nEND fatal=0\n");
	free(t);
	t = book_read(book("basic.xls"), "SHEET3", 0);
	CHECK_STR(t, "1:\n2: 0: 1:only\nEND fatal=0\n");
	free(t);
	t = book_read(book("basic.xls"), "出生登记", 0);
	CHECK_CONTAINS(t, "OPEN: ");
	CHECK_CONTAINS(t, "the workbook has no sheet '出生登记'");
	CHECK_CONTAINS(t, "its sheets are 1 '出生', 2 '死亡', 3 'Sheet3'");
	free(t);
	t = book_read(book("basic.xls"), "4", 1);
	CHECK_CONTAINS(t, "OPEN: upload: the workbook has no sheet '4'");
	free(t);
}

static void
test_refused(void)
{
	static const char *damaged[] = { "cut.xls", "garbage.xls" };
	char *t;
	size_t i;
	int mem;

	for (i = 0; i < 2; i++)
		for (mem = 0; mem < 2; mem++) {
			t = book_read(book(damaged[i]), NULL, mem);
			CHECK_CONTAINS(t, "OPEN: ");
			CHECK_CONTAINS(t,
			    "the file is not a readable xls "
			    "workbook: it is damaged or cut short; open it in "
			    "Excel/WPS and save it again as .xlsx");
			free(t);
		}
	for (mem = 0; mem < 2; mem++) {
		t = book_read(book("web.xls"), NULL, mem);
		CHECK_CONTAINS(t,
		    "the file is a web page (HTML) with an .xls "
		    "name, not an Excel workbook; open it in Excel/WPS and "
		    "save it as .xlsx");
		free(t);
		t = book_read(book("xml.xls"), NULL, mem);
		CHECK_CONTAINS(t,
		    "the file is an XML spreadsheet with an .xls "
		    "name");
		free(t);
		t = book_read(book("locked.xls"), NULL, mem);
		CHECK_CONTAINS(t,
		    "the workbook is protected with a password; "
		    "open it in Excel/WPS, remove the password");
		free(t);
		/* a tab-separated export named .xls goes to the text reader */
		t = book_read(book("tabs.xls"), NULL, mem);
		CHECK(strstr(t, "xls workbook") == NULL);
		CHECK(strstr(t, "web page") == NULL);
		free(t);
	}
	/* every prefix of a workbook is refused or read without harm */
	{
		size_t len, n;
		char *data = book_load(book("basic.xls"), &len), err[512];
		struct sheet_opts o = { NULL, NULL };
		int refused = 0, tries = 0;
		sheet *s;

		CHECK(data != NULL);
		for (n = 0; data != NULL && n < len; n += 97) {
			tries++;
			s = sheet_open_mem(data, n, "x.xls", &o, err,
			    sizeof err);
			if (s == NULL) {
				refused++;
				continue;
			}
			while (sheet_next(s, err, sizeof err) != 0)
				;
			sheet_free(s);
		}
		CHECK(tries > 50);
		CHECK(refused > tries / 2);
		free(data);
	}
}

int
main(void)
{
	if (books_make("xls") != 0) {
		CHECK_REPORT(0, "%s",
		    "tests/unit/mkbooks.py failed (run from "
		    "the top of the tree, with python3-xlwt)");
	} else {
		RUN(test_basic);
		RUN(test_dates);
		RUN(test_sheets);
		RUN(test_refused);
	}
	books_clean();
	return check_summary("test_sheet_xls");
}
