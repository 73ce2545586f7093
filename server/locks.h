/*
 * locks.h - approval locks (审核): a unit's records in an approved period
 * are frozen.  A lock on a unit covers the units below it too.  Held in
 * memory, loaded from the store and kept in step with it.
 */
#ifndef POPSTAT_LOCKS_H
#define POPSTAT_LOCKS_H

#include <stdint.h>

struct lock {
	int64_t id;
	int unit; /* unit index */
	int32_t start, end;
	char by[65], at[24];
};

int locks_load(void);
void locks_free(void);
int locks_count(void);
const struct lock *lock_at(int i);
/* The lock that freezes records of unit u on day d, or NULL. */
const struct lock *lock_covering(int u, int32_t d);
/* Whether a lock freezes any day of [lo, hi] for unit u. */
int lock_overlapping(int u, int32_t lo, int32_t hi);
void locks_add(const struct lock *l);
void locks_remove(int64_t id);

#endif
