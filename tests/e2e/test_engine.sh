#!/usr/bin/env bash
# The indicator engine end to end: population accounting (doc/indicators.md §5),
# indicators, rounding and annualization (§6), status, score and ranking (§7),
# the status/ranking JSON shapes (§12), every period form (§4), targets,
# custom indicators, verification and read scope.
#
# Every expected value below is computed by hand from the records this script
# submits (the arithmetic is in the comments), or by a tiny Python expression
# of the spec's formula; nothing is copied from what the program prints.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
start_server

F=$WORK/f
mkdir -p "$F"

# ---------------------------------------------------------------- helpers
# fmt: None -> null, numbers -> 2 decimals, else as is.
PYFMT='fmt=lambda v: "null" if v is None else ("%.2f" % v if isinstance(v,(int,float)) and not isinstance(v,bool) else str(v))'
# jv EXPR: like json, but numbers printed with 2 decimals and None as null.
jv() {
	printf '%s' "$OUT" | python3 -c "import json,sys; $PYFMT; j=json.load(sys.stdin); print(fmt($1))"
}
# ind NAME FIELD: a field of one indicator in the last status --json.
ind() {
	jv "[i for i in j['indicators'] if i['name']=='$1'][0]['$2']"
}
# tgt NAME: the target of one indicator as "op value veto weight" or null.
tgt() {
	printf '%s' "$OUT" | python3 -c "import json,sys; j=json.load(sys.stdin)
t=[i for i in j['indicators'] if i['name']=='$1'][0]['target']
print('null' if t is None else '%s %g %s %g' % (t['op'], t['value'], str(t['veto']).lower(), t['weight']))"
}
# ctr NAME: one counter of the last status --json (pop_avg with 1 decimal).
ctr() {
	printf '%s' "$OUT" | python3 -c "import json,sys; j=json.load(sys.stdin); v=j['counters'].get('$1')
print('null' if v is None else ('%.1f' % v if '$1'=='pop_avg' else v))"
}
# calc EXPR: an independent computation of a spec formula, 2 decimals.
calc() { python3 -c "print('%.2f' % ($1))"; }
# st UNIT PERIOD [ARGS...]: status --json, must succeed.
st() {
	local u=$1 p=$2; shift 2
	expect_rc 0 "status $u $p $*" "$PS" status --unit "$u" --period "$p" --json "$@"
}
# expect_ind NAME VALUE ANNUALIZED JUDGED RESULT DESC
# (one check; the message shows all four fields).
expect_ind() {
	local got
	got=$(jv "' '.join(fmt(i[k]) for i in j['indicators'] if i['name']=='$1' for k in ('value','annualized','judged','result'))")
	expect_eq "$got" "$2 $3 $4 $5" "$6: $1 value/annualized/judged/result"
}
# expect_pop START END AVG DESC: counters.pop_start/pop_end/pop_avg.
expect_pop() {
	expect_eq "$(ctr pop_start)/$(ctr pop_end)/$(ctr pop_avg)" "$1/$2/$3" "$4: pop_start/pop_end/pop_avg"
}
# expect_period START END DAYS DESC: period of the last --json output.
expect_period() {
	expect_eq "$(json 'j["period"]["start"]+" "+j["period"]["end"]+" "+str(j["period"]["days"])')" \
	    "$1 $2 $3" "$4: period"
}
# rows: "rank:unit:status:score" of every ranking row, in order.
rows() {
	printf '%s' "$OUT" | python3 -c "import json,sys; j=json.load(sys.stdin)
print(' '.join('%d:%s:%s:%.2f' % (r['rank'], r['unit'], r['status'], r['score']) for r in j['rows']))"
}
# rowind NAME: "unit=judged" of one indicator over the ranking rows, in order.
rowind() {
	printf '%s' "$OUT" | python3 -c "import json,sys; $PYFMT; j=json.load(sys.stdin)
print(' '.join('%s=%s' % (r['unit'], fmt(r['indicators'].get('$1'))) for r in j['rows']))"
}

# ---------------------------------------------------------------- CSV data
# All data is generated into five files, one per kind.
SEQ=0
printf 'record_id,unit,date,sex,birth_order,policy,mother_id\n' > "$F/birth.csv"
printf 'record_id,unit,date,sex,age\n' > "$F/death.csv"
printf 'record_id,unit,date,direction,persons\n' > "$F/migration.csv"
printf 'record_id,unit,date,persons\n' > "$F/population.csv"
printf 'record_id,unit,date,mother_id\n' > "$F/verification.csv"
# births UNIT DATE N NY NM NO3 [MOTHER]: N births, the first NY with policy Y
# (others N), the first NM male (others F), the first NO3 of order 3 (others
# order 1); the first row carries mother_id MOTHER if given.
births() {
	local u=$1 d=$2 n=$3 ny=$4 nm=$5 no3=$6 mother=${7:-} i pol sex ord mo
	for i in $(seq 1 "$n"); do
		SEQ=$((SEQ + 1))
		pol=N; [ "$i" -le "$ny" ] && pol=Y
		sex=F; [ "$i" -le "$nm" ] && sex=M
		ord=1; [ "$i" -le "$no3" ] && ord=3
		mo=; [ "$i" -eq 1 ] && mo=$mother
		printf 'b%d,%s,%s,%s,%s,%s,%s\n' "$SEQ" "$u" "$d" "$sex" "$ord" "$pol" "$mo" >> "$F/birth.csv"
	done
}
# deaths UNIT DATE N
deaths() {
	local i
	for i in $(seq 1 "$3"); do
		SEQ=$((SEQ + 1))
		printf 'd%d,%s,%s,M,70\n' "$SEQ" "$1" "$2" >> "$F/death.csv"
	done
}
# mig UNIT DATE in|out PERSONS
mig() {
	SEQ=$((SEQ + 1))
	printf 'm%d,%s,%s,%s,%s\n' "$SEQ" "$1" "$2" "$3" "$4" >> "$F/migration.csv"
}
# pop UNIT DATE PERSONS
pop() {
	SEQ=$((SEQ + 1))
	printf 'p%d,%s,%s,%s\n' "$SEQ" "$1" "$2" "$3" >> "$F/population.csv"
}
# verif UNIT DATE MOTHER [RECORD_ID]
verif() {
	SEQ=$((SEQ + 1))
	printf '%s,%s,%s,%s\n' "${4:-v$SEQ}" "$1" "$2" "$3" >> "$F/verification.csv"
}
unit() { expect_rc 0 "unit add $1" "$PS" unit add "$@"; }

