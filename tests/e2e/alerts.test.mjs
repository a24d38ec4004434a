// Alerts in the page: a crashed subscriber's lag alert goes pending, waits out its `for`, then
// fires, and shows in the panel, on the stage (a bell on the node, the scene summary) and in
// the log; request-driven the same crash fires the checkout's error alert instead; a `for` of
// 0 lets a noisy rule fire where 10 s does not; the service health charts carry their tables.
import { test } from 'node:test';
import path from 'node:path';
import assert from 'node:assert/strict';
import { server, useLabSuite, withPage } from './support/suite.mjs';
import { tid, labUrl, openLab, waitForLogLine } from './support/lab.mjs';
import { assertNoAxeViolations } from './support/axe.mjs';
import { screenshot } from './support/browser.mjs';
import { SCREENSHOTS } from './support/paths.mjs';

useLabSuite();

const attr = (page, id, name) => page.locator(tid(id)).getAttribute(name);

/** Waits until `id`'s `name` attribute is `want`, saying what it was on a timeout. */
async function waitForAttr(page, id, name, want, timeout = 60_000) {
  try {
    await page.waitForFunction(
      ({ sel, name, want }) => document.querySelector(sel)?.getAttribute(name) === want,
      { sel: tid(id), name, want },
      { timeout },
    );
  } catch (e) {
    const now = await attr(page, id, name).catch(() => '(missing)');
    throw new Error(`waited for ${tid(id)} [${name}] = ${want}; it is ${now}\n${e.message}`);
  }
}

test('event-driven, a crashed subscriber\'s lag alert goes pending, then fires, on the panel, the stage and the log', async () => {
  await withPage({ viewport: { width: 1280, height: 800 } }, async (page) => {
    await openLab(page, labUrl(server.url, [['wiring', 'event'], ['seed', '11'], ['rate', '5'], ['speed', '10'],
      ['at', '5s:inject:crash:email']]));
    await page.locator(tid('alerts-panel')).waitFor();
    assert.equal(await attr(page, 'alert-row-email-lag', 'data-phase'), 'inactive');
    await waitForAttr(page, 'alert-row-email-lag', 'data-phase', 'pending');
    assert.match(await page.locator(tid('alert-phase-email-lag')).innerText(), /pending/);
    assert.equal(await attr(page, 'bell-email', 'data-phase'), 'pending', 'the stage shows it pending too');
    await waitForAttr(page, 'alert-row-email-lag', 'data-phase', 'firing');
    assert.equal(await attr(page, 'alerts-panel', 'data-firing'), '1');
    assert.match(await page.locator(tid('alerts-summary')).innerText(), /1 firing/);
    assert.equal(await attr(page, 'alert-row-email-errors', 'data-phase'), 'inactive', 'a crashed consumer fails nothing');
    // On the stage: Email's bell rings, and the scene summary says which alert fires.
    await waitForAttr(page, 'bell-email', 'data-phase', 'firing');
    assert.match(await page.locator(tid('bell-email')).innerText(), /lag alert firing/);
    assert.match(await page.locator(tid('scene-summary')).innerText(), /Alert firing: Email lag above 50 events for 10 s/);
    await waitForLogLine(page, 'Alert firing: Email lag above 50 events for 10 s');
    const history = await page.locator(tid('alert-history')).innerText();
    assert.match(history, /Email lag\s+pending →\s+firing/);
    // The service health charts, with their numbers as tables.
    for (const key of ['errors', 'p99']) {
      await page.locator(tid(`chart-${key}`)).waitFor();
      const table = page.locator(tid(`table-${key}`));
      await table.locator('summary').click();
      assert.match(await table.locator('thead').innerText(), /Checkout[\s\S]*Email/);
    }
    assert.match(await page.locator(tid('chart-errors')).getAttribute('aria-label'), /Error rate per service.*Email \d+%/);
    assert.match(await page.locator(tid('red-email')).innerText(), /^Email/);
    await assertNoAxeViolations(page, 'the alerts panel', { include: tid('alerts-panel') });
    await assertNoAxeViolations(page, 'the service health charts', { include: '.charts' });
  });
});

