#!/usr/bin/env bash
# The dashboard's form pages over HTTP (curl): every write refused where it
# must be (no session, wrong anti-forgery token, foreign Origin, bearer
# token, oversize upload, another township's unit, locked period, viewer
# role, plain HTTP on a network address), and the idempotency of the forms
# (double click, back-and-resubmit, retry after a timeout), with the
# server's counters read through the real popstat client after each step.
# Uploads read registers as popstat submit does (GB18030, Chinese headers,
# Excel date cells, the mapping box); the township page's list of today
# and the cap on kept rejected rows are checked across a restart.
# HTTPS served by popstatd itself (--http-tls-cert) is checked at the end.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
need_curl

HPORT=$(free_port)
start_server --http 127.0.0.1:"$HPORT" --http-max-upload 2000000
H=http://127.0.0.1:$HPORT
wait_port "$HPORT"

"$PS" -q unit add 610328 陈仓区 --level county
"$PS" -q unit add 610328101 城关镇 --parent 610328 --level township
"$PS" -q unit add 610328102 天成镇 --parent 610328 --level township
"$PS" -q unit add 610328101001 东关村 --parent 610328101 --level village
CLERK=$("$PS" user add clerk1 --role clerk --unit 610328101)
VIEWER=$("$PS" user add viewer1 --role viewer)
"$PS" -q dept add WJ 卫健局
DEPT=$("$PS" user add dept1 --role department --dept WJ)
"$PS" -q task add --title 出生登记 --owner WJ --due 2026-12-31

# births UNIT: the births the server holds for 2026 (the real client).
births() {
	"$PS" status --unit "$1" --period 2026 --json | python3 -c \
	    'import json,sys; print(int(json.load(sys.stdin)["counters"]["births"]))'
}
# login NAME TOKEN: a cookie jar $WORK/NAME.jar holding a session.
login() {
	curl -s -c "$WORK/$1.jar" -o /dev/null --data-urlencode "token=$2" \
	    "$H/login"
}
# form NAME URL: fetch a form page; sets CSRF and KEY from its hidden fields.
form() {
	curl -s -b "$WORK/$1.jar" "$H$2" > "$WORK/form.html"
	CSRF=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$WORK/form.html" | head -n 1)
	KEY=$(sed -n 's/.*name="key" value="\([0-9a-f]*\)".*/\1/p' "$WORK/form.html" | head -n 1)
}
# post NAME PATH DATA [curl options...]: POST a form; CODE and $WORK/page.html.
post() {
	local who=$1 path=$2 data=$3
	shift 3
	CODE=$(curl -s -b "$WORK/$who.jar" -o "$WORK/page.html" -w '%{http_code}' \
	    --data "$data" "$@" "$H$path")
}
page_has() {
	if grep -qF -- "$1" "$WORK/page.html"; then ok_; else
		fail_ "$2: the page lacks '$1'"; fi
}
BIRTH="kind=birth&unit=610328101&sex=M&birth_order=1&policy=Y"

login clerk1 "$CLERK"
login viewer1 "$VIEWER"
login dept1 "$DEPT"
form clerk1 "/entry?kind=birth"
expect_eq "${#CSRF}" 64 "the form carries the session's anti-forgery token"
expect_eq "${#KEY}" 32 "the form carries a server-made key"
if grep -q 'value="610328101001"' "$WORK/form.html" &&
    ! grep -q 'value="610328102"' "$WORK/form.html"; then ok_; else
	fail_ "the unit list is the clerk's subtree"; fi
if grep -q '出生日期\|日期' "$WORK/form.html" && grep -q '孩次' "$WORK/form.html"; then
	ok_; else fail_ "Chinese labels"; fi
curl -s -b "$WORK/clerk1.jar" "$H/entry?kind=birth&lang=en" > "$WORK/page.html"
page_has "Birth order" "English labels with lang=en"
hdr=$(curl -s -D - -o /dev/null --data-urlencode "token=$CLERK" "$H/login")
case $hdr in *HttpOnly*SameSite=Strict*) ok_ ;; *) fail_ "cookie flags: $hdr" ;; esac
hdr=$(curl -s -D - -o /dev/null -b "$WORK/clerk1.jar" "$H/entry?kind=birth")
case $hdr in *"default-src 'none'"*) ok_ ;; *) fail_ "strict CSP on the form page" ;; esac
case $hdr in *script-src*unsafe*) fail_ "CSP allows inline script" ;; *) ok_ ;; esac

