import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src-core/compute/backend.js';
import { classicalMds } from '../../src-core/embed/classical-mds.js';
import { smacof } from '../../src-core/embed/smacof.js';
import { sgdStress } from '../../src-core/embed/sgd-mds.js';
import { kneeOfEntropy } from '../../src-core/heat/auto-time.js';
import { heatGeodesicDistances } from '../../src-core/embed/dissimilarity.js';
import { createRng } from '../../src-core/linalg/random.js';
import { installNodeEngines } from '../../src-core/compute/node-engines.js';

// As a Node host does: lend the core its helper threads and WebGPU (src-core/compute/engines.ts).
installNodeEngines();

function config(m: number, seed: number): { xy: Float64Array; dist: Float64Array } {
  const rng = createRng(seed);
  const xy = new Float64Array(m * 2);
  for (let i = 0; i < m * 2; i++) xy[i] = rng.normal() * (i % 2 ? 1 : 3);
  const dist = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) dist[i * m + j] = Math.hypot(xy[2 * i]! - xy[2 * j]!, xy[2 * i + 1]! - xy[2 * j + 1]!);
  return { xy, dist };
}

function maxDistanceError(y: Float64Array, dist: Float64Array, m: number): number {
  let e = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) e = Math.max(e, Math.abs(Math.hypot(y[2 * i]! - y[2 * j]!, y[2 * i + 1]! - y[2 * j + 1]!) - dist[i * m + j]!));
  return e;
}

test('classical MDS recovers a planar configuration from its distances (up to rigid motion)', async () => {
  await initBackend('auto');
  const m = 120;
  const { dist } = config(m, 5);
  const y = await classicalMds(dist, m, 2, 0);
  assert.ok(maxDistanceError(y, dist, m) < 1e-3, `max error ${maxDistanceError(y, dist, m)}`);
  const again = await classicalMds(dist, m, 2, 0);
  assert.deepEqual(Array.from(again), Array.from(y), 'deterministic');
});

test('SMACOF never increases stress and reaches ~0 on Euclidean distances from a perturbed start', () => {
  const m = 80;
  const { xy, dist } = config(m, 9);
  const rng = createRng(1);
  const start = Float64Array.from(xy, (v) => v + 0.5 * rng.normal());
  const short = smacof(dist, m, start, 2, 5, 0);
  const long = smacof(dist, m, start, 2, 300, 1e-9);
  assert.ok(long.stress <= short.stress + 1e-12);
  assert.ok(long.stress < 1e-3, `stress ${long.stress}`);
});

test('weighted SGD stress fits the heavily weighted (local) pairs', () => {
  const m = 60;
  const { xy, dist } = config(m, 2);
  const w = new Float64Array(m * m);
  for (let i = 0; i < m * m; i++) w[i] = dist[i]! < 1.5 ? 1 : 1e-3;
  const rng = createRng(4);
  const init = Float64Array.from(xy, () => rng.normal());
  const y = sgdStress(dist, w, m, init, 60, 3);
  let err = 0;
  let count = 0;
  for (let i = 0; i < m; i++)
    for (let j = i + 1; j < m; j++)
      if (w[i * m + j] === 1) {
        err += Math.abs(Math.hypot(y[2 * i]! - y[2 * j]!, y[2 * i + 1]! - y[2 * j + 1]!) - dist[i * m + j]!);
        count++;
      }
  assert.ok(count > 10);
  assert.ok(err / count < 0.1, `mean local error ${err / count}`);
});

test('Varadhan + Harnack: a Gaussian heat kernel gives back Euclidean distance exactly when σ = 1', () => {
  // h_t(x,y) = (4πt)^{-1} exp(-|x-y|²/4t) in 2-D: the volume term cancels the prefactor.
  const m = 30;
  const { dist } = config(m, 7);
  const t = 3;
  const h = new Float64Array(m * m);
  for (let i = 0; i < m * m; i++) h[i] = Math.exp(-(dist[i]! ** 2) / (4 * t)) / (4 * Math.PI * t);
  const r = heatGeodesicDistances(h, m, t, 1, 1e-300);
  for (let i = 0; i < m * m; i++) assert.ok(Math.abs(r.distances[i]! - dist[i]!) < 1e-9);
  const r0 = heatGeodesicDistances(h, m, t, 0, 1e-300);
  assert.ok(r0.distances[1]! > dist[1]!, 'σ = 0 keeps the volume bias');
});

test('knee of a sigmoidal entropy curve lies in its concave bend', () => {
  const curve = Array.from({ length: 16 }, (_, s) => {
    const x = s - 6;
    return { t: 2 ** s, entropy: 7 / (1 + Math.exp(-0.6 * x)) };
  });
  const knee = kneeOfEntropy(curve, 7);
  assert.ok(knee.index > 6 && knee.index < 12, `knee at ${knee.index}`);
});
