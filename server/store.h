/*
 * store.h - the only interface to sqlite.
 *
 * Two connections to one WAL database: the writer, used by the group commit
 * (every write runs inside a BEGIN IMMEDIATE transaction that the server
 * commits before acknowledging anything), and the reader, used by queries,
 * which sees committed data only.  Statements are prepared once.
 */
#ifndef POPSTAT_STORE_H
#define POPSTAT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

#define SCHEMA_VERSION 7
#define SECRET_LEN 32
#define HASH_LEN 32

enum durability { DURABILITY_FULL = 0, DURABILITY_NORMAL = 1 };

/* Base counters kept per unit and day; order is the wire and JSON order. */
enum counter {
	CTR_BIRTHS = 0,
	CTR_BIRTHS_MALE,
	CTR_BIRTHS_FEMALE,
	CTR_BIRTHS_POLICY,
	CTR_BIRTHS_ORDER3,
	CTR_DEATHS,
	CTR_MIG_IN,
	CTR_MIG_OUT,
	CTR_VERIFIED,
	CTR_VERIFIED_MISSED,
	CTR_BASE_COUNT, /* the counters indicator expressions use */
	CTR_RECORDS = CTR_BASE_COUNT, /* records of the day, any kind */
	CTR_TIMELY,                   /* of which received within timely_days */
	CTR_DAILY_COUNT
};
extern const char *const counter_names[CTR_DAILY_COUNT];

typedef struct counters {
	int64_t v[CTR_DAILY_COUNT];
} counters;

/* A stored record as the database holds it. */
typedef struct stored_record {
	int64_t unit_id;
	record rec; /* rec.mother_id is empty: only the hash is kept */
	int has_hash;
	uint8_t mother_hash[HASH_LEN];
	int matched;
	int voided;
	int timely; /* received within timely_days of its date */
	int32_t received_day;
} stored_record;

typedef struct store_unit {
	int64_t id;
	int64_t parent_id; /* 0 for a root */
	const char *code, *name, *level;
	int32_t retired_from; /* first day retired; 0 while active */
} store_unit;

typedef struct store_user {
	int64_t id;
	char name[65];
	char role[16];
	int64_t unit_id; /* 0 when none */
	int disabled;
	char created[24];
	int64_t dept_id; /* 0 when none */
} store_user;

/* Create a new database at path (which must not exist). */
/* The key file (store_files.c): key_file, or DB.key when NULL; set before
 * store_create() or store_open(). */
void store_set_key_file(const char *db, const char *key_file);
const char *store_key_file(void);
int store_create(const char *path, char *err, size_t errlen);
/* Open an existing database, migrating its schema if older. */
int store_open(const char *path, int durability, char *err, size_t errlen);
void store_close(void);
const uint8_t *store_secret(void);

/* Write transactions (writer connection). */
int store_begin(void);
int store_commit(void);
void store_rollback(void);
int store_in_txn(void);
int store_savepoint(void);
/*
 * durability=full: after a successful store_commit() the caller must call
 * store_wal_sync() (any thread) before acknowledging that commit.
 */
int store_sync_on_commit(void);
int store_wal_sync(void);
/*
 * After every commit of the server, in the writer's thread, with no
 * transaction open: keeps the WAL short (store.c).  The background
 * checkpoints are started from here only: a commit not followed by it
 * leaves its frames to the next one.
 */
void store_wal_tend(void);
/* Writes the request's daily counter changes, then releases: 0 or -1. */
int store_release(void);
void store_rollback_savepoint(void);
/* The open transaction was rolled back by sqlite itself (disk full ...). */
int store_txn_lost(void);
void store_mark_lost(void);
/* A nested savepoint around one row, so a row can be undone alone. */
int store_row_savepoint(void);
void store_row_release(int rollback);
const char *store_errmsg(void);
/* After a batch lost to a full disk: what its requests are answered. */
int store_disk_full(void);
#define STORE_DISK_FULL_REPLY                                                  \
	"the server's disk is full: nothing of this"                           \
	" request was stored; send it again once space is freed on the server"

/* Units. */
int store_unit_insert(const char *code, const char *name, int64_t parent_id,
    const char *level, int64_t *id);
