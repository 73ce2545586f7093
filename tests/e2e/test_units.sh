#!/usr/bin/env bash
# Unit changes (issue 22): rename, retire, delete, each audited; the
# tables of a period list the tree as it was on the period's last day; a
# retired unit's records stay in its parent's totals; databases of older
# schema versions (tests/fixtures/schema*.db) are migrated on open.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

start_server
"$PS" -q unit add 610328 陇县 --level county
"$PS" -q unit add 610328101 城关慎 --parent 610328 --level township
"$PS" -q unit add 610328102 东风镇 --parent 610328 --level township
"$PS" -q unit add 610328103 错误乡 --parent 610328 --level township
"$PS" -q unit add 610328104 天成乡 --parent 610328 --level township
"$PS" -q unit add 610328104001 天成村 --parent 610328104 --level village
CLERK=$("$PS" user add clerk-102 --role clerk --unit 610328102)
cat > "$WORK/pop.csv" <<'EOC'
record_id,unit,date,persons
P1,610328101,2025-12-31,20000
P2,610328102,2025-12-31,15000
P4,610328104,2025-12-31,8000
EOC
cat > "$WORK/births.csv" <<'EOC'
record_id,unit,date,sex,birth_order,policy,mother_id
B1,610328101,2026-01-05,M,1,Y,M001
B2,610328102,2026-02-06,F,1,Y,M002
B3,610328104,2026-03-07,M,2,Y,M003
B4,610328104,2026-06-30,F,1,Y,M004
EOC
expect_rc 0 "population" "$PS" submit "$WORK/pop.csv"
expect_rc 0 "births" "$PS" submit "$WORK/births.csv"
"$PS" -q target set birth_rate '<=' 11.5 --veto

# 1. rename
expect_rc 0 "rename" "$PS" unit rename 610328101 城关镇
expect_out "renamed 城关镇 (was 城关慎)" "rename says old and new"
expect_rc 0 "list" "$PS" --json unit list
expect_eq "$(json '[u["name"] for u in j if u["code"]=="610328101"][0]')" 城关镇 "the new name is listed"
expect_rc 0 "ranking shows the new name" "$PS" --json ranking --parent 610328 --period 2026-01
expect_eq "$(json '[x["name"] for x in j["rows"] if x["unit"]=="610328101"][0]')" 城关镇 "ranking row name"
expect_rc 0 "audit" "$PS" --json audit --unit 610328101
expect_out "unit.rename" "rename is audited"
expect_out "城关慎" "the audit keeps the old name"
expect_rc 1 "rename to an empty name" "$PS" unit rename 610328101 ""
expect_err "name: must be" "an empty name is refused with the rule"
expect_rc 1 "rename an unknown unit" "$PS" unit rename 999 某
expect_err "unit 999 does not exist" "unknown unit named"
expect_rc 3 "a clerk cannot rename" "$PS" --token "$CLERK" unit rename 610328102 东风
expect_rc 2 "rename without NAME" "$PS" unit rename 610328101
# A rename from a date (a township renamed by the map): earlier tables
# keep the old name.
expect_rc 0 "rename from a date" "$PS" unit rename 610328102 东风新镇 --from 2026-07-01
expect_out "from 2026-07-01" "the date is acknowledged"
expect_rc 0 "ranking before the date" "$PS" --json ranking --parent 610328 --period 2026-06
expect_eq "$(json '[x["name"] for x in j["rows"] if x["unit"]=="610328102"][0]')" 东风镇 "the old name before the date"
expect_rc 0 "ranking after the date" "$PS" --json ranking --parent 610328 --period 2026
expect_eq "$(json '[x["name"] for x in j["rows"] if x["unit"]=="610328102"][0]')" 东风新镇 "the new name from it"
expect_rc 0 "status before the date" "$PS" --json status --unit 610328102 --period 2026-03
expect_eq "$(json 'j["name"]')" 东风镇 "status of an earlier period: the old name"
expect_rc 1 "a rename dated before the last" "$PS" unit rename 610328102 某镇 --from 2026-05-01
expect_err "later rename must be dated after it" "renames keep their order"

