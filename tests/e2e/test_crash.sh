#!/usr/bin/env bash
# Crash safety: the server is killed with SIGKILL at random moments while
# four submitters send records concurrently, then restarted on the same
# database.  After every crash the database is read directly (read-only, so
# the next server start does the WAL recovery itself) and checked:
#   - PRAGMA integrity_check is ok;
#   - every acknowledged record is stored, with the content that was sent;
#   - nothing is half-stored: each file (one batch) is stored whole or not at
#     all, and the daily counters equal the records, per unit and day;
#   - the rows a submitter kept in its outbox when the server went away are
#     delivered by `popstat sync` after the restart, and the reply matches
#     what the crash left (stored rows come back as duplicates).
# At the end every file ever generated is sent again: the database must
# then hold exactly the generated records, once, with exact counters.
#
# "Acknowledged": each submitter sends small files (ROWS rows, unique
# record_ids) with one `popstat submit` each; exit 0 with
# "accepted ROWS, duplicate 0, rejected 0" means the server answered for the
# batch, which it does only after the commit.  Exit 3 means the server went
# away: those rows are in the submitter's outbox, not acknowledged.
#
# Usage: test_crash.sh [bin|bin-asan]; CRASH_CYCLES overrides the number of
# kill/restart cycles (default 8, 6 for the slower sanitizer build).
. "$(dirname "$0")/lib.sh" "${1:-bin}"
RANDOM=42

case $BINDIR in
*asan*) CYCLES=${CRASH_CYCLES:-6} ;;
*) CYCLES=${CRASH_CYCLES:-8} ;;
esac
NSUB=4
ROWS=50
UNITS="610328 610328101 610328102 610328101001"
F=$WORK/f
mkdir -p "$F"
: > "$F/acked"          # file keys whose every row is acknowledged
: > "$WORK/clients.err" # stderr of every client run in the background

# ---------------------------------------------------------------- helpers
# Day numbers (days since 1970-01-01, as stored) and dates: 2026-01-01 up
# to the day before TODAY.
sqlite3 :memory: "with recursive d(n) as (select 0 union all select n + 1
    from d where date('2026-01-01', '+' || (n + 1) || ' days') < '$TODAY')
    select (cast(julianday('2026-01-01') - 2440587.5 as integer) + n) || ','
    || date('2026-01-01', '+' || n || ' days') from d" > "$F/dates"

# fkey C S N: the key of file N of submitter S in cycle C; a record_id is
# the key, "-" and the row number, so the key is record_id minus 3 chars.
fkey() { printf 'c%ds%dn%04d' "$1" "$2" "$3"; }

