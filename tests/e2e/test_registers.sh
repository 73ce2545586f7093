#!/usr/bin/env bash
# Township registers as they really arrive (doc/rules.md §13): GB18030
# with CRLF, UTF-16 "Unicode text" with tabs, Chinese headers, Excel's
# dates and ID damage, blank rows, 15- and 18-character IDs of one mother,
# popstat check and popstat template, the summary of repeated reasons,
# and the outbox keeping rows for the account that queued them.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
start_server

F=$WORK/f
mkdir -p "$F"
# restart_server: popstatd again on the same port (the outbox is keyed by
# HOST:PORT).
restart_server() {
	"$PSD" --db "$DB" --listen 127.0.0.1:"$PORT" --today "$TODAY" \
		--config /dev/null 2>>"$WORK/server.log" &
	SERVER_PID=$!
	local i
	for i in $(seq 1 200); do
		if (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null; then break; fi
		sleep 0.05
	done
}

expect_rc 0 "add county" "$PS" unit add 610328 陇县 --level county
expect_rc 0 "add township 101" "$PS" unit add 610328101 城关镇 --parent 610328 --level township
expect_rc 0 "add township 102" "$PS" unit add 610328102 东风镇 --parent 610328 --level township
expect_rc 0 "clerk of 101" "$PS" user add clerk101 --role clerk --unit 610328101
CLERK1=$OUT
expect_rc 0 "clerk of 102" "$PS" user add clerk102 --role clerk --unit 610328102
CLERK2=$OUT

# ------------------------------------------------ the outbox keeps its owner
# Clerk 101 queues rows while the server is down; clerk 102 is the next
# to run a command.  Her token may not write 610328101: the rows must stay
# (and be sent later by clerk 101), not be sent with her token, rejected
# for scope and deleted.
BIRTH_HDR=record_id,unit,date,sex,birth_order,policy,mother_id
printf '%s\nob1,610328101,2026-06-10,M,1,Y,\nob2,610328101,2026-06-10,F,2,Y,\n' \
    "$BIRTH_HDR" > "$F/ob.csv"
stop_server
POPSTAT_TOKEN=$CLERK1 expect_rc 3 "clerk 101 submits offline" "$PS" submit "$F/ob.csv"
expect_err "2 rows kept in the outbox" "rows queued"
restart_server
POPSTAT_TOKEN=$CLERK2 expect_rc 0 "clerk 102 runs a command" "$PS" ping
POPSTAT_TOKEN=$CLERK2 expect_rc 0 "clerk 102 syncs" "$PS" sync --retries 0
expect_eq "$(nrec 610328101)" 0 "nothing of clerk 101 sent with clerk 102's token"
run "$PS" outbox
expect_out "2 rows pending" "clerk 101's rows still in the outbox"
POPSTAT_TOKEN=$CLERK1 expect_rc 0 "clerk 101 syncs" "$PS" sync --retries 0
expect_last "accepted 2, duplicate 0, rejected 0" "clerk 101's rows stored"
expect_eq "$(nrec 610328101)" 2 "both rows stored in 610328101"
run "$PS" outbox
expect_out "0 rows pending" "outbox empty"
# Rows queued by an account whose scope no longer covers them (rejected
# for scope) are kept, and the message says so.
printf '%s\nob3,610328102,2026-06-10,M,1,Y,\n' "$BIRTH_HDR" > "$F/ob3.csv"
stop_server
POPSTAT_TOKEN=$CLERK1 expect_rc 3 "clerk 101 queues a row of 102" "$PS" submit "$F/ob3.csv"
restart_server
POPSTAT_TOKEN=$CLERK1 expect_rc 1 "sync: rejected for scope" "$PS" sync --retries 0
expect_out "outside your scope" "the scope reason shown"
expect_out "kept in the outbox" "says the row is kept"
run "$PS" outbox
expect_out "1 rows pending" "the row out of scope is kept"
expect_eq "$(nrec 610328102)" 0 "and not stored"


# ------------------------------------------------ GB18030 with CRLF, Chinese headers
# As Excel saves "CSV" on Chinese Windows: GBK bytes, CRLF, Chinese
# headers, an extra 姓名 column, a trailing comma, a blank row, Excel's
# dates, full-width digits, 是/否, an ID with a lower-case x.
cat > "$F/births.utf8" <<'EOF'
编号,单位,出生日期,性别,孩次,是否符合政策,母亲身份证号,姓名,
g1,610328101,2025年5月5日,女,1,是,11010519491231002x,张三,
,,,,,,,,
g2,６１０３２８１０１,2025/5/6,男,2,否,'110101199001011237,李四,
g3,610328101,20250507,女,1,符合,,王五,
g4,610328101,2025.5.8,男,1,Y, 1101 0119 9001 0112 37 ,赵六,
EOF
sed 's/$/\r/' "$F/births.utf8" | iconv -f UTF-8 -t GB18030 > "$F/births_gbk.csv"
expect_eq "$(head -c 4 "$F/births_gbk.csv" | od -An -tx1 | tr -d ' ')" "b1e0bac5" "the file really is GBK (编号 = B1E0 BAC5)"
expect_rc 1 "GBK file with an unknown column" "$PS" submit "$F/births_gbk.csv"
expect_out "line 1: 姓名: unknown column" "unknown column named, decoded"
expect_out "--ignore '姓名'" "the fix is offered"
expect_last "accepted 0, duplicate 0, rejected 4" "nothing sent"
expect_rc 0 "GBK file, --ignore 姓名" "$PS" submit "$F/births_gbk.csv" --ignore 姓名
expect_line "skipped 1 empty row" "the blank row is skipped, said"
expect_last "accepted 4, duplicate 0, rejected 0" "every row of the GBK file stored"
expect_eq "$(nrec 610328101 "kind = 1 and record_id like 'g%'")" 4 "four births stored"
expect_eq "$(sql "select count(distinct hex(mother_hash)) from records where record_id in ('g2', 'g4')")" 1 \
    "one mother however her ID was typed"
expect_rc 0 "again, --ignore-unknown: all duplicates" "$PS" submit "$F/births_gbk.csv" --ignore-unknown
expect_last "accepted 0, duplicate 4, rejected 0" "resend is duplicates"

# ------------------------------------------------ UTF-16 "Unicode text" with tabs
printf '编号\t单位\t统计日期\t人口数\r\np1\t610328101\t2025-12-31\t52000\r\np2\t610328102\t2025年12月31日\t４１０００\r\n' \
    | iconv -f UTF-8 -t UTF-16LE > "$F/pop.body"
{ printf '\xff\xfe'; cat "$F/pop.body"; } > "$F/pop.txt"
expect_rc 0 "UTF-16LE tab-separated population" "$PS" submit "$F/pop.txt"
expect_last "accepted 2, duplicate 0, rejected 0" "UTF-16 rows stored"
expect_eq "$(sql "select persons from records where record_id = 'p2'")" 41000 "full-width persons folded"
printf '记录号,区划代码,迁移日期,迁移方向,人数\nm1,610328101,2025-7-1,迁入,3\nm2,610328101,2025-7-2,迁出,2\n' \
    | iconv -f UTF-8 -t UTF-16BE > "$F/mig.body"
{ printf '\xfe\xff'; cat "$F/mig.body"; } > "$F/mig.csv"
expect_rc 0 "UTF-16BE migration, 迁入/迁出" "$PS" submit "$F/mig.csv"
expect_last "accepted 2, duplicate 0, rejected 0" "UTF-16BE rows stored"
expect_eq "$(sql "select group_concat(direction) from (select direction from records where record_id in ('m1','m2') order by record_id)")" "1,2" "directions"

# ------------------------------------------------ a file that is no text
printf 'record_id,unit,date,persons\nx1,610328101,2025-12-31,\xff\xfe\n' > "$F/binary.csv"
expect_rc 1 "undecodable file refused" "$PS" submit "$F/binary.csv"
expect_out "line 2 cannot be read" "names the line"
expect_out '"CSV UTF-8"' "says how to save it"
expect_rc 0 "--encoding gb18030 forced on GBK" "$PS" check "$F/births_gbk.csv" --encoding gb18030 --ignore 姓名
expect_rc 1 "--encoding utf-8 forced on GBK" "$PS" check "$F/births_gbk.csv" --encoding utf-8 --ignore 姓名

# ------------------------------------------------ 15 and 18 characters: one mother
python3 - "$F/ver.csv" <<'EOF'
import sys
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def full(s17): return s17 + "10X98765432"[sum(int(a) * b for a, b in zip(s17, w)) % 11]
id18 = full("36073219800101123")
open(sys.argv[1], "w").write("编号,单位,核查日期,母亲身份证号码\nv15,610328102,2025-08-01,%s\n" % id18)
open(sys.argv[1] + ".birth", "w").write("编号,单位,出生日期,性别,孩次,政策,母亲证件号码\nb15,610328102,2025-08-03,女,1,是,360732800101123\n")
EOF
expect_rc 0 "verification with the 18-character ID" "$PS" submit "$F/ver.csv"
expect_rc 0 "birth with the old 15-digit ID" "$PS" submit "$F/ver.csv.birth"
expect_last "accepted 1, duplicate 0, rejected 0" "15-digit ID accepted"
expect_eq "$(sql "select matched from records where record_id = 'v15'")" 1 "15 and 18 characters match the same mother"
expect_eq "$(sql "select count(distinct hex(mother_hash)) from records where record_id in ('v15','b15')")" 1 "one hash for both forms"

# ------------------------------------------------ the ID rules, every reason of a row
cat > "$F/bad.csv" <<'EOF'
record_id,unit,date,sex,birth_order,policy,mother_id
x1,610328101,2025-05-05,F,1,Y,110101199001011230
x2,610328101,2025-05-05,F,1,Y,360732198013450017
x3,610328101,2025-05-05,F,1,Y,3.60732E+17
x4,610328101,05/05/2025,X,0,maybe,
x5,城关镇卫生院计划生育办公室,2025-05-05,F,1,Y,
EOF
expect_rc 1 "bad rows" "$PS" submit "$F/bad.csv"
expect_line "line 2: mother_id: check character should be 7" "check character"
expect_line "line 3: mother_id: birth date 19801345 is not a date" "embedded date"
expect_line "line 4: mother_id: Excel stored the ID as a number and lost its last digits; format the column as text" "scientific notation"
expect_line "line 5: date: '05/05/2025': expected YYYY-MM-DD" "day-first date refused"
expect_line "line 5: sex: 'X' is not M, F, 男 or 女" "second reason of the row"
expect_line "line 5: birth_order: 0 is out of range 1-15" "third reason"
expect_line "line 5: policy: 'maybe' is not Y, N, 符合, 不符合, 是 or 否" "fourth reason"
expect_line "line 6: unit: '城关镇卫生院计划生育办公室' is not a unit code (1-20 of 0-9 A-Z a-z _ -)" "value quoted whole"
expect_last "accepted 0, duplicate 0, rejected 5" "rows counted once each"
expect_rc 1 "a Chinese period is echoed as typed" "$PS" status --unit 610328101 --period 2026年13月
expect_err "period '2026年13月': month must be 01-12" "period message decoded"

# ------------------------------------------------ check, no server
stop_server
expect_rc 1 "check without a server" "$PS" check "$F/bad.csv"
expect_line "line 2: mother_id: check character should be 7" "check: same lines"
expect_last "ok 0, rejected 5" "check summary"
expect_rc 0 "check a good GBK file" "$PS" check "$F/births_gbk.csv" --ignore 姓名
expect_last "ok 4, rejected 0" "check: all ok"
expect_rc 0 "check UTF-16" "$PS" check "$F/pop.txt"
expect_last "ok 2, rejected 0" "check UTF-16 ok"
expect_rc 1 "check --kind that does not fit" "$PS" check "$F/pop.txt" --kind death
expect_out "for death records" "kind mismatch named"
printf 'record_id,unit,date,persons\nf1,610328101,2999-01-01,5\n' > "$F/future.csv"
expect_rc 1 "check: date after today (local date)" "$PS" check "$F/future.csv"
expect_out "2999-01-01 is after today" "after today"
# Summarised after 20 lines of one reason.
awk 'BEGIN { print "record_id,unit,date,persons";
    for (i = 1; i <= 25000; i++) printf "s%d,610328101,%d/5/2025,5\n", i, i % 28 + 1 }' > "$F/many.csv"
