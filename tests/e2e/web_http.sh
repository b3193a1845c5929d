#!/bin/sh
# The web console's server (docs/console.md, "Identity, roles and
# CSRF"): static files embedded in custosd with HTTP Range, the headers
# every answer carries, 404 and 405, keep-alive, the limits of a request;
# then, as root with real Unix users made for the test, the loopback peer
# known by its socket's owner (403 naming the role it lacks), a POST
# refused without or with a wrong CSRF token (after the roles), and TLS
# with client certificates: a CN naming a user gets its roles, no
# certificate is refused, a CN naming no user gets 403, a revoked one
# is refused.
. "$(dirname "$0")/lib.sh"
cd "$W" || exit 1

# http NAME CURL-ARGS...: curl, headers in $W/NAME.h, body in $W/NAME.b;
# prints the status.
http() {
	_h_n=$1
	shift
	curl -sS -D "$W/$_h_n.h" -o "$W/$_h_n.b" -w '%{http_code}' "$@" \
	    2>"$W/$_h_n.err" ||
	    echo "curl-failed-$?"
}
header() {	# NAME HEADER: the header's value in $W/NAME.h
	sed -n "s/^$2: \(.*\)\r$/\1/Ip" "$W/$1.h" | head -1
}
web_status() {	# KEY: status web.KEY
	"$CUSTOS" -c "$CONF" status --json | python3 -c \
	    'import json,sys; print(json.load(sys.stdin)["web"][sys.argv[1]])' \
	    "$1"
}

write_conf
conf_web
start_daemon
U=$(web_url)
case $U in http://127.0.0.1:[1-9]*) ;; *) fail "web_url: [$U]" ;; esac

step "static files are served from the binary, with the common headers"
css=$E2E_TOP/daemon/web/static/console.css
expect_eq "GET /static/console.css" 200 "$(http css "$U/static/console.css")"
cmp -s "$css" "$W/css.b" || fail "console.css differs from the source"
expect_in "Content-Type" "text/css" "$(header css Content-Type)"
expect_eq "Cache-Control of an asset" "max-age=3600" \
    "$(header css Cache-Control)"
check_headers() {	# NAME: the headers every answer carries
	expect_eq "$1: CSP" "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'" \
	    "$(header "$1" Content-Security-Policy)"
	expect_eq "$1: nosniff" nosniff "$(header "$1" X-Content-Type-Options)"
	expect_eq "$1: Referrer-Policy" no-referrer \
	    "$(header "$1" Referrer-Policy)"
	expect_eq "$1: X-Frame-Options" DENY "$(header "$1" X-Frame-Options)"
	header "$1" Server-Timing | grep -qE '^app;dur=[0-9]+\.[0-9]{3}$' ||
	    fail "$1: Server-Timing [$(header "$1" Server-Timing)]"
}
check_headers css

step "HTTP Range on a static file"
expect_eq "Range 10-19" 206 \
    "$(http range -H 'Range: bytes=10-19' "$U/static/console.css")"
expect_eq "Content-Range" "bytes 10-19/$(stat -c %s "$css")" \
    "$(header range Content-Range)"
expect_eq "Accept-Ranges" bytes "$(header range Accept-Ranges)"
expect_eq "the ten bytes" "$(tail -c +11 "$css" | head -c 10 | od -An -tx1)" \
    "$(od -An -tx1 <"$W/range.b")"
expect_eq "Range past the end" 416 \
    "$(http r416 -H 'Range: bytes=999999-' "$U/static/console.css")"
expect_eq "no such asset" 404 "$(http nosuch "$U/static/nosuch.js")"

step "404 and 405, with the common headers"
expect_eq "unknown path" 404 "$(http p404 "$U/no/such/page")"
grep -q 'id="error"' "$W/p404.b" || fail "404 without <p id=error>"
expect_eq "no-store on a page" no-store "$(header p404 Cache-Control)"
check_headers p404
expect_eq "POST /ledger" 405 "$(http p405 -X POST "$U/ledger")"
expect_eq "Allow" "GET, HEAD" "$(header p405 Allow)"
expect_eq "GET of a POST route" 405 "$(http p405b "$U/inspections/x/export")"
expect_eq "Allow of a POST route" POST "$(header p405b Allow)"
check_headers p405

