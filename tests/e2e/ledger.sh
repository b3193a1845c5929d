#!/bin/sh
# Findings and the ledger (台账) through the real daemon: officers with
# Chinese names, an enterprise whose name has a comma and quotes, a
# registered inspection entered, given a docked camera's footage by hand,
# left and closed, reviewed by a legal reviewer, its penalty decision
# served with the credit-repair notice and a credit-repair application
# answered late; an emergency inspection overdue.  show lists the
# findings (backfill_overdue, no_footage, credit_repair_overdue); the
# ledger CSV starts with a BOM, reads back with Python's csv module as
# utf-8-sig with the quoted name intact, has Beijing times and Chinese
# labels (--lang en: English headings, codes and UTC times), the decision
# and credit-repair columns, the rows between --from and --to, and agrees
# with --format json.  gap, review and feedback entries join the chain.
. "$(dirname "$0")/lib.sh"
station_vars
NAME='福州"某"化工, 有限公司'

station_start

step "officers, a legal reviewer, an enterprise, a camera"
two_officers 闽 2027-12-31
c officer add PA-0009 --name 王法 --unit 法制科 --credential 闽009 \
    --valid-until 2027-12-31 >/dev/null || fail "officer PA-0009"
c enterprise add $USCC --name "$NAME" --risk yellow >/dev/null ||
    fail "enterprise add"
c camera assign CAMI --officer PA-0001 --from 2026-01-01T00:00:00+08:00 \
    >/dev/null || fail "camera assign"

step "a registered inspection with footage"
ID=$(c inspection register --enterprise $USCC --officer PA-0001 \
    --officer PA-0002 --basis '安全生产法第六十五条, "第二款"' \
    --content 危化品储存检查 --method onsite) || fail "register: $ID"
# Entered and left now: a registered inspection cannot enter before its
# registration, so the times the ledger shows come from the daemon.
c inspection enter "$ID" >/dev/null || fail "enter"
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
c inspection leave "$ID" >/dev/null || fail "leave"
# What the API answers to a gap or a review: POST them to the socket.
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
expect_in "review by one of its officers refused" "409 " \
    "$(api "/v1/inspections/$ID/review" \
    '{"reviewer":"PA-0002","result":"approved","note":"同意"}')"
c inspection review "$ID" --reviewer PA-0009 --result approved \
    --opinion 同意 >/dev/null || fail "review after closing"
expect_in "review result checked" "400 " "$(api "/v1/inspections/$ID/review" \
    '{"reviewer":"PA-0009","result":"maybe"}')"
expect_in "feedback after closing" "201 " "$(api "/v1/inspections/$ID/feedback" \
    '{"text":"已收到整改通知"}')"
expect_eq "chain ends with review and feedback" \
    "inspection.gap_reason review.recorded enterprise.feedback" \
    "$(ifield "$ID" '" ".join(e["type"] for e in i["chain"] if e["type"] in ("inspection.gap_reason", "review.recorded", "enterprise.feedback"))')"
# No penalty decision yet: closing is the decision, and the review came
# after it.
expect_in "review after closing is a finding" "review_after_decision" \
    "$(c inspection show "$ID")"

step "the penalty decision with its notice, a credit repair answered"
c inspection decision "$ID" --number '闽应急罚〔2026〕12号' \
    --penalty 罚款一万元 --credit-notice '闽应急信告〔2026〕12号' \
    >/dev/null || fail "decision"
c inspection credit-repair apply "$ID" --text 申请信用修复 >/dev/null ||
    fail "credit-repair apply"
c inspection credit-repair answer "$ID" --result granted --note 准予修复 \
    >/dev/null || fail "credit-repair answer"
PROC='" ".join(sorted(set(f["rule"] for f in i["findings"]) & {"review_after_decision", "credit_notice_missing", "credit_repair_overdue"}))'
expect_eq "reviewed before the decision, notice served, answered in time" \
    "" "$(ifield "$ID" "$PROC")"

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
# Its decision served without the notice, a credit repair received on
# Tuesday 2026-02-24 (due 2026-02-27 24:00 Beijing) and answered now.
c inspection decision "$EM" --number '闽应急罚〔2026〕3号' --penalty 警告 \
    --at 2026-02-14T10:00:00+08:00 >/dev/null || fail "decision of $EM"
