#!/bin/sh
# The working-day calendar of a running station: a configured directory
# that does not exist stops custosd at start and names it; "calendar_dir
# = none" starts and says so; a calendar that ends before today warns in
# custos status, the log and sd_notify's STATUS, once per change; a year's
# file added later is picked up by SIGHUP or "custos calendar reload"
# (a malformed one is refused and the calendar in use kept), and the
# back-fill deadlines that were "not covered" are then computed and found
# overdue, without a restart and without rewriting the log.
#
# No clock is faked: the calendar directory holds only the 2025 file, so
# today (2026 or later) is past its end.
. "$(dirname "$0")/lib.sh"
CAL=$(cd "$(dirname "$0")/../../conf/calendar" && pwd)
USCC=91350100M000100Y43

# conf CALENDAR_DIR_LINE: a station in $W with that [station] line.
conf() {
	write_conf default "$1"
}

# sfield PYEXPR: PYEXPR on status --json as s.
sfield() {
	c status --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(eval(sys.argv[1]))' "$1"
}


# count NEEDLE: lines of custosd's stderr holding NEEDLE.
count() {
	grep -cF -- "$1" "$W/custosd.err"
}

cd "$W" || exit 1

step "a configured calendar_dir that does not exist stops the start"
conf "calendar_dir = nowhere"
out=$("$CUSTOSD" -f -c "$CONF" 2>&1)
st=$?
[ $st -ne 0 ] || fail "custosd started without its calendar"
expect_in "names the path" "calendar_dir $W/nowhere does not exist" "$out"
[ ! -e "$W/state" ] || fail "state created before the calendar was checked"

step "a directory without a calendar file stops the start"
mkdir "$W/empty"
conf "calendar_dir = empty"
out=$("$CUSTOSD" -f -c "$CONF" 2>&1)
[ $? -ne 0 ] || fail "custosd started with an empty calendar directory"
expect_in "empty" "no calendar file (cn-YYYY.cal) in $W/empty" "$out"

step "calendar_dir = none: started, logged, deadlines not covered"
conf "calendar_dir = none"
start_daemon
expect_eq "logged once" 1 "$(count "calendar: none (calendar_dir = none)")"
expect_eq "status --json" "none none False" \
    "$(sfield 's["calendar"]["state"], s["calendar"]["source"], "dir" in s["calendar"]' | tr -d "(),'")"
expect_in "status" "calendar:    none (calendar_dir = none)" "$(c status)"
out=$(c calendar reload 2>&1)
expect_eq "reload refused: exit" 1 $?
expect_in "reload refused" "calendar_dir = none: there is no calendar" "$out"
stop_daemon
rm -rf "$W/state" "$W/custosd.err"

step "only the 2025 file: started, warned in status, log and STATUS"
mkdir "$W/cal"
cp "$CAL/cn-2025.cal" "$W/cal/" || fail "copy cn-2025.cal"
conf "calendar_dir = cal"
python3 - "$W/notify.sock" "$W/notify.log" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab", 0) as f:
    while True:
        f.write(s.recv(4096) + b"\n")
EOF
NPID=$!
# The listener holds the test's output open: it goes however the test ends.
trap 'kill "$NPID" 2>/dev/null' EXIT
wait_until 60 "sd_notify listener" test -S "$W/notify.sock"
export NOTIFY_SOCKET="$W/notify.sock"
start_daemon
unset NOTIFY_SOCKET
TODAY=$(TZ=Asia/Shanghai date +%Y-%m-%d)
WARN="the calendar does not cover today ($TODAY), it ends 2025-12-31"
expect_eq "status --json" "ended config $W/cal [2025] 2025 2025-12-31" \
    "$(sfield 's["calendar"]["state"], s["calendar"]["source"], s["calendar"]["dir"], s["calendar"]["years"], s["calendar"]["covered"], s["calendar"]["ends"]' | tr -d "(),'")"
out=$(c status)
expect_in "status: years" "calendar:    2025 (from $W/cal)" "$out"
expect_in "status: warning" "calendar:    WARNING: $WARN" "$out"
expect_eq "logged once" 1 "$(count "calendar: $WARN")"
# The daemon's STATUS says it at once, the dock's from its next scan.
# (the disk's room stands between the tree size and the warning).
wait_until 60 "STATUS with the warning" grep -qxE \
    "STATUS=tree size 1; disk: .*; WARNING: calendar does not cover today: add cn-$(echo "$TODAY" | cut -c1-4)\\.cal" \
    "$W/notify.log"
wait_until 60 "the dock's STATUS with the warning" grep -qE \
    "^STATUS=0 cameras docked.*; WARNING: calendar does not cover today" \
    "$W/notify.log"
grep -q '^READY=1' "$W/notify.log" || fail "no READY=1: $(cat "$W/notify.log")"

step "emergency inspections past the calendar: not covered, not overdue"
two_officers 闽应急执字 2099-12-31
c enterprise add $USCC --name 福州某化工有限公司 --risk yellow >/dev/null ||
    fail "enterprise"
