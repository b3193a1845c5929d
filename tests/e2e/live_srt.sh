# Live streams over SRT: an srt:// listener with a passphrase.  ffmpeg
# (libsrt) is the camera: a wrong passphrase is refused and the listener
# keeps waiting; the right one gives segments that play in ffprobe,
# written by a live child under seccomp (libsrt's threads included).  A
# stop while the camera streams closes and seals the open segment and
# appends a live.gap with "to": null.
. "$(dirname "$0")/lib.sh"
command -v ffmpeg >/dev/null || fail "ffmpeg is needed"
command -v ffprobe >/dev/null || fail "ffprobe is needed"
S=$W/state
P=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

write_conf
cat >>"$CONF" <<EOC
[live srtcam]
camera = BC-0003
listen = srt://127.0.0.1:$P
passphrase = correcthorsebattery
segment_seconds = 2
EOC
mkdir -p "$W/dock"

live_field() {
	"$CUSTOS" -c "$CONF" status --json | python3 -c '
import json, sys
for l in json.load(sys.stdin).get("live", []):
    if l["name"] == sys.argv[1]:
        print(l[sys.argv[2]])' "$1" "$2"
}

wait_state() {
	i=0
	while [ "$(live_field "$1" state)" != "$2" ]; do
		i=$((i + 1))
		[ $i -gt $(($3 * 10)) ] &&
		    fail "$1: not $2 within $3 s (now $(live_field "$1" state))"
		sleep 0.1
	done
}

# push PASSPHRASE SECONDS
push() {
	timeout "$2" ffmpeg -nostdin -loglevel error -re \
	    -f lavfi -i testsrc=size=320x240:rate=25 -c:v libx264 -g 25 \
	    -f mpegts "srt://127.0.0.1:$P?passphrase=$1" 2>>"$W/camera.err"
}

step "start custosd with an srt:// listener"
start_daemon
wait_state srtcam listening 10
sleep 0.3

step "a wrong passphrase is refused"
push wrongpassphrase1 4
[ $? -ne 124 ] || fail "a wrong passphrase streamed for 4 s"
expect_eq "state" listening "$(live_field srtcam state)"
expect_eq "segments" 0 "$(live_field srtcam segments)"

step "the right passphrase: 5 s of stream, the child sandboxed"
push correcthorsebattery 5 &
CAM=$!
wait_state srtcam receiving 10
sleep 1
found=0
for c in $(ps -o pid= --ppid "$DPID"); do
	tr '\0' ' ' <"/proc/$c/cmdline" 2>/dev/null | grep -q -- ' -L' ||
	    continue
	grep -q '^Seccomp:[[:space:]]*2' "/proc/$c/status" && found=1
done
[ $found -eq 1 ] || fail "no live child under seccomp"
wait "$CAM"
wait_state srtcam listening 10
S1=$(live_field srtcam session)

step "stop while receiving: the open segment is closed and sealed"
push correcthorsebattery 8 &
CAM=$!
wait_state srtcam receiving 10
sleep 3
stop_daemon
wait "$CAM"
expect_eq "spool after stop" "" "$(ls "$S/live/srtcam")"

step "its segments are sealed and play"
n=$(sqlite3 "$S/log.db" 'select count(*) from entries')
i=0
while [ $i -lt "$n" ]; do
	"$CUSTOS" -c "$CONF" log entry $i >"$W/e$i" || fail "log entry $i"
	i=$((i + 1))
done
python3 - "$W" "$S" "$n" "$S1" <<'EOF' || fail "entry checks"
import json, os, subprocess, sys
w, state, n, s1 = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
ent = [json.loads(open(f"{w}/e{i}").read()) for i in range(n)]
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
    h = e["object"].split(":")[1]
    r = subprocess.run(["ffprobe", "-v", "error", os.path.join(state,
                        "store", "objects", h[:2], h[2:])],
                       capture_output=True, text=True)
    if r.returncode != 0 or r.stderr:
        bad.append(f"ffprobe {h}: {r.stderr.strip()}")
for b in bad:
    print("bad:", b)
print(f"{len(first)} + {len(second)} segments")
sys.exit(1 if bad else 0)
EOF
grep -q 'Sanitizer' "$W/custosd.err" && fail "sanitizer report"
echo "ok"
