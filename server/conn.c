/*
 * conn.c - the listener and the connections.
 *
 * Each connection is a small state machine:
 *
 *   READING   frames are read and served, at most requests_per_turn per
 *             loop turn so one busy client cannot starve the others;
 *   WAITING   a write request was applied inside the open transaction; its
 *             reply is held, and no further request of this connection is
 *             read, until the group commit has made it durable;
 *   CLOSING   a reply that ends the connection is being flushed.
 *
 * A write's reply is held by the group commit (commit.h) and sent by
 * committed() once the commit is durable: nothing is acknowledged before.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "addr.h"
#include "commit.h"
#include "frame.h"
#include "log.h"
#include "metrics.h"
#include "popstatd.h"
#include "rcache.h"
#include "sbuf.h"
#include "session.h"
#include "wirescan.h"

enum conn_state { CONN_READING, CONN_WAITING, CONN_CLOSING };

struct conn {
	struct bufferevent *bev;
	enum conn_state state;
	struct session sess; /* who it is (session.h) */
	uint8_t *held;       /* reply held until commit */
	size_t held_len;
	uint64_t held_id;
	struct event *more; /* re-runs the reader after a fair share */
	struct conn *prev, *next;
	struct commit_hold hold; /* while WAITING: the held reply's commit */
	int eof;     /* the peer closed its side: finish, then close */
	int abandon; /* drop without flushing (it does not read) */
	int tls;     /* the bufferevent speaks TLS */
	struct event *frame_timer; /* a frame begun must complete in time */
};

static struct evconnlistener *listener;
static struct conn *conns;
static struct event *drain_ev;
static int nconns;
static struct timeval shutdown_started;
static struct event *rearm_ev; /* re-enables accepting after EMFILE */
static SSL_CTX *tls_ctx;       /* set when serving TLS */
static int accepting_paused;   /* listener disabled at max_connections */

/* A sync failed and the server stops: accept no one more. */
static void
stop_accepting(void)
{
	if (listener)
		evconnlistener_disable(listener);
}

/* Seconds a closing connection may take to read its last replies. */
#define CLOSE_LINGER 10

static void conn_read_frames(struct conn *c);

static void
conn_free(struct conn *c)
{
	commit_forget(&c->hold); /* a pending write still commits */
	session_close(&c->sess);
	if (c->prev)
		c->prev->next = c->next;
	else
		conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	nconns--;
	metrics_conn_closed();
	log_debug("%s: connection closed", c->sess.peer);
	bufferevent_free(c->bev);
	event_free(c->more);
	event_free(c->frame_timer);
	if (accepting_paused && nconns < srv.set.max_connections &&
	    !srv.shutting_down) {
		accepting_paused = 0;
		evconnlistener_enable(listener);
	}
	free(c->held);
	free(c);
}

/*
 * A plain TCP connection with nothing queued is written to at once: the
 * reply leaves in this turn, without an EPOLLOUT round trip (two epoll_ctl
 * calls and a loop turn a reply).  Returns the bytes written, 0 when the
 * caller must queue everything (TLS, data already queued, a full socket or
 * an error, which the bufferevent then meets and reports).  Queued output
 * leaves in a later turn, after the end-of-turn log flush (main.c).
 */
static size_t
write_now(struct conn *c, struct iovec *iov, int n)
{
	struct msghdr m;
	ssize_t w;

	if (c->tls || evbuffer_get_length(bufferevent_get_output(c->bev)) > 0)
		return 0;
	log_flush(); /* a request's log line is out before its reply */
	memset(&m, 0, sizeof m);
	m.msg_iov = iov;
	m.msg_iovlen = (size_t)n;
	w = sendmsg(bufferevent_getfd(c->bev), &m, MSG_NOSIGNAL | MSG_DONTWAIT);
	return w > 0 ? (size_t)w : 0;
}

