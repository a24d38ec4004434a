// Saving a run as JSON and loading it back: the file holds the setup, the steps, the moment
// and the numbers with the trace hash; loading it in a fresh page rebuilds the same run; a bad
// file is refused with a message and changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { server, useLabSuite, withPage } from './support/suite.mjs';
import { ROOT, SIM_CLI } from './support/paths.mjs';
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

/** Runs the command line (built by `make test-e2e`; built here too for a direct `node --test`). */
function fanoutSim(args) {
  if (!fs.existsSync(SIM_CLI)) execFileSync('cargo', ['build', '-q', '-p', 'fanout-sim', '--release'], { cwd: ROOT, stdio: 'inherit' });
  return JSON.parse(execFileSync(SIM_CLI, [...args, '--json'], { encoding: 'utf8' }));
}

test('a run saved in the page replays on the command line to the same hash, and the other way round', async () => {
  // Made in the page by hand: a link's setup, then a click, a fault and a setting at moments
  // the student chose, between the lab's own events.
  let saved;
  let hash;
  await withPage(async (page) => {
    await openLab(page, labUrl(server.url, { seed: 31, rate: 4, fault: 'duplicate:email:0.3', until: 3 }));
    await page.locator(tid('buy')).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(tid('save-run')).click()]);
    saved = path.join(tmp, `page-${download.suggestedFilename()}`);
    await download.saveAs(saved);
    hash = JSON.parse(fs.readFileSync(saved, 'utf8')).report.trace_hash;
    assert.equal(await page.locator(tid('trace-hash')).innerText(), hash);
  });
  const replayed = fanoutSim(['--file', saved]);
  assert.equal(replayed.trace_hash, hash, `fanout-sim --file ${saved} replays the page's run`);

  // Written by the command line, with steps and the publish policy; loaded in a fresh page.
  const cliFile = path.join(tmp, 'cli-saved.json');
  const cli = fanoutSim([
    '--wiring', 'event', '--seed', '12', '--duration-s', '9', '--fault', 'broker-down:2s-4s',
    '--publish-policy', 'buffer-and-retry', '--at', '0s:idempotent:email:on', '--at', '5s:buy', '--save', cliFile,
  ]);
  await withPage(async (page) => {
    await openLab(page, labUrl(server.url, { paused: 1 }));
    await page.locator(tid('load-run')).setInputFiles(cliFile);
    await page.locator(tid('run-file-status')).getByText(`the same run, trace hash ${cli.trace_hash}`).waitFor();
    assert.equal(await page.locator(tid('trace-hash')).innerText(), cli.trace_hash);
    assert.equal(await page.locator(tid('stage')).getAttribute('data-sim-time-us'), String(9e6));
  });
});
