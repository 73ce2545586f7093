#!/usr/bin/env bash
# Free text from any role (names, reasons, notes, titles) is refused at
# the server when it is not UTF-8 or holds a control character (tab is
# fine) or a bidirectional override; and what is stored anyway (an older
# database) is escaped in every human output of the client.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
ESC=$(printf '\033]0;PWNED\007\033[2J')
C1=$(printf 'a\302\233b')           # U+009B, the C1 CSI
RLO=$(printf 'evil\342\200\256txt')  # U+202E RIGHT-TO-LEFT OVERRIDE
LRI=$(printf 'x\342\201\246y')       # U+2066 LEFT-TO-RIGHT ISOLATE
BAD=$(printf 'caf\351')              # Latin-1, not UTF-8
TAB=$(printf 'with\ttab')
start_server
expect_rc 0 "county" "$PS" unit add C1 county
expect_rc 0 "township" "$PS" unit add C1T1 town --parent C1
CLERK=$("$PS" user add clerk1 --role clerk --unit C1T1)
cat > "$WORK/b.csv" <<'CSV'
record_id,unit,date,sex,birth_order,policy
R1,C1T1,2026-01-05,F,1,Y
R2,C1T1,2026-01-06,M,1,Y
CSV
expect_rc 0 "records" "$PS" submit "$WORK/b.csv"

refused() {   # refused DESC FAULT FIELD CMD...
	local desc=$1 fault=$2 field=$3; shift 3
	expect_rc 1 "$desc: refused" "$@"
	expect_err "$fault" "$desc: the fault named"
	expect_err "$field" "$desc: the field named"
}
refused "unit name with a terminal escape" "a control character (U+001B) at byte 0" "unit.name" "$PS" unit add C1T2 "$ESC" --parent C1
refused "unit name with C1 CSI" "a control character (U+009B) at byte 1" "unit.name" "$PS" unit add C1T2 "$C1" --parent C1
refused "unit name with RLO" "a bidirectional override (U+202E) at byte 4" "unit.name" "$PS" unit add C1T2 "$RLO" --parent C1
refused "unit name with an isolate" "a bidirectional override (U+2066)" "unit.name" "$PS" unit add C1T2 "$LRI" --parent C1
refused "unit name not UTF-8" "invalid UTF-8 (byte 0xE9) at byte 3" "unit.name" "$PS" unit add C1T2 "$BAD" --parent C1
refused "void reason by a clerk with an escape" "a control character" "void.reason" env POPSTAT_TOKEN="$CLERK" "$PS" void R1 --unit C1T1 --reason "$ESC"
refused "void reason not UTF-8" "invalid UTF-8" "void.reason" "$PS" void R1 --unit C1T1 --reason "$BAD"
printf 'record_id,unit,date,sex,birth_order,policy\nR2,C1T1,2026-01-06,F,1,Y\n' > "$WORK/a.csv"
refused "amend reason with an escape" "a control character" "amend.reason" env POPSTAT_TOKEN="$CLERK" "$PS" amend "$WORK/a.csv" --reason "$ESC"
refused "dept name with an escape" "a control character" "dept.name" "$PS" dept add D1 "$ESC"
expect_rc 0 "a department" "$PS" dept add D2 财政局
refused "task title with C1" "a control character (U+009B)" "title" "$PS" task add --title "$C1" --owner D2 --due 2026-12-31
refused "task person with RLO" "a bidirectional override" "person" "$PS" task add --title ok --owner D2 --due 2026-12-31 --person "$RLO"
expect_rc 0 "a task" "$PS" task add --title 清查 --owner C1T1 --due 2026-12-31
refused "task note by a clerk with an escape" "a control character" "note" env POPSTAT_TOKEN="$CLERK" "$PS" task update 1 --note "$ESC"
refused "report note with an escape" "a control character" "note" env POPSTAT_TOKEN="$CLERK" "$PS" report file --unit C1T1 --period 2026-11D1 --note "$ESC"
refused "a newline is a control too" "a control character (U+000A)" "reason" "$PS" void R1 --unit C1T1 --reason "$(printf 'two\nlines')"
expect_rc 0 "a tab is fine" "$PS" task update 1 --note "$TAB"
expect_rc 0 "Chinese and symbols are fine" "$PS" void R1 --unit C1T1 --reason "重复登记 (dup) — 100%"
expect_eq "$(sql "select count(*) from units where code = 'C1T2'")" 0 "no refused unit stored"
expect_eq "$(sql "select count(*) from audit where instr(coalesce(reason,'') || coalesce(new,'') || coalesce(object,''), char(27)) > 0")" 0 "no escape in the audit"
expect_rc 0 "audit --json" "$PS" audit --json
expect_eq "$(json 'len(j) > 0')" True "audit --json decodes"
stop_server

# -------------------------------------------------- escaped on output anyway
# A database written before these checks: an escape in a unit name and in
# an audit reason reach the client, which escapes them.
sqlite3 "$DB" "update units set name = char(27) || ']0;PWNED' || char(7) || 'x' || char(8238) where code = 'C1T1';
	insert into audit(at, user, action, unit, reason) values ('2026-11-01T00:00:00', 'old', 'record.void', 'C1T1', 'why' || char(27) || '[2J' || char(155));"
start_server
expect_rc 0 "unit list" "$PS" unit list
expect_out '\x1B]0;PWNED\x07x\u{202E}' "the stored name escaped in the table"
if printf '%s' "$OUT" | LC_ALL=C grep -q "$(printf '\033')"; then fail_ "raw ESC in unit list"; else ok_; fi
expect_rc 0 "audit" "$PS" audit
expect_out 'why: why\x1B[2J\u{009B}' "the stored reason escaped in the audit"
if printf '%s' "$OUT" | LC_ALL=C grep -q "$(printf '\033')"; then fail_ "raw ESC in audit"; else ok_; fi
expect_rc 0 "status" "$PS" status --unit C1T1 --period 2026
if printf '%s' "$OUT" | LC_ALL=C grep -q "$(printf '\033')"; then fail_ "raw ESC in status"; else ok_; fi
expect_rc 0 "ranking" "$PS" ranking --parent C1 --period 2026
if printf '%s' "$OUT" | LC_ALL=C grep -q "$(printf '\033')"; then fail_ "raw ESC in ranking"; else ok_; fi
expect_rc 0 "unit list --json keeps the text, JSON-escaped" "$PS" unit list --json
expect_eq "$(json '[u["name"] for u in j if u["code"] == "C1T1"][0].startswith("\x1b]0;PWNED")')" True "JSON carries the stored name"
finish
