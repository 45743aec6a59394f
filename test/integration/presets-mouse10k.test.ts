/**
 * Every preset on real 10x cells gives a usable map (issue 11): `isotherm embed --preset P` on the mouse10k
 * reference PCs (test/fixtures/data/mouse10k/mouse10k_pca50.csv, 9,999 cells × 50 PCs, one connected 10-NN
 * graph) exits 0 and writes a finite, spread-out, non-collinear map whose collapse measure in the sidecar is
 * the one of the CSV. Before the engine rework `--preset phate` here chose t = 2²⁵ and wrote empty x and y.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/isotherm.js';
import { COLLAPSE_WARNING, mapShape } from '../../src-core/embed/map-check.js';
import { PRESETS } from '../../src-core/pipeline/params.js';
import { fixtureData } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'isotherm-presets-'));
const input = fixtureData('mouse10k', 'mouse10k_pca50.csv');
const CELLS = 9999;

interface Sidecar {
  readonly parameters: { readonly preset: string; readonly t: number };
  readonly chosen: { readonly collapse: number; readonly warning: string | null; readonly components: { readonly count: number } };
}

/** x and y of the written map, NaN where a field is empty or not a number. */
function readMap(file: string): { ids: string[]; coords: Float64Array } {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'cell_id,x,y');
  const ids: string[] = [];
  const coords = new Float64Array((lines.length - 1) * 2);
  for (let l = 1; l < lines.length; l++) {
    const [id, x, y] = lines[l]!.split(',');
    ids.push(id!);
    coords[2 * (l - 1)] = x === '' ? NaN : Number(x);
    coords[2 * (l - 1) + 1] = y === '' ? NaN : Number(y);
  }
  return { ids, coords };
}

for (const preset of PRESETS) {
  test(`mouse10k PCs, --preset ${preset}: finite, non-degenerate map; sidecar collapse matches the CSV`, async () => {
    const output = join(dir, `${preset}.csv`);
    const err: string[] = [];
    const code = await main(['embed', input, '-o', output, '--preset', preset, '--quiet'], () => undefined, (s) => void err.push(s));
    assert.equal(code, 0, err.join('\n'));
    const { ids, coords } = readMap(output);
    assert.equal(ids.length, CELLS);
    let bad = 0;
    for (const v of coords) if (!Number.isFinite(v)) bad++;
    assert.equal(bad, 0, `${bad} empty or non-finite coordinates`);

    // Spread: almost every cell at its own position (a map squashed onto a few points fails), and both axes used.
    const distinct = new Set<string>();
    for (let i = 0; i < CELLS; i++) distinct.add(`${coords[2 * i]},${coords[2 * i + 1]}`);
    assert.ok(distinct.size >= 0.99 * CELLS, `only ${distinct.size} distinct positions`);
    const shape = mapShape(coords, CELLS);
    assert.ok(shape.spread > 0, 'no spread');
    assert.ok(shape.collapse >= COLLAPSE_WARNING, `s₂/s₁ = ${shape.collapse}: nearly a line`);

    const sidecar = JSON.parse(readFileSync(join(dir, `${preset}.json`), 'utf8')) as Sidecar;
    assert.equal(sidecar.parameters.preset, preset);
    assert.equal(sidecar.chosen.components.count, 1, 'the 10-NN graph of these PCs is connected');
    // The automatic t stays finite and far below the 2²⁵ that once emptied the map.
    assert.ok(Number.isFinite(sidecar.parameters.t) && sidecar.parameters.t > 0 && sidecar.parameters.t < 2 ** 20, `t = ${sidecar.parameters.t}`);
    // The sidecar reports the map that was written (7 significant digits in the CSV).
    assert.ok(Math.abs(sidecar.chosen.collapse - shape.collapse) < 1e-4, `sidecar collapse ${sidecar.chosen.collapse} vs CSV ${shape.collapse}`);
    assert.equal(sidecar.chosen.warning, null);
    console.log(`--preset ${preset}: t = ${sidecar.parameters.t.toPrecision(3)}, s₂/s₁ = ${shape.collapse.toFixed(3)}, ${distinct.size} distinct positions`);
  });
}
