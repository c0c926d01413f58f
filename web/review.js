// 审核兑付 (reviewer / finance): the review queue (GET /api/applications), an application with
// its form, the rule's explanation for that enterprise and its history, and the step the role may
// take (受理, 审核, 批准 with the amount, 退回, 不予通过; finance: 兑付); 免申即享 batches (propose for a
// clause, remove or restore entries, confirm, pay); payments. Amounts typed in 元 become integer
// fen by string arithmetic, never floating point. Server text only through text nodes.
'use strict';

const root = document.getElementById('review');
const STATES = [['', '全部状态'], ['submitted', '已提交'], ['accepted', '已受理'], ['reviewed', '已审核'], ['approved', '已批准'],
  ['paid', '已兑现'], ['returned', '退回修改'], ['rejected', '不予通过']];
const BATCH_STATE = { proposed: '待确认', confirmed: '已确认', paid: '已兑付' };
const ENTRY_STATE = { proposed: '拟兑付', removed: '已移除', paid: '已兑付' };
const rv = { tab: 'queue', state: '', page: 1, selected: null };

// "12,345.6" 元 → fen as a Number (exact: digits only, at most two decimals), or null.
function yuanToFen(text) {
  const m = /^\s*(\d{1,13})(?:\.(\d{1,2}))?\s*(元)?\s*$/.exec(String(text).replace(/,/g, ''));
  if (!m) return null;
  const fen = BigInt(m[1]) * 100n + BigInt((m[2] || '').padEnd(2, '0') || '0');
  return Number(fen);
}
function fenToYuanInput(fen) { const f = BigInt(fen); return (f / 100n).toString() + '.' + (f % 100n).toString().padStart(2, '0'); }
function stateTag(key, label, overdue) {
  const cls = { paid: 'size-3', approved: 'size-3', rejected: 'size-0', returned: 'size-1', proposed: 'size-1', removed: 'none' }[key] || 'size-2';
  return [h('span', { class: 'tag ' + cls }, label || key), overdue ? h('span', { class: 'tag size-0' }, '超期') : null];
}
const role = () => (session.me ? session.me.role : '');
const ACTION_ZH = { create: '创建申请', submit: '提交', resubmit: '重新提交', accept: '受理', review: '审核', approve: '批准', return: '退回修改',
  reject: '不予通过', pay: '兑付', form: '修改申报表', file: '上传附件', attach: '上传附件' };
const ROLE_ZH = { enterprise: '企业', reviewer: '审核人员', finance: '财政兑付人员', officer: '政策发布人员', admin: '系统管理员', system: '系统',
  hub: '市级服务枢纽', centre: '区（市）服务中心', station: '服务站', commissioner: '服务专员' };
const STATE_ZH = Object.fromEntries(STATES.filter(([k]) => k).concat([['draft', '草稿']]));
function historyLine(x) {
  const act = String(x.action || '').split(/[./:]/).pop();
  const to = x.after && x.after.state ? STATE_ZH[x.after.state] : '';
  return `${timeText(x.at)}　${ROLE_ZH[x.actor_role] || x.actor_role || ''}　${ACTION_ZH[act] || act}${to ? '（' + to + '）' : ''}`;
}

function tabs() {
  return h('nav', { class: 'tabs', 'aria-label': '审核兑付' },
    [['queue', '审核队列'], ['batches', '免申即享'], ['payments', '兑付记录']].map(([k, t]) =>
      h('a', { href: '#' + k, class: rv.tab === k ? 'active' : null, 'aria-current': rv.tab === k ? 'page' : null }, t)));
}

// ---- 审核队列 ----

