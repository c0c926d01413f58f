// 青岛惠企政策精准匹配平台 · 对接 — the enterprise pages: search, detail, create.
// Plain modern JS, no build step. Every piece of text from the server goes through textContent
// (never innerHTML), so user-supplied names cannot inject markup.
'use strict';

const SIZES = ['大型', '中型', '小型', '微型'];
const app = document.getElementById('app');

// ---- small helpers (h, api, errorBox and money are in common.js) ----

function sizeTag(size) {
  const i = SIZES.indexOf(size);
  return h('span', { class: 'tag ' + (i >= 0 ? 'size-' + i : 'none') }, i >= 0 ? size : '未划型');
}

// ---- reference data, loaded once ----

const ref = { regions: null, fields: null };
async function regions() {
  if (!ref.regions) { const r = await api('/api/regions'); ref.regions = r.ok ? r.body : { children: [] }; }
  return ref.regions;
}
async function fields() {
  if (!ref.fields) { const r = await api('/api/fields'); ref.fields = r.ok ? r.body.fields : []; }
  return ref.fields;
}

// An industry text box with suggestions from /api/industries as one types.
function industryInput(name, value, placeholder) {
  const listId = 'ind-' + name + '-' + Math.random().toString(36).slice(2, 8);
  const list = h('datalist', { id: listId });
  const input = h('input', { type: 'search', name, value: value || '', list: listId, placeholder, autocomplete: 'off' });
  let timer = 0;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim();
      if (!q) return;
      const r = await api('/api/industries?limit=20&q=' + encodeURIComponent(q));
      if (!r.ok) return;
      list.replaceChildren(...r.body.items.map(it => h('option', { value: it.code }, `${it.code} ${it.name}`)));
    }, 200);
  });
  return [input, list];
}

// ---- 企业查询: the list ----

async function showList(params) {
  const q = params.get('q') || '', county = params.get('county') || '', town = params.get('town') || '';
  const industry = params.get('industry') || '', size = params.get('size') || '';
  const page = Math.max(1, parseInt(params.get('page') || '1', 10) || 1);
  // the list is asked for at once, alongside the region tree the form needs
  const apiParams = new URLSearchParams({ page: String(page), page_size: '20' });
  if (q) apiParams.set('q', q);
  if (town || county) apiParams.set('region', town || county);
  if (industry) apiParams.set('industry', industry);
  if (size) apiParams.set('size', size);
  const listed = api('/api/enterprises?' + apiParams.toString());
  const tree = await regions();

  const countySel = h('select', { name: 'county' }, h('option', { value: '' }, '全部区市'),
    (tree.children || []).map(c => h('option', { value: String(c.code), selected: String(c.code) === county }, c.name)));
  const townSel = h('select', { name: 'town' });
  function fillTowns() {
    const c = (tree.children || []).find(x => String(x.code) === countySel.value);
    townSel.replaceChildren(h('option', { value: '' }, c ? '全部街道/镇' : '先选区市'),
      ...((c && c.children) || []).map(t => h('option', { value: String(t.code), selected: String(t.code) === town }, t.name)));
    townSel.disabled = !c;
  }
  countySel.addEventListener('change', () => { fillTowns(); });
  fillTowns();
  const [indInput, indList] = industryInput('industry', industry, '如 C39 或 软件');
  const sizeSel = h('select', { name: 'size' }, h('option', { value: '' }, '全部规模'),
    SIZES.map(s => h('option', { value: s, selected: s === size }, s)));
  const qInput = h('input', { type: 'search', name: 'q', value: q, placeholder: '企业名称或信用代码' });

  const form = h('form', { class: 'filters', role: 'search', onsubmit: ev => {
    ev.preventDefault();
    const p = new URLSearchParams();
    if (qInput.value.trim()) p.set('q', qInput.value.trim());
    if (countySel.value) p.set('county', countySel.value);
    if (townSel.value) p.set('town', townSel.value);
    if (indInput.value.trim()) p.set('industry', indInput.value.trim());
    if (sizeSel.value) p.set('size', sizeSel.value);
    location.hash = '#/?' + p.toString();
  } },
  h('label', {}, '关键字', qInput), h('label', {}, '区市', countySel), h('label', {}, '街道/镇', townSel),
  h('label', {}, '行业', indInput, indList), h('label', {}, '企业规模', sizeSel),
  h('div', { class: 'actions' }, h('button', { class: 'btn', type: 'submit' }, '查询'),
    h('button', { class: 'btn plain', type: 'button', onclick: () => { location.hash = '#/'; } }, '重置')));

  const results = h('div', {}, h('p', { class: 'loading' }, '正在查询…'));
  app.replaceChildren(h('section', { class: 'card' }, h('h2', {}, '企业查询'), form), h('section', { class: 'card' }, results));

  const r = await listed;
  if (!r.ok) { results.replaceChildren(errorBox(r.body, '查询失败')); return; }
  const { total, items, page_size: pageSize } = r.body;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const table = h('table', {},
    h('thead', {}, h('tr', {}, h('th', {}, '企业名称'), h('th', { class: 'hide-sm' }, '统一社会信用代码'),
      h('th', {}, '注册地'), h('th', { class: 'hide-sm' }, '行业'), h('th', {}, '规模'))),
    h('tbody', {}, items.map(e => h('tr', {},
      h('td', {}, h('a', { href: '#/e/' + encodeURIComponent(e.uscc) }, e.name || '（未填名称）')),
      h('td', { class: 'mono hide-sm' }, e.uscc),
      h('td', {}, e.region ? e.region.name : '—'),
      h('td', { class: 'hide-sm' }, e.industry ? `${e.industry.code} ${e.industry.name}` : '—'),
      h('td', {}, sizeTag(e.size))))));
  function go(p) { const u = new URLSearchParams(params); u.set('page', String(p)); location.hash = '#/?' + u.toString(); }
  results.replaceChildren(
    h('p', { class: 'summary' }, `共 ${groupDigits(String(total))} 家企业，第 ${page} / ${pages} 页`),
    items.length ? h('div', { class: 'table-wrap' }, table) : h('p', { class: 'loading' }, '没有符合条件的企业'),
    h('div', { class: 'pager' },
      h('button', { class: 'btn plain', disabled: page <= 1, onclick: () => go(page - 1) }, '上一页'),
      h('span', {}, `${page} / ${pages}`),
      h('button', { class: 'btn plain', disabled: page >= pages, onclick: () => go(page + 1) }, '下一页')));
}

