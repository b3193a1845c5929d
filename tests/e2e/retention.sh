#!/bin/sh
# Retention classes and legal holds through the real daemon: footage of a
# camera with no assignment (never linked), of an inspection closed
# without a decision, of one with a served decision, of an open one, and a
# sealed document.  "custos retention plan --at" seven months ahead (text
# and --json) lists only the unlinked footage as disposable, five months
# ahead nothing; with "[retention] no_penalty = 1 months" the footage of
# the inspection closed without a decision is disposable two months
# ahead.  A hold on the camera, on one object and on the inspection takes
# what it covers out of the plan and shows it held by that hold's index;
# "hold release" brings it back; "hold list" shows placed and released
# holds; the refusals by their rule; the hold entries name by and uid.
. "$(dirname "$0")/lib.sh"
station_vars

# dock CAMERA: docks a small volume tagged CAMERA-retention.
dock() {
	footage_small "$W/prep/$1" "$1-retention" || fail "footage $1"
	dock_volume "$1"
}

# objects CAMERA: the sorted objects of CAMERA's segment.sealed entries.
objects() {
	for _n in $(entries_where segment.sealed camera "$1"); do
		entry_field "$_n" object
	done | sort
}

# plan_py CONF DATE PYEXPR: PYEXPR on "custos retention plan --at DATE
# --json" with CONF, as p; disp and held the sorted objects of each list,
# hold the hold index of each held object.
plan_py() {
	"$CUSTOS" -c "$1" retention plan --at "$2" --json >"$W/plan.json" ||
	    fail "retention plan --at $2 --json"
	python3 - "$W/plan.json" "$3" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
disp = " ".join(sorted(o["object"] for o in p["disposable"]))
held = " ".join(sorted(o["object"] for o in p["held"]))
hold = {o["object"]: o["hold"] for o in p["held"]}
print(eval(sys.argv[2]))
PY
}

# json_index NAME: the "index" of $W/NAME.out.
json_index() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["index"])' \
	    "$W/$1.out"
}

# bj DATE-OFFSET: the Beijing date that far from today (date -d words).
bj() {
	TZ=Asia/Shanghai date -d "$1" +%F
}

station_start

step "officers, an enterprise; cameras of three inspections, one unassigned"
registry_basics 6
camera_add CAMU
assign_cameras "$(utc -3600)" CAMA:PA-0001 CAMB:PA-0003 CAMC:PA-0005

step "three inspections entered"
register() {
	c inspection register --enterprise "$USCC" --officer "$1" \
	    --officer "$2" --basis 安全生产法第六十五条 --content 检查 ||
	    fail "register $1"
}
IA=$(register PA-0001 PA-0002)
IB=$(register PA-0003 PA-0004)
IC=$(register PA-0005 PA-0006)
for i in "$IA" "$IB" "$IC"; do
	c inspection enter "$i" >/dev/null || fail "enter $i"
done
wait_next_second

step "footage docked: linked to each, and CAMU's never linked"
for cam in CAMA CAMB CAMC CAMU; do
	dock "$cam"
done
OA=$(objects CAMA)
OB=$(objects CAMB)
OC=$(objects CAMC)
OU=$(objects CAMU)
for v in "$OA" "$OB" "$OC" "$OU"; do
	[ -n "$v" ] || fail "a camera has no segment.sealed"
done
for n in $(entries_where segment.sealed camera CAMU); do
	expect_eq "CAMU segment $n is not linked" "" "$(links "$n")"
done
for n in $(entries_where segment.sealed camera CAMA); do
	expect_eq "CAMA segment $n linked" "$IA auto" "$(links "$n")"
done

step "$IA closed without a decision, $IB with one, $IC left open; a document"
printf 'retention record\n' >"$W/record.txt"
c inspection document "$IA" --kind record --file "$W/record.txt" \
    >/dev/null || fail "document"
wait_next_second
for i in "$IA" "$IB"; do
	c inspection leave "$i" >/dev/null || fail "leave $i"
	c inspection close "$i" --result 责令限期整改 --deadline 2099-01-31 \
	    >/dev/null || fail "close $i"
done
c inspection decision "$IB" --number 闽应急罚〔2026〕9号 \
    --penalty 罚款人民币壹万元 >/dev/null || fail "decision $IB"
DOC=$(entry_field "$(entries_where document.sealed | tail -n 1)" object)
UNL=$(echo $OU)

