#!/usr/bin/env bash
# Data integrity (doc/rules.md §3, §8): amendments and voids with their counters
# and verification matching, the audit log, approval locks, the offline
# outbox (including a client killed in the middle of a sync) and
# backup/restore.  Counters are checked white-box in the daily table.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
start_server

# ---------------------------------------------------------------- helpers
snapshot() {
	sql "select * from daily order by unit_id, day;
	     select * from records order by unit_id, record_id;" | md5sum
}
# Every counter invariant that must hold whatever happened before.
check_invariants() {
	expect_eq "$(sql "select count(*) from daily where births < 0 or
	    births_male < 0 or births_female < 0 or births_policy < 0 or
	    births_order3 < 0 or deaths < 0 or mig_in < 0 or mig_out < 0 or
	    verified < 0 or verified_missed < 0 or verified_missed > verified or
	    births_male + births_female <> births")" 0 "$1: no negative or inconsistent daily row"
	expect_eq "$(sql "select coalesce(sum(births), 0) from daily")" \
	    "$(sql "select count(*) from records where kind = 1 and voided = 0")" \
	    "$1: daily births equal live birth records"
	expect_eq "$(sql "select coalesce(sum(deaths), 0) from daily")" \
	    "$(sql "select count(*) from records where kind = 2 and voided = 0")" \
	    "$1: daily deaths equal live death records"
	expect_eq "$(sql "select coalesce(sum(verified), 0) from daily")" \
	    "$(sql "select count(*) from records where kind = 5 and voided = 0")" \
	    "$1: daily verified equal live verification records"
	expect_eq "$(sql "select coalesce(sum(verified_missed), 0) from daily")" \
	    "$(sql "select count(*) from records where kind = 5 and voided = 0 and matched = 0")" \
	    "$1: daily misses equal live unmatched verifications"
	expect_eq "$(sql "select coalesce(sum(mig_in), 0) || '/' || coalesce(sum(mig_out), 0) from daily")" \
	    "$(sql "select coalesce(sum(case when direction = 1 then persons end), 0) || '/' ||
	        coalesce(sum(case when direction <> 1 then persons end), 0)
	        from records where kind = 3 and voided = 0")" \
	    "$1: daily migration equals live migration records"
}
# audit_json [ARGS...]: popstat audit --json, must succeed and parse.
audit_json() {
	expect_rc 0 "audit --json $*" "$PS" audit --json --limit 100000 "$@"
	if printf '%s' "$OUT" | python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; then
		ok_; else fail_ "audit --json $* does not parse: $OUT"; fi
}
# afield ACTION OBJECT FIELD: FIELD of the newest audit entry (last stdout)
# with that action and object; "MISSING" when there is none.
afield() {
	json "next((str(e['$3']) for e in j if e['action'] == '$1' and e['object'] == '$2'), 'MISSING')"
}
# restart_server: start popstatd again on the same port and database, as
# start_server does; the outbox is keyed by HOST:PORT.
restart_server() {
	"$PSD" --db "$DB" --listen 127.0.0.1:"$PORT" --today "$TODAY" \
		${TLS_OPTS[@]+"${TLS_OPTS[@]}"} \
		2>>"$WORK/server.log" &
	SERVER_PID=$!
	local i
	for i in $(seq 1 200); do
		if (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null; then break; fi
		sleep 0.05
	done
	if kill -0 "$SERVER_PID" 2>/dev/null; then ok_; else
		fail_ "restart on port $PORT failed"; SERVER_PID=; fi
}
# pending: rows in the outbox, as 'popstat outbox' reports them.
pending() {
	"$PS" outbox 2>/dev/null | tail -n 1 | awk '{print $1}'
}
F=$WORK/f
mkdir -p "$F"
BIRTH_HDR=record_id,unit,date,sex,birth_order,policy,mother_id

# ---------------------------------------------------------------- set-up
expect_rc 0 "add county" "$PS" unit add 610328 陇县 --level county
expect_rc 0 "add township 101" "$PS" unit add 610328101 城关镇 --parent 610328 --level township
expect_rc 0 "add township 102" "$PS" unit add 610328102 东风镇 --parent 610328 --level township
expect_rc 0 "add village 101001" "$PS" unit add 610328101001 东关村 --parent 610328101 --level village
expect_rc 0 "add village 102001" "$PS" unit add 610328102001 西街村 --parent 610328102 --level village
expect_rc 0 "add clerk101" "$PS" user add clerk101 --role clerk --unit 610328101
CLERK=$OUT
expect_rc 0 "add clerk102" "$PS" user add clerk102 --role clerk --unit 610328102
CLERK2=$OUT
expect_rc 0 "add viewer" "$PS" user add view1 --role viewer
VIEWER=$OUT
expect_rc 0 "add inspector" "$PS" user add insp1 --role inspector
INSPECTOR=$OUT
cat > "$F/pop.csv" <<'EOF'
record_id,unit,date,persons
pop101,610328101,2025-12-31,20000
pop102,610328102,2025-12-31,15000
EOF
expect_rc 0 "populations" "$PS" submit "$F/pop.csv"

# ================================================================ amend
cat > "$F/a_birth.csv" <<EOF
$BIRTH_HDR
a1,610328101,2026-04-05,M,1,Y,
a2,610328101,2026-04-05,F,3,N,
a3,610328101,2026-04-06,M,2,Y,
a4,610328101,2026-04-06,F,1,Y,AMENDMOTHER-77
EOF
expect_rc 0 "submit births for amend" "$PS" submit "$F/a_birth.csv"
expect_last "accepted 4, duplicate 0, rejected 0" "births for amend accepted"
printf 'record_id,unit,date,sex,age\nad1,610328101,2026-04-07,M,70\n' > "$F/a_death.csv"
expect_rc 0 "submit death for amend" "$PS" submit "$F/a_death.csv"
printf 'record_id,unit,date,direction,persons\nam1,610328101,2026-04-08,in,5\n' > "$F/a_mig.csv"
expect_rc 0 "submit migration for amend" "$PS" submit "$F/a_mig.csv"
expect_eq "$(ctr 610328101 births 2026-04-05)" 2 "before amend: births 04-05"
expect_eq "$(ctr 610328101 births_male 2026-04-05)" 1 "before amend: male 04-05"
expect_eq "$(ctr 610328101 births_policy 2026-04-05)" 1 "before amend: policy 04-05"
expect_eq "$(ctr 610328101 births_order3 2026-04-05)" 1 "before amend: order3 04-05"

# a1: sex, order, policy and date all change; a2 identical; zz9 unknown.
cat > "$F/amend1.csv" <<EOF
$BIRTH_HDR
a1,610328101,2026-04-10,F,3,N,
a2,610328101,2026-04-05,F,3,N,
zz9,610328101,2026-04-05,F,1,Y,
EOF
expect_rc 1 "amend with one unknown record_id" "$PS" amend "$F/amend1.csv" --reason "clerk typed the wrong row"
expect_last "changed 1, unchanged 1, rejected 1" "amend totals"
expect_out "line 4: record_id: " "unknown record_id rejected on its column"
expect_out "zz9" "rejection names the record_id"
expect_eq "$(ctr 610328101 births 2026-04-05)" 1 "old day: births decremented"
expect_eq "$(ctr 610328101 births_male 2026-04-05)" 0 "old day: male decremented"
expect_eq "$(ctr 610328101 births_female 2026-04-05)" 1 "old day: female unchanged (a2)"
expect_eq "$(ctr 610328101 births_policy 2026-04-05)" 0 "old day: policy decremented"
expect_eq "$(ctr 610328101 births_order3 2026-04-05)" 1 "old day: order3 unchanged (a2)"
expect_eq "$(ctr 610328101 births 2026-04-10)" 1 "new day: births incremented"
expect_eq "$(ctr 610328101 births_female 2026-04-10)" 1 "new day: female"
expect_eq "$(ctr 610328101 births_male 2026-04-10)" 0 "new day: no male"
expect_eq "$(ctr 610328101 births_policy 2026-04-10)" 0 "new day: not policy-compliant"
expect_eq "$(ctr 610328101 births_order3 2026-04-10)" 1 "new day: order3"
expect_eq "$(ctr 610328101 births 2026-04-01 2026-04-30)" 4 "April total unchanged by the amend"
expect_eq "$(rec 610328101 a1 "day || ',' || sex || ',' || birth_order || ',' || policy")" \
    "$(dnum 2026-04-10),2,3,0" "a1 row holds the new content"
expect_eq "$(nrec 610328101 "record_id = 'zz9'")" 0 "unknown record_id not created by amend"

S=$(snapshot)
expect_rc 1 "amend again: nothing to change (zz9 still rejected)" "$PS" amend "$F/amend1.csv" --reason "same again"
expect_last "changed 0, unchanged 2, rejected 1" "re-amend: identical rows unchanged"
expect_eq "$(snapshot)" "$S" "re-amend changes nothing"

# Wrong kind: a birth amendment naming a death record.
printf '%s\nad1,610328101,2026-04-07,M,1,Y,\n' "$BIRTH_HDR" > "$F/amend_kind.csv"
expect_rc 1 "amend of the wrong kind" "$PS" amend "$F/amend_kind.csv" --reason "wrong kind test"
expect_last "changed 0, unchanged 0, rejected 1" "wrong kind rejected"
expect_out "line 2: record_id: " "wrong kind on record_id"
expect_out "death" "wrong kind names the stored kind"
expect_eq "$(snapshot)" "$S" "wrong-kind amend changes nothing"

# Usage: --reason is required.
expect_rc 2 "amend without --reason" "$PS" amend "$F/amend1.csv"
expect_rc 2 "amend with empty --reason" "$PS" amend "$F/amend1.csv" --reason ""
expect_rc 2 "amend without a file" "$PS" amend --reason "no file"
expect_rc 1 "amend with a reason over 500 bytes" "$PS" amend "$F/amend1.csv" --reason "$(printf 'r%.0s' $(seq 1 501))"
expect_eq "$(snapshot)" "$S" "refused amends change nothing"

# Death moves day; migration changes direction and persons.
printf 'record_id,unit,date,sex,age\nad1,610328101,2026-04-09,M,71\n' > "$F/amend_death.csv"
expect_rc 0 "amend death" "$PS" amend "$F/amend_death.csv" --reason "date of death corrected"
expect_last "changed 1, unchanged 0, rejected 0" "death amended"
expect_eq "$(ctr 610328101 deaths 2026-04-07)" 0 "death left 04-07"
expect_eq "$(ctr 610328101 deaths 2026-04-09)" 1 "death arrived on 04-09"
printf 'record_id,unit,date,direction,persons\nam1,610328101,2026-04-08,out,8\n' > "$F/amend_mig.csv"
expect_rc 0 "amend migration" "$PS" amend "$F/amend_mig.csv" --reason "was an out-migration of 8"
expect_eq "$(ctr 610328101 mig_in 2026-04-08)" 0 "mig_in taken back"
expect_eq "$(ctr 610328101 mig_out 2026-04-08)" 8 "mig_out added"
# A clerk may amend in its subtree, not elsewhere.
printf 'record_id,unit,date,direction,persons\nam1,610328101,2026-04-08,out,9\n' > "$F/amend_mig2.csv"
expect_rc 1 "clerk of 102 amends 101" "$PS" --token "$CLERK2" amend "$F/amend_mig2.csv" --reason "not mine"
expect_out "outside your scope" "scope message"
expect_eq "$(ctr 610328101 mig_out 2026-04-08)" 8 "foreign clerk changed nothing"
expect_rc 0 "clerk101 amends its own" "$PS" --token "$CLERK" amend "$F/amend_mig2.csv" --reason "clerk correction"
expect_eq "$(ctr 610328101 mig_out 2026-04-08)" 9 "own clerk's amend counted"

# Population: amend and void move the population the engine uses.
expect_rc 0 "add township 103" "$PS" unit add 610328103 河北镇 --parent 610328 --level township
printf 'record_id,unit,date,persons\npop103,610328103,2025-12-31,10000\n' > "$F/pop103.csv"
expect_rc 0 "population of 103" "$PS" submit "$F/pop103.csv"
expect_rc 0 "status 103" "$PS" status --unit 610328103 --period 2026 --json
expect_eq "$(json 'j["counters"]["pop_start"]')" 10000 "pop_start from the record"
printf 'record_id,unit,date,persons\npop103,610328103,2025-12-31,12000\n' > "$F/pop103b.csv"
expect_rc 0 "amend population" "$PS" amend "$F/pop103b.csv" --reason "census correction"
expect_last "changed 1, unchanged 0, rejected 0" "population amended"
expect_rc 0 "status 103 after amend" "$PS" status --unit 610328103 --period 2026 --json
expect_eq "$(json 'j["counters"]["pop_start"]')" 12000 "pop_start follows the amend"
printf 'record_id,unit,date,persons\npop103x,610328103,2026-01-31,12500\n' > "$F/pop103x.csv"
expect_rc 0 "second population of 103" "$PS" submit "$F/pop103x.csv"
expect_rc 0 "void the first population" "$PS" void pop103 --unit 610328103 --reason "census was wrong"
expect_rc 0 "status 103 after void" "$PS" status --unit 610328103 --period 2026 --json
expect_eq "$(json 'j["counters"]["pop_start"]')" 12500 "voided population no longer used (rolled back from 01-31)"
printf 'record_id,unit,date,persons\npop103y,610328103,2025-12-31,11000\n' > "$F/pop103y.csv"
expect_rc 0 "new population on the voided record's day" "$PS" submit "$F/pop103y.csv"
expect_last "accepted 1, duplicate 0, rejected 0" "a voided population does not block its day"

# Mother change on a birth; nothing in clear in the audit.
printf '%s\na4,610328101,2026-04-06,F,1,Y,AMENDMOTHER-88\n' "$BIRTH_HDR" > "$F/amend_mother.csv"
expect_rc 0 "amend mother_id" "$PS" amend "$F/amend_mother.csv" --reason "mother register number fixed"
expect_last "changed 1, unchanged 0, rejected 0" "mother change is a change"
audit_json
expect_eq "$(afield record.amend a1 unit)" 610328101 "audit: amend unit"
expect_eq "$(afield record.amend a1 old)" "birth 2026-04-05 sex=M birth_order=1 policy=Y" "audit: old content"
expect_eq "$(afield record.amend a1 new)" "birth 2026-04-10 sex=F birth_order=3 policy=N" "audit: new content"
expect_eq "$(afield record.amend a1 reason)" "clerk typed the wrong row" "audit: reason"
expect_eq "$(afield record.amend a1 user)" admin "audit: who"
expect_eq "$(json "len([e for e in j if e['action'] == 'record.amend' and e['object'] in ('a2', 'zz9')])")" 0 \
    "audit: unchanged and rejected rows leave no amend entry"
expect_eq "$(afield record.amend am1 user)" clerk101 "audit: clerk named as author"
expect_eq "$(afield record.amend ad1 old)" "death 2026-04-07 sex=M age=70" "audit: death old content"
A4OLD=$(afield record.amend a4 old)
A4NEW=$(afield record.amend a4 new)
expect_eq "$(printf '%s' "$A4OLD" | grep -c 'mother=')" 1 "audit: old mother shown as a hash tag"
if [ "$A4OLD" != "$A4NEW" ]; then ok_; else fail_ "audit: mother change visible ($A4OLD)"; fi
expect_no_out "AMENDMOTHER" "mother_id never in clear in audit --json"
expect_rc 0 "audit text" "$PS" audit
expect_no_out "AMENDMOTHER" "mother_id never in clear in audit text"
expect_eq "$(sql "select count(*) from audit where coalesce(old,'') || coalesce(new,'') || coalesce(reason,'') like '%AMENDMOTHER%'")" 0 \
    "mother_id never in clear in the audit table"

# ================================================================ amend and matching
cat > "$F/m_birth.csv" <<EOF
$BIRTH_HDR
vb1,610328102,2026-05-10,F,1,Y,MOM-A
vb2,610328102,2026-05-12,M,1,Y,MOM-C
EOF
expect_rc 0 "births with mothers" "$PS" submit "$F/m_birth.csv"
cat > "$F/m_ver.csv" <<'EOF'
record_id,unit,date,mother_id
vv1,610328102,2026-05-15,MOM-A
vv2,610328102,2026-05-20,MOM-C
vv3,610328102,2026-05-25,MOM-B
EOF
expect_rc 0 "verifications" "$PS" submit "$F/m_ver.csv"
expect_eq "$(ctr 610328102 verified_missed 2026-05-15)" 0 "vv1 matched by vb1"
expect_eq "$(ctr 610328102 verified_missed 2026-05-25)" 1 "vv3 (MOM-B) missed"

printf '%s\nvb1,610328102,2026-05-10,F,1,Y,MOM-B\n' "$BIRTH_HDR" > "$F/m_to_b.csv"
expect_rc 0 "birth amended to another mother" "$PS" amend "$F/m_to_b.csv" --reason "wrong mother"
expect_eq "$(ctr 610328102 verified_missed 2026-05-15)" 1 "vv1 now missed"
expect_eq "$(rec 610328102 vv1 matched)" 0 "vv1 unmatched"
expect_eq "$(ctr 610328102 verified_missed 2026-05-25)" 0 "vv3 now matched by the amended birth"
expect_eq "$(rec 610328102 vv3 matched)" 1 "vv3 matched"
expect_eq "$(ctr 610328102 verified 2026-05-01 2026-05-31)" 3 "verified count unchanged"
printf '%s\nvb1,610328102,2026-05-10,F,1,Y,MOM-A\n' "$BIRTH_HDR" > "$F/m_to_a.csv"
expect_rc 0 "birth amended back" "$PS" amend "$F/m_to_a.csv" --reason "first mother was right"
expect_eq "$(ctr 610328102 verified_missed 2026-05-15)" 0 "vv1 matched again"
expect_eq "$(ctr 610328102 verified_missed 2026-05-25)" 1 "vv3 missed again"
# The birth moves out of the window and back.
printf '%s\nvb1,610328102,2026-08-01,F,1,Y,MOM-A\n' "$BIRTH_HDR" > "$F/m_far.csv"
expect_rc 0 "birth moved 83 days" "$PS" amend "$F/m_far.csv" --reason "wrong month"
expect_eq "$(ctr 610328102 verified_missed 2026-05-15)" 1 "vv1 missed when its birth moves away"
expect_rc 0 "birth moved back" "$PS" amend "$F/m_to_a.csv" --reason "month was right"
expect_eq "$(ctr 610328102 verified_missed 2026-05-15)" 0 "vv1 found when its birth comes back"
# The verification itself changes mother, then date.
printf 'record_id,unit,date,mother_id\nvv1,610328102,2026-05-15,MOM-Z\n' > "$F/v_z.csv"
expect_rc 0 "verification amended to unknown mother" "$PS" amend "$F/v_z.csv" --reason "misread"
expect_eq "$(ctr 610328102 verified_missed 2026-05-15)" 1 "amended verification missed"
printf 'record_id,unit,date,mother_id\nvv1,610328102,2026-05-15,MOM-A\n' > "$F/v_a.csv"
expect_rc 0 "verification amended back" "$PS" amend "$F/v_a.csv" --reason "read again"
expect_eq "$(ctr 610328102 verified_missed 2026-05-15)" 0 "verification matched again"
printf 'record_id,unit,date,mother_id\nvv1,610328102,2026-07-01,MOM-A\n' > "$F/v_late.csv"
expect_rc 0 "verification date moved" "$PS" amend "$F/v_late.csv" --reason "visit date"
expect_eq "$(ctr 610328102 verified 2026-05-15)" 0 "verification left 05-15"
expect_eq "$(ctr 610328102 verified_missed 2026-05-15)" 0 "no miss left on 05-15"
expect_eq "$(ctr 610328102 verified 2026-07-01)" 1 "verification on 07-01"
expect_eq "$(ctr 610328102 verified_missed 2026-07-01)" 1 "52 days after the birth: missed"
expect_rc 0 "verification date back" "$PS" amend "$F/v_a.csv" --reason "visit date again"
expect_eq "$(ctr 610328102 verified_missed 2026-07-01)" 0 "07-01 cleared"
expect_eq "$(ctr 610328102 verified_missed 2026-05-15)" 0 "matched on 05-15 again"
check_invariants "after amends"

# ================================================================ void
expect_rc 0 "void a birth" "$PS" void a3 --unit 610328101 --reason "entered twice"
expect_eq "$(ctr 610328101 births 2026-04-06)" 1 "void: births of 04-06 drop"
expect_eq "$(ctr 610328101 births_male 2026-04-06)" 0 "void: male drops"
expect_eq "$(ctr 610328101 births_policy 2026-04-06)" 1 "void: policy drops (a4 left)"
expect_eq "$(rec 610328101 a3 voided)" 1 "voided row stays in records"
expect_eq "$(rec 610328101 a3 "day || ',' || sex || ',' || birth_order")" "$(dnum 2026-04-06),1,2" "voided row keeps its content"
S=$(snapshot)
expect_rc 1 "void twice" "$PS" void a3 --unit 610328101 --reason "again"
expect_err "voided" "void twice: message"
printf '%s\na2,610328101,2026-04-05,F,3,N,\na3,610328101,2026-04-06,M,2,Y,\n' "$BIRTH_HDR" > "$F/a3same.csv"
expect_rc 1 "re-submit a voided record_id, same content" "$PS" submit "$F/a3same.csv"
expect_line "line 3: record_id: a3 was voided; a voided record_id cannot be reused" "voided id not reusable"
expect_last "accepted 0, duplicate 1, rejected 1" "the other row is a duplicate"
printf '%s\na3,610328101,2026-04-06,F,1,Y,\n' "$BIRTH_HDR" > "$F/a3new.csv"
expect_rc 1 "re-submit a voided record_id, new content" "$PS" submit "$F/a3new.csv"
expect_out "a3 was voided" "voided id with new content refused"
expect_rc 1 "amend a voided record" "$PS" amend "$F/a3new.csv" --reason "bring it back"
expect_out "line 2: record_id: a3 was voided" "amend of voided refused"
expect_rc 2 "void without reason" "$PS" void a2 --unit 610328101
expect_rc 2 "void without unit" "$PS" void a2 --reason "no unit"
expect_rc 1 "void with a 1-byte reason" "$PS" void a2 --unit 610328101 --reason x
expect_rc 1 "void an unknown record" "$PS" void nosuch --unit 610328101 --reason "no such"
expect_err "nosuch" "void unknown names the record"
expect_rc 1 "void in an unknown unit" "$PS" void a2 --unit 999999 --reason "no such unit"
expect_rc 3 "clerk of 102 voids in 101" "$PS" --token "$CLERK2" void a2 --unit 610328101 --reason "not mine"
expect_rc 3 "viewer voids" "$PS" --token "$VIEWER" void a2 --unit 610328101 --reason "viewer"
expect_eq "$(snapshot)" "$S" "refused voids change nothing"
audit_json --unit 610328101
expect_eq "$(afield record.void a3 old)" "birth 2026-04-06 sex=M birth_order=2 policy=Y" "audit: void keeps old content"
expect_eq "$(afield record.void a3 reason)" "entered twice" "audit: void reason"
expect_eq "$(afield record.void a3 new)" None "audit: void has no new content"
expect_eq "$(json "len([e for e in j if e['action'] == 'record.void'])")" 1 "audit: one void (refusals not logged)"

# Voiding the only birth that matched a verification.
expect_eq "$(ctr 610328102 verified_missed 2026-05-20)" 0 "vv2 matched by vb2"
expect_rc 0 "void vb2" "$PS" void vb2 --unit 610328102 --reason "not a birth of this township"
expect_eq "$(ctr 610328102 verified_missed 2026-05-20)" 1 "vv2 missed once its birth is voided"
expect_eq "$(rec 610328102 vv2 matched)" 0 "vv2 unmatched"
expect_eq "$(ctr 610328102 births 2026-05-12)" 0 "vb2 counters gone"
# A new birth of MOM-C with a new record_id matches it again.
printf '%s\nvb2b,610328102,2026-05-12,M,1,Y,MOM-C\n' "$BIRTH_HDR" > "$F/vb2b.csv"
expect_rc 0 "replacement birth" "$PS" submit "$F/vb2b.csv"
expect_eq "$(ctr 610328102 verified_missed 2026-05-20)" 0 "replacement birth matches vv2"
# Voiding a verification takes back both verified and the miss.
expect_rc 0 "void vv3 (missed)" "$PS" void vv3 --unit 610328102 --reason "duplicate visit"
expect_eq "$(ctr 610328102 verified 2026-05-25)" 0 "void: verified drops"
expect_eq "$(ctr 610328102 verified_missed 2026-05-25)" 0 "void: miss drops"
# A voided verification is not matched by a later birth.
printf '%s\nvb3,610328102,2026-05-24,F,2,Y,MOM-B\n' "$BIRTH_HDR" > "$F/vb3.csv"
expect_rc 0 "birth of a voided verification's mother" "$PS" submit "$F/vb3.csv"
expect_eq "$(ctr 610328102 verified_missed 2026-05-25)" 0 "voided verification stays out of the counters"
expect_eq "$(ctr 610328102 verified 2026-05-25)" 0 "voided verification stays uncounted"
# A clerk voids in its own village.
printf '%s\ncv1,610328101001,2026-04-11,M,1,Y,\n' "$BIRTH_HDR" > "$F/cv1.csv"
expect_rc 0 "clerk submits in its village" "$PS" --token "$CLERK" submit "$F/cv1.csv"
expect_rc 0 "clerk voids in its village" "$PS" --token "$CLERK" void cv1 --unit 610328101001 --reason "clerk void"
expect_eq "$(ctr 610328101001 births 2026-04-11)" 0 "clerk void counted"
check_invariants "after voids"

# ================================================================ approval locks
cat > "$F/q1.csv" <<EOF
$BIRTH_HDR
L1,610328101,2026-02-10,M,1,Y,
L2,610328101001,2026-02-11,F,1,Y,
L3,610328101,2026-04-15,F,1,Y,
EOF
expect_rc 0 "Q1 data before approval" "$PS" submit "$F/q1.csv"
expect_rc 3 "clerk cannot approve" "$PS" --token "$CLERK" approve --unit 610328101 --period 2026Q1
expect_rc 3 "viewer cannot approve" "$PS" --token "$VIEWER" approve --unit 610328101 --period 2026Q1
expect_rc 0 "lock list empty" "$PS" lock list
expect_no_out "610328101" "no lock before approval"
expect_rc 2 "approve without period" "$PS" approve --unit 610328101
expect_rc 1 "approve a bad period" "$PS" approve --unit 610328101 --period 2026Q5
expect_rc 1 "approve an unknown unit" "$PS" approve --unit 999999 --period 2026Q1
expect_rc 0 "admin approves 101 2026Q1" "$PS" approve --unit 610328101 --period 2026Q1
expect_rc 1 "approve twice" "$PS" approve --unit 610328101 --period 2026Q1
expect_rc 0 "lock list" "$PS" lock list
expect_out "610328101" "lock list: unit"
expect_out "2026-01-01" "lock list: start"
expect_out "2026-03-31" "lock list: end"
expect_out "admin" "lock list: approver"
expect_rc 0 "lock list of the village" "$PS" lock list --unit 610328101001
expect_out "2026-03-31" "lock above the village is listed for it"
expect_rc 0 "lock list of 102" "$PS" lock list --unit 610328102
expect_no_out "2026-03-31" "lock of 101 not listed for 102"

S=$(snapshot)
cat > "$F/locked.csv" <<EOF
$BIRTH_HDR
L1,610328101,2026-02-10,M,1,Y,
L4,610328101,2026-03-01,M,1,Y,
L5,610328101001,2026-01-01,F,1,Y,
L6,610328101,2026-03-31,F,1,Y,
EOF
expect_rc 1 "new rows in the locked period" "$PS" submit "$F/locked.csv"
expect_last "accepted 0, duplicate 1, rejected 3" "duplicate passes, new rows refused"
expect_out "line 3: date: 2026-03-01 is in a locked period: 610328101 2026-01-01..2026-03-31" "lock named for the township"
expect_out "line 4: date: 2026-01-01 is in a locked period: 610328101 2026-01-01..2026-03-31" "lock named for the village"
expect_out "line 5: date: 2026-03-31 is in a locked period" "last day of the period locked"
expect_eq "$(snapshot)" "$S" "nothing stored in the locked period"
cat > "$F/open.csv" <<EOF
$BIRTH_HDR
O1,610328101,2026-04-01,M,1,Y,
O2,610328101,2025-12-31,M,1,Y,
O3,610328102,2026-02-10,F,1,Y,
EOF
expect_rc 0 "rows outside the lock" "$PS" submit "$F/open.csv"
expect_last "accepted 3, duplicate 0, rejected 0" "day after, day before, other township accepted"
printf '%s\nL1,610328101,2026-02-10,F,1,Y,\n' "$BIRTH_HDR" > "$F/amendL1.csv"
S=$(snapshot)
expect_rc 1 "amend in the locked period" "$PS" amend "$F/amendL1.csv" --reason "fix sex"
expect_out "locked period" "amend refusal mentions the lock"
expect_last "changed 0, unchanged 0, rejected 1" "amend refused"
printf '%s\nL3,610328101,2026-03-15,F,1,Y,\n' "$BIRTH_HDR" > "$F/amendL3.csv"
expect_rc 1 "amend moving a record into the locked period" "$PS" amend "$F/amendL3.csv" --reason "date fix"
expect_out "locked period" "moving into the lock refused"
printf '%s\nL2,610328101001,2026-04-11,F,1,Y,\n' "$BIRTH_HDR" > "$F/amendL2.csv"
expect_rc 1 "amend moving a village record out of the locked period" "$PS" amend "$F/amendL2.csv" --reason "date fix"
expect_out "locked period" "moving out of the lock refused"
expect_rc 1 "void in the locked period" "$PS" void L1 --unit 610328101 --reason "not real"
expect_err "locked" "void refusal mentions the lock"
expect_rc 1 "void in the locked village" "$PS" --token "$CLERK" void L2 --unit 610328101001 --reason "not real"
expect_err "locked" "village void refusal mentions the lock"
expect_eq "$(snapshot)" "$S" "locked period untouched"

# The lock survives a restart of the server.
stop_server
restart_server
expect_rc 1 "after restart: still locked" "$PS" void L1 --unit 610328101 --reason "not real"
expect_err "locked" "lock reloaded"

expect_rc 3 "clerk cannot unlock" "$PS" --token "$CLERK" unlock --unit 610328101 --period 2026Q1 --reason "please"
expect_rc 2 "unlock without reason" "$PS" unlock --unit 610328101 --period 2026Q1
expect_rc 1 "unlock a period not locked" "$PS" unlock --unit 610328101 --period 2026Q2 --reason "not locked"
expect_rc 0 "lock still listed" "$PS" lock list
expect_out "2026-03-31" "refused unlocks keep the lock"
# An identical row is unchanged even in a locked period: nothing to refuse.
printf '%s\nL1,610328101,2026-02-10,M,1,Y,\n' "$BIRTH_HDR" > "$F/sameL1.csv"
expect_rc 0 "identical amend in the locked period" "$PS" amend "$F/sameL1.csv" --reason "no change"
expect_last "changed 0, unchanged 1, rejected 0" "identical amend under a lock is unchanged"
expect_rc 0 "unlock with reason" "$PS" unlock --unit 610328101 --period 2026Q1 --reason "birth found late by inspection"
expect_rc 0 "lock list after unlock" "$PS" lock list
expect_no_out "2026-03-31" "lock gone"
expect_rc 0 "amend after unlock" "$PS" amend "$F/amendL1.csv" --reason "fix sex"
expect_last "changed 1, unchanged 0, rejected 0" "amend works after unlock"
expect_eq "$(ctr 610328101 births_female 2026-02-10)" 1 "unlocked amend counted"
grep -v '^L1,' "$F/locked.csv" > "$F/locked2.csv"
expect_rc 0 "new rows after unlock" "$PS" submit "$F/locked2.csv"
expect_last "accepted 3, duplicate 0, rejected 0" "new rows accepted after unlock"
audit_json --unit 610328101
expect_eq "$(afield lock.approve 2026-01-01..2026-03-31 user)" admin "audit: approve by admin"
expect_eq "$(afield lock.approve 2026-01-01..2026-03-31 unit)" 610328101 "audit: approve unit"
expect_eq "$(afield lock.unlock 2026-01-01..2026-03-31 reason)" "birth found late by inspection" "audit: unlock reason"
expect_eq "$(afield lock.unlock 2026-01-01..2026-03-31 user)" admin "audit: unlock by admin"
expect_eq "$(json "[e['action'] for e in j if e['action'].startswith('lock.')]")" "['lock.unlock', 'lock.approve']" \
    "audit: unlock newer than approve, refusals not logged"
# Re-approve and re-lock works.
expect_rc 0 "approve again after unlock" "$PS" approve --unit 610328101 --period 2026Q1
expect_rc 1 "locked again" "$PS" void L1 --unit 610328101 --reason "not real"
expect_rc 0 "unlock again" "$PS" unlock --unit 610328101 --period 2026Q1 --reason "second unlock"
# A lock on a village covers the village only, not its township.
expect_rc 0 "approve a village month" "$PS" approve --unit 610328101001 --period 2026-05
printf '%s\nLV1,610328101,2026-05-03,M,1,Y,\nLV2,610328101001,2026-05-03,M,1,Y,\n' "$BIRTH_HDR" > "$F/lv.csv"
expect_rc 1 "village lock" "$PS" submit "$F/lv.csv"
expect_out "line 3: date: 2026-05-03 is in a locked period: 610328101001 2026-05-01..2026-05-31 was approved by admin at " "village lock message"
expect_last "accepted 1, duplicate 0, rejected 1" "township row accepted, village row refused"
expect_rc 0 "unlock the village month" "$PS" unlock --unit 610328101001 --period 2026-05 --reason "done"
check_invariants "after locks"

# ================================================================ audit
audit_json
N_ALL=$(json 'len(j)')
ALL_JSON=$OUT
expect_eq "$(json 'all(j[i]["id"] > j[i+1]["id"] for i in range(len(j)-1))')" True "audit newest first"
expect_eq "$(json 'all(set(e) == {"id","at","user","action","unit","object","old","new","reason"} for e in j)')" True "audit entry fields"
audit_json --unit 610328102
expect_eq "$(json 'len(j) > 0 and all(e["unit"] and e["unit"].startswith("610328102") for e in j)')" True "--unit 102: only 102"
expect_eq "$(afield record.void vb2 reason)" "not a birth of this township" "--unit 102 includes its void"
audit_json --unit 610328101
expect_eq "$(json 'any(e["unit"] == "610328101001" for e in j)')" True "--unit 101 includes its village"
expect_eq "$(json 'any(e["unit"] and e["unit"].startswith("610328102") for e in j)')" False "--unit 101 excludes 102"
audit_json --since 1900-01-01
expect_eq "$(json 'len(j)')" "$N_ALL" "--since 1900: everything"
audit_json --since 2099-01-01
expect_eq "$(json 'len(j)')" 0 "--since 2099: nothing"
expect_rc 1 "--since not a date" "$PS" audit --since yesterday
audit_json --limit 2
expect_eq "$(json 'len(j)')" 2 "--limit 2"
expect_rc 1 "--unit unknown" "$PS" audit --unit 999999
# A clerk sees its own subtree only.
audit_json
CL_ALL=$N_ALL
OUT=$("$PS" --token "$CLERK" audit --json --limit 100000 2>/dev/null); RC=$?
expect_eq "$RC" 0 "clerk may read the audit"
expect_eq "$(json 'len(j) > 0 and all(e["unit"] and e["unit"].startswith("610328101") for e in j)')" True "clerk sees only 101"
expect_eq "$(json 'any(e["action"] == "record.void" and e["object"] == "cv1" for e in j)')" True "clerk sees its village's void"
expect_rc 3 "clerk asking for 102 is refused" "$PS" --token "$CLERK" audit --json --unit 610328102
expect_err "outside your scope (610328101): record-level data" "the refusal says why"
expect_rc 3 "viewer refused" "$PS" --token "$VIEWER" audit
expect_rc 3 "inspector refused" "$PS" --token "$INSPECTOR" audit --json
# The log only grows: earlier entries stay exactly as they were.
OUT=$ALL_JSON
OLD_IDS=$(json '",".join(str(e["id"]) for e in j)')
printf 'record_id,unit,date,sex,age\nau1,610328102,2026-06-01,F,80\n' > "$F/au.csv"
expect_rc 0 "more activity" "$PS" submit "$F/au.csv"
expect_rc 0 "more activity: void" "$PS" void au1 --unit 610328102 --reason "audit growth"
audit_json
expect_eq "$(json 'len(j)')" "$((N_ALL + 2))" "audit grew by submit + void"
expect_eq "$(printf '%s' "$OUT" | python3 -c "
import json, sys
new = {e['id']: e for e in json.load(sys.stdin)}
old = json.loads(sys.argv[1])
print(all(new.get(e['id']) == e for e in old))" "$ALL_JSON")" True "earlier audit entries unchanged"
expect_eq "$(sql "select count(*) from audit")" "$((N_ALL + 2))" "audit table rows"

# ================================================================ offline outbox
OB_BEFORE=$(snapshot)
stop_server
cat > "$F/ob1.csv" <<EOF
$BIRTH_HDR
ob1,610328102,2026-06-10,M,1,Y,
ob2,610328102,2026-06-10,F,2,Y,
ob3,610328102,2026-06-11,F,3,N,
EOF
expect_rc 3 "submit with the server down" "$PS" submit "$F/ob1.csv"
expect_err "outbox" "message mentions the outbox"
expect_err "3 rows kept in the outbox" "message counts kept rows"
expect_eq "$([ -f "$POPSTAT_OUTBOX" ] && echo yes)" yes "outbox file under POPSTAT_OUTBOX"
expect_rc 0 "outbox lists" "$PS" outbox
expect_out "3 rows pending" "outbox count"
expect_out "ob1" "outbox lists ob1"
expect_out "ob3" "outbox lists ob3"
expect_out "ob1.csv line 4" "outbox names file and line"
expect_rc 3 "sync with the server down, no retries" "$PS" sync --retries 0
expect_eq "$(pending)" 3 "failed sync keeps the rows"
expect_rc 3 "submit the same file again offline" "$PS" submit "$F/ob1.csv"
expect_eq "$(pending)" 6 "outbox holds both copies"
restart_server
expect_eq "$(snapshot)" "$OB_BEFORE" "nothing stored while down"
expect_rc 0 "sync" "$PS" sync
expect_last "accepted 3, duplicate 3, rejected 0" "sync: rows stored once, second copy duplicate"
expect_eq "$(pending)" 0 "outbox empty after sync"
expect_eq "$(ctr 610328102 births 2026-06-10)" 2 "synced births 06-10"
expect_eq "$(ctr 610328102 births_order3 2026-06-11)" 1 "synced births 06-11"
expect_rc 0 "sync with an empty outbox" "$PS" sync --retries 0
expect_out "outbox empty" "empty outbox message"
expect_eq "$(ctr 610328102 births 2026-06-10 2026-06-11)" 3 "second sync counts nothing twice"

# A lost acknowledgement: the same outbox sent twice.
stop_server
cat > "$F/ob2.csv" <<EOF
$BIRTH_HDR
ob4,610328102,2026-06-12,M,1,Y,
ob5,610328102,2026-06-12,M,1,Y,
EOF
expect_rc 3 "queue ob2" "$PS" submit "$F/ob2.csv"
cp "$POPSTAT_OUTBOX" "$WORK/outbox-copy.db"
for s in -wal -shm; do [ -f "$POPSTAT_OUTBOX$s" ] && cp "$POPSTAT_OUTBOX$s" "$WORK/outbox-copy.db$s"; done
restart_server
expect_rc 0 "sync ob2" "$PS" sync
expect_last "accepted 2, duplicate 0, rejected 0" "ob2 stored"
rm -f "$POPSTAT_OUTBOX" "$POPSTAT_OUTBOX-wal" "$POPSTAT_OUTBOX-shm"
cp "$WORK/outbox-copy.db" "$POPSTAT_OUTBOX"
for s in -wal -shm; do [ -f "$WORK/outbox-copy.db$s" ] && cp "$WORK/outbox-copy.db$s" "$POPSTAT_OUTBOX$s"; done
expect_eq "$(pending)" 2 "outbox restored as if the ack was lost"
expect_rc 0 "sync the same rows again" "$PS" sync
expect_last "accepted 0, duplicate 2, rejected 0" "re-sent rows are duplicates"
expect_eq "$(ctr 610328102 births 2026-06-12)" 2 "no double count"
expect_eq "$(pending)" 0 "outbox empty"

# A rejected row in the outbox is reported with its file and line.
stop_server
cat > "$F/ob3.csv" <<EOF
$BIRTH_HDR
ob6,610328102,2026-06-13,M,1,Y,
ob1,610328102,2026-06-10,F,1,N,
ob7,999999,2026-06-13,M,1,Y,
ob8,610328102,2026-06-13,F,1,Y,
EOF
expect_rc 3 "queue ob3" "$PS" submit "$F/ob3.csv"
expect_eq "$(pending)" 4 "four rows queued"
restart_server
expect_rc 1 "sync with rejected rows" "$PS" sync
expect_out "$F/ob3.csv line 3: record_id: conflict" "conflict reported with file and line"
expect_out "$F/ob3.csv line 4: unit: unknown unit 999999" "unknown unit reported with file and line"
expect_last "accepted 2, duplicate 0, rejected 2" "sync totals with rejections"
expect_eq "$(pending)" 0 "rejected rows leave the outbox"
expect_eq "$(ctr 610328102 births 2026-06-13)" 2 "good rows of ob3 stored"

# The next successful command flushes a pending outbox.
stop_server
printf '%s\nob9,610328102,2026-06-14,M,1,Y,\n' "$BIRTH_HDR" > "$F/ob4.csv"
expect_rc 3 "queue ob4" "$PS" submit "$F/ob4.csv"
restart_server
expect_rc 0 "ping flushes the outbox" "$PS" ping
expect_err "outbox" "ping tells about the flush"
expect_eq "$(pending)" 0 "outbox empty after ping"
expect_eq "$(ctr 610328102 births 2026-06-14)" 1 "flushed row stored"
stop_server
printf '%s\nob10,610328102,2026-06-15,M,1,Y,\nob11,999999,2026-06-15,M,1,Y,\n' "$BIRTH_HDR" > "$F/ob5.csv"
expect_rc 3 "queue ob5" "$PS" submit "$F/ob5.csv"
restart_server
expect_rc 0 "status --json flushes the outbox" "$PS" status --unit 610328102 --period 2026 --json
if printf '%s' "$OUT" | python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; then ok_; else
	fail_ "status --json after a flush with a rejected row is not JSON: $OUT"; fi
expect_eq "$(pending)" 0 "outbox empty after status"
expect_eq "$(ctr 610328102 births 2026-06-15)" 1 "status flush stored the good row"
# Submit while the outbox holds rows: both get through.
stop_server
printf '%s\nob12,610328102,2026-06-16,M,1,Y,\n' "$BIRTH_HDR" > "$F/ob6.csv"
expect_rc 3 "queue ob6" "$PS" submit "$F/ob6.csv"
restart_server
printf '%s\nob13,610328102,2026-06-16,F,1,Y,\n' "$BIRTH_HDR" > "$F/ob7.csv"
expect_rc 0 "online submit with a pending outbox" "$PS" submit "$F/ob7.csv"
expect_last "accepted 1, duplicate 0, rejected 0" "online submit totals"
expect_eq "$(pending)" 0 "outbox flushed by submit"
expect_eq "$(ctr 610328102 births 2026-06-16)" 2 "both rows stored"
# amend is not queued: it needs the server.
stop_server
expect_rc 3 "amend with the server down" "$PS" amend "$F/amend_mig2.csv" --reason "offline"
expect_eq "$(pending)" 0 "amend not queued"
# An unreadable row in the outbox is dropped alone: rows queued for another
# server and the good rows of this one survive.
OTHER=127.0.0.1:$(free_port)
printf '%s\nox1,610328102,2026-06-17,M,1,Y,\n' "$BIRTH_HDR" > "$F/ox.csv"
expect_rc 3 "queue for another server" "$PS" --server "$OTHER" submit "$F/ox.csv"
printf '%s\nob14,610328102,2026-06-18,M,1,Y,\nob15,610328102,2026-06-18,F,1,Y,\n' "$BIRTH_HDR" > "$F/ob8.csv"
expect_rc 3 "queue ob8" "$PS" submit "$F/ob8.csv"
sqlite3 "$POPSTAT_OUTBOX" "insert into pending(server, kind, file, line, row, queued_at)
    values ('127.0.0.1:$PORT', 1, 'garbage.csv', 9, x'ffffffffff', '2026-11-28T00:00:00')"
printf '%s\nob16,610328102,2026-06-19,F,1,Y,\n' "$BIRTH_HDR" > "$F/ob9.csv"
expect_rc 3 "queue ob9 after the garbage" "$PS" submit "$F/ob9.csv"
restart_server
expect_rc 0 "sync over an unreadable row" "$PS" sync --retries 0
expect_err "unreadable" "unreadable row reported"
expect_eq "$(ctr 610328102 births 2026-06-18)" 2 "good rows before the garbage stored"
expect_eq "$(ctr 610328102 births 2026-06-19)" 1 "good row after the garbage stored"
expect_eq "$(sqlite3 "$POPSTAT_OUTBOX" "select count(*) from pending where server = '127.0.0.1:$PORT'")" 0 \
    "nothing left for this server"
expect_eq "$(sqlite3 "$POPSTAT_OUTBOX" "select count(*) from pending where server = '$OTHER'")" 1 \
    "row queued for another server kept"
sqlite3 "$POPSTAT_OUTBOX" "delete from pending where server = '$OTHER'"
"$PS" sync --retries 0 >/dev/null 2>&1   # whatever a faulty flush left
# A token that may not submit leaves the rows where they are.
stop_server
printf '%s\nob17,610328102,2026-06-21,M,1,Y,\n' "$BIRTH_HDR" > "$F/ob10.csv"
expect_rc 3 "queue ob10" "$PS" submit "$F/ob10.csv"
restart_server
expect_rc 0 "viewer ping with a pending outbox" "$PS" --token "$VIEWER" ping
expect_eq "$(pending)" 1 "viewer's refused flush keeps the row"
# The rows are the admin's (the token that queued them): the viewer's
# sync does not send them, and says whose they are.
expect_rc 0 "viewer sync" "$PS" --token "$VIEWER" sync --retries 0
expect_err "1 rows queued by another account stay in the outbox" "viewer sync names the owner"
expect_eq "$(pending)" 1 "viewer's sync keeps the row"
expect_rc 0 "admin sync" "$PS" sync --retries 0
expect_last "accepted 1, duplicate 0, rejected 0" "row delivered by the admin"
check_invariants "after outbox"

# ================================================================ killed mid-sync
stop_server
N_BIG=20000
awk -v n=$N_BIG 'BEGIN {
	print "record_id,unit,date,sex,birth_order,policy,mother_id"
	for (i = 1; i <= n; i++)
		printf "K%05d,610328102001,2025-%02d-%02d,%s,%d,%s,\n", i,
		    i % 12 + 1, i % 28 + 1, (i % 2 ? "M" : "F"), i % 5 + 1,
		    (i % 10 ? "Y" : "N")
}' > "$F/big.csv"
expect_rc 3 "queue 20000 rows" "$PS" submit "$F/big.csv"
expect_eq "$(pending)" $N_BIG "20000 rows pending"
restart_server
# Kill the sync at growing delays; whatever moment it dies, the end state
# must be exact.
for delay in 0.05 0.3 0.8; do
	"$PS" sync --retries 0 >/dev/null 2>&1 &
	SYNC_PID=$!
	sleep "$delay"
	kill -9 "$SYNC_PID" 2>/dev/null
	wait "$SYNC_PID" 2>/dev/null
	echo "note: killed sync after ${delay}s: $(pending) pending, $(nrec 610328102001) stored" >&2
	expect_eq "$(( $(pending) + $(nrec 610328102001) >= N_BIG ))" 1 "after kill at $delay s: no row lost"
