// Browser benchmark (not a test): time from navigation to the first usable lab, that is to
// the "Buy now" button ([data-testid="buy"]) in the page, enabled and laid out. Each load is
// a fresh browser context (a first visit: nothing stored) with the cache disabled through the
// DevTools protocol, on loopback and under emulated slow 4G (150 ms round trip, 1.6 Mbit/s
// down, 750 kbit/s up). The build is served gzip-compressed, as any static host serves it
// and as the download budget counts it; slow 4G is measured uncompressed too, for comparison.
// Prints median and max per condition and writes target/bench/startup.json.
// Run with `make bench-browser` (or node tests/e2e/bench/startup-bench.mjs).
//
// Environment: STARTUP_LOADS (default 5) measured loads per condition, after one warm-up load.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { launchBrowser } from '../support/browser.mjs';
import { MIME, assertDistBuilt } from '../support/server.mjs';
import { tid, labUrl } from '../support/lab.mjs';
import { DIST, BENCH_OUT, ensureDir } from '../support/paths.mjs';

const LOADS = Number(process.env.STARTUP_LOADS ?? 5);
// Slow 4G as the issue gives it. DevTools adds the latency once per request (not per round
// trip of the connection's handshakes) and shares the bandwidth among all requests.
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 };
const CONDITIONS = [
  { name: 'loopback', gzip: true, network: null },
  { name: 'slow 4G', gzip: true, network: SLOW_4G },
  { name: 'slow 4G, uncompressed', gzip: false, network: SLOW_4G },
];
const USABLE_TIMEOUT_MS = 180_000;
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.wasm', '.css', '.json', '.svg', '.txt', '.md', '.webmanifest']);

/**
 * Serves dist/ on 127.0.0.1 like tests/e2e/support/server.mjs (no caching), gzip -9
 * compressed when `gzip()` says so and the browser accepts it. Returns { url, close() }.
 */
async function startBenchServer(gzip) {
  assertDistBuilt();
  const root = fs.realpathSync(DIST);
  const raw = new Map();
  const packed = new Map();
  const server = http.createServer((req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = path.join(root, path.normalize(pathname));
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('not found');
      return;
    }
    const ext = path.extname(file).toLowerCase();
    // Read (and compressed) once: the server's own time stays out of the figures.
    if (!raw.has(file)) raw.set(file, fs.readFileSync(file));
    let body = raw.get(file);
    const headers = {
      'content-type': MIME[ext] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    };
    if (gzip() && COMPRESSIBLE.has(ext) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
      if (!packed.has(file)) packed.set(file, zlib.gzipSync(body, { level: 9 }));
      body = packed.get(file);
      headers['content-encoding'] = 'gzip';
      headers.vary = 'accept-encoding';
    }
    headers['content-length'] = body.length;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/**
 * In every page, before its own scripts: notes the moment (ms since navigation started) the
 * Buy button is first in the document, enabled and laid out, and when the module started.
 */
function watchForUsable(sel) {
  window.__startup = {};
  const check = () => {
    if (window.__startup.usable !== undefined) return true;
    const b = document.querySelector(sel);
    if (!b || b.disabled) return false;
    const r = b.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0) return false;
    window.__startup.usable = performance.now();
    return true;
  };
  const observer = new MutationObserver(() => {
    if (check()) observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled', 'hidden', 'class'] });
  window.addEventListener('TrunkApplicationStarted', () => {
    window.__startup.started = performance.now();
  });
}

async function load(browser, url, condition) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  try {
    await context.addInitScript(watchForUsable, tid('buy'));
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    if (condition.network) await cdp.send('Network.emulateNetworkConditions', condition.network);
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__startup?.usable !== undefined, null, { timeout: USABLE_TIMEOUT_MS });
    // Playwright's own view agrees: the button is visible and enabled.
    const buy = page.locator(tid('buy'));
    if (!(await buy.isVisible()) || !(await buy.isEnabled())) throw new Error('the Buy button was seen usable, then not');
    const m = await page.evaluate(() => {
      const resources = performance.getEntriesByType('resource');
      const nav = performance.getEntriesByType('navigation')[0];
      const wasm = resources.find((r) => r.name.endsWith('.wasm'));
      return {
        usable_ms: window.__startup.usable,
        started_ms: window.__startup.started ?? null,
        wasm_loaded_ms: wasm ? wasm.responseEnd : null,
        dom_content_loaded_ms: nav ? nav.domContentLoadedEventEnd : null,
        transferred_bytes: [nav, ...resources].reduce((a, r) => a + (r?.encodedBodySize ?? 0), 0),
      };
    });
    return { ...m, page_errors: errors };
  } finally {
    await context.close();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

async function main() {
  let gzip = true;
  const server = await startBenchServer(() => gzip);
  const browser = await launchBrowser();
  const results = { when: new Date().toISOString(), chromium: browser.version(), loads_per_condition: LOADS, conditions: [] };
  try {
    const url = labUrl(server.url);
    // Not counted: the browser's first page pays for starting its processes.
    await load(browser, url, CONDITIONS[0]);
    for (const condition of CONDITIONS) {
      gzip = condition.gzip;
      process.stderr.write(`loading the lab ${LOADS} times, ${condition.name}...\n`);
      const loads = [];
      for (let i = 0; i < LOADS; i++) loads.push(await load(browser, url, condition));
      const usable = loads.map((l) => l.usable_ms);
      const wasm = loads.map((l) => l.wasm_loaded_ms).filter((v) => v !== null);
      results.conditions.push({
        name: condition.name,
        gzip: condition.gzip,
        network: condition.network,
        usable_ms_median: Math.round(median(usable)),
        usable_ms_max: Math.round(Math.max(...usable)),
        wasm_loaded_ms_median: wasm.length ? Math.round(median(wasm)) : null,
        transferred_kb: Number((median(loads.map((l) => l.transferred_bytes)) / 1024).toFixed(1)),
        loads,
      });
    }
  } finally {
    await browser.close();
    await server.close();
  }

  const pad = (s, n) => String(s).padStart(n);
  console.log(`\nFrom navigation to a usable lab (Buy now enabled), ${LOADS} loads each, cache disabled, first visit (Chromium ${results.chromium}, headless)`);
  console.log(`${'condition'.padEnd(24)} ${pad('median ms', 10)} ${pad('max ms', 8)} ${pad('.wasm in, median ms', 20)} ${pad('transferred', 12)}`);
  for (const c of results.conditions) {
    console.log(
      `${c.name.padEnd(24)} ${pad(c.usable_ms_median, 10)} ${pad(c.usable_ms_max, 8)} ${pad(c.wasm_loaded_ms_median ?? 'n/a', 20)} ${pad(`${c.transferred_kb} KB`, 12)}`,
    );
  }
  console.log(`slow 4G: ${SLOW_4G.latency} ms round trip, ${(SLOW_4G.downloadThroughput * 8) / 1e6} Mbit/s down, ${(SLOW_4G.uploadThroughput * 8) / 1e3} kbit/s up (DevTools network emulation)`);
  for (const c of results.conditions) {
    const errs = c.loads.flatMap((l) => l.page_errors);
    if (errs.length) console.log(`page errors, ${c.name}: ${errs.join('; ')}`);
  }
  const out = path.join(ensureDir(BENCH_OUT), 'startup.json');
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), out) || out}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
