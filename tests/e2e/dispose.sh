#!/bin/sh
# Disposal through the real daemon ("custos retention dispose"): refused
# without an approver, with the requesting user as approver, with an
# approver who is not admin, for a held object, for footage not due; the
# unlinked footage disposed of at a date seven months ahead: its bytes
# gone, an object.deleted per object with every field, the plan shows it
# disposed, "custos audit" exits 0 naming "disposed of by entry N".  The
# removal failing after the entry is committed (the object file made
# immutable: a real unlink error at that point) leaves entry and bytes,
# and the restarted daemon removes the bytes.  An object removed by hand
# makes the audit fail.  The footage of an inspection closed without a
# decision ("[retention] no_penalty = 1 months"), disposed of two months
# ahead: its bundle leaves the media out, MANIFEST says so, and
# custos-verify exits 0 with the verdict "disposed" naming the entry, its
# date and rule (zh, en, JSON, HTML); without that entry (or with its
# proof broken) the segment is "missing" and the bundle fails, and a
# bundle whose media file was removed by hand fails too.
. "$(dirname "$0")/lib.sh"
station_vars

# The approver: the user daemon, admin through its group; root, who
# requests, holds every role.  The web console makes a remux of a
# segment, which goes with its object.
conf_admin() {
	printf '[roles]\nadmin = daemon\n' >>"$CONF"
	printf '[retention]\nno_penalty = 1 months\n' >>"$CONF"
	conf_web
}

dock() {
	footage_small "$W/prep/$1" "$1-dispose" || fail "footage $1"
	dock_volume "$1"
}

objects() {
	for _n in $(entries_where segment.sealed camera "$1"); do
		entry_field "$_n" object
	done | sort
}

# opath OBJECT: its path in the store.
opath() {
	_h=${1#sha256:}
	echo "$S/store/objects/$(echo "$_h" | cut -c1-2)/$(echo "$_h" | cut -c3-)"
}

bj() {
	TZ=Asia/Shanghai date -d "$1" +%F
}

station_start conf_admin

step "three cameras never linked to an inspection"
registry_basics 2
for cam in CAMU CAMH CAMX; do
	camera_add "$cam"
	dock "$cam"
done
OU=$(objects CAMU)
OH=$(objects CAMH | head -n 1)
OX=$(objects CAMX | head -n 1)
[ -n "$OU" ] && [ -n "$OH" ] && [ -n "$OX" ] || fail "no segment.sealed"
AT7=$(bj '+7 months')
AT5=$(bj '+5 months')
exits hold 0 c hold add --object "$OH" --reason 诉讼 --reference 案1 --json
HOLD=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["index"])' "$W/hold.out")

step "refusals append nothing"
SIZE0=$(tree_size)
refused_by no_approver approver_required "needs an approver" \
    c retention dispose --at "$AT7"
refused_by same_user approver_same "is the requesting user" \
    c retention dispose --approver "$(id -un)" --at "$AT7"
refused_by not_admin approver_not_admin "does not hold the role admin" \
    c retention dispose --approver nobody --at "$AT7"
refused_by held object_held "held by hold $HOLD" \
    c retention dispose --approver daemon --at "$AT7" --object "$OH"
refused_by not_due retention_not_due "(unlinked = 6 months)" \
    c retention dispose --approver daemon --at "$AT5" --object "$OX"
refused_by unknown object_unknown "no stored object" \
    c retention dispose --approver daemon --at "$AT7" \
    --object "sha256:$(printf '%064d' 0)"
expect_eq "no entry appended by a refusal" "$SIZE0" "$(tree_size)"
for o in $OU $OH $OX; do
	[ -f "$(opath "$o")" ] || fail "refused: $o lost its bytes"
done

