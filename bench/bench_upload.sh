#!/bin/sh
# bench_upload: 4 parallel curl uploads of 512 MiB over loopback TLS 1.3
# with client certificates, timed from the first byte to the last "201"
# (so the time includes the seal pipeline: commit, re-read and match,
# probe, entry), against the baseline run in the same place on the same
# files: 4 parallel sha256sum, the hashing the station cannot avoid.
# Prints both wall times and their ratio (target <= 1.5); then 50
# parallel uploads of 16 MiB and custosd's peak RSS (VmHWM; target: flat,
# under 128 MiB).  Installed as build/bench/bench_upload; runs in the
# current directory.  BENCH_UPLOAD_MIB sets the size of the 4 files.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
BENCH=bench_upload
. "$here/lib.sh"
MKCERTS=${MKCERTS:-}
for m in "$here/../../tests/tools/mkcerts.sh" "$here/../tests/tools/mkcerts.sh"; do
	[ -z "$MKCERTS" ] && [ -f "$m" ] && MKCERTS=$m
done
[ -n "$MKCERTS" ] || { echo "bench_upload: no mkcerts.sh" >&2; exit 1; }
mib=${BENCH_UPLOAD_MIB:-512}
w=$(pwd)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

sh "$MKCERTS" "$w/pki" CAM0001 >/dev/null 2>&1
bench_conf
cat >>"$w/custos.conf" <<EOF
[upload]
listen = 127.0.0.1:$port
cert = pki/server.pem
key = pki/server.key
client_ca = pki/ca.pem
EOF
bench_start
trap 'kill $pid 2>/dev/null' EXIT
"$CUSTOS" -c "$w/custos.conf" camera add CAM0001 --kind body >/dev/null

# upload FILE...: parallel curl PUTs; fails unless every answer is 2xx.
upload() {
	pids=
	for f in "$@"; do
		curl -sS --cacert "$w/pki/ca.pem" --cert "$w/pki/CAM0001.pem" \
		    --key "$w/pki/CAM0001.key" -T "$f" -o /dev/null \
		    -w '%{http_code}\n' \
		    "https://127.0.0.1:$port/v1/cameras/CAM0001/files/${f##*/}" \
		    >"$f.code" &
		pids="$pids $!"
	done
	for p in $pids; do
		wait "$p"
	done
	for f in "$@"; do
		case $(cat "$f.code") in
		2*) ;;
		*) echo "bench_upload: $f: HTTP $(cat "$f.code")" >&2
		   exit 1 ;;
		esac
	done
}
hwm() {
	sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/$pid/status
}

echo "bench_upload: making 4 files of $mib MiB"
mkdir -p big
for i in 1 2 3 4; do
	head -c $((mib * 1048576)) /dev/urandom >"big/f$i.bin"
done

t0=$(now)
pids=
for i in 1 2 3 4; do
	sha256sum "big/f$i.bin" >/dev/null &
	pids="$pids $!"
done
# Not a bare "wait": custosd is a child too.
for p in $pids; do
	wait "$p"
done
t1=$(now)
sha=$(elapsed "$t0" "$t1")

# When the last body byte has arrived (before the commit's fsync and the
# re-read from the disk), from the daemon's byte count.
received() {
	want=$1
	until [ "$("$CUSTOS" -c "$w/custos.conf" status --json |
	    python3 -c 'import json,sys; print(json.load(sys.stdin)["upload"]["bytes"])')" -ge "$want" ]; do
		sleep 0.05
	done
	now >"$w/received"
}
b0=$("$CUSTOS" -c "$w/custos.conf" status --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["upload"]["bytes"])')
t0=$(now)
received $((b0 + 4 * mib * 1048576)) &
rpid=$!
upload big/f1.bin big/f2.bin big/f3.bin big/f4.bin
t1=$(now)
wait $rpid
up=$(elapsed "$t0" "$t1")
recv=$(elapsed "$t0" "$(cat "$w/received")")
rm -rf big

printf 'bench_upload: 4 x %d MiB: sha256sum (4 parallel) %.2fs\n' "$mib" "$sha"
printf 'bench_upload: 4 x %d MiB: curl upload over TLS, sealed %.2fs (%.0f MiB/s)\n' \
    "$mib" "$up" "$(echo "4 * $mib / $up" | bc -l)"
printf 'bench_upload: 4 x %d MiB: all bytes received (TLS, hashed, written) %.2fs\n' \
    "$mib" "$recv"
printf 'bench_upload: ratio upload/sha256sum %.2f (target <= 1.5)\n' \
    "$(echo "$up / $sha" | bc -l)"
printf 'bench_upload: ratio received/sha256sum %.2f (the rest is fsync and the re-read from the disk)\n' \
    "$(echo "$recv / $sha" | bc -l)"
echo "bench_upload: custosd VmHWM after 4 x $mib MiB: $(( $(hwm) / 1024 )) MiB"

mkdir -p many
head -c 16777216 /dev/urandom >many/base
for i in $(seq 1 50); do
	{ printf '%04d\n' "$i"; cat many/base; } >"many/m$i.bin"
done
rm many/base
t0=$(now)
upload many/m*.bin
t1=$(now)
printf 'bench_upload: 50 x 16 MiB in parallel: %.2fs\n' "$(elapsed "$t0" "$t1")"
echo "bench_upload: custosd VmHWM after 50 parallel uploads: $(( $(hwm) / 1024 )) MiB (target: under 128 MiB)"
kill -TERM $pid
wait $pid || true
trap - EXIT
