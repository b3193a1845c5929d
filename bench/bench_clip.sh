#!/bin/sh
# bench_clip: a 30 s clip of a sealed recording of about 1 GiB
# ("custos export --clip", docs/bundle.md "Clips") exported and verified,
# against "ffmpeg -ss A -to B -i ORIGINAL -c copy" of the same span, run
# in the same invocation on the same disk, timed with and without a
# following "sync" of its output (the export fsyncs what it writes, so the
# fair baseline makes its copy durable too).  The clip export does more
# than cut: it reads the packet leaves the station kept when it sealed
# the recording (checking their root against the entry), cuts in a
# sandboxed child that seeks to the range, checks every packet against
# those leaves and the clip it wrote against them (sending the clip's
# leaves back), proves each packet and writes and logs a bundle; custos-verify then
# demuxes the clip and checks every packet's proof.  The target is a
# ratio of at most 2 for export and verify together.
#
# The recording is a realistic one: an H.264 + AAC MP4 at about 4.5 Mbit/s
# (a station receives about 2 GB per camera-hour), BENCH_CLIP_MIB MiB
# (default 1024, about 30 minutes): 60 s encoded with libx264 -preset
# ultrafast and looped with -c copy, docked by the real custosd on
# a camera of an open inspection and linked automatically; the clip is
# the 30 s in its middle.
# Everything lives in the current directory (a scratch directory of
# bench/run.sh).  Each timing starts with a cold page cache where the
# kernel lets us drop it, and is then repeated warm.  Installed as
# build/bench/bench_clip.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
BENCH=bench_clip
. "$here/lib.sh"
CUSTOS_VERIFY=${CUSTOS_VERIFY:-$here/../custos-verify}
mib=${BENCH_CLIP_MIB:-1024}

echo "bench_clip: making a ${mib} MiB H.264 + AAC MP4 (key frame every 2 s)"
ffmpeg -nostdin -v error -y -f lavfi \
    -i "testsrc2=size=1280x720:rate=30,noise=alls=20:allf=t" \
    -f lavfi -i "sine=frequency=440" -t 60 \
    -c:v libx264 -preset ultrafast -g 60 -b:v 4400k -maxrate 4400k \
    -bufsize 8800k -c:a aac -b:a 96k master.mp4 || die "ffmpeg master.mp4"
mkdir -p cam/CAM-C01/DCIM
ffmpeg -nostdin -v error -y -stream_loop -1 -i master.mp4 -c copy \
    -fs $((mib * 1048576)) cam/CAM-C01/DCIM/REC_0001.mp4 ||
    die "ffmpeg REC_0001.mp4"
rm -f master.mp4
orig=$PWD/cam/CAM-C01/DCIM/REC_0001.mp4
dur=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$orig")
from=$(echo "$dur / 2 - 15" | bc)
to=$((from + 30))

echo "bench_clip: docking it into an inspection"
mkdir dock
bench_conf "after_ingest = keep"
bench_start
id=$(bench_inspection CAM-C01)
# Recorded (its file time) after the entering, in a later whole second
# (bench_inspection waits for it): linked automatically.
touch cam/CAM-C01/DCIM/REC_0001.mp4
mv cam/CAM-C01 dock/
orig=$PWD/dock/CAM-C01/DCIM/REC_0001.mp4
bench_wait_session
[ "$(entries_like '{"type":"evidence.linked"')" -eq 1 ] ||
    die "the recording was not linked"
seg=$(sqlite3 -readonly state/log.db "select idx from entries where \
    cast(data as text) like '{\"type\":\"segment.sealed\"%' limit 1")
size=$(du -m "$orig" | cut -f1)
echo "bench_clip: segment $seg, ${size} MiB, ${dur} s; clip ${from} s to ${to} s"

