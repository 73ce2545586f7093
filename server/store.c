/*
 * store.c - the store's connections, transactions and queries.  With
 * store_schema.c (the migrations and the statement table) and store_wal.c
 * (the checkpointer thread and the WAL sync that makes a commit durable),
 * the only code that talks to sqlite.
 */
#include "store.h"
#include "store_impl.h"
#include "store_sql.h"

#include <openssl/rand.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "rowcache.h"
#include "sbuf.h"
#include "tally.h"

const char *const counter_names[CTR_DAILY_COUNT] = { "births", "births_male",
	"births_female", "births_policy", "births_order3", "deaths", "mig_in",
	"mig_out", "verified", "verified_missed", "records", "timely" };

static sqlite3 *db_w, *db_r;
static sqlite3_stmt *stmts[S_COUNT];
static uint8_t secret[SECRET_LEN];
static int in_txn;

/* The tally's marks at the open savepoints "req" and "row". */
static size_t req_mark, row_mark;

/* The tally numbers units by their id. */
static int
unit_key(int64_t unit_id)
{
	return unit_id > 0 && unit_id < INT32_MAX ? (int)unit_id : -1;
}
static int txn_lost;  /* sqlite rolled the open batch back by itself */
static int disk_full; /* the open batch failed on a full disk */

static sqlite3_stmt *
st(enum stmt_id id)
{
	return stmts[id];
}

/* Step a statement that returns no rows, then reset it. */
static int
run(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		log_error("sqlite: %s", sqlite3_errmsg(sqlite3_db_handle(s)));
		return -1;
	}
	return 0;
}

static void
done(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

static void
now_iso(char *buf, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
}

/*
 * Create the database file (0600), its schema and its key file (see
 * store_files.c).  Refuses an existing database or key file so that init
 * can never clobber a county's data.
 */
int
store_create(const char *path, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	int keyed = 0;

	if (store_key_file()[0] == '\0')
		store_set_key_file(path, NULL);
	if (access(store_key_file(), F_OK) == 0) {
		xsnprintf(err, errlen,
		    "the key file %s already exists; refusing"
		    " to overwrite it (a key belongs to one database)",
		    store_key_file());
		return -1;
	}
	if (store_file_create(path, err, errlen) < 0)
		return -1;
	if (store_open_conn(path, SQLITE_OPEN_READWRITE, &db, err, errlen) < 0)
		goto fail;
	if (store_exec(db, "PRAGMA journal_mode=WAL", err, errlen) < 0 ||
	    store_schema_migrate(db, err, errlen) < 0)
		goto fail;
	if (RAND_bytes(secret, sizeof secret) != 1) {
		xsnprintf(err, errlen, "no random bytes for the secret");
		goto fail;
	}
	if (store_key_create(secret, err, errlen) < 0)
		goto fail;
	keyed = 1;
	if (sqlite3_close(db) != SQLITE_OK) {
		xsnprintf(err, errlen, "cannot close %s", path);
		db = NULL;
		goto fail;
	}
	return 0;
fail:
	sqlite3_close(db);
	unlink(path);
	if (keyed)
		unlink(store_key_file());
	return -1;
}

static int
load_secret(char *err, size_t errlen)
{
	return store_key_load(db_w, secret, err, errlen);
}

int
store_open(const char *path, int durability, char *err, size_t errlen)
{
	/* Each connection is used by one thread (the checkpointer has its
	 * own): no per-connection mutexes, no memory statistics (both are
	 * refused, harmlessly, once sqlite is initialised). */
	sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);

	if (store_key_file()[0] == '\0')
		store_set_key_file(path, NULL);
	store_files_tighten(path);
	if (store_open_conn(path, SQLITE_OPEN_READWRITE, &db_w, err, errlen) <
	    0)
		return -1;
	/* A file that is not sqlite's, or sqlite's but not popstat's. */
	if (store_exec(db_w, "SELECT count(*) FROM sqlite_master", err,
		errlen) < 0) {
		xsnprintf(err, errlen,
		    "%s is not an sqlite database (%s): give"
		    " the popstat database, or make one with `popstatd init"
		    " --db FILE`",
		    path, sqlite3_errmsg(db_w));
		goto fail;
	}
	if (store_schema_version(db_w) != 0 &&
	    !store_schema_has_table(db_w, "meta")) {
		xsnprintf(err, errlen,
		    "%s is an sqlite database but not a popstat"
		    " one (it has no meta table): give the popstat database, or"
		    " make one with `popstatd init --db FILE`",
		    path);
		goto fail;
	}
	if (store_schema_version(db_w) == 0) {
		xsnprintf(err, errlen,
		    "%s is not a popstat database (run"
		    " 'popstatd init --db %s' first)",
		    path, path);
		goto fail;
	}
	if (store_exec(db_w, "PRAGMA journal_mode=WAL", err, errlen) < 0 ||
	    store_exec(db_w, "PRAGMA foreign_keys=ON", err, errlen) < 0 ||
	    /* A batch touches a township's pages of the records, their
	     * mother index and the daily table: a 32 MiB cache keeps the
	     * B-tree interiors and recent townships (sqlite's default is
	     * 2 MiB); it fills as writes come, not at start-up. */
	    store_exec(db_w, "PRAGMA cache_size=-32768", err, errlen) < 0 ||
	    store_exec(db_w, "PRAGMA synchronous=NORMAL", err, errlen) < 0)
		goto fail;
	if (store_schema_migrate(db_w, err, errlen) < 0 ||
	    load_secret(err, errlen) < 0)
		goto fail;
	if (store_open_conn(path, SQLITE_OPEN_READONLY, &db_r, err, errlen) < 0)
		goto fail;
	if (store_schema_prepare(db_w, db_r, stmts, err, errlen) < 0 ||
	    store_wal_start(db_w, path, durability, err, errlen) < 0)
		goto fail;
	return 0;
fail:
	store_close();
	return -1;
}

