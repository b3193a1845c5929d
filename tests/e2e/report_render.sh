# The reviewer's HTML report as a reviewer's screen shows it: a real
# bundle (tests/tools/mkbundle.sh: real daemon, ffmpeg footage, TSA),
# custos-verify bundle --html on it, and the page opened in Debian's
# headless Chromium at 1280x800 by tests/browser/render.js, which saves a
# screenshot and checks that the page is zh-CN, that every CJK character
# is drawn by a CJK font (no tofu, as Chromium reports the fonts it used)
# and that both verdicts (#verdict-integrity, #verdict-procedure) are
# visible on the first screen.  Then each check is shown to fire: the
# same page with the CJK fonts hidden from fontconfig fails the tofu
# check, and with a tall block before the verdicts fails the fold check.
. "$(dirname "$0")/lib.sh"
BROWSER=$E2E_TOP/tests/browser

step "what the test needs (make deps installs it)"
# installed PACKAGE: the Debian package PACKAGE is installed.
installed() {
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null |
	    grep -q ' installed$'
}
for p in chromium fonts-noto-cjk fontconfig; do
	installed $p || fail "the Debian package $p is missing (make deps)"
done
[ -x /usr/bin/chromium ] || fail "no /usr/bin/chromium (package chromium)"
command -v node >/dev/null || fail "node is missing (package nodejs)"
[ -f "$BROWSER/node_modules/puppeteer-core/package.json" ] ||
    fail "puppeteer-core is missing in tests/browser (make deps)"
fc-list :lang=zh family | grep -q 'Noto Sans CJK' ||
    fail "fontconfig lists no Noto Sans CJK font (package fonts-noto-cjk)"

# render NAME WANT [ARGS...]: render.js on $W/NAME.html, screenshot in
# $W/NAME.png, output in $W/NAME.out; it must exit WANT.
render() {
	_r_n=$1 _r_want=$2
	shift 2
	exits "$_r_n" "$_r_want" timeout 60 node "$BROWSER/render.js" \
	    "$@" "$W/$_r_n.html" "$W/$_r_n.png"
	sed 's/^/  /' "$W/$_r_n.out"
	[ -s "$W/$_r_n.png" ] || fail "$_r_n: no screenshot"
}

step "a real bundle and its HTML report"
made_bundle
exits verify 0 "$CUSTOS_VERIFY" bundle --key "$KEY" --tsa-ca "$CA" \
    --html "$W/report.html" "$GOOD"
[ -s "$W/report.html" ] || fail "custos-verify wrote no report.html"

step "the report in Chromium: zh-CN, no tofu, both verdicts above the fold"
render report 0
expect_in "fonts of the CJK text" "drawn by: Noto Sans CJK" \
    "$(grep '^tofu:' "$W/report.out")"

step "the CJK fonts hidden from fontconfig: the tofu check fires"
# Every font file fontconfig knows, less those that cover Chinese,
# Japanese or Korean, linked into one directory: the only fonts left.
mkdir -p "$W/nocjk" "$W/fc-cache"
fc-list -f '%{file}\n' | sort -u >"$W/fonts.all"
for l in zh ja ko; do
	fc-list -f '%{file}\n' ":lang=$l"
done | sort -u >"$W/fonts.cjk"
comm -23 "$W/fonts.all" "$W/fonts.cjk" | {
	n=0
	while IFS= read -r f; do
		n=$((n + 1))
		ln -s "$f" "$W/nocjk/$n-$(basename "$f")"
	done
}
[ -n "$(ls "$W/nocjk")" ] ||
    fail "no font without CJK glyphs (package fonts-dejavu-core)"
cat >"$W/nocjk.conf" <<EOF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
<dir>$W/nocjk</dir>
<cachedir>$W/fc-cache</cachedir>
</fontconfig>
EOF
export FONTCONFIG_FILE="$W/nocjk.conf"
fc-list :lang=zh family >"$W/fc.nocjk"
[ -s "$W/fc.nocjk" ] &&
    fail "the CJK fonts are not hidden: $(cat "$W/fc.nocjk")"
cp "$W/report.html" "$W/nocjk.html"
render nocjk 1
unset FONTCONFIG_FILE
grep -q '^FAIL tofu: .* drawn by a font without CJK glyphs' \
    "$W/nocjk.out" || fail "the tofu check did not fire without CJK fonts"

step "the verdicts pushed below the fold: the fold check fires"
sed 's|<body[^>]*>|&<div style="height:900px"></div>|' "$W/report.html" \
    >"$W/fold.html"
render fold 1
for v in verdict-integrity verdict-procedure; do
	grep -q "^FAIL verdicts: #$v: .*not inside the first 1280x800" \
	    "$W/fold.out" || fail "the fold check did not fire for #$v"
done
grep -q '^FAIL tofu' "$W/fold.out" && fail "tofu on the pushed page"
echo "report_render: ok"
