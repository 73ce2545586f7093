/*
 * test_scope.c - unit tests of common/scope.c: the read scope of each
 * reader (doc/rules.md §10) over a small tree, cell by cell.
 */
#include "check.h"
#include "scope.h"

/*
 * 0 city ─┬─ 1 county C ─┬─ 3 township A ── 5 village A1
 *         │              └─ 4 township B ── 6 village B1
 *         └─ 2 county D ──── 7 township D1
 * 8 county E (another root)
 */
static const int tree[] = { -1, 0, 0, 1, 1, 3, 4, 2, -1 };
#define N ((int)(sizeof tree / sizeof tree[0]))

static int
parent(int u, void *arg)
{
	(void)arg;
	return u >= 0 && u < N ? tree[u] : -1;
}

static int
may(enum scope_reader who, int home, int unit, enum scope_level level)
{
	return scope_rule(who, home, unit, level, parent, NULL, N);
}

/* A clerk of township A: its subtree, then what is circulated to it. */
static void
test_clerk(void)
{
	enum scope_level l;
	const int A = 3;

	for (l = SCOPE_RECORD; l <= SCOPE_RANKING; l++) {
		CHECK(may(SCOPE_READER_UNIT, A, 3, l)); /* itself */
		CHECK(may(SCOPE_READER_UNIT, A, 5, l)); /* below it */
	}
	/* Its county: ranking, bulletins and the county's own status. */
	CHECK(may(SCOPE_READER_UNIT, A, 1, SCOPE_RANKING));
	CHECK(may(SCOPE_READER_UNIT, A, 1, SCOPE_STATUS));
	CHECK(!may(SCOPE_READER_UNIT, A, 1, SCOPE_RECORD));
	CHECK(!may(SCOPE_READER_UNIT, A, 1, SCOPE_BELOW));
	/* Its sibling: aggregate status only. */
	CHECK(may(SCOPE_READER_UNIT, A, 4, SCOPE_STATUS));
	CHECK(!may(SCOPE_READER_UNIT, A, 4, SCOPE_RANKING));
	CHECK(!may(SCOPE_READER_UNIT, A, 4, SCOPE_RECORD));
	CHECK(!may(SCOPE_READER_UNIT, A, 4, SCOPE_BELOW));
	/* Below the sibling: nothing (no ranking lists it). */
	for (l = SCOPE_RECORD; l <= SCOPE_RANKING; l++)
		CHECK(!may(SCOPE_READER_UNIT, A, 6, l));
	/* The city above: its ranking of counties covers A too. */
	CHECK(may(SCOPE_READER_UNIT, A, 0, SCOPE_RANKING));
	CHECK(may(SCOPE_READER_UNIT, A, 0, SCOPE_STATUS));
	CHECK(!may(SCOPE_READER_UNIT, A, 0, SCOPE_RECORD));
	/* County D: a row of the city's ranking, but not its own tables. */
	CHECK(may(SCOPE_READER_UNIT, A, 2, SCOPE_STATUS));
	CHECK(!may(SCOPE_READER_UNIT, A, 2, SCOPE_RANKING));
	CHECK(!may(SCOPE_READER_UNIT, A, 2, SCOPE_RECORD));
	for (l = SCOPE_RECORD; l <= SCOPE_RANKING; l++) {
		CHECK(!may(SCOPE_READER_UNIT, A, 7, l)); /* D's township */
		CHECK(!may(SCOPE_READER_UNIT, A, 8, l)); /* another root */
	}
}

/* A county clerk reads all of its county, of the city what is circulated. */
static void
test_county_clerk(void)
{
	const int C = 1;

	CHECK(may(SCOPE_READER_UNIT, C, 6, SCOPE_RECORD));
	CHECK(may(SCOPE_READER_UNIT, C, 4, SCOPE_BELOW));
	CHECK(may(SCOPE_READER_UNIT, C, 0, SCOPE_RANKING));
	CHECK(may(SCOPE_READER_UNIT, C, 2, SCOPE_STATUS));
	CHECK(!may(SCOPE_READER_UNIT, C, 2, SCOPE_RANKING));
	CHECK(!may(SCOPE_READER_UNIT, C, 7, SCOPE_STATUS));
	CHECK(!may(SCOPE_READER_UNIT, C, 8, SCOPE_STATUS));
}

/* A clerk of a root reads its own tree; another root is not a sibling. */
static void
test_roots(void)
{
	CHECK(may(SCOPE_READER_UNIT, 8, 8, SCOPE_RECORD));
	CHECK(!may(SCOPE_READER_UNIT, 8, 0, SCOPE_STATUS));
	CHECK(!may(SCOPE_READER_UNIT, 8, 1, SCOPE_STATUS));
	CHECK(!may(SCOPE_READER_UNIT, 1, 8, SCOPE_STATUS));
}

static void
test_other_readers(void)
{
	enum scope_level l;
	int u;

	for (u = 0; u < N; u++)
		for (l = SCOPE_RECORD; l <= SCOPE_RANKING; l++) {
			CHECK(may(SCOPE_READER_ALL, -1, u, l));
			CHECK_INT(may(SCOPE_READER_AGGREGATE, -1, u, l),
			    l != SCOPE_RECORD);
			CHECK(!may(SCOPE_READER_NONE, -1, u, l));
			CHECK(!may(SCOPE_READER_UNIT, -1, u, l));
		}
	CHECK(!may(SCOPE_READER_ALL, -1, -1, SCOPE_STATUS)); /* no unit */
}

/* A tree with a cycle (never stored, but never trusted) ends the walk. */
static int
cyclic(int u, void *arg)
{
	(void)arg;
	return u == 1 ? 2 : u == 2 ? 1 : -1;
}

static void
test_cycle(void)
{
	CHECK(!scope_rule(SCOPE_READER_UNIT, 0, 1, SCOPE_STATUS, cyclic, NULL,
	    10));
	CHECK(!scope_rule(SCOPE_READER_UNIT, 1, 0, SCOPE_RANKING, cyclic, NULL,
	    10));
}

int
main(void)
{
	RUN(test_clerk);
	RUN(test_county_clerk);
	RUN(test_roots);
	RUN(test_other_readers);
	RUN(test_cycle);
	return check_summary("test_scope");
}
