# HTTPS upload (docs/upload.md) against the real custosd on loopback, with
# certificates made here by openssl and curl as the camera: a good upload
# (201, entry fields, object = sha256sum, client_cert, recorded_at), the
# same bytes again (200, nothing appended), another camera's certificate,
# no certificate, an expired, a revoked and a foreign-CA certificate, an
# unregistered camera, a Content-Digest mismatch (400, nothing stored),
# path traversal in NAME, an empty body, a body longer than
# Content-Length, oversized headers, a slowloris client cut by the head
# timeout while another upload succeeds, garbage and plain HTTP on the
# TLS port, the checkpoint and a receipt checked by custos-verify.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || fail "curl is needed"
command -v ffmpeg >/dev/null || fail "ffmpeg is needed"

step "certificates and config"
upload_setup crl CAM0001 CAM0002 CAM0003
start_daemon
camera_add CAM0001 CAM0002

# up CERT PATH [curl args...]: prints the body, then the status on a line.
up() {
	c=$1 p=$2
	shift 2
	curl -sS --cacert "$P/ca.pem" --cert "$P/$c.pem" --key "$P/$c.key" \
	    -w '\n%{http_code}\n' "$@" "$URL$p"
}
json() {	# FIELD: from the first line of stdin
	head -n 1 | python3 -c \
	    'import json,sys; print(json.load(sys.stdin).get(sys.argv[1], "-"))' "$1"
}
b64sha() {
	openssl dgst -sha256 -binary "$1" | base64
}
cat >"$W/raw.py" <<'EOF'
import os, socket, ssl, sys, time
port, pki, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def tls():
    ctx = ssl.create_default_context(cafile=pki + "/ca.pem")
    ctx.load_cert_chain(pki + "/CAM0001.pem", pki + "/CAM0001.key")
    return ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)),
                           server_hostname="127.0.0.1")
def answer(s):
    data = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
    except (ConnectionError, ssl.SSLError, OSError):
        pass
    return data.decode("utf-8", "replace")
if mode == "longer":
    s = tls()
    s.sendall(b"PUT /v1/cameras/CAM0001/files/longer.bin HTTP/1.1\r\n"
              b"Host: x\r\nContent-Length: 10\r\n\r\n" + b"0123456789" +
              b"EXTRA BYTES BEYOND THE DECLARED LENGTH")
    a = answer(s)
    print(a.split("\r\n")[0]); print(a.split("\r\n\r\n", 1)[-1])
elif mode == "slow":
    s = tls()
    t0 = time.time()
    s.sendall(b"PUT /v1/cameras/CAM0001/files/slow.bin HTTP/1.1\r\n")
    # Connected and handshaken: the test may go on.
    open(os.environ["SLOW_READY"], "w").close()
    try:
        for i in range(40):
            s.sendall(b"X")
            time.sleep(0.5)
    except (ConnectionError, ssl.SSLError, OSError):
        pass
    a = answer(s)
    print("%.1f %s" % (time.time() - t0, a.split("\r\n")[0]))
elif mode == "garbage":
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(os.urandom(3000))
    print("closed" if answer(s) is not None else "?")
elif mode == "plain":
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /v1/checkpoint HTTP/1.1\r\nHost: x\r\n\r\n")
    print("closed", len(answer(s)))
EOF

step "a good upload: 201 and the entry"
ffmpeg -loglevel error -f lavfi -i testsrc=duration=2:size=160x120:rate=10 \
    -c:v libx264 "$W/clip.mp4" || fail "ffmpeg"
size0=$(tree_size)
up CAM0001 /v1/cameras/CAM0001/files/clip%201.mp4 -T "$W/clip.mp4" \
    -H "Content-Digest: sha-256=:$(b64sha "$W/clip.mp4"):" \
    -H "X-Recorded-At: 2026-11-26T08:00:00+08:00" >"$W/r1" ||
    fail "curl good upload"
