/*
 * test_record.c - unit tests of common/record.c (doc/rules.md §3).
 *
 * Every validation test starts from a good row of its kind (good()),
 * changes one field and checks the return value, the reported column and a
 * key phrase of the reason.  `today` is 2026-03-15 throughout.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "date.h"
#include "record.h"
#include "utf8.h"

static int32_t today;
static const char *f[COL_COUNT];
static record rec;
static const char *col;
static char reason[256];

/* Reset f to a valid row of kind. */
static void
good(int kind)
{
	memset(f, 0, sizeof f);
	f[COL_RECORD_ID] = "R-0001";
	f[COL_UNIT] = "U01";
	f[COL_DATE] = "2026-01-05";
	switch (kind) {
	case KIND_BIRTH:
		f[COL_SEX] = "M";
		f[COL_BIRTH_ORDER] = "1";
		f[COL_POLICY] = "Y";
		f[COL_MOTHER_ID] = "110101199001011237";
		break;
	case KIND_DEATH:
		f[COL_SEX] = "F";
		f[COL_AGE] = "80";
		break;
	case KIND_MIGRATION:
		f[COL_DIRECTION] = "in";
		f[COL_PERSONS] = "3";
		break;
	case KIND_POPULATION: f[COL_PERSONS] = "52000"; break;
	case KIND_VERIFICATION: f[COL_MOTHER_ID] = "110101199001011237"; break;
	}
}

static int
validate(int kind)
{
	col = NULL;
	strcpy(reason, "(none)");
	memset(&rec, 0xa5, sizeof rec);
	return (
	    record_validate(kind, f, today, &rec, &col, reason, sizeof reason));
}

/* The row in f is accepted as kind. */
#define ACCEPT(kind)                                                           \
	do {                                                                   \
		int accept_rc_ = validate(kind);                               \
		CHECK_REPORT(accept_rc_ == 0, "rejected: %s: %s",              \
		    col ? col : "(null)", reason);                             \
	} while (0)

/* The row in f is rejected as kind, at column, with phrase in the reason. */
#define REJECT(kind, column, phrase)                                           \
	do {                                                                   \
		CHECK_INT(validate(kind), -1);                                 \
		CHECK_STR(col, column);                                        \
		CHECK_CONTAINS(reason, phrase);                                \
	} while (0)

/* A string of n copies of c (n < 512); each call has its own buffer. */
static const char *
rep(char c, size_t n)
{
	static char bufs[4][512];
	static int next;
	char *b = bufs[next++ % 4];

	memset(b, c, n);
	b[n] = '\0';
	return (b);
}

/* Names, parsing, columns. */

static void
test_kind_name(void)
{
	CHECK_STR(kind_name(KIND_BIRTH), "birth");
	CHECK_STR(kind_name(KIND_DEATH), "death");
	CHECK_STR(kind_name(KIND_MIGRATION), "migration");
	CHECK_STR(kind_name(KIND_POPULATION), "population");
	CHECK_STR(kind_name(KIND_VERIFICATION), "verification");
	CHECK(kind_name(KIND_NONE) == NULL);
	CHECK(kind_name(KIND_COUNT) == NULL);
	CHECK(kind_name(-1) == NULL);
}

static void
test_kind_parse(void)
{
	CHECK_INT(kind_parse("birth"), KIND_BIRTH);
	CHECK_INT(kind_parse("births"), KIND_BIRTH);
	CHECK_INT(kind_parse("death"), KIND_DEATH);
	CHECK_INT(kind_parse("deaths"), KIND_DEATH);
	CHECK_INT(kind_parse("migration"), KIND_MIGRATION);
	CHECK_INT(kind_parse("migrations"), KIND_MIGRATION);
	CHECK_INT(kind_parse("population"), KIND_POPULATION);
	CHECK_INT(kind_parse("populations"), KIND_POPULATION);
	CHECK_INT(kind_parse("verification"), KIND_VERIFICATION);
	CHECK_INT(kind_parse("verifications"), KIND_VERIFICATION);
	/* Case-sensitive, whole word, one plural "s" only. */
	CHECK_INT(kind_parse("Birth"), KIND_NONE);
	CHECK_INT(kind_parse("BIRTH"), KIND_NONE);
	CHECK_INT(kind_parse("birthss"), KIND_NONE);
	CHECK_INT(kind_parse("birthes"), KIND_NONE);
	CHECK_INT(kind_parse("birt"), KIND_NONE);
	CHECK_INT(kind_parse("birthx"), KIND_NONE);
	CHECK_INT(kind_parse(" birth"), KIND_NONE);
	CHECK_INT(kind_parse("s"), KIND_NONE);
	CHECK_INT(kind_parse(""), KIND_NONE);
	CHECK_INT(kind_parse("none"), KIND_NONE);
}

static void
test_col_parse(void)
{
	static const char *const names[COL_COUNT] = { "record_id", "unit",
		"date", "sex", "birth_order", "policy", "mother_id", "age",
		"direction", "persons" };
	int c;

	for (c = 0; c < COL_COUNT; c++) {
		CHECK_INT(col_parse(names[c]), c);
		CHECK_STR(col_name(c), names[c]);
	}
	CHECK_INT(col_parse("Record_ID"), -1);
	CHECK_INT(col_parse("record_id "), -1);
	CHECK_INT(col_parse("recordid"), -1);
	CHECK_INT(col_parse("kind"), -1);
	CHECK_INT(col_parse(""), -1);
	CHECK_STR(col_name(-1), "?");
	CHECK_STR(col_name(COL_COUNT), "?");
}