done
expect_eq "$(sqlite3 "$POPSTAT_OUTBOX" 'PRAGMA integrity_check')" ok "outbox file intact after the kills"
expect_rc 0 "final sync" "$PS" sync --retries 0
expect_eq "$(pending)" 0 "outbox empty at the end"
expect_eq "$(nrec 610328102001 "record_id like 'K%'")" $N_BIG "every row stored once"
expect_eq "$(ctr 610328102001 births 2025-01-01 2025-12-31)" $N_BIG "births exact"
expect_eq "$(ctr 610328102001 births_male 2025-01-01 2025-12-31)" 10000 "male exact"
expect_eq "$(ctr 610328102001 births_female 2025-01-01 2025-12-31)" 10000 "female exact"
expect_eq "$(ctr 610328102001 births_order3 2025-01-01 2025-12-31)" 12000 "order3 exact"
expect_eq "$(ctr 610328102001 births_policy 2025-01-01 2025-12-31)" 18000 "policy exact"
expect_rc 0 "re-send the whole file" "$PS" submit "$F/big.csv"
expect_last "accepted 0, duplicate $N_BIG, rejected 0" "every row already there"
# Two syncs at once: rows may travel twice, but count once.
stop_server
awk 'BEGIN {
	print "record_id,unit,date,sex,age"
	for (i = 1; i <= 5000; i++)
		printf "C%04d,610328102001,2025-%02d-%02d,%s,%d\n", i,
		    i % 12 + 1, i % 28 + 1, (i % 2 ? "M" : "F"), i % 100
}' > "$F/concurrent.csv"
expect_rc 3 "queue 5000 deaths" "$PS" submit "$F/concurrent.csv"
restart_server
"$PS" sync --retries 0 > "$WORK/sync1.out" 2>&1 &
P1=$!
"$PS" sync --retries 0 > "$WORK/sync2.out" 2>&1 &
P2=$!
wait "$P1"; R1=$?
wait "$P2"; R2=$?
expect_eq "$R1/$R2" 0/0 "both concurrent syncs succeed"
expect_eq "$(pending)" 0 "outbox empty after concurrent syncs"
expect_eq "$(ctr 610328102001 deaths 2025-01-01 2025-12-31)" 5000 "deaths counted once"
expect_eq "$(nrec 610328102001 "kind = 2")" 5000 "5000 death records"
# The server killed (-9) in the middle of a sync: what it acknowledged is
# durable, the rest comes again from the outbox; counts stay exact.
stop_server
awk 'BEGIN {
	print "record_id,unit,date,direction,persons"
	for (i = 1; i <= 10000; i++)
		printf "S%05d,610328101001,2024-%02d-%02d,%s,%d\n", i,
		    i % 12 + 1, i % 28 + 1, (i % 2 ? "in" : "out"), i % 7 + 1
}' > "$F/crash.csv"
WANT_IN=$(awk -F, 'NR > 1 && $4 == "in" {s += $5} END {print s}' "$F/crash.csv")
WANT_OUT=$(awk -F, 'NR > 1 && $4 == "out" {s += $5} END {print s}' "$F/crash.csv")
expect_rc 3 "queue 10000 migrations" "$PS" submit "$F/crash.csv"
restart_server
"$PS" sync --retries 0 >/dev/null 2>&1 &
P1=$!
sleep 0.3
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=
wait "$P1"
echo "note: server killed mid-sync: $(pending) pending, $(nrec 610328101001 "record_id like 'S%'") stored" >&2
restart_server
expect_rc 0 "sync after the server crash" "$PS" sync --retries 0
expect_eq "$(pending)" 0 "outbox empty after the crash"
expect_eq "$(nrec 610328101001 "record_id like 'S%'")" 10000 "every migration stored once"
expect_eq "$(ctr 610328101001 mig_in 2024-01-01 2024-12-31)" "$WANT_IN" "mig_in exact after the crash"
expect_eq "$(ctr 610328101001 mig_out 2024-01-01 2024-12-31)" "$WANT_OUT" "mig_out exact after the crash"
check_invariants "after killed syncs"

