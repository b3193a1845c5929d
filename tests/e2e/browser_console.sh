#!/bin/sh
# The web console in a real browser: custosd with [web] listen =
# 127.0.0.1:0 and [roles], Debian's headless Chromium driven by
# tests/browser/console.js (puppeteer-core), run as Unix users created
# here (a reviewer and an auditor, mapped to their roles by groups): the
# console knows a loopback peer by the uid owning its socket, so each
# user's Chromium runs under that uid (setpriv).  An emergency inspection
# gets footage made with ffmpeg from two cameras: an MP4 and an MPEG-TS
# segment, with gaps between them.  Checked in the browser: the station
# page shows a camera docking with its progress bar moving; the list
# links the inspection; its page lists its chain, draws the gaps in red,
# and the video plays the MP4 (served as stored) and the MPEG-TS segment
# (remuxed, /footage/N.mp4), each fetched with HTTP Range; the export
# form is the reviewer's only and its POST by the auditor, with the
# auditor's own valid CSRF token, is refused 403 naming reviewer; the
# reviewer's POST without its token is refused 403 naming CSRF and with
# it goes through; the ledger and audit pages; a page in English;
# axe-core finds no serious or critical violation on any page.  Checked
# with the custos CLI: each view appended its inspection.viewed and each
# segment played its evidence.accessed, naming the user.  The screenshots
# of every page are kept in the test's output directory (printed as
# "screenshots: DIR").
. "$(dirname "$0")/lib.sh"
station_vars
root_only "Unix users for the roles, Chromium run as each of them"
BROWSER=$E2E_TOP/tests/browser
SHOTS=${CUSTOS_BUILD:-$(dirname "$CUSTOSD")}/test/e2e/browser_console

step "what the test needs (make deps installs it)"
[ -x /usr/bin/chromium ] || fail "no /usr/bin/chromium (package chromium)"
command -v node >/dev/null || fail "node is missing (package nodejs)"
command -v setpriv >/dev/null || fail "setpriv is missing (util-linux)"
for m in puppeteer-core axe-core; do
	[ -f "$BROWSER/node_modules/$m/package.json" ] ||
	    fail "$m is missing in tests/browser (make deps)"
done

step "users: a reviewer and an auditor, each in its role's group"
tag=bc$$
RV=${tag}_reviewer
AU=${tag}_auditor
cleanup() {
	# Chromium of this test still running (a crashed driver): by the
	# profile directories on its command line.
	_cl=$(pgrep -f -- "--user-data-dir=$W/" | tr '\n' ' ')
	[ -n "$_cl" ] && kill -9 $_cl 2>/dev/null
	[ -n "$DPID" ] && kill -9 "$DPID" 2>/dev/null
	role_users_remove "$tag" reviewer auditor
}
trap cleanup EXIT
trap 'exit 143' INT TERM
role_users "$tag" reviewer auditor

# Each user's Chromium: a wrapper that puppeteer-core starts as the
# browser, dropping to the user (its groups too), with a home and a
# profile it owns.
chmod 0711 "$W"
for u in "$RV" "$AU"; do
	install -d -o "$u" -g nogroup -m 0700 "$W/home-$u" "$W/profile-$u" ||
	    fail "directories of $u"
	cat >"$W/chromium-$u" <<EOF
#!/bin/sh
HOME=$W/home-$u XDG_CONFIG_HOME=$W/home-$u/.config
XDG_CACHE_HOME=$W/home-$u/.cache TMPDIR=$W/home-$u
export HOME XDG_CONFIG_HOME XDG_CACHE_HOME TMPDIR
exec setpriv --reuid=$u --regid=nogroup --init-groups /usr/bin/chromium "\$@"
EOF
	chmod 0755 "$W/chromium-$u"
done

rm -rf "$SHOTS"
mkdir -p "$SHOTS" || fail "mkdir $SHOTS"

# browse NAME USER STEP...: console.js as USER, output in $W/NAME.out
# (shown); exits 0 when every check held.
browse() {
	_b_n=$1 _b_u=$2
	shift 2
	timeout 300 node "$BROWSER/console.js" --base "$URL" --user "$_b_u" \
	    --chromium "$W/chromium-$_b_u" --profile "$W/profile-$_b_u" \
	    --shots "$SHOTS" "$@" >"$W/$_b_n.out" 2>"$W/$_b_n.err"
	_b_st=$?
	sed 's/^/  /' "$W/$_b_n.out"
	[ -s "$W/$_b_n.err" ] && sed 's/^/  stderr: /' "$W/$_b_n.err"
	return $_b_st
}

