// The organiser sees availability on dock-events.html: for the demo 对接会, a participant with a
// scheduled meeting is made (over the API, as the organiser) free everywhere but that meeting's
// slot; the page, from its one request (/api/dock/events/{id}/availability), shows that
// participant's stretches, flags the conflict in Chinese naming both sides, counts conflicts and
// participants who never said when they are free as the API does, and its filters agree with the
// API. The participant's stretches are put back afterwards (so later flows see the demo as it
// was) and the conflict is gone. At 1366×768 and 390×844: fits the width, Chinese only.
'use strict';

const put = (body) => ({ method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

// The stretches that hold every slot but `slot` (one or two), from the view's slots.
function allBut(slots, slot) {
  const out = [];
  if (slot > 0) out.push({ from: slots[0].start, to: slots[slot - 1].end });
  if (slot < slots.length - 1) out.push({ from: slots[slot + 1].start, to: slots[slots.length - 1].end });
  return out;
}

const flow = async ({ base, page, check, shot, checkFits, checkNoErrors, getJSON }) => {
  const evs = await getJSON(base, '/api/dock/events');
  const ev = ((evs.body && evs.body.events) || [])[0];
  if (!check('the demo has an event', !!ev)) return;
  const V = `/api/dock/events/${ev.id}/availability`;
  const view = await getJSON(base, V);
  if (!check('the organiser reads the availability view', view.status === 200, view.status)) return;
  const before = view.body.conflicts.length;
  const who = view.body.items.find((p) => p.meetings.length > 0 && p.all_day && p.conflicts.length === 0);
  if (!check('a participant free all day with a meeting', !!who)) return;
  const m = who.meetings[0];
  const A = `/api/dock/events/${ev.id}/participants/${who.id}/availability`;
  const was = await getJSON(base, A);
  const ranges = allBut(view.body.slots, m.slot);
  const set = await getJSON(base, A, put({ ranges }));
  check('its stretches saved', set.status === 200 && set.body.meetings_outside >= 1, set.body);

  const now = (await getJSON(base, V)).body;
  const mine = now.conflicts.filter((c) => c.participant_id === who.id && c.kind === 'outside');
  check('the API flags the meeting outside its stretches', mine.length >= 1 && mine[0].text.includes(m.with), mine);

  await page.goto(`${base}/dock-events.html#event=${ev.id}`);
  const list = page.locator('#v-conflict-list');
  await list.waitFor();
  const listed = await list.innerText();
  check('the conflict is flagged on the page with both names',
    listed.includes(who.name) && listed.includes(m.with) && listed.includes('不在其可洽谈时段内'), listed.slice(0, 300));
  check('the conflict count as the API', (await page.locator('#v-count').innerText()).includes(`冲突 ${now.conflicts.length} 处`),
    await page.locator('#v-count').innerText());
  check('one more conflict than before', now.conflicts.length >= before + 1, [before, now.conflicts.length]);
  check('who never said, as the API', (await page.locator('#v-badges').innerText()).includes(`已填写可洽谈时段 ${now.participants - now.not_set} 位`));

  await page.locator('#v-show').selectOption('conflict');
  const row = page.locator(`#v-people li[data-pid="${who.id}"]`);
  await row.waitFor();
  const rowText = await row.innerText();
  check("the participant's window is shown", ranges.every((r) => rowText.includes(`${r.from}–${r.to}`)), rowText.slice(0, 300));
  check('its meeting is listed with the other side', rowText.includes(`${m.start}–${m.end}`) && rowText.includes(m.with), rowText.slice(0, 300));
  check('the conflicts filter as the API', (await page.locator('#v-people > li').count()) === Math.min(now.with_conflicts, 30),
    [await page.locator('#v-people > li').count(), now.with_conflicts]);
  await page.locator('#v-show').selectOption('unset');
  const unset = Math.min(now.not_set, 30);
  check('the never-said filter as the API', (unset ? await page.locator('#v-people > li').count() : 0) === unset,
    [unset, now.not_set]);
  await page.locator('#v-show').selectOption('conflict');
  await checkFits(page, 'dock-events-avail');
  await shot(page, 'dock-events-avail');
  checkNoErrors(page, 'dock-events-avail');

  // put it back as it was
  const back = await getJSON(base, A, put(was.body.all_day ? { all_day: true } : { ranges: was.body.ranges }));
  check('its stretches put back', back.status === 200, back.body);
  const after = (await getJSON(base, V)).body;
  check('and the conflict is gone', after.conflicts.filter((c) => c.participant_id === who.id).length === 0, after.conflicts.slice(0, 3));
};
module.exports = flow;
module.exports.role = 'admin';
