// 审核兑付 (review.html) as the reviewer (demo_reviewer): the enterprise applies over the API
// (demo_enterprise: create, submit, for an eligible clause still open and not 免申即享), then in
// the page the reviewer opens it from the queue, sees
// the rule's explanation, 受理, writes an 审核意见, and 批准 with the computed amount; the API then
// says approved with exactly that amount in fen. Runs when the workflow API answers the reviewer.
'use strict';

async function login(base, username) {
  const r = await fetch(base + '/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: 'Demo@2026' }) });
  const body = await r.json();
  const m = /duijie_session=([0-9a-f]+)/.exec(r.headers.get('set-cookie') || '');
  return { cookie: 'duijie_session=' + (m ? m[1] : ''), csrf: body.csrf, scope: body.scope };
}
async function as(base, who, method, p, body) {
  const r = await fetch(base + p, { method, headers: { 'Content-Type': 'application/json', Cookie: who.cookie, 'X-CSRF-Token': who.csrf },
    body: body ? JSON.stringify(body) : undefined });
  return { status: r.status, body: await r.json().catch(() => null) };
}

// The stored profile p as a POST /api/enterprises body (money back to yuan text), with key = v.
// money names the money fields.
function storedBody(p, key, v, money) {
  const yuan = (f) => (BigInt(f) / 100n) + '.' + String(BigInt(f) % 100n).padStart(2, '0');
  const body = { fiscal_year: p.fiscal_year, [key]: v };
  for (const [k, f] of Object.entries(p.fields)) {
    if (f.derived || f.value === null || k === key) continue;
    body[k] = f.type === 'money' ? yuan(f.value) : f.type === 'region' ? String(f.value.code) : f.type === 'industry' ? f.value.code : f.value;
  }
  if (p.history) {
    body.history = p.history;
    for (const vals of Object.values(body.history))
      for (const k of Object.keys(vals)) if (money.has(k)) vals[k] = yuan(vals[k]);
  }
  return body;
}

const flow = async ({ base, page, phone, check, shot, checkFits, checkNoErrors, getJSON }) => {
  const open = await getJSON(base, '/api/applications');
  if (open.status !== 200) { console.log(`SKIP flow_review: GET /api/applications answers ${open.status} to the reviewer`); return; }
  const ent = await login(base, 'demo_enterprise');
  const uscc = ent.scope.uscc;
  const m = await as(base, ent, 'GET', `/api/enterprises/${uscc}/matches`);
  const mine = (await as(base, ent, 'GET', '/api/applications?page_size=200')).body.items.map((a) => a.clause_id);
  // a clause one applies for: eligible, deadline not passed, not already applied for; a 免申即享
  // clause (paid without application) is refused with 409 and the next one is tried. When the
  // demo's clock has left none, the enterprise changes one choice in its profile (an enum or yes/no
  // field, as 我的政策's 保存到档案 does) that makes an open clause eligible, and applies for that.
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const exempt = new Set();
  const isOpen = (x) => !mine.includes(x.clause_id) && !exempt.has(x.clause_id) && (!x.deadline || x.deadline >= today);
  let app = null, clause = null;
  const tryApply = async (x) => {
    const r = await as(base, ent, 'POST', '/api/applications', { clause_id: x.clause_id });
    if (r.status === 409) { exempt.add(x.clause_id); return false; }
    app = r; clause = x;
    return true;
  };
  for (const x of m.body.matches.filter((y) => y.status === 'eligible' && isOpen(y)))
    if (await tryApply(x)) break;
  const all = (await as(base, ent, 'GET', '/api/fields')).body.fields;
  const money = new Set(all.filter((f) => f.type === 'money').map((f) => f.key));
  const defs = clause ? [] : all.filter((f) => !f.derived && ['enum', 'bool', 'set'].includes(f.type));
  const had = (await as(base, ent, 'GET', '/api/enterprises/' + uscc)).body.fields;
  const choices = (d) => d.type === 'bool' ? [true, false] : d.type === 'enum' ? d.values
    : d.values.map((x) => [...new Set([...((had[d.key] && had[d.key].value) || []), x])]);
  for (const d of defs) {
    for (const v of choices(d)) {
      const w = await as(base, ent, 'POST', `/api/enterprises/${uscc}/matches`, { set: { [d.key]: v } });
      for (const x of w.body.matches.filter((y) => y.status === 'eligible' && isOpen(y))) {
        const saved = await as(base, ent, 'POST', '/api/enterprises', storedBody((await as(base, ent, 'GET', '/api/enterprises/' + uscc)).body, d.key, v, money));
        check('enterprise fills in ' + d.label, saved.status === 201, saved);
        if (await tryApply(x)) break;
      }
      if (clause) break;
    }
    if (clause) break;
  }
  if (!check('the demo enterprise has an open clause to apply for', clause, m.body.matches.map((x) => [x.status, x.deadline]))) return;
  check('enterprise creates the application', app.status === 201 || app.status === 200, app);
  const id = app.body.id;
  const sub = await as(base, ent, 'POST', `/api/applications/${id}/submit`, {});
  check('enterprise submits', sub.status === 200, sub);

  await page.goto(base + '/review.html#queue');
  await page.locator(`.rv-row[data-id="${id}"] a`).first().click();
  await page.locator('#rv-app').waitFor();
  const why = await page.locator('#rv-why').count() ? await page.locator('#rv-why').innerText() : '';
  check('the rule\'s explanation is shown', await page.locator('#rv-why li').count() > 0 || why.includes('没有申报条件') ||
    (await page.locator('#rv-app').innerText()).includes('今日该企业不符合'), why);
  await shot(page, 'review-application');
  await page.getByRole('button', { name: '受理' }).click();
  await page.locator('#rv-comment').waitFor();
  await page.fill('#rv-comment', '材料齐全，符合条件。<b>不是标记</b>');
  await page.getByRole('button', { name: '提交审核意见' }).click();
  await page.locator('#rv-amount').waitFor();
  check('comment shown as text', (await page.locator('#rv-app').innerText()).includes('<b>不是标记</b>'));
  const computed = (await getJSON(base, '/api/applications/' + id)).body.computed_fen;
  await page.getByRole('button', { name: '批准', exact: true }).click();
  // the queue and the application reload after 批准: shoot them loaded, not "正在加载…"
  await page.waitForFunction(() => !document.getElementById('rv-amount') && document.getElementById('rv-app') &&
    !document.querySelector('#rv-list .loading, #rv-detail .loading') || document.querySelector('#rv-list .loading')?.textContent === '没有待办的申请');
  const after = await getJSON(base, '/api/applications/' + id);
  check('approved in the API', after.body.state === 'approved', after.body.state);
  check('approved amount = the computed award, to the fen', computed == null || after.body.amount_fen === computed, [after.body.amount_fen, computed]);
  await checkFits(page, 'review');
  await shot(page, 'review');
  checkNoErrors(page, 'review');
};
module.exports = flow;
module.exports.role = 'reviewer';
