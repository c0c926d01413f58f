// 我的政策 (企业端): the clauses an enterprise qualifies for, might qualify for (what is missing, with
// a button to fill it in) and nearly qualifies for (which condition fails); the total it could
// receive; and the 政策计算器: change a value and watch the results, amounts and derived fields
// (why 小型企业) update. Backed by POST /api/enterprises/{uscc}/matches, which evaluates the stored
// profile with the values changed and stores nothing. A missing value's 填写 opens the field with a
// 保存 button that writes it to the enterprise's own profile (GET the stored profile, change that one
// value, POST /api/enterprises: the endpoint stores a whole profile), then the groups refresh.
// Server text only through text nodes.
'use strict';

const root = document.getElementById('mine');
const CALC_DEFAULT = ['rd_expense', 'revenue', 'employees', 'rd_staff', 'qualifications'];
const st = { uscc: '', defs: [], byKey: new Map(), byLabel: new Map(), base: null, changes: {}, shown: [], seq: 0, timer: 0 };

function sizeTag(size) {
  const i = ['大型', '中型', '小型', '微型'].indexOf(size);
  return h('span', { class: 'tag ' + (i >= 0 ? 'size-' + i : 'none') }, i >= 0 ? size : '未划型');
}

// A stored value as a person would type it back: money in 万元, sets as lists.
function inputText(f) {
  if (!f || f.value === null || f.value === undefined) return '';
  if (f.type === 'money') return wanText(f.value).replace(/[ ,]/g, '');
  if (f.type === 'region' || f.type === 'industry') return f.value.name || '';
  if (typeof f.value === 'object') return f.text || '';
  return String(f.value);
}

// ---- the calculator ----

function calcInput(d, current, canSave) {
  const id = 'calc-' + d.key;
  const onChange = (v) => { st.changes[d.key] = v; schedule(); };
  let input;
  if (d.type === 'set') {
    const have = new Set(Array.isArray(current && current.value) ? current.value : []);
    input = h('div', { class: 'checks check-grid', id, role: 'group', 'aria-label': d.label }, (d.values || []).map((v) => {
      const box = h('input', { type: 'checkbox', value: v });
      box.checked = have.has(v);
      box.addEventListener('change', () => onChange([...input.querySelectorAll('input:checked')].map((x) => x.value)));
      return h('label', {}, box, v);
    }));
  } else if (d.type === 'enum' || d.type === 'bool') {
    const vals = d.type === 'bool' ? [['true', '是'], ['false', '否']] : (d.values || []).map((v) => [v, v]);
    const cur = current && current.value !== undefined && current.value !== null ? String(current.value) : '';
    input = h('select', { id }, h('option', { value: '' }, '未填写'), vals.map(([v, t]) => h('option', { value: v, selected: v === cur }, t)));
    input.addEventListener('change', () => onChange(input.value === '' ? null : d.type === 'bool' ? input.value === 'true' : input.value));
  } else {
    input = h('input', { id, type: d.type === 'date' ? 'date' : 'text', value: inputText(current), autocomplete: 'off',
      inputmode: d.type === 'int' ? 'numeric' : null,
      placeholder: d.type === 'money' ? '如 500万元' : d.type === 'int' ? '整数' + (d.unit ? '（' + d.unit + '）' : '') : '' });
    input.addEventListener('input', () => onChange(input.value.trim() === '' ? null : d.type === 'int' && /^\d+$/.test(input.value.trim()) ? parseInt(input.value.trim(), 10) : input.value.trim()));
  }
  const save = canSave ? h('button', { class: 'btn small save-field', type: 'button', onclick: () => saveField(d.key) }, '保存到档案') : null;
  return h('div', { class: 'calc-field' + (canSave ? ' to-save' : ''), 'data-key': d.key },
    d.type === 'set' ? h('span', { class: 'calc-label' }, d.label) : h('label', { class: 'calc-label', for: id }, d.label + (d.unit && d.type !== 'money' ? `（${d.unit}）` : '')),
    save ? h('div', { class: 'calc-save' }, input, save) : input,
    h('div', { class: 'field-error', 'aria-live': 'polite' }));
}

// ---- saving a filled-in value to the enterprise's profile ----

// A stored value (GET /api/enterprises/{uscc}: money in fen, region and industry as objects) as
// POST /api/enterprises reads it back, exactly: money as yuan text with two decimals.
function storedInput(type, v) {
  if (v === null || v === undefined) return null;
  if (type === 'money') {
    let fen = BigInt(v); const neg = fen < 0n; if (neg) fen = -fen;
    return (neg ? '-' : '') + (fen / 100n).toString() + '.' + (fen % 100n).toString().padStart(2, '0');
  }
  if (type === 'region') return String(v.code);
  if (type === 'industry') return v.code;
  return v;
}

