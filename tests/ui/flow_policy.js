// 政策发布 (policy.html), the officer's flow: paste a policy, 解析, every clause highlighted with its
// exact text, live counts, a typo's error at line:col while typing and gone when fixed, 保存草稿,
// 发布, then the money shown for a qualifying enterprise equals the API's integer fen. A policy
// whose text carries <script> shows it as text. Ported from the DevTools-protocol test.
'use strict';
const fs = require('fs');
const path = require('path');

const yuan = (f) => (f / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '.' + (f % 100n).toString().padStart(2, '0') + ' 元';

module.exports = async ({ base, page, phone, check, shot, checkFits, checkNoErrors, getJSON }) => {
  const text = fs.readFileSync(path.join(__dirname, '../data/extract/articles.txt'), 'utf8') +
    '\n附：<script>alert("x")</script>本句用于检查转义。\n';
  let dialog = false;
  page.on('dialog', (d) => { dialog = true; d.dismiss(); });
  await page.goto(base + '/policy.html');
  await page.fill('#pol-text', text);
  await page.click('#pol-extract');
  await page.waitForFunction(() => document.querySelectorAll('.pol-clause').length >= 4);
  const extracted = await getJSON(base, '/api/policies/extract', { method: 'POST', body: text });
  const marks = await page.$$eval('.pol-source mark', (ms) => ms.map((m) => m.textContent));
  check('every clause highlighted with its exact text', marks.length === extracted.body.clauses.length &&
    marks.every((m, i) => m === String(extracted.body.clauses[i].seq) + extracted.body.clauses[i].text),
  { marks: marks.length, n: extracted.body.clauses.length });
  check('<script> in the policy shown as text', (await page.locator('.pol-source').innerText()).includes('<script>alert("x")</script>') &&
    await page.locator('.pol-source script').count() === 0 && !dialog);
  await page.waitForFunction(() => [...document.querySelectorAll('.pol-clause .preview')].some((p) => /符合 \d+/.test(p.textContent)));
  check('live counts', true);

  // a typo in a rule shows its error, with line and column, while typing; fixing it clears it
  const rule = page.locator('.pol-clause .rule').nth(1);
  const before = await rule.inputValue();
  await rule.focus();
  await page.keyboard.press('End');
  await page.keyboard.press('Control+End');
  await page.keyboard.type(' 且', { delay: 30 });
  const err = page.locator('.pol-clause').nth(1).locator('.error-box');
  await err.waitFor();
  check('live rule error at line:col', /第 \d+ 行/.test(await err.innerText()), await err.innerText());
  await rule.fill(before);
  await err.waitFor({ state: 'detached' });
  check('error cleared', true);
  await checkFits(page, 'policy editor');
  await shot(page, 'policy-editor');

  const title = '转义与发布测试政策 ' + (phone ? '手机' : '电脑');
  await page.fill('#pf-title', title);
  await page.getByRole('button', { name: '保存草稿' }).click();
  await page.waitForFunction(() => /已保存草稿/.test(document.getElementById('pol-save-msg').textContent));
  await page.getByRole('button', { name: '发布', exact: true }).click();
  await page.locator('#pol-after .ok-box').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#pol-after tbody tr td .money').length > 0, null, { timeout: 20000 });
  const shown = await page.evaluate(() => {
    const r = [...document.querySelectorAll('#pol-after tbody tr')].find((tr) => tr.querySelector('.money'));
    return { uscc: r.querySelector('.mono').textContent, yuan: r.querySelector('.exact').textContent };
  });
  const m = await getJSON(base, '/api/enterprises/' + shown.uscc + '/matches');
  const fens = m.body.matches.filter((x) => x.award_fen != null).map((x) => BigInt(x.award_fen));
  check('award shown to the fen', fens.some((f) => yuan(f) === shown.yuan), { shown, fens: fens.map(String) });
  const list = await getJSON(base, '/api/policies?status=published');
  check('published in the API', list.body.policies.some((p) => p.title === title));
  await checkFits(page, 'policy published');
  await shot(page, 'policy-published');
  checkNoErrors(page, 'policy');
};
