// The lab inside a course page on another origin: the postMessage API (ready, resize,
// get-state, set, reset, answered and completed statements), the origin allowlist, malformed
// messages, the host script that sizes the frame, embed mode's hide and lock, a shared link
// that rebuilds the same run, and the build served from a sub-path. No test sleeps: each
// waits on a message received or a condition of the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { server, browser, useLabSuite, withPage } from './support/suite.mjs';
import { startServer } from './support/server.mjs';
import { newLabPage, assertNoPageErrors, screenshot } from './support/browser.mjs';
import { assertNoAxeViolations } from './support/axe.mjs';
import { FIXTURES, DIST } from './support/paths.mjs';
import { tid, labUrl, openLab } from './support/lab.mjs';
import path from 'node:path';

useLabSuite({ mounts: { '/courses/eda/fanout/': DIST } });

/** The course page, served from its own origin (another loopback port). */
let host;
before(async () => {
  host = await startServer(path.join(FIXTURES, 'host'));
});
after(async () => host?.close());

/** Opens the course page embedding the lab at `params`; returns the page and the frame. */
async function openHost(page, params) {
  const app = labUrl(server.url, { embed: 1, ...params });
  await page.goto(`${host.url}/?app=${encodeURIComponent(app)}`, { waitUntil: 'load' });
  const frame = page.frameLocator('iframe[data-fanout]');
  await frame.locator(tid('stage')).waitFor({ state: 'visible' });
  return frame;
}

/** Waits for the lab's `n`-th message of `type` (1 for the first) matching `where`, and returns it. */
async function message(page, type, n = 1, where = () => true) {
  for (;;) {
    const all = await page.evaluate(() => window.received);
    const hits = all.filter((m) => m.data.type === type && where(m.data));
    if (hits.length >= n) return hits[n - 1];
    await page.waitForFunction((seen) => window.received.length > seen, all.length);
  }
}

/** Waits until `lines` holds at least `n` lines matching `re`; returns those lines. */
function consoleNotes(page, lines, re, n) {
  const hits = () => lines.filter((l) => re.test(l));
  if (hits().length >= n) return Promise.resolve(hits());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`waited for ${n} console lines like ${re}; saw:\n${lines.join('\n')}`)), 20_000);
    const check = () => {
      if (hits().length < n) return;
      clearTimeout(timer);
      page.off('console', check);
      resolve(hits());
    };
    // Registered after `lines`' own listener, so it sees each line once it is in `lines`.
    page.on('console', check);
  });
}

const send = (page, msg) => page.evaluate((m) => window.sendToLab(m), msg);

/** Collects the console lines of the page and its frames. */
function consoleLines(page) {
  const lines = [];
  page.on('console', (m) => lines.push(m.text()));
  return lines;
}

test('a course page on another origin gets ready, the content height, and the state on request', async () => {
  await withHostPage(async (page) => {
    const frame = await openHost(page, { seed: 5, wiring: 'request' });
    const ready = await message(page, 'ready');
    assert.equal(ready.origin, server.url, 'the message comes from the lab origin');
    assert.equal(typeof ready.data.version, 'string');
    // The frame starts 300 px tall; the host script sets it to the height the lab reports.
    const resize = await message(page, 'resize');
    assert.ok(resize.data.height > 300, `height ${resize.data.height}`);
    // The lab's height changes while it plays (its text grows and shrinks): the frame follows
    // the latest height the lab reported.
    await page.waitForFunction(() => {
      const sizes = window.received.filter((m) => m.data.type === 'resize');
      const h = sizes[sizes.length - 1].data.height;
      return Math.abs(document.querySelector('iframe[data-fanout]').getBoundingClientRect().height - h) < 2;
    });
    await send(page, { target: 'fanout', type: 'get-state' });
    const state = await message(page, 'state', 1, (d) => d.notices.length === 0 && d.seed === 5);
    assert.equal(state.data.scenario, 'checkout');
    assert.equal(state.data.wiring, 'request');
    assert.match(state.data.trace_hash, /^[0-9a-f]{16}$/);
    assert.equal(typeof state.data.headline.p95_ms, 'number');
    assert.ok(Array.isArray(state.data.subscribers) && state.data.subscribers.length === 4);
    // Embed mode: the compact masthead has no tagline.
    assert.equal(await frame.locator('.tagline').isVisible(), false);
  });
});

