// The picture teaches: where things sit on the screen (bounding boxes from the page), waiting
// drawn as it happens, a backlog draining on camera, the fault drawer beside the stage, and
// screenshots of each screen in both themes at a laptop's, a projector's and a phone's size.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useLabSuite, server, withPage } from './support/suite.mjs';
import { tid, labUrl, openLab } from './support/lab.mjs';
import { assertNoAxeViolations } from './support/axe.mjs';
import { SCREENSHOTS, ensureDir } from './support/paths.mjs';

useLabSuite();

const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 1024, height: 768 },
  { width: 375, height: 812 },
];
const CHECKOUT = ['email', 'inventory', 'analytics', 'shipping', 'sms', 'fraud', 'loyalty', 'payment', 'orderpage'];

/** Boxes of every node on the stage, and of the stage, in page pixels. */
async function stageGeometry(page) {
  return page.evaluate(() => {
    const box = (el) => {
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, w: r.width, h: r.height };
    };
    const stage = document.querySelector('[data-testid="stage"]');
    const nodes = [...stage.querySelectorAll('.node')].map((el) => ({ id: el.dataset.testid, ...box(el) }));
    const s = box(stage);
    // Wires are drawn in percent of the stage; bring them to page pixels.
    const wires = [...stage.querySelectorAll('svg.wires polyline.wire')].map((l) =>
      l.getAttribute('points').trim().split(/\s+/).map((p) => {
        const [x, y] = p.split(',').map(Number);
        return { x: s.x + (x / 100) * s.w, y: s.y + (y / 100) * s.h };
      }));
    return { stage: s, nodes, wires, tall: stage.classList.contains('tall') };
  });
}

const overlaps = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const inside = (a, s) => a.x >= s.x - 0.5 && a.y >= s.y - 0.5 && a.x + a.w <= s.x + s.w + 0.5 && a.y + a.h <= s.y + s.h + 0.5;

/** True if the wire (a polyline) passes through the box (shrunk by a margin, so a wire may touch an edge). */
function crosses(wire, b, margin = 4) {
  const r = { x: b.x + margin, y: b.y + margin, w: b.w - 2 * margin, h: b.h - 2 * margin };
  for (let s = 1; s < wire.length; s++) {
    const [p, q] = [wire[s - 1], wire[s]];
    for (let k = 0; k <= 50; k++) {
      const t = k / 50;
      const x = p.x + (q.x - p.x) * t;
      const y = p.y + (q.y - p.y) * t;
      if (x > r.x && x < r.x + r.w && y > r.y && y < r.y + r.h) return true;
    }
  }
  return false;
}

function assertLaidOut(g, label) {
  assert.ok(g.nodes.length >= 3, `${label}: nodes are drawn`);
  for (const n of g.nodes) assert.ok(inside(n, g.stage), `${label}: ${n.id} is cut off by the stage: ${JSON.stringify(n)} in ${JSON.stringify(g.stage)}`);
  for (let i = 0; i < g.nodes.length; i++) {
    for (let j = i + 1; j < g.nodes.length; j++) {
      assert.ok(!overlaps(g.nodes[i], g.nodes[j]), `${label}: ${g.nodes[i].id} overlaps ${g.nodes[j].id}`);
    }
  }
  // A wire runs between two nodes and under none.
  for (const w of g.wires) {
    const [a, z] = [w[0], w[w.length - 1]];
    assert.ok(w.length >= 2, `${label}: a wire has two ends`);
    for (const n of g.nodes) {
      // A wire starts and ends at the centres of the nodes it joins.
      const [cx, cy] = [n.x + n.w / 2, n.y + n.h / 2];
      const isEnd = Math.hypot(cx - a.x, cy - a.y) < 2 || Math.hypot(cx - z.x, cy - z.y) < 2;
      if (!isEnd) assert.ok(!crosses(w, n), `${label}: a wire passes under ${n.id}`);
    }
  }
}

