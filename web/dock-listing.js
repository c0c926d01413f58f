// 项目库与上市梯队 (dock-listing.html), for organisers: the listing pipeline against the district's
// targets (count, target, gap per stage), each firm's days in its stage, the 上市奖励 it qualifies
// for now and at the next stage, moving a firm to another stage; the project pool by category with
// each project's best loan offers. Data from /api/dock/listing and /api/dock/projects. Text from
// the server goes in as text nodes only.
'use strict';

const STAGES = ['储备', '孵化', '辅导', '上市'];
const lst = { firms: [] };
const $ = (id) => document.getElementById(id);

async function start() {
  await sessionReady;
  if (!requireSignIn()) return;
  await Promise.all([listing(), projects()]);
}

async function listing() {
  const r = await api('/api/dock/listing');
  if (!r.ok) { $('l-status').replaceChildren(errorBox(r.body, '加载失败')); return; }
  $('l-status').replaceChildren();
  lst.firms = r.body.firms;
  $('l-stages').replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'dock-agenda', id: 'l-stage-table' },
    h('thead', {}, h('tr', {}, h('th', {}, '梯队'), h('th', {}, '企业数'), h('th', {}, '目标'), h('th', {}, '差距'))),
    h('tbody', {}, r.body.stages.map((s) => h('tr', { 'data-stage': s.stage },
      h('th', {}, s.stage), h('td', {}, String(s.count)),
      h('td', {}, s.target === null ? '—' : String(s.target)),
      h('td', {}, s.gap === null ? '—' : s.gap > 0 ? h('span', { class: 'dock-badge warn' }, `差 ${s.gap} 家`) : h('span', { class: 'dock-badge ok' }, '已达标'))))))),
  h('p', { class: 'summary', id: 'l-rewards-total' }, '当前可兑现的上市奖励合计 ', moneyNode(r.body.rewards_now_total_fen)));
  firms();
}

function rewardText(list) {
  return list.length ? list.map((w) => `${w.name} ${wanText(w.amount_fen)}${w.eligibility === 'unknown' ? '（待补充信息）' : ''}`).join('；') : '—';
}

function firms() {
  const stage = $('l-stage').value, q = $('l-q').value.trim();
  const shown = lst.firms.filter((f) => (!stage || f.stage === stage) && (!q || f.name.includes(q)));
  const move = (f) => {
    const sel = h('select', { 'aria-label': `${f.name} 调整到` }, STAGES.map((s) => h('option', { value: s, selected: s === f.stage }, s)));
    const btn = h('button', { class: 'btn plain small', type: 'button', onclick: async () => {
      if (sel.value === f.stage) return;
      const r = await postJSON(`/api/dock/listing/${encodeURIComponent(f.id)}/stage`, { stage: sel.value, name: f.name });
      if (!r.ok) { $('l-status').replaceChildren(errorBox(r.body, '调整失败')); return; }
      await listing();
      $('l-status').replaceChildren(h('div', { class: 'ok-box', role: 'status', id: 'l-moved' }, `${f.name} 已调整到${sel.value}`));
    } }, '调整');
    return h('span', { class: 'dock-rank-moves' }, sel, btn);
  };
  $('l-firms').replaceChildren(h('p', { class: 'summary', id: 'l-count' }, `共 ${shown.length} 家，显示 ${Math.min(shown.length, 50)} 家`),
    h('div', { class: 'table-wrap' }, h('table', { class: 'dock-agenda', id: 'l-firm-table' },
      h('thead', {}, h('tr', {}, h('th', {}, '企业'), h('th', {}, '梯队'), h('th', { class: 'wide-only' }, '在梯队天数'),
        h('th', {}, '现可享奖励'), h('th', { class: 'wide-only' }, '进入下一梯队可享'), h('th', {}, '调整梯队'))),
      h('tbody', {}, shown.slice(0, 50).map((f) => h('tr', { 'data-uscc': f.id },
        h('td', {}, f.name), h('td', {}, f.stage), h('td', { class: 'wide-only' }, f.days_in_stage === null ? '—' : String(f.days_in_stage)),
        h('td', {}, rewardText(f.rewards_now)), h('td', { class: 'wide-only' }, rewardText(f.rewards_next)), h('td', {}, move(f))))))));
}

async function projects() {
  const r = await api('/api/dock/projects');
  if (!r.ok) { $('p-cats').replaceChildren(errorBox(r.body, '加载失败')); return; }
  $('p-cats').replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'dock-agenda', id: 'p-cat-table' },
    h('thead', {}, h('tr', {}, h('th', {}, '类别'), h('th', {}, '项目数'), h('th', {}, '融资需求'), h('th', {}, '有可申请产品'))),
    h('tbody', {}, r.body.categories.map((c) => h('tr', {},
      h('th', {}, c.category), h('td', {}, String(c.projects)), h('td', {}, moneyNode(c.amount_fen)), h('td', {}, String(c.with_offer))))))));
  $('p-list').replaceChildren(h('ol', { class: 'dock-list', id: 'p-projects' }, r.body.projects.map((p) => h('li', { class: 'dock-item', 'data-project': p.id },
    h('div', { class: 'dock-item-head' }, h('strong', {}, p.name), h('span', {}, `${p.category} · `, moneyNode(p.amount_fen))),
    p.offers.length ? h('ul', { class: 'dock-reasons' }, p.offers.map((o) => h('li', {},
      `${o.bank} ${o.name}：`, moneyNode(o.amount_fen), `，贴息后年化 ${o.apr_after_subsidy_percent}%`)))
      : h('p', { class: 'summary' }, '暂无可申请的产品')))));
}

document.addEventListener('DOMContentLoaded', () => {
  $('l-stage').addEventListener('change', firms);
  $('l-q').addEventListener('input', firms);
  $('l-filter').addEventListener('submit', (e) => e.preventDefault());
  start();
});
