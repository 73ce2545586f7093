#!/usr/bin/env bash
# Replays the fuzz regression inputs, tests/fuzz/regress/<target>/ (every
# crash the fuzzers found, plus the seeds), through the fuzz targets built
# without libFuzzer: $1 = bin replays with the plain gcc build of the runners,
# $1 = bin-asan with the ASan+UBSan build.  The runners are (re)built here
# with make (`make test` has already built them; this is a no-op then).
#
# Each file counts as one check; the last line is
# "test_fuzz_regress: N passed, M failed".
set -u
cd "$(dirname "$0")/../.."
BIN=${1:-bin}
TARGETS="frame envelope csv period expr xlsx xls sheet_text regfile"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
pass=0
fail=0

case $BIN in
bin) san= ;;
bin-asan) san=SAN=1 ;;
*) echo "usage: $0 bin|bin-asan" >&2
   echo "test_fuzz_regress: 0 passed, 1 failed"; exit 1 ;;
esac

if ! out=$(make --no-print-directory -s $san fuzz-regress-bins 2>&1); then
	printf '%s\n' "$out" | tail -n 20
	echo "FAIL: make $san fuzz-regress-bins" >&2
	echo "test_fuzz_regress: 0 passed, 1 failed"
	exit 1
fi

for t in $TARGETS; do
	runner=$BIN/fuzz/fuzz_regress_$t
	dir=tests/fuzz/regress/$t
	if [ ! -x "$runner" ] || [ ! -d "$dir" ]; then
		echo "FAIL: $t: missing $runner or $dir" >&2
		fail=$((fail + 1))
		continue
	fi
	out=$("$runner" "$dir" 2>&1)
	line=$(printf '%s\n' "$out" | grep -E '^fuzz_regress_[a-z_]+: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	if [ -z "$line" ]; then
		printf '%s\n' "$out" | tail -n 20 >&2
		echo "FAIL: $t: the runner printed no result line" >&2
		fail=$((fail + 1))
		continue
	fi
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.*passed, ([0-9]+) failed/\1/')
	if [ "$f" -ne 0 ]; then
		printf '%s\n' "$out" | grep -E 'FAIL|check failed|ERROR|runtime error|SUMMARY' | head -n 20 >&2
	fi
	echo "$line ($BIN)"
	pass=$((pass + p))
	fail=$((fail + f))
done

echo "test_fuzz_regress: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
