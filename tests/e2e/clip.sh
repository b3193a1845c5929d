#!/bin/sh
# Clips ("custos export --clip", docs/bundle.md "Clips") through the real
# daemon: a 60 s MP4 (H.264 + AAC, a key frame every 2 s) and an MPEG-TS
# recording docked (the camera's clock 90 s fast) and linked to an
# inspection.  A clip of 12 s to 42 s of each and one asked in RFC 3339
# times (mapped through the recording's start less the measured drift)
# last about what was asked (within the key frame spacing); clip.exported
# has every field and the purpose; the bundle holds clips/N.ext and
# clips/N.packets and no media/.  Refused, with nothing left behind and
# nothing logged: no --purpose, an unlinked segment, --from past the end,
# --to before --from, an existing output, a user without the reviewer
# role.  custos-verify proves the clip (exit 0); a copy with one byte of
# packet data flipped fails (exit 1) naming that packet's time.
. "$(dirname "$0")/lib.sh"
station_vars

# rec OUT SECONDS CREATION [FORMAT]: a test-pattern recording at 25 fps
# with a key frame every 50 frames, its creation_time CREATION (MP4).
rec() {
	ffmpeg -nostdin -hide_banner -loglevel error -y \
	    -f lavfi -i "testsrc=size=320x240:rate=25:duration=$2" \
	    -f lavfi -i "sine=frequency=440:duration=$2" \
	    -c:v $(footage_vcodec) -g 50 -keyint_min 50 -sc_threshold 0 \
	    -c:a aac -metadata creation_time="$3" -metadata title="clip-$1" \
	    ${4:+-f $4} "$1" || fail "ffmpeg $1"
}

# dur FILE: its duration in ms, as ffprobe reads the container.
dur() {
	ffprobe -v error -show_entries format=duration -of csv=p=0 "$1" |
	    awk '{ printf "%d\n", $1 * 1000 }'
}

# near WHAT WANT_MS FOUND_MS SLACK_MS
near() {
	[ "$3" -ge $(($2 - $4)) ] && [ "$3" -le $(($2 + $4)) ] ||
	    fail "$1: ${3} ms, expected ${2} ms within ${4} ms"
}

station_start
registry_basics 2
camera_add CAMC
assign_cameras "$(utc -3600)" CAMC:PA-0001

step "an inspection entered, a 60 s MP4 and an MPEG-TS docked and linked"
ID=$(c inspection register --enterprise "$USCC" --officer PA-0001 \
    --officer PA-0002 --basis 安全生产法第六十五条 --content 检查) ||
    fail "register"
c inspection enter "$ID" >/dev/null || fail "enter"
# The camera's clock runs 90 s fast: it wrote its own time into the file
# (a minute ago by the station's clock); what autolink leaves out is
# linked by hand.
START=$(utc 30)
V=$W/prep/CAMC
mkdir -p "$V" || fail "mkdir"
rec "$V/REC_0001.mp4" 60 "$START"
rec "$V/REC_0002.ts" 60 "$START" mpegts
# Recorded two days ago: outside the inspection, never linked.
rec "$V/OLD_0001.mp4" 4 "$(utc -172800)"
date -u -d "@$(($(date +%s) + 8 * 3600 + 90))" '+%Y-%m-%d %H:%M:%S' \
    >"$V/TIME.TXT"
dock_volume CAMC
MP4= TS= OLD=
for n in $(entries_where segment.sealed camera CAMC); do
	case $(entry_field "$n" path) in
	*REC_0001.mp4) MP4=$n ;;
	*REC_0002.ts) TS=$n ;;
	*OLD_0001.mp4) OLD=$n ;;
	esac
done
[ -n "$MP4" ] && [ -n "$TS" ] && [ -n "$OLD" ] || fail "segments not sealed"
for n in $MP4 $TS; do
	[ -n "$(links "$n")" ] || c inspection link "$ID" --segment "$n" \
	    --reason 现场执法记录仪 >/dev/null || fail "link $n"
done
[ -z "$(links "$OLD")" ] || fail "segment $OLD linked"
DRIFT=$(session_py CAMC 's["clock_drift"]["drift_ms"]')
near "the measured drift" 90000 "$DRIFT" 2000

X="--wait 2 --allow-untimestamped"

step "a clip of 12 s to 42 s of the MP4 (segment $MP4)"
exits mp4 0 c export --clip "$MP4" --from 12 --to 42 -o "$W/cm" \
    --purpose "复核 $ID 违法行为片段" $X --json
B=$W/cm
[ -f "$B/clips/$MP4.mp4" ] && [ -f "$B/clips/$MP4.packets" ] ||
    fail "no clips/$MP4.mp4 and clips/$MP4.packets: $(ls -R "$B")"
