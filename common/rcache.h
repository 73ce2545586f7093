/*
 * rcache.h - replies to repeated reads, kept until the data changes.
 *
 * A county's dashboards and clerks ask the same ranking and status again
 * and again between writes.  The packed Response of such a read is kept
 * under a key made of who asked (user, role, scope), the server's today
 * and the request itself; it is sent again, under the new request id,
 * until rcache_clear() drops everything.  The group commit calls that
 * after every transaction (committed or not) and SIGHUP after a reload,
 * so a kept reply is always the one the server would compute now.
 */
#ifndef POPSTAT_RCACHE_H
#define POPSTAT_RCACHE_H

#include <stddef.h>
#include <stdint.h>

/* At most this many replies, of at most this many bytes in all. */
#define RCACHE_ENTRIES 32
#define RCACHE_BYTES (16u << 20)

/* The kept reply for key: its packed Response, or NULL. */
const uint8_t *rcache_get(const uint8_t *key, size_t klen, size_t *n);
/* Keep a copy of resp under key (the least recently used reply goes when
 * full) and return it, as rcache_get would; a reply of over a quarter of
 * RCACHE_BYTES is not kept: NULL. */
const uint8_t *
rcache_put(const uint8_t *key, size_t klen, const uint8_t *resp, size_t n);
void rcache_clear(void);
/*
 * A kept reply (as rcache_get returned it) that must outlive the cache's
 * copy, e.g. while an output buffer sends it: hold it, release it when
 * done; it is freed at the last release.
 */
void rcache_hold(const uint8_t *resp);
void rcache_release(const void *resp);

/* Counters for /metrics and the tests. */
uint64_t rcache_hits(void);
uint64_t rcache_misses(void);
size_t rcache_bytes(void);

#endif
