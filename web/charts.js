// Charts for the officer page and the dashboard: ECharts (web/vendor/echarts.common.min.js,
// copied from npm by `make web`) loaded on first use, and every chart with its numbers one click
// away (数据 toggles a table built from the same rows). Money rows carry fen (exact, shown with moneyNode in
// the table); the chart plots 万元 for the eye only. Without ECharts the table is shown.
'use strict';

let echartsPromise = null;
function loadECharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  if (!echartsPromise) {
    echartsPromise = new Promise((resolve) => {
      const s = document.createElement('script');
      s.src = 'vendor/echarts.common.min.js';
      s.onload = () => resolve(window.echarts || null);
      s.onerror = () => resolve(null);
      document.head.append(s);
    });
  }
  return echartsPromise;
}

// A page that shows its numbers first (the dashboard) holds the drawing back until they are
// painted: holdCharts() before it builds its panels (the library starts running now, while the page
// waits for its data), releaseCharts() once they are in the page (the charts are drawn from the next
// frame on, one per frame, so they never delay the numbers).
let chartsHeld = null, releaseHeld = null;
function holdCharts() {
  if (!chartsHeld) chartsHeld = new Promise((resolve) => { releaseHeld = resolve; });
  loadECharts(); // runs while the page waits for its data; the drawing waits for releaseCharts()
}
function releaseCharts() {
  if (releaseHeld) requestAnimationFrame(() => setTimeout(releaseHeld, 0));
}

// Charts are drawn one per frame, in page order: the first is on screen while the others wait.
// (Drawn in one go, a page of seven charts showed none until the last was done: ~100 ms each on a
// slow machine.)
const chartJobs = [];
let chartsDrawing = false;
function drawLater(job) {
  chartJobs.push(job);
  if (chartsDrawing) return;
  chartsDrawing = true;
  const next = () => {
    const j = chartJobs.shift();
    if (!j) { chartsDrawing = false; return; }
    j();
    requestAnimationFrame(() => setTimeout(next, 0));
  };
  setTimeout(next, 0);
}

const PALETTE = ['#1d4f91', '#e0a800', '#1a7f37', '#c8161d', '#6b7280', '#7c3aed', '#0891b2', '#b45309'];