describe('layout: no node overlaps another, is cut off, or has a wire under it', () => {
  for (const viewport of VIEWPORTS) {
    test(`checkout with 1 to 9 subscribers, both wirings, at ${viewport.width}x${viewport.height}`, async () => {
      await withPage({ viewport }, async (page) => {
        for (let n = 1; n <= CHECKOUT.length; n++) {
          for (const wiring of ['event', 'request']) {
            await openLab(page, labUrl(server.url, { paused: 1, rate: 0, wiring, subscribers: CHECKOUT.slice(0, n).join(',') }));
            assertLaidOut(await stageGeometry(page), `${n} subscribers, ${wiring}-driven, ${viewport.width} px`);
          }
        }
      });
    });
    test(`every built-in scenario, and synchronous callees beside subscribers, at ${viewport.width}x${viewport.height}`, async () => {
      await withPage({ viewport }, async (page) => {
        const labs = [
          { scenario: 'flash-sale', paused: 1 },
          { scenario: 'ride-sharing', paused: 1, subscribers: 'matching,notify,pricing,fraud,receipts,analytics', at: ['0s:sync:pricing:on', '0s:sync:fraud:on'] },
          { scenario: 'checkout', paused: 1, at: ['0s:sync:inventory:on'] },
        ];
        for (const lab of labs) {
          const pairs = Object.entries(lab).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]));
          await openLab(page, labUrl(server.url, pairs));
          const g = await stageGeometry(page);
          assertLaidOut(g, `${JSON.stringify(lab)} at ${viewport.width} px`);
        }
      });
    });
    test(`busy: held calls, waiting shoppers and backlogs make no node overlap, at ${viewport.width}x${viewport.height}`, async () => {
      await withPage({ viewport }, async (page) => {
        // Request-driven with a slow callee: the longest statuses and the fullest stacks.
        await openLab(page, labUrl(server.url, { wiring: 'request', seed: 7, rate: 4, speed: 1, fault: 'slow:analytics:2000ms' }));
        await page.locator(tid('held-analytics')).waitFor();
        await page.waitForFunction((sel) => Number(document.querySelector(sel)?.dataset.count) >= 3, tid('stack-shopper'));
        assertLaidOut(await stageGeometry(page), `request-driven, Analytics slowed, ${viewport.width} px`);
        // Event-driven with a crashed subscriber and a synchronous callee.
        await openLab(page, labUrl(server.url, [['wiring', 'event'], ['seed', 3], ['rate', 4], ['speed', 1],
          ['fault', 'crash:email:0s-60s'], ['at', '0s:sync:inventory:on']]));
        await page.waitForFunction((sel) => Number(document.querySelector(sel)?.dataset.count) >= 8, tid('backlog-email'));
        assertLaidOut(await stageGeometry(page), `event-driven, Email down, ${viewport.width} px`);
      });
    });
  }
});

describe('lessons: the step, the stage and what the step names are on one screen', () => {
  for (const viewport of VIEWPORTS.slice(0, 2)) {
    test(`coupling, the slow step with its chart, at ${viewport.width}x${viewport.height}`, async () => {
      const progress = JSON.stringify({ version: 1, lessons: { coupling: { step: 3, completed: false } } });
      await withPage({ viewport }, async (page) => {
        await page.context().addInitScript((p) => localStorage.setItem('fanout.progress.v1', p), progress);
        await openLab(page, labUrl(server.url, { lesson: 'coupling' }));
        await page.locator(tid('lesson-panel')).waitFor();
        await page.locator('[data-lesson-highlight][data-testid="chart-response"]').waitFor();
        const inView = async (sel, what) => {
          const b = await page.locator(sel).first().boundingBox();
          assert.ok(b, `${what} is drawn`);
          assert.ok(b.y >= 0 && b.x >= 0 && b.y + b.height <= viewport.height + 0.5 && b.x + b.width <= viewport.width + 0.5,
            `${what} is not inside the ${viewport.width}x${viewport.height} screen: ${JSON.stringify(b)}`);
        };
        await inView('.lesson-panel .rich-text', 'the step text');
        await inView(tid('stage'), 'the stage');
        await inView(tid('chart-response'), 'the chart the step names');
        await inView(tid('node-analytics'), 'the service the step names');
        assertLaidOut(await stageGeometry(page), `lesson at ${viewport.width} px`);
      });
    });
  }
});

test('waiting drawn: request-driven, a call to a slowed service is held on screen while it is open', async () => {
  await withPage(async (page) => {
    await openLab(page, labUrl(server.url, { wiring: 'request', seed: 7, speed: 1, fault: 'slow:analytics:2000ms' }));
    const held = page.locator(tid('held-analytics'));
    await held.waitFor();
    const first = Number(await held.getAttribute('data-waited-ms'));
    // The time on the held line grows while the call stays open.
    await page.waitForFunction(
      ({ sel, first }) => Number(document.querySelector(sel)?.dataset.waitedMs) > first + 300,
      { sel: tid('held-analytics'), first },
    );
    assert.match(await page.locator(tid('node-orders')).innerText(), /waiting on Analytics/);
    assert.match(await page.locator(tid('scene-summary')).textContent(), /waits on Analytics/);
    // Event-driven, nobody is held.
    await page.locator(tid('wiring-event')).check();
    await page.waitForFunction((sel) => !document.querySelector(sel), tid('held-analytics'), { timeout: 20_000 });
  });
});

