// Page helpers written against the lab's UI contract (data-testid attributes).
import assert from 'node:assert/strict';

export const tid = (id) => `[data-testid="${id}"]`;

/** Builds a lab URL; `params` is an object or a list of [key, value] pairs (repeatable keys). */
export function labUrl(base, params = {}) {
  const pairs = Array.isArray(params) ? params : Object.entries(params);
  const q = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
  return `${base}/${q ? `?${q}` : ''}`;
}

/** Opens the lab and waits until the app has rendered its stage (the wasm has started). */
export async function openLab(page, url) {
  const response = await page.goto(url, { waitUntil: 'load' });
  assert.equal(response?.status(), 200, `GET ${url} answered ${response?.status()}`);
  await page.locator(tid('stage')).waitFor({ state: 'visible' });
  await assertNotBlank(page);
}

/** The page shows the lab, not a blank screen and not the fatal error panel. */
export async function assertNotBlank(page) {
  const panelVisible = await page.locator(tid('error-panel')).isVisible();
  const panelText = panelVisible ? await page.locator(tid('error-panel')).innerText() : '';
  assert.equal(panelVisible, false, `the fatal error panel is showing: ${panelText}`);
  assert.equal(await page.locator(tid('stage')).isVisible(), true, 'the stage is not visible');
  const text = (await page.locator('body').innerText()).trim();
  assert.ok(text.length > 40, `the page shows almost no text (${JSON.stringify(text)})`);
  const box = await page.locator(tid('stage')).boundingBox();
  assert.ok(box && box.width > 0 && box.height > 0, `the stage has no size: ${JSON.stringify(box)}`);
}

/** The raw number in a metric's data-value attribute. */
export async function value(page, id) {
  const loc = page.locator(tid(id));
  const raw = await loc.getAttribute('data-value');
  assert.notEqual(raw, null, `${tid(id)} has no data-value attribute`);
  const n = Number(raw);
  assert.ok(Number.isFinite(n), `${tid(id)} data-value=${JSON.stringify(raw)} is not a number`);
  return n;
}

const OPS = {
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '==': (a, b) => a === b,
};

/**
 * Waits until the data-value (or another attribute) of `id` compares true against `n`.
 * Returns the value that satisfied it.
 */
export async function waitForValue(page, id, op, n, { attr = 'data-value', timeout } = {}) {
  assert.ok(op in OPS, `unknown comparison ${op}`);
  try {
    await page.waitForFunction(
      ({ sel, op, n, attr }) => {
        const el = document.querySelector(sel);
        if (!el) return false;
        const raw = el.getAttribute(attr);
        if (raw === null || raw.trim() === '') return false;
        const v = Number(raw);
        if (!Number.isFinite(v)) return false;
        return { '>': v > n, '>=': v >= n, '<': v < n, '<=': v <= n, '==': v === n }[op];
      },
      { sel: tid(id), op, n, attr },
      { timeout, polling: 'raf' },
    );
  } catch (e) {
    const now = await page.locator(tid(id)).first().getAttribute(attr, { timeout: 1000 }).catch(() => '(element missing)');
    throw new Error(`waited for ${tid(id)} [${attr}] ${op} ${n}; it is ${now}\n${e.message}`);
  }
  const v = Number(await page.locator(tid(id)).getAttribute(attr));
  assert.ok(OPS[op](v, n));
  return v;
}

/** Completed checkouts, successful or not. */
export async function completed(page) {
  return (await value(page, 'm-succeeded')) + (await value(page, 'm-failed'));
}

/** Selects a wiring with the radio input and waits for the stage to show it. */
export async function setWiring(page, wiring) {
  const radio = page.locator(tid(`wiring-${wiring}`));
  await radio.check();
  assert.equal(await radio.isChecked(), true, `wiring-${wiring} did not become checked`);
  await page.locator(`${tid('stage')}[data-wiring="${wiring}"]`).waitFor({ state: 'attached' });
}

/** Opens the fault menu of a node by clicking it; returns the menu locator. */
export async function openFaultMenu(page, key) {
  await page.locator(tid(`node-${key}`)).click();
  const menu = page.locator(tid('fault-menu'));
  await menu.waitFor({ state: 'visible' });
  return menu;
}

export async function closeFaultMenu(page) {
  await page.locator(tid('fault-close')).click();
  await page.locator(tid('fault-menu')).waitFor({ state: 'hidden' });
}

/** Waits for a line of the event log containing `text`; returns the line's text. */
export async function waitForLogLine(page, text) {
  const line = page.locator(`${tid('log')} li`, { hasText: text }).first();
  try {
    await line.waitFor({ state: 'attached' });
  } catch (e) {
    const all = await page.locator(`${tid('log')} li`).allInnerTexts().catch(() => []);
    throw new Error(`no event-log line contains ${JSON.stringify(text)}; the log holds:\n${all.slice(0, 20).join('\n')}\n${e.message}`);
  }
  return line.innerText();
}

/** Describes the focused element and whether its focus indicator is visible. */
export function focusState(page) {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body || el === document.documentElement) {
      return { none: true, testid: null, desc: 'body', visible: false, style: '' };
    }
    const cs = getComputedStyle(el);
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
    const shadow = cs.boxShadow && cs.boxShadow !== 'none';
    const desc = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${
      el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : ''
    } "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}"`;
    return {
      none: false,
      testid: el.dataset.testid ?? null,
      desc,
      visible: Boolean(outline || shadow),
      style: `outline: ${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}; box-shadow: ${cs.boxShadow}`,
      inMenu: Boolean(el.closest('[data-testid="fault-menu"]')),
    };
  });
}