// ---- 企业详情 ----

function valueNode(f) {
  if (f.value === null || f.value === undefined) return h('span', { class: 'missing' }, '未填写');
  switch (f.type) {
    case 'money': return moneyNode(f.value);
    case 'date': return dateText(f.value);
    case 'set': return Array.isArray(f.value) ? (f.value.length ? f.value.map(v => h('span', { class: 'tag' }, v)) : '无') : f.text;
    case 'bool': return f.value ? '是' : '否';
    case 'region': return f.value.path || f.value.name;
    case 'industry': {
      const sec = f.value.section && f.value.section !== f.value.code ? f.value.section : '';
      return `${sec}${f.value.code} ${f.value.name}`;
    }
    default: return zhDates(f.text !== null && f.text !== undefined ? f.text : String(f.value));
  }
}

// 我的政策: the clauses this enterprise qualifies for (可申报) and might (可能符合: what is missing).
const MATCH_STATUS = { eligible: ['可申报', 'size-3'], unknown: ['可能符合', 'size-1'], nearly: ['差一项', 'size-0'] };

function matchesCard(m) {
  if (!m || !Array.isArray(m.matches)) return null;
  const eligible = m.matches.filter(x => x.status === 'eligible');
  const total = eligible.reduce((a, x) => a + (x.award_fen > 0 ? x.award_fen : 0), 0);
  const items = m.matches.map(x => {
    const [label, cls] = MATCH_STATUS[x.status] || [x.status, 'none'];
    return h('div', { class: 'match' },
      h('div', { class: 'match-head' }, h('span', { class: 'tag ' + cls }, label), h('strong', {}, x.title),
        x.award_fen > 0 ? h('span', { class: 'match-award' }, moneyNode(x.award_fen)) : (x.award_text ? h('span', { class: 'match-award' }, x.award_text) : null)),
      h('div', { class: 'explain' }, x.deadline ? '申报截止 ' + dateText(x.deadline) : '长期有效',
        x.missing && x.missing.length ? `　· 需补充：${x.missing.join('、')}` : ''),
      x.missing && x.missing.length ? h('a', { class: 'explain', href: '#/new' }, '去补充资料 →') : null,
      h('ul', { class: 'why' }, (x.explanation || []).map(e => h('li', {}, zhDates(e.text || e.condition)))));
  });
  return h('section', { class: 'card' }, h('h2', {}, '我的政策'),
    h('p', { class: 'summary' }, `已发布条款 ${m.clauses} 条：可申报 ${m.eligible} 条，可能符合 ${m.unknown} 条（缺少资料）。可申报合计约 `,
      moneyNode(total)),
    items.length ? items : h('p', { class: 'loading' }, '暂无匹配的政策条款'));
}

