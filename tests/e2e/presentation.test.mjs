// Presentation mode, for a projector: node labels of 18 px and more at 1024x768, the stage
// across the screen, the number panels in an overlay opened on request; accessible in both
// themes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLabSuite, server, withPage } from './support/suite.mjs';
import { tid, labUrl, openLab } from './support/lab.mjs';
import { assertNoAxeViolations } from './support/axe.mjs';

useLabSuite();

const PROJECTOR = { width: 1024, height: 768 };

async function labelSizes(page) {
  return page.locator('[data-testid="stage"] .node-name').evaluateAll((els) =>
    els.map((e) => ({ text: e.textContent, px: parseFloat(getComputedStyle(e).fontSize) })));
}

for (const colorScheme of ['light', 'dark']) {
  test(`presentation mode at 1024x768, ${colorScheme}: large labels, the stage across the screen, numbers on request`, async () => {
    await withPage({ viewport: PROJECTOR, colorScheme }, async (page) => {
      await openLab(page, labUrl(server.url, { seed: 3, wiring: 'request', present: 'on' }));
      const sizes = await labelSizes(page);
      assert.ok(sizes.length >= 6, JSON.stringify(sizes));
      for (const s of sizes) assert.ok(s.px >= 18, `the label "${s.text}" is ${s.px} px, under 18`);
      const stage = await page.locator(tid('stage')).boundingBox();
      assert.ok(stage.width >= 0.9 * PROJECTOR.width, `the stage is ${stage.width} px wide`);
      assert.ok(stage.y + stage.height <= PROJECTOR.height, `the stage runs off the screen: ${JSON.stringify(stage)}`);
      assert.ok(stage.height >= 0.6 * PROJECTOR.height, `the stage is only ${stage.height} px tall`);
      // The numbers are not in the way, and open over the stage on request.
      assert.equal(await page.locator(tid('side-panels')).count(), 0);
      const toggle = page.locator(tid('panels-toggle'));
      assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
      await toggle.click();
      await page.locator(tid('side-panels')).waitFor();
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
      assert.deepEqual(await page.locator(tid('stage')).boundingBox(), stage, 'opening the numbers moved the stage');
      await assertNoAxeViolations(page, `presentation mode with its numbers, ${colorScheme}`);
      await page.locator(tid('panels-close')).focus();
      await page.keyboard.press('Escape');
      await page.locator(tid('side-panels')).waitFor({ state: 'detached' });
    });
  });
}

test('presentation mode is a display setting: switched on, it is kept for the next visit, and a link can switch it', async () => {
  await withPage({ viewport: PROJECTOR }, async (page) => {
    await openLab(page, labUrl(server.url, { seed: 3 }));
    const before = (await labelSizes(page))[0].px;
    await page.locator(tid('display-summary')).click();
    await page.locator(tid('present-switch')).check();
    await page.waitForFunction(() => document.documentElement.dataset.present === 'on');
    const after = (await labelSizes(page))[0].px;
    assert.ok(after > before && after >= 18, `labels went from ${before} to ${after} px`);
    const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('fanout.display.v1')));
    assert.equal(saved.present, true);
    await page.reload();
    await page.locator(tid('stage')).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.present), 'on');
    // A link with present=off wins over the saved choice for that visit.
    await openLab(page, labUrl(server.url, { seed: 3, present: 'off' }));
    assert.equal(await page.evaluate(() => document.documentElement.dataset.present), undefined);
  });
});

test('at 1024x768 without presentation mode, the subscribers table shows every column, Busy included', async () => {
  await withPage({ viewport: PROJECTOR }, async (page) => {
    await openLab(page, labUrl(server.url, { seed: 3 }));
    const wrap = page.locator('.metrics .subs-wrap');
    await wrap.waitFor();
    const [scroll, client] = await wrap.evaluate((el) => [el.scrollWidth, el.clientWidth]);
    assert.ok(scroll <= client, `the table is ${scroll} px wide in a ${client} px column: a column is out of view`);
  });
});
