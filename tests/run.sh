#!/bin/bash
# Runs every test suite against the binaries in build/, several at a time,
# and prints one line per finished test, the per-test time table (slowest
# first) and a closing "N passed, N failed".  Called by "make check".
#
#   unit     build/asan/tests/test_*  (cmocka under ASan+UBSan)
#   cli      tests/cli/*.sh, output compared byte for byte with *.exp
#   e2e      tests/e2e/*.sh, the real custosd and tools built with
#            ASan+UBSan (build/asan/); valgrind uses the plain build
#   fault    tests/fault/run.sh, one sampled walk of the fault injection
#   fuzz     each libFuzzer target replays its checked-in corpus
#   interop  tests/interop/run.sh, Go's sumdb note+tlog against ours
#
# TEST_JOBS sets how many run at once (default: cores + 2, since most
# end-to-end tests wait on a daemon more than they compute).  Tests start
# longest first, using the times of the previous run ($B/test-times,
# else tests/durations).
# TEST_ONLY=REGEX runs the tests whose names match.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
B=${B:-build}
out=$B/test
times=$B/test-times
rm -rf "$out"
mkdir -p "$out/cli" "$out/e2e" "$out/unit" "$out/fuzz" "$out/interop" \
    "$out/fault" "$out/.rc"
JOBS=${TEST_JOBS:-$(($(nproc) + 2))}

export CUSTOSD="$top/$B/asan/custosd" CUSTOS="$top/$B/asan/custos"
export CUSTOS_VERIFY="$top/$B/asan/custos-verify"
export CUSTOSD_PLAIN="$top/$B/custosd" CUSTOS_PLAIN="$top/$B/custos"
export CUSTOS_VERIFY_PLAIN="$top/$B/custos-verify"
export MKFIXTURE="$top/$B/tests/mkfixture" CUSTOS_BUILD="$top/$B"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# What a sanitizer prints when it finds something.
export SANITIZER_RE='ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: [A-Za-z]*Sanitizer'

scratch() {
	mktemp -d "${TMPDIR:-/tmp}/custos-test.XXXXXX"
}

# sanitizer_reports LOG DIR: the files under DIR (and LOG) that hold a
# sanitizer report; binary files are skipped.
sanitizer_reports() {
	grep -rlIE "$SANITIZER_RE" "$1" "$2" 2>/dev/null
}

# run_one NAME: runs one test; leaves its log, exit status and seconds
# under $out and prints its result line.
run_one() {
	local name=$1 kind=${1%%/*} base=${1#*/} log st d t0 t1 found
	log=$out/$name.log
	t0=$(date +%s%N)
	case $kind in
	unit)
		timeout 300 "$B/asan/tests/$base" >"$log" 2>&1
		st=$?
		;;
	cli)
		d=$(scratch)
		TMPDIR="$d" timeout 300 sh "tests/cli/$base.sh" \
		    >"$out/cli/$base.out" 2>&1
		if diff -u "tests/cli/$base.exp" "$out/cli/$base.out" >"$log"
		then
			st=0
			rm -rf "$d"
		else
			st=1
		fi
		;;
	e2e | fault | interop)
		d=$(scratch)
		case $kind in
		e2e) set -- sh "tests/e2e/$base.sh" ;;
		fault) set -- sh tests/fault/run.sh ;;
		interop)
			export INTEROP_PRODUCER="sh $top/tests/interop/produce.sh"
			set -- sh tests/interop/run.sh
			;;
		esac
		TMPDIR="$d" timeout 600 "$@" >"$log" 2>&1 </dev/null
		st=$?
		# The programs are sanitized: any report fails the test,
		# whatever the script itself checked.
		if found=$(sanitizer_reports "$log" "$d"); then
			echo "sanitizer report in: $found" >>"$log"
			[ "$st" -eq 0 ] && st=1
		fi
		# A test stops what it started: a process still running
		# with the scratch directory on its command line (a custosd
		# -c DIR/custos.conf, a TSA) is a leak of the test.
		if found=$(pgrep -f -- "$d/" | tr '\n' ' ') && [ -n "$found" ]
		then
			echo "left running: $(ps -o pid=,args= -p ${found% })" \
			    >>"$log"
			kill -9 $found 2>/dev/null
			[ "$st" -eq 0 ] && st=1
		fi
		[ "$st" -eq 0 ] && rm -rf "$d"
		;;
	fuzz)
		timeout 300 "$B/asan/fuzz/replay_$base" \
		    "tests/fuzz/corpus/$base"/* >"$log" 2>&1
		st=$?
		;;
	esac
	t1=$(date +%s%N)
	echo "$st $(((t1 - t0) / 1000000))" >"$out/.rc/${name//\//_}"
	if [ "$st" -eq 0 ]; then
		echo "ok   $name"
	else
		echo "FAIL $name (exit $st; see $log)"
	fi
}

# Every test, by name.
all_tests() {
	local t n
	for t in "$B"/asan/tests/test_*; do
		[ -x "$t" ] && echo "unit/${t##*/}"
	done
	for t in tests/cli/*.sh; do
		[ -f "$t" ] && n=${t##*/} && echo "cli/${n%.sh}"
	done
	for t in tests/e2e/*.sh; do
		n=${t##*/}
		n=${n%.sh}
		# Sourced by the tests, not tests themselves.
		case $n in lib) continue ;; esac
		echo "e2e/$n"
	done
	[ -f tests/fault/run.sh ] && echo "fault/walk"
	for t in "$B"/asan/fuzz/replay_*; do
		[ -x "$t" ] || continue
		n=${t##*replay_}
		[ -d "tests/fuzz/corpus/$n" ] && echo "fuzz/$n"
	done
	[ -f tests/interop/run.sh ] && echo "interop/go-sumdb"
}

# Longest first: the previous run's times, or on a fresh clone those of
# tests/durations (milliseconds from a quiet 2-core run, refreshed by
# hand: cp build/test-times tests/durations); a test never
# timed goes first of all, since it may be long.
ordered() {
	local tf=$times
	[ -f "$tf" ] || tf=tests/durations
	all_tests | while read -r n; do
		s=$(awk -v n="$n" '$2 == n { print $1 }' "$tf" 2>/dev/null)
		echo "${s:-999999} $n"
	done | sort -k1,1nr | cut -d' ' -f2 |
	    if [ -n "${TEST_ONLY:-}" ]; then grep -E "$TEST_ONLY"; else cat; fi
}

mapfile -t tests < <(ordered)
running=0
for n in "${tests[@]}"; do
	if [ "$running" -ge "$JOBS" ]; then
		wait -n
		running=$((running - 1))
	fi
	run_one "$n" &
	running=$((running + 1))
done
wait

pass=0
fail=0
failed=
: >"$out/times"
for n in "${tests[@]}"; do
	read -r st ms <"$out/.rc/${n//\//_}" || { st=1 ms=0; }
	echo "$ms $n" >>"$out/times"
	if [ "$st" -eq 0 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed="$failed $n"
	fi
done
# The next run starts the slowest first.
if [ -z "${TEST_ONLY:-}" ]; then
	sort -k1,1nr "$out/times" >"$times"
fi

echo
echo "time per test, slowest first (seconds, $JOBS at once):"
sort -k1,1nr "$out/times" | awk '{ printf "%8.1f  %s\n", $1 / 1000, $2 }'
for n in $failed; do
	echo
	echo "--- $n: last lines of $out/$n.log"
	tail -n 20 "$out/$n.log" | sed 's/^/     | /'
done
echo
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
