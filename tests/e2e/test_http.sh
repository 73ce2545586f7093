#!/usr/bin/env bash
# The dashboard over HTTP (--http): pages, the JSON API byte-equal to the
# command line's --json, access rules (bearer, login cookie, --http-public),
# limits, /healthz and /metrics.  Needs curl.
. "$(dirname "$0")/lib.sh" "${1:-bin}"

need_curl

HPORT=$(free_port)
start_server --http 127.0.0.1:"$HPORT"
H=http://127.0.0.1:$HPORT

# hreq PATH [CURL ARGS...]: one request; CODE, BODY and the headers file.
hreq() {
	local path=$1; shift
	CODE=$(curl -s -o "$WORK/body" -D "$WORK/hdrs" -w '%{http_code}' \
	    --max-time 20 "$@" "$H$path")
	BODY=$(cat "$WORK/body")
}
# expect_code WANT DESC PATH [CURL ARGS...]
expect_code() {
	local want=$1 desc=$2; shift 2
	hreq "$@"
	if [ "$CODE" = "$want" ]; then ok_; else
		fail_ "$desc: HTTP $CODE, expected $want; body: $(head -c 300 "$WORK/body")"; fi
}
body_has() {
	if grep -qF -- "$1" "$WORK/body"; then ok_; else
		fail_ "$2: body lacks '$1'; body: $(head -c 300 "$WORK/body")"; fi
}
body_lacks() {
	if grep -qF -- "$1" "$WORK/body"; then
		fail_ "$2: body has '$1'"; else ok_; fi
}
hdr_has() {
	if grep -qiF -- "$1" "$WORK/hdrs"; then ok_; else
		fail_ "$2: headers lack '$1'; headers: $(cat "$WORK/hdrs")"; fi
}
hdr_lacks() {
	if grep -qiF -- "$1" "$WORK/hdrs"; then
		fail_ "$2: headers have '$1'"; else ok_; fi
}
# same_bytes FILE_A FILE_B DESC
same_bytes() {
	if cmp -s "$1" "$2"; then ok_; else
		fail_ "$3: differ"; diff "$1" "$2" | head -n 10 >&2; fi
}
wait_http() {
	local i
	for i in $(seq 1 100); do
		curl -s -o /dev/null --max-time 2 "$H/healthz" && return 0
		sleep 0.05
	done
}
wait_http
AUTH=(-H "Authorization: Bearer $ADMIN")

# ---------------------------------------------------------------- data
F=$WORK/f
mkdir -p "$F"
"$PS" -q unit add 610328 陇县 --level county
"$PS" -q unit add 610328101 城关镇 --parent 610328 --level township
"$PS" -q unit add 610328102 东风镇 --parent 610328 --level township
"$PS" -q unit add 610328103 八渡镇 --parent 610328 --level township
{
	echo "record_id,unit,date,persons"
	echo "P1,610328101,2025-12-31,10000"
	echo "P2,610328102,2025-12-31,8000"
	echo "P3,610328103,2025-12-31,6000"
} > "$F/pop.csv"
{
	echo "record_id,unit,date,sex,birth_order,policy,mother_id"
	for m in 01 02 03 04 05 06 07 08 09 10; do
		echo "B101-$m,610328101,2026-$m-05,M,1,Y,M101$m"
		echo "B102-$m,610328102,2026-$m-07,F,2,Y,M102$m"
		echo "B102-${m}b,610328102,2026-$m-17,M,3,N,M102${m}b"
	done
	echo "BAD-1,610328101,2027-01-01,M,1,Y,X"
} > "$F/births.csv"
{
	echo "record_id,unit,date,sex,age"
	echo "D1,610328103,2026-03-02,F,80"
	echo "D2,610328101,2026-04-02,M,70"
} > "$F/deaths.csv"
{
	echo "record_id,unit,date,mother_id"
	echo "V1,610328102,2026-05-09,M10205"
	echo "V2,610328102,2026-06-20,NOBIRTH"
} > "$F/verif.csv"
expect_rc 0 "population" "$PS" submit "$F/pop.csv"
expect_rc 1 "births (one bad row)" "$PS" submit "$F/births.csv"
expect_out "accepted 30, duplicate 0, rejected 1" "births summary"
expect_rc 0 "deaths" "$PS" submit "$F/deaths.csv"
expect_rc 0 "population again: duplicates" "$PS" submit "$F/pop.csv"
expect_rc 0 "verification" "$PS" submit "$F/verif.csv"
expect_rc 0 "clerk" "$PS" user add clerk101 --role clerk --unit 610328101
CLERK=$OUT
expect_rc 0 "viewer" "$PS" user add viewer1 --role viewer
VIEWER=$OUT

