// The browser-test harness: playwright-core drives Debian's Chromium (no browser download), one
// fresh context per flow and viewport, console errors and uncaught exceptions collected per page,
// a screenshot of every page saved under tests/ui/screenshots/. check() counts; the runner prints
// "N passed, N failed" last.
'use strict';
const fs = require('fs');
const path = require('path');

const SHOTS = path.join(__dirname, 'screenshots');
const VIEWPORTS = { desktop: { width: 1366, height: 768 }, phone: { width: 390, height: 844 } };

const results = { passed: 0, failed: 0 };

// Each flow runs as one of `duijie demo`'s users (demo_<role>, docs/AUTH.md): signIn() over the
// API once per role; the flow's browser context carries that session cookie and getJSON() sends
// it with the CSRF token, so the API checks see what that user may see. flow_login signs in
// through the page itself.
const session = { base: '', cookie: '', csrf: '', role: '' };
const signedIn = new Map();

async function signIn(base, role) {
  if (role === 'anonymous') signedIn.set(role, { base, cookie: '', csrf: '', role });
  if (!signedIn.has(role)) {
    const r = await fetch(base + '/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'demo_' + role, password: 'Demo@2026' }) });
    if (r.status === 404) { signedIn.set(role, { base, cookie: '', csrf: '', role }); } else {
      const body = await r.json().catch(() => null);
      const m = /duijie_session=([0-9a-f]+)/.exec(r.headers.get('set-cookie') || '');
      if (!r.ok || !m || !body) throw new Error(`sign-in as demo_${role} failed: ${r.status} ${JSON.stringify(body)}`);
      signedIn.set(role, { base, cookie: m[1], csrf: body.csrf, role, me: body });
    }
  }
  Object.assign(session, signedIn.get(role));
  return session;
}

function check(name, cond, detail) {
  if (cond) { results.passed++; return true; }
  results.failed++;
  console.log('FAIL', name, detail === undefined ? '' : JSON.stringify(detail).slice(0, 400));
  return false;
}

// A page that records what went wrong on it. API answers of 4xx are part of the flows (a rule with
// a typo is 422; nobody signed in is 401); anything else logged as an error is a failure: a missing
// file, a CSP refusal, an exception.
async function newPage(browser, viewport, label) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
    deviceScaleFactor: 1, isMobile: false, hasTouch: viewport.width < 500 });
  if (session.cookie)
    await context.addCookies([{ name: 'duijie_session', value: session.cookie, url: session.base, httpOnly: true, sameSite: 'Lax' }]);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push('exception: ' + e.message));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const url = (m.location() && m.location().url) || '';
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()) && url.includes('/api/')) return;
    page.errors.push(m.text() + (url ? ' @ ' + url : ''));
  });
  page.label = label;
  page.setDefaultTimeout(15000);
  return { context, page };
}

// Every page shot also shows its dates the one way (2026年3月1日, common.js dateText): no ISO
// 2026-03-01 or browser-English 3/1/2026 in the text on screen; and no script value leaked as text
// (null, undefined, NaN: replaceChildren writes a null child as "null").
async function checkText(page, name) {
  const text = await page.evaluate(() => document.body.innerText);
  const raw = text.match(/\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}\/\d{1,2}\/\d{4}\b/g) || [];
  check(`${name}: dates shown as 2026年3月1日`, raw.length === 0, raw.slice(0, 5));
  const leaked = text.match(/.{0,12}\b(?:null|undefined|NaN)\b.{0,12}/g) || [];
  check(`${name}: no null/undefined/NaN on screen`, leaked.length === 0, leaked.slice(0, 5));
}

