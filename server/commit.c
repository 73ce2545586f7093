/*
 * commit.c - the group commit (commit.h).
 *
 * Writes from every connection served in one loop turn share one
 * transaction, committed by the flush event, which runs at the lowest
 * priority (after all I/O of the turn).  With durability=normal the
 * holders are released at once; with durability=full each commit's
 * holders become a batch with a number, the sync thread fdatasync()s the
 * WAL and says through a pipe up to which number it is done, and the loop
 * releases those batches in order.  Meanwhile the loop serves and commits
 * the next turn: one sync covers every commit made before it began.
 *
 * Holders sit on doubly linked lists (pprev), so a connection that closes
 * while held leaves its list in O(1) (commit_forget).
 */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commit.h"
#include "depts.h"
#include "engine.h"
#include "locks.h"
#include "log.h"
#include "metrics.h"
#include "popstatd.h"
#include "rcache.h"
#include "units.h"

#define SYNC_FAILED_REPLY                                                      \
	"the server could not make this durable (disk sync"                    \
	" failed) and is stopping; send it again once it is back (records"     \
	" already stored are recognised as duplicates)"
#define COMMIT_FAILED_REPLY                                                    \
	"the server could not commit; nothing of this"                         \
	" request was stored, send it again"
#define STOPPED_REPLY                                                          \
	"the server stopped before this was made durable;"                     \
	" send it again"

struct syncbatch {
	uint64_t seq;
	struct commit_hold *list;
	struct syncbatch *next;
};

/* An HTTP layer's waiter: a holder of its own. */
struct after {
	struct commit_hold h;
	void (*done)(void *arg, const char *err);
	void *arg;
};

static struct commit_hold *open_list; /* held by the open transaction */
static struct event *flush_ev;
static struct syncbatch *sq_head, *sq_tail;
static uint64_t sq_seq;
static int npending;
static void (*on_fatal)(void);
/*
 * The sync threads.  A commit made while one sync runs starts its own in
 * the other thread at once, instead of waiting for the running one to end
 * (in ackfloor's closed-loop runs on the 2-vCPU VM, two threads gave the
 * lowest p99, bench/ackfloor.c).  Results are applied in the order the
 * syncs began: a later sync's success never releases anything before an
 * earlier one has ended, so a failure one thread saw (the kernel reports a
 * writeback error to the first fdatasync() that looks) is never hidden by
 * another thread's success.
 */
#define SYNC_THREADS 2
struct inflight {
	uint64_t target; /* the last commit this sync covers */
	int finished, rc, err;
	double took;
};
static struct {
	pthread_t thread[SYNC_THREADS];
	int nthreads;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t want, started, done;     /* last commit asked for / handed to a
					   * sync / covered by a finished one */
	struct inflight fl[SYNC_THREADS]; /* ring, in the order begun */
	int fl_head, fl_n;
	uint64_t failed_upto; /* commits up to here saw a failed sync */
	int failed_errno;     /* of the first failed sync */
	double took[16];      /* durations of syncs not yet reported */
	int ntook;
	int running, stop;
	int pipe[2];
	struct event *ev;
} sy = { .mu = PTHREAD_MUTEX_INITIALIZER,
	.cv = PTHREAD_COND_INITIALIZER,
	.pipe = { -1, -1 } };

static void
push(struct commit_hold **head, struct commit_hold *h)
{
	h->next = *head;
	if (h->next)
		h->next->pprev = &h->next;
	h->pprev = head;
	*head = h;
}

/* Move the list at *from to *to (empty), leaving *from empty. */
static void
move_list(struct commit_hold **to, struct commit_hold **from)
{
	*to = *from;
	*from = NULL;
	if (*to)
		(*to)->pprev = to;
}

void
commit_forget(struct commit_hold *h)
{
	if (h->pprev == NULL)
		return;
	*h->pprev = h->next;
	if (h->next)
		h->next->pprev = h->pprev;
	h->next = NULL;
	h->pprev = NULL;
	npending--;
}

/*
 * Release every holder of a list, each taken off the list before its
 * done() runs (which may serve its connection's next request, or close
 * another holder's connection).  Returns how many.
 */
static int
release(struct commit_hold **head, const char *err)
{
	struct commit_hold *h;
	int n = 0;

	while ((h = *head) != NULL) {
		commit_forget(h);
		n++;
		h->done(h, err);
	}
	return n;
}

void
commit_hold(struct commit_hold *h,
    void (*done)(struct commit_hold *h, const char *err))
{
	h->done = done;
	push(&open_list, h);
	npending++;
	event_active(flush_ev, 0, 0);
}

static void
after_done(struct commit_hold *h, const char *err)
{
	struct after *a = (struct after *)h;

	a->done(a->arg, err);
	free(a);
}

