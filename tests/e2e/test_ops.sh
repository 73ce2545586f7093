#!/usr/bin/env bash
# Operations and interoperability: make install/uninstall into a DESTDIR,
# the systemd unit, the popstatd and popstat configuration files, journald
# log levels, the man pages (groff -ww lint), the progress bar on a
# pseudo-terminal, unit import/export, and export as CSV, JSON and ADX.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
skip() { echo "SKIP: $*"; }

# ---- make install / uninstall -------------------------------------------------
DEST=$WORK/destdir
expect_rc 0 "make install into DESTDIR" make -s -C "$ROOT" install DESTDIR="$DEST" PREFIX=/usr
want="etc/popstat/popstatd.conf
etc/popstat/popstatd.conf.example
usr/bin/popstat
usr/bin/popstatd
usr/lib/systemd/system/popstatd.service
usr/lib/sysusers.d/popstat.conf
usr/share/bash-completion/completions/popstat
usr/share/bash-completion/completions/popstatd
usr/share/man/man1/popstat.1
usr/share/man/man8/popstatd.8"
got=$(cd "$DEST" && find . \( -type f -o -type l \) | sed 's|^\./||' | LC_ALL=C sort)
expect_eq "$got" "$want" "installed file list"
expect_eq "$(stat -c %a "$DEST/usr/bin/popstatd")" 755 "popstatd installed executable"
expect_eq "$(stat -c %a "$DEST/usr/share/man/man1/popstat.1")" 644 "man page mode 0644"
expect_rc 0 "installed client runs" "$DEST/usr/bin/popstat" --help
expect_rc 0 "installed server runs" "$DEST/usr/bin/popstatd" --help
UNIT=$DEST/usr/lib/systemd/system/popstatd.service
expect_eq "$(grep '^ExecStart=' "$UNIT")" \
	"ExecStart=/usr/bin/popstatd --config /etc/popstat/popstatd.conf" \
	"unit ExecStart rewritten to BINDIR and SYSCONFDIR"
for key in "User=popstat" "StateDirectory=popstat" "Restart=on-failure" \
	'ExecReload=/bin/kill -HUP $MAINPID' "NoNewPrivileges=yes" \
	"ProtectSystem=strict" "ProtectHome=yes" "PrivateTmp=yes" \
	"PrivateDevices=yes" "CapabilityBoundingSet=" \
	"RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" \
	"SystemCallFilter=@system-service"; do
	if grep -qxF -- "$key" "$UNIT"; then ok_; else fail_ "unit lacks $key"; fi
done
expect_eq "$(readlink "$DEST/usr/share/bash-completion/completions/popstatd")" popstat \
	"popstatd completion is a link"
cmp -s "$DEST/etc/popstat/popstatd.conf" "$ROOT/etc/popstatd.conf.example" && ok_ ||
	fail_ "popstatd.conf made from the example"

# A local configuration is never overwritten, and is kept by uninstall.
echo "log-level = debug" >> "$DEST/etc/popstat/popstatd.conf"
expect_rc 0 "make install again" make -s -C "$ROOT" install DESTDIR="$DEST" PREFIX=/usr
expect_out "keeping the existing" "install says it keeps popstatd.conf"
expect_eq "$(tail -n 1 "$DEST/etc/popstat/popstatd.conf")" "log-level = debug" \
	"existing popstatd.conf not overwritten"
expect_rc 0 "make uninstall" make -s -C "$ROOT" uninstall DESTDIR="$DEST" PREFIX=/usr
got=$(cd "$DEST" && find . \( -type f -o -type l \) | sed 's|^\./||' | LC_ALL=C sort)
expect_eq "$got" "etc/popstat/popstatd.conf" "uninstall removes all but the changed config"
# An unchanged configuration goes with the rest.
rm -f "$DEST/etc/popstat/popstatd.conf"
expect_rc 0 "install, fresh" make -s -C "$ROOT" install DESTDIR="$DEST" PREFIX=/usr
expect_rc 0 "uninstall, fresh" make -s -C "$ROOT" uninstall DESTDIR="$DEST" PREFIX=/usr
expect_eq "$(cd "$DEST" && find . \( -type f -o -type l \) | wc -l)" 0 "uninstall removes everything"
# Other directories.
expect_rc 0 "install with BINDIR MANDIR SYSCONFDIR" make -s -C "$ROOT" install \
	DESTDIR="$DEST" PREFIX=/opt/ps BINDIR=/opt/ps/sbin MANDIR=/opt/ps/man SYSCONFDIR=/opt/ps/etc
