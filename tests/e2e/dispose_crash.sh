#!/bin/sh
# A crash between a disposal's object.deleted commit and the unlink of
# its bytes (issue: "a crash in between leaves the bytes, never a missing
# object without its entry").  The fault build of custosd
# (tests/fault/fault.c, CUSTOS_FAULT=unlink:1:kill) kills itself with
# SIGKILL at the first unlink of the disposal, before making it: the
# entry must be in the log and the bytes still in the store.  The normal
# custosd, restarted on the same state, removes the bytes; the entry is
# there once, "custos log verify" passes, and "custos audit" exits 0
# naming the object "disposed of by entry N".
. "$(dirname "$0")/lib.sh"
station_vars

FAULTD=${CUSTOSD_FAULT:-${CUSTOS_BUILD:-}/fault/custosd}
[ -x "$FAULTD" ] || fail "no fault build of custosd at $FAULTD"

conf_admin() {
	printf '[roles]\nadmin = daemon\n' >>"$CONF"
}

opath() {
	_h=${1#sha256:}
	echo "$S/store/objects/$(echo "$_h" | cut -c1-2)/$(echo "$_h" | cut -c3-)"
}

station_start conf_admin

step "footage of one camera never linked"
registry_basics 1
camera_add CAMK
footage_small "$W/prep/CAMK" CAMK-crash || fail "footage CAMK"
dock_volume CAMK
O=$(entry_field "$(entries_where segment.sealed camera CAMK | head -n 1)" \
    object)
[ -f "$(opath "$O")" ] || fail "no bytes for $O"
undock_volume CAMK
stop_daemon

step "the fault build dies after the entry, before the unlink"
CUSTOS_FAULT=unlink:1:kill CUSTOS_FAULT_REPORT=$W/fault.report \
    "$FAULTD" -f -c "$CONF" 2>>"$W/custosd.err" &
DPID=$!
wait_socket
AT7=$(TZ=Asia/Shanghai date -d '+7 months' +%F)
c retention dispose --approver daemon --at "$AT7" --object "$O" \
    >"$W/dispose.out" 2>"$W/dispose.err" &&
    fail "dispose answered though custosd was to die: $(cat "$W/dispose.out")"
wait "$DPID"
st=$?
DPID=
expect_eq "custosd killed (128 + SIGKILL)" 137 "$st"
expect_in "the fault fired at the unlink" "fired unlink 1 KILL" \
    "$(cat "$W/fault.report" 2>/dev/null)"
N=$(entries_where object.deleted object "$O")
[ -n "$N" ] || fail "no object.deleted for $O after the crash"
expect_eq "one object.deleted" 1 "$(echo "$N" | wc -l | xargs)"
expect_eq "object.deleted $N approver" daemon "$(entry_field "$N" approver)"
[ -f "$(opath "$O")" ] || fail "$O: bytes gone though custosd died first"

step "the restart removes the bytes; entry and store agree"
start_daemon
wait_log "removed the bytes of $O, whose object.deleted"
[ -e "$(opath "$O")" ] && fail "$O: bytes remain after the restart"
expect_eq "still one object.deleted" "$N" \
    "$(entries_where object.deleted object "$O")"
exits verify 0 c log verify
exits audit 0 c audit
expect_in "audit names the disposal" "$O disposed of by entry $N" \
    "$(cat "$W/audit.out")"
stop_daemon
echo "ok dispose_crash"
