#!/bin/sh
# The registry through the real daemon: officers and enterprises added
# with Chinese names, listed and shown (text and --json), a risk change
# and its history, every refusal appending nothing, the registry rebuilt
# from the log after its tables are dropped, and writes refused (403) to
# a peer that is not authorised.
. "$(dirname "$0")/lib.sh"

USCC=91350100M000100Y43		# GB 32100-2015's own example
USCC2=91330000755918469E

# refused WHAT EXIT NEEDLE CMD...: exits EXIT, says NEEDLE, appends nothing.
refused() {
	what=$1 want=$2 needle=$3
	shift 3
	before=$(tree_size)
	out=$(c "$@" 2>&1)
	st=$?
	expect_eq "$what: exit status" "$want" "$st"
	expect_in "$what: message" "$needle" "$out"
	expect_eq "$what: tree size" "$before" "$(tree_size)"
}

cd "$W" || exit 1
write_conf
start_daemon

step "officers with Chinese names"
out=$(c officer add PA-0001 --name 张伟 --unit 福州市应急管理局执法支队 \
    --credential 闽应急执字001 --valid-until 2027-12-31) ||
    fail "officer add: $out"
expect_eq "officer add prints the entry" "entry 1" "$out"
c officer add PA-0002 --name 李娜 --unit 福州市应急管理局执法支队 \
    --credential 闽应急执字002 --valid-until 2026-06-30 >/dev/null ||
    fail "second officer"
expect_eq "officer.added entry type" officer.added "$(entry_field 1 type)"
expect_eq "officer.added name" 张伟 "$(entry_field 1 name)"
out=$(c officer show PA-0001)
expect_in "officer show" "name:         张伟" "$out"
expect_in "officer show" "valid until:  2027-12-31" "$out"
out=$(c officer show PA-0002 --json | python3 -c \
    'import json,sys; o=json.load(sys.stdin); print(o["id"], o["name"], o["credential"], o["index"])')
expect_eq "officer show --json" "PA-0002 李娜 闽应急执字002 2" "$out"
out=$(c officer list --json | python3 -c \
    'import json,sys; print(" ".join(o["id"] for o in json.load(sys.stdin)["officers"]))')
expect_eq "officer list --json" "PA-0001 PA-0002" "$out"
expect_eq "officer list lines" 2 "$(c officer list | wc -l)"

step "enterprises, risk and its history"
c enterprise add $USCC --name 福州某化工有限公司 --address 福州市仓山区 \
    --industry 危险化学品 --risk yellow >/dev/null || fail "enterprise add"
c enterprise add $USCC2 --name 浙江某制造有限公司 >/dev/null ||
    fail "enterprise add without options"
out=$(c enterprise risk $USCC red) || fail "enterprise risk: $out"
expect_eq "enterprise risk prints the entry" "entry 5" "$out"
expect_eq "enterprise.risk entry" "enterprise.risk red" \
    "$(entry_field 5 type) $(entry_field 5 risk)"
out=$(c enterprise show $USCC)
expect_in "enterprise show" "risk:         red" "$out"
expect_in "enterprise show" "risk history: yellow since $(entry_field 3 time) (entry 3)" "$out"
expect_in "enterprise show" "risk history: red    since $(entry_field 5 time) (entry 5)" "$out"
out=$(c enterprise show $USCC --json | python3 -c \
    'import json,sys; e=json.load(sys.stdin); print(e["name"], e["industry"], e["risk"], [h["risk"] for h in e["risk_history"]])')
expect_eq "enterprise show --json" "福州某化工有限公司 危险化学品 red ['yellow', 'red']" "$out"
out=$(c enterprise list --json | python3 -c \
    'import json,sys; print(" ".join(e["uscc"] + ":" + e.get("risk", "-") for e in json.load(sys.stdin)["enterprises"]))')
expect_eq "enterprise list --json" "$USCC2:- $USCC:red" "$out"

step "refusals append nothing"
refused "bad check character" 1 "check character is Y, expected 3" \
    enterprise add 91350100M000100Y4Y --name x
