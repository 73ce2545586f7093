#!/usr/bin/env bash
# Excel outputs (doc/indicators.md §14, issue 18 item 3, issue 21 item 8):
# --format xlsx --output FILE for ranking, status, report status, export
# and the bulletin, read back with openpyxl and compared cell by cell with
# --json (numbers numeric at 2 decimals, the header row frozen, Chinese
# headers, CJK widths, vetoed and missed values marked); CSV with --bom and
# --encoding gb18030; text cells that a spreadsheet would take for a
# formula prefixed with ' in every CSV, numbers left alone.
#
# The county 兴国县 (360732): four townships as in test_outputs, and two
# whose names are formulas: "=HYPERLINK(...)" and "-2+3" (more deaths than
# births: a negative natural growth rate on the same row).
. "$(dirname "$0")/lib.sh" "${1:-bin}"
F=$WORK/f
mkdir -p "$F"
if ! /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
	skip_suite "python3-openpyxl is not installed (make deps)"
	exit 0
fi
EVIL='=HYPERLINK("http://evil.example/","点我")'
PYTHONPATH=$(cd "$(dirname "$0")" && pwd) python3 - "$F" "$EVIL" <<'PY'
import sys
import twoyears
f, evil = sys.argv[1], sys.argv[2]
# unit: (name, population 2024-12-31, births 2025, births 2026,
#        deaths 2025, deaths 2026, policy N 2026, unmatched verifications)
spec = {
    '360732101': ('潋江镇', 5000, 40, 30, 20, 20, 0, 0),
    '360732102': ('崇贤乡', 3000, 20, 45, 10, 8, 4, 1),
    '360732103': ('长冈乡', 2000, 10, 12, 10, 10, 0, 0),
    '360732104': ('东村乡', 1500, 12, 9, 8, 5, 0, 0),
    '360732105': (evil, 1200, 8, 7, 6, 6, 0, 0),
    '360732106': ('-2+3', 1000, 6, 3, 5, 9, 0, 0),
}
twoyears.write(f, spec)
PY
start_server
expect_rc 0 "unit add county" "$PS" unit add 360732 兴国县 --level county
while IFS=$'\t' read -r code name; do
	expect_rc 0 "unit add $name" "$PS" unit add "$code" "$name" --parent 360732 --level township
done < "$F/units.tsv"
for k in pop births deaths verif; do
	expect_rc 0 "submit $k" "$PS" submit "$F/$k.csv"
done
for d in 2026-10D1 2026-10D2; do
	expect_rc 0 "report file 101 $d" "$PS" report file --unit 360732101 --period $d
done
expect_rc 0 "report file 102 D1" "$PS" report file --unit 360732102 --period 2026-10D1
expect_rc 0 "dept add" "$PS" dept add CZJ 财政局
expect_rc 0 "an overdue task" "$PS" task add --title "补录出生信息" --owner 360732102 --person 李乡长 --due 2026-10-20
expect_rc 0 "an overdue department task" "$PS" task add --title "落实奖励扶助资金" --owner CZJ --due 2026-10-25
P=2026-01-01..2026-10-31

# check.py KIND WORKBOOK JSON [ARGS]: compare a workbook with --json; print
# one line per failed comparison and then "checked N" (N comparisons).
cat > "$WORK/check.py" <<'PY'
import json, sys, unicodedata
import openpyxl

kind, path, jpath = sys.argv[1], sys.argv[2], sys.argv[3]
args = sys.argv[4:]
wb = openpyxl.load_workbook(path)
j = json.load(open(jpath, encoding="utf-8")) if jpath != "-" else None
n = 0
bad = []
RED = "FFC7CE"

def eq(got, want, what):
    global n
    n += 1
    if isinstance(want, float) or (isinstance(want, int) and
                                   not isinstance(want, bool) and
                                   isinstance(got, float)):
        if not isinstance(got, (int, float)) or isinstance(got, bool) or \
                abs(got - want) > 0.005:
            bad.append("%s: got %r, want %r" % (what, got, want))
    elif got != want:
        bad.append("%s: got %r, want %r" % (what, got, want))