function profileBody(p) {
  const body = {};
  for (const [k, f] of Object.entries(p.fields || {})) {
    if (f.derived) continue;
    const v = storedInput(f.type, f.value);
    if (v !== null) body[k] = v;
  }
  if (p.fiscal_year) body.fiscal_year = p.fiscal_year;
  if (p.history) {
    body.history = {};
    for (const [y, vals] of Object.entries(p.history)) {
      body.history[y] = {};
      for (const [k, v] of Object.entries(vals)) body.history[y][k] = storedInput(st.byKey.get(k) ? st.byKey.get(k).type : '', v);
    }
  }
  return body;
}

async function saveField(key) {
  const row = document.querySelector(`#calc-fields [data-key="${key}"]`);
  const err = row && row.querySelector('.field-error');
  const status = document.getElementById('calc-status');
  const v = st.changes[key];
  if (v === undefined || v === null || v === '') {
    if (err) err.replaceChildren('请先填写' + st.byKey.get(key).label);
    return;
  }
  const button = row.querySelector('.save-field');
  button.disabled = true;
  const cur = await api('/api/enterprises/' + encodeURIComponent(st.uscc));
  let r = cur;
  if (cur.ok) {
    const body = profileBody(cur.body);
    body[key] = v;
    r = await postJSON('/api/enterprises', body);
  }
  button.disabled = false;
  if (!r.ok) {
    const fe = ((r.body && r.body.error && r.body.error.fields) || []).find((f) => f.field === key);
    if (err) err.replaceChildren(fe ? fe.zh : errorBox(r.body, '保存失败'));
    return;
  }
  delete st.changes[key];
  const base = await postJSON('/api/enterprises/' + encodeURIComponent(st.uscc) + '/matches', { set: {} });
  if (base.ok) st.base = base.body;
  row.classList.remove('to-save');
  row.classList.add('saved');
  button.remove();
  if (err) err.replaceChildren();
  await evaluate();
  if (status && !Object.keys(st.changes).length) status.textContent = '已保存到企业档案：' + st.byKey.get(key).label;
}

// Who may store a profile (POST /api/enterprises in src/auth/authz.def): the enterprise itself,
// the service network and the administrator; a signed-out server (no sign-in) lets anyone.
const WRITERS = ['enterprise', 'commissioner', 'station', 'centre', 'hub', 'admin'];
function maySave() { return !session.me ? !session.hasAuth : WRITERS.includes(session.me.role); }

// save: the row offers 保存到档案 (a 填写 for a missing value) when the user may store it.
function addCalcField(key, focus, save) {
  save = save && maySave();
  const d = st.byKey.get(key);
  const box = document.getElementById('calc-fields');
  if (!d || !box) return;
  let row = box.querySelector(`[data-key="${key}"]`);
  if (row && save && !row.querySelector('.save-field')) {
    const fresh = calcInput(d, st.base && st.base.profile.fields[key], true);
    row.replaceWith(fresh);
    row = fresh;
  }
  if (!row) {
    row = calcInput(d, st.base && st.base.profile.fields[key], save);
    box.append(row);
  }
  if (focus) {
    row.scrollIntoView({ block: 'center' });
    const el = row.querySelector('input, select');
    if (el) el.focus();
  }
}

function schedule() {
  clearTimeout(st.timer);
  st.timer = setTimeout(evaluate, 250);
}

async function evaluate() {
  const mine = ++st.seq;
  const status = document.getElementById('calc-status');
  if (status) status.textContent = '计算中…';
  const set = {};
  for (const [k, v] of Object.entries(st.changes)) if (v !== null && v !== '') set[k] = v;
  const r = await postJSON('/api/enterprises/' + encodeURIComponent(st.uscc) + '/matches', { set });
  if (mine !== st.seq) return; // a newer change answered first
  for (const e of document.querySelectorAll('#calc-fields .field-error')) e.replaceChildren();
  if (!r.ok) {
    const fields = (r.body && r.body.error && r.body.error.fields) || [];
    for (const f of fields) {
      const box = document.querySelector(`#calc-fields [data-key="${f.field}"] .field-error`);
      if (box) box.replaceChildren(f.zh);
    }
    if (status) status.replaceChildren(errorBox(r.body, '计算失败'));
    return;
  }
  const changed = Object.keys(set).length;
  if (status) status.textContent = changed ? `已按修改后的 ${changed} 项数据试算（未保存）` : '当前为企业档案中的数据';
  renderResults(r.body, changed > 0);
}

