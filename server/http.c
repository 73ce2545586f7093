/*
 * http.c - the read-only dashboard, JSON API and operations endpoints over
 * libevent's evhttp, on the server's own event loop.
 *
 *   /  /ranking  /unit  /bulletins  /bulletin    HTML pages (dashboard.c)
 *   /api/ranking  /api/status  /api/verify-report  JSON, the bytes of
 *   /api/warning  /api/quality                     `popstat ... --json`
 *   /login  /logout                                the session cookie
 *   /entry /amend /void /report /task /upload      forms that write (web.c)
 *   /healthz  /metrics                             operations
 *
 * Access.  Every page and API call needs a principal: a session cookie set
 * by the login form, or `Authorization: Bearer TOKEN`.  With --http-public
 * a visitor without either is a synthetic viewer and may see the aggregate
 * pages and API (rankings, status, bulletins) but nothing record-level.
 * /healthz is open; /metrics needs a token (no record data, but volumes).
 *
 * Sessions.  The cookie holds a random 256-bit session id, never the token:
 * a token is a long-lived credential that also submits records over the
 * protocol, while a session expires (12 h, or 2 h unused),
 * dies with logout or a restart, and is checked against the account on
 * every request (by the token's hash), so a rotated token or a disabled
 * account ends it at once.  The cookie is HttpOnly and SameSite=Strict, so
 * no other site can make a browser use it.
 *
 * Writes.  The form pages (web.c) need a login session: a bearer token or
 * the public viewer gets 403.  Each session has its own random anti-forgery
 * token, put in every form as a hidden field; a POST without it (compared
 * in constant time) or with an Origin naming another host is refused
 * before anything is read from it.  Over plain HTTP the form pages are
 * served only when the dashboard listens on a loopback address (a proxy
 * on the same machine may add TLS); otherwise popstatd must serve HTTPS
 * itself (--http-tls-cert, --http-tls-key), and the cookie is then Secure.
 *
 * Limits: headers 8 KiB, URI 2 KiB, a body of --http-max-upload bytes
 * (libevent refuses a larger Content-Length with 413 before reading it;
 * the login form takes 4 KiB of it, other forms 64 KiB),
 * --http-request-timeout for a whole request (headers and body, not
 * an inactivity timeout: a byte every few seconds does not keep one open),
 * at most --http-max-connections connections (lowered to what the
 * descriptor limit leaves after a reserve for the protocol and sqlite;
 * at the cap, and on EMFILE, the listener pauses and newcomers wait in
 * the backlog), GET and HEAD everywhere and POST only for /login,
 * /logout and the form pages (others get 405), 32 query parameters of at
 * most 256
 * bytes of UTF-8.  Failed logins and bad bearer tokens count against the
 * peer address like failed protocol logins (--auth-failures per minute).
 */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <netdb.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "addr.h"
#include "bulletin.h"
#include "dashboard.h"
#include "date.h"
#include "http_headers.h"
#include "log.h"
#include "metrics.h"
#include "multipart.h"
#include "popstatd.h"
#include "report.h"
#include "warnrep.h"
#include "safepath.h"
#include "sbuf.h"
#include "utf8.h"
#include "web.h"

#define MAX_HEADERS 8192
#define MAX_BODY 4096
#define MAX_FORM (64 * 1024)
#define MAX_PARTS 16
#define MAX_URI 2048
#define MAX_PARAMS 32
#define MAX_PARAM_BYTES 256
#define INACTIVITY_TIMEOUT 20
/*
 * Descriptors the dashboard never takes: sqlite (database, WAL, shared
 * memory, temporary files), the log, the listeners, the sync pipe; the
 * dashboard gets at most half of what is left, the protocol the rest.
 */
#define FD_RESERVE 64
#define LOG_EVERY 10 /* seconds between two lines of one warning */

#define SESSIONS_MAX 1024
#define SESSIONS_PER_ACCOUNT 16
#define SESSION_TTL (12 * 3600)
#define SESSION_IDLE (2 * 3600)
#define COOKIE "popstat_session"
#define SID_HEX 64

static struct evhttp *http;
static struct evconnlistener *hlistener;
static struct event *hrearm_ev; /* re-enables accepting after EMFILE */
static struct event *adopt_ev;  /* finds the evhttp connection of an fd */

/*
 * Every dashboard connection, from its accept to its close: evhttp makes
 * its bufferevent with bevcb(), the connection is adopted once evhttp has
 * set it up (its closecb then tells us when it goes), and a deadline
 * timer closes it when a request is not complete in time.
 */
struct hconn {
	struct bufferevent *bev;
	struct evhttp_connection *evcon; /* NULL until adopted */
	struct event *deadline;
	struct hconn *prev, *next;
};
static struct hconn *hconns;
static long nhconns;
static long fd_cap;        /* what RLIMIT_NOFILE leaves the dashboard */
static int hpaused;        /* the listener is off: at the cap */
static int herror_paused;  /* the listener is off: after EMFILE */
static SSL_CTX *https_ctx; /* set when the dashboard serves HTTPS */
static int http_loopback;  /* bound to a loopback address */

struct session {
	char id[SID_HEX + 1];   /* "" when the slot is free */
	char csrf[SID_HEX + 1]; /* the anti-forgery token of its forms */
	uint8_t hash[HASH_LEN]; /* of the token that logged in */
	time_t created, used;
};
static struct session sessions[SESSIONS_MAX];

static void deadline_renew(struct evhttp_request *req);

/* One HTTP request being served. */
struct hreq {
	struct evhttp_request *req;
	const struct route *route;
	const char *path;
	struct evkeyvalq query;
	char peer[NI_MAXHOST];
	int lang;
	struct principal who;
	int anonymous; /* the --http-public viewer */
	int session;   /* index of its session, or -1 */
};

enum {
	R_OPEN = 1 << 0,   /* no principal needed */
	R_PUBLIC = 1 << 1, /* aggregate: served to --http-public visitors */
	R_API = 1 << 2,    /* JSON errors, 401 rather than the login form */
	R_POST = 1 << 3,   /* POST allowed (a form) */
	R_WRITE = 1 << 4,  /* a form page that writes (web.c) */
};

struct route {
	const char *path;
	int flags;
	void (*fn)(struct hreq *);
};

/* ---- replies ------------------------------------------------------------- */

static const char *
reason_phrase(int code)
{
	switch (code) {
	case 200: return "OK";
	case 302: return "Found";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 423: return "Locked";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return code >= 500 ? "Internal Server Error" : "Error";
	}
}

