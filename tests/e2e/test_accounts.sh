#!/usr/bin/env bash
# Accounts and authentication: tokens, roles, bad tokens, units.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
start_server

expect_rc 0 "admin ping" "$PS" ping
expect_out "today $TODAY" "ping shows the server date"
expect_rc 3 "bad token refused" "$PS" --token pst_nope ping
expect_err "invalid token" "bad token message"
expect_rc 3 "no token" env POPSTAT_TOKEN= "$PS" ping
expect_rc 3 "no server" "$PS" --server 127.0.0.1:1 ping
expect_err "cannot connect" "connection refused message"

expect_rc 0 "unit add county" "$PS" unit add 610328 陇县 --level county
expect_rc 0 "unit add township" "$PS" unit add 610328101 城关镇 --parent 610328 --level township
expect_rc 0 "unit add township 2" "$PS" unit add 610328102 东风镇 --parent 610328 --level township
expect_rc 1 "duplicate unit" "$PS" unit add 610328101 X --parent 610328
expect_err "already exists" "duplicate unit message"
expect_rc 1 "unknown parent" "$PS" unit add 999 X --parent 404
expect_err "does not exist" "unknown parent message"
expect_rc 1 "bad unit code" "$PS" unit add "a b" X
expect_rc 2 "unit add usage" "$PS" unit add onlycode
expect_rc 0 "unit list" "$PS" unit list
expect_out "城关镇" "unit list shows names"
expect_rc 0 "unit list json" "$PS" unit list --json
expect_eq "$(json 'len(j)')" 3 "three units in json"

expect_rc 0 "clerk add" "$PS" user add clerk1 --role clerk --unit 610328101
CLERK=$OUT
expect_eq "$(printf '%s' "$CLERK" | grep -cE '^pst_[0-9a-f]{48}$')" 1 "token printed alone, 192 bits"
expect_rc 1 "clerk without unit" "$PS" user add clerk2 --role clerk
expect_rc 1 "bad role" "$PS" user add x --role boss
expect_rc 1 "duplicate user" "$PS" user add clerk1 --role viewer
expect_err "user clerk1 already exists; for a new token of that account: popstat user rotate clerk1" "a duplicate user says how to get a new token"
expect_rc 0 "viewer add" "$PS" user add view1 --role viewer
VIEWER=$OUT
expect_rc 3 "clerk cannot add units" "$PS" --token "$CLERK" unit add 1 X
expect_err "not allowed" "forbidden message"
expect_rc 3 "viewer cannot add users" "$PS" --token "$VIEWER" user add y --role viewer
expect_rc 0 "clerk can ping" "$PS" --token "$CLERK" ping
expect_rc 0 "user list" "$PS" user list
expect_out "clerk1" "user list shows clerk"
expect_no_out "pst_" "user list never shows tokens"
expect_eq "$(sql "select count(*) from users where hex(token_hash) like '%$(printf '%s' "$CLERK" | sed 's/pst_//' | tr a-f A-F)%'")" 0 "token not stored in clear"
expect_eq "$(grep -c "$CLERK" "$WORK/server.log")" 0 "token never logged"
expect_eq "$(sql 'select count(*) from audit where action = "unit.add"')" 3 "unit additions audited"

# Environment and config file.
expect_rc 0 "token from env" env POPSTAT_TOKEN="$CLERK" "$PS" ping
printf 'server = %s\ntoken = %s\n' "$POPSTAT_SERVER" "$VIEWER" > "$WORK/cfg"
expect_rc 0 "config file" env -u POPSTAT_SERVER -u POPSTAT_TOKEN POPSTAT_CONFIG="$WORK/cfg" "$PS" ping
printf 'colour = red\n' > "$WORK/badcfg"
expect_rc 2 "bad config key" env POPSTAT_CONFIG="$WORK/badcfg" "$PS" ping
expect_err "line 1: unknown key" "bad config names the line"
expect_rc 2 "unknown command" "$PS" frobnicate
expect_rc 0 "help" "$PS" --help
expect_rc 0 "submit help" "$PS" submit --help
expect_out "record_id,unit,date,sex" "submit help lists columns"

# init refuses to overwrite.
expect_rc 1 "init refuses existing db" "$PSD" init --db "$DB"
stop_server
expect_eq "$SERVER_RC" 0 "clean shutdown on SIGTERM"
expect_eq "$(grep -c 'database closed cleanly' "$WORK/server.log")" 1 "shutdown logged"
finish
