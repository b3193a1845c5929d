#!/bin/sh
# Findings and the ledger (台账) through the real daemon: officers with
# Chinese names, an enterprise whose name has a comma and quotes, a
# registered inspection entered, given a docked camera's footage by hand,
# left and closed; an emergency inspection overdue.  show lists the
# findings (backfill_overdue, no_footage); the ledger CSV starts with a
# BOM, reads back with Python's csv module as utf-8-sig with the quoted
# name intact, has the rows between --from and --to, and agrees with
# --format json.  gap, review and feedback entries join the chain.
. "$(dirname "$0")/lib.sh"
station_vars
NAME='福州"某"化工, 有限公司'

station_start

step "officers, an enterprise with a comma and quotes, a camera"
two_officers 闽 2027-12-31
c enterprise add $USCC --name "$NAME" --risk yellow >/dev/null ||
    fail "enterprise add"
c camera assign CAMI --officer PA-0001 --from 2026-01-01T00:00:00+08:00 \
    >/dev/null || fail "camera assign"

step "a registered inspection with footage"
ID=$(c inspection register --enterprise $USCC --officer PA-0001 \
    --officer PA-0002 --basis '安全生产法第六十五条, "第二款"' \
    --content 危化品储存检查 --method onsite) || fail "register: $ID"
c inspection enter "$ID" --at 2026-11-26T10:00:00+08:00 >/dev/null ||
    fail "enter"
expect_in "entered without footage: no_footage" "no_footage" \
    "$(c inspection show "$ID")"
footage_small "$W/prep/CAMI" CAMI || fail "footage"
dock_volume CAMI
SEG=$(first_segment CAMI)
[ -n "$SEG" ] || fail "no segment.sealed from CAMI"
# The autolinker may have linked it already; linking by hand then refuses
# or adds a second entry, and either way the segment is linked.
c inspection link "$ID" --segment "$SEG" --reason 现场执法记录仪 \
    >/dev/null 2>&1
expect_eq "no no_footage once linked" False \
    "$(ifield "$ID" '"no_footage" in [f["rule"] for f in i["findings"]]')"
c inspection leave "$ID" --at 2026-11-26T11:30:00+08:00 >/dev/null ||
    fail "leave"
# gap, review and feedback have no CLI verbs: POST them to the socket.
api() {	# PATH JSON: prints "CODE BODY"
	curl -s --unix-socket "$SOCK" -o "$W/api.out" -w '%{http_code}' \
	    -H 'Content-Type: application/json' -d "$2" "http://x$1"
	printf ' '
	cat "$W/api.out"
}
SOCK=$W/control.sock
[ -S "$SOCK" ] || SOCK=$S/control.sock
expect_in "gap reason" "201 " "$(api "/v1/inspections/$ID/gap" \
    '{"from":"2026-11-26T10:50:00+08:00","to":"2026-11-26T11:00:00+08:00","reason":"电池更换"}')"
expect_in "gap ending before it starts" "400 " "$(api "/v1/inspections/$ID/gap" \
    '{"from":"2026-11-26T11:00:00+08:00","to":"2026-11-26T10:00:00+08:00","reason":"r"}')"
c inspection close "$ID" --result '发现隐患两处，责令整改' \
    --deadline 2026-12-31 >/dev/null || fail "close"
out=$(c inspection show "$ID")
expect_in "show has a findings line or none" "finding" "$out"

expect_in "gap refused once closed" "409 " "$(api "/v1/inspections/$ID/gap" \
    '{"from":"2026-11-26T10:50:00+08:00","to":"2026-11-26T11:00:00+08:00","reason":"r"}')"
expect_in "review after closing" "201 " "$(api "/v1/inspections/$ID/review" \
    '{"reviewer":"PA-0002","result":"approved","note":"同意"}')"
expect_in "review result checked" "400 " "$(api "/v1/inspections/$ID/review" \
    '{"reviewer":"PA-0002","result":"maybe"}')"
expect_in "feedback after closing" "201 " "$(api "/v1/inspections/$ID/feedback" \
    '{"text":"已收到整改通知"}')"
