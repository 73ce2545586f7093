#!/bin/bash
# test_layout.sh - no two files of server/, client/ or common/ import each
# other (issue 23): a file that imports a file that imports it back does
# two jobs, or half of one.  "Imports" is read off the object files (nm:
# a symbol one uses that the other defines), so it needs the build of $1.
. "$(dirname "$0")/lib.sh" "$1"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$(basename "$BINDIR")
BUILD=$ROOT/${B/bin/build}
command -v nm >/dev/null || skip_suite "nm (binutils) is not installed"
[ -d "$BUILD/server" ] || skip_suite "no object files in $BUILD (make first)"

# The check finds a pair that imports each other.
mkdir -p "$WORK/pair"
printf 'int b(void);\nint a(void) { return b(); }\n' >"$WORK/pair/a.c"
printf 'int a(void);\nint b(void) { return 1; }\nint c(void) { return a(); }\n' \
	>"$WORK/pair/b.c"
printf 'int a(void);\nint d(void) { return a(); }\n' >"$WORK/pair/d.c"
for f in a b d; do
	cc -c -o "$WORK/pair/$f.o" "$WORK/pair/$f.c" || fail_ "cc $f.c"
done
run python3 "$ROOT/tests/e2e/layout.py" "$WORK/pair"
expect_eq "$RC" 1 "a pair that imports each other fails the check"
expect_out "a.o <-> b.o: b | a" "the pair is named, with what each uses"
expect_no_out "d.o" "a one-way import is no circle"

for dir in server client common; do
	run python3 "$ROOT/tests/e2e/layout.py" "$BUILD/$dir"
	expect_eq "$RC" 0 "$dir/: files that import each other: $OUT"
	[ -n "$OUT" ] && echo "$OUT"
done
finish