/* Over the cap of queued output: the client does not read; drop it. */
static int
overflowing(struct conn *c)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);

	if ((long)evbuffer_get_length(out) <= srv.set.max_output)
		return 0;
	log_warn("%s: dropped: not reading its replies (%zu bytes queued)",
	    c->sess.peer, evbuffer_get_length(out));
	metrics_conn_dropped("output_overflow");
	c->abandon = 1;
	return 1;
}

/* Send one packed frame: now if it can go at once, else queued. */
static int
conn_send(struct conn *c, const uint8_t *buf, size_t len)
{
	struct iovec iov = { (void *)buf, len };
	size_t sent;

	if (overflowing(c))
		return -1;
	sent = write_now(c, &iov, 1);
	if (sent == len)
		return 0;
	return evbuffer_add(bufferevent_get_output(c->bev), buf + sent,
	    len - sent);
}

/* Pack an envelope carrying resp into a malloc'ed frame. */
static uint8_t *
pack_reply(uint64_t id, Popstat__Response *resp, size_t *len)
{
	Popstat__Envelope env = POPSTAT__ENVELOPE__INIT;
	uint8_t *buf;
	size_t n;

	env.version = PROTOCOL_VERSION;
	env.request_id = id;
	env.msg_case = POPSTAT__ENVELOPE__MSG_RESPONSE;
	env.response = resp;
	n = popstat__envelope__get_packed_size(&env);
	buf = xmalloc(n + FRAME_HEADER);
	frame_put_len(buf, (uint32_t)n);
	popstat__envelope__pack(&env, buf + FRAME_HEADER);
	*len = n + FRAME_HEADER;
	return buf;
}

static void
send_error(struct conn *c, uint64_t id, Popstat__ErrorCode code,
    const char *msg, int close_after)
{
	Popstat__Response resp = POPSTAT__RESPONSE__INIT;
	Popstat__Error err = POPSTAT__ERROR__INIT;
	uint8_t *buf;
	size_t len;

	err.code = code;
	err.message = (char *)msg;
	resp.body_case = POPSTAT__RESPONSE__BODY_ERROR;
	resp.error = &err;
	buf = pack_reply(id, &resp, &len);
	conn_send(c, buf, len);
	free(buf);
	if (close_after)
		c->state = CONN_CLOSING;
}

/* A kept reply's bytes have left the output buffer. */
static void
unhold(const void *data, size_t len, void *kept)
{
	(void)data;
	(void)len;
	rcache_release(kept);
}

/*
 * Send a kept reply without copying it: the frame's head, then the kept
 * bytes, written at once when they can be; what is left is queued as a
 * reference to the kept bytes, held until libevent has sent them.
 */
static int
send_kept(struct conn *c, uint64_t id, const uint8_t *resp, size_t n)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	uint8_t head[FRAME_RESPONSE_HEAD];
	size_t h = frame_response_head(id, n, head), sent;
	struct iovec iov[2] = { { head, h }, { (void *)resp, n } };

	if (overflowing(c))
		return -1;
	sent = write_now(c, iov, 2);
	if (sent == h + n)
		return 0;
	if (sent < h) {
		if (evbuffer_add(out, head + sent, h - sent) < 0)
			return -1;
		sent = h;
	}
	rcache_hold(resp);
	if (evbuffer_add_reference(out, resp + (sent - h), n - (sent - h),
		unhold, (void *)resp) < 0) {
		rcache_release(resp);
		return -1;
	}
	return 0;
}

/*
 * Answer a cacheable read: the kept reply when there is one, else the
 * handler's, packed once and kept unless it is an error.  The key is who
 * asks (their scope decides what they may read), the server's today (for
 * YTD periods), and the request as packed.  A kept reply is sent here
 * (NULL is returned); a reply that is not kept is returned as a frame.
 */
