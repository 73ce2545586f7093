# lib.sh - helpers for end-to-end tests: start the real popstatd on a free
# port with a temporary database and drive the real popstat.
#
# Usage in a test script:  . "$(dirname "$0")/lib.sh" "$1"
# $1 is the binary directory (bin or bin-asan).  Every check counts; the
# script ends with `finish`, which prints "NAME: N passed, N failed".
set -u
BINDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/${1:-bin}
PS="$BINDIR/popstat"
PSD="$BINDIR/popstatd"
TEST_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/popstat-e2e.XXXXXX")
PASS=0
FAIL=0
SERVER_PID=
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
unset POPSTAT_SERVER POPSTAT_TOKEN POPSTAT_TOKEN_FILE POPSTAT_CA POPSTAT_PIN
export POPSTAT_CONFIG=$WORK/no-config
export POPSTAT_OUTBOX=$WORK/outbox.db
# Debian's python3, which make deps installs, ahead of any other on PATH:
# a version manager's shim (pyenv's, on the development machine, and so in
# CI there) takes ~0.2 s to start python, /usr/bin/python3 ~0.02 s, and
# the suites start it hundreds of times (test_engine: 333, 66 s -> 15 s).
if [ -x /usr/bin/python3 ]; then
	mkdir -p "$WORK/py"
	ln -s /usr/bin/python3 "$WORK/py/python3"
	PATH=$WORK/py:$PATH
fi
# A fixed "today" keeps date rules reproducible.
TODAY=${TODAY:-2026-11-28}

