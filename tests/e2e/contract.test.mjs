// The UI contract the other tests rely on, checked selector by selector, so that a renamed
// test id or a changed attribute fails here with a precise message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { server, browser, useLabSuite, withPage } from './support/suite.mjs';
import { tid, labUrl, openLab, assertNotBlank, value, waitForValue, setWiring, openFaultMenu, closeFaultMenu } from './support/lab.mjs';

useLabSuite();


/** Tag name, type and role of the element with a test id (fails when it is missing). */
async function describeEl(page, id) {
  const loc = page.locator(tid(id));
  assert.equal(await loc.count(), 1, `exactly one ${tid(id)} on the page`);
  return loc.evaluate((el) => ({
    tag: el.tagName.toLowerCase(),
    type: el.getAttribute('type'),
    role: el.getAttribute('role'),
    text: el.textContent.trim(),
  }));
}

/** The accessible name, as the accessibility tree gives it. */
async function accessibleName(page, id) {
  const snap = await page.locator(tid(id)).ariaSnapshot();
  const m = snap.split('\n')[0].match(/^-\s*'?[a-z]+ "((?:[^"\\]|\\.)*)"/);
  assert.ok(m, `${tid(id)} has an accessible name (aria snapshot: ${snap.split('\n')[0]})`);
  return m[1];
}

/** Waits for `frames` animation frames: time passes without sleeping on a clock. */
const frames = (page, n) =>
  page.evaluate((n) => new Promise((resolve) => {
    let i = 0;
    const f = () => (++i >= n ? resolve() : requestAnimationFrame(f));
    requestAnimationFrame(f);
  }), n);

const buttonIds = ['play', 'step', 'reset', 'buy', 'add-subscriber', 'node-orders', 'node-broker'];

test('controls: element kinds, wiring fieldset, speed values and URL-set values', async () => {
  await withPage(async (page) => {
    await openLab(page, labUrl(server.url, { seed: 3, rate: 0, speed: 10, wiring: 'request' }));
    for (const id of ['wiring-request', 'wiring-event']) {
      const d = await describeEl(page, id);
      assert.deepEqual([d.tag, d.type], ['input', 'radio'], `${tid(id)} is a radio input`);
      const legend = await page.locator(tid(id)).evaluate((el) => el.closest('fieldset')?.querySelector('legend')?.textContent.trim() ?? null);
      assert.match(legend ?? '(no fieldset/legend)', /^Wiring\b/, `${tid(id)} sits in a fieldset with legend "Wiring"`);
    }
    assert.equal(await page.locator(tid('wiring-request')).isChecked(), true, '?wiring=request checks wiring-request');
    assert.equal(await page.locator(tid('stage')).getAttribute('data-wiring'), 'request');
    for (const id of buttonIds) {
      const d = await describeEl(page, id);
      assert.equal(d.tag, 'button', `${tid(id)} is a <button>, not <${d.tag}>`);
    }
    assert.match(await page.locator(tid('buy')).innerText(), /Buy now/, 'buy reads "Buy now"');
    const speed = await describeEl(page, 'speed');
    assert.equal(speed.tag, 'select', 'speed is a <select>');
    const speeds = await page.locator(`${tid('speed')} option`).evaluateAll((os) => os.map((o) => o.value));
    assert.deepEqual(speeds, ['0.05', '0.1', '0.25', '0.5', '1', '2', '5', '10'], 'speed option values');
    assert.equal(await page.locator(tid('speed')).inputValue(), '10', '?speed=10 selects 10');
    for (const [id, want] of [['seed', '3'], ['rate', '0']]) {
      const d = await describeEl(page, id);
      assert.deepEqual([d.tag, d.type], ['input', 'number'], `${tid(id)} is a number input`);
      assert.equal(await page.locator(tid(id)).inputValue(), want, `?${id}=${want} shows in ${tid(id)}`);
    }
    assert.equal((await describeEl(page, 'add-subscriber-select')).tag, 'select', 'add-subscriber-select is a <select>');
  });
});

test('time controls: paused=1, Play/Pause text, Step advances, Reset returns to 0', async () => {
  await withPage(async (page) => {
    await openLab(page, labUrl(server.url, { seed: 3, rate: 0, paused: 1 }));
    const play = page.locator(tid('play'));
    assert.match(await play.innerText(), /^\s*Play\s*$/, '?paused=1: the play button reads "Play"');
    const t0 = await page.locator(tid('stage')).getAttribute('data-sim-time-us');
    await frames(page, 20);
    assert.equal(await page.locator(tid('stage')).getAttribute('data-sim-time-us'), t0, 'paused: simulated time stands still');
    await page.locator(tid('step')).click();
    await waitForValue(page, 'stage', '>', Number(t0), { attr: 'data-sim-time-us' });
    await page.locator(tid('step')).click();
    await play.click();
    await play.filter({ hasText: /^\s*Pause\s*$/ }).waitFor();
    const t1 = Number(await page.locator(tid('stage')).getAttribute('data-sim-time-us'));
    await waitForValue(page, 'stage', '>', t1, { attr: 'data-sim-time-us' });
    await play.click();
    await play.filter({ hasText: /^\s*Play\s*$/ }).waitFor();
    await page.locator(tid('reset')).click();
    await waitForValue(page, 'stage', '==', 0, { attr: 'data-sim-time-us' });
  });
});

test('stage: attributes, node buttons named after their service, call list', async () => {
  await withPage(async (page) => {
    await openLab(page, labUrl(server.url, { seed: 3, until: 5 }));
    const stage = await describeEl(page, 'stage');
    // The diagram sits inside a region named after the scenario (a labelled <section>).
    const region = await page.locator(tid('stage')).evaluate((el) => {
      const s = el.closest('section');
      const id = s && s.getAttribute('aria-labelledby');
      return id ? document.getElementById(id).textContent : null;
    });
    assert.equal(region, 'Checkout', 'the stage is inside the region named after the scenario');
    for (const attr of ['data-wiring', 'data-in-flight', 'data-sim-time-us']) {
      const v = await page.locator(tid('stage')).getAttribute(attr);
      assert.notEqual(v, null, `stage has ${attr}`);
    }
    await waitForValue(page, 'stage', '==', 5_000_000, { attr: 'data-sim-time-us' });
    assert.ok(Number.isInteger(Number(await page.locator(tid('stage')).getAttribute('data-in-flight'))), 'data-in-flight is a count');
    const names = { orders: 'Order Service', broker: 'Broker', email: 'Email', inventory: 'Inventory', analytics: 'Analytics', shipping: 'Shipping' };
    for (const [key, name] of Object.entries(names)) {
      const d = await describeEl(page, `node-${key}`);
      assert.equal(d.tag, 'button', `node-${key} is a <button>`);
      const acc = await accessibleName(page, `node-${key}`);
      assert.ok(acc.startsWith(name), `node-${key}'s accessible name starts with "${name}": "${acc}"`);
    }
    assert.match(await page.locator(tid('call-list')).innerText(), /Publishes 1 event: OrderPlaced/);
  });
});

test('adding and removing a subscriber: call list grows in request wiring, not in event wiring', async () => {
  await withPage(async (page) => {
    await openLab(page, labUrl(server.url, { seed: 3, rate: 0, speed: 10, wiring: 'request' }));
    const select = page.locator(tid('add-subscriber-select'));
    const offered = await select.locator('option').allInnerTexts();
    assert.deepEqual(offered.map((s) => s.trim()).sort(), ['Fraud', 'Loyalty', 'Order page', 'Payment', 'SMS'], 'services not wired in are offered');
    assert.equal(await page.locator(tid('node-sms')).count(), 0, 'no SMS node before adding it');
    await select.selectOption({ label: 'SMS' });
    await page.locator(tid('add-subscriber')).click();
    await page.locator(tid('node-sms')).waitFor({ state: 'visible' });
    const acc = await accessibleName(page, 'node-sms');
    assert.ok(acc.startsWith('SMS'), `node-sms is named "SMS...": "${acc}"`);
    await page.locator(tid('lag-sms')).waitFor({ state: 'attached' });
    await page.locator(tid('call-list')).filter({ hasText: /Calls 5 services/ }).waitFor();
    assert.match(await page.locator(tid('call-list')).innerText(), /SMS/);
    assert.ok(!(await select.locator('option').allInnerTexts()).some((s) => s.trim() === 'SMS'), 'SMS is no longer offered');
    await setWiring(page, 'event');
    await page.locator(tid('call-list')).filter({ hasText: /Publishes 1 event: OrderPlaced/ }).waitFor();

    await openFaultMenu(page, 'sms');
    await page.locator(tid('fault-remove')).click();
    await page.locator(tid('node-sms')).waitFor({ state: 'detached' });
    await page.locator(tid('fault-menu')).waitFor({ state: 'hidden' });
    assert.ok((await select.locator('option').allInnerTexts()).some((s) => s.trim() === 'SMS'), 'SMS is offered again');
  });
});

test('fault menu: dialog named after the service, its controls, focus in and back out', async () => {
  await withPage(async (page) => {
    await openLab(page, labUrl(server.url, { seed: 3, rate: 0, paused: 1 }));
    const menu = await openFaultMenu(page, 'inventory');
    assert.equal(await menu.getAttribute('role'), 'dialog', 'fault-menu has role="dialog"');
    const name = await accessibleName(page, 'fault-menu');
    assert.match(name, /Inventory/, `the dialog's name names the service: "${name}"`);
    await page.waitForFunction(() => Boolean(document.activeElement?.closest('[data-testid="fault-menu"]')));
    const kinds = {
      'fault-slow-ms': ['input', 'number'],
      'fault-errors': ['input', 'number'],
      'fault-slow-apply': ['button'],
      'fault-errors-apply': ['button'],
      'fault-crash': ['button'],
      'fault-clear-all': ['button'],
      'fault-remove': ['button'],
      'fault-close': ['button'],
    };
    for (const [id, want] of Object.entries(kinds)) {
      const d = await describeEl(page, id);
      assert.deepEqual(want.length === 2 ? [d.tag, d.type] : [d.tag], want, `${tid(id)} is ${want.join(' ')}`);
      assert.equal(await menu.locator(tid(id)).count(), 1, `${tid(id)} is inside the fault menu`);
    }
    const range = await page.locator(tid('fault-errors')).evaluate((el) => [el.min, el.max]);
    assert.deepEqual(range, ['0', '100'], 'fault-errors takes 0 to 100 percent');
    assert.match(await page.locator(tid('fault-crash')).innerText(), /^\s*Crash\s*$/);
    await closeFaultMenu(page);
    const focused = await page.evaluate(() => document.activeElement?.dataset.testid ?? null);
    assert.equal(focused, 'node-inventory', 'fault-close returns focus to the node');

    await openFaultMenu(page, 'orders');
    assert.equal(await page.locator(tid('fault-remove')).count(), 0, 'the Order Service cannot be removed');
    await page.keyboard.press('Escape');
    await page.locator(tid('fault-menu')).waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid ?? null), 'node-orders');
  });
});

