/*
 * main.c - popstatd: "init" creates a database; otherwise serve it.
 *
 *   popstatd init --db FILE [--key-file FILE]
 *   popstatd --db FILE --listen HOST:PORT [--setting value ...]
 */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <malloc.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "date.h"
#include "depts.h"
#include "engine.h"
#include "locks.h"
#include "frame.h"
#include "http.h"
#include "log.h"
#include "popstatd.h"
#include "rcache.h"
#include "rowcache.h"
#include "sbuf.h"
#include "settings.h"
#include "store.h"
#include "units.h"

/*
 * One popstatd per database: an exclusive lock on DB.lock, held for the
 * life of the process (the kernel drops it when the process ends, however
 * it ends).  A second server on the same file would keep its own
 * counters in memory and serve diverging numbers.  Returns the lock's
 * descriptor, or -1 after logging why.
 */
static int
lock_database(const char *db)
{
	char path[4096], pid[32];
	ssize_t n;
	int fd;

	xsnprintf(path, sizeof path, "%s.lock", db);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		log_error("cannot open the lock file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		n = pread(fd, pid, sizeof pid - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		log_error(
		    "another popstatd (pid %s) is serving %s: it holds %s;"
		    " refusing to start a second server on the same database",
		    pid[0] ? pid : "?", db, path);
		close(fd);
		return -1;
	}
	n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n)
		log_warn("cannot write the pid into %s: %s", path,
		    strerror(errno));
	return fd;
}

static struct rlimit core_limit; /* as the process was started */

static void
no_core_dumps(void)
{
	struct rlimit rl;

	getrlimit(RLIMIT_CORE, &core_limit);
	rl.rlim_cur = 0;
	rl.rlim_max = core_limit.rlim_max;
	if (prctl(PR_SET_DUMPABLE, 0) < 0 || setrlimit(RLIMIT_CORE, &rl) < 0)
		log_warn("cannot disable core dumps: %s", strerror(errno));
}

static void
allow_core_dumps(void)
{
	if (prctl(PR_SET_DUMPABLE, 1) < 0 ||
	    setrlimit(RLIMIT_CORE, &core_limit) < 0)
		log_warn("--allow-core-dumps: %s", strerror(errno));
	else
		log_warn("--allow-core-dumps: a core file would hold the HMAC"
			 " key and the mother_ids of requests in flight");
}

static int
cmd_init(int argc, char **argv)
{
	const char *db = NULL, *key = NULL;
	char err[512], token[64];
	uint8_t hash[HASH_LEN];
	int64_t id;
	int i;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--key-file") == 0 && i + 1 < argc)
			key = argv[++i];
		else {
			settings_usage(stderr);
			return 2;
		}
	}
	if (db == NULL) {
		fprintf(stderr, "popstatd init: --db FILE is required\n");
		return 2;
	}
	log_set_level(LOG_WARN); /* stdout is the token, stderr stays quiet */
	if (access(db, F_OK) == 0) {
		fprintf(stderr,
		    "popstatd init: the database %s already exists; refusing"
		    " to overwrite it.  To serve it run `popstatd --db %s`;"
		    " to start afresh move it and its key file away first\n",
		    db, db);
		return 1;
	}
	store_set_key_file(db, key);
	if (store_create(db, err, sizeof err) < 0 ||
	    store_open(db, DURABILITY_FULL, err, sizeof err) < 0) {
		fprintf(stderr, "popstatd init: %s\n", err);
		return 1;
	}
	token_new(token, sizeof token);
	if (token_hash(token, hash) < 0 || store_begin() < 0 ||
	    store_user_insert("admin", "admin", 0, 0, hash, &id) < 0 ||
	    store_audit("popstatd", "user.add", NULL, "admin", NULL,
		"role=admin (created by init)", NULL) < 0 ||
	    store_commit() < 0) {
		fprintf(stderr, "popstatd init: %s\n", store_errmsg());
		store_close();
		return 1;
	}
	/* stdout stays the token alone: scripts read it. */
	fprintf(stderr,
	    "popstatd init: back up the key file %s separately from the"
	    " database (not beside it): the stored mother_ids are keyed by "
	    "it\n",
	    store_key_file());
	store_close();
	printf("%s\n", token);
	explicit_bzero(token, sizeof token);
	return 0;
}