test('a crashed subscriber\'s backlog piles up, then drains visibly over more than a second', async () => {
  await withPage(async (page) => {
    await openLab(page, labUrl(server.url, { wiring: 'event', seed: 3, rate: 4, speed: 1, fault: 'crash:email:0s-6s' }));
    const count = () => page.locator(tid('backlog-email')).getAttribute('data-count').then(Number);
    await page.waitForFunction((sel) => Number(document.querySelector(sel)?.dataset.count) >= 15, tid('backlog-email'), { timeout: 30_000 });
    // Watch the stack after recovery: record each count it shows and when.
    const seen = await page.evaluate(
      (sel) =>
        new Promise((resolve) => {
          const trace = [];
          const t0 = performance.now();
          const look = () => {
            const n = Number(document.querySelector(sel)?.dataset.count);
            if (!trace.length || trace[trace.length - 1].n !== n) trace.push({ n, ms: performance.now() - t0 });
            if (n === 0 && trace.some((p) => p.n > 10) && trace.length > 1) resolve(trace);
            else if (performance.now() - t0 > 40_000) resolve(trace);
            else requestAnimationFrame(look);
          };
          look();
        }),
      tid('backlog-email'),
    );
    const peak = seen.reduce((m, p) => (p.n > m.n ? p : m), seen[0]);
    const empty = seen.find((p) => p.n === 0 && p.ms > peak.ms);
    assert.ok(empty, `the backlog drains: ${JSON.stringify(seen)}`);
    const steps = seen.filter((p) => p.ms > peak.ms && p.ms <= empty.ms);
    assert.ok(empty.ms - peak.ms > 1000, `the drain takes over a second of wall time: ${JSON.stringify(seen)}`);
    assert.ok(steps.length >= 4, `the stack shrinks in several visible steps: ${JSON.stringify(seen)}`);
    assert.equal(await count(), 0);
  });
});

test('the fault menu opens as a drawer beside the stage, and says what only applies to event-driven wiring', async () => {
  await withPage(async (page) => {
    await openLab(page, labUrl(server.url, { wiring: 'request', paused: 1 }));
    const before = await page.locator(tid('stage')).boundingBox();
    await page.locator(tid('node-email')).click();
    await page.locator(tid('fault-menu')).waitFor();
    const after = await page.locator(tid('stage')).boundingBox();
    assert.deepEqual(after, before, 'opening the menu does not move the stage');
    assert.ok(after.y + 100 < 800, 'the stage is still on the screen');
    assert.match(await page.locator(tid('event-only-note')).innerText(), /event-driven/);
    await page.keyboard.press('Escape');
    await page.locator(tid('fault-menu')).waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'node-email', 'focus returns to the node');
    // Event-driven, the delivery settings are there instead of the note.
    await page.locator(tid('wiring-event')).check();
    await page.locator(tid('node-email')).click();
    await page.locator(tid('fault-menu')).waitFor();
    assert.equal(await page.locator(tid('event-only-note')).count(), 0);
    await assertNoAxeViolations(page, 'the fault drawer');
  });
});

describe('screenshots and axe, light and dark, at a laptop\'s, a projector\'s and a phone\'s size', () => {
  const screens = [
    { name: 'lab', params: { wiring: 'request', seed: 7, fault: 'slow:analytics:2000ms', until: 12 } },
    { name: 'backlog', params: { wiring: 'event', seed: 3, rate: 4, fault: 'crash:email:1s-', until: 12 } },
    { name: 'challenge', params: { scenario: 'ride-sharing', paused: 1, subscribers: 'matching,notify,pricing,fraud,receipts,analytics', at: '0s:sync:pricing:on' } },
    { name: 'lesson', params: { lesson: 'coupling' }, progress: { coupling: { step: 3, completed: false } } },
    { name: 'present', params: { present: 'on', wiring: 'request', seed: 7, fault: 'slow:analytics:2000ms', until: 12 } },
    { name: 'present-lesson', params: { present: 'on', lesson: 'coupling' }, progress: { coupling: { step: 3, completed: false } } },
  ];
  for (const colorScheme of ['light', 'dark']) {
    for (const viewport of VIEWPORTS) {
      test(`${colorScheme} at ${viewport.width}x${viewport.height}`, async () => {
        await withPage({ viewport, colorScheme, reducedMotion: colorScheme === 'dark' ? 'reduce' : 'no-preference' }, async (page) => {
          for (const s of screens) {
            if (s.progress) {
              const p = JSON.stringify({ version: 1, lessons: s.progress });
              await page.evaluate((v) => localStorage.setItem('fanout.progress.v1', v), p).catch(() => {});
              await page.context().addInitScript((v) => localStorage.setItem('fanout.progress.v1', v), p);
            }
            await openLab(page, labUrl(server.url, s.params));
            if (s.progress) await page.locator(tid('lesson-panel')).waitFor();
            await page.locator(tid('scene-summary')).waitFor();
            const file = path.join(ensureDir(path.join(SCREENSHOTS, 'picture')), `${s.name}-${viewport.width}x${viewport.height}-${colorScheme}.png`);
            await page.screenshot({ path: file });
            await assertNoAxeViolations(page, `${s.name} ${colorScheme} ${viewport.width}px`);
          }
        });
      });
    }
  }
});

