/** `isotherm embed`: outputs, sidecar, and exit code 2 with a one-line message for bad input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { main } from '../../cli/isotherm.js';
import { swissRoll } from '../../src-core/synthetic/swiss-roll.js';
import { projectRoot } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'isotherm-cli-'));

function rollCsv(n: number, seed: number): string {
  const roll = swissRoll(n, { noise: 0.5, seed });
  const lines = ['cell_id,x1,x2,x3,group'];
  for (let i = 0; i < n; i++) lines.push(`c${i},${roll.points[3 * i]},${roll.points[3 * i + 1]},${roll.points[3 * i + 2]},${roll.unrolled[2 * i]! < 40 ? 'inner' : 'outer'}`);
  return lines.join('\n') + '\n';
}

async function run(args: string[]): Promise<{ code: number; err: string[]; out: string[] }> {
  const err: string[] = [];
  const out: string[] = [];
  const code = await main(args, (s) => void out.push(s), (s) => void err.push(s));
  return { code, err, out };
}

test('embed writes cell_id,x,y + metadata and a sidecar with the parameters actually used', async () => {
  const input = join(dir, 'roll.csv');
  writeFileSync(input, rollCsv(400, 1));
  const output = join(dir, 'map.csv');
  const r = await run(['embed', input, '-o', output, '--seed', '3', '--quiet']);
  assert.equal(r.code, 0, r.err.join('\n'));
  const lines = readFileSync(output, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'cell_id,x,y,group');
  assert.equal(lines.length, 401);
  const first = lines[1]!.split(',');
  assert.equal(first[0], 'c0');
  assert.ok(Number.isFinite(Number(first[1])) && Number.isFinite(Number(first[2])));
  assert.ok(['inner', 'outer'].includes(first[3]!));
  const sidecar = JSON.parse(readFileSync(join(dir, 'map.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  assert.equal(sidecar.parameters!.preset, 'geodesic');
  assert.equal(sidecar.parameters!.knn, 10);
  assert.equal(sidecar.parameters!.seed, 3);
  assert.equal(typeof sidecar.parameters!.t, 'number');
  // The refinement's automatic ρ and graph bandwidth as used: 400 cells → ρ = 1; 1.5·knn = 15.
  assert.equal(sidecar.parameters!.refineExaggeration, 1);
  assert.equal(sidecar.parameters!.refineKnn, 15);
  assert.equal(sidecar.chosen!.tAuto, true);
  assert.ok(Array.isArray(sidecar.chosen!.entropyCurve));
  assert.match(String(sidecar.input!.sha256), /^[0-9a-f]{64}$/);
});

test('--knn-method approximate: the sidecar records the method and its measured recall; a bad value exits 2', async () => {
  const input = join(dir, 'roll-ann.csv');
  writeFileSync(input, rollCsv(600, 2));
  const output = join(dir, 'map-ann.csv');
  const r = await run(['embed', input, '-o', output, '--knn-method', 'approximate', '--quiet']);
  assert.equal(r.code, 0, r.err.join('\n'));
  const sidecar = JSON.parse(readFileSync(join(dir, 'map-ann.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  assert.equal(sidecar.parameters!.knnMethod, 'approximate');
  const knn = sidecar.chosen!.knn as { method: string; k: number; exact: boolean; recallSample: number; recall: number; recallAtKnn: number };
  assert.equal(knn.method, 'nn-descent');
  assert.equal(knn.exact, false);
  assert.equal(knn.k, 20);
  assert.equal(knn.recallSample, 600, 'every cell of a small set is sampled');
  assert.ok(knn.recall > 0.9 && knn.recall <= 1, `recall ${knn.recall}`);
  assert.ok(knn.recallAtKnn > 0.9 && knn.recallAtKnn <= 1);
  const exact = await run(['embed', input, '-o', join(dir, 'map-exact.csv'), '--quiet']);
  assert.equal(exact.code, 0);
  const s2 = JSON.parse(readFileSync(join(dir, 'map-exact.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  assert.deepEqual(s2.chosen!.knn, { method: 'blocked', k: 20, exact: true, recallSample: 0, recall: 1, recallAtKnn: 1 });
  const bad = await run(['embed', input, '-o', join(dir, 'y.csv'), '--knn-method', 'fast']);
  assert.equal(bad.code, 2);
  assert.match(bad.err.join('\n'), /--knn-method.*auto, exact, approximate/);
});

test('the installed bin exits 2 with one line naming the file for a ragged CSV', async () => {
  const bad = join(dir, 'ragged.csv');
  writeFileSync(bad, 'cell_id,a,b\nc1,1,2\nc2,3\n');
  const bin = join(projectRoot(), 'bin', 'isotherm.js');
  const res = await promisify(execFile)(process.execPath, [bin, 'embed', bad, '-o', join(dir, 'x.csv')]).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );
  assert.equal(res.code, 2);
  const lines = res.stderr.trim().split('\n');
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /ragged\.csv: line 3: 2 fields, but the header has 3/);
});

const badCsvCases: [string, string, RegExp][] = [
  ['non-numeric value', 'cell_id,a,b\nc1,1,2\nc2,x7,3\nc3,1,1\n', /line 3, column 'a': non-numeric value 'x7'/],
  ['NaN', 'cell_id,a,b\nc1,1,2\nc2,NaN,3\nc3,1,1\n', /line 3, column 'a': NaN is not a finite number/],
  ['Inf', 'cell_id,a,b\nc1,1,2\nc2,2,-Inf\nc3,1,1\n', /column 'b': -Inf is not a finite number/],
  ['ragged row', 'cell_id,a,b\nc1,1,2\nc2,3,4,5\n', /line 3: 4 fields, but the header has 3/],
  ['duplicate ids', 'cell_id,a,b\nc1,1,2\nc2,3,4\nc1,5,6\n', /duplicate cell id 'c1'/],
  ['empty file', '', /the file is empty/],
  ['header only', 'cell_id,a,b\n', /header but no data rows/],
  ['fewer cells than k', 'cell_id,a,b\nc1,1,2\nc2,3,4\nc3,5,6\n', /3 cells after preprocessing are too few for knn = 10: a map needs at least 11/],
];

for (const [name, content, pattern] of badCsvCases) {
  test(`bad CSV (${name}) → exit 2 naming the file`, async () => {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.csv`);
    writeFileSync(file, content);
    const out = join(dir, `out-${name.replace(/\W+/g, '-')}.csv`);
    const r = await run(['embed', file, '-o', out]);
    assert.equal(r.code, 2);
    assert.equal(r.err.length, 1, r.err.join('\n'));
    assert.ok(r.err[0]!.includes(file), `message names the file: ${r.err[0]}`);
    assert.match(r.err[0]!, pattern);
    assert.ok(!existsSync(out), 'no output written');
  });
}

const badArgCases: [string, string[], RegExp][] = [
  ['unknown option', ['--frobnicate'], /--frobnicate: unknown option/],
  ['knn not a number', ['--knn', 'ten'], /--knn: expected a number, got 'ten'/],
  ['knn fractional', ['--knn', '2.5'], /--knn: expected an integer/],
  ['negative sigma', ['--sigma', '-1'], /--sigma: must be ≥ 0/],
  ['bad preset', ['--preset', 'umap'], /--preset: expected one of geodesic, phate, sne/],
  ['bad t', ['--t', 'soon'], /--t: expected a number/],
  ['bad backend', ['--backend', 'quantum'], /--backend: expected one of auto, tensorflow, webgpu, wasm, cpu/],
  ['missing value', ['--seed'], /--seed: needs a value/],
];

for (const [name, extra, pattern] of badArgCases) {
  test(`bad argument (${name}) → exit 2`, async () => {
    const input = join(dir, 'args.csv');
    writeFileSync(input, rollCsv(50, 2));
    const r = await run(['embed', input, '-o', join(dir, 'args-out.csv'), ...extra]);
    assert.equal(r.code, 2);
    assert.equal(r.err.length, 1);
    assert.match(r.err[0]!, pattern);
  });
}

test('missing input file, missing -o, output onto the input, unknown command → exit 2', async () => {
  assert.equal((await run(['embed', join(dir, 'nope.csv'), '-o', join(dir, 'o.csv')])).code, 2);
  const noOut = await run(['embed', join(dir, 'args.csv')]);
  assert.equal(noOut.code, 2);
  assert.match(noOut.err[0]!, /-o: missing output file/);
  const same = await run(['embed', join(dir, 'args.csv'), '-o', join(dir, 'args.csv')]);
  assert.equal(same.code, 2);
  assert.match(same.err[0]!, /overwrite the input/);
  assert.equal((await run(['teleport'])).code, 2);
});
