// Accessibility end to end: axe (WCAG 2.2 AA tags) on every screen in light, dark (from the
// system and from the Theme setting) and reduced motion; the display settings and their
// storage; keyboard shortcuts; chart tables and downloads; reflow at 320 px.
// Every wait is on a condition of the page; no test sleeps.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { server, useLabSuite, withPage } from './support/suite.mjs';
import { assertNoAxeViolations } from './support/axe.mjs';
import { tid, labUrl, openLab, openFaultMenu, closeFaultMenu, waitForValue } from './support/lab.mjs';

useLabSuite();

const DISPLAY_KEY = 'fanout.display.v1';
/** A run with a few seconds of traffic, then paused: charts and tables have data. */
const RUN = { seed: 3, until: 12 };
/** No traffic, paused: every order is one the test placed. */
const QUIET = { seed: 3, rate: 0, paused: 1 };

/** Opens a <details> by its summary, unless it is open. */
async function openDetails(page, id) {
  const details = page.locator(tid(id));
  if ((await details.getAttribute('open')) === null) await details.locator('summary').first().click();
  await page.locator(`${tid(id)}[open]`).waitFor({ state: 'attached' });
}

async function pickTheme(page, theme) {
  await openDetails(page, 'display-settings');
  await page.locator(tid(`theme-${theme}`)).check();
  if (theme === 'auto') {
    await page.waitForFunction(() => !document.documentElement.hasAttribute('data-theme'));
  } else {
    await page.locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached' });
  }
}

/** Relative luminance of the body's background. */
function bodyLuminance(page) {
  return page.evaluate(() => {
    const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/[\d.]+/g).slice(0, 3).map((c) => {
      const s = Number(c) / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  });
}

/**
 * Visible controls smaller than 24 by 24 CSS px (WCAG 2.5.8), described. Headings that take
 * focus only from script (tabindex="-1") are not targets.
 */
function smallTargets(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('button, a[href], input, select, textarea, summary, [tabindex]:not([tabindex="-1"])')]
      .filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width < 24 || r.height < 24)
      .map(({ el, r }) => `${el.tagName.toLowerCase()}[${el.dataset.testid ?? ''}] ${Math.round(r.width)}x${Math.round(r.height)}`),
  );
}

const MODES = [
  { name: 'light', options: { colorScheme: 'light' }, dark: false },
  { name: 'dark (system)', options: { colorScheme: 'dark' }, dark: true },
  { name: 'dark (Theme setting)', options: { colorScheme: 'light' }, theme: 'dark', dark: true },
  { name: 'reduced motion', options: { reducedMotion: 'reduce' }, dark: false },
];

describe('axe finds nothing on any screen', () => {
  for (const mode of MODES) {
    test(mode.name, async () => {
      await withPage(mode.options, async (page) => {
        await openLab(page, labUrl(server.url, RUN));
        if (mode.theme) await pickTheme(page, mode.theme);
        const lum = await bodyLuminance(page);
        assert.ok(mode.dark ? lum < 0.05 : lum > 0.8, `${mode.name}: body background luminance ${lum}`);
        await assertNoAxeViolations(page, `${mode.name}: free lab`);

        await openFaultMenu(page, 'email');
        await assertNoAxeViolations(page, `${mode.name}: fault menu`);
        await closeFaultMenu(page);

        await openDetails(page, 'table-response-time');
        await openDetails(page, 'table-lag');
        await assertNoAxeViolations(page, `${mode.name}: chart tables`);

        await openDetails(page, 'display-settings');
        await openDetails(page, 'shortcut-help');
        await assertNoAxeViolations(page, `${mode.name}: display settings and shortcut list`);
        assert.deepEqual(await smallTargets(page), [], 'every control is at least 24x24 px');

        await page.locator(tid('share')).click();
        await page.locator(tid('share-dialog')).waitFor();
        await assertNoAxeViolations(page, `${mode.name}: share dialog`);
        assert.deepEqual(await smallTargets(page), [], 'every control of the share dialog is at least 24x24 px');
        await page.locator(tid('share-close')).click();
        await page.locator(tid('share-dialog')).waitFor({ state: 'detached' });

        await page.locator(tid('nav-lessons')).click();
        await page.locator(tid('lesson-map')).waitFor();
        await assertNoAxeViolations(page, `${mode.name}: lesson map`);

        // The Theme setting was saved: the lesson page, a fresh load, is dark too.
        await page.goto(labUrl(server.url, { lesson: 'coupling' }));
        await page.locator(tid('lesson-panel')).waitFor();
        if (mode.theme) assert.equal(await page.locator('html').getAttribute('data-theme'), mode.theme);
        await assertNoAxeViolations(page, `${mode.name}: lesson step`);

        await page.goto(labUrl(server.url, { embed: 1, lock: 1, hide: 'log' }));
        await page.locator(tid('stage')).waitFor();
        await assertNoAxeViolations(page, `${mode.name}: embedded lab`);
      });
    });
  }
});

