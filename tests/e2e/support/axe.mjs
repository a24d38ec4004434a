// axe-core scan against WCAG 2.2 AA; fails listing each violation with its targets.
import { AxeBuilder } from '@axe-core/playwright';
import assert from 'node:assert/strict';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `    - ${n.target.join(' ')}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`)
        .join('\n');
      return `  ${v.id} (${v.impact ?? 'n/a'}): ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

/** Runs axe on the page (a page made from browser.newContext()) and fails on any violation. */
export async function assertNoAxeViolations(page, label, { include, exclude } = {}) {
  let builder = new AxeBuilder({ page }).withTags(WCAG_TAGS);
  if (include) builder = builder.include(include);
  if (exclude) builder = builder.exclude(exclude);
  const results = await builder.analyze();
  assert.equal(
    results.violations.length,
    0,
    `${label}: ${results.violations.length} axe violation(s):\n${formatViolations(results.violations)}`,
  );
  return results;
}
