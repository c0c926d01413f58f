// 对接 pages: whose page is which. An organiser's page (对接会管理, 资本路演, 项目库与上市梯队, 供需撮合)
// opened by an enterprise, bank or investor — or the participant's 我的对接会 opened by an
// organiser — sends the visitor to its own page (the event in the address kept) instead of
// showing buttons the server refuses; and each dock page's navigation keeps only the links the
// signed-in role can use. The server decides who may do what (src/auth/authz.def, dock_view_of);
// this only spares people pages that are not for them.
'use strict';

const DOCK_ORGANISERS = ['admin', 'hub', 'officer', 'centre', 'station', 'commissioner'];
const DOCK_PAGE_ROLES = {
  'dock-meet.html': ['enterprise', 'bank', 'investor'],
  'dock-investor.html': ['investor', ...DOCK_ORGANISERS],
  'dock-events.html': DOCK_ORGANISERS,
  'dock-roadshow.html': DOCK_ORGANISERS,
  'dock-listing.html': DOCK_ORGANISERS,
  'dock-supply.html': DOCK_ORGANISERS
};

// Where a role goes from a page that is not for it.
function dockHomeFor(role, page) {
  const event = new URLSearchParams(location.hash.slice(1)).get('event');
  const keep = event ? '#event=' + encodeURIComponent(event) : '';
  if (DOCK_ORGANISERS.includes(role)) return 'dock-events.html' + keep;
  if (role === 'investor') return page === 'dock-events.html' ? 'dock-meet.html' + keep : 'dock-investor.html';
  if (role === 'bank') return page === 'dock-events.html' ? 'dock-meet.html' + keep : 'dock-needs.html';
  if (role === 'enterprise') return 'dock-meet.html' + keep;
  return 'index.html#/';
}

function dockAllowed(role, page) {
  const roles = DOCK_PAGE_ROLES[page];
  return !roles || roles.includes(role);
}

sessionReady.then(() => {
  const role = session.me && session.me.role;
  if (!role) return;
  const here = location.pathname.split('/').pop() || '';
  if (!dockAllowed(role, here)) {
    location.replace(dockHomeFor(role, here));
    return;
  }
  for (const a of document.querySelectorAll('header nav a[href]')) {
    const page = (a.getAttribute('href') || '').split('#')[0];
    if (!dockAllowed(role, page)) a.remove();
  }
});