# ================================================================ units + data
# --- 1. the 11.50 / 11.51 boundary (county 610301)
unit 610301 界县 --level county
unit 610301001 甲镇 --parent 610301 --level township
unit 610301002 乙镇 --parent 610301 --level township
# T1: P(2025-12-31)=1994; 2026: 23 births (12 M, 2 of order 3, all policy),
# 12 deaths, 1 in  =>  pop_end = 1994+23-12+1 = 2006, pop_avg = 2000.
# birth_rate = 23/2000*1000 = 11.50 (met at the boundary);
# natural growth = 11/2000*1000 = 5.50 (met at the boundary);
# one verification matched by a birth of the same mother  =>  0.00.
pop 610301001 2025-12-31 1994
births 610301001 2026-03-10 23 23 12 2 mA1
deaths 610301001 2026-04-10 12
mig 610301001 2026-05-01 in 1
verif 610301001 2026-03-10 mA1
# T2: P(2025-12-31)=1992; 23 births, 13 deaths, 2 in  =>  pop_end 2004,
# pop_avg 1998, birth_rate = 23/1998*1000 = 11.5115 -> 11.51 (missed, veto);
# natural growth 10/1998*1000 = 5.005005 -> 5.01 (met).
pop 610301002 2025-12-31 1992
births 610301002 2026-03-10 23 23 12 0 mA2
deaths 610301002 2026-04-10 13
mig 610301002 2026-05-01 in 2
verif 610301002 2026-03-10 mA2

# --- 2. zero births, unknown population (county 610302)
unit 610302 零县 --level county
unit 610302001 零镇 --parent 610302 --level township
unit 610302002 无口镇 --parent 610302 --level township
# Z1: P(2025-12-31)=1000, 2 deaths, no births  =>  pop_end 998, avg 999.
pop 610302001 2025-12-31 1000
deaths 610302001 2026-02-01 2
# Z2: no population records at all, 50 births (all policy): any population
# below 4348 would break 11.5 per mille, but unknown is never a veto.
births 610302002 2026-02-01 50 50 25 0

# --- 3. villages rolled up (county 610303)
unit 610303 村县 --level county
unit 610303001 上镇 --parent 610303 --level township
unit 610303001001 上一村 --parent 610303001 --level village
unit 610303001002 上二村 --parent 610303001 --level village
unit 610303002 中镇 --parent 610303 --level township
unit 610303002001 中一村 --parent 610303002 --level village
unit 610303002002 中二村 --parent 610303002 --level village
unit 610303003 下镇 --parent 610303 --level township
unit 610303003001 下一村 --parent 610303003 --level village
# U1 (no own population): village a P0=1000, 6 births, 2 deaths -> 1004;
# village b P0=3000, 10 births, 4 deaths, 2 out -> 3004.
# U1: births 16, deaths 6, out 2, pop 4000 -> 4008, avg 4004;
# birth_rate 16/4004*1000 = 3.996 -> 4.00; growth 10/4004*1000 = 2.4975 -> 2.50.
pop 610303001001 2025-12-31 1000
births 610303001001 2026-06-01 6 6 3 0
deaths 610303001001 2026-06-02 2
pop 610303001002 2025-12-31 3000
births 610303001002 2026-07-01 10 10 5 0
deaths 610303001002 2026-07-02 4
mig 610303001002 2026-07-03 out 2
# U2: village a P0=500 with 2 births, village b has no population records
# (1 birth)  =>  U2's population is unknown.
pop 610303002001 2025-12-31 500
births 610303002001 2026-06-01 2 2 1 0
births 610303002002 2026-06-01 1 1 1 0
# U3 has its own record P0=800; its village (no records) has 4 births:
# U3 rolls forward with its subtree's births: 800 -> 804, avg 802,
# birth_rate 4/802*1000 = 4.9875 -> 4.99.
pop 610303003 2025-12-31 800
births 610303003001 2026-06-01 4 4 2 0
# U4 has its own record P0=700 and so does its village (P0=100, 2 births):
# the township's own record wins: 700 -> 702.
unit 610303004 外镇 --parent 610303 --level township
unit 610303004001 外一村 --parent 610303004 --level village
pop 610303004 2025-12-31 700
pop 610303004001 2025-12-31 100
births 610303004001 2026-06-01 2 2 1 0

# --- 4. roll-forward and roll-back (county 610304)
unit 610304 滚县 --level county
unit 610304001 后镇 --parent 610304 --level township
unit 610304002 中间镇 --parent 610304 --level township
unit 610304003 两镇 --parent 610304 --level township
# W1: the only snapshot P(2026-03-31)=5000 (end of Q1).
# 2025-12-31: 1 death (before Q1); 2026-01-01: 3 births; 01-15: 3 in;
# 02-10: 4 deaths; 03-01: 1 out; 03-31: 7 births; 04-05: 2 births (after).
pop 610304001 2026-03-31 5000
deaths 610304001 2025-12-31 1
births 610304001 2026-01-01 3 3 2 0
mig 610304001 2026-01-15 in 3
deaths 610304001 2026-02-10 4
mig 610304001 2026-03-01 out 1
births 610304001 2026-03-31 7 7 3 0
births 610304001 2026-04-05 2 2 1 0
# W2: a snapshot in the middle of Q1, P(2026-02-15)=3000.
# 01-10: 1 birth; 02-15: 1 death (on the snapshot day, inside P(02-15));
# 02-20: 5 in; 03-01: 2 out; 03-10: 2 births.
pop 610304002 2026-02-15 3000
births 610304002 2026-01-10 1 1 1 0
deaths 610304002 2026-02-15 1
mig 610304002 2026-02-20 in 5
mig 610304002 2026-03-01 out 2
births 610304002 2026-03-10 2 2 1 0
# W3: two snapshots that disagree with the events (a census correction):
# P(2025-12-31)=1000, P(2026-03-31)=1100; births: 1 on 01-20, 2 on 02-10.
pop 610304003 2025-12-31 1000
pop 610304003 2026-03-31 1100
births 610304003 2026-01-20 1 1 1 0
births 610304003 2026-02-10 2 2 1 0

# --- 5. scores and ranking (county 610305); all P0 on 2025-12-31, 2026 data.
unit 610305 排县 --level county
for i in 1 2 3 4 5; do unit 61030500$i 排${i}镇 --parent 610305 --level township; done
# R1: 9990, 20 births all policy -> avg 10000: 2.00, 2.00, policy 100.
pop 610305001 2025-12-31 9990
births 610305001 2026-06-01 20 20 10 0 mR1
verif 610305001 2026-06-01 mR1
# R2 = R3: 9975, 50 births, 47 policy -> avg 10000: 5.00, 5.00, policy 94.00.
for u in 610305002 610305003; do
	pop $u 2025-12-31 9975
	births $u 2026-06-01 50 47 25 0 "m$u"
	verif $u 2026-06-01 "m$u"
done
# R4: 9990, 20 births, 18 policy: 2.00, 2.00, policy 90.00.
pop 610305004 2025-12-31 9990
births 610305004 2026-06-01 20 18 10 0 mR4
verif 610305004 2026-06-01 mR4
# R5: like T2: birth_rate 11.51 (veto), policy 100.
pop 610305005 2025-12-31 1992
births 610305005 2026-06-01 23 23 12 0 mR5
deaths 610305005 2026-06-02 13
mig 610305005 2026-06-03 in 2
verif 610305005 2026-06-01 mR5

