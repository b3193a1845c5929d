#!/bin/sh
# Object replication through the real daemon to a real S3 server (a
# single-node Ceph with radosgw, tests/tools/s3server.sh): footage docked
# with [replica] set is uploaded until status shows nothing behind, and
# every object is in the bucket under <station>/object/sha256/<hex> with
# bytes (read back with curl --aws-sigv4) that hash to its address.  A
# wrong secret: status shows the configuration error, nothing more is
# confirmed; fixed and restarted, all is.  Radosgw killed while uploads
# are under way: custosd goes on ingesting, and once radosgw is back every
# object is confirmed and listed in the bucket exactly once.  custosd
# killed with SIGKILL, or stopped with SIGTERM (exit 0), during uploads:
# restarted, the queue resumes and nothing is lost.  Disposal refuses an object not yet confirmed
# off-station (radosgw stopped) with that reason, named or not, and
# disposes of it once it is confirmed.  A stored copy damaged before its
# upload is refused by the server (its signed payload hash does not
# match: 400 XAmzContentSHA256Mismatch), shown in status, never
# confirmed, and confirmed once its bytes are right again.  "custos
# audit" names the unconfirmed objects.
. "$(dirname "$0")/lib.sh"
station_vars

# opath OBJECT: its file in the store.
opath() {
	_h=${1#sha256:}
	echo "$S/store/objects/$(echo "$_h" | cut -c1-2)/$(echo "$_h" | cut -c3-)"
}

BUCKET=custos-e2e
STATION=e2e.example/station

conf_replica() {
	printf '[roles]\nadmin = daemon\n' >>"$CONF"
	cat >>"$CONF" <<EOC
[replica]
endpoint = $S3_ENDPOINT
bucket = $BUCKET
credentials = $W/s3.cred
EOC
}

# creds SECRET: the credentials file, with SECRET as the secret key.
creds() {
	printf 'access_key = %s\nsecret_key = %s\n' "$ACCESS_KEY" "$1" \
	    >"$W/s3.cred" && chmod 600 "$W/s3.cred" || fail "write s3.cred"
}

# rfield EXPR: EXPR on the status's "replica" member, as r.
rfield() {
	status_py "(lambda r: $1)(d['replica'])"
}

wait_replica() {	# PYEXPR SECONDS: until PYEXPR on r is True
	wait_status "(lambda r: $1)(d['replica'])" "$2"
}

# objects: every object a sealing entry names, one a line, sorted.
objects() {
	python3 - "$S" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect("file:%s/log.db?mode=ro" % sys.argv[1], uri=True,
                     timeout=10)
seen = set()
for (d,) in db.execute("SELECT data FROM entries ORDER BY idx"):
    e = json.loads(bytes(d))
    if e["type"] in ("segment.sealed", "document.sealed"):
        seen.add(e["object"])
for o in sorted(seen):
    print(o)
PY
}

# bucket_keys: every object key of this station in the bucket (under
# <station>/object/: the log's tiles are published beside them), one a
# line, sorted (pages of ListObjectsV2 followed).
bucket_keys() {
	_bk_tok=
	: >"$W/keys"
	while :; do
		if [ -n "$_bk_tok" ]; then
			_bk_q="continuation-token=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$_bk_tok")&list-type=2"
		else
			_bk_q="list-type=2"
		fi
		s3_curl -o "$W/list.xml" "$S3_ENDPOINT/$BUCKET?$_bk_q" ||
		    fail "list the bucket"
		_bk_tok=$(python3 - "$W/list.xml" "$W/keys" <<'PY'
import sys, xml.etree.ElementTree as ET
t = ET.parse(sys.argv[1]).getroot()
ns = {"s": t.tag.split("}")[0][1:]} if t.tag.startswith("{") else {}
p = "s:" if ns else ""
with open(sys.argv[2], "a") as f:
    for c in t.findall(p + "Contents", ns):
        f.write(c.find(p + "Key", ns).text + "\n")
nt = t.find(p + "NextContinuationToken", ns)
print(nt.text if nt is not None and
      t.find(p + "IsTruncated", ns).text == "true" else "")
PY
) || fail "parse the listing: $(cat "$W/list.xml")"
		[ -n "$_bk_tok" ] || break
	done
	grep "^$STATION/object/" "$W/keys" | sort
}

# check_bucket: every object of the log in the bucket exactly once, with
# bytes that hash to its address, and nothing else of this station there.
check_bucket() {
	objects | sed "s|^sha256:|$STATION/object/sha256/|" >"$W/want"
	bucket_keys >"$W/have"
	expect_eq "no key listed twice" "" "$(uniq -d "$W/have")"
	expect_eq "the bucket holds exactly the log's objects ($1)" \
	    "$(cat "$W/want")" "$(cat "$W/have")"
	while read -r _k; do
		s3_get "$BUCKET/$_k" "$W/obj"
		expect_eq "bytes of $_k" "${_k##*/}" \
		    "$(sha256sum <"$W/obj" | cut -c1-64)"
	done <"$W/want"
}

