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
// 2026-03-01 or browser-English 3/1/2026 in the text on screen.
async function checkDates(page, name) {
  const raw = await page.evaluate(() => document.body.innerText.match(/\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}\/\d{1,2}\/\d{4}\b/g) || []);
  check(`${name}: dates shown as 2026年3月1日`, raw.length === 0, raw.slice(0, 5));
}

async function shot(page, name) {
  await checkDates(page, name);
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

module.exports = { check, signIn, session, newPage, shot, checkFits, checkNoErrors, getJSON, results, VIEWPORTS };
