// 政策发布 (policy.html), the officer's flow: paste a policy, 解析, every clause highlighted with its
// exact text, live counts, a typo's error at line:col while typing and gone when fixed, 保存草稿,
// 发布, then the money shown for a qualifying enterprise equals the API's integer fen. A policy
// whose text carries <script> shows it as text. Then a Word file uploaded with the keyboard fills
// the text box and shows the same clauses; a PDF is refused on the page. Ported from the
// DevTools-protocol test.
'use strict';
const fs = require('fs');
const path = require('path');

const yuan = (f) => (f / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '.' + (f % 100n).toString().padStart(2, '0') + ' 元';

const flow = async ({ base, page, phone, session, check, shot, checkFits, checkNoErrors, getJSON }) => {
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
  check('error marked in the editor', await page.locator('.pol-clause').nth(1).locator('.tok-err').count() === 1);
  check('fields highlighted', await page.locator('.pol-clause').nth(1).locator('.rule-hl .tok-field').count() > 0);
  await rule.fill(before);
  await err.waitFor({ state: 'detached' });
  check('error cleared', await page.locator('.pol-clause').nth(1).locator('.tok-err').count() === 0);
  // the live distribution follows the clause being edited, and its numbers are one click away
  await page.waitForFunction(() => /^第 2 条：符合 \d+ 家/.test(document.getElementById('live-title').textContent));
  const pv = await getJSON(base, '/api/match/preview', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ rule: before }) });
  check('live counts are the API\'s', (await page.locator('#live-title').innerText()).includes(`符合 ${pv.body.counts.eligible} 家`));
  check('charts drawn', await page.locator('#live .chart svg.chart-svg').count() >= 3);
  const districtPanel = page.locator('#live .chart-panel').first();
  await districtPanel.getByRole('button', { name: '数据' }).click();
  const sum = await districtPanel.locator('tbody tr').evaluateAll((trs) => trs.reduce((a, tr) => a + Number(tr.children[1].textContent.replace(/,/g, '')), 0));
  check('district table sums to the eligible count', sum === pv.body.counts.eligible, [sum, pv.body.counts.eligible]);
  await districtPanel.getByRole('button', { name: '图表' }).click();
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
  // the push list exported for Excel (src/export): an .xlsx, and as CSV every eligible enterprise
  const first = page.locator('#pol-after .pol-clause').first();
  const [download] = await Promise.all([page.waitForEvent('download'), first.getByRole('link', { name: '导出 Excel' }).click()]);
  const xlsx = fs.readFileSync(await download.path());
  check('an .xlsx file', xlsx.subarray(0, 2).toString() === 'PK' && /\.xlsx$/.test(download.suggestedFilename()), download.suggestedFilename());
  const href = await first.getByRole('link', { name: 'CSV' }).getAttribute('href');
  const csvRes = await fetch(base + href, { headers: session.cookie ? { Cookie: 'duijie_session=' + session.cookie } : {} });
  const csv = await csvRes.text();
  const lines = csv.replace(/^\ufeff/, '').trim().split(/\r?\n/);
  const total = Number((await first.locator('p.summary', { hasText: '符合的企业共' }).innerText()).match(/共 (\d+) 家/)[1]);
  check('CSV has a header and every eligible enterprise', lines[0].startsWith('统一社会信用代码') && lines.length === total + 1, [lines.length, total]);
  const list = await getJSON(base, '/api/policies?status=published');
  check('published in the API', list.body.policies.some((p) => p.title === title));
  await checkFits(page, 'policy published');
  await shot(page, 'policy-published');

  // upload a Word file (高新技术企业认定 第十一条, Word's own list numbering): its text fills the box
  // and the clauses are proposed exactly as the API proposes them for the pasted text; a PDF is
  // refused in Chinese on the page
  await page.goto(base + '/policy.html');
  await page.waitForLoadState('networkidle');
  const docx = path.join(__dirname, '../data/docfile/hitech.docx');
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.locator('#pol-upload').press('Enter')]);
  // the file as the drafting office names it (the page repeats the name, and shows only Chinese)
  await chooser.setFiles({ name: '高新技术企业认定管理办法.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: fs.readFileSync(docx) });
  await page.waitForFunction(() => document.querySelectorAll('.pol-clause').length >= 8);
  const original = fs.readFileSync(path.join(__dirname, '../data/extract/hitech_article11.txt'), 'utf8');
  check('uploaded Word text in the box', await page.inputValue('#pol-text') === original);
  const ref = await getJSON(base, '/api/policies/extract', { method: 'POST', body: original });
  const upMarks = await page.$$eval('.pol-source mark', (ms) => ms.map((m) => m.textContent));
  check('uploaded clauses as pasted', upMarks.length === ref.body.clauses.length &&
    upMarks.every((m, i) => m === String(ref.body.clauses[i].seq) + ref.body.clauses[i].text), { marks: upMarks.length, n: ref.body.clauses.length });
  check('upload message', /已读取“高新技术企业认定管理办法\.docx”，共识别 \d+ 条条款/.test(await page.locator('#pol-extract-msg').innerText()));
  await shot(page, 'policy-uploaded');
  await page.setInputFiles('#pol-file', { name: 'scan.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
  const pdfErr = page.locator('#pol-work > .error-box');
  await pdfErr.waitFor();
  check('PDF refused in Chinese', (await pdfErr.innerText()).includes('暂不支持 PDF'), await pdfErr.innerText());
  checkNoErrors(page, 'policy');
};
module.exports = flow;
module.exports.role = 'officer';