describe('display settings', () => {
  test('the theme sets data-theme, darkens the page and survives a reload; Auto removes it', async () => {
    await withPage({ colorScheme: 'light' }, async (page) => {
      await openLab(page, labUrl(server.url, QUIET));
      assert.equal(await page.locator('html').getAttribute('data-theme'), null, 'no data-theme by default');
      assert.ok(await page.locator(tid('theme-auto')).isChecked());
      await pickTheme(page, 'dark');
      assert.ok((await bodyLuminance(page)) < 0.05, 'the page is dark');
      assert.equal(JSON.parse(await page.evaluate((k) => localStorage.getItem(k), DISPLAY_KEY)).theme, 'dark');

      await page.reload();
      await page.locator(tid('stage')).waitFor();
      assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
      assert.ok(await page.locator(tid('theme-dark')).isChecked(), 'the Dark radio is checked after a reload');

      await pickTheme(page, 'light');
      assert.ok((await bodyLuminance(page)) > 0.8, 'the page is light again');
      await pickTheme(page, 'auto');
    });
  });

  test('a light system can be overridden to dark and a dark system to light', async () => {
    await withPage({ colorScheme: 'dark' }, async (page) => {
      await openLab(page, labUrl(server.url, QUIET));
      assert.ok((await bodyLuminance(page)) < 0.05, 'dark system, Auto: dark page');
      await pickTheme(page, 'light');
      assert.ok((await bodyLuminance(page)) > 0.8, 'dark system, Light: light page');
    });
  });

  test('motion: Reduced turns transitions off, Full turns them on under a reduced-motion system', async () => {
    await withPage({ reducedMotion: 'reduce' }, async (page) => {
      await openLab(page, labUrl(server.url, QUIET));
      const transition = () =>
        page.locator(tid('node-orders')).evaluate((el) => parseFloat(getComputedStyle(el).transitionDuration));
      assert.equal(await transition(), 0, 'Auto under a reduced-motion system: no transition');
      await openDetails(page, 'display-settings');
      await page.locator(tid('motion-full')).check();
      await page.locator('html[data-motion="full"]').waitFor({ state: 'attached' });
      assert.ok((await transition()) > 0, 'Full: nodes slide again');
      await page.locator(tid('motion-reduce')).check();
      await page.locator('html[data-motion="reduce"]').waitFor({ state: 'attached' });
      assert.equal(await transition(), 0, 'Reduced: no transition');
      assert.equal(JSON.parse(await page.evaluate((k) => localStorage.getItem(k), DISPLAY_KEY)).motion, 'reduce');
    });
  });

  test('damaged saved settings give a notice and the defaults', async () => {
    await withPage({ colorScheme: 'light' }, async (page) => {
      await openLab(page, labUrl(server.url, QUIET));
      await page.evaluate((k) => localStorage.setItem(k, '{"version":1,"theme":"purple"'), DISPLAY_KEY);
      await page.reload();
      await page.locator(tid('stage')).waitFor();
      const notice = page.locator(tid('notices'), { hasText: 'display settings could not be read' });
      await notice.waitFor();
      assert.equal(await page.locator('html').getAttribute('data-theme'), null);
      assert.ok(await page.locator(tid('theme-auto')).isChecked());
      assert.ok(await page.locator(tid('motion-auto')).isChecked());
      assert.ok(await page.locator(tid('shortcuts-switch')).isChecked());
      assert.equal(await page.evaluate((k) => localStorage.getItem(k), DISPLAY_KEY), null, 'the damaged value is gone');

      // A value from the future or with an unknown word is damaged too.
      await page.evaluate((k) => localStorage.setItem(k, '{"version":1,"theme":"dark","motion":"sideways","shortcuts":true}'), DISPLAY_KEY);
      await page.reload();
      await page.locator(tid('notices'), { hasText: 'unknown motion "sideways"' }).waitFor();
      assert.equal(await page.locator('html').getAttribute('data-theme'), null, 'nothing of a damaged value is used');
    });
  });
});

