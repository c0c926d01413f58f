// First load of every page, cold: for each page, at 1366×768 and 390×844, RUNS times a new browser
// context (empty cache, no service worker) signed in as the page's user opens the page, and the
// page itself records (performance.now(), from navigation start) DOMContentLoaded, load, and the
// moment its main list or chart is on screen ("data shown": a MutationObserver, installed before
// the page's scripts, watches for the page's own selector). Prints the median of each next to the
// 1,000 ms target and writes bench/tmp/ui_load.json in the bench JSON shape. Run by
// bench/ui_load.sh, which starts the server on demo data. Usage: node bench/ui_load.js BASE
// (UI_LOAD_PAGES="dashboard mine" measures only those).
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const RUNS = parseInt(process.env.UI_LOAD_RUNS || '5', 10);
const TARGET_MS = 1000;
const VIEWPORTS = { desktop: { width: 1366, height: 768 }, phone: { width: 390, height: 844 } };

// [name, role (demo_<role>; '' = nobody signed in), url (USCC filled in), selector of "data shown"]
const PAGES = [
  ['login', '', 'login.html', '#login-user'],
  ['index', 'admin', 'index.html#/', '#app table tbody tr'],
  ['enterprise', 'admin', 'index.html#/e/{uscc}', '#app .kv, #app table tbody tr'],
  ['mine', 'enterprise', 'mine.html', '#total-money'],
  ['policy', 'officer', 'policy.html', '#pol-text'],
  ['search', '', 'search.html?q=奖励', '#s-results > *'],
  ['review', 'reviewer', 'review.html#queue', '.rv-row, #review .summary'],
  ['payments', 'finance', 'review.html#payments', '#rv-payments tbody tr, #review .card .loading'],
  ['commissioner', 'commissioner', 'commissioner.html', '#cm-queue tbody tr'],
  ['servicepack', 'commissioner', 'servicepack.html?uscc={uscc}', '#sp-content > *'],
  // the first chart drawn: SVG (charts.js), or an ECharts canvas when UI_LOAD_WEB serves an earlier
  // commit's web/ (before 20dd986) for the comparison
  ['dashboard', 'admin', 'dashboard.html', '#dash .chart:not(.is-empty) :is(svg, canvas)'],
  ['library', '', 'library.html', '#l-list table, #l-list .empty'],
  ['inbox', 'enterprise', 'inbox.html', '#i-list > *'],
  ['ticket', 'enterprise', 'ticket.html', '#t-list > *'],
  ['tickets-admin', 'admin', 'tickets-admin.html', '#q-list table, #q-list .empty'],
  ['subscriptions', 'enterprise', 'subscriptions.html', '#p-topics input'],
  ['dock-events', 'admin', 'dock-events.html', '#e-select option'],
  ['dock-loans', 'enterprise', 'dock-loans.html', '#l-form'],
  ['dock-needs', 'admin', 'dock-needs.html', '#n-list table']
];

async function signIn(base, role) {
  if (!role) return null;
  const r = await fetch(base + '/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'demo_' + role, password: 'Demo@2026' }) });
  const body = await r.json().catch(() => null);
  const m = /duijie_session=([0-9a-f]+)/.exec(r.headers.get('set-cookie') || '');
  if (!r.ok || !m) throw new Error(`sign-in as demo_${role}: ${r.status}`);
  return { cookie: m[1], uscc: body && body.scope && body.scope.uscc };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function once(browser, base, viewport, who, url, selector) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  if (who) await context.addCookies([{ name: 'duijie_session', value: who.cookie, url: base, httpOnly: true, sameSite: 'Lax' }]);
  await context.addInitScript((sel) => {
    const seen = () => {
      if (window.__shown === undefined && document.querySelector(sel)) window.__shown = performance.now();
      return window.__shown !== undefined;
    };
    new MutationObserver((_, obs) => { if (seen()) obs.disconnect(); }).observe(document, { childList: true, subtree: true, attributes: true });
  }, selector);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(base + '/' + url, { waitUntil: 'load', timeout: 30000 });
    await page.waitForFunction(() => window.__shown !== undefined, null, { timeout: 30000 });
    const t = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      return { dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, shown: window.__shown,
        bytes: performance.getEntriesByType('resource').reduce((n, r) => n + (r.transferSize || 0), nav.transferSize || 0),
        requests: performance.getEntriesByType('resource').length + 1 };
    });
    return { ...t, errors };
  } finally {
    await context.close();
  }
}