async function showDetail(uscc) {
  app.replaceChildren(h('p', { class: 'loading' }, '正在加载…'));
  const [r, mr, defs] = await Promise.all([api('/api/enterprises/' + encodeURIComponent(uscc)),
    api('/api/enterprises/' + encodeURIComponent(uscc) + '/matches'), fields()]);
  const back = h('a', { class: 'back', href: '#/' }, '← 返回企业查询');
  if (!r.ok) { app.replaceChildren(back, errorBox(r.body, '加载失败')); return; }
  const p = r.body; const fs = p.fields || {};
  const own = [], derived = [];
  for (const d of defs) {
    const f = fs[d.key];
    if (d.key === 'size') continue;
    const row = [h('div', { class: 'k' }, d.label + (d.unit && !['元'].includes(d.unit) ? `（${d.unit}）` : '')),
      h('div', { class: 'v' }, f ? valueNode(f) : h('span', { class: 'missing' }, '未填写'),
        f && f.explain ? h('span', { class: 'explain' }, zhDates(f.explain)) : null)];
    (d.derived ? derived : own).push(...row);
  }
  const size = fs.size || {};
  const years = p.history ? Object.keys(p.history).sort().reverse() : [];
  app.replaceChildren(back,
    h('section', { class: 'card' }, h('h2', {}, p.name || p.uscc),
      h('p', { class: 'mono' }, p.uscc, p.fiscal_year ? `　· 数据年度 ${p.fiscal_year}` : ''),
      h('p', {}, h('a', { class: 'btn', href: 'mine.html?uscc=' + encodeURIComponent(p.uscc) }, '我的政策 · 政策计算器')),
      h('div', { class: 'size-box' }, h('span', { class: 'big' }, size.value || '未能划型'),
        h('span', {}, '依据《统计上大中小微型企业划分办法（2017）》'),
        size.explain ? h('div', { class: 'explain' }, zhDates(size.explain)) : null),
      h('h3', {}, '基本信息'), h('div', { class: 'kv' }, own),
      h('h3', {}, '派生指标（系统计算）'), h('div', { class: 'kv' }, derived),
      years.length ? [h('h3', {}, '往年数据'), h('div', { class: 'table-wrap' }, historyTable(p.history, years, defs))] : null),
    mr.ok ? matchesCard(mr.body) : null);
}

function historyTable(history, years, defs) {
  const keys = defs.filter(d => d.yearly && years.some(y => history[y][d.key] !== undefined));
  return h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, '年度'), keys.map(d => h('th', {}, d.label)))),
    h('tbody', {}, years.map(y => h('tr', {}, h('td', {}, y), keys.map(d => {
      const v = history[y][d.key];
      return h('td', {}, v === undefined ? '—' : d.type === 'money' ? moneyNode(v) : String(v));
    })))));
}

// ---- 新增企业: a form generated from the dictionary ----

function fieldInput(d, tree) {
  const name = d.key;
  switch (d.type) {
    case 'enum':
      return h('select', { name }, h('option', { value: '' }, '请选择'), (d.values || []).map(v => h('option', { value: v }, v)));
    case 'set':
      return h('div', { class: 'checks check-grid' }, (d.values || []).map(v => h('label', {}, h('input', { type: 'checkbox', name, value: v }), v)));
    case 'bool':
      return h('select', { name }, h('option', { value: '' }, '未知'), h('option', { value: 'true' }, '是'), h('option', { value: 'false' }, '否'));
    case 'date':
      return h('input', { type: 'date', name });
    case 'int':
      return h('input', { type: 'number', name, min: '0', step: '1', inputmode: 'numeric' });
    case 'money':
      return h('input', { type: 'text', name, placeholder: '如 2000万元、1.5亿、300,000元' });
    case 'region': {
      const listId = 'regions-list';
      const opts = [];
      for (const c of tree.children || []) {
        opts.push(h('option', { value: c.name }));
        for (const t of c.children || []) opts.push(h('option', { value: c.name + t.name }));
      }
      return [h('input', { type: 'text', name, list: listId + name, placeholder: '区市或街道，如 崂山区 / 西海岸新区' }),
        h('datalist', { id: listId + name }, opts)];
    }
    case 'industry':
      return industryInput(name, '', 'GB/T 4754 代码或名称，如 C3911');
    default:
      return h('input', { type: 'text', name, autocomplete: 'off' });
  }
}

