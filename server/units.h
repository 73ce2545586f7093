/*
 * units.h - the administrative unit tree, held in memory.
 *
 * Loaded from the store at start-up and kept in step with it: every unit
 * added is added here after it is stored.  Units are never deleted, so an
 * index stays valid for the life of the process.
 */
#ifndef POPSTAT_UNITS_H
#define POPSTAT_UNITS_H

#include <stddef.h>
#include <stdint.h>

struct unit {
	int64_t id;
	char *code, *name, *level;
	int parent;      /* index, -1 for a root */
	int *children;   /* indexes, in code order */
	int nchildren, capchildren;
	int depth;
};

int units_load(void);
void units_free(void);
int units_count(void);
struct unit *unit_at(int i);
int unit_find(const char *code);         /* index or -1 */
int unit_by_id(int64_t id);              /* index or -1 */
/* Add a stored unit; returns its index. */
int units_add(int64_t id, const char *code, const char *name, int parent,
    const char *level);
/* Nonzero if unit i is a or lies under a. */
int unit_within(int i, int a);
/* Indexes of i's subtree (i first) into a growable array; returns count. */
int unit_subtree(int i, int **out, int *cap);

#endif
