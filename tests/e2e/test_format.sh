#!/bin/bash
# test_format.sh - the C sources are as `make format` leaves them: the
# check mode of clang-format over the same files (make format-check), with
# the tree's .clang-format.  Skipped, saying so, without clang-format 14
# (other versions format some constructs differently).
. "$(dirname "$0")/lib.sh" "$1"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
command -v clang-format >/dev/null ||
	skip_suite "clang-format is not installed (apt-get install clang-format)"
v=$(clang-format --version | sed -n 's/.*version \([0-9]*\).*/\1/p')
[ "$v" = 14 ] || skip_suite "clang-format $v, not 14: it would format differently"

# The check finds a badly formatted file.
cp "$ROOT/.clang-format" "$WORK/.clang-format"
printf 'int\nf(int a){ return a+1; }\n' >"$WORK/bad.c"
run clang-format --dry-run --Werror "$WORK/bad.c"
expect_eq "$([ "$RC" -ne 0 ] && echo refused)" refused \
	"a badly formatted file fails the check"
printf 'int\nf(int a)\n{\n\treturn a + 1;\n}\n' >"$WORK/good.c"
expect_rc 0 "a well formatted file passes it" \
	clang-format --dry-run --Werror "$WORK/good.c"

# The tree.
run make -s --no-print-directory -C "$ROOT" format-check
expect_eq "$RC" 0 "make format-check: $(printf '%s' "$ERR" | head -c 2000)"
finish