[ -e "$B/media" ] && fail "a clip bundle with media/"
near "the MP4 clip's duration" 30000 "$(dur "$B/clips/$MP4.mp4")" 2100
N=$(entries_where clip.exported segment "$MP4")
[ "$(echo "$N" | wc -w)" = 1 ] || fail "clip.exported of $MP4: [$N]"
python3 - "$W/mp4.out" "$B" "$("$CUSTOS" -c "$CONF" log entry "$N")" \
    "$ID" "$MP4" "$(entry_field "$MP4" object)" "$(id -un)" "$(id -u)" \
    <<'PY' || fail "clip.exported $N, MANIFEST, packets"
import base64, hashlib, json, os, sys
out = json.load(open(sys.argv[1]))
b, e, ins, seg, obj = sys.argv[2], json.loads(sys.argv[3]), sys.argv[4], \
    int(sys.argv[5]), sys.argv[6]
m = json.load(open(os.path.join(b, "MANIFEST.json")))
clip = open(os.path.join(b, "clips/%d.mp4" % seg), "rb").read()
digest = "sha256:" + hashlib.sha256(clip).hexdigest()
man = "sha256:" + hashlib.sha256(
    open(os.path.join(b, "MANIFEST.json"), "rb").read()).hexdigest()
assert e["type"] == "clip.exported" and e["inspection"] == ins, e
want = {"segment": seg, "object": obj, "clip": digest,
    "clip_size": len(clip), "asked_from": "12", "asked_to": "42",
    "manifest": man, "purpose": "复核 %s 违法行为片段" % ins,
    "by": sys.argv[7], "uid": int(sys.argv[8])}
for k, v in want.items():
    assert e[k] == v, (k, e.get(k), v)
for k in ("first", "count", "from_ms", "to_ms"):
    assert isinstance(e[k], int) and e[k] >= 0, (k, e)
assert 10000 <= e["from_ms"] <= 12000 and 41000 <= e["to_ms"] <= 43000, e
c = m["clip"]
assert c["segment"] == seg and c["path"] == "clips/%d.mp4" % seg, c
assert c["proof"] == "clips/%d.packets" % seg and c["object"] == obj, c
assert c["clip"] == digest and c["size"] == len(clip), c
for k in ("first", "count", "from_ms", "to_ms"):
    assert c[k] == e[k], (k, c, e)
assert (c["asked_from"], c["asked_to"]) == ("12", "42"), c
assert len(m["items"]) == 1, m["items"]
it = m["items"][0]
assert (it["path"], it["size"], it["object"]) == (c["path"], len(clip),
    obj), it
p = json.load(open(os.path.join(b, c["proof"])))
assert p["format"] == "custos-clip@1" and p["segment"] == seg, p.keys()
assert p["object"] == obj and p["packets"] == c["packets"], p["packets"]
assert (p["first"], p["count"]) == (c["first"], c["count"]), p
assert len(p["proofs"]) == p["count"], len(p["proofs"])
pos = sorted(x[0] for x in p["proofs"])
assert pos == list(range(p["first"], p["first"] + p["count"])), pos[:5]
for x in p["proofs"]:
    for h in x[1:]:
        assert len(base64.b64decode(h, validate=True)) == 32, x
assert out["logged_index"] == int(e["index"]) and out["clip"] == digest, out
PY

step "a clip of 12 s to 42 s of the MPEG-TS (segment $TS)"
exits ts 0 c export "$ID" --clip "$TS" --from 00:12 --to 0:00:42.000 \
    -o "$W/ct" --purpose 复核 $X
[ -f "$W/ct/clips/$TS.ts" ] && [ -f "$W/ct/clips/$TS.packets" ] ||
    fail "no clips/$TS.ts: $(ls -R "$W/ct")"
[ -e "$W/ct/media" ] && fail "a clip bundle with media/"
near "the TS clip's duration" 30000 "$(dur "$W/ct/clips/$TS.ts")" 2100
# The same clip as a tar: the same clip bytes inside.
exits tstar 0 c export "$ID" --clip "$TS" --from 12 --to 42 \
    -o "$W/ct.tar" --purpose 复核 $X
tar -xOf "$W/ct.tar" "clips/$TS.ts" | cmp -s - "$W/ct/clips/$TS.ts" ||
    fail "the tar's clips/$TS.ts differs from the directory's"

step "a clip in RFC 3339 times: the recording's start less the drift"
# The station's time of the recording's offsets 20 s and 50 s: the
# camera's start less its 90 s lead.  Without the correction these are
# before the recording's start, and refused.
T0=$(date -u -d "$START" +%s)
F=$(date -u -d "@$((T0 - DRIFT / 1000 + 20))" '+%Y-%m-%dT%H:%M:%SZ')
T=$(date -u -d "@$((T0 - DRIFT / 1000 + 50))" '+%Y-%m-%dT%H:%M:%SZ')
exits rfc 0 c export --clip "$MP4" --from "$F" --to "$T" -o "$W/cr" \
    --purpose 复核 $X --json