c inspection credit-repair apply "$EM" --text 申请信用修复 \
    --at 2026-02-24T09:00:00+08:00 >/dev/null || fail "apply of $EM"
c inspection credit-repair answer "$EM" --result refused >/dev/null ||
    fail "answer of $EM"
expect_eq "no review, no notice, answered late" \
    "credit_notice_missing credit_repair_overdue review_after_decision" \
    "$(ifield "$EM" "$PROC")"

step "ledger CSV: Beijing time, Chinese labels"
c ledger --format csv >"$W/all.csv" 2>"$W/err" ||
    c ledger --format csv >"$W/all.csv" || fail "ledger"
c ledger --format json >"$W/all.json" || fail "ledger json"
expect_eq "BOM" efbbbf "$(head -c 3 "$W/all.csv" | od -An -tx1 | tr -d ' \n')"
python3 - "$W/all.csv" "$W/all.json" "$ID" "$EM" "$NAME" <<'EOF' ||
import csv, datetime, json, sys
path, jpath, ins, em, name = sys.argv[1:6]
raw = open(path, "rb").read()
assert raw.count(b"\r\n") == raw.count(b"\n"), "bare LF line end"
with open(path, encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
js = {j["id"]: j for j in json.load(open(jpath))["rows"]}
def beijing(utc):	# the API's UTC time as the Chinese ledger shows it
    t = datetime.datetime.strptime(utc, "%Y-%m-%dT%H:%M:%S.%fZ")
    return (t + datetime.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")
head = rows[0]
assert head == ["检查编号", "被检查单位", "统一社会信用代码", "执法人员",
    "检查方式", "检查依据", "检查内容", "状态", "进入时间(北京时间)",
    "离开时间(北京时间)", "检查结果", "整改期限", "法制审核",
    "处罚决定书文号", "处罚决定送达时间(北京时间)", "信用修复告知书",
    "信用修复申请时间(北京时间)", "信用修复答复时间(北京时间)",
    "信用修复结果", "视频数量", "视频时长(秒)", "发现问题"], head
by = {r[0]: dict(zip(head, r)) for r in rows[1:]}
assert set(by) == {ins, em}, sorted(by)
r, j = by[ins], js[ins]
assert r["被检查单位"] == name, r["被检查单位"]
assert r["检查依据"] == '安全生产法第六十五条, "第二款"', r["检查依据"]
assert "张伟(PA-0001)" in r["执法人员"] and "李娜(PA-0002)" in r["执法人员"], r
assert int(r["视频数量"]) >= 1, r
assert float(r["视频时长(秒)"]) > 0, r
assert r["整改期限"] == "2026-12-31", r
cr = j["credit_repairs"][0]
want = {"检查方式": "现场检查", "状态": "已结案",
    "进入时间(北京时间)": beijing(j["entered_at"]),
    "离开时间(北京时间)": beijing(j["left_at"]), "法制审核": "通过",
    "处罚决定书文号": "闽应急罚〔2026〕12号",
    "处罚决定送达时间(北京时间)": beijing(j["decision"]["at"]),
    "信用修复告知书": "闽应急信告〔2026〕12号",
    "信用修复申请时间(北京时间)": beijing(cr["at"]),
    "信用修复答复时间(北京时间)": beijing(cr["answered"]["at"]),
    "信用修复结果": "准予修复"}
for k, v in want.items():
    assert r[k] == v, (k, r[k], v)
e = by[em]
want = {"状态": "检查中", "检查方式": "现场检查", "法制审核": "",
    "进入时间(北京时间)": "2026-02-13 10:00:00", "离开时间(北京时间)": "",
    "处罚决定书文号": "闽应急罚〔2026〕3号",
    "处罚决定送达时间(北京时间)": "2026-02-14 10:00:00",
    "信用修复告知书": "", "信用修复申请时间(北京时间)": "2026-02-24 09:00:00",
    "信用修复结果": "不予修复", "视频数量": "0"}
for k, v in want.items():
    assert e[k] == v, (k, e[k], v)
assert "backfill_overdue" in e["发现问题"], e
assert "credit_repair_overdue" in e["发现问题"].split("; "), e
EOF
    fail "csv check"

step "ledger --lang en: English headings, codes, UTC times"
c ledger --lang en >"$W/en.csv" || fail "ledger --lang en"
expect_eq "BOM in English too" efbbbf \
    "$(head -c 3 "$W/en.csv" | od -An -tx1 | tr -d ' \n')"
python3 - "$W/en.csv" "$W/all.json" "$ID" "$EM" <<'EOF' ||
import csv, json, sys
path, jpath, ins, em = sys.argv[1:5]
with open(path, encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
js = {j["id"]: j for j in json.load(open(jpath))["rows"]}
head = rows[0]
assert head == ["Inspection", "Enterprise", "USCC", "Officers", "Method",
    "Basis", "Content", "State", "Entered (UTC)", "Left (UTC)", "Result",
    "Rectification deadline", "Legal review", "Decision number",
    "Decision served (UTC)", "Credit-repair notice",
    "Credit repair applied (UTC)", "Credit repair answered (UTC)",
    "Credit repair result", "Footage count", "Footage duration (s)",
    "Findings"], head
by = {row[0]: dict(zip(head, row)) for row in rows[1:]}
r, j = by[ins], js[ins]
want = {"Method": "onsite", "State": "closed",
    "Entered (UTC)": j["entered_at"], "Left (UTC)": j["left_at"],
    "Legal review": "approved", "Credit repair result": "granted",
    "Decision served (UTC)": j["decision"]["at"]}
for k, v in want.items():
    assert r[k] == v, (k, r[k], v)
e = by[em]
want = {"State": "entered", "Entered (UTC)": "2026-02-13T02:00:00.000Z",
    "Credit repair applied (UTC)": "2026-02-24T01:00:00.000Z",
    "Credit repair result": "refused"}
for k, v in want.items():
    assert e[k] == v, (k, e[k], v)
EOF
    fail "English csv check"
out=$(c ledger --lang fr 2>&1)
[ $? -eq 2 ] || fail "--lang fr is a usage error: $out"

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
python3 - "$W/all.csv" "$W/all.json" "$ID" "$EM" <<'EOF' ||
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
js = json.load(open(sys.argv[2]))["rows"]
assert len(js) == len(rows) - 1, (len(js), len(rows))
head = rows[0]
for r, j in zip(rows[1:], js):
    r = dict(zip(head, r))
    assert r["检查编号"] == j["id"], (r, j)
    assert r["被检查单位"] == j["enterprise_name"], (r, j)
    assert int(r["视频数量"]) == j["footage_count"], (r, j)
    assert r["发现问题"] == "; ".join(j["findings"]), (r, j)
js = {j["id"]: j for j in js}
d = js[sys.argv[3]]["decision"]
assert d["number"] == "闽应急罚〔2026〕12号", d
assert d["credit_notice"] == "闽应急信告〔2026〕12号", d
assert [v["result"] for v in js[sys.argv[3]]["reviews"]] == ["approved"]
(cr,) = js[sys.argv[3]]["credit_repairs"]
assert cr["answered"]["result"] == "granted" and cr["overdue"] is False, cr
d = js[sys.argv[4]]["decision"]
assert d["at"] == "2026-02-14T02:00:00.000Z" and "credit_notice" not in d, d
(cr,) = js[sys.argv[4]]["credit_repairs"]
assert cr["at"] == "2026-02-24T01:00:00.000Z", cr
assert cr["due"] == "2026-02-27T16:00:00.000Z", cr
assert cr["answered"]["result"] == "refused" and cr["overdue"] is True, cr
EOF
    fail "csv and json disagree"
out=$(L --from 2026-13-01 2>&1)
[ $? -ne 0 ] || fail "a bad date is refused"

stop_daemon
echo "ledger: ok"
