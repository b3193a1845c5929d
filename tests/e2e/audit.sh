#!/bin/sh
# custos audit on a real station with a real TSA ("openssl ts" behind
# tests/tools/tsa_server.py): a camera docked, its footage linked to an
# inspection that also seals a document, the inspection left and closed,
# checkpoints timestamped; a file refused at one docking and gone at the
# next is listed (a custody fact, not an integrity failure).  The audit passes with every part checked,
# with the daemon running and stopped; a timestamp checked against
# another CA fails; without [tsa] the timestamps are "not checked"; a
# byte flipped in a stored object and a deleted object fail, naming the
# entry and the object; restoring the byte passes again; entries forged
# with the station's own key (the log and its checkpoints verify) that
# break a camera chain and an inspection chain are found; an entry's bytes
# changed in the database fail the log part.
. "$(dirname "$0")/lib.sh"
station_vars

# sealed TYPE NAME: the index of the TYPE entry whose path or name is NAME.
sealed() {
	{ entries_where "$1" path "$2"; entries_where "$1" name "$2"; } |
	    sort -nu
}

# timestamps: how many checkpoint timestamps the log holds.
timestamps() {
	python3 - "$S" <<'EOF'
import sqlite3, sys
db = sqlite3.connect("file:%s/log.db?mode=ro" % sys.argv[1], uri=True,
                     timeout=10)
try:
    print(db.execute("SELECT count(*) FROM timestamps").fetchone()[0])
except sqlite3.OperationalError:
    print(0)
EOF
}

# wait_sessions N: until CAM1 has N dock.session entries.
wait_sessions() {
	wait_until 90 "CAM1: $1 dock.session" has_session CAM1 "$1"
}

# forge ENTRY...: appends the JSON entries given ("index" is filled in)
# to the stopped station's log as the station itself would, with their
# node hashes and a checkpoint signed by station.key, so that "custos log
# verify" passes and only the audit's reading of the entries can object.
# Prints the new indexes.
forge() {
	python3 - "$S" "$@" <<'EOF'
import base64, hashlib, json, sqlite3, subprocess, sys
state, new = sys.argv[1], sys.argv[2:]
H = lambda b: hashlib.sha256(b).digest()
db = sqlite3.connect("%s/log.db" % state, isolation_level=None)
def node_id(level, index):
    m = ((index + 1) << level) - 1
    return 2 * m - bin(m).count("1") + level
def node(level, index):
    return db.execute("SELECT hash FROM nodes WHERE id = ?",
                      (node_id(level, index),)).fetchone()[0]
def root(lo, hi):
    if hi - lo == 1:
        return db.execute("SELECT leaf FROM entries WHERE idx = ?",
                          (lo,)).fetchone()[0]
    k = 1
    while k * 2 < hi - lo:
        k *= 2
    return H(b"\x01" + root(lo, lo + k) + root(lo + k, hi))
db.execute("BEGIN IMMEDIATE")
n = db.execute("SELECT count(*) FROM entries").fetchone()[0]
for text in new:
    e = json.loads(text)
    e = dict([("type", e.pop("type")), ("index", n)] + list(e.items()))
    data = json.dumps(e, ensure_ascii=False, separators=(",", ":")).encode()
    leaf = H(b"\x00" + data)
    db.execute("INSERT INTO entries (idx, data, leaf) VALUES (?, ?, ?)",
               (n, data, leaf))
    nid = db.execute("SELECT count(*) FROM nodes").fetchone()[0]
    h, m, level = leaf, n, 0
    db.execute("INSERT INTO nodes (id, hash) VALUES (?, ?)", (nid, h))
    while m & 1:
        h = H(b"\x01" + node(level, m - 1) + h)
        level, m, nid = level + 1, m >> 1, nid + 1
        db.execute("INSERT INTO nodes (id, hash) VALUES (?, ?)", (nid, h))
    print(n)
    n += 1
_, _, name, keyid, blob = open("%s/station.key" % state).read().strip() \
    .split("+", 4)
seed = base64.b64decode(blob)[1:]
text = ("%s\n%d\n%s\n" % (name, n,
        base64.b64encode(root(0, n)).decode())).encode()
# The seed as PKCS#8 DER, signed by the openssl command.
open("forge.der", "wb").write(bytes.fromhex(
    "302e020100300506032b657004220420") + seed)
open("forge.txt", "wb").write(text)
sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-rawin", "-inkey",
    "forge.der", "-keyform", "DER", "-in", "forge.txt"], check=True,
    capture_output=True).stdout
assert len(sig) == 64, sig
note = text + ("\n\u2014 %s %s\n" % (name, base64.b64encode(
    bytes.fromhex(keyid) + sig).decode())).encode()
db.execute("INSERT INTO checkpoints (size, note) VALUES (?, ?)", (n, note))
db.execute("COMMIT")
EOF
}

