// 专员工作台: the signed-in commissioner's queue (or, for a station, centre or the hub, one
// commissioner's under it), an enterprise's 服务包, a visit form and the visit history. Text goes
// into the page only through text nodes (h() in common.js); money arrives as integer fen.
'use strict';

const cm = { unit: null, commissioner: null, page: 1, pageSize: 20, uscc: null };
const $ = (id) => document.getElementById(id);


function fail(where, r, fallback) {
  where.replaceChildren(errorBox(r.body, r.status === 401 ? '请先登录' : fallback));
}

async function start() {
  await sessionReady; // the CSRF token for the visit form
  const r = await api('/api/network/units?depth=3');
  if (!r.ok) { fail($('cm-unit'), r, '读取服务单位失败'); return; }
  cm.unit = r.body;
  $('cm-unit').textContent = `${r.body.kind_label}：${r.body.name}` +
    (r.body.region ? `（${r.body.region}）` : '') + (r.body.kind === 'commissioner' ? '' : `，下辖专员 ${r.body.commissioners} 名`);
  if (r.body.kind === 'commissioner') { choose(r.body); return; }
  const list = await api('/api/network/commissioners');
  if (!list.ok) { fail($('cm-unit'), list, '读取专员失败'); return; }
  const sel = $('cm-select');
  sel.replaceChildren(...list.body.commissioners.map((c) =>
    h('option', { value: c.id }, `${c.name}（${c.towns.map((t) => t.name).join('、')}）`)));
  $('cm-pick').hidden = false;
  sel.addEventListener('change', () => choose(list.body.commissioners.find((c) => String(c.id) === sel.value)));
  if (list.body.commissioners.length) choose(list.body.commissioners[0]);
}

function choose(c) {
  cm.commissioner = c;
  cm.page = 1;
  loadQueue();
  loadOverdue();
}

async function loadQueue() {
  const tbody = $('cm-queue').querySelector('tbody');
  $('cm-queue-sum').textContent = '正在计算…';
  const r = await api(`/api/network/commissioners/${cm.commissioner.id}/queue?page=${cm.page}&page_size=${cm.pageSize}`);
  if (!r.ok) { fail($('cm-queue-sum'), r, '读取队列失败'); return; }
  const q = r.body;
  $('cm-queue-sum').replaceChildren(`${q.commissioner.name}：负责企业 ${q.assigned} 家，其中 ${q.total} 家有可带去的政策，合计可争取 `,
    moneyNode(q.stake_fen), h('small', { class: 'summary' }, q.note ? ' ' + q.note.split(' / ')[0] : ''));
  tbody.replaceChildren(...q.enterprises.map((e) => {
    const tr = h('tr', { tabindex: '0', 'data-uscc': e.uscc },
      h('td', {}, String(e.rank)),
      h('td', {}, e.name || '（未填名称）', h('span', { class: 'uscc mono' }, e.uscc)),
      h('td', { class: 'net-counts' }, h('b', {}, String(e.qualifies)), ` / ${e.might} / ${e.nearly}`),
      h('td', {}, moneyNode(e.stake_fen)),
      h('td', {}, dateText(e.deadline), e.days_left !== null ? h('small', { class: 'exact' }, `剩 ${e.days_left} 天`) : null));
    const open = () => openEnterprise(e.uscc, e.name, tr);
    tr.addEventListener('click', open);
    tr.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') open(); });
    return tr;
  }));
  const pages = Math.max(1, Math.ceil(q.total / cm.pageSize));
  $('cm-pager').replaceChildren(
    h('button', { class: 'btn plain', type: 'button', disabled: cm.page <= 1, onclick: () => { cm.page--; loadQueue(); } }, '上一页'),
    h('span', {}, `第 ${cm.page} / ${pages} 页`),
    h('button', { class: 'btn plain', type: 'button', disabled: cm.page >= pages, onclick: () => { cm.page++; loadQueue(); } }, '下一页'));
}

async function loadOverdue() {
  const ul = $('cm-overdue');
  const r = await api(`/api/network/commissioners/${cm.commissioner.id}/visits?overdue=1&page_size=50`);
  if (!r.ok) { fail(ul, r, '读取失败'); return; }
  if (!r.body.visits.length) { ul.replaceChildren(h('li', { class: 'summary' }, '没有逾期事项')); return; }
  ul.replaceChildren(...r.body.visits.map((v) => h('li', {},
    h('span', { class: 'overdue' }, `${dateText(v.next_date)} 逾期`), ' ', v.next_step || '',
    h('small', { class: 'exact mono' }, v.uscc))));
}