for f in opt/ps/sbin/popstatd opt/ps/man/man8/popstatd.8 opt/ps/etc/popstat/popstatd.conf.example \
	opt/ps/lib/systemd/system/popstatd.service opt/ps/share/bash-completion/completions/popstat; do
	[ -e "$DEST/$f" ] && ok_ || fail_ "custom directories: $f missing"
done
expect_eq "$(grep '^ExecStart=' "$DEST/opt/ps/lib/systemd/system/popstatd.service")" \
	"ExecStart=/opt/ps/sbin/popstatd --config /opt/ps/etc/popstat/popstatd.conf" \
	"ExecStart follows BINDIR and SYSCONFDIR"
expect_rc 0 "uninstall custom" make -s -C "$ROOT" uninstall \
	DESTDIR="$DEST" PREFIX=/opt/ps BINDIR=/opt/ps/sbin MANDIR=/opt/ps/man SYSCONFDIR=/opt/ps/etc
expect_eq "$(cd "$DEST" && find . \( -type f -o -type l \) | wc -l)" 0 "custom uninstall removes everything"

# systemd-analyze verify, with ExecStart pointing at the built binary and the
# man pages where man(1) finds them (Documentation=man:...).
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$WORK/unit" "$WORK/man/man1" "$WORK/man/man8"
	cp "$ROOT/doc/popstat.1" "$WORK/man/man1/"
	cp "$ROOT/doc/popstatd.8" "$WORK/man/man8/"
	sed "s|^ExecStart=/usr/local/bin/popstatd|ExecStart=$PSD|" "$ROOT/etc/popstatd.service" \
		> "$WORK/unit/popstatd.service"
	expect_rc 0 "systemd-analyze verify popstatd.service" \
		env MANPATH="$WORK/man" systemd-analyze verify "$WORK/unit/popstatd.service"
	expect_eq "$(printf '%s' "$ERR" | grep -c 'popstatd.service')" 0 "systemd-analyze: no complaint"
else
	skip "systemd-analyze not installed: unit file not verified"
fi
# bash completion: syntax and a few answers.
expect_rc 0 "completion script parses" bash -n "$ROOT/etc/popstat.bash-completion"
comp() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _popstat; echo "${COMPREPLY[*]}"' \
		_ "$ROOT/etc/popstat.bash-completion" "$@"
}
expect_eq "$(comp popstat unit "")" "add list import export rename retire delete move merge" "completion: unit subcommands"
expect_eq "$(comp popstat export --format "")" "csv json adx" "completion: export formats"
case " $(comp popstat "") " in *" export "*) ok_ ;; *) fail_ "completion lacks export" ;; esac
case " $(comp popstat ranking --) " in *" --indicator "*) ok_ ;; *) fail_ "completion: ranking options" ;; esac
# Every command of popstat --help is completed.
for c in $("$PS" --help | sed -n 's/^  \([a-z-]*\) .*/\1/p'); do
	case " $(comp popstat "") " in *" $c "*) ok_ ;; *) fail_ "completion lacks command $c" ;; esac
done

# ---- man pages -----------------------------------------------------------------
for page in "$ROOT/doc/popstat.1" "$ROOT/doc/popstatd.8"; do
	expect_rc 0 "groff -ww $(basename "$page")" groff -ww -man -Tutf8 "$page"
	expect_eq "$ERR" "" "groff warnings for $(basename "$page")"
	if command -v mandoc >/dev/null; then
		expect_rc 0 "mandoc -T lint $(basename "$page")" mandoc -T lint -W warning "$page"
	fi
	if LC_ALL=C grep -q '[^[:print:][:space:]]' "$page"; then
		fail_ "$(basename "$page") has raw non-ASCII text (use \\[uXXXX])"
	else ok_; fi
done
if ! command -v mandoc >/dev/null; then skip "mandoc not installed: groff lint only"; fi
if command -v man >/dev/null; then
	expect_rc 0 "man -l popstat.1" env MANWIDTH=80 man -l "$ROOT/doc/popstat.1"
	expect_eq "$ERR" "" "man -l popstat.1 without warnings"
fi
P1=$(groff -man -Tutf8 "$ROOT/doc/popstat.1" 2>/dev/null | sed 's/.\x08//g')
P8=$(groff -man -Tutf8 "$ROOT/doc/popstatd.8" 2>/dev/null | sed 's/.\x08//g')
for c in $("$PS" --help | sed -n 's/^  \([a-z-]*\) .*/\1/p'); do
	printf '%s' "$P1" | grep -q -- "^       $c\b\|^       [a-z]* *$c " && ok_ || fail_ "popstat.1 lacks command $c"
done
for sub in "unit import" "unit export" "user rotate" "user disable" "bulletin publish" "task update"; do
	printf '%s' "$P1" | grep -qF -- "$sub" && ok_ || fail_ "popstat.1 lacks $sub"
