// 登录: POST /api/auth/login {username, password}; on success the session cookie is set by the
// server and the page goes where the visitor came from (?next=, same site only) or to the role's
// main page. Errors (wrong password, too many tries) are the server's, in Chinese.
'use strict';

const HOME = { enterprise: 'mine.html', officer: 'policy.html', reviewer: 'review.html', finance: 'review.html',
  bank: 'dock-needs.html', investor: 'dock-investor.html' };

function nextUrl(role) {
  const next = new URLSearchParams(location.search).get('next') || '';
  // only a path on this site: never another origin or a scheme
  if (/^\/(?!\/)[^\s\\]*$/.test(next) && !next.startsWith('/login.html')) return next;
  return HOME[role] || 'index.html#/';
}

document.getElementById('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const msg = document.getElementById('login-msg');
  const btn = document.getElementById('login-submit');
  const username = document.getElementById('login-user').value.trim();
  const password = document.getElementById('login-pass').value;
  if (!username || !password) { msg.replaceChildren(errorBox(null, '请输入用户名和密码')); return; }
  btn.disabled = true;
  msg.replaceChildren(h('p', { class: 'loading' }, '正在登录…'));
  const r = await postJSON('/api/auth/login', { username, password });
  btn.disabled = false;
  if (r.status === 404) { msg.replaceChildren(errorBox(null, '本服务器未开启登录，可直接使用各页面')); return; }
  if (!r.ok) { msg.replaceChildren(errorBox(r.body, '登录失败')); document.getElementById('login-pass').select(); return; }
  setSession(r.body);
  location.href = nextUrl(session.me.role);
});
