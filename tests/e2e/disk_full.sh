# The whole state directory (log.db and the store) on a small tmpfs that
# fills up (root only).  custosd stays up and says "disk full" in the
# status (human and JSON) and once in its log, appends nothing partial,
# deletes no camera file it has not sealed (after_ingest = delete), and
# resumes by itself when space returns: when the store is what fills,
# when SQLite finds the log full (SQLITE_FULL), and when custosd starts
# on a full disk, after a clean stop and after a kill -9.
. "$(dirname "$0")/lib.sh"
station_vars
root_only "mounts a tmpfs as the state dir"

cleanup() {
	[ -n "$DPID" ] && kill -9 "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	umount "$S" 2>/dev/null
}
trap cleanup EXIT

avail() {	# bytes free on the state file system
	df --output=avail -B1 "$S" | tail -n 1 | tr -d ' '
}

# fill BYTES: leave about BYTES free (whole pages), in a file of its own.
fill() {
	n=$(( ($(avail) - $1) / 4096 * 4096 ))
	[ "$n" -gt 0 ] || fail "fill: only $(avail) bytes free"
	head -c "$n" /dev/zero >"$S/junk.$FILLS" 2>/dev/null ||
	    fail "fill: cannot write $n bytes"
	FILLS=$((FILLS + 1))
}
FILLS=0

# fill_up: leave nothing free at all.
fill_up() {
	cat /dev/zero >"$S/junk.$FILLS" 2>/dev/null
	FILLS=$((FILLS + 1))
	expect_eq "bytes free" 0 "$(avail)"
}

unfill() {
	rm -f "$S"/junk.*
}

# state_ok WHAT: the log verifies, no stored object is partial, every
# segment's object is stored, no object is sealed twice.
state_ok() {
	"$CUSTOS" -c "$CONF" log verify >/dev/null || fail "$1: log verify"
	out=$($DL "$S" store) || fail "$1: $out"
	out=$($DL "$S" once) || fail "$1: $out"
}

# camera_ok SUMS CAMDIR: every file of SUMS gone from CAMDIR is sealed
# and stored (after_ingest = delete took only sealed files).
camera_ok() {
	python3 - "$S" "$1" "$2" <<'EOF' || fail "a file left the camera unsealed"
import json, os, sqlite3, sys
state, sums, cam = sys.argv[1:]
db = sqlite3.connect("file:%s/log.db?mode=ro" % state, uri=True, timeout=10)
sealed = set()
for (d,) in db.execute("SELECT data FROM entries"):
    e = json.loads(bytes(d))
    if e["type"] == "segment.sealed":
        sealed.add(e["object"])
for line in open(sums):
    h, name = line.split(None, 1)
    name = name.strip()
    if os.path.exists(os.path.join(cam, name)):
        continue
    if "sha256:" + h not in sealed:
        print("%s left the camera without a segment entry" % name)
        sys.exit(1)
    if not os.path.isfile(os.path.join(state, "store", "objects", h[:2], h[2:])):
        print("%s left the camera but is not in the store" % name)
        sys.exit(1)
EOF
}

# full_lines: the log lines that entered and left the state so far.
entered() {
	grep -c "store full (disk full: .*): ingest paused" "$W/custosd.err"
}
left() {
	grep -c "store has space again: ingest resumed" "$W/custosd.err"
}

# The first entry appended at or after index $1 is station.started.
started_first() {
	python3 - "$S" "$1" <<'EOF' || fail "an entry went in before station.started"
import json, sqlite3, sys
db = sqlite3.connect("file:%s/log.db?mode=ro" % sys.argv[1], uri=True,
                     timeout=10)
row = db.execute("SELECT data FROM entries WHERE idx = ?",
                 (int(sys.argv[2]),)).fetchone()
t = json.loads(bytes(row[0]))["type"] if row else None
if t != "station.started":
    print("entry %s is %s" % (sys.argv[2], t))
    sys.exit(1)
EOF
}

