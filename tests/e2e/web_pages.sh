#!/bin/sh
# The web console's pages (docs/console.md, "Pages") against the real
# daemon: the station page and station.json show a docked camera with its
# progress and the overdue back-fill as a warning; every page renders in
# Chinese (the default) and in English from the string tables, with one
# h1 and links that keep the language; the inspections list filters by
# state, enterprise, officer, date and finding (an overdue emergency
# inspection is listed with finding=overdue and a plain one is not; an
# inspection left without footage with finding=gaps); /ledger.csv is
# byte for byte what `custos ledger` prints, in both languages and with
# from/to; the audit page shows the verdict and the access a replay
# logged; and, as root with real users, an operator gets 403 naming the
# auditor role for the ledger, its CSV and the audit.
. "$(dirname "$0")/lib.sh"
station_vars

# get NAME PATH: GET as the test's own user (root or the daemon's owner:
# every role), body in $W/NAME.b; prints the status.
get() {
	curl -q -sS -D "$W/$1.h" -o "$W/$1.b" -w '%{http_code}' "$U$2" ||
	    echo "curl-failed-$?"
}
# has NAME TEXT: page NAME holds TEXT.
has() {
	grep -qF -- "$2" "$W/$1.b" || fail "$1: no [$2] in the page"
}
hasnt() {
	! grep -qF -- "$2" "$W/$1.b" || fail "$1: [$2] should not be there"
}
# rows NAME: the data-id of the inspections table's rows, sorted.
rows() {
	python3 -c '
import re, sys
print(" ".join(sorted(re.findall(r"<tr data-id=\"([^\"]+)\"",
    open(sys.argv[1]).read()))))' "$W/$1.b"
}
# page_ok NAME LANG: a whole page in LANG: doctype, <html lang>, one h1,
# the frame, the scripts, no inline style or script.
page_ok() {
	python3 - "$W/$1.b" "$2" <<'PY' || fail "$1: not a whole page in $2"
import re, sys
p = open(sys.argv[1], encoding="utf-8").read()
lang = {"zh": "zh-CN", "en": "en"}[sys.argv[2]]
assert p.startswith("<!DOCTYPE html>"), "doctype"
assert '<html lang="%s">' % lang in p, "html lang"
assert p.count("<h1") == 1, "one h1"
for s in ('<nav id="nav"', '<a id="lang" href=', '<span id="user">',
          '<script src="/static/station.js" defer></script>',
          '<script src="/static/player.js" defer></script>',
          '<link rel="stylesheet" href="/static/console.css">'):
    assert s in p, s
assert not re.search(r"<script(?![^>]*\bsrc=)", p), "inline script"
assert not re.search(r"\sstyle=", p), "inline style"
assert not re.search(r"\son[a-z]+=", p), "inline handler"
if lang == "en":
    # Every link of the page keeps the language (but the switch).
    for h in re.findall(r'<a (?:class="[^"]*" )?href="(/[^"]*)"', p):
        assert "lang=en" in h, "link without lang=en: " + h
PY
}

station_start conf_web
U=$(web_url)

step "officers, an enterprise, three inspections"
two_officers 闽 2099-12-31
c enterprise add $USCC --name 福州某化工有限公司 --risk yellow >/dev/null ||
    fail "enterprise add"
# Overdue: an emergency inspection of February 2026 never back-filled.
OVER=$(c inspection emergency --enterprise $USCC --officer PA-0001 \
    --officer PA-0002 --at 2026-02-13T10:00:00+08:00) ||
    fail "emergency: $OVER"
# Plain: registered, not entered; nothing is late.
PLAIN=$(c inspection register --enterprise $USCC --officer PA-0001 \
    --officer PA-0002 --basis 安全生产法第六十五条 --content 危化品储存检查 \
    --method onsite) || fail "register: $PLAIN"
# Gap: an emergency inspection of the last hour and a half, left without
# footage: the visit is a footage gap.  Its back-fill is not due yet.
GAP=$(c inspection emergency --enterprise $USCC --officer PA-0001 \
    --officer PA-0002 --at "$(utc -5400)") || fail "emergency: $GAP"
c inspection leave "$GAP" --at "$(utc -1800)" >/dev/null || fail "leave"
expect_in "the API sees the gap" footage_gap \
    "$(ifield "$GAP" '[f["rule"] for f in i["findings"]]')"

