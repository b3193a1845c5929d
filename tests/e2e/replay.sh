#!/bin/sh
# custos replay through the real daemon: an emergency inspection entered
# ten minutes ago (an inspection registered now cannot have entered
# before) gets the footage of two cameras docked one after the other,
# made with ffmpeg with known creation_time in the opposite order (the
# second camera's clip was recorded first), and a text file that is not
# media; it is left and closed.  The replay lists the footage in recorded
# order with an unexplained gap, --json parses and agrees, the ffconcat
# playlist is read to the last packet by ffmpeg's concat demuxer (the one
# ffplay uses), the M3U lists the store files in the same order, a
# missing object is a warning and left out of the playlist, nothing is
# appended to the log, and it all works with the daemon stopped.
. "$(dirname "$0")/lib.sh"
station_vars

# clip OUT TAG TIME: a 2 s clip whose container says it was recorded at
# TIME; 10 frames a second, so 20 video packets.
clip() {
	ffmpeg -nostdin -hide_banner -loglevel error -y \
	    -f lavfi -i "testsrc=size=160x120:rate=10:duration=2" \
	    -f lavfi -i "sine=frequency=440:duration=2" \
	    -c:v $(footage_vcodec) -c:a aac -metadata title="$2" \
	    -metadata creation_time="$3" "$1" || fail "ffmpeg $1"
}

# segment CAMERA NAME: the index of CAMERA's segment.sealed of NAME.
segment() {
	entries_where segment.sealed camera "$1" path "$2"
}

# video_packets PLAYLIST: the video packets ffmpeg's concat demuxer reads
# through the ffconcat PLAYLIST.
video_packets() {
	ffprobe -v error -f concat -safe 0 -i "$1" -count_packets \
	    -select_streams v:0 -show_entries stream=nb_read_packets -of csv=p=0
}

station_start
mkdir -p "$W/prep/CAMA" "$W/prep/CAMB"

step "officers, an enterprise, two cameras of PA-0001"
registry_basics 2
for cam in CAMA CAMB; do
	c camera assign $cam --officer PA-0001 --from "$(utc -3600)" \
	    >/dev/null || fail "assign $cam"
done

step "an emergency inspection, entered ten minutes ago"
ID=$(c inspection emergency --enterprise $USCC --officer PA-0001 \
    --officer PA-0002 --at "$(utc -600)") || fail "emergency: $ID"

step "CAMA docked first (recorded 4 min ago), then CAMB (recorded 8 min ago)"
clip "$W/prep/CAMA/late.mp4" replay-a "$(utc -240)"
printf 'replay notes\n' >"$W/prep/CAMA/notes.txt"
clip "$W/prep/CAMB/early.mp4" replay-b "$(utc -480)"
dock_volume CAMA
dock_volume CAMB
LATE=$(segment CAMA late.mp4)
EARLY=$(segment CAMB early.mp4)
NOTES=$(segment CAMA notes.txt)
[ -n "$LATE" ] && [ -n "$EARLY" ] && [ -n "$NOTES" ] ||
    fail "segments: late [$LATE] early [$EARLY] notes [$NOTES]"
[ "$LATE" -lt "$EARLY" ] || fail "CAMA's segment $LATE not before $EARLY"

step "left and closed"
c inspection leave "$ID" >/dev/null || fail "leave"
c inspection close "$ID" --result 未发现问题 >/dev/null || fail "close"