expect_rc 1 "25000 rows with one mistake" "$PS" check "$F/many.csv"
expect_eq "$(printf '%s\n' "$OUT" | grep -c '^line ')" 20 "20 lines of the reason"
expect_line "... and 24,980 more rows: date: expected YYYY-MM-DD" "the rest summarised"
expect_last "ok 0, rejected 25000" "check counts every row"
# --map for headers with other names.
printf '序号,乡镇,日期,户籍人口\nq1,610328101,2025-12-31,100\n' > "$F/other.csv"
expect_rc 1 "other names unknown" "$PS" check "$F/other.csv"
expect_rc 0 "--map names them" "$PS" check "$F/other.csv" --map 序号=record_id --map '乡镇=unit' --map 户籍人口=persons
expect_last "ok 1, rejected 0" "mapped file ok"

# ------------------------------------------------ template
expect_rc 0 "template birth zh" "$PS" template birth --lang zh
expect_eq "$(printf '%s\n' "$OUT" | head -n 1 | sed 's/^\xef\xbb\xbf//' | tr -d '\r')" \
    "编号,单位代码,出生日期,性别,孩次,是否符合政策,母亲身份证号码" "Chinese headers"
for k in birth death migration population verification; do
	"$PS" template $k --lang zh > "$F/t_$k.csv"
	expect_rc 0 "template $k checks clean (zh)" "$PS" check "$F/t_$k.csv"
	"$PS" template $k --lang en > "$F/te_$k.csv"
	expect_rc 0 "template $k checks clean (en)" "$PS" check "$F/te_$k.csv"
	expect_last "ok 1, rejected 0" "template $k: one example row"
