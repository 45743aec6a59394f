import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attractionBlocks, REFINE_AUTO_MAX_CELLS, refineAffinities, refineIterations, refineLayout, twoStepAffinities, twoStepAffinitiesOnPool } from '../../src-core/embed/refine.js';
import { sparsifyRow, sparsifyWork } from '../../src-core/embed/two-step-rows.js';
import { createNodeKernelPool } from '../../src-core/compute/kernel-pool-node.js';
import { buildQuadTree, QuadTreeBuilder } from '../../src-core/embed/quadtree.js';
import { knnKdTree } from '../../src-core/graph/kdtree.js';
import { alphaDecayAffinity } from '../../src-core/graph/affinity.js';
import { knnExact } from '../../src-core/graph/knn.js';
import { initBackend } from '../../src-core/compute/backend.js';
import { csrFromTriplets, filterCsr, type Csr64 } from '../../src-core/linalg/csr.js';
import { createRng } from '../../src-core/linalg/random.js';
import { trustworthiness } from '../../src-core/quality/neighbourhood.js';

test('attraction once per pair: blocks of the upper triangle, summed in block order, give Σ_j p_ij q̃_ij (y_i − y_j)', async () => {
  const { refineForcesKernel } = await import('../../src-core/embed/refine-forces.js');
  const rng = createRng(21);
  const n = 300;
  const y = Float64Array.from({ length: 2 * n }, () => 2 * rng.normal());
  // A random symmetric P: each cell paired with 12 random others.
  const rows: number[] = [], cols: number[] = [], vals: number[] = [];
  for (let i = 0; i < n; i++)
    for (let r = 0; r < 12; r++) {
      const j = Math.floor(rng.next() * n);
      if (j === i) continue;
      const v = rng.next();
      rows.push(i, j);
      cols.push(j, i);
      vals.push(v, v);
    }
  const p = csrFromTriplets(n, Int32Array.from(rows), Int32Array.from(cols), Float64Array.from(vals));
  const exact = new Float64Array(2 * n);
  const uRows: number[] = [], uCols: number[] = [], uVals: number[] = [];
  for (let i = 0; i < n; i++)
    for (let q = p.indptr[i]!; q < p.indptr[i + 1]!; q++) {
      const j = p.indices[q]!;
      const dx = y[2 * i]! - y[2 * j]!, dy = y[2 * i + 1]! - y[2 * j + 1]!;
      const w = p.values[q]! / (1 + dx * dx + dy * dy);
      exact[2 * i]! += w * dx;
      exact[2 * i + 1]! += w * dy;
      if (j > i) (uRows.push(i), uCols.push(j), uVals.push(p.values[q]!));
    }
  const upper = csrFromTriplets(n, Int32Array.from(uRows), Int32Array.from(uCols), Float64Array.from(uVals));
  const tree = buildQuadTree(y, n);
  const blocks: [number, number][] = [[0, 70], [70, 71], [71, 300]];
  const buf = new Float64Array(blocks.length * 2 * n).fill(Number.NaN); // the kernel must zero what it sums into
  blocks.forEach(([lo, hi], b) =>
    refineForcesKernel({ y, indptr: upper.indptr, indices: upper.indices, values: upper.values, ...tree, theta2: 1, rep: new Float64Array(2 * n), zRow: new Float64Array(n), att: buf, attOffset: b * 2 * n, lo, hi, leafLo: 0, leafHi: 0 }),
  );
  const att = new Float64Array(2 * n);
  blocks.forEach(([lo], b) => {
    for (let c = 2 * lo; c < 2 * n; c++) att[c]! += buf[b * 2 * n + c]!;
  });
  for (let c = 0; c < 2 * n; c++) assert.ok(Math.abs(att[c]! - exact[c]!) <= 1e-12 * (Math.abs(exact[c]!) + 1), `entry ${c}: ${att[c]} vs ${exact[c]}`);
});