done
for o in $("$PSD" --help | sed -n 's/^  \(--[a-z-]*\).*/\1/p'); do
	printf '%s' "$P8" | grep -qF -- "$o" && ok_ || fail_ "popstatd.8 lacks $o"
done
for w in POPSTAT_SERVER POPSTAT_TOKEN POPSTAT_CA POPSTAT_PIN POPSTAT_CONFIG POPSTAT_OUTBOX \
	"EXIT STATUS" "urn:ihe:qrph:adx:2015" "[dataElements]" "format"; do
	printf '%s' "$P1" | grep -qF -- "$w" && ok_ || fail_ "popstat.1 lacks $w"
done
for w in SIGHUP SIGTERM "BACKUP AND RESTORE" DURABILITY "EXIT STATUS" popstatd.conf; do
	printf '%s' "$P8" | grep -qF -- "$w" && ok_ || fail_ "popstatd.8 lacks $w"
done

# ---- popstatd configuration file ----------------------------------------------
DB=$WORK/popstat.db
ADMIN=$("$PSD" init --db "$DB")
# Every setting of --help is in the example, commented with its default.
for o in $("$PSD" --help | sed -n 's/^  --\([a-z-]*\).*/\1/p'); do
	[ "$o" = config ] && continue
	grep -qE "^#?$o = " "$ROOT/etc/popstatd.conf.example" && ok_ ||
		fail_ "popstatd.conf.example lacks $o"
done
printf 'db = %s\nlisten = 127.0.0.1:1\n\nmax-rows = 5\ncolour = red\n' "$DB" > "$WORK/bad-key.conf"
expect_rc 2 "unknown config key" "$PSD" --config "$WORK/bad-key.conf"
expect_err "line 5" "unknown key names its line"
expect_err "colour" "unknown key is named"
printf '# comment\nmax-rows = 0\n' > "$WORK/bad-value.conf"
expect_rc 2 "bad config value" "$PSD" --config "$WORK/bad-value.conf" --db "$DB" --listen 127.0.0.1:1
expect_err "line 2" "bad value names its line"
expect_rc 2 "bad config value even when the flag is given" "$PSD" --config "$WORK/bad-value.conf" \
	--db "$DB" --listen 127.0.0.1:1 --max-rows 10
printf 'durability = fast\n' > "$WORK/bad-enum.conf"
expect_rc 2 "bad enum in config" "$PSD" --config "$WORK/bad-enum.conf"
expect_err "line 1" "bad enum names its line"
printf 'no equals sign\n' > "$WORK/bad-line.conf"
expect_rc 2 "line without =" "$PSD" --config "$WORK/bad-line.conf"
expect_err "line 1" "line without = is named"
expect_rc 2 "missing --config file" "$PSD" --config "$WORK/nope.conf"

rows() { # rows N FILE PREFIX: N valid birth rows of 610328101
	python3 -c "
import sys
print('record_id,unit,date,sex,birth_order,policy,mother_id')
for i in range(int(sys.argv[1])):
    print('%s%d,610328101,2026-%02d-%02d,%s,%d,Y,M%d' % (sys.argv[2], i, 1 + i % 10, 1 + i % 28, 'MF'[i % 2], 1 + i % 2, i))
" "$1" "$3" > "$2"
}
# A setting only in the file takes effect; the command line wins over it.
printf 'max-rows = 5\nlog-level = warn\n' > "$WORK/rows.conf"
start_server --config "$WORK/rows.conf"
"$PS" unit add 610328 陇县 --level county >/dev/null
"$PS" unit add 610328101 城关镇 --parent 610328 --level township >/dev/null
rows 10 "$WORK/ten.csv" T
expect_rc 1 "file-only max-rows applies" "$PS" submit "$WORK/ten.csv"
expect_err "limit of 5 rows" "max-rows from the file"
expect_eq "$(grep -c ' info: ' "$WORK/server.log")" 0 "log-level from the file"
stop_server
start_server --config "$WORK/rows.conf" --max-rows 20
expect_rc 0 "command line wins over the file" "$PS" submit "$WORK/ten.csv"
expect_out "accepted 10" "rows accepted under --max-rows 20"
stop_server
# The example as shipped, and with every setting uncommented, is accepted.
start_server --config "$ROOT/etc/popstatd.conf.example"
expect_rc 0 "server runs with the example config" "$PS" ping
stop_server
grep -vE '^#(tls-|http|today|insecure|key-file)' "$ROOT/etc/popstatd.conf.example" |
	sed -E 's/^#([a-z-]+ = )/\1/' > "$WORK/all.conf"
expect_eq "$(grep -cE '^(durability|max-frame|idle-timeout|auth-failures) = ' "$WORK/all.conf")" 4 \
	"uncommented example has the settings"
