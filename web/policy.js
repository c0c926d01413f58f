// 政策发布 — the officer's flow: paste (or upload) a policy, see its clauses highlighted with the extraction and
// an editable rule beside each (validated live against the whole enterprise base), save a draft,
// publish, then see who qualifies and how much each could get. Server text goes through
// textContent only. Money arrives as integer fen and is formatted with BigInt, never floats.
'use strict';

// Amounts inside the extraction are yuan (may be fractional only for rates); show as given.
function yuanAmount(y) {
  if (typeof y !== 'number') return '';
  return Number.isInteger(y) ? wanText(BigInt(y) * 100n) : String(y) + ' 元';
}

function counts(c) {
  return h('span', {},
    h('span', { class: 'count eligible' }, '符合 ', h('b', {}, String(c.eligible ?? 0))),
    h('span', { class: 'count unknown' }, '待补充信息 ', h('b', {}, String(c.unknown ?? 0))),
    h('span', { class: 'count nearly' }, '差一项 ', h('b', {}, String(c.nearly ?? 0))));
}

// ---- the rule editor: a textarea over a highlighted copy of its text ----
// The highlighting is for the eye only; the server's compiler decides, and its error (line, col)
// is marked in place while typing.

const RULE_KW = {
  logic: ['且', '并且', '而且', '同时', 'and', '或', '或者', 'or', '非', 'not', '&&', '||'],
  op: ['不属于', '属于', '位于', 'in', '不包含', '不具有', '包含', '具有', '拥有', 'has', 'contains', '任一', '任意', 'any',
    '及以上', '以上', '及以下', '以下', '不低于', '不少于', '不小于', '达到', '高于', '大于', '超过', '多于', '不超过',
    '不高于', '不多于', '不大于', '低于', '小于', '少于', '不等于', '等于', '>=', '<=', '!=', '<>', '==', '≥', '≤', '≠', '>', '<', '='],
  award: ['奖励', '补助', '资助', '奖补', 'award', '最高', '封顶', '上限', 'cap', 'min', 'max', '较小值', '较大值', '分档', 'tier',
    '分别', 'choose', '否则', '其他', '其余', 'else', '版本', 'version', '生效', '自', 'from', '至', '到', 'to', 'until']
};
const ruleWords = { fields: [] };
const KW_LIST = Object.entries(RULE_KW).flatMap(([cls, ws]) => ws.map((w) => [w, 'kw-' + cls]))
  .sort((a, b) => b[0].length - a[0].length);

async function loadFieldNames() {
  const r = await api('/api/fields');
  if (!r.ok) return;
  const names = [];
  for (const f of r.body.fields) names.push(f.key, f.label, ...(f.aliases || []));
  ruleWords.fields = names.filter(Boolean).sort((a, b) => b.length - a.length);
}

// Tokens of a rule's text as [text, class] (class '' for plain), covering the whole text.
function ruleTokens(src) {
  const out = [];
  let i = 0;
  const isWord = (c) => /[A-Za-z0-9_.]/.test(c || '');
  while (i < src.length) {
    const c = src[i];
    let m;
    if (c === '#') { const e = src.indexOf('\n', i); const j = e < 0 ? src.length : e; out.push([src.slice(i, j), 'tok-comment']); i = j; continue; }
    if (c === '"' || c === '“') {
      const close = c === '"' ? '"' : '”'; const e = src.indexOf(close, i + 1); const j = e < 0 ? src.length : e + 1;
      out.push([src.slice(i, j), 'tok-str']); i = j; continue;
    }
    if ((m = /^[0-9０-９][0-9０-９,.]*(?:\s*(?:万元|亿元|千元|元|万|亿|%|％|人|年|项|个|天|月))?/.exec(src.slice(i)))) {
      out.push([m[0], 'tok-num']); i += m[0].length; continue;
    }
    let hit = null;
    for (const [w, cls] of KW_LIST) {
      if (src.startsWith(w, i) && !(/^[A-Za-z]/.test(w) && (isWord(src[i - 1]) || isWord(src[i + w.length])))) { hit = [w, cls]; break; }
    }
    if (!hit) {
      for (const f of ruleWords.fields) {
        if (src.startsWith(f, i) && !(/^[A-Za-z]/.test(f) && (isWord(src[i - 1]) || isWord(src[i + f.length])))) { hit = [f, 'tok-field']; break; }
      }
    }
    if (hit) { out.push(hit); i += hit[0].length; continue; }
    if (out.length && out[out.length - 1][1] === '') out[out.length - 1][0] += c; else out.push([c, '']);
    i++;
  }
  return out;
}

