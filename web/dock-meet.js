// 我的对接会: a participant's page for matchmaking events (对接会). An enterprise, bank or investor
// signed in sees the events, registers for an open one, asks other registered participants for a
// 1:1 meeting, says when it is free to meet (its availability: stretches such as 09:00–11:00, saved
// through …/participants/{pid}/availability and shown back as the event's slots), accepts or
// declines what it was asked, and sees its personal agenda (time, table,
// the other party) with the iCalendar and XLSX downloads; an enterprise also sees its roadshow
// slots (/api/dock/roadshows/{id}). Data from /api/dock/events, …/participants (its own),
// …/directory (who else is registered), …/requests and …/agenda/{pid}.
// Does not schedule (the organiser's dock-events page does). Server text goes in as text nodes.
'use strict';

const meet = { events: [], id: null, mine: [], dir: [] };
const $ = (id) => document.getElementById(id);

function setStatus(id, node) {
  $(id).replaceChildren(...(node ? [node] : []));
}

async function start() {
  await sessionReady;
  if (!requireSignIn()) return;
  const r = await api('/api/dock/events');
  if (!r.ok) { setStatus('m-status', errorBox(r.body, '加载失败')); return; }
  meet.events = r.body.events || [];
  if (!meet.events.length) { setStatus('m-status', h('p', { class: 'summary' }, '暂无对接会')); return; }
  const sel = $('m-pick');
  sel.replaceChildren(...meet.events.map((e) =>
    h('option', { value: e.id }, `${e.name}（${dateText(e.date)}）`)));
  const want = new URLSearchParams(location.hash.slice(1)).get('event');
  if (want && meet.events.some((e) => String(e.id) === want)) sel.value = want;
  sel.addEventListener('change', () => { location.hash = 'event=' + sel.value; load(sel.value); });
  $('m-pick-form').addEventListener('submit', (e) => e.preventDefault());
  $('m-register').addEventListener('submit', register);
  $('m-ask').addEventListener('submit', ask);
  load(sel.value);
  if (session.me && session.me.role === 'enterprise') roadshows();
}

// An enterprise's own slots in the roadshow line-ups (the API keeps only its own in the agenda).
async function roadshows() {
  const r = await api('/api/dock/roadshows');
  const out = [];
  if (!r.ok) out.push(errorBox(r.body, '加载失败'));
  for (const rs of (r.ok && r.body.roadshows) || []) {
    const one = await api('/api/dock/roadshows/' + encodeURIComponent(rs.id));
    if (!one.ok) continue;
    for (const e of one.body.agenda || []) {
      out.push(h('li', {}, h('strong', {}, rs.name), ` · ${dateText(rs.date)} · 第 ${e.order} 位 · ${e.start}–${e.end}`,
        e.investors_asking ? ` · ${e.investors_asking} 家投资机构报名关注` : ''));
    }
  }
  $('m-roadshows').replaceChildren(out.length ? h('ul', { class: 'dock-list', id: 'm-roadshow-list' }, out)
    : h('p', { class: 'summary', id: 'm-roadshow-none' }, '本企业暂无排入路演的项目'));
  $('m-roadshow-card').hidden = false;
}

const base = () => '/api/dock/events/' + encodeURIComponent(meet.id);

async function load(id) {
  meet.id = String(id);
  for (const c of ['m-register-card', 'm-avail-card', 'm-ask-card', 'm-requests-card', 'm-agenda-card']) $(c).hidden = true;
  setStatus('m-avail-status', null);
  setStatus('m-status', h('p', { class: 'loading' }, '正在加载…'));
  const p = await api(base() + '/participants');
  if (!p.ok) { setStatus('m-status', errorBox(p.body, '加载失败')); return; }
  meet.mine = p.body.items || [];
  const ev = meet.events.find((e) => String(e.id) === meet.id) || {};
  setStatus('m-status', h('p', { class: 'summary', id: 'm-state' },
    meet.mine.length ? `已报名：${meet.mine.map((x) => x.name).join('、')}` : '尚未报名本活动',
    ev.place ? ` · 地点：${ev.place}` : ''));
  if (!meet.mine.length) {
    $('m-register-card').hidden = false;
    $('m-reg-name').focus();
    return;
  }
  await Promise.all([availability(), directory(), requests(), agendas()]);
}

// ---- availability: the stretches a participant is free, one form per own participant ----

const availURL = (pid) => base() + '/participants/' + encodeURIComponent(pid) + '/availability';

async function availability() {
  const forms = [];
  for (const p of meet.mine) {
    const r = await api(availURL(p.id));
    if (!r.ok) { forms.push(errorBox(r.body, '加载失败')); continue; }
    forms.push(availForm(p, r.body));
  }
  $('m-avail').replaceChildren(...forms);
  $('m-avail-card').hidden = false;
}

