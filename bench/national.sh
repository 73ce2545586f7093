#!/usr/bin/env bash
# bench/national.sh - the whole country on one popstatd (make bench-national).
#
# BENCH_NATIONAL=1 (bench/rowgen.h): the nation, 31 provinces, 2,790
# counties and 41,850 townships, added through the server (loadgen setup),
# then births dated over almost three years (2024-01-01..2026-10-31)
# preloaded (bench/preload.c, server stopped) to each size of NAT_SIZES in
# turn, the naive baseline's table grown to the same rows alongside.  At
# each size: start-up time and RSS, the Ping, the status of the nation and
# of a province and the ranking of a province's 90 counties (each computed:
# new to the reply cache), the warning of a county's 15 townships, then an
# ingest of NAT_INGEST records through the server (8 connections x
# Submits of 1000, durability full) and the same rows into the naive
# baseline (1000 rows a transaction, synchronous=FULL).  One JSON line per
# figure in NAT_DIR/national.jsonl; the table goes to NAT_RESULTS.
#
#   NAT_SIZES    record counts measured, ascending ("1000000 3000000 10000000")
#   NAT_INGEST   records of each measured ingest (100000)
#   NAT_DIR      scratch directory (bench/data/national); kept with NAT_KEEP=1
#   NAT_RESULTS  bench/RESULTS-national.md
#   NAT_SAVE     a directory: only build the databases of NAT_SIZES (setup,
#                preload, the naive table alike) and keep a copy of each
#                size there (SIZE/popstat.db, .key, naive.db, tokens); no
#                measurement.  The preload is most of a run's time (10M:
#                ~25 min), so it is done once.
#   NAT_FROM     a directory NAT_SAVE made: measure each size of NAT_SIZES
#                on a fresh copy of its saved databases (the ingest of one
#                size then does not carry into the next, as without it);
#                a size whose directory holds a file `in_place` is measured
#                on hard links to the saved files, not copies
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-bin}
BB=${BENCH_BIN:-build/bench}
SIZES=${NAT_SIZES:-"1000000 3000000 10000000"}
INGEST=${NAT_INGEST:-100000}
DIR=${NAT_DIR:-bench/data/national}
OUT=${NAT_RESULTS:-bench/RESULTS-national.md}
PORT=${NAT_PORT:-17190}
ADDR=127.0.0.1:$PORT
UNITS=41850
export BENCH_NATIONAL=1

