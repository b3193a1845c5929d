#!/bin/sh
# custos segment get through the real daemon: a docked segment (linked
# to an inspection by autolink) is copied out of the store byte for byte
# (cmp with the camera's file), and the copy is logged as
# evidence.accessed with what, segment, object, purpose, by, uid and the
# inspection it is linked to (outside that inspection's chain); --json
# names the entry; custos audit lists the access.  Refusals exit with
# their status and leave no file, no temporary file and no entry: no
# --purpose (2), an unknown index and an entry that is not a segment
# (1), an existing output (1, the file untouched), a store object that
# no longer matches its entry (1), a disposed object (1, naming its
# object.deleted entry); the route itself refuses another object (409
# object_mismatch).
. "$(dirname "$0")/lib.sh"
station_vars

# The approver of the disposal: the user daemon, admin through its group.
conf_admin() {
	printf '[roles]\nadmin = daemon\n' >>"$CONF"
}

# nothing_left: no copy and no temporary file in $W/out.
nothing_left() {
	expect_eq "$1: files left in the output directory" "" \
	    "$(ls -A "$W/out")"
}

station_start conf_admin
mkdir -p "$W/out"

step "a segment docked while an inspection is on site"
registry_basics 2
camera_add CAMG
camera_add CAMU
assign_cameras "$(utc -3600)" CAMG:PA-0001
ID=$(c inspection register --enterprise "$USCC" --officer PA-0001 \
    --officer PA-0002 --basis 安全生产法第六十五条 --content 检查) ||
    fail "register"
c inspection enter "$ID" >/dev/null || fail "enter $ID"
wait_next_second
footage_small "$W/prep/CAMG" segget || fail "footage CAMG"
cp "$W/prep/CAMG/small.mp4" "$W/orig.mp4" || fail "keep the original"
dock_volume CAMG
OBJ=sha256:$(sha256sum "$W/orig.mp4" | cut -d' ' -f1)
SEG=$(entries_where segment.sealed object "$OBJ" | head -n 1)
[ -n "$SEG" ] || fail "no segment.sealed of $OBJ"
expect_eq "segment $SEG linked" "$ID auto" "$(links "$SEG")"

step "segment get copies the bytes and logs evidence.accessed"
N0=$(tree_size)
exits get 0 c segment get "$SEG" -o "$W/out/seg.mp4" --purpose 法院调取
cmp "$W/orig.mp4" "$W/out/seg.mp4" || fail "the copy differs from the original"
N=$(entries_where evidence.accessed segment "$SEG")
expect_eq "one evidence.accessed" "$N0" "$N"
expect_in "text names the entry" "evidence.accessed, entry $N" \
    "$(cat "$W/get.out")"
expect_eq "evidence.accessed $N" \
    "segment $SEG $OBJ 法院调取 $(id -un) $(id -u)" \
    "$(for f in what segment object purpose by uid; do entry_field "$N" $f; done | xargs)"
expect_eq "linked_inspections" "['$ID']" \
    "$(entry_field "$N" linked_inspections)"
expect_eq "names no inspection" "False" \
    "$(c log entry "$N" | python3 -c 'import json,sys
print("inspection" in json.load(sys.stdin))')"
expect_eq "the chain does not list it" "0" \
    "$(ifield "$ID" "sum(1 for e in i['chain'] if e['index'] == $N)")"
exits getjson 0 c segment get "$SEG" -o "$W/out/seg2.mp4" \
    --purpose 复核 --json
expect_eq "--json names the entry" \
    "$(entries_where evidence.accessed purpose 复核) $SEG $OBJ" \
    "$(python3 -c 'import json,sys
j = json.load(open(sys.argv[1]))
print(j["logged_index"], j["segment"], j["object"])' "$W/getjson.out")"
cmp "$W/orig.mp4" "$W/out/seg2.mp4" || fail "the --json copy differs"
c audit --no-objects >"$W/audit.out" 2>&1
expect_in "audit lists the access" "segment $SEG, purpose: 法院调取" \
    "$(grep "entry $N:" "$W/audit.out")"
rm -f "$W/out/seg.mp4" "$W/out/seg2.mp4"

step "refusals leave nothing and log nothing"
N0=$(tree_size)
exits nopurpose 2 c segment get "$SEG" -o "$W/out/x.mp4"
expect_in "no --purpose" "--purpose TEXT is required" \
    "$(cat "$W/nopurpose.err")"
exits unknown 1 c segment get $((N0 + 100)) -o "$W/out/x.mp4" --purpose p
expect_in "unknown index" "no entry $((N0 + 100)) in the log" \
    "$(cat "$W/unknown.err")"
exits notseg 1 c segment get 0 -o "$W/out/x.mp4" --purpose p
expect_in "not a segment" "not a segment.sealed" "$(cat "$W/notseg.err")"
nothing_left "refused"
echo keep >"$W/out/exists.mp4"
exits exists 1 c segment get "$SEG" -o "$W/out/exists.mp4" --purpose p
expect_in "output exists" "exists; not overwriting it" \
    "$(cat "$W/exists.err")"
expect_eq "existing output untouched" keep "$(cat "$W/out/exists.mp4")"
rm -f "$W/out/exists.mp4"
P=$(object_path "$SEG")
cp "$P" "$W/saved" || fail "save the object"
chmod u+w "$P" && printf 'X' | dd of="$P" bs=1 seek=100 conv=notrunc \
    2>/dev/null || fail "damage $P"
exits damaged 1 c segment get "$SEG" -o "$W/out/x.mp4" --purpose p
expect_in "damaged store" "the store is damaged: object $OBJ" \
    "$(cat "$W/damaged.err")"
nothing_left "damaged"
cp "$W/saved" "$P" || fail "restore the object"
status=$(curl -s -o "$W/mismatch.json" -w '%{http_code}' \
    --unix-socket "$W/control.sock" -H 'Content-Type: application/json' \
    -d "{\"object\": \"sha256:$(printf '%064d' 0)\", \"purpose\": \"p\"}" \
    "http://localhost/v1/segments/$SEG/accessed")
expect_eq "another object: 409" 409 "$status"
expect_in "another object: rule" '"object_mismatch"' "$(cat "$W/mismatch.json")"
expect_eq "no entry appended by a refusal" "$N0" "$(tree_size)"

step "a disposed object is refused naming its object.deleted"
footage_small "$W/prep/CAMU" segget-u || fail "footage CAMU"
dock_volume CAMU
SU=$(entries_where segment.sealed camera CAMU | head -n 1)
OU=$(entry_field "$SU" object)
AT7=$(TZ=Asia/Shanghai date -d '+7 months' +%F)
exits dispose 0 c retention dispose --approver daemon --at "$AT7" \
    --object "$OU"
DEL=$(entries_where object.deleted object "$OU")
[ -n "$DEL" ] || fail "no object.deleted of $OU"
N0=$(tree_size)
exits disposed 1 c segment get "$SU" -o "$W/out/x.mp4" --purpose p
expect_in "disposed" "was disposed of by entry $DEL (object.deleted)" \
    "$(cat "$W/disposed.err")"
nothing_left "disposed"
expect_eq "nothing logged for a disposed object" "$N0" "$(tree_size)"

stop_daemon
echo "ok segment_get"
