// 服务包 (printable): the clauses to bring to one enterprise (?uscc=…), grouped by fit, with
// amounts, deadlines, departments and contacts, what is missing and why; A4 print CSS in
// network.css. Text only through text nodes; money from integer fen.
'use strict';

// A cell with its column's name (data-label): on a phone each clause is a card of labelled lines
// (network.css), on paper and wide screens a table row.
function spCell(label, ...kids) {
  return h('td', { 'data-label': label }, h('div', { class: 'sp-cell' }, kids));
}

function spSection(title, items) {
  if (!items.length) return null;
  return h('section', {}, h('h2', {}, `${title}（${items.length} 项）`),
    h('table', { class: 'sp-table' },
      h('thead', {}, h('tr', {}, h('th', {}, '政策条款'), h('th', {}, '金额'), h('th', {}, '截止'), h('th', {}, '受理部门 / 联系'), h('th', {}, '说明'))),
      h('tbody', {}, ...items.map((c) => h('tr', {},
        spCell('政策条款', h('strong', {}, c.title), h('div', { class: 'summary' }, c.policy, c.doc_no ? `（${c.doc_no}）` : '')),
        spCell('金额', c.award_fen !== null ? moneyNode(c.award_fen) : '按实际核定'),
        spCell('截止', c.deadline ? dateText(c.deadline) : '长期有效'),
        spCell('受理部门', c.department || '—', c.contact ? h('div', {}, c.contact) : null),
        spCell('说明', c.missing && c.missing.length ? (c.fit === 'nearly' ? '差：' : '需补充：') + c.missing.join('、') : '条件均已满足',
          c.award_text ? h('div', { class: 'summary' }, c.award_text) : null))))));
}

async function spLoad() {
  const box = document.getElementById('sp-content');
  const uscc = new URLSearchParams(location.search).get('uscc');
  if (!uscc) { box.replaceChildren(errorBox(null, '缺少企业代码（?uscc=…）')); return; }
  const r = await api('/api/network/enterprises/' + encodeURIComponent(uscc) + '/pack');
  if (!r.ok) { box.replaceChildren(errorBox(r.body, r.status === 401 ? '请先登录' : '生成服务包失败')); return; }
  const p = r.body;
  const by = (fit) => p.clauses.filter((c) => c.fit === fit);
  const c = p.commissioner;
  box.replaceChildren(...[
    h('div', { class: 'kv' },
      h('div', { class: 'k' }, '企业名称'), h('div', { class: 'v' }, p.name || '—'),
      h('div', { class: 'k' }, '统一社会信用代码'), h('div', { class: 'v mono' }, p.uscc),
      h('div', { class: 'k' }, '所在区域'), h('div', { class: 'v' }, p.region || '—'),
      h('div', { class: 'k' }, '服务专员'), h('div', { class: 'v' }, c ? `${c.name}${c.phone ? '（' + c.phone + '）' : ''}` : '—'),
      h('div', { class: 'k' }, '生成日期'), h('div', { class: 'v' }, dateText(p.date)),
      h('div', { class: 'k' }, '符合条件可享'), h('div', { class: 'v' }, moneyNode(p.qualifies_fen), `（${p.qualifies_count} 项）`)),
    spSection('符合条件，可直接申报', by('qualifies')),
    spSection('可能符合，需补充数据', by('might')),
    spSection('差一项条件', by('nearly')),
    p.clauses.length ? null : h('p', {}, '暂无可带去的政策。'),
    h('p', { class: 'summary' }, '金额为按企业现有数据测算的预计金额，以主管部门审核结果为准。'),
    h('div', { class: 'sp-sign' }, h('div', {}, '企业确认（签字）'), h('div', {}, '服务专员（签字）'))
  ].filter(Boolean)); // replaceChildren would write "null" for an empty section
  document.title = `服务包 · ${p.name || p.uscc}`;
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('sp-print').addEventListener('click', () => window.print());
  spLoad();
});
