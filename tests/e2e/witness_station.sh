#!/bin/sh
# Two stations and one witness (c2sp.org/tlog-witness): the real
# "custos witness serve" cosigns the checkpoints of both custosd; a bundle
# of station 1 (a closed inspection with real footage and a real RFC 3161
# token, tests/tools/mkbundle.sh) carries the cosignature in its
# checkpoint and verifies with custos-verify --witness, and fails with
# another witness's key; then station 2 is forked (an older copy of its
# state directory restored, and different entries appended and signed
# with its own key): the witness refuses it, custos status names the
# conflict, an export waits for a cosignature in vain, and the bundle the
# forked station exports anyway fails custos-verify --witness.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../tools/mkbundle.sh"
station_vars

WPID=
S2PID=
S2=$W/s2
S2CONF=$S2/custos.conf

cleanup() {
	[ -n "$S2PID" ] && kill -9 "$S2PID" 2>/dev/null
	[ -n "$DPID" ] && kill -9 "$DPID" 2>/dev/null
	[ -n "$WPID" ] && kill -TERM "$WPID" 2>/dev/null && wait "$WPID"
	stop_tsa
}
trap cleanup EXIT

# s2 ARGS...: the operator CLI on station 2.
s2() {
	"$CUSTOS" -c "$S2CONF" "$@"
}

# witness_py CONF PYEXPR: PYEXPR on the status's first witness, as w, and
# the whole status as d.
witness_py() {
	"$CUSTOS" -c "$1" status --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
w = d["witnesses"][0]
print(eval(sys.argv[1]))' "$2"
}

witness_is() {	# CONF PYEXPR
	[ "$(witness_py "$1" "$2" 2>/dev/null)" = True ]
}

# cosigned CONF: the witness cosigned the station's latest checkpoint.
cosigned() {
	witness_is "$1" 'w["state"] == "ok" and w["cosigned_size"] == d["checkpoint_size"] and d["checkpoint_size"] == d["tree_size"]'
}

_witness_listens() {
	grep -q listening "$W/witness.err" 2>/dev/null && return 0
	kill -0 "$WPID" 2>/dev/null ||
	    fail "custos witness serve exited: $(cat "$W/witness.err")"
	return 1
}

_s2_answers() {
	s2 status >/dev/null 2>&1 && return 0
	kill -0 "$S2PID" 2>/dev/null ||
	    fail "station 2's custosd exited: $(cat "$S2/custosd.err")"
	return 1
}

s2_start() {
	(cd "$S2" && exec "$CUSTOSD" -f -c "$S2CONF" 2>>"$S2/custosd.err") &
	S2PID=$!
	wait_until 60 "station 2 answers" _s2_answers
}

s2_stop() {
	kill -TERM "$S2PID"
	wait "$S2PID"
	_st=$?
	S2PID=
	expect_eq "station 2's custosd exit status" 0 "$_st"
}

conf_witness() {	# CONF
	cat >>"$1" <<EOC
[witness witness.example/w1]
url = http://127.0.0.1:$WPORT
key = $W/w1.vkey
EOC
}

step "keys: two stations, the witness, another witness"
mkdir -p "$W/state" "$S2/state" "$S2/dock" || fail "mkdir"
exits keygen1 0 "$CUSTOS" keygen e2e.example/station -o "$W/state/station"
exits keygen2 0 "$CUSTOS" keygen e2e.example/station2 -o "$S2/state/station"
exits wkeygen 0 "$CUSTOS" witness keygen witness.example/w1 -o "$W/w1"
exits wkeygen2 0 "$CUSTOS" witness keygen witness.example/w2 -o "$W/w2"

step "the witness serves both stations"
WPORT=$(free_port)
"$CUSTOS" witness serve --listen "127.0.0.1:$WPORT" --key "$W/w1.key" \
    --db "$W/witness.db" --log "$W/state/station.vkey" \
    --log "$S2/state/station.vkey" 2>"$W/witness.err" &
WPID=$!
wait_until 10 "the witness listens" _witness_listens

step "station 1: a closed inspection, checkpoints cosigned"
# mkbundle_station writes the config and adds the [tsa] section with
# conf_tsa; the station's [witness] section goes with it.
conf_tsa() {
	cat >>"$CONF" <<EOC
[tsa]
url = $TSA_URL
ca = $TSA_CA
EOC
	conf_witness "$CONF"
}
mkbundle_station
wait_until 60 "station 1's latest checkpoint cosigned" cosigned "$CONF"
c log checkpoint >"$W/cp1" || fail "log checkpoint"
expect_in "log checkpoint carries the cosignature" "— witness.example/w1 " \
    "$(cat "$W/cp1")"
expect_eq "log checkpoint --json lists it" witness.example/w1 \
    "$(c log checkpoint --json | python3 -c \
    'import json,sys; print(json.load(sys.stdin)["cosignatures"][0]["witness"])')"
