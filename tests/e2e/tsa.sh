#!/bin/sh
# RFC 3161 timestamps of checkpoints with the real daemon and a real TSA
# ("openssl ts -reply" behind tests/tools/tsa_server.py): the token of the
# latest checkpoint is stored and verifies with "openssl ts -verify"
# against the exact checkpoint bytes; POST /v1/checkpoint; with the TSA
# down ingest goes on, status shows the lag, the failure is logged once
# and retried with backoff; back up, the lag goes to 0 by itself; a TSA
# whose certificate does not chain to [tsa] ca is refused; the table is
# append-only and is created in a log that predates it.
. "$(dirname "$0")/lib.sh"
station_vars

# tsa_field FIELD: a member of the "tsa" object of the daemon's status.
tsa_field() {
	c status --json | python3 -c '
import json, sys
v = json.load(sys.stdin)["tsa"][sys.argv[1]]
print("null" if v is None else v)' "$1"
}

# wait_tsa SECONDS PYEXPR: until PYEXPR holds for t, the status's "tsa".
wait_tsa() {
	i=0
	until c status --json | python3 -c '
import json, sys
t = json.load(sys.stdin)["tsa"]
sys.exit(0 if eval("(" + sys.argv[1] + ")") else 1)' "$2"; do
		i=$((i + 1))
		[ $i -gt $(($1 * 10)) ] &&
		    fail "tsa status: not [$2] within $1 s: $(c status --json)"
		sleep 0.1
	done
}

# post_checkpoint: POST /v1/checkpoint on the control socket.
post_checkpoint() {
	curl -sS --unix-socket "$W/control.sock" -X POST \
	    http://localhost/v1/checkpoint || fail "POST /v1/checkpoint"
}

# verify_openssl SIZE: the stored token of SIZE against its exact note.
verify_openssl() {
	c log checkpoint --size "$1" >"$W/ckpt.$1" || fail "checkpoint $1"
	c log timestamp --size "$1" -o "$W/t.$1.tsr" || fail "timestamp $1"
	openssl ts -verify -data "$W/ckpt.$1" -in "$W/t.$1.tsr" \
	    -CAfile "$TSA_CA" >"$W/ossl.out" 2>&1 ||
	    fail "openssl ts -verify of tree size $1: $(cat "$W/ossl.out")"
	expect_in "openssl ts -verify" "Verification: OK" "$(cat "$W/ossl.out")"
}

step "start a TSA and custosd with [tsa]"
start_tsa
write_conf
conf_tsa
start_daemon

step "the checkpoint of the start gets a token"
wait_tsa 10 't["state"] == "ok" and t["timestamped_size"] > 0 and
    t["timestamped_size"] == t["checkpoint_size"] and t["lag_entries"] == 0'
N=$(tsa_field timestamped_size)
expect_eq "url in status" "$TSA_URL" "$(tsa_field url)"
expect_in "log line" "timestamp stored tree_size=$N tsa_time=" \
    "$(cat "$W/custosd.err")"

step "openssl ts -verify accepts it over the exact checkpoint bytes"
verify_openssl "$N"
expect_eq "checkpoint bytes are the note" "$(checkpoint_size)" \
    "$(sed -n 2p "$W/ckpt.$N")"
printf 'x' >>"$W/ckpt.$N"
openssl ts -verify -data "$W/ckpt.$N" -in "$W/t.$N.tsr" \
    -CAfile "$TSA_CA" >/dev/null 2>&1 && fail "verified over other bytes"
c log checkpoint --size "$N" >"$W/ckpt.$N"
openssl ts -verify -data "$W/ckpt.$N" -in "$W/t.$N.tsr" \
    -CAfile "$TSA_DIR/other-ca.pem" >/dev/null 2>&1 &&
    fail "verified against an unrelated CA"

step "custos log timestamp --json says what the token says"
j=$(c log timestamp --json) || fail "log timestamp --json: $j"
expect_eq "tree_size, policy, verified" "$N 1.2.3.4.1 True" \
    "$(echo "$j" | python3 -c 'import json,sys; d=json.load(sys.stdin)
print(d["tree_size"], d["policy"], d["verified"])')"
expect_in "tsa subject" "CN=Custos test TSA" "$j"
out=$(c log timestamp) || fail "log timestamp: $out"
expect_in "text output" "verified yes" "$out"
expect_in "status line" "timestamps:  ok" "$(c status)"

step "POST /v1/checkpoint: nothing new, the token is stored"
expect_eq "answer" "{\"size\": $N, \"timestamp\": \"stored\"}" \
    "$(post_checkpoint | python3 -c 'import json,sys
print(json.dumps(json.load(sys.stdin)))')"

code=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$W/control.sock" \
    http://localhost/v1/checkpoint)
expect_eq "GET /v1/checkpoint" 405 "$code"

step "TSA down: a docked file is still sealed, the lag shows"
touch "$TSA_DIR/down"
footage_small "$W/prep/CAMT" tsa-down || fail "footage"
mv "$W/prep/CAMT" "$D/CAMT" || fail "dock CAMT"
i=0
while [ "$($DL "$S" sessions CAMT)" -lt 1 ]; do
	i=$((i + 1))
	[ $i -gt 900 ] && fail "CAMT: no dock.session in 90 s"
	sleep 0.1
