#!/usr/bin/env bash
# End-to-end test of early warning and data quality (doc/indicators.md §15) on two
# small counties whose every figure is worked out here by hand (the
# randomized comparison with an independent model is test_oracle.sh):
# `popstat warning` (projected, headroom, risk, level; order; nulls;
# --year/--as-of; the table in Chinese and English) and `popstat quality`
# (the four checks, record ids only with record-level access).
. "$(dirname "$0")/lib.sh" "${1:-bin}"
start_server
F=$WORK/data
mkdir -p "$F"
unit() { expect_rc 0 "unit add $1" "$PS" unit add "$@"; }

# ---------------------------------------------------------------- warning data
# County 610400; every township has 10000 people on 2025-12-31 and on
# 2026-06-30 (population records), so p = 10000 for [2026-01-01, 2026-06-30]
# (t = 181 days of N = 365).
unit 610400 预县 --level county
for i in 1 2 3 4; do unit 61040000$i 预${i}镇 --parent 610400 --level township; done
python3 - "$F" <<'EOF'
import sys
d = sys.argv[1]
b = open(d + "/birth.csv", "w"); b.write("record_id,unit,date,sex,birth_order,policy,mother_id\n")
dt = open(d + "/death.csv", "w"); dt.write("record_id,unit,date,sex,age\n")
p = open(d + "/population.csv", "w"); p.write("record_id,unit,date,persons\n")
n = 0
# W1: 60 births, 10 deaths; W2: 20 births, 10 deaths; W3: 120 births.
for u, nb, nd in (("610400001", 60, 10), ("610400002", 20, 10), ("610400003", 120, 0)):
    for i in range(nb):
        n += 1; b.write("w%d,%s,2026-03-01,%s,1,Y,\n" % (n, u, "MF"[i % 2]))
    for i in range(nd):
        n += 1; dt.write("w%d,%s,2026-03-02,M,70\n" % (n, u))
    p.write("p%s-0,%s,2025-12-31,10000\np%s-1,%s,2026-06-30,10000\n" % (u, u, u, u))
EOF
for k in population birth death; do
	expect_rc 0 "submit $k" "$PS" submit "$F/$k.csv" --kind "$k"
done

# risk K LAMBDA: P(R > K) for R Poisson(LAMBDA), summed in log space.
risk() {
	python3 -c "import math,sys
k,l=int(sys.argv[1]),float(sys.argv[2])
c=math.fsum(math.exp(-l+i*math.log(l)-math.lgamma(i+1)) for i in range(k+1))
print(float('%.4f' % max(0.0, 1-c)))" "$1" "$2"
}
L1=$(python3 -c 'print(60*(365-181)/181)')
L2=$(python3 -c 'print(20*(365-181)/181)')

expect_rc 0 "warning json" "$PS" warning --parent 610400 --as-of 2026-06-30 --json
expect_eq "$(json 'j["parent"], j["year"], j["as_of"]')" "610400 2026 2026-06-30" "warning header"
expect_eq "$(json '" ".join(r["unit"] for r in j["rows"])')" "610400003 610400001 610400002 610400004" \
    "rows highest risk first, no population last"
cell() { json "(lambda c: '%s %s %s %s' % (c['projected'], c['headroom'], c['risk'], c['level']))([r for r in j['rows'] if r['unit'] == '$1'][0]['indicators']['$2'])"; }
# W1 birth rate: 60/10000*1000 = 6.00, annualized 6*365/181 = 12.0994 ->
# 12.1; (60 + h)/10000*1000 <= 11.5 up to 60 + h = 115: h = 55.
R=$(risk 55 "$L1")
expect_eq "$(cell 610400001 birth_rate)" "12.1 55 $R high" "W1 birth_rate"
# W1 growth: deaths projected 10*365/181 = 20.1657; (60 + h - 20.1657)/10
# <= 5.5: 60 + h = 75 gives 5.48, 76 gives 5.58: h = 15.
R=$(risk 15 "$L1")
expect_eq "$(cell 610400001 natural_growth_rate)" "10.08 15 $R high" "W1 natural_growth_rate"
# W2: 20 births: 4.03 projected, 95 more; growth (20 - 10)/10 = 1.0 ->
# 2.02 annualized; (20 + h - 20.1657)/10 <= 5.5: 20 + h = 75: h = 55.
R=$(risk 95 "$L2")
expect_eq "$(cell 610400002 birth_rate)" "4.03 95 $R low" "W2 birth_rate"
expect_eq "$(cell 610400002 natural_growth_rate)" "2.02 55 $(risk 55 "$L2") low" "W2 natural_growth_rate"
# W3: 120 births already: 5 over, risk 1.
expect_eq "$(cell 610400003 birth_rate)" "24.2 -5 1.0 over" "W3 over"
# W4: no population: nothing computable.
expect_eq "$(cell 610400004 birth_rate)" "None None None None" "W4 null"
expect_out '"risk": 1.0000' "risk printed to 4 decimals"
expect_eq "$(json 'sorted(j["rows"][0]["indicators"]["birth_rate"])')" "['headroom', 'level', 'projected', 'risk']" \
    "cell keys exactly as §15"

