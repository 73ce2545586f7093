#!/usr/bin/env bash
# Kept replies (server/conn.c, common/rcache.h): a repeated status or
# ranking is answered from memory, and never after anything changed: a
# record, a void, a target, a lock, a user's scope; who asks is part of
# the key.  /metrics shows that the cache was in use for these checks.
. "$(dirname "$0")/lib.sh" "${1:-bin}"

start_server_http

"$PS" -q unit add 610328 陇县
"$PS" -q unit add 610328101 城关镇 --parent 610328
"$PS" -q unit add 610328102 东风镇 --parent 610328
CLERK=$("$PS" user add c101 --role clerk --unit 610328101)
printf 'record_id,unit,date,persons\np1,610328101,2025-12-31,10000\np2,610328102,2025-12-31,10000\n' > "$WORK/pop.csv"
expect_rc 0 "populations" "$PS" submit "$WORK/pop.csv"
printf 'record_id,unit,date,sex,birth_order,policy\n' > "$WORK/b.csv"
for i in $(seq 1 50); do
	printf 'a%d,610328101,2026-03-%02d,M,1,Y\n' "$i" $((i % 28 + 1)) >> "$WORK/b.csv"
done
for i in $(seq 1 80); do
	printf 'b%d,610328102,2026-04-%02d,F,1,Y\n' "$i" $((i % 28 + 1)) >> "$WORK/b.csv"
done
expect_rc 0 "births" "$PS" submit "$WORK/b.csv"

births() { json "j['counters']['births']"; }
first_rank() { json "j['rows'][0]['unit']"; }

h0=$(metric popstat_reply_cache_hits_total)
run "$PS" status --unit 610328 --period 2026 --json
expect_eq "$(births)" 130 "county births"
S1=$OUT
run "$PS" status --unit 610328 --period 2026 --json
expect_eq "$OUT" "$S1" "the repeated status is the same reply"
run "$PS" ranking --parent 610328 --period 2026 --json
expect_eq "$(first_rank)" 610328101 "fewer births rank first"
R1=$OUT
run "$PS" ranking --parent 610328 --period 2026 --json
expect_eq "$OUT" "$R1" "the repeated ranking is the same reply"
h1=$(metric popstat_reply_cache_hits_total)
expect_eq "$((h1 - h0 >= 2))" 1 "the repeats were answered from the cache ($h0 -> $h1)"
expect_eq "$(($(metric popstat_reply_cache_bytes) > 0))" 1 "replies are kept"

# A new record: the next status counts it.
printf 'record_id,unit,date,sex,birth_order,policy\nc1,610328101,2026-05-01,F,1,Y\n' > "$WORK/c.csv"
expect_rc 0 "one more birth" "$PS" submit "$WORK/c.csv"
expect_eq "$(metric popstat_reply_cache_bytes)" 0 "a commit drops every kept reply"
run "$PS" status --unit 610328 --period 2026 --json
expect_eq "$(births)" 131 "status after a submit counts it"
# The period as a custom range, asked twice around a void.
run "$PS" status --unit 610328101 --period 2026-05-01..2026-05-01 --json
expect_eq "$(births)" 1 "the day of the new birth"
expect_rc 0 "void it" "$PS" void c1 --unit 610328101 --reason "entered twice"
run "$PS" status --unit 610328101 --period 2026-05-01..2026-05-01 --json
expect_eq "$(births)" 0 "status after a void"

# Many more births in 101: the ranking turns.
printf 'record_id,unit,date,sex,birth_order,policy\n' > "$WORK/d.csv"
for i in $(seq 1 60); do
	printf 'd%d,610328101,2026-06-%02d,M,1,Y\n' "$i" $((i % 28 + 1)) >> "$WORK/d.csv"
done
expect_rc 0 "sixty more births in 101" "$PS" submit "$WORK/d.csv"
run "$PS" ranking --parent 610328 --period 2026 --json
expect_eq "$(first_rank)" 610328102 "the ranking after the submit"
R2=$OUT

# A target changed by the admin: the judgement follows at once.
br_result() { json "[i['result'] for i in j['indicators'] if i['name'] == 'birth_rate'][0]"; }
run "$PS" status --unit 610328101 --period 2026 --json
expect_eq "$(br_result)" met "10.94 per mille meets 11.5"
run "$PS" status --unit 610328101 --period 2026 --json
expect_eq "$(br_result)" met "kept"
run "$PS" ranking --parent 610328 --period 2026 --json
R3=$OUT
expect_rc 0 "lower the birth-rate target" "$PS" target set birth_rate '<=' 10
run "$PS" status --unit 610328101 --period 2026 --json
expect_eq "$(br_result)" missed "judged against the new target at once"
run "$PS" ranking --parent 610328 --period 2026 --json
expect_eq "$([ "$OUT" != "$R3" ] && echo changed)" changed "the ranking's scores follow the target"

# Who asks is part of the key: the admin's kept ranking of 102's units is
# not the clerk's answer (the clerk of 101 reads its sibling 102's status,
# circulated, but not 102's own ranking).
run "$PS" status --unit 610328102 --period 2026 --json
expect_eq "$(births)" 80 "admin reads 102"
expect_rc 0 "the admin ranks 102's units (kept)" "$PS" ranking --parent 610328102 --period 2026 --json
expect_rc 3 "the clerk may not rank 102's units" env POPSTAT_TOKEN="$CLERK" "$PS" ranking --parent 610328102 --period 2026
expect_err "outside your scope" "the refusal names the scope"
run env POPSTAT_TOKEN="$CLERK" "$PS" status --unit 610328102 --period 2026 --json
expect_eq "$(births)" 80 "the clerk reads its sibling's status, as the admin does"
run env POPSTAT_TOKEN="$CLERK" "$PS" status --unit 610328101 --period 2026 --json
expect_eq "$(births)" 110 "the clerk reads its own township"

# A lock is a write like any other.
expect_rc 0 "approve March" "$PS" approve --unit 610328101 --period 2026-03
run "$PS" status --unit 610328101 --period 2026-03 --json
expect_eq "$(births)" 50 "status after approving"

# SIGHUP (configuration reload) drops kept replies too.
run "$PS" status --unit 610328 --period 2026 --json
expect_eq "$(($(metric popstat_reply_cache_bytes) > 0))" 1 "kept before SIGHUP"
kill -HUP "$SERVER_PID"
sleep 0.3
expect_eq "$(metric popstat_reply_cache_bytes)" 0 "SIGHUP drops kept replies"

finish
