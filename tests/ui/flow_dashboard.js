// 数据看板 (dashboard.html): every chart shown has its numbers one click away, and those numbers are
// the API's: the coverage chart's eligible counts equal POST /api/match/preview for each clause's
// rule. Charts whose API is not there are not shown (the page says which); when GET
// /api/stats/money answers, its totals to the fen are what the page shows.
'use strict';
const yuan = (f) => (f / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '.' + (f % 100n).toString().padStart(2, '0') + ' 元';

const flow = async ({ base, page, check, shot, checkFits, checkNoErrors, getJSON }) => {
  await page.goto(base + '/dashboard.html');
  await page.locator('.kpis').waitFor();
  const panels = page.locator('.chart-panel');
  check('some charts shown', await panels.count() >= 1);
  await page.waitForFunction(() => document.querySelectorAll('.chart-panel canvas').length >= document.querySelectorAll('.chart-panel').length);
  check('every chart drawn', true);

  // coverage: the chart's numbers are the preview's
  const cov = page.locator('.chart-panel', { hasText: '各条款覆盖企业' });
  await cov.getByRole('button', { name: '数据' }).click();
  const rows = await cov.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.children[0].textContent, Number(tr.children[1].textContent.replace(/,/g, ''))]));
  const pols = await getJSON(base, '/api/policies?status=published');
  const rules = new Map();
  for (const p of pols.body.policies) for (const c of (await getJSON(base, '/api/policies/' + p.id)).body.clauses) rules.set(c.title, c.rule);
  let same = rows.length > 0;
  for (const [title, n] of rows.slice(0, 5)) {
    const pv = await getJSON(base, '/api/match/preview', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ rule: rules.get(title) }) });
    same = same && pv.body.counts.eligible === n;
  }
  check('coverage numbers are the matching engine\'s', same, rows.slice(0, 5));
  await cov.getByRole('button', { name: '图表' }).click();

  const stats = await getJSON(base, '/api/stats/money?by=month');
  if (stats.status === 200) {
    check('paid total to the fen', (await page.locator('#kpi-paid .exact').innerText()) === yuan(BigInt(stats.body.paid_fen)));
    if (stats.body.paid_fen > 0) { // the numbers behind a money chart add up to the total, to the fen
      const pol = page.locator('.chart-panel', { hasText: '按政策' });
      await pol.getByRole('button', { name: '数据' }).click();
      const cells = await pol.locator('tbody td .exact').allInnerTexts();
      const sum = cells.reduce((a, t) => a + BigInt(t.replace(/[ ,元]/g, '').replace('.', '')), 0n);
      check('按政策 table sums to the paid total', sum === BigInt(stats.body.paid_fen), [String(sum), stats.body.paid_fen]);
      await pol.getByRole('button', { name: '图表' }).click();
    }
  } else {
    check('money charts not shown without their API', await page.locator('.chart-panel', { hasText: '按月份' }).count() === 0 &&
      (await page.locator('#dash-missing').innerText()).includes('资金兑现'));
  }
  await checkFits(page, 'dashboard');
  await shot(page, 'dashboard');
  checkNoErrors(page, 'dashboard');
};
module.exports = flow;
module.exports.role = 'hub';
module.exports.order = 90;
