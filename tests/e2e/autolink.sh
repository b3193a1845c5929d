#!/bin/sh
# Automatic footage linking through the real daemon: a camera assigned to
# an officer of an entered inspection is docked, and each of its sealed
# segments gets an evidence.linked entry "by": "auto" in the inspection's
# chain (the chain recomputed here from "custos log entry" bytes); a
# camera of an officer outside the inspection, footage recorded before an
# inspection's entering and footage recorded after leaving are not
# linked; the log verifies.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/footage.sh"
DL="python3 $(cd "$(dirname "$0")" && pwd)/docklog.py"
CAL=$(cd "$(dirname "$0")/../../conf/calendar" && pwd)
S=$W/state
D=$W/dock

USCC=91350100M000100Y43		# GB 32100-2015's own example

c() {
	"$CUSTOS" -c "$CONF" "$@"
}

# utc OFFSET: now plus OFFSET seconds, RFC 3339 UTC.
utc() {
	date -u -d "@$(($(date +%s) + $1))" '+%Y-%m-%dT%H:%M:%SZ'
}

# dock CAMERA TAG: docks a small volume and waits for its dock.session.
dock() {
	footage_small "$W/prep/$1" "$2" || fail "footage $1"
	mv "$W/prep/$1" "$D/$1" || fail "move $1 into the dock"
	i=0
	while [ "$($DL "$S" sessions "$1")" -lt 1 ]; do
		i=$((i + 1))
		[ $i -gt 900 ] && fail "$1: no dock.session in 90 s"
		sleep 0.1
	done
}

# segments CAMERA: the indexes of CAMERA's segment.sealed entries.
segments() {
	python3 - "$S" "$1" <<'EOF'
import json, sqlite3, sys
db = sqlite3.connect("file:%s/log.db?mode=ro" % sys.argv[1], uri=True,
                     timeout=10)
for i, d in db.execute("SELECT idx, data FROM entries ORDER BY idx"):
    e = json.loads(bytes(d))
    if e["type"] == "segment.sealed" and e.get("camera") == sys.argv[2]:
        print(i)
EOF
}

# links SEGMENT: "INSPECTION BY" of each evidence.linked naming SEGMENT.
links() {
	python3 - "$S" "$1" <<'EOF'
import json, sqlite3, sys
db = sqlite3.connect("file:%s/log.db?mode=ro" % sys.argv[1], uri=True,
                     timeout=10)
for i, d in db.execute("SELECT idx, data FROM entries ORDER BY idx"):
    e = json.loads(bytes(d))
    if e["type"] == "evidence.linked" and e["segment"] == int(sys.argv[2]):
        print(e["inspection"], e["by"])
EOF
}

cd "$W" || exit 1
write_conf
cp -R "$CAL" "$W/calendar" || fail "copy the calendar"
mkdir -p "$W/prep"
start_daemon

step "officers, an enterprise, three cameras"
for o in 1 2 3; do
	c officer add PA-000$o --name officer$o --unit 执法支队 \
	    --credential 闽应急执字00$o --valid-until 2099-12-31 >/dev/null ||
	    fail "officer $o"
done
c enterprise add $USCC --name 福州某化工有限公司 >/dev/null ||
    fail "enterprise add"
FROM=$(utc -3600)
c camera assign CAMX --officer PA-0001 --from "$FROM" >/dev/null ||
    fail "assign CAMX"
c camera assign CAMY --officer PA-0003 --from "$FROM" >/dev/null ||
    fail "assign CAMY"
c camera assign CAMZ --officer PA-0002 --from "$FROM" >/dev/null ||
    fail "assign CAMZ"

step "register and enter a minute ago; one more entered in an hour"
ID=$(c inspection register --enterprise $USCC --officer PA-0001 \
    --officer PA-0002 --basis 安全生产法第六十五条 --content 检查) ||
    fail "register: $ID"
c inspection enter "$ID" --at "$(utc -60)" >/dev/null || fail "enter"
LATE=$(c inspection register --enterprise $USCC --officer PA-0001 \
    --officer PA-0003 --basis 安全生产法第六十五条 --content 检查) ||
    fail "register 2: $LATE"
c inspection enter "$LATE" --at "$(utc 3600)" >/dev/null || fail "enter 2"

step "CAMX (PA-0001's) docked: every segment linked by auto"
dock CAMX CAMX-autolink
SEGX=$(segments CAMX)
[ -n "$SEGX" ] || fail "no segment.sealed from CAMX"
for n in $SEGX; do
	expect_eq "links of CAMX segment $n" "$ID auto" "$(links "$n")"
done
c inspection show "$ID" --json >chain.json || fail "show --json"
python3 - "$CUSTOS" "$CONF" chain.json $SEGX <<'EOF' || fail "chain"
import hashlib, json, subprocess, sys
custos, conf = sys.argv[1], sys.argv[2]
ins = json.load(open(sys.argv[3]))
segs = [int(s) for s in sys.argv[4:]]
prev = None
linked = []
for k, link in enumerate(ins["chain"]):
    raw = subprocess.run([custos, "-c", conf, "log", "entry",
        str(link["index"])], check=True, capture_output=True).stdout
    e = json.loads(raw)
    assert e["inspection"] == ins["id"], e
    assert e["type"] == link["type"], (e["type"], link)
    if k == 0:
        assert "inspection_prev" not in e, e
    else:
        assert e["inspection_prev"] == prev, (e["inspection_prev"], prev)
    if e["type"] == "evidence.linked":
        seg = json.loads(subprocess.run([custos, "-c", conf, "log",
            "entry", str(e["segment"])], check=True,
            capture_output=True).stdout)
        assert seg["type"] == "segment.sealed", seg
        assert e["by"] == "auto", e
        assert e["object"] == seg["object"], (e, seg)
        assert e["camera"] == seg["camera"] == "CAMX", (e, seg)
        assert "reason" not in e, e
        linked.append(e["segment"])
    prev = "sha256:" + hashlib.sha256(b"\x00" + raw).hexdigest()
assert ins["last_leaf"] == prev, (ins["last_leaf"], prev)
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
dock CAMY CAMY-autolink
SEGY=$(segments CAMY)
[ -n "$SEGY" ] || fail "no segment.sealed from CAMY"
for n in $SEGY; do
	expect_eq "links of CAMY segment $n" "" "$(links "$n")"
done
expect_eq "$LATE has no link" "inspection.registered inspection.entered" \
    "$(c inspection show "$LATE" --json | python3 -c \
    'import json,sys; print(" ".join(e["type"] for e in json.load(sys.stdin)["chain"]))')"

step "left; CAMZ (PA-0002's) recorded after leaving: not linked"
c inspection leave "$ID" >/dev/null || fail "leave"
# Recorded strictly after leaving, at the log's one-second resolution.
wait_next_second
dock CAMZ CAMZ-autolink
SEGZ=$(segments CAMZ)
[ -n "$SEGZ" ] || fail "no segment.sealed from CAMZ"
for n in $SEGZ; do
	expect_eq "links of CAMZ segment $n" "" "$(links "$n")"
done
expect_eq "last of $ID is its leaving" inspection.left \
    "$(c inspection show "$ID" --json | python3 -c \
    'import json,sys; print(json.load(sys.stdin)["chain"][-1]["type"])')"

out=$(c log verify) || fail "log verify: $out"
stop_daemon
if grep -q "ERROR: AddressSanitizer\|runtime error" custosd.err; then
	fail "sanitizer report"
fi
echo "ok autolink"
