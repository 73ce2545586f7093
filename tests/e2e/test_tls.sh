#!/usr/bin/env bash
# TLS and credentials: the end-to-end suites run again over TLS with a
# certificate made at test time; pins, CAs and plaintext rules; token
# rotation, disabling and the failed-login limit.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
E2E=$(cd "$(dirname "$0")" && pwd)

# 1. The end-to-end suites over TLS: each prints "NAME: N passed, N failed".
for t in test_accounts test_submit test_engine test_supervision test_integrity; do
	out=$(POPSTAT_TEST_TLS=1 bash "$E2E/$t.sh" "${1:-bin}" 2>&1)
	line=$(printf '%s\n' "$out" | grep -E "^$t: [0-9]+ passed, [0-9]+ failed" | tail -n 1)
	p=$(echo "$line" | sed -nE 's/.*: ([0-9]+) passed.*/\1/p')
	f=$(echo "$line" | sed -nE 's/.*passed, ([0-9]+) failed.*/\1/p')
	if [ -z "$line" ]; then
		fail_ "$t over TLS printed no result"
		printf '%s\n' "$out" | tail -n 20 >&2
		continue
	fi
	PASS=$((PASS + p))
	if [ "$f" -ne 0 ]; then
		FAIL=$((FAIL + f))
		printf '%s\n' "$out" | grep FAIL | head -n 20 >&2
	fi
done

# 2. Pins, CAs, plaintext.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-keyout "$WORK/key.pem" -out "$WORK/cert.pem" -days 2 -subj /CN=localhost \
	-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-keyout "$WORK/other-key.pem" -out "$WORK/other.pem" -days 2 \
	-subj /CN=localhost -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
PIN=$(openssl x509 -in "$WORK/cert.pem" -outform DER | sha256sum | cut -d' ' -f1)
start_server --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem" --auth-failures 5

expect_rc 0 "right pin" "$PS" --pin "$PIN" ping
COLONS=$(echo "$PIN" | tr a-f A-F | sed 's/../&:/g; s/:$//')
expect_rc 0 "pin with colons, upper case" "$PS" --pin "$COLONS" ping
# Another fingerprint: the same but for its first hex digit.
if [ "${PIN:0:1}" = 0 ]; then WRONG=1${PIN:1}; else WRONG=0${PIN:1}; fi
expect_eq "$([ "$WRONG" != "$PIN" ] && echo differs)" differs "the wrong pin differs"
expect_rc 3 "wrong pin refused" "$PS" --pin "$WRONG" ping
expect_err "does not match the pinned" "wrong pin message"
expect_rc 3 "malformed pin" "$PS" --pin abc ping
expect_rc 0 "CA file" "$PS" --ca "$WORK/cert.pem" ping
expect_rc 3 "another CA refused" "$PS" --ca "$WORK/other.pem" ping
expect_err "not trusted" "untrusted certificate message"
expect_rc 3 "system CA store does not know a self-signed certificate" "$PS" --tls ping
expect_rc 3 "plaintext client against a TLS server" "$PS" ping
expect_rc 0 "pin from the environment" env POPSTAT_PIN="$PIN" "$PS" ping
printf 'server = %s\ntoken = %s\npin = %s\n' "$POPSTAT_SERVER" "$ADMIN" "$PIN" > "$WORK/client.conf"
expect_rc 0 "pin from the config file" env -u POPSTAT_TOKEN POPSTAT_CONFIG="$WORK/client.conf" "$PS" ping
expect_eq "$(grep -c "$ADMIN" "$WORK/server.log")" 0 "token never logged"
export POPSTAT_PIN=$PIN