async function showQueue() {
  const sel = h('select', { id: 'rv-state', 'aria-label': '按状态筛选' }, STATES.map(([v, t]) => h('option', { value: v, selected: v === rv.state }, t)));
  sel.addEventListener('change', () => { rv.state = sel.value; rv.page = 1; showQueue(); });
  const list = h('div', { id: 'rv-list' }, h('p', { class: 'loading' }, '正在加载…'));
  const detail = h('div', { id: 'rv-detail' });
  root.replaceChildren(tabs(), h('div', { class: 'rv-grid' },
    h('section', { class: 'card' }, h('h2', {}, '审核队列'), h('div', { class: 'actions' }, sel,
      h('a', { class: 'btn plain', href: '/api/applications?format=xlsx' + (rv.state ? '&state=' + rv.state : '') }, '导出 Excel')), list),
    detail));
  const q = new URLSearchParams({ page: String(rv.page), page_size: '20' });
  if (rv.state) q.set('state', rv.state);
  const r = await api('/api/applications?' + q);
  if (!r.ok) { list.replaceChildren(errorBox(r.body, '加载失败')); return; }
  const pages = Math.max(1, Math.ceil(r.body.total / r.body.page_size));
  list.replaceChildren(h('p', { class: 'summary' }, `共 ${r.body.total} 件`),
    r.body.items.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'rv-table' },
      h('thead', {}, h('tr', {}, h('th', {}, '企业'), h('th', {}, '条款'), h('th', {}, '状态'), h('th', {}, '金额'))),
      h('tbody', {}, r.body.items.map((a) => {
        const open = () => showApplication(a.id);
        return h('tr', { class: 'rv-row' + (rv.selected === a.id ? ' sel' : ''), 'data-id': String(a.id) },
          h('td', {}, h('a', { href: '#queue/' + a.id, onclick: (ev) => { ev.preventDefault(); open(); } }, a.enterprise_name || a.uscc),
            h('div', { class: 'mono summary hide-sm' }, a.uscc)),
          h('td', {}, a.clause_title, h('div', { class: 'summary hide-sm' }, a.department || '')),
          h('td', {}, stateTag(a.state, a.state_label, a.overdue)),
          h('td', {}, a.amount_fen != null ? moneyNode(a.amount_fen) : a.computed_fen != null ? moneyNode(a.computed_fen) : '—'));
      })))) : h('p', { class: 'loading' }, '没有待办的申请'),
    pages > 1 ? h('div', { class: 'pager' },
      h('button', { class: 'btn plain', disabled: rv.page <= 1, onclick: () => { rv.page--; showQueue(); } }, '上一页'),
      h('span', {}, `${rv.page} / ${pages}`),
      h('button', { class: 'btn plain', disabled: rv.page >= pages, onclick: () => { rv.page++; showQueue(); } }, '下一页')) : '');
  if (rv.selected) showApplication(rv.selected);
}

function field(label, input) { return h('label', { class: 'f' }, h('span', {}, label), input); }

function stepBox(a, reload) {
  const r = role();
  const msg = h('div', { 'aria-live': 'polite' });
  const act = async (action, body) => {
    msg.replaceChildren(h('p', { class: 'loading' }, '正在提交…'));
    const res = await postJSON(`/api/applications/${a.id}/${action}`, body || {});
    if (!res.ok) { msg.replaceChildren(errorBox(res.body, '操作失败')); return; }
    reload();
  };
  const reason = h('textarea', { rows: '2', id: 'rv-reason', placeholder: '退回或不予通过时必填' });
  const giveBack = [h('button', { class: 'btn plain', type: 'button', onclick: () => act('return', { reason: reason.value.trim() }) }, '退回修改'),
    h('button', { class: 'btn plain danger', type: 'button', onclick: () => act('reject', { reason: reason.value.trim() }) }, '不予通过')];
  const parts = [];
  if (r === 'reviewer' && a.state === 'submitted') {
    parts.push(h('div', { class: 'actions' }, h('button', { class: 'btn', type: 'button', onclick: () => act('accept') }, '受理'), giveBack), field('退回 / 不予通过的理由', reason));
  } else if (r === 'reviewer' && a.state === 'accepted') {
    const comment = h('textarea', { rows: '3', id: 'rv-comment', placeholder: '审核意见（必填）' });
    parts.push(field('审核意见', comment), h('div', { class: 'actions' }, h('button', { class: 'btn', type: 'button', onclick: () => act('review', { comment: comment.value.trim() }) }, '提交审核意见'), giveBack), field('退回 / 不予通过的理由', reason));
  } else if (r === 'reviewer' && a.state === 'reviewed') {
    const amount = h('input', { type: 'text', id: 'rv-amount', inputmode: 'decimal', value: a.computed_fen != null ? fenToYuanInput(a.computed_fen) : '' });
    const approve = () => {
      const fen = yuanToFen(amount.value);
      if (fen === null) { msg.replaceChildren(errorBox(null, '金额应为元，最多两位小数，如 200000.00')); return; }
      act('approve', { amount_fen: fen });
    };
    parts.push(field('批准金额（元）', amount), h('p', { class: 'summary' }, '默认为系统按规则计算的金额；超过条款上限时系统拒绝。'),
      h('div', { class: 'actions' }, h('button', { class: 'btn', type: 'button', onclick: approve }, '批准'), giveBack), field('退回 / 不予通过的理由', reason));
  } else if (r === 'finance' && a.state === 'approved') {
    const paid = h('input', { type: 'date', id: 'rv-paid-on', value: todayISO() });
    const ref = h('input', { type: 'text', id: 'rv-ref', placeholder: '如 国库集中支付凭证号' });
    parts.push(field('兑付日期', paid), field('支付凭证号', ref),
      h('div', { class: 'actions' }, h('button', { class: 'btn', type: 'button', onclick: () => act('pay', { paid_on: paid.value, payment_ref: ref.value.trim() }) }, '确认兑付')));
  }
  if (!parts.length) return null;
  return h('div', { class: 'rv-steps' }, h('h3', {}, '办理'), parts, msg);
}

