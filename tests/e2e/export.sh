#!/bin/sh
# custos export through the real daemon with a real RFC 3161 TSA
# ("openssl ts -reply"): a closed inspection with ffmpeg footage docked
# and linked automatically and a sealed document (tests/tools/mkbundle.sh)
# is exported to a directory and to a tar, and each bundle is checked
# with generic tools only, as docs/bundle.md says an independent reviewer
# would: openssl ts -verify, sha256sum, a Python RFC 9162 proof check
# against the checkpoint root, the inspection's hash chain, ffprobe's
# packet root.  Then: the export is logged as bundle.exported in the
# chain; an existing output is never overwritten; an unknown inspection,
# a usage error, a damaged store object and a TSA that does not answer
# each fail cleanly and leave nothing behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../tools/mkbundle.sh"
TOOLS_DIR=$(cd "$(dirname "$0")/../tools" && pwd)

# nothing_left: no temporary bundle is left in $W.
nothing_left() {
	left=$(ls -a "$W" | grep 'partial' || true)
	expect_eq "temporary files left in the work directory" "" "$left"
}

# check_bundle DIR: the generic checks of docs/bundle.md, steps 2 to 7.
check_bundle() {
	b=$1
	if [ -f "$b/checkpoint.tsr" ]; then
		out=$(openssl ts -verify -data "$b/checkpoint" \
		    -in "$b/checkpoint.tsr" -CAfile "$TSA_CA" 2>&1) ||
		    fail "openssl ts -verify $b: $out"
		expect_in "openssl ts -verify" "Verification: OK" "$out"
	fi
	(cd "$b/media" && for f in *; do
		h=$(sha256sum "$f" | cut -d' ' -f1)
		[ "$h.${f#*.}" = "$f" ] || { echo "$f hashes to $h"; exit 1; }
	done) || fail "sha256sum of $b/media"
	python3 - "$b" "$ID" <<'EOF' || fail "bundle $b"
import base64, hashlib, json, os, sys
b, ins = sys.argv[1], sys.argv[2]
H = lambda x: hashlib.sha256(x).digest()
cp = open(os.path.join(b, "checkpoint"), "rb").read().decode().split("\n")
size, root = int(cp[1]), base64.b64decode(cp[2])

def check_proof(index, size, leaf, proof, root):
    # RFC 9162 section 2.1.3.2, as written there.
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = H(b"\x01" + p + r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = H(b"\x01" + r + p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root

entries, leaves = {}, {}
for name in os.listdir(os.path.join(b, "entries")):
    n = int(name[:-5])
    raw = open(os.path.join(b, "entries", name), "rb").read()
    e = json.loads(raw)
    assert e["index"] == n, (name, e["index"])
    leaf = H(b"\x00" + raw)
    text = open(os.path.join(b, "proofs", "%d.proof" % n)).read()
    proof = [base64.b64decode(l) for l in text.split("\n") if l]
    assert text == "".join(base64.b64encode(p).decode() + "\n"
                           for p in proof), "proof %d layout" % n
    assert check_proof(n, size, leaf, proof, root), "proof of %d" % n
    entries[n], leaves[n] = e, leaf
assert sorted(os.listdir(os.path.join(b, "proofs"))) == \
    sorted("%d.proof" % n for n in entries), "proofs/ differs from entries/"
chain = sorted(n for n, e in entries.items() if e.get("inspection") == ins)
first = entries[chain[0]]
assert first["type"] == "inspection.registered", first["type"]
assert "inspection_prev" not in first
for a, n in zip(chain, chain[1:]):
    want = "sha256:" + leaves[a].hex()
    assert entries[n]["inspection_prev"] == want, ("chain broken at", n)
types = [entries[n]["type"] for n in chain]
assert "inspection.closed" in types, types
media = {f.split(".")[0]: f for f in os.listdir(os.path.join(b, "media"))}
for n in chain:
    e = entries[n]
    if e["type"] == "evidence.linked":
        s = entries[e["segment"]]
        assert s["type"] == "segment.sealed", s["type"]
        hexd = s["object"].split(":")[1]
        assert hexd in media, ("segment object not in media/", hexd)
        size_f = os.path.getsize(os.path.join(b, "media", media[hexd]))
        assert size_f == s["size"], ("size of", hexd)
    if e["type"] == "document.sealed":
        assert e["object"].split(":")[1] in media, "document object"
sessions = [e for e in entries.values() if e["type"] == "dock.session"]
assert sessions, "no dock.session in the bundle"
starts = [e for e in entries.values() if e["type"] == "station.started"]
assert starts, "no station.started in the bundle"
m = json.load(open(os.path.join(b, "MANIFEST.json")))
assert m["format"] == "custos-bundle@1" and m["inspection"] == ins
assert m["checkpoint_size"] == size, (m["checkpoint_size"], size)
assert m["chain"] == chain, (m["chain"], chain)
assert sorted(x["index"] for x in m["entries"]) == sorted(entries)
assert sorted(x["path"] for x in m["items"]) == \
    sorted("media/" + f for f in media.values())
roles = {x["index"]: x["role"] for x in m["entries"]}
want_role = {"segment.sealed": "segment", "dock.session": "session",
             "station.started": "station", "officer.added": "context",
             "enterprise.added": "context", "enterprise.risk": "context",
             "device.registered": "context", "camera.assigned": "context"}
for n, e in entries.items():
    want = "chain" if e.get("inspection") == ins else want_role[e["type"]]
    assert roles[n] == want, (n, e["type"], roles[n])
for it in m["items"]:
    e = entries[it["entry"]]
    assert e["object"] == it["object"], it
    if e["type"] == "segment.sealed":
        assert it["made"]["method"] == "usb" and it["made"]["device"] == \
            "CAM-E01", it["made"]
        assert it["made"]["device_kind"] == "body", it["made"]
        assert roles[it["made"]["session"]] == "session", it["made"]
        assert it["maker"] == {"officer": "PA-0001", "name": "张伟"}, \
            it["maker"]
        assert it["linked"] is True and it["transcript"] is None
    assert it["purpose"] == (os.environ.get("PURPOSE") or
        "the conduct of inspection " + ins), it["purpose"]
kinds = sorted(it["kind"] for it in m["items"])
assert kinds == ["document", "other", "video"], kinds
print("entries=%d chain=%d media=%d size=%d" % (len(entries), len(chain),
      len(media), size))
EOF
	# docs/bundle.md step 5: ffprobe's packets give the entry's root.
	for f in "$b"/media/*.mp4; do
		want=$(python3 - "$b" "$(basename "$f")" <<'EOF'
import json, os, sys
for n in os.listdir(os.path.join(sys.argv[1], "entries")):
    e = json.load(open(os.path.join(sys.argv[1], "entries", n)))
    if e.get("object", "").split(":")[-1] == sys.argv[2].split(".")[0] \
            and "media" in e:
        print(e["media"]["packet_root"])
EOF
)
		got=$(python3 "$TOOLS_DIR/packet_root.py" "$f" | sed -n \
		    's/^packet_root=\([^ ]*\).*/\1/p')
		expect_eq "packet root of $(basename "$f")" "$want" "$got"
	done
}

cd "$W" || exit 1
step "a closed inspection with docked footage and a document"
mkbundle_station

step "export to a directory"
c export "$ID" -o "$W/b" --purpose "证明 $ID 的检查过程" >exp1.out 2>exp1.err ||
    fail "export: $(cat exp1.err)"
expect_in "summary" "exported $ID to $W/b (directory)" "$(cat exp1.out)"
expect_in "summary" "timestamped" "$(cat exp1.out)"
for f in MANIFEST.json checkpoint checkpoint.tsr station.vkey; do
	[ -s "$W/b/$f" ] || fail "$f missing from the bundle"
done
cmp -s "$W/b/station.vkey" "$W/state/station.vkey" ||
    fail "station.vkey differs from the station's"
ls "$W/b/calendar" | grep -q '^cn-2026\.cal$' || fail "no calendar file"

step "check it with generic tools"
PURPOSE="证明 $ID 的检查过程"
export PURPOSE
check_bundle "$W/b"
unset PURPOSE
"$CUSTOS_VERIFY" checkpoint --key "$W/state/station.vkey" "$W/b/checkpoint" \
    >/dev/null || fail "the bundle's checkpoint is not the station's"
"$CUSTOS_VERIFY" bundle --lang en --key "$W/state/station.vkey" \
    --tsa-ca "$TSA_CA" "$W/b" >verify.out 2>&1 || fail "custos-verify bundle: $(cat verify.out)"
expect_in "custos-verify bundle" "VERIFIED: integrity proven" \
    "$(cat verify.out)"

step "the export is logged as bundle.exported in the chain"
c inspection show "$ID" --json >show.json || fail "show"
LAST=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))
    ["chain"][-1]["index"])' show.json)
