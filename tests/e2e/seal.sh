# The seal pipeline on real files made with ffmpeg, through seal-run (the
# pipeline without the dock) and the real custosd as the media child:
# entry fields, object = sha256sum, the camera_prev chain checked against
# leaf hashes computed here, no second entry for the same bytes from one
# camera (and an entry of its own, same_object_as, from another), a file
# growing while it is read, a FIFO, a name that is not UTF-8, the stored
# objects' mode and bytes, custos log verify, and the fast path for a
# file docked again unchanged (hashed, not copied) with its guards.
. "$(dirname "$0")/lib.sh"
SEALRUN=${CUSTOS_BUILD:-$(dirname "$CUSTOSD")}/tests/seal-run
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

# expect_result K LABEL OUTCOME HASH_ONLY: the Kth result of the last seal.
expect_result() {
	expect_eq "$2 outcome" "$3" "$(res "$1" outcome)"
	expect_eq "$2 hash_only" "$4" "$(res "$1" hash_only)"
}

step "make the files"
ffmpeg -loglevel error -f lavfi -i testsrc=duration=2:size=160x120:rate=10 \
    -f lavfi -i sine=duration=2 -c:v libx264 -c:a aac -shortest \
    -metadata creation_time=2026-01-02T03:04:05Z "$V/a.mp4" ||
    fail "ffmpeg mp4"
ffmpeg -loglevel error -f lavfi -i sine=duration=1 "$V/b.wav" ||
    fail "ffmpeg wav"
. "$(dirname "$0")/footage.sh"
noise "$V/c.MP4" 300000 seal-c || fail "noise"
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
wait_until 60 "grow.MP4 grows" sh -c '[ "$(stat -c %s "$1")" -gt 67108864 ]' \
    - "$V/grow.MP4"
seal grow.MP4
kill "$GPID"
wait "$GPID" 2>/dev/null
expect_eq "outcome" failed "$(res 1 outcome)"
expect_eq "reason" "changed while being read" "$(res 1 reason)"
expect_eq "tree size" 6 "$(sqlite3 "$S/log.db" 'select count(*) from entries')"
expect_eq "temporary files left" "" "$(ls "$S/store/tmp")"
expect_in "log line" 'not sealed camera=TEST0001 path="grow.MP4"' \
    "$(cat "$W/seal.err")"

step "log lines quote the path: UTF-8 kept, other bytes escaped"
expect_in "log line" 'path="bad\xffname"' "$(cat "$W/seal.err")"
expect_in "log line" 'path="录像 1.MP4"' \
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

# entries: the number of log entries now.
entries() {
	sqlite3 "$S/log.db" 'select count(*) from entries'
}

# The fast path.  seal-run -s appends a dock.session entry listing the
# files as the dock does, so the next run of the same camera finds them
# in the catalog like a camera docked again with after_ingest = keep.
# Whether a file was copied shows without timing: the result's
# bytes_stored, the process's write_bytes (/proc/self/io), and the store's
# tmp/ directory, whose mtime changes whenever a temporary file is made
# in it or removed from it.
MIB32=33554432
step "fast path: a 32 MiB file, first seal copies it"
head -c $MIB32 /dev/urandom >"$V/big32.MP4"
OPTS="-s -C CAM3"
seal big32.MP4
expect_result 1 "first" new False
[ "$(res 1 bytes_stored)" -ge $MIB32 ] ||
	fail "first seal stored $(res 1 bytes_stored) bytes, want >= $MIB32"
[ "$(res 1 write_bytes)" -ge $MIB32 ] ||
	fail "first seal wrote $(res 1 write_bytes) bytes, want >= $MIB32"
echo "first seal: bytes_stored=$(res 1 bytes_stored)" \
    "write_bytes=$(res 1 write_bytes)"
OBJ32=sha256:$(sha256sum "$V/big32.MP4" | cut -c1-64)
IDX32=$(res 1 index)
expect_eq "first object" "$OBJ32" "$(res 1 object)"
N=$(entries)

step "fast path: docked again unchanged, hashed only, nothing stored"
TMPSTAT=$(stat -c '%y %z' "$S/store/tmp")
sync
seal big32.MP4
expect_result 1 "again" exists True
expect_eq "again index" "$IDX32" "$(res 1 index)"
expect_eq "again object" "$OBJ32" "$(res 1 object)"
expect_eq "again bytes_stored" 0 "$(res 1 bytes_stored)"
# What remains is SQLite's WAL pages for the dock.session entry.
[ "$(res 1 write_bytes)" -lt 1048576 ] ||
	fail "re-seal wrote $(res 1 write_bytes) bytes, want < 1 MiB"
echo "re-seal: bytes_stored=$(res 1 bytes_stored)" \
    "write_bytes=$(res 1 write_bytes)"
expect_eq "store tmp/ untouched" "$TMPSTAT" "$(stat -c '%y %z' "$S/store/tmp")"
expect_eq "entries: only the session" $((N + 1)) "$(entries)"
expect_in "log line" "already sealed camera=CAM3 sha256=${OBJ32#sha256:}" \
    "$(cat "$W/seal.err")"
expect_in "log line" 'path="big32.MP4" hash_only=1' "$(cat "$W/seal.err")"

step "fast path: only for the camera whose session saw the file"
# The same bytes from another camera are that camera's own segment,
# which names CAM3's in same_object_as; the object is stored once.
OPTS="-C CAM9"
seal big32.MP4
expect_result 1 "other camera" new False
[ "$(res 1 bytes_stored)" -ge $MIB32 ] ||
	fail "other camera stored $(res 1 bytes_stored) bytes"
