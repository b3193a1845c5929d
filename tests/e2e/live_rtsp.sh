# Live streams pulled over RTSP: GStreamer's RTSP server
# (tests/tools/rtsp_server.py) is the camera, serving H.264 in RTP
# interleaved in the RTSP connection (RTSP over TCP), access units
# delimited.  custosd pulls it (url = rtsp://) under the live child's
# sandbox; the server is killed (kill -9: the camera gone, no TEARDOWN)
# at a random moment, comes back on the same port, now with the H.264
# parameter sets only in the SDP (not before each keyframe), and custosd
# reconnects; this second session is stopped with custosd at a random
# moment, which closes and seals the open segment and appends a live.gap
# with "to": null.  Checks the sessions, consecutive seq, the camera,
# every object in ffprobe, the gap between the sessions naming both, the
# closing gap, every segment but a session's last 2 s long (the first
# frame, which libavformat's RTSP demuxer gives no time, counted), an
# empty spool, and that every sealed segment decodes to
# its end (live_check_segments).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/live_lib.sh"
SRV=
trap '[ -n "$SRV" ] && kill -9 "$SRV" 2>/dev/null' EXIT

# The server needs the system's PyGObject, which another python3 first
# in PATH may not see.
PY=
for p in python3 /usr/bin/python3; do
	"$p" -c 'import gi
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GstRtspServer' 2>/dev/null && { PY=$p; break; }
done
[ -n "$PY" ] ||
    fail "python3-gi and gir1.2-gst-rtsp-server-1.0 are needed (make deps)"

# server [--sdp-only] PORT: starts the RTSP server ($SRV) and sets P to
# its port.
server() {
	rm -f "$W/rtsp.port"
	"$PY" "$TSA_TOOLS/rtsp_server.py" "$@" "$W/rtsp.port" 2>>"$W/rtsp.err" &
	SRV=$!
	wait_until 10 "the rtsp server listening" _server_up
	[ -s "$W/rtsp.port" ] ||
	    fail "the rtsp server exited: $(cat "$W/rtsp.err")"
	P=$(cat "$W/rtsp.port")
	port_bound tcp "$P" || fail "rtsp server: $(cat "$W/rtsp.err")"
}

# Listening, or gone (then there is no port file).
_server_up() {
	[ -s "$W/rtsp.port" ] || ! kill -0 "$SRV" 2>/dev/null
}

# server_kill: the camera goes away at once.
server_kill() {
	kill -9 "$SRV"
	wait "$SRV" 2>/dev/null
	SRV=
}

_not_receiving() {
	[ "$(live_field rtspcam state)" != receiving ]
}

step "an RTSP server (GStreamer, H.264 over RTP interleaved in TCP)"
server 0

write_conf
conf_live rtspcam UAV-0003 url "rtsp://127.0.0.1:$P/stream"

T1=$(random_ms 4500 6500)
step "custosd pulls it, the child sandboxed; the server killed after $T1 ms"
start_daemon
wait_state rtspcam receiving 15
live_child_sandboxed
S1=$(live_field rtspcam session)
sleep_ms "$T1"
kill -0 "$SRV" 2>/dev/null || fail "the server exited: $(cat "$W/rtsp.err")"
server_kill
wait_until 15 "rtspcam: the stream ended" _not_receiving
expect_eq "session after the cut" "$S1" "$(live_field rtspcam session)"

T2=$(random_ms 2500 5500)
step "the server back on port $P, its parameter sets now only in the SDP;" \
    "custosd stopped $T2 ms into the stream"
server --sdp-only "$P"
wait_state rtspcam receiving 20
S2=$(live_field rtspcam session)
[ "$S1" != "$S2" ] || fail "the second run kept session $S1"
sleep_ms "$T2"
kill -0 "$SRV" 2>/dev/null || fail "the server exited: $(cat "$W/rtsp.err")"
stop_daemon
server_kill
expect_eq "spool after stop" "" "$(ls "$S/live/rtspcam")"
# The child stopped reading at once and closed its segment itself: not
# killed after the grace period, and not ended by the server going away.
log_has "live rtspcam: stream ended .*session=$S2 .*: stopped\$" ||
    fail "the second session did not end as stopped"

step "its segments are sealed and play"
live_dump_entries
live_py - "$W" "$S" "$LIVE_N" "$S1" "$S2" <<'EOF' || fail "entry checks"
import sys
from live_entries import ffprobe, load, verdict
w, state, n, s1, s2 = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
    sys.argv[4], sys.argv[5]
ent = load(w, n)
segs = [e for e in ent if e["type"] == "segment.sealed"]
bad = []
first = [e for e in segs if e["live"]["session"] == s1]
second = [e for e in segs if e["live"]["session"] == s2]
if len(first) < 2 or len(second) < 1 or len(first) + len(second) != \
        len(segs):
    bad.append(f"{len(first)} and {len(second)} of {len(segs)} segments")
gaps = [e for e in ent if e["type"] == "live.gap"]
# The gap between the runs, then at stop one with "to": null, followed
# only by station.stopped.
if len(gaps) != 2 or gaps[0]["session"] != s1 or \
        gaps[0]["next_session"] != s2 or gaps[0]["to"] is None or \
        gaps[1]["session"] != s2 or gaps[1]["to"] is not None or \
        gaps[1].get("reason") != "station stopped" or ent[-2] is not gaps[1]:
    bad.append(f"gaps {gaps}")
if len(gaps) == 2 and first and second:
    g = gaps[0]
    if not first[-1]["index"] < g["index"] < second[0]["index"] or \
            g["from"] != first[-1]["live"]["end"] or \
            g["to"] > second[0]["live"]["start"] or \
            g["camera"] != "UAV-0003" or g["source"] != "rtspcam":
        bad.append(f"gap between the sessions {g}")
    if second[-1]["index"] > gaps[1]["index"]:
        bad.append("a segment after the gap at stop")
for k, e in enumerate(first + second):
    if e["camera"] != "UAV-0003" or e["source"] != "live" or \
            e["live"]["source"] != "rtspcam" or \
            e["path"] != f"rtspcam/{e['live']['session']}/" \
            f"{e['live']['seq']}.ts" or \
            e["live"]["seq"] != (k if k < len(first) else k - len(first)) \
            or e["decodable"] is not True:
        bad.append(f"segment {e['index']}: {e}")
    d = ffprobe(state, e, bad, duration=True)
    if d is None:
        continue
    # Cut at the first keyframe (one a second) 2 s after the segment's
    # first frame, the session's first included, which the RTSP demuxer
    # hands out without a time: every segment but a session's last lasts
    # 2 s.
    d = float(d or 0)
    if e is not first[-1] and e is not second[-1] and not 1.9 <= d <= 2.1:
        bad.append(f"segment {e['index']}: {d} s")
verdict(bad, f"{len(first)} + {len(second)} segments")
EOF

live_finish