# 2. delete
expect_rc 1 "delete a unit with records" "$PS" unit delete 610328101
expect_err "holds records" "says what it holds"
expect_err "popstat unit retire 610328101 --from DATE" "suggests retire"
expect_rc 1 "delete a unit with children" "$PS" unit delete 610328
expect_err "holds" "a parent is refused"
"$PS" -q unit add 610328105 新乡 --parent 610328 --level township
"$PS" -q user add clerk-105 --role clerk --unit 610328105 >/dev/null
expect_rc 1 "delete a unit with an account" "$PS" unit delete 610328105
expect_err "holds accounts" "an account forbids deleting"
printf 'record_id,unit,date,persons\nP5,610328105,2025-12-31,1000\n' > "$WORK/pop5.csv"
"$PS" -q submit "$WORK/pop5.csv"
expect_rc 0 "delete the mistyped unit" "$PS" unit delete 610328103
expect_out "unit 610328103 deleted" "delete acknowledged"
expect_rc 0 "list" "$PS" --json unit list
expect_eq "$(json 'len([u for u in j if u["code"]=="610328103"])')" 0 "the deleted unit is gone"
expect_rc 1 "a deleted unit is unknown" "$PS" unit rename 610328103 x
expect_rc 0 "audit of the delete" "$PS" --json audit
expect_out "unit.delete" "delete is audited"
expect_out "错误乡" "the audit keeps what was deleted"
expect_rc 0 "ranking without the deleted unit" "$PS" --json ranking --parent 610328 --period 2026
expect_eq "$(json 'len([x for x in j["rows"] if x["unit"]=="610328103"])')" 0 "not ranked"
expect_rc 0 "the code can be used again" "$PS" unit add 610328103 正确乡 --parent 610328 --level township
expect_rc 0 "and deleted again" "$PS" unit delete 610328103

# 3. retire
expect_rc 1 "retire a unit with an active child" "$PS" unit retire 610328104 --from 2026-07-01
expect_err "has child 610328104001 active on 2026-07-01" "children first"
expect_rc 2 "retire needs --from" "$PS" unit retire 610328104001
expect_rc 1 "retire with a bad date" "$PS" unit retire 610328104001 --from 2026-13-01
expect_err "--from" "the bad date is named"
expect_rc 0 "retire the village" "$PS" unit retire 610328104001 --from 2026-07-01
expect_rc 0 "retire the township" "$PS" unit retire 610328104 --from 2026-07-01
expect_out "retired from 2026-07-01" "retire acknowledged"
expect_rc 0 "retire again, same date" "$PS" unit retire 610328104 --from 2026-07-01
expect_out "already retired" "idempotent"
expect_rc 0 "list shows retirement" "$PS" --json unit list
expect_eq "$(json '[u["retired_from"] for u in j if u["code"]=="610328104"][0]')" 2026-07-01 "retired_from in the list"
expect_eq "$(json '[u["retired_from"] for u in j if u["code"]=="610328102"][0]')" None "an active unit has none"
expect_rc 0 "audit of the retire" "$PS" --json audit --unit 610328104
expect_out "unit.retire" "retire is audited"