# gen C S N: write file N of submitter S in cycle C ($F/KEY.csv) and append
# its rows, normalised as the server stores them, to $F/exp.C.S:
# fkey|unit|record_id|kind|day|sex|birth_order|policy|has_mother|age|direction|persons
# Kinds rotate birth, death, migration; rows spread over four units and
# the whole year.
gen() {
	local key
	key=$(fkey "$1" "$2" "$3")
	awk -v C="$1" -v S="$2" -v N="$3" -v R="$ROWS" -v key="$key" \
	    -v dates="$F/dates" -v units="$UNITS" -v out="$F/$key.csv" \
	    -v expf="$F/exp.$1.$2" '
	BEGIN {
		nd = 0
		while ((getline l < dates) > 0) {
			split(l, a, ",")
			dn[nd] = a[1]; ds[nd] = a[2]; nd++
		}
		nu = split(units, u, " ")
		k = (C + S + N) % 3 + 1
		if (k == 1)
			print "record_id,unit,date,sex,birth_order,policy,mother_id" > out
		else if (k == 2)
			print "record_id,unit,date,sex,age" > out
		else
			print "record_id,unit,date,direction,persons" > out
		for (r = 0; r < R; r++) {
			id = sprintf("%s-%02d", key, r)
			un = u[(S + N * 3 + r * 7) % nu + 1]
			i = (C * 97 + S * 131 + N * 17 + r * 7) % nd
			sex = (N + r) % 2 + 1
			bo = (N * 3 + r) % 4 + 1
			pol = (r % 5 != 0)
			hm = (r % 3 == 0)
			age = (S * N + r * 13) % 131
			dir = (N + r + S) % 2 + 1
			per = (N * 7 + r * 11 + S) % 20 + 1
			if (k == 1) {
				printf "%s,%s,%s,%s,%d,%s,%s\n", id, un, ds[i],
				    sex == 1 ? "M" : "F", bo, pol ? "Y" : "N",
				    hm ? "MOM" key r : "" > out
				age = 0; dir = 0; per = 0
			} else if (k == 2) {
				printf "%s,%s,%s,%s,%d\n", id, un, ds[i],
				    sex == 1 ? "M" : "F", age > out
				bo = 0; pol = 0; hm = 0; dir = 0; per = 0
			} else {
				printf "%s,%s,%s,%s,%d\n", id, un, ds[i],
				    dir == 1 ? "in" : "out", per > out
				sex = 0; bo = 0; pol = 0; hm = 0; age = 0
			}
			printf "%s|%s|%s|%d|%d|%d|%d|%d|%d|%d|%d|%d\n", key, un,
			    id, k, dn[i], sex, bo, pol, hm, age, dir, per >> expf
		}
	}'
}

# submitter C S: send new files one `popstat submit` each until a submit
# fails; log "fkey|exit status|last stdout line" per file to $F/res.C.S.
# Runs in the background; its outbox is its own.
submitter() {
	local c=$1 s=$2 n=0 key out rc
	export POPSTAT_OUTBOX=$F/outbox.$c.$s.db
	: > "$F/res.$c.$s"
	while :; do
		key=$(fkey "$c" "$s" "$n")
		if ! gen "$c" "$s" "$n"; then
			echo "$key|gen|cannot generate the file" >> "$F/res.$c.$s"
			break
		fi
		out=$(timeout 60 "$PS" submit "$F/$key.csv" 2>>"$F/client.$c.$s.err")
		rc=$?
		echo "$key|$rc|$(printf '%s\n' "$out" | tail -n 1)" >> "$F/res.$c.$s"
		[ "$rc" -eq 0 ] || break
		n=$((n + 1))
	done
}

# xsql QUERY: the database (read-only) with the expectations attached as e.
xsql() {
	sqlite3 -readonly "$DB" "ATTACH '$F/expect.db' AS e; $1"
}

# build_expect: $F/expect.db holds gen (every generated row, normalised)
# and acked (the keys of the acknowledged files).
build_expect() {
	local f
	rm -f "$F/expect.db"
	{
		echo "CREATE TABLE gen(fkey TEXT, unit TEXT, record_id TEXT,
		    kind INT, day INT, sex INT, birth_order INT, policy INT,
		    has_mother INT, age INT, direction INT, persons INT,
		    PRIMARY KEY(unit, record_id));
		    CREATE INDEX gen_fkey ON gen(fkey);
		    CREATE TABLE acked(fkey TEXT);"
		echo ".separator |"
		for f in "$F"/exp.*; do
			[ -e "$f" ] && echo ".import '$f' gen"
		done
		echo ".import '$F/acked' acked"
	} | sqlite3 -bail "$F/expect.db" >/dev/null 2>"$F/expect.err"
	if [ -s "$F/expect.err" ]; then
		fail_ "cannot build the expectations: $(head -c 500 "$F/expect.err")"
	fi
}

# counters_of, STORED and DAILY: lib.sh.
TOTALS="total(births), total(births_male), total(births_female),
    total(births_policy), total(births_order3), total(deaths), total(mig_in),
    total(mig_out)"

