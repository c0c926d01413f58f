// 我的政策 as the enterprise itself (demo_enterprise): the page opens on its own USCC from the
// session, the groups and the total are the API's; in the 政策计算器 a new 研发费用 gives exactly the
// total and groups POST …/matches gives for the same change, and the stored profile is unchanged;
// another enterprise's figures are refused (403). A clause it might qualify for (a value missing):
// 填写 opens the field, 保存到档案 stores it in its own profile (the API then has the value and
// every other stored value unchanged) and the clause leaves 可能符合 for what the API now says;
// the profile is put back afterwards so each viewport starts from the demo's.
'use strict';
const yuan = (f) => (f / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '.' + (f % 100n).toString().padStart(2, '0') + ' 元';

const flow = async ({ base, page, session, check, shot, checkFits, checkNoErrors, getJSON }) => {
  const me = await getJSON(base, '/api/auth/me');
  if (me.status === 404) { check('sign-in exists on this server (skipping the enterprise user)', true); return; }
  const uscc = me.body.scope.uscc;
  await page.goto(base + '/mine.html');
  await page.locator('#total-money').waitFor();
  check('opens on its own enterprise', (await page.locator('.mine-head').innerText()).includes(uscc));
  const before = await getJSON(base, `/api/enterprises/${uscc}/matches?nearly=1`);
  const n = (s) => page.locator(`.clause-item[data-status="${s}"]`).count();
  for (const s of ['eligible', 'unknown', 'nearly'])
    check(`${s} as the API`, await n(s) === before.body.matches.filter((m) => m.status === s).length);
  check('total as the API', (await page.locator('#total-money .exact').innerText()) === yuan(BigInt(before.body.eligible_total_fen)));
  check('nav shows what an enterprise may use', await page.locator('.nav a[data-nav="list"]').count() === 0 &&
    await page.locator('.nav a[data-nav="mine"]').count() === 1);

  const rd = page.locator('#calc-rd_expense');
  await rd.fill('');
  await rd.type('3000万元', { delay: 20 });
  await page.waitForFunction(() => /已按修改后的/.test(document.getElementById('calc-status').textContent));
  const after = await getJSON(base, `/api/enterprises/${uscc}/matches`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ set: { rd_expense: '3000万元' } }) });
  await page.waitForFunction((t) => document.querySelector('#total-money .exact').textContent === t, yuan(BigInt(after.body.eligible_total_fen)));
  check('total follows the calculator to the fen', true);
  check('eligible group follows', await n('eligible') === after.body.matches.filter((m) => m.status === 'eligible').length);
  check('研发费用占比 recomputed', (await page.locator('#mine-profile').innerText()).includes('研发费用占比'));
  const stored = await getJSON(base, '/api/enterprises/' + uscc);
  const rdNow = stored.body.fields.rd_expense;
  check('nothing stored', !rdNow || rdNow.value !== 300000000, rdNow);
  await checkFits(page, 'mine (enterprise)');
  await shot(page, 'mine-enterprise');
  await fillAndSave({ base, page, uscc, check, shot, getJSON });
  const others = await getJSON(base, '/api/search?q=' + encodeURIComponent('奖励'));
  const other = '91370203MA012HJA8K' === uscc ? '91370211MA1Q6WUC1M' : '91370203MA012HJA8K';
  const refused = await getJSON(base, `/api/enterprises/${other}/matches`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"set":{}}' });
  check('another enterprise refused', refused.status === 403, refused.status);
  check('search still public', others.status === 200);
  checkNoErrors(page, 'mine (enterprise)');
};
// The stored profile as a POST body: what the page's save sends too (money back to yuan).
function asBody(p, types) {
  const conv = (t, v) => t === 'money' ? (BigInt(v) / 100n).toString() + '.' + (BigInt(v) % 100n).toString().padStart(2, '0')
    : t === 'region' ? String(v.code) : t === 'industry' ? v.code : v;
  const body = { fiscal_year: p.fiscal_year };
  for (const [k, f] of Object.entries(p.fields)) if (!f.derived && f.value !== null) body[k] = conv(f.type, f.value);
  if (p.history) {
    body.history = {};
    for (const [y, vals] of Object.entries(p.history)) {
      body.history[y] = {};
      for (const [k, v] of Object.entries(vals)) body.history[y][k] = conv(types[k], v);
    }
  }
  return body;
}