test('attraction blocks: contiguous, covering every row, with about equal numbers of upper-triangle pairs', () => {
  // Row i of an upper triangle holds its partners j > i: the first rows hold the most, as in a real P.
  const n = 50_000;
  const indptr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) indptr[i + 1] = indptr[i]! + Math.round((60 * (n - i)) / n);
  const blocks = attractionBlocks(indptr);
  assert.equal(blocks.length, 5); // 1.5·10⁶ pairs, at least 2¹⁸ a block
  assert.equal(blocks[0]![0], 0);
  assert.equal(blocks.at(-1)![1], n);
  for (let b = 1; b < blocks.length; b++) assert.equal(blocks[b]![0], blocks[b - 1]![1]);
  const pairs = blocks.map(([lo, hi]) => indptr[hi]! - indptr[lo]!);
  const mean = indptr[n]! / blocks.length;
  for (const k of pairs) assert.ok(Math.abs(k - mean) <= 60, `${pairs.join(', ')} vs ${mean}`);
  // rows-equal blocks would give the first ~9× the pairs of the last; these are within one row of equal
  assert.ok(blocks[0]![1] - blocks[0]![0] < (blocks.at(-1)![1] - blocks.at(-1)![0]) / 2);
  // few pairs: one block; no block is empty
  assert.deepEqual(attractionBlocks(Int32Array.from([0, 3, 5, 5])), [[0, 3]]);
  assert.deepEqual(attractionBlocks(new Int32Array(1)), []);
});

test('quadtree: every point in exactly one leaf; a node owns its children’s ranges; centres of mass are means', () => {
  const rng = createRng(3);
  const n = 500;
  const y = Float64Array.from({ length: 2 * n }, () => rng.normal());
  const t = buildQuadTree(y, n);
  const seen = new Int32Array(n);
  for (let v = 0; v < t.nodes; v++) {
    let sx = 0;
    for (let q = t.start[v]!; q < t.end[v]!; q++) sx += y[2 * t.order[q]!]!;
    assert.ok(Math.abs(sx / (t.end[v]! - t.start[v]!) - t.comX[v]!) < 1e-9);
    if (t.firstChild[v]! < 0) {
      for (let q = t.start[v]!; q < t.end[v]!; q++) seen[t.order[q]!]!++;
      continue;
    }
    let covered = 0;
    for (let c = 0; c < t.childCount[v]!; c++) covered += t.end[t.firstChild[v]! + c]! - t.start[t.firstChild[v]! + c]!;
    assert.equal(covered, t.end[v]! - t.start[v]!);
  }
  assert.ok(seen.every((s) => s === 1));
});

