# The reviewer's HTML report, read back the way a person sees it: each
# page is opened in headless Chromium and the rendered DOM is checked for
# the verdict text and for hostile strings that must stay text.
#
# Part 1 renders report objects written here (html-run, the renderer
# custos-verify uses) for the cases a real bundle cannot easily produce:
# a report that says proven but lists a missing segment, a sparse report
# of a broken bundle, every string of the report hostile.  Part 2 builds a
# real bundle (tests/tools/mkbundle.sh: real daemon, ffmpeg footage,
# custos export), runs custos-verify bundle --html on it and on a copy
# with one byte of footage flipped, and checks both pages.
. "$(dirname "$0")/lib.sh"
HTMLRUN=${CUSTOS_BUILD:-$(dirname "$CUSTOSD")}/tests/html-run
MKBUNDLE=$(cd "$(dirname "$0")/../tools" && pwd)/mkbundle.sh
[ -x "$HTMLRUN" ] || fail "no html-run at $HTMLRUN (make B/tests/html-run)"
command -v chromium >/dev/null || fail "chromium is needed"
command -v python3 >/dev/null || fail "python3 is needed"

# render FILE: Chromium's DOM of FILE after parsing, in FILE.dom.
render() {
	timeout 60 chromium --headless --no-sandbox --disable-gpu \
	    --no-first-run --user-data-dir="$W/chromium" \
	    --dump-dom "file://$1" >"$1.dom" 2>>"$W/chromium.err" ||
	    fail "chromium could not render $1: $(tail -n 3 "$W/chromium.err")"
	[ -s "$1.dom" ] || fail "chromium gave no DOM for $1"
}

