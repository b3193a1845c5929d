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
