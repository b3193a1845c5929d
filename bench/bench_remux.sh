#!/bin/sh
# bench_remux: the web console's remux of an MPEG-TS recording to
# fragmented MP4 (docs/console.md, "The player and proofs"), against
# "ffmpeg -c copy" of the same object with the same movflags, run in the
# same invocation on the same disk.  The recording: BENCH_REMUX_SECONDS
# (default 60) of 1080p30 H.264 (libx264 -preset ultrafast, a key frame
# every 2 s) with AAC, as MPEG-TS, docked by the real custosd.  Timed:
#   - web: the first GET /footage/N.mp4 with curl, to the last byte (the
#     sandboxed media child remuxes into the cache, fsyncs, then the
#     console sends the file);
#   - child: the remux child alone ("custosd --remux-child LIMIT" on the
#     stored object, fd 3 in, fd 4 out), as the console runs it;
#   - ffmpeg: ffmpeg -c copy -bsf:a aac_adtstoasc -movflags
#     frag_keyframe+empty_moov+default_base_moof, then sync of its output
#     (the console's copy is durable too).
# Prints each time, the ratio web/ffmpeg and child/ffmpeg, and the speed
# as × real time (recording seconds per second of remux); the target is
# at least 10× real time.  Each timing starts with a cold page cache
# where the kernel lets us drop it.  Installed as build/bench/bench_remux.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
BENCH=bench_remux
. "$here/lib.sh"
secs=${BENCH_REMUX_SECONDS:-60}
[ "${BENCH_QUICK:-0}" = 1 ] && secs=${BENCH_REMUX_SECONDS:-20}
flags=frag_keyframe+empty_moov+default_base_moof

echo "bench_remux: making ${secs} s of 1080p30 H.264 + AAC as MPEG-TS"
mkdir -p cam/CAM-R01/DCIM dock
ffmpeg -nostdin -v error -y -f lavfi \
    -i "testsrc2=size=1920x1080:rate=30" -f lavfi -i "sine=frequency=440" \
    -t "$secs" -c:v libx264 -preset ultrafast -g 60 -b:v 8000k \
    -c:a aac -b:a 96k -f mpegts cam/CAM-R01/DCIM/REC_0001.ts ||
    die "ffmpeg REC_0001.ts"

bench_conf "after_ingest = keep"
printf '[web]\nlisten = 127.0.0.1:0\n' >>custos.conf
bench_start
mv cam/CAM-R01 dock/
bench_wait_session
seg=$(sqlite3 -readonly state/log.db "select idx from entries where \
    cast(data as text) like '{\"type\":\"segment.sealed\"%' limit 1")
[ -n "$seg" ] || die "the recording was not sealed"
hex=$(sqlite3 -readonly state/log.db "select data from entries where \
    idx = $seg" | sed 's/.*"object":"sha256:\([0-9a-f]*\)".*/\1/')
obj=state/store/objects/$(echo "$hex" | cut -c1-2)/$(echo "$hex" | cut -c3-)
[ -f "$obj" ] || die "no object $obj"
url=$(c status --json | python3 -c '
import json, sys; print("http://" + json.load(sys.stdin)["web"]["listen"])')
size=$(du -m "$obj" | cut -f1)
echo "bench_remux: segment $seg, ${size} MiB, ${secs} s"

drop_caches
t0=$(now)
ffmpeg -nostdin -v error -y -i "$obj" -c copy -bsf:a aac_adtstoasc \
    -movflags "$flags" ffmpeg.mp4 || die "ffmpeg -c copy"
sync ffmpeg.mp4
t1=$(now)
t_ff=$(elapsed "$t0" "$t1")

drop_caches
t0=$(now)
code=$(curl -sS -o web.mp4 -w '%{http_code}' "$url/footage/$seg.mp4") ||
    die "curl"
t1=$(now)
[ "$code" = 200 ] || die "GET /footage/$seg.mp4: HTTP $code"
t_web=$(elapsed "$t0" "$t1")

drop_caches
t0=$(now)
"$CUSTOSD" --remux-child $((2 * $(stat -c %s "$obj") + 1048576)) \
    3<"$obj" 4>child.mp4 >child.answer || die "the remux child failed"
t1=$(now)
t_child=$(elapsed "$t0" "$t1")

kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || :
pid=

vp() {
	ffprobe -v error -count_packets -select_streams v \
	    -show_entries stream=nb_read_packets -of csv=p=0 "$1" | grep -m 1 .
}
want=$(vp "$obj")
for f in web.mp4 child.mp4 ffmpeg.mp4; do
	[ "$(vp "$f")" = "$want" ] || die "$f: $(vp "$f") video packets, not $want"
done
cmp -s web.mp4 child.mp4 || die "the console's MP4 and the child's differ"

x() { echo "scale=1; $secs / $1" | bc; }
r() { echo "scale=2; $1 / $t_ff" | bc; }
echo "bench_remux: cold cache: $cold; $want video packets in each output"
echo "bench_remux: ffmpeg -c copy + sync: ${t_ff} s ($(x "$t_ff")x real time)"
echo "bench_remux: console GET /footage/$seg.mp4 (first request): ${t_web} s" \
    "($(x "$t_web")x real time)"
echo "bench_remux: remux child alone: ${t_child} s ($(x "$t_child")x real time)"
echo "bench_remux: ratio console/ffmpeg $(r "$t_web"), child/ffmpeg" \
    "$(r "$t_child") (target: at least 10x real time)"