function ruleEditor(value, label) {
  const hl = h('pre', { class: 'rule-hl', 'aria-hidden': 'true' });
  const ta = h('textarea', { class: 'rule rule-in', rows: '3', spellcheck: 'false', 'aria-label': label, value });
  const wrap = h('div', { class: 'rule-ed' }, hl, ta);
  let err = null; // {line, col}
  function render() {
    const src = ta.value;
    let errAt = -1;
    if (err) {
      const lines = src.split('\n');
      errAt = 0;
      for (let k = 0; k < err.line - 1 && k < lines.length; k++) errAt += lines[k].length + 1;
      errAt += Math.max(0, err.col - 1);
    }
    const nodes = [];
    let pos = 0;
    for (const [text, cls] of ruleTokens(src)) {
      if (errAt >= pos && errAt < pos + text.length) {
        const k = errAt - pos;
        if (k) nodes.push(cls ? h('span', { class: cls }, text.slice(0, k)) : text.slice(0, k));
        nodes.push(h('span', { class: 'tok-err ' + cls }, text.slice(k)));
      } else {
        nodes.push(cls ? h('span', { class: cls }, text) : text);
      }
      pos += text.length;
    }
    if (errAt >= src.length) nodes.push(h('span', { class: 'tok-err at-end' }, ' '));
    nodes.push('\n'); // keeps the last (possibly empty) line's height
    hl.replaceChildren(...nodes);
  }
  ta.addEventListener('input', () => { err = null; render(); });
  ta.addEventListener('scroll', () => { hl.scrollTop = ta.scrollTop; });
  wrap.setError = (e) => { err = e && e.line ? { line: e.line, col: e.col || 1 } : null; render(); };
  wrap.textarea = ta;
  render();
  wrap.render = render;
  return wrap;
}

// ---- live distribution of the clause being edited (charts.js, numbers one click away) ----

const live = { panel: null, title: null, charts: null, idx: -1 };

function livePanel() {
  live.title = h('p', { class: 'summary', id: 'live-title' }, '编辑任一条款的规则时，这里实时显示全市符合与待补充信息企业的分布。');
  const empty = { categories: [], series: [{ name: '符合', data: [] }, { name: '待补充信息', data: [] }] };
  live.charts = {
    district: chartPanel({ title: '按区（市）', kind: 'bar', stack: true, categoryLabel: '区（市）', unit: '家', ...empty }),
    section: chartPanel({ title: '按行业门类', kind: 'hbar', stack: true, categoryLabel: '行业门类', unit: '家', ...empty }),
    size: chartPanel({ title: '按企业规模', kind: 'bar', stack: true, categoryLabel: '规模', unit: '家', ...empty })
  };
  live.panel = h('section', { class: 'live', id: 'live' }, h('h3', {}, '实时分布'), live.title,
    h('div', { class: 'chart-stack' }, live.charts.district, live.charts.section, live.charts.size));
  return live.panel;
}

function breakdown(body, key) {
  const names = [], el = new Map(), un = new Map();
  for (const [st, map] of [['eligible', el], ['unknown', un]]) {
    for (const d of (body[st] && body[st][key]) || []) {
      const n = d.name || d.size || d.code || '未知';
      if (!names.includes(n)) names.push(n);
      map.set(n, d.count);
    }
  }
  return { categories: names, series: [{ name: '符合', data: names.map((n) => el.get(n) || 0) }, { name: '待补充信息', data: names.map((n) => un.get(n) || 0) }] };
}

