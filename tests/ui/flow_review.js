// 审核兑付 (review.html) as the reviewer (demo_reviewer): the enterprise applies over the API
// (demo_enterprise: create, submit), then in the page the reviewer opens it from the queue, sees
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

const flow = async ({ base, page, phone, check, shot, checkFits, checkNoErrors, getJSON }) => {
  const open = await getJSON(base, '/api/applications');
  if (open.status !== 200) { console.log(`SKIP flow_review: GET /api/applications answers ${open.status} to the reviewer`); return; }
  const ent = await login(base, 'demo_enterprise');
  const uscc = ent.scope.uscc;
  const m = await as(base, ent, 'GET', `/api/enterprises/${uscc}/matches`);
  const mine = (await as(base, ent, 'GET', '/api/applications?page_size=200')).body.items.map((a) => a.clause_id);
  const clause = m.body.matches.find((x) => !mine.includes(x.clause_id) && x.status === 'eligible') ||
    m.body.matches.find((x) => !mine.includes(x.clause_id));
  if (!check('the demo enterprise has a clause to apply for', clause, m.body.matches.length)) return;
  const app = await as(base, ent, 'POST', '/api/applications', { clause_id: clause.clause_id });
  check('enterprise creates the application', app.status === 201 || app.status === 200, app);
  const id = app.body.id;
  const sub = await as(base, ent, 'POST', `/api/applications/${id}/submit`, {});
  check('enterprise submits', sub.status === 200, sub);

  await page.goto(base + '/review.html#queue');
  await page.locator(`.rv-row[data-id="${id}"] a`).first().click();
  await page.locator('#rv-app').waitFor();
  check('the rule\'s explanation is shown', await page.locator('#rv-why li').count() > 0 || (await page.locator('#rv-app').innerText()).includes('不符合'));
  await shot(page, 'review-application');
  await page.getByRole('button', { name: '受理' }).click();
  await page.locator('#rv-comment').waitFor();
  await page.fill('#rv-comment', '材料齐全，符合条件。<b>不是标记</b>');
  await page.getByRole('button', { name: '提交审核意见' }).click();
  await page.locator('#rv-amount').waitFor();
  check('comment shown as text', (await page.locator('#rv-app').innerText()).includes('<b>不是标记</b>'));
  const computed = (await getJSON(base, '/api/applications/' + id)).body.computed_fen;
  await page.getByRole('button', { name: '批准', exact: true }).click();
  await page.waitForFunction(() => !document.getElementById('rv-amount'));
  const after = await getJSON(base, '/api/applications/' + id);
  check('approved in the API', after.body.state === 'approved', after.body.state);
  check('approved amount = the computed award, to the fen', computed == null || after.body.amount_fen === computed, [after.body.amount_fen, computed]);
  await checkFits(page, 'review');
  await shot(page, 'review');
  checkNoErrors(page, 'review');
};
module.exports = flow;
module.exports.role = 'reviewer';
