// 对接会: an event's counts, the schedule as a slot × table grid, compute and repair, check-in and
// no-shows by participant, and a participant's printable agenda with its .ics and XLSX downloads;
// the participants and the whole schedule as XLSX; everyone's free stretches (and who never said)
// with the meetings scheduled against them and the conflicts the server names (one request:
// /api/dock/events/{id}/availability). Data from /api/dock/events.
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
  availability();
}

// Who can meet when: every participant's stretches, its meetings, and the conflicts (a meeting
// outside its stretches; two meetings in one slot), as the server words them.
let avail = null;
async function availability() {
  const r = await api(`/api/dock/events/${current}/availability`);
  const sum = document.getElementById('v-summary');
  if (!r.ok) { sum.replaceChildren(errorBox(r.body, '加载失败')); avail = null; return; }
  avail = r.body;
  const a = avail;
  sum.replaceChildren(h('div', { class: 'dock-badges', id: 'v-badges' },
    h('span', { class: 'dock-badge' }, `活动时间 ${a.hours.from}–${a.hours.to}，每场 ${a.slot_min} 分钟，共 ${a.slots.length} 个时段`),
    h('span', { class: 'dock-badge' }, `参会 ${a.participants} 位，已填写可洽谈时段 ${a.participants - a.not_set} 位`),
    a.not_set ? h('span', { class: 'dock-badge warn' }, `未填写 ${a.not_set} 位（视为全天可参加）`) : null,
    h('span', { class: a.conflicts.length ? 'dock-badge bad' : 'dock-badge ok', id: 'v-count' },
      a.conflicts.length ? `冲突 ${a.conflicts.length} 处，涉及 ${a.with_conflicts} 位参会者` : '没有冲突')));
  const shownConflicts = a.conflicts.slice(0, 30);
  document.getElementById('v-conflicts').replaceChildren(...(a.conflicts.length
    ? [h('div', { class: 'error-box', role: 'alert' }, h('strong', {}, '排程冲突（调整排程可移开时段外的洽谈）'),
      h('ul', { class: 'dock-conflicts', id: 'v-conflict-list' }, shownConflicts.map((c) => h('li', { 'data-pid': c.participant_id }, c.text))),
      a.conflicts.length > shownConflicts.length ? h('p', {}, `另有 ${a.conflicts.length - shownConflicts.length} 处，筛选“有冲突的”查看`) : null)]
    : []));
  listAvail();
}

function availText(p) {
  if (!p.set) return '未填写（视为全天可参加）';
  if (p.all_day) return '全天可参加';
  return p.ranges.length ? p.ranges.map((x) => `${x.from}–${x.to}`).join('、') : '没有可洽谈的时段';
}

function listAvail() {
  if (!avail) return;
  const want = document.getElementById('v-show').value;
  const q = document.getElementById('v-q').value.trim();
  const keep = (p) => (!q || p.name.includes(q)) && (!want || (want === 'conflict' ? p.conflicts.length > 0
    : want === 'unset' ? !p.set : p.set));
  // conflicts first, then those who never said, then the rest in registration order
  const rank = (p) => (p.conflicts.length ? 0 : p.set ? 2 : 1);
  const all = avail.items.filter(keep).sort((x, y) => rank(x) - rank(y) || x.id - y.id);
  const shown = all.slice(0, 30);
  const bad = (p, m) => p.conflicts.some((c) => c.request_ids.includes(m.request_id));
  document.getElementById('v-list').replaceChildren(
    h('p', { class: 'summary', id: 'v-shown' }, `符合条件 ${all.length} 位，显示 ${shown.length} 位`),
    shown.length ? h('ul', { class: 'dock-avail-list', id: 'v-people' }, shown.map((p) => h('li', { class: p.conflicts.length ? 'dock-item conflict' : 'dock-item', 'data-pid': p.id },
      h('div', { class: 'dock-item-head' }, h('strong', {}, p.name),
        h('span', { class: 'dock-badges' }, h('span', { class: 'dock-badge' }, p.kind || '参会者'),
          p.conflicts.length ? h('span', { class: 'dock-badge bad' }, `冲突 ${p.conflicts.length}`) : null)),
      h('div', { class: p.set ? 'v-avail' : 'v-avail v-unset' }, '可洽谈：', availText(p)),
      p.meetings.length ? h('ul', { class: 'dock-reasons v-meetings' }, p.meetings.map((m) =>
        h('li', { class: bad(p, m) ? 'bad' : null }, `${m.start}–${m.end} · ${m.table + 1} 号桌 · 与 ${m.with}`, m.no_show ? '（缺席）' : '')))
        : h('div', { class: 'summary' }, '暂无已排定的洽谈'),
      p.conflicts.length ? h('ul', { class: 'dock-reasons dock-conflicts' }, p.conflicts.map((c) => h('li', {}, c.text))) : null)))
      : h('p', { class: 'summary' }, '没有符合条件的参会者'));
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
      h('button', { class: 'btn', type: 'button', onclick: () => window.print() }, '打印')),
    ms.length ? intentForm(p, ms) : null);
  card.scrollIntoView({ behavior: 'smooth' });
}

// A follow-up intent after the event (意向): from this participant to one it met.
function intentForm(p, ms) {
  const status = h('div', { 'aria-live': 'polite', id: 'i-status' });
  const to = h('select', { name: 'to_party', id: 'i-to' }, [...new Set(ms.map((m) => m.with))].map((w) => h('option', { value: w }, w)));
  const st = h('select', { name: 'status', id: 'i-stage' }, ['联系', '洽谈', '签约', '放弃'].map((x) => h('option', { value: x }, x)));
  const amount = h('input', { name: 'amount', id: 'i-amount', placeholder: '如 300万元（签约时填写）' });
  const outcome = h('input', { name: 'outcome', id: 'i-outcome', maxlength: '500' });
  const form = h('form', { class: 'filters no-print', id: 'i-form' },
    h('label', {}, '对象', to), h('label', {}, '进展', st), h('label', {}, '金额', amount), h('label', {}, '结果 / 备注', outcome),
    h('div', { class: 'actions' }, h('button', { class: 'btn', type: 'submit' }, '记录意向')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { from_party: p.name, to_party: to.value, status: st.value, about: '对接会洽谈' };
    if (amount.value.trim()) body.amount_fen = amount.value.trim();
    if (outcome.value.trim()) body.outcome = outcome.value.trim();
    const r = await postJSON(`/api/dock/events/${current}/intents`, body);
    status.replaceChildren(r.ok ? h('div', { class: 'ok-box', role: 'status', id: 'i-saved' }, `已记录：${p.name} → ${to.value}（${st.value}）`)
      : errorBox(r.body, '记录失败'));
  });
  return h('div', {}, h('h3', { class: 'no-print' }, '洽谈后意向'), form, status);
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
  document.getElementById('v-show').addEventListener('change', listAvail);
  document.getElementById('v-q').addEventListener('input', listAvail);
  document.getElementById('v-form').addEventListener('submit', (e) => e.preventDefault());
  document.getElementById('p-form').addEventListener('submit', (e) => e.preventDefault());
  document.getElementById('r-status').addEventListener('change', listRequests);
  document.getElementById('r-form').addEventListener('submit', (e) => e.preventDefault());
  events();
});
