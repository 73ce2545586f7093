/*
 * keyhash.c - HMAC-SHA256 with the key's padded blocks hashed once.
 */
#include "keyhash.h"

#include <openssl/evp.h>
#include <string.h>

#include "sbuf.h"

#define BLOCK 64 /* SHA-256's block size */

struct keyhash {
	EVP_MD_CTX *inner, *outer, *work;
};

void
keyhash_free(keyhash *k)
{
	if (k == NULL)
		return;
	EVP_MD_CTX_free(k->inner);
	EVP_MD_CTX_free(k->outer);
	EVP_MD_CTX_free(k->work);
	free(k);
}

keyhash *
keyhash_new(const uint8_t *key, size_t keylen)
{
	keyhash *k = xcalloc(1, sizeof *k);
	uint8_t kb[BLOCK], pad[BLOCK];
	unsigned int n;
	int i, ok;

	memset(kb, 0, sizeof kb);
	if (keylen > BLOCK) {
		/* A long key is hashed first (RFC 2104). */
		ok = EVP_Digest(key, keylen, kb, &n, EVP_sha256(), NULL);
		if (!ok) {
			free(k);
			return NULL;
		}
	} else if (keylen)
		memcpy(kb, key, keylen);
	k->inner = EVP_MD_CTX_new();
	k->outer = EVP_MD_CTX_new();
	k->work = EVP_MD_CTX_new();
	ok = k->inner && k->outer && k->work;
	for (i = 0; i < BLOCK; i++)
		pad[i] = kb[i] ^ 0x36;
	ok = ok && EVP_DigestInit_ex(k->inner, EVP_sha256(), NULL) &&
	    EVP_DigestUpdate(k->inner, pad, BLOCK);
	for (i = 0; i < BLOCK; i++)
		pad[i] = kb[i] ^ 0x5c;
	ok = ok && EVP_DigestInit_ex(k->outer, EVP_sha256(), NULL) &&
	    EVP_DigestUpdate(k->outer, pad, BLOCK);
	memset(kb, 0, sizeof kb);
	memset(pad, 0, sizeof pad);
	if (!ok) {
		keyhash_free(k);
		return NULL;
	}
	return k;
}

int
keyhash_sum(keyhash *k, const void *msg, size_t n, uint8_t out[KEYHASH_LEN])
{
	uint8_t in[KEYHASH_LEN];
	unsigned int len;

	if (!EVP_MD_CTX_copy_ex(k->work, k->inner) ||
	    !EVP_DigestUpdate(k->work, msg, n) ||
	    !EVP_DigestFinal_ex(k->work, in, &len) ||
	    !EVP_MD_CTX_copy_ex(k->work, k->outer) ||
	    !EVP_DigestUpdate(k->work, in, sizeof in) ||
	    !EVP_DigestFinal_ex(k->work, out, &len))
		return -1;
	return 0;
}
