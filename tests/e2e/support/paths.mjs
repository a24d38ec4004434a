// Where things live. Everything is resolved from this file, so the tests work from any cwd.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The release build served to the browser (`make dist`); FANOUT_DIST overrides it. */
export const DIST = process.env.FANOUT_DIST ? path.resolve(process.env.FANOUT_DIST) : path.join(ROOT, 'dist');
/** Files the end-to-end tests serve besides the build (see `startServer`'s `mounts`). */
export const FIXTURES = path.join(ROOT, 'tests', 'e2e', 'fixtures');
export const SCREENSHOTS = path.join(ROOT, 'target', 'screenshots');
export const BENCH_OUT = path.join(ROOT, 'target', 'bench');
export const SIM_CLI = path.join(ROOT, 'target', 'release', 'fanout-sim');

/** Creates the directory when missing and returns it. */
export function ensureDir(dir) {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
