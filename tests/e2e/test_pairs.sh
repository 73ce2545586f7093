#!/usr/bin/env bash
# End-to-end test of the possible double registrations kept as births are
# stored (mother_pairs, doc/internals.md): `popstat quality` after every
# kind of change to a birth (new, amended mother, amended date, amended
# back, voided), the 30-day edge, one unit never pairs with itself, three
# units make three pairs, a subtree sees only its own, and a database of
# schema 6 (no mother_pairs) gets its pairs from the migration.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
start_server
F=$WORK/data
mkdir -p "$F"
unit() { expect_rc 0 "unit add $1" "$PS" unit add "$@"; }
unit 610600 对县 --level county
unit 610601 甲片 --parent 610600 --level district
unit 610602 乙片 --parent 610600 --level district
unit 610601001 甲镇 --parent 610601 --level township
unit 610601002 乙镇 --parent 610601 --level township
unit 610602001 丙镇 --parent 610602 --level township
HDR=record_id,unit,date,sex,birth_order,policy,mother_id
cat > "$F/b.csv" <<EOF
$HDR
r1,610601001,2026-11-10,F,1,Y,MA
r2,610601002,2026-11-20,M,1,Y,MA
r3,610601001,2026-11-25,F,1,Y,MA
r4,610601001,2026-10-01,F,1,Y,MB
r5,610601002,2026-10-31,F,1,Y,MB
r6,610601001,2026-09-01,F,1,Y,MC
r7,610601002,2026-10-02,F,1,Y,MC
EOF
expect_rc 0 "submit births" "$PS" submit "$F/b.csv" --kind birth

# pairs PARENT PERIOD: "unit:unit:id:id" for each double registration.
pairs() {
	expect_rc 0 "quality $1 $2" "$PS" quality --parent "$1" --period "$2" --json
	json "' '.join(':'.join(f['detail']['units'] + f['detail']['record_ids']) for f in j['flags'] if f['check'] == 'double_registration')"
}
# MA: r1 (001) and r2 (002) 10 days apart, r2 and r3 (001) 5 days; r1 and
# r3 are one unit.  MB: 30 days apart (a pair); MC: 31 (none).
expect_eq "$(pairs 610600 2026-11)" \
	"610601001:610601002:r1:r2 610601002:610601001:r2:r3" "one mother in two units, twice"
expect_eq "$(pairs 610600 2026-10)" "610601001:610601002:r4:r5" "30 days apart is a pair, 31 is not"
expect_eq "$(pairs 610600 2026-09)" "" "nothing in September"
expect_eq "$(pairs 610602 2026-11)" "" "another district sees none of them"
expect_eq "$(pairs 610601 2026-11)" \
	"610601001:610601002:r1:r2 610601002:610601001:r2:r3" "the district sees its own"
expect_eq "$(sql 'select count(*) from mother_pairs')" 3 "three pairs stored"

# A birth of MA in a third unit: pairs with r1, r2 and r3.
printf '%s\nr8,610602001,2026-11-15,M,1,Y,MA\n' "$HDR" > "$F/b8.csv"
expect_rc 0 "submit r8" "$PS" submit "$F/b8.csv" --kind birth
expect_eq "$(pairs 610600 2026-11)" \
	"610601001:610602001:r1:r8 610601001:610601002:r1:r2 610602001:610601002:r8:r2 610602001:610601001:r8:r3 610601002:610601001:r2:r3" \
	"a third unit pairs with all three"
expect_eq "$(pairs 610601 2026-11)" \
	"610601001:610601002:r1:r2 610601002:610601001:r2:r3" "the district still sees only its own"

# Amend r2's mother: its pairs go; amend it back: they return.
printf '%s\nr2,610601002,2026-11-20,M,1,Y,MZ\n' "$HDR" > "$F/a1.csv"
expect_rc 0 "amend r2's mother" "$PS" amend "$F/a1.csv" --reason "wrong mother"
expect_eq "$(pairs 610600 2026-11)" \
	"610601001:610602001:r1:r8 610602001:610601001:r8:r3" "r2 has no partner now"