static uint8_t *
serve_cached(struct conn *c, struct req *r, const char *name, size_t *len)
{
	struct {
		int64_t user;
		int32_t role, unit, today;
	} h;
	size_t klen, n;
	uint8_t *key, *resp, *buf;
	const uint8_t *kept;
	int is_write;

	memset(&h, 0, sizeof h);
	h.user = c->sess.who.user_id;
	h.role = c->sess.who.role;
	h.unit = c->sess.who.unit;
	h.today = server_today();
	klen = sizeof h + popstat__request__get_packed_size(r->rq);
	key = xmalloc(klen);
	memcpy(key, &h, sizeof h);
	popstat__request__pack(r->rq, key + sizeof h);
	if ((kept = rcache_get(key, klen, &n)) != NULL) {
		metrics_request(name);
	} else {
		dispatch(r, &is_write);
		n = popstat__response__get_packed_size(&r->resp);
		resp = xmalloc(n ? n : 1);
		popstat__response__pack(&r->resp, resp);
		if (r->resp.body_case != POPSTAT__RESPONSE__BODY_ERROR)
			kept = rcache_put(key, klen, resp, n);
		if (kept == NULL) { /* an error, or too large to keep */
			buf = frame_response(r->id, resp, n, len);
			free(resp);
			free(key);
			return buf;
		}
		free(resp);
	}
	free(key);
	if (send_kept(c, r->id, kept, n) < 0)
		c->state = CONN_CLOSING;
	*len = 0;
	return NULL; /* sent */
}

/*
 * The commit holding c's write is durable (err NULL) or failed: send the
 * held reply (or err instead) and read on.
 */
static void
committed(struct commit_hold *h, const char *err)
{
	struct conn *c =
	    (struct conn *)((char *)h - offsetof(struct conn, hold));

	if (err)
		send_error(c, c->held_id, POPSTAT__ERROR_CODE__ERR_INTERNAL,
		    err, 0);
	else if (conn_send(c, c->held, c->held_len) < 0)
		c->state = CONN_CLOSING;
	free(c->held);
	c->held = NULL;
	if (c->state == CONN_WAITING)
		c->state = CONN_READING;
	conn_read_frames(c);
}

/* Serve one decoded envelope. */
static void
serve(struct conn *c, Popstat__Envelope *env)
{
	struct req r;
	uint8_t *buf;
	size_t len;
	int is_write = 0;
	const struct handler *h;

	if (env->version != PROTOCOL_VERSION) {
		char msg[128];

		xsnprintf(msg, sizeof msg,
		    "protocol version %u is not supported;"
		    " this server speaks version %d",
		    env->version, PROTOCOL_VERSION);
		log_warn("%s: dropped: %s", c->sess.peer, msg);
		metrics_conn_dropped("version");
		send_error(c, env->request_id, POPSTAT__ERROR_CODE__ERR_VERSION,
		    msg, 1);
		return;
	}
	if (env->msg_case != POPSTAT__ENVELOPE__MSG_REQUEST) {
		send_error(c, env->request_id,
		    POPSTAT__ERROR_CODE__ERR_BAD_REQUEST, "expected a request",
		    1);
		return;
	}
	if (srv.shutting_down) {
		send_error(c, env->request_id,
		    POPSTAT__ERROR_CODE__ERR_UNAVAILABLE,
		    "the server is shutting down; try again shortly", 1);
		return;
	}
	memset(&r, 0, sizeof r);
	r.sess = &c->sess;
	r.id = env->request_id;
	r.rq = env->request;
	r.who = c->sess.authed ? &c->sess.who : NULL;
	popstat__response__init(&r.resp);

	h = handler_find(env->request->body_case);
	if (!c->sess.authed && (h == NULL || !(h->flags & REQ_PREAUTH))) {
		req_error(&r, POPSTAT__ERROR_CODE__ERR_UNAUTHENTICATED,
		    "not authenticated: send Hello with a token first; closing"
		    " the connection");
		metrics_conn_dropped("unauthenticated");
		c->state = CONN_CLOSING;
	} else if (h != NULL && (h->flags & REQ_CACHEABLE)) {
		buf = serve_cached(c, &r, h->name, &len);
		req_free(&r);
		if (buf == NULL)
			return;
		goto send;
	} else {
		dispatch(&r, &is_write);
		if (c->sess.end) /* Hello refused: close once it is sent */
			c->state = CONN_CLOSING;
	}
	buf = pack_reply(r.id, &r.resp, &len);
	req_free(&r);
	if (is_write) {
		c->held = buf;
		c->held_len = len;
		c->held_id = r.id;
		c->state = CONN_WAITING;
		commit_hold(&c->hold, committed);
		return;
	}
send:
	if (conn_send(c, buf, len) < 0)
		c->state = CONN_CLOSING;
	free(buf);
}

