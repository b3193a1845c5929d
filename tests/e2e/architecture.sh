#!/bin/sh
# The architecture rules of docs/design.md, on the tree and on the objects
# of the plain build ($CUSTOS_BUILD/obj): no file over 1,000 lines, no two
# files that call each other, no macro renaming a function, and the entry
# types named once, in custos/entry_type.h, as docs/log.md lists them,
# and route handlers' headers included by the router only
# (tests/tools/arch_check.py; docs/design.md).  Then the checker is shown
# to fire: a copy of the tree with one entry type spelled as a literal,
# one missing from the docs, one alias, one long file, one handler
# header included elsewhere and two files calling each other must fail
# on each.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${CUSTOS_BUILD:-$(dirname "$CUSTOSD")}
case $B in
*/asan) B=${B%/asan} ;;
esac
CHECK="python3 $top/tests/tools/arch_check.py"

$CHECK "$top" "$B" >"$W/arch.out" 2>&1 || {
	cat "$W/arch.out"
	fail "the tree breaks the architecture rules"
}
cat "$W/arch.out"
grep -q '^ok: .* 0 circles$' "$W/arch.out" || fail "circle check did not run"

# The same checker on a broken copy of the tree must name each breach.
t=$W/tree
mkdir -p "$t"
(cd "$top" && cp -r lib daemon tools include docs "$t/")
printf 'static const char *x = "segment.sealed";\n' >>"$t/lib/base/err.c"
sed -i '/^| `live.gap` |/d' "$t/docs/log.md"
printf '#define refuse api_refuse\n' >>"$t/daemon/main.c"
printf '#include "daemon/api/links.h"\n' >>"$t/daemon/station.c"
seq 1 1001 | sed 's|^|/* |; s|$| */|' >"$t/tools/long.c"
# Two files that call each other, the only objects of a build of their own.
tb=$W/build
mkdir -p "$t/lib/loop" "$tb/obj/lib/loop"
printf 'int loop_b(int);\nint loop_a(int n) { return n ? loop_b(n - 1) : 0; }\n' \
    >"$t/lib/loop/loop_a.c"
printf 'int loop_a(int);\nint loop_b(int n) { return n ? loop_a(n - 1) : 1; }\n' \
    >"$t/lib/loop/loop_b.c"
for f in loop_a loop_b; do
	cc -c -o "$tb/obj/lib/loop/$f.o" "$t/lib/loop/$f.c" || fail "cc $f"
done
$CHECK "$t" "$tb" >"$W/broken.out" 2>&1 && fail "broken tree passed"
for want in 'types: lib/base/err.c:[0-9]* spells "segment.sealed"' \
    'types: live.gap is in entry_type.h, not in docs/log.md' \
    'aliases: daemon/main.c:[0-9]* renames api_refuse as refuse' \
    'size: tools/long.c has 1001 lines' \
    'handlers: daemon/station.c includes the handler header daemon/api/links.h' \
    'circles: lib/loop/loop_a.c <-> lib/loop/loop_b.c call each other'; do
	grep -q "^$want" "$W/broken.out" || {
		cat "$W/broken.out"
		fail "checker did not report: $want"
	}
done
echo "architecture: ok"
