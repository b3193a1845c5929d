# One full cycle under valgrind's memcheck: custosd starts, a camera is
# docked and sealed, officers, an enterprise and an inspection are
# registered, the footage is linked to it, a document is sealed, the
# inspection is closed and exported (custos under valgrind), the bundle
# is verified (custos-verify under valgrind) and custosd stops cleanly;
# the web console serves its pages, a piece of footage and refusals.
# Any memory error or leak makes valgrind exit 99.  The plain build is
# used: valgrind cannot run the ASan one.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../tools/mkbundle.sh"
command -v valgrind >/dev/null || fail "valgrind is not installed"

# vg_wrap NAME BINARY: $W/vg-NAME runs BINARY under memcheck, one log
# file per process.
vg_wrap() {
	cat >"$W/vg-$1" <<EOF
#!/bin/sh
exec valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \\
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \\
    --log-file="$W/valgrind-$1.%p.log" "$2" "\$@"
EOF
	chmod +x "$W/vg-$1"
}

# vg_clean: every valgrind log is empty.
vg_clean() {
	for f in "$W"/valgrind-*.log; do
		[ -s "$f" ] && { cat "$f"; fail "valgrind said something in $f"; }
	done
	return 0
}

vg_wrap custosd "$CUSTOSD_PLAIN"
vg_wrap custos "$CUSTOS_PLAIN"
vg_wrap custos-verify "$CUSTOS_VERIFY_PLAIN"
CUSTOSD=$W/vg-custosd

step "start, dock, register, link, document, close (custosd under memcheck)"
MKB_CONF=conf_web mkbundle_station
expect_eq "segments linked to $ID" 2 "$("$CUSTOS" -c "$CONF" inspection show \
    "$ID" --json | python3 -c 'import json, sys
print(sum(1 for e in json.load(sys.stdin)["chain"]
    if e["type"] == "evidence.linked"))')"

step "the web console's pages, footage and refusals (custosd under memcheck)"
URL=$(web_url)
SEG=$(first_segment CAM-E01)
[ -n "$SEG" ] || fail "no segment of CAM-E01"
for p in / /station.json /inspections "/inspections?finding=gaps" \
    "/inspections/$ID?lang=en" /ledger /ledger.csv /metrics \
    /static/console.css /nowhere; do
	code=$(curl -s -o /dev/null -w '%{http_code}' "$URL$p")
	case $p in
	/nowhere) expect_eq "GET $p" 404 "$code" ;;
	*) expect_eq "GET $p" 200 "$code" ;;
	esac
done
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Range: bytes=0-99' \
    "$URL/footage/$SEG")
expect_eq "GET /footage/$SEG, bytes 0-99" 206 "$code"
code=$(curl -s -o /dev/null -w '%{http_code}' -d purpose=x \
    "$URL/inspections/$ID/export")
expect_eq "POST export without its CSRF token" 403 "$code"

step "export (custos under memcheck)"
CUSTOS=$W/vg-custos mkbundle_export "$W/bundle"

step "stop"
stop_daemon
stop_tsa

step "verify (custos-verify under memcheck)"
out=$("$W/vg-custos-verify" bundle --key "$W/state/station.vkey" \
    --tsa-ca "$TSA_CA" "$W/bundle" 2>&1)
st=$?
expect_eq "custos-verify exit status" 0 "$st"
expect_in "verdict" "证据完整性已证明" "$out"
vg_clean
n=$(ls "$W"/valgrind-*.log | wc -l)
[ "$n" -ge 3 ] || fail "only $n processes ran under valgrind"
"$CUSTOS" -c "$CONF" log verify >/dev/null || fail "log verify"
echo "valgrind: ok ($n processes clean)"