static void
test_kind_has_col(void)
{
	int req;

	req = -1;
	CHECK(kind_has_col(KIND_BIRTH, COL_MOTHER_ID, &req));
	CHECK_INT(req, 0);
	req = -1;
	CHECK(kind_has_col(KIND_VERIFICATION, COL_MOTHER_ID, &req));
	CHECK_INT(req, 1);
	req = -1;
	CHECK(kind_has_col(KIND_BIRTH, COL_BIRTH_ORDER, &req));
	CHECK_INT(req, 1);
	req = -1;
	CHECK(!kind_has_col(KIND_DEATH, COL_PERSONS, &req));
	CHECK_INT(req, 0);
	CHECK(kind_has_col(KIND_MIGRATION, COL_DIRECTION, NULL));
	CHECK(!kind_has_col(KIND_POPULATION, COL_DIRECTION, NULL));
	CHECK(!kind_has_col(KIND_NONE, COL_RECORD_ID, NULL));
	CHECK(!kind_has_col(KIND_COUNT, COL_RECORD_ID, NULL));
	CHECK(!kind_has_col(KIND_BIRTH, -1, NULL));
	CHECK(!kind_has_col(KIND_BIRTH, COL_COUNT, NULL));
}

#define B(c) (1u << (c))
#define BASE (B(COL_RECORD_ID) | B(COL_UNIT) | B(COL_DATE))

static void
test_kind_guess(void)
{
	unsigned s;
	int counts[KIND_COUNT] = { 0 }, k, c, req;

	CHECK_INT(kind_guess(BASE | B(COL_SEX) | B(COL_BIRTH_ORDER) |
		      B(COL_POLICY) | B(COL_MOTHER_ID)),
	    KIND_BIRTH);
	CHECK_INT(kind_guess(
		      BASE | B(COL_SEX) | B(COL_BIRTH_ORDER) | B(COL_POLICY)),
	    KIND_BIRTH); /* mother_id optional */
	CHECK_INT(kind_guess(BASE | B(COL_SEX) | B(COL_AGE)), KIND_DEATH);
	CHECK_INT(kind_guess(BASE | B(COL_DIRECTION) | B(COL_PERSONS)),
	    KIND_MIGRATION);
	CHECK_INT(kind_guess(BASE | B(COL_PERSONS)), KIND_POPULATION);
	CHECK_INT(kind_guess(BASE | B(COL_MOTHER_ID)), KIND_VERIFICATION);

	/* Impossible: a required column missing, or a foreign one present. */
	CHECK_INT(kind_guess(0), KIND_NONE);
	CHECK_INT(kind_guess(BASE), KIND_NONE);
	CHECK_INT(kind_guess(B(COL_UNIT) | B(COL_DATE) | B(COL_PERSONS)),
	    KIND_NONE);
	CHECK_INT(kind_guess(BASE | B(COL_SEX)), KIND_NONE);
	CHECK_INT(kind_guess(BASE | B(COL_SEX) | B(COL_BIRTH_ORDER)),
	    KIND_NONE);
	CHECK_INT(kind_guess(BASE | B(COL_DIRECTION)), KIND_NONE);
	CHECK_INT(kind_guess(BASE | B(COL_SEX) | B(COL_AGE) | B(COL_PERSONS)),
	    KIND_NONE);
	CHECK_INT(kind_guess(BASE | B(COL_PERSONS) | B(COL_MOTHER_ID)),
	    KIND_NONE);
	CHECK_INT(kind_guess(BASE | B(COL_SEX) | B(COL_BIRTH_ORDER) |
		      B(COL_POLICY) | B(COL_AGE)),
	    KIND_NONE);
	CHECK_INT(kind_guess(BASE | B(COL_PERSONS) | B(COL_COUNT)),
	    KIND_NONE); /* a bit past the last column */
	CHECK_INT(kind_guess(~0u), KIND_NONE);

	/*
	 * Every column set: a guess must have all the kind's required
	 * columns and only its columns.  With the section 3 tables no set
	 * fits two kinds, so exactly six sets name a kind (birth with and
	 * without mother_id, one for each other kind).
	 */
	for (s = 0; s < (1u << COL_COUNT); s++) {
		k = kind_guess(s);
		counts[k]++;
		if (k == KIND_NONE)
			continue;
		for (c = 0; c < COL_COUNT; c++) {
			int has = kind_has_col(k, c, &req);

			if (s & B(c))
				CHECK(has);
			else
				CHECK(!req);
		}
	}
	CHECK_INT(counts[KIND_BIRTH], 2);
	CHECK_INT(counts[KIND_DEATH], 1);
	CHECK_INT(counts[KIND_MIGRATION], 1);
	CHECK_INT(counts[KIND_POPULATION], 1);
	CHECK_INT(counts[KIND_VERIFICATION], 1);
	CHECK_INT(counts[KIND_NONE], (1 << COL_COUNT) - 6);
}

static void
test_unit_code_valid(void)
{
	CHECK(unit_code_valid("U01"));
	CHECK(unit_code_valid("a"));
	CHECK(unit_code_valid("town_3-east"));
	CHECK(unit_code_valid("_"));
	CHECK(unit_code_valid("-"));
	CHECK(unit_code_valid("ABCxyz0189"));
	CHECK(unit_code_valid(rep('u', 20)));
	CHECK(!unit_code_valid(rep('u', 21)));
	CHECK(!unit_code_valid(""));
	CHECK(!unit_code_valid("U 1"));
	CHECK(!unit_code_valid("U.1"));
	CHECK(!unit_code_valid("U/1"));
	CHECK(!unit_code_valid("U,1"));
	CHECK(!unit_code_valid(" U1"));
	CHECK(!unit_code_valid("城关镇"));
	CHECK(!unit_code_valid("U\x80"));
}