# --- 6. annualization (county 610306)
unit 610306 年县 --level county
for i in 1 2 3 4; do unit 61030600$i 年${i}镇 --parent 610306 --level township; done
# A1, 2026-03 (31 days, year_days 365): P(02-28)=9999, 10 births, 8 deaths
# -> 10001, avg 10000. birth_rate 1.00, annualized 1*365/31 = 11.774 -> 11.77.
pop 610306001 2026-02-28 9999
births 610306001 2026-03-15 10 10 5 0
deaths 610306001 2026-03-20 8
# A2, 2026-02D3 (02-21..02-28, 8 days, year_days 365): P(02-20)=9998,
# 4 births -> 10002, avg 10000: 0.40, annualized 0.4*365/8 = 18.25.
pop 610306002 2026-02-20 9998
births 610306002 2026-02-25 4 4 2 0
# A3, 2024-02D3 (02-21..02-29, 9 days, year_days 366): P(02-20)=9997,
# 6 births -> 10003, avg 10000: 0.60, annualized 0.6*366/9 = 24.40.
pop 610306003 2024-02-20 9997
births 610306003 2024-02-25 6 6 3 0
# A4, 2026H1 (181 days): P(2025-12-31)=9995, 10 births -> 10005, avg 10000:
# 1.00, annualized 365/181 = 2.0166 -> 2.02.
pop 610306004 2025-12-31 9995
births 610306004 2026-04-01 10 10 5 0

# --- 7. a city ranking its counties
unit 6199 某市 --level city
unit 619901 南县 --parent 6199 --level county
unit 619902 北县 --parent 6199 --level county
unit 619901001 南一镇 --parent 619901 --level township
unit 619901002 南二镇 --parent 619901 --level township
unit 619902001 北一镇 --parent 619902 --level township
unit 619902002 北二镇 --parent 619902 --level township
# 619902 (good): 3000 + 10 births, 2000 + 6 births (all policy), one verified
# and matched: births 16, pop 5000 -> 5016, avg 5008: 16/5008*1000 = 3.19.
pop 619902001 2025-12-31 3000
births 619902001 2026-05-01 10 10 5 0 mK1
verif 619902001 2026-05-01 mK1
pop 619902002 2025-12-31 2000
births 619902002 2026-05-01 6 6 3 0
# 619901 (vetoed): 1000 + 10 births (8 policy), 1000 + 0: avg 2005,
# 10/2005*1000 = 4.99, policy 80.00 (veto), no verification.
pop 619901001 2025-12-31 1000
births 619901001 2026-05-01 10 8 5 0
pop 619901002 2025-12-31 1000

# --- 8. verification (county 610307)
unit 610307 查县 --level county
unit 610307001 查一镇 --parent 610307 --level township
unit 610307002 查二镇 --parent 610307 --level township
# Four verifications on 2026-05-10 in 610307001; reported births of the same
# mothers: vA same day, vB +30 days (06-09), vC -30 days (04-10) -> matched;
# vD +31 days (06-10) -> missed.  vE in 610307002: the mother's birth is
# reported in 610307001 (another unit) -> missed.
verif 610307001 2026-05-10 MA vA
verif 610307001 2026-05-10 MB vB
verif 610307001 2026-05-10 MC vC
verif 610307001 2026-05-10 MD vD
verif 610307002 2026-05-10 ME vE
births 610307001 2026-05-10 1 1 1 0 MA
births 610307001 2026-06-09 1 1 1 0 MB
births 610307001 2026-04-10 1 1 1 0 MC
births 610307001 2026-06-10 1 1 1 0 MD
births 610307001 2026-05-10 1 1 1 0 ME

# --- 9. four tiers (county 610320, §7): K1 complete and met (100); K2 never
# inspected, so birth_error_rate is not assessed: incomplete, 100 points,
# ranked below K1; K3 vetoed (birth_rate 11.51, like T2); K4 no data at all:
# no score, no rank, last.
unit 610320 层县 --level county
for i in 1 2 3 4; do unit 61032000$i 层${i}镇 --parent 610320 --level township; done
pop 610320001 2025-12-31 9990
births 610320001 2026-06-01 20 20 10 0 mK1
verif 610320001 2026-06-01 mK1
pop 610320002 2025-12-31 9990
births 610320002 2026-06-01 20 20 10 0
pop 610320003 2025-12-31 1992
births 610320003 2026-06-01 23 23 12 0 mK3
deaths 610320003 2026-06-02 13
mig 610320003 2026-06-03 in 2
verif 610320003 2026-06-01 mK3

# ---------------------------------------------------------------- submit
# Verifications go first, so matching must also work for births that arrive
# after the verification.
for k in verification population birth death migration; do
	n=$(( $(wc -l < "$F/$k.csv") - 1 ))
	expect_rc 0 "submit $k" "$PS" submit "$F/$k.csv"
	expect_out "accepted $n, duplicate 0, rejected 0" "all $k rows accepted"
done

# ================================================================ 1. boundary
st 610301001 2026
expect_period 2026-01-01 2026-12-31 365 "T1 2026"
expect_eq "$(json 'j["unit"]')" 610301001 "status unit code"
expect_eq "$(json 'j["name"]')" 甲镇 "status unit name"
for c in births:23 births_male:12 births_female:11 births_policy:23 births_order3:2 \
    deaths:12 mig_in:1 mig_out:0 verified:1 verified_missed:0 days:365 year_days:365; do
	expect_eq "$(ctr "${c%%:*}")" "${c#*:}" "T1 counter ${c%%:*}"
done
expect_pop 1994 2006 2000.0 "T1 2026"
expect_ind birth_rate 11.50 11.50 11.50 met "T1 (11.50 passes <= 11.5)"
expect_eq "$(tgt birth_rate)" "<= 11.5 true 25" "default birth_rate target"
expect_ind natural_growth_rate 5.50 5.50 5.50 met "T1 (5.50 passes <= 5.5)"
expect_eq "$(tgt natural_growth_rate)" "<= 5.5 true 25" "default growth target"
expect_ind death_rate 6.00 6.00 6.00 null "T1 (12/2000, no target)"
expect_eq "$(tgt death_rate)" null "death_rate has no target"
expect_ind birth_error_rate 0.00 null 0.00 met "T1 (0 of 1 missed, % not annualized)"
expect_eq "$(tgt birth_error_rate)" "<= 3 true 25" "default error-rate target"
expect_ind policy_rate 100.00 null 100.00 met "T1"
expect_eq "$(tgt policy_rate)" ">= 95 true 25" "default policy target"
expect_ind sex_ratio 109.09 null 109.09 null "T1 (12/11*100)"
expect_ind multi_child_rate 8.70 null 8.70 null "T1 (2/23*100)"
expect_eq "$(ind birth_rate unit)" "‰" "birth_rate unit"
expect_eq "$(ind policy_rate unit)" "%" "policy_rate unit"
expect_eq "$(json 'j["status"]')" met "T1 status met"
expect_eq "$(jv 'j["score"]')" 100.00 "T1 score 100"

