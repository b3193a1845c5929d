# Dock ingest with the real daemon: camera volumes made with ffmpeg are
# docked by renaming them into dock.root; every regular file is sealed
# once with object = its sha256, hostile entries are refused and noted,
# nothing outside the volume is read, re-docking and restarting seal
# nothing twice, several cameras go at once, a file gone unsealed is
# reported missing, and after_ingest = delete removes exactly the sealed
# files.
. "$(dirname "$0")/lib.sh"
station_vars

# cam_field CAMERA FIELD: a field of the camera in status, or "absent".
cam_field() {
	"$CUSTOS" -c "$CONF" status --json | python3 -c '
import json, sys
d = json.load(sys.stdin).get("dock", {})
for c in d.get("cameras", []):
    if c["camera"] == sys.argv[1]:
        print(c[sys.argv[2]]); break
else:
    print("absent")' "$1" "$2"
}

# wait_sessions CAMERA N: until CAMERA has N dock.session entries.
wait_sessions() {
	wait_until 90 "$1: dock.session number $2" has_session "$1" "$2"
}

# wait_undocked CAMERA: until status no longer lists it.
wait_undocked() {
	i=0
	while [ "$(cam_field "$1" state)" != absent ]; do
		i=$((i + 1))
		[ $i -gt 600 ] && fail "$1 still listed 60 s after undocking"
		sleep 0.1
	done
}

# sfield CAMERA PYEXPR: evaluates PYEXPR on the last session s of CAMERA.
sfield() {
	$DL "$S" session "$1" | python3 -c '
import json, sys
s = json.load(sys.stdin)
inv = {i["path"]: i for i in s["inventory"]}
print(eval(sys.argv[1]))' "$2"
}

write_conf
mkdir -p "$W/prep"
step "make a hostile camera volume with ffmpeg"
footage "$W/prep/CAMA" CAMA || fail "footage"
nreg=$(footage_regular "$W/prep/CAMA" | wc -l)
expect_eq "regular files on the volume" 15 "$nreg"

step "dock it by renaming the directory into dock.root"
start_daemon
mv "$W/prep/CAMA" "$D/CAMA"
wait_sessions CAMA 1
out=$($DL "$S" volume CAMA "$D/CAMA") || fail "$out"
echo "$out"
expect_eq "segments" 15 "$($DL "$S" segments)"
expect_eq "ended" complete "$(sfield CAMA 's["ended"]')"
expect_eq "files_seen" 18 "$(sfield CAMA 's["files_seen"]')"
expect_eq "files_sealed" 15 "$(sfield CAMA 's["files_sealed"]')"
expect_eq "files_refused" 3 "$(sfield CAMA 's["files_refused"]')"
expect_eq "symlink to /etc/passwd" "refused symlink /etc/passwd" \
    "$(sfield CAMA 'inv["passwd.mp4"]["status"], inv["passwd.mp4"]["reason"], inv["passwd.mp4"]["target"]' | tr -d "(),'")"
expect_eq "symlink out of the volume" "refused symlink" \
    "$(sfield CAMA 'inv["DCIM/escape.mp4"]["status"], inv["DCIM/escape.mp4"]["reason"]' | tr -d "(),'")"
expect_eq "fifo" "refused fifo" \
    "$(sfield CAMA 'inv["fifo.mp4"]["status"], inv["fifo.mp4"]["reason"]' | tr -d "(),'")"
expect_eq "zero-length file" "sealed 0" \
    "$(sfield CAMA 'inv["empty.mp4"]["status"], inv["empty.mp4"]["size"]' | tr -d "(),'")"
expect_eq "Chinese name" \
    "sha256:$(sha256sum "$D/CAMA/执法记录_001.mp4" | cut -c1-64)" \
    "$(sfield CAMA 'inv["执法记录_001.mp4"]["object"]')"
expect_eq "name with spaces" sealed \
    "$(sfield CAMA 'inv["name with spaces.mp4"]["status"]')"
expect_eq "invalid UTF-8 name" "fffe2e6d7034 sealed" \
    "$(sfield CAMA '[i["path_hex"] + " " + i["status"] for i in s["inventory"] if "path_hex" in i][0]')"
expect_eq "clock drift measured, about +90 s" True \
    "$(sfield CAMA 's["clock_drift"]["measured"] and 80000 < s["clock_drift"]["drift_ms"] < 100000')"
expect_eq "nothing missing on the first session" 0 \
    "$(sfield CAMA 'len(s["missing"])')"
out=$($DL "$S" absent "$(sha256sum /etc/passwd | cut -c1-64)") || fail "$out"
grep -q "custosd: warning: dock: camera=CAMA path=\"fifo.mp4\" refused" \
    "$W/custosd.err" || fail "no log line for the FIFO"
expect_eq "status state" done "$(cam_field CAMA state)"
expect_eq "status files" "15/15" \
    "$(cam_field CAMA files_done)/$(cam_field CAMA files_total)"
out=$("$CUSTOS" -c "$CONF" status)
expect_in "human status" "CAMA" "$out"
expect_in "human status" "15/15 files" "$out"

step "a checkpoint covers the session; log and inclusion verify"
sidx=$(sfield CAMA 's["index"]')
[ "$(checkpoint_size)" -gt "$sidx" ] ||
    fail "checkpoint size $(checkpoint_size) does not cover entry $sidx"