# ---------------------------------------------------------------- operations
expect_code 200 "healthz is open" /healthz
body_has "ok" "healthz body"
expect_code 200 "HEAD healthz" /healthz -I
expect_code 401 "metrics need a token" /metrics
expect_code 404 "unknown page" /nowhere "${AUTH[@]}"
expect_code 404 "unknown API" /api/nowhere "${AUTH[@]}"
body_has '"error"' "unknown API answers JSON"

# ---------------------------------------------------------------- access
expect_code 401 "API without a token" "/api/status?unit=610328101&period=2026"
body_has '"status": 401' "401 as JSON"
hdr_has "WWW-Authenticate: Bearer" "401 names the scheme"
expect_code 302 "page without a token goes to login" "/ranking?parent=610328&period=2026"
hdr_has "Location: /login?next=/ranking%3Fparent%3D610328%26period%3D2026" "login keeps the page"
expect_code 302 "home without a token" /
expect_code 401 "wrong bearer" "/api/status?unit=610328101&period=2026" -H "Authorization: Bearer pst_0000"
expect_code 401 "not a bearer" "/api/status?unit=610328101&period=2026" -H "Authorization: Basic YWJjOmRlZg=="
expect_code 200 "bearer works" "/api/status?unit=610328101&period=2026" "${AUTH[@]}"
expect_code 200 "bearer works on pages" "/ranking?parent=610328&period=2026" "${AUTH[@]}"
expect_code 200 "clerk: other township's status (circulated)" "/api/status?unit=610328102&period=2026" -H "Authorization: Bearer $CLERK"
expect_code 403 "clerk: other township's verification list" "/api/verify-report?unit=610328102&period=2026" -H "Authorization: Bearer $CLERK"
body_has "record-level data" "the refusal says why"
expect_code 200 "clerk: own township" "/api/status?unit=610328101&period=2026" -H "Authorization: Bearer $CLERK"
expect_code 403 "viewer: no record-level report" "/api/verify-report?unit=610328102&period=2026" -H "Authorization: Bearer $VIEWER"
expect_code 200 "viewer: ranking" "/api/ranking?parent=610328&period=2026" -H "Authorization: Bearer $VIEWER"

# ---------------------------------------------------------------- API = CLI
for u in 610328 610328101 610328102 610328103; do
	for p in 2026 2026H1 2026-03 2026-03D2 SY2026; do
		"$PS" status --unit "$u" --period "$p" --json > "$WORK/cli.json"
		hreq "/api/status?unit=$u&period=$p" "${AUTH[@]}"
		same_bytes "$WORK/body" "$WORK/cli.json" "api status $u $p = popstat status --json"
	done
done
for p in 2026 2026Q2 2026-10 2026-01-01..2026-06-30; do
	"$PS" ranking --parent 610328 --period "$p" --json > "$WORK/cli.json"
	hreq "/api/ranking?parent=610328&period=$p" "${AUTH[@]}"
	same_bytes "$WORK/body" "$WORK/cli.json" "api ranking $p = popstat ranking --json"
done
"$PS" ranking --parent 610328 --period 2026 --indicator policy_rate --json > "$WORK/cli.json"
hreq "/api/ranking?parent=610328&period=2026&indicator=policy_rate" "${AUTH[@]}"
same_bytes "$WORK/body" "$WORK/cli.json" "api ranking by indicator"
"$PS" status --unit 610328102 --period 2026YTD --json > "$WORK/cli.json"
hreq "/api/status?unit=610328102" "${AUTH[@]}"
same_bytes "$WORK/body" "$WORK/cli.json" "api status defaults to year to date"
hdr_has "Content-Type: application/json" "API content type"
"$PS" verify-report --unit 610328102 --period 2026 --json > "$WORK/cli.json"
hreq "/api/verify-report?unit=610328102&period=2026" "${AUTH[@]}"
same_bytes "$WORK/body" "$WORK/cli.json" "api verify-report = popstat verify-report --json"
body_has '"V2"' "the missed verification is listed"
"$PS" --token "$CLERK" status --unit 610328101 --period 2026 --json > "$WORK/cli.json"
hreq "/api/status?unit=610328101&period=2026" -H "Authorization: Bearer $CLERK"
same_bytes "$WORK/body" "$WORK/cli.json" "clerk's API = clerk's CLI"
expect_code 404 "API: unknown unit" "/api/status?unit=999&period=2026" "${AUTH[@]}"
body_has "does not exist" "unknown unit message"
expect_code 400 "API: bad period" "/api/status?unit=610328101&period=2026Q5" "${AUTH[@]}"
expect_code 400 "API: parent missing" "/api/ranking?period=2026" "${AUTH[@]}"