AT7=$(bj '+7 months')
AT5=$(bj '+5 months')
AT2=$(bj '+2 months')

step "plan at $AT7: only the unlinked footage is disposable"
expect_eq "disposable at $AT7" "$UNL" "$(plan_py "$CONF" "$AT7" disp)"
expect_eq "held at $AT7" "" "$(plan_py "$CONF" "$AT7" held)"
expect_eq "classes at $AT7" \
    "$(echo "$OU" | wc -l) $(echo "$OA" | wc -l) $(echo "$OB" | wc -l) $(echo "$OC" | wc -l) 1" \
    "$(plan_py "$CONF" "$AT7" '" ".join(str(p["classes"][k]["objects"]) for k in ("unlinked", "no_penalty", "penalty", "open", "documents"))')"
expect_eq "every disposable one is unlinked, 6 months, from its sealing" \
    "True" "$(plan_py "$CONF" "$AT7" 'all(o["class"] == "unlinked" and o["period"] == "6 months" and o["state"] == "disposable" and o["disposable_from"] <= p["at"] for o in p["disposable"])')"
expect_eq "the plan's date" "$AT7" "$(plan_py "$CONF" "$AT7" 'p["at"]')"
exits plan7 0 c retention plan --at "$AT7"
expect_in "plan text" "retention plan at $AT7 (nothing is changed)" \
    "$(cat "$W/plan7.out")"
expect_in "plan text count" \
    "disposable: $(echo "$OU" | wc -l) object" "$(cat "$W/plan7.out")"
for o in $OU; do
	expect_in "plan text lists $o" "$o" "$(cat "$W/plan7.out")"
done
for o in $OA $OB $OC $DOC; do
	case "$(cat "$W/plan7.out")" in
	*"$o"*) fail "plan text at $AT7 lists kept object $o" ;;
	esac
done
expect_in "plan text held" "held: 0 objects" "$(cat "$W/plan7.out")"
expect_in "plan text class" "class unlinked (6 months)" \
    "$(cat "$W/plan7.out")"

step "plan at $AT5: nothing"
expect_eq "disposable at $AT5" "0 " \
    "$(plan_py "$CONF" "$AT5" 'str(p["disposable_objects"]) + " " + disp')"
exits plan5 0 c retention plan --at "$AT5"
expect_in "plan text at $AT5" "disposable: 0 objects, 0 bytes" \
    "$(cat "$W/plan5.out")"

step "no_penalty = 1 months: $IA's footage at $AT2, not its document"
cp "$CONF" "$W/short.conf" || fail "copy the config"
printf '[retention]\nno_penalty = 1 months\n' >>"$W/short.conf"
SHORT=$W/short.conf
expect_eq "disposable at $AT2" "$(echo $OA)" "$(plan_py "$SHORT" "$AT2" disp)"
expect_eq "their class" "True" \
    "$(plan_py "$SHORT" "$AT2" 'all(o["class"] == "no_penalty" and o["period"] == "1 months" for o in p["disposable"])')"
expect_eq "disposable at $AT7 with the short config" \
    "$(echo $OA $OU | tr ' ' '\n' | sort | xargs)" \
    "$(plan_py "$SHORT" "$AT7" disp)"

step "refusals: unknown target, unknown hold"
refused_by hold_unknown_cam hold_target_unknown "no camera NOSUCH" \
    c hold add --camera NOSUCH --reason x --reference y
refused_by hold_unknown_obj hold_target_unknown "no object" \
    c hold add --object "sha256:$(printf '%064d' 0)" --reason x \
    --reference y
refused_by hold_unknown_ins hold_target_unknown "no inspection" \
    c hold add --inspection NOSUCH-1 --reason x --reference y
refused_by release_unknown hold_unknown "is not a hold.placed" \
    c hold release 1 --reason x

step "a hold on CAMU takes its footage out of the plan"
exits hold_cam 0 c hold add --camera CAMU --reason 诉讼 \
    --reference "(2026)闽01民初1号" --json
HCAM=$(json_index hold_cam)
expect_eq "hold.placed" "hold.placed camera CAMU 诉讼 (2026)闽01民初1号" \
    "$(for f in type scope target reason reference; do entry_field "$HCAM" $f; done | xargs)"
