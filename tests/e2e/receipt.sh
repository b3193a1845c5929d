# Receipts with the real daemon: a clip made with ffmpeg is docked and
# sealed, "custos log receipt" writes its c2sp.org/tlog-proof@v1 receipt
# once a signed checkpoint covers it, and "custos-verify receipt" accepts
# it with the station key and the clip (exit 0), and refuses a tampered
# receipt, another file, the wrong key (exit 1) and a missing file (exit 2).
# An independent check in Python (hashlib, cryptography) verifies the same
# receipt from the format alone.
. "$(dirname "$0")/lib.sh"
station_vars
K=$S/station.vkey
command -v ffmpeg >/dev/null || fail "ffmpeg is needed"

# verify WANT LABEL ARGS...: custos-verify receipt ARGS must exit WANT;
# its output is kept in $W/vout.
verify() {
	want=$1
	label=$2
	shift 2
	"$CUSTOS_VERIFY" receipt "$@" >"$W/vout" 2>&1
	st=$?
	sed 's/^/  | /' "$W/vout"
	expect_eq "$label: exit status" "$want" "$st"
}

# flip FILE LINE COL OUT: OUT is FILE with the character at column COL of
# line LINE replaced by another base64 letter.
flip() {
	awk -v n="$2" -v k="$3" 'NR == n { c = substr($0, k, 1);
	    $0 = substr($0, 1, k - 1) (c == "A" ? "B" : "A") \
	    substr($0, k + 1) } { print }' "$1" >"$4"
	cmp -s "$1" "$4" && fail "flip $1 line $2 changed nothing"
}

write_conf
mkdir -p "$W/prep/CAMR/DCIM"
step "make a clip with ffmpeg and dock the camera"
ffmpeg_clip "$W/prep/CAMR/DCIM/clip1.mp4" receipt-e2e || fail "ffmpeg"
ffmpeg_clip "$W/other.mp4" receipt-other || fail "ffmpeg other"
cp "$W/prep/CAMR/DCIM/clip1.mp4" "$W/clip1.mp4"
start_daemon
dock_volume CAMR
N=$(entries_where segment.sealed path DCIM/clip1.mp4)
[ -n "$N" ] || fail "no segment.sealed entry for DCIM/clip1.mp4"
echo "segment entry: $N"
OBJ=sha256:$(sha256sum "$W/clip1.mp4" | cut -d' ' -f1)
expect_eq "entry $N object" "$OBJ" "$(entry_field "$N" object)"

step "wait for a signed checkpoint covering entry $N"
wait_until 90 "a checkpoint covering entry $N" checkpoint_covers "$N"
SIZE=$(checkpoint_size)
echo "latest checkpoint: tree size $SIZE"

step "no receipt against a checkpoint that does not cover the entry"
"$CUSTOS" -c "$CONF" log receipt "$N" --size 1 >"$W/out" 2>"$W/err"
expect_eq "receipt --size 1: exit status" 1 "$?"
expect_eq "receipt --size 1: message" \
    "custos: no receipt: no checkpoint of tree size 1 covers entry $N" \
    "$(cat "$W/err")"
"$CUSTOS" -c "$CONF" log receipt 999999 >"$W/out" 2>"$W/err"
expect_eq "receipt of a missing entry: exit status" 1 "$?"
expect_in "receipt of a missing entry: message" "no entry 999999" \
    "$(cat "$W/err")"

step "custos log receipt $N -o r.tlog-proof (daemon running)"
"$CUSTOS" -c "$CONF" log receipt "$N" --size "$SIZE" -o "$W/r.tlog-proof" \
    >"$W/out" || fail "log receipt -o"
expect_eq "stdout with -o" "" "$(cat "$W/out")"
"$CUSTOS" -c "$CONF" log receipt "$N" --size "$SIZE" >"$W/r.stdout" ||
    fail "log receipt to stdout"
cmp -s "$W/r.tlog-proof" "$W/r.stdout" || fail "-o and stdout differ"
expect_eq "header line" "c2sp.org/tlog-proof@v1" \
    "$(sed -n 1p "$W/r.tlog-proof")"
expect_eq "index line" "index $N" "$(sed -n 3p "$W/r.tlog-proof")"
"$CUSTOS" -c "$CONF" log entry "$N" >"$W/entry" || fail "log entry"
expect_eq "extra line" "extra $(base64 -w0 <"$W/entry")" \
    "$(sed -n 2p "$W/r.tlog-proof")"
"$CUSTOS" -c "$CONF" log receipt "$N" --size "$SIZE" --json >"$W/rj" ||
    fail "log receipt --json"
python3 - "$W/rj" "$W/r.tlog-proof" "$N" "$SIZE" <<'EOF' || fail "--json"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["receipt"] == open(sys.argv[2]).read(), "receipt text"
assert j["index"] == int(sys.argv[3]) and j["tree_size"] == int(sys.argv[4])
assert j["origin"] == "e2e.example/station" and j["root"].startswith("sha256:")
EOF

step "custos-verify receipt with the key and the clip: exit 0"
verify 0 "receipt and clip" --key "$K" "$W/r.tlog-proof" "$W/clip1.mp4"
expect_eq "checks passed" 5 "$(grep -c '^✔ ' "$W/vout")"
expect_in "what is proven" "verified: entry $N (segment.sealed, camera CAMR, object $OBJ) is in the log of \"e2e.example/station\" at tree size $SIZE, signed by key e2e.example/station+" \
    "$(cat "$W/vout")"