step "keep-alive: two requests on one connection"
a0=$(web_status accepted)
out=$(curl -sS -o /dev/null -o /dev/null -w '%{http_code} %{num_connects}\n' \
    "$U/static/console.css" "$U/static/console.css") || fail "curl keep-alive"
expect_eq "two answers, one connect" "200 1
200 0" "$out"
expect_eq "connections accepted" $((a0 + 1)) "$(web_status accepted)"

step "limits: a head over 16 KiB is 431, a body over 64 KiB 413"
big=$(head -c 17000 /dev/zero | tr '\0' a)
expect_eq "head of 17 kB" 431 \
    "$(http h431 -H "X-Big: $big" "$U/static/console.css")"
head -c 70000 /dev/zero | tr '\0' a >"$W/body"
expect_eq "body of 70 kB" 413 "$(http b413 -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-binary @"$W/body" "$U/inspections/x/export")"
expect_eq "a head under the limit" 200 \
    "$(http h200 -H "X-Big: $(head -c 12000 /dev/zero | tr '\0' a)" \
    "$U/static/console.css")"

step "HEAD, pipelining, and at most 64 connections"
expect_eq "HEAD /static/console.css" 200 \
    "$(http head -I "$U/static/console.css")"
expect_eq "HEAD: the length of GET" "$(stat -c %s "$css")" \
    "$(header head Content-Length)"
python3 - "${U#http://}" <<'PY' || fail "pipelining or the connection limit"
import socket, sys, time
host, port = sys.argv[1].rsplit(":", 1)
addr = (host, int(port))
# Two requests in one write: two answers, in order, on one connection;
# the HEAD's answer has no body (the next status line follows its head).
s = socket.create_connection(addr)
s.sendall(b"HEAD /static/console.css HTTP/1.1\r\nHost: x\r\n\r\n"
          b"GET /static/nosuch HTTP/1.1\r\nHost: x\r\n\r\n")
data = b""
s.settimeout(30)
while data.count(b"HTTP/1.1 ") < 2 or not data.endswith(b"</html>\n"):
    chunk = s.recv(65536)
    assert chunk, "connection closed after %r" % data
    data += chunk
first, rest = data.split(b"\r\n\r\n", 1)
assert first.startswith(b"HTTP/1.1 200 "), first
assert rest.startswith(b"HTTP/1.1 404 "), rest[:100]
s.close()
PY
wait_until 30 "the connection is closed" \
    eval '[ "$(web_status connections)" = 0 ]'
python3 - "${U#http://}" <<'PY' || fail "the connection limit"
import socket, sys
host, port = sys.argv[1].rsplit(":", 1)
addr = (host, int(port))
# 64 connections, each answered once and kept open: the next one is
# closed at once.
held = []
for _ in range(64):
    h = socket.create_connection(addr)
    h.settimeout(30)
    h.sendall(b"HEAD /static/console.css HTTP/1.1\r\nHost: x\r\n\r\n")
    data = b""
    while not data.endswith(b"\r\n\r\n"):
        chunk = h.recv(4096)
        assert chunk, "connection %d closed" % len(held)
        data += chunk
    held.append(h)
extra = socket.create_connection(addr)
extra.settimeout(30)
try:
    got = extra.recv(100)
except ConnectionResetError:
    got = b""
assert got == b"", "the 65th connection was served: %r" % got
for h in held:
    h.close()
PY
wait_until 30 "the 64 connections are closed" \
    eval '[ "$(web_status connections)" = 0 ]'
expect_eq "after the limit: served again" 200 \
    "$(http again "$U/static/console.css")"

if [ "$(id -u)" != 0 ]; then
	stop_daemon
	echo "ok web_http (user and TLS steps skipped: not running as root)"
	exit 0
fi
stop_daemon

