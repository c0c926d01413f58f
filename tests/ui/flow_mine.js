// 我的政策 (mine.html), the enterprise's flow: the three groups and the total agree with the API;
// in the 政策计算器, raising 从业人员 past a failing "从业人员 >= 20人" moves that clause from 差一项
// to met and the total follows to the fen, with nothing stored; a missing field's 填写 button
// opens it in the calculator; the size class is explained.
'use strict';
const yuan = (f) => (f / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '.' + (f % 100n).toString().padStart(2, '0') + ' 元';

async function findEnterprise(base, getJSON) {
  for (let page = 1; page <= 10; page++) {
    const list = await getJSON(base, `/api/enterprises?page_size=50&page=${page}`);
    for (const e of list.body.items) {
      const r = await getJSON(base, `/api/enterprises/${e.uscc}/matches?nearly=1`);
      const m = r.body.matches.find((x) => x.status === 'nearly' && x.failing_condition === '从业人员 >= 20人');
      if (m && r.body.matches.some((x) => x.status === 'unknown' && x.missing && x.missing.length)) return { uscc: e.uscc, clause: m.clause_id, before: r.body };
    }
  }
  return null;
}

const flow = async ({ base, page, check, shot, checkFits, checkNoErrors, getJSON }) => {
  await page.goto(base + '/mine.html');
  await page.locator('#pick-uscc').waitFor();
  await shot(page, 'mine-pick');
  checkNoErrors(page, 'mine picker');

  const found = await findEnterprise(base, getJSON);
  if (!check('an enterprise nearly meeting 从业人员 >= 20人 in the demo', found)) return;
  await page.goto(base + '/mine.html?uscc=' + found.uscc);
  await page.locator('#total-money').waitFor();
  const n = (s) => page.locator(`.clause-item[data-status="${s}"]`).count();
  const want = (s) => found.before.matches.filter((m) => m.status === s).length;
  check('eligible group as the API', await n('eligible') === want('eligible'), [await n('eligible'), want('eligible')]);
  check('unknown group as the API', await n('unknown') === want('unknown'));
  check('nearly group as the API', await n('nearly') === want('nearly'));
  check('total to the fen', (await page.locator('#total-money .exact').innerText()) === yuan(BigInt(found.before.eligible_total_fen)));
  // 非 失信: an honest firm's eligible clauses show that condition met, as the API says
  const elig = found.before.matches.filter((m) => m.status === 'eligible');
  const apiFailed = elig.flatMap((m) => m.explanation || []).filter((e) => e.outcome === 'ineligible').length;
  check('eligible clauses: 非 失信 shown met', elig.flatMap((m) => m.explanation || []).every((e) => e.rule !== '失信' || e.outcome === 'eligible'));
  check('eligible clauses: failed conditions as the API', await page.locator('.clause-item[data-status="eligible"] li.why-ineligible').count() === apiFailed, apiFailed);
  check('failing condition shown', (await page.locator(`.clause-item[data-clause="${found.clause}"] .failing`).innerText()).includes('从业人员'));
  check('size class explained', (await page.locator('#size-why').innerText()).length > 5);
  await checkFits(page, 'mine');
  await shot(page, 'mine');

  // 政策计算器: 从业人员 → 25
  const emp = page.locator('#calc-employees');
  await emp.fill('');
  await emp.type('25', { delay: 40 });
  await page.locator(`.clause-item[data-clause="${found.clause}"]:not([data-status="nearly"])`).waitFor();
  const after = await getJSON(base, `/api/enterprises/${found.uscc}/matches`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ set: { employees: 25 } }) });
  const now = after.body.matches.find((m) => m.clause_id === found.clause);
  check('clause no longer 差一项', now && now.status !== 'nearly', now && now.status);
  await page.waitForFunction((t) => document.querySelector('#total-money .exact').textContent === t, yuan(BigInt(after.body.eligible_total_fen)));
  check('total follows the change to the fen', true);
  check('says it is a trial', (await page.locator('#calc-status').innerText()).includes('试算'));
  await shot(page, 'mine-calculator');
  const stored = await getJSON(base, '/api/enterprises/' + found.uscc);
  const had = found.before.profile ? null : stored.body.fields.employees;
  check('nothing stored', !stored.body.fields.employees || stored.body.fields.employees.value < 20, had);

  // a bad value shows its error next to the field
  const rev = page.locator('#calc-revenue');
  await rev.fill('很多');
  await page.locator('[data-key="revenue"] .field-error:not(:empty)').waitFor();
  check('bad value explained at the field', (await page.locator('[data-key="revenue"] .field-error').innerText()).length > 0);
  await page.getByRole('button', { name: '恢复档案数据' }).click();
  await page.waitForFunction(() => /当前为企业档案/.test(document.getElementById('calc-status').textContent));

  // 填写 a missing field: it opens in the calculator with the focus
  const fill = page.locator('.missing-row button').first();
  const label = (await fill.innerText()).replace(/^填写/, '');
  await fill.click();
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.closest('.calc-field') && document.activeElement.closest('.calc-field').querySelector('.calc-label').textContent);
  check('填写 focuses the missing field in the calculator', focused && focused.startsWith(label), [focused, label]);
  checkNoErrors(page, 'mine');
};
module.exports = flow;
module.exports.role = 'admin';