function collect(form, defs) {
  const body = {};
  for (const d of defs) {
    if (d.type === 'set') {
      const vals = [...form.querySelectorAll(`input[name="${d.key}"]:checked`)].map(x => x.value);
      if (vals.length) body[d.key] = vals;
      continue;
    }
    const el = form.elements[d.key];
    if (!el || el.value.trim() === '') continue;
    const v = el.value.trim();
    if (d.type === 'bool') body[d.key] = v === 'true';
    else if (d.type === 'int' && /^-?\d+$/.test(v)) body[d.key] = parseInt(v, 10);
    else body[d.key] = v;
  }
  const fy = form.elements.fiscal_year && form.elements.fiscal_year.value.trim();
  if (fy) body.fiscal_year = parseInt(fy, 10);
  return body;
}

async function showNew() {
  const [defs, tree] = await Promise.all([fields(), regions()]);
  const own = defs.filter(d => !d.derived);
  const status = h('div', {});
  const boxes = {};
  const form = h('form', { class: 'form', novalidate: true },
    own.map(d => {
      const err = h('div', { class: 'field-error', 'aria-live': 'polite' });
      const wrap = h('div', { class: d.type === 'set' ? 'wide' : '' },
        h('label', { class: 'f' }, h('span', {}, d.label + (d.key === 'uscc' || d.key === 'name' ? ' *' : '') + (d.yearly ? '（数据年度）' : '')),
          fieldInput(d, tree)),
        d.doc ? h('div', { class: 'hint' }, d.doc) : null, err);
      boxes[d.key] = { wrap, err };
      return wrap;
    }),
    h('label', { class: 'f' }, h('span', {}, '数据年度'), h('input', { type: 'number', name: 'fiscal_year', min: '1990', max: '2100', placeholder: String(new Date().getFullYear() - 1) })),
    h('div', { class: 'wide actions' }, h('button', { class: 'btn', type: 'submit' }, '保存'),
      h('button', { class: 'btn plain', type: 'reset' }, '清空')));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    for (const b of Object.values(boxes)) { b.err.replaceChildren(); b.wrap.classList.remove('has-error'); }
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    const r = await api('/api/enterprises', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(collect(form, own)) });
    button.disabled = false;
    if (r.ok) {
      status.replaceChildren(h('div', { class: 'ok-box', role: 'status' }, '已保存：',
        h('a', { href: '#/e/' + encodeURIComponent(r.body.uscc) }, r.body.name || r.body.uscc)));
      return;
    }
    const e = r.body && r.body.error;
    status.replaceChildren(errorBox(r.body, '保存失败'));
    for (const fe of (e && e.fields) || (e && e.field ? [e] : [])) {
      const b = boxes[fe.field];
      if (!b) continue;
      b.wrap.classList.add('has-error');
      b.err.replaceChildren(fe.zh);
      b.err.title = fe.en || '';
    }
    status.scrollIntoView({ block: 'nearest' });
  });
  app.replaceChildren(h('section', { class: 'card' }, h('h2', {}, '新增企业'),
    h('p', { class: 'summary' }, '按字典填写；金额可带单位（万元、亿），系统按“分”精确保存。规模、研发占比等派生指标由系统计算。'),
    status, form));
}

// ---- 批量导入: upload a CSV or XLSX file, show what was stored and every rejected row ----

function issuesTable(items) {
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, h('th', {}, '行'), h('th', {}, '列'), h('th', {}, '字段'), h('th', {}, '原因'))),
    h('tbody', {}, items.map(e => h('tr', {},
      h('td', {}, e.row === null ? '表头' : String(e.row)), h('td', {}, e.column || '—'), h('td', {}, e.field || '—'),
      h('td', {}, e.zh, h('span', { class: 'explain' }, ' ' + e.en)))))));
}

function importSummary(d) {
  const n = v => (v === null || v === undefined ? '—' : groupDigits(String(v)));
  return h('div', {},
    h('div', { class: d.rejected ? 'error-box' : 'ok-box', role: 'status' },
      d.dry_run ? '仅检查（未保存）：' : '导入完成：',
      `读取 ${n(d.rows_read)} 行，有效 ${n(d.rows_valid)} 行，保存 ${n(d.stored)} 行（新增 ${n(d.inserted)}，更新 ${n(d.updated)}），拒绝 ${n(d.rejected)} 行`),
    h('p', { class: 'summary' }, `格式 ${d.format}${d.sheet ? ' · 工作表 ' + d.sheet : ''} · 编码 ${d.encoding} · 识别列 ${d.columns_mapped}/${d.columns}` +
      (d.fiscal_year ? ` · 数据年度 ${d.fiscal_year}` : '')),
    d.errors.length ? [h('h3', {}, `错误（共 ${n(d.n_errors)} 处${d.n_errors > d.errors.length ? '，显示前 ' + d.errors.length + ' 处' : ''}）`), issuesTable(d.errors)] : null,
    d.warnings.length ? [h('h3', {}, `提示（共 ${n(d.n_warnings)} 处）`), issuesTable(d.warnings)] : null);
}

