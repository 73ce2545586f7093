#!/usr/bin/env bash
# Workbooks end to end: births registers as Excel and WPS users have them
# (.xlsx from openpyxl, .xls from xlwt, an .xlsx written part by part with
# a formula's cached value), with Chinese headers, date cells in both date
# systems, several sheets and --sheet, submitted with the real popstat to
# the real popstatd; the server's daily counters are checked white-box.
# Damaged files, web pages named .xls and unknown sheets are refused with
# the fix and store nothing.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
python3 -c 'import openpyxl, xlwt' 2>/dev/null ||
	skip_suite "python3-openpyxl and python3-xlwt are needed"
start_server

F=$WORK/f
mkdir -p "$F"

expect_rc 0 "add county" "$PS" unit add 610328 陇县 --level county
expect_rc 0 "add township 101" "$PS" unit add 610328101 城关镇 --parent 610328 --level township
expect_rc 0 "add township 102" "$PS" unit add 610328102 东风镇 --parent 610328 --level township
expect_rc 0 "add township 103" "$PS" unit add 610328103 温水镇 --parent 610328 --level township

# ---------------------------------------------------------------- the files
python3 - "$F" <<'EOF'
import datetime, os, sys, zipfile
import openpyxl, xlwt
from openpyxl.utils.datetime import CALENDAR_MAC_1904

out = sys.argv[1]
H = ["编号", "单位", "出生日期", "性别", "孩次", "是否符合政策", "母亲身份证号"]
D = datetime.date

# births.xlsx: sheet 1 births of 101, sheet 2 deaths, sheet 3 births of 102
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "出生登记"
ws.append(H)
ws.append(["x1", 610328101, D(2026, 1, 5), "男", 1, "是", "11010519491231002X"])
ws.append(["x2", "610328101", D(2026, 1, 5), "女", 2, "是", None])
ws.append([])                                     # row 4: blank, skipped
ws.append(["x3", 610328101, D(2026, 1, 6), "女", 3, "否", None])
ws.append(["x4", 610328101, D(2026, 1, 6), "男", 1, "是", 3.60732198001011e17])
ws["C6"].number_format = 'yyyy"年"m"月"d"日"'
ws2 = wb.create_sheet("死亡登记")
ws2.append(["编号", "单位", "死亡日期", "性别", "死亡年龄"])
ws2.append(["y1", 610328101, D(2026, 2, 1), "女", 88])
ws2.append(["y2", 610328101, D(2026, 2, 1), "男", 70])
ws3 = wb.create_sheet("东风镇")
ws3.append(H)
ws3.append(["z1", 610328102, D(2026, 3, 3), "女", 1, "是", None])
wb.save(os.path.join(out, "births.xlsx"))

# the 1904 date system (Excel for Mac)
wb = openpyxl.Workbook()
wb.epoch = CALENDAR_MAC_1904
ws = wb.active
ws.append(H)
ws.append(["m1", 610328103, D(2026, 4, 4), "男", 1, "是", None])
ws.append(["m2", 610328103, D(2026, 4, 4), "女", 1, "是", None])
wb.save(os.path.join(out, "mac1904.xlsx"))

# births.xls (BIFF8), as WPS and Excel 2003 write it
wb = xlwt.Workbook(encoding="utf-8")
ws = wb.add_sheet("出生登记")
df = xlwt.easyxf(num_format_str="yyyy-mm-dd")
for c, h in enumerate(H):
    ws.write(0, c, h)
rows = [["s1", 610328102, D(2026, 5, 5), "女", 1, "是", "11010519491231002X"],
        ["s2", "610328102", D(2026, 5, 5), "男", 3, "否", ""],
        ["s3", 610328102, D(2026, 5, 6), "男", 2, "是", ""]]
for r, row in enumerate(rows, 1):
    for c, v in enumerate(row):
        if isinstance(v, D):
            ws.write(r, c, v, df)
        elif v != "":
            ws.write(r, c, v)