// ---- results ----

function clauseItem(m) {
  const why = (m.explanation || []).map((e) => h('li', { class: 'why-' + e.outcome }, zhDates(e.text || e.condition)));
  const meta = [m.deadline ? '申报截止 ' + dateText(m.deadline) : '长期有效'];
  if (m.department) meta.push(m.department);
  const award = m.award_fen !== null && m.award_fen !== undefined ? moneyNode(m.award_fen) : h('span', { class: 'summary' }, '金额以审核为准');
  return h('article', { class: 'clause-item', 'data-clause': String(m.clause_id), 'data-status': m.status },
    h('div', { class: 'match-head' }, h('strong', {}, m.title),
      m.open === false ? h('span', { class: 'tag size-0 closed' }, '已截止') : null,
      m.exempt ? h('span', { class: 'tag size-1', title: '无需申请，符合条件即由财政直接兑付' }, '免申即享') : null,
      h('span', { class: 'match-award' }, award)),
    h('div', { class: 'explain' }, meta.join(' · '), m.contact ? h('span', {}, ' · 咨询电话 ', h('span', { class: 'mono' }, m.contact)) : null),
    m.status === 'nearly' ? h('div', { class: 'failing' }, '未满足：', m.failing || m.failing_condition) : null,
    m.status === 'unknown' && m.missing && m.missing.length ? h('div', { class: 'missing-row' }, '缺少资料：', m.missing.join('、'),
      m.missing.map((label) => st.byLabel.get(label) ? h('button', { class: 'btn plain small', type: 'button',
        onclick: () => addCalcField(st.byLabel.get(label).key, true, true) }, '填写' + label) : null)) : null,
    why.length ? h('details', {}, h('summary', {}, '为什么'), h('ul', { class: 'why' }, why), m.award_text ? h('p', { class: 'explain' }, '金额计算：', m.award_text) : null) : null);
}

function group(title, cls, items, empty, hint) {
  return h('section', { class: 'card group ' + cls }, h('h2', {}, title, h('span', { class: 'count-badge' }, String(items.length))),
    hint ? h('p', { class: 'summary' }, hint) : null,
    items.length ? items.map(clauseItem) : h('p', { class: 'loading' }, empty));
}

function renderResults(d, isWhatIf) {
  const el = d.matches.filter((m) => m.status === 'eligible');
  const un = d.matches.filter((m) => m.status === 'unknown');
  const ne = d.matches.filter((m) => m.status === 'nearly');
  const base = st.base;
  let delta = null;
  if (isWhatIf && base) {
    const diff = BigInt(d.eligible_total_fen) - BigInt(base.eligible_total_fen);
    if (diff !== 0n) delta = h('span', { class: diff > 0n ? 'delta up' : 'delta down' }, (diff > 0n ? '比当前多 ' : '比当前少 '), moneyNode(diff < 0n ? -diff : diff));
  }
  // (replaceChildren writes a null as the text "null": the optional line goes through a list)
  document.getElementById('mine-total').replaceChildren(...[
    h('div', { class: 'total-line' }, h('span', {}, '可申报 ', h('b', { id: 'n-eligible' }, String(el.filter((m) => m.open !== false).length)), ' 条，预计可获 '),
      h('span', { class: 'total-money', id: 'total-money' }, moneyNode(d.eligible_total_fen)), delta),
    BigInt(d.eligible_closed_fen || 0) > 0n ? h('div', { class: 'summary' }, '另有已截止条款的金额 ', moneyNode(d.eligible_closed_fen), '，未计入预计可获。') : null,
    h('div', { class: 'summary' }, `可能符合 ${un.length} 条（补充资料后确定），差一项 ${ne.length} 条；共比对已发布条款 ${d.clauses} 条。`)].filter(Boolean));
  document.getElementById('mine-groups').replaceChildren(
    group('可申报', 'g-eligible', el, '暂无完全符合的条款'),
    group('可能符合', 'g-unknown', un, '暂无', '系统缺少下列资料，填写后即可确定是否符合。'),
    group('差一项即可申报', 'g-nearly', ne, '暂无', '只差一个条件；可在“政策计算器”中试算改变后的结果。'));
  renderProfile(d.profile, isWhatIf);
}

