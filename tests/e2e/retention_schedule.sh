#!/bin/sh
# Disposal by schedule ("[retention] schedule = daily HH:MM",
# docs/retention.md).  Footage is sealed today; custosd is then started
# with its clock (and only its clock: libfaketime, a relative offset, the
# monotonic clock left alone so that libuv's timers run in real time) set
# seven months ahead to a few seconds before 10:00 Beijing time.  With
# schedule = off it passes 10:00 and disposes of nothing; with
# "daily 10:00" it disposes at 10:00, not at its start, of the unlinked
# footage the plan of that day lists (approver "schedule", the schedule
# and the config's digest in each object.deleted), and leaves the held
# camera's footage.  A bad schedule is a config error naming file, line
# and key.  No daemon code knows about the test: the time is the one the
# process reads from the system.
. "$(dirname "$0")/lib.sh"
station_vars

FT=
for f in /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 \
    /usr/lib/faketime/libfaketime.so.1 /usr/local/lib/faketime/libfaketime.so.1
do
	[ -f "$f" ] && FT=$f && break
done
[ -n "$FT" ] || fail "libfaketime is not installed (make deps installs it)"

dock() {
	footage_small "$W/prep/$1" "$1-sched" || fail "footage $1"
	dock_volume "$1"
}

objects() {
	for _n in $(entries_where segment.sealed camera "$1"); do
		entry_field "$_n" object
	done | sort -u
}

opath() {
	_h=${1#sha256:}
	echo "$S/store/objects/$(echo "$_h" | cut -c1-2)/$(echo "$_h" | cut -c3-)"
}

# TARGET: 10:00 Beijing time on the day seven months ahead (epoch s).
TDAY=$(TZ=Asia/Shanghai date -d '+7 months' +%F)
TARGET=$(date -d "$TDAY 10:00:00 +0800" +%s)

# fake_start: custosd with its wall clock 8 s before TARGET.
fake_start() {
	_off=$((TARGET - $(date +%s) - 8))
	LD_PRELOAD=$FT FAKETIME="+$_off" FAKETIME_DONT_FAKE_MONOTONIC=1 \
	    FAKETIME_NO_CACHE=1 \
	    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	    "$CUSTOSD" -f -c "$CONF" 2>>"$W/custosd.err" &
	DPID=$!
	wait_socket
	FAKE_OFF=$_off
}

# past_target SECONDS: the daemon's clock is SECONDS past TARGET.
past_target() {
	[ $(($(date +%s) + FAKE_OFF)) -ge $((TARGET + $1)) ]
}

# etime N: entry N's time, epoch seconds.
etime() {
	date -d "$(entry_field "$1" time)" +%s
}

last() {
	entries_where "$@" | tail -n 1
}

station_start

step "footage of two cameras, one held"
registry_basics 1
for cam in CAMU CAMH; do
	camera_add "$cam"
	dock "$cam"
done
OU=$(objects CAMU)
OH=$(objects CAMH)
[ -n "$OU" ] && [ -n "$OH" ] || fail "no segment.sealed"
exits hold 0 c hold add --camera CAMH --reason 诉讼 --reference 案2 --json
for cam in CAMU CAMH; do
	undock_volume "$cam"
done
stop_daemon

step "a bad schedule is a config error naming file, line and key"
cp "$CONF" "$W/good.conf"
printf '[retention]\nschedule = daily 24:00\n' >>"$CONF"
LINE=$(grep -n '^schedule' "$CONF" | cut -d: -f1)
exits badconf 1 "$CUSTOSD" -f -c "$CONF"
expect_in "bad schedule named" \
    "custos.conf:$LINE: [retention] schedule: expected off or \"daily HH:MM\"" \
    "$(cat "$W/badconf.err")"
sed -i 's/^schedule = .*/schedule = on/' "$CONF"
exits badconf2 1 "$CUSTOSD" -f -c "$CONF"
expect_in "schedule = on is not a schedule" "[retention] schedule:" \
    "$(cat "$W/badconf2.err")"

step "schedule = off: past 10:00 on $TDAY, nothing is disposed of"
cp "$W/good.conf" "$CONF"
printf '[retention]\nschedule = off\n' >>"$CONF"
fake_start
START=$(last station.started)
[ "$(etime "$START")" -lt "$TARGET" ] ||
    fail "station.started not before 10:00: $(entry_field "$START" time)"
wait_until 60 "the daemon's clock past 10:00:03" past_target 3
stop_daemon
STOP=$(last station.stopped)
[ "$(etime "$STOP")" -ge $((TARGET + 3)) ] ||
    fail "station.stopped not after 10:00: $(entry_field "$STOP" time)"
expect_eq "no object.deleted with schedule = off" "" \
    "$(entries_where object.deleted)"
for o in $OU $OH; do
	[ -f "$(opath "$o")" ] || fail "schedule = off: $o lost its bytes"
done

step "schedule = daily 10:00: disposed of at 10:00, not at the start"
cp "$W/good.conf" "$CONF"
printf '[retention]\nschedule = daily 10:00\n' >>"$CONF"
fake_start
START=$(last station.started)
CFG=$(entry_field "$START" config)
[ "$(etime "$START")" -lt "$TARGET" ] ||
    fail "station.started not before 10:00: $(entry_field "$START" time)"
wait_log "disposal by schedule: daily 10:00 Beijing time, next in [0-9] s"
expect_eq "nothing disposed of at the start" "" \
    "$(entries_where object.deleted)"
wait_log "disposal by schedule \\(daily 10:00, config $CFG\\) at $TDAY"
for o in $OU; do
	n=$(entries_where object.deleted object "$o")
	[ -n "$n" ] || fail "no object.deleted for $o"
	expect_eq "object.deleted $n" \
	    "$o unlinked unlinked = 6 months $TDAY schedule daily 10:00 $CFG" \
	    "$(for f in object class rule at approver schedule config; do entry_field "$n" $f; done | xargs)"
	[ "$(etime "$n")" -ge "$TARGET" ] ||
	    fail "object.deleted $n before 10:00: $(entry_field "$n" time)"
	[ -e "$(opath "$o")" ] && fail "disposed $o: its bytes remain"
done
expect_eq "the held camera's footage is not disposed of" "" \
    "$(for o in $OH; do entries_where object.deleted object "$o"; done)"
for o in $OH; do
	[ -f "$(opath "$o")" ] || fail "held $o lost its bytes"
done
expect_eq "one object.deleted per unlinked object" \
    "$(echo "$OU" | wc -l | xargs)" "$(entries_where object.deleted | wc -l | xargs)"
exits audit 0 c audit
expect_in "audit names the disposal" \
    "$(echo "$OU" | head -n 1) disposed of by entry" "$(cat "$W/audit.out")"
stop_daemon
echo "ok retention_schedule"
