#!/bin/sh
# The web console's inspection page, footage and exports (docs/console.md,
# "The player and proofs"), through the real daemon and curl: an
# inspection entered ten minutes before its footage (a gap), an MP4 and
# an MPEG-TS recording docked and linked.  The page lists the chain,
# draws the gap, lists the playlist in recorded order with each proof ✔
# and appends inspection.viewed (what=console).  /footage/N answers Range
# requests byte-exact against the stored object (206, Content-Range, 416
# past the end) and logs evidence.accessed for a play from byte 0 only;
# /footage/N.mp4 of the MPEG-TS is fragmented MP4 that ffprobe reads with
# the same number of video packets, made once for three requests at the
# same time.  An auditor sees no export form and its POST is refused
# (403); the reviewer's export and clip are downloads of the user's own,
# logged in its name.  A stored entry altered behind the daemon's back
# makes its proof ✘.
. "$(dirname "$0")/lib.sh"
station_vars
root_only "users with roles are created"

tag=wp$$
trap 'role_users_remove "$tag" reviewer auditor' EXIT
role_users "$tag" reviewer auditor

roles_conf() {
	conf_web
	cat >>"$CONF" <<EOC
[roles]
reviewer = ${tag}_greviewer
auditor = ${tag}_gauditor
EOC
}

rec() {	# OUT SECONDS CREATION [FORMAT]
	ffmpeg -nostdin -hide_banner -loglevel error -y \
	    -f lavfi -i "testsrc=size=320x240:rate=25:duration=$2" \
	    -f lavfi -i "sine=frequency=440:duration=$2" \
	    -c:v $(footage_vcodec) -g 50 -bf 2 -c:a aac \
	    -metadata creation_time="$3" ${4:+-f $4} "$1" || fail "ffmpeg $1"
}

# get AS PATH [CURL-ARGS...]: curl as user AS ("root" for root) into
# $W/body, headers into $W/head; prints the status.
get() {
	_g_as=$1 _g_p=$2
	shift 2
	if [ "$_g_as" = root ]; then
		curl -sS -o "$W/body" -D "$W/head" -w '%{http_code}' "$@" \
		    "$URL$_g_p"
	else
		# The users write where they may, then the files are ours.
		rm -f "$W/u/body" "$W/u/head"
		runuser -u "${tag}_$_g_as" -- curl -sS -o "$W/u/body" \
		    -D "$W/u/head" -w '%{http_code}' "$@" "$URL$_g_p"
		cp "$W/u/body" "$W/body" 2>/dev/null || : >"$W/body"
		cp "$W/u/head" "$W/head" 2>/dev/null || : >"$W/head"
	fi
}

header() {	# NAME: the value of header NAME in $W/head
	tr -d '\r' <"$W/head" | awk -v n="$1" 'BEGIN { IGNORECASE = 1 }
	    tolower($0) ~ "^" tolower(n) ":" { sub(/^[^:]*: */, ""); print }'
}

count() {	# TYPE: how many TYPE entries the log holds
	entries_where "$1" | wc -l
}

station_start roles_conf
chmod 0711 "$W"
chmod 0644 "$CONF"
install -d -m 1777 "$W/u" || fail "the users' directory"
registry_basics 2
camera_add CAMC
assign_cameras "$(utc -3600)" CAMC:PA-0001
URL=$(web_url)
case $URL in http://127.0.0.1:*) ;; *) fail "web url: $URL" ;; esac

step "an inspection entered before its footage starts, an MP4 and an MPEG-TS linked"
ID=$(c inspection register --enterprise "$USCC" --officer PA-0001 \
    --officer PA-0002 --basis 安全生产法第六十五条 --content 检查) ||
    fail "register"
c inspection enter "$ID" >/dev/null || fail "enter"
T0=$(date +%s)
# The MP4 starts 20 s after entering; the MPEG-TS (no recording time in
# the container) at its file's time, now: a gap of 12 s or more between.
START=$(utc 20)
V=$W/prep/CAMC
mkdir -p "$V" || fail "mkdir"
rec "$V/REC_0001.mp4" 8 "$START"
rec "$V/REC_0002.ts" 8 "$(utc 0)" mpegts
dock_volume CAMC
MP4= TS=
for n in $(entries_where segment.sealed camera CAMC); do
	case $(entry_field "$n" path) in
	*REC_0001.mp4) MP4=$n ;;
	*REC_0002.ts) TS=$n ;;
	esac
