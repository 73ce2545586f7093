#!/usr/bin/env bash
# Reads any role can ask for are bounded before they are built: a period
# longer than --max-period-days is refused, a dekad table that could not
# be queued (--max-output) is refused before it is made, and a Submit's
# rows are counted in the frame's bytes before protobuf-c unpacks them.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
start_server
expect_rc 0 "county" "$PS" unit add C1 county
for i in 1 2 3; do
	expect_rc 0 "township $i" "$PS" unit add C1T$i "town $i" --parent C1
done
CLERK=$("$PS" user add clerk1 --role clerk --unit C1T1)

# ---------------------------------------------------------------- periods
expect_rc 1 "report status over 1000 years: refused" "$PS" report status --parent C1 --period 2026-11-28..3026-11-28
expect_err "at most 7305 days (--max-period-days)" "the refusal names the limit"
expect_err "365243 days long" "and the length asked for"
expect_rc 1 "status over 1000 years: refused" "$PS" status --unit C1 --period 2026-01-01..3025-12-31
expect_err "--max-period-days" "status: the limit named"
expect_rc 1 "ranking over 1000 years: refused" "$PS" ranking --parent C1 --period 2000-01-01..2999-12-31
expect_err "--max-period-days" "ranking: the limit named"
expect_rc 1 "a clerk's status over 1000 years: refused" env POPSTAT_TOKEN="$CLERK" "$PS" status --unit C1T1 --period 2000-01-01..2999-12-31
expect_err "--max-period-days" "ranking: the limit named"
expect_rc 0 "20 years is allowed" "$PS" report status --parent C1 --period 2006-01-01..2025-12-31 --json
expect_eq "$(json 'len(j["units"][0]["dekads"])')" 720 "20 years: 720 dekads a township"
expect_rc 0 "status over 20 years" "$PS" status --unit C1 --period 2006-01-01..2025-12-31
stop_server

# ------------------------------------------------------- reply size first
# 100 years are allowed here, but 3 townships x 3600 dekads could not be
# queued within --max-output 65536: refused, not built.
start_server --max-period-days 40000 --max-output 65536
expect_rc 1 "report status too large for --max-output: refused" "$PS" report status --parent C1 --period 1926-01-01..2025-12-31
expect_err "over the 65536 bytes of --max-output" "the refusal says why"
expect_rc 0 "a year still answers" "$PS" report status --parent C1 --period 2025
expect_rc 0 "the server still serves" "$PS" unit list
stop_server

# ------------------------------------------------------ rows on the wire
# A 4 MiB Submit of 1,048,556 rows holding only a line number: refused from the count in its
# bytes.  Unpacking it would take some 165 MB; the server's peak memory
# may grow by at most 40 MB.
start_server
run python3 - "$PORT" "$ADMIN" "$SERVER_PID" <<'PY'
import os, sys
sys.path.insert(0, os.path.join(os.environ.get("E2E", "tests/e2e")))
import wire
port, token, pid = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def hwm():
    for line in open("/proc/%s/status" % pid):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
c = wire.Conn(port)
wire.login(c, token)
before = hwm()
body = wire.request("submit", wire.f_uint(1, wire.KIND_BIRTH) + b"\x12\x02\x08\x01" * 1048556)
c.send_frame(wire.envelope(77, body))
r = c.read_reply(30)
after = hwm()
print("kind=%s code=%s id=%s grew_kb=%d open=%d" % (r["kind"], r.get("code"),
      r.get("id"), after - before, 1 if c.still_open() else 0))
print("msg=%s" % r.get("message"))
PY
val() { printf '%s\n' "$OUT" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -1; }
expect_eq "$(val kind)/$(val code)/$(val id)" error/7/77 "a million rows: ERR_TOO_LARGE for request 77"
expect_out "batch of 1048556 rows is over the limit of 10000 rows (max_rows)" "the refusal counts the rows"
if [ "$(val grew_kb)" -le 40960 ] 2>/dev/null; then ok_; else
	fail_ "server peak memory grew by $(val grew_kb) kB for a refused batch"; fi
expect_eq "$(val open)" 1 "the connection stays open"
expect_eq "$(sql 'select count(*) from records')" 0 "nothing stored"
finish
