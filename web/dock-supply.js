// 供需撮合 (dock-supply.html), for organisers: needs ↔ capabilities in either direction with the
// score and the reason for each point; 揭榜挂帅 challenges with their state, applicants,
// milestones (payment, overdue) and the steps the state machine allows (select a solver, a
// milestone done, 撤榜), a refused step showing the server's reason; the intents funnel (needs →
// intents → deals) with the intents. Data from /api/dock/needs/match, /api/dock/challenges,
// /api/dock/intents/funnel and /api/dock/records. Text from the server goes in as text nodes only.
'use strict';

const sup = { match: null, needs: new Map(), caps: new Map() };
const $ = (id) => document.getElementById(id);

function todayText() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

async function start() {
  await sessionReady;
  if (!requireSignIn()) return;
  await Promise.all([matches(), challenges(), intents()]);
}

// ---- needs ↔ capabilities ----

async function matches() {
  const [m, n, c] = await Promise.all([api('/api/dock/needs/match'), api('/api/dock/records/need?limit=10000'),
    api('/api/dock/records/capability?limit=10000')]);
  if (!m.ok) { $('m-status').replaceChildren(errorBox(m.body, '加载失败')); return; }
  $('m-status').replaceChildren();
  sup.match = m.body;
  for (const x of n.ok ? n.body.items : []) sup.needs.set(String(x.id), x);
  for (const x of c.ok ? c.body.items : []) sup.caps.set(String(x.id), x);
  showMatches();
}

function showMatches() {
  const dir = $('m-dir').value;
  const side = dir === 'needs' ? sup.needs : sup.caps, other = dir === 'needs' ? sup.caps : sup.needs;
  const key = dir === 'needs' ? 'capabilities' : 'needs';
  const title = (map, id) => { const r = map.get(String(id)); return r ? (r.title || r.text) : `#${id}`; };
  const items = (sup.match[dir] || []).map((x) => h('li', { class: 'dock-item', 'data-id': x.id },
    h('div', { class: 'dock-item-head' }, h('strong', {}, title(side, x.id)), h('span', { class: 'dock-badge' }, x.kind)),
    (x[key] || []).length ? h('ul', { class: 'dock-reasons' }, x[key].map((y) => h('li', { class: 'dock-match' },
      h('span', { class: 'dock-score' }, `${y.score} 分 `), title(other, y.id), `（${y.kind}）`,
      h('ul', { class: 'dock-reasons' }, (y.reasons || []).map((r) => h('li', {}, r))))))
      : h('p', { class: 'summary' }, '暂无达到分数线的匹配')));
  $('m-list').replaceChildren(...(items.length ? items : [h('li', { class: 'summary' }, '暂无记录')]));
}

// ---- 揭榜挂帅 ----

async function challenges() {
  const list = await api('/api/dock/records/challenge?limit=1000');
  if (!list.ok) { $('c-status').replaceChildren(errorBox(list.body, '加载失败')); return; }
  const cards = await Promise.all(list.body.items.map(async (c) => {
    const [rep, apps] = await Promise.all([api('/api/dock/challenges/' + c.id),
      api(`/api/dock/records/application?by=challenge_id&value=${c.id}&limit=1000`)]);
    return rep.ok ? challengeCard(c, rep.body, apps.ok ? apps.body.items : []) : errorBox(rep.body, '加载失败');
  }));
  $('c-list').replaceChildren(...(cards.length ? cards : [h('p', { class: 'summary' }, '暂无榜单')]));
}

async function step(path, body, ok) {
  const r = await postJSON(path, body || {});
  if (!r.ok) { $('c-status').replaceChildren(errorBox(r.body, '操作失败')); return; }
  await challenges();
  $('c-status').replaceChildren(h('div', { class: 'ok-box', role: 'status', id: 'c-done' }, ok + `，当前状态：${r.body.state}`));
}