start_server --config "$WORK/all.conf"
expect_rc 0 "server runs with every default uncommented" "$PS" ping
stop_server
# Under systemd ($JOURNAL_STREAM names stderr) lines carry syslog levels.
: > "$WORK/journal.log"
JS=$(stat -c '%d:%i' "$WORK/journal.log")
PORT=$(free_port)
JOURNAL_STREAM=$JS "$PSD" --db "$DB" --listen 127.0.0.1:"$PORT" --today "$TODAY" 2>>"$WORK/journal.log" &
JPID=$!
for i in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break; sleep 0.05; done
"$PS" --server 127.0.0.1:"$PORT" --token nope ping >/dev/null 2>&1
kill -TERM "$JPID"; wait "$JPID"
[ "$(grep -c '^<[3-7]>\(debug\|info\|warn\|error\): ' "$WORK/journal.log")" -eq "$(grep -c '' "$WORK/journal.log")" ] &&
	[ "$(grep -c '' "$WORK/journal.log")" -gt 0 ] && ok_ || fail_ "journal log format: $(head -3 "$WORK/journal.log")"
grep -q 'database closed cleanly' "$WORK/journal.log" && ok_ || fail_ "journal log has the shutdown line"
cat "$WORK/journal.log" >> "$WORK/server.log"

# ---- popstat configuration file -----------------------------------------------
start_server
printf 'server = %s\n# output default\nformat = json\n' "$POPSTAT_SERVER" > "$WORK/client.conf"
expect_rc 0 "config format = json" env POPSTAT_CONFIG="$WORK/client.conf" "$PS" unit list
expect_eq "$(json 'len(j)')" 2 "unit list printed as JSON by default"
expect_rc 0 "--csv wins over the config format" env POPSTAT_CONFIG="$WORK/client.conf" "$PS" unit list --csv
expect_eq "$(printf '%s' "$OUT" | head -n 1)" "code,name,parent,level" "csv header"
printf 'format = csv\n' > "$WORK/client-csv.conf"
expect_rc 0 "config format = csv" env POPSTAT_CONFIG="$WORK/client-csv.conf" "$PS" unit list
expect_eq "$(printf '%s' "$OUT" | head -n 1)" "code,name,parent,level" "unit list printed as CSV by default"
printf 'format = table\n' > "$WORK/client-table.conf"
expect_rc 0 "config format = table" env POPSTAT_CONFIG="$WORK/client-table.conf" "$PS" unit list
expect_no_out "code,name" "table output"
printf 'server = x:1\nformat = xml\n' > "$WORK/client-bad.conf"
expect_rc 2 "bad format in client config" env POPSTAT_CONFIG="$WORK/client-bad.conf" "$PS" unit list
expect_err "line 2" "bad client config value names its line"

# ---- progress bar ------------------------------------------------------------
rows 3500 "$WORK/big.csv" BIG
# runpty.py CMD...: run CMD with stdin, stdout and stderr on a pseudo-terminal;
# print everything it wrote; exit with its status.
cat > "$WORK/runpty.py" <<'EOF'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    out += data
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status))
EOF
expect_rc 0 "submit on a terminal" python3 "$WORK/runpty.py" "$PS" submit "$WORK/big.csv"
expect_out "accepted 3500, duplicate 0, rejected 0" "summary on a terminal"
expect_out "rows/s" "progress shows rows per second"
expect_out " left" "progress shows the time left"
expect_out "1000 rows" "progress shows rows sent"
expect_out "%" "progress shows the share of the file"
printf '%s' "$OUT" | grep -q $'\r\033\[K' && ok_ || fail_ "progress line is erased at the end"
expect_eq "$(printf '%s' "$OUT" | tr '\r' '\n' | sed 's/\x1b\[K//g' | grep -c '^accepted')" 1 "summary on its own line"
expect_rc 0 "submit --quiet on a terminal" python3 "$WORK/runpty.py" "$PS" --quiet submit "$WORK/big.csv"
expect_no_out "rows/s" "no progress with --quiet"
expect_out "accepted 0, duplicate 3500" "quiet summary"
expect_rc 0 "submit, stderr not a terminal" "$PS" submit "$WORK/big.csv"
expect_eq "$(printf '%s' "$ERR" | grep -c 'rows/s')" 0 "no progress when stderr is not a terminal"
expect_eq "$(printf '%s%s' "$OUT" "$ERR" | tr -cd '\r' | wc -c)" 0 "no carriage returns off a terminal"
expect_rc 0 "small file on a terminal" python3 "$WORK/runpty.py" "$PS" submit "$WORK/ten.csv"
expect_no_out "rows/s" "no progress for a file of one batch"
stop_server