/*
 * popstatd backup --db FILE --to FILE: a consistent copy made with sqlite's
 * online backup API; safe while the server runs.
 */
static int
cmd_backup(int argc, char **argv)
{
	const char *db = NULL, *to = NULL;
	char err[512];
	int i;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
			to = argv[++i];
		else {
			settings_usage(stderr);
			return 2;
		}
	}
	if (db == NULL || to == NULL) {
		fprintf(stderr,
		    "popstatd backup: --db FILE and --to FILE are"
		    " required\n");
		return 2;
	}
	if (store_backup(db, to, err, sizeof err) < 0) {
		fprintf(stderr, "popstatd backup: %s\n", err);
		return 1;
	}
	printf("backup of %s written to %s (integrity check ok)\n", db, to);
	return 0;
}

/* Info lines of a loop turn go out together at its end (log.h). */
static struct event *log_flush_ev;

static void
flush_log(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	log_flush();
}

static void
kick_log(void)
{
	event_active(log_flush_ev, 0, 0);
}

static void
on_sighup(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	(void)arg;
	if (settings_reload() < 0)
		log_error("SIGHUP: configuration not reloaded; the running"
			  " settings are unchanged");
	rcache_clear(); /* settings may change what a reply says */
	rowcache_clear();
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	(void)arg;
	if (srv.shutting_down)
		return;
	log_info("received %s: finishing requests in flight, then stopping",
	    sig == SIGINT ? "SIGINT" : "SIGTERM");
	conn_shutdown();
}

/*
 * OpenSSL 3 sets its library context, providers and random generator up
 * on first use; a malloc failure in the middle of that left a NULL lock
 * that the next SHA256() crashed on (test_faults, in a client's Hello).
 * Set them up here, where a failure stops the start instead.
 */
static int
crypto_warm_up(void)
{
	uint8_t h[HASH_LEN];
	unsigned char r[16];

	if (OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, NULL) != 1 ||
	    token_hash("", h) < 0 || RAND_bytes(r, sizeof r) != 1)
		return -1;
	return 0;
}

/*
 * A request's memory (its arena, the packed reply: a ranking of a thousand
 * townships is about 2 MB) is freed when the reply is sent, and glibc gave
 * it back to the kernel at once (the heap top trimmed past 128 KiB, or a
 * large block unmapped), so the next request page-faulted it all in again:
 * a fifth of the time of a ranking after a commit (perf).  Freed memory is
 * kept for reuse up to 64 MiB; blocks of 4 MiB and more (the tally's
 * arrays) are still mapped on their own.
 */
static void
keep_freed_memory(void)
{
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
}

