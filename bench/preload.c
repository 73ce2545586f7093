/*
 * preload.c - grow a popstat database (server stopped) with benchmark
 * births, storing exactly what popstatd stores for them.
 *
 * Filling 10 million records through the server takes hours on a small
 * machine, so run.sh builds the large state in two steps: the first part
 * through the server (loadgen), the rest with this program.  For every row
 * it does what popstatd's submit path does for a new birth: the records row
 * (kind 1, HMAC-SHA256 of the mother id under the database's own secret,
 * received today, timely if within 30 days, the clerk as author), the
 * per-(unit, day) counters upserted with the server's own statement, its
 * possible double registrations (mother_pairs) found the server's way, and
 * one audit line per 10,000 rows.  Rows are inserted in the stream's random
 * order, as they would arrive, so the b-trees grow as they would.  Only
 * durability differs (synchronous=OFF, rollback journal off, a large
 * cache), which changes how fast the file is written, not what it holds;
 * the file is put back into WAL mode at the end.
 *
 *   preload --db FILE --start I --records R [--stream S] [--units N]
 *           [--user NAME] [--cache-mib M] [--txn ROWS]
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rowgen.h"
#include "../server/store_sql.h"

#define SECRET_LEN 32
#define HASH_LEN 32
#define TIMELY_DAYS 30
#define AUDIT_EVERY 10000
#define KIND_BIRTH_NUM 1 /* RecordKind KIND_BIRTH */

static sqlite3 *db;

static void die(const char *what);

/* The HMAC key from DB.key: 64 hex digits and a newline. */
static void
read_key(const char *dbpath, uint8_t key[SECRET_LEN])
{
	char path[4096], buf[2 * SECRET_LEN + 2];
	unsigned v;
	size_t n;
	FILE *f;
	int i;

	snprintf(path, sizeof path, "%s.key", dbpath);
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "preload: no key: cannot read %s\n", path);
		exit(1);
	}
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	for (i = 0; i < SECRET_LEN && n == 2 * SECRET_LEN + 1; i++) {
		if (sscanf(buf + 2 * i, "%2x", &v) != 1)
			break;
		key[i] = (uint8_t)v;
	}
	if (i != SECRET_LEN) {
		fprintf(stderr,
		    "preload: %s: not a popstat key file (64 hex"
		    " digits and a newline)\n",
		    path);
		exit(1);
	}
}

static void
die(const char *what)
{
	fprintf(stderr, "preload: %s: %s\n", what,
	    db ? sqlite3_errmsg(db) : "cannot open");
	exit(1);
}

static void
exec(const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "preload: %s: %s\n", sql, err ? err : "?");
		exit(1);
	}
}

/*
 * As store_pairs_add(): the new birth's possible double registrations,
 * with the earlier birth by (day, unit id) first.
 */