# check FILE CLASS PREFIX [NEEDLE...]: the rendered #verdict-integrity has
# CLASS and starts with PREFIX; each NEEDLE is in the verdict's text.  The
# #verdict-procedure beside it is green (class ok) only when it names no
# finding, and has class $PCLASS when that is set.  Also, for
# every page: no element Chromium built may run or fetch anything (no
# script, img, iframe, object, embed, link, no on* or src/href
# attributes), and every string in $W/hostile (one a line) appears as
# text.  Prints the verdict.
check() {
	python3 - "$@" <<'EOF' || fail "page $1 failed its checks"
import os, sys
from html.parser import HTMLParser

path, want_class, want_prefix = sys.argv[1:4]
want_pclass = os.environ.get("PCLASS", "")
want_lang = os.environ.get("WANT_LANG", "zh-CN")
needles = sys.argv[4:]
BAD_TAGS = {"script", "img", "iframe", "object", "embed", "link", "form",
            "base"}

class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.verdict, self.vclass = [], None, None
        self.text, self.bad, self.depth = [], [], None
        self.pclass, self.ptext, self.pdepth, self.pitems = None, None, None, 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in BAD_TAGS:
            self.bad.append(tag)
        for k, v in attrs:
            if k.startswith("on") or k in ("src", "href", "srcdoc"):
                self.bad.append(f"{tag} {k}={v}")
        if tag == "meta" and a.get("http-equiv"):
            self.bad.append("meta http-equiv")
        if a.get("id") == "verdict-integrity":
            if self.verdict is not None:
                self.bad.append("a second #verdict-integrity")
            self.vclass, self.verdict, self.depth = a.get("class"), "", 0
        elif self.depth is not None and self.depth >= 0:
            self.depth += 1
        if a.get("id") == "verdict-procedure":
            if self.ptext is not None:
                self.bad.append("a second #verdict-procedure")
            self.pclass, self.ptext, self.pdepth = a.get("class"), "", 0
        elif self.pdepth is not None and self.pdepth >= 0:
            self.pdepth += 1
            if tag == "li":
                self.pitems += 1
    def handle_endtag(self, tag):
        # depth: elements open inside #verdict; -1 once it is closed.
        if self.depth is not None and self.depth >= 0:
            self.depth -= 1
        if self.pdepth is not None and self.pdepth >= 0:
            self.pdepth -= 1
    def handle_data(self, data):
        self.text.append(data)
        if self.depth is not None and self.depth >= 0:
            self.verdict += data
        if self.pdepth is not None and self.pdepth >= 0:
            self.ptext += data

dom = open(path + ".dom", encoding="utf-8").read()
raw = open(path, encoding="utf-8").read()
p = P()
p.feed(dom)
errs = []
if p.verdict is None:
    errs.append("no #verdict-integrity element")
else:
    print(f"  integrity [{p.vclass}]: {p.verdict}")
    if p.vclass != "verdict " + want_class:
        errs.append(f"#verdict-integrity class {p.vclass}, expected {want_class}")
    if not p.verdict.startswith(want_prefix):
        errs.append(f"#verdict-integrity does not start with {want_prefix!r}")
    for n in needles:
        if n not in p.verdict:
            errs.append(f"#verdict-integrity lacks {n!r}")
if p.ptext is None:
    errs.append("no #verdict-procedure element")
else:
    print(f"  procedure [{p.pclass}]: {p.ptext}")
    if p.pclass not in ("verdict ok", "verdict limited"):
        errs.append(f"#verdict-procedure class {p.pclass}")
    if p.pclass == "verdict ok" and p.pitems > 0:
        errs.append("#verdict-procedure is green over a finding")
    if want_pclass and p.pclass != "verdict " + want_pclass:
        errs.append(f"#verdict-procedure class {p.pclass}, expected {want_pclass}")
if p.bad:
    errs.append(f"active markup in the page: {p.bad}")
text = "".join(p.text)
hostile = open(os.environ["W"] + "/hostile",
               encoding="utf-8").read().splitlines()
for h in hostile:
    if h and h not in text:
        errs.append(f"hostile string not shown as text: {h!r}")
if '<meta charset="utf-8">' not in raw or f'<html lang="{want_lang}">' not in raw:
    errs.append(f"no <meta charset> or lang={want_lang} in the file")
style = raw.split("</style>")[0]
if "'Noto Sans CJK SC'" not in style or "'WenQuanYi Micro Hei'" not in style:
    errs.append("no CJK font-family list in the style")
if raw.find('id="verdict-procedure"') > raw.find('id="key"'):
    errs.append("the verdicts are not at the top of the page")
for s in ("url(", "@import", "http://", "https://"):
    if s in raw.split("</style>")[0]:
        errs.append(f"external resource in the style: {s}")
for e in errs:
    print("  " + e)
sys.exit(1 if errs else 0)
EOF
}
export W

step "part 1: reports written here, rendered by html-run and Chromium"
# The strings a hostile bundle could carry; each must show as text.
cat >"$W/hostile" <<'EOF'
<script>document.title='pwned'</script>
"><img src=x onerror=alert(1)>
' onmouseover='alert(2)
</td></tr></table><iframe src="http://example.com/"></iframe>
EOF
python3 - "$W" <<'EOF' || fail "writing the reports"
import json, sys
w = sys.argv[1]
h = open(w + "/hostile", encoding="utf-8").read().splitlines()
def seg(i, verdict, **kw):
    s = {"index": i, "object": "sha256:%064x" % i,
         "path": "media/%064x.mp4" % i, "verdict": verdict,
         "camera": h[1], "officer": "PA-0001",
         "recorded_start": "2026-11-26T01:00:02Z", "duration_ms": 60000,
         "source": "usb", "linked": True}
    s.update(kw)
    return s
