#!/usr/bin/env bash
# Read access as circulation requires (doc/rules.md §10): a township
# clerk reads its county's ranking, status and bulletins, its siblings'
# aggregate status and the rankings and bulletins of every unit above it,
# over the protocol (the real popstat) and on the dashboard (HTTP); never a
# sibling's record-level data (verification lists, record ids, the audit
# log), its tasks, locks or inspection, its subtree's writes, nor another
# county's tables.  Each refusal is checked for its words, and what a clerk
# reads is checked equal to what the admin reads.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
need_curl
HPORT=$(free_port)
start_server --http 127.0.0.1:"$HPORT"
H=http://127.0.0.1:$HPORT

# The tree: a city with counties C and D; E under no city.
#   3607 赣州市 ─┬─ 360732 兴国县 C ─┬─ 360732101 潋江镇 A
#                │                   └─ 360732102 长冈乡 B ── 360732102001 B1
#                └─ 360733 于都县 D ──── 360733101 贡江镇 D1
#   361000 抚州县 E ── 361000101 E1
C=360732 A=360732101 B=360732102 B1=360732102001 D=360733 D1=360733101
E=361000 E1=361000101
"$PS" -q unit add 3607 赣州市 --level city
"$PS" -q unit add $C 兴国县 --parent 3607 --level county
"$PS" -q unit add $A 潋江镇 --parent $C --level township
"$PS" -q unit add $B 长冈乡 --parent $C --level township
"$PS" -q unit add $B1 长冈村 --parent $B --level village
"$PS" -q unit add $D 于都县 --parent 3607 --level county
"$PS" -q unit add $D1 贡江镇 --parent $D --level township
"$PS" -q unit add $E 抚州县 --level county
"$PS" -q unit add $E1 抚州镇 --parent $E --level township
"$PS" -q dept add WJW 卫健委
F=$WORK/f
mkdir -p "$F"
{
	echo "record_id,unit,date,persons"
	echo "PA,$A,2025-12-31,12000"
	echo "PB,$B,2025-12-31,9000"
	echo "PB1,$B1,2025-12-31,1000"
	echo "PD1,$D1,2025-12-31,15000"
	echo "PE1,$E1,2025-12-31,8000"
} > "$F/pop.csv"
{
	echo "record_id,unit,date,sex,birth_order,policy,mother_id"
	for m in 01 02 03 04 05 06 07 08 09 10; do
		echo "BA-$m,$A,2026-$m-05,M,1,Y,MA$m"
		echo "BB-$m,$B,2026-$m-07,F,2,Y,MB$m"
		echo "BD-$m,$D1,2026-$m-09,M,3,N,MD$m"
		echo "BE-$m,$E1,2026-$m-11,F,1,Y,ME$m"
	done
	# One mother registered in A and in B: a double registration.
	echo "BB-DUP,$B,2026-10-08,M,1,Y,MA10"
	echo "BB1-1,$B1,2026-06-01,F,1,Y,MB1X"
} > "$F/births.csv"
{
	echo "record_id,unit,date,mother_id"
	echo "VB-1,$B,2026-09-20,NEVERREPORTED"
} > "$F/verif.csv"
expect_rc 0 "population" "$PS" submit "$F/pop.csv"
expect_rc 0 "births" "$PS" submit "$F/births.csv"
expect_rc 0 "verification in B" "$PS" submit "$F/verif.csv"
expect_rc 0 "task of B" "$PS" task add --title TASK-OF-B --owner $B --due 2026-10-20
expect_rc 0 "lock on B" "$PS" approve --unit $B --period 2026Q1
expect_rc 0 "publish C's October bulletin" "$PS" bulletin publish --parent $C --period 2026-10
CLERK=$("$PS" user add clerkA --role clerk --unit $A)
CLERKB=$("$PS" user add clerkB --role clerk --unit $B)
VIEWER=$("$PS" user add viewer1 --role viewer)
DEPT=$("$PS" user add wjw1 --role department --dept WJW)
AS_A=(env POPSTAT_TOKEN="$CLERK" "$PS")

# same_as_admin DESC ARGS...: the clerk's stdout equals the admin's.
same_as_admin() {
	local desc=$1 mine; shift
	expect_rc 0 "clerk A: $desc" "${AS_A[@]}" "$@"
	mine=$OUT
	run "$PS" "$@"
	expect_eq "$mine" "$OUT" "clerk A reads the same $desc as the admin"
}
# refused DESC WORDS ARGS...: clerk A is refused, and the message says why.
refused() {
	local desc=$1 words=$2; shift 2
	expect_rc 3 "clerk A refused: $desc" "${AS_A[@]}" "$@"
	expect_err "$words" "the refusal of $desc says why"
}

