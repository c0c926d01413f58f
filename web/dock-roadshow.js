// 资本路演 (dock-roadshow.html), the organiser's page for one roadshow: create one; set the line-up
// from the financing projects (order kept as arranged; each firm's time comes back from the server);
// the investors registered with the seats left, check-in on the day, no-shows after it, removing a
// registration, registering an investor; follow-ups recorded after; the conversion funnel; the
// line-up and the registrations as XLSX. Data from /api/dock/roadshows and /api/dock/records.
// Text from the server goes in as text nodes only.
'use strict';

const rs = { id: null, detail: null, regs: null, lineup: [], projects: [], investors: [], nav: 0 };
const $ = (id) => document.getElementById(id);
const reveal = (id) => { $(id).hidden = false; };
const status = (id, node) => $(id).replaceChildren(...(node ? [node] : []));
const okBox = (text) => h('div', { class: 'ok-box', role: 'status' }, text);

// Today in China (the server's dates are UTC+8 days).
function todayText() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

async function start() {
  await sessionReady;
  if (!requireSignIn()) return;
  const nav = rs.nav;
  const [p, v] = await Promise.all([api('/api/dock/records/invest_project?limit=1000'), api('/api/dock/records/investor?limit=1000')]);
  rs.projects = p.ok ? p.body.items : [];
  rs.investors = v.ok ? v.body.items : [];
  // the officer created or picked a roadshow meanwhile: keep what is on screen (a second load
  // would throw away a line-up being arranged), only offer the projects now known
  if (rs.nav !== nav) { if (rs.detail) lineup(); return; }
  const want = new URLSearchParams(location.hash.slice(1)).get('roadshow');
  await list(want);
}

// Each navigation (the list, a roadshow picked or created) takes a number; an answer that arrives
// after a later navigation began is dropped, so a slow first load never replaces the roadshow the
// officer moved on to.
async function list(want) {
  const nav = ++rs.nav;
  const r = await api('/api/dock/roadshows');
  if (nav !== rs.nav) return;
  if (!r.ok) { status('rs-status', errorBox(r.body, '加载失败')); return; }
  const sel = $('rs-pick');
  const all = r.body.roadshows;
  sel.replaceChildren(...all.map((x) => h('option', { value: String(x.id) }, `${x.name}（${dateText(x.date)}）`)));
  if (want && all.some((x) => String(x.id) === String(want))) sel.value = String(want);
  if (!all.length) { status('rs-status', h('p', { class: 'summary' }, '尚无路演，请先新建')); $('rs-new').open = true; return; }
  status('rs-status', null);
  await load(sel.value, nav);
}

async function load(id, nav = ++rs.nav) {
  const [d, g] = await Promise.all([api('/api/dock/roadshows/' + id), api(`/api/dock/roadshows/${id}/registrations`)]);
  if (nav !== rs.nav) return;
  rs.id = String(id);
  if (!d.ok) { status('rs-status', errorBox(d.body, '加载失败')); return; }
  if (!g.ok) { status('rs-status', errorBox(g.body, '加载失败')); return; }
  rs.detail = d.body;
  rs.regs = g.body;
  rs.lineup = (d.body.agenda || []).map((a) => ({ id: a.project_id, name: a.name }));
  badges();
  lineup();
  agenda();
  registrations();
  followups();
  funnel();
  $('rs-lineup-xlsx').href = `/api/dock/roadshows/${rs.id}/lineup?format=xlsx`;
  $('rs-reg-xlsx').href = `/api/dock/roadshows/${rs.id}/registrations?format=xlsx`;
  ['rs-lineup-card', 'rs-reg-card', 'rs-fu-card', 'rs-funnel-card'].forEach(reveal);
}

function badges() {
  const d = rs.detail;
  $('rs-badges').replaceChildren(h('div', { class: 'dock-badges' },
    h('span', { class: 'dock-badge' }, `${dateText(d.date)} ${d.place || ''}`),
    h('span', { class: 'dock-badge' }, `每家 ${d.minutes_per_firm} 分钟，间隔 ${d.gap_min || 0} 分钟`),
    d.reg_deadline ? h('span', { class: 'dock-badge' }, `报名截止 ${dateText(d.reg_deadline)}`) : null,
    (d.agenda || []).length ? h('span', { class: 'dock-badge' }, `结束于 ${d.end}`) : null));
}

