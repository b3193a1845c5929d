# Holes in a camera's file numbering ([dock] file_numbering): files
# deleted on the camera before it was ever docked are reported in the
# dock.session entry ("numbering_gaps"), in the daemon's log, in the
# status and by custos audit as numbering_gap findings; across sessions
# the numbering continues from the camera's previous docking; "none"
# turns the check off, a regex chooses the number, and names without a
# number give no hole and no error.  custos camera explain logs why a
# hole is there (camera.numbering_reason); the audit says which holes are
# explained and which are not.
. "$(dirname "$0")/lib.sh"
station_vars

# gaps CAMERA: the holes of CAMERA's last session, "series from to after
# before" a line, or nothing.
gaps() {
	session_py "$1" '"\n".join("%s %d %d %s %s" % (g["series"],
	    g["missing_from"], g["missing_to"], g["after"], g["before"])
	    for g in s.get("numbering_gaps", []))'
}

# clips DIR NAME...: a real clip for each NAME below DIR.
clips() {
	_cl_d=$1
	shift
	for _cl_n in "$@"; do
		mkdir -p "$(dirname "$_cl_d/$_cl_n")"
		ffmpeg_clip "$_cl_d/$_cl_n" "$(basename "$_cl_d")" ||
		    fail "ffmpeg $_cl_n"
	done
}

# audit_gaps: the numbering_gap findings of custos audit --json, "camera
# session series from to after before" a line.
audit_gaps() {
	c audit --json --no-objects | python3 -c '
import json, sys
a = json.load(sys.stdin)
assert a["findings"]["numbering_gaps"] == sum(
    1 for f in a["findings"]["findings"] if f["rule"] == "numbering_gap")
for f in a["findings"]["findings"]:
    if f["rule"] == "numbering_gap":
        assert f["entries"] == [f["session"]], f
        print(f["camera"], f["session"], f["series"], f["missing_from"],
              f["missing_to"], f["after"], f["before"])'
}

# audit_explained: each numbering_gap finding of custos audit --json,
# "session from to explained [reason_entry reason]" a line.
audit_explained() {
	c audit --json --no-objects | python3 -c '
import json, sys
a = json.load(sys.stdin)["findings"]
gaps = [f for f in a["findings"] if f["rule"] == "numbering_gap"]
assert a["numbering_gaps_unexplained"] == sum(
    1 for f in gaps if not f["explained"]), a
for f in gaps:
    print(" ".join(str(x) for x in [f["session"], f["missing_from"],
        f["missing_to"], f["explained"]] + ([f["reason_entry"],
        f["reason"]] if f["explained"] else [])))'
}

# conf_numbering VALUE: [dock] file_numbering = VALUE (custosd stopped).
conf_numbering() {
	V=$1 awk '!/^file_numbering = / { print }
	    /^after_ingest = / { print "file_numbering = " ENVIRON["V"] }' \
	    "$CONF" >"$CONF.new" && mv "$CONF.new" "$CONF" ||
	    fail "file_numbering = $1"
}

station_start

step "REC0001, REC0002, REC0004: the hole 3..3"
clips "$W/prep/CAMN" REC0001.MP4 REC0002.MP4 REC0004.MP4
clips "$W/prep/CAMN" DCIM/100MEDIA/DSCF0008.MP4 DCIM/100MEDIA/DSCF0009.MP4
dock_volume CAMN
s1=$(session_py CAMN 's["index"]')
expect_eq "dock.session gaps" "REC 3 3 REC0002.MP4 REC0004.MP4" \
    "$(gaps CAMN)"
expect_eq "every file sealed" 5 "$(session_py CAMN 's["files_sealed"]')"
log_has 'camera=CAMN numbering gap series="REC" missing=3\.\.3 after="REC0002\.MP4" before="REC0004\.MP4"' ||
    fail "no log line for the hole"
expect_eq "one log line per hole" 1 \
    "$(grep -c 'camera=CAMN numbering gap' "$W/custosd.err")"
expect_eq "audit --json" "CAMN $s1 REC 3 3 REC0002.MP4 REC0004.MP4" \
    "$(audit_gaps)"
out=$(c audit --no-objects) || fail "audit: $out"
expect_in "audit text" "1 numbering gap in dock sessions" "$out"
expect_in "audit text" "dock session $s1: numbering_gap: CAMN: series REC: number 3 missing between REC0002.MP4 and REC0004.MP4" "$out"
expect_in "audit verdict: a finding, not an integrity failure" \
    "integrity proven" "$out"
