#!/usr/bin/env bash
# The bulletin's document head and its corrections (doc/indicators.md §14,
# Print; issue 18 item 4): --office, else the server's bulletin_office,
# else the default office; --doc-no; both frozen when published; a
# published bulletin re-issued as numbered corrections (更正) by an admin
# only, the original unchanged byte for byte; the dashboard lists every
# version and serves each as a printable page.
TODAY=2026-12-10
. "$(dirname "$0")/lib.sh" "${1:-bin}"
. "$(dirname "$0")/print_lib.sh"

# ---- office: --office, else bulletin_office, else the default -----------
cap "$F/def.html" "default office" "$PS" bulletin --period 2026-11 --format html
expect_eq "$(grep -c '<div class="office">崇义县人口和计划生育领导小组办公室</div>' "$F/def.html")" 1 "default office"
expect_eq "$(grep -c 'class="docno"' "$F/def.html")" 0 "no number unless given"
stop_server
printf 'bulletin_office = 崇义县人口和计划生育局\n' >"$F/conf"
start_server --config "$F/conf"
cap "$F/set.html" "office from the setting" "$PS" bulletin --period 2026-11 --format html
expect_eq "$(grep -c '<div class="office">崇义县人口和计划生育局</div>' "$F/set.html")" 1 "bulletin_office setting"
cap "$F/set.txt" "txt with the setting" "$PS" bulletin --period 2026-11
expect_eq "$(grep -c '^崇义县人口和计划生育局　2026年12月4日$' "$F/set.txt")" 1 "setting signs the text too"
cap "$F/flag.html" "--office over the setting" "$PS" bulletin --period 2026-11 --format html --office "$OFFICE"
expect_eq "$(grep -c "<div class=\"office\">$OFFICE</div>" "$F/flag.html")" 1 "--office wins over the setting"
# SIGHUP re-reads it (the hyphenated spelling works as well).
printf 'bulletin-office = 崇义县卫生健康委员会\n' >"$F/conf"
kill -HUP "$SERVER_PID"
for i in $(seq 1 100); do grep -q 'configuration reloaded' "$WORK/server.log" && break; sleep 0.05; done
cap "$F/hup.html" "office after SIGHUP" "$PS" bulletin --period 2026-11 --format html
expect_eq "$(grep -c '<div class="office">崇义县卫生健康委员会</div>' "$F/hup.html")" 1 "bulletin-office reloaded by SIGHUP"
printf 'bulletin_office = 崇义县人口和计划生育局\n' >"$F/conf"
kill -HUP "$SERVER_PID"
for i in $(seq 1 100); do [ "$(grep -c 'configuration reloaded' "$WORK/server.log")" -ge 2 ] && break; sleep 0.05; done
expect_rc 1 "empty --office refused" "$PS" bulletin --period 2026-11 --office ""
expect_err "--office" "empty office named"
expect_rc 1 "a 200-character number refused" "$PS" bulletin --period 2026-11 \
	--doc-no "$(printf '号%.0s' $(seq 1 200))"
expect_rc 2 "show takes no --doc-no" "$PS" bulletin show --period 2026-11 --doc-no X

# ---- published: office and number frozen --------------------------------
expect_rc 3 "viewer cannot publish" "$PS" --token "$VIEWER" bulletin publish --period 2026-11 --doc-no "$DOCNO"
expect_rc 1 "correction of an unpublished bulletin refused" "$PS" bulletin publish --period 2026-11 --correction
expect_err "only a published bulletin is corrected" "says why"
expect_rc 0 "publish with a number" "$PS" bulletin publish --period 2026-11 --doc-no "$DOCNO"
for fmt in html txt md; do
	cap "$F/pub.$fmt" "show $fmt" "$PS" bulletin show --period 2026-11 --format $fmt
done
expect_eq "$(grep -c "<div class=\"docno\">$DOCNO</div>" "$F/pub.html")" 1 "number frozen in the html"
expect_eq "$(grep -c '<div class="office">崇义县人口和计划生育局</div>' "$F/pub.html")" 1 "the setting's office frozen"
expect_eq "$(head -n 3 "$F/pub.txt" | tr '\n' '|')" "崇义县人口和计划生育局||$DOCNO|" "txt names office and number"
# The setting changes; the published bulletin does not.
stop_server
start_server
cap "$F/pub2.html" "show after the setting is gone" "$PS" bulletin show --period 2026-11 --format html
expect_eq "$(cmp -s "$F/pub.html" "$F/pub2.html" && echo same)" same "published office does not follow the setting"