void
commit_after(void (*done)(void *arg, const char *err), void *arg)
{
	struct after *a = xcalloc(1, sizeof *a);

	a->done = done;
	a->arg = arg;
	commit_hold(&a->h, after_done);
}

void
commit_kick(void)
{
	if (flush_ev && store_in_txn())
		event_active(flush_ev, 0, 0);
}

int
commit_pending(void)
{
	return npending;
}

/* Under sy.mu: apply the finished syncs at the head of the ring. */
static void
sync_apply(void)
{
	struct inflight *f;

	while (sy.fl_n > 0 && (f = &sy.fl[sy.fl_head])->finished) {
		sy.done = f->target;
		if (sy.ntook < (int)(sizeof sy.took / sizeof sy.took[0]))
			sy.took[sy.ntook++] =
			    f->took; /* the loop reports them */
		if (f->rc < 0) {
			if (sy.failed_upto == 0)
				sy.failed_errno = f->err;
			sy.failed_upto = f->target;
		}
		sy.fl_head = (sy.fl_head + 1) % SYNC_THREADS;
		sy.fl_n--;
	}
}

/*
 * Tell the loop that a sync is done.  A full pipe wakes it already; any
 * other failed write is retried: a lost wake-up would hold the replies of
 * every later commit for ever (the thread used to end on one).
 */
static void
sync_wake(void)
{
	struct timespec pause = { 0, 1000000 };

	while (write(sy.pipe[1], "s", 1) < 0 && errno != EAGAIN &&
	    errno != EBADF && errno != EPIPE)
		nanosleep(&pause, NULL);
}

static void *
sync_main(void *arg)
{
	struct inflight *f;
	double t0;
	int rc, err, slot;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&sy.mu);
		while (sy.want == sy.started && !sy.stop)
			pthread_cond_wait(&sy.cv, &sy.mu);
		if (sy.want == sy.started) {
			pthread_mutex_unlock(&sy.mu);
			break;
		}
		/* At most SYNC_THREADS in flight: one slot per thread. */
		slot = (sy.fl_head + sy.fl_n++) % SYNC_THREADS;
		f = &sy.fl[slot];
		memset(f, 0, sizeof *f);
		f->target = sy.started = sy.want;
		pthread_mutex_unlock(&sy.mu);
		t0 = metrics_clock();
		errno = 0;
		rc = store_wal_sync();
		err = errno;
		t0 = metrics_clock() - t0;
		pthread_mutex_lock(&sy.mu);
		f->finished = 1;
		f->rc = rc;
		f->err = err;
		f->took = t0;
		sync_apply();
		pthread_mutex_unlock(&sy.mu);
		sync_wake();
	}
	return NULL;
}

static int
errno_of_sync(void)
{
	int e;

	pthread_mutex_lock(&sy.mu);
	e = sy.failed_errno;
	pthread_mutex_unlock(&sy.mu);
	return e;
}

static void
stop_loop(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	event_base_loopexit(srv.base, NULL);
}

/*
 * A WAL sync failed.  The page cache may hold what never reaches the disk
 * and a later sync may report success all the same (the fsyncgate
 * lesson), so nothing more is acknowledged: every pending request is
 * answered with an error, the open transaction is not committed, and the
 * server stops and exits non-zero (main.c) for its supervisor to restart
 * it; sqlite's recovery then replays the WAL from the disk.
 */
static void
sync_fatal(int err)
{
	struct syncbatch *b;
	struct timeval soon = { 0, 300000 };

	if (srv.fatal)
		return;
	srv.fatal = 1;
	srv.shutting_down = 1;
	log_error("FATAL: the WAL could not be synced (fdatasync: %s):"
		  " acknowledging nothing more and stopping; restart popstatd "
		  "so"
		  " that recovery replays the WAL",
	    err ? strerror(err) : "error");
	if (on_fatal)
		on_fatal();
	while ((b = sq_head) != NULL) {
		sq_head = b->next;
		release(&b->list, SYNC_FAILED_REPLY);
		free(b);
	}
	sq_tail = NULL;
	if (store_in_txn())
		store_rollback();
	release(&open_list, SYNC_FAILED_REPLY);
	/* The error replies leave first, then the loop ends. */
	event_base_once(srv.base, -1, EV_TIMEOUT, stop_loop, NULL, &soon);
}