# The year so far is the default; --year of a past year counts all of it.
expect_rc 0 "warning past year" "$PS" warning --parent 610400 --year 2026 --as-of 2027-02-01 --json
expect_eq "$(json 'j["as_of"]')" 2026-12-31 "a past year counts to its last day"
# as of 2025-12-31 for 2026: t = 0, nothing computable.
expect_rc 0 "warning before the year" "$PS" warning --parent 610400 --year 2026 --as-of 2025-12-31 --json
expect_eq "$(cell 610400001 birth_rate)" "None None None None" "t = 0: null"
expect_rc 2 "bad year" "$PS" warning --parent 610400 --year 26x
expect_rc 1 "unknown parent" "$PS" warning --parent 404
expect_rc 2 "no parent" "$PS" warning

# The table: Chinese, townships by risk, headroom as "还可出生 N 人".
expect_rc 0 "warning table zh" "$PS" warning --parent 610400 --as-of 2026-06-30 --lang zh
expect_out "还可出生 55 人" "zh headroom"
expect_out "已超 5 人" "zh over"
expect_out "预警" "zh heading"
expect_eq "$(printf '%s\n' "$OUT" | grep -n '预3镇' | head -n 1 | cut -d: -f1)" 4 "zh: the highest risk first"
expect_rc 0 "warning table en" "$PS" warning --parent 610400 --as-of 2026-06-30 --lang en
expect_out "55 more births" "en headroom"
expect_out "not a verdict" "en says what a warning is not"
# What it means for the county head now: who is vetoed at the year's end
# on the present data, who is likely to be, what to do, and where the
# other veto targets are.
expect_out "vetoed at the year's end on the present data (headroom below 0: over the target even with no more births): 预3镇" "en: who will be vetoed"
expect_out "likely to miss the target (risk >= 50%): 预1镇 (birth rate: 55 more births; natural growth rate: 15 more births)." "en: who is likely to miss"
expect_no_out "to watch" "en: no unit to watch"
expect_out "veto targets too: see" "en: the other vetoes named"
expect_out "    popstat ranking --parent 610400 --period 2026-01-01..2026-06-30" "en: the command for them, whole on its line"
expect_eq "$(printf '%s\n' "$OUT" | python3 -c 'import sys,unicodedata; print(max(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l.rstrip("\n")) for l in sys.stdin if not l.startswith(("余量", "headroom"))))' | awk '{print ($1 <= 118)}')" 1 "en: the table and the conclusion fit 118 columns"
expect_rc 0 "warning table zh again" "$PS" warning --parent 610400 --as-of 2026-06-30 --lang zh
expect_out "年底将被一票否决（余量已为负，今后不再出生也超标）：预3镇（出生率、自然增长率）。请现在核实" "zh: who will be vetoed"
expect_out "很可能超标（风险≥50%）：预1镇（出生率还可出生 55 人；自然增长率还可出生 15 人）。今年余下的出生须控制在余量之内" "zh: who is likely to miss"
expect_out "出生统计误差率、符合政策生育率也是一票否决指标" "zh: the other veto targets named"