step "a camera docks: the station page shows it with its progress"
footage_small "$W/prep/CAMW" CAMW || fail "footage"
dock_volume CAMW
expect_eq "GET /" 200 "$(get st /)"
page_ok st zh
has st '<div class="camera" data-camera="CAMW">'
has st '正在接入的记录仪'
python3 - "$W/st.b" <<'PY' || fail "station page: the camera's progress"
import re, sys
p = open(sys.argv[1], encoding="utf-8").read()
cam = p[p.index('data-camera="CAMW"'):]
m = re.search(r'<progress class="bytes" value="(\d+)" max="(\d+)"', cam)
assert m and int(m.group(1)) == int(m.group(2)) > 0, m and m.groups()
f = re.search(r'<span class="files">(\d+)/(\d+)</span>', cam)
assert f and f.group(1) == f.group(2) != "0", f and f.groups()
assert '<span class="state">已完成</span>' in cam, "state"
for s in ('<section id="live"', '<section id="disk"',
          '<section id="checkpoint"', '<ul id="warnings"',
          '<template id="camera-template">'):
    assert s in p, s
assert '<section id="replica"' not in p, "replica without [replica]"
PY
has st '紧急检查逾期未补录'
has st 'href="/inspections?finding=overdue"'
expect_eq "GET /station.json" 200 "$(get sj /station.json?lang=en)"
grep -qi '^Content-Type: application/json' "$W/sj.h" ||
    fail "station.json: Content-Type"
python3 - "$W/sj.b" <<'PY' || fail "station.json"
import json, sys
j = json.load(open(sys.argv[1]))
cam = [c for c in j["cameras"] if c["camera"] == "CAMW"][0]
assert cam["bytes_done"] == cam["bytes_total"] > 0, cam
assert cam["state"] == "done" and cam["state_text"] == "done", cam
assert cam["files_text"] == "%d/%d" % (cam["files_done"], cam["files_total"])
assert cam["rate_text"].endswith("/s"), cam
assert j["checkpoint"]["size"] > 0 and j["checkpoint"]["token"] == "off"
assert "disk" in j and "dock" in j, sorted(j)
w = [x for x in j["warnings"] if x.get("href", "").startswith(
    "/inspections?finding=overdue")]
assert w and w[0]["text"] == "Emergency inspections overdue for back-fill" \
    and w[0]["detail"] == "1", j["warnings"]
PY
expect_eq "GET /?lang=en" 200 "$(get st_en '/?lang=en')"
page_ok st_en en
has st_en 'Cameras docked now'
has st_en '<span class="state">done</span>'

step "the inspections list and its filters"
expect_eq "GET /inspections" 200 "$(get all /inspections)"
page_ok all zh
has all '<form id="filter" method="get"'
has all '<table id="inspections">'
has all "<a class=\"inspection\" href=\"/inspections/$OVER\">"
expect_eq "all three" "$(echo "$GAP $OVER $PLAIN" | tr ' ' '\n' | sort |
    tr '\n' ' ' | sed 's/ $//')" "$(rows all)"
expect_eq "finding=overdue" 200 "$(get od '/inspections?finding=overdue')"
expect_eq "finding=overdue: the overdue one only" "$OVER" "$(rows od)"
has od '逾期'
expect_eq "finding=gaps" 200 "$(get gp '/inspections?finding=gaps')"
expect_eq "finding=gaps: the one left without footage" "$GAP" "$(rows gp)"
expect_eq "finding=red" 200 "$(get rd '/inspections?finding=red')"
expect_eq "finding=red: none" "" "$(rows rd)"
has rd '没有符合条件的检查。'
expect_eq "state=registered" 200 "$(get sr '/inspections?state=registered')"
expect_eq "state=registered: the plain one" "$PLAIN" "$(rows sr)"
get en '/inspections?finding=overdue&lang=en' >/dev/null
page_ok en en
expect_eq "English: the same row" "$OVER" "$(rows en)"
has en 'overdue back-fill'
has en '<input type="hidden" name="lang" value="en">'
has en "href=\"/inspections/$OVER?lang=en\""
get ent "/inspections?enterprise=%E5%8C%96%E5%B7%A5&state=left" >/dev/null
expect_eq "enterprise by part of its name, state=left" "$GAP" "$(rows ent)"
get off '/inspections?officer=PA-0009' >/dev/null
expect_eq "officer nobody is" "" "$(rows off)"
get off2 '/inspections?officer=%E6%9D%8E%E5%A8%9C&finding=overdue' >/dev/null
expect_eq "officer by name (李娜), overdue" "$OVER" "$(rows off2)"
get dt '/inspections?from=2026-02-13&to=2026-02-13' >/dev/null
expect_eq "from/to the day it was entered" "$OVER" "$(rows dt)"
get dt2 '/inspections?from=2026-02-14' >/dev/null
expect_eq "from the day after" "$GAP" "$(rows dt2)"
expect_eq "a date that is not one" 400 "$(get bad '/inspections?from=2026-13-01')"
has bad '<p id="error" role="alert">日期须为 YYYY-MM-DD</p>'
expect_eq "a finding that is not one" 400 \
    "$(get bad2 '/inspections?finding=late&lang=en')"
has bad2 'invalid filter value'

