// 站内信 — the signed-in person's inbox over GET /api/notify/inbox: newest first, unread marked,
// a message opens (and is marked read) on click, paging. Text goes through text nodes only.
'use strict';

let page = 1;

async function load() {
  const only = document.getElementById('i-only').checked ? 1 : 0;
  const r = await api(`/api/notify/inbox?page=${page}&unread=${only}`);
  const list = document.getElementById('i-list');
  const msg = document.getElementById('i-msg');
  list.replaceChildren();
  if (!r.ok) {
    msg.replaceChildren(errorBox(r.body, r.status === 401 ? '请先登录后查看站内信' : '加载失败'));
    return;
  }
  const badge = document.getElementById('i-unread');
  badge.hidden = !r.body.unread;
  badge.textContent = r.body.unread;
  msg.textContent = `共 ${r.body.total} 条，未读 ${r.body.unread} 条`;
  if (!r.body.messages.length) list.append(h('p', { class: 'summary' }, '暂无消息'));
  for (const m of r.body.messages) list.append(item(m));
  const pager = document.getElementById('i-pager');
  pager.replaceChildren(
    h('button', { class: 'btn plain', disabled: page <= 1, onclick: () => { page--; load(); } }, '上一页'),
    h('span', {}, `第 ${page} 页`),
    h('button', { class: 'btn plain', disabled: page * 20 >= r.body.total, onclick: () => { page++; load(); } }, '下一页'));
}

function item(m) {
  const body = h('p', { class: 'msg-body', hidden: true }, m.body);
  const row = h('div', { class: 'msg' + (m.read ? '' : ' unread'), tabindex: 0, role: 'button' },
    h('div', { class: 'msg-subject' }, m.subject),
    h('div', { class: 'msg-meta' }, `${TOPICS[m.topic] || m.topic} · ${zhTime(m.created)}`),
    body);
  const open = async () => {
    body.hidden = !body.hidden;
    if (!m.read) {
      const r = await postJSON(`/api/notify/inbox/${m.id}/read`, {});
      if (r.ok) {
        m.read = true;
        row.classList.remove('unread');
        const badge = document.getElementById('i-unread');
        badge.textContent = r.body.unread;
        badge.hidden = !r.body.unread;
      }
    }
  };
  row.addEventListener('click', open);
  row.addEventListener('keydown', (e) => { if (e.key === 'Enter') open(); });
  return row;
}

document.addEventListener('DOMContentLoaded', () => {
  reachNav('inbox.html');
  document.getElementById('i-only').addEventListener('change', () => { page = 1; load(); });
  load();
});
