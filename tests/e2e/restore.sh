#!/bin/sh
# A lost station rebuilt from its replica ("custos restore --from-replica",
# docs/replication.md) on a real S3 server (a single-node Ceph with
# radosgw, tests/tools/s3server.sh) with a real RFC 3161 TSA: a closed
# inspection with footage and a document (tests/tools/mkbundle.sh) and a
# second camera never linked; custosd uploads every object and publishes
# its log as tiles; the state directory is deleted.  A restore from a
# bucket whose entry bundle was altered rebuilds nothing (exit 1, the
# root named) and one from a bucket that lacks the checkpoint says so.
# With the bucket put right but one object deleted from it and another
# replaced by other bytes, the restore rebuilds the log and the rest of
# the store, names both (exit 1) and keeps neither; custosd starts on the
# restored station with "restored" in its station.started, signs with the
# same key and goes on appending; "custos log verify" passes with the
# original verifier key, "custos audit" names the lost object, and a
# bundle of the inspection exported after the restore verifies with the
# original key and the TSA's CA.  Then the central auditor ("custos audit
# --replica") over the bucket: the station proven and consistent with its
# last audit, the altered object found by re-hashing, and a bucket whose
# log was rewritten under the same key (a fork) refused against the
# recorded state.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../tools/mkbundle.sh"
station_vars

BUCKET=custos-restore
STATION=e2e.example/station
P=$BUCKET/$STATION

cd "$W" || exit 1
s3_up
cleanup() {
	[ -n "$DPID" ] && kill -9 "$DPID" 2>/dev/null
	stop_tsa
	s3_down
}
trap cleanup EXIT
s3_bucket "$BUCKET"
printf 'access_key = %s\nsecret_key = %s\n' "$ACCESS_KEY" "$SECRET_KEY" \
    >"$W/s3.cred" && chmod 600 "$W/s3.cred" || fail "write s3.cred"

conf_replica() {
	cat >>"$CONF" <<EOC
[replica]
endpoint = $S3_ENDPOINT
bucket = $BUCKET
credentials = $W/s3.cred
EOC
}

# published: everything is confirmed and the latest checkpoint published.
published() {
	status_is "(lambda p, r: p['published_size'] == d['checkpoint_size'] \
and r['behind'] == 0)(d['publish'], d['replica'])"
}

# objects CAMERA: the objects the camera's segment.sealed entries name.
objects() {
	for _n in $(entries_where segment.sealed camera "$1"); do
		entry_field "$_n" object
	done
}

# key OBJECT: its key in the bucket.
key() {
	echo "$P/object/sha256/${1#sha256:}"
}

step "a station with an inspection and a second camera, replicated"
MKB_CONF=conf_replica mkbundle_station
c camera add CAM-R02 --kind body >/dev/null || fail "camera add CAM-R02"
footage_small "$W/prep/CAM-R02" "restore-$$" || fail "footage CAM-R02"
mv "$W/prep/CAM-R02" "$W/dock/CAM-R02" || fail "dock CAM-R02"
wait_until 90 "CAM-R02: a dock.session" has_session CAM-R02
c export "$ID" -o "$W/before" --purpose "复核" >/dev/null 2>"$W/exp.err" ||
    fail "export before: $(cat "$W/exp.err")"
wait_until 120 "every object confirmed and the log published" published
OBJS=$(objects CAM-R02)
LOST=$(echo "$OBJS" | head -n 1)
ALTERED=$(echo "$OBJS" | tail -n 1)
[ -n "$LOST" ] && [ "$LOST" != "$ALTERED" ] ||
    fail "CAM-R02 sealed fewer than two objects"
SIZE=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["publish"]["published_size"])' \
    <<EOF
$(c status --json)
EOF
)
expect_eq "the bucket's checkpoint" 200 "$(s3_status "$P/checkpoint")"
expect_eq "the bucket's token" 200 "$(s3_status "$P/checkpoint.tsr")"
cp state/station.key "$W/keep.key" && cp state/station.vkey "$W/keep.vkey" ||
    fail "keep the station key"
