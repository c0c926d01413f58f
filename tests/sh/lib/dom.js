// The DOM of a page after its scripts ran, from headless Chromium over the DevTools protocol: what
// `chromium --dump-dom --virtual-time-budget` gives, with a session cookie set first (pages that
// call endpoints needing a session). Writes the HTML to stdout and one line per script error or
// refused resource (CSP) to stderr. Usage:
//   node --experimental-websocket dom.js WS URL [COOKIE]      (COOKIE: "name=value")
'use strict';
const [wsUrl, url, cookie] = process.argv.slice(2);
const ws = new WebSocket(wsUrl);
let nextId = 1;
const waiting = new Map();
let budgetDone = null, loaded = null;
ws.onmessage = (m) => {
  const d = JSON.parse(m.data);
  if (d.id && waiting.has(d.id)) { waiting.get(d.id)(d); waiting.delete(d.id); }
  if (d.method === 'Runtime.exceptionThrown') {
    const e = d.params.exceptionDetails;
    console.error('Uncaught', e.text, (e.exception && e.exception.description) || '');
  }
  if (d.method === 'Runtime.consoleAPICalled' && d.params.type === 'error')
    console.error('Error', JSON.stringify(d.params.args.map((a) => a.value || a.description)));
  if (d.method === 'Log.entryAdded' && /Refused to/.test(d.params.entry.text)) console.error(d.params.entry.text);
  if (d.method === 'Emulation.virtualTimeBudgetExpired' && budgetDone) budgetDone();
  if (d.method === 'Page.loadEventFired' && loaded) loaded();
};
function send(method, params) {
  const id = nextId++;
  ws.send(JSON.stringify({ id, method, params: params || {} }));
  return new Promise((res) => waiting.set(id, res));
}
ws.onopen = async () => {
  try {
    await send('Runtime.enable'); await send('Log.enable'); await send('Page.enable'); await send('Network.enable');
    if (cookie) {
      const eq = cookie.indexOf('=');
      await send('Network.setCookie', { name: cookie.slice(0, eq), value: cookie.slice(eq + 1), url, httpOnly: true, sameSite: 'Lax' });
    }
    const isLoaded = new Promise((res) => { loaded = res; });
    await send('Page.navigate', { url });
    await Promise.race([isLoaded, new Promise((res) => setTimeout(res, 30000))]);
    // then 8 s of virtual time that stands still while fetches are pending (--virtual-time-budget)
    const done = new Promise((res) => { budgetDone = res; });
    await send('Emulation.setVirtualTimePolicy', { policy: 'pauseIfNetworkFetchesPending', budget: 8000 });
    await Promise.race([done, new Promise((res) => setTimeout(res, 60000))]);
    const r = await send('Runtime.evaluate', { expression: 'document.documentElement.outerHTML', returnByValue: true });
    process.stdout.write(r.result.result.value + '\n');
    await send('Emulation.setVirtualTimePolicy', { policy: 'advance' });
  } catch (e) {
    console.error('Uncaught in dom.js', String(e));
  }
  ws.close();
  process.exit(0);
};