def num(cell, want, what):
    """A number cell at 2 decimals, or an empty one for null."""
    if want is None:
        eq(cell.value, None, what + " (null: empty)")
        return
    eq(cell.data_type, "n", what + " is numeric")
    eq(cell.value, float(want), what)
    eq(cell.number_format, "0.00", what + " format 0.00")

def red(cell):
    f = cell.fill
    return f is not None and f.fgColor is not None and \
        (f.fgColor.rgb or "").upper().endswith(RED)

def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in str(s))

def common(ws):
    """Frozen header, widths fitted to the widest (CJK = 2) text."""
    eq(ws.freeze_panes, "A2", ws.title + " frozen at A2")
    for col in ws.iter_cols(min_row=1, max_row=ws.max_row):
        letter = col[0].column_letter
        w = max(width(c.value) for c in col if c.value is not None) \
            if any(c.value is not None for c in col) else 0
        got = ws.column_dimensions[letter].width
        eq(got is not None and got >= min(w, 58), True,
           "%s column %s width %s fits %d" % (ws.title, letter, got, w))

def header(ws):
    return [c.value for c in ws[1]]

def rows(ws):
    return list(ws.iter_rows(min_row=2))

if kind == "ranking":
    # args: the Chinese names of the indicators, in order
    names = json.loads(args[0])
    ws = wb.worksheets[0]
    eq(ws.title, "排名", "sheet name")
    common(ws)
    h = header(ws)
    eq(h[:5], ["名次", "代码", "单位", "考核结果", "得分"], "header")
    col = {}
    for i, x in enumerate(h):
        if x in names.values():
            col[[k for k, v in names.items() if v == x][0]] = i
    yoy = {k for k in col if i < len(h) and col[k] + 1 < len(h)
           and h[col[k] + 1] == "同比"}
    eq(sorted(yoy), sorted(["birth_rate", "natural_growth_rate",
                            "birth_error_rate", "policy_rate"]), "同比 columns")
    eq(len(rows(ws)), len(j["rows"]), "row count")
    status = {"met": "达标", "missed": "未达标", "veto": "一票否决",
              "incomplete": "未考核", "not_assessed": "未考核"}
    for r, want in zip(rows(ws), j["rows"]):
        u = want["unit"]
        eq(r[0].value, want["rank"], u + " rank")
        eq(r[1].value, u, u + " code")
        eq(r[1].data_type, "s", u + " code is text")
        eq(r[2].value, want["name"], u + " name")
        eq(r[2].data_type, "s", u + " name is text, not a formula")
        eq(r[3].value, status[want["status"]], u + " status")
        eq(red(r[3]), want["status"] in ("veto", "missed"), u + " status marked")
        if want["status"] == "veto":
            eq(r[3].comment is not None and "一票否决" in r[3].comment.text,
               True, u + " veto note")
        num(r[4], want["score"], u + " score")
        for k, c in col.items():
            num(r[c], want["indicators"].get(k), u + " " + k)
            if k in yoy:
                y = want["yoy"].get(k)
                num(r[c + 1], y["change"] if y else None, u + " " + k + " 同比")
    # A missed target is marked: 崇贤乡's policy rate.
    r = [x for x in rows(ws) if x[1].value == "360732102"][0]
    eq(red(r[col["policy_rate"]]), True, "崇贤乡 policy rate marked red")
    eq(r[col["policy_rate"]].comment is not None, True, "崇贤乡 policy note")
    # A unit that met every target has no marked value.
    met = [x for x, w in zip(rows(ws), j["rows"]) if w["status"] == "met"]
    eq(len(met) > 0, True, "some unit met every target")
    for x in met:
        eq([c.coordinate for c in x if red(c)], [], x[2].value + ": nothing marked")
