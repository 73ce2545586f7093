/*
 * ackfloor.c - the floor of a durable acknowledgement on this machine.
 *
 * A server that speaks popstat's protocol (Hello, Ping and Submit; Hello
 * accepts any token) and does nothing a real server must do (no
 * validation, no database): each Submit's packed rows are appended to a
 * journal and its SubmitOk is held.  Once a loop turn has served what
 * had arrived, the turn's appends are written at once and, in the mode
 * `sync`, fdatasync()ed in the loop (a group commit: one sync covers
 * every Submit of the turn); then the held replies go.  In the mode
 * `nosync` nothing is synced.  make bench drives it with the
 * ack-latency workload (16 connections, one record per Submit, closed
 * loop) to show how much of popstatd's acknowledgement latency any
 * durable design would pay on this machine, and how much is the load
 * pattern itself.
 *
 * The journal is FILE, 64 MiB of zeros written before the port opens, then
 * rewritten in place from its start (wrapping), each batch at the next
 * 4 KiB boundary: an overwrite, the cheapest fdatasync a file system
 * offers (no size or extent change to commit).
 *
 * usage: ackfloor HOST:PORT FILE sync|nosync
 * On SIGTERM it prints one JSON line with the syncs' count and their
 * latency (p50, p99, max) and exits.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchutil.h"
#include "frame.h"
#include "popstat.pb-c.h"

#define JOURNAL_BYTES (64u << 20)
#define MAX_SYNCS (1u << 20)

struct conn {
	struct bufferevent *bev;
	uint8_t *held;            /* the SubmitOk frame, until the sync */
	size_t held_len;
	struct conn *next_held;
};

static struct event_base *base;
static struct event *flush_ev;
static int jfd = -1, do_sync;
static size_t joff;               /* where the next batch goes */
static uint8_t *batch;            /* this turn's appends */
static size_t batch_len, batch_cap;
static struct conn *held;         /* replies waiting for the batch */
static double *syncs;             /* fdatasync durations, ms */
static size_t nsyncs;