static void
test_record_id_valid(void)
{
	CHECK(record_id_valid("R-0001"));
	CHECK(record_id_valid("x"));
	CHECK(record_id_valid("a b ~!@#$%^&*()\"',;"));
	CHECK(record_id_valid(" ")); /* blank is printable */
	CHECK(record_id_valid(rep('r', 64)));
	CHECK(!record_id_valid(rep('r', 65)));
	CHECK(!record_id_valid(""));
	CHECK(!record_id_valid("a\tb"));
	CHECK(!record_id_valid("a\nb"));
	CHECK(!record_id_valid("a\x7f"));
	CHECK(!record_id_valid("a\x80"));
	CHECK(!record_id_valid("é"));
	CHECK(!record_id_valid("城关镇"));
}

/* Good rows. */

static void
test_valid_rows(void)
{
	good(KIND_BIRTH);
	ACCEPT(KIND_BIRTH);
	CHECK_INT(rec.kind, KIND_BIRTH);
	CHECK_STR(rec.record_id, "R-0001");
	CHECK_STR(rec.unit, "U01");
	CHECK_INT(rec.day, date_from_ymd(2026, 1, 5));
	CHECK_INT(rec.sex, 1);
	CHECK_INT(rec.birth_order, 1);
	CHECK_INT(rec.policy, 1);
	CHECK_INT(rec.has_mother, 1);
	CHECK_STR(rec.mother_id, "110101199001011237");
	CHECK_INT(rec.age, 0);
	CHECK_INT(rec.direction, 0);
	CHECK_INT(rec.persons, 0);

	good(KIND_DEATH);
	ACCEPT(KIND_DEATH);
	CHECK_INT(rec.kind, KIND_DEATH);
	CHECK_INT(rec.sex, 2);
	CHECK_INT(rec.age, 80);
	CHECK_INT(rec.has_mother, 0);
	CHECK_STR(rec.mother_id, "");

	good(KIND_MIGRATION);
	ACCEPT(KIND_MIGRATION);
	CHECK_INT(rec.kind, KIND_MIGRATION);
	CHECK_INT(rec.direction, 1);
	CHECK_INT(rec.persons, 3);
	CHECK_INT(rec.sex, 0);

	good(KIND_POPULATION);
	ACCEPT(KIND_POPULATION);
	CHECK_INT(rec.kind, KIND_POPULATION);
	CHECK_INT(rec.persons, 52000);
	CHECK_INT(rec.direction, 0);

	good(KIND_VERIFICATION);
	ACCEPT(KIND_VERIFICATION);
	CHECK_INT(rec.kind, KIND_VERIFICATION);
	CHECK_INT(rec.has_mother, 1);
	CHECK_STR(rec.mother_id, "110101199001011237");
	CHECK_INT(rec.sex, 0);
}

static void
test_unknown_kind(void)
{
	good(KIND_BIRTH);
	REJECT(KIND_NONE, "kind", "unknown record kind");
	REJECT(KIND_COUNT, "kind", "unknown record kind");
	REJECT(-1, "kind", "unknown record kind");
}

/* Presence of columns. */

static void
test_missing_required(void)
{
	int k, c, req, n = 0;

	for (k = 1; k < KIND_COUNT; k++) {
		for (c = 0; c < COL_COUNT; c++) {
			if (!kind_has_col(k, c, &req) || !req)
				continue;
			good(k);
			f[c] = NULL;
			REJECT(k, col_name(c), "missing");
			n++;
		}
	}
	/* 6 + 5 + 5 + 4 + 4 required columns (birth's mother_id is not). */
	CHECK_INT(n, 24);
}

static void
test_empty_required(void)
{
	int k, c, req, n = 0;

	for (k = 1; k < KIND_COUNT; k++) {
		for (c = 0; c < COL_COUNT; c++) {
			if (!kind_has_col(k, c, &req) || !req)
				continue;
			good(k);
			f[c] = "";
			REJECT(k, col_name(c), "empty; a value is required");
			good(k);
			f[c] = " \t "; /* blanks only: empty once trimmed */
			REJECT(k, col_name(c), "empty; a value is required");
			n++;
		}
	}
	CHECK_INT(n, 24);
}

static void
test_foreign_column(void)
{
	char want[64];
	int k, c, n = 0;

	for (k = 1; k < KIND_COUNT; k++) {
		snprintf(want, sizeof want, "not a column of %s records",
		    kind_name(k));
		for (c = 0; c < COL_COUNT; c++) {
			if (kind_has_col(k, c, NULL))
				continue;
			good(k);
			f[c] = "1";
			REJECT(k, col_name(c), want);
			/* Even an empty value: the column must not be there. */
			good(k);
			f[c] = "";
			REJECT(k, col_name(c), want);
			n++;
		}
	}
	/* 10 columns each: 3 + 5 + 5 + 6 + 6 foreign ones. */
	CHECK_INT(n, 25);
}

/* record_id. */

static void
test_record_id_empty(void)
{
	good(KIND_DEATH);
	f[COL_RECORD_ID] = "";
	REJECT(KIND_DEATH, "record_id", "empty");
}

static void
test_record_id_too_long(void)
{
	good(KIND_DEATH);
	f[COL_RECORD_ID] = rep('r', 65);
	REJECT(KIND_DEATH, "record_id", "longer than 64 characters");
	/* Longer than the trimming buffer: still a length complaint. */
	f[COL_RECORD_ID] = rep('r', 400);
	REJECT(KIND_DEATH, "record_id", "longer than");
}

static void
test_record_id_64_ok(void)
{
	good(KIND_DEATH);
	f[COL_RECORD_ID] = rep('r', 64);
	ACCEPT(KIND_DEATH);
	CHECK_STR(rec.record_id, rep('r', 64));
	CHECK_INT(strlen(rec.record_id), 64);
}