elif kind == "status":
    ws, wc = wb.worksheets[0], wb.worksheets[1]
    eq(ws.title, "考核情况", "sheet name")
    eq(wc.title, "计数", "counter sheet name")
    common(ws)
    common(wc)
    eq(header(ws), ["指标", "本期值", "年化值", "单位", "目标", "考核值", "结果",
                    "去年同期", "同比"], "header")
    eq(len(rows(ws)), len(j["indicators"]), "row count")
    for r, i in zip(rows(ws), j["indicators"]):
        nm = i["name"]
        num(r[1], i["value"], nm + " value")
        if i["annualized"] is not None:
            num(r[2], i["annualized"], nm + " annualized")
        if i["target"] is not None:
            num(r[5], i["judged"], nm + " judged")
            eq(red(r[5]), i["result"] == "missed", nm + " judged marked")
        num(r[7], i["yoy"]["value"] if i["yoy"] else None, nm + " last year")
        num(r[8], i["yoy"]["change"] if i["yoy"] else None, nm + " 同比")
    got = {}
    for r in rows(wc):
        got[r[0].value] = r[1].value
    eq(got.get("出生"), j["counters"]["births"], "births counter")
    eq(got.get("平均人口"), j["counters"]["pop_avg"], "pop_avg counter")
elif kind == "report":
    ws = wb.worksheets[0]
    eq(ws.title, "旬报报送", "sheet name")
    common(ws)
    h = header(ws)
    eq(h[:8], ["单位代码", "单位", "应报", "已报", "按时", "报送率(%)",
               "及时率(%)", "记录数"], "header")
    eq(len(rows(ws)), len(j["units"]), "row count")
    for r, u in zip(rows(ws), j["units"]):
        c = u["unit"]
        eq(r[0].value, c, c)
        eq(r[2].value, u["due"], c + " due")
        eq(r[3].value, u["filed"], c + " filed")
        eq(r[4].value, u["on_time"], c + " on time")
        num(r[5], round(100.0 * u["filed"] / u["due"], 2) if u["due"] else None,
            c + " reporting rate")
        eq(red(r[5]), u["filed"] < u["due"], c + " missing reports marked")
        eq(r[7].value, u["records"], c + " records")
        zh = {"late": "迟报", "missing": "缺报"}
        want = "，".join(d["start"] + " " + zh[d["state"]]
                        for d in u["dekads"] if d["state"] in zh)
        eq(r[9].value or "", want, c + " 缺报 / 迟报 in Chinese")
elif kind == "export":
    ws = wb.worksheets[0]
    eq(ws.title, "导出", "sheet name")
    common(ws)
    h = header(ws)
    eq(h[:6], ["单位代码", "单位", "上级单位", "起始日期", "截止日期", "考核结果"],
       "header")
    eq("出生" in h and "得分" in h and "出生率（年化）" in h and
       "出生率（考核值）" in h, True, "Chinese item headers")
    eq(len(rows(ws)), len(j["units"]), "row count")
    for r, s in zip(rows(ws), j["units"]):
        c = s["unit"]
        eq(r[0].value, c, c)
        eq(r[1].value, s["name"], c + " name")
        eq(r[1].data_type, "s", c + " name is text")
        eq(r[h.index("出生")].value, s["counters"]["births"], c + " births")
        num(r[h.index("得分")], s["score"], c + " score")
        for i in s["indicators"]:
            zh = json.loads(args[0])[i["name"]]
            num(r[h.index(zh)], i["value"], c + " " + i["name"])
            if i["target"] is not None:
                cell = r[h.index(zh + "（考核值）")]
                num(cell, i["judged"], c + " " + i["name"] + " judged")
                eq(red(cell), i["result"] == "missed", c + " " + i["name"] +
                   " judged marked")
