import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, matMul } from '../../src-core/compute/backend.js';
import { cpuPoolSize, parallelMatMul, stopCpuPool, stopOneCpuHelperForTests } from '../../src-core/compute/cpu-pool.js';
import { createRng } from '../../src-core/linalg/random.js';
import { installNodeEngines } from '../../src-core/compute/node-engines.js';

// As a Node host does: lend the core its helper threads and WebGPU (src-core/compute/engines.ts).
installNodeEngines();

await initBackend('wasm');
after(() => stopCpuPool());

function random(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.next() - 0.25);
}

function singleThreaded(a: Float32Array, b: Float32Array, r: number, k: number, c: number, alpha: number): Float32Array {
  return tf.tidy(() => tf.mul(tf.matMul(tf.tensor2d(a, [r, k]), tf.tensor2d(b, [k, c])), tf.scalar(alpha)).dataSync() as Float32Array);
}

test('a product split over helper threads equals the single-threaded product row for row', async () => {
  const [r, k, c] = [301, 400, 250]; // 3e7 multiply-adds: above the split threshold; r not divisible
  const a = random(r * k, 1);
  const b = random(k * c, 2);
  const expected = singleThreaded(a, b, r, k, c, 0.5);
  let localRows = 0;
  const split = await parallelMatMul(a, b, r, k, c, 0.5, async (rowsA, rows) => {
    localRows = rows;
    return singleThreaded(rowsA, b, rows, k, c, 0.5);
  });
  if (cpuPoolSize() === 1) {
    assert.equal(split, null, 'one core: no helpers, the caller computes');
    return;
  }
  assert.ok(split, 'split over helpers');
  assert.ok(localRows > 0 && localRows < r, `this thread took ${localRows} of ${r} rows`);
  let maxDiff = 0;
  for (let i = 0; i < r * c; i++) maxDiff = Math.max(maxDiff, Math.abs(split[i]! - expected[i]!));
  assert.ok(maxDiff <= 1e-5, `max difference ${maxDiff}`);
  // And through the engine's matMul (which uses the pool on wasm).
  const viaEngine = await matMul(a, b, r, k, c, 0.5);
  for (let i = 0; i < r * c; i += 997) assert.ok(Math.abs(viaEngine[i]! - expected[i]!) <= 1e-5);
});

test('small products and ISOTHERM_THREADS=1 are left to the caller', async () => {
  assert.equal(await parallelMatMul(new Float32Array(4), new Float32Array(4), 2, 2, 2, 1, async () => new Float32Array(4)), null);
  await stopCpuPool();
  const saved = process.env['ISOTHERM_THREADS'];
  process.env['ISOTHERM_THREADS'] = '1';
  try {
    const [r, k, c] = [300, 300, 300];
    assert.equal(await parallelMatMul(random(r * k, 3), random(k * c, 4), r, k, c, 1, async () => new Float32Array(r * c)), null);
    assert.equal(cpuPoolSize(), 1);
  } finally {
    if (saved === undefined) delete process.env['ISOTHERM_THREADS'];
    else process.env['ISOTHERM_THREADS'] = saved;
    await stopCpuPool();
  }
});

test('a helper that has stopped fails no product: the pool switches off and the caller computes it (it used to wait for ever)', async () => {
  const [r, k, c] = [301, 400, 250];
  const a = random(r * k, 5);
  const b = random(k * c, 6);
  const local = async (rowsA: Float32Array, rows: number): Promise<Float32Array> => singleThreaded(rowsA, b, rows, k, c, 1);
  const first = await parallelMatMul(a, b, r, k, c, 1, local);
  if (cpuPoolSize() === 1 || first === null) return; // one core: no helpers to stop
  assert.ok(await stopOneCpuHelperForTests());
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('still waiting after 30 s')), 30_000)));
  try {
    assert.equal(await Promise.race([parallelMatMul(a, b, r, k, c, 1, local), late]), null, 'switched off: the caller computes the product');
  } finally {
    clearTimeout(timer);
  }
  assert.equal(cpuPoolSize(), 1);
  await stopCpuPool();
});