static void
reply(struct hreq *x, int code, const char *ctype, const sbuf *body)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(x->req);
	struct evbuffer *buf = evbuffer_new();

	http_headers(x->req, ctype);
	(void)h;
	if (body && body->len)
		evbuffer_add(buf, body->s, body->len);
	evhttp_send_reply(x->req, code, reason_phrase(code), buf);
	evbuffer_free(buf);
	metrics_http_request(x->route ? x->route->path : "other", code);
	log_debug("http %s: %s %s -> %d", x->peer,
	    evhttp_request_get_command(x->req) == EVHTTP_REQ_POST ? "POST" :
								    "GET",
	    x->path, code);
}

static void
reply_text(struct hreq *x, int code, const char *ctype, const char *text)
{
	sbuf b;

	sbuf_init(&b);
	sbuf_puts(&b, text);
	reply(x, code, ctype, &b);
	sbuf_free(&b);
}

static void
reply_json_error(struct hreq *x, int code, const char *message)
{
	sbuf b;

	sbuf_init(&b);
	sbuf_printf(&b, "{\"error\": {\"status\": %d, \"message\": ", code);
	sbuf_json_str(&b, message);
	sbuf_puts(&b, "}}\n");
	reply(x, code, "application/json; charset=utf-8", &b);
	sbuf_free(&b);
}

static void
dash_init(struct hreq *x, struct dash *d, sbuf *out)
{
	memset(d, 0, sizeof *d);
	d->who = &x->who;
	d->anonymous = x->anonymous;
	d->session = x->session >= 0;
	d->lang = x->lang;
	d->path = x->path;
	d->q = &x->query;
	d->out = out;
	if (x->session >= 0) {
		d->csrf = sessions[x->session].csrf;
		d->may_write = https_ctx != NULL || http_loopback;
	}
}

/* An error as a page, or as JSON on the API. */
static void
reply_error(struct hreq *x, int code, const char *message)
{
	struct dash d;
	sbuf b;

	if (x->route && (x->route->flags & R_API)) {
		reply_json_error(x, code, message);
		return;
	}
	sbuf_init(&b);
	dash_init(x, &d, &b);
	dash_error(&d, code, message);
	reply(x, code, "text/html; charset=utf-8", &b);
	sbuf_free(&b);
}

static void
redirect(struct hreq *x, int code, const char *location)
{
	evhttp_add_header(evhttp_request_get_output_headers(x->req), "Location",
	    location);
	reply(x, code, NULL, NULL);
}

/* ---- sessions ------------------------------------------------------------ */

static void
sessions_gauge(void)
{
	int i, n = 0;

	for (i = 0; i < SESSIONS_MAX; i++)
		n += sessions[i].id[0] != '\0';
	metrics_http_sessions(n);
}

static int
session_live(const struct session *s, time_t now)
{
	return s->id[0] && now - s->created < SESSION_TTL &&
	    now - s->used < SESSION_IDLE;
}

static void
session_clear(struct session *s)
{
	memset(s, 0, sizeof *s);
}

