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

PROBE=$(dirname "$0")/httpprobe.py
# fails SRC N [curl options]: N failed logins from SRC; CODE is the last.
fails() {
	local src=$1 n=$2 i; shift 2
	for i in $(seq 1 "$n"); do
		hreq /login --interface "$src" -d "token=pst_wrong&next=/" "$@"
	done
}
cookie_of() { sed -nE 's/^Set-Cookie: (popstat_session=[0-9a-f]+);.*/\1/Ip' "$WORK/hdrs" | tr -d '\r'; }
csrf_of() { sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$WORK/body" | head -n 1; }
restart() { stop_server; start_server --http 127.0.0.1:"$HPORT" "$@"
	for i in $(seq 1 100); do curl -s -o /dev/null --max-time 2 "$H/healthz" && break; sleep 0.05; done; }

# ---------------------------------------------------------- logout
hreq /login -d "token=$ADMIN&next=/"
C=$(cookie_of)
hreq /logout -H "Cookie: $C"
expect_eq "$CODE $(location)" "303 /" "GET /logout goes to the page with the button"
hreq /ranking -H "Cookie: $C"
expect_eq "$CODE" 200 "and after GET /logout the session still opens pages"
grep -q 'form method="post" action="/logout"' "$WORK/body" && ok_ || fail_ "the page has no logout form"
CSRF=$(csrf_of)
expect_eq "${#CSRF}" 64 "the logout form carries the anti-forgery token"
if grep -qi '<script' "$WORK/body"; then fail_ "a dashboard page has inline script"; else ok_; fi
hreq /logout -X POST -H "Cookie: $C"
expect_eq "$CODE" 403 "POST /logout without the anti-forgery token is refused"
hreq /logout -H "Cookie: $C" -d "csrf=$(printf '0%.0s' $(seq 64))"
expect_eq "$CODE" 403 "and with a wrong one"
hreq /ranking -H "Cookie: $C"
expect_eq "$CODE" 200 "the session survives both"
hreq /logout -H "Cookie: $C" -H "Origin: http://evil.example" -d "csrf=$CSRF"
expect_eq "$CODE" 403 "a logout posted from another site is refused"
hreq /logout -H "Cookie: $C" -d "csrf=$CSRF"
expect_eq "$CODE $(location)" "303 /login" "POST /logout with the token logs out"
hreq /ranking -H "Cookie: $C"
expect_eq "$CODE" 302 "and the session is dead"

# ---------------------------------------------------------- sessions per account
CLERK=$("$PS" user add clerk1 --role viewer)
hreq /login -d "token=$ADMIN&next=/"
AC=$(cookie_of)
sleep 1   # the admin's session is the least recently used one
OUT=$(python3 "$PROBE" logins "$HPORT" "$PORT" "$CLERK" 1030)
expect_eq "$(printf '%s' "$OUT" | sed 's/ first.*//')" "ok=1030" "1,030 logins of one account all succeed"
hreq /ranking -H "Cookie: $AC"
expect_eq "$CODE" 200 "the admin's session survives 1,030 logins of another account"
hreq /ranking -H "Cookie: $(printf '%s' "$OUT" | sed -nE 's/.* last=(\S+).*/\1/p')"
expect_eq "$CODE" 200 "the account's latest session is live"
hreq /ranking -H "Cookie: $(printf '%s' "$OUT" | sed -nE 's/.* first=(\S+) .*/\1/p')"
expect_eq "$CODE" 302 "its oldest went (16 sessions per account)"

# ---------------------------------------------------------- throttling
restart
fails 127.0.0.1 10
expect_eq "$CODE" 401 "ten failed logins from 127.0.0.1 are each refused"
fails 127.0.0.1 1
expect_eq "$CODE" 429 "the eleventh is throttled"
fails 127.0.0.2 1
expect_eq "$CODE" 429 "127.0.0.2, of the same /24, is throttled too"
hreq /login --interface 127.0.0.2 -d "token=$ADMIN&next=/"
expect_eq "$CODE" 429 "even with the right token"
fails 127.0.1.2 1
expect_eq "$CODE" 401 "another /24 is not"
expect_rc 3 "the protocol refuses 127.0.0.1 too" "$PS" unit list
expect_err "too many failed logins" "saying why"

restart --auth-failures-global 100000
fails 127.0.0.1 11
expect_eq "$CODE" 429 "127.0.0.1 throttled again"
OUT=$(python3 "$PROBE" spread "$HPORT" "$PORT" x 1030 1)
expect_eq "$OUT" "s401=1030" "1,030 failures, each from another /24, are counted"
fails 127.0.0.1 1
expect_eq "$CODE" 429 "and do not evict 127.0.0.1's throttle"
fails 127.0.0.3 1
expect_eq "$CODE" 429 "nor its network's"

restart --auth-failures-global 30
OUT=$(python3 "$PROBE" spread "$HPORT" "$PORT" x 40 1)
expect_eq "$OUT" "s401=30 s429=10" "past --auth-failures-global every address is throttled"
fails 127.0.0.9 1
expect_eq "$CODE" 429 "a fresh address too"

# ---------------------------------------------------------- X-Forwarded-For
restart
for i in $(seq 1 10); do
	hreq /login -H "X-Forwarded-For: 10.0.$i.1" -d "token=pst_wrong&next=/"
done
hreq /login -H "X-Forwarded-For: 10.0.99.1" -d "token=pst_wrong&next=/"
expect_eq "$CODE" 429 "without --http-trusted-proxy X-Forwarded-For is ignored"
restart --http-trusted-proxy 127.0.0.1
fails 127.0.0.1 11 -H "X-Forwarded-For: 192.0.2.1, 10.0.0.7"
expect_eq "$CODE" 429 "behind the trusted proxy the forwarded client is throttled"
fails 127.0.0.1 1 -H "X-Forwarded-For: 10.0.0.8"
expect_eq "$CODE" 429 "with its /24"
fails 127.0.0.1 1 -H "X-Forwarded-For: 10.0.1.8"
expect_eq "$CODE" 401 "but not the proxy's other clients"
# IPv6 clients (as the proxy names them) are counted per /64.
fails 127.0.0.1 10 -H "X-Forwarded-For: 2001:db8:0:7::1"
fails 127.0.0.1 1 -H "X-Forwarded-For: 2001:db8:0:7:ffff::2"
expect_eq "$CODE" 429 "an IPv6 address of a throttled /64 is throttled"
fails 127.0.0.1 1 -H "X-Forwarded-For: 2001:db8:0:8::1"
expect_eq "$CODE" 401 "the next /64 is not"
fails 127.0.0.1 1 -H "X-Forwarded-For: ::ffff:10.0.0.9"
expect_eq "$CODE" 429 "an IPv4-mapped address counts in its IPv4 /24"
fails 127.0.0.1 1 -H "X-Forwarded-For: not-an-address"
expect_eq "$CODE" 401 "a forwarded value that is no address is ignored (the proxy's own count)"
fails 127.0.0.2 11 -H "X-Forwarded-For: 10.0.2.8"
expect_eq "$CODE" 429 "a peer that is not the proxy is counted by its own address"
fails 127.0.0.1 1 -H "X-Forwarded-For: 10.0.3.8"
expect_eq "$CODE" 401 "and not by the address it claims to forward"
finish
