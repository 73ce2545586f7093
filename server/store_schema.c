/*
 * store_schema.c - the database's schema and its statements: the
 * migrations that bring a file up to SCHEMA_VERSION, the table of every
 * prepared statement store.c runs, indexed by enum stmt_id, and opening a
 * connection with the settings every one of them has.
 */
#include "store.h"
#include "store_impl.h"
#include "store_sql.h"

#include <sqlite3.h>
#include <stdio.h>

#include "log.h"
#include "sbuf.h"

/*
 * Schema migrations: migrations[i] takes user_version i to i + 1.  A new
 * database runs them all; an old one runs the missing ones in one
 * transaction.  Never edit a step that has shipped: append a new one.
 */
static const char *const migrations[SCHEMA_VERSION] = {
	/* 0 -> 1: the first schema. */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);"
	"CREATE TABLE units(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE,"
	" name TEXT NOT NULL, parent_id INTEGER REFERENCES units(id),"
	" level TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL);"
	"CREATE INDEX units_parent ON units(parent_id);"
	"CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	" role TEXT NOT NULL, unit_id INTEGER REFERENCES units(id),"
	" token_hash BLOB NOT NULL UNIQUE, disabled INTEGER NOT NULL DEFAULT 0,"
	" created_at TEXT NOT NULL);"
	/* Keyed by (unit, record_id): a unit's rows stay together. */
	"CREATE TABLE records(unit_id INTEGER NOT NULL, record_id TEXT NOT "
	"NULL,"
	" kind INTEGER NOT NULL, day INTEGER NOT NULL,"
	" sex INTEGER NOT NULL DEFAULT 0, birth_order INTEGER NOT NULL DEFAULT "
	"0,"
	" policy INTEGER NOT NULL DEFAULT 0, mother_hash BLOB,"
	" age INTEGER NOT NULL DEFAULT 0, direction INTEGER NOT NULL DEFAULT 0,"
	" persons INTEGER NOT NULL DEFAULT 0, matched INTEGER NOT NULL DEFAULT "
	"0,"
	" voided INTEGER NOT NULL DEFAULT 0, received_day INTEGER NOT NULL,"
	" user_id INTEGER, PRIMARY KEY(unit_id, record_id)) WITHOUT ROWID;"
	"CREATE INDEX records_mother ON records(unit_id, mother_hash, day)"
	" WHERE mother_hash IS NOT NULL;"
	"CREATE INDEX records_pop ON records(unit_id, day) WHERE kind = 4;"
	"CREATE TABLE daily(unit_id INTEGER NOT NULL, day INTEGER NOT NULL,"
	" births INTEGER NOT NULL DEFAULT 0, births_male INTEGER NOT NULL "
	"DEFAULT 0,"
	" births_female INTEGER NOT NULL DEFAULT 0,"
	" births_policy INTEGER NOT NULL DEFAULT 0,"
	" births_order3 INTEGER NOT NULL DEFAULT 0,"
	" deaths INTEGER NOT NULL DEFAULT 0, mig_in INTEGER NOT NULL DEFAULT 0,"
	" mig_out INTEGER NOT NULL DEFAULT 0, verified INTEGER NOT NULL "
	"DEFAULT 0,"
	" verified_missed INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY(unit_id, day)) WITHOUT ROWID;"
	"CREATE TABLE indicators(name TEXT PRIMARY KEY, expr TEXT NOT NULL,"
	" unit TEXT NOT NULL, pos INTEGER NOT NULL);"
	"CREATE TABLE targets(indicator TEXT NOT NULL, unit_id INTEGER NOT "
	"NULL,"
	" op TEXT NOT NULL, value REAL NOT NULL, veto INTEGER NOT NULL,"
	" weight REAL NOT NULL, PRIMARY KEY(indicator, unit_id));"
	"CREATE TABLE audit(id INTEGER PRIMARY KEY, at TEXT NOT NULL,"
	" user TEXT NOT NULL, action TEXT NOT NULL, unit TEXT, object TEXT,"
	" old TEXT, new TEXT, reason TEXT);"
	"INSERT INTO indicators VALUES"
	" ('birth_rate', 'births / pop_avg * 1000', '‰', 1),"
	" ('death_rate', 'deaths / pop_avg * 1000', '‰', 2),"
	" ('natural_growth_rate', '(births - deaths) / pop_avg * 1000', '‰', "
	"3),"
	" ('birth_error_rate', 'verified_missed / verified * 100', '%', 4),"
	" ('policy_rate', 'births_policy / births * 100', '%', 5),"
	" ('sex_ratio', 'births_male / births_female * 100', 'per 100 girls', "
	"6),"
	" ('multi_child_rate', 'births_order3 / births * 100', '%', 7);"
	"INSERT INTO targets VALUES"
	" ('birth_rate', 0, '<=', 11.5, 1, 25),"
	" ('natural_growth_rate', 0, '<=', 5.5, 1, 25),"
	" ('birth_error_rate', 0, '<=', 3, 1, 25),"
	" ('policy_rate', 0, '>=', 95, 1, 25);",
	/* 1 -> 2: approval locks. */
	"CREATE TABLE locks(id INTEGER PRIMARY KEY,"
	" unit_id INTEGER NOT NULL REFERENCES units(id),"
	" start INTEGER NOT NULL, end INTEGER NOT NULL,"
	" approved_by TEXT NOT NULL, approved_at TEXT NOT NULL);",
	/* 2 -> 3: supervision (reports, departments, tasks, bulletins) and
	 * record timeliness counters, backfilled with the default 30 days. */
	"ALTER TABLE records ADD COLUMN timely INTEGER NOT NULL DEFAULT 1;"
	"UPDATE records SET timely = (received_day - day <= 30);"
	"ALTER TABLE daily ADD COLUMN records INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE daily ADD COLUMN timely INTEGER NOT NULL DEFAULT 0;"
	"INSERT INTO daily(unit_id, day, records, timely)"
	" SELECT unit_id, day, count(*), total(timely) FROM records"
	" WHERE voided = 0 GROUP BY unit_id, day"
	" ON CONFLICT(unit_id, day) DO UPDATE SET records = excluded.records,"
	" timely = excluded.timely;"
	"ALTER TABLE users ADD COLUMN dept_id INTEGER;"
	"CREATE TABLE departments(id INTEGER PRIMARY KEY,"
	" code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, created_at TEXT NOT "
	"NULL);"
	"CREATE TABLE reports(unit_id INTEGER NOT NULL REFERENCES units(id),"
	" start INTEGER NOT NULL, end INTEGER NOT NULL, due INTEGER NOT NULL,"
	" filed INTEGER NOT NULL, filed_by TEXT NOT NULL, note TEXT,"
	" c_births INTEGER NOT NULL, c_deaths INTEGER NOT NULL,"
	" c_mig_in INTEGER NOT NULL, c_mig_out INTEGER NOT NULL,"
	" h_births INTEGER NOT NULL, h_deaths INTEGER NOT NULL,"
	" h_mig_in INTEGER NOT NULL, h_mig_out INTEGER NOT NULL,"
	" refiled INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY(unit_id, start)) WITHOUT ROWID;"
	"CREATE TABLE tasks(id INTEGER PRIMARY KEY, title TEXT NOT NULL,"
	" owner_kind TEXT NOT NULL, owner TEXT NOT NULL, person TEXT,"
	" due INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'open',"
	" progress INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL,"
	" created_by TEXT NOT NULL);"
	"CREATE TABLE task_notes(id INTEGER PRIMARY KEY,"
	" task_id INTEGER NOT NULL REFERENCES tasks(id), at TEXT NOT NULL,"
	" user TEXT NOT NULL, progress INTEGER, status TEXT, note TEXT);"
	"CREATE TABLE bulletins(key TEXT PRIMARY KEY, published_at TEXT NOT "
	"NULL,"
	" published_by TEXT NOT NULL, data BLOB NOT NULL);"
	"CREATE TABLE bulletin_texts(key TEXT NOT NULL, variant TEXT NOT NULL,"
	" text TEXT NOT NULL, PRIMARY KEY(key, variant));",
	/* 3 -> 4: retired units (issue 22): the first day a unit is no
	 * longer ranked, reported or due; 0 while it is active. */
	"ALTER TABLE units ADD COLUMN retired_from INTEGER NOT NULL"
	" DEFAULT 0;",
	/* 4 -> 5: moves and merges of units (issue 22); units.parent_id
	 * stays the first parent, the moves in order make the later ones. */
	"CREATE TABLE unit_moves(id INTEGER PRIMARY KEY,"
	" unit_id INTEGER NOT NULL REFERENCES units(id),"
	" day INTEGER NOT NULL, from_id INTEGER REFERENCES units(id),"
	" to_id INTEGER NOT NULL REFERENCES units(id),"
	" merged INTEGER NOT NULL DEFAULT 0, at TEXT NOT NULL);",
	/* 5 -> 6: earlier names (unit rename --from): a unit was called
	 * name on the days before until. */
	"CREATE TABLE unit_names(unit_id INTEGER NOT NULL REFERENCES"
	" units(id), until INTEGER NOT NULL, name TEXT NOT NULL,"
	" PRIMARY KEY(unit_id, until));",
	/* 6 -> 7: possible double registrations (issue 24), kept as each
	 * birth is stored instead of found by reading every birth of a
	 * subtree per quality request: every pair of live births with one
	 * mother hash in two units at most 30 days apart, a the earlier by
	 * (day, unit id).  records_mhash replaces records_mother (whose
	 * unit-first order could not find a mother in other units): every
	 * look-up by mother hash is of a few rows in a window of days; the
	 * unit-wide list of missed verifications gets its own small index. */
	"DROP INDEX records_mother;"
	"CREATE INDEX records_mhash ON records(mother_hash, day)"
	" WHERE mother_hash IS NOT NULL;"
	"CREATE INDEX records_missed ON records(unit_id, day)"
	" WHERE kind = 5 AND matched = 0 AND voided = 0"
	" AND mother_hash IS NOT NULL;"
	"CREATE TABLE mother_pairs(a_unit INTEGER NOT NULL,"
	" a_rec TEXT NOT NULL, a_day INTEGER NOT NULL,"
	" b_unit INTEGER NOT NULL, b_rec TEXT NOT NULL,"
	" b_day INTEGER NOT NULL,"
	" PRIMARY KEY(a_unit, a_rec, b_unit, b_rec)) WITHOUT ROWID;"
	"CREATE INDEX mother_pairs_b ON mother_pairs(b_unit, b_rec);"
	"CREATE INDEX mother_pairs_day ON mother_pairs(a_day);"
	"INSERT INTO mother_pairs SELECT a.unit_id, a.record_id, a.day,"
	" b.unit_id, b.record_id, b.day FROM records a JOIN records b"
	" INDEXED BY records_mhash ON b.mother_hash = a.mother_hash"
	" AND b.day BETWEEN a.day AND a.day + 30 AND b.kind = 1"
	" AND b.voided = 0 AND b.unit_id <> a.unit_id"
	" AND (b.day > a.day OR b.unit_id > a.unit_id)"
	" WHERE a.kind = 1 AND a.mother_hash IS NOT NULL AND a.voided = 0;",
};

