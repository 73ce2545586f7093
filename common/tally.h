/*
 * tally.h - per-unit, per-day counters and population snapshots held in
 * memory, with the transaction semantics of the database beside them.
 *
 * The server keeps every count it judges (births, deaths, ... per unit and
 * day) in sqlite's `daily` table, and the same numbers here, so that a
 * status or a ranking never reads the database: the sum of any counter
 * over any period is O(1) for whole months and O(days) for the rest of a
 * month, per unit.
 *
 * Writes made inside a transaction are pending: a query sees committed
 * numbers only, as the database's reader connection does.  Marks mirror
 * sqlite savepoints: tally_rollback_to(mark) forgets what was written since
 * the mark, tally_commit() makes everything pending visible, tally_abort()
 * forgets it all.
 *
 * Layout: each unit holds one block per calendar year that has data: the
 * year's days (TALLY_K counters each, stored in 1, 2 or 4 bytes and widened
 * when a value no longer fits) and running totals by month, so a sum over
 * whole months is one subtraction.  Units are numbered by the caller
 * (popstatd's unit indexes); a unit's subtree is the caller's business.
 */
#ifndef POPSTAT_TALLY_H
#define POPSTAT_TALLY_H

#include <stddef.h>
#include <stdint.h>

#define TALLY_K 12

/* Pending: add delta[k] to counter k of unit u on day. */
void tally_add(int u, int32_t day, const int64_t delta[TALLY_K]);
/* Pending: a population snapshot of `persons` on day appears (sign 1) or
 * goes away (sign -1). */
void tally_pop(int u, int32_t day, int64_t persons, int sign);

/*
 * Loading committed data (at start-up): applied at once, not pending;
 * call tally_loaded() after the last tally_put() and before any query.
 */
void tally_put(int u, int32_t day, const int64_t delta[TALLY_K]);
void tally_put_pop(int u, int32_t day, int64_t persons);
void tally_loaded(void);

size_t tally_mark(void);
/*
 * The counter additions pending since mark, summed by (unit, day): cb is
 * called once per pair, in (unit, day) order, with the sum.  Lets the
 * caller write one row per unit and day for a whole batch.  Returns the
 * first non-zero value cb returns, else 0.
 */
int tally_pending_sums(size_t mark,
    int (*cb)(int u, int32_t day, const int64_t sum[TALLY_K], void *arg),
    void *arg);
void tally_rollback_to(size_t mark);
void tally_commit(void);
void tally_abort(void);

/* Committed data: out[k] = sum of counter k of unit u over [start, end]. */
void tally_sum(int u, int32_t start, int32_t end, int64_t out[TALLY_K]);
/* Whether unit u has any population snapshot. */
int tally_has_pop(int u);
/*
 * The unit's latest snapshot on or before d (before != 0), or its earliest
 * one after d (before == 0): 1 with *day and *persons set, or 0.
 */
int
tally_pop_near(int u, int32_t d, int before, int32_t *day, int64_t *persons);

/* One more than the largest unit number ever given data. */
int tally_units(void);

/* Drop everything, committed and pending. */
void tally_reset(void);
/* Bytes held, for metrics and the benchmark. */
size_t tally_bytes(void);

#endif