# ---- 更正: a numbered correction; the original stays ----------------------
# New data after publication: a late birth in township 1.
printf 'record_id,unit,date,sex,birth_order,policy,mother_id\nLATE-1,361101001,2026-11-20,F,1,Y,MLATE\n' >"$F/late.csv"
expect_rc 0 "a late birth" "$PS" submit "$F/late.csv"
expect_rc 3 "clerk cannot correct" "$PS" --token "$CLERK" bulletin publish --period 2026-11 --correction
expect_rc 3 "viewer cannot correct" "$PS" --token "$VIEWER" bulletin publish --period 2026-11 --correction
expect_rc 1 "publish again without --correction refused" "$PS" bulletin publish --period 2026-11
expect_err "--correction" "the refusal names --correction"
expect_rc 0 "correction 1" "$PS" bulletin publish --period 2026-11 --correction --doc-no "崇卫〔2026〕15号"
expect_out "correction 1 published" "ack names the correction"
expect_rc 0 "correction 2" "$PS" bulletin publish --period 2026-11 --correction
expect_out "correction 2 published" "second correction numbered 2"
for fmt in html txt md; do
	cap "$F/orig.$fmt" "original after corrections ($fmt)" "$PS" bulletin show --period 2026-11 --format $fmt
	expect_eq "$(cmp -s "$F/pub.$fmt" "$F/orig.$fmt" && echo same)" same "original unchanged byte for byte ($fmt)"
done
cap "$F/c1.html" "show correction 1" "$PS" --token "$VIEWER" bulletin show --period 2026-11 --format html --correction 1
cap "$F/c1.txt" "show correction 1 txt" "$PS" bulletin show --period 2026-11 --correction 1
cap "$F/c2.txt" "show correction 2 txt" "$PS" bulletin show --period 2026-11 --correction 2
expect_eq "$(grep -c '<h1>崇义县人口和计划生育工作月通报（2026年11月）（更正）</h1>' "$F/c1.html")" 1 "correction title"
expect_eq "$(grep -c '<div class="docno">崇卫〔2026〕15号</div>' "$F/c1.html")" 1 "correction's own number"
expect_eq "$(grep -cE "本通报是对${DOCNO}通报（[0-9]+年[0-9]+月[0-9]+日发布）的更正" "$F/c1.html")" 1 "names the original's number"
expect_eq "$(grep -c '<p>二〇二六年十二月十日</p>' "$F/c1.html")" 1 "correction dated the day issued"
expect_eq "$(grep -c '（第2次更正）' "$F/c2.txt")" 1 "correction 2 title"
cmp -s "$F/c1.txt" "$F/orig.txt" && fail_ "correction shows the new data" || ok_
expect_rc 1 "no correction 3" "$PS" bulletin show --period 2026-11 --correction 3
expect_err "no correction 3" "missing correction named"
expect_rc 2 "--correction N belongs to show" "$PS" bulletin --period 2026-11 --correction 1
expect_eq "$(sql "select count(*) from audit where action = 'bulletin.correct'")" 2 "corrections audited"
expect_eq "$(sql "select count(*) from bulletins where key like '361101:2026-11%'")" 3 "original and two corrections stored"

# ---- the dashboard lists both and serves the printable page --------------
stop_server
HPORT=$(free_port)
start_server --http 127.0.0.1:"$HPORT" --http-public
if command -v curl >/dev/null; then
	curl -s "http://127.0.0.1:$HPORT/bulletins?parent=361101" >"$F/list.html"
	expect_eq "$(grep -c 'period=2026-11&amp;correction=1' "$F/list.html")" 1 "list links correction 1"
	expect_eq "$(grep -c 'period=2026-11&amp;correction=2' "$F/list.html")" 1 "list links correction 2"
	curl -s "http://127.0.0.1:$HPORT/bulletin?parent=361101&period=2026-11&print=1" >"$F/print.html"
	expect_eq "$(cmp -s "$F/print.html" "$F/orig.html" && echo same)" same "print page = the published html"
	curl -s "http://127.0.0.1:$HPORT/bulletin?parent=361101&period=2026-11&correction=1&print=1" >"$F/print1.html"
	expect_eq "$(cmp -s "$F/print1.html" "$F/c1.html" && echo same)" same "print page of correction 1"
else
	echo "test_print: dashboard checks skipped: curl missing"
fi
finish