expect_eq "other camera tmp/ left" "" "$(ls "$S/store/tmp")"
expect_eq "other camera: same object" "$OBJ32" "$(res 1 object)"
"$CUSTOS" -c "$CONF" log entry "$(res 1 index)" >"$W/e9" || fail "entry"
expect_eq "other camera: its own entry" "CAM9 $IDX32" "$(python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))
print(e["camera"], e["same_object_as"])' "$W/e9")"
expect_eq "other camera: one object in the store" 1 \
    "$(find "$S/store/objects" -name "$(echo "${OBJ32#sha256:}" | cut -c3-)" | wc -l)"
seal big32.MP4
expect_eq "other camera again: exists" exists "$(res 1 outcome)"

step "fast path: a byte changed in place, same size and mtime"
touch -r "$V/big32.MP4" "$W/mtime.ref"
printf 'X' | dd of="$V/big32.MP4" bs=1 seek=1000 conv=notrunc \
    2>/dev/null || fail "dd"
touch -r "$W/mtime.ref" "$V/big32.MP4"
expect_eq "same mtime" "$(stat -c %y "$W/mtime.ref")" \
    "$(stat -c %y "$V/big32.MP4")"
expect_eq "same size" $MIB32 "$(stat -c %s "$V/big32.MP4")"
NEW32=sha256:$(sha256sum "$V/big32.MP4" | cut -c1-64)
[ "$NEW32" != "$OBJ32" ] || fail "the change did not change the hash"
N=$(entries)
OPTS="-s -C CAM3"
seal big32.MP4
expect_result 1 "changed" new False
expect_eq "changed object" "$NEW32" "$(res 1 object)"
expect_eq "changed index" "$N" "$(res 1 index)"
[ "$(res 1 bytes_stored)" -ge $MIB32 ] ||
	fail "changed file stored $(res 1 bytes_stored) bytes"
expect_in "warning" "seal: camera=CAM3 path=\"big32.MP4\" changed under the same name, size and mtime: expected=$OBJ32 found=$NEW32" \
    "$(cat "$W/seal.err")"
H=$(echo "${NEW32#sha256:}" | cut -c1-2)/$(echo "${NEW32#sha256:}" | cut -c3-)
cmp -s "$S/store/objects/$H" "$V/big32.MP4" ||
	fail "the new object is not the changed bytes"
# The session now names the new object, and the fast path follows it.
seal big32.MP4
expect_result 1 "changed again" exists True
expect_eq "changed again object" "$NEW32" "$(res 1 object)"

step "fast path: a name that is not UTF-8 matches only its own bytes"
# bad<ff>name's inventory "path" is bad<U+FFFD>name, which is also the
# exact name of another file of the same size and mtime here; only
# path_hex may match, so that file goes through the copy with no
# warning, and bad<ff>name itself takes the fast path.
BADN=$(printf 'bad\377name')
FFFD=$(printf 'bad\357\277\275name')
printf 'not utf-9\n' >"$V/$FFFD"
touch -r "$V/$BADN" "$V/$FFFD"
OPTS="-s -C CAM4"
seal "$BADN"
# TEST0001 sealed these bytes: CAM4's first copy is a segment of its own.
expect_eq "bad name outcome" new "$(res 1 outcome)"
expect_eq "bad name hash_only (no session yet)" False "$(res 1 hash_only)"
: >"$W/seal.err"
OPTS="-C CAM4"
seal "$FFFD" "$BADN"
expect_result 1 "U+FFFD name" new False
expect_result 2 "bad name again" exists True
case $(cat "$W/seal.err") in
*"changed under the same name"*)
	fail "a lossy name matched another file's row: $(cat "$W/seal.err")";;
esac

step "the same bytes from two cameras at once: an entry each, one object"
# The 1st and 3rd file come from CAMP, the 2nd and 4th from CAMQ, all in
# flight together: each camera's pair is serialised (one new, one
# exists), the two cameras' jobs are not, and whichever entry is
# appended second names the first in same_object_as.
head -c 300000 /dev/urandom >"$V/two.MP4"
cp "$V/two.MP4" "$V/two copy.MP4"
N=$(entries)
OPTS="-p -C CAMP -X CAMQ"
seal two.MP4 "two copy.MP4" two.MP4 "two copy.MP4"
OPTS=
expect_eq "outcomes" "exists exists new new" "$(for n in 1 2 3 4; do
	res $n outcome; done | sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "CAMP's two answers, one entry" "$(res 1 index)" "$(res 3 index)"
expect_eq "CAMQ's two answers, one entry" "$(res 2 index)" "$(res 4 index)"
[ "$(res 1 index)" != "$(res 2 index)" ] || fail "one entry for two cameras"
expect_eq "entries: one per camera" $((N + 2)) "$(entries)"
"$CUSTOS" -c "$CONF" log entry "$N" >"$W/eN" || fail "log entry $N"
"$CUSTOS" -c "$CONF" log entry "$((N + 1))" >"$W/eN1" || fail "entry"
expect_eq "the second names the first" "- $N" "$(python3 -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
assert a["object"] == b["object"] and a["camera"] != b["camera"], (a, b)
print(a.get("same_object_as", "-"), b.get("same_object_as", "-"))' \
    "$W/eN" "$W/eN1")"
expect_eq "one object in the store" 1 \
    "$(find "$S/store/objects" -name "$(sha256sum "$V/two.MP4" | cut -c3-64)" | wc -l)"

step "log verify after the fast path"
out=$("$CUSTOS" -c "$CONF" log verify)
expect_eq "log verify exit" 0 $?
expect_in "log verify" "verified: $(entries) entries" "$out"
expect_eq "temporary files left" "" "$(ls "$S/store/tmp")"
echo "seal: ok"