done
[ -n "$MP4" ] && [ -n "$TS" ] || fail "segments not sealed"
for n in $MP4 $TS; do
	[ -n "$(links "$n")" ] || c inspection link "$ID" --segment "$n" \
	    --reason 现场执法记录仪 >/dev/null || fail "link $n"
done
past() { [ "$(date +%s)" -ge "$1" ]; }
wait_until 60 "30 s after entering" past $((T0 + 30))
c inspection leave "$ID" >/dev/null || fail "leave"
wait_until 60 "a checkpoint covering the leaving" checkpoint_covers \
    "$(($(tree_size) - 1))"

step "the inspection page: chain, gap, playlist in order with proofs ✔"
v0=$(count inspection.viewed)
st=$(get root "/inspections/$ID")
expect_eq "GET /inspections/$ID" 200 "$st"
cp "$W/body" page.html
for want in '<ol id="chain">' '<li class="entry"' '<svg id="axis"' \
    '<rect class="gap"' '<video id="player" controls preload="metadata">' \
    '<ol id="playlist">' '<section id="findings">' '<form id="export"' \
    '<form id="clip"' 'name="csrf"' "data-src=\"/footage/$MP4\"" \
    "data-src=\"/footage/$TS.mp4\""; do
	grep -qF "$want" page.html || fail "the page lacks $want"
done
python3 - page.html "$MP4" "$TS" <<'EOF' || fail "playlist"
import re, sys
page = open(sys.argv[1]).read()
items = re.findall(r'<li class="segment" data-index="(\d+)".*?<time datetime="([^"]*)"[^>]*>[^<]*</time></li>', page, re.S)
assert sorted(i for i, _ in items) == sorted([sys.argv[2], sys.argv[3]]), items
assert [t for _, t in items] == sorted(t for _, t in items), "not in recorded order"
for li in re.findall(r'<li class="segment".*?</li>', page, re.S):
    assert '<span class="proof ok"' in li and "✔" in li, li
    assert 'class="play"' in li and "sha256:" in li, li
gap = re.search(r'<rect class="gap"[^>]*><title>([^<]*)</title>', page)
assert gap and "未说明" in gap.group(1), gap
EOF
expect_eq "inspection.viewed appended" $((v0 + 1)) \
    "$(count inspection.viewed)"
n=$(entries_where inspection.viewed inspection "$ID" | tail -n 1)
expect_eq "inspection.viewed what" console "$(entry_field "$n" what)"

step "/footage/N: the stored object, with Range, byte-exact"
OBJ=$(object_path "$MP4")
SIZE=$(stat -c %s "$OBJ")
a0=$(count evidence.accessed)
st=$(get root "/footage/$MP4")
expect_eq "GET whole" 200 "$st"
cmp -s "$W/body" "$OBJ" || fail "the whole answer differs from the object"
expect_eq "Accept-Ranges" bytes "$(header Accept-Ranges)"
expect_eq "Content-Type" video/mp4 "$(header Content-Type)"
expect_eq "a play from the start is logged" $((a0 + 1)) \
    "$(count evidence.accessed)"
n=$(entries_where evidence.accessed segment "$MP4" | tail -n 1)
expect_eq "evidence.accessed purpose" "console: play" \
    "$(entry_field "$n" purpose)"
st=$(get root "/footage/$MP4" -H 'Range: bytes=100-1123')
expect_eq "GET bytes=100-1123" 206 "$st"
expect_eq "Content-Range" "bytes 100-1123/$SIZE" "$(header Content-Range)"
dd if="$OBJ" bs=1 skip=100 count=1024 2>/dev/null | cmp -s - "$W/body" ||
    fail "bytes 100-1123 differ from the object"
