#!/usr/bin/env bash
# A failed sync of the WAL (libfiu makes fdatasync fail in the running
# server): the request waiting for it is answered with an error, nothing
# more is acknowledged, and the server stops with a clear log line and
# exit status 1; a clean restart recovers every acknowledged record, the
# counters match the rows and sqlite's integrity check passes.  Needs
# fiu-utils (Debian); skipped with a visible message without it.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
need_fiu
REAL_PSD=$PSD
PSD=$FIU_PSD
start_server
PSD=$REAL_PSD
expect_rc 0 "unit" "$PS" unit add T1 town
csv() {   # csv FILE FIRST N: N birth rows with ids FIRST..
	local i
	echo "record_id,unit,date,sex,birth_order,policy" > "$1"
	for i in $(seq "$2" $(($2 + $3 - 1))); do
		echo "r$i,T1,2026-03-$(printf %02d $((i % 28 + 1))),F,1,Y"
	done >> "$1"
}
csv "$WORK/a.csv" 1 50
expect_rc 0 "50 records while the disk is fine" "$PS" submit "$WORK/a.csv"
expect_out "accepted 50, duplicate 0, rejected 0" "all acknowledged"
fiu-ctrl -f "$WORK/fiu" -c "enable name=posix/io/sync/fdatasync" "$SERVER_PID"
csv "$WORK/b.csv" 51 10
expect_rc 1 "a submit whose WAL sync fails is not acknowledged" "$PS" submit "$WORK/b.csv"
expect_err "could not make this durable" "the error says why"
# The server stops by itself (within 20 s: it needs well under one).
for i in $(seq 1 200); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$SERVER_PID" 2>/dev/null; then
	fail_ "the server still runs after a failed WAL sync"
	stop_server
else
	wait "$SERVER_PID"; SERVER_RC=$?; SERVER_PID=
	expect_eq "$SERVER_RC" 1 "it exits with status 1"
fi
expect_eq "$(grep -c 'FATAL: the WAL could not be synced' "$WORK/server.log")" 1 "one clear log line"
expect_rc 3 "nothing is acknowledged afterwards" "$PS" submit "$WORK/b.csv"
# A clean restart: sqlite recovers from the WAL on disk.
start_server
expect_rc 0 "the first 50 are there" "$PS" submit "$WORK/a.csv"
expect_out "accepted 0, duplicate 50, rejected 0" "every acknowledged record survived"
expect_rc 0 "the unacknowledged batch sent again" "$PS" submit "$WORK/b.csv"
expect_eq "$(sql 'select count(*) from records')" 60 "each record stored once"
expect_eq "$(sql 'pragma integrity_check')" ok "integrity_check"
expect_eq "$(sql 'select sum(births) from daily')" 60 "counters equal the rows"
finish
