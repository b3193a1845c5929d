#!/usr/bin/env node
// console.js --base URL --user NAME --chromium EXE --profile DIR
//     --shots DIR [--ready FILE] STEP...
//
// Drives the web console of a running custosd in Debian's headless
// Chromium as one user: EXE starts Chromium as that user (the console
// knows a loopback peer by the uid owning its socket), with DIR as its
// profile (a directory the user owns).  Every page opened is saved as a
// full-page PNG in the shots directory (NAME-STEP.png), checked with
// axe-core (no serious or critical violation), and must be in the
// frame's language (zh-CN), name the user in #user, fetch nothing from
// outside URL and break no Content-Security-Policy rule.  The steps:
//
//   station=CAMERA   the station page; with --ready, FILE is written once
//                    the page is loaded (the test then docks CAMERA):
//                    CAMERA's .camera appears and its progress.bytes is
//                    seen part-way (0 < value < max) and then higher, as
//                    station.js polls /station.json
//   list=ID          /inspections lists ID, its row linking to its page
//   inspection=ID,MP4,TS,FORMS
//                    /inspections/ID: its chain of entries, the footage
//                    axis with a segment rect for MP4 and TS and at least
//                    one rect.gap (red) with its explanation, the playlist with
//                    MP4 served as /footage/MP4 and the MPEG-TS segment TS
//                    as /footage/TS.mp4, each with its proof ✔; the video
//                    plays each (currentTime advances) after a click on
//                    its button.play, fetched with HTTP Range (a 206 with
//                    a Content-Range); FORMS "export": the export and clip
//                    forms are there (purpose required, a csrf input),
//                    "none": absent
//   token=ID         prints "csrf: TOKEN", the form token the page of ID
//                    gives this user
//   refused=ID,TOKEN a POST of the export form with TOKEN as its csrf is
//                    refused: 403, #error naming the role reviewer
//   nocsrf=ID        the page's export form posted without its csrf input
//                    is refused: 403, #error naming CSRF
//   export=ID        the page's export form posted with its csrf is taken:
//                    the answer redirects (303 to the download)
//   ledger           /ledger: table#ledger and a#csv to /ledger.csv
//   audit            /audit: section#audit-summary and table#accesses
//   english=PATH     PATH?lang=en: <html lang="en">, its nav links keep
//                    lang=en
//   selftest         the axe check fires on /inspections spoilt on
//                    purpose (an image without alt, a field without label)
//
// Prints what it found, one "ok STEP: ..." per step that held and one
// "FAIL WHAT: why" per failed check, and last "inspection views: N", the
// inspection pages it loaded (each must have appended its
// inspection.viewed); exits 0 when every check held, 1
// otherwise, 2 on a usage error.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const puppeteer = require('puppeteer-core');

const WIDTH = 1280;
const HEIGHT = 800;
const TIME_LIMIT_MS = 240000;
const AXE = path.join(__dirname, 'node_modules', 'axe-core', 'axe.min.js');

function usage() {
	process.stderr.write('usage: console.js --base URL --user NAME ' +
	    '--chromium EXE --profile DIR --shots DIR [--ready FILE] ' +
	    'STEP...\n');
	process.exit(2);
}

function parseArgs(argv) {
	const a = { steps: [] };
	const opts = ['base', 'user', 'chromium', 'profile', 'shots', 'ready'];
	for (let i = 0; i < argv.length; i++) {
		const m = /^--(.*)$/.exec(argv[i]);
		if (m && opts.includes(m[1]) && i + 1 < argv.length)
			a[m[1]] = argv[++i];
		else if (m)
			usage();
		else
			a.steps.push(argv[i]);
	}
	for (const o of ['base', 'user', 'chromium', 'profile', 'shots'])
		if (!a[o])
			usage();
	if (a.steps.length === 0)
		usage();
	a.base = a.base.replace(/\/+$/, '');
	return a;
}

const fails = [];

function fail(what, why) {
	fails.push(what);
	console.log(`FAIL ${what}: ${why}`);
}