void
store_close(void)
{
	int i;

	store_wal_stop();
	for (i = 0; i < S_COUNT; i++) {
		sqlite3_finalize(stmts[i]);
		stmts[i] = NULL;
	}
	if (in_txn)
		store_rollback();
	sqlite3_close(db_r);
	sqlite3_close(db_w);
	db_r = db_w = NULL;
	tally_reset();
	rowcache_clear();
}

const uint8_t *
store_secret(void)
{
	return secret;
}

int
store_begin(void)
{
	if (run(st(S_BEGIN)) < 0)
		return -1;
	in_txn = 1;
	disk_full = 0;
	return 0;
}

/* The last error of the write connection was SQLITE_FULL. */
static int
errcode_full(void)
{
	return (sqlite3_extended_errcode(db_w) & 0xff) == SQLITE_FULL;
}

/*
 * Nonzero when the batch just lost (store_commit failed, or
 * store_mark_lost was called) failed because the disk is full.
 */
int
store_disk_full(void)
{
	return disk_full;
}

int
store_commit(void)
{
	int rc;

	if (txn_lost) {
		txn_lost = 0;
		in_txn = 0;
		tally_abort();
		rowcache_commit(); /* conservative: rows made mid-batch go */
		return -1;
	}
	rc = run(st(S_COMMIT));

	if (rc < 0) {
		disk_full = disk_full || errcode_full();
		store_rollback();
	} else {
		tally_commit();
		rowcache_commit(); /* after it: the rows it drops are seen */
	}
	in_txn = 0;
	return rc;
}

void
store_rollback(void)
{
	if (sqlite3_get_autocommit(db_w) == 0)
		run(st(S_ROLLBACK));
	tally_abort();
	rowcache_commit(); /* conservative: rows made mid-batch go */
	in_txn = 0;
}

int
store_in_txn(void)
{
	return in_txn;
}

int
store_savepoint(void)
{
	req_mark = tally_mark();
	return run(st(S_SAVEPOINT));
}

/* One upsert of the daily table: a (unit, day)'s sum over a request. */
static int
daily_upsert(int u, int32_t day, const int64_t sum[TALLY_K], void *arg)
{
	sqlite3_stmt *s = st(S_DAILY_ADD);
	int i;

	(void)arg;
	sqlite3_bind_int64(s, 1, u);
	sqlite3_bind_int(s, 2, day);
	for (i = 0; i < CTR_DAILY_COUNT; i++)
		sqlite3_bind_int64(s, 3 + i, sum[i]);
	return run(s) < 0 ? -1 : 0;
}

/*
 * The request succeeded: write its counter changes to the daily table, one
 * row per unit and day however many records it touched (store_daily_add
 * only noted them), then release its savepoint.
 */
int
store_release(void)
{
	if (tally_pending_sums(req_mark, daily_upsert, NULL) != 0)
		return -1;
	return run(st(S_RELEASE));
}

void
store_rollback_savepoint(void)
{
	run(st(S_ROLLBACK_TO));
	run(st(S_RELEASE));
	tally_rollback_to(req_mark);
}

/*
 * Nonzero when the open transaction was lost: sqlite rolls the whole
 * transaction back by itself on SQLITE_FULL, IOERR or NOMEM, after which
 * the connection is back in autocommit mode.
 */
int
store_txn_lost(void)
{
	return txn_lost || (in_txn && sqlite3_get_autocommit(db_w));
}

/*
 * After a lost transaction: the batch is over.  store_commit() then fails,
 * so the flush reports every held request as not stored.
 */
void
store_mark_lost(void)
{
	txn_lost = 1;
	disk_full = disk_full || errcode_full();
}

int
store_row_savepoint(void)
{
	row_mark = tally_mark();
	return run(st(S_ROW_SAVEPOINT));
}

void
store_row_release(int rollback)
{
	if (rollback) {
		run(st(S_ROW_ROLLBACK_TO));
		tally_rollback_to(row_mark);
	}
	run(st(S_ROW_RELEASE));
}

const char *
store_errmsg(void)
{
	return sqlite3_errmsg(db_w);
}

static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v && *v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static void bind_content(sqlite3_stmt *s, const stored_record *r);

