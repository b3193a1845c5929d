#!/bin/sh
# Runs the benchmarks built in build/bench/ and prints their output, then a
# summary of every line that states a ratio against a baseline run in the
# same invocation.  Called by "make bench".
#
# Each benchmark runs in its own scratch directory under ${TMPDIR:-/tmp},
# removed afterwards (also on interrupt), so databases and test files never
# land in the tree.  BENCH_QUICK=1 runs smaller sizes for a quick look; the
# numbers the issue's targets refer to come from a full run.
#
# Exit status: 0 if every benchmark that was built ran to completion, 1 if
# any of them exited non-zero or was killed by a signal.  Missing binaries
# are reported as skipped and do not fail the run.  Nothing here judges the
# timings: the benchmarks print them, a person reads them.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bindir="$top/build/bench"
quick=${BENCH_QUICK:-0}

# The order puts the quick ones first; anything else built in build/bench
# runs after them with no arguments.
known="bench_log bench_proof bench_digest bench_integrate bench_dock bench_verify"
# bench_dock and bench_verify take their file sizes from the environment.
[ "$quick" = 1 ] && export BENCH_DOCK_MIB=${BENCH_DOCK_MIB:-32}
[ "$quick" = 1 ] && export BENCH_VERIFY_MIB=${BENCH_VERIFY_MIB:-16}
[ "$quick" = 1 ] && export BENCH_UPLOAD_MIB=${BENCH_UPLOAD_MIB:-64}

out=$(mktemp -d "${TMPDIR:-/tmp}/custos-bench.XXXXXX") || exit 1
scratch=
cleanup() {
	[ -n "$scratch" ] && rm -rf "$scratch"
	rm -rf "$out"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

failed=
skipped=

# Prints the arguments a benchmark gets, one per line.
args_for() {
	case $1 in
	bench_proof)
		if [ "$quick" = 1 ]; then
			echo --sizes; echo 100000,1000000
		else
			echo --sizes; echo 1000000,10000000
		fi
		;;
	bench_digest)
		# Usage: bench_digest [file-or-dir [MiB]].  "." is the scratch
		# directory, so its test file (1 GiB by default) goes there and
		# not to $TMPDIR at large.
		echo .
		if [ "$quick" = 1 ]; then echo 128; fi
		;;
	bench_integrate)
		if [ "$quick" = 1 ]; then
			echo --entries; echo 50000
		fi
		;;
	esac
}

# run NAME: runs one benchmark in a fresh scratch directory, its output
# shown as it comes and kept for the summary.
run() {
	name=$1
	bin="$bindir/$name"
	log="$out/$name.log"
	if [ ! -x "$bin" ]; then
		echo "skipped: $name (not built)"
		skipped="$skipped $name"
		return
	fi
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/custos-bench-$name.XXXXXX") ||
	    exit 1
	# Arguments come one per line, so none of them may hold a newline;
	# none does.
	set --
	for a in $(args_for "$name"); do
		set -- "$@" "$a"
	done
	echo "== $name${*:+ $*}"
	start=$(date +%s)
	{ (cd "$scratch" && exec "$bin" "$@"); echo $? >"$out/$name.rc"; } \
	    2>&1 | tee "$log"
	rc=$(cat "$out/$name.rc" 2>/dev/null || echo 255)
	secs=$(( $(date +%s) - start ))
	if [ "$rc" -gt 128 ] && [ "$rc" -lt 255 ]; then
		echo "FAILED: $name (killed by signal $((rc - 128)), after ${secs}s)"
		failed="$failed $name"
	elif [ "$rc" -ne 0 ]; then
		echo "FAILED: $name (exit $rc, after ${secs}s)"
		failed="$failed $name"
	else
		echo "== $name done in ${secs}s"
	fi
	rm -rf "$scratch"
	scratch=
	echo
}

[ "$quick" = 1 ] && echo "BENCH_QUICK=1: smaller sizes; not the issue's targets"
# Durable-append numbers mean little on tmpfs, where fsync costs nothing;
# say where the scratch directories live so a reader can tell.
echo "scratch: ${TMPDIR:-/tmp} ($(stat -f -c %T "${TMPDIR:-/tmp}" 2>/dev/null ||
    echo unknown filesystem)), $(nproc 2>/dev/null || echo '?') CPUs"
for name in $known; do
	run "$name"
done
for bin in "$bindir"/bench_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	case " $known " in
	*" $name "*) ;;
	*) run "$name" ;;
	esac
done

echo "== summary (lines with \"ratio\")"
for name in $known $(cd "$bindir" 2>/dev/null && ls); do
	log="$out/$name.log"
	[ -f "$log" ] || continue
	# Lines that do not name their benchmark get its name in front.
	grep ratio "$log" | sed "/^$name/!s/^/$name: /"
	# A name listed twice (known and found) prints once.
	rm -f "$log"
done
[ -n "$skipped" ] && echo "skipped:$skipped"
if [ -n "$failed" ]; then
	echo "failed:$failed"
	exit 1
fi
exit 0