timeline = {
    "inspection": "INS-20261126-0001",
    "events": [
        {"time": "2026-11-26T01:00:00.000Z", "kind": "entered", "index": 11,
         "text": "the officers entered the site"},
        {"time": "2026-11-26T01:00:02.000Z", "kind": "footage", "index": 5,
         "text": h[0], "camera": h[1]},
        {"time": "2026-11-26T01:06:00.000Z", "kind": "left", "index": 17,
         "text": "the officers left the site"}],
    "coverage": [{"from": "2026-11-26T01:00:02.000Z",
                  "to": "2026-11-26T01:01:02.000Z", "segment": 5,
                  "camera": h[1], "linked": True}],
    "gaps": [{"from": "2026-11-26T01:01:02.000Z",
              "to": "2026-11-26T01:06:00.000Z", "seconds": 298,
              "explained": False},
             {"from": "2026-11-26T01:00:00.000Z",
              "to": "2026-11-26T01:00:02.000Z", "seconds": 2,
              "explained": True, "reason": h[3]}],
    "findings": []}
good = {
    "format": "custos-verify-report@1", "verdict": "proven",
    "strict_failed": False, "bundle": h[3], "bundle_format":
    "custos-bundle@1", "inspection": "INS-20261126-0001", "station": h[2],
    "profile": "default",
    "key": {"signer": h[2], "signer_key_id": "1a2b3c4d", "given_key_id":
            "1a2b3c4d", "matches_given": True,
            "bundle_vkey_matches_given": True, "text": "signed by the key"},
    "timestamp": {"present": True, "checked": True, "ok": True, "time":
                  "2026-11-26T02:03:04Z", "tsa": h[0], "serial": "0x2a",
                  "policy": "1.2.3.4.1", "text": "checked"},
    "checks": [{"id": "checkpoint", "ok": True, "text": "signed"},
               {"id": "media", "ok": True, "text": h[1], "path": h[2],
                "index": 5}],
    "segments": [seg(5, "ok"), seg(6, "ok", officer=h[0])],
    "counts": {"segments_expected": 2, "segments_found": 2,
               "segments_ok": 2, "entries_expected": 9, "entries_found": 9,
               "media_expected": 2, "media_found": 2},
    "officers": [{"id": "PA-0001", "name": h[0]},
                 {"id": "PA-0002", "name": "李娜"}],
    "factors": [{"id": "f%d" % i, "title": h[i % 4], "ok": True,
                 "evidence": [h[(i + 1) % 4]]} for i in range(7)],
    "anchor": "The outside timestamp (TSA at 2026-11-26T02:03:04Z), not "
              "the station's own log, is the third-party anchor.",
    "findings": [{"rule": "footage_gap", "detail": h[2],
                  "entries": [11, 17]}],
    "timeline": timeline, "proven": h[1]}
bad = json.loads(json.dumps(good))
bad["verdict"] = "not_proven"
bad["segments"] = [seg(5, "ok"), seg(6, "altered", why=h[0]),
                   seg(7, "missing", why="not in the bundle")]
bad["counts"].update(segments_expected=3, segments_found=2, segments_ok=1,
                     media_expected=3, media_found=2)
bad["checks"][1]["ok"] = False
# Says proven, but one segment is missing: the page must not say proven.
liar = json.loads(json.dumps(good))
liar["segments"].append(seg(7, "missing"))
liar["counts"].update(segments_expected=3, segments_found=2)
unproven = json.loads(json.dumps(bad))
unproven["segments"] = [seg(5, "ok"), seg(6, "unproven", why="not proven")]
unproven["counts"].update(segments_expected=2, segments_found=2,
                          segments_ok=1, media_expected=2, media_found=2)
clean = json.loads(json.dumps(good))
clean["findings"] = []
clean["procedure"] = {"verdict": "clean", "limits": []}
english = json.loads(json.dumps(good))
english["lang"] = "en"
for name, obj in (("good", good), ("bad", bad), ("liar", liar),
                  ("unproven", unproven), ("clean", clean),
                  ("english", english),
                  ("sparse", {"verdict": "proven"}), ("empty", {})):
    json.dump(obj, open(f"{w}/{name}.json", "w"), ensure_ascii=False)
