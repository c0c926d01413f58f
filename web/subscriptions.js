// 订阅设置 — channels, topics, quiet hours and digest over GET/POST /api/notify/prefs.
'use strict';

const CHANNELS = { inapp: '站内信（始终开启）', email: '电子邮件', sms: '短信', wechat: '微信' };
const OPTIONAL_TOPICS = ['publish', 'deadline', 'digest', 'notice'];

function minutesToTime(m) {
  return m === null || m === undefined ? '' : `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
function timeToMinutes(t) {
  if (!t) return null;
  const [hh, mm] = t.split(':').map(Number);
  return hh * 60 + mm;
}

function render(p) {
  const ch = document.getElementById('p-channels');
  ch.replaceChildren();
  for (const [k, label] of Object.entries(CHANNELS))
    ch.append(h('label', {}, h('input', { type: 'checkbox', name: 'channel', value: k, checked: p.channels.includes(k), disabled: k === 'inapp' }), ' ' + label));
  const tp = document.getElementById('p-topics');
  tp.replaceChildren();
  const all = p.topics === '*';
  const chosen = all ? OPTIONAL_TOPICS : p.topics.split(',');
  for (const k of OPTIONAL_TOPICS)
    tp.append(h('label', {}, h('input', { type: 'checkbox', name: 'topic', value: k, checked: chosen.includes(k) }), ' ' + TOPICS[k]));
  document.getElementById('p-email').value = p.email || '';
  document.getElementById('p-phone').value = p.phone || '';
  document.getElementById('p-wechat').value = p.wechat || '';
  document.getElementById('p-qfrom').value = minutesToTime(p.quiet_from);
  document.getElementById('p-qto').value = minutesToTime(p.quiet_to);
  document.getElementById('p-digest').checked = !!p.digest;
}

async function load() {
  const r = await api('/api/notify/prefs');
  if (!r.ok) {
    document.getElementById('p-msg').replaceChildren(errorBox(r.body, r.status === 401 ? '请先登录' : '加载失败'));
    return;
  }
  render(r.body);
}

async function save(e) {
  e.preventDefault();
  const channels = [...document.querySelectorAll('input[name=channel]:checked')].map((x) => x.value);
  const topics = [...document.querySelectorAll('input[name=topic]:checked')].map((x) => x.value);
  const body = {
    channels: channels.includes('inapp') ? channels : ['inapp', ...channels],
    topics: topics.length === OPTIONAL_TOPICS.length ? '*' : (topics.join(',') || 'none'),
    email: document.getElementById('p-email').value.trim(),
    phone: document.getElementById('p-phone').value.trim(),
    wechat: document.getElementById('p-wechat').value.trim(),
    quiet_from: timeToMinutes(document.getElementById('p-qfrom').value),
    quiet_to: timeToMinutes(document.getElementById('p-qto').value),
    digest: document.getElementById('p-digest').checked,
  };
  const r = await postJSON('/api/notify/prefs', body);
  const msg = document.getElementById('p-msg');
  if (!r.ok) { msg.replaceChildren(errorBox(r.body, '保存失败')); return; }
  render(r.body);
  msg.replaceChildren(h('span', {}, '已保存'));
}

document.addEventListener('DOMContentLoaded', () => {
  reachNav('subscriptions.html');
  document.getElementById('p-form').addEventListener('submit', save);
  load();
});
