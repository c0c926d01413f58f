// 政策搜索 — the search box over GET /api/search: filters, hits with highlighted titles and
// snippets, facets that narrow the search, and paging. Server text goes through textContent only;
// <mark> elements are built from the API's highlight offsets (code points), never from HTML.
'use strict';

const PAGE = 10;
const FACET_NAMES = { department: '发布部门', kind: '类别', status: '状态', region: '地区' };
const FILTERS = ['department', 'region', 'kind', 'status'];
const FIT = { eligible: ['可申报', 'size-3'], unknown: ['可能符合（缺少数据）', 'size-1'], ineligible: ['不符合', 'size-0'] };
let offset = 0;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

// The text with [start, length] code-point spans wrapped in <mark>.
function marked(text, spans) {
  const out = document.createDocumentFragment();
  const cps = Array.from(text || '');
  let at = 0;
  for (const [start, len] of spans || []) {
    if (start < at || start + len > cps.length) continue;
    out.append(cps.slice(at, start).join(''));
    out.append(el('mark', null, cps.slice(start, start + len).join('')));
    at = start + len;
  }
  out.append(cps.slice(at).join(''));
  return out;
}

function value(id) {
  return document.getElementById('s-' + id).value.trim();
}

function hitNode(hit) {
  const card = el('div', 'match');
  const head = el('div', 'match-head');
  const title = el('strong');
  title.append(marked(hit.title, hit.title_highlights));
  head.append(title);
  if (hit.fit && FIT[hit.fit]) head.append(' ', el('span', 'tag ' + FIT[hit.fit][1], FIT[hit.fit][0]));
  if (hit.expired) head.append(' ', el('span', 'tag size-0', '已失效'));
  if (hit.kind) head.append(' ', el('span', 'tag', hit.kind));
  card.append(head);
  const snip = el('p');
  snip.append(marked(hit.snippet, hit.highlights));
  card.append(snip);
  const meta = [];
  if (hit.policy_title) meta.push('《' + hit.policy_title + '》');
  for (const k of ['department', 'region']) if (hit[k]) meta.push(hit[k]);
  if (hit.deadline) meta.push(el('span', 'nowrap', '申报截止 ' + dateText(hit.deadline)));
  if (hit.contact) meta.push(hit.contact);
  // a date stays on one line on a phone (was "申报截止 2026年12月" / "31日")
  const line = el('p', 'summary');
  meta.forEach((m, i) => line.append(...(i ? [' · ', m] : [m])));
  card.append(line);
  if (hit.amount_fen != null && hit.amount_fen > 0) {
    const p = el('p', 'match-award', '最高金额 ');
    p.append(moneyNode(hit.amount_fen));
    card.append(p);
  } else if (hit.amount) {
    card.append(el('p', 'match-award', '金额 ' + hit.amount));
  }
  return card;
}

function showFacets(facets) {
  const box = document.getElementById('s-facets');
  box.replaceChildren();
  for (const [name, values] of Object.entries(facets || {})) {
    if (!values.length || !FILTERS.includes(name)) continue;
    const group = el('div');
    group.append(el('strong', null, (FACET_NAMES[name] || name) + '：'));
    for (const v of values) {
      const b = el('button', 'btn plain small facet', v.value + '（' + v.count + '）');
      b.type = 'button';
      b.addEventListener('click', () => {
        const input = document.getElementById('s-' + name);
        if (name === 'status') input.value = v.value === '失效' ? 'expired' : 'in_force';
        else input.value = v.value;
        offset = 0;
        run();
      });
      group.append(' ', b);
    }
    box.append(group);
  }
}

function showPager(total) {
  const pager = document.getElementById('s-pager');
  pager.replaceChildren();
  if (total <= PAGE) return;
  const prev = el('button', 'btn', '上一页');
  prev.type = 'button';
  prev.disabled = offset === 0;
  prev.addEventListener('click', () => { offset = Math.max(0, offset - PAGE); run(); });
  const next = el('button', 'btn', '下一页');
  next.type = 'button';
  next.disabled = offset + PAGE >= total;
  next.addEventListener('click', () => { offset += PAGE; run(); });
  pager.append(prev, el('span', 'count', '第 ' + (offset / PAGE + 1) + ' / ' + Math.ceil(total / PAGE) + ' 页'), next);
}

async function run() {
  const msg = document.getElementById('s-msg');
  const results = document.getElementById('s-results');
  const q = value('q');
  if (!q) {
    msg.textContent = '请输入搜索内容';
    return;
  }
  const params = new URLSearchParams({ q, limit: String(PAGE), offset: String(offset) });
  for (const f of FILTERS.concat(['uscc'])) if (value(f)) params.set(f, value(f));
  msg.textContent = '搜索中…';
  let body = null;
  let ok = false;
  try {
    const res = await fetch('/api/search?' + params.toString());
    ok = res.ok;
    body = await res.json();
  } catch (e) {
    body = { error: { zh: '无法连接服务器', en: String(e) } };
  }
  results.replaceChildren();
  if (!ok || !body || body.error) {
    const e = (body && body.error) || {};
    const box = el('span', 'error-box', e.zh || '搜索失败');
    if (e.en) box.title = e.en;
    msg.replaceChildren(box);
    showFacets({});
    showPager(0);
    return;
  }
  msg.textContent = '共 ' + body.total + ' 条' + (body.parsed && body.parsed.question ? '（问答）' : '');
  for (const hit of body.hits) results.append(hitNode(hit));
  showFacets(body.facets);
  showPager(body.total);
}

// search.html?q=… (the header's search box, or a link): fill the form and search at once.
{
  const more = document.getElementById('s-more');
  if (more && window.innerWidth > 760) more.open = true;
  const params = new URLSearchParams(location.search);
  for (const f of ['q'].concat(FILTERS, ['uscc'])) if (params.get(f)) document.getElementById('s-' + f).value = params.get(f);
  if (params.get('q')) run();
}

document.getElementById('s-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  offset = 0;
  run();
});