test('request-driven, the same crash fires the checkout\'s error alert and rings the Order Service\'s bell', async () => {
  await withPage({ viewport: { width: 1280, height: 800 } }, async (page) => {
    await openLab(page, labUrl(server.url, [['wiring', 'request'], ['seed', '11'], ['rate', '5'], ['speed', '10'],
      ['at', '5s:inject:crash:email']]));
    await waitForAttr(page, 'alert-row-entry-errors', 'data-phase', 'firing');
    await waitForAttr(page, 'bell-orders', 'data-phase', 'firing');
    assert.match(await page.locator(tid('scene-summary')).innerText(), /Alerts? firing: Checkout error rate above 5% for 5 s/);
    await waitForLogLine(page, 'Alert firing: Checkout error rate above 5% for 5 s');
  });
});

test('a for of 0 lets a noisy error rule fire where waiting 10 s does not, and the choice is applied', async () => {
  await withPage({ viewport: { width: 1280, height: 800 } }, async (page) => {
    // Email fails 6% of its work: its error share wanders across the 5% line.
    const fired = async (forSpec) => {
      await openLab(page, labUrl(server.url, [['wiring', 'event'], ['seed', '11'], ['rate', '5'], ['until', '60'],
        ['fault', 'errors:email:0.06'], ['at', `0s:alert-for:email-errors:${forSpec}`]]));
      await page.locator(tid('alert-row-email-errors')).waitFor();
      return {
        fired: Number(await attr(page, 'alert-row-email-errors', 'data-fired')),
        changes: Number(await attr(page, 'alert-row-email-errors', 'data-changes')),
        chosen: await page.locator(tid('alert-for-email-errors')).inputValue(),
      };
    };
    const atOnce = await fired('0s');
    const waiting = await fired('10s');
    assert.equal(atOnce.chosen, '0');
    assert.equal(waiting.chosen, '10000000');
    assert.ok(atOnce.fired > waiting.fired, `for 0 fired ${atOnce.fired} times, for 10 s ${waiting.fired}`);
    assert.ok(waiting.changes > 0, 'waiting 10 s, it still went pending and back');
    // Picking a `for` in the panel changes the rule at once.
    await page.locator(tid('alert-for-email-errors')).selectOption('0');
    await page.locator(tid('alert-row-email-errors')).getByText('Email error rate above 5% at once').waitFor();
    await waitForLogLine(page, 'The alert on Email error rate now fires at the first sample over its line');
  });
});

for (const theme of ['light', 'dark']) {
  for (const [width, height] of [[1280, 800], [375, 812]]) {
    test(`the alerts panel with one alert firing, ${width}x${height}, ${theme}`, async () => {
      await withPage({ viewport: { width, height } }, async (page) => {
        await openLab(page, labUrl(server.url, [['wiring', 'event'], ['seed', '11'], ['rate', '5'], ['until', '35'],
          ['theme', theme], ['at', '5s:inject:crash:email']]));
        await waitForAttr(page, 'alert-row-email-lag', 'data-phase', 'firing');
        await page.locator(tid('bell-email')).waitFor();
        // Nothing in the panel is wider than the page.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
        await assertNoAxeViolations(page, `the alerts panel (${theme}, ${width} px)`, { include: tid('alerts-panel') });
        await screenshot(page, `alerts-${width}-${theme}`);
        await page.locator(tid('alerts-panel')).screenshot({ path: path.join(SCREENSHOTS, `alerts-panel-${width}-${theme}.png`), animations: 'disabled' });
        await page.locator(tid('stage')).screenshot({ path: path.join(SCREENSHOTS, `alerts-stage-${width}-${theme}.png`), animations: 'disabled' });
      });
    });
  }
}