static void
test_record_id_nonprintable(void)
{
	good(KIND_DEATH);
	f[COL_RECORD_ID] = "R\t1";
	REJECT(KIND_DEATH, "record_id", "printable ASCII");
	f[COL_RECORD_ID] = "R\x01"
			   "1";
	REJECT(KIND_DEATH, "record_id", "printable ASCII");
	f[COL_RECORD_ID] = "R\x7f";
	REJECT(KIND_DEATH, "record_id", "printable ASCII");
	/* Well-formed UTF-8 beyond ASCII. */
	f[COL_RECORD_ID] = "R\xc2\x80"; /* U+0080 */
	REJECT(KIND_DEATH, "record_id", "printable ASCII");
	f[COL_RECORD_ID] = "城关镇-1";
	REJECT(KIND_DEATH, "record_id", "printable ASCII");
	/* A lone byte 0x80 is caught earlier, as bad UTF-8. */
	f[COL_RECORD_ID] = "R\x80";
	REJECT(KIND_DEATH, "record_id", "invalid UTF-8");
}

/* unit. */

static void
test_unit_invalid_chars(void)
{
	good(KIND_POPULATION);
	f[COL_UNIT] = "U 01";
	REJECT(KIND_POPULATION, "unit", "is not a unit code");
	f[COL_UNIT] = "U.01";
	REJECT(KIND_POPULATION, "unit", "is not a unit code");
	f[COL_UNIT] = "城关镇";
	REJECT(KIND_POPULATION, "unit", "is not a unit code");
	CHECK_CONTAINS(reason, "'城关镇'");
}

static void
test_unit_length(void)
{
	good(KIND_POPULATION);
	f[COL_UNIT] = rep('u', 21);
	REJECT(KIND_POPULATION, "unit", "is not a unit code (1-20");
	f[COL_UNIT] = rep('u', 20);
	ACCEPT(KIND_POPULATION);
	CHECK_STR(rec.unit, rep('u', 20));
	f[COL_UNIT] = "a";
	ACCEPT(KIND_POPULATION);
	CHECK_STR(rec.unit, "a");
}

/* date. */

static void
test_date_malformed(void)
{
	static const char *const bad[] = {
		"26-01-05",
		"2026-01-05x",
		"05/01/2026",
		"05.01.2026",
		"2026-01-05 10:00",
		"2026/01-05",
		"260105",
		"yesterday",
		"2026-0a-05",
		"+026-01-05",
		"2026年1月",
		"2026-001-05",
	};
	size_t i;

	good(KIND_MIGRATION);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		f[COL_DATE] = bad[i];
		REJECT(KIND_MIGRATION, "date", "expected YYYY-MM-DD");
	}
}

static void
test_date_impossible(void)
{
	good(KIND_MIGRATION);
	f[COL_DATE] = "2026-02-30";
	REJECT(KIND_MIGRATION, "date", "no such day");
	CHECK_CONTAINS(reason, "'2026-02-30'");
	f[COL_DATE] = "2025-02-29";
	REJECT(KIND_MIGRATION, "date", "no such day");
	f[COL_DATE] = "2025-04-31";
	REJECT(KIND_MIGRATION, "date", "no such day");
	f[COL_DATE] = "2026-01-00";
	REJECT(KIND_MIGRATION, "date", "no such day");
	f[COL_DATE] = "2026-13-01";
	REJECT(KIND_MIGRATION, "date", "month must be 01-12");
	f[COL_DATE] = "2026-00-10";
	REJECT(KIND_MIGRATION, "date", "month must be 01-12");
	f[COL_DATE] = "2024-02-29"; /* leap year */
	ACCEPT(KIND_MIGRATION);
	CHECK_INT(rec.day, date_from_ymd(2024, 2, 29));
}

static void
test_date_before_1900(void)
{
	good(KIND_MIGRATION);
	f[COL_DATE] = "1899-12-31";
	REJECT(KIND_MIGRATION, "date", "year must be 1900-9999");
	f[COL_DATE] = "0000-01-01";
	REJECT(KIND_MIGRATION, "date", "year must be 1900-9999");
	f[COL_DATE] = "1900-01-01";
	ACCEPT(KIND_MIGRATION);
	CHECK_INT(rec.day, date_from_ymd(1900, 1, 1));
}

static void
test_date_after_today(void)
{
	good(KIND_MIGRATION);
	f[COL_DATE] = "2026-03-16";
	REJECT(KIND_MIGRATION, "date", "after today");
	CHECK_CONTAINS(reason, "2026-03-16 is after today (2026-03-15)");
	f[COL_DATE] = "2027-01-01";
	REJECT(KIND_MIGRATION, "date", "after today");
	f[COL_DATE] = "9999-12-31";
	REJECT(KIND_MIGRATION, "date", "after today");
}

static void
test_date_today_ok(void)
{
	good(KIND_MIGRATION);
	f[COL_DATE] = "2026-03-15";
	ACCEPT(KIND_MIGRATION);
	CHECK_INT(rec.day, today);
	f[COL_DATE] = "2026-03-14";
	ACCEPT(KIND_MIGRATION);
	CHECK_INT(rec.day, today - 1);
}

/* sex (birth and death). */

static void
test_sex(void)
{
	static const struct {
		const char *text;
		int sex;
	} ok[] = {
		{ "M", 1 },
		{ "m", 1 },
		{ "男", 1 },
		{ "F", 2 },
		{ "f", 2 },
		{ "女", 2 },
		{ "Ｍ", 1 },
		{ "'F", 2 },
		{ "\xe3\x80\x80女\xe3\x80\x80", 2 },
	};
	static const char *const bad[] = {
		"X",
		"male",
		"MF",
		"0",
		"1",
		"男性",
		"女人",
	};
	size_t i;
	int k;

	for (k = KIND_BIRTH; k <= KIND_DEATH; k++) {
		good(k);
		for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
			f[COL_SEX] = ok[i].text;
			ACCEPT(k);
			CHECK_INT(rec.sex, ok[i].sex);
		}
		for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			f[COL_SEX] = bad[i];
			REJECT(k, "sex", "is not M, F, 男 or 女");
		}
	}
}