function packItem(c) {
  return h('div', { class: 'pack-item' },
    h('h4', {}, h('span', { class: `fit fit-${c.fit}` }, c.fit_label), c.title),
    h('div', { class: 'meta' }, c.policy, c.doc_no ? `（${c.doc_no}）` : ''),
    h('div', {}, '金额：', c.award_fen !== null ? moneyNode(c.award_fen) : '按实际核定',
      '　截止：', dateText(c.deadline), c.days_left !== null ? `（剩 ${c.days_left} 天）` : ''),
    h('div', { class: 'meta' }, '受理部门：', c.department || '—', c.contact ? `　联系：${c.contact}` : ''),
    c.missing && c.missing.length ? h('div', { class: 'missing' }, (c.fit === 'nearly' ? '差：' : '需补充：') + c.missing.join('、')) : null,
    c.why && c.why.length ? h('ul', { class: 'why' }, ...c.why.map((w) => h('li', {}, w.text))) : null);
}

async function openEnterprise(uscc, name, tr) {
  cm.uscc = uscc;
  for (const row of $('cm-queue').querySelectorAll('tr.sel')) row.classList.remove('sel');
  if (tr) tr.classList.add('sel');
  $('cm-ent').hidden = false;
  $('cm-ent-name').textContent = name || uscc;
  $('cm-print').setAttribute('href', 'servicepack.html?uscc=' + encodeURIComponent(uscc));
  $('v-date').value = todayISO();
  const pack = $('cm-pack');
  pack.replaceChildren(h('p', { class: 'summary' }, '正在生成服务包…'));
  const r = await api('/api/network/enterprises/' + encodeURIComponent(uscc) + '/pack');
  if (!r.ok) { fail(pack, r, '生成服务包失败'); return; }
  const p = r.body;
  $('cm-ent-sum').replaceChildren(`${p.uscc} · ${p.region || ''} · 符合 ${p.qualifies_count} 项（`, moneyNode(p.qualifies_fen),
    `），可能符合 ${p.might_count} 项，差一项 ${p.nearly_count} 项`);
  pack.replaceChildren(...(p.clauses.length ? p.clauses.map(packItem) : [h('p', { class: 'summary' }, '暂无可带去的政策')]));
  loadHistory();
}

async function loadHistory() {
  const ul = $('cm-history');
  const r = await api('/api/network/enterprises/' + encodeURIComponent(cm.uscc) + '/visits?page_size=50');
  if (!r.ok) { fail(ul, r, '读取走访记录失败'); return; }
  if (!r.body.visits.length) { ul.replaceChildren(h('li', { class: 'summary' }, '还没有走访记录')); return; }
  ul.replaceChildren(...r.body.visits.map((v) => h('li', {},
    h('span', { class: 'when' }, `${dateText(v.date)} · ${v.commissioner || ''}`), v.topic,
    v.outcome ? h('div', { class: 'summary' }, '结果：' + v.outcome) : null,
    v.next_step ? h('div', { class: v.is_overdue ? 'overdue' : 'summary' },
      `下一步：${v.next_step}（${dateText(v.next_date)}${v.is_done ? '，已完成' : v.is_overdue ? '，已逾期' : ''}）`) : null)));
}

async function saveVisit(ev) {
  ev.preventDefault();
  const msg = $('v-msg');
  const body = { uscc: cm.uscc, commissioner_id: cm.commissioner.id, date: $('v-date').value, topic: $('v-topic').value.trim() };
  const outcome = $('v-outcome').value.trim(), next = $('v-next').value.trim(), nextDate = $('v-next-date').value;
  if (outcome) body.outcome = outcome;
  if (next) body.next_step = next;
  if (nextDate) body.next_date = nextDate;
  const r = await api('/api/network/visits', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) { fail(msg, r, '保存失败'); return; }
  msg.textContent = '已保存';
  for (const id of ['v-topic', 'v-outcome', 'v-next', 'v-next-date']) $(id).value = '';
  loadHistory();
  loadOverdue();
}

document.addEventListener('DOMContentLoaded', () => {
  $('cm-visit').addEventListener('submit', saveVisit);
  start();
});