done
expect_eq "$(head -n 1 "$F/te_death.csv" | tr -d '\r')" "record_id,unit,date,sex,age" "English headers"
expect_rc 0 "template xlsx" "$PS" template verification --lang zh --format xlsx --output "$F/t.xlsx"
run python3 -c "
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1]).active
print([c.value for c in ws[1]])
print(ws['D2'].value, ws['D2'].number_format)
" "$F/t.xlsx"
expect_out "['编号', '单位代码', '核查日期', '母亲身份证号码']" "xlsx headers"
expect_out "11010519491231002X @" "the ID column is text"
"$PS" template birth --format xlsx > "$F/t2.xlsx"
expect_eq "$(head -c 2 "$F/t2.xlsx")" "PK" "xlsx to standard output"
expect_rc 2 "template of no kind" "$PS" template nothing

# The refusals in Chinese (DESIGN section 14: messages a clerk acts on):
# with --lang zh (or a zh locale) each line says 第 L 行, the column's
# Chinese name and what to write instead; English keeps its form, and the
# last line stays "ok N, rejected N" / "accepted ..." in both.
python3 - "$F/zh.csv" <<'PY'
import sys
rows = ["编号,单位,出生日期,性别,孩次,是否符合政策,母亲身份证号",
        "z1,610328101,46115,女,1,是,",
        "z2,610328101,2026-05-06,女,1,是,110105194912310020",
        "z3,610328101,2026-05-07,男,1,是,6.10328E+17",
        "z4,610328101,2026-05-08,男,1,是,11010519491231002X",
        "z5,610328102,2026-05-09,男,1,是,"]