expect_eq "status --json" "REC 3 3" "$(status_py '" ".join(str(g[k]) for g in cams["CAMN"]["numbering_gaps"] for k in ("series", "missing_from", "missing_to"))')"
expect_in "status" "numbering gap: REC 3..3 missing between REC0002.MP4 and REC0004.MP4" \
    "$(c status)"

step "the next docking continues from REC0004: the hole 5..6"
undock_volume CAMN
rm "$W/prep/CAMN/REC0001.MP4" "$W/prep/CAMN/REC0002.MP4" \
    "$W/prep/CAMN/REC0004.MP4"
clips "$W/prep/CAMN" REC0007.MP4
mv "$W/prep/CAMN" "$D/CAMN"
wait_until 90 "CAMN: a second dock.session" has_session CAMN 2
s2=$(session_py CAMN 's["index"]')
expect_eq "gap across sessions" "REC 5 6 REC0004.MP4 REC0007.MP4" \
    "$(gaps CAMN)"
expect_eq "audit lists both" "CAMN $s1 REC 3 3 REC0002.MP4 REC0004.MP4
CAMN $s2 REC 5 6 REC0004.MP4 REC0007.MP4" "$(audit_gaps)"
expect_in "audit text" "number 5 to 6 (2 files) missing" \
    "$(c audit --no-objects)"

step "explaining a hole: custos camera explain, camera.numbering_reason"
expect_eq "both unexplained" "$s1 3 3 False
$s2 5 6 False" "$(audit_explained)"
refused_by not_session session_not_dock_session \
    "entry 0 is not a dock.session" \
    c camera explain CAMN --session 0 --from 3 --to 3 --reason r
refused_by beyond_log session_not_dock_session "no entry 99999 in the log" \
    c camera explain CAMN --session 99999 --from 3 --to 3 --reason r
refused_by not_in_session numbering_gap_unknown \
    "dock session $s1 recorded no hole 5..6" \
    c camera explain CAMN --session "$s1" --from 5 --to 6 --reason r
refused_by wider_hole numbering_gap_unknown "recorded no hole 3..4" \
    c camera explain CAMN --session "$s1" --from 3 --to 4 --reason r
refused_by other_series numbering_gap_unknown "no hole 3..3 in series DSCF" \
    c camera explain CAMN --session "$s1" --from 3 --to 3 --series DSCF \
    --reason r
refused_by other_camera session_other_camera \
    "dock session $s1 is of camera CAMN, not CAMG" \
    c camera explain CAMG --session "$s1" --from 3 --to 3 --reason r
exits no_reason 2 c camera explain CAMN --session "$s1" --from 3 --to 3
expect_in "usage names explain" "custos camera explain SERIAL" \
    "$(cat "$W/no_reason.err")"
size=$(tree_size)
code=$(curl -s -o "$W/raw.json" -w '%{http_code}' \
    --unix-socket "$W/control.sock" -H 'Content-Type: application/json' \
    --data-binary "{\"session\": $s1, \"missing_from\": 3, \"missing_to\": 3}" \
    http://localhost/v1/cameras/CAMN/numbering-reason)
expect_eq "no reason: 400" 400 "$code"
expect_eq "no reason: the rule and field" "field_missing missing field \"reason\"" \
    "$(python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(j["rule"], j["error"])' "$W/raw.json")"
expect_eq "no entry appended by a refusal" "$size" "$(tree_size)"
why="测试录像，经队长同意在相机上删除 (test recording deleted on order)"
exits explain 0 c camera explain CAMN --session "$s1" --from 3 --to 3 \
    --reason "$why" --json
r=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["index"])' \
    "$W/explain.out")
expect_eq "entry type" camera.numbering_reason "$(entry_field "$r" type)"
expect_eq "entry fields" "CAMN $s1 REC 3 3 $why" "$("$CUSTOS" -c "$CONF" \
    log entry "$r" | python3 -c 'import json, sys
e = json.load(sys.stdin)
print(e["camera"], e["session"], e["series"], e["missing_from"],
      e["missing_to"], e["reason"])')"
expect_eq "audit: 3..3 explained, 5..6 not" "$s1 3 3 True $r $why
$s2 5 6 False" "$(audit_explained)"
out=$(c audit --no-objects) || fail "audit: $out"
expect_in "audit text: counts" \
    "2 numbering gaps in dock sessions (1 unexplained)" "$out"
