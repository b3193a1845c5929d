# Load: 50 curl uploads at once over loopback TLS, 8 MiB each, 400 MiB in
# all.  Every one answers 201 with its own entry, the log holds 50 new
# segment entries whose objects are the files' sha256sum, and the
# daemon's peak resident memory (VmHWM) stays under 128 MiB: the bodies
# stream through a fixed buffer per connection.
. "$(dirname "$0")/lib.sh"
# The memory bound is the plain build's: ASan's shadow memory and its
# quarantine of freed blocks would be measured instead.
CUSTOSD=${CUSTOSD_PLAIN:-$CUSTOSD}
command -v curl >/dev/null || fail "curl is needed"
N=50

step "certificates, config, camera, $N files"
upload_setup CAM0001
start_daemon
camera_add CAM0001
mkdir -p "$W/f"
head -c 8388608 /dev/urandom >"$W/base"
i=1
while [ $i -le $N ]; do
	# Distinct files without 50 reads of /dev/urandom: a unique head.
	{ printf 'file %04d\n' $i; cat "$W/base"; } >"$W/f/$i.bin"
	i=$((i + 1))
done
size0=$(tree_size)

step "$N parallel uploads"
t0=$(date +%s)
pids=
i=1
while [ $i -le $N ]; do
	curl -sS --cacert "$P/ca.pem" --cert "$P/CAM0001.pem" \
	    --key "$P/CAM0001.key" -T "$W/f/$i.bin" -o "$W/f/$i.json" \
	    -w '%{http_code}' "$URL/v1/cameras/CAM0001/files/$i.bin" \
	    >"$W/f/$i.code" 2>"$W/f/$i.err" &
	pids="$pids $!"
	i=$((i + 1))
done
# Not a bare "wait": that would wait for custosd too.
for p in $pids; do
	wait "$p"
done
t1=$(date +%s)
echo "uploaded $N x 8 MiB in $((t1 - t0)) s"

step "every upload 201, $N entries, objects = sha256sum"
i=1
while [ $i -le $N ]; do
	expect_eq "upload $i" 201 "$(cat "$W/f/$i.code")$(cat "$W/f/$i.err")"
	i=$((i + 1))
done
expect_eq "tree size" $((size0 + N)) "$(tree_size)"
python3 - "$W/f" "$N" <<'EOF' || fail "objects"
import hashlib, json, sys
d, n = sys.argv[1], int(sys.argv[2])
idx = set()
for i in range(1, n + 1):
    r = json.load(open("%s/%d.json" % (d, i)))
    h = hashlib.sha256(open("%s/%d.bin" % (d, i), "rb").read()).hexdigest()
    if r["object"] != "sha256:" + h:
        sys.exit("file %d: object %s, sha256 %s" % (i, r["object"], h))
    idx.add(r["index"])
if len(idx) != n:
    sys.exit("%d distinct indexes for %d uploads" % (len(idx), n))
EOF

step "peak memory"
hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/$DPID/status)
echo "custosd VmHWM: $((hwm / 1024)) MiB"
[ "$hwm" -lt 131072 ] || fail "VmHWM $hwm kB is not under 128 MiB"
"$CUSTOS" -c "$CONF" status --json | python3 -c '
import json, sys
u = json.load(sys.stdin)["upload"]
assert u["in_flight"] == 0 and u["sealed"] == 50, u
' || fail "status upload"
stop_daemon
echo "upload_load: ok"
