#!/bin/sh
# Roles on the control socket (docs/api.md, "Who may do what"): the
# table in docs/api.md agrees with the route table; with [roles], real
# Unix users created for the test are refused outside their role (403
# naming the role, counted in the status) and let in inside it; without
# [roles] the [control] group and root may write and anyone else reads;
# custos export refuses to run without --purpose.
. "$(dirname "$0")/lib.sh"

step "docs/api.md's role table is the route table"
python3 - "$E2E_TOP/daemon/api/router.c" "$E2E_TOP/docs/api.md" <<'PY' || fail "role table"
import re, sys
src = open(sys.argv[1]).read()
tbl = src[src.index("routes[] = {"):]
tbl = tbl[:tbl.index("};")]
names = {"R_NONE": "anyone", "R_OPERATOR": "operator",
    "R_REVIEWER": "reviewer", "R_AUDITOR": "auditor", "R_ADMIN": "admin",
    "R_READ": "operator, reviewer, auditor, admin"}
code = set()
for m in re.finditer(r'\{ HTTP_(\w+),\s*"([^"]+)",\s*([R_A-Z| \t\n]+),', tbl):
    code.add((m.group(1), m.group(2), ", ".join(
        names[x.strip()] for x in m.group(3).split("|"))))
doc = set(re.findall(r'^\| (GET|POST) \| `([^`]+)` \| ([a-z, ]+) \|$',
    open(sys.argv[2]).read(), re.M))
if not code or code != doc:
    for x in sorted(code - doc): print("route not in docs/api.md:", x)
    for x in sorted(doc - code): print("docs/api.md row not a route:", x)
    sys.exit(1)
PY

if [ "$(id -u)" != 0 ]; then
	echo "ok roles (user steps skipped: not running as root)"
	exit 0
fi

cd "$W" || exit 1
tag=cx$$
ROLES="operator reviewer auditor admin"
trap 'role_users_remove "$tag" $ROLES none' EXIT
role_users "$tag" $ROLES none

as() {	# ROLE ARGS...: custos run as the user of ROLE
	_u=${tag}_$1
	shift
	runuser -u "$_u" -- "$CUSTOS" -c "$CONF" "$@"
}

write_conf
cat >>"$CONF" <<EOC
[roles]
operator = ${tag}_goperator
reviewer = ${tag}_greviewer
auditor = ${tag}_gauditor, ${tag}_gadmin
admin = ${tag}_gadmin
EOC
start_daemon
chmod 0711 "$W"
chmod 0644 "$CONF"
chmod 0666 control.sock

refused_role() {	# WHAT ROLE_NEEDED ROLE ARGS...
	_what=$1 _need=$2
	shift 2
	_before=$(tree_size)
	out=$(as "$@" 2>&1)
	expect_eq "$_what: exit status" 1 "$?"
	expect_in "$_what: names the role" "needs the role $_need" "$out"
	expect_eq "$_what: nothing appended" "$_before" "$(tree_size)"
}

step "operator registers; the others may not"
out=$(as operator officer add PA-0001 --name 张伟 --unit u --credential c \
    --valid-until 2027-12-31 2>&1) || fail "operator: officer add: $out"
for r in reviewer auditor admin none; do
	refused_role "$r: officer add" operator "$r" officer add PA-0002 \
	    --name 李娜 --unit u --credential c --valid-until 2027-12-31
done

step "reads: every role, not a user without one"
for r in operator reviewer auditor admin; do
	out=$(as "$r" officer show PA-0001 2>&1) || fail "$r: read: $out"
	expect_in "$r: read" "张伟" "$out"
done
out=$(as none officer show PA-0001 2>&1)
expect_eq "none: read refused" 1 "$?"
expect_in "none: names the roles" \
    "needs the role operator or reviewer or auditor or admin" "$out"

step "the ledger is the auditor's (admin holds auditor here too)"
as auditor ledger >/dev/null 2>&1 || fail "auditor: ledger"
as admin ledger >/dev/null 2>&1 || fail "admin (auditor group): ledger"
out=$(as operator ledger 2>&1)
expect_in "operator: ledger refused" "needs the role auditor" "$out"

step "the calendar reload is the admin's"
out=$(as operator calendar reload 2>&1)
expect_in "operator: reload refused" "needs the role admin" "$out"
out=$(as admin calendar reload 2>&1)
case $out in *"needs the role"*) fail "admin refused: $out" ;; esac

step "refusals are counted in the status"
n=$(c status --json | python3 -c \
    'import json,sys; print(json.load(sys.stdin)["control"]["refused_role"])')
expect_eq "control.refused_role" 7 "$n"

step "the reviewer exports with a purpose and replays: entries name them"
c enterprise add 91350100M000100Y43 --name 福州某化工有限公司 >/dev/null ||
    fail "enterprise add"
c officer add PA-0002 --name 李娜 --unit u --credential c2 \
    --valid-until 2027-12-31 >/dev/null || fail "officer PA-0002"
ID=$(c inspection register --enterprise 91350100M000100Y43 \
    --officer PA-0001 --officer PA-0002 --basis 安全生产法第六十五条 \
    --content 检查) || fail "register: $ID"