static void
random_hex(char *out, size_t hexlen)
{
	uint8_t raw[SID_HEX / 2];
	size_t i;

	if (hexlen > SID_HEX || RAND_bytes(raw, (int)(hexlen / 2)) != 1) {
		log_error("no random bytes for a session");
		abort();
	}
	for (i = 0; i < hexlen / 2; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

/*
 * A new session for the token hash; returns its slot, or -1 when every
 * slot holds a live session of another account.  An account has at most
 * SESSIONS_PER_ACCOUNT: past that its own least recently used one goes,
 * never another account's (1,030 logins of one clerk once evicted the
 * admin's session).
 */
static int
session_new(const uint8_t hash[HASH_LEN])
{
	time_t now = time(NULL);
	int i, slot = -1, mine = 0, oldest = -1;

	for (i = 0; i < SESSIONS_MAX; i++) {
		if (sessions[i].id[0] && !session_live(&sessions[i], now))
			session_clear(&sessions[i]);
		if (sessions[i].id[0] == '\0') {
			if (slot < 0)
				slot = i;
			continue;
		}
		if (memcmp(sessions[i].hash, hash, HASH_LEN) != 0)
			continue;
		mine++;
		if (oldest < 0 || sessions[i].used < sessions[oldest].used)
			oldest = i;
	}
	if (mine >= SESSIONS_PER_ACCOUNT)
		slot = oldest;
	if (slot < 0) {
		sessions_gauge();
		return -1;
	}
	session_clear(&sessions[slot]);
	random_hex(sessions[slot].id, SID_HEX);
	random_hex(sessions[slot].csrf, SID_HEX);
	memcpy(sessions[slot].hash, hash, HASH_LEN);
	sessions[slot].created = sessions[slot].used = now;
	sessions_gauge();
	return slot;
}

/* The session named by the request's cookie, or -1. */
static int
session_of(struct hreq *x)
{
	const char *c =
	    evhttp_find_header(evhttp_request_get_input_headers(x->req),
		"Cookie");
	char id[SID_HEX + 1];
	time_t now = time(NULL);
	size_t n = strlen(COOKIE);
	int i;

	while (c && *c) {
		while (*c == ' ' || *c == ';')
			c++;
		if (strncmp(c, COOKIE, n) == 0 && c[n] == '=') {
			c += n + 1;
			for (i = 0; i < SID_HEX &&
			     ((c[i] >= '0' && c[i] <= '9') ||
				 (c[i] >= 'a' && c[i] <= 'f'));
			     i++)
				id[i] = c[i];
			if (i != SID_HEX)
				return -1;
			id[i] = '\0';
			for (i = 0; i < SESSIONS_MAX; i++)
				if (sessions[i].id[0] &&
				    CRYPTO_memcmp(sessions[i].id, id,
					SID_HEX) == 0) {
					if (!session_live(&sessions[i], now)) {
						session_clear(&sessions[i]);
						sessions_gauge();
						return -1;
					}
					return i;
				}
			return -1;
		}
		c = strchr(c, ';');
	}
	return -1;
}

static void
session_drop(int i)
{
	if (i >= 0) {
		session_clear(&sessions[i]);
		sessions_gauge();
	}
}

static void
set_cookie(struct hreq *x, const char *id, long max_age)
{
	char v[160];

	xsnprintf(v, sizeof v,
	    COOKIE "=%s; HttpOnly; SameSite=Strict; Path=/;"
		   " Max-Age=%ld%s",
	    id, max_age, https_ctx ? "; Secure" : "");
	evhttp_add_header(evhttp_request_get_output_headers(x->req),
	    "Set-Cookie", v);
}

/* ---- access -------------------------------------------------------------- */

/* A token as a client would send it: printable ASCII, no spaces. */
static int
token_plausible(const char *t)
{
	size_t i;

	for (i = 0; t[i]; i++)
		if (t[i] <= ' ' || t[i] > '~')
			return 0;
	return i > 0 && i <= 128;
}

static int
throttled(struct hreq *x)
{
	int wait = auth_throttled(x->peer);
	char s[16];

	if (wait <= 0)
		return 0;
	xsnprintf(s, sizeof s, "%d", wait);
	evhttp_add_header(evhttp_request_get_output_headers(x->req),
	    "Retry-After", s);
	log_warn("http %s: refused: too many failed logins", x->peer);
	return 1;
}

/* The login URL that comes back here afterwards. */
static void
login_url(struct hreq *x, sbuf *b)
{
	const char *uri = evhttp_request_get_uri(x->req);
	size_t i;

	sbuf_puts(b,
	    x->lang == LANG_EN ? "/login?lang=en&next=" : "/login?next=");
	for (i = 0; uri[i]; i++) {
		unsigned char c = (unsigned char)uri[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-_.~/", c))
			sbuf_putc(b, (char)c);
		else
			sbuf_printf(b, "%%%02X", c);
	}
}

/*
 * Find who is asking: a bearer token, else a session, else (on a public
 * route of a --http-public server) the anonymous viewer.  Returns 0, or -1
 * after replying (401, 429 or a redirect to the login form).
 */
static int
authenticate(struct hreq *x)
{
	const char *a =
	    evhttp_find_header(evhttp_request_get_input_headers(x->req),
		"Authorization");
	char err[128];

	x->session = -1;
	if (a) {
		if (strncasecmp(a, "Bearer ", 7) != 0 ||
		    !token_plausible(a + 7)) {
			reply_error(x, 401,
			    "Authorization: expected Bearer TOKEN");
			return -1;
		}
		if (throttled(x)) {
			reply_error(x, 429,
			    "too many failed logins from this address;"
			    " try again later");
			return -1;
		}
		if (auth_login(a + 7, &x->who, err, sizeof err) < 0) {
			auth_failed(x->peer);
			log_warn("http %s: bearer token refused: %s", x->peer,
			    err);
			evhttp_add_header(evhttp_request_get_output_headers(
					      x->req),
			    "WWW-Authenticate", "Bearer realm=\"popstat\"");
			reply_error(x, 401, err);
			return -1;
		}
		return 0;
	}
	if ((x->session = session_of(x)) >= 0) {
		if (auth_login_hash(sessions[x->session].hash, &x->who, err,
			sizeof err) == 0) {
			sessions[x->session].used = time(NULL);
			return 0;
		}
		log_info("http %s: session ended: %s", x->peer, err);
		session_drop(x->session);
		x->session = -1;
	}
	if (srv.set.http_public && (x->route->flags & R_PUBLIC)) {
		memset(&x->who, 0, sizeof x->who);
		xsnprintf(x->who.name, sizeof x->who.name, "public");
		x->who.role = ROLE_VIEWER;
		x->who.unit = -1;
		x->who.dept = -1;
		x->anonymous = 1;
		return 0;
	}
	if (x->route->flags & R_API) {
		evhttp_add_header(evhttp_request_get_output_headers(x->req),
		    "WWW-Authenticate", "Bearer realm=\"popstat\"");
		reply_json_error(x, 401,
		    "authentication required: send"
		    " Authorization: Bearer TOKEN");
	} else {
		sbuf b;

		sbuf_init(&b);
		login_url(x, &b);
		redirect(x, 302, sbuf_str(&b));
		sbuf_free(&b);
	}
	return -1;
}

/* ---- pages --------------------------------------------------------------- */

static void
serve_page(struct hreq *x, int (*page)(struct dash *))
{
	struct dash d;
	sbuf b;
	int code;

	sbuf_init(&b);
	dash_init(x, &d, &b);
	code = page(&d);
	reply(x, code, "text/html; charset=utf-8", &b);
	sbuf_free(&b);
}

static void
r_home(struct hreq *x)
{
	serve_page(x, dash_home);
}

static void
r_ranking(struct hreq *x)
{
	serve_page(x, dash_ranking);
}

static void
r_unit(struct hreq *x)
{
	serve_page(x, dash_unit);
}

static void
r_bulletins(struct hreq *x)
{
	serve_page(x, dash_bulletins);
}

static void
r_bulletin(struct hreq *x)
{
	serve_page(x, dash_bulletin);
}

/* A local path to go back to after login (safepath.h), else "/". */
static const char *
safe_next(const char *next)
{
	return safepath_ok(next, MAX_URI) ? next : "/";
}

static void
login_page(struct hreq *x, int code, const char *next, const char *error)
{
	struct dash d;
	sbuf b;

	sbuf_init(&b);
	dash_init(x, &d, &b);
	d.who = NULL; /* the header shows no user on the login form */
	dash_login(&d, safe_next(next), error);
	reply(x, code, "text/html; charset=utf-8", &b);
	sbuf_free(&b);
}

/* A POST from another site's page (its Origin names another host). */
static int
cross_origin(struct hreq *x)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(x->req);
	const char *origin = evhttp_find_header(in, "Origin");
	const char *host = evhttp_find_header(in, "Host");
	const char *o;

	if (origin == NULL || strcmp(origin, "null") == 0)
		return origin != NULL;
	o = strstr(origin, "://");
	return host == NULL || o == NULL || strcmp(o + 3, host) != 0;
}

/*
 * The url-encoded form of a POST body of at most max bytes into form, which
 * the caller has initialised and clears.  The copy of the body is zeroed
 * once parsed: a form may carry a token or mother_ids.  A body too large,
 * malformed or not UTF-8 is answered here, and -1 returned.
 */
static int
read_form(struct hreq *x, struct evbuffer *in, size_t max,
    struct evkeyvalq *form)
{
	size_t n = evbuffer_get_length(in);
	char *body;
	int rc;

	if (n > max) {
		reply_error(x, 413, "form too large");
		return -1;
	}
	body = xmalloc(n + 1);
	evbuffer_copyout(in, body, n);
	body[n] = '\0';
	rc = utf8_valid(body, n) ? evhttp_parse_query_str(body, form) : -1;
	explicit_bzero(body, n);
	free(body);
	if (rc < 0) {
		evhttp_clear_headers(form);
		reply_error(x, 400, "malformed form");
		return -1;
	}
	return 0;
}

static void
r_login(struct hreq *x)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(x->req);
	struct evkeyvalq form;
	struct principal p;
	uint8_t hash[HASH_LEN];
	char err[128];
	const char *token, *next, *lang;
	int s;

	if (evhttp_request_get_command(x->req) != EVHTTP_REQ_POST) {
		login_page(x, 200, evhttp_find_header(&x->query, "next"), NULL);
		return;
	}
	TAILQ_INIT(&form);
	if (read_form(x, in, MAX_BODY, &form) < 0)
		return;
	token = evhttp_find_header(&form, "token");
	next = evhttp_find_header(&form, "next");
	lang = evhttp_find_header(&form, "lang");
	if (lang && strcmp(lang, "en") == 0)
		x->lang = LANG_EN;
	if (cross_origin(x)) {
		reply_error(x, 403, "login form posted from another site");
	} else if (throttled(x)) {
		login_page(x, 429, next,
		    x->lang == LANG_EN ?
			"Too many failed logins from this address: wait a "
			"minute." :
			"此地址登录失败次数过多，请一分钟后再试。");
	} else if (token == NULL || !token_plausible(token)) {
		login_page(x, 400, next,
		    x->lang == LANG_EN ? "Enter your access token." :
					 "请输入访问令牌。");
	} else if (auth_login(token, &p, err, sizeof err) < 0) {
		auth_failed(x->peer);
		log_warn("http %s: login failed: %s", x->peer, err);
		login_page(x, 401, next,
		    x->lang == LANG_EN                  ? err :
			strncmp(err, "invalid", 7) == 0 ? "令牌无效。" :
							  err);
	} else {
		token_hash(token, hash);
		if ((s = session_new(hash)) < 0) {
			log_warn("http %s: login of %s refused: all %d sessions"
				 " are in use",
			    x->peer, p.name, SESSIONS_MAX);
			login_page(x, 503, next,
			    x->lang == LANG_EN ?
				"Too many dashboard sessions are open: try "
				"again"
				" later." :
				"仪表盘会话已满，请稍后再试。");
		} else {
			set_cookie(x, sessions[s].id, SESSION_TTL);
			log_info("http %s: %s logged in to the dashboard",
			    x->peer, p.name);
			redirect(x, 303, safe_next(next));
		}
	}
	evhttp_clear_headers(&form);
}

static int csrf_ok(const char *got, size_t len, const char *want);

/*
 * Logging out takes a POST carrying the session's anti-forgery token (the
 * header's button): a GET, a link or an image on another page, must not
 * end a session, so it only goes back to the home page and its button.
 */
static void
r_logout(struct hreq *x)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(x->req);
	struct evkeyvalq form;
	const char *csrf;
	int s = session_of(x);

	if (evhttp_request_get_command(x->req) != EVHTTP_REQ_POST) {
		redirect(x, 303, x->lang == LANG_EN ? "/?lang=en" : "/");
		return;
	}
	if (s >= 0) {
		TAILQ_INIT(&form);
		if (read_form(x, in, MAX_BODY, &form) < 0)
			return;
		csrf = evhttp_find_header(&form, "csrf");
		if (cross_origin(x) ||
		    !csrf_ok(csrf, csrf ? strlen(csrf) : 0, sessions[s].csrf)) {
			evhttp_clear_headers(&form);
			log_warn("http %s: logout without the session's"
				 " anti-forgery token refused",
			    x->peer);
			reply_error(x, 403,
			    x->lang == LANG_EN ?
				"Log out with the"
				" button of a dashboard page." :
				"请用仪表盘页面上的“退出”按钮退出。");
			return;
		}
		evhttp_clear_headers(&form);
		session_drop(s);
	}
	set_cookie(x, "", 0);
	redirect(x, 303, x->lang == LANG_EN ? "/login?lang=en" : "/login");
}

