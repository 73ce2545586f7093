#!/usr/bin/env bash
# The WAL under a steady load: sixteen clients submit single-record batches
# back to back (bench/loadgen, closed loop), so the server never sits idle
# between commits.  A checkpoint in the background alone then seldom lets
# sqlite rewind the WAL, and the file grows by every commit (each fdatasync
# then also commits the file system's journal).  Once the WAL is long enough
# popstatd copies the short tail a background pass leaves between two
# batches (store_wal_tend), and the next commit rewinds the WAL.
#
# In production that length is CKPT_REWIND, 8192 pages (32 MiB): rewinds are
# rare because each stalls the loop for a few ms.  Too rare to show in a test
# run, so these servers rewind at 1000 pages (POPSTATD_TEST_WAL_REWIND, the
# same code path).  Checked:
#   - the WAL file never exceeds WAL_MAX while the load runs (polled), nor
#     at its end; without the rewinds it reached 17-24 MB with this load;
#   - every record is acknowledged as accepted, and stored once;
#   - the database is intact and its counters equal the records (finish);
#   - killed with SIGKILL in the middle of a second such load (the WAL has
#     been rewound several times by then), the server restarts on the
#     database, which is intact, holds the first load whole and has
#     counters that equal its records.
#
# Usage: test_wal.sh [bin|bin-asan]
. "$(dirname "$0")/lib.sh" "${1:-bin}"

LOADGEN=build/bench/loadgen
RECORDS=20000
WAL_MAX=$((8 * 1024 * 1024))
export POPSTATD_TEST_WAL_REWIND=1000

if [ ! -x "$LOADGEN" ]; then
	fail_ "$LOADGEN is missing (make test builds it)"
	finish
	exit 1
fi

start_server
run "$LOADGEN" setup --server "127.0.0.1:$PORT" --token "$ADMIN" --units 100
[ "$RC" -eq 0 ] || { fail_ "loadgen setup: exit $RC: $ERR"; finish; exit 1; }
CLERK=$(json 'j["clerk_token"]')

# The load in the background; the WAL's size is polled meanwhile.
"$LOADGEN" ingest --server "127.0.0.1:$PORT" --token "$CLERK" --units 100 \
	--start 0 --records "$RECORDS" --stream 2 --conns 16 --batch 1 \
	> "$WORK/ingest.json" 2> "$WORK/ingest.err" &
LG=$!
peak=0
while kill -0 "$LG" 2>/dev/null; do
	s=$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)
	[ "$s" -gt "$peak" ] && peak=$s
	sleep 0.05
done
wait "$LG"
expect_eq "$?" 0 "loadgen ingest exit status ($(cat "$WORK/ingest.err"))"
s=$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)
[ "$s" -gt "$peak" ] && peak=$s
echo "WAL peak: $peak bytes"
if [ "$peak" -le "$WAL_MAX" ]; then ok_; else
	fail_ "the WAL grew to $peak bytes under a steady load (at most $WAL_MAX expected)"; fi
OUT=$(cat "$WORK/ingest.json")
expect_eq "$(json 'j["accepted"]')" "$RECORDS" "records accepted"
expect_eq "$(json 'j["errors"] + j["rejected"] + j["duplicate"]')" 0 \
	"errors, rejections and duplicates"

stop_server
expect_eq "$(sql "PRAGMA integrity_check")" ok "integrity_check"
expect_eq "$(sql "SELECT count(*) FROM records WHERE kind = 1")" "$RECORDS" \
	"birth records stored"
expect_eq "$(sql "SELECT sum(births) FROM daily")" "$RECORDS" \
	"daily birth counters"

# A second load, killed in its middle.
start_server
"$LOADGEN" ingest --server "127.0.0.1:$PORT" --token "$CLERK" --units 100 \
	--start "$RECORDS" --records "$RECORDS" --stream 2 --conns 16 \
	--batch 1 > /dev/null 2>&1 &
LG=$!
sleep 1.5
kill -KILL "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=
wait "$LG" 2>/dev/null
start_server    # recovers the WAL
expect_rc 0 "the server answers after the crash" "$PS" ping
stop_server
expect_eq "$(sql "PRAGMA integrity_check")" ok "integrity_check after the crash"
n=$(sql "SELECT count(*) FROM records WHERE kind = 1")
echo "after the crash: $n birth records"
if [ "$n" -ge "$RECORDS" ]; then ok_; else
	fail_ "after the crash $n birth records, fewer than the $RECORDS of the first load"; fi
expect_eq "$(sql "SELECT sum(births) FROM daily")" "$n" \
	"daily birth counters after the crash"
finish
