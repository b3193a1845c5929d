# Fault injection walks (docs/testing.md).  For each walk, the fault
# build of custosd ($B/fault/custosd, tests/fault/fault.c) seals one file
# with the Nth call of one kind failing, for N = 1, 2, 3, ... until a run
# in which the fault did not fire.  A walk is KIND:OP[:persist][:enospc]:
#
#	KIND	dock	one ffmpeg clip docked, after_ingest = delete
#		upload	the same clip uploaded over HTTPS (curl, real TLS
#			with camera certificates)
#	OP	alloc, write, fsync, rename, sqlio (tests/fault/fault.c)
#
# Each run must end with a clear outcome: the file sealed, or an error in
# the log, a refused upload, or an exit with status 1; never a signal, a
# hang or a sanitizer report.  Then, before anything else runs: a file
# gone from the camera, or an upload answered 200/201, has its
# segment.sealed entry.  Then the normal custosd restarts on the same
# state (the camera still docked, the upload sent again): it must start,
# seal the file, and stop with status 0; "custos log verify" passes, the
# store holds only whole objects, the file is sealed exactly once and is
# no longer on the camera.
#
# FAULT_STRIDE=K (default 100) runs N = 1, 2, 3 and then every Kth N; 1
# walks every N ("make fault").  FAULT_WALKS lists the walks: "all" is
# every kind with every OP, transient, plus write, fsync, rename and
# sqlio persistent and write with ENOSPC persistent; the default is all
# for stride 1 and four walks (SAMPLED_WALKS) otherwise.
# FAULT_KEEP_GOING=1 goes on after a failed run and lists the failures at
# the end; FAULT_ONLY=KIND:OP:N[:flags] makes one run and prints the
# stack of the failing call.  CUSTOSD_FAULT names the fault build
# (default: $CUSTOS_BUILD/fault/custosd, or fault/custosd beside the
# directory of $CUSTOSD).
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../e2e/footage.sh"
FDIR=$(cd "$(dirname "$0")" && pwd)
TOOLS=$(cd "$(dirname "$0")/../tools" && pwd)
S=$W/state
STRIDE=${FAULT_STRIDE:-100}
: "${SANITIZER_RE:=ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: [A-Za-z]*Sanitizer}"
if [ -z "${CUSTOSD_FAULT:-}" ]; then
	if [ -n "${CUSTOS_BUILD:-}" ]; then
		CUSTOSD_FAULT=$CUSTOS_BUILD/fault/custosd
	else
		CUSTOSD_FAULT=$(dirname "$(dirname "$CUSTOSD")")/fault/custosd
		[ -x "$CUSTOSD_FAULT" ] ||
		    CUSTOSD_FAULT=$(dirname "$CUSTOSD")/fault/custosd
	fi
fi
[ -x "$CUSTOSD_FAULT" ] || fail "no fault build at $CUSTOSD_FAULT"
for k in dock upload; do
	for o in alloc write fsync rename sqlio; do
		DEFAULT_WALKS="${DEFAULT_WALKS:-} $k:$o"
	done
	for o in write fsync rename sqlio write:enospc; do
		DEFAULT_WALKS="$DEFAULT_WALKS $k:$o:persist"
	done
done
# A sampled walk (make check) takes four walks that between them reach
# every layer: the allocations of both paths, a disk that fills up for
# good, and SQLite's reads and writes.
SAMPLED_WALKS="dock:alloc upload:alloc dock:write:enospc:persist upload:sqlio"
case ${FAULT_WALKS:-} in
all) WALKS=$DEFAULT_WALKS ;;
'') [ "$STRIDE" -le 1 ] && WALKS=$DEFAULT_WALKS || WALKS=$SAMPLED_WALKS ;;
*) WALKS=$FAULT_WALKS ;;
esac
FPID=

# What a failed run leaves for the reader: the fault run's stderr too.
die() {
	[ -f "$W/fault.err" ] && sed 's/^/fault custosd| /' "$W/fault.err"
	[ -n "$FPID" ] && kill -9 "$FPID" 2>/dev/null
	fail "[$RUN] $*"
}

grep_q() {	# FILE RE
	grep -qE "$2" "$1" 2>/dev/null
}

# One station per run, copied from the template made once per kind (a
# fresh station key and log; for uploads the camera registered), so a
# run pays for no key generation.
reset() {
	rm -rf "$S" "$W/dock" "$W/prep" "$W/report" "$W/fault.err" \
	    "$W/custosd.err"
	cp -a "$W/template" "$S"
	mkdir -p "$W/dock" "$W/prep"
}