step "replay: footage in recorded order, an unexplained gap"
before=$(tree_size)
c replay "$ID" >replay.txt 2>replay.err || fail "replay: $(cat replay.err)"
cat replay.txt
expect_in "header" "Inspection $ID: timeline" "$(cat replay.txt)"
order=$(awk '$0 ~ /#[0-9]+ +footage / {
	for (i = 1; i <= NF; i++) if ($i ~ /^#[0-9]+$/) { print substr($i, 2); break }
}' replay.txt | tr '\n' ' ')
expect_eq "footage lines in recorded order" "$EARLY $LATE $NOTES " "$order"
expect_in "an unexplained gap" "! UNEXPLAINED" "$(cat replay.txt)"
expect_in "footage_gap finding" "footage_gap" "$(cat replay.txt)"
# No clock file on these volumes: the camera's clock is said unchecked
# under each footage line (tests/e2e/second_camera.sh has a drift).
expect_eq "clock lines, one per footage line" 3 \
    "$(grep -c 'camera clock: not checked at docking (dock.session #[0-9]*: no clock file on the volume)' replay.txt)"
# Viewing is registered: one inspection.viewed entry in the chain.
expect_eq "replay appended one entry" "$((before + 1))" "$(tree_size)"
expect_eq "the view's entry" "inspection.viewed replay" \
    "$(entry_field "$before" type) $(entry_field "$before" what)"
expect_eq "in the inspection's chain" "$ID" \
    "$(entry_field "$before" inspection)"

step "replay --json parses and agrees"
c replay "$ID" --json >replay.json 2>replay.err || fail "replay --json"
python3 - replay.json "$ID" "$EARLY" "$LATE" <<'EOF' || fail "replay --json"
import json, sys
t = json.load(open(sys.argv[1]))
assert t["inspection"] == sys.argv[2], t["inspection"]
foot = [e["index"] for e in t["events"] if e["kind"] == "footage"]
assert foot[:2] == [int(sys.argv[3]), int(sys.argv[4])], foot
assert len(t["gaps"]) >= 2, t["gaps"]
assert any(not g["explained"] for g in t["gaps"]), t["gaps"]
assert any(f["rule"] == "footage_gap" for f in t["findings"]), t["findings"]
left = [x["segment"] for x in t["left_out"]]
assert len(left) == 1 and "not audio or video" in t["left_out"][0]["problem"]
print("json: %d events, %d gaps, left out %s" % (len(t["events"]),
    len(t["gaps"]), left))
EOF
expect_in "the text file is a warning" "segment $NOTES" "$(cat replay.err)"

# play FILE: the playlist FILE (in $W) written by replay --play, shown.
play() {
	c replay "$ID" --play "$W/$1" >/dev/null 2>play.err ||
	    fail "replay --play $1: $(cat play.err)"
	cat "$1"
}

step "--play out.ffconcat: ffmpeg's concat demuxer reads all of it"
play out.ffconcat
expect_eq "first line" "ffconcat version 1.0" "$(head -n 1 out.ffconcat)"
expect_eq "files in recorded order" \
    "file '$(object_path "$EARLY")' file '$(object_path "$LATE")' " \
    "$(grep '^file ' out.ffconcat | tr '\n' ' ')"
expect_in "the text file left out, said so" "# left out: segment $NOTES" \
    "$(cat out.ffconcat)"
pk=$(video_packets out.ffconcat) || fail "ffprobe concat"
expect_eq "video packets read through the playlist" 40 "$pk"
ffmpeg -nostdin -v error -f concat -safe 0 -i out.ffconcat -f null - \
    2>ffmpeg.err || fail "ffmpeg decode of the playlist: $(cat ffmpeg.err)"
[ -s ffmpeg.err ] && fail "ffmpeg complained: $(cat ffmpeg.err)"

step "a store path with a quote in it: ffconcat quoting that ffmpeg reads"
ln -s "$W" "$W/it's" || fail "symlink"
sed "s#^state_dir = .*#state_dir = $W/it's/state#" "$CONF" >quote.conf
"$CUSTOS" -c quote.conf replay "$ID" --play "$W/quote.ffconcat" \
    >/dev/null 2>&1 || fail "replay through the quoted path"
expect_in "quoted" "file '$W/it'\\''s/state/store/objects/" \
    "$(cat quote.ffconcat)"
pk=$(video_packets quote.ffconcat) ||
    fail "ffprobe of the quoted playlist"
expect_eq "video packets through the quoted paths" 40 "$pk"

step "--play out.m3u: extended M3U of the store files in order"
play out.m3u
expect_eq "first line" "#EXTM3U" "$(head -n 1 out.m3u)"
expect_eq "paths in recorded order" \
    "$(object_path "$EARLY") $(object_path "$LATE") " \
    "$(grep -v '^#' out.m3u | tr '\n' ' ')"
expect_eq "EXTINF cameras" "CAMB CAMA " "$(grep '^#EXTINF:2\.[0-9]*,' out.m3u |
    sed 's/^#EXTINF:[0-9.]*,//' | cut -d' ' -f1 | tr '\n' ' ')"
c replay "$ID" --play "$W/out.txt" >/dev/null 2>&1
expect_eq "--play with an unknown extension" 2 "$?"

step "a missing object is a warning and left out of the playlist"
P=$(object_path "$LATE")
mv "$P" "$W/late.saved" || fail "move the object away"
c replay "$ID" --play "$W/miss.ffconcat" >/dev/null 2>miss.err ||
    fail "replay with a missing object: $(cat miss.err)"
expect_in "warning" "segment $LATE" "$(cat miss.err)"
expect_in "warning says missing" "missing from the store" "$(cat miss.err)"
expect_eq "one file left" "file '$(object_path "$EARLY")'" \
    "$(grep '^file ' miss.ffconcat)"
expect_in "comment" "# left out: segment $LATE" "$(cat miss.ffconcat)"
mv "$W/late.saved" "$P" || fail "move the object back"

step "unknown inspection and usage"
c replay INS-20000101-0001 >/dev/null 2>err.txt
expect_eq "unknown inspection: exit" 1 "$?"
expect_in "unknown inspection: message" "no such inspection" "$(cat err.txt)"
c replay >/dev/null 2>&1
expect_eq "no inspection: exit" 2 "$?"

step "daemon stopped: the same replay"
stop_daemon
c replay "$ID" >stopped.txt 2>stopped.err || fail "replay, daemon stopped"
expect_in "the unlogged view is said" "is not logged" "$(cat stopped.err)"
# The findings' "now" moves on and the views since are steps of their
# own; the other steps and the coverage do not change.
expect_eq "same timeline" "$(sed '/^Findings:/,$d' replay.txt)" \
    "$(sed '/^Findings:/,$d' stopped.txt | grep -v ' viewed ')"
if grep -q "ERROR: AddressSanitizer\|runtime error" custosd.err; then
	fail "sanitizer report"
fi
echo "ok replay"
