// 青岛惠企政策精准匹配平台 · 对接 — helpers every page uses: the shared header (navigation, the
// search box, the signed-in user), building DOM nodes (text only through text nodes, never
// innerHTML), calling the API with its one error shape, dates, and money. Money arrives as integer
// fen and is formatted with BigInt, never floating point.
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

// ---- the API: one error shape; writes carry the session's CSRF token ----

function cookie(name) {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return '';
}

const session = { me: null, csrf: '' };

async function api(path, options) {
  const opts = { ...(options || {}) };
  const method = (opts.method || 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') {
    // the server refuses a state change from a signed-in session without its CSRF token
    if (!session.csrf && !cookie('csrf')) await loadSession();
    const token = session.csrf || cookie('csrf');
    if (token) opts.headers = { ...(opts.headers || {}), 'X-CSRF-Token': token };
  }
  let res;
  try {
    res = await fetch(path, opts);
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
  // the page is Chinese only: the English message stays at hand (hover, or a screen reader's
  // description) for whoever supports the user, without mixing languages on screen
  return h('div', { class: 'error-box', role: 'alert', title: e.en || null, lang: 'zh-CN' }, (e.zh || '') + where);
}

// ---- dates: 2026-03-01 → 2026年3月1日, every page through these ----

function dateText(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
  return m ? `${+m[1]}年${+m[2]}月${+m[3]}日` : (iso || '');
}
// Text the server wrote (an explanation: "成立于 2018-10-05，截至 2026-12-02 满 8 年") with each ISO
// date in it as 2026年12月2日.
function zhDates(text) {
  return text == null ? text : String(text).replace(/\b(\d{4})-(\d{2})-(\d{2})\b/g, (d) => dateText(d));
}
// Qingdao's clock (UTC+8, no daylight saving), whatever the browser's time zone: a day and a
// moment read the same for every user and for the server.
function beijing(ms) { return new Date(ms + 8 * 3600 * 1000); }
// Unix seconds → 2026年3月1日 09:05 (Beijing time); '' for none.
function timeText(seconds) {
  if (!seconds) return '';
  const d = beijing(seconds * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}
// Today in Beijing as 2026-03-01 (a date input's value).
function todayISO() { return beijing(Date.now()).toISOString().slice(0, 10); }

// Server text that carries "中文 / English: detail" (the extractor's notes: "资质不在字段词典中 /
// qualification not in the dictionary: 独立法人资格"); the page is in Chinese: the English goes, the detail stays
// ("资质不在字段词典中：独立法人资格"). Only a slash with a space either side parts the languages
// (GB/T 4754 is a name); a colon before a lower-case word is still English ("a range: the upper
// end is proposed").
function zhOnly(t) {
  return String(t).replace(/\s+\/\s+[A-Za-z](?:(?!\s\/\s)(?::\s*(?=[a-z])|[^:\u3000-\u9fff\uff00-\uffef]))*(?::\s*|$)/g, (m) => (/:\s*$/.test(m) ? '：' : ''));
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
// 万元 for reading: at most two decimals (961.730847 万元 reads as 约 961.73 万元); "约" says it was
// rounded, and the exact value is always beside it. wanText stays exact: it fills input fields.
function wanShort(fenIn) {
  let fen = toFen(fenIn); const neg = fen < 0n; if (neg) fen = -fen;
  const cents = (fen + 5000n) / 10000n; // hundredths of a 万元, rounded half up
  if (cents * 10000n === fen) return wanText(fenIn);
  if (cents === 0n) return (neg ? '-' : '') + '不足 0.01 万元';
  const dec = (cents % 100n).toString().padStart(2, '0').replace(/0+$/, '');
  return '约 ' + (neg ? '-' : '') + groupDigits((cents / 100n).toString()) + (dec ? '.' + dec : '') + ' 万元';
}
// 万元 shown, the exact 元 on hover and in a smaller note (also read by screen readers).
function moneyNode(fen) {
  return h('span', { class: 'money-pair' }, h('span', { class: 'money', title: '精确值 ' + yuanText(fen), tabindex: '0' }, wanShort(fen)),
    h('span', { class: 'exact' }, yuanText(fen)));
}

// ---- the shared header: brand, navigation, search box, signed-in user ----

// Each entry: [key, text, href, roles that see it (empty: everyone)]. While the server has no
// sign-in every entry shows; signed out, only the public ones.
const NETWORK = ['commissioner', 'station', 'centre', 'hub'];
const STAFF = [...NETWORK, 'officer', 'reviewer', 'finance', 'admin'];
const NAV = [
  ['list', '企业查询', 'index.html#/', STAFF],
  ['mine', '我的政策', 'mine.html', ['enterprise', ...STAFF]],
  ['policy', '政策发布', 'policy.html', ['officer', 'hub', 'admin']],
  ['search', '政策搜索', 'search.html', []],
  ['review', '审核兑付', 'review.html', ['reviewer', 'finance', 'officer', 'hub', 'admin']],
  ['commissioner', '服务专员', 'commissioner.html', NETWORK],
  ['inbox', '消息', 'inbox.html', ['enterprise', ...STAFF]],
  ['library', '政策文库', 'library.html', []],
  ['ticket', '诉求办理', 'ticket.html', ['enterprise', ...STAFF]],
  ['dashboard', '数据看板', 'dashboard.html', STAFF],
  ['dock-needs', '融资对接', 'dock-needs.html', ['bank']],
  ['dock-investor', '投资对接', 'dock-investor.html', ['investor']],
  ['dock-meet', '对接会', 'dock-meet.html', ['enterprise', 'bank', 'investor']],
  ['dock-events', '对接活动', 'dock-events.html', [...NETWORK, 'officer', 'admin']]
];

function navLinks(active) {
  const role = session.me ? session.me.role : session.hasAuth ? 'anonymous' : null;
  return NAV.filter(([, , , roles]) => !role || !roles.length || roles.includes(role))
    .map(([key, text, href]) => h('a', { href, 'data-nav': key, class: key === active ? 'active' : null,
      'aria-current': key === active ? 'page' : null }, text));
}

function userBox() {
  const box = h('div', { class: 'user', id: 'user-box' });
  const me = session.me;
  if (me) {
    box.append(h('span', { class: 'user-name' }, me.username),
      me.role_label ? h('span', { class: 'tag user-role' }, me.role_label) : null,
      h('button', { class: 'btn plain small', type: 'button', onclick: logout }, '退出'));
  } else if (session.hasAuth && document.body.dataset.nav !== 'login') {
    box.append(h('a', { class: 'btn plain small', href: 'login.html?next=' + encodeURIComponent(location.pathname + location.search + location.hash) }, '登录'));
  }
  return box;
}

async function logout() {
  await api('/api/auth/logout', { method: 'POST' });
  location.href = 'login.html';
}

function renderHeader() {
  const top = document.getElementById('top');
  if (!top) return;
  const active = document.body.dataset.nav || '';
  const q = h('input', { type: 'search', name: 'q', id: 'top-q', placeholder: '搜政策，如 高企认定奖励', 'aria-label': '搜索政策',
    value: active === 'search' ? (new URLSearchParams(location.search).get('q') || '') : null });
  const search = h('form', { class: 'top-search', role: 'search', action: 'search.html', method: 'get' },
    q, h('button', { class: 'btn', type: 'submit' }, '搜索'));
  const nav = h('nav', { class: 'nav', id: 'main-nav', 'aria-label': '主导航' }, navLinks(active));
  const toggle = h('button', { class: 'nav-toggle', type: 'button', 'aria-controls': 'main-nav', 'aria-expanded': 'false' }, '菜单');
  toggle.addEventListener('click', () => {
    const open = !top.classList.contains('open');
    top.classList.toggle('open', open);
    toggle.setAttribute('aria-expanded', String(open));
  });
  top.replaceChildren(h('div', { class: 'top-inner' },
    h('a', { class: 'brand', href: 'index.html#/' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '惠'),
      h('span', { class: 'brand-text' }, h('strong', {}, '青岛惠企政策精准匹配平台'), h('small', {}, '对接 · 政策找企业 企业找政策'))),
    search, userBox(), toggle, nav));
}

// Who is signed in (GET /api/auth/me: {user: {username, role, role_label}, role, label, scope,
// csrf}, 401 when nobody is); a 404 means this server has no sign-in.
function setSession(body) {
  const u = body.user && typeof body.user === 'object' ? body.user : { username: body.user };
  session.me = { username: u.username || '', role: body.role || u.role, role_label: body.label || u.role_label || '',
    scope: body.scope || {}, uscc: (body.scope && body.scope.uscc) || null };
  session.csrf = body.csrf || '';
}

async function loadSession() {
  const r = await api('/api/auth/me');
  session.hasAuth = r.status !== 404;
  if (r.ok && r.body && r.body.signed_in !== false) setSession(r.body);
  renderHeader();
  return session.me;
}

// A page that needs someone signed in: sends the visitor to login.html and back.
function requireSignIn() {
  if (session.hasAuth && !session.me) {
    location.href = 'login.html?next=' + encodeURIComponent(location.pathname + location.search + location.hash);
    return false;
  }
  return true;
}

const sessionReady = (() => { renderHeader(); return loadSession(); })();
