# The shipped conf/custos.conf (what "make run" uses) starts custosd, with
# its relative paths resolved against the config file's directory.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$W/conf"
# The console's port 0: tests run side by side.
sed 's|^listen = 127.0.0.1:8440$|listen = 127.0.0.1:0|' \
    "$top/conf/custos.conf" >"$W/conf/custos.conf"
# As in the source tree: the calendar beside the config file is found
# without calendar_dir.
cp -R "$top/conf/calendar" "$W/conf/calendar"
CONF=$W/conf/custos.conf
start_daemon
[ -f "$W/var/state/log.db" ] || fail "state not under var/ beside conf/"
[ -S "$W/var/control.sock" ] || fail "no control socket in var/"
out=$("$CUSTOS" -c "$CONF" status)
expect_in "status" "custos.example/dev-station" "$out"
expect_in "calendar beside the config" "calendar:    2025-2026 (from $(cd "$W/conf" && pwd -P)/calendar)" "$out"
stop_daemon
echo "default_conf: ok"
