// 我的诉求 — filing a request (POST /api/tickets) and following one's own (GET /api/tickets?mine=1):
// state, promised deadline in working days, the answer, and closing with a satisfaction rating.
'use strict';

function ticketRow(t, onOpen) {
  return h('tr', {},
    h('td', { class: 'mono' }, String(t.id)),
    h('td', {}, TICKET_KINDS[t.kind] || t.kind),
    h('td', {}, h('a', { href: '#', onclick: (e) => { e.preventDefault(); onOpen(t.id); } }, t.title)),
    h('td', {}, stateTag(t.state)),
    h('td', { class: t.overdue ? 'overdue' : null }, zhDate(t.due) + (t.overdue ? '（已超期）' : '')),
    h('td', {}, t.dept || '待分派'));
}

function ticketTable(list, onOpen) {
  return h('table', {},
    h('thead', {}, h('tr', {}, ...['编号', '类型', '标题', '状态', '承诺办结', '承办单位'].map((x) => h('th', {}, x)))),
    h('tbody', {}, ...list.map((t) => ticketRow(t, onOpen))));
}

function historyList(t) {
  return h('ul', { class: 'history' }, ...t.history.map((e) =>
    h('li', {}, `${zhTime(e.at)} ${TICKET_STATES[e.to] || e.to}` + (e.note ? `：${e.note}` : ''))));
}

async function openTicket(id) {
  const r = await api(`/api/tickets/${id}`);
  const box = document.getElementById('t-detail');
  document.getElementById('t-detail-card').hidden = false;
  if (!r.ok) { box.replaceChildren(errorBox(r.body)); return; }
  const t = r.body;
  const kids = [
    h('div', { class: 'kv' },
      h('div', { class: 'k' }, '标题'), h('div', { class: 'v' }, t.title),
      h('div', { class: 'k' }, '内容'), h('div', { class: 'v pre' }, t.body),
      h('div', { class: 'k' }, '状态'), h('div', { class: 'v' }, stateTag(t.state)),
      h('div', { class: 'k' }, '受理日期'), h('div', { class: 'v' }, zhDate(t.filed)),
      h('div', { class: 'k' }, '承诺办结'), h('div', { class: 'v' }, zhDate(t.due)),
      h('div', { class: 'k' }, '答复'), h('div', { class: 'v pre' }, t.answer || '尚未答复')),
    h('h3', {}, '办理过程'), historyList(t)];
  if (t.state === 'answered') {
    const sel = h('select', {}, ...[5, 4, 3, 2, 1].map((n) => h('option', { value: n }, `${n} 分`)));
    const msg = h('div', {});
    kids.push(h('h3', {}, '评价并办结'), h('div', { class: 'actions' }, h('label', {}, '满意度 ', sel),
      h('button', { class: 'btn', onclick: async () => {
        const x = await postJSON(`/api/tickets/${id}/move`, { state: 'closed', satisfaction: Number(sel.value) });
        if (!x.ok) msg.replaceChildren(errorBox(x.body)); else { openTicket(id); loadMine(); }
      } }, '办结')), msg);
  }
  box.replaceChildren(...kids);
}

async function loadMine() {
  const r = await api('/api/tickets?mine=1');
  const list = document.getElementById('t-list');
  if (!r.ok) { list.replaceChildren(errorBox(r.body, r.status === 401 ? '请先登录' : '加载失败')); return; }
  list.replaceChildren(r.body.tickets.length ? ticketTable(r.body.tickets, openTicket) : h('p', { class: 'summary' }, '暂无诉求'));
}

async function submit(e) {
  e.preventDefault();
  const clause = document.getElementById('t-clause').value;
  const body = {
    kind: document.getElementById('t-kind').value,
    topic: document.getElementById('t-topic').value,
    region: document.getElementById('t-region').value.trim() || null,
    title: document.getElementById('t-title').value.trim(),
    body: document.getElementById('t-body').value.trim(),
    clause_id: clause ? Number(clause) : 0,
  };
  const r = await postJSON('/api/tickets', body);
  const msg = document.getElementById('t-msg');
  if (!r.ok) { msg.replaceChildren(errorBox(r.body, '提交失败')); return; }
  msg.replaceChildren(h('p', { class: 'summary' }, `已受理，编号 ${r.body.id}，承诺 ${zhDate(r.body.due)} 前办结。`));
  document.getElementById('t-form').reset();
  loadMine();
}

document.addEventListener('DOMContentLoaded', () => {
  reachNav('ticket.html');
  document.getElementById('t-form').addEventListener('submit', submit);
  loadMine();
});
