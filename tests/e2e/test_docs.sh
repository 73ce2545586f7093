#!/usr/bin/env bash
# The documentation lives in the repository and says each thing once:
# doc/internals.md names every file of server/, client/, common/, proto/,
# tests/ and bench/; no file points at a specification outside the
# repository; every relative link of README.md and doc/*.md leads to a
# file that exists; README.md stays a short entry page.  No server needed.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1

missing=""
for f in server/* client/* common/* proto/* tests/* tests/e2e/* \
    tests/unit/* tests/fuzz/* bench/*; do
	[ -f "$f" ] || continue
	grep -qF "\`$(basename "$f")\`" doc/internals.md || missing="$missing $f"
done
if [ -z "$missing" ]; then ok_; else
	fail_ "doc/internals.md does not name:$missing"; fi

if command -v git >/dev/null && git rev-parse --git-dir >/dev/null 2>&1; then
	out=$(git grep -n -e 'DESIGN\.md' -e '\.\./shared' -- . \
	    ':!tests/e2e/test_docs.sh' 2>/dev/null)
else
	out=$(grep -rn -e 'DESIGN\.md' -e '\.\./shared' README.md doc server \
	    client common proto tests bench | grep -v test_docs.sh)
fi
if [ -z "$out" ]; then ok_; else
	fail_ "references outside the repository: $out"; fi

bad=""
for md in README.md doc/*.md; do
	dir=$(dirname "$md")
	for l in $(grep -o '](\([^)#:]*\)[)#]' "$md" | sed 's/^](//; s/[)#]$//'); do
		[ -n "$l" ] || continue
		[ -e "$dir/$l" ] || bad="$bad $md:$l"
	done
done
if [ -z "$bad" ]; then ok_; else fail_ "links to nothing:$bad"; fi

n=$(wc -l < README.md)
if [ "$n" -le 150 ]; then ok_; else
	fail_ "README.md has $n lines; the rest belongs in doc/"; fi
for d in workflows operating indicators rules internals; do
	if grep -q "(doc/$d.md)" README.md; then ok_; else
		fail_ "README.md does not link doc/$d.md"; fi
done
finish