EOF
for r in good bad liar unproven clean english sparse empty; do
	"$HTMLRUN" "$W/$r.json" "$W/$r.html" || fail "html-run $r: exit $?"
	render "$W/$r.html"
done
# good lists a footage gap: integrity proven, procedure limited.
PCLASS=limited check "$W/good.html" ok "✔ 证据完整性已证明" \
    "完好片段 2 / 2" "条目 9 / 9" "媒体文件 2 / 2"
grep -F -q "录像中断且未说明原因" "$W/good.html.dom" ||
    fail "good.html: the gap is not named in Chinese"
# A finding without detail_zh (an older station's): its entries and the
# English sentence, marked as the station's English text.
grep -F -q "涉及条目 #11, #17；工作站只给出英文说明：" "$W/good.html.dom" ||
    fail "good.html: a finding without detail_zh is not marked as English"
grep -F -q "日志原文" "$W/good.html" &&
    fail "good.html: the findings' sentences are not the log's words"
check "$W/bad.html" bad "✘ 证据完整性未能证明" \
    "完好片段 1 / 3" "被改动 1" "缺失 1" "媒体文件 2 / 3"
check "$W/liar.html" bad "✘ 证据完整性未能证明" \
    "完好片段 2 / 3" "缺失 1" "报告称已证明，但"
check "$W/unproven.html" bad "✘ 证据完整性未能证明" \
    "完好片段 1 / 2" "未能证明 1"
grep -F -q "被改动 1" "$W/unproven.html.dom" &&
    fail "unproven.html: a segment that is not proven is called altered"
PCLASS=ok check "$W/clean.html" ok "✔ 证据完整性已证明"
WANT_LANG=en PCLASS=limited check "$W/english.html" ok "✔ Integrity proven" \
    "2 of 2 segments ok"
: >"$W/hostile"
check "$W/sparse.html" bad "✘ 证据完整性未能证明" \
    "报告中没有核验项"
check "$W/empty.html" bad "✘ 证据完整性未能证明" \
    "报告没有结论"

step "part 1: the page holds every section and the seven factors"
for s in 'id="key"' 'id="timestamp"' 'id="anchor"' 'id="checks"' \
    'id="segments"' 'id="factors"' 'id="officers"' 'id="timeline"' \
    'id="coverage"' 'id="findings"' 'class="blk cov"' 'class="blk gap"' \
    'class="blk gap explained"' '（七）' '北京时间 2026-11-26 09:00:00' \
    'the third-party anchor' 'id="art12"' '第十二条' '制作方法' '证明对象'
do
	grep -F -q "$s" "$W/good.html.dom" ||
	    fail "the rendered good.html lacks $s"
done

step "part 1: html-run refuses what is not a report"
printf '{"verdict": ' >"$W/broken.json"
"$HTMLRUN" "$W/broken.json" "$W/broken.html" 2>"$W/err"
expect_eq "html-run exit on broken JSON" 2 "$?"
expect_in "html-run error" "broken.json:1" "$(cat "$W/err")"

step "part 2: a real station and bundle, with hostile enterprise feedback"
[ -f "$MKBUNDLE" ] || fail "no $MKBUNDLE"
# The feedback text is signed into the inspection's chain, so it reaches
# the page through the bundle's own entries and the timeline.
. "$MKBUNDLE"
cd "$W" || fail "cd $W"
mkbundle_station
HOSTILE='<script>document.title="pwned"</script>"><img src=x onerror=alert(1)>'
printf '%s\n' "$HOSTILE" >"$W/hostile"
body=$(python3 -c 'import json,sys; print(json.dumps({"text": sys.argv[1]}))' \
    "$HOSTILE")
code=$(curl -s --unix-socket "$W/control.sock" -o "$W/api.out" \
    -w '%{http_code}' -H 'Content-Type: application/json' -d "$body" \
    "http://x/v1/inspections/$ID/feedback")
expect_eq "feedback with markup accepted" 201 "$code"
mkbundle_export "$W/bundle"
stop_daemon
stop_tsa
VKEY=$W/state/station.vkey

