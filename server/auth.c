/*
 * auth.c - tokens and roles.
 *
 * A token is 192 random bits shown once; only its SHA-256 is stored.  A
 * token has the entropy of a key, so a fast hash is enough: there is no
 * dictionary to try.
 */
#include <arpa/inet.h>
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

static const char *const role_names[] = { "admin", "clerk", "inspector",
	"department", "viewer" };

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

/*
 * SHA-256 of a token.  OpenSSL fails when it cannot allocate: then the
 * hash is all zero bytes (which no token hashes to) and -1 is returned.
 */
int
token_hash(const char *token, uint8_t hash[HASH_LEN])
{
	if (SHA256((const unsigned char *)token, strlen(token), hash) != NULL)
		return 0;
	memset(hash, 0, HASH_LEN);
	return -1;
}

/*
 * Look the token up.  Returns 0 and fills *p, or -1 with a reason that is
 * safe to show the caller (it never echoes the token).
 */
int
auth_login(const char *token, struct principal *p, char *err, size_t errlen)
{
	uint8_t h[HASH_LEN];

	if (token_hash(token, h) < 0) {
		xsnprintf(err, errlen,
		    "internal error checking the token;"
		    " try again");
		return -1;
	}
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
 * Failed logins, counted in fixed one-minute windows per peer address, per
 * network (the /24 of an IPv4 address, the /64 of an IPv6 one: the next
 * address of the same network gets no fresh count) and over all peers
 * (--auth-failures-global).  A small table: a new entry takes a free or
 * expired slot, else the oldest one not throttled; a throttled entry is
 * never evicted, so an attacker spreading over many addresses cannot wash
 * out a throttle, and when every slot is throttled an address that has no
 * entry is refused until one expires.
 */
#define AUTH_TABLE 1024
#define AUTH_WINDOW 60
#define AUTH_KEY 64

static struct auth_entry {
	char key[AUTH_KEY]; /* "a ADDR" or "n NET/BITS"; "" when free */
	time_t window;
	long failures;
} auth_tab[AUTH_TABLE], auth_all;

static int
auth_live(const struct auth_entry *e, time_t now)
{
	return e->key[0] != '\0' && now - e->window < AUTH_WINDOW;
}

static int
auth_full(const struct auth_entry *e, time_t now, long limit)
{
	return auth_live(e, now) && e->failures >= limit;
}

/* The keys of an address and of its network. */
static void
auth_keys(const char *addr, char *akey, char *nkey)
{
	unsigned char b[16];
	char net[INET6_ADDRSTRLEN];
	const char *a = addr;

	if (strncmp(a, "::ffff:", 7) == 0 && strchr(a + 7, '.'))
		a += 7; /* an IPv4-mapped address is IPv4 */
	xsnprintf(akey, AUTH_KEY, "a %s", a);
	if (inet_pton(AF_INET, a, b) == 1) {
		b[3] = 0;
		inet_ntop(AF_INET, b, net, sizeof net);
		xsnprintf(nkey, AUTH_KEY, "n %s/24", net);
	} else if (inet_pton(AF_INET6, a, b) == 1) {
		memset(b + 8, 0, 8);
		inet_ntop(AF_INET6, b, net, sizeof net);
		xsnprintf(nkey, AUTH_KEY, "n %s/64", net);
	} else
		xsnprintf(nkey, AUTH_KEY, "n %s", a);
}

static struct auth_entry *
auth_find(const char *key)
{
	int i;

	for (i = 0; i < AUTH_TABLE; i++)
		if (strcmp(auth_tab[i].key, key) == 0)
			return &auth_tab[i];
	return NULL;
}

/* The entry of key, made if need be; NULL when every slot is throttled. */
static struct auth_entry *
auth_make(const char *key, time_t now)
{
	struct auth_entry *e = auth_find(key), *victim = NULL;
	int i;

	if (e)
		return e;
	for (i = 0; i < AUTH_TABLE; i++) {
		e = &auth_tab[i];
		if (!auth_live(e, now)) {
			victim = e;
			break;
		}
		if (e->failures < srv.set.auth_failures &&
		    (victim == NULL || e->window < victim->window))
			victim = e;
	}
	if (victim == NULL)
		return NULL;
	memset(victim, 0, sizeof *victim);
	xsnprintf(victim->key, sizeof victim->key, "%s", key);
	victim->window = now;
	return victim;
}

static int
auth_wait(const struct auth_entry *e, time_t now)
{
	return (int)(AUTH_WINDOW - (now - e->window));
}

/*
 * Seconds the address must wait before it may try again, 0 when it may.
 */
int
auth_throttled(const char *addr)
{
	char akey[AUTH_KEY], nkey[AUTH_KEY];
	struct auth_entry *a, *n;
	time_t now = time(NULL), soonest = 0;
	int i, wait = 0;

	if (auth_full(&auth_all, now, srv.set.auth_failures_global))
		wait = auth_wait(&auth_all, now);
	auth_keys(addr, akey, nkey);
	a = auth_find(akey);
	n = auth_find(nkey);
	if (a && auth_full(a, now, srv.set.auth_failures) &&
	    auth_wait(a, now) > wait)
		wait = auth_wait(a, now);
	if (n && auth_full(n, now, srv.set.auth_failures) &&
	    auth_wait(n, now) > wait)
		wait = auth_wait(n, now);
	if (wait > 0 || (a && n))
		return wait;
	/* No entry to count a failure in: refused while every slot is
	 * throttled, until the first of them expires. */
	for (i = 0; i < AUTH_TABLE; i++) {
		if (!auth_full(&auth_tab[i], now, srv.set.auth_failures))
			return 0;
		if (soonest == 0 || auth_tab[i].window < soonest)
			soonest = auth_tab[i].window;
	}
	return (int)(AUTH_WINDOW - (now - soonest));
}

static void
auth_count(struct auth_entry *e, time_t now)
{
	if (e == NULL)
		return;
	if (now - e->window >= AUTH_WINDOW) {
		e->window = now;
		e->failures = 0;
	}
	e->failures++;
}

void
auth_failed(const char *addr)
{
	char akey[AUTH_KEY], nkey[AUTH_KEY];
	time_t now = time(NULL);

	auth_keys(addr, akey, nkey);
	if (auth_all.key[0] == '\0')
		xsnprintf(auth_all.key, sizeof auth_all.key, "all");
	auth_count(&auth_all, now);
	auth_count(auth_make(akey, now), now);
	auth_count(auth_make(nkey, now), now);
}