# ---------------------------------------------------------------- quality data
# County 610500, period 2026-11; 10000 people each on 2026-10-31.
# Q1: 80 boys, 40 girls (ratio interval far above 107); Q2: 52 boys, 50
# girls; Q3: 3 boys only (ratio interval wide: not flagged) and so few
# births for its size that the others' rate makes 3 improbable; Q4: 60+60,
# filed 45 days late.  Mother M1 in Q1 and Q2 on the same day; M3 in Q1
# 2026-10-20 and Q2 2026-11-20 (31 days: no); M4 Q1 2026-10-21 and Q2
# 2026-11-20 (30 days: yes); M5 twice in Q1 (one unit: no).
unit 610500 质县 --level county
for i in 1 2 3 4; do unit 61050000$i 质${i}镇 --parent 610500 --level township; done
python3 - "$F" <<'EOF'
import sys
d = sys.argv[1]
b = open(d + "/qbirth.csv", "w"); b.write("record_id,unit,date,sex,birth_order,policy,mother_id\n")
l = open(d + "/qlate.csv", "w"); l.write("record_id,unit,date,sex,birth_order,policy,mother_id\n")
p = open(d + "/qpop.csv", "w"); p.write("record_id,unit,date,persons\n")
n = 0
def row(f, u, date, sex, mother=""):
    global n
    n += 1; f.write("q%d,%s,%s,%s,1,Y,%s\n" % (n, u, date, sex, mother))
for u, m, f in (("610500001", 80, 40), ("610500002", 52, 50), ("610500003", 3, 0)):
    for i in range(m + f):
        mo = ""
        if i == 0 and u != "610500003": mo = "M1"
        if i == 1 and u == "610500001": mo = "M5"
        row(b, u, "2026-11-10", "M" if i < m else "F", mo)
row(b, "610500001", "2026-11-12", "F", "M5")
row(b, "610500001", "2026-10-20", "F", "M3")
row(b, "610500002", "2026-11-20", "F", "M3")
row(b, "610500001", "2026-10-21", "F", "M4")
row(b, "610500002", "2026-11-20", "F", "M4")
for i in range(120):
    row(l, "610500004", "2026-11-05", "MF"[i % 2])
for i in range(1, 5):
    p.write("qp%d,61050000%d,2026-10-31,10000\n" % (i, i))
EOF
expect_rc 0 "submit qpop" "$PS" submit "$F/qpop.csv" --kind population
expect_rc 0 "submit qbirth" "$PS" submit "$F/qbirth.csv" --kind birth
# Q4's births arrive on 2026-12-20: 45 days after the event.
stop_server
TODAY=2026-12-20 start_server
expect_rc 0 "submit late births" "$PS" submit "$F/qlate.csv" --kind birth
stop_server
start_server

expect_rc 0 "quality json" "$PS" quality --parent 610500 --period 2026-11 --json
expect_eq "$(json 'j["parent"], j["period"]["start"], j["period"]["end"]')" "610500 2026-11-01 2026-11-30" "quality header"
flags() { json "' '.join('%s:%s' % (f['unit'], f['check']) for f in j['flags'])"; }
expect_eq "$(flags)" "610500001:sex_ratio_high 610500003:under_reporting 610500001:double_registration 610500001:double_registration 610500004:late_records" \
    "the four checks, in order"