n=0
# clip: custos export --clip into clipN (a new output each time).
clip() {
	n=$((n + 1))
	c export --clip "$seg" --from "$from" --to "$to" -o "clip$n" \
	    --purpose bench --allow-untimestamped --wait 0 >clip.out \
	    2>clip.err || die "export --clip: $(cat clip.err)"
}
verify() {
	"$CUSTOS_VERIFY" bundle --lang en --key state/station.vkey \
	    --allow-untimestamped "clip$n" >verify.out 2>verify.err ||
	    die "custos-verify exit $?: $(tail -n 5 verify.out verify.err)"
}
ffcut() {
	rm -f cut.mp4
	ffmpeg -nostdin -v error -y -ss "$from" -to "$to" -i "$orig" -c copy \
	    cut.mp4 || die "ffmpeg -ss -to -c copy"
}
ffsync() { sync cut.mp4 || die "sync cut.mp4"; }

drop_caches
t0=$(now); ffcut; t1=$(now); ffsync; t2=$(now)
ff_cold=$(elapsed "$t0" "$t1")
ffs_cold=$(elapsed "$t0" "$t2")
drop_caches
t0=$(now); clip; t1=$(now); verify; t2=$(now)
ex_cold=$(elapsed "$t0" "$t1")
ve_cold=$(elapsed "$t1" "$t2")
t0=$(now); ffcut; t1=$(now); ffsync; t2=$(now)
ff_warm=$(elapsed "$t0" "$t1")
ffs_warm=$(elapsed "$t0" "$t2")
t0=$(now); clip; t1=$(now); verify; t2=$(now)
ex_warm=$(elapsed "$t0" "$t1")
ve_warm=$(elapsed "$t1" "$t2")
# Where the export's time goes, warm: demuxing the whole original for
# its leaves (ffmpeg's own demuxer reading every packet: -c copy -f null)
# and hashing its bytes once.
t0=$(now)
ffmpeg -nostdin -v error -i "$orig" -map 0 -c copy -f null - ||
    die "ffmpeg -f null"
t1=$(now)
openssl dgst -sha256 "$orig" >/dev/null
t2=$(now)
demux=$(elapsed "$t0" "$t1")
hash=$(elapsed "$t1" "$t2")
kill -TERM $pid
wait $pid || die "custosd exit status $?"
pid=

ratio() { echo "scale=2; $1 / $2" | bc; }
echo "bench_clip: $(grep '^packets:' clip.out)"
echo "bench_clip: clip $(du -m "clip$n/clips" | cut -f1) MiB," \
    "ffmpeg's cut $(du -m cut.mp4 | cut -f1) MiB"
echo "bench_clip: $(tail -n 1 verify.out | cut -c1-160)"
echo "bench_clip: page cache dropped before the first runs: $cold"
echo "bench_clip: ffmpeg -ss -to -c copy ${ff_cold}s first, ${ff_warm}s warm;" \
    "with sync ${ffs_cold}s first, ${ffs_warm}s warm"
echo "bench_clip: custos export --clip ${ex_cold}s first, ${ex_warm}s warm"
echo "bench_clip: custos-verify of the clip bundle ${ve_cold}s first," \
    "${ve_warm}s warm"
exv_cold=$(echo "$ex_cold + $ve_cold" | bc)
exv_warm=$(echo "$ex_warm + $ve_warm" | bc)
echo "bench_clip: against ffmpeg + sync: export ratio" \
    "$(ratio "$ex_cold" "$ffs_cold") first, $(ratio "$ex_warm" "$ffs_warm")" \
    "warm; export + verify ratio $(ratio "$exv_cold" "$ffs_cold") first," \
    "$(ratio "$exv_warm" "$ffs_warm") warm (target <= 2)"
echo "bench_clip: against ffmpeg without sync: export ratio" \
    "$(ratio "$ex_cold" "$ff_cold") first, $(ratio "$ex_warm" "$ff_warm")" \
    "warm; export + verify ratio $(ratio "$exv_cold" "$ff_cold") first," \
    "$(ratio "$exv_warm" "$ff_warm") warm"
echo "bench_clip: for reference, warm: ffmpeg demuxing the whole original" \
    "${demux}s, openssl sha256 of it ${hash}s"
