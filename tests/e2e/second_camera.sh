#!/bin/sh
# The same bytes from a second camera, and a camera's clock drift, through
# the real daemon.  Two inspections are open, each with a camera of one of
# its officers; one ffmpeg clip is copied onto both cameras' volumes.
# CAMA is docked first, then CAMB, whose clock file says it runs five
# minutes slow: CAMB's copy becomes a segment.sealed of its own (camera
# CAMB, same_object_as CAMA's segment, its own camera chain), linked
# automatically to CAMB's officer's inspection, while the store keeps one
# object; CAMB docked again seals nothing.  A third camera uploads the same
# bytes over HTTPS: a segment of its own, then 200 for the retry.  The
# replay of each inspection (text and --json) shows each segment's
# recorded time, the drift its dock session measured and the corrected
# time, and so does custos-verify timeline from an exported bundle, while
# the entries keep the camera's times.
. "$(dirname "$0")/lib.sh"
station_vars
command -v curl >/dev/null || fail "curl is needed"

# segment CAMERA NAME: the index of CAMERA's segment.sealed of NAME.
segment() {
	entries_where segment.sealed camera "$1" path "$2"
}

# field N KEY: entry N's top-level KEY, "-" when it has none.
field() {
	c log entry "$1" | python3 -c \
	    'import json,sys; print(json.load(sys.stdin).get(sys.argv[1], "-"))' "$2"
}

# session_item CAMERA PATH: "STATUS INDEX" of PATH in CAMERA's last session.
session_item() {
	$DL "$S" session "$1" | python3 -c '
import json, sys
s = json.load(sys.stdin)
i = [i for i in s["inventory"] if i["path"] == sys.argv[1]][0]
print(i["status"], i.get("index"))' "$2"
}

# upload_conf: the [upload] section and a certificate for camera CAMU.
upload_conf() {
	P=$W/pki
	PORT=$(free_port)
	URL=https://127.0.0.1:$PORT
	sh "$TSA_TOOLS/mkcerts.sh" "$P" CAMU >/dev/null 2>&1 ||
	    fail "mkcerts.sh"
	conf_upload "$PORT"
}

# up PATH FILE: uploads FILE as CAMU; prints the body, then the status.
up() {
	curl -sS --cacert "$P/ca.pem" --cert "$P/CAMU.pem" \
	    --key "$P/CAMU.key" -w '\n%{http_code}\n' -T "$2" "$URL$1"
}

station_start upload_conf

step "officers, an enterprise, three cameras of three officers"
registry_basics 4
camera_add CAMU
assign_cameras "$(utc -3600)" CAMA:PA-0001 CAMB:PA-0003 CAMU:PA-0004

step "two inspections, entered now"
ID1=$(c inspection register --enterprise $USCC --officer PA-0001 \
    --officer PA-0002 --basis 安全生产法第六十五条 --content 检查) ||
    fail "register 1: $ID1"
ID2=$(c inspection register --enterprise $USCC --officer PA-0003 \
    --officer PA-0004 --basis 安全生产法第六十五条 --content 检查) ||
    fail "register 2: $ID2"
for id in "$ID1" "$ID2"; do
	c inspection enter "$id" >/dev/null || fail "enter $id"
done
# The clip's creation_time has whole seconds: the next one is after both.
wait_next_second

step "one clip, recorded after entering, on both volumes"
mkdir -p "$W/prep/CAMA" "$W/prep/CAMB"
ffmpeg -nostdin -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc=size=160x120:rate=10:duration=2" \
    -f lavfi -i "sine=frequency=440:duration=2" \
    -c:v $(footage_vcodec) -c:a aac -metadata title=second-camera \
    -metadata creation_time="$(utc 0)" "$W/same.mp4" || fail "ffmpeg"
cp "$W/same.mp4" "$W/prep/CAMA/same.mp4"
cp "$W/same.mp4" "$W/prep/CAMB/same.mp4"
OBJ=sha256:$(sha256sum "$W/same.mp4" | cut -c1-64)
# CAMB's clock, Beijing time, five minutes slow (docs/dock.md).
date -u -d "@$(($(date +%s) + 8 * 3600 - 300))" '+%Y-%m-%d %H:%M:%S' \
    >"$W/prep/CAMB/TIME.TXT"