write_conf
sed -i 's/^after_ingest = keep/after_ingest = delete/' "$CONF"
# The ENOSPC pause itself: no [disk] floor that would pause first
# (disk_pressure.sh tests that one).
printf '[disk]\nwarn = 0\nstop_ingest = 0\n' >>"$CONF"
mkdir -p "$S" "$D" "$W/prep"
mount -t tmpfs -o size=24m custos-e2e-state "$S" ||
    fail "cannot mount a tmpfs on the state directory"
start_daemon

step "the log fills: SQLITE_FULL after the store took the object"
footage_small "$W/prep/CAML" CAML || fail "footage"
(cd "$W/prep/CAML" && sha256sum *) >"$W/caml.sums"
segs0=$($DL "$S" segments)
# One page free: room for the first (small) object, none for the WAL
# frames of its entry.
fill 4096
mv "$W/prep/CAML" "$D/CAML"
wait_status 'd["dock"]["disk_full"] and cams["CAML"]["state"] == "waiting: store full"' 20
expect_in "reason" "cannot append the entry: no space left on device" \
    "$(status_py 'd["dock"]["disk_full_reason"]')"
wait_status 'd["dock"]["disk_full_retries"] >= 1' 10
expect_eq "segments while the log is full" "$segs0" "$($DL "$S" segments)"
expect_eq "files on CAML while full" 2 "$(ls "$D/CAML" | wc -l)"
state_ok "log full"
out=$("$CUSTOS" -c "$CONF" status)
expect_in "human status" "disk full" "$out"
expect_eq "log lines entering" 1 "$(entered)"
expect_eq "no per-file warning while full" 0 \
    "$(grep -c "not sealed" "$W/custosd.err")"
unfill
wait_status 'cams["CAML"]["state"] == "done" and not d["dock"]["disk_full"]' 30
expect_eq "log lines leaving" 1 "$(left)"
expect_eq "files left on CAML" 0 "$(ls "$D/CAML" | wc -l)"
camera_ok "$W/caml.sums" "$D/CAML"
state_ok "after the log had space again"

step "the store fills during docking"
footage_big "$W/prep/CAMF" CAMF 2 || fail "footage"
(cd "$W/prep/CAMF" && sha256sum *) >"$W/camf.sums"
segs0=$($DL "$S" segments)
fill $((3 * 1048576))
mv "$W/prep/CAMF" "$D/CAMF"
wait_status 'd["dock"]["disk_full"] and cams["CAMF"]["state"] == "waiting: store full"' 20
wait_status 'd["dock"]["disk_full_retries"] >= 1' 10
expect_eq "log lines entering" 2 "$(entered)"
expect_eq "no per-file warning while full" 0 \
    "$(grep -c "not sealed" "$W/custosd.err")"
[ "$($DL "$S" segments)" -lt $((segs0 + 4)) ] || fail "everything fit"
camera_ok "$W/camf.sums" "$D/CAMF"
state_ok "store full"
json=$("$CUSTOS" -c "$CONF" status --json)
expect_in "json since" '"disk_full_since"' "$json"
expect_in "json store_full" '"store_full": true' "$json"
unfill
wait_status 'cams["CAMF"]["state"] == "done" and not d["dock"]["disk_full"]' 30
expect_eq "log lines leaving" 2 "$(left)"
expect_eq "files left on CAMF" 0 "$(ls "$D/CAMF" | wc -l)"
camera_ok "$W/camf.sums" "$D/CAMF"
state_ok "after the store had space again"

