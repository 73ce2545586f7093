#!/usr/bin/env bash
# The dashboard in a real browser: start popstatd on the demo county
# (demo/gen.py), open the pages in headless Chromium (Debian's `chromium`),
# and check what the browser built: the ranking table with its colours and
# the SVG charts (--dump-dom), and a screenshot whose pixels show the
# met / veto colours.  Skipped, with a line saying so, only where chromium
# is not installed; .ci/run installs it.
. "$(dirname "$0")/lib.sh" "${1:-bin}"

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
	skip_suite "chromium is not installed (apt-get install chromium)"
fi

HPORT=$(free_port)
start_server --http 127.0.0.1:"$HPORT" --http-public
H=http://127.0.0.1:$HPORT
for _ in $(seq 1 100); do
	(exec 3<>/dev/tcp/127.0.0.1/"$HPORT") 2>/dev/null && break
	sleep 0.05
done

# The demo county: 12 townships, one year of records, through the client.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
D=$WORK/demo
mkdir -p "$D"
python3 "$ROOT/demo/gen.py" "$D" 2025 >/dev/null
while read -r code name parent level; do
	if [ "$parent" = - ]; then "$PS" -q unit add "$code" "$name" --level "$level"
	else "$PS" -q unit add "$code" "$name" --parent "$parent" --level "$level"; fi
done < "$D/units.txt"
for kind in population births deaths migration verification; do
	expect_rc 0 "submit $kind" "$PS" submit "$D/$kind.csv"
done

# browser ARGS... URL: headless Chromium, network limited to this server.
browser() {
	timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --no-first-run --disable-default-apps \
	    --hide-scrollbars --user-data-dir="$(mktemp -d "$WORK/profile.XXXXXX")" \
	    "$@" 2>>"$WORK/chromium.log"
}
dom_has() {
	if grep -qF -- "$1" "$WORK/dom.html"; then ok_; else
		fail_ "$2: the DOM lacks '$1'"; fi
}
dom_count() {
	grep -oF -- "$1" "$WORK/dom.html" | wc -l
}

# ---------------------------------------------------------------- ranking
browser --dump-dom "$H/ranking?parent=610328&period=2025" > "$WORK/dom.html"
expect_eq "$?" 0 "chromium rendered the ranking"
dom_has '<table id="ranking"' "ranking table"
dom_has "城关镇" "township names"
dom_has "天成镇" "last township"
dom_has "一票否决" "veto shown"
dom_has 'class="n met"' "met cells"
dom_has 'class="n veto"' "vetoed indicator cells"
dom_has 'id="score-chart"' "score chart"
rows=$(python3 - "$WORK/dom.html" <<'EOF'
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
body = dom.split('<table id="ranking"', 1)[1].split("</table>", 1)[0]
body = body.split("<tbody>", 1)[1]
print(len(re.findall(r"<tr[ >]", body)))
EOF
)
expect_eq "$rows" 12 "twelve townships ranked"
n=$(dom_count "<svg")
if [ "$n" -ge 13 ]; then ok_; else fail_ "ranking: $n SVG elements, expected a chart and 12 strips"; fi
n=$(grep -oE '(src|href|action)="(https?:)?//' "$WORK/dom.html" | wc -l)
expect_eq "$n" 0 "nothing loaded from outside"

# The warning strip (§15): one SVG cell per township, headroom in words.
dom_has 'id="warning-strip"' "warning strip on the ranking page"
expect_eq "$(dom_count 'class="wcell"')" 12 "one warning cell per township"
dom_has "还可出生" "headroom in words"
dom_has "不是结论" "a warning is not a verdict"

# ---------------------------------------------------------------- one township
browser --dump-dom "$H/unit?unit=610328104&period=2025" > "$WORK/dom.html"
dom_has 'id="indicators"' "indicator table"
dom_has 'id="trend-birth_rate"' "birth rate trend chart"
dom_has 'id="trend-policy_rate"' "policy rate trend chart"
dom_has 'class="target"' "target line"
n=$(dom_count "<circle")
if [ "$n" -ge 48 ]; then ok_; else fail_ "trend charts: $n points"; fi
dom_has "天成镇" "township name"
dom_has 'id="warning-strip"' "warning strip on the township page"
expect_eq "$(dom_count 'class="wcell"')" 1 "the township's own warning cell"

# The JSON API of §15, as an anonymous visitor of --http-public.
if command -v curl >/dev/null; then
	OUT=$(curl -s "$H/api/warning?parent=610328&year=2025")
	expect_eq "$(json 'j["year"], j["as_of"], len(j["rows"])')" "2025 2025-12-31 12" "/api/warning"
	expect_eq "$(json 'sorted(next(iter(j["rows"][0]["indicators"].values())))')" \
	    "['headroom', 'level', 'projected', 'risk']" "/api/warning cells"
	OUT=$(curl -s "$H/api/quality?parent=610328&period=2025")
	expect_eq "$(json 'j["period"]["start"]')" 2025-01-01 "/api/quality"
	expect_eq "$(json '[f["detail"]["record_ids"] for f in j["flags"] if f["check"] == "double_registration" and f["detail"]["record_ids"]]')" \
	    "[]" "/api/quality: no record id on a public page"
	OUT=$(curl -s "$H/api/warning")
	expect_out "parent=CODE is required" "/api/warning without parent"
fi

browser --dump-dom "$H/ranking?parent=610328&period=2025&lang=en" > "$WORK/dom.html"
dom_has '<html lang="en">' "English page"
dom_has "Birth rate" "English header"

# ---------------------------------------------------------------- screenshot
# Half scale keeps the pixel count (and the pure-Python decoding) small.
browser --window-size=1280,1100 --force-device-scale-factor=0.5 \
    --screenshot="$WORK/ranking.png" "$H/ranking?parent=610328&period=2025" \
    >/dev/null
if [ -s "$WORK/ranking.png" ]; then ok_; else fail_ "no screenshot"; fi
size=$(stat -c %s "$WORK/ranking.png" 2>/dev/null || echo 0)
if [ "$size" -gt 10000 ]; then ok_; else fail_ "screenshot of $size bytes"; fi
# Decode the PNG (no library needed) and count the status colours.
colours=$(python3 - "$WORK/ranking.png" <<'EOF'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    chunk = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", chunk[:10])
    elif kind == b"IDAT":
        idat += chunk
    pos += 12 + n
bpp = {2: 3, 6: 4}[ctype]
raw, stride, prev, out = zlib.decompress(idat), w * bpp, None, []
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    prev = prev or bytearray(stride)
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    out.append(line)
    prev = line
def near(px, rgb):
    return all(abs(px[k] - rgb[k]) <= 12 for k in range(3))
green = red = 0
for line in out:
    for i in range(0, stride, bpp):
        px = line[i:i + 3]
        green += near(px, (0x2e, 0x7d, 0x32))
        red += near(px, (0x7f, 0x00, 0x00))
print(green, red)
EOF
)
green=${colours% *}
red=${colours#* }
if [ "${green:-0}" -gt 300 ]; then ok_; else fail_ "screenshot: $green 'met' green pixels"; fi
if [ "${red:-0}" -gt 300 ]; then ok_; else fail_ "screenshot: $red 'veto' red pixels"; fi
mkdir -p "${BROWSER_ARTIFACTS:-$WORK}" && cp "$WORK/ranking.png" "${BROWSER_ARTIFACTS:-$WORK}/" 2>/dev/null
finish
