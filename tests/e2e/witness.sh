# The witness side of c2sp.org/tlog-witness: "custos witness serve" on
# loopback cosigns the checkpoints of a real station, sent with the curl
# CLI as add-checkpoint requests built from "custos log checkpoint" and
# "custos log consistency".  The first checkpoint (old 0) and a later one
# with its consistency proof are cosigned, and each cosignature verifies
# with the openssl CLI over the message of c2sp.org/tlog-cosignature (an
# implementation independent of ours); the same checkpoint again is
# cosigned again; a stale old size gets 409 with the witness's size; a
# fork (a copy of the station's state that went its own way, signed with
# the same key) is refused with 422 both at the same size and with a
# proof of its own, and the witness's state is unchanged; a bad log
# signature gets 403, a malformed body 400, an oversized one 413; the
# witness restarted keeps its state; a client that stops half-way gets
# 408 and does not keep the next one out; every request is one log line.
# Cosigned checkpoints also verify with custos-verify --witness.
. "$(dirname "$0")/lib.sh"

WPID=
WLOG=$W/witness.err
WKEY=$W/w1
VKEY=$W/state/station.vkey

stop_witness() {
	[ -n "$WPID" ] || return 0
	kill -TERM "$WPID" 2>/dev/null
	wait "$WPID"
	_sw_st=$?
	WPID=
	return "$_sw_st"
}
trap 'stop_witness' EXIT
trap 'stop_witness; exit 143' INT TERM

_witness_up() {
	_wu_n=$(grep -c 'listening on' "$WLOG" 2>/dev/null)
	[ "${_wu_n:-0}" -ge "$WSTARTS" ] && return 0
	kill -0 "$WPID" 2>/dev/null || fail "custos witness serve exited: \
$(cat "$WLOG")"
	return 1
}

WSTARTS=0
start_witness() {
	"$CUSTOS" witness serve --listen "127.0.0.1:$WPORT" --key "$WKEY.key" \
	    --db "$W/witness.db" --log "$VKEY" 2>>"$WLOG" &
	WPID=$!
	WSTARTS=$((WSTARTS + 1))
	wait_until 20 "the witness listens" _witness_up
}

# request NAME OLD SIZE [STATE]: $W/NAME.req, the add-checkpoint body for
# the checkpoint of SIZE with the proof from OLD, from the station whose
# config is STATE's (default: the station's).
request() {
	_rq_conf=${4:-$CONF}
	{
		echo "old $2"
		if [ "$2" -gt 0 ] && [ "$2" -lt "$3" ]; then
			"$CUSTOS" -c "$_rq_conf" log consistency "$2" "$3" ||
			    fail "$1: log consistency $2 $3"
		fi
		echo
		"$CUSTOS" -c "$_rq_conf" log checkpoint --size "$3" ||
		    fail "$1: log checkpoint --size $3"
	} >"$W/$1.req"
}

# post NAME: POSTs $W/NAME.req; the reply body is $W/NAME.out and
# "STATUS CONTENT-TYPE" is printed.
post() {
	curl -sS -o "$W/$1.out" -w '%{http_code} %{content_type}' \
	    --data-binary "@$W/$1.req" \
	    "http://127.0.0.1:$WPORT/add-checkpoint" || fail "$1: curl failed"
}

# expect_status NAME STATUS [TYPE]: post NAME answers STATUS (and TYPE).
expect_status() {
	_es_got=$(post "$1")
	expect_eq "$1: HTTP status ($(cat "$W/$1.out"))" "$2" "${_es_got%% *}"
	[ -z "${3:-}" ] || expect_eq "$1: content type" "$3" "${_es_got#* }"
}

