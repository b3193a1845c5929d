# Live streams: ffmpeg as the camera.  A tcp:// listener source gets a
# stream that is killed (kill -9: a cut, not a clean end) at a random
# moment 5.5-8 s in, comes back 3 s later with a different picture and
# is killed again 4-6 s in; a pull source (url = tcp://) reads from an
# ffmpeg that listens as a drone would, killed at a random moment 5-7 s
# after it started.  Checks: consecutive segment.sealed entries with
# source live, one session per run, seq 0, 1, 2, ... per session, the
# camera_prev chain, each sealed object plays in ffprobe and lasts about
# segment_seconds (cut at keyframes), every one decodes to its end with
# no error (live_check_segments), a live.gap between the two sessions of
# at least 2 s naming both, an open live.gap at stop, the live child
# under seccomp with no_new_privs, an empty spool after stop, a spool
# file left by a crash sealed at the next start, and custos log verify.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/live_lib.sh"
CAMS=

# The number of entries, read from the database (custosd may be stopped).
entries() {
	sqlite3 "$S/log.db" 'select count(*) from entries'
}

cleanup() {
	for p in $CAMS; do kill -9 "$p" 2>/dev/null; done
}
trap cleanup EXIT

P1=$(free_port tcp)
P2=$(free_port tcp)
[ "$P1" != "$P2" ] || P2=$((P1 + 1))

write_conf
conf_live cam1 BC-0001 listen "tcp://127.0.0.1:$P1"
conf_live drone1 UAV-0001 url "tcp://127.0.0.1:$P2"

_receiving_or_gone() {
	[ "$(live_field cam1 state)" = receiving ] || ! kill -0 "$1" 2>/dev/null
}

# camera MS SRC FREQ: pushes a stream to the listener, and kill -9 MS
# after the listener has it.  A first connection refused (the listener
# binds just after it says "listening") is tried again.
camera() {
	tries=0
	while :; do
		ffmpeg -nostdin -loglevel error -re \
		    -f lavfi -i "$2=size=320x240:rate=25" \
		    -f lavfi -i "sine=f=$3" \
		    -c:v libx264 -g 25 -c:a aac -f mpegts \
		    "tcp://127.0.0.1:$P1" 2>>"$W/camera.err" &
		cp=$!
		CAMS="$CAMS $cp"
		wait_until 10 "cam1 receiving" _receiving_or_gone "$cp"
		kill -0 "$cp" 2>/dev/null && break
		tries=$((tries + 1))
		[ $tries -lt 5 ] ||
		    fail "the camera ffmpeg exited early: $(cat "$W/camera.err")"
	done
	sleep_ms "$1"
	kill -0 "$cp" 2>/dev/null ||
	    fail "the camera ffmpeg exited early: $(cat "$W/camera.err")"
	kill -9 "$cp"
	wait "$cp" 2>/dev/null
	return 0
}

_drone_segments() {
	[ "$(live_field drone1 segments)" -ge 2 ]
}

TD=$(random_ms 5000 7000)
step "the drone: an ffmpeg listening for the pull source, killed after $TD ms"
timeout -s KILL "$(ms_secs "$TD")" ffmpeg -nostdin -loglevel error -re \
    -f lavfi -i "testsrc2=size=320x240:rate=25" \
    -c:v libx264 -g 25 -f mpegts "tcp://127.0.0.1:$P2?listen=1" \
    2>>"$W/drone.err" &
DRONE=$!
CAMS="$CAMS $DRONE"
wait_until 10 "the drone listening" port_bound tcp "$P2"

step "start custosd with a listener and a pull source"
start_daemon
wait_state cam1 listening 10
wait_until 10 "the cam1 listener bound" port_bound tcp "$P1"

T1=$(random_ms 5500 8000)
step "camera run 1: killed after $T1 ms"
camera "$T1" testsrc 440 &
RUN=$!
wait_state cam1 receiving 10
step "the live child is sandboxed while it receives"
live_child_sandboxed
wait "$RUN" || fail "camera run 1"
SESSION1=$(live_field cam1 session)

step "3 s without the camera"
wait_state cam1 listening 10
# The gap itself, which the log must show.
sleep 3

T2=$(random_ms 4000 6000)
step "camera run 2: killed after $T2 ms"
camera "$T2" testsrc2 880 || fail "camera run 2"
wait_state cam1 listening 10
SESSION2=$(live_field cam1 session)
[ "$SESSION1" != "$SESSION2" ] || fail "the second run kept session $SESSION1"

step "the pull source sealed the drone's stream"
wait "$DRONE"
wait_until 10 "drone1: 2 segments" _drone_segments

step "custos status shows the sources"
"$CUSTOS" -c "$CONF" status >"$W/status" || fail "custos status"
expect_in "status" "live:        cam1 camera BC-0001" "$(cat "$W/status")"
expect_in "status" "live:        drone1 camera UAV-0001" "$(cat "$W/status")"

step "stop: what is spooled is sealed, the spools are empty"
stop_daemon
expect_eq "cam1 spool" "" "$(ls "$S/live/cam1")"
expect_eq "drone1 spool" "" "$(ls "$S/live/drone1")"

step "the log: sessions, segments, chain, gaps"
live_dump_entries
live_py - "$W" "$S" "$LIVE_N" "$SESSION1" "$SESSION2" <<'EOF' ||
import hashlib, json, sys
import live_entries
w, state, n, s1, s2 = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
    sys.argv[4], sys.argv[5]
bad = []
def check(cond, what):
    if not cond:
        bad.append(what)
raw = live_entries.raw(w, n)
ent = [json.loads(r) for r in raw]
leaf = [hashlib.sha256(b"\x00" + r).hexdigest() for r in raw]

