#!/usr/bin/env node
// render.js REPORT.html SHOT.png [--lang LANG]
//
// Opens the reviewer's HTML report (custos-verify bundle --html) in
// Debian's headless Chromium at 1280x800, the way a reviewer's screen
// shows it, saves a PNG of that first screen in SHOT.png and checks what
// a person would see:
//
//   lang      the document's language is LANG (default zh-CN);
//   verdicts  #verdict-integrity and #verdict-procedure exist, each once,
//             carry a class ok, bad or limited, show text, are visible
//             and not covered, and lie wholly inside the first 1280x800
//             screen (above the fold);
//   tofu      every run of CJK characters on the page is drawn by a font
//             that is CJK-capable (Noto CJK, Source Han, WenQuanYi ...),
//             as Chromium itself reports through the DevTools protocol
//             (CSS.getPlatformFontsForNode): a run drawn even in part by
//             any other font is drawn as boxes ("tofu"); a zh page
//             must show some CJK text;
//   offline   the page fetches nothing beside itself.
//
// Prints what it found; exits 0 when every check holds, 1 with one
// "FAIL <check>: <why>" line per failed check, 2 on a usage error.
// CHROMIUM overrides the browser (default /usr/bin/chromium); the
// browser's profile is a fresh directory under $TMPDIR, removed at exit.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const puppeteer = require('puppeteer-core');

const WIDTH = 1280;
const HEIGHT = 800;
const TIME_LIMIT_MS = 45000;

// Families that hold the CJK ideographs.  A CJK run drawn by any other
// family is drawn with that family's missing-glyph box.
const CJK_FAMILIES = new RegExp('^(' + [
	'Noto (Sans|Serif)( Mono)? CJK( (SC|TC|HK|JP|KR))?',
	'Noto (Sans|Serif) (SC|TC|HK|JP|KR)',
	'Source Han (Sans|Serif)( (SC|TC|HK|J|K|CN|TW))?',
	'WenQuanYi (Micro Hei|Zen Hei|Bitmap Song)( Mono)?',
	'Droid Sans Fallback',
	'AR PL (UMing|UKai|New Sung|ShanHeiSun|ZenKai)( (CN|TW|HK|TW MBE))?',
	'Microsoft (YaHei|JhengHei)( UI)?',
	'PingFang (SC|TC|HK)',
	'Hiragino Sans( GB)?',
	'Sim(Sun|Hei|Kai|Fang)',
	'NSimSun',
].join('|') + ')$');

// CJK characters: the Han script (every extension), kana, hangul, CJK
// punctuation and the full-width forms (（）：，).
const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}' +
    '\\p{Script=Hangul}\\u3000-\\u303f\\uff00-\\uffef';

function usage() {
	process.stderr.write('usage: render.js REPORT.html SHOT.png ' +
	    '[--lang LANG]\n');
	process.exit(2);
}

function parseArgs(argv) {
	const a = { lang: 'zh-CN' };
	const rest = [];
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--lang' && i + 1 < argv.length)
			a.lang = argv[++i];
		else if (argv[i].startsWith('-'))
			usage();
		else
			rest.push(argv[i]);
	}
	if (rest.length !== 2)
		usage();
	[a.report, a.shot] = rest.map((p) => path.resolve(p));
	return a;
}

// In the page: the two verdicts, where they are and whether a person
// sees them.
function verdictsInPage(ids) {
	return ids.map((id) => {
		const all = document.querySelectorAll('[id="' + id + '"]');
		if (all.length === 0)
			return { id, why: 'no element' };
		if (all.length > 1)
			return { id, why: all.length + ' elements' };
		const el = all[0];
		const r = el.getBoundingClientRect();
		const cs = getComputedStyle(el);
		let op = 1;
		for (let e = el; e; e = e.parentElement)
			op *= Number(getComputedStyle(e).opacity);
		const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
		const top = document.elementFromPoint(cx, cy);
		return {
			id,
			cls: el.className,
			text: el.innerText.trim(),
			box: { left: r.left, top: r.top, right: r.right,
			    bottom: r.bottom },
			shown: cs.display !== 'none' &&
			    cs.visibility === 'visible' && op > 0.1 &&
			    r.width > 0 && r.height > 0,
			uncovered: top !== null &&
			    (el === top || el.contains(top)),
		};
	});
}

