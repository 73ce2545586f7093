#!/usr/bin/env bash
# bench/profile.sh - callgrind profiles of popstatd (make bench-profile).
#
# Builds a database through the plain server (the county, 1000 townships and
# PROFILE_RECORDS births), then runs popstatd (the plain -O2 -g build) under
# valgrind --tool=callgrind, once per workload:
#   ingest:  PROFILE_INGEST more births, Submit batches of 1000 from 4 clients
#   ack:     PROFILE_ACK single-record Submits from 16 clients, each waiting
#            for its acknowledgement (the ack-latency workload of make bench)
#   ranking: PROFILE_QUERIES rankings of the county's 1000 townships, 2025,
#            each computed (loadgen --fresh: new to the reply cache)
#   status:  as many computed statuses of the county
#   quality: as many data-quality requests of the county's townships
#   commit:  as many rankings, each after one new birth submitted and
#            acknowledged (loadgen --after-commit; the commits' cost is in
#            the profile too: compare with ranking and ack)
# Instrumentation is switched on (callgrind_control -i on) only once the
# server answers, so start-up (reading the counters of every stored record)
# is not in the profiles.  Writes callgrind_annotate summaries (self and
# inclusive cost) next to the profiles in PROFILE_DIR (bench/data/profile).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-bin}
BB=${BENCH_BIN:-build/bench}
DIR=${PROFILE_DIR:-bench/data/profile}
RECORDS=${PROFILE_RECORDS:-200000}
INGEST=${PROFILE_INGEST:-20000}
ACK=${PROFILE_ACK:-4000}
QUERIES=${PROFILE_QUERIES:-50}
PORT=${PROFILE_PORT:-17171}
ADDR=127.0.0.1:$PORT
VALGRIND=$(command -v valgrind) || { echo "profile: valgrind is not installed"; exit 2; }
CONTROL=$(command -v callgrind_control) || { echo "profile: callgrind_control is not installed"; exit 2; }

rm -rf "$DIR"
mkdir -p "$DIR"
DB=$DIR/popstat.db
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null || true' EXIT

field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

start() {   # start [valgrind args...]: the server, plain or under a tool
	local out
	out=$("$BB/loadgen" startup --server "$ADDR" --token "$ADMIN" \
		--log "$DIR/server.log" --timeout 120 -- "$@" \
		"$BIN/popstatd" --db "$DB" --listen "$ADDR")
	PID=$(field "$out" pid)
}

stop() {
	kill -TERM "$PID"
	while kill -0 "$PID" 2>/dev/null; do sleep 0.2; done
	PID=
}

ADMIN=$("$BIN/popstatd" init --db "$DB")
start
CLERK=$(field "$("$BB/loadgen" setup --server "$ADDR" --token "$ADMIN")" clerk_token)
echo "profile: filling $RECORDS records through the plain server" >&2
"$BB/loadgen" ingest --server "$ADDR" --token "$CLERK" --records "$RECORDS" \
	--batch 10000 --conns 4 >/dev/null
stop

CG="$VALGRIND --tool=callgrind --dump-instr=no --collect-jumps=no --instr-atstart=no"

# profile NAME LOADGEN-ARGS...: one workload under callgrind, counted from
# the moment the server answers to its end.
profile() {
	local name=$1
	shift
	echo "profile: $name under callgrind" >&2
	start $CG --callgrind-out-file="$DIR/callgrind.$name"
	"$CONTROL" -i on "$PID" >/dev/null
	"$BB/loadgen" "$@" --server "$ADDR" > "$DIR/$name.json"
	stop
}

profile ingest ingest --token "$CLERK" --start "$RECORDS" \
	--records "$INGEST" --batch 1000 --conns 4
profile ack ingest --token "$CLERK" --stream 2 --records "$ACK" \
	--batch 1 --conns 16
profile ranking query --token "$ADMIN" --kind ranking --fresh \
	--count "$QUERIES" --warmup 0
profile status query --token "$ADMIN" --kind status --fresh \
	--count "$QUERIES" --warmup 0
profile quality query --token "$ADMIN" --kind quality \
	--count "$QUERIES" --warmup 0
profile commit query --token "$ADMIN" --kind ranking --after-commit \
	--clerk-token "$CLERK" --stream 7 --count "$QUERIES" --warmup 0

for p in ingest ack ranking status quality commit; do
	# Whole output to files (head on a pipe would kill it with SIGPIPE).
	callgrind_annotate --inclusive=no "$DIR/callgrind.$p" \
		> "$DIR/$p.self.txt" 2>/dev/null
	callgrind_annotate --inclusive=yes "$DIR/callgrind.$p" \
		> "$DIR/$p.inclusive.txt" 2>/dev/null
	echo "== $p: self cost (top)"
	sed -n '1,45p' "$DIR/$p.self.txt"
	echo "== $p: inclusive cost (top)"
	sed -n '1,70p' "$DIR/$p.inclusive.txt"
done
echo "profile: profiles and summaries in $DIR (callgrind_annotate $DIR/callgrind.ingest)" >&2
