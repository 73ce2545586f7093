#!/usr/bin/env bash
# Secrets at rest (issue 21 item 6, 10): the HMAC key of mother_id lives in a
# key file of its own, not in the database; an older database's key is moved
# out on its first start; the database, WAL, backups, key and outbox are
# private whatever the umask; a sent outbox row leaves nothing behind; a
# killed backup leaves no file under the name asked for; no core dumps; the
# client reads its token from a file.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
umask 000
mode() { stat -c %a "$1"; }
# has_bytes FILE HEX: the bytes are somewhere in the file.
has_bytes() {
	python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.exit(0 if bytes.fromhex(sys.argv[2]) in d else 1)' "$1" "$2"
}
has_text() { grep -qaF -- "$2" "$1"; }
psd_fail() {   # a server start that must fail at once; stderr in ERR
	ERR=$("$PSD" --db "$DB" --listen 127.0.0.1:0 --config /dev/null "$@" 2>&1); RC=$?
}

# ------------------------------------------------ init: the key file
DB=$WORK/popstat.db
start_server
KEY=$(head -c 64 "$DB.key")
expect_eq "$(mode "$DB.key")" 600 "the key file is 0600 under umask 000"
expect_eq "$(mode "$DB")" 600 "the database is 0600 under umask 000"
expect_eq "$(wc -c < "$DB.key")" 65 "the key file is 64 hex digits and a newline"
expect_eq "$(sql "select count(*) from meta where key = 'secret'")" 0 "no key in the database"
expect_rc 0 "county" "$PS" unit add 610328 陇县 --level county
expect_rc 0 "township" "$PS" unit add 610328101 城关镇 --parent 610328 --level township
HDR=record_id,unit,date,sex,birth_order,policy,mother_id
M1=610328199001011113
printf '%s\nb1,610328101,2026-06-10,M,1,Y,%s\n' "$HDR" "$M1" > "$WORK/b1.csv"
expect_rc 0 "a birth with a mother_id" "$PS" submit "$WORK/b1.csv"
for f in "$DB-wal" "$DB-shm"; do
	expect_eq "$(mode "$f")" 600 "$(basename "$f") is 0600 under umask 000"
done
for f in "$DB" "$DB-wal"; do
	if has_bytes "$f" "$KEY"; then fail_ "the key's bytes are in $f"; else ok_; fi
	if has_text "$f" "$M1"; then fail_ "the mother_id is in clear in $f"; else ok_; fi
done

# ------------------------------------------------ the key file is needed
stop_server
mv "$DB.key" "$WORK/saved.key"
psd_fail
expect_eq "$RC" 1 "without its key file the server does not start"
expect_err "the key file $DB.key is missing" "and names the file"
expect_err "restore it from its backup" "and says what to do"
mv "$WORK/saved.key" "$DB.key"
printf 'not a key\n' > "$WORK/bad.key"
psd_fail --key-file "$WORK/bad.key"
expect_err "the key file $WORK/bad.key is damaged" "a damaged key file is refused"

# ------------------------------------------------ an older database: key in meta
sqlite3 "$DB" "insert into meta values ('secret', x'$KEY')"
rm "$DB.key"
start_server
expect_eq "$([ -f "$DB.key" ] && mode "$DB.key")" 600 "the first start writes the key file, 0600"
expect_eq "$(head -c 64 "$DB.key")" "$KEY" "with the key that was in the database"
expect_eq "$(sql "select count(*) from meta where key = 'secret'")" 0 "and deletes it from the database"
if has_bytes "$DB" "$KEY"; then fail_ "the moved key's bytes are still in the database file"; else ok_; fi
grep -q "HMAC key moved from the database to $DB.key" "$WORK/server.log" && ok_ ||
	fail_ "the move is not logged"
expect_rc 0 "the same birth again" "$PS" submit "$WORK/b1.csv"
expect_out "duplicate 1" "is a duplicate: the mother_id hash is under the same key"
printf '%s\nb2,610328101,2026-06-11,F,2,Y,%s\n' "$HDR" "$M1" > "$WORK/b2.csv"
expect_rc 0 "a second birth of the mother" "$PS" submit "$WORK/b2.csv"
expect_eq "$(sql "select count(distinct mother_hash) from records where mother_hash is not null")" 1 \
	"the two births share one mother hash across the move"