async function showApplication(id) {
  rv.selected = id;
  for (const tr of document.querySelectorAll('.rv-row')) tr.classList.toggle('sel', tr.dataset.id === String(id));
  const box = document.getElementById('rv-detail');
  if (!box) return;
  box.replaceChildren(h('section', { class: 'card' }, h('p', { class: 'loading' }, '正在加载…')));
  const r = await api('/api/applications/' + id);
  if (!r.ok) { box.replaceChildren(h('section', { class: 'card' }, errorBox(r.body, '加载失败'))); return; }
  const a = r.body;
  const m = await api('/api/enterprises/' + encodeURIComponent(a.uscc) + '/matches?all=1');
  const hit = m.ok ? m.body.matches.find((x) => x.clause_id === a.clause_id) : null;
  const form = (a.form && a.form.fields) || [];
  const declared = (a.form && a.form.declared) || {};
  box.replaceChildren(h('section', { class: 'card', id: 'rv-app' },
    h('h2', {}, a.clause_title),
    h('p', {}, h('strong', {}, a.enterprise_name || a.uscc), ' ', h('span', { class: 'mono summary' }, a.uscc), ' ', stateTag(a.state, a.state_label, a.overdue)),
    h('div', { class: 'kv' },
      h('div', { class: 'k' }, '主管部门'), h('div', { class: 'v' }, a.department || '—'),
      h('div', { class: 'k' }, '系统判定'), h('div', { class: 'v' }, { eligible: '符合', unknown: '可能符合（资料不全）', ineligible: '不符合' }[a.eligibility] || a.eligibility || '—'),
      h('div', { class: 'k' }, '按规则计算'), h('div', { class: 'v', id: 'rv-computed' }, a.computed_fen != null ? moneyNode(a.computed_fen) : '—'),
      h('div', { class: 'k' }, '批准金额'), h('div', { class: 'v' }, a.amount_fen != null ? moneyNode(a.amount_fen) : '—'),
      a.comment ? [h('div', { class: 'k' }, '审核意见'), h('div', { class: 'v' }, a.comment)] : null,
      a.reason ? [h('div', { class: 'k' }, '理由'), h('div', { class: 'v' }, a.reason)] : null,
      a.paid_on ? [h('div', { class: 'k' }, '兑付'), h('div', { class: 'v' }, dateText(a.paid_on), ' ', a.payment_ref || '')] : null),
    h('h3', {}, '规则判定依据'),
    hit && hit.explanation && !hit.explanation.length ? h('p', { class: 'summary', id: 'rv-why' }, '该条款没有申报条件，所有企业均符合')
      : hit && hit.explanation ? h('ul', { class: 'why', id: 'rv-why' }, hit.explanation.map((e) => h('li', { class: 'why-' + e.outcome }, zhDates(e.text || e.condition))))
      : h('p', { class: 'summary' }, hit ? '今日该企业不符合此条款' : '无法取得判定依据'),
    hit && hit.award_text ? h('p', { class: 'explain' }, '金额计算：', hit.award_text) : null,
    form.length ? [h('h3', {}, '申报表'), h('div', { class: 'kv' }, form.flatMap((f) => [h('div', { class: 'k' }, f.label),
      h('div', { class: 'v' }, f.value === null || f.value === undefined ? h('span', { class: 'missing' }, '未填写') : typeof f.value === 'object' ? JSON.stringify(f.value) : String(f.value),
        declared[f.key] !== undefined ? h('span', { class: 'explain' }, '企业申报：' + String(declared[f.key])) : null)]))] : null,
    stepBox(a, () => showQueue()),
    a.history && a.history.length ? [h('h3', {}, '办理记录'), h('ol', { class: 'history' }, a.history.map((x) => h('li', {}, historyLine(x))))] : null));
}