# volume CAMERA N MIB: N files of MIB MiB of random bytes and a clip.
volume() {
	mkdir -p "$W/prep/$1" || fail "mkdir $1"
	_v=1
	while [ "$_v" -le "$2" ]; do
		head -c $(($3 * 1048576)) /dev/urandom \
		    >"$W/prep/$1/V_$_v.MP4" || fail "write $1"
		_v=$((_v + 1))
	done
	ffmpeg_clip "$W/prep/$1/clip.mp4" "$1-replica" || fail "footage $1"
}

s3_up
s3_bucket "$BUCKET"
creds "$SECRET_KEY"
station_start conf_replica

step "docked footage is uploaded until nothing is behind"
footage_small "$W/prep/CAMA" CAMA-replica || fail "footage CAMA"
dock_volume CAMA
N=$(objects | wc -l)
wait_replica "r['behind'] == 0 and r['confirmed'] == $N" 120
expect_eq "state" ok "$(rfield "r['state']")"
expect_eq "endpoint" "$S3_ENDPOINT" "$(rfield "r['endpoint']")"
expect_eq "bucket" "$BUCKET" "$(rfield "r['bucket']")"
expect_eq "oldest unconfirmed age" 0 "$(rfield "r['oldest_s']")"
check_bucket "CAMA"
exits status_text 0 c status
expect_in "status text" "replica:" "$(cat "$W/status_text.out")"
expect_in "status text: nothing behind" "0 objects behind" \
    "$(cat "$W/status_text.out")"
wait_log "replica: confirmed object=sha256:[0-9a-f]{64} size=[0-9]+"

step "a wrong secret: the error in status, nothing confirmed"
stop_daemon
creds "wrong$SECRET_KEY"
start_daemon
footage_small "$W/prep/CAMB" CAMB-replica || fail "footage CAMB"
dock_volume CAMB
wait_replica "r['state'] == 'config_error'" 60
expect_in "last error" "403" "$(rfield "r['last_error']")"
expect_eq "confirmed" "$N" "$(rfield "r['confirmed']")"
expect_eq "behind" 2 "$(rfield "r['behind']")"
wait_log "replica: configuration error endpoint=$S3_ENDPOINT"
exits status_err 0 c status
expect_in "status text names the error" "403" "$(cat "$W/status_err.out")"
exits audit_err 0 c audit --no-objects
expect_in "audit: unconfirmed objects named" "not yet" \
    "$(cat "$W/audit_err.out")"
for o in $(objects); do
	[ "$(s3_status "$BUCKET/$STATION/object/sha256/${o#sha256:}")" = 200 ] ||
	    echo "$o"
done >"$W/absent"
expect_eq "objects not in the bucket" 2 "$(wc -l <"$W/absent" | xargs)"

step "fixed credentials and a restart: all confirmed"
stop_daemon
creds "$SECRET_KEY"
start_daemon
N=$(objects | wc -l)
wait_replica "r['behind'] == 0 and r['confirmed'] == $N" 120
check_bucket "after the fix"

# confirmations: the daemon's "replica: confirmed" lines so far.
confirmations() {
	grep -c "replica: confirmed object=" "$W/custosd.err"
}

# first_upload N: returns as soon as the daemon has logged more than N
# confirmations (polled every 10 ms: the uploads of a backlog take about
# a second on loopback), so that the caller can strike while the rest
# are under way.
first_upload() {
	_fu_n=12000
	while [ "$(confirmations)" -le "$1" ]; do
		_fu_n=$((_fu_n - 1))
		[ $_fu_n -gt 0 ] || fail "no upload confirmed within 120 s"
		sleep 0.01
	done
}

# backlog CAMERA: radosgw stopped, CAMERA's volume of ten 8 MiB files
# docked and sealed (ingest goes on without the server), then radosgw
# started again; returns once the first of them is confirmed.
backlog() {
	s3_stop_rgw
	volume "$1" 10 8
	mv "$W/prep/$1" "$D/$1" || fail "dock $1"
	wait_until 120 "$1: a dock.session" has_session "$1"
	wait_replica "r['state'] == 'failing' and r['behind'] == 11" 60
	_bl_c=$(confirmations)
	s3_start_rgw
	first_upload "$_bl_c"
}

step "radosgw stopped: custosd keeps ingesting, the queue waits"
backlog CAMC
wait_log "replica: upload failing endpoint=$S3_ENDPOINT"
step "radosgw killed again while the backlog is being uploaded"
s3_stop_rgw
BEHIND=$(rfield "r['behind']")
echo "behind when radosgw was killed: $BEHIND of 11"
[ "$BEHIND" -gt 0 ] || fail "all 11 confirmed: the kill hit an idle queue"
[ "$BEHIND" -lt 11 ] || fail "none confirmed before the kill"
footage_small "$W/prep/CAMD" CAMD-replica || fail "footage CAMD"
dock_volume CAMD
wait_replica "r['behind'] == $BEHIND + 2 and r['state'] == 'failing'" 60
s3_start_rgw
N=$(objects | wc -l)
wait_replica "r['behind'] == 0 and r['confirmed'] == $N" 600
expect_eq "state once radosgw is back" ok "$(rfield "r['state']")"
wait_log "replica: uploads work again endpoint=$S3_ENDPOINT"
check_bucket "after radosgw came back"

step "custosd killed with SIGKILL during uploads"
backlog CAME
kill -9 "$DPID"
wait "$DPID" 2>/dev/null
DPID=
exits audit_kill 0 c audit --no-objects --json
BEHIND=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["replication"]["behind"])' "$W/audit_kill.out")
echo "behind when custosd was killed: $BEHIND of 11"
[ "$BEHIND" -gt 0 ] || fail "all 11 confirmed: the kill hit an idle queue"
start_daemon
N=$(objects | wc -l)
wait_replica "r['behind'] == 0 and r['confirmed'] == $N" 300
check_bucket "after the SIGKILL"

step "custosd stopped with SIGTERM during uploads"
backlog CAMG
stop_daemon
exits audit_term 0 c audit --no-objects --json
BEHIND=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["replication"]["behind"])' "$W/audit_term.out")
echo "behind when custosd stopped: $BEHIND of 11"
start_daemon
N=$(objects | wc -l)
wait_replica "r['behind'] == 0 and r['confirmed'] == $N" 300
check_bucket "after the SIGTERM"