// What a look at the screenshots found, kept from coming back on every page shot:
// - an amount broken over two lines ("4,204 万" / "元", "200,000.00" / "元");
// - 万元 with more decimals than a reader wants (961.730847 万元: the exact 元 is beside it);
// - a set of checkboxes in ragged columns (each row's boxes at other x than the first row's);
// - a form's section heading squeezed into one column of the form's grid (订阅设置 at 1366);
// - a table that is only its head row (no rows and no word that nothing matched);
// - a row of filters whose fields do not line up (a select 1.5 px taller than a text input);
// - a placeholder cut off by its field.
async function checkLayout(page, name) {
  const found = await page.evaluate(() => {
    const shown = (e) => e.offsetParent !== null && e.getClientRects().length > 0;
    const out = { broken: [], ragged: [], squeezed: [], empty: [], misaligned: [], clipped: [] };
    for (const e of document.querySelectorAll('.money, .exact'))
      if (shown(e) && e.getClientRects().length > 1) out.broken.push(e.textContent);
    for (const g of document.querySelectorAll('.checks')) {
      const boxes = [...g.querySelectorAll(':scope > label')].filter(shown);
      if (boxes.length < 6) continue;
      const top = boxes[0].getBoundingClientRect().top;
      const cols = new Set(boxes.filter((b) => Math.abs(b.getBoundingClientRect().top - top) < 4).map((b) => Math.round(b.getBoundingClientRect().left)));
      const off = boxes.filter((b) => !cols.has(Math.round(b.getBoundingClientRect().left)));
      if (off.length) out.ragged.push(off.slice(0, 3).map((b) => b.textContent.trim()).join('、'));
    }
    for (const f of document.querySelectorAll('form')) {
      if (!shown(f)) continue;
      const fw = f.getBoundingClientRect().width;
      for (const h3 of f.querySelectorAll(':scope > h3'))
        if (shown(h3) && h3.getBoundingClientRect().width < fw * 0.9) out.squeezed.push(h3.textContent);
    }
    for (const t of document.querySelectorAll('table'))
      if (shown(t) && t.tHead && t.tBodies.length && ![...t.tBodies].some((b) => b.rows.length)) out.empty.push(t.tHead.textContent.trim().slice(0, 30));
    for (const row of document.querySelectorAll('.filters')) {
      if (!shown(row)) continue;
      const fields = [...row.querySelectorAll('input:not([type=checkbox]):not([type=radio]), select, textarea')].filter(shown).map((e) => e.getBoundingClientRect());
      for (const a of fields) for (const b of fields)
        if (a !== b && Math.abs(a.bottom - b.bottom) < 12 && Math.abs(a.top - b.top) > 0.5) out.misaligned.push([Math.round(a.top * 2) / 2, Math.round(b.top * 2) / 2]);
    }
    const ctx = document.createElement('canvas').getContext('2d');
    for (const i of document.querySelectorAll('input[placeholder]')) {
      if (!shown(i) || i.value) continue;
      const cs = getComputedStyle(i);
      ctx.font = `${cs.fontSize} ${cs.fontFamily}`;
      const room = i.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      if (ctx.measureText(i.placeholder).width > room + 1) out.clipped.push(i.placeholder);
    }
    return out;
  });
  check(`${name}: no amount broken over two lines`, !found.broken.length, found.broken.slice(0, 5));
  const text = await page.evaluate(() => document.body.innerText);
  const long = text.match(/\d\.\d{3,}\s*万元/g) || [];
  check(`${name}: 万元 with at most two decimals`, !long.length, long.slice(0, 5));
  check(`${name}: checkboxes in even columns`, !found.ragged.length, found.ragged.slice(0, 3));
  check(`${name}: form headings span their form`, !found.squeezed.length, found.squeezed.slice(0, 3));
  check(`${name}: no table that is only its head`, !found.empty.length, found.empty.slice(0, 3));
  check(`${name}: filter fields line up`, !found.misaligned.length, found.misaligned.slice(0, 3));
  check(`${name}: placeholders fit their fields`, !found.clipped.length, found.clipped.slice(0, 3));
}

// Latin words a Chinese page may show: product and file-format names; and the markup the policy
// flow pastes to prove user text is escaped (<script>alert("x")</script> shown as text).
const LATIN_OK = new Set(['Excel', 'Word', 'SQLite', 'PostgreSQL', 'xlsx', 'script', 'alert']);
// Known, owned elsewhere, narrow: words that only these pages may show (none now: the investor
// pages' match reasons from src/dock/stable.c are Chinese only since dockorg).
const LATIN_KNOWN = {};

// All text zh-CN: no English word on screen (the rule editor showed the extractor's "for the
// officer: … qualification not in the dictionary"; the footer the raw key "sqlite").
async function checkChinese(page, name) {
  const known = LATIN_KNOWN[name] || [];
  // a file's name is the user's (政策发布 says which file it read: hitech_article11.txt)
  const text = (await page.locator('body').innerText()).replace(/[\w.-]+\.(?:docx?|txt|html?|pdf|wps|xlsx|csv)\b/gi, '');
  const words = (text.match(/\b[A-Za-z]{5,}\b/g) || []).filter((w) => !LATIN_OK.has(w) && !known.includes(w));
  check(`${name}: Chinese only on screen`, words.length === 0, [...new Set(words)].slice(0, 10));
}

async function shot(page, name) {
  await checkText(page, name);
  await checkChinese(page, name);
  await checkLayout(page, name);
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}-${page.viewportSize().width}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// The page's width fits its viewport (nothing forces a sideways scroll on a phone).
async function checkFits(page, name) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  check(`${name} fits ${page.viewportSize().width}px (scrollWidth ${w})`, w <= page.viewportSize().width + 1, w);
}

function checkNoErrors(page, name) {
  check(`${name}: no console errors`, page.errors.length === 0, page.errors);
  page.errors.length = 0;
}

async function getJSON(base, p, init) {
  init = { ...(init || {}) };
  if (session.cookie && !init.anonymous)
    init.headers = { ...(init.headers || {}), Cookie: 'duijie_session=' + session.cookie, 'X-CSRF-Token': session.csrf };
  const r = await fetch(base + p, init);
  let body = null;
  try { body = await r.json(); } catch (e) { body = null; }
  return { status: r.status, body };
}

module.exports = { check, signIn, session, newPage, shot, checkLayout, checkFits, checkNoErrors, getJSON, results, VIEWPORTS };
