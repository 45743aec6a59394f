import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkMap, DegenerateMapError, mapShape } from '../../src-core/embed/map-check.js';
import { packComponents } from '../../src-core/embed/pack-components.js';
import { connectedComponents, subgraph } from '../../src-core/graph/components.js';
import { smallestEigenvalues } from '../../src-core/heat/spectrum.js';
import { csrFromTriplets, type Csr64 } from '../../src-core/linalg/csr.js';
import { laplacian } from '../../src-core/graph/laplacian.js';

function graph(n: number, edges: readonly [number, number][]): Csr64 {
  const rows: number[] = [];
  const cols: number[] = [];
  for (const [a, b] of edges) rows.push(a, b), cols.push(b, a);
  return csrFromTriplets(n, Int32Array.from(rows), Int32Array.from(cols), new Float64Array(rows.length).fill(1));
}

test('connected components: labelled by decreasing size, members listed in cell order, subgraph renumbered', () => {
  // 0-1-2 (3 cells), 3-4-5-6 (4 cells), 7 alone, 8-9 (2 cells)
  const w = graph(10, [[0, 1], [1, 2], [3, 4], [4, 5], [5, 6], [8, 9]]);
  const c = connectedComponents(w);
  assert.equal(c.count, 4);
  assert.deepEqual(Array.from(c.sizes), [4, 3, 2, 1]);
  assert.deepEqual(Array.from(c.labels), [1, 1, 1, 0, 0, 0, 0, 3, 2, 2]);
  assert.deepEqual(Array.from(c.members.subarray(c.offsets[0]!, c.offsets[1]!)), [3, 4, 5, 6]);
  const sub = subgraph(w, c.members.subarray(c.offsets[0]!, c.offsets[1]!));
  assert.equal(sub.n, 4);
  assert.equal(sub.indices.length, 6, 'three undirected edges');
  assert.deepEqual(Array.from(sub.indices.subarray(sub.indptr[1]!, sub.indptr[2]!)), [0, 2]);
});

test('packing keeps each component’s own geometry and lets no two components overlap', () => {
  // Three discs of radius 1, 2 and 0.5 whose centroids in feature space coincide: worst case for overlap.
  const disc = (k: number, r: number): Float64Array => {
    const out = new Float64Array(2 * k);
    for (let i = 0; i < k; i++) {
      out[2 * i] = r * Math.cos((2 * Math.PI * i) / k) + 10;
      out[2 * i + 1] = r * Math.sin((2 * Math.PI * i) / k) - 3;
    }
    return out;
  };
  const sizes = [40, 30, 20];
  const radii = [2, 1, 0.5];
  let next = 0;
  const parts = sizes.map((k, c) => {
    const members = Int32Array.from({ length: k }, () => next++);
    return { members, coords: disc(k, radii[c]!), centroid: new Float64Array([0, 0, 0]) };
  });
  const out = packComponents(parts, next);
  // Geometry: every pairwise distance inside a component is unchanged.
  for (const part of parts) {
    for (let a = 0; a < part.members.length; a++)
      for (let b = a + 1; b < part.members.length; b++) {
        const before = Math.hypot(part.coords[2 * a]! - part.coords[2 * b]!, part.coords[2 * a + 1]! - part.coords[2 * b + 1]!);
        const i = part.members[a]!, j = part.members[b]!;
        const after = Math.hypot(out[2 * i]! - out[2 * j]!, out[2 * i + 1]! - out[2 * j + 1]!);
        assert.ok(Math.abs(before - after) < 1e-9);
      }
  }
  // No overlap: every cell of a component is farther from another component's centre than that one's radius.
  const centre = (part: (typeof parts)[number]): [number, number] => {
    let x = 0, y = 0;
    for (const i of part.members) (x += out[2 * i]!), (y += out[2 * i + 1]!);
    return [x / part.members.length, y / part.members.length];
  };
  parts.forEach((a, ca) =>
    parts.forEach((b, cb) => {
      if (ca === cb) return;
      const [bx, by] = centre(b);
      for (const i of a.members) assert.ok(Math.hypot(out[2 * i]! - bx, out[2 * i + 1]! - by) > radii[cb]! + 1e-9, `cell ${i} of component ${ca} inside component ${cb}`);
    }),
  );
});

test('map check: finite and spread maps pass with their collapse ratio; points, lines and NaN are refused', () => {
  const n = 100;
  const square = Float64Array.from({ length: 2 * n }, (_, c) => ((c * 7919) % 101) / 101);
  assert.ok(checkMap(square, n, 'mds').collapse > 0.5);
  const thin = Float64Array.from({ length: 2 * n }, (_, c) => (c % 2 ? 0.01 : 1) * (((c * 7919) % 101) / 101 - 0.5));
  const s = checkMap(thin, n, 'mds');
  assert.ok(s.collapse > 0.005 && s.collapse < 0.05, `ratio ${s.collapse}`);
  assert.match(s.warning ?? '', /nearly a line/);
  const point = new Float64Array(2 * n).fill(3);
  assert.throws(() => checkMap(point, n, 'extend'), (e: unknown) => e instanceof DegenerateMapError && /extend/.test(e.message) && /same point/.test(e.message));
  const line = Float64Array.from({ length: 2 * n }, (_, c) => (c % 2 ? 2 : 1) * Math.floor(c / 2));
  assert.throws(() => checkMap(line, n, 'refine'), (e: unknown) => e instanceof DegenerateMapError && /line/.test(e.message));
  const bad = Float64Array.from(square);
  bad[17] = NaN;
  assert.throws(() => checkMap(bad, n, 'mds'), /not finite/);
  assert.equal(mapShape(bad, n).finite, false);
});

test('Lanczos finds the smallest non-trivial Laplacian eigenvalues of a path graph (2 − 2cos(πk/n))', () => {
  const n = 60;
  const w = graph(n, Array.from({ length: n - 1 }, (_, i) => [i, i + 1] as [number, number]));
  const l = laplacian(w, 'combinatorial');
  const lambda = smallestEigenvalues(l.matrix, new Float64Array(n).fill(1), 3, l.lambdaMaxBound, 60);
  for (let k = 1; k <= 3; k++) {
    const exact = 2 - 2 * Math.cos((Math.PI * k) / n);
    assert.ok(Math.abs(lambda[k - 1]! - exact) < 1e-8 * Math.max(1, exact) + 1e-10, `λ${k + 1}: ${lambda[k - 1]} vs ${exact}`);
  }
});
