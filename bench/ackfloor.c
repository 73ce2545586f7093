/*
 * ackfloor.c - the floor of a durable acknowledgement on this machine.
 *
 * A server that speaks popstat's protocol (Hello, Ping and Submit; Hello
 * accepts any token) and does nothing a real server must do (no
 * validation, no database): each Submit's packed rows are appended to a
 * journal and its SubmitOk is held.  Once a loop turn has served what
 * had arrived, the turn's appends are written at once, and in the mode
 * `sync` handed to THREADS threads (2) that fdatasync() the journal: a
 * batch written while one sync runs starts its own in another thread,
 * and each sync releases every batch written before it began (THREADS 0:
 * the loop syncs each batch itself).  In closed-loop runs on the 2-vCPU
 * development VM, 0, 1 and 2 threads gave p99s of 3.4-4.7, 2.6-5.1 and
 * 2.1-4.0 ms (3 alternated runs each), so 2 is the default.  Replies go
 * out with send() straight away (as popstatd's write_now), and a
 * connection keeps reading while its reply is held.  In the mode `nosync`
 * the replies go right after the write.  make bench drives it with the
 * ack-latency workload (16 connections, one record per Submit, closed
 * loop) to show how much of popstatd's acknowledgement latency any
 * durable design would pay on this machine, and how much is the load
 * pattern itself (the nosync row is to be read beside the Ping row from
 * the same 16 connections).
 *
 * The journal is FILE, 64 MiB of zeros written before the port opens, then
 * rewritten in place from its start (wrapping), each batch at the next
 * 4 KiB boundary: an overwrite, the cheapest fdatasync a file system
 * offers (no size or extent change to commit).
 *
 * usage: ackfloor HOST:PORT FILE sync|nosync [THREADS]
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
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchutil.h"
#include "frame.h"
#include "popstat.pb-c.h"

#define JOURNAL_BYTES (64u << 20)
#define MAX_SYNCS (1u << 20)
#define MAX_THREADS 8

struct conn {
	struct bufferevent *bev;
	uint8_t *held;            /* the SubmitOk frame, until the sync */
	size_t held_len;
	uint64_t seq;             /* the batch it waits for */
	struct conn *next_held;
};

static struct event_base *base;
static struct event *flush_ev, *synced_ev;
static int jfd = -1, do_sync;
static size_t joff;               /* where the next batch goes */
static uint8_t *batch;            /* this turn's appends */
static size_t batch_len, batch_cap;
static struct conn *gathering;    /* replies of this turn's batch */
static struct conn *waiting;      /* replies of written batches */
static uint64_t written;          /* batches written */

/* The sync threads; under mu. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static uint64_t want, taken, done; /* batches written / being synced / synced */
static int stopping;
static int pipefd[2] = { -1, -1 }; /* a thread's "synced" to the loop */
static double *syncs;              /* fdatasync durations, ms */
static size_t nsyncs;
static pthread_t threads[MAX_THREADS];
static int nthreads = 2;   /* 0: fdatasync in the loop */

static void
die(const char *what)
{
	fprintf(stderr, "ackfloor: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
unlink_from(struct conn **list, struct conn *c)
{
	for (; *list; list = &(*list)->next_held)
		if (*list == c) {
			*list = c->next_held;
			return;
		}
}

static void
conn_free(struct conn *c)
{
	unlink_from(&gathering, c);
	unlink_from(&waiting, c);
	bufferevent_free(c->bev);
	free(c->held);
	free(c);
}

/*
 * Send at once when nothing is queued (as popstatd's write_now does), not
 * on the bufferevent's next writable turn.
 */
static void
send_now(struct conn *c, const uint8_t *p, size_t n)
{
	ssize_t w = 0;

	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0) {
		w = send(bufferevent_getfd(c->bev), p, n, MSG_NOSIGNAL);
		if (w < 0)
			w = 0;
	}
	if ((size_t)w < n)
		bufferevent_write(c->bev, p + w, n - (size_t)w);
}

static void read_cb(struct bufferevent *bev, void *arg);

/* Send the replies of every batch up to `upto`, then serve what came. */
static void
release(uint64_t upto)
{
	struct conn **pp = &waiting, *c, *ready = NULL;

	while ((c = *pp) != NULL) {
		if (c->seq <= upto) {
			*pp = c->next_held;
			c->next_held = ready;
			ready = c;
		} else
			pp = &c->next_held;
	}
	while ((c = ready) != NULL) {
		ready = c->next_held;
		send_now(c, c->held, c->held_len);
		free(c->held);
		c->held = NULL;
		read_cb(c->bev, c);   /* frames that arrived meanwhile */
	}
}

/* fdatasync() the journal; its duration is kept for the report. */
static void
sync_journal(void)
{
	double t0 = bench_now_ms();

	if (fdatasync(jfd) != 0)
		die("fdatasync");
	t0 = bench_now_ms() - t0;
	pthread_mutex_lock(&mu);
	if (nsyncs < MAX_SYNCS)
		syncs[nsyncs++] = t0;
	pthread_mutex_unlock(&mu);
}

static void *
sync_main(void *arg)
{
	uint64_t t;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&mu);
		while (want == taken && !stopping)
			pthread_cond_wait(&cv, &mu);
		if (stopping) {
			pthread_mutex_unlock(&mu);
			return NULL;
		}
		t = taken = want;
		pthread_mutex_unlock(&mu);
		sync_journal();
		pthread_mutex_lock(&mu);
		if (t > done)
			done = t;   /* a sync covers every write made before it */
		pthread_mutex_unlock(&mu);
		if (write(pipefd[1], "s", 1) < 0 && errno != EAGAIN)
			die("pipe");
	}
}