/* ---- the form pages that write ------------------------------------------- */

/* The token a form carried, against the session's, in constant time. */
static int
csrf_ok(const char *got, size_t len, const char *want)
{
	return got != NULL && len == SID_HEX && want[0] != '\0' &&
	    CRYPTO_memcmp(got, want, SID_HEX) == 0;
}

/*
 * A form page: the session, transport, Origin and anti-forgery checks
 * every write passes, then web.c.  A multipart body (the upload) is split
 * here; its text fields join the form.
 */
/*
 * A form may carry mother_ids (the entry and amend pages): its values and
 * the request body (in, unless NULL) are zeroed once it has been served.
 */
static void
wipe_request(struct evkeyvalq *form, struct evbuffer *in)
{
	struct evkeyval *kv;
	unsigned char *b;
	size_t n;

	for (kv = form->tqh_first; kv; kv = kv->next.tqe_next)
		explicit_bzero(kv->value, strlen(kv->value));
	n = in ? evbuffer_get_length(in) : 0;
	if (n > 0 && (b = evbuffer_pullup(in, -1)) != NULL)
		explicit_bzero(b, n);
}

static void
r_web(struct hreq *x)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(x->req);
	struct mp_part parts[MAX_PARTS];
	struct evkeyvalq form;
	struct web_call c;
	const char *ctype, *token = NULL;
	char boundary[MULTIPART_BOUNDARY_MAX + 1], err[160], *body = NULL;
	size_t n = evbuffer_get_length(in), tlen = 0;
	int i, np = 0;

	if (x->anonymous || x->session < 0) {
		reply_error(x, 403,
		    x->lang == LANG_EN ? "Entry pages need a login"
					 " session: log in at /login (a bearer "
					 "token cannot write"
					 " here)." :
					 "填报页面需要先登录（/"
					 "login）；访问令牌头不能用于填报。");
		return;
	}
	if (https_ctx == NULL && !http_loopback) {
		reply_error(x, 403,
		    x->lang == LANG_EN ?
			"Entry pages are refused"
			" over plain HTTP on a network address: popstatd must "
			"serve"
			" HTTPS (--http-tls-cert, --http-tls-key)." :
			"网络地址上的明文 HTTP 不提供填报页面：popstatd 需以 "
			"HTTPS 运行"
			"（--http-tls-cert、--http-tls-key）。");
		return;
	}
	memset(&c, 0, sizeof c);
	TAILQ_INIT(&form);
	c.req = x->req;
	c.path = x->path;
	c.lang = x->lang;
	c.who = x->who;
	c.csrf = sessions[x->session].csrf;
	c.q = &x->query;
	c.form = &x->query;
	if (evhttp_request_get_command(x->req) == EVHTTP_REQ_POST) {
		if (cross_origin(x)) {
			log_warn("http %s: form posted from another site "
				 "refused",
			    x->peer);
			reply_error(x, 403, "form posted from another site");
			return;
		}
		ctype =
		    evhttp_find_header(evhttp_request_get_input_headers(x->req),
			"Content-Type");
		if (ctype &&
		    strncasecmp(ctype, "multipart/form-data", 19) == 0) {
			if (multipart_boundary(ctype, boundary, err,
				sizeof err) < 0 ||
			    (body = (char *)evbuffer_pullup(in, -1),
				(np = multipart_parse(body ? body : "", n,
				     boundary, parts, MAX_PARTS, err,
				     sizeof err)) < 0)) {
				reply_error(x, 400, err);
				return;
			}
			for (i = 0; i < np; i++) {
				char v[MAX_PARAM_BYTES + 1];

				if (parts[i].is_file ||
				    parts[i].len > MAX_PARAM_BYTES)
					continue;
				memcpy(v, parts[i].data, parts[i].len);
				v[parts[i].len] = '\0';
				if (strcmp(parts[i].name, "csrf") == 0) {
					token = parts[i].data;
					tlen = parts[i].len;
				} else if (utf8_valid(v, parts[i].len))
					evhttp_add_header(&form, parts[i].name,
					    v);
			}
			c.parts = parts;
			c.nparts = np;
		} else {
			if (read_form(x, in, MAX_FORM, &form) < 0)
				return;
			token = evhttp_find_header(&form, "csrf");
			tlen = token ? strlen(token) : 0;
		}
		if (!csrf_ok(token, tlen, c.csrf)) {
			log_warn("http %s: form of %s without its anti-forgery"
				 " token refused",
			    x->peer, x->who.name);
			reply_error(x, 403,
			    x->lang == LANG_EN ?
				"The form's"
				" anti-forgery token is missing or wrong: open "
				"the page"
				" again and repeat." :
				"表单的防伪标记缺失或不符，请重新"
				"打开页面再提交。");
			evhttp_clear_headers(&form);
			return;
		}
		if (evhttp_find_header(&form, "lang") &&
		    strcmp(evhttp_find_header(&form, "lang"), "en") == 0)
			c.lang = LANG_EN;
		c.form = &form;
		c.post = 1;
	}
	web_serve(&c);
	wipe_request(&form, np == 0 ? in : NULL);
	evhttp_clear_headers(&form);
}

