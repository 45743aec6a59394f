import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src-core/compute/backend.js';
import { scoreMap } from '../../src-core/quality/map-score.js';
import { qualityReference } from '../../src-core/quality/reference.js';
import { trustworthiness } from '../../src-core/quality/neighbourhood.js';
import { createRng } from '../../src-core/linalg/random.js';

/** Spearman with average ranks, written out independently of quality/correlation.ts. */
function naiveSpearman(x: number[], y: number[]): number {
  const rank = (v: number[]): number[] =>
    v.map((a) => {
      let less = 0;
      let equal = 0;
      for (const b of v) {
        if (b < a) less++;
        else if (b === a) equal++;
      }
      return less + (equal + 1) / 2;
    });
  const rx = rank(x);
  const ry = rank(y);
  const mean = (v: number[]): number => v.reduce((s, a) => s + a, 0) / v.length;
  const mx = mean(rx);
  const my = mean(ry);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < rx.length; i++) {
    sxy += (rx[i]! - mx) * (ry[i]! - my);
    sxx += (rx[i]! - mx) ** 2;
    syy += (ry[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

test('points on a line: the reference geodesics are 3|i − j| exactly; the line itself scores 1 and a folded map its exact Spearman', async () => {
  await initBackend('auto');
  const n = 300;
  // Cell i at (i, 2i, 2i)/3 · 3 = integer coordinates on a line in 3-D, |step| = 3: every kNN edge joins cells at
  // most 5 apart, so shortest paths = 3|i − j|, exactly (integers, so ties stay ties).
  const pts = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    pts[3 * i] = i;
    pts[3 * i + 1] = 2 * i;
    pts[3 * i + 2] = 2 * i;
  }
  const ref = await qualityReference(pts, n, 3, { geodesicSample: 120, trustSample: n });
  assert.equal(ref.components, 1);
  assert.equal(ref.geodesicCells.length, 120);
  let p = 0;
  for (let a = 0; a < 120; a++)
    for (let b = a + 1; b < 120; b++) {
      const expected = 3 * Math.abs(ref.geodesicCells[a]! - ref.geodesicCells[b]!);
      assert.ok(Math.abs(ref.geodesics[p++]! - expected) < 1e-9, `geodesic ${ref.geodesicCells[a]}–${ref.geodesicCells[b]}`);
    }
  const line = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) line[2 * i] = i;
  const straight = scoreMap(ref, line);
  assert.ok(straight.valid);
  assert.ok(Math.abs(straight.demap - 1) < 1e-12, `demap ${straight.demap}`);
  assert.ok(Math.abs(straight.trust - 1) < 1e-12, `trust ${straight.trust}`);

  // Folded in the middle: x = |i − 150|. Expected DEMaP from the definition, by brute force.
  const folded = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    folded[2 * i] = Math.abs(i - 150);
    folded[2 * i + 1] = i < 150 ? 0 : 0.5;
  }
  const truth: number[] = [];
  const mapped: number[] = [];
  const cells = Array.from(ref.geodesicCells);
  for (let a = 0; a < cells.length; a++)
    for (let b = a + 1; b < cells.length; b++) {
      const i = cells[a]!;
      const j = cells[b]!;
      truth.push(Math.abs(i - j));
      mapped.push(Math.hypot(Math.abs(i - 150) - Math.abs(j - 150), (i < 150 ? 0 : 0.5) - (j < 150 ? 0 : 0.5)));
    }
  const q = scoreMap(ref, folded);
  assert.ok(q.valid);
  const expected = naiveSpearman(truth, mapped);
  assert.ok(expected < 0.5, `the fold should hurt (${expected})`);
  assert.ok(Math.abs(q.demap - expected) < 1e-9, `demap ${q.demap} vs ${expected}`);
  // The folded map puts cells i and 300 − i next to each other: trustworthiness < 1.
  assert.ok(q.trust < 0.99, `trust ${q.trust}`);
});