# cosig_ok NAME: the reply to NAME is one cosignature/v1 line by the
# witness key that verifies over the request's checkpoint, checked with
# Python (key ID, layout) and the openssl CLI (Ed25519); its time goes to
# $W/NAME.ts.
cosig_ok() {
	python3 - "$WKEY.vkey" "$W/$1.req" "$W/$1.out" "$W/$1" <<'EOF' ||
import base64, hashlib, subprocess, sys
vkey = open(sys.argv[1]).read().strip()
req = open(sys.argv[2], "rb").read()
out = open(sys.argv[3], "rb").read().decode()
name, keyid, blob = vkey.split("+", 2)
blob = base64.b64decode(blob)
assert blob[0] == 4 and len(blob) == 33, "not a 0x04 Ed25519 vkey"
kid = hashlib.sha256(name.encode() + b"\n" + blob).digest()[:4]
assert kid.hex() == keyid, "vkey's key ID"
lines = out.split("\n")
assert len(lines) == 2 and lines[1] == "", "one line: %r" % out
prefix = "\u2014 " + name + " "
assert lines[0].startswith(prefix), "line %r" % lines[0]
raw = base64.b64decode(lines[0][len(prefix):], validate=True)
assert len(raw) == 4 + 8 + 64 and raw[:4] == kid, "layout"
ts = int.from_bytes(raw[4:12], "big")
# The checkpoint body: after the request's blank line, up to the note's
# blank line.
note = req.split(b"\n\n", 1)[1]
body = note[:note.rindex(b"\n\n") + 1]
msg = b"cosignature/v1\ntime %d\n" % ts + body
pre = sys.argv[4]
open(pre + ".msg", "wb").write(msg)
open(pre + ".sig", "wb").write(raw[12:])
# SubjectPublicKeyInfo of an Ed25519 key: a fixed prefix and the key.
open(pre + ".pub", "wb").write(bytes.fromhex("302a300506032b6570032100") +
                                blob[1:])
r = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey",
                    pre + ".pub", "-keyform", "DER", "-rawin", "-in",
                    pre + ".msg", "-sigfile", pre + ".sig"],
                   capture_output=True)
assert r.returncode == 0, "openssl: %r" % r.stdout
open(pre + ".ts", "w").write("%d\n" % ts)
EOF
	    fail "$1: the cosignature does not verify: $(cat "$W/$1.out")"
}

# cosigned NAME: $W/NAME.cosigned, the request's checkpoint with the
# reply's cosignature appended, as a station keeps it.
cosigned() {
	sed '1,/^$/d' "$W/$1.req" >"$W/$1.cosigned" &&
	    cat "$W/$1.out" >>"$W/$1.cosigned" || fail "$1: cosigned note"
}

# wait_ckpt_above N: until the station's latest checkpoint is larger than
# N; sets CK to its size.
_ckpt_above() {
	CK=$(c log checkpoint 2>/dev/null | sed -n 2p)
	[ "$CK" -gt "$_ca_n" ] 2>/dev/null
}
wait_ckpt_above() {
	_ca_n=$1
	wait_until 30 "a checkpoint above $1" _ckpt_above
}

# fork_daemon start|stop: custosd on the fork's config.
fork_daemon() {
	_fd_conf=$CONF
	CONF=$FCONF
	"${1}_daemon"
	CONF=$_fd_conf
}

# requests: how many request lines the witness has logged.
requests() {
	grep -c 'POST /add-checkpoint' "$WLOG"
}

step "station and witness key"
write_conf
start_daemon
c officer add PA-0001 --name 张伟 --unit 执法支队 --credential C001 \
    --valid-until 2099-12-31 >/dev/null || fail "officer PA-0001"
wait_ckpt_above 1
N1=$CK
exits keygen 0 "$CUSTOS" witness keygen witness.e2e/w1 -o "$WKEY"
expect_eq "witness key mode" 600 "$(stat -c %a "$WKEY.key")"
expect_eq "keygen prints the verifier key" "$(cat "$WKEY.vkey")" \
    "$(cat "$W/keygen.out")"
exits keygen_again 1 "$CUSTOS" witness keygen witness.e2e/w1 -o "$WKEY"
expect_in "keygen refuses to overwrite" "exists" "$(cat "$W/keygen_again.err")"
exits keygen_bad 2 "$CUSTOS" witness keygen "bad name" -o "$W/bad"
chmod 644 "$WKEY.key"
exits serve_open_key 2 "$CUSTOS" witness serve --listen 127.0.0.1:1 \
    --key "$WKEY.key" --db "$W/witness.db" --log "$VKEY"
expect_in "group-readable key refused" "readable by group or others" \
    "$(cat "$W/serve_open_key.err")"
chmod 600 "$WKEY.key"
exits serve_log_key 2 "$CUSTOS" witness serve --listen 127.0.0.1:1 \
    --key "$WKEY.key" --db "$W/witness.db" --log "$WKEY.vkey"
WPORT=$(free_port)
start_witness

