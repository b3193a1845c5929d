#!/bin/sh
# Automatic footage linking through the real daemon: a camera assigned to
# an officer of an entered inspection is docked, and each of its sealed
# segments gets an evidence.linked entry "by": "auto" in the inspection's
# chain (the chain recomputed here from "custos log entry" bytes); a
# camera of an officer outside the inspection, footage recorded before an
# inspection's entering and footage recorded after leaving are not
# linked; the log verifies.
. "$(dirname "$0")/lib.sh"
station_vars

# dock CAMERA TAG: docks a small volume and waits for its dock.session.
dock() {
	footage_small "$W/prep/$1" "$2" || fail "footage $1"
	dock_volume "$1"
}

# segments CAMERA: the indexes of CAMERA's segment.sealed entries.
segments() {
	entries_where segment.sealed camera "$1"
}

# dock_links CAMERA WANT: docks CAMERA; every segment sealed from it (in
# SEGS) has the links WANT.
dock_links() {
	dock "$1" "$1-autolink"
	SEGS=$(segments "$1")
	[ -n "$SEGS" ] || fail "no segment.sealed from $1"
	for n in $SEGS; do
		expect_eq "links of $1 segment $n" "$2" "$(links "$n")"
	done
}

station_start

step "officers, an enterprise, three cameras"
registry_basics 3
assign_cameras "$(utc -3600)" CAMX:PA-0001 CAMY:PA-0003 CAMZ:PA-0002

step "register and enter now; one more registered, entered later"
# An inspection is entered after its registration (an earlier "at" is
# refused: entered_before_registration) and never in the future
# (time_in_future), so footage recorded before an entering is made here
# with an older mtime (CAMY below).
ID=$(c inspection register --enterprise $USCC --officer PA-0001 \
    --officer PA-0002 --basis 安全生产法第六十五条 --content 检查) ||
    fail "register: $ID"
c inspection enter "$ID" >/dev/null || fail "enter"
LATE=$(c inspection register --enterprise $USCC --officer PA-0001 \
    --officer PA-0003 --basis 安全生产法第六十五条 --content 检查) ||
    fail "register 2: $LATE"
# Footage recorded strictly after entering, at one-second resolution.
wait_next_second

step "CAMX (PA-0001's) docked: every segment linked by auto"
dock_links CAMX "$ID auto"
SEGX=$SEGS
check_chain "$ID"
python3 - "$CUSTOS" "$CONF" "$W/chain.json" $SEGX <<'EOF' || fail "links"
import json, subprocess, sys
custos, conf = sys.argv[1], sys.argv[2]
ins = json.load(open(sys.argv[3]))
segs = [int(s) for s in sys.argv[4:]]
linked = []
for link in ins["chain"]:
    if link["type"] != "evidence.linked":
        continue
    e = json.loads(subprocess.run([custos, "-c", conf, "log", "entry",
        str(link["index"])], check=True, capture_output=True).stdout)
    seg = json.loads(subprocess.run([custos, "-c", conf, "log",
        "entry", str(e["segment"])], check=True,
        capture_output=True).stdout)
    assert seg["type"] == "segment.sealed", seg
    assert e["by"] == "auto", e
    assert e["object"] == seg["object"], (e, seg)
    assert e["camera"] == seg["camera"] == "CAMX", (e, seg)
    assert "reason" not in e, e
    linked.append(e["segment"])
assert linked == segs, (linked, segs)
types = [l["type"] for l in ins["chain"]]
assert types == ["inspection.registered", "inspection.entered"] + \
    ["evidence.linked"] * len(segs), types
print("chain of %d entries ok, %d auto links" % (len(types), len(linked)))
EOF
for n in $SEGX; do
	grep -q "linked inspection=$ID segment=$n camera=CAMX officer=PA-0001 by=auto" \
	    custosd.err || fail "no log line for the link of segment $n"
done

step "CAMY (PA-0003's, not in $ID; before $LATE entered) docked: not linked"
c inspection enter "$LATE" >/dev/null || fail "enter 2"
footage_small "$W/prep/CAMY" CAMY-autolink || fail "footage CAMY"
# Recorded half an hour ago: after CAMY's assignment, before the entering.
touch -d "@$(($(date +%s) - 1800))" "$W/prep/CAMY"/* || fail "touch CAMY"
dock_volume CAMY
SEGS=$(segments CAMY)
[ -n "$SEGS" ] || fail "no segment.sealed from CAMY"
for n in $SEGS; do
	expect_eq "links of CAMY segment $n" "" "$(links "$n")"
done
expect_eq "$LATE has no link" "inspection.registered inspection.entered" \
    "$(c inspection show "$LATE" --json | python3 -c \
    'import json,sys; print(" ".join(e["type"] for e in json.load(sys.stdin)["chain"]))')"

step "left; CAMZ (PA-0002's) recorded after leaving: not linked"
c inspection leave "$ID" >/dev/null || fail "leave"
# Recorded strictly after leaving, at the log's one-second resolution.
wait_next_second
dock_links CAMZ ""
expect_eq "last of $ID is its leaving" inspection.left \
    "$(c inspection show "$ID" --json | python3 -c \
    'import json,sys; print(json.load(sys.stdin)["chain"][-1]["type"])')"

out=$(c log verify) || fail "log verify: $out"
stop_daemon
if grep -q "ERROR: AddressSanitizer\|runtime error" custosd.err; then
	fail "sanitizer report"
fi
echo "ok autolink"