# up COMMAND...: starts a daemon (its stderr to $W/$ERR), until its
# control socket is there.
up() {
	rm -f "$W/control.sock"
	"$@" -f -c "$CONF" 2>>"$W/$ERR" &
	PID=$!
	poll 20 _listening || die "custosd ($ERR) did not listen in 20 s"
}

_listening() {
	[ -S "$W/control.sock" ] && return 0
	kill -0 "$PID" 2>/dev/null || die "custosd ($ERR) exited at start"
	return 1
}

# fault_start SPEC: the fault build with CUSTOS_FAULT=SPEC.
fault_start() {
	ERR=fault.err
	up env CUSTOS_FAULT="$1" CUSTOS_FAULT_REPORT="$W/report" \
	    "$CUSTOSD_FAULT"
	FPID=$PID
}

# clean_start: the normal custosd on what the fault run left.
clean_start() {
	ERR=custosd.err
	up "$CUSTOSD"
	DPID=$PID
}

fault_alive() {
	kill -0 "$FPID" 2>/dev/null
}

fault_over() {	# the window closed, the daemon exited, or (persistent
		# faults) the dock waits for a store that stays full
	grep_q "$W/report" '^window ' || ! fault_alive ||
	    { [ -n "$PERSIST" ] &&
	    grep_q "$W/fault.err" 'store full.*ingest paused'; }
}

# fault_stop: SIGTERM unless it exited; a signal or a sanitizer report
# fails the run, exit status 0 or 1 is a clear outcome.
fault_stop() {
	fault_alive && kill -TERM "$FPID"
	wait "$FPID"
	st=$?
	FPID=
	if grep -qE "$SANITIZER_RE" "$W/fault.err"; then
		die "sanitizer report from the fault build"
	fi
	[ "$st" -le 1 ] || die "the fault build ended with status $st" \
	    "(a signal or a crash)"
	STATUS=$st
}

# sealed_count: segment.sealed entries for the clip's bytes.
sealed_count() {
	python3 "$FDIR/check.py" "$S" "sha256:$CLIPSUM" count ||
	    die "check.py count"
}

# After the clean restart, stopped again: the log, the store, one seal.
final_checks() {
	"$CUSTOS" -c "$CONF" log verify >/dev/null 2>"$W/verify.err" ||
	    die "log verify: $(cat "$W/verify.err")"
	out=$(python3 "$FDIR/check.py" "$S" "sha256:$CLIPSUM" final) ||
	    die "$out"
}

# run_dock SPEC: one docked camera with the clip, after_ingest = delete.
run_dock() {
	reset
	mkdir -p "$W/prep/CAM1"
	cp "$W/clip.mp4" "$W/prep/CAM1/clip.mp4"
	fault_start "$1"
	mv "$W/prep/CAM1" "$W/dock/CAM1"
	poll 60 fault_over || die "no outcome within 60 s"
	fault_stop
	if [ ! -f "$W/dock/CAM1/clip.mp4" ] && [ "$(sealed_count)" != 1 ]; then
		die "the clip left the camera unsealed"
	fi
	clean_start
	poll 30 grep_q "$W/custosd.err" 'camera=CAM1 event=session_end' ||
	    die "no dock session after the restart"
	stop_daemon
	final_checks
	[ ! -e "$W/dock/CAM1/clip.mp4" ] ||
	    die "the clip is still on the camera after the clean run"
}

# upload: PUTs the clip as CAM0001; prints the HTTP status of the final
# answer, or "none" when the connection ended without one (refused, cut,
# or only "100 Continue" came).
upload() {
	rm -f "$W/answer"
	curl -sS --max-time 60 --cacert "$W/pki/ca.pem" \
	    --cert "$W/pki/CAM0001.pem" --key "$W/pki/CAM0001.key" \
	    -o "$W/answer" -w '%{http_code}' -T "$W/clip.mp4" \
	    "https://127.0.0.1:$PORT/v1/cameras/CAM0001/files/clip.mp4" \
	    >"$W/code" 2>"$W/curl.err"
	case $? in
	0) cat "$W/code" ;;
	7 | 35 | 52 | 55 | 56) echo none ;;
	28) die "the upload got no answer in 60 s" ;;
	*) die "curl: $(cat "$W/curl.err")" ;;
	esac
}