# ---------------------------------------------------------------- pages
expect_code 200 "ranking page" "/ranking?parent=610328&period=2026" "${AUTH[@]}"
body_has 'id="ranking"' "ranking table"
body_has "城关镇" "township names"
body_has 'white-space:nowrap}td.name{white-space:nowrap}' "headers and unit names do not wrap mid-word"
body_has '<div class="wide"><table id="ranking"' "a wide ranking scrolls in its own box"
body_has '<td class="name"><a' "unit-name cells carry the no-wrap class"
body_has '<html lang="zh-CN">' "Chinese by default"
body_has "一票否决" "veto shown"
body_has 'class="n met"' "met cells coloured"
body_has 'class="n veto"' "missed veto cells coloured"
body_has 'id="score-chart"' "score chart"
body_has '<svg class="strip"' "month-by-month strip"
hdr_has "Content-Security-Policy: default-src 'none'" "CSP: nothing from outside"
hdr_has "Content-Type: text/html; charset=utf-8" "HTML content type"
n=$(grep -oE '(src|href|action)="(https?:)?//' "$WORK/body" | wc -l)
expect_eq "$n" 0 "the page refers to nothing outside the server"
expect_code 200 "ranking in English" "/ranking?parent=610328&period=2026&lang=en" "${AUTH[@]}"
body_has '<html lang="en">' "English page"
body_has "Birth rate" "English indicator names"
expect_code 200 "home page" "/" "${AUTH[@]}"
body_has 'id="ranking"' "home shows the ranking"
body_has "2026-01-01" "home: year to date by default"
expect_code 200 "unit page" "/unit?unit=610328102&period=2026" "${AUTH[@]}"
body_has 'id="indicators"' "indicator table"
body_has 'id="trend-birth_rate"' "birth rate trend chart"
body_has 'class="target"' "target line"
body_has 'id="counters"' "counters"
body_has 'id="missed"' "admin sees the missed births"
expect_code 404 "unit page: unknown unit" "/unit?unit=999" "${AUTH[@]}"
expect_code 200 "unit page: a clerk reads its sibling's status" "/unit?unit=610328102" -H "Authorization: Bearer $CLERK"
body_lacks 'id="missed"' "but not the sibling's missed births"
expect_code 403 "ranking page: a sibling's own ranking is outside a clerk's scope" "/ranking?parent=610328102" -H "Authorization: Bearer $CLERK"
body_has "outside your scope" "the page says why"
expect_code 200 "clerk home is its township" "/" -H "Authorization: Bearer $CLERK"
body_has "610328101" "clerk's township"
expect_code 200 "bulletins page" "/bulletins" "${AUTH[@]}"
body_has 'id="bulletins"' "bulletin list"
body_has "2026-10" "months listed"
expect_code 200 "bulletin page (draft)" "/bulletin?period=2026-10" "${AUTH[@]}"
body_has 'class="draft"' "unpublished month is a draft"
body_has 'article class="bulletin"' "bulletin text"
expect_rc 0 "publish" "$PS" bulletin publish --period 2026-10
expect_code 200 "bulletin page (published)" "/bulletin?period=2026-10&lang=en" "${AUTH[@]}"
body_lacks 'class="draft"' "published is not a draft"
body_has "Published" "published date"
expect_code 400 "bulletin: not a month" "/bulletin?period=2026" "${AUTH[@]}"

