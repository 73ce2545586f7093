#!/usr/bin/env bash
# The row cache (server/rowcache.h): a ranking keeps each unit's row until
# a commit touches that unit's subtree.  After every kind of change this
# compares the running server's rankings with those of a server started
# fresh on a copy of the database (which has no kept rows), and checks on
# /metrics that rows were taken from the cache where nothing changed.
. "$(dirname "$0")/lib.sh" "${1:-bin}"

start_server_http

"$PS" -q unit add 610328 陇县 --level county
"$PS" -q unit add 610329 千阳县 --level county
for t in 101 102 103; do
	"$PS" -q unit add 610328$t 镇$t --parent 610328 --level township
	"$PS" -q unit add 610328${t}001 村${t}甲 --parent 610328$t --level village
	"$PS" -q unit add 610328${t}002 村${t}乙 --parent 610328$t --level village
done
"$PS" -q unit add 610329101 城关 --parent 610329 --level township
{
	echo record_id,unit,date,persons
	for t in 101 102 103; do
		echo "P$t-0,610328$t,2024-12-31,9000"
		echo "P$t-1,610328${t}001,2024-12-31,3000"
		echo "P$t-2,610328${t}002,2024-12-31,4000"
		echo "Q$t-0,610328$t,2025-12-31,9100"
		echo "Q$t-1,610328${t}001,2025-12-31,3050"
		echo "Q$t-2,610328${t}002,2025-12-31,4010"
	done
	echo "P9,610329101,2025-12-31,20000"
} > "$WORK/pop.csv"
expect_rc 0 "populations" "$PS" submit "$WORK/pop.csv"
{
	echo record_id,unit,date,sex,birth_order,policy
	n=0
	for t in 101 102 103; do
		for v in "" 001 002; do
			for k in $(seq 1 $((t - 95))); do
				n=$((n + 1))
				echo "B$n,610328$t$v,2025-0$((k % 9 + 1))-1$((k % 9)),M,1,Y"
				n=$((n + 1))
				echo "B$n,610328$t$v,2026-0$((k % 9 + 1))-0$((k % 9 + 1)),F,$((k % 3 + 1)),$([ $((k % 5)) = 0 ] && echo N || echo Y)"
			done
		done
	done
} > "$WORK/births.csv"
expect_rc 0 "births of two years" "$PS" submit "$WORK/births.csv"
printf 'record_id,unit,date,sex,age\nD1,610328101001,2026-02-02,M,80\nD2,610328102,2026-03-03,F,70\n' > "$WORK/deaths.csv"
expect_rc 0 "deaths" "$PS" submit "$WORK/deaths.csv" --kind death

# Each ranking a clerk or the county asks, with and without an indicator.
QUERIES=("610328 2026" "610328 2026-05" "610328 2026-06" "610328101 2026"
	"610328102 2026" "610328 2025")
P2=$(free_port)
compare() {
	local desc=$1 q a b pid
	for q in "${QUERIES[@]}"; do # fill the running server's rows first
		set -- $q
		"$PS" ranking --parent "$1" --period "$2" --json > /dev/null
	done
	rm -f "$WORK"/copy.db*
	sqlite3 "$DB" ".backup '$WORK/copy.db'"
	cp "$DB.key" "$WORK/copy.db.key"
	"$PSD" --db "$WORK/copy.db" --listen 127.0.0.1:"$P2" --today "$TODAY" \
	    --config /dev/null 2>>"$WORK/copy.log" &
	pid=$!
	wait_port "$P2" || { tail -3 "$WORK/copy.log"; exit 1; }
	for q in "${QUERIES[@]}"; do
		set -- $q
		for ind in "" birth_rate; do
			a=$("$PS" ranking --parent "$1" --period "$2" --json ${ind:+--indicator $ind})
			b=$(POPSTAT_SERVER=127.0.0.1:$P2 "$PS" ranking --parent "$1" \
			    --period "$2" --json ${ind:+--indicator $ind})
			expect_eq "$a" "$b" "$desc: ranking of $1 for $2${ind:+ by $ind} as a fresh server's"
		done
	done
	kill "$pid"
	wait "$pid" 2>/dev/null
}
births_of() { # births_of PARENT PERIOD UNIT: that row's births indicator input
	"$PS" ranking --parent "$1" --period "$2" --json |
	    python3 -c "import json,sys; j=json.load(sys.stdin); print([r['score'] for r in j['rows'] if r['unit']=='$3'][0])"
}

