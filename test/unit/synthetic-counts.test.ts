import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src-core/linalg/random.js';
import { gamma, gammaPoisson, logGamma, poisson } from '../../src-core/synthetic/distributions.js';
import { makeTree, treeGeodesic } from '../../src-core/synthetic/count-tree.js';
import { expressionShares } from '../../src-core/synthetic/gene-program.js';
import { countSimOptions, expectedCounts, NOISE_LEVEL_OPTIONS, simulateCounts, truthExpression, truthGeodesic } from '../../src-core/synthetic/counts.js';
import type { CsrMatrix } from '../../src-core/io/dataset.js';

function moments(xs: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  const mean = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i]! - mean) ** 2;
  return { mean, variance: v / (xs.length - 1) };
}

const within = (actual: number, expected: number, rel: number, what: string): void => {
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${what}: ${actual} vs ${expected} (tolerance ${rel * 100}%)`);
};

test('gamma variates have mean shape·scale and variance shape·scale² (shape < 1 and ≥ 1)', () => {
  const rng = createRng(3);
  for (const [shape, scale] of [
    [0.6, 1 / 0.3],
    [6.25, 0.8],
  ] as const) {
    const xs = Float64Array.from({ length: 200_000 }, () => gamma(rng, shape, scale));
    const m = moments(xs);
    within(m.mean, shape * scale, 0.015, `gamma(${shape}) mean`);
    within(m.variance, shape * scale * scale, 0.04, `gamma(${shape}) variance`);
  }
});

test('Poisson variates: mean = variance = λ and the exact pmf, by inversion (λ = 3) and by PTRS (λ = 30)', () => {
  const rng = createRng(4);
  for (const lambda of [3, 30]) {
    const N = 200_000;
    const xs = Int32Array.from({ length: N }, () => poisson(rng, lambda));
    const m = moments(xs);
    within(m.mean, lambda, 0.01, `poisson(${lambda}) mean`);
    within(m.variance, lambda, 0.03, `poisson(${lambda}) variance`);
    // Empirical pmf against e^{-λ} λ^k / k! at every k with non-negligible mass.
    const counts = new Map<number, number>();
    for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
    for (let k = 0; k <= 3 * lambda; k++) {
      const p = Math.exp(-lambda + k * Math.log(lambda) - logGamma(k + 1));
      const se = Math.sqrt((p * (1 - p)) / N);
      assert.ok(Math.abs((counts.get(k) ?? 0) / N - p) < 5 * se + 1e-4, `poisson(${lambda}) P(${k}) = ${(counts.get(k) ?? 0) / N} vs ${p}`);
    }
  }
});

test('gamma-Poisson counts follow var = μ + BCV²μ² (negative binomial) on a large sample', () => {
  const rng = createRng(5);
  for (const [mu, bcv] of [
    [0.5, 0.4],
    [5, 0.4],
    [50, 0.5],
  ] as const) {
    const xs = Int32Array.from({ length: 200_000 }, () => gammaPoisson(rng, mu, bcv));
    const m = moments(xs);
    within(m.mean, mu, 0.015, `NB(μ=${mu}) mean`);
    within(m.variance, mu + bcv * bcv * mu * mu, 0.04, `NB(μ=${mu}, BCV=${bcv}) variance`);
  }
});

test('logGamma matches ln((k-1)!) and Γ(1/2) = √π', () => {
  let f = 0;
  for (let k = 1; k < 60; k++) {
    if (k > 1) f += Math.log(k - 1);
    assert.ok(Math.abs(logGamma(k) - f) < 1e-10 * Math.max(1, f), `lnΓ(${k})`);
  }
  assert.ok(Math.abs(logGamma(0.5) - 0.5 * Math.log(Math.PI)) < 1e-12);
});

test('simulated counts around a fixed mean have the NB mean and variance per gene', () => {
  // One branch, no DE, no library spread: every cell has the same expected counts μ_g.
  const sim = simulateCounts({ nCells: 20_000, nGenes: 200, branches: 1, deFraction: 0, librarySpread: 0, librarySize: 4000, bcv: 0.3, seed: 7 });
  const mu = new Float64Array(200);
  expectedCounts(sim.truth, 0, mu);
  const X = sim.dataset.X as CsrMatrix;
  const sum = new Float64Array(200);
  const sumSq = new Float64Array(200);
  for (let p = 0; p < X.data.length; p++) {
    sum[X.indices[p]!]! += X.data[p]!;
    sumSq[X.indices[p]!]! += X.data[p]! ** 2;
  }
  // The five genes with the largest means (μ in the tens to hundreds).
  const top = Array.from(mu.keys()).sort((a, b) => mu[b]! - mu[a]!).slice(0, 5);
  for (const g of top) {
    const n = 20_000;
    const mean = sum[g]! / n;
    const variance = (sumSq[g]! - n * mean * mean) / (n - 1);
    within(mean, mu[g]!, 0.01, `gene ${g} mean`);
    within(variance, mu[g]! + 0.09 * mu[g]! ** 2, 0.05, `gene ${g} variance`);
  }
});

test('dropout zeroes entries with the logistic probability in log mean', () => {
  const base = { nCells: 20_000, nGenes: 100, branches: 1, deFraction: 0, librarySpread: 0, librarySize: 300, bcv: 0.2, seed: 8 };
  const dropout = { midpoint: 0.5, shape: 1.5 };
  const sim = simulateCounts({ ...base, dropout });
  const mu = new Float64Array(100);
  expectedCounts(sim.truth, 0, mu);
  const X = sim.dataset.X as CsrMatrix;
  const nonzero = new Float64Array(100);
  for (let p = 0; p < X.indices.length; p++) nonzero[X.indices[p]!]!++;
  let checked = 0;
  for (let g = 0; g < 100; g++) {
    if (mu[g]! < 0.5 || mu[g]! > 20) continue;
    // P(NB = 0) = (1 + BCV²μ)^(−1/BCV²); a drawn non-zero survives with 1 − p_drop(μ).
    const p0 = Math.pow(1 + 0.04 * mu[g]!, -1 / 0.04);
    const pDrop = 1 / (1 + Math.exp(dropout.shape * (Math.log(mu[g]!) - dropout.midpoint)));
    const expected = (1 - p0) * (1 - pDrop);
    const observed = nonzero[g]! / 20_000;
    assert.ok(Math.abs(observed - expected) < 5 * Math.sqrt((expected * (1 - expected)) / 20_000) + 1e-3, `gene ${g} (μ ${mu[g]!.toFixed(2)}): non-zero share ${observed} vs ${expected}`);
    checked++;
  }
  assert.ok(checked >= 10, `only ${checked} genes in the checked mean range`);
});

test('library sizes: median and log-spread as configured, in the drawn sizes and the count totals', () => {
  const sim = simulateCounts({ nCells: 6000, nGenes: 400, librarySize: 2000, librarySpread: 0.3, bcv: 0.2, seed: 9 });
  const X = sim.dataset.X as CsrMatrix;
  const totals = new Float64Array(X.nRows);
  for (let i = 0; i < X.nRows; i++) for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) totals[i]! += X.data[p]!;
  for (const [what, xs] of [
    ['drawn library sizes', sim.truth.libraries],
    ['count totals', totals],
  ] as const) {
    const sorted = Float64Array.from(xs).sort();
    within(sorted[sorted.length >> 1]!, 2000, 0.03, `${what}: median`);
    const sdLog = Math.sqrt(moments(Float64Array.from(xs, Math.log)).variance);
    assert.ok(Math.abs(sdLog - 0.3) < 0.02, `${what}: sd of ln = ${sdLog}, want 0.3`);
  }
});

test('the DE fraction and the log-normal fold-change magnitudes are as configured', () => {
  const sim = simulateCounts({ nCells: 10, nGenes: 4000, deFraction: 0.1, lfcLocation: -0.6, lfcScale: 0.5, seed: 10 });
  const { de, delta, branches, nGenes } = sim.truth.program;
  let count = 0;
  const magnitudes: number[] = [];
  for (let at = 0; at < branches * nGenes; at++) {
    if (de[at]) {
      count++;
      assert.notEqual(delta[at], 0);
      magnitudes.push(Math.log(Math.abs(delta[at]!)));
    } else assert.equal(delta[at], 0, 'a gene that is not DE on a branch does not change along it');
  }
  const share = count / (branches * nGenes);
  assert.ok(Math.abs(share - 0.1) < 0.012, `DE share ${share}`); // 4 SE of a binomial share over 20,000 draws
  const m = moments(magnitudes);
  assert.ok(Math.abs(m.mean - -0.6) < 0.05, `mean ln|Δ| ${m.mean}`);
  assert.ok(Math.abs(Math.sqrt(m.variance) - 0.5) < 0.05, `sd ln|Δ| ${Math.sqrt(m.variance)}`);
  // Signs are random: about half up, half down.
  const up = Array.from(delta).filter((d) => d > 0).length;
  assert.ok(Math.abs(up / count - 0.5) < 0.05, `share up ${up / count}`);
});

test('the same seed gives the same data; another seed gives other data', () => {
  const a = simulateCounts({ ...countSimOptions('mid'), nCells: 300, nGenes: 300, seed: 11 });
  const b = simulateCounts({ ...countSimOptions('mid'), nCells: 300, nGenes: 300, seed: 11 });
  const c = simulateCounts({ ...countSimOptions('mid'), nCells: 300, nGenes: 300, seed: 12 });
  const xa = a.dataset.X as CsrMatrix;
  const xb = b.dataset.X as CsrMatrix;
  assert.deepEqual(Array.from(xa.indptr), Array.from(xb.indptr));
  assert.deepEqual(Array.from(xa.indices), Array.from(xb.indices));
  assert.deepEqual(Array.from(xa.data), Array.from(xb.data));
  assert.deepEqual(Array.from(a.truth.position), Array.from(b.truth.position));
  assert.notDeepEqual(Array.from((c.dataset.X as CsrMatrix).data.slice(0, 200)), Array.from(xa.data.slice(0, 200)));
});

test('expression is continuous at branch points: a child starts at its parent\'s end state, and it does change along branches', () => {
  const sim = simulateCounts({ nCells: 10, nGenes: 500, branches: 7, topology: 'random', deFraction: 0.3, seed: 13 });
  const { program, tree } = sim.truth;
  const G = program.nGenes;
  const child = new Float64Array(G);
  const parentEnd = new Float64Array(G);
  const start = new Float64Array(G);
  for (let b = 1; b < tree.branches; b++) {
    const p = tree.parent[b]!;
    expressionShares(program, b, 0, child);
    expressionShares(program, p, 1, parentEnd);
    let maxDiff = 0;
    for (let g = 0; g < G; g++) maxDiff = Math.max(maxDiff, Math.abs(child[g]! - parentEnd[g]!) / parentEnd[g]!);
    assert.ok(maxDiff < 1e-12, `branch ${b} starts ${maxDiff} away from the end of its parent ${p}`);
  }
  for (let b = 0; b < tree.branches; b++) {
    expressionShares(program, b, 0, start);
    expressionShares(program, b, 1, parentEnd);
    let maxRatio = 0;
    for (let g = 0; g < G; g++) maxRatio = Math.max(maxRatio, Math.abs(Math.log(parentEnd[g]! / start[g]!)));
    assert.ok(maxRatio > 0.3, `branch ${b}: expression barely changes (max |log ratio| ${maxRatio})`);
  }
});

test('the default tree is binary: 5 branches with parents -1, 0, 0, 1, 1', () => {
  const sim = simulateCounts({ nCells: 50, nGenes: 20, seed: 1 });
  assert.deepEqual(Array.from(sim.truth.tree.parent), [-1, 0, 0, 1, 1]);
  const branch = sim.dataset.obs.find((c) => c.name === 'branch');
  assert.ok(branch && branch.kind === 'categorical' && branch.categories.length === 5);
  assert.ok(sim.dataset.obs.some((c) => c.name === 'pseudotime' && c.kind === 'numeric'));
});

test('tree geodesics: known values, symmetric, zero on the diagonal, additive along a path', () => {
  const tree = makeTree(5, 'binary', 'random', createRng(2));
  const [, len1] = [tree.length[0]!, tree.length[1]!];
  // Siblings 3 and 4 meet at the end of branch 1; branch 2 meets them at the end of the root.
  assert.ok(Math.abs(treeGeodesic(tree, 3, 0.3, 4, 0.5) - 0.8) < 1e-12);
  assert.ok(Math.abs(treeGeodesic(tree, 3, 0.3, 2, 0.2) - (0.3 + len1 + 0.2)) < 1e-12);
  assert.ok(Math.abs(treeGeodesic(tree, 3, 0.3, 0, 0.1) - (0.3 + len1 + tree.length[0]! - 0.1)) < 1e-12);
  assert.ok(Math.abs(treeGeodesic(tree, 1, 0.2, 1, 0.7) - 0.5) < 1e-12);
  // Additive through a point on the path (mid branch 1, and the branch point of 3 and 4).
  const a = [3, 0.3] as const;
  const c = [2, 0.2] as const;
  const mid = [1, 0.5 * len1] as const;
  const d = (x: readonly [number, number], y: readonly [number, number]): number => treeGeodesic(tree, x[0], x[1], y[0], y[1]);
  assert.ok(Math.abs(d(a, c) - (d(a, mid) + d(mid, c))) < 1e-12);
  const fork = [1, len1] as const;
  assert.ok(Math.abs(d([3, 0.3], [4, 0.5]) - (d([3, 0.3], fork) + d(fork, [4, 0.5]))) < 1e-12);
  // A point off the path (on branch 4) makes the sum strictly longer.
  assert.ok(d(a, [4, 0.4]) + d([4, 0.4], c) > d(a, c) + 0.5);

  const sim = simulateCounts({ nCells: 200, nGenes: 20, seed: 3 });
  for (let i = 0; i < 200; i += 7) {
    assert.equal(truthGeodesic(sim.truth, i, i), 0);
    for (let j = 0; j < 200; j += 11) {
      assert.ok(Math.abs(truthGeodesic(sim.truth, i, j) - truthGeodesic(sim.truth, j, i)) < 1e-12);
      assert.ok(truthGeodesic(sim.truth, i, j) >= 0);
    }
  }
});

test('the noiseless truth is log1p(median library · share) and is what the counts scatter around', () => {
  const sim = simulateCounts({ nCells: 400, nGenes: 300, seed: 14, librarySize: 3000 });
  const truth = truthExpression(sim.truth);
  assert.equal(truth.nRows, 400);
  assert.equal(truth.nCols, 300);
  const shares = new Float64Array(300);
  const b = sim.truth.branch[17]!;
  expressionShares(sim.truth.program, b, sim.truth.position[17]! / sim.truth.tree.length[b]!, shares);
  for (let g = 0; g < 300; g++) assert.ok(Math.abs(truth.data[17 * 300 + g]! - Math.log1p(3000 * shares[g]!)) < 1e-5);
  // Rows subset = the same rows of the full matrix.
  const sub = truthExpression(sim.truth, [17, 3]);
  assert.deepEqual(Array.from(sub.data.subarray(0, 300)), Array.from(truth.data.subarray(17 * 300, 18 * 300)));
});

test('noise levels are the issue\'s: library 4,000 / 1,500 (BCV 0.4, 10 % DE) / 1,000 (BCV 0.5, 5 % DE)', () => {
  assert.equal(NOISE_LEVEL_OPTIONS.low.librarySize, 4000);
  assert.deepEqual([NOISE_LEVEL_OPTIONS.mid.librarySize, NOISE_LEVEL_OPTIONS.mid.bcv, NOISE_LEVEL_OPTIONS.mid.deFraction], [1500, 0.4, 0.1]);
  assert.deepEqual([NOISE_LEVEL_OPTIONS.high.librarySize, NOISE_LEVEL_OPTIONS.high.bcv, NOISE_LEVEL_OPTIONS.high.deFraction], [1000, 0.5, 0.05]);
  assert.equal(countSimOptions('high', { seed: 4 }).seed, 4);
});

test('bad options are refused with a message', () => {
  assert.throws(() => simulateCounts({ nCells: 0 }), /nCells/);
  assert.throws(() => simulateCounts({ bcv: -1 }), /bcv/);
  assert.throws(() => simulateCounts({ deFraction: 2 }), /deFraction/);
  assert.throws(() => simulateCounts({ branches: 3, topology: [-1, 2, 0] }), /topology/);
});
