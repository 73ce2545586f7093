/*
 * test_expr.c - indicator expressions (common/expr.c).
 */
#include <stdlib.h>

#include "check.h"
#include "expr.h"

enum {
	C_BIRTHS,
	C_BIRTHS_MALE,
	C_BIRTHS_FEMALE,
	C_BIRTHS_POLICY,
	C_BIRTHS_ORDER3,
	C_DEATHS,
	C_MIG_IN,
	C_MIG_OUT,
	C_VERIFIED,
	C_VERIFIED_MISSED,
	C_POP_START,
	C_POP_END,
	C_POP_AVG,
	C_DAYS,
	C_YEAR_DAYS,
	NCOUNTERS
};

static const char *const counters[NCOUNTERS] = { "births", "births_male",
	"births_female", "births_policy", "births_order3", "deaths", "mig_in",
	"mig_out", "verified", "verified_missed", "pop_start", "pop_end",
	"pop_avg", "days", "year_days" };

/* A county-sized year: 100000 people on average, 1050 births. */
static double sample[NCOUNTERS] = {
	[C_BIRTHS] = 1050,
	[C_BIRTHS_MALE] = 560,
	[C_BIRTHS_FEMALE] = 490,
	[C_BIRTHS_POLICY] = 1000,
	[C_BIRTHS_ORDER3] = 42,
	[C_DEATHS] = 600,
	[C_MIG_IN] = 300,
	[C_MIG_OUT] = 250,
	[C_VERIFIED] = 200,
	[C_VERIFIED_MISSED] = 5,
	[C_POP_START] = 99800,
	[C_POP_END] = 100200,
	[C_POP_AVG] = 100000,
	[C_DAYS] = 365,
	[C_YEAR_DAYS] = 365,
};

static char errbuf[256];

/*
 * Compile src and evaluate it over values/known.  Returns what expr_eval()
 * returns, or -2 when src does not compile (message in errbuf).
 */
static int
run(const char *src, const double *values, const unsigned char *known,
    double *out)
{
	expr *e;
	int rc;

	*out = 0;
	e = expr_compile(src, counters, NCOUNTERS, errbuf, sizeof errbuf);
	if (e == NULL)
		return -2;
	rc = expr_eval(e, values, known, out);
	expr_free(e);
	return rc;
}

/* Value of a constant expression; NAN when it has none. */
static double
value(const char *src)
{
	double v;

	if (run(src, sample, NULL, &v) != 0)
		return NAN;
	return v;
}

/* The message of compiling src, or "" when it compiles. */
static const char *
error_of(const char *src)
{
	expr *e;

	e = expr_compile(src, counters, NCOUNTERS, errbuf, sizeof errbuf);
	if (e != NULL) {
		expr_free(e);
		return "";
	}
	return errbuf;
}

static void
test_precedence(void)
{
	CHECK_DBL(value("1 + 2 * 3"), 7, 0);
	CHECK_DBL(value("2 * 3 + 1"), 7, 0);
	CHECK_DBL(value("1 + 6 / 3"), 3, 0);
	CHECK_DBL(value("10 - 4 / 2"), 8, 0);
	CHECK_DBL(value("2 * 3 + 4 * 5"), 26, 0);
	CHECK_DBL(value("1 + 2 * 3 - 4 / 2"), 5, 0);
}

static void
test_associativity(void)
{
	CHECK_DBL(value("10 - 4 - 3"), 3, 0);
	CHECK_DBL(value("64 / 4 / 2"), 8, 0);
	CHECK_DBL(value("8 / 2 * 4"), 16, 0);
	CHECK_DBL(value("10 - 2 + 3"), 11, 0);
	/* (births / pop_avg) * 1000, not births / (pop_avg * 1000) */
	CHECK_DBL(value("births / pop_avg * 1000"), 10.5, 1e-12);
	CHECK_DBL(value("1000 * births / pop_avg"), 10.5, 1e-12);
}

static void
test_unary(void)
{
	CHECK_DBL(value("-3"), -3, 0);
	CHECK_DBL(value("--3"), 3, 0);
	CHECK_DBL(value("- - -3"), -3, 0);
	CHECK_DBL(value("+3"), 3, 0);
	CHECK_DBL(value("-+-3"), 3, 0);
	CHECK_DBL(value("2 - -3"), 5, 0);
	CHECK_DBL(value("2 * -3"), -6, 0);
	CHECK_DBL(value("-2 * 3 + 10"), 4, 0);
	CHECK_DBL(value("-(2 + 3) * 2"), -10, 0);
	CHECK_DBL(value("-births"), -1050, 0);
	CHECK_DBL(value("6 / -2 / -3"), 1, 0);
}