// In the page: every run of CJK characters in the body's visible text
// wrapped in its own <span data-cjk-probe="N"> (inline, inheriting
// everything, so each character keeps the font it had); the runs' texts.
function wrapCjkRuns(cjk) {
	const re = new RegExp('[' + cjk + ']+', 'gu');
	const any = new RegExp('[' + cjk + ']', 'u');
	const runs = [];
	const walker = document.createTreeWalker(document.body,
	    NodeFilter.SHOW_TEXT);
	const nodes = [];
	for (let n = walker.nextNode(); n; n = walker.nextNode())
		if (any.test(n.nodeValue) && n.parentElement &&
		    n.parentElement.namespaceURI ===
		    'http://www.w3.org/1999/xhtml' &&
		    !n.parentElement.closest('style, script, textarea, title'))
			nodes.push(n);
	for (const n of nodes) {
		const frag = document.createDocumentFragment();
		const s = n.nodeValue;
		let at = 0;
		re.lastIndex = 0;
		for (let m = re.exec(s); m; m = re.exec(s)) {
			if (m.index > at)
				frag.appendChild(document.createTextNode(
				    s.slice(at, m.index)));
			const span = document.createElement('span');
			span.setAttribute('data-cjk-probe', String(runs.length));
			span.textContent = m[0];
			frag.appendChild(span);
			const owner = n.parentElement.closest('[id]');
			runs.push({ text: m[0], where: owner ? '#' + owner.id :
			    n.parentElement.tagName.toLowerCase() });
			at = m.index + m[0].length;
		}
		if (at < s.length)
			frag.appendChild(document.createTextNode(s.slice(at)));
		n.parentNode.replaceChild(frag, n);
	}
	for (const span of document.querySelectorAll('[data-cjk-probe]')) {
		const i = Number(span.getAttribute('data-cjk-probe'));
		runs[i].rendered = span.getClientRects().length > 0;
	}
	return runs;
}

function short(s, n) {
	return s.length > n ? s.slice(0, n) + '…' : s;
}

async function checkTofu(page, lang, fails) {
	const runs = await page.evaluate(wrapCjkRuns, CJK);
	const cdp = await page.createCDPSession();
	await cdp.send('DOM.enable');
	await cdp.send('CSS.enable');
	const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
	const { nodeIds } = await cdp.send('DOM.querySelectorAll',
	    { nodeId: root.nodeId, selector: '[data-cjk-probe]' });
	if (nodeIds.length !== runs.length) {
		fails.push(['tofu', `${runs.length} CJK runs wrapped, ` +
		    `${nodeIds.length} found again`]);
		return;
	}
	const used = new Map();	// family -> glyphs, over every CJK run
	const bad = [];
	let chars = 0, checked = 0;
	for (const nodeId of nodeIds) {
		const { attributes } = await cdp.send('DOM.getAttributes',
		    { nodeId });
		const i = Number(attributes[attributes.indexOf(
		    'data-cjk-probe') + 1]);
		const run = runs[i];
		if (!run.rendered)
			continue;	// not laid out (display: none): not seen
		const { fonts } = await cdp.send('CSS.getPlatformFontsForNode',
		    { nodeId });
		checked++;
		chars += [...run.text].length;
		const others = [];
		for (const f of fonts) {
			used.set(f.familyName, (used.get(f.familyName) || 0) +
			    f.glyphCount);
			if (!CJK_FAMILIES.test(f.familyName))
				others.push(`${f.familyName} (${f.glyphCount} ` +
				    'glyphs)');
		}
		if (fonts.length === 0)
			bad.push(`"${short(run.text, 20)}" in ${run.where}: ` +
			    'Chromium reports no font for it');
		else if (others.length > 0)
			bad.push(`"${short(run.text, 20)}" in ${run.where}: ` +
			    `drawn by ${others.join(', ')}`);
	}
	await cdp.detach();
	const fams = [...used].map(([f, g]) => `${f} ${g}`).join(', ');
	console.log(`tofu: ${checked} CJK runs (${chars} characters) drawn ` +
	    `by: ${fams || 'nothing'}`);
	if (checked === 0 && lang.startsWith('zh'))
		fails.push(['tofu', 'the page shows no CJK text at all']);
	if (bad.length > 0)
		fails.push(['tofu', `${bad.length} of ${checked} CJK runs are ` +
		    'drawn by a font without CJK glyphs: ' +
		    bad.slice(0, 5).join('; ') +
		    (bad.length > 5 ? `; and ${bad.length - 5} more` : '')]);
}

