# kill -9 leaves a log that verifies; the next start says the previous stop
# was unclean, so the gap in custody shows.
. "$(dirname "$0")/lib.sh"
write_conf
start_daemon
kill -9 "$DPID"
wait "$DPID" 2>/dev/null
DPID=
step "restart after kill -9"
start_daemon
expect_eq "previous_stop" unclean "$(entry_field 1 previous_stop)"
stop_daemon
"$CUSTOS" -c "$CONF" log verify >/dev/null || fail "log verify after crash"
echo "crash: ok"
