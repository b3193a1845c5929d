#!/bin/sh
# Live stop stress: runs each live end-to-end test LIVE_ROUNDS times
# (default 20).  Every round stops its sources at new random moments
# (tests/e2e/live_lib.sh) and checks that every sealed segment decodes to
# its end.  Called by "make stress-live", which is not part of "make
# check"; a round's scratch directory is kept when it fails.
#
#	LIVE_ROUNDS	rounds per test (20)
#	LIVE_CASES	the tests (live live_tls live_srt live_rtsp)
#
# Prints a line per round, then per test and in all: rounds, segments
# checked, failed rounds, and a closing "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
B=${B:-build}
ROUNDS=${LIVE_ROUNDS:-20}
CASES=${LIVE_CASES:-live live_tls live_srt live_rtsp}
out=$B/stress/live
rm -rf "$out"
mkdir -p "$out"

export CUSTOSD="$top/$B/custosd" CUSTOS="$top/$B/custos"
export CUSTOS_VERIFY="$top/$B/custos-verify"
export MKFIXTURE="$top/$B/tests/mkfixture"

pass=0
fail=0
segs=0
summary=
for c in $CASES; do
	[ -f "tests/e2e/$c.sh" ] || { echo "no test tests/e2e/$c.sh"; exit 2; }
	cpass=0
	cfail=0
	csegs=0
	r=1
	while [ $r -le "$ROUNDS" ]; do
		d=$(mktemp -d "${TMPDIR:-/tmp}/custos-stress.XXXXXX")
		log=$out/$c.$r.log
		TMPDIR="$d" timeout 300 sh "tests/e2e/$c.sh" >"$log" 2>&1
		st=$?
		n=$(sed -n 's/^live-check: \([0-9]*\) segments.*/\1/p' "$log" |
		    tail -n 1)
		n=${n:-0}
		csegs=$((csegs + n))
		if [ $st -eq 0 ]; then
			cpass=$((cpass + 1))
			rm -rf "$d"
			echo "ok   $c round $r: $n segments"
		else
			cfail=$((cfail + 1))
			echo "FAIL $c round $r (exit $st; see $log, $d)"
			grep -E '^(FAIL|bad:|entry|live-check)' "$log" |
			    head -n 8 | sed 's/^/     | /'
		fi
		r=$((r + 1))
	done
	summary="$summary
$c: $ROUNDS rounds, $csegs segments checked, $cfail failed"
	pass=$((pass + cpass))
	fail=$((fail + cfail))
	segs=$((segs + csegs))
done
echo "$summary"
echo "all: $((pass + fail)) rounds, $segs segments checked, $fail failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