# ============================================= protocol: what circulates
same_as_admin "the county's ranking" ranking --parent $C --period 2026 --json
expect_eq "$(json '",".join(r["unit"] for r in j["rows"])')" "$A,$B" "the county ranks A and B"
expect_eq "$(json 'all(r["score"] is not None for r in j["rows"])')" True "with scores"
same_as_admin "the county's ranking table" ranking --parent $C --period 2026
same_as_admin "the county's status" status --unit $C --period 2026 --json
same_as_admin "sibling B's status" status --unit $B --period 2026 --json
expect_eq "$(json 'j["counters"]["births"]')" 12 "B's births (with its village) are B's aggregate"
same_as_admin "the county's draft bulletin" bulletin --parent $C --period 2026-11 --lang en
same_as_admin "the county's published bulletin" bulletin show --parent $C --period 2026-10 --lang zh
expect_out "长冈乡" "the bulletin lists sibling B"
same_as_admin "the county's bulletin diff" bulletin diff --parent $C --period 2026-10
same_as_admin "the county's dekad reporting" report status --parent $C --period 2026-10 --json
same_as_admin "the county's early warning" warning --parent $C --json
same_as_admin "the city's ranking (it covers A too)" ranking --parent 3607 --period 2026 --json
expect_eq "$(json '",".join(r["unit"] for r in j["rows"])' | tr ',' '\n' | sort | paste -sd, -)" "$C,$D" "the city ranks counties C and D"
same_as_admin "county D's status (a row of the city's ranking)" status --unit $D --period 2026 --json
same_as_admin "the city's bulletin" bulletin --parent 3607 --period 2026-10 --lang en
same_as_admin "the county's export" export --parent $C --period 2026 --format json

# Data quality is circulated without record ids that are not the clerk's.
expect_rc 0 "clerk A: the county's quality" "${AS_A[@]}" quality --parent $C --period 2026 --json
dup='[f for f in j["flags"] if f["check"] == "double_registration"]'
expect_eq "$(json "len($dup)")" 1 "clerk A sees the double registration"
expect_eq "$(json "$dup[0]['detail']['record_ids']")" None "but not B's record id"
expect_no_out "BB-DUP" "B's record id is nowhere in the clerk's reply"
expect_rc 0 "clerk A: the county's quality table" "${AS_A[@]}" quality --parent $C --period 2026 --lang en
expect_out "Record ids are shown only to users who may read both units' records" "the table says ids were withheld"
expect_no_out "BB-DUP" "nor in the table"
expect_rc 0 "admin: the county's quality" "$PS" quality --parent $C --period 2026 --json
expect_out "BB-DUP" "the admin sees the record ids"

# ============================================= protocol: what does not
refused "B's verification list" "record-level data" verify-report --unit $B --period 2026
refused "B's verification list" "outside your scope ($A)" verify-report --unit $B --period 2026
refused "B's audit log" "record-level data" audit --unit $B
refused "the county's audit log" "record-level data" audit --unit $C
refused "the county's verification list" "record-level data" verify-report --unit $C --period 2026
refused "B's tasks" "outside your scope" task list --owner $B
refused "B's locks" "tasks, locks and inspection" lock list --unit $B
refused "the county's inspection" "tasks, locks and inspection" inspection --parent $C --period 2026-11D1
refused "B's own ranking" "rankings, bulletins" ranking --parent $B --period 2026
refused "B's own bulletin" "rankings, bulletins" bulletin --parent $B --period 2026-10
refused "B's village's status" "outside your scope" status --unit $B1 --period 2026
refused "B's dekad reporting" "rankings, bulletins and reporting" report status --parent $B --period 2026-10
refused "B's quality" "rankings, bulletins" quality --parent $B --period 2026
refused "county D's ranking" "rankings, bulletins" ranking --parent $D --period 2026
refused "county D's bulletin" "rankings, bulletins" bulletin --parent $D --period 2026-10
refused "D's township's status" "outside your scope" status --unit $D1 --period 2026
refused "county E's ranking" "outside your scope" ranking --parent $E --period 2026
refused "county E's status" "the units their rankings list" status --unit $E --period 2026
refused "county E's bulletin" "outside your scope" bulletin show --parent $E --period 2026-10
refused "county E's warning" "outside your scope" warning --parent $E
refused "the export below B" "outside your scope" export --parent $C --period 2026 --format json --subtree
# The audit log without --unit: only A's own entries.
expect_rc 0 "clerk A: its audit log" "${AS_A[@]}" audit --json
expect_eq "$(json 'sorted(set(e.get("unit") or "-" for e in j))')" "['$A']" "clerk A's audit lists A only"

