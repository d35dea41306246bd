// Opens a `collapse serve` run page in headless Chromium (the system's, never a downloaded one) and prints one JSON
// object: what the page showed, console and page errors, requests that left the server's origin, dialogs, whether any
// run text ran as script, and how many navigations happened. With "grow", it prints "READY <points>" once the first
// chart has drawn, then waits (up to 60 s) for that chart to gain points without a reload; the caller advances the
// run when it reads READY.
// Usage: node check-dashboard.mjs URL SCREENSHOT.png CHROMIUM [grow]
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, screenshot, executable = '/usr/bin/chromium', mode = ''] = process.argv.slice(2);
const origin = new URL(url).origin;
const profile = mkdtempSync(join(tmpdir(), 'collapselab-chromium-'));
const result = { ready: false, points: 0, grownTo: 0, grew: false, navigations: 0, charts: 0, consoleErrors: [], pageErrors: [],
                 requests: [], dialogs: [], injected: null, text: '' };
const context = await chromium.launchPersistentContext(profile, {
  executablePath: executable,
  headless: true,
  viewport: { width: 1300, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
try {
  // Only the dashboard's own origin is allowed; anything else is recorded and refused.
  await context.route('**/*', route => {
    if (route.request().url().startsWith(origin + '/')) return route.continue();
    result.requests.push(route.request().url());
    return route.abort();
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.on('console', m => { if (m.type() === 'error') result.consoleErrors.push(m.text()); });
  page.on('pageerror', e => result.pageErrors.push(String(e)));
  page.on('dialog', d => { result.dialogs.push(d.message()); d.dismiss(); });
  page.on('framenavigated', f => { if (f === page.mainFrame()) result.navigations++; });
  const points = () => page.evaluate(() => {
    const chart = document.querySelector('div.chart');
    return chart ? chart.querySelectorAll('g.mark-symbol path').length : 0;
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('body[data-updates]', { timeout: 30000 });
  await page.waitForFunction(() => document.querySelector('div.chart svg'), null, { timeout: 30000 });
  result.ready = true;
  result.points = await points();
  if (mode === 'grow') {
    console.log('READY ' + result.points);
    const deadline = Date.now() + 60000;
    while (Date.now() < deadline && (result.grownTo = await points()) <= result.points) await page.waitForTimeout(100);
    result.grew = result.grownTo > result.points;
  }
  Object.assign(result, await page.evaluate(() => ({
    charts: document.querySelectorAll('div.chart svg').length,
    injected: window.__collapselabInjected ?? null,
    text: document.body.innerText,
  })));
  await page.screenshot({ path: screenshot, fullPage: true });
} catch (e) {
  result.pageErrors.push('check-dashboard: ' + String(e));
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