printf '%s\nr2,610601002,2026-11-20,M,1,Y,MA\n' "$HDR" > "$F/a2.csv"
expect_rc 0 "amend r2 back" "$PS" amend "$F/a2.csv" --reason "it was right"
expect_eq "$(pairs 610600 2026-11)" \
	"610601001:610602001:r1:r8 610601001:610601002:r1:r2 610602001:610601002:r8:r2 610602001:610601001:r8:r3 610601002:610601001:r2:r3" \
	"r2's pairs are back"
# Amend r5's date to 31 days after r4: the MB pair goes; and one day back.
printf '%s\nr5,610601002,2026-11-01,F,1,Y,MB\n' "$HDR" > "$F/a3.csv"
expect_rc 0 "amend r5's date" "$PS" amend "$F/a3.csv" --reason "wrong date"
expect_eq "$(pairs 610600 2026-10)" "" "31 days: no pair"
expect_eq "$(pairs 610600 2026-11)" \
	"610601001:610602001:r1:r8 610601001:610601002:r1:r2 610602001:610601002:r8:r2 610602001:610601001:r8:r3 610601002:610601001:r2:r3" \
	"r5 on 11-01 pairs with nothing"
printf '%s\nr4,610601001,2026-10-02,F,1,Y,MB\n' "$HDR" > "$F/a4.csv"
expect_rc 0 "amend r4's date" "$PS" amend "$F/a4.csv" --reason "wrong date"
expect_eq "$(pairs 610600 2026-11)" \
	"610601001:610601002:r4:r5 610601001:610602001:r1:r8 610601001:610601002:r1:r2 610602001:610601002:r8:r2 610602001:610601001:r8:r3 610601002:610601001:r2:r3" \
	"30 days again: r4 (October) and r5 (November) pair in November"
# Void r8: its three pairs go.
expect_rc 0 "void r8" "$PS" void r8 --unit 610602001 --reason "registered twice"
expect_eq "$(pairs 610600 2026-11)" \
	"610601001:610601002:r4:r5 610601001:610601002:r1:r2 610601002:610601001:r2:r3" "a voided birth pairs with nothing"
expect_eq "$(sql 'select count(*) from mother_pairs')" 3 "three pairs stored again"
stop_server
start_server
expect_eq "$(pairs 610600 2026-11)" \
	"610601001:610601002:r4:r5 610601001:610601002:r1:r2 610601002:610601001:r2:r3" "the same after a restart"
stop_server

# A database of schema 6 had no mother_pairs: the migration finds them.
cp "$DB" "$WORK/old.db"
cp "$DB.key" "$WORK/old.db.key"
sqlite3 "$WORK/old.db" "DROP TABLE mother_pairs; DROP INDEX records_mhash; DROP INDEX records_missed; CREATE INDEX records_mother ON records(unit_id, mother_hash, day) WHERE mother_hash IS NOT NULL; PRAGMA user_version = 6;"
OLDDB=$DB
DB=$WORK/old.db start_server
expect_eq "$(pairs 610600 2026-11)" \
	"610601001:610601002:r4:r5 610601001:610601002:r1:r2 610601002:610601001:r2:r3" "schema 6: the migration pairs them"
expect_eq "$(sqlite3 -readonly "$WORK/old.db" 'pragma user_version')" 7 "schema 6 became 7"
expect_eq "$(grep -c "migrating the database from schema 6 to 7" "$WORK/server.log")" 1 "the log says a migration runs (minutes on a large database)"
expect_eq "$(sqlite3 -readonly "$WORK/old.db" 'select a_unit, a_rec, a_day, b_unit, b_rec, b_day from mother_pairs order by 1, 2, 4, 5')" \
	"$(sqlite3 -readonly "$OLDDB" 'select a_unit, a_rec, a_day, b_unit, b_rec, b_day from mother_pairs order by 1, 2, 4, 5')" \
	"the migration's pairs are the submit path's, row for row"
printf '%s\nr9,610602001,2026-11-21,M,1,Y,MA\n' "$HDR" > "$F/b9.csv"
expect_rc 0 "submit r9 after the migration" "$PS" submit "$F/b9.csv" --kind birth
expect_eq "$(pairs 610600 2026-11 | wc -w)" 6 "a new birth pairs after the migration"
stop_server
finish
