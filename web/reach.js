// Helpers the reach pages share (inbox, subscriptions, requests, request queue, library): the page
// header with its navigation, dates in Chinese, labels of states and kinds. Builds DOM only through
// h() from common.js (text nodes), never innerHTML.
'use strict';

function zhDate(iso) {
  return iso ? dateText(iso) : '—';
}

function zhTime(seconds) {
  return timeText(seconds) || '—';
}

const TICKET_STATES = { received: '已接收', assigned: '已分派', in_progress: '办理中', answered: '已答复',
  closed: '已办结', transferred: '已转办', escalated: '超期升级' };
const TICKET_KINDS = { question: '政策咨询', disclosure: '依申请公开', problem: '问题反映' };
const TOPICS = { publish: '新政策匹配', deadline: '申报截止提醒', digest: '每日汇总', notice: '通知公告',
  application: '申报进度', commissioner: '服务专员', ticket: '诉求办理' };

function stateTag(s) { return h('span', { class: 'state ' + s }, TICKET_STATES[s] || s); }

// The reach pages' own row of links under the shared header (common.js draws the header).
function reachNav(active) {
  const links = [['inbox.html', '站内信'], ['subscriptions.html', '订阅设置'], ['ticket.html', '我的诉求'],
    ['tickets-admin.html', '诉求办理'], ['library.html', '政策文件库']];
  const nav = document.getElementById('reach-nav');
  if (!nav) return;
  nav.replaceChildren(...links.map(([href, label]) =>
    h('a', { href, class: href === active ? 'active' : null, 'aria-current': href === active ? 'page' : null }, label)));
}
