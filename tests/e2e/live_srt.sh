# Live streams over SRT: an srt:// listener with a passphrase.  ffmpeg
# (libsrt) is the camera: a wrong passphrase is refused and the listener
# keeps waiting; the right one gives segments that play in ffprobe,
# written by a live child under seccomp (libsrt's threads included).  The
# camera is then cut (kill -9) at a random moment; a second stream is
# stopped with custosd at a random moment, which closes and seals the open
# segment and appends a live.gap with "to": null.  Every sealed segment
# decodes to its end (live_check_segments).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/live_lib.sh"
P=$(free_port udp)
CAMS=
trap 'for p in $CAMS; do kill -9 "$p" 2>/dev/null; done' EXIT

write_conf
conf_live srtcam BC-0003 listen "srt://127.0.0.1:$P" \
    passphrase correcthorsebattery

# push PASSPHRASE SECONDS
push() {
	timeout "$2" ffmpeg -nostdin -loglevel error -re \
	    -f lavfi -i testsrc=size=320x240:rate=25 -c:v libx264 -g 25 \
	    -f mpegts "srt://127.0.0.1:$P?passphrase=$1" 2>>"$W/camera.err"
}

# stream: the right passphrase, in the background until killed ($CAM).
stream() {
	ffmpeg -nostdin -loglevel error -re \
	    -f lavfi -i testsrc=size=320x240:rate=25 -c:v libx264 -g 25 \
	    -f mpegts "srt://127.0.0.1:$P?passphrase=correcthorsebattery" \
	    2>>"$W/camera.err" &
	CAM=$!
	CAMS="$CAMS $CAM"
}

step "start custosd with an srt:// listener"
start_daemon
wait_state srtcam listening 10
wait_until 10 "the srt listener bound" port_bound udp "$P"

step "a wrong passphrase is refused"
push wrongpassphrase1 4
[ $? -ne 124 ] || fail "a wrong passphrase streamed for 4 s"
expect_eq "state" listening "$(live_field srtcam state)"
expect_eq "segments" 0 "$(live_field srtcam segments)"

T1=$(random_ms 4500 6500)
step "the right passphrase, the child sandboxed, cut after $T1 ms"
stream
wait_state srtcam receiving 10
live_child_sandboxed
sleep_ms "$T1"
kill -9 "$CAM"
wait "$CAM" 2>/dev/null
wait_state srtcam listening 15
S1=$(live_field srtcam session)

T2=$(random_ms 2500 5500)
step "stop while receiving, after $T2 ms: the open segment is sealed"
wait_until 10 "the srt listener bound again" port_bound udp "$P"
stream
wait_state srtcam receiving 10
sleep_ms "$T2"
stop_daemon
kill -9 "$CAM" 2>/dev/null
wait "$CAM" 2>/dev/null
expect_eq "spool after stop" "" "$(ls "$S/live/srtcam")"

step "its segments are sealed and play"
live_dump_entries
live_py - "$W" "$S" "$LIVE_N" "$S1" <<'EOF' || fail "entry checks"
import sys
from live_entries import ffprobe, load, verdict
w, state, n, s1 = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
ent = load(w, n)
segs = [e for e in ent if e["type"] == "segment.sealed"]
bad = []
first = [e for e in segs if e["live"]["session"] == s1]
second = [e for e in segs if e["live"]["session"] != s1]
if len(first) < 2 or len(second) < 1:
    bad.append(f"{len(first)} and {len(second)} segments")
gaps = [e for e in ent if e["type"] == "live.gap"]
# The gap between the runs, then at stop one with "to": null, followed
# only by station.stopped.
if len(gaps) != 2 or gaps[0]["session"] != s1 or gaps[1]["to"] is not None \
        or gaps[1]["session"] == s1 or ent[-2] is not gaps[1] or \
        gaps[0]["next_session"] != gaps[1]["session"]:
    bad.append(f"gaps {gaps}")
if second and gaps and second[-1]["index"] > gaps[-1]["index"]:
    bad.append("a segment after the gap at stop")
for k, e in enumerate(first + second):
    if e["camera"] != "BC-0003" or e["live"]["source"] != "srtcam" or \
            e["live"]["seq"] != (k if k < len(first) else k - len(first)) \
            or e["decodable"] is not True:
        bad.append(f"segment {e['index']}: {e}")
    ffprobe(state, e, bad)
verdict(bad, f"{len(first)} + {len(second)} segments")
EOF

live_finish