# audit WANT [ARGS...]: runs custos audit into audit.out, checks its exit.
audit() {
	want=$1
	shift
	c audit "$@" >audit.out 2>audit.err
	st=$?
	[ "$st" -eq "$want" ] || fail "audit $*: exit $st, expected $want:
$(cat audit.out audit.err)"
}

# flip FILE: inverts the byte in the middle of FILE (store files are 0440).
flip() {
	chmod u+w "$1" || fail "chmod $1"
	python3 - "$1" <<'EOF' || fail "flip a byte of $1"
import os, sys
with open(sys.argv[1], "r+b") as f:
    n = os.fstat(f.fileno()).st_size
    f.seek(n // 2)
    b = f.read(1)
    f.seek(n // 2)
    f.write(bytes([b[0] ^ 0xff]))
EOF
}

cd "$W" || exit 1
start_tsa
trap stop_tsa EXIT
station_start conf_tsa

step "an inspection with docked footage linked by hand and a document"
registry_basics 2
ID=$(c inspection register --enterprise $USCC --officer PA-0001 \
    --officer PA-0002 --basis 安全生产法第六十五条 --content 检查) ||
    fail "register: $ID"
c inspection enter "$ID" >/dev/null || fail "enter"
footage_small "$W/prep/CAM1" audit-cam1 || fail "footage"
mkfifo "$W/prep/CAM1/gone.mp4" || fail "mkfifo"
mv "$W/prep/CAM1" "$D/CAM1" || fail "dock CAM1"
wait_sessions 1
step "undocked, gone.mp4 (refused, never sealed) deleted, docked again"
mv "$D/CAM1" "$W/prep/CAM1" || fail "undock CAM1"
i=0
while c status --json | grep -q '"camera": *"CAM1"'; do
	i=$((i + 1))
	[ $i -gt 600 ] && fail "CAM1 still docked 60 s after undocking"
	sleep 0.1
done
rm "$W/prep/CAM1/gone.mp4"
mv "$W/prep/CAM1" "$D/CAM1" || fail "dock CAM1 again"
wait_sessions 2
CLIP=$(sealed segment.sealed small.mp4)
NOTE=$(sealed segment.sealed note.txt)
[ -n "$CLIP" ] && [ -n "$NOTE" ] || fail "segments [$CLIP] [$NOTE]"
for n in $CLIP $NOTE; do
	c inspection link "$ID" --segment "$n" --reason "the officers' camera" \
	    >/dev/null || fail "link $n"
done
printf '现场检查记录 audit\n' >record.txt
c inspection document "$ID" --kind record --file record.txt >/dev/null ||
    fail "document"
DOC=$(sealed document.sealed record.txt)
[ -n "$DOC" ] || fail "no document.sealed"
c inspection leave "$ID" >/dev/null || fail "leave"
c inspection close "$ID" --result 未发现问题 >/dev/null || fail "close"
i=0
while [ "$(timestamps)" -lt 2 ]; do
	i=$((i + 1))
	[ $i -gt 600 ] && fail "fewer than 2 timestamps after 60 s"
	sleep 0.1
done

step "good station, daemon running: exit 0, every part checked"
audit 0
cat audit.out
out=$(cat audit.out)
expect_in "log" "✔ log" "$out"
expect_in "timestamps" "✔ timestamps" "$out"
expect_in "timestamps against the CA" "verified against $W/tsa/ca.pem" "$out"
expect_in "objects" "✔ objects      3 of 3 objects present and re-hashed" \
    "$out"
expect_in "cameras" "✔ cameras      1 camera chain of 2 segments, 2 dock sessions; 1 file gone from cameras unsealed" "$out"
expect_in "the file gone" "CAM1: gone.mp4 (0 bytes, last refused) gone from the camera unsealed" "$out"
expect_in "inspections" "✔ inspections  1 chain of" "$out"
expect_in "verdict" "integrity proven" "$out"
case "$out" in *✘*) fail "a ✘ on a good station" ;; esac

step "--json, daemon stopped"
stop_daemon
audit 0 --json
python3 - audit.out "$ID" <<'EOF' || fail "audit --json: $(cat audit.out)"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["verified"] is True and a["failures"] == 0, a
assert a["log"]["ok"] and a["log"]["entries"] == a["tree_size"], a["log"]
t = a["timestamps"]
assert t["ok"] and t["stored"] >= 2 and t["verified"] == t["stored"], t
assert all(x["time"].endswith("Z") for x in t["timestamps"]), t
o = a["objects"]
assert o["ok"] and o["checked"] == 3 and o["good"] == 3, o
assert a["cameras"]["ok"] and a["cameras"]["segments"] == 2, a["cameras"]
assert a["inspections"]["ok"] and a["inspections"]["inspections"] == 1
assert a["findings"]["inspections"] == 1, a["findings"]
assert a["findings"]["not_evaluated"] == [], a["findings"]
print("json: %d entries, %d timestamps, %d findings" % (a["tree_size"],
    t["verified"], len(a["findings"]["findings"])))
EOF

step "timestamps checked against another CA: ✘"
sed "s#^ca = .*#ca = $W/tsa/other-ca.pem#" "$CONF" >other.conf
CONF_SAVED=$CONF
CONF=$W/other.conf
audit 1
cat audit.out
expect_in "timestamps fail" "✘ timestamps" "$(cat audit.out)"
expect_in "names a tree size" "checkpoint of tree size" "$(cat audit.out)"
expect_in "verdict" "NOT PROVEN" "$(cat audit.out)"

step "no [tsa] in the configuration: timestamps not checked"
sed '/^\[tsa\]/,$d' "$CONF_SAVED" >notsa.conf
CONF=$W/notsa.conf
audit 0
expect_in "not checked" "not checked: no [tsa] ca" "$(cat audit.out)"
CONF=$CONF_SAVED

step "one byte flipped in the stored clip: ✘ naming entry $CLIP"
P=$(object_path "$CLIP")
H=$(entry_field "$CLIP" object)
flip "$P"
audit 1
cat audit.out
expect_in "objects fail" "✘ objects" "$(cat audit.out)"
expect_in "entry and object" "entry $CLIP: segment.sealed $H: altered" \
    "$(cat audit.out)"
audit 0 --no-objects
expect_in "--no-objects does not re-hash" "not re-hashed" "$(cat audit.out)"
flip "$P"
audit 0

step "the document's object deleted: ✘ missing, naming entry $DOC"
P=$(object_path "$DOC")
H=$(entry_field "$DOC" object)
rm -f "$P" || fail "rm $P"
audit 1
cat audit.out
expect_in "missing" "entry $DOC: document.sealed $H: missing from the store" \
    "$(cat audit.out)"
audit 1 --json --no-objects
python3 - audit.out "$DOC" "$H" <<'EOF' || fail "json of the missing object"
import json, sys
a = json.load(open(sys.argv[1]))
f = a["objects"]["failures"]
assert a["verified"] is False and len(f) == 1, f
assert f[0]["entry"] == int(sys.argv[2]) and f[0]["object"] == sys.argv[3]
assert f[0]["state"] == "missing", f
EOF

step "entries forged with the station key: chains broken, log verifies"
X=sha256:$(printf x | sha256sum | cut -c1-64)
Y=sha256:$(printf y | sha256sum | cut -c1-64)
SEG=$(forge '{"type":"segment.sealed","time":"2026-11-26T01:00:00.000Z",
"station":"e2e.example/station","object":"'$X'","size":1,"camera":"CAM1",
"source":"usb","path":"forged.mp4","mtime":"2026-11-26T01:00:00.000Z",
"camera_prev":"'$Y'","decodable":false}' \
    '{"type":"evidence.linked","time":"2026-11-26T01:00:01.000Z",
"station":"e2e.example/station","inspection":"'"$ID"'",
"inspection_prev":"'$Y'","segment":99999,"object":"'$X'","by":"operator",
"reason":"forged"}') || fail "forge: $SEG"
set -- $SEG
out=$(c log verify) || fail "log verify of the forged log: $out"
audit 1 --no-objects
cat audit.out
out=$(cat audit.out)
expect_in "log still verifies" "✔ log" "$out"
expect_in "camera chain" "✘ cameras" "$out"
expect_in "camera break named" "entry $1: segment of CAM1: camera_prev $Y" \
    "$out"
expect_in "inspection chain" "✘ inspections" "$out"
expect_in "chain break named" \
    "entry $2: $ID: evidence.linked has inspection_prev $Y" "$out"
expect_in "link to no segment" \
    "entry $2: $ID: evidence.linked names segment 99999" "$out"

step "an entry's bytes changed in the database: ✘ log"
python3 - "$S" "$ID" <<'EOF' || fail "change entry bytes"
import sqlite3, sys
db = sqlite3.connect("%s/log.db" % sys.argv[1], isolation_level=None)
db.execute("DROP TRIGGER entries_no_update")
db.execute("UPDATE entries SET data = replace(data, ?, ?) WHERE idx = 5",
           (sys.argv[2].encode(), sys.argv[2].replace("-0001", "-0002")
            .encode()))
EOF
audit 1 --no-objects
out=$(cat audit.out)
expect_in "log fails" "✘ log" "$out"
expect_in "names entry 5" "entry 5: stored leaf hash does not match" "$out"

step "usage and unreadable state: exit 2"
audit 2 --bogus
CONF=$W/nowhere.conf
sed "s#^state_dir = .*#state_dir = nowhere#" "$CONF_SAVED" >"$CONF"
audit 2
expect_in "says why" "no log here yet" "$(cat audit.err)"
CONF=$CONF_SAVED

stop_tsa
if grep -q "ERROR: AddressSanitizer\|runtime error" custosd.err; then
	fail "sanitizer report"
fi
echo "ok audit"