expect_eq "type of the chain's last entry" bundle.exported \
    "$(entry_field "$LAST" type)"
expect_eq "manifest digest" \
    "sha256:$(sha256sum "$W/b/MANIFEST.json" | cut -d' ' -f1)" \
    "$(entry_field "$LAST" manifest)"
expect_eq "format" dir "$(entry_field "$LAST" format)"
expect_eq "by" "$(id -un)" "$(entry_field "$LAST" by)"
expect_eq "files" "$(find "$W/b" -type f | wc -l)" \
    "$(entry_field "$LAST" files)"
expect_eq "checkpoint_size" "$(sed -n 2p "$W/b/checkpoint")" \
    "$(entry_field "$LAST" checkpoint_size)"

step "the daemon refuses a bundle.exported that names no stored checkpoint"
N1=$(tree_size)
for body in '{"checkpoint_size": 999999, "manifest": "sha256:'"$(printf '%064d' 0)"'", "files": 1, "bytes": 1, "format": "dir"}' \
    '{"checkpoint_size": 1, "manifest": "md5:00", "files": 1, "bytes": 1, "format": "dir"}' \
    '{"checkpoint_size": 1, "manifest": "sha256:'"$(printf '%064d' 0)"'", "files": 1, "bytes": 1, "format": "zip"}'; do
	code=$(curl -s -o refused.json -w '%{http_code}' --unix-socket \
	    "$W/control.sock" -H 'Content-Type: application/json' -d "$body" \
	    "http://localhost/v1/inspections/$ID/exported")
	expect_eq "HTTP status of $body" 400 "$code"