step "first checkpoint (old 0) cosigned"
request first 0 "$N1"
expect_status first 200 "text/plain; charset=utf-8"
cosig_ok first
T1=$(cat "$W/first.ts")
now=$(date +%s)
[ "$T1" -le "$now" ] && [ "$T1" -gt $((now - 60)) ] ||
    fail "cosignature time $T1 is not now ($now)"
# custos-verify, as a reviewer checks it; a changed byte fails.
cosigned first
exits verify_first 0 "$CUSTOS_VERIFY" checkpoint --key "$VKEY" \
    --witness "$WKEY.vkey" "$W/first.cosigned"
sed '1,/^$/d' "$W/first.req" >"$W/first.note"
exits verify_bare 1 "$CUSTOS_VERIFY" checkpoint --key "$VKEY" \
    --witness "$WKEY.vkey" "$W/first.note"
python3 - "$W/first.cosigned" <<'EOF' || fail "tamper the cosignature"
import sys
p = sys.argv[1]
b = open(p, "rb").read()
i = b.rindex(b" ") + 20
b = b[:i] + (b"B" if b[i:i + 1] == b"A" else b"A") + b[i + 1:]
open(p, "wb").write(b)
EOF
exits verify_tampered 1 "$CUSTOS_VERIFY" checkpoint --key "$VKEY" \
    --witness "$WKEY.vkey" "$W/first.cosigned"

step "a later checkpoint with its consistency proof"
c officer add PA-0002 --name 李娜 --unit 执法支队 --credential C002 \
    --valid-until 2099-12-31 >/dev/null || fail "officer PA-0002"
wait_ckpt_above "$N1"
N2=$CK
request second "$N1" "$N2"
[ "$(sed -n 2p "$W/second.req")" != "" ] || fail "second: no proof lines"
expect_status second 200
cosig_ok second
request second_again "$N2" "$N2"
expect_status second_again 200
cosig_ok second_again

step "a stale old size: 409 with the witness's size"
expect_status second 409 "text/x.tlog.size"
expect_eq "409 body" "$N2" "$(cat "$W/second.out")"
expect_eq "409 body ends in a newline" 1 "$(wc -l <"$W/second.out")"
expect_status first 409
expect_eq "409 body" "$N2" "$(cat "$W/first.out")"

step "refusals: bad log signature 403, malformed 400, too large 413"
request badsig "$N2" "$N2"
# A changed base64 character in the station's signature.
python3 - "$W/badsig.req" <<'EOF' || fail "tamper the signature"
import sys
p = sys.argv[1]
b = open(p, "rb").read()
i = b.rindex(b" ") + 10
b = b[:i] + (b"B" if b[i:i + 1] == b"A" else b"A") + b[i + 1:]
open(p, "wb").write(b)
EOF
expect_status badsig 403
expect_in "403 says why" "does not verify" "$(cat "$W/badsig.out")"
printf 'old 01\n\nnot a checkpoint\n' >"$W/malformed.req"
expect_status malformed 400
expect_in "400 says why" "old size" "$(cat "$W/malformed.out")"
head -c 70000 /dev/zero | tr '\0' 'A' >"$W/huge.req"
expect_status huge 413
st=$(curl -sS -o "$W/get.out" -w '%{http_code}' \
    "http://127.0.0.1:$WPORT/add-checkpoint") || fail "GET: curl failed"
expect_eq "GET /add-checkpoint" 405 "$st"

step "a fork: the station's state copied, each copy going its own way"
stop_daemon
N3=$(c log checkpoint | sed -n 2p)
request third "$N2" "$N3"
expect_status third 200
# The fork has the same config, key and log, in another directory.
mkdir -p "$W/fork/dock" || fail "mkdir fork"
cp -a "$W/state" "$W/fork/state" || fail "copy the state"
cp "$CONF" "$W/fork/custos.conf" || fail "fork config"
FCONF=$W/fork/custos.conf
# The fork: started, a different officer, stopped.
fork_daemon start
"$CUSTOS" -c "$FCONF" officer add PA-0009 --name 王芳 --unit 执法支队 \
    --credential C009 --valid-until 2099-12-31 >/dev/null ||
    fail "fork: officer PA-0009"
fork_daemon stop
F1=$("$CUSTOS" -c "$FCONF" log checkpoint | sed -n 2p)
# The station: the same steps, another officer.
start_daemon
c officer add PA-0003 --name 刘洋 --unit 执法支队 --credential C003 \
    --valid-until 2099-12-31 >/dev/null || fail "officer PA-0003"