static void
pair_birth(sqlite3_stmt *find, sqlite3_stmt *add, int64_t unit,
    const char *record_id, int day, const uint8_t *hash)
{
	int rc;

	sqlite3_bind_blob(find, 1, hash, HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int(find, 2, day - 30);
	sqlite3_bind_int(find, 3, day + 30);
	sqlite3_bind_int64(find, 4, unit);
	while ((rc = sqlite3_step(find)) == SQLITE_ROW) {
		int64_t u = sqlite3_column_int64(find, 0);
		int d = sqlite3_column_int(find, 2);
		int first = d < day || (d == day && u < unit);
		int ia = first ? 1 : 4, ib = first ? 4 : 1;

		sqlite3_bind_int64(add, ia, u);
		sqlite3_bind_text(add, ia + 1,
		    (const char *)sqlite3_column_text(find, 1), -1,
		    SQLITE_TRANSIENT);
		sqlite3_bind_int(add, ia + 2, d);
		sqlite3_bind_int64(add, ib, unit);
		sqlite3_bind_text(add, ib + 1, record_id, -1, SQLITE_STATIC);
		sqlite3_bind_int(add, ib + 2, day);
		if (sqlite3_step(add) != SQLITE_DONE)
			die("pair");
		sqlite3_reset(add);
	}
	if (rc != SQLITE_DONE)
		die("pairs");
	sqlite3_reset(find);
}

static sqlite3_stmt *
prep(const char *sql)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		die(sql);
	return s;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
now_iso(char *buf, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
}

int
main(int argc, char **argv)
{
	const char *path = NULL, *user = "bench-clerk";
	uint64_t records = 0, start = 0, stream = 1, i, txn = 500000;
	unsigned units = 1000, u;
	long cache_mib = 4096;
	sqlite3_stmt *s, *ins, *upd, *aud, *pfind, *padd;
	uint8_t secret[SECRET_LEN], hash[HASH_LEN];
	int64_t *unit_id, user_id = 0;
	int32_t today = date_today();
	struct genrow g;
	char pragma[128], code[24], now[32], text[160];
	double t0, secs;
	unsigned hlen;
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
		else if (strcmp(o, "--user") == 0)
			user = v;
		else if (strcmp(o, "--cache-mib") == 0)
			cache_mib = atol(v);
		else if (strcmp(o, "--txn") == 0)
			txn = strtoull(v, NULL, 10);
		else
			goto usage;
	}
	if (path == NULL || units < 1 || txn < 1)
		goto usage;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		die(path);
	/* Leaving WAL needs the only connection: popstatd must be stopped. */
	exec("PRAGMA journal_mode=DELETE");
	exec("PRAGMA journal_mode=OFF");
	exec("PRAGMA synchronous=OFF");
	snprintf(pragma, sizeof pragma, "PRAGMA cache_size=-%ld",
	    cache_mib * 1024);
	exec(pragma);

	/* The key is in DB.key (popstatd init); a database made by an older
	 * popstatd, never started since, still has it in its meta table. */
	s = prep("SELECT value FROM meta WHERE key = 'secret'");
	if (sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_bytes(s, 0) == SECRET_LEN)
		memcpy(secret, sqlite3_column_blob(s, 0), SECRET_LEN);
	else
		read_key(path, secret);
	sqlite3_finalize(s);

	s = prep("SELECT id FROM users WHERE name = ?1");
	sqlite3_bind_text(s, 1, user, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		user_id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (user_id == 0)
		die("no such user");

	unit_id = calloc(units, sizeof *unit_id);
	if (unit_id == NULL)
		die("out of memory");
	s = prep("SELECT id FROM units WHERE code = ?1");
	for (u = 0; u < units; u++) {
		rowgen_unit_code(u, code, sizeof code);
		sqlite3_bind_text(s, 1, code, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(s) != SQLITE_ROW)
			die("a township is missing (run loadgen setup first)");
		unit_id[u] = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);

	/* popstatd's own statements (store.c). */
	ins = prep(SQL_RECORD_INSERT);
	upd = prep(SQL_DAILY_ADD);
	aud = prep(SQL_AUDIT);
	pfind = prep(SQL_PAIRS_FIND);
	padd = prep(SQL_PAIR_ADD);

	t0 = now_s();
	for (i = 0; i < records; i++) {
		int timely;

		if (i % txn == 0)
			exec("BEGIN");
		rowgen_birth(stream, start + i, units, &g);
		hlen = HASH_LEN;
		HMAC(EVP_sha256(), secret, SECRET_LEN,
		    (const unsigned char *)g.mother_id, strlen(g.mother_id),
		    hash, &hlen);
		timely = today - g.day <= TIMELY_DAYS;
		sqlite3_bind_int64(ins, 1, unit_id[g.unit_index]);
		sqlite3_bind_text(ins, 2, g.record_id, -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 3, KIND_BIRTH_NUM);
		sqlite3_bind_int(ins, 4, g.day);
		sqlite3_bind_int(ins, 5, g.male ? 1 : 2);
		sqlite3_bind_int(ins, 6, g.order);
		sqlite3_bind_int(ins, 7, g.compliant);
		sqlite3_bind_blob(ins, 8, hash, HASH_LEN, SQLITE_STATIC);
		sqlite3_bind_int(ins, 9, 0);
		sqlite3_bind_int(ins, 10, 0);
		sqlite3_bind_int64(ins, 11, 0);
		sqlite3_bind_int(ins, 12, 0);
		sqlite3_bind_int(ins, 13, today);
		sqlite3_bind_int64(ins, 14, user_id);
		sqlite3_bind_int(ins, 15, timely);
		if (sqlite3_step(ins) != SQLITE_DONE)
			die("insert");
		sqlite3_reset(ins);
		pair_birth(pfind, padd, unit_id[g.unit_index], g.record_id,
		    g.day, hash);
		sqlite3_bind_int64(upd, 1, unit_id[g.unit_index]);
		sqlite3_bind_int(upd, 2, g.day);
		sqlite3_bind_int64(upd, 3, 1);
		sqlite3_bind_int64(upd, 4, g.male);
		sqlite3_bind_int64(upd, 5, !g.male);
		sqlite3_bind_int64(upd, 6, g.compliant);
		sqlite3_bind_int64(upd, 7, g.order >= 3);
		for (a = 8; a <= 12; a++)
			sqlite3_bind_int64(upd, a, 0);
		sqlite3_bind_int64(upd, 13, 1);
		sqlite3_bind_int64(upd, 14, timely);
		if (sqlite3_step(upd) != SQLITE_DONE)
			die("counters");
		sqlite3_reset(upd);
		if ((i + 1) % AUDIT_EVERY == 0 || i + 1 == records) {
			uint64_t n = i % AUDIT_EVERY + 1;

			now_iso(now, sizeof now);
			snprintf(text, sizeof text,
			    "%llu birth records stored"
			    " (lines 2-%llu)",
			    (unsigned long long)n, (unsigned long long)n + 1);
			sqlite3_bind_text(aud, 1, now, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(aud, 2, user, -1, SQLITE_STATIC);
			sqlite3_bind_text(aud, 3, "records.submit", -1,
			    SQLITE_STATIC);
			sqlite3_bind_null(aud, 4);
			sqlite3_bind_text(aud, 5, "birth", -1, SQLITE_STATIC);
			sqlite3_bind_null(aud, 6);
			sqlite3_bind_text(aud, 7, text, -1, SQLITE_TRANSIENT);
			sqlite3_bind_null(aud, 8);
			if (sqlite3_step(aud) != SQLITE_DONE)
				die("audit");
			sqlite3_reset(aud);
		}
		if ((i + 1) % txn == 0 || i + 1 == records)
			exec("COMMIT");
	}
	secs = now_s() - t0;
	sqlite3_finalize(ins);
	sqlite3_finalize(upd);
	sqlite3_finalize(aud);
	sqlite3_finalize(pfind);
	sqlite3_finalize(padd);
	exec("PRAGMA journal_mode=WAL");
	if (sqlite3_close(db) != SQLITE_OK)
		die("close");
	free(unit_id);
	printf("{\"mode\":\"preload\",\"records\":%llu,\"start\":%llu,"
	       "\"seconds\":%.3f,\"records_per_s\":%.1f}\n",
	    (unsigned long long)records, (unsigned long long)start, secs,
	    secs > 0 ? (double)records / secs : 0.0);
	return 0;
usage:
	fprintf(stderr,
	    "usage: preload --db FILE --start I --records R"
	    " [--stream S] [--units N] [--user NAME] [--cache-mib M]"
	    " [--txn ROWS]\n");
	return 2;
}