open(sys.argv[1], "w", encoding="gb18030", newline="").write("\r\n".join(rows) + "\r\n")
PY
expect_rc 1 "check zh" "$PS" check "$F/zh.csv" --lang zh
expect_line "第 2 行：日期：“46115”是 Excel 的日期序号，不是日期：请在 Excel 里把这一列设为日期格式（如 2026-05-05）后再另存为 CSV，或直接报送 .xlsx 文件" "an Excel serial date, in Chinese"
expect_line "第 3 行：母亲身份证号：校验码（最后一位）应为 X：身份证号有输错的，请按身份证核对后改正" "a mistyped ID, in Chinese"
expect_out "第 4 行：母亲身份证号：Excel 把身份证号存成了数字" "an ID damaged by Excel, in Chinese"
expect_line "可以报送 2 行，有问题 3 行：请按上面各行改正" "check's Chinese summary"
expect_last "ok 2, rejected 3" "check's last line keeps its form in Chinese"
LANG=zh_CN.UTF-8 LC_ALL= expect_rc 1 "check in a zh locale" "$PS" check "$F/zh.csv"
expect_out "第 3 行：母亲身份证号：校验码" "a zh locale gives Chinese"
printf 'lang = zh\n' > "$WORK/zh.conf"
POPSTAT_CONFIG=$WORK/zh.conf expect_rc 1 "check with lang = zh in the config" "$PS" check "$F/zh.csv"
expect_out "第 3 行：母亲身份证号：校验码" "the config's lang gives Chinese"
expect_rc 0 "check --help" "$PS" check --help
expect_out "--lang zh|en         the refusals in Chinese" "check --help names --lang"
expect_rc 1 "check en" "$PS" check "$F/zh.csv" --lang en
expect_line "line 2: date: '46115': expected YYYY-MM-DD; this looks like an Excel date serial number: format the column as a date (2026-05-05) in Excel and save again" "an Excel serial date, in English"
expect_line "line 3: mother_id: check character should be X" "English keeps its form"
# Offline, in Chinese: the rows wait in the outbox and the summary says so.
POPSTAT_OUTBOX=$WORK/ob-zh.db POPSTAT_TOKEN=$CLERK1 expect_rc 3 "submit zh offline" "$PS" submit "$F/zh.csv" --lang zh
expect_line "存入 0 条，重复（此前已存）0 条，拒绝 3 条；另有 2 条未送达，在待发箱中" "zh offline summary"
expect_err "popstat：连不上服务器 127.0.0.1:$PORT：2 条已存入待发箱" "zh offline message"
restart_server
POPSTAT_TOKEN=$CLERK1 expect_rc 1 "submit zh" "$PS" submit "$F/zh.csv" --lang zh
expect_line "第 6 行：单位：单位 610328102 不在本账号（610328101）的范围内：只能报送本乡镇及其下属单位的记录" "the server's refusal in Chinese"
expect_out "拒绝 4 条：请按上面各行改正后再报送同一文件" "submit's Chinese summary"
expect_last "accepted 1, duplicate 0, rejected 4" "submit's last line keeps its form"
printf 'record_id,unit,date,sex,birth_order,policy\nz5,610328102,2026-05-09,M,2,Y\nnone,610328101,2026-05-09,M,1,Y\n' > "$F/zh-amend.csv"
POPSTAT_TOKEN=$CLERK1 expect_rc 1 "amend zh" "$PS" amend "$F/zh-amend.csv" --reason "孩次录错" --lang zh
expect_line "第 3 行：编号：none 没有存在单位 610328101 中：这是新记录，请报送（submit）而不是更正" "amend's refusal in Chinese"
expect_out "：请按上面各行改正后再更正" "amend's Chinese summary says amend again"
stop_server
printf '编号,单位,日期,性别,孩次,是否符合政策,姓名\nz9,610328101,2026-05-05,女,1,是,张三\n' > "$F/zh-name.csv"
expect_rc 1 "an unknown column, zh" "$PS" check "$F/zh-name.csv" --lang zh
expect_out "第 1 行：“姓名”是不认识的列：不用这一列就加 --ignore '姓名'" "the unknown column in Chinese"
expect_last "ok 0, rejected 1" "its last line"

finish