tag=wx$$
ROLES="operator reviewer auditor"
trap 'role_users_remove "$tag" $ROLES none' EXIT
role_users "$tag" $ROLES none
roles_conf() {
	cat >>"$CONF" <<EOC
[roles]
operator = ${tag}_goperator
reviewer = ${tag}_greviewer
auditor = ${tag}_gauditor
EOC
}
as() {	# ROLE NAME CURL-ARGS...: http as the user of ROLE
	_as_u=${tag}_$1 _as_n=$2
	shift 2
	# -q: no ~/.curlrc (the users have no home, and curl 7.88 crashes
	# when it cannot write its header file: the directory is theirs).
	rm -f "$W/u/$_as_n.h" "$W/u/$_as_n.b"
	runuser -u "$_as_u" -- curl -q -sS -D "$W/u/$_as_n.h" \
	    -o "$W/u/$_as_n.b" -w '%{http_code}' "$@" || echo "curl-failed-$?"
	cp "$W/u/$_as_n.h" "$W/$_as_n.h" 2>/dev/null
	cp "$W/u/$_as_n.b" "$W/$_as_n.b" 2>/dev/null
}
error_of() {	# NAME: the text of <p id="error">
	python3 -c '
import html, re, sys
m = re.search(r"<p id=\"error\"[^>]*>(.*?)</p>", open(sys.argv[1]).read(), re.S)
print(html.unescape(m.group(1)) if m else "")' "$W/$1.b"
}

write_conf
conf_web
roles_conf
start_daemon
U=$(web_url)
chmod 0711 "$W"
mkdir -m 1777 "$W/u" || fail "mkdir u"

step "loopback: the socket's owner is the user; 403 names the role"
op=${tag}_operator
expect_eq "operator: /ledger" 403 "$(as operator l1 "$U/ledger?lang=en")"
expect_eq "operator: /ledger names the role" \
    "needs the role auditor; $op holds operator" "$(error_of l1)"
expect_eq "operator: /inspections/1 (zh)" 403 \
    "$(as operator i1 "$U/inspections/1")"
expect_eq "operator: the roles in Chinese" \
    "需要角色 reviewer 或 auditor；您（$op）的角色：operator" "$(error_of i1)"
code=$(as operator st "$U/")
[ "$code" != 403 ] || fail "operator refused the station page: $(error_of st)"
code=$(as auditor l2 "$U/ledger")
[ "$code" != 403 ] || fail "auditor refused the ledger: $(error_of l2)"
expect_eq "no role: /" 403 "$(as none n1 "$U/?lang=en")"
expect_eq "no role: names the roles" \
    "needs the role operator, reviewer, auditor or admin; ${tag}_none holds no role" \
    "$(error_of n1)"
expect_eq "no role: /metrics" 403 "$(as none n2 "$U/metrics?lang=en")"
expect_in "no role: /metrics names metrics" "auditor or metrics" \
    "$(error_of n2)"
expect_eq "no role: /static still served" 200 \
    "$(as none n3 "$U/static/console.css")"
expect_eq "refused_role counted" 4 "$(web_status refused_role)"

step "CSRF: a POST without or with a wrong token is refused, after roles"
form='-H Content-Type:application/x-www-form-urlencoded'
expect_eq "operator: export (role first)" 403 \
    "$(as operator c1 $form --data 'purpose=x' "$U/inspections/1/export?lang=en")"
expect_in "operator: names reviewer, not CSRF" "needs the role reviewer" \
    "$(error_of c1)"
expect_eq "reviewer: no token" 403 \
    "$(as reviewer c2 $form --data 'purpose=x' "$U/inspections/1/export?lang=en")"
expect_in "reviewer: no token names CSRF" "CSRF" "$(error_of c2)"
expect_eq "reviewer: wrong token" 403 \
    "$(as reviewer c3 $form --data 'csrf=00112233445566778899aabbccddeeff&purpose=x' \
    "$U/inspections/1/export")"
expect_in "reviewer: wrong token names CSRF" "CSRF" "$(error_of c3)"
expect_eq "reviewer: a clip without a token" 403 \
    "$(as reviewer c4 $form --data 'segment=1' "$U/inspections/1/clip")"
expect_eq "refused_csrf counted" 3 "$(web_status refused_csrf)"

step "delegation: the console's export is logged in the reviewer's name"
c enterprise add 91350100M000100Y43 --name 福州某化工有限公司 >/dev/null ||
    fail "enterprise add"
for o in PA-0001 PA-0002; do
	c officer add "$o" --name 张伟 --unit u --credential "c$o" \
	    --valid-until 2027-12-31 >/dev/null || fail "officer $o"
done
ID=$(c inspection register --enterprise 91350100M000100Y43 \
    --officer PA-0001 --officer PA-0002 --basis 安全生产法第六十五条 \
    --content 检查) || fail "register: $ID"
for s in enter leave; do
	c inspection "$s" "$ID" >/dev/null || fail "$s"