test('URL faults: a paused link with ?fault=crash:email shows Email crashed at 0 s', async () => {
  await withPage(async (page) => {
    await openLab(page, labUrl(server.url, [['seed', 3], ['rate', 0], ['paused', 1], ['fault', 'crash:email'], ['fault', 'slow:analytics:2000ms']]));
    assert.equal((await page.locator(tid('notices')).innerText()).trim(), '', 'the faults are accepted without notices');
    await openFaultMenu(page, 'email');
    const summary = await page.locator(tid('node-email')).innerText();
    assert.match(
      await page.locator(tid('fault-crash')).innerText(),
      /Recover/,
      `paused at 0 s, Email's menu should offer Recover for fault=crash:email (node reads: ${summary.replace(/\s+/g, ' ')})`,
    );
  });
});

test('metrics, charts, trace hash, log, announcer, notices, error panel', async () => {
  await withPage(async (page) => {
    await openLab(page, labUrl(server.url, { seed: 3, until: 5 }));
    await waitForValue(page, 'stage', '==', 5_000_000, { attr: 'data-sim-time-us' });
    const v = {};
    for (const id of ['m-p50', 'm-p95', 'm-p99', 'm-last', 'm-succeeded', 'm-failed', 'm-in-flight', 'm-sim-time']) v[id] = await value(page, id);
    assert.ok(v['m-p50'] > 0 && v['m-p50'] <= v['m-p95'] && v['m-p95'] <= v['m-p99'], `p50 <= p95 <= p99: ${JSON.stringify(v)}`);
    assert.ok(v['m-last'] > 0 && v['m-last'] < 1000, `m-last is milliseconds: ${v['m-last']}`);
    assert.equal(v['m-sim-time'], 5000, 'm-sim-time data-value is milliseconds');
    assert.ok(v['m-succeeded'] > 0 && Number.isInteger(v['m-succeeded']), 'succeeded is a positive count');
    for (const key of ['email', 'inventory', 'analytics', 'shipping']) {
      const lag = await value(page, `lag-${key}`);
      assert.ok(Number.isInteger(lag) && lag >= 0, `lag-${key} is a count: ${lag}`);
    }
    for (const id of ['chart-response', 'chart-lag']) {
      assert.ok((await page.locator(`${tid(id)} svg`).count()) > 0, `${tid(id)} holds an SVG`);
    }
    assert.match((await page.locator(tid('trace-hash')).textContent()).trim(), /^[0-9a-f]{16}$/);
    const log = await describeEl(page, 'log');
    assert.ok(['ul', 'ol'].includes(log.tag) || log.role === 'list', `log is a list, not <${log.tag}>`);
    assert.ok((await page.locator(`${tid('log')} li`).count()) > 0, 'the log has lines after 5 s');
    const live = await page.locator(tid('announcer')).evaluate((el) => [el.getAttribute('aria-live'), el.getAttribute('role')]);
    assert.ok(live[0] === 'polite' || (live[0] === null && live[1] === 'status'), `announcer is a polite live region: aria-live=${live[0]} role=${live[1]}`);
    assert.equal(await page.locator(tid('notices')).count(), 1, 'a notices container exists');
    const panel = page.locator(tid('error-panel'));
    assert.equal(await panel.count(), 1, 'the error panel is in the page');
    assert.equal(await panel.isVisible(), false, 'the error panel is hidden');
    assert.equal(await panel.getByRole('button', { name: /Reload/, includeHidden: true }).count(), 1, 'the error panel has a Reload button');
  });
});
