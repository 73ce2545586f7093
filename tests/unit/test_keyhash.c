/*
 * test_keyhash.c - common/keyhash.c gives exactly OpenSSL's HMAC-SHA256,
 * for keys shorter than, equal to and longer than a block, and messages
 * of every length around the block boundaries; and the RFC 4231 vector.
 */
#include <openssl/hmac.h>
#include <stdlib.h>

#include "check.h"
#include "keyhash.h"

static void
test_rfc4231(void)
{
	/* RFC 4231 test case 2: key "Jefe". */
	static const char want[] = "5bdcc146bf60754e6a042426089575c7"
				   "5a003f089d2739839dec58b964ec3843";
	keyhash *k = keyhash_new((const uint8_t *)"Jefe", 4);
	uint8_t out[KEYHASH_LEN];
	char hex[65];
	int i;

	check_current = "rfc4231";
	CHECK(k != NULL);
	CHECK_INT(keyhash_sum(k, "what do ya want for nothing?", 28, out), 0);
	for (i = 0; i < KEYHASH_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", out[i]);
	CHECK_STR(hex, want);
	keyhash_free(k);
}

static void
test_against_openssl(void)
{
	static const size_t keylens[] = { 0, 1, 32, 63, 64, 65, 200 };
	uint8_t key[200], msg[300], a[KEYHASH_LEN], b[KEYHASH_LEN];
	size_t i, n;
	unsigned int len;
	int bad = 0, checks = 0;

	check_current = "openssl";
	for (i = 0; i < sizeof key; i++)
		key[i] = (uint8_t)(i * 7 + 3);
	for (i = 0; i < sizeof msg; i++)
		msg[i] = (uint8_t)(i * 13 + 1);
	for (i = 0; i < sizeof keylens / sizeof keylens[0]; i++) {
		keyhash *k = keyhash_new(key, keylens[i]);

		CHECK(k != NULL);
		for (n = 0; n <= sizeof msg; n++) {
			/* The same context again and again: nothing carries
			 * over. */
			keyhash_sum(k, msg, n, a);
			HMAC(EVP_sha256(), key, (int)keylens[i], msg, n, b,
			    &len);
			bad += memcmp(a, b, sizeof a) != 0;
			checks++;
		}
		keyhash_free(k);
	}
	CHECK_INT(bad, 0);
	CHECK_INT(checks, 7 * 301);
}

int
main(void)
{
	test_rfc4231();
	test_against_openssl();
	return check_summary("test_keyhash");
}