function stretchesText(a) {
  if (a.all_day) return `全天可参加（${a.hours.from}–${a.hours.to}，共 ${a.slots.length} 个时段）`;
  if (!a.available_slots) return '没有可洽谈的时段';
  return `${a.ranges.map((x) => `${x.from}–${x.to}`).join('、')}（共 ${a.available_slots} 个时段）`;
}

function availRow(list, from, to) {
  const n = list.children.length + 1;
  const row = h('div', { class: 'dock-avail-row' },
    h('label', {}, '从', h('input', { type: 'time', class: 'm-avail-from', required: true, step: 300, value: from || '' })),
    h('label', {}, '至', h('input', { type: 'time', class: 'm-avail-to', required: true, step: 300, value: to || '' })),
    h('button', {
      class: 'btn secondary', type: 'button', 'aria-label': `删除第 ${n} 段`,
      onclick: () => { row.remove(); renumber(list); }
    }, '删除'));
  list.append(row);
  return row;
}

function renumber(list) {
  [...list.children].forEach((row, i) => row.querySelector('button').setAttribute('aria-label', `删除第 ${i + 1} 段`));
}

function availForm(p, a) {
  const list = h('div', { class: 'dock-avail-rows' });
  const rows = a.all_day ? [a.hours] : a.ranges;
  for (const x of rows) availRow(list, x.from, x.to);
  const now = h('p', { class: 'summary m-avail-now' }, '当前：', stretchesText(a));
  const chips = h('ul', { class: 'dock-slots', 'aria-label': '各时段' }, a.slots.map((x) =>
    h('li', { class: 'dock-badge' + (x.available ? ' ok' : ' off'), 'data-slot': x.slot },
      `${x.start}–${x.end} ${x.available ? '可洽谈' : '不可'}`)));
  const note = h('div', { class: 'm-avail-note', 'aria-live': 'polite' });
  const form = h('form', { class: 'dock-avail', 'data-pid': p.id, novalidate: true },
    meet.mine.length > 1 ? h('h3', {}, p.name) : null,
    h('p', { class: 'summary' }, `活动时间 ${a.hours.from}–${a.hours.to}，每场洽谈 ${a.slot_min} 分钟`),
    now,
    h('fieldset', {}, h('legend', {}, '空闲时间段'), list),
    h('p', { class: 'dock-avail-actions' },
      h('button', {
        class: 'btn secondary', type: 'button', onclick: () => {
          availRow(list, '', '').querySelector('input').focus();
        }
      }, '添加时间段'), ' ',
      h('button', { class: 'btn m-avail-save', type: 'submit' }, '保存时段'), ' ',
      h('button', { class: 'btn secondary m-avail-all', type: 'button', onclick: () => saveAvail(form, p, { all_day: true }) }, '全天可参加')),
    chips, note);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const ranges = [...list.children].map((row) => ({
      from: row.querySelector('.m-avail-from').value, to: row.querySelector('.m-avail-to').value
    }));
    saveAvail(form, p, { ranges });
  });
  return form;
}

