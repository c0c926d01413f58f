// 对接会: an event's counts, the schedule as a slot × table grid, compute and repair, check-in and
// no-shows by participant, and a participant's printable agenda with its .ics and XLSX downloads;
// the participants and the whole schedule as XLSX. Data from
// /api/dock/events.
'use strict';

let current = null;   // the event id shown
let people = [];      // its participants

function dateZh(s) {
  if (!s) return '—';
  const [y, m, d] = s.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

async function events() {
  const r = await api('/api/dock/events');
  const sel = document.getElementById('e-select');
  if (!r.ok) { document.getElementById('e-summary').replaceChildren(errorBox(r.body, '加载失败')); return; }
  sel.replaceChildren(...r.body.events.map(e => h('option', { value: e.id }, `${e.name}（${dateZh(e.date)}）`)));
  const want = new URLSearchParams(location.hash.slice(1)).get('event');
  if (want) sel.value = want;
  if (sel.value) show(Number(sel.value));
}

function summary(e, extra) {
  return h('div', {},
    h('div', { class: 'dock-badges' },
      h('span', { class: 'dock-badge' }, `${dateZh(e.date)} ${e.place || ''}`),
      h('span', { class: 'dock-badge' }, `参会 ${e.participants}，已签到 ${e.checked_in}`),
      h('span', { class: 'dock-badge' }, `已接受的洽谈请求 ${e.requests_accepted}`),
      h('span', { class: 'dock-badge' }, `已排洽谈 ${e.meetings}` + (e.upper_bound !== null ? `（上界 ${e.upper_bound}）` : '')),
      e.no_shows ? h('span', { class: 'dock-badge bad' }, `缺席 ${e.no_shows}`) : null),
    extra || null);
}

async function show(id, extra) {
  current = id;
  const [g, p] = await Promise.all([api(`/api/dock/events/${id}/schedule`), api(`/api/dock/events/${id}/participants`)]);
  const sum = document.getElementById('e-summary');
  if (!g.ok) { sum.replaceChildren(errorBox(g.body, '加载失败')); return; }
  sum.replaceChildren(summary(g.body.event, extra), h('div', { class: 'actions', id: 'e-exports' },
    h('a', { class: 'btn plain small', href: `/api/dock/events/${id}/participants?format=xlsx` }, '导出参会名单（Excel）'),
    h('a', { class: 'btn plain small', href: `/api/dock/events/${id}/schedule?format=xlsx` }, '导出洽谈安排（Excel）')));
  grid(g.body);
  people = p.ok ? p.body.items : [];
  listPeople();
  requests();
}

// The event's meeting requests: who asked whom, the status, and where each accepted one was placed
// or why it could not be.
let asked = [];
async function requests() {
  const r = await api(`/api/dock/events/${current}/requests`);
  const box = document.getElementById('r-list');
  if (!r.ok) { box.replaceChildren(errorBox(r.body, '加载失败')); return; }
  asked = r.body.items;
  listRequests();
}

function listRequests() {
  const want = document.getElementById('r-status').value;
  const unplaced = (q) => q.status === '已接受' && (q.slot === null || q.slot === undefined);
  const shown = asked.filter(q => !want || (want === '未排定' ? unplaced(q) : q.status === want));
  const where = (q) => q.slot !== null && q.slot !== undefined ? `第 ${q.slot + 1} 时段 · ${q.table + 1} 号桌`
    : q.status === '已接受' ? (q.reason || '待排程') : '—';
  document.getElementById('r-list').replaceChildren(
    h('p', { class: 'summary', id: 'r-count' }, `共 ${asked.length} 条请求，显示 ${Math.min(shown.length, 50)} 条；已接受但未排定 ${asked.filter(unplaced).length} 条`),
    h('div', { class: 'table-wrap' }, h('table', { class: 'dock-agenda' },
      h('thead', {}, h('tr', {}, h('th', {}, '发起方'), h('th', {}, '对象'), h('th', {}, '状态'), h('th', {}, '安排 / 原因'))),
      h('tbody', {}, shown.slice(0, 50).map(q => h('tr', { class: unplaced(q) ? 'unplaced' : null },
        h('td', {}, q.a), h('td', {}, q.b), h('td', {}, q.status), h('td', {}, where(q))))))));
}

function grid(body) {
  const n = body.event.n_tables;
  const head = h('tr', {}, h('th', {}, '时段'), Array.from({ length: n }, (_, t) => h('th', {}, `${t + 1} 号桌`)));
  const rows = body.grid.map(s => h('tr', {}, h('th', {}, `${s.start}–${s.end}`),
    s.tables.map(m => m ? h('td', { class: m.no_show ? 'noshow' : '' }, m.a, h('br'), '× ', m.b) : h('td', { class: 'empty' }, ''))));
  document.getElementById('g-body').replaceChildren(h('table', { class: 'dock-grid' }, h('thead', {}, head), h('tbody', {}, rows)));
}

function listPeople() {
  const q = document.getElementById('p-q').value.trim();
  const shown = people.filter(p => !q || p.name.includes(q)).slice(0, 20);
  document.getElementById('p-list').replaceChildren(h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, h('th', {}, '参会者'), h('th', {}, '类别'), h('th', {}, '签到'), h('th', {}, ''))),
    h('tbody', {}, shown.map(p => h('tr', {},
      h('td', {}, p.name), h('td', {}, p.kind),
      h('td', {}, p.checked_in_at ? '已签到' : h('button', { class: 'btn', type: 'button', onclick: () => checkIn(p) }, '签到')),
      h('td', {}, h('button', { class: 'btn', type: 'button', onclick: () => agenda(p) }, '日程'), ' ',
        h('button', { class: 'btn', type: 'button', onclick: () => noShow(p) }, '记缺席'))))))),
    people.length > shown.length ? h('p', { class: 'summary' }, `共 ${people.length} 位，输入关键字查找更多`) : null);
}