test('a reused quadtree builder (which starts from its previous order) gives the nodes a fresh one gives, as its arrays grow and n changes', () => {
  const rng = createRng(4);
  const builder = new QuadTreeBuilder();
  const layouts: [Float64Array, number][] = [];
  for (const n of [50, 3000, 3000, 800]) layouts.push([Float64Array.from({ length: 2 * n }, () => rng.normal() * (n === 800 ? 1e-6 : 1)), n]);
  // 20 tight clusters of 12 (more than a leaf holds) within 1e-9: chains of single children ~30 levels deep,
  // more nodes than 4n/3, so the arrays grow mid-build.
  const pairs = new Float64Array(2 * 240);
  for (let c = 0; c < 20; c++) {
    const cx = rng.normal(), cy = rng.normal();
    for (let k = 0; k < 12; k++) ((pairs[2 * (12 * c + k)] = cx + 1e-9 * rng.next()), (pairs[2 * (12 * c + k) + 1] = cy + 1e-9 * rng.next()));
  }
  layouts.push([pairs, 240], [pairs, 240]);
  // A layout moved a little from the previous one (as between two refinement steps), with points exactly on
  // the root's split lines, then the same layout again.
  const moved = Float64Array.from(layouts[2]![0], (v) => v + 0.01 * rng.normal());
  const side = (axis: number): [number, number] => {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < 3000; i++) (lo = Math.min(lo, moved[2 * i + axis]!)), (hi = Math.max(hi, moved[2 * i + axis]!));
    return [lo, hi];
  };
  const [[x0, x1], [y0, y1]] = [side(0), side(1)];
  const half = Math.max(x1 - x0, y1 - y0) / 2; // the root square's half side, as the builder computes it
  for (let i = 0; i < 20; i++) moved[2 * i] = x0 + half; // on the root's vertical split
  for (let i = 20; i < 40; i++) moved[2 * i + 1] = y0 + half; // on its horizontal split
  assert.deepEqual([side(0), side(1)], [[x0, x1], [y0, y1]], 'the bounds, and so the splits, are unchanged');
  layouts.splice(3, 0, [moved, 3000], [moved, 3000]);
  for (const [y, n] of layouts) {
    const reused = builder.build(y, n);
    const fresh = buildQuadTree(y, n);
    assert.equal(reused.nodes, fresh.nodes);
    if (y === pairs) assert.ok(fresh.nodes > (4 * n) / 3 + 16, `${fresh.nodes} nodes`);
    const m = fresh.nodes;
    assert.deepEqual(Array.from(reused.leaves), Array.from(fresh.leaves));
    for (const key of ['start', 'end', 'firstChild', 'childCount', 'width2'] as const)
      assert.deepEqual(Array.from(reused[key].subarray(0, m)), Array.from(fresh[key].subarray(0, m)), key);
    // Each node holds the same points; only their order within it may differ, and so the rounding of its mean.
    for (let v = 0; v < m; v++) {
      const cells = (t: typeof fresh): number[] => Array.from(t.order.subarray(t.start[v]!, t.end[v]!)).sort((a, b) => a - b);
      if (fresh.firstChild[v]! < 0 || v === 0) assert.deepEqual(cells(reused), cells(fresh), `node ${v}`);
      for (const key of ['comX', 'comY'] as const) assert.ok(Math.abs(reused[key][v]! - fresh[key][v]!) <= 1e-12 * (1 + Math.abs(fresh[key][v]!)), `${key} ${v}`);
    }
  }
});

