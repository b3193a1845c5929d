#!/bin/sh
# The S3 client against a real radosgw (tests/tools/s3server.sh): custos
# replica check with good settings, a wrong secret, a server that is down,
# a missing bucket and a credentials file others may read; then
# tests/tools/s3put driving include/custos/s3.h directly: a whole PUT read
# back with the curl CLI, a wrong payload hash refused with nothing
# stored, a multipart upload with its x-amz-meta-sha256, a listing over
# several pages, a delete; radosgw killed and started again.  The bucket
# is made and objects read back with the curl CLI, a client independent
# of ours.
. "$(dirname "$0")/lib.sh"

S3PUT=${CUSTOS_BUILD:-$(dirname "$CUSTOS")}/tests/s3put
[ -x "$S3PUT" ] || fail "no $S3PUT (make B=... \$B/tests/s3put)"

s3_up
s3_bucket custos
cd "$W" || exit 1
write_conf

# creds FILE SECRET: a credentials file only its owner may read.
creds() {
	printf 'access_key = %s\nsecret_key = %s\n' "$ACCESS_KEY" "$2" >"$1"
	chmod 600 "$1"
}

# conf_replica NAME ENDPOINT BUCKET CREDS: $W/NAME.conf, the station's
# config with that [replica] section.
conf_replica() {
	cp "$CONF" "$W/$1.conf"
	cat >>"$W/$1.conf" <<EOC
[replica]
endpoint = $2
bucket = $3
credentials = $4
EOC
}

creds "$W/good.keys" "$SECRET_KEY"
creds "$W/wrong.keys" "x$SECRET_KEY"
conf_replica good "$S3_ENDPOINT" custos good.keys
conf_replica wrong "$S3_ENDPOINT" custos wrong.keys
conf_replica down "http://127.0.0.1:$(free_port)" custos good.keys
conf_replica nobucket "$S3_ENDPOINT" nobucket good.keys

step "replica check: good settings"
exits check 0 "$CUSTOS" -c "$W/good.conf" replica check
expect_in "check: the probe" "probe e2e.example/station/probe/" \
    "$(cat "$W/check.out")"
for s in put head get list delete OK; do
	grep -q "^$s" "$W/check.out" || fail "check: no $s line: $(cat "$W/check.out")"
done
exits checkj 0 "$CUSTOS" -c "$W/good.conf" replica check --json
expect_eq "check --json" "True put,head,get,list,delete" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["ok"], ",".join(s["step"] for s in d["steps"]))' "$W/checkj.out")"
expect_eq "no probe left in the bucket" "" \
    "$(s3_curl "$S3_ENDPOINT/custos?list-type=2&prefix=e2e.example%2Fstation%2Fprobe%2F" |
    grep -o '<Key>[^<]*</Key>')"

step "replica check: a wrong secret"
exits wrong 1 "$CUSTOS" -c "$W/wrong.conf" replica check
expect_in "wrong secret" "SignatureDoesNotMatch" "$(cat "$W/wrong.err")"
expect_in "wrong secret" "refused the credentials or the signature" \
    "$(cat "$W/wrong.err")"

step "replica check: the server is down"
exits down 1 "$CUSTOS" -c "$W/down.conf" replica check
expect_in "server down" "cannot reach http://127.0.0.1:" \
    "$(cat "$W/down.err")"

step "replica check: no such bucket"
exits nobucket 1 "$CUSTOS" -c "$W/nobucket.conf" replica check
expect_in "no bucket" "NoSuchBucket: there is no bucket nobucket" \
    "$(cat "$W/nobucket.err")"

step "replica check: a credentials file others may read"
chmod 644 "$W/good.keys"
exits open 2 "$CUSTOS" -c "$W/good.conf" replica check
expect_in "open keys" "readable by its group or others" \
    "$(cat "$W/open.err")"
chmod 600 "$W/good.keys"

# sha FILE: its SHA-256 in hex.
sha() {
	sha256sum <"$1" | cut -c1-64
}

step "s3_put_fd: 1 MiB with its SHA-256, read back by curl"
openssl rand -out "$W/one" 1048576 || fail "openssl rand"
exits put1 0 "$S3PUT" put st/object/one "$W/one" "$(sha "$W/one")"
s3_get custos/st/object/one "$W/one.back"
expect_eq "1 MiB read back" "$(sha "$W/one")" "$(sha "$W/one.back")"
exits head1 0 "$S3PUT" head st/object/one
expect_in "head" "size=1048576 sha256=$(sha "$W/one")" \
    "$(cat "$W/head1.out")"