st=$(get root "/footage/$MP4" -H 'Range: bytes=-500')
expect_eq "GET bytes=-500" 206 "$st"
tail -c 500 "$OBJ" | cmp -s - "$W/body" || fail "the last 500 bytes differ"
st=$(get root "/footage/$MP4" -H "Range: bytes=$((SIZE - 10))-")
expect_eq "GET the last 10 bytes" 206 "$st"
expect_eq "Content-Range" "bytes $((SIZE - 10))-$((SIZE - 1))/$SIZE" \
    "$(header Content-Range)"
st=$(get root "/footage/$MP4" -H "Range: bytes=$SIZE-")
expect_eq "GET past the end" 416 "$st"
expect_eq "416 Content-Range" "bytes */$SIZE" "$(header Content-Range)"
expect_eq "ranges past byte 0 are not logged" $((a0 + 1)) \
    "$(count evidence.accessed)"
st=$(get root "/footage/0")
expect_eq "GET /footage/0 (not a segment)" 404 "$st"
grep -q 'id="error"' "$W/body" || fail "404 without its error line"

step "/footage/N.mp4 of the MPEG-TS: fragmented MP4, remuxed once for three requests"
pids=
for k in 1 2 3; do
	curl -sS -o "$W/mp4.$k" -w '%{http_code}' "$URL/footage/$TS.mp4" \
	    >"$W/mp4.$k.st" &
	pids="$pids $!"
done
for p in $pids; do
	wait "$p"
done
for k in 1 2 3; do
	expect_eq "GET .mp4 ($k)" 200 "$(cat "$W/mp4.$k.st")"
	cmp -s "$W/mp4.1" "$W/mp4.$k" || fail "answer $k differs"
done
expect_eq "remuxed once" 1 "$(grep -c "remuxed sha256=" "$W/custosd.err")"
ls "$S"/console/remux/*.mp4 >/dev/null 2>&1 || fail "no cached remux"
vp() {	# FILE: its video packets as ffprobe counts them
	ffprobe -v error -count_packets -select_streams v \
	    -show_entries stream=nb_read_packets -of csv=p=0 "$1" |
	    grep -m 1 .
}
expect_eq "video packets of the MP4 and the MPEG-TS" \
    "$(vp "$(object_path "$TS")")" "$(vp "$W/mp4.1")"
python3 - "$W/mp4.1" <<'EOF' || fail "not fragmented MP4"
import sys
d = open(sys.argv[1], "rb").read()
assert d[4:8] == b"ftyp", d[:8]
assert b"mvex" in d[:4096] and d.count(b"moof") >= 2, "no fragments"
EOF
st=$(get root "/footage/$TS.mp4" -H 'Range: bytes=0-99')
expect_eq "GET .mp4 bytes=0-99" 206 "$st"
head -c 100 "$W/mp4.1" | cmp -s - "$W/body" || fail ".mp4 range differs"

step "an auditor: the page without the reviewer's forms, POST export refused"
st=$(get auditor "/inspections/$ID?lang=en")
expect_eq "auditor: GET the page" 200 "$st"
grep -q '<form id="export"' "$W/body" && fail "the auditor sees the export form"
grep -q '<form id="clip"' "$W/body" && fail "the auditor sees the clip form"
st=$(get auditor "/footage/$TS")
expect_eq "auditor: GET footage" 200 "$st"
n=$(entries_where evidence.accessed segment "$TS" | tail -n 1)
expect_eq "evidence.accessed by the auditor" "${tag}_auditor" \
    "$(entry_field "$n" by)"
e0=$(count bundle.exported)
st=$(get auditor "/inspections/$ID/export" --data 'csrf=x&purpose=p')
expect_eq "auditor: POST export" 403 "$st"
grep -q 'reviewer' "$W/body" || fail "the 403 does not name the role"
expect_eq "nothing exported" "$e0" "$(count bundle.exported)"

step "the reviewer exports with a purpose: a download of its own"
chmod -R a+rX "$S" || fail "chmod the state directory"
st=$(get reviewer "/inspections/$ID")
expect_eq "reviewer: GET the page" 200 "$st"
CSRF=$(sed -n 's/.*<form id="export".*name="csrf" value="\([0-9a-f]*\)".*/\1/p' \
    "$W/body" | head -n 1)
[ -n "$CSRF" ] || CSRF=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$W/body" |
    head -n 1 | sed 's/.*value="//; s/"$//')
