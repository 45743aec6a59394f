/**
 * Separate cell populations: a neighbour graph in pieces is mapped piece by piece (own landmarks, kernel and
 * automatic t), the pieces packed without overlap, and the automatic t can no longer run away (the
 * silent-garbage maps of t = 3·10⁷). Ground truth from Swiss rolls with known geodesics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src-core/compute/backend.js';
import { installNodeEngines } from '../../src-core/compute/node-engines.js';
import { EmbeddingPipeline } from '../../src-core/pipeline/pipeline.js';
import { distanceFidelity, euclideanPairDistance } from '../../src-core/quality/distance-fidelity.js';
import { swissRoll } from '../../src-core/synthetic/swiss-roll.js';
import { createRng } from '../../src-core/linalg/random.js';

installNodeEngines();
await initBackend('auto');

/** The map's bounding circle of a set of cells: centre and radius. */
function disc(coords: Float32Array, cells: readonly number[]): { x: number; y: number; r: number } {
  let x = 0, y = 0;
  for (const i of cells) (x += coords[2 * i]!), (y += coords[2 * i + 1]!);
  x /= cells.length;
  y /= cells.length;
  let r = 0;
  for (const i of cells) r = Math.max(r, Math.hypot(coords[2 * i]! - x, coords[2 * i + 1]! - y));
  return { x, y, r };
}

/** Fidelity of one piece of the map against its own unrolled truth. */
function pieceFidelity(coords: Float32Array, unrolled: ArrayLike<number>, offset: number, n: number): number {
  const piece = coords.subarray(2 * offset, 2 * (offset + n));
  return distanceFidelity(n, euclideanPairDistance(piece, 2), euclideanPairDistance(unrolled, 2), 400_000, 3).spearman;
}

test('two well-separated Swiss rolls: two components, each mapped faithfully, neither collapsed, no overlap', async () => {
  const a = swissRoll(1500, { noise: 0.5, seed: 1 });
  const b = swissRoll(1500, { noise: 0.5, seed: 2 });
  const points = new Float32Array(3 * 3000);
  points.set(a.points, 0);
  for (let i = 0; i < 1500; i++) {
    points[3 * (1500 + i)] = b.points[3 * i]! + 500; // far beyond any neighbour distance
    points[3 * (1500 + i) + 1] = b.points[3 * i + 1]!;
    points[3 * (1500 + i) + 2] = b.points[3 * i + 2]!;
  }
  const r = await new EmbeddingPipeline(points, 3000, 3).run();
  assert.deepEqual(r.components.map((c) => c.size), [1500, 1500]);
  assert.ok(r.components.every((c) => c.t !== null && Number.isFinite(c.t) && c.t < 1e3), `t per component ${r.components.map((c) => c.t)}`);
  for (const v of r.coords) assert.ok(Number.isFinite(v));
  const fa = pieceFidelity(r.coords, a.unrolled, 0, 1500);
  const fb = pieceFidelity(r.coords, b.unrolled, 1500, 1500);
  assert.ok(fa >= 0.95 && fb >= 0.95, `Spearman per roll ${fa.toFixed(4)}, ${fb.toFixed(4)}`);
  const da = disc(r.coords, Array.from({ length: 1500 }, (_, i) => i));
  const db = disc(r.coords, Array.from({ length: 1500 }, (_, i) => 1500 + i));
  assert.ok(Math.hypot(da.x - db.x, da.y - db.y) > 0.5 * (da.r + db.r), 'the two rolls are apart');
  assert.ok(r.collapse > 0.1, `collapse ratio ${r.collapse}`);
});

test('an isolated cluster of 25 cells beside a roll: its own component, kept apart and kept together', async () => {
  const roll = swissRoll(2000, { noise: 0.5, seed: 4 });
  const rng = createRng(9);
  const n = 2025;
  const points = new Float32Array(3 * n);
  points.set(roll.points, 0);
  for (let i = 2000; i < n; i++) for (let c = 0; c < 3; c++) points[3 * i + c] = (c === 0 ? 300 : 0) + rng.normal();
  const r = await new EmbeddingPipeline(points, n, 3).run();
  assert.equal(r.components.length, 2);
  assert.deepEqual(r.components.map((c) => c.size), [2000, 25]);
  const cluster = Array.from({ length: 25 }, (_, i) => 2000 + i);
  const dc = disc(r.coords, cluster);
  const dr = disc(r.coords, Array.from({ length: 2000 }, (_, i) => i));
  // Every cluster cell's nearest map neighbour is a cluster cell, and the cluster is small beside the roll.
  for (const i of cluster) {
    let best = Infinity, bestJ = -1;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const d = Math.hypot(r.coords[2 * i]! - r.coords[2 * j]!, r.coords[2 * i + 1]! - r.coords[2 * j + 1]!);
      if (d < best) (best = d), (bestJ = j);
    }
    assert.ok(bestJ >= 2000, `cell ${i}'s nearest map neighbour ${bestJ} is in the roll`);
  }
  assert.ok(dc.r < 0.5 * dr.r, `cluster radius ${dc.r} vs roll ${dr.r}`);
  assert.ok(pieceFidelity(r.coords, roll.unrolled, 0, 2000) >= 0.95);
});

test('the automatic t of a disconnected graph stays bounded for every preset (no run-away, finite map)', async () => {
  // Four tight, far-apart blobs in 6-D: the 10-NN graph falls apart into four components.
  const rng = createRng(5);
  const n = 800;
  const points = new Float32Array(6 * n);
  for (let i = 0; i < n; i++) for (let c = 0; c < 6; c++) points[6 * i + c] = rng.normal() + (c === (i % 4) ? 100 : 0);
  const pipe = new EmbeddingPipeline(points, n, 6);
  for (const preset of ['geodesic', 'phate', 'sne'] as const) {
    const r = await pipe.run({ preset });
    assert.equal(r.components.length, 4, preset);
    assert.ok(r.components.every((c) => c.t !== null && c.t <= 1e3), `${preset}: t ${r.components.map((c) => c.t)}`);
    assert.ok(r.heat.t <= r.heat.tMax * 2, `${preset}: t ${r.heat.t} within the spectral bound ${r.heat.tMax}`);
    for (const v of r.coords) assert.ok(Number.isFinite(v), preset);
    assert.ok(r.collapse > 0.05, `${preset}: collapse ${r.collapse}`);
  }
});