cleanup() {
	stop_server
	[ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# TLS mode (POPSTAT_TEST_TLS=1): every server gets a certificate made at
# test time with the openssl CLI, and every client verifies it against that
# certificate as its CA (IP and name in the subjectAltName).
TLS_OPTS=()
if [ "${POPSTAT_TEST_TLS:-0}" = 1 ]; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$WORK/tls-key.pem" -out "$WORK/tls-cert.pem" \
		-days 2 -subj /CN=localhost \
		-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>/dev/null ||
		{ echo "openssl could not make a test certificate"; exit 1; }
	TLS_OPTS=(--tls-cert "$WORK/tls-cert.pem" --tls-key "$WORK/tls-key.pem")
	export POPSTAT_CA=$WORK/tls-cert.pem
fi

# Every server compares its in-memory counters with the database when it
# stops (server/main.c); finish() fails the suite on any difference.
export POPSTATD_VERIFY_TALLY=1

# need_curl: end the suite as failed when curl is missing (.ci/run installs
# it).
need_curl() {
	if ! command -v curl >/dev/null; then
		fail_ "curl is not installed (the CI script installs it)"
		finish
		exit 1
	fi
}

# start_server_http: need_curl, then start_server with the dashboard on a
# free port, HPORT.  metric NAME: that counter's value on its /metrics.
start_server_http() {
	need_curl
	HPORT=$(free_port)
	start_server --http 127.0.0.1:"$HPORT" "$@"
}
metric() {
	curl -s --max-time 10 -H "Authorization: Bearer $ADMIN" \
	    "http://127.0.0.1:$HPORT/metrics" | awk -v k="$1" '$1 == k { print $2 }'
}

# start_server [extra popstatd options...]: init a database (once) and start
# the server; sets PORT, ADMIN and exports POPSTAT_SERVER/POPSTAT_TOKEN.
# wait_port PORT: until 127.0.0.1:PORT accepts, at most 30 s.  A server
# under ASan on a loaded machine can take more than the 5 s this once was
# to open a large database; the wait ends as soon as the port answers.
wait_port() {
	local i
	for i in $(seq 1 600); do
		if (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; then return 0; fi
		sleep 0.05
	done
	return 1
}

start_server() {
	DB=${DB:-$WORK/popstat.db}
	if [ ! -f "$DB" ]; then
		# stderr is init's key-backup reminder (or its error).
		ADMIN=$("$PSD" init --db "$DB" 2>"$WORK/init.err") ||
		    { cat "$WORK/init.err"; echo "init failed"; exit 1; }
	fi
	PORT=$(free_port)
	# --config /dev/null: a machine's /etc/popstat/popstatd.conf stays out.
	"$PSD" --db "$DB" --listen 127.0.0.1:"$PORT" --today "$TODAY" \
		--config /dev/null ${TLS_OPTS[@]+"${TLS_OPTS[@]}"} "$@" \
		2>>"$WORK/server.log" &
	SERVER_PID=$!
	wait_port "$PORT"
	export POPSTAT_SERVER=127.0.0.1:$PORT POPSTAT_TOKEN=$ADMIN
}

# restart_server [extra popstatd options...]: start popstatd again on the
# same database and port (a client's outbox keeps rows per server address,
# and clients running in the background keep POPSTAT_SERVER).
restart_server() {
	"$PSD" --db "$DB" --listen 127.0.0.1:"$PORT" --today "$TODAY" \
		--config /dev/null ${TLS_OPTS[@]+"${TLS_OPTS[@]}"} "$@" \
		2>>"$WORK/server.log" &
	SERVER_PID=$!
	wait_port "$PORT"
}

stop_server() {
	if [ -n "$SERVER_PID" ]; then
		kill -TERM "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
		SERVER_RC=$?
		SERVER_PID=
	fi
}

ok_() { PASS=$((PASS + 1)); }
fail_() {
	FAIL=$((FAIL + 1))
	echo "FAIL: $*" >&2
}

# run CMD...: run, keeping stdout in OUT, stderr in ERR and status in RC.
run() {
	OUT=$("$@" 2>"$WORK/stderr"); RC=$?
	ERR=$(cat "$WORK/stderr")
}

# expect_last TEXT DESC: the last line of stdout (OUT) is exactly TEXT.
expect_last() {
	local last
	last=$(printf '%s\n' "$OUT" | tail -n 1)
	if [ "$last" = "$1" ]; then ok_; else
		fail_ "$2: last line '$last', expected '$1'; stdout: $OUT${ERR:+; stderr: $ERR}"; fi
}

# expect_line TEXT DESC: stdout (OUT) has a line that is exactly TEXT.
expect_line() {
	if printf '%s\n' "$OUT" | grep -qxF -- "$1"; then ok_; else
		fail_ "$2: no line '$1'; stdout: $OUT"; fi
}

# expect_rc N DESC CMD...: CMD exits with status N.
expect_rc() {
	local want=$1 desc=$2; shift 2
	run "$@"
	if [ "$RC" -eq "$want" ]; then ok_; else
		fail_ "$desc: exit $RC, expected $want; stdout: $OUT; stderr: $ERR"; fi
}

# expect_out TEXT DESC: the last run's stdout contains TEXT.
expect_out() {
	if printf '%s' "$OUT" | grep -qF -- "$1"; then ok_; else
		fail_ "$2: stdout lacks '$1'; stdout: $OUT"; fi
}
expect_err() {
	if printf '%s' "$ERR" | grep -qF -- "$1"; then ok_; else
		fail_ "$2: stderr lacks '$1'; stderr: $ERR"; fi
}
expect_no_out() {
	if printf '%s' "$OUT" | grep -qF -- "$1"; then
		fail_ "$2: stdout has '$1'; stdout: $OUT"; else ok_; fi
}
# expect_eq GOT WANT DESC
expect_eq() {
	if [ "$1" = "$2" ]; then ok_; else fail_ "$3: got '$1', expected '$2'"; fi
}

# sql QUERY: read the database directly (read-only) for white-box checks.
sql() {
	sqlite3 -readonly "$DB" "$1"
}

# Day number as stored (days since 1970-01-01).
dnum() { echo $(( $(date -u -d "$1" +%s) / 86400 )); }
# ctr UNIT COLUMN FROM [TO]: a daily counter summed over [FROM, TO].
ctr() {
	sql "select coalesce(sum($2), 0) from daily where unit_id =
	    (select id from units where code = '$1') and day between
	    $(dnum "$3") and $(dnum "${4:-$3}")"
}
# rec UNIT RECORD_ID COLUMN: one column of a stored record.
rec() {
	sql "select $3 from records where unit_id =
	    (select id from units where code = '$1') and record_id = '$2'"
}
# nrec UNIT [SQL condition]: number of records of a unit.
nrec() {
	sql "select count(*) from records where unit_id =
	    (select id from units where code = '$1') ${2:+and $2}"
}

# json EXPR: evaluate a Python expression over the last stdout parsed as JSON
# (bound to j).
json() {
	printf '%s' "$OUT" | python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"
}

# skip_suite REASON: the suite cannot run here; run-all.sh shows it as
# "NAME: skipped: REASON" (never as a pass).
skip_suite() {
	echo "$TEST_NAME: skipped: $*"
	echo "$TEST_NAME: 0 passed, 0 failed"
	exit 0
}

# need_fiu: skip the suite without libfiu's fiu-run/fiu-ctrl (Debian's
# fiu-utils, which .ci/run installs) and under the sanitizer build: libfiu's
# preload wraps malloc and the I/O calls that ASan intercepts too, and the
# server crashes under both (the plain build runs the suite).  Then
# FIU_PSD runs the real popstatd under fiu-run, remote-controlled through
# $WORK/fiu-PID.{in,out}: `fiu-ctrl -f "$WORK/fiu" -c CMD PID`.
need_fiu() {
	if ! command -v fiu-run >/dev/null || ! command -v fiu-ctrl >/dev/null ||
	    [ ! -e /usr/lib/fiu/fiu_posix_preload.so ]; then
		skip_suite "fiu-utils is not installed (apt-get install fiu-utils)"
	fi
	if ldd "$PSD" | grep -q libasan; then
		skip_suite "libfiu's preload and AddressSanitizer do not mix (the plain build runs this suite)"
	fi
	FIU_PSD=$WORK/psd-fiu
	cat > "$FIU_PSD" <<SH
#!/bin/sh
exec fiu-run -x -f "$WORK/fiu" "$PSD" "\$@"
SH
	chmod +x "$FIU_PSD"
}

# The daily counters against the stored records, for counters_of and
# daily_mismatches: STORED is the records (not voided) with their unit's
# code as "unit", DAILY the nonzero daily rows by unit code and day.
STORED="(SELECT u.code AS unit, r.* FROM records r JOIN units u
    ON u.id = r.unit_id WHERE r.voided = 0)"
DAILY="SELECT u.code, d.day, d.births, d.births_male, d.births_female,
    d.births_policy, d.births_order3, d.deaths, d.mig_in, d.mig_out
    FROM daily d JOIN units u ON u.id = d.unit_id
    WHERE d.births != 0 OR d.births_male != 0 OR d.births_female != 0
    OR d.births_policy != 0 OR d.births_order3 != 0 OR d.deaths != 0
    OR d.mig_in != 0 OR d.mig_out != 0"

# counters_of TABLE: the base counters of TABLE's records (the records
# columns and a "unit" column holding the unit code), per unit code and
# day, as the daily table must hold them.
counters_of() {
	echo "SELECT unit AS u, day AS d, sum(kind = 1) AS births,
	    sum(kind = 1 AND sex = 1) AS births_male,
	    sum(kind = 1 AND sex = 2) AS births_female,
	    sum(kind = 1 AND policy = 1) AS births_policy,
	    sum(kind = 1 AND birth_order >= 3) AS births_order3,
	    sum(kind = 2) AS deaths,
	    sum(CASE WHEN kind = 3 AND direction = 1 THEN persons ELSE 0 END)
	    AS mig_in,
	    sum(CASE WHEN kind = 3 AND direction = 2 THEN persons ELSE 0 END)
	    AS mig_out FROM $1 GROUP BY unit, day"
}

# daily_mismatches: the number of (unit, day) whose daily counters differ
# from the stored records, both ways; 0 when they agree.
daily_mismatches() {
	sql "SELECT (SELECT count(*) FROM ($DAILY EXCEPT $(counters_of "$STORED")))
	    + (SELECT count(*) FROM ($(counters_of "$STORED") EXCEPT $DAILY))"
}

# acked_missing FILE: how many of the record_ids in FILE (one a line: the
# records the clients got an acknowledgement for) are not stored.
acked_missing() {
	rm -f "$WORK/acked.db"
	printf 'CREATE TABLE a(id TEXT);\n.import %s a\n' "$1" |
		sqlite3 "$WORK/acked.db"
	sqlite3 -readonly "$DB" "ATTACH '$WORK/acked.db' AS e;
	    SELECT count(*) FROM e.a WHERE id NOT IN
	    (SELECT record_id FROM records WHERE voided = 0)"
}

finish() {
	stop_server
	if grep -qE 'ERROR: AddressSanitizer|runtime error|LeakSanitizer' "$WORK/server.log" 2>/dev/null; then
		fail_ "sanitizer report in server log"
		grep -E -A20 'ERROR: AddressSanitizer|runtime error|LeakSanitizer' "$WORK/server.log" | head -40 >&2
	fi
	if grep -qE 'tally verification: [0-9]+ difference|tally: .* differs' "$WORK/server.log" 2>/dev/null; then
		fail_ "in-memory counters differ from the database"
		grep -E 'tally' "$WORK/server.log" | head -20 >&2
	fi
	echo "$TEST_NAME: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}