function showLive(c, body) {
  if (!live.panel) return;
  live.idx = c.idx;
  live.title.textContent = `第 ${c.seq} 条：符合 ${body.counts.eligible} 家，待补充信息 ${body.counts.unknown} 家，差一项 ${body.counts.nearly} 家（共 ${body.enterprises_total} 家）`;
  live.charts.district.update({ title: '按区（市）', kind: 'bar', stack: true, categoryLabel: '区（市）', unit: '家', ...breakdown(body, 'by_district') });
  live.charts.section.update({ title: '按行业门类', kind: 'hbar', stack: true, categoryLabel: '行业门类', unit: '家', ...breakdown(body, 'by_section') });
  live.charts.size.update({ title: '按企业规模', kind: 'bar', stack: true, categoryLabel: '规模', unit: '家', ...breakdown(body, 'by_size') });
}

// ---- state ----

const state = { text: '', clauses: [], policyId: null, saved: null };
const work = document.getElementById('pol-work');

function benefitText(b) {
  const parts = [b.kind || '奖补'];
  if (b.rate != null) parts.push(`按${b.basis || '基数'}的 ${(b.rate * 100).toFixed(2).replace(/\.?0+$/, '')}%`);
  if (b.min != null && b.max != null && b.min !== b.max) parts.push(yuanAmount(b.min) + '–' + yuanAmount(b.max));
  else if (b.max != null) parts.push(yuanAmount(b.max));
  if (b.cap != null) parts.push('最高 ' + yuanAmount(b.cap));
  if (b.per) parts.push(b.per);
  return parts.join('，');
}

// A condition as the officer reads it: the dictionary field and the words of the policy.
function condText(c) {
  if (c.text) return `${c.field}：${c.text}`;
  let v = c.value;
  if (Array.isArray(v)) v = v.join('、');
  return `${c.field} ${c.op} ${v}`;
}
// The proposed rule's comment lines carry the same notes ("# 需人工确认 / for the officer: …"):
// shown in Chinese too; comments do not change what the rule matches.
function zhComments(rule) {
  return String(rule || '').split('\n').map((line) => (/^\s*#/.test(line) ? zhOnly(line) : line)).join('\n');
}

// ---- step 1: extract ----

async function extract() {
  const text = document.getElementById('pol-text').value;
  const msg = document.getElementById('pol-extract-msg');
  if (!text.trim()) { msg.textContent = '请先粘贴政策原文'; return; }
  msg.textContent = '正在解析…';
  const r = await api('/api/policies/extract', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text }) });
  await showExtraction(r, msg, '');
}

// ---- step 1, from a file: the server converts Word / text (UTF-8 or GB18030) / HTML to text,
// which goes into the text box, then the extraction shows exactly as after pasting ----

const UPLOAD_MAX = 8 << 20; // the route's body limit (src/http/api_policy.c)

async function uploadFile() {
  const input = document.getElementById('pol-file');
  const file = input.files && input.files[0];
  input.value = ''; // choosing the same file again still uploads it
  if (!file) return;
  const msg = document.getElementById('pol-extract-msg');
  if (file.size > UPLOAD_MAX) {
    msg.textContent = '';
    work.replaceChildren(errorBox({ error: { zh: `文件“${file.name}”超过 8 MB，请删去附件或分开上传`, en: 'file over 8 MiB' } }));
    return;
  }
  msg.textContent = `正在读取“${file.name}”…`;
  const r = await api('/api/policies/extract?filename=' + encodeURIComponent(file.name), {
    method: 'POST', headers: { 'Content-Type': file.type || 'application/octet-stream' }, body: file });
  if (r.ok) document.getElementById('pol-text').value = r.body.text;
  await showExtraction(r, msg, `已读取“${file.name}”，`);
}

async function showExtraction(r, msg, prefix) {
  work.replaceChildren();
  if (!r.ok) { msg.textContent = ''; work.append(errorBox(r.body, '解析失败')); return; }
  msg.textContent = `${prefix}共识别 ${r.body.n_clauses} 条条款`;
  state.text = r.body.text; state.policyId = null; state.saved = null;
  state.clauses = r.body.clauses.map((c, i) => ({ ...c, use: c.benefits.length > 0 || c.conditions.length > 0, idx: i }));
  live.idx = -1;
  await fieldsReady;
  renderEditor();
}

