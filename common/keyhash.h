/*
 * keyhash.h - HMAC-SHA256 under one fixed key, prepared once.
 *
 * OpenSSL's one-shot HMAC() fetches the digest and hashes the padded key
 * again on every call; for a keyed hash of every mother_id of a batch
 * that was a fifth of the server's ingest work.  Here the two padded key
 * blocks are hashed once (RFC 2104) and each message only copies those
 * states: same result as HMAC(EVP_sha256(), key, ...), which
 * tests/unit/test_keyhash.c checks.
 */
#ifndef POPSTAT_KEYHASH_H
#define POPSTAT_KEYHASH_H

#include <stddef.h>
#include <stdint.h>

#define KEYHASH_LEN 32

typedef struct keyhash keyhash;

/* NULL when OpenSSL fails. */
keyhash *keyhash_new(const uint8_t *key, size_t keylen);
/* HMAC-SHA256(key, msg) into out.  Returns 0, or -1 when OpenSSL fails. */
int
keyhash_sum(keyhash *k, const void *msg, size_t n, uint8_t out[KEYHASH_LEN]);
void keyhash_free(keyhash *k);

#endif