# ---- unit import / export ------------------------------------------------------
DB=$WORK/units.db
start_server
# Children before parents, quotes, commas and CJK names; columns reordered.
cat > "$WORK/units.csv" <<'EOF'
level,code,name,parent
village,610328101001,"东关村, 一组",610328101
township,610328101,城关镇,610328
township,610328102,"东风镇 ""east""",610328
county,610328,陇县,6103
city,6103,宝鸡市,
village,610328102001,西村,610328102
EOF
# The county's parent is added last in the file.
printf 'county,610327,千阳县,6103\n' >> "$WORK/units.csv"
expect_rc 0 "unit import, parents after children" "$PS" unit import "$WORK/units.csv"
expect_out "added 7, existing 0, rejected 0" "all units added"
expect_rc 0 "unit export" "$PS" unit export
printf '%s\n' "$OUT" > "$WORK/export1.csv"
expect_eq "$(head -n 1 "$WORK/export1.csv")" "code,name,parent,level" "export header"
expect_eq "$(tail -n +2 "$WORK/export1.csv" | wc -l)" 7 "export has every unit"
python3 - "$WORK/units.csv" "$WORK/export1.csv" <<'EOF' && ok_ || fail_ "export matches the imported file"
import csv, sys
def rows(p):
    with open(p, newline="", encoding="utf-8") as f:
        return {(r["code"], r["name"], r["parent"], r["level"]) for r in csv.DictReader(f)}
assert rows(sys.argv[1]) == rows(sys.argv[2]), (rows(sys.argv[1]) ^ rows(sys.argv[2]))
EOF
python3 - "$WORK/export1.csv" <<'EOF' && ok_ || fail_ "export lists parents before children"
import csv, sys
seen = set()
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for r in csv.DictReader(f):
        assert r["parent"] == "" or r["parent"] in seen, r
        seen.add(r["code"])
EOF
expect_rc 0 "re-import is harmless" "$PS" unit import "$WORK/units.csv"
expect_out "added 0, existing 7, rejected 0" "re-import counts existing"
expect_rc 0 "export --root" "$PS" unit export --root 610328102
expect_eq "$(printf '%s\n' "$OUT" | tail -n +2 | cut -d, -f1 | tr '\n' ' ')" "610328102 610328102001 " \
	"export --root lists the subtree"
# Round trip into a fresh server gives the same export.
stop_server
DB=$WORK/units2.db
start_server
expect_rc 0 "import the export into a fresh server" "$PS" unit import "$WORK/export1.csv"
expect_out "added 7, existing 0, rejected 0" "round trip import"
expect_rc 0 "export again" "$PS" unit export
expect_eq "$OUT" "$(cat "$WORK/export1.csv")" "round trip export identical"
expect_rc 0 "import from standard input" sh -c "\"$PS\" unit import - < \"$WORK/export1.csv\""
expect_out "existing 7" "stdin import"
# Errors by line.
cat > "$WORK/bad-units.csv" <<'EOF'
code,name,parent,level
N1,new one,610328,
a b,bad code,,
N1,twice,,
C1,c1,C2,
C2,c2,C1,
C3,c3,C1,
N2,orphan,NOPE,
610328101,renamed,610328,township
N3,,,
N4,child of rejected,a b,
N5,"short row"
610328102,"东风镇 ""east""",610328,township
EOF
expect_rc 1 "unit import with bad rows" "$PS" unit import "$WORK/bad-units.csv"
expect_out "added 1, existing 1, rejected 10" "bad rows counted"
expect_out "line 3: code: 'a b' is not a unit code" "bad code by line"
expect_out "line 4: code: N1 is already on line 2" "duplicate by line"
expect_out "line 5: parent: cycle" "cycle by line"
expect_out "line 6: parent: cycle" "cycle names every member"
expect_out "line 7: parent: C1 was rejected (line 5)" "child of a cycle"
expect_out "line 8: parent: NOPE is neither in the file nor on the server" "unknown parent"
expect_out "line 9: code: 610328101 is already on the server with other content" "conflict with server"
expect_out "line 10: name: empty" "empty name"
expect_out "line 11: parent: 'a b' is not a unit code" "bad parent code"
expect_out "line 12: row: has 2 fields" "short row"
expect_eq "$(printf '%s\n' "$OUT" | grep '^line' | cut -d: -f1 | tr '\n' ' ')" \
	"line 3 line 4 line 5 line 6 line 7 line 8 line 9 line 10 line 11 line 12 " "errors in line order"
