#!/bin/sh
# The log published as C2SP tlog-tiles into the [replica] bucket by
# "custos log publish --replica", against a real radosgw
# (tests/tools/s3server.sh): the objects under "<station>/" are read back
# with the curl CLI and must be byte for byte the files the same
# publication writes into a directory (which tests/interop/run.sh checks
# with Go's tlog); the second publication sends only the changed tiles; a
# run with nothing new sends nothing; a wrong secret fails with the
# server's reason and leaves the published checkpoint alone.  The log is
# grown quickly by tests/tools/mktiles through lib/log.
. "$(dirname "$0")/lib.sh"

MKTILES=${CUSTOS_BUILD:-$(dirname "$CUSTOS")}/tests/mktiles
[ -x "$MKTILES" ] || fail "no $MKTILES (make B=... \$B/tests/mktiles)"
STATION=e2e.example/station

s3_up
s3_bucket custos
cd "$W" || exit 1
write_conf
cp "$CONF" "$W/wrong.conf"
printf 'access_key = %s\nsecret_key = %s\n' "$ACCESS_KEY" "$SECRET_KEY" \
    >"$W/good.keys"
printf 'access_key = %s\nsecret_key = x%s\n' "$ACCESS_KEY" "$SECRET_KEY" \
    >"$W/wrong.keys"
chmod 600 "$W/good.keys" "$W/wrong.keys"
for c in "$CONF:good" "$W/wrong.conf:wrong"; do
	cat >>"${c%%:*}" <<EOC
[replica]
endpoint = $S3_ENDPOINT
bucket = custos
credentials = ${c##*:}.keys
EOC
done

# keys: the keys under the station's prefix, one a line, sorted.
keys() {
	s3_curl "$S3_ENDPOINT/custos?list-type=2&prefix=e2e.example%2Fstation%2F" |
	    grep -o '<Key>[^<]*</Key>' | sed 's/<Key>\(.*\)<\/Key>/\1/' | sort
}

# same_as_dir: the bucket holds exactly the files of $W/pub, same bytes.
same_as_dir() {
	(cd "$W/pub" && find . -type f | sed "s|^\./|$STATION/|" | sort) \
	    >"$W/want.keys"
	keys >"$W/got.keys"
	cmp -s "$W/want.keys" "$W/got.keys" ||
	    fail "bucket keys differ from the directory: $(diff "$W/want.keys" "$W/got.keys")"
	while read -r k; do
		s3_get "custos/$k" "$W/got.obj"
		cmp -s "$W/got.obj" "$W/pub/${k#"$STATION"/}" ||
		    fail "custos/$k differs from the directory's file"
	done <"$W/got.keys"
	echo "$(wc -l <"$W/got.keys") objects"
}

step "publish a log of 300 entries to the bucket and to a directory"
exits grow300 0 "$MKTILES" "$W" "$STATION" 300
exits pub300 0 "$CUSTOS" -c "$CONF" log publish --replica
expect_in "first publication" "$S3_ENDPOINT/custos/$STATION/: published tree size 300 (was 0): 3 tiles, 2 entry bundles, checkpoint," \
    "$(cat "$W/pub300.out")"
exits dir300 0 "$CUSTOS" -c "$CONF" log publish --dir "$W/pub"
expect_eq "bucket = directory" "6 objects" "$(same_as_dir)"

step "700 entries: only the changed tiles are sent"
exits grow700 0 "$MKTILES" "$W" "$STATION" 700
exits pub700 0 "$CUSTOS" -c "$CONF" log publish --replica --json
expect_eq "files sent" "tile/entries/001 tile/entries/002.p/188 tile/0/001 tile/0/002.p/188 tile/1/000.p/2 checkpoint 300" \
    "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(f["path"] for f in d["files"]), d["old_size"])' "$W/pub700.out")"
exits dir700 0 "$CUSTOS" -c "$CONF" log publish --dir "$W/pub"
# The partial tiles of 300 stay beside the new ones, in both.
expect_eq "bucket = directory" "11 objects" "$(same_as_dir)"
exits again 0 "$CUSTOS" -c "$CONF" log publish --replica
expect_in "nothing new" "up to date at tree size 700" "$(cat "$W/again.out")"

step "a wrong secret: refused by the server, nothing published"
exits grow800 0 "$MKTILES" "$W" "$STATION" 800
exits wrong 1 "$CUSTOS" -c "$W/wrong.conf" log publish --replica
expect_in "wrong secret" "SignatureDoesNotMatch" "$(cat "$W/wrong.err")"
s3_get "custos/$STATION/checkpoint" "$W/cp.now"
expect_eq "published checkpoint" 700 "$(sed -n 2p "$W/cp.now")"
exits pub800 0 "$CUSTOS" -c "$CONF" log publish --replica
expect_in "then with the right one" "published tree size 800 (was 700)" \
    "$(cat "$W/pub800.out")"

s3_down
echo "tiles_replica: ok"
