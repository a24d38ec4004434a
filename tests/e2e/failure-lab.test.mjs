// End-to-end tests of the failure lab: for each fault, inject it, see the damage, switch on
// the remedy, see it hold; the timeline rewinds and replays exactly; the new panels pass axe.
// Every wait is on a condition of the page; no test sleeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { server, useLabSuite, withPage } from './support/suite.mjs';
import { assertNoAxeViolations } from './support/axe.mjs';
import {
  tid,
  labUrl,
  openLab,
  value,
  waitForValue,
  openFaultMenu,
  closeFaultMenu,
  waitForLogLine,
} from './support/lab.mjs';

useLabSuite();

const lab = (params) => labUrl(server.url, { seed: 3, speed: 10, ...params });

/** Simulated time now, in µs, from the stage. */
async function simNow(page) {
  return Number(await page.locator(tid('stage')).getAttribute('data-sim-time-us'));
}

/** Waits until the run has reached simulated time `us`. */
async function waitForSimTime(page, us) {
  await waitForValue(page, 'stage', '>=', us, { attr: 'data-sim-time-us' });
}

async function setSelect(page, id, v) {
  await page.locator(tid(id)).selectOption(v);
}

test('duplicates: lost acknowledgements take stock twice, until Inventory is idempotent', async () => {
  await withPage({}, async (page) => {
    await openLab(page, lab({ rate: 0, fault: 'duplicate:inventory:1' }));
    await page.locator(tid('buy')).click();
    await page.locator(tid('buy')).click();
    await waitForValue(page, 'duplicates-inventory', '>', 0);
    const stock = await value(page, 'effect-inventory');
    const expected = await value(page, 'expected-inventory');
    assert.ok(stock < expected, `stock ${stock} should be below ${expected} after duplicates`);
    await waitForLogLine(page, 'a second time');

    await openFaultMenu(page, 'inventory');
    await page.locator(tid('idempotent-inventory')).check();
    await closeFaultMenu(page);
    await page.locator(tid('node-inventory')).filter({ hasText: /idempotent/i }).waitFor();
    // From the moment the switch is on, redeliveries are skipped: nothing changes any more.
    const dups = await value(page, 'duplicates-inventory');
    const stockNow = await value(page, 'effect-inventory');
    const skipped = await waitForValue(page, 'skipped-inventory', '>', 0);
    await waitForValue(page, 'skipped-inventory', '>', skipped);
    assert.equal(await value(page, 'duplicates-inventory'), dups, 'an idempotent Inventory applied a duplicate');
    assert.equal(await value(page, 'effect-inventory'), stockNow, 'redelivered events no longer take stock');
  });
});

test('loss: at-most-once loses dropped deliveries; at-least-once delivers them again', async () => {
  await withPage({}, async (page) => {
    await openLab(page, lab({ rate: 4, fault: 'drop:email:0.5' }));
    await openFaultMenu(page, 'email');
    await setSelect(page, 'guarantee-email', 'at-most-once');
    await closeFaultMenu(page);
    const lost = await waitForValue(page, 'lost-email', '>', 0);
    await openFaultMenu(page, 'email');
    await setSelect(page, 'guarantee-email', 'at-least-once');
    await closeFaultMenu(page);
    // Anything dropped from now on is delivered again, not lost.
    const settledLost = await value(page, 'lost-email');
    assert.ok(settledLost >= lost);
    const redelivered = await value(page, 'redeliveries-email');
    await waitForValue(page, 'redeliveries-email', '>=', redelivered + 3);
    assert.equal(await value(page, 'lost-email'), settledLost, 'at-least-once lost an event');
  });
});

test('crash before acknowledging: the broker delivers again; idempotency absorbs it', async () => {
  await withPage({}, async (page) => {
    await openLab(page, lab({ rate: 3 }));
    await openFaultMenu(page, 'analytics');
    await page.locator(tid('crash-before-ack-analytics')).fill('50');
    await page.locator(tid('crash-before-ack-apply-analytics')).click();
    await closeFaultMenu(page);
    await waitForLogLine(page, 'before acknowledging');
    await waitForValue(page, 'duplicates-analytics', '>', 0);
    await openFaultMenu(page, 'analytics');
    await page.locator(tid('idempotent-analytics')).check();
    await closeFaultMenu(page);
    const dups = await value(page, 'duplicates-analytics');
    const skipped = await waitForValue(page, 'skipped-analytics', '>', 0);
    await waitForValue(page, 'skipped-analytics', '>', skipped + 1);
    assert.equal(await value(page, 'duplicates-analytics'), dups);
  });
});

