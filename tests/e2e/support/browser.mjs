// Headless Chromium from Debian, launched through playwright-core (never `npx playwright install`).
import { chromium } from 'playwright-core';
import path from 'node:path';
import assert from 'node:assert/strict';
import { SCREENSHOTS, ensureDir } from './paths.mjs';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** How long any single wait on the page may take before the test fails. */
export const WAIT_MS = 20_000;

export function launchBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

/**
 * A fresh context and page (AxeBuilder needs a page from a context). Every page error and
 * console error is collected in `errors`; call `assertNoPageErrors(errors)` at the end.
 * options: viewport, colorScheme ('light'|'dark'), reducedMotion ('reduce'|'no-preference').
 */
export async function newLabPage(browser, options = {}) {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: options.reducedMotion ?? 'no-preference',
    deviceScaleFactor: 1,
  });
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}\n${err.stack ?? ''}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location();
    // Chromium asks for /favicon.ico by itself; a missing icon is not an app failure.
    if (/\/favicon\.ico$/.test(loc?.url ?? '') && /404/.test(msg.text())) return;
    errors.push(`console.error: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
  });
  page.on('crash', () => errors.push('the page crashed'));
  return { context, page, errors };
}

/** Fails listing every page error and console error seen. */
export function assertNoPageErrors(errors, label = 'page') {
  assert.deepEqual(errors, [], `${label}: errors were reported by the page:\n${errors.join('\n')}`);
}

/** Saves a full-page screenshot under target/screenshots/NAME.png and returns the path. */
export async function screenshot(page, name, options = {}) {
  const file = path.join(ensureDir(SCREENSHOTS), `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled', ...options });
  return file;
}