step "start on a full disk after a clean stop, a reader holding the WAL"
stop_daemon
size0=$(python3 -c '
import sqlite3, sys
db = sqlite3.connect("file:%s/log.db?mode=ro" % sys.argv[1], uri=True)
print(db.execute("SELECT count(*) FROM entries").fetchone()[0])' "$S")
footage_small "$W/prep/CAMS" CAMS || fail "footage"
(cd "$W/prep/CAMS" && sha256sum *) >"$W/cams.sums"
mv "$W/prep/CAMS" "$D/CAMS"
fill_up
# A reader in a read transaction (an auditor's export, say) keeps the
# WAL from starting over in the space it has: not even the
# station.started entry fits.
rm -f "$W/reading"
python3 - "$S" "$W/reading" "$W/stop-reading" <<'EOF' &
import os, sqlite3, sys, time
db = sqlite3.connect("file:%s/log.db?mode=ro" % sys.argv[1], uri=True,
                     isolation_level=None)
db.execute("BEGIN")
db.execute("SELECT count(*) FROM entries").fetchone()
open(sys.argv[2], "w").close()
for _ in range(600):
    if os.path.exists(sys.argv[3]):
        break
    time.sleep(0.1)
EOF
RPID=$!
wait_until 10 "the reader's transaction" test -e "$W/reading"
: >"$W/custosd.err"
start_daemon
wait_status 'd["dock"]["disk_full"] and cams["CAMS"]["files_total"] == 2 and cams["CAMS"]["state"] == "waiting: store full"' 20
expect_eq "reason" "no space for the station.started entry" \
    "$(status_py 'd["dock"]["disk_full_reason"]')"
wait_status 'd["dock"]["disk_full_retries"] >= 1' 10
out=$("$CUSTOS" -c "$CONF" status)
expect_in "human status at start" "disk full" "$out"
expect_eq "tree size while full" "$size0" "$(status_py 'd["tree_size"]')"
expect_eq "files on CAMS while full" 2 "$(ls "$D/CAMS" | wc -l)"
expect_eq "log lines entering" 1 "$(entered)"
state_ok "started full"
: >"$W/stop-reading"
wait "$RPID" || fail "reader"
unfill
wait_status 'cams["CAMS"]["state"] == "done" and not d["dock"]["disk_full"]' 30
expect_eq "files left on CAMS" 0 "$(ls "$D/CAMS" | wc -l)"
camera_ok "$W/cams.sums" "$D/CAMS"
started_first "$size0"
state_ok "after a start on a full disk"

step "start on a full disk after a kill -9"
footage_small "$W/prep/CAMK" CAMK || fail "footage"
(cd "$W/prep/CAMK" && sha256sum *) >"$W/camk.sums"
fill_up
kill -9 "$DPID"
wait "$DPID" 2>/dev/null
DPID=
size0=$(python3 -c '
import sqlite3, sys
db = sqlite3.connect("file:%s/log.db?mode=ro" % sys.argv[1], uri=True)
print(db.execute("SELECT count(*) FROM entries").fetchone()[0])' "$S")
mv "$W/prep/CAMK" "$D/CAMK"
: >"$W/custosd.err"
start_daemon
wait_status 'd["dock"]["disk_full"] and cams["CAMK"]["files_total"] == 2 and cams["CAMK"]["state"] == "waiting: store full"' 20
wait_status 'd["dock"]["disk_full_retries"] >= 1' 10
expect_eq "files on CAMK while full" 2 "$(ls "$D/CAMK" | wc -l)"
expect_eq "log lines entering" 1 "$(entered)"
state_ok "restarted full"
unfill
wait_status 'cams["CAMK"]["state"] == "done" and not d["dock"]["disk_full"]' 30
expect_eq "log lines leaving" 1 "$(left)"
camera_ok "$W/camk.sums" "$D/CAMK"
started_first "$size0"
stop_daemon
state_ok "at the end"
expect_eq "previous stop of the last start" unclean "$(python3 -c '
import json, sqlite3, sys
db = sqlite3.connect("file:%s/log.db?mode=ro" % sys.argv[1], uri=True)
for (d,) in db.execute("SELECT data FROM entries ORDER BY idx DESC"):
    e = json.loads(bytes(d))
    if e["type"] == "station.started":
        print(e["previous_stop"])
        break' "$S")"
echo "disk_full: ok"
