# kill -9 at random moments while a camera is being ingested.  After each
# crash: the log verifies, no object in the store is partial, no segment
# names an object the store lacks, no object is sealed twice, and (with
# after_ingest = delete) every file gone from the camera is sealed and
# stored.  At the end every regular file is sealed exactly once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/footage.sh"
DL="python3 $(dirname "$0")/docklog.py"
S=$W/state
D=$W/dock
ROUNDS_KEEP=${TORTURE_ROUNDS:-12}
ROUNDS_DELETE=${TORTURE_ROUNDS_DELETE:-8}

# A random pause of 0 to 1.5 s.
pause() {
	n=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
	ms=$((n % 1500))
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
}

crash() {
	kill -9 "$DPID" 2>/dev/null
	wait "$DPID" 2>/dev/null
	DPID=
}

after_crash() {	# ROUND
	"$CUSTOS" -c "$CONF" log verify >/dev/null ||
	    fail "round $1: log verify after kill -9"
	out=$($DL "$S" store) || fail "round $1: $out"
	out=$($DL "$S" once) || fail "round $1: $out"
}

# The session that shows a camera done since start number $2.
wait_done() {	# CAMERA SESSIONS_BEFORE
	i=0
	while :; do
		n=$($DL "$S" sessions "$1")
		if [ "$n" -gt "$2" ] && [ "$($DL "$S" session "$1" | python3 -c \
		    'import json,sys; print(json.load(sys.stdin)["ended"])')" = complete ]
		then
			break
		fi
		i=$((i + 1))
		[ $i -gt 600 ] && fail "$1: no complete session in 60 s"
		sleep 0.1
	done
}

write_conf
mkdir -p "$W/prep" "$D"
step "keep: $ROUNDS_KEEP rounds of kill -9 during ingest"
footage_big "$D/CAMT" CAMT 24 || fail "footage"
r=1
while [ $r -le "$ROUNDS_KEEP" ]; do
	# New work for every round: the camera recorded more.
	head -c $((2 * 1048576)) /dev/urandom >"$D/CAMT/NEW_$r.MP4"
	start_daemon
	pause
	crash
	after_crash $r
	r=$((r + 1))
done
before=$($DL "$S" sessions CAMT)
start_daemon
wait_done CAMT "$before"
out=$($DL "$S" volume CAMT "$D/CAMT") || fail "$out"
echo "$out"
stop_daemon
"$CUSTOS" -c "$CONF" log verify >/dev/null || fail "log verify"
segs=$($DL "$S" segments)
expect_eq "segments (3 big + clip + $ROUNDS_KEEP new)" \
    $((4 + ROUNDS_KEEP)) "$segs"

step "delete: $ROUNDS_DELETE rounds; nothing leaves the camera unsealed"
mv "$D/CAMT" "$W/prep/CAMT"
sed -i 's/^after_ingest = keep/after_ingest = delete/' "$CONF"
footage_big "$D/CAMX" CAMX 24 || fail "footage"
: >"$W/camx.sums"
r=1
while [ $r -le "$ROUNDS_DELETE" ]; do
	# Deleted files are not copied again: give every round more work.
	for k in a b c; do
		head -c $((8 * 1048576)) /dev/urandom >"$D/CAMX/NEW_$r$k.MP4"
	done
	(cd "$D/CAMX" && sha256sum *) >>"$W/camx.sums"
	start_daemon
	pause
	crash
	after_crash "d$r"
	sort -u "$W/camx.sums" | while read -r sum name; do
		[ -e "$D/CAMX/$name" ] && continue
		[ -f "$S/store/objects/$(echo "$sum" | cut -c1-2)/$(echo "$sum" | cut -c3-)" ] ||
		    { echo "deleted $name is not in the store"; exit 1; }
		python3 - "$S" "$sum" <<'EOF' || exit 1
import json, sqlite3, sys
db = sqlite3.connect("file:%s/log.db?mode=ro" % sys.argv[1], uri=True)
for (d,) in db.execute("SELECT data FROM entries"):
    e = json.loads(bytes(d))
    if e["type"] == "segment.sealed" and e["object"] == "sha256:" + sys.argv[2]:
        sys.exit(0)
print("deleted file %s has no segment.sealed entry" % sys.argv[2])
sys.exit(1)
EOF
	done || fail "round d$r: a file left the camera unsealed"
	r=$((r + 1))
done
before=$($DL "$S" sessions CAMX)
start_daemon
wait_done CAMX "$before"
stop_daemon
expect_eq "files left on CAMX" 0 "$(ls "$D/CAMX" | wc -l)"
sort -u "$W/camx.sums" | while read -r sum name; do
	[ -f "$S/store/objects/$(echo "$sum" | cut -c1-2)/$(echo "$sum" | cut -c3-)" ] ||
	    { echo "$name missing from the store"; exit 1; }
done || fail "CAMX: a deleted file is not in the store"
out=$($DL "$S" once) || fail "$out"
out=$($DL "$S" store) || fail "$out"
"$CUSTOS" -c "$CONF" log verify >/dev/null || fail "log verify at the end"
echo "dock_torture: ok ($ROUNDS_KEEP + $ROUNDS_DELETE crashes)"