/*
 * A Submit's rows counted in the frame's bytes, before protobuf-c unpacks
 * them all (a 4 MiB frame of empty rows would cost some 165 MB): over
 * --max-rows, it is refused unread and the connection reads on.  Each
 * row takes at least 2 bytes, so a smaller frame is not scanned.
 * Malformed bytes are left to the unpacker.  Returns 1 when refused.
 */
static int
too_many_rows(struct conn *c, const uint8_t *body, uint32_t len)
{
	static const uint32_t path[] = { 3, 7 }; /* request, submit */
	uint64_t id = 0;
	char msg[128];
	long n;

	if ((long)len < 2 * (srv.set.max_rows + 1))
		return 0;
	n = wirescan_count(body, len, path, 2, 2);
	if (n <= srv.set.max_rows)
		return 0;
	wirescan_uint(body, len, 2, &id);
	xsnprintf(msg, sizeof msg,
	    "batch of %ld rows is over the limit of %ld"
	    " rows (max_rows)",
	    n, srv.set.max_rows);
	log_warn("%s: refused unread: %s", c->sess.peer, msg);
	send_error(c, id, POPSTAT__ERROR_CODE__ERR_TOO_LARGE, msg, 0);
	return 1;
}

/* Zero the mother_ids of a Submit before its memory is freed. */
static void
wipe_mother_ids(Popstat__Envelope *env)
{
	Popstat__Submit *s;
	size_t i;

	if (env->request == NULL ||
	    env->request->body_case != POPSTAT__REQUEST__BODY_SUBMIT)
		return;
	s = env->request->submit;
	for (i = 0; s && i < s->n_rows; i++)
		if (s->rows[i]->mother_id)
			explicit_bzero(s->rows[i]->mother_id,
			    strlen(s->rows[i]->mother_id));
}

static void
conn_read_frames(struct conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	Popstat__Envelope *env;
	uint8_t hdr[FRAME_HEADER], *body;
	uint32_t len;
	long served = 0;
	int rc;

	while (c->state == CONN_READING) {
		if (evbuffer_get_length(in) < FRAME_HEADER)
			break;
		evbuffer_copyout(in, hdr, FRAME_HEADER);
		rc = frame_get_len(hdr, (uint32_t)srv.set.max_frame, &len);
		if (rc != FRAME_OK) {
			char msg[128];

			xsnprintf(msg, sizeof msg,
			    rc == FRAME_EMPTY ?
				"empty frame" :
				"frame of %u bytes is over the limit"
				" of %ld bytes",
			    len, srv.set.max_frame);
			log_warn("%s: dropped: %s", c->sess.peer, msg);
			metrics_conn_dropped(rc == FRAME_EMPTY ?
				"empty_frame" :
				"frame_too_large");
			send_error(c, 0,
			    rc == FRAME_EMPTY ?
				POPSTAT__ERROR_CODE__ERR_BAD_REQUEST :
				POPSTAT__ERROR_CODE__ERR_TOO_LARGE,
			    msg, 1);
			break;
		}
		if (evbuffer_get_length(in) < FRAME_HEADER + (size_t)len)
			break;
		if (served == srv.set.requests_per_turn) {
			/* Fair share used: come back after the others. */
			event_active(c->more, 0, 0);
			return;
		}
		evbuffer_drain(in, FRAME_HEADER);
		body = evbuffer_pullup(in, len);
		if (too_many_rows(c, body, len)) {
			evbuffer_drain(in, len);
			evtimer_del(c->frame_timer);
			served++;
			continue;
		}
		env = popstat__envelope__unpack(NULL, len, body);
		/* The frame may carry mother_ids: not left in freed memory. */
		explicit_bzero(body, len);
		evbuffer_drain(in, len);
		evtimer_del(c->frame_timer);
		served++;
		if (env == NULL) {
			log_warn("%s: dropped: unparsable envelope",
			    c->sess.peer);
			metrics_conn_dropped("unparsable");
			send_error(c, 0, POPSTAT__ERROR_CODE__ERR_BAD_REQUEST,
			    "unparsable envelope", 1);
			break;
		}
		serve(c, env);
		wipe_mother_ids(env);
		popstat__envelope__free_unpacked(env, NULL);
	}
	/* A frame begun must be complete within idle_timeout: no slow drip. */
	if (c->state == CONN_READING && evbuffer_get_length(in) > 0) {
		if (!evtimer_pending(c->frame_timer, NULL)) {
			struct timeval t = { srv.set.idle_timeout, 0 };

			evtimer_add(c->frame_timer, &t);
		}
	} else
		evtimer_del(c->frame_timer);
	if (c->eof && c->state == CONN_READING)
		c->state = CONN_CLOSING;
	if (c->state == CONN_CLOSING) {
		struct timeval linger = { CLOSE_LINGER, 0 };

		bufferevent_disable(c->bev, EV_READ);
		if (c->abandon ||
		    evbuffer_get_length(bufferevent_get_output(c->bev)) == 0) {
			conn_free(c);
			return;
		}
		/* A peer that stops reading cannot hold the slot for ever. */
		bufferevent_set_timeouts(c->bev, NULL, &linger);
	}
}