elif kind == "bulletin":
    # j: ranking --json of the bulletin's year to date
    eq(wb.sheetnames[:4], ["排名", "同比", "旬报及时", "逾期任务（部门）"],
       "sheets")
    eq(wb.sheetnames[4:6], ["逾期任务（乡镇）", "预警"], "sheets 5, 6")
    # One sheet per table of the bulletin (its HTML rendering).
    # (data tables: those with header cells, not any layout table)
    html = open(args[1], encoding="utf-8").read()
    tables = [t for t in html.split("<table")[1:]
              if "<th" in t.split("</table>")[0]]
    eq(len(wb.sheetnames), len(tables), "a sheet per bulletin table")
    for ws in wb.worksheets:
        common(ws)
    ws = wb["排名"]
    h = header(ws)
    eq(h[:5], ["名次", "单位代码", "单位", "考核结果", "得分"], "ranking header")
    eq(len(rows(ws)), len(j["rows"]), "ranking rows")
    for r, want in zip(rows(ws), j["rows"]):
        u = want["unit"]
        eq(r[0].value, want["rank"], u + " rank")
        eq(r[1].value, u, u + " code")
        num(r[4], want["score"], u + " score")
        for c, x in enumerate(h):
            k = [n for n, v in json.loads(args[0]).items()
                 if x and x.startswith(v + "(")]
            if k:
                num(r[c], want["indicators"].get(k[0]), u + " " + k[0])
    ws = wb["同比"]
    eq(rows(ws)[0][0].value, "360732", "同比: the county first")
    eq(header(ws)[3:5], ["去年同期", "同比"], "同比 header")
    for r in rows(ws)[1:]:
        want = [x for x in j["rows"] if x["unit"] == r[0].value][0]
        y = want["yoy"].get("birth_rate")
        num(r[4], y["change"] if y else None, r[0].value + " 同比 birth rate")
    ws = wb["逾期任务（乡镇）"]
    eq([c.value for c in rows(ws)[0]][0:3], ["崇贤乡", "补录出生信息", "李乡长"],
       "overdue task")
    eq(red(rows(ws)[0][3]), True, "overdue date marked")
    ws = wb["逾期任务（部门）"]
    eq([c.value for c in rows(ws)[0]][0:2], ["财政局", "落实奖励扶助资金"],
       "overdue department task")
    ws = wb["旬报及时"]
    eq(len(rows(ws)), len(j["rows"]), "reporting rows")
for b in bad:
    print("MISMATCH " + b)
print("checked %d" % n)
PY
# check KIND FILE JSONFILE [ARGS]: one check per comparison.
check() {
	local kind=$1 out
	out=$(python3 "$WORK/check.py" "$@" 2>&1)
	local n
	n=$(printf '%s\n' "$out" | sed -n 's/^checked //p')
	if [ -z "$n" ]; then fail_ "$kind workbook: $out"; return; fi
	if printf '%s\n' "$out" | grep -q '^MISMATCH'; then
		fail_ "$kind workbook: $(printf '%s\n' "$out" | grep '^MISMATCH' | head -20)"
	else
		ok_
	fi
	CHECKED=$((CHECKED + n))
	expect_eq "$([ "$n" -ge "${MIN:-10}" ] && echo yes)" yes "$kind: at least ${MIN:-10} cells compared ($n)"
}
CHECKED=0
ZH='{"birth_rate": "出生率", "natural_growth_rate": "自然增长率", "birth_error_rate": "出生统计误差率", "policy_rate": "符合政策生育率", "sex_ratio": "出生人口性别比", "multi_child_rate": "多孩率", "death_rate": "死亡率"}'

# ---------------------------------------------------------------- workbooks
expect_rc 0 "ranking --json" "$PS" ranking --parent 360732 --period $P --json
printf '%s' "$OUT" > "$WORK/ranking.json"
expect_rc 0 "ranking xlsx" "$PS" ranking --parent 360732 --period $P --lang zh --format xlsx --output "$WORK/ranking.xlsx"
expect_err "wrote $WORK/ranking.xlsx" "ranking xlsx: says where"
expect_eq "$(head -c 2 "$WORK/ranking.xlsx")" PK "ranking xlsx is a zip"
MIN=150 check ranking "$WORK/ranking.xlsx" "$WORK/ranking.json" "$ZH"