done
c inspection close "$ID" --result 未发现问题 >/dev/null || fail "close"
expect_eq "reviewer: the inspection page" 200 \
    "$(as reviewer ip "$U/inspections/$ID?lang=en")"
tok=$(python3 -c '
import re, sys
f = re.search(r"<form id=\"export\".*?</form>", open(sys.argv[1]).read(), re.S)
m = f and re.search(r"name=\"csrf\" value=\"([0-9a-f]{32})\"", f.group(0))
print(m.group(1) if m else "")' "$W/ip.b")
[ -n "$tok" ] || fail "no CSRF token in the export form"
expect_eq "reviewer: export with the token" 303 \
    "$(as reviewer ex $form --data "csrf=$tok&purpose=console+review" \
    "$U/inspections/$ID/export?lang=en")"
S=$W/state
rv=${tag}_reviewer
exported=$(entries_where bundle.exported inspection "$ID")
[ -n "$exported" ] || fail "no bundle.exported of $ID"
expect_eq "bundle.exported: by, uid, purpose" \
    "$rv $(id -u "$rv") console review" \
    "$(entry_field "$exported" by) $(entry_field "$exported" uid) $(entry_field "$exported" purpose)"
expect_eq "an auditor with a reviewer's token: 403 (the role)" 403 \
    "$(as auditor ex2 $form --data "csrf=$tok&purpose=x" \
    "$U/inspections/$ID/export?lang=en")"
stop_daemon

step "TLS: a client certificate's CN is the user"
P=$W/pki
sh "$TSA_TOOLS/mkcerts.sh" "$P" "${tag}_auditor" "${tag}_operator" nosuchuser \
    >/dev/null 2>&1 || fail "mkcerts.sh"
write_conf
conf_web pki
echo "crl = pki/crl.pem" >>"$CONF"
roles_conf
start_daemon
U=$(web_url)
case $U in https://127.0.0.1:[1-9]*) ;; *) fail "web_url with TLS: [$U]" ;; esac
tls() {	# NAME CERT CURL-ARGS...
	_t_n=$1 _t_c=$2
	shift 2
	http "$_t_n" --cacert "$P/ca.pem" --cert "$P/$_t_c.pem" \
	    --key "$P/$_t_c.key" "$@"
}
code=$(tls t1 "${tag}_auditor" "$U/ledger")
[ "$code" != 403 ] && [ "${code#curl}" = "$code" ] ||
    fail "auditor's certificate: $code $(error_of t1)"
check_headers t1
expect_eq "operator's certificate: /ledger" 403 \
    "$(tls t2 "${tag}_operator" "$U/ledger?lang=en")"
expect_eq "operator's certificate: names the role" \
    "needs the role auditor; ${tag}_operator holds operator" "$(error_of t2)"
expect_eq "CN of no user" 403 "$(tls t3 nosuchuser "$U/?lang=en")"
expect_in "CN of no user: says so" \
    "certificate CN nosuchuser names no user of this station" "$(error_of t3)"
code=$(http t4 --cacert "$P/ca.pem" "$U/static/console.css")
expect_in "no certificate: refused" curl-failed "$code"
code=$(tls t5 revoked "$U/static/console.css")
expect_in "revoked certificate: refused" curl-failed "$code"
code=$(http t6 --cacert "$P/ca.pem" --cert "$P/rogue.pem" \
    --key "$P/rogue.key" "$U/static/console.css")
expect_in "another CA's certificate: refused" curl-failed "$code"
log_has "web: peer=127.0.0.1:[0-9]+ refused: TLS handshake failed" ||
    fail "the refused handshakes are not logged"
expect_eq "TLS: static with a certificate" 200 \
    "$(tls t7 "${tag}_auditor" "$U/static/console.css")"
cmp -s "$css" "$W/t7.b" || fail "console.css over TLS differs"
out=$(curl -sS --cacert "$P/ca.pem" --cert "$P/${tag}_auditor.pem" \
    --key "$P/${tag}_auditor.key" -o /dev/null -o /dev/null \
    -w '%{http_code} %{num_connects}\n' "$U/static/console.css" \
    "$U/ledger.csv") || fail "curl TLS keep-alive"
expect_eq "TLS keep-alive: two answers, one connect" "200 1
200 0" "$out"
stop_daemon
echo "ok web_http"