static void
frame_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	log_info("%s: dropped: a frame was not completed within %ld s",
	    c->sess.peer, srv.set.idle_timeout);
	metrics_conn_dropped("frame_timeout");
	conn_free(c);
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	conn_read_frames(arg);
}

static void
more_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	conn_read_frames(arg);
}

static void
write_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	if (c->state == CONN_CLOSING &&
	    evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		conn_free(c);
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		return; /* the TLS handshake is done */
	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR)) {
		/*
		 * A half-close: serve the complete requests already received
		 * and send their replies before closing.  A connection waiting
		 * for its commit goes on once the commit is done.
		 */
		c->eof = 1;
		if (c->state != CONN_WAITING)
			conn_read_frames(c);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT) {
		log_info("%s: dropped: %s", c->sess.peer,
		    (what & BEV_EVENT_WRITING) ?
			"did not read its replies in time" :
			"idle too long");
		metrics_conn_dropped((what & BEV_EVENT_WRITING) ?
			"write_timeout" :
			"idle_timeout");
	} else if (what & BEV_EVENT_ERROR)
		log_debug("%s: connection error: %s", c->sess.peer,
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	/* A pending write still commits; only its reply is lost. */
	conn_free(c);
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct conn *c;
	struct timeval idle;
	char host[NI_MAXHOST], port[NI_MAXSERV];

	(void)arg;
	c = xcalloc(1, sizeof *c);
	if (getnameinfo(sa, (socklen_t)salen, host, sizeof host, port,
		sizeof port, NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
		xsnprintf(c->sess.peer, sizeof c->sess.peer, "%s:%s", host,
		    port);
		xsnprintf(c->sess.addr, sizeof c->sess.addr, "%s", host);
	} else
		xsnprintf(c->sess.peer, sizeof c->sess.peer, "?");
	/*
	 * Every reply is queued whole: Nagle would only hold back the last
	 * segment of a large one until the client's (delayed) ACK.
	 */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
	if (tls_ctx) {
		SSL *ssl = SSL_new(tls_ctx);

		c->bev = ssl ?
		    bufferevent_openssl_socket_new(srv.base, fd, ssl,
			BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE) :
		    NULL;
		c->tls = 1;
		if (c->bev == NULL) {
			log_error("%s: cannot start TLS", c->sess.peer);
			if (ssl)
				SSL_free(ssl);
			evutil_closesocket(fd);
			free(c);
			return;
		}
	} else
		c->bev =
		    bufferevent_socket_new(srv.base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev != NULL) {
		c->more = event_new(srv.base, -1, 0, more_cb, c);
		c->frame_timer = evtimer_new(srv.base, frame_timeout_cb, c);
	}
	if (c->bev == NULL || c->more == NULL || c->frame_timer == NULL) {
		/* libevent ran out of memory: refuse this one, serve on. */
		log_error("%s: out of memory for a new connection: closed",
		    c->sess.peer);
		if (c->more)
			event_free(c->more);
		if (c->frame_timer)
			event_free(c->frame_timer);
		if (c->bev)
			bufferevent_free(c->bev); /* closes fd */
		else
			evutil_closesocket(fd);
		free(c);
		return;
	}
	bufferevent_setcb(c->bev, read_cb, write_cb, event_cb, c);
	/* libevent writes 16 KiB per loop turn by default: a ranking of a
	 * thousand units would take a dozen turns to leave. */
	bufferevent_set_max_single_write(c->bev, 1 << 20);
	/* Never buffer more than one frame beyond what is being served. */
	bufferevent_setwatermark(c->bev, EV_READ, 0,
	    (size_t)srv.set.max_frame + FRAME_HEADER);
	idle.tv_sec = srv.set.idle_timeout;
	idle.tv_usec = 0;
	bufferevent_set_timeouts(c->bev, &idle, NULL);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->next = conns;
	if (conns)
		conns->prev = c;
	conns = c;
	session_open(&c->sess);
	nconns++;
	metrics_conn_accepted();
	log_debug("%s: connected", c->sess.peer);
	/* At the limit, stop accepting: newcomers wait in the backlog. */
	if (nconns >= srv.set.max_connections) {
		log_warn("max-connections (%ld) reached: not accepting until a"
			 " connection closes",
		    srv.set.max_connections);
		accepting_paused = 1;
		evconnlistener_disable(l);
	}
}

static void
rearm_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (listener && !srv.shutting_down && !accepting_paused)
		evconnlistener_enable(listener);
}

