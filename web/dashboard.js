// 数据看板: what the platform counts, each as an ECharts chart with its numbers one click away, all
// from one answer (GET /api/stats/dashboard): money and applications are src/workflow's sums,
// coverage (enterprises eligible per clause) the matching engine's, service activity the network's
// statistics (shown to the network's roles). Nothing here is estimated or made up.
'use strict';

const dash = document.getElementById('dash');
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

// The first screen in one request: GET /api/stats/dashboard sums on the server what the page
// once fetched in 48 (money per grouping, the network twice, a policy and a rule preview per
// clause). The numbers are shown first; ECharts (preloaded by dashboard.html, run only now) draws
// the charts into the panels afterwards.
async function main() {
  holdCharts();
  const data = api('/api/stats/dashboard');
  await sessionReady;
  if (!requireSignIn()) return;
  const r = await data;
  if (!r.ok) {
    dash.replaceChildren(errorBox(r.body, '统计数据暂不可用'));
    return;
  }
  const { policies, money: m, coverage: cov, network: net } = r.body;
  const parts = [];

  parts.push(h('section', { class: 'card' }, h('h2', {}, '数据看板'), h('div', { class: 'kpis' },
    kpi('在库企业', groupDigits(String(cov.enterprises)) + ' 家', 'kpi-enterprises'),
    kpi('有效政策', groupDigits(String(policies)) + ' 项', 'kpi-policies'),
    kpi('已兑现资金', moneyNode(m.paid_fen), 'kpi-paid'),
    kpi('已批准待兑现', moneyNode(m.approved_unpaid_fen), 'kpi-unpaid'))));

  const moneyPanel = (groups, title, kind) => chartPanel({ title, kind, money: true, categoryLabel: title.replace(/^按/, ''),
    categories: groups.map((x) => periodText(String(x.label || x.key))), series: [{ name: '已兑现', data: groups.map((x) => x.paid_fen) }] });
  parts.push(section('资金兑现', '已兑现金额（万元）；悬停查看，点“数据”看精确到分的数字。',
    moneyPanel(m.by_month, '按月份', 'line'), moneyPanel(m.by_district, '按区（市）', 'bar'),
    moneyPanel(m.by_policy, '按政策', 'hbar'), moneyPanel(m.by_industry, '按行业门类', 'hbar')));
  const apps = m.applications || {};
  const states = Object.keys(STATE_ZH).filter((k) => k in apps);
  parts.push(section('申报办理', null, chartPanel({ title: '申请按状态', kind: 'bar', unit: '件', categoryLabel: '状态',
    categories: states.map((k) => STATE_ZH[k]), series: [{ name: '申请数', data: states.map((k) => apps[k]) }] })));

  const cl = cov.clauses;
  parts.push(section('政策覆盖', `${dateText(cov.date)}在执行的条款 ${cov.clauses_total} 条${cov.clauses_total > cl.length ? '（图中前 ' + cl.length + ' 条）' : ''}：符合条件的企业数与已兑现笔数。无企业符合的条款 ${cov.no_one_eligible} 条。`,
    chartPanel({ title: '各条款覆盖企业', kind: 'hbar', unit: '家', categoryLabel: '条款', categories: cl.map((c) => c.title),
      series: [{ name: '符合', data: cl.map((c) => c.eligible) }, { name: '可能符合', data: cl.map((c) => c.unknown) },
        { name: '已兑现（笔）', data: cl.map((c) => c.payments) }] })));

  if (net) {
    const activity = (units, title) => chartPanel({ title, kind: 'hbar', unit: '次', categoryLabel: title.replace(/^按/, ''),
      categories: units.map((x) => x.name || String(x.unit_id)),
      series: [{ name: '走访次数', data: units.map((x) => x.visits) }, { name: '服务企业', data: units.map((x) => x.enterprises_served) },
        { name: '超期未办', data: units.map((x) => x.overdue) }] });
    parts.push(section('服务活动', `${dateText(net.from)}至${dateText(net.to)}的走访与服务。`,
      activity(net.centres, '按服务中心'),
      activity(net.commissioners, `按服务专员（走访最多的 ${net.commissioners.length} 位，共 ${net.commissioners_total} 位）`)));
  } else {
    parts.push(h('p', { class: 'summary', id: 'dash-missing' }, '您的账号不属于服务网络，不显示服务中心与服务专员的走访活动。'));
  }
  dash.replaceChildren(...parts);
  // the numbers are on screen: now the chart library runs and each panel draws its chart
  releaseCharts();
}

main().catch((e) => dash.replaceChildren(errorBox(null, '页面出错：' + e.message)));
