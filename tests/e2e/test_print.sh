#!/usr/bin/env bash
# The bulletin printed as an official document (doc/indicators.md §14,
# Print; GB/T 9704): the HTML bulletin of a county with 60 townships,
# printed to PDF by Debian's headless Chromium and read back with
# poppler's pdfinfo and pdftotext: A4, the issuing office, document number
# and Chinese date, page numbers on every page, every township's name
# whole, table headers whole and repeated on each page the table spans,
# in Chinese and in English.
TODAY=2026-12-10
. "$(dirname "$0")/lib.sh" "${1:-bin}"

CHROME=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROME" ] || skip_suite "chromium is not installed"
command -v pdftotext >/dev/null && command -v pdfinfo >/dev/null ||
	skip_suite "pdftotext/pdfinfo (poppler-utils) are not installed"
fc-list :lang=zh 2>/dev/null | grep -q . ||
	skip_suite "no CJK font (fonts-noto-cjk): Chinese text cannot be extracted"
. "$(dirname "$0")/print_lib.sh"

# ---- the draft carries what it is given ---------------------------------
cap "$F/draft.html" "draft html" "$PS" bulletin --period 2026-11 --format html \
	--office "$OFFICE" --doc-no "$DOCNO"
expect_eq "$(grep -c "<div class=\"office\">$OFFICE</div>" "$F/draft.html")" 1 "office at the head"
expect_eq "$(grep -c "<div class=\"docno\">$DOCNO</div>" "$F/draft.html")" 1 "document number"
expect_eq "$(grep -c "<p>$CNDATE</p>" "$F/draft.html")" 1 "date in Chinese numerals"
cap "$F/draft.en.html" "draft html en" "$PS" bulletin --period 2026-11 --format html \
	--lang en --office "$OFFICE" --doc-no "$DOCNO"

# ---- printed ------------------------------------------------------------
# print HTML PDF: headless Chromium's print to PDF, without its own
# header and footer (the page numbers are the document's).
print_pdf() {
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu \
		--user-data-dir="$WORK/chrome" --no-pdf-header-footer \
		--print-to-pdf="$2" "file://$1" >"$WORK/chrome.log" 2>&1
	[ -s "$2" ]
}

# pages PDF: the text of each page, pages separated by form feeds.
check_pdf() { # check_pdf PDF LANG
	local pdf=$1 lang=$2 txt pages missing
	txt=$WORK/$lang.txt
	pdftotext -layout "$pdf" "$txt"
	pages=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')
	expect_eq "$(pdfinfo "$pdf" | awk '/^Page size:/ { printf "%d x %d", $3 + 0.5, $5 + 0.5 }')" \
		"595 x 842" "$lang: A4 (595 x 842 pts)"
	[ "${pages:-0}" -ge 3 ] && ok_ || fail_ "$lang: $pages pages; 60 townships should take 3 or more"
	missing=$(while read -r code name; do
		grep -q "$name" "$txt" || echo "$name"
	done <"$F/units.txt")
	expect_eq "$missing" "" "$lang: every township's name appears whole"
	expect_eq "$(grep -c "$OFFICE" "$txt")" 2 "$lang: office at the head and in the signature"
	expect_eq "$(grep -c "$DOCNO" "$txt")" 1 "$lang: document number"
	# Page numbers "— N —" on every page, in order.
	python3 - "$txt" "$pages" "$lang" >"$WORK/pn" <<'EOF'
import re, sys
pages = open(sys.argv[1], encoding="utf-8").read().split("\f")
n = int(sys.argv[2])
bad = [i + 1 for i in range(n) if not re.search(r"— %d —" % (i + 1), pages[i])]
print("missing on pages %s" % bad if bad else "ok")
EOF
	expect_eq "$(cat "$WORK/pn")" ok "$lang: page numbers — N — on each page"
}

print_pdf "$F/draft.html" "$F/zh.pdf" && ok_ ||
	fail_ "chromium printed no PDF: $(tail -n 3 "$WORK/chrome.log")"
check_pdf "$F/zh.pdf" zh
ZT=$WORK/zh.txt
expect_eq "$(grep -c "$CNDATE" "$ZT")" 1 "zh: the Chinese date"
# Header terms never split across lines.
for term in 名次 单位 考核结果 得分 出生率 自然增长率 出生统计误差率 \
	符合政策生育率 本月应报 年度报送率 年度及时率 一票否决; do
	grep -q "$term" "$ZT" && ok_ || fail_ "zh: '$term' split or missing"
done
# Neither 一票否/决 nor 名/次.
expect_eq "$(grep -cE '一票否 *$|^ *决 |(^| )名 *$' "$ZT")" 0 "zh: no header broken mid-word"
# Each page holding rows of the ranking (a rank, a name, a status)
# holds its header; the table spans two pages or more.
python3 - "$ZT" >"$WORK/rep" <<'EOF'
import re, sys
pages = open(sys.argv[1], encoding="utf-8").read().split("\f")
row = re.compile(r"^\s*\d+\s+\S+\s+(达标|未达标|一票否决|数据不全|未考核)\s")
rep = re.compile(r"^\s*\S+[乡镇]\s+\d+\s+\d+\s+\d+\s+[\d.]+%")
span = [i for i, p in enumerate(pages) if any(row.match(l) for l in p.splitlines())]
bad = [i + 1 for i in span if "名次" not in pages[i]]
rspan = [i for i, p in enumerate(pages) if any(rep.match(l) for l in p.splitlines())]
bad += [i + 1 for i in rspan if "本月应报" not in pages[i]]
print("%d %d %s" % (len(span), len(rspan), "ok" if not bad else "headers missing on %s" % bad))
EOF
read -r span rspan verdict <"$WORK/rep"
[ "${span:-0}" -ge 2 ] && ok_ || fail_ "ranking table spans $span pages; want 2 or more"
[ "${rspan:-0}" -ge 1 ] && ok_ || fail_ "reporting table rows not found"
expect_eq "$verdict" ok "zh: the table header repeats on each page"
# Look at it: the first page as an image.
if command -v pdftoppm >/dev/null; then
	pdftoppm -png -r 50 -f 1 -l 2 "$F/zh.pdf" "$WORK/page" && ok_ ||
		fail_ "pdftoppm"
fi

print_pdf "$F/draft.en.html" "$F/en.pdf" && ok_ || fail_ "chromium en"
check_pdf "$F/en.pdf" en
expect_eq "$(grep -c "4 December 2026" "$WORK/en.txt")" 1 "en: the date"
for term in Rank Unit Status Score; do
	grep -qw "$term" "$WORK/en.txt" && ok_ || fail_ "en: '$term' missing"
done

finish
