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

# The project's working-day calendar, for stations of tests that do not
# bring their own beside the config file.
E2E_CAL=$(cd "$(dirname "$0")/../../conf/calendar" && pwd)

write_conf() {	# [profile]
	cat >"$CONF" <<EOC
[station]
name = e2e.example/station
state_dir = state
profile = ${1:-default}
$([ -e "$W/calendar" ] || echo "calendar_dir = $E2E_CAL")
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
	_wu_max=$(($1 * 10)) _wu_what=$2 _wu_i=0
	shift 2
	until "$@"; do
		_wu_i=$((_wu_i + 1))
		[ $_wu_i -gt $_wu_max ] && fail "not within $((_wu_max / 10)) s: $_wu_what"
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

wait_socket() {
	i=0
	while ! "$CUSTOS" -c "$CONF" status >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -gt 600 ] && fail "custosd did not answer within 60 s"
		kill -0 "$DPID" 2>/dev/null || fail "custosd exited at start"
		sleep 0.1
	done
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
TSA_TOOLS=$(cd "$(dirname "$0")/../tools" && pwd)

start_tsa() {
	TSA_DIR=$W/tsa
	TSA_CA=$TSA_DIR/ca.pem
	[ -f "$TSA_DIR/tsa.cnf" ] || sh "$TSA_TOOLS/mktsa.sh" "$TSA_DIR" ||
	    fail "mktsa.sh $TSA_DIR"
	rm -f "$W/tsa.port"
	python3 "$TSA_TOOLS/tsa_server.py" "$TSA_DIR" "$W/tsa.port" \
	    2>>"$W/tsa.err" &
	TSA_PID=$!
	i=0
	while [ ! -s "$W/tsa.port" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "tsa_server.py did not listen within 10 s"
		kill -0 "$TSA_PID" 2>/dev/null ||
		    fail "tsa_server.py exited: $(cat "$W/tsa.err")"
		sleep 0.1
	done
	TSA_URL=http://127.0.0.1:$(cat "$W/tsa.port")/
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

# free_port: a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
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
	. "$(dirname "$0")/footage.sh"
	DL="python3 $(cd "$(dirname "$0")" && pwd)/docklog.py"
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