# ---------------------------------------------------------------- login form
expect_code 200 "login form" "/login?next=/unit%3Funit%3D610328101"
body_has 'type="password"' "token field"
body_has 'value="/unit?unit=610328101"' "next kept"
expect_code 401 "login: wrong token" /login --data-urlencode "token=pst_wrong" --data-urlencode "next=/"
body_has "令牌无效" "wrong token message"
expect_code 400 "login: no token" /login -d "next=/"
expect_code 303 "login: right token" /login --data-urlencode "token=$ADMIN" --data-urlencode "next=/unit?unit=610328101"
hdr_has "Location: /unit?unit=610328101" "back to the page"
hdr_has "HttpOnly" "cookie HttpOnly"
hdr_has "SameSite=Strict" "cookie SameSite"
hdr_has "Path=/" "cookie path"
hdr_lacks "$ADMIN" "the token is not in the cookie"
COOKIE=$(sed -nE 's/^Set-Cookie: (popstat_session=[0-9a-f]+);.*/\1/Ip' "$WORK/hdrs" | tr -d '\r')
expect_eq "${#COOKIE}" 80 "session cookie is 256 random bits"
expect_code 200 "cookie opens pages" "/ranking?parent=610328&period=2026" -H "Cookie: $COOKIE"
body_has "/logout" "logged-in page offers logout"
expect_code 200 "cookie opens the API" "/api/status?unit=610328101&period=2026" -H "Cookie: other=1; $COOKIE"
expect_code 302 "a forged cookie does not" "/ranking" -H "Cookie: popstat_session=$(printf '0%.0s' $(seq 64))"
expect_code 303 "login: never to another site" /login --data-urlencode "token=$ADMIN" --data-urlencode "next=//evil.example/"
hdr_has "Location: /" "next=//host ignored"
hdr_lacks "evil" "no open redirect"
expect_code 403 "login from another site's form" /login -H "Origin: http://evil.example" --data-urlencode "token=$ADMIN"
expect_code 200 "a page to log out from" "/ranking?parent=610328&period=2026" -H "Cookie: $COOKIE"
CSRF=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$WORK/body" | head -n 1)
expect_code 303 "logout" /logout -H "Cookie: $COOKIE" -d "csrf=$CSRF"
hdr_has "Max-Age=0" "logout clears the cookie"
expect_code 302 "after logout the cookie is dead" "/ranking" -H "Cookie: $COOKIE"
if grep -qF "$ADMIN" "$WORK/server.log"; then fail_ "a token in the server log"; else ok_; fi

# ---------------------------------------------------------------- limits
expect_code 405 "POST to the API" "/api/status?unit=610328101" -X POST -d x=1 "${AUTH[@]}"
hdr_has "Allow: GET, HEAD" "405 says what is allowed"
expect_code 405 "PUT" /ranking -X PUT "${AUTH[@]}"
expect_code 405 "DELETE" /api/status -X DELETE "${AUTH[@]}"
expect_code 405 "PATCH" /login -X PATCH
BIG=$(head -c 10000 /dev/zero | tr '\0' a)
hreq /healthz -H "X-Big: $BIG"
case "$CODE" in 400|413|431) ok_ ;; *) fail_ "oversized header: HTTP $CODE" ;; esac
expect_code 413 "oversized body" /login -X POST --data-binary "token=$(head -c 5000 /dev/zero | tr '\0' a)"
expect_code 414 "oversized URI" "/ranking?x=$(head -c 3000 /dev/zero | tr '\0' a)" "${AUTH[@]}"
expect_code 400 "bad UTF-8 in the query" "/api/status?unit=%ff%fe&period=2026" "${AUTH[@]}"
expect_code 400 "over-long parameter" "/api/status?unit=$(head -c 300 /dev/zero | tr '\0' 1)" "${AUTH[@]}"
# A half-sent request is timed out, and the server still answers.
python3 - "$HPORT" <<'EOF' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
time.sleep(3)
EOF
slow=$!
expect_code 200 "served while a client dawdles" /healthz
wait "$slow"

# ---------------------------------------------------------------- metrics
# A protocol client that sends an oversized frame is dropped and counted.
python3 - "$PORT" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"\xff\xff\xff\xff")
s.recv(1024)
s.close()
EOF
sleep 0.2
expect_code 200 "metrics with a token" /metrics "${AUTH[@]}"
hdr_has "Content-Type: text/plain; version=0.0.4" "Prometheus text format"
metric() {
	awk -v k="$1" '$1 == k { print $2 }' "$WORK/body"
}
for fam in popstat_connections_accepted_total popstat_connections_open \
    popstat_connections_dropped_total popstat_requests_total \
    popstat_records_stored_total popstat_records_rejected_total \
    popstat_commit_batch_size popstat_commit_duration_seconds \
    popstat_wal_sync_duration_seconds popstat_http_requests_total; do
	body_has "# TYPE $fam " "metric family $fam"
