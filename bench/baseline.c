/*
 * baseline.c - the naive sqlite baseline of the benchmark.
 *
 * The same birth rows as loadgen (rowgen.h) inserted by a bare C program
 * into the schema a first attempt would use: a rowid table with the random
 * text record_id under a UNIQUE index plus a (unit, date) index, and per-day
 * counters upserted row by row in the same transaction.  WAL, 1000 rows per
 * transaction and synchronous=FULL (popstatd's default durability).
 *
 *   baseline --db FILE [--records R] [--start I] [--stream S] [--units N]
 *            [--batch 1000] [--sync full|normal|off] [--cache-kib K]
 *
 * Prints one JSON object.  --sync off --batch 100000 --cache-kib 1048576 is
 * how run.sh prepares a large table quickly (not a measurement).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "rowgen.h"

static sqlite3 *db;

static void
die(const char *what)
{
	fprintf(stderr, "baseline: %s: %s\n", what, db ? sqlite3_errmsg(db) :
	    "cannot open");
	exit(1);
}

static void
exec(const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "baseline: %s: %s\n", sql, err ? err : "?");
		exit(1);
	}
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS births(id INTEGER PRIMARY KEY,"
    " record_id TEXT NOT NULL UNIQUE, unit TEXT NOT NULL,"
    " date TEXT NOT NULL, sex TEXT NOT NULL, birth_order INTEGER NOT NULL,"
    " policy INTEGER NOT NULL, mother_id TEXT);"
    "CREATE INDEX IF NOT EXISTS births_unit_date ON births(unit, date);"
    "CREATE TABLE IF NOT EXISTS daily(unit TEXT NOT NULL, day TEXT NOT NULL,"
    " births INTEGER NOT NULL DEFAULT 0, births_male INTEGER NOT NULL DEFAULT 0,"
    " births_female INTEGER NOT NULL DEFAULT 0,"
    " births_policy INTEGER NOT NULL DEFAULT 0,"
    " births_order3 INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(unit, day));";

int
main(int argc, char **argv)
{
	const char *path = NULL, *sync = "full";
	uint64_t records = 100000, start = 0, stream = 1, i, before = 0;
	long batch = 1000, cache_kib = 0;
	unsigned units = 1000;
	sqlite3_stmt *ins, *upd, *cnt;
	struct genrow g;
	char pragma[128];
	double t0, secs, cpu;
	struct rusage ru;
	int a;

	for (a = 1; a < argc; a++) {
		const char *o = argv[a], *v = a + 1 < argc ? argv[a + 1] : NULL;

		if (v == NULL)
			goto usage;
		a++;
		if (strcmp(o, "--db") == 0)
			path = v;
		else if (strcmp(o, "--records") == 0)
			records = strtoull(v, NULL, 10);
		else if (strcmp(o, "--start") == 0)
			start = strtoull(v, NULL, 10);
		else if (strcmp(o, "--stream") == 0)
			stream = strtoull(v, NULL, 10);
		else if (strcmp(o, "--units") == 0)
			units = (unsigned)atoi(v);
		else if (strcmp(o, "--batch") == 0)
			batch = atol(v);
		else if (strcmp(o, "--sync") == 0)
			sync = v;
		else if (strcmp(o, "--cache-kib") == 0)
			cache_kib = atol(v);
		else
			goto usage;
	}
	if (path == NULL || batch < 1 || units < 1 || (strcmp(sync, "full") &&
	    strcmp(sync, "normal") && strcmp(sync, "off")))
		goto usage;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die(path);
	exec("PRAGMA journal_mode=WAL");
	snprintf(pragma, sizeof pragma, "PRAGMA synchronous=%s", sync);
	exec(pragma);
	if (cache_kib > 0) {
		snprintf(pragma, sizeof pragma, "PRAGMA cache_size=-%ld",
		    cache_kib);
		exec(pragma);
	}
	exec(schema);
	if (sqlite3_prepare_v2(db, "SELECT coalesce(max(id), 0) FROM births",
	    -1, &cnt, NULL) != SQLITE_OK)
		die("prepare");
	if (sqlite3_step(cnt) == SQLITE_ROW)
		before = (uint64_t)sqlite3_column_int64(cnt, 0);
	sqlite3_finalize(cnt);
	if (sqlite3_prepare_v2(db, "INSERT INTO births(record_id, unit, date,"
	    " sex, birth_order, policy, mother_id) VALUES (?1, ?2, ?3, ?4, ?5,"
	    " ?6, ?7)", -1, &ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO daily(unit, day, births,"
	    " births_male, births_female, births_policy, births_order3)"
	    " VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6) ON CONFLICT(unit, day) DO"
	    " UPDATE SET births = births + 1, births_male = births_male + ?3,"
	    " births_female = births_female + ?4,"
	    " births_policy = births_policy + ?5,"
	    " births_order3 = births_order3 + ?6", -1, &upd, NULL) != SQLITE_OK)
		die("prepare");

	getrusage(RUSAGE_SELF, &ru);
	cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	t0 = now_s();
	for (i = 0; i < records; i++) {
		if (i % (uint64_t)batch == 0)
			exec("BEGIN");
		rowgen_birth(stream, start + i, units, &g);
		sqlite3_bind_text(ins, 1, g.record_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, g.unit, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, g.date, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 4, g.sex, -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 5, g.order);
		sqlite3_bind_int(ins, 6, g.compliant);
		sqlite3_bind_text(ins, 7, g.mother_id, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			die("insert");
		sqlite3_reset(ins);
		sqlite3_bind_text(upd, 1, g.unit, -1, SQLITE_STATIC);
		sqlite3_bind_text(upd, 2, g.date, -1, SQLITE_STATIC);
		sqlite3_bind_int(upd, 3, g.male);
		sqlite3_bind_int(upd, 4, !g.male);
		sqlite3_bind_int(upd, 5, g.compliant);
		sqlite3_bind_int(upd, 6, g.order >= 3);
		if (sqlite3_step(upd) != SQLITE_DONE)
			die("upsert");
		sqlite3_reset(upd);
		if ((i + 1) % (uint64_t)batch == 0 || i + 1 == records)
			exec("COMMIT");
	}
	secs = now_s() - t0;
	getrusage(RUSAGE_SELF, &ru);
	cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6 - cpu;
	sqlite3_finalize(ins);
	sqlite3_finalize(upd);
	if (sqlite3_close(db) != SQLITE_OK)
		die("close");
	printf("{\"mode\":\"baseline\",\"records\":%llu,\"start\":%llu,"
	    "\"rows_before\":%llu,\"batch\":%ld,\"sync\":\"%s\","
	    "\"seconds\":%.4f,\"records_per_s\":%.1f,\"cpu_s\":%.3f}\n",
	    (unsigned long long)records, (unsigned long long)start,
	    (unsigned long long)before, batch, sync, secs,
	    secs > 0 ? (double)records / secs : 0.0, cpu);
	return 0;
usage:
	fprintf(stderr, "usage: baseline --db FILE [--records R] [--start I]"
	    " [--stream S] [--units N] [--batch 1000] [--sync full|normal|off]"
	    " [--cache-kib K]\n");
	return 2;
}