test('Barnes–Hut per leaf: close to the exact repulsion, and the same for any split of the leaves', async () => {
  const { refineForcesKernel } = await import('../../src-core/embed/refine-forces.js');
  const rng = createRng(11);
  const n = 1500;
  // Clusters of very different spreads, one nearly a point, as refined maps have.
  const y = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = i % 5;
    const s = [0.02, 0.3, 1, 3, 0.5][c]!;
    y[2 * i] = 6 * Math.cos(c) + s * rng.normal();
    y[2 * i + 1] = 6 * Math.sin(1.7 * c) + s * rng.normal();
  }
  const ez = new Float64Array(n), ef = new Float64Array(2 * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const dx = y[2 * i]! - y[2 * j]!, dy = y[2 * i + 1]! - y[2 * j + 1]!;
      const k = 1 / (1 + dx * dx + dy * dy);
      ez[i]! += k;
      ef[2 * i]! += k * k * dx;
      ef[2 * i + 1]! += k * k * dy;
    }
  const tree = buildQuadTree(y, n);
  const none = { indptr: new Int32Array(n + 1), indices: new Int32Array(0), values: new Float64Array(0) };
  const run = (cuts: number[]) => {
    const rep = new Float64Array(2 * n), zRow = new Float64Array(n), att = new Float64Array(2 * n);
    for (let b = 0; b + 1 < cuts.length; b++) refineForcesKernel({ y, ...none, ...tree, theta2: 1, rep, zRow, att, attOffset: 0, lo: 0, hi: 0, leafLo: cuts[b]!, leafHi: cuts[b + 1]! });
    return { rep, zRow };
  };
  const L = tree.leaves.length;
  const whole = run([0, L]);
  let z = 0, ezSum = 0, num = 0, den = 0;
  for (let i = 0; i < n; i++) {
    z += whole.zRow[i]!;
    ezSum += ez[i]!;
    num += (whole.rep[2 * i]! - ef[2 * i]!) ** 2 + (whole.rep[2 * i + 1]! - ef[2 * i + 1]!) ** 2;
    den += ef[2 * i]! ** 2 + ef[2 * i + 1]! ** 2;
  }
  assert.ok(Math.abs(z - ezSum) / ezSum < 0.01, `Z relative error ${Math.abs(z - ezSum) / ezSum}`);
  assert.ok(Math.sqrt(num / den) < 0.05, `force relative RMS error ${Math.sqrt(num / den)}`);
  // θ = 0 opens every node: the walk must give the exact sums cell by cell (no self term, no lost cell),
  // also for 40 coincident cells that end in one leaf at the tree's maximum depth.
  const yc = Float64Array.from(y);
  for (let i = 0; i < 40; i++) (yc[10 * i] = 0.5), (yc[10 * i + 1] = 0.5);
  const treeC = buildQuadTree(yc, n);
  const repC = new Float64Array(2 * n), zC = new Float64Array(n);
  refineForcesKernel({ y: yc, ...none, ...treeC, theta2: 0, rep: repC, zRow: zC, att: new Float64Array(2 * n), attOffset: 0, lo: 0, hi: 0, leafLo: 0, leafHi: treeC.leaves.length });
  for (let i = 0; i < n; i++) {
    let zi = 0, fx = 0, fy = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const dx = yc[2 * i]! - yc[2 * j]!, dy = yc[2 * i + 1]! - yc[2 * j + 1]!;
      const k = 1 / (1 + dx * dx + dy * dy);
      zi += k;
      fx += k * k * dx;
      fy += k * k * dy;
    }
    assert.ok(Math.abs(zC[i]! - zi) <= 1e-11 * zi, `cell ${i}: Σ q̃ ${zC[i]} vs exact ${zi}`);
    assert.ok(Math.abs(repC[2 * i]! - fx) <= 1e-11 * (Math.abs(fx) + 1) && Math.abs(repC[2 * i + 1]! - fy) <= 1e-11 * (Math.abs(fy) + 1), `cell ${i}: force`);
  }
  const split = run([0, 1, Math.floor(L / 3), L - 2, L]);
  assert.deepEqual(split.rep, whole.rep);
  assert.deepEqual(split.zRow, whole.zRow);
  // Every cell is in exactly one leaf of the list.
  const seen = new Int32Array(n);
  for (const v of tree.leaves) for (let q = tree.start[v]!; q < tree.end[v]!; q++) seen[tree.order[q]!]!++;
  assert.ok(seen.every((c) => c === 1));
});

test('two-step affinities are symmetric, sum to 1 and reach neighbours of neighbours only', () => {
  // Path 0-1-2-3: T² links 0–2 and 1–3 (and 0–0, dropped), never 0–3.
  const rows = [0, 1, 1, 2, 2, 3];
  const cols = [1, 0, 2, 1, 3, 2];
  const w = csrFromTriplets(4, Int32Array.from(rows), Int32Array.from(cols), new Float64Array(6).fill(1));
  const p = twoStepAffinities(w);
  const dense = new Float64Array(16);
  for (let i = 0; i < 4; i++) for (let q = p.indptr[i]!; q < p.indptr[i + 1]!; q++) dense[i * 4 + p.indices[q]!] = p.values[q]!;
  let total = 0;
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) (total += dense[i * 4 + j]!), assert.ok(Math.abs(dense[i * 4 + j]! - dense[j * 4 + i]!) < 1e-15);
  assert.ok(Math.abs(total - 1) < 1e-12, `sum ${total}`);
  assert.equal(dense[0 * 4 + 3], 0);
  assert.ok(dense[0 * 4 + 2]! > 0 && dense[1 * 4 + 3]! > 0);
  // T² off the diagonal: 0→2 ½, 1→3 ¼, 2→0 ¼, 3→1 ½ (total 1.5, counted twice by symmetrising): P_02 = (½ + ¼)/3.
  assert.ok(Math.abs(dense[0 * 4 + 2]! - 0.75 / 3) < 1e-15);
});

