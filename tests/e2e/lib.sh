# Shared helpers for the end-to-end tests: a station in a scratch
# directory, the real custosd started and stopped, and checks that fail
# loudly with what was expected and what was found.
set -u
: "${TMPDIR:?}" "${CUSTOSD:?}" "${CUSTOS:?}" "${CUSTOS_VERIFY:?}"
W=$TMPDIR
CONF=$W/custos.conf
DPID=

fail() {
	echo "FAIL: $*"
	[ -f "$W/custosd.err" ] && sed 's/^/custosd| /' "$W/custosd.err"
	[ -n "$DPID" ] && kill -9 "$DPID" 2>/dev/null
	exit 1
}

step() {
	echo "== $*"
}

# root_only WHY: the test is skipped (exit 0) unless it runs as root.
root_only() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "$(basename "$0" .sh): skipped: needs root ($1)"
		exit 0
	fi
}

# exits NAME WANT COMMAND...: COMMAND, with its output in $W/NAME.out and
# $W/NAME.err, exits WANT and reports nothing of a sanitizer on stderr.
# An exit of 124 is timeout(1)'s: COMMAND hung.
exits() {
	_ex_n=$1 _ex_want=$2
	shift 2
	"$@" >"$W/$_ex_n.out" 2>"$W/$_ex_n.err"
	_ex_st=$?
	[ "$_ex_st" = 124 ] && [ "$_ex_want" != 124 ] &&
	    fail "$_ex_n: still running at its timeout (hangs)"
	[ "$_ex_st" = "$_ex_want" ] || fail "$_ex_n: exit $_ex_st, expected $_ex_want:
$(cat "$W/$_ex_n.out" "$W/$_ex_n.err")"
	grep -q 'AddressSanitizer\|runtime error' "$W/$_ex_n.err" &&
	    fail "$_ex_n: sanitizer report: $(cat "$W/$_ex_n.err")"
	return 0
}

# made_bundle: tests/tools/mkbundle.sh run in $W/mk (MK): GOOD the bundle
# directory, TAR the tar, KEY the station's key and CA the TSA's CA.
made_bundle() {
	sh "$TSA_TOOLS/mkbundle.sh" "$W/mk" >"$W/mkbundle.out" 2>&1 ||
	    fail "mkbundle.sh: $(tail -n 20 "$W/mkbundle.out")"
	MK=$W/mk
	GOOD=$MK/bundle
	TAR=$MK/bundle.tar
	KEY=$MK/station.vkey
	CA=$MK/tsa/ca.pem
	[ -f "$GOOD/MANIFEST.json" ] && [ -f "$TAR" ] && [ -f "$KEY" ] &&
	    [ -f "$CA" ] || fail "mkbundle.sh left no bundle, tar, key or CA"
}

# expect_eq WHAT EXPECTED FOUND
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: expected [$2], found [$3]"
}

# expect_in WHAT NEEDLE HAYSTACK
expect_in() {
	case "$3" in
	*"$2"*) ;;
	*) fail "$1: expected to contain [$2], found [$3]" ;;
	esac
}

# The folder of these helpers and tests/tools.  The scripts sourcing this
# file are two folders below the top (tests/e2e, tests/fault).
E2E_TOP=$(cd "$(dirname "$0")/../.." && pwd)
E2E_DIR=$E2E_TOP/tests/e2e

# The working-day calendar of stations of tests that do not bring their
# own.  E2E_CAL_PROJECT is the project's (conf/calendar), the one tests
# of the calendar itself use.  E2E_CAL is the one the other stations use:
# the project's, or, when its last year ends within E2E_CAL_DAYS (60)
# days of today (Beijing), a copy of it with a test placeholder for each
# year after it up to that day (E2E_CAL_PLACEHOLDER=1 forces one year),
# so that a test creating an inspection "now" gets its deadlines whatever
# the date.  E2E_CAL_PLACEHOLDERS lists the placeholder years (empty when
# there are none).  The next year's official arrangement is not guessed:
# the placeholder works every Monday to Friday and says it is a test
# file; it never leaves the test's scratch directory.
E2E_CAL_PROJECT=$E2E_TOP/conf/calendar
E2E_CAL_DAYS=${E2E_CAL_DAYS:-60}

