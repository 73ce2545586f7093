#!/usr/bin/env bash
# A full disk: the database lives on a small tmpfs that a filler file
# fills up, and submitters send files until the server refuses.  It must
# refuse with an error that says the disk is full, acknowledge nothing it
# could not store, keep serving, take the refused files once the filler
# is deleted, and after a restart hold every acknowledged record, with
# the counters equal to the records and sqlite's integrity check ok.
# Needs root (mount); skipped with a visible message otherwise.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
MNT=$WORK/mnt
mkdir -p "$MNT"
if [ "$(id -u)" != 0 ] ||
    ! mount -t tmpfs -o size=8m tmpfs "$MNT" 2>/dev/null; then
	skip_suite "needs root to mount a tmpfs"
fi
trap 'stop_server; umount "$MNT"; cleanup' EXIT
DB=$MNT/popstat.db
ROWS=100
F=$WORK/f
mkdir -p "$F"

# gen N: file N ($F/nNNNN.csv), ROWS birth rows with ids nNNNN-RRR.
gen() {
	local key r
	key=$(printf 'n%04d' "$1")
	{
		echo "record_id,unit,date,sex,birth_order,policy,mother_id"
		for r in $(seq 100 $((ROWS + 99))); do
			printf '%s-%03d,6103281%02d,2026-%02d-%02d,%s,%d,Y,MOTHER%s%s\n' \
			    "$key" "$r" $((r % 2 + 1)) $(($1 % 11 + 1)) \
			    $((r % 28 + 1)) "$([ $((r % 2)) = 0 ] && echo M ||
			    echo F)" $((r % 4 + 1)) "$key" "$r"
		done
	} > "$F/$key.csv"
	echo "$F/$key.csv"
}

# send N: submit file N; an acknowledgement (exit 0, every row accepted
# or duplicate) adds its ids to $F/acked.  Sets RC, OUT, ERR.
send() {
	local f
	f=$(gen "$1")
	run "$PS" submit "$f"
	if [ "$RC" -eq 0 ] && printf '%s\n' "$OUT" | tail -n 1 |
	    grep -qE "^accepted [0-9]+, duplicate [0-9]+, rejected 0$"; then
		sed -n '2,$s/,.*//p' "$f" >> "$F/acked"
	fi
}
: > "$F/acked"

start_server
# The 8 MiB disk cannot hold the 34 MiB the WAL is given at start-up:
# it goes back to its size, and the server serves.
expect_eq "$(grep -c "cannot extend $DB-wal" "$WORK/server.log")" 1 "the WAL's extension failed, and said so"
expect_eq "$(( $(stat -c %s "$DB-wal") < 1048576 ))" 1 "the WAL is back to its size"
expect_rc 0 "add county" "$PS" unit add 610328 陇县 --level county
expect_rc 0 "add township 101" "$PS" unit add 610328101 城关镇 --parent 610328 --level township
expect_rc 0 "add township 102" "$PS" unit add 610328102 东风镇 --parent 610328 --level township
send 0
expect_eq "$RC" 0 "a submit while there is room"

# Fill the disk, then give back a little: a few files fit, then none.
dd if=/dev/zero of="$MNT/filler" bs=64k 2>/dev/null
truncate -s -512k "$MNT/filler"
n=1
refused=
while [ "$n" -le 200 ]; do
	send "$n"
	if [ "$RC" -ne 0 ]; then
		refused=$n
		break
	fi
	n=$((n + 1))
done
expect_eq "$([ -n "$refused" ] && echo yes)" yes "the full disk refuses a submit (after $((n - 1)) files)"
expect_eq "$RC" 1 "a refused submit exits 1"
expect_err "disk is full" "the error says the disk is full"
expect_rc 0 "the server still answers" "$PS" ping
# A second refusal: the server keeps refusing, and says so again.
send "$refused"
expect_eq "$RC" 1 "still refused while full"
expect_err "disk is full" "still says the disk is full"
expect_eq "$(sql "SELECT count(*) FROM records WHERE record_id LIKE 'n$(printf %04d "$refused")-%'")" 0 \
    "nothing of the refused file is stored"
expect_eq "$(acked_missing "$F/acked")" 0 "acknowledged records missing while full"

# Space again: the refused file and more go in.
rm -f "$MNT/filler"
send "$refused"
expect_eq "$RC" 0 "the refused file is taken once space is freed"
expect_out "accepted $ROWS, duplicate 0, rejected 0" "all of it"
send $((refused + 1))
expect_eq "$RC" 0 "and the next"

# A restart: nothing acknowledged is lost, the counters match.
stop_server
expect_eq "$SERVER_RC" 0 "clean shutdown"
expect_eq "$(grep -c 'tally verification: in step' "$WORK/server.log")" 1 "the in-memory counters matched the database"
restart_server
expect_rc 0 "the server answers after the restart" "$PS" ping
stop_server
ACKED=$(wc -l < "$F/acked")
expect_eq "$(acked_missing "$F/acked")" 0 "acknowledged records lost (of $ACKED)"
expect_eq "$(sql "SELECT count(*) FROM records")" "$ACKED" "stored records = acknowledged ones"
expect_eq "$(sql 'PRAGMA integrity_check')" ok "integrity_check"
expect_eq "$(daily_mismatches)" 0 "(unit, day) whose counters differ from the records"
echo "diskfull: $((refused + 2)) files of $ROWS rows, refused at file $refused, $ACKED records acknowledged"
finish