verify 0 "receipt alone" --key "$K" "$W/r.tlog-proof"
verify 0 "receipt, json" --json --key "$K" "$W/r.tlog-proof" "$W/clip1.mp4"
python3 - "$W/vout" "$N" "$OBJ" <<'EOF' || fail "verify --json"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["verified"] is True and j["index"] == int(sys.argv[2])
assert j["entry"]["object"] == sys.argv[3] == j["file_hash"]
assert [c["check"] for c in j["checks"]] == \
    ["receipt", "checkpoint", "inclusion", "entry", "file"]
EOF

step "independent check: Python hashlib and cryptography, format only"
python3 - "$W/r.tlog-proof" "$K" "$W/clip1.mp4" <<'EOF' || fail "python"
import base64, hashlib, json, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
H = lambda b: hashlib.sha256(b).digest()
b64 = lambda s: base64.b64decode(s, validate=True)
text = open(sys.argv[1], "rb").read()
head, note = text.split(b"\n\n", 1)
lines = head.decode().split("\n")
assert lines[0] == "c2sp.org/tlog-proof@v1"
extra = b64(lines[1][len("extra "):])
index = int(lines[2][len("index "):])
proof = [b64(l) for l in lines[3:]]
name, keyid, blob = open(sys.argv[2]).read().rstrip("\n").split("+", 2)
blob = b64(blob)
cut = note.rindex(b"\n\n") + 1
body, sigs = note[:cut], note[cut + 1:].decode().splitlines()
ok = False
for s in sigs:
    dash, who, sig = s.split(" ")
    sig = b64(sig)
    if who == name and sig[:4].hex() == keyid:
        Ed25519PublicKey.from_public_bytes(blob[1:]).verify(sig[4:], body)
        ok = True
assert ok, "no signature by the key"
origin, size, root = body.decode().split("\n")[:3]
size, root = int(size), b64(root)
assert origin == name
fn, sn, r = index, size - 1, H(b"\x00" + extra)
for p in proof:
    assert sn != 0
    if fn & 1 or fn == sn:
        r = H(b"\x01" + p + r)
        while not fn & 1 and fn != 0:
            fn >>= 1; sn >>= 1
    else:
        r = H(b"\x01" + r + p)
    fn >>= 1; sn >>= 1
assert sn == 0 and r == root, "inclusion proof"
obj = json.loads(extra)["object"]
assert obj == "sha256:" + hashlib.sha256(open(sys.argv[3], "rb").read()).hexdigest()
print(f"python: entry {index} in tree {size} of {origin}, object {obj}")
EOF

step "tampered receipts, another file, the wrong key: exit 1"
# Column 20 is inside the entry's base64: other bytes, same length.
flip "$W/r.tlog-proof" 2 20 "$W/t-extra"
verify 1 "extra changed" --key "$K" "$W/t-extra" "$W/clip1.mp4"
expect_in "extra changed: message" "NOT VERIFIED: inclusion:" \
    "$(cat "$W/vout")"
flip "$W/r.tlog-proof" 4 1 "$W/t-proof"
verify 1 "proof hash changed" --key "$K" "$W/t-proof"
sed "3s/.*/index $((N + 1))/" "$W/r.tlog-proof" >"$W/t-index"
verify 1 "index changed" --key "$K" "$W/t-index"
sig=$(grep -n '^— ' "$W/r.tlog-proof" | head -n 1 | cut -d: -f1)
flip "$W/r.tlog-proof" "$sig" 60 "$W/t-sig"
verify 1 "signature changed" --key "$K" "$W/t-sig"
expect_in "signature changed: message" "NOT VERIFIED: checkpoint:" \
    "$(cat "$W/vout")"
verify 1 "another file" --key "$K" "$W/r.tlog-proof" "$W/other.mp4"
expect_in "another file: message" "not the entry's object" "$(cat "$W/vout")"
"$CUSTOS" keygen e2e.example/station -o "$W/other" >/dev/null ||
    fail "keygen"
verify 1 "another key of the same name" --key "$W/other.vkey" \
    "$W/r.tlog-proof" "$W/clip1.mp4"
expect_in "wrong key: message" "no signature by key" "$(cat "$W/vout")"
"$CUSTOS" -c "$CONF" log receipt 0 --size "$SIZE" -o "$W/r0" ||
    fail "receipt of entry 0"
verify 0 "station.started, no file" --key "$K" "$W/r0"
verify 1 "station.started with a file" --key "$K" "$W/r0" "$W/clip1.mp4"
expect_in "no object: message" "names no object" "$(cat "$W/vout")"

step "unreadable input and usage: exit 2"
verify 2 "missing file" --key "$K" "$W/r.tlog-proof" "$W/nosuch.mp4"
verify 2 "missing receipt" --key "$K" "$W/nosuch.tlog-proof"
verify 2 "key file is not a key" --key "$W/clip1.mp4" "$W/r.tlog-proof"
verify 2 "no --key" "$W/r.tlog-proof"

step "the same receipt from the stopped station's log"
stop_daemon
"$CUSTOS" -c "$CONF" log receipt "$N" --size "$SIZE" >"$W/r.after" ||
    fail "log receipt after stop"
cmp -s "$W/r.tlog-proof" "$W/r.after" || fail "receipt changed after stop"
"$CUSTOS" -c "$CONF" log receipt "$N" >"$W/r.latest" || fail "latest"
expect_eq "latest receipt is against the stop checkpoint" \
    "$(checkpoint_size)" "$(sed -n '/^$/{n;n;p;q}' "$W/r.latest")"
verify 0 "latest receipt" --key "$K" "$W/r.latest" "$W/clip1.mp4"
echo "PASS"
