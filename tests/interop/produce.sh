# produce.sh DIR N: the interop producer for our side.  Runs the real
# custosd with a small camera docked (so the log holds segment.sealed and
# dock.session entries too) through start/stop cycles until its log holds
# at least N entries,
# then exports with the real custos tool the layout tests/interop/run.sh
# checks with Go: key.vkey, checkpoint, checkpoint.<M>, entries/<i>.json,
# proofs/<i>.proof, consistency.<M>.proof and receipts/<i>.tlog-proof.
set -u
: "${CUSTOSD:?}" "${CUSTOS:?}"
dir=$1
n=$2
mkdir -p "$dir/entries" "$dir/proofs" "$dir/receipts" "$dir/run" || exit 1
conf=$dir/run/custos.conf
cat >"$conf" <<EOC
[station]
name = interop.example/station
state_dir = state
calendar_dir = none
[dock]
root = dock
[control]
socket = control.sock
EOC
mkdir -p "$dir/run/dock/INTEROP01"
printf 'interop clip one\n' >"$dir/run/dock/INTEROP01/CLIP0001.MP4"
printf 'interop clip two\n' >"$dir/run/dock/INTEROP01/CLIP0002.MP4"
size=0
while [ "$size" -lt "$n" ]; do
	"$CUSTOSD" -f -c "$conf" 2>>"$dir/run/custosd.err" &
	pid=$!
	i=0
	until "$CUSTOS" -c "$conf" status >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 $pid 2>/dev/null; then
			echo "custosd did not start"
			cat "$dir/run/custosd.err"
			exit 1
		fi
		sleep 0.1
	done
	# Each start takes the docked camera again; wait for its session.
	until [ "$("$CUSTOS" -c "$conf" status --json | grep -c '"done"')" -gt 0 ]
	do
		kill -0 $pid 2>/dev/null || { echo "custosd died"; exit 1; }
		sleep 0.1
	done
	kill -TERM $pid
	wait $pid || { echo "custosd failed to stop cleanly"; exit 1; }
	size=$("$CUSTOS" -c "$conf" log checkpoint | sed -n 2p)
done
cp "$dir/run/state/station.vkey" "$dir/key.vkey"
"$CUSTOS" -c "$conf" log checkpoint >"$dir/checkpoint" || exit 1
i=0
while [ $i -lt "$size" ]; do
	"$CUSTOS" -c "$conf" log entry $i >"$dir/entries/$i.json" || exit 1
	"$CUSTOS" -c "$conf" log proof $i >"$dir/proofs/$i.proof" || exit 1
	"$CUSTOS" -c "$conf" log receipt $i -o "$dir/receipts/$i.tlog-proof" ||
	    exit 1
	i=$((i + 1))
done
# The daemon signs a checkpoint after every entry; take a few old ones.
for m in 1 $((size / 2)) $((size - 1)) $size; do
	"$CUSTOS" -c "$conf" log checkpoint --size $m >"$dir/checkpoint.$m" ||
	    exit 1
	"$CUSTOS" -c "$conf" log consistency $m "$size" \
	    >"$dir/consistency.$m.proof" || exit 1
done
rm -rf "$dir/run"
echo "custosd wrote a log of $size entries"