// spec: {title, kind: 'bar'|'hbar'|'pie'|'line', categories: [..], series: [{name, data: [numbers]}],
//        money: true when data are fen, unit: '家'/'件'…, wide: the whole row of a chart grid (long
//        category names: policies' titles)}
function chartPanel(spec) {
  const box = h('div', { class: spec.kind === 'hbar' ? 'chart tall' : 'chart', role: 'img', 'aria-label': spec.title });
  const table = h('div', { class: 'chart-table table-wrap', hidden: true });
  const note = h('p', { class: 'summary chart-note', hidden: true }, '图表组件未安装（运行 make web），以表格显示。');
  const toggle = h('button', { class: 'btn plain small', type: 'button', 'aria-pressed': 'false' }, '数据');
  const panel = h('section', { class: spec.wide ? 'chart-panel wide' : 'chart-panel' },
    h('div', { class: 'chart-head' }, h('h3', {}, spec.title), toggle), box, table, note);
  // chart: the ECharts instance, made when the panel first has something to draw (an empty panel
  // says 暂无数据 and costs no chart); tableFor: the spec the table was last built from (built on
  // first view, or at once when there is no chart library)
  let chart = null, ec = null, queued = false, tableFor = null, current = spec, showTable = false;
  toggle.addEventListener('click', () => {
    showTable = !showTable;
    toggle.setAttribute('aria-pressed', String(showTable));
    toggle.textContent = showTable ? '图表' : '数据';
    if (showTable && tableFor !== current) fillTable(current);
    table.hidden = !showTable;
    box.hidden = showTable || !chart;
    if (!showTable && chart) chart.resize();
  });
  function fillTable(s) {
    tableFor = s;
    const money = (v) => (s.money ? moneyNode(v) : groupDigits(String(v)));
    table.replaceChildren(h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, s.categoryLabel || '类别'), s.series.map((x) => h('th', {}, x.name)))),
      h('tbody', {}, s.categories.map((c, i) => h('tr', {}, h('td', {}, c), s.series.map((x) => h('td', {}, money(x.data[i] ?? 0))))))));
  }
  function option(s) {
    const val = (v) => (s.money ? Number(BigInt(v) / 100n) / 10000 : Number(v));
    const unit = s.money ? '万元' : (s.unit || '');
    const base = { color: PALETTE, animation: false, tooltip: { trigger: s.kind === 'pie' ? 'item' : 'axis', valueFormatter: (v) => `${v} ${unit}` },
      legend: s.series.length > 1 || s.kind === 'pie' ? { bottom: 0, type: 'scroll' } : undefined,
      grid: { left: 8, right: 16, top: s.kind === 'bar' || s.kind === 'line' ? 30 : 16, bottom: s.series.length > 1 ? 36 : 8, containLabel: true } };
    if (s.kind === 'pie') {
      return { ...base, series: [{ type: 'pie', radius: ['35%', '65%'], top: 0, bottom: 24, label: { formatter: '{b}\n{c}' },
        data: s.categories.map((c, i) => ({ name: c, value: val(s.series[0].data[i] ?? 0) })) }] };
    }
    const horizontal = s.kind === 'hbar';
    // a vertical chart's labels share the width: few categories get room for their whole name
    const slot = Math.floor((box.clientWidth || 300) / Math.max(1, s.categories.length)) - 8;
    // a rotated label runs along its own slant, not across the slot: it gets room for a district's
    // or a month's whole name (2026年10月)
    const rotate = !horizontal && slot < 56;
    const cat = { type: 'category', data: s.categories, axisLabel: { interval: 0, width: horizontal ? (box.clientWidth < 500 ? 84 : 160) : rotate ? 96 : Math.max(64, Math.min(160, slot)), overflow: 'truncate', rotate: rotate ? 35 : 0 } };
    // counts (件, 家, 次) have no halves
    // the unit names the value axis above a vertical chart; a horizontal one's would be cut off at
    // the right edge (its title and tooltip say the unit)
    const num = { type: 'value', name: horizontal ? undefined : unit, minInterval: s.money ? undefined : 1, axisLabel: { hideOverlap: true } };
    return { ...base, xAxis: horizontal ? num : cat, yAxis: horizontal ? { ...cat, inverse: true } : num,
      series: s.series.map((x) => ({ name: x.name, type: s.kind === 'line' ? 'line' : 'bar', stack: s.stack ? 'all' : undefined,
        data: x.data.map(val), barMaxWidth: 28 })) };
  }
  // a horizontal bar chart grows with its categories so every label stays readable
  function fitHeight(s) {
    if (s.kind === 'hbar') box.style.height = Math.max(200, Math.min(900, 26 * s.categories.length + 70)) + 'px';
  }
  // no rows, or only zeros: say so rather than draw empty axes
  const empty = h('p', { class: 'loading chart-empty', hidden: true }, '暂无数据');
  box.after(empty);
  const isEmpty = (s) => !s.categories.length || s.series.every((x) => x.data.every((v) => !v || v === '0'));
  function showEmpty(s) {
    const e = isEmpty(s);
    empty.hidden = !e;
    if (e) box.classList.add('is-empty'); else box.classList.remove('is-empty');
  }
  function draw() {
    queued = false;
    if (chart || isEmpty(current)) return;
    chart = ec.init(box, null, { renderer: 'canvas' });
    chart.setOption(option(current), true);
    new ResizeObserver(() => chart.resize()).observe(box);
  }
  function drawWhenReady() {
    if (ec && !chart && !queued && !isEmpty(current)) { queued = true; drawLater(draw); }
  }
  function update(s) {
    current = s;
    if (showTable) fillTable(s);
    fitHeight(s);
    showEmpty(s);
    if (chart) { chart.resize(); chart.setOption(option(s), true); } else drawWhenReady();
  }
  (chartsHeld || Promise.resolve()).then(loadECharts).then((lib) => {
    if (!lib) { fillTable(current); note.hidden = false; table.hidden = false; box.hidden = true; toggle.hidden = true; return; }
    ec = lib;
    drawWhenReady();
  });
  fitHeight(spec);
  showEmpty(spec);
  panel.update = update;
  return panel;
}
