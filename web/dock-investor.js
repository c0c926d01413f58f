// 投资机构: one investor's page — its profile, the financing projects matched to it with the score
// and the reason behind each point, its ranking for 双向选择 and the pairs formed, the roadshows
// (常态化资本路演) to register for with each firm's time slot, and its follow-ups after a roadshow.
// An investor sees its own (the organisation its account belongs to); an organiser picks any
// investor (#investor=ID) and acts for it. Data from /api/dock/investors/match, /api/dock/records,
// /api/dock/selection/ranks and /api/dock/roadshows. Text from the server goes in as text nodes.
'use strict';

const ORGANISER_ROLES = ['admin', 'hub', 'officer', 'centre', 'station', 'commissioner'];
const FOLLOWUP_STATUSES = ['约谈', '尽调', '签约', '放弃'];
const inv = { id: null, isOrganiser: false, match: null, matches: [], rank: [] };

const $ = (id) => document.getElementById(id);
const reveal = (id) => { $(id).hidden = false; };

// Today in China (the server's dates are UTC+8 days).
function todayText() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

function listText(v) {
  return Array.isArray(v) && v.length ? v.join('、') : '不限';
}

function setStatus(node) {
  $('inv-status').replaceChildren(...(node ? [node] : []));
}

async function start() {
  await sessionReady;
  if (!requireSignIn()) return;
  inv.isOrganiser = !!session.me && ORGANISER_ROLES.includes(session.me.role);
  const m = await api('/api/dock/investors/match');
  if (!m.ok) { setStatus(errorBox(m.body, '加载失败')); return; }
  inv.match = m.body;
  const list = m.body.investors || [];
  if (!inv.isOrganiser) {
    if (!list.length) {
      setStatus(h('p', { class: 'summary', id: 'inv-unlinked' }, '您的账号尚未关联投资机构档案，请联系平台管理员。'));
      return;
    }
    load(list[0].id);
    return;
  }
  const sel = $('inv-pick');
  sel.replaceChildren(...list.map((v) => h('option', { value: v.id }, v.name)));
  const want = new URLSearchParams(location.hash.slice(1)).get('investor');
  if (want && list.some((v) => v.id === want)) sel.value = want;
  sel.addEventListener('change', () => { location.hash = 'investor=' + sel.value; load(sel.value); });
  reveal('inv-pick-card');
  if (sel.value) load(sel.value); else setStatus(h('p', { class: 'summary' }, '尚无投资机构档案'));
}

async function load(id) {
  inv.id = String(id);
  setStatus(null);
  const p = await api('/api/dock/records/investor/' + encodeURIComponent(id));
  if (!p.ok) { setStatus(errorBox(p.body, '加载失败')); return; }
  profile(p.body);
  const mine = (inv.match.investors || []).find((v) => v.id === inv.id);
  inv.matches = mine ? mine.projects : [];
  inv.rank = inv.matches.slice();
  matches();
  ranking();
  pairs();
  roadshows();
}

function profile(v) {
  const money = (f) => (f === null || f === undefined ? '—' : moneyNode(f));
  $('inv-profile').replaceChildren(h('dl', { class: 'dock-facts' },
    h('dt', {}, '机构名称'), h('dd', { id: 'inv-name' }, v.name),
    h('dt', {}, '投资阶段'), h('dd', {}, listText(v.stages)),
    h('dt', {}, '关注行业'), h('dd', {}, listText(v.industries)),
    h('dt', {}, '投资地域'), h('dd', {}, listText(v.regions)),
    h('dt', {}, '单笔金额'), h('dd', {}, money(v.ticket_min_fen), ' 至 ', money(v.ticket_max_fen)),
    h('dt', {}, '配对名额'), h('dd', {}, v.capacity === null || v.capacity === undefined ? '—' : String(v.capacity))));
  reveal('inv-profile-card');
}

function matches() {
  const items = inv.matches.map((m) => h('li', { class: 'dock-item', 'data-project': m.id },
    h('div', { class: 'dock-item-head' }, h('strong', {}, m.name), h('span', { class: 'dock-score' }, `${m.score} 分`)),
    h('ul', { class: 'dock-reasons' }, (m.reasons || []).map((r) => h('li', {}, r)))));
  $('inv-matches').replaceChildren(...(items.length ? items : [h('li', { class: 'summary' }, '暂无达到 40 分的项目')]));
  reveal('inv-match-card');
}