stop_daemon
S=$(c log checkpoint | sed -n 2p)
expect_eq "fork and station at the same size" "$S" "$F1"
request fourth "$N3" "$S"
expect_status fourth 200
cosig_ok fourth
root=$(c log checkpoint | sed -n 3p)
froot=$("$CUSTOS" -c "$FCONF" log checkpoint | sed -n 3p)
[ "$root" != "$froot" ] || fail "the fork has the station's root"
n=$(requests)
# The fork at the cosigned size: another root.
request fork_same "$S" "$S" "$FCONF"
expect_status fork_same 422
expect_in "422 says why" "another root hash" "$(cat "$W/fork_same.out")"
# The fork at a stale size, then grown with a proof of its own.
request fork_stale "$N3" "$S" "$FCONF"
expect_status fork_stale 409
expect_eq "fork_stale: 409 body" "$S" "$(cat "$W/fork_stale.out")"
fork_daemon start
fork_daemon stop
F2=$("$CUSTOS" -c "$FCONF" log checkpoint | sed -n 2p)
request fork_grown "$S" "$F2" "$FCONF"
expect_status fork_grown 422
expect_in "422 says why" "does not verify" "$(cat "$W/fork_grown.out")"
expect_eq "requests logged" $((n + 3)) "$(requests)"
grep 'POST /add-checkpoint' "$WLOG" | tail -n 3 | grep -q \
    "origin=e2e.example/station old=$S size=$F2 stored=$S status=422" ||
    fail "the log line of the refused fork: $(tail -n 3 "$WLOG")"

# The witness's view: still the station's checkpoint of size S.
state_ckpt() {
	h=$(printf '%s' e2e.example/station | sha256sum | cut -c1-64)
	curl -sS -o "$W/state.out" -w '%{http_code}' \
	    "http://127.0.0.1:$WPORT/$h/checkpoint" || fail "GET checkpoint"
}
expect_eq "monitor checkpoint" 200 "$(state_ckpt)"
expect_eq "state size after the fork" "$S" "$(sed -n 2p "$W/state.out")"
expect_eq "state root after the fork" "$root" "$(sed -n 3p "$W/state.out")"
grep -q "^— witness.e2e/w1 " "$W/state.out" ||
    fail "the witness's checkpoint has no cosignature: $(cat "$W/state.out")"
grep -q "^— e2e.example/station " "$W/state.out" ||
    fail "the witness's checkpoint has no log signature"
exits verify_state 0 "$CUSTOS_VERIFY" checkpoint --key "$VKEY" \
    --witness "$WKEY.vkey" "$W/state.out"

step "the witness restarted keeps its state"
stop_witness || fail "custos witness serve: exit status $? after SIGTERM"
expect_in "stop logged" "stopping" "$(tail -n 1 "$WLOG")"
start_witness
request fourth_again "$S" "$S"
expect_status fourth_again 200
cosig_ok fourth_again
request fresh 0 "$S"
expect_status fresh 409
expect_eq "409 after restart" "$S" "$(cat "$W/fresh.out")"
step "a client that stops half-way gets 408; the next one is served"
python3 - "$WPORT" "$W/slow" <<'EOF' &
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"POST /add-checkpoint HTTP/1.1\r\nHost: w\r\n"
          b"Content-Length: 100\r\n\r\nold ")
open(sys.argv[2] + ".connected", "w").close()
s.settimeout(60)
reply = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    reply += b
open(sys.argv[2] + ".out", "wb").write(reply)
EOF
SLOW=$!
wait_until 10 "the slow client connects" test -e "$W/slow.connected"
expect_status fourth_again 200
wait "$SLOW" || fail "the slow client failed"
expect_in "the slow client's reply" "HTTP/1.1 408 Request Timeout" \
    "$(head -n 1 "$W/slow.out")"
grep -q 'status=408: request timed out' "$WLOG" ||
    fail "no 408 in the witness's log"

start_daemon
wait_ckpt_above "$S"
N5=$CK
request fifth "$S" "$N5"
expect_status fifth 200
cosig_ok fifth
stop_daemon
stop_witness || fail "custos witness serve: exit status $? after SIGTERM"
grep -q 'AddressSanitizer\|runtime error' "$WLOG" &&
    fail "sanitizer report: $(cat "$WLOG")"
echo "witness: ok"
