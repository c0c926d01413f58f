#!/usr/bin/env bash
# The reach pages in a real browser (playwright-core driving Debian's Chromium, the harness of
# tests/ui/lib.js): the document library lists what `duijie library put` stored, facets narrow it,
# a document opens with its 文号, clauses and a link to the original file whose bytes are the
# stored ones; the personal pages (站内信, 订阅设置, 我的诉求, 诉求办理) say "sign in" to an anonymous
# visitor; no console errors, and every page fits a 390 px phone. Skips without Chromium or Node.
. "$(dirname "$0")/lib/suite.sh"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
skip() {
    skipped "reach_browser: $*"
    suite_end
}
[ -x "$CHROMIUM" ] || skip "no $CHROMIUM"
suite_needs node
node -e 'require("playwright-core")' 2>/dev/null || skip "no playwright-core (make web)"
db=$tmp/r.db
$D demo --enterprises 300 --seed 2 --db "$db" --clauses 3 --no-library >/dev/null 2>&1
printf '%%PDF-1.4 青岛 test\n' >"$tmp/zjtx.pdf"
$D library put --db "$db" --title "关于支持专精特新企业发展的若干政策" --doc-no "青政发〔2025〕8号" \
    --authority 青岛市人民政府 --level 市 --region 青岛市 --theme 企业培育 --issued 2025-06-01 \
    --policy 1 --file "$tmp/zjtx.pdf" --mime application/pdf >/dev/null
$D library put --db "$db" --title "崂山区科技创新扶持办法" --doc-no "崂政发〔2026〕2号" \
    --authority 崂山区人民政府 --level 区 --region 崂山区 --theme 科技创新 --issued 2026-02-10 >/dev/null
serve_start srv --db "$db" --web web || { echo "FAIL server did not start"; echo "0 passed, 1 failed"; exit 1; }
cat >"$tmp/flow.js" <<'JS'
'use strict';
const path = require('path');
const { chromium } = require('playwright-core');
const lib = require(path.resolve('tests/ui/lib.js'));
const { check, newPage, checkFits, checkNoErrors } = lib;
(async () => {
  const base = process.argv[2];
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    for (const [vname, viewport] of Object.entries(lib.VIEWPORTS)) {
      const { context, page } = await newPage(browser, viewport, 'reach/' + vname);
      await page.goto(base + '/library.html');
      await page.waitForFunction(() => document.querySelectorAll('#l-list tbody tr').length === 2);
      check(`${vname}: library lists both documents`, true);
      await page.click('text=崂山区人民政府（1）');
      await page.waitForFunction(() => document.querySelectorAll('#l-list tbody tr').length === 1);
      check(`${vname}: a facet narrows the list`,
        (await page.locator('#l-list tbody').innerText()).includes('崂政发〔2026〕2号'));
      await page.fill('#l-authority', '');
      await page.click('#l-form button[type=submit]');
      await page.waitForFunction(() => document.querySelectorAll('#l-list tbody tr').length === 2);
      await page.click('text=关于支持专精特新企业发展的若干政策');
      await page.waitForSelector('#l-detail .kv');
      const detail = await page.locator('#l-detail').innerText();
      check(`${vname}: the document shows its 文号 and date`, detail.includes('青政发〔2025〕8号') && detail.includes('2025年6月1日'), detail.slice(0, 200));
      const href = await page.locator('#l-detail a[href$="/file"]').getAttribute('href');
      const file = await (await fetch(base + href)).arrayBuffer();
      check(`${vname}: the original file comes back as stored`, Buffer.from(file).toString('utf8').startsWith('%PDF-1.4 青岛'));
      check(`${vname}: its clauses are listed`, (await page.locator('#l-detail li').count()) >= 1);
      await checkFits(page, `${vname} library`);
      checkNoErrors(page, `${vname} library`);
      for (const [p, sel] of [['inbox.html', '#i-msg'], ['subscriptions.html', '#p-msg'], ['ticket.html', '#t-list'], ['tickets-admin.html', '#q-msg']]) {
        await page.goto(base + '/' + p);
        await page.waitForSelector(sel + ' .error-box');
        check(`${vname}: ${p} asks an anonymous visitor to sign in`, /登录/.test(await page.locator(sel).innerText()));
        check(`${vname}: ${p} has the reach links`, (await page.locator('#reach-nav a').count()) === 5);
        await checkFits(page, `${vname} ${p}`);
        checkNoErrors(page, `${vname} ${p}`);
      }
      await context.close();
    }
  } catch (e) {
    check('flow ran to the end', false, String(e && e.stack || e).slice(0, 600));
  } finally {
    await browser.close();
    console.log(`${lib.results.passed} passed, ${lib.results.failed} failed`);
  }
})();
JS
out=$(NODE_PATH="$PWD/node_modules" timeout 300 node "$tmp/flow.js" "$base" 2>&1)
echo "$out" | grep -v ' passed, .* failed$'
last=$(echo "$out" | tail -1)
echo "$last" | grep -qE '^[0-9]+ passed, [0-9]+ failed$' || { echo "FAIL browser run did not finish"; echo "0 passed, 1 failed"; exit 1; }
echo "$last"
echo "$last" | grep -q ' 0 failed$'
