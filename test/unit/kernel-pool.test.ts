import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { inlineKernelPool, kernelPool, setKernelPool, shareable, type KernelRef } from '../../src-core/compute/kernel-pool.js';
import { createNodeKernelPool, defaultNodeKernelPool, stopDefaultKernelPool } from '../../src-core/compute/kernel-pool-node.js';
import { installEngines } from '../../src-core/compute/engines.js';
import { installNodeEngines } from '../../src-core/compute/node-engines.js';
import { threadId } from 'node:worker_threads';

const mod = new URL('../helpers/pool-kernels.js', import.meta.url).href;
const SQUARES: KernelRef = { module: mod, name: 'squaresKernel' };
const RANGE: KernelRef = { module: mod, name: 'rangeKernel' };
const FAIL: KernelRef = { module: mod, name: 'failingKernel' };
const EXIT: KernelRef = { module: mod, name: 'exitingKernel' };

const pool = createNodeKernelPool(2);
after(() => pool.stop());

test('tasks spread over helper threads write into shared memory and return results in task order', async () => {
  const n = 20_000;
  const out = pool.alloc(Float64Array, n);
  const tasks = Array.from({ length: 40 }, (_, b) => ({ out, lo: b * 500, hi: (b + 1) * 500 }));
  const results = await pool.map<(typeof tasks)[number], { thread: number; sum: number }>(SQUARES, tasks);
  for (let i = 0; i < n; i++) assert.equal(out[i], i * i);
  results.forEach((r, b) => {
    let want = 0;
    for (let i = b * 500; i < (b + 1) * 500; i++) want += i * i;
    assert.equal(r.sum, want, `task ${b}`);
  });
  const threads = new Set(results.map((r) => r.thread));
  assert.ok(threads.size >= 2, `ran on ${threads.size} thread(s)`);
  assert.equal(pool.threads, 3);
});

test('mapOnHelpers runs every task on a helper, leaves this thread free until awaited, and returns results in task order', async () => {
  await pool.map(SQUARES, [{ out: pool.alloc(Float64Array, 2), lo: 0, hi: 1 }, { out: pool.alloc(Float64Array, 2), lo: 1, hi: 2 }]); // helpers started
  const out = pool.alloc(Float64Array, 4000);
  const tasks = Array.from({ length: 8 }, (_, b) => ({ out, lo: b * 500, hi: (b + 1) * 500 }));
  const running = pool.mapOnHelpers<(typeof tasks)[number], { thread: number; sum: number }>(SQUARES, tasks);
  let mine = 0;
  for (let i = 0; i < 1000; i++) mine += i; // this thread's own work meanwhile
  const results = await running;
  assert.equal(mine, 499_500);
  for (let i = 0; i < 4000; i++) assert.equal(out[i], i * i);
  results.forEach((r, b) => {
    let want = 0;
    for (let i = b * 500; i < (b + 1) * 500; i++) want += i * i;
    assert.equal(r.sum, want, `task ${b}`);
    assert.notEqual(r.thread, threadId, `task ${b} ran on this thread`);
  });
  assert.equal(new Set(results.map((r) => r.thread)).size, 2, 'both helpers');
  await assert.rejects(pool.mapOnHelpers(FAIL, [{ message: 'boom on a helper' }]), /boom on a helper/);
  // Without helpers it is map: the same results, on this thread.
  const inline = await inlineKernelPool.mapOnHelpers<(typeof tasks)[number], { thread: number; sum: number }>(SQUARES, tasks);
  assert.deepEqual(inline.map((r) => r.sum), results.map((r) => r.sum));
  assert.ok(inline.every((r) => r.thread === threadId));
});

test('mapOnHelpers as a new pool\'s first call (nothing started yet) starts the helpers and runs its one task on one of them', async () => {
  const fresh = createNodeKernelPool(1);
  try {
    const out = fresh.alloc(Float64Array, 10);
    // One task, sent before any map: what a pipeline's early affinities are (it ran on this thread before).
    const [r] = await fresh.mapOnHelpers<{ out: Float64Array; lo: number; hi: number }, { thread: number; sum: number }>(SQUARES, [{ out, lo: 0, hi: 10 }]);
    assert.notEqual(r!.thread, threadId, 'ran on this thread');
    assert.equal(r!.sum, 285);
    assert.equal(out[9], 81);
    assert.equal(fresh.threads, 2);
  } finally {
    await fresh.stop();
  }
});