step "s3_put_fd: a wrong SHA-256 is refused, nothing stored"
bad=$(sha "$W/one" | tr 0-9a-f 1-9a-f0)
exits bad 1 "$S3PUT" put st/object/bad "$W/one" "$bad"
expect_in "wrong hash" "error VERIFY http=400 code=XAmzContentSHA256Mismatch" \
    "$(cat "$W/bad.out")"
expect_eq "no object after a refused hash" 404 \
    "$(s3_status custos/st/object/bad)"

step "s3_put_fd: 23 MiB in parts of 5 MiB"
openssl rand -out "$W/mp" $((23 * 1048576)) || fail "openssl rand"
exits putmp 0 "$S3PUT" -p 5 -t 5 put st/object/mp "$W/mp" "$(sha "$W/mp")"
s3_get custos/st/object/mp "$W/mp.back"
expect_eq "23 MiB read back" "$(sha "$W/mp")" "$(sha "$W/mp.back")"
exits headmp 0 "$S3PUT" head st/object/mp
expect_in "multipart x-amz-meta-sha256" \
    "size=$((23 * 1048576)) sha256=$(sha "$W/mp")" "$(cat "$W/headmp.out")"
expect_in "an ETag of 5 parts" '-5&quot;</ETag>' \
    "$(s3_curl "$S3_ENDPOINT/custos?list-type=2&prefix=st%2Fobject%2Fmp")"

step "s3_put_fd: multipart with a wrong SHA-256 is aborted"
exits badmp 1 "$S3PUT" -p 5 -t 5 put st/object/badmp "$W/mp" "$bad"
expect_in "multipart wrong hash" "error VERIFY" "$(cat "$W/badmp.out")"
expect_eq "no object after an aborted upload" 404 \
    "$(s3_status custos/st/object/badmp)"
expect_eq "no upload left open" "" \
    "$(s3_curl "$S3_ENDPOINT/custos?uploads=" | grep -o '<Upload>')"

step "s3_list: 7 keys in pages of 2; s3_put_mem; s3_delete"
i=1
while [ $i -le 7 ]; do
	echo "page $i" >"$W/k"
	exits putmem 0 "$S3PUT" putmem "st/list/k$i" "$W/k"
	i=$((i + 1))
done
exits list 0 "$S3PUT" -l 2 list st/list/
expect_eq "listing" "st/list/k1 7,st/list/k2 7,st/list/k3 7,st/list/k4 7,st/list/k5 7,st/list/k6 7,st/list/k7 7,ok" \
    "$(paste -sd, "$W/list.out")"
# radosgw's log shows each page's request (written by its log thread).
pages() {
	[ "$(grep -c 'max-keys=2&prefix=st%2Flist%2F ' \
	    "$S3_DIR/log/client.rgw.a.log")" -eq 4 ]
}
wait_until 30 "radosgw logs 4 pages of 2 keys" pages
exits del 0 "$S3PUT" delete st/list/k4
expect_eq "deleted" 404 "$(s3_status custos/st/list/k4)"
exits del2 0 "$S3PUT" delete st/list/k4
exits list2 0 "$S3PUT" -l 2 list st/list/
expect_eq "listing after the delete" 7 "$(wc -l <"$W/list2.out")"
exits getmissing 1 "$S3PUT" get st/list/k4 "$W/missing"
expect_in "get of a deleted key" "error NOTFOUND http=404" \
    "$(cat "$W/getmissing.out")"

step "radosgw killed, then started again on the same data"
s3_stop_rgw
exits killed 1 "$CUSTOS" -c "$W/good.conf" replica check
expect_in "radosgw killed" "cannot reach $S3_ENDPOINT" "$(cat "$W/killed.err")"
s3_start_rgw
exits again 0 "$CUSTOS" -c "$W/good.conf" replica check
s3_get custos/st/object/mp "$W/mp.again"
expect_eq "23 MiB after the restart" "$(sha "$W/mp")" "$(sha "$W/mp.again")"

s3_down
echo "replica_s3: ok"