function short(s, n) {
	s = String(s).replace(/\s+/g, ' ').trim();
	return s.length > n ? s.slice(0, n) + '…' : s;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// until(page, fn, arg, ms): polls fn(arg) in the page every 100 ms until
// it returns a truthy value, which is returned; null after ms.
async function until(page, fn, arg, ms) {
	const end = Date.now() + ms;
	for (;;) {
		const v = await page.evaluate(fn, arg).catch(() => null);
		if (v)
			return v;
		if (Date.now() > end)
			return null;
		await sleep(100);
	}
}

class Console {
	constructor(a, browser) {
		this.a = a;
		this.browser = browser;
		this.axeSource = fs.readFileSync(AXE, 'utf8');
		this.views = 0;	// inspection pages loaded (200)
	}

	// A new tab that records what it fetches from elsewhere and the
	// Content-Security-Policy violations Chromium reports.
	async tab() {
		const page = await this.browser.newPage();
		page.outside = [];
		page.csp = [];
		page.on('request', (r) => {
			const u = r.url();
			if (!u.startsWith(this.a.base + '/') &&
			    !u.startsWith('data:') && u !== 'about:blank')
				page.outside.push(u);
		});
		page.footage = [];
		page.on('response', (r) => {
			const u = new URL(r.url());
			if (u.pathname.startsWith('/footage/'))
				page.footage.push({ path: u.pathname,
				    status: r.status(),
				    range: r.request().headers().range || '',
				    crange: r.headers()['content-range'] || '' });
		});
		page.on('console', (m) => {
			if (/Content Security Policy/i.test(m.text()))
				page.csp.push(m.text());
		});
		return page;
	}

	url(p) {
		return this.a.base + p;
	}

	// open(page, path): the page at path; its answer.
	async open(page, p) {
		const res = await page.goto(this.url(p), { waitUntil: 'load',
		    timeout: 30000 });
		if (res && res.status() === 200 &&
		    /^\/inspections\/[^/?]+(\?|$)/.test(p))
			this.views++;
		return res;
	}

	// pageChecks(page, name[, shot[, lang]]): the checks every page
	// gets (in language lang, zh-CN unless said), then its screenshot
	// (unless shot is false) and axe-core's verdict.
	async pageChecks(page, name, shot = true, lang = 'zh-CN') {
		const f = await page.evaluate(() => ({
			lang: document.documentElement.lang,
			user: (document.getElementById('user') || {})
			    .textContent,
			nav: document.querySelectorAll('nav#nav a').length,
			langLink: !!document.getElementById('lang'),
		}));
		if (f.lang !== lang)
			fail(`${name} frame`, `<html lang="${f.lang}">, ` +
			    `expected "${lang}"`);
		if (f.user === undefined || !f.user.includes(this.a.user))
			fail(`${name} frame`, `#user [${f.user}] does not ` +
			    `name ${this.a.user}`);
		if (f.nav === 0)
			fail(`${name} frame`, 'no link in nav#nav');
		if (!f.langLink)
			fail(`${name} frame`, 'no a#lang');
		if (shot)
			await this.shot(page, name);
		await this.axe(page, name);
		if (page.outside.length > 0)
			fail(`${name} offline`, 'fetched ' +
			    page.outside.slice(0, 3).join(', '));
		if (page.csp.length > 0)
			fail(`${name} csp`, short(page.csp[0], 300));
	}

	async shot(page, name) {
		const file = path.join(this.a.shots,
		    `${this.a.user.replace(/^.*_/, '')}-${name}.png`);
		try {
			await page.screenshot({ path: file, type: 'png',
			    fullPage: true });
			console.log(`screenshot: ${file}`);
		} catch (e) {
			fail(`${name} screenshot`, e.message);
		}
	}

	// axe(page, name[, expectBad]): axe-core run on the page as it is
	// now (its source evaluated through the DevTools protocol, which
	// the page's CSP does not govern); serious and critical violations
	// fail (unless expectBad), the others are listed.  Returns the
	// serious and critical ones.
	async axe(page, name, expectBad = false) {
		let r;
		try {
			await page.evaluate(this.axeSource);
			r = await page.evaluate(async () => {
				const res = await window.axe.run(document,
				    { resultTypes: ['violations'] });
				return {
					passes: res.passes.length,
					violations: res.violations.map((v) => ({
						id: v.id,
						impact: v.impact,
						help: v.help,
						nodes: v.nodes.length,
						target: v.nodes.length > 0 ?
						    v.nodes[0].target.join(' ') : '',
						html: v.nodes.length > 0 ?
						    v.nodes[0].html : '',
					})),
				};
			});
		} catch (e) {
			fail(`${name} axe`, `axe-core did not run: ${e.message}`);
			return null;
		}
		const bad = r.violations.filter((v) =>
		    v.impact === 'serious' || v.impact === 'critical');
		console.log(`axe ${name}: ${r.passes} rules pass, ` +
		    `${r.violations.length} violated (${bad.length} serious ` +
		    'or critical)');
		for (const v of r.violations)
			console.log(`  axe ${name}: ${v.impact} ${v.id} ` +
			    `(${v.nodes} nodes, e.g. ${short(v.target, 80)}): ` +
			    `${v.help}`);
		if (expectBad)
			return bad;
		for (const v of bad)
			fail(`${name} axe`, `${v.impact} ${v.id}: ${v.help} — ` +
			    `${v.nodes} nodes, e.g. ${short(v.html, 160)}`);
		return bad;
	}

	// The station page: CAMERA's progress bar moves while it docks.
	async station(camera) {
		const page = await this.tab();
		const res = await this.open(page, '/');
		if (!res || res.status() !== 200)
			return fail('station', `GET /: ${res && res.status()}`);
		if (!await page.$('section#cameras'))
			fail('station', 'no section#cameras');
		if (this.a.ready)
			fs.writeFileSync(this.a.ready, 'loaded\n');
		const sel = `#cameras .camera[data-camera="${camera}"]`;
		const read = (s) => {
			const c = document.querySelector(s);
			if (!c)
				return null;
			const p = c.querySelector('progress.bytes');
			const t = (q) => {
				const e = c.querySelector(q);
				return e ? e.textContent.trim() : null;
			};
			return {
				value: p ? Number(p.getAttribute('value')) : NaN,
				max: p ? Number(p.getAttribute('max')) : NaN,
				files: t('span.files'), rate: t('span.rate'),
				errors: t('span.errors'), state: t('span.state'),
			};
		};
		if (!await until(page, (s) => !!document.querySelector(s),
		    sel, 90000)) {
			await this.shot(page, 'station');
			return fail('station', `no ${sel} within 90 s of ` +
			    'loading the page');
		}
		// Sampled every 200 ms until the bar is full; the values
		// seen, in order, each with the time it was first seen.
		const t0 = Date.now();
		const seen = [];
		let midShot = false, last;
		while (Date.now() - t0 < 90000) {
			last = await page.evaluate(read, sel);
			if (!last)
				break;	// removed: undocked or done
			const prev = seen[seen.length - 1];
			if (!prev || prev.value !== last.value)
				seen.push({ ms: Date.now() - t0, ...last });
			if (!midShot && last.value > 0 &&
			    last.value < last.max && seen.length >= 2) {
				await this.shot(page, 'station');
				midShot = true;
			}
			if (last.value >= last.max && last.max > 0)
				break;
			await sleep(200);
		}
		console.log(`station: ${camera} progress.bytes values seen: ` +
		    seen.map((s) => `${s.value}/${s.max} at ${s.ms} ms ` +
		    `(files ${s.files}, rate ${s.rate}, state ${s.state})`)
		    .join('; '));
		const mid = seen.findIndex((s) => s.value > 0 &&
		    s.value < s.max);
		const moved = mid >= 0 &&
		    seen.slice(mid + 1).some((s) => s.value > seen[mid].value);
		if (seen.some((s) => !(s.max > 0)))
			fail('station', 'a progress.bytes without a max');
		for (const s of seen)
			for (const k of ['files', 'rate', 'errors', 'state'])
				if (s[k] === null)
					fail('station', `no span.${k} in ${sel}`);
		if (!moved)
			fail('station', 'the progress bar was not seen part-' +
			    'way and then further (docking too fast, or ' +
			    'station.js does not update it)');
		else if (!seen.some((s) => /^\d+\/\d+$/.test(s.files)))
			fail('station', 'span.files never read F/T');
		else
			console.log(`ok station: ${camera}'s progress moved ` +
			    `${seen[mid].value} -> ${seen[seen.length - 1].value}` +
			    ` of ${seen[mid].max} bytes`);
		if (!midShot)
			await this.shot(page, 'station');
		// The rest of the checks on the page as it is now.
		await this.pageChecks(page, 'station', false);
		for (const id of ['live', 'disk', 'checkpoint'])
			if (!await page.$(`section#${id}`))
				fail('station', `no section#${id}`);
		if (!await page.$('ul#warnings'))
			fail('station', 'no ul#warnings');
		await page.close();
	}

	async list(id) {
		const page = await this.tab();
		const res = await this.open(page, '/inspections');
		if (!res || res.status() !== 200)
			return fail('list', `GET /inspections: ${res &&
			    res.status()}`);
		const r = await page.evaluate((i) => {
			const row = document.querySelector(
			    `table#inspections tr[data-id="${i}"]`);
			const a = row && row.querySelector('a.inspection');
			return {
				form: !!document.querySelector(
				    'form#filter[method="get"]'),
				rows: document.querySelectorAll(
				    'table#inspections tr[data-id]').length,
				row: !!row,
				href: a ? a.getAttribute('href') : null,
			};
		}, id);
		if (!r.form)
			fail('list', 'no form#filter method="get"');
		if (!r.row)
			fail('list', `no tr[data-id="${id}"] in ` +
			    `table#inspections (${r.rows} rows)`);
		else if (!r.href || !r.href.startsWith(`/inspections/${id}`))
			fail('list', `its a.inspection links to ${r.href}`);
		else
			console.log(`ok list: ${id} listed (${r.rows} rows), ` +
			    `links to ${r.href}`);
		await this.pageChecks(page, 'inspections');
		await page.close();
	}

	// play(page, index, src): button.play of playlist item index
	// clicked; the video must play src: currentTime advancing.
	async play(page, index, src, what) {
		const li = `ol#playlist li.segment[data-index="${index}"]`;
		const btn = await page.$(`${li} button.play`);
		if (!btn)
			return fail(what, `no ${li} button.play`);
		await btn.click();
		const st = (s) => {
			const v = document.getElementById('player');
			return {
				src: v.currentSrc, t: v.currentTime,
				dur: v.duration, ready: v.readyState,
				paused: v.paused, ended: v.ended,
				err: v.error ? `${v.error.code} ${v.error.message}`
				    : null,
				ok: v.currentSrc.endsWith(s) && v.currentTime > 0.2,
			};
		};
		const first = await until(page, (s) => {
			const v = document.getElementById('player');
			if (v.error)
				return true;
			return v.currentSrc.endsWith(s) && v.currentTime > 0.2;
		}, src, 30000);
		const a = await page.evaluate(st, src);
		if (!first || a.err || !a.ok)
			return fail(what, `the video did not play ${src} within ` +
			    `30 s: currentSrc ${a.src}, currentTime ${a.t}, ` +
			    `readyState ${a.ready}, paused ${a.paused}, error ` +
			    `${a.err}`);
		// Advancing: half a second more of it played (waited for,
		// at most 10 s).
		await until(page, (x) => {
			const v = document.getElementById('player');
			return v.currentSrc.endsWith(x.src) &&
			    v.currentTime > x.t + 0.5;
		}, { src, t: a.t }, 10000);
		const b = await page.evaluate(st, src);
		if (!(b.t > a.t) || !b.src.endsWith(src))
			return fail(what, `currentTime did not advance: ${a.t} ` +
			    `then ${b.t} (src ${b.src}, ended ${b.ended})`);
		console.log(`ok ${what}: ${src} plays: currentTime ${a.t.toFixed(3)}` +
		    ` -> ${b.t.toFixed(3)} s of ${b.dur.toFixed(3)} s`);
		// Served with HTTP Range: Chromium asks for ranges, the
		// answers are 206 with a Content-Range.
		const got = page.footage.filter((f) => f.path === src);
		console.log(`  ${src}: ` + got.map((f) => `${f.status} ` +
		    `[${f.range || 'no Range'}] [${f.crange}]`).join(', '));
		if (!got.some((f) => f.status === 206 &&
		    /^bytes \d+-\d+\/\d+$/.test(f.crange)))
			fail(what, `no 206 answer with a Content-Range for ${src}`);
	}

	async inspection(id, mp4, ts, forms) {
		const page = await this.tab();
		const res = await this.open(page, `/inspections/${id}`);
		if (!res || res.status() !== 200)
			return fail('inspection', `GET /inspections/${id}: ` +
			    `${res && res.status()}`);
		const html = await res.text();
		const r = await page.evaluate((m, t) => {
			const q = (s) => document.querySelectorAll(s);
			const item = (n) => {
				const li = document.querySelector(
				    `ol#playlist li.segment[data-index="${n}"]`);
				return li ? {
					src: li.getAttribute('data-src'),
					ok: !!li.querySelector('span.proof.ok'),
					bad: !!li.querySelector('span.proof.bad'),
					text: li.textContent,
				} : null;
			};
			return {
				entries: q('ol#chain li.entry[data-index]').length,
				gaps: [...q('svg#axis rect.gap')].map((g) => {
					const tt = g.querySelector('title');
					return tt ? tt.textContent.trim() : '';
				}),
				// The fill of each unexplained gap, as drawn.
				fills: [...q('svg#axis rect.gap:not(.explained)')]
				    .map((g) => getComputedStyle(g).fill),
				segs: [...q('svg#axis rect.segment')].map(
				    (s) => s.getAttribute('data-index')),
				video: !!document.querySelector(
				    'video#player[controls]'),
				order: [...q('ol#playlist li.segment')].map(
				    (li) => li.getAttribute('data-index')),
				mp4: item(m), ts: item(t),
				findings: !!document.getElementById('findings'),
				exp: (() => {
					const f = document.querySelector(
					    'form#export[method="post"]');
					return f ? {
						action: f.getAttribute('action'),
						purpose: !!f.querySelector(
						    'input[name="purpose"][required]'),
						csrf: !!f.querySelector(
						    'input[name="csrf"]'),
					} : null;
				})(),
				clip: !!document.querySelector('form#clip'),
			};
		}, String(mp4), String(ts));
		const what = 'inspection';
		if (r.entries < 3)
			fail(what, `ol#chain has ${r.entries} li.entry`);
		else
			console.log(`ok chain: ${r.entries} entries`);
		// Red: the red channel well above green and blue.
		const notRed = r.fills.filter((f) => {
			const m = /^rgba?\((\d+), (\d+), (\d+)/.exec(f);
			return !m || !(m[1] - m[2] > 80 && m[1] - m[3] > 80);
		});
		if (r.gaps.length === 0)
			fail(what, 'no svg#axis rect.gap');
		else if (r.gaps.some((g) => g === ''))
			fail(what, 'a rect.gap without its <title>');
		else if (r.fills.length === 0 || notRed.length > 0)
			fail(what, 'an unexplained rect.gap is not drawn red: ' +
			    `${notRed[0] || 'none is unexplained'}`);
		else
			console.log(`ok gap: ${r.gaps.length} rect.gap, e.g. ` +
			    `"${short(r.gaps[0], 100)}", drawn ${r.fills[0]}`);
		for (const n of [mp4, ts])
			if (!r.segs.includes(String(n)))
				fail(what, `no svg#axis rect.segment ` +
				    `data-index="${n}" (has ${r.segs.join(' ')})`);
		if (!r.video)
			fail(what, 'no video#player with controls');
		else if (/<video[^>]*\ssrc=/.test(html))
			fail(what, 'the <video> has a src in the HTML');
		if (!r.findings)
			fail(what, 'no section#findings');
		const want = [[mp4, r.mp4, `/footage/${mp4}`],
		    [ts, r.ts, `/footage/${ts}.mp4`]];
		for (const [n, it, src] of want) {
			if (!it) {
				fail(what, `no ol#playlist li.segment ` +
				    `data-index="${n}" (has ${r.order.join(' ')})`);
				continue;
			}
			if (it.src !== src)
				fail(what, `segment ${n}: data-src ${it.src}, ` +
				    `expected ${src}`);
			if (!it.ok || it.bad)
				fail(what, `segment ${n}: no span.proof.ok ` +
				    `(${short(it.text, 120)})`);
		}
		if (r.order.indexOf(String(mp4)) > r.order.indexOf(String(ts)))
			fail(what, `playlist order ${r.order.join(' ')}: ` +
			    `${mp4} was recorded before ${ts}`);
		if (forms === 'export') {
			if (!r.exp)
				fail('forms', 'no form#export method="post"');
			else if (r.exp.action !== `/inspections/${id}/export` &&
			    !r.exp.action.startsWith(
			    `/inspections/${id}/export?`))
				fail('forms', `form#export action ${r.exp.action}`);
			else if (!r.exp.purpose || !r.exp.csrf)
				fail('forms', 'form#export lacks a required ' +
				    'purpose or the csrf input');
			if (!r.clip)
				fail('forms', 'no form#clip');
			if (r.exp && r.clip)
				console.log('ok forms: export and clip forms ' +
				    'shown to a reviewer');
		} else {
			if (r.exp || r.clip || /id="(export|clip)"/.test(html))
				fail('forms', 'the reviewer\'s export or clip ' +
				    `form is shown to ${this.a.user}`);
			else
				console.log('ok forms: no export or clip form ' +
				    `for ${this.a.user}`);
		}
		await this.pageChecks(page, 'inspection');
		if (r.video) {
			await this.play(page, mp4, `/footage/${mp4}`, 'play mp4');
			await this.play(page, ts, `/footage/${ts}.mp4`,
			    'play mpegts');
			await this.shot(page, 'inspection-playing');
		}
		await page.close();
	}

	async token(id) {
		const page = await this.tab();
		await this.open(page, `/inspections/${id}`);
		const t = await page.evaluate(() => {
			const m = document.querySelector(
			    'meta[name="csrf-token"]');
			return m ? m.content : null;
		});
		if (!t || !/^[0-9a-f]{32}$/.test(t))
			fail('token', `no 32 hex digit csrf-token meta: ${t}`);
		else
			console.log(`csrf: ${t}`);
		await page.close();
	}

	// submitted(page, fill, arg): fill(arg), evaluated in the page,
	// submits a form; the answer to that navigation.
	async submitted(page, fill, arg) {
		const [res] = await Promise.all([
			page.waitForNavigation({ waitUntil: 'load',
			    timeout: 60000 }),
			page.evaluate(fill, arg),
		]);
		return res;
	}

	async refusal(page, name, want, res) {
		const err = await page.evaluate(() => {
			const e = document.getElementById('error');
			return e ? e.textContent.trim() : null;
		});
		if (!res || res.status() !== 403)
			fail(name, `answered ${res && res.status()}, expected ` +
			    `403 (${short(err, 200)})`);
		else if (err === null)
			fail(name, 'the 403 page has no p#error');
		else if (!err.includes(want))
			fail(name, `p#error [${err}] does not name ${want}`);
		else
			console.log(`ok ${name}: 403, p#error: ${err}`);
		await this.pageChecks(page, name);
	}

	async refused(id, tok) {
		const page = await this.tab();
		await this.open(page, `/inspections/${id}`);
		const res = await this.submitted(page, ([i, t]) => {
			// The reviewer's form, as its HTML would be.
			const f = document.createElement('form');
			f.method = 'post';
			f.action = `/inspections/${i}/export`;
			for (const [k, v] of [['csrf', t],
			    ['purpose', 'auditor tries an export']]) {
				const e = document.createElement('input');
				e.type = 'hidden';
				e.name = k;
				e.value = v;
				f.appendChild(e);
			}
			document.body.appendChild(f);
			f.submit();
		}, [id, tok]);
		await this.refusal(page, 'refused', 'reviewer', res);
		await page.close();
	}

	async nocsrf(id) {
		const page = await this.tab();
		await this.open(page, `/inspections/${id}`);
		if (!await page.$('form#export'))
			return fail('nocsrf', 'no form#export to post');
		const res = await this.submitted(page, () => {
			const f = document.getElementById('export');
			f.querySelector('input[name="csrf"]').remove();
			f.querySelector('input[name="purpose"]').value =
			    'export without the form token';
			f.submit();
		});
		await this.refusal(page, 'nocsrf', 'CSRF', res);
		await page.close();
	}

	async exported(id) {
		const page = await this.tab();
		await this.open(page, `/inspections/${id}`);
		if (!await page.$('form#export'))
			return fail('export', 'no form#export to post');
		// fetch() with redirect "manual": the answer to the POST
		// itself (an opaque redirect for a 3xx), not the download.
		const r = await page.evaluate(async () => {
			const f = document.getElementById('export');
			const body = new URLSearchParams(new FormData(f));
			body.set('purpose', 'browser test: export with token');
			const res = await fetch(f.getAttribute('action'), {
			    method: 'POST', body, redirect: 'manual' });
			return { type: res.type, status: res.status,
			    text: res.type === 'opaqueredirect' ? '' :
			    await res.text() };
		});
		if (r.type !== 'opaqueredirect')
			fail('export', `the POST with its csrf answered ` +
			    `${r.status}, expected a redirect: ` +
			    short(r.text.replace(/<[^>]*>/g, ' '), 300));
		else
			console.log('ok export: the form with its csrf ' +
			    'redirects (to the download)');
		await page.close();
	}

	// The page at path in English: <html lang="en">, links that keep
	// the language, axe-core's verdict.
	async english(p) {
		const page = await this.tab();
		const res = await this.open(page, p + (p.includes('?') ? '&' :
		    '?') + 'lang=en');
		if (!res || res.status() !== 200)
			return fail('english', `GET ${p}?lang=en: ${res &&
			    res.status()}`);
		const r = await page.evaluate(() => [...document.querySelectorAll(
		    'nav#nav a')].map((a) => a.getAttribute('href')));
		const lost = r.filter((h) => !/[?&]lang=en(&|$)/.test(h));
		if (r.length === 0 || lost.length > 0)
			fail('english', `nav#nav links without lang=en: ` +
			    lost.join(' '));
		else
			console.log(`ok english: ${p} in English, ${r.length} ` +
			    'nav links keep lang=en');
		await this.pageChecks(page, 'english', true, 'en');
		await page.close();
	}

	async ledger() {
		const page = await this.tab();
		const res = await this.open(page, '/ledger');
		if (!res || res.status() !== 200)
			return fail('ledger', `GET /ledger: ${res && res.status()}`);
		const r = await page.evaluate(() => ({
			table: !!document.querySelector('table#ledger'),
			csv: (document.getElementById('csv') || { getAttribute:
			    () => null }).getAttribute('href'),
		}));
		if (!r.table)
			fail('ledger', 'no table#ledger');
		if (!r.csv || !r.csv.startsWith('/ledger.csv'))
			fail('ledger', `a#csv links to ${r.csv}`);
		if (r.table && r.csv)
			console.log('ok ledger: table#ledger and a#csv');
		await this.pageChecks(page, 'ledger');
		await page.close();
	}

	async audit() {
		const page = await this.tab();
		const res = await this.open(page, '/audit');
		if (!res || res.status() !== 200)
			return fail('audit', `GET /audit: ${res && res.status()}`);
		const r = await page.evaluate(() => ({
			sum: !!document.querySelector('section#audit-summary'),
			acc: document.querySelectorAll('table#accesses tr')
			    .length,
		}));
		if (!r.sum)
			fail('audit', 'no section#audit-summary');
		if (r.acc === 0)
			fail('audit', 'no table#accesses (or no row)');
		if (r.sum && r.acc > 0)
			console.log(`ok audit: summary and ${r.acc} rows of ` +
			    'accesses');
		await this.pageChecks(page, 'audit');
		await page.close();
	}

	// axe-core's verdict on a page spoilt on purpose (an image with no
	// text alternative, a field with no label): the check fires.
	async selftest() {
		const page = await this.tab();
		await this.open(page, '/inspections');
		await page.evaluate(() => {
			const m = document.querySelector('main') || document.body;
			const img = document.createElement('img');
			img.src = '/static/console.css';
			m.appendChild(img);
			m.appendChild(document.createElement('input'));
		});
		const fired = await this.axe(page, 'selftest', true);
		if (fired === null)
			;	// axe-core did not run: failed already
		else if (fired.length === 0)
			fail('selftest', 'axe-core found nothing serious on a ' +
			    'page with an image without alt and an unlabelled ' +
			    'field');
		else
			console.log('ok selftest: the axe check fires on a ' +
			    'spoilt page: ' + fired.map((v) => v.id).join(', '));
		await page.close();
	}

	async run(step) {
		const [name, arg = ''] = step.split('=');
		const args = arg === '' ? [] : arg.split(',');
		const steps = {
			station: () => this.station(args[0]),
			list: () => this.list(args[0]),
			inspection: () => this.inspection(...args),
			token: () => this.token(args[0]),
			refused: () => this.refused(args[0], args[1]),
			nocsrf: () => this.nocsrf(args[0]),
			export: () => this.exported(args[0]),
			ledger: () => this.ledger(),
			audit: () => this.audit(),
			selftest: () => this.selftest(),
			english: () => this.english(args[0]),
		};
		if (!steps[name]) {
			process.stderr.write(`console.js: no step ${name}\n`);
			process.exit(2);
		}
		console.log(`== ${this.a.user}: ${step}`);
		try {
			await steps[name]();
		} catch (e) {
			fail(name, e.message);
		}
	}
}

async function main() {
	const a = parseArgs(process.argv.slice(2));
	fs.mkdirSync(a.shots, { recursive: true });
	let browser;
	const timer = setTimeout(() => {
		console.log(`FAIL time: not done within ${TIME_LIMIT_MS} ms`);
		if (browser && browser.process())
			browser.process().kill('SIGKILL');
		process.exit(1);
	}, TIME_LIMIT_MS);
	try {
		browser = await puppeteer.launch({
			executablePath: a.chromium,
			ignoreDefaultArgs: true,
			pipe: true,
			args: ['--headless', '--no-sandbox', '--disable-gpu',
			    '--disable-quic', '--no-first-run',
			    '--disable-background-networking',
			    '--disable-component-update', '--disable-sync',
			    '--hide-scrollbars', '--force-device-scale-factor=1',
			    '--autoplay-policy=no-user-gesture-required',
			    '--mute-audio', `--user-data-dir=${a.profile}`,
			    'about:blank'],
			defaultViewport: { width: WIDTH, height: HEIGHT },
			timeout: 30000,
		});
		const c = new Console(a, browser);
		for (const s of a.steps)
			await c.run(s);
		console.log(`inspection views: ${c.views}`);
	} catch (e) {
		fail('browser', `${a.chromium}: ${e.message}`);
	} finally {
		clearTimeout(timer);
		if (browser)
			await browser.close().catch(() => {});
	}
	console.log(fails.length === 0 ? 'console.js: every check held' :
	    `console.js: ${fails.length} checks failed`);
	process.exit(fails.length > 0 ? 1 : 0);
}

main();
