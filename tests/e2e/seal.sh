# The seal pipeline on real files made with ffmpeg, through seal-run (the
# pipeline without the dock) and the real custosd as the media child:
# entry fields, object = sha256sum, the camera_prev chain checked against
# leaf hashes computed here, no second entry for the same bytes, a file
# growing while it is read, a FIFO, a name that is not UTF-8, the stored
# objects' mode and bytes, and custos log verify.
. "$(dirname "$0")/lib.sh"
SEALRUN=$(dirname "$CUSTOSD")/tests/seal-run
[ -x "$SEALRUN" ] || fail "no seal-run at $SEALRUN (make build/tests/seal-run)"
command -v ffmpeg >/dev/null || fail "ffmpeg is needed"
write_conf
S=$W/state
V=$W/vol
mkdir -p "$V"
export CUSTOSD

# seal FILE...: runs seal-run with $OPTS from the volume (the entry's
# path is the name as given) and keeps its JSON lines in $W/out.
OPTS=
seal() {
	(cd "$V" && "$SEALRUN" $OPTS "$CONF" "$@") >"$W/out" \
	    2>>"$W/seal.err" ||
	    fail "seal-run exit $?: $(cat "$W/seal.err")"
}

# res N KEY: field KEY of the N-th (from 1) result line.
res() {
	sed -n "${1}p" "$W/out" | python3 -c \
	    'import json,sys; print(json.load(sys.stdin).get(sys.argv[1], "-"))' "$2"
}

step "make the files"
ffmpeg -loglevel error -f lavfi -i testsrc=duration=2:size=160x120:rate=10 \
    -f lavfi -i sine=duration=2 -c:v libx264 -c:a aac -shortest \
    -metadata creation_time=2026-01-02T03:04:05Z "$V/a.mp4" ||
    fail "ffmpeg mp4"
ffmpeg -loglevel error -f lavfi -i sine=duration=1 "$V/b.wav" ||
    fail "ffmpeg wav"
head -c 300000 /dev/urandom >"$V/c.MP4"
: >"$V/empty.MP4"
printf 'camera bytes\n' >"$V/$(printf '\345\275\225\345\203\217 1.MP4')"
printf 'not utf-8\n' >"$V/$(printf 'bad\377name')"
mkfifo "$V/fifo"

step "seal six files and a FIFO"
seal a.mp4 b.wav c.MP4 empty.MP4 "$(printf '\345\275\225\345\203\217 1.MP4')" \
    "$(printf 'bad\377name')" fifo
expect_eq "results" 7 "$(wc -l <"$W/out")"
for n in 1 2 3 4 5 6; do
	expect_eq "outcome $n" new "$(res $n outcome)"
	expect_eq "index $n" $((n - 1)) "$(res $n index)"
done
expect_eq "fifo outcome" failed "$(res 7 outcome)"
expect_eq "fifo reason" "not a regular file" "$(res 7 reason)"
expect_eq "decodable mp4" True "$(res 1 decodable)"
expect_eq "decodable wav" True "$(res 2 decodable)"
expect_eq "decodable random" False "$(res 3 decodable)"
expect_eq "tree size" 6 "$(sqlite3 "$S/log.db" 'select count(*) from entries')"

step "entries: fields, objects, mtime, camera_prev chain"
for i in 0 1 2 3 4 5; do
	"$CUSTOS" -c "$CONF" log entry $i >"$W/e$i" || fail "log entry $i"
done
python3 - "$W" "$V" <<'EOF' || fail "entry checks"
import datetime, hashlib, json, os, sys
w, v = sys.argv[1], sys.argv[2]
names = [b"a.mp4", b"b.wav", b"c.MP4", b"empty.MP4",
         "录像 1.MP4".encode(), b"bad\xffname"]
prev = None
bad = []
def check(cond, what):
    if not cond:
        bad.append(what)