// ---- the line-up: arranged here, saved with PUT …/lineup, times from the server ----

function lineup() {
  const move = (i, dir) => {
    const j = i + dir;
    if (j < 0 || j >= rs.lineup.length) return;
    [rs.lineup[i], rs.lineup[j]] = [rs.lineup[j], rs.lineup[i]];
    lineup();
    const btn = $('rs-lineup').children[j] && $('rs-lineup').children[j].querySelector(dir < 0 ? 'button[data-move=up]' : 'button[data-move=down]');
    if (btn && !btn.disabled) btn.focus();
  };
  const drop = (i) => { rs.lineup.splice(i, 1); lineup(); };
  $('rs-lineup').replaceChildren(...(rs.lineup.length ? rs.lineup.map((f, i) => h('li', { class: 'dock-item dock-rank-item', 'data-project': String(f.id) },
    h('span', {}, f.name),
    h('span', { class: 'dock-rank-moves' },
      h('button', { class: 'btn plain small', type: 'button', 'data-move': 'up', 'aria-label': `上移 ${f.name}`, disabled: i === 0, onclick: () => move(i, -1) }, '上移'),
      h('button', { class: 'btn plain small', type: 'button', 'data-move': 'down', 'aria-label': `下移 ${f.name}`, disabled: i === rs.lineup.length - 1, onclick: () => move(i, 1) }, '下移'),
      h('button', { class: 'btn plain small', type: 'button', 'aria-label': `移出 ${f.name}`, onclick: () => drop(i) }, '移出'))))
    : [h('li', { class: 'summary' }, '尚未安排企业')]));
  const inLineup = new Set(rs.lineup.map((f) => String(f.id)));
  const left = rs.projects.filter((p) => !inLineup.has(String(p.id)));
  $('rs-add').replaceChildren(...left.map((p) => h('option', { value: String(p.id) },
    `${p.name}${p.stage ? '（' + p.stage + '）' : ''}`)));
}

function agenda() {
  const a = rs.detail.agenda || [];
  $('rs-agenda').replaceChildren(a.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'dock-agenda', id: 'rs-agenda-table' },
    h('thead', {}, h('tr', {}, h('th', {}, '顺序'), h('th', {}, '时段'), h('th', {}, '企业 / 项目'), h('th', { class: 'wide-only' }, '阶段'),
      h('th', { class: 'wide-only' }, '融资额'), h('th', {}, '想听的机构'))),
    h('tbody', {}, a.map((x) => h('tr', { 'data-project': String(x.project_id) },
      h('td', {}, String(x.order)), h('td', {}, `${x.start}–${x.end}`), h('td', {}, x.name),
      h('td', { class: 'wide-only' }, x.stage || '—'),
      h('td', { class: 'wide-only' }, x.amount_fen === null || x.amount_fen === undefined ? '—' : moneyNode(x.amount_fen)),
      h('td', {}, String(x.investors_asking)))))))
    : h('p', { class: 'summary' }, '保存出场顺序后显示每家企业的时段'));
}

async function saveLineup() {
  const r = await api(`/api/dock/roadshows/${rs.id}/lineup`, { method: 'PUT', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ projects: rs.lineup.map((f) => Number(f.id)) }) });
  if (!r.ok) { status('rs-lineup-status', errorBox(r.body, '保存失败')); return; }
  await load(rs.id);
  status('rs-lineup-status', h('div', { class: 'ok-box', role: 'status', id: 'rs-lineup-saved' }, `已保存：${r.body.agenda.length} 家企业，${r.body.agenda.length ? '结束于 ' + r.body.end : ''}`));
}

// ---- registrations: seats, check-in on the day, no-shows after it, removal ----

