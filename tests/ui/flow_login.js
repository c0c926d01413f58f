// 登录 (login.html): keyboard only — type the user name, Tab, the password, Enter. A wrong
// password is refused with the server's message; the right one lands on the role's page with the
// user shown in the header and 退出 signing out. On a server without sign-in the page says so.
'use strict';
const flow = async ({ base, page, phone, check, shot, checkFits, checkNoErrors, getJSON }) => {
  await page.goto(base + '/login.html');
  await page.locator('#login-user').waitFor();
  check('focus starts in the user name', await page.evaluate(() => document.activeElement.id) === 'login-user');
  await checkFits(page, 'login');
  await shot(page, 'login');
  const hasAuth = (await getJSON(base, '/api/auth/me')).status !== 404;
  await page.keyboard.type('demo_officer');
  await page.keyboard.press('Tab');
  await page.keyboard.type('wrong-password');
  await page.keyboard.press('Enter');
  const msg = page.locator('#login-msg .error-box');
  await msg.waitFor();
  if (!hasAuth) {
    check('says sign-in is not enabled', (await msg.innerText()).includes('未开启登录'));
    checkNoErrors(page, 'login');
    return;
  }
  check('wrong password refused', (await msg.innerText()).length > 0);
  await page.fill('#login-pass', 'Demo@2026');
  await page.keyboard.press('Enter');
  await page.waitForURL(/policy\.html/);
  await page.locator('#user-box .user-name').waitFor({ state: 'attached' });
  if (phone) { // the menu folds the nav and the user away on a phone
    await page.getByRole('button', { name: '菜单' }).click();
    check('menu opens', await page.getByRole('button', { name: '菜单' }).getAttribute('aria-expanded') === 'true');
  }
  check('header shows the user', (await page.locator('#user-box').innerText()).includes('政策发布'));
  check('officer sees 政策发布 in the nav', await page.locator('.nav a[data-nav="policy"]').isVisible());
  await shot(page, 'signed-in');
  await page.locator('#user-box button', { hasText: '退出' }).click();
  await page.waitForURL(/login\.html/);
  checkNoErrors(page, 'login');
};
module.exports = flow;
module.exports.role = 'anonymous';