/* birth_order. */

static void
test_birth_order_range(void)
{
	good(KIND_BIRTH);
	f[COL_BIRTH_ORDER] = "0";
	REJECT(KIND_BIRTH, "birth_order", "out of range 1-15");
	f[COL_BIRTH_ORDER] = "16";
	REJECT(KIND_BIRTH, "birth_order", "out of range 1-15");
	f[COL_BIRTH_ORDER] = "99999999999999999999999";
	REJECT(KIND_BIRTH, "birth_order", "out of range 1-15");
	f[COL_BIRTH_ORDER] = "1";
	ACCEPT(KIND_BIRTH);
	CHECK_INT(rec.birth_order, 1);
	f[COL_BIRTH_ORDER] = "15";
	ACCEPT(KIND_BIRTH);
	CHECK_INT(rec.birth_order, 15);
	f[COL_BIRTH_ORDER] = "007"; /* leading zeros are still digits */
	ACCEPT(KIND_BIRTH);
	CHECK_INT(rec.birth_order, 7);
}

static void
test_birth_order_not_number(void)
{
	good(KIND_BIRTH);
	f[COL_BIRTH_ORDER] = "3a";
	REJECT(KIND_BIRTH, "birth_order", "is not a whole number");
	CHECK_CONTAINS(reason, "'3a'");
	f[COL_BIRTH_ORDER] = "-1";
	REJECT(KIND_BIRTH, "birth_order", "is not a whole number");
	f[COL_BIRTH_ORDER] = "+2";
	REJECT(KIND_BIRTH, "birth_order", "is not a whole number");
	f[COL_BIRTH_ORDER] = "2.0";
	REJECT(KIND_BIRTH, "birth_order", "is not a whole number");
	f[COL_BIRTH_ORDER] = "1 2";
	REJECT(KIND_BIRTH, "birth_order", "is not a whole number");
	f[COL_BIRTH_ORDER] = "二";
	REJECT(KIND_BIRTH, "birth_order", "is not a whole number");
	f[COL_BIRTH_ORDER] = "";
	REJECT(KIND_BIRTH, "birth_order", "empty");
}

static void
test_birth_order_trimmed(void)
{
	good(KIND_BIRTH);
	f[COL_BIRTH_ORDER] = " 2 ";
	ACCEPT(KIND_BIRTH);
	CHECK_INT(rec.birth_order, 2);
	f[COL_BIRTH_ORDER] = "\t3\t";
	ACCEPT(KIND_BIRTH);
	CHECK_INT(rec.birth_order, 3);
}

/* policy. */

static void
test_policy(void)
{
	static const struct {
		const char *text;
		int policy;
	} ok[] = {
		{ "Y", 1 },
		{ "y", 1 },
		{ "符合", 1 },
		{ "N", 0 },
		{ "n", 0 },
		{ "不符合", 0 },
		{ "是", 1 },
		{ "否", 0 },
		{ "'Y", 1 },
		{ "Ｙ", 1 },
	};
	static const char *const bad[] = {
		"YES",
		"no",
		"1",
		"0",
		"符",
		"不",
		"是的",
	};
	size_t i;

	good(KIND_BIRTH);
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		f[COL_POLICY] = ok[i].text;
		ACCEPT(KIND_BIRTH);
		CHECK_INT(rec.policy, ok[i].policy);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		f[COL_POLICY] = bad[i];
		REJECT(KIND_BIRTH, "policy",
		    "is not Y, N, 符合, 不符合, 是 or 否");
	}
}

/* mother_id. */

static void
test_mother_id_optional_on_birth(void)
{
	good(KIND_BIRTH);
	f[COL_MOTHER_ID] = NULL;
	ACCEPT(KIND_BIRTH);
	CHECK_INT(rec.has_mother, 0);
	CHECK_STR(rec.mother_id, "");
	f[COL_MOTHER_ID] = "";
	ACCEPT(KIND_BIRTH);
	CHECK_INT(rec.has_mother, 0);
	CHECK_STR(rec.mother_id, "");
	f[COL_MOTHER_ID] = "   ";
	ACCEPT(KIND_BIRTH);
	CHECK_INT(rec.has_mother, 0);
	CHECK_STR(rec.mother_id, "");
}

static void
test_mother_id_required_on_verification(void)
{
	good(KIND_VERIFICATION);
	f[COL_MOTHER_ID] = NULL;
	REJECT(KIND_VERIFICATION, "mother_id", "missing");
	f[COL_MOTHER_ID] = "";
	REJECT(KIND_VERIFICATION, "mother_id", "empty; a value is required");
	f[COL_MOTHER_ID] = "  ";
	REJECT(KIND_VERIFICATION, "mother_id", "empty; a value is required");
}

static void
test_mother_id_normalised(void)
{
	int k;

	for (k = KIND_BIRTH; k <= KIND_VERIFICATION; k += 4) {
		good(k);
		f[COL_MOTHER_ID] = "11010119900101004x";
		ACCEPT(k);
		CHECK_INT(rec.has_mother, 1);
		CHECK_STR(rec.mother_id, "11010119900101004X");
		f[COL_MOTHER_ID] = "11010119900101004X";
		ACCEPT(k);
		CHECK_STR(rec.mother_id, "11010119900101004X");
		/* A local register number: kept, trimmed, UTF-8 intact. */
		f[COL_MOTHER_ID] = " 城关镇-0042 ";
		ACCEPT(k);
		CHECK_INT(rec.has_mother, 1);
		CHECK_STR(rec.mother_id, "城关镇-0042");
	}
}

