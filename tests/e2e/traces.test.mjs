// The trace view in the page: the slowest order's waterfall and its table, the same order in
// the other wiring beside it (the shopper waited for the calls, not for the event's
// subscribers), the OTLP file Jaeger imports, a consumer that drops the context splitting the
// trace with a marker where it was lost, and span links tying it back. Each screen size once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { server, useLabSuite, withPage } from './support/suite.mjs';
import { tid, labUrl, openLab, openFaultMenu, closeFaultMenu } from './support/lab.mjs';
import { assertNoAxeViolations } from './support/axe.mjs';
import { screenshot } from './support/browser.mjs';

useLabSuite();

async function openTraces(page) {
  await page.locator(tid('trace-panel')).waitFor();
  const details = page.locator(tid('trace-details'));
  if ((await details.getAttribute('open')) === null) await details.locator('summary').first().click();
  await page.locator(tid('trace-pick-latest')).waitFor({ state: 'visible' });
}

const spanCount = async (page, id) => Number(await page.locator(tid(id)).getAttribute('data-spans'));

test('the slowest order: its waterfall and table, the other wiring beside it, and its OTLP file', async () => {
  await withPage({ viewport: { width: 1280, height: 800 } }, async (page) => {
    await openLab(page, labUrl(server.url, [['wiring', 'request'], ['seed', '5'], ['rate', '5'], ['until', '20'],
      ['at', '0s:inject:slow:analytics:500ms']]));
    await openTraces(page);
    await page.locator(tid('trace-pick-slowest')).click();
    await page.locator(tid('waterfall')).waitFor();
    const order = await page.locator(tid('trace-panel')).getAttribute('data-order');
    assert.match(order, /^\d+$/);
    const spans = await spanCount(page, 'waterfall');
    assert.ok(spans >= 10, `a request-driven checkout has a span per call and per callee: ${spans}`);
    assert.equal(await page.locator(`${tid('waterfall')} g.wf-span`).count(), spans);
    assert.ok(await page.locator(`${tid('waterfall')} g.wf-span.critical`).count() >= 3);
    assert.match(await page.locator(tid('waterfall-summary')).innerText(),
      new RegExp(`^Order ${order}: the shopper waited \\d+\\.\\d s; .* in calls to Email, Inventory, Analytics and Shipping, one after another\\.`));
    await page.locator(`${tid('waterfall-table-details')} summary`).click();
    assert.equal(await page.locator(`${tid('waterfall-table')} tr.span-row`).count(), spans);

    // The same order event-driven, on the same scale: the shopper's wait ends at the broker.
    await page.locator(tid('trace-compare')).check();
    await page.locator(tid('waterfall-other')).waitFor();
    assert.match(await page.locator(tid('waterfall-other-summary')).innerText(), /until the broker had the event/);
    const waited = async (id) => Number(await page.locator(tid(`${id}-side`)).getAttribute('data-response-us'));
    assert.ok(await waited('waterfall-other') < await waited('waterfall'), 'event-driven, the shopper did not wait for the calls');
    await assertNoAxeViolations(page, 'the trace panel', { include: tid('trace-panel') });
    await page.locator(tid('trace-panel')).scrollIntoViewIfNeeded();
    await screenshot(page, 'traces-1280');

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(tid('trace-download')).click()]);
    assert.equal(download.suggestedFilename(), `fanout-trace-order-${order}.json`);
    const otlp = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
    assert.ok(Array.isArray(otlp.resourceSpans) && otlp.resourceSpans.length >= 5, 'one resource per service');
    const all = otlp.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    assert.equal(all.length, spans);
    for (const s of all) {
      assert.match(s.traceId, /^[0-9a-f]{32}$/);
      assert.match(s.spanId, /^[0-9a-f]{16}$/);
      assert.ok(BigInt(s.endTimeUnixNano) >= BigInt(s.startTimeUnixNano));
    }
    assert.equal(new Set(all.map((s) => s.traceId)).size, 1, 'one trace when the context travels');
    await page.locator(tid('trace-download-status')).getByText(`Saved fanout-trace-order-${order}.json.`).waitFor();
  });
});

