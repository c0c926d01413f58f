// 数据看板: what the platform's APIs can count, each as an ECharts chart with its numbers one
// click away. A chart is shown only when the API behind it answers: money and applications come
// from GET /api/stats/money (workflow), service activity from the network's statistics; coverage
// (enterprises eligible per clause) from the matching engine, with applied and paid added when the
// money statistics exist. Nothing here is estimated or made up.
'use strict';

const dash = document.getElementById('dash');
const MAX_CLAUSES = 40;
const STATE_ZH = { draft: '草稿', submitted: '已提交', accepted: '已受理', reviewed: '已审核', approved: '已批准', paid: '已兑现', returned: '退回修改', rejected: '不予通过' };

// 202612 → 2026年12月 (the money statistics' months)
function periodText(t) { const m = /^(\d{4})(\d{2})$/.exec(t); return m ? `${m[1]}年${+m[2]}月` : t; }

function section(title, note, ...panels) {
  return h('section', { class: 'card' }, h('h2', {}, title), note ? h('p', { class: 'summary' }, note) : null,
    h('div', { class: 'chart-grid' }, panels));
}

function kpi(label, value, id) {
  return h('div', { class: 'kpi', id }, h('div', { class: 'kpi-label' }, label), h('div', { class: 'kpi-value' }, value));
}

// GET /api/stats/money?by=… for each grouping; null when the API is not there (404) or refuses.
async function money() {
  const bys = ['month', 'district', 'policy', 'industry', 'clause'];
  const res = await Promise.all(bys.map((by) => api('/api/stats/money?by=' + by)));
  if (!res[0].ok) return null;
  const out = {};
  bys.forEach((by, i) => { if (res[i].ok) out[by] = res[i].body; });
  return out;
}

// Each published clause's rule through the preview: eligible and unknown enterprises today.
async function coverage() {
  const pol = await api('/api/policies?status=published');
  if (!pol.ok) return null;
  const clauses = [];
  // the policies' clauses at once, not one policy after another (first load under a second)
  const details = await Promise.all(pol.body.policies.slice(0, MAX_CLAUSES).map((p) => api('/api/policies/' + p.id)));
  for (const d of details) {
    if (!d.ok) continue;
    for (const c of d.body.clauses) if (c.rule && clauses.length < MAX_CLAUSES) clauses.push(c);
  }
  await sessionReady; // the previews are POSTs: they carry the session's CSRF token
  const counts = await Promise.all(clauses.map((c) => postJSON('/api/match/preview', { rule: c.rule })));
  return { clauses, counts: counts.map((r) => (r.ok ? r.body.counts : null)), total: pol.body.total };
}

