// The schema registry in the page: an optional field ships with every consumer on the old
// version; a required one is refused with the version it conflicts with and why; under NONE a
// rename reaches old consumers, which fail on every event into their dead letters, until one
// is upgraded and its letters redriven. Each cause in the page, what it shows, then the cure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { server, useLabSuite, withPage } from './support/suite.mjs';
import { tid, labUrl, openLab, value, waitForValue } from './support/lab.mjs';
import { assertNoAxeViolations } from './support/axe.mjs';
import { screenshot } from './support/browser.mjs';

useLabSuite();

const attr = (page, id, name) => page.locator(tid(id)).getAttribute(name);

async function openRegistry(page) {
  await page.locator(tid('registry-panel')).waitFor();
  const details = page.locator(tid('registry-details'));
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
}

test('an optional field ships, a required one is refused with the reason, and the registry says so', async () => {
  await withPage({ viewport: { width: 1280, height: 800 } }, async (page) => {
    await openLab(page, labUrl(server.url, { wiring: 'event', seed: 71, rate: 5, speed: 10 }));
    await openRegistry(page);
    // Nothing has evolved: no version badges yet.
    assert.equal(await page.locator(tid('writes-version')).count(), 0);
    await page.locator(tid('deploy-add-coupon')).click();
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-producer') === '2', tid('subject-OrderPlaced'));
    assert.match(await page.locator(tid('writes-version')).innerText(), /writes v2/);
    assert.match(await page.locator(tid('reads-version-email')).innerText(), /reads v1$/);
    assert.equal(await attr(page, 'reader-row-email', 'data-reads'), 'true', 'a v1 reader reads v2');
    await page.locator('.event-log').getByText(/The registry accepted add-coupon as OrderPlaced v2/).first().waitFor();

    await page.locator(tid('deploy-add-currency')).click();
    const history = page.locator(tid('registry-history-OrderPlaced'));
    await history.getByText(/refused under BACKWARD: a consumer on it could not read v2's data \(it requires `currency`, which has no default, and v2's data lacks it\)/).waitFor();
    assert.equal(await attr(page, 'subject-OrderPlaced', 'data-producer'), '2', 'a refused schema is never written');
    assert.equal(await attr(page, 'registry-panel', 'data-refused'), '1');
    await page.locator('.event-log').getByText(/The registry refused add-currency for OrderPlaced under BACKWARD/).first().waitFor();
    // Events on the wires carry their version: the canvas draws it, the summary says it.
    assert.match(await page.locator(tid('scene-summary')).innerText(), /writes OrderPlaced v2 \(registry: BACKWARD\); Email reads v1/);
    await assertNoAxeViolations(page, 'the schema registry panel', { include: tid('registry-panel') });
    await screenshot(page, 'schema-registry-1280');
  });
});

test('under NONE a rename fills an old consumer\'s dead letters until it reads the new version and redrives them', async () => {
  await withPage({ viewport: { width: 375, height: 812 } }, async (page) => {
    await openLab(page, labUrl(server.url, [['wiring', 'event'], ['seed', '72'], ['rate', '5'], ['speed', '10'],
      ['at', '0s:compatibility:OrderPlaced:NONE'], ['at', '1s:deploy:OrderPlaced:rename-amount']]));
    await openRegistry(page);
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-producer') === '2', tid('subject-OrderPlaced'));
    assert.equal(await attr(page, 'reader-row-email', 'data-reads'), 'false');
    assert.match(await page.locator(tid('reads-version-email')).innerText(), /reads v1, not v2/);
    await waitForValue(page, 'dlq-count-email', '>=', 5, { timeout: 60_000 });
    await page.locator('.event-log').getByText(/Email cannot read OrderPlaced v2 of order \d+ with its v1 schema: it requires `amount`/).first().waitFor();
    await screenshot(page, 'schema-rename-375');

    // The cure: Email reads v2, then its dead letters go back.
    await page.locator(tid('reader-email')).selectOption('2');
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-reads') === 'true', tid('reader-row-email'));
    const dead = await value(page, 'dlq-count-email');
    assert.ok(dead >= 5);
    await page.locator(tid('redrive-all-email')).click();
    await page.locator(tid('dlq-count-email')).waitFor({ state: 'detached', timeout: 60_000 });
    await assertNoAxeViolations(page, 'the registry at 375 px', { include: tid('registry-panel') });
  });
});
