#!/bin/sh
# custos log publish --dir while the real custosd runs (with a real RFC
# 3161 TSA): the published directory is checked by a verifier written
# here in Python from the C2SP tlog-tiles spec alone (tiles.py below:
# the tile paths, every entry of every bundle against `custos log entry`,
# the level-0 hashes as SHA-256(0x00 || entry), the root against the
# checkpoint); more entries and a second publication send only the new
# tiles; --timestamped publishes a checkpoint with its token, which
# openssl ts -verify checks; a directory holding another station's log
# is refused and left alone.  (Go's tlog checks the tiles too:
# tests/interop/tiles.sh.)
. "$(dirname "$0")/lib.sh"

station_vars
start_tsa
trap 'stop_tsa' EXIT
station_start conf_tsa

# tiles.py DIR: verifies the tiles of DIR/checkpoint's tree against the
# log (custos log entry) and prints "SIZE ENTRIES TILES".
cat >"$W/tiles.py" <<'EOF'
import base64, hashlib, os, subprocess, sys

d, custos, conf = sys.argv[1:4]
lines = open(os.path.join(d, "checkpoint"), "rb").read().split(b"\n")
size, root = int(lines[1]), base64.b64decode(lines[2])

def path(level, n, w):
    s = "%d" % n
    s = "0" * (-len(s) % 3) + s
    groups = [s[i:i + 3] for i in range(0, len(s), 3)]
    p = "/".join(["x" + g for g in groups[:-1]] + [groups[-1]])
    return "tile/%s/%s%s" % (level, p, "" if w == 256 else ".p/%d" % w)

def read(level, count):
    """The hashes (or entries) of a level holding count of them."""
    out = []
    for n in range((count + 255) // 256):
        w = min(256, count - n * 256)
        data = open(os.path.join(d, path(level, n, w)), "rb").read()
        if level == "entries":
            for i in range(w):
                ln = int.from_bytes(data[:2], "big")
                out.append(data[2:2 + ln])
                data = data[2 + ln:]
            assert data == b"", "bytes after the entries of bundle %d" % n
        else:
            assert len(data) == 32 * w, path(level, n, w)
            out += [data[i:i + 32] for i in range(0, len(data), 32)]
    return out

def mth(hs):
    """RFC 9162 Merkle tree hash over hashes already hashed as leaves."""
    if len(hs) == 1:
        return hs[0]
    k = 1
    while k * 2 < len(hs):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(hs[:k]) + mth(hs[k:])).digest()

entries = read("entries", size)
leaves = read(0, size)
assert len(entries) == size
for i, e in enumerate(entries):
    want = subprocess.run([custos, "-c", conf, "log", "entry", str(i)],
                          check=True, capture_output=True).stdout
    assert e == want, "entry %d differs from custos log entry" % i
    assert hashlib.sha256(b"\x00" + e).digest() == leaves[i], \
        "entry %d does not hash to its leaf" % i
assert mth(leaves) == root, "the tiles do not give the checkpoint's root"
tiles = sum(len(f) for _, _, f in os.walk(os.path.join(d, "tile")))
print(size, len(entries), tiles)
EOF
tiles_ok() {
	python3 "$W/tiles.py" "$1" "$CUSTOS" "$CONF" >"$W/tiles.out" 2>&1 ||
	    fail "tiles.py $1: $(tail -n 3 "$W/tiles.out")"
	cat "$W/tiles.out"
}

step "publish while custosd runs"
registry_basics 3
wait_until 30 "a checkpoint of 4 entries" checkpoint_covers 3
exits pub1 0 c log publish --dir "$W/pub"
n1=$(sed -n 2p "$W/pub/checkpoint")
expect_in "first publication" "published tree size $n1 (was 0): 1 tiles, 1 entry bundles" \
    "$(cat "$W/pub1.out")"
c log checkpoint --size "$n1" >"$W/cp1"
cmp -s "$W/cp1" "$W/pub/checkpoint" ||
    fail "the published checkpoint is not the stored one of size $n1"
expect_eq "tiles of $n1" "$n1 $n1 2" "$(tiles_ok "$W/pub")"
kill -0 "$DPID" || fail "custosd died"

step "more entries, published again"
c officer add PA-0009 --name officer9 --unit 执法支队 --credential X9 \
    --valid-until 2099-12-31 >/dev/null || fail "officer 9"
wait_until 30 "a checkpoint past $n1" checkpoint_covers "$n1"
exits pub2 0 c log publish --dir "$W/pub" --json
n2=$(sed -n 2p "$W/pub/checkpoint")
expect_eq "second publication" "$n1 tile/entries/000.p/$n2 tile/0/000.p/$n2 checkpoint" \
    "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["old_size"], " ".join(f["path"] for f in d["files"]
                             if f["path"] != "checkpoint.tsr"))' "$W/pub2.out")"
expect_eq "tiles of $n2" "$n2 $n2 4" "$(tiles_ok "$W/pub")"
[ -f "$W/pub/tile/0/000.p/$n1" ] || fail "the partial tile of $n1 is gone"

step "--timestamped: the checkpoint with its token"
has_token() {
	[ -n "$(c log timestamp --json 2>/dev/null)" ]
}
wait_until 60 "an RFC 3161 token" has_token
exits pub3 0 c log publish --dir "$W/stamped" --timestamped
expect_in "timestamped" "checkpoint.tsr" "$(cat "$W/pub3.out")"
exits tsr 0 openssl ts -verify -data "$W/stamped/checkpoint" \
    -in "$W/stamped/checkpoint.tsr" -CAfile "$TSA_CA"
n3=$(sed -n 2p "$W/stamped/checkpoint")
expect_eq "tiles of $n3" "$n3 $n3 2" "$(tiles_ok "$W/stamped")"

step "a directory holding another log is refused"
mkdir -p "$W/other"
sed 's/^[A-Za-z0-9+/]\{43\}=$/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=/' \
    "$W/pub/checkpoint" >"$W/other/checkpoint"
cmp -s "$W/pub/checkpoint" "$W/other/checkpoint" && fail "no fork made"
exits fork 1 c log publish --dir "$W/other"
expect_in "fork" "has another root than this log's tree of that size: a fork" \
    "$(cat "$W/fork.err")"
[ -e "$W/other/tile" ] && fail "tiles written beside a fork"

stop_daemon
stop_tsa
echo "tiles_publish: ok"
