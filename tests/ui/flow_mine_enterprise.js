// 我的政策 as the enterprise itself (demo_enterprise): the page opens on its own USCC from the
// session, the groups and the total are the API's; in the 政策计算器 a new 研发费用 gives exactly the
// total and groups POST …/matches gives for the same change, and the stored profile is unchanged;
// another enterprise's figures are refused (403).
'use strict';
const yuan = (f) => (f / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '.' + (f % 100n).toString().padStart(2, '0') + ' 元';

const flow = async ({ base, page, session, check, shot, checkFits, checkNoErrors, getJSON }) => {
  const me = await getJSON(base, '/api/auth/me');
  if (me.status === 404) { check('sign-in exists on this server (skipping the enterprise user)', true); return; }
  const uscc = me.body.scope.uscc;
  await page.goto(base + '/mine.html');
  await page.locator('#total-money').waitFor();
  check('opens on its own enterprise', (await page.locator('.mine-head').innerText()).includes(uscc));
  const before = await getJSON(base, `/api/enterprises/${uscc}/matches?nearly=1`);
  const n = (s) => page.locator(`.clause-item[data-status="${s}"]`).count();
  for (const s of ['eligible', 'unknown', 'nearly'])
    check(`${s} as the API`, await n(s) === before.body.matches.filter((m) => m.status === s).length);
  check('total as the API', (await page.locator('#total-money .exact').innerText()) === yuan(BigInt(before.body.eligible_total_fen)));
  check('nav shows what an enterprise may use', await page.locator('.nav a[data-nav="list"]').count() === 0 &&
    await page.locator('.nav a[data-nav="mine"]').count() === 1);

  const rd = page.locator('#calc-rd_expense');
  await rd.fill('');
  await rd.type('3000万元', { delay: 20 });
  await page.waitForFunction(() => /已按修改后的/.test(document.getElementById('calc-status').textContent));
  const after = await getJSON(base, `/api/enterprises/${uscc}/matches`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ set: { rd_expense: '3000万元' } }) });
  await page.waitForFunction((t) => document.querySelector('#total-money .exact').textContent === t, yuan(BigInt(after.body.eligible_total_fen)));
  check('total follows the calculator to the fen', true);
  check('eligible group follows', await n('eligible') === after.body.matches.filter((m) => m.status === 'eligible').length);
  check('研发费用占比 recomputed', (await page.locator('#mine-profile').innerText()).includes('研发费用占比'));
  const stored = await getJSON(base, '/api/enterprises/' + uscc);
  const rdNow = stored.body.fields.rd_expense;
  check('nothing stored', !rdNow || rdNow.value !== 300000000, rdNow);
  await checkFits(page, 'mine (enterprise)');
  await shot(page, 'mine-enterprise');
  const others = await getJSON(base, '/api/search?q=' + encodeURIComponent('奖励'));
  const other = '91370203MA012HJA8K' === uscc ? '91370211MA1Q6WUC1M' : '91370203MA012HJA8K';
  const refused = await getJSON(base, `/api/enterprises/${other}/matches`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"set":{}}' });
  check('another enterprise refused', refused.status === 403, refused.status);
  check('search still public', others.status === 200);
  checkNoErrors(page, 'mine (enterprise)');
};
module.exports = flow;
module.exports.role = 'enterprise';