# Writes in B's subtree: refused, nothing stored.
refused "filing B's dekad report" "outside your scope" report file --unit $B --period 2026-11D1
refused "voiding B's record" "outside your scope" void BB-01 --unit $B --reason "not mine"
printf 'record_id,unit,date,sex,birth_order,policy,mother_id\nXB-1,%s,2026-11-02,M,1,Y,MX1\nXB1-1,%s,2026-11-02,M,1,Y,MX2\n' $B $B1 > "$F/foreign.csv"
expect_rc 1 "clerk A: births for B and B1" "${AS_A[@]}" submit "$F/foreign.csv"
expect_out "line 2: unit: unit $B is outside your scope ($A)" "B's row refused, saying why"
expect_out "line 3: unit: unit $B1 is outside your scope ($A)" "B1's row refused, saying why"
printf 'record_id,unit,date,sex,birth_order,policy,mother_id\nBB-01,%s,2026-01-07,M,2,Y,MB01\n' $B > "$F/amendB.csv"
expect_rc 1 "clerk A: amend B's record" "${AS_A[@]}" amend "$F/amendB.csv" --reason "not mine"
expect_out "outside your scope" "the amend says why"
expect_eq "$(sql "select count(*) from records r join units u on u.id = r.unit_id where u.code in ('$B', '$B1') and r.record_id like 'X%'")" 0 "nothing stored in B"
expect_eq "$(sql "select count(*) from audit where user = 'clerkA'")" 0 "and nothing audited for clerk A"

# Clerk B, the other way round: A's record ids stay A's.
expect_rc 3 "clerk B refused A's verification list" env POPSTAT_TOKEN="$CLERKB" "$PS" verify-report --unit $A --period 2026
expect_err "record-level data" "clerk B's refusal says why"
expect_rc 0 "clerk B reads the county's ranking" env POPSTAT_TOKEN="$CLERKB" "$PS" ranking --parent $C --period 2026 --json

# Viewer and department: aggregates everywhere, nothing record-level.
for who in viewer department; do
	[ $who = viewer ] && T=$VIEWER || T=$DEPT
	expect_rc 0 "$who: county E's ranking" env POPSTAT_TOKEN="$T" "$PS" ranking --parent $E --period 2026 --json
	expect_rc 0 "$who: B's village's status" env POPSTAT_TOKEN="$T" "$PS" status --unit $B1 --period 2026 --json
	expect_rc 0 "$who: the county's bulletin" env POPSTAT_TOKEN="$T" "$PS" bulletin show --parent $C --period 2026-10
	expect_rc 3 "$who: B's verification list refused" env POPSTAT_TOKEN="$T" "$PS" verify-report --unit $B --period 2026
	expect_err "not allowed for role $who" "$who: the refusal names the role"
	expect_rc 0 "$who: the county's quality" env POPSTAT_TOKEN="$T" "$PS" quality --parent $C --period 2026 --json
	expect_no_out "BB-DUP" "$who: no record id"
done
expect_rc 0 "department: the county's inspection" env POPSTAT_TOKEN="$DEPT" "$PS" inspection --parent $C --period 2026-11D1 --json
expect_no_out "BB-DUP" "department: the inspection holds no record id"

