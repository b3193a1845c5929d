# Live streams over TLS: a tls:// listener that requires a client
# certificate from [upload] client_ca naming the section's camera.  ffmpeg
# (GnuTLS) is the camera.  A certificate from another CA, a revoked one
# (the CRL) and a valid one for another camera are refused while the
# listener keeps waiting; the right camera's stream, killed at a random
# moment 4-6.5 s in, is sealed in segments that play in ffprobe and
# decode to their end (live_check_segments).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/live_lib.sh"
command -v ffmpeg >/dev/null || fail "ffmpeg is needed"
command -v ffprobe >/dev/null || fail "ffprobe is needed"
MKCERTS=$(dirname "$0")/../tools/mkcerts.sh
S=$W/state
PKI=$W/pki
sh "$MKCERTS" "$PKI" BC-0002 BC-0009 >/dev/null 2>&1 || fail "mkcerts.sh"

PU=$(free_port tcp)
PL=$(free_port tcp)
[ "$PU" != "$PL" ] || PL=$((PU + 1))

write_conf
cat >>"$CONF" <<EOC
[upload]
listen = 127.0.0.1:$PU
cert = $PKI/server.pem
key = $PKI/server.key
client_ca = $PKI/ca.pem
crl = $PKI/crl.pem
[live tlscam]
camera = BC-0002
listen = tls://127.0.0.1:$PL
segment_seconds = 2
EOC
mkdir -p "$W/dock"

# push CERTNAME SECONDS [SIGNAL]: ffmpeg streams over TLS with that
# certificate until timeout(1) sends SIGNAL (TERM) after SECONDS.
push() {
	timeout -s "${3:-TERM}" "$2" ffmpeg -nostdin -loglevel error -re \
	    -f lavfi -i testsrc=size=320x240:rate=25 -c:v libx264 -g 25 \
	    -f mpegts -cert_file "$PKI/$1.pem" -key_file "$PKI/$1.key" \
	    -ca_file "$PKI/ca.pem" -tls_verify 1 \
	    "tls://127.0.0.1:$PL" 2>>"$W/camera.err"
}

step "start custosd with a tls:// listener"
start_daemon
wait_state tlscam listening 10
wait_until 10 "the tls listener bound" port_bound tcp "$PL"

step "refused: another CA, revoked, another camera's certificate"
for c in rogue revoked BC-0009; do
	push "$c" 5
	st=$?
	[ $st -ne 124 ] || fail "$c: the stream was accepted for 5 s"
done
_refused3() {
	[ "$(grep -c 'tls client refused' "$W/custosd.err")" -ge 3 ]
}
wait_until 5 "3 refusals logged" _refused3
expect_in "another camera" "does not name camera BC-0002" \
    "$(cat "$W/custosd.err")"
expect_eq "state after refusals" listening "$(live_field tlscam state)"
expect_eq "segments after refusals" 0 "$(live_field tlscam segments)"

T=$(random_ms 4000 6500)
step "the camera's own certificate: killed after $T ms"
push BC-0002 "$(ms_secs "$T")" KILL
[ $? -eq 137 ] || fail "the camera's stream ended early: $(cat "$W/camera.err")"
wait_state tlscam listening 10
stop_daemon

step "its segments are sealed and play"
n=$(sqlite3 "$S/log.db" 'select count(*) from entries')
i=0
while [ $i -lt "$n" ]; do
	"$CUSTOS" -c "$CONF" log entry $i >"$W/e$i" || fail "log entry $i"
	i=$((i + 1))
done
python3 - "$W" "$S" "$n" <<'EOF' || fail "entry checks"
import json, os, subprocess, sys
w, state, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
segs = [json.loads(open(f"{w}/e{i}").read()) for i in range(n)]
segs = [e for e in segs if e["type"] == "segment.sealed"]
bad = []
if len(segs) < 2:
    bad.append(f"{len(segs)} segments")
if len({e["live"]["session"] for e in segs}) != 1:
    bad.append("more than one session")
for e in segs:
    if e["camera"] != "BC-0002" or e["source"] != "live" or \
            e["live"]["source"] != "tlscam" or e["decodable"] is not True:
        bad.append(f"segment {e['index']}: {e}")
    h = e["object"].split(":")[1]
    r = subprocess.run(["ffprobe", "-v", "error", os.path.join(state,
                        "store", "objects", h[:2], h[2:])],
                       capture_output=True, text=True)
    if r.returncode != 0 or r.stderr:
        bad.append(f"ffprobe {h}: {r.stderr.strip()}")
for b in bad:
    print("bad:", b)
print(f"{len(segs)} segments")
sys.exit(1 if bad else 0)
EOF

step "every sealed segment decodes to its end"
live_check_segments
grep -q 'Sanitizer' "$W/custosd.err" && fail "sanitizer report"
echo "ok"
