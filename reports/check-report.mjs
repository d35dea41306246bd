// Opens a CollapseLab report in headless Chromium (the system's, never a downloaded one) and prints one JSON
// object: how many charts drew with visible content, console errors, page errors, network requests, dialogs,
// whether any untrusted sample text ran, and how long the page took until every chart had drawn.
// Usage: node check-report.mjs REPORT.html SCREENSHOT.png [CHROMIUM]
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [report, screenshot, executable = '/usr/bin/chromium'] = process.argv.slice(2);
const url = pathToFileURL(resolve(report)).href;
const profile = mkdtempSync(join(tmpdir(), 'collapselab-chromium-'));
const result = { charts: 0, drawn: 0, failed: 0, ready: false, consoleErrors: [], pageErrors: [], requests: [], dialogs: [], injected: null, readyMs: null };
const context = await chromium.launchPersistentContext(profile, {
  executablePath: executable,
  headless: true,
  viewport: { width: 1300, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
try {
  // Anything but the report itself is recorded and refused: a report must need no network.
  await context.route('**/*', route => {
    if (route.request().url() === url) return route.continue();
    result.requests.push(route.request().url());
    return route.abort();
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.on('console', m => { if (m.type() === 'error') result.consoleErrors.push(m.text()); });
  page.on('pageerror', e => result.pageErrors.push(String(e)));
  page.on('dialog', d => { result.dialogs.push(d.message()); d.dismiss(); });
  const start = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  result.readyMs = Date.now() - start;
  result.ready = true;
  Object.assign(result, await page.evaluate(() => {
    const charts = [...document.querySelectorAll('div.chart')];
    let drawn = 0;
    for (const chart of charts) {
      const svg = chart.querySelector('svg.marks');
      const canvas = chart.querySelector('canvas.marks');
      if (svg && svg.querySelectorAll('path, line, rect, text').length > 0) { drawn++; continue; }
      if (canvas && canvas.width > 0 && canvas.height > 0) {
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let inked = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240)) inked++;
        if (inked > 200) drawn++;
      }
    }
    return {
      charts: charts.length,
      drawn,
      failed: Number(document.body.getAttribute('data-charts-failed')),
      injected: window.__collapselabInjected ?? null,
      sampleText: [...document.querySelectorAll('pre.sample')].map(p => p.textContent),
      images: document.querySelectorAll('img').length,
      drawMs: Number(document.body.getAttribute('data-draw-ms')),
      firstScreenMs: Number(document.body.getAttribute('data-first-screen-ms')),
    };
  }));
  await page.screenshot({ path: screenshot, fullPage: true });
} catch (e) {
  result.pageErrors.push('check-report: ' + String(e));
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