[ -n "$CSRF" ] || fail "no csrf token in the reviewer's page"
st=$(get reviewer "/inspections/$ID/export" --data "csrf=$CSRF&purpose=")
expect_eq "export without a purpose" 400 "$st"
st=$(get reviewer "/inspections/$ID/export" \
    --data-urlencode "csrf=$CSRF" --data-urlencode "purpose=复核执法过程")
expect_eq "reviewer: POST export" 303 "$st"
LOC=$(header Location)
case $LOC in /downloads/u*-"$ID"-bundle-*.tar) ;;
*) fail "Location: $LOC" ;; esac
st=$(get reviewer "$LOC")
expect_eq "reviewer: GET the download" 200 "$st"
tar -tf "$W/body" | grep -q MANIFEST.json || fail "the download is no bundle"
n=$(entries_where bundle.exported inspection "$ID" | tail -n 1)
expect_eq "bundle.exported by, purpose" "${tag}_reviewer 复核执法过程" \
    "$(entry_field "$n" by) $(entry_field "$n" purpose)"
st=$(get root "$LOC")
expect_eq "root (another user): the download" 403 "$st"
st=$(get reviewer "/inspections/$ID/clip" --data-urlencode "csrf=$CSRF" \
    --data-urlencode "segment=$MP4" --data-urlencode "from=1" \
    --data-urlencode "to=5" --data-urlencode "purpose=截取片段")
expect_eq "reviewer: POST clip" 303 "$st"
LOC=$(header Location)
case $LOC in /downloads/u*-"$ID"-clip-*.tar) ;;
*) fail "clip Location: $LOC" ;; esac
st=$(get reviewer "$LOC")
expect_eq "reviewer: GET the clip" 200 "$st"
tar -tf "$W/body" | grep -q "^clips/$MP4\." || fail "the download has no clip"
n=$(entries_where clip.exported inspection "$ID" | tail -n 1)
expect_eq "clip.exported by, segment" "${tag}_reviewer $MP4" \
    "$(entry_field "$n" by) $(entry_field "$n" segment)"

step "an entry altered behind the daemon's back: its proof ✘"
stop_daemon
python3 - "$S/log.db" "$MP4" <<'EOF' || fail "tamper"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for (name,) in db.execute("SELECT name FROM sqlite_master WHERE "
                          "type = 'trigger' AND tbl_name = 'entries'").fetchall():
    db.execute('DROP TRIGGER "%s"' % name)
(data,) = db.execute("SELECT data FROM entries WHERE idx = ?",
                     (int(sys.argv[2]),)).fetchone()
data = bytes(data).replace(b"REC_0001.mp4", b"REC_0009.mp4")
db.execute("UPDATE entries SET data = ? WHERE idx = ?", (data, int(sys.argv[2])))
db.commit()
EOF
# The console's copies expire: a remux after a day, a download after an
# hour; the daemon's start removes the expired ones and keeps the rest.
R1=$(ls "$S"/console/remux/*.mp4 | head -n 1)
D1=$(ls "$S"/console/downloads/* | head -n 1)
[ -f "$R1" ] && [ -f "$D1" ] || fail "no remux or download to expire"
touch -d '25 hours ago' "$R1" && touch -d '61 minutes ago' "$D1" ||
    fail "touch"
echo fresh >"$S/console/downloads/u0-fresh.tar"
start_daemon
[ -e "$R1" ] && fail "an expired remux stayed: $R1"
[ -e "$D1" ] && fail "an expired download stayed: $D1"
[ -f "$S/console/downloads/u0-fresh.tar" ] || fail "a fresh download went"
URL=$(web_url)
st=$(get root "/inspections/$ID")
expect_eq "GET the page after the tampering" 200 "$st"
python3 - "$W/body" "$MP4" "$TS" <<'EOF' || fail "proofs after tampering"
import re, sys
page = open(sys.argv[1]).read()
proof = dict(re.findall(r'<li class="segment" data-index="(\d+)".*?'
                        r'<span class="proof (ok|bad)"', page, re.S))
assert proof == {sys.argv[2]: "bad", sys.argv[3]: "ok"}, proof
assert "✘" in page
EOF
stop_daemon
echo "ok web_player"