test('a slow service\'s status stays on one line, clear of the clock on its icon', async () => {
  for (const viewport of VIEWPORTS.slice(0, 2)) {
    await withPage({ viewport }, async (page) => {
      await openLab(page, labUrl(server.url, { wiring: 'request', paused: 1, fault: 'slow:analytics:2000ms' }));
      const node = page.locator(tid('node-analytics'));
      const status = await node.locator('.node-status').boundingBox();
      const badge = await node.locator('.badge').boundingBox();
      const lineHeight = await node.locator('.node-status').evaluate((e) => parseFloat(getComputedStyle(e).fontSize) * 1.6);
      assert.match(await node.locator('.node-status').innerText(), /^slow \+2\.0 s$/);
      assert.ok(status.height <= lineHeight, `the status wraps at ${viewport.width} px: ${status.height} px tall`);
      const apart = badge.x + badge.width <= status.x + 0.5 || status.y + status.height <= badge.y + 0.5 || badge.y + badge.height <= status.y + 0.5;
      assert.ok(apart, `the clock ${JSON.stringify(badge)} covers the status ${JSON.stringify(status)}`);
    });
  }
});

test('lesson 1 at 1280x800: the direct-call and event-driven numbers side by side, and the last answer\'s feedback and "Finish" in view', async () => {
  // Resumed at step 7: the lab replays the earlier steps headless, so both runs are recorded.
  const progress = JSON.stringify({ version: 1, lessons: { coupling: { step: 6, completed: false } } });
  await withPage({ viewport: { width: 1280, height: 800 } }, async (page) => {
    await page.context().addInitScript((p) => localStorage.setItem('fanout.progress.v1', p), progress);
    await openLab(page, labUrl(server.url, { lesson: 'coupling', speed: 10 }));
    const numbers = page.locator(tid('step-numbers'));
    await numbers.waitFor();
    const text = await numbers.innerText();
    const ms = (re) => Number((text.match(re) ?? [])[1]);
    const direct = ms(/direct calls\s+(\d+) ms/);
    const events = ms(/events\s+(\d+) ms/);
    assert.ok(direct > 3000 && events > 0 && events * 2 < direct, `direct calls ${direct} ms, events ${events} ms in: ${text}`);
    // The last question: answered, its verdict and the way on are on the screen, not under
    // the lesson panel's edge.
    await page.locator(tid('option-why-coupled-waits')).check();
    await page.locator(tid('answer-why-coupled')).click();
    await page.locator(tid('next-step')).click();
    await page.locator(tid('option-which-fix-publish')).check();
    await page.locator(tid('option-which-fix-remove-call')).check();
    await page.locator(tid('answer-which-fix')).click();
    await page.locator(tid('grade-which-fix')).waitFor();
    const inView = async (sel, what) => {
      await page.waitForFunction((s) => {
        const el = document.querySelector(s);
        if (!el) return false;
        const r = el.getBoundingClientRect();
        const panel = el.closest('.lesson-panel').getBoundingClientRect();
        return r.top >= Math.max(0, panel.top) - 0.5 && r.bottom <= Math.min(innerHeight, panel.bottom) + 0.5;
      }, sel, { timeout: 5_000 }).catch(() => assert.fail(`${what} is not in view`));
    };
    await inView('[data-testid="grade-which-fix"] .verdict', 'the verdict');
    await inView('[data-testid="next-step"]', '"Finish the lesson"');
    assert.equal((await page.locator(tid('next-step')).innerText()).trim(), 'Finish the lesson');
  });
});