test('poison: retried with backoff, parked in the dead-letter queue, inspected and redriven', async () => {
  await withPage({}, async (page) => {
    await openLab(page, lab({ rate: 0 }));
    const menu = await openFaultMenu(page, 'email');
    await page.locator(tid('poison-next-email')).click();
    await assertNoAxeViolations(page, 'subscriber menu', { include: tid('fault-menu') });
    assert.match(await menu.innerText(), /guarantee|idempotent/i);
    await closeFaultMenu(page);
    await page.locator(tid('buy')).click();
    await waitForValue(page, 'dlq-count-email', '>=', 1);
    const letter = page.locator(`${tid('dlq-panel')} [data-testid^="dlq-email-"]`).first();
    const text = await letter.innerText();
    assert.match(text, /4 attempts/, `the dead letter shows its attempts: ${text}`);
    assert.match(text, /poison/i, `the dead letter shows its last error: ${text}`);
    await page.locator(tid('dead-email')).waitFor();
    await assertNoAxeViolations(page, 'lab with a dead letter');

    await openFaultMenu(page, 'email');
    await page.locator(tid('poison-clear-email')).click();
    await closeFaultMenu(page);
    const event = (await letter.getAttribute('data-testid')).replace('dlq-email-', '');
    await page.locator(tid(`redrive-email-${event}`)).click();
    // Redriven, Email's row leaves the panel (the whole list, if it was the only letter):
    // wait for whichever comes, not for a count on an element that is gone.
    await page.waitForFunction(() => {
      const count = document.querySelector('[data-testid="dlq-count-email"]');
      return count ? Number(count.dataset.value) === 0 : true;
    });
    assert.equal(await page.locator(tid(`dlq-email-${event}`)).count(), 0, 'the redriven letter left the panel');
    await waitForLogLine(page, 'sent back to Email');
    await waitForValue(page, 'effect-email', '>=', 1);
  });
});

test('ordering: without a key cancellations overtake their orders; keyed by order ID they do not', async () => {
  await withPage({}, async (page) => {
    // A cancellation is published about four hops (~0.8 s) after its order: deliveries held up
    // by up to 1.5 s let some overtake (as in sim/tests/failure_lab.rs).
    await openLab(page, lab({ rate: 5, fault: 'delay:email:0.5:1500ms' }));
    await openFaultMenu(page, 'broker');
    await setSelect(page, 'partition-key', 'none');
    await setSelect(page, 'cancel-share', '50');
    await assertNoAxeViolations(page, 'broker menu', { include: tid('fault-menu') });
    await closeFaultMenu(page);
    await waitForValue(page, 'out-of-order-email', '>', 0);
    await page.locator(tid('ooo-email')).waitFor();
    await waitForLogLine(page, 'before the order itself');

    await openFaultMenu(page, 'broker');
    await setSelect(page, 'partition-key', 'order');
    await closeFaultMenu(page);
    // Events published before the switch may still overtake for a moment (a few ~0.2 s hops
    // and up to 1.5 s of delay behind the events queued in their partition).
    await waitForSimTime(page, (await simNow(page)) + 5_000_000);
    const settled = await value(page, 'out-of-order-email');
    await waitForSimTime(page, (await simNow(page)) + 10_000_000);
    assert.equal(await value(page, 'out-of-order-email'), settled, 'keyed by order ID, a cancellation overtook');
    await assertNoAxeViolations(page, 'topic panel', { include: tid('topic-panel') });
  });
});

test('queues, pub/sub and streams: competing consumers, and a late subscriber replaying from offset 0', async () => {
  await withPage({}, async (page) => {
    await openLab(page, lab({ rate: 8 }));
    await openFaultMenu(page, 'email');
    await setSelect(page, 'consumers-email', '3');
    await closeFaultMenu(page);
    // Three consumers compete: each has processed some of Email's events.
    await page.waitForFunction(
      (sel) => {
        const counts = (document.querySelector(sel)?.getAttribute('data-value') ?? '').split(',').map(Number);
        return counts.length === 3 && counts.every((n) => n > 0);
      },
      tid('per-consumer-email'),
      { polling: 'raf' },
    );
    await waitForSimTime(page, 8_000_000);
    await setSelect(page, 'add-from', 'earliest');
    await setSelect(page, 'add-subscriber-select', 'sms');
    await page.locator(tid('add-subscriber')).click();
    await setSelect(page, 'add-from', 'latest');
    await setSelect(page, 'add-subscriber-select', 'fraud');
    await page.locator(tid('add-subscriber')).click();
    await page.locator(tid('rate')).fill('0');
    await page.locator(tid('rate')).press('Enter');
    // The replaying subscriber catches up with everything; the other only saw new events.
    await page.waitForFunction(
      ([e, s]) => {
        const v = (sel) => Number(document.querySelector(sel)?.getAttribute('data-value'));
        return v(e) > 0 && v(e) === v(s);
      },
      [tid('effect-email'), tid('effect-sms')],
      { polling: 'raf' },
    );
    const sms = await value(page, 'effect-sms');
    const fraud = await value(page, 'effect-fraud');
    assert.ok(fraud < sms, `Fraud started at the end (${fraud}) and SMS replayed from offset 0 (${sms})`);
  });
});

