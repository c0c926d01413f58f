// 供需撮合 (dock-supply.html) as an organiser: the needs with their matched capabilities (and the
// other direction) as the API scores them, each with its reasons; the 揭榜挂帅 challenge's state as
// the API, a solver selected on the page moves it to 已选定 (stored), selecting again is refused
// with the server's reason shown; the intents funnel as the API. At 1366 and at 390 wide (the
// second viewport finds the challenge selected already: the refusal is checked there).
'use strict';

const flow = async ({ base, page, check, shot, checkFits, checkNoErrors, getJSON }) => {
  const m = await getJSON(base, '/api/dock/needs/match');
  if (!check('needs matched', m.status === 200 && m.body.needs.length, m.status)) return;
  await page.goto(base + '/dock-supply.html');
  await page.locator('#m-list > li.dock-item').first().waitFor();
  check('needs listed as the API', (await page.locator('#m-list > li.dock-item').count()) === m.body.needs.length);
  const n0 = m.body.needs[0];
  const first = page.locator(`#m-list > li[data-id="${n0.id}"]`);
  check('matches of the first need as the API', (await first.locator(':scope > ul > li.dock-match').count()) === n0.capabilities.length);
  if (n0.capabilities.length)
    check('score and reasons shown', (await first.innerText()).includes(`${n0.capabilities[0].score} 分`) &&
      (await first.locator(':scope > ul > li.dock-match').first().locator('li').count()) === n0.capabilities[0].reasons.length);
  await page.locator('#m-dir').selectOption('capabilities');
  check('the other direction as the API', (await page.locator('#m-list > li.dock-item').count()) === m.body.capabilities.length);

  const cs = await getJSON(base, '/api/dock/records/challenge');
  const c = cs.body.items[0];
  if (!check('the demo has a challenge', c)) return;
  const before = await getJSON(base, '/api/dock/challenges/' + c.id);
  const card = page.locator(`article[data-challenge="${c.id}"]`);
  await card.waitFor();
  check('state as the API', (await card.locator('.dock-state').innerText()) === before.body.state, before.body.state);
  if (before.body.state === '揭榜中') {
    await card.getByRole('button', { name: '选定', exact: true }).click();
    await page.locator('#c-done').waitFor();
    const after = await getJSON(base, '/api/dock/challenges/' + c.id);
    check('solver selected and stored', after.body.state === '已选定' && !!after.body.solver, after.body);
  } else {
    await card.getByRole('button', { name: '选定', exact: true }).click();
    await page.locator('#c-status .error-box').waitFor();
    check('a second selection refused with the reason shown', (await page.locator('#c-status .error-box').innerText()).length > 0);
  }

  const f = await getJSON(base, '/api/dock/intents/funnel');
  const ft = await page.locator('#i-funnel-table').innerText();
  check('funnel as the API', ft.includes(f.body.intent_rate.percent) && ft.includes(f.body.deal_rate.percent) &&
    (await page.locator('#i-table tbody tr').count()) === f.body.items.length, f.body.intent_rate);
  await checkFits(page, 'dock-supply');
  await shot(page, 'dock-supply');
  checkNoErrors(page, 'dock-supply');
};
module.exports = flow;
module.exports.role = 'admin';
