# A media child busy with a long file dies with custosd: kill -9 the
# daemon while its child demuxes, and the child is killed (the kernel's
# parent-death signal) instead of going on alone until it has finished
# the file.  custosd runs under tests/tools/reaper.py, a child subreaper
# that inherits the orphaned child and records how it ended, so the test
# tells "killed" from "finished" without timing anything.  After a
# restart the file is sealed as usual.
. "$(dirname "$0")/lib.sh"
station_vars

# running PID: the process exists and is not a zombie.
running() {
	[ -r "/proc/$1/stat" ] || return 1
	st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# media_child: the pid of custosd's media child (--clip-child), if one runs.
media_child() {
	for p in $(pgrep -P "$DPID" 2>/dev/null); do
		if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null |
		    grep -q -- ' --clip-child '; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

has_media_child() {
	media_child >/dev/null
}

step "a camera with a long file: about 200,000 packets to demux"
mkdir -p "$W/prep/CAMP" "$D"
ffmpeg -nostdin -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc=size=32x32:rate=1000:duration=1" -c:v mpeg4 \
    -f mpegts "$W/one.ts" || fail "ffmpeg"
ffmpeg -nostdin -hide_banner -loglevel error -y -stream_loop 199 \
    -i "$W/one.ts" -c copy -f mpegts "$W/prep/CAMP/LONG.TS" || fail "ffmpeg"
write_conf
python3 "$(dirname "$0")/../tools/reaper.py" "$W/custosd.pid" "$W/reaped" \
    "$CUSTOSD" -f -c "$CONF" 2>>"$W/custosd.err" &
RPID=$!
wait_until 60 "custosd started under the reaper" test -s "$W/custosd.pid"
DPID=$(cat "$W/custosd.pid")
wait_socket
mv "$W/prep/CAMP" "$D/CAMP"
wait_until 60 "a media child" has_media_child
child=$(media_child)
# At work: it has read a megabyte of the file, so it is well past its
# start (where a child whose parent is gone already exits by itself).
demuxing() {
	[ "$(awk '$1 == "rchar:" { print $2 }' "/proc/$child/io" 2>/dev/null ||
	    echo 0)" -gt 1048576 ]
}
wait_until 60 "media child $child reading the file" demuxing
running "$child" || fail "media child $child not running"

step "kill -9 custosd while the child demuxes"
kill -9 "$DPID"
wait "$RPID"
DPID=
# The reaper has reaped custosd and every child it left behind.
how_ended() {	# PID
	awk -v p="$1" '$1 == p { print $2, $3 }' "$W/reaped"
}
expect_eq "how custosd ended" "signal 9" "$(how_ended "$(cat "$W/custosd.pid")")"
expect_eq "how the media child ended" "signal 9" "$(how_ended "$child")"
expect_eq "segments" 0 "$($DL "$S" segments)"

step "restart: the file is sealed"
start_daemon
wait_until 60 "LONG.TS sealed" log_has 'sealed camera=CAMP .*path="LONG.TS"'
expect_eq "segments" 1 "$($DL "$S" segments)"
out=$($DL "$S" volume CAMP "$D/CAMP") || fail "$out"
stop_daemon
echo "probe_parent_death: ok"
