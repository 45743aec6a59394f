/**
 * The parameter spec (src-core/pipeline/params.ts) is complete and consistent, and what is derived from it
 * behaves: the CLI parser, the app-call validation, the stage keys.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../src-core/errors.js';
import { checkEnoughCells, DEFAULTS, PARAMS, PARAM_NAMES, PCA_PARAM, resolveParams, type EmbedParams, type ParamSpec } from '../../src-core/pipeline/params.js';
import { PARAM_FLAGS, parseAppParams, parseCliParams, parseValue } from '../../src-core/pipeline/param-values.js';
import { STAGES } from '../../src-core/pipeline/progress.js';
import { stageKeys } from '../../src-core/pipeline/stage-keys.js';

// Compile-time: a field of EmbedParams without an entry in PARAMS (or an entry without a field) fails `tsc`,
// which `npm test` runs first. (PARAMS is also typed by ParamSpecs, a mapped type over EmbedParams.)
type Missing = Exclude<keyof EmbedParams, keyof typeof PARAMS>;
type Extra = Exclude<keyof typeof PARAMS, keyof EmbedParams>;
const specCoversTheType: [Missing, Extra] extends [never, never] ? true : false = true;

test('every EmbedParams field has a spec entry, and every default is a value of its own domain', () => {
  assert.equal(specCoversTheType, true);
  assert.deepEqual([...PARAM_NAMES].sort(), Object.keys(DEFAULTS).sort());
  for (const name of PARAM_NAMES) {
    const spec: ParamSpec<unknown> = PARAMS[name];
    assert.equal(parseValue(spec.domain, spec.default, name, 'json'), spec.default, `${name}: default`);
    if (spec.stage !== null) assert.ok(STAGES.includes(spec.stage), `${name}: stage ${spec.stage}`);
    if (spec.slider && spec.domain.kind === 'number' && name !== 't') {
      assert.ok(spec.slider.min >= spec.domain.min && spec.slider.max <= spec.domain.max, `${name}: the slider stays inside the accepted range`);
    }
  }
  assert.equal(parseValue(PCA_PARAM.domain, PCA_PARAM.default, 'pca', 'json'), PCA_PARAM.default);
});

test('command-line flags are unique and read back what USAGE shows as the default', () => {
  assert.equal(new Set(PARAM_FLAGS).size, PARAM_FLAGS.length);
  const flags = new Map(PARAM_NAMES.filter((k) => PARAMS[k].cli).map((k) => [PARAMS[k].cli!.flag, String(PARAMS[k].default)]));
  assert.deepEqual(parseCliParams(flags), Object.fromEntries(PARAM_NAMES.filter((k) => PARAMS[k].cli).map((k) => [k, DEFAULTS[k]])));
});

test('the CLI and the app check values against the same ranges, each in its own words', () => {
  assert.throws(() => parseCliParams(new Map([['--knn', '1']])), (e: unknown) => e instanceof InputError && e.message === '--knn: must be ≥ 2, got 1');
  assert.throws(() => parseAppParams({ knn: 1 }), (e: unknown) => e instanceof InputError && e.message === 'params.knn: must be between 2 and 200, got 1');
  assert.throws(() => parseCliParams(new Map([['--landmarks', 'many']])), /--landmarks: expected a number, got 'many'/);
  assert.deepEqual(parseAppParams({ landmarks: 'off', t: 3, order: 'auto' }), { landmarks: 'off', t: 3, order: 'auto' });
  assert.throws(() => parseAppParams({ backend: 'cpu' }), /params\.backend: unknown parameter/, 'the backend is the host\'s choice');
  assert.throws(() => parseAppParams(JSON.parse('{"__proto__": 1}')), /unknown parameter/);
  assert.throws(() => parseAppParams({ constructor: 1 }), /params\.constructor: unknown parameter/);
});

/** Another valid value of the parameter than in `p` (for a number: a step inside its range). */
function otherValue(p: EmbedParams, name: keyof EmbedParams): string | number {
  const d = PARAMS[name].domain;
  const v = p[name];
  if (d.kind === 'choice') return d.values.find((x) => x !== v)!;
  if (typeof v !== 'number') return d.integer ? Math.max(d.min, 12) : Math.max(d.min, 3);
  return v + 1 <= d.max ? v + 1 : v - 1;
}

test('a parameter change changes the keys of its stage and every later one, and of no earlier one', () => {
  const n = 5000;
  // Chebyshev, so that the order applies (it does not under squaring: tested below).
  const base: EmbedParams = { ...resolveParams(), heatMethod: 'chebyshev' };
  const before = stageKeys(base, n);
  for (const name of PARAM_NAMES) {
    const spec = PARAMS[name];
    const changed = stageKeys({ ...base, [name]: otherValue(base, name) } as EmbedParams, n);
    const first = spec.stage === null ? STAGES.length : STAGES.indexOf(spec.stage);
    STAGES.forEach((stage, i) => {
      if (i < first) assert.equal(changed[stage], before[stage], `${name} must not invalidate ${stage}`);
      else assert.notEqual(changed[stage], before[stage], `${name} must invalidate ${stage}`);
    });
  }
});

test('parameters that do not apply to a run invalidate nothing: order under squaring, σ under the potential', () => {
  const n = 5000;
  const squaring = resolveParams({ heatMethod: 'squaring' });
  assert.deepEqual(stageKeys({ ...squaring, order: 40 }, n), stageKeys(squaring, n));
  const phate = resolveParams({ preset: 'phate' });
  assert.deepEqual(stageKeys({ ...phate, sigma: 2 }, n), stageKeys(phate, n));
  // Derived keys: the landmark count, not the setting (auto = 1000 = an explicit 1000).
  assert.deepEqual(stageKeys(resolveParams({ landmarks: 1000 }), n), stageKeys(resolveParams({ landmarks: 'auto' }), n));
});

test('checkEnoughCells: one rule and one message for every host', () => {
  assert.doesNotThrow(() => checkEnoughCells(11, 10, 'x.csv'));
  assert.throws(() => checkEnoughCells(10, 10, 'x.csv', 'after preprocessing'), (e: unknown) => e instanceof InputError && e.file === 'x.csv' && /10 cells after preprocessing are too few for knn = 10: a map needs at least 11/.test(e.message));
  assert.throws(() => checkEnoughCells(1, 10, 'x.csv'), /1 cell is too few/);
});