compare "after the first submits"
expect_eq "$(($(metric popstat_row_cache_misses_total) > 0))" 1 "rows were evaluated"

# A change outside the county: every row of its rankings is kept.
h0=$(metric popstat_row_cache_hits_total)
printf 'record_id,unit,date,sex,birth_order,policy\nX1,610329101,2026-05-05,M,1,Y\n' > "$WORK/x.csv"
expect_rc 0 "a birth in the other county" "$PS" submit "$WORK/x.csv"
compare "after a birth elsewhere"
h1=$(metric popstat_row_cache_hits_total)
expect_eq "$((h1 - h0 >= 12))" 1 "the county's rows came from the cache ($h0 -> $h1)"

# A birth in a village: its township's row changes in the county's ranking.
before=$(births_of 610328 2026 610328101)
printf 'record_id,unit,date,sex,birth_order,policy\nV1,610328101002,2026-05-20,M,3,N\nV2,610328101002,2026-05-21,M,3,N\n' > "$WORK/v.csv"
expect_rc 0 "two out-of-policy births in a village of 101" "$PS" submit "$WORK/v.csv"
after=$(births_of 610328 2026 610328101)
expect_eq "$([ "$before" != "$after" ] && echo changed)" changed "101's score follows its village ($before -> $after)"
compare "after a birth in a village"

printf 'record_id,unit,date,sex,birth_order,policy\nV1,610328101002,2026-06-20,M,3,N\n' > "$WORK/am.csv"
expect_rc 0 "amend: the birth moves from May to June" "$PS" amend "$WORK/am.csv" --reason "wrong month"
compare "after an amendment"
expect_rc 0 "void a birth" "$PS" void V2 --unit 610328101002 --reason "entered twice"
compare "after a void"

printf 'record_id,unit,date,persons\nR1,610328102001,2026-06-30,2500\n' > "$WORK/p2.csv"
expect_rc 0 "a new population count" "$PS" submit "$WORK/p2.csv"
compare "after a population count"

# Last year's records change this year's 同比.
printf 'record_id,unit,date,sex,birth_order,policy\nL1,610328103001,2025-05-05,F,1,Y\nL2,610328103001,2025-05-06,F,1,Y\n' > "$WORK/l.csv"
expect_rc 0 "births of last year" "$PS" submit "$WORK/l.csv"
compare "after last year's births"

expect_rc 0 "a stricter target" "$PS" target set birth_rate '<=' 2.2 --veto
compare "after a target change"
expect_rc 0 "an override for 102" "$PS" target set birth_rate '<=' 20 --unit 610328102
compare "after a unit's override"
expect_rc 0 "a new indicator" "$PS" indicator set twins 'births / 2' --unit %
compare "after a new indicator"

expect_rc 0 "a new township" "$PS" unit add 610328104 新镇 --parent 610328 --level township
printf 'record_id,unit,date,sex,birth_order,policy\nN1,610328104,2026-05-01,M,1,Y\n' > "$WORK/n.csv"
expect_rc 0 "its first birth" "$PS" submit "$WORK/n.csv"
compare "after a new township"
expect_rc 0 "rename 102" "$PS" unit rename 610328102 东风镇
compare "after a rename"
expect_rc 0 "retire a village" "$PS" unit retire 610328103002 --from 2026-06-01
compare "after a retirement"
expect_rc 0 "approve May" "$PS" approve --unit 610328101 --period 2026-05
compare "after an approval"
kill -HUP "$SERVER_PID"
sleep 0.3
compare "after SIGHUP"

# A move: rankings are computed without the cache from then on, and stay
# right.
expect_rc 0 "move a village to 102" "$PS" unit move 610328101001 --parent 610328102 --from 2026-04-01
compare "after a move"
printf 'record_id,unit,date,sex,birth_order,policy\nM1,610328101001,2026-07-01,M,1,Y\n' > "$WORK/m.csv"
expect_rc 0 "a birth in the moved village" "$PS" submit "$WORK/m.csv"
compare "after a birth in the moved village"

# A restart keeps nothing in memory; the rankings are the same.
"$PS" ranking --parent 610328 --period 2026 --json > "$WORK/r1.json"
stop_server
restart_server --http 127.0.0.1:"$HPORT"
"$PS" ranking --parent 610328 --period 2026 --json > "$WORK/r2.json"
expect_eq "$(cmp -s "$WORK/r1.json" "$WORK/r2.json" && echo same)" same "the ranking after a restart"
finish
