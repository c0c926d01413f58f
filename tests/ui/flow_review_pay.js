// 兑付 as finance (demo_finance): an application the reviewer approved (flow_review) is paid from
// the page with a date and a voucher number; the API then says paid, with a payment of exactly the
// approved amount; the payments list names the firm (not only its USCC), from the list itself (one request). Runs when the workflow API answers finance.
'use strict';
const flow = async ({ base, page, check, shot, checkFits, checkNoErrors, getJSON }) => {
  const list = await getJSON(base, '/api/applications?state=approved');
  if (list.status !== 200) { console.log(`SKIP flow_review_pay: GET /api/applications answers ${list.status} to finance`); return; }
  if (!check('an approved application to pay', list.body.items.length > 0)) return;
  const a = list.body.items[0];
  await page.goto(base + '/review.html#queue/' + a.id);
  await page.locator('#rv-ref').waitFor();
  await page.fill('#rv-ref', 'GK2026-' + a.id);
  await page.getByRole('button', { name: '确认兑付' }).click();
  await page.waitForFunction(() => !document.getElementById('rv-ref'));
  const after = await getJSON(base, '/api/applications/' + a.id);
  check('paid in the API', after.body.state === 'paid', after.body.state);
  const pays = await getJSON(base, '/api/payments?page_size=200');
  check('one payment of the approved amount', pays.body.items.some((p) => p.amount_fen === a.amount_fen && (p.source_id === a.id || p.payment_ref === 'GK2026-' + a.id)), pays.body.items.slice(0, 3));
  const calls = [];
  page.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/api/')) calls.push(new URL(r.url()).pathname); });
  await page.goto(base + '/review.html#payments');
  await page.locator('main table').waitFor();
  check('the payments page in one list request', calls.filter((p) => p !== '/api/auth/me').join() === '/api/payments', calls);
  const name = (await getJSON(base, '/api/enterprises/' + a.uscc)).body.name;
  const row = page.locator('#rv-payments tbody tr', { hasText: 'GK2026-' + a.id });
  check('the payment shows the firm\'s name', name && (await row.locator('.firm-name').innerText()) === name, [name, await row.innerText()]);
  await checkFits(page, 'payments');
  await shot(page, 'payments');
  checkNoErrors(page, 'payments');
};
module.exports = flow;
module.exports.role = 'finance';