test('two-step affinities equal the dense (T² + (T²)ᵀ) off the diagonal, normalised, with sorted rows', () => {
  // A random weighted symmetric graph with a zero-degree vertex (it gets no affinity).
  const n = 40;
  const rng = createRng(8);
  const dense = new Float64Array(n * n);
  for (let i = 1; i < n; i++)
    for (let j = 1; j < i; j++)
      if (rng.next() < 0.15) dense[i * n + j] = dense[j * n + i] = 0.1 + rng.next();
  const rows: number[] = [], cols: number[] = [], vals: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (dense[i * n + j]! > 0) rows.push(i), cols.push(j), vals.push(dense[i * n + j]!);
  const p = twoStepAffinities(csrFromTriplets(n, Int32Array.from(rows), Int32Array.from(cols), Float64Array.from(vals)));
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += dense[i * n + j]!;
    for (let j = 0; j < n; j++) t[i * n + j] = s > 0 ? dense[i * n + j]! / s : 0;
  }
  const want = new Float64Array(n * n);
  let total = 0;
  for (let i = 0; i < n; i++)
    for (let l = 0; l < n; l++) {
      if (l === i) continue;
      // Paths i → j → l with j ∉ {i, l}, as the walk's rows count them.
      let v = 0;
      for (let j = 0; j < n; j++) if (j !== i && j !== l) v += t[i * n + j]! * t[j * n + l]!;
      want[i * n + l]! += v;
      want[l * n + i]! += v;
      total += 2 * v;
    }
  let stored = 0;
  for (let i = 0; i < n; i++) {
    for (let q = p.indptr[i]!; q < p.indptr[i + 1]!; q++) {
      if (q > p.indptr[i]!) assert.ok(p.indices[q]! > p.indices[q - 1]!, `row ${i} sorted, no duplicates`);
      const l = p.indices[q]!;
      assert.ok(Math.abs(p.values[q]! - want[i * n + l]! / total) < 1e-14, `P[${i},${l}]`);
      stored++;
    }
  }
  assert.equal(stored, want.filter((v) => v > 0).length, 'exactly the non-zero pairs are stored');
  assert.equal(p.indptr[1]! - p.indptr[0]!, 0, 'the isolated vertex has no partners');
});

