#!/usr/bin/env bash
# What popstatd says when it cannot serve a database: one that does not
# exist, a file that is not sqlite's, an sqlite file that is not
# popstat's; and a second popstatd on a database already served is
# refused (an exclusive lock on DB.lock), so no two servers keep diverging
# counters.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
psd() {   # psd DB: a server start that must fail at once; stderr in ERR
	ERR=$("$PSD" --db "$1" --listen 127.0.0.1:0 --config /dev/null 2>&1); RC=$?
}
psd "$WORK/nope.db"
expect_eq "$RC" 1 "a missing database: exit 1"
expect_err "does not exist: run \`popstatd init --db $WORK/nope.db\` first" "it says to run init"
expect_eq "$([ -e "$WORK/nope.db" ] && echo created || echo absent)" absent "and creates no file"
# init: stdout is the token alone; stderr reminds of the key's backup.
"$PSD" init --db "$WORK/i.db" > "$WORK/init.out" 2> "$WORK/init.err"
expect_eq "$?" 0 "init: exit 0"
expect_eq "$(wc -l < "$WORK/init.out")" 1 "init: stdout is one line"
expect_eq "$(grep -c '^pst_' "$WORK/init.out")" 1 "init: that line is the token"
expect_eq "$(grep -c "back up the key file $WORK/i.db.key separately" "$WORK/init.err")" 1 "init: stderr says to back up DB.key"
# init on an existing database names the database, not its key file.
ERR=$("$PSD" init --db "$WORK/i.db" 2>&1 >/dev/null); RC=$?
expect_eq "$RC" 1 "init on an existing database: exit 1"
expect_err "the database $WORK/i.db already exists" "it names the database"
expect_err "popstatd --db $WORK/i.db" "and says how to serve it"
echo "just text" > "$WORK/text.db"
psd "$WORK/text.db"
expect_eq "$RC" 1 "a text file: exit 1"
expect_err "text.db is not an sqlite database" "it says what the file is not"
sqlite3 "$WORK/other.db" "create table t(x); pragma user_version = 7;"
psd "$WORK/other.db"
expect_eq "$RC" 1 "another application's sqlite file: exit 1"
expect_err "other.db is an sqlite database but not a popstat one" "it says whose it is not"
expect_eq "$(sqlite3 "$WORK/other.db" 'pragma journal_mode')" delete "the foreign file is left as it was"
sqlite3 "$WORK/plain.db" "create table t(x);"
psd "$WORK/plain.db"
expect_err "plain.db is not a popstat database" "an sqlite file without a version"
expect_eq "$(sqlite3 "$WORK/plain.db" 'pragma journal_mode')" delete "left as it was too"

start_server
FIRST=$SERVER_PID
psd "$DB"
expect_eq "$RC" 1 "a second popstatd on the same database: exit 1"
expect_err "another popstatd (pid $FIRST) is serving" "it names the first one"
expect_rc 0 "the first still serves" "$PS" unit add U1 one
stop_server
start_server
expect_rc 0 "after the first stopped, a new one starts" "$PS" unit list
expect_out U1 "and serves the data"
# durability=full: the WAL is given, before serving, the size the
# checkpointer lets it reach (32 + (8192 + 512) frames of 4096 + 24 bytes)
# so that a commit's sync never also commits the file's growth.
expect_eq "$(stat -c %s "$DB-wal")" 35860512 "the WAL is pre-extended"
printf 'record_id,unit,date,persons\nP1,U1,2026-01-01,100\n' > "$WORK/p.csv"
expect_rc 0 "a submit after the extension" "$PS" submit "$WORK/p.csv" --kind population
kill -KILL "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=
expect_eq "$(sqlite3 -readonly "$DB" 'pragma integrity_check')" ok "after SIGKILL: the database with its extended WAL is sound"
expect_eq "$(sqlite3 -readonly "$DB" 'select persons from records where record_id = "P1"')" 100 "the acknowledged record is in it"
start_server
expect_eq "$(sqlite3 -readonly "$DB" 'select count(*) from records')" 1 "restarted: still one record"
stop_server
start_server --durability normal
expect_rc 0 "durability=normal serves" "$PS" unit list
expect_eq "$(( $(stat -c %s "$DB-wal") < 1000000 ))" 1 "durability=normal syncs no commit: the WAL is not extended"
stop_server
finish
