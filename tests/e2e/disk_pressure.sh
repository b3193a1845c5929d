# Disk pressure ([disk] warn and stop_ingest, docs/dock.md): on a small
# tmpfs store (root only) with less free than stop_ingest, docking pauses
# with the reason in the status and once in the log, the camera's files
# stay on it, an upload gets 507 with Retry-After; deleting a filler file
# resumes both by themselves, nothing is deleted to make room, and every
# file ends sealed once.
. "$(dirname "$0")/lib.sh"
station_vars
root_only "mounts a tmpfs as the store"
command -v curl >/dev/null || fail "curl is needed"

cleanup() {
	[ -n "$DPID" ] && kill -9 "$DPID" 2>/dev/null
	umount "$S/store" 2>/dev/null
}
trap cleanup EXIT

cd "$W" || exit 1
upload_setup CAMU
sed -i 's/^after_ingest = keep/after_ingest = delete/' "$CONF"
cat >>"$CONF" <<EOC
[disk]
warn = 6 MiB
stop_ingest = 4 MiB
EOC
mkdir -p "$S/store" "$W/prep"
mount -t tmpfs -o size=16m custos-e2e-store "$S/store" ||
    fail "cannot mount a tmpfs on the store"
# About 3 MiB free: under stop_ingest, with room for the files.
head -c $((13 * 1048576)) /dev/zero >"$S/store/filler" || fail "filler"

up() {	# NAME FILE: PUT as CAMU; headers to $W/h, the status printed
	curl -sS --cacert "$P/ca.pem" --cert "$P/CAMU.pem" \
	    --key "$P/CAMU.key" -D "$W/h" -o "$W/body" -w '%{http_code}' \
	    -T "$2" "$URL/v1/cameras/CAMU/files/$1"
}
stops() {
	grep -c "below stop_ingest: ingest paused.*docking and uploads paused" \
	    "$W/custosd.err"
}

step "start below stop_ingest: one log line, status says so"
start_daemon
camera_add CAMU
wait_log "below stop_ingest: ingest paused.*\(stop_ingest 4.0 MiB\): docking and uploads paused" 10
expect_eq "disk state" stop "$(status_py 'd["disk"]["state"]')"
expect_eq "no rate yet" "not enough history" \
    "$(status_py 'd["disk"]["rate_unknown"]')"
expect_eq "no camera-hours yet" None \
    "$(status_py 'd["disk"]["camera_hours_left"]')"
expect_eq "stop threshold" $((4 * 1048576)) \
    "$(status_py 'd["disk"]["stop_ingest_bytes"]')"
out=$("$CUSTOS" -c "$CONF" status)
expect_in "human disk line" "free, below stop_ingest: ingest paused, camera-hours left unknown: not enough history" "$out"

step "a docked camera pauses; its files stay"
footage_small "$W/prep/CAMP" CAMP || fail "footage"
(cd "$W/prep/CAMP" && sha256sum * | sort) >"$W/camp.sums"
mv "$W/prep/CAMP" "$D/CAMP"
wait_status 'd["dock"]["ingest_paused"] and cams["CAMP"]["state"] == "paused: below stop_ingest"' 20
expect_eq "paused for" stop_ingest "$(status_py 'd["dock"]["paused_for"]')"
expect_in "paused reason" "below stop_ingest 4.0 MiB" \
    "$(status_py 'd["dock"]["paused_reason"]')"
expect_eq "not a full disk" False "$(status_py 'd["dock"]["disk_full"]')"
wait_status 'd["dock"]["paused_retries"] >= 1' 10
expect_eq "files on the camera while paused" 2 "$(ls "$D/CAMP" | wc -l)"
expect_eq "CAMP files done while paused" 0 \
    "$(status_py 'cams["CAMP"]["files_done"]')"
expect_eq "segments while paused" 0 "$($DL "$S" segments)"
out=$("$CUSTOS" -c "$CONF" status)
expect_in "human dock line" "INGEST PAUSED (free space" "$out"
expect_eq "one dock line entering the pause" 1 \
    "$(grep -c "dock: ingest paused for every camera: free space .* below stop_ingest" "$W/custosd.err")"

step "an upload gets 507 with Retry-After"
ffmpeg -loglevel error -f lavfi -i testsrc=duration=2:size=160x120:rate=10 \
    -c:v libx264 "$W/up.mp4" || fail "ffmpeg"
expect_eq "upload status" 507 "$(up up.mp4 "$W/up.mp4")"
grep -qi '^Retry-After: 30' "$W/h" || fail "no Retry-After: $(cat "$W/h")"
expect_in "upload reason" "below stop_ingest" "$(cat "$W/body")"
expect_eq "one state line for all of it" 1 "$(stops)"
expect_eq "nothing deleted from the store" 1 "$(ls "$S/store/filler" | wc -l)"

step "room returns: both resume by themselves"
rm "$S/store/filler"
wait_status 'cams["CAMP"]["state"] == "done" and not d["dock"]["ingest_paused"]' 30
wait_status 'd["disk"]["state"] == "ok"' 30
wait_log "above warn again, ingest resumed" 10
expect_eq "one line leaving" 1 \
    "$(grep -c "above warn again, ingest resumed" "$W/custosd.err")"
expect_eq "still one line entering" 1 "$(stops)"
expect_eq "files left on CAMP" 0 "$(ls "$D/CAMP" | wc -l)"
expect_eq "upload status" 201 "$(up up.mp4 "$W/up.mp4")"
$DL "$S" session CAMP | python3 -c '
import json, sys
s = json.load(sys.stdin)
assert s["files_sealed"] == 2 and s["ended"] == "complete", s
assert s["pauses"] == 1 and "below stop_ingest" in s["pause_reason"], s
assert all(i["deleted"] for i in s["inventory"]), s' || fail "CAMP session"
while read -r sum name; do
	[ -f "$S/store/objects/$(echo "$sum" | cut -c1-2)/$(echo "$sum" | cut -c3-)" ] ||
	    fail "$name deleted but not in the store"
done <"$W/camp.sums"
expect_eq "segments" 3 "$($DL "$S" segments)"
out=$($DL "$S" store) || fail "$out"
out=$($DL "$S" once) || fail "$out"
stop_daemon
"$CUSTOS" -c "$CONF" log verify >/dev/null || fail "log verify"
echo "disk_pressure: ok"
