import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { serialRunner } from '../../src-core/compute/chunk-runner.js';
import { hostEngines } from '../../src-core/compute/engines.js';
import { installNodeEngines } from '../../src-core/compute/node-engines.js';
import { csrPoolRunner, csrPoolThreads, stopCsrPool, waitForCsrPool } from '../../src-core/compute/csr-pool.js';
import { gramBlockStarts } from '../../src-core/linalg/gram.js';
import { createRng } from '../../src-core/linalg/random.js';

after(() => stopCsrPool());

function randomCsr(n: number, p: number, density: number, seed: number) {
  const rng = createRng(seed);
  const indptr = new Int32Array(n + 1);
  const indices: number[] = [];
  const data: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) if (rng.next() < density) {
      indices.push(j);
      data.push(rng.next() * 3);
    }
    indptr[i + 1] = indices.length;
  }
  return { indptr, indices: Int32Array.from(indices), data: Float32Array.from(data) };
}

test('chunks on helper threads give the same bits as on this thread', () => {
  const runner = csrPoolRunner(2);
  assert.equal(runner.threads, 2, 'a helper thread started');
  assert.ok(waitForCsrPool(20_000), 'the helper is listening');
  const [n, p] = [3000, 150];
  const x = randomCsr(n, p, 0.1, 1);
  const starts = gramBlockStarts(p, p, 600); // 4 rows per block: 38 chunks
  const nChunks = starts.length - 1;
  const serial = new Float64Array(p * p);
  serialRunner.run('gram-csr', { ...x, nRows: n, width: p, starts, out: serial }, nChunks);
  const shared = runner.allocate(p * p);
  let mine = 0;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  // This thread dawdles after each of its chunks, so the helper surely takes some.
  runner.run('gram-csr', { indptr: runner.share(x.indptr), indices: runner.share(x.indices), data: runner.share(x.data), nRows: n, width: p, starts, out: shared }, nChunks, () => {
    mine++;
    Atomics.wait(pause, 0, 0, 20);
  });
  assert.ok(shared.buffer instanceof SharedArrayBuffer);
  assert.deepEqual(Float64Array.from(shared), serial);
  assert.ok(mine >= 1 && mine < nChunks, `this thread computed ${mine} of ${nChunks} chunks`);
  // share() copies ordinary arrays once and passes shared ones through.
  const s = runner.share(x.indices);
  assert.ok(s.buffer instanceof SharedArrayBuffer);
  assert.equal(runner.share(s), s);
  assert.equal(serialRunner.share(x.indices), x.indices);
});

test('an exception from afterChunk stops the job and reaches the caller; the pool still works after', () => {
  const runner = csrPoolRunner(2);
  const d = 64;
  const g = runner.allocate(d * d);
  for (let i = 0; i < d; i++) g[i * d + i] = i + 1;
  const v = runner.allocate(d);
  v.fill(1);
  const out = runner.allocate(d);
  const starts = Int32Array.from({ length: d + 1 }, (_, i) => i);
  assert.throws(
    () => runner.run('sym-times', { g, d, v, count: 1, starts, out }, d, () => { throw new Error('stop'); }),
    /stop/,
  );
  out.fill(0);
  runner.run('sym-times', { g, d, v, count: 1, starts, out }, d);
  assert.deepEqual(Array.from(out), Array.from({ length: d }, (_, i) => i + 1));
});

test('ISOTHERM_THREADS sets the thread count; 1 means this thread only', () => {
  const saved = process.env['ISOTHERM_THREADS'];
  try {
    process.env['ISOTHERM_THREADS'] = '1';
    assert.equal(csrPoolThreads(), 1);
    assert.equal(csrPoolRunner(), serialRunner);
    process.env['ISOTHERM_THREADS'] = '3';
    assert.equal(csrPoolThreads(), 3);
  } finally {
    if (saved === undefined) delete process.env['ISOTHERM_THREADS'];
    else process.env['ISOTHERM_THREADS'] = saved;
  }
});

test('Node hosts lend the pool to the core through installNodeEngines (the core imports no Node module)', () => {
  installNodeEngines();
  const pool = hostEngines().chunkPool;
  assert.ok(pool, 'a chunk pool is installed');
  assert.equal(pool.threads(), csrPoolThreads());
  const runner = pool.runner(2);
  assert.equal(runner.threads, 2);
  assert.notEqual(runner, serialRunner);
  assert.equal(pool.runner(1), serialRunner);
});