stop_server
# A move interrupted after the file was written: the row goes at next start.
sqlite3 "$DB" "insert into meta values ('secret', x'$KEY')"
start_server
expect_eq "$(sql "select count(*) from meta where key = 'secret'")" 0 "a leftover key row is deleted"
stop_server
sqlite3 "$DB" "insert into meta values ('secret', zeroblob(32))"
psd_fail
expect_eq "$RC" 1 "a key file and another key in the database: refused"
expect_err "differs from the key still in the database" "saying so"
sqlite3 "$DB" "delete from meta where key = 'secret'"

# ------------------------------------------------ --key-file elsewhere
D2=$WORK/d2.db
expect_rc 1 "init with --key-file in a directory that does not exist" \
	"$PSD" init --db "$D2" --key-file "$WORK/keys/d2.key"
expect_eq "$([ -e "$D2" ] && echo y || echo n)" n "makes no database"
mkdir "$WORK/keys"
expect_rc 0 "init with --key-file" "$PSD" init --db "$D2" --key-file "$WORK/keys/d2.key"
expect_eq "$(mode "$WORK/keys/d2.key") $([ -e "$D2.key" ] && echo y || echo n)" "600 n" \
	"the key is where --key-file says"
expect_rc 1 "init refuses an existing key file" "$PSD" init --db "$WORK/d3.db" --key-file "$WORK/keys/d2.key"
expect_err "already exists" "saying why"
expect_eq "$([ -e "$WORK/d3.db" ] && echo y || echo n)" n "and makes no database"

# ------------------------------------------------ backups
start_server
expect_rc 0 "backup under umask 000" "$PSD" backup --db "$DB" --to "$WORK/b.db"
expect_eq "$(mode "$WORK/b.db")" 600 "the backup is 0600"
if has_bytes "$WORK/b.db" "$KEY"; then fail_ "the key is in the backup"; else ok_; fi
expect_eq "$(ls "$WORK" | grep -c 'b.db.tmp')" 0 "no temporary file left"
# A backup stopped half-way (after its first page) and killed.
POPSTATD_TEST_BACKUP_STOP=1 "$PSD" backup --db "$DB" --to "$WORK/k.db" 2>/dev/null &
BPID=$!
for i in $(seq 1 200); do
	[ "$(awk '{print $3}' /proc/$BPID/stat 2>/dev/null)" = T ] && break
	sleep 0.05
done
expect_eq "$(awk '{print $3}' /proc/$BPID/stat)" T "the backup stopped half-way"
TMPF=$(ls "$WORK" | grep 'k.db.tmp-' | head -n 1)
expect_eq "$([ -n "$TMPF" ] && echo yes)" yes "it is writing a temporary file"
kill -KILL $BPID
wait $BPID 2>/dev/null
expect_eq "$([ -e "$WORK/k.db" ] && echo exists || echo absent)" absent \
	"a killed backup leaves no file under the name asked for"
expect_rc 0 "a backup to that name afterwards" "$PSD" backup --db "$DB" --to "$WORK/k.db"
expect_eq "$(sqlite3 "$WORK/k.db" 'pragma integrity_check')" ok "is whole"
# A failing fsync (libfiu): the backup fails and leaves nothing.
if command -v fiu-run >/dev/null; then
	expect_rc 1 "a backup whose fsync fails" fiu-run -x -c "enable name=posix/io/sync/fsync" \
		-c "enable name=posix/io/sync/fdatasync" "$PSD" backup --db "$DB" --to "$WORK/f.db"
	expect_eq "$(ls "$WORK" | grep -c '^f.db')" 0 "leaves no file, final or temporary"
else
	fail_ "fiu-run is not installed (fiu-utils; make deps installs it)"
fi