test('sparsifyRow keeps the k/2 largest as they are and the row mass exactly; twoStepAffinities(w, k) stays symmetric with ≤ 2k·n pairs', () => {
  const rng = createRng(4);
  const n = 300;
  const cols = new Int32Array(n);
  const vals = new Float64Array(n);
  for (let s = 0; s < 200; s++) {
    cols[s] = n - 1 - s; // row order is not index order
    vals[s] = rng.next() ** 4; // a heavy head and a long light tail, as in real rows of T²
  }
  const before = new Map(Array.from(cols.subarray(0, 200), (l, s) => [l, vals[s]!] as const));
  const mass = Array.from(vals.subarray(0, 200)).reduce((a, v) => a + v, 0);
  const top = [...before.keys()].sort((a, b) => before.get(b)! - before.get(a)!).slice(0, 8);
  const acc = new Float64Array(n);
  for (let s = 0; s < 200; s++) acc[cols[s]!] = vals[s]!;
  const { keptCols, keptVals, ...work } = sparsifyWork(n);
  const kept = sparsifyRow(cols, acc, 200, 16, { keptCols, keptVals, ...work });
  assert.ok(kept <= 16 && kept > 8, `kept ${kept}`);
  const row = Array.from(keptCols.subarray(0, kept));
  const value = (l: number): number => keptVals[row.indexOf(l)]!;
  assert.equal(new Set(row).size, kept, 'no partner twice');
  for (const l of top) assert.ok(row.includes(l) && value(l) === before.get(l), `top partner ${l} kept unchanged`);
  const keptMass = Array.from(keptVals.subarray(0, kept)).reduce((a, v) => a + v, 0);
  assert.ok(Math.abs(keptMass - mass) < 1e-12 * mass, `mass ${keptMass} vs ${mass}`);
  const step = row.filter((l) => !top.includes(l)).map(value);
  const unit = Math.min(...step);
  for (const v of step) assert.ok(Math.abs(v / unit - Math.round(v / unit)) < 1e-9, 'tail draws are whole multiples of one step');

  // A dense random graph: each T² row has ~all cells; with k = 8 each row keeps 8, so ≤ 2·8·m pairs after symmetrising.
  const m = 60;
  const r: number[] = [], c: number[] = [], v: number[] = [];
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) if (rng.next() < 0.3) (r.push(i, j), c.push(j, i), v.push(...[rng.next() + 0.1].flatMap((x) => [x, x])));
  const w = csrFromTriplets(m, Int32Array.from(r), Int32Array.from(c), Float64Array.from(v));
  const full = twoStepAffinities(w);
  const sparse = twoStepAffinities(w, 8);
  assert.ok(full.indices.length > 2 * 8 * m, 'the test graph needs sparsifying');
  assert.ok(sparse.indices.length <= 2 * 8 * m, `${sparse.indices.length} pairs`);
  let total = 0;
  for (let i = 0; i < m; i++) {
    for (let q = sparse.indptr[i]!; q < sparse.indptr[i + 1]!; q++) {
      total += sparse.values[q]!;
      const j = sparse.indices[q]!;
      let back = -1;
      for (let t = sparse.indptr[j]!; t < sparse.indptr[j + 1]!; t++) if (sparse.indices[t] === i) back = sparse.values[t]!;
      assert.ok(Math.abs(back - sparse.values[q]!) < 1e-15, 'symmetric');
    }
  }
  assert.ok(Math.abs(total - 1) < 1e-12);
});

test('refinement untangles a shuffled layout of two clusters: trustworthiness rises, and a seedless run repeats exactly', async () => {
  await initBackend('auto');
  const rng = createRng(11);
  const n = 600;
  const dim = 10;
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) for (let c = 0; c < dim; c++) x[i * dim + c] = rng.normal() + (c === 0 ? (i < n / 2 ? 8 : -8) : 0);
  const knn = await knnExact(x, n, dim, 20);
  const w = alphaDecayAffinity(knn, { k: 10, decay: 40 });
  // A blurred start: the clusters' centres right, every cell jittered over both (what a coarse extension gives).
  const start = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    start[2 * i] = (i < n / 2 ? 1 : -1) + 3 * rng.normal();
    start[2 * i + 1] = 3 * rng.normal();
  }
  const before = trustworthiness(x, dim, Float32Array.from(start), 2, 10);
  const p = twoStepAffinities(w);
  const y = await refineLayout(start, p, { iterations: 150, exaggeration: 1.5 });
  const after = trustworthiness(x, dim, y, 2, 10);
  assert.ok(after > before + 0.1 && after > 0.85, `trustworthiness ${before.toFixed(3)} → ${after.toFixed(3)}`);
  // The clusters end up apart: the two halves' centres are farther apart than either half's RMS radius.
  const centre = (a: number, b: number): [number, number] => {
    let cx = 0, cy = 0;
    for (let i = a; i < b; i++) (cx += y[2 * i]!), (cy += y[2 * i + 1]!);
    return [cx / (b - a), cy / (b - a)];
  };
  const [ax, ay] = centre(0, n / 2);
  const [bx, by] = centre(n / 2, n);
  let r = 0;
  for (let i = 0; i < n / 2; i++) r += (y[2 * i]! - ax) ** 2 + (y[2 * i + 1]! - ay) ** 2;
  assert.ok(Math.hypot(ax - bx, ay - by) > 2 * Math.sqrt(r / (n / 2)));
  assert.deepEqual(Array.from(await refineLayout(start, p, { iterations: 150, exaggeration: 1.5 })), Array.from(y));
});

