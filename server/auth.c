/*
 * auth.c - tokens and roles.
 *
 * A token is 192 random bits shown once; only its SHA-256 is stored.  A
 * token has the entropy of a key, so a fast hash is enough: there is no
 * dictionary to try.
 */
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>

#include "popstatd.h"
#include "log.h"
#include "sbuf.h"
#include "depts.h"
#include "units.h"

static const char *const role_names[] = {
	"admin", "clerk", "inspector", "department", "viewer"
};

int
role_parse(const char *s)
{
	int i;

	for (i = 0; i < 5; i++)
		if (strcmp(s, role_names[i]) == 0)
			return 1 << i;
	return 0;
}

const char *
role_name(int role)
{
	int i;

	for (i = 0; i < 5; i++)
		if (role == 1 << i)
			return role_names[i];
	return "?";
}

/*
 * Fill out with a new token; aborts if the system has no randomness, since
 * a predictable token is worse than none.
 */
void
token_new(char *out, size_t cap)
{
	uint8_t raw[24];
	size_t i;

	if (RAND_bytes(raw, sizeof raw) != 1) {
		log_error("no random bytes for a token");
		abort();
	}
	xsnprintf(out, cap, "pst_");
	for (i = 0; i < sizeof raw && 4 + 2 * i + 2 < cap; i++)
		snprintf(out + 4 + 2 * i, 3, "%02x", raw[i]);
}

void
token_hash(const char *token, uint8_t hash[HASH_LEN])
{
	SHA256((const unsigned char *)token, strlen(token), hash);
}

/*
 * Look the token up.  Returns 0 and fills *p, or -1 with a reason that is
 * safe to show the caller (it never echoes the token).
 */
int
auth_login(const char *token, struct principal *p, char *err, size_t errlen)
{
	uint8_t h[HASH_LEN];
	store_user u;
	int rc;

	token_hash(token, h);
	rc = store_user_by_token(h, &u);
	if (rc < 0) {
		xsnprintf(err, errlen, "internal error checking the token");
		return -1;
	}
	if (rc == 0) {
		xsnprintf(err, errlen, "invalid token");
		return -1;
	}
	if (u.disabled) {
		xsnprintf(err, errlen, "account '%s' is disabled", u.name);
		return -1;
	}
	memset(p, 0, sizeof *p);
	p->user_id = u.id;
	xsnprintf(p->name, sizeof p->name, "%s", u.name);
	p->role = role_parse(u.role);
	p->unit = u.unit_id ? unit_by_id(u.unit_id) : -1;
	p->dept = u.dept_id ? dept_by_id(u.dept_id) : -1;
	return 0;
}
