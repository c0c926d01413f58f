// 政策发布 — the officer's flow: paste a policy, see its clauses highlighted with the extraction and
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

function condText(c) {
  let v = c.value;
  if (Array.isArray(v)) v = v.join('、');
  return `${c.field} ${c.op} ${v}`;
}

// ---- step 1: extract ----

async function extract() {
  const text = document.getElementById('pol-text').value;
  const msg = document.getElementById('pol-extract-msg');
  if (!text.trim()) { msg.textContent = '请先粘贴政策原文'; return; }
  msg.textContent = '正在解析…';
  const r = await api('/api/policies/extract', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text }) });
  work.replaceChildren();
  if (!r.ok) { msg.textContent = ''; work.append(errorBox(r.body, '解析失败')); return; }
  msg.textContent = `共识别 ${r.body.n_clauses} 条条款`;
  state.text = r.body.text; state.policyId = null; state.saved = null;
  state.clauses = r.body.clauses.map((c, i) => ({ ...c, use: c.benefits.length > 0 || c.conditions.length > 0, idx: i }));
  renderEditor();
}

function firstLine(text) {
  return (text.split('\n').map(s => s.trim()).find(s => s) || '未命名政策').slice(0, 80);
}

function renderEditor() {
  const dept = (state.clauses.find(c => c.department) || {}).department || '';
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
    h('div', { class: 'pol-grid' }, source, h('div', {}, list)),
    h('div', { class: 'actions' }, save, h('span', { id: 'pol-save-msg', class: 'summary' }))),
  h('div', { id: 'pol-after' }));
}

function clauseCard(c) {
  const prev = h('div', { class: 'preview', 'aria-live': 'polite' });
  const rule = h('textarea', { class: 'rule', rows: '3', 'aria-label': `第 ${c.seq} 条的规则`, value: c.rule });
  const title = h('input', { type: 'text', class: 'title-in', 'aria-label': `第 ${c.seq} 条标题`, value: (c.subject || c.text).slice(0, 40) });
  const use = h('input', { type: 'checkbox' }); use.checked = c.use;
  const card = h('div', { class: 'pol-clause' + (c.use ? '' : ' off'), id: 'cl-' + c.idx },
    h('div', { class: 'actions' }, h('label', {}, use, ` 第 ${c.seq} 条 纳入匹配`)),
    title,
    h('div', { class: 'explain' }, '适用对象：', c.subject || '—'),
    c.conditions.length ? h('div', { class: 'explain' }, '条件：', c.conditions.map(condText).join('；')) : null,
    c.benefits.length ? h('div', { class: 'explain' }, '奖补：', c.benefits.map(benefitText).join('；')) : null,
    c.deadline ? h('div', { class: 'explain' }, '期限：', c.deadline) : null,
    c.department || c.contact ? h('div', { class: 'explain' }, [c.department, c.contact].filter(Boolean).join(' ')) : null,
    c.rule_notes && c.rule_notes.length ? h('ul', { class: 'notes' }, c.rule_notes.map(n => h('li', {}, n))) : null,
    rule, prev);
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
    prev.replaceChildren(r.ok ? h('span', {}, counts(r.body.counts), h('span', { class: 'summary' }, ` / 共 ${r.body.enterprises_total} 家`)) : errorBox(r.body, '规则有误'));
  };
  rule.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(check, 300); });
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
    clauses: chosen.map(c => ({ title: c.titleInput.value.trim(), text: c.text, rule: c.ruleInput.value,
      kind: (c.benefits[0] || {}).kind || null }))
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

async function clauseResult(c) {
  const box = h('div', { class: 'pol-clause' }, h('h3', {}, `第 ${c.seq} 条 ${c.title}`));
  const [pv, el] = await Promise.all([
    postJSON('/api/match/preview', { rule: c.rule }),
    api(`/api/clauses/${c.id}/enterprises?status=eligible&page_size=20`)]);
  if (!pv.ok) { box.append(errorBox(pv.body)); return box; }
  box.append(h('div', {}, counts(pv.body.counts)));
  const byD = new Map();
  for (const st of ['eligible', 'unknown']) {
    for (const d of (pv.body[st] && pv.body[st].by_district) || []) {
      const row = byD.get(d.name) || { eligible: 0, unknown: 0 };
      row[st] = d.count; byD.set(d.name, row);
    }
  }
  if (byD.size) {
    box.append(h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', {}, '区（市）'), h('th', {}, '符合'), h('th', {}, '待补充信息'))),
      h('tbody', {}, [...byD.entries()].map(([name, v]) => h('tr', {}, h('td', {}, name), h('td', {}, String(v.eligible)), h('td', {}, String(v.unknown))))))));
  }
  if (pv.body.nearly && pv.body.nearly.length) {
    box.append(h('p', { class: 'summary' }, '差一项即符合：', pv.body.nearly.map(n => `${n.condition}（${n.count} 家）`).join('；')));
  }
  if (!el.ok) { box.append(errorBox(el.body)); return box; }
  box.append(h('h3', {}, `符合的企业（前 ${el.body.enterprises.length} 家，共 ${el.body.total} 家）`));
  box.append(h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, h('th', {}, '统一社会信用代码'), h('th', {}, '企业名称'), h('th', { class: 'hide-sm' }, '区（市）'), h('th', {}, '可获金额'))),
    h('tbody', {}, el.body.enterprises.map(e => h('tr', {},
      h('td', { class: 'mono' }, h('a', { href: 'index.html#/e/' + encodeURIComponent(e.uscc) }, e.uscc)),
      h('td', {}, e.name || ''), h('td', { class: 'hide-sm' }, e.region || ''),
      h('td', {}, e.award_fen != null ? moneyNode(e.award_fen) : '—')))))));
  return box;
}

document.getElementById('pol-extract').addEventListener('click', extract);
