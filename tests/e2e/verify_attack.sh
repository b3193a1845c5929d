# Attacks on the reviewer's tools through their command line.
#
# tests/tools/mkbundle.sh builds a real station and exports one closed
# inspection (directory and tar).  Then:
#   - custos-verify --html never writes over a file: not over the bundle
#     itself ("--html copy.tar copy.tar" once turned the evidence into a
#     web page and still said VERIFIED), not over any existing file or
#     link, and not into the bundle directory by any spelling of the path;
#     each is exit 2 with the evidence unchanged, and a good --html leaves
#     one complete page and no temporary file;
#   - a FIFO in place of any input named on the command line (bundle,
#     --key, --tsa-ca, checkpoint, proof, receipt and its file) is exit 2
#     at once, where the verifier used to block in open() forever; every
#     run is under timeout, so a regression fails instead of hanging;
#   - custos audit with no calendar directory says so once.
. "$(dirname "$0")/lib.sh"

step "build a station and export one inspection (mkbundle.sh)"
made_bundle

# run NAME WANT CMD...: CMD under a 20 s timeout must exit WANT (124 is
# the timeout: a hang).  Output in $W/NAME.out and $W/NAME.err.
run() {
	n=$1 want=$2
	shift 2
	exits "$n" "$want" timeout 20 "$@"
}

# err_has NAME NEEDLE: NAME's stderr contains NEEDLE.
err_has() {
	grep -qF -- "$2" "$W/$1.err" ||
	    fail "$1: no [$2] on stderr: $(cat "$W/$1.err")"
	echo "ok: $1: $2"
}

# same NAME FILE COPY: FILE is byte for byte COPY.
same() {
	cmp -s "$2" "$3" || fail "$1: $2 was changed"
}

V=$CUSTOS_VERIFY
cd "$W" || fail "cd $W"
cp "$MK/bundle.tar" copy.tar || fail "copy the tar"
cp -R "$MK/bundle" copy || fail "copy the directory"

step "--html: the bundle itself, as a tar"
run html_self 2 "$V" bundle --key "$KEY" --tsa-ca "$CA" --html copy.tar \
    copy.tar
err_has html_self "--html copy.tar: exists"
same html_self copy.tar "$MK/bundle.tar"
grep -q VERIFIED "$W/html_self.out" && fail "html_self: a verdict was printed"
# The verb left out, as the reviewer's instructions spell it.
run html_self2 2 "$V" copy.tar --key "$KEY" --tsa-ca "$CA" --html copy.tar
same html_self2 copy.tar "$MK/bundle.tar"
# The same file by another name: a hard link.
ln copy.tar hard.tar || fail "ln"
run html_hard 2 "$V" bundle --key "$KEY" --tsa-ca "$CA" --html hard.tar \
    copy.tar
same html_hard copy.tar "$MK/bundle.tar"

step "--html: any existing file, the key, a link"
echo "not a report" >existing.html
run html_existing 2 "$V" bundle --key "$KEY" --tsa-ca "$CA" \
    --html existing.html copy
err_has html_existing "exists"
expect_eq "existing.html untouched" "not a report" "$(cat existing.html)"
cp "$KEY" key.copy
run html_key 2 "$V" bundle --key key.copy --tsa-ca "$CA" --html key.copy \
    copy
same html_key key.copy "$KEY"
ln -s nowhere/target.html dangling.html
run html_dangling 2 "$V" bundle --key "$KEY" --tsa-ca "$CA" \
    --html dangling.html copy
[ -e nowhere ] && fail "html_dangling: the link's target was created"

step "--html: inside the bundle directory, by any path"
ln -s copy copylink
for h in copy/report.html copy/media/report.html copylink/report.html \
    copy/media/../report.html "$W/copy/entries/report.html"; do
	run html_inside 2 "$V" bundle --key "$KEY" --tsa-ca "$CA" --html "$h" \
	    copy
	err_has html_inside "inside the bundle"
	[ -e "$h" ] && fail "html_inside: $h was written"
done
# Nothing new in the bundle: it still verifies, as it is.
run inside_after 0 "$V" bundle --key "$KEY" --tsa-ca "$CA" copy
diff -r copy "$MK/bundle" >/dev/null || fail "the bundle directory changed"

