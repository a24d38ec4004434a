// Browser benchmark (not a test): how long seeking takes in a 10-minute run. Each lab is
// loaded with ?until=600 (run ten simulated minutes, then pause); then the Jump control
// seeks to moments spread over the run, back and forth, and the time from the click to the
// page showing that moment is measured inside the page. Prints a table and writes
// target/bench/seek.json. Run with `make bench-browser` (or node tests/e2e/bench/seek-bench.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { startServer } from '../support/server.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { tid, labUrl } from '../support/lab.mjs';
import { BENCH_OUT, ensureDir } from '../support/paths.mjs';

const RUN_S = 600;
const TARGET_MS = 100;
const LABS = [
  { name: 'checkout, 2 orders/s (the default lab)', params: { scenario: 'checkout', wiring: 'event' } },
  { name: 'checkout, 20 orders/s, every delivery fault', params: {
    scenario: 'checkout', wiring: 'event', rate: 20,
    fault: ['drop:broker:0.1', 'duplicate:broker:0.1', 'delay:email:0.3:500ms', 'crash-before-ack:analytics:0.05', 'errors:inventory:0.1'],
  } },
  { name: 'flash sale, 200 orders/s', params: { scenario: 'flash-sale', wiring: 'event' } },
];
// Moments to seek to, in seconds: back and forth across the whole run, ending at the end.
const MOMENTS = [300, 12, 599, 450.5, 30, 240, 598.9, 1, 377, 123.4, 555, 60, 480, 200, 600];

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

async function seekTimes(page) {
  const times = [];
  for (const s of MOMENTS) {
    const ms = await page.evaluate(
      ({ s, jump, go, status }) =>
        new Promise((resolve) => {
          const input = document.querySelector(jump);
          input.value = String(s);
          input.dispatchEvent(new InputEvent('input', { bubbles: true }));
          const want = String(Math.round(s * 1e6));
          // Let Yew take the typed value before the click is timed.
          requestAnimationFrame(() => {
            const t0 = performance.now();
            document.querySelector(go).click();
            const check = () => {
              if (document.querySelector(status)?.getAttribute('data-now-us') === want) {
                resolve(performance.now() - t0);
              } else {
                requestAnimationFrame(check);
              }
            };
            check();
          });
        }),
      { s, jump: tid('jump-to'), go: tid('jump-go'), status: tid('timeline-status') },
    );
    times.push(ms);
  }
  return times;
}

async function main() {
  const server = await startServer();
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const results = [];
  try {
    for (const lab of LABS) {
      const page = await context.newPage();
      const pairs = Object.entries({ ...lab.params, until: RUN_S }).flatMap(([k, v]) =>
        Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]],
      );
      await page.goto(labUrl(server.url, pairs));
      await page.locator(tid('timeline-status')).waitFor({ timeout: 120_000 });
      await page.waitForFunction(
        ({ sel, us }) => document.querySelector(sel)?.getAttribute('data-now-us') === us,
        { sel: tid('timeline-status'), us: String(RUN_S * 1e6) },
        { timeout: 120_000 },
      );
      const times = await seekTimes(page);
      if (process.env.SEEK_VERBOSE) console.log(lab.name, MOMENTS.map((s, i) => `${s}s:${times[i].toFixed(0)}`).join(" "));
      await page.close();
      const sorted = [...times].sort((a, b) => a - b);
      results.push({
        lab: lab.name,
        seeks: times.length,
        p50_ms: +quantile(sorted, 0.5).toFixed(1),
        p95_ms: +quantile(sorted, 0.95).toFixed(1),
        max_ms: +sorted[sorted.length - 1].toFixed(1),
        meets_target: sorted[sorted.length - 1] <= TARGET_MS,
      });
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`Seeking in a ${RUN_S / 60}-minute run (click to the moment shown), target <= ${TARGET_MS} ms:`);
  for (const r of results) {
    console.log(`  ${r.lab.padEnd(46)} p50 ${r.p50_ms} ms  p95 ${r.p95_ms} ms  max ${r.max_ms} ms  ${r.meets_target ? 'ok' : 'OVER TARGET'}`);
  }
  ensureDir(BENCH_OUT);
  fs.writeFileSync(path.join(BENCH_OUT, 'seek.json'), JSON.stringify({ run_s: RUN_S, target_ms: TARGET_MS, results }, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
