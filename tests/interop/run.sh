#!/bin/sh
# Interoperability of Custos checkpoints and proofs with Go's
# golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog.
#
# 1. tlogcheck (tlogcheck.go) writes a log with Go's packages; the Go
#    checker must accept it (a sanity check of the checker itself), and so
#    must our custos-verify.
# 2. A log written by our tools is checked by the Go checker: set
#    INTEROP_PRODUCER to a command that, run as "$INTEROP_PRODUCER DIR N",
#    writes the same layout (key.vkey, checkpoint, checkpoint.<M>,
#    entries/<i>.json, proofs/<i>.proof, consistency.<M>.proof, and
#    receipts/<i>.tlog-proof, c2sp.org/tlog-proof@v1 receipts).
# 3. Tampered copies (an entry, a checkpoint, a proof, a receipt) must be
#    refused with exit status 1 by both sides.
# 4. An evidence bundle exported by the real custosd and custos
#    (tests/tools/mkbundle.sh) is checked with generic tools only, as
#    docs/bundle.md describes: "tlogcheck check-bundle" (Go's note and
#    tlog: the checkpoint, every entry's proof, the SHA-256 of every media
#    file), "openssl ts -verify" on checkpoint.tsr and sha256sum on each
#    media file; tampered copies must be refused.
# 5. The log published as C2SP tlog-tiles by "custos log publish" is
#    mirrored from its directory and verified by Go's tlog tile reader
#    (tilecheck.go), first and incremental publications, tampered tiles
#    and an entry too big for a bundle (tests/interop/tiles.sh).
#
# Environment: CUSTOS_VERIFY (default build/custos-verify), CUSTOSD and
# CUSTOS (for 4 and 5; default build/custosd and build/custos), MKTILES
# (for 5; default CUSTOS_BUILD/tests/mktiles), INTEROP_N (log
# size, default 13), INTEROP_PRODUCER (see 2).  Needs go 1.19 and
# golang-golang-x-mod-dev, and for 4 openssl, ffmpeg and python3; runs
# without network access.
#
# Prints one line per check and "N passed, N failed"; exits 1 if any
# check failed, 2 if the Go checker cannot be built.

set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VERIFY=${CUSTOS_VERIFY:-$ROOT/build/custos-verify}
N=${INTEROP_N:-13}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/custos-interop.XXXXXX") || exit 2
trap 'rm -rf "$WORK"' EXIT
trap 'exit 2' INT TERM HUP

pass=0
fail=0

ok() {
	pass=$((pass + 1))
	echo "ok   $*"
}

notok() {
	fail=$((fail + 1))
	echo "FAIL $*"
}

# ran WANT WHY CMD [ARG ...]: runs CMD into $WORK/out and says whether it
# exited WANT with WHY (a grep pattern; empty: anything) in its output;
# rc is its exit status.
ran() {
	want=$1
	why=$2
	shift 2
	"$@" >"$WORK/out" 2>&1
	rc=$?
	[ "$rc" -eq "$want" ] && { [ -z "$why" ] || grep -q "$why" "$WORK/out"; }
}

# expect WANT DESC CMD [ARG ...]: runs CMD and checks its exit status.
expect() {
	want=$1
	desc=$2
	shift 2
	if ran "$want" "" "$@"; then
		ok "$desc"
	else
		notok "$desc: exit $rc, want $want: $(head -n 1 "$WORK/out")"
	fi
}

# refuses WHY DESC CMD [ARG ...]: CMD must exit 1 with WHY (a grep
# pattern) in its output: refused for that reason, not for another one.
refuses() {
	why=$1
	desc=$2
	shift 2
	if ran 1 "$why" "$@"; then
		ok "$desc"
	else
		notok "$desc: exit $rc, want 1 with \"$why\": $(head -n 1 "$WORK/out")"
	fi
}

# The checkers, with one calling convention: KIND DIR ARGS.
go_checkpoint() {
	"$GOCHECK" check-checkpoint "$1/key.vkey" "$2"
}
go_inclusion() {
	"$GOCHECK" check-inclusion "$1/key.vkey" "$1/checkpoint" "$2" \
	    "$1/proofs/$2.proof" "$1/entries/$2.json"
}
go_consistency() {
	"$GOCHECK" check-consistency "$1/key.vkey" "$1/checkpoint.$2" \
	    "$1/checkpoint" "$1/consistency.$2.proof"
}
go_receipt() {
	"$GOCHECK" check-receipt "$1/key.vkey" "$1/receipts/$2.tlog-proof"
}
custos_checkpoint() {
	"$VERIFY" checkpoint --key "$1/key.vkey" "$2"
}
custos_inclusion() {
	"$VERIFY" inclusion --key "$1/key.vkey" --checkpoint "$1/checkpoint" \
	    --index "$2" --proof "$1/proofs/$2.proof" "$1/entries/$2.json"
}
custos_receipt() {
	"$VERIFY" receipt --key "$1/key.vkey" "$1/receipts/$2.tlog-proof"
}
custos_consistency() {
	"$VERIFY" consistency --key "$1/key.vkey" --old "$1/checkpoint.$2" \
	    --new "$1/checkpoint" --proof "$1/consistency.$2.proof"
}

