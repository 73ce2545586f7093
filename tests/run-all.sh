#!/usr/bin/env bash
# Runs every test suite and prints one closing line "total: N passed, N failed".
# Unit tests run twice (plain and ASan+UBSan); end-to-end tests drive the
# real popstatd and popstat (plain build, then the sanitizer build).
# A suite that prints "NAME: skipped: REASON" and no checks is counted as
# skipped, with its reason, never as passed.
#
#   tests/run-all.sh                 everything
#   tests/run-all.sh SCRIPT...       only these e2e scripts, on bin/
set -u
cd "$(dirname "$0")/.."
pass=0
fail=0
failed_suites=()
skipped_suites=()

# Each suite prints "NAME: N passed, N failed" as its last line.
run_suite() {
	local name=$1; shift
	local out rc line p f why t0=$SECONDS
	out=$("$@" 2>&1); rc=$?
	line=$(printf '%s\n' "$out" | grep -E '^[A-Za-z0-9_./-]+: [0-9]+ passed, [0-9]+ failed' | tail -n 1)
	if [ -z "$line" ]; then
		printf '%s\n' "$out" | tail -n 30
		echo "$name: no result line (exit $rc, $((SECONDS - t0)) s)"
		fail=$((fail + 1)); failed_suites+=("$name"); return
	fi
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.*passed, ([0-9]+) failed.*/\1/')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		why=$(printf '%s\n' "$out" | sed -nE 's/^[A-Za-z0-9_./-]+: skipped: (.*)/\1/p' | tail -n 1)
		[ -n "$why" ] || why="the suite ran no checks"
		echo "$name: skipped: $why ($((SECONDS - t0)) s)"
		skipped_suites+=("$name")
		return
	fi
	if [ "$f" -ne 0 ]; then
		printf '%s\n' "$out" | grep -E 'FAIL|ERROR|error|Sanitizer|runtime error' | head -n 40
		failed_suites+=("$name")
	fi
	echo "$name: $p passed, $f failed ($((SECONDS - t0)) s)"
	pass=$((pass + p)); fail=$((fail + f))
}

only=$#
if [ "$only" -gt 0 ]; then
	for t in "$@"; do
		run_suite "e2e/$(basename "$t" .sh)" bash "$t" bin
	done
fi
[ "$only" -gt 0 ] || for t in bin/tests/test_*; do
	run_suite "unit/$(basename "$t")" "$t"
done
[ "$only" -gt 0 ] || for t in bin-asan/tests/test_*; do
	run_suite "asan/$(basename "$t")" "$t"
done
[ "$only" -gt 0 ] || for t in tests/e2e/test_*.sh; do
	run_suite "e2e/$(basename "$t" .sh)" bash "$t" bin
done
[ "$only" -gt 0 ] || for t in tests/e2e/test_*.sh; do
	run_suite "e2e-asan/$(basename "$t" .sh)" bash "$t" bin-asan
done

if [ ${#failed_suites[@]} -gt 0 ]; then
	echo "failed suites: ${failed_suites[*]}"
fi
if [ ${#skipped_suites[@]} -gt 0 ]; then
	echo "skipped suites (${#skipped_suites[@]}): ${skipped_suites[*]}"
fi
echo "time: $SECONDS s"
echo "total: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