st 610301002 2026
expect_pop 1992 2004 1998.0 "T2 2026"
expect_ind birth_rate 11.51 11.51 11.51 missed "T2 (11.51 fails <= 11.5)"
expect_ind natural_growth_rate 5.01 5.01 5.01 met "T2 (10/1998)"
expect_eq "$(json 'j["status"]')" veto "T2 status veto"
# s = 1 - |11.51 - 11.5| / 11.5 on the judged (rounded) value, weights 25.
expect_eq "$(jv 'j["score"]')" "$(calc '100*(25*(1-0.01/11.5)+75)/100')" "T2 score"

# ================================================================ 2. no value
st 610302001 2026
expect_pop 1000 998 999.0 "Z1"
expect_ind birth_rate 0.00 0.00 0.00 met "Z1 (0 births)"
expect_ind natural_growth_rate -2.00 -2.00 -2.00 met "Z1 (-2/999)"
expect_ind death_rate 2.00 2.00 2.00 null "Z1 (2/999)"
expect_ind policy_rate null null null not_assessed "Z1 (0/0)"
expect_ind sex_ratio null null null null "Z1 (0/0, no target)"
expect_ind multi_child_rate null null null null "Z1 (0/0, no target)"
expect_ind birth_error_rate null null null not_assessed "Z1 (no verification)"
expect_eq "$(json 'j["status"]')" incomplete "Z1 incomplete"
expect_eq "$(jv 'j["score"]')" 100.00 "Z1 score over assessed targets only"

st 610302002 2026
expect_eq "$(ctr births)" 50 "Z2 births"
expect_ind birth_rate null null null not_assessed "Z2 (unknown population)"
expect_ind natural_growth_rate null null null not_assessed "Z2 (unknown population)"
expect_ind death_rate null null null null "Z2 (unknown population)"
expect_ind policy_rate 100.00 null 100.00 met "Z2"
expect_eq "$(json 'j["status"]')" incomplete "Z2 unknown population is never a veto"
expect_eq "$(jv 'j["score"]')" 100.00 "Z2 score"

# ================================================================ 3. roll-up
st 610303001 2026
expect_eq "$(ctr births)/$(ctr deaths)/$(ctr mig_out)/$(ctr births_male)" 16/6/2/8 "U1 counters sum the villages"
expect_pop 4000 4008 4004.0 "U1 population = sum of villages"
expect_ind birth_rate 4.00 4.00 4.00 met "U1 (16/4004)"
expect_ind natural_growth_rate 2.50 2.50 2.50 met "U1 (10/4004)"
st 610303001001 2026
expect_pop 1000 1004 1002.0 "village U1a"
expect_ind birth_rate 5.99 5.99 5.99 met "U1a (6/1002)"
st 610303002 2026
expect_eq "$(ctr births)" 3 "U2 births"
expect_ind birth_rate null null null not_assessed "U2 (one village unknown)"
expect_eq "$(json 'j["status"]')" incomplete "U2 incomplete"
st 610303002001 2026
expect_ind birth_rate 3.99 3.99 3.99 met "U2a (2/501)"
st 610303003 2026
expect_eq "$(ctr births)" 4 "U3 births from its village"
expect_pop 800 804 802.0 "U3 own record rolled with subtree births"
expect_ind birth_rate 4.99 4.99 4.99 met "U3 (4/802)"
st 610303004 2026
expect_pop 700 702 701.0 "U4 own record wins over its village's"
st 610303 2026
expect_eq "$(ctr births)" 25 "county births over the whole subtree"
expect_ind birth_rate null null null not_assessed "county with an unknown township"

# ================================================================ 4. rolling
# W1 Q1: pop_start = P(2025-12-31) rolled back from P(03-31)=5000 over
# 01-01..03-31: 5000 - (10 - 4 + 3 - 1) = 4992 (the 2025-12-31 death is
# already inside P(2025-12-31)).
st 610304001 2026Q1
expect_period 2026-01-01 2026-03-31 90 "Q1"
expect_eq "$(ctr births)/$(ctr deaths)/$(ctr mig_in)/$(ctr mig_out)" 10/4/3/1 "W1 Q1 counters"
expect_pop 4992 5000 4996.0 "W1 Q1 (rolled back)"
# 10/4996*1000 = 2.0016 -> 2.00; annualized *365/90 = 8.1176 -> 8.12
expect_ind birth_rate 2.00 8.12 8.12 met "W1 Q1"
# 6/4996*1000 = 1.2010 -> 1.20; annualized 4.8706 -> 4.87
expect_ind natural_growth_rate 1.20 4.87 4.87 met "W1 Q1"
st 610304001 2026
expect_pop 4992 5002 4997.0 "W1 2026 (back, and forward past the snapshot)"
st 610304001 2025-12
# P(2025-11-30) = 5000 - (10 - 5 + 3 - 1) = 4993
expect_pop 4993 4992 4992.5 "W1 2025-12 (two days rolled back)"
expect_eq "$(ctr deaths)" 1 "W1 2025-12 deaths"
st 610304001 2026-04
expect_pop 5000 5002 5001.0 "W1 2026-04 (rolled forward)"
st 610304002 2026Q1
# P(2025-12-31) = 3000 - (1 birth - 1 death) = 3000; P(03-31) = 3000 + 5 - 2 + 2
expect_pop 3000 3005 3002.5 "W2 Q1 (snapshot in the middle)"
st 610304002 2026-02
# P(01-31) = 3000 - (02-01..02-15: 1 death) = 3001; P(02-28) = 3000 + 5
expect_pop 3001 3005 3003.0 "W2 2026-02"
st 610304003 2026Q1
expect_pop 1000 1100 1050.0 "W3 Q1 (both ends recorded)"
st 610304003 2026-02
# latest record on or before the day is 2025-12-31: 1000 + 1; 1000 + 3
expect_pop 1001 1003 1002.0 "W3 2026-02 (forward from the earlier record)"
st 610304003 2025-12
expect_pop 1000 1000 1000.0 "W3 2025-12 (before the first record)"

# ================================================================ 5. city
st 619902 2026
expect_pop 5000 5016 5008.0 "county 619902 = sum of townships"
expect_ind birth_rate 3.19 3.19 3.19 met "619902 (16/5008)"
expect_ind birth_error_rate 0.00 null 0.00 met "619902 (verification in a township)"
expect_eq "$(json 'j["status"]')" met "619902 met"
st 619901 2026
expect_ind birth_rate 4.99 4.99 4.99 met "619901 (10/2005)"
expect_ind policy_rate 80.00 null 80.00 missed "619901 (8/10)"
expect_eq "$(json 'j["status"]')" veto "619901 veto"
# assessed: birth_rate, growth (met), policy s = 1 - 15/95
expect_eq "$(jv 'j["score"]')" "$(calc '100*(25+25+25*(1-15/95))/75')" "619901 score"
st 6199 2026
expect_pop 7000 7026 7013.0 "city population"
expect_ind birth_rate 3.71 3.71 3.71 met "city (26/7013)"
expect_ind policy_rate 92.31 null 92.31 missed "city (24/26)"
expect_rc 0 "city ranking" "$PS" ranking --parent 6199 --period 2026 --json
expect_eq "$(json 'j["parent"]')" 6199 "ranking parent"
expect_period 2026-01-01 2026-12-31 365 "ranking period"
expect_eq "$(rows)" "1:619902:met:100.00 2:619901:veto:$(calc '100*(50+25*(1-15/95))/75')" "city ranks its counties"
expect_eq "$(rowind birth_rate)" "619902=3.19 619901=4.99" "city ranking birth_rate"
expect_eq "$(json 'j["rows"][1]["name"]')" 南县 "ranking row name"