test('a consumer that drops the context splits the trace, with a marker where it was lost; the log opens traces', async () => {
  await withPage({ viewport: { width: 375, height: 812 } }, async (page) => {
    await openLab(page, labUrl(server.url, [['wiring', 'event'], ['seed', '5'], ['rate', '5'], ['until', '20'],
      ['at', '0s:inject:drop-context:email']]));
    await openTraces(page);
    await page.locator(tid('trace-order-input')).fill('5');
    await page.locator(tid('trace-order-go')).click();
    await page.locator(tid('waterfall')).waitFor();
    assert.equal(await page.locator(tid('waterfall')).getAttribute('data-traces'), '2');
    assert.equal(await page.locator(`${tid('waterfall')} .wf-trace-head`).count(), 2);
    const marker = page.locator(tid('context-marker'));
    assert.equal(await marker.getAttribute('data-linked'), 'false');
    assert.match(await marker.textContent(), /context lost here/);
    assert.match(await page.locator(tid('waterfall-summary')).innerText(), /Email dropped the trace context: its work is in a second trace\./);
    // A bad number: a message, and the trace stays.
    await page.locator(tid('trace-order-input')).fill('x');
    await page.locator(tid('trace-order-go')).click();
    await page.locator(tid('trace-order-error')).getByText(/is not an order number/).waitFor();
    assert.equal(await page.locator(tid('trace-panel')).getAttribute('data-order'), '5');
    await page.locator(tid('waterfall')).scrollIntoViewIfNeeded();
    await screenshot(page, 'traces-split-375');
    await assertNoAxeViolations(page, 'the trace panel at 375 px', { include: tid('trace-panel') });

    // Any order the log names opens from its line.
    const button = page.locator(`${tid('log')} .log-trace`).first();
    const wanted = (await button.getAttribute('data-testid')).replace('log-trace-', '');
    await button.click();
    await page.waitForFunction(([sel, o]) => document.querySelector(sel)?.getAttribute('data-order') === o,
      [tid('trace-panel'), wanted]);
    assert.equal(await page.evaluate(() => document.activeElement?.closest('[data-testid="trace-panel"]') !== null), true,
      'focus moves to the trace panel');
  });
});

test('with span links on, the new trace links back to the publish', async () => {
  await withPage({ viewport: { width: 1024, height: 768 } }, async (page) => {
    await openLab(page, labUrl(server.url, { wiring: 'event', seed: 6, rate: 5, until: 5, speed: 2 }));
    await openFaultMenu(page, 'email');
    await page.locator(tid('fault-drop-context')).click();
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('aria-pressed') === 'true', tid('fault-drop-context'));
    await closeFaultMenu(page);
    await openTraces(page);
    await page.locator(tid('trace-links')).check();
    assert.equal(await page.locator(tid('trace-links')).isChecked(), true);
    // Orders placed before the change carry on as they were: wait for one placed after it.
    const before = Number((await page.locator(tid('trace-pick-latest')).innerText()).match(/#(\d+)/)[1]);
    await page.locator(tid('play')).click();
    await page.waitForFunction(([sel, n]) => Number((document.querySelector(sel)?.textContent.match(/#(\d+)/) ?? [])[1]) > n + 10,
      [tid('trace-pick-latest'), before], { timeout: 60_000 });
    await page.locator(tid('trace-pick-latest')).click();
    try {
      await page.locator(`${tid('context-marker')}[data-linked="true"]`).waitFor({ state: 'attached', timeout: 30_000 });
    } catch (e) {
      const said = await page.locator(tid('trace-panel')).innerText().catch(() => '(no panel)');
      throw new Error(`no linked marker; the panel says:\n${said.slice(0, 1500)}\n${e.message}`);
    }
    assert.match(await page.locator(tid('waterfall-summary')).innerText(), /linked its new trace back to the order's/);
  });
});

test('an order picked from the stage: a node\'s menu opens the trace of the latest order it handled', async () => {
  await withPage({ viewport: { width: 1280, height: 800 } }, async (page) => {
    await openLab(page, labUrl(server.url, { wiring: 'event', seed: 8, rate: 5, until: 10, speed: 2 }));
    await openFaultMenu(page, 'inventory');
    const button = page.locator(tid('fault-menu-trace'));
    const wanted = (await button.innerText()).match(/#(\d+)/)[1];
    await button.click();
    // The menu closes and the trace panel opens on that order, with the focus.
    await page.locator(tid('fault-menu')).waitFor({ state: 'detached' });
    await page.waitForFunction(([sel, o]) => document.querySelector(sel)?.getAttribute('data-order') === o,
      [tid('trace-panel'), wanted]);
    const rows = await page.locator(`${tid('waterfall')} g.wf-span`).count();
    assert.ok(rows >= 5, `the order's spans are drawn (${rows})`);
    assert.match(await page.locator(tid('waterfall-table')).textContent(), /Inventory/);
    assert.equal(await page.evaluate(() => document.activeElement?.closest('[data-testid="trace-panel"]') !== null), true);
  });
});