// ---- 免申即享 batches ----

async function showBatches() {
  const list = h('div', {}, h('p', { class: 'loading' }, '正在加载…'));
  const detail = h('div', { id: 'rv-batch' });
  const clauseSel = h('select', { id: 'rv-clause', 'aria-label': '条款' }, h('option', { value: '' }, '选择条款…'));
  const create = h('button', { class: 'btn', type: 'button' }, '生成拟兑付名单');
  const msg = h('div', { 'aria-live': 'polite' });
  root.replaceChildren(tabs(), h('section', { class: 'card' }, h('h2', {}, '免申即享'),
    h('p', { class: 'summary' }, '按条款规则自动找出全部符合的企业和金额，确认后直接兑付，企业无需申报。'),
    r0() ? h('div', { class: 'actions' }, clauseSel, create) : null, msg, list), detail);
  function r0() { return ['reviewer', 'admin'].includes(role()); }
  create.addEventListener('click', async () => {
    if (!clauseSel.value) { msg.replaceChildren(errorBox(null, '请选择条款')); return; }
    const r = await postJSON('/api/exempt-batches', { clause_id: Number(clauseSel.value) });
    if (!r.ok) { msg.replaceChildren(errorBox(r.body, '生成失败')); return; }
    msg.replaceChildren();
    await showBatches();
    showBatch(r.body.id);
  });
  // the batches and the clauses to choose from load together, the policies' clauses at once
  const batches = api('/api/exempt-batches');
  const pols = await api('/api/policies?status=published');
  if (pols.ok) {
    const details = await Promise.all(pols.body.policies.map((p) => api('/api/policies/' + p.id)));
    details.forEach((d, i) => {
      if (d.ok) for (const c of d.body.clauses) clauseSel.append(h('option', { value: String(c.id) }, `${c.title}（${pols.body.policies[i].title}）`));
    });
  }
  const r = await batches;
  if (!r.ok) { list.replaceChildren(errorBox(r.body, '加载失败')); return; }
  const items = r.body.items || r.body.batches || [];
  list.replaceChildren(items.length ? h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, h('th', {}, '批次'), h('th', {}, '条款'), h('th', {}, '状态'), h('th', {}, '测算日'))),
    h('tbody', {}, items.map((b) => h('tr', {}, h('td', {}, h('a', { href: '#batches/' + b.id, onclick: (ev) => { ev.preventDefault(); showBatch(b.id); } }, '第 ' + b.id + ' 批')),
      h('td', {}, b.clause_title), h('td', {}, stateTag(b.state, BATCH_STATE[b.state])), h('td', {}, dateText(b.evaluated_on))))))) : h('p', { class: 'loading' }, '暂无批次'));
}