printf 'code,title\nX,y\n' > "$WORK/bad-header.csv"
expect_rc 1 "unit import with a bad header" "$PS" unit import "$WORK/bad-header.csv"
expect_out "line 1: title: unknown column" "bad header by line"
printf 'name,level\nX,y\n' > "$WORK/no-code.csv"
expect_rc 1 "unit import without a code column" "$PS" unit import "$WORK/no-code.csv"
expect_out "code: required column missing" "missing code column"
expect_rc 2 "unit import without a file" "$PS" unit import
expect_rc 2 "unit import of a missing file" "$PS" unit import "$WORK/none.csv"
VIEW=$("$PS" user add viewer1 --role viewer)
printf 'code,name\nV1,v\n' > "$WORK/v.csv"
expect_rc 3 "viewer may not import units" "$PS" --token "$VIEW" unit import "$WORK/v.csv"
expect_rc 0 "unit import --help" "$PS" unit import --help
expect_out "code,name,parent,level" "import help names the columns"
stop_server

# ---- export: csv, json, adx ------------------------------------------------------
DB=$WORK/export.db
start_server
"$PS" unit import "$WORK/units.csv" >/dev/null
cat > "$WORK/pop.csv" <<'EOF'
record_id,unit,date,persons
P1,610328101,2025-12-31,20000
P2,610328102,2025-12-31,15000
P3,610328101,2025-09-30,19900
P4,610328102,2025-09-30,14950
EOF
cat > "$WORK/births.csv" <<'EOF'
record_id,unit,date,sex,birth_order,policy,mother_id
B1,610328101,2026-03-01,M,1,Y,M1
B2,610328101,2026-07-02,F,2,Y,M2
B3,610328101,2026-11-12,F,3,N,M3
B4,610328102,2026-11-15,M,1,Y,M4
EOF
"$PS" submit "$WORK/pop.csv" >/dev/null
"$PS" submit "$WORK/births.csv" >/dev/null
expect_rc 0 "export csv" "$PS" export --parent 610328 --period 2026
printf '%s\n' "$OUT" > "$WORK/export.csv"
python3 - "$WORK/export.csv" <<'EOF' && ok_ || fail_ "export csv structure"
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    r = list(csv.DictReader(f))
h = list(r[0].keys())
assert h[:6] == ["unit", "name", "parent", "start", "end", "status"], h
assert len(h) == len(set(h)), "duplicate columns"
for c in ["births", "deaths", "pop_avg", "days", "year_days", "score", "birth_rate",
          "birth_rate.annualized", "birth_rate.judged", "birth_rate.result", "policy_rate.result"]:
    assert c in h, c
assert [x["unit"] for x in r] == ["610328", "610328101", "610328102"], [x["unit"] for x in r]
assert r[0]["births"] == "4" and r[1]["births"] == "3" and r[2]["births"] == "1", r
assert r[1]["parent"] == "610328" and r[0]["start"] == "2026-01-01" and r[0]["end"] == "2026-12-31"
assert r[1]["birth_rate.result"] in ("met", "missed", "not_assessed")
assert r[1]["days"] == "365"
EOF
expect_rc 0 "status of a township" "$PS" status --unit 610328101 --period 2026 --json
BR=$(json 'next(i["value"] for i in j["indicators"] if i["name"] == "birth_rate")')
expect_eq "$(python3 -c "import csv,sys; r=list(csv.DictReader(open(sys.argv[1])));print(float(r[1]['birth_rate']))" "$WORK/export.csv")" \
	"$BR" "export csv value equals status"
expect_rc 0 "export json" "$PS" export --parent 610328 --period 2026 --format json
expect_eq "$(json 'len(j["units"])')" 3 "json: parent and children"
expect_eq "$(json 'j["units"][0]["unit"] + " " + j["parent"] + " " + j["period"]["start"]')" "610328 610328 2026-01-01" "json: parent first"
expect_eq "$(json 'j["units"][1]["counters"]["births"]')" 3 "json: counters"
expect_eq "$(json 'sorted(j["units"][1]["indicators"][0].keys()) == sorted(["name","value","annualized","unit","target","judged","result","yoy"])')" True \
	"json: indicator objects as status --json"
expect_rc 0 "export --json global flag" "$PS" export --parent 610328 --period 2026 --json
expect_eq "$(json 'len(j["units"])')" 3 "--json selects json"
expect_rc 0 "export --subtree" "$PS" export --parent 6103 --period 2026 --subtree --format json
expect_eq "$(json '",".join(sorted(u["unit"] for u in j["units"]))')" "6103,610327,610328,610328101,610328101001,610328102,610328102001" \
	"subtree: every unit"
expect_eq "$(json 'j["units"][0]["unit"]')" 6103 "subtree: the parent first"
expect_rc 0 "export without --subtree" "$PS" export --parent 6103 --period 2026 --format json
expect_eq "$(json 'len(j["units"])')" 3 "children only without --subtree"