near "the RFC 3339 clip's duration" 30000 "$(dur "$W/cr/clips/$MP4.mp4")" 3100
FROM=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["asked_from_ms"])' "$W/rfc.out")
near "--from $F as an offset" 20000 "$FROM" 1500
N2=$(entries_where clip.exported asked_from "$F")
[ -n "$N2" ] || fail "no clip.exported asked from $F"

step "refusals leave nothing behind and log nothing"
SIZE0=$(tree_size)
mkdir "$W/out" || fail "mkdir"
refuse() {	# NAME EXIT WORDS ARGS...
	_rn=$1 _rx=$2 _rw=$3
	shift 3
	exits "$_rn" "$_rx" c export "$@" -o "$W/out/no" $X
	expect_in "$_rn: error" "$_rw" "$(cat "$W/$_rn.err")"
	[ -z "$(ls -A "$W/out")" ] || fail "$_rn: left $(ls -A "$W/out")"
	expect_eq "$_rn: nothing logged" "$SIZE0" "$(tree_size)"
}
refuse nopurpose 2 "purpose_required" --clip "$MP4" --from 1 --to 5
refuse unlinked 1 "rule clip_linked" --clip "$OLD" --from 1 --to 3 \
    --purpose 复核
refuse otherins 1 "rule clip_linked" INS-20990101-0001 --clip "$MP4" \
    --from 1 --to 3 --purpose 复核
refuse pastend 1 "past the end" --clip "$MP4" --from 75 --to 80 \
    --purpose 复核
refuse backwards 1 "is not after --from" --clip "$MP4" --from 30 --to 10 \
    --purpose 复核
refuse badtime 1 "neither an offset" --clip "$MP4" --from 1:75 --to 90 \
    --purpose 复核
mkdir "$W/no" || fail "mkdir"
exits exists 1 c export --clip "$MP4" --from 1 --to 5 -o "$W/no" \
    --purpose 复核 $X
[ -z "$(ls -A "$W/no")" ] || fail "exists: the output was written into"
expect_eq "exists: nothing logged" "$SIZE0" "$(tree_size)"
rmdir "$W/no"

step "custos audit lists the clip exports"
exits audit 0 c audit --json
python3 - "$W/audit.out" "$N" <<'PY' || fail "audit accesses"
import json, sys
a = json.load(open(sys.argv[1]))
x = [x for x in a["accesses"] if x["entry"] == int(sys.argv[2])]
assert x and x[0]["type"] == "clip.exported" and x[0]["what"] == "clip", x
PY

step "custos-verify proves the clip"
VK=$S/station.vkey
verify() {	# NAME WANT ARGS...
	_vn=$1 _vw=$2
	shift 2
	exits "$_vn" "$_vw" "$CUSTOS_VERIFY" bundle --key "$VK" \
	    --allow-untimestamped "$@"
}
verify vclip 0 --lang en "$B"
verify vts 0 --lang en "$W/ct"
verify vtstar 0 "$W/ct.tar"
# One byte inside a video packet near the middle of the clip, found with
# ffprobe (pos and size of the packet in the file), flipped in a copy.
cp -R "$B" "$W/bad" || fail "copy"
PT=$(ffprobe -v error -select_streams v -show_packets -of json \
    "$B/clips/$MP4.mp4" | python3 -c '
import json, sys
p = json.load(sys.stdin)["packets"][200]
at = int(p["pos"]) + int(p["size"]) // 2
with open(sys.argv[1], "r+b") as f:
    f.seek(at)
    b = f.read(1)
    f.seek(at)
    f.write(bytes([b[0] ^ 0xff]))
print("%.3f" % float(p["pts_time"]))' "$W/bad/clips/$MP4.mp4") ||
    fail "flip a byte of the 200th video packet"
verify vbad 1 --lang en "$W/bad"
expect_in "the flipped packet's time" "$PT" "$(cat "$W/vbad.out")"

if [ "$(id -u)" = 0 ] && id daemon >/dev/null 2>&1; then
	step "a user without the reviewer role is refused"
	stop_daemon
	printf '[roles]\noperator = daemon\n' >>"$CONF"
	start_daemon
	chmod 0711 "$W"
	chmod 0644 "$CONF"
	chmod 0666 "$W/control.sock"
	chmod -R a+rX "$S" || fail "chmod the state directory"
	install -d -o daemon "$W/op" || fail "the operator's directory"
	SIZE0=$(tree_size)
	out=$(runuser -u daemon -- "$CUSTOS" -c "$CONF" export --clip "$MP4" \
	    --from 12 --to 42 -o "$W/op/c" --purpose 复核 $X 2>&1)
	expect_eq "operator: exit status" 1 "$?"
	expect_in "operator: names the role" "needs the role reviewer" "$out"
	[ -z "$(ls -A "$W/op")" ] || fail "operator: left $(ls -A "$W/op")"
	expect_eq "operator: nothing logged" "$SIZE0" "$(tree_size)"
else
	echo "skip: the role refusal needs root and the user daemon"
fi
stop_daemon
echo "ok clip"
