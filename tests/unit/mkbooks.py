#!/usr/bin/python3
"""mkbooks.py DIR [xlsx|xls|big] - the workbooks that test_sheet_xlsx and
test_sheet_xls read, made at test time: openpyxl (xlsx) and xlwt (xls) as
Excel and WPS users get them, and xlsx parts written by hand (zipfile) for
what openpyxl never writes (inline strings, cached formula values, rich
text, phonetic runs, prefixed namespaces, rows and cells without r).
"big" makes only big.xlsx: 200,000 rows, for the bounded-memory test.
"""
import datetime
import os
import sys
import zipfile

out = sys.argv[1]
ID = 3.60732198001011e17    # an 18-digit ID that Excel took as a number


def xlsx_books():
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "出生"
    ws.append(["编号", "单位", "出生日期", "性别", "孩次", "母亲身份证号"])
    ws.append(["B001", "360732102", datetime.date(2025, 5, 5), "男", 1,
               "36073219800101123X"])
    ws.append(["B002", 360732102, datetime.date(1900, 1, 1), "女", 2, ID])
    ws["C3"].number_format = "yyyy-mm-dd"
    # a custom Chinese date format, a non-date custom format, a float
    ws["A4"] = "B003"
    ws["C4"] = datetime.date(2026, 11, 28)
    ws["C4"].number_format = 'yyyy"年"m"月"d"日"'
    ws["D4"] = 12.5
    ws["D4"].number_format = '0.00"kg"'
    ws["E4"] = 0.1
    ws["F4"] = True
    # a gap: B and C empty, E set
    ws["A5"] = "B004"
    ws["E5"] = -3
    ws["F5"] = "=1+1"          # openpyxl writes no cached value
    ws["A7"] = "B006"          # row 6 missing
    ws["C7"] = datetime.datetime(2025, 12, 31, 23, 59)
    ws2 = wb.create_sheet("死亡")
    ws2.append(["编号", "单位"])
    ws2.append(["D001", "360732103"])
    ws3 = wb.create_sheet("Sheet3")
    ws3["B2"] = "only"
    wb.save(os.path.join(out, "basic.xlsx"))

    # a chart sheet and a hidden sheet of settings before the register
    wb = openpyxl.Workbook()
    wb.active.title = "设置"
    wb.active["A1"] = "secret"
    wb.active.sheet_state = "hidden"
    wb.create_chartsheet("图表", 0)
    wb.create_sheet("登记")["A1"] = "编号"
    wb.save(os.path.join(out, "hidden.xlsx"))

    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.append(["date", "n"])
    ws.append([datetime.date(2025, 5, 5), 1])
    ws.append([datetime.date(1904, 1, 1), 2])
    wb.save(os.path.join(out, "d1904.xlsx"))


HAND_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="xml" ContentType="application/xml"/>
</Types>"""
HAND_WB = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
  <x:workbookPr/>
  <x:sheets>
    <x:sheet name="Hand" sheetId="1" r:id="rId7"/>
    <x:sheet name="NoPart" sheetId="2" r:id="rId9"/>
  </x:sheets>
</x:workbook>"""
HAND_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/../worksheets/hand.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="./st.xml"/>
</Relationships>"""
HAND_SST = """<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4">
  <si><t>plain</t></si>
  <si>
    <r><rPr><b/></rPr><t xml:space="preserve">rich </t></r>
    <r><t>text</t></r>
  </si>
  <si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>
  <si><t>a_x000D_b_x005F_x0041_ &amp; &lt;c&gt;</t></si>
  <si><t></t></si>
</sst>"""
HAND_ST = """<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2">
  <numFmt numFmtId="164" formatCode="[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy"/>
  <numFmt numFmtId="165" formatCode="&quot;day&quot;\\ 0;[Red]\\-0"/>
</numFmts>
<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>
<cellXfs count="4">
  <xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/>
</cellXfs>
</styleSheet>"""
HAND_WS = """<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<dimension ref="A1:H9"/>
<sheetData>
  <row r="2">
    <c r="A2" t="s"><v>0</v></c>
    <c r="B2" t="s"><v>1</v></c>
    <c r="C2" t="s"><v>2</v></c>
    <c r="D2" t="s"><v>3</v></c>
    <c r="E2" t="s"><v>4</v></c>
  </row>
  <row r="3">
    <c r="A3" t="inlineStr"><is><t>inline 中文</t></is></c>
    <c r="B3" t="inlineStr"><is><r><t>in</t></r><r><t>rich</t></r></is></c>
    <c r="C3" t="str"><f>A3&amp;"!"</f><v>inline 中文!</v></c>
    <c r="D3"><f>1+2</f><v>3</v></c>
    <c r="E3" t="e"><f>1/0</f><v>#DIV/0!</v></c>
    <c r="F3" t="b"><v>1</v></c>
    <c r="G3" t="b"><v>0</v></c>
    <c r="H3" t="e"><v>#N/A</v></c>
  </row>
  <row>
    <c s="1"><v>1</v></c>
    <c s="1"><v>59</v></c>
    <c s="1"><v>60</v></c>
    <c s="1"><v>61</v></c>
    <c s="2"><v>45782.75</v></c>
    <c s="3"><v>45782</v></c>
    <c s="1"><f>TODAY()</f><v>46354</v></c>
    <c s="1"/>
  </row>
  <row r="9" spans="1:3">
    <c r="C9"><v>1.5E+2</v></c>
    <c r="B9" t="d"><v>2025-05-05T00:00:00</v></c>
    <c r="E9"><v>123456789012345678</v></c>
    <c r="F9"><v>0.30000000000000004</v></c>
    <c r="G9"><v>-1234567890123456789</v></c>
  </row>
  <row r="10"><c r="A10" t="s"><v>99</v></c><c r="B10"><v>ok</v></c></row>
  <row r="11"><c r="A11" t="s"><v>0</v></c></row>
