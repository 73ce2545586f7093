# print_lib.sh - shared by test_print.sh and test_bulletin_doc.sh: a
# county (361101 崇义县) with 60 townships (names of 3 characters, a few
# of 5), populations and births year to date, two of them far over the
# birth target (vetoed); a viewer and a clerk.  Sourced after lib.sh.
F=$WORK/f
mkdir -p "$F"

# The county, 60 townships (names of 3 characters and a few of 4-5), two
# of them vetoed (births far over the target), populations and births.
N=60
python3 - "$F" "$N" <<'EOF'
import sys
f, n = sys.argv[1], int(sys.argv[2])
c1 = "崇东八河城新永龙白青石长太和安"
c2 = "贤风渡北关塘和泉沙山桥乐平仁义"
names = []
for i in range(n):
    a = c1[i % 15] + c2[(i // 15 + i) % 15]
    suf = "乡" if i % 3 else "镇"
    if i % 17 == 5:
        a += "回族"          # a longer name: 5 characters
    names.append(a + suf)
assert len(set(names)) == n, "township names must differ"
with open(f + "/units.txt", "w") as u:
    for i, nm in enumerate(names):
        u.write("361101%03d %s\n" % (i + 1, nm))
with open(f + "/pop.csv", "w") as p, open(f + "/births.csv", "w") as b:
    p.write("record_id,unit,date,persons\n")
    b.write("record_id,unit,date,sex,birth_order,policy,mother_id\n")
    for i in range(n):
        u = "361101%03d" % (i + 1)
        p.write("P-%s,%s,2025-12-31,%d\n" % (u, u, 2000 + 10 * i))
        births = 10 + i % 7 + (30 if i in (3, 41) else 0)
        for k in range(births):
            b.write("B-%s-%d,%s,2026-%02d-15,%s,1,Y,M%s%02d\n" %
                    (u, k, u, 1 + k % 10, "MF"[k % 2], u, k))
EOF

start_server
expect_rc 0 "unit add county" "$PS" unit add 361101 崇义县 --level county
while read -r code name; do
	"$PS" unit add "$code" "$name" --parent 361101 --level township >/dev/null ||
		fail_ "unit add $code $name"
done <"$F/units.txt"
expect_rc 0 "submit populations" "$PS" submit "$F/pop.csv"
expect_rc 0 "submit births" "$PS" submit "$F/births.csv"
expect_out "rejected 0" "every birth accepted"
expect_rc 0 "viewer" "$PS" user add v1 --role viewer
VIEWER=$OUT
expect_rc 0 "clerk" "$PS" user add c1 --role clerk --unit 361101001
CLERK=$OUT

OFFICE=崇义县卫生健康局
DOCNO="崇卫〔2026〕12号"
# Issued the day after November's last dekad report fell due: 12-04.
CNDATE=二〇二六年十二月四日


cap() { # cap FILE DESC CMD...: run CMD (must succeed), stdout to FILE
	local f=$1 d=$2; shift 2
	if "$@" >"$f" 2>"$WORK/cap.err"; then ok_; else
		fail_ "$d: exit $? $(head -c 300 "$WORK/cap.err")"; fi
}