test('reference geodesics equal Floyd–Warshall on the symmetrised kNN graph, Infinity across components', async () => {
  await initBackend('auto');
  const rng = createRng(21);
  const n = 90;
  const d = 5;
  const pts = new Float32Array(n * d);
  // Two clusters far apart: with k = 4 no edge crosses, so the graph has (at least) two components.
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) pts[i * d + c] = rng.normal() + (i < 45 ? 0 : 30);
  const k = 4;
  const ref = await qualityReference(pts, n, d, { k, geodesicSample: n, trustSample: n });
  // Brute-force kNN, the union graph, Floyd–Warshall.
  const dist = (i: number, j: number): number => {
    let s = 0;
    for (let c = 0; c < d; c++) s += (pts[i * d + c]! - pts[j * d + c]!) ** 2;
    return Math.sqrt(s);
  };
  const W = new Float64Array(n * n).fill(Infinity);
  for (let i = 0; i < n; i++) {
    W[i * n + i] = 0;
    const order = Array.from({ length: n }, (_, j) => j)
      .filter((j) => j !== i)
      .sort((a, b) => dist(i, a) - dist(i, b));
    for (const j of order.slice(0, k)) W[i * n + j] = W[j * n + i] = dist(i, j);
  }
  for (let m = 0; m < n; m++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (W[i * n + m]! + W[m * n + j]! < W[i * n + j]!) W[i * n + j] = W[i * n + m]! + W[m * n + j]!;
  let p = 0;
  let infinite = 0;
  for (let a = 0; a < n; a++)
    for (let b = a + 1; b < n; b++) {
      const want = W[ref.geodesicCells[a]! * n + ref.geodesicCells[b]!]!;
      const got = ref.geodesics[p++]!;
      if (!Number.isFinite(want)) {
        infinite++;
        assert.equal(got, Infinity);
      } else assert.ok(Math.abs(got - want) < 1e-4 * Math.max(1, want), `pair ${a},${b}: ${got} vs ${want}`);
    }
  assert.ok(ref.components >= 2, `components ${ref.components}`);
  assert.ok(infinite >= 45 * 45, `pairs across the clusters are unreachable (${infinite})`);
  assert.equal(ref.finitePairs, (n * (n - 1)) / 2 - infinite);
  // A map that keeps each cluster (any placement of the two) is scored over the finite pairs only.
  const map = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    map[2 * i] = pts[i * d]!;
    map[2 * i + 1] = pts[i * d + 1]!;
  }
  const q = scoreMap(ref, map);
  assert.ok(q.valid && q.pairs === ref.finitePairs && Number.isFinite(q.demap));
});

test('trustworthiness from the cached reference ranks equals quality/neighbourhood.ts, on all cells and on a sample', async () => {
  await initBackend('auto');
  const rng = createRng(22);
  const n = 400;
  const d = 12;
  const high = new Float32Array(n * d);
  for (let i = 0; i < n * d; i++) high[i] = rng.normal() * (i % d < 3 ? 3 : 1);
  const low = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    low[2 * i] = high[i * d]! + 0.8 * rng.normal();
    low[2 * i + 1] = high[i * d + 1]! + 0.8 * rng.normal();
  }
  const all = await qualityReference(high, n, d, { trustSample: n });
  const q = scoreMap(all, low);
  assert.ok(q.valid);
  const expected = trustworthiness(high, d, low, 2, 10);
  assert.ok(Math.abs(q.trust - expected) < 1e-12, `${q.trust} vs ${expected}`);
  assert.ok(expected > 0.6 && expected < 0.99, `a noisy projection should be neither perfect nor random (${expected})`);

  const sampled = await qualityReference(high, n, d, { trustSample: 150, trustSeed: 5 });
  const cells = Array.from(sampled.trustCells);
  const hs = new Float32Array(cells.length * d);
  const ls = new Float32Array(cells.length * 2);
  cells.forEach((c, r) => {
    hs.set(high.subarray(c * d, (c + 1) * d), r * d);
    ls.set(low.subarray(2 * c, 2 * c + 2), 2 * r);
  });
  const qs = scoreMap(sampled, low);
  assert.ok(qs.valid);
  assert.ok(Math.abs(qs.trust - trustworthiness(hs, d, ls, 2, 10)) < 1e-12);
});