function renderProfile(p, isWhatIf) {
  const fs = p.fields || {};
  const size = fs.size || {};
  const derived = st.defs.filter((d) => d.derived && d.key !== 'size');
  document.getElementById('mine-profile').replaceChildren(
    h('h2', {}, isWhatIf ? '企业画像（试算）' : '企业画像'),
    h('div', { class: 'size-box' }, h('span', { class: 'big', id: 'size-value' }, size.value || '未能划型'),
      h('span', {}, '依据《统计上大中小微型企业划分办法（2017）》'),
      size.explain ? h('div', { class: 'explain', id: 'size-why' }, zhDates(size.explain)) : null),
    h('div', { class: 'kv' }, derived.flatMap((d) => {
      const f = fs[d.key];
      return [h('div', { class: 'k' }, d.label),
        h('div', { class: 'v' }, f && f.value !== null && f.value !== undefined ? (d.type === 'money' ? moneyNode(f.value) : zhDates(f.text ?? String(f.value))) : h('span', { class: 'missing' }, '无法计算'),
          f && f.explain ? h('span', { class: 'explain' }, zhDates(f.explain)) : null)];
    })));
}

// ---- page ----

function picker(msg) {
  const input = h('input', { type: 'search', id: 'pick-uscc', placeholder: '18 位统一社会信用代码', value: st.uscc, 'aria-label': '统一社会信用代码' });
  return h('section', { class: 'card' }, h('h2', {}, '我的政策'),
    msg ? errorBox(null, msg) : null,
    h('p', { class: 'summary' }, '输入企业的统一社会信用代码，查看可申报的政策、预计金额，并用政策计算器试算。'),
    h('form', { class: 'pick', onsubmit: (ev) => { ev.preventDefault(); location.search = '?uscc=' + encodeURIComponent(input.value.trim()); } },
      input, h('button', { class: 'btn', type: 'submit' }, '查看')));
}

async function main() {
  await sessionReady;
  if (!requireSignIn()) return;
  const params = new URLSearchParams(location.search);
  st.uscc = params.get('uscc') || (session.me && session.me.uscc) || '';
  if (!st.uscc) { root.replaceChildren(picker()); return; }
  const [fr, r] = await Promise.all([api('/api/fields'), postJSON('/api/enterprises/' + encodeURIComponent(st.uscc) + '/matches', { set: {} })]);
  if (!r.ok) { root.replaceChildren(picker(r.status === 404 ? '没有这家企业：' + st.uscc : null), r.status === 404 ? '' : errorBox(r.body, '加载失败')); return; }
  st.defs = fr.ok ? fr.body.fields : [];
  for (const d of st.defs) { st.byKey.set(d.key, d); st.byLabel.set(d.label, d); }
  st.base = r.body;
  const fs = r.body.profile.fields || {};
  const calcKeys = CALC_DEFAULT.filter((k) => st.byKey.has(k));
  const addSel = h('select', { id: 'calc-add', 'aria-label': '添加要试算的字段' }, h('option', { value: '' }, '添加其他字段…'),
    st.defs.filter((d) => !d.derived && !['uscc', 'name'].includes(d.key)).map((d) => h('option', { value: d.key }, d.label)));
  addSel.addEventListener('change', () => { if (addSel.value) addCalcField(addSel.value, true); addSel.value = ''; });
  const reset = h('button', { class: 'btn plain', type: 'button', onclick: () => { st.changes = {}; renderCalc(); evaluate(); } }, '恢复档案数据');
  const calc = h('section', { class: 'card calc', id: 'calc' }, h('h2', {}, '政策计算器'),
    h('p', { class: 'summary' }, '修改下面的数值（如研发费用），结果与金额即时更新；只做试算，不会保存。补填缺少的资料后点“保存到档案”才写入企业档案。'),
    h('div', { id: 'calc-fields', class: 'calc-fields' }),
    h('div', { class: 'actions calc-actions' }, addSel, reset),
    h('p', { id: 'calc-status', class: 'summary', 'aria-live': 'polite' }, '当前为企业档案中的数据'));
  function renderCalc() {
    const box = calc.querySelector('#calc-fields');
    box.replaceChildren(...calcKeys.map((k) => calcInput(st.byKey.get(k), st.base.profile.fields[k])));
  }
  renderCalc();
  root.replaceChildren(
    h('section', { class: 'card mine-head' },
      h('div', { class: 'mine-title' }, h('h2', {}, r.body.name || st.uscc), sizeTag(fs.size && fs.size.value),
        h('span', { class: 'mono summary' }, st.uscc), h('a', { href: 'index.html#/e/' + encodeURIComponent(st.uscc), class: 'summary' }, '企业档案 →')),
      h('div', { id: 'mine-total', 'aria-live': 'polite' })),
    h('div', { class: 'mine-grid' }, h('div', { id: 'mine-groups' }), calc, h('section', { class: 'card', id: 'mine-profile' })));
  renderResults(r.body, false);
}

main().catch((e) => root.replaceChildren(errorBox(null, '页面出错：' + e.message)));
