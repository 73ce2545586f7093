/*
 * rcache.c - replies to repeated reads (see rcache.h).
 */
#include "rcache.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"

struct entry {
	uint8_t *key, *resp;
	size_t klen, n;
	uint64_t used; /* clock of the last use; 0 = free */
};

static struct entry ents[RCACHE_ENTRIES];
static size_t total;
static uint64_t tick, hits, misses;

/*
 * A reply's bytes follow a reference count: the cache holds one, and
 * every output buffer still sending it (rcache_hold) another.
 */
struct blob {
	size_t refs;
	max_align_t data[];
};

static struct blob *
blob_of(const void *resp)
{
	return (struct blob *)((char *)(uintptr_t)resp -
	    offsetof(struct blob, data));
}

void
rcache_hold(const uint8_t *resp)
{
	blob_of(resp)->refs++;
}

void
rcache_release(const void *resp)
{
	struct blob *b = blob_of(resp);

	if (--b->refs == 0)
		free(b);
}

static void
drop(struct entry *e)
{
	total -= e->klen + e->n;
	free(e->key);
	rcache_release(e->resp);
	memset(e, 0, sizeof *e);
}

const uint8_t *
rcache_get(const uint8_t *key, size_t klen, size_t *n)
{
	int i;

	for (i = 0; i < RCACHE_ENTRIES; i++) {
		struct entry *e = &ents[i];

		if (e->used && e->klen == klen &&
		    memcmp(e->key, key, klen) == 0) {
			e->used = ++tick;
			hits++;
			*n = e->n;
			return e->resp;
		}
	}
	misses++;
	return NULL;
}

const uint8_t *
rcache_put(const uint8_t *key, size_t klen, const uint8_t *resp, size_t n)
{
	struct entry *e;
	int i, lru;

	if (klen + n > RCACHE_BYTES / 4)
		return NULL;
	for (;;) {
		lru = -1;
		for (i = 0; i < RCACHE_ENTRIES; i++)
			if (lru < 0 || ents[i].used < ents[lru].used)
				lru = i;
		if (ents[lru].used == 0 && total + klen + n <= RCACHE_BYTES)
			break;
		if (ents[lru].used == 0) {
			/* Free slots but no room: drop the oldest kept one. */
			int old = -1;

			for (i = 0; i < RCACHE_ENTRIES; i++)
				if (ents[i].used &&
				    (old < 0 || ents[i].used < ents[old].used))
					old = i;
			drop(&ents[old]);
			continue;
		}
		drop(&ents[lru]);
	}
	e = &ents[lru];
	e->key = xmalloc(klen);
	memcpy(e->key, key, klen);
	{
		struct blob *b = xmalloc(sizeof *b + (n ? n : 1));

		b->refs = 1;
		e->resp = (uint8_t *)b->data;
		if (n)
			memcpy(e->resp, resp, n);
	}
	e->klen = klen;
	e->n = n;
	e->used = ++tick;
	total += klen + n;
	return e->resp;
}

void
rcache_clear(void)
{
	int i;

	for (i = 0; i < RCACHE_ENTRIES; i++)
		if (ents[i].used)
			drop(&ents[i]);
}

uint64_t
rcache_hits(void)
{
	return hits;
}

uint64_t
rcache_misses(void)
{
	return misses;
}

size_t
rcache_bytes(void)
{
	return total;
}
