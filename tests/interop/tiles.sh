# tiles.sh: section 5 of tests/interop/run.sh, which sources it (its
# helpers ok, notok, expect, refuses, flip and $WORK, $ROOT, $CUSTOS,
# $BDIR are run.sh's).  The log published by "custos log publish" as
# C2SP tlog-tiles, read back as a mirror would and verified by Go's
# golang.org/x/mod/sumdb/tlog (tilecheck.go):
#
# a. a log of 300 entries (MKTILES, tests/tools/mktiles.c, grows a real
#    SQLite log through lib/log quickly), published; then grown to 700 and
#    70000 and published again each time: only the changed tiles are
#    written, Go verifies every tile and entry against each checkpoint,
#    the first checkpoint against the tiles of the last (consistency),
#    and the old partial tiles still serve the first checkpoint;
# b. tampered copies (a byte of a level-0 and of a level-1 hash tile, of
#    an entry in a bundle) are refused by Go;
# c. an entry too big for an entry bundle (uint16 length) is refused at
#    publish time, and nothing is published;
# d. the log the real custosd wrote in section 4 (with a real TSA) is
#    published and verified too; with --timestamped its newest checkpoint
#    that has an RFC 3161 token, whose checkpoint.tsr openssl ts -verify
#    checks against the published checkpoint; a newer checkpoint without
#    a token then removes the stale checkpoint.tsr.

MKTILES=${MKTILES:-${CUSTOS_BUILD:-$ROOT/build}/tests/mktiles}
TILECHECK=$WORK/tilecheck
TL=$WORK/tiles

# tiles_publish CONF DIR [ARG]: custos log publish into DIR.
tiles_publish() {
	"$CUSTOS" -c "$1" log publish --dir "$2" ${3:-}
}

# published CONF DIR WANT DESC [ARG]: publishes and checks the summary
# line (WANT, a grep pattern) says what was written.
published() {
	if ran 0 "$3" tiles_publish "$1" "$2" ${5:-}; then
		ok "$4: $(head -n 1 "$WORK/out" | sed 's/^[^:]*: //')"
	else
		notok "$4: exit $rc, want \"$3\": $(head -n 1 "$WORK/out")"
	fi
}

# go_tiles DESC [OPTION ...] VKEY DIR: tilecheck verifies DIR.
go_tiles() {
	_desc=$1
	shift
	if ran 0 "^OK " "$TILECHECK" "$@"; then
		ok "$_desc: $(sed -n 's/^OK //p' "$WORK/out")"
	else
		notok "$_desc: exit $rc: $(head -n 1 "$WORK/out")"
	fi
}

tiles_log() {
	mkdir -p "$TL/log" || return 1
	cat >"$TL/log/custos.conf" <<EOC
[station]
name = interop.example/tiles
state_dir = state
calendar_dir = none
EOC
}

if ! (cd "$ROOT" && GO111MODULE=off GOPATH=/usr/share/gocode \
    GOCACHE="$WORK/gocache" GOFLAGS= GOPROXY=off GOTOOLCHAIN=local \
    go build -o "$TILECHECK" tests/interop/tilecheck.go) >"$WORK/build" 2>&1
then
	notok "tiles: cannot build tilecheck: $(head -n 3 "$WORK/build")"
elif [ ! -x "$MKTILES" ] || [ ! -x "$CUSTOS" ]; then
	notok "tiles: $MKTILES or $CUSTOS is not built"
elif ! tiles_log; then
	notok "tiles: cannot make $TL/log"