/* ---- API ----------------------------------------------------------------- */

static const char *
param(struct hreq *x, const char *name)
{
	const char *v = evhttp_find_header(&x->query, name);

	return v && *v ? v : NULL;
}

static const char *
ytd(char *buf, size_t cap)
{
	char today[11];

	date_format(server_today(), today);
	today[4] = '\0';
	return xsnprintf(buf, cap, "%sYTD", today);
}

/* Serve rq and render its reply with fn into JSON, or the error. */
static void
api_call(struct hreq *x, const Popstat__Request *rq,
    void (*fn)(sbuf *, const Popstat__Response *))
{
	struct req r;
	sbuf b;
	int code;

	if ((code = dispatch_call(&x->who, rq, &r)) != 0) {
		reply_json_error(x, code,
		    r.resp.error ? r.resp.error->message : "internal error");
		req_free(&r);
		return;
	}
	sbuf_init(&b);
	fn(&b, &r.resp);
	req_free(&r);
	reply(x, 200, "application/json; charset=utf-8", &b);
	sbuf_free(&b);
}

static void
json_ranking(sbuf *b, const Popstat__Response *resp)
{
	report_ranking_json(b, resp->ranking);
}

static void
json_status(sbuf *b, const Popstat__Response *resp)
{
	report_status_json(b, resp->status);
}

static void
json_verify(sbuf *b, const Popstat__Response *resp)
{
	report_verify_json(b, resp->verify_report);
}

/*
 * What every query of the API takes: KEY=CODE (required), period (this
 * year to date when absent) and as_of.  Returns 0, or -1 after answering
 * 400.
 */
static int
query_params(struct hreq *x, const char *key, char **code, char **period,
    char **as_of, char *buf, size_t n)
{
	char msg[64];

	if ((*code = (char *)param(x, key)) == NULL) {
		snprintf(msg, sizeof msg, "%s=CODE is required", key);
		reply_json_error(x, 400, msg);
		return -1;
	}
	*period =
	    (char *)(param(x, "period") ? param(x, "period") : ytd(buf, n));
	*as_of = (char *)param(x, "as_of");
	return 0;
}

static void
r_api_ranking(struct hreq *x)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__RankingQuery q = POPSTAT__RANKING_QUERY__INIT;
	char buf[16];

	if (query_params(x, "parent", &q.parent, &q.period, &q.as_of, buf,
		sizeof buf) < 0)
		return;
	q.indicator = (char *)param(x, "indicator");
	rq.body_case = POPSTAT__REQUEST__BODY_RANKING;
	rq.ranking = &q;
	api_call(x, &rq, json_ranking);
}

static void
r_api_status(struct hreq *x)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__StatusQuery q = POPSTAT__STATUS_QUERY__INIT;
	char buf[16];

	if (query_params(x, "unit", &q.unit, &q.period, &q.as_of, buf,
		sizeof buf) < 0)
		return;
	rq.body_case = POPSTAT__REQUEST__BODY_STATUS;
	rq.status = &q;
	api_call(x, &rq, json_status);
}

static void
r_api_verify(struct hreq *x)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__VerifyReport q = POPSTAT__VERIFY_REPORT__INIT;
	char buf[16];

	if (query_params(x, "unit", &q.unit, &q.period, &q.as_of, buf,
		sizeof buf) < 0)
		return;
	rq.body_case = POPSTAT__REQUEST__BODY_VERIFY_REPORT;
	rq.verify_report = &q;
	api_call(x, &rq, json_verify);
}

static void
json_warning(sbuf *b, const Popstat__Response *resp)
{
	report_warning_json(b, resp->warning);
}

static void
json_quality(sbuf *b, const Popstat__Response *resp)
{
	report_quality_json(b, resp->quality);
}