test('refinement on worker threads gives bit-identical affinities and positions (several blocks of cells, 2 helpers vs this thread alone)', async () => {
  const rng = createRng(8);
  const n = 5000;
  const x = new Float32Array(n * 3);
  for (let c = 0; c < x.length; c++) x[c] = rng.normal();
  const w = alphaDecayAffinity(knnKdTree(x, n, 3, 10), { k: 5, decay: 40 });
  const p = twoStepAffinities(w, 32);
  const start = new Float64Array(2 * n);
  for (let c = 0; c < start.length; c++) start[c] = rng.normal();
  const pool = createNodeKernelPool(2);
  try {
    // The affinity build on the pool: the same matrices as on this thread.
    const same = (a: Csr64, b: Csr64): void => {
      assert.deepEqual(Array.from(a.indptr), Array.from(b.indptr));
      assert.deepEqual(Array.from(a.indices), Array.from(b.indices));
      assert.deepEqual(Array.from(a.values), Array.from(b.values));
    };
    same(await twoStepAffinitiesOnPool(w, 32, pool), p);
    same(await refineAffinities(w, x, 3, 32, pool), await refineAffinities(w, x, 3, 32));
    // Blocks of at least 2¹³ pairs here: several attraction blocks, summed in the same order on any pool.
    const upper = filterCsr(p, (i, j) => j > i);
    assert.ok(attractionBlocks(upper.indptr, 8192).length >= 4, `${upper.indices.length} pairs above the diagonal`);
    const threaded = await refineLayout(start, p, { iterations: 12, exaggeration: 1.3, pool, attractionBlockPairs: 8192 });
    const here = await refineLayout(start, p, { iterations: 12, exaggeration: 1.3, attractionBlockPairs: 8192 });
    assert.ok(threaded.every(Number.isFinite));
    assert.deepEqual(Array.from(threaded), Array.from(here));
    assert.ok(threaded.some((v, c) => Math.abs(v - start[c]!) > 1e-3), 'the cells moved');
  } finally {
    await pool.stop();
  }
});

test('automatic iterations: 100 up to 50k cells, down to 30 at 100k, 30 up to REFINE_AUTO_MAX_CELLS, none above', () => {
  assert.equal(refineIterations(10_000), 100);
  assert.equal(refineIterations(50_000), 100);
  assert.equal(refineIterations(70_000), 56);
  assert.equal(refineIterations(100_000), 30);
  assert.equal(refineIterations(REFINE_AUTO_MAX_CELLS), 30);
  assert.equal(refineIterations(REFINE_AUTO_MAX_CELLS + 1), 0);
  assert.equal(refineIterations(1_000_000), 0);
});

test('automatic ρ: 1 up to 1,000 cells, 1.3 from 3,000, rising in between; a number given is used as it is', async () => {
  const { refineExaggeration } = await import('../../src-core/embed/refine.js');
  assert.equal(refineExaggeration(240), 1);
  assert.equal(refineExaggeration(1000), 1);
  assert.equal(refineExaggeration(3000), 1.3);
  assert.equal(refineExaggeration(1_000_000), 1.3);
  let last = 1;
  for (let n = 1100; n < 3000; n += 100) {
    const rho = refineExaggeration(n);
    assert.ok(rho > last && rho < 1.3, `n = ${n}: ρ ${rho}`);
    last = rho;
  }
  const { resolveParams, refineRho } = await import('../../src-core/pipeline/params.js');
  assert.equal(refineRho(2000, resolveParams()), refineExaggeration(2000));
  assert.equal(refineRho(2000, resolveParams({ refineExaggeration: 2 })), 2);
});

