/*
 * store_wal.c - the WAL: the checkpointer thread that keeps it short, and
 * the sync that makes a commit durable.  The only threaded code of the
 * store.
 *
 * Durability: by default (full) an acknowledged record survives a power
 * loss.  The writer commits with synchronous=NORMAL (the WAL frames are
 * written, not synced) and the server syncs the WAL file itself,
 * store_wal_sync(), in a thread, before it acknowledges anything of that
 * commit: the guarantee of synchronous=FULL, with the next batch served
 * while the disk syncs (server/commit.c).  durability=normal never syncs on
 * commit: it survives a crash of the server process but may lose the last
 * commits on power loss.
 */
#include "store.h"
#include "store_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "sbuf.h"
#include "worker.h"

/* durability=full: every commit is synced (store_wal_sync) before its
 * replies go out. */
static int sync_on_commit;
static char wal_path[4096];
static int wal_fd = -1;
static int sync_fails; /* POPSTATD_TEST_SYNC_FAIL: the tests' disk error */

/*
 * WAL checkpoints, mostly in a thread of their own.  sqlite would copy the
 * WAL back into the database inside the COMMIT that crosses 1000 pages: a
 * stall of milliseconds for every request of that batch.  Instead, after
 * a commit that leaves CKPT_PAGES or more in the WAL, the event loop wakes
 * this thread, which checkpoints PASSIVE on its own connection (never
 * blocking the writer, with the same synchronous setting) while the loop
 * goes on.
 *
 * A background pass alone seldom lets the WAL start again from its
 * beginning under a steady load: sqlite rewinds it only when a write
 * transaction begins with every frame copied, and the writer nearly always
 * adds frames while the pass runs.  The WAL file then grows by every
 * commit, and fdatasync() of a growing file costs a journal commit of the
 * file system as well (twice the sync time of a rewrite on this ext4).
 * So once the passes have copied CKPT_REWIND - CKPT_TAIL pages, the loop
 * copies the tail, what was committed during the last pass, itself
 * between two batches (store_wal_tend): the next write transaction then
 * rewinds the WAL, which stays below about CKPT_REWIND pages plus one
 * pass's worth of commits and is rewritten in place.  The tail costs the
 * loop a few milliseconds (sqlite syncs the WAL before the copy and the
 * database after it, and the rewound WAL's header; the thread syncs the
 * database after the pass before a tail, so that little is left for the
 * loop), so it is made rare.  Why CKPT_REWIND is 8192 rather than 1000
 * pages, measured: bench/RESULTS.md, "WAL rewind threshold".  Should the
 * WAL still grow past CKPT_FORCE pages (a checkpoint that cannot keep up),
 * the writer restarts it itself, as sqlite would.
 */
#define CKPT_PAGES 1000
#define CKPT_REWIND 8192
#define CKPT_TAIL 256
#define CKPT_FORCE 50000
#define CKPT_SETTLE_MS 50 /* after a busy pass: the loop's turn first */

static struct {
	sqlite3 *db;
	sqlite3 *writer; /* store.c's writer, hooked; the loop's tail uses it */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int running, kicked, stopping;
	int db_fd; /* the database file, synced before a tail */
	/* Under mu: */
	int busy;       /* woken and not done with its pass */
	int pending;    /* the loop found it busy: commits since the pass */
	int fresh;      /* a pass has ended since the loop last looked */
	int backfilled; /* frames that pass copied */
	unsigned gen;   /* WAL rewinds seen by the loop */
} ckpt = { .mu = PTHREAD_MUTEX_INITIALIZER,
	.cv = PTHREAD_COND_INITIALIZER,
	.db_fd = -1 };

/* Loop thread: frames in the WAL after the last commit (the WAL hook). */
static int wal_frames;
/* CKPT_REWIND, or POPSTATD_TEST_WAL_REWIND: the tests rewind sooner. */
static int rewind_pages = CKPT_REWIND;