# run_upload SPEC: the clip uploaded over HTTPS.
run_upload() {
	reset
	fault_start "$1"
	code=$(upload)
	fault_stop
	case $code in
	200 | 201)
		[ "$(sealed_count)" = 1 ] ||
		    die "answered $code, but the clip has no segment.sealed entry"
		;;
	none | 500 | 503 | 507) ;;
	*) die "the upload was answered $code: $(cat "$W/answer")" ;;
	esac
	clean_start
	again=$(upload)
	case $code:$again in
	200:200 | 201:200 | *:201 | *:200) ;;
	*) die "after the restart the upload (first answered $code) was" \
	    "answered $again: $(cat "$W/answer")" ;;
	esac
	case $code in 200 | 201)
		expect_eq "[$RUN] acknowledged upload sent again" 200 "$again" ;;
	esac
	stop_daemon
	final_checks
}

conf_for() {	# KIND
	write_conf
	sed -i 's/^after_ingest = keep$/after_ingest = delete/' "$CONF"
	[ "$1" = upload ] && conf_upload "$PORT"
	return 0
}

# template KIND: a station that has started and stopped once.
template() {
	rm -rf "$S" "$W/template" "$W/dock"
	mkdir -p "$W/dock"
	ERR=custosd.err
	clean_start
	if [ "$1" = upload ]; then
		"$CUSTOS" -c "$CONF" camera add CAM0001 --kind body >/dev/null ||
		    die "camera add"
	fi
	stop_daemon
	mv "$S" "$W/template"
}

# walk KIND:OP[:flags]: N = 1, 2, 3, then every STRIDE-th, until a run in
# which the fault did not fire.
walk() {
	kind=${1%%:*}
	spec=${1#*:}
	op=${spec%%:*}
	flags=${spec#"$op"}
	case $flags in *persist*) PERSIST=1 ;; *) PERSIST= ;; esac
	conf_for "$kind"
	template "$kind"
	n=1 runs=0 hit=0 w0=$(date +%s)
	while :; do
		RUN="$kind $op:$n$flags"
		# A subshell: a failed run's exit ends the run, not the walk.
		if ! ("run_$kind" "$op:$n$flags") >"$W/run.log" 2>&1; then
			cat "$W/run.log"
			FAILED="$FAILED $kind:$op:$n$flags"
			[ -n "${FAULT_KEEP_GOING:-}" ] || exit 1
		fi
		runs=$((runs + 1))
		grep -q '^fired ' "$W/report" 2>/dev/null || break
		hit=$((hit + 1))
		if [ "$n" -lt 3 ] || [ "$STRIDE" -le 1 ]; then
			n=$((n + 1))
		else
			n=$(((n / STRIDE + 1) * STRIDE))
		fi
	done
	calls=$(sed -n 's/^window .* calls=\([0-9]*\) .*/\1/p' "$W/report")
	echo "walk $1: $runs runs ($hit with the fault), N up to $n;" \
	    "the window had ${calls:-?} calls; $(($(date +%s) - w0)) s"
	TOTAL=$((TOTAL + runs))
}

step "footage and certificates"
ffmpeg_clip "$W/clip.mp4" fault || fail "ffmpeg"
CLIPSUM=$(sha256sum "$W/clip.mp4" | cut -c1-64)
case "$WALKS" in *upload*)
	sh "$TOOLS/mkcerts.sh" "$W/pki" CAM0001 >/dev/null 2>&1 ||
	    fail "mkcerts.sh"
	PORT=$(free_port)
	;;
esac

# FAULT_ONLY=KIND:OP:N[:flags]: that one run, with the failing call's
# stack (to see where an N lands).
if [ -n "${FAULT_ONLY:-}" ]; then
	kind=${FAULT_ONLY%%:*}
	spec=${FAULT_ONLY#*:}
	case $spec in *persist*) PERSIST=1 ;; *) PERSIST= ;; esac
	conf_for "$kind"
	template "$kind"
	RUN="$kind $spec"
	export CUSTOS_FAULT_STACK=1
	"run_$kind" "$spec"
	cat "$W/fault.err"
	echo "fault: ok: $FAULT_ONLY"
	exit 0
fi

step "walks, stride $STRIDE"
TOTAL=0
FAILED=
t0=$(date +%s)
for w in $WALKS; do
	walk "$w"
done
[ -z "$FAILED" ] || fail "$TOTAL runs; these failed:$FAILED"
echo "fault: ok: $TOTAL runs in $(($(date +%s) - t0)) s, no crash, no" \
    "sanitizer report, every acknowledged file sealed once"
