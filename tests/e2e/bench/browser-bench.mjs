// Browser benchmark (not a test): frame time and long tasks at ~200 and ~2,000 messages in
// flight, and the gzip size of what the page loads. Prints a table and writes
// target/bench/browser.json. Run with `make bench-browser` (or node tests/e2e/bench/browser-bench.mjs).
//
// Environment: BENCH_SECONDS (default 10) measurement window per load level.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { startServer } from '../support/server.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { tid, labUrl } from '../support/lab.mjs';
import { DIST, BENCH_OUT, ensureDir } from '../support/paths.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const MAX_RATE = 50_000;
const LEVELS = [
  { target: 200, startRate: 1_400 },
  { target: 2_000, startRate: 14_000 },
];
// Frame time is the interval between animation frames. On a 60 Hz display it cannot be
// shorter than one refresh, 16.67 ms, and requestAnimationFrame timestamps jitter by a tenth
// of a millisecond or so around it; a missed frame reads 33.3 ms. So the target "p95 at most
// 16.7 ms" is met when the p95 is one refresh: within JITTER_MS of 16.7 ms.
const TARGET_P95_MS = 16.7;
const JITTER_MS = 0.5;
// The budget the picture work set (the old 350 KB target was out of reach; see the README).
const TARGET_GZIP_KB = 435;
// Script time per frame (simulate and paint) must leave the browser room for the rest.
const TARGET_SCRIPT_MS = 6;

const quantile = (sorted, q) => {
  if (!sorted.length) return NaN;
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
};
const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** The .js and .wasm files index.html loads (script src, link href, import specifiers). */
function loadedAssets() {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const names = new Set();
  for (const m of html.matchAll(/["'`(]\s*((?:\.{0,2}\/)?[^"'`()\s]+?\.(?:js|wasm))(?:\?[^"'`()\s]*)?\s*["'`)]/g)) {
    const rel = m[1].replace(/^\.?\//, '');
    if (/^[a-z]+:/i.test(rel)) continue;
    if (fs.existsSync(path.join(DIST, rel))) names.add(rel);
  }
  return [...names].sort();
}

function gzipSizes(files) {
  return files.map((f) => {
    const raw = fs.readFileSync(path.join(DIST, f));
    return { file: f, bytes: raw.length, gzip_bytes: zlib.gzipSync(raw, { level: 9 }).length };
  });
}

/** Samples the stage's data-in-flight for `ms` milliseconds of wall time; returns the samples. */
async function sampleInFlight(page, ms) {
  return page.evaluate(
    ({ sel, ms }) =>
      new Promise((resolve) => {
        const out = [];
        const t0 = performance.now();
        const tick = () => {
          const v = Number(document.querySelector(sel)?.getAttribute('data-in-flight'));
          if (Number.isFinite(v)) out.push(v);
          if (performance.now() - t0 >= ms) resolve(out);
          else setTimeout(tick, 100);
        };
        tick();
      }),
    { sel: tid('stage'), ms },
  );
}

/** Frame timestamps, long tasks and in-flight samples over `ms` of wall time, in the page. */
async function measure(page, ms) {
  return page.evaluate(
    ({ sel, ms }) =>
      new Promise((resolve) => {
        const frames = [];
        window.__frameWork.length = 0;
        const longTasks = [];
        const inFlight = [];
        let observer = null;
        try {
          observer = new PerformanceObserver((list) => {
            for (const e of list.getEntries()) longTasks.push(e.duration);
          });
          observer.observe({ type: 'longtask' });
        } catch {
          observer = null;
        }
        const sampler = setInterval(() => {
          const v = Number(document.querySelector(sel)?.getAttribute('data-in-flight'));
          if (Number.isFinite(v)) inFlight.push(v);
        }, 100);
        let start = null;
        const frame = (ts) => {
          if (start === null) start = ts;
          frames.push(ts);
          if (ts - start < ms) {
            requestAnimationFrame(frame);
          } else {
            clearInterval(sampler);
            // Let the observer deliver the last entries before reading them.
            setTimeout(() => {
              if (observer) {
                for (const e of observer.takeRecords()) longTasks.push(e.duration);
                observer.disconnect();
              }
              resolve({ frames, work: [...window.__frameWork], longTasks, inFlight, longTaskSupported: observer !== null });
            }, 0);
          }
        };
        requestAnimationFrame(frame);
      }),
    { sel: tid('stage'), ms },
  );
}