static void
test_mother_id_control_char(void)
{
	good(KIND_VERIFICATION);
	f[COL_MOTHER_ID] = "1101\x01"
			   "0119";
	REJECT(KIND_VERIFICATION, "mother_id", "control character");
	f[COL_MOTHER_ID] = "1101\t0119"; /* inner tab is not trimmed */
	REJECT(KIND_VERIFICATION, "mother_id", "control character");
	f[COL_MOTHER_ID] = "1101\n";
	REJECT(KIND_VERIFICATION, "mother_id", "control character");
	f[COL_MOTHER_ID] = "1101\x7f";
	REJECT(KIND_VERIFICATION, "mother_id", "control character");
	good(KIND_BIRTH);
	f[COL_MOTHER_ID] = "\x1b[0m";
	REJECT(KIND_BIRTH, "mother_id", "control character");
}

static void
test_mother_id_length(void)
{
	char cjk[128];
	int i;

	good(KIND_VERIFICATION);
	f[COL_MOTHER_ID] = rep('7', 65);
	REJECT(KIND_VERIFICATION, "mother_id", "longer than 64 bytes");
	f[COL_MOTHER_ID] = rep('7', 64);
	ACCEPT(KIND_VERIFICATION);
	CHECK_STR(rec.mother_id, rep('7', 64));
	f[COL_MOTHER_ID] = rep('7', 300);
	REJECT(KIND_VERIFICATION, "mother_id", "longer than");
	/* Bytes, not characters: 22 three-byte characters are 66 bytes. */
	cjk[0] = '\0';
	for (i = 0; i < 22; i++)
		strcat(cjk, "镇");
	f[COL_MOTHER_ID] = cjk;
	REJECT(KIND_VERIFICATION, "mother_id", "longer than 64 bytes");
	cjk[63] = '\0'; /* 21 characters, 63 bytes */
	ACCEPT(KIND_VERIFICATION);
	CHECK_STR(rec.mother_id, cjk);
}

/* age (death). */

static void
test_age(void)
{
	good(KIND_DEATH);
	f[COL_AGE] = "0";
	ACCEPT(KIND_DEATH);
	CHECK_INT(rec.age, 0);
	f[COL_AGE] = "130";
	ACCEPT(KIND_DEATH);
	CHECK_INT(rec.age, 130);
	f[COL_AGE] = "131";
	REJECT(KIND_DEATH, "age", "out of range 0-130");
	f[COL_AGE] = "-1";
	REJECT(KIND_DEATH, "age", "is not a whole number");
	f[COL_AGE] = "80y";
	REJECT(KIND_DEATH, "age", "is not a whole number");
}

/* direction (migration). */

static void
test_direction(void)
{
	static const struct {
		const char *text;
		int dir;
	} ok[] = {
		{ "in", 1 },
		{ "IN", 1 },
		{ "迁入", 1 },
		{ "out", 2 },
		{ "OUT", 2 },
		{ "迁出", 2 },
	};
	static const char *const bad[] = {
		"i",
		"o",
		"inward",
		"迁",
		"迁移",
		"1",
	};
	size_t i;

	good(KIND_MIGRATION);
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		f[COL_DIRECTION] = ok[i].text;
		ACCEPT(KIND_MIGRATION);
		CHECK_INT(rec.direction, ok[i].dir);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		f[COL_DIRECTION] = bad[i];
		REJECT(KIND_MIGRATION, "direction",
		    "is not in, out, 迁入 or 迁出");
	}
}

/* persons (migration, population). */

static void
test_migration_persons(void)
{
	good(KIND_MIGRATION);
	f[COL_PERSONS] = "0";
	REJECT(KIND_MIGRATION, "persons", "out of range 1-100000");
	f[COL_PERSONS] = "1";
	ACCEPT(KIND_MIGRATION);
	CHECK_INT(rec.persons, 1);
	f[COL_PERSONS] = "100000";
	ACCEPT(KIND_MIGRATION);
	CHECK_INT(rec.persons, 100000);
	f[COL_PERSONS] = "100001";
	REJECT(KIND_MIGRATION, "persons", "out of range 1-100000");
	f[COL_PERSONS] = "1,000";
	REJECT(KIND_MIGRATION, "persons", "is not a whole number");
}

static void
test_population_persons(void)
{
	good(KIND_POPULATION);
	f[COL_PERSONS] = "0";
	ACCEPT(KIND_POPULATION);
	CHECK_INT(rec.persons, 0);
	f[COL_PERSONS] = "2000000000";
	ACCEPT(KIND_POPULATION);
	CHECK_INT(rec.persons, 2000000000LL);
	f[COL_PERSONS] = "2000000001";
	REJECT(KIND_POPULATION, "persons", "out of range 0-2000000000");
	f[COL_PERSONS] = "99999999999999999999999999";
	REJECT(KIND_POPULATION, "persons", "out of range");
	f[COL_PERSONS] = "-5";
	REJECT(KIND_POPULATION, "persons", "is not a whole number");
}

/* Field text in general. */

static void
test_invalid_utf8(void)
{
	good(KIND_BIRTH);
	f[COL_UNIT] = "U\xff";
	REJECT(KIND_BIRTH, "unit", "invalid UTF-8");
	good(KIND_BIRTH);
	f[COL_SEX] = "\xe7\x94"; /* truncated 男 */
	REJECT(KIND_BIRTH, "sex", "invalid UTF-8");
	good(KIND_BIRTH);
	f[COL_POLICY] = "\xc0\xae"; /* overlong */
	REJECT(KIND_BIRTH, "policy", "invalid UTF-8");
	good(KIND_BIRTH);
	f[COL_MOTHER_ID] = "1101\xed\xa0\x80"; /* surrogate */
	REJECT(KIND_BIRTH, "mother_id", "invalid UTF-8");
	good(KIND_MIGRATION);
	f[COL_DIRECTION] = "\xe8\xbf";
	REJECT(KIND_MIGRATION, "direction", "invalid UTF-8");
	good(KIND_DEATH);
	f[COL_DATE] = "2026-01-0\x80";
	REJECT(KIND_DEATH, "date", "invalid UTF-8");
}

