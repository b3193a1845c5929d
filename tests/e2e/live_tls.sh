# Live streams over TLS: a tls:// listener that requires a client
# certificate from [upload] client_ca naming the section's camera.  ffmpeg
# (GnuTLS) is the camera.  A certificate from another CA, a revoked one
# (the CRL) and a valid one for another camera are refused while the
# listener keeps waiting; the right camera's stream, killed at a random
# moment 4-6.5 s in, is sealed in segments that play in ffprobe and
# decode to their end (live_check_segments).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/live_lib.sh"
PKI=$W/pki
sh "$TSA_TOOLS/mkcerts.sh" "$PKI" BC-0002 BC-0009 >/dev/null 2>&1 ||
    fail "mkcerts.sh"

PU=$(free_port tcp)
PL=$(free_port tcp)
[ "$PU" != "$PL" ] || PL=$((PU + 1))

write_conf
conf_upload "$PU" crl
conf_live tlscam BC-0002 listen "tls://127.0.0.1:$PL"

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
live_dump_entries
live_py - "$W" "$S" "$LIVE_N" <<'EOF' || fail "entry checks"
import sys
from live_entries import ffprobe, load, verdict
w, state, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
segs = [e for e in load(w, n) if e["type"] == "segment.sealed"]
bad = []
if len(segs) < 2:
    bad.append(f"{len(segs)} segments")
if len({e["live"]["session"] for e in segs}) != 1:
    bad.append("more than one session")
for e in segs:
    if e["camera"] != "BC-0002" or e["source"] != "live" or \
            e["live"]["source"] != "tlscam" or e["decodable"] is not True:
        bad.append(f"segment {e['index']}: {e}")
    ffprobe(state, e, bad)
verdict(bad, f"{len(segs)} segments")
EOF

live_finish