# ================================================================ 6. annualization
st 610306001 2026-03
expect_period 2026-03-01 2026-03-31 31 "month"
expect_eq "$(ctr days)/$(ctr year_days)" 31/365 "month days/year_days"
expect_pop 9999 10001 10000.0 "A1 March"
expect_ind birth_rate 1.00 "$(calc '1.0*365/31')" 11.77 missed "A1 March (judged annualized)"
expect_ind death_rate 0.80 "$(calc '0.8*365/31')" 9.42 null "A1 March"
expect_ind natural_growth_rate 0.20 "$(calc '0.2*365/31')" 2.35 met "A1 March"
expect_ind policy_rate 100.00 null 100.00 met "A1 March (% not annualized)"
expect_eq "$(json 'j["status"]')" veto "A1 March veto on the annualized rate"
expect_rc 0 "month ranking" "$PS" ranking --parent 610306 --period 2026-03 --json
expect_eq "$(json '[r["indicators"]["birth_rate"] for r in j["rows"] if r["unit"]=="610306001"][0]')" 11.77 \
    "ranking shows the annualized birth_rate"
st 610306001 2026
expect_ind birth_rate 1.00 1.00 1.00 met "A1 whole year (value = annualized)"
st 610306002 2026-02D3
expect_period 2026-02-21 2026-02-28 8 "2026-02D3"
expect_eq "$(ctr year_days)" 365 "2026-02D3 year_days"
expect_pop 9998 10002 10000.0 "A2 dekad"
expect_ind birth_rate 0.40 18.25 18.25 missed "A2 dekad (0.4*365/8)"
st 610306003 2024-02D3
expect_period 2024-02-21 2024-02-29 9 "2024-02D3"
expect_eq "$(ctr year_days)" 366 "2024-02D3 year_days (includes 29 Feb)"
expect_pop 9997 10003 10000.0 "A3 dekad"
expect_ind birth_rate 0.60 24.40 24.40 missed "A3 dekad (0.6*366/9)"
st 610306004 2026H1
expect_period 2026-01-01 2026-06-30 181 "2026H1"
expect_eq "$(ctr year_days)" 365 "2026H1 year_days"
expect_pop 9995 10005 10000.0 "A4 H1"
expect_ind birth_rate 1.00 "$(calc '365/181')" 2.02 met "A4 H1"

# ================================================================ 7. verification
st 610307001 2026-05
expect_eq "$(ctr verified)/$(ctr verified_missed)" 4/1 "610307001 verified/missed"
expect_ind birth_error_rate 25.00 null 25.00 missed "1 of 4 missed"
expect_eq "$(json 'j["status"]')" veto "error rate veto"
# 25 > 3: s = max(0, 1 - 22/3) = 0; birth_rate/growth not assessed; policy met.
expect_eq "$(jv 'j["score"]')" "$(calc '100*(0*25+25)/50')" "610307001 score"
expect_rc 0 "verify-report" "$PS" verify-report --unit 610307001 --period 2026-05 --json
expect_eq "$(json 'j["verified"]')" 4 "verify-report verified"
expect_eq "$(json '",".join(sorted(m["record_id"] for m in j["missed"]))')" vD "verify-report lists exactly vD"
expect_rc 0 "verify-report text" "$PS" verify-report --unit 610307001 --period 2026-05
expect_out "vD" "text report lists vD"
expect_no_out "vA" "text report omits vA"
st 610307002 2026-05
expect_ind birth_error_rate 100.00 null 100.00 missed "birth in another unit does not match"
st 610307 2026-05
expect_eq "$(ctr verified)/$(ctr verified_missed)" 5/2 "county verified/missed"
expect_ind birth_error_rate 40.00 null 40.00 missed "county 2 of 5"
expect_rc 0 "county verify-report" "$PS" verify-report --unit 610307 --period 2026-05 --json
expect_eq "$(json '",".join(sorted(m["record_id"] for m in j["missed"]))')" vD,vE "county report lists vD and vE"
st 610307001 2026-06
expect_eq "$(ctr verified)" 0 "no verification dated in June"
expect_ind birth_error_rate null null null not_assessed "0/0 in June"

# ================================================================ 8. periods
U=610301001
for p in "2026|2026-01-01|2026-12-31|365|365" \
    "SY2026|2025-10-01|2026-09-30|365|365" \
    "SY2024|2023-10-01|2024-09-30|366|366" \
    "2026H2|2026-07-01|2026-12-31|184|365" \
    "2026Q3|2026-07-01|2026-09-30|92|365" \
    "2026-11|2026-11-01|2026-11-30|30|365" \
    "2026-11D1|2026-11-01|2026-11-10|10|365" \
    "2026-11D2|2026-11-11|2026-11-20|10|365" \
    "2026-11D3|2026-11-21|2026-11-30|10|365" \
    "2026-03D3|2026-03-21|2026-03-31|11|365" \
    "2024-02D1|2024-02-01|2024-02-10|10|366" \
    "2026-11-05|2026-11-05|2026-11-05|1|365" \
    "2026-01-01..2026-06-30|2026-01-01|2026-06-30|181|365" \
    "2024|2024-01-01|2024-12-31|366|366" \
    "2024-02|2024-02-01|2024-02-29|29|366" \
    "2024-03|2024-03-01|2024-03-31|31|365" \
    "2023-03-01|2023-03-01|2023-03-01|1|365" \
    "2023-03-02|2023-03-02|2023-03-02|1|366" \
    "2024-02-29|2024-02-29|2024-02-29|1|366" \
    "2024-01-01..2026-06-30|2024-01-01|2026-06-30|912|366" \
    "2026YTD|2026-01-01|2026-11-28|332|365"; do
	IFS='|' read -r per a b n yd <<< "$p"
	st $U "$per"
	expect_period "$a" "$b" "$n" "period $per"
	expect_eq "$(ctr days)/$(ctr year_days)" "$n/$yd" "period $per days/year_days"
done
st $U 2026YTD --as-of 2026-06-30
expect_period 2026-01-01 2026-06-30 181 "2026YTD as of 2026-06-30"
st $U 2026-01-01..2026-03-10
# T1 births on 2026-03-10 are inside an inclusive range
expect_eq "$(ctr births)" 23 "inclusive range end"
st $U 2026-01-01..2026-03-09
expect_eq "$(ctr births)" 0 "range before the births"
expect_rc 1 "bad quarter" "$PS" status --unit $U --period 2026Q5
expect_err "Q5" "bad period message names the bad part"
expect_rc 1 "bad half" "$PS" status --unit $U --period 2026H3
expect_err "2026H3" "bad half names the period"
expect_rc 1 "bad month" "$PS" status --unit $U --period 2026-13
expect_rc 1 "bad dekad" "$PS" status --unit $U --period 2026-11D4
expect_rc 1 "bad day" "$PS" status --unit $U --period 2026-02-29
expect_rc 1 "reversed range" "$PS" status --unit $U --period 2026-06-30..2026-01-01
expect_rc 1 "unknown unit" "$PS" status --unit 404 --period 2026