static void
synced(evutil_socket_t fd, short what, void *arg)
{
	char b[64];
	uint64_t d;

	(void)what;
	(void)arg;
	while (read(fd, b, sizeof b) > 0)
		;
	pthread_mutex_lock(&mu);
	d = done;
	pthread_mutex_unlock(&mu);
	release(d);
}

/* Lowest priority, after the turn's reads: write the batch, then sync. */
static void
flush_batch(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c;

	(void)fd;
	(void)what;
	(void)arg;
	if (gathering == NULL)
		return;
	if (joff + batch_len > JOURNAL_BYTES)
		joff = 0;
	if (pwrite(jfd, batch, batch_len, (off_t)joff) != (ssize_t)batch_len)
		die("writing the journal");
	joff += (batch_len + 4095) & ~(size_t)4095;
	batch_len = 0;
	written++;
	while ((c = gathering) != NULL) {
		gathering = c->next_held;
		c->seq = written;
		c->next_held = waiting;
		waiting = c;
	}
	if (!do_sync) {
		release(written);
		return;
	}
	if (nthreads == 0) {
		sync_journal();
		release(written);
		return;
	}
	pthread_mutex_lock(&mu);
	want = written;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
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
		send_now(c, out, n);
		free(out);
		return 0;
	}
	/* Held until its batch is written and synced; its next request
	 * waits in the input buffer (read_cb serves nothing while held). */
	c->held = out;
	c->held_len = n;
	c->next_held = gathering;
	gathering = c;
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
	pthread_mutex_lock(&mu);
	stopping = 1;
	pthread_cond_broadcast(&cv);
	qsort(syncs, nsyncs, sizeof syncs[0], bench_cmp_double);
	if (nsyncs == 0)
		printf("{\"syncs\":0}\n");
	else
		printf("{\"syncs\":%zu,\"sync_p50_ms\":%.4f,\"sync_p99_ms\":%.4f,"
		    "\"sync_max_ms\":%.4f}\n", nsyncs, syncs[nsyncs / 2],
		    syncs[nsyncs * 99 / 100], syncs[nsyncs - 1]);
	fflush(stdout);
	pthread_mutex_unlock(&mu);
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

	if (argc == 5)
		nthreads = atoi(argv[4]);
	if (argc < 4 || argc > 5 || nthreads < 0 || nthreads > MAX_THREADS ||
	    (strcmp(argv[3], "sync") != 0 &&
	    strcmp(argv[3], "nosync") != 0) ||
	    (colon = strrchr(argv[1], ':')) == NULL ||
	    (size_t)(colon - argv[1]) >= sizeof host) {
		fprintf(stderr, "usage: ackfloor HOST:PORT FILE sync|nosync"
		    " [THREADS]\n");
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
	if (do_sync) {
		int i;

		if (pipe2(pipefd, O_NONBLOCK | O_CLOEXEC) != 0)
			die("pipe");
		synced_ev = event_new(base, pipefd[0], EV_READ | EV_PERSIST,
		    synced, NULL);
		event_priority_set(synced_ev, 0);
		event_add(synced_ev, NULL);
		for (i = 0; i < nthreads; i++)
			if (pthread_create(&threads[i], NULL, sync_main, NULL))
				die("pthread_create");
	}
	term = evsignal_new(base, SIGTERM, on_term, NULL);
	event_add(term, NULL);
	l = evconnlistener_new_bind(base, accept_cb, NULL,
	    LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE, 128,
	    (struct sockaddr *)&sin, sizeof sin);
	if (l == NULL)
		die("listen");
	event_base_dispatch(base);
	evconnlistener_free(l);
	if (do_sync) {
		int i;

		for (i = 0; i < nthreads; i++)
			pthread_join(threads[i], NULL);
		event_free(synced_ev);
		close(pipefd[0]);
		close(pipefd[1]);
	}
	while (gathering != NULL)
		conn_free(gathering);
	while (waiting != NULL)
		conn_free(waiting);
	event_free(term);
	event_free(flush_ev);
	event_base_free(base);
	close(jfd);
	free(batch);
	free(syncs);
	return 0;
}
