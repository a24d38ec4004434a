// End-to-end tests of the lab page (release build in dist/), in headless Chromium.
// Every wait is on a condition of the page; no test sleeps.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { server, browser, useLabSuite, withPage } from './support/suite.mjs';
import { screenshot } from './support/browser.mjs';
import { assertNoAxeViolations } from './support/axe.mjs';
import {
  tid,
  labUrl,
  openLab,
  assertNotBlank,
  value,
  waitForValue,
  completed,
  setWiring,
  openFaultMenu,
  closeFaultMenu,
  waitForLogLine,
  focusState,
} from './support/lab.mjs';

useLabSuite();


const QUIET = { seed: 3, rate: 0, speed: 10 };

test('student flow: a slow Analytics slows request-driven checkouts, not event-driven ones', async () => {
  await withPage({}, async (page) => {
    await openLab(page, labUrl(server.url, QUIET));

    await setWiring(page, 'request');
    const calls = page.locator(tid('call-list'));
    await assert.doesNotReject(
      calls.filter({ hasText: /Calls 4 services/ }).waitFor(),
      'call list should read "Calls 4 services: ..." in request wiring',
    );
    const callText = await calls.innerText();
    for (const name of ['Email', 'Inventory', 'Analytics', 'Shipping']) {
      assert.match(callText, new RegExp(`\\b${name}\\b`), `call list names ${name}: ${callText}`);
    }

    const menu = await openFaultMenu(page, 'analytics');
    assert.match((await menu.getAttribute('role')) ?? '', /dialog/, 'fault menu has role dialog');
    const menuName = (await menu.getAttribute('aria-label')) ?? (await menu.innerText());
    assert.match(menuName, /Analytics/, `fault menu is named after Analytics: ${menuName}`);
    await page.locator(tid('fault-slow-ms')).fill('2000');
    await page.locator(tid('fault-slow-apply')).click();
    await closeFaultMenu(page);

    let before = await value(page, 'm-succeeded');
    await page.locator(tid('buy')).click();
    await waitForValue(page, 'm-succeeded', '>', before);
    const slow = await value(page, 'm-last');
    assert.ok(slow >= 2000, `request-driven checkout with Analytics slowed by 2000 ms took ${slow} ms, expected >= 2000`);

    await setWiring(page, 'event');
    await assert.doesNotReject(
      calls.filter({ hasText: /Publishes 1 event/ }).waitFor(),
      'call list should read "Publishes 1 event: OrderPlaced" in event wiring',
    );
    assert.match(await calls.innerText(), /OrderPlaced/);

    before = await value(page, 'm-succeeded');
    await page.locator(tid('buy')).click();
    await waitForValue(page, 'm-succeeded', '>', before);
    const fast = await value(page, 'm-last');
    // Four hops of about 0.2 s each (at least 150 ms) and the Order Service's work: about 0.8 s,
    // against the request-driven checkout's 2 s slowdown plus its own ten hops.
    assert.ok(fast < 1500, `event-driven checkout with Analytics slowed took ${fast} ms, expected < 1500`);
  });
});

test('failure flow: a crashed Email fails request-driven checkouts; event-driven ones succeed and Email lags, then drains', async () => {
  await withPage({}, async (page) => {
    await openLab(page, labUrl(server.url, QUIET));
    await setWiring(page, 'request');

    await openFaultMenu(page, 'email');
    const crash = page.locator(tid('fault-crash'));
    await assert.doesNotReject(crash.filter({ hasText: /^\s*Crash\s*$/ }).waitFor(), 'the crash button reads "Crash"');
    await crash.click();
    await assert.doesNotReject(crash.filter({ hasText: /^\s*Recover\s*$/ }).waitFor(), 'after crashing, the button reads "Recover"');
    await closeFaultMenu(page);

    const failed = await value(page, 'm-failed');
    await page.locator(tid('buy')).click();
    await waitForValue(page, 'm-failed', '>', failed);
    await waitForLogLine(page, 'Email is down');

    await setWiring(page, 'event');
    const succeeded = await value(page, 'm-succeeded');
    await page.locator(tid('buy')).click();
    await waitForValue(page, 'm-succeeded', '>', succeeded);
    await waitForValue(page, 'lag-email', '>=', 1);

    await openFaultMenu(page, 'email');
    await crash.filter({ hasText: /Recover/ }).click();
    await assert.doesNotReject(crash.filter({ hasText: /^\s*Crash\s*$/ }).waitFor(), 'after recovering, the button reads "Crash"');
    await closeFaultMenu(page);
    await waitForValue(page, 'lag-email', '==', 0);
  });
});