typedef void (*store_unit_cb)(const store_unit *u, void *arg);
int store_units_load(store_unit_cb cb, void *arg);
/* Unit changes (issue 22); each returns 0 or -1. */
int store_unit_set_name(int64_t id, const char *name);
int store_unit_set_retired(int64_t id, int32_t from);
int store_unit_delete(int64_t id);
/* A move (or merge) of a unit under to_id from day on: 0 or -1. */
int store_unit_move_insert(int64_t unit_id, int32_t day, int64_t from_id,
    int64_t to_id, int merged);
/* An earlier name of a unit, its name on the days before until. */
int store_unit_name_insert(int64_t unit_id, int32_t until, const char *name);
int store_unit_names_load(void (*cb)(int64_t unit_id, int32_t until,
			      const char *name, void *arg),
    void *arg);
/* Every move, in the order made. */
int store_unit_moves_load(void (*cb)(int64_t unit_id, int32_t day,
			      int64_t to_id, int merged, void *arg),
    void *arg);
/* 1 with *what naming what the unit holds, 0 nothing, -1 error. */
int store_unit_holds(int64_t id, const char *code, const char **what);

/* Users. */
int store_user_insert(const char *name, const char *role, int64_t unit_id,
    int64_t dept_id, const uint8_t hash[HASH_LEN], int64_t *id);
/* 1 found, 0 not found, -1 error. */
int store_user_by_token(const uint8_t hash[HASH_LEN], store_user *u);
int store_user_exists(const char *name);
/* 1 found (and *out filled), 0 not found, -1 error. */
int store_user_by_name(const char *name, store_user *out);
int store_user_set_disabled(int64_t id, int disabled);
int store_user_set_token(int64_t id, const uint8_t hash[HASH_LEN]);
typedef void (*store_user_cb)(const store_user *u, void *arg);
int store_users_list(store_user_cb cb, void *arg);

/* Records (writer).  1 found, 0 not found, -1 error. */
int
store_record_get(int64_t unit_id, const char *record_id, stored_record *out);
int store_record_insert(const stored_record *r, int32_t received_day,
    int64_t user_id);
/*
 * Population already recorded for the unit on the day by a record other
 * than `except` (may be NULL): 1 and the value.
 */
int store_population_on(int64_t unit_id, int32_t day, const char *except,
    int64_t *persons, char *record_id, size_t cap);
/* Add delta (per counter) to the unit's counters on day (written to the
 * daily table at store_release()). */
int store_daily_add(int64_t unit_id, int32_t day, const counters *delta);
/* Any non-voided birth of the unit with this mother hash in [lo, hi]? */
int store_birth_match(int64_t unit_id, const uint8_t hash[HASH_LEN], int32_t lo,
    int32_t hi);
/*
 * Mark unmatched verification records of the unit with this hash in
 * [lo, hi] as matched; calls cb with the day of each one it marks.
 */
int store_verification_mark(int64_t unit_id, const uint8_t hash[HASH_LEN],
    int32_t lo, int32_t hi, void (*cb)(int32_t day, void *arg), void *arg);

/* Audit (writer): one line per change. */
int store_audit(const char *user, const char *action, const char *unit,
    const char *object, const char *old, const char *new_, const char *reason);

/*
 * In-memory counters (common/tally.h, keyed by unit id): queries read them
 * instead of the database.  store_daily_add() and store_pop() feed them in
 * step with the transaction; store_tally_load() fills them at start-up;
 * store_tally_verify() compares them with the database and returns the
 * number of differences (logged), or -1 on a database error.
 */
void store_pop(int64_t unit_id, int32_t day, int64_t persons, int sign);
int store_tally_load(void);
int store_tally_verify(void);

/* Indicators and targets (writer for changes, loaded at start and after). */
typedef struct store_indicator {
	const char *name, *expr, *unit;
	int pos;
} store_indicator;
typedef struct store_target {
	const char *indicator;
	int64_t unit_id; /* 0: the default for every unit */
	const char *op;
	double value;
	int veto;
	double weight;
} store_target;
int
store_indicators_load(void (*cb)(const store_indicator *, void *), void *arg);
int store_targets_load(void (*cb)(const store_target *, void *), void *arg);
int store_indicator_put(const char *name, const char *expr, const char *unit);
int store_target_put(const store_target *t);
int store_target_delete(const char *indicator, int64_t unit_id);

/* Missed verification records of one unit in [start, end] (reader). */
int store_missed_verifications(int64_t unit_id, int32_t start, int32_t end,
    void (*cb)(const char *record_id, int32_t day, void *), void *arg);