step "CAMA docked: sealed, linked to $ID1"
dock_volume CAMA
SA=$(segment CAMA same.mp4)
[ -n "$SA" ] || fail "no segment of CAMA's same.mp4"
expect_eq "CAMA's item" "sealed $SA" "$(session_item CAMA same.mp4)"
expect_eq "CAMA's links" "$ID1 auto" "$(links "$SA")"
expect_eq "first of its object: no same_object_as" - \
    "$(field "$SA" same_object_as)"

step "CAMB docked: a segment of its own, same_object_as, its own link"
dock_volume CAMB
SB=$(segment CAMB same.mp4)
[ -n "$SB" ] || fail "no segment of CAMB's same.mp4"
[ "$SB" -gt "$SA" ] || fail "CAMB's segment $SB is not after $SA"
expect_eq "CAMB's item" "sealed $SB" "$(session_item CAMB same.mp4)"
expect_eq "CAMB's entry" "CAMB $OBJ $SA" "$(field "$SB" camera) \
$(field "$SB" object) $(field "$SB" same_object_as)"
expect_eq "CAMB's links: its officer's inspection only" "$ID2 auto" \
    "$(links "$SB")"
expect_eq "CAMA's links unchanged" "$ID1 auto" "$(links "$SA")"
grep -q "sealed camera=CAMB sha256=${OBJ#sha256:} .* same_object_as=$SA" \
    custosd.err || fail "no log line naming same_object_as"
# CAMB's camera chain: each of its segments names the one before.
python3 - "$CUSTOS" "$CONF" $(entries_where segment.sealed camera CAMB) \
    <<'EOF' || fail "CAMB's camera_prev chain"
import hashlib, json, subprocess, sys
prev = None
for n in sys.argv[3:]:
    raw = subprocess.run([sys.argv[1], "-c", sys.argv[2], "log", "entry",
        n], check=True, capture_output=True).stdout
    e = json.loads(raw)
    assert e.get("camera_prev") == prev, (n, e.get("camera_prev"), prev)
    prev = "sha256:" + hashlib.sha256(b"\x00" + raw).hexdigest()
print("CAMB chain of %d segments" % (len(sys.argv) - 3))
EOF
expect_eq "one object in the store" 1 \
    "$(find "$S/store/objects" -type f -name "$(echo "${OBJ#sha256:}" | cut -c3-)" | wc -l)"
out=$($DL "$S" once) || fail "$out"
out=$($DL "$S" store) || fail "$out"
for cam in CAMA CAMB; do
	out=$($DL "$S" volume $cam "$D/$cam") || fail "$out"
done

step "CAMB docked again: nothing sealed again"
n=$($DL "$S" segments)
mv "$D/CAMB" "$W/prep/CAMB" || fail "undock CAMB"
wait_status '"CAMB" not in cams' 60
mv "$W/prep/CAMB" "$D/CAMB" || fail "dock CAMB again"
wait_until 90 "CAMB: a second dock.session" has_session CAMB 2
expect_eq "segments after the re-dock" "$n" "$($DL "$S" segments)"
expect_eq "CAMB's item again" "already_sealed $SB" \
    "$(session_item CAMB same.mp4)"
expect_eq "CAMB's links after the re-dock" "$ID2 auto" "$(links "$SB")"

step "CAMU uploads the same bytes: a segment of its own, then 200"
up /v1/cameras/CAMU/files/same.mp4 "$W/same.mp4" >"$W/u1" ||
    fail "curl upload"