# 3. Credentials: rotation and disabling end sessions at once.
expect_rc 0 "unit" "$PS" unit add 610328 陇县
expect_rc 0 "viewer" "$PS" user add v1 --role viewer
OLD=$OUT
expect_rc 0 "viewer works" "$PS" --token "$OLD" ping
expect_rc 0 "rotate" "$PS" user rotate v1
NEW=$OUT
expect_eq "$(printf '%s' "$NEW" | grep -cE '^pst_[0-9a-f]{48}$')" 1 "rotate prints a new token"
expect_rc 3 "old token stops working" "$PS" --token "$OLD" ping
expect_rc 0 "new token works" "$PS" --token "$NEW" ping
expect_rc 0 "disable" "$PS" user disable v1
expect_rc 3 "disabled account refused" "$PS" --token "$NEW" ping
expect_err "disabled" "disabled message"
expect_rc 0 "enable" "$PS" user enable v1
expect_rc 0 "enabled again" "$PS" --token "$NEW" ping
expect_rc 1 "cannot disable oneself" "$PS" user disable admin
expect_rc 1 "unknown user" "$PS" user rotate nobody
expect_rc 3 "only admin rotates" "$PS" --token "$NEW" user rotate admin
expect_eq "$(sql "select group_concat(action) from (select action from audit where action like 'user.%' order by id)")" \
	"user.add,user.add,user.rotate,user.disable,user.enable" "rotation and disabling audited"

# 4. Failed logins are limited per peer address: 5 per minute here.  The
#    attacker uses 127.0.1.2 (its /24 is throttled); a client on 127.0.0.1 is not slowed.
stop_server
PORT2=$(free_port)
"$PSD" --db "$DB" --listen 127.0.0.1:"$PORT2" --today "$TODAY" --auth-failures 5 \
	2>>"$WORK/server.log" &
SERVER_PID=$!
for i in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/"$PORT2") 2>/dev/null && break; sleep 0.05; done
res=$(python3 - "$PORT2" "$ADMIN" "$E2E" <<'PY'
import sys
sys.path.insert(0, sys.argv[3])
import wire
port, token = int(sys.argv[1]), sys.argv[2]
def attempt(src, tok):
    c = wire.Conn(port, source=src)
    c.send_frame(wire.envelope(1, wire.hello(tok)))
    r = c.read_reply()
    c.close()
    return r["kind"] + (":%s" % r.get("code") if r["kind"] == "error" else "")
bad = [attempt("127.0.1.2", "pst_wrong") for _ in range(8)]
attacker_right = attempt("127.0.1.2", token)   # refused: throttled
other = attempt("127.0.0.1", token)            # another network: served
neighbour = attempt("127.0.1.3", token)        # the attacker's /24: refused
print(" ".join(bad), attacker_right, other, neighbour)
PY
)
expect_eq "$(echo "$res" | awk '{print $1, $5}')" "error:2 error:2" "wrong tokens refused"
expect_eq "$(echo "$res" | awk '{print $9}')" error:2 "right token refused from a throttled address"
expect_eq "$(echo "$res" | awk '{print $10}')" hello "another network is not slowed"
expect_eq "$(echo "$res" | awk '{print $11}')" error:2 "an address of the throttled /24 is refused too"
expect_eq "$(grep -c 'too many failed logins from 127.0.1.2' "$WORK/server.log")" 4 "throttled attempts logged"
POPSTAT_SERVER=127.0.0.1:$PORT2
expect_rc 0 "normal client still served" env -u POPSTAT_PIN "$PS" --server "127.0.0.1:$PORT2" ping
stop_server

# 5. Plaintext is refused on a non-loopback address unless asked for.
expect_rc 1 "plaintext on 0.0.0.0 refused" "$PSD" --db "$DB" --listen 0.0.0.0:"$(free_port)"
run "$PSD" --db "$DB" --listen 0.0.0.0:"$(free_port)"
expect_err "refusing plaintext" "plaintext refusal names the reason"
expect_rc 1 "a key without a certificate" "$PSD" --db "$DB" --listen 127.0.0.1:"$(free_port)" --tls-key "$WORK/key.pem"
expect_rc 1 "a certificate that does not match its key" "$PSD" --db "$DB" --listen 127.0.0.1:"$(free_port)" \
	--tls-cert "$WORK/cert.pem" --tls-key "$WORK/other-key.pem"
P3=$(free_port)
"$PSD" --db "$DB" --listen 0.0.0.0:"$P3" --today "$TODAY" --insecure-plaintext 2>>"$WORK/server.log" &
SERVER_PID=$!
for i in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/"$P3") 2>/dev/null && break; sleep 0.05; done
expect_rc 0 "--insecure-plaintext serves" env -u POPSTAT_PIN "$PS" --server 127.0.0.1:"$P3" ping
expect_eq "$(grep -c 'serving PLAINTEXT on a non-loopback' "$WORK/server.log")" 1 "plaintext warning logged"
finish
