#!/bin/sh
# bench_replica: custosd's replication of sealed objects to a local S3
# server (a single-node Ceph with radosgw, tests/tools/s3server.sh,
# docs/replication.md) against "curl --upload-file" of the same files to
# the same server in the same run.  The issue's target: a ratio of at
# most 1.3 for 8 files of 256 MiB.
#
# The files (BENCH_REPLICA_FILES, default 8, of BENCH_REPLICA_MIB MiB,
# default 256, random bytes) are docked and sealed by custosd with no
# [replica]; custosd is stopped, the config gets its [replica], and the
# time runs from the start of custosd until its status shows every object
# confirmed (custosd's start-up is counted against us).  The baseline is
# curl signing each file's SHA-256 (known beforehand, as custosd knows
# each object's address) as its payload hash, one file after another, so
# the server checks the bytes in both.  Each run starts with a cold page
# cache where the kernel lets us drop it.  Two configurations are timed:
# the defaults (objects up to multipart_threshold go in one PUT) and
# multipart_threshold = 64 MiB with 16 MiB parts (each part read, hashed
# and sent with its own signed hash).  Installed as
# build/bench/bench_replica; needs root (Ceph).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
BENCH=bench_replica
. "$here/lib.sh"
S3SERVER=${S3SERVER:-$here/s3server.sh}
n=${BENCH_REPLICA_FILES:-8}
mib=${BENCH_REPLICA_MIB:-256}

# The server holds its data in memory: room for one run's files.  Each
# run gets a fresh server (s3_fresh), so none is slowed by what an
# earlier one stored.
S3_MEMSTORE_BYTES=$(((n * mib + 1024) * 1048576))
export S3_MEMSTORE_BYTES
trap 'sh "$S3SERVER" down "$PWD/s3" >/dev/null 2>&1 || true' EXIT

# s3_fresh BUCKET: a new server with BUCKET; sets EP, AK and SK.
s3_fresh() {
	sh "$S3SERVER" down "$PWD/s3" >/dev/null 2>&1 || true
	rm -rf s3
	_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	sh "$S3SERVER" up "$PWD/s3" "$_port" >s3.env 2>s3.err ||
	    die "s3server.sh up: $(cat s3.err)"
	EP=$(sed -n 's/^S3_ENDPOINT=//p' s3.env)
	AK=$(sed -n 's/^ACCESS_KEY=//p' s3.env)
	SK=$(sed -n 's/^SECRET_KEY=//p' s3.env)
	printf 'access_key = %s\nsecret_key = %s\n' "$AK" "$SK" >s3.cred
	chmod 600 s3.cred
	s3 "$empty" -X PUT "$EP/$1" >/dev/null || die "create bucket $1"
}

# s3 SHA256 CURL-ARGS...: curl signing SHA256 as the payload hash.
s3() {
	_h=$1
	shift
	curl -sS -f --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AK:$SK" \
	    -H "x-amz-content-sha256: $_h" "$@"
}
empty=$(printf '' | sha256sum | cut -c1-64)

echo "bench_replica: $n files of $mib MiB of random bytes"
mkdir -p files
i=1
while [ $i -le "$n" ]; do
	head -c $((mib * 1048576)) /dev/urandom >"files/REC_$i.bin"
	i=$((i + 1))
done
(cd files && sha256sum REC_*.bin) >files.sha256

s3_fresh baseline
drop_caches
t0=$(now)
while read -r h f; do
	s3 "$h" -o /dev/null -T "files/$f" "$EP/baseline/$f" ||
	    die "curl upload of $f"
done <files.sha256
t1=$(now)
tb=$(elapsed "$t0" "$t1")
echo "bench_replica: curl --upload-file, one after another: $tb s"

# confirmed: custosd's status shows every object confirmed.
confirmed() {
	c status --json 2>/dev/null | python3 -c '
import json, sys
r = json.load(sys.stdin).get("replica") or {}
sys.exit(0 if r.get("behind") == 0 and r.get("confirmed") == int(sys.argv[1])
         else 1)' "$n" 2>/dev/null
}

# run BUCKET [LINES]: a fresh station seals the files, then replicates
# them to BUCKET (on a fresh server) with LINES added to [replica]; the
# seconds go to run.time.
run() {
	rm -rf state dock custosd.err
	mkdir -p dock/prep
	bench_conf
	bench_start
	mkdir -p dock/prep/CAM-R01/DCIM
	cp files/REC_*.bin dock/prep/CAM-R01/DCIM/
	mv dock/prep/CAM-R01 dock/CAM-R01
	until [ "$(entries_like '{"type":"segment.sealed"')" -ge "$n" ]; do
		kill -0 "$pid" 2>/dev/null || die "custosd exited"
		sleep 0.2
	done
	kill -TERM "$pid" && wait "$pid" || die "custosd did not stop"
	pid=
	s3_fresh "$1"
	printf '[replica]\nendpoint = %s\nbucket = %s\ncredentials = %s\n%s' \
	    "$EP" "$1" "$PWD/s3.cred" "${2:-}" >>custos.conf
	drop_caches
	_t0=$(now)
	bench_start
	until confirmed; do
		kill -0 "$pid" 2>/dev/null || die "custosd exited"
		sleep 0.1
	done
	_t1=$(now)
	kill -TERM "$pid" && wait "$pid" || die "custosd did not stop"
	pid=
	elapsed "$_t0" "$_t1" >run.time
}

run ours
to=$(cat run.time)
echo "bench_replica: custosd, default [replica] (objects up to 1 GiB in one PUT): $to s"
run multipart "multipart_threshold = 64 MiB
part_size = 16 MiB
"
tm=$(cat run.time)
echo "bench_replica: custosd, multipart_threshold = 64 MiB, part_size = 16 MiB: $tm s"
echo "bench_replica: $n x $mib MiB replicated: ratio $(echo "scale=2; $to / $tb" | bc) to curl --upload-file (default config), $(echo "scale=2; $tm / $tb" | bc) in parts (target: at most 1.3; cold=$cold)"

# The restore of the last station (custos restore --from-replica) against
# downloading its objects with curl (and a sync: the restore fsyncs what it
# stores), from the same bucket.
published() {
	c status --json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if (d.get("publish") or {}).get("published_size") ==
         d["checkpoint_size"] > 0 else 1)' 2>/dev/null
}
bench_start
until published; do
	kill -0 "$pid" 2>/dev/null || die "custosd exited"
	sleep 0.2
done
kill -TERM "$pid" && wait "$pid" || die "custosd did not stop"
pid=
cp state/station.key station.key
rm -rf state dl
mkdir dl
drop_caches
t0=$(now)
while read -r h f; do
	s3 "$empty" -o "dl/$f" \
	    "$EP/multipart/bench.example/station/object/sha256/$h" ||
	    die "curl download of $f"
done <files.sha256
sync
t1=$(now)
td=$(elapsed "$t0" "$t1")
rm -rf dl
echo "bench_replica: curl download of the $n objects (and sync): $td s"
drop_caches
t0=$(now)
c restore --from-replica --key station.key >restore.out 2>restore.err ||
    die "restore: $(cat restore.err)"
t1=$(now)
tr=$(elapsed "$t0" "$t1")
echo "bench_replica: custos restore --from-replica of the station ($n x $mib MiB): $tr s, ratio $(echo "scale=2; $tr / $td" | bc) to the download"

