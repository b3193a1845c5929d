# The sm profile (SM3, SM2) runs end to end and custos-verify checks it.
. "$(dirname "$0")/lib.sh"
write_conf sm
start_daemon
stop_daemon
expect_in "entry 0 config digest" "sm3:" "$(entry_field 0 config)"
"$CUSTOS" -c "$CONF" log verify >/dev/null || fail "log verify (sm)"
"$CUSTOS" -c "$CONF" log checkpoint >"$W/cp"
"$CUSTOS_VERIFY" checkpoint --key "$W/state/station.vkey" "$W/cp" ||
    fail "custos-verify checkpoint (sm)"
"$CUSTOS" -c "$CONF" log entry 1 >"$W/e1"
"$CUSTOS" -c "$CONF" log proof 1 >"$W/p1"
"$CUSTOS_VERIFY" inclusion --key "$W/state/station.vkey" --checkpoint \
    "$W/cp" --index 1 --proof "$W/p1" "$W/e1" || fail "inclusion (sm)"
echo "sm_profile: ok"