expect_eq "status" 201 "$(tail -n 1 "$W/r1")"
idx=$(json index <"$W/r1")
expect_eq "index" "$size0" "$idx"
sum=$(sha256sum "$W/clip.mp4" | cut -d' ' -f1)
expect_eq "object" "sha256:$sum" "$(json object <"$W/r1")"
expect_eq "size" "$(wc -c <"$W/clip.mp4" | tr -d ' ')" "$(json size <"$W/r1")"
"$CUSTOS" -c "$CONF" log entry "$idx" >"$W/e1" || fail "log entry"
leaf=$(python3 -c 'import hashlib,sys; print(hashlib.sha256(b"\0"+open(sys.argv[1],"rb").read()).hexdigest())' "$W/e1")
expect_eq "leaf" "sha256:$leaf" "$(json leaf <"$W/r1")"
expect_in "checkpoint_size" "$((idx + 1))" "$(json checkpoint_size <"$W/r1")"
certsum=$(openssl x509 -in "$P/CAM0001.pem" -outform DER | sha256sum | cut -d' ' -f1)
python3 - "$W/e1" "$sum" "$certsum" <<'EOF' || fail "entry fields"
import json, sys
e = json.load(open(sys.argv[1]))
want = {"type": "segment.sealed", "source": "upload", "camera": "CAM0001",
        "path": "clip 1.mp4", "object": "sha256:" + sys.argv[2],
        "client_cert": "sha256:" + sys.argv[3],
        "recorded_at": "2026-11-26T00:00:00.000Z", "decodable": True}
bad = [k for k in want if e.get(k) != want[k]]
if bad:
    sys.exit("entry: %s in %s" % (bad, e))
EOF
[ -f "$W/state/store/objects/$(echo "$sum" | cut -c1-2)/$(echo "$sum" | cut -c3-)" ] ||
    fail "object not in the store"

step "the same bytes again: 200 with the same entry"
up CAM0001 /v1/cameras/CAM0001/files/again.mp4 -T "$W/clip.mp4" >"$W/r2" ||
    fail "curl again"
expect_eq "status" 200 "$(tail -n 1 "$W/r2")"
expect_eq "same index" "$idx" "$(json index <"$W/r2")"
expect_eq "tree size" "$((idx + 1))" "$(tree_size)"

step "another camera's certificate: 403"
up CAM0002 /v1/cameras/CAM0001/files/x.bin -T "$W/clip.mp4" >"$W/r" ||
    fail "curl wrong camera"
expect_eq "status" 403 "$(tail -n 1 "$W/r")"
expect_in "reason" "not for camera CAM0001" "$(head -n 1 "$W/r")"

step "an unregistered camera: 403"
up CAM0003 /v1/cameras/CAM0003/files/x.bin -T "$W/clip.mp4" >"$W/r" ||
    fail "curl unknown camera"
expect_eq "status" 403 "$(tail -n 1 "$W/r")"
expect_in "reason" "unknown camera" "$(head -n 1 "$W/r")"

step "no, expired, revoked and foreign certificates: refused in TLS"
refused() {	# WHAT LOGLINE curl-args...
	what=$1 line=$2
	shift 2
	curl -sS --cacert "$P/ca.pem" "$@" -T "$W/clip.mp4" \
	    "$URL/v1/cameras/CAM0001/files/x.bin" >"$W/r" 2>&1 &&
	    fail "$what: curl succeeded: $(cat "$W/r")"
	wait_log "refused: TLS handshake failed: .*$line"
}
refused "no certificate" "peer did not return a certificate"
refused "expired" "certificate has expired" --cert "$P/expired.pem" \
    --key "$P/expired.key"
refused "revoked" "certificate revoked" --cert "$P/revoked.pem" \
    --key "$P/revoked.key"
refused "foreign CA" "unable to get local issuer certificate" \
    --cert "$P/rogue.pem" --key "$P/rogue.key"
expect_eq "tree size" "$((idx + 1))" "$(tree_size)"

step "Content-Digest mismatch: 400, nothing stored or appended"
head -c 200000 /dev/urandom >"$W/rand.bin"
badsum=$(sha256sum "$W/rand.bin" | cut -d' ' -f1)
up CAM0001 /v1/cameras/CAM0001/files/rand.bin -T "$W/rand.bin" \
    -H "Content-Digest: sha-256=:$(b64sha "$W/clip.mp4"):" >"$W/r" ||
    fail "curl mismatch"
expect_eq "status" 400 "$(tail -n 1 "$W/r")"
expect_in "reason" "Content-Digest does not match" "$(head -n 1 "$W/r")"
[ -e "$W/state/store/objects/$(echo "$badsum" | cut -c1-2)/$(echo "$badsum" | cut -c3-)" ] &&
    fail "mismatched object was stored"
expect_eq "temporary files" "" "$(ls "$W/state/store/tmp")"
expect_eq "tree size" "$((idx + 1))" "$(tree_size)"
grep -q "Content-Digest mismatch declared=sha256:$sum received=sha256:$badsum" \
    "$W/custosd.err" || fail "no mismatch log line"

step "path traversal in NAME: 400"
for n in %2e%2e%2fetc%2fpasswd ..%2fx %2e%2e a%5cb a%00b; do
	up CAM0001 "/v1/cameras/CAM0001/files/$n" -T "$W/rand.bin" >"$W/r" ||
	    fail "curl $n"
	expect_eq "status for $n" 400 "$(tail -n 1 "$W/r")"