describe('keyboard shortcuts', () => {
  test('act with focus inside the lab: B, W, K, . and ?', async () => {
    await withPage({}, async (page) => {
      await openLab(page, labUrl(server.url, QUIET));
      await page.locator(tid('play')).focus();
      await page.keyboard.press('b');
      await waitForValue(page, 'm-in-flight', '==', 1);

      await page.keyboard.press('w');
      await page.locator(`${tid('stage')}[data-wiring="request"]`).waitFor({ state: 'attached' });
      await page.keyboard.press('w');
      await page.locator(`${tid('stage')}[data-wiring="event"]`).waitFor({ state: 'attached' });

      const before = Number(await page.locator(tid('stage')).getAttribute('data-sim-time-us'));
      await page.keyboard.press('.');
      await waitForValue(page, 'stage', '>', before, { attr: 'data-sim-time-us' });

      await page.locator(tid('play')).filter({ hasText: 'Play' }).waitFor();
      await page.keyboard.press('k');
      await page.locator(tid('play')).filter({ hasText: 'Pause' }).waitFor();
      await page.keyboard.press('k');
      await page.locator(tid('play')).filter({ hasText: 'Play' }).waitFor();

      await page.keyboard.press('?');
      await page.locator(`${tid('shortcut-help')}[open]`).waitFor({ state: 'attached' });
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'shortcut-help-summary');
      assert.match(await page.locator(tid('shortcut-help')).innerText(), /Play or pause/);
    });
  });

  test('do nothing while typing in the seed field, with Ctrl held, or outside the lab', async () => {
    await withPage({}, async (page) => {
      await openLab(page, labUrl(server.url, QUIET));
      await page.locator('details.options > summary').click();
      const seed = page.locator(tid('seed'));
      await seed.focus();
      await page.keyboard.press('b');
      await page.keyboard.press('w');
      await page.locator(tid('play')).focus();
      await page.keyboard.press('Control+b');
      await page.evaluate(() => document.activeElement.blur());
      await page.keyboard.press('b');
      // The one order placed now is the first: none of the key presses above placed one.
      await page.locator(tid('buy')).click();
      const n = await waitForValue(page, 'm-in-flight', '>=', 1);
      assert.equal(n, 1, 'only the clicked Buy placed an order');
      assert.equal(await page.locator(tid('stage')).getAttribute('data-wiring'), 'event', 'W in the seed field did not switch');
      assert.equal(await seed.inputValue(), '3', 'letters typed into the number field are not taken as a seed');
    });
  });

  test('do nothing when switched off, and the list says so', async () => {
    await withPage({}, async (page) => {
      await openLab(page, labUrl(server.url, QUIET));
      await openDetails(page, 'display-settings');
      const sw = page.locator(tid('shortcuts-switch'));
      assert.equal(await sw.getAttribute('role'), 'switch');
      await sw.uncheck();
      await page.locator(tid('shortcut-state'), { hasText: 'switched off' }).waitFor({ state: 'attached' });
      await page.locator(tid('play')).focus();
      await page.keyboard.press('b');
      await page.keyboard.press('w');
      await page.keyboard.press('?');
      await page.locator(tid('buy')).click();
      const n = await waitForValue(page, 'm-in-flight', '>=', 1);
      assert.equal(n, 1, 'B did nothing while shortcuts were off');
      assert.equal(await page.locator(tid('stage')).getAttribute('data-wiring'), 'event');
      assert.equal(await page.locator(tid('shortcut-help')).getAttribute('open'), null, '? did not open the list');
      assert.equal(JSON.parse(await page.evaluate((k) => localStorage.getItem(k), DISPLAY_KEY)).shortcuts, false);
    });
  });
});