function challengeCard(c, rep, apps) {
  const base = `/api/dock/challenges/${c.id}`;
  const solver = h('select', { 'aria-label': '选定揭榜方' }, apps.map((a) => h('option', { value: a.solver }, `${a.solver}（${dateText(a.date)} 揭榜）`)));
  const badges = h('div', { class: 'dock-badges' },
    h('span', { class: 'dock-badge dock-state' }, rep.state),
    h('span', { class: 'dock-badge' }, '奖励 ', moneyNode(rep.reward_fen)),
    h('span', { class: 'dock-badge' }, `截止 ${dateText(c.deadline)}`),
    h('span', { class: 'dock-badge' }, `揭榜 ${rep.applications} 家`),
    rep.solver ? h('span', { class: 'dock-badge ok' }, `选定 ${rep.solver}`) : null,
    rep.overdue_milestones ? h('span', { class: 'dock-badge bad' }, `逾期里程碑 ${rep.overdue_milestones}`) : null);
  const ms = h('div', { class: 'table-wrap' }, h('table', { class: 'dock-agenda' },
    h('thead', {}, h('tr', {}, h('th', {}, '里程碑'), h('th', {}, '比例'), h('th', { class: 'wide-only' }, '到期'), h('th', {}, '拨付'), h('th', {}, '状态'), h('th', {}, ''))),
    h('tbody', {}, (rep.milestones || []).map((m, i) => h('tr', {},
      h('td', {}, m.name), h('td', {}, m.share), h('td', { class: 'wide-only' }, m.due ? dateText(m.due) : '—'),
      h('td', {}, moneyNode(m.payment_fen)),
      h('td', {}, m.overdue ? h('span', { class: 'dock-badge bad' }, `${m.state}（逾期）`) : m.state),
      h('td', {}, m.done ? '' : h('button', { class: 'btn plain small', type: 'button', 'aria-label': `${m.name} 已完成`,
        onclick: () => step(`${base}/milestones/${i + 1}`, { done: todayText() }, `${m.name} 已完成`) }, '完成')))))));
  return h('article', { class: 'dock-roadshow', 'data-challenge': String(c.id) },
    h('h3', {}, c.title), badges, c.text ? h('p', { class: 'summary' }, c.text) : null, ms,
    h('div', { class: 'actions dock-challenge-actions' },
      apps.length ? solver : null,
      apps.length ? h('button', { class: 'btn small', type: 'button', onclick: () => step(`${base}/select`, { solver: solver.value }, `已选定 ${solver.value}`) }, '选定') : null,
      h('button', { class: 'btn plain small', type: 'button', onclick: () => { if (window.confirm(`确定撤销榜单“${c.title}”？`)) step(`${base}/cancel`, {}, '已撤榜'); } }, '撤榜')));
}

// ---- intents ----

async function intents() {
  const r = await api('/api/dock/intents/funnel');
  if (!r.ok) { $('i-funnel').replaceChildren(errorBox(r.body, '加载失败')); return; }
  const f = r.body;
  $('i-funnel').replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'dock-agenda', id: 'i-funnel-table' },
    h('thead', {}, h('tr', {}, h('th', {}, '环节'), h('th', {}, '数量'), h('th', {}, '比例'))),
    h('tbody', {},
      h('tr', {}, h('th', {}, '需求'), h('td', {}, String(f.needs)), h('td', {}, '')),
      h('tr', {}, h('th', {}, '有对接意向的需求'), h('td', {}, String(f.needs_with_intent)), h('td', {}, f.intent_rate.percent)),
      h('tr', {}, h('th', {}, '已签约的需求'), h('td', {}, String(f.needs_with_deal)), h('td', {}, f.deal_rate.percent))))),
  h('div', { class: 'dock-badges' }, Object.entries(f.by_status).map(([k, v]) => h('span', { class: 'dock-badge' }, `${k} ${v}`))),
  h('p', { class: 'summary', id: 'i-amount' }, '签约金额合计 ', moneyNode(f.deal_amount_fen)));
  $('i-list').replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'dock-agenda', id: 'i-table' },
    h('thead', {}, h('tr', {}, h('th', {}, '日期'), h('th', {}, '发起方'), h('th', {}, '对象'), h('th', {}, '状态'), h('th', { class: 'wide-only' }, '金额'))),
    h('tbody', {}, (f.items || []).map((x) => h('tr', {},
      h('td', {}, dateText(x.date)), h('td', {}, x.from_party), h('td', {}, x.to_party), h('td', {}, x.status),
      h('td', { class: 'wide-only' }, x.amount_fen === null || x.amount_fen === undefined ? '—' : moneyNode(x.amount_fen))))))));
}

document.addEventListener('DOMContentLoaded', () => {
  $('m-dir').addEventListener('change', showMatches);
  $('m-form').addEventListener('submit', (e) => e.preventDefault());
  start();
});