# check_db LABEL: the checks that hold after any crash.
check_db() {
	local label=$1 u got want n missing
	build_expect
	expect_eq "$(sql "PRAGMA integrity_check")" ok "$label: integrity_check"
	# Every acknowledged record is stored.
	missing="FROM e.gen g WHERE g.fkey IN (SELECT fkey FROM e.acked)
	    AND NOT EXISTS (SELECT 1 FROM $STORED s WHERE s.unit = g.unit
	    AND s.record_id = g.record_id)"
	n=$(xsql "SELECT count(*) $missing")
	expect_eq "$n" 0 "$label: acknowledged records missing (of $(xsql "SELECT count(*) FROM e.gen WHERE fkey IN (SELECT fkey FROM e.acked)")); first: $(xsql "SELECT group_concat(record_id, ' ') FROM (SELECT g.record_id $missing LIMIT 10)")"
	# Everything stored was generated, with that content.
	n=$(xsql "SELECT count(*) FROM records r JOIN units u ON u.id = r.unit_id
	    WHERE NOT EXISTS (SELECT 1 FROM e.gen g WHERE g.unit = u.code
	    AND g.record_id = r.record_id AND g.kind = r.kind AND g.day = r.day
	    AND g.sex = r.sex AND g.birth_order = r.birth_order
	    AND g.policy = r.policy AND g.has_mother = (r.mother_hash IS NOT NULL)
	    AND g.age = r.age AND g.direction = r.direction
	    AND g.persons = r.persons AND r.voided = 0)")
	expect_eq "$n" 0 "$label: stored records not generated or with other content"
	# A file is one batch: stored whole or not at all.
	n=$(xsql "SELECT group_concat(k || ':' || c, ' ') FROM (SELECT
	    substr(record_id, 1, length(record_id) - 3) AS k, count(*) AS c
	    FROM records GROUP BY k HAVING c != $ROWS)")
	expect_eq "$n" "" "$label: files stored in part (key:rows)"
	# The counters equal the records, per unit and day...
	n=$(xsql "SELECT count(*) FROM ($DAILY EXCEPT $(counters_of "$STORED"))")
	expect_eq "$n" 0 "$label: daily rows that differ from the records"
	n=$(xsql "SELECT count(*) FROM ($(counters_of "$STORED") EXCEPT $DAILY)")
	expect_eq "$n" 0 "$label: records not counted in daily"
	# ...and per unit, spelled out.
	for u in $UNITS; do
		got=$(sql "SELECT $TOTALS FROM daily WHERE unit_id =
		    (SELECT id FROM units WHERE code = '$u')")
		want=$(xsql "SELECT $TOTALS FROM ($(counters_of "$STORED"))
		    WHERE u = '$u'")
		expect_eq "$got" "$want" "$label: unit $u counters (births|male|female|policy|order3|deaths|mig_in|mig_out) against its records"
	done
}

# collect C: read the submitters' results of cycle C.  Acknowledged files
# go to $F/acked; each submitter must have ended on exit 3 (server gone)
# after well-formed acknowledgements only.  The file in flight, if any, is
# noted in $F/inflight.C as "S KEY".
collect() {
	local c=$1 s key rc last nlines nbad inflight
	: > "$F/inflight.$c"
	for s in $(seq 1 $NSUB); do
		nbad=0
		inflight=
		nlines=$(wc -l < "$F/res.$c.$s")
		while IFS='|' read -r key rc last; do
			if [ "$rc" = 0 ] &&
			    [ "$last" = "accepted $ROWS, duplicate 0, rejected 0" ]; then
				echo "$key" >> "$F/acked"
				ACKED=$((ACKED + 1))
			elif [ "$rc" = 3 ] && [ -z "$inflight" ]; then
				inflight=$key
				echo "$s $key" >> "$F/inflight.$c"
				INFLIGHT=$((INFLIGHT + 1))
			else
				nbad=$((nbad + 1))
				echo "cycle $c submitter $s: $key: exit $rc: $last" >&2
			fi
		done < "$F/res.$c.$s"
		expect_eq "$nbad" 0 "cycle $c submitter $s: submits that were neither acknowledged nor cut off by the crash"
		expect_eq "$(tail -n 1 "$F/res.$c.$s" | cut -d'|' -f2)" 3 "cycle $c submitter $s ended on connection loss (of $nlines submits)"
		cat "$F/client.$c.$s.err" >> "$WORK/clients.err" 2>/dev/null
	done
}

# sync_outboxes C: after the restart, each submitter of cycle C that was cut
# off delivers its outbox; stored rows of the file in flight come back as
# duplicates, the others are accepted.  Then the file is acknowledged.
sync_outboxes() {
	local c=$1 s key n
	while read -r s key; do
		n=$(sql "SELECT count(*) FROM records WHERE record_id LIKE '$key-%'")
		POPSTAT_OUTBOX=$F/outbox.$c.$s.db expect_rc 0 \
		    "cycle $c submitter $s: sync of the outbox ($key)" \
		    "$PS" sync --retries 0
		# Synced: every row of the file has been answered for.
		[ "$RC" -eq 0 ] && echo "$key" >> "$F/acked"
		expect_last "accepted $((ROWS - n)), duplicate $n, rejected 0" \
		    "cycle $c submitter $s: sync matches what the crash left of $key"
		POPSTAT_OUTBOX=$F/outbox.$c.$s.db expect_rc 0 "outbox list" "$PS" outbox
		expect_out "0 rows pending" "cycle $c submitter $s: outbox empty after sync"
		[ "$n" -eq "$ROWS" ] && RESCUED=$((RESCUED + 1))
	done < "$F/inflight.$c"
}

# ---------------------------------------------------------------- set-up
start_server
expect_rc 0 "add county" "$PS" unit add 610328 陇县 --level county
expect_rc 0 "add township 101" "$PS" unit add 610328101 城关镇 --parent 610328 --level township
expect_rc 0 "add township 102" "$PS" unit add 610328102 东风镇 --parent 610328 --level township
expect_rc 0 "add village" "$PS" unit add 610328101001 东关村 --parent 610328101 --level village

# ---------------------------------------------------------------- cycles
ACKED=0      # files acknowledged by submit
INFLIGHT=0   # files cut off by a crash
RESCUED=0    # of which the crash had committed everything (reply lost)
T0=$SECONDS
for c in $(seq 1 "$CYCLES"); do
	if [ "$c" -gt 1 ]; then
		restart_server
		expect_rc 0 "cycle $c: server answers after the crash" "$PS" ping
		sync_outboxes $((c - 1))
	fi
	pids=()
	for s in $(seq 1 $NSUB); do
		submitter "$c" "$s" &
		pids+=($!)
	done
	ms=$((200 + RANDOM % 1301))
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
	if kill -KILL "$SERVER_PID" 2>/dev/null; then ok_; else
		fail_ "cycle $c: the server was gone before the kill (see server.log)"
		tail -n 20 "$WORK/server.log" >&2
	fi
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=
	wait "${pids[@]}"
	collect "$c"
	check_db "cycle $c (killed after $ms ms)"
	echo "cycle $c: killed after $ms ms; acknowledged $ACKED files, cut off $INFLIGHT so far (${SECONDS}s)"
done
expect_eq "$([ "$ACKED" -gt 0 ] && echo yes)" yes "some files were acknowledged before the crashes"

# ---------------------------------------------------------------- convergence
# Send every generated file again, in NSUB parallel streams.
restart_server
expect_rc 0 "final: server answers after the last crash" "$PS" ping
BEFORE=$(sql "SELECT count(*) FROM records")
NGEN=$(cat "$F"/exp.* | wc -l)
resend() {
	local s=$1 f rc out
	export POPSTAT_OUTBOX=$F/outbox.final.$s.db
	: > "$F/final.$s"
	for f in $(ls "$F"/c*s"$s"n*.csv); do
		out=$(timeout 60 "$PS" submit "$f" 2>>"$F/client.final.$s.err")
		rc=$?
		echo "$(basename "$f" .csv)|$rc|$(printf '%s\n' "$out" | tail -n 1)" >> "$F/final.$s"
	done
}
pids=()
for s in $(seq 1 $NSUB); do
	resend "$s" &
	pids+=($!)
done
wait "${pids[@]}"
cat "$F"/client.final.*.err >> "$WORK/clients.err" 2>/dev/null
nbad=$(cat "$F"/final.* | awk -F'|' -v R=$ROWS '{
	if ($2 != 0 || $3 !~ /^accepted [0-9]+, duplicate [0-9]+, rejected 0$/) { bad++; print > "/dev/stderr"; next }
	split($3, a, /[ ,]+/)
	if (a[2] + a[4] != R) { bad++; print > "/dev/stderr" }
} END { print bad + 0 }')
expect_eq "$nbad" 0 "final: re-sends not fully accepted-or-duplicate"
expect_eq "$(cat "$F"/final.* | wc -l)" "$(ls "$F"/c*.csv | wc -l)" "final: every generated file re-sent"
acc=$(cat "$F"/final.* | sed -nE 's/.*\|accepted ([0-9]+), duplicate ([0-9]+), rejected 0$/\1/p' | awk '{ s += $1 } END { print s + 0 }')
dup=$(cat "$F"/final.* | sed -nE 's/.*\|accepted ([0-9]+), duplicate ([0-9]+), rejected 0$/\2/p' | awk '{ s += $1 } END { print s + 0 }')
expect_eq "$acc" $((NGEN - BEFORE)) "final: accepted = generated - stored before"
expect_eq "$dup" "$BEFORE" "final: duplicates = stored before"
stop_server
expect_eq "$SERVER_RC" 0 "final: clean shutdown"

# Everything acknowledged now: the database holds exactly what was generated.
ls "$F"/c*.csv | sed 's#.*/##; s/\.csv$//' > "$F/acked"
check_db "final"
expect_eq "$(sql "SELECT count(*) FROM records")" "$NGEN" "final: one record per generated row"
n=$(xsql "SELECT count(*) FROM e.gen g WHERE NOT EXISTS (SELECT 1 FROM $STORED s
    WHERE s.unit = g.unit AND s.record_id = g.record_id)")
expect_eq "$n" 0 "final: generated records missing"
n=$(xsql "SELECT count(*) FROM ($DAILY EXCEPT $(counters_of e.gen))")
expect_eq "$n" 0 "final: daily rows that differ from the generated files"
n=$(xsql "SELECT count(*) FROM ($(counters_of e.gen) EXCEPT $DAILY)")
expect_eq "$n" 0 "final: generated counters missing from daily"
expect_eq "$(sql "SELECT $TOTALS FROM daily")" \
    "$(xsql "SELECT total(kind = 1), total(kind = 1 AND sex = 1),
    total(kind = 1 AND sex = 2), total(kind = 1 AND policy = 1),
    total(kind = 1 AND birth_order >= 3), total(kind = 2),
    total(CASE WHEN kind = 3 AND direction = 1 THEN persons END),
    total(CASE WHEN kind = 3 AND direction = 2 THEN persons END) FROM e.gen")" \
    "final: counter totals (births|male|female|policy|order3|deaths|mig_in|mig_out) equal the generated files"

if grep -qE 'ERROR: AddressSanitizer|runtime error|LeakSanitizer' "$WORK/clients.err"; then
	fail_ "sanitizer report from a client"
	grep -E -A20 'ERROR: AddressSanitizer|runtime error|LeakSanitizer' "$WORK/clients.err" | head -40 >&2
fi
echo "crash test: $CYCLES cycles, $NGEN records in $(ls "$F"/c*.csv | wc -l) files; $ACKED files acknowledged by submit, $INFLIGHT cut off by a crash ($RESCUED of them committed before the reply was lost); $BEFORE stored before the final re-send; $((SECONDS - T0)) s"
finish
