#!/bin/sh
# The media child, end to end: the real custosd -P runs under its sandbox
# on media made here with ffmpeg, driven through probe_start() by
# build/tests/probe-run; packet roots are recomputed independently from
# ffprobe's packet dump (tests/tools/packet_root.py); fake children show
# how the parent handles a crash, a hang and a malformed answer; and a
# sandbox self-test shows what the seccomp filter kills.
set -u
: "${CUSTOSD:?set CUSTOSD to the custosd binary}"
top=$(cd "$(dirname "$0")/../.." && pwd)
RUN="${CUSTOS_BUILD:-$(dirname "$CUSTOSD")}/tests/probe-run"
ROOTPY="$top/tests/tools/packet_root.py"
W=$(mktemp -d "${TMPDIR:-/tmp}/probe.XXXXXX")
WRITER=

fail() {
	echo "FAIL: $*"
	[ -n "$WRITER" ] && kill "$WRITER" 2>/dev/null
	exit 1
}

step() {
	echo "== $*"
}

for tool in ffmpeg ffprobe python3; do
	command -v "$tool" >/dev/null 2>&1 ||
	    fail "$tool is needed to make and check the test media"
done
[ -x "$RUN" ] || fail "no $RUN (make build/tests/probe-run)"

# field JSON NAME: a top-level field; streams as kind/codec[/WxH] list.
field() {
	printf '%s\n' "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
k = sys.argv[1]
if k == "streams":
    print(" ".join("%s/%s%s" % (s["kind"], s["codec"],
        "/%dx%d" % (s["width"], s["height"]) if "width" in s else "")
        for s in d["streams"]))
else:
    print(d[k])' "$2"
}

expect_eq() {	# WHAT EXPECTED FOUND
	[ "$2" = "$3" ] || fail "$1: expected [$2], found [$3]"
	echo "ok: $1 = $3"
}

expect_in() {	# WHAT NEEDLE HAYSTACK
	case "$3" in
	*"$2"*) echo "ok: $1 contains [$2]" ;;
	*) fail "$1: expected to contain [$2], found [$3]" ;;
	esac
}

expect_near() {	# WHAT EXPECTED TOLERANCE FOUND
	[ "$4" -ge $(($2 - $3)) ] && [ "$4" -le $(($2 + $3)) ] ||
	    fail "$1: expected $2 +- $3, found $4"
	echo "ok: $1 = $4 (expected $2 +- $3)"
}

probe() {	# FILE [ALG]: through the real, sandboxed child
	"$RUN" -t 20000 "$CUSTOSD" "$@" || fail "probe-run $* exited $?"
}

# probe_ok LABEL FILE: probes FILE into j, which must say status ok.
probe_ok() {
	j=$(probe "$2")
	echo "$j"
	expect_eq "$1 status" ok "$(field "$j" status)"
}