# ================================================================ backup and restore
B=$WORK/backup.db
expect_rc 0 "status before backup" "$PS" status --unit 610328102 --period 2026 --json
ST_BEFORE=$OUT
expect_rc 0 "ranking before backup" "$PS" ranking --parent 610328 --period 2026 --json
RK_BEFORE=$OUT
expect_rc 0 "county status before backup" "$PS" status --unit 610328 --period 2025-12-01..2026-06-30 --json
ST2_BEFORE=$OUT
N_REC=$(sql "select count(*) from records")
N_AUD=$(sql "select count(*) from audit")
expect_rc 0 "backup while serving" "$PSD" backup --db "$DB" --to "$B"
expect_eq "$(sqlite3 "$B" 'PRAGMA integrity_check')" ok "backup passes integrity_check"
expect_eq "$(sqlite3 -readonly "$B" 'select count(*) from records')" "$N_REC" "backup holds every record"
expect_eq "$(sqlite3 -readonly "$B" 'select count(*) from audit')" "$N_AUD" "backup holds the audit log"
SUM_B=$(md5sum < "$B")
expect_rc 1 "backup onto an existing file" "$PSD" backup --db "$DB" --to "$B"
expect_err "exists" "refusal says the file exists"
expect_eq "$(md5sum < "$B")" "$SUM_B" "existing backup untouched"
expect_rc 2 "backup without --to" "$PSD" backup --db "$DB"
expect_rc 1 "backup of a missing database" "$PSD" backup --db "$WORK/none.db" --to "$WORK/none-copy.db"
expect_eq "$([ -e "$WORK/none-copy.db" ] && echo left || echo none)" none "failed backup leaves no file"
# Changes after the backup are not in it.
printf 'record_id,unit,date,sex,age\nafter1,610328102,2026-06-20,M,90\n' > "$F/after.csv"
expect_rc 0 "write after the backup" "$PS" submit "$F/after.csv"
stop_server
cp "$B" "$WORK/restored.db"
cp "$DB.key" "$WORK/restored.db.key"   # the key file is backed up apart
DB=$WORK/restored.db
restart_server
expect_rc 0 "status on the restored database" "$PS" status --unit 610328102 --period 2026 --json
expect_eq "$OUT" "$ST_BEFORE" "status identical after restore"
expect_rc 0 "ranking on the restored database" "$PS" ranking --parent 610328 --period 2026 --json
expect_eq "$OUT" "$RK_BEFORE" "ranking identical after restore"
expect_rc 0 "county status on the restored database" "$PS" status --unit 610328 --period 2025-12-01..2026-06-30 --json
expect_eq "$OUT" "$ST2_BEFORE" "county status identical after restore"
expect_eq "$(nrec 610328102 "record_id = 'after1'")" 0 "row written after the backup is absent"
expect_rc 0 "restored server accepts the admin token and writes" "$PS" submit "$F/after.csv"
expect_last "accepted 1, duplicate 0, rejected 0" "restored database writable"
expect_rc 1 "restored: voided record still voided" "$PS" submit "$F/a3new.csv"
expect_out "a3 was voided" "voids survive the restore"
check_invariants "restored"