/* /api/warning?parent=CODE[&year=Y][&as_of=D]: `popstat warning --json`. */
static void
r_api_warning(struct hreq *x)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__WarningQuery q = POPSTAT__WARNING_QUERY__INIT;
	const char *y = param(x, "year");
	char *end;
	long v;

	if ((q.parent = (char *)param(x, "parent")) == NULL) {
		reply_json_error(x, 400, "parent=CODE is required");
		return;
	}
	if (y) {
		v = strtol(y, &end, 10);
		if (*y == '\0' || *end != '\0' || v < 1900 || v > 9999) {
			reply_json_error(x, 400,
			    "year: expected a year such as"
			    " 2026");
			return;
		}
		q.has_year = 1;
		q.year = (uint32_t)v;
	}
	q.as_of = (char *)param(x, "as_of");
	rq.body_case = POPSTAT__REQUEST__BODY_WARNING;
	rq.warning = &q;
	api_call(x, &rq, json_warning);
}

/*
 * /api/quality?parent=CODE[&period=P][&as_of=D]: `popstat quality
 * --json`; record ids only for those with record-level access (never
 * for an anonymous visitor).
 */
static void
r_api_quality(struct hreq *x)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__QualityQuery q = POPSTAT__QUALITY_QUERY__INIT;
	char buf[16];

	if (query_params(x, "parent", &q.parent, &q.period, &q.as_of, buf,
		sizeof buf) < 0)
		return;
	rq.body_case = POPSTAT__REQUEST__BODY_QUALITY;
	rq.quality = &q;
	api_call(x, &rq, json_quality);
}

/* ---- operations ---------------------------------------------------------- */

static void
r_healthz(struct hreq *x)
{
	if (srv.shutting_down)
		reply_text(x, 503, "text/plain; charset=utf-8",
		    "shutting down\n");
	else
		reply_text(x, 200, "text/plain; charset=utf-8", "ok\n");
}

static void
r_metrics(struct hreq *x)
{
	sbuf b;

	sbuf_init(&b);
	metrics_render(&b);
	reply(x, 200, "text/plain; version=0.0.4; charset=utf-8", &b);
	sbuf_free(&b);
}

static const struct route routes[] = {
	{ "/", R_PUBLIC, r_home },
	{ "/ranking", R_PUBLIC, r_ranking },
	{ "/unit", R_PUBLIC, r_unit },
	{ "/bulletins", R_PUBLIC, r_bulletins },
	{ "/bulletin", R_PUBLIC, r_bulletin },
	{ "/login", R_OPEN | R_POST, r_login },
	{ "/logout", R_OPEN | R_POST, r_logout },
	{ "/entry", R_WRITE | R_POST, r_web },
	{ "/amend", R_WRITE | R_POST, r_web },
	{ "/void", R_WRITE | R_POST, r_web },
	{ "/report", R_WRITE | R_POST, r_web },
	{ "/task", R_WRITE | R_POST, r_web },
	{ "/upload", R_WRITE | R_POST, r_web },
	{ "/upload/rejected", R_WRITE, r_web },
	{ "/api/ranking", R_API | R_PUBLIC, r_api_ranking },
	{ "/api/status", R_API | R_PUBLIC, r_api_status },
	{ "/api/verify-report", R_API, r_api_verify },
	{ "/api/warning", R_API | R_PUBLIC, r_api_warning },
	{ "/api/quality", R_API | R_PUBLIC, r_api_quality },
	{ "/healthz", R_OPEN, r_healthz },
	{ "/metrics", R_API, r_metrics },
};

/* ---- the request callback ------------------------------------------------ */

static int
params_ok(struct hreq *x)
{
	const struct evkeyval *kv;
	int n = 0;

	for (kv = x->query.tqh_first; kv; kv = kv->next.tqe_next) {
		size_t k = strlen(kv->key), v = strlen(kv->value);

		if (++n > MAX_PARAMS || k > 32 || v > MAX_PARAM_BYTES ||
		    !utf8_valid(kv->key, k) || !utf8_valid(kv->value, v))
			return 0;
	}
	return 1;
}

/* a and b name the same IP address (however each is written). */
static int
same_address(const char *a, const char *b)
{
	unsigned char x[16], y[16];

	if (inet_pton(AF_INET, a, x) == 1)
		return inet_pton(AF_INET, b, y) == 1 && memcmp(x, y, 4) == 0;
	if (inet_pton(AF_INET6, a, x) == 1)
		return inet_pton(AF_INET6, b, y) == 1 && memcmp(x, y, 16) == 0;
	return strcmp(a, b) == 0;
}

/*
 * Behind the reverse proxy named by --http-trusted-proxy, the peer is
 * the client the proxy says it forwards: the last address of
 * X-Forwarded-For, which that proxy appended.  From any other peer the
 * header is ignored, as it is when no proxy is configured: anybody can
 * send one, and believing it would let a client choose the address its
 * failed logins are counted against.
 */
static void
forwarded_peer(struct hreq *x)
{
	const char *xff, *last;
	char a[INET6_ADDRSTRLEN + 1];
	unsigned char b[16];
	size_t n;

	if (srv.set.http_trusted_proxy == NULL ||
	    !same_address(x->peer, srv.set.http_trusted_proxy))
		return;
	xff = evhttp_find_header(evhttp_request_get_input_headers(x->req),
	    "X-Forwarded-For");
	if (xff == NULL)
		return;
	last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	last += strspn(last, " \t");
	n = strcspn(last, " \t");
	if (n == 0 || n >= sizeof a)
		return;
	memcpy(a, last, n);
	a[n] = '\0';
	if (inet_pton(AF_INET, a, b) == 1 || inet_pton(AF_INET6, a, b) == 1)
		xsnprintf(x->peer, sizeof x->peer, "%s", a);
}