/** p, or a rejection after ms: a regression (a run waiting for ever on a stopped helper) fails the test, and its `finally` still stops the pool. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

test('a helper that stops mid-task fails the run with a clear error instead of leaving it waiting; the pool goes on without it', async () => {
  const own = createNodeKernelPool(2);
  try {
    const out = own.alloc(Float64Array, 100);
    await own.map(SQUARES, [{ out, lo: 0, hi: 50 }, { out, lo: 50, hi: 100 }]); // helpers started
    assert.equal(own.threads, 3);
    await assert.rejects(within(own.mapOnHelpers(EXIT, [{ code: 3 }]), 30_000), /a helper thread stopped \(exit code 3\)/);
    assert.equal(own.threads, 2, 'the stopped helper left the pool');
    out.fill(0);
    const results = await own.map<{ out: Float64Array; lo: number; hi: number }, { thread: number; sum: number }>(SQUARES, Array.from({ length: 10 }, (_, b) => ({ out, lo: 10 * b, hi: 10 * b + 10 })));
    for (let i = 0; i < 100; i++) assert.equal(out[i], i * i);
    assert.equal(results.length, 10);
    // The last helper too: the pool then runs on this thread alone.
    await assert.rejects(within(own.mapOnHelpers(EXIT, [{ code: 4 }]), 30_000), /a helper thread stopped \(exit code 4\)/);
    assert.equal(own.threads, 1);
    out.fill(0);
    const inline = await own.map<{ out: Float64Array; lo: number; hi: number }, { thread: number; sum: number }>(SQUARES, [{ out, lo: 0, hi: 50 }, { out, lo: 50, hi: 100 }]);
    assert.ok(inline.every((r) => r.thread === threadId));
    assert.equal(out[99], 99 * 99);
  } finally {
    await own.stop();
  }
});

test('returned arrays come back whole and in order (inline pool gives the same)', async () => {
  const tasks = Array.from({ length: 9 }, (_, b) => ({ from: b * 1000, length: 1000 }));
  const a = await pool.map<(typeof tasks)[number], Int32Array>(RANGE, tasks);
  const b = await inlineKernelPool.map<(typeof tasks)[number], Int32Array>(RANGE, tasks);
  assert.deepEqual(a.map((x) => Array.from(x)), b.map((x) => Array.from(x)));
  assert.equal(a[8]![999], 8999);
});

test('a kernel that throws rejects the run with its message', async () => {
  await assert.rejects(pool.map(FAIL, [{ message: 'boom 1' }, { message: 'boom 2' }, { message: 'boom 3' }]), /boom/);
  // The pool still works afterwards.
  const out = pool.alloc(Float64Array, 10);
  await pool.map(SQUARES, [{ out, lo: 0, hi: 5 }, { out, lo: 5, hi: 10 }]);
  assert.equal(out[9], 81);
});

test('shareable copies plain arrays into shared memory and leaves shared ones alone', () => {
  const plain = Float32Array.from([1, 2, 3]);
  const s = shareable(pool, plain);
  assert.notEqual(s, plain);
  assert.ok(s.buffer instanceof SharedArrayBuffer);
  assert.deepEqual(Array.from(s), [1, 2, 3]);
  assert.equal(shareable(pool, s), s);
  assert.equal(shareable(inlineKernelPool, plain), plain);
});

test('the core runs kernels inline until a host lends a pool; installNodeEngines lends worker threads; setKernelPool overrides', async () => {
  installEngines({ kernelPool: undefined });
  assert.equal(await kernelPool(), inlineKernelPool, 'no host pool: inline');
  installNodeEngines();
  assert.equal(await kernelPool(), defaultNodeKernelPool(), 'Node host: its worker-thread pool');
  setKernelPool(pool);
  assert.equal(await kernelPool(), pool);
  setKernelPool(null);
  assert.equal(await kernelPool(), defaultNodeKernelPool());
  await stopDefaultKernelPool();
});
