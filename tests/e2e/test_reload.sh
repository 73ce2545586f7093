#!/usr/bin/env bash
# SIGHUP reloads the configuration file's reloadable settings; a bad file
# changes nothing; non-reloadable settings need a restart.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
CONF=$WORK/popstatd.conf
printf 'max-rows = 2\nreport-due-days = 3\n' > "$CONF"
start_server --config "$CONF"
expect_rc 0 "unit" "$PS" unit add U 单位
printf 'record_id,unit,date,sex,age\nd1,U,2026-01-01,M,80\nd2,U,2026-01-02,F,70\nd3,U,2026-01-03,F,70\n' > "$WORK/d.csv"
expect_rc 1 "3 rows over max-rows 2 from the file" "$PS" submit "$WORK/d.csv"
expect_err "over the limit of 2 rows" "limit named"
printf 'max-rows = 10\nreport-due-days = 3\n' > "$CONF"
kill -HUP "$SERVER_PID"
for i in $(seq 1 50); do grep -q 'configuration reloaded' "$WORK/server.log" && break; sleep 0.05; done
expect_eq "$(grep -c 'configuration reloaded' "$WORK/server.log")" 1 "reload logged"
expect_rc 0 "after SIGHUP max-rows 10 applies" "$PS" submit "$WORK/d.csv"
printf 'max-rows = 1\nno-such-setting = 1\n' > "$CONF"
kill -HUP "$SERVER_PID"
for i in $(seq 1 50); do grep -q 'not reloaded' "$WORK/server.log" && break; sleep 0.05; done
expect_eq "$(grep -c 'line 2: unknown setting' "$WORK/server.log")" 1 "bad file: error names the line"
printf 'record_id,unit,date,sex,age\nd4,U,2026-01-04,M,80\nd5,U,2026-01-05,F,70\n' > "$WORK/d2.csv"
expect_rc 0 "bad file changed nothing (max-rows still 10)" "$PS" submit "$WORK/d2.csv"
printf 'max-rows = 10\ndb = /elsewhere.db\n' > "$CONF"
kill -HUP "$SERVER_PID"
sleep 0.3
expect_rc 0 "db is not reloaded: still serving" "$PS" ping
expect_eq "$(sql 'select count(*) from records')" 5 "same database"
stop_server
expect_eq "$SERVER_RC" 0 "clean stop"
finish