async function showBatch(id) {
  const box = document.getElementById('rv-batch');
  box.replaceChildren(h('section', { class: 'card' }, h('p', { class: 'loading' }, '正在加载…')));
  const r = await api('/api/exempt-batches/' + id);
  if (!r.ok) { box.replaceChildren(h('section', { class: 'card' }, errorBox(r.body, '加载失败'))); return; }
  const b = r.body;
  const msg = h('div', { 'aria-live': 'polite' });
  const step = async (action, body) => {
    const res = await postJSON(`/api/exempt-batches/${id}/${action}`, body || {});
    if (!res.ok) { msg.replaceChildren(errorBox(res.body, '操作失败')); return; }
    showBatch(id);
  };
  const tot = b.totals || {};
  const proposed = tot.proposed || {};
  const canEdit = b.state === 'proposed' && ['reviewer', 'admin'].includes(role());
  const actions = [];
  if (canEdit) actions.push(h('button', { class: 'btn', type: 'button', onclick: () => step('confirm') }, '确认名单'));
  if (b.state === 'confirmed' && role() === 'finance') {
    const paid = h('input', { type: 'date', id: 'rv-batch-paid', value: todayISO(), 'aria-label': '兑付日期' });
    const ref = h('input', { type: 'text', id: 'rv-batch-ref', placeholder: '支付凭证号', 'aria-label': '支付凭证号' });
    actions.push(paid, ref, h('button', { class: 'btn', type: 'button', onclick: () => step('pay', { paid_on: paid.value, payment_ref: ref.value.trim() }) }, '确认兑付'));
  }
  box.replaceChildren(h('section', { class: 'card', id: 'rv-batch-card' }, h('h2', {}, `第 ${b.id} 批 · ${b.clause_title}`),
    h('p', {}, stateTag(b.state, BATCH_STATE[b.state]), ` 拟兑付 ${proposed.entries ?? '—'} 家，合计 `, proposed.total_fen != null ? moneyNode(proposed.total_fen) : '—'),
    h('div', { class: 'actions wrap' }, actions), msg,
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', {}, '企业'), h('th', {}, '金额'), h('th', {}, '状态'), canEdit ? h('th', {}, '操作') : null)),
      h('tbody', {}, (b.entries || []).map((e) => h('tr', {},
        h('td', {}, e.enterprise_name, h('div', { class: 'mono summary' }, e.uscc)),
        h('td', {}, e.has_award ? moneyNode(e.amount_fen) : '—'),
        h('td', {}, stateTag(e.state, ENTRY_STATE[e.state]), e.reason ? h('div', { class: 'summary' }, e.reason) : null),
        canEdit ? h('td', {}, e.state === 'removed'
          ? h('button', { class: 'btn plain small', type: 'button', onclick: () => step('remove', { uscc: e.uscc, restore: true }) }, '恢复')
          : h('button', { class: 'btn plain small', type: 'button', onclick: () => { const why = prompt('移除理由'); if (why) step('remove', { uscc: e.uscc, reason: why }); } }, '移除')) : null)))))));
}

// ---- 兑付记录 ----

async function showPayments() {
  const list = h('div', {}, h('p', { class: 'loading' }, '正在加载…'));
  root.replaceChildren(tabs(), h('section', { class: 'card' }, h('h2', {}, '兑付记录'),
    h('div', { class: 'actions' }, h('a', { class: 'btn plain', href: '/api/payments?format=xlsx' }, '导出 Excel')), list));
  const r = await api('/api/payments?page_size=50');
  if (!r.ok) { list.replaceChildren(errorBox(r.body, '加载失败')); return; }
  const items = r.body.items || [];
  // each row names its firm (the list joins the enterprise's name): one request for the page
  const firm = (p) => h('td', { class: 'firm' }, h('span', { class: 'firm-name' }, p.enterprise_name || '（名称不可见）'), h('div', { class: 'mono summary' }, p.uscc));
  list.replaceChildren(h('p', { class: 'summary' }, `共 ${r.body.total} 笔`), items.length ? h('div', { class: 'table-wrap' }, h('table', { id: 'rv-payments' },
    h('thead', {}, h('tr', {}, h('th', {}, '企业'), h('th', {}, '条款'), h('th', {}, '金额'), h('th', {}, '兑付日期'), h('th', { class: 'hide-sm' }, '凭证号'))),
    h('tbody', {}, items.map((p) => h('tr', {}, firm(p), h('td', { class: 'pay-clause' }, p.clause_title),
      h('td', { class: 'pay-amount' }, moneyNode(p.amount_fen)), h('td', { class: 'pay-date' }, dateText(p.paid_on)), h('td', { class: 'hide-sm mono' }, p.payment_ref || '')))))) : h('p', { class: 'loading' }, '暂无兑付'));
}

async function route() {
  const [tab, id] = (location.hash.slice(1) || 'queue').split('/');
  rv.tab = ['queue', 'batches', 'payments'].includes(tab) ? tab : 'queue';
  try {
    if (rv.tab === 'batches') { await showBatches(); if (id) showBatch(Number(id)); }
    else if (rv.tab === 'payments') await showPayments();
    else { if (id) rv.selected = Number(id); await showQueue(); }
  } catch (e) {
    root.replaceChildren(errorBox(null, '页面出错：' + e.message));
  }
}

window.addEventListener('hashchange', route);
sessionReady.then(() => { if (requireSignIn()) route(); });
