#!/usr/bin/env bash
# Edge cases found in review: one population per unit and day, approved
# periods that verification matching must not move, supervision scope.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
start_server
"$PS" -q unit add 610328 陇县
"$PS" -q unit add 610328101 城关镇 --parent 610328
"$PS" -q unit add 610328102 东风镇 --parent 610328
CLERK=$("$PS" user add c101 --role clerk --unit 610328101)

# 1. Amending a population to disagree with another record of the same day.
printf 'record_id,unit,date,persons\np1,610328101,2025-12-31,20000\np2,610328101,2025-12-31,20000\n' > "$WORK/p.csv"
expect_rc 0 "two agreeing population records" "$PS" submit "$WORK/p.csv"
printf 'record_id,unit,date,persons\np2,610328101,2025-12-31,25000\n' > "$WORK/p2.csv"
expect_rc 1 "amend to disagree on the same day" "$PS" amend "$WORK/p2.csv" --reason "typo fix"
expect_out "line 2: persons: population of 610328101 on this date is already 20000 (record p1)" "names the other record"
expect_eq "$(sql "select group_concat(persons) from records where kind = 4")" "20000,20000" "nothing changed"
printf 'record_id,unit,date,persons\np2,610328101,2025-12-31,20000\n' > "$WORK/p3.csv"
expect_rc 0 "amend keeping the agreed value" "$PS" amend "$WORK/p3.csv" --reason "no-op"
expect_out "changed 0, unchanged 1" "unchanged"

# 2. A birth that would un-miss a verification in a locked period.
printf 'record_id,unit,date,mother_id\nv1,610328101,2026-10-25,M123\n' > "$WORK/v.csv"
expect_rc 0 "verification" "$PS" submit "$WORK/v.csv"
expect_rc 0 "approve October" "$PS" approve --unit 610328101 --period 2026-10
before=$(sql "select verified_missed from daily where day = (julianday('2026-10-25') - 2440587.5)")
printf 'record_id,unit,date,sex,birth_order,policy,mother_id\nb1,610328101,2026-11-10,M,1,Y,M123\nb2,610328101,2026-11-10,F,1,Y,M999\n' > "$WORK/b.csv"
expect_rc 1 "birth matching a locked verification is refused" "$PS" submit "$WORK/b.csv"
expect_out "line 2: mother_id: this birth would change the verification record of 2026-10-25" "names the locked day"
expect_out "accepted 1, duplicate 0, rejected 1" "the other birth is stored"
expect_eq "$(sql "select verified_missed from daily where day = (julianday('2026-10-25') - 2440587.5)")" "$before" "locked October unchanged"
expect_eq "$(sql "select count(*) from records where record_id = 'b1'")" 0 "the refused birth left nothing"
expect_eq "$(sql "select sum(births) from daily")" 1 "counters hold the stored birth only"
# The in-memory counters that status reads were rolled back with the row.
run "$PS" status --unit 610328101 --period 2026-11 --json
expect_eq "$(json "j['counters']['births']")" 1 "status counts the stored birth only"
run "$PS" status --unit 610328101 --period 2026-10 --json
expect_eq "$(json "j['counters']['verified_missed']")" 1 "status: the locked verification is still a miss"
expect_rc 0 "unlock" "$PS" unlock --unit 610328101 --period 2026-10 --reason "late birth found"
expect_rc 0 "after unlocking the birth is accepted" "$PS" submit "$WORK/b.csv"
expect_eq "$(sql "select sum(verified_missed) from daily")" 0 "and the verification is matched"
expect_rc 0 "approve again" "$PS" approve --unit 610328101 --period 2026-10
expect_rc 1 "voiding the birth would re-miss a locked verification" "$PS" void b1 --unit 610328101 --reason "mistake"
expect_err "locked period" "void refusal names the lock"
run "$PS" status --unit 610328101 --period 2026-11 --json
expect_eq "$(json "j['counters']['births']")" 2 "status still counts the birth whose void was refused"
run "$PS" status --unit 610328101 --period 2026-10 --json
expect_eq "$(json "j['counters']['verified_missed']")" 0 "status: the verification stays matched"
expect_eq "$(sql "select voided from records where record_id = 'b1'")" 0 "the birth stays"
expect_eq "$(sql "select sum(verified_missed) from daily")" 0 "the verification stays matched"

# 3. A clerk's supervision views stay in its subtree, but for what is
# circulated to it (doc/rules.md §10): its county's bulletin.
expect_rc 3 "clerk: report status of another township" "$PS" --token "$CLERK" report status --parent 610328102 --period 2026-10
expect_rc 3 "clerk: inspection of the county" "$PS" --token "$CLERK" inspection --parent 610328 --period 2026-10D1
expect_err "tasks, locks and inspection summaries only of 610328101" "the refusal says why"
expect_rc 0 "clerk: bulletin of the county (circulated)" "$PS" --token "$CLERK" bulletin --parent 610328 --period 2026-10
expect_rc 0 "clerk: its own township" "$PS" --token "$CLERK" report status --parent 610328101 --period 2026-10

# 4. durability=full: a reply waits for the sync of the WAL.  When the sync
# fails (POPSTATD_TEST_SYNC_FAIL makes it fail) the request is answered
# with an error even though sqlite committed it, and sending it again
# finds it stored (a duplicate); under durability=normal nothing is synced.
stop_server
POPSTATD_TEST_SYNC_FAIL=1 start_server
printf 'record_id,unit,date,sex,birth_order,policy\ns1,610328102,2026-11-01,F,1,Y\n' > "$WORK/s.csv"
expect_rc 1 "a submit whose sync fails is not acknowledged" "$PS" submit "$WORK/s.csv"
expect_err "could not make this durable" "the error says the sync failed"
expect_eq "$(sql "select count(*) from records where record_id = 's1'")" 1 "sqlite committed it all the same"
grep -q "the WAL could not be synced" "$WORK/server.log" && ok_ || fail_ "the server logs the failed sync"
stop_server
start_server
expect_rc 0 "sent again after a good restart" "$PS" submit "$WORK/s.csv"
expect_out "accepted 0, duplicate 1" "it is recognised as stored"
stop_server
POPSTATD_TEST_SYNC_FAIL=1 start_server --durability normal
printf 'record_id,unit,date,sex,birth_order,policy\ns2,610328102,2026-11-01,F,1,Y\n' > "$WORK/s2.csv"
expect_rc 0 "durability=normal does not sync on commit" "$PS" submit "$WORK/s2.csv"
finish
