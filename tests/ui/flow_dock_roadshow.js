// 资本路演 (dock-roadshow.html), the organiser's page: create a roadshow for today with two seats;
// line up three financing projects, move the last one up and save (the server's times: 09:00 +
// 15 minutes a firm, in the order arranged); then demo_investor registers itself over the API and
// the page shows it with one seat left; the organiser registers a second investor on the page (no
// seat left; a third is refused with 409 on capacity); the investor withdraws its own (the seat
// comes back; another's is 403; one after the roadshow held is 409 on date); check-in on the page;
// a follow-up with its amount to the fen and user text shown as text; the funnel; the line-up and
// registrations as XLSX. At 1366 and at 390 wide.
'use strict';

const lib = require('./lib');

const flow = async ({ base, page, phone, check, shot, checkFits, checkNoErrors, getJSON }) => {
  const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  const name = `路演<i>测试</i>${phone ? '·手机' : '·桌面'}`;
  page.on('dialog', (d) => d.accept());

  await page.goto(base + '/dock-roadshow.html');
  await page.locator('#rs-pick option').first().waitFor({ state: 'attached' });
  await page.locator('#rs-new summary').click();
  const form = page.locator('#rs-new-form');
  await form.locator('input[name=name]').fill(name);
  await form.locator('input[name=date]').fill(today);
  await form.locator('input[name=start]').fill('09:00');
  await form.locator('input[name=minutes_per_firm]').fill('12');
  await form.locator('input[name=gap_min]').fill('3');
  await form.locator('input[name=capacity]').fill('2');
  await form.getByRole('button', { name: '创建路演' }).click();
  await page.waitForFunction(() => /roadshow=\d+/.test(location.hash));
  const id = Number((await page.evaluate(() => location.hash)).match(/roadshow=(\d+)/)[1]);
  await page.locator('#rs-lineup-card').waitFor();
  // the page's first load (the project list, the roadshows) may still be answering: the line-up
  // is arranged once nothing is in flight
  await page.waitForLoadState('networkidle');
  const created = await getJSON(base, '/api/dock/roadshows/' + id);
  check('roadshow stored as typed', created.status === 200 && created.body.name === name && created.body.capacity === 2 &&
    created.body.start_min === 540 && created.body.date === today, created.body);
  check('user text shown as text', (await page.locator('#rs-pick option:checked').innerText()).includes('<i>测试</i>'));

  // the line-up: three projects, the third moved up once, saved
  const add = page.locator('#rs-add');
  const picked = [];
  for (let k = 0; k < 3; k++) {
    picked.push(await add.inputValue());
    await page.locator('#rs-add-form').getByRole('button', { name: '加入' }).click();
    // the next pick is read only once this one is in the list (and out of the picker): on a
    // loaded machine the old option was read twice
    await page.waitForFunction((n) => document.querySelectorAll('#rs-lineup li').length >= n, k + 1);
  }
  await page.locator(`#rs-lineup li[data-project="${picked[2]}"] button[data-move=up]`).click();
  const order = [picked[0], picked[2], picked[1]];
  check('moved in the list', (await page.locator('#rs-lineup li').nth(1).getAttribute('data-project')) === picked[2]);
  await page.locator('#rs-lineup-save').click();
  await page.locator('#rs-lineup-saved').waitFor();
  const prog = await getJSON(base, '/api/dock/roadshows/' + id);
  const agenda = prog.body.agenda || [];
  check('line-up stored in the order arranged', agenda.map((a) => String(a.project_id)).join() === order.join(), agenda.map((a) => a.project_id));
  check('each firm\'s time from the server', agenda.every((a, i) => a.start_min === 540 + 15 * i && a.end_min === 552 + 15 * i), agenda.map((a) => a.start));
  const rows = page.locator('#rs-agenda-table tbody tr');
  check('programme shown with the times', (await rows.count()) === 3 && (await rows.nth(1).innerText()).includes('09:15–09:27'));

  // an investor registers itself (demo_investor: 青岛科创母基金)
  await lib.signIn(base, 'investor');
  const reg = await getJSON(base, `/api/dock/roadshows/${id}/registrations`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ firms: [Number(order[0])] }) });
  await lib.signIn(base, 'admin');
  if (!check('the investor registers itself', reg.status === 201, reg)) return;
  await page.reload();
  await page.locator(`#rs-reg-table tr[data-registration="${reg.body.id}"]`).waitFor();
  check('one seat left shown', (await page.locator('#rs-seats-left').innerText()).includes('剩余席位 1 / 2'));

  // the organiser registers a second investor: no seat left; a third is refused on capacity
  const second = await page.locator('#rs-reg-investor').inputValue();
  await page.locator('#rs-reg-form').getByRole('button', { name: '报名' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#rs-reg-table tbody tr').length === 2);
  check('no seat left shown', (await page.locator('#rs-seats-left').innerText()).includes('剩余席位 0 / 2'));
  const third = await page.locator('#rs-reg-investor').inputValue();
  const full = await getJSON(base, `/api/dock/roadshows/${id}/registrations`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ investor_id: Number(third) }) });
  check('a third is refused with 409 on capacity', full.status === 409 && full.body.error.field === 'capacity', full);

  // the investor withdraws its own: the seat comes back; not another's; not after a roadshow held
  const regs = await getJSON(base, `/api/dock/roadshows/${id}/registrations`);
  const other = regs.body.items.find((x) => String(x.investor_id) === second);
  await lib.signIn(base, 'investor');
  const notMine = await getJSON(base, `/api/dock/roadshows/${id}/registrations/${other.id}`, { method: 'DELETE' });
  const out = await getJSON(base, `/api/dock/roadshows/${id}/registrations/${reg.body.id}`, { method: 'DELETE' });
  const all = await getJSON(base, '/api/dock/roadshows');
  const held = all.body.roadshows.find((r) => r.name.includes('第11期'));
  const heldMine = await getJSON(base, '/api/dock/roadshows/' + held.id);
  const old = (heldMine.body.registrations || [])[0];
  const late = old ? await getJSON(base, `/api/dock/roadshows/${held.id}/registrations/${old.id}`, { method: 'DELETE' }) : null;
  await lib.signIn(base, 'admin');
  check('another investor\'s registration is 403', notMine.status === 403, notMine);
  check('the investor withdraws its own', out.status === 200, out);
  if (late) check('withdrawing after the roadshow is 409 on date', late.status === 409 && late.body.error.field === 'date', late);
  const after = await getJSON(base, `/api/dock/roadshows/${id}/registrations`);
  check('the seat is free again', after.body.seats_left === 1 && after.body.items.length === 1, after.body);

  // check-in on the day, on the page
  await page.reload();
  await page.locator(`#rs-reg-table tr[data-registration="${other.id}"]`).waitFor();
  await page.locator(`#rs-reg-table tr[data-registration="${other.id}"]`).getByRole('button', { name: /签到/ }).click();
  await page.locator(`#rs-reg-table tr[data-registration="${other.id}"] .dock-badge.ok`).waitFor();
  const inRow = (await getJSON(base, `/api/dock/roadshows/${id}/registrations`)).body.items.find((x) => x.id === other.id);
  check('check-in stored', inRow && Number.isInteger(inRow.checked_in_at), inRow);

  // a follow-up, to the fen; the funnel counts it
  await page.locator('#rs-fu-investor').selectOption(second);
  await page.locator('#rs-fu-firm').selectOption(order[1]);
  await page.locator('#rs-fu-stage').selectOption('签约');
  await page.locator('#rs-fu-amount').fill('1234.56万元');
  await page.locator('#rs-fu-note').fill('<b>不是标签</b>');
  await page.locator('#rs-fu-form').getByRole('button', { name: '记录跟进' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#rs-fu-table tbody tr td').length > 1);
  const done = await getJSON(base, '/api/dock/roadshows/' + id);
  const fu = (done.body.followups || [])[0];
  check('follow-up stored to the fen', fu && fu.amount_fen === 1234560000 && String(fu.project_id) === order[1], done.body.followups);
  check('note shown as text', (await page.locator('#rs-fu-table tbody').textContent()).includes('<b>不是标签</b>') && (await page.locator('#rs-fu-table tbody b').count()) === 0);
  const f = done.body.funnel;
  check('funnel: one firm signed, one investor checked in', f.firms_signed === 1 && f.investors_checked_in === 1 &&
    f.signed_amount_fen === 1234560000, f);
  check('funnel shown', (await page.locator('#rs-funnel-table').innerText()).includes('签约企业'));

  // the spreadsheets behind the two export links
  for (const sel of ['#rs-lineup-xlsx', '#rs-reg-xlsx']) {
    const href = await page.locator(sel).getAttribute('href');
    const r = await fetch(base + href, { headers: { Cookie: 'duijie_session=' + lib.session.cookie } });
    const buf = Buffer.from(await r.arrayBuffer());
    check(`${sel} is an XLSX file`, r.status === 200 && buf.slice(0, 2).toString() === 'PK' &&
      (r.headers.get('content-type') || '').includes('spreadsheetml'), [r.status, r.headers.get('content-type')]);
  }

  // keyboard: the line-up's buttons are reachable and labelled
  check('buttons are labelled', (await page.locator('#rs-lineup button[aria-label]').count()) === 9);
  await checkFits(page, 'dock-roadshow');
  await shot(page, 'dock-roadshow');
  checkNoErrors(page, 'dock-roadshow');
};
module.exports = flow;
module.exports.role = 'admin';