describe('charts: tables and downloads', () => {
  test('each chart has a data table with a caption and header cells', async () => {
    await withPage({}, async (page) => {
      await openLab(page, labUrl(server.url, RUN));
      await waitForValue(page, 'stage', '==', 12_000_000, { attr: 'data-sim-time-us' });
      await openDetails(page, 'table-response-time');
      const response = page.locator(`${tid('table-response-time')} table`);
      assert.match(await response.locator('caption').innerText(), /response time/i);
      assert.deepEqual(
        await response.locator('thead th[scope="col"]').allInnerTexts(),
        ['Simulated time (s)', 'Checkouts', 'Failed', 'p50 (ms)', 'p95 (ms)'],
      );
      const rows = await response.locator('tbody tr').count();
      assert.equal(rows, 3, 'buckets 0-5, 5-10, 10-15 s at 12 s');
      assert.equal(await response.locator('tbody th[scope="row"]').first().innerText(), '0\u20135');
      const checkouts = await response.locator('tbody tr').first().locator('td').first().innerText();
      assert.ok(Number(checkouts) > 0, `checkouts in the first 5 s: ${checkouts}`);

      await openDetails(page, 'table-lag');
      const lag = page.locator(`${tid('table-lag')} table`);
      const heads = await lag.locator('thead th[scope="col"]').allInnerTexts();
      assert.ok(heads.includes('Email lag (events)'), `lag columns: ${heads.join(', ')}`);
      assert.match(await lag.locator('tbody tr').last().locator('th').innerText(), /12\.0 \(now\)/);
    });
  });

  test('SVG, PNG and CSV downloads produce files', async () => {
    await withPage({}, async (page) => {
      await openLab(page, labUrl(server.url, RUN));
      await waitForValue(page, 'stage', '==', 12_000_000, { attr: 'data-sim-time-us' });
      const save = async (id) => {
        const [download] = await Promise.all([page.waitForEvent('download'), page.locator(tid(id)).click()]);
        const path = await download.path();
        return { name: download.suggestedFilename(), bytes: fs.readFileSync(path) };
      };
      const svg = await save('download-response-time-svg');
      assert.equal(svg.name, 'fanout-response-time.svg');
      const text = svg.bytes.toString('utf8');
      assert.ok(text.startsWith('<svg'), `the SVG starts with ${JSON.stringify(text.slice(0, 30))}`);
      assert.match(text, /width="520" height="230"/, 'the file has a size of its own');
      assert.doesNotMatch(text, /#010101|#0000A0/, 'sentinel colours are replaced by the theme');
      assert.equal((text.match(/viewBox=/g) ?? []).length, 1, 'exactly one viewBox (well-formed XML)');

      const png = await save('download-response-time-png');
      assert.equal(png.name, 'fanout-response-time.png');
      assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      assert.equal(png.bytes.readUInt32BE(16), 1040, 'PNG at twice the chart width');

      const csv = await save('download-lag-csv');
      assert.equal(csv.name, 'fanout-lag.csv');
      const lines = csv.bytes.toString('utf8').trim().split(/\r\n/);
      assert.match(lines[0], /^Simulated time \(s\),Email lag \(events\),/);
      assert.ok(lines.length >= 3, `a header and data rows: ${lines.length} lines`);
      assert.equal(lines[1].split(',').length, lines[0].split(',').length, 'rows as wide as the header');

      const responseCsv = await save('download-response-time-csv');
      assert.match(responseCsv.bytes.toString('utf8'), /^Simulated time \(s\),Checkouts,Failed,p50 \(ms\),p95 \(ms\)\r\n0\u20135,\d+,\d+,\d+,\d+/);
      await page.locator(tid('download-status'), { hasText: 'Saved fanout-response-time.csv' }).waitFor();

      for (const id of ['download-lag-svg', 'download-lag-png', 'download-response-time-csv']) {
        const box = await page.locator(tid(id)).boundingBox();
        assert.ok(box.width >= 24 && box.height >= 24, `${id} is ${box.width}x${box.height}`);
        assert.match(await page.locator(tid(id)).evaluate((b) => b.textContent), /^Download the .* chart as (SVG|PNG|CSV)$/);
      }
    });
  });
});

test('320 px wide: no sideways scrolling on any screen, with everything open', async () => {
  await withPage({ viewport: { width: 320, height: 700 } }, async (page) => {
    const noScroll = async (where) => {
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(w <= 320, `${where}: scrollWidth ${w} at 320 px`);
    };
    await openLab(page, labUrl(server.url, RUN));
    await noScroll('free lab');
    await openDetails(page, 'display-settings');
    await openDetails(page, 'shortcut-help');
    await noScroll('display settings and shortcut list');
    await openDetails(page, 'table-response-time');
    await openDetails(page, 'table-lag');
    await noScroll('chart tables');
    assert.deepEqual(await smallTargets(page), [], 'every control is at least 24x24 px at 320 px');
    await assertNoAxeViolations(page, '320 px, everything open');
    await openFaultMenu(page, 'email');
    await noScroll('fault menu');
    await page.locator(tid('nav-lessons')).click();
    await page.locator(tid('lesson-map')).waitFor();
    await noScroll('lesson map');
    await page.goto(labUrl(server.url, { lesson: 'coupling' }));
    await page.locator(tid('lesson-panel')).waitFor();
    await noScroll('lesson step');
  });
});
