# custos-verify bundle against a real bundle and a tamper matrix.
#
# tests/tools/mkbundle.sh builds a real station (custosd, ffmpeg footage
# docked as a camera, an on-site document, a real RFC 3161 TSA) and
# exports one closed inspection as a directory and as a tar.  The good
# bundle must verify (exit 0) in both shapes; each attack below is made on
# a fresh copy and must fail (exit 1) with its own ✘ line; usage errors
# and unreadable paths are exit 2.
. "$(dirname "$0")/lib.sh"

step "build a station and export one inspection (mkbundle.sh)"
made_bundle

# verify NAME EXPECTED-EXIT BUNDLE [OPTIONS...]: runs the verifier with
# the station's key and the TSA's CA, output in $W/NAME.out.
verify() {
	n=$1 want=$2 b=$3
	shift 3
	exits "$n" "$want" "$CUSTOS_VERIFY" bundle --lang en --key "$KEY" \
	    --tsa-ca "$CA" "$@" "$b"
}

# has NAME MARK TEXT: NAME's output has a line "  MARK TEXT..." (a check
# or segment line).
has() {
	grep -qF "  $2 $3" "$W/$1.out" ||
	    fail "$1: no line [$2 $3] in:
$(grep '✘\|✔' "$W/$1.out")"
	echo "ok: $1: $2 $3" | cut -c1-150
}

# copy NAME: a fresh copy of the good directory bundle in $W/NAME.
copy() {
	rm -rf "$W/$1"
	cp -R "$GOOD" "$W/$1" || fail "copy $1"
}

# json PY: evaluates a Python expression on the last --json report (r).
json() {
	python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$W/$JSONOUT.out" "$1"
}