function checkVerdicts(vs, fails) {
	for (const v of vs) {
		if (v.why) {
			fails.push(['verdicts', `#${v.id}: ${v.why}`]);
			continue;
		}
		const b = v.box;
		const box = `(${Math.round(b.left)},${Math.round(b.top)})-` +
		    `(${Math.round(b.right)},${Math.round(b.bottom)})`;
		console.log(`verdicts: #${v.id} [${v.cls}] at ${box}: ` +
		    short(v.text.replace(/\s+/g, ' '), 80));
		const why = [];
		if (!/(^|\s)(ok|bad|limited)(\s|$)/.test(v.cls))
			why.push(`class "${v.cls}" has none of ok, bad, limited`);
		if (v.text === '')
			why.push('no text');
		const inside = b.left >= 0 && b.top >= 0 && b.right <= WIDTH &&
		    b.bottom <= HEIGHT;
		if (!v.shown)
			why.push('not visible');
		else if (inside && !v.uncovered)
			why.push('covered by another element');
		if (!inside)
			why.push(`box ${box} not inside the first ` +
			    `${WIDTH}x${HEIGHT} screen`);
		if (why.length > 0)
			fails.push(['verdicts', `#${v.id}: ${why.join(', ')}`]);
	}
}

async function main() {
	const a = parseArgs(process.argv.slice(2));
	if (!fs.existsSync(a.report)) {
		console.log(`FAIL usage: no report ${a.report}`);
		process.exit(1);
	}
	const exe = process.env.CHROMIUM || '/usr/bin/chromium';
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'render-'));
	const fails = [];
	let browser;
	const timer = setTimeout(() => {
		console.log(`FAIL time: not done within ${TIME_LIMIT_MS} ms`);
		if (browser && browser.process())
			browser.process().kill('SIGKILL');
		process.exit(1);
	}, TIME_LIMIT_MS);
	try {
		browser = await puppeteer.launch({
			executablePath: exe,
			ignoreDefaultArgs: true,
			pipe: true,
			args: ['--headless', '--no-sandbox', '--disable-gpu',
			    '--disable-quic', '--no-first-run',
			    '--disable-background-networking',
			    '--disable-component-update', '--disable-sync',
			    '--hide-scrollbars', '--force-device-scale-factor=1',
			    `--user-data-dir=${profile}`, 'about:blank'],
			defaultViewport: { width: WIDTH, height: HEIGHT },
			timeout: 30000,
		});
		const page = await browser.newPage();
		const url = pathToFileURL(a.report).href;
		const fetched = [];
		page.on('request', (r) => {
			if (r.url() !== url && !r.url().startsWith('data:'))
				fetched.push(r.url());
		});
		const res = await page.goto(url, { waitUntil: 'load' });
		if (res && !res.ok())
			throw new Error(`loading ${url}: ${res.status()}`);
		await page.evaluate(() => document.fonts.ready.then(() => 0));
		await page.screenshot({ path: a.shot, type: 'png' });
		console.log(`screenshot: ${a.shot} (${WIDTH}x${HEIGHT})`);

		const lang = await page.evaluate(
		    () => document.documentElement.lang);
		console.log(`lang: ${lang || '(none)'}`);
		if (lang !== a.lang)
			fails.push(['lang', `<html lang="${lang}">, expected ` +
			    `"${a.lang}"`]);
		checkVerdicts(await page.evaluate(verdictsInPage,
		    ['verdict-integrity', 'verdict-procedure']), fails);
		// Last: it rewraps the page's text (the screenshot is taken).
		await checkTofu(page, a.lang, fails);
		if (fetched.length > 0)
			fails.push(['offline', 'the page fetched ' +
			    fetched.slice(0, 3).join(', ')]);
	} catch (e) {
		fails.push(['browser', `${exe}: ${e.message}`]);
	} finally {
		clearTimeout(timer);
		if (browser)
			await browser.close().catch(() => {});
		fs.rmSync(profile, { recursive: true, force: true });
	}
	for (const [what, why] of fails)
		console.log(`FAIL ${what}: ${why}`);
	process.exit(fails.length > 0 ? 1 : 0);
}

main();
