// 数据看板 (dashboard.html): the first screen is one API answer (GET /api/stats/dashboard, after
// the session check), every chart has its numbers one click away, and those numbers are the other
// APIs': the coverage chart's eligible counts equal POST /api/match/preview for each clause's rule,
// the paid total and the 按政策 table GET /api/stats/money's to the fen, the service activity GET
// /api/network/stats's.
'use strict';
const yuan = (f) => (f / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '.' + (f % 100n).toString().padStart(2, '0') + ' 元';

const flow = async ({ base, page, check, shot, checkFits, checkNoErrors, getJSON }) => {
  const calls = [];
  page.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/api/')) calls.push(new URL(r.url()).pathname); });
  await page.goto(base + '/dashboard.html');
  await page.locator('.kpis').waitFor();
  check('first screen from one summary request', calls.length === 2 && calls.includes('/api/auth/me') && calls.includes('/api/stats/dashboard'), calls);
  const panels = page.locator('.chart-panel');
  check('some charts shown', await panels.count() >= 1);
  // every panel with numbers gets its chart; an empty one says 暂无数据 and draws none
  await page.waitForFunction(() => [...document.querySelectorAll('.chart-panel')].filter((p) => p.querySelector('.chart'))
    .every((p) => p.querySelector('svg.chart-svg') || !p.querySelector('.chart-empty').hidden));
  check('every chart with numbers drawn', await page.locator('.chart-panel svg.chart-svg').count() === await page.locator('.chart-panel .chart-empty[hidden]').count());

  // the drawing is the numbers: in 按区（市） each district's bar is as tall, relative to the
  // tallest, as its paid sum is to the largest (to a pixel), and the keyboard's tooltip shows a
  // district's sum to the fen
  const dash0 = (await getJSON(base, '/api/stats/dashboard')).body;
  const byDistrict = dash0.money.by_district.filter((g) => BigInt(g.paid_fen) > 0n);
  if (byDistrict.length) {
    const dist = page.locator('.chart-panel', { hasText: '按区（市）' }).locator('svg.chart-svg');
    const heights = await dist.locator('rect[class^="c"]').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('height'))));
    const top = byDistrict.reduce((a, g) => (BigInt(g.paid_fen) > a ? BigInt(g.paid_fen) : a), 0n);
    const hmax = Math.max(...heights);
    check('one bar per district with money', heights.length === byDistrict.length, [heights.length, byDistrict.length]);
    check('bars proportional to the sums', byDistrict.every((g, i) => Math.abs(heights[i] - hmax * Number(BigInt(g.paid_fen) * 10000n / top) / 10000) <= 1.5),
      [heights.slice(0, 4), byDistrict.slice(0, 4).map((g) => g.paid_fen)]);
    await dist.focus();
    await page.keyboard.press('ArrowRight');
    const first = dash0.money.by_district[0];
    const tipText = await page.locator('.chart-tip').innerText();
    check('tooltip (arrow key) shows the district and its sum to the fen', tipText.includes(String(first.label || first.key)) && tipText.includes(yuan(BigInt(first.paid_fen))), [tipText, first]);
    await page.keyboard.press('Escape');
    check('Escape hides the tooltip', await page.locator('.chart-tip').isHidden());
  }

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

  // firms that miss out: the page's total is the API's, and a clause's 导出名单 is its missed list
  // (eligible, never applied), as many firms as the table says
  const cv = (await getJSON(base, '/api/stats/dashboard')).body.coverage;
  check('missed total shown', (await page.locator('#dash-missed').innerText()).includes(String(cv.missed).replace(/\B(?=(\d{3})+(?!\d))/g, ',')), cv.missed);
  const firstMissed = page.locator('#dash-missed-list tbody tr').first();
  if (await firstMissed.count()) {
    const href = await firstMissed.locator('a').getAttribute('href');
    const shownMissed = Number((await firstMissed.locator('td').nth(3).innerText()).replace(/,/g, ''));
    const ml = await getJSON(base, href.replace('&format=xlsx', '&page_size=1'));
    check('missed list is as long as the table says', ml.status === 200 && ml.body.total === shownMissed, [href, ml.body && ml.body.total, shownMissed]);
    const row = cv.clauses.find((c) => href.includes(`/clauses/${c.id}/`));
    check('missed = eligible − eligible applicants', row && row.missed === shownMissed && row.missed <= row.eligible, row);
  }
  const stats = await getJSON(base, '/api/stats/money?by=month');
  check('paid total to the fen', (await page.locator('#kpi-paid .exact').innerText()) === yuan(BigInt(stats.body.paid_fen)));
  if (stats.body.paid_fen > 0) { // the numbers behind a money chart add up to the total, to the fen
    const pol = page.locator('.chart-panel', { hasText: '按政策' });
    await pol.getByRole('button', { name: '数据' }).click();
    const cells = await pol.locator('tbody td .exact').allInnerTexts();
    const sum = cells.reduce((a, t) => a + BigInt(t.replace(/[ ,元]/g, '').replace('.', '')), 0n);
    check('按政策 table sums to the paid total', sum === BigInt(stats.body.paid_fen), [String(sum), stats.body.paid_fen]);
    await pol.getByRole('button', { name: '图表' }).click();
  }
  // service activity: the busiest centre's visits are GET /api/network/stats's
  const centres = await getJSON(base, '/api/network/stats?by=centre');
  if (centres.status === 200 && centres.body.units.length) {
    const act = page.locator('.chart-panel', { hasText: '按服务中心' });
    await act.getByRole('button', { name: '数据' }).click();
    const shown = await act.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.children[0].textContent, Number(tr.children[1].textContent.replace(/,/g, ''))]));
    const want = new Map(centres.body.units.map((u) => [u.name, u.visits]));
    check('centre visits are the network statistics\'', shown.length === centres.body.units.length && shown.every(([n, v]) => want.get(n) === v), shown.slice(0, 3));
    await act.getByRole('button', { name: '图表' }).click();
  } else {
    check('no service activity without the network', await page.locator('.chart-panel', { hasText: '按服务中心' }).count() === 0);
  }
  await checkFits(page, 'dashboard');
  await shot(page, 'dashboard');
  checkNoErrors(page, 'dashboard');
};
module.exports = flow;
module.exports.role = 'hub';
module.exports.order = 90;
