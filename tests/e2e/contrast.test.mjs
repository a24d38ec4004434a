// Colour contrast of the pairs the page relies on, in both themes, computed from the sources:
// the theme variables in styles/fanout.css (each written as light-dark(LIGHT, DARK)) and the
// canvas palettes in src/paint.rs. A colour change that breaks WCAG 2.2 AA fails here, before
// anyone has to spot it in a screenshot. Text needs 4.5:1 (1.4.3), graphics 3:1 (1.4.11).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './support/paths.mjs';

const TEXT = 4.5;
const GRAPHIC = 3;

/** { light: {name: hex}, dark: {name: hex} } from the :root block of fanout.css. */
export function themeVariables(css) {
  const root = css.match(/:root\s*\{([^}]*)\}/);
  assert.ok(root, 'fanout.css has no :root block');
  const light = {};
  const dark = {};
  for (const [, name, value] of root[1].matchAll(/--([\w-]+)\s*:\s*([^;]+);/g)) {
    const pair = value.trim().match(/^light-dark\(\s*(#[0-9a-fA-F]{3,6})\s*,\s*(#[0-9a-fA-F]{3,6})\s*\)$/);
    if (pair) [light[name], dark[name]] = [pair[1], pair[2]];
  }
  return { light, dark };
}

/** The canvas palettes (`const LIGHT: Palette = ...`) from paint.rs. */
function canvasPalettes(rust) {
  const read = (which) => {
    const m = rust.match(new RegExp(`const ${which}: Palette = Palette \\{([^}]*)\\}`));
    assert.ok(m, `paint.rs has no ${which} palette`);
    return Object.fromEntries([...m[1].matchAll(/(\w+):\s*"(#[0-9a-fA-F]{6})"/g)].map(([, k, v]) => [k, v]));
  };
  return { light: read('LIGHT'), dark: read('DARK') };
}

function luminance(hex) {
  let h = hex.slice(1);
  if (h.length === 3) h = [...h].map((c) => c + c).join('');
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16) / 255);
  const lin = (c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function ratio(a, b) {
  const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}

// [foreground, background, minimum, where the page uses the pair]
const TEXT_PAIRS = [
  ['ink', 'bg', 'body text'],
  ['ink', 'panel', 'panel text'],
  ['ink', 'node-bg', 'node names'],
  ['ink', 'warn-bg', 'notices, slow nodes'],
  ['ink', 'bad-bg', 'down nodes'],
  ['ink', 'grid', 'inline code'],
  ['muted', 'grid', 'code in lesson summaries'],
  ['muted', 'bg', 'tagline, stat labels'],
  ['muted', 'panel', 'captions, labels'],
  ['muted', 'node-bg', 'node status and detail'],
  ['muted', 'warn-bg', 'detail on slow nodes'],
  ['muted', 'bad-bg', 'detail on down nodes'],
  ['accent-ink', 'accent', 'primary buttons, chosen segments'],
  ['bad', 'panel', 'errors, failed log lines'],
  ['bad', 'bad-bg', 'status of a down node'],
  ['warn', 'panel', 'warnings'],
  ['warn', 'warn-bg', 'status of a slow node'],
  ['ok', 'panel', 'completed lessons, right answers'],
].map(([fg, bg, use]) => [fg, bg, TEXT, use]);

const GRAPHIC_PAIRS = [
  ['wire', 'bg', 'wires and node borders on the stage'],
  ['wire', 'panel', 'field and segment borders'],
  ['call', 'bg', 'call wires'],
  ['event', 'bg', 'event wires, lesson highlight'],
  ['order', 'panel', 'response-time dots'],
  ['bad', 'panel', 'failure crosses'],
  ['bad', 'bg', 'down node border'],
  ['warn', 'bg', 'slow node border'],
  ['focus', 'bg', 'focus ring on the page'],
  ['focus', 'panel', 'focus ring in panels'],
  ['accent', 'panel', 'open node ring, icons'],
  ...[0, 1, 2, 3, 4, 5, 6, 7].map((k) => [`s${k}`, 'panel', `lag line ${k + 1}`]),
].map(([fg, bg, use]) => [fg, bg, GRAPHIC, use]);

const css = fs.readFileSync(path.join(ROOT, 'styles', 'fanout.css'), 'utf8');
const vars = themeVariables(css);
const canvas = canvasPalettes(fs.readFileSync(path.join(ROOT, 'src', 'paint.rs'), 'utf8'));

test('the stylesheet defines every colour in both themes', () => {
  const names = Object.keys(vars.light);
  assert.ok(names.length >= 20, `only ${names.length} light-dark() colours found in fanout.css`);
  for (const [fg, bg] of [...TEXT_PAIRS, ...GRAPHIC_PAIRS]) {
    for (const n of [fg, bg]) assert.ok(vars.light[n] && vars.dark[n], `--${n} is not a light-dark() colour`);
  }
});

for (const theme of ['light', 'dark']) {
  test(`${theme} theme: text 4.5:1, graphics 3:1`, () => {
    const v = vars[theme];
    const failures = [];
    const rows = [];
    for (const [fg, bg, min, use] of [...TEXT_PAIRS, ...GRAPHIC_PAIRS]) {
      const r = ratio(v[fg], v[bg]);
      rows.push(`${theme} --${fg} on --${bg}: ${r.toFixed(2)}:1 (${use})`);
      if (r < min) failures.push(`--${fg} ${v[fg]} on --${bg} ${v[bg]} is ${r.toFixed(2)}:1, needs ${min}:1 (${use})`);
    }
    if (process.env.CONTRAST_REPORT) console.log(rows.join('\n'));
    assert.deepEqual(failures, []);
  });

  test(`${theme} theme: canvas message colours 3:1 on the stage`, () => {
    const stage = vars[theme].bg;
    const failures = [];
    for (const [name, colour] of Object.entries(canvas[theme])) {
      const r = ratio(colour, stage);
      if (process.env.CONTRAST_REPORT) console.log(`${theme} canvas ${name} ${colour} on ${stage}: ${r.toFixed(2)}:1`);
      if (r < GRAPHIC) failures.push(`${name} ${colour} on ${stage} is ${r.toFixed(2)}:1`);
    }
    assert.equal(Object.keys(canvas[theme]).length, 5, 'paint.rs palettes have five colours');
    assert.deepEqual(failures, []);
  });
}

test('the ratio arithmetic matches known values', () => {
  assert.equal(ratio('#000000', '#ffffff').toFixed(1), '21.0');
  assert.equal(ratio('#777777', '#ffffff').toFixed(2), '4.48');
  assert.equal(ratio('#fff', '#ffffff'), 1);
});