# Tables of a past period list it; from the date on, not.
expect_rc 0 "ranking of 2026-06" "$PS" --json ranking --parent 610328 --period 2026-06
expect_eq "$(json 'len([x for x in j["rows"] if x["unit"]=="610328104"])')" 1 "ranked in a period before"
expect_rc 0 "ranking of 2026H1" "$PS" --json ranking --parent 610328 --period 2026H1
expect_eq "$(json 'len([x for x in j["rows"] if x["unit"]=="610328104"])')" 1 "ranked in 2026H1 (ends before)"
expect_rc 0 "ranking of 2026-07" "$PS" --json ranking --parent 610328 --period 2026-07
expect_eq "$(json 'len([x for x in j["rows"] if x["unit"]=="610328104"])')" 0 "not ranked from the date"
expect_rc 0 "ranking of 2026" "$PS" --json ranking --parent 610328 --period 2026
expect_eq "$(json 'len([x for x in j["rows"] if x["unit"]=="610328104"])')" 0 "not ranked in a period ending after"
expect_eq "$(json 'sorted(x["unit"] for x in j["rows"])')" "['610328101', '610328102', '610328105']" "the others are"
# Its records still count for the county.
expect_rc 0 "county status 2026" "$PS" --json status --unit 610328 --period 2026
expect_eq "$(json 'j["counters"]["births"]')" 4 "the retired unit's births count for the county"
expect_eq "$(json 'j["counters"]["pop_start"]')" 44000 "and its population"
expect_rc 0 "its own status still answers" "$PS" --json status --unit 610328104 --period 2026H1
expect_eq "$(json 'j["counters"]["births"]')" 2 "its records stay"
# Records dated from the date are refused, earlier ones not.
cat > "$WORK/late.csv" <<'EOC'
record_id,unit,date,sex,birth_order,policy,mother_id
B5,610328104,2026-06-29,M,1,Y,M005
B6,610328104,2026-07-01,M,1,Y,M006
EOC
expect_rc 1 "records of a retired unit" "$PS" submit "$WORK/late.csv"
expect_out "accepted 1, duplicate 0, rejected 1" "the earlier record is stored"
expect_out "line 3: date: unit 610328104 is retired from 2026-07-01" "the later one is refused with the reason"
# Dekad reports: not due from the date.
expect_rc 0 "report status 2026-06" "$PS" --json report status --parent 610328 --period 2026-06 --as-of 2026-11-01
expect_eq "$(json '[u["due"] for u in j["units"] if u["unit"]=="610328104"][0]')" 3 "due for June's dekads"
expect_rc 0 "report status 2026-06-21..2026-07-20" "$PS" --json report status --parent 610328 --period 2026-06-21..2026-07-20 --as-of 2026-11-01
expect_eq "$(json '[u["due"] for u in j["units"] if u["unit"]=="610328104"][0]')" 1 "only the dekad before the date is due"
expect_eq "$(json '[u["due"] for u in j["units"] if u["unit"]=="610328102"][0]')" 3 "an active unit: all three"
expect_rc 0 "report status 2026-07" "$PS" --json report status --parent 610328 --period 2026-07 --as-of 2026-11-01
expect_eq "$(json 'len([u for u in j["units"] if u["unit"]=="610328104"])')" 0 "not listed from the date"
expect_rc 1 "no report after retirement" "$PS" report file --unit 610328104 --period 2026-07D1
expect_err "retired from 2026-07-01" "report refused with the reason"
expect_rc 0 "a report before it" "$PS" report file --unit 610328104 --period 2026-06D3

# Bulletins: June lists it (published or not); November does not.
expect_rc 0 "bulletin 2026-06" "$PS" bulletin --period 2026-06 --lang en
expect_out "天成乡" "June's bulletin lists the unit"
expect_rc 0 "bulletin 2026-10" "$PS" bulletin --period 2026-10 --lang en
expect_no_out "天成乡" "October's does not"