expect_eq "upload status" 201 "$(tail -n 1 "$W/u1")"
SU=$(head -n 1 "$W/u1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["index"])')
expect_eq "CAMU's entry" "CAMU upload $OBJ $SA" "$(field "$SU" camera) \
$(field "$SU" source) $(field "$SU" object) \
$(field "$SU" same_object_as)"
expect_eq "CAMU's links" "$ID2 auto" "$(links "$SU")"
up /v1/cameras/CAMU/files/again.mp4 "$W/same.mp4" >"$W/u2" ||
    fail "curl upload again"
expect_eq "upload again status" 200 "$(tail -n 1 "$W/u2")"
expect_eq "upload again: the same entry" "$SU" "$(head -n 1 "$W/u2" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["index"])')"
out=$($DL "$S" once) || fail "$out"

step "replay: recorded time, the session's drift, the corrected time"
SESSB=$($DL "$S" session CAMB 0 | python3 -c 'import json,sys; print(json.load(sys.stdin)["index"])')
c replay "$ID2" --json >"$W/r2.json" 2>"$W/r2.err" ||
    fail "replay --json: $(cat "$W/r2.err")"
python3 - "$W/r2.json" "$SB" "$SESSB" "$SU" <<'EOF' || fail "replay --json"
import datetime, json, sys
t = json.load(open(sys.argv[1]))
seg, sess, up = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
ev = {e["index"]: e for e in t["events"] if e["kind"] == "footage"}
e = ev[seg]
def ms(s):
    return round(datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%f%z")
                 .timestamp() * 1000)
assert e["drift_session"] == sess, e
# Five minutes slow, read to the second a moment before the session.
assert -310000 < e["drift_ms"] < -295000, e
assert e["recorded_time"] == e["time"], e
assert ms(e["corrected_time"]) == ms(e["recorded_time"]) - e["drift_ms"], e
cov = [c for c in t["coverage"] if c["segment"] == seg][0]
assert cov["from"] == e["recorded_time"], cov
assert ms(cov["corrected_from"]) == ms(cov["from"]) - e["drift_ms"], cov
# The upload has no dock session: no drift.
assert "drift_session" not in ev[up] and "drift_ms" not in ev[up], ev[up]
print("drift %d ms, recorded %s, corrected %s" % (e["drift_ms"],
      e["recorded_time"], e["corrected_time"]))
EOF
c replay "$ID2" >"$W/r2.txt" 2>"$W/r2.err" ||
    fail "replay: $(cat "$W/r2.err")"
expect_in "text: the drift and the corrected time" \
    "behind the station's (dock.session #$SESSB): recorded" \
    "$(cat "$W/r2.txt")"
grep -q "camera clock -29[5-9]\.[0-9]* s\|camera clock -30[0-9]\.[0-9]* s" \
    "$W/r2.txt" || fail "text: no drift of about -300 s"
# CAMA had no clock file: said so, nothing corrected.
c replay "$ID1" >"$W/r1.txt" 2>"$W/r1.err" ||
    fail "replay $ID1: $(cat "$W/r1.err")"
expect_in "text: no clock file" \
    "camera clock: not checked at docking (dock.session #" "$(cat "$W/r1.txt")"
expect_in "text: its reason" "no clock file on the volume" \
    "$(cat "$W/r1.txt")"
# Shown, never written back: the entry keeps the camera's time.
expect_eq "the entry's recorded_start" "$(c log entry "$SB" | python3 -c '
import json, sys
print(json.load(sys.stdin)["media"]["recorded_start"])')" "$(python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))
print([e for e in t["events"] if e["index"] == int(sys.argv[2])][0]["time"])' \
    "$W/r2.json" "$SB")"

step "custos-verify timeline from a bundle shows the same drift"
c export "$ID2" -o "$W/bundle" --purpose "复核" >/dev/null 2>"$W/exp.err" ||
    fail "export: $(cat "$W/exp.err")"
"$CUSTOS_VERIFY" timeline --json "$W/bundle" >"$W/vt.json" 2>"$W/vt.err" ||
    fail "custos-verify timeline: $(cat "$W/vt.err")"
python3 - "$W/r2.json" "$W/vt.json" "$SB" <<'EOF' || fail "bundle timeline"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
seg = int(sys.argv[3])
pick = lambda t: [e for e in t["events"] if e["index"] == seg][0]
ea, eb = pick(a), pick(b)
for k in ("time", "recorded_time", "drift_ms", "drift_session",
          "corrected_time"):
    assert ea[k] == eb[k], (k, ea, eb)
print("bundle: drift %d ms" % eb["drift_ms"])
EOF

out=$(c log verify) || fail "log verify: $out"
stop_daemon
if grep -q "ERROR: AddressSanitizer\|runtime error" custosd.err; then
	fail "sanitizer report"
fi
echo "ok second_camera"
