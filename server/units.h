/*
 * units.h - the administrative unit tree, held in memory.
 *
 * Loaded from the store at start-up and kept in step with it: every unit
 * added, renamed, retired or deleted is changed here after it is stored.
 * A deleted unit keeps its slot (marked deleted, out of the code index
 * and of its parent's children), so an index stays valid for the life of
 * the process; loops over all indexes skip deleted ones.
 *
 * A retired unit (retired_from, a day) is no longer listed from that day:
 * the tables of a period (rankings, bulletins, dekad reports due) list the
 * children active on the period's last day (unit_children_at).  Its
 * records stay and still count in its ancestors' totals.
 */
#ifndef POPSTAT_UNITS_H
#define POPSTAT_UNITS_H

#include <stddef.h>
#include <stdint.h>

struct unit {
	int64_t id;
	char *code, *name, *level;
	int parent;    /* index, -1 for a root */
	int *children; /* indexes, in code order */
	int nchildren, capchildren;
	int depth;
	int32_t retired_from; /* first day no longer listed; 0: active */
	int deleted;
	int merged; /* retired by a merge: its records count for the
		     * unit it was merged into (its parent from then) */
	int *ever;  /* every unit that was ever a child, in code order */
	int never, capever;
	struct unit_name *names; /* earlier names, by increasing `until` */
	int nnames;
};

/* A name the unit had on the days before `until`. */
struct unit_name {
	int32_t until;
	char *name;
};

/*
 * A change of parent from `day` on (unit move, or unit merge: the old
 * unit becomes a child of the one it is merged into, and is retired, so
 * its records from that day count for it).  Kept in the order made; a
 * unit's own moves have increasing days.
 */
struct unit_move {
	int unit, from, to; /* indexes; from is -1 for a root */
	int32_t day;
};

int units_load(void);
void units_free(void);
int units_count(void);
struct unit *unit_at(int i);
int unit_find(const char *code); /* index or -1 */
int unit_by_id(int64_t id);      /* index or -1 */
/* Add a stored unit; returns its index. */
int units_add(int64_t id, const char *code, const char *name, int parent,
    const char *level);
/* Whether unit i is active (listed) on day. */
int unit_active(int i, int32_t day);
/*
 * The children of p listed for a period ending on day (those active on
 * it), in code order, into out (room for unit_at(p)->nchildren); returns
 * the count.
 */
int unit_children_at(int p, int32_t day, int *out);
/* Room unit_children_at() needs for p's children (any day). */
int unit_children_cap(int p);
/* The parent of unit i on day d (-1 for a root), moves applied. */
int unit_parent_at(int i, int32_t d);
/* Whether i is a or lies under a on day d. */
int unit_within_at(int i, int a, int32_t d);
/* The moves made, in order (NULL, 0 without any). */
const struct unit_move *units_moves(int *n);
/* Move unit i under `to` from day on (merged: a merge).  Returns 0. */
int units_move(int i, int to, int32_t day, int merged);
/* The unit's name on day d (renames dated with --from keep the old). */
const char *unit_name_at(int i, int32_t d);
/* The old name stays the unit's name on the days before `until`. */
void units_name_until(int i, int32_t until, const char *old);
/* Changes made in memory after the store made them. */
void units_rename(int i, const char *name);
void units_retire(int i, int32_t from);
void units_delete(int i);
/* Nonzero if unit i is a or lies under a. */
int unit_within(int i, int a);
/* Indexes of i's subtree (i first) into a growable array; returns count. */
int unit_subtree(int i, int **out, int *cap);

/* A count of the changes made to the tree (server/rowcache.h). */
uint64_t units_generation(void);

#endif
