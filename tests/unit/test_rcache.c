/*
 * test_rcache.c - kept replies (common/rcache.c): lookup by exact key,
 * least-recently-used eviction by count and by bytes, the size limit,
 * clearing, and the counters.
 */
#include <stdlib.h>

#include "check.h"
#include "rcache.h"

static void
key(char *k, int i)
{
	snprintf(k, 32, "key-%d", i);
}

static void
test_basic(void)
{
	const uint8_t *got;
	size_t n = 0;
	uint64_t h0 = rcache_hits(), m0 = rcache_misses();

	check_current = "basic";
	rcache_clear();
	CHECK(rcache_get((const uint8_t *)"a", 1, &n) == NULL);
	got =
	    rcache_put((const uint8_t *)"a", 1, (const uint8_t *)"reply-a", 7);
	CHECK(got != NULL && memcmp(got, "reply-a", 7) == 0); /* the copy */
	rcache_put((const uint8_t *)"ab", 2, (const uint8_t *)"reply-ab", 8);
	got = rcache_get((const uint8_t *)"a", 1, &n);
	CHECK(got != NULL && n == 7 && memcmp(got, "reply-a", 7) == 0);
	got = rcache_get((const uint8_t *)"ab", 2, &n);
	CHECK(got != NULL && n == 8 && memcmp(got, "reply-ab", 8) == 0);
	/* A prefix or a longer key is another key. */
	CHECK(rcache_get((const uint8_t *)"abc", 3, &n) == NULL);
	CHECK(rcache_get((const uint8_t *)"b", 1, &n) == NULL);
	CHECK_INT(rcache_hits() - h0, 2);
	CHECK_INT(rcache_misses() - m0, 3);
	CHECK_INT(rcache_bytes(), 1 + 7 + 2 + 8);
	/* An empty reply is a reply. */
	rcache_put((const uint8_t *)"e", 1, NULL, 0);
	CHECK(rcache_get((const uint8_t *)"e", 1, &n) != NULL && n == 0);
	rcache_clear();
	CHECK_INT(rcache_bytes(), 0);
	CHECK(rcache_get((const uint8_t *)"a", 1, &n) == NULL);
}

static void
test_lru(void)
{
	char k[32];
	size_t n;
	int i, kept = 0;

	check_current = "lru";
	rcache_clear();
	for (i = 0; i < RCACHE_ENTRIES; i++) {
		key(k, i);
		rcache_put((uint8_t *)k, strlen(k), (uint8_t *)"x", 1);
	}
	/* Use key-0 so that key-1 is now the least recently used. */
	key(k, 0);
	CHECK(rcache_get((uint8_t *)k, strlen(k), &n) != NULL);
	key(k, RCACHE_ENTRIES);
	rcache_put((uint8_t *)k, strlen(k), (uint8_t *)"y", 1);
	key(k, 1);
	CHECK(rcache_get((uint8_t *)k, strlen(k), &n) == NULL);
	for (i = 0; i <= RCACHE_ENTRIES; i++) {
		key(k, i);
		kept += rcache_get((uint8_t *)k, strlen(k), &n) != NULL;
	}
	CHECK_INT(kept, RCACHE_ENTRIES);
	rcache_clear();
}

static void
test_bytes(void)
{
	size_t big = RCACHE_BYTES / 4 - 16, n;
	uint8_t *r = calloc(1, RCACHE_BYTES / 4 + 1);
	char k[32];
	int i;

	check_current = "bytes";
	rcache_clear();
	/* Over a quarter of the budget: not kept. */
	CHECK(rcache_put((const uint8_t *)"huge", 4, r, RCACHE_BYTES / 4) ==
	    NULL);
	CHECK(rcache_get((const uint8_t *)"huge", 4, &n) == NULL);
	CHECK_INT(rcache_bytes(), 0);
	/* Five near-quarter replies: the oldest goes to make room. */
	for (i = 0; i < 5; i++) {
		key(k, i);
		rcache_put((uint8_t *)k, strlen(k), r, big);
		CHECK(rcache_bytes() <= RCACHE_BYTES);
	}
	key(k, 0);
	CHECK(rcache_get((uint8_t *)k, strlen(k), &n) == NULL);
	key(k, 4);
	CHECK(rcache_get((uint8_t *)k, strlen(k), &n) != NULL && n == big);
	rcache_clear();
	free(r);
}

/* A held reply outlives clearing, eviction and the cache's own copy. */
static void
test_hold(void)
{
	const uint8_t *r;
	size_t n;

	check_current = "hold";
	rcache_clear();
	rcache_put((const uint8_t *)"k", 1, (const uint8_t *)"kept-reply", 10);
	r = rcache_get((const uint8_t *)"k", 1, &n);
	CHECK(r != NULL);
	rcache_hold(r);
	rcache_hold(r);
	rcache_clear();
	CHECK(rcache_get((const uint8_t *)"k", 1, &n) == NULL);
	/* Still readable (the sanitizer run would see a use after free). */
	CHECK(memcmp(r, "kept-reply", 10) == 0);
	rcache_release(r);
	CHECK(memcmp(r, "kept-reply", 10) == 0);
	rcache_release(r); /* the last one frees it */
}

int
main(void)
{
	test_basic();
	test_lru();
	test_bytes();
	test_hold();
	return check_summary("test_rcache");
}
