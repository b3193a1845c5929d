# kill -9 of a busy daemon: a camera is half offloaded (some files sealed,
# others being copied and probed) when custosd dies.  The log verifies,
# no object is partial or sealed twice, the next start says the previous
# stop was unclean, so the gap in custody shows, and the offload then
# completes with every file sealed exactly once.
. "$(dirname "$0")/lib.sh"
station_vars

busy() {
	status_is '("CAMC" in cams and cams["CAMC"]["files_done"] >= 1 and
	    cams["CAMC"]["state"] != "done")'
}

write_conf
mkdir -p "$W/prep" "$W/dock"
# Many files, so the offload lasts long enough to be caught half done.
footage_big "$W/prep/CAMC" CAMC 8 || fail "footage"
for k in $(seq 1 40); do
	head -c 4194304 /dev/urandom >"$W/prep/CAMC/MORE_$k.MP4"
done
total=$(find "$W/prep/CAMC" -type f | wc -l)
start_daemon
mv "$W/prep/CAMC" "$W/dock/CAMC"
step "kill -9 while CAMC is being offloaded"
wait_until 120 "CAMC has a sealed file and is still offloading" busy
kill -9 "$DPID"
wait "$DPID" 2>/dev/null
DPID=
"$CUSTOS" -c "$CONF" log verify >/dev/null || fail "log verify after crash"
out=$($DL "$S" store) || fail "after the crash: $out"
out=$($DL "$S" once) || fail "after the crash: $out"
n=$($DL "$S" segments)
[ "$n" -ge 1 ] || fail "no segment sealed before the crash"
[ "$n" -lt "$total" ] || fail "all $total files were sealed: the kill hit an idle daemon"
echo "sealed before the crash: $n of $total"

step "restart after kill -9: the offload completes"
size=$(sqlite3 "file:$S/log.db?mode=ro" 'select count(*) from entries')
start_daemon
expect_eq "entry $size" station.started "$(entry_field "$size" type)"
expect_eq "previous_stop" unclean "$(entry_field "$size" previous_stop)"
wait_status '"CAMC" in cams and cams["CAMC"]["state"] == "done"' 120
out=$($DL "$S" volume CAMC "$W/dock/CAMC") || fail "$out"
out=$($DL "$S" once) || fail "$out"
out=$($DL "$S" store) || fail "$out"
stop_daemon
"$CUSTOS" -c "$CONF" log verify >/dev/null || fail "log verify at the end"
echo "crash: ok"
