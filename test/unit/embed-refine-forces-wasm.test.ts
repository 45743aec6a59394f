import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refineLayout } from '../../src-core/embed/refine.js';
import { refineForcesKernel, type RefineForcesTask } from '../../src-core/embed/refine-forces.js';
import { CHUNK, forceArena, forcesEngine, setRefineForcesVariant, setRefineForcesWasm, takeEngineCount } from '../../src-core/embed/refine-forces-wasm.js';
import { buildQuadTree } from '../../src-core/embed/quadtree.js';
import { createNodeKernelPool } from '../../src-core/compute/kernel-pool-node.js';
import { csrFromTriplets, filterCsr, type Csr64 } from '../../src-core/linalg/csr.js';
import { createRng } from '../../src-core/linalg/random.js';

/**
 * Float64 arrays equal bit for bit (−0 is not 0), except that any NaN equals any NaN: neither JavaScript
 * nor WebAssembly specifies the sign and payload of a NaN an operation makes, and they do not change
 * any later result (every operation on a NaN gives NaN, every comparison false).
 */
function assertSameBits(a: Float64Array, b: Float64Array, what: string): void {
  assert.equal(a.length, b.length, what);
  const ua = new BigUint64Array(a.buffer, a.byteOffset, a.length), ub = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  for (let k = 0; k < a.length; k++) if (ua[k] !== ub[k] && !(Number.isNaN(a[k]) && Number.isNaN(b[k]))) assert.fail(`${what}: entry ${k} ${a[k]} ≠ ${b[k]}`);
}

/**
 * Positions: Gaussian clusters of different spreads, `dupes` copies of one point (a leaf at the quadtree's
 * maximum depth: more than CHUNK of them makes the near list and the leaf's cells outgrow a slot), a few
 * far outliers.
 */
function positions(n: number, dupes: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const y = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = i % 5;
    const spread = [0.05, 0.5, 2, 0.01, 1][c]!;
    y[2 * i] = 10 * Math.cos(c) + spread * rng.normal();
    y[2 * i + 1] = 10 * Math.sin(c) + spread * rng.normal();
  }
  for (let i = 0; i < dupes; i++) {
    y[2 * i] = 3.25;
    y[2 * i + 1] = -1.5;
  }
  for (let i = dupes; i < dupes + 3 && i < n; i++) y[2 * i] = 400 + 100 * i;
  return y;
}

/** A random symmetric P, `k` random partners per cell (duplicates summed). */
function randomP(n: number, k: number, seed: number): Csr64 {
  const rng = createRng(seed);
  const rows: number[] = [], cols: number[] = [], vals: number[] = [];
  for (let i = 0; i < n; i++)
    for (let r = 0; r < k; r++) {
      const j = Math.floor(rng.next() * n);
      if (j === i) continue;
      const v = rng.next() / n;
      rows.push(i, j);
      cols.push(j, i);
      vals.push(v, v);
    }
  return csrFromTriplets(n, Int32Array.from(rows), Int32Array.from(cols), Float64Array.from(vals));
}

interface Block {
  readonly lo: number;
  readonly hi: number;
  readonly leafLo: number;
  readonly leafHi: number;
}

/**
 * The forces of `blocks` (attraction buffer b·2n for block b): in plain arrays (JavaScript), or in an arena
 * with the quadtree outside it (WebAssembly sums after a JavaScript walk) or inside (WebAssembly walk too).
 */
function forces(y0: Float64Array, p: Csr64, theta: number, blocks: (leaves: number) => Block[], mode: 'js' | 'sums' | 'walk'): { rep: Float64Array; zRow: Float64Array; att: Float64Array } {
  const n = p.n;
  const upper0 = filterCsr(p, (i, j) => j > i);
  const m = upper0.indices.length;
  const tree = buildQuadTree(y0, n);
  const bs = blocks(tree.leaves.length);
  const c = tree.nodes;
  const wasm = mode !== 'js';
  const treeBytes = mode === 'walk' ? [4 * n, 4 * n, 4 * c, 4 * c, 4 * c, c, 8 * c, 8 * c, 8 * c] : [];
  const arena = wasm ? forceArena(1, [16 * n, 16 * n, 8 * n, 4 * (n + 1), 4 * m, 8 * m, 16 * n * bs.length, ...treeBytes], false) : null;
  if (wasm) assert.ok(arena, 'Node runs WebAssembly');
  const f64 = (l: number): Float64Array => (arena ? arena.alloc(Float64Array, l) : new Float64Array(l));
  const i32 = (l: number): Int32Array => (arena ? arena.alloc(Int32Array, l) : new Int32Array(l));
  const y = f64(2 * n), rep = f64(2 * n), zRow = f64(n);
  const indptr = i32(n + 1), indices = i32(m), values = f64(m);
  const att = f64(2 * n * bs.length);
  y.set(y0);
  indptr.set(upper0.indptr);
  indices.set(upper0.indices);
  values.set(upper0.values);
  const { nodes: _nodes, ...t } = tree;
  if (mode === 'walk') {
    const u8 = (l: number): Uint8Array => arena!.alloc(Uint8Array, l);
    for (const [k, a] of [['order', i32(n)], ['leaves', i32(t.leaves.length)], ['start', i32(c)], ['end', i32(c)], ['firstChild', i32(c)], ['childCount', u8(c)], ['comX', f64(c)], ['comY', f64(c)], ['width2', f64(c)]] as const) {
      a.set(t[k].subarray(0, a.length));
      (t as Record<string, unknown>)[k] = a;
    }
  }
  for (const [b, { lo, hi, leafLo, leafHi }] of bs.entries()) {
    const task: RefineForcesTask = { y, indptr, indices, values, theta2: theta * theta, lo, hi, att, attOffset: b * 2 * n, leafLo, leafHi, rep, zRow, ...t, memory: arena?.memory ?? null };
    refineForcesKernel(task);
  }
  return { rep, zRow, att };
}

