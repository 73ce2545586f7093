/*
 * main.c - popstatd: "init" creates a database; otherwise serve it.
 *
 *   popstatd init --db FILE
 *   popstatd --db FILE --listen HOST:PORT [--setting value ...]
 */
#include <errno.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "depts.h"
#include "engine.h"
#include "locks.h"
#include "frame.h"
#include "log.h"
#include "popstatd.h"
#include "sbuf.h"
#include "store.h"
#include "units.h"

struct server srv;

/*
 * The runtime settings: name, meaning, default and range.  Each is set with
 * --NAME VALUE; `popstatd --help` prints this table.
 */
struct setting {
	const char *name;
	long *value;
	long def, min, max;
	const char *help;
};

static struct setting settings[] = {
	{ "max-frame", &srv.set.max_frame, (long)FRAME_MAX_DEFAULT, 64,
	    256L * 1024 * 1024, "largest frame accepted, in bytes" },
	{ "max-connections", &srv.set.max_connections, 16384, 1, 1000000,
	    "connections held at once; more are refused" },
	{ "max-output", &srv.set.max_output, 64L * 1024 * 1024, 4096,
	    1L << 32, "bytes queued to a client that does not read before it"
	    " is dropped" },
	{ "idle-timeout", &srv.set.idle_timeout, 300, 1, 86400,
	    "seconds a connection may stay silent" },
	{ "max-rows", &srv.set.max_rows, 10000, 1, 1000000,
	    "rows in one submit batch" },
	{ "timely-days", &srv.set.timely_days, 30, 0, 3650,
	    "a record received within this many days of its date is timely" },
	{ "report-due-days", &srv.set.report_due_days, 3, 0, 366,
	    "a dekad report is due this many days after the dekad ends" },
	{ "requests-per-turn", &srv.set.requests_per_turn, 16, 1, 100000,
	    "requests served per connection per loop turn (fairness)" },
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f,
	    "usage: popstatd init --db FILE\n"
	    "       popstatd --db FILE --listen HOST:PORT [options]\n"
	    "       popstatd backup --db FILE --to FILE\n"
	    "\n"
	    "  init                 create the database and print the first"
	    " admin token\n"
	    "  backup               copy the database consistently while it is"
	    " served\n"
	    "  --db FILE            the sqlite database\n"
	    "  --listen HOST:PORT   address for the popstat protocol\n"
	    "  --durability full|normal  full (default): an acknowledged record"
	    " survives\n"
	    "                       power loss; normal: survives a crash of"
	    " popstatd only\n"
	    "  --log-level debug|info|warn|error   (default info)\n"
	    "  --today YYYY-MM-DD   pretend today is this date (testing only)\n"
	    "\nlimits:\n");
	for (i = 0; i < sizeof settings / sizeof settings[0]; i++)
		fprintf(f, "  --%-18s %s (default %ld, %ld-%ld)\n",
		    settings[i].name, settings[i].help, settings[i].def,
		    settings[i].min, settings[i].max);
}

static int
set_long(const char *name, const char *val)
{
	size_t i;
	char *end;
	long v;

	for (i = 0; i < sizeof settings / sizeof settings[0]; i++) {
		if (strcmp(settings[i].name, name) != 0)
			continue;
		errno = 0;
		v = strtol(val, &end, 10);
		if (errno || *end || end == val || v < settings[i].min ||
		    v > settings[i].max) {
			fprintf(stderr, "popstatd: --%s %s: must be a whole number"
			    " %ld-%ld\n", name, val, settings[i].min,
			    settings[i].max);
			return -1;
		}
		*settings[i].value = v;
		return 1;
	}
	return 0;
}

int32_t
server_today(void)
{
	return srv.today_fixed ? srv.today_fixed : date_today();
}

