#!/bin/sh
# "make install" into a temporary PREFIX, and the installed custosd run
# from the installed example config: it finds the installed working-day
# calendar (no "calendar" beside the config), so an emergency inspection
# gets its real back-fill deadline, make-up working days included
# (docs/inspection.md; the 2026 holiday notice).  The units follow PREFIX
# and SYSCONFDIR, a second install keeps the operator's custos.conf,
# "custosd --help" needs no config, and with neither calendar the start
# fails naming both paths.
#
# make runs on a copy of the build directory ($CUSTOS_BUILD, else the
# directory of $CUSTOSD, without its asan/), so the rebuild for the new
# PREFIX (config.o and the links) leaves the binaries other tests run
# alone.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
SRC_B=${CUSTOS_BUILD:-$(dirname "$CUSTOSD")}
case $SRC_B in
*/asan) SRC_B=${SRC_B%/asan} ;;
esac
P=$W/usr
E=$W/etc
USCC=91350100M000100Y43

inst() {
	make -C "$top" --no-print-directory B="$W/build" PREFIX="$P" \
	    SYSCONFDIR="$E" install >>"$W/make.log" 2>&1 ||
	    fail "make install: $(tail -20 "$W/make.log")"
}

# ifield ID PYEXPR: PYEXPR on inspection ID (show --json) as i.
ifield() {
	"$CUSTOS" -c "$CONF" inspection show "$1" --json | python3 -c '
import json, sys
i = json.load(sys.stdin)
print(eval(sys.argv[1]))' "$2"
}

step "make install PREFIX=$P SYSCONFDIR=$E"
mkdir -p "$W/build"
if [ -d "$SRC_B/obj" ]; then
	cp -pR "$SRC_B/obj" "$W/build/obj" || fail "copy $SRC_B/obj"
	for f in custosd custos custos-verify; do
		[ -f "$SRC_B/$f" ] && cp -p "$SRC_B/$f" "$W/build/"
	done
fi
inst
for f in sbin/custosd bin/custos bin/custos-verify \
    libexec/custos/custos-dock-mount share/custos/calendar/cn-2025.cal \
    share/custos/calendar/cn-2026.cal share/doc/custos/inspection.md \
    lib/udev/rules.d/90-custos-dock.rules lib/sysusers.d/custos.conf \
    lib/tmpfiles.d/custos.conf; do
	[ -f "$P/$f" ] || fail "not installed: $P/$f"
done
[ -x "$P/sbin/custosd" ] || fail "custosd not executable"

step "the units follow PREFIX and SYSCONFDIR"
U=$P/lib/systemd/system
unit=$(cat "$U/custosd.service") || fail "no custosd.service"
expect_in "ExecStart" \
    "ExecStart=$P/sbin/custosd -f -c $E/custos/custos.conf" "$unit"
expect_in "Documentation" \
    "Documentation=file://$P/share/doc/custos/README.md" "$unit"
expect_in "LimitNOFILE" "LimitNOFILE=4096" "$unit"
expect_in "ExecReload" 'ExecReload=/bin/kill -HUP $MAINPID' "$unit"
dock=$(cat "$U/custos-dock@.service") || fail "no custos-dock@.service"
expect_in "dock ExecStart" \
    "ExecStart=$P/libexec/custos/custos-dock-mount add %I" "$dock"
expect_in "dock CUSTOS_CONF" \
    "Environment=CUSTOS_CONF=$E/custos/custos.conf" "$dock"
if grep -n '/usr/local\|@[A-Z]*@' "$U/custosd.service" \
    "$U/custos-dock@.service"; then
	fail "a unit keeps /usr/local or a template name"
fi

step "the example config: the units' absolute paths, the installed calendar"
EX=$E/custos/custos.conf.example
[ -f "$EX" ] || fail "no $EX"
cmp -s "$EX" "$E/custos/custos.conf" || fail "custos.conf is not the example"
expect_eq "paths" "custos.example/station /var/lib/custos /srv/custos/dock /run/custos/control.sock" \
    "$(sed -n 's/^\(name\|state_dir\|root\|socket\) = //p' "$EX" | tr '\n' ' ' | sed 's/ $//')"
grep -q '^calendar_dir' "$EX" && fail "the example sets calendar_dir"
grep -q '\.\./var' "$EX" && fail "the example keeps a relative ../var path"
expect_in "names the installed calendar" "$P/share/custos/calendar" \
    "$(cat "$EX")"