function firstLine(text) {
  return (text.split('\n').map(s => s.trim()).find(s => s) || '未命名政策').slice(0, 80);
}

function renderEditor() {
  // an officer publishes for its own department (the server holds it to that)
  const mine = session.me && session.me.role === 'officer' && session.me.scope && session.me.scope.dept;
  const dept = mine || (state.clauses.find(c => c.department) || {}).department || '';
  const fields = h('div', { class: 'pol-fields' },
    h('label', {}, '政策名称', h('input', { type: 'text', id: 'pf-title', value: firstLine(state.text) })),
    h('label', {}, '文号', h('input', { type: 'text', id: 'pf-docno', placeholder: '青科规〔2025〕3号' })),
    h('label', {}, '发布部门', h('input', { type: 'text', id: 'pf-dept', value: dept })),
    h('label', {}, '申报截止', h('input', { type: 'date', id: 'pf-deadline' })));
  const source = h('div', { class: 'card pol-source', 'aria-label': '政策原文（条款高亮）' });
  let pos = 0;
  const sorted = [...state.clauses].sort((a, b) => a.start16 - b.start16);
  for (const c of sorted) {
    if (c.start16 < pos) continue;
    source.append(state.text.slice(pos, c.start16));
    const m = h('mark', { id: 'src-' + c.idx, class: c.use ? '' : 'off', title: '第 ' + c.seq + ' 条，点击定位',
      onclick: () => document.getElementById('cl-' + c.idx).scrollIntoView({ behavior: 'smooth', block: 'center' }) },
    h('sup', {}, String(c.seq)), state.text.slice(c.start16, c.end16));
    source.append(m);
    pos = c.end16;
  }
  source.append(state.text.slice(pos));
  const list = h('div', {});
  for (const c of state.clauses) list.append(clauseCard(c));
  const save = h('button', { class: 'btn', type: 'button', onclick: saveDraft }, '保存草稿');
  work.append(h('section', { class: 'card' }, h('h2', {}, '二、核对条款与规则'), fields,
    h('p', { class: 'summary' }, '左侧为原文，黄色为识别出的条款；右侧逐条核对适用对象、条件和金额，修改规则时实时显示全市符合的企业数。不需要匹配的条款（如施行日期）取消勾选即可。'),
    h('div', { class: 'pol-grid' }, h('div', { class: 'pol-left' }, source, livePanel()), h('div', {}, list)),
    h('div', { class: 'actions' }, save, h('span', { id: 'pol-save-msg', class: 'summary' }))),
  h('div', { id: 'pol-after' }));
}

