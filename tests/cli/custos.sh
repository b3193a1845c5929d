# Golden output of the custos tool's verbs on the deterministic fixture log
# that mkfixture builds (fixed Ed25519 key, fixed entries).  Paths are
# relative so the output does not depend on the scratch directory.
: "${TMPDIR:?}" "${CUSTOS:?}" "${MKFIXTURE:?}"
cd "$TMPDIR" || exit 2
"$MKFIXTURE" fx >/dev/null || { echo "mkfixture failed"; exit 1; }
cat >fx.conf <<EOC
[station]
name = fixture.example/station
state_dir = fx
[control]
socket = nowhere.sock
EOC
run() {
	echo "== custos $*"
	"$CUSTOS" -c fx.conf "$@" >out 2>&1
	st=$?
	sed "s|$PWD|.|g" out
	echo "[exit $st]"
}

run log checkpoint
run log checkpoint --json
run log checkpoint --size 5
run log checkpoint --size 6
run log entry 0
echo
run log entry 12 --json
run log entry 13
run log entry -1
run log entry 012
run log proof 3
run log proof 3 --size 5
run log proof 3 --json
run log proof 13
run log proof 5 --size 5
run log proof 0 --size 14
run log consistency 5 13
run log consistency 5 13 --json
run log consistency 13 5
run log consistency 0 5
run log consistency 13 13
run log verify
run log verify --json
run log verify --key fx/other.vkey
run log verify --key fx/missing.vkey
run log frobnicate
run log entry
run log entry 1 2 3 4
run status
echo "== custos keygen"
"$CUSTOS" keygen "cli.example/k" -o k >/dev/null; echo "[exit $?]"
stat -c '%a %n' k.key k.vkey
cut -d+ -f1-1 k.vkey
"$CUSTOS" keygen "cli.example/k" -o k 2>&1; echo "[exit $?]"
"$CUSTOS" keygen "bad name" -o k2 2>&1; echo "[exit $?]"
"$CUSTOS" keygen "cli.example/sm" -o ksm --profile sm >/dev/null
echo "[exit $?]"
"$CUSTOS" keygen "cli.example/k3" 2>&1; echo "[exit $?]"
echo "== custos --help (no config needed)"
"$CUSTOS" -c missing.conf log --help; echo "[exit $?]"
"$CUSTOS" -c missing.conf export --help; echo "[exit $?]"
echo "== custos (no config)"
"$CUSTOS" -c missing.conf log checkpoint 2>&1; echo "[exit $?]"
"$CUSTOS" 2>&1; echo "[exit $?]"
