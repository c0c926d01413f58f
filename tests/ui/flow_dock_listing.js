// 项目库与上市梯队 (dock-listing.html) as an organiser: each stage's count, target and gap as the
// API has them; the stage filter lists as many firms as the API; moving a firm from 储备 to 孵化
// on the page is stored (the API counts one more 孵化); the project pool's categories and each
// project's offers as the API. The exports on dock-events.html and dock-needs.html are XLSX files.
// At 1366 and at 390 wide.
'use strict';

const lib = require('./lib');

const xlsx = async (base, href) => {
  const r = await fetch(base + href, { headers: { Cookie: 'duijie_session=' + lib.session.cookie } });
  const buf = Buffer.from(await r.arrayBuffer());
  return r.status === 200 && buf.slice(0, 2).toString() === 'PK' && (r.headers.get('content-type') || '').includes('spreadsheetml');
};

const flow = async ({ base, page, check, shot, checkFits, checkNoErrors, getJSON }) => {
  const before = await getJSON(base, '/api/dock/listing');
  if (!check('the demo has a listing pipeline', before.status === 200 && before.body.firms.length, before.status)) return;
  await page.goto(base + '/dock-listing.html');
  await page.locator('#l-stage-table').waitFor();
  for (const s of before.body.stages) {
    const text = await page.locator(`#l-stage-table tr[data-stage="${s.stage}"]`).innerText();
    check(`stage ${s.stage}: count and target as the API`, text.includes(String(s.count)) &&
      (s.target === null || text.includes(String(s.target))) && (!s.gap || text.includes(`差 ${s.gap} 家`)), [text, s]);
  }
  await page.locator('#l-stage').selectOption('孵化');
  const n = before.body.firms.filter((f) => f.stage === '孵化').length;
  check('stage filter as the API', (await page.locator('#l-firm-table tbody tr').count()) === Math.min(n, 50), n);

  // move the first 储备 firm to 孵化
  await page.locator('#l-stage').selectOption('储备');
  const row = page.locator('#l-firm-table tbody tr').first();
  const uscc = await row.getAttribute('data-uscc');
  await row.locator('select').selectOption('孵化');
  await row.getByRole('button', { name: '调整' }).click();
  await page.locator('#l-moved').waitFor();
  const after = await getJSON(base, '/api/dock/listing');
  const count = (b, s) => b.stages.find((x) => x.stage === s).count;
  check('move stored', after.body.firms.find((f) => f.id === uscc).stage === '孵化' &&
    count(after.body, '孵化') === count(before.body, '孵化') + 1, uscc);

  // the project pool
  const pool = await getJSON(base, '/api/dock/projects');
  check('categories as the API', (await page.locator('#p-cat-table tbody tr').count()) === pool.body.categories.length);
  check('projects as the API', (await page.locator('#p-projects > li').count()) === pool.body.projects.length);
  const p0 = pool.body.projects[0];
  if (p0 && p0.offers.length)
    check('an offer with its rate after 贴息', (await page.locator(`#p-projects > li[data-project="${p0.id}"]`).innerText()).includes(p0.offers[0].apr_after_subsidy_percent + '%'));
  await checkFits(page, 'dock-listing');
  await shot(page, 'dock-listing');
  checkNoErrors(page, 'dock-listing');

  // the spreadsheets behind the export links of the other organiser pages
  await page.goto(base + '/dock-needs.html');
  await page.locator('#n-xlsx').waitFor();
  check('financing needs as XLSX', await xlsx(base, await page.locator('#n-xlsx').getAttribute('href')));
  const evs = await getJSON(base, '/api/dock/events');
  const ev = evs.body.events[0];
  if (!check('the demo has an event', ev)) return;
  await page.goto(base + '/dock-events.html#event=' + ev.id);
  await page.locator('#e-exports a').first().waitFor();
  for (const a of await page.locator('#e-exports a').all())
    check(`${await a.innerText()} is XLSX`, await xlsx(base, await a.getAttribute('href')));
  await page.locator('#p-list button', { hasText: '日程' }).first().click();
  await page.locator('#a-xlsx').waitFor();
  check('a personal agenda as XLSX', await xlsx(base, await page.locator('#a-xlsx').getAttribute('href')));
  checkNoErrors(page, 'dock-events exports');
};
module.exports = flow;
module.exports.role = 'admin';