done
expect_eq "$(metric 'popstat_records_stored_total{kind="birth"}')" 30 "births stored"
expect_eq "$(metric 'popstat_records_stored_total{kind="population"}')" 3 "populations stored"
expect_eq "$(metric 'popstat_records_duplicate_total{kind="population"}')" 3 "duplicates counted"
expect_eq "$(metric 'popstat_records_rejected_total{reason="invalid_date"}')" 1 "the bad date counted by reason"
expect_eq "$(metric 'popstat_connections_dropped_total{reason="frame_too_large"}')" 1 "oversized frame drop counted"
expect_eq "$(metric 'popstat_requests_total{type="submit"}')" 5 "submit requests"
expect_eq "$(metric 'popstat_commits_total{result="ok"}')" "$(metric 'popstat_commit_duration_seconds_count')" "one latency per commit"
n=$(metric 'popstat_commit_batch_size_count')
if [ "${n:-0}" -ge 5 ]; then ok_; else fail_ "commit batch count $n"; fi
n=$(metric 'popstat_commit_duration_seconds_bucket{le="+Inf"}')
expect_eq "$n" "$(metric 'popstat_commit_duration_seconds_count')" "histogram +Inf = count"
# durability full: each acknowledgement waited for a sync of the WAL; one
# sync covers every commit made before it began, so there are at most as
# many syncs as commits.
n=$(metric 'popstat_wal_sync_duration_seconds_count')
if [ "${n:-0}" -ge 1 ] && [ "$n" -le "$(metric 'popstat_commits_total{result="ok"}')" ]; then ok_; else
	fail_ "WAL syncs counted: $n (commits $(metric 'popstat_commits_total{result="ok"}'))"; fi
expect_eq "$(metric 'popstat_wal_sync_duration_seconds_bucket{le="+Inf"}')" "$n" "WAL sync histogram +Inf = count"
n=$(metric 'popstat_connections_accepted_total')
if [ "${n:-0}" -ge 10 ]; then ok_; else fail_ "connections accepted $n"; fi
n=$(metric 'popstat_http_requests_total{route="/api/status",code="200"}')
if [ "${n:-0}" -ge 20 ]; then ok_; else fail_ "http api/status 200 count $n"; fi
body_has 'popstat_http_requests_total{route="/ranking",code="302"}' "redirects counted"

# ---------------------------------------------------------------- public
stop_server
HPORT=$(free_port)
start_server --http 127.0.0.1:"$HPORT" --http-public --auth-failures 3
H=http://127.0.0.1:$HPORT
wait_http
expect_code 200 "public: ranking page without login" "/ranking?parent=610328&period=2026"
body_has 'id="ranking"' "public ranking table"
body_has "公开" "public note"
expect_code 200 "public: home" /
expect_code 200 "public: unit page" "/unit?unit=610328102&period=2026"
body_has 'id="trend-birth_rate"' "public trend chart"
body_lacks 'id="missed"' "public: no record-level list"
body_lacks "V2" "public: no record id"
expect_code 200 "public: bulletins" /bulletins
expect_code 200 "public: bulletin" "/bulletin?period=2026-10"
"$PS" ranking --parent 610328 --period 2026 --json > "$WORK/cli.json"
expect_code 200 "public: ranking API" "/api/ranking?parent=610328&period=2026"
same_bytes "$WORK/body" "$WORK/cli.json" "public ranking API = CLI"
expect_code 200 "public: status API" "/api/status?unit=610328101&period=2026"
expect_code 401 "public: no verify-report" "/api/verify-report?unit=610328102&period=2026"
expect_code 401 "public: no metrics" /metrics
expect_code 200 "public + bearer: record level" "/api/verify-report?unit=610328102&period=2026" "${AUTH[@]}"
expect_code 200 "public + login: missed births shown" "/unit?unit=610328102&period=2026" "${AUTH[@]}"
body_has 'id="missed"' "logged in sees the record-level list"
# Wrong tokens are throttled per address, like protocol logins.
for i in 1 2 3; do
	expect_code 401 "public: a wrong bearer is refused ($i)" "/api/ranking?parent=610328" -H "Authorization: Bearer pst_bad$i"
done
expect_code 429 "too many failures: throttled" "/api/ranking?parent=610328" -H "Authorization: Bearer pst_bad4"
hdr_has "Retry-After" "throttle says when"
expect_code 429 "throttled login form" /login --data-urlencode "token=$ADMIN"
finish
