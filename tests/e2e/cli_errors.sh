# The tools' errors and help, as a user meets them.
#
# Part 1: "--help" on every program and every verb of custos and
# custos-verify, with no configuration to be found: exit 0, the usage on
# stdout naming the verb, nothing on stderr.  The verbs are read from each
# program's own --help, so a verb added later is covered too.
#
# Part 2: a user who may not open the control socket (a real custosd, its
# socket 0660, the user nobody with no supplementary groups) is told
# "permission denied" with the socket's path and the group that grants
# access, not "is custosd running?"; that hint is kept for a socket that
# is missing.
. "$(dirname "$0")/lib.sh"

# help WHAT CMD...: CMD must exit 0 with its usage on stdout mentioning
# WHAT and nothing on stderr.
help() {
	what=$1
	shift
	"$@" >"$W/help.out" 2>"$W/help.err"
	st=$?
	expect_eq "exit of [$*]" 0 "$st"
	[ -s "$W/help.out" ] || fail "[$*]: nothing on stdout"
	[ -s "$W/help.err" ] && fail "[$*]: stderr: $(cat "$W/help.err")"
	grep -q -- "$what" "$W/help.out" ||
	    fail "[$*]: no [$what] in: $(cat "$W/help.out")"
	return 0
}

step "part 1: custos --help, and every verb it lists, with no config"
# Neither -c nor $CUSTOS_CONF may lead to a file.
export CUSTOS_CONF="$W/nonexistent.conf"
help "custos" "$CUSTOS" --help
help "custos" "$CUSTOS" -c "$W/nonexistent.conf" --help
verbs=$("$CUSTOS" --help | sed -n \
    's/^\(usage:\)\{0,1\} *custos \(\[-c CONF\] \)\{0,1\}\([a-z][a-z]*\).*/\3/p' |
    sort -u)
n=$(echo "$verbs" | wc -l)
# The list must be the real one: a parse that finds nothing passes nothing.
[ "$n" -ge 10 ] || fail "only $n verbs found in custos --help: $verbs"
for v in keygen status log audit export; do
	echo "$verbs" | grep -qx "$v" || fail "custos --help lists no $v"
done
for v in $verbs; do
	help "custos.* $v" "$CUSTOS" -c "$W/nonexistent.conf" "$v" --help
	help "custos.* $v" "$CUSTOS" "$v" --help
done
echo "ok: $n verbs of custos: $(echo $verbs)"
# "--help" after a sub-verb and its arguments still answers, and does not
# run it.
help "log checkpoint" "$CUSTOS" -c "$W/nonexistent.conf" log checkpoint \
    --size 3 --help
help "inspection register" "$CUSTOS" inspection register --enterprise X \
    --help
help "keygen" "$CUSTOS" keygen cli.example/k -o "$W/k" --help
[ -e "$W/k.key" ] && fail "keygen --help generated a key"
# Without --help a missing config is still an error (exit 2, stderr).
"$CUSTOS" -c "$W/nonexistent.conf" log checkpoint >"$W/o" 2>"$W/e"
expect_eq "log checkpoint without config: exit" 2 "$?"
expect_in "log checkpoint without config" "nonexistent.conf" "$(cat "$W/e")"

step "part 1: custos-verify --help, and every verb it lists"
help "custos-verify" "$CUSTOS_VERIFY" --help
vverbs=$("$CUSTOS_VERIFY" --help | sed -n \
    's/^\(usage:\)\{0,1\} *custos-verify \([a-z][a-z]*\) .*/\2/p' | sort -u)
n=$(echo "$vverbs" | wc -l)
[ "$n" -ge 6 ] || fail "only $n verbs found in custos-verify --help: $vverbs"
for v in checkpoint inclusion consistency receipt bundle timeline; do
	echo "$vverbs" | grep -qx "$v" || fail "custos-verify --help lists no $v"
done
for v in $vverbs; do
	help "custos-verify $v" "$CUSTOS_VERIFY" "$v" --help
	help "custos-verify $v" "$CUSTOS_VERIFY" "$v" --key "$W/nokey" --help
done
echo "ok: $n verbs of custos-verify: $(echo $vverbs)"
# After "--" it is a file name, not a request for help.
"$CUSTOS_VERIFY" checkpoint --key "$W/nokey" -- --help >"$W/o" 2>"$W/e"
expect_eq "checkpoint -- --help: exit" 2 "$?"
expect_in "checkpoint -- --help" "cannot read" "$(cat "$W/e")"
unset CUSTOS_CONF

step "part 2: a user outside the socket's group"
if command -v setpriv >/dev/null 2>&1; then
	as_nobody() {
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
	}
else
	as_nobody() {
		runuser -u nobody -- "$@"
	}
fi
write_conf
start_daemon
SOCK=$W/control.sock
[ -S "$SOCK" ] || fail "no control socket at $SOCK"
expect_eq "control socket mode" 660 "$(stat -c %a "$SOCK")"
# A group that is neither root's nor nobody's, so that the message must
# come from the socket file itself.
chgrp daemon "$SOCK" || fail "chgrp daemon $SOCK"
# nobody must reach the socket's directory and read the config, so that
# the socket's own mode is what refuses.
chmod 0711 "$W" || fail "chmod $W"
as_nobody test -r "$CONF" ||
    fail "nobody cannot read $CONF (a parent directory is closed)"
as_nobody "$CUSTOS" -c "$CONF" status >"$W/o" 2>"$W/e"
st=$?
cat "$W/e"
expect_eq "status as nobody: exit" 1 "$st"
expect_eq "status as nobody: the message" \
    "custos: cannot connect to $SOCK: permission denied (members of group daemon may use it)" \
    "$(cat "$W/e")"
# The same for a verb that posts (officer add goes through the same call).
as_nobody "$CUSTOS" -c "$CONF" officer add PA-9 --name x --unit y \
    --credential z --valid-until 2099-12-31 >"$W/o" 2>"$W/e"
expect_eq "officer add as nobody: exit" 1 "$?"
expect_in "officer add as nobody" "permission denied (members of group daemon" \
    "$(cat "$W/e")"
# root (the owner) still gets in.
"$CUSTOS" -c "$CONF" status >/dev/null || fail "status as root"
stop_daemon

step "part 2: no socket at all: is custosd running?"
as_nobody "$CUSTOS" -c "$CONF" status >"$W/o" 2>"$W/e"
st=$?
cat "$W/e"
expect_eq "status with custosd stopped: exit" 1 "$st"
expect_in "status with custosd stopped" "$SOCK: " "$(cat "$W/e")"
expect_in "status with custosd stopped" "(is custosd running?)" \
    "$(cat "$W/e")"
case $(cat "$W/e") in
*"permission denied"*) fail "a missing socket reported as permission" ;;
esac
echo "cli_errors: all checks passed"
