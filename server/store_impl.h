/*
 * store_impl.h - what the store's own files (store.c, store_schema.c,
 * store_wal.c) share.  Nothing else includes it: the rest of the server
 * sees store.h only.
 */
#ifndef POPSTAT_STORE_IMPL_H
#define POPSTAT_STORE_IMPL_H

#include <sqlite3.h>
#include <stddef.h>

enum stmt_id {
	S_BEGIN,
	S_COMMIT,
	S_ROLLBACK,
	S_SAVEPOINT,
	S_RELEASE,
	S_ROLLBACK_TO,
	S_ROW_SAVEPOINT,
	S_ROW_RELEASE,
	S_ROW_ROLLBACK_TO,
	S_UNIT_INSERT,
	S_UNITS_ALL,
	S_USER_INSERT,
	S_USER_BY_TOKEN,
	S_USER_EXISTS,
	S_USERS_ALL,
	S_USER_BY_NAME,
	S_USER_DISABLE,
	S_USER_TOKEN,
	S_RECORD_GET,
	S_RECORD_INSERT,
	S_POP_ON,
	S_DAILY_ADD,
	S_BIRTH_MATCH,
	S_VERIF_FIND,
	S_VERIF_MARK,
	S_AUDIT,
	S_DAILY_ALL,
	S_POPS_ALL,
	S_IND_ALL,
	S_TGT_ALL,
	S_IND_PUT,
	S_TGT_PUT,
	S_TGT_DEL,
	S_MISSED,
	S_RECORD_UPDATE,
	S_RECORD_VOID,
	S_VERIF_MATCHED,
	S_VERIF_UNMARK,
	S_AUDIT_QUERY,
	S_LOCKS_ALL,
	S_LOCK_INSERT,
	S_LOCK_DELETE,
	S_REPORT_GET,
	S_REPORT_PUT,
	S_REPORTS_RANGE,
	S_DEPT_INSERT,
	S_DEPTS_ALL,
	S_TASK_INSERT,
	S_TASK_UPDATE,
	S_TASK_NOTE,
	S_TASKS_ALL,
	S_TASK_GET,
	S_TASK_NOTES,
	S_BULLETIN_PUT,
	S_BULLETIN_TEXT_PUT,
	S_BULLETIN_GET,
	S_BULLETIN_TEXT_GET,
	S_PAIRS_FIND,
	S_PAIR_ADD,
	S_PAIRS_DROP,
	S_PAIRS_RANGE,
	S_COUNT
};

/* store_schema.c */
int store_exec(sqlite3 *db, const char *sql, char *err, size_t errlen);
int store_open_conn(const char *path, int flags, sqlite3 **db, char *err,
    size_t errlen);
int store_schema_version(sqlite3 *db);
int store_schema_has_table(sqlite3 *db, const char *name);
int store_schema_migrate(sqlite3 *db, char *err, size_t errlen);
int store_schema_prepare(sqlite3 *db_w, sqlite3 *db_r, sqlite3_stmt **stmts,
    char *err, size_t errlen);

/* store_files.c: modes, the key file. */
int store_file_create(const char *path, char *err, size_t errlen);
void store_files_tighten(const char *db);
int store_key_create(const uint8_t key[SECRET_LEN], char *err, size_t errlen);
int
store_key_load(sqlite3 *db, uint8_t key[SECRET_LEN], char *err, size_t errlen);

/* store_wal.c: the checkpointer thread and the WAL sync, started on the
 * writer db_w once the schema is prepared. */
int store_wal_start(sqlite3 *db_w, const char *path, int durability, char *err,
    size_t errlen);
void store_wal_stop(void);

#endif
