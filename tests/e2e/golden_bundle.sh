#!/bin/sh
# The bundle wire format does not move.  tests/data/golden/station is a
# stopped station (docs/bundle.md): one closed inspection with two tiny
# ffmpeg segments docked from a body camera and linked automatically, a
# sealed on-site record, the enterprise's feedback, and a stored
# checkpoint with its RFC 3161 token that covers all of it.  It is copied
# to the scratch directory, the real custosd is started on the copy (the
# export logs bundle.exported through it) and the inspection is exported
# by the custos under test, as a directory and, from a fresh copy, as a
# tar.  Every file must equal tests/data/golden/bundle byte for byte,
# except the two members of MANIFEST.json that belong to the export
# itself, exported_at and exported_by: the manifests must be equal with
# those two values blanked, exported_at must be an RFC 3339 UTC time with
# milliseconds taken during the export and exported_by the user running
# it.  The tar must hold the same members in the order and with the
# header blocks of tests/data/golden/bundle.tar, apart from the members'
# times (the export's) and MANIFEST.json's size and checksum.  The new
# and the golden bundle both verify with custos-verify.
#
# The station's TSA URL is one where nothing answers, so the only token
# is the stored one; the export uses it and needs no TSA.
#
# GOLDEN_MAKE=DIR makes a new fixture in DIR instead, with the binaries
# under test (tests/data/golden/README.md says when that is allowed).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/footage.sh"
GOLDEN=$(cd "$(dirname "$0")/../data/golden" && pwd)
# Where the station's TSA was, as the fixture's config records it.
GOLDEN_TSA_URL=http://127.0.0.1:9/