# ---------------------------------------------------------------- refusals
post nobody /entry "csrf=$CSRF&key=$KEY&$BIRTH&date=2026-11-20"
expect_eq "$CODE" 302 "no session: sent to the login form"
# The session's token with its last digit changed.
case $CSRF in *0) BAD=${CSRF%?}1 ;; *) BAD=${CSRF%?}0 ;; esac
post clerk1 /entry "csrf=$BAD&key=$KEY&$BIRTH&date=2026-11-20"
expect_eq "$CODE" 403 "wrong anti-forgery token"
post clerk1 /entry "key=$KEY&$BIRTH&date=2026-11-20"
expect_eq "$CODE" 403 "no anti-forgery token"
post clerk1 /entry "csrf=$CSRF&key=$KEY&$BIRTH&date=2026-11-20" \
    -H "Origin: http://evil.example"
expect_eq "$CODE" 403 "foreign Origin"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $CLERK" \
    --data "csrf=$CSRF&key=$KEY&$BIRTH&date=2026-11-20" "$H/entry")
expect_eq "$CODE" 403 "a bearer token cannot write through the forms"
expect_eq "$(births 610328101)" 0 "nothing stored by the refused posts"
form clerk1 "/entry?kind=birth"
post clerk1 /entry "csrf=$CSRF&key=$KEY&kind=birth&unit=610328102&sex=M&birth_order=1&policy=Y&date=2026-11-20"
expect_eq "$CODE" 403 "another township's unit"
page_has "不在本账号" "scope refusal says why, in Chinese"
expect_eq "$(births 610328102)" 0 "nothing stored in the other township"
form viewer1 "/entry?kind=birth"
expect_eq "$(grep -c 'name="key"' "$WORK/form.html")" 0 "no form for a viewer"
VCSRF=$(curl -s -b "$WORK/viewer1.jar" "$H/entry" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n 1)
post viewer1 /entry "csrf=$VCSRF&key=$KEY&$BIRTH&date=2026-11-20"
expect_eq "$CODE" 403 "viewer role refused"
# The same Submit from the viewer through the dispatcher (kind given): the
# role table refuses it too.
post viewer1 /upload "csrf=$VCSRF&key=$KEY"
expect_eq "$CODE" 403 "viewer cannot upload"
expect_eq "$(births 610328101)" 0 "nothing stored by the viewer"
"$PS" -q approve --unit 610328101 --period 2026-10
form clerk1 "/entry?kind=birth"
post clerk1 /entry "csrf=$CSRF&key=$KEY&$BIRTH&date=2026-10-05"
expect_eq "$CODE" 423 "locked period"
page_has "审核锁定" "lock refusal says why, in Chinese"
expect_eq "$(births 610328101)" 0 "nothing stored in the locked period"
# Oversize: refused from its Content-Length, before the body is read.
head -c 3000000 /dev/zero | tr '\0' 'a' > "$WORK/big.csv"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -b "$WORK/clerk1.jar" \
    -F "csrf=$CSRF" -F "key=$KEY" -F "file=@$WORK/big.csv" "$H/upload")
expect_eq "$CODE" 413 "oversize upload"
# A form field error: the page names the field.
post clerk1 /entry "csrf=$CSRF&key=$KEY&$BIRTH&date=2026-13-05"
expect_eq "$CODE" 422 "a bad date is rejected"
page_has 'id="err-date"' "the error is shown at the date field"
expect_eq "$(births 610328101)" 0 "nothing stored for the bad date"
# Several errors at once: each under its own field, with what to write.
post clerk1 /entry "csrf=$CSRF&key=$KEY&kind=birth&unit=610328101&birth_order=1&date=11/20/2026&mother_id=110105194912310021"
expect_eq "$CODE" 422 "a form with four errors is rejected"
for f in date sex policy mother_id; do
	page_has "id=\"err-$f\"" "the $f error is shown at its field"
