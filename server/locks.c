/*
 * locks.c - approval locks in memory.
 */
#include "locks.h"

#include <stdlib.h>
#include <string.h>

#include "sbuf.h"
#include "store.h"
#include "units.h"

static struct lock *locks;
static int nlocks, caplocks;

int
locks_count(void)
{
	return nlocks;
}

const struct lock *
lock_at(int i)
{
	return i >= 0 && i < nlocks ? &locks[i] : NULL;
}

void
locks_add(const struct lock *l)
{
	if (nlocks == caplocks) {
		caplocks = caplocks ? caplocks * 2 : 16;
		locks = xrealloc(locks, (size_t)caplocks * sizeof *locks);
	}
	locks[nlocks++] = *l;
}

void
locks_remove(int64_t id)
{
	int i;

	for (i = 0; i < nlocks; i++)
		if (locks[i].id == id) {
			memmove(&locks[i], &locks[i + 1],
			    (size_t)(nlocks - i - 1) * sizeof *locks);
			nlocks--;
			return;
		}
}

static void
load_one(const store_lock *sl, void *arg)
{
	struct lock l;

	(void)arg;
	memset(&l, 0, sizeof l);
	l.id = sl->id;
	l.unit = unit_by_id(sl->unit_id);
	l.start = sl->start;
	l.end = sl->end;
	xsnprintf(l.by, sizeof l.by, "%s", sl->by);
	xsnprintf(l.at, sizeof l.at, "%s", sl->at);
	if (l.unit >= 0)
		locks_add(&l);
}

int
locks_load(void)
{
	locks_free();
	return store_locks_load(load_one, NULL);
}

void
locks_free(void)
{
	free(locks);
	locks = NULL;
	nlocks = caplocks = 0;
}

int
lock_overlapping(int u, int32_t lo, int32_t hi)
{
	int i;

	for (i = 0; i < nlocks; i++)
		if (locks[i].start <= hi && locks[i].end >= lo &&
		    unit_within(u, locks[i].unit))
			return 1;
	return 0;
}

const struct lock *
lock_covering(int u, int32_t d)
{
	int i;

	for (i = 0; i < nlocks; i++)
		if (d >= locks[i].start && d <= locks[i].end &&
		    unit_within(u, locks[i].unit))
			return &locks[i];
	return NULL;
}