expect_in "custos status" "witness:     witness.example/w1 ok, tree size" \
    "$(c status)"
exits cp1 0 "$CUSTOS_VERIFY" checkpoint --key "$W/state/station.vkey" \
    --witness "$W/w1.vkey" "$W/cp1"
expect_in "checkpoint --witness" "cosigned by 1 of the 1 given witnesses" \
    "$(cat "$W/cp1.out")"
exits cp1other 1 "$CUSTOS_VERIFY" checkpoint --key "$W/state/station.vkey" \
    --witness "$W/w2.vkey" "$W/cp1"
expect_in "checkpoint, another witness" "witness.example/w2" \
    "$(cat "$W/cp1other.out")"

step "station 1: the bundle carries the cosigned checkpoint"
mkbundle_export "$W/b1"
expect_in "export says who cosigned" "cosigned by witness.example/w1" \
    "$(cat "$W/export.out")"
expect_eq "signature lines in the bundle's checkpoint" 2 \
    "$(grep -c '^— ' "$W/b1/checkpoint")"
grep -q '^— witness.example/w1 ' "$W/b1/checkpoint" ||
    fail "the bundle's checkpoint has no line of witness.example/w1"
# The token is over the note as the station signed it: generic tools
# check it on the checkpoint without the witness's line (docs/witness.md).
awk 'p && !/^— e2e.example\/station /{next} /^$/{p=1} {print}' \
    "$W/b1/checkpoint" >"$W/b1.signed"
expect_eq "the note without the cosignature" 1 \
    "$(grep -c '^— ' "$W/b1.signed")"
out=$(openssl ts -verify -data "$W/b1.signed" -in "$W/b1/checkpoint.tsr" \
    -CAfile "$TSA_CA" 2>&1) || fail "openssl ts -verify: $out"
expect_in "openssl ts -verify" "Verification: OK" "$out"
exits v1 0 "$CUSTOS_VERIFY" bundle --key "$W/state/station.vkey" \
    --tsa-ca "$TSA_CA" --witness "$W/w1.vkey" --lang en "$W/b1"
expect_in "bundle --witness" "Witnesses: the checkpoint carries valid cosignatures of 1 of the 1 given witnesses" \
    "$(cat "$W/v1.out")"
exits v1plain 0 "$CUSTOS_VERIFY" bundle --key "$W/state/station.vkey" \
    --tsa-ca "$TSA_CA" "$W/b1"
exits v1json 0 "$CUSTOS_VERIFY" bundle --key "$W/state/station.vkey" \
    --tsa-ca "$TSA_CA" --witness "$W/w1.vkey" --witness "$W/w2.vkey" \
    --witness-quorum 1 --json "$W/b1"
expect_eq "--json witnesses" "True 1 valid missing" "$(python3 -c '
import json, sys
w = json.load(open(sys.argv[1]))["witnesses"]
print(w["ok"], w["valid"], *[c["state"] for c in w["cosignatures"]])' \
    "$W/v1json.out")"
exits v1other 1 "$CUSTOS_VERIFY" bundle --key "$W/state/station.vkey" \
    --tsa-ca "$TSA_CA" --witness "$W/w2.vkey" --lang en "$W/b1"
expect_in "bundle, another witness" "witness.example/w2+" "$(cat "$W/v1other.out")"
expect_in "bundle, another witness" "did not cosign" "$(cat "$W/v1other.out")"
exits v1html 0 "$CUSTOS_VERIFY" bundle --key "$W/state/station.vkey" \
    --tsa-ca "$TSA_CA" --witness "$W/w1.vkey" --html "$W/v1.html" "$W/b1"
grep -q 'witness.example/w1' "$W/v1.html" ||
    fail "the HTML report does not list the witness"
stop_daemon

step "station 2: cosigned, consistency from the size the witness holds"
cat >"$S2CONF" <<EOC
[station]
name = e2e.example/station2
state_dir = state
calendar_dir = $E2E_CAL
[dock]
root = dock
[control]
socket = control.sock
EOC
cp "$S2CONF" "$S2/good.conf" || fail "copy station 2's config"
# A witness key that is not one stops the start before anything is logged.
cat >>"$S2CONF" <<EOC
[witness witness.example/w1]
url = http://127.0.0.1:$WPORT
key = $S2/state/station.vkey
EOC
(cd "$S2" && exec timeout 30 "$CUSTOSD" -f -c "$S2CONF") 2>"$S2/badkey.err"
[ $? -ne 0 ] || fail "custosd started with a station key as a witness key"
expect_in "bad witness key" "[witness witness.example/w1] key $S2/state/station.vkey: not a cosignature/v1 verifier key" \
    "$(cat "$S2/badkey.err")"