expect_eq "hold by/uid" "$(id -un) $(id -u)" \
    "$(entry_field "$HCAM" by) $(entry_field "$HCAM" uid)"
expect_eq "hold.placed is no inspection step" False \
    "$("$CUSTOS" -c "$CONF" log entry "$HCAM" | python3 -c 'import json,sys; print("inspection_prev" in json.load(sys.stdin))')"
expect_eq "disposable at $AT7 under the hold" "" "$(plan_py "$CONF" "$AT7" disp)"
expect_eq "held at $AT7" "$UNL" "$(plan_py "$CONF" "$AT7" held)"
expect_eq "held by $HCAM" "True" \
    "$(plan_py "$CONF" "$AT7" "all(v == $HCAM and o['state'] == 'held' for v, o in zip(hold.values(), p['held']))")"
exits plan_held 0 c retention plan --at "$AT7"
expect_in "plan text held" "by hold $HCAM" "$(cat "$W/plan_held.out")"
expect_in "plan text nothing disposable" "disposable: 0 objects" \
    "$(cat "$W/plan_held.out")"

step "hold release brings it back; releasing twice is refused"
exits release_cam 0 c hold release "$HCAM" --reason 结案 --json
RCAM=$(json_index release_cam)
expect_eq "hold.released" "hold.released $HCAM 结案 $(id -un) $(id -u)" \
    "$(for f in type hold reason by uid; do entry_field "$RCAM" $f; done | xargs)"
expect_eq "disposable after the release" "$UNL" "$(plan_py "$CONF" "$AT7" disp)"
refused_by release_twice hold_released "was released by entry $RCAM" \
    c hold release "$HCAM" --reason again

step "a hold on one object and one on $IA"
O1=$(echo "$OU" | head -n 1)
exits hold_obj 0 c hold add --object "$O1" --reason 复核 --reference R-2 --json
HOBJ=$(json_index hold_obj)
expect_eq "object held by $HOBJ" "$HOBJ" \
    "$(plan_py "$CONF" "$AT7" "hold.get('$O1')")"
expect_eq "the rest disposable" "$(echo "$OU" | sed 1d | xargs)" \
    "$(plan_py "$CONF" "$AT7" disp)"
exits hold_ins 0 c hold add --inspection "$IA" --reason 行政复议 \
    --reference R-3 --json
HINS=$(json_index hold_ins)
expect_eq "short config at $AT2: nothing disposable" "" \
    "$(plan_py "$SHORT" "$AT2" disp)"
expect_eq "$IA's footage and document held by $HINS, $O1 by $HOBJ" \
    "$(echo $OA $DOC $O1 | tr ' ' '\n' | sort | xargs) True" \
    "$(plan_py "$SHORT" "$AT2" "held + ' ' + str(all(hold[o] == $HINS for o in '$(echo $OA) $DOC'.split()) and hold['$O1'] == $HOBJ)")"

step "hold list: placed and released"
exits list 0 c hold list
expect_in "list: camera hold released" \
    "hold $HCAM  camera CAMU" "$(cat "$W/list.out")"
expect_in "list: released by" "released by entry $RCAM" "$(cat "$W/list.out")"
expect_in "list: object hold" "hold $HOBJ  object $O1" "$(cat "$W/list.out")"
expect_in "list: inspection hold" "hold $HINS  inspection $IA" \
    "$(cat "$W/list.out")"
expect_in "list: by" "by $(id -un)" "$(cat "$W/list.out")"
expect_eq "list: active ones" 2 "$(grep -c ' active$' "$W/list.out")"
exits list_json 0 c hold list --json
expect_eq "list --json" "$HCAM:$RCAM $HOBJ:None $HINS:None" \
    "$(python3 -c '
import json, sys
print(" ".join("%d:%s" % (h["index"], h.get("released")) for h in json.load(open(sys.argv[1]))["holds"]))' "$W/list_json.out")"

step "the plan changed nothing; the log verifies"
SIZE=$(tree_size)
c retention plan --at "$AT7" >/dev/null || fail "plan"
expect_eq "tree size after a plan" "$SIZE" "$(tree_size)"
out=$(c log verify) || fail "log verify: $out"
stop_daemon
exits plan_stopped 0 c retention plan --at "$AT7" --json
if grep -q "ERROR: AddressSanitizer\|runtime error" custosd.err; then
	fail "sanitizer report"
fi
echo "ok retention"
