// A course author's system as data: `?scenario=ADDRESS` fetches a scenario file, checks it and
// starts the lab with it (its names, icons, words and wiring); the links the lab makes carry the
// address. A file with problems, or one that cannot be fetched, leaves the built-in lab working,
// with a notice listing every problem and where it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { server, useLabSuite, withPage } from './support/suite.mjs';
import { tid, labUrl, openLab, waitForValue } from './support/lab.mjs';
import { FIXTURES } from './support/paths.mjs';
import { assertNoAxeViolations } from './support/axe.mjs';

useLabSuite({ mounts: { '/fixtures/': FIXTURES } });

test('a scenario file from an address runs as the lab, in both wirings, and links keep its address', async () => {
  await withPage(async (page) => {
    const address = 'fixtures/scenario-bakery.json';
    await openLab(page, labUrl(server.url, { scenario: address, seed: 3, until: 6 }));
    const notices = page.locator(tid('notices'));
    const noticeText = (await notices.count()) ? (await notices.innerText()).trim() : '';
    assert.equal(noticeText, '', 'no notices for a good file');
    await waitForValue(page, 'stage', '==', 6e6, { attr: 'data-sim-time-us' });
    for (const key of ['kitchen', 'till']) {
      await page.locator(tid(`node-${key}`)).waitFor();
    }
    assert.equal(await page.locator(tid('node-van')).count(), 0, 'the van is not wired in at the start');
    assert.match(await page.locator(tid('node-orders')).innerText(), /Counter/);
    assert.match(await page.locator(tid('buy')).innerText(), /Order a cake/);
    await page.locator(tid('buy')).click();
    // The wiring toggle works for any scenario: request-driven, the Counter calls each service.
    await openLab(page, labUrl(server.url, { scenario: address, seed: 3, wiring: 'request', until: 6 }));
    await waitForValue(page, 'stage', '==', 6e6, { attr: 'data-sim-time-us' });
    const log = await page.locator(tid('log')).innerText();
    assert.match(log, /cake/i, `the log speaks of cakes: ${log.slice(0, 300)}`);
    await page.locator(tid('share')).click();
    const link = await page.locator(tid('share-link')).inputValue();
    assert.ok(link.includes(`scenario=${address}`), `the shared link carries the file's address: ${link}`);
    await page.keyboard.press('Escape');
    await assertNoAxeViolations(page, 'a lab from a scenario file');
  });
});

test('a scenario file with problems lists each with its path, and the built-in lab starts', async () => {
  await withPage(async (page) => {
    await openLab(page, labUrl(server.url, { scenario: 'fixtures/scenario-invalid.json', seed: 2 }));
    const notice = page.locator(tid('notices'));
    await notice.getByText('The scenario at fixtures/scenario-invalid.json could not be used').waitFor();
    const text = await notice.innerText();
    for (const needle of ['id: `Bad Id`', 'services[1].processing', 'reactions[1].handles: CakeEaten is not a declared message']) {
      assert.ok(text.includes(needle), `the notice names ${needle}: ${text}`);
    }
    assert.match(await page.locator(tid('buy')).innerText(), /Buy now/, 'the built-in checkout runs');
  });
  await withPage({ allowErrors: [/Failed to load resource: the server responded with a status of 404/] }, async (page) => {
    await openLab(page, labUrl(server.url, { scenario: 'fixtures/no-such-scenario.json' }));
    await page.locator(tid('notices')).getByText('could not be fetched').waitFor();
    assert.match(await page.locator(tid('buy')).innerText(), /Buy now/);
  });
});

test('a question set can run a course author\'s scenario: the lesson opens on that system', async () => {
  await withPage(async (page) => {
    await openLab(page, labUrl(server.url, { quiz: 'fixtures/quiz-bakery.json', lesson: 'quiz:cake-path' }));
    const panel = page.locator(`${tid('lesson-panel')}[data-lesson="quiz:cake-path"]`);
    await panel.waitFor();
    assert.match(await panel.innerText(), /Who bakes the cake/);
    await page.locator(tid('node-kitchen')).waitFor();
    assert.match(await page.locator(tid('buy')).innerText(), /Order a cake/);
    const notices = page.locator(tid('notices'));
    const noticeText = (await notices.count()) ? (await notices.innerText()).trim() : '';
    assert.equal(noticeText, '', 'the set and its scenario loaded without notices');
  });
});