step "--html: a new file outside the bundle is written whole"
run html_good 0 "$V" bundle --lang en --key "$KEY" --tsa-ca "$CA" \
    --html report.html copy.tar
grep -q "VERIFIED: integrity proven" "$W/html_good.out" ||
    fail "html_good: not verified: $(cat "$W/html_good.out")"
[ -s report.html ] || fail "html_good: no report.html"
grep -q '</html>' report.html || fail "html_good: report.html is cut short"
left=$(ls -A "$W" | grep -c 'tmp')
expect_eq "temporary files left beside report.html" 0 "$left"
# Run again: the report it wrote is now an existing file.
run html_again 2 "$V" bundle --key "$KEY" --tsa-ca "$CA" --html report.html \
    copy.tar
err_has html_again "exists"

step "a FIFO for each input: exit 2 at once"
mkfifo fifo || fail "mkfifo"
run fifo_bundle 2 "$V" bundle --key "$KEY" --tsa-ca "$CA" fifo
err_has fifo_bundle "cannot read bundle fifo"
run fifo_verbless 2 "$V" fifo --key "$KEY" --tsa-ca "$CA"
err_has fifo_verbless "cannot read bundle fifo"
run fifo_timeline 2 "$V" timeline fifo
run fifo_key 2 "$V" bundle --key fifo --tsa-ca "$CA" copy
err_has fifo_key "cannot read key file fifo: not a regular file (a FIFO)"
run fifo_ca 2 "$V" bundle --key "$KEY" --tsa-ca fifo copy
err_has fifo_ca "cannot read --tsa-ca fifo: not a regular file (a FIFO)"
run fifo_timeline_key 2 "$V" timeline --key fifo copy
run fifo_checkpoint 2 "$V" checkpoint --key "$KEY" fifo
err_has fifo_checkpoint "not a regular file (a FIFO)"
run fifo_ckey 2 "$V" checkpoint --key fifo copy/checkpoint
"$CUSTOS" -c "$MK/custos.conf" log receipt 1 -o r.tlog-proof >/dev/null \
    2>"$W/receipt.err" || fail "log receipt: $(cat "$W/receipt.err")"
run receipt_good 0 "$V" receipt --key "$KEY" r.tlog-proof
run fifo_receipt 2 "$V" receipt --key "$KEY" fifo
err_has fifo_receipt "not a regular file (a FIFO)"
run fifo_receipt_file 2 "$V" receipt --key "$KEY" r.tlog-proof fifo
err_has fifo_receipt_file "cannot read fifo: not a regular file (a FIFO)"
run fifo_receipt_key 2 "$V" receipt --key fifo r.tlog-proof
ln -s fifo fifolink
run fifo_link 2 "$V" checkpoint --key "$KEY" fifolink
run dev_checkpoint 2 "$V" checkpoint --key "$KEY" /dev/zero
err_has dev_checkpoint "not a regular file (a character device)"
"$V" checkpoint --key "$KEY" --json fifo >"$W/fifo_json.out" 2>&1
expect_eq "fifo, --json: exit" 2 "$?"

step "custos audit without a calendar: the error once"
# Beside custos.conf: its relative paths are the config file's.
sed -e '/^calendar_dir *=/d' \
    -e "s|^\[station\]\$|[station]\ncalendar_dir = $W/nocalendar|" \
    "$MK/custos.conf" >"$MK/nocal.conf"
grep -q "^calendar_dir = $W/nocalendar" "$MK/nocal.conf" ||
    fail "no calendar_dir in nocal.conf"
run audit_nocal 2 "$CUSTOS" -c "$MK/nocal.conf" audit
cat "$W/audit_nocal.err"
expect_eq "audit without a calendar: stderr lines" 1 \
    "$(wc -l <"$W/audit_nocal.err")"
err_has audit_nocal "$W/nocalendar"
expect_eq "audit without a calendar: times the cause is given" 1 \
    "$(grep -o 'No such file or directory' "$W/audit_nocal.err" | wc -l)"

echo "verify_attack: ok"