# check_dir SIDE LABEL DIR: checks every file of a log directory with the
# checker SIDE (go or custos): the checkpoint, the inclusion of every
# entry, and every older checkpoint and its consistency proof.
check_dir() {
	side=$1
	label=$2
	dir=$3
	if [ ! -f "$dir/key.vkey" ] || [ ! -f "$dir/checkpoint" ]; then
		notok "$label: $dir has no key.vkey or checkpoint"
		return
	fi
	expect 0 "$label: checkpoint" ${side}_checkpoint "$dir" \
	    "$dir/checkpoint"
	found=0
	for e in "$dir"/entries/*.json; do
		[ -f "$e" ] || continue
		found=1
		i=$(basename "$e" .json)
		expect 0 "$label: inclusion of entry $i" ${side}_inclusion \
		    "$dir" "$i"
	done
	[ "$found" -eq 1 ] || notok "$label: no entries in $dir"
	found=0
	for r in "$dir"/receipts/*.tlog-proof; do
		[ -f "$r" ] || continue
		found=1
		i=$(basename "$r" .tlog-proof)
		expect 0 "$label: receipt of entry $i" ${side}_receipt "$dir" "$i"
	done
	[ "$found" -eq 1 ] || notok "$label: no receipts in $dir"
	for c in "$dir"/checkpoint.*; do
		[ -f "$c" ] || continue
		m=${c##*/checkpoint.}
		expect 0 "$label: checkpoint.$m" ${side}_checkpoint "$dir" "$c"
		expect 0 "$label: consistency $m -> checkpoint" \
		    ${side}_consistency "$dir" "$m"
	done
}

# flip FILE OFFSET: replaces the byte at OFFSET with another base64 letter.
flip() {
	b=$(dd if="$1" bs=1 skip="$2" count=1 2>/dev/null)
	if [ "$b" = A ]; then r=B; else r=A; fi
	printf %s "$r" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# tamper_dir LABEL DIR: copies of DIR with one changed byte each, refused
# (exit 1) by both checkers.  Assumes a log of more than one entry with a
# checkpoint.1 (as both producers write).
tamper_dir() {
	label=$1
	dir=$2
	first=$(ls "$dir/entries" | sort -n | head -n 1)
	i=${first%.json}
	for what in entry checkpoint proof consistency receipt; do
		t="$WORK/tampered-$what"
		rm -rf "$t"
		cp -R "$dir" "$t"
		case $what in
		entry)		flip "$t/entries/$i.json" 1 ;;
		checkpoint)	flip "$t/checkpoint" 0 ;;
		proof)		flip "$t/proofs/$i.proof" 0 ;;
		consistency)	flip "$t/consistency.1.proof" 0 ;;
		# Offset 30 is inside the base64 of the entry on the extra line.
		receipt)	flip "$t/receipts/$i.tlog-proof" 30 ;;
		esac
		for side in go custos; do
			[ "$side" = custos ] && [ "$have_verify" -eq 0 ] &&
			    continue
			case $what in
			entry|proof)
				expect 1 "$label: $side refuses tampered $what" \
				    ${side}_inclusion "$t" "$i" ;;
			checkpoint)
				expect 1 "$label: $side refuses tampered $what" \
				    ${side}_checkpoint "$t" "$t/checkpoint" ;;
			consistency)
				expect 1 "$label: $side refuses tampered $what" \
				    ${side}_consistency "$t" 1 ;;
			receipt)
				expect 1 "$label: $side refuses tampered $what" \
				    ${side}_receipt "$t" "$i" ;;
			esac
		done
	done
}

# Build the Go checker in GOPATH mode, offline.
GOCHECK=$WORK/tlogcheck
if ! (cd "$ROOT" && GO111MODULE=off GOPATH=/usr/share/gocode \
    GOCACHE="$WORK/gocache" GOFLAGS= GOPROXY=off GOTOOLCHAIN=local \
    go build -o "$GOCHECK" tests/interop/tlogcheck.go) >"$WORK/build" 2>&1
then
	echo "FAIL cannot build the Go checker:"
	cat "$WORK/build"
	exit 2
fi

have_verify=1
if [ ! -x "$VERIFY" ]; then
	have_verify=0
	notok "custos-verify: $VERIFY is not built"
fi

