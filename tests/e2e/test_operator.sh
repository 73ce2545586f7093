#!/usr/bin/env bash
# What an operator hits first (issue 22): make without the build
# dependencies, make demo off a terminal, "popstat help COMMAND", a skipped
# suite in run-all.sh's summary, a plain client against the TLS and the HTTP
# port, and the dekad form 2026-11-D1.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

# 1. make without the build dependencies: a pkg-config that finds nothing
# stands for a machine without the -dev packages.
mkdir -p "$WORK/fake"
printf '#!/bin/sh\nexit 1\n' > "$WORK/fake/pkg-config"
chmod +x "$WORK/fake/pkg-config"
OUT=$(PATH=$WORK/fake:$PATH make -C "$ROOT" --no-print-directory \
	BUILD="$WORK/b" BIN="$WORK/bin" all 2>&1); RC=$?
expect_eq "$RC" 2 "make without dependencies fails"
expect_out "run 'make deps'" "make says to run make deps"
expect_out "libevent" "make names the missing package"
expect_no_out "Error 127" "no bare Error 127"
if [ -e "$WORK/b/gen/popstat.pb-c.c" ]; then
	fail_ "make went on to build without the dependencies"; else ok_; fi

# 2. popstat help COMMAND is COMMAND --help.
expect_rc 0 "help submit" "$PS" help submit
expect_out "usage: popstat submit" "help submit shows submit's usage"
expect_no_out "commands:" "help submit is not the general help"
HELP_SUBMIT=$OUT
expect_rc 0 "submit --help" "$PS" submit --help
expect_eq "$OUT" "$HELP_SUBMIT" "help submit = submit --help"
expect_rc 0 "help report" "$PS" help report
expect_out "usage: popstat report file" "help report"
expect_rc 0 "help alone" "$PS" help
expect_out "commands:" "help alone is the general help"
expect_rc 2 "help of an unknown command" "$PS" help frobnicate
expect_err "unknown command 'frobnicate'" "help names the unknown command"

# 3. The dekad form with a dash, and the help's form.
start_server --http 127.0.0.1:"$(free_port)"
HPORT=$(sed -nE 's|.*dashboard listening on http://127.0.0.1:([0-9]+).*|\1|p' "$WORK/server.log" | head -n 1)
for _ in $(seq 1 50); do
	[ -n "$HPORT" ] && break
	sleep 0.05
	HPORT=$(sed -nE 's|.*dashboard listening on http://127.0.0.1:([0-9]+).*|\1|p' "$WORK/server.log" | head -n 1)
done
"$PS" -q unit add 610328 陇县 --level county
"$PS" -q unit add 610328101 城关镇 --parent 610328 --level township
expect_rc 0 "report file --period 2026-11-D1" "$PS" report file --unit 610328101 --period 2026-11-D1 --births 0
expect_rc 0 "report status of 2026-11-D1" "$PS" --json report status --parent 610328 --period 2026-11-D1
expect_out '2026-11-01' "2026-11-D1 is days 1-10"
expect_rc 0 "report file --period 2026-11D2" "$PS" report file --unit 610328101 --period 2026-11D2 --births 0
expect_rc 0 "report --help" "$PS" report --help
expect_out "--period YYYY-MMDn" "the help shows an accepted dekad form"
expect_rc 1 "a month is not a dekad" "$PS" report file --unit 610328101 --period 2026-10
expect_err "e.g. 2026-11D2" "the refusal suggests the form"

# 4. A plain client against the HTTP port.
expect_rc 3 "plain client on the HTTP port" "$PS" --server 127.0.0.1:"$HPORT" ping
expect_err "answered in HTTP" "says the port speaks HTTP"
expect_err "--listen" "names the protocol port"
expect_no_out "bad frame" "no bare 'bad frame'"
stop_server

# 5. A plain client against the TLS port.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-keyout "$WORK/key.pem" -out "$WORK/cert.pem" -days 2 -subj /CN=localhost \
	-addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
start_server --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem"
expect_rc 3 "plain client on the TLS port" env -u POPSTAT_CA "$PS" ping
expect_err "speaks TLS" "says the port speaks TLS"
expect_err "--ca FILE" "says how to connect"
if printf '%s' "$ERR" | grep -q "reset by peer"; then
	fail_ "bare 'Connection reset by peer': $ERR"; else ok_; fi
expect_rc 0 "the same with --ca" "$PS" --ca "$WORK/cert.pem" ping
stop_server
# A port that speaks nothing at all: no false claim of TLS.
python3 -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True)
for _ in range(2):
    c, _a = s.accept(); c.close()
' > "$WORK/silent.port" &
SILENT=$!
for _ in $(seq 1 100); do [ -s "$WORK/silent.port" ] && break; sleep 0.05; done
expect_rc 3 "a port that closes at once" "$PS" --server 127.0.0.1:"$(cat "$WORK/silent.port")" ping
expect_err "no reply from" "a closed connection is reported as such"
if printf '%s' "$ERR" | grep -q "speaks TLS"; then
	fail_ "claimed TLS for a silent port"; else ok_; fi
kill "$SILENT" 2>/dev/null; wait "$SILENT" 2>/dev/null

# 6. run-all.sh shows a skipped suite as skipped, with the reason.
mkdir -p "$WORK/suites"
cat > "$WORK/suites/test_fake_skip.sh" <<'EOS'
. "$(dirname "$0")/lib.sh" "${1:-bin}"
skip_suite "no frobnicator here (apt-get install frobnicator)"
EOS
cp "$ROOT/tests/e2e/lib.sh" "$WORK/suites/lib.sh"
OUT=$(bash "$ROOT/tests/run-all.sh" "$WORK/suites/test_fake_skip.sh" 2>&1); RC=$?
expect_eq "$RC" 0 "a skipped suite is no failure"
expect_out "e2e/test_fake_skip: skipped: no frobnicator here (apt-get install frobnicator)" "skipped with the reason"
expect_no_out "test_fake_skip: 0 passed" "never shown as 0 passed, 0 failed"
expect_out "skipped suites (1): e2e/test_fake_skip" "the summary counts it"
expect_out "total: 0 passed, 0 failed" "the closing line keeps its form"

# 7. make demo off a terminal says what it does; DEMO_SECONDS keeps it.
OUT=$(cd "$ROOT" && BIN=$BINDIR bash demo/demo.sh </dev/null 2>&1); RC=$?
expect_eq "$RC" 0 "demo off a terminal"
expect_out "Not run from a terminal: stopping the server now" "demo says it stops"
expect_out "DEMO_SECONDS=600" "demo says how to keep it"
(cd "$ROOT" && BIN=$BINDIR DEMO_SECONDS=60 exec bash demo/demo.sh </dev/null >"$WORK/demo.out" 2>&1) &
DEMO=$!
for _ in $(seq 1 200); do
	grep -q "runs for 60 seconds" "$WORK/demo.out" && break
	sleep 0.1
done
OUT=$(cat "$WORK/demo.out")
expect_out "The server runs for 60 seconds (DEMO_SECONDS)" "DEMO_SECONDS says how long"
URL=$(sed -nE 's|^== dashboard: (http://[^ ]+)$|\1|p' "$WORK/demo.out" | head -n 1)
if command -v curl >/dev/null && [ -n "$URL" ]; then
	code=$(curl -s -o /dev/null -w '%{http_code}' "$URL")
	expect_eq "$code" 200 "the dashboard answers while DEMO_SECONDS runs"
else
	fail_ "no curl or no dashboard address: $OUT"
fi
kill -TERM "$DEMO" 2>/dev/null; wait "$DEMO" 2>/dev/null
finish