done
n=$(sed -n 's/.*id="err-date">\([^<]*\)<.*/\1/p' "$WORK/page.html")
case $n in *mother_id*|*sex*) fail_ "the date field shows the other errors: $n" ;;
	*不是日期*) ok_ ;; *) fail_ "the date error: $n" ;; esac
page_has "日在前、两位年份不认" "the date error says how to write a date"
# A Chinese page gives the reason in Chinese (common/reason_zh.h).
post clerk1 /entry "csrf=$CSRF&key=$KEY&$BIRTH&date=2026/11/31"
expect_eq "$CODE" 422 "a day that does not exist is rejected"
page_has "没有这一天" "the entry form's reason is in Chinese"
n=$(grep -c "no such day" "$WORK/page.html")
expect_eq "$n" 0 "no English reason on the Chinese entry form"
post clerk1 /entry "csrf=$CSRF&key=$KEY&$BIRTH&date=2026/11/31&lang=en"
page_has "no such day" "the English page keeps the English reason"

# ---------------------------------------------------------------- idempotency
# The corrected form (same key): stored once.
post clerk1 /entry "csrf=$CSRF&key=$KEY&$BIRTH&date=2026-11-20"
expect_eq "$CODE" 200 "birth stored"
page_has 'class="ok stored"' "the page says stored"
expect_eq "$(births 610328101)" 1 "one birth"
# Back-and-resubmit: the same form posted again.
post clerk1 /entry "csrf=$CSRF&key=$KEY&$BIRTH&date=2026-11-20"
page_has 'class="ok duplicate"' "re-post is a duplicate"
expect_eq "$(births 610328101)" 1 "still one birth after the re-post"
# ... with the record number changed on the old form: still not a second.
post clerk1 /entry "csrf=$CSRF&key=$KEY&$BIRTH&date=2026-11-20&record_id=B-77"
expect_eq "$(births 610328101)" 1 "a changed re-post is no second record"
# Double click: two posts of one new form at once.
form clerk1 "/entry?kind=birth"
pids=
for i in 1 2; do
	curl -s -b "$WORK/clerk1.jar" -o "$WORK/dbl$i.html" \
	    --data "csrf=$CSRF&key=$KEY&$BIRTH&date=2026-11-21" "$H/entry" &
	pids="$pids $!"
done
wait $pids
expect_eq "$(births 610328101)" 2 "a double click stores one record"
n=$(cat "$WORK/dbl1.html" "$WORK/dbl2.html" | grep -c 'class="ok duplicate"')
expect_eq "$n" 1 "one of the two posts is the duplicate"
# Retry after a timeout: the first post's connection is dropped before
# the reply (the client gave up); the record is stored all the same, and
# the retry is its duplicate.
form clerk1 "/entry?kind=birth"
SID=$(awk '$6 == "popstat_session" { print $7 }' "$WORK/clerk1.jar")
python3 - "$HPORT" "$SID" "csrf=$CSRF&key=$KEY&$BIRTH&date=2026-11-22" <<'EOF'
import socket, sys
port, sid, body = int(sys.argv[1]), sys.argv[2], sys.argv[3].encode()
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"POST /entry HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nCookie: popstat_session=%s\r\n"
          b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n"
          % (port, sid.encode(), len(body)) + body)
s.close()
EOF
for _ in $(seq 1 100); do
	[ "$(births 610328101)" = 3 ] && break
	sleep 0.05
done
expect_eq "$(births 610328101)" 3 "the abandoned post was stored"
post clerk1 /entry "csrf=$CSRF&key=$KEY&$BIRTH&date=2026-11-22"
page_has 'class="ok duplicate"' "the retry after a timeout is a duplicate"
expect_eq "$(births 610328101)" 3 "no second record from the retry"
# The township page lists today's entries.
curl -s -b "$WORK/clerk1.jar" "$H/entry" > "$WORK/page.html"
n=$(grep -o 'web-[0-9a-f]*' "$WORK/page.html" | sort -u | wc -l)
expect_eq "$n" 3 "the township page shows the three entries of today"

