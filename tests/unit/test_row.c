/*
 * test_row.c - common/row.c: every CSV column has its own Row field, and
 * row_fields() reads back what row_slot() wrote.
 */
#include "check.h"
#include "row.h"

int
main(void)
{
	static const char *const v[COL_COUNT] = { "r1", "610328101",
		"2026-11-05", "M", "2", "Y", "610328199001011234", "31", "in",
		"4" };
	Popstat__Row row = POPSTAT__ROW__INIT;
	const char *f[COL_COUNT];
	int k, j, distinct = 1;

	check_current = "row";
	for (k = 0; k < COL_COUNT; k++)
		*row_slot(&row, k) = (char *)v[k];
	for (k = 0; k < COL_COUNT; k++)
		for (j = 0; j < k; j++)
			distinct &= row_slot(&row, k) != row_slot(&row, j);
	CHECK(distinct);
	row_fields(&row, f);
	for (k = 0; k < COL_COUNT; k++)
		CHECK_STR(f[k], v[k]);
	CHECK_STR(row.record_id, "r1");
	CHECK_STR(row.mother_id, "610328199001011234");
	CHECK_STR(row.persons, "4");
	return check_summary("test_row");
}
