#!/bin/sh
# Runs every test suite against the binaries in build/ and prints one line
# per test and a closing "N passed, N failed".  Called by "make check".
#
#   unit     build/asan/tests/test_*  (cmocka under ASan+UBSan)
#   cli      tests/cli/*.sh, output compared byte for byte with *.exp
#   e2e      tests/e2e/*.sh, the real custosd and tools
#   fuzz     each libFuzzer target replays its checked-in corpus
#   interop  tests/interop/run.sh, Go's sumdb note+tlog against ours
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
B=${B:-build}
out=$B/test
rm -rf "$out"
mkdir -p "$out/cli" "$out/e2e" "$out/unit" "$out/fuzz" "$out/interop"
pass=0
fail=0
failed=""

export CUSTOSD="$top/$B/custosd" CUSTOS="$top/$B/custos"
export CUSTOS_VERIFY="$top/$B/custos-verify"
export MKFIXTURE="$top/$B/tests/mkfixture"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

result() {	# name status logfile
	if [ "$2" -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok   $1"
	else
		fail=$((fail + 1))
		failed="$failed $1"
		echo "FAIL $1 (exit $2; see $3)"
		tail -n 20 "$3" | sed 's/^/     | /'
	fi
}

# Each test gets its own scratch directory, removed when it passes.
scratch() {
	mktemp -d "${TMPDIR:-/tmp}/custos-test.XXXXXX"
}

for t in $B/asan/tests/test_*; do
	[ -x "$t" ] || continue
	n=$(basename "$t")
	log="$out/unit/$n.log"
	timeout 300 "$t" >"$log" 2>&1
	result "unit/$n" $? "$log"
done

for t in tests/cli/*.sh; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .sh)
	d=$(scratch)
	TMPDIR="$d" timeout 300 sh "$t" >"$out/cli/$n.out" 2>&1
	if diff -u "tests/cli/$n.exp" "$out/cli/$n.out" >"$out/cli/$n.diff"
	then
		rm -rf "$d"
		result "cli/$n" 0 "$out/cli/$n.diff"
	else
		result "cli/$n" 1 "$out/cli/$n.diff"
	fi
done

for t in tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .sh)
	[ "$n" = lib ] && continue	# sourced by the tests, not one
	d=$(scratch)
	TMPDIR="$d" timeout 300 sh "$t" >"$out/e2e/$n.log" 2>&1
	st=$?
	[ $st -eq 0 ] && rm -rf "$d"
	result "e2e/$n" $st "$out/e2e/$n.log"
done

for f in $B/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	n=$(basename "$f")
	c="tests/fuzz/corpus/${n#fuzz_}"
	[ -d "$c" ] || continue
	timeout 300 "$f" -runs=0 "$c"/* >"$out/fuzz/$n.log" 2>&1
	result "fuzz/$n" $? "$out/fuzz/$n.log"
done

if [ -f tests/interop/run.sh ]; then
	export INTEROP_PRODUCER="sh $top/tests/interop/produce.sh"
	d=$(scratch)
	TMPDIR="$d" timeout 600 sh tests/interop/run.sh \
	    >"$out/interop/run.log" 2>&1
	st=$?
	[ $st -eq 0 ] && rm -rf "$d"
	result "interop/go-sumdb" $st "$out/interop/run.log"
fi

echo
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