test('refinement graph bandwidth: 1.5·knn by default (knn from 100k cells), a number as asked, never past the neighbours searched', async () => {
  const { resolveParams, refineBandwidth } = await import('../../src-core/pipeline/params.js');
  assert.equal(refineBandwidth(5000, resolveParams()), 15);
  assert.equal(refineBandwidth(50_000, resolveParams()), 15);
  assert.equal(refineBandwidth(70_000, resolveParams()), 13);
  assert.equal(refineBandwidth(100_000, resolveParams()), 10);
  assert.equal(refineBandwidth(200_000, resolveParams()), 10);
  assert.equal(refineBandwidth(5000, resolveParams({ knn: 5 })), 8);
  assert.equal(refineBandwidth(5000, resolveParams({ refineKnn: 12 })), 12);
  assert.equal(refineBandwidth(5000, resolveParams({ refineKnn: 50 })), 20); // the search keeps 2·knn
  assert.equal(refineBandwidth(12, resolveParams()), 11); // n − 1 neighbours exist
});

test('refine graph: the wider bandwidth keeps only edges inside the pipeline graph’s components', async () => {
  const { refineGraph, withinComponents } = await import('../../src-core/embed/refine-graph.js');
  const { connectedComponents } = await import('../../src-core/graph/components.js');
  const { inlineKernelPool } = await import('../../src-core/compute/kernel-pool.js');
  await initBackend('auto');
  // Two tight groups of 13 cells, 4 units apart: each cell's 10th neighbour is in its own group (12 others),
  // its 15th in the other, so a 15-neighbour bandwidth joins the groups and a 10-neighbour one does not.
  const rng = createRng(5);
  const n = 26;
  const dim = 3;
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) for (let c = 0; c < dim; c++) x[i * dim + c] = 0.3 * rng.normal() + (c === 0 && i >= 13 ? 4 : 0);
  const knn = await knnExact(x, n, dim, 20);
  const group = (i: number): number => (i < 13 ? 0 : 1);
  const crossEdges = (w: Csr64): number => {
    let c = 0;
    for (let i = 0; i < n; i++) for (let q = w.indptr[i]!; q < w.indptr[i + 1]!; q++) if (group(w.indices[q]!) !== group(i)) c++;
    return c;
  };
  const narrow = alphaDecayAffinity(knn, { k: 10, decay: 40 });
  assert.equal(connectedComponents(narrow).count, 2);
  const wide = alphaDecayAffinity(knn, { k: 15, decay: 40 });
  assert.ok(crossEdges(wide) > 0, 'the unrestricted wide kernel joins the groups (else this test shows nothing)');
  const g = await refineGraph(knn, narrow, 10, 15, 40, inlineKernelPool);
  assert.equal(await refineGraph(knn, narrow, 10, 10, 40, inlineKernelPool), narrow, 'the same bandwidth: the graph itself');
  assert.equal(crossEdges(g), 0);
  // Every within-group edge of the wide kernel is kept with its weight, and the result is symmetric.
  const dense = (w: Csr64): Float64Array => {
    const d = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let q = w.indptr[i]!; q < w.indptr[i + 1]!; q++) d[i * n + w.indices[q]!] = w.values[q]!;
    return d;
  };
  const dw = dense(wide), dg = dense(g);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      assert.equal(dg[i * n + j], group(i) === group(j) ? dw[i * n + j] : 0);
      assert.equal(dg[i * n + j], dg[j * n + i]);
    }
  // One component: the wide kernel as it is.
  const labels = new Int32Array(n);
  assert.deepEqual(withinComponents(wide, labels), { n, indptr: wide.indptr, indices: wide.indices, values: wide.values });
});
