// 政策搜索 from the header's search box on any page: Enter on 企业查询 opens search.html with the
// results of /api/search (same total, highlighted terms), facets narrow it, keyboard only.
'use strict';
const flow = async ({ base, page, check, shot, checkFits, checkNoErrors, getJSON }) => {
  await page.goto(base + '/index.html#/');
  await page.locator('#top-q').waitFor();
  await page.focus('#top-q');
  await page.keyboard.type('高企 奖励');
  await page.keyboard.press('Enter');
  await page.waitForURL(/search\.html\?q=/);
  await page.locator('#s-results .match').first().waitFor();
  const api = await getJSON(base, '/api/search?q=' + encodeURIComponent('高企 奖励') + '&limit=10&offset=0');
  check('same total as the API', (await page.locator('#s-msg').innerText()).includes(`共 ${api.body.total} 条`), api.body.total);
  check('terms highlighted', await page.locator('#s-results mark').count() > 0);
  check('header box keeps the query', (await page.inputValue('#top-q')) === '高企 奖励');
  await checkFits(page, 'search');
  await shot(page, 'search');
  const facet = page.locator('#s-facets button').first();
  if (await facet.count()) {
    await facet.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /共 \d+ 条/.test(document.getElementById('s-msg').textContent));
    check('a facet narrows the search', Number((await page.locator('#s-msg').innerText()).match(/共 (\d+) 条/)[1]) <= api.body.total);
  }
  checkNoErrors(page, 'search');
};
module.exports = flow;
module.exports.role = 'anonymous';
