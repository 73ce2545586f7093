/*
 * rowcache.c - a ranking's rows kept between requests (see rowcache.h).
 *
 * Rows sit in a direct-mapped table of ROWCACHE_SLOTS, allocated as used:
 * a new row for a slot replaces the old one.  Versions are an array by
 * unit id, grown as ids appear; touched ids wait in a list, each once
 * (marked).  If memory for a touch runs out, the next commit drops every
 * row instead (lost), so no row outlives a change it missed.
 */
#include "rowcache.h"

#include <stdlib.h>
#include <string.h>

#define ROWCACHE_SLOTS 4096

struct slot {
	struct rowcache_key key;
	uint64_t stamp;
	struct rowcache_row row;
};

static struct slot *slots[ROWCACHE_SLOTS];
static uint64_t *ver;         /* by unit id */
static unsigned char *marked; /* by unit id: in the touched list */
static int nver;
static int *touched;
static int ntouched, captouched;
static uint64_t seq, hits, misses;
static int lost; /* a touch was not recorded */

static int
grow(int id)
{
	int n = nver ? nver : 64;
	uint64_t *v;
	unsigned char *m;

	while (n <= id)
		n *= 2;
	if ((v = realloc(ver, (size_t)n * sizeof *v)) == NULL)
		return -1;
	ver = v;
	if ((m = realloc(marked, (size_t)n)) == NULL)
		return -1;
	marked = m;
	memset(ver + nver, 0, (size_t)(n - nver) * sizeof *ver);
	memset(marked + nver, 0, (size_t)(n - nver));
	nver = n;
	return 0;
}

void
rowcache_touch(int id)
{
	if (id < 0)
		return;
	if (id >= nver && grow(id) < 0) {
		lost = 1;
		return;
	}
	if (marked[id])
		return;
	if (ntouched == captouched) {
		int c = captouched ? 2 * captouched : 64;
		int *t = realloc(touched, (size_t)c * sizeof *t);

		if (t == NULL) {
			lost = 1;
			return;
		}
		touched = t;
		captouched = c;
	}
	marked[id] = 1;
	touched[ntouched++] = id;
}

void
rowcache_commit(void)
{
	int i;

	if (lost) {
		lost = 0;
		rowcache_clear();
	}
	if (ntouched == 0)
		return;
	seq++;
	for (i = 0; i < ntouched; i++) {
		ver[touched[i]] = seq;
		marked[touched[i]] = 0;
	}
	ntouched = 0;
}

uint64_t
rowcache_version(int id)
{
	return id >= 0 && id < nver ? ver[id] : 0;
}

uint64_t
rowcache_stamp(void)
{
	return seq;
}

/*
 * The period picks a start, and a ranking's units (consecutive indexes,
 * mostly) take consecutive slots from it: the rows of one ranking of up
 * to ROWCACHE_SLOTS units never evict each other.
 */
static size_t
slot_of(const struct rowcache_key *k)
{
	uint64_t h = ((uint64_t)(uint32_t)k->start << 32 | (uint32_t)k->end) *
	    0xC2B2AE3D27D4EB4Full;

	h ^= h >> 29;
	return (size_t)((h + (uint32_t)k->unit) % ROWCACHE_SLOTS);
}

static int
same_key(const struct rowcache_key *a, const struct rowcache_key *b)
{
	return a->unit == b->unit && a->start == b->start && a->end == b->end &&
	    a->units_gen == b->units_gen && a->engine_gen == b->engine_gen &&
	    a->ywant == b->ywant;
}

const struct rowcache_row *
rowcache_get(const struct rowcache_key *key, uint64_t *stamp)
{
	struct slot *s = slots[slot_of(key)];

	if (s == NULL || !same_key(&s->key, key))
		return NULL;
	*stamp = s->stamp;
	return &s->row;
}

void
rowcache_put(const struct rowcache_key *key, uint64_t stamp,
    const struct rowcache_row *row)
{
	size_t i = slot_of(key);

	if (slots[i] == NULL && (slots[i] = malloc(sizeof *slots[i])) == NULL)
		return;
	slots[i]->key = *key;
	slots[i]->stamp = stamp;
	slots[i]->row = *row;
}

/*
 * Every row goes.  Versions are kept (and the sequence goes on), so a row
 * is never judged by a version from before a reload: there are none.
 */
void
rowcache_clear(void)
{
	int i;

	for (i = 0; i < ROWCACHE_SLOTS; i++) {
		free(slots[i]);
		slots[i] = NULL;
	}
}

void
rowcache_free(void)
{
	rowcache_clear();
	free(ver);
	free(marked);
	free(touched);
	ver = NULL;
	marked = NULL;
	touched = NULL;
	nver = ntouched = captouched = 0;
}

void
rowcache_count(int hit)
{
	if (hit)
		hits++;
	else
		misses++;
}

uint64_t
rowcache_hits(void)
{
	return hits;
}

uint64_t
rowcache_misses(void)
{
	return misses;
}