step "the ledger page and /ledger.csv, byte for byte the CLI's"
expect_eq "GET /ledger" 200 "$(get lg /ledger)"
page_ok lg zh
has lg '<table id="ledger">'
has lg '<a id="csv" href="/ledger.csv"'
has lg '<th scope="col">统一社会信用代码</th>'
has lg "<th scope=\"row\">$OVER</th>"
expect_eq "GET /ledger?lang=en" 200 "$(get lg_en '/ledger?lang=en')"
page_ok lg_en en
has lg_en '<th scope="col">USCC</th>'
has lg_en '<a id="csv" href="/ledger.csv?lang=en"'
c ledger >"$W/cli.csv" || fail "custos ledger"
expect_eq "GET /ledger.csv" 200 "$(get csv /ledger.csv)"
cmp "$W/cli.csv" "$W/csv.b" || fail "/ledger.csv differs from custos ledger"
grep -qi '^Content-Type: text/csv' "$W/csv.h" || fail "CSV Content-Type"
grep -qi '^Content-Disposition: attachment' "$W/csv.h" ||
    fail "CSV Content-Disposition"
c ledger --lang en >"$W/cli_en.csv" || fail "custos ledger --lang en"
get csv_en '/ledger.csv?lang=en' >/dev/null
cmp "$W/cli_en.csv" "$W/csv_en.b" ||
    fail "/ledger.csv?lang=en differs from custos ledger --lang en"
c ledger --from 2026-02-13 --to 2026-02-13 >"$W/cli_r.csv" ||
    fail "custos ledger --from --to"
get csv_r '/ledger.csv?from=2026-02-13&to=2026-02-13' >/dev/null
cmp "$W/cli_r.csv" "$W/csv_r.b" || fail "/ledger.csv?from&to differs"
expect_eq "one row in the range" 2 "$(wc -l <"$W/csv_r.b")"
expect_eq "ledger: bad date" 400 "$(get lbad '/ledger.csv?to=yesterday')"

step "the audit page: the verdict and who accessed what"
c replay "$OVER" >/dev/null || fail "replay"
expect_eq "GET /audit" 200 "$(get au /audit)"
page_ok au zh
has au '<section id="audit-summary"'
has au '<table id="accesses">'
has au 'data-verified="true"'
has au '完整性已证明'
python3 - "$W/au.b" "$OVER" <<'PY' || fail "audit: the replay's access"
import re, sys
p = open(sys.argv[1], encoding="utf-8").read()
t = p[p.index('<table id="accesses">'):]
rows = re.findall(r'<tr id="entry-\d+" data-entry="\d+" '
                  r'data-type="inspection.viewed">(.*?)</tr>', t, re.S)
assert any('<td class="what">replay</td>' in r and sys.argv[2] in r
           for r in rows), rows
PY
expect_eq "GET /audit?lang=en" 200 "$(get au_en '/audit?lang=en')"
page_ok au_en en
has au_en 'Integrity proven'
has au_en 'Who accessed what'

if [ "$(id -u)" != 0 ]; then
	stop_daemon
	echo "ok web_pages (the 403 steps skipped: not running as root)"
	exit 0
fi

step "roles: an operator is refused the auditor's pages"
stop_daemon
tag=wpg$$
trap 'role_users_remove "$tag" operator auditor' EXIT
role_users "$tag" operator auditor
cat >>"$CONF" <<EOC
[roles]
operator = ${tag}_goperator
auditor = ${tag}_gauditor
EOC
start_daemon
U=$(web_url)
chmod 0711 "$W"
as() {	# ROLE NAME PATH: GET as the user of ROLE; prints the status
	# The body goes to curl's stdout, opened by root (the user may not
	# open a file of $W); the status to its stderr, which is ours.
	runuser -u "${tag}_$1" -- curl -q -sS -w '%{stderr}%{http_code}' \
	    "$U$3" 2>&1 >"$W/$2.b" || echo "curl-failed-$?"
}
for p in /ledger /ledger.csv /audit; do
	n=op$(echo "$p" | tr -c 'a-z\n' _)
	expect_eq "operator: $p" 403 "$(as operator "$n" "$p?lang=en")"
	has "$n" "needs the role auditor; ${tag}_operator holds operator"
done
expect_eq "operator: the station page" 200 "$(as operator op_st /)"
has op_st '<div class="camera" data-camera="CAMW">'
# An operator's frame links only the pages it may open.
hasnt op_st 'href="/ledger"'
expect_eq "operator: the list" 200 "$(as operator op_in /inspections)"
expect_eq "auditor: /ledger.csv" 200 "$(as auditor au_csv /ledger.csv)"
cmp "$W/cli.csv" "$W/au_csv.b" || fail "the auditor's CSV differs"
expect_eq "auditor: /audit" 200 "$(as auditor au_au /audit)"
has au_au '<table id="accesses">'
stop_daemon
echo "ok web_pages"