# Without --lang or a config, a workbook is Chinese whatever the locale.
expect_rc 0 "ranking xlsx, locale C" env LC_ALL=C LANG=C "$PS" ranking --parent 360732 --period $P --format xlsx --output "$WORK/rank-c.xlsx"
expect_eq "$(python3 -c 'import openpyxl,sys; ws=openpyxl.load_workbook(sys.argv[1]).worksheets[0]; print(ws.title, ws["A1"].value, ws["D1"].value)' "$WORK/rank-c.xlsx")" "排名 名次 考核结果" "workbook default: Chinese headers"
expect_rc 0 "ranking xlsx --lang en" "$PS" ranking --parent 360732 --period $P --lang en --format xlsx --output "$WORK/rank-en.xlsx"
expect_eq "$(python3 -c 'import openpyxl,sys; ws=openpyxl.load_workbook(sys.argv[1]).worksheets[0]; print(ws.title, ws["A1"].value, ws["D1"].value)' "$WORK/rank-en.xlsx")" "ranking rank status" "--lang en: English headers"
expect_rc 0 "status --json" "$PS" status --unit 360732102 --period $P --json
printf '%s' "$OUT" > "$WORK/status.json"
expect_rc 0 "status xlsx" "$PS" status --unit 360732102 --period $P --lang zh --format xlsx --output "$WORK/status.xlsx"
MIN=40 check status "$WORK/status.xlsx" "$WORK/status.json"

expect_rc 0 "report status --json" "$PS" report status --parent 360732 --period 2026-10 --json
printf '%s' "$OUT" > "$WORK/report.json"
expect_rc 0 "report status xlsx" "$PS" report status --parent 360732 --period 2026-10 --lang zh --format xlsx --output "$WORK/report.xlsx"
MIN=40 check report "$WORK/report.xlsx" "$WORK/report.json"

# The report status table in Chinese too (the workbook's terms).
expect_rc 0 "report status zh" "$PS" report status --parent 360732 --period 2026-10 --lang zh
expect_eq "$(printf '%s\n' "$OUT" | sed -n 3p | awk '{print $1, $2, $6, $7}')" "单位代码 单位 报送率 及时率" "report status zh header"
expect_eq "$(printf '%s\n' "$OUT" | grep '^360732102' | grep -c '2026-10-11 缺报')" 1 "report status zh: 缺报 named"
expect_rc 0 "report status en" "$PS" report status --parent 360732 --period 2026-10 --lang en
expect_eq "$(printf '%s\n' "$OUT" | grep '^360732102' | grep -c '2026-10-11 missing')" 1 "report status en: missing named"
# The inspection summary in Chinese: headings, statuses, task table.
expect_rc 0 "inspection zh" "$PS" inspection --period 2026-10D2 --parent 360732 --lang zh
for w in "360732 兴国县 旬检查" "一、旬报报送" "缺报" "二、未完成目标的单位" "崇贤乡（一票否决）：" "符合政策生育率" "三、逾期任务" "补录出生信息" "逾期"; do
	expect_out "$w" "inspection zh has $w"
done
expect_no_out "none" "inspection zh: no English"
expect_rc 0 "inspection en" "$PS" inspection --period 2026-10D2 --parent 360732 --lang en
expect_out "崇贤乡 (veto): birth_rate 18.51‰ (target <= 11.5)" "inspection en unchanged"
# The other tables' headers in Chinese.
expect_rc 0 "unit list zh" "$PS" unit list --root 360732 --lang zh
expect_eq "$(printf '%s\n' "$OUT" | head -n 1 | awk '{print $1, $2, $3, $4}')" "代码 名称 上级 级别" "unit list zh header"
expect_rc 0 "indicator list zh" "$PS" indicator list --lang zh
expect_eq "$(printf '%s\n' "$OUT" | head -n 1 | awk '{print $1, $2}')" "指标 计算式" "indicator list zh header"
expect_rc 0 "verify-report zh" "$PS" verify-report --unit 360732102 --period $P --lang zh
expect_out "核查记录编号" "verify-report zh header"
expect_rc 0 "verify-report en" "$PS" verify-report --unit 360732102 --period $P --lang en
expect_out "record_id" "verify-report en header"
expect_rc 0 "export --format json" "$PS" export --parent 360732 --period $P --format json
printf '%s' "$OUT" > "$WORK/export.json"
expect_rc 0 "export xlsx" "$PS" export --parent 360732 --period $P --lang zh --format xlsx --output "$WORK/export.xlsx"
MIN=150 check export "$WORK/export.xlsx" "$WORK/export.json" "$ZH"