else
	conf=$TL/log/custos.conf
	pub=$TL/pub
	vkey=$TL/log/station.vkey
	# a. 300, 700, 70000 entries.
	expect 0 "tiles: mktiles 300" "$MKTILES" "$TL/log" \
	    interop.example/tiles 300
	published "$conf" "$pub" \
	    "tree size 300 (was 0): 3 tiles, 2 entry bundles, checkpoint," \
	    "tiles: publish 300"
	go_tiles "tiles, go: 300" "$vkey" "$pub"
	cp "$pub/checkpoint" "$TL/checkpoint.300"
	published "$conf" "$pub" "up to date at tree size 300" \
	    "tiles: publish again"
	expect 0 "tiles: mktiles 700" "$MKTILES" "$TL/log" \
	    interop.example/tiles 700
	# New: entries/001, entries/002.p/188, 0/001, 0/002.p/188, 1/000.p/2.
	published "$conf" "$pub" \
	    "tree size 700 (was 300): 3 tiles, 2 entry bundles, checkpoint," \
	    "tiles: publish 700 (incremental)"
	go_tiles "tiles, go: 700, consistent with 300" \
	    -old "$TL/checkpoint.300" "$vkey" "$pub"
	go_tiles "tiles, go: the kept partial tiles of 300" \
	    -checkpoint "$TL/checkpoint.300" "$vkey" "$pub"
	cp "$pub/checkpoint" "$TL/checkpoint.700"
	expect 0 "tiles: mktiles 70000" "$MKTILES" "$TL/log" \
	    interop.example/tiles 70000
	# Level 0 and bundles: 002..272 full and 273.p/112 (272 each);
	# level 1: 000 full and 001.p/17; level 2: 000.p/1.
	published "$conf" "$pub" \
	    "tree size 70000 (was 700): 275 tiles, 272 entry bundles," \
	    "tiles: publish 70000 (incremental)"
	go_tiles "tiles, go: 70000, consistent with 300" \
	    -old "$TL/checkpoint.300" "$vkey" "$pub"
	go_tiles "tiles, go: the kept partial tiles of 700" \
	    -checkpoint "$TL/checkpoint.700" "$vkey" "$pub"
	# b. Tampered copies.
	for what in level0 level1 entry; do
		t=$TL/tampered-$what
		rm -rf "$t"
		cp -R "$pub" "$t"
		case $what in
		level0)	flip "$t/tile/0/100" 100
			why="tile/0/100 does not hash to hash 100 of tile/1/000" ;;
		level1)	flip "$t/tile/1/000" 40
			why="tile/1/000 does not hash to hash 0 of tile/2/000.p/1" ;;
		entry)	flip "$t/tile/entries/123" 20
			why="entry 31488 does not hash to its leaf" ;;
		esac
		refuses "$why" "tiles: go refuses a tampered $what tile" \
		    "$TILECHECK" "$vkey" "$t"
	done
	# c. An entry of 70000 bytes: the log takes it, a bundle cannot.
	mkdir -p "$TL/big" && cp "$conf" "$TL/big/custos.conf"
	expect 0 "tiles: mktiles 10 with a big entry" "$MKTILES" "$TL/big" \
	    interop.example/tiles 10 70000
	refuses "entry 9 is 70000 bytes: a tlog-tiles entry bundle holds" \
	    "tiles: publish refuses an entry too big for a bundle" \
	    tiles_publish "$TL/big/custos.conf" "$TL/bigpub"
	if [ -e "$TL/bigpub/checkpoint" ] || [ -e "$TL/bigpub/tile" ]; then
		notok "tiles: the refused publication wrote files"
	else
		ok "tiles: the refused publication wrote nothing"
	fi
	# d. The log of the real custosd of section 4, with its TSA tokens.
	if [ -f "$BDIR/custos.conf" ]; then
		bconf=$BDIR/custos.conf
		published "$bconf" "$TL/station" "published tree size" \
		    "tiles: publish the bundle station"
		go_tiles "tiles, go: the bundle station" "$BDIR/station.vkey" \
		    "$TL/station"
		size=$(sed -n 2p "$TL/station/checkpoint")
		tsz=$("$CUSTOS" -c "$bconf" log timestamp --json 2>/dev/null |
		    sed -n 's/^ *"tree_size": \([0-9]*\),$/\1/p')
		if [ "$tsz" = "$size" ]; then
			[ -f "$TL/station/checkpoint.tsr" ] &&
			    ok "tiles: checkpoint $size has a token: published" ||
			    notok "tiles: checkpoint $size has a token: not published"
		elif [ -e "$TL/station/checkpoint.tsr" ]; then
			notok "tiles: checkpoint.tsr published for a checkpoint (size $size) without a token"
		else
			ok "tiles: no checkpoint.tsr: checkpoint $size has no token (latest token: ${tsz:-none})"
		fi
		# The newest checkpoint with a token, then the newest of all.
		published "$bconf" "$TL/stamped" \
		    "published tree size ${tsz:-?} (was 0): .*, checkpoint.tsr," \
		    "tiles: publish --timestamped" --timestamped
		go_tiles "tiles, go: the timestamped checkpoint" \
		    "$BDIR/station.vkey" "$TL/stamped"
		expect 0 "tiles: openssl ts -verify the published checkpoint.tsr" \
		    openssl ts -verify -data "$TL/stamped/checkpoint" \
		    -in "$TL/stamped/checkpoint.tsr" -CAfile "$BDIR/tsa/ca.pem"
		if [ "$tsz" != "$size" ]; then
			published "$bconf" "$TL/stamped" \
			    "published tree size $size (was $tsz)" \
			    "tiles: publish the newer checkpoint"
			[ -e "$TL/stamped/checkpoint.tsr" ] &&
			    notok "tiles: the stale checkpoint.tsr stayed" ||
			    ok "tiles: the stale checkpoint.tsr was removed"
		fi
	fi
fi
