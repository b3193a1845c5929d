# Resumable uploads (docs/upload.md): a PUT with Content-Digest cut after
# 2 MiB by a client that closes its socket, HEAD answering Upload-Offset and Upload-Length,
# a PATCH at the wrong offset (409), the PATCH of the rest (201, the
# object is the hash of the whole file, one entry), a curl upload cut by
# --max-time and resumed by curl (a Content-Digest that was not in the
# first request is refused), a chunked upload cut (not kept: its
# length is unknown), and a new PUT that starts over.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || fail "curl is needed"

step "certificates, config, camera"
upload_setup CAM0001
start_daemon
camera_add CAM0001

C="curl -sS --cacert $P/ca.pem --cert $P/CAM0001.pem --key $P/CAM0001.key"
F=/v1/cameras/CAM0001/files
# header FILE NAME: a header's value from curl -D output.
header() {
	tr -d '\r' <"$1" | sed -n "s/^$2: //Ip"
}
json() {
	head -n 1 | python3 -c \
	    'import json,sys; print(json.load(sys.stdin).get(sys.argv[1], "-"))' "$1"
}
cat >"$W/cut.py" <<'EOF'
import base64, hashlib, socket, ssl, sys
port, pki, path, name, n = sys.argv[1:6]
data = open(path, "rb").read()
ctx = ssl.create_default_context(cafile=pki + "/ca.pem")
ctx.load_cert_chain(pki + "/CAM0001.pem", pki + "/CAM0001.key")
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(port))),
                    server_hostname="127.0.0.1")
dig = base64.b64encode(hashlib.sha256(data).digest()).decode()
s.sendall(("PUT /v1/cameras/CAM0001/files/%s HTTP/1.1\r\nHost: x\r\n"
           "Content-Length: %d\r\nContent-Digest: sha-256=:%s:\r\n\r\n"
           % (name, len(data), dig)).encode())
s.sendall(data[:int(n)])
# A cut link: the socket goes away without a TLS close_notify (FIN after
# the bytes sent, so the station has exactly n of them).
s.close()
EOF
# offset NAME: HEAD's Upload-Offset, waiting until the cut is noticed.
offset() {
	i=0
	while :; do
		$C -I -D "$W/h" -o /dev/null "$URL$F/$1" || fail "HEAD $1"
		o=$(header "$W/h" Upload-Offset)
		[ -n "$o" ] && [ "$o" -ge "${2:-1}" ] && break
		i=$((i + 1))
		[ $i -gt 600 ] && fail "HEAD $1: no Upload-Offset"
		sleep 0.1
	done
	echo "$o"
}

step "a PUT cut after 2 MiB is kept"
head -c 3145728 /dev/urandom >"$W/big.bin"
sum=$(sha256sum "$W/big.bin" | cut -d' ' -f1)
size0=$(tree_size)
python3 "$W/cut.py" "$PORT" "$P" "$W/big.bin" big.bin 2097152 ||
    fail "cut client"
off=$(offset big.bin 2097152)
expect_eq "Upload-Offset" 2097152 "$off"
expect_eq "Upload-Length" 3145728 "$(header "$W/h" Upload-Length)"
expect_eq "tree size" "$size0" "$(tree_size)"
grep -q "camera=CAM0001 name=\"big.bin\" kept offset=2097152 of 3145728" \
    "$W/custosd.err" || fail "no 'kept' log line"

step "PATCH at the wrong offset: 409 with the right one"
tail -c +2 "$W/big.bin" >"$W/wrong.bin"
$C -X PATCH -H "Upload-Offset: 1" -T "$W/wrong.bin" -D "$W/h" \
    -o "$W/r" -w '%{http_code}' "$URL$F/big.bin" >"$W/code" ||
    fail "curl wrong PATCH"
expect_eq "status" 409 "$(cat "$W/code")"
expect_eq "Upload-Offset" 2097152 "$(header "$W/h" Upload-Offset)"