/* Which connection each statement is prepared on. */
#define READER 1
static const struct {
	int conn;
	const char *sql;
} stmt_sql[S_COUNT] = {
	[S_BEGIN] = { 0, "BEGIN IMMEDIATE" },
	[S_COMMIT] = { 0, "COMMIT" },
	[S_ROLLBACK] = { 0, "ROLLBACK" },
	[S_SAVEPOINT] = { 0, "SAVEPOINT req" },
	[S_RELEASE] = { 0, "RELEASE req" },
	[S_ROLLBACK_TO] = { 0, "ROLLBACK TO req" },
	[S_ROW_SAVEPOINT] = { 0, "SAVEPOINT row" },
	[S_ROW_RELEASE] = { 0, "RELEASE row" },
	[S_ROW_ROLLBACK_TO] = { 0, "ROLLBACK TO row" },
	[S_UNIT_INSERT] = { 0,
	    "INSERT INTO units(code, name, parent_id, level,"
	    " created_at) VALUES (?1, ?2, ?3, ?4, ?5)" },
	[S_UNITS_ALL] = { 0,
	    "SELECT id, coalesce(parent_id, 0), code, name,"
	    " level, retired_from FROM units ORDER BY id" },
	[S_USER_INSERT] = { 0,
	    "INSERT INTO users(name, role, unit_id,"
	    " token_hash, created_at, dept_id) VALUES (?1, ?2, ?3, ?4, ?5, "
	    "?6)" },
	[S_USER_BY_TOKEN] = { 0,
	    "SELECT id, name, role, coalesce(unit_id, 0),"
	    " disabled, created_at, coalesce(dept_id, 0) FROM users"
	    " WHERE token_hash = ?1" },
	[S_USER_EXISTS] = { 0, "SELECT 1 FROM users WHERE name = ?1" },
	[S_USER_BY_NAME] = { 0,
	    "SELECT id, name, role, coalesce(unit_id, 0),"
	    " disabled, created_at, coalesce(dept_id, 0) FROM users"
	    " WHERE name = ?1" },
	[S_USER_DISABLE] = { 0,
	    "UPDATE users SET disabled = ?2 WHERE id = ?1" },
	[S_USER_TOKEN] = { 0,
	    "UPDATE users SET token_hash = ?2 WHERE id = ?1" },
	[S_USERS_ALL] = { READER,
	    "SELECT id, name, role, coalesce(unit_id, 0),"
	    " disabled, created_at, coalesce(dept_id, 0) FROM users"
	    " ORDER BY name" },
	[S_RECORD_GET] = { 0,
	    "SELECT kind, day, sex, birth_order, policy,"
	    " mother_hash, age, direction, persons, matched, voided, "
	    "received_day,"
	    " timely FROM records WHERE unit_id = ?1 AND record_id = ?2" },
	[S_RECORD_INSERT] = { 0, SQL_RECORD_INSERT },
	[S_POP_ON] = { 0,
	    "SELECT persons, record_id FROM records"
	    " INDEXED BY records_pop WHERE"
	    " unit_id = ?1 AND day = ?2 AND kind = 4 AND voided = 0 AND"
	    " record_id <> ?3 LIMIT 1" },
	[S_DAILY_ADD] = { 0, SQL_DAILY_ADD },
	[S_BIRTH_MATCH] = { 0,
	    "SELECT 1 FROM records WHERE unit_id = ?1 AND"
	    " mother_hash = ?2 AND day BETWEEN ?3 AND ?4 AND kind = 1 AND"
	    " voided = 0 LIMIT 1" },
	[S_VERIF_FIND] = { 0,
	    "SELECT record_id, day FROM records WHERE"
	    " unit_id = ?1 AND mother_hash = ?2 AND day BETWEEN ?3 AND ?4 AND"
	    " kind = 5 AND matched = 0 AND voided = 0" },
	[S_VERIF_MARK] = { 0,
	    "UPDATE records SET matched = 1 WHERE"
	    " unit_id = ?1 AND record_id = ?2" },
	[S_AUDIT] = { 0, SQL_AUDIT },
	/* Start-up: the in-memory tally is loaded from these (on the
	 * reader, so the writer's page cache starts empty). */
	[S_DAILY_ALL] = { READER,
	    "SELECT unit_id, day, births, births_male,"
	    " births_female, births_policy, births_order3, deaths, mig_in,"
	    " mig_out, verified, verified_missed, records, timely FROM daily" },
	[S_POPS_ALL] = { READER,
	    "SELECT unit_id, day, persons FROM records"
	    " WHERE kind = 4 AND voided = 0" },
	[S_IND_ALL] = { 0,
	    "SELECT name, expr, unit, pos FROM indicators"
	    " ORDER BY pos, name" },
	[S_TGT_ALL] = { 0,
	    "SELECT indicator, unit_id, op, value, veto, weight"
	    " FROM targets ORDER BY indicator, unit_id" },
	[S_IND_PUT] = { 0,
	    "INSERT INTO indicators(name, expr, unit, pos) VALUES"
	    " (?1, ?2, ?3, (SELECT coalesce(max(pos), 0) + 1 FROM indicators))"
	    " ON CONFLICT(name) DO UPDATE SET expr = ?2, unit = ?3" },
	[S_TGT_PUT] = { 0,
	    "INSERT INTO targets(indicator, unit_id, op, value,"
	    " veto, weight) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON "
	    "CONFLICT(indicator,"
	    " unit_id) DO UPDATE SET op = ?3, value = ?4, veto = ?5, weight = "
	    "?6" },
	[S_TGT_DEL] = { 0,
	    "DELETE FROM targets WHERE indicator = ?1 AND"
	    " unit_id = ?2" },
	[S_RECORD_UPDATE] = { 0,
	    "UPDATE records SET kind = ?3, day = ?4,"
	    " sex = ?5, birth_order = ?6, policy = ?7, mother_hash = ?8, age = "
	    "?9,"
	    " direction = ?10, persons = ?11, matched = ?12, timely = ?13"
	    " WHERE unit_id = ?1 AND record_id = ?2" },
	[S_RECORD_VOID] = { 0,
	    "UPDATE records SET voided = 1 WHERE"
	    " unit_id = ?1 AND record_id = ?2" },
	[S_VERIF_MATCHED] = { 0,
	    "SELECT record_id, day FROM records WHERE"
	    " unit_id = ?1 AND mother_hash = ?2 AND day BETWEEN ?3 AND ?4 AND"
	    " kind = 5 AND matched = 1 AND voided = 0" },
	[S_VERIF_UNMARK] = { 0,
	    "UPDATE records SET matched = 0 WHERE"
	    " unit_id = ?1 AND record_id = ?2" },
	[S_AUDIT_QUERY] = { READER,
	    "SELECT id, at, user, action, unit, object,"
	    " old, new, reason FROM audit WHERE at >= ?1 ORDER BY id DESC" },
	[S_LOCKS_ALL] = { 0,
	    "SELECT id, unit_id, start, end, approved_by,"
	    " approved_at FROM locks ORDER BY id" },
	[S_LOCK_INSERT] = { 0,
	    "INSERT INTO locks(unit_id, start, end,"
	    " approved_by, approved_at) VALUES (?1, ?2, ?3, ?4, ?5)" },
	[S_LOCK_DELETE] = { 0, "DELETE FROM locks WHERE id = ?1" },
	[S_REPORT_GET] = { 0,
	    "SELECT start, end, due, filed, filed_by, note,"
	    " c_births, c_deaths, c_mig_in, c_mig_out, h_births, h_deaths,"
	    " h_mig_in, h_mig_out, refiled FROM reports WHERE unit_id = ?1 AND"
	    " start = ?2" },
	[S_REPORT_PUT] = { 0,
	    "INSERT OR REPLACE INTO reports(unit_id, start,"
	    " end, due, filed, filed_by, note, c_births, c_deaths, c_mig_in,"
	    " c_mig_out, h_births, h_deaths, h_mig_in, h_mig_out, refiled) "
	    "VALUES"
	    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
	    "?15,"
	    " ?16)" },
	[S_REPORTS_RANGE] = { READER,
	    "SELECT start, end, due, filed, filed_by,"
	    " note, c_births, c_deaths, c_mig_in, c_mig_out, h_births, "
	    "h_deaths,"
	    " h_mig_in, h_mig_out, refiled FROM reports WHERE unit_id = ?1 AND"
	    " start BETWEEN ?2 AND ?3 ORDER BY start" },
	[S_DEPT_INSERT] = { 0,
	    "INSERT INTO departments(code, name, created_at)"
	    " VALUES (?1, ?2, ?3)" },
	/* By id: indexes then match the order depts_add() gave them. */
	[S_DEPTS_ALL] = { 0,
	    "SELECT id, code, name FROM departments"
	    " ORDER BY id" },
	[S_TASK_INSERT] = { 0,
	    "INSERT INTO tasks(title, owner_kind, owner,"
	    " person, due, status, progress, created_at, created_by) VALUES"
	    " (?1, ?2, ?3, ?4, ?5, 'open', 0, ?6, ?7)" },
	[S_TASK_UPDATE] = { 0,
	    "UPDATE tasks SET status = ?2, progress = ?3"
	    " WHERE id = ?1" },
	[S_TASK_NOTE] = { 0,
	    "INSERT INTO task_notes(task_id, at, user,"
	    " progress, status, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)" },
	[S_TASKS_ALL] = { READER,
	    "SELECT id, title, owner_kind, owner, person,"
	    " due, status, progress FROM tasks ORDER BY id" },
	[S_TASK_GET] = { 0,
	    "SELECT id, title, owner_kind, owner, person, due,"
	    " status, progress FROM tasks WHERE id = ?1" },
	[S_TASK_NOTES] = { READER,
	    "SELECT at, user, progress, status, note"
	    " FROM task_notes WHERE task_id = ?1 ORDER BY id" },
	[S_BULLETIN_PUT] = { 0,
	    "INSERT INTO bulletins(key, published_at,"
	    " published_by, data) VALUES (?1, ?2, ?3, ?4)" },
	[S_BULLETIN_TEXT_PUT] = { 0,
	    "INSERT INTO bulletin_texts(key, variant,"
	    " text) VALUES (?1, ?2, ?3)" },
	[S_BULLETIN_GET] = { 0,
	    "SELECT published_at, data FROM bulletins"
	    " WHERE key = ?1" },
	[S_BULLETIN_TEXT_GET] = { 0,
	    "SELECT text FROM bulletin_texts WHERE"
	    " key = ?1 AND variant = ?2" },
	[S_MISSED] = { READER,
	    "SELECT record_id, day FROM records WHERE"
	    " unit_id = ?1 AND mother_hash IS NOT NULL AND kind = 5 AND"
	    " matched = 0 AND voided = 0 AND day BETWEEN ?2 AND ?3"
	    " ORDER BY day, record_id" },
	[S_PAIRS_FIND] = { 0, SQL_PAIRS_FIND },
	[S_PAIR_ADD] = { 0, SQL_PAIR_ADD },
	[S_PAIRS_DROP] = { 0,
	    "DELETE FROM mother_pairs WHERE"
	    " (a_unit = ?1 AND a_rec = ?2) OR (b_unit = ?1 AND b_rec = ?2)" },
	[S_PAIRS_RANGE] = { READER,
	    "SELECT a_unit, a_rec, a_day, b_unit, b_rec, b_day"
	    " FROM mother_pairs WHERE a_day BETWEEN ?1 AND ?2" },
};

