/*
 * scope.h - which units a reader may read, and at what level
 * (doc/rules.md §10: roles; §2: units).
 *
 * One rule for the protocol and the dashboard alike.  The role table
 * (server/dispatch.c) says which requests a role may make at all; this
 * says about which units.  A level names what a request reveals of a
 * unit:
 *
 *   SCOPE_RECORD   record-level data of the unit's subtree: record ids,
 *                  verification lists, the audit log;
 *   SCOPE_BELOW    working views of the subtree that are not circulated:
 *                  tasks, locks, the inspection summary;
 *   SCOPE_STATUS   the unit's own aggregate figures: its status, counters
 *                  and indicators (a row of a ranking);
 *   SCOPE_RANKING  the unit as a parent, as circulated: the ranking of
 *                  its children, its bulletins (draft, published, diff),
 *                  early warning, data quality (record ids withheld by
 *                  SCOPE_RECORD per unit) and dekad reporting.
 *
 * Readers: admin and inspector read everything; department and viewer
 * everything but record-level data; a clerk everything in its own
 * subtree, and, as circulated to it, SCOPE_RANKING of every ancestor (its
 * county's ranking and bulletins, and those of the units above: they all
 * cover it) and SCOPE_STATUS of every unit those rankings list (its
 * siblings and its ancestors' siblings); nothing record-level or below
 * outside its subtree.  A clerk without a unit reads nothing.
 */
#ifndef POPSTAT_SCOPE_H
#define POPSTAT_SCOPE_H

enum scope_level {
	SCOPE_RECORD,
	SCOPE_BELOW,
	SCOPE_STATUS,
	SCOPE_RANKING,
};

enum scope_reader {
	SCOPE_READER_ALL,       /* admin, inspector */
	SCOPE_READER_AGGREGATE, /* department, viewer */
	SCOPE_READER_UNIT,      /* clerk of unit `home` */
	SCOPE_READER_NONE,      /* a clerk without a unit */
};

/*
 * The parent of unit u (-1 for a root), for the rule to walk the tree;
 * arg is scope_rule()'s.
 */
typedef int (*scope_parent_fn)(int u, void *arg);

/*
 * Nonzero when a reader of kind `reader` (with home unit `home` for
 * SCOPE_READER_UNIT) may read `level` of unit `unit`.  Units are
 * indexes >= 0; a walk up the tree stops after `limit` steps, so a
 * broken tree cannot loop.
 */
int scope_rule(enum scope_reader reader, int home, int unit,
    enum scope_level level, scope_parent_fn parent, void *arg, int limit);

#endif