step "PATCH the rest: 201, the whole file's hash, one entry"
tail -c +$((off + 1)) "$W/big.bin" >"$W/rest.bin"
$C -X PATCH -H "Upload-Offset: $off" \
    -H "Content-Digest: sha-256=:$(openssl dgst -sha256 -binary "$W/big.bin" | base64):" \
    -T "$W/rest.bin" -o "$W/r" -w '%{http_code}' "$URL$F/big.bin" \
    >"$W/code" || fail "curl PATCH"
expect_eq "status" 201 "$(cat "$W/code")"
expect_eq "object" "sha256:$sum" "$(json object <"$W/r")"
expect_eq "size" 3145728 "$(json size <"$W/r")"
expect_eq "tree size" "$((size0 + 1))" "$(tree_size)"
expect_eq "entry path" big.bin "$(entry_field "$size0" path)"
expect_eq "entry source" upload "$(entry_field "$size0" source)"
$C -I -o /dev/null -w '%{http_code}' "$URL$F/big.bin" >"$W/code"
expect_eq "HEAD after completion" 404 "$(cat "$W/code")"
expect_eq "temporary files" "" "$(ls "$W/state/store/tmp")"

step "curl cut by --max-time, resumed by curl"
head -c 4194304 /dev/urandom >"$W/b2.bin"
sum2=$(sha256sum "$W/b2.bin" | cut -d' ' -f1)
$C -T "$W/b2.bin" --limit-rate 1M --max-time 1 -o /dev/null \
    "$URL$F/b2.bin" 2>/dev/null && fail "curl was not cut"
off=$(offset b2.bin)
[ "$off" -lt 4194304 ] || fail "offset $off after a cut"
tail -c +$((off + 1)) "$W/b2.bin" >"$W/rest2.bin"
$C -X PATCH -H "Upload-Offset: $off" -T "$W/rest2.bin" -o "$W/r" \
    -H "Content-Digest: sha-256=:$(openssl dgst -sha256 -binary "$W/b2.bin" | base64):" \
    -w '%{http_code}' "$URL$F/b2.bin" >"$W/code" || fail "curl PATCH 2"
expect_eq "a digest after the first request" 400 "$(cat "$W/code")"
expect_in "reason" "must come with the first request" "$(cat "$W/r")"
$C -X PATCH -H "Upload-Offset: $off" -T "$W/rest2.bin" -o "$W/r" \
    -w '%{http_code}' "$URL$F/b2.bin" >"$W/code" || fail "curl PATCH 2"
expect_eq "status" 201 "$(cat "$W/code")"
expect_eq "object" "sha256:$sum2" "$(json object <"$W/r")"
expect_eq "tree size" "$((size0 + 2))" "$(tree_size)"

step "a cut chunked upload is not kept"
head -c 2097152 /dev/urandom | $C -T - --limit-rate 512K --max-time 1 \
    -o /dev/null "$URL$F/chunked.bin" 2>/dev/null && fail "not cut"
# The daemon notices the cut when the connection closes: wait for it.
head_is_404() {
	[ "$($C -I -o /dev/null -w '%{http_code}' "$URL$F/chunked.bin")" = 404 ]
}
wait_until 60 "HEAD of the cut chunked upload is 404" head_is_404

step "a new PUT starts over"
python3 "$W/cut.py" "$PORT" "$P" "$W/big.bin" again.bin 1048576 ||
    fail "cut client"
offset again.bin 1048576 >/dev/null
head -c 1000 /dev/urandom >"$W/small.bin"
$C -T "$W/small.bin" -o "$W/r" -w '%{http_code}' "$URL$F/again.bin" \
    >"$W/code" || fail "curl PUT again"
expect_eq "status" 201 "$(cat "$W/code")"
expect_eq "size" 1000 "$(json size <"$W/r")"
$C -I -o /dev/null -w '%{http_code}' "$URL$F/again.bin" >"$W/code"
expect_eq "HEAD after the new PUT" 404 "$(cat "$W/code")"

step "stop"
stop_daemon
"$CUSTOS" -c "$CONF" log verify >/dev/null || fail "log verify"
expect_eq "temporary files" "" "$(ls "$W/state/store/tmp")"
echo "upload_resume: ok"