# Amend and void with a reason, once each.
RID=$(grep -o 'web-[0-9a-f]*' "$WORK/page.html" | head -n 1)
form clerk1 "/amend?kind=birth"
post clerk1 /amend "csrf=$CSRF&key=$KEY&kind=birth&record_id=$RID&unit=610328101&sex=F&birth_order=2&policy=Y&date=2026-11-22&reason=typo"
expect_eq "$CODE" 200 "amend"
page_has "已更正" "amended"
post clerk1 /amend "csrf=$CSRF&key=$KEY&kind=birth&record_id=$RID&unit=610328101&sex=M&birth_order=2&policy=Y&date=2026-11-22&reason=typo"
expect_eq "$CODE" 409 "a re-posted amend form is not applied twice"
form clerk1 /void
post clerk1 /void "csrf=$CSRF&key=$KEY&record_id=$RID&unit=610328101&reason=duplicate+entry"
expect_eq "$CODE" 200 "void"
expect_eq "$(births 610328101)" 2 "the voided birth is gone from the counters"
post clerk1 /void "csrf=$CSRF&key=$KEY&record_id=$RID&unit=610328101&reason=duplicate+entry"
expect_eq "$CODE" 409 "a re-posted void form is answered with its first result"
n=$("$PS" audit --unit 610328101 | grep -c "$RID")
if [ "$n" -ge 2 ]; then ok_; else fail_ "amend and void are in the audit log ($n)"; fi

# The other kinds' forms store through the same path.
for kd in "death&sex=F&age=80" "migration&direction=in&persons=3" \
    "population&persons=20000"; do
	form clerk1 "/entry?kind=${kd%%&*}"
	post clerk1 /entry "csrf=$CSRF&key=$KEY&kind=$kd&unit=610328101&date=2026-11-23"
	expect_eq "$CODE" 200 "a ${kd%%&*} record from its form"
	page_has 'class="ok stored"' "${kd%%&*} stored"
done
run "$PS" status --unit 610328101 --period 2026 --json
case $OUT in *'"deaths": 1'*) ok_ ;; *) fail_ "the death counted: $OUT" ;; esac
case $OUT in *'"mig_in": 3'*) ok_ ;; *) fail_ "the migration counted" ;; esac
# Dekad report: the counts the server holds, filed once.
curl -s -b "$WORK/clerk1.jar" "$H/report?unit=610328101&period=2026-11D2" > "$WORK/form.html"
if grep -q 'id="held-births">1<' "$WORK/form.html"; then ok_; else
	fail_ "the report form shows the 1 birth held in the dekad"; fi
CSRF=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$WORK/form.html" | head -n 1)
KEY=$(sed -n 's/.*name="key" value="\([0-9a-f]*\)".*/\1/p' "$WORK/form.html" | tail -n 1)
post clerk1 /report "csrf=$CSRF&key=$KEY&unit=610328101&period=2026-11D2&births=2&deaths=0&mig_in=0&mig_out=0"
expect_eq "$CODE" 200 "dekad report filed"
run "$PS" report status --parent 610328 --period 2026-11D2 --json
case $OUT in *'"filed": 1'*|*'"filed":1'*) ok_ ;; *) fail_ "report status after filing: $OUT" ;; esac
post clerk1 /report "csrf=$CSRF&key=$KEY&unit=610328101&period=2026-11D2&births=2"
expect_eq "$CODE" 409 "a re-posted report form is not filed again"
form clerk1 /report
post clerk1 /report "csrf=$CSRF&key=$KEY&unit=610328102&period=2026-11D2&births=0"
expect_eq "$CODE" 403 "a report for another township"

# A department's task update.
form dept1 /task
if grep -q '出生登记' "$WORK/form.html"; then ok_; else fail_ "the department sees its task"; fi
post dept1 /task "csrf=$CSRF&key=$KEY&id=1&progress=40&status=doing&note=half+way"
expect_eq "$CODE" 200 "task updated"
run "$PS" task show 1
case $OUT in *40*) ok_ ;; *) fail_ "task progress 40: $OUT" ;; esac

# ---------------------------------------------------------------- upload
python3 - "$WORK/reg.xlsx" <<'EOF'
import sys, openpyxl
wb = openpyxl.Workbook(); ws = wb.active
ws.append(["record_id", "unit", "date", "sex", "birth_order", "policy", "mother_id"])
for i in range(40):
    ws.append(["u%d" % i, "610328101", "2026-13-01" if i in (3, 17) else "2026-11-02",
               "F", 1, "Y", None])