# ============================================= dashboard (HTTP)
hreq() {
	local path=$1; shift
	CODE=$(curl -s -o "$WORK/body" -w '%{http_code}' --max-time 20 "$@" "$H$path")
}
# page WANT DESC PATH: clerk A (bearer) gets HTTP WANT.
page() {
	hreq "$3" -H "Authorization: Bearer $CLERK"
	if [ "$CODE" = "$1" ]; then ok_; else
		fail_ "$2: HTTP $CODE, expected $1; body: $(head -c 300 "$WORK/body")"; fi
}
body_has() {
	if grep -qF -- "$1" "$WORK/body"; then ok_; else
		fail_ "$2: body lacks '$1'"; fi
}
body_lacks() {
	if grep -qF -- "$1" "$WORK/body"; then fail_ "$2: body has '$1'"; else ok_; fi
}
page 200 "the home page" "/"
body_has 'href="/ranking"' "the 排名 link is shown"
page 200 "the 排名 link: the county's ranking" "/ranking"
body_has "兴国县 · 下属单位排名" "it is the county's ranking"
body_has 'id="ranking"' "with the ranking table"
body_has "长冈乡" "listing sibling B"
body_has "href=\"/unit?unit=$B&amp;" "B's status is linked"
body_lacks "href=\"/ranking?parent=$B&amp;" "B's own ranking is not linked"
body_has 'id="warning-strip"' "with the county's early warning"
page 200 "the county's ranking, named" "/ranking?parent=$C&period=2026"
page 200 "the city's ranking" "/ranking?parent=3607&period=2026"
page 200 "the county's status page" "/unit?unit=$C&period=2026"
body_lacks 'id="missed"' "no record-level list on the county's page"
body_has "href=\"/ranking?parent=$C&amp;" "the county page links its ranking"
page 200 "sibling B's status page" "/unit?unit=$B&period=2026"
body_has 'id="indicators"' "B's indicators (aggregate)"
body_lacks 'id="missed"' "B's births found by inspection are not shown"
body_lacks "VB-1" "nor B's record id"
body_lacks "href=\"/ranking?parent=$B&amp;" "no link to B's own ranking"
hreq "/unit?unit=$B&period=2026" -H "Authorization: Bearer $ADMIN"
body_has 'id="missed"' "the admin's page of B lists B's missed births"
body_has "VB-1" "with the record id"
page 200 "A's own status page" "/unit?unit=$A&period=2026"
body_has "核查发现的漏报出生" "A's own record-level section is shown"
page 200 "B's status page, again" "/unit?unit=$B&period=2026"
body_lacks "核查发现的漏报出生" "B's record-level section is not"
page 200 "the bulletins (the county's)" "/bulletins"
body_has "兴国县 · 月通报" "the list is the county's"
page 200 "the county's bulletins" "/bulletins?parent=$C"
page 200 "the city's bulletins" "/bulletins?parent=3607"
page 200 "the county's published bulletin" "/bulletin?parent=$C&period=2026-10"
body_has 'article class="bulletin"' "the bulletin text"
body_has "长冈乡" "listing B"
page 200 "the bulletin, by default the county's" "/bulletin?period=2026-10"
body_has "兴国县" "the county's"
page 403 "B's own ranking" "/ranking?parent=$B&period=2026"
body_has "outside your scope" "the page says why"
page 403 "B's village" "/unit?unit=$B1&period=2026"
body_has "outside your scope" "the page says why"
page 403 "county D's ranking" "/ranking?parent=$D&period=2026"
body_has "outside your scope" "the page says why"
page 403 "county D's bulletins" "/bulletins?parent=$D"
body_has "不在您的传阅范围内" "the page says why"
page 403 "county D's bulletin" "/bulletin?parent=$D&period=2026-10"
body_has "outside your scope" "the page says why"
page 403 "county E's ranking" "/ranking?parent=$E&period=2026"
page 403 "county E's township" "/unit?unit=$E1&period=2026"
body_has "outside your scope" "the page says why"
page 403 "B's verification list (API)" "/api/verify-report?unit=$B&period=2026"
body_has "record-level data" "the API error says why"
page 200 "the county's ranking (API)" "/api/ranking?parent=$C&period=2026"
cp "$WORK/body" "$WORK/clerk-ranking.json"
hreq "/api/ranking?parent=$C&period=2026" -H "Authorization: Bearer $ADMIN"
if cmp -s "$WORK/body" "$WORK/clerk-ranking.json"; then ok_; else
	fail_ "the county's ranking: the clerk's API reply differs from the admin's"; fi
run "$PS" ranking --parent $C --period 2026 --json
expect_eq "$(cat "$WORK/clerk-ranking.json")" "$OUT" "and equals the admin's ranking --json"
page 200 "B's status (API)" "/api/status?unit=$B&period=2026"
cp "$WORK/body" "$WORK/clerk-status.json"
run "$PS" status --unit $B --period 2026 --json
expect_eq "$(cat "$WORK/clerk-status.json")" "$OUT" "B's status: the clerk's API equals the admin's --json"
# The form pages need a login session.
curl -s -c "$WORK/a.jar" -o /dev/null --data-urlencode "token=$CLERK" "$H/login"
hreq "/ranking" -b "$WORK/a.jar"
expect_eq "$CODE" 200 "logged in: the 排名 link opens the county's ranking"
body_has "兴国县 · 下属单位排名" "the county's, for the session as for the bearer"
hreq "/ranking?parent=$D&period=2026&lang=en" -b "$WORK/a.jar"
expect_eq "$CODE" 403 "logged in: county D's ranking refused"
body_has "outside your scope ($A): you read the rankings, bulletins and reporting" "the page says why"
hreq "/report?unit=$B&period=2026-11D1&lang=en" -b "$WORK/a.jar"
expect_eq "$CODE" 200 "the report form page for B"
body_has "is outside your scope" "the form page says why"
body_lacks 'id="report"' "and offers no filing form for B"
body_lacks 'id="held"' "nor B's held counts as a form"
hreq "/report?unit=$A&period=2026-11D1" -b "$WORK/a.jar"
expect_eq "$CODE" 200 "the report form page for A"
body_has 'id="report"' "A's own form is offered"
finish
