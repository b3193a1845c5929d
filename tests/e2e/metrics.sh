#!/bin/sh
# Prometheus metrics at /metrics on the console's listener (docs/console.md,
# "Metrics"), with the real daemon: a camera docked moves the sealed
# counters and the seal latency histogram's count by exactly its regular
# files, and its symlink and fifo are counted as refused by reason; an
# upload moves the upload counters by one and a refused one (another
# camera's certificate) counts as not_allowed; a TSA answering 503 is
# counted as failing.  The answer is Prometheus text 0.0.4 that the
# Prometheus client library's parser reads, every family with HELP and
# TYPE.  As root, with [roles] and real Unix users made for the test: an
# operator gets 403 naming the roles needed, a user of the [roles]
# metrics group and an auditor get the metrics, and the console's answers
# are counted by code.
. "$(dirname "$0")/lib.sh"
station_vars

# Debian's python3 holds python3-prometheus-client (scripts/deps.sh).
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
PROM="$PY $E2E_TOP/tests/tools/prom_check.py"

tag=mx$$
users=
trap 'role_users_remove "$tag" $users; stop_tsa' EXIT

# as USER COMMAND...: COMMAND as the test's USER, or as ourselves with
# USER "self".
as() {
	_as_u=$1
	shift
	if [ "$_as_u" = self ]; then
		"$@"
	else
		runuser -u "${tag}_$_as_u" -- "$@"
	fi
}

# get USER NAME: GET /metrics as USER into $W/NAME.{body,head} (curl
# writes them into $W/o, where every test user may); prints the status
# code.
get() {
	rm -f "$W/o/$2.body" "$W/o/$2.head"
	as "$1" curl -sS -o "$W/o/$2.body" -D "$W/o/$2.head" \
	    -w '%{http_code}' "$URL/metrics" 2>"$W/$2.curl" ||
	    fail "GET /metrics as $1: $(cat "$W/$2.curl")"
	cp "$W/o/$2.body" "$W/o/$2.head" "$W/" || fail "GET /metrics as $1"
}

# scrape NAME SAMPLE...: GET /metrics as ourselves (200), checked by the
# parser; the SAMPLEs' values one per line into $W/NAME.vals.
scrape() {
	_sc_n=$1
	shift
	expect_eq "GET /metrics ($_sc_n): status" 200 "$(get self "$_sc_n")"
	$PROM "$@" <"$W/$_sc_n.body" >"$W/$_sc_n.vals" 2>"$W/$_sc_n.perr" ||
	    fail "$_sc_n: the exposition does not parse: $(cat "$W/$_sc_n.perr")
$(cat "$W/$_sc_n.body")"
}

# val NAME N: the Nth value of the scrape NAME.
val() {
	sed -n "${2}p" "$W/$1.vals"
}

# One sample a line, quotes and all (no spaces, no glob characters).
# shellcheck disable=SC2089
SAMPLES='custos_sealed_files_total{source="dock"}
custos_sealed_bytes_total{source="dock"}
custos_seal_duration_seconds_count
custos_seal_duration_seconds_bucket{le="+Inf"}
custos_refused_files_total{reason="symlink"}
custos_refused_files_total{reason="fifo"}
custos_sealed_files_total{source="upload"}
custos_checkpoint_size
custos_queue_depth{queue="seal"}
custos_queue_depth{queue="probe"}'

cd "$W" || exit 1
# A station with uploads (CAM0002's certificate names another camera)
# and a TSA that answers 503 to every request.
upload_setup CAM0001 CAM0002
start_tsa
touch "$TSA_DIR/down"
conf_tsa
conf_web
roles=0
if [ "$(id -u)" = 0 ]; then
	roles=1
	users="operator auditor metrics"
	role_users "$tag" $users
	conf_roles "$tag" $users
fi
mkdir -p prep o
chmod 1777 o
start_daemon
URL=$(web_url) || fail "no web.listen in the status"
case $URL in
http://127.0.0.1:0|http://127.0.0.1:) fail "status web.listen: $URL" ;;
esac

step "the exposition before any footage parses"
# shellcheck disable=SC2086,SC2090
scrape before $SAMPLES
expect_in "Content-Type" \
    "text/plain; version=0.0.4; charset=utf-8" "$(cat "$W/before.head")"
for f in custos_sealed_files_total custos_sealed_bytes_total \
    custos_seal_duration_seconds custos_queue_depth \
    custos_refused_files_total custos_checkpoint_age_seconds \
    custos_checkpoint_size custos_tsa_failures_total \
    custos_disk_free_bytes custos_live_sources_connected \
    custos_web_requests_total; do
	grep -q "^# TYPE $f " before.body || fail "no TYPE line for $f"
	grep -q "^# HELP $f " before.body || fail "no HELP line for $f"