# ================================================================ 9. read scope
expect_rc 0 "add clerk" "$PS" user add clerkA --role clerk --unit 610301001
CLERK=$OUT
expect_rc 0 "add village clerk owner" "$PS" user add clerkU --role clerk --unit 610303001
CLERKU=$OUT
expect_rc 0 "add viewer" "$PS" user add viewerA --role viewer
VIEWER=$OUT
expect_rc 0 "clerk reads own township" "$PS" --token "$CLERK" status --unit 610301001 --period 2026 --json
expect_eq "$(json 'j["status"]')" met "clerk sees the same status"
# A sibling's and the county's status are circulated (doc/rules.md
# §10); record-level data is not.
expect_rc 0 "clerk reads its sibling's status" "$PS" --token "$CLERK" status --unit 610301002 --period 2026 --json
expect_eq "$(json 'j["status"]')" veto "clerk sees T2 veto, as the viewer does"
expect_rc 0 "clerk reads the county's status" "$PS" --token "$CLERK" status --unit 610301 --period 2026
expect_rc 3 "clerk cannot read another township's verification list" "$PS" --token "$CLERK" verify-report --unit 610301002 --period 2026
expect_err "record-level data" "the refusal says why"
expect_rc 0 "clerk reads a village below" "$PS" --token "$CLERKU" status --unit 610303001002 --period 2026
expect_rc 3 "clerk cannot read a village elsewhere" "$PS" --token "$CLERKU" status --unit 610303002001 --period 2026
expect_rc 0 "viewer reads township A" "$PS" --token "$VIEWER" status --unit 610301001 --period 2026
expect_rc 0 "viewer reads township B" "$PS" --token "$VIEWER" status --unit 610301002 --period 2026 --json
expect_eq "$(json 'j["status"]')" veto "viewer sees T2 veto"
expect_rc 0 "viewer ranks the city" "$PS" --token "$VIEWER" ranking --parent 6199 --period 2026 --json
expect_eq "$(json 'len(j["rows"])')" 2 "viewer ranking rows"
expect_rc 3 "viewer cannot set targets" "$PS" --token "$VIEWER" target set birth_rate '<=' 99
expect_rc 3 "clerk cannot set indicators" "$PS" --token "$CLERK" indicator set x 'births' --unit %

# ================================================================ 10. custom indicator
expect_rc 0 "indicator set mig_rate" "$PS" indicator set mig_rate '(mig_in - mig_out) / pop_avg * 1000' --unit ‰
st 610304001 2026Q1
# (3 - 1)/4996*1000 = 0.4003 -> 0.40; annualized *365/90 = 1.6235 -> 1.62
expect_ind mig_rate 0.40 1.62 1.62 null "W1 Q1 mig_rate"
expect_eq "$(tgt mig_rate)" null "new indicator has no target"
expect_eq "$(ind mig_rate unit)" "‰" "new indicator unit"
expect_rc 0 "indicator list json" "$PS" indicator list --json
expect_eq "$(json 'sum(1 for i in (j if isinstance(j, list) else j.get("indicators", [])) if "mig_rate" in json.dumps(i))')" 1 \
    "indicator list shows mig_rate"
# 'births / ' is 9 characters: the unknown name starts at column 10.
expect_rc 1 "bad expression" "$PS" indicator set bad 'births / foo * 1000' --unit ‰
expect_err "foo" "bad expression names the counter"
expect_err "column 10" "bad expression names the column"
expect_rc 1 "unbalanced expression" "$PS" indicator set bad2 '(births / pop_avg' --unit ‰
# ================================================================ 10b. four tiers
expect_rc 0 "four-tier ranking" "$PS" ranking --parent 610320 --period 2026 --json
S3=$(calc '100*(25*(1-0.01/11.5)+75)/100')
expect_eq "$(json "' '.join('%s:%s:%s:%s' % (r['rank'], r['unit'], r['status'], 'null' if r['score'] is None else '%.2f' % r['score']) for r in j['rows'])")" \
    "1:610320001:met:100.00 2:610320002:incomplete:100.00 3:610320003:veto:$S3 None:610320004:incomplete:null" \
    "four tiers: complete, incomplete, vetoed; nothing assessed has no rank"
expect_eq "$(printf '%s' "$OUT" | grep -c '"rank": null')" 1 "no rank is JSON null"
expect_rc 0 "four-tier ranking csv" "$PS" ranking --parent 610320 --period 2026 --csv
expect_eq "$(printf '%s\n' "$OUT" | sed -n 5p | cut -d, -f1,2)" ",610320004" "csv: no rank is an empty cell"
expect_rc 0 "four-tier ranking table" "$PS" ranking --parent 610320 --period 2026 --wide
expect_eq "$(printf '%s\n' "$OUT" | grep 610320004 | awk '{print $1}')" "-" "table: no rank is -"
# Outputs say why a target is not assessed.
expect_rc 0 "status table, no data" "$PS" status --unit 610320004 --period 2026
expect_out "not_assessed (no population record)" "no population record"
expect_rc 0 "status table, never inspected" "$PS" status --unit 610320002 --period 2026
expect_out "not_assessed (no verification (never inspected))" "no verification"
expect_rc 0 "status table zh, never inspected" "$PS" status --unit 610320002 --period 2026 --lang zh
expect_out "未考核：无核查记录（未核查）" "zh: one level of parentheses"
expect_eq "$(printf '%s\n' "$OUT" | grep -c '未考核 (')" 0 "zh: no nested parentheses"
expect_rc 0 "status table, parent" "$PS" status --unit 610320 --period 2026
expect_out "no population: 610320004 层4镇" "a parent names the children without a population"
expect_rc 0 "bulletin says why" "$PS" bulletin --period 2026-10 --parent 610320 --lang en
expect_out "层2镇: no verification (never inspected)" "bulletin: never inspected"
expect_out "层4镇: no population record" "bulletin: no population"
expect_rc 0 "bulletin says why, zh" "$PS" bulletin --period 2026-10 --parent 610320 --lang zh
expect_out "层4镇：无人口记录" "zh bulletin: no population"
expect_rc 0 "per-indicator ranking, no value unranked" "$PS" ranking --parent 610320 --period 2026 --indicator birth_error_rate --json
expect_eq "$(json "' '.join('%s:%s' % (r['rank'], r['unit']) for r in j['rows'])")" \
    "1:610320001 1:610320003 None:610320002 None:610320004" "no value there: listed last, unranked"

# ---------------------------------------------------------------- targets
# Everything below changes targets; sections that need no target change
# come first.