static void
die(const char *what)
{
	fprintf(stderr, "ackfloor: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
conn_free(struct conn *c)
{
	struct conn **pp;

	for (pp = &held; *pp; pp = &(*pp)->next_held)
		if (*pp == c) {
			*pp = c->next_held;
			break;
		}
	bufferevent_free(c->bev);
	free(c->held);
	free(c);
}

/* Lowest priority, after the turn's reads: write, sync, release. */
static void
flush_batch(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c;
	double t0;

	(void)fd;
	(void)what;
	(void)arg;
	if (held == NULL)
		return;
	if (joff + batch_len > JOURNAL_BYTES)
		joff = 0;
	if (pwrite(jfd, batch, batch_len, (off_t)joff) != (ssize_t)batch_len)
		die("writing the journal");
	joff += (batch_len + 4095) & ~(size_t)4095;
	batch_len = 0;
	if (do_sync) {
		t0 = bench_now_ms();
		if (fdatasync(jfd) != 0)
			die("fdatasync");
		if (nsyncs < MAX_SYNCS)
			syncs[nsyncs++] = bench_now_ms() - t0;
	}
	while ((c = held) != NULL) {
		held = c->next_held;
		bufferevent_write(c->bev, c->held, c->held_len);
		free(c->held);
		c->held = NULL;
		bufferevent_enable(c->bev, EV_READ);
	}
}

static void
append(const Popstat__Submit *s)
{
	size_t n = popstat__submit__get_packed_size(s);

	if (batch_len + n > batch_cap) {
		batch_cap = 2 * (batch_len + n);
		if ((batch = realloc(batch, batch_cap)) == NULL)
			die("realloc");
	}
	popstat__submit__pack(s, batch + batch_len);
	batch_len += n;
}

/* The reply's whole frame (common/frame.h builds the Envelope). */
static uint8_t *
pack_reply(uint64_t id, const Popstat__Response *resp, size_t *len)
{
	size_t n = popstat__response__get_packed_size(resp);
	uint8_t *body = malloc(n ? n : 1), *frame;

	if (body == NULL)
		die("malloc");
	popstat__response__pack(resp, body);
	frame = frame_response(id, body, n, len);
	free(body);
	return frame;
}

/* One request; 0, or -1 to drop the connection. */
static int
serve(struct conn *c, const uint8_t *body, uint32_t len)
{
	Popstat__Envelope *env = popstat__envelope__unpack(NULL, len, body);
	Popstat__Response resp = POPSTAT__RESPONSE__INIT;
	Popstat__HelloOk hello = POPSTAT__HELLO_OK__INIT;
	Popstat__Pong pong = POPSTAT__PONG__INIT;
	Popstat__SubmitOk ok = POPSTAT__SUBMIT_OK__INIT;
	uint8_t *out;
	size_t n;
	int submit = 0;

	if (env == NULL || env->msg_case != POPSTAT__ENVELOPE__MSG_REQUEST) {
		popstat__envelope__free_unpacked(env, NULL);
		return -1;
	}
	switch (env->request->body_case) {
	case POPSTAT__REQUEST__BODY_HELLO:
		hello.user = "ackfloor";
		hello.role = "clerk";
		hello.server_today = "2026-01-01";
		resp.body_case = POPSTAT__RESPONSE__BODY_HELLO;
		resp.hello = &hello;
		break;
	case POPSTAT__REQUEST__BODY_PING:
		resp.body_case = POPSTAT__RESPONSE__BODY_PONG;
		resp.pong = &pong;
		break;
	case POPSTAT__REQUEST__BODY_SUBMIT:
		append(env->request->submit);
		ok.accepted = (uint32_t)env->request->submit->n_rows;
		resp.body_case = POPSTAT__RESPONSE__BODY_SUBMIT;
		resp.submit = &ok;
		submit = 1;
		break;
	default:
		popstat__envelope__free_unpacked(env, NULL);
		return -1;
	}
	out = pack_reply(env->request_id, &resp, &n);
	popstat__envelope__free_unpacked(env, NULL);
	if (!submit) {
		bufferevent_write(c->bev, out, n);
		free(out);
		return 0;
	}
	/* Held until the batch is written (and synced); read nothing more. */
	c->held = out;
	c->held_len = n;
	c->next_held = held;
	held = c;
	bufferevent_disable(c->bev, EV_READ);
	event_active(flush_ev, 0, 0);
	return 0;
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t hdr[FRAME_HEADER];
	uint32_t len;

	while (c->held == NULL && evbuffer_get_length(in) >= FRAME_HEADER) {
		evbuffer_copyout(in, hdr, FRAME_HEADER);
		if (frame_get_len(hdr, FRAME_MAX_DEFAULT, &len) != FRAME_OK) {
			conn_free(c);
			return;
		}
		if (evbuffer_get_length(in) < FRAME_HEADER + (size_t)len)
			return;
		evbuffer_drain(in, FRAME_HEADER);
		if (serve(c, evbuffer_pullup(in, len), len) < 0) {
			conn_free(c);
			return;
		}
		evbuffer_drain(in, len);
	}
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		conn_free(arg);
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct conn *c = calloc(1, sizeof *c);
	int one = 1;

	(void)l;
	(void)sa;
	(void)salen;
	(void)arg;
	if (c == NULL)
		die("calloc");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(c->bev, read_cb, NULL, event_cb, c);
	bufferevent_enable(c->bev, EV_READ);
}

static void
on_term(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	qsort(syncs, nsyncs, sizeof syncs[0], bench_cmp_double);
	if (nsyncs == 0)
		printf("{\"syncs\":0}\n");
	else
		printf("{\"syncs\":%zu,\"sync_p50_ms\":%.4f,\"sync_p99_ms\":%.4f,"
		    "\"sync_max_ms\":%.4f}\n", nsyncs, syncs[nsyncs / 2],
		    syncs[nsyncs * 99 / 100], syncs[nsyncs - 1]);
	fflush(stdout);
	event_base_loopbreak(base);
}

/* 64 MiB of zeros, synced: later writes only overwrite. */
static void
journal_open(const char *path)
{
	static char zeros[1 << 20];
	size_t i;

	jfd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (jfd < 0)
		die(path);
	for (i = 0; i < JOURNAL_BYTES / sizeof zeros; i++)
		if (write(jfd, zeros, sizeof zeros) != (ssize_t)sizeof zeros)
			die("writing the journal");
	if (fsync(jfd) != 0)
		die("fsync");
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sin;
	struct evconnlistener *l;
	struct event *term;
	char host[64], *colon;

	if (argc != 4 || (strcmp(argv[3], "sync") != 0 &&
	    strcmp(argv[3], "nosync") != 0) ||
	    (colon = strrchr(argv[1], ':')) == NULL ||
	    (size_t)(colon - argv[1]) >= sizeof host) {
		fprintf(stderr, "usage: ackfloor HOST:PORT FILE sync|nosync\n");
		return 2;
	}
	do_sync = strcmp(argv[3], "sync") == 0;
	memcpy(host, argv[1], (size_t)(colon - argv[1]));
	host[colon - argv[1]] = '\0';
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(colon + 1));
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
		fprintf(stderr, "ackfloor: %s is not an IPv4 address\n", host);
		return 2;
	}
	if ((syncs = malloc(MAX_SYNCS * sizeof *syncs)) == NULL)
		die("malloc");
	journal_open(argv[2]);
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	event_base_priority_init(base, 3);
	flush_ev = event_new(base, -1, 0, flush_batch, NULL);
	event_priority_set(flush_ev, 2);
	term = evsignal_new(base, SIGTERM, on_term, NULL);
	event_add(term, NULL);
	l = evconnlistener_new_bind(base, accept_cb, NULL,
	    LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE, 128,
	    (struct sockaddr *)&sin, sizeof sin);
	if (l == NULL)
		die("listen");
	event_base_dispatch(base);
	evconnlistener_free(l);
	while (held != NULL)
		conn_free(held);
	event_free(term);
	event_free(flush_ev);
	event_base_free(base);
	close(jfd);
	free(batch);
	free(syncs);
	return 0;
}
