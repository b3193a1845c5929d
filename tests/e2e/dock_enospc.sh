# A full store stops ingest for every camera with a clear status, stores,
# acknowledges and deletes nothing it could not store, and resumes by
# itself when space returns.  The store is a small tmpfs (root only).
. "$(dirname "$0")/lib.sh"
station_vars
root_only "mounts a tmpfs as the store"

cleanup() {
	[ -n "$DPID" ] && kill -9 "$DPID" 2>/dev/null
	umount "$S/store" 2>/dev/null
}
trap cleanup EXIT

write_conf
sed -i 's/^after_ingest = keep/after_ingest = delete/' "$CONF"
# The ENOSPC pause itself: no [disk] floor that would pause first
# (disk_pressure.sh tests that one).
printf '[disk]\nwarn = 0\nstop_ingest = 0\n' >>"$CONF"
mkdir -p "$S/store" "$W/prep"
mount -t tmpfs -o size=8m custos-e2e-store "$S/store" ||
    fail "cannot mount a tmpfs on the store"
# Leave well under 2 MiB free, less than any of the big files.
head -c $((7 * 1048576)) /dev/zero >"$S/store/junk" || fail "fill"

step "dock a camera with more than fits"
footage_big "$W/prep/CAMF" CAMF 2 || fail "footage"
(cd "$W/prep/CAMF" && sha256sum * | sort) >"$W/camf.sums"
start_daemon
mv "$W/prep/CAMF" "$D/CAMF"
wait_status 'd["dock"]["store_full"] and cams["CAMF"]["state"] == "waiting: store full"' 20
grep -q "store full (disk full: no space left on the store): ingest paused for every camera" "$W/custosd.err" ||
    fail "no log line for the full store"
out=$("$CUSTOS" -c "$CONF" status)
expect_in "human status" "STORE FULL (disk full)" "$out"
expect_eq "json disk_full" True "$(status_py 'd["dock"]["disk_full"]')"

step "another camera docked meanwhile waits too"
footage_small "$W/prep/CAMG" CAMG || fail "footage"
mv "$W/prep/CAMG" "$D/CAMG"
wait_status '"CAMG" in cams and cams["CAMG"]["state"] == "waiting: store full"' 10
wait_status 'd["dock"]["disk_full_retries"] >= 1' 10	# a retry round fails again
expect_eq "still full" True "$(status_py 'd["dock"]["store_full"]')"
expect_eq "segments while full" 0 "$($DL "$S" segments)"
expect_eq "CAMG files done while full" 0 "$(status_py 'cams["CAMG"]["files_done"]')"
expect_eq "files on the camera while full" 4 "$(ls "$D/CAMF" | wc -l)"
expect_eq "files on CAMG while full" 2 "$(ls "$D/CAMG" | wc -l)"
out=$($DL "$S" store) || fail "$out"
"$CUSTOS" -c "$CONF" log verify >/dev/null || fail "log verify while full"
expect_eq "one log line entering the state" 1 \
    "$(grep -c "store full (disk full: .*): ingest paused" "$W/custosd.err")"
expect_eq "no per-file warning while full" 0 \
    "$(grep -c "not sealed" "$W/custosd.err")"

step "space returns: ingest resumes and completes"
rm "$S/store/junk"
wait_status 'cams["CAMF"]["state"] == "done" and cams["CAMG"]["state"] == "done" and not d["dock"]["store_full"]' 30
expect_eq "one log line leaving the state" 1 \
    "$(grep -c "store has space again: ingest resumed" "$W/custosd.err")"
expect_eq "segments" 6 "$($DL "$S" segments)"
expect_eq "CAMF files left" 0 "$(ls "$D/CAMF" | wc -l)"
while read -r sum name; do
	[ -f "$S/store/objects/$(echo "$sum" | cut -c1-2)/$(echo "$sum" | cut -c3-)" ] ||
	    fail "$name deleted but not in the store"
done <"$W/camf.sums"
out=$($DL "$S" store) || fail "$out"
out=$($DL "$S" once) || fail "$out"
$DL "$S" session CAMF | python3 -c '
import json, sys
s = json.load(sys.stdin)
assert s["files_sealed"] == 4 and s["ended"] == "complete", s
assert all(i["deleted"] for i in s["inventory"]), s' || fail "CAMF session"
stop_daemon
"$CUSTOS" -c "$CONF" log verify >/dev/null || fail "log verify"
echo "dock_enospc: ok"