async function openAt(context, base, rate) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(labUrl(base, { scenario: 'flash-sale', wiring: 'event', rate, speed: 1 }));
  await page.locator(tid('stage')).waitFor({ state: 'visible', timeout: 30_000 });
  await page.waitForFunction((sel) => document.querySelector(sel)?.hasAttribute('data-in-flight'), tid('stage'));
  return { page, errors };
}

async function runLevel(context, base, level) {
  let rate = level.startRate;
  const calibration = [];
  // Calibrate: warm up, observe the mean in flight, scale the rate, at most three rounds.
  for (let round = 0; round < 3; round++) {
    const { page } = await openAt(context, base, rate);
    await sampleInFlight(page, 2_000); // warm-up: let the pipeline fill
    const observed = mean(await sampleInFlight(page, 2_000));
    await page.close();
    calibration.push({ rate, mean_in_flight: Math.round(observed) });
    if (!(observed > 0)) break;
    const ratio = level.target / observed;
    if (Math.abs(ratio - 1) <= 0.15) break;
    rate = Math.min(MAX_RATE, Math.max(1, Math.round(rate * ratio)));
  }
  const { page, errors } = await openAt(context, base, rate);
  await sampleInFlight(page, 2_000); // warm-up
  const m = await measure(page, SECONDS * 1_000);
  await page.close();
  const deltas = [];
  for (let i = 1; i < m.frames.length; i++) deltas.push(m.frames[i] - m.frames[i - 1]);
  deltas.sort((a, b) => a - b);
  // Callbacks of one frame share its timestamp: sum them into the frame's script time.
  const perFrame = new Map();
  for (const [ts, d] of m.work) perFrame.set(ts, (perFrame.get(ts) ?? 0) + d);
  const work = [...perFrame.values()].sort((a, b) => a - b);
  return {
    target_in_flight: level.target,
    rate,
    calibration,
    mean_in_flight: Math.round(mean(m.inFlight)),
    max_in_flight: m.inFlight.length ? Math.max(...m.inFlight) : null,
    seconds: SECONDS,
    frames: m.frames.length,
    frame_ms_p50: Number(quantile(deltas, 0.5).toFixed(2)),
    frame_ms_p95: Number(quantile(deltas, 0.95).toFixed(2)),
    frame_ms_max: deltas.length ? Number(deltas[deltas.length - 1].toFixed(2)) : null,
    // Script time per frame inside animation-frame callbacks (the lab's: simulate, then paint).
    script_ms_p50: Number(quantile(work, 0.5).toFixed(2)),
    script_ms_p95: Number(quantile(work, 0.95).toFixed(2)),
    long_tasks: m.longTaskSupported ? m.longTasks.length : null,
    long_task_ms: m.longTaskSupported ? Math.round(m.longTasks.reduce((a, b) => a + b, 0)) : null,
    long_task_durations_ms: m.longTasks.map((d) => Math.round(d)),
    page_errors: errors,
  };
}