test('set changes what the URL can, reset starts again, and a bad value is named in the state', async () => {
  await withHostPage(async (page) => {
    const frame = await openHost(page, {});
    await message(page, 'ready');
    await send(page, { target: 'fanout', type: 'set', params: { wiring: 'request', seed: 7, fault: ['crash:email'], theme: 'purple' } });
    const state = await message(page, 'state', 1, (d) => d.seed === 7);
    assert.equal(state.data.wiring, 'request');
    assert.equal(state.data.notices.length, 1, JSON.stringify(state.data.notices));
    assert.match(state.data.notices[0], /theme="purple".*auto, light or dark/);
    await frame.locator(tid('notices')).getByText('theme="purple"').waitFor();
    await frame.locator(tid('node-email')).click();
    assert.match(await frame.locator(tid('fault-crash')).innerText(), /Recover/, 'the set fault is in place');
    await frame.locator(tid('fault-menu')).press('Escape');
    await send(page, { target: 'fanout', type: 'set', params: { origins: 'https://evil.example' } });
    const refused = await message(page, 'state', 1, (d) => d.notices.some((n) => n.includes('origins')));
    assert.match(refused.data.notices[0], /only be given in the lab's address/);
    await send(page, { target: 'fanout', type: 'reset' });
    const reset = await message(page, 'state', 1, (d) => d.time_s === 0 && d.seed === 7);
    assert.equal(reset.data.wiring, 'request');
  });
});

test('malformed messages are ignored with a console note, and nothing is evaluated', async () => {
  await withHostPage(async (page) => {
    const lines = consoleLines(page);
    await openHost(page, {});
    await message(page, 'ready');
    await page.evaluate(() => {
      window.pwned = false;
      for (const m of [
        'get-state',
        { type: 'get-state' },
        { target: 'fanout', type: 'explode' },
        { target: 'fanout', type: 'set', params: { seed: { toString: 'window.parent.pwned = true' } } },
        { target: 'fanout', type: 'set', params: 'seed=3' },
      ]) {
        window.sendToLab(m);
      }
    });
    const notes = await consoleNotes(page, lines, /^Fanout ignored a message/, 5);
    await send(page, { target: 'fanout', type: 'get-state' });
    await message(page, 'state', 2);
    assert.equal(notes.length, 5, lines.join('\n'));
    assert.match(notes.join('\n'), /no target: "fanout"/);
    assert.match(notes.join('\n'), /"explode" is not get-state, set or reset/);
    assert.match(notes.join('\n'), /params.seed must be a string/);
    assert.equal(await page.evaluate(() => window.pwned), false);
    const states = await page.evaluate(() => window.received.filter((m) => m.data.type === 'state').length);
    assert.equal(states, 2, 'only the good get-state answered (plus the state sent with ready)');
  });
});

test('the origin allowlist: commands from an origin not listed are ignored, a listed one answered', async () => {
  await withHostPage(async (page) => {
    const lines = consoleLines(page);
    await openHost(page, { origins: 'https://course.example.org' });
    // Messages only go to listed origins, so this host hears nothing, and its commands are refused.
    await send(page, { target: 'fanout', type: 'get-state' });
    await consoleNotes(page, lines, /origin http:\/\/127\.0\.0\.1:\d+ is not in \?origins=/, 1);
    assert.equal(await page.evaluate(() => window.received.length), 0);
  });
  await withHostPage(async (page) => {
    await openHost(page, { origins: `${host.url},https://course.example.org` });
    await message(page, 'ready');
    await send(page, { target: 'fanout', type: 'get-state' });
    await message(page, 'state', 2);
  });
});

test('answering in an embedded lesson sends answered statements, finishing it a completed one', async () => {
  await withHostPage(async (page) => {
    const frame = await openHost(page, { lesson: 'coupling', speed: 10, lock: 1 });
    await message(page, 'ready');
    // Locked: no way out of the lesson.
    assert.equal(await frame.locator(tid('nav-lab')).count(), 0);
    assert.equal(await frame.locator(tid('to-lab')).count(), 0);
    const next = async () => {
      const k = Number(await frame.locator(tid('lesson-panel')).getAttribute('data-step'));
      await frame.locator(`${tid('next-step')}:not([disabled])`).click();
      await frame.locator(`${tid('lesson-panel')}[data-step="${k + 1}"]`).waitFor();
    };
    await next();
    await frame.locator(tid('option-slow-analytics-up')).check();
    await frame.locator(tid('answer-slow-analytics')).click();
    await next(); // healthy run
    await next(); // slowed run
    await next(); // the reveal grades the prediction on this run's numbers
    const predicted = await message(page, 'answered', 1);
    const s = predicted.data.statement;
    assert.equal(s.verb.id, 'http://adlnet.gov/expapi/verbs/answered');
    assert.equal(s.verb.display['en-US'], 'answered');
    assert.equal(s.object.id, `${server.url}/?lesson=coupling#check-slow-analytics`);
    assert.deepEqual(s.result.score, { raw: 1, min: 0, max: 1, scaled: 1 });
    assert.equal(s.result.success, true);
    assert.equal(s.context.contextActivities.parent[0].id, `${server.url}/?lesson=coupling`);
    assert.ok(!Number.isNaN(Date.parse(s.timestamp)));
    await next();
    await next();
    await frame.locator(tid('option-why-coupled-network')).check();
    await frame.locator(tid('answer-why-coupled')).click();
    const wrong = await message(page, 'answered', 2);
    assert.equal(wrong.data.check, 'why-coupled');
    assert.equal(wrong.data.statement.result.success, false);
    assert.equal(wrong.data.statement.result.score.raw, 0);
    await frame.locator(tid('option-why-coupled-waits')).check();
    await frame.locator(tid('answer-why-coupled')).click();
    const right = await message(page, 'answered', 3);
    assert.equal(right.data.statement.result.success, true);
    assert.equal(right.data.statement.result.extensions['urn:fanout:xapi:attempt'], 2);
    await next();
    await frame.locator(tid('option-which-fix-publish')).check();
    await frame.locator(tid('option-which-fix-remove-call')).check();
    await frame.locator(tid('answer-which-fix')).click();
    await message(page, 'answered', 4);
    await frame.locator(`${tid('next-step')}:not([disabled])`).click();
    const done = await message(page, 'completed');
    const c = done.data.statement;
    assert.equal(c.verb.id, 'http://adlnet.gov/expapi/verbs/completed');
    assert.equal(c.object.id, `${server.url}/?lesson=coupling`);
    // First tries: why-coupled wrong, which-fix right. The prediction (right) is reported on
    // its own statement and is not part of the score, so 1 of 2 is below the pass mark.
    assert.deepEqual(c.result.score, { raw: 1, min: 0, max: 2, scaled: 1 / 2 });
    assert.equal(c.result.completion, true);
    assert.equal(c.result.success, false);
    assert.equal(await frame.locator(tid('next-lesson')).count(), 0, 'locked: no next lesson');
  });
});

test('embed mode hides the panels hide= names and lock removes the way out of the lab', async () => {
  await withPage(async (page) => {
    await openLab(page, labUrl(server.url, { embed: 1, hide: 'log,charts,details', lock: 1 }));
    assert.equal(await page.locator(tid('log')).count(), 0);
    assert.equal(await page.locator(tid('m-p95')).count(), 1);
    assert.equal(await page.locator(tid('chart-response')).count(), 0);
    assert.equal(await page.locator(tid('trace-hash')).count(), 0);
    assert.equal(await page.locator(tid('nav-lessons')).count(), 0);
    assert.equal(await page.locator(tid('m-p95')).isVisible(), true, 'the numbers are still shown');
    await assertNoAxeViolations(page, 'embedded and locked lab');
  });
});

test('Copy link gives a link that a fresh page opens to the same run, trace hash and all', async () => {
  await withPage(async (page) => {
    await openLab(page, labUrl(server.url, { speed: 10, seed: 11 }));
    await page.locator(tid('buy')).click();
    await page.locator(tid('node-email')).click();
    await page.locator(tid('fault-crash')).click();
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="m-sim-time"]')?.dataset.value) >= 4000);
    await page.locator(tid('play')).click();
    await page.locator(tid('share')).click();
    const dialog = page.locator(tid('share-dialog'));
    await dialog.waitFor({ state: 'visible' });
    const link = await page.locator(tid('share-link')).inputValue();
    assert.match(link, /at=[\d.]+s:buy/);
    assert.match(link, /at=[\d.]+s:inject:crash:email/);
    assert.match(link, /until=[\d.]+/);
    const code = await page.locator(tid('embed-code')).inputValue();
    assert.match(code, /^<iframe data-fanout src="[^"]*embed=1[^"]*" title="Fanout: event-driven architecture lab"/);
    assert.match(code, /<script src="http:\/\/127\.0\.0\.1:\d+\/static\/fanout-embed\.js" async><\/script>$/);
    await page.locator(tid('embed-lock')).check();
    assert.match(await page.locator(tid('embed-code')).inputValue(), /lock=1/);
    await assertNoAxeViolations(page, 'share dialog', { include: tid('share-dialog') });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'share');
    const hash = await page.locator(tid('trace-hash')).innerText();
    await withPage(async (fresh) => {
      await openLab(fresh, link);
      assert.equal(await fresh.locator(tid('trace-hash')).innerText(), hash);
    });
  });
});

