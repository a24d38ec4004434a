// The page and the native CLI run the same core: for the same inputs, the same trace hash.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer } from './support/server.mjs';
import { launchBrowser, newLabPage, assertNoPageErrors } from './support/browser.mjs';
import { tid, labUrl, openLab, waitForValue } from './support/lab.mjs';
import { ROOT, SIM_CLI } from './support/paths.mjs';

const CASES = [
  { seed: 7, wiring: 'event', rate: 3, until: 30, faults: [] },
  { seed: 11, wiring: 'request', rate: 5, until: 20, faults: ['slow:analytics:2000ms'] },
  { seed: 5, wiring: 'event', rate: 4, until: 15, faults: ['crash:email', 'errors:inventory:0.2'] },
  { seed: 23, wiring: 'event', rate: 6, until: 30, faults: ['broker-down:10s-20s'] },
  // An Order Service crash fails every open checkout at once, in order-id order.
  { seed: 13, wiring: 'request', rate: 8, until: 25, faults: ['crash:orders:5s-7s', 'errors:email:0.3'] },
  { scenario: 'flash-sale', seed: 2, wiring: 'request', rate: 150, until: 3, faults: ['slow:email:300ms'] },
  // Links with steps: every input counts in the hash alike, however it arrives. The idempotent
  // step changes no message on a wire (Email skips duplicates in its own database), yet the
  // run differs, and so must the hash; 5 s is a sampling moment, where a step lands after the
  // sample as a click does.
  {
    seed: 4, wiring: 'event', rate: 5, until: 20, faults: ['duplicate:email:0.3'],
    steps: ['0s:idempotent:email:on', '5s:buy', '8s:inject:crash:inventory', '12.5s:clear:crash:inventory'],
  },
  { seed: 4, wiring: 'event', rate: 5, until: 20, faults: ['duplicate:email:0.3'], steps: ['5s:buy'] },
  { seed: 9, wiring: 'request', rate: 3, until: 15, faults: [], steps: ['0s:calls:parallel', '0s:add:sms', '6s:wiring:event'] },
];

let server;
let browser;

before(async () => {
  // The Makefile builds the CLI first; build it here too so a direct `node --test` works.
  execFileSync('cargo', ['build', '-q', '-p', 'fanout-sim', '--release'], { cwd: ROOT, stdio: 'inherit' });
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

function cliHash(c) {
  const args = ['--wiring', c.wiring, '--seed', String(c.seed), '--rate', String(c.rate), '--duration-s', String(c.until), '--json'];
  if (c.scenario) args.unshift('--scenario', c.scenario);
  for (const f of c.faults) args.push('--fault', f);
  for (const step of c.steps ?? []) args.push('--at', step);
  const out = execFileSync(SIM_CLI, args, { encoding: 'utf8' });
  const report = JSON.parse(out);
  assert.match(report.trace_hash, /^[0-9a-f]{16}$/, `the CLI's trace_hash is 16 hex digits: ${report.trace_hash}`);
  return { hash: report.trace_hash, command: `fanout-sim ${args.join(' ')}` };
}

for (const c of CASES) {
  const pairs = [];
  if (c.scenario) pairs.push(['scenario', c.scenario]);
  pairs.push(['seed', c.seed], ['wiring', c.wiring], ['rate', c.rate], ['until', c.until]);
  for (const f of c.faults) pairs.push(['fault', f]);
  for (const step of c.steps ?? []) pairs.push(['at', step]);
  const label = `${c.scenario ?? 'checkout'}, ${c.wiring}, seed ${c.seed}, rate ${c.rate}, ${c.until} s${
    c.faults.length ? `, ${c.faults.join(' + ')}` : ''
  }${c.steps ? `, steps ${c.steps.join(' ')}` : ''}`;

  test(`same trace hash in the page and the CLI: ${label}`, async () => {
    const expected = cliHash(c);
    const { context, page, errors } = await newLabPage(browser);
    try {
      const url = labUrl(server.url, pairs);
      await openLab(page, url);
      // The run goes to `until` at load, then pauses; only then is the hash final.
      await waitForValue(page, 'stage', '==', c.until * 1e6, { attr: 'data-sim-time-us', timeout: 60_000 });
      const hashEl = page.locator(tid('trace-hash'));
      await page.waitForFunction((sel) => /^[0-9a-f]{16}$/.test(document.querySelector(sel)?.textContent.trim() ?? ''), tid('trace-hash'));
      const shown = (await hashEl.textContent()).trim();
      // Still paused at `until`: the hash belongs to exactly that run.
      assert.equal(await page.locator(tid('stage')).getAttribute('data-sim-time-us'), String(c.until * 1e6));
      assert.equal(shown, expected.hash, `page ${url} shows ${shown}; ${expected.command} gives ${expected.hash}`);
      const notices = page.locator(tid('notices'));
      const noticeText = (await notices.count()) ? (await notices.innerText()).trim() : '';
      assert.equal(noticeText, '', `the URL was accepted without notices: ${noticeText}`);
      assertNoPageErrors(errors);
    } finally {
      await context.close();
    }
  });
}

test('the idempotent step gives its own hash, in the page as on the command line', () => {
  const [withStep, without] = CASES.filter((c) => c.seed === 4).map(cliHash);
  assert.notEqual(withStep.hash, without.hash, `${withStep.command} and ${without.command} must differ`);
});
