# A second custosd on the same state_dir exits at once with a clear error,
# appends nothing, and leaves the first daemon and its socket working.
. "$(dirname "$0")/lib.sh"
write_conf
start_daemon
before=$(tree_size)
ino=$(stat -c %i "$W/control.sock")

step "second daemon"
t0=$(date +%s)
"$CUSTOSD" -f -c "$CONF" 2>"$W/second.err"
st=$?
t1=$(date +%s)
[ "$st" -ne 0 ] || fail "second custosd exited 0"
[ $((t1 - t0)) -le 2 ] || fail "second custosd took $((t1 - t0)) s to give up"
expect_in "second daemon's error" "another custosd (pid $DPID) is running" \
    "$(cat "$W/second.err")"
expect_eq "socket inode" "$ino" "$(stat -c %i "$W/control.sock")"
expect_eq "tree size" "$before" "$(tree_size)"
"$CUSTOS" -c "$CONF" status >/dev/null || fail "first daemon stopped answering"
stop_daemon
expect_eq "entries after stop" 2 "$(checkpoint_size)"
echo "second_daemon: ok"
