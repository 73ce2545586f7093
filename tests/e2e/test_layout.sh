#!/bin/bash
# test_layout.sh - no import circle among the files of server/, client/ or
# common/ (issue 23): a file that imports a file that imports it back,
# directly or through others, does two jobs, or half of one.  "Imports" is read off the object files (nm:
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

# A longer circle fails too: e -> f -> g -> e, with h only importing e.
mkdir -p "$WORK/ring"
printf 'int f(void);\nint e(void) { return f(); }\n' >"$WORK/ring/e.c"
printf 'int g(void);\nint f(void) { return g(); }\n' >"$WORK/ring/f.c"
printf 'int e(void);\nint g(void) { return e(); }\n' >"$WORK/ring/g.c"
printf 'int e(void);\nint h(void) { return e(); }\n' >"$WORK/ring/h.c"
for f in e f g h; do
	cc -c -o "$WORK/ring/$f.o" "$WORK/ring/$f.c" || fail_ "cc $f.c"
done
run python3 "$ROOT/tests/e2e/layout.py" "$WORK/ring"
expect_eq "$RC" 1 "a circle of three files fails the check"
expect_out "circle e.o -> f.o -> g.o" "the circle is named"
expect_no_out "h.o" "a one-way import into a circle is no part of it"

for dir in server client common; do
	run python3 "$ROOT/tests/e2e/layout.py" "$BUILD/$dir"
	expect_eq "$RC" 0 "$dir/: files that import each other: $OUT"
	[ -n "$OUT" ] && echo "$OUT"
done
finish
