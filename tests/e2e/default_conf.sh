# The shipped conf/custos.conf (what "make run" uses) starts custosd, with
# its relative paths resolved against the config file's directory.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$W/conf"
cp "$top/conf/custos.conf" "$W/conf/custos.conf"
CONF=$W/conf/custos.conf
start_daemon
[ -f "$W/var/state/log.db" ] || fail "state not under var/ beside conf/"
[ -S "$W/var/control.sock" ] || fail "no control socket in var/"
expect_in "status" "custos.example/dev-station" \
    "$("$CUSTOS" -c "$CONF" status)"
stop_daemon
echo "default_conf: ok"