static void
on_request(struct evhttp_request *req, void *arg)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	const char *q, *lang;
	char *addr = NULL;
	ev_uint16_t port = 0;
	struct hreq x;
	size_t i;

	(void)arg;
	deadline_renew(req);
	memset(&x, 0, sizeof x);
	x.req = req;
	x.session = -1;
	TAILQ_INIT(&x.query);
	if (evcon)
		evhttp_connection_get_peer(evcon, &addr, &port);
	xsnprintf(x.peer, sizeof x.peer, "%s", addr ? addr : "?");
	forwarded_peer(&x);
	x.path = uri ? evhttp_uri_get_path(uri) : NULL;
	if (x.path == NULL || *x.path == '\0')
		x.path = "/";
	for (i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if (strcmp(routes[i].path, x.path) == 0)
			x.route = &routes[i];
	if (strlen(evhttp_request_get_uri(req)) > MAX_URI) {
		x.path = "(long)";
		reply_text(&x, 414, "text/plain; charset=utf-8",
		    "URI too long\n");
		return;
	}
	q = uri ? evhttp_uri_get_query(uri) : NULL;
	if (q && (evhttp_parse_query_str(q, &x.query) < 0 || !params_ok(&x))) {
		reply_error(&x, 400, "malformed query string");
		goto out;
	}
	lang = evhttp_find_header(&x.query, "lang");
	x.lang = lang && strcmp(lang, "en") == 0 ? LANG_EN : LANG_ZH;
	if (x.route == NULL) {
		if (strncmp(x.path, "/api/", 5) == 0)
			reply_json_error(&x, 404, "no such API endpoint");
		else
			reply_error(&x, 404,
			    x.lang == LANG_EN ? "No such page." :
						"没有这个页面。");
		goto out;
	}
	if (!(cmd == EVHTTP_REQ_GET || cmd == EVHTTP_REQ_HEAD ||
		(cmd == EVHTTP_REQ_POST && (x.route->flags & R_POST)))) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow",
		    x.route->flags & R_POST ? "GET, HEAD, POST" : "GET, HEAD");
		reply_error(&x, 405, "method not allowed");
		goto out;
	}
	if (!(x.route->flags & R_OPEN) && authenticate(&x) < 0)
		goto out;
	x.route->fn(&x);
out:
	evhttp_clear_headers(&x.query);
}

/* ---- connections: cap, deadline, EMFILE ------------------------------ */

/*
 * The descriptor budget: the dashboard may hold at most half of what
 * RLIMIT_NOFILE leaves after FD_RESERVE, so a flood of dashboard
 * connections leaves the protocol listener and sqlite theirs.
 */
static int
cap_setup(void)
{
	struct rlimit rl;
	long avail;

	fd_cap = 1000000;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY) {
		avail = (long)rl.rlim_cur - FD_RESERVE;
		if (avail < 8) {
			log_error("--http: only %ld descriptors "
				  "(RLIMIT_NOFILE):"
				  " too few to serve the dashboard beside the "
				  "protocol;"
				  " raise the limit (ulimit -n, LimitNOFILE=)",
			    (long)rl.rlim_cur);
			return -1;
		}
		fd_cap = avail / 2;
	}
	if (fd_cap < srv.set.http_max_connections)
		log_warn("http-max-connections %ld lowered to %ld: the"
			 " descriptor limit is %ld and %d of them, then half "
			 "of the"
			 " rest, are kept for the protocol and sqlite",
		    srv.set.http_max_connections, fd_cap, (long)rl.rlim_cur,
		    FD_RESERVE);
	return 0;
}

static long
http_cap(void)
{
	return srv.set.http_max_connections < fd_cap ?
	    srv.set.http_max_connections :
	    fd_cap;
}

/*
 * A warning that can repeat at the rate of a flood: logged at most once
 * every LOG_EVERY seconds, with the count of the ones left out.
 */
struct ratelog {
	time_t last;
	long skipped;
};

static int
ratelog_ok(struct ratelog *r, long *skipped)
{
	time_t now = time(NULL);

	if (r->last && now - r->last < LOG_EVERY) {
		r->skipped++;
		return 0;
	}
	r->last = now;
	*skipped = r->skipped;
	r->skipped = 0;
	return 1;
}

static void
listener_update(void)
{
	int off = hpaused || herror_paused || srv.shutting_down;

	if (hlistener == NULL)
		return;
	if (off)
		evconnlistener_disable(hlistener);
	else
		evconnlistener_enable(hlistener);
}

static void
hconn_unlink(struct hconn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		hconns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	nhconns--;
	if (hpaused && nhconns < http_cap()) {
		hpaused = 0;
		listener_update();
	}
}

/* evhttp closes the connection (its descriptor goes now). */
static void
on_close(struct evhttp_connection *evcon, void *arg)
{
	struct hconn *c = arg;

	evhttp_connection_set_closecb(evcon, NULL, NULL);
	hconn_unlink(c);
	if (c->deadline)
		event_free(c->deadline);
	free(c);
}

static void
deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hconn *c = arg;
	char *addr = NULL;
	ev_uint16_t port = 0;

	(void)fd;
	(void)what;
	evhttp_connection_get_peer(c->evcon, &addr, &port);
	log_info("http %s: dropped: a request was not complete within %ld s",
	    addr ? addr : "?", srv.set.http_request_timeout);
	metrics_http_request("other", 408);
	evhttp_connection_free(c->evcon); /* runs on_close, frees c */
}

static void
deadline_arm(struct hconn *c)
{
	struct timeval t = { srv.set.http_request_timeout, 0 };

	evtimer_add(c->deadline, &t);
}

/*
 * After the accept callback: evhttp has set up each new connection, and
 * its bufferevent's callback argument is the evhttp_connection.  One
 * evhttp freed already (an error while setting up) is let go.
 */
static void
adopt(evutil_socket_t fd, short what, void *arg)
{
	struct hconn *c, *next;
	bufferevent_data_cb rcb;
	void *cbarg;

	(void)fd;
	(void)what;
	(void)arg;
	for (c = hconns; c; c = next) {
		next = c->next;
		if (c->evcon)
			continue;
		bufferevent_getcb(c->bev, &rcb, NULL, NULL, &cbarg);
		if (rcb == NULL) {
			hconn_unlink(c);
			bufferevent_decref(c->bev);
			free(c);
			continue;
		}
		c->evcon = cbarg;
		c->deadline = evtimer_new(srv.base, deadline_cb, c);
		evhttp_connection_set_closecb(c->evcon, on_close, c);
		deadline_arm(c);
		bufferevent_decref(c->bev); /* evhttp's alone now */
	}
}

/* evhttp accepted a connection and asks for its bufferevent. */
static struct bufferevent *
new_bev(struct event_base *base, void *arg)
{
	static struct ratelog rl;
	struct hconn *c;
	long skipped;

	(void)arg;
	c = xcalloc(1, sizeof *c);
	if (https_ctx) {
		/* HTTPS: the TLS handshake, then HTTP as before. */
		SSL *ssl = SSL_new(https_ctx);

		c->bev = ssl ?
		    bufferevent_openssl_socket_new(base, -1, ssl,
			BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE) :
		    NULL;
	} else
		c->bev =
		    bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		free(c);
		return NULL;
	}
	bufferevent_incref(c->bev); /* until adopted */
	c->next = hconns;
	if (hconns)
		hconns->prev = c;
	hconns = c;
	nhconns++;
	event_active(adopt_ev, 0, 0);
	if (nhconns >= http_cap() && !hpaused) {
		if (ratelog_ok(&rl, &skipped))
			log_warn("http-max-connections (%ld) reached: the"
				 " dashboard accepts no more until one closes",
			    http_cap());
		hpaused = 1;
		listener_update();
	}
	return c->bev;
}

