// 诉求办理 — the officer's and the service network's queue (GET /api/tickets, scoped by the server
// to the signed-in person's department or area): open a request, take it, answer it, transfer
// it, publish the answer as an FAQ entry; statistics by topic, department and region.
'use strict';

let page = 1;

async function loadQueue() {
  const state = document.getElementById('q-state').value;
  const r = await api(`/api/tickets?state=${encodeURIComponent(state)}&page=${page}`);
  const list = document.getElementById('q-list');
  const msg = document.getElementById('q-msg');
  if (!r.ok) { list.replaceChildren(); msg.replaceChildren(errorBox(r.body, r.status === 401 ? '请先登录' : '加载失败')); return; }
  msg.textContent = `共 ${r.body.total} 件`;
  if (!r.body.tickets.length) { list.replaceChildren(h('p', { class: 'summary empty' }, '该状态下暂无诉求')); document.getElementById('q-pager').replaceChildren(); return; }
  list.replaceChildren(h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, ...['编号', '类型', '标题', '地区', '状态', '承诺办结', '承办单位', '升级'].map((x) => h('th', {}, x)))),
    h('tbody', {}, ...r.body.tickets.map((t) => h('tr', {},
      h('td', { class: 'mono' }, String(t.id)),
      h('td', {}, TICKET_KINDS[t.kind] || t.kind),
      h('td', {}, h('a', { href: '#', onclick: (e) => { e.preventDefault(); openTicket(t.id); } }, t.title)),
      h('td', {}, t.region || '全市'),
      h('td', {}, stateTag(t.state)),
      h('td', { class: t.overdue ? 'overdue' : null }, zhDate(t.due)),
      h('td', {}, t.dept || '待分派'),
      h('td', {}, t.escalations ? `${t.escalations} 次` : '—')))))));
  document.getElementById('q-pager').replaceChildren(
    h('button', { class: 'btn plain', disabled: page <= 1, onclick: () => { page--; loadQueue(); } }, '上一页'),
    h('span', {}, `第 ${page} 页`),
    h('button', { class: 'btn plain', disabled: page * 20 >= r.body.total, onclick: () => { page++; loadQueue(); } }, '下一页'));
}

function action(label, make) {
  return h('button', { class: 'btn plain', onclick: make }, label);
}

async function move(id, body, msg) {
  const r = await postJSON(`/api/tickets/${id}/move`, body);
  if (!r.ok) { msg.replaceChildren(errorBox(r.body)); return; }
  openTicket(id);
  loadQueue();
}

async function openTicket(id) {
  const r = await api(`/api/tickets/${id}`);
  const box = document.getElementById('q-detail');
  document.getElementById('q-detail-card').hidden = false;
  if (!r.ok) { box.replaceChildren(errorBox(r.body)); return; }
  const t = r.body;
  const msg = h('div', {});
  const answer = h('textarea', { rows: 4, placeholder: '答复内容' });
  const dept = h('input', { type: 'text', placeholder: '转办至部门' });
  const clause = h('input', { type: 'number', min: 1, placeholder: '关联条款编号', value: t.clause_id || '' });
  const open = ['received', 'assigned', 'in_progress'].includes(t.state);
  box.replaceChildren(
    h('div', { class: 'kv' },
      h('div', { class: 'k' }, '诉求人'), h('div', { class: 'v mono' }, t.requester),
      h('div', { class: 'k' }, '标题'), h('div', { class: 'v' }, t.title),
      h('div', { class: 'k' }, '内容'), h('div', { class: 'v pre' }, t.body),
      h('div', { class: 'k' }, '状态'), h('div', { class: 'v' }, stateTag(t.state)),
      h('div', { class: 'k' }, '承诺办结'), h('div', { class: t.overdue ? 'v overdue' : 'v' }, zhDate(t.due)),
      h('div', { class: 'k' }, '答复'), h('div', { class: 'v pre' }, t.answer || '—')),
    h('h3', {}, '办理过程'),
    h('ul', { class: 'history' }, ...t.history.map((e) => h('li', {}, `${zhTime(e.at)} ${TICKET_STATES[e.to] || e.to}` + (e.note ? `：${e.note}` : '')))),
    open ? h('div', {},
      h('h3', {}, '办理'),
      t.state === 'assigned' ? action('开始办理', () => move(id, { state: 'in_progress' }, msg)) : null,
      h('div', { class: 'form' }, answer, action('提交答复', () => move(id, { state: 'answered', text: answer.value }, msg))),
      h('div', { class: 'actions' }, dept, action('转办', () => move(id, { state: 'transferred', dept: dept.value, text: '转办' }, msg)))) : null,
    t.kind === 'question' && t.answer ? h('div', { class: 'actions' }, clause,
      action('发布为常见问题', async () => {
        const x = await postJSON(`/api/tickets/${id}/faq`, { clause_id: Number(clause.value) || 0 });
        msg.replaceChildren(x.ok ? h('span', {}, '已发布，可在政策搜索中检索') : errorBox(x.body));
      })) : null,
    msg);
}

function statsTable(title, rows) {
  if (!rows.length) return h('div', {}, h('h3', {}, title), h('p', { class: 'summary' }, '暂无诉求'));
  return h('div', {}, h('h3', {}, title), h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, ...['名称', '总数', '在办', '已答复', '按期', '按期率', '超期在办', '满意度'].map((x) => h('th', {}, x)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {},
      h('td', {}, r.name || '（未分派）'), h('td', {}, String(r.count)), h('td', {}, String(r.open)),
      h('td', {}, String(r.answered)), h('td', {}, String(r.on_time)),
      h('td', {}, r.on_time_permille === null ? '—' : (r.on_time_permille / 10).toFixed(1) + '%'),
      h('td', {}, String(r.overdue_open)),
      h('td', {}, r.satisfaction_x100 === null ? '—' : (r.satisfaction_x100 / 100).toFixed(2))))))));
}

async function loadStats() {
  const r = await api('/api/tickets/stats');
  const box = document.getElementById('q-stats');
  if (!r.ok) { box.replaceChildren(errorBox(r.body, '无权查看统计')); return; }
  box.replaceChildren(statsTable('按主题', r.body.by_topic), statsTable('按承办单位', r.body.by_dept),
    statsTable('按地区', r.body.by_region), statsTable('按类型', r.body.by_kind.map((x) => ({ ...x, name: TICKET_KINDS[x.name] || x.name }))));
}

document.addEventListener('DOMContentLoaded', () => {
  reachNav('tickets-admin.html');
  document.getElementById('q-state').addEventListener('change', () => { page = 1; loadQueue(); });
  loadQueue();
  loadStats();
});
