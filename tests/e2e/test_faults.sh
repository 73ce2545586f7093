#!/usr/bin/env bash
# Fault injection: libfiu makes write, pwrite, fsync, fdatasync and malloc
# fail (EIO, ENOSPC, NULL) inside the running popstatd while submitters and
# a reader send real `popstat` requests, in windows of FAULT_SECONDS with a
# different fault point each.  The server may refuse, fail requests or
# exit (a failed WAL sync stops it with status 1); it is then restarted, as
# systemd would.  It must never die of a signal.  After the last window a
# clean restart must hold every record a client got an acknowledgement
# for, the daily counters must equal the stored records and sqlite's
# integrity check must pass.
#
# "Acknowledged": each submitter sends small files (ROWS rows, unique
# record_ids) with one `popstat submit` each; exit 0 with "accepted A,
# duplicate D, rejected 0" and A + D = ROWS means the server answered for
# every row, which it does only after the commit is synced.  Anything else
# is not an acknowledgement (the rows may or may not be stored).
#
# libfiu seeds its random failures itself (it has no seed option), so
# where the faults fall differs from run to run; every check holds for any
# placement.  The sanitizer build skips the suite (need_fiu in lib.sh).
#
# Usage: test_faults.sh [bin]; FAULT_ROUNDS overrides how many times the
# list of fault points is gone through (default 1: ten windows, ~35 s).
. "$(dirname "$0")/lib.sh" "${1:-bin}"
need_fiu
ROUNDS=${FAULT_ROUNDS:-1}
FAULT_SECONDS=2
NSUB=3
ROWS=20
F=$WORK/f
mkdir -p "$F"
EIO=5
ENOSPC=28
# name|probability|errno (empty: libfiu picks one the call may return)
POINTS=${FAULT_POINTS:-"posix/io/rw/write|0.05|$EIO
posix/io/rw/pwrite|0.05|$ENOSPC
posix/io/sync/fdatasync|0.2|$EIO
posix/io/rw/pwrite|0.03|$EIO
posix/io/sync/fsync|0.2|$EIO
libc/mm/malloc|0.002|
posix/io/rw/write|0.05|$ENOSPC
libc/mm/realloc|0.01|
libc/mm/calloc|0.01|
posix/io/rw/*|0.02|"}

# submitter S: until $F/stop exists, write file N ($F/sSnN.csv, ROWS birth
# rows) and send it with one `popstat submit`; log "key|exit|last line" to
# $F/res.S.  Its outbox is its own.
submitter() {
	local s=$1 n=0 key out rc r
	export POPSTAT_OUTBOX=$F/outbox.$s.db
	while [ ! -e "$F/stop" ]; do
		key=$(printf 's%dn%04d' "$s" "$n")
		{
			echo "record_id,unit,date,sex,birth_order,policy"
			for r in $(seq 10 $((ROWS + 9))); do
				printf '%s-%02d,%s,2026-%02d-%02d,%s,%d,%s\n' "$key" \
				    "$r" "61032810$((r % 2 + 1))" $((n % 11 + 1)) \
				    $((r % 28 + 1)) "$([ $((r % 2)) = 0 ] && echo M ||
				    echo F)" $((r % 4 + 1)) "$([ $((r % 5)) = 0 ] &&
				    echo N || echo Y)"
			done
		} > "$F/$key.csv"
		out=$(timeout 60 "$PS" submit "$F/$key.csv" 2>>"$F/client.$s.err")
		rc=$?
		echo "$key|$rc|$(printf '%s\n' "$out" | tail -n 1)|$SECONDS" >> "$F/res.$s"
		[ "$rc" -eq 0 ] || sleep 0.2
		n=$((n + 1))
	done
}

# reader: queries on the request path too (status, ranking, export, and
# the dashboard's pages and API), so that malloc failures meet them; their
# answers are not checked here.
reader() {
	local h=http://127.0.0.1:$HPORT
	while [ ! -e "$F/stop" ]; do
		timeout 60 "$PS" status --unit 610328 --period 2026 >/dev/null 2>&1
		timeout 60 "$PS" ranking --parent 610328 --period 2026 >/dev/null 2>&1
		curl -s --max-time 20 -H "Authorization: Bearer $ADMIN" \
		    -o /dev/null "$h/api/status?unit=610328101&period=2026" \
		    -o /dev/null "$h/ranking?parent=610328&period=2026" \
		    -o /dev/null "$h/unit?unit=610328101&period=2026-03"
		timeout 60 "$PS" export --parent 610328 --period 2026-03 \
		    >/dev/null 2>&1 || sleep 0.2
	done
}

# reap LABEL: if the server is gone, check how it ended (an exit status,
# never a signal) and start it again under libfiu.
EXITS=0
reap() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		return
	fi
	wait "$SERVER_PID" 2>/dev/null
	local rc=$?
	EXITS=$((EXITS + 1))
	if [ "$rc" -gt 128 ]; then
		fail_ "$1: popstatd died of signal $((rc - 128))"
		tail -n 5 "$WORK/server.log" >&2
	else
		ok_
	fi
	echo "$1: popstatd exited with status $rc; restarted"
	PSD=$FIU_PSD restart_server --http 127.0.0.1:"$HPORT"
}

need_curl
HPORT=$(free_port)
PSD_PLAIN=$PSD
PSD=$FIU_PSD start_server --http 127.0.0.1:"$HPORT"
expect_rc 0 "add county" "$PS" unit add 610328 陇县 --level county
expect_rc 0 "add township 101" "$PS" unit add 610328101 城关镇 --parent 610328 --level township
expect_rc 0 "add township 102" "$PS" unit add 610328102 东风镇 --parent 610328 --level township

pids=()
for s in $(seq 1 $NSUB); do
	submitter "$s" &
	pids+=($!)
done
reader &
pids+=($!)

WINDOWS=0
for round in $(seq 1 "$ROUNDS"); do
	while IFS='|' read -r name p e; do
		WINDOWS=$((WINDOWS + 1))
		reap "window $WINDOWS"
		fiu-ctrl -f "$WORK/fiu" -c "enable_random name=$name,probability=$p${e:+,failinfo=$e}" \
		    "$SERVER_PID" 2>/dev/null
		sleep "$FAULT_SECONDS"
		fiu-ctrl -f "$WORK/fiu" -c "disable name=$name" "$SERVER_PID" \
		    2>/dev/null
		echo "window $WINDOWS: $name p=$p errno=${e:-any} done (${SECONDS}s)"
		sleep 0.5
	done <<< "$POINTS"
done
reap "after the last window"
touch "$F/stop"
wait "${pids[@]}"

# A clean restart, without libfiu: everything acknowledged is there.
stop_server
if [ "$SERVER_RC" -gt 128 ]; then
	fail_ "popstatd died of signal $((SERVER_RC - 128)) at the end"
fi
PSD=$PSD_PLAIN restart_server
expect_rc 0 "the server answers after the faults" "$PS" ping
stop_server
expect_eq "$SERVER_RC" 0 "clean shutdown after the faults"

cat "$F"/res.* | awk -F'|' -v R=$ROWS '
	$2 == 0 && $3 ~ /^accepted [0-9]+, duplicate [0-9]+, rejected 0$/ {
		split($3, a, /[ ,]+/)
		if (a[2] + a[4] == R)
			for (r = 10; r < R + 10; r++)
				printf "%s-%02d\n", $1, r
	}' > "$F/acked"
ACKED=$(wc -l < "$F/acked")
SUBMITS=$(cat "$F"/res.* | wc -l)
expect_eq "$([ "$ACKED" -gt 0 ] && echo yes)" yes "some records were acknowledged"
LOST=$(acked_missing "$F/acked")
expect_eq "$LOST" 0 "acknowledged records lost (of $ACKED)"
expect_eq "$(sql 'PRAGMA integrity_check')" ok "integrity_check"
expect_eq "$(daily_mismatches)" 0 "(unit, day) whose counters differ from the records"
# A file is one batch: stored whole or not at all (also when a later
# submit flushes it from the outbox: ROWS divides the outbox's batches of
# 1000 rows, so they hold whole files).
expect_eq "$(sql "SELECT group_concat(k || ':' || c, ' ') FROM (SELECT
    substr(record_id, 1, length(record_id) - 3) AS k, count(*) AS c
    FROM records GROUP BY k HAVING c != $ROWS)")" "" "files stored in part (key:rows)"
# Every file sent again: the acknowledged ones come back as duplicates.
STORED_N=$(sql "SELECT count(*) FROM records")
restart_server
dup=0
for f in "$F"/s*n*.csv; do
	out=$("$PS" submit "$f" 2>/dev/null) || { fail_ "re-send of $f: exit $?"; continue; }
	dup=$((dup + $(printf '%s\n' "$out" | tail -n 1 | sed -nE 's/^accepted [0-9]+, duplicate ([0-9]+), rejected 0$/\1/p')))
done
expect_eq "$dup" "$STORED_N" "re-sent rows already stored are duplicates"
expect_eq "$(sql "SELECT count(*) FROM records")" $((SUBMITS * ROWS)) "every file stored once after the re-send"
stop_server
expect_eq "$SERVER_RC" 0 "clean shutdown after the re-send"
expect_eq "$(daily_mismatches)" 0 "counters equal the records after the re-send"
if grep -qE 'ERROR: AddressSanitizer|runtime error' "$F"/client.*.err 2>/dev/null; then
	fail_ "sanitizer report from a client"
fi
echo "faults: $WINDOWS windows, $SUBMITS submits, $ACKED records acknowledged, $LOST lost, $EXITS server exits, $STORED_N stored before the re-send; ${SECONDS}s"
finish