static int
cmd_init(int argc, char **argv)
{
	const char *db = NULL;
	char err[512], token[64];
	uint8_t hash[HASH_LEN];
	int64_t id;
	int i;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else {
			usage(stderr);
			return 2;
		}
	}
	if (db == NULL) {
		fprintf(stderr, "popstatd init: --db FILE is required\n");
		return 2;
	}
	log_set_level(LOG_WARN); /* stdout is the token, stderr stays quiet */
	if (store_create(db, err, sizeof err) < 0 ||
	    store_open(db, DURABILITY_FULL, err, sizeof err) < 0) {
		fprintf(stderr, "popstatd init: %s\n", err);
		return 1;
	}
	token_new(token, sizeof token);
	token_hash(token, hash);
	if (store_begin() < 0 ||
	    store_user_insert("admin", "admin", 0, 0, hash, &id) < 0 ||
	    store_audit("popstatd", "user.add", NULL, "admin", NULL,
	    "role=admin (created by init)", NULL) < 0 ||
	    store_commit() < 0) {
		fprintf(stderr, "popstatd init: %s\n", store_errmsg());
		store_close();
		return 1;
	}
	store_close();
	printf("%s\n", token);
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
			usage(stderr);
			return 2;
		}
	}
	if (db == NULL || to == NULL) {
		fprintf(stderr, "popstatd backup: --db FILE and --to FILE are"
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

int
main(int argc, char **argv)
{
	struct event *sigint_ev, *sigterm_ev;
	char err[512];
	size_t k;
	int i, rc;

	for (k = 0; k < sizeof settings / sizeof settings[0]; k++)
		*settings[k].value = settings[k].def;
	srv.set.durability = DURABILITY_FULL;
	srv.set.log_level = LOG_INFO;
	if (argc >= 2 && strcmp(argv[1], "init") == 0)
		return cmd_init(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "backup") == 0)
		return cmd_backup(argc, argv);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (strncmp(a, "--", 2) != 0 || v == NULL) {
			fprintf(stderr, "popstatd: unexpected argument '%s'\n", a);
			usage(stderr);
			return 2;
		}
		i++;
		if (strcmp(a, "--db") == 0)
			srv.set.db = v;
		else if (strcmp(a, "--listen") == 0)
			srv.set.listen = v;
		else if (strcmp(a, "--durability") == 0) {
			if (strcmp(v, "full") == 0)
				srv.set.durability = DURABILITY_FULL;
			else if (strcmp(v, "normal") == 0)
				srv.set.durability = DURABILITY_NORMAL;
			else {
				fprintf(stderr, "popstatd: --durability %s: must be"
				    " full or normal\n", v);
				return 2;
			}
		} else if (strcmp(a, "--log-level") == 0) {
			if ((srv.set.log_level = log_parse_level(v)) < 0) {
				fprintf(stderr, "popstatd: --log-level %s: must be"
				    " debug, info, warn or error\n", v);
				return 2;
			}
		} else if (strcmp(a, "--today") == 0) {
			if (date_parse(v, &srv.today_fixed, err, sizeof err) < 0) {
				fprintf(stderr, "popstatd: --today %s: %s\n", v, err);
				return 2;
			}
		} else if ((rc = set_long(a + 2, v)) <= 0) {
			if (rc == 0)
				fprintf(stderr, "popstatd: unknown option %s\n", a);
			return 2;
		}
	}
	if (srv.set.db == NULL || srv.set.listen == NULL) {
		fprintf(stderr, "popstatd: --db FILE and --listen HOST:PORT are"
		    " required\n");
		usage(stderr);
		return 2;
	}
	log_set_level((int)srv.set.log_level);
	signal(SIGPIPE, SIG_IGN);
	if (store_open(srv.set.db, (int)srv.set.durability, err, sizeof err) < 0) {
		log_error("cannot open database: %s", err);
		return 1;
	}
	if (units_load() < 0) {
		log_error("cannot load units: %s", store_errmsg());
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
	sigint_ev = evsignal_new(srv.base, SIGINT, on_signal, NULL);
	sigterm_ev = evsignal_new(srv.base, SIGTERM, on_signal, NULL);
	event_add(sigint_ev, NULL);
	event_add(sigterm_ev, NULL);
	log_info("popstatd serving %s (durability %s, %d units)", srv.set.db,
	    srv.set.durability == DURABILITY_FULL ? "full" : "normal",
	    units_count());
	event_base_dispatch(srv.base);
	conn_free_all();
	event_free(sigint_ev);
	event_free(sigterm_ev);
	event_base_free(srv.base);
	engine_free();
	locks_free();
	depts_free();
	units_free();
	store_close();
	log_info("popstatd stopped; database closed cleanly");
	return 0;
}
