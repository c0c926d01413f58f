// 投资机构 (dock-investor.html), an organiser acting for the demo's first investor (青岛科创母基金):
// the profile; the matched projects as the API scores them, each with its reasons; the ranking
// saved as moved (read back from the stored ranks); registering for the next roadshow (then shown
// as registered, and a second registration refused with 409 on investor_id); a follow-up recorded
// after the roadshow already held, with the amount stored to the fen. At 1366 and at 390 wide.
'use strict';

const flow = async ({ base, page, check, shot, checkFits, checkNoErrors, getJSON }) => {
  const match = await getJSON(base, '/api/dock/investors/match');
  const v = match.body && match.body.investors.find((x) => x.name === '青岛科创母基金');
  if (!check('the demo investor 青岛科创母基金 is matched', v, match.status)) return;
  await page.goto(base + '/dock-investor.html#investor=' + v.id);
  await page.locator('#inv-name').waitFor();
  check('profile shows the investor', (await page.locator('#inv-name').innerText()) === '青岛科创母基金');

  // matched projects: as many as the API gives, in its order, each with its reasons
  const items = page.locator('#inv-matches > li.dock-item');
  check('matched projects as the API', (await items.count()) === v.projects.length, [await items.count(), v.projects.length]);
  if (v.projects.length) {
    const first = items.first();
    check('first match as the API', (await first.getAttribute('data-project')) === v.projects[0].id);
    check('score shown', (await first.locator('.dock-score').innerText()) === `${v.projects[0].score} 分`);
    check('reasons shown', (await first.locator('.dock-reasons li').count()) === v.projects[0].reasons.length);
  }

  // 双向选择: move the second project up and save; the stored ranking follows
  if (v.projects.length >= 2) {
    const second = v.projects[1].id;
    await page.locator(`#inv-rank li[data-project="${second}"] button`, { hasText: '上移' }).click();
    check('moved to the top', (await page.locator('#inv-rank li').first().getAttribute('data-project')) === second);
    await page.locator('#inv-rank-save').click();
    await page.locator('#inv-rank-saved').waitFor();
    const ranks = await getJSON(base, `/api/dock/records/rank?by=owner_id&value=${v.id}&limit=100`);
    const mine = ranks.body.items.filter((r) => r.side === 'investor').sort((a, b) => a.rank - b.rank);
    check('stored ranking starts with the moved project', mine.length && String(mine[0].partner_id) === second, mine.slice(0, 2));
  }

  // the next roadshow: register (once; the second viewport finds it registered)
  const list = await getJSON(base, '/api/dock/roadshows');
  const next = list.body.roadshows.find((r) => r.name.includes('第12期'));
  if (!check('the demo has an upcoming roadshow', next)) return;
  const card = page.locator(`article[data-roadshow="${next.id}"]`);
  await card.waitFor();
  check('each firm has its slot', (await card.locator('tbody tr').count()) === next.firms);
  if (await card.locator('form.dock-register').count()) {
    await card.locator('input[name=firm]').first().check();
    await card.getByRole('button', { name: '报名参加' }).click();
  }
  await page.locator(`article[data-roadshow="${next.id}"] .dock-registered`).waitFor();
  const again = await getJSON(base, `/api/dock/roadshows/${next.id}/registrations`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ investor_id: Number(v.id) }) });
  check('registering twice is refused with 409 on investor_id', again.status === 409 && again.body.error.field === 'investor_id', again);
  const detail = await getJSON(base, '/api/dock/roadshows/' + next.id);
  check('registration stored', detail.body.registrations.some((r) => String(r.investor_id) === v.id));

  // a follow-up after the roadshow already held
  const held = list.body.roadshows.find((r) => r.name.includes('第11期'));
  const before = await getJSON(base, '/api/dock/roadshows/' + held.id);
  const n0 = before.body.followups.filter((f) => String(f.investor_id) === v.id).length;
  const box = page.locator(`article[data-followups="${held.id}"]`);
  await box.waitFor();
  await box.locator('select[name=status]').selectOption('签约');
  await box.locator('input[name=amount]').fill('1234.56万元');
  await box.locator('input[name=note]').fill('<b>不是标签</b>');
  await box.getByRole('button', { name: '记录跟进' }).click();
  await page.waitForFunction(([id, n]) => document.querySelectorAll(`article[data-followups="${id}"] tbody tr`).length === n,
    [held.id, n0 + 1]);
  const after = await getJSON(base, '/api/dock/roadshows/' + held.id);
  const mine = after.body.followups.filter((f) => String(f.investor_id) === v.id);
  check('follow-up stored', mine.length === n0 + 1, [mine.length, n0]);
  check('amount to the fen', mine.length && mine[mine.length - 1].amount_fen === 1234560000, mine[mine.length - 1]);
  const noteText = await page.locator(`article[data-followups="${held.id}"] tbody tr`).last().innerText();
  check('user text shown as text', noteText.includes('<b>不是标签</b>') || (await page.locator(`article[data-followups="${held.id}"] b`).count()) === 0);
  check('funnel counts the deal', after.body.funnel.firms_signed >= 1 && after.body.funnel.signed_amount_fen >= 1234560000, after.body.funnel);

  await checkFits(page, 'dock-investor');
  await shot(page, 'dock-investor');
  checkNoErrors(page, 'dock-investor');
};
module.exports = flow;
module.exports.role = 'admin';