ws.append(["u99", "610328102", "2026-11-02", "F", 1, "Y", None])
wb.save(sys.argv[1])
EOF
form clerk1 /upload
CODE=$(curl -s -b "$WORK/clerk1.jar" -o "$WORK/page.html" -w '%{http_code}' \
    -F "csrf=$CSRF" -F "key=$KEY" -F "file=@$WORK/reg.xlsx" "$H/upload")
expect_eq "$CODE" 200 "upload"
page_has "accepted 38, duplicate 0, rejected 3" "upload summary"
page_has "不在本账号" "the other township's row is rejected, in Chinese"
expect_eq "$(births 610328101)" 40 "38 births more"
curl -s -b "$WORK/clerk1.jar" "$H/upload/rejected?format=csv" > "$WORK/rej.csv"
expect_eq "$(grep -c '^u' "$WORK/rej.csv")" 3 "three rejected rows to download"
if grep -q '^u3,.*line 5: date' "$WORK/rej.csv"; then ok_; else
	fail_ "the rejected row keeps its cells and says line and reason"; fi
curl -s -b "$WORK/clerk1.jar" -o "$WORK/rej.xlsx" "$H/upload/rejected?format=xlsx"
n=$(python3 -c 'import openpyxl,sys; print(openpyxl.load_workbook(sys.argv[1]).active.max_row)' "$WORK/rej.xlsx")
expect_eq "$n" 4 "the rejected rows as xlsx (header and 3 rows)"
# Upload again: every stored row is a duplicate.
form clerk1 /upload
curl -s -b "$WORK/clerk1.jar" -o "$WORK/page.html" \
    -F "csrf=$CSRF" -F "key=$KEY" -F "file=@$WORK/reg.xlsx" "$H/upload"
page_has "accepted 0, duplicate 38, rejected 3" "re-upload: duplicates"
expect_eq "$(births 610328101)" 40 "no record twice"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -b "$WORK/clerk1.jar" \
    -F "key=$KEY" -F "file=@$WORK/reg.xlsx" "$H/upload")
expect_eq "$CODE" 403 "an upload without the anti-forgery token"

# A register as a township keeps it: GB18030 text, Chinese headers (one
# with ideographic spaces around it), a 姓名 column, the dates and values
# of doc/rules.md §13 written the Chinese way.  Read exactly as popstat submit
# reads it.
"$PS" -q unit add 610328101002 东岭村 --parent 610328101 --level village
python3 - "$WORK/reg-gb.csv" <<'EOF'
import sys
rows = ["编号,\u3000单位代码\u3000,出生日期,性别,孩次,是否符合政策,母亲身份证号,姓名",
        "g1,610328101002,2026年11月5日,男,1,是,,张三",
        "g2,610328101002,2026/11/6,女,2,否,,李四",
        "g3,610328101002,2026.11.7,女,1,是,,王五",
        "g4,610328101002,20261108,男,1,符合,,赵六",
        "g5,610328101002,11/09/2026,男,1,是,,孙七",
        "g6,610328101002,2026-11-10,男,1,是,110105194912310021,周八",
        ",,,,,,,",
        "g7,610328101002,2026-11-11,女,1,是,,吴九"]
open(sys.argv[1], "wb").write(("\r\n".join(rows) + "\r\n").encode("gb18030"))
EOF
form clerk1 /upload
CODE=$(curl -s -b "$WORK/clerk1.jar" -o "$WORK/page.html" -w '%{http_code}' \
    -F "csrf=$CSRF" -F "key=$KEY" -F "file=@$WORK/reg-gb.csv" "$H/upload")
expect_eq "$CODE" 422 "a 姓名 column without 'ignore unknown' is refused"
page_has "姓名" "the refusal names the unknown header"
expect_eq "$(births 610328101002)" 0 "nothing stored from the refused header"
form clerk1 /upload
CODE=$(curl -s -b "$WORK/clerk1.jar" -o "$WORK/page.html" -w '%{http_code}' \
    -F "csrf=$CSRF" -F "key=$KEY" -F "ignore_unknown=1" \
    -F "file=@$WORK/reg-gb.csv" "$H/upload")
