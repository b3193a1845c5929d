# kill -9 at random moments while a camera is docked and another one
# uploads over HTTPS, TORTURE_CYCLES times (30 for "make check", 1,000
# for "make torture").  Every cycle the docked camera has recorded new
# files and the dock alternates between after_ingest = keep and delete;
# the uploading camera (torture_upload.py) never stops: it sends each
# file again until it gets its receipt.  After every crash
# (torture_check.py): no object is sealed twice, nothing partial is in
# the store, every segment's object is stored, every acknowledged upload
# is sealed, and every file gone from the docked camera is sealed and
# stored; the log verifies.  custosd must never die on its own.  At the
# end, with no crash, every file on the camera is sealed too.  Prints
# "torture: cycles= acked= lost= duplicates= crashes= killed_while_docking=
# seconds=".
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/footage.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
CYCLES=${TORTURE_CYCLES:-30}
S=$W/state
D=$W/dock
CAM=$D/CAMT
UPID=
T0=$(date +%s)

cleanup() {
	: >"$W/upload.stop"
	[ -n "$UPID" ] && wait "$UPID" 2>/dev/null
}
trap cleanup EXIT

# A random number below $1.
rnd() {
	echo $(( $(od -An -N4 -tu4 /dev/urandom | tr -d ' ') % $1 ))
}

# A random pause of 0 to 0.8 s after custosd answers: it is then walking
# the camera, sealing its new files and taking uploads.
pause() {
	ms=$(rnd 800)
	sleep "0.$(printf '%03d' "$ms")"
}

crash() {	# CYCLE: custosd must still be up, then kill -9 it
	kill -0 "$DPID" 2>/dev/null || fail "cycle $1: custosd died on its own"
	kill -9 "$DPID"
	wait "$DPID" 2>/dev/null
	DPID=
}

check() {	# CYCLE [final]
	out=$(python3 "$HERE/torture_check.py" "$S" "$W/memo.json" \
	    "$W/acks" "$W/camt.sums" "$CAM" ${2:-}) || fail "cycle $1: $out"
	"$CUSTOS" -c "$CONF" log verify >/dev/null ||
	    fail "cycle $1: log verify"
	if grep -qE 'AddressSanitizer|runtime error|crit:|fatal' \
	    "$W/custosd.err"; then
		fail "cycle $1: custosd reported a crash"
	fi
	LAST=$out
}

camt_done() {
	[ "$("$CUSTOS" -c "$CONF" status --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print([c["state"] for c in d["dock"]["cameras"] if c["camera"] == "CAMT"])
')" = "['done']" ]
}

step "set up: certificates, an uploading camera, a docked camera"
upload_setup CAMU
mkdir -p "$CAM"
footage_small "$CAM" CAMT || fail "footage"
(cd "$CAM" && sha256sum *) >"$W/camt.sums"
start_daemon
camera_add CAMU
rm -f "$W/upload.stop"
python3 "$HERE/torture_upload.py" "$PORT" "$P" CAMU "$W/acks" \
    "$W/upload.stop" >"$W/upload.out" 2>&1 &
UPID=$!
crash 0

step "$CYCLES cycles of kill -9 during docking and uploading"
c=1
MIDDOCK=0
while [ $c -le "$CYCLES" ]; do
	# The camera recorded more; the dock keeps or deletes by turns.
	for k in a b; do
		head -c $((131072 + $(rnd 1441792))) /dev/urandom \
		    >"$CAM/NEW_${c}$k.MP4"
		(cd "$CAM" && sha256sum "NEW_${c}$k.MP4") >>"$W/camt.sums"
	done
	if [ $((c % 2)) -eq 0 ]; then
		sed -i 's/^after_ingest = keep/after_ingest = delete/' "$CONF"
	else
		sed -i 's/^after_ingest = delete/after_ingest = keep/' "$CONF"
	fi
	kill -0 "$UPID" 2>/dev/null ||
	    fail "cycle $c: the upload client stopped: $(cat "$W/upload.out")"
	ends=$(grep -c 'event=session_end' "$W/custosd.err")
	start_daemon
	pause
	crash $c
	# No session end logged: the kill came while the dock was at work.
	[ "$(grep -c 'event=session_end' "$W/custosd.err")" -gt "$ends" ] ||
	    MIDDOCK=$((MIDDOCK + 1))
	check $c
	c=$((c + 1))
done

step "a last run without a crash: everything is sealed"
start_daemon
wait_until 120 "CAMT done" camt_done
: >"$W/upload.stop"
wait "$UPID" || fail "upload client: $(cat "$W/upload.out")"
UPID=
stop_daemon
check final final
echo "$LAST"
echo "upload client: $(cat "$W/upload.out")"
echo "torture: cycles=$CYCLES acked=$(wc -l <"$W/acks" | tr -d ' ')" \
    "lost=$(echo "$LAST" | sed 's/.*lost=\([0-9]*\).*/\1/')" \
    "duplicates=$(echo "$LAST" | sed 's/.*duplicates=\([0-9]*\).*/\1/')" \
    "crashes=0 killed_while_docking=$MIDDOCK seconds=$(($(date +%s) - T0))"
