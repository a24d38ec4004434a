// Before and around start-up: the loading state, no JavaScript, no WebAssembly, and a module
// that fails to load. None of them may leave a blank page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { server, browser, useLabSuite } from './support/suite.mjs';
import { tid } from './support/lab.mjs';
import { DIST, ROOT } from './support/paths.mjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

useLabSuite();

test('boot: the loading state shows until the WebAssembly module has started', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  let release;
  const held = new Promise((r) => { release = r; });
  // Hold the module back until the loading state has been seen.
  await page.route('**/*.wasm', async (route) => { await held; await route.continue(); });
  await page.goto(`${server.url}/`);
  await page.getByText('Loading the lab').waitFor({ state: 'visible' });
  assert.equal(await page.locator(tid('stage')).count(), 0, 'the stage cannot be there before the module');
  release();
  await page.locator(tid('stage')).waitFor({ state: 'visible' });
  assert.equal(await page.getByText('Loading the lab').count(), 0, 'the loading state is gone once the lab runs');
  await context.close();
});

test('boot: without JavaScript the page says the lab needs it', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  // Playwright's text locators skip <noscript>, so read what the page shows instead.
  assert.match(await page.locator('#boot').innerText(), /needs JavaScript/);
  assert.equal(await page.locator('#boot-status').isVisible(), false, 'no endless "Loading" without JavaScript');
  await context.close();
});

test('boot: without WebAssembly the page says so plainly', async () => {
  const context = await browser.newContext();
  await context.addInitScript(() => { delete window.WebAssembly; });
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await page.getByText('needs WebAssembly').waitFor({ state: 'visible' });
  await context.close();
});

test('boot: a module that fails to load shows the error panel with a reload button', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route('**/*.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.goto(`${server.url}/`);
  const panel = page.locator(tid('error-panel'));
  await panel.waitFor({ state: 'visible' });
  assert.match(await panel.innerText(), /failed to load/);
  await panel.getByRole('button', { name: 'Reload the lab' }).waitFor({ state: 'visible' });
  await context.close();
});

test('boot: the module the page ships names no folder of the machine that built it', async () => {
  const wasm = fs.readdirSync(DIST).filter((f) => f.endsWith('.wasm'));
  assert.equal(wasm.length, 1, `one module in the build, found ${wasm.join(', ')}`);
  const text = fs.readFileSync(path.join(DIST, wasm[0])).toString('latin1');
  // Panic locations name source files; dependencies' must read crates/…, not a home folder.
  assert.ok(/crates\/[^/]+\/yew-[\d.]+\/src\//.test(text), 'the module names yew\'s sources under crates/');
  // A home folder of `/` (some containers) would match any path, so it is left out then.
  const home = os.homedir().length > 1 ? [os.homedir()] : [];
  for (const leak of [...home, ROOT, '/.cargo/']) {
    assert.ok(!text.includes(leak), `the module contains ${leak}`);
  }
});
