/*
 * test_idcard.c - unit tests of common/idcard.c: the resident ID rules of
 * doc/rules.md §13 (check character, embedded date, 15 -> 18, the forms
 * Excel destroys, normalisation).
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "date.h"
#include "idcard.h"

static int32_t day; /* the record's date: 2026-03-15 */
static char out[80];
static char why[2][160];

static int
judge(const char *id)
{
	strcpy(out, "(untouched)");
	why[0][0] = why[1][0] = '\0';
	return idcard_check(id, day, out, sizeof out, why, 2);
}

static void
test_check_char(void)
{
	/* The example of GB 11643-1999. */
	CHECK_INT(idcard_check_char("11010519491231002"), 'X');
	CHECK_INT(judge("11010519491231002X"), 0);
	CHECK_STR(out, "11010519491231002X");
	CHECK_INT(idcard_check_char("11010119900101123"), '7');
	CHECK_INT(idcard_check_char("36073219800101123"), '6');
	CHECK_INT(judge("110101199001011237"), 0);
	/* Every wrong check character is named with the right one. */
	CHECK_INT(judge("110101199001011230"), 1);
	CHECK_STR(why[0], "check character should be 7");
	CHECK_INT(judge("110101199001011231"), 1);
	CHECK_STR(why[0], "check character should be 7");
	CHECK_INT(judge("110101199001011234"), 1);
	CHECK_INT(judge("110101199001011237X"), 0); /* 19: not an ID */
	CHECK_STR(out, "110101199001011237X");
	CHECK_INT(judge("11010519491231002Y"), 0); /* not 17+1: local */
	CHECK_INT(judge("11010519491231002x"), 0); /* not normalised */
}

static void
test_embedded_date(void)
{
	CHECK_INT(judge("360732198013450017"), 1);
	CHECK_STR(why[0], "birth date 19801345 is not a date");
	/* A bad date and a bad check character: both said. */
	CHECK_INT(judge("360732198013450010"), 2);
	CHECK_STR(why[0], "birth date 19801345 is not a date");
	CHECK_STR(why[1], "check character should be 7");
	CHECK_INT(judge("360732199002300018") > 0, 1);
	CHECK_STR(why[0], "birth date 19900230 is not a date");
	CHECK_INT(judge("110101202701010010"), 1);
	CHECK_STR(why[0],
	    "birth date 20270101 is after the record's date"
	    " 2026-03-15");
	CHECK_INT(judge("110101202603150011"), 1);
	CHECK_STR(why[0], "check character should be X");
}

static void
test_fifteen(void)
{
	/* 15 digits, a 19YYMMDD date: the 18-character form of the same ID. */
	CHECK_INT(judge("110105491231002"), 0);
	CHECK_STR(out, "11010519491231002X");
	CHECK_INT(judge("110101900101123"), 0);
	CHECK_STR(out, "110101199001011237");
	/* No real date at 7-12: a local number, kept as it is. */
	CHECK_INT(judge("110101901301123"), 0);
	CHECK_STR(out, "110101901301123");
	CHECK_INT(judge("11010190010112"), 0);
	CHECK_STR(out, "11010190010112");
}

static void
test_excel_damage(void)
{
	static const char *const sci[] = {
		"3.60732E+17",
		"3.60732e+17",
		"3.60732E17",
		"3E+17",
		"1.10105E+17",
		"3.6073219800101E+17",
	};
	size_t i;

	for (i = 0; i < sizeof sci / sizeof sci[0]; i++) {
		CHECK_INT(judge(sci[i]), 1);
		CHECK_STR(why[0], IDCARD_DAMAGED);
	}
	CHECK_STR(IDCARD_DAMAGED,
	    "Excel stored the ID as a number and lost"
	    " its last digits; format the column as text");
	CHECK_INT(judge("E+17"), 0);
	CHECK_INT(judge("3.6E"), 0);
	/* Number cells: 18 digits ending 000 are what Excel keeps of an ID. */
	CHECK(idcard_number_damaged("360732198001011000"));
	CHECK(!idcard_number_damaged("360732198001011001"));
	CHECK(!idcard_number_damaged("36073219800101000"));
	CHECK(!idcard_number_damaged("12000"));
}

static void
test_normalise(void)
{
	char n[80];

	CHECK_INT(idcard_normalise("  11010519491231002x\t", n, sizeof n), 18);
	CHECK_STR(n, "11010519491231002X");
	CHECK_INT(idcard_normalise("'11010519491231002X", n, sizeof n), 18);
	CHECK_STR(n, "11010519491231002X");
	CHECK_INT(idcard_normalise("110105 1949 1231 002X", n, sizeof n), 18);
	CHECK_STR(n, "11010519491231002X");
	CHECK_INT(idcard_normalise("１１０１０５１９４９１２３１００２ｘ", n,
		      sizeof n),
	    18);
	CHECK_STR(n, "11010519491231002X");
	CHECK_INT(idcard_normalise("110105\xe3\x80\x80"
				   "19491231002X",
		      n, sizeof n),
	    18);
	CHECK_STR(n, "11010519491231002X");
	CHECK_INT(idcard_normalise("城关镇-0042", n, sizeof n), 14);
	CHECK_STR(n, "城关镇-0042");
	CHECK_INT(idcard_normalise("123456", n, 4), -1);
	CHECK_INT(idcard_normalise("", n, sizeof n), 0);
	CHECK_STR(n, "");
}

int
main(void)
{
	day = date_from_ymd(2026, 3, 15);
	RUN(test_check_char);
	RUN(test_embedded_date);
	RUN(test_fifteen);
	RUN(test_excel_damage);
	RUN(test_normalise);
	return check_summary("test_idcard");
}