rm -rf "$DIR"
mkdir -p "$DIR"
DB=$DIR/popstat.db
NAIVE=$DIR/naive.db
J=$DIR/national.jsonl
LOG=$DIR/server.log
: > "$J"
T0=$(date +%s)
PID=
BPID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null || true
	[ -n "$BPID" ] && kill "$BPID" 2>/dev/null || true
	[ "${NAT_KEEP:-0}" = 1 ] || rm -f "$DIR"/*.db "$DIR"/*.db-wal "$DIR"/*.db-shm
}
trap cleanup EXIT

say() { printf '[%5ds] %s\n' $(($(date +%s) - T0)) "$*" >&2; }
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
put() { printf '{"key":"%s","size":%s,"loadavg":"%s","r":%s}\n' "$1" "$2" \
	"$(cut -d' ' -f1-3 /proc/loadavg)" "$3" >> "$J"; say "$1 @$2: $3"; }
proc_kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
cpu_s() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$1/stat"; }
halt() { kill -TERM "$1"; while kill -0 "$1" 2>/dev/null; do sleep 0.1; done; }
settle() {
	local a b i
	for i in $(seq 1 120); do
		a=$(awk '{ print $14 + $15 }' "/proc/$PID/stat")
		sleep 0.5
		b=$(awk '{ print $14 + $15 }' "/proc/$PID/stat")
		[ $((b - a)) -le 1 ] && return 0
	done
}
start() {   # start SIZE
	local out
	out=$("$BB/loadgen" startup --server "$ADDR" --token "$ADMIN" --log "$LOG" \
		-- "$BIN/popstatd" --db "$DB" --listen "$ADDR")
	PID=$(field "$out" pid)
	put startup "$1" "${out%\}},\"vmrss_kib\":$(proc_kib "$PID" VmRSS)}"
}
q() {   # q KEY SIZE UNIT KIND [loadgen options]
	local key=$1 size=$2 unit=$3 kind=$4
	shift 4
	put "$key" "$size" "$("$BB/loadgen" query --server "$ADDR" --token "$ADMIN" \
		--units $UNITS --county "$unit" --kind "$kind" --count 40 --warmup 1 \
		--max-seconds 30 "$@")"
}

SAVE=${NAT_SAVE:-}
FROM=${NAT_FROM:-}
if [ -n "$FROM" ]; then
	ADMIN=$(cat "$FROM/admin_token")
	CLERK=$(cat "$FROM/clerk_token")
	cat "$FROM/setup.jsonl" >> "$J"
else
	ADMIN=$("$BIN/popstatd" init --db "$DB")
	start 0
	out=$("$BB/loadgen" setup --server "$ADDR" --token "$ADMIN")
	put setup 0 "$out"
	CLERK=$(field "$out" clerk_token)
	halt "$PID"
	PID=
	if [ -n "$SAVE" ]; then
		mkdir -p "$SAVE"
		printf '%s\n' "$ADMIN" > "$SAVE/admin_token"
		printf '%s\n' "$CLERK" > "$SAVE/clerk_token"
		grep '"key":"s' "$J" > "$SAVE/setup.jsonl"
	fi
fi

cur=0
for S in $SIZES; do
	if [ -n "$FROM" ]; then
		[ -f "$FROM/$S/popstat.db" ] || { say "no saved database of $S in $FROM"; exit 1; }
		say "copying the saved databases of $S"
		rm -f "$DIR"/*.db "$DIR"/*.db-wal "$DIR"/*.db-shm "$DIR"/*.key
		if [ -f "$FROM/$S/in_place" ]; then
			# Too large to copy (100M: ~40 GB): measured in place,
			# so its ingest stays in the saved files.
			ln "$FROM/$S/popstat.db" "$FROM/$S/popstat.db.key" "$FROM/$S/naive.db" "$DIR/"
		else
			cp "$FROM/$S/popstat.db" "$FROM/$S/popstat.db.key" "$FROM/$S/naive.db" "$DIR/"
		fi
		grep -h '"key":"p\|"key":"naive_prep' "$FROM/$S/preload.jsonl" >> "$J" || true
		cur=$S
	elif [ "$S" -gt "$cur" ]; then
		say "preloading records $cur..$S (server stopped) and the naive table alike, in parallel"
		nice -n 5 "$BB/baseline" --db "$NAIVE" --units $UNITS --start "$cur" \
			--records $((S - cur)) --batch 200000 --sync off \
			--cache-kib 2097152 > "$DIR/naive_prep.json" &
		BPID=$!
		put preload "$S" "$(nice -n 5 "$BB/preload" --db "$DB" --units $UNITS \
			--start "$cur" --records $((S - cur)))"
		wait "$BPID"
		BPID=
		put naive_prep "$S" "$(cat "$DIR/naive_prep.json")"
		cur=$S
	fi
	if [ -n "$SAVE" ]; then
		mkdir -p "$SAVE/$S"
		cp "$DB" "$DB.key" "$NAIVE" "$SAVE/$S/"
		grep "\"size\":$S," "$J" > "$SAVE/$S/preload.jsonl"
		say "saved the databases of $S in $SAVE/$S"
		continue
	fi
	sync
	put files "$S" "{\"server_db_bytes\":$(stat -c %s "$DB"),\"naive_db_bytes\":$(stat -c %s "$NAIVE")}"
	start "$S"
	settle
	q ping "$S" 000000 ping --count 2000
	q status_nation "$S" 000000 status --fresh
	q status_province "$S" 110000 status --fresh
	q ranking_province "$S" 110000 ranking --fresh
	q warning_county "$S" 110001 warning
	put rss_after_queries "$S" "{\"vmrss_kib\":$(proc_kib "$PID" VmRSS),\"vmhwm_kib\":$(proc_kib "$PID" VmHWM)}"
	c0=$(cpu_s "$PID")
	out=$("$BB/loadgen" ingest --server "$ADDR" --token "$CLERK" --units $UNITS \
		--start "$cur" --records "$INGEST" --stream 1 --conns 8 --batch 1000)
	put ingest "$S" "${out%\}},\"server_cpu_s\":$(awk -v a="$c0" -v b="$(cpu_s "$PID")" 'BEGIN { printf "%.2f", b - a }')}"
	put rss_end "$S" "{\"vmrss_kib\":$(proc_kib "$PID" VmRSS),\"vmhwm_kib\":$(proc_kib "$PID" VmHWM)}"
	halt "$PID"
	PID=
	put baseline "$S" "$("$BB/baseline" --db "$NAIVE" --units $UNITS --start "$cur" \
		--records "$INGEST" --batch 1000 --sync full)"
	cur=$((cur + INGEST))
done
put end 0 "{\"elapsed_s\":$(($(date +%s) - T0))}"
[ -n "$SAVE" ] && { say "databases saved in $SAVE; measure with NAT_FROM=$SAVE"; exit 0; }
python3 bench/national_report.py "$J" "$OUT"
say "done; table written to $OUT"