# A complete mapping: every required name mapped or left out with "-".
cat > "$WORK/dhis2.map" <<'EOF'
# popstat -> DHIS2
dataSet = FP_COUNTY_Y    # trailing comment

[dataElements]
births = FP_BIRTHS
births_male = FP_BIRTHS_M
births_female = FP_BIRTHS_F
births_policy = FP_BIRTHS_POLICY
births_order3 = FP_BIRTHS_O3
deaths = FP_DEATHS
mig_in = FP_MIG_IN
mig_out = FP_MIG_OUT
verified = -
verified_missed = -
pop_start = FP_POP_START
pop_end = FP_POP_END
pop_avg = FP_POP_AVG
days = -
year_days = -
score = FP_SCORE
birth_rate = FP_BR_CUMUL
birth_rate.annualized = FP_BR
birth_rate.judged = FP_BR_JUDGED
death_rate = FP_DR
death_rate.annualized = -
natural_growth_rate = FP_NGR
natural_growth_rate.annualized = FP_NGR_ANN
birth_error_rate = FP_BER
policy_rate = FP_PR
sex_ratio = FP_SR
multi_child_rate = A&B<"x">

[orgUnits]
610328 = OU_LONGXIAN
610328101 = OU_CHENGGUAN
610328102 = OU_DONGFENG
EOF
cat > "$WORK/check_adx.py" <<'EOF'
# check_adx.py FILE MAPPING PERIOD_ATTR NGROUPS: validate ADX structure.
import re, sys
import xml.etree.ElementTree as ET
path, mapping, want_period, ngroups = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
NS = "{urn:ihe:qrph:adx:2015}"
de, ou, ds, sec = {}, {}, None, None
for line in open(mapping, encoding="utf-8"):
    line = re.sub(r"(^|\s)#.*", "", line).strip()
    if not line:
        continue
    if line.startswith("["):
        sec = line
        continue
    k, v = [s.strip() for s in line.split("=", 1)]
    if sec is None:
        ds = v
    elif sec == "[dataElements]":
        de[k] = v
    else:
        ou[k] = v
root = ET.parse(path).getroot()
assert root.tag == NS + "adx", root.tag
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", root.get("exported", "")), root.get("exported")
groups = list(root)
assert len(groups) == ngroups, (len(groups), ngroups)
codes = {v for v in de.values() if v != "-"}
seen = set()
for g in groups:
    assert g.tag == NS + "group", g.tag
    assert set(g.attrib) == {"orgUnit", "period", "dataSet"}, g.attrib
    assert g.get("orgUnit") in ou.values() and g.get("orgUnit") != "-", g.get("orgUnit")
    assert g.get("dataSet") == ds, g.get("dataSet")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d/P[1-9]\d*[YMD]", g.get("period")), g.get("period")
    assert g.get("period") == want_period, (g.get("period"), want_period)
    vals = list(g)
    assert vals, "empty group"
    elems = [v.get("dataElement") for v in vals]
    assert len(elems) == len(set(elems)), "data element twice in a group"
    for v in vals:
        assert v.tag == NS + "dataValue", v.tag
        assert set(v.attrib) == {"dataElement", "value"}, v.attrib
        assert v.get("dataElement") in codes, v.get("dataElement")
        assert re.fullmatch(r"-?\d+(\.\d+)?", v.get("value")), v.get("value")
        float(v.get("value"))
        seen.add(v.get("dataElement"))
for must in ("FP_BIRTHS", "FP_DEATHS", "FP_POP_AVG", "FP_BR", "FP_BR_CUMUL"):
    assert must in seen, must
print("ok", len(groups), len(seen))
EOF
expect_rc 0 "export adx" "$PS" export --parent 610328 --period 2026 --format adx --mapping "$WORK/dhis2.map"
printf '%s\n' "$OUT" > "$WORK/y.adx"
expect_rc 0 "adx structure (year)" python3 "$WORK/check_adx.py" "$WORK/y.adx" "$WORK/dhis2.map" 2026-01-01/P1Y 3
expect_out "ok 3" "adx validated"
if command -v xmllint >/dev/null; then
	expect_rc 0 "xmllint: adx well-formed" xmllint --noout "$WORK/y.adx"
else
	skip "xmllint not installed: python's parser only"
