# Bad configuration stops custosd at once with the file, line and key.
. "$(dirname "$0")/lib.sh"

step "unknown key"
printf '[station]\nname = a.example/s\nstate_dir = s\ncolour = red\n' >"$CONF"
out=$("$CUSTOSD" -f -c "$CONF" 2>&1)
[ $? -ne 0 ] || fail "custosd accepted an unknown key"
expect_in "unknown key error" "custos.conf:4" "$out"
expect_in "unknown key error" "colour" "$out"

step "bad value"
printf '[station]\nname = a.example/s\nstate_dir = s\nprofile = rsa\n' >"$CONF"
out=$("$CUSTOSD" -f -c "$CONF" 2>&1)
[ $? -ne 0 ] || fail "custosd accepted profile = rsa"
expect_in "bad value error" "custos.conf:4" "$out"
expect_in "bad value error" "profile" "$out"
[ -e "$W/s" ] && fail "state_dir created despite a config error"

step "missing file"
out=$("$CUSTOSD" -f -c "$W/nope.conf" 2>&1)
[ $? -ne 0 ] || fail "custosd started without its config"
expect_in "missing file error" "nope.conf" "$out"
echo "config_errors: ok"