static void
test_blanks_trimmed(void)
{
	good(KIND_BIRTH);
	f[COL_RECORD_ID] = "  R-7\t";
	f[COL_UNIT] = "\tU02 ";
	f[COL_DATE] = " 2026-03-15 ";
	f[COL_SEX] = " 女 ";
	f[COL_BIRTH_ORDER] = " 2 ";
	f[COL_POLICY] = "\t不符合\t";
	f[COL_MOTHER_ID] = " 11010119900101004x ";
	ACCEPT(KIND_BIRTH);
	CHECK_STR(rec.record_id, "R-7");
	CHECK_STR(rec.unit, "U02");
	CHECK_INT(rec.day, today);
	CHECK_INT(rec.sex, 2);
	CHECK_INT(rec.birth_order, 2);
	CHECK_INT(rec.policy, 0);
	CHECK_STR(rec.mother_id, "11010119900101004X");

	good(KIND_MIGRATION);
	f[COL_DIRECTION] = "  迁出  ";
	f[COL_PERSONS] = " 12 ";
	ACCEPT(KIND_MIGRATION);
	CHECK_INT(rec.direction, 2);
	CHECK_INT(rec.persons, 12);

	/* Only the ends: a blank inside stays and is judged. */
	good(KIND_DEATH);
	f[COL_AGE] = " 8 0 ";
	REJECT(KIND_DEATH, "age", "is not a whole number");
	/* 64 characters with blanks around are still 64. */
	f[COL_AGE] = "80";
	{
		char id[80];

		snprintf(id, sizeof id, "  %s  ", rep('r', 64));
		f[COL_RECORD_ID] = id;
		ACCEPT(KIND_DEATH);
		CHECK_STR(rec.record_id, rep('r', 64));
	}
}

static void
test_first_failure_reported(void)
{
	/* Columns are checked in order; the first bad one is named. */
	good(KIND_BIRTH);
	f[COL_POLICY] = "maybe";
	f[COL_SEX] = "X";
	REJECT(KIND_BIRTH, "sex", "is not M, F");
	f[COL_UNIT] = "bad unit";
	REJECT(KIND_BIRTH, "unit", "is not a unit code");
	/* A foreign column is reported before any value is looked at. */
	f[COL_AGE] = "3";
	REJECT(KIND_BIRTH, "age", "not a column of birth records");
}

/* Every reason of a row, not only the first (doc/rules.md §13). */
static void
test_all_reasons(void)
{
	struct record_issues iss;

	good(KIND_BIRTH);
	f[COL_DATE] = "2026/13/01";
	f[COL_SEX] = "X";
	f[COL_POLICY] = "maybe";
	f[COL_MOTHER_ID] = "110101199001011230";
	CHECK_INT(record_check(KIND_BIRTH, f, today, &rec, &iss), 4);
	CHECK_STR(iss.v[0].column, "date");
	CHECK_STR(iss.v[0].reason, "'2026/13/01': month must be 01-12");
	CHECK_STR(iss.v[1].column, "sex");
	CHECK_STR(iss.v[2].column, "policy");
	CHECK_STR(iss.v[3].column, "mother_id");
	CHECK_STR(iss.v[3].reason, "check character should be 7");
	/* record_validate joins them, naming each further column. */
	REJECT(KIND_BIRTH, "date", "month must be 01-12; sex: 'X' is not M");
	CHECK_CONTAINS(reason, "; policy: 'maybe' is not Y");
	CHECK_CONTAINS(reason, "; mother_id: check character should be 7");
	good(KIND_BIRTH);
	CHECK_INT(record_check(KIND_BIRTH, f, today, &rec, &iss), 0);
}

/* The date forms a register holds (doc/rules.md §13). */
static void
test_date_forms(void)
{
	static const char *const ok[] = {
		"2026-01-05",
		"2026-1-5",
		"2026/1/5",
		"2026/01/05",
		"2026.1.5",
		"2026年1月5日",
		"2026年01月05日",
		"20260105",
		"２０２６-０１-０５",
		"'2026-01-05",
		" 2026/1/5 ",
	};
	size_t i;

	good(KIND_POPULATION);
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		f[COL_DATE] = ok[i];
		ACCEPT(KIND_POPULATION);
		CHECK_INT(rec.day, date_from_ymd(2026, 1, 5));
	}
	f[COL_DATE] = "2026/2/30";
	REJECT(KIND_POPULATION, "date", "no such day");
	f[COL_DATE] = "20260230";
	REJECT(KIND_POPULATION, "date", "no such day");
	f[COL_DATE] = "2026年2月30日";
	REJECT(KIND_POPULATION, "date", "'2026年2月30日': no such day");
	f[COL_DATE] = "5/1/2026";
	REJECT(KIND_POPULATION, "date", "'5/1/2026': expected YYYY-MM-DD");
	f[COL_DATE] = "26/1/5";
	REJECT(KIND_POPULATION, "date", "expected YYYY-MM-DD");
	CHECK(strstr(reason, "Excel") == NULL);
	/* Five digits: a date Excel wrote as its serial number. */
	f[COL_DATE] = "46115";
	REJECT(KIND_POPULATION, "date",
	    "'46115': expected YYYY-MM-DD; this"
	    " looks like an Excel date serial number: format the column as a"
	    " date");
	f[COL_DATE] = "2026/1-5";
	REJECT(KIND_POPULATION, "date", "expected YYYY-MM-DD");
	f[COL_DATE] = "2026年1月5";
	ACCEPT(KIND_POPULATION);
	f[COL_DATE] = "2027/1/5";
	REJECT(KIND_POPULATION, "date", "2027-01-05 is after today");
}