function ranking() {
  const move = (i, d) => {
    const j = i + d;
    if (j < 0 || j >= inv.rank.length) return;
    [inv.rank[i], inv.rank[j]] = [inv.rank[j], inv.rank[i]];
    ranking();
  };
  $('inv-rank').replaceChildren(...inv.rank.map((m, i) => h('li', { class: 'dock-item dock-rank-item', 'data-project': m.id },
    h('span', { class: 'dock-rank-name' }, m.name),
    h('span', { class: 'dock-rank-moves' },
      h('button', { class: 'btn plain small', type: 'button', 'aria-label': `上移 ${m.name}`, disabled: i === 0, onclick: () => move(i, -1) }, '上移'),
      h('button', { class: 'btn plain small', type: 'button', 'aria-label': `下移 ${m.name}`, disabled: i === inv.rank.length - 1, onclick: () => move(i, 1) }, '下移')))));
  $('inv-rank-save').disabled = !inv.rank.length;
  reveal('inv-rank-card');
}

async function saveRanking() {
  const r = await postJSON('/api/dock/selection/ranks',
    { side: 'investor', owner_id: Number(inv.id), ranking: inv.rank.map((m) => Number(m.id)) });
  $('inv-rank-status').replaceChildren(r.ok ? h('p', { class: 'summary', id: 'inv-rank-saved' }, '排序已保存，主办方重新计算配对后生效')
    : errorBox(r.body, '保存失败'));
}

// The server explains a pair as "中文 / English" (src/dock/stable.c): the page is Chinese only, so
// the Chinese half is shown and the whole stays on hover for whoever supports the user.
function zhPart(text) {
  const s = String(text || '');
  const i = s.lastIndexOf(' / ');
  return i > 0 && /[A-Za-z]/.test(s.slice(i + 3)) ? s.slice(0, i) : s;
}

function pairs() {
  const name = (pid) => (inv.matches.find((m) => m.id === pid) || { name: `项目 ${pid}` }).name;
  const mine = (inv.match.assignment || []).filter((p) => p.investor === inv.id);
  $('inv-pairs').replaceChildren(mine.length
    ? h('ul', { class: 'dock-reasons' }, mine.map((p) => h('li', { title: p.why_matched }, h('strong', {}, name(p.project)), `（${p.score} 分）`, h('br'), zhPart(p.why_matched))))
    : h('p', { class: 'summary' }, '按当前排序暂无配对'));
}

// ---- roadshows ----

async function roadshows() {
  const list = await api('/api/dock/roadshows');
  if (!list.ok) { $('inv-roadshows').replaceChildren(errorBox(list.body, '加载失败')); reveal('inv-roadshow-card'); return; }
  const details = await Promise.all(list.body.roadshows.map((r) => api('/api/dock/roadshows/' + r.id)));
  const today = todayText();
  const cards = [], follow = [];
  list.body.roadshows.forEach((r, k) => {
    const d = details[k].ok ? details[k].body : null;
    if (!d) return;
    const isMine = (d.registrations || []).some((g) => String(g.investor_id) === inv.id);
    cards.push(roadshowCard(r, d, isMine, today));
    if (isMine && d.date <= today) follow.push(followupCard(d));
  });
  $('inv-roadshows').replaceChildren(...(cards.length ? cards : [h('p', { class: 'summary' }, '暂无路演')]));
  $('inv-followups').replaceChildren(...(follow.length ? follow : [h('p', { class: 'summary' }, '参加过的路演结束后，可在此记录跟进意向')]));
  reveal('inv-roadshow-card');
  reveal('inv-followup-card');
}

function agendaTable(d) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'dock-agenda' },
    h('thead', {}, h('tr', {}, h('th', {}, '顺序'), h('th', {}, '时段'), h('th', {}, '企业 / 项目'), h('th', { class: 'wide-only' }, '阶段'))),
    h('tbody', {}, (d.agenda || []).map((a) => h('tr', {},
      h('td', {}, String(a.order)), h('td', {}, `${a.start}–${a.end}`), h('td', {}, a.name), h('td', { class: 'wide-only' }, a.stage || '—'))))));
}

