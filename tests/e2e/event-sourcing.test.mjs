// The event store lab: orders kept as streams of events, read models projected from the log.
// A stopped read model piles up unread events and is behind, not wrong; a buggy dashboard is
// wrong, stays wrong after the fix, and agrees again after a rebuild from position 0; a
// rebuild mails everyone again unless the replay guard holds the emails back; two writers of
// one order meet a conflict the stream shows, where rows lose a change unseen. Each cause in
// the page, what it shows, then the cure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { server, useLabSuite, withPage } from './support/suite.mjs';
import { tid, labUrl, openLab, openFaultMenu, closeFaultMenu, waitForValue } from './support/lab.mjs';
import { assertNoAxeViolations } from './support/axe.mjs';
import { screenshot } from './support/browser.mjs';

useLabSuite();

/** Waits until `id`'s `attr` reads `expected`. */
async function waitForAttr(page, id, attr, expected, timeout) {
  await page.waitForFunction(
    ({ sel, attr, expected }) => document.querySelector(sel)?.getAttribute(attr) === expected,
    { sel: tid(id), attr, expected },
    { timeout, polling: 'raf' },
  );
}

const attr = (page, id, name) => page.locator(tid(id)).getAttribute(name);

const sourced = (extra = []) => [['wiring', 'event'], ['seed', '61'], ['rate', '8'], ['speed', '10'],
  ['at', '0s:storage:event-sourced'], ['at', '0s:cancel-share:0.3'], ...extra];

test('a stopped read model is behind but right; a buggy dashboard stays wrong after its fix until a rebuild from 0', async () => {
  await withPage({ viewport: { width: 1280, height: 800 } }, async (page) => {
    await openLab(page, labUrl(server.url, sourced()));
    await page.locator(tid('store-panel')).waitFor();
    await waitForValue(page, 'store-summary', '>=', 20, { attr: 'data-events' });

    // Stop the order history from the Order Service's menu.
    await openFaultMenu(page, 'orders');
    await assertNoAxeViolations(page, 'the Order Service menu with the store faults', { include: tid('fault-menu') });
    await page.locator(tid('fault-projection-down-history')).click();
    assert.equal(await attr(page, 'fault-projection-down-history', 'aria-pressed'), 'true');
    await closeFaultMenu(page);
    await waitForValue(page, 'read-model-history', '>=', 30, { attr: 'data-lag' });
    assert.equal(await attr(page, 'read-model-history', 'data-wrong'), 'false', 'behind, not wrong');
    assert.match(await page.locator(tid('read-model-status-history')).innerText(), /Stopped, \d+ events behind .*right up to position/);
    // The unread events pile up at the Order Service, whose log it reads.
    await page.locator(tid('stack-read-model-history')).waitFor({ state: 'attached' });
    assert.match(await page.locator(tid('read-model-caption-history')).innerText(), /order history · stopped/);
    assert.match(await page.locator(tid('scene-summary')).innerText(), /order history stopped, \d+ events behind/);

    await openFaultMenu(page, 'orders');
    await page.locator(tid('fault-projection-down-history')).click();
    await closeFaultMenu(page);
    await waitForValue(page, 'read-model-history', '<', 5, { attr: 'data-lag' });
    await page.locator(tid('stack-read-model-history')).waitFor({ state: 'detached' });

    // Ship the dashboard's refund bug: wrong, and hatched, while fully caught up.
    await openFaultMenu(page, 'orders');
    await page.locator(tid('fault-dashboard-bug')).click();
    await closeFaultMenu(page);
    await waitForAttr(page, 'read-model-dashboard', 'data-wrong', 'true');
    assert.match(await page.locator(tid('read-model-status-dashboard')).innerText(), /Wrong, not just behind: its sales are \$[\d,.]+ where the log says \$[\d,.]+/);
    assert.match(await page.locator(tid('read-model-caption-dashboard')).innerText(), /sales dashboard · wrong/);
    await page.locator('.event-log').getByText(/adds refunds to sales instead of taking them off/).first().waitFor();

    // The fix alone leaves the figures the bug made.
    await openFaultMenu(page, 'orders');
    await page.locator(tid('fault-dashboard-bug')).click();
    await closeFaultMenu(page);
    await page.locator('.event-log').getByText(/what it counted wrong stays wrong until it is rebuilt/).first().waitFor();
    const events = Number(await attr(page, 'store-summary', 'data-events'));
    await waitForValue(page, 'store-summary', '>=', events + 20, { attr: 'data-events' });
    assert.equal(await attr(page, 'read-model-dashboard', 'data-wrong'), 'true', 'still wrong after the fix');
    await assertNoAxeViolations(page, 'the event store panel with a wrong read model', { include: tid('store-panel') });
    await screenshot(page, 'event-store-wrong-1280');

    // The cure: a rebuild from position 0.
    await page.locator(tid('rebuild-dashboard')).click();
    await waitForAttr(page, 'read-model-dashboard', 'data-rebuilding', 'false', 60_000);
    await waitForAttr(page, 'read-model-dashboard', 'data-wrong', 'false');
    assert.match(await page.locator(tid('read-model-last-dashboard')).innerText(), /Last rebuild: from position 0, read \d+ events/);
  });
});