static void
test_parentheses(void)
{
	CHECK_DBL(value("(1 + 2) * 3"), 9, 0);
	CHECK_DBL(value("10 - (4 - 3)"), 9, 0);
	CHECK_DBL(value("64 / (4 / 2)"), 32, 0);
	CHECK_DBL(value("((((7))))"), 7, 0);
	CHECK_DBL(value("(births - deaths) / (pop_avg / 1000)"), 4.5, 1e-12);
	CHECK_DBL(value("2 * (3 + (4 - 1) * 2) - 1"), 17, 0);
}

static void
test_numbers(void)
{
	CHECK_DBL(value("0"), 0, 0);
	CHECK_DBL(value("1000"), 1000, 0);
	CHECK_DBL(value("11.5"), 11.5, 0);
	CHECK_DBL(value(".5"), 0.5, 0);
	CHECK_DBL(value("5."), 5, 0);
	CHECK_DBL(value("1e3"), 1000, 0);
	CHECK_DBL(value("1E3"), 1000, 0);
	CHECK_DBL(value("2.5e-2"), 0.025, 1e-15);
	CHECK_DBL(value("1e+2"), 100, 0);
	CHECK_DBL(value("007"), 7, 0);
	CHECK_DBL(value(" \t1\r\n+\n2 "), 3, 0);
	CHECK_DBL(value("1e-400"), 0, 0);
}

static void
test_defaults(void)
{
	struct {
		const char *src;
		double want;
	} defaults[] = {
		{ "births / pop_avg * 1000", 10.5 },
		{ "deaths / pop_avg * 1000", 6.0 },
		{ "(births - deaths) / pop_avg * 1000", 4.5 },
		{ "verified_missed / verified * 100", 2.5 },
		{ "births_policy / births * 100", 1000.0 / 1050 * 100 },
		{ "births_male / births_female * 100", 560.0 / 490 * 100 },
		{ "births_order3 / births * 100", 4.0 },
	};
	size_t i;

	for (i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
		check_current = defaults[i].src;
		CHECK_DBL(value(defaults[i].src), defaults[i].want, 1e-9);
	}
	check_current = "test_defaults";
}

static void
test_no_value(void)
{
	double zero[NCOUNTERS] = { 0 }, v;
	unsigned char known[NCOUNTERS];

	/* Division by zero: a constant one, and no births at all. */
	CHECK_INT(run("1 / 0", sample, NULL, &v), -1);
	CHECK_INT(run("1 / (2 - 2)", sample, NULL, &v), -1);
	CHECK_INT(run("births_policy / births * 100", zero, NULL, &v), -1);
	CHECK_INT(run("births / pop_avg * 1000", zero, NULL, &v), -1);
	/* 0 / x is a value. */
	CHECK_INT(run("births / 5", zero, NULL, &v), 0);
	CHECK_DBL(v, 0, 0);

	/* An unknown population spoils only the expressions that use it. */
	memset(known, 1, sizeof known);
	known[C_POP_AVG] = 0;
	CHECK_INT(run("births / pop_avg * 1000", sample, known, &v), -1);
	CHECK_INT(run("births_policy / births * 100", sample, known, &v), 0);
	CHECK_DBL(v, 1000.0 / 1050 * 100, 1e-9);
	/* Even when its term would vanish. */
	CHECK_INT(run("births + 0 * pop_avg", sample, known, &v), -1);

	/* Non-finite results. */
	CHECK_INT(run("1e308 * 10", sample, NULL, &v), -1);
	CHECK_INT(run("1e308 * 10 / 1e308", sample, NULL, &v), -1);
	CHECK_INT(run("-1e308 - 1e308", sample, NULL, &v), -1);
	CHECK_INT(run("1e308 + 1e308 - 1e308", sample, NULL, &v), -1);
	sample[C_BIRTHS] = INFINITY;
	CHECK_INT(run("births * 0", sample, NULL, &v), -1);
	sample[C_BIRTHS] = NAN;
	CHECK_INT(run("births - births", sample, NULL, &v), -1);
	sample[C_BIRTHS] = 1050;
	CHECK_INT(run("births", sample, NULL, &v), 0);
	CHECK_DBL(v, 1050, 0);
}

