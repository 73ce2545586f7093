#!/usr/bin/env bash
# The dashboard cannot take the server's descriptors: a cap on its
# connections (--http-max-connections), a whole-request deadline
# (--http-request-timeout, not an inactivity timeout), its listener paused
# on EMFILE with the log line rate-limited, and descriptors kept back for
# the protocol and sqlite.  Needs no curl (httpprobe.py speaks raw HTTP).
. "$(dirname "$0")/lib.sh" "${1:-bin}"
PROBE="python3 $(dirname "$0")/httpprobe.py"
val() { printf '%s\n' "$OUT" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# ---------------------------------------------------- descriptor exhaustion
# 128 descriptors, 300 dashboard connections that never finish their
# headers: a clerk's Hello and Ping on the protocol still answer (the
# wait is 20 s, longer than anything but a starved server needs), and the
# log is not flooded with accept errors.
HPORT=$(free_port)
NOFILE=$(ulimit -Sn)
ulimit -Sn 128
start_server --http 127.0.0.1:"$HPORT"
ulimit -Sn "$NOFILE"
LINES0=$(wc -l < "$WORK/server.log")
run $PROBE exhaust "$HPORT" "$PORT" "$ADMIN" 300 15
expect_eq "$(val ping)" pong "protocol Ping answered while the dashboard is flooded"
expect_eq "$(val healthz_after)" 200 "dashboard serves again once the flood is gone"
LINES=$(( $(wc -l < "$WORK/server.log") - LINES0 ))
if [ "$LINES" -le 40 ]; then ok_; else
	fail_ "log flooded during the exhaustion: $LINES lines"
	sort "$WORK/server.log" | uniq -c | sort -rn | head -5 >&2
fi
expect_eq "$(grep -c 'http-max-connections' "$WORK/server.log" | tr -d ' ' | sed 's/^[1-9][0-9]*$/logged/')" logged "the lowered dashboard cap is logged at start"
expect_rc 0 "server still serving" "$PS" unit list
stop_server

# ------------------------------------------------------- connection cap
start_server --http 127.0.0.1:"$HPORT" --http-max-connections 4
run $PROBE cap "$HPORT" "$PORT" "$ADMIN" 4 10
expect_eq "$(val over)" waiting "a 5th dashboard connection over --http-max-connections 4 waits"
expect_eq "$(val later)" 200 "it is served once one of the 4 closes"
grep -q 'http-max-connections (4) reached' "$WORK/server.log" && ok_ ||
	fail_ "reaching the dashboard cap is not logged"
stop_server

# ------------------------------------------------------- request deadline
# One byte every 0.3 s never trips an inactivity timeout; the deadline of
# 2 s for the whole request closes it (well within 12 s).
start_server --http 127.0.0.1:"$HPORT" --http-request-timeout 2
run $PROBE drip "$HPORT" "$PORT" "$ADMIN" 0.3 12
expect_eq "$(val closed)" 1 "a request dripped a byte at a time is cut off"
run $PROBE exhaust "$HPORT" "$PORT" "$ADMIN" 3 10
expect_eq "$(val healthz_after)" 200 "a normal request is still served"
expect_rc 2 "the deadline has a range" "$PSD" --db "$WORK/x.db" --listen 127.0.0.1:0 --http-request-timeout 0
stop_server
finish