test('the address follows each change, so a reload brings the lab back as it was at the last one', async () => {
  await withPage(async (page) => {
    await openLab(page, labUrl(server.url, { seed: 13, speed: 10, embed: 1, hide: 'log' }));
    assert.match(page.url(), /\?seed=13&speed=10&embed=1&hide=log$/, 'untouched, the address stays as opened');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="m-sim-time"]')?.dataset.value) >= 3000);
    await page.locator(tid('play')).click();
    await page.locator(tid('node-email')).click();
    await page.locator(tid('fault-crash')).click();
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => location.search.includes('inject:crash:email'));
    const hash = await page.locator(tid('trace-hash')).innerText();
    assert.match(page.url(), /embed=1&hide=log/, 'how the page is framed stays');
    await page.reload({ waitUntil: 'load' });
    await page.locator(tid('stage')).waitFor();
    assert.equal(await page.locator(tid('log')).count(), 0, 'still embedded with the log hidden');
    assert.equal(await page.locator(tid('trace-hash')).innerText(), hash, 'the same run at the same moment');
    await page.locator(tid('node-email')).click();
    assert.match(await page.locator(tid('fault-crash')).innerText(), /Recover/);
  });
});

test('the build works from a sub-path, host script included', async () => {
  await withPage(async (page) => {
    const base = `${server.url}/courses/eda/fanout/`;
    await openLab(page, `${base}?seed=3&until=5`);
    assert.match(await page.locator(tid('trace-hash')).innerText(), /^[0-9a-f]{16}$/);
    const script = await page.request.get(`${base}static/fanout-embed.js`);
    assert.equal(script.status(), 200);
    await page.locator(tid('share')).click();
    assert.match(await page.locator(tid('share-link')).inputValue(), /\/courses\/eda\/fanout\/\?seed=3/);
    assert.match(await page.locator(tid('embed-code')).inputValue(), /\/courses\/eda\/fanout\/static\/fanout-embed\.js/);
  });
});

test('screenshot of the embedded lab at 320 px', async () => {
  await withHostPage({ viewport: { width: 320, height: 800 } }, async (page) => {
    await openHost(page, { seed: 2 });
    await message(page, 'resize');
    await screenshot(page, 'embed-host-320');
  });
});

/** A fresh page for the course page; no page errors allowed. */
async function withHostPage(options, fn) {
  if (typeof options === 'function') [options, fn] = [{}, options];
  const { context, page, errors } = await newLabPage(browser, options);
  try {
    await fn(page);
    assertNoPageErrors(errors);
  } finally {
    await context.close();
  }
}
