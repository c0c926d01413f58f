// 融资需求: post a need, the bank pipeline (对接 → 授信 → 放款) with the three response
// commitments and their overdue flags, totals by bank, district and month, and a need's steps
// with a form for the bank's next one. Data from /api/dock/financing.
'use strict';

const STEPS = ['响应', '联系', '跟进', '对接', '授信', '放款'];

function dateZh(s) {
  if (!s) return '—';
  const [y, m, d] = s.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

function totalsList(title, obj) {
  const rows = Object.entries(obj || {}).sort((a, b) => (BigInt(b[1]) > BigInt(a[1]) ? 1 : -1));
  return h('div', {}, h('h3', {}, title),
    rows.length ? h('ul', {}, rows.map(([k, v]) => h('li', {}, k + '：', moneyNode(v)))) : h('p', { class: 'summary' }, '暂无'));
}

function stepsOf(n) {
  const done = new Set((n.events || []).map(e => e.step));
  return h('div', { class: 'dock-steps' }, STEPS.map(s =>
    h('span', { class: 'dock-step' + (done.has(s) ? ' done' : '') + (n.overdue.includes(s) ? ' overdue' : '') }, s)));
}

function needRow(n) {
  return h('tr', {},
    h('td', {}, h('a', { href: '#' + n.id, onclick: (e) => { e.preventDefault(); detail(n.id); } }, n.enterprise || n.uscc),
      h('br'), h('small', {}, n.district)),
    h('td', { class: 'num' }, moneyNode(n.amount_fen), h('br'), (n.months || '—') + ' 个月'),
    h('td', {}, n.purpose || '—'),
    h('td', {}, dateZh(n.posted)),
    h('td', {}, h('strong', {}, n.status), stepsOf(n),
      n.overdue.length ? h('div', { class: 'dock-badges' }, n.overdue.map(s => h('span', { class: 'dock-badge bad' }, s + '逾期'))) : null),
    h('td', { class: 'num' }, moneyNode(n.credit_fen), h('br'), moneyNode(n.loan_fen)));
}

async function load() {
  const r = await api('/api/dock/financing');
  const list = document.getElementById('n-list');
  if (!r.ok) { list.replaceChildren(errorBox(r.body, '加载失败')); return; }
  const t = r.body.totals;
  document.getElementById('n-totals').replaceChildren(
    h('div', {}, h('h3', {}, '累计放款'), h('p', {}, moneyNode(t.total_fen)),
      h('p', { class: 'summary' }, `需求 ${r.body.needs.length} 个，其中有逾期承诺的 ${r.body.overdue_needs} 个`),
      h('a', { class: 'btn plain small', id: 'n-xlsx', href: '/api/dock/financing?format=xlsx' }, '导出需求清单（Excel）')),
    totalsList('按银行', t.by_bank), totalsList('按区市', t.by_district), totalsList('按月份', t.by_month));
  list.replaceChildren(h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, h('th', {}, '企业'), h('th', { class: 'num' }, '金额 / 期限'), h('th', {}, '用途'),
      h('th', {}, '发布日期'), h('th', {}, '进度'), h('th', { class: 'num' }, '授信 / 放款'))),
    h('tbody', {}, r.body.needs.length ? r.body.needs.map(needRow)
      : h('tr', {}, h('td', { colspan: 6, class: 'summary', id: 'n-none' }, '暂无融资需求'))))));
}

async function detail(id) {
  const card = document.getElementById('n-detail-card');
  const box = document.getElementById('n-detail');
  card.hidden = false;
  const r = await api('/api/dock/financing/' + encodeURIComponent(id));
  if (!r.ok) { box.replaceChildren(errorBox(r.body, '加载失败')); return; }
  const n = r.body;
  const form = h('form', { class: 'filters no-print' },
    h('label', {}, '银行', h('select', { name: 'bank' }, (n.banks || []).map(b => h('option', { value: b.id }, b.name)))),
    h('label', {}, '步骤', h('select', { name: 'step' }, STEPS.map(s => h('option', { value: s }, s)))),
    h('label', {}, '金额（授信、放款）', h('input', { type: 'text', name: 'amount', placeholder: '如：200万元' })),
    h('label', {}, '日期', h('input', { type: 'date', name: 'date' })),
    h('div', { class: 'actions' }, h('button', { class: 'btn', type: 'submit' }, '记录')));
  const msg = h('div', { 'aria-live': 'polite' });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { bank_id: Number(form.bank.value), step: form.step.value };
    if (form.amount.value.trim()) body.amount_fen = form.amount.value.trim();
    if (form.date.value) body.date = form.date.value;
    const s = await postJSON(`/api/dock/financing/${n.id}/steps`, body);
    if (!s.ok) { msg.replaceChildren(errorBox(s.body, '记录失败')); return; }
    msg.replaceChildren(h('div', { class: 'ok-box' }, '已记录，当前状态：' + s.body.status));
    load(); detail(n.id);
  });
  box.replaceChildren(
    h('div', { class: 'kv' },
      h('div', { class: 'k' }, '企业'), h('div', { class: 'v' }, `${n.enterprise || ''}（${n.uscc}）`),
      h('div', { class: 'k' }, '金额'), h('div', { class: 'v' }, moneyNode(n.amount_fen)),
      h('div', { class: 'k' }, '承诺期限'), h('div', { class: 'v' },
        `响应 ${dateZh(n.respond_due)}，联系 ${dateZh(n.contact_due)}，跟进 ${dateZh(n.follow_due)}`),
      h('div', { class: 'k' }, '匹配银行'), h('div', { class: 'v' }, (n.banks || []).map(b => b.name).join('、') || '—')),
    h('h3', {}, '银行记录'),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', {}, '日期'), h('th', {}, '银行'), h('th', {}, '步骤'), h('th', {}, '金额'))),
      h('tbody', {}, (n.steps || []).map(s => h('tr', {}, h('td', {}, dateZh(s.date)), h('td', {}, s.bank),
        h('td', {}, s.step), h('td', {}, s.amount_fen === null ? '—' : moneyNode(s.amount_fen))))))),
    form, msg);
}