# 4. move and merge (the numbers across periods: test_oracle.sh "moved").
"$PS" -q unit add 610328106 合并乡 --parent 610328 --level township
"$PS" -q unit add 610328106001 甲村 --parent 610328106 --level village
"$PS" -q unit add 610328102001 乙村 --parent 610328102 --level village
cat > "$WORK/mv.csv" <<'EOC'
record_id,unit,date,sex,birth_order,policy,mother_id
V1,610328106001,2026-02-10,M,1,Y,M101
V2,610328106001,2026-04-10,F,1,Y,M102
EOC
expect_rc 0 "births of the village to move" "$PS" submit "$WORK/mv.csv"
expect_rc 0 "publish the 2026-03 bulletin" "$PS" bulletin publish --period 2026-03 --parent 610328
expect_rc 0 "show it" "$PS" bulletin show --period 2026-03 --parent 610328 --lang en
PUBLISHED=$OUT
expect_rc 1 "a cycle is refused" "$PS" unit move 610328 --parent 610328106001
expect_err "lies in its own subtree" "the cycle is named"
expect_rc 2 "move needs --parent" "$PS" unit move 610328106001
expect_rc 0 "move the village" "$PS" unit move 610328106001 --parent 610328102 --from 2026-03-01
expect_out "moved under 610328102 from 2026-03-01" "move acknowledged"
expect_rc 1 "a move dated before the last one" "$PS" unit move 610328106001 --parent 610328106 --from 2026-02-01
expect_err "last moved on 2026-03-01" "back-dating before the last move is refused"
expect_rc 0 "township 106 over 2026-02" "$PS" --json status --unit 610328106 --period 2026-02
expect_eq "$(json 'j["counters"]["births"]')" 1 "before the move, the village counts for its old township"
expect_rc 0 "township 106 over 2026" "$PS" --json status --unit 610328106 --period 2026
expect_eq "$(json 'j["counters"]["births"]')" 1 "after the move, not"
expect_rc 0 "township 102 over 2026" "$PS" --json status --unit 610328102 --period 2026
expect_eq "$(json 'j["counters"]["births"]')" 2 "its own birth and the one after the move"
expect_rc 0 "ranking under 102, 2026" "$PS" --json ranking --parent 610328102 --period 2026
expect_eq "$(json 'sorted(x["unit"] for x in j["rows"])')" "['610328102001', '610328106001']" "the moved village is ranked in its new township"
expect_rc 0 "ranking under 102, 2026-02" "$PS" --json ranking --parent 610328102 --period 2026-02
expect_eq "$(json '[x["unit"] for x in j["rows"]]')" "['610328102001']" "not in a period before the move"
expect_rc 1 "merge a unit with a child" "$PS" unit merge 610328102 --into 610328101 --from 2026-06-01
expect_err "has child" "children first"
expect_rc 2 "merge needs --from" "$PS" unit merge 610328106001 --into 610328102001
expect_rc 0 "merge the village" "$PS" unit merge 610328106001 --into 610328102001 --from 2026-04-01
expect_out "merged into 610328102001 from 2026-04-01" "merge acknowledged"
expect_rc 0 "village 102001 over 2026" "$PS" --json status --unit 610328102001 --period 2026
expect_eq "$(json 'j["counters"]["births"]')" 1 "the merged unit's birth from the merge on counts for the new one"
expect_rc 0 "merged village over 2026-02" "$PS" --json status --unit 610328106001 --period 2026-02
expect_eq "$(json 'j["counters"]["births"]')" 1 "before the merge its history is unchanged"
cat > "$WORK/mg.csv" <<'EOC'
record_id,unit,date,sex,birth_order,policy,mother_id
V3,610328106001,2026-05-10,M,1,Y,M103
EOC
expect_rc 0 "a record of the merged unit after the merge" "$PS" submit "$WORK/mg.csv"
expect_rc 0 "village 102001 over 2026 again" "$PS" --json status --unit 610328102001 --period 2026
expect_eq "$(json 'j["counters"]["births"]')" 2 "it counts for the unit it was merged into"
expect_rc 0 "ranking under 102 after the merge" "$PS" --json ranking --parent 610328102 --period 2026
expect_eq "$(json '[x["unit"] for x in j["rows"]]')" "['610328102001']" "the merged unit is not ranked"
expect_rc 0 "audit" "$PS" --json audit
expect_out "unit.move" "move audited"
expect_out "unit.merge" "merge audited"
expect_rc 1 "a unit with moves cannot be deleted" "$PS" unit delete 610328106
expect_rc 0 "the published bulletin after the changes" "$PS" bulletin show --period 2026-03 --parent 610328 --lang en
expect_eq "$OUT" "$PUBLISHED" "a published bulletin never changes"
expect_rc 0 "county 2026 before restart" "$PS" --json status --unit 610328 --period 2026
BEFORE=$OUT
expect_rc 0 "ranking 102 2026-02 before restart" "$PS" --json ranking --parent 610328102 --period 2026-03
RBEFORE=$OUT