/*
 * Possible double registrations (mother_pairs): pairs of live births with
 * one mother hash in two units at most 30 days apart.  store_pairs_add()
 * pairs a birth just stored (live, with a mother hash) with its partners;
 * store_pairs_drop() forgets every pair of one record before it changes
 * or is voided (writer).  store_pairs_range() calls cb for each pair whose
 * earlier birth a (by day, then unit id) falls in [start, end] (reader).
 */
int store_pairs_add(const stored_record *r);
int store_pairs_drop(int64_t unit_id, const char *record_id);
int store_pairs_range(int32_t start, int32_t end,
    void (*cb)(int64_t a_unit, const char *a_rec, int32_t a_day, int64_t b_unit,
	const char *b_rec, int32_t b_day, void *),
    void *arg);

/* Corrections (writer). */
int store_record_update(const stored_record *r);
int store_record_void(int64_t unit_id, const char *record_id);
/*
 * Re-check matched verification records of the unit with this hash in
 * [lo, hi]: each with no non-voided birth left within the window of its own
 * day is marked unmatched and cb is called with its day.
 */
int store_verification_recheck(int64_t unit_id, const uint8_t hash[HASH_LEN],
    int32_t lo, int32_t hi, int window, void (*cb)(int32_t day, void *arg),
    void *arg);

/* Audit log (reader): newest first, at most limit, since a date. */
typedef struct store_audit_row {
	int64_t id;
	const char *at, *user, *action, *unit, *object, *old, *new_, *reason;
} store_audit_row;
int store_audit_query(const char *since,
    int (*cb)(const store_audit_row *, void *), void *arg);

/* Approval locks. */
typedef struct store_lock {
	int64_t id, unit_id;
	int32_t start, end;
	const char *by, *at;
} store_lock;
int store_locks_load(void (*cb)(const store_lock *, void *), void *arg);
int store_lock_insert(int64_t unit_id, int32_t start, int32_t end,
    const char *by, int64_t *id);
int store_lock_delete(int64_t id);

/* Online backup of the database at src into a new file dst. */
int store_backup(const char *src, const char *dst, char *err, size_t errlen);

/* Dekad reports (旬报). */
typedef struct store_report {
	int64_t unit_id;
	int32_t start, end, due, filed;
	const char *filed_by, *note;
	int64_t confirmed[4], held[4]; /* births, deaths, mig_in, mig_out */
	int refiled;
} store_report;
/* 1 found, 0 not, -1 error; strings valid until the next store call. */
int store_report_get(int64_t unit_id, int32_t start, store_report *out);
int store_report_put(const store_report *r);
/* Filed reports of a unit with start in [lo, hi]. */
int store_reports_range(int64_t unit_id, int32_t lo, int32_t hi,
    void (*cb)(const store_report *, void *), void *arg);

/* Departments. */
int store_dept_insert(const char *code, const char *name, int64_t *id);
int store_depts_load(void (*cb)(int64_t id, const char *code, const char *name,
			 void *),
    void *arg);

/* Tasks (目标责任). */
typedef struct store_task {
	int64_t id;
	const char *title, *owner_kind, *owner, *person, *status;
	int32_t due;
	int progress;
} store_task;
int store_task_insert(const store_task *t, const char *by, int64_t *id);
int store_task_update(int64_t id, const char *status, int progress);
int store_task_note(int64_t id, const char *user, int progress,
    const char *status, const char *note);
/* Every task (reader), in id order. */
int store_tasks(void (*cb)(const store_task *, void *), void *arg);
int
store_task_get(int64_t id, void (*cb)(const store_task *, void *), void *arg);
int store_task_notes(int64_t id,
    void (*cb)(const char *at, const char *user, int progress,
	const char *status, const char *note, void *),
    void *arg);

/* Published bulletins: frozen data and texts. */
int store_bulletin_put(const char *key, const char *by, const void *data,
    size_t len);
int
store_bulletin_text_put(const char *key, const char *variant, const char *text);
/* 1 found (callback called), 0 not, -1 error. */
int store_bulletin_get(const char *key,
    void (*cb)(const char *at, const void *data, size_t len, void *),
    void *arg);
int store_bulletin_text_get(const char *key, const char *variant,
    void (*cb)(const char *text, void *), void *arg);

#endif
