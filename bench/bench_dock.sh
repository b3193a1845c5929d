#!/bin/sh
# bench_dock: dock 8 files of 256 MiB from 4 cameras (real H.264 video, 4
# in MP4 and 4 in MPEG-TS, so the media child demuxes and hashes every
# packet) and time custosd from the docking to the last dock.session
# entry.  In the same run, on the same disk, the baselines:
#   cp + sync                 the disk's limit for a copy
#   cp + sync + sha256sum     copy, then hash (how it is often done)
#   dcfldd hash=sha256        the forensic imagers' way
# Prints wall times, ratios against cp + sync, and custosd's peak RSS.
# Installed as build/bench/bench_dock; runs in the current directory.
# BENCH_DOCK_MIB sets the file size (default 256).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
BENCH=bench_dock
. "$here/lib.sh"
mib=${BENCH_DOCK_MIB:-256}

echo "bench_dock: making 8 files of ${mib} MiB of H.264 video"
ffmpeg -v error -y -f lavfi \
    -i "testsrc2=size=1280x720:rate=30,noise=alls=30:allf=t" \
    -c:v libx264 -preset ultrafast -b:v 80M -maxrate 80M -bufsize 160M \
    -fs $((mib * 1048576)) master.mp4
ffmpeg -v error -y -i master.mp4 -c copy -f mpegts master.ts
mkdir -p cams
for c in 1 2 3 4; do
	mkdir -p "cams/CAM000$c/DCIM"
	# A remux with another title gives each file its own bytes.
	ffmpeg -v error -y -i master.mp4 -c copy -metadata title="cam$c" \
	    "cams/CAM000$c/DCIM/clip$c.mp4"
	ffmpeg -v error -y -i master.ts -c copy -metadata title="cam$c" \
	    -f mpegts "cams/CAM000$c/DCIM/clip$c.ts"
done
rm -f master.mp4 master.ts
total=$(du -sm cams | cut -f1)
echo "bench_dock: ${total} MiB in 8 files on 4 cameras"

drop_caches
t0=$(now); cp -r cams copy1; sync; t1=$(now)
cp_sync=$(elapsed "$t0" "$t1"); rm -rf copy1

drop_caches
t0=$(now); cp -r cams copy2; sync; sha256sum copy2/*/DCIM/* >/dev/null
t1=$(now)
cp_sha=$(elapsed "$t0" "$t1"); rm -rf copy2

dcfldd_t=
if command -v dcfldd >/dev/null; then
	drop_caches
	mkdir copy3
	t0=$(now)
	for f in cams/*/DCIM/*; do
		dcfldd if="$f" of="copy3/$(basename "$f")" hash=sha256 \
		    bs=1M status=off >/dev/null 2>&1
	done
	sync
	t1=$(now)
	dcfldd_t=$(elapsed "$t0" "$t1"); rm -rf copy3
fi

mkdir dock
bench_conf
bench_start
drop_caches
t0=$(now)
mv cams/CAM0001 cams/CAM0002 cams/CAM0003 cams/CAM0004 dock/
sessions=0
while [ "$sessions" -lt 4 ]; do
	sleep 0.2
	kill -0 $pid 2>/dev/null || die "custosd died"
	[ "$(echo "$(now) - $t0 < 900" | bc)" = 1 ] ||
	    die "no 4 sessions in 900 s"
	sessions=$(sqlite3 -readonly state/log.db "select count(*) from \
	    entries where cast(data as text) like '{\"type\":\"dock.session\"%'")
done
t1=$(now)
custos_t=$(elapsed "$t0" "$t1")
rss=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")
sealed=$(sqlite3 -readonly state/log.db "select count(*) from entries \
    where cast(data as text) like '{\"type\":\"segment.sealed\"%' and \
    cast(data as text) like '%\"decodable\":true%'")
kill -TERM $pid
wait $pid

ratio() { echo "scale=2; $1 / $cp_sync" | bc; }
echo "bench_dock: cp+sync ${cp_sync}s"
echo "bench_dock: cp+sync+sha256sum ${cp_sha}s (ratio $(ratio "$cp_sha"))"
[ -n "$dcfldd_t" ] &&
    echo "bench_dock: dcfldd hash=sha256 ${dcfldd_t}s (ratio $(ratio "$dcfldd_t"))"
echo "bench_dock: custosd ${custos_t}s for 8 files, ${sealed} decodable segments (ratio $(ratio "$custos_t") against cp+sync; target <= 2)"
echo "bench_dock: custosd peak RSS $((rss / 1024)) MiB (target < 64 MiB, flat in file size)"