expect_in "audit text: explained" "dock session $s1: numbering_gap: CAMN: series REC: number 3 missing between REC0002.MP4 and REC0004.MP4: explained (entry $r): $why" "$out"
expect_in "audit text: unexplained" "dock session $s2: numbering_gap: CAMN: series REC: number 5 to 6 (2 files) missing between REC0004.MP4 and REC0007.MP4: unexplained" "$out"

step "a third docking with the same files: no hole reported again"
undock_volume CAMN
mv "$W/prep/CAMN" "$D/CAMN"
wait_until 90 "CAMN: a third dock.session" has_session CAMN 3
expect_eq "no new hole" "" "$(gaps CAMN)"
expect_eq "no numbering_gaps member" False \
    "$(session_py CAMN '"numbering_gaps" in s')"
undock_volume CAMN

step "auto: GoPro chapters and date-named files with a counter"
clips "$W/prep/CAMG" DCIM/100GOPRO/GX010001.MP4 DCIM/100GOPRO/GX020001.MP4 \
    DCIM/100GOPRO/GX010002.MP4 DCIM/100GOPRO/GX010004.MP4 \
    20261126_100000_0001.MP4 20261126_103000_0002.MP4 \
    20261127_090000_0004.MP4 VID_20261126_100000.mp4 \
    VID_20261126_113000.mp4
dock_volume CAMG
expect_eq "GoPro and date-named holes" \
    "*_*_ 3 3 20261126_103000_0002.MP4 20261127_090000_0004.MP4
DCIM/100GOPRO/GX 3 3 DCIM/100GOPRO/GX010002.MP4 DCIM/100GOPRO/GX010004.MP4" \
    "$(gaps CAMG)"
undock_volume CAMG

step "file_numbering = none: no hole"
stop_daemon
conf_numbering none
start_daemon
clips "$W/prep/CAMX" REC0001.MP4 REC0003.MP4
dock_volume CAMX
expect_eq "no numbering_gaps with none" False \
    "$(session_py CAMX '"numbering_gaps" in s')"
undock_volume CAMX

step "a custom regex: its first group is the number"
stop_daemon
conf_numbering '^clip-([0-9]+)-cam\.mp4$'
start_daemon
clips "$W/prep/CAMR" clip-1-cam.mp4 clip-2-cam.mp4 clip-5-cam.mp4 \
    REC0001.MP4 REC0003.MP4 clip-x-cam.mp4
dock_volume CAMR
expect_eq "regex hole, the REC names not numbered" \
    "clip- 3 4 clip-2-cam.mp4 clip-5-cam.mp4" "$(gaps CAMR)"
undock_volume CAMR

step "names without numbers: no hole, no error"
stop_daemon
conf_numbering auto
start_daemon
clips "$W/prep/CAMW" clip.mp4 photo.mp4 "name with spaces.mp4" \
    执法记录.mp4 VID_20261126_100000.mp4 VID_20261126_113000.mp4 \
    "2026-11-26 10.00.00.mp4" "2026-11-26 12.00.00.mp4"
printf 'CAMW\n' >"$W/prep/CAMW/$(printf '\377\376.txt')"
dock_volume CAMW
expect_eq "ended" complete "$(session_py CAMW 's["ended"]')"
expect_eq "no numbering_gaps" False "$(session_py CAMW '"numbering_gaps" in s')"
log_has 'numbering not checked' && fail "numbering check failed"
expect_eq "the audit's numbering gaps, unchanged" 5 "$(audit_gaps | wc -l)"

step "a bad regex is a config error naming file, line and key"
stop_daemon
conf_numbering 'REC[0-9'
out=$("$CUSTOSD" -f -c "$CONF" 2>&1) && fail "custosd accepted a bad regex"
expect_in "bad regex" "custos.conf:9: [dock] file_numbering:" "$out"
conf_numbering 'REC[0-9]+'
out=$("$CUSTOSD" -f -c "$CONF" 2>&1) && fail "custosd accepted a regex without a group"
expect_in "regex without a group" "custos.conf:9: [dock] file_numbering: the regex \"REC[0-9]+\" has no group" "$out"
"$CUSTOS" -c "$CONF" log verify >/dev/null 2>&1 &&
    fail "custos accepted the bad config"
conf_numbering auto
"$CUSTOS" -c "$CONF" log verify >/dev/null || fail "log verify at the end"
echo "numbering: ok"