# verify NAME BUNDLE: custos-verify bundle --html NAME.html; exit in $st.
verify() {
	"$CUSTOS_VERIFY" bundle --key "$VKEY" --tsa-ca "$TSA_CA" \
	    --html "$W/$1.html" "$2" >"$W/$1.out" 2>"$W/$1.err"
	st=$?
	[ -s "$W/$1.html" ] || fail "no $1.html (exit $st): $(cat "$W/$1.err")"
}

# flip FILE: one byte in the middle of FILE changes.
flip() {
	python3 -c 'import os, sys
p = sys.argv[1]
with open(p, "r+b") as f:
    f.seek(os.path.getsize(p) // 2)
    b = f.read(1)
    f.seek(-1, 1)
    f.write(bytes([b[0] ^ 1]))' "$1" || fail "flip a byte of $1"
}

step "part 2: the good bundle is proven, on the page too"
verify real "$W/bundle"
expect_eq "custos-verify exit on the good bundle" 0 "$st"
render "$W/real.html"
check "$W/real.html" ok "✔ 证据完整性已证明" "完好片段 2 / 2"
for s in '福州某化工有限公司' '91350100M000100Y43' "证明 $ID 的检查过程" \
    '执法记录仪' 'DSJ-V8' '张伟'; do
	grep -F -q "$s" "$W/real.html.dom" || fail "real.html lacks $s"
done
"$CUSTOS_VERIFY" bundle --lang en --key "$VKEY" --tsa-ca "$TSA_CA" \
    --html "$W/real_en.html" "$W/bundle" >/dev/null 2>&1
expect_eq "custos-verify --lang en exit" 0 "$?"
render "$W/real_en.html"
WANT_LANG=en check "$W/real_en.html" ok "✔ Integrity proven" \
    "2 of 2 segments ok"
grep -F -q "企业反馈：" "$W/real.html.dom" ||
    fail "the feedback is not in the rendered timeline"
grep -F -q "feedback from the enterprise: " "$W/real_en.html.dom" ||
    fail "the feedback is not in the rendered English timeline"
grep -F -q "inspection.entered" "$W/real.html.dom" &&
    fail "the Chinese timeline shows an entry type's code"
grep -F -q "执法人员进入现场" "$W/real.html.dom" ||
    fail "the Chinese timeline does not say the officers entered"

step "part 2: one byte of footage flipped"
cp -R "$W/bundle" "$W/tampered" || fail "copy the bundle"
media=$(ls -S "$W/tampered/media"/*.mp4 | head -n 1)
[ -f "$media" ] || fail "no mp4 in the bundle's media/"
flip "$media"
verify tampered "$W/tampered"
expect_eq "custos-verify exit on the tampered bundle" 1 "$st"
render "$W/tampered.html"
check "$W/tampered.html" bad "✘ 证据完整性未能证明" \
    "完好片段 1 / 2" "被改动 1"

step "part 2: one media file missing"
cp -R "$W/bundle" "$W/missing" || fail "copy the bundle"
rm -f "$W/missing/media/$(basename "$media")"
verify missing "$W/missing"
expect_eq "custos-verify exit on the bundle missing a file" 1 "$st"
render "$W/missing.html"
check "$W/missing.html" bad "✘ 证据完整性未能证明" \
    "完好片段 1 / 2" "缺失 1"

step "part 3: a drone camera with no review, a decision with no credit notice"
# Integrity is proven, but the procedure limits the use: the footage of
# an unreviewed drone is not for penalty, and the decision was served
# without its credit-repair notice.
MKB_KIND=drone MKB_DECISION=plain sh "$MKBUNDLE" "$W/mk2" >"$W/mk2.out" \
    2>&1 || fail "mkbundle.sh (drone): $(tail -n 20 "$W/mk2.out")"
B2=$(sed -n 's/^bundle //p' "$W/mk2.out")
[ -f "$B2/MANIFEST.json" ] || fail "mkbundle.sh (drone) left no bundle"
M2=$(dirname "$B2")
"$CUSTOS_VERIFY" bundle --key "$M2/station.vkey" --tsa-ca "$M2/tsa/ca.pem" \
    --html "$W/drone.html" "$B2" >"$W/drone.out" 2>"$W/drone.err"
expect_eq "custos-verify exit on the drone bundle" 0 "$?"
first=$(sed -n 1p "$W/drone.out")
second=$(sed -n 2p "$W/drone.out")
expect_in "text report, line 1" "✔ 证据完整性已证明" "$first"
expect_in "text report, line 2" "✘ 程序：" "$second"
expect_in "text report, line 2" "限制证据的使用" "$second"
grep -F -q "不得作为处罚依据" "$W/drone.out" ||
    fail "the text report does not say the footage is not for penalty"
render "$W/drone.html"
: >"$W/hostile"
PCLASS=limited check "$W/drone.html" ok "✔ 证据完整性已证明"
python3 - "$W/drone.html.dom" <<'EOF' || fail "drone.html: procedure verdict"
import sys
from html.parser import HTMLParser

class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.text = None, ""
    def handle_starttag(self, tag, attrs):
        if dict(attrs).get("id") == "verdict-procedure":
            self.depth = 0
        elif self.depth is not None and self.depth >= 0:
            self.depth += 1
    def handle_endtag(self, tag):
        if self.depth is not None and self.depth >= 0:
            self.depth -= 1
    def handle_data(self, d):
        if self.depth is not None and self.depth >= 0:
            self.text += d

p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
for want in ("不得作为处罚依据", "credit_notice_missing"):
    if want not in p.text:
        sys.exit(f"#verdict-procedure lacks {want}: {p.text!r}")
EOF
grep -F -q "未同时送达信用修复告知书" "$W/drone.html.dom" ||
    fail "the timeline does not say the decision came without its notice"
# Each finding's sentence in Chinese, in the text and on the page: the
# rules' detail_zh (the JSON report passes it through), never the English.
"$CUSTOS_VERIFY" bundle --json --key "$M2/station.vkey" \
    --tsa-ca "$M2/tsa/ca.pem" "$B2" >"$W/drone.json" 2>&1
python3 - "$W/drone.json" "$W/drone.out" "$W/drone.html.dom" <<'EOF' ||
import json, sys
r = json.load(open(sys.argv[1]))
if not r["findings"]:
    sys.exit("the drone bundle has no findings")
for path in sys.argv[2:]:
    text = open(path, encoding="utf-8").read()
    for f in r["findings"]:
        if not f.get("detail_zh") or f["detail_zh"] not in text:
            sys.exit(f"{path}: no detail_zh of {f['rule']}")
        if f["detail"] in text:
            sys.exit(f"{path}: the English detail of {f['rule']}")
EOF
    fail "drone: a finding's sentence is not the rules' Chinese one"
# Every sentence and label of the Chinese text report is Chinese: no run
# of English words is left outside codes in brackets, hashes, paths, IDs,
# times and the allow-list of names (tests/tools/english_runs.py).  The
# same check on the English report must find runs, or it checks nothing.
ENRUNS=$E2E_TOP/tests/tools/english_runs.py
python3 "$ENRUNS" "$W/drone.out" >"$W/drone.en-runs" 2>&1 ||
    fail "the Chinese report has English runs: $(head -n 10 "$W/drone.en-runs")"
"$CUSTOS_VERIFY" bundle --lang en --key "$M2/station.vkey" \
    --tsa-ca "$M2/tsa/ca.pem" "$B2" >"$W/drone.en.out" 2>&1
python3 "$ENRUNS" "$W/drone.en.out" >"$W/drone.en.en-runs" 2>&1
expect_eq "english_runs.py on the English report (exit)" 1 "$?"
