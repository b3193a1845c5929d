#!/bin/sh
# The station's procedure status through the real daemon: custos status
# (text and --json) lists an emergency inspection whose back-fill is
# overdue until it is back-filled, and red-code enterprises not inspected
# since they were coded red (by enterprise add --risk red, or later by
# enterprise risk), each with its 5-working-day deadline, until an
# inspection of it is entered.
. "$(dirname "$0")/lib.sh"
# The stations' calendar (tests/e2e/lib.sh): deadlines from "now" are
# computed whatever the date.
CAL=$E2E_CAL

A=91350100M000100Y43
B=91350100M00020001J
C=91330000755918469E

# sfield EXPR: a Python expression over the status's "inspections" as s.
sfield() {
	c status --json | python3 -c '
import json, sys
s = json.load(sys.stdin)["inspections"]
print(eval(sys.argv[1]))' "$1"
}

cd "$W" || exit 1
write_conf
cp -R "$CAL" "$W/calendar" || fail "copy the calendar"
start_daemon

step "an empty station: nothing open, nothing pending"
expect_eq "empty: open, overdue, red" "0 0 0" \
    "$(sfield 's["open"], len(s["overdue"]), len(s["red_not_inspected"])' |
    tr -d '(),')"
out=$(c status)
expect_in "text: no inspections" "inspections: 0 open, 0 overdue back-fills" \
    "$out"
expect_in "text: no red codes" "red-code enterprises not inspected: 0" "$out"

step "officers and a yellow enterprise"
c officer add PA-0001 --name 张伟 --unit 执法支队 --credential 闽001 \
    --valid-until 2027-12-31 >/dev/null || fail "officer 1"
c officer add PA-0002 --name 李娜 --unit 执法支队 --credential 闽002 \
    --valid-until 2027-12-31 >/dev/null || fail "officer 2"
c enterprise add $A --name 福州某化工有限公司 --risk yellow >/dev/null ||
    fail "enterprise A"

step "an emergency inspection not back-filled is overdue"
EM=$(c inspection emergency --enterprise $A --officer PA-0001 \
    --officer PA-0002 --at 2026-02-13T10:00:00+08:00) ||
    fail "emergency: $EM"
out=$(c status)
expect_in "text: overdue back-fill" \
    "inspections: 1 open, 1 overdue back-fill ($EM)" "$out"
expect_eq "json: the overdue inspection" "$EM $A True" \
    "$(sfield 's["overdue"][0]["inspection"], s["overdue"][0]["enterprise"], s["overdue"][0]["backfill_due"].endswith("Z")' |
    tr -d "(),'")"
expect_eq "json: one overdue, one open" "1 1" \
    "$(sfield 'len(s["overdue"]), s["open"]' | tr -d '(),')"
expect_eq "a yellow enterprise is not pending" 0 \
    "$(sfield 'len(s["red_not_inspected"])')"

step "back-filled: no longer overdue"
c inspection backfill "$EM" --basis 安全生产法第六十五条 --content 紧急检查 \
    >/dev/null || fail "backfill"
expect_eq "json: no overdue after back-fill" "0 1" \
    "$(sfield 'len(s["overdue"]), s["open"]' | tr -d '(),')"
expect_in "text: no overdue after back-fill" \
    "inspections: 1 open, 0 overdue back-fills" "$(c status)"

step "an enterprise added red is pending, with a deadline"
c enterprise add $B --name 福州某储运有限公司 --risk red >/dev/null ||
    fail "enterprise B"
# Just coded red: a deadline 5 working days on, at 24:00 Beijing
# (16:00 UTC), not yet passed, and after the time it was coded.
expect_eq "json: B pending, not overdue" \
    "1 $B 福州某储运有限公司 True False True" \
    "$(sfield 'len(s["red_not_inspected"]), s["red_not_inspected"][0]["enterprise"], s["red_not_inspected"][0]["name"], s["red_not_inspected"][0]["deadline"].endswith("T16:00:00.000Z"), s["red_not_inspected"][0]["overdue"], s["red_not_inspected"][0]["deadline"] > s["red_not_inspected"][0]["coded_red"]' |
    tr -d "(),'")"
DUE=$(sfield 's["red_not_inspected"][0]["deadline"]')
out=$(c status)
expect_in "text: B pending" \
    "red-code enterprises not inspected: 1 ($B due $DUE)" "$out"

step "an inspection entered for B: no longer pending"
ID=$(c inspection register --enterprise $B --officer PA-0001 \
    --officer PA-0002 --basis 安全生产法第六十五条 --content 重点检查 \
    --method onsite) || fail "register: $ID"
expect_eq "registered, not entered: still pending" 1 \
    "$(sfield 'len(s["red_not_inspected"])')"
c inspection enter "$ID" >/dev/null || fail "enter"
expect_eq "entered: B no longer pending; two open" "0 2" \
    "$(sfield 'len(s["red_not_inspected"]), s["open"]' | tr -d '(),')"

step "an enterprise coded red later is pending"
c enterprise add $C --name 杭州某制造有限公司 --risk green >/dev/null ||
    fail "enterprise C"
expect_eq "green: not pending" 0 "$(sfield 'len(s["red_not_inspected"])')"
c enterprise risk $C red >/dev/null || fail "risk red"
expect_eq "json: C pending" "1 $C False" \
    "$(sfield 'len(s["red_not_inspected"]), s["red_not_inspected"][0]["enterprise"], s["red_not_inspected"][0]["overdue"]' |
    tr -d "(),'")"
expect_in "text: C pending" "red-code enterprises not inspected: 1 ($C due" \
    "$(c status)"

step "an inspection entered before B was coded red again does not count"
c enterprise risk $B yellow >/dev/null || fail "risk yellow"
c enterprise risk $B red >/dev/null || fail "risk red again"
expect_eq "json: B and C pending" "2" \
    "$(sfield 'len(s["red_not_inspected"])')"

step "without a calendar the deadline is reported unknown, never guessed"
stop_daemon
# "calendar_dir = none" is the one way to run without a calendar.
sed -i '/^calendar_dir/d; /^\[station\]/a calendar_dir = none' "$CONF"
rm -rf "$W/calendar"
start_daemon
expect_eq "json: deadline_unknown, no deadline, not overdue" \
    "True False False" \
    "$(sfield 'all(r["deadline_unknown"].startswith("calendar does not cover 20") for r in s["red_not_inspected"]), any("deadline" in r for r in s["red_not_inspected"]), any(r["overdue"] for r in s["red_not_inspected"])' |
    tr -d "(),'")"
expect_in "text: deadline unknown" "$C deadline unknown: calendar does not cover" \
    "$(c status)"

stop_daemon
echo "status_inspections: ok"
