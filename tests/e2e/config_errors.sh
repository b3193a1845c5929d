# Bad configuration stops custosd at once with the file, line and key.
. "$(dirname "$0")/lib.sh"

# refused_line WHAT LINE KEY: a [station] whose fourth line is LINE stops
# custosd, which names custos.conf:4 and KEY.
refused_line() {
	printf '[station]\nname = a.example/s\nstate_dir = s\n%s\n' "$2" >"$CONF"
	out=$("$CUSTOSD" -f -c "$CONF" 2>&1)
	[ $? -ne 0 ] || fail "custosd accepted $2"
	expect_in "$1 error" "custos.conf:4" "$out"
	expect_in "$1 error" "$3" "$out"
}

step "unknown key"
refused_line "unknown key" "colour = red" colour

step "bad value"
refused_line "bad value" "profile = rsa" profile
[ -e "$W/s" ] && fail "state_dir created despite a config error"

step "bad file_numbering regex"
printf '[station]\nname = a.example/s\nstate_dir = s\n[dock]\nfile_numbering = REC(\n' >"$CONF"
out=$("$CUSTOSD" -f -c "$CONF" 2>&1)
[ $? -ne 0 ] || fail "custosd accepted file_numbering = REC("
expect_in "bad regex error" "custos.conf:5: [dock] file_numbering: expected auto, none or a POSIX extended regex" "$out"

step "bad [disk] thresholds"
for v in "warn = 5 parsecs" "warn = 101%" "stop_ingest = 100.5%" \
    "stop_ingest = -1 GiB" "stop_ingest = 1.5 GiB"; do
	printf '[station]\nname = a.example/s\nstate_dir = s\n[disk]\n%s\n' \
	    "$v" >"$CONF"
	out=$("$CUSTOSD" -f -c "$CONF" 2>&1)
	[ $? -ne 0 ] || fail "custosd accepted $v"
	expect_in "$v error" "custos.conf:5: [disk] ${v%% *}: expected" "$out"
done

step "missing file"
out=$("$CUSTOSD" -f -c "$W/nope.conf" 2>&1)
[ $? -ne 0 ] || fail "custosd started without its config"
expect_in "missing file error" "nope.conf" "$out"
echo "config_errors: ok"