/* The sync thread is done up to some commit: release those batches. */
static void
sync_done(evutil_socket_t fd, short what, void *arg)
{
	char buf[64];
	uint64_t done, bad;
	struct syncbatch *b;
	double took[sizeof sy.took / sizeof sy.took[0]];
	int i, ntook;

	(void)what;
	(void)arg;
	while (read(fd, buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&sy.mu);
	done = sy.done;
	bad = sy.failed_upto;
	ntook = sy.ntook;
	memcpy(took, sy.took, (size_t)ntook * sizeof took[0]);
	sy.ntook = 0;
	pthread_mutex_unlock(&sy.mu);
	for (i = 0; i < ntook; i++)
		metrics_wal_sync(took[i]);
	while ((b = sq_head) != NULL && b->seq <= done) {
		if (b->seq <= bad) {
			sync_fatal(errno_of_sync());
			return;
		}
		sq_head = b->next;
		if (sq_head == NULL)
			sq_tail = NULL;
		release(&b->list, NULL);
		free(b);
	}
}

/* Hold the committed open list until the WAL is synced. */
static void
sync_enqueue(void)
{
	struct syncbatch *b = xcalloc(1, sizeof *b);

	b->seq = ++sq_seq;
	move_list(&b->list, &open_list);
	if (sq_tail)
		sq_tail->next = b;
	else
		sq_head = b;
	sq_tail = b;
	pthread_mutex_lock(&sy.mu);
	sy.want = b->seq;
	pthread_cond_signal(&sy.cv);
	pthread_mutex_unlock(&sy.mu);
}

static void
flush_commit(evutil_socket_t fd, short what, void *arg)
{
	struct commit_hold *list;
	int failed, full, in_txn = store_in_txn(), released = 0;
	double t0 = metrics_clock(), took;

	(void)fd;
	(void)what;
	(void)arg;
	if (srv.fatal) { /* nothing is committed after a failed sync */
		if (in_txn)
			store_rollback();
		move_list(&list, &open_list);
		release(&list, SYNC_FAILED_REPLY);
		return;
	}
	failed = in_txn && store_commit() < 0;
	full = failed && store_disk_full();
	took = metrics_clock() - t0;
	if (in_txn)
		rcache_clear(); /* kept replies were of the data before */
	if (failed) {
		log_error("commit failed: %s; every write of this batch was"
			  " rolled back",
		    store_errmsg());
		units_load(); /* the tree may hold units that were rolled back
			       */
		engine_load();
		locks_load();
		depts_load();
	}
	if (in_txn && !failed && open_list && sy.running) {
		for (list = open_list; list; list = list->next)
			released++;
		sync_enqueue(); /* replies go when the WAL is synced */
	} else {
		move_list(&list, &open_list);
		released = release(&list,
		    !failed  ? NULL :
			full ? STORE_DISK_FULL_REPLY :
			       COMMIT_FAILED_REPLY);
	}
	if (in_txn) {
		metrics_commit(released, took, failed);
		store_wal_tend();
	}
}

int
commit_start(void (*fatal)(void))
{
	on_fatal = fatal;
	flush_ev = event_new(srv.base, -1, 0, flush_commit, NULL);
	event_priority_set(flush_ev, 2); /* after all I/O of the turn */
	if (!store_sync_on_commit())
		return 0;
	if (pipe2(sy.pipe, O_NONBLOCK | O_CLOEXEC) < 0) {
		log_error("pipe: %s", strerror(errno));
		return -1;
	}
	sy.ev = event_new(srv.base, sy.pipe[0], EV_READ | EV_PERSIST, sync_done,
	    NULL);
	event_add(sy.ev, NULL);
	for (; sy.nthreads < SYNC_THREADS; sy.nthreads++)
		if (pthread_create(&sy.thread[sy.nthreads], NULL, sync_main,
			NULL) != 0) {
			log_error("cannot start the sync threads");
			return -1;
		}
	sy.running = 1;
	return 0;
}

void
commit_stop(void)
{
	struct syncbatch *b;
	int i;

	pthread_mutex_lock(&sy.mu);
	sy.stop = 1;
	pthread_cond_broadcast(&sy.cv);
	pthread_mutex_unlock(&sy.mu);
	for (i = 0; i < sy.nthreads; i++)
		pthread_join(sy.thread[i], NULL);
	sy.nthreads = 0;
	sy.running = 0;
	while ((b = sq_head) != NULL) {
		sq_head = b->next;
		release(&b->list, STOPPED_REPLY);
		free(b);
	}
	sq_tail = NULL;
	release(&open_list, STOPPED_REPLY);
	if (sy.ev)
		event_free(sy.ev);
	sy.ev = NULL;
	if (sy.pipe[0] >= 0) {
		close(sy.pipe[0]);
		close(sy.pipe[1]);
	}
	sy.pipe[0] = sy.pipe[1] = -1;
	if (flush_ev)
		event_free(flush_ev);
	flush_ev = NULL;
}