function clauseCard(c) {
  const prev = h('div', { class: 'preview', 'aria-live': 'polite' });
  const editor = ruleEditor(zhComments(c.rule), `第 ${c.seq} 条的规则`);
  const rule = editor.textarea;
  const kinds = ['奖励', '补助', '补贴', '奖补', '贴息', '津贴', '其他'];
  const kind0 = (c.benefits[0] || {}).kind || '';
  const kind = h('select', { class: 'kind-in', 'aria-label': `第 ${c.seq} 条类别` }, h('option', { value: '' }, '类别'),
    kinds.map((k) => h('option', { value: k, selected: k === kind0 }, k)));
  c.kindInput = kind;
  // a one-line title that wraps instead of being cut at the box's edge (a phone showed 16 of its
  // 40 characters); Enter does not break it, the saved title is one line
  const title = h('textarea', { class: 'title-in', rows: '1', 'aria-label': `第 ${c.seq} 条标题`, value: (c.subject || c.text).slice(0, 40) });
  title.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') ev.preventDefault(); });
  const use = h('input', { type: 'checkbox' }); use.checked = c.use;
  const card = h('div', { class: 'pol-clause' + (c.use ? '' : ' off'), id: 'cl-' + c.idx },
    h('div', { class: 'actions' }, h('label', {}, use, ` 第 ${c.seq} 条 纳入匹配`), kind),
    title,
    h('div', { class: 'explain' }, '适用对象：', c.subject || '—'),
    c.conditions.length ? h('div', { class: 'explain' }, '条件：', c.conditions.map(condText).join('；')) : null,
    c.benefits.length ? h('div', { class: 'explain' }, '奖补：', c.benefits.map(benefitText).join('；')) : null,
    c.deadline ? h('div', { class: 'explain' }, '期限：', c.deadline) : null,
    c.department || c.contact ? h('div', { class: 'explain' }, [c.department, c.contact].filter(Boolean).join(' ')) : null,
    c.rule_notes && c.rule_notes.length ? h('ul', { class: 'notes' }, c.rule_notes.map(n => h('li', {}, zhOnly(n)))) : null,
    h('div', { class: 'rule-label summary' }, '匹配规则（可编辑，输入时即时检查）'), editor, prev);
  c.titleInput = title; c.ruleInput = rule;
  use.addEventListener('change', () => {
    c.use = use.checked;
    card.classList.toggle('off', !c.use);
    document.getElementById('src-' + c.idx)?.classList.toggle('off', !c.use);
  });
  card.addEventListener('focusin', () => document.getElementById('src-' + c.idx)?.classList.add('focus'));
  card.addEventListener('focusout', () => document.getElementById('src-' + c.idx)?.classList.remove('focus'));
  let timer = null, seq = 0;
  const check = async () => {
    const mine = ++seq;
    prev.replaceChildren(h('span', { class: 'loading' }, '计算中…'));
    const r = await postJSON('/api/match/preview', { rule: rule.value });
    if (mine !== seq) return; // a newer keystroke answered first
    prev.replaceChildren(r.ok ? h('span', {}, counts(r.body.counts), h('span', { class: 'summary count-total' }, ` / 共 ${r.body.enterprises_total} 家`)) : errorBox(r.body, '规则有误'));
    editor.setError(r.ok ? null : r.body && r.body.error);
    card.classList.toggle('has-error', !r.ok);
    if (r.ok && (live.idx === c.idx || live.idx < 0 || document.activeElement === rule)) showLive(c, r.body);
  };
  rule.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(check, 250); });
  rule.addEventListener('focus', () => { if (live.idx !== c.idx) { live.idx = c.idx; check(); } });
  if (c.use) check();
  return card;
}

// ---- step 2: save, step 3: publish ----

async function saveDraft() {
  const msg = document.getElementById('pol-save-msg');
  const chosen = state.clauses.filter(c => c.use);
  if (!chosen.length) { msg.textContent = '请至少勾选一条条款'; return; }
  const body = {
    title: document.getElementById('pf-title').value.trim(),
    doc_no: document.getElementById('pf-docno').value.trim(),
    department: document.getElementById('pf-dept').value.trim(),
    deadline: document.getElementById('pf-deadline').value,
    source: state.text,
    clauses: chosen.map(c => ({ title: c.titleInput.value.replace(/\s*\n\s*/g, '').trim(), text: c.text, rule: c.ruleInput.value,
      kind: c.kindInput.value || null }))
  };
  const after = document.getElementById('pol-after');
  const r = await postJSON('/api/policies', body);
  after.replaceChildren();
  if (!r.ok) {
    msg.textContent = '';
    after.append(errorBox(r.body, '保存失败'));
    const k = r.body && r.body.error && r.body.error.clause;
    if (k && chosen[k - 1]) { chosen[k - 1].ruleInput.focus(); chosen[k - 1].ruleInput.scrollIntoView({ block: 'center' }); }
    return;
  }
  state.policyId = r.body.id; state.saved = r.body;
  msg.textContent = `已保存草稿（编号 ${r.body.id}，${r.body.clauses.length} 条条款）。草稿不参与匹配，发布后立即生效。`;
  const pub = h('button', { class: 'btn', type: 'button', onclick: () => publish(pub) }, '发布');
  after.append(h('section', { class: 'card' }, h('h2', {}, '三、发布'),
    h('p', { class: 'summary' }, `《${r.body.title}》 状态：草稿`), h('div', { class: 'actions' }, pub)));
}