async function saveAvail(form, p, body) {
  const note = form.querySelector('.m-avail-note');
  const r = await api(availURL(p.id), { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) { note.replaceChildren(errorBox(r.body, '保存失败')); return; }
  const fresh = availForm(p, r.body);
  form.replaceWith(fresh);
  const saved = [h('p', { class: 'summary m-avail-saved' }, '已保存：', stretchesText(r.body))];
  if (r.body.meetings_outside) {
    saved.push(h('p', { class: 'dock-badge warn m-avail-outside' },
      `已排定的 ${r.body.meetings_outside} 场洽谈不在所选时段内，主办方重新排程后将调整`));
  }
  fresh.querySelector('.m-avail-note').replaceChildren(...saved);
  fresh.querySelector('.m-avail-save').focus();
}

async function register(e) {
  e.preventDefault();
  const r = await postJSON(base() + '/participants', { name: $('m-reg-name').value.trim() });
  if (!r.ok) { setStatus('m-register-status', errorBox(r.body, '报名失败')); return; }
  setStatus('m-register-status', h('p', { class: 'summary' }, '报名成功'));
  load(meet.id);
}

async function directory() {
  const r = await api(base() + '/directory');
  if (!r.ok) { setStatus('m-ask-status', errorBox(r.body, '加载失败')); $('m-ask-card').hidden = false; return; }
  meet.dir = r.body.items || [];
  $('m-ask-me').replaceChildren(...meet.mine.map((x) => h('option', { value: x.id }, x.name)));
  const others = meet.dir.filter((x) => !x.mine);
  $('m-ask-to').replaceChildren(...others.map((x) => h('option', { value: x.id }, `${x.name}（${x.kind}）`)));
  $('m-ask-send').disabled = !others.length;
  $('m-ask-card').hidden = false;
}

async function ask(e) {
  e.preventDefault();
  const r = await postJSON(base() + '/requests', { a_id: Number($('m-ask-me').value), b_id: Number($('m-ask-to').value) });
  if (!r.ok) { setStatus('m-ask-status', errorBox(r.body, '发送失败')); return; }
  setStatus('m-ask-status', h('p', { class: 'summary', id: 'm-ask-done' }, '邀约已发送，等待对方确认'));
  requests();
}

async function answer(rid, status) {
  const r = await postJSON(base() + '/requests/' + encodeURIComponent(rid), { status });
  if (!r.ok) { setStatus('m-req-status', errorBox(r.body, '操作失败')); return; }
  setStatus('m-req-status', h('p', { class: 'summary' }, `已${status.slice(1)}`));
  await requests();
  agendas();
}

function slotText(x) {
  return x.slot === null || x.slot === undefined ? '待排程' : `时段 ${x.slot + 1} · ${x.table + 1} 号桌`;
}

async function requests() {
  const r = await api(base() + '/requests');
  if (!r.ok) { setStatus('m-req-status', errorBox(r.body, '加载失败')); return; }
  const mine = new Set(meet.mine.map((x) => x.id));
  const items = r.body.items || [];
  const incoming = items.filter((x) => mine.has(x.b_id));
  const outgoing = items.filter((x) => mine.has(x.a_id));
  $('m-incoming').replaceChildren(...(incoming.length ? incoming.map((x) => h('li', { 'data-rid': x.id },
    h('span', {}, `${x.a} → ${x.b}`), ' ', h('span', { class: 'badge' }, x.status), ' ',
    x.status === '已接受' ? slotText(x) : null,
    x.status === '待确认' ? [
      h('button', { class: 'btn', type: 'button', onclick: () => answer(x.id, '已接受') }, '接受'), ' ',
      h('button', { class: 'btn secondary', type: 'button', onclick: () => answer(x.id, '已拒绝') }, '拒绝')] : null))
    : [h('li', { class: 'summary' }, '暂无')]));
  $('m-outgoing').replaceChildren(...(outgoing.length ? outgoing.map((x) => h('li', { 'data-rid': x.id },
    h('span', {}, `${x.a} → ${x.b}`), ' ', h('span', { class: 'badge' }, x.status), ' ',
    x.status === '已接受' ? slotText(x) : null,
    x.status === '待确认' || x.status === '已接受' ? ' ' : null,
    x.status === '待确认' || x.status === '已接受'
      ? h('button', { class: 'btn secondary', type: 'button', onclick: () => answer(x.id, '已取消') }, '取消') : null))
    : [h('li', { class: 'summary' }, '暂无')]));
  $('m-requests-card').hidden = false;
}

// "2026-12-08 09:00" – "2026-12-08 09:20" → 2026年12月8日 09:00–09:20 (dates the one way on screen)
function whenText(m) {
  const [d1, t1] = String(m.start || '').split(' '), [d2, t2] = String(m.end || '').split(' ');
  return `${dateText(d1)} ${t1 || ''}–${d2 && d2 !== d1 ? dateText(d2) + ' ' : ''}${t2 || ''}`;
}

async function agendas() {
  const out = [];
  for (const p of meet.mine) {
    const url = base() + '/agenda/' + encodeURIComponent(p.id);
    const r = await api(url);
    if (!r.ok) { out.push(errorBox(r.body, '加载失败')); continue; }
    const ms = r.body.meetings || [];
    out.push(h('h3', {}, p.name));
    out.push(ms.length
      ? h('table', { class: 'table agenda' },
        h('thead', {}, h('tr', {}, h('th', {}, '时间'), h('th', {}, '桌号'), h('th', {}, '洽谈对象'))),
        h('tbody', {}, ms.map((m) => h('tr', {}, h('td', {}, whenText(m)),
          h('td', {}, String(m.table + 1)), h('td', {}, m.with)))))
      : h('p', { class: 'summary m-agenda-empty' }, '尚无排定的洽谈（已接受的邀约由主办方排程后在此显示）'));
    out.push(h('p', { class: 'actions' },
      h('a', { class: 'btn secondary', href: url + '?format=ics', download: '' }, '导出日历（.ics）'), ' ',
      h('a', { class: 'btn secondary', href: url + '?format=xlsx', download: '' }, '导出 Excel')));
  }
  $('m-agenda').replaceChildren(...out);
  $('m-agenda-card').hidden = false;
}

start();