for i, name in enumerate(names):
    raw = open(f"{w}/e{i}", "rb").read()
    e = json.loads(raw)
    leaf = hashlib.sha256(b"\x00" + raw).hexdigest()
    data = open(os.path.join(v.encode(), name), "rb").read()
    st = os.stat(os.path.join(v.encode(), name))
    keys = list(e)
    want = ["type", "index", "time", "station", "object", "size", "camera",
            "source", "path"]
    check(keys[:len(want)] == want, f"{i}: key order {keys}")
    check(e["type"] == "segment.sealed", f"{i}: type")
    check(e["object"] == "sha256:" + hashlib.sha256(data).hexdigest(),
          f"{i}: object {e['object']}")
    check(e["size"] == len(data), f"{i}: size")
    check(e["camera"] == "TEST0001" and e["source"] == "usb",
          f"{i}: camera/source")
    check("officer" not in e, f"{i}: officer without one assigned")
    ms = st.st_mtime_ns // 1000000
    t = datetime.datetime.fromtimestamp(ms // 1000, datetime.timezone.utc)
    check(e["mtime"] == t.strftime("%Y-%m-%dT%H:%M:%S") +
          ".%03dZ" % (ms % 1000), f"{i}: mtime {e['mtime']}")
    try:
        text = name.decode()
        check(e["path"] == text and "path_hex" not in e, f"{i}: path")
    except UnicodeDecodeError:
        check(e["path"] == name.decode(errors="replace"), f"{i}: lossy path")
        check(e.get("path_hex") == name.hex(), f"{i}: path_hex")
    if prev is None:
        check("camera_prev" not in e, f"{i}: camera_prev on the first")
    else:
        check(e.get("camera_prev") == "sha256:" + prev,
              f"{i}: camera_prev {e.get('camera_prev')} != {prev}")
    prev = leaf
    check(isinstance(e["decodable"], bool), f"{i}: decodable")
    if e["decodable"]:
        m = e["media"]
        check("probe" not in e, f"{i}: probe on a decodable file")
        check(m["packets"] > 0, f"{i}: packets")
        check(m["packet_root"].startswith("sha256:") and
              len(m["packet_root"]) == 71, f"{i}: packet_root")
    else:
        check("media" not in e, f"{i}: media on undecodable bytes")
        check(e["probe"]["status"] == "not_media", f"{i}: probe status")
a = json.load(open(f"{w}/e0"))["media"]
check("mp4" in a["container"], f"mp4 container {a['container']}")
check([s["kind"] for s in a["streams"]] == ["video", "audio"],
      f"mp4 streams {a['streams']}")
check(a["streams"][0]["codec"] == "h264" and
      a["streams"][0]["width"] == 160 and a["streams"][0]["height"] == 120,
      f"mp4 video {a['streams'][0]}")
check(a["streams"][1]["codec"] == "aac" and "width" not in a["streams"][1],
      f"mp4 audio {a['streams'][1]}")
check(1900 <= a["duration_ms"] <= 2100, f"mp4 duration {a['duration_ms']}")
check(a.get("recorded_start") == "2026-01-02T03:04:05.000Z",
      f"mp4 recorded_start {a.get('recorded_start')}")
b = json.load(open(f"{w}/e1"))["media"]
check(b["container"] == "wav" and b["streams"][0]["kind"] == "audio" and
      b["streams"][0]["codec"] == "pcm_s16le", f"wav {b}")
check("recorded_start" not in b, "wav recorded_start")
for x in bad:
    print("entry check failed:", x)
sys.exit(1 if bad else 0)
EOF

step "stored objects: mode 0440 and the exact bytes"
for f in a.mp4 b.wav c.MP4 empty.MP4; do
	h=$(sha256sum "$V/$f" | cut -c1-64)
	o=$S/store/objects/$(echo "$h" | cut -c1-2)/$(echo "$h" | cut -c3-)
	[ -f "$o" ] || fail "no stored object for $f at $o"
	expect_eq "mode of $f's object" 440 "$(stat -c %a "$o")"
	cmp -s "$o" "$V/$f" || fail "stored object of $f differs"
done
expect_eq "temporary files left" "" "$(ls "$S/store/tmp")"

step "the same bytes again: exists, no new entry"
cp "$V/a.mp4" "$V/copy of a.mp4"
seal a.mp4 "copy of a.mp4" c.MP4
for n in 1 2 3; do
	expect_eq "outcome $n" exists "$(res $n outcome)"
done
expect_eq "index of a.mp4" 0 "$(res 1 index)"
expect_eq "index of its copy" 0 "$(res 2 index)"
expect_eq "index of c.MP4" 2 "$(res 3 index)"
expect_eq "tree size" 6 "$(sqlite3 "$S/log.db" 'select count(*) from entries')"

step "a file that grows while it is read"
head -c 67108864 /dev/zero >"$V/grow.MP4"
(while :; do printf '%4096s' x >>"$V/grow.MP4"; done) &
GPID=$!
sleep 0.2
seal grow.MP4
kill "$GPID"
wait "$GPID" 2>/dev/null
expect_eq "outcome" failed "$(res 1 outcome)"
expect_eq "reason" "changed while being read" "$(res 1 reason)"
expect_eq "tree size" 6 "$(sqlite3 "$S/log.db" 'select count(*) from entries')"
expect_eq "temporary files left" "" "$(ls "$S/store/tmp")"
expect_in "log line" 'not sealed camera=TEST0001 path=grow.MP4' \
    "$(cat "$W/seal.err")"

step "log lines escape the path"
expect_in "log line" 'path=bad\xffname' "$(cat "$W/seal.err")"
expect_in "log line" 'path=\xe5\xbd\x95\xe5\x83\x8f\x201.MP4' \
    "$(cat "$W/seal.err")"
expect_in "log line" "sealed camera=TEST0001 sha256=$(sha256sum \
    "$V/a.mp4" | cut -c1-64) leaf=" "$(cat "$W/seal.err")"

step "equal files in flight at once give one entry; another camera"
head -c 200000 /dev/urandom >"$V/d1.MP4"
cp "$V/d1.MP4" "$V/d2.MP4"
printf 'other\n' >"$V/e.MP4"
OPTS="-p -C CAM2 -o 王警官"
seal d1.MP4 d2.MP4 e.MP4
OPTS=
expect_eq "outcomes" "exists new new" "$(for n in 1 2 3; do
	res $n outcome; done | sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "same index for equal bytes" "$(res 1 index)" "$(res 2 index)"
expect_eq "tree size" 8 "$(sqlite3 "$S/log.db" 'select count(*) from entries')"
"$CUSTOS" -c "$CONF" log entry 6 >"$W/e6" || fail "log entry 6"
"$CUSTOS" -c "$CONF" log entry 7 >"$W/e7" || fail "log entry 7"
python3 - "$W" <<'EOF' || fail "CAM2 chain"
import hashlib, json, sys
w = sys.argv[1]
raw6 = open(f"{w}/e6", "rb").read()
e6, e7 = json.loads(raw6), json.load(open(f"{w}/e7"))
leaf6 = "sha256:" + hashlib.sha256(b"\x00" + raw6).hexdigest()
ok = (e6["camera"] == e7["camera"] == "CAM2" and "camera_prev" not in e6
      and e7.get("camera_prev") == leaf6
      and e6["officer"] == e7["officer"] == "王警官")
if not ok:
    print("CAM2 entries:", e6, e7)
sys.exit(0 if ok else 1)
EOF

step "a full store: the file fails with NOSPACE, nothing is left behind"
# A 2 MiB tmpfs as the state directory of a second station, mounted in a
# private mount namespace so that it vanishes with the shell; skipped
# where the test may not mount.
F=$W/full
mkdir -p "$F/state"
sed 's/^name = .*/name = e2e.example\/full/' "$CONF" >"$F/custos.conf"
head -c 100000 /dev/urandom >"$V/small1"
head -c 100000 /dev/urandom >"$V/small2"
head -c 5000000 /dev/urandom >"$V/big"
if unshare -m sh -c "mount -t tmpfs -o size=2m tmpfs '$F/state'" \
    2>/dev/null; then
	unshare -m sh -c "mount -t tmpfs -o size=2m tmpfs '$F/state' &&
	    cd '$V' && '$SEALRUN' '$F/custos.conf' small1 big small2 \
	    >'$F/out' 2>>'$W/seal.err'; echo \$? >'$F/rc';
	    ls '$F/state/store/tmp' >'$F/tmp'"
	expect_eq "seal-run exit" 0 "$(cat "$F/rc")"
	cp "$F/out" "$W/out"
	expect_eq "small1" new "$(res 1 outcome)"
	expect_eq "big" failed "$(res 2 outcome)"
	expect_eq "big rc (CUSTOS_ERR_NOSPACE)" -17 "$(res 2 rc)"
	expect_eq "big reason" "no space left on the store" "$(res 2 reason)"
	expect_eq "small2 after it" new "$(res 3 outcome)"
	expect_eq "small2 index" 1 "$(res 3 index)"
	expect_eq "temporary files left" "" "$(cat "$F/tmp")"
else
	echo "skipped: cannot mount a tmpfs here"
fi

step "log verify and the checkpoint"
out=$("$CUSTOS" -c "$CONF" log verify)
expect_eq "log verify exit" 0 $?
expect_in "log verify" "verified: 8 entries" "$out"
expect_eq "checkpoint size" 8 "$(checkpoint_size)"
echo "seal: ok"