</sheetData>
<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>
</worksheet>"""


def write_zip(path, parts):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            z.writestr(name, text)


def hand_books():
    write_zip(os.path.join(out, "hand.xlsx"), [
        ("[Content_Types].xml", HAND_TYPES),
        ("xl/workbook.xml", HAND_WB),
        ("xl/_rels/workbook.xml.rels", HAND_RELS),
        ("xl/strings.xml", HAND_SST),
        ("xl/st.xml", HAND_ST),
        ("xl/worksheets/hand.xml", HAND_WS)])
    # the bounds: a column beyond XFD, a cell that is no cell, a text
    # beyond Excel's 32,767 characters, a row beyond 1,048,576
    limits = HAND_WS[:HAND_WS.index("<sheetData>")] + (
        '<sheetData><row r="1"><c r="XFD1"><v>1</v></c></row>'
        '<row r="2"><c r="XFE2"><v>1</v></c></row>'
        '<row r="3"><c r="A0"><v>1</v></c></row>'
        '<row r="4"><c r="A4" t="inlineStr"><is><t>' + "中" * 40000 +
        '</t></is></c></row>'
        '<row r="1048577"><c><v>1</v></c></row>'
        '<row r="5"><c r="B5" t="b"><v>2</v></c><c r="C5" t="e"/>'
        '<c r="D5"><v>1e999</v></c></row>'
        '<row r="6"><c r="A6" s="1"><v>-1</v></c><c r="B6" s="999">'
        '<v>7</v></c><c r="AA6" t="inlineStr"><is><t>aa</t></is></c>'
        '</row></sheetData></worksheet>')
    write_zip(os.path.join(out, "limits.xlsx"), [
        ("xl/workbook.xml", HAND_WB),
        ("xl/_rels/workbook.xml.rels", HAND_RELS),
        ("xl/st.xml", HAND_ST),
        ("xl/worksheets/hand.xml", limits)])
    # a zip that is no workbook, and damaged ones
    write_zip(os.path.join(out, "notbook.xlsx"), [("readme.txt", "hi")])
    write_zip(os.path.join(out, "badxml.xlsx"), [
        ("xl/workbook.xml", HAND_WB),
        ("xl/_rels/workbook.xml.rels", HAND_RELS),
        ("xl/worksheets/hand.xml",
         HAND_WS.replace("</row>\n  <row r=\"3\">", "</rw><row r=\"3\">"))])
    write_zip(os.path.join(out, "dtd.xlsx"), [
        ("xl/workbook.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a'
         ' "aaaa">]>' + HAND_WB[HAND_WB.index("<x:workbook"):])])
    with open(os.path.join(out, "basic.xlsx"), "rb") as f:
        data = f.read()
    with open(os.path.join(out, "cut.xlsx"), "wb") as f:
        f.write(data[:len(data) // 2])
    with open(os.path.join(out, "garbage.xlsx"), "wb") as f:
        f.write(b"PK\3\4" + bytes((i * 37) & 255 for i in range(3000)))


def big_book(rows=200000):
    sst = ['<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://'
           'schemas.openxmlformats.org/spreadsheetml/2006/main">',
           "<si><t>record_id</t></si><si><t>unit</t></si>"
           "<si><t>date</t></si><si><t>sex</t></si>"]
    for i in range(rows):
        sst.append("<si><t>B%07d</t></si>" % i)
    sst.append("</sst>")
    path = os.path.join(out, "big.xlsx")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED,
                         compresslevel=1) as z:
        z.writestr("xl/workbook.xml", HAND_WB)
        z.writestr("xl/_rels/workbook.xml.rels", HAND_RELS)
        z.writestr("xl/st.xml", HAND_ST)
        z.writestr("xl/strings.xml", "".join(sst))
        with z.open("xl/worksheets/hand.xml", "w") as w:
            w.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet '
                    b'xmlns="http://schemas.openxmlformats.org/spreadsheetml'
                    b'/2006/main"><sheetData><row r="1"><c r="A1" t="s">'
                    b'<v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" '
                    b't="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>\n')
            chunk = []
            for i in range(rows):
                r = i + 2
                chunk.append('<row r="%d" spans="1:4"><c r="A%d" t="s"><v>%d'
                             '</v></c><c r="B%d"><v>360732102</v></c><c '
                             'r="C%d" s="1"><v>%d</v></c><c r="D%d"><v>%d'
                             '</v></c></row>\n' % (r, r, i + 4, r, r,
                                                   45000 + i % 700, r,
                                                   1 + i % 2))
                if len(chunk) == 5000:
                    w.write("".join(chunk).encode())
                    chunk = []
            w.write("".join(chunk).encode())
            w.write(b"</sheetData></worksheet>")


def xls_books():
    import xlwt
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("出生")
    datefmt = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    cnfmt = xlwt.easyxf(num_format_str='yyyy"年"m"月"d"日"')
    for c, h in enumerate(["编号", "单位", "出生日期", "性别", "孩次",
                           "母亲身份证号"]):
        ws.write(0, c, h)
    ws.write(1, 0, "B001")
    ws.write(1, 1, "360732102")
    ws.write(1, 2, datetime.date(2025, 5, 5), datefmt)
    ws.write(1, 3, "男")
    ws.write(1, 4, 1)
    ws.write(1, 5, "36073219800101123X")
    ws.write(2, 0, "B002")
    ws.write(2, 1, 360732102)
    ws.write(2, 2, datetime.date(2026, 11, 28), cnfmt)
    ws.write(2, 3, "女")
    ws.write(2, 4, 2.5)
    ws.write(2, 5, ID)
    ws.write(3, 0, "B003")     # a gap: B..D empty
    ws.write(3, 4, -7)
    ws.write(3, 5, True)
    ws.write(5, 0, "B005")     # row 5 empty
    ws.write(5, 2, datetime.datetime(2025, 12, 31, 23, 59), datefmt)
    ws.write(5, 3, 0.1)
    ws2 = wb.add_sheet("死亡")
    ws2.write(0, 0, "编号")
    ws2.write(1, 0, "D001")
    ws3 = wb.add_sheet("Sheet3")
    ws3.write(1, 1, "only")
    wb.save(os.path.join(out, "basic.xls"))

    # serials around the 1900 leap-day bug and at the ends, both systems
    for name, d1904 in (("dates.xls", False), ("dates1904.xls", True)):
        wb = xlwt.Workbook(encoding="utf-8")
        wb.dates_1904 = d1904
        ws = wb.add_sheet("s")
        for i, v in enumerate([0, 1, 59, 60, 61, 45782.75, 46354, 73110,
                               2957003, 2958465]):
            ws.write(0, i, v, datefmt)
        ws.write(1, 0, 45782.5, xlwt.easyxf(num_format_str="yyyy-mm-dd "
                                            "hh:mm"))
        ws.write(1, 1, 0.5, xlwt.easyxf(num_format_str="hh:mm"))
        ws.write(1, 2, 2 ** 31 + 5)
        ws.write(1, 3, 12345678901234567890)
        wb.save(os.path.join(out, name))

    with open(os.path.join(out, "tabs.xls"), "w", encoding="utf-8") as f:
        f.write("编号\t单位\nB001\t360732102\n")
    with open(os.path.join(out, "web.xls"), "w", encoding="utf-8") as f:
        f.write('<html xmlns:o="urn:schemas-microsoft-com:office:office" '
                'xmlns:x="urn:schemas-microsoft-com:office:excel">\n'
                '<head><meta charset="utf-8"></head><body><table><tr><td>'
                '编号</td></tr></table></body></html>\n')
    with open(os.path.join(out, "xml.xls"), "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0"?>\n<?mso-application progid="Excel.'
                'Sheet"?>\n<Workbook xmlns="urn:schemas-microsoft-com:'
                'office:spreadsheet"></Workbook>\n')
    with open(os.path.join(out, "basic.xls"), "rb") as f:
        data = f.read()
    with open(os.path.join(out, "cut.xls"), "wb") as f:
        f.write(data[:len(data) // 3])
    with open(os.path.join(out, "garbage.xls"), "wb") as f:
        f.write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" +
                bytes((i * 37) & 255 for i in range(3000)))
    # not a real encrypted package: an OLE2 header and the name of the
    # stream Office keeps an encrypted .xlsx in
    with open(os.path.join(out, "locked.xls"), "wb") as f:
        f.write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000) +
                "EncryptedPackage".encode("utf-16-le") + bytes(1000))


which = sys.argv[2] if len(sys.argv) > 2 else "xlsx"
if which == "xlsx":
    xlsx_books()
    hand_books()
elif which == "big":
    big_book()
elif which == "xls":
    xls_books()
