#!/usr/bin/env bash
# bench/ack.sh - the acknowledgement tail against its floor, repeated
# (make bench-ack).
#
# A database with the county, 1000 townships and ACK_RECORDS births
# (preloaded), then ACK_ROUNDS rounds, each: popstatd (default settings,
# durability full) and bench/ackfloor (journal + fdatasync, two sync
# threads) in turn, the order swapped every round, each answering
# ACK_SUBMITS single-record Submits from 16 closed-loop connections.
# Each round gives p50 and p99 ratios popstatd / floor measured seconds
# apart; the medians of the rounds are judged against issue 24's targets
# (p99 <= 1.25x, p50 <= 1.5x).  One JSON line per measurement in
# ACK_DIR/ack.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-bin}
BB=${BENCH_BIN:-build/bench}
DIR=${ACK_DIR:-bench/data/ack}
RECORDS=${ACK_RECORDS:-200000}
ROUNDS=${ACK_ROUNDS:-5}
SUBMITS=${ACK_SUBMITS:-4000}
PORT=${ACK_PORT:-17180}
ADDR=127.0.0.1:$PORT
FADDR=127.0.0.1:$((PORT + 1))

rm -rf "$DIR"
mkdir -p "$DIR"
DB=$DIR/popstat.db
J=$DIR/ack.jsonl
: > "$J"
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null || true' EXIT

field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
halt() { kill -TERM "$1"; while kill -0 "$1" 2>/dev/null; do sleep 0.1; done; }

ADMIN=$("$BIN/popstatd" init --db "$DB")
start() {
	PID=$(field "$("$BB/loadgen" startup --server "$ADDR" --token "$ADMIN" \
		--log "$DIR/server.log" -- "$BIN/popstatd" --db "$DB" \
		--listen "$ADDR")" pid)
}
start
CLERK=$(field "$("$BB/loadgen" setup --server "$ADDR" --token "$ADMIN" --units 1000)" clerk_token)
halt "$PID"
PID=
"$BB/preload" --db "$DB" --units 1000 --start 0 --records "$RECORDS" > /dev/null

next=0
one() {   # one popstatd|floor ROUND
	local out pid
	if [ "$1" = popstatd ]; then
		start
		out=$("$BB/loadgen" ingest --server "$ADDR" --token "$CLERK" \
			--units 1000 --start "$next" --records "$SUBMITS" --stream 2 \
			--conns 16 --batch 1)
		halt "$PID"
		PID=
		next=$((next + SUBMITS))
	else
		pid=$(field "$("$BB/loadgen" startup --server "$FADDR" --token none \
			--log "$DIR/ackfloor.log" -- "$BB/ackfloor" "$FADDR" \
			"$DIR/ackfloor.journal" sync)" pid)
		out=$("$BB/loadgen" ingest --server "$FADDR" --token none \
			--units 1000 --start 0 --records "$SUBMITS" --stream 2 \
			--conns 16 --batch 1)
		halt "$pid"
		rm -f "$DIR/ackfloor.journal"
	fi
	printf '{"key":"%s","round":%d,"loadavg":"%s","r":%s}\n' "$1" "$2" \
		"$(cut -d' ' -f1-3 /proc/loadavg)" "$out" >> "$J"
	echo "round $2 $1: $out" >&2
}
for r in $(seq 1 "$ROUNDS"); do
	if [ $((r % 2)) = 1 ]; then one popstatd "$r"; one floor "$r"
	else one floor "$r"; one popstatd "$r"; fi
done

python3 - "$J" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {}
for x in rows:
    by.setdefault(x["round"], {})[x["key"]] = x["r"]
def med(v):
    v = sorted(v); n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2
r50, r99 = [], []
print("round  popstatd p50/p99 ms   floor p50/p99 ms   ratio p50  p99")
for k in sorted(by):
    p, f = by[k]["popstatd"], by[k]["floor"]
    a, b = p["p50_ms"] / f["p50_ms"], p["p99_ms"] / f["p99_ms"]
    r50.append(a); r99.append(b)
    print("%5d  %8.3f %8.3f    %8.3f %8.3f   %6.2fx %6.2fx" % (k, p["p50_ms"], p["p99_ms"], f["p50_ms"], f["p99_ms"], a, b))
m50, m99 = med(r50), med(r99)
print("ack p50 / floor p50, median of %d rounds: %.2fx (target <= 1.5x) %s" % (len(r50), m50, "PASS" if m50 <= 1.5 else "FAIL"))
print("ack p99 / floor p99, median of %d rounds: %.2fx (target <= 1.25x) %s" % (len(r99), m99, "PASS" if m99 <= 1.25 else "FAIL"))
print("load average (1, 5, 15 min) at the rounds: " + "; ".join(sorted(set(x["loadavg"] for x in rows))))
PY
