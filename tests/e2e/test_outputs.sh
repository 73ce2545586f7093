#!/usr/bin/env bash
# Outputs for a Chinese county office (doc/indicators.md §14): tables in
# Chinese and English (--lang, "lang =" in the config, the locale), the
# compact ranking table that fits 120 columns, 同比 beside each target
# indicator, Excel workbooks read back with openpyxl and compared cell by
# cell with --json, CSV for Excel (--bom, --encoding gb18030).
#
# The county 兴国县 (360732): four townships, records in 2025 and 2026 so
# that every target indicator has a value last year.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
F=$WORK/f
mkdir -p "$F"
PYTHONPATH=$(cd "$(dirname "$0")" && pwd) python3 - "$F" <<'PY'
import sys
import twoyears
f = sys.argv[1]
# unit: (population 2024-12-31, births 2025, births 2026, deaths 25/26,
#        policy N 2026, verifications 2026 (unmatched))
spec = {
    '360732101': ('潋江镇', 5000, 40, 30, 20, 20, 0, 0),
    '360732102': ('崇贤乡', 3000, 20, 45, 10, 8, 4, 1),
    '360732103': ('长冈乡', 2000, 10, 12, 10, 10, 0, 0),
    '360732104': ('东村乡', 1500, 12, 9, 8, 5, 0, 0),
}
twoyears.write(f, spec)
PY
HPORT=$(free_port)
start_server --http 127.0.0.1:"$HPORT"
H=http://127.0.0.1:$HPORT
expect_rc 0 "unit add county" "$PS" unit add 360732 兴国县 --level county
while IFS=$'\t' read -r code name; do
	expect_rc 0 "unit add $name" "$PS" unit add "$code" "$name" --parent 360732 --level township
done < "$F/units.tsv"
for k in pop births deaths verif; do
	expect_rc 0 "submit $k" "$PS" submit "$F/$k.csv"
done
P=2026-01-01..2026-10-31

# ---------------------------------------------------------------- languages
# Chinese: the bulletin's terms in the headers and statuses.
expect_rc 0 "ranking zh" "$PS" ranking --parent 360732 --period $P --lang zh
RZH=$OUT
for h in 名次 单位 考核结果 得分 出生率 自然增长率 出生统计误差率 符合政策生育率 同比; do
	expect_eq "$(printf '%s\n' "$RZH" | sed -n 3p | grep -c -- "$h")" 1 "zh ranking header has $h"