# Failures of the browser's checks are gathered, so that each part of
# the console is tried even when another fails; the test fails at the end.
FAILED=
failed() {
	echo "FAIL: $*"
	FAILED="$FAILED
  $*"
}

step "the station: custosd with the console on a free port, [roles]"
cd "$W" || exit 1
write_conf
cat >>"$CONF" <<EOC
[roles]
reviewer = ${tag}_greviewer
auditor = ${tag}_gauditor
EOC
conf_web
cp -R "$CAL" "$W/calendar" || fail "copy the calendar"
mkdir -p "$W/prep"
start_daemon
URL=$(web_url) || fail "no web.listen in the status"
case $URL in
http://127.0.0.1:[1-9]*) ;;
*) fail "web_url: [$URL], expected http://127.0.0.1:PORT" ;;
esac
echo "console at $URL"

step "an emergency inspection with an MP4 and an MPEG-TS segment, gaps between"
registry_basics 2
assign_cameras "$(utc -3600)" CAMA:PA-0001 CAMB:PA-0001
ID=$(c inspection emergency --enterprise "$USCC" --officer PA-0001 \
    --officer PA-0002 --at "$(utc -600)") || fail "emergency: $ID"
# H.264 (AAC sound) in both: what body cameras record and what
# Debian's chromium plays.  6 s at 25 frames a second.
clip6() {	# OUT TAG [FFMPEG-ARGS...]
	_c_o=$1 _c_t=$2
	shift 2
	ffmpeg -nostdin -hide_banner -loglevel error -y \
	    -f lavfi -i "testsrc=size=320x240:rate=25:duration=6" \
	    -f lavfi -i "sine=frequency=440:duration=6" \
	    -c:v $(footage_vcodec) -c:a aac -metadata title="$_c_t" "$@" \
	    "$_c_o" || fail "ffmpeg $_c_o"
}
mkdir -p "$W/prep/CAMA" "$W/prep/CAMB"
# The MP4 says when it was recorded (8 min ago); MPEG-TS has no such tag,
# so the file's time on the camera (4 min ago) is its recorded time.
clip6 "$W/prep/CAMA/VID_0001.MP4" browser-a \
    -metadata creation_time="$(utc -480)"
clip6 "$W/prep/CAMB/VID_0001.TS" browser-b -f mpegts
touch -d "$(utc -240)" "$W/prep/CAMB/VID_0001.TS"
ffprobe -v error -show_entries format=format_name -of csv=p=0 \
    "$W/prep/CAMB/VID_0001.TS" | grep -qx mpegts || fail "not an MPEG-TS"
dock_volume CAMA
dock_volume CAMB
MP4=$(entries_where segment.sealed camera CAMA path VID_0001.MP4)
TS=$(entries_where segment.sealed camera CAMB path VID_0001.TS)
[ -n "$MP4" ] && [ -n "$TS" ] || fail "segments: mp4 [$MP4] ts [$TS]"
expect_eq "segment $MP4 linked by the station" "$ID auto" "$(links "$MP4")"
expect_eq "segment $TS linked by the station" "$ID auto" "$(links "$TS")"
c inspection leave "$ID" >/dev/null || fail "leave"
c inspection close "$ID" --result 未发现问题 >/dev/null || fail "close"
c replay "$ID" --json >"$W/replay.json" 2>"$W/replay.err" ||
    fail "replay: $(cat "$W/replay.err")"
