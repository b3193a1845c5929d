# custosd under valgrind through a start, a status request and a clean
# stop: no memory errors and no leaks.
. "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null || fail "valgrind is not installed"
write_conf
valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
    --log-file="$W/valgrind.log" "$CUSTOSD" -f -c "$CONF" \
    2>>"$W/custosd.err" &
DPID=$!
i=0
while ! "$CUSTOS" -c "$CONF" status >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -gt 300 ] && fail "custosd under valgrind did not answer in 30 s"
	sleep 0.1
done
"$CUSTOS" -c "$CONF" status --json >/dev/null || fail "status"
kill -TERM "$DPID"
wait "$DPID"
st=$?
DPID=
[ "$st" -eq 0 ] || { cat "$W/valgrind.log"; fail "valgrind exit $st"; }
[ -s "$W/valgrind.log" ] && { cat "$W/valgrind.log"; fail "valgrind said something"; }
"$CUSTOS" -c "$CONF" log verify >/dev/null || fail "log verify"
echo "valgrind: ok"