expect_rc 0 "ranking --json, year to date October" "$PS" ranking --parent 360732 --period 2026-01-01..2026-10-31 --json
printf '%s' "$OUT" > "$WORK/bytd.json"
expect_rc 0 "bulletin xlsx" "$PS" bulletin --period 2026-10 --parent 360732 --format xlsx --output "$WORK/bulletin.xlsx"
expect_rc 0 "bulletin html" "$PS" bulletin --period 2026-10 --parent 360732 --format html
printf '%s' "$OUT" > "$WORK/bulletin.html"
MIN=100 check bulletin "$WORK/bulletin.xlsx" "$WORK/bytd.json" "$ZH" "$WORK/bulletin.html"
expect_rc 0 "bulletin publish" "$PS" bulletin publish --period 2026-10 --parent 360732
expect_rc 0 "bulletin show xlsx (the published data)" "$PS" bulletin show --period 2026-10 --parent 360732 --format xlsx --output "$WORK/bshow.xlsx"
MIN=100 check bulletin "$WORK/bshow.xlsx" "$WORK/bytd.json" "$ZH" "$WORK/bulletin.html"
expect_rc 0 "bulletin xlsx in English" "$PS" bulletin --period 2026-10 --parent 360732 --lang en --format xlsx --output "$WORK/ben.xlsx"
expect_eq "$(python3 -c 'import openpyxl,sys; wb=openpyxl.load_workbook(sys.argv[1]); print(wb.sheetnames[0], wb.worksheets[0]["A1"].value)' "$WORK/ben.xlsx")" "Ranking Rank" "English bulletin workbook"

# Refusals: never a workbook on a terminal, one output format at a time.
expect_rc 2 "xlsx without --output" "$PS" ranking --parent 360732 --period $P --format xlsx
expect_err "--format xlsx needs --output FILE.xlsx" "xlsx without --output: why"
expect_rc 2 "xlsx and --csv" "$PS" ranking --parent 360732 --period $P --format xlsx --output "$WORK/x.xlsx" --csv
expect_rc 2 "bulletin publish --format xlsx" "$PS" bulletin publish --period 2026-10 --parent 360732 --format xlsx --output "$WORK/x.xlsx"
expect_rc 2 "export: two formats" "$PS" export --parent 360732 --period $P --format json --format xlsx --output "$WORK/x.xlsx"
expect_rc 2 "warning has no workbook" "$PS" warning --parent 360732 --format xlsx --output "$WORK/x.xlsx"
expect_err "workbooks are written by ranking, status, report status, export, bulletin and template" "commands with workbooks named"
expect_rc 2 "audit has no CSV for --bom" "$PS" audit --bom
expect_eq "$([ -e "$WORK/x.xlsx" ] && echo written || echo none)" none "no workbook left by a refusal"
expect_rc 2 "xlsx into a missing directory" "$PS" ranking --parent 360732 --period $P --format xlsx --output "$WORK/nodir/x.xlsx"
expect_err "$WORK/nodir/x.xlsx" "unwritable workbook named"

# ---------------------------------------------------------------- CSV for Excel
# Every CSV: --bom adds EF BB BF and nothing else; gb18030 decodes to the
# same text; --output writes the same bytes.
csvs=("ranking --parent 360732 --period $P --csv"
	"status --unit 360732102 --period $P --csv"
	"report status --parent 360732 --period 2026-10 --csv"
	"export --parent 360732 --period $P --format csv"
	"unit export --root 360732"
	"unit list --root 360732 --csv")
for c in "${csvs[@]}"; do
	# shellcheck disable=SC2086
	"$PS" $c > "$WORK/u.csv" 2>"$WORK/err"; rc=$?
	expect_eq "$rc" 0 "$c: utf-8 $(cat "$WORK/err")"
	"$PS" $c --bom > "$WORK/bom.csv"
	expect_eq "$(head -c 3 "$WORK/bom.csv" | od -An -tx1 | tr -d ' ')" efbbbf "$c --bom starts with EF BB BF"
	expect_eq "$(tail -c +4 "$WORK/bom.csv" | cmp - "$WORK/u.csv" && echo same)" same "$c --bom: then the UTF-8 text"
	"$PS" $c --encoding gb18030 > "$WORK/gb.csv"
	expect_eq "$(python3 -c 'import sys; a=open(sys.argv[1],"rb").read().decode("gb18030"); b=open(sys.argv[2],"rb").read().decode("utf-8"); print(a == b and len(b) > 30 and a.encode("utf-8") != open(sys.argv[1],"rb").read())' "$WORK/gb.csv" "$WORK/u.csv")" True "$c --encoding gb18030 decodes to the same text"
	"$PS" $c --bom --output "$WORK/o.csv" 2>/dev/null
	expect_eq "$(cmp "$WORK/o.csv" "$WORK/bom.csv" && echo same)" same "$c --output: the same bytes"