/*
 * Out of descriptors (or memory): the pending connection stays queued and
 * the listener would fire again at once, so stop accepting and try again
 * from a timer instead of spinning.
 */
static void
accept_error_cb(struct evconnlistener *l, void *arg)
{
	int err = EVUTIL_SOCKET_ERROR();
	struct timeval later = { 0, 200000 };

	(void)arg;
	log_warn("accept: %s; pausing new connections for 200 ms",
	    evutil_socket_error_to_string(err));
	if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
		evconnlistener_disable(l);
		event_add(rearm_ev, &later);
	}
}

static int
addr_is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)
				  ->sin_addr.s_addr) >>
			   24) == 127;
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(
		    &((const struct sockaddr_in6 *)sa)->sin6_addr);
	return 0;
}

/*
 * TLS when --tls-cert and --tls-key are given (TLS 1.2 or later).  Without
 * them, plaintext is refused on anything but a loopback address unless the
 * operator says --insecure-plaintext.
 */
static int
tls_setup(int loopback)
{
	if (!srv.set.tls_cert != !srv.set.tls_key) {
		log_error("--tls-cert and --tls-key go together");
		return -1;
	}
	if (srv.set.tls_cert == NULL) {
		if (!loopback && !srv.set.insecure_plaintext) {
			log_error(
			    "refusing plaintext on a non-loopback address:"
			    " give --tls-cert and --tls-key (or, knowingly,"
			    " --insecure-plaintext)");
			return -1;
		}
		if (!loopback)
			log_warn("serving PLAINTEXT on a non-loopback address"
				 " (--insecure-plaintext): tokens and records "
				 "cross the"
				 " network unencrypted");
		return 0;
	}
	tls_ctx = SSL_CTX_new(TLS_server_method());
	if (tls_ctx == NULL ||
	    SSL_CTX_set_min_proto_version(tls_ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_use_certificate_chain_file(tls_ctx, srv.set.tls_cert) !=
		1 ||
	    SSL_CTX_use_PrivateKey_file(tls_ctx, srv.set.tls_key,
		SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(tls_ctx) != 1) {
		char e[256];

		ERR_error_string_n(ERR_get_error(), e, sizeof e);
		log_error("TLS: cannot use %s / %s: %s", srv.set.tls_cert,
		    srv.set.tls_key, e);
		if (tls_ctx)
			SSL_CTX_free(tls_ctx);
		tls_ctx = NULL;
		return -1;
	}
	log_info("TLS enabled with certificate %s", srv.set.tls_cert);
	return 0;
}

/*
 * Parse "HOST:PORT" (HOST may be [v6]) and listen.  Logs the bound
 * address, so port 0 can be used.
 */
int
conn_listen(const char *addr)
{
	struct addrinfo hints, *res = NULL;
	char host[256], port[NI_MAXSERV];
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char h[NI_MAXHOST], p[NI_MAXSERV];
	int rc, res_is_loopback;

	if (addr_split(addr, host, sizeof host, port, sizeof port) < 0) {
		log_error("--listen %s: expected HOST:PORT", addr);
		return -1;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res)) !=
	    0) {
		log_error("--listen %s: %s", addr, gai_strerror(rc));
		return -1;
	}
	res_is_loopback = addr_is_loopback(res->ai_addr);
	listener = evconnlistener_new_bind(srv.base, accept_cb, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
	    128, res->ai_addr, (int)res->ai_addrlen);
	freeaddrinfo(res);
	if (listener == NULL) {
		log_error("--listen %s: %s", addr, strerror(errno));
		return -1;
	}
	evconnlistener_set_error_cb(listener, accept_error_cb);
	if (tls_setup(res_is_loopback) < 0) {
		evconnlistener_free(listener);
		listener = NULL;
		return -1;
	}
	rearm_ev = evtimer_new(srv.base, rearm_cb, NULL);
	getsockname(evconnlistener_get_fd(listener), (struct sockaddr *)&ss,
	    &sl);
	getnameinfo((struct sockaddr *)&ss, sl, h, sizeof h, p, sizeof p,
	    NI_NUMERICHOST | NI_NUMERICSERV);
	log_info("listening on %s port %s", h, p);
	return commit_start(stop_accepting);
}