FEB=$(c inspection emergency --enterprise $USCC --officer PA-0001 \
    --officer PA-0002 --at 2026-02-13T10:00:00+08:00) || fail "emergency: $FEB"
SEP=$(c inspection emergency --enterprise $USCC --officer PA-0001 \
    --officer PA-0002 --at 2026-09-30T10:00:00+08:00) || fail "emergency: $SEP"
expect_eq "Friday 02-13: not covered" \
    "calendar does not cover 2026-02-14 False False" \
    "$(ifield "$FEB" 'i["backfill_due_unknown"], "backfill_due" in i, i["overdue"]' | tr -d "(),'")"
expect_eq "09-30: not covered" "calendar does not cover 2026-10-01" \
    "$(ifield "$SEP" 'i["backfill_due_unknown"]')"
expect_eq "nothing overdue" "[]" "$(sfield 's["inspections"]["overdue"]')"
FEBIDX=$(ifield "$FEB" 'i["index"]')

step "a malformed year file is refused; the calendar in use is kept"
printf 'year 2026\noff 2026-13-01\n' >"$W/cal/cn-2026.cal"
out=$(c calendar reload 2>&1)
expect_eq "reload refused: exit" 1 $?
expect_in "reload names the file and line" "$W/cal/cn-2026.cal:2: not a date" "$out"
expect_eq "logged" 1 "$(count "calendar reload (control socket): cannot load the calendar from $W/cal")"
expect_eq "still 2025" "2025 ended" \
    "$(sfield 's["calendar"]["covered"], s["calendar"]["state"]' | tr -d "(),'")"

step "SIGHUP picks up the 2026 file: the deadlines are computed"
cp "$CAL/cn-2026.cal" "$W/cal/cn-2026.cal" || fail "copy cn-2026.cal"
kill -HUP "$DPID"
wait_until 60 "2025-2026 after SIGHUP" sh -c \
    "\"$CUSTOS\" -c \"$CONF\" status --json | grep -q '\"covered\": \"2025-2026\"'"
expect_eq "logged" 1 "$(count "calendar reloaded (SIGHUP) from $W/cal: 2025-2026 (was 2025)")"
expect_eq "Friday 02-13: due Saturday 02-14 24:00 Beijing (a working day)" \
    "2026-02-14T16:00:00.000Z False True" \
    "$(ifield "$FEB" 'i["backfill_due"], "backfill_due_unknown" in i, i["overdue"]' | tr -d "(),'")"
expect_eq "09-30: due Thursday 10-08 24:00 Beijing" \
    "2026-10-08T16:00:00.000Z True" \
    "$(ifield "$SEP" 'i["backfill_due"], i["overdue"]' | tr -d "(),'")"
expect_eq "status finds both overdue" "$FEB $SEP" \
    "$(sfield '" ".join(o["inspection"] for o in s["inspections"]["overdue"])')"
expect_in "list --overdue" "$FEB" "$(c inspection list --overdue)"
expect_in "findings see it too" "backfill_overdue" \
    "$(ifield "$FEB" '[f["rule"] for f in i["findings"]]')"
expect_eq "the entry is not rewritten" "calendar does not cover 2026-02-14" \
    "$(entry_field "$FEBIDX" backfill_due_unknown)"
# The state today depends on the date: 2026 and within 30 days of its end
# is "ending", earlier in 2026 "ok", 2027 or later "ended".
STATE=$(python3 -c 'import datetime, sys
t = datetime.date.fromisoformat(sys.argv[1])
end = datetime.date(2026, 12, 31)
print("ended" if t > end else "ending" if (end - t).days <= 30 else "ok")' \
    "$TODAY")
expect_eq "state after the reload" "$STATE" \
    "$(sfield 's["calendar"]["state"]')"
case $STATE in
ending)
	wait_until 60 "STATUS: ending" grep -qE \
	    "^STATUS=.*; WARNING: calendar ends 2026-12-31: add cn-2027.cal$" \
	    "$W/notify.log"
	expect_eq "ending logged once" 1 \
	    "$(count "calendar: the calendar ends 2026-12-31")" ;;
ok)
	expect_eq "ok logged" 1 "$(count "calendar: 2025-2026 from $W/cal")" ;;
esac

step "custos calendar reload with nothing new: answered, not warned again"
out=$(c calendar reload) || fail "calendar reload: $out"
expect_in "reload answers" "calendar:    2025-2026 (from $W/cal)" "$out"
expect_eq "reload --json" "2025-2026" "$(c calendar reload --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["calendar"]["covered"])')"
expect_eq "2025 warning still logged once" 1 "$(count "calendar: $WARN")"
case $STATE in
ending) expect_eq "ending still logged once" 1 \
    "$(count "calendar: the calendar ends 2026-12-31")" ;;
esac
expect_eq "reloads logged" 2 "$(count "calendar reloaded (control socket)")"

step "a reader may not reload"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 0755 "$W"
	chmod 0666 "$W/control.sock"
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$CUSTOS" -c "$CONF" calendar reload 2>&1)
	expect_eq "reader: exit" 1 $?
	expect_in "reader refused" "may not write" "$out"
fi

stop_daemon
echo "calendar: ok"
