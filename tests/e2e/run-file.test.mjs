// Saving a run as JSON and loading it back: the file holds the setup, the steps, the moment
// and the numbers with the trace hash; loading it in a fresh page rebuilds the same run; a bad
// file is refused with a message and changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { server, useLabSuite, withPage } from './support/suite.mjs';
import { tid, labUrl, openLab } from './support/lab.mjs';

useLabSuite();

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-run-'));

test('a saved run loads back in a fresh page to the same trace hash; a bad file changes nothing', async () => {
  let saved;
  let hash;
  await withPage(async (page) => {
    await openLab(page, labUrl(server.url, { seed: 21, fault: 'slow:analytics:800ms', until: 6 }));
    await page.locator(tid('buy')).click();
    hash = await page.locator(tid('trace-hash')).innerText();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(tid('save-run')).click()]);
    assert.equal(download.suggestedFilename(), 'fanout-run-checkout-seed21.json');
    saved = path.join(tmp, download.suggestedFilename());
    await download.saveAs(saved);
    const file = JSON.parse(fs.readFileSync(saved, 'utf8'));
    assert.equal(file.format, 'fanout-run');
    assert.equal(file.seed, 21);
    assert.deepEqual(file.faults, ['slow:analytics:800ms']);
    assert.deepEqual(file.steps, ['6s:buy']);
    assert.equal(file.until, '6s');
    assert.equal(file.report.trace_hash, hash);
    assert.equal(typeof file.report.checkouts.succeeded, 'number');
    await page.locator(tid('run-file-status')).getByText('Saved fanout-run-checkout-seed21.json.').waitFor();
  });
  await withPage(async (page) => {
    await openLab(page, labUrl(server.url, { seed: 2, paused: 1 }));
    const before = await page.locator(tid('trace-hash')).innerText();
    const bad = path.join(tmp, 'bad.json');
    fs.writeFileSync(bad, fs.readFileSync(saved, 'utf8').replace('"6s:buy"', '"6s:melt"'));
    await page.locator(tid('load-run')).setInputFiles(bad);
    const notice = page.locator(tid('notices')).getByText('bad.json was not loaded');
    await notice.waitFor();
    assert.match(await notice.innerText(), /at="6s:melt".*Nothing was changed\./);
    assert.equal(await page.locator(tid('trace-hash')).innerText(), before, 'nothing changed');
    await page.locator(tid('load-run')).setInputFiles(saved);
    await page.locator(tid('run-file-status')).getByText(`the same run, trace hash ${hash}`).waitFor();
    assert.equal(await page.locator(tid('trace-hash')).innerText(), hash);
  });
});