int
store_unit_insert(const char *code, const char *name, int64_t parent_id,
    const char *level, int64_t *id)
{
	sqlite3_stmt *s = st(S_UNIT_INSERT);
	char now[32];

	now_iso(now, sizeof now);
	bind_text(s, 1, code);
	bind_text(s, 2, name);
	if (parent_id)
		sqlite3_bind_int64(s, 3, parent_id);
	sqlite3_bind_text(s, 4, level ? level : "", -1, SQLITE_TRANSIENT);
	bind_text(s, 5, now);
	if (run(s) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(db_w);
	return 0;
}

int
store_units_load(store_unit_cb cb, void *arg)
{
	sqlite3_stmt *s = st(S_UNITS_ALL);
	store_unit u;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		u.id = sqlite3_column_int64(s, 0);
		u.parent_id = sqlite3_column_int64(s, 1);
		u.code = (const char *)sqlite3_column_text(s, 2);
		u.name = (const char *)sqlite3_column_text(s, 3);
		u.level = (const char *)sqlite3_column_text(s, 4);
		u.retired_from = (int32_t)sqlite3_column_int64(s, 5);
		cb(&u, arg);
	}
	done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Unit changes (issue 22) are rare: their statements are prepared when
 * used.  One statement with up to two integer parameters (?1 the unit id)
 * and one text (?3); returns 0 or -1.
 */
static int
unit_exec(const char *sql, int64_t id, int64_t b, const char *text)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(db_w, sql, -1, &s, NULL) != SQLITE_OK) {
		log_error("sqlite: %s", sqlite3_errmsg(db_w));
		return -1;
	}
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, b);
	if (text)
		sqlite3_bind_text(s, 3, text, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		log_error("sqlite: %s", sqlite3_errmsg(db_w));
	sqlite3_finalize(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

int
store_unit_set_name(int64_t id, const char *name)
{
	return unit_exec("UPDATE units SET name = ?3 WHERE id = ?1", id, 0,
	    name);
}

int
store_unit_set_retired(int64_t id, int32_t from)
{
	return unit_exec("UPDATE units SET retired_from = ?2 WHERE id = ?1", id,
	    from, NULL);
}

int
store_unit_delete(int64_t id)
{
	return unit_exec("DELETE FROM units WHERE id = ?1", id, 0, NULL);
}

int
store_unit_move_insert(int64_t unit_id, int32_t day, int64_t from_id,
    int64_t to_id, int merged)
{
	sqlite3_stmt *s;
	char now[32];
	int rc;

	if (sqlite3_prepare_v2(db_w,
		"INSERT INTO unit_moves(unit_id, day,"
		" from_id, to_id, merged, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		-1, &s, NULL) != SQLITE_OK) {
		log_error("sqlite: %s", sqlite3_errmsg(db_w));
		return -1;
	}
	now_iso(now, sizeof now);
	sqlite3_bind_int64(s, 1, unit_id);
	sqlite3_bind_int64(s, 2, day);
	if (from_id)
		sqlite3_bind_int64(s, 3, from_id);
	sqlite3_bind_int64(s, 4, to_id);
	sqlite3_bind_int(s, 5, merged);
	sqlite3_bind_text(s, 6, now, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc != SQLITE_DONE)
		log_error("sqlite: %s", sqlite3_errmsg(db_w));
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_unit_name_insert(int64_t unit_id, int32_t until, const char *name)
{
	return unit_exec("INSERT INTO unit_names(unit_id, until, name)"
			 " VALUES (?1, ?2, ?3)",
	    unit_id, until, name);
}

int
store_unit_names_load(void (*cb)(int64_t unit_id, int32_t until,
			  const char *name, void *arg),
    void *arg)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(db_w,
		"SELECT unit_id, until, name FROM"
		" unit_names ORDER BY unit_id, until",
		-1, &s, NULL) != SQLITE_OK) {
		log_error("sqlite: %s", sqlite3_errmsg(db_w));
		return -1;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		cb(sqlite3_column_int64(s, 0),
		    (int32_t)sqlite3_column_int64(s, 1),
		    (const char *)sqlite3_column_text(s, 2), arg);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_unit_moves_load(void (*cb)(int64_t unit_id, int32_t day, int64_t to_id,
			  int merged, void *arg),
    void *arg)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(db_w,
		"SELECT unit_id, day, to_id, merged FROM"
		" unit_moves ORDER BY id",
		-1, &s, NULL) != SQLITE_OK) {
		log_error("sqlite: %s", sqlite3_errmsg(db_w));
		return -1;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		cb(sqlite3_column_int64(s, 0),
		    (int32_t)sqlite3_column_int64(s, 1),
		    sqlite3_column_int64(s, 2), sqlite3_column_int(s, 3), arg);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * What a unit holds that forbids deleting it: the name of the first kind
 * found ("records", "accounts", ...) in *what, 1; 0 when nothing; -1 on a
 * database error.
 */
int
store_unit_holds(int64_t id, const char *code, const char **what)
{
	static const struct {
		const char *what, *sql;
	} checks[] = {
		{ "records", "SELECT 1 FROM records WHERE unit_id = ?1" },
		{ "accounts", "SELECT 1 FROM users WHERE unit_id = ?1" },
		{ "child units", "SELECT 1 FROM units WHERE parent_id = ?1" },
		{ "moves",
		    "SELECT 1 FROM unit_moves WHERE unit_id = ?1"
		    " OR from_id = ?1 OR to_id = ?1" },
		{ "earlier names",
		    "SELECT 1 FROM unit_names WHERE"
		    " unit_id = ?1" },
		{ "dekad reports", "SELECT 1 FROM reports WHERE unit_id = ?1" },
		{ "approval locks", "SELECT 1 FROM locks WHERE unit_id = ?1" },
		{ "targets of its own",
		    "SELECT 1 FROM targets WHERE unit_id = ?1" },
		{ "tasks",
		    "SELECT 1 FROM tasks WHERE owner_kind = 'unit'"
		    " AND owner = ?3" },
	};
	size_t i;

	for (i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		sqlite3_stmt *s;
		int rc;

		if (sqlite3_prepare_v2(db_w, checks[i].sql, -1, &s, NULL) !=
		    SQLITE_OK) {
			log_error("sqlite: %s", sqlite3_errmsg(db_w));
			return -1;
		}
		sqlite3_bind_int64(s, 1, id);
		if (sqlite3_bind_parameter_count(s) >= 3)
			sqlite3_bind_text(s, 3, code, -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(s);
		sqlite3_finalize(s);
		if (rc == SQLITE_ROW) {
			*what = checks[i].what;
			return 1;
		}
		if (rc != SQLITE_DONE) {
			log_error("sqlite: %s", sqlite3_errmsg(db_w));
			return -1;
		}
	}
	return 0;
}

int
store_user_insert(const char *name, const char *role, int64_t unit_id,
    int64_t dept_id, const uint8_t hash[HASH_LEN], int64_t *id)
{
	sqlite3_stmt *s = st(S_USER_INSERT);
	char now[32];

	now_iso(now, sizeof now);
	bind_text(s, 1, name);
	bind_text(s, 2, role);
	if (unit_id)
		sqlite3_bind_int64(s, 3, unit_id);
	sqlite3_bind_blob(s, 4, hash, HASH_LEN, SQLITE_TRANSIENT);
	bind_text(s, 5, now);
	if (dept_id)
		sqlite3_bind_int64(s, 6, dept_id);
	if (run(s) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(db_w);
	return 0;
}

static void
user_row(sqlite3_stmt *s, store_user *u)
{
	u->id = sqlite3_column_int64(s, 0);
	xsnprintf(u->name, sizeof u->name, "%s", sqlite3_column_text(s, 1));
	xsnprintf(u->role, sizeof u->role, "%s", sqlite3_column_text(s, 2));
	u->unit_id = sqlite3_column_int64(s, 3);
	u->disabled = sqlite3_column_int(s, 4);
	xsnprintf(u->created, sizeof u->created, "%s",
	    sqlite3_column_text(s, 5));
	u->dept_id = sqlite3_column_int64(s, 6);
}

int
store_user_by_token(const uint8_t hash[HASH_LEN], store_user *u)
{
	sqlite3_stmt *s = st(S_USER_BY_TOKEN);
	int rc;

	sqlite3_bind_blob(s, 1, hash, HASH_LEN, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		user_row(s, u);
	done(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
store_user_exists(const char *name)
{
	sqlite3_stmt *s = st(S_USER_EXISTS);
	int rc;

	bind_text(s, 1, name);
	rc = sqlite3_step(s);
	done(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
store_user_by_name(const char *name, store_user *out)
{
	sqlite3_stmt *s = st(S_USER_BY_NAME);
	int rc;

	bind_text(s, 1, name);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		user_row(s, out);
	done(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
store_user_set_disabled(int64_t id, int disabled)
{
	sqlite3_stmt *s = st(S_USER_DISABLE);

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, disabled);
	return run(s);
}

int
store_user_set_token(int64_t id, const uint8_t hash[HASH_LEN])
{
	sqlite3_stmt *s = st(S_USER_TOKEN);

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_blob(s, 2, hash, HASH_LEN, SQLITE_TRANSIENT);
	return run(s);
}

int
store_users_list(store_user_cb cb, void *arg)
{
	sqlite3_stmt *s = st(S_USERS_ALL);
	store_user u;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		user_row(s, &u);
		cb(&u, arg);
	}
	done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_record_get(int64_t unit_id, const char *record_id, stored_record *out)
{
	sqlite3_stmt *s = st(S_RECORD_GET);
	int rc;

	sqlite3_bind_int64(s, 1, unit_id);
	bind_text(s, 2, record_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		out->unit_id = unit_id;
		xsnprintf(out->rec.record_id, sizeof out->rec.record_id, "%s",
		    record_id);
		out->rec.kind = sqlite3_column_int(s, 0);
		out->rec.day = sqlite3_column_int(s, 1);
		out->rec.sex = sqlite3_column_int(s, 2);
		out->rec.birth_order = sqlite3_column_int(s, 3);
		out->rec.policy = sqlite3_column_int(s, 4);
		if (sqlite3_column_bytes(s, 5) == HASH_LEN) {
			out->has_hash = 1;
			memcpy(out->mother_hash, sqlite3_column_blob(s, 5),
			    HASH_LEN);
		}
		out->rec.age = sqlite3_column_int(s, 6);
		out->rec.direction = sqlite3_column_int(s, 7);
		out->rec.persons = sqlite3_column_int64(s, 8);
		out->matched = sqlite3_column_int(s, 9);
		out->voided = sqlite3_column_int(s, 10);
		out->received_day = sqlite3_column_int(s, 11);
		out->timely = sqlite3_column_int(s, 12);
	}
	done(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
store_record_insert(const stored_record *r, int32_t received_day,
    int64_t user_id)
{
	sqlite3_stmt *s = st(S_RECORD_INSERT);

	sqlite3_bind_int64(s, 1, r->unit_id);
	bind_text(s, 2, r->rec.record_id);
	bind_content(s, r);
	sqlite3_bind_int(s, 13, received_day);
	if (user_id)
		sqlite3_bind_int64(s, 14, user_id);
	sqlite3_bind_int(s, 15, r->timely);
	return run(s);
}

int
store_population_on(int64_t unit_id, int32_t day, const char *except,
    int64_t *persons, char *record_id, size_t cap)
{
	sqlite3_stmt *s = st(S_POP_ON);
	int rc;

	sqlite3_bind_int64(s, 1, unit_id);
	sqlite3_bind_int(s, 2, day);
	sqlite3_bind_text(s, 3, except ? except : "", -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*persons = sqlite3_column_int64(s, 0);
		xsnprintf(record_id, cap, "%s", sqlite3_column_text(s, 1));
	}
	done(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Noted in the tally now; written to the daily table, summed per unit and
 * day, when the request's savepoint is released (store_release).
 */
int
store_daily_add(int64_t unit_id, int32_t day, const counters *delta)
{
	int u = unit_key(unit_id);

	if (u < 0)
		return -1;
	rowcache_touch(u);
	tally_add(u, day, delta->v);
	return 0;
}

int
store_birth_match(int64_t unit_id, const uint8_t hash[HASH_LEN], int32_t lo,
    int32_t hi)
{
	sqlite3_stmt *s = st(S_BIRTH_MATCH);
	int rc;

	sqlite3_bind_int64(s, 1, unit_id);
	sqlite3_bind_blob(s, 2, hash, HASH_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 3, lo);
	sqlite3_bind_int(s, 4, hi);
	rc = sqlite3_step(s);
	done(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
store_verification_mark(int64_t unit_id, const uint8_t hash[HASH_LEN],
    int32_t lo, int32_t hi, void (*cb)(int32_t day, void *arg), void *arg)
{
	sqlite3_stmt *s = st(S_VERIF_FIND), *m = st(S_VERIF_MARK);
	int rc;

	sqlite3_bind_int64(s, 1, unit_id);
	sqlite3_bind_blob(s, 2, hash, HASH_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 3, lo);
	sqlite3_bind_int(s, 4, hi);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		sqlite3_bind_int64(m, 1, unit_id);
		sqlite3_bind_text(m, 2, (const char *)sqlite3_column_text(s, 0),
		    -1, SQLITE_TRANSIENT);
		if (run(m) < 0) {
			done(s);
			return -1;
		}
		cb(sqlite3_column_int(s, 1), arg);
	}
	done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_audit(const char *user, const char *action, const char *unit,
    const char *object, const char *old, const char *new_, const char *reason)
{
	sqlite3_stmt *s = st(S_AUDIT);
	char now[32];

	now_iso(now, sizeof now);
	bind_text(s, 1, now);
	bind_text(s, 2, user);
	bind_text(s, 3, action);
	bind_text(s, 4, unit);
	bind_text(s, 5, object);
	bind_text(s, 6, old);
	bind_text(s, 7, new_);
	bind_text(s, 8, reason);
	return run(s);
}

/*
 * The tally (common/tally.h) mirrors `daily` and the population records:
 * every write of those goes through store_daily_add() and store_pop(),
 * pending until the transaction commits, and savepoints roll it back with
 * the database.
 */

void
store_pop(int64_t unit_id, int32_t day, int64_t persons, int sign)
{
	rowcache_touch(unit_key(unit_id));
	tally_pop(unit_key(unit_id), day, persons, sign);
}

static void
daily_row(sqlite3_stmt *s, int64_t v[CTR_DAILY_COUNT])
{
	int i;

	for (i = 0; i < CTR_DAILY_COUNT; i++)
		v[i] = sqlite3_column_int64(s, 2 + i);
}

int
store_tally_load(void)
{
	sqlite3_stmt *s = st(S_DAILY_ALL);
	int64_t v[CTR_DAILY_COUNT];
	int rc;

	tally_reset();
	rowcache_clear();
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		daily_row(s, v);
		tally_put(unit_key(sqlite3_column_int64(s, 0)),
		    sqlite3_column_int(s, 1), v);
	}
	done(s);
	if (rc != SQLITE_DONE)
		return -1;
	tally_loaded();
	s = st(S_POPS_ALL);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		tally_put_pop(unit_key(sqlite3_column_int64(s, 0)),
		    sqlite3_column_int(s, 1), sqlite3_column_int64(s, 2));
	done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Compare the tally with the database: every stored day, every unit's
 * total, every population snapshot.  Returns the number of differences
 * (each logged), or -1 on a database error.
 */
int
store_tally_verify(void)
{
	sqlite3_stmt *s = st(S_DAILY_ALL);
	int64_t v[CTR_DAILY_COUNT], t[CTR_DAILY_COUNT];
	int64_t *tot = NULL, maxid = 0;
	int rc, bad = 0, i;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		int32_t day = sqlite3_column_int(s, 1);

		daily_row(s, v);
		tally_sum(unit_key(id), day, day, t);
		if (memcmp(v, t, sizeof v) != 0 && bad++ < 10)
			log_error("tally: unit %lld day %d differs from the"
				  " database",
			    (long long)id, (int)day);
		if (id >= maxid) {
			tot = xrealloc(tot, (size_t)(id + 1) * sizeof v);
			memset(tot + maxid * CTR_DAILY_COUNT, 0,
			    (size_t)(id + 1 - maxid) * sizeof v);
			maxid = id + 1;
		}
		for (i = 0; i < CTR_DAILY_COUNT; i++)
			tot[id * CTR_DAILY_COUNT + i] += v[i];
	}
	done(s);
	/* A unit's whole history: catches tally days the table lacks. */
	for (i = 1; rc == SQLITE_DONE && i < tally_units(); i++) {
		int64_t zero[CTR_DAILY_COUNT] = { 0 };
		const int64_t *want =
		    i < maxid ? tot + (int64_t)i * CTR_DAILY_COUNT : zero;

		tally_sum(i, INT32_MIN / 2, INT32_MAX / 2, t);
		if (memcmp(want, t, sizeof t) != 0 && bad++ < 10)
			log_error("tally: unit %d total differs from the"
				  " database",
			    i);
	}
	free(tot);
	if (rc != SQLITE_DONE)
		return -1;
	s = st(S_POPS_ALL);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int32_t day = sqlite3_column_int(s, 1), d;
		int64_t p;

		if ((tally_pop_near(unit_key(sqlite3_column_int64(s, 0)), day,
			 1, &d, &p) != 1 ||
			d != day || p != sqlite3_column_int64(s, 2)) &&
		    bad++ < 10)
			log_error("tally: population of unit %lld on day %d"
				  " differs from the database",
			    (long long)sqlite3_column_int64(s, 0), (int)day);
	}
	done(s);
	return rc == SQLITE_DONE ? bad : -1;
}

int
store_indicators_load(void (*cb)(const store_indicator *, void *), void *arg)
{
	sqlite3_stmt *s = st(S_IND_ALL);
	store_indicator i;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		i.name = (const char *)sqlite3_column_text(s, 0);
		i.expr = (const char *)sqlite3_column_text(s, 1);
		i.unit = (const char *)sqlite3_column_text(s, 2);
		i.pos = sqlite3_column_int(s, 3);
		cb(&i, arg);
	}
	done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_targets_load(void (*cb)(const store_target *, void *), void *arg)
{
	sqlite3_stmt *s = st(S_TGT_ALL);
	store_target t;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		t.indicator = (const char *)sqlite3_column_text(s, 0);
		t.unit_id = sqlite3_column_int64(s, 1);
		t.op = (const char *)sqlite3_column_text(s, 2);
		t.value = sqlite3_column_double(s, 3);
		t.veto = sqlite3_column_int(s, 4);
		t.weight = sqlite3_column_double(s, 5);
		cb(&t, arg);
	}
	done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_indicator_put(const char *name, const char *expr, const char *unit)
{
	sqlite3_stmt *s = st(S_IND_PUT);

	bind_text(s, 1, name);
	bind_text(s, 2, expr);
	bind_text(s, 3, unit);
	return run(s);
}

int
store_target_put(const store_target *t)
{
	sqlite3_stmt *s = st(S_TGT_PUT);

	bind_text(s, 1, t->indicator);
	sqlite3_bind_int64(s, 2, t->unit_id);
	bind_text(s, 3, t->op);
	sqlite3_bind_double(s, 4, t->value);
	sqlite3_bind_int(s, 5, t->veto);
	sqlite3_bind_double(s, 6, t->weight);
	return run(s);
}

int
store_target_delete(const char *indicator, int64_t unit_id)
{
	sqlite3_stmt *s = st(S_TGT_DEL);

	bind_text(s, 1, indicator);
	sqlite3_bind_int64(s, 2, unit_id);
	if (run(s) < 0)
		return -1;
	return sqlite3_changes(db_w);
}

int
store_missed_verifications(int64_t unit_id, int32_t start, int32_t end,
    void (*cb)(const char *record_id, int32_t day, void *), void *arg)
{
	sqlite3_stmt *s = st(S_MISSED);
	int rc;

	sqlite3_bind_int64(s, 1, unit_id);
	sqlite3_bind_int(s, 2, start);
	sqlite3_bind_int(s, 3, end);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		cb((const char *)sqlite3_column_text(s, 0),
		    sqlite3_column_int(s, 1), arg);
	done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_pairs_add(const stored_record *r)
{
	sqlite3_stmt *f = st(S_PAIRS_FIND), *ins = st(S_PAIR_ADD);
	int rc;

	sqlite3_bind_blob(f, 1, r->mother_hash, HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int(f, 2, r->rec.day - 30);
	sqlite3_bind_int(f, 3, r->rec.day + 30);
	sqlite3_bind_int64(f, 4, r->unit_id);
	while ((rc = sqlite3_step(f)) == SQLITE_ROW) {
		int64_t u = sqlite3_column_int64(f, 0);
		int32_t d = sqlite3_column_int(f, 2);
		/* The earlier (day, unit id) is a; units differ. */
		int first =
		    d < r->rec.day || (d == r->rec.day && u < r->unit_id);
		int ia = first ? 1 : 4, ib = first ? 4 : 1;

		sqlite3_bind_int64(ins, ia, u);
		sqlite3_bind_text(ins, ia + 1,
		    (const char *)sqlite3_column_text(f, 1), -1,
		    SQLITE_TRANSIENT);
		sqlite3_bind_int(ins, ia + 2, d);
		sqlite3_bind_int64(ins, ib, r->unit_id);
		bind_text(ins, ib + 1, r->rec.record_id);
		sqlite3_bind_int(ins, ib + 2, r->rec.day);
		if (run(ins) < 0) {
			done(f);
			return -1;
		}
	}
	done(f);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_pairs_drop(int64_t unit_id, const char *record_id)
{
	sqlite3_stmt *s = st(S_PAIRS_DROP);

	sqlite3_bind_int64(s, 1, unit_id);
	bind_text(s, 2, record_id);
	return run(s);
}

int
store_pairs_range(int32_t start, int32_t end,
    void (*cb)(int64_t a_unit, const char *a_rec, int32_t a_day, int64_t b_unit,
	const char *b_rec, int32_t b_day, void *),
    void *arg)
{
	sqlite3_stmt *s = st(S_PAIRS_RANGE);
	int rc;

	sqlite3_bind_int(s, 1, start);
	sqlite3_bind_int(s, 2, end);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		cb(sqlite3_column_int64(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    sqlite3_column_int(s, 2), sqlite3_column_int64(s, 3),
		    (const char *)sqlite3_column_text(s, 4),
		    sqlite3_column_int(s, 5), arg);
	done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Bind the content columns ?3..?12 shared by insert and update. */
static void
bind_content(sqlite3_stmt *s, const stored_record *r)
{
	sqlite3_bind_int(s, 3, r->rec.kind);
	sqlite3_bind_int(s, 4, r->rec.day);
	sqlite3_bind_int(s, 5, r->rec.sex);
	sqlite3_bind_int(s, 6, r->rec.birth_order);
	sqlite3_bind_int(s, 7, r->rec.policy);
	if (r->has_hash)
		sqlite3_bind_blob(s, 8, r->mother_hash, HASH_LEN,
		    SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, 8);
	sqlite3_bind_int(s, 9, r->rec.age);
	sqlite3_bind_int(s, 10, r->rec.direction);
	sqlite3_bind_int64(s, 11, r->rec.persons);
	sqlite3_bind_int(s, 12, r->matched);
}

int
store_record_update(const stored_record *r)
{
	sqlite3_stmt *s = st(S_RECORD_UPDATE);

	sqlite3_bind_int64(s, 1, r->unit_id);
	bind_text(s, 2, r->rec.record_id);
	bind_content(s, r);
	sqlite3_bind_int(s, 13, r->timely);
	return run(s);
}

int
store_record_void(int64_t unit_id, const char *record_id)
{
	sqlite3_stmt *s = st(S_RECORD_VOID);

	sqlite3_bind_int64(s, 1, unit_id);
	bind_text(s, 2, record_id);
	return run(s);
}

int
store_verification_recheck(int64_t unit_id, const uint8_t hash[HASH_LEN],
    int32_t lo, int32_t hi, int window, void (*cb)(int32_t day, void *arg),
    void *arg)
{
	sqlite3_stmt *s = st(S_VERIF_MATCHED), *u = st(S_VERIF_UNMARK);
	struct {
		char id[RECORD_ID_MAX + 1];
		int32_t day;
	} *v = NULL;
	size_t n = 0, cap = 0, i;
	int rc, m;

	/* Collect first: the birth-match query uses its own statement. */
	sqlite3_bind_int64(s, 1, unit_id);
	sqlite3_bind_blob(s, 2, hash, HASH_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 3, lo);
	sqlite3_bind_int(s, 4, hi);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			v = xrealloc(v, cap * sizeof *v);
		}
		xsnprintf(v[n].id, sizeof v[n].id, "%s",
		    (const char *)sqlite3_column_text(s, 0));
		v[n].day = sqlite3_column_int(s, 1);
		n++;
	}
	done(s);
	if (rc != SQLITE_DONE) {
		free(v);
		return -1;
	}
	for (i = 0; i < n; i++) {
		m = store_birth_match(unit_id, hash, v[i].day - window,
		    v[i].day + window);
		if (m < 0)
			break;
		if (m == 1)
			continue;
		sqlite3_bind_int64(u, 1, unit_id);
		bind_text(u, 2, v[i].id);
		if (run(u) < 0) {
			m = -1;
			break;
		}
		cb(v[i].day, arg);
	}
	free(v);
	return i == n ? 0 : -1;
}

int
store_audit_query(const char *since, int (*cb)(const store_audit_row *, void *),
    void *arg)
{
	sqlite3_stmt *s = st(S_AUDIT_QUERY);
	store_audit_row a;
	int rc;

	bind_text(s, 1, since && *since ? since : "0");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		a.id = sqlite3_column_int64(s, 0);
		a.at = (const char *)sqlite3_column_text(s, 1);
		a.user = (const char *)sqlite3_column_text(s, 2);
		a.action = (const char *)sqlite3_column_text(s, 3);
		a.unit = (const char *)sqlite3_column_text(s, 4);
		a.object = (const char *)sqlite3_column_text(s, 5);
		a.old = (const char *)sqlite3_column_text(s, 6);
		a.new_ = (const char *)sqlite3_column_text(s, 7);
		a.reason = (const char *)sqlite3_column_text(s, 8);
		if (cb(&a, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_locks_load(void (*cb)(const store_lock *, void *), void *arg)
{
	sqlite3_stmt *s = st(S_LOCKS_ALL);
	store_lock l;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		l.id = sqlite3_column_int64(s, 0);
		l.unit_id = sqlite3_column_int64(s, 1);
		l.start = sqlite3_column_int(s, 2);
		l.end = sqlite3_column_int(s, 3);
		l.by = (const char *)sqlite3_column_text(s, 4);
		l.at = (const char *)sqlite3_column_text(s, 5);
		cb(&l, arg);
	}
	done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_lock_insert(int64_t unit_id, int32_t start, int32_t end, const char *by,
    int64_t *id)
{
	sqlite3_stmt *s = st(S_LOCK_INSERT);
	char now[32];

	now_iso(now, sizeof now);
	sqlite3_bind_int64(s, 1, unit_id);
	sqlite3_bind_int(s, 2, start);
	sqlite3_bind_int(s, 3, end);
	bind_text(s, 4, by);
	bind_text(s, 5, now);
	if (run(s) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(db_w);
	return 0;
}

int
store_lock_delete(int64_t id)
{
	sqlite3_stmt *s = st(S_LOCK_DELETE);

	sqlite3_bind_int64(s, 1, id);
	return run(s);
}

static void
report_row(sqlite3_stmt *s, store_report *r)
{
	int i;

	r->start = sqlite3_column_int(s, 0);
	r->end = sqlite3_column_int(s, 1);
	r->due = sqlite3_column_int(s, 2);
	r->filed = sqlite3_column_int(s, 3);
	r->filed_by = (const char *)sqlite3_column_text(s, 4);
	r->note = (const char *)sqlite3_column_text(s, 5);
	for (i = 0; i < 4; i++) {
		r->confirmed[i] = sqlite3_column_int64(s, 6 + i);
		r->held[i] = sqlite3_column_int64(s, 10 + i);
	}
	r->refiled = sqlite3_column_int(s, 14);
}

int
store_report_get(int64_t unit_id, int32_t start, store_report *out)
{
	sqlite3_stmt *s = st(S_REPORT_GET);
	int rc;

	sqlite3_bind_int64(s, 1, unit_id);
	sqlite3_bind_int(s, 2, start);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->unit_id = unit_id;
		report_row(s, out);
		/* Strings must outlive the reset: keep only what is needed. */
		out->filed_by = NULL;
		out->note = NULL;
	}
	done(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
store_report_put(const store_report *r)
{
	sqlite3_stmt *s = st(S_REPORT_PUT);
	int i;

	sqlite3_bind_int64(s, 1, r->unit_id);
	sqlite3_bind_int(s, 2, r->start);
	sqlite3_bind_int(s, 3, r->end);
	sqlite3_bind_int(s, 4, r->due);
	sqlite3_bind_int(s, 5, r->filed);
	bind_text(s, 6, r->filed_by);
	bind_text(s, 7, r->note);
	for (i = 0; i < 4; i++) {
		sqlite3_bind_int64(s, 8 + i, r->confirmed[i]);
		sqlite3_bind_int64(s, 12 + i, r->held[i]);
	}
	sqlite3_bind_int(s, 16, r->refiled);
	return run(s);
}

int
store_reports_range(int64_t unit_id, int32_t lo, int32_t hi,
    void (*cb)(const store_report *, void *), void *arg)
{
	sqlite3_stmt *s = st(S_REPORTS_RANGE);
	store_report r;
	int rc;

	sqlite3_bind_int64(s, 1, unit_id);
	sqlite3_bind_int(s, 2, lo);
	sqlite3_bind_int(s, 3, hi);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r.unit_id = unit_id;
		report_row(s, &r);
		cb(&r, arg);
	}
	done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_dept_insert(const char *code, const char *name, int64_t *id)
{
	sqlite3_stmt *s = st(S_DEPT_INSERT);
	char now[32];

	now_iso(now, sizeof now);
	bind_text(s, 1, code);
	bind_text(s, 2, name);
	bind_text(s, 3, now);
	if (run(s) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(db_w);
	return 0;
}

int
store_depts_load(void (*cb)(int64_t id, const char *code, const char *name,
		     void *),
    void *arg)
{
	sqlite3_stmt *s = st(S_DEPTS_ALL);
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		cb(sqlite3_column_int64(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    (const char *)sqlite3_column_text(s, 2), arg);
	done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_task_insert(const store_task *t, const char *by, int64_t *id)
{
	sqlite3_stmt *s = st(S_TASK_INSERT);
	char now[32];

	now_iso(now, sizeof now);
	bind_text(s, 1, t->title);
	bind_text(s, 2, t->owner_kind);
	bind_text(s, 3, t->owner);
	bind_text(s, 4, t->person);
	sqlite3_bind_int(s, 5, t->due);
	bind_text(s, 6, now);
	bind_text(s, 7, by);
	if (run(s) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(db_w);
	return 0;
}

int
store_task_update(int64_t id, const char *status, int progress)
{
	sqlite3_stmt *s = st(S_TASK_UPDATE);

	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, status);
	sqlite3_bind_int(s, 3, progress);
	return run(s);
}

int
store_task_note(int64_t id, const char *user, int progress, const char *status,
    const char *note)
{
	sqlite3_stmt *s = st(S_TASK_NOTE);
	char now[32];

	now_iso(now, sizeof now);
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, now);
	bind_text(s, 3, user);
	if (progress >= 0)
		sqlite3_bind_int(s, 4, progress);
	bind_text(s, 5, status);
	bind_text(s, 6, note);
	return run(s);
}

static int
task_rows(sqlite3_stmt *s, void (*cb)(const store_task *, void *), void *arg)
{
	store_task t;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		t.id = sqlite3_column_int64(s, 0);
		t.title = (const char *)sqlite3_column_text(s, 1);
		t.owner_kind = (const char *)sqlite3_column_text(s, 2);
		t.owner = (const char *)sqlite3_column_text(s, 3);
		t.person = (const char *)sqlite3_column_text(s, 4);
		t.due = sqlite3_column_int(s, 5);
		t.status = (const char *)sqlite3_column_text(s, 6);
		t.progress = sqlite3_column_int(s, 7);
		cb(&t, arg);
	}
	done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_tasks(void (*cb)(const store_task *, void *), void *arg)
{
	return task_rows(st(S_TASKS_ALL), cb, arg);
}

int
store_task_get(int64_t id, void (*cb)(const store_task *, void *), void *arg)
{
	sqlite3_bind_int64(st(S_TASK_GET), 1, id);
	return task_rows(st(S_TASK_GET), cb, arg);
}

int
store_task_notes(int64_t id,
    void (*cb)(const char *at, const char *user, int progress,
	const char *status, const char *note, void *),
    void *arg)
{
	sqlite3_stmt *s = st(S_TASK_NOTES);
	int rc;

	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		cb((const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    sqlite3_column_type(s, 2) == SQLITE_NULL ?
			-1 :
			sqlite3_column_int(s, 2),
		    (const char *)sqlite3_column_text(s, 3),
		    (const char *)sqlite3_column_text(s, 4), arg);
	done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_bulletin_put(const char *key, const char *by, const void *data,
    size_t len)
{
	sqlite3_stmt *s = st(S_BULLETIN_PUT);
	char now[32];

	now_iso(now, sizeof now);
	bind_text(s, 1, key);
	bind_text(s, 2, now);
	bind_text(s, 3, by);
	sqlite3_bind_blob(s, 4, data, (int)len, SQLITE_TRANSIENT);
	return run(s);
}

int
store_bulletin_text_put(const char *key, const char *variant, const char *text)
{
	sqlite3_stmt *s = st(S_BULLETIN_TEXT_PUT);

	bind_text(s, 1, key);
	bind_text(s, 2, variant);
	sqlite3_bind_text(s, 3, text, -1, SQLITE_TRANSIENT);
	return run(s);
}

int
store_bulletin_get(const char *key,
    void (*cb)(const char *at, const void *data, size_t len, void *), void *arg)
{
	sqlite3_stmt *s = st(S_BULLETIN_GET);
	int rc;

	bind_text(s, 1, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && cb != NULL)
		cb((const char *)sqlite3_column_text(s, 0),
		    sqlite3_column_blob(s, 1),
		    (size_t)sqlite3_column_bytes(s, 1), arg);
	done(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
store_bulletin_text_get(const char *key, const char *variant,
    void (*cb)(const char *text, void *), void *arg)
{
	sqlite3_stmt *s = st(S_BULLETIN_TEXT_GET);
	int rc;

	bind_text(s, 1, key);
	bind_text(s, 2, variant);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		cb((const char *)sqlite3_column_text(s, 0), arg);
	done(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}
