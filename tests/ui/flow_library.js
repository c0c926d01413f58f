// 政策文件库 (library.html) on the demo's library (src/demo/demo_library.c), as an enterprise user:
// the list shows as many documents as the API, a theme facet and the level filter narrow it to
// the API's counts, a document with earlier versions opens with its 文号, clauses, 政策解读 and
// version history (an earlier version says what replaced it), and its original file downloads
// with the SHA-256 the page shows.
'use strict';
const crypto = require('crypto');
const fs = require('fs');

const total = async (page) => Number(((await page.locator('#l-msg').innerText()).match(/共 (\d+) 件/) || [])[1]);

const waitTotal = (page, n) => page.waitForFunction((want) => {
  const m = /共 (\d+) 件/.exec(document.getElementById('l-msg').textContent);
  return m && Number(m[1]) === want;
}, n);

// The first current policy document with earlier versions and a 政策解读, by the API.
async function withHistory(base, getJSON) {
  const list = await getJSON(base, '/api/library?kind=policy&page_size=200');
  for (const d of list.body.documents) {
    const full = await getJSON(base, `/api/library/${d.id}`);
    if (full.body.history.length > 1 && full.body.links.some((l) => l.kind === 'interpretation')) return full.body;
  }
  for (const d of list.body.documents) {
    const full = await getJSON(base, `/api/library/${d.id}`);
    if (full.body.history.length > 1) return full.body;
  }
  return null;
}

const flow = async ({ base, page, check, shot, checkFits, checkNoErrors, getJSON }) => {
  await page.goto(base + '/library.html');
  await page.locator('#l-list tbody tr').first().waitFor();
  const all = await getJSON(base, '/api/library');
  check('the demo library is not empty', all.body.total >= 10, all.body.total);
  check('the list shows the API\'s total', (await total(page)) === all.body.total, { page: await total(page), api: all.body.total });
  await checkFits(page, 'library');
  await shot(page, 'library');

  // a theme facet narrows the list to the API's count for that theme
  const [theme, n] = Object.entries(all.body.facets.theme).sort((a, b) => b[1] - a[1])[0];
  await page.locator('#l-facets button', { hasText: `${theme}（${n}）` }).click();
  await waitTotal(page, n);
  const byTheme = await getJSON(base, '/api/library?theme=' + encodeURIComponent(theme));
  check('a theme facet narrows the list', n < all.body.total && byTheme.body.total === n, { theme, n });

  // the level filter: district documents only
  await page.fill('#l-theme', '');
  await page.selectOption('#l-level', '区');
  await page.click('#l-form button[type=submit]');
  const byLevel = await getJSON(base, '/api/library?level=' + encodeURIComponent('区'));
  await waitTotal(page, byLevel.body.total);
  const levels = await page.$$eval('#l-list tbody tr', (rows) => rows.map((r) => r.cells[3].textContent));
  check('the level filter shows district documents only', byLevel.body.total > 0 && levels.length > 0 && levels.every((l) => l === '区'), levels);
  await page.selectOption('#l-level', '');

  // a document with earlier versions, found by its 文号
  const d = await withHistory(base, getJSON);
  check('the demo library has a document with earlier versions', d !== null);
  if (!d) return;
  await page.fill('#l-q', d.doc_no);
  await page.click('#l-form button[type=submit]');
  await waitTotal(page, 1);
  await page.locator('#l-list tbody a', { hasText: d.title }).click();
  await page.waitForSelector('#l-detail .kv');
  const detail = await page.locator('#l-detail').innerText();
  check('the document shows its 文号, authority and validity', detail.includes(d.doc_no) && detail.includes(d.authority) && detail.includes(d.validity));
  check('its clauses are listed', d.clauses.length > 0 && d.clauses.every((c) => detail.includes(c.title)));
  check('its 政策解读 and related documents are linked', d.links.every((l) => detail.includes(l.title)));
  const versions = await page.locator('#l-detail .history li').count();
  check('its version history has every version', versions === d.history.length, { versions, api: d.history.length });
  check('the current version says what changed', !!d.note && detail.includes(d.note));
  await checkFits(page, 'library document');
  await shot(page, 'library-document');

  // the original file: the bytes' SHA-256 is the one shown
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#l-detail a[href$="/file"]').click()]);
  const file = fs.readFileSync(await download.path());
  const sha = crypto.createHash('sha256').update(file).digest('hex');
  check('the file downloads with the SHA-256 shown', sha === d.file_sha256 && detail.includes(sha) && file.toString('utf8').includes(d.title), sha);

  // an earlier version: 失效 or 废止, replaced by the current document
  await page.locator('#l-detail .history li a').first().click();
  await page.waitForFunction((no) => document.getElementById('l-detail').innerText.includes(no), d.history[0].doc_no);
  const old = await page.locator('#l-detail').innerText();
  check('an earlier version says it was replaced', /失效|废止/.test(old) && old.includes(`被文件 ${d.id} 替代`), old.slice(0, 300));
  await page.locator('#l-detail a', { hasText: `被文件 ${d.id} 替代` }).click();
  await page.waitForFunction((no) => document.getElementById('l-detail').innerText.includes(no), d.doc_no);
  check('the replacement link opens the current version', (await page.locator('#l-detail .history li').last().innerText()).includes('当前查看'));
  checkNoErrors(page, 'library');
};
module.exports = flow;
module.exports.role = 'enterprise';