step "the web console's remux of one of CAMU's segments (a copy)"
OU1=$(echo "$OU" | head -n 1)
N1=$(entries_where segment.sealed object "$OU1" | head -n 1)
REMUX=$S/console/remux/${OU1#sha256:}.mp4
code=$(curl -s -o "$W/remux.mp4" -w '%{http_code}' "$(web_url)/footage/$N1.mp4")
expect_eq "GET /footage/$N1.mp4" 200 "$code"
cmp -s "$W/remux.mp4" "$REMUX" || fail "no remux kept at $REMUX"

step "dispose of CAMU's footage at $AT7"
exits dispose 0 c retention dispose --approver daemon --at "$AT7" \
    --object "$(echo "$OU" | head -n 1)" $(echo "$OU" | tail -n +2 |
    sed 's/^/--object /')
expect_in "dispose text" "$(echo "$OU" | wc -l | xargs) object" \
    "$(cat "$W/dispose.out")"
for o in $OU; do
	[ -e "$(opath "$o")" ] && fail "disposed $o: its bytes remain"
	n=$(entries_where object.deleted object "$o")
	[ -n "$n" ] || fail "no object.deleted for $o"
	expect_in "dispose names entry $n" "$o" "$(cat "$W/dispose.out")"
	expect_eq "object.deleted $n" \
	    "$o unlinked unlinked = 6 months $AT7 daemon $(id -un) $(id -u)" \
	    "$(for f in object class rule at approver by uid; do entry_field "$n" $f; done | xargs)"
	expect_eq "object.deleted $n size" \
	    "$(entry_field "$(entries_where segment.sealed object "$o" | head -n 1)" size)" \
	    "$(entry_field "$n" size)"
done
[ -e "$REMUX" ] && fail "disposed $OU1: the console's remux remains"
[ -f "$(opath "$OH")" ] && [ -f "$(opath "$OX")" ] ||
    fail "objects not named lost their bytes"
exits plan 0 c retention plan --at "$AT7" --json
expect_eq "the plan lists them disposed" "$(echo $OU)" "$(python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))
print(" ".join(sorted(o["object"] for o in p["disposed"]
    if o["state"] == "disposed")))' "$W/plan.out")"
exits plantext 0 c retention plan --at "$AT7"
for o in $OU; do
	expect_in "plan text: $o DISPOSED" "$o  " "$(grep DISPOSED "$W/plantext.out")"
done
refused_by again object_disposed "disposed of already" \
    c retention dispose --approver daemon --at "$AT7" \
    --object "$(echo "$OU" | head -n 1)"
exits audit 0 c audit
N1=$(entries_where object.deleted object "$(echo "$OU" | head -n 1)")
expect_in "audit names the disposal" \
    "$(echo "$OU" | head -n 1) disposed of by entry $N1 on $(date -u +%F) under rule unlinked = 6 months" \
    "$(cat "$W/audit.out")"

step "the removal fails after the entry: entry and bytes stay, the restart removes them"
if chattr +i "$(opath "$OX")" 2>/dev/null; then
	exits crash 1 c retention dispose --approver daemon --at "$AT7" \
	    --object "$OX"
	expect_in "dispose says the bytes stayed" "bytes not removed yet" \
	    "$(cat "$W/crash.out")"
	NX=$(entries_where object.deleted object "$OX")
	[ -n "$NX" ] || fail "no object.deleted for $OX"
	[ -f "$(opath "$OX")" ] || fail "$OX: bytes gone though unlink failed"
	chattr -i "$(opath "$OX")" || fail "chattr -i"
	# Out of the dock, so that the restart does not seal them again.
	for cam in CAMU CAMH CAMX; do
		undock_volume "$cam"
	done
	stop_daemon
	start_daemon
	wait_log "removed the bytes of $OX"
	[ -e "$(opath "$OX")" ] && fail "$OX: bytes remain after the restart"
	exits audit2 0 c audit
	expect_in "audit names $OX" "$OX disposed of by entry $NX" \
	    "$(cat "$W/audit2.out")"
else
	echo "skip: chattr +i not supported here (the crash case)"
fi

step "an object removed by hand fails the audit"
exits release 0 c hold release "$HOLD" --reason 结案
chmod u+w "$(dirname "$(opath "$OH")")"
rm -f "$(opath "$OH")" || fail "rm $OH"
"$CUSTOS" -c "$CONF" audit >"$W/audit3.out" 2>&1 &&
    fail "audit exit 0 with $OH removed by hand"
expect_in "audit names the missing object" "$OH" "$(cat "$W/audit3.out")"
case "$(cat "$W/audit3.out")" in
*"$OH disposed of"*) fail "a missing object reported as disposed" ;;
esac
step "an inspection closed without a decision, its footage disposed of"
assign_cameras "$(utc -3600)" CAMI:PA-0001 CAMM:PA-0002
# inspect CAMERA: an inspection of PA-0001 and PA-0002, entered, the
# camera's footage docked (linked to it), left and closed without a
# decision; prints its ID.
inspect() {
	_in=$(c inspection register --enterprise "$USCC" --officer PA-0001 \
	    --officer PA-0002 --basis 安全生产法第六十五条 --content 检查) ||
	    fail "register"
	c inspection enter "$_in" >/dev/null || fail "enter $_in"
	wait_next_second
	dock "$1"
	for _n in $(entries_where segment.sealed camera "$1"); do
		expect_eq "$1 segment $_n linked" "$_in auto" "$(links "$_n")"
	done
	wait_next_second
	c inspection leave "$_in" >/dev/null || fail "leave $_in"
	c inspection close "$_in" --result 责令限期整改 \
	    --deadline 2099-01-31 >/dev/null || fail "close $_in"
	echo "$_in"
}
IA=$(inspect CAMI) || exit 1
IM=$(inspect CAMM) || exit 1
OI=$(objects CAMI)
OM=$(objects CAMM | head -n 1)
[ -n "$OI" ] && [ -n "$OM" ] || fail "no footage of $IA or $IM"
AT2=$(bj '+2 months')
exits disposei 0 c retention dispose --approver daemon --at "$AT2" \
    --object "$(echo "$OI" | head -n 1)" $(echo "$OI" | tail -n +2 |
    sed 's/^/--object /')