# ================================================================ 11. scores and ranking
# Defaults (every target veto, weight 25): R1 met 100; R5 veto 11.51
# (99.98); R2 = R3 veto policy 94 (s = 1 - 1/95); R4 veto policy 90.
expect_rc 0 "ranking default targets" "$PS" ranking --parent 610305 --period 2026 --json
S5=$(calc '100*(25*(1-0.01/11.5)+75)/100')
S23=$(calc '100*(75+25*(1-1/95))/100')
S4=$(calc '100*(75+25*(1-5/95))/100')
expect_eq "$(rows)" "1:610305001:met:100.00 2:610305005:veto:$S5 3:610305002:veto:$S23 3:610305003:veto:$S23 5:610305004:veto:$S4" \
    "default ranking: vetoed by score, tie shares a rank"

# policy_rate becomes a non-veto target of weight 40.
expect_rc 0 "target set policy non-veto" "$PS" target set policy_rate '>=' 95 --no-veto --weight 40
# The confirmation names the indicator that was changed.
expect_out "policy_rate" "target set confirmation names the indicator"
expect_no_out "births" "target set confirmation shows no expression"
st 610305002 2026
expect_eq "$(tgt policy_rate)" ">= 95 false 40" "changed policy target"
expect_ind policy_rate 94.00 null 94.00 missed "R2 (47/50)"
expect_eq "$(json 'j["status"]')" missed "R2 non-veto miss gives missed"
S23=$(calc '100*(25+25+25+40*(1-1/95))/(25+25+25+40)')
expect_eq "$(jv 'j["score"]')" "$S23" "R2 score 100*sum(w*s)/sum(w)"
st 610305005 2026
S5=$(calc '100*(25*(1-0.01/11.5)+25+25+40)/115')
expect_eq "$(jv 'j["score"]')" "$S5" "R5 score"
S4=$(calc '100*(75+40*(1-5/95))/115')
expect_rc 0 "ranking" "$PS" ranking --parent 610305 --period 2026 --json
expect_eq "$(rows)" "1:610305001:met:100.00 2:610305002:missed:$S23 2:610305003:missed:$S23 4:610305004:missed:$S4 5:610305005:veto:$S5" \
    "ranks 1 2 2 4, vetoed last despite a higher score"
expect_eq "$(rowind birth_rate)" "610305001=2.00 610305002=5.00 610305003=5.00 610305004=2.00 610305005=11.51" \
    "ranking rows carry judged values"
expect_rc 0 "ranking csv" "$PS" ranking --parent 610305 --period 2026 --csv
expect_eq "$(printf '%s\n' "$OUT" | head -n 1 | cut -d, -f1-5)" "rank,unit,name,status,score" "csv header row"
expect_eq "$(printf '%s\n' "$OUT" | wc -l)" 6 "csv header + 5 rows"
expect_eq "$(printf '%s\n' "$OUT" | sed -n 2p | cut -d, -f1,2)" "1,610305001" "csv first row"
expect_rc 0 "ranking table" "$PS" ranking --parent 610305 --period 2026
expect_out "排5镇" "table shows names"

# Per-indicator rankings.
expect_rc 0 "ranking by birth_rate" "$PS" ranking --parent 610305 --period 2026 --indicator birth_rate --json
expect_eq "$(json '[r["indicators"]["birth_rate"] for r in j["rows"]]')" "[2.0, 2.0, 5.0, 5.0, 11.51]" \
    "birth_rate (<=) ascending"
expect_eq "$(json 'j["rows"][-1]["unit"]')" 610305005 "highest birth rate last"
expect_rc 0 "ranking by policy_rate" "$PS" ranking --parent 610305 --period 2026 --indicator policy_rate --json
expect_eq "$(json '[r["indicators"]["policy_rate"] for r in j["rows"]]')" "[100.0, 100.0, 94.0, 94.0, 90.0]" \
    "policy_rate (>=) descending"
expect_eq "$(json 'j["rows"][-1]["unit"]')" 610305004 "lowest policy rate last"
expect_rc 1 "ranking by an unknown indicator" "$PS" ranking --parent 610305 --period 2026 --indicator nope

# Restore the default policy target.
expect_rc 0 "target set policy back" "$PS" target set policy_rate '>=' 95 --veto --weight 25
st 610305002 2026
expect_eq "$(tgt policy_rate)" ">= 95 true 25" "policy target restored"
expect_eq "$(json 'j["status"]')" veto "R2 veto again"

# ================================================================ 12. per-unit overrides
expect_rc 0 "override birth_rate for T2" "$PS" target set birth_rate '<=' 20 --unit 610301002
expect_out "birth_rate" "override confirmation names the indicator"
expect_out "610301002" "override confirmation names the unit"
st 610301002 2026
expect_eq "$(tgt birth_rate)" "<= 20 true 25" "override inherits veto and weight"
expect_ind birth_rate 11.51 11.51 11.51 met "T2 under its override"
expect_eq "$(json 'j["status"]')" met "T2 met under its override"
expect_eq "$(jv 'j["score"]')" 100.00 "T2 score under its override"
st 610301001 2026
expect_eq "$(tgt birth_rate)" "<= 11.5 true 25" "T1 keeps the default"
st 610305005 2026
expect_ind birth_rate 11.51 11.51 11.51 missed "another 11.51 unit keeps the default"
expect_rc 0 "ranking with override" "$PS" ranking --parent 610301 --period 2026 --json
expect_eq "$(rows)" "1:610301001:met:100.00 1:610301002:met:100.00" "tie at the top"
expect_rc 0 "target delete override" "$PS" target delete birth_rate --unit 610301002
st 610301002 2026
expect_eq "$(tgt birth_rate)" "<= 11.5 true 25" "delete restores the default"
expect_ind birth_rate 11.51 11.51 11.51 missed "T2 after delete"
expect_eq "$(json 'j["status"]')" veto "T2 veto after delete"
expect_eq "$(sql "select count(*) from audit where action = 'target.set'")" 3 "target sets audited"
expect_eq "$(sql "select count(*) from audit where action = 'target.delete'")" 1 "target delete audited"
expect_eq "$(sql "select unit from audit where action = 'target.delete'")" 610301002 "audit names the unit"
expect_rc 1 "override for an unknown unit" "$PS" target set birth_rate '<=' 20 --unit 404
expect_rc 1 "target for an unknown indicator" "$PS" target set nope '<=' 1

# ================================================================ 13. a target on the custom indicator
expect_rc 0 "non-veto target on mig_rate" "$PS" target set mig_rate '<=' 1 --no-veto
st 610304001 2026Q1
expect_eq "$(tgt mig_rate)" "<= 1 false 25" "mig_rate target, default weight 25"
expect_ind mig_rate 0.40 1.62 1.62 missed "W1 Q1 mig_rate judged annualized"
# birth_error_rate is not assessed (no verification): incomplete beats missed.
expect_eq "$(json 'j["status"]')" incomplete "incomplete before missed"
# assessed: birth_rate, growth, policy met; mig_rate s = 1 - |1.62 - 1|/1
expect_eq "$(jv 'j["score"]')" "$(calc '100*(75+25*(1-0.62))/100')" "score uses the judged value"
expect_rc 0 "delete mig_rate target" "$PS" target delete mig_rate

