// 我的对接会 (dock-meet.html): a participant sets when it is free to meet. demo_enterprise, sent
// here from the organiser's dock-events.html#event=ID (same event), registers
// for the demo 对接会 on the page (unless it already is); at 1366 it adds a second stretch from the
// keyboard, is refused on the page for overlapping stretches (the Chinese reason shown), saves
// 09:00–10:40 and 12:20–13:10, and the API answers the same slots (09:00–10:35, 12:20–13:05: six of
// twelve). A stretch past the event's hours is 422 with the reason; another enterprise's or no
// participant's is refused. The organiser then adds a meeting for it and repairs the schedule: the
// meeting lands in a slot it can attend. At 390 the page shows the saved stretches, fits, and
// 全天可参加 sets it back to all day (checked through the API). 贷比三家 opens with its own code.
'use strict';

const put = (body) => ({ method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
const post = (body) => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

const flow = async ({ base, page, phone, check, shot, checkFits, checkNoErrors, getJSON, signIn }) => {
  await signIn(base, 'enterprise');
  const evs = await getJSON(base, '/api/dock/events');
  const ev = ((evs.body && evs.body.events) || [])[0];
  if (!check('the demo has an event', !!ev)) return;
  const E = `/api/dock/events/${ev.id}`;

  // the organiser's event page is not its own: it lands on 我的对接会 for the same event, and the
  // navigation offers no organiser pages
  await page.goto(`${base}/dock-events.html#event=${ev.id}`);
  await page.waitForURL(new RegExp(`dock-meet\\.html#event=${ev.id}$`));
  await page.locator('#m-state').waitFor();
  check('no organiser pages in its navigation',
    await page.locator('header nav a[href^="dock-events.html"], header nav a[href^="dock-supply.html"]').count() === 0);
  if (await page.locator('#m-register-card').isVisible()) {
    await page.locator('#m-reg-name').fill('演示企业');
    await page.locator('#m-register button[type=submit]').click();
  }
  await page.locator('#m-avail-card form.dock-avail').waitFor();
  const mine = await getJSON(base, E + '/participants');
  const pid = mine.body && mine.body.items && mine.body.items[0] && mine.body.items[0].id;
  if (!check('the enterprise is registered', !!pid, mine.status)) return;
  const A = `${E}/participants/${pid}/availability`;
  const form = page.locator(`#m-avail form.dock-avail[data-pid="${pid}"]`);

  if (phone) {
    const before = await getJSON(base, A);
    if (!before.body.all_day) {
      check('the saved stretches are shown', (await form.locator('.m-avail-now').innerText()).includes('12:20–13:05'),
        await form.locator('.m-avail-now').innerText());
    }
    await checkFits(page, 'dock-meet-avail');
    await shot(page, 'dock-meet-avail');
    await form.locator('.m-avail-all').click();
    await page.locator('#m-avail .m-avail-saved').waitFor();
    const after = await getJSON(base, A);
    check('全天可参加 through the API', after.status === 200 && after.body.all_day === true, after.body);
    check('every slot shown as free', await page.locator('#m-avail .dock-slots li.off').count() === 0);
    checkNoErrors(page, 'dock-meet-avail');
    return;
  }

  // the first stretch, then a second one added from the keyboard
  const rows = form.locator('.dock-avail-row');
  await rows.nth(0).locator('.m-avail-from').fill('09:00');
  await rows.nth(0).locator('.m-avail-to').fill('10:40');
  for (let n = await rows.count(); n > 1; n--) await rows.nth(n - 1).getByRole('button', { name: /删除/ }).click();
  await form.getByRole('button', { name: '添加时间段' }).focus();
  await page.keyboard.press('Enter');
  check('a new stretch takes the focus',
    await page.evaluate(() => document.activeElement && document.activeElement.classList.contains('m-avail-from')));
  await rows.nth(1).locator('.m-avail-from').fill('10:00');
  await rows.nth(1).locator('.m-avail-to').fill('11:00');
  await form.locator('.m-avail-save').focus();
  await page.keyboard.press('Enter');
  const refused = form.locator('.m-avail-note .error-box');
  await refused.waitFor();
  check('overlapping stretches refused on the page, in Chinese', (await refused.innerText()).includes('时间重叠'),
    await refused.innerText());
  const still = await getJSON(base, A);
  check('nothing saved by the refused change', still.body && still.body.all_day === true, still.body);

  await rows.nth(1).locator('.m-avail-from').fill('12:20');
  await rows.nth(1).locator('.m-avail-to').fill('13:10');
  await form.locator('.m-avail-save').focus();
  await page.keyboard.press('Enter');
  await page.locator('#m-avail .m-avail-saved').waitFor();
  const got = await getJSON(base, A);
  const b = got.body || {};
  check('the API has the stretches', got.status === 200 && JSON.stringify(b.ranges) ===
    JSON.stringify([{ from: '09:00', to: '10:35' }, { from: '12:20', to: '13:05' }]), b);
  check('six of twelve slots', b.available_slots === 6 && (b.slots || []).length === 12, b.available_slots);
  const free = (b.slots || []).filter((x) => x.available).map((x) => x.slot);
  check('slots 0–3, 8 and 9', JSON.stringify(free) === '[0,1,2,3,8,9]', free);
  check('the page marks the same slots', await page.locator('#m-avail .dock-slots li.ok').count() === 6);
  check('the page says what was saved', (await page.locator('#m-avail .m-avail-saved').innerText()).includes('09:00–10:35'));

  // over the API: past the event's hours, and someone else's
  const late = await getJSON(base, A, put({ ranges: [{ from: '13:00', to: '15:00' }] }));
  check('a stretch after the event is 422 on ranges', late.status === 422 && late.body.error.field === 'ranges' &&
    late.body.error.zh.includes('超出活动时间') && !!late.body.error.en, late.body);
  const dir = await getJSON(base, E + '/directory');
  const someone = ((dir.body && dir.body.items) || []).find((x) => !x.mine);
  if (someone) {
    const theirs = await getJSON(base, `${E}/participants/${someone.id}/availability`, put({ all_day: true }));
    check("another's availability is 403", theirs.status === 403, theirs.status);
  }
  // the organiser registers an expert free all day, adds a meeting with it and repairs the
  // schedule: the meeting lands in a slot the enterprise can attend
  await signIn(base, 'admin');
  let other = (await getJSON(base, E + '/participants', post({ name: '可洽谈时段·演示专家', kind: '专家' }))).body;
  if (!other || !other.id) {
    const all = await getJSON(base, E + '/participants');
    other = ((all.body && all.body.items) || []).find((x) => x.name === '可洽谈时段·演示专家');
  }
  if (check('an expert to meet', !!(other && other.id))) {
    const rq = await getJSON(base, E + '/requests', post({ a_id: pid, b_id: other.id }));
    check('the organiser adds a meeting request', rq.status === 201, rq.body);
    const rep = await getJSON(base, E + '/schedule?repair=1', post({}));
    check('the schedule is repaired', rep.status === 200, rep.body);
    const ag = await getJSON(base, `${E}/agenda/${pid}`);
    const slots = ((ag.body && ag.body.meetings) || []).map((m) => m.slot);
    check('the enterprise has its meeting', slots.length > 0, ag.body);
    check('every meeting in a slot it can attend', slots.every((s) => free.includes(s)), slots);
    await signIn(base, 'enterprise');
  }
  await checkFits(page, 'dock-meet-avail');
  await shot(page, 'dock-meet-avail');
  checkNoErrors(page, 'dock-meet-avail');
  // 贷比三家 for itself: its own code filled in, not editable
  const me = await signIn(base, 'enterprise');
  await page.goto(`${base}/dock-loans.html`);
  await page.waitForFunction(() => document.getElementById('l-uscc').value !== '');
  check('贷比三家 has its own code', await page.locator('#l-uscc').inputValue() === (me.me && me.me.scope && me.me.scope.uscc),
    await page.locator('#l-uscc').inputValue());
  check('and it cannot be changed', await page.locator('#l-uscc').evaluate((e) => e.readOnly));
  checkNoErrors(page, 'dock-loans-enterprise');
};
module.exports = flow;
module.exports.role = 'enterprise';
