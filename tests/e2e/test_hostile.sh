#!/usr/bin/env bash
# Hostile text everywhere it can go: every SQL statement binds parameters,
# so quotes and SQL in names and ids are stored as text and change nothing
# else.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
start_server
EVIL="x'); DROP TABLE records; --"
expect_rc 0 "unit" "$PS" unit add U1 "$EVIL"
expect_rc 0 "unit with quotes in its name" "$PS" unit add U2 "O'Brien \"镇\" \\ %s %n" --parent U1 --level "'; DELETE FROM units; --"
expect_rc 0 "unit list" "$PS" unit list --json
expect_eq "$(json 'j[0]["name"]')" "$EVIL" "name stored verbatim"
expect_eq "$(json 'j[1]["level"]')" "'; DELETE FROM units; --" "level stored verbatim"
cat > "$WORK/b.csv" <<'CSV'
record_id,unit,date,sex,birth_order,policy,mother_id
"a'b",U2,2026-01-01,M,1,Y,"'); DELETE FROM records; --"
"1 OR 1=1",U2,2026-01-02,F,1,Y,"x"" OR ""1""=""1"
"%s%n%x",U2,2026-01-03,F,1,Y,
"'; DROP TABLE daily; --",U2,2026-01-04,M,1,Y,
CSV
expect_rc 0 "hostile record ids" "$PS" submit "$WORK/b.csv"
expect_out "accepted 4, duplicate 0, rejected 0" "all four stored"
expect_rc 0 "again: duplicates" "$PS" submit "$WORK/b.csv"
expect_out "accepted 0, duplicate 4, rejected 0" "idempotent with quotes"
expect_eq "$(sql "select count(*) from records")" 4 "records table intact"
expect_eq "$(sql "select sum(births) from daily")" 4 "daily table intact"
expect_eq "$(sql "select count(*) from units")" 2 "units intact"
expect_eq "$(sql "select record_id from records where record_id like 'a%'")" "a'b" "quote kept in the id"
expect_rc 0 "void with a hostile id and reason" "$PS" void "1 OR 1=1" --unit U2 --reason "'); DROP TABLE audit; --"
expect_eq "$(sql "select count(*) from records where voided = 1")" 1 "only that record voided"
expect_eq "$(sql "select reason from audit where action = 'record.void'")" "'); DROP TABLE audit; --" "reason stored verbatim"
expect_rc 1 "status of a hostile code is a clean not-found" "$PS" status --unit "U1' OR '1'='1" --period 2026
expect_err "does not exist" "not found"
expect_rc 1 "indicator with SQL in its expression is rejected by the parser" "$PS" indicator set evil "births; DROP TABLE x" --unit %
expect_rc 0 "still serving" "$PS" status --unit U1 --period 2026 --json
expect_eq "$(json 'j["counters"]["births"]')" 3 "counts right after all that"
finish
