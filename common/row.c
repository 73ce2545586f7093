/*
 * row.c - a Row's fields by CSV column (see row.h).
 */
#include "row.h"

char **
row_slot(Popstat__Row *r, int col)
{
	switch (col) {
	case COL_RECORD_ID: return &r->record_id;
	case COL_UNIT: return &r->unit;
	case COL_DATE: return &r->date;
	case COL_SEX: return &r->sex;
	case COL_BIRTH_ORDER: return &r->birth_order;
	case COL_POLICY: return &r->policy;
	case COL_MOTHER_ID: return &r->mother_id;
	case COL_AGE: return &r->age;
	case COL_DIRECTION: return &r->direction;
	default: return &r->persons;
	}
}

void
row_fields(const Popstat__Row *r, const char *f[COL_COUNT])
{
	int k;

	/* row_slot only hands out addresses; nothing is written through it. */
	for (k = 0; k < COL_COUNT; k++)
		f[k] = *row_slot((Popstat__Row *)(uintptr_t)r, k);
}