int
store_exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		xsnprintf(err, errlen, "%s", msg ? msg : "sqlite error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int
store_open_conn(const char *path, int flags, sqlite3 **db, char *err,
    size_t errlen)
{
	if (sqlite3_open_v2(path, db, flags, NULL) != SQLITE_OK) {
		xsnprintf(err, errlen, "%s: %s", path,
		    *db ? sqlite3_errmsg(*db) : "cannot open");
		sqlite3_close(*db);
		*db = NULL;
		return -1;
	}
	sqlite3_busy_timeout(*db, 5000);
	sqlite3_extended_result_codes(*db, 1);
	return 0;
}

/* Nonzero when the database has a table of that name. */
int
store_schema_has_table(sqlite3 *db, const char *name)
{
	sqlite3_stmt *s;
	int found = 0;

	if (sqlite3_prepare_v2(db,
		"SELECT 1 FROM sqlite_master WHERE"
		" type = 'table' AND name = ?",
		-1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return found;
}

int
store_schema_version(sqlite3 *db)
{
	sqlite3_stmt *s;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* Bring the schema up to SCHEMA_VERSION in one transaction. */
int
store_schema_migrate(sqlite3 *db, char *err, size_t errlen)
{
	char sql[64];
	int v = store_schema_version(db);

	if (v < 0) {
		xsnprintf(err, errlen, "cannot read schema version: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	if (v > SCHEMA_VERSION) {
		xsnprintf(err, errlen,
		    "database schema version %d is newer than"
		    " this popstatd (%d)",
		    v, SCHEMA_VERSION);
		return -1;
	}
	if (v == SCHEMA_VERSION)
		return 0;
	if (store_exec(db, "BEGIN IMMEDIATE", err, errlen) < 0)
		return -1;
	/* 6 -> 7 reads every birth: minutes for tens of millions. */
	if (v > 0)
		log_info("migrating the database from schema %d to %d (one"
			 " transaction; on a large database this takes "
			 "minutes)",
		    v, SCHEMA_VERSION);
	for (; v < SCHEMA_VERSION; v++) {
		if (store_exec(db, migrations[v], err, errlen) < 0)
			goto fail;
		log_info("schema migrated to version %d", v + 1);
	}
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", SCHEMA_VERSION);
	if (store_exec(db, sql, err, errlen) < 0 ||
	    store_exec(db, "COMMIT", err, errlen) < 0)
		goto fail;
	return 0;
fail:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* Prepare every statement of stmt_sql[] on its connection. */
int
store_schema_prepare(sqlite3 *db_w, sqlite3 *db_r, sqlite3_stmt **stmts,
    char *err, size_t errlen)
{
	int i;

	for (i = 0; i < S_COUNT; i++) {
		sqlite3 *db = stmt_sql[i].conn == READER ? db_r : db_w;

		if (sqlite3_prepare_v3(db, stmt_sql[i].sql, -1,
			SQLITE_PREPARE_PERSISTENT, &stmts[i],
			NULL) != SQLITE_OK) {
			xsnprintf(err, errlen, "prepare %d: %s", i,
			    sqlite3_errmsg(db));
			return -1;
		}
	}
	return 0;
}