NGAPS=$(python3 -c '
import json, sys
print(len(json.load(open(sys.argv[1]))["gaps"]))' "$W/replay.json")
[ "$NGAPS" -ge 2 ] || fail "replay finds $NGAPS gaps, expected 2 or more"
echo "inspection $ID: segments $MP4 (MP4) and $TS (MPEG-TS), $NGAPS gaps"
# The proofs shown are checked against the latest signed checkpoint.
wait_until 120 "a checkpoint covering the closing entry" \
    checkpoint_covers "$(($(tree_size) - 1))"

# web_count NAME: the console's counter NAME in the status (web.NAME).
web_count() {
	status_py "d['web']['$1']"
}

# viewed_as_loaded NAME USER FROM: USER's inspection.viewed entries of $ID
# from index FROM on, with what=console, are as many as the inspection
# pages console.js says it loaded (in $W/NAME.out).
viewed_as_loaded() {
	_va=$(views "$3" inspection.viewed inspection "$ID" "$2")
	echo "$_va" | sed 's/^/  inspection.viewed /'
	_va_n=$(echo "$_va" | grep -c ' console ')
	_va_want=$(sed -n 's/^inspection views: //p' "$W/$1.out")
	[ -n "$_va_want" ] && [ "$_va_want" -gt 0 ] ||
	    { failed "$1: console.js loaded no inspection page"; return; }
	[ "$_va_n" = "$_va_want" ] || failed "$1: $_va_n inspection.viewed" \
	    "entries with what=console by $2, for $_va_want pages loaded"
}

# views FROM TYPE KEY VALUE USER: the entries from index FROM on of TYPE
# whose KEY is VALUE and whose "by" is USER, as custos log entry gives
# them ("INDEX what purpose" a line).
views() {
	python3 - "$CUSTOS" "$CONF" "$1" "$(tree_size)" "$2" "$3" "$4" "$5" \
	    <<'PY'
import json, subprocess, sys
custos, conf = sys.argv[1], sys.argv[2]
first, size, typ, key, value, by = (int(sys.argv[3]), int(sys.argv[4]),
    *sys.argv[5:])
for n in range(first, size):
    e = json.loads(subprocess.run([custos, "-c", conf, "log", "entry",
        str(n)], check=True, capture_output=True).stdout)
    if e["type"] == typ and str(e.get(key)) == value and e.get("by") == by:
        print(n, e.get("what"), e.get("purpose"))
PY
}

step "the station page as the reviewer: a camera docking, its progress moving"
# A volume of 120 files (64 KiB each): sealing and probing each takes
# long enough that the bar is seen part-way over several of station.js's
# polls.
mkdir -p "$W/prep/CAMP"
n=0
while [ $n -lt 120 ]; do
	head -c 65536 /dev/urandom >"$W/prep/CAMP/F$n.MP4" || fail "volume"
	n=$((n + 1))
done
rm -f "$W/station.ready"
(browse station "$RV" --ready "$W/station.ready" station=CAMP) &
node_pid=$!
# loaded: the page is loaded, or the driver gave up.
loaded() {
	[ -f "$W/station.ready" ] || ! kill -0 "$node_pid" 2>/dev/null
}
poll 90 loaded || failed "station: the page did not load within 90 s"
mv "$W/prep/CAMP" "$D/CAMP" || fail "dock CAMP"
wait "$node_pid" || failed "station page (see the lines above)"
wait_until 120 "CAMP: a dock.session" has_session CAMP

step "the reviewer: the list, the inspection page, the player, CSRF"
before=$(tree_size)
csrf0=$(web_count refused_csrf)
browse reviewer "$RV" list="$ID" inspection="$ID,$MP4,$TS,export" \
    nocsrf="$ID" export="$ID" english=/inspections ||
    failed "reviewer's pages (see above)"
[ "$(web_count refused_csrf)" -gt "$csrf0" ] ||
    failed "the console's status counted no refused_csrf"

step "the reviewer's views are in the log (custos log entry)"
viewed_as_loaded reviewer "$RV" "$before"
for n in "$MP4" "$TS"; do
	a=$(views "$before" evidence.accessed segment "$n" "$RV")
	echo "$a" | sed "s/^/  evidence.accessed segment $n: /"
	[ -n "$a" ] || failed "no evidence.accessed of segment $n by $RV"
done

b=$(views "$before" bundle.exported inspection "$ID" "$RV")
echo "$b" | sed 's/^/  bundle.exported /'
[ -n "$b" ] || failed "no bundle.exported of $ID by $RV (the form's export)"

step "the auditor's own CSRF token (the frame's csrf-token meta)"
browse token "$AU" token="$ID" || failed "the auditor's token"
TOKEN=$(sed -n 's/^csrf: //p' "$W/token.out")

step "the auditor: no export form, its POST refused; the ledger, the audit"
before=$(tree_size)
role0=$(web_count refused_role)
browse auditor "$AU" inspection="$ID,$MP4,$TS,none" \
    refused="$ID,${TOKEN:-0}" ledger audit selftest ||
    failed "auditor's pages (see above)"
[ "$(web_count refused_role)" -gt "$role0" ] ||
    failed "the console's status counted no refused_role"
viewed_as_loaded auditor "$AU" "$before"
for n in "$MP4" "$TS"; do
	a=$(views "$before" evidence.accessed segment "$n" "$AU")
	echo "$a" | sed "s/^/  evidence.accessed segment $n: /"
	[ -n "$a" ] || failed "no evidence.accessed of segment $n by $AU"
done
b=$(views "$before" bundle.exported inspection "$ID" "$AU")
[ -z "$b" ] || failed "the auditor's refused POST exported: $b"

echo "screenshots: $SHOTS"
ls "$SHOTS" | sed 's/^/  /'
stop_daemon
[ -z "$FAILED" ] || fail "browser checks failed:$FAILED"
echo "browser_console: ok"
