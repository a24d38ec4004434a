// A first-time visitor is invited in (the first lesson, or the free lab) and told that every
// service can be clicked and broken; a returning visitor is not told again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLabSuite, server, withPage } from './support/suite.mjs';
import { tid, labUrl, openLab } from './support/lab.mjs';
import { assertNoAxeViolations } from './support/axe.mjs';

useLabSuite();

const inViewport = async (page, sel, what) => {
  const b = await page.locator(sel).boundingBox();
  const vp = page.viewportSize();
  assert.ok(b, `${what} is drawn`);
  assert.ok(b.y >= 0 && b.y + b.height <= vp.height, `${what} is not on the first screen: ${JSON.stringify(b)}`);
};

for (const viewport of [{ width: 1280, height: 800 }, { width: 1024, height: 768 }]) {
  test(`first visit at ${viewport.width}x${viewport.height}: an invitation, a hint, and the stage all on the first screen`, async () => {
    await withPage({ viewport }, async (page) => {
      await openLab(page, `${server.url}/`);
      await inViewport(page, tid('welcome'), 'the invitation');
      await inViewport(page, tid('welcome-start'), 'the way into the first lesson');
      await inViewport(page, tid('break-hint'), 'the hint that services can be clicked');
      assert.match(await page.locator(tid('break-hint')).innerText(), /Click any service/);
      // The stage starts on the first screen too, with its nodes there to click.
      await inViewport(page, tid('node-orders'), 'the Order Service');
      await assertNoAxeViolations(page, 'first visit');
    });
  });
}

test('"Explore on my own" puts the invitation away for good; opening a fault menu retires the hint from the next visit', async () => {
  await withPage(async (page) => {
    await openLab(page, `${server.url}/`);
    await page.locator(tid('welcome-explore')).click();
    await page.locator(tid('welcome')).waitFor({ state: 'detached' });
    await page.locator(tid('node-analytics')).click();
    await page.locator(tid('fault-menu')).waitFor();
    // Not taken away under the student's hand: the stage does not move this visit.
    assert.equal(await page.locator(tid('break-hint')).count(), 1);
    // Remembered with the progress, under its versioned key.
    const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('fanout.progress.v1')));
    assert.deepEqual(saved.seen, { welcome: true, fault_menu: true });
    await page.reload();
    await page.locator(tid('stage')).waitFor();
    assert.equal(await page.locator(tid('welcome')).count(), 0, 'a returning visitor is invited again');
    assert.equal(await page.locator(tid('break-hint')).count(), 0, 'a returning visitor is hinted again');
  });
});

test('"Start" opens the first lesson, fetched on demand', async () => {
  await withPage(async (page) => {
    await openLab(page, `${server.url}/`);
    await page.locator(tid('welcome-start')).click();
    const panel = page.locator(tid('lesson-panel'));
    await panel.waitFor();
    assert.equal(await panel.getAttribute('data-lesson'), 'coupling');
    assert.equal(await panel.getAttribute('data-step'), '0');
  });
});

test('no invitation for a student with progress, for a shared link, or in an embed', async () => {
  const progress = JSON.stringify({ version: 1, lessons: { coupling: { step: 2, completed: false } } });
  await withPage(async (page) => {
    await page.context().addInitScript((p) => localStorage.setItem('fanout.progress.v1', p), progress);
    await openLab(page, `${server.url}/`);
    assert.equal(await page.locator(tid('welcome')).count(), 0, 'a student with progress is invited');
  });
  await withPage(async (page) => {
    await openLab(page, labUrl(server.url, { seed: 3, wiring: 'request' }));
    assert.equal(await page.locator(tid('welcome')).count(), 0, 'a shared link is interrupted');
    await openLab(page, labUrl(server.url, { embed: 1 }));
    assert.equal(await page.locator(tid('welcome')).count(), 0, 'an embed is interrupted');
  });
});
