// Runs the browser flows (tests/ui/flow_*.js) against a running `duijie serve` at BASE, each at
// 1366×768 and 390×844, signed in as demo_<flow.role> (admin when a flow names none). Usage: node tests/ui/run.js BASE [flow…]. Prints "N passed, N failed".
// CHROMIUM names the browser (default /usr/bin/chromium); nothing is downloaded.
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');
const lib = require('./lib');

async function main() {
  const [base, ...only] = process.argv.slice(2);
  // in name order, except that a flow may say it comes later (the dashboard after the flows that
  // make the money it shows)
  const order = (f) => require(path.join(__dirname, f)).order || 50;
  const flows = fs.readdirSync(__dirname).filter((f) => /^flow_.*\.js$/.test(f)).sort()
    .filter((f) => !only.length || only.includes(f.slice(5, -3)))
    .sort((a, b) => order(a) - order(b));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--lang=zh-CN'],
    // Chromium on Linux takes its UI language (date inputs: 年/月/日, not mm/dd/yyyy) from LANGUAGE,
    // not --lang; the zh-CN pack is Debian's chromium-l10n (scripts/deps.sh --with-browser)
    env: { ...process.env, LANGUAGE: 'zh_CN' } });
  try {
    for (const f of flows) {
      const flow = require(path.join(__dirname, f));
      await lib.signIn(base, flow.role || 'admin');
      for (const [vname, viewport] of Object.entries(lib.VIEWPORTS)) {
        const { context, page } = await lib.newPage(browser, viewport, `${f}/${vname}`);
        try {
          await flow({ base, page, context, viewport, phone: vname === 'phone', ...lib });
        } catch (e) {
          lib.check(`${f} at ${vname} ran to the end`, false, String(e && e.stack || e).slice(0, 600) + ' | page errors: ' + JSON.stringify(page.errors).slice(0, 600));
        }
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
}

main().catch((e) => lib.check('runner', false, String(e && e.stack || e)))
  .finally(() => {
    console.log(`${lib.results.passed} passed, ${lib.results.failed} failed`);
    process.exitCode = lib.results.failed ? 1 : 0;
  });