static void
test_uses(void)
{
	expr *e;

	e = expr_compile("(births - deaths) / pop_avg * 1000", counters,
	    NCOUNTERS, errbuf, sizeof errbuf);
	CHECK(e != NULL);
	CHECK(expr_uses(e, C_BIRTHS));
	CHECK(expr_uses(e, C_DEATHS));
	CHECK(expr_uses(e, C_POP_AVG));
	CHECK(!expr_uses(e, C_POP_START));
	CHECK(!expr_uses(e, C_BIRTHS_MALE));
	CHECK(!expr_uses(e, NCOUNTERS));
	expr_free(e);

	e = expr_compile("100", counters, NCOUNTERS, errbuf, sizeof errbuf);
	CHECK(e != NULL);
	CHECK(!expr_uses(e, C_BIRTHS));
	expr_free(e);

	e = expr_compile("year_days / days", counters, NCOUNTERS, errbuf,
	    sizeof errbuf);
	CHECK(expr_uses(e, C_YEAR_DAYS));
	CHECK(expr_uses(e, C_DAYS));
	expr_free(e);

	CHECK(!expr_uses(NULL, 0));
	expr_free(NULL);
}

static void
test_errors(void)
{
	CHECK_STR(error_of(""), "column 1: empty expression");
	CHECK_STR(error_of("   "), "column 1: empty expression");
	CHECK_STR(error_of(NULL), "column 1: empty expression");
	CHECK_STR(error_of("(a + b"), "column 2: unknown counter 'a'");
	CHECK_STR(error_of("(days + 1"), "column 10: expected ')'");
	CHECK_STR(error_of("((days + 1)"), "column 12: expected ')'");
	CHECK_STR(error_of("1 + birth"), "column 5: unknown counter 'birth'");
	CHECK_STR(error_of("Births"), "column 1: unknown counter 'Births'");
	CHECK_STR(error_of("inf"), "column 1: unknown counter 'inf'");
	CHECK_STR(error_of("nan"), "column 1: unknown counter 'nan'");
	CHECK_STR(error_of("days)"), "column 5: unexpected ')'");
	CHECK_STR(error_of("(1))"), "column 4: unexpected ')'");
	CHECK_STR(error_of("1 +"),
	    "column 4: expected a number, a counter "
	    "or '('");
	CHECK_STR(error_of("1 + * 2"),
	    "column 5: expected a number, a counter "
	    "or '('");
	CHECK_STR(error_of("()"),
	    "column 2: expected a number, a counter "
	    "or '('");
	CHECK_STR(error_of("* 2"),
	    "column 1: expected a number, a counter "
	    "or '('");
	CHECK_STR(error_of("-"),
	    "column 2: expected a number, a counter "
	    "or '('");
	CHECK_STR(error_of("births 1000"),
	    "column 8: expected an operator or "
	    "end of expression");
	CHECK_STR(error_of("(births days)"),
	    "column 9: expected an operator "
	    "or ')'");
	CHECK_STR(error_of("2 (3)"),
	    "column 3: expected an operator or end "
	    "of expression");
	CHECK_STR(error_of("1 % 2"), "column 3: unexpected character '%'");
	CHECK_STR(error_of("1 ^ 2"), "column 3: unexpected character '^'");
	CHECK_STR(error_of("1 + 出生"), "column 5: unexpected character '出'");
	CHECK_STR(error_of("1 + \x80"), "column 5: unexpected byte 0x80");
	CHECK_STR(error_of("1 + \xe5\x87"), "column 5: unexpected byte 0xe5");
	CHECK_STR(error_of("1 +\x01"), "column 4: unexpected byte 0x01");
	CHECK_STR(error_of("0x10"), "column 1: malformed number '0x10'");
	CHECK_STR(error_of("1 + 1e"), "column 5: malformed number '1e'");
	CHECK_STR(error_of("1.2.3"), "column 1: malformed number '1.2.3'");
	CHECK_STR(error_of("."), "column 1: malformed number '.'");
	CHECK_STR(error_of("2births"), "column 1: malformed number '2births'");
	CHECK_STR(error_of("1e999"), "column 1: number out of range '1e999'");
}

static void
test_nesting(void)
{
	char buf[200];
	size_t i;

	/* 32 levels compile, the 33rd '(' is refused at its column. */
	for (i = 0; i < 32; i++)
		buf[i] = '(';
	buf[32] = '1';
	for (i = 0; i < 32; i++)
		buf[33 + i] = ')';
	buf[65] = '\0';
	CHECK_DBL(value(buf), 1, 0);

	memmove(buf + 1, buf, 66);
	buf[0] = '(';
	buf[66] = ')';
	buf[67] = '\0';
	CHECK_STR(error_of(buf), "column 33: nesting deeper than 32");
	CHECK_STR(error_of("1 + (2 * (3 - (4 / (5 + (6 - (7 * (8 + (9 - (10 "
			   "+ (11 * (12 + (13 + (14 + (15 + (16 + (17 + (18 + "
			   "(19 + (20 + (21 "
			   "+ (22 + (23 + (24 + (25 + (26 + (27 + (28 + (29 + "
			   "(30 + (31 + (32 "
			   "+ (33 + (34)))))))))))))))))))))))))))))))))"),
	    "column 189: nesting deeper than 32");

	/*
	 * The deepest value stack: two operands waiting at every level,
	 * "1+2*(1+2*(...(1+2*3)...))", with unary minus sprinkled in.
	 */
	{
		char deep[400];
		size_t n = 0;
		double want;

		for (i = 0; i < 32; i++) {
			memcpy(deep + n, "1+2*-(", 6);
			n += 6;
		}
		memcpy(deep + n, "1+2*3", 5);
		n += 5;
		want = 7;
		for (i = 0; i < 32; i++) {
			deep[n++] = ')';
			want = 1 + 2 * -want;
		}
		deep[n] = '\0';
		CHECK_DBL(value(deep), want, 0);
	}
}