done
expect_rc 2 "unknown encoding" "$PS" ranking --parent 360732 --period $P --csv --encoding latin1
expect_err "--encoding latin1: unknown" "unknown encoding named"
expect_rc 2 "--bom with gb18030" "$PS" ranking --parent 360732 --period $P --csv --bom --encoding gb18030
expect_err "--bom marks UTF-8" "--bom with gb18030: why"
expect_rc 2 "--bom without CSV" "$PS" ranking --parent 360732 --period $P --json --bom
expect_err "--bom and --encoding are for CSV output" "--bom without CSV: why"
expect_rc 2 "--output with a table" "$PS" ranking --parent 360732 --period $P --output "$WORK/t.txt"

# 同比 in ranking --csv: extra columns at the end, the old ones unchanged.
expect_rc 0 "ranking csv" "$PS" ranking --parent 360732 --period $P --csv
RC_CSV=$OUT
expect_eq "$(printf '%s\n' "$RC_CSV" | head -n 1 | cut -d, -f1-5)" "rank,unit,name,status,score" "ranking csv: the first columns unchanged"
printf '%s\n' "$RC_CSV" > "$WORK/r.csv"
got=$(python3 - "$WORK/r.csv" "$WORK/ranking.json" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
j = json.load(open(sys.argv[2]))
h = list(rows[0].keys())
ind = [k for k in h[5:] if not k.endswith(("_yoy_value", "_yoy_change"))]
bad = []
if ind != list(j["rows"][0]["indicators"].keys()):
    bad.append("indicator columns %r" % ind)
if h[5 + len(ind):] != [n + s for n in ("birth_rate", "natural_growth_rate",
        "birth_error_rate", "policy_rate") for s in ("_yoy_value", "_yoy_change")]:
    bad.append("yoy columns %r" % h[5 + len(ind):])
for r, w in zip(rows, j["rows"]):
    for n, y in w["yoy"].items():
        for s in ("value", "change"):
            want = "" if y is None else "%.2f" % y[s]
            if r[n + "_yoy_" + s] != want:
                bad.append("%s %s_yoy_%s %r != %r" % (w["unit"], n, s,
                           r[n + "_yoy_" + s], want))
print(bad or "ok")
PY
)
expect_eq "$got" ok "ranking csv 同比 columns = ranking --json yoy"

# status --csv and report status --csv carry the --json numbers.
expect_rc 0 "status csv" "$PS" status --unit 360732102 --period $P --csv
printf '%s\n' "$OUT" > "$WORK/s.csv"
expect_rc 0 "report status csv" "$PS" report status --parent 360732 --period 2026-10 --csv
printf '%s\n' "$OUT" > "$WORK/rs.csv"
got=$(python3 - "$WORK/s.csv" "$WORK/status.json" "$WORK/rs.csv" "$WORK/report.json" <<'PY'
import csv, json, sys
f2 = lambda v: "" if v is None else "%.2f" % v
bad = []
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
j = json.load(open(sys.argv[2]))
if [r["indicator"] for r in rows] != [i["name"] for i in j["indicators"]]:
    bad.append("status csv indicators")
for r, i in zip(rows, j["indicators"]):
    want = {"unit": j["unit"], "status": j["status"], "score": f2(j["score"]),
            "value": f2(i["value"]), "judged": f2(i["judged"]) if i["target"] else "",
            "result": i["result"] or "",
            "yoy_value": f2(i["yoy"]["value"]) if i["yoy"] else "",
            "yoy_change": f2(i["yoy"]["change"]) if i["yoy"] else ""}
    for k, v in want.items():
        if r[k] != v:
            bad.append("status csv %s %s: %r != %r" % (i["name"], k, r[k], v))
rows = list(csv.DictReader(open(sys.argv[3], encoding="utf-8")))
j = json.load(open(sys.argv[4]))
if len(rows) != len(j["units"]):
    bad.append("report status csv rows")
for r, u in zip(rows, j["units"]):
    for k in ("unit", "due", "filed", "on_time", "records", "records_timely"):
        if r[k] != str(u[k]):
            bad.append("report status csv %s %s: %r != %r" % (u["unit"], k, r[k], u[k]))
print(bad or "ok")
PY
)
expect_eq "$got" ok "status --csv and report status --csv = --json"

