// 企业查询 (index.html): the list filtered by size, an enterprise's detail with its size class
// explained and money to the fen, the form generated from the dictionary, the import page, and a
// name with markup shown as text. Ported from the curl + --dump-dom test.
'use strict';
const flow = async ({ base, page, phone, check, shot, checkFits, checkNoErrors, getJSON }) => {
  await page.goto(base + '/#/?size=%E5%B0%8F%E5%9E%8B');
  await page.waitForSelector('table tbody tr');
  const rows = await page.locator('table tbody tr').count();
  check('list has rows', rows >= 1, rows);
  const text = await page.locator('main').innerText();
  check('list says how many', /共 [\d,]+ 家企业/.test(text), text.slice(0, 200));
  check('only 小型 rows', await page.locator('tbody .tag.size-2').count() === rows);
  check('districts offered', await page.locator('select[name=county] option', { hasText: '崂山区' }).count() === 1);
  check('header search box', await page.locator('#top-q').count() === 1);
  await checkFits(page, 'list');
  await shot(page, 'enterprise-list');
  checkNoErrors(page, 'list');

  const first = await getJSON(base, '/api/enterprises?page_size=1&size=%E5%B0%8F%E5%9E%8B');
  const u = first.body.items[0].uscc;
  const prof = await getJSON(base, '/api/enterprises/' + u);
  await page.goto(base + '/#/e/' + u);
  await page.waitForSelector('.size-box');
  const d = await page.locator('main').innerText();
  check('detail shows the USCC', d.includes(u));
  check('size explained', d.includes(prof.body.fields.size.explain), prof.body.fields.size.explain);
  check('派生指标 shown', d.includes('派生指标（系统计算）'));
  check('money in 万元 with exact value on hover', await page.locator('.money[title^="精确值 "]').count() > 0);
  check('link to 我的政策', await page.locator(`a[href="mine.html?uscc=${u}"]`).count() === 1);
  await checkFits(page, 'detail');
  await shot(page, 'enterprise-detail');
  checkNoErrors(page, 'detail');

  await page.goto(base + '/#/new');
  await page.waitForSelector('form.form input[name=uscc]');
  check('form from the dictionary', await page.locator('input[name=revenue]').count() === 1 &&
    await page.locator('input[type=checkbox][name=qualifications][value=高新技术企业]').count() === 1);
  await checkFits(page, 'form');
  await shot(page, 'enterprise-new');
  checkNoErrors(page, 'form');

  await page.goto(base + '/#/import');
  await page.waitForSelector('input[type=file]', { state: 'attached' });
  check('import page', (await page.locator('main').innerText()).includes('下载 Excel 模板'));
  await checkFits(page, 'import');
  await shot(page, 'enterprise-import');
  checkNoErrors(page, 'import');

  // a user-supplied name with markup is shown as text, never as markup
  const uscc = phone ? '91350100M000100Y43' : '91350100M000100Y43';
  await getJSON(base, '/api/enterprises', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ uscc, name: '<img src=x onerror=alert(1)>青岛转义测试', region: '崂山区' }) });
  let dialog = false;
  page.on('dialog', (dl) => { dialog = true; dl.dismiss(); });
  await page.goto(base + '/#/?q=%E8%BD%AC%E4%B9%89');
  await page.waitForSelector('tbody tr');
  check('markup in a name shown as text', (await page.locator('tbody').innerText()).includes('<img src=x onerror=alert(1)>青岛转义测试'));
  check('no element from the name', await page.locator('main img').count() === 0 && !dialog);
  checkNoErrors(page, 'escaped');
};
module.exports = flow;
module.exports.role = 'hub';