# 5. Restart: everything was stored.
stop_server
start_server
expect_rc 0 "county 2026 after restart" "$PS" --json status --unit 610328 --period 2026
expect_eq "$OUT" "$BEFORE" "the county's status is the same after a restart"
expect_rc 0 "ranking after restart" "$PS" --json ranking --parent 610328102 --period 2026-03
expect_eq "$OUT" "$RBEFORE" "the ranking across the changes too"
expect_rc 0 "village 102001 after restart" "$PS" --json status --unit 610328102001 --period 2026
expect_eq "$(json 'j["counters"]["births"]')" 2 "the merge is kept"
expect_rc 0 "list after restart" "$PS" --json unit list
expect_eq "$(json '[u["retired_from"] for u in j if u["code"]=="610328104"][0]')" 2026-07-01 "retirement kept"
expect_eq "$(json '[u["name"] for u in j if u["code"]=="610328101"][0]')" 城关镇 "rename kept"
expect_eq "$(json 'len([u for u in j if u["code"]=="610328103"])')" 0 "delete kept"
expect_rc 0 "status before the rename date, after restart" "$PS" --json status --unit 610328102 --period 2026-03
expect_eq "$(json 'j["name"]')" 东风镇 "the earlier name is kept"
expect_rc 0 "ranking of 2026 after restart" "$PS" --json ranking --parent 610328 --period 2026
expect_eq "$(json 'len([x for x in j["rows"] if x["unit"]=="610328104"])')" 0 "still not ranked"
stop_server

# 6. Databases of older schema versions are migrated when opened.
for fx in "$ROOT"/tests/fixtures/schema*.db; do
	old=$(sqlite3 "$fx" 'PRAGMA user_version')
	cp "$fx" "$WORK/old.db"
	# Its key is in its meta table (moved to old.db.key at the first
	# start); the previous fixture's key file is not this one's.
	rm -f "$WORK/old.db.key" "$WORK/old.db-wal" "$WORK/old.db-shm"
	expect_eq "$(sqlite3 "$WORK/old.db" "select count(*) from meta where key = 'secret'")" 1 \
		"schema $old: the fixture keeps its key in the database"
	DB=$WORK/old.db ADMIN=$(cat "$fx.token") start_server
	export POPSTAT_TOKEN=$(cat "$fx.token")
	expect_rc 0 "schema $old: status" "$PS" --json status --unit 610328 --period 2026-01
	expect_eq "$(json 'j["counters"]["births"]')" 4 "schema $old: births kept"
	expect_eq "$(json 'j["counters"]["pop_start"]')" 35000 "schema $old: population kept"
	expect_rc 0 "schema $old: retire works after the migration" "$PS" unit retire 610328102 --from 2026-02-01
	expect_rc 0 "schema $old: ranking" "$PS" --json ranking --parent 610328 --period 2026-02
	expect_eq "$(json '[x["unit"] for x in j["rows"]]')" "['610328101']" "schema $old: the retired unit is not ranked"
	stop_server
	expect_eq "$(sqlite3 "$WORK/old.db" "select count(*) from meta where key = 'secret'") $(stat -c %a "$WORK/old.db.key")" \
		"0 600" "schema $old: its key moved to a 0600 key file"
	DB=
done
finish