ID=$(cat "$MK/inspection")
# The footage: the mp4 (a segment with a packet root) and the text file
# the camera also held (a segment too, not media).
VID=$(cd "$GOOD" && ls media/*.mp4)
VIDHEX=$(basename "$VID" .mp4)
TXTSEG=$(python3 - "$GOOD" <<'EOF'
import json, sys, os
m = json.load(open(os.path.join(sys.argv[1], "MANIFEST.json")))
print([i["path"] for i in m["items"] if i["path"].endswith(".txt")
       and i.get("made", {}).get("method") != "document"][0])
EOF
) || fail "no text segment in MANIFEST.json"
VIDIDX=$(python3 -c 'import json,sys
m = json.load(open(sys.argv[1]))
print([i["entry"] for i in m["items"] if i["path"] == sys.argv[2]][0])' \
    "$GOOD/MANIFEST.json" "$VID")
echo "inspection $ID, video $VID (entry $VIDIDX), text segment $TXTSEG"

step "the good bundle, as a directory and as a tar: exit 0"
verify good 0 "$GOOD"
has good ✔ "checkpoint signature by e2e.example/station+"
has good ✔ "timestamp token: CN=Custos test TSA"
has good ✔ "$VID: packet root sha256:"
has good ✔ "segments: all 2 linked segments present and unaltered"
grep -q '^VERIFIED: integrity proven$' "$W/good.out" ||
    fail "good: no VERIFIED line"
grep -q "^Proven: these 3 files existed, unaltered, no later than " \
    "$W/good.out" || fail "good: no what-is-proven sentence"
grep -q "are all of inspection $ID's recorded evidence" "$W/good.out" ||
    fail "good: the sentence does not name $ID"
grep -q 'the third-party anchor' "$W/good.out" ||
    fail "good: no anchor sentence"
verify goodtar 0 "$TAR"
has goodtar ✔ "bundle layout: "
has goodtar ✔ "$VID: packet root sha256:"

step "the issue's form: custos-verify BUNDLE --key VKEYFILE, no verb"
"$CUSTOS_VERIFY" "$TAR" --lang en --key "$KEY" --tsa-ca "$CA" >"$W/noverb.out" \
    2>"$W/noverb.err"
expect_eq "custos-verify BUNDLE: exit" 0 "$?"
cmp -s "$W/goodtar.out" "$W/noverb.out" ||
    fail "custos-verify BUNDLE differs from custos-verify bundle"
"$CUSTOS_VERIFY" --key "$KEY" --tsa-ca "$CA" "$GOOD" >/dev/null 2>&1
expect_eq "custos-verify --key ... BUNDLE: exit" 0 "$?"
"$CUSTOS_VERIFY" "$W/no-such-bundle" --key "$KEY" >/dev/null 2>"$W/nv.err"
expect_eq "no such path, no verb: usage exit" 2 "$?"
expect_in "no such path: unknown verb" "unknown verb" "$(cat "$W/nv.err")"

step "--json: one object with the verdict, counts and segment verdicts"
verify goodjson 0 "$GOOD" --json
JSONOUT=goodjson
expect_eq "format" custos-verify-report@1 "$(json 'r["format"]')"
expect_eq "verdict" proven "$(json 'r["verdict"]')"
expect_eq "inspection" "$ID" "$(json 'r["inspection"]')"
expect_eq "key matches" "True True" \
    "$(json 'r["key"]["matches_given"], r["key"]["bundle_vkey_matches_given"]' |
    tr -d '(),')"
expect_eq "timestamp" "True True True" \
    "$(json 'r["timestamp"]["present"], r["timestamp"]["checked"], r["timestamp"]["ok"]' |
    tr -d '(),')"
expect_eq "segments expected/found/ok" "2 2 2" \
    "$(json '" ".join(str(r["counts"][k]) for k in ("segments_expected", "segments_found", "segments_ok"))')"
expect_eq "segment verdicts" "ok ok" \
    "$(json '" ".join(s["verdict"] for s in r["segments"])')"
expect_eq "seven factors" 7 "$(json 'len(r["factors"])')"
expect_eq "every check ok" True "$(json 'all(c["ok"] for c in r["checks"])')"
expect_eq "timeline of the inspection" "$ID" \
    "$(json 'r["timeline"]["inspection"]')"

step "procedure findings: reported, exit 1 only with --strict"
NF=$(JSONOUT=goodjson json 'len(r["findings"])')
if [ "$NF" -gt 0 ]; then
	verify strict 1 "$GOOD" --strict
	grep -q '^VERIFIED: integrity proven$' "$W/strict.out" ||
	    fail "strict: integrity must still read proven"
	echo "ok: $NF finding(s); --strict exits 1"
else
	verify strict 0 "$GOOD" --strict
fi

step "timestamp: unchecked without --tsa-ca, absent, for other data"
"$CUSTOS_VERIFY" bundle --lang en --key "$KEY" "$GOOD" >"$W/noca.out" 2>&1
expect_eq "no --tsa-ca exit" 1 "$?"
has noca ✘ "timestamp not checked: no --tsa-ca"
copy notsr
rm "$W/notsr/checkpoint.tsr"
verify notsr 1 "$W/notsr"
has notsr ✘ "no timestamp token (checkpoint.tsr): there is no third-party anchor"
verify notsr_allowed 0 "$W/notsr" --allow-untimestamped
has notsr_allowed ✔ "no timestamp token (checkpoint.tsr)"
grep -q 'no third-party time' "$W/notsr_allowed.out" ||
    fail "notsr_allowed: the sentence must say there is no third-party time"
copy othertsr
tar -xOf "$TAR" checkpoint.tsr >"$W/othertsr/checkpoint.tsr" ||
    fail "extract the tar's token"
cmp -s "$W/othertsr/checkpoint.tsr" "$GOOD/checkpoint.tsr" &&
    fail "the two exports have the same token"
verify othertsr 1 "$W/othertsr"
has othertsr ✘ "timestamp token does not verify: "

step "attack: flip one byte in the video"
copy flip
python3 - "$W/flip/$VID" <<'EOF' || fail "flip a byte"
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0x01
open(p, "wb").write(b)
EOF
verify flip 1 "$W/flip"
has flip ✘ "$VID: hash sha256:"
has flip ✘ "segment $VIDIDX altered: $VID"

step "attack: swap the two footage files"
copy swap
mv "$W/swap/$VID" "$W/swap/tmp" && mv "$W/swap/$TXTSEG" "$W/swap/$VID" &&
    mv "$W/swap/tmp" "$W/swap/$TXTSEG" || fail "swap"
verify swap 1 "$W/swap"
has swap ✘ "$VID: hash sha256:"
has swap ✘ "$TXTSEG: hash sha256:"

step "attack: drop an entry of the chain"
DROP=$(python3 -c 'import json,sys
m = json.load(open(sys.argv[1]))
print(m["chain"][2])' "$GOOD/MANIFEST.json")
copy dropentry
rm "$W/dropentry/entries/$DROP.json" "$W/dropentry/proofs/$DROP.proof"
verify dropentry 1 "$W/dropentry"
has dropentry ✘ "entry $DROP ("
grep -F "  ✘ entry $DROP (" "$W/dropentry.out" | grep -q 'entries/'"$DROP"'.json is missing' ||
    fail "dropentry: the missing entry is not named"
has dropentry ✘ "chain: entry "
grep -F '  ✘ chain: entry ' "$W/dropentry.out" |
    grep -q 'an entry between them is missing' ||
    fail "dropentry: the broken link is not explained"

step "attack: drop the video"
copy dropmedia
rm "$W/dropmedia/$VID"
verify dropmedia 1 "$W/dropmedia" --json
JSONOUT=dropmedia
expect_eq "dropmedia: verdict" not_proven "$(json 'r["verdict"]')"
expect_eq "dropmedia: expected/found/ok" "2 1 1" \
    "$(json '" ".join(str(r["counts"][k]) for k in ("segments_expected", "segments_found", "segments_ok"))')"
expect_eq "dropmedia: the video's verdict" missing \
    "$(json '[s["verdict"] for s in r["segments"] if s["index"] == '"$VIDIDX"'][0]')"
verify dropmedia_text 1 "$W/dropmedia"
has dropmedia_text ✘ "entry $VIDIDX (segment.sealed) seals sha256:$VIDHEX: media file missing"
has dropmedia_text ✘ "segments: 1 of 2 linked segments present and unaltered"
grep -q '^NOT VERIFIED' "$W/dropmedia_text.out" ||
    fail "dropmedia: a missing part must never read as verified"

step "attack: edit an entry's JSON"
FIRST=$(python3 -c 'import json,sys
print(json.load(open(sys.argv[1]))["chain"][0])' "$GOOD/MANIFEST.json")
copy editentry
python3 - "$W/editentry/entries/$FIRST.json" <<'EOF' || fail "edit entry"
import sys
p = sys.argv[1]
s = open(p, "rb").read()
assert b"\xe5\x8d\xb1" in s     # the content, 危化品储存检查
open(p, "wb").write(s.replace(b"\xe5\x8d\xb1", b"\xe6\x97\xa0", 1))
EOF
verify editentry 1 "$W/editentry"
has editentry ✘ "entry $FIRST (inspection.registered): its bytes and inclusion proof do not lead to the checkpoint's root"

step "two verdicts first: integrity, then procedure"
JSONOUT=goodjson
NF=$(json 'len(r["findings"])')
expect_eq "good: first line" "✔ Integrity proven; 13 of 13 checks passed" \
    "$(sed -n 1p "$W/good.out")"
if [ "$NF" -gt 0 ]; then
	# Never green over a finding: each one is named under the verdict.
	expect_eq "good: second line" \
	    "✘ Procedure: $NF finding(s) limit the use of this evidence" \
	    "$(sed -n 2p "$W/good.out")"
	expect_eq "procedure verdict" limited \
	    "$(json 'r["procedure"]["verdict"]')"
	expect_eq "procedure limits" "$(json '" ".join(x["rule"] for x in r["findings"])')" \
	    "$(json '" ".join(x["rule"] for x in r["procedure"]["limits"])')"
	R1=$(json 'r["findings"][0]["rule"]')
	sed -n 3p "$W/good.out" | grep -qF "[$R1]" ||
	    fail "good: $R1 is not named under the procedure verdict"
else
	expect_eq "good: second line" \
	    "✔ Procedure: no finding limits the use of this evidence" \
	    "$(sed -n 2p "$W/good.out")"
	expect_eq "procedure verdict" clean "$(json 'r["procedure"]["verdict"]')"
fi
expect_eq "report language of --lang en" en "$(json 'r["lang"]')"
expect_eq "enterprise" "91350100M000100Y43 福州某化工有限公司" \
    "$(json 'r["enterprise"]["code"] + " " + r["enterprise"]["name"]')"
expect_eq "purpose" "证明 $ID 的检查过程" "$(json 'r["purpose"]')"
expect_eq "device kind of the video" "body DSJ-V8" \
    "$(json '" ".join([s["device_kind"] + " " + s["model"] for s in r["segments"] if s["index"] == '"$VIDIDX"'])')"
# Chinese is the default: the same two verdicts, the court's questions.
"$CUSTOS_VERIFY" bundle --key "$KEY" --tsa-ca "$CA" "$GOOD" >"$W/zh.out" 2>&1
expect_eq "zh: exit" 0 "$?"
expect_eq "zh: first line" "✔ 证据完整性已证明；核验项通过 13 / 13" \
    "$(sed -n 1p "$W/zh.out")"
if [ "$NF" -gt 0 ]; then
	expect_eq "zh: second line" "✘ 程序：$NF 项问题限制证据的使用" \
	    "$(sed -n 2p "$W/zh.out")"
fi
for s in "核验通过：证据完整性已证明" \
    "被检查单位：福州某化工有限公司（统一社会信用代码 91350100M000100Y43）" \
    "证明对象（MANIFEST.json 所述）：证明 $ID 的检查过程" \
    "第十二条" "制作方法：由执法记录仪 CAM-E01 录制，经工作站 USB 底座导入" \
    "制作人：执法人员 PA-0001 张伟" "（一）计算机系统的硬件、软件环境是否完整、可靠"; do
	grep -qF "$s" "$W/zh.out" || fail "zh: no [$s] in the report"
done
grep -q 'VERIFIED\|Proven:\|unaltered' "$W/zh.out" &&
    fail "zh: English sentences in the Chinese report"
# Each finding in Chinese: the rules' detail_zh (passed through in the
# JSON report), never the English detail.
python3 - "$W/goodjson.out" "$W/zh.out" <<'EOF2' ||
import json, sys
r = json.load(open(sys.argv[1]))
zh = open(sys.argv[2], encoding="utf-8").read()
for f in r["findings"]:
    if not f.get("detail_zh") or f["detail_zh"] not in zh:
        sys.exit("no detail_zh of %s in the zh report" % f["rule"])
    if f["detail"] in zh:
        sys.exit("the English detail of %s in the zh report" % f["rule"])
EOF2
    fail "zh: a finding's sentence is not the rules' Chinese one"
"$CUSTOS_VERIFY" bundle --lang fr --key "$KEY" "$GOOD" >/dev/null 2>"$W/fr.err"
expect_eq "--lang fr: usage exit" 2 "$?"
grep -qF -- "--lang takes zh or en" "$W/fr.err" || fail "--lang fr: $(cat "$W/fr.err")"

step "not proven is not altered: a segment entry edited, no checkpoint"
# The entry that seals the video is changed: its inclusion proof fails,
# but the video's bytes are the sealed ones.  Not proven, never altered.
copy editseg
python3 - "$W/editseg/entries/$VIDIDX.json" <<'EOF2' || fail "edit segment entry"
import sys
p = sys.argv[1]
s = open(p, "rb").read()
assert b'"source":"usb"' in s
open(p, "wb").write(s.replace(b'"source":"usb"', b'"source":"USB"', 1))
EOF2
verify editseg 1 "$W/editseg"
has editseg ✘ "segment $VIDIDX not proven: $VID"
grep -q "segment $VIDIDX altered" "$W/editseg.out" &&
    fail "editseg: an unproven entry is called altered"
"$CUSTOS_VERIFY" bundle --key "$KEY" --tsa-ca "$CA" "$W/editseg" \
    >"$W/editseg_zh.out" 2>&1
grep -qF "片段 $VIDIDX 未能证明：$VID" "$W/editseg_zh.out" ||
    fail "editseg: no 未能证明 line"
grep -qF "片段 $VIDIDX 被改动" "$W/editseg_zh.out" &&
    fail "editseg: 被改动 for an unproven entry"
copy nockpt
rm "$W/nockpt/checkpoint"
verify nockpt 1 "$W/nockpt"
has nockpt ✘ "segment $VIDIDX not proven: $VID"
grep -qw "altered" "$W/nockpt.out" &&
    fail "nockpt: no checkpoint, yet something is called altered"
# Bytes that differ are altered, in Chinese too.
"$CUSTOS_VERIFY" bundle --key "$KEY" --tsa-ca "$CA" "$W/flip" \
    >"$W/flip_zh.out" 2>&1
grep -qF "片段 $VIDIDX 被改动：$VID" "$W/flip_zh.out" ||
    fail "flip: no 被改动 line in Chinese"

step "a second signature under the station's name, by another key"
copy othersig
python3 "$E2E_TOP/tests/tools/forge_sig.py" "$W/othersig" "$W" other add ||
    fail "second signature"
OTHER=$(cat "$W/other.id")
# The token covers the checkpoint as the station signed it, and is
# checked with the lines of other keys left out (witnesses append theirs
# after it was made, docs/bundle.md): the bundle still verifies, and the
# report names the other key, which was not trusted.
verify othersig 0 "$W/othersig"
has othersig ✔ "timestamp token:"
grep -F "Key: " "$W/othersig.out" | grep -qF "also carries a signature under the station's name by another key, $OTHER" ||
    fail "othersig: the key line does not name the other key: $(grep 'Key: ' "$W/othersig.out")"
has othersig ✔ "checkpoint signature by $(cut -d+ -f1,2 "$KEY") (the key you gave) verifies"
verify othersig_json 0 "$W/othersig" --json
JSONOUT=othersig_json
expect_eq "other_signers" "$OTHER" "$(json '" ".join(r["key"]["other_signers"])')"
"$CUSTOS_VERIFY" bundle --key "$KEY" --tsa-ca "$CA" \
    --html "$W/othersig.html" "$W/othersig" >"$W/othersig_zh.out" 2>&1
grep -qF "由另一密钥 $OTHER 作出的签名" "$W/othersig_zh.out" ||
    fail "othersig: not stated in Chinese"
grep -q 'id="other-signers"' "$W/othersig.html" ||
    fail "othersig: the page does not show the other signature"
JSONOUT=goodjson
expect_eq "good: no other signers" "" "$(json '" ".join(r["key"]["other_signers"])')"

step "attack: an attacker's key in station.vkey, checkpoint re-signed"
copy attacker
python3 "$E2E_TOP/tests/tools/forge_sig.py" "$W/attacker" "$W" attacker \
    replace || fail "attacker re-signs"
verify attacker 1 "$W/attacker"
has attacker ✘ "checkpoint has no signature by the key you gave ($(cut -d+ -f1,2 "$KEY")); signed by: e2e.example/station+"
has attacker ✘ "station.vkey names key e2e.example/station+"
# The attacker's own key "verifies" the bundle's content: the report must
# say which key signed, so the reviewer sees it is not the station's.
"$CUSTOS_VERIFY" bundle --lang en --key "$W/attacker/station.vkey" \
    --allow-untimestamped \
    "$W/attacker" >"$W/attacker_own.out" 2>&1
grep -q "The checkpoint is signed by e2e.example/station+$(cut -d+ -f2 \
    "$W/attacker/station.vkey")" "$W/attacker_own.out" ||
    fail "attacker_own: the key section does not name the attacker's key"

step "attack: truncate the tar"
SIZE=$(wc -c <"$TAR")
head -c $((SIZE / 2 + 100)) "$TAR" >"$W/trunc.tar"
verify trunc 1 "$W/trunc.tar"
has trunc ✘ "bundle: tar: damaged or truncated"

step "attack: reorder the chain (two entries swap places)"
copy reorder
A=$(python3 -c 'import json,sys
print(json.load(open(sys.argv[1]))["chain"][3])' "$GOOD/MANIFEST.json")
B=$(python3 -c 'import json,sys
print(json.load(open(sys.argv[1]))["chain"][4])' "$GOOD/MANIFEST.json")
E=$W/reorder/entries
P=$W/reorder/proofs
mv "$E/$A.json" "$E/x" && mv "$E/$B.json" "$E/$A.json" && mv "$E/x" "$E/$B.json" &&
    mv "$P/$A.proof" "$P/x" && mv "$P/$B.proof" "$P/$A.proof" &&
    mv "$P/x" "$P/$B.proof" || fail "reorder"
verify reorder 1 "$W/reorder"
has reorder ✘ "entry $A: its \"index\" field says $B, not its file name's $A"
has reorder ✘ "chain: entry "

step "attack: add a foreign entry"
copy foreign
python3 - "$GOOD" "$W/foreign" <<'EOF' || fail "foreign entry"
import json, sys
g, f = sys.argv[1], sys.argv[2]
m = json.load(open(g + "/MANIFEST.json"))
src = m["chain"][1]
e = open("%s/entries/%d.json" % (g, src), "rb").read()
new = max(x["index"] for x in m["entries"]) + 40
e = e.replace(b'"index":%d,' % src, b'"index":%d,' % new, 1)
open("%s/entries/%d.json" % (f, new), "wb").write(e)
open("%s/proofs/%d.proof" % (f, new), "wb").write(
    open("%s/proofs/%d.proof" % (g, src), "rb").read())
print(new)
EOF
NEW=$(ls "$W/foreign/entries" | sort -n | tail -n 1 | cut -d. -f1)
verify foreign 1 "$W/foreign"
has foreign ✘ "entry $NEW (inspection.entered) is in the bundle but not in MANIFEST.json: a foreign entry"
has foreign ✘ "entry $NEW: not below the checkpoint's tree size"

step "layout: a symbolic link and an unknown file are refused"
copy layout
ln -s "../$VID" "$W/layout/media/0000000000000000000000000000000000000000000000000000000000000000.mp4"
echo x >"$W/layout/notes.txt"
verify layout 1 "$W/layout"
has layout ✘ "bundle: media/0000000000000000000000000000000000000000000000000000000000000000.mp4: a symbolic link (refused)"
has layout ✘ "bundle: \"notes.txt\": not a name of the bundle layout (refused)"

step "the timeline verb"
"$CUSTOS_VERIFY" timeline --key "$KEY" "$GOOD" >"$W/timeline.out" 2>&1
expect_eq "timeline exit" 0 "$?"
grep -q "$ID" "$W/timeline.out" || fail "timeline: no $ID"
"$CUSTOS_VERIFY" timeline --json "$TAR" >"$W/timelinej.out" 2>&1
expect_eq "timeline --json exit" 0 "$?"
JSONOUT=timelinej
expect_eq "timeline --json inspection" "$ID" "$(json 'r["inspection"]')"

step "usage errors and unreadable paths: exit 2"
usage() {	# NAME NEEDLE ARGS...
	n=$1 needle=$2
	shift 2
	"$CUSTOS_VERIFY" "$@" >"$W/$n.out" 2>&1
	st=$?
	expect_eq "$n exit" 2 "$st"
	grep -qF "$needle" "$W/$n.out" || fail "$n: no [$needle] in $(cat "$W/$n.out")"
	echo "ok: $n: exit 2"
}
usage nokey "bundle needs --key" bundle "$GOOD"
usage nobundle "needs a BUNDLE" bundle --key "$KEY"
usage badopt "does not take --frobnicate" bundle --key "$KEY" --frobnicate "$GOOD"
usage missingbundle "cannot read bundle $W/nonexistent" bundle --key "$KEY" "$W/nonexistent"
usage missingkey "cannot read key file $W/nokey" bundle --key "$W/nokey" "$GOOD"
printf '{"not": "a key"}\n' >"$W/notakey"
usage badkey "not a C2SP verifier key" bundle --key "$W/notakey" "$GOOD"
usage missingca "cannot read --tsa-ca" bundle --key "$KEY" --tsa-ca "$W/noca.pem" "$GOOD"

echo "bundle_tamper: ok"