done
expect_eq "$(printf '%s\n' "$RZH" | grep -cE 'birth_rate|policy_rate|veto|incomplete| met ')" 0 "zh ranking: no English keys or statuses"
expect_eq "$(printf '%s\n' "$RZH" | grep -c '崇贤乡 .*一票否决')" 1 "zh ranking: 崇贤乡 vetoed (policy 91.11%)"
# The compact default fits 120 columns; --wide has every indicator.
expect_eq "$(printf '%s\n' "$RZH" | python3 -c 'import sys,unicodedata as u; print(max(sum(2 if u.east_asian_width(c) in "WF" else 1 for c in l.rstrip("\n")) for l in sys.stdin))' | awk '{print ($1 <= 120)}')" 1 "zh compact ranking fits 120 columns"
expect_eq "$(printf '%s\n' "$RZH" | grep -c '多孩率\|死亡率')" 0 "compact: only the target indicators"
expect_rc 0 "ranking zh --wide" "$PS" ranking --parent 360732 --period $P --lang zh --wide
expect_eq "$(printf '%s\n' "$OUT" | sed -n 3p | grep -c '代码.*死亡率.*多孩率')" 1 "--wide: code and every indicator"
expect_eq "$(printf '%s\n' "$OUT" | grep -c 360732102)" 1 "--wide: unit codes"
expect_rc 0 "ranking en" "$PS" ranking --parent 360732 --period $P --lang en
REN=$OUT
expect_eq "$(printf '%s\n' "$REN" | sed -n 3p | awk '{print $1, $2, $3, $4}')" "rank name status score" "en ranking header"
expect_eq "$(printf '%s\n' "$REN" | grep -c '崇贤乡 .*veto')" 1 "en ranking: status veto"
expect_eq "$(printf '%s\n' "$REN" | python3 -c 'import sys; print(max(len(l.rstrip()) for l in sys.stdin) <= 120)')" True "en compact ranking fits 120 columns"
# The default: lang = in the config, else the locale, else en.
printf 'lang = zh\n' > "$WORK/zh.conf"
expect_rc 0 "ranking, config lang = zh" env POPSTAT_CONFIG="$WORK/zh.conf" LC_ALL=C "$PS" ranking --parent 360732 --period $P
expect_eq "$OUT" "$RZH" "config lang = zh: the Chinese table"
expect_rc 0 "ranking, --lang en over the config" env POPSTAT_CONFIG="$WORK/zh.conf" "$PS" ranking --parent 360732 --period $P --lang en
expect_eq "$OUT" "$REN" "--lang over the config"
expect_rc 0 "ranking, locale zh_CN" env LC_ALL=zh_CN.UTF-8 "$PS" ranking --parent 360732 --period $P
expect_eq "$OUT" "$RZH" "locale zh_CN.UTF-8: Chinese"
expect_rc 0 "ranking, locale C" env LC_ALL=C LANG=C "$PS" ranking --parent 360732 --period $P
expect_eq "$OUT" "$REN" "no --lang, no config, locale C: English"
printf 'lang = fr\n' > "$WORK/fr.conf"
expect_rc 2 "config lang = fr" env POPSTAT_CONFIG="$WORK/fr.conf" "$PS" ranking --parent 360732 --period $P
expect_err "lang 'fr': must be zh or en" "bad lang in the config named"
expect_rc 2 "--lang fr" "$PS" ranking --parent 360732 --period $P --lang fr
# JSON keys stay English whatever the language.
expect_rc 0 "ranking json zh" "$PS" ranking --parent 360732 --period $P --lang zh --json
RJ=$OUT
expect_rc 0 "ranking json en" "$PS" ranking --parent 360732 --period $P --lang en --json
expect_eq "$OUT" "$RJ" "--json is the same in both languages"
expect_rc 0 "ranking csv zh" "$PS" ranking --parent 360732 --period $P --lang zh --csv
expect_eq "$(printf '%s\n' "$OUT" | head -n 1 | cut -d, -f1-6)" "rank,unit,name,status,score,birth_rate" "--csv keys stay English"

# 同比 in the table is the yoy change of ranking --json, row by row.
OUT=$RJ
want=$(json "'\n'.join(r['name'] + ' ' + ' '.join(('%+.2f' % r['yoy'][n]['change']).replace('+0.00', '0.00').replace('-0.00', '0.00') if r['yoy'][n] else '-' for n in ('birth_rate', 'natural_growth_rate', 'birth_error_rate', 'policy_rate')) for r in j['rows'])")
got=$(printf '%s\n' "$RZH" | tail -n +4 | awk '{print $2, $6, $8, $10, $12}')
expect_eq "$got" "$want" "zh table 同比 columns = ranking --json yoy changes"
expect_eq "$(printf '%s\n' "$want" | grep -c '^崇贤乡 +')" 1 "崇贤乡's birth rate rose (20 -> 45 births)"