expect_eq "$CODE" 200 "the GB18030 register with Chinese headers"
page_has "GB18030" "read as GB18030"
page_has "accepted 5, duplicate 0, rejected 2" "GB18030 upload summary"
page_has "（空行已跳过）" "the empty row is skipped, not rejected"
expect_eq "$(births 610328101002)" 5 "five births stored from the GB18030 file"
expect_eq "$(grep -c '<td class="n">6</td><td>出生日期 (date)' "$WORK/page.html")" 1 \
    "line 6: the day-first date is refused, not guessed"
expect_eq "$(grep -c '<td class="n">7</td><td>母亲身份证号 (mother_id)' "$WORK/page.html")" 1 \
    "line 7: the bad ID is refused by its column"
# A workbook with Chinese headers, Excel date cells, 是/否, and a mother_id
# that Excel stored as a number (its last digits lost); one header named
# through the mapping field, like --map.
python3 - "$WORK/reg-zh.xlsx" <<'EOF'
import sys, datetime, openpyxl
wb = openpyxl.Workbook(); ws = wb.active
ws.append(["出生证号", "单位", "出生日期", "性别", "孩次", "政策", "母亲身份证号"])
for i in range(6):
    ws.append(["x%d" % i, "610328101002", datetime.datetime(2026, 11, 12 + i),
               "女" if i % 2 else "男", 1, "是" if i < 4 else "否", None])
ws.append(["x9", "610328101002", datetime.datetime(2026, 11, 20), "男", 1, "是",
           610328199001011000])
wb.save(sys.argv[1])
EOF
form clerk1 /upload
curl -s -b "$WORK/clerk1.jar" -o "$WORK/page.html" -F "csrf=$CSRF" \
    -F "key=$KEY" -F "map=出生证号=record_id" -F "file=@$WORK/reg-zh.xlsx" \
    "$H/upload"
page_has "accepted 6, duplicate 0, rejected 1" "xlsx with Chinese headers and date cells"
page_has "设为“文本”格式" "the damaged ID says what to change"
expect_eq "$(births 610328101002)" 11 "six births more from the workbook"
n=$("$PS" status --unit 610328101002 --period 2026-11-12..2026-11-17 --json |
    python3 -c 'import json,sys; print(int(json.load(sys.stdin)["counters"]["births"]))')
expect_eq "$n" 6 "the Excel date cells are the days 12-17 November"
# A mapping line that names no column is refused with the reason.
form clerk1 /upload
CODE=$(curl -s -b "$WORK/clerk1.jar" -o "$WORK/page.html" -w '%{http_code}' \
    -F "csrf=$CSRF" -F "key=$KEY" -F "map=出生证号=certificate" \
    -F "file=@$WORK/reg-zh.xlsx" "$H/upload")
expect_eq "$CODE" 422 "a bad mapping line is refused"
page_has "certificate" "the refusal names the bad mapping"

# 50,000 rows: stored in 50 batches.
python3 - "$WORK/50k.xlsx" <<'EOF'
import sys, openpyxl
wb = openpyxl.Workbook(write_only=True); ws = wb.create_sheet()
ws.append(["record_id", "unit", "date", "sex", "birth_order", "policy", "mother_id"])
for i in range(50000):
    ws.append(["big%d" % i, "610328101001", "2026-11-03", "F", 1, "Y", None])
wb.save(sys.argv[1])
EOF
form clerk1 /upload
curl -s -b "$WORK/clerk1.jar" -o "$WORK/page.html" \
    -F "csrf=$CSRF" -F "key=$KEY" -F "file=@$WORK/50k.xlsx" "$H/upload"