test('keyboard only: change wiring, crash Email from its fault menu, Buy now; focus always visible', async () => {
  await withPage({}, async (page) => {
    await openLab(page, labUrl(server.url, QUIET));
    const visited = [];

    /** Presses `key` until the focused element's test id satisfies `want`; checks every stop. */
    async function reach(want, { key = 'Tab', max = 120, label } = {}) {
      const here = await focusState(page);
      if (here.testid && want(here.testid)) return here;
      for (let i = 0; i < max; i++) {
        await page.keyboard.press(key);
        const f = await focusState(page);
        visited.push(f.desc);
        if (!f.none) assert.ok(f.visible, `focus is not visible on ${f.desc} (${f.style})`);
        if (f.testid && want(f.testid)) return f;
      }
      throw new Error(`pressing ${key} ${max} times never reached ${label}; focus went through:\n${visited.slice(-max).join('\n')}`);
    }
    /** Tab or Shift+Tab toward an element, by its position in the document. */
    async function reachById(id) {
      const backwards = await page.evaluate((sel) => {
        const target = document.querySelector(sel);
        const here = document.activeElement;
        if (!target || !here || here === document.body) return false;
        return Boolean(target.compareDocumentPosition(here) & Node.DOCUMENT_POSITION_FOLLOWING);
      }, tid(id));
      return reach((t) => t === id, { key: backwards ? 'Shift+Tab' : 'Tab', label: tid(id) });
    }
    const checkedWiring = () =>
      page.evaluate(() => document.querySelector('[data-testid^="wiring-"]:checked')?.dataset.testid ?? null);

    // Wiring: Tab into the radio group, then an arrow key moves the choice.
    const radio = await reach((t) => t.startsWith('wiring-'), { label: 'a wiring radio' });
    const wasChecked = await checkedWiring();
    assert.ok(wasChecked, 'one wiring radio is checked');
    await page.keyboard.press('ArrowDown');
    const nowChecked = await checkedWiring();
    assert.notEqual(nowChecked, wasChecked, `ArrowDown on ${radio.desc} did not change the wiring`);
    const wiring = nowChecked.replace('wiring-', '');
    await page.locator(`${tid('stage')}[data-wiring="${wiring}"]`).waitFor({ state: 'attached' });
    assert.equal((await focusState(page)).testid, nowChecked, 'focus follows the checked radio');

    // Email's fault menu: Enter opens it and focus moves inside it.
    await reachById('node-email');
    await page.keyboard.press('Enter');
    await page.locator(tid('fault-menu')).waitFor({ state: 'visible' });
    await page.waitForFunction(() => Boolean(document.activeElement?.closest('[data-testid="fault-menu"]')));
    const first = await focusState(page);
    assert.ok(first.inMenu && first.visible, `focus in the fault menu is visible: ${first.desc} (${first.style})`);

    await reach((t) => t === 'fault-crash', { label: tid('fault-crash'), max: 20 });
    await page.keyboard.press('Space');
    await page.locator(tid('fault-crash')).filter({ hasText: /Recover/ }).waitFor();

    await page.keyboard.press('Escape');
    await page.locator(tid('fault-menu')).waitFor({ state: 'hidden' });
    const back = await focusState(page);
    assert.equal(back.testid, 'node-email', `Escape returns focus to the Email button, not ${back.desc}`);
    assert.ok(back.visible, `focus on the Email button is visible (${back.style})`);

    // Buy now: the checkout completes, failing (request) or succeeding with Email lagging (event).
    const failed = await value(page, 'm-failed');
    const succeeded = await value(page, 'm-succeeded');
    await reachById('buy');
    await page.keyboard.press('Enter');
    if (wiring === 'request') {
      await waitForValue(page, 'm-failed', '>', failed);
    } else {
      await waitForValue(page, 'm-succeeded', '>', succeeded);
      await waitForValue(page, 'lag-email', '>=', 1);
    }
    const f = await focusState(page);
    assert.equal(f.testid, 'buy', `focus stays on Buy now after pressing it, not ${f.desc}`);
    assert.ok(f.visible, `focus on Buy now is visible (${f.style})`);
  });
});

