// 青岛惠企政策精准匹配平台 · 对接 — helpers every page uses: building DOM nodes (text only through
// text nodes, never innerHTML), calling the API with its one error shape, and money. Money arrives
// as integer fen and is formatted with BigInt, never floating point.
'use strict';

function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat()) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

// The session's CSRF token (GET /api/auth/me), sent as X-CSRF-Token with every state change: the
// server refuses a POST from a signed-in session without it (docs/AUTH.md).
let csrfToken = null;
async function csrf() {
  if (csrfToken === null) {
    try {
      const me = await (await fetch('/api/auth/me')).json();
      csrfToken = me.csrf || '';
    } catch (e) {
      csrfToken = '';
    }
  }
  return csrfToken;
}

async function api(path, options) {
  let res;
  options = options || {};
  if (options.method && options.method !== 'GET') {
    const token = await csrf();
    if (token) options.headers = Object.assign({}, options.headers, { 'X-CSRF-Token': token });
  }
  try {
    res = await fetch(path, options);
  } catch (e) {
    return { ok: false, status: 0, body: { error: { zh: '无法连接服务器', en: String(e) } } };
  }
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  return { ok: res.ok, status: res.status, body };
}

function postJSON(path, obj) {
  return api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(obj) });
}

function errorBox(body, fallback) {
  const e = (body && body.error) || { zh: fallback || '请求失败', en: '' };
  const where = e.line && !/第 \d+ 行/.test(e.zh || '') ? `（第 ${e.line} 行第 ${e.col} 列）` : '';
  return h('div', { class: 'error-box', role: 'alert' }, (e.zh || '') + where, e.en ? h('small', {}, e.en) : null);
}

// ---- money: integer fen → text, with BigInt only ----

function groupDigits(s) { return s.replace(/\B(?=(\d{3})+(?!\d))/g, ','); }
function toFen(v) { return typeof v === 'bigint' ? v : BigInt(typeof v === 'string' ? v : Math.trunc(v)); }
function yuanText(fenIn) {
  let fen = toFen(fenIn); const neg = fen < 0n; if (neg) fen = -fen;
  return (neg ? '-' : '') + groupDigits((fen / 100n).toString()) + '.' + (fen % 100n).toString().padStart(2, '0') + ' 元';
}
function wanText(fenIn) {
  let fen = toFen(fenIn); const neg = fen < 0n; if (neg) fen = -fen;
  const rest = fen % 1000000n;
  let s = groupDigits((fen / 1000000n).toString());
  if (rest) s += '.' + rest.toString().padStart(6, '0').replace(/0+$/, '');
  return (neg ? '-' : '') + s + ' 万元';
}
function moneyNode(fen) {
  return h('span', {}, h('span', { class: 'money', title: '精确值 ' + yuanText(fen) }, wanText(fen)),
    h('span', { class: 'exact' }, yuanText(fen)));
}