static void *
ckpt_main(void *arg)
{
	int stop = 0, rc, nlog, ndone;
	unsigned gen;

	(void)arg;
	while (!stop) {
		pthread_mutex_lock(&ckpt.mu);
		while (!ckpt.kicked && !ckpt.stopping) {
			struct timespec t;

			if (!ckpt.pending) {
				pthread_cond_wait(&ckpt.cv, &ckpt.mu);
				continue;
			}
			/* Commits came during the last pass.  If the load
			 * goes on, the loop wakes this thread (or copies the
			 * tail) after its next commit; if it has stopped, a
			 * last pass copies them, as nothing else would. */
			clock_gettime(CLOCK_REALTIME, &t);
			t.tv_nsec += CKPT_SETTLE_MS * 1000000L;
			if (t.tv_nsec >= 1000000000L) {
				t.tv_sec++;
				t.tv_nsec -= 1000000000L;
			}
			if (pthread_cond_timedwait(&ckpt.cv, &ckpt.mu, &t) ==
				ETIMEDOUT &&
			    !ckpt.kicked && !ckpt.stopping && ckpt.pending)
				ckpt.busy = ckpt.kicked = 1;
		}
		ckpt.kicked = ckpt.pending = 0;
		stop = ckpt.stopping;
		gen = ckpt.gen;
		pthread_mutex_unlock(&ckpt.mu);
		if (stop)
			break;
		rc = sqlite3_wal_checkpoint_v2(ckpt.db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, &nlog, &ndone);
		if (rc != SQLITE_OK && sqlite3_errcode(ckpt.db) != SQLITE_BUSY)
			log_warn("checkpoint: %s", sqlite3_errmsg(ckpt.db));
		/* sqlite syncs the database only after a pass that reached
		 * the WAL's end, which under load is rare: without this the
		 * loop's tail copy (next, as the WAL is long enough to
		 * rewind) would sync every page copied since the last. */
		if (rc == SQLITE_OK && ndone >= rewind_pages - CKPT_TAIL &&
		    fdatasync(ckpt.db_fd) != 0)
			log_warn("checkpoint: syncing the database: %s",
			    strerror(errno));
		pthread_mutex_lock(&ckpt.mu);
		ckpt.busy = 0;
		if (rc == SQLITE_OK && gen == ckpt.gen) {
			ckpt.fresh = 1;
			ckpt.backfilled = ndone;
		}
		pthread_mutex_unlock(&ckpt.mu);
	}
	return NULL;
}

/* After every commit of the writer: nframes pages in the WAL. */
static int
ckpt_hook(void *arg, sqlite3 *db, const char *name, int nframes)
{
	(void)arg;
	if (nframes < wal_frames) {
		/* The WAL was rewound: a pass's count is of the old one. */
		pthread_mutex_lock(&ckpt.mu);
		ckpt.gen++;
		ckpt.fresh = 0;
		pthread_mutex_unlock(&ckpt.mu);
	}
	wal_frames = nframes;
	if (nframes >= CKPT_FORCE) {
		log_warn("the WAL holds %d pages: checkpointing in the writer",
		    nframes);
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_RESTART,
		    NULL, NULL);
	}
	return SQLITE_OK;
}

/*
 * The event loop, between batches (no transaction open, the last commit
 * handed to the sync thread): keep the WAL short.  Either wake the
 * checkpointer for a pass, or, when the WAL is long enough to rewind and
 * the last pass left a short tail, copy the tail here so that the next
 * write rewinds the WAL.
 */