async function fillAndSave({ base, page, uscc, check, shot, getJSON }) {
  await page.getByRole('button', { name: '恢复档案数据' }).click();
  await page.waitForFunction(() => /当前为企业档案/.test(document.getElementById('calc-status').textContent));
  const defs = (await getJSON(base, '/api/fields')).body.fields;
  const types = Object.fromEntries(defs.map((d) => [d.key, d.type]));
  const byLabel = Object.fromEntries(defs.map((d) => [d.label, d]));
  const before = await getJSON(base, '/api/enterprises/' + uscc);
  const now = await getJSON(base, `/api/enterprises/${uscc}/matches`);
  // an unknown clause missing one enum or bool field, and the value that makes it eligible
  let pick = null;
  for (const m of now.body.matches.filter((x) => x.status === 'unknown' && x.missing && x.missing.length === 1)) {
    const d = byLabel[m.missing[0]];
    if (!d || !['enum', 'bool'].includes(d.type)) continue;
    for (const v of d.type === 'bool' ? [true, false] : d.values) {
      const w = await getJSON(base, `/api/enterprises/${uscc}/matches`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ set: { [d.key]: v } }) });
      const c = w.body.matches.find((x) => x.clause_id === m.clause_id);
      if (c && c.status === 'eligible') { pick = { clause: m.clause_id, d, v }; break; }
    }
    if (pick) break;
  }
  if (!check('the demo enterprise has a clause it might qualify for, one value missing', pick, now.body.matches.map((m) => [m.status, m.missing]))) return;
  const item = page.locator(`.clause-item[data-clause="${pick.clause}"]`);
  check('the clause is under 可能符合', await item.getAttribute('data-status') === 'unknown');
  await item.locator('.missing-row button').first().press('Enter');
  const input = page.locator('#calc-' + pick.d.key);
  await input.selectOption(String(pick.v));
  await page.waitForFunction(() => /已按修改后的/.test(document.getElementById('calc-status').textContent));
  await shot(page, 'mine-fill');
  await page.locator(`[data-key="${pick.d.key}"] .save-field`).press('Enter');
  await page.waitForFunction(() => /已保存到企业档案/.test(document.getElementById('calc-status').textContent));
  const after = await getJSON(base, '/api/enterprises/' + uscc);
  const stored = after.body.fields[pick.d.key];
  check('the value is in the stored profile', stored && stored.value === pick.v, stored);
  const strip = (p) => { const b = asBody(p, types); delete b[pick.d.key]; return JSON.stringify(b); };
  check('every other stored value unchanged', strip(after.body) === strip(before.body), [strip(before.body).slice(0, 200), strip(after.body).slice(0, 200)]);
  const api = await getJSON(base, `/api/enterprises/${uscc}/matches`);
  const c = api.body.matches.find((x) => x.clause_id === pick.clause);
  check('the API now says eligible', c && c.status === 'eligible', c && c.status);
  await page.locator(`.clause-item[data-clause="${pick.clause}"][data-status="eligible"]`).waitFor();
  check('the page moved the clause to 可申报', true);
  const n = (s) => page.locator(`.clause-item[data-status="${s}"]`).count();
  for (const s of ['eligible', 'unknown'])
    check(`after saving, ${s} as the API`, await n(s) === api.body.matches.filter((m) => m.status === s).length);
  check('says it is not a trial any more', (await page.locator('#calc-status').innerText()).includes('已保存'));
  await shot(page, 'mine-saved');
  const back = await getJSON(base, '/api/enterprises', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(asBody(before.body, types)) });
  const again = await getJSON(base, '/api/enterprises/' + uscc);
  check('profile put back for the next run', back.status === 201 && JSON.stringify(asBody(again.body, types)) === JSON.stringify(asBody(before.body, types)), back.status);
}

module.exports = flow;
module.exports.role = 'enterprise';
