#!/usr/bin/env bash
# Dashboard login hardening: next= goes back to a local path only, and
# (further down) failed logins are throttled per network and globally,
# sessions are capped per account, and logging out takes a POST with the
# anti-forgery token.  Needs curl.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
need_curl
HPORT=$(free_port)
start_server --http 127.0.0.1:"$HPORT"
H=http://127.0.0.1:$HPORT
hreq() {
	local path=$1; shift
	CODE=$(curl -s -o "$WORK/body" -D "$WORK/hdrs" -w '%{http_code}' \
	    --max-time 20 "$@" "$H$path")
}
location() { sed -nE 's/^Location: (.*)/\1/Ip' "$WORK/hdrs" | tr -d '\r'; }
for i in $(seq 1 100); do curl -s -o /dev/null --max-time 2 "$H/healthz" && break; sleep 0.05; done

# ---------------------------------------------------------- open redirect
# next= as the form posts it (url-encoded); each must come back as "/".
for evil in '%2F%09%2Fevil.com' '%2F%0A%2Fevil.com' '%2F%0D%2Fevil.com' \
    '%2F%5Cevil.com' '%2F%2Fevil.com' '%5C%5Cevil.com' '%2F+%2Fevil.com' \
    '%2F%20%2Fevil.com' 'https%3A%2F%2Fevil.com' '%2F%09%5Cevil.com' \
    '%2Fx%0D%0ASet-Cookie%3A+a%3Db' '%2F%E2%80%AE%2Fevil.com'; do
	hreq /login -d "token=$ADMIN&next=$evil"
	expect_eq "$CODE $(location)" "303 /" "login with next=$evil goes to /"
done
hreq /login -d "token=$ADMIN&next=%2Franking%3Fparent%3DX%26period%3D2026"
expect_eq "$CODE $(location)" "303 /ranking?parent=X&period=2026" "a local next= is kept"
hreq "/login?next=%2F%09%2Fevil.com"
if grep -q 'name="next" value="/"' "$WORK/body"; then ok_; else
	fail_ "the login form carries an unsafe next=: $(grep -o 'name="next" value="[^"]*"' "$WORK/body")"; fi
finish
