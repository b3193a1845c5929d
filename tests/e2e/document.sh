#!/bin/sh
# On-site documents sealed in an inspection's chain through the real
# daemon: a PDF-like file with a Chinese name is uploaded with "custos
# inspection document"; its document.sealed entry names the object
# (sha256sum of the file), size, kind and name, the store holds the same
# bytes, and the inspection_prev chain recomputed from the log's bytes
# holds.  Each refusal (unknown or closed inspection, bad kind, empty
# file, bad names) exits 1 with nothing appended and no temporary file
# left in the store.
. "$(dirname "$0")/lib.sh"
S=$W/state
USCC=91350100M000100Y43

# refused WHAT ARGS...: the command must exit 1 and append nothing.
refused() {
	what=$1
	shift
	before=$(tree_size)
	c "$@" >/dev/null 2>"$W/refused.err"
	st=$?
	expect_eq "$what: exit status ($(cat "$W/refused.err"))" 1 "$st"
	expect_eq "$what: tree size" "$before" "$(tree_size)"
	expect_eq "$what: store tmp" "" "$(ls -A "$S/store/tmp" 2>/dev/null)"
}

cd "$W" || exit 1
write_conf
mkdir -p "$W/docs"
start_daemon

step "officers, an enterprise, an entered inspection"
two_officers 闽 2027-12-31
c enterprise add $USCC --name 福州某化工有限公司 >/dev/null ||
    fail "enterprise add"
ID=$(c inspection register --enterprise $USCC --officer PA-0001 \
    --officer PA-0002 --basis 安全生产法第六十五条 --content 危化品储存检查 \
    --method onsite) || fail "register: $ID"
# Not before the registration: entered_before_registration.
c inspection enter "$ID" >/dev/null || fail "enter"

step "a PDF-like record of about 3 MiB with a Chinese name"
F=$W/docs/检查记录.pdf
python3 - "$F" <<'PY' || fail "make the file"
import os, sys
with open(sys.argv[1], "wb") as f:
    f.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    f.write(os.urandom(3 * 1024 * 1024 + 12345))
    f.write(b"\n%%EOF\n")
PY
SUM=sha256:$(sha256sum "$F" | cut -d' ' -f1)
SIZE=$(wc -c <"$F" | tr -d ' ')
OUT=$(c inspection document "$ID" --kind record --file "$F") ||
    fail "document: $OUT"
IDX=${OUT%% *}
expect_eq "printed object" "$SUM" "${OUT#* }"
expect_eq "entry type" document.sealed "$(entry_field "$IDX" type)"
expect_eq "entry inspection" "$ID" "$(entry_field "$IDX" inspection)"
expect_eq "entry object" "$SUM" "$(entry_field "$IDX" object)"
expect_eq "entry size" "$SIZE" "$(entry_field "$IDX" size)"
expect_eq "entry kind" record "$(entry_field "$IDX" kind)"
expect_eq "entry name" 检查记录.pdf "$(entry_field "$IDX" name)"
H=${SUM#sha256:}
OBJ=$S/store/objects/$(echo "$H" | cut -c1-2)/$(echo "$H" | cut -c3-)
[ -f "$OBJ" ] || fail "no object at $OBJ"
cmp -s "$F" "$OBJ" || fail "the stored object differs from the file"
expect_eq "store tmp after the upload" "" "$(ls -A "$S/store/tmp")"

step "a refusal note with --name, then the chain"
printf '企业拒绝检查, 现场记录.\n' >"$W/docs/note.txt"
OUT=$(c inspection document "$ID" --kind refusal --file "$W/docs/note.txt" \
    --name '拒绝检查 记录.txt') || fail "refusal: $OUT"
expect_eq "refusal name" '拒绝检查 记录.txt' "$(entry_field "${OUT%% *}" name)"
expect_eq "refusal kind" refusal "$(entry_field "${OUT%% *}" kind)"
check_chain "$ID"
python3 - "$W/chain.json" "$IDX" <<'PY' || fail "chain"
import json, sys
ins = json.load(open(sys.argv[1]))
types = [link["type"] for link in ins["chain"]]
assert types == ["inspection.registered", "inspection.entered",
    "document.sealed", "document.sealed"], types
assert int(sys.argv[2]) in [link["index"] for link in ins["chain"]]
PY

step "refusals append nothing"
printf 'x' >"$W/docs/one"
: >"$W/docs/empty"
refused "unknown inspection" inspection document NOSUCH-1 --kind record \
    --file "$W/docs/one"
refused "bad kind" inspection document "$ID" --kind invoice \
    --file "$W/docs/one"
refused "empty file" inspection document "$ID" --kind record \
    --file "$W/docs/empty"
refused "empty name" inspection document "$ID" --kind record \
    --file "$W/docs/one" --name ''
refused "name with a slash" inspection document "$ID" --kind record \
    --file "$W/docs/one" --name 'a/b.pdf'
refused "name with a newline" inspection document "$ID" --kind record \
    --file "$W/docs/one" --name "$(printf 'a\nb.pdf')"
refused "name with a tab" inspection document "$ID" --kind record \
    --file "$W/docs/one" --name "$(printf 'a\tb.pdf')"
refused "name not UTF-8" inspection document "$ID" --kind record \
    --file "$W/docs/one" --name "$(printf 'a\377b.pdf')"
refused "name with an overlong slash" inspection document "$ID" \
    --kind record --file "$W/docs/one" --name "$(printf 'a\300\257b')"

step "the raw API: an empty body and a missing name"
SOCK=$W/control.sock
code=$(curl -s -o raw.json -w '%{http_code}' --unix-socket "$SOCK" \
    -H 'Content-Type: application/octet-stream' --data-binary @/dev/null \
    "http://localhost/v1/inspections/$ID/document?kind=record&name=a.pdf")
expect_eq "empty body" 400 "$code"
code=$(curl -s -o raw.json -w '%{http_code}' --unix-socket "$SOCK" \
    -H 'Content-Type: application/octet-stream' --data-binary @"$F" \
    "http://localhost/v1/inspections/$ID/document?kind=record")
expect_eq "missing name" 400 "$code"
code=$(curl -s -o raw.json -w '%{http_code}' --unix-socket "$SOCK" \
    -H 'Content-Type: application/json' --data-binary @"$F" \
    "http://localhost/v1/inspections/$ID/enter")
expect_eq "another route keeps the 64 KiB limit" 413 "$code"

step "a closed inspection takes no document"
c inspection leave "$ID" >/dev/null || fail "leave"
c inspection close "$ID" --result 责令限期整改 >/dev/null || fail "close"
refused "closed inspection" inspection document "$ID" --kind notice \
    --file "$W/docs/one"

stop_daemon
echo "ok"