NI=$(echo "$OI" | wc -l | xargs)

step "the bundle of $IA: the disposed media left out, MANIFEST says so"
exits exporti 0 c export "$IA" -o "$W/bi" --purpose 复核 --wait 2 \
    --allow-untimestamped
ls "$W/bi/media" 2>/dev/null | grep -q . && fail "disposed media exported"
python3 - "$W/bi" "$S/log.db" <<'PY' || fail "MANIFEST of $IA"
import json, os, sqlite3, sys
b = sys.argv[1]
m = json.load(open(os.path.join(b, "MANIFEST.json")))
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[2], uri=True, timeout=10)
dele = {}
for i, d in db.execute("SELECT idx, data FROM entries ORDER BY idx"):
    e = json.loads(bytes(d))
    if e["type"] == "object.deleted":
        dele[e["object"]] = (i, e)
assert m["items"], "no items"
for it in m["items"]:
    assert "path" not in it, it
    n, e = dele[it["object"]]
    want = {"entry": n, "at": e["time"], "rule": "no_penalty = 1 months"}
    assert it["disposed"] == want, (it["disposed"], want)
    assert os.path.exists(os.path.join(b, "entries", "%d.json" % n)), n
    assert {"index": n, "type": "object.deleted", "role": "disposal"} \
        in m["entries"], n
PY

step "custos-verify: \"disposed\", exit 0, in both languages and JSON"
VK=$S/station.vkey
verify() {	# NAME WANT ARGS...: custos-verify bundle, exits WANT
	_vn=$1 _vw=$2
	shift 2
	exits "$_vn" "$_vw" "$CUSTOS_VERIFY" bundle --key "$VK" \
	    --allow-untimestamped "$@"
}
verify vzh 0 --html "$W/bi.html" "$W/bi"
verify ven 0 --lang en "$W/bi"
verify vjson 0 --json "$W/bi"
for o in $OI; do
	n=$(entries_where object.deleted object "$o")
	day=$(TZ=Asia/Shanghai date -d "$(entry_field "$n" time)" +%F)
	expect_in "en: $o" "disposed of by entry $n on $day under rule no_penalty = 1 months" \
	    "$(cat "$W/ven.out")"
	expect_in "zh: $o" "已由第 $n 条记录于 $day 依规则（no_penalty）保存 1 个月处置" \
	    "$(cat "$W/vzh.out")"