# e2e_cal_years: sets E2E_CAL_PLACEHOLDERS from the project's files and
# today's date.
e2e_cal_years() {
	_ec_last=$(ls "$E2E_CAL_PROJECT" | sed -n 's/^cn-\([0-9]\{4\}\)\.cal$/\1/p' |
	    sort -n | tail -n 1)
	[ -n "$_ec_last" ] || fail "no cn-YYYY.cal in $E2E_CAL_PROJECT"
	_ec_to=$(TZ=Asia/Shanghai date -d "+$E2E_CAL_DAYS days" +%Y) ||
	    fail "date"
	[ "${E2E_CAL_PLACEHOLDER:-0}" = 1 ] && [ "$_ec_to" -le "$_ec_last" ] &&
	    _ec_to=$((_ec_last + 1))
	_ec_list=
	_ec_y=$((_ec_last + 1))
	while [ "$_ec_y" -le "$_ec_to" ]; do
		_ec_list="$_ec_list $_ec_y"
		_ec_y=$((_ec_y + 1))
	done
	E2E_CAL_PLACEHOLDERS=${_ec_list# }
	E2E_CAL_LAST=$_ec_last
}

# e2e_cal_placeholders DIR: writes the placeholder years' files into DIR
# (a calendar directory) and says so on stdout.
e2e_cal_placeholders() {
	for _ec_y in $E2E_CAL_PLACEHOLDERS; do
		[ -e "$1/cn-$_ec_y.cal" ] &&
		    ! grep -q '^# TEST PLACEHOLDER' "$1/cn-$_ec_y.cal" &&
		    fail "$1/cn-$_ec_y.cal exists and is not a test placeholder"
		cat >"$1/cn-$_ec_y.cal" <<EOCAL || fail "write $1/cn-$_ec_y.cal"
# TEST PLACEHOLDER for $_ec_y: NOT the official arrangement.  Written by
# tests/e2e/lib.sh for a test's station, conf/calendar ending
# $E2E_CAL_LAST-12-31: every Monday to Friday is a working day, there are
# no holidays and no weekend days worked.  Never install it or copy it
# into conf/calendar.
year $_ec_y
EOCAL
		echo "note: calendar: test placeholder cn-$_ec_y.cal in $1" \
		    "(not the official arrangement; conf/calendar ends" \
		    "$E2E_CAL_LAST-12-31)"
	done
}

e2e_cal_years
E2E_CAL=$E2E_CAL_PROJECT
if [ -n "$E2E_CAL_PLACEHOLDERS" ]; then
	E2E_CAL=$W/e2e-calendar
	mkdir -p "$E2E_CAL" &&
	    cp "$E2E_CAL_PROJECT"/cn-*.cal "$E2E_CAL/" ||
	    fail "copy the calendar to $E2E_CAL"
	e2e_cal_placeholders "$E2E_CAL"
fi

# write_conf [PROFILE [CALENDAR-LINE]]: the station's config; without a
# CALENDAR-LINE, the project's calendar unless $W/calendar is there.
write_conf() {
	cat >"$CONF" <<EOC
[station]
name = e2e.example/station
state_dir = state
profile = ${1:-default}
${2:-$([ -e "$W/calendar" ] || echo "calendar_dir = $E2E_CAL")}
[dock]
root = dock
after_ingest = keep
[control]
socket = control.sock
EOC
}

# wait_until SECONDS WHAT COMMAND...: runs COMMAND every 0.1 s until it
# succeeds; fails the test with WHAT after SECONDS.  The bound only
# matters when something is wrong: keep it generous, so a loaded machine
# (or a sanitized daemon) is never mistaken for a failure.
wait_until() {
	_wu_s=$1 _wu_what=$2
	shift 2
	poll "$_wu_s" "$@" || fail "not within $_wu_s s: $_wu_what"
}

# poll SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds;
# returns 1 when it has not within SECONDS.
poll() {
	_po_n=$(($1 * 10))
	shift
	until "$@"; do
		[ $_po_n -le 0 ] && return 1
		_po_n=$((_po_n - 1))
		sleep 0.1
	done
}

# log_has PATTERN: the daemon's stderr has a line matching PATTERN (grep -E).
log_has() {
	grep -qE "$1" "$W/custosd.err" 2>/dev/null
}

# wait_log PATTERN [SECONDS]: until the daemon has logged PATTERN.
wait_log() {
	wait_until "${2:-60}" "custosd logs [$1]" log_has "$1"
}

# wait_next_second: returns once the wall clock is in a later second than
# when called, for steps that must be ordered at one-second resolution.
wait_next_second() {
	_wn_t=$(date +%s)
	while [ "$(date +%s)" -le "$_wn_t" ]; do
		sleep 0.05
	done
}

# wait_socket: until custosd ($DPID) answers on its control socket.
wait_socket() {
	wait_until 60 "custosd answers" _answers
}

_answers() {
	"$CUSTOS" -c "$CONF" status >/dev/null 2>&1 && return 0
	kill -0 "$DPID" 2>/dev/null || fail "custosd exited at start"
	return 1
}

start_daemon() {
	"$CUSTOSD" -f -c "$CONF" 2>>"$W/custosd.err" &
	DPID=$!
	wait_socket
}

# stop_daemon: SIGTERM and wait; the exit status must be 0.
stop_daemon() {
	kill -TERM "$DPID"
	wait "$DPID"
	st=$?
	DPID=
	expect_eq "custosd exit status after SIGTERM" 0 "$st"
}

# entry_field N FIELD: a top-level string or number field of entry N.
entry_field() {
	"$CUSTOS" -c "$CONF" log entry "$1" | python3 -c \
	    'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}

tree_size() {
	"$CUSTOS" -c "$CONF" status --json | python3 -c \
	    'import json,sys; print(json.load(sys.stdin)["tree_size"])'
}

checkpoint_size() {
	"$CUSTOS" -c "$CONF" log checkpoint | sed -n 2p
}

# A real RFC 3161 time-stamping authority for the tests: "openssl ts
# -reply" behind tests/tools/tsa_server.py, with the CA and TSA
# certificates of tests/tools/mktsa.sh in $W/tsa.  start_tsa sets TSA_URL,
# TSA_CA, TSA_DIR and TSA_PID; touch $TSA_DIR/down to make it answer 503.
TSA_PID=
TSA_TOOLS=$E2E_TOP/tests/tools

start_tsa() {
	TSA_DIR=$W/tsa
	TSA_CA=$TSA_DIR/ca.pem
	[ -f "$TSA_DIR/tsa.cnf" ] || sh "$TSA_TOOLS/mktsa.sh" "$TSA_DIR" ||
	    fail "mktsa.sh $TSA_DIR"
	rm -f "$W/tsa.port"
	python3 "$TSA_TOOLS/tsa_server.py" "$TSA_DIR" "$W/tsa.port" \
	    2>>"$W/tsa.err" &
	TSA_PID=$!
	wait_until 10 "tsa_server.py listens" _tsa_listens
	TSA_URL=http://127.0.0.1:$(cat "$W/tsa.port")/
}

_tsa_listens() {
	[ -s "$W/tsa.port" ] && return 0
	kill -0 "$TSA_PID" 2>/dev/null ||
	    fail "tsa_server.py exited: $(cat "$W/tsa.err")"
	return 1
}

stop_tsa() {
	[ -n "$TSA_PID" ] || return 0
	kill -TERM "$TSA_PID" 2>/dev/null
	wait "$TSA_PID" 2>/dev/null
	TSA_PID=
}

# conf_tsa: the [tsa] section for the TSA of start_tsa.
conf_tsa() {
	cat >>"$CONF" <<EOC
[tsa]
url = $TSA_URL
ca = $TSA_CA
EOC
}

# free_port [tcp|udp]: a port on 127.0.0.1 that nothing is bound to now
# (TCP unless udp is said).
free_port() {
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1] == "udp"
                  else socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' "${1:-tcp}"
}

# upload_setup [crl] CERTIFICATE...: P=$W/pki with tests/tools/mkcerts.sh's
# certificates for the CERTIFICATEs, PORT a free port and URL the station's
# HTTPS address there, and the config with its [upload] section.
upload_setup() {
	_us_crl=
	[ "$1" = crl ] && _us_crl=crl && shift
	P=$W/pki
	PORT=$(free_port)
	URL=https://127.0.0.1:$PORT
	sh "$TSA_TOOLS/mkcerts.sh" "$P" "$@" >/dev/null 2>&1 ||
	    fail "mkcerts.sh"
	write_conf
	conf_upload "$PORT" $_us_crl
}

# camera_add CAMERA...: registered as body cameras.
camera_add() {
	for _ca in "$@"; do
		"$CUSTOS" -c "$CONF" camera add "$_ca" --kind body >/dev/null ||
		    fail "camera add $_ca"
	done
}

# conf_upload PORT [crl]: the [upload] section for certificates made by
# tests/tools/mkcerts.sh in $W/pki; "crl" adds its revocation list.
conf_upload() {
	cat >>"$CONF" <<EOC
[upload]
listen = 127.0.0.1:$1
cert = pki/server.pem
key = pki/server.key
client_ca = pki/ca.pem
EOC
	[ "${2:-}" = crl ] && echo "crl = pki/crl.pem" >>"$CONF"
	return 0
}

# status_py PYEXPR: PYEXPR evaluated on the daemon's status JSON, as d,
# with cams the dock's cameras by serial.
status_py() {
	"$CUSTOS" -c "$CONF" status --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
cams = {c["camera"]: c for c in d["dock"]["cameras"]}
print(eval(sys.argv[1]))' "$1"
}

status_is() {	# PYEXPR: the status makes PYEXPR True
	[ "$(status_py "$1" 2>/dev/null)" = True ]
}

# wait_status PYEXPR SECONDS: until PYEXPR on the status is True.
wait_status() {
	wait_until "$2" "$1 ($(status_py d 2>&1))" status_is "$1"
}

# The set-up the station tests with officers, inspections and docked
# footage share.  station_vars sets S (the state directory), D (the
# dock), DL (tests/e2e/docklog.py), CAL (the project's calendar) and
# USCC (GB 32100-2015's own example of an enterprise code), and brings
# in footage.sh's clip makers.
station_vars() {
	. "$E2E_DIR/footage.sh"
	DL="python3 $E2E_DIR/docklog.py"
	CAL=$E2E_CAL
	S=$W/state
	D=$W/dock
	USCC=91350100M000100Y43
}

# c ARGS...: the operator CLI on this station.
c() {
	"$CUSTOS" -c "$CONF" "$@"
}

# station_start [COMMAND...]: in $W, the config with a copy of the
# calendar beside it and $W/prep for the cameras' volumes; custosd
# started.  COMMAND (conf_tsa, say) runs once the config is written, to
# add to it.
station_start() {
	cd "$W" || exit 1
	write_conf
	"$@"
	cp -R "$CAL" "$W/calendar" || fail "copy the calendar"
	mkdir -p "$W/prep"
	start_daemon
}

# utc OFFSET: now plus OFFSET seconds, RFC 3339 UTC.
utc() {
	date -u -d "@$(($(date +%s) + $1))" '+%Y-%m-%dT%H:%M:%SZ'
}

# has_session CAMERA [N]: the log holds N (1) dock.session of CAMERA.
has_session() {
	[ "$($DL "$S" sessions "$1")" -ge "${2:-1}" ]
}

# dock_volume CAMERA: moves the volume $W/prep/CAMERA into the dock and
# waits for its dock.session.
dock_volume() {
	mv "$W/prep/$1" "$D/$1" || fail "move $1 into the dock"
	wait_until 90 "$1: a dock.session" has_session "$1"
}

# entries_where TYPE [FIELD VALUE]...: the indexes of the TYPE entries
# whose FIELDs all read VALUE, from the log's file opened read-only.
entries_where() {
	python3 - "$S" "$@" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect("file:%s/log.db?mode=ro" % sys.argv[1], uri=True,
                     timeout=10)
want = sys.argv[3:]
for i, d in db.execute("SELECT idx, data FROM entries ORDER BY idx"):
    e = json.loads(bytes(d))
    if e["type"] == sys.argv[2] and all(str(e.get(want[k])) == want[k + 1]
                                       for k in range(0, len(want), 2)):
        print(i)
PY
}

# first_segment CAMERA: the first segment.sealed of CAMERA, as "custos
# log entry" reads them.
first_segment() {
	python3 - "$CUSTOS" "$CONF" "$(tree_size)" "$1" <<'PY'
import json, subprocess, sys
custos, conf, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
for n in range(size):
    e = json.loads(subprocess.run([custos, "-c", conf, "log", "entry",
        str(n)], check=True, capture_output=True).stdout)
    if e["type"] == "segment.sealed" and e.get("camera") == sys.argv[4]:
        print(n)
        break
PY
}

# check_chain ID: inspection ID's chain as "custos inspection show
# --json" lists it (kept in $W/chain.json), recomputed from the bytes
# "custos log entry" gives: every entry names ID and has the listed type,
# the first has no inspection_prev, each other's is the leaf hash of the
# one before, and last_leaf is the last one's.
check_chain() {
	c inspection show "$1" --json >"$W/chain.json" ||
	    fail "inspection show $1 --json"
	python3 - "$CUSTOS" "$CONF" "$W/chain.json" <<'PY' || fail "chain of $1"
import hashlib, json, subprocess, sys
custos, conf = sys.argv[1], sys.argv[2]
ins = json.load(open(sys.argv[3]))
prev = None
for k, link in enumerate(ins["chain"]):
    raw = subprocess.run([custos, "-c", conf, "log", "entry",
        str(link["index"])], check=True, capture_output=True).stdout
    e = json.loads(raw)
    assert e["inspection"] == ins["id"], e
    assert e["type"] == link["type"], (e["type"], link)
    if k == 0:
        assert "inspection_prev" not in e, e
    else:
        assert e["inspection_prev"] == prev, (e["inspection_prev"], prev)
    prev = "sha256:" + hashlib.sha256(b"\x00" + raw).hexdigest()
assert ins["last_leaf"] == prev, (ins["last_leaf"], prev)
print("chain of %d entries ok" % len(ins["chain"]))
PY
}

# object_path N: the store path of entry N's object.
object_path() {
	_op_h=$(entry_field "$1" object)
	_op_h=${_op_h#sha256:}
	echo "$S/store/objects/$(echo "$_op_h" | cut -c1-2)/$(echo "$_op_h" | cut -c3-)"
}

# ifield ID PYEXPR: PYEXPR evaluated on inspection ID (show --json) as i.
ifield() {
	c inspection show "$1" --json | python3 -c '
import json, sys
i = json.load(sys.stdin)
print(eval(sys.argv[1]))' "$2"
}

# checkpoint_covers N: the latest signed checkpoint covers entry N.
checkpoint_covers() {
	[ "$(checkpoint_size)" -gt "$1" ]
}

# two_officers CREDENTIAL VALID-UNTIL: officers PA-0001 张伟 and PA-0002
# 李娜 of 执法支队, credentials CREDENTIAL001 and CREDENTIAL002.
two_officers() {
	c officer add PA-0001 --name 张伟 --unit 执法支队 --credential "${1}001" \
	    --valid-until "$2" >/dev/null || fail "officer PA-0001"
	c officer add PA-0002 --name 李娜 --unit 执法支队 --credential "${1}002" \
	    --valid-until "$2" >/dev/null || fail "officer PA-0002"
}

# registry_basics N: officers PA-0001 to PA-000N (N below 10) and the
# enterprise $USCC, as station_vars set it.
registry_basics() {
	_rb_o=1
	while [ "$_rb_o" -le "$1" ]; do
		c officer add PA-000$_rb_o --name officer$_rb_o --unit 执法支队 \
		    --credential 闽应急执字00$_rb_o --valid-until 2099-12-31 \
		    >/dev/null || fail "officer $_rb_o"
		_rb_o=$((_rb_o + 1))
	done
	c enterprise add "$USCC" --name 福州某化工有限公司 >/dev/null ||
	    fail "enterprise add"
}

# links SEGMENT: "INSPECTION BY" of each evidence.linked naming SEGMENT
# in the log of the station whose state directory is $S.
links() {
	python3 - "$S" "$1" <<'EOF'
import json, sqlite3, sys
db = sqlite3.connect("file:%s/log.db?mode=ro" % sys.argv[1], uri=True,
                     timeout=10)
for i, d in db.execute("SELECT idx, data FROM entries ORDER BY idx"):
    e = json.loads(bytes(d))
    if e["type"] == "evidence.linked" and e["segment"] == int(sys.argv[2]):
        print(e["inspection"], e["by"])
EOF
}

# assign_cameras FROM CAMERA:OFFICER...: each camera assigned to its
# officer from FROM (RFC 3339).
assign_cameras() {
	_ac_from=$1
	shift
	for _ac in "$@"; do
		c camera assign "${_ac%%:*}" --officer "${_ac#*:}" \
		    --from "$_ac_from" >/dev/null || fail "assign ${_ac%%:*}"
	done
}

# session_py CAMERA PYEXPR: PYEXPR evaluated on CAMERA's last dock.session
# entry, as s.
session_py() {
	$DL "$S" session "$1" | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(eval(sys.argv[1]))' "$2"
}

# undock_volume CAMERA: moves the volume back to $W/prep/CAMERA and waits
# until the status no longer lists the camera.
undock_volume() {
	mv "$D/$1" "$W/prep/$1" || fail "move $1 out of the dock"
	wait_status "'$1' not in cams" 60
}

# refused_by NAME RULE WORDS COMMAND...: COMMAND (a custos verb that
# takes --json, given here) is refused: it exits 1, its JSON answer names
# RULE as its "rule", and its error line (stderr) contains WORDS and
# "(rule: RULE)".
refused_by() {
	_rb_n=$1 _rb_rule=$2 _rb_words=$3
	shift 3
	exits "$_rb_n" 1 "$@" --json
	expect_eq "$_rb_n: rule" "$_rb_rule" "$(python3 -c '
import json, sys
print(json.load(open(sys.argv[1])).get("rule"))' "$W/$_rb_n.out")"
	expect_in "$_rb_n: error line" "$_rb_words" "$(cat "$W/$_rb_n.err")"
	expect_in "$_rb_n: error line names the rule" "(rule: $_rb_rule)" \
	    "$(cat "$W/$_rb_n.err")"
}

# A real S3 server for the tests: tests/tools/s3server.sh's single-node
# Ceph with radosgw in $W/s3 (S3_DIR).  s3_up starts it on a free port and
# exports S3_ENDPOINT, ACCESS_KEY and SECRET_KEY; it stops on the test's
# exit (a test with its own EXIT trap calls s3_down in it).  Buckets are
# made and objects read back with the curl CLI (s3_curl), a client
# independent of ours.
S3_DIR=
S3_SERVER=$E2E_TOP/tests/tools/s3server.sh

s3_up() {
	root_only "radosgw"
	S3_DIR=$W/s3
	sh "$S3_SERVER" up "$S3_DIR" "$(free_port)" >"$W/s3.env" \
	    2>"$W/s3.err" || { _s3_fail=$(cat "$W/s3.err"); s3_down;
	    fail "s3server.sh up: $_s3_fail"; }
	trap s3_down EXIT
	trap 's3_down; exit 143' INT TERM
	S3_ENDPOINT=$(sed -n 's/^S3_ENDPOINT=//p' "$W/s3.env")
	ACCESS_KEY=$(sed -n 's/^ACCESS_KEY=//p' "$W/s3.env")
	SECRET_KEY=$(sed -n 's/^SECRET_KEY=//p' "$W/s3.env")
	[ -n "$S3_ENDPOINT" ] && [ -n "$ACCESS_KEY" ] && [ -n "$SECRET_KEY" ] ||
	    fail "s3server.sh up printed no endpoint or keys"
	export S3_ENDPOINT ACCESS_KEY SECRET_KEY
}

# s3_down: stops the server of s3_up (nothing when none runs).
s3_down() {
	[ -n "$S3_DIR" ] || return 0
	sh "$S3_SERVER" down "$S3_DIR" >&2 || echo "s3server.sh down failed" >&2
	S3_DIR=
}

# s3_stop_rgw, s3_start_rgw: radosgw alone killed (SIGKILL, as a crash)
# and started again on the same data and port (s3server.sh stop-rgw and
# start-rgw); the monitor and the OSD keep running.
s3_stop_rgw() {
	sh "$S3_SERVER" stop-rgw "$S3_DIR" || fail "s3server.sh stop-rgw"
}

s3_start_rgw() {
	sh "$S3_SERVER" start-rgw "$S3_DIR" 2>"$W/s3.err" ||
	    fail "s3server.sh start-rgw: $(cat "$W/s3.err")"
}

# s3_curl CURL-ARGS...: curl signing with the server's keys (SigV4), for
# requests without a body.  curl 7.88 signs the payload hash it is given
# in x-amz-content-sha256 (that of an empty body here) and needs query
# strings in their canonical form (sorted, "key=value", %XX-encoded).
s3_curl() {
	_s3_sign "$(printf '' | sha256sum | cut -c1-64)" "$@"
}

# _s3_sign SHA256 CURL-ARGS...: curl signing SHA256 as the payload hash.
_s3_sign() {
	_s3_h=$1
	shift
	curl -sS --aws-sigv4 "aws:amz:us-east-1:s3" \
	    --user "$ACCESS_KEY:$SECRET_KEY" \
	    -H "x-amz-content-sha256: $_s3_h" "$@"
}

# s3_bucket NAME: creates the bucket NAME.
s3_bucket() {
	_s3_st=$(s3_curl -o "$W/s3_bucket.out" -w '%{http_code}' -X PUT \
	    "$S3_ENDPOINT/$1") || fail "create bucket $1: curl failed"
	expect_eq "create bucket $1: HTTP status ($(cat "$W/s3_bucket.out"))" \
	    200 "$_s3_st"
}

# s3_status BUCKET/KEY: the HTTP status of a GET of the object (200, 404).
s3_status() {
	s3_curl -o /dev/null -w '%{http_code}' "$S3_ENDPOINT/$1"
}

# s3_get BUCKET/KEY FILE: the object's bytes into FILE; fails the test
# unless the server answers 200.
s3_get() {
	_s3_st=$(s3_curl -o "$2" -w '%{http_code}' "$S3_ENDPOINT/$1") ||
	    fail "GET $1: curl failed"
	[ "$_s3_st" = 200 ] || fail "GET $1: HTTP $_s3_st: $(cat "$2")"
}

# s3_put FILE BUCKET/KEY: FILE stored as the object, behind our client's
# back (a replica altered in the bucket, say).
s3_put() {
	_s3_st=$(_s3_sign "$(sha256sum <"$1" | cut -c1-64)" \
	    -o "$W/s3_put.out" -w '%{http_code}' -T "$1" "$S3_ENDPOINT/$2") ||
	    fail "PUT $2: curl failed"
	[ "$_s3_st" = 200 ] || fail "PUT $2: HTTP $_s3_st: $(cat "$W/s3_put.out")"
}

# conf_web [pki]: the [web] section on any free loopback port; "pki"
# adds TLS with client certificates from tests/tools/mkcerts.sh's
# certificates in $W/pki.  The daemon reports the port: web_url.
conf_web() {
	cat >>"$CONF" <<EOC
[web]
listen = 127.0.0.1:0
EOC
	[ "${1:-}" = pki ] && cat >>"$CONF" <<EOC
cert = pki/server.pem
key = pki/server.key
client_ca = pki/ca.pem
EOC
	return 0
}

# web_url: the console's base URL (no trailing slash), from the address
# the running daemon bound (status web.listen).
web_url() {
	"$CUSTOS" -c "$CONF" status --json | python3 -c '
import json, sys
w = json.load(sys.stdin)["web"]
print(("https://" if w.get("tls") else "http://") + w["listen"])'
}

# role_users TAG ROLE...: for each ROLE a Unix group TAG_gROLE and a user
# TAG_ROLE in it (as a supplementary group, which getgrouplist finds;
# primary group nogroup), for [roles] ROLE = TAG_gROLE; ROLE "none" is a
# user in no such group.  Root only.  role_users_remove TAG ROLE...
# removes them again: call it from the test's EXIT trap, which a
# SIGTERM or SIGINT (run.sh's timeout, a Ctrl-C) now runs too.
role_users() {
	_ru_t=$1
	shift
	trap 'exit 143' INT TERM
	for _ru_r in "$@"; do
		if [ "$_ru_r" != none ]; then
			groupadd "${_ru_t}_g$_ru_r" ||
			    fail "groupadd ${_ru_t}_g$_ru_r"
			useradd -M -N -g nogroup -G "${_ru_t}_g$_ru_r" \
			    "${_ru_t}_$_ru_r" || fail "useradd ${_ru_t}_$_ru_r"
		else
			useradd -M -N -g nogroup "${_ru_t}_none" ||
			    fail "useradd ${_ru_t}_none"
		fi
	done
}

role_users_remove() {
	_ru_t=$1
	shift
	for _ru_r in "$@"; do
		userdel "${_ru_t}_$_ru_r" 2>/dev/null
		groupdel "${_ru_t}_g$_ru_r" 2>/dev/null
	done
	return 0
}

# conf_roles TAG ROLE...: the [roles] section giving each ROLE to the
# group TAG_gROLE of role_users.
conf_roles() {
	_cr_t=$1
	shift
	echo "[roles]" >>"$CONF"
	for _cr_r in "$@"; do
		echo "$_cr_r = ${_cr_t}_g$_cr_r" >>"$CONF"
	done
}

# prep_clips CAMERA N: a camera's volume $W/prep/CAMERA holding N
# one-second clips clip_1.mp4 ... clip_N.mp4 (footage.sh's ffmpeg_clip,
# which station_vars brings in), for dock_volume.
prep_clips() {
	mkdir -p "$W/prep/$1" || fail "mkdir prep/$1"
	for _pc_n in $(seq "$2"); do
		ffmpeg_clip "$W/prep/$1/clip_$_pc_n.mp4" "$1" ||
		    fail "ffmpeg clip $_pc_n of $1"
	done
}