async function main() {
  // first load: the chart library and the figures are fetched while the session is still being
  // checked, not after it (someone signed out gets 401s and is sent to sign in all the same)
  loadECharts();
  // coverage (a preview per clause) takes longest: the rest is shown first, coverage fills its
  // place when it arrives
  const covered = coverage();
  const data = Promise.all([money(), api('/api/health'),
    api('/api/network/stats?by=centre'), api('/api/network/stats?by=commissioner')]);
  await sessionReady;
  if (!requireSignIn()) return;
  const [m, health, centres, comms] = await data;
  const parts = [];
  const missing = [];

  // headline figures
  const kpis = [];
  if (health.ok && health.body.enterprises != null) kpis.push(kpi('在库企业', groupDigits(String(health.body.enterprises)) + ' 家', 'kpi-enterprises'));
  const policiesKpi = kpi('有效政策', '…', 'kpi-policies');
  kpis.push(policiesKpi);
  if (m && m.month) {
    kpis.push(kpi('已兑现资金', moneyNode(m.month.paid_fen), 'kpi-paid'));
    kpis.push(kpi('已批准待兑现', moneyNode(m.month.approved_unpaid_fen), 'kpi-unpaid'));
  }
  parts.push(h('section', { class: 'card' }, h('h2', {}, '数据看板'), h('div', { class: 'kpis' }, kpis)));

  if (m) {
    const moneyPanel = (by, title, kind) => {
      const g = (m[by] && m[by].groups) || [];
      return chartPanel({ title, kind, money: true, categoryLabel: title.replace(/^按/, ''),
        categories: g.map((x) => periodText(String(x.label || x.key))), series: [{ name: '已兑现', data: g.map((x) => x.paid_fen) }] });
    };
    parts.push(section('资金兑现', '已兑现金额（万元）；悬停查看，点“数据”看精确到分的数字。',
      moneyPanel('month', '按月份', 'line'), moneyPanel('district', '按区（市）', 'bar'),
      moneyPanel('policy', '按政策', 'hbar'), moneyPanel('industry', '按行业门类', 'hbar')));
    const apps = m.month.applications || {};
    const states = Object.keys(STATE_ZH).filter((k) => k in apps);
    parts.push(section('申报办理', null, chartPanel({ title: '申请按状态', kind: 'bar', unit: '件', categoryLabel: '状态',
      categories: states.map((k) => STATE_ZH[k]), series: [{ name: '申请数', data: states.map((k) => apps[k]) }] })));
  } else {
    missing.push('资金兑现与申请办理');
  }

  const covPlace = h('section', { class: 'card', id: 'dash-coverage' }, h('h2', {}, '政策覆盖'), h('p', { class: 'loading' }, '正在统计各条款今日符合条件的企业…'));
  parts.push(covPlace);
  const showCoverage = (cov) => {
    if (!cov) { covPlace.remove(); policiesKpi.remove(); return; }
    policiesKpi.querySelector('.kpi-value').textContent = groupDigits(String(cov.total)) + ' 项';
    const paidByClause = new Map(((m && m.clause && m.clause.groups) || []).map((g) => [String(g.key), g.payments]));
    const names = cov.clauses.map((c) => c.title);
    const series = [{ name: '符合', data: cov.counts.map((c) => (c ? c.eligible : 0)) },
      { name: '可能符合', data: cov.counts.map((c) => (c ? c.unknown : 0)) }];
    if (m && m.clause) series.push({ name: '已兑现（笔）', data: cov.clauses.map((c) => paidByClause.get(String(c.id)) || 0) });
    const none = cov.clauses.filter((c, i) => cov.counts[i] && cov.counts[i].eligible === 0).length;
    covPlace.replaceWith(section('政策覆盖', `已发布条款 ${cov.clauses.length} 条${cov.clauses.length >= MAX_CLAUSES ? '（前 ' + MAX_CLAUSES + ' 条）' : ''}：今日符合条件的企业数${m && m.clause ? '与已兑现笔数' : ''}。无企业符合的条款 ${none} 条。`,
      chartPanel({ title: '各条款覆盖企业', kind: 'hbar', unit: '家', categoryLabel: '条款', categories: names, series })));
    if (!m) {
      const note = document.getElementById('dash-missing') || dash.appendChild(h('p', { class: 'summary', id: 'dash-missing' }, '以下统计尚未开通，暂不显示：'));
      note.append((note.textContent.endsWith('：') ? '' : '；') + '各条款的申请与兑现');
    }
  };
  if (centres.ok && comms.ok) {
    const activity = (units, title, top) => {
      const u = [...units].sort((a, b) => b.visits - a.visits).slice(0, top);
      return chartPanel({ title, kind: 'hbar', unit: '次', categoryLabel: title.replace(/^按/, ''), categories: u.map((x) => x.name || String(x.unit_id)),
        series: [{ name: '走访次数', data: u.map((x) => x.visits) }, { name: '服务企业', data: u.map((x) => x.enterprises_served) }, { name: '超期未办', data: u.map((x) => x.overdue) }] });
    };
    parts.push(section('服务活动', `${dateText(centres.body.from)}至${dateText(centres.body.to)}的走访与服务。`,
      activity(centres.body.units, '按服务中心', 20), activity(comms.body.units, '按服务专员（走访最多的 20 位）', 20)));
  } else {
    missing.push('服务中心与服务专员的走访活动');
  }
  if (missing.length) parts.push(h('p', { class: 'summary', id: 'dash-missing' }, '以下统计尚未开通，暂不显示：' + missing.join('；')));
  dash.replaceChildren(...parts);
  showCoverage(await covered);
}

main().catch((e) => dash.replaceChildren(errorBox(null, '页面出错：' + e.message)));