# ================================================================ 14. operators, flags, rounded ties, expressions
# On T1 (all met, death_rate 6.00, birth_rate 11.50, policy 100.00).
# Strict '<': 11.50 < 11.5 is false -> missed (veto); s = 1 - 0/11.5 = 1.
expect_rc 0 "strict < override" "$PS" target set birth_rate '<' 11.5 --unit 610301001
st 610301001 2026
expect_ind birth_rate 11.50 11.50 11.50 missed "11.50 fails < 11.5"
expect_eq "$(json 'j["status"]')/$(jv 'j["score"]')" veto/100.00 "strict miss: veto, s = 1"
expect_rc 0 "target delete strict override" "$PS" target delete birth_rate --unit 610301001
# Strict '>': 100.00 > 100 is false.
expect_rc 0 "strict > override" "$PS" target set policy_rate '>' 100 --no-veto --unit 610301001
st 610301001 2026
expect_ind policy_rate 100.00 null 100.00 missed "100.00 fails > 100"
expect_eq "$(tgt policy_rate)" "> 100 false 25" "override with --no-veto"
expect_eq "$(json 'j["status"]')" missed "non-veto strict miss"
expect_rc 0 "target delete > override" "$PS" target delete policy_rate --unit 610301001
# T = 0: death_rate <= 0 (non-veto, weight 50) missed, s = 0.
expect_rc 0 "zero target override" "$PS" target set death_rate '<=' 0 --no-veto --weight 50 --unit 610301001
st 610301001 2026
expect_ind death_rate 6.00 6.00 6.00 missed "6.00 fails <= 0"
expect_eq "$(json 'j["status"]')" missed "T1 missed on a non-veto target"
expect_eq "$(jv 'j["score"]')" "$(calc '100*(4*25+50*0)/(4*25+50)')" "T = 0 gives s = 0"
st 610301002 2026
expect_eq "$(tgt death_rate)" null "the override is for T1 only"
expect_rc 0 "target delete zero override" "$PS" target delete death_rate --unit 610301001
st 610301001 2026
expect_eq "$(json 'j["status"]')/$(jv 'j["score"]')" met/100.00 "T1 back to met"
expect_eq "$(tgt death_rate)" null "no death_rate target after delete"

# Flags not given keep their value.
expect_rc 0 "set growth non-veto weight 10" "$PS" target set natural_growth_rate '<=' 5.5 --no-veto --weight 10
expect_rc 0 "set growth value only" "$PS" target set natural_growth_rate '<=' 6
st 610301001 2026
expect_eq "$(tgt natural_growth_rate)" "<= 6 false 10" "veto and weight kept"
expect_rc 0 "restore growth target" "$PS" target set natural_growth_rate '<=' 5.5 --veto --weight 25

# Ties are decided on the score rounded to 2 decimals.  Three townships with
# identical data (all default targets met); a custom indicator births + 1000
# = 1020 gets per-unit non-veto targets of weight 1:
#   X1: none -> 100;  X2: <= 1019 -> s = 1 - 1/1019, score 100*(100+s)/101
#   = 99.999 -> 100.00;  X3: <= 1018 -> s = 1 - 2/1018 -> 99.998 -> 100.00.
unit 610308 平县 --level county
printf 'record_id,unit,date,sex,birth_order,policy,mother_id\n' > "$F/birth2.csv"
printf 'record_id,unit,date,persons\n' > "$F/pop2.csv"
printf 'record_id,unit,date,mother_id\n' > "$F/ver2.csv"
for i in 1 2 3; do
	unit 61030800$i 平${i}镇 --parent 610308 --level township
	printf 'p,61030800%d,2025-12-31,9990\n' $i >> "$F/pop2.csv"
	printf 'v,61030800%d,2026-06-01,mX%d\n' $i $i >> "$F/ver2.csv"
	for k in $(seq 1 20); do
		printf 'b%d,61030800%d,2026-06-01,M,1,Y,%s\n' $k $i "$([ $k -eq 1 ] && echo mX$i)" >> "$F/birth2.csv"
	done
done
for k in pop2 ver2 birth2; do expect_rc 0 "submit $k" "$PS" submit "$F/$k.csv"; done
expect_rc 0 "indicator births_k" "$PS" indicator set births_k 'births + 1000' --unit persons
expect_rc 0 "X2 target" "$PS" target set births_k '<=' 1019 --no-veto --weight 1 --unit 610308002
expect_rc 0 "X3 target" "$PS" target set births_k '<=' 1018 --no-veto --weight 1 --unit 610308003
st 610308003 2026
expect_ind births_k 1020.00 null 1020.00 missed "X3 births_k (not a per-mille rate)"
expect_eq "$(json 'j["status"]')" missed "X3 missed"
expect_eq "$(jv 'j["score"]')" "$(calc '100*(100+1-2/1018)/101')" "X3 score rounds to 100.00"
expect_rc 0 "ranking rounded ties" "$PS" ranking --parent 610308 --period 2026 --json
expect_eq "$(printf '%s' "$OUT" | python3 -c "import json,sys; j=json.load(sys.stdin)
print(' '.join(sorted('%d:%s:%s' % (r['rank'], r['unit'], r['status']) for r in j['rows'])))")" \
    "1:610308001:met 1:610308002:missed 1:610308003:missed" "scores equal after rounding share rank 1"
expect_eq "$(sql "select count(*) from audit where action = 'indicator.set'")" 2 "indicator sets audited"

# Expression arithmetic on T1 2026 (births 23, deaths 12, mig_in 1,
# mig_out 0): precedence, left associativity, decimals, parentheses, and a
# division by zero giving no value.
for e in "births - deaths * 2|-1.00" "(births - deaths) * 2|22.00" \
    "births / 2 / 2|5.75" "births - deaths - mig_in|10.00" \
    "births * 0.5 + 1|12.50" "births / mig_out|null" \
    "((births))/(deaths - mig_in - 10)|23.00"; do
	expr=${e%|*} want=${e#*|}
	expect_rc 0 "indicator set e1 = $expr" "$PS" indicator set e1 "$expr" --unit x
	st 610301001 2026
	got=$(ind e1 value)
	expect_eq "$got" "$want" "e1 = $expr"
done
expect_eq "$(ind e1 annualized)" null "a non-rate indicator is not annualized"
expect_eq "$(sql "select count(*) from audit where action = 'indicator.set'")" 9 "redefinitions audited"

# Per-indicator ranking of the roll-up county: only direct children (4
# townships, no villages); U4 2/701 = 2.85, U1 4.00, U3 4.99; U2 has no
# value and comes last.
expect_rc 0 "ranking roll-up county by birth_rate" "$PS" ranking --parent 610303 --period 2026 --indicator birth_rate --json
expect_eq "$(rowind birth_rate)" "610303004=2.85 610303001=4.00 610303003=4.99 610303002=null" \
    "direct children only, ascending, not assessed last"

finish