done
expect_eq "segments sealed while the TSA is down" 2 "$($DL "$S" segments)"
a=$(post_checkpoint)
expect_in "POST /v1/checkpoint while down" '"timestamp": "requested"' "$a"
wait_tsa 10 't["state"] == "failing" and t["lag_entries"] > 0 and
    "HTTP 503" in t["last_error"] and t["next_retry_s"] is not None'
expect_eq "timestamped size unchanged" "$N" "$(tsa_field timestamped_size)"
expect_in "status line" "timestamps:  FAILING" "$(c status)"
# Let it retry at least twice more: still one warning in the log.
n0=$(grep -c ' -> 503 ' "$W/tsa.err")
i=0
while [ "$(grep -c ' -> 503 ' "$W/tsa.err")" -lt $((n0 + 2)) ]; do
	i=$((i + 1))
	[ $i -gt 600 ] && fail "no retries with the TSA down"
	sleep 0.1
done
expect_eq "failure warnings in the log" 1 \
    "$(grep -c 'timestamp failed tree_size=' "$W/custosd.err")"

step "TSA up again: the backoff retry clears the lag by itself"
r=$(tsa_field next_retry_s)
[ "$r" != null ] || fail "no retry scheduled"
rm "$TSA_DIR/down"
wait_tsa $((r + 8)) 't["state"] == "ok" and t["lag_entries"] == 0 and
    t["lag_seconds"] == 0 and t["last_error"] is None'
expect_in "recovery logged" "timestamps work again" "$(cat "$W/custosd.err")"
M=$(tsa_field timestamped_size)
[ "$M" -gt "$N" ] || fail "timestamped size $M not past $N"
verify_openssl "$M"

step "the timestamps table is append-only"
sqlite3 "$S/log.db" "UPDATE timestamps SET token = x'00'" 2>/dev/null &&
    fail "UPDATE of a token succeeded"
sqlite3 "$S/log.db" "DELETE FROM timestamps" 2>/dev/null &&
    fail "DELETE of tokens succeeded"
sqlite3 "$S/log.db" "INSERT INTO timestamps (size, token)
    VALUES ($M, x'00')" 2>/dev/null && fail "second token for one size"
sqlite3 "$S/log.db" "INSERT INTO timestamps (size, token)
    VALUES ($((M + 1000)), x'00')" 2>/dev/null &&
    fail "token for a checkpoint that does not exist"
stop_daemon

step "a TSA certificate that does not chain to [tsa] ca is refused"
sed -i "s|^ca = .*|ca = $TSA_DIR/other-ca.pem|" "$CONF"
start_daemon
wait_tsa 10 't["state"] == "failing" and
    "reply does not verify" in t["last_error"]'
expect_eq "nothing stored" "$M" "$(tsa_field timestamped_size)"
stop_daemon

step "a log made before the timestamps table: created on open"
sqlite3 "$S/log.db" "DROP TABLE timestamps" || fail "drop table"
out=$(c log timestamp 2>&1) && fail "log timestamp without the table: $out"
expect_in "read-only, no table" "no checkpoint has an RFC 3161 token" "$out"
sed -i "s|^ca = .*|ca = $TSA_CA|" "$CONF"
start_daemon
wait_tsa 10 't["state"] == "ok" and t["lag_entries"] == 0 and
    t["timestamped_size"] > 0'
verify_openssl "$(tsa_field timestamped_size)"
stop_daemon

step "under valgrind: a token, a failure, a kick, a recovery, a stop"
if command -v valgrind >/dev/null; then
	valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
	    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	    --log-file="$W/valgrind.log" "$CUSTOSD_PLAIN" -f -c "$CONF" \
	    2>>"$W/custosd.err" &
	DPID=$!
	i=0
	while ! c status >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -gt 900 ] && fail "custosd under valgrind: no answer in 90 s"
		sleep 0.1
	done
	wait_tsa 30 't["state"] == "ok" and t["lag_entries"] == 0'
	touch "$TSA_DIR/down"
	c officer add PA-0009 --name "Valgrind Officer" --unit "Test unit" \
	    --credential VG-9 --valid-until 2099-12-31 >/dev/null ||
	    fail "officer add"
	expect_in "kick while down" '"timestamp": "requested"' \
	    "$(post_checkpoint)"
	wait_tsa 30 't["state"] == "failing" and t["lag_entries"] > 0'
	rm "$TSA_DIR/down"
	expect_in "kick when up" '"timestamp": "requested"' \
	    "$(post_checkpoint)"
	wait_tsa 30 't["state"] == "ok" and t["lag_entries"] == 0'
	kill -TERM "$DPID"
	wait "$DPID"
	st=$?
	DPID=
	[ "$st" -eq 0 ] || fail "valgrind exit $st: $(cat "$W/valgrind.log")"
	[ -s "$W/valgrind.log" ] &&
	    fail "valgrind said something: $(cat "$W/valgrind.log")"
else
	echo "valgrind is not installed: skipped"
fi
stop_tsa
c log verify >/dev/null || fail "log verify"
grep -q 'ERROR: AddressSanitizer\|runtime error' "$W/custosd.err" &&
    fail "sanitizer report"
echo "PASS"