page_has "accepted 50000, duplicate 0, rejected 0" "a 50,000-row upload"
expect_eq "$(grep -c '<li>' "$WORK/page.html")" 50 "in 50 batches"
expect_eq "$(births 610328101001)" 50000 "50,000 births in the village"
# The same file, the connection dropped once the first batch is shown: what
# was stored stays, /upload says how far it got, and uploading it again
# completes it (the rows already there are duplicates).
form clerk1 /upload
SID=$(awk '$6 == "popstat_session" { print $7 }' "$WORK/clerk1.jar")
python3 - "$HPORT" "$SID" "$CSRF" "$KEY" "$WORK/50k.xlsx" <<'EOF'
import socket, sys
port, sid, csrf, key, path = sys.argv[1:6]
data = open(path, "rb").read()
b = b"----popstat-test-boundary"
body = (b"--" + b + b'\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n' + csrf.encode() +
        b"\r\n--" + b + b'\r\nContent-Disposition: form-data; name="key"\r\n\r\n' + key.encode() +
        b"\r\n--" + b + b'\r\nContent-Disposition: form-data; name="file"; filename="50k.xlsx"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n--" + b + b"--\r\n")
s = socket.create_connection(("127.0.0.1", int(port)))
s.sendall(b"POST /upload HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nCookie: popstat_session=%s\r\n"
          b"Content-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\n\r\n"
          % (port.encode(), sid.encode(), b, len(body)) + body)
got = b""
while b"</li>" not in got:
    chunk = s.recv(65536)
    if not chunk:
        break
    got += chunk
s.close()
EOF
for _ in $(seq 1 200); do
	curl -s -b "$WORK/clerk1.jar" "$H/upload" > "$WORK/page.html"
	grep -q 'id="up-state">正在处理' "$WORK/page.html" || break
	sleep 0.05
done
dup=$(sed -n 's/.*id="up-counts">.*重复 \([0-9]*\) .*/\1/p' "$WORK/page.html")
expect_eq "$(births 610328101001)" 50000 "the dropped upload added nothing twice"
if grep -q 'id="up-state">中途停止' "$WORK/page.html"; then
	page_has 'id="up-cut"' "the cut-off upload says how far it got"
	echo "test_web: the dropped upload stopped after $dup duplicates"
else
	expect_eq "$dup" 50000 "the upload that outran the drop saw 50,000 duplicates"
fi
form clerk1 /upload
curl -s -b "$WORK/clerk1.jar" -o "$WORK/page.html" \
    -F "csrf=$CSRF" -F "key=$KEY" -F "file=@$WORK/50k.xlsx" "$H/upload"
page_has "accepted 0, duplicate 50000, rejected 0" "uploading it again is safe"

# ---------------------------------------------------------------- restart
# What the clerk did today comes from the database: after a restart the
# township page still lists it; the rejected rows (kept in memory) are
# gone, and the download says what to do.  The restarted server keeps at
# most 2000 bytes of rejected rows an account (POPSTATD_TEST_REJ_BYTES).
stop_server
export POPSTATD_TEST_REJ_BYTES=2000
start_server --http 127.0.0.1:"$HPORT" --http-max-upload 2000000
unset POPSTATD_TEST_REJ_BYTES
wait_port "$HPORT"
login clerk1 "$CLERK"
curl -s -b "$WORK/clerk1.jar" "$H/entry" > "$WORK/page.html"
n=$(grep -o 'web-[0-9a-f]*' "$WORK/page.html" | sort -u | wc -l)
expect_eq "$n" 6 "after a restart the township page still lists the six entries"
page_has "50000 条 · 第 2-50001 行" "and the 50,000-row upload as one line"
page_has "6 条 · 第 2-7 行" "and the workbook upload"
page_has "更正" "and the amendment"
CODE=$(curl -s -b "$WORK/clerk1.jar" -o "$WORK/page.html" -w '%{http_code}' \
    "$H/upload/rejected?format=csv")
expect_eq "$CODE" 404 "no rejected rows kept over a restart"
page_has "重新上传" "the download page says to upload the file again"
# 100 rejected rows: all counted, the download cut at the cap, and the page
# says so.
{
	echo "record_id,unit,date,sex,birth_order,policy,mother_id"
	for i in $(seq 1 100); do echo "cap$i,610328101002,2026-13-01,F,1,Y,"; done
} > "$WORK/cap.csv"
form clerk1 /upload
curl -s -b "$WORK/clerk1.jar" -o "$WORK/page.html" -F "csrf=$CSRF" \
    -F "key=$KEY" -F "file=@$WORK/cap.csv" "$H/upload"
page_has "accepted 0, duplicate 0, rejected 100" "every rejected row is counted"
page_has 'id="up-truncated"' "the page says the download is cut short"
curl -s -b "$WORK/clerk1.jar" "$H/upload/rejected?format=csv" > "$WORK/rej.csv"
n=$(grep -c '^cap' "$WORK/rej.csv")
if [ "$n" -ge 1 ] && [ "$n" -lt 100 ]; then ok_; else
	fail_ "the download holds some, not all, of the 100 rows: $n"; fi
# A bad check character, uploaded from the Chinese page: the reason is Chinese.
{
	echo "record_id,unit,date,sex,birth_order,policy,mother_id"
	echo "chk1,610328101002,2026-11-03,F,1,Y,110105194912310021"
} > "$WORK/chk.csv"
form clerk1 /upload
curl -s -b "$WORK/clerk1.jar" -o "$WORK/page.html" -F "csrf=$CSRF" \
    -F "key=$KEY" -F "file=@$WORK/chk.csv" "$H/upload"
page_has "accepted 0, duplicate 0, rejected 1" "the bad check character is rejected"
page_has "校验码（最后一位）应为" "the upload table gives the reason in Chinese"
n=$(grep -c "check character should be" "$WORK/page.html")
expect_eq "$n" 0 "no English reason in the Chinese upload table"
login viewer1 "$VIEWER"
curl -s -b "$WORK/viewer1.jar" "$H/entry" > "$WORK/page.html"
if grep -q 'web-' "$WORK/page.html"; then
	fail_ "another account's entries on the viewer's page"; else ok_; fi

stop_server

# ---------------------------------------------------------------- transport
# Plain HTTP on a network address: the form pages are refused.
HPORT=$(free_port)
start_server --http 0.0.0.0:"$HPORT"
H=http://127.0.0.1:$HPORT
wait_port "$HPORT"
login clerk1 "$CLERK"
CODE=$(curl -s -o "$WORK/page.html" -w '%{http_code}' -b "$WORK/clerk1.jar" "$H/entry?kind=birth")
expect_eq "$CODE" 403 "entry over plain HTTP on a network address"
page_has "HTTPS" "the refusal names HTTPS"
stop_server
# HTTPS served by popstatd itself.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$WORK/h-key.pem" -out "$WORK/h-cert.pem" -days 2 -subj /CN=localhost \
    -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
HPORT=$(free_port)
start_server --http 0.0.0.0:"$HPORT" --http-tls-cert "$WORK/h-cert.pem" \
    --http-tls-key "$WORK/h-key.pem"
H=https://127.0.0.1:$HPORT
wait_port "$HPORT"
hdr=$(curl -s -D - -o /dev/null --cacert "$WORK/h-cert.pem" \
    --data-urlencode "token=$CLERK" "$H/login")
case $hdr in *Secure*) ok_ ;; *) fail_ "the HTTPS cookie is Secure: $hdr" ;; esac
curl -s --cacert "$WORK/h-cert.pem" -c "$WORK/tls.jar" -o /dev/null \
    --data-urlencode "token=$CLERK" "$H/login"
CODE=$(curl -s --cacert "$WORK/h-cert.pem" -b "$WORK/tls.jar" -o "$WORK/form.html" \
    -w '%{http_code}' "$H/entry?kind=birth")
expect_eq "$CODE" 200 "entry over HTTPS on a network address"
CSRF=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$WORK/form.html" | head -n 1)
KEY=$(sed -n 's/.*name="key" value="\([0-9a-f]*\)".*/\1/p' "$WORK/form.html" | head -n 1)
CODE=$(curl -s --cacert "$WORK/h-cert.pem" -b "$WORK/tls.jar" -o "$WORK/page.html" \
    -w '%{http_code}' --data "csrf=$CSRF&key=$KEY&$BIRTH&date=2026-11-25" "$H/entry")
expect_eq "$CODE" 200 "a birth stored over HTTPS"
expect_eq "$(births 610328101)" 50052 "the HTTPS birth counted (the villages' 50,011 included)"
CODE=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HPORT/")
if [ "$CODE" != 200 ]; then ok_; else fail_ "plain HTTP on the HTTPS port"; fi
finish
