/*
 * store_sql.h - the statements that store a new record, shared with
 * bench/preload.c, which fills a database exactly as popstatd would.
 */
#ifndef POPSTAT_STORE_SQL_H
#define POPSTAT_STORE_SQL_H

#define SQL_RECORD_INSERT                                                      \
	"INSERT INTO records(unit_id, record_id, kind,"                        \
	" day, sex, birth_order, policy, mother_hash, age, direction, "        \
	"persons,"                                                             \
	" matched, received_day, user_id, timely) VALUES (?1, ?2, ?3, ?4, ?5," \
	" ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"

#define SQL_DAILY_ADD                                                          \
	"INSERT INTO daily(unit_id, day, births,"                              \
	" births_male, births_female, births_policy, births_order3, deaths,"   \
	" mig_in, mig_out, verified, verified_missed, records, timely)"        \
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "    \
	"?14)"                                                                 \
	" ON CONFLICT(unit_id, day) DO"                                        \
	" UPDATE SET births = births + ?3, births_male = births_male + ?4,"    \
	" births_female = births_female + ?5,"                                 \
	" births_policy = births_policy + ?6,"                                 \
	" births_order3 = births_order3 + ?7, deaths = deaths + ?8,"           \
	" mig_in = mig_in + ?9, mig_out = mig_out + ?10,"                      \
	" verified = verified + ?11, verified_missed = verified_missed + ?12," \
	" records = records + ?13, timely = timely + ?14"

#define SQL_AUDIT                                                              \
	"INSERT INTO audit(at, user, action, unit, object, old,"               \
	" new, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"

/*
 * A new birth's partners for mother_pairs: the live births of the same
 * mother hash (?1) within 30 days (?2..?3) in another unit (?4).
 */
#define SQL_PAIRS_FIND                                                         \
	"SELECT unit_id, record_id, day FROM records INDEXED BY"               \
	" records_mhash WHERE mother_hash = ?1 AND day BETWEEN ?2 AND ?3"      \
	" AND kind = 1 AND voided = 0 AND unit_id <> ?4"

#define SQL_PAIR_ADD                                                           \
	"INSERT OR IGNORE INTO mother_pairs(a_unit, a_rec, a_day, b_unit,"     \
	" b_rec, b_day) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"

#endif