test('high-dimensional references resolve tiny neighbour gaps exactly where it matters (float32 products alone cannot)', async () => {
  await initBackend('auto');
  const rng = createRng(23);
  // 200 cells 0.001 apart on a line, and 50 cells in a cluster 50 away: in float32, ‖x‖² + ‖y‖² − 2x·y has an
  // error of ~1e-4, far above the line's squared gaps (1e-6).
  const n = 250;
  const low6 = new Float32Array(n * 6);
  for (let i = 0; i < 200; i++) low6[i * 6] = 0.001 * i;
  for (let i = 200; i < n; i++) {
    low6[i * 6 + 1] = 50 + rng.normal();
    for (let c = 2; c < 6; c++) low6[i * 6 + c] = rng.normal();
  }
  // The same points in 80-D (zero-padded): the reference takes the engine-product path there.
  const padded = new Float32Array(n * 80);
  for (let i = 0; i < n; i++) for (let c = 0; c < 6; c++) padded[i * 80 + c] = low6[i * 6 + c]!;
  const a = await qualityReference(low6, n, 6, { trustSample: n, geodesicSample: n });
  const b = await qualityReference(padded, n, 80, { trustSample: n, geodesicSample: n });
  // The nearest 64 ranks of every cell are recomputed exactly; beyond them float32 products may swap near-ties.
  let differNear = 0;
  let maxShift = 0;
  for (let i = 0; i < a.ranks.length; i++) {
    if (a.ranks[i]! < 64 && a.ranks[i] !== b.ranks[i]) differNear++;
    maxShift = Math.max(maxShift, Math.abs(a.ranks[i]! - b.ranks[i]!));
  }
  assert.equal(differNear, 0, `${differNear} of the nearest ranks differ`);
  assert.ok(maxShift <= 16, `ranks beyond the refined ones shift by up to ${maxShift}`);
  // A map that keeps the line's order but squeezes the cluster: its trustworthiness is the same by either reference.
  const map = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    map[2 * i] = i < 200 ? i : 300 + rng.normal();
    map[2 * i + 1] = i < 200 ? 0 : rng.normal();
  }
  const qa = scoreMap(a, map);
  const qb = scoreMap(b, map);
  assert.ok(qa.valid && qb.valid && Math.abs(qa.trust - qb.trust) < 1e-3, `${JSON.stringify(qa)} vs ${JSON.stringify(qb)}`);
  let p = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      if (j < 200) assert.ok(Math.abs(b.geodesics[p]! - 0.001 * (j - i)) < 1e-7, `line geodesic ${i}–${j}: ${b.geodesics[p]}`);
      assert.ok(Math.abs(a.geodesics[p]! - b.geodesics[p]!) < 1e-6 * Math.max(1, a.geodesics[p]!) || a.geodesics[p] === b.geodesics[p]);
      p++;
    }
});

test('a map with NaN or all cells at one point is invalid, not scored; a line is valid', async () => {
  await initBackend('auto');
  const rng = createRng(24);
  const n = 60;
  const pts = Float32Array.from({ length: n * 3 }, () => rng.normal());
  const ref = await qualityReference(pts, n, 3);
  const nan = new Float32Array(n * 2);
  nan[7] = NaN;
  const r1 = scoreMap(ref, nan);
  assert.ok(!r1.valid && /non-finite/.test(r1.reason), JSON.stringify(r1));
  const r2 = scoreMap(ref, new Float32Array(n * 2).fill(3));
  assert.ok(!r2.valid && /one point/.test(r2.reason), JSON.stringify(r2));
  const r3 = scoreMap(ref, new Float32Array(n * 2).fill(Infinity));
  assert.ok(!r3.valid);
  const line = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) line[2 * i] = pts[3 * i]!;
  assert.ok(scoreMap(ref, line).valid);
  const r4 = scoreMap(ref, new Float32Array(n));
  assert.ok(!r4.valid && /rows/.test(r4.reason));
});
