/*
 * popstatd.h - the server's shared types: settings, connections, requests.
 */
#ifndef POPSTAT_POPSTATD_H
#define POPSTAT_POPSTATD_H

#include <stddef.h>
#include <stdint.h>

#include "popstat.pb-c.h"
#include "scope.h"
#include "store.h"

struct event_base;
struct session;

/*
 * Runtime settings: every limit has a name, a default and a range
 * (settings.c), settable on the command line as --name value.
 */
struct settings {
	const char *db;
	const char *listen;
	long max_frame; /* bytes of one frame */
	long max_connections;
	long max_output;   /* bytes queued to a client before dropping it */
	long idle_timeout; /* seconds without a complete request */
	long max_rows;     /* rows in one submit batch */
	long requests_per_turn; /* requests served per connection per loop turn
				 */
	long durability;        /* enum durability */
	long log_level;
	long timely_days;       /* a record is timely within this many days */
	long report_due_days;   /* a dekad report is due this many days after */
	const char *http;       /* HOST:PORT of the dashboard, or NULL */
	int http_public;        /* aggregate pages without login */
	const char *tls_cert;   /* PEM certificate chain; TLS when set */
	const char *tls_key;    /* PEM private key */
	int insecure_plaintext; /* allow plaintext on a non-loopback address */
	long auth_failures;     /* failed logins per address, network, minute */
	long max_period_days;   /* longest period a request may name */
	long http_max_connections; /* dashboard connections held at once */
	long http_request_timeout; /* seconds for a whole HTTP request */
	const char *http_tls_cert; /* PEM chain: the dashboard serves HTTPS */
	const char *http_tls_key;
	long http_max_upload;      /* bytes of one register upload */
	long auth_failures_global; /* failed logins per minute, all peers */
	const char *http_trusted_proxy; /* its X-Forwarded-For is believed */
	const char *bulletin_office; /* issuing office of bulletins, or NULL */
	const char *key_file; /* the HMAC key of mother_id; NULL: DB.key */
	int allow_core_dumps; /* debugging: leave the process dumpable */
};

/* Roles, as bits so handlers can list who may call them. */
enum role {
	ROLE_ADMIN = 1 << 0,
	ROLE_CLERK = 1 << 1,
	ROLE_INSPECTOR = 1 << 2,
	ROLE_DEPARTMENT = 1 << 3,
	ROLE_VIEWER = 1 << 4,
};
#define ROLE_ANY                                                               \
	(ROLE_ADMIN | ROLE_CLERK | ROLE_INSPECTOR | ROLE_DEPARTMENT |          \
	    ROLE_VIEWER)

int role_parse(const char *s); /* 0 if unknown */
const char *role_name(int role);

/* The authenticated user of a connection. */
struct principal {
	int64_t user_id;
	char name[65];
	int role;
	int unit; /* index in the unit tree, -1 when none */
	int dept; /* index in the department list, -1 when none */
};

/*
 * One request being served.  Everything a handler allocates for its reply
 * comes from the request's arena and is freed in one place after the reply
 * is packed.
 */
struct req {
	struct session *sess; /* the protocol connection's; NULL over HTTP */
	uint64_t id;
	const Popstat__Request *rq;
	const struct principal *who;
	Popstat__Response resp;
	struct arena_block *arena;
	/* An unpacked message the reply points into; freed with the request. */
	Popstat__BulletinData *owned_data;
};

void *req_alloc(struct req *r, size_t n);     /* zeroed */
void *req_alloc_raw(struct req *r, size_t n); /* not zeroed */
char *req_strdup(struct req *r, const char *s);
char *req_printf(struct req *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Set the reply to an Error; returns -1 so handlers can `return req_error()`.
 */
int req_error(struct req *r, Popstat__ErrorCode code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void req_ack(struct req *r, const char *message);
void req_free(struct req *r);

/* Server-wide state (server.c). */
struct server {
	struct settings set;
	struct event_base *base;
	int shutting_down;
	int fatal;           /* a WAL sync failed: stop, exit non-zero */
	int32_t today_fixed; /* 0 = use the clock */
};
extern struct server srv;

int32_t server_today(void);
/*
 * period_parse() (period.h), and refused when longer than
 * --max-period-days: no request may make the server walk or answer for
 * an unbounded range.  Returns 0 or -1 with err set.
 */
struct period;
int server_period_parse(const char *spec, int32_t today, struct period *p,
    char *err, size_t errlen);

/* req_query.c: the reply form of a period. */
struct period;
Popstat__Period *period_msg(struct req *r, const struct period *p);

/*
 * scope.c: what who may read of a unit (common/scope.h has the rule).
 * scope_refuse() sets the FORBIDDEN reply saying why and returns -1;
 * scope_unit() resolves a code the caller may read at level, or sets the
 * error (no such unit, or outside the scope) and returns -1.
 */
int
scope_may_read(const struct principal *who, int unit, enum scope_level level);
int scope_refuse(struct req *r, int unit, enum scope_level level);
int scope_unit(struct req *r, const char *code, enum scope_level level);
/*
 * The unit a request about the units under one is about: code, else the
 * clerk's unit, else the one top-level unit; -1 with the error reply set
 * when there is none or the caller may not read it at level.
 * scope_parent() asks SCOPE_RANKING: what is circulated.
 */
int scope_parent(struct req *r, const char *code);
int scope_parent_at(struct req *r, const char *code, enum scope_level level);

/* req_submit.c: shared by corrections. */
int scope_may_write(const struct principal *who, int unit);
/*
 * Void a stored record and take it out of the counters.  Returns 0, -1 on
 * a database error, or INGEST_LOCKED when that would change a verification
 * record in a locked period (*locked_day: its day).
 */
#define INGEST_LOCKED (-2)
int ingest_void(const stored_record *old, int32_t *locked_day);
void record_text(const stored_record *s, char *buf, size_t n);

/* auth.c */
void token_new(char *out, size_t cap); /* "pst_" + 48 hex characters */
int token_hash(const char *token, uint8_t hash[HASH_LEN]); /* 0 or -1 */
int
auth_login(const char *token, struct principal *p, char *err, size_t errlen);
int auth_login_hash(const uint8_t hash[HASH_LEN], struct principal *p,
    char *err, size_t errlen);
int auth_throttled(const char *addr);
void auth_failed(const char *addr);

/* dispatch.c: the table of requests (REQUESTS there) and running them. */
enum req_flag {
	REQ_WRITE = 1 << 0,     /* in the group commit; reply held until it */
	REQ_CACHEABLE = 1 << 1, /* the packed reply is kept (rcache.h) */
	REQ_PREAUTH = 1 << 2,   /* before authentication: Hello */
};
struct handler {
	const char *name;
	int roles; /* who may call it */
	int flags; /* enum req_flag */
	int (*fn)(struct req *);
};
const struct handler *handler_find(int body); /* NULL when unknown */
int dispatch(struct req *r, int *is_write);
/* A read request only (the HTTP layer): a write is refused, never run. */
int dispatch_read(struct req *r);
/*
 * The HTTP layer's call: rq as a read request of who into *r (free it with
 * req_free()).  Returns 0, or the HTTP status of the error reply.
 */
int dispatch_call(const struct principal *who, const Popstat__Request *rq,
    struct req *r);
int dispatch_http_status(int error_code); /* of a protocol error code */

/* conn.c */
int conn_listen(const char *addr);
void conn_shutdown(void);
void conn_free_all(void);

#endif
