#!/bin/sh
# Golden-output test of custos-verify: every verb on a good fixture and on
# tampered copies of it, the exit codes (0 verified, 1 not verified, 2 usage
# or unreadable input) and the exact messages.  The output is compared with
# tests/cli/custos-verify.exp byte for byte.
#
# Environment: CUSTOS_VERIFY and MKFIXTURE name the binaries (default: the
# build tree), TMPDIR the scratch space.  The fixture is made at test time
# by mkfixture; everything runs inside it with relative paths so that no
# temporary path reaches the output.

top=$(pwd)
abspath() {
	case $1 in
	/*) echo "$1" ;;
	*) echo "$top/$1" ;;
	esac
}
V=$(abspath "${CUSTOS_VERIFY:-build/custos-verify}")
MK=$(abspath "${MKFIXTURE:-build/tests/mkfixture}")
scratch=$(mktemp -d "${TMPDIR:-/tmp}/custos-verify.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT INT TERM

if ! "$MK" "$scratch/fx"; then
	echo "mkfixture failed"
	exit 1
fi
cd "$scratch/fx" || exit 1
mkdir t

# run LABEL CMD...: one labelled step, its output and its exit status.
run() {
	echo "== $1"
	shift
	"$@" 2>&1
	echo "exit=$?"
}

# flip FILE OFFSET OUT: OUT is FILE with the byte at OFFSET xor 0x01.
flip() {
	cp "$1" "$3"
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	# shellcheck disable=SC2059
	printf "\\$(printf %03o $((b ^ 1)))" |
	    dd of="$3" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

size() {
	wc -c < "$1" | tr -d ' '
}

K=station.vkey
P="--proof proofs/5.proof"

# Ed25519 signatures are deterministic and the keys fixed, so the default
# fixture is byte-identical on every run; tests/data/fixture holds copies
# (also fuzz seeds).  A difference means the fixture or a wire format
# changed: update the copies only if that was intended.
echo "### fixture is byte-stable"
for f in checkpoint checkpoint.5 consistency.5.proof station.vkey key.vkey \
    other.vkey entries/5.json proofs/5.proof bad/origin.checkpoint \
    bad/body.checkpoint bad/fork.checkpoint; do
	ref=$top/tests/data/fixture/$f
	[ "$f" = key.vkey ] && ref=$top/tests/data/fixture/station.vkey
	if cmp -s "$f" "$ref"; then
		echo "$f: same as tests/data/fixture"
	else
		echo "$f: DIFFERS from tests/data/fixture"
	fi
done

echo "### usage"
run "help" "$V" --help
run "help of a verb" "$V" inclusion --help
run "help of a verb, after its options" "$V" bundle --key $K --help
run "version" "$V" --version
run "no verb" "$V"
run "unknown verb" "$V" verify --key $K checkpoint
run "unknown flag" "$V" checkpoint --key $K --force checkpoint
run "missing flag --key" "$V" checkpoint checkpoint
run "missing flag --proof" "$V" inclusion --key $K --checkpoint checkpoint \
    --index 5 entries/5.json
run "flag without value" "$V" checkpoint checkpoint --key
run "flag given twice" "$V" checkpoint --key $K --key $K checkpoint
run "flag of another verb" "$V" checkpoint --key $K --index 1 checkpoint
run "missing file argument" "$V" checkpoint --key $K
run "extra argument" "$V" checkpoint --key $K checkpoint checkpoint.5
run "index with leading zero" "$V" inclusion --key $K --checkpoint checkpoint \
    --index 05 $P entries/5.json
run "negative index" "$V" inclusion --key $K --checkpoint checkpoint \
    --index -1 $P entries/5.json
run "index not a number" "$V" inclusion --key $K --checkpoint checkpoint \
    --index five $P entries/5.json

echo "### unreadable input (exit 2)"
mkfifo t/fifo
run "FIFO as checkpoint (no wait for a writer)" timeout 10 "$V" checkpoint \
    --key $K t/fifo
run "FIFO as key" timeout 10 "$V" checkpoint --key t/fifo checkpoint
run "missing checkpoint" "$V" checkpoint --key $K nosuch
run "missing key file" "$V" checkpoint --key nosuch.vkey checkpoint
run "directory as entry" "$V" inclusion --key $K --checkpoint checkpoint \
    --index 5 $P entries
dd if=/dev/zero of=t/big.proof bs=1024 count=1025 2>/dev/null
run "proof too large" "$V" inclusion --key $K --checkpoint checkpoint \
    --index 5 --proof t/big.proof entries/5.json
echo "not a key" > t/bad.vkey
run "key file not a key" "$V" checkpoint --key t/bad.vkey checkpoint
run "missing file, json" "$V" checkpoint --json --key $K nosuch

echo "### good fixture"
run "checkpoint good" "$V" checkpoint --key $K checkpoint
run "checkpoint.5 good" "$V" checkpoint --key $K checkpoint.5
run "checkpoint good, key.vkey" "$V" checkpoint --key key.vkey checkpoint
run "inclusion good" "$V" inclusion --key $K --checkpoint checkpoint \
    --index 5 $P entries/5.json
run "inclusion good, first entry" "$V" inclusion --key $K \
    --checkpoint checkpoint --index 0 --proof proofs/0.proof entries/0.json
run "inclusion good, last entry" "$V" inclusion --key $K \
    --checkpoint checkpoint --index 12 --proof proofs/12.proof entries/12.json
run "consistency good" "$V" consistency --key $K --old checkpoint.5 \
    --new checkpoint --proof consistency.5.proof
: > t/empty.proof
run "consistency of a checkpoint with itself" "$V" consistency --key $K \
    --old checkpoint --new checkpoint --proof t/empty.proof
run "options after the file" "$V" checkpoint checkpoint --key $K
run "file after --" "$V" checkpoint --key $K -- checkpoint
good=0
i=0
while [ $i -lt 13 ]; do
	"$V" inclusion --key $K --checkpoint checkpoint --index $i \
	    --proof proofs/$i.proof entries/$i.json >/dev/null && \
	    good=$((good + 1))
	i=$((i + 1))
done
echo "entries verified: $good of 13"

echo "### json"
run "checkpoint json" "$V" checkpoint --json --key $K checkpoint
run "inclusion json" "$V" inclusion --json --key $K --checkpoint checkpoint \
    --index 5 $P entries/5.json
run "consistency json" "$V" consistency --json --key $K --old checkpoint.5 \
    --new checkpoint --proof consistency.5.proof
run "checkpoint json, wrong key" "$V" checkpoint --json --key other.vkey \
    checkpoint
run "inclusion json, wrong entry" "$V" inclusion --json --key $K \
    --checkpoint checkpoint --index 5 $P entries/6.json

echo "### wrong key"
run "checkpoint, other key of the same name" "$V" checkpoint \
    --key other.vkey checkpoint
run "checkpoint, sm key" "$V" checkpoint --key sm/station.vkey checkpoint
run "inclusion, other key" "$V" inclusion --key other.vkey \
    --checkpoint checkpoint --index 5 $P entries/5.json
run "consistency, other key" "$V" consistency --key other.vkey \
    --old checkpoint.5 --new checkpoint --proof consistency.5.proof

echo "### tampered checkpoint"
flip checkpoint 0 t/origin.ckpt
run "origin byte flipped" "$V" checkpoint --key $K t/origin.ckpt
flip checkpoint $(($(head -n 2 checkpoint | wc -c) + 5)) t/root.ckpt
run "root byte flipped" "$V" checkpoint --key $K t/root.ckpt
flip checkpoint $(($(head -n 1 checkpoint | wc -c))) t/size.ckpt
run "tree size byte flipped" "$V" checkpoint --key $K t/size.ckpt
flip checkpoint $(($(size checkpoint) - 10)) t/sig.ckpt
run "signature byte flipped" "$V" checkpoint --key $K t/sig.ckpt
run "inclusion with root-flipped checkpoint" "$V" inclusion --key $K \
    --checkpoint t/root.ckpt --index 5 $P entries/5.json
run "consistency with signature-flipped new checkpoint" "$V" consistency \
    --key $K --old checkpoint.5 --new t/sig.ckpt --proof consistency.5.proof
run "consistency with signature-flipped old checkpoint" "$V" consistency \
    --key $K --old t/sig.ckpt --new checkpoint --proof consistency.5.proof
head -n 3 checkpoint > t/nosig.ckpt
run "signature lines removed" "$V" checkpoint --key $K t/nosig.ckpt
run "empty checkpoint" "$V" checkpoint --key $K t/empty.proof
run "entry as checkpoint" "$V" checkpoint --key $K entries/5.json

echo "### signed by the station key, wrong inside"
run "origin is not the key's name" "$V" checkpoint --key $K \
    bad/origin.checkpoint
run "signed text is not a checkpoint" "$V" checkpoint --key $K \
    bad/body.checkpoint
run "fork: checkpoint verifies on its own" "$V" checkpoint --key $K \
    bad/fork.checkpoint
run "fork: entry against it" "$V" inclusion --key $K \
    --checkpoint bad/fork.checkpoint --index 5 $P entries/5.json
run "fork: same size, other root" "$V" consistency --key $K \
    --old checkpoint --new bad/fork.checkpoint --proof t/empty.proof
run "fork: not an extension of checkpoint.5" "$V" consistency --key $K \
    --old checkpoint.5 --new bad/fork.checkpoint --proof consistency.5.proof

echo "### tampered entry"
flip entries/5.json $(($(size entries/5.json) - 2)) t/5.json
run "entry byte flipped" "$V" inclusion --key $K --checkpoint checkpoint \
    --index 5 $P t/5.json
run "other entry" "$V" inclusion --key $K --checkpoint checkpoint \
    --index 5 $P entries/6.json
{ cat entries/5.json; echo; } > t/5nl.json
run "entry with a newline added" "$V" inclusion --key $K \
    --checkpoint checkpoint --index 5 $P t/5nl.json
run "wrong index" "$V" inclusion --key $K --checkpoint checkpoint \
    --index 4 $P entries/5.json
run "index equal to the tree size" "$V" inclusion --key $K \
    --checkpoint checkpoint --index 13 $P entries/5.json
run "index out of range for checkpoint.5" "$V" inclusion --key $K \
    --checkpoint checkpoint.5 --index 9 --proof proofs/9.proof entries/9.json
run "proof for size 13 against checkpoint.5" "$V" inclusion --key $K \
    --checkpoint checkpoint.5 --index 2 --proof proofs/2.proof entries/2.json

echo "### tampered proof"
flip proofs/5.proof 3 t/byte.proof
run "proof byte flipped" "$V" inclusion --key $K --checkpoint checkpoint \
    --index 5 --proof t/byte.proof entries/5.json
flip proofs/5.proof 133 t/b64.proof
run "proof: padding of line 3 made non-base64" "$V" inclusion --key $K \
    --checkpoint checkpoint --index 5 --proof t/b64.proof entries/5.json
sed '$d' proofs/5.proof > t/short.proof
run "proof missing a line" "$V" inclusion --key $K --checkpoint checkpoint \
    --index 5 --proof t/short.proof entries/5.json
{ cat proofs/5.proof; head -n 1 proofs/5.proof; } > t/long.proof
run "proof with an extra line" "$V" inclusion --key $K \
    --checkpoint checkpoint --index 5 --proof t/long.proof entries/5.json
run "empty proof" "$V" inclusion --key $K --checkpoint checkpoint \
    --index 5 --proof t/empty.proof entries/5.json
head -c $(($(size proofs/5.proof) - 1)) proofs/5.proof > t/nonl.proof
run "proof without final newline" "$V" inclusion --key $K \
    --checkpoint checkpoint --index 5 --proof t/nonl.proof entries/5.json
{ head -n 1 proofs/5.proof; echo; sed 1d proofs/5.proof; } > t/blank.proof
run "proof with a blank line" "$V" inclusion --key $K \
    --checkpoint checkpoint --index 5 --proof t/blank.proof entries/5.json
sed '1s/$/\r/' proofs/5.proof > t/crlf.proof
run "proof with CRLF" "$V" inclusion --key $K --checkpoint checkpoint \
    --index 5 --proof t/crlf.proof entries/5.json
run "proof of another entry" "$V" inclusion --key $K \
    --checkpoint checkpoint --index 5 --proof proofs/4.proof entries/5.json
run "consistency proof as inclusion proof" "$V" inclusion --key $K \
    --checkpoint checkpoint --index 5 --proof consistency.5.proof \
    entries/5.json

echo "### consistency"
run "old > new" "$V" consistency --key $K --old checkpoint --new checkpoint.5 \
    --proof consistency.5.proof
flip consistency.5.proof 10 t/cons.proof
run "consistency proof byte flipped" "$V" consistency --key $K \
    --old checkpoint.5 --new checkpoint --proof t/cons.proof
sed '$d' consistency.5.proof > t/cshort.proof
run "consistency proof missing a line" "$V" consistency --key $K \
    --old checkpoint.5 --new checkpoint --proof t/cshort.proof
run "consistency with an empty proof" "$V" consistency --key $K \
    --old checkpoint.5 --new checkpoint --proof t/empty.proof
run "inclusion proof as consistency proof" "$V" consistency --key $K \
    --old checkpoint.5 --new checkpoint --proof proofs/5.proof
run "checkpoint.5 with itself, non-empty proof" "$V" consistency --key $K \
    --old checkpoint.5 --new checkpoint.5 --proof consistency.5.proof

echo "### sm profile (SM2/SM3; signatures vary between runs)"
run "sm checkpoint" "$V" checkpoint --key sm/station.vkey sm/checkpoint
run "sm inclusion" "$V" inclusion --key sm/station.vkey \
    --checkpoint sm/checkpoint --index 5 --proof sm/proofs/5.proof \
    sm/entries/5.json
run "sm consistency" "$V" consistency --key sm/station.vkey \
    --old sm/checkpoint.5 --new sm/checkpoint --proof sm/consistency.5.proof
run "sm json" "$V" checkpoint --json --key sm/station.vkey sm/checkpoint
run "sm checkpoint, default key" "$V" checkpoint --key $K sm/checkpoint
run "sm entry, default proof" "$V" inclusion --key sm/station.vkey \
    --checkpoint sm/checkpoint --index 5 $P entries/5.json
flip sm/checkpoint $(($(head -n 2 sm/checkpoint | wc -c) + 5)) t/sm.ckpt
run "sm root byte flipped" "$V" checkpoint --key sm/station.vkey t/sm.ckpt

# flips EXIT FILE CMD...: flips bit 0 of every byte of FILE in turn into
# t/flip and runs CMD (which reads t/flip); every flip must give exit
# status EXIT.  One Python process writes each copy and runs CMD, so the
# loop costs one process a flip.  The flips run the plain build when
# there is one (CUSTOS_VERIFY_PLAIN): they are thousands of runs, and the
# same parsers meet malformed input under the sanitizers in the fuzz
# corpora and in the steps above.
VF=$(abspath "${CUSTOS_VERIFY_PLAIN:-$V}")
flips() {
	want=$1
	f=$2
	shift 2
	python3 - "$want" "$f" "$V" "$VF" "$@" <<'EOF'
import subprocess, sys
want, f, v, vf, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3], \
    sys.argv[4], sys.argv[5:]
cmd = [vf if a == v else a for a in cmd]
data = open(f, "rb").read()
k = 0
for n in range(len(data)):
    b = bytearray(data)
    b[n] ^= 1
    with open("t/flip", "wb") as out:
        out.write(b)
    rc = subprocess.call(cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    if rc == want:
        k += 1
    else:
        print("%s: flip at offset %d gave exit %d" % (f, n, rc))
print("%s: flips rejected with exit %d: %d of %d" % (f, want, k, len(data)))
EOF
}

echo "### every byte flipped"
flips 1 checkpoint "$V" checkpoint --key $K t/flip
flips 1 entries/5.json "$V" inclusion --key $K --checkpoint checkpoint \
    --index 5 $P t/flip
flips 1 proofs/5.proof "$V" inclusion --key $K --checkpoint checkpoint \
    --index 5 --proof t/flip entries/5.json
flips 1 consistency.5.proof "$V" consistency --key $K --old checkpoint.5 \
    --new checkpoint --proof t/flip
# A damaged key file is not a key (exit 2), never a different valid key:
# its key ID covers the name and the key.
flips 2 station.vkey "$V" checkpoint --key t/flip checkpoint

echo "### receipt (c2sp.org/tlog-proof@v1)"
# receipt INDEX PROOF ENTRY CHECKPOINT: a receipt put together from the
# fixture's files with generic tools, as docs/log.md describes it.
receipt() {
	printf 'c2sp.org/tlog-proof@v1\nextra %s\nindex %s\n' \
	    "$(base64 -w0 < "$3")" "$1"
	cat "$2"
	echo
	cat "$4"
}
receipt 5 proofs/5.proof entries/5.json checkpoint > t/5.tlog-proof
receipt 0 proofs/0.proof entries/0.json checkpoint > t/0.tlog-proof
receipt 5 sm/proofs/5.proof sm/entries/5.json sm/checkpoint > t/sm.tlog-proof
R=t/5.tlog-proof
run "receipt good" "$V" receipt --key $K $R
run "receipt good, first entry" "$V" receipt --key $K t/0.tlog-proof
run "receipt good, json" "$V" receipt --json --key $K $R
run "receipt good, sm profile" "$V" receipt --key sm/station.vkey \
    t/sm.tlog-proof
run "receipt, sm receipt with the default key" "$V" receipt --key $K \
    t/sm.tlog-proof
run "receipt, other key" "$V" receipt --key other.vkey $R
receipt 5 proofs/5.proof entries/6.json checkpoint > t/forged.tlog-proof
run "receipt forged: entry 6 as entry 5" "$V" receipt --key $K \
    t/forged.tlog-proof
receipt 6 proofs/5.proof entries/6.json checkpoint > t/forged6.tlog-proof
run "receipt forged: entry 6 with entry 5's proof" "$V" receipt --key $K \
    t/forged6.tlog-proof
receipt 5 proofs/5.proof entries/5.json bad/fork.checkpoint > t/fork.tlog-proof
run "receipt against a forked checkpoint" "$V" receipt --key $K \
    t/fork.tlog-proof
receipt 5 proofs/5.proof entries/5.json checkpoint.5 > t/old.tlog-proof
run "receipt, index equal to the tree size" "$V" receipt --key $K \
    t/old.tlog-proof
sed 2d $R > t/noextra.tlog-proof
run "receipt without extra" "$V" receipt --key $K t/noextra.tlog-proof
sed 's/^index 5$/index 05/' $R > t/zero.tlog-proof
run "receipt, index with a leading zero" "$V" receipt --key $K \
    t/zero.tlog-proof
run "receipt, entry without an object, with a file" "$V" receipt --key $K \
    $R entries/5.json
run "receipt, json, not verified" "$V" receipt --json --key other.vkey $R
run "receipt, missing receipt" "$V" receipt --key $K nosuch
run "receipt, missing file" "$V" receipt --key $K $R nosuch
run "receipt, missing --key" "$V" receipt $R
run "receipt, unknown option" "$V" receipt --key $K --index 5 $R
run "receipt, extra argument" "$V" receipt --key $K $R entries/5.json \
    entries/6.json
flips 1 $R "$V" receipt --key $K t/flip

echo "### witnesses (--witness, --witness-quorum)"
WD=$top/tests/data/witness
cp "$WD/checkpoint.cosigned" t/cosigned
run "checkpoint cosigned, no --witness" "$V" checkpoint --key $K t/cosigned
run "checkpoint cosigned, --witness" "$V" checkpoint --key $K \
    --witness "$WD/w1.vkey" t/cosigned
run "checkpoint cosigned, json" "$V" checkpoint --json --key $K \
    --witness "$WD/w1.vkey" --witness "$WD/w2.vkey" --witness-quorum 1 \
    t/cosigned
run "checkpoint cosigned, another witness" "$V" checkpoint --key $K \
    --witness "$WD/w2.vkey" t/cosigned
run "checkpoint cosigned, quorum of two" "$V" checkpoint --key $K \
    --witness "$WD/w1.vkey" --witness "$WD/w2.vkey" t/cosigned
run "checkpoint without cosignatures, --witness" "$V" checkpoint --key $K \
    --witness "$WD/w1.vkey" checkpoint
sed '$s/iYh2YgAAAABp/iYh2YgAAAABq/' t/cosigned > t/badtime
run "checkpoint, cosignature's time altered" "$V" checkpoint --key $K \
    --witness "$WD/w1.vkey" t/badtime
run "witness quorum above the keys" "$V" checkpoint --key $K \
    --witness "$WD/w1.vkey" --witness-quorum 2 t/cosigned
run "witness quorum without keys" "$V" checkpoint --key $K \
    --witness-quorum 1 t/cosigned
run "witness key is a note key" "$V" checkpoint --key $K --witness $K \
    t/cosigned
run "witness key missing" "$V" checkpoint --key $K --witness nosuch.vkey \
    t/cosigned