async function publish(btn) {
  btn.disabled = true;
  const r = await api(`/api/policies/${state.policyId}/publish`, { method: 'POST' });
  const after = document.getElementById('pol-after');
  if (!r.ok) { btn.disabled = false; after.append(errorBox(r.body, '发布失败')); return; }
  const panel = h('section', { class: 'card' }, h('h2', {}, '四、发布结果：哪些企业符合'),
    h('div', { class: 'ok-box' }, `《${r.body.title}》已发布，${r.body.clauses.length} 条条款已进入匹配。`));
  after.replaceChildren(panel);
  for (const c of r.body.clauses) panel.append(await clauseResult(c));
}

const PUSH_STATUS = { eligible: '符合', unknown: '待补充信息', nearly: '差一项' };

async function clauseResult(c) {
  const box = h('div', { class: 'pol-clause' }, h('h3', {}, `第 ${c.seq} 条 ${c.title}`));
  const pv = await postJSON('/api/match/preview', { rule: c.rule });
  if (!pv.ok) { box.append(errorBox(pv.body)); return box; }
  box.append(h('div', {}, counts(pv.body.counts)));
  if (pv.body.nearly && pv.body.nearly.length) {
    box.append(h('p', { class: 'summary' }, '差一项即符合：', pv.body.nearly.map(n => `${n.text || n.condition}（${n.count} 家）`).join('；')));
  }
  const status = h('select', { 'aria-label': '推送名单' }, Object.entries(PUSH_STATUS).map(([k, t]) => h('option', { value: k }, t + '的企业')));
  const exp = h('a', { class: 'btn plain', download: '' }, '导出 Excel');
  const csv = h('a', { class: 'btn plain', download: '' }, 'CSV');
  const links = () => {
    const q = `/api/clauses/${c.id}/enterprises?status=${status.value}&format=`;
    exp.href = q + 'xlsx';
    csv.href = q + 'csv';
  };
  links();
  const list = h('div', {});
  box.append(h('div', { class: 'actions push-actions' }, h('strong', {}, '推送名单'), status, exp, csv), list);
  async function show() {
    list.replaceChildren(h('p', { class: 'loading' }, '正在加载…'));
    const el = await api(`/api/clauses/${c.id}/enterprises?status=${status.value}&page_size=20`);
    if (!el.ok) { list.replaceChildren(errorBox(el.body)); return; }
    list.replaceChildren(h('p', { class: 'summary' }, `${PUSH_STATUS[status.value]}的企业共 ${el.body.total} 家，显示前 ${el.body.enterprises.length} 家`),
      h('div', { class: 'table-wrap' }, h('table', {},
        // the firm's name (its code beneath) in one column: a phone had the 18-character code and
        // the name each broken over three lines; the place is the registered town, not a 区（市）
        h('thead', {}, h('tr', {}, h('th', {}, '企业'), h('th', { class: 'hide-sm' }, '注册地'),
          status.value === 'nearly' ? h('th', {}, '未满足') : h('th', {}, '可获金额'))),
        h('tbody', {}, el.body.enterprises.map(e => h('tr', {},
          h('td', {}, h('a', { href: 'index.html#/e/' + encodeURIComponent(e.uscc) }, e.name || e.uscc), h('div', { class: 'mono summary' }, e.uscc)),
          h('td', { class: 'hide-sm' }, e.region || ''),
          status.value === 'nearly' ? h('td', {}, e.failing || '') : h('td', {}, e.award_fen != null ? moneyNode(e.award_fen) : '—')))))));
  }
  status.addEventListener('change', () => { links(); show(); });
  await show();
  return box;
}

sessionReady.then(requireSignIn);
const fieldsReady = loadFieldNames();
document.getElementById('pol-extract').addEventListener('click', extract);
document.getElementById('pol-upload').addEventListener('click', () => document.getElementById('pol-file').click());
document.getElementById('pol-file').addEventListener('change', uploadFile);