step "disposal waits for the replica"
AT7=$(TZ=Asia/Shanghai date -d '+7 months' +%F)
s3_stop_rgw
footage_small "$W/prep/CAMF" CAMF-replica || fail "footage CAMF"
dock_volume CAMF
OF=$(entry_field "$(entries_where segment.sealed camera CAMF |
    sed -n 1p)" object)
[ -n "$OF" ] || fail "no segment of CAMF"
expect_eq "state of $OF" True "$(status_py "d['replica']['behind'] >= 1")"
SIZE0=$(tree_size)
refused_by not_replicated object_not_replicated \
    "not yet confirmed off-station" \
    c retention dispose --approver daemon --at "$AT7" --object "$OF"
expect_eq "no entry appended by the refusal" "$SIZE0" "$(tree_size)"
exits plan 0 c retention plan --at "$AT7" --json
expect_eq "plan: replica state of $OF" unconfirmed "$(python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))
print([i.get("replica") for i in p["disposable"] if i["object"] == sys.argv[2]][0])' "$W/plan.out" "$OF")"
exits plan_text 0 c retention plan --at "$AT7"
expect_in "plan text" "not yet confirmed off-station" \
    "$(grep "$OF" "$W/plan_text.out")"
exits dispose_all 0 c retention dispose --approver daemon --at "$AT7"
expect_in "dispose without objects skips it" \
    "$OF  skipped: not yet confirmed off-station" \
    "$(cat "$W/dispose_all.out")"
[ -f "$(opath "$OF")" ] ||
    fail "$OF: its bytes went without a replica"
expect_eq "nothing confirmed lost" 0 "$(rfield "r['lost']")"
s3_start_rgw
N=$(objects | wc -l)
wait_replica "r['behind'] == 0" 600
exits dispose_one 0 c retention dispose --approver daemon --at "$AT7" \
    --object "$OF"
expect_in "disposed of once confirmed" "$OF" "$(cat "$W/dispose_one.out")"
[ -f "$(opath "$OF")" ] &&
    fail "$OF: its bytes stayed after the disposal"
step "a damaged stored copy: the server refuses its payload hash"
s3_stop_rgw
footage_small "$W/prep/CAMH" CAMH-replica || fail "footage CAMH"
dock_volume CAMH
OH=$(entry_field "$(entries_where segment.sealed camera CAMH |
    sed -n 1p)" object)
HF=$(opath "$OH")
cp "$HF" "$W/good" || fail "copy $HF"
chmod u+w "$HF" && python3 -c '
import sys
with open(sys.argv[1], "r+b") as f:
    b = f.read(1)
    f.seek(0)
    f.write(bytes([b[0] ^ 1]))' "$HF" || fail "damage $HF"
s3_start_rgw
wait_log "replica: cannot upload object=$OH size=[0-9]+: .*XAmzContentSHA256Mismatch"
wait_replica "r['behind'] == 1" 120
expect_in "last error" XAmzContentSHA256Mismatch "$(rfield "r['last_error']")"
expect_eq "$OH not in the bucket" 404 \
    "$(s3_status "$BUCKET/$STATION/object/sha256/${OH#sha256:}")"
cp "$W/good" "$HF" && chmod a-w "$HF" || fail "restore $HF"
wait_replica "r['behind'] == 0" 120

exits audit 0 c audit --no-objects
expect_in "audit: everything confirmed" "0 not yet" "$(cat "$W/audit.out")"
check_bucket "at the end"

stop_daemon
s3_down
echo "PASS"
