#!/bin/sh
# bench_verify: verify an evidence bundle holding about 2 GiB of real
# footage and compare with sha256sum of the same media files, run in the
# same invocation on the same disk.  custos-verify does more than hash:
# it also demuxes every video and recomputes its packet Merkle root
# (docs/segment.md), checks every entry's inclusion proof and the chain;
# the target is a ratio of at most 1.5 against sha256sum alone.
#
# The bundle is made the way a station makes one: 8 H.264 files of
# BENCH_VERIFY_MIB MiB (default 256; 4 MP4, 4 MPEG-TS, each its own bytes)
# docked by the real custosd on a camera assigned to an officer of an
# open inspection, linked automatically, the inspection left and closed,
# then "custos export" to a directory.  Everything lives in the current
# directory (a scratch directory of bench/run.sh).
#
# Each timing starts with a cold page cache where the kernel lets us drop
# it, and is then repeated warm, so a reader sees both the disk-bound and
# the CPU-bound ratio.  Installed as build/bench/bench_verify.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
BENCH=bench_verify
. "$here/lib.sh"
CUSTOS_VERIFY=${CUSTOS_VERIFY:-$here/../custos-verify}
mib=${BENCH_VERIFY_MIB:-256}

echo "bench_verify: making 8 files of ${mib} MiB of H.264 video"
ffmpeg -nostdin -v error -y -f lavfi \
    -i "testsrc2=size=1280x720:rate=30,noise=alls=30:allf=t" \
    -c:v libx264 -preset ultrafast -b:v 80M -maxrate 80M -bufsize 160M \
    -fs $((mib * 1048576)) master.mp4 || die "ffmpeg master.mp4"
ffmpeg -nostdin -v error -y -i master.mp4 -c copy -f mpegts master.ts ||
    die "ffmpeg master.ts"
mkdir -p cam/CAM-B01/DCIM
for n in 1 2 3 4; do
	# A remux with another title gives each file its own bytes.
	ffmpeg -nostdin -v error -y -i master.mp4 -c copy \
	    -metadata title="bench$n" "cam/CAM-B01/DCIM/clip$n.mp4" ||
	    die "ffmpeg clip$n.mp4"
	ffmpeg -nostdin -v error -y -i master.ts -c copy \
	    -metadata title="bench$n" -f mpegts "cam/CAM-B01/DCIM/clip$n.ts" ||
	    die "ffmpeg clip$n.ts"
done
rm -f master.mp4 master.ts

echo "bench_verify: docking them into an inspection and exporting it"
mkdir dock
bench_conf "after_ingest = keep"
bench_start
id=$(bench_inspection CAM-B01)
# The files are made "recorded" inside the inspection by their times.
touch cam/CAM-B01/DCIM/*
mv cam/CAM-B01 dock/
bench_wait_session
linked=$(entries_like '{"type":"evidence.linked"')
[ "$linked" -eq 8 ] || die "$linked of 8 segments linked"
c inspection leave "$id" >/dev/null || die "leave"
c inspection close "$id" --result 未发现问题 >/dev/null || die "close"
c export "$id" -o bundle --purpose bench --allow-untimestamped >export.out 2>export.err ||
    die "export: $(cat export.err)"
kill -TERM $pid
wait $pid || die "custosd exit status $?"
pid=
cp state/station.vkey station.vkey
nmedia=$(ls bundle/media | wc -l)
total=$(du -sm bundle/media | cut -f1)
echo "bench_verify: bundle of ${total} MiB in ${nmedia} media files," \
    "$(ls bundle/entries | wc -l) entries"

# verify: custos-verify on the bundle; it must prove it.
verify() {
	"$CUSTOS_VERIFY" bundle --key station.vkey --allow-untimestamped \
	    bundle >verify.out 2>verify.err ||
	    die "custos-verify exit $?: $(tail -n 5 verify.out verify.err)"
}

drop_caches
t0=$(now); sha256sum bundle/media/* >/dev/null; t1=$(now)
sha_cold=$(elapsed "$t0" "$t1")
drop_caches
t0=$(now); verify; t1=$(now)
ver_cold=$(elapsed "$t0" "$t1")
t0=$(now); sha256sum bundle/media/* >/dev/null; t1=$(now)
sha_warm=$(elapsed "$t0" "$t1")
t0=$(now); verify; t1=$(now)
ver_warm=$(elapsed "$t0" "$t1")
# sha256sum (coreutils) does not use the CPU's SHA instructions where
# OpenSSL does; OpenSSL's own hashing of the same files shows how much of
# the difference is that.
t0=$(now); openssl dgst -sha256 bundle/media/* >/dev/null; t1=$(now)
ossl_warm=$(elapsed "$t0" "$t1")
rss=$( (command time -f %M "$CUSTOS_VERIFY" bundle --key station.vkey \
    --allow-untimestamped bundle >/dev/null) 2>&1 | tail -n 1)

ratio() { echo "scale=2; $1 / $2" | bc; }
echo "bench_verify: $(tail -n 1 verify.out)"
echo "bench_verify: page cache dropped before the first runs: $cold"
echo "bench_verify: sha256sum ${sha_cold}s first, ${sha_warm}s warm"
echo "bench_verify: custos-verify bundle ${ver_cold}s first, ${ver_warm}s warm"
echo "bench_verify: ratio $(ratio "$ver_cold" "$sha_cold") first run," \
    "$(ratio "$ver_warm" "$sha_warm") warm, against sha256sum of the" \
    "same ${total} MiB (target <= 1.5)"
echo "bench_verify: openssl dgst -sha256 ${ossl_warm}s warm (ratio" \
    "$(ratio "$ver_warm" "$ossl_warm") against it; for reference only)"
echo "bench_verify: custos-verify peak RSS $((rss / 1024)) MiB"