static void
test_hostile(void)
{
	char *buf;
	size_t i;

	/* 100000 '(' fails on length before any parsing. */
	buf = malloc(100001);
	memset(buf, '(', 100000);
	buf[100000] = '\0';
	CHECK(expr_compile(buf, counters, NCOUNTERS, errbuf, sizeof errbuf) ==
	    NULL);
	CHECK_STR(errbuf, "expression longer than 1024 characters");

	/* 1024 '(' within the length limit fail on nesting. */
	buf[1024] = '\0';
	CHECK(expr_compile(buf, counters, NCOUNTERS, errbuf, sizeof errbuf) ==
	    NULL);
	CHECK_STR(errbuf, "column 33: nesting deeper than 32");

	/* 511 nested pairs, 1024 characters in all. */
	for (i = 0; i < 511; i++)
		buf[i] = '(';
	buf[511] = '1';
	for (i = 512; i < 1023; i++)
		buf[i] = ')';
	buf[1023] = ' ';
	CHECK_STR(error_of(buf), "column 33: nesting deeper than 32");

	/* 1024 unary minuses are not nesting and need no depth. */
	memset(buf, '-', 1023);
	buf[1023] = '7';
	buf[1024] = '\0';
	CHECK_DBL(value(buf), -7, 0);

	/* Many ')' */
	memset(buf, ')', 1024);
	CHECK_STR(error_of(buf),
	    "column 1: expected a number, a counter "
	    "or '('");
	free(buf);

	/* No message buffer: still fails cleanly. */
	CHECK(expr_compile("(", counters, NCOUNTERS, NULL, 0) == NULL);
	CHECK(expr_compile("births", NULL, 0, errbuf, sizeof errbuf) == NULL);
	CHECK_STR(errbuf, "column 1: unknown counter 'births'");

	/* A message cut short by a small buffer stays terminated. */
	{
		char small[8];

		CHECK(expr_compile("1 + birth", counters, NCOUNTERS, small,
			  sizeof small) == NULL);
		CHECK_STR(small, "column ");
	}
}

static void
test_long(void)
{
	char buf[1100];
	size_t i, n;

	/* Exactly 1024 characters: "1+1+...+1" is 512 ones and 511 pluses. */
	for (i = 0, n = 0; i < 512; i++) {
		if (i > 0)
			buf[n++] = '+';
		buf[n++] = '1';
	}
	buf[n++] = ' ';
	buf[n] = '\0';
	CHECK_INT(n, 1024);
	CHECK_DBL(value(buf), 512, 0);

	/* 1025 characters are refused. */
	buf[n++] = ' ';
	buf[n] = '\0';
	CHECK_STR(error_of(buf), "expression longer than 1024 characters");

	/* A long name of an unknown counter is reported, cut to fit. */
	memset(buf, 'x', 1000);
	buf[1000] = '\0';
	CHECK_CONTAINS(error_of(buf), "column 1: unknown counter 'xxxx");

	/* A long chain of counters with alternating operators. */
	for (i = 0, n = 0; n < 1000; i++) {
		if (i > 0)
			buf[n++] = i % 2 ? '*' : '-';
		memcpy(buf + n, "days", 4);
		n += 4;
	}
	buf[n] = '\0';
	CHECK(strlen(buf) <= 1024);
	{
		double v;

		CHECK_INT(run(buf, sample, NULL, &v), 0);
		/* d*d - d*d - ... (100 products) - d: 201 terms. */
		CHECK_DBL(v, 365.0 * 365 - 99 * 365.0 * 365 - 365, 0);
	}
}

int
main(void)
{
	RUN(test_precedence);
	RUN(test_associativity);
	RUN(test_unary);
	RUN(test_parentheses);
	RUN(test_numbers);
	RUN(test_defaults);
	RUN(test_no_value);
	RUN(test_uses);
	RUN(test_errors);
	RUN(test_nesting);
	RUN(test_hostile);
	RUN(test_long);
	return check_summary("test_expr");
}
