# custosd start and clean stop: entries, checkpoints, keys, socket, status,
# and every log verb of the custos tool against the daemon's own log.
. "$(dirname "$0")/lib.sh"
write_conf

step "first start creates state, key and log"
start_daemon
S=$W/state
expect_eq "station.key mode" 600 "$(stat -c %a "$S/station.key")"
expect_eq "station.vkey mode" 644 "$(stat -c %a "$S/station.vkey")"
expect_eq "control socket mode" "srw-rw----" "$(stat -c %A "$W/control.sock")"
expect_in "verifier key" "e2e.example/station+" "$(cat "$S/station.vkey")"
out=$("$CUSTOS" -c "$CONF" status)
expect_in "status" "tree size:   1" "$out"
expect_in "status" "station:     e2e.example/station" "$out"
expect_eq "status --json tree_size" 1 "$(tree_size)"

step "entry 0 is station.started, compact one-line JSON"
expect_eq "type" station.started "$(entry_field 0 type)"
expect_eq "index" 0 "$(entry_field 0 index)"
expect_eq "previous_stop" none "$(entry_field 0 previous_stop)"
expect_in "config digest" "sha256:$(sha256sum "$CONF" | cut -c1-64)" \
    "$(entry_field 0 config)"
lines=$("$CUSTOS" -c "$CONF" log entry 0 | wc -l)
expect_eq "newlines in entry 0" 0 "$lines"
expect_eq "checkpoint size after start" 1 "$(checkpoint_size)"

step "clean stop appends station.stopped and a checkpoint"
stop_daemon
[ -e "$W/control.sock" ] && fail "socket left behind after a clean stop"
expect_eq "type" station.stopped "$(entry_field 1 type)"
expect_eq "reason" SIGTERM "$(entry_field 1 reason)"
expect_eq "checkpoint size after stop" 2 "$(checkpoint_size)"

step "restart records a clean previous stop"
start_daemon
expect_eq "previous_stop" clean "$(entry_field 2 previous_stop)"
stop_daemon
expect_eq "checkpoint size" 4 "$(checkpoint_size)"

step "log verify"
out=$("$CUSTOS" -c "$CONF" log verify)
expect_eq "log verify exit" 0 $?
expect_in "log verify" "verified: 4 entries and 4 checkpoints" "$out"

step "every entry is proven by custos-verify against the checkpoint"
"$CUSTOS" -c "$CONF" log checkpoint >"$W/cp" || fail "log checkpoint"
for i in 0 1 2 3; do
	"$CUSTOS" -c "$CONF" log entry $i >"$W/e$i" || fail "log entry $i"
	"$CUSTOS" -c "$CONF" log proof $i >"$W/p$i" || fail "log proof $i"
	out=$("$CUSTOS_VERIFY" inclusion --key "$S/station.vkey" \
	    --checkpoint "$W/cp" --index $i --proof "$W/p$i" "$W/e$i")
	expect_eq "custos-verify inclusion $i exit" 0 $?
	expect_in "custos-verify inclusion $i" "verified" "$out"
done
"$CUSTOS_VERIFY" inclusion --key "$S/station.vkey" --checkpoint "$W/cp" \
    --index 1 --proof "$W/p0" "$W/e0" >/dev/null
expect_eq "entry 0 with index 1" 1 $?

step "consistency between the first and the latest checkpoint"
"$CUSTOS" -c "$CONF" log consistency 1 4 >"$W/c14" || fail "consistency"
sqlite3 -readonly "$S/log.db" "select writefile('$W/cp1', note) from \
    checkpoints where size = 1" >/dev/null || fail "reading checkpoint 1"
out=$("$CUSTOS_VERIFY" consistency --key "$S/station.vkey" --old "$W/cp1" \
    --new "$W/cp" --proof "$W/c14")
expect_eq "custos-verify consistency exit" 0 $?

step "read verbs have --json"
"$CUSTOS" -c "$CONF" log entry 0 --json | python3 -c \
    'import json,sys; d=json.load(sys.stdin); assert d["entry"]["type"]=="station.started", d' \
    || fail "log entry --json"
"$CUSTOS" -c "$CONF" log proof 2 --json | python3 -c \
    'import json,sys; d=json.load(sys.stdin); assert d["tree_size"]==4 and len(d["proof"])==2, d' \
    || fail "log proof --json"
"$CUSTOS" -c "$CONF" log verify --json | python3 -c \
    'import json,sys; d=json.load(sys.stdin); assert d["verified"] is True and d["entries"]==4, d' \
    || fail "log verify --json"

step "status with the daemon down fails clearly"
out=$("$CUSTOS" -c "$CONF" status 2>&1)
expect_eq "status exit when down" 1 $?
expect_in "status when down" "custosd is not answering" "$out"
echo "lifecycle: ok"