iso_ms() {
	python3 -c 'import calendar, sys, time
print(calendar.timegm(time.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%SZ")) * 1000)' "$1"
}

# check_root FILE JSON: packet_root and packets as ffprobe's dump gives.
check_root() {
	indep=$(python3 "$ROOTPY" "$1") || fail "packet_root.py $1"
	expect_eq "$(basename "$1") packet_root (independent, from ffprobe)" \
	    "$indep" "packet_root=$(field "$2" packet_root) packets=$(field "$2" packets)"
}

step "making test media with ffmpeg"
F="ffmpeg -hide_banner -loglevel error -nostdin -y"
if ffmpeg -hide_banner -encoders 2>/dev/null | grep -q libx264; then
	VC=libx264 VNAME=h264
else
	echo "note: no libx264 in this ffmpeg; using mpeg4"
	VC=mpeg4 VNAME=mpeg4
fi
T1=2026-11-26T01:02:03Z
T2=2026-01-02T03:04:05Z
$F -f lavfi -i testsrc=duration=3:size=320x240:rate=25 \
    -f lavfi -i sine=duration=3 -c:v $VC -c:a aac \
    -metadata creation_time=$T1 "$W/cam.mp4" || fail "ffmpeg mp4"
$F -i "$W/cam.mp4" -c copy -movflags +faststart "$W/fast.mp4" ||
    fail "ffmpeg faststart mp4"
$F -f lavfi -i testsrc=duration=3:size=320x240:rate=25 \
    -f lavfi -i sine=duration=3 -c:v $VC -c:a aac -f mpegts "$W/cam.ts" ||
    fail "ffmpeg ts"
$F -f lavfi -i testsrc=duration=2:size=640x480:rate=30 \
    -f lavfi -i sine=duration=2 -c:v $VC -c:a aac \
    -metadata creation_time=$T2 "$W/cam.mov" || fail "ffmpeg mov"
$F -f lavfi -i testsrc=size=320x240 -frames:v 1 "$W/still.jpg" ||
    fail "ffmpeg jpg"
$F -f lavfi -i sine=duration=2 -c:a pcm_s16le "$W/voice.wav" ||
    fail "ffmpeg wav"
size=$(wc -c <"$W/cam.mp4")
head -c $((size / 2)) "$W/cam.mp4" >"$W/cut.mp4"
size=$(wc -c <"$W/fast.mp4")
head -c $((size * 3 / 4)) "$W/fast.mp4" >"$W/cutfast.mp4"
. "$top/tests/e2e/footage.sh"
noise "$W/RANDOM.MP4" 200000 probe-random || fail "noise"
: >"$W/empty.mp4"
ls -l "$W"

step "mp4 (H.264 + AAC, creation_time $T1)"
probe_ok "mp4" "$W/cam.mp4"
expect_eq "mp4 container" "mov,mp4,m4a,3gp,3g2,mj2" "$(field "$j" container)"
expect_eq "mp4 streams" "video/$VNAME/320x240 audio/aac" "$(field "$j" streams)"
expect_near "mp4 duration_ms" 3000 100 "$(field "$j" duration_ms)"
expect_eq "mp4 start_ms" "$(iso_ms $T1)" "$(field "$j" start_ms)"
check_root "$W/cam.mp4" "$j"
expect_eq "mp4: sandboxed child and in-process core agree" \
    "$("$RUN" -D "$W/cam.mp4")" "$j"

step "the same mp4 with SM3"
s=$(probe "$W/cam.mp4" sm3)
expect_eq "sm3 status" ok "$(field "$s" status)"
expect_in "sm3 packet_root" "sm3:" "$(field "$s" packet_root)"
expect_eq "sm3 packets" "$(field "$j" packets)" "$(field "$s" packets)"
[ "$(field "$s" packet_root | cut -d: -f2)" != \
    "$(field "$j" packet_root | cut -d: -f2)" ] ||
    fail "sm3 and sha256 roots are the same"

step "faststart mp4 gives the same packets as the plain one"
f=$(probe "$W/fast.mp4")
expect_eq "faststart status" ok "$(field "$f" status)"
expect_eq "faststart packet_root" "$(field "$j" packet_root)" \
    "$(field "$f" packet_root)"

step "MPEG-TS"
probe_ok "ts" "$W/cam.ts"
expect_eq "ts container" mpegts "$(field "$j" container)"
expect_eq "ts streams" "video/$VNAME/320x240 audio/aac" "$(field "$j" streams)"
expect_near "ts duration_ms" 3000 150 "$(field "$j" duration_ms)"
expect_eq "ts start_ms (no creation_time in TS)" -1 "$(field "$j" start_ms)"
check_root "$W/cam.ts" "$j"

step "MOV"
probe_ok "mov" "$W/cam.mov"
expect_eq "mov streams" "video/$VNAME/640x480 audio/aac" "$(field "$j" streams)"
expect_near "mov duration_ms" 2000 100 "$(field "$j" duration_ms)"
expect_eq "mov start_ms" "$(iso_ms $T2)" "$(field "$j" start_ms)"
check_root "$W/cam.mov" "$j"

step "JPEG"
probe_ok "jpg" "$W/still.jpg"
expect_eq "jpg container" jpeg_pipe "$(field "$j" container)"
expect_eq "jpg streams" "video/mjpeg/320x240" "$(field "$j" streams)"
expect_eq "jpg packets" 1 "$(field "$j" packets)"
check_root "$W/still.jpg" "$j"

step "WAV"
probe_ok "wav" "$W/voice.wav"
expect_eq "wav container" wav "$(field "$j" container)"
expect_eq "wav streams" "audio/pcm_s16le" "$(field "$j" streams)"
expect_near "wav duration_ms" 2000 50 "$(field "$j" duration_ms)"
check_root "$W/voice.wav" "$j"

step "truncated mp4 (index at the end, cut off)"
j=$(probe "$W/cut.mp4")
echo "$j"
expect_eq "cut mp4 status" damaged "$(field "$j" status)"
expect_eq "cut mp4 container" "mov,mp4,m4a,3gp,3g2,mj2" "$(field "$j" container)"
expect_in "cut mp4 error" "moov atom not found" "$(field "$j" error)"

step "truncated faststart mp4 (index complete, packets missing)"
j=$(probe "$W/cutfast.mp4")
echo "$j"
expect_eq "cut faststart status" damaged "$(field "$j" status)"
expect_in "cut faststart error" "truncated: stream" "$(field "$j" error)"
[ "$(field "$j" packets)" -gt 0 ] || fail "cut faststart: no packets read"

step "random bytes named .MP4"
j=$(probe "$W/RANDOM.MP4")
echo "$j"
expect_eq "random status" not_media "$(field "$j" status)"
expect_eq "random packets" 0 "$(field "$j" packets)"

step "empty file"
j=$(probe "$W/empty.mp4")
echo "$j"
expect_eq "empty status" not_media "$(field "$j" status)"
expect_eq "empty error" "empty file" "$(field "$j" error)"
expect_eq "empty packet_root is H(\"\")" \
    sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 \
    "$(field "$j" packet_root)"

step "a child that hangs: a FIFO whose writer never writes, 1 s timeout"
mkfifo "$W/hang.mp4"
sleep 60 >"$W/hang.mp4" &
WRITER=$!
t0=$(date +%s)
j=$("$RUN" -t 1000 "$CUSTOSD" "$W/hang.mp4") || fail "probe-run on FIFO"
t1=$(date +%s)
kill "$WRITER" 2>/dev/null
wait "$WRITER" 2>/dev/null
WRITER=
echo "$j"
expect_eq "hang status" timeout "$(field "$j" status)"
expect_in "hang error" "1000 ms" "$(field "$j" error)"
[ $((t1 - t0)) -le 5 ] || fail "timeout took $((t1 - t0)) s"

step "fake children: what the parent makes of crashes and bad answers"
HEAD=$(command -v head)
cat >"$W/segv" <<EOF
#!/bin/sh
kill -SEGV \$\$
EOF
cat >"$W/exit3" <<EOF
#!/bin/sh
exit 3
EOF
cat >"$W/garbage" <<EOF
#!/bin/sh
printf garbage
EOF
size=$("$RUN" -z | sed -n 1p)
cat >"$W/zeros" <<EOF
#!/bin/sh
exec $HEAD -c $size /dev/zero
EOF
cat >"$W/flood" <<EOF
#!/bin/sh
exec $HEAD -c 1000000 /dev/zero
EOF
chmod +x "$W/segv" "$W/exit3" "$W/garbage" "$W/zeros" "$W/flood"
# Child, what the checks call it, the status, and the error: equal to
# (eq) or containing (in) the text.
while IFS='|' read -r child label status how error <&3; do
	j=$("$RUN" "$W/$child" "$W/cam.mp4")
	echo "$j"
	expect_eq "$label status" "$status" "$(field "$j" status)"
	"expect_$how" "$label error" "$error" "$(field "$j" error)"
done 3<<EOF
segv|segv|crashed|in|signal 11
exit3|exit 3|crashed|in|exited with status 3
garbage|garbage|failed|in|malformed answer: a bad record within 7 bytes
zeros|$size zero bytes|failed|in|malformed answer: a bad record
flood|flood|failed|in|malformed answer: a bad record
EOF
"$RUN" "$W/no-such-custosd" "$W/cam.mp4" >"$W/nostart.out" 2>&1
st=$?
expect_eq "missing child executable: probe-run exit (probe_start error)" 2 "$st"

step "fake children with well-formed answers: the parent's checks"
PY=$(command -v python3)
# The leaves child's answer (lib/media/clip.c): 5 packet records, then the
# result record, a struct probe_result (x86-64 layout) behind its tag; the
# mode file says which flaw to put in.
cat >"$W/answer" <<EOF
#!$PY
import struct, sys
mode = open("$W/answer.mode").read().strip()
container = b"mp4\\xff\\x01"
codec = b"h\\xc3\\xa9264"
nstreams = 1
if mode == "nonul":
    container = b"A" * 48
if mode == "nstreams":
    nstreams = 9
streams = struct.pack("<16s48sII", b"video", codec, 320, 240)
streams += b"\\0" * (72 * 7)
r = struct.pack("<IIiI48s", 0x43505231, 824, 0, nstreams, container)
r += streams
r += struct.pack("<qqQ32s128s", 3000, -1, 5, b"\\x11" * 32, b"bad\\x1b[31m")
assert len(r) == 824
leaf = struct.pack("<IIIIq32s", 0x43504c31, 0, 1, 0, 0, b"\\x22" * 32)
if mode == "short":
    r = r[:800]
sys.stdout.buffer.write(leaf * 5 + struct.pack("<II", 0x43505231, 0) + r)
EOF
chmod +x "$W/answer"
[ "$size" = 824 ] || fail "struct probe_result is $size bytes; update the fake answer"
# The fake answer with the flaw $1 put in, as j.
answer() {
	echo "$1" >"$W/answer.mode"
	j=$("$RUN" "$W/answer" "$W/cam.mp4")
}
answer sanitize
echo "$j"
expect_eq "sanitised answer status" ok "$(field "$j" status)"
expect_eq "container: bytes not UTF-8 or control become ?" "mp4??" \
    "$(field "$j" container)"
expect_eq "codec: valid UTF-8 is kept" '"h\u00e9264"' \
    "$(printf '%s\n' "$j" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["streams"][0]["codec"]))')"
expect_eq "error: ESC becomes ?" "bad?[31m" "$(field "$j" error)"
answer nonul
expect_eq "container without NUL: status" failed "$(field "$j" status)"
answer nstreams
expect_eq "9 streams: status" failed "$(field "$j" status)"
answer short
expect_eq "cut-short result: status" failed "$(field "$j" status)"
expect_in "cut-short result: error" "no whole result" "$(field "$j" error)"

step "sandbox self-test (seccomp kills with SIGSYS = 31)"
"$RUN" -z | sed -n 2p
r=$("$RUN" -S allowed "$W/cam.mp4")
expect_eq "allowed: pread, lseek, malloc, answer on a pipe" \
    "allowed: exit 0 answer ok" "$r"
r=$("$RUN" -S open "$W/cam.mp4")
expect_eq "open(/etc/passwd) fails with EACCES" "open: exit 20" "$r"
for a in socket fork execve write-other-fd read-stdin mmap-exec kill getpid
do
	r=$("$RUN" -S $a "$W/cam.mp4")
	expect_eq "$a is killed" "$a: signal 31" "$r"
done

rm -rf "$W"
echo "probe: ok"