def segs(src):
    return [(i, e) for i, e in enumerate(ent) if e["type"] ==
            "segment.sealed" and e.get("live", {}).get("source") == src]

def probe(e):
    d = live_entries.ffprobe(state, e, bad, duration=True)
    try:
        return float(d)
    except (TypeError, ValueError):
        bad.append(f"no duration for {live_entries.object_path(state, e)}")
        return 0.0

# Every segment of a camera chains to the previous one of that camera.
last = {}
for i, e in enumerate(ent):
    if e["type"] != "segment.sealed":
        continue
    c = e["camera"]
    check(e.get("camera_prev") == (None if c not in last else
          "sha256:" + last[c]), f"entry {i}: camera_prev")
    last[c] = leaf[i]

cam = segs("cam1")
sessions = []
for i, e in cam:
    lv = e["live"]
    check(e["source"] == "live" and e["camera"] == "BC-0001",
          f"entry {i}: source/camera")
    check(e["decodable"] is True, f"entry {i}: not decodable")
    check(e["path"] == f"cam1/{lv['session']}/{lv['seq']}.ts",
          f"entry {i}: path {e['path']}")
    check(lv["start"] <= lv["end"], f"entry {i}: start after end")
    if not sessions or sessions[-1][0] != lv["session"]:
        sessions.append((lv["session"], []))
    sessions[-1][1].append((i, e))
check([s for s, _ in sessions] == [s1, s2],
      f"sessions {[s for s, _ in sessions]} != {[s1, s2]}")
for s, l in sessions:
    check([e["live"]["seq"] for _, e in l] == list(range(len(l))),
          f"session {s}: seq {[e['live']['seq'] for _, e in l]}")
    # Every segment but the last of a run is cut at a keyframe after 2 s.
    for k, (i, e) in enumerate(l):
        d = probe(e)
        if k < len(l) - 1:
            check(1.8 <= d <= 2.6, f"entry {i}: duration {d}")
if len(sessions) == 2:
    check(len(sessions[0][1]) >= 3, f"run 1: {len(sessions[0][1])} segments")
    check(len(sessions[1][1]) >= 2, f"run 2: {len(sessions[1][1])} segments")
    gaps = [(i, e) for i, e in enumerate(ent) if e["type"] == "live.gap"
            and e["source"] == "cam1"]
    check(len(gaps) == 2, f"{len(gaps)} cam1 gaps")
    if len(gaps) == 2:
        (gi, g), (oi, og) = gaps
        end1 = sessions[0][1][-1][0]
        start2 = sessions[1][1][0][0]
        check(end1 < gi < start2, f"gap at {gi}, not between {end1} and "
              f"{start2}")
        check(g["camera"] == "BC-0001" and g["session"] == s1 and
              g["next_session"] == s2, f"gap fields {g}")
        check(g["duration_ms"] >= 2000, f"gap duration {g['duration_ms']}")
        check(g["from"] == sessions[0][1][-1][1]["live"]["end"],
              "gap from is not the end of the last segment")
        check(g["to"] <= sessions[1][1][0][1]["live"]["start"],
              "gap to is after the next session's start")
        check(oi > sessions[1][1][-1][0] and og["to"] is None and
              og["session"] == s2 and og["reason"] == "station stopped",
              f"open gap at stop {og}")
# The camera's own entries, in log order: run 1, the gap, run 2, the
# open gap at stop; nothing else of it in between.
if len(sessions) == 2:
    order = [("gap", e["session"]) if e["type"] == "live.gap" else
             ("seg", e["live"]["session"]) for e in ent
             if e.get("camera") == "BC-0001"]
    want = ([("seg", s1)] * len(sessions[0][1]) + [("gap", s1)] +
            [("seg", s2)] * len(sessions[1][1]) + [("gap", s2)])
    check(order == want, f"camera entries {order}")
drone = segs("drone1")
check(len(drone) >= 2, f"drone1: {len(drone)} segments")
for i, e in drone:
    check(e["camera"] == "UAV-0001" and e["decodable"] is True,
          f"entry {i}: drone segment")
    probe(e)
live_entries.verdict(bad, f"cam1 sessions {[len(l) for _, l in sessions]}, "
                     f"drone1 {len(drone)}")
EOF
    fail "entry checks"

live_check_segments

step "a segment a crash left in the spool is sealed at the next start"
# The largest object: its first 20000 bytes are not an object already.
TS=$(ls -S "$S"/store/objects/*/* | head -n 1)
LEFT=$S/live/cam1/20260101T000000Z-0badf00d.0.ts
head -c 20000 "$TS" >"$LEFT"
printf 'not ours\n' >"$S/live/cam1/notes.txt"
n0=$(entries)
start_daemon
wait_until 10 "the leftover segment sealed" test ! -e "$LEFT"
stop_daemon
expect_eq "foreign file left alone" "not ours" "$(cat "$S/live/cam1/notes.txt")"
found=
i=$n0
while [ $i -lt "$(entries)" ]; do
	"$CUSTOS" -c "$CONF" log entry $i >"$W/r$i"
	grep -q '"closed_by":"recovery"' "$W/r$i" && found=$i
	i=$((i + 1))
done
[ -n "$found" ] || fail "no recovered segment entry"
expect_in "recovered entry" \
    '"live":{"source":"cam1","session":"20260101T000000Z-0badf00d","seq":0,"closed_by":"recovery"}' \
    "$(cat "$W/r$found")"

step "the log verifies"
"$CUSTOS" -c "$CONF" log verify >"$W/verify" 2>&1 ||
    fail "custos log verify: $(cat "$W/verify")"

step "no sanitizer reports"
grep -q 'Sanitizer' "$W/custosd.err" && fail "sanitizer report"
echo "ok"