async function post(e) {
  e.preventDefault();
  const out = document.getElementById('n-post');
  const body = { amount_fen: document.getElementById('n-amount').value.trim(),
                 months: Number(document.getElementById('n-months').value || 12),
                 purpose: document.getElementById('n-purpose').value.trim() };
  const uscc = document.getElementById('n-uscc').value.trim();
  if (uscc) body.uscc = uscc;
  const r = await postJSON('/api/dock/financing', body);
  if (!r.ok) { out.replaceChildren(errorBox(r.body, '发布失败')); return; }
  out.replaceChildren(h('div', { class: 'ok-box' }, `已发布，已推送给 ${r.body.banks.length} 家银行：`,
    r.body.banks.map(b => b.name).join('、') || '（暂无匹配银行）'));
  load();
}

// basis points → percent, exactly: 435 → 4.35%
function bpText(bp) {
  if (bp === null || bp === undefined) return '—';
  const n = Math.trunc(bp), a = Math.abs(n);
  return (n < 0 ? '-' : '') + Math.trunc(a / 100) + '.' + String(a % 100).padStart(2, '0') + '%';
}

function rangeText(lo, hi, fmt) {
  if (lo === null && hi === null) return '—';
  if (lo === hi || hi === null) return fmt(lo);
  return (lo === null ? '' : fmt(lo)) + ' 至 ' + fmt(hi);
}

// A bank's own loan products (organisers see every bank's): what it offers and whether published.
async function products() {
  await sessionReady;
  const me = session.me;
  if (!me || !['bank', 'admin', 'hub', 'officer', 'centre', 'station', 'commissioner'].includes(me.role)) return;
  const isBank = me.role === 'bank';
  if (isBank && !(me.scope && me.scope.org_id)) return;
  const q = isBank ? `?by=bank_id&value=${encodeURIComponent(me.scope.org_id)}&limit=200` : '?limit=200';
  const [r, b] = await Promise.all([api('/api/dock/records/product' + q), api('/api/dock/records/bank?limit=200')]);
  const card = document.getElementById('n-products-card');
  const box = document.getElementById('n-products');
  card.hidden = false;
  if (isBank) document.getElementById('n-products-title').textContent = '我行贷款产品';
  if (!r.ok) { box.replaceChildren(errorBox(r.body, '加载失败')); return; }
  const banks = new Map((b.ok ? b.body.items : []).map(x => [x.id, x.name]));
  const wan = (f) => moneyNode(f);
  box.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'dock-offers', id: 'n-products-table' },
    h('thead', {}, h('tr', {}, h('th', {}, '产品'), isBank ? null : h('th', {}, '银行'), h('th', {}, '担保方式'),
      h('th', { class: 'num' }, '额度'), h('th', { class: 'num' }, '年利率'), h('th', { class: 'num wide-only' }, '期限'), h('th', {}, '状态'))),
    h('tbody', {}, r.body.items.map(p => h('tr', {},
      h('td', {}, p.name, p.code ? h('small', {}, ' ' + p.code) : null),
      isBank ? null : h('td', {}, banks.get(p.bank_id) || String(p.bank_id)),
      h('td', {}, p.collateral),
      h('td', { class: 'num' }, p.amount_min_fen === null && p.amount_max_fen === null ? '—'
        : h('span', {}, p.amount_min_fen === null ? '' : wan(p.amount_min_fen), ' 至 ', p.amount_max_fen === null ? '' : wan(p.amount_max_fen))),
      h('td', { class: 'num' }, rangeText(p.rate_min_bp, p.rate_max_bp, bpText)),
      h('td', { class: 'num wide-only' }, rangeText(p.months_min, p.months_max, (m) => m + ' 个月')),
      h('td', {}, p.published ? '已发布' : '未发布')))))));
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('n-form').addEventListener('submit', post);
  load();
  products();
});