done
expect_eq "checkpoint size is the status's" \
    "$(checkpoint_size)" "$(val before 8)"

step "dock a camera: 3 clips, a symlink and a fifo"
prep_clips CAMM 3
ln -s /etc/passwd prep/CAMM/passwd.mp4
mkfifo prep/CAMM/fifo.mp4
bytes=$(cat prep/CAMM/clip_*.mp4 | wc -c)
dock_volume CAMM
# shellcheck disable=SC2086,SC2090
scrape after $SAMPLES
d() {	# WHAT N WANT: the Nth value grew by WANT since "before"
	expect_eq "$1" "$3" $(($(val after "$2") - $(val before "$2")))
}
d "sealed files from the dock" 1 3
d "sealed bytes from the dock" 2 "$bytes"
d "seal latency histogram count" 3 3
d "seal latency histogram +Inf bucket" 4 3
d "refused: symlink" 5 1
d "refused: fifo" 6 1
d "sealed files from uploads" 7 0
expect_eq "seal queue empty once the session is logged" 0 "$(val after 9)"
expect_eq "probe queue empty once the session is logged" 0 \
    "$(val after 10)"
expect_eq "segments in the log" 3 "$($DL "$S" segments)"

step "an upload sealed, one refused by its certificate"
camera_add CAM0001
{ cp dock/CAMM/clip_1.mp4 up.mp4 && printf 'upload' >>up.mp4; } ||
    fail "up.mp4"
upload() {	# CERT NAME: PUT up.mp4 as CAM0001's file NAME; the status
	curl -sS --cacert pki/ca.pem --cert "pki/$1.pem" --key "pki/$1.key" \
	    -o /dev/null -w '%{http_code}' -T up.mp4 \
	    "https://127.0.0.1:$PORT/v1/cameras/CAM0001/files/$2" ||
	    fail "curl upload $2"
}
expect_eq "good upload" 201 "$(upload CAM0001 up.mp4)"
expect_eq "another camera's certificate" 403 "$(upload CAM0002 x.mp4)"
# shellcheck disable=SC2086,SC2090
scrape upload $SAMPLES 'custos_refused_files_total{reason="not_allowed"}' \
    'custos_sealed_bytes_total{source="upload"}'
expect_eq "sealed files from uploads" 1 "$(val upload 7)"
expect_eq "sealed bytes from uploads" "$(wc -c <up.mp4 | tr -d ' ')" \
    "$(val upload 12)"
expect_eq "seal latency histogram count" $(($(val after 3) + 1)) \
    "$(val upload 3)"
expect_eq "refused: not_allowed" 1 "$(val upload 11)"
expect_eq "sealed files from the dock, unchanged" 3 "$(val upload 1)"

step "the TSA's failures are counted"
tsa_failed() {
	get self tsa >/dev/null
	[ "$($PROM custos_tsa_failures_total <"$W/tsa.body")" -ge 1 ]
}
wait_until 60 "custos_tsa_failures_total at least 1" tsa_failed
log_has "timestamp failed" || fail "the daemon logged no TSA failure"

if [ "$roles" = 0 ]; then
	stop_daemon
	echo "ok metrics (role steps skipped: not running as root)"
	exit 0
fi

step "an operator is refused, naming the roles"
chmod 0711 "$W"
st=$(get operator op)
expect_eq "operator: status" 403 "$st"
expect_in "operator: names auditor" auditor "$(cat "$W/op.body")"
expect_in "operator: names metrics" metrics "$(cat "$W/op.body")"
grep -q '^custos_' "$W/op.body" && fail "operator got metrics"

step "the metrics group and an auditor get them"
for u in metrics auditor; do
	expect_eq "$u: status" 200 "$(get "$u" "$u")"
	$PROM 'custos_sealed_files_total{source="dock"}' <"$W/$u.body" \
	    >"$W/$u.vals" 2>"$W/$u.perr" ||
	    fail "$u: does not parse: $(cat "$W/$u.perr")"
	expect_eq "$u: sealed files from the dock" 3 "$(cat "$W/$u.vals")"
done

step "the console's answers are counted by code"
scrape last 'custos_web_requests_total{code="403"}' \
    'custos_web_requests_total{code="200"}'
expect_eq "403 answers" 1 "$(val last 1)"
[ "$(val last 2)" -ge 4 ] ||
    fail "200 answers: $(val last 2), expected at least 4"

stop_daemon
echo "ok metrics"