# ---------------------------------------------------------------- formula injection
# ranking --csv, export --format csv, unit export, unit list --csv: the two
# names come back prefixed with '; numbers (negative ones too) unprefixed.
inj() {
	python3 - "$1" "$2" "$EVIL" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
col, evil = int(sys.argv[2]), sys.argv[3]
names = [r[col] for r in rows[1:]]
ok = ("'" + evil) in names and "'-2+3" in names and evil not in names
# No unprefixed cell starts with = + @ anywhere; a '-' cell is a number.
for r in rows:
    for c in r:
        if c[:1] in ("=", "+", "@", "\t", "\r"):
            ok = False
        if c[:1] == "-":
            try:
                float(c)
            except ValueError:
                ok = False
neg = any(c.startswith("-") for r in rows[1:] for c in r)
print(ok, neg)
PY
}
printf '%s\n' "$RC_CSV" > "$WORK/r.csv"
expect_eq "$(inj "$WORK/r.csv" 2)" "True True" "ranking --csv: formulas prefixed, negative numbers left as numbers"
expect_rc 0 "export csv" "$PS" export --parent 360732 --period $P --format csv
printf '%s\n' "$OUT" > "$WORK/e.csv"
expect_eq "$(inj "$WORK/e.csv" 1)" "True True" "export --format csv: formulas prefixed, negative numbers left"
expect_rc 0 "unit export" "$PS" unit export --root 360732
printf '%s\n' "$OUT" > "$WORK/ue.csv"
expect_eq "$(inj "$WORK/ue.csv" 1 | cut -d' ' -f1)" True "unit export: formulas prefixed"
expect_rc 0 "unit list csv" "$PS" unit list --root 360732 --csv
printf '%s\n' "$OUT" > "$WORK/ul.csv"
expect_eq "$(inj "$WORK/ul.csv" 1 | cut -d' ' -f1)" True "unit list --csv: formulas prefixed"
# The --json keeps the names as they are.
expect_eq "$(python3 -c 'import json,sys; print(sum(r["name"] in (sys.argv[2], "-2+3") for r in json.load(open(sys.argv[1]))["rows"]))' "$WORK/ranking.json" "$EVIL")" 2 "--json: the names unchanged"
# A clerk's filing message in Chinese.
expect_rc 0 "report file zh" "$PS" report file --unit 360732103 --period 2026-10D3 --births 5 --lang zh
expect_out "360732103 2026-10-21 至 2026-10-31 旬报已报送，迟报" "report file zh: filed, late"
expect_out "确认数：出生 5" "report file zh: confirmed counts"
expect_out "不一致：确认数与已录入的记录数不同" "report file zh: the difference to act on"
# unit import reads the quote back off: the exported file imports onto a
# second server as the same names.
stop_server
DB=$WORK/second.db
start_server
expect_rc 0 "unit import of the export" "$PS" unit import "$WORK/ue.csv"
expect_rc 0 "unit list on the second server" "$PS" unit list --root 360732 --json
expect_eq "$(json 'sorted(u["name"] for u in j)' )" "$(python3 -c 'import sys; print(sorted(["兴国县", "潋江镇", "崇贤乡", "长冈乡", "东村乡", sys.argv[1], "-2+3"]))' "$EVIL")" "export then import keeps the names"
echo "workbook cells compared: $CHECKED"
finish