# ------------------------------------------------ the outbox
OB=$WORK/ob/outbox.db
mkdir -m 700 "$WORK/ob"
M2=61032819900101009X
printf '%s\nq1,610328101,2026-06-12,M,1,Y,%s\n' "$HDR" "$M2" > "$WORK/q.csv"
stop_server
POPSTAT_OUTBOX=$OB expect_rc 3 "offline: the row is queued" "$PS" submit "$WORK/q.csv"
expect_eq "$(mode "$OB")" 600 "the outbox file is 0600 under umask 000"
has_text "$OB" "$M2" && ok_ || fail_ "(the queued row is in the outbox: the check below means something)"
# popstatd again on the same port: the outbox is kept per HOST:PORT.
"$PSD" --db "$DB" --listen 127.0.0.1:"$PORT" --today "$TODAY" \
	--config /dev/null 2>>"$WORK/server.log" &
SERVER_PID=$!
for i in $(seq 1 200); do
	if (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null; then break; fi
	sleep 0.05
done
POPSTAT_OUTBOX=$OB expect_rc 0 "the outbox is sent" "$PS" sync --retries 0
expect_out "accepted 1" "and stored"
for f in "$OB" "$OB-wal"; do
	[ -e "$f" ] || continue
	if has_text "$f" "$M2"; then fail_ "the sent mother_id is still in $(basename "$f")"; else ok_; fi
done
# The default outbox directory is private too.
H=$WORK/home
mkdir -m 755 -p "$H/.local/share/popstat"
stop_server
env -u POPSTAT_OUTBOX HOME=$H XDG_DATA_HOME= "$PS" submit "$WORK/q.csv" >/dev/null 2>&1
expect_eq "$(mode "$H/.local/share/popstat") $(mode "$H/.local/share/popstat/outbox.db")" "700 600" \
	"the default outbox: file 0600 in a 0700 directory"

# ------------------------------------------------ core dumps
# SIGQUIT dumps core unless the process made itself undumpable.
core_test() {   # core_test DIR [options]: prints the files DIR ends with
	mkdir -p "$1"
	(cd "$1" && ulimit -c unlimited && exec "$PSD" --db "$DB" --listen 127.0.0.1:0 \
		--config /dev/null "${@:2}" 2>"$1.log") &
	local p=$! i
	for i in $(seq 1 200); do
		grep -q "popstatd serving" "$1.log" 2>/dev/null && break
		sleep 0.05
	done
	kill -QUIT $p
	wait $p 2>/dev/null
	ls "$1"
}
case $BINDIR in
*asan*) echo "test_secrets: core dump checks skipped under ASan (it disables core dumps itself)" ;;
*)
if grep -q '^core' /proc/sys/kernel/core_pattern; then
	expect_eq "$(core_test "$WORK/c1" --allow-core-dumps | grep -c core)" 1 \
		"(with --allow-core-dumps a SIGQUIT dumps core here)"
	expect_eq "$(core_test "$WORK/c2" | grep -c core)" 0 "popstatd dumps no core by default"
else
	echo "test_secrets: core dump checks skipped: core_pattern is '$(cat /proc/sys/kernel/core_pattern)'"
fi ;;
esac
rm -rf "$WORK/c1" "$WORK/c2"

# ------------------------------------------------ the token from a file
start_server
printf '%s\n' "$ADMIN" > "$WORK/tok"
chmod 600 "$WORK/tok"
env -u POPSTAT_TOKEN "$PS" --token-file "$WORK/tok" ping >/dev/null 2>&1
expect_eq "$?" 0 "--token-file FILE"
OUT=$(env -u POPSTAT_TOKEN POPSTAT_TOKEN_FILE="$WORK/tok" "$PS" unit list 2>&1)
expect_out 610328101 "POPSTAT_TOKEN_FILE"
POPSTAT_TOKEN=pst_wrong expect_rc 0 "--token-file wins over POPSTAT_TOKEN" "$PS" --token-file "$WORK/tok" ping
expect_rc 2 "a missing token file" "$PS" --token-file "$WORK/nope" ping
expect_err "--token-file $WORK/nope: No such file" "is named"
: > "$WORK/empty"
expect_rc 2 "an empty token file" "$PS" --token-file "$WORK/empty" ping
expect_err "the file is empty" "is explained"
chmod 644 "$WORK/tok"
expect_rc 0 "a token file others can read still works" "$PS" --token-file "$WORK/tok" ping
expect_err "chmod 600 it" "with a warning"
finish