const single = (leaves: number): Block[] => [{ lo: 0, hi: 0, leafLo: 0, leafHi: 0 }, { lo: 0, hi: 1e9, leafLo: 0, leafHi: leaves }].map((b) => ({ ...b, hi: Math.min(b.hi, N) }));
const multi = (leaves: number): Block[] => [
  { lo: 0, hi: 517, leafLo: 0, leafHi: 0 },
  { lo: 517, hi: 518, leafLo: 0, leafHi: Math.floor(leaves / 3) },
  { lo: 518, hi: 4000, leafLo: Math.floor(leaves / 3), leafHi: Math.floor(leaves / 3) + 1 },
  { lo: 4000, hi: 4000, leafLo: Math.floor(leaves / 3) + 1, leafHi: leaves - 5 },
  { lo: 4000, hi: N, leafLo: leaves - 5, leafHi: leaves },
];
const N = 6000;

test('WebAssembly forces equal the JavaScript ones bit for bit: clusters, duplicates, a leaf at maximum depth, single and multi-block tasks', () => {
  const p = randomP(N, 20, 3);
  let checked = 0;
  for (const variant of ['simd', 'scalar'] as const)
    for (const [dupes, theta, bad] of [[0, 1, false], [30, 0.5, false], [CHUNK + 300, 1, false], [10, 1, true]] as const) {
      setRefineForcesVariant(variant);
      try {
        const y = positions(N, dupes, 11 + dupes);
        // A diverged layout: NaN and infinite coordinates must give the same bits too.
        if (bad) [y[100], y[203], y[305]] = [NaN, Infinity, -Infinity];
        const tree = buildQuadTree(y, N);
        const biggest = Math.max(...Array.from(tree.leaves, (l) => tree.end[l]! - tree.start[l]!));
        if (dupes) assert.ok(biggest >= dupes, `a leaf at the maximum depth holds the ${dupes} duplicates (${biggest})`);
        for (const [name, blocks] of [['single', single], ['multi', multi]] as const) {
          const what = `${variant}, ${dupes} duplicates, θ ${theta}${bad ? ', NaN and ±∞' : ''}, ${name}`;
          const js = forces(y, p, theta, blocks, 'js');
          assert.ok(js.zRow.every((z) => z > 0 || (bad && Number.isNaN(z))) && js.att.some((a) => a !== 0), `${what}: forces computed`);
          for (const mode of ['sums', 'walk'] as const) {
            const wa = forces(y, p, theta, blocks, mode);
            assertSameBits(wa.rep, js.rep, `${what}, ${mode}: repulsion`);
            assertSameBits(wa.zRow, js.zRow, `${what}, ${mode}: Σ q̃`);
            assertSameBits(wa.att, js.att, `${what}, ${mode}: attraction buffers`);
            checked++;
          }
        }
      } finally {
        setRefineForcesVariant(null);
      }
    }
  assert.equal(checked, 32);
});

/** The far list's length for `leaf` as the walk builds it (refine-forces.ts): nodes first seen far enough. */
function farListLength(tree: ReturnType<typeof buildQuadTree>, y: Float64Array, leaf: number, theta: number): number {
  const s = tree.start[leaf]!, e = tree.end[leaf]!;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let q = s; q < e; q++) {
    const i = tree.order[q]!;
    [minX, maxX, minY, maxY] = [Math.min(minX, y[2 * i]!), Math.max(maxX, y[2 * i]!), Math.min(minY, y[2 * i + 1]!), Math.max(maxY, y[2 * i + 1]!)];
  }
  let far = 0;
  const stack = [0];
  while (stack.length) {
    const v = stack.pop()!;
    if (v !== leaf && !(tree.start[v]! <= s && e <= tree.end[v]!)) {
      const cx = tree.comX[v]!, cy = tree.comY[v]!;
      const dx = cx < minX ? minX - cx : cx > maxX ? cx - maxX : 0, dy = cy < minY ? minY - cy : cy > maxY ? cy - maxY : 0;
      if (tree.width2[v]! < theta * theta * (dx * dx + dy * dy)) {
        far++;
        continue;
      }
    }
    for (let c = 0; c < tree.childCount[v]!; c++) stack.push(tree.firstChild[v]! + c);
  }
  return far;
}

