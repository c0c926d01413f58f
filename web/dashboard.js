// 数据看板: what the platform counts, each as a chart (charts.js, SVG) with its numbers one click away, all
// from one answer (GET /api/stats/dashboard): money and applications are src/workflow's sums,
// coverage (enterprises eligible per clause) the matching engine's, service activity the network's
// statistics (shown to the network's roles). Nothing here is estimated or made up.
'use strict';

const dash = document.getElementById('dash');
const STATE_ZH = { draft: '草稿', submitted: '已提交', accepted: '已受理', reviewed: '已审核', approved: '已批准', paid: '已兑现', returned: '退回修改', rejected: '不予通过' };

// 202612 → 2026年12月 (the money statistics' months); 12月 alone when every month shown is of one
// year (the chart's title then names the year), so twelve labels fit under the chart unclipped
function periodText(t, short) { const m = /^(\d{4})(\d{2})$/.exec(t); return m ? (short ? `${+m[2]}月` : `${m[1]}年${+m[2]}月`) : t; }
function oneYear(groups) {
  const years = new Set(groups.map((x) => String(x.label || x.key).slice(0, 4)));
  return years.size === 1 && groups.every((x) => /^\d{6}$/.test(String(x.label || x.key))) ? [...years][0] : null;
}

function section(title, note, ...panels) {
  return h('section', { class: 'card' }, h('h2', {}, title), note ? h('p', { class: 'summary' }, note) : null,
    h('div', { class: 'chart-grid' }, panels));
}

function kpi(label, value, id) {
  return h('div', { class: 'kpi', id }, h('div', { class: 'kpi-label' }, label), h('div', { class: 'kpi-value' }, value));
}

// 错失政策的企业: firms eligible today that never applied, per clause (the coverage's missed), the
// clauses someone is eligible for and nobody applied for, and each clause's list of those firms as
// a spreadsheet (GET /api/clauses/{id}/enterprises?status=missed&format=xlsx) for the commissioners.
function missedSection(cov, seen) {
  if (!seen) {
    return h('section', { class: 'card' }, h('h2', {}, '错失政策的企业'),
      h('p', { class: 'summary', id: 'dash-missed' }, '您的账号看不到这些条款的申报，无法统计符合却未申报的企业。'));
  }
  const rows = cov.clauses.filter((c) => c.missed !== null);
  const top = rows.filter((c) => c.missed > 0).sort((a, b) => b.missed - a.missed || a.id - b.id).slice(0, 15);
  const nobody = rows.filter((c) => c.eligible > 0 && c.applied === 0);
  const link = (c) => h('a', { class: 'btn plain small', download: '', href: `/api/clauses/${c.id}/enterprises?status=missed&format=xlsx`,
    title: `导出“${c.title}”符合却未申报的 ${c.missed} 家企业（Excel）` }, '导出名单');
  const list = h('section', { class: 'chart-panel', id: 'dash-nobody' }, h('div', { class: 'chart-head' }, h('h3', {}, `无人申报的条款（${cov.nobody_applied} 条）`)),
    nobody.length
      ? h('div', { class: 'table-wrap chart-table' }, h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, '条款'), h('th', {}, '符合企业'), h('th', {}, '名单'))),
        h('tbody', {}, nobody.map((c) => h('tr', {}, h('td', {}, c.title), h('td', {}, groupDigits(String(c.eligible)) + ' 家'), h('td', {}, link(c)))))))
      : h('p', { class: 'summary' }, '每条有企业符合的条款都已有企业申报。'));
  const worst = h('section', { class: 'chart-panel', id: 'dash-missed-list' }, h('div', { class: 'chart-head' }, h('h3', {}, '未申报企业最多的条款')),
    top.length
      ? h('div', { class: 'table-wrap chart-table' }, h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, '条款'), h('th', {}, '符合'), h('th', {}, '已申报'), h('th', {}, '未申报'), h('th', {}, '名单'))),
        h('tbody', {}, top.map((c) => h('tr', {}, h('td', {}, c.title), h('td', {}, groupDigits(String(c.eligible))),
          h('td', {}, groupDigits(String(c.applied))), h('td', {}, groupDigits(String(c.missed))), h('td', {}, link(c)))))))
      : h('p', { class: 'summary' }, '没有符合却未申报的企业。'));
  return h('section', { class: 'card' }, h('h2', {}, '错失政策的企业'),
    h('p', { class: 'summary', id: 'dash-missed' }, `符合条件却从未申报的企业共 ${groupDigits(String(cov.missed))} 家次（一家企业错过几条条款就算几次）；有企业符合却无人申报的条款 ${cov.nobody_applied} 条。点“导出名单”取得这些企业，交服务专员上门对接。`),
    h('div', { class: 'chart-grid' }, worst, list));
}

// The first screen in one request: GET /api/stats/dashboard sums on the server what the page
// once fetched in 48 (money per grouping, the network twice, a policy and a rule preview per
// clause), and the charts are drawn from it in the same frame as the numbers.
async function main() {
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

  const moneyPanel = (groups, title, kind) => chartPanel({ title, kind, money: true, wide: kind === 'hbar', categoryLabel: title.replace(/^按/, ''),
    categories: groups.map((x) => periodText(String(x.label || x.key), kind === 'line' && oneYear(groups))), series: [{ name: '已兑现', data: groups.map((x) => x.paid_fen) }] });
  const year = oneYear(m.by_month);
  parts.push(section('资金兑现', '已兑现金额（万元）；悬停查看，点“数据”看精确到分的数字。',
    moneyPanel(m.by_month, year ? `按月份（${year}年）` : '按月份', 'line'), moneyPanel(m.by_district, '按区（市）', 'bar'),
    moneyPanel(m.by_policy, '按政策', 'hbar'), moneyPanel(m.by_industry, '按行业门类', 'hbar')));
  const apps = m.applications || {};
  const states = Object.keys(STATE_ZH).filter((k) => k in apps);
  parts.push(section('申报办理', null, chartPanel({ title: '申请按状态', kind: 'bar', unit: '件', categoryLabel: '状态',
    categories: states.map((k) => STATE_ZH[k]), series: [{ name: '申请数', data: states.map((k) => apps[k]) }] })));

  const cl = cov.clauses;
  const seen = cov.missed !== null; // null: the caller sees no clause's applications
  const orDash = (v) => (v === null || v === undefined ? '-' : v);
  parts.push(section('政策覆盖', `${dateText(cov.date)}在执行的条款 ${cov.clauses_total} 条${cov.clauses_total > cl.length ? '（图中前 ' + cl.length + ' 条）' : ''}：符合条件的企业数、已申报的企业数（免申即享的已兑现企业也算）与已兑现笔数。无企业符合的条款 ${cov.no_one_eligible} 条。`,
    chartPanel({ title: '各条款覆盖企业', kind: 'hbar', unit: '家', categoryLabel: '条款', categories: cl.map((c) => c.title),
      series: [{ name: '符合', data: cl.map((c) => c.eligible) },
        ...(seen ? [{ name: '已申报', data: cl.map((c) => orDash(c.applied)) }] : []),
        { name: '已兑现（笔）', data: cl.map((c) => c.payments) }] })));
  parts.push(missedSection(cov, seen));

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
  // each chart draws itself as its panel enters the page (charts.js), in this same frame
  dash.replaceChildren(...parts);
}

main().catch((e) => dash.replaceChildren(errorBox(null, '页面出错：' + e.message)));
