// Charts for the officer page (实时分布) and the dashboard: bar, stacked bar, horizontal bar and line
// charts drawn as SVG by this file, every chart with its numbers one click away (数据 toggles a table
// built from the same rows). Money rows carry fen: the table and the tooltip show them exactly
// (moneyNode, yuanText); the bars plot 万元 for the eye only.
//
// Why not ECharts: on this project's 2-core machine ECharts (705 KB) took 180–260 ms to start and
// 100–190 ms to draw its first chart, on top of the ~400 ms every page needs before its scripts run,
// which put the dashboard's first chart over the one-second bar; a custom ECharts build was only 22%
// smaller. These charts need no library: SVG elements are made in the same frame as the numbers.
// The text uses the page's own font (CSS), so Chinese labels need no font fallback.
'use strict';

const SVGNS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, ...kids) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined && v !== false) el.setAttribute(k, v);
  for (const kid of kids.flat()) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

const PALETTE = ['#1d4f91', '#e0a800', '#1a7f37', '#c8161d', '#6b7280', '#7c3aed', '#0891b2', '#b45309'];
const FONT_PX = 12;

// label widths in the page's font (one canvas, widths remembered): the layout needs them before the
// SVG is in the page
let measureCtx = null;
const widths = new Map();
function textWidth(t) {
  let w = widths.get(t);
  if (w === undefined) {
    if (!measureCtx) {
      measureCtx = document.createElement('canvas').getContext('2d');
      measureCtx.font = `${FONT_PX}px ${getComputedStyle(document.body).fontFamily || 'sans-serif'}`;
    }
    w = measureCtx.measureText(t).width;
    if (widths.size > 5000) widths.clear();
    widths.set(t, w);
  }
  return w;
}
// the longest prefix that fits in max px, with "…"; the whole text stays in the tooltip and table
function fitText(t, max) {
  if (textWidth(t) <= max) return t;
  const chars = [...t];
  let lo = 0, hi = chars.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (textWidth(chars.slice(0, mid).join('') + '…') <= max) lo = mid; else hi = mid - 1;
  }
  return chars.slice(0, lo).join('') + '…';
}

// axis ticks at 1, 2, 2.5 or 5 × 10^k, about five of them from 0 to at least max; counts (件, 家, 次)
// get whole steps
function ticks(max, whole) {
  if (!(max > 0)) max = whole ? 5 : 1;
  const rough = max / 5;
  const p = 10 ** Math.floor(Math.log10(rough));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= rough * (1 - 1e-9));
  if (whole) step = Math.max(1, Math.ceil(step));
  const n = Math.max(1, Math.ceil(max / step - 1e-9));
  const decimals = Math.max(0, Math.min(4, Math.ceil(-Math.log10(step) + 1e-9) + (step / p === 2.5 ? 1 : 0)));
  return { step, top: n * step, values: Array.from({ length: n + 1 }, (_, i) => i * step), decimals };
}
function tickText(v, decimals) {
  const [i, f] = v.toFixed(decimals).split('.');
  return groupDigits(i) + (f && /[1-9]/.test(f) ? '.' + f.replace(/0+$/, '') : '');
}

// one tooltip for every chart: the category's full name and each shown series' value (money: 万元
// and the exact 元)
let tip = null, tipOwner = null; // tipOwner: the chart's function that hides its tooltip and band
function tooltip() {
  if (!tip) {
    tip = h('div', { class: 'chart-tip', role: 'status', hidden: true });
    document.body.append(tip);
    document.addEventListener('pointerdown', (ev) => { if (tipOwner && !(ev.target.closest && ev.target.closest('.chart-svg'))) tipOwner(); });
  }
  return tip;
}

// One observer for every chart box: its callback runs after layout and before paint, and hands each
// box its size, so a page of charts is drawn without one forced layout per chart (reading
// clientWidth after the previous chart's SVG went in would lay the whole page out again).
const chartSizes = new ResizeObserver((entries) => {
  for (const e of entries) if (e.target.drawAt) e.target.drawAt(e.contentRect);
});