"$CUSTOS" -c "$CONF" log verify >/dev/null || fail "log verify"
seg=$(sfield CAMA 'inv["clip.mp4"]["index"]')
"$CUSTOS" -c "$CONF" log checkpoint >"$W/cp" || fail "log checkpoint"
for i in "$seg" "$sidx"; do
	"$CUSTOS" -c "$CONF" log entry "$i" >"$W/e$i" || fail "entry $i"
	"$CUSTOS" -c "$CONF" log proof "$i" >"$W/p$i" || fail "proof $i"
	"$CUSTOS_VERIFY" inclusion --key "$S/station.vkey" --checkpoint \
	    "$W/cp" --index "$i" --proof "$W/p$i" "$W/e$i" >/dev/null ||
	    fail "custos-verify inclusion of entry $i"
done
expect_in "segment entry" '"type":"segment.sealed"' "$(cat "$W/e$seg")"

step "re-dock: a new session, no new segment"
mv "$D/CAMA" "$W/prep/CAMA"
wait_undocked CAMA
mv "$W/prep/CAMA" "$D/CAMA"
wait_sessions CAMA 2
expect_eq "segments after re-dock" 15 "$($DL "$S" segments)"
expect_eq "re-dock counts" "0 15 3" \
    "$(sfield CAMA 's["files_sealed"], s["files_already_sealed"], s["files_refused"]' | tr -d "(),")"
expect_eq "already_sealed keeps the index" "already_sealed $seg" \
    "$(sfield CAMA 'inv["clip.mp4"]["status"] + " " + str(inv["clip.mp4"]["index"])')"

step "restart with the camera docked: a session, nothing sealed twice"
stop_daemon
start_daemon
wait_sessions CAMA 3
expect_eq "segments after restart" 15 "$($DL "$S" segments)"
expect_eq "files_already_sealed" 15 "$(sfield CAMA 's["files_already_sealed"]')"

step "four cameras docked at once"
for c in CAM1 CAM2 CAM3 CAM4; do
	footage_small "$W/prep/four/$c" "$c" || fail "footage $c"
done
mv "$W/prep/four/CAM1" "$W/prep/four/CAM2" "$W/prep/four/CAM3" \
    "$W/prep/four/CAM4" "$D/"
for c in CAM1 CAM2 CAM3 CAM4; do
	wait_sessions $c 1
	out=$($DL "$S" volume $c "$D/$c") || fail "$out"
	expect_eq "$c files_sealed" 2 "$(sfield $c 's["files_sealed"]')"
	expect_eq "$c status" done "$(cam_field $c state)"
done
expect_eq "segments" 23 "$($DL "$S" segments)"
out=$($DL "$S" once) || fail "$out"

step "a file seen unsealed and gone is reported missing"
mkdir -p "$W/prep/CAMM"
printf 'kept\n' >"$W/prep/CAMM/kept.txt"
mkfifo "$W/prep/CAMM/clip.mp4"
mv "$W/prep/CAMM" "$D/CAMM"
wait_sessions CAMM 1
first=$(sfield CAMM 's["index"]')
expect_eq "clip.mp4 first session" refused "$(sfield CAMM 'inv["clip.mp4"]["status"]')"
mv "$D/CAMM" "$W/prep/CAMM"
wait_undocked CAMM
rm "$W/prep/CAMM/clip.mp4"
mv "$W/prep/CAMM" "$D/CAMM"
wait_sessions CAMM 2
expect_eq "missing" "clip.mp4 $first refused" \
    "$(sfield CAMM '" ".join(str(x) for m in s["missing"] for x in (m["path"], m["last_seen_session"], m["last_status"]))')"
grep -q 'camera=CAMM path="clip.mp4" missing' "$W/custosd.err" ||
    fail "no log line for the missing file"

step "after_ingest = delete removes exactly the sealed files"
for c in CAMA CAMM CAM1 CAM2 CAM3 CAM4; do
	mv "$D/$c" "$W/prep/out-$c"
done
stop_daemon
sed -i 's/^after_ingest = keep/after_ingest = delete/' "$CONF"
footage "$W/prep/CAMD" CAMD || fail "footage CAMD"
(cd "$W/prep/CAMD" && find . -type f -exec sha256sum {} + | sort) \
    >"$W/camd.sums"
start_daemon
mv "$W/prep/CAMD" "$D/CAMD"
wait_sessions CAMD 1
left=$(cd "$D/CAMD" && find . ! -type d | sort | tr '\n' ' ')
expect_eq "left on the camera" \
    "./DCIM/escape.mp4 ./fifo.mp4 ./passwd.mp4 " "$left"
expect_eq "deleted flags" 15 \
    "$(sfield CAMD 'sum(1 for i in s["inventory"] if i.get("deleted") is True)')"
# Every deleted file's bytes are in a segment entry and in the store.
while read -r sum name; do
	obj=sha256:$sum
	$DL "$S" session CAMD | grep -q "\"$obj\"" ||
	    fail "deleted $name: $obj not in the session"
	[ -f "$S/store/objects/$(echo "$sum" | cut -c1-2)/$(echo "$sum" | cut -c3-)" ] ||
	    fail "deleted $name: object not in the store"
done <"$W/camd.sums"
out=$($DL "$S" store) || fail "$out"
out=$($DL "$S" once) || fail "$out"
stop_daemon
"$CUSTOS" -c "$CONF" log verify >/dev/null || fail "log verify at the end"
echo "dock: ok"