h=${ALTERED#sha256:}
cp "state/store/objects/$(echo "$h" | cut -c1-2)/$(echo "$h" | cut -c3-)" \
    "$W/altered.orig" || fail "keep the bytes of $ALTERED"
stop_daemon

step "the station is lost (and the cameras gone back out)"
rm -rf state "$W/dock/"*
exits no_log 2 c log checkpoint

step "an entry bundle altered in the bucket: nothing rebuilt"
# The first entry bundle: full (256 entries) or the partial one.
if [ "$SIZE" -ge 256 ]; then
	BKEY=$P/tile/entries/000
else
	BKEY=$P/tile/entries/000.p/$SIZE
fi
s3_get "$BKEY" "$W/bundle.orig"
python3 - "$W/bundle.orig" "$W/bundle.bad" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
i = b.index(b'"type"')          # a byte of the first entry's text
b[i + 1] ^= 0x20
open(sys.argv[2], "wb").write(bytes(b))
PY
s3_put "$W/bundle.bad" "$BKEY"
exits bad_bundle 1 c restore --from-replica --key "$W/keep.key"
expect_in "the root is named" "not the checkpoint's" "$(cat "$W/bad_bundle.err")"
[ ! -e state/log.db ] || fail "a log was left by a restore that failed"
s3_put "$W/bundle.orig" "$BKEY"

step "one object deleted from the bucket, another replaced"
s3_curl -o /dev/null -X DELETE "$S3_ENDPOINT/$(key "$LOST")" ||
    fail "delete $LOST"
head -c 4096 /dev/urandom >"$W/other.bin"
s3_put "$W/other.bin" "$(key "$ALTERED")"
exits restore 1 c restore --from-replica --key "$W/keep.key" --json
python3 - "$W/restore.out" "$SIZE" "$LOST" "$ALTERED" <<'PY' ||
import json, sys
r = json.load(open(sys.argv[1]))
assert r["size"] == int(sys.argv[2]), r["size"]
assert [m["object"] for m in r["missing"]] == [sys.argv[3]], r["missing"]
assert [m["object"] for m in r["altered"]] == [sys.argv[4]], r["altered"]
assert r["timestamp"] is True and r["tiles"] >= 1, r
assert r["objects"] >= 3 and r["error"] is None, r
PY
    fail "restore report: $(cat "$W/restore.out")"
[ -s state/log.db ] && [ -s state/restored.json ] ||
    fail "no log or restored.json after the restore"
h=${ALTERED#sha256:}
[ ! -e "state/store/objects/$(echo "$h" | cut -c1-2)/$(echo "$h" | cut -c3-)" ] ||
    fail "the altered object was kept"
exits again 2 c restore --from-replica --key "$W/keep.key"
expect_in "a second restore refuses" "exists" "$(cat "$W/again.err")"

step "custosd goes on from the restored log"
start_daemon
START=$(entries_where station.started | tail -n 1)
python3 - "$SIZE" "$LOST" <<EOF || fail "station.started: $(c log entry "$START")"
import json, subprocess, sys
e = json.loads(subprocess.check_output(["$CUSTOS", "-c", "$CONF", "log",
                                        "entry", "$START"]))
assert e["type"] == "station.started", e["type"]
r = e["restored"]
assert r["size"] == int(sys.argv[1]) and r["prefix"] == "$STATION", r
assert [m["object"] for m in r["missing"]] == [sys.argv[2]], r
EOF
[ ! -e state/restored.json ] || fail "restored.json left after the start"
cmp -s state/station.vkey "$W/keep.vkey" || fail "another key"
exits log_verify 0 c log verify --key "$W/keep.vkey"
exits audit 1 c audit --json
expect_in "the audit names the lost object" "${LOST#sha256:}" \
    "$(cat "$W/audit.out")"

step "a bundle exported after the restore verifies with the original key"
c export "$ID" -o "$W/after" --purpose "复核" >/dev/null 2>"$W/exp.err" ||
    fail "export after: $(cat "$W/exp.err")"
exits verify_after 0 "$CUSTOS_VERIFY" "$W/after" --key "$W/keep.vkey" \
    --tsa-ca "$TSA_CA" --json
exits verify_before 0 "$CUSTOS_VERIFY" "$W/before" --key "$W/keep.vkey" \
    --tsa-ca "$TSA_CA" --json
# The lost object stays queued (its bytes are nowhere): only the log.
wait_until 120 "the restored station published again" status_is \
    "d['publish']['published_size'] == d['checkpoint_size']"
stop_daemon

step "the central auditor over the bucket"
cat >"$W/auditor.conf" <<EOC
[station]
name = bureau.example/audit
state_dir = $W/auditor
calendar_dir = none
[control]
socket = $W/auditor.sock
[replica]
endpoint = $S3_ENDPOINT
bucket = $BUCKET
credentials = $W/s3.cred
EOC
mkdir -p "$W/auditor"
A() {
	"$CUSTOS" -c "$W/auditor.conf" audit --replica --key "$W/keep.vkey" \
	    --state "$W/audit.state" "$@"
}
# audited PYEXPR: PYEXPR on the station's report (s) of $W/NAME.out.
audited() {
	python3 - "$W/$1.out" "$2" <<'PY' || fail "$1: $2: $(cat "$W/$1.out")"
import json, sys
s = json.load(open(sys.argv[1]))["stations"][0]
assert eval(sys.argv[2]), s
PY
}
exits central_altered 1 A --json
audited central_altered "not s['ok'] and [a['object'] for a in s['objects']['altered']] == ['$ALTERED']"
audited central_altered "s['objects']['rehashed'] == s['objects']['present'] > 0"
audited central_altered "s['objects']['missing'] == 1 and s['lag']['objects_missing'] == 1"
[ ! -e "$W/audit.state" ] || ! grep -q "$STATION" "$W/audit.state" ||
    fail "a station that failed was recorded as audited"
s3_put "$W/altered.orig" "$(key "$ALTERED")"
exits central_first 0 A --json
audited central_first "s['ok'] and s['consistent'] is None and s['size'] >= $SIZE"
exits central_again 0 A --sample 0.5 --json
audited central_again "s['ok'] and s['consistent'] is True"

step "a rewritten log under the same key is refused against the record"
python3 - "$W/audit.state" "$STATION" <<'PY'
import json, sys
st = json.load(open(sys.argv[1]))
st["stations"][sys.argv[2]]["root"] = "sha256:" + "00" * 32
json.dump(st, open(sys.argv[1], "w"))
PY
exits central_fork 1 A --sample 0
expect_in "the fork is named" "forked" "$(cat "$W/central_fork.out")"
python3 - "$W/audit.state" "$STATION" <<'PY'
import json, sys
st = json.load(open(sys.argv[1]))
st["stations"][sys.argv[2]]["size"] += 1000
json.dump(st, open(sys.argv[1], "w"))
PY
exits central_rewound 1 A --sample 0
expect_in "the rewind is named" "rewound" "$(cat "$W/central_rewound.out")"
