// The outbox lab: a crash between the Order Service's save and its publish loses the event
// (the dual write), an outbox keeps it; the relay's own crash stores rows twice, which an
// idempotent subscriber absorbs; a stopped relay piles rows up at the Order Service and
// drains them when it starts again. Each cause in the page, what it shows, then the cure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { server, useLabSuite, withPage } from './support/suite.mjs';
import { tid, labUrl, openLab, openFaultMenu, closeFaultMenu, value, waitForValue } from './support/lab.mjs';
import { assertNoAxeViolations } from './support/axe.mjs';
import { screenshot } from './support/browser.mjs';

useLabSuite();

const count = async (page, id) => Number(await page.locator(tid(id)).getAttribute('data-count'));

test('a crash after the commit loses orders under the dual write, and none once the outbox is on', async () => {
  await withPage(async (page) => {
    await openLab(page, labUrl(server.url, { wiring: 'event', seed: 7, rate: 5, speed: 10 }));
    // Nothing to tell yet: no outbox panel, no piles.
    assert.equal(await page.locator(tid('outbox-panel')).count(), 0);
    const menu = await openFaultMenu(page, 'orders');
    await assertNoAxeViolations(page, 'the Order Service menu with the outbox faults', { include: tid('fault-menu') });
    await page.locator(tid('fault-crash-after-commit')).click();
    assert.equal(await page.locator(tid('fault-crash-after-commit')).getAttribute('aria-pressed'), 'true');
    assert.match(await menu.innerText(), /outbox under More settings|choose it under/i, 'the relay faults wait for an outbox');
    await closeFaultMenu(page);
    // The dual write: orders saved with no event pile up, red, at the Order Service.
    await page.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-count')) >= 3, tid('stack-lost'));
    await page.locator(tid('outbox-panel')).waitFor();
    assert.equal(await page.locator(tid('outbox-mode')).getAttribute('data-value'), 'direct');
    const lost = await value(page, 'outbox-lost');
    assert.ok(lost >= 3, `orders with no event: ${lost}`);
    assert.match(await page.locator(tid('outbox-lost')).innerText(), /by a crash between the commit and the publish/);
    assert.match(await page.locator(tid('scene-summary')).innerText(), /saved with no event/);
    await page.locator('.event-log').getByText(/before publishing: the order exists/).first().waitFor();
    await assertNoAxeViolations(page, 'the outbox panel', { include: tid('outbox-panel') });

    // The cure: the event becomes an outbox row in the order's own transaction.
    const details = page.locator('details.options');
    if ((await details.getAttribute('open')) === null) await details.locator('summary').first().click();
    await page.locator(tid('publishing')).selectOption('outbox-polling');
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-value') === 'outbox-polling', tid('outbox-mode'));
    const lostBefore = await value(page, 'outbox-lost');
    const crashes = await value(page, 'outbox-commit-crashes');
    await waitForValue(page, 'outbox-commit-crashes', '>=', crashes + 3);
    assert.equal(await value(page, 'outbox-lost'), lostBefore, 'no order lost with the outbox, though the crashes go on');
    await page.locator('.event-log').getByText(/its outbox row was saved in the same transaction/).first().waitFor();
    await page.locator(tid('stack-outbox')).waitFor({ state: 'attached' });
    await screenshot(page, 'outbox-dual-write-1280');
  });
});

test('a relay crash stores rows twice; an idempotent subscriber skips the copies', async () => {
  const run = async (idempotent) => {
    let seen;
    await withPage({ viewport: { width: 1280, height: 800 } }, async (page) => {
      const steps = [['at', '0s:publishing:outbox-tailing']];
      if (idempotent) steps.push(['at', '0s:idempotent:inventory:on']);
      await openLab(page, labUrl(server.url, [['wiring', 'event'], ['seed', '9'], ['rate', '5'], ['speed', '10'],
        ['fault', 'relay-crash:0.3'], ...steps]));
      await waitForValue(page, 'outbox-republished', '>=', 3, { timeout: 60_000 });
      assert.match(await page.locator(tid('outbox-republished')).innerText(), /after \d+ relay crash/);
      await page.locator('.event-log').getByText(/a second time: its subscribers will meet a duplicate/).first().waitFor();
      // Inventory meets the second copies: applied twice, or skipped by its ID check.
      const met = idempotent ? 'skipped-inventory' : 'duplicates-inventory';
      await waitForValue(page, met, '>=', 1, { timeout: 60_000 });
      seen = { dup: await value(page, 'duplicates-inventory'), skipped: await value(page, 'skipped-inventory') };
    });
    return seen;
  };
  const plain = await run(false);
  assert.ok(plain.dup >= 1 && plain.skipped === 0, JSON.stringify(plain));
  const safe = await run(true);
  assert.ok(safe.dup === 0 && safe.skipped >= 1, JSON.stringify(safe));
});

test('a stopped relay piles rows up at the Order Service and drains them when it starts again', async () => {
  await withPage({ viewport: { width: 375, height: 812 } }, async (page) => {
    await openLab(page, labUrl(server.url, [['wiring', 'event'], ['seed', '4'], ['rate', '5'], ['speed', '10'],
      ['at', '0s:publishing:outbox-polling']]));
    await openFaultMenu(page, 'orders');
    await page.locator(tid('fault-relay-down')).click();
    await closeFaultMenu(page);
    const failed = await value(page, 'm-failed');
    await page.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-count')) >= 6, tid('stack-outbox'));
    assert.match(await page.locator(tid('outbox-caption')).innerText(), /relay stopped/);
    assert.match(await page.locator(tid('outbox-relay')).innerText(), /stopped/);
    assert.equal(await value(page, 'm-failed'), failed, 'the shoppers are answered all the same');
    // The table lists the waiting rows (the panel refreshes on its own tick, so wait for it).
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length >= 6, `${tid('outbox-panel')} tr.row-pending`);
    await screenshot(page, 'outbox-relay-stopped-375', { fullPage: false });
    await openFaultMenu(page, 'orders');
    await page.locator(tid('fault-relay-down')).click();
    await closeFaultMenu(page);
    await page.locator(tid('rate')).fill('0');
    await page.locator(tid('rate')).press('Enter');
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-count') === '0', tid('stack-outbox'));
    assert.equal(await value(page, 'outbox-pending'), 0);
    assert.match(await page.locator(tid('outbox-caption')).innerText(), /^outbox$/);
  });
});
