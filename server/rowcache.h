/*
 * rowcache.h - a ranking's rows kept between requests, per unit, until a
 * commit touches the unit's subtree.
 *
 * The reply cache (common/rcache.h) is cleared by every commit, so after a
 * clerk's submit the next ranking of a thousand townships evaluated all of
 * them again, though one township's numbers changed.  This keeps what a
 * ranking copies out of each unit's evaluation (status, score, values,
 * 同比) under (unit, period, the tree's and the engine's generations).
 *
 * What an evaluation reads (server/engine.c, audited in doc/internals.md
 * "Row cache"): the tally of the unit and of every unit ever under it; the
 * unit tree (children, moves); the indicators and targets.  Hence:
 *  - every write of the tally (store_daily_add, store_pop) calls
 *    rowcache_touch() with the unit's id; the end of the batch (its
 *    commit, and also its rollback: a row computed mid-batch may hold
 *    what was rolled back) calls rowcache_commit(), which gives each
 *    touched id a new version from a sequence.  A row is valid while no
 *    unit of its subtree has a version above the row's stamp (the
 *    sequence when it was computed).
 *  - units.c and engine.c count their changes (units_generation,
 *    engine_generation), which are part of the key;
 *  - a reload of the tally, or of the settings, calls rowcache_clear();
 *  - with any unit move the ranking does not use the cache (an evaluation
 *    then reads units outside the present subtree).
 */
#ifndef POPSTAT_ROWCACHE_H
#define POPSTAT_ROWCACHE_H

#include <stdint.h>

/* = ENGINE_MAX_INDICATORS (checked where both are seen: req_query.c);
 * not included, as store.c uses this header and engine.c uses store.h. */
#define ROWCACHE_MAX_IND 64

/* A unit's row of a ranking, as h_ranking() copies it out. */
struct rowcache_row {
	int status; /* unit_status */
	int has_score;
	double score;
	uint64_t missed; /* bit k: indicator k missed its target */
	uint64_t ynone;  /* bit k: no 同比 for the k-th of the yoy list */
	unsigned char has[ROWCACHE_MAX_IND];
	double val[ROWCACHE_MAX_IND];
	double yval[ROWCACHE_MAX_IND], ychg[ROWCACHE_MAX_IND];
};

/* What a row's numbers depend on besides its subtree's tally. */
struct rowcache_key {
	int unit; /* index */
	int32_t start, end;
	uint64_t units_gen, engine_gen;
	uint64_t ywant; /* the indicators given 同比 */
};

/* A write to the tally of unit id is pending. */
void rowcache_touch(int id);
/* The batch ended (committed or rolled back): the touched ids get new
 * versions. */
void rowcache_commit(void);
/* The version of unit id's tally (0: unchanged since start or clear). */
uint64_t rowcache_version(int id);
/* The sequence now: a row computed now is stamped with it. */
uint64_t rowcache_stamp(void);

/* The kept row for key, valid if no version in its subtree exceeds its
 * stamp (the caller checks, with rowcache_version): NULL if none. */
const struct rowcache_row *
rowcache_get(const struct rowcache_key *key, uint64_t *stamp);
void rowcache_put(const struct rowcache_key *key, uint64_t stamp,
    const struct rowcache_row *row);
/* Forget every row (tally reloaded, settings reloaded); versions and the
 * sequence go on. */
void rowcache_clear(void);
void rowcache_free(void);

/* A row was taken (hit) or evaluated; for /metrics and the tests. */
void rowcache_count(int hit);
uint64_t rowcache_hits(void);
uint64_t rowcache_misses(void);

#endif
