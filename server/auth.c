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
#include <time.h>

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

	token_hash(token, h);
	return auth_login_hash(h, p, err, errlen);
}

/*
 * auth_login() by the token's hash: the dashboard keeps only the hash in a
 * session and checks it again on every request, so a token that was
 * rotated or an account that was disabled ends its sessions at once.
 */
int
auth_login_hash(const uint8_t h[HASH_LEN], struct principal *p, char *err,
    size_t errlen)
{
	store_user u;
	int rc;

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

/*
 * Failed logins per peer address, counted in fixed one-minute windows.  A
 * small table: when full, the entry with the oldest window is reused (an
 * attacker spreading over many addresses gets no more than a fresh count).
 */
#define AUTH_TABLE 1024
#define AUTH_WINDOW 60

static struct {
	char addr[64];
	time_t window;
	long failures;
} auth_tab[AUTH_TABLE];

static int
auth_slot(const char *addr, int create)
{
	int i, oldest = 0;

	for (i = 0; i < AUTH_TABLE; i++) {
		if (strcmp(auth_tab[i].addr, addr) == 0)
			return i;
		if (auth_tab[i].window < auth_tab[oldest].window)
			oldest = i;
	}
	if (!create)
		return -1;
	memset(&auth_tab[oldest], 0, sizeof auth_tab[oldest]);
	xsnprintf(auth_tab[oldest].addr, sizeof auth_tab[oldest].addr, "%s", addr);
	return oldest;
}

/*
 * Seconds the address must wait before it may try again, 0 when it may.
 */
int
auth_throttled(const char *addr)
{
	time_t now = time(NULL);
	int i = auth_slot(addr, 0);

	if (i < 0 || now - auth_tab[i].window >= AUTH_WINDOW)
		return 0;
	if (auth_tab[i].failures < srv.set.auth_failures)
		return 0;
	return (int)(AUTH_WINDOW - (now - auth_tab[i].window));
}

void
auth_failed(const char *addr)
{
	time_t now = time(NULL);
	int i = auth_slot(addr, 1);

	if (now - auth_tab[i].window >= AUTH_WINDOW) {
		auth_tab[i].window = now;
		auth_tab[i].failures = 0;
	}
	auth_tab[i].failures++;
}