async function checkIn(p) {
  const r = await postJSON(`/api/dock/events/${current}/participants/${p.id}/checkin`, {});
  if (!r.ok) { document.getElementById('p-list').prepend(errorBox(r.body, '签到失败')); return; }
  Object.assign(p, r.body);
  listPeople();
}

async function noShow(p) {
  const r = await postJSON(`/api/dock/events/${current}/participants/${p.id}/noshow`, { no_show: true });
  if (!r.ok) { document.getElementById('p-list').prepend(errorBox(r.body, '操作失败')); return; }
  show(current);
}

async function agenda(p) {
  const r = await api(`/api/dock/events/${current}/agenda/${p.id}`);
  const card = document.getElementById('a-card');
  const body = document.getElementById('a-body');
  card.hidden = false;
  if (!r.ok) { body.replaceChildren(errorBox(r.body, '加载失败')); return; }
  document.getElementById('a-title').textContent = `${p.name} 的洽谈日程`;
  const ms = r.body.meetings;
  body.replaceChildren(
    h('p', { class: 'dock-print-only' }, `${r.body.event.name} · ${dateZh(r.body.event.date)} · ${r.body.event.place || ''}`),
    ms.length ? h('table', { class: 'dock-agenda' },
      h('thead', {}, h('tr', {}, h('th', {}, '时间'), h('th', {}, '桌号'), h('th', {}, '洽谈对象'))),
      h('tbody', {}, ms.map(m => h('tr', {}, h('td', {}, m.start.slice(11) + '–' + m.end.slice(11)),
        h('td', {}, `${m.table + 1} 号桌`), h('td', {}, m.with)))))
      : h('p', { class: 'summary' }, '暂无已排定的洽谈'),
    h('div', { class: 'actions no-print' },
      h('a', { class: 'btn', href: `/api/dock/events/${current}/agenda/${p.id}?format=ics`, download: `agenda-${p.id}.ics` }, '下载日历文件（.ics）'),
      h('a', { class: 'btn plain', href: `/api/dock/events/${current}/agenda/${p.id}?format=xlsx`, id: 'a-xlsx' }, '导出日程（Excel）'),
      h('button', { class: 'btn', type: 'button', onclick: () => window.print() }, '打印')));
  card.scrollIntoView({ behavior: 'smooth' });
}

async function schedule(repair) {
  const r = await api(`/api/dock/events/${current}/schedule${repair ? '?repair=1' : ''}`, { method: 'POST' });
  if (!r.ok) { document.getElementById('e-summary').append(errorBox(r.body, '排程失败')); return; }
  const s = r.body;
  show(current, h('div', { class: 'ok-box' },
    `${repair ? '已调整' : '已重新排程'}：排定 ${s.placed} 场（上界 ${s.upper_bound}${s.optimal ? '，已证明最优' : ''}），` +
    `${s.covered} 位参会者至少有一场洽谈（共 ${s.wanting} 位可安排）` + (repair ? `，移动 ${s.moved} 场` : '')));
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('e-select').addEventListener('change', (e) => show(Number(e.target.value)));
  document.getElementById('e-compute').addEventListener('click', () => schedule(false));
  document.getElementById('e-repair').addEventListener('click', () => schedule(true));
  document.getElementById('p-q').addEventListener('input', listPeople);
  document.getElementById('p-form').addEventListener('submit', (e) => e.preventDefault());
  document.getElementById('r-status').addEventListener('change', listRequests);
  document.getElementById('r-form').addEventListener('submit', (e) => e.preventDefault());
  events();
});
