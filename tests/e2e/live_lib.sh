# What the live stream tests share (live.sh, live_tls.sh, live_srt.sh,
# live_rtsp.sh), sourced after lib.sh: the source's status, waits on
# conditions with a bound, the random moment a source is stopped at, and
# the check that every sealed live segment decodes to its end.  Waits use
# lib.sh's wait_until.
#
#	conf_live NAME CAMERA [KEY VALUE]...
#					a [live NAME] section for CAMERA
#					with segment_seconds = 2 (and the
#					dock folder)
#	live_field SOURCE FIELD		a field of the source in status --json
#	wait_state SOURCE STATE SECS	until the source is in STATE
#	port_bound tcp|udp PORT		whether a socket is bound to PORT
#					(a TCP one listening)
#	random_ms LO HI			a random whole number in [LO, HI]
#	ms_secs MS			MS in seconds, for sleep and timeout
#	sleep_ms MS			the random moment itself
#	live_child_sandboxed		a live child of custosd under seccomp
#					with no_new_privs
#	live_decode_clean FILE		ffmpeg decodes FILE to its end and
#					prints nothing at -v error
#	live_dump_entries		every entry of the log in
#					$W/entries/N, their number in LIVE_N
#	live_py ARGS...			python3 with live_entries.py (the
#					entry checks' shared part) importable
#	live_check_segments		every live segment in the log decodes
#					cleanly and its dropped_packets is
#					well formed; prints what it checked
#	live_finish			live_check_segments, no sanitizer
#					report from custosd, "ok"
#
# Sourced by a test, it needs ffmpeg and ffprobe and sets S, the state
# directory.  Run directly, it checks live_decode_clean itself: a whole
# MPEG-TS file passes, the same file cut in the middle of a frame does
# not.