function showImport() {
  const result = h('div', {});
  const file = h('input', { type: 'file', accept: '.csv,.xlsx,.txt', id: 'import-file' });
  const dry = h('input', { type: 'checkbox', id: 'import-dry' });
  const button = h('button', { class: 'btn', type: 'button' }, '上传并导入');
  const drop = h('div', { class: 'drop' }, '把 CSV 或 Excel（.xlsx）文件拖到这里，或 ',
    h('label', { for: 'import-file', class: 'btn plain' }, '选择文件'), file);
  file.classList.add('visually-hidden');
  const picked = h('p', { class: 'summary' }, '尚未选择文件');
  let chosen = null;
  function choose(f) { chosen = f; picked.textContent = f ? `已选择：${f.name}（${groupDigits(String(f.size))} 字节）` : '尚未选择文件'; }
  file.addEventListener('change', () => choose(file.files[0] || null));
  drop.addEventListener('dragover', ev => { ev.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', ev => { ev.preventDefault(); drop.classList.remove('over'); choose(ev.dataTransfer.files[0] || null); });
  button.addEventListener('click', async () => {
    if (!chosen) { result.replaceChildren(errorBox(null, '请先选择文件')); return; }
    button.disabled = true;
    result.replaceChildren(h('p', { class: 'loading' }, '正在导入…'));
    const q = new URLSearchParams({ filename: chosen.name });
    if (dry.checked) q.set('dry_run', '1');
    const r = await api('/api/import?' + q.toString(), { method: 'POST', body: chosen });
    button.disabled = false;
    result.replaceChildren(r.ok ? importSummary(r.body) : errorBox(r.body, '导入失败'));
  });
  app.replaceChildren(h('section', { class: 'card' }, h('h2', {}, '批量导入企业'),
    h('p', { class: 'summary' }, '表头可用中文名称、别名或英文键（如“统一社会信用代码”“营业收入”“2024年营业收入”）；金额可带单位。按统一社会信用代码新增或更新；有错的行不保存，并逐行说明原因。',
      ' ', h('a', { href: '/api/import/template' }, '下载 Excel 模板')),
    drop, picked,
    h('div', { class: 'actions' }, h('label', { class: 'checks' }, dry, '只检查，不保存'), button),
    result));
}

// ---- routing (hash based: the server needs no fallback) ----

async function route() {
  const hash = location.hash || '#/';
  const [path, query] = hash.slice(1).split('?');
  const params = new URLSearchParams(query || '');
  let tab = 'list';
  try {
    if (path.startsWith('/e/')) { tab = ''; await showDetail(decodeURIComponent(path.slice(3))); }
    else if (path === '/new') { tab = 'new'; await showNew(); }
    else if (path === '/import') { tab = 'import'; showImport(); }
    else await showList(params);
  } catch (e) {
    app.replaceChildren(errorBox(null, '页面出错：' + e.message));
  }
  if (tab) app.prepend(tabs(tab));
}

// 企业查询 · 新增企业 · 批量导入: the tabs above the enterprise pages.
function tabs(active) {
  return h('nav', { class: 'tabs', 'aria-label': '企业管理' },
    [['list', '企业查询', '#/'], ['new', '新增企业', '#/new'], ['import', '批量导入', '#/import']].map(([k, t, href]) =>
      h('a', { href, class: k === active ? 'active' : null, 'aria-current': k === active ? 'page' : null }, t)));
}

async function health() {
  const r = await api('/api/health');
  const el = document.getElementById('health');
  if (!r.ok) { el.textContent = '服务不可用'; return; }
  const n = r.body.enterprises;
  // the store's key (sqlite, postgres) is a raw word to a reader: name the product properly
  const store = { sqlite: 'SQLite', postgres: 'PostgreSQL', none: '未连接' }[r.body.store] || r.body.store;
  el.textContent = `对接 ${r.body.version} · 数据库 ${store}` + (n === null || n === undefined ? '' : ` · 企业 ${groupDigits(String(n))} 家`);
}

window.addEventListener('hashchange', route);
sessionReady.then(() => { if (requireSignIn()) route(); });
health();