done
up CAM0001 /v1/cameras/CAM0001/files/../../../x --path-as-is \
    -T "$W/rand.bin" >"$W/r" || fail "curl ../"
expect_eq "status for ../" 400 "$(tail -n 1 "$W/r")"

step "an empty body: 400"
: >"$W/empty"
up CAM0001 /v1/cameras/CAM0001/files/empty.mp4 -T "$W/empty" >"$W/r" ||
    fail "curl empty"
expect_eq "status" 400 "$(tail -n 1 "$W/r")"
expect_in "reason" "empty body" "$(head -n 1 "$W/r")"

step "a body longer than Content-Length: 400, nothing stored"
out=$(python3 "$W/raw.py" "$PORT" "$P" longer) || fail "raw longer"
expect_in "status" "HTTP/1.1 400" "$out"
expect_in "reason" "data after the end of the body" "$out"
expect_eq "tree size" "$((idx + 1))" "$(tree_size)"

step "oversized headers: 431"
big=$(head -c 20000 /dev/zero | tr '\0' a)
up CAM0001 /v1/cameras/CAM0001/files/big.bin -T "$W/rand.bin" \
    -H "X-Big: $big" >"$W/r" || fail "curl big header"
expect_eq "status" 431 "$(tail -n 1 "$W/r")"

step "slowloris: cut by the head timeout while another upload succeeds"
SLOW_READY=$W/slow.ready python3 "$W/raw.py" "$PORT" "$P" slow >"$W/slow" &
spid=$!
wait_until 60 "the slow client connected" test -e "$W/slow.ready"
up CAM0001 /v1/cameras/CAM0001/files/rand.bin -T "$W/rand.bin" >"$W/r" ||
    fail "curl during slowloris"
expect_eq "status beside slowloris" 201 "$(tail -n 1 "$W/r")"
wait $spid || fail "slow client"
t=$(cut -d' ' -f1 "$W/slow")
python3 -c "import sys; sys.exit(not 9 <= float('$t') <= 14)" ||
    fail "slow client cut after $t s, not about 10"
expect_in "slow answer" "408" "$(cat "$W/slow")"

step "garbage and plain HTTP on the TLS port"
expect_eq "garbage" closed "$(python3 "$W/raw.py" "$PORT" "$P" garbage)"
expect_in "plain" closed "$(python3 "$W/raw.py" "$PORT" "$P" plain)"
kill -0 "$DPID" || fail "custosd died"

step "checkpoint and receipt"
i=0
while [ "$(checkpoint_size)" -le "$idx" ]; do
	i=$((i + 1))
	[ $i -gt 600 ] && fail "no checkpoint covers entry $idx"
	sleep 0.1
done
up CAM0001 /v1/checkpoint >"$W/r" || fail "curl checkpoint"
expect_eq "checkpoint status" 200 "$(tail -n 1 "$W/r")"
expect_eq "checkpoint origin" e2e.example/station "$(head -n 1 "$W/r")"
curl -sS --cacert "$P/ca.pem" --cert "$P/CAM0001.pem" \
    --key "$P/CAM0001.key" -o "$W/r.tlog-proof" -w '%{http_code}' \
    "$URL/v1/entries/$idx/receipt" >"$W/code" || fail "curl receipt"
expect_eq "receipt status" 200 "$(cat "$W/code")"
"$CUSTOS_VERIFY" receipt --key "$W/state/station.vkey" "$W/r.tlog-proof" \
    "$W/clip.mp4" >"$W/v" 2>&1 || fail "custos-verify receipt: $(cat "$W/v")"
sed -i 's/^extra ./extra A/' "$W/r.tlog-proof"
"$CUSTOS_VERIFY" receipt --key "$W/state/station.vkey" "$W/r.tlog-proof" \
    >/dev/null 2>&1 && fail "a tampered receipt verified"
up CAM0002 "/v1/entries/$idx/receipt" >"$W/r" || fail "curl receipt 2"
expect_eq "another camera's receipt" 403 "$(tail -n 1 "$W/r")"

step "status and stop"
"$CUSTOS" -c "$CONF" status --json | python3 -c '
import json, sys
u = json.load(sys.stdin)["upload"]
assert u["sealed"] >= 3 and u["refused"] >= 10 and u["in_flight"] == 0, u
' || fail "status upload"
stop_daemon
"$CUSTOS" -c "$CONF" log verify >/dev/null || fail "log verify"
grep -E "AddressSanitizer|runtime error" "$W/custosd.err" &&
    fail "sanitizer report"
echo "upload: ok"
