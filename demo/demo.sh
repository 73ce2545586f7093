#!/usr/bin/env bash
# make demo: start popstatd on a temporary database, load a demo county of 12
# townships through the real client, print the ranking and one township's
# status, and the address of the dashboard.  From a terminal the server
# runs until Enter is pressed; DEMO_SECONDS=N keeps it N seconds (also off
# a terminal: "make demo DEMO_SECONDS=600"); DEMO_KEEP=1 leaves it running.
# Off a terminal without either, it says so and stops the server at once.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-bin}
YEAR=${DEMO_YEAR:-2025}
dir=$(mktemp -d "${TMPDIR:-/tmp}/popstat-demo.XXXXXX")
echo "== demo database in $dir"
ADMIN=$("$BIN/popstatd" init --db "$dir/demo.db")
# The dashboard's aggregate pages are public in the demo (--http-public);
# DEMO_HTTP=0.0.0.0:8080 serves it to other machines.
"$BIN/popstatd" --db "$dir/demo.db" --listen 127.0.0.1:0 \
	--http "${DEMO_HTTP:-127.0.0.1:0}" --http-public 2>"$dir/server.log" &
pid=$!
cleanup() {
	if [ "${DEMO_KEEP:-0}" != 1 ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		rm -rf "$dir"
	fi
}
trap cleanup EXIT
port=
for _ in $(seq 1 100); do
	port=$(sed -nE 's/.*listening on .* port ([0-9]+).*/\1/p' "$dir/server.log" | head -n 1)
	[ -n "$port" ] && break
	sleep 0.05
done
[ -n "$port" ] || { cat "$dir/server.log"; echo "demo: server did not start"; exit 1; }
dashboard=$(sed -nE 's|.*dashboard listening on (http://[^ ]+).*|\1|p' "$dir/server.log" | head -n 1)
export POPSTAT_SERVER=127.0.0.1:$port POPSTAT_TOKEN=$ADMIN POPSTAT_CONFIG=$dir/none POPSTAT_OUTBOX=$dir/outbox.db
PS="$BIN/popstat"
echo "== server on $POPSTAT_SERVER (admin token $ADMIN)"

python3 demo/gen.py "$dir" "$YEAR"
while read -r code name parent level; do
	if [ "$parent" = - ]; then "$PS" -q unit add "$code" "$name" --level "$level"
	else "$PS" -q unit add "$code" "$name" --parent "$parent" --level "$level"; fi
done < "$dir/units.txt"
echo "== units"
"$PS" unit list

CLERK=$("$PS" user add clerk-dongfeng --role clerk --unit 610328101)
INSPECTOR=$("$PS" user add inspector1 --role inspector)
echo "== submitting one year ($YEAR) of records through the client"
for kind in population births deaths migration; do
	printf '%-13s ' "$kind:"
	"$PS" submit "$dir/$kind.csv"
done
printf '%-13s ' "verification:"
"$PS" --token "$INSPECTOR" submit "$dir/verification.csv"
echo "== a clerk re-sends a file (safe: duplicates are recognised)"
grep -E '^(record_id|B[0-9]+-610328101-)' "$dir/births.csv" > "$dir/dongfeng.csv"
"$PS" --token "$CLERK" submit "$dir/dongfeng.csv"

echo
echo "== ranking of the townships of 陇县, $YEAR"
"$PS" ranking --parent 610328 --period "$YEAR"
echo
echo "== status of 天成镇 (610328104), $YEAR"
"$PS" status --unit 610328104 --period "$YEAR"
echo
echo "== births found by inspection but never reported, 天成镇"
"$PS" verify-report --unit 610328104 --period "$YEAR" | tail -n 3
echo
echo "== dashboard: ${dashboard}ranking?parent=610328&period=$YEAR"
echo "   (ranking, township status with monthly trends, bulletins; Chinese,"
echo "   English with the switch at the top right.  The aggregate pages are"
echo "   public in this demo; log in with the admin token above for the"
echo "   record-level ones.  JSON: ${dashboard}api/ranking?parent=610328&period=$YEAR)"
secs=${DEMO_SECONDS:-}
case $secs in
''|*[!0-9]*) [ -z "$secs" ] || { echo "demo: DEMO_SECONDS must be a whole number of seconds, not '$secs'"; exit 2; } ;;
esac
if [ "${DEMO_KEEP:-0}" = 1 ]; then
	echo
	echo "server left running (pid $pid): export POPSTAT_SERVER=$POPSTAT_SERVER POPSTAT_TOKEN=$ADMIN"
elif [ -n "$secs" ]; then
	echo
	echo "The server runs for $secs seconds (DEMO_SECONDS), then stops and the demo database is removed."
	sleep "$secs" &
	wait $! || true
elif [ -t 0 ] && [ -t 1 ]; then
	echo
	read -r -p "The server runs until you press Enter. " _ || true
else
	echo
	echo "Not run from a terminal: stopping the server now and removing the demo database,"
	echo "so the dashboard address above no longer answers.  To keep it:"
	echo "  make demo DEMO_SECONDS=600   (ten minutes)   or   make demo DEMO_KEEP=1   (left running)"
fi