# status: Chinese headers and terms; 同比 = yoy of status --json.
expect_rc 0 "status zh" "$PS" status --unit 360732102 --period $P --lang zh
SZ=$OUT
expect_eq "$(printf '%s\n' "$SZ" | sed -n 2p)" "考核结果：一票否决  得分：$("$PS" status --unit 360732102 --period $P --json | python3 -c 'import json,sys; print("%.2f" % json.load(sys.stdin)["score"])')" "zh status line"
expect_eq "$(printf '%s\n' "$SZ" | sed -n 4p | awk '{print $1, $2, $3, $4, $5, $6, $7, $8, $9}')" "指标 本期值 年化值 单位 目标 考核值 结果 去年同期 同比" "zh status header"
expect_eq "$(printf '%s\n' "$SZ" | grep -c '^符合政策生育率 .*未达标')" 1 "zh: policy rate 未达标"
expect_eq "$(printf '%s\n' "$SZ" | grep -c '^计数： 出生=45')" 1 "zh counters"
expect_eq "$(printf '%s\n' "$SZ" | grep -c 'per 100 girls')" 0 "zh status: no 'per 100 girls'"
expect_eq "$(printf '%s\n' "$SZ" | grep -c '^出生人口性别比 .*女婴=100')" 1 "zh status: sex ratio unit 女婴=100"
# target list in Chinese: 是/否, 全部单位, 女婴=100, no English left.
expect_rc 0 "target list zh" "$PS" target list --lang zh
TZ=$OUT
expect_eq "$(printf '%s\n' "$TZ" | grep -c 'yes\|all units\|per 100 girls')" 0 "zh target list: no English terms"
expect_eq "$(printf '%s\n' "$TZ" | grep -c '全部单位')" "$(printf '%s\n' "$TZ" | grep -c ' [<>=]=* [0-9]')" "zh target list: every target for 全部单位"
expect_eq "$(printf '%s\n' "$TZ" | grep -c ' 是 \| 否 ')" "$(printf '%s\n' "$TZ" | grep -c '全部单位')" "zh target list: veto as 是/否"
expect_eq "$(printf '%s\n' "$TZ" | grep -c '女婴=100')" 1 "zh target list: sex ratio per 女婴=100"
expect_eq "$(printf '%s\n' "$TZ" | grep -c '全部单位' | awk '{print ($1 >= 4)}')" 1 "zh target list: the four targets shown"
expect_rc 0 "status json" "$PS" status --unit 360732102 --period $P --json
want=$(json "'\n'.join('%s %s' % (i['name'], ('%.2f %+.2f' % (i['yoy']['value'], i['yoy']['change'])).replace('+0.00', '0.00') if i['yoy'] else '- -') for i in j['indicators'])")
expect_rc 0 "status en" "$PS" status --unit 360732102 --period $P --lang en
got=$(printf '%s\n' "$OUT" | awk 'NR > 4 && NF >= 5 && $1 != "counters:" {print $1, $(NF-1), $NF}')
expect_eq "$got" "$want" "en status last-year and 同比 columns = status --json yoy"

# ---------------------------------------------------------------- dashboard
need_curl
page() { curl -s -H "Authorization: Bearer $ADMIN" "$H$1"; }
page "/unit?unit=360732102&period=$P" > "$WORK/unit.zh.html"
expect_eq "$(grep -c 'per 100 girls' "$WORK/unit.zh.html")" 0 "zh unit page: no 'per 100 girls'"
expect_eq "$(grep -c '女婴=100' "$WORK/unit.zh.html" | awk '{print ($1 > 0)}')" 1 "zh unit page: sex ratio unit in Chinese"
page "/unit?unit=360732102&period=$P&lang=en" > "$WORK/unit.en.html"
expect_eq "$(grep -c 'per 100 girls' "$WORK/unit.en.html" | awk '{print ($1 > 0)}')" 1 "en unit page: per 100 girls"
OUT=$("$PS" status --unit 360732102 --period $P --json)
want=$(json "' '.join(('%+.2f' % i['yoy']['change']).replace('+0.00', '0.00').replace('-0.00', '0.00') if i['yoy'] else '-' for i in j['indicators'])")
got=$(python3 - "$WORK/unit.zh.html" <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8").read().split('<table id="indicators"', 1)[1].split("</table>", 1)[0]
print(" ".join(re.findall(r'<td class="n yoy[^"]*">([^<]*)</td>', t)))
PY
)
expect_eq "$got" "$want" "unit page 同比 cells = status --json yoy"
page "/ranking?parent=360732&period=$P" > "$WORK/rank.html"
OUT=$RJ
want=$(json "' '.join(('%+.2f' % r['yoy'][n]['change']).replace('+0.00', '0.00').replace('-0.00', '0.00') if r['yoy'][n] else '-' for r in j['rows'] for n in ('birth_rate', 'natural_growth_rate', 'birth_error_rate', 'policy_rate'))")
got=$(python3 - "$WORK/rank.html" <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8").read().split('<table id="ranking"', 1)[1].split("</table>", 1)[0]
print(" ".join(re.findall(r'<td class="n yoy[^"]*"[^>]*>([^<]*)</td>', t)))
PY
)
expect_eq "$got" "$want" "ranking page 同比 cells = ranking --json yoy, row by row"
expect_eq "$(grep -o '<th class="yoy"[^>]*>同比</th>' "$WORK/rank.html" | wc -l)" 4 "ranking page: a 同比 column per target"

finish