refused "wrong length" 1 "has 17 characters, expected 18" \
    enterprise add 91350100M000100Y4 --name x
refused "forbidden letter" 1 "is not one of 0-9 or A-Y" \
    enterprise add 91350100M0001O0Y43 --name x
refused "duplicate enterprise" 1 "enterprise $USCC exists" \
    enterprise add $USCC --name x
refused "duplicate officer" 1 "officer PA-0001 exists" \
    officer add PA-0001 --name x --unit y --credential z \
    --valid-until 2027-01-01
refused "bad date" 1 "is not a date" \
    officer add PA-0003 --name x --unit y --credential z \
    --valid-until 2026-02-29
refused "bad officer ID" 1 "must be 1 to 32 letters" \
    officer add PA_3 --name x --unit y --credential z \
    --valid-until 2027-01-01
refused "unknown colour" 1 "unknown risk colour \"purple\"" \
    enterprise risk $USCC purple
refused "unknown colour on add" 1 "unknown risk colour \"pink\"" \
    enterprise add 91330000755918469E --name x --risk pink
refused "risk of an unknown enterprise" 1 "no enterprise ${USCC}X" \
    enterprise risk 91350100M000100Y43X red
refused "missing flag" 2 "usage:" \
    officer add PA-0003 --name x --unit y --credential z
refused "enterprise without a name" 2 "usage:" enterprise add $USCC2
refused "unknown officer" 1 "no officer PA-9" officer show PA-9

step "the registry is rebuilt from the log"
before_o=$(c officer list --json)
before_e=$(c enterprise show $USCC)
stop_daemon
sqlite3 state/log.db "DROP TABLE officers; DROP TABLE enterprises;
    DROP TABLE risk_history; DROP TABLE registry_state;" ||
    fail "cannot drop the registry tables"
start_daemon
expect_eq "officers after the rebuild" "$before_o" "$(c officer list --json)"
expect_eq "enterprise after the rebuild" "$before_e" \
    "$(c enterprise show $USCC)"
out=$(c log verify) || fail "log verify: $out"

# The rest runs the tool as another user, which only root can do.
if [ "$(id -u)" != 0 ]; then
	stop_daemon
	echo "ok registry (403 steps skipped: not running as root)"
	exit 0
fi

step "writes from an unauthorised peer: 403, nothing appended"
chmod 0711 "$W"
chmod 0644 "$CONF"
chmod 0666 control.sock
nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$CUSTOS" -c "$CONF" "$@"
}
before=$(tree_size)
out=$(nobody officer add PA-0009 --name 王五 --unit u --credential c \
    --valid-until 2027-01-01 2>&1)
expect_eq "nobody: exit status" 1 "$?"
expect_in "nobody: refused" "uid 65534 may not write" "$out"
out=$(nobody enterprise risk $USCC green 2>&1)
expect_in "nobody: risk refused" "may not write" "$out"
expect_eq "nobody: tree size" "$before" "$(tree_size)"
out=$(nobody officer show PA-0001) || fail "nobody may read: $out"

step "[control] group: members may write, others may not"
stop_daemon
printf 'group = root\n' >>"$CONF"
start_daemon
chmod 0666 control.sock
before=$(tree_size)
out=$(nobody officer add PA-0009 --name 王五 --unit u --credential c \
    --valid-until 2027-01-01 2>&1)
expect_eq "group root, nobody: exit status" 1 "$?"
expect_in "group root, nobody: refused" "may not write" "$out"
expect_eq "group root, nobody: tree size" "$before" "$(tree_size)"
stop_daemon
sed -i 's/^group = root$/group = nogroup/' "$CONF"
start_daemon
chmod 0666 control.sock
out=$(nobody officer add PA-0009 --name 王五 --unit u --credential c \
    --valid-until 2027-01-01 2>&1) || fail "group nogroup, nobody: $out"
expect_eq "nobody's officer" 王五 "$(c officer show PA-0009 --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["name"])')"

out=$(c log verify) || fail "log verify: $out"
stop_daemon
if grep -q "ERROR: AddressSanitizer\|runtime error" custosd.err; then
	fail "sanitizer report"
fi
echo "ok registry"
