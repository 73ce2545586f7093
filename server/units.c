/*
 * units.c - the in-memory unit tree with a code index.
 */
#include "units.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sbuf.h"
#include "store.h"

static struct unit *units;
static int nunits, capunits;
static struct unit_move *moves;
static int nmoves, capmoves;
static int *by_id; /* id -> index + 1; ids are small and dense */
static int64_t cap_by_id;
static int *hash; /* open addressing over code: index + 1 */
static size_t hash_cap;
static uint64_t gen; /* changes made, for server/rowcache.h */

static size_t
code_hash(const char *s)
{
	size_t h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static void
hash_insert(int idx)
{
	size_t i;

	for (i = code_hash(units[idx].code) & (hash_cap - 1); hash[i];
	     i = (i + 1) & (hash_cap - 1))
		;
	hash[i] = idx + 1;
}

static void
hash_grow(void)
{
	int i;

	free(hash);
	hash_cap = hash_cap ? hash_cap * 2 : 1024;
	hash = xcalloc(hash_cap, sizeof *hash);
	for (i = 0; i < nunits; i++)
		if (!units[i].deleted)
			hash_insert(i);
}

int
unit_find(const char *code)
{
	size_t i;

	if (hash_cap == 0)
		return -1;
	for (i = code_hash(code) & (hash_cap - 1); hash[i];
	     i = (i + 1) & (hash_cap - 1))
		if (strcmp(units[hash[i] - 1].code, code) == 0)
			return hash[i] - 1;
	return -1;
}

int
unit_by_id(int64_t id)
{
	return id > 0 && id < cap_by_id ? by_id[id] - 1 : -1;
}

int
units_count(void)
{
	return nunits;
}

struct unit *
unit_at(int i)
{
	return i >= 0 && i < nunits ? &units[i] : NULL;
}

/* The same, in the list of every unit that was ever a child. */
static void
add_ever(struct unit *p, int c)
{
	int i;

	for (i = 0; i < p->never; i++)
		if (p->ever[i] == c)
			return;
	if (p->never == p->capever) {
		p->capever = p->capever ? p->capever * 2 : 4;
		p->ever =
		    xrealloc(p->ever, (size_t)p->capever * sizeof *p->ever);
	}
	for (i = p->never;
	     i > 0 && strcmp(units[p->ever[i - 1]].code, units[c].code) > 0;
	     i--)
		p->ever[i] = p->ever[i - 1];
	p->ever[i] = c;
	p->never++;
}

/* Keep children sorted by code so listings and rankings are stable. */
static void
add_child(struct unit *p, int c)
{
	add_ever(p, c);
	int i;

	if (p->nchildren == p->capchildren) {
		p->capchildren = p->capchildren ? p->capchildren * 2 : 4;
		p->children = xrealloc(p->children,
		    (size_t)p->capchildren * sizeof *p->children);
	}
	for (i = p->nchildren;
	     i > 0 && strcmp(units[p->children[i - 1]].code, units[c].code) > 0;
	     i--)
		p->children[i] = p->children[i - 1];
	p->children[i] = c;
	p->nchildren++;
}

int
units_add(int64_t id, const char *code, const char *name, int parent,
    const char *level)
{
	struct unit *u;
	int idx;

	gen++;
	if (nunits == capunits) {
		capunits = capunits ? capunits * 2 : 64;
		units = xrealloc(units, (size_t)capunits * sizeof *units);
	}
	idx = nunits++;
	u = &units[idx];
	memset(u, 0, sizeof *u);
	u->id = id;
	u->code = xstrdup(code);
	u->name = xstrdup(name);
	u->level = xstrdup(level ? level : "");
	u->parent = parent;
	u->depth = parent >= 0 ? units[parent].depth + 1 : 0;
	if (parent >= 0)
		add_child(&units[parent], idx);
	if (id >= cap_by_id) {
		int64_t old = cap_by_id;

		cap_by_id = cap_by_id ? cap_by_id : 64;
		while (cap_by_id <= id)
			cap_by_id *= 2;
		by_id = xrealloc(by_id, (size_t)cap_by_id * sizeof *by_id);
		memset(by_id + old, 0,
		    (size_t)(cap_by_id - old) * sizeof *by_id);
	}
	by_id[id] = idx + 1;
	if ((size_t)nunits * 2 > hash_cap)
		hash_grow();
	else
		hash_insert(idx);
	return idx;
}

static void
load_one(const store_unit *su, void *arg)
{
	/* Ordered by id, and a parent is always created before its child. */
	int idx = units_add(su->id, su->code, su->name,
	    unit_by_id(su->parent_id), su->level);

	(void)arg;
	/* After the call: units_add() may move the array. */
	units[idx].retired_from = su->retired_from;
}

int
unit_active(int i, int32_t day)
{
	return !units[i].deleted &&
	    (units[i].retired_from == 0 || day < units[i].retired_from);
}

const char *
unit_name_at(int i, int32_t d)
{
	int k;

	for (k = 0; k < units[i].nnames; k++)
		if (d < units[i].names[k].until)
			return units[i].names[k].name;
	return units[i].name;
}

void
units_name_until(int i, int32_t until, const char *old)
{
	struct unit *u = &units[i];

	gen++;
	u->names =
	    xrealloc(u->names, (size_t)(u->nnames + 1) * sizeof *u->names);
	u->names[u->nnames].until = until;
	u->names[u->nnames].name = xstrdup(old);
	u->nnames++;
}

int
unit_children_cap(int p)
{
	return units[p].never + 1;
}

int
unit_parent_at(int i, int32_t d)
{
	int k, par = units[i].parent;

	if (nmoves == 0)
		return par;
	/* The parent before the first move of i still in the future of d. */
	for (k = nmoves - 1; k >= 0; k--)
		if (moves[k].unit == i) {
			if (moves[k].day <= d)
				return par;
			par = moves[k].from;
		}
	return par;
}

int
unit_within_at(int i, int a, int32_t d)
{
	int n = 0;

	for (; i >= 0 && n <= nunits; i = unit_parent_at(i, d), n++)
		if (i == a)
			return 1;
	return 0;
}

const struct unit_move *
units_moves(int *n)
{
	*n = nmoves;
	return moves;
}

int
unit_children_at(int p, int32_t day, int *out)
{
	int i, n = 0;

	if (nmoves == 0) {
		for (i = 0; i < units[p].nchildren; i++)
			if (unit_active(units[p].children[i], day))
				out[n++] = units[p].children[i];
		return n;
	}
	for (i = 0; i < units[p].never; i++) {
		int c = units[p].ever[i];

		if (unit_active(c, day) && unit_parent_at(c, day) == p)
			out[n++] = c;
	}
	return n;
}

static void
set_depth(int i)
{
	int k;

	units[i].depth =
	    units[i].parent >= 0 ? units[units[i].parent].depth + 1 : 0;
	for (k = 0; k < units[i].nchildren; k++)
		set_depth(units[i].children[k]);
}

int
units_move(int i, int to, int32_t day, int merged)
{
	struct unit *u = &units[i];
	int k, j;

	gen++;
	if (nmoves == capmoves) {
		capmoves = capmoves ? capmoves * 2 : 16;
		moves = xrealloc(moves, (size_t)capmoves * sizeof *moves);
	}
	moves[nmoves].unit = i;
	moves[nmoves].from = u->parent;
	moves[nmoves].to = to;
	moves[nmoves].day = day;
	nmoves++;
	if (u->parent >= 0) {
		struct unit *p = &units[u->parent];

		for (k = j = 0; k < p->nchildren; k++)
			if (p->children[k] != i)
				p->children[j++] = p->children[k];
		p->nchildren = j;
	}
	u->parent = to;
	add_child(&units[to], i);
	set_depth(i);
	if (merged) {
		u->merged = 1;
		u->retired_from = day;
	}
	return 0;
}

void
units_rename(int i, const char *name)
{
	gen++;
	free(units[i].name);
	units[i].name = xstrdup(name);
}

void
units_retire(int i, int32_t from)
{
	gen++;
	units[i].retired_from = from;
}

/* Out of the code index, the id map and its parent's children. */
void
units_delete(int i)
{
	struct unit *u = &units[i];
	int k, j;

	gen++;
	u->deleted = 1;
	if (u->parent >= 0) {
		struct unit *p = &units[u->parent];

		for (k = j = 0; k < p->nchildren; k++)
			if (p->children[k] != i)
				p->children[j++] = p->children[k];
		p->nchildren = j;
	}
	if (u->id > 0 && u->id < cap_by_id)
		by_id[u->id] = 0;
	memset(hash, 0, hash_cap * sizeof *hash);
	for (k = 0; k < nunits; k++)
		if (!units[k].deleted)
			hash_insert(k);
}

static void
load_move(int64_t unit_id, int32_t day, int64_t to_id, int merged, void *arg)
{
	int i = unit_by_id(unit_id), to = unit_by_id(to_id);

	(void)arg;
	if (i >= 0 && to >= 0)
		units_move(i, to, day, merged);
}

static void
load_name(int64_t unit_id, int32_t until, const char *name, void *arg)
{
	int i = unit_by_id(unit_id);

	(void)arg;
	if (i >= 0)
		units_name_until(i, until, name);
}

/* units.parent_id is the first parent; the moves, in order, make the rest. */
int
units_load(void)
{
	gen++;
	units_free();
	if (store_units_load(load_one, NULL) < 0 ||
	    store_unit_names_load(load_name, NULL) < 0)
		return -1;
	return store_unit_moves_load(load_move, NULL);
}

void
units_free(void)
{
	int i, k;

	gen++;
	for (i = 0; i < nunits; i++) {
		free(units[i].code);
		free(units[i].name);
		free(units[i].level);
		free(units[i].children);
		free(units[i].ever);
		for (k = 0; k < units[i].nnames; k++)
			free(units[i].names[k].name);
		free(units[i].names);
	}
	free(moves);
	moves = NULL;
	nmoves = capmoves = 0;
	free(units);
	free(by_id);
	free(hash);
	units = NULL;
	by_id = hash = NULL;
	nunits = capunits = 0;
	cap_by_id = 0;
	hash_cap = 0;
}

int
unit_within(int i, int a)
{
	for (; i >= 0; i = units[i].parent)
		if (i == a)
			return 1;
	return 0;
}

/* Iterative depth-first walk: hostile depth cannot overflow the stack. */
int
unit_subtree(int i, int **out, int *cap)
{
	int n = 0, head = 0, k;

	if (*cap < 16) {
		*cap = 16;
		*out = xrealloc(*out, (size_t)*cap * sizeof **out);
	}
	(*out)[n++] = i;
	while (head < n) {
		struct unit *u = &units[(*out)[head++]];

		for (k = 0; k < u->nchildren; k++) {
			if (n == *cap) {
				*cap *= 2;
				*out =
				    xrealloc(*out, (size_t)*cap * sizeof **out);
			}
			(*out)[n++] = u->children[k];
		}
	}
	return n;
}

uint64_t
units_generation(void)
{
	return gen;
}
