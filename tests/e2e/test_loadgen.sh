#!/usr/bin/env bash
# bench/loadgen against the real popstatd: the benchmark's ranking after a
# commit must really commit before each ranking, and its quality requests
# must be answered.  On a county of 20 townships with 2,000 births:
#   - query --kind ranking --after-commit --count 6 --warmup 0 stores
#     exactly 6 new births (records AC9-0 .. AC9-5, township k of 20, dated
#     in 2025, submitted by the clerk of --clerk-token), reports 6 commits,
#     6 measured rankings, 6 Pings alongside and no error, and no two of
#     its rankings are the same reply;
#   - the same run again finds its births already stored: 6 errors (the
#     duplicates), exit status 1, nothing new stored;
#   - --after-commit refuses a Ping-only run and more than one connection;
#   - query --kind quality --count 5 reports 5 measured replies, no error;
#   - query --kind ranking --cold evaluates every township of every ranking
#     (the row cache's misses on /metrics: 20 a ranking, no hit), where
#     --fresh rankings of the same year take the kept rows.
# Nothing here depends on how fast anything is.
#
# Usage: test_loadgen.sh [bin|bin-asan]
. "$(dirname "$0")/lib.sh" "${1:-bin}"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LOADGEN=$ROOT/build/bench/loadgen
UNITS=20

# The plain build of the bench tools (make test builds them first; built
# here when the suite runs alone, and rebuilt when a source changed).
if ! make -s -C "$ROOT" bench-tools > "$WORK/make.log" 2>&1 ||
    [ ! -x "$LOADGEN" ]; then
	fail_ "make bench-tools failed: $(tail -n 5 "$WORK/make.log")"
	finish
	exit 1
fi

start_server_http
SRV=127.0.0.1:$PORT
run "$LOADGEN" setup --server "$SRV" --token "$ADMIN" --units $UNITS
[ "$RC" -eq 0 ] || { fail_ "loadgen setup: exit $RC: $ERR"; finish; exit 1; }
CLERK=$(json 'j["clerk_token"]')
run "$LOADGEN" ingest --server "$SRV" --token "$CLERK" --units $UNITS \
	--records 2000 --batch 500 --conns 2
expect_eq "$RC" 0 "ingest exit status ($ERR)"
expect_eq "$(json 'j["accepted"], j["errors"]')" "2000 0" "ingest accepted, errors"

births() { sql "select count(*) from records where kind = 1"; }
b0=$(births)
expect_eq "$b0" 2000 "births stored before the after-commit run"

after_commit() {
	run "$LOADGEN" query --server "$SRV" --token "$ADMIN" --units $UNITS \
		--kind ranking --after-commit --clerk-token "$CLERK" --stream 9 \
		--count 6 --warmup 0 --ping-every 2
}

after_commit
expect_eq "$RC" 0 "after-commit run: exit status ($ERR)"
expect_eq "$(json 'j["errors"], j["commits"], j["n"], j["ping_n"]')" \
	"0 6 6 6" "after-commit run: errors, commits, rankings, Pings"
expect_eq "$(births)" $((b0 + 6)) "after-commit run: 6 new births stored"
# Each ranking answered after its own commit: none is the same reply as
# the first (loadgen compares every reply with the first, byte for byte).
expect_eq "$(json 'j["same_as_first"]')" 0 "after-commit run: rankings equal to the first"
# AC9-k: township k mod 20, dated 2025-01-01 + k, the clerk's.
expect_eq "$(sql "select group_concat(r.record_id || ' ' || u.code || ' ' ||
    date(r.day * 86400, 'unixepoch') || ' ' || us.name, ',')
    from (select * from records where record_id like 'AC9-%'
    order by record_id) r join units u on u.id = r.unit_id
    join users us on us.id = r.user_id")" \
	"AC9-0 6103280000 2025-01-01 bench-clerk,AC9-1 6103280001 2025-01-02 bench-clerk,AC9-2 6103280002 2025-01-03 bench-clerk,AC9-3 6103280003 2025-01-04 bench-clerk,AC9-4 6103280004 2025-01-05 bench-clerk,AC9-5 6103280005 2025-01-06 bench-clerk" \
	"after-commit births: id, township, date, submitter"

# Again: the same six births, now duplicates, each an error.
after_commit
expect_eq "$RC" 1 "after-commit run again: exit status"
expect_eq "$(json 'j["errors"], j["commits"]')" "6 6" "after-commit run again: errors, commits"
expect_out "AC9-0 was already stored" "after-commit run again: the first error"
expect_eq "$(births)" $((b0 + 6)) "after-commit run again: nothing new stored"

expect_rc 1 "--after-commit with --kind ping" "$LOADGEN" query --server "$SRV" \
	--token "$ADMIN" --kind ping --after-commit
expect_err "--after-commit needs" "--after-commit with --kind ping: message"
expect_rc 1 "--after-commit with 2 connections" "$LOADGEN" query \
	--server "$SRV" --token "$ADMIN" --kind ranking --after-commit --conns 2
expect_eq "$(births)" $((b0 + 6)) "refused runs store nothing"

run "$LOADGEN" query --server "$SRV" --token "$ADMIN" --units $UNITS \
	--kind quality --count 5 --warmup 1
expect_eq "$RC" 0 "quality run: exit status ($ERR)"
expect_eq "$(json 'j["kind"], j["errors"], j["n"], j["replies"], j["commits"]')" \
	"quality 0 5 6 0" "quality run: kind, errors, measured, replies, commits"
if [ "$(json 'j["reply_bytes"] > 0')" = True ]; then ok_; else
	fail_ "quality run: no reply bytes: $OUT"; fi

m0=$(metric popstat_row_cache_misses_total)
h0=$(metric popstat_row_cache_hits_total)
run "$LOADGEN" query --server "$SRV" --token "$ADMIN" --units $UNITS \
	--kind ranking --cold --count 4 --warmup 0
expect_eq "$RC" 0 "cold run: exit status ($ERR)"
expect_eq "$(json 'j["errors"], j["n"], j["same_as_first"]')" "0 4 0" "cold run: errors, measured, same as the first"
expect_eq "$(($(metric popstat_row_cache_misses_total) - m0)) $(($(metric popstat_row_cache_hits_total) - h0))" \
	"80 0" "cold run: every township of 4 rankings evaluated, none kept"
h0=$(metric popstat_row_cache_hits_total)
run "$LOADGEN" query --server "$SRV" --token "$ADMIN" --units $UNITS \
	--kind ranking --fresh --count 3 --warmup 0
expect_eq "$(json 'j["errors"], j["n"]')" "0 3" "fresh run: errors, measured"
expect_eq "$(($(metric popstat_row_cache_hits_total) - h0 >= 40))" 1 "fresh run: the year's rows are kept"
expect_rc 1 "--cold with --kind status" "$LOADGEN" query --server "$SRV" \
	--token "$ADMIN" --kind status --cold
expect_err "--cold is for --kind ranking" "--cold with status: message"
expect_rc 1 "--cold with a month" "$LOADGEN" query --server "$SRV" \
	--token "$ADMIN" --kind ranking --cold --period 2025-03
expect_err "--cold needs --period YYYY" "--cold with a month: message"

finish
