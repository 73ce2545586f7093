/*
 * scope.c - the read-scope rule of doc/rules.md §10 (see scope.h).
 */
#include "scope.h"

/* Nonzero if u is a or lies under a. */
static int
within(int u, int a, scope_parent_fn parent, void *arg, int limit)
{
	int n;

	for (n = 0; u >= 0 && n <= limit; n++, u = parent(u, arg))
		if (u == a)
			return 1;
	return 0;
}

int
scope_rule(enum scope_reader reader, int home, int unit, enum scope_level level,
    scope_parent_fn parent, void *arg, int limit)
{
	int up;

	if (unit < 0)
		return 0;
	switch (reader) {
	case SCOPE_READER_ALL: return 1;
	case SCOPE_READER_AGGREGATE: return level != SCOPE_RECORD;
	case SCOPE_READER_UNIT: break;
	default: return 0;
	}
	if (home < 0)
		return 0;
	/* Everything below it. */
	if (within(unit, home, parent, arg, limit))
		return 1;
	switch (level) {
	case SCOPE_RANKING:
		/* An ancestor: its tables and bulletins cover the clerk. */
		return within(home, unit, parent, arg, limit);
	case SCOPE_STATUS:
		/* An ancestor, or a unit an ancestor's ranking lists. */
		if (within(home, unit, parent, arg, limit))
			return 1;
		up = parent(unit, arg);
		return up >= 0 && within(home, up, parent, arg, limit);
	default: return 0;
	}
}