# compare_bundle NEW T0 T1 [TAR]: NEW (a directory, or the files of the
# tar TAR extracted to it) equals the golden bundle, exported between
# times T0 and T1 (seconds since the epoch).
compare_bundle() {
	# custos writes "unknown" for a user with no name.
	_cb_user=$(id -un 2>/dev/null) || _cb_user=unknown
	python3 - "$GOLDEN" "$1" "$2" "$3" "$_cb_user" ${4:+"$4"} <<'EOF' ||
import datetime, os, re, stat, sys, tarfile
golden, new, t0, t1, user = sys.argv[1:6]
tar = sys.argv[6] if len(sys.argv) > 6 else None
t0, t1 = int(t0) - 1, int(t1) + 1
gdir = os.path.join(golden, "bundle")
bad = []

def files(top):
    out = {}
    for d, dirs, names in os.walk(top):
        for n in dirs + names:
            p = os.path.join(d, n)
            st = os.lstat(p)
            if stat.S_ISDIR(st.st_mode):
                continue
            rel = os.path.relpath(p, top)
            if not stat.S_ISREG(st.st_mode):
                bad.append("%s is not a regular file" % rel)
            out[rel] = p
    return out

AT = re.compile(rb'\n  "exported_at": ("[^"\\]*"),\n')
BY = re.compile(rb'\n  "exported_by": ("(?:[^"\\]|\\.)*"),\n')

def blank(raw, what):
    """MANIFEST.json with exported_at and exported_by blanked, and the
    two values (JSON-decoded)."""
    import json
    out, vals = raw, []
    for rx, name in ((AT, "exported_at"), (BY, "exported_by")):
        found = rx.findall(out)
        if len(found) != 1:
            bad.append("%s: %d %s members" % (what, len(found), name))
            return raw, [None, None]
        vals.append(json.loads(found[0]))
        out = rx.sub(b'\n  "%s": "",\n' % name.encode(), out)
    return out, vals

def check_manifest(raw, what):
    g, _ = blank(open(os.path.join(gdir, "MANIFEST.json"), "rb").read(),
                 "golden MANIFEST.json")
    n, (at, by) = blank(raw, what)
    if n != g:
        for k, (a, b) in enumerate(zip(g.split(b"\n"), n.split(b"\n"))):
            if a != b:
                bad.append("%s line %d: golden %r, new %r" % (what, k + 1,
                           a, b))
                break
        else:
            bad.append("%s: %d bytes, golden %d (exported_* blanked)" %
                       (what, len(n), len(g)))
    if at is not None:
        if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", at):
            bad.append("%s: exported_at %r is not RFC 3339 UTC with "
                       "milliseconds" % (what, at))
        else:
            t = datetime.datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ") \
                .replace(tzinfo=datetime.timezone.utc).timestamp()
            if not t0 <= t <= t1:
                bad.append("%s: exported_at %s is not within the export "
                           "(%d..%d)" % (what, at, t0, t1))
    if by is not None and by != user:
        bad.append("%s: exported_by %r, expected %r" % (what, by, user))

gf, nf = files(gdir), files(new)
for rel in sorted(set(gf) - set(nf)):
    bad.append("%s missing" % rel)
for rel in sorted(set(nf) - set(gf)):
    bad.append("%s not in the golden bundle" % rel)
for rel in sorted(set(gf) & set(nf)):
    raw = open(nf[rel], "rb").read()
    if rel == "MANIFEST.json":
        check_manifest(raw, rel)
    elif raw != open(gf[rel], "rb").read():
        bad.append("%s differs from the golden one" % rel)

def blocks(path):
    raw = open(path, "rb").read()
    with tarfile.open(path) as tf:
        ms = tf.getmembers()
    return raw, ms

if tar is not None:
    graw, gms = blocks(os.path.join(golden, "bundle.tar"))
    nraw, nms = blocks(tar)
    if [m.name for m in gms] != [m.name for m in nms]:
        bad.append("tar members %s, golden %s" % ([m.name for m in nms],
                   [m.name for m in gms]))
    for g, n in zip(gms, nms):
        if g.name != n.name:
            break
        gh, nh = graw[g.offset:g.offset_data], nraw[n.offset:n.offset_data]
        if len(gh) != 512 or len(nh) != 512:
            bad.append("tar %s: header of %d bytes, golden %d" % (n.name,
                       len(nh), len(gh)))
            continue
        if not t0 <= n.mtime <= t1:
            bad.append("tar %s: mtime %d not within the export" % (n.name,
                       n.mtime))
        # mtime (136) and chksum (148): the export's time; tarfile has
        # checked the checksum.  MANIFEST.json's size (124) goes with
        # exported_by.
        cut = [(136, 156)] + ([(124, 136)] if n.name == "MANIFEST.json"
                              else [])
        for a, b in cut:
            gh = gh[:a] + bytes(b - a) + gh[b:]
            nh = nh[:a] + bytes(b - a) + nh[b:]
        if gh != nh:
            k = next(i for i in range(512) if gh[i] != nh[i])
            bad.append("tar %s: header byte %d is %d, golden %d" % (n.name,
                       k, nh[k], gh[k]))
        pad = -n.size % 512
        data = nraw[n.offset_data:n.offset_data + n.size + pad]
        if data[n.size:] != bytes(pad):
            bad.append("tar %s: padding is not zeros" % n.name)
        if n.name == "MANIFEST.json":
            check_manifest(data[:n.size], "tar MANIFEST.json")
        elif data[:n.size] != open(os.path.join(gdir, n.name), "rb").read():
            bad.append("tar %s differs from the golden file" % n.name)

    def end(raw, ms):
        m = ms[-1]
        return m.offset_data + m.size + (-m.size % 512)

    ge, ne = end(graw, gms), end(nraw, nms)
    rec = 10240 if len(graw) % 10240 == 0 else 512
    want = -(-(ne + 1024) // rec) * rec
    if -(-(ge + 1024) // rec) * rec != len(graw):
        bad.append("the golden tar's end is not understood")
    if len(nraw) != want or nraw[ne:] != bytes(len(nraw) - ne):
        bad.append("tar end: %d bytes after the last member, expected %d "
                   "zero bytes" % (len(nraw) - ne, want - ne))

for b in bad:
    print(b)
sys.exit(1 if bad else 0)
EOF
	    fail "$1 is not the golden bundle"
}

# station_copy: the golden station, as it was checked in, at $W.
station_copy() {
	rm -rf "$W/state" "$W/calendar" "$W/dock"
	cp -R "$GOLDEN/station/." "$W/" || fail "copy the golden station"
	# The modes custosd gives them, which a checkout does not keep.
	mkdir -p "$W/dock" "$W/state/store/tmp" &&
	    find "$W/state/store" -type d -exec chmod 750 {} + &&
	    find "$W/state/store/objects" -type f -exec chmod 440 {} + &&
	    chmod 700 "$W/state" "$W/state/store/tmp" &&
	    chmod 600 "$W/state/station.key" ||
	    fail "modes of the station copy"
}

# verify_bundle BUNDLE: custos-verify proves it with the fixture's keys.
verify_bundle() {
	"$CUSTOS_VERIFY" bundle --lang en \
	    --key "$GOLDEN/station/state/station.vkey" \
	    --tsa-ca "$GOLDEN/station/tsa-ca.pem" "$1" >verify.out 2>&1 ||
	    fail "custos-verify bundle $1: $(cat verify.out)"
	expect_in "custos-verify bundle $1" "VERIFIED: integrity proven" \
	    "$(cat verify.out)"
}

# golden_export OUT: exports the fixture's inspection to OUT; sets T0 and
# T1 to the seconds before and after.
golden_export() {
	T0=$(date +%s)
	c export "$ID" -o "$1" --purpose "证明 $ID 的检查过程" --wait 1 \
	    >export.out 2>export.err || fail "export $1: $(cat export.err)"
	T1=$(date +%s)
	expect_in "export summary" "exported $ID to $1" "$(cat export.out)"
}

# --- GOLDEN_MAKE=DIR: a new fixture ---------------------------------------

# clip OUT TAG: one second of 64x64 test pattern with a tone.
clip() {
	ffmpeg -nostdin -hide_banner -loglevel error -y \
	    -f lavfi -i "testsrc=size=64x64:rate=5:duration=1" \
	    -f lavfi -i "sine=frequency=440:duration=1:sample_rate=8000" \
	    -c:v $(footage_vcodec) -c:a aac -b:a 8k -metadata title="$2" \
	    "$1" || fail "ffmpeg $1"
}

linked_two() {
	[ "$(c inspection show "$ID" --json | python3 -c 'import json, sys
print(sum(e["type"] == "evidence.linked"
          for e in json.load(sys.stdin)["chain"]))')" = 2 ]
}

make_golden() {
	out=$1
	[ -e "$out" ] && fail "$out exists; not overwriting"
	mkdir -p "$W/calendar" "$W/dock" "$W/prep" || fail "mkdir"
	# One calendar file: custos export lists calendar_dir's files in
	# directory order, which is the file system's, not the bundle's.
	# The project's, never a test placeholder (tests/e2e/lib.sh).
	cp "$(ls "$E2E_CAL_PROJECT"/cn-*.cal | sort | tail -n 1)" \
	    "$W/calendar/" || fail "copy the calendar"
	# The TSA's certificates for 100 years: a fixture must not expire.
	TSA_DIR=$W/tsa
	MKTSA_DAYS=36500 MKTSA_CA_CN="Custos golden CA" \
	    MKTSA_TSA_CN="Custos golden TSA" sh "$TSA_TOOLS/mktsa.sh" "$TSA_DIR" ||
	    fail "mktsa.sh"
	start_tsa
	cp "$TSA_CA" "$W/tsa-ca.pem" || fail "copy the TSA CA"
	cat >"$CONF" <<EOC
[station]
name = golden.example/station
state_dir = state
profile = default
[dock]
root = dock
after_ingest = keep
[control]
socket = control.sock
[tsa]
url = $TSA_URL
ca = tsa-ca.pem
EOC
	start_daemon
	uscc=91350100M000100Y43
	two_officers 闽应急执字 2099-12-31
	c enterprise add $uscc --name 福州某化工有限公司 --risk red \
	    >/dev/null || fail "enterprise add"
	c camera add CAM-G01 --kind body --model DSJ-V8 >/dev/null ||
	    fail "camera add"
	# From now and entered now: an assignment from before the station's
	# first token is refused (assignment_before_token), an entering
	# before the registration too (entered_before_registration).
	c camera assign CAM-G01 --officer PA-0001 >/dev/null ||
	    fail "camera assign"
	ID=$(c inspection register --enterprise $uscc --officer PA-0001 \
	    --officer PA-0002 --basis 安全生产法第六十五条 \
	    --content 危化品储存检查) || fail "register: $ID"
	c inspection enter "$ID" >/dev/null || fail "enter"
	# The clips are recorded (mtime) after the entering.
	wait_next_second
	mkdir -p "$W/prep/CAM-G01/DCIM" || fail "mkdir"
	clip "$W/prep/CAM-G01/DCIM/VID_0001.mp4" golden-1
	clip "$W/prep/CAM-G01/DCIM/VID_0002.mp4" golden-2
	mv "$W/prep/CAM-G01" "$W/dock/CAM-G01" || fail "dock CAM-G01"
	wait_until 90 "two segments linked to $ID" linked_two
	printf '现场检查记录 %s\n签名: 张伟 李娜\n' "$ID" >"$W/prep/record.txt"
	c inspection document "$ID" --kind record --file "$W/prep/record.txt" \
	    --name 现场检查记录.txt >/dev/null || fail "document"
	c inspection leave "$ID" >/dev/null || fail "leave"
	c inspection close "$ID" --result 未发现问题 >/dev/null || fail "close"
	curl -sf --unix-socket "$W/control.sock" \
	    -H 'Content-Type: application/json' \
	    -d '{"text": "企业对检查结果无异议"}' \
	    "http://localhost/v1/inspections/$ID/feedback" >/dev/null ||
	    fail "enterprise feedback"
	size=$(curl -sf --unix-socket "$W/control.sock" \
	    -H 'Content-Type: application/json' -d '{}' \
	    http://localhost/v1/checkpoint | python3 -c \
	    'import json,sys; print(json.load(sys.stdin)["size"])') ||
	    fail "POST /v1/checkpoint"
	wait_until 60 "the token of checkpoint $size" \
	    c log timestamp --size "$size" -o "$W/ts.tsr"
	stop_daemon
	stop_tsa
	# The station as checked in: no dock, socket, logs or TSA keys, and
	# a TSA URL that stays the same.
	mkdir -p "$out/station" || fail "mkdir $out"
	sed "s|^url = .*|url = $GOLDEN_TSA_URL|" "$CONF" \
	    >"$out/station/custos.conf" || fail "config"
	# The write-ahead log folded into log.db (the same database, in one
	# file); the lock is the running daemon's.
	python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("pragma wal_checkpoint(truncate)")
c.close()' "$W/state/log.db" || fail "checkpoint log.db"
	rm -f "$W/state/lock" "$W/state/log.db-wal" "$W/state/log.db-shm"
	cp -R "$W/state" "$W/calendar" "$W/tsa-ca.pem" "$out/station/" ||
	    fail "copy the station"
	GOLDEN=$out
	station_copy
	start_daemon
	golden_export "$out/bundle"
	stop_daemon
	station_copy
	start_daemon
	golden_export "$out/bundle.tar"
	stop_daemon
	echo "golden fixture of $ID (checkpoint $size) in $out"
}

cd "$W" || exit 1
if [ -n "${GOLDEN_MAKE:-}" ]; then
	make_golden "$GOLDEN_MAKE"
	exit 0
fi

ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))
    ["inspection"])' "$GOLDEN/bundle/MANIFEST.json") || fail "inspection ID"

step "the golden bundle verifies"
verify_bundle "$GOLDEN/bundle"
verify_bundle "$GOLDEN/bundle.tar"

step "export the golden station's inspection to a directory"
station_copy
start_daemon
golden_export "$W/b"
stop_daemon
compare_bundle "$W/b" "$T0" "$T1"
verify_bundle "$W/b"

step "export it again, from a fresh copy, to a tar"
station_copy
start_daemon
golden_export "$W/b.tar"
stop_daemon
mkdir "$W/bt" && tar xf "$W/b.tar" -C "$W/bt" || fail "tar xf"
compare_bundle "$W/bt" "$T0" "$T1" "$W/b.tar"
verify_bundle "$W/b.tar"
echo "golden_bundle: ok"