/* Full-width forms fold, values are quoted whole in reasons. */
static void
test_fullwidth_and_quoting(void)
{
	good(KIND_POPULATION);
	f[COL_UNIT] = "３６０７３２１０２";
	f[COL_PERSONS] = "５２０００";
	f[COL_RECORD_ID] = "Ｒ－１";
	ACCEPT(KIND_POPULATION);
	CHECK_STR(rec.unit, "360732102");
	CHECK_STR(rec.record_id, "R-1");
	CHECK_INT(rec.persons, 52000);
	f[COL_UNIT] = "城关镇卫生院计划生育办公室";
	REJECT(KIND_POPULATION, "unit",
	    "'城关镇卫生院计划生育办公室' is not a unit code");
	/* Longer than the echo limit: cut on a character, then an ellipsis. */
	f[COL_UNIT] = "城关镇城关镇城关镇城关镇城关镇城关镇城关镇城关镇";
	REJECT(KIND_POPULATION, "unit",
	    "'城关镇城关镇城关镇城关镇城关镇城关镇城关"
	    "…' is not a unit code");
	CHECK(utf8_valid(reason, strlen(reason)));
}

/* mother_id rules of doc/rules.md §13, through record_validate. */
static void
test_mother_id_rules(void)
{
	int k;

	for (k = KIND_BIRTH; k <= KIND_VERIFICATION; k += 4) {
		good(k);
		f[COL_MOTHER_ID] = "11010519491231002X";
		ACCEPT(k);
		CHECK_STR(rec.mother_id, "11010519491231002X");
		f[COL_MOTHER_ID] = " '1101 0519 4912 3100 2x ";
		ACCEPT(k);
		CHECK_STR(rec.mother_id, "11010519491231002X");
		f[COL_MOTHER_ID] = "１１０１０５１９４９１２３１００２Ｘ";
		ACCEPT(k);
		CHECK_STR(rec.mother_id, "11010519491231002X");
		f[COL_MOTHER_ID] = "110105491231002";
		ACCEPT(k);
		CHECK_STR(rec.mother_id, "11010519491231002X");
		f[COL_MOTHER_ID] = "110101199001011230";
		REJECT(k, "mother_id", "check character should be 7");
		f[COL_MOTHER_ID] = "360732198013450017";
		REJECT(k, "mother_id", "birth date 19801345 is not a date");
		f[COL_MOTHER_ID] = "3.60732E+17";
		REJECT(k, "mother_id",
		    "Excel stored the ID as a number and"
		    " lost its last digits; format the column as text");
		f[COL_MOTHER_ID] = "110101202701010010";
		REJECT(k, "mother_id",
		    "birth date 20270101 is after the"
		    " record's date 2026-01-05");
		f[COL_MOTHER_ID] = "12345";
		ACCEPT(k);
		CHECK_STR(rec.mother_id, "12345");
	}
}

static void
test_reason_key(void)
{
	char b[128];

	CHECK_STR(record_reason_key("'05/05/2025': expected YYYY-MM-DD", b,
		      sizeof b),
	    "expected YYYY-MM-DD");
	CHECK_STR(record_reason_key("'X' is not M, F, 男 or 女", b, sizeof b),
	    "is not M, F, 男 or 女");
	CHECK_STR(record_reason_key("check character should be 7", b, sizeof b),
	    "check character should be 7");
}

static void
test_small_reason_buffer(void)
{
	char small[8];
	int rc;

	good(KIND_MIGRATION);
	f[COL_DIRECTION] = "sideways, very far";
	memset(small, 'z', sizeof small);
	rc = record_validate(KIND_MIGRATION, f, today, &rec, &col, small,
	    sizeof small);
	CHECK_INT(rc, -1);
	CHECK_STR(col, "direction");
	CHECK_INT(strlen(small), sizeof small - 1);
	CHECK(memcmp(small, "'sidewa", 7) == 0);
}

int
main(void)
{
	char err[96];

	if (date_parse("2026-03-15", &today, err, sizeof err) != 0) {
		fprintf(stderr, "date_parse: %s\n", err);
		return (1);
	}
	RUN(test_kind_name);
	RUN(test_kind_parse);
	RUN(test_col_parse);
	RUN(test_kind_has_col);
	RUN(test_kind_guess);
	RUN(test_unit_code_valid);
	RUN(test_record_id_valid);
	RUN(test_valid_rows);
	RUN(test_unknown_kind);
	RUN(test_missing_required);
	RUN(test_empty_required);
	RUN(test_foreign_column);
	RUN(test_record_id_empty);
	RUN(test_record_id_too_long);
	RUN(test_record_id_64_ok);
	RUN(test_record_id_nonprintable);
	RUN(test_unit_invalid_chars);
	RUN(test_unit_length);
	RUN(test_date_malformed);
	RUN(test_date_forms);
	RUN(test_all_reasons);
	RUN(test_fullwidth_and_quoting);
	RUN(test_mother_id_rules);
	RUN(test_reason_key);
	RUN(test_date_impossible);
	RUN(test_date_before_1900);
	RUN(test_date_after_today);
	RUN(test_date_today_ok);
	RUN(test_sex);
	RUN(test_birth_order_range);
	RUN(test_birth_order_not_number);
	RUN(test_birth_order_trimmed);
	RUN(test_policy);
	RUN(test_mother_id_optional_on_birth);
	RUN(test_mother_id_required_on_verification);
	RUN(test_mother_id_normalised);
	RUN(test_mother_id_control_char);
	RUN(test_mother_id_length);
	RUN(test_age);
	RUN(test_direction);
	RUN(test_migration_persons);
	RUN(test_population_persons);
	RUN(test_invalid_utf8);
	RUN(test_blanks_trimmed);
	RUN(test_first_failure_reported);
	RUN(test_small_reason_buffer);
	return (check_summary("test_record"));
}