static void
drain_check(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c;
	struct timeval now, d;
	int busy = 0;

	(void)fd;
	(void)what;
	(void)arg;
	for (c = conns; c; c = c->next)
		if (c->state == CONN_WAITING ||
		    evbuffer_get_length(bufferevent_get_output(c->bev)) > 0)
			busy = 1;
	if (commit_pending() > 0)
		busy = 1;
	evutil_gettimeofday(&now, NULL);
	evutil_timersub(&now, &shutdown_started, &d);
	if (!busy && !store_in_txn()) {
		event_base_loopexit(srv.base, NULL);
		return;
	}
	if (d.tv_sec >= 5) {
		log_warn("shutdown: gave up waiting for slow clients");
		event_base_loopexit(srv.base, NULL);
	}
}

/*
 * Stop accepting; let the open transaction commit and the replies drain,
 * then leave the loop (at most 5 s for clients that do not read).
 */
void
conn_shutdown(void)
{
	struct timeval tick = { 0, 20000 };

	srv.shutting_down = 1;
	if (listener)
		evconnlistener_disable(listener);
	commit_kick();
	evutil_gettimeofday(&shutdown_started, NULL);
	drain_ev = event_new(srv.base, -1, EV_PERSIST, drain_check, NULL);
	event_add(drain_ev, &tick);
}

void
conn_free_all(void)
{
	while (conns)
		conn_free(conns);
	commit_stop();
	if (listener)
		evconnlistener_free(listener);
	if (drain_ev)
		event_free(drain_ev);
	if (rearm_ev)
		event_free(rearm_ev);
	if (tls_ctx)
		SSL_CTX_free(tls_ctx);
	tls_ctx = NULL;
	listener = NULL;
	drain_ev = rearm_ev = NULL;
}
