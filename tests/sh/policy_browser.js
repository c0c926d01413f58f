// Drives policy.html in headless Chromium over the DevTools protocol (Node's WebSocket): paste a
// policy, 解析, check highlighting and live counts, 保存草稿, 发布, and compare the money shown
// for the first qualifying enterprise with the API's integer fen. Prints one line per failure and
// "N passed, N failed" last. Usage: node --experimental-websocket policy_browser.js WS BASE FILE
// COOKIE CSRF (a signed-in session: the cookie goes to the browser, both to this script's fetches)
'use strict';
const fs = require('fs');
const [wsUrl, base, file, cookie, csrf] = process.argv.slice(2);
const session = { Cookie: cookie, 'X-CSRF-Token': csrf };
let passed = 0, failed = 0;
function check(name, cond, detail) {
  if (cond) passed++; else { failed++; console.log('FAIL', name, detail === undefined ? '' : JSON.stringify(detail).slice(0, 300)); }
}
const ws = new WebSocket(wsUrl);
let nextId = 1; const waiting = new Map(); const errors = [];
ws.onmessage = (m) => {
  const d = JSON.parse(m.data);
  if (d.id && waiting.has(d.id)) { waiting.get(d.id)(d); waiting.delete(d.id); }
  if (d.method === 'Runtime.exceptionThrown') errors.push(d.params.exceptionDetails.text + ' ' + JSON.stringify(d.params.exceptionDetails.exception?.description || ''));
};
function send(method, params) {
  const id = nextId++;
  ws.send(JSON.stringify({ id, method, params: params || {} }));
  return new Promise((res) => waiting.set(id, res));
}
async function js(expr) {
  const r = await send('Runtime.evaluate', { expression: expr, awaitPromise: true, returnByValue: true });
  return r.result && r.result.result ? r.result.result.value : undefined;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(expr, ms) {
  for (let t = 0; t < ms; t += 100) { if (await js(expr)) return true; await sleep(100); }
  return false;
}
ws.onopen = async () => {
  try {
    await send('Runtime.enable'); await send('Page.enable'); await send('Network.enable');
    const eq = cookie.indexOf('=');
    await send('Network.setCookie', { name: cookie.slice(0, eq), value: cookie.slice(eq + 1), url: base, httpOnly: true, sameSite: 'Lax' });
    await send('Page.navigate', { url: base + '/policy.html' });
    check('page loads', await until("document.readyState === 'complete' && document.getElementById('pol-extract') !== null", 10000));
    const text = fs.readFileSync(file, 'utf8');
    await js(`document.getElementById('pol-text').value = ${JSON.stringify(text)}; document.getElementById('pol-extract').click(); true`);
    const shownOk = await until("document.querySelectorAll('.pol-clause').length >= 4", 10000);
    check('clauses shown', shownOk, shownOk ? '' : await js("document.getElementById('pol-extract-msg').textContent + ' | ' + document.getElementById('pol-work').textContent.slice(0, 300)"));
    if (!shownOk) throw new Error('stopping: ' + JSON.stringify(errors));
    const marks = await js("[...document.querySelectorAll('.pol-source mark')].map(m => m.textContent)");
    const api = await (await fetch(base + '/api/policies/extract', { method: 'POST', body: text, headers: session })).json();
    check('every clause highlighted with its exact text', marks && marks.length === api.clauses.length &&
      marks.every((m, i) => m === String(api.clauses[i].seq) + api.clauses[i].text), { marks, n: api.clauses.length });
    check('live counts', await until("[...document.querySelectorAll('.pol-clause .preview')].some(p => /符合 \\d+/.test(p.textContent))", 10000));
    // a typo in a rule shows its error while typing
    await js("{ const t = document.querySelectorAll('.pol-clause .rule')[1]; t.value = t.value + ' 且'; t.dispatchEvent(new Event('input')); } true");
    check('live rule error', await until("!!document.querySelectorAll('.pol-clause')[1].querySelector('.error-box')", 5000));
    await js("{ const t = document.querySelectorAll('.pol-clause .rule')[1]; t.value = t.value.replace(/ 且$/, ''); t.dispatchEvent(new Event('input')); } true");
    check('error cleared', await until("!document.querySelectorAll('.pol-clause')[1].querySelector('.error-box')", 5000));
    await js("[...document.querySelectorAll('button')].find(b => b.textContent === '保存草稿').click(); true");
    check('draft saved', await until("/已保存草稿/.test(document.getElementById('pol-save-msg').textContent)", 10000));
    await js("[...document.querySelectorAll('button')].find(b => b.textContent === '发布').click(); true");
    check('published', await until("!!document.querySelector('#pol-after .ok-box')", 10000));
    check('results listed', await until("document.querySelectorAll('#pol-after tbody tr td .money').length > 0", 15000));
    const shown = await js(`(() => { const r = [...document.querySelectorAll('#pol-after tbody tr')].find(tr => tr.querySelector('.money'));
      return { uscc: r.querySelector('.mono').textContent, wan: r.querySelector('.money').textContent, yuan: r.querySelector('.exact').textContent }; })()`);
    const m = await (await fetch(base + '/api/enterprises/' + shown.uscc + '/matches', { headers: session })).json();
    const fens = m.matches.filter((x) => x.award_fen != null).map((x) => BigInt(x.award_fen));
    const yuan = (f) => (f / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '.' + (f % 100n).toString().padStart(2, '0') + ' 元';
    check('award shown to the fen', fens.some((f) => yuan(f) === shown.yuan), { shown, fens: fens.map(String) });
    check('no script errors', errors.length === 0, errors);
    if (process.env.POLICY_SHOT) { // a picture of the finished page, for a person to look at
      const r = await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true,
        clip: { x: 0, y: 0, width: 1366, height: await js('document.body.scrollHeight'), scale: 0.6 } });
      fs.writeFileSync(process.env.POLICY_SHOT, Buffer.from(r.result.data, 'base64'));
    }
  } catch (e) {
    check('no exception', false, String(e));
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
};
ws.onerror = (e) => { console.log('FAIL websocket', String(e.message || e)); console.log('0 passed, 1 failed'); process.exit(1); };