step "a second install keeps the operator's custos.conf"
echo "; edited by the operator" >>"$E/custos/custos.conf"
inst
expect_eq "custos.conf kept" "; edited by the operator" \
    "$(tail -1 "$E/custos/custos.conf")"
cmp -s "$EX" "$E/custos/custos.conf" && fail "custos.conf overwritten"

step "custosd --help: usage on stdout, exit 0, no config"
out=$(cd "$W" && "$P/sbin/custosd" --help 2>"$W/help.err")
expect_eq "--help exit" 0 $?
expect_in "--help usage" "usage: custosd" "$out"
expect_in "--help SIGHUP" "SIGHUP reloads" "$out"
expect_eq "--help stderr" "" "$(cat "$W/help.err")"

step "the installed custosd on the example config"
CUSTOSD=$P/sbin/custosd
CUSTOS=$P/bin/custos
CONF=$E/custos/custos.conf
sed -e "s|^state_dir = .*|state_dir = $W/state|" \
    -e "s|^root = .*|root = $W/dock|" \
    -e "s|^socket = .*|socket = $W/control.sock|" \
    -e "s|^listen = 127.0.0.1:8440$|listen = 127.0.0.1:0|" "$EX" >"$CONF" ||
    fail "write $CONF"
start_daemon
json=$("$CUSTOS" -c "$CONF" status --json) || fail "status --json"
expect_eq "calendar" "installed $P/share/custos/calendar [2025, 2026]" \
    "$(printf '%s' "$json" | python3 -c 'import json, sys
c = json.load(sys.stdin)["calendar"]
print(c["source"], c["dir"], c["years"])')"
expect_in "status" "calendar:    2025-2026 (from $P/share/custos/calendar)" \
    "$("$CUSTOS" -c "$CONF" status)"

step "emergency inspections get their real back-fill deadline"
"$CUSTOS" -c "$CONF" officer add PA-0001 --name 张伟 --unit 执法支队 \
    --credential 闽应急执字001 --valid-until 2099-12-31 >/dev/null ||
    fail "officer 1"
"$CUSTOS" -c "$CONF" officer add PA-0002 --name 李娜 --unit 执法支队 \
    --credential 闽应急执字002 --valid-until 2099-12-31 >/dev/null ||
    fail "officer 2"
"$CUSTOS" -c "$CONF" enterprise add $USCC --name 福州某化工有限公司 \
    --risk yellow >/dev/null || fail "enterprise"
FEB=$("$CUSTOS" -c "$CONF" inspection emergency --enterprise $USCC \
    --officer PA-0001 --officer PA-0002 --at 2026-02-13T10:00:00+08:00) ||
    fail "emergency: $FEB"
SEP=$("$CUSTOS" -c "$CONF" inspection emergency --enterprise $USCC \
    --officer PA-0001 --officer PA-0002 --at 2026-09-30T10:00:00+08:00) ||
    fail "emergency: $SEP"
# Friday 02-13: Saturday 02-14 is a make-up working day (春节 调休).
expect_eq "entered Friday 2026-02-13" "2026-02-14T16:00:00.000Z False" \
    "$(ifield "$FEB" 'i["backfill_due"], "backfill_due_unknown" in i' | tr -d "(),'")"
# Wednesday 09-30: 10-01 to 10-07 are off, Thursday 10-08 is worked.
expect_eq "entered Wednesday 2026-09-30" "2026-10-08T16:00:00.000Z" \
    "$(ifield "$SEP" 'i["backfill_due"]')"
# Written into the emergency entry itself, not computed afterwards.
expect_eq "in the entry" "2026-02-14T16:00:00.000Z" \
    "$(entry_field "$(ifield "$FEB" 'i["index"]')" backfill_due)"
stop_daemon

step "neither a calendar beside the config nor an installed one"
mv "$P/share/custos/calendar" "$W/calendar.away" || fail "move calendar"
out=$("$CUSTOSD" -f -c "$CONF" 2>&1)
st=$?
mv "$W/calendar.away" "$P/share/custos/calendar" || fail "move back"
[ $st -ne 0 ] || fail "custosd started without a calendar"
expect_in "names both paths" "neither $E/custos/calendar (beside the config file) nor $P/share/custos/calendar (installed) exists" \
    "$out"
echo "install: ok"