done
expect_in "refusal" "unknown format" "$(cat refused.json)"
expect_eq "nothing appended by refused requests" "$N1" "$(tree_size)"

step "export to a tar (pax), --json"
c export "$ID" -o "$W/b.tar" --purpose "the conduct of inspection $ID" --json >exp2.json 2>exp2.err ||
    fail "export tar: $(cat exp2.err)"
expect_eq "json format" tar "$(python3 -c 'import json,sys
print(json.load(open(sys.argv[1]))["format"])' exp2.json)"
tar tf "$W/b.tar" | sort >tar.list || fail "tar tf"
mkdir "$W/bt" && tar xf "$W/b.tar" -C "$W/bt" || fail "tar xf"
(cd "$W/bt" && find . -type f | sed 's|^\./||' | sort) >x.list
cmp -s tar.list x.list || fail "tar tf lists other files than it holds"
# The tar was exported after the first bundle.exported, which is now in
# the chain: it has that entry and its proof on top of the directory's.
(cd "$W/b" && find . -type f | sed 's|^\./||' | sort) >d.list
extra=$(comm -13 d.list tar.list | tr '\n' ' ')
expect_eq "the tar's members beyond the directory's" \
    "entries/$LAST.json proofs/$LAST.proof " "$extra"
[ -z "$(comm -23 d.list tar.list)" ] || fail "the tar lacks files"
for f in "$W"/b/media/*; do
	cmp -s "$f" "$W/bt/media/$(basename "$f")" ||
	    fail "media $(basename "$f") differs in the tar"
done
check_bundle "$W/bt"
"$CUSTOS_VERIFY" bundle --key "$W/state/station.vkey" --tsa-ca "$TSA_CA" \
    "$W/b.tar" >verify.out 2>&1 ||
    fail "custos-verify bundle of the tar: $(cat verify.out)"

step "an output named with a trailing slash is that directory"
c export "$ID" -o "$W/b2/" --purpose "复核" >/dev/null 2>ex.err || fail "export b2/: $(cat ex.err)"
[ -f "$W/b2/MANIFEST.json" ] || fail "b2/ was not written as b2"

step "an existing output is never overwritten"
before=$(sha256sum "$W/b.tar")
c export "$ID" -o "$W/b.tar" --purpose "复核" >/dev/null 2>ex.err
expect_eq "exit status over an existing tar" 1 $?
expect_in "message" "exists; not overwriting" "$(cat ex.err)"
expect_eq "the tar is untouched" "$before" "$(sha256sum "$W/b.tar")"
c export "$ID" -o "$W/b" --purpose "复核" >/dev/null 2>ex.err
expect_eq "exit status over an existing directory" 1 $?

step "unknown inspection, usage errors"
c export INS-20990101-0001 -o "$W/nope" --purpose "复核" >/dev/null 2>ex.err
expect_eq "exit status, unknown inspection" 1 $?
expect_eq "message" "custos: no inspection INS-20990101-0001" "$(cat ex.err)"
[ -e "$W/nope" ] && fail "an output was left for an unknown inspection"
c export "$ID" >/dev/null 2>&1
expect_eq "exit status without -o" 2 $?
c export "$ID" -o "$W/x" --bogus >/dev/null 2>&1
expect_eq "exit status with an unknown flag" 2 $?
nothing_left

step "a store object that no longer matches its entry stops the export"
N0=$(tree_size)
DOC=$(python3 -c 'import json,sys
m = json.load(open(sys.argv[1]))
print([i["object"] for i in m["items"] if i["kind"] == "document"][0]
      .split(":")[1])' "$W/b/MANIFEST.json")
OBJ=$W/state/store/objects/$(echo "$DOC" | cut -c1-2)/$(echo "$DOC" | cut -c3-)
chmod u+w "$OBJ" && printf 'X' | dd of="$OBJ" bs=1 seek=3 conv=notrunc \
    2>/dev/null || fail "damage $OBJ"
c export "$ID" -o "$W/bad.tar" --purpose "复核" >/dev/null 2>ex.err
expect_eq "exit status, damaged object" 1 $?
expect_in "message" "does not match entry" "$(cat ex.err)"
[ -e "$W/bad.tar" ] && fail "a bundle was left from a failed export"
nothing_left
expect_eq "nothing logged for the failed export" "$N0" "$(tree_size)"
python3 - "$OBJ" "$W/b/media/$DOC".* <<'EOF' || fail "restore the object"
import shutil, sys
shutil.copyfile(sys.argv[2], sys.argv[1])
EOF

step "a TSA that does not answer: refused, or untimestamped on request"
# A new chain entry, so that no stored timestamped checkpoint covers it.
curl -sf --unix-socket "$W/control.sock" -H 'Content-Type: application/json' \
    -d '{"text": "企业对检查结果无异议"}' \
    "http://localhost/v1/inspections/$ID/feedback" >/dev/null ||
    fail "enterprise feedback"
touch "$TSA_DIR/down"
c export "$ID" -o "$W/nots" --purpose "复核" --wait 2 >/dev/null 2>ex.err
expect_eq "exit status, no token" 1 $?
expect_in "message" "the TSA did not timestamp checkpoint" "$(cat ex.err)"
[ -e "$W/nots" ] && fail "a bundle was left without a token"
c export "$ID" -o "$W/nots" --purpose "the conduct of inspection $ID" --wait 1 --allow-untimestamped >nots.out \
    2>ex.err || fail "--allow-untimestamped: $(cat ex.err)"
expect_in "summary" "NOT timestamped" "$(cat nots.out)"
[ -e "$W/nots/checkpoint.tsr" ] && fail "checkpoint.tsr without a token"
check_bundle "$W/nots"
expect_in "manifest" '"untimestamped": "the TSA did not timestamp' \
    "$(cat "$W/nots/MANIFEST.json")"
rm -f "$TSA_DIR/down"

step "the log verifies"
c log verify >verify.out 2>&1 || fail "log verify: $(cat verify.out)"
stop_daemon
stop_tsa
nothing_left
echo "export: ok"
