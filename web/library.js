// 政策文件库 — browsing documents by authority, region, level, year, theme and validity (GET
// /api/library, facets narrow the list), and one document with its clauses, 政策解读, related
// documents, versions and the original file (GET /api/library/{id}).
'use strict';

let page = 1;
const FACETS = { authority: '发文机关', level: '层级', year: '年份', theme: '主题', validity: '效力' };
const KIND = { policy: '政策文件', interpretation: '政策解读', related: '相关文件' };

function query() {
  const p = new URLSearchParams();
  for (const k of ['q', 'authority', 'level', 'region', 'year', 'theme', 'validity']) {
    const v = document.getElementById('l-' + k).value.trim();
    if (v) p.set(k, v);
  }
  p.set('page', page);
  return p.toString();
}

async function load() {
  const r = await api('/api/library?' + query());
  const msg = document.getElementById('l-msg');
  const list = document.getElementById('l-list');
  if (!r.ok) { msg.replaceChildren(errorBox(r.body)); list.replaceChildren(); return; }
  msg.textContent = `共 ${r.body.total} 件`;
  const facets = document.getElementById('l-facets');
  facets.replaceChildren(...Object.entries(FACETS).filter(([k]) => r.body.facets[k]).map(([k, label]) =>
    h('div', { class: 'facet-group' }, h('b', {}, label),
      ...Object.entries(r.body.facets[k]).map(([v, n]) => h('button', { class: 'btn plain', type: 'button', onclick: () => {
        if (v === '(未填)') return;
        document.getElementById('l-' + k).value = v; page = 1; load();
      } }, `${v}（${n}）`)))));
  if (!r.body.documents.length) {
    // an empty table head reads as a broken page: say that nothing matched, and what to try
    list.replaceChildren(h('p', { class: 'summary empty' }, r.body.total ? '本页没有文件' : '暂无符合条件的政策文件，可放宽筛选条件后再查询'));
  } else list.replaceChildren(h('table', { class: 'lib-list' }, // on a phone each row is a card (app.css)
    h('thead', {}, h('tr', {}, ...['标题', '文号', '发文机关', '层级', '成文日期', '效力', '类别'].map((x) => h('th', {}, x)))),
    h('tbody', {}, ...r.body.documents.map((d) => h('tr', {},
      h('td', {}, h('a', { href: '#', onclick: (e) => { e.preventDefault(); openDoc(d.id); } }, d.title)),
      h('td', { 'data-label': '文号' }, d.doc_no || '—'), h('td', { 'data-label': '发文机关' }, d.authority || '—'),
      h('td', { 'data-label': '层级' }, d.level || '—'), h('td', { 'data-label': '成文日期' }, zhDate(d.issued)),
      h('td', { 'data-label': '效力', class: 'validity-' + d.validity }, d.validity),
      h('td', { 'data-label': '类别' }, KIND[d.kind] || d.kind))))));
  document.getElementById('l-pager').replaceChildren(
    h('button', { class: 'btn plain', disabled: page <= 1, onclick: () => { page--; load(); } }, '上一页'),
    h('span', {}, `第 ${page} 页`),
    h('button', { class: 'btn plain', disabled: page * r.body.page_size >= r.body.total, onclick: () => { page++; load(); } }, '下一页'));
}

async function openDoc(id) {
  const r = await api(`/api/library/${id}`);
  const box = document.getElementById('l-detail');
  document.getElementById('l-detail-card').hidden = false;
  if (!r.ok) { box.replaceChildren(errorBox(r.body)); return; }
  const d = r.body;
  box.replaceChildren(
    h('div', { class: 'kv' },
      h('div', { class: 'k' }, '标题'), h('div', { class: 'v' }, d.title),
      h('div', { class: 'k' }, '文号'), h('div', { class: 'v' }, d.doc_no || '—'),
      h('div', { class: 'k' }, '发文机关'), h('div', { class: 'v' }, d.authority || '—'),
      h('div', { class: 'k' }, '层级 / 地区'), h('div', { class: 'v' }, `${d.level || '—'} / ${d.region || '—'}`),
      h('div', { class: 'k' }, '成文 / 施行'), h('div', { class: 'v' }, `${zhDate(d.issued)} / ${zhDate(d.effective)}`),
      h('div', { class: 'k' }, '效力'), h('div', { class: 'v validity-' + d.validity }, d.validity,
        d.replaced_by ? h('a', { href: '#', onclick: (e) => { e.preventDefault(); openDoc(d.replaced_by); } }, `（被文件 ${d.replaced_by} 替代）`) : null),
      h('div', { class: 'k' }, '原件'), h('div', { class: 'v' }, d.file_name
        ? h('span', {}, h('a', { href: `/api/library/${d.id}/file` }, d.file_name), h('small', { class: 'mono' }, ` SHA-256 ${d.file_sha256}`))
        : '—')),
    h('h3', {}, '条款'),
    d.clauses.length ? h('ul', {}, ...d.clauses.map((c) => h('li', {}, `第${c.seq}条 ${c.title} `,
      h('a', { href: `search.html#clause-${c.id}` }, '查看')))) : h('p', { class: 'summary' }, '未关联条款'),
    h('h3', {}, '政策解读与相关文件'),
    d.links.length ? h('ul', {}, ...d.links.map((l) => h('li', {}, `${KIND[l.kind] || l.kind}：`,
      h('a', { href: '#', onclick: (e) => { e.preventDefault(); openDoc(l.id); } }, l.title)))) : h('p', { class: 'summary' }, '暂无'),
    h('h3', {}, '版本历史'),
    h('ul', { class: 'history' }, ...d.history.map((v) => h('li', {}, `第 ${v.version} 版 ${zhDate(v.issued)} ${v.note || ''}`,
      v.id !== d.id ? h('a', { href: '#', onclick: (e) => { e.preventDefault(); openDoc(v.id); } }, ' 查看') : h('span', {}, '（当前查看）')))));
}

document.addEventListener('DOMContentLoaded', () => {
  reachNav('library.html');
  document.getElementById('l-form').addEventListener('submit', (e) => { e.preventDefault(); page = 1; load(); });
  load();
});