function registrations() {
  const g = rs.regs, d = rs.detail, today = todayText();
  const isDay = d.date === today, isPast = d.date < today;
  const full = g.seats_left !== null && g.seats_left <= 0;
  const absent = isPast ? g.items.filter((x) => x.checked_in_at === null || x.checked_in_at === undefined).length : 0;
  $('rs-seats').replaceChildren(h('div', { class: 'dock-badges', id: 'rs-seat-badges' },
    h('span', { class: 'dock-badge' }, `已报名 ${g.registered}`),
    g.capacity !== null ? h('span', { class: 'dock-badge' + (full ? ' bad' : ''), id: 'rs-seats-left' }, `剩余席位 ${g.seats_left} / ${g.capacity}`)
      : h('span', { class: 'dock-badge' }, '席位不限'),
    h('span', { class: 'dock-badge ok' }, `已签到 ${g.items.filter((x) => x.checked_in_at !== null && x.checked_in_at !== undefined).length}`),
    isPast ? h('span', { class: 'dock-badge' + (absent ? ' bad' : '') }, `缺席 ${absent}`) : null));
  const checkCell = (x) => {
    if (x.checked_in_at !== null && x.checked_in_at !== undefined) {
      const t = new Date((x.checked_in_at + 8 * 3600) * 1000).toISOString().slice(11, 16);
      return h('span', { class: 'dock-badge ok' }, `已签到 ${t}`);
    }
    if (isDay) return h('button', { class: 'btn small', type: 'button', 'aria-label': `签到 ${x.investor}`, onclick: () => checkIn(x) }, '签到');
    return isPast ? h('span', { class: 'dock-badge bad' }, '缺席') : '未到签到日';
  };
  $('rs-regs').replaceChildren(g.items.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'dock-agenda', id: 'rs-reg-table' },
    h('thead', {}, h('tr', {}, h('th', {}, '投资机构'), h('th', { class: 'wide-only' }, '报名日期'), h('th', { class: 'wide-only' }, '想听的企业'), h('th', {}, '签到'), h('th', {}, ''))),
    h('tbody', {}, g.items.map((x) => h('tr', { 'data-registration': String(x.id), 'data-investor': String(x.investor_id) },
      h('td', {}, x.investor), h('td', { class: 'wide-only' }, dateText(x.registered_on)),
      h('td', { class: 'wide-only' }, x.firm_names || '—'), h('td', {}, checkCell(x)),
      h('td', {}, h('button', { class: 'btn plain small', type: 'button', 'aria-label': `移除 ${x.investor} 的报名`, onclick: () => removeReg(x) }, '移除')))))))
    : h('p', { class: 'summary' }, '尚无投资机构报名'));
  const registered = new Set(g.items.map((x) => String(x.investor_id)));
  $('rs-reg-investor').replaceChildren(...rs.investors.filter((v) => !registered.has(String(v.id)))
    .map((v) => h('option', { value: String(v.id) }, v.name)));
  $('rs-fu-investor').replaceChildren(...g.items.map((x) => h('option', { value: String(x.investor_id) }, x.investor)));
}

async function checkIn(x) {
  const r = await postJSON(`/api/dock/roadshows/${rs.id}/registrations/${x.id}/checkin`, {});
  if (!r.ok) { status('rs-reg-status', errorBox(r.body, '签到失败')); return; }
  await load(rs.id);
  status('rs-reg-status', okBox(`${x.investor} 已签到`));
}

async function removeReg(x) {
  if (!window.confirm(`确定移除 ${x.investor} 的报名？席位将释放。`)) return;
  const r = await api(`/api/dock/roadshows/${rs.id}/registrations/${x.id}`, { method: 'DELETE' });
  if (!r.ok) { status('rs-reg-status', errorBox(r.body, '移除失败')); return; }
  await load(rs.id);
  status('rs-reg-status', okBox(`已移除 ${x.investor} 的报名，席位已释放`));
}

async function register(e) {
  e.preventDefault();
  const inv = $('rs-reg-investor').value;
  if (!inv) { status('rs-reg-status', h('p', { class: 'summary' }, '所有投资机构均已报名')); return; }
  const r = await postJSON(`/api/dock/roadshows/${rs.id}/registrations`, { investor_id: Number(inv), firms: [] });
  if (!r.ok) { status('rs-reg-status', errorBox(r.body, '报名失败')); return; }
  await load(rs.id);
  status('rs-reg-status', okBox('已报名'));
}

// ---- follow-ups and the funnel ----

