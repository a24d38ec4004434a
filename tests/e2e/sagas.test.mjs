// The checkout saga: reserve stock, charge the card, book shipping. Each failure caused in
// the page, what the stage and the sagas panel show, then the cure: a declined card undoes
// only the reserved stock; a choreography that loses an event stalls until a deadline ends
// it; a refund tried again pays twice until it is idempotent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { server, useLabSuite, withPage } from './support/suite.mjs';
import { tid, labUrl, openLab, openFaultMenu, closeFaultMenu, value, waitForValue } from './support/lab.mjs';
import { assertNoAxeViolations } from './support/axe.mjs';
import { screenshot } from './support/browser.mjs';

useLabSuite();

const saga = (extra = []) => labUrl(server.url, [['scenario', 'checkout-saga'], ['wiring', 'event'], ['seed', '5'],
  ['rate', '5'], ['speed', '10'], ...extra]);
const attr = async (page, id, name) => Number(await page.locator(tid(id)).getAttribute(name));

test('a declined card releases the stock it reserved and refunds nothing; the panel shows each step', async () => {
  await withPage({ viewport: { width: 1280, height: 800 } }, async (page) => {
    await openLab(page, saga());
    await page.locator(tid('saga-panel')).waitFor();
    assert.equal(await page.locator(tid('saga-style-orchestrated')).isChecked(), true);
    // The key names the saga's messages by their shapes.
    assert.match(await page.locator('.legend').innerText(), /compensation command/);
    const menu = await openFaultMenu(page, 'payment');
    assert.match(await menu.innerText(), /RefundPayment/);
    await page.locator(tid('fault-errors')).fill('40');
    await page.locator(tid('fault-errors-apply')).click();
    await assertNoAxeViolations(page, 'a saga participant menu', { include: tid('fault-menu') });
    await closeFaultMenu(page);
    await waitForValue(page, 'sagas-compensated', '>=', 3, { timeout: 60_000 });
    assert.ok((await attr(page, 'saga-books-0', 'data-undone')) >= 3, 'stock released');
    assert.equal(await attr(page, 'saga-books-1', 'data-undone'), 0, 'no refund for a card never charged');
    await page.locator('.event-log').getByText(/PaymentDeclined for order/).first().waitFor();
    await page.locator('.event-log').getByText(/StockReleased/).first().waitFor();
    const compensated = page.locator(`${tid('saga-panel')} tr[data-state="compensated"]`);
    await compensated.first().waitFor();
    assert.match(await page.locator(tid('scene-summary')).innerText(), /with a saga/);
    await assertNoAxeViolations(page, 'the sagas panel', { include: tid('saga-panel') });
    await screenshot(page, 'sagas-declined-1280');
  });
});

test('a choreography that loses an event stalls; a deadline at the Order Service ends every saga', async () => {
  await withPage({ viewport: { width: 1280, height: 800 } }, async (page) => {
    await openLab(page, saga([['fault', 'drop:payment:0.3']]));
    await page.locator(tid('saga-style-choreographed')).check();
    await page.locator('.event-log').getByText(/New sagas are choreographed/).first().waitFor();
    await waitForValue(page, 'sagas-stuck', '>=', 2, { timeout: 60_000 });
    await page.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-count')) >= 2, tid('stack-stuck'));
    // The stuck sagas are listed with what they still owe, however old they are.
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length >= 2, `${tid('saga-stuck-list')} li`);
    assert.match(await page.locator(tid('saga-stuck-list')).innerText(), /owes ReleaseStock/);
    // The cure: stop new orders, switch the deadline on, and every saga ends.
    await page.locator(tid('rate')).fill('0');
    await page.locator(tid('rate')).press('Enter');
    await page.locator(tid('saga-timeouts')).check();
    await waitForValue(page, 'sagas-stuck', '==', 0, { timeout: 60_000 });
    await waitForValue(page, 'sagas-running', '==', 0, { timeout: 60_000 });
    await page.locator('.event-log').getByText(/ran out of time: the Order Service announced OrderTimedOut/).first().waitFor();
    assert.equal(await page.locator(tid('stack-stuck')).count(), 0, 'no stuck pile left');
    assert.equal(await page.locator(tid('saga-stuck-list')).count(), 0, 'nor a list of them');
  });
});

test('a refund tried again pays twice until the refund is idempotent', async () => {
  await withPage({ viewport: { width: 375, height: 812 } }, async (page) => {
    await openLab(page, saga([['fault', 'errors:shipping:0.4'], ['fault', 'compensation-fails:payment:1']]));
    await waitForValue(page, 'sagas-paid-twice', '>=', 1, { timeout: 60_000 });
    await page.locator('.event-log').getByText(/paid out again for order/).first().waitFor();
    await openFaultMenu(page, 'payment');
    await page.locator(tid('saga-idempotent')).check();
    await closeFaultMenu(page);
    const twice = await value(page, 'sagas-paid-twice');
    const compensated = await value(page, 'sagas-compensated');
    await waitForValue(page, 'sagas-compensated', '>=', compensated + 3, { timeout: 60_000 });
    assert.equal(await value(page, 'sagas-paid-twice'), twice, 'no refund paid twice once it is idempotent');
    await page.locator('.event-log').getByText(/had already done RefundPayment for order .*: skipped/).first().waitFor();
    await screenshot(page, 'sagas-refunds-375', { fullPage: false });
  });
});