# ================================================================ inspector
# An inspector voids and amends verification records only: its answer for
# a birth's record_id (live or voided) is the one for an id that does not
# exist, so it cannot learn which ids are taken.
same_answer() {   # same_answer DESC ID... : each run's stderr, the id blanked
	local desc=$1 first= id msg; shift
	for id in "$@"; do
		run "$PS" --token "$INSPECTOR" void "$id" --unit 610328101 --reason "probe"
		msg="$RC ${ERR//$id/ID}"
		if [ -z "$first" ]; then first=$msg
		elif [ "$msg" = "$first" ]; then ok_
		else fail_ "$desc: void $id: '$msg', void $1: '$first'"; fi
	done
}
same_answer "inspector void" zz-nope a1 a3
expect_err "no verification record" "the inspector is told there is no such verification record"
same_amend() {
	local first= id msg
	for id in "$@"; do
		printf 'record_id,unit,date,mother_id\n%s,610328101,2026-04-07,X1\n' "$id" > "$F/iam.csv"
		run "$PS" --token "$INSPECTOR" amend "$F/iam.csv" --kind verification --reason "probe"
		msg="$RC ${OUT//$id/ID} ${ERR//$id/ID}"
		if [ -z "$first" ]; then first=$msg
		elif [ "$msg" = "$first" ]; then ok_
		else fail_ "inspector amend $id: '$msg', amend $1: '$first'"; fi
	done
}
same_amend zz-nope a1 a3
expect_eq "$(sql "select count(*) from records where record_id = 'zz-nope'")" 0 "nothing stored by the probes"
finish
