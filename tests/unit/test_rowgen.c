/*
 * test_rowgen.c - the benchmark's rows (bench/rowgen.h): each round of
 * nunits runs gives every township exactly one run, for any number of
 * townships; a run's rows share their township; a row is a pure function
 * of (stream, index) and its date lies in the stated span.
 */
#include <stdlib.h>

#include "check.h"
#include "../../bench/rowgen.h"

static void
test_rounds_are_permutations(void)
{
	static const unsigned ns[] = { 1, 2, 3, 7, 10, 12, 1000, 1024, 9999,
		10000 };
	size_t t;
	int bad = 0;

	check_current = "rounds";
	for (t = 0; t < sizeof ns / sizeof ns[0]; t++) {
		unsigned n = ns[t], *seen = calloc(n, sizeof *seen);
		uint64_t s, c, k;

		CHECK(seen != NULL);
		if (seen == NULL)
			return;

		for (s = 1; s <= 3; s++)
			for (c = 0; c < 4; c++) {
				for (k = c * n; k < (c + 1) * n; k++) {
					unsigned u = rowgen_run_unit(s, k, n);

					if (u >= n || seen[u] == c + 1 + 4 * s)
						bad++;
					else
						seen[u] =
						    (unsigned)(c + 1 + 4 * s);
				}
			}
		free(seen);
	}
	CHECK_INT(bad, 0);
}

static void
test_orders_differ(void)
{
	unsigned same = 0, k;

	check_current = "orders";
	/* Rounds, and streams, are not all in one order. */
	for (k = 0; k < 1000; k++)
		same += rowgen_run_unit(1, k, 1000) ==
		    rowgen_run_unit(1, 1000 + k, 1000);
	CHECK(same < 1000);
	for (k = 0, same = 0; k < 1000; k++)
		same +=
		    rowgen_run_unit(1, k, 1000) == rowgen_run_unit(2, k, 1000);
	CHECK(same < 1000);
}

static void
test_rows(void)
{
	struct genrow a, b;
	int32_t lo = date_from_ymd(2024, 1, 1),
		hi = date_from_ymd(2026, 10, 31);
	uint64_t i;
	int bad_run = 0, bad_pure = 0, bad_day = 0;

	check_current = "rows";
	for (i = 0; i < 5 * ROWGEN_RUN; i++) {
		memset(&a, 0, sizeof a);
		memset(&b, 0, sizeof b);
		rowgen_birth(1, i, 1000, &a);
		rowgen_birth(1, i, 1000, &b);
		bad_pure += memcmp(&a, &b, sizeof a) != 0;
		bad_day += a.day < lo || a.day > hi;
		rowgen_birth(1, i - i % ROWGEN_RUN, 1000, &b);
		bad_run +=
		    a.unit_index != b.unit_index || strcmp(a.unit, b.unit) != 0;
	}
	CHECK_INT(bad_pure, 0);
	CHECK_INT(bad_day, 0);
	CHECK_INT(bad_run, 0);
	rowgen_birth(1, 0, 1000, &a);
	CHECK_INT(strlen(a.record_id), 16);
	CHECK_INT(strlen(a.unit), 10);
	CHECK(strncmp(a.unit, ROWGEN_COUNTY, 6) == 0);
}

int
main(void)
{
	test_rounds_are_permutations();
	test_orders_differ();
	test_rows();
	return check_summary("test_rowgen");
}
