// Every page the role flows do not walk, opened by the user it is for (服务专员 and its 服务包, 站内信,
// 诉求, 诉求办理, 订阅设置, 政策文库): its main content is shown, it fits the viewport, it is
// screenshotted (shot() also checks that no English word is on screen), nothing went to the console. Also proves the harness itself: an error logged
// on a page is caught (so "no console errors" in every flow can fail), and every link and button
// on the enterprise's 我的政策 is reachable with Tab.
'use strict';

const PAGES = [
  ['commissioner', 'commissioner', 'commissioner.html', '#cm-queue tbody tr'],
  ['servicepack', 'commissioner', 'servicepack.html?uscc={uscc}', '#sp-content > *'],
  ['inbox', 'enterprise', 'inbox.html', '#i-list > *'],
  ['ticket', 'enterprise', 'ticket.html', '#t-list > *'],
  ['subscriptions', 'enterprise', 'subscriptions.html', '#p-topics input'],
  ['tickets-admin', 'admin', 'tickets-admin.html', '#q-list table, #q-list .empty'],
  ['library', 'admin', 'library.html', '#l-list table, #l-msg']
];

const flow = async ({ base, page, context, check, shot, checkFits, checkNoErrors, signIn }) => {
  // the harness catches what a page logs as an error
  await page.goto(base + '/login.html');
  await page.evaluate(() => console.error('probe: a logged error'));
  await page.waitForTimeout(50);
  check('console errors are caught by the harness', page.errors.some((e) => e.includes('probe: a logged error')), page.errors);
  page.errors.length = 0;

  const ent = { ...(await signIn(base, 'enterprise')) }; // signIn returns the shared session: copy it
  const uscc = ent.me && ent.me.scope ? ent.me.scope.uscc : '';
  for (const [name, role, url, ready] of PAGES) {
    const who = await signIn(base, role);
    await context.clearCookies();
    if (who.cookie) await context.addCookies([{ name: 'duijie_session', value: who.cookie, url: base, httpOnly: true, sameSite: 'Lax' }]);
    await page.goto(base + '/' + url.replace('{uscc}', encodeURIComponent(uscc)));
    await page.locator(ready).first().waitFor();
    check(`${name}: no error shown`, await page.locator('main .error-box').count() === 0, await page.locator('main').innerText().catch(() => ''));
    await checkFits(page, name);
    await shot(page, 'page-' + name);
    checkNoErrors(page, name);
  }

  // keyboard: Tab reaches every link, button and field on 我的政策, in order, none skipped
  await context.clearCookies();
  await context.addCookies([{ name: 'duijie_session', value: ent.cookie, url: base, httpOnly: true, sameSite: 'Lax' }]);
  await page.goto(base + '/mine.html');
  await page.locator('#total-money').waitFor();
  const want = await page.evaluate(() => [...document.querySelectorAll('a[href], button, input, select, summary, [tabindex="0"]')]
    .filter((e) => !e.disabled && e.offsetParent !== null && e.tabIndex >= 0).length);
  const seen = new Set();
  const faint = [];
  for (let i = 0; i < want + 5; i++) {
    await page.keyboard.press('Tab');
    const k = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return null;
      if (!e.dataset.tabProbe) e.dataset.tabProbe = String(Math.random());
      // where Tab got to must show on the white page: an outline of 3:1 contrast against white
      // (WCAG 2.2 focus appearance); the header's yellow outline was 1.4:1 on the cards
      let faint = null;
      if (e.closest('main') && !['INPUT', 'SELECT', 'TEXTAREA'].includes(e.tagName) || e.type === 'checkbox') {
        const cs = getComputedStyle(e);
        const rgb = (cs.outlineColor.match(/\d+(\.\d+)?/g) || []).slice(0, 3).map(Number);
        const lum = rgb.map((c) => c / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
        const L = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2];
        const ratio = 1.05 / (L + 0.05);
        // 'auto' is the browser's own focus ring, drawn to be seen
        if (cs.outlineStyle !== 'auto' && (cs.outlineStyle === 'none' || parseFloat(cs.outlineWidth) < 2 || ratio < 3)) faint = `${e.textContent.trim().slice(0, 10) || e.tagName} ${cs.outlineColor} ${ratio.toFixed(1)}:1`;
      }
      return [e.dataset.tabProbe, faint];
    });
    if (k) { seen.add(k[0]); if (k[1]) faint.push(k[1]); }
  }
  check('Tab reaches every control on 我的政策', seen.size >= want, [seen.size, want]);
  check('focus visible on 我的政策 (outline 3:1 against white)', faint.length === 0, faint.slice(0, 5));
  checkNoErrors(page, 'mine keyboard');
};
module.exports = flow;
module.exports.role = 'admin';
