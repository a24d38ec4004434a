// What every end-to-end test file shares: one static server for dist/ and one browser per
// file, and a fresh context per test that must end with the lab still showing and no page
// errors. The bindings are live: read `server` and `browser` after the suite has started.
import { before, after } from 'node:test';
import { startServer } from './server.mjs';
import { launchBrowser, newLabPage, assertNoPageErrors } from './browser.mjs';
import { assertNotBlank } from './lab.mjs';

export let server;
export let browser;

/**
 * Registers the file's before/after hooks that start and stop the server and browser.
 * `serverOptions` go to `startServer` (e.g. `{ mounts: { '/fixtures/': FIXTURES } }`).
 */
export function useLabSuite(serverOptions = {}) {
  before(async () => {
    server = await startServer(undefined, serverOptions);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
}

/**
 * Runs `fn(page)` in a fresh context (options as for `newLabPage`). Afterwards the page must
 * still show the lab (no blank screen, no fatal error panel) and must have reported no page
 * errors or console errors, other than those matching a pattern of `allowErrors` (a fetch the
 * test makes fail on purpose, say).
 */
export async function withPage(options, fn) {
  if (typeof options === 'function') [options, fn] = [{}, options];
  const { allowErrors = [], ...pageOptions } = options;
  const { context, page, errors } = await newLabPage(browser, pageOptions);
  try {
    try {
      await fn(page);
    } catch (e) {
      if (errors.length) e.message += `\n\nerrors reported by the page meanwhile:\n${errors.join('\n')}`;
      throw e;
    }
    await assertNotBlank(page);
    assertNoPageErrors(errors.filter((e) => !allowErrors.some((re) => re.test(e))));
  } finally {
    await context.close();
  }
}