cp "$S2/good.conf" "$S2CONF" || fail "restore station 2's config"
conf_witness "$S2CONF"
s2_start
expect_eq "station 2's first entry: nothing logged by the refused start" \
    none "$(s2 log entry 0 | python3 -c \
    'import json,sys; print(json.load(sys.stdin)["previous_stop"])')"
wait_until 60 "station 2's first checkpoint cosigned" cosigned "$S2CONF"
s2_stop
# The copy the fork will start from: its last cosigned size is 1, and
# its station.stopped (entry 1) was never cosigned.
cp -a "$S2/state" "$S2/state.old" || fail "copy station 2's state"
s2_start
s2 officer add PA-0001 --name 王芳 --unit 执法支队 --credential 闽应急执字101 \
    --valid-until 2099-12-31 >/dev/null || fail "station 2: officer"
wait_until 60 "station 2's checkpoint with the officer cosigned" \
    cosigned "$S2CONF"
grep -qE 'cosignature stored witness=witness.example/w1 tree_size=4 old_size=[1-3]' \
    "$S2/custosd.err" || fail "station 2: no cosignature of size 4 from \
an older size: $(grep cosignature "$S2/custosd.err")"
HELD=$(witness_py "$S2CONF" 'w["cosigned_size"]')
s2_stop

step "station 2 forked: an older state restored, other entries appended"
rm -rf "$S2/state" && mv "$S2/state.old" "$S2/state" ||
    fail "restore station 2's older state"
s2_start
wait_until 60 "station 2's witness reports the conflict" witness_is \
    "$S2CONF" 'w["state"] == "conflict"'
expect_in "status of the forked station" "does not extend" \
    "$(witness_py "$S2CONF" 'w["last_error"]')"
expect_in "status text" "witness:     witness.example/w1 CONFLICT" "$(s2 status)"
grep -q "WITNESS CONFLICT witness=witness.example/w1" "$S2/custosd.err" ||
    fail "station 2 logged no WITNESS CONFLICT"
# Past the size the witness holds: now the witness gets a proof from it,
# which does not verify against what it cosigned.
s2 officer add PA-0001 --name 陈静 --unit 执法支队 --credential 闽应急执字201 \
    --valid-until 2099-12-31 >/dev/null || fail "forked: officer 1"
s2 officer add PA-0002 --name 林涛 --unit 执法支队 --credential 闽应急执字202 \
    --valid-until 2099-12-31 >/dev/null || fail "forked: officer 2"
s2 enterprise add "$USCC" --name 福州某化工有限公司 >/dev/null ||
    fail "forked: enterprise"
ID2=$(s2 inspection register --enterprise "$USCC" --officer PA-0001 \
    --officer PA-0002 --basis 安全生产法第六十五条 --content 储存检查) ||
    fail "forked: register: $ID2"
[ "$(s2 status --json | python3 -c \
    'import json,sys; print(json.load(sys.stdin)["tree_size"])')" -gt "$HELD" ] ||
    fail "the forked log is not past the witness's size $HELD"

step "the forked station's bundle fails custos-verify --witness"
# The export asks for a checkpoint, which also asks the witnesses again
# at once.
exits export2 1 "$CUSTOS" -c "$S2CONF" export "$ID2" -o "$W/b2" \
    --purpose 复核 --wait 2
expect_in "export without the cosignature" "did not cosign checkpoint" \
    "$(cat "$W/export2.err")"
[ ! -e "$W/b2" ] || fail "the refused export left $W/b2"
wait_until 60 "the witness refuses the forked log's proof" grep -q \
    "consistency proof from tree size $HELD does not verify" "$S2/custosd.err"
witness_is "$S2CONF" 'w["state"] == "conflict" and w["cosigned_size"] < d["checkpoint_size"]' ||
    fail "forked station: $(witness_py "$S2CONF" w)"
grep -q "status=422" "$W/witness.err" || fail "the witness answered no 422"
exits export2b 0 "$CUSTOS" -c "$S2CONF" export "$ID2" -o "$W/b2" \
    --purpose 复核 --wait 1 --allow-uncosigned
expect_in "export says what is missing" "not cosigned by witness.example/w1" \
    "$(cat "$W/export2b.out")"
exits v2plain 0 "$CUSTOS_VERIFY" bundle --key "$S2/state/station.vkey" \
    --allow-untimestamped "$W/b2"
exits v2 1 "$CUSTOS_VERIFY" bundle --key "$S2/state/station.vkey" \
    --allow-untimestamped --witness "$W/w1.vkey" --lang en "$W/b2"
expect_in "forked bundle" "only 0 of the 1 given witnesses" "$(cat "$W/v2.out")"
exits cp2 1 "$CUSTOS_VERIFY" checkpoint --key "$S2/state/station.vkey" \
    --witness "$W/w1.vkey" "$W/b2/checkpoint"
s2_stop
echo "witness_station: ok"