expect_eq "chain ends with review and feedback" \
    "inspection.gap_reason review.recorded enterprise.feedback" \
    "$(ifield "$ID" '" ".join(e["type"] for e in i["chain"] if e["type"] in ("inspection.gap_reason", "review.recorded", "enterprise.feedback"))')"
expect_in "review after the decision is a finding" "review_after_decision" \
    "$(c inspection show "$ID")"

step "an emergency inspection, overdue"
EM=$(c inspection emergency --enterprise $USCC --officer PA-0001 \
    --officer PA-0002 --at 2026-02-13T10:00:00+08:00) ||
    fail "emergency: $EM"
out=$(c inspection show "$EM")
expect_in "show: backfill_overdue" "finding:      backfill_overdue:" "$out"
expect_in "show: no_footage" "finding:      no_footage:" "$out"
expect_eq "show --json passes findings through" "True True" \
    "$(ifield "$EM" '"backfill_overdue" in [f["rule"] for f in i["findings"]], all(f["entries"] for f in i["findings"])' | tr -d "(),'")"
out=$(c inspection list)
expect_in "list shows a findings count" "$EM" "$out"
n=$(printf '%s\n' "$out" | grep "$EM" | sed 's/.*findings \([0-9]*\).*/\1/')
[ "$n" -ge 2 ] || fail "list: findings count of $EM is $n"

step "ledger CSV"
c ledger --format csv >"$W/all.csv" 2>"$W/err" ||
    c ledger --format csv >"$W/all.csv" || fail "ledger"
expect_eq "BOM" efbbbf "$(head -c 3 "$W/all.csv" | od -An -tx1 | tr -d ' \n')"
python3 - "$W/all.csv" "$ID" "$EM" "$NAME" <<'EOF' || fail "csv check"
import csv, sys
path, ins, em, name = sys.argv[1:5]
raw = open(path, "rb").read()
assert raw.count(b"\r\n") == raw.count(b"\n"), "bare LF line end"
with open(path, encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
head = rows[0]
assert head == ["检查编号", "被检查单位", "统一社会信用代码", "执法人员",
    "检查方式", "检查依据", "检查内容", "进入时间", "离开时间", "检查结果",
    "整改期限", "视频数量", "视频时长(秒)", "发现问题"], head
by = {r[0]: dict(zip(head, r)) for r in rows[1:]}
assert set(by) == {ins, em}, sorted(by)
r = by[ins]
assert r["被检查单位"] == name, r["被检查单位"]
assert r["检查依据"] == '安全生产法第六十五条, "第二款"', r["检查依据"]
assert "张伟(PA-0001)" in r["执法人员"] and "李娜(PA-0002)" in r["执法人员"], r
assert int(r["视频数量"]) >= 1, r
assert float(r["视频时长(秒)"]) > 0, r
assert r["整改期限"] == "2026-12-31", r
assert r["进入时间"] == "2026-11-26T02:00:00.000Z", r
assert "backfill_overdue" in by[em]["发现问题"], by[em]
assert by[em]["视频数量"] == "0", by[em]
EOF

step "ledger --from/--to and --format json"
L() {
	c ledger "$@"
}
out=$(L --from 2026-02-01 --to 2026-02-28 --format json | python3 -c \
    'import json,sys; print(" ".join(r["id"] for r in json.load(sys.stdin)["rows"]))')
expect_eq "February: the emergency only" "$EM" "$out"
out=$(L --from 2026-03-01 --to 2026-03-31 --format csv | python3 -c \
    'import csv,io,sys; print(len(list(csv.reader(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")))))')
expect_eq "March: header only" 1 "$out"
L --format json >"$W/all.json" || fail "ledger json"
python3 - "$W/all.csv" "$W/all.json" <<'EOF' || fail "csv and json disagree"
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
js = json.load(open(sys.argv[2]))["rows"]
assert len(js) == len(rows) - 1, (len(js), len(rows))
for r, j in zip(rows[1:], js):
    assert r[0] == j["id"] and r[1] == j["enterprise_name"], (r, j)
    assert int(r[11]) == j["footage_count"], (r, j)
    assert r[13] == "; ".join(j["findings"]), (r, j)
EOF
out=$(L --from 2026-13-01 2>&1)
[ $? -ne 0 ] || fail "a bad date is refused"

stop_daemon
echo "ledger: ok"