async function main() {
  const assets = gzipSizes(loadedAssets());
  const server = await startServer();
  const browser = await launchBrowser();
  // Fetched only when a student opens the lessons: reported beside the page, not in its total.
  const lessonFiles = fs.readdirSync(path.join(DIST, 'lessons')).filter((f) => f.endsWith('.json')).sort();
  const lessons = gzipSizes(lessonFiles.map((f) => `lessons/${f}`));
  const results = { when: new Date().toISOString(), chromium: browser.version(), levels: [], assets, lessons };
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    // Times every animation-frame callback, so the report can say how much of each frame the
    // lab's own work takes.
    await context.addInitScript(() => {
      const raf = window.requestAnimationFrame.bind(window);
      window.__frameWork = [];
      window.requestAnimationFrame = (cb) =>
        raf((ts) => {
          const t0 = performance.now();
          try {
            cb(ts);
          } finally {
            window.__frameWork.push([ts, performance.now() - t0]);
          }
        });
    });
    // Which .js/.wasm the page really fetched, to cross-check the list read from index.html.
    const fetched = new Set();
    context.on('response', (r) => {
      const u = new URL(r.url());
      if (u.origin === server.url && /\.(js|wasm)$/.test(u.pathname)) fetched.add(u.pathname.replace(/^\//, ''));
    });
    for (const level of LEVELS) {
      process.stderr.write(`measuring ~${level.target} in flight...\n`);
      results.levels.push(await runLevel(context, server.url, level));
    }
    results.fetched_assets = [...fetched].sort();
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }

  const gzipTotal = assets.reduce((a, f) => a + f.gzip_bytes, 0);
  results.gzip_total_kb = Number((gzipTotal / 1024).toFixed(1));
  const at2000 = results.levels.find((l) => l.target_in_flight === 2_000);
  results.targets = {
    frame_ms_p95_at_2000: { limit: TARGET_P95_MS, value: at2000?.frame_ms_p95, met: at2000?.frame_ms_p95 <= TARGET_P95_MS + JITTER_MS },
    script_ms_p95_at_2000: { limit: TARGET_SCRIPT_MS, value: at2000?.script_ms_p95, met: at2000?.script_ms_p95 < TARGET_SCRIPT_MS },
    gzip_kb: { limit: TARGET_GZIP_KB, value: results.gzip_total_kb, met: results.gzip_total_kb <= TARGET_GZIP_KB },
  };

  const pad = (s, n) => String(s).padStart(n);
  console.log(`\nFrame time over ${SECONDS} s at speed 1, flash-sale, event wiring (Chromium ${results.chromium}, headless)`);
  console.log(`${pad('target', 7)} ${pad('rate/s', 7)} ${pad('mean in flight', 15)} ${pad('frames', 7)} ${pad('p50 ms', 7)} ${pad('p95 ms', 7)} ${pad('max ms', 7)} ${pad('script p50', 11)} ${pad('script p95', 11)} ${pad('long tasks', 11)} ${pad('long ms', 8)}`);
  for (const l of results.levels) {
    console.log(
      `${pad(l.target_in_flight, 7)} ${pad(l.rate, 7)} ${pad(l.mean_in_flight, 15)} ${pad(l.frames, 7)} ${pad(l.frame_ms_p50, 7)} ${pad(l.frame_ms_p95, 7)} ${pad(l.frame_ms_max, 7)} ${pad(l.script_ms_p50, 11)} ${pad(l.script_ms_p95, 11)} ${pad(l.long_tasks ?? 'n/a', 11)} ${pad(l.long_task_ms ?? 'n/a', 8)}`,
    );
  }
  console.log('\nWhat index.html loads (gzip -9):');
  for (const a of assets) console.log(`${pad((a.bytes / 1024).toFixed(1), 9)} KB raw ${pad((a.gzip_bytes / 1024).toFixed(1), 8)} KB gzip  ${a.file}`);
  console.log(`${pad('', 16)} ${pad(results.gzip_total_kb.toFixed(1), 8)} KB gzip  total`);
  const lessonsGzip = lessons.reduce((a, f) => a + f.gzip_bytes, 0);
  results.lessons_gzip_total_kb = Number((lessonsGzip / 1024).toFixed(1));
  console.log(`${pad('', 16)} ${pad(results.lessons_gzip_total_kb.toFixed(1), 8)} KB gzip  the ${lessons.length} lesson files, fetched when a student first opens the lessons`);
  const extra = results.fetched_assets.filter((f) => !assets.some((a) => a.file === f));
  if (extra.length) console.log(`also fetched at run time (not counted): ${extra.join(', ')}`);
  const t = results.targets;
  console.log(`\nTargets: p95 frame <= ${TARGET_P95_MS} ms (one 60 Hz refresh, +${JITTER_MS} ms timer jitter) at 2,000 in flight: ${t.frame_ms_p95_at_2000.value} ms (${t.frame_ms_p95_at_2000.met ? 'met' : 'NOT met'}); script per frame p95 < ${TARGET_SCRIPT_MS} ms there: ${t.script_ms_p95_at_2000.value} ms (${t.script_ms_p95_at_2000.met ? 'met' : 'NOT met'}); .wasm+.js <= ${TARGET_GZIP_KB} KB gzip: ${t.gzip_kb.value} KB (${t.gzip_kb.met ? 'met' : 'NOT met'})`);
  for (const l of results.levels) {
    if (l.page_errors.length) console.log(`page errors at ~${l.target_in_flight}: ${l.page_errors.join('; ')}`);
  }

  const out = path.join(ensureDir(BENCH_OUT), 'browser.json');
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), out) || out}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