/* A request is complete: the next one on this connection gets its own
 * deadline (which also bounds sending this reply). */
static void
deadline_renew(struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct hconn *c;

	for (c = hconns; c; c = c->next)
		if (c->evcon == evcon && evcon) {
			deadline_arm(c);
			return;
		}
}

static void
rearm(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	herror_paused = 0;
	listener_update();
}

/*
 * Out of descriptors (or memory): the pending connection stays queued and
 * the listener would fire again at once, so pause it and re-arm it from a
 * timer; the line is logged at most once every LOG_EVERY seconds.
 */
static void
accept_error(struct evconnlistener *l, void *arg)
{
	static struct ratelog rl;
	struct timeval later = { 0, 200000 };
	int err = EVUTIL_SOCKET_ERROR();
	long skipped;

	(void)l;
	(void)arg;
	if (ratelog_ok(&rl, &skipped))
		log_warn("http accept: %s; pausing the dashboard for 200 ms"
			 " (%ld more since the last line)",
		    evutil_socket_error_to_string(err), skipped);
	if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
		herror_paused = 1;
		listener_update();
		event_add(hrearm_ev, &later);
	}
}

/* ---- start and stop ------------------------------------------------------ */

static int
https_setup(void)
{
	https_ctx = SSL_CTX_new(TLS_server_method());
	if (https_ctx == NULL ||
	    SSL_CTX_set_min_proto_version(https_ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_use_certificate_chain_file(https_ctx,
		srv.set.http_tls_cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(https_ctx, srv.set.http_tls_key,
		SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(https_ctx) != 1) {
		char e[256];

		ERR_error_string_n(ERR_get_error(), e, sizeof e);
		log_error("dashboard TLS: cannot use %s / %s: %s",
		    srv.set.http_tls_cert, srv.set.http_tls_key, e);
		if (https_ctx)
			SSL_CTX_free(https_ctx);
		https_ctx = NULL;
		return -1;
	}
	return 0;
}

int
http_start(const char *addr)
{
	struct evhttp_bound_socket *bound;
	struct addrinfo hints, *res = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char host[256], h[NI_MAXHOST], p[NI_MAXSERV], port[NI_MAXSERV], *end;
	long portnum;
	int rc;

	if (addr_split(addr, host, sizeof host, port, sizeof port) < 0) {
		log_error("--http %s: expected HOST:PORT", addr);
		return -1;
	}
	portnum = strtol(port, &end, 10);
	if (*port == '\0' || *end != '\0' || portnum < 0 || portnum > 65535) {
		log_error("--http %s: bad port", addr);
		return -1;
	}
	if (!srv.set.http_tls_cert != !srv.set.http_tls_key) {
		log_error("--http-tls-cert and --http-tls-key go together");
		return -1;
	}
	if (srv.set.http_tls_cert && https_setup() < 0)
		return -1;
	http_headers_hsts(https_ctx != NULL);
	if (cap_setup() < 0)
		return -1;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host[0] ? host : "0.0.0.0", port, &hints,
		 &res)) != 0) {
		log_error("--http %s: %s", addr, gai_strerror(rc));
		return -1;
	}
	http = evhttp_new(srv.base);
	evhttp_set_max_headers_size(http, MAX_HEADERS);
	/* libevent refuses a larger Content-Length (413) before reading. */
	evhttp_set_max_body_size(http,
	    srv.set.http_max_upload > MAX_FORM ? srv.set.http_max_upload :
						 MAX_FORM);
	evhttp_set_timeout(http, INACTIVITY_TIMEOUT);
	/* Every method reaches on_request, which answers 405 itself. */
	evhttp_set_allowed_methods(http,
	    EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
		EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS |
		EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
	evhttp_set_gencb(http, on_request, NULL);
	evhttp_set_bevcb(http, new_bev, NULL);
	hlistener = evconnlistener_new_bind(srv.base, NULL, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
	    128, res->ai_addr, (int)res->ai_addrlen);
	freeaddrinfo(res);
	bound = hlistener ? evhttp_bind_listener(http, hlistener) : NULL;
	if (bound == NULL) {
		log_error("--http %s: cannot listen there: %s", addr,
		    strerror(errno));
		if (hlistener && !bound)
			evconnlistener_free(hlistener);
		hlistener = NULL;
		evhttp_free(http);
		http = NULL;
		return -1;
	}
	evconnlistener_set_error_cb(hlistener, accept_error);
	hrearm_ev = evtimer_new(srv.base, rearm, NULL);
	adopt_ev = event_new(srv.base, -1, 0, adopt, NULL);
	getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&ss,
	    &sl);
	getnameinfo((struct sockaddr *)&ss, sl, h, sizeof h, p, sizeof p,
	    NI_NUMERICHOST | NI_NUMERICSERV);
	http_loopback = strncmp(h, "127.", 4) == 0 || strcmp(h, "::1") == 0;
	if (!http_loopback && https_ctx == NULL)
		log_warn("dashboard on %s without TLS: a token typed into the"
			 " login form crosses the network in clear, and the "
			 "entry"
			 " pages are refused; give --http-tls-cert and "
			 "--http-tls-key"
			 " (or put an HTTPS proxy on 127.0.0.1 in front of it)",
		    h);
	log_info("dashboard listening on %s://%s%s%s:%s/%s",
	    https_ctx ? "https" : "http", strchr(h, ':') ? "[" : "", h,
	    strchr(h, ':') ? "]" : "", p,
	    srv.set.http_public ? " (aggregate pages public)" : "");
	sessions_gauge();
	return 0;
}

void
http_stop(void)
{
	struct hconn *c;

	if (http)
		evhttp_free(http); /* every connection's closecb runs */
	http = NULL;
	hlistener = NULL;              /* freed with its bound socket */
	while ((c = hconns) != NULL) { /* made but never adopted */
		hconns = c->next;
		bufferevent_decref(c->bev);
		free(c);
	}
	nhconns = 0;
	if (hrearm_ev)
		event_free(hrearm_ev);
	if (adopt_ev)
		event_free(adopt_ev);
	hrearm_ev = adopt_ev = NULL;
	if (https_ctx)
		SSL_CTX_free(https_ctx);
	https_ctx = NULL;
	http_headers_hsts(0);
	memset(sessions, 0, sizeof sessions);
}