# conf_live NAME CAMERA [KEY VALUE]...: appended to $CONF.
conf_live() {
	printf '[live %s]\ncamera = %s\n' "$1" "$2" >>"$CONF"
	shift 2
	while [ $# -ge 2 ]; do
		printf '%s = %s\n' "$1" "$2" >>"$CONF"
		shift 2
	done
	echo "segment_seconds = 2" >>"$CONF"
	mkdir -p "$W/dock"
}

live_field() {
	"$CUSTOS" -c "$CONF" status --json | python3 -c '
import json, sys
for l in json.load(sys.stdin).get("live", []):
    if l["name"] == sys.argv[1]:
        print(l[sys.argv[2]])' "$1" "$2"
}

_state_is() {
	[ "$(live_field "$1" state)" = "$2" ]
}

wait_state() {
	wait_until "$3" "$1: state $2" _state_is "$1" "$2"
}

# port_bound tcp|udp PORT: from /proc/net, so no connection is spent on
# a listener that accepts only one.
port_bound() {
	python3 -c '
import sys
proto, port = sys.argv[1], int(sys.argv[2])
for line in open(f"/proc/net/{proto}").readlines()[1:]:
    f = line.split()
    if int(f[1].split(":")[1], 16) == port and \
            (proto == "udp" or f[3] == "0A"):
        sys.exit(0)
sys.exit(1)' "$1" "$2"
}

random_ms() {
	_r=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
	echo $(($1 + _r % ($2 - $1 + 1)))
}

# ms_secs MS: MS as seconds with a fraction, for sleep and timeout.
ms_secs() {
	echo "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))"
}

sleep_ms() {
	sleep "$(ms_secs "$1")"
}

_sandboxed_child() {
	for _c in $(ps -o pid= --ppid "$DPID"); do
		tr '\0' ' ' <"/proc/$_c/cmdline" 2>/dev/null |
		    grep -q -- ' -L' || continue
		grep -q '^Seccomp:[[:space:]]*2' "/proc/$_c/status" ||
		    continue
		grep -q '^NoNewPrivs:[[:space:]]*1' "/proc/$_c/status" &&
		    return 0
	done
	return 1
}

live_child_sandboxed() {
	wait_until 10 "a live child with Seccomp 2 and NoNewPrivs 1" \
	    _sandboxed_child
}

# live_decode_clean FILE: 0 when ffmpeg decodes every frame of FILE and
# says nothing at -v error; otherwise what it said is printed.
live_decode_clean() {
	_out=$(ffmpeg -nostdin -v error -i "$1" -f null - 2>&1)
	_st=$?
	[ $_st -eq 0 ] && [ -z "$_out" ] && return 0
	echo "$1: exit $_st: $_out" | head -n 5
	return 1
}

# live_dump_entries: reads the log of $CONF (custosd may be stopped).
live_dump_entries() {
	LIVE_N=$(sqlite3 "$W/state/log.db" 'select count(*) from entries')
	_i=0
	mkdir -p "$W/entries"
	while [ $_i -lt "$LIVE_N" ]; do
		"$CUSTOS" -c "$CONF" log entry $_i >"$W/entries/$_i" ||
		    fail "log entry $_i"
		_i=$((_i + 1))
	done
}

live_py() {
	PYTHONPATH=$E2E_DIR${PYTHONPATH:+:$PYTHONPATH} python3 "$@"
}

# live_check_segments: reads the log of $CONF (custosd may be stopped).
live_check_segments() {
	step "every sealed segment decodes to its end"
	live_dump_entries
	live_py - "$W" "$W/state" "$LIVE_N" >"$W/segments" <<'EOF' ||
import sys
from live_entries import load, object_path
w, state, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
bad, drops = [], [0, 0, 0, 0]
for i, e in enumerate(load(w, n)):
    if e["type"] == "live.gap" and "dropped_packets" in e:
        print(f"# gap {i}: dropped {e['dropped_packets']}", file=sys.stderr)
    if e["type"] != "segment.sealed" or "live" not in e:
        continue
    lv = e["live"]
    print(i, object_path(state, e))
    if "closed_by" in lv:
        continue
    dp = lv.get("dropped_packets")
    r = dp.get("reasons", {}) if isinstance(dp, dict) else {}
    keys = ["corrupt", "truncated", "before_keyframe"]
    if sorted(r) != sorted(keys) or dp["count"] != sum(r.values()) or \
            dp["bytes"] < 0 or (dp["count"] == 0) != (dp["bytes"] == 0) \
            or lv["packets"] < 1:
        bad.append(f"entry {i}: live {lv}")
        continue
    drops[0] += dp["count"]
    for k, key in enumerate(keys):
        drops[k + 1] += r[key]
for b in bad:
    print("bad:", b, file=sys.stderr)
print(f"# dropped {drops[0]} (corrupt {drops[1]}, truncated {drops[2]}, "
      f"before_keyframe {drops[3]})")
sys.exit(1 if bad else 0)
EOF
	    fail "live segment entries"
	_segs=0
	_bad=0
	while read -r _idx _path; do
		[ "$_idx" = "#" ] && continue
		_segs=$((_segs + 1))
		live_decode_clean "$_path" && continue
		echo "entry $_idx does not decode cleanly"
		_bad=$((_bad + 1))
	done <"$W/segments"
	echo "live-check: $_segs segments, $_bad not clean;" \
	    "$(sed -n 's/^# //p' "$W/segments")"
	[ $_bad -eq 0 ] || fail "$_bad of $_segs live segments do not decode cleanly"
	[ $_segs -gt 0 ] || fail "no live segment to check"
}

live_finish() {
	live_check_segments
	grep -q 'Sanitizer' "$W/custosd.err" && fail "sanitizer report"
	echo "ok"
}

case "$0" in
*live_lib.sh)
	set -u
	: "${TMPDIR:?}"
	fail() {
		echo "FAIL: $*"
		exit 1
	}
	f=$TMPDIR/whole.ts
	ffmpeg -nostdin -v error -f lavfi -i testsrc=size=320x240:rate=25 \
	    -t 2 -c:v libx264 -g 25 -f mpegts "$f" || fail "ffmpeg"
	live_decode_clean "$f" || fail "a whole file is not clean"
	# Cut in the middle of the last GOP's keyframe: at a TS packet
	# boundary, so only the frame is cut short, not the container.
	sz=$(stat -c %s "$f")
	head -c $((sz * 55 / 100 / 188 * 188)) "$f" >"$TMPDIR/cut.ts"
	live_decode_clean "$TMPDIR/cut.ts" >"$TMPDIR/cut.out" &&
	    fail "a file cut in a frame decodes cleanly"
	[ -s "$TMPDIR/cut.out" ] || fail "nothing said about the cut file"
	echo "live_lib: ok ($(head -c 120 "$TMPDIR/cut.out"))"
	;;
*)
	command -v ffmpeg >/dev/null || fail "ffmpeg is needed"
	command -v ffprobe >/dev/null || fail "ffprobe is needed"
	S=$W/state
	;;
esac