test('WebAssembly forces equal the JavaScript ones when a leaf\'s far list outgrows a slot (small θ, many cells)', () => {
  const n = 40_000;
  const rng = createRng(17);
  const y = Float64Array.from({ length: 2 * n }, () => 100 * rng.next());
  const p = randomP(n, 2, 5);
  const tree = buildQuadTree(y, n);
  const theta = 0.03;
  const leaves = [0, 1, 2, Math.floor(tree.leaves.length / 2), tree.leaves.length - 1];
  const longest = Math.max(...leaves.map((l) => farListLength(tree, y, tree.leaves[l]!, theta)));
  assert.ok(longest > CHUNK, `the longest far list (${longest}) outgrows a slot (${CHUNK})`);
  // Repulsion only, for those leaves (the walk from every leaf at this θ would take long).
  const blocks = (): Block[] => leaves.map((l) => ({ lo: 0, hi: 0, leafLo: l, leafHi: l + 1 }));
  for (const variant of ['simd', 'scalar'] as const) {
    setRefineForcesVariant(variant);
    try {
      const js = forces(y, p, theta, blocks, 'js');
      assert.ok(js.zRow.some((z) => z > 0), 'repulsion computed');
      for (const mode of ['sums', 'walk'] as const) {
        const wa = forces(y, p, theta, blocks, mode);
        assertSameBits(wa.rep, js.rep, `${variant}, ${mode}: repulsion`);
        assertSameBits(wa.zRow, js.zRow, `${variant}, ${mode}: Σ q̃`);
      }
    } finally {
      setRefineForcesVariant(null);
    }
  }
});

test('both WebAssembly variants validate in Node, and an arena hands out one slot per thread', () => {
  for (const variant of ['simd', 'scalar'] as const) {
    setRefineForcesVariant(variant);
    try {
      const arena = forceArena(2, [64], true);
      assert.ok(arena, variant);
      const a = forcesEngine(arena.memory), b = forcesEngine(arena.memory);
      assert.ok(a && b);
      assert.equal(forcesEngine(arena.memory), null, 'a third concurrent task runs JavaScript');
      a.release();
      const c = forcesEngine(arena.memory);
      assert.ok(c, 'a released slot is claimed again');
      b.release();
      c.release();
    } finally {
      setRefineForcesVariant(null);
    }
  }
});

/**
 * 5,000 cells in five clusters (cell i in cluster i mod 5) with duplicates, each paired with the cells
 * 5, 10, 15, 20 places on (the same cluster): enough cells for several tasks per step on two threads.
 */
function layoutProblem(): { init: Float32Array; p: Csr64 } {
  const n = 5000;
  const y = positions(n, 40, 5);
  const rows: number[] = [], cols: number[] = [], vals: number[] = [];
  const rng = createRng(8);
  for (let i = 0; i < n; i++)
    for (let k = 1; k <= 4; k++) {
      const j = (i + 5 * k) % n;
      const v = (1 + rng.next()) / (8 * n);
      rows.push(i, j);
      cols.push(j, i);
      vals.push(v, v);
    }
  const init = Float32Array.from(y, (v, c) => v + 0.3 * Math.sin(c));
  return { init, p: csrFromTriplets(n, Int32Array.from(rows), Int32Array.from(cols), Float64Array.from(vals)) };
}

test('refineLayout gives the same map with the WebAssembly forces on or off, SIMD or scalar, inline or on a 2-thread pool', async () => {
  const { init, p } = layoutProblem();
  const opts = { iterations: 30, exaggeration: 1.3, attractionBlockPairs: 8192 }; // several attraction blocks on 5,000 cells
  const same = (a: Float32Array, b: Float32Array, what: string): void => assert.ok(Buffer.from(a.buffer).equals(Buffer.from(b.buffer)), what);
  takeEngineCount();
  const wasmMap = await refineLayout(init, p, opts);
  assert.ok(takeEngineCount() > 0, 'the forces ran in WebAssembly');
  setRefineForcesWasm(false);
  let jsMap: Float32Array;
  try {
    jsMap = await refineLayout(init, p, opts);
  } finally {
    setRefineForcesWasm(true);
  }
  assert.equal(takeEngineCount(), 0, 'switched off: the JavaScript ran');
  assert.ok(wasmMap.some((v, c) => Math.abs(v - init[c]!) > 1e-3), 'the layout moved');
  same(wasmMap, jsMap, 'WebAssembly vs JavaScript');
  setRefineForcesVariant('scalar');
  try {
    same(await refineLayout(init, p, opts), jsMap, 'scalar WebAssembly vs JavaScript');
  } finally {
    setRefineForcesVariant(null);
  }
  const pool = createNodeKernelPool(1);
  assert.equal(pool.threads, 2);
  same(await refineLayout(init, p, { ...opts, pool }), jsMap, '2-thread pool (shared memory) vs inline JavaScript');
  // This thread runs some of the pool's tasks: on the shared memory, in WebAssembly.
  assert.ok(takeEngineCount() > 0, 'the pool\'s tasks on this thread ran in WebAssembly');
});