function followups() {
  const fus = rs.detail.followups || [];
  $('rs-fus').replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'dock-agenda dock-followups', id: 'rs-fu-table' },
    h('thead', {}, h('tr', {}, h('th', {}, '日期'), h('th', {}, '投资机构'), h('th', {}, '企业'), h('th', {}, '进展'), h('th', {}, '金额'), h('th', { class: 'wide-only' }, '备注'))),
    h('tbody', {}, fus.length ? fus.map((f) => h('tr', {},
      h('td', {}, dateText(f.date)), h('td', {}, f.investor), h('td', {}, f.firm), h('td', {}, f.status),
      h('td', {}, f.amount_fen === null || f.amount_fen === undefined ? '—' : moneyNode(f.amount_fen)), h('td', { class: 'wide-only' }, f.note || '')))
      : [h('tr', {}, h('td', { colspan: '6' }, '尚无跟进记录'))]))));
  $('rs-fu-firm').replaceChildren(...(rs.detail.agenda || []).map((a) => h('option', { value: String(a.project_id) }, a.name)));
  if (!$('rs-fu-date').value) $('rs-fu-date').value = todayText() < rs.detail.date ? rs.detail.date : todayText();
}

async function recordFollowup(e) {
  e.preventDefault();
  const body = { investor_id: Number($('rs-fu-investor').value), project_id: Number($('rs-fu-firm').value), status: $('rs-fu-stage').value };
  const amount = $('rs-fu-amount').value.trim(), note = $('rs-fu-note').value.trim(), date = $('rs-fu-date').value;
  if (amount) body.amount_fen = amount;
  if (note) body.note = note;
  if (date) body.date = date;
  const r = await postJSON(`/api/dock/roadshows/${rs.id}/followups`, body);
  if (!r.ok) { status('rs-fu-status', errorBox(r.body, '记录失败')); return; }
  $('rs-fu-amount').value = '';
  $('rs-fu-note').value = '';
  await load(rs.id);
  status('rs-fu-status', okBox('已记录跟进'));
}

function funnel() {
  const f = rs.detail.funnel;
  if (!f) { $('rs-funnel').replaceChildren(); return; }
  const step = (label, n, rate) => h('tr', {}, h('th', {}, label), h('td', {}, String(n)), h('td', {}, rate ? rate.percent : ''));
  $('rs-funnel').replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'dock-agenda', id: 'rs-funnel-table' },
    h('thead', {}, h('tr', {}, h('th', {}, '环节'), h('th', {}, '数量'), h('th', {}, '比例'))),
    h('tbody', {},
      step('路演企业', f.firms, null),
      step('有跟进的企业', f.firms_followed_up, f.followup_rate),
      step('进入尽调的企业', f.firms_diligence, f.diligence_rate),
      step('签约企业', f.firms_signed, f.signed_rate),
      step('报名投资机构', f.investors, null),
      step('签到投资机构', f.investors_checked_in, f.attendance_rate),
      step('有跟进的投资机构', f.investors_following_up, f.investor_rate)))),
  h('p', { class: 'summary', id: 'rs-signed' }, '签约金额合计 ', moneyNode(f.signed_amount_fen)));
}

// ---- a new roadshow ----

async function create(e) {
  e.preventDefault();
  const form = e.target;
  const v = (n) => form.elements[n].value.trim();
  const body = { name: v('name'), date: v('date'), start: v('start'), minutes_per_firm: Number(v('minutes_per_firm')) };
  if (v('gap_min')) body.gap_min = Number(v('gap_min'));
  if (v('capacity')) body.capacity = Number(v('capacity'));
  if (v('reg_deadline')) body.reg_deadline = v('reg_deadline');
  if (v('place')) body.place = v('place');
  const r = await postJSON('/api/dock/roadshows', body);
  if (!r.ok) { status('rs-new-status', errorBox(r.body, '创建失败')); return; }
  status('rs-new-status', okBox(`已创建：${r.body.name}`));
  $('rs-new').open = false;
  location.hash = 'roadshow=' + r.body.id;
  await list(r.body.id);
}

document.addEventListener('DOMContentLoaded', () => {
  $('rs-pick').addEventListener('change', (e) => { location.hash = 'roadshow=' + e.target.value; load(e.target.value); });
  $('rs-pick-form').addEventListener('submit', (e) => e.preventDefault());
  $('rs-new-form').addEventListener('submit', create);
  $('rs-add-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const sel = $('rs-add');
    const p = rs.projects.find((x) => String(x.id) === sel.value);
    if (!p) return;
    rs.lineup.push({ id: p.id, name: p.name });
    lineup();
    sel.focus();
  });
  $('rs-lineup-save').addEventListener('click', saveLineup);
  $('rs-reg-form').addEventListener('submit', register);
  $('rs-fu-form').addEventListener('submit', recordFollowup);
  start();
});