void
store_wal_tend(void)
{
	int tail, nlog, ndone;

	if (!ckpt.running || !sqlite3_get_autocommit(ckpt.writer) ||
	    wal_frames < CKPT_PAGES)
		return;
	pthread_mutex_lock(&ckpt.mu);
	if (ckpt.busy) {
		ckpt.pending = 1;
		pthread_mutex_unlock(&ckpt.mu);
		return;
	}
	ckpt.pending = 0;
	/*
	 * The tail: what was committed while the thread's last pass ran.
	 * It is copied here once the thread has copied nearly rewind_pages
	 * pages, whatever its length, so that the WAL is bounded even when
	 * passes are slow next to the commits (durability=normal: a pass
	 * syncs all the WAL written since the last).  Each tail needs a pass
	 * of its own first: should the WAL not rewind (a reader in the way),
	 * the next commit wakes the thread again rather than the loop
	 * syncing after every batch.
	 */
	tail = ckpt.fresh && ckpt.backfilled >= rewind_pages - CKPT_TAIL &&
	    wal_frames > ckpt.backfilled;
	ckpt.fresh = 0;
	if (!tail) {
		ckpt.busy = ckpt.kicked = 1;
		pthread_cond_signal(&ckpt.cv);
	}
	pthread_mutex_unlock(&ckpt.mu);
	/* synchronous=NORMAL checkpoints as FULL does: the WAL synced
	 * before the copy, the database after it. */
	if (tail &&
	    sqlite3_wal_checkpoint_v2(ckpt.writer, NULL,
		SQLITE_CHECKPOINT_PASSIVE, &nlog, &ndone) != SQLITE_OK &&
	    sqlite3_errcode(ckpt.writer) != SQLITE_BUSY)
		log_warn("checkpoint: %s", sqlite3_errmsg(ckpt.writer));
}