function roadshowCard(r, d, isMine, today) {
  const closed = d.date < today || (d.reg_deadline && d.reg_deadline < today);
  const full = r.seats_left !== null && r.seats_left !== undefined && r.seats_left <= 0;
  const badges = h('div', { class: 'dock-badges' },
    h('span', { class: 'dock-badge' }, `${dateText(d.date)} ${d.place || ''}`),
    h('span', { class: 'dock-badge' }, `${(d.agenda || []).length} 家企业，每家 ${d.minutes_per_firm} 分钟`),
    d.reg_deadline ? h('span', { class: 'dock-badge' }, `报名截止 ${dateText(d.reg_deadline)}`) : null,
    r.seats_left !== null && r.seats_left !== undefined ? h('span', { class: 'dock-badge' + (full ? ' bad' : '') }, `剩余席位 ${r.seats_left}`) : null,
    isMine ? h('span', { class: 'dock-badge ok dock-registered' }, '已报名') : null);
  const box = h('article', { class: 'dock-roadshow', 'data-roadshow': r.id }, h('h3', {}, d.name), badges, agendaTable(d));
  if (!isMine && !closed && !full) box.append(registerForm(d));
  else if (!isMine) box.append(h('p', { class: 'summary' }, closed ? '报名已截止' : '席位已满'));
  return box;
}

function registerForm(d) {
  const status = h('div', { 'aria-live': 'polite' });
  const picks = (d.agenda || []).map((a) => h('label', { class: 'dock-check' },
    h('input', { type: 'checkbox', value: String(a.project_id), name: 'firm' }), `${a.start} ${a.name}`));
  const form = h('form', { class: 'dock-register' },
    h('p', { class: 'summary' }, '勾选想听的企业（可不选），便于主办方安排出场顺序：'),
    h('div', { class: 'dock-checks' }, picks),
    h('button', { class: 'btn', type: 'submit' }, '报名参加'), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const firms = [...form.querySelectorAll('input[name=firm]:checked')].map((x) => Number(x.value));
    const body = { firms };
    if (inv.isOrganiser) body.investor_id = Number(inv.id);
    const r = await postJSON(`/api/dock/roadshows/${d.id}/registrations`, body);
    if (!r.ok) { status.replaceChildren(errorBox(r.body, '报名失败')); return; }
    roadshows();
  });
  return form;
}

function followupCard(d) {
  const mine = (d.followups || []).filter((f) => String(f.investor_id) === inv.id);
  const rows = mine.map((f) => h('tr', {},
    h('td', {}, dateText(f.date)), h('td', {}, f.firm), h('td', {}, f.status),
    h('td', {}, f.amount_fen === null || f.amount_fen === undefined ? '—' : moneyNode(f.amount_fen)), h('td', { class: 'wide-only' }, f.note || '')));
  const status = h('div', { 'aria-live': 'polite' });
  const firm = h('select', { name: 'project_id' }, (d.agenda || []).map((a) => h('option', { value: String(a.project_id) }, a.name)));
  const st = h('select', { name: 'status' }, FOLLOWUP_STATUSES.map((s) => h('option', { value: s }, s)));
  const amount = h('input', { name: 'amount', placeholder: '如 500万元（签约时填写）' });
  const note = h('input', { name: 'note', placeholder: '备注' });
  const form = h('form', { class: 'filters dock-followup-form' },
    h('label', {}, '企业', firm), h('label', {}, '进展', st), h('label', {}, '金额', amount), h('label', {}, '备注', note),
    h('div', { class: 'actions' }, h('button', { class: 'btn', type: 'submit' }, '记录跟进')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { project_id: Number(firm.value), status: st.value };
    if (amount.value.trim()) body.amount_fen = amount.value.trim();
    if (note.value.trim()) body.note = note.value.trim();
    if (inv.isOrganiser) body.investor_id = Number(inv.id);
    const r = await postJSON(`/api/dock/roadshows/${d.id}/followups`, body);
    if (!r.ok) { status.replaceChildren(errorBox(r.body, '记录失败')); return; }
    roadshows();
  });
  return h('article', { class: 'dock-roadshow', 'data-followups': d.id }, h('h3', {}, d.name),
    h('div', { class: 'table-wrap' }, h('table', { class: 'dock-agenda dock-followups' },
      h('thead', {}, h('tr', {}, h('th', {}, '日期'), h('th', {}, '企业'), h('th', {}, '进展'), h('th', {}, '金额'), h('th', { class: 'wide-only' }, '备注'))),
      h('tbody', {}, rows.length ? rows : [h('tr', {}, h('td', { colspan: '5' }, '尚无跟进记录'))]))),
    form, status);
}

$('inv-rank-save').addEventListener('click', saveRanking);
start();