for s in enter leave; do
	c inspection "$s" "$ID" >/dev/null || fail "$s"
done
c inspection close "$ID" --result 未发现问题 >/dev/null || fail "close"
# The reviewer reads the log and the store as a station's reviewers do
# (a group with read access to the state directory).
S=$W/state
chmod -R a+rX "$S" || fail "chmod the state directory"
rv=${tag}_reviewer
rvuid=$(id -u "$rv")
purpose="复核 $ID 的执法过程"
install -d -o "$rv" "$W/rv" || fail "the reviewer's directory"
out=$(as reviewer export "$ID" -o "$W/rv/b" --purpose "$purpose" 2>&1) ||
    fail "reviewer: export: $out"
[ -f "$W/rv/b/MANIFEST.json" ] || fail "reviewer: no bundle written"
exported=$(entries_where bundle.exported inspection "$ID")
[ -n "$exported" ] || fail "no bundle.exported of $ID"
expect_eq "bundle.exported: by, uid, purpose" "$rv $rvuid $purpose" \
    "$(entry_field "$exported" by) $(entry_field "$exported" uid) $(entry_field "$exported" purpose)"
out=$(as reviewer replay "$ID" 2>&1) || fail "reviewer: replay: $out"
viewed=$(entries_where inspection.viewed inspection "$ID")
[ -n "$viewed" ] || fail "no inspection.viewed of $ID"
expect_eq "inspection.viewed: what, by, uid" "replay $rv $rvuid" \
    "$(entry_field "$viewed" what) $(entry_field "$viewed" by) $(entry_field "$viewed" uid)"

step "custos audit lists the two accesses: who, what, purpose"
c audit --no-objects >audit.out 2>audit.err ||
    fail "audit: $(cat audit.out audit.err)"
out=$(cat audit.out)
expect_in "text: the count" "accesses: 2" "$out"
expect_in "text: the export" "entry $exported: " "$out"
expect_in "text: the export's line" \
    " $rv (uid $rvuid) bundle of $ID, purpose: $purpose" "$out"
expect_in "text: the replay's line" " $rv (uid $rvuid) replay of $ID" "$out"
[ "$(grep -c '^accesses: ' audit.out)" = 1 ] || fail "one accesses section"
# The section comes before the verdict.
sed -n '/^accesses: /,$p' audit.out | grep -q '^integrity proven' ||
    fail "the accesses are not before the verdict"
c audit --no-objects --json >audit.json 2>audit.err ||
    fail "audit --json: $(cat audit.err)"
python3 - audit.json "$exported" "$viewed" "$rv" "$rvuid" "$ID" \
    "$purpose" <<'EOF' || fail "audit --json accesses"
import json, sys
a = json.load(open(sys.argv[1]))
ex, vw, user, uid, ins, purpose = int(sys.argv[2]), int(sys.argv[3]), \
    sys.argv[4], int(sys.argv[5]), sys.argv[6], sys.argv[7]
acc = a["accesses"]
assert [x["entry"] for x in acc] == [ex, vw], acc
e, v = acc
assert (e["type"], e["user"], e["uid"], e["what"], e["inspection"],
        e["purpose"]) == ("bundle.exported", user, uid, "bundle", ins,
        purpose), e
assert (v["type"], v["user"], v["uid"], v["what"], v["inspection"]) == \
    ("inspection.viewed", user, uid, "replay", ins), v
assert v.get("purpose") is None, v   # given no purpose: null
assert e["time"].endswith("Z") and v["time"].endswith("Z"), acc
EOF

step "views are the reviewer's and the auditor's (the web console's pages)"
au=${tag}_auditor
out=$(as auditor replay "$ID" 2>&1) || fail "auditor: replay: $out"
case $out in *"not logged"*) fail "auditor's view not logged: $out" ;; esac
viewed=$(entries_where inspection.viewed inspection "$ID" | tail -n 1)
expect_eq "inspection.viewed by the auditor" "replay $au" \
    "$(entry_field "$viewed" what) $(entry_field "$viewed" by)"
out=$(as operator replay "$ID" 2>&1)
expect_in "operator: view refused" "needs the role reviewer or auditor" "$out"
stop_daemon

step "without [roles]: the [control] group writes, anyone else reads"
write_conf
printf 'group = %s_goperator\n' "$tag" >>"$CONF"
start_daemon
chmod 0666 control.sock
out=$(as reviewer officer add PA-0003 --name 王五 --unit u --credential c \
    --valid-until 2027-12-31 2>&1)
expect_in "reviewer: may not write" "may not write" "$out"
out=$(as reviewer ledger 2>&1) || fail "reviewer reads as auditor: $out"
out=$(as operator officer add PA-0003 --name 王五 --unit u \
    --credential c --valid-until 2027-12-31 2>&1) ||
    fail "[control] group member writes: $out"

step "custos export requires --purpose"
out=$(c export INS-20990101-0001 -o "$W/x" 2>&1)
expect_eq "exit status" 2 "$?"
expect_in "names the rule" "purpose_required" "$out"
[ -e "$W/x" ] && fail "an output was left"
stop_daemon
echo "ok roles"