int
main(int argc, char **argv)
{
	struct event *sigint_ev, *sigterm_ev, *sighup_ev;
	char err[512];
	int rc;

	/*
	 * libevent dereferences some of its own allocations unchecked (a
	 * NULL from malloc in bufferevent_setwatermark crashed the server
	 * under test_faults): its allocations fail as ours do, with the
	 * orderly out-of-memory exit of sbuf.c.
	 */
	event_set_mem_functions(xmalloc, xrealloc, free);
	keep_freed_memory();
	/* The process holds the HMAC key and, while it serves them, the
	 * mother_id of requests: no core file, no ptrace by the same user
	 * (--allow-core-dumps, for debugging, turns this back on). */
	no_core_dumps();
	settings_defaults();
	if (argc >= 2 && strcmp(argv[1], "init") == 0)
		return cmd_init(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "backup") == 0)
		return cmd_backup(argc, argv);
	if ((rc = settings_parse_args(argc - 1, argv + 1)) != 0)
		return rc > 0 ? 0 : 2;
	if (settings_load_config() < 0)
		return 2;
	if (srv.set.db == NULL || srv.set.listen == NULL) {
		fprintf(stderr,
		    "popstatd: --db FILE and --listen HOST:PORT are"
		    " required (on the command line or in the configuration"
		    " file)\n");
		settings_usage(stderr);
		return 2;
	}
	log_set_level((int)srv.set.log_level);
	if (srv.set.allow_core_dumps)
		allow_core_dumps();
	if (settings_config_path())
		log_info("configuration read from %s", settings_config_path());
	signal(SIGPIPE, SIG_IGN);
	if (access(srv.set.db, F_OK) != 0) {
		log_error("database %s does not exist: run `popstatd init --db "
			  "%s`"
			  " first",
		    srv.set.db, srv.set.db);
		return 1;
	}
	if (lock_database(srv.set.db) < 0)
		return 1;
	store_set_key_file(srv.set.db, srv.set.key_file);
	if (crypto_warm_up() < 0) {
		log_error("cannot initialise OpenSSL (out of memory?)");
		return 1;
	}
	if (store_open(srv.set.db, (int)srv.set.durability, err, sizeof err) <
	    0) {
		log_error("cannot open database: %s", err);
		return 1;
	}
	if (units_load() < 0) {
		log_error("cannot load units: %s", store_errmsg());
		store_close();
		return 1;
	}
	if (store_tally_load() < 0) {
		log_error("cannot load the daily counters: %s", store_errmsg());
		store_close();
		return 1;
	}
	if (depts_load() < 0) {
		log_error("cannot load departments: %s", store_errmsg());
		store_close();
		return 1;
	}
	if (locks_load() < 0) {
		log_error("cannot load locks: %s", store_errmsg());
		store_close();
		return 1;
	}
	if (engine_load() < 0) {
		log_error("cannot load indicators: %s", store_errmsg());
		store_close();
		return 1;
	}
	srv.base = event_base_new();
	/* 0 unused, 1 I/O and timers (the default), 2 the group commit. */
	event_base_priority_init(srv.base, 3);
	if (conn_listen(srv.set.listen) < 0) {
		store_close();
		return 1;
	}
	if (srv.set.http && http_start(srv.set.http) < 0) {
		conn_free_all();
		store_close();
		return 1;
	}
	log_flush_ev = event_new(srv.base, -1, 0, flush_log, NULL);
	event_priority_set(log_flush_ev, 2); /* after the turn's I/O */
	log_batch(kick_log);
	sighup_ev = evsignal_new(srv.base, SIGHUP, on_sighup, NULL);
	event_add(sighup_ev, NULL);
	sigint_ev = evsignal_new(srv.base, SIGINT, on_signal, NULL);
	sigterm_ev = evsignal_new(srv.base, SIGTERM, on_signal, NULL);
	event_add(sigint_ev, NULL);
	event_add(sigterm_ev, NULL);
	log_info("popstatd serving %s (durability %s, %d units)", srv.set.db,
	    srv.set.durability == DURABILITY_FULL ? "full" : "normal",
	    units_count());
	event_base_dispatch(srv.base);
	log_batch(NULL);
	event_free(log_flush_ev);
	http_stop();
	conn_free_all();
	event_free(sighup_ev);
	event_free(sigint_ev);
	event_free(sigterm_ev);
	event_base_free(srv.base);
	/* The test suite has every server compare its in-memory counters
	 * with the database before it stops. */
	if (getenv("POPSTATD_VERIFY_TALLY") != NULL && !srv.fatal) {
		rc = store_tally_verify();
		if (rc != 0)
			log_error("tally verification: %d difference%s from the"
				  " database",
			    rc, rc == 1 ? "" : "s");
		else
			log_info(
			    "tally verification: in step with the database");
	}
	rcache_clear();
	rowcache_free();
	engine_free();
	locks_free();
	depts_free();
	units_free();
	store_close();
	if (srv.fatal) {
		log_error(
		    "popstatd stopped after a failed sync of the WAL (exit"
		    " status 1); the next start recovers from the WAL on disk");
		return 1;
	}
	log_info("popstatd stopped; database closed cleanly");
	return 0;
}