test('timeline: step back, jump, scrub and return give exactly the earlier states; a change in the past forks', async () => {
  await withPage({}, async (page) => {
    await openLab(page, lab({ rate: 5 }));
    await waitForSimTime(page, 4_000_000);
    await page.locator(tid('buy')).click();
    await waitForSimTime(page, 7_000_000);
    await page.locator(tid('play')).click();
    await page.locator(tid('play')).filter({ hasText: 'Play' }).waitFor();
    const head = await simNow(page);
    const hash = await page.locator(tid('trace-hash')).innerText();
    const done = await value(page, 'm-succeeded');

    await page.locator(tid('step-back')).click();
    await page.locator(`${tid('timeline-status')}[data-past="true"]`).waitFor();
    assert.ok((await simNow(page)) <= head);

    await page.locator(tid('jump-to')).fill('3');
    await page.locator(tid('jump-go')).click();
    await waitForValue(page, 'timeline-status', '==', 3_000_000, { attr: 'data-now-us' });
    const placedAt3 = await value(page, 'm-succeeded');
    assert.ok(placedAt3 < done, `fewer checkouts done at 3 s (${placedAt3}) than at the end (${done})`);

    await page.locator(tid('scrub')).fill('1500');
    await waitForValue(page, 'timeline-status', '==', 1_500_000, { attr: 'data-now-us' });
    await page.locator(tid('jump-to')).fill('3');
    await page.locator(tid('jump-go')).click();
    await waitForValue(page, 'timeline-status', '==', 3_000_000, { attr: 'data-now-us' });
    assert.equal(await value(page, 'm-succeeded'), placedAt3, 'the same moment shows the same state');

    await page.locator(tid('to-latest')).click();
    await page.locator(`${tid('timeline-status')}[data-past="false"]`).waitFor();
    assert.equal(await simNow(page), head);
    assert.equal(await page.locator(tid('trace-hash')).innerText(), hash, 'replaying reached the same trace hash');
    assert.equal(await value(page, 'm-succeeded'), done);

    // Changing the past drops the recorded future (the Buy now at about 4 s).
    await page.locator(tid('jump-to')).fill('2');
    await page.locator(tid('jump-go')).click();
    await waitForValue(page, 'timeline-status', '==', 2_000_000, { attr: 'data-now-us' });
    await page.locator(tid('buy')).click();
    await page.locator(tid('timeline-status')).filter({ hasText: 'You changed the past' }).waitFor();
    await assertNoAxeViolations(page, 'timeline after a fork', { include: tid('timeline-status') });

    // A moment that has not happened yet is refused with a message, and nothing moves.
    await page.locator(tid('jump-to')).fill('999');
    await page.locator(tid('jump-go')).click();
    await page.locator(tid('notices')).filter({ hasText: 'has only reached' }).waitFor();
    assert.equal(await simNow(page), 2_000_000);
  });
});

test('bad input at a control is refused with a message there, and nothing is applied', async () => {
  await withPage({}, async (page) => {
    await openLab(page, lab({ rate: 0 }));
    const menu = await openFaultMenu(page, 'email');
    await page.locator(tid('drop-email')).fill('150');
    await page.locator(tid('drop-apply-email')).click();
    const alert = menu.locator('[role="alert"]').first();
    await alert.waitFor();
    assert.match(await alert.innerText(), /0 to 100/);
    assert.equal(await page.locator(tid('drop-email')).getAttribute('aria-invalid'), 'true');
    await page.locator(tid('retry-attempts-email')).fill('99');
    await page.locator(tid('retry-apply-email')).click();
    await menu.locator('[role="alert"]', { hasText: /attempts/i }).first().waitFor();
    await closeFaultMenu(page);
    const log = await page.locator(tid('log')).innerText();
    assert.doesNotMatch(log, /loses .* deliveries/, 'a refused drop was applied');
  });
});

test('a long topic: totals first, each partition listed from the keyboard, both pass axe', async () => {
  await withPage({}, async (page) => {
    await openLab(page, lab({ scenario: 'flash-sale', until: 2 }));
    const toggle = page.locator(tid('topic-list-partitions'));
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.locator(tid('log-end-0')).count(), 0, 'the 64 rows are listed before anyone asked');
    assert.ok((await value(page, 'log-end-all')) > 0, 'the totals row shows the log');
    await assertNoAxeViolations(page, 'long topic, totals', { include: tid('topic-panel') });

    await toggle.focus();
    await page.keyboard.press('Enter');
    await page.locator(tid('log-end-63')).waitFor({ state: 'attached' });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    let sum = 0;
    for (let p = 0; p < 64; p++) sum += await value(page, `log-end-${p}`);
    assert.equal(sum, await value(page, 'log-end-all'), 'the totals row is the sum of the rows');
    await assertNoAxeViolations(page, 'long topic, listed', { include: tid('topic-panel') });

    await page.keyboard.press('Space');
    await page.locator(tid('log-end-0')).waitFor({ state: 'detached' });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  });
});