static int
ckpt_start(const char *path, int durability, char *err, size_t errlen)
{
	if (store_open_conn(path, SQLITE_OPEN_READWRITE, &ckpt.db, err,
		errlen) < 0 ||
	    store_exec(ckpt.db,
		durability == DURABILITY_FULL ? "PRAGMA synchronous=FULL" :
						"PRAGMA synchronous=NORMAL",
		err, errlen) < 0)
		return -1;
	ckpt.kicked = ckpt.stopping = ckpt.busy = ckpt.fresh = 0;
	ckpt.pending = ckpt.backfilled = 0;
	wal_frames = 0;
	ckpt.db_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (ckpt.db_fd < 0) {
		xsnprintf(err, errlen, "cannot open %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (pthread_create(&ckpt.thread, NULL, ckpt_main, NULL) != 0) {
		xsnprintf(err, errlen, "cannot start the checkpoint thread");
		return -1;
	}
	ckpt.running = 1;
	/* Replaces sqlite's own automatic checkpoint. */
	sqlite3_wal_hook(ckpt.writer, ckpt_hook, NULL);
	return 0;
}

static void
ckpt_stop(void)
{
	if (ckpt.running) {
		worker_stop(ckpt.thread, &ckpt.mu, &ckpt.cv, &ckpt.stopping);
		ckpt.running = 0;
	}
	sqlite3_close(ckpt.db);
	ckpt.db = NULL;
	if (ckpt.db_fd >= 0)
		close(ckpt.db_fd);
	ckpt.db_fd = -1;
}

/* The database's page size (sqlite's default if it cannot be read). */
static int
page_size(sqlite3 *db)
{
	sqlite3_stmt *s;
	int n = 4096;

	if (sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &s, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			n = sqlite3_column_int(s, 0);
		sqlite3_finalize(s);
	}
	return n > 0 ? n : 4096;
}

/* durability=full: the WAL file's descriptor the sync thread syncs. */
static int
wal_open(void)
{
	if (wal_fd < 0)
		wal_fd = open(wal_path, O_RDWR | O_CLOEXEC);
	if (wal_fd < 0)
		log_error("cannot open %s: %s", wal_path, strerror(errno));
	return wal_fd < 0 ? -1 : 0;
}

/*
 * durability=full: give the WAL file, before the first commit is served,
 * the size the checkpointer lets it reach (rewind_pages pages, a pass's
 * tail and CKPT_TAIL more), written as zeros and synced.  sqlite deletes
 * the WAL at a clean close, so after every start each commit would grow
 * the file until the first rewind (8192 pages, hours of a county's
 * submits), and fdatasync() of a file that grew commits the file
 * system's journal too: measured on this machine, p50 of acknowledgements
 * 3.99x -> 3.42x and p99 3.52x -> 2.60x the durable floor (bench/RESULTS.md).
 * Only bytes past the end are written, never a frame sqlite wrote: zeros
 * are no frame to recovery (their salt is not the header's), like the old
 * frames a rewound WAL leaves behind it.  If the disk cannot hold them
 * the file goes back to its size and the WAL grows as sqlite makes it.
 */
static void
wal_preextend(int page_size)
{
	static const char zero[65536];
	off_t want =
	    32 + (off_t)(rewind_pages + 2 * CKPT_TAIL) * (page_size + 24);
	off_t size, at;
	struct stat st;

	if (fstat(wal_fd, &st) != 0 || st.st_size >= want)
		return;
	size = st.st_size;
	for (at = size; at < want;) {
		size_t n = want - at < (off_t)sizeof zero ?
		    (size_t)(want - at) :
		    sizeof zero;
		ssize_t w = pwrite(wal_fd, zero, n, at);

		if (w <= 0) {
			log_warn("cannot extend %s to %lld bytes (%s): it will "
				 "grow with the commits",
			    wal_path, (long long)want,
			    w < 0 ? strerror(errno) : "short write");
			if (ftruncate(wal_fd, size) != 0)
				log_warn("cannot truncate %s: %s", wal_path,
				    strerror(errno));
			return;
		}
		at += w;
	}
	if (fdatasync(wal_fd) != 0)
		log_warn("cannot sync %s: %s", wal_path, strerror(errno));
}

/*
 * Start the checkpointer on the writer (its WAL hook replaces sqlite's
 * automatic checkpoint) and, with durability=full, open the WAL file for
 * store_wal_sync().
 */
int
store_wal_start(sqlite3 *db_w, const char *path, int durability, char *err,
    size_t errlen)
{
	ckpt.writer = db_w;
	sync_on_commit = durability == DURABILITY_FULL;
	sync_fails = getenv("POPSTATD_TEST_SYNC_FAIL") != NULL;
	rewind_pages = getenv("POPSTATD_TEST_WAL_REWIND") ?
	    atoi(getenv("POPSTATD_TEST_WAL_REWIND")) :
	    CKPT_REWIND;
	if (rewind_pages < CKPT_PAGES)
		rewind_pages = CKPT_PAGES;
	xsnprintf(wal_path, sizeof wal_path, "%s-wal", path);
	if (ckpt_start(path, durability, err, errlen) < 0)
		return -1;
	/* sqlite has created the WAL file by now (WAL mode, a transaction
	 * run). */
	if (sync_on_commit && wal_open() < 0) {
		xsnprintf(err, errlen, "cannot open %s for syncing", wal_path);
		return -1;
	}
	if (sync_on_commit)
		wal_preextend(page_size(db_w));
	return 0;
}

/* Stop the checkpointer and close what store_wal_start() opened. */
void
store_wal_stop(void)
{
	ckpt_stop();
	if (wal_fd >= 0)
		close(wal_fd);
	wal_fd = -1;
}

int
store_sync_on_commit(void)
{
	return sync_on_commit;
}

/*
 * Make every commit so far durable: fdatasync() of the WAL file, which
 * holds them (sqlite writes a commit's frames before COMMIT returns, and
 * never truncates the file while a connection is open).  Called from the
 * server's sync thread: it touches nothing but the descriptor, opened by
 * the main thread (wal_open) before the thread is started.
 */
int
store_wal_sync(void)
{
	if (sync_fails)
		return -1;
	return wal_fd >= 0 && fdatasync(wal_fd) == 0 ? 0 : -1;
}
