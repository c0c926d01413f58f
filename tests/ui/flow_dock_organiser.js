// The organiser's docking pages: dock-needs.html lists the banks' loan products as the API has
// them (rates exact from basis points); dock-events.html lists the event's meeting requests with
// where each was placed or why not, and the filter for accepted-but-unplaced ones matches the API.
'use strict';

const flow = async ({ base, page, check, shot, checkFits, checkNoErrors, getJSON }) => {
  const prods = await getJSON(base, '/api/dock/records/product?limit=200');
  await page.goto(base + '/dock-needs.html');
  await page.locator('#n-products-table').waitFor();
  check('every product listed', (await page.locator('#n-products-table tbody tr').count()) === prods.body.items.length,
    prods.body.items.length);
  const p0 = prods.body.items[0];
  if (p0 && p0.rate_min_bp !== null) {
    const pct = (bp) => Math.trunc(bp / 100) + '.' + String(bp % 100).padStart(2, '0') + '%';
    check('rate exact from basis points', (await page.locator('#n-products-table tbody tr').first().innerText()).includes(pct(p0.rate_min_bp)));
  }
  await checkFits(page, 'dock-needs');
  await shot(page, 'dock-needs');
  checkNoErrors(page, 'dock-needs');

  const evs = await getJSON(base, '/api/dock/events');
  const ev = evs.body.events[0];
  if (!check('the demo has an event', ev)) return;
  const reqs = await getJSON(base, `/api/dock/events/${ev.id}/requests`);
  const unplaced = reqs.body.items.filter((q) => q.status === '已接受' && (q.slot === null || q.slot === undefined));
  await page.goto(base + '/dock-events.html#event=' + ev.id);
  await page.locator('#r-count').waitFor();
  check('request count as the API', (await page.locator('#r-count').innerText()).startsWith(`共 ${reqs.body.items.length} 条请求`));
  await page.locator('#r-status').selectOption('未排定');
  const rows = page.locator('#r-list tbody tr');
  check('unplaced filter as the API', (await rows.count()) === Math.min(unplaced.length, 50), [await rows.count(), unplaced.length]);
  if (unplaced.length) check('an unplaced request says why', (await rows.first().innerText()).length > 0 && !!unplaced[0].reason, unplaced[0]);
  await checkFits(page, 'dock-events');
  await shot(page, 'dock-events');
  checkNoErrors(page, 'dock-events');
};
module.exports = flow;
module.exports.role = 'admin';