// spec: {title, kind: 'bar'|'hbar'|'line', categories: [..], series: [{name, data: [numbers or fen
//        strings]}], money: true when data are fen, unit: '家'/'件'…, stack: series stacked in one
//        bar, wide: the whole row of a chart grid (long category names: policies' titles),
//        categoryLabel: the table's first column}
function chartPanel(spec) {
  const box = h('div', { class: spec.kind === 'hbar' ? 'chart tall' : 'chart' });
  const table = h('div', { class: 'chart-table table-wrap', hidden: true });
  const toggle = h('button', { class: 'btn plain small', type: 'button', 'aria-pressed': 'false' }, '数据');
  const legend = h('div', { class: 'chart-legend', hidden: true });
  const panel = h('section', { class: spec.wide ? 'chart-panel wide' : 'chart-panel' },
    h('div', { class: 'chart-head' }, h('h3', {}, spec.title), toggle), legend, box, table);
  // current: the spec drawn; tableFor: the spec the table was last built from (built on first view);
  // off: the series switched off in the legend (by name, kept across updates); drawnAt: the box
  // size the chart was last drawn for (a resize redraws)
  let current = spec, tableFor = null, showTable = false, drawnAt = '', layout = null, focusIdx = -1;
  const off = new Set();
  toggle.addEventListener('click', () => {
    showTable = !showTable;
    toggle.setAttribute('aria-pressed', String(showTable));
    toggle.textContent = showTable ? '图表' : '数据';
    if (showTable && tableFor !== current) fillTable(current);
    table.hidden = !showTable;
    box.hidden = showTable || isEmpty(current);
    legend.hidden = showTable || !legendShown(current);
  });
  function fillTable(s) {
    tableFor = s;
    const money = (v) => (s.money ? moneyNode(v) : groupDigits(String(v)));
    table.replaceChildren(h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, s.categoryLabel || '类别'), s.series.map((x) => h('th', {}, x.name)))),
      h('tbody', {}, s.categories.map((c, i) => h('tr', {}, h('td', {}, c), s.series.map((x) => h('td', {}, money(x.data[i] ?? 0))))))));
  }
  const num = (s, v) => (s.money ? Number(BigInt(v ?? 0) / 100n) / 10000 : Number(v ?? 0));
  const unitOf = (s) => (s.money ? '万元' : (s.unit || ''));
  const legendShown = (s) => s.series.length > 1 && !isEmpty(s);

  function drawLegend(s) {
    legend.hidden = showTable || !legendShown(s);
    if (legend.hidden) return;
    legend.replaceChildren(...s.series.map((x, i) => {
      const b = h('button', { type: 'button', class: 'chart-key', 'aria-pressed': String(!off.has(x.name)), title: off.has(x.name) ? `显示“${x.name}”` : `隐藏“${x.name}”` },
        h('span', { class: 'chart-swatch c' + (i % PALETTE.length) }), x.name);
      b.addEventListener('click', () => {
        if (off.has(x.name)) off.delete(x.name);
        else if (s.series.filter((y) => !off.has(y.name)).length > 1) off.add(x.name); // one series stays
        draw(true);
      });
      return b;
    }));
  }

  // the drawing: one <svg> sized to the box, value axis with gridlines, category axis, bars or a line
  function draw(force, size) {
    const s = current;
    const W = Math.floor(size ? size.width : box.clientWidth), H = Math.floor(size ? size.height : box.clientHeight);
    if (isEmpty(s) || showTable || W < 40 || H < 40) return;
    if (!force && W + 'x' + H === drawnAt && layout && layout.spec === s) return;
    drawnAt = W + 'x' + H;
    drawLegend(s);
    const shown = s.series.map((x, i) => ({ x, i })).filter((e) => !off.has(e.x.name));
    const vals = shown.map((e) => s.categories.map((_, c) => Math.max(0, num(s, e.x.data[c]))));
    const n = s.categories.length;
    let max = 0;
    for (let c = 0; c < n; c++) {
      if (s.stack) max = Math.max(max, vals.reduce((a, v) => a + v[c], 0));
      else for (const v of vals) max = Math.max(max, v[c]);
    }
    const t = ticks(max, !s.money);
    const tickLabels = t.values.map((v) => tickText(v, t.decimals));
    const unit = unitOf(s);
    const kids = [];
    const g = { spec: s, n, horizontal: s.kind === 'hbar' };
    if (g.horizontal) {
      const labelMax = W < 500 ? 84 : 160;
      const labels = s.categories.map((c) => fitText(String(c), labelMax));
      const left = Math.ceil(Math.max(...labels.map(textWidth), 10)) + 10;
      const right = Math.ceil(textWidth(tickLabels[tickLabels.length - 1]) / 2) + 6;
      const top = 4, bottom = 22;
      const pw = Math.max(10, W - left - right), ph = Math.max(10, H - top - bottom);
      const band = ph / n;
      const x = (v) => left + (v / t.top) * pw;
      Object.assign(g, { left, top, pw, ph, band });
      t.values.forEach((v, i) => {
        kids.push(svg('line', { class: i ? 'grid' : 'axis', x1: x(v), x2: x(v), y1: top, y2: top + ph }));
        kids.push(svg('text', { class: 'tick', x: x(v), y: top + ph + 15, 'text-anchor': 'middle' }, tickLabels[i]));
      });
      labels.forEach((l, c) => kids.push(svg('text', { class: 'cat', x: left - 6, y: top + band * (c + 0.5), 'text-anchor': 'end', 'dominant-baseline': 'central' }, l)));
      const thick = s.stack ? Math.min(band * 0.7, 28) : Math.min((band * 0.8) / shown.length, 28);
      for (let c = 0; c < n; c++) {
        let acc = 0;
        const y0 = top + band * (c + 0.5) - (s.stack ? thick / 2 : (thick * shown.length) / 2);
        shown.forEach((e, k) => {
          const v = vals[k][c];
          if (!v) return;
          const from = s.stack ? acc : 0;
          acc += v;
          kids.push(svg('rect', { class: 'c' + (e.i % PALETTE.length), x: x(from), y: s.stack ? y0 : y0 + k * thick, width: Math.max(1, x(from + v) - x(from)), height: Math.max(1, thick - (s.stack ? 0 : 1)) }));
        });
      }
    } else {
      const slot0 = W / Math.max(1, n);
      const full = s.categories.map(String);
      const longest = Math.max(...full.map(textWidth), 10);
      // a vertical chart's labels share the width; a rotated label runs along its slant, with room
      // for a district's or a month's whole name (2026年10月)
      const rotate = longest > slot0 - 8;
      const labels = rotate ? full.map((c) => fitText(c, 96)) : full;
      const every = rotate ? Math.max(1, Math.ceil((FONT_PX + 2) / slot0)) : 1;
      const lw = Math.max(...labels.map(textWidth), 10);
      const top = 22, bottom = rotate ? Math.ceil(lw * 0.574 + FONT_PX * 0.82) + 10 : 22;
      const left = Math.ceil(Math.max(...tickLabels.map(textWidth), textWidth(unit) / 2)) + 10, right = 10;
      const pw = Math.max(10, W - left - right), ph = Math.max(10, H - top - bottom);
      const band = pw / n;
      const y = (v) => top + ph - (v / t.top) * ph;
      Object.assign(g, { left, top, pw, ph, band });
      if (unit) kids.push(svg('text', { class: 'tick', x: 4, y: 12 }, unit));
      t.values.forEach((v, i) => {
        kids.push(svg('line', { class: i ? 'grid' : 'axis', x1: left, x2: left + pw, y1: y(v), y2: y(v) }));
        kids.push(svg('text', { class: 'tick', x: left - 6, y: y(v), 'text-anchor': 'end', 'dominant-baseline': 'central' }, tickLabels[i]));
      });
      labels.forEach((l, c) => {
        if (c % every) return;
        const cx = left + band * (c + 0.5), ly = top + ph + 14;
        kids.push(rotate
          ? svg('text', { class: 'cat', x: cx, y: ly, 'text-anchor': 'end', transform: `rotate(-35 ${cx} ${ly})` }, l)
          : svg('text', { class: 'cat', x: cx, y: ly, 'text-anchor': 'middle' }, l));
      });
      if (s.kind === 'line') {
        shown.forEach((e, k) => {
          const pts = vals[k].map((v, c) => `${(left + band * (c + 0.5)).toFixed(1)},${y(v).toFixed(1)}`);
          kids.push(svg('polyline', { class: 'line s' + (e.i % PALETTE.length), points: pts.join(' ') }));
          if (n <= 40) vals[k].forEach((v, c) => kids.push(svg('circle', { class: 'dot s' + (e.i % PALETTE.length), cx: left + band * (c + 0.5), cy: y(v), r: 3 })));
        });
      } else {
        const thick = s.stack ? Math.min(band * 0.6, 28) : Math.min((band * 0.7) / shown.length, 28);
        for (let c = 0; c < n; c++) {
          let acc = 0;
          const x0 = left + band * (c + 0.5) - (s.stack ? thick / 2 : (thick * shown.length) / 2);
          shown.forEach((e, k) => {
            const v = vals[k][c];
            if (!v) return;
            const from = s.stack ? acc : 0;
            acc += v;
            kids.push(svg('rect', { class: 'c' + (e.i % PALETTE.length), x: s.stack ? x0 : x0 + k * thick, y: y(from + v), width: Math.max(1, thick - (s.stack ? 0 : 1)), height: Math.max(1, y(from) - y(from + v)) }));
          });
        }
      }
    }
    const hover = svg('rect', { class: 'hover', x: 0, y: 0, width: 0, height: 0, visibility: 'hidden' });
    const el = svg('svg', { class: 'chart-svg', width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', tabindex: '0',
      'aria-label': `${s.title}：${n} 项，点“数据”看数字；方向键逐项查看` }, hover, kids);
    layout = g;
    layout.hover = hover;
    wire(el);
    box.replaceChildren(el);
  }

  // the category under the pointer (or chosen with the arrow keys): a highlight band and the tooltip
  function pick(c, at) {
    const g = layout, s = current;
    if (!g || c < 0 || c >= g.n) { unpick(); return; }
    if (tipOwner && tipOwner !== unpick) tipOwner(); // another chart's tooltip and band go
    tipOwner = unpick;
    focusIdx = c;
    const r = g.horizontal ? { x: g.left, y: g.top + g.band * c, width: g.pw, height: g.band } : { x: g.left + g.band * c, y: g.top, width: g.band, height: g.ph };
    for (const [k, v] of Object.entries(r)) g.hover.setAttribute(k, v);
    g.hover.setAttribute('visibility', 'visible');
    const t = tooltip();
    const unit = s.unit || '';
    t.replaceChildren(h('div', { class: 'chart-tip-title' }, String(s.categories[c])),
      ...s.series.filter((x) => !off.has(x.name)).map((x) => {
        const i = s.series.indexOf(x), v = x.data[c] ?? 0;
        return h('div', { class: 'chart-tip-row' }, h('span', { class: 'chart-swatch c' + (i % PALETTE.length) }), x.name + '：',
          s.money ? [h('b', {}, wanShort(v)), h('span', { class: 'exact' }, yuanText(v))] : h('b', {}, groupDigits(String(v)) + (unit ? ' ' + unit : '')));
      }));
    t.hidden = false;
    const bw = t.offsetWidth, bh = t.offsetHeight;
    let left = at.x + 14, top = at.y + 14;
    if (left + bw > window.innerWidth - 4) left = Math.max(4, at.x - bw - 14);
    if (top + bh > window.innerHeight - 4) top = Math.max(4, at.y - bh - 14);
    t.style.left = (left + window.scrollX) + 'px';
    t.style.top = (top + window.scrollY) + 'px';
  }
  function unpick() {
    if (tipOwner === unpick) tipOwner = null;
    focusIdx = -1;
    if (layout) layout.hover.setAttribute('visibility', 'hidden');
    if (tip) tip.hidden = true;
  }
  function wire(el) {
    const at = (ev) => {
      const r = el.getBoundingClientRect(), g = layout;
      const p = g.horizontal ? ev.clientY - r.top - g.top : ev.clientX - r.left - g.left;
      return Math.floor(p / g.band);
    };
    el.addEventListener('pointermove', (ev) => pick(at(ev), { x: ev.clientX, y: ev.clientY }));
    el.addEventListener('pointerdown', (ev) => pick(at(ev), { x: ev.clientX, y: ev.clientY }));
    // a finger leaves the screen, not the chart: its tooltip stays until the next touch elsewhere
    el.addEventListener('pointerleave', (ev) => { if (ev.pointerType !== 'touch') unpick(); });
    el.addEventListener('blur', unpick);
    el.addEventListener('keydown', (ev) => {
      const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[ev.key];
      if (ev.key === 'Escape') { unpick(); return; }
      if (!step) return;
      ev.preventDefault();
      const g = layout, c = Math.max(0, Math.min(g.n - 1, focusIdx < 0 ? 0 : focusIdx + step));
      const r = el.getBoundingClientRect();
      pick(c, g.horizontal ? { x: r.left + g.left + 20, y: r.top + g.top + g.band * (c + 1) } : { x: r.left + g.left + g.band * (c + 0.5), y: r.top + g.top + 20 });
    });
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
    box.hidden = showTable || e;
    if (e) { box.classList.add('is-empty'); box.replaceChildren(); layout = null; unpick(); } else box.classList.remove('is-empty');
    drawLegend(s);
  }
  function update(s) {
    current = s;
    if (showTable) fillTable(s);
    fitHeight(s);
    showEmpty(s);
    draw(true);
  }
  // drawn when the box first has a size (right after the panel enters the page, before it is
  // painted) and again when its size changes
  box.drawAt = (size) => draw(false, size);
  chartSizes.observe(box);
  fitHeight(spec);
  showEmpty(spec);
  panel.update = update;
  return panel;
}