describe('accessibility: axe WCAG 2.2 AA finds nothing', () => {
  test('default page, light', async () => {
    await withPage({ colorScheme: 'light' }, async (page) => {
      await openLab(page, labUrl(server.url));
      await assertNoAxeViolations(page, 'default page, light');
    });
  });

  test('default page, dark colour scheme', async () => {
    await withPage({ colorScheme: 'dark' }, async (page) => {
      await openLab(page, labUrl(server.url));
      await assertNoAxeViolations(page, 'default page, dark');
    });
  });

  test('default page, reduced motion', async () => {
    await withPage({ reducedMotion: 'reduce' }, async (page) => {
      await openLab(page, labUrl(server.url));
      await assertNoAxeViolations(page, 'default page, reduced motion');
    });
  });

  test('with a fault menu open', async () => {
    await withPage({}, async (page) => {
      await openLab(page, labUrl(server.url));
      await openFaultMenu(page, 'email');
      await assertNoAxeViolations(page, 'fault menu open');
    });
  });

  test('320 px wide, without horizontal scrolling', async () => {
    await withPage({ viewport: { width: 320, height: 700 } }, async (page) => {
      await openLab(page, labUrl(server.url));
      await assertNoAxeViolations(page, '320 px viewport');
      const widths = await page.evaluate(() => ({
        doc: document.documentElement.scrollWidth,
        body: document.body.scrollWidth,
      }));
      assert.ok(widths.doc <= 320, `the page scrolls sideways at 320 px: scrollWidth ${widths.doc}`);
    });
  });
});

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file) {
  const b = fs.readFileSync(file);
  assert.equal(b.toString('ascii', 1, 4), 'PNG', `${file} is not a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), bytes: b.length };
}

describe('screenshots (target/screenshots/)', () => {
  const SHOTS = [
    { name: 'lab-1280x800-light', viewport: { width: 1280, height: 800 }, colorScheme: 'light' },
    { name: 'lab-1280x800-dark', viewport: { width: 1280, height: 800 }, colorScheme: 'dark' },
    { name: 'lab-320x700-light', viewport: { width: 320, height: 700 }, colorScheme: 'light' },
    { name: 'lab-320x700-dark', viewport: { width: 320, height: 700 }, colorScheme: 'dark' },
  ];
  const background = {};

  for (const shot of SHOTS) {
    test(shot.name, async () => {
      await withPage({ viewport: shot.viewport, colorScheme: shot.colorScheme }, async (page) => {
        // A few simulated seconds of traffic, then paused: a stable picture with numbers in it.
        await openLab(page, labUrl(server.url, { seed: 3, until: 5 }));
        await waitForValue(page, 'stage', '==', 5_000_000, { attr: 'data-sim-time-us' });
        background[shot.name] = await page.evaluate(() => {
          const lum = (el) => {
            const m = getComputedStyle(el).backgroundColor.match(/[\d.]+/g);
            if (!m || (m.length === 4 && Number(m[3]) === 0)) return null;
            const [r, g, b] = m.slice(0, 3).map((c) => {
              const s = Number(c) / 255;
              return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
            });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b;
          };
          return lum(document.body) ?? lum(document.documentElement) ?? 1; // transparent = white canvas
        });
        const file = await screenshot(page, shot.name);
        const size = pngSize(file);
        assert.equal(size.width, shot.viewport.width, `${shot.name}: the page is wider than the viewport`);
        assert.ok(size.height >= shot.viewport.height);
        assert.ok(size.bytes > 5_000, `${shot.name}: ${size.bytes} bytes looks like a blank page`);
      });
    });
  }

  test('dark colour scheme gives a dark page', () => {
    for (const w of ['1280x800', '320x700']) {
      const light = background[`lab-${w}-light`];
      const dark = background[`lab-${w}-dark`];
      assert.ok(light !== undefined && dark !== undefined, `both ${w} screenshots ran`);
      assert.ok(dark < 0.2 && dark < light, `${w}: page background luminance is ${dark} dark vs ${light} light`);
    }
  });

  test('lab-fault-menu', async () => {
    await withPage({}, async (page) => {
      await openLab(page, labUrl(server.url, { seed: 3, until: 5 }));
      await waitForValue(page, 'stage', '==', 5_000_000, { attr: 'data-sim-time-us' });
      const menu = await openFaultMenu(page, 'analytics');
      const file = await screenshot(page, 'lab-fault-menu');
      const box = await menu.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 1280, `the fault menu is inside the viewport: ${JSON.stringify(box)}`);
      assert.ok(pngSize(file).bytes > 5_000);
    });
  });
});

test('bad URL input: a notice names each bad parameter and the lab keeps working', async () => {
  await withPage({}, async (page) => {
    await openLab(page, `${server.url}/?wiring=sideways&seed=abc&bogus=1`);
    const notices = page.locator(tid('notices'));
    await notices.waitFor({ state: 'visible' });
    const text = await notices.innerText();
    assert.match(text, /\bwiring\b/, `a notice names wiring: ${text}`);
    assert.match(text, /sideways/, `the notice quotes the bad wiring value: ${text}`);
    assert.match(text, /\bseed\b/, `a notice names seed: ${text}`);
    assert.match(text, /\bbogus\b/, `a notice lists the unknown parameter bogus: ${text}`);

    // Each notice is dismissible: dismissing one leaves one fewer.
    const dismiss = notices.getByRole('button', { name: /dismiss|close|hide/i });
    const before = await dismiss.count();
    assert.ok(before >= 2, `each notice has a dismiss button (found ${before}): ${text}`);
    await dismiss.first().click();
    await page.waitForFunction(
      ({ sel, before }) =>
        [...document.querySelectorAll(`${sel} button`)].filter((b) => /dismiss|close|hide/i.test(b.getAttribute('aria-label') ?? b.textContent)).length < before,
      { sel: tid('notices'), before },
    );

    // Still a working lab: stop the default traffic, then Buy now completes a checkout.
    const rate = page.locator(tid('rate'));
    await rate.fill('0');
    await rate.press('Enter');
    await rate.blur();
    await waitForValue(page, 'm-in-flight', '==', 0);
    const succeeded = await value(page, 'm-succeeded');
    await page.locator(tid('buy')).click();
    await waitForValue(page, 'm-succeeded', '==', succeeded + 1);
  });
});