async function main() {
  const base = process.argv[2];
  if (!base) throw new Error('usage: node bench/ui_load.js BASE');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--lang=zh-CN'], env: { ...process.env, LANGUAGE: 'zh_CN' } });
  const sessions = new Map();
  const figures = [];
  let over = 0, failed = 0;
  console.log(`first load, cold (new context each run), median of ${RUNS}; target ${TARGET_MS} ms for "data shown"`);
  console.log('page'.padEnd(16) + 'size'.padEnd(9) + 'DOMContentLoaded'.padStart(17) + 'load'.padStart(9) + 'data shown'.padStart(12) + '  vs target' + '   KiB  requests');
  try {
    const only = (process.env.UI_LOAD_PAGES || '').split(/[ ,]+/).filter(Boolean);
    for (const [name, role, url0, selector] of PAGES.filter(([n]) => !only.length || only.includes(n))) {
      if (!sessions.has(role)) sessions.set(role, await signIn(base, role));
      const ent = sessions.get('enterprise') || (sessions.set('enterprise', await signIn(base, 'enterprise')), sessions.get('enterprise'));
      const url = url0.replace('{uscc}', encodeURIComponent(ent.uscc || ''));
      for (const [vname, viewport] of Object.entries(VIEWPORTS)) {
        const runs = [];
        let err = '';
        for (let i = 0; i < RUNS; i++) {
          try { runs.push(await once(browser, base, viewport, sessions.get(role), url, selector)); } catch (e) { err = String(e.message || e).split('\n')[0]; }
        }
        if (runs.length < RUNS) {
          failed++;
          console.log(`${name.padEnd(16)}${vname.padEnd(9)} FAILED: ${err}`);
          continue;
        }
        const m = { dcl: median(runs.map((r) => r.dcl)), load: median(runs.map((r) => r.load)), shown: median(runs.map((r) => r.shown)) };
        const kib = median(runs.map((r) => r.bytes)) / 1024;
        const req = median(runs.map((r) => r.requests));
        if (m.shown > TARGET_MS) over++;
        console.log(name.padEnd(16) + vname.padEnd(9) + m.dcl.toFixed(0).padStart(14) + ' ms' + m.load.toFixed(0).padStart(6) + ' ms' +
          m.shown.toFixed(0).padStart(9) + ' ms' + ('  ' + (m.shown / TARGET_MS).toFixed(2) + 'x').padStart(11) +
          (m.shown > TARGET_MS ? ' OVER' : '     ') + kib.toFixed(0).padStart(6) + String(req).padStart(10) +
          (runs.some((r) => r.errors.length) ? '  page errors: ' + runs.find((r) => r.errors.length).errors[0] : ''));
        figures.push({ name: `ui first load ${name} ${viewport.width}x${viewport.height} (data shown)`, duijie_ms: +m.shown.toFixed(1),
          target_ms: TARGET_MS, ratio_to_target: +(m.shown / TARGET_MS).toFixed(3), dom_content_loaded_ms: +m.dcl.toFixed(1),
          load_ms: +m.load.toFixed(1), transfer_kib: +kib.toFixed(1), requests: req, runs: RUNS });
      }
    }
  } finally {
    await browser.close();
  }
  const dir = path.join(__dirname, 'tmp');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'ui_load.json'), JSON.stringify({ figures }, null, 1));
  console.log(`${figures.length} page loads measured, ${over} over the ${TARGET_MS} ms target, ${failed} failed; wrote bench/tmp/ui_load.json`);
  process.exitCode = failed || over ? 1 : 0;
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