wb.save(os.path.join(out, "births.xls"))

# an .xlsx written part by part: inline strings, a formula's cached value
# for the birth order, a cached date, a row without r
parts = {
    "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships"><sheets><sheet name="登记" '
    'sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1"'
    ' Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '</Relationships>',
    "xl/styles.xml": '<styleSheet xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/>'
    '<xf numFmtId="14"/></cellXfs></styleSheet>',
    "xl/worksheets/sheet1.xml": '<worksheet xmlns="http://schemas.'
    'openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
    '<row r="1">' + "".join('<c t="inlineStr"><is><t>%s</t></is></c>' % h
                            for h in H) + '</row>'
    '<row r="2"><c t="inlineStr"><is><t>f1</t></is></c><c><v>610328103</v>'
    '</c><c s="1"><f>DATE(2026,6,1)</f><v>46174</v></c><c t="inlineStr">'
    '<is><t>女</t></is></c><c><f>1+2</f><v>3</v></c><c t="str"><f>"是"</f>'
    '<v>是</v></c></row></sheetData></worksheet>',
}
with zipfile.ZipFile(os.path.join(out, "formula.xlsx"), "w",
                     zipfile.ZIP_DEFLATED) as z:
    for name, text in parts.items():
        z.writestr(name, text)

data = open(os.path.join(out, "births.xlsx"), "rb").read()
open(os.path.join(out, "cut.xlsx"), "wb").write(data[:len(data) // 2])
open(os.path.join(out, "web.xls"), "w", encoding="utf-8").write(
    '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><body><table>'
    '<tr><td>编号</td></tr></table></body></html>\n')
EOF
expect_eq "$?" 0 "workbooks made"

# ---------------------------------------------------------------- xlsx
expect_rc 1 "births.xlsx, first sheet" "$PS" submit "$F/births.xlsx" --kind birth
expect_last "accepted 3, duplicate 0, rejected 1" "three births in, the number-typed ID refused"
expect_out "line 6: mother_id: Excel stored the ID as a number" "the ID's row is the row Excel shows"
expect_eq "$(printf '%s\n' "$OUT" | grep -c '^line ')" 1 "the blank row 4 is skipped, not rejected"
expect_eq "$(ctr 610328101 births 2026-01-05)" 2 "births on 01-05 (date cells)"
expect_eq "$(ctr 610328101 births_male 2026-01-05)" 1 "births_male on 01-05 (男)"
expect_eq "$(ctr 610328101 births_female 2026-01-05)" 1 "births_female on 01-05 (女)"
expect_eq "$(ctr 610328101 births_policy 2026-01-05)" 2 "births_policy on 01-05 (是)"
expect_eq "$(ctr 610328101 births 2026-01-06)" 1 "births on 01-06"
expect_eq "$(ctr 610328101 births_order3 2026-01-06)" 1 "births_order3 on 01-06"
expect_eq "$(ctr 610328101 births_policy 2026-01-06)" 0 "否 is not within policy"
expect_eq "$(nrec 610328101 "record_id = 'x1' and mother_hash is not null")" 1 "the text ID is hashed"
expect_eq "$(nrec 610328101 "record_id = 'x4'")" 0 "the destroyed ID's row is not stored"

expect_rc 0 "births.xlsx --sheet 死亡登记" "$PS" submit "$F/births.xlsx" --sheet 死亡登记 --kind death
expect_last "accepted 2, duplicate 0, rejected 0" "two deaths from the second sheet"
expect_eq "$(ctr 610328101 deaths 2026-02-01)" 2 "deaths on 02-01"
expect_rc 0 "births.xlsx --sheet 2" "$PS" submit "$F/births.xlsx" --sheet 2 --kind death
expect_last "accepted 0, duplicate 2, rejected 0" "--sheet 2 is the same sheet"
expect_rc 0 "births.xlsx --sheet 3" "$PS" submit "$F/births.xlsx" --sheet 3 --kind birth
expect_last "accepted 1, duplicate 0, rejected 0" "the third sheet"
expect_eq "$(ctr 610328102 births 2026-03-03)" 1 "births of 102 on 03-03"
expect_eq "$(ctr 610328101 births 2026-03-03)" 0 "the other sheets are not read"

run "$PS" submit "$F/births.xlsx" --sheet 出生 --kind birth
expect_eq "$([ "$RC" -ne 0 ] && echo refused)" refused "an unknown sheet is refused"
expect_out "no sheet '出生'" "the refusal names the sheet"
expect_out "1 '出生登记', 2 '死亡登记', 3 '东风镇'" "and lists the sheets"

expect_rc 0 "mac1904.xlsx" "$PS" submit "$F/mac1904.xlsx" --kind birth
expect_last "accepted 2, duplicate 0, rejected 0" "1904 workbook"
expect_eq "$(ctr 610328103 births 2026-04-04)" 2 "1904 dates land on 04-04"
expect_eq "$(ctr 610328103 births 2026-04-03 2026-04-03)" 0 "not a day early"
expect_eq "$(ctr 610328103 births 2030-04-05)" 0 "nor 1462 days late"

expect_rc 0 "formula.xlsx" "$PS" submit "$F/formula.xlsx" --kind birth
expect_last "accepted 1, duplicate 0, rejected 0" "formula cells give their cached values"
expect_eq "$(ctr 610328103 births_order3 2026-06-01)" 1 "cached birth order 3, cached date 06-01"
expect_eq "$(ctr 610328103 births_policy 2026-06-01)" 1 "cached text 是"

# ---------------------------------------------------------------- xls
expect_rc 0 "births.xls" "$PS" submit "$F/births.xls" --kind birth
expect_last "accepted 3, duplicate 0, rejected 0" "three births from the xls"
expect_eq "$(ctr 610328102 births 2026-05-05)" 2 "xls births on 05-05"
expect_eq "$(ctr 610328102 births_order3 2026-05-05)" 1 "xls births_order3 on 05-05"
expect_eq "$(ctr 610328102 births_policy 2026-05-05)" 1 "xls births_policy on 05-05"
expect_eq "$(ctr 610328102 births_male 2026-05-06)" 1 "xls births_male on 05-06"
expect_rc 0 "births.xls again" "$PS" submit "$F/births.xls" --kind birth --sheet 1
expect_last "accepted 0, duplicate 3, rejected 0" "the xls again: duplicates"

# ---------------------------------------------------------------- check
# No server, no --kind: the kind comes from the Chinese headers.
expect_rc 0 "check births.xls" "$PS" check "$F/births.xls"
expect_last "ok 3, rejected 0" "check reads the xls"
expect_rc 1 "check births.xlsx" "$PS" check "$F/births.xlsx"
expect_last "ok 3, rejected 1" "check reads the xlsx, the ID refused"
expect_rc 0 "check --sheet 东风镇" "$PS" check "$F/births.xlsx" --sheet 东风镇
expect_last "ok 1, rejected 0" "check reads the sheet named"

# ---------------------------------------------------------------- refused
before=$(sql "select count(*) from records")
run "$PS" submit "$F/cut.xlsx" --kind birth
expect_eq "$([ "$RC" -ne 0 ] && echo refused)" refused "a cut xlsx is refused"
expect_out "not a readable xlsx workbook" "saying what it is"
expect_out "save it again as .xlsx" "and what to do"
run "$PS" submit "$F/web.xls" --kind birth
expect_eq "$([ "$RC" -ne 0 ] && echo refused)" refused "a web page named .xls is refused"
expect_out "web page (HTML)" "saying what it is"
expect_eq "$(sql "select count(*) from records")" "$before" "refused files store nothing"

finish