fi
expect_eq "$(grep -c '<?xml version="1.0" encoding="UTF-8"?>' "$WORK/y.adx")" 1 "xml declaration"
grep -qF 'dataElement="A&amp;B&lt;&quot;x&quot;&gt;"' "$WORK/y.adx" && ok_ || fail_ "codes are escaped"
expect_eq "$(python3 -c "
import xml.etree.ElementTree as ET,sys
r=ET.parse(sys.argv[1]).getroot()
g=[g for g in r if g.get('orgUnit')=='OU_CHENGGUAN'][0]
print({v.get('dataElement'):v.get('value') for v in g}['FP_BIRTHS'])" "$WORK/y.adx")" 3 "adx value equals the count"
for pair in 2026-11:2026-11-01/P1M 2026Q3:2026-07-01/P3M 2026H1:2026-01-01/P6M \
	SY2026:2025-10-01/P1Y 2026-11D2:2026-11-11/P10D 2026-11D3:2026-11-21/P10D \
	2026-11-05:2026-11-05/P1D 2026-01-01..2026-01-31:2026-01-01/P1M \
	2026-03-05..2026-03-09:2026-03-05/P5D 2026YTD:2026-01-01/P332D; do
	p=${pair%%:*}; want=${pair#*:}
	run "$PS" export --parent 610328 --period "$p" --format adx --mapping "$WORK/dhis2.map"
	printf '%s\n' "$OUT" > "$WORK/p.adx"
	expect_rc 0 "adx period $p" python3 "$WORK/check_adx.py" "$WORK/p.adx" "$WORK/dhis2.map" "$want" 3
done
# Unmapped names and units.
grep -v '^610328102 = ' "$WORK/dhis2.map" | grep -v '^births_male = ' > "$WORK/partial.map"
expect_rc 2 "adx with unmapped names" "$PS" export --parent 610328 --period 2026 --format adx --mapping "$WORK/partial.map"
expect_err "births_male" "unmapped data element named"
expect_err "610328102" "unmapped org unit named"
expect_eq "$OUT" "" "nothing written on error"
expect_rc 0 "adx --unmapped skip" "$PS" export --parent 610328 --period 2026 --format adx \
	--mapping "$WORK/partial.map" --unmapped skip
printf '%s\n' "$OUT" > "$WORK/skip.adx"
expect_err "left out" "skip lists what was left out"
expect_rc 0 "adx structure with skip" python3 "$WORK/check_adx.py" "$WORK/skip.adx" "$WORK/partial.map" 2026-01-01/P1Y 2
expect_rc 0 "adx --unmapped skip --quiet" "$PS" --quiet export --parent 610328 --period 2026 --format adx \
	--mapping "$WORK/partial.map" --unmapped skip
expect_eq "$ERR" "" "quiet skip says nothing"
# Mapping file errors name the line.
printf 'dataSet = X\n[dataElements]\nbrith_rate = Y\n' > "$WORK/typo.map"
expect_rc 2 "mapping with an unknown name" "$PS" export --parent 610328 --period 2026 --format adx --mapping "$WORK/typo.map"
expect_err "line 3: 'brith_rate' is not a popstat counter or indicator" "unknown name by line"
printf 'dataSet = X\n[units]\n' > "$WORK/sec.map"
expect_rc 2 "mapping with an unknown section" "$PS" export --parent 610328 --period 2026 --format adx --mapping "$WORK/sec.map"
expect_err "line 2: unknown section" "unknown section by line"
printf '[dataElements]\nbirths = B\n' > "$WORK/nods.map"
expect_rc 2 "mapping without dataSet" "$PS" export --parent 610328 --period 2026 --format adx --mapping "$WORK/nods.map"
expect_err "dataSet" "missing dataSet"
printf 'dataSet = X\n[orgUnits]\n610328 = A\n610328 = B\n' > "$WORK/twice.map"
expect_rc 2 "mapping a unit twice" "$PS" export --parent 610328 --period 2026 --format adx --mapping "$WORK/twice.map"
expect_err "line 4: '610328' mapped twice (first on line 3)" "twice by line"
printf 'dataSet = X\n[dataElements]\nbirths\n' > "$WORK/noeq.map"
expect_rc 2 "mapping line without =" "$PS" export --parent 610328 --period 2026 --format adx --mapping "$WORK/noeq.map"
expect_err "line 3" "line without = named"
# Usage errors.
expect_rc 2 "adx needs a mapping" "$PS" export --parent 610328 --period 2026 --format adx
expect_rc 2 "bad format" "$PS" export --parent 610328 --period 2026 --format xls
expect_rc 2 "mapping without adx" "$PS" export --parent 610328 --period 2026 --mapping "$WORK/dhis2.map"
expect_rc 2 "export needs --period" "$PS" export --parent 610328
expect_rc 1 "export of an unknown unit" "$PS" export --parent 999 --period 2026
expect_rc 1 "export with a bad period" "$PS" export --parent 610328 --period 2026Q9
expect_rc 0 "export --help" "$PS" export --help
expect_out "dataElements" "export help shows the mapping format"
finish
