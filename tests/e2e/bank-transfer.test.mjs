// The bank transfer, a scenario file with a chain of reactions served with the page: a fraud
// check clears a transfer (a PostTransfer command to the ledger) or flags it (TransferFlagged),
// the ledger publishes TransferCompleted, and others react. Event-driven, everyone hangs off the
// broker; request-driven, the stage draws the chain left to right on call wires.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { server, useLabSuite, withPage } from './support/suite.mjs';
import { tid, labUrl, openLab, setWiring, waitForValue } from './support/lab.mjs';
import { assertNoAxeViolations } from './support/axe.mjs';

useLabSuite();

const ADDRESS = 'scenarios/bank-transfer.json';

/** Where a node is placed on the stage, in percent of its width and height (read from its
 * style, which the layout sets; the box itself glides there). */
async function centre(page, key) {
  const at = await page.locator(tid(`node-${key}`)).evaluate((el) => [el.style.left, el.style.top]);
  const [x, y] = at.map(parseFloat);
  assert.ok(Number.isFinite(x) && Number.isFinite(y), `node-${key} is placed: ${at}`);
  return { x, y };
}

/** Waits until the four chain services sit in one column again. */
async function oneColumn(page) {
  await page.waitForFunction(
    (sels) => {
      const xs = sels.map((s) => parseFloat(document.querySelector(s)?.style.left));
      return xs.every((x) => Number.isFinite(x) && Math.abs(x - xs[0]) < 0.5);
    },
    ['fraud', 'ledger', 'notify', 'cases'].map((k) => tid(`node-${k}`)),
  );
}

/** Sends one transfer with the button and waits until one more has succeeded. */
async function sendMoney(page) {
  const before = Number(await page.locator(tid('m-succeeded')).getAttribute('data-value'));
  await page.locator(tid('buy')).click();
  await waitForValue(page, 'm-succeeded', '>', before);
}

test('the bank transfer runs with its own words, keys its follow-ups and draws its chain in both wirings', async () => {
  await withPage(async (page) => {
    await openLab(page, labUrl(server.url, { scenario: ADDRESS, seed: 3, rate: 0, speed: 10 }));
    const notices = page.locator(tid('notices'));
    const noticeText = (await notices.count()) ? (await notices.innerText()).trim() : '';
    assert.equal(noticeText, '', 'no notices for the bank transfer file');
    // The scenario's words, not the checkout's.
    const buy = page.locator(tid('buy'));
    assert.match(await buy.innerText(), /Send money/);
    assert.match(await page.locator(tid('node-orders')).innerText(), /Transfer Service/);
    assert.match(await page.locator(tid('node-shopper')).innerText(), /Customer/);
    for (const key of ['fraud', 'ledger', 'notify', 'cases']) {
      await page.locator(tid(`node-${key}`)).waitFor();
    }
    // The key names each follow-up type the chain publishes or sends.
    const legend = await page.locator('.legend').innerText();
    for (const name of ['PostTransfer', 'TransferFlagged', 'TransferCompleted']) {
      assert.ok(legend.includes(name), `the key lists ${name}: ${legend}`);
    }
    // Event-driven, every service is a subscriber of the broker, in one column.
    assert.equal(await page.locator(tid('stage')).getAttribute('data-wiring'), 'event');
    await oneColumn(page);
    assert.equal(await page.locator('.wires polyline.wire-call').count(), 0, 'no call wires event-driven');
    // The broker keeps a log per channel: the entry topic, the ledger's queue and two topics.
    assert.match(await page.locator(tid('node-broker')).innerText(), /in 4 channels/);
    // What waits for a service looks like what it handles: the ledger's commands are hexagons
    // (PostTransfer, the first follow-up type), Notifications' events stars (TransferCompleted).
    const looks = async (key) => page.locator(tid(`backlog-${key}`)).getAttribute('class');
    assert.match(await looks('fraud'), /msg-event/);
    assert.match(await looks('ledger'), /msg-f0/);
    assert.match(await looks('notify'), /msg-f2/);
    await sendMoney(page);
    // The broker's panel lists the chain's other channels, each with what it has stored: the
    // transfer went on as a command to the ledger's queue, or as a flag.
    await page.locator(tid('chain-channels')).waitFor();
    assert.equal(await page.locator(`${tid('chain-channels')} tbody tr`).count(), 3);
    await page.waitForFunction(
      (sels) => sels.some((s) => Number(document.querySelector(s)?.getAttribute('data-value')) > 0),
      [tid('channel-stored-ledger-commands'), tid('channel-stored-fraud-alerts')],
    );
    await assertNoAxeViolations(page, 'the bank transfer, event-driven');

    // Request-driven: the Transfer Service calls the fraud check, which calls the ledger
    // (or the case desk), which calls Notifications: a column each, left to right.
    await setWiring(page, 'request');
    const fraud = await centre(page, 'fraud');
    const ledger = await centre(page, 'ledger');
    const notify = await centre(page, 'notify');
    const cases = await centre(page, 'cases');
    assert.ok(ledger.x > fraud.x + 10, `the ledger sits right of the fraud check: ${fraud.x} ${ledger.x}`);
    assert.ok(notify.x > ledger.x + 10, `Notifications sit right of the ledger: ${ledger.x} ${notify.x}`);
    assert.ok(Math.abs(cases.x - ledger.x) < 0.5, 'the case desk follows the fraud check too, beside the ledger');
    // The Transfer Service's call wire to the fraud check, and one for each call down the chain.
    assert.equal(await page.locator('.wires polyline.wire-call').count(), 4);
    const summary = await page.locator(tid('scene-summary')).innerText();
    assert.match(summary, /Fraud check calls Ledger, Case desk; Ledger calls Notifications/, summary);
    await sendMoney(page);
    await assertNoAxeViolations(page, 'the bank transfer, request-driven');

    // And back: one column again, and the button still sends money.
    await setWiring(page, 'event');
    await oneColumn(page);
    assert.equal(await page.locator('.wires polyline.wire-call').count(), 0);
    await sendMoney(page);
  });
});

test('request-driven, a slow ledger holds the fraud check, which holds the Transfer Service: each wait is drawn', async () => {
  await withPage(async (page) => {
    const params = { scenario: ADDRESS, wiring: 'request', seed: 3, rate: 4, speed: 1, fault: 'slow:ledger:2000ms' };
    await openLab(page, labUrl(server.url, params));
    // A held call is labelled once it has lasted longer than a healthy round trip.
    await page.locator(tid('held-ledger')).waitFor();
    await page.locator(tid('held-fraud')).waitFor();
    assert.ok(Number(await page.locator(tid('held-ledger')).getAttribute('data-count')) >= 1);
    // Two held lines: Transfer Service to the fraud check, and the fraud check to the ledger.
    assert.ok((await page.locator('.wires polyline.held').count()) >= 2);
    const summary = await page.locator(tid('scene-summary')).innerText();
    assert.match(summary, /Fraud check waits on Ledger/, summary);
    await assertNoAxeViolations(page, 'the bank transfer, request-driven, a slow ledger');
  });
});