test('a rebuild sends every email again, and the replay guard holds them back', async () => {
  await withPage({ viewport: { width: 1024, height: 768 } }, async (page) => {
    await openLab(page, labUrl(server.url, sourced()));
    await waitForValue(page, 'store-summary', '>=', 60, { attr: 'data-events' });
    await page.locator(tid('rebuild-emails')).click();
    await waitForAttr(page, 'read-model-emails', 'data-rebuilding', 'false', 60_000);
    const resent = Number(await attr(page, 'emails-counts', 'data-resent'));
    assert.ok(resent >= 50, `every email of ~60 events again: ${resent}`);
    assert.match(await page.locator(tid('read-model-last-emails')).innerText(), new RegExp(`${resent} emails sent again`));

    await page.locator(tid('store-replay-guard')).check();
    await page.locator(tid('rebuild-emails')).click();
    await waitForAttr(page, 'read-model-emails', 'data-rebuilding', 'false', 60_000);
    assert.equal(Number(await attr(page, 'emails-counts', 'data-resent')), resent, 'no email sent again with the guard');
    assert.ok(Number(await attr(page, 'emails-counts', 'data-held')) >= 60);
    await page.locator('.event-log').getByText(/Replay guard on: while a read model replays the log/).first().waitFor();
    await screenshot(page, 'event-store-guard-1024');
  });
});

test('two writers of one order meet a conflict that its stream shows; kept as rows, one change is lost', async () => {
  await withPage({ viewport: { width: 375, height: 812 } }, async (page) => {
    await openLab(page, labUrl(server.url, sourced([['fault', 'concurrent-writes:0.5']])));
    await waitForValue(page, 'store-summary', '>=', 2, { attr: 'data-conflicts' });
    await page.locator(tid('stream-contested')).click();
    const table = page.locator(tid('stream-table'));
    await table.waitFor();
    const order = await table.getAttribute('data-order');
    // Placed, then both address changes: the refused writer appended on top of the other.
    await page.waitForFunction((sel) => (document.querySelector(sel)?.innerText.match(/AddressChanged/g) ?? []).length === 2, tid('stream-table'));
    assert.match(await table.innerText(), /OrderPlaced[\s\S]*AddressChanged[\s\S]*2 address changes/);
    assert.equal(await page.locator(tid('stream-order')).inputValue(), order);
    await page.locator('.event-log').getByText(/expected its stream at version 1, found it at 2, and was refused/).first().waitFor();
    await assertNoAxeViolations(page, 'the event store panel at 375 px', { include: tid('store-panel') });
    await screenshot(page, 'event-store-conflict-375');

    // Rows: the same writers, no conflict, and a change lost unseen.
    await page.locator(tid('storage-rows')).check();
    await page.locator('.event-log').getByText(/keeps each order as a row, changed in place/).first().waitFor();
    await waitForValue(page, 'store-summary', '>=', 1, { attr: 'data-lost-updates' });
    assert.equal(await page.locator(tid('storage-rows')).isChecked(), true);
  });
});
