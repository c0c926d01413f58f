// 贷比三家: one enterprise's loan offers side by side from GET /api/dock/loans/compare — the
// quota, both repayment methods to the fen, the 贴息 it qualifies for and the rate after it.
// dock-loans.html#uscc=… opens with an enterprise.
'use strict';

const ELIG = { eligible: '符合', unknown: '待补充信息', ineligible: '不符合' };

function pct(s) { return s === null || s === undefined ? '—' : s.replace(/(\.\d{2})\d+$/, '$1') + '%'; }
function bpText(bp) { return Math.floor(bp / 100) + '.' + String(bp % 100).padStart(2, '0') + '%'; }
function feeOr(v) { return v === undefined || v === null ? '—' : moneyNode(v); }

function offerRow(o) {
  const m = o.methods || {};
  const ei = m['equal-instalment'] || {}, ep = m['equal-principal'] || {};
  const hi = o.at_max_rate || {}, lo = o.at_min_rate || {};
  const rate = lo.rate_bp === hi.rate_bp ? bpText(hi.rate_bp) : bpText(lo.rate_bp) + '–' + bpText(hi.rate_bp);
  return h('tr', { class: o.eligibility },
    h('td', {}, h('strong', {}, o.bank), h('br'), o.name, ' ', h('span', { class: 'tag' }, o.collateral),
      h('ul', { class: 'dock-reasons' }, (o.reasons || []).map(r => h('li', {}, r)))),
    h('td', {}, ELIG[o.eligibility] || o.eligibility),
    h('td', { class: 'num' }, feeOr(o.quota_fen)),
    h('td', { class: 'num' }, moneyNode(o.amount_fen), h('br'), o.months + ' 个月'),
    h('td', { class: 'num' }, rate),
    h('td', { class: 'num' }, feeOr(ei.first_payment_fen), h('br'), h('small', {}, '总利息 '), feeOr(ei.total_interest_fen)),
    h('td', { class: 'num wide-only' }, feeOr(ep.first_payment_fen), h('br'), h('small', {}, '总利息 '), feeOr(ep.total_interest_fen)),
    h('td', {}, o.subsidy ? [o.subsidy.name, h('br'), moneyNode(o.subsidy.subsidy_fen)] : '—'),
    h('td', { class: 'num' }, h('span', { class: 'wide-only' }, pct(hi.apr_percent), ' → '),
      h('span', { class: 'dock-rate-after' }, pct(o.apr_after_subsidy_percent))));
}

function render(out, body) {
  const eligible = body.offers.filter(o => o.eligibility === 'eligible');
  out.replaceChildren(
    h('section', { class: 'card' },
      h('h2', {}, body.enterprise || body.uscc),
      h('div', { class: 'dock-badges' },
        h('span', { class: 'dock-badge' }, `符合条件的产品 ${body.n_eligible} 个`),
        (body.subsidies_eligible || []).map(s => h('span', { class: 'dock-badge' }, '可享贴息：' + s)),
        (body.subsidies_needing_data || []).map(s => h('span', { class: 'dock-badge warn' }, '待补充信息：' + s))),
      eligible.length < 3 ? h('p', { class: 'summary' }, '符合条件的产品不足三家，下表同时列出需补充信息和暂不符合的产品及原因。') : null,
      h('p', { class: 'summary' }, '月供、总利息按最高执行利率计算；实际年化含手续费、担保费，并扣除贴息（按内部收益率精确求得）。'),
      h('div', { class: 'table-wrap' },
        h('table', { class: 'dock-offers' },
          h('thead', {}, h('tr', {},
            h('th', {}, '银行 / 产品'), h('th', {}, '准入'), h('th', { class: 'num' }, '测算额度'),
            h('th', { class: 'num' }, '金额 / 期限'), h('th', { class: 'num' }, '年利率'),
            h('th', { class: 'num' }, '等额本息 首月'), h('th', { class: 'num wide-only' }, '等额本金 首月'),
            h('th', {}, '贴息'), h('th', { class: 'num' }, '实际年化（贴息后）'))),
          h('tbody', {}, body.offers.map(offerRow))))));
}

async function compare(ev) {
  if (ev) ev.preventDefault();
  const out = document.getElementById('l-out');
  const q = new URLSearchParams({ uscc: document.getElementById('l-uscc').value.trim() });
  const amount = document.getElementById('l-amount').value.trim();
  const months = document.getElementById('l-months').value.trim();
  if (amount) q.set('amount', amount);
  if (months) q.set('months', months);
  out.replaceChildren(h('p', { class: 'loading' }, '正在测算…'));
  const r = await api('/api/dock/loans/compare?' + q.toString());
  if (!r.ok) { out.replaceChildren(errorBox(r.body, '测算失败')); return; }
  render(out, r.body);
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('l-form').addEventListener('submit', compare);
  const u = new URLSearchParams(location.hash.slice(1)).get('uscc');
  if (u) { document.getElementById('l-uscc').value = u; compare(); }
});

// An enterprise compares for itself only (the server refuses another's): its code is filled in.
sessionReady.then(() => {
  const field = document.getElementById('l-uscc');
  if (session.me && session.me.role === 'enterprise' && session.me.uscc && !field.value.trim()) {
    field.value = session.me.uscc;
    field.readOnly = true;
  }
});