# Q1: 80/120 boys; Wilson (z = 1.959964) as a ratio.
W=$(python3 -c "import math
z=1.959964; m,n=80,121; p=m/n; d=1+z*z/n; c=(p+z*z/(2*n))/d; h=z*math.sqrt(p*(1-p)/n+z*z/(4*n*n))/d
lo,hi=c-h,c+h; print('%.2f %.2f' % (100*lo/(1-lo), 100*hi/(1-hi)))")
expect_eq "$(json "(lambda d: '%d %d %.2f %.2f %.2f' % (d['boys'], d['girls'], d['ratio'], d['ratio_low'], d['ratio_high']))(j['flags'][0]['detail'])")" \
    "80 41 195.12 $W" "sex ratio detail"
# Q3: the siblings' November births (Q1 121, Q2 104, Q4 120) over their
# pop_avg (10000 on 10-31, plus the births by 11-30), times Q3's pop_avg.
E=$(python3 -c "
pa = lambda b: (10000 + 10000 + b) / 2
b1, b2, b3, b4 = 121, 104, 3, 120   # November births of each
sib = (b1 + b2 + b4) / (pa(b1) + pa(b2) + pa(b4) + 0.0) * 1000
print('%.2f' % (sib * pa(b3) / 1000))")
expect_eq "$(json "'%d %.2f' % (j['flags'][1]['detail']['births'], j['flags'][1]['detail']['expected'])")" "3 $E" "under-reporting: expected from the siblings"
expect_eq "$(json "j['flags'][1]['detail']['probability']")" 0.0 "under-reporting: P(X <= 3) rounds to 0"
expect_eq "$(json "' '.join(' '.join(f['detail']['units'] + f['detail']['dates']) for f in j['flags'] if f['check'] == 'double_registration')")" \
    "610500001 610500002 2026-10-21 2026-11-20 610500001 610500002 2026-11-10 2026-11-10" "double registration: units and dates, by date"
expect_eq "$(json "[f['detail']['record_ids'] for f in j['flags'] if f['check'] == 'double_registration']")" \
    "[['q229', 'q230'], ['q1', 'q121']]" "admin sees both record ids"
expect_eq "$(json "(lambda d: '%d %d %.2f' % (d['records'], d['timely'], d['timeliness']))(j['flags'][-1]['detail'])")" \
    "120 0 0.00" "late records detail"

# Record ids: only with record-level access to both units.
expect_rc 0 "add viewer" "$PS" user add qv --role viewer
VIEWER=$OUT
expect_rc 0 "add inspector" "$PS" user add qi --role inspector
INSP=$OUT
expect_rc 0 "add county clerk" "$PS" user add qc --role clerk --unit 610500
CCLERK=$OUT
expect_rc 0 "add township clerk" "$PS" user add qt --role clerk --unit 610500001
TCLERK=$OUT
expect_rc 0 "viewer quality" "$PS" --token "$VIEWER" quality --parent 610500 --period 2026-11 --json
expect_eq "$(json "[f['detail']['record_ids'] for f in j['flags'] if f['check'] == 'double_registration']")" \
    "[None, None]" "viewer: no record ids"
expect_eq "$(flags | wc -w)" 5 "viewer still sees every flag"
expect_rc 0 "inspector quality" "$PS" --token "$INSP" quality --parent 610500 --period 2026-11 --json
expect_out '"q121"' "inspector sees record ids"
expect_rc 0 "county clerk quality" "$PS" --token "$CCLERK" quality --parent 610500 --period 2026-11 --json
expect_out '"q121"' "county clerk (both units in scope) sees record ids"
# The county's quality is circulated to its townships, record ids only
# where the clerk may read both units' records.
expect_rc 0 "township clerk reads the county's quality" "$PS" --token "$TCLERK" quality --parent 610500 --period 2026-11 --json
expect_no_out '"q121"' "township clerk: no record ids of another township"
expect_rc 3 "township clerk cannot read another county's quality" "$PS" --token "$TCLERK" quality --parent 610400 --period 2026-11 --json
expect_err "outside your scope" "the refusal says why"
expect_rc 0 "viewer quality table" "$PS" --token "$VIEWER" quality --parent 610500 --period 2026-11 --lang zh
expect_out "可能重复登记" "zh check name"
expect_no_out "q121" "viewer table: no record id"
expect_out "不是结论" "zh: a flag is not a finding"
expect_out "数据质量 2026-11-01 至 2026-11-30" "zh: the period as the other tables write it"
expect_rc 0 "quality table en" "$PS" quality --parent 610500 --period 2026-11 --lang en
expect_out "possible under-reporting" "en check name"
expect_out "q121" "admin table shows record ids"
expect_rc 0 "clean period" "$PS" quality --parent 610500 --period 2025 --json
expect_eq "$(json 'j["flags"]')" "[]" "no data, no flags"
expect_rc 1 "bad period" "$PS" quality --parent 610500 --period 2026-13
expect_rc 2 "no period" "$PS" quality --parent 610500

# ---------------------------------------------------------------- inspection, bulletin
expect_rc 0 "inspection json" "$PS" inspection --period 2026-06D3 --parent 610400 --as-of 2026-06-30 --json
expect_eq "$(json "j['warning']['as_of'], [r['indicators']['birth_rate']['headroom'] for r in j['warning']['rows']]")" \
    "2026-06-30 [-5, 55, 95, None]" "inspection carries the warning, year to date"
expect_eq "$(json "j['quality']['period']['start'], j['quality']['period']['end']")" "2026-01-01 2026-06-30" \
    "inspection carries data quality, year to date"
expect_rc 0 "inspection text" "$PS" inspection --period 2026-06D3 --parent 610400 --as-of 2026-06-30
expect_out "4. early warning for 2026 (as of 2026-06-30)" "inspection text: warning section"
expect_out "610400003 预3镇: birth_rate over" "inspection text names the township over"
expect_out "5. data quality" "inspection text: quality section"
expect_rc 0 "inspection with flags" "$PS" inspection --period 2026-11D3 --parent 610500 --json
expect_eq "$(json "' '.join(f['check'] for f in j['quality']['flags'])" | wc -w)" 5 "inspection: the quality flags"
expect_out '"q121"' "inspection (admin): record ids"

expect_rc 0 "bulletin zh" "$PS" bulletin --period 2026-06 --parent 610400 --lang zh
expect_out "六、预警" "bulletin: 预警 section"
expect_out "还可出生 55 人" "bulletin: headroom in words"
expect_out "七、数据质量" "bulletin: 数据质量 section"
# The opening states the county's projection: 610400 has no population
# (预4镇 has none), so nothing; 610500 (2026-11, year to date) has one.
expect_no_out "按目前出生速度推算，全年" "no projection without a population"
expect_rc 0 "bulletin en md" "$PS" bulletin --period 2026-06 --parent 610400 --lang en --format md
expect_out "## 6. Early warning" "md: warning heading"
expect_out "55 more births" "md: headroom"
expect_rc 0 "quality bulletin" "$PS" bulletin --period 2026-11 --parent 610500 --lang zh
expect_out "可能重复登记" "bulletin names the double registration"
expect_no_out "q121" "bulletin lists no record ids"
expect_out "出生性别比偏高" "bulletin: sex ratio flag"
expect_out "按目前出生速度推算，全年出生率预计" "bulletin opening: the county's projection"
# A published bulletin keeps its warning frozen.
expect_rc 0 "publish" "$PS" bulletin publish --period 2026-06 --parent 610400
printf 'record_id,unit,date,sex,birth_order,policy,mother_id\n' > "$F/more.csv"
for i in 1 2 3 4 5; do printf 'x%d,610400001,2026-05-01,M,1,Y,\n' "$i" >> "$F/more.csv"; done
expect_rc 0 "five more births" "$PS" submit "$F/more.csv" --kind birth
expect_rc 0 "published bulletin" "$PS" bulletin show --period 2026-06 --parent 610400 --lang zh
expect_eq "$(printf '%s\n' "$OUT" | grep '预1镇' | grep -c '还可出生 55 人')" 1 "published: W1's headroom as it was"
expect_rc 0 "live bulletin" "$PS" bulletin --period 2026-06 --parent 610400 --lang zh
expect_eq "$(printf '%s\n' "$OUT" | grep '预1镇' | grep -c '还可出生 50 人')" 1 "live: W1 has five fewer"

# ---------------------------------------------------------------- dashboard
need_curl
stop_server
HPORT=$(free_port)
start_server --http 127.0.0.1:"$HPORT" --http-public
for _ in $(seq 1 100); do
	(exec 3<>/dev/tcp/127.0.0.1/"$HPORT") 2>/dev/null && break
	sleep 0.05
done
OUT=$(curl -s "http://127.0.0.1:$HPORT/unit?unit=610400&period=2026H1")
expect_out 'id="no-population"' "dashboard: a parent names the children without a population"
expect_out "预4镇" "dashboard: the township without one"
OUT=$(curl -s "http://127.0.0.1:$HPORT/unit?unit=610400004&period=2026H1")
expect_out "无人口记录" "dashboard: why not assessed"
OUT=$(curl -s "http://127.0.0.1:$HPORT/ranking?parent=610400&period=2026H1")
expect_out 'id="warning-strip"' "dashboard: warning strip"
expect_out 'data-unit="610400003" data-level="over"' "strip: the township over"
OUT=$(curl -s "http://127.0.0.1:$HPORT/api/quality?parent=610500&period=2026-11")
expect_out '"double_registration"' "public API: the flag"
expect_no_out '"q121"' "public API: no record id"

finish