# made_log WHO WHAT LABEL DIR CMD [ARG ...]: "CMD ARG ... DIR N" makes a
# log (WHAT names CMD when it fails), checked by Go and by us, and its
# tampered copies refused.  check_dir and tamper_dir set label and dir.
made_log() {
	log_who=$1
	log_what=$2
	log_label=$3
	log_dir=$4
	shift 4
	if "$@" "$log_dir" "$N" >"$WORK/out" 2>&1; then
		ok "$log_who: made a log of $N entries"
		check_dir go "$log_label, go checker" "$log_dir"
		[ "$have_verify" -eq 1 ] &&
		    check_dir custos "$log_label, custos-verify" "$log_dir"
		tamper_dir "$log_label" "$log_dir"
	else
		notok "$log_who: $log_what: $(head -n 1 "$WORK/out")"
	fi
}

# 1. Go's log, checked by Go and by us.
made_log go make "go log" "$WORK/golog" "$GOCHECK" make

# 2. Our log, checked by Go (and by us).
if [ -n "${INTEROP_PRODUCER:-}" ]; then
	made_log custos "$INTEROP_PRODUCER" "custos log" "$WORK/ourlog" \
	    $INTEROP_PRODUCER
else
	echo "skip custos log checked by Go: INTEROP_PRODUCER is not set"
fi

# 4. A bundle exported by the real daemon, checked with generic tools.
# Go's tlog hashes with SHA-256, so the station has the default profile.
CUSTOSD=${CUSTOSD:-$ROOT/build/custosd}
CUSTOS=${CUSTOS:-$ROOT/build/custos}
BDIR=$WORK/bundle-station
BUNDLE=$BDIR/bundle
go_bundle() {
	"$GOCHECK" check-bundle "$BDIR/station.vkey" "$1"
}
ossl_bundle() {
	openssl ts -verify -data "$1/checkpoint" -in "$1/checkpoint.tsr" \
	    -CAfile "$BDIR/tsa/ca.pem"
}
if [ ! -x "$CUSTOSD" ] || [ ! -x "$CUSTOS" ]; then
	notok "bundle: $CUSTOSD or $CUSTOS is not built"
elif CUSTOSD=$CUSTOSD CUSTOS=$CUSTOS CUSTOS_VERIFY=$VERIFY MKBUNDLE_TSA=1 \
    MKBUNDLE_PROFILE=default sh "$ROOT/tests/tools/mkbundle.sh" "$BDIR" \
    >"$WORK/out" 2>&1; then
	ok "custos: exported a bundle of inspection $(cat "$BDIR/inspection")"
	if go_bundle "$BUNDLE" >"$WORK/out" 2>&1; then
		ok "bundle, go checker: $(sed -n 's/^OK //p' "$WORK/out")"
	else
		notok "bundle, go checker: $(tail -n 1 "$WORK/out")"
		sed -n 's/^FAIL /     /p' "$WORK/out" | head -n 5
	fi
	expect 0 "bundle, openssl ts -verify: checkpoint.tsr" ossl_bundle \
	    "$BUNDLE"
	found=0
	for m in "$BUNDLE"/media/*; do
		[ -f "$m" ] || continue
		found=1
		name=$(basename "$m")
		sum=$(sha256sum <"$m" | cut -d ' ' -f 1)
		if [ "$sum" = "${name%%.*}" ]; then
			ok "bundle, sha256sum: media/$name"
		else
			notok "bundle, sha256sum: media/$name is $sum"
		fi
	done
	[ "$found" -eq 1 ] || notok "bundle: no media files in $BUNDLE"
	# Tampered copies: an entry and a media file (Go), the checkpoint
	# (openssl: the token no longer matches it).
	first=$(ls "$BUNDLE/entries" | sort -n | head -n 1)
	media=$(ls "$BUNDLE/media" | head -n 1)
	for what in entry media checkpoint; do
		t="$WORK/tampered-bundle-$what"
		rm -rf "$t"
		cp -R "$BUNDLE" "$t"
		case $what in
		entry)
			flip "$t/entries/$first" 1
			refuses "FAIL entries/$first: not included" \
			    "bundle: go refuses tampered entries/$first" \
			    go_bundle "$t" ;;
		media)
			flip "$t/media/$media" 0
			refuses "FAIL media/$media: SHA-256 is" \
			    "bundle: go refuses tampered media/$media" \
			    go_bundle "$t" ;;
		checkpoint)
			flip "$t/checkpoint" 0
			refuses "message imprint mismatch" \
			    "bundle: openssl refuses the token for a tampered checkpoint" \
			    ossl_bundle "$t" ;;
		esac
	done
else
	notok "bundle: mkbundle.sh: $(grep -m 1 FAIL "$WORK/out" ||
	    tail -n 1 "$WORK/out")"
fi

# 5. The log published as C2SP tlog-tiles, verified by Go's tlog.
. "$ROOT/tests/interop/tiles.sh"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
