// 投资机构 (dock-investor.html) as demo_investor: its own page only — no picker of other investors;
// its profile when its account belongs to an investor organisation, else a clear note saying the
// account is not linked yet; the pairs formed explained in Chinese only; an organiser's page
// (dock-roadshow) sends it back here and its navigation lists none. Fits 390 wide.
'use strict';

const flow = async ({ base, page, check, shot, checkFits, checkNoErrors, getJSON }) => {
  const match = await getJSON(base, '/api/dock/investors/match');
  check('investors/match answers an investor', match.status === 200, match.status);
  const own = (match.body && match.body.investors) || [];
  await page.goto(base + '/dock-investor.html#investor=999');
  if (own.length) {
    await page.locator('#inv-name').waitFor();
    check('its own profile', (await page.locator('#inv-name').innerText()) === own[0].name);
  } else {
    await page.locator('#inv-unlinked').waitFor();
    check('says the account is not linked', (await page.locator('#inv-unlinked').innerText()).includes('尚未关联'));
  }
  check('no picker of other investors', await page.locator('#inv-pick-card').isHidden());
  if (own.length) { // the pairs formed say why in Chinese only (the server's "中文 / English")
    const pairs = await page.locator('#inv-pairs').innerText();
    check('pairs explained in Chinese only', !/matched:|ranks|blocking|is full|did not choose/.test(pairs), pairs.slice(0, 200));
  }
  // the organiser's pages are not its own: it lands on its page (or 我的对接会 for an event)
  await page.goto(base + '/dock-roadshow.html');
  await page.waitForURL(/dock-investor\.html/);
  check('an organiser page sends it to its own', true);
  check('its navigation has no organiser pages',
    await page.locator('header nav a[href^="dock-roadshow.html"], header nav a[href^="dock-listing.html"]').count() === 0);
  await page.goto(base + '/dock-investor.html');
  await checkFits(page, 'dock-investor-self');
  await shot(page, 'dock-investor-self');
  checkNoErrors(page, 'dock-investor-self');
};
module.exports = flow;
module.exports.role = 'investor';