done
expect_in "en: the proven sentence" "$NI more linked segment(s) were disposed of under the retention rules; their hashes remain in the log." \
    "$(cat "$W/ven.out")"
expect_in "zh: the proven sentence" "另有 $NI 个关联片段已依保存期限规则处置" \
    "$(cat "$W/vzh.out")"
python3 "$E2E_TOP/tests/tools/english_runs.py" --allow CAMI "$W/vzh.out" \
    "$W/bi.html" \
    >"$W/runs.out" 2>&1 || fail "English in the zh report: $(cat "$W/runs.out")"
expect_in "HTML: disposed rows" 'class="v-disposed"' "$(cat "$W/bi.html")"
python3 - "$W/vjson.out" "$S/log.db" "$NI" <<'PY' || fail "JSON of $IA"
import json, sqlite3, sys
r = json.load(open(sys.argv[1]))
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[2], uri=True, timeout=10)
dele = {}
for i, d in db.execute("SELECT idx, data FROM entries ORDER BY idx"):
    e = json.loads(bytes(d))
    if e["type"] == "object.deleted":
        dele[e["object"]] = (i, e)
assert r["verdict"] == "proven", r["verdict"]
assert r["counts"]["segments_disposed"] == int(sys.argv[3]), r["counts"]
assert r["counts"]["segments_ok"] == 0, r["counts"]
for s in r["segments"]:
    n, e = dele[s["object"]]
    assert s["verdict"] == "disposed", s
    assert s["disposed"] == {"entry": n, "at": e["time"],
        "rule": "no_penalty = 1 months", "class": "no_penalty",
        "approver": "daemon"}, s["disposed"]
assert all(c["ok"] for c in r["checks"]), [c for c in r["checks"]
    if not c["ok"]]
PY

step "without its object.deleted, or with its proof broken: missing, exit 1"
N1=$(entries_where object.deleted object "$(echo "$OI" | head -n 1)")
cp -R "$W/bi" "$W/bi-noentry"
rm -f "$W/bi-noentry/entries/$N1.json" "$W/bi-noentry/proofs/$N1.proof"
cp -R "$W/bi" "$W/bi-badproof"
python3 - "$W/bi-badproof/proofs/$N1.proof" <<'PY' || fail "break the proof"
import base64, sys
lines = open(sys.argv[1]).read().split("\n")
h = bytearray(base64.b64decode(lines[0]))
h[0] ^= 1
lines[0] = base64.b64encode(bytes(h)).decode()
open(sys.argv[1], "w").write("\n".join(lines))
PY
for b in noentry badproof; do
	verify "v$b" 1 --json "$W/bi-$b"
	expect_eq "$b: segment of entry $N1's object" missing "$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(" ".join(s["verdict"] for s in r["segments"] if s["object"] == sys.argv[2]))' \
	    "$W/v$b.out" "$(echo "$OI" | head -n 1)")"
done

step "$IM: its media removed by hand: missing, exit 1; the station refuses to export it"
exits exportm 0 c export "$IM" -o "$W/bm" --purpose 复核 --wait 2 \
    --allow-untimestamped
verify vm0 0 "$W/bm"
rm -f "$W/bm/media/${OM#sha256:}".*
verify vm 1 --json "$W/bm"
expect_eq "$IM: segment verdict" missing "$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(" ".join(s["verdict"] for s in r["segments"] if s["object"] == sys.argv[2]))' \
    "$W/vm.out" "$OM")"
chmod u+w "$(dirname "$(opath "$OM")")"
rm -f "$(opath "$OM")" || fail "rm $OM"
c export "$IM" -o "$W/bm2" --purpose 复核 --wait 2 --allow-untimestamped \
    >"$W/exportm2.out" 2>&1 && fail "export of $IM with $OM removed by hand"
[ -e "$W/bm2" ] && fail "a bundle was left"
stop_daemon

echo "ok dispose"
