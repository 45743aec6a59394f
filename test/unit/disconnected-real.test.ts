/**
 * A real data set whose neighbour graph falls apart: the CellBench CEL-seq2 mixture of three lung
 * adenocarcinoma cell lines (test/fixtures/data/cellbench, 240 demuxlet singlets). H2228 shares no
 * 10-NN edge with H1975 + HCC827, so the default pipeline must find two components, map each on its own
 * (its own t) and pack them apart, each keeping a 2-D spread. Input: the 50 PCs Isotherm's default preprocess()
 * makes from the counts, stored by bench/cellbench-pcs.ts (the dense PCA of 27,683 genes alone takes ~5 s);
 * the bench reads the counts themselves. Map quality is the bench's business
 * (`npm run bench:quality -- --sets cellbench3`), not this test's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { openDataset } from '../../src-core/io/open.js';
import { EmbeddingPipeline } from '../../src-core/pipeline/pipeline.js';
import { mapShape } from '../../src-core/embed/map-check.js';

const file = fileURLToPath(new URL('../../../test/fixtures/data/cellbench/sc_celseq2_sng_pca50.csv', import.meta.url));

/** Row-major n × 2 coordinates of the cells in `rows`. */
function pick(coords: Float32Array, rows: readonly number[]): Float64Array {
  const out = new Float64Array(2 * rows.length);
  rows.forEach((r, i) => {
    out[2 * i] = coords[2 * r]!;
    out[2 * i + 1] = coords[2 * r + 1]!;
  });
  return out;
}

const dist = (a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number => Math.hypot(a[2 * i]! - b[2 * j]!, a[2 * i + 1]! - b[2 * j + 1]!);

/** Largest distance from a cell of `a` to its nearest other cell of `a`. */
function widestNearestGap(a: Float64Array): number {
  const n = a.length / 2;
  let widest = 0;
  for (let i = 0; i < n; i++) {
    let nearest = Infinity;
    for (let j = 0; j < n; j++) if (j !== i) nearest = Math.min(nearest, dist(a, i, a, j));
    widest = Math.max(widest, nearest);
  }
  return widest;
}

function rmsRadius(a: Float64Array): number {
  const n = a.length / 2;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) (mx += a[2 * i]!), (my += a[2 * i + 1]!);
  (mx /= n), (my /= n);
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[2 * i]! - mx) ** 2 + (a[2 * i + 1]! - my) ** 2;
  return Math.sqrt(s / n);
}

function closestPair(a: Float64Array, b: Float64Array): number {
  let best = Infinity;
  for (let i = 0; i < a.length / 2; i++) for (let j = 0; j < b.length / 2; j++) best = Math.min(best, dist(a, i, b, j));
  return best;
}

test('CellBench 3 cell lines: two graph components (H2228 apart), each mapped with its own t and a 2-D spread, packed apart', async () => {
  const ds = await openDataset(file);
  assert.equal(ds.nCells, 240);
  const line = ds.obs.find((c) => c.name === 'cell_line');
  assert.ok(line && line.kind === 'categorical', 'cell_line is a categorical column');
  assert.ok(ds.X.kind === 'dense' && ds.nFeatures === 50, '50 PCs');

  const result = await new EmbeddingPipeline(ds.X.data, ds.nCells, ds.nFeatures).run({});
  assert.deepEqual(result.components.map((c) => c.size), [173, 67]);
  for (const c of result.components) {
    assert.ok(c.t !== null && Number.isFinite(c.t) && c.t > 0, `component of ${c.size} cells has its own t (${c.t})`);
    assert.equal(c.landmarks, c.size, 'below 1,000 cells every cell is a landmark');
  }

  // The 67-cell component is the H2228 line: its cells sit apart from the others on the map.
  const h2228 = line.categories.indexOf('H2228');
  const apart: number[] = [];
  const rest: number[] = [];
  for (let i = 0; i < ds.nCells; i++) (line.codes[i] === h2228 ? apart : rest).push(i);
  assert.equal(apart.length, 67);
  const a = pick(result.coords, apart);
  const b = pick(result.coords, rest);
  for (const [name, part] of [['H2228', a], ['H1975 + HCC827', b]] as const) {
    const shape = mapShape(part, part.length / 2);
    assert.ok(shape.finite, `${name}: finite coordinates`);
    assert.ok(shape.collapse > 0.05, `${name}: a 2-D spread, not a line or a dot (s2/s1 = ${shape.collapse})`);
  }
  // In feature space H2228's RMS radius is 0.72 of the other component's; a component the refinement shrinks
  // towards a dot (ρ = 2: 0.002) has lost its internal geometry. Default map (ρ = 1 at 240 cells): 0.30; ρ = 1.3: 0.21;
  // no refinement: 0.56.
  const ratio = rmsRadius(a) / rmsRadius(b);
  assert.ok(ratio > 0.1, `the small component keeps an extent (RMS radius ${ratio.toFixed(3)} of the large one's)`);
  const gap = closestPair(a, b);
  const within = Math.max(widestNearestGap(a), widestNearestGap(b));
  assert.ok(gap > within, `components packed apart: closest pair across ${gap.toFixed(3)} > widest nearest-neighbour gap within ${within.toFixed(3)}`);
});
