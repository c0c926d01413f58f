// 我的对接会 (dock-meet.html), a participant's page: demo_enterprise registers for the demo 对接会
// through the page (unless it already is), demo_bank registers over the API; the enterprise asks the
// bank for a 1:1 meeting on the page; signed in as the bank, the page accepts it; the request's state
// is checked through the API (已接受) and the agenda section with its .ics/XLSX links opens. At 390
// wide the page loads, fits and shows the request already made.
'use strict';

const json = (body) => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

const flow = async ({ base, page, context, phone, check, shot, checkFits, checkNoErrors, getJSON, signIn, session }) => {
  const evs = await getJSON(base, '/api/dock/events');
  check('events list answers an enterprise', evs.status === 200, evs.status);
  const ev = ((evs.body && evs.body.events) || [])[0];
  if (!check('the demo has an event', !!ev)) return;
  const E = `/api/dock/events/${ev.id}`;
  // the bank registers itself (again at 390: 409, already registered)
  await signIn(base, 'bank');
  const bankCookie = session.cookie;
  await getJSON(base, E + '/participants', json({ name: '演示银行·客户经理' }));
  const bp = await getJSON(base, E + '/participants');
  const bankPid = bp.body && bp.body.items && bp.body.items[0] && bp.body.items[0].id;
  check('the bank is registered', !!bankPid, bp.status);
  await signIn(base, 'enterprise');

  await page.goto(`${base}/dock-meet.html#event=${ev.id}`);
  await page.locator('#m-state').waitFor();
  if (await page.locator('#m-register-card').isVisible()) {
    await page.locator('#m-reg-name').fill('演示企业');
    await page.locator('#m-register button[type=submit]').click();
  }
  await page.locator('#m-ask-card').waitFor();
  check('registered on the page', (await page.locator('#m-state').innerText()).includes('已报名'));
  const mine = await getJSON(base, E + '/participants');
  const entPid = mine.body.items[0].id;
  if (!phone) {
    await page.locator('#m-ask-to').selectOption(String(bankPid));
    await page.locator('#m-ask-send').focus();
    await page.keyboard.press('Enter'); // the form submits from the keyboard
    await page.locator('#m-ask-done, #m-ask-status .error-box').first().waitFor();
    check('the page says the request was sent', await page.locator('#m-ask-done').count() === 1,
      await page.locator('#m-ask-status').innerText());
  }
  const reqs = await getJSON(base, E + '/requests');
  const mineReq = (reqs.body.items || []).filter((r) => r.a_id === entPid && r.b_id === bankPid);
  if (!check('the request was made, 待确认 or answered', mineReq.length > 0, reqs.body)) return;
  const rid = mineReq[mineReq.length - 1].id;
  await page.locator(`#m-outgoing li[data-rid="${rid}"]`).waitFor();
  await page.locator('#m-roadshow-card').waitFor();
  check('an enterprise sees its roadshow slots (or that it has none)',
    await page.locator('#m-roadshow-list li, #m-roadshow-none').count() > 0);
  await checkFits(page, 'dock-meet');
  await shot(page, 'dock-meet');
  checkNoErrors(page, 'dock-meet');

  if (phone) return;
  // the bank, on its own page, accepts
  const bankPage = await context.newPage();
  await context.clearCookies();
  await context.addCookies([{ name: 'duijie_session', value: bankCookie, url: base, httpOnly: true, sameSite: 'Lax' }]);
  bankPage.errors = [];
  bankPage.on('pageerror', (e) => bankPage.errors.push('exception: ' + e.message));
  await bankPage.goto(`${base}/dock-meet.html#event=${ev.id}`);
  const li = bankPage.locator(`#m-incoming li[data-rid="${rid}"]`);
  await li.waitFor();
  await li.getByRole('button', { name: '接受' }).click();
  await bankPage.locator(`#m-incoming li[data-rid="${rid}"] .badge`, { hasText: '已接受' }).waitFor();
  await signIn(base, 'bank');
  const after = await getJSON(base, E + '/requests');
  const r = (after.body.items || []).find((x) => x.id === rid);
  check('the API says 已接受', r && r.status === '已接受', r);
  await bankPage.locator('#m-agenda-card').waitFor();
  check('agenda offers .ics', await bankPage.locator('#m-agenda a[href$="format=ics"]').count() > 0);
  const ag = await getJSON(base, `${E}/agenda/${bankPid}`);
  check('the bank\'s agenda answers', ag.status === 200, ag.status);
  await checkFits(bankPage, 'dock-meet-bank');
  await shot(bankPage, 'dock-meet-bank');
  checkNoErrors(bankPage, 'dock-meet-bank');
  await signIn(base, 'enterprise');
};
module.exports = flow;
module.exports.role = 'enterprise';
