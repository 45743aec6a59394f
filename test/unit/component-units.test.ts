import { test } from 'node:test';
import assert from 'node:assert/strict';
import { geodesicPairs, sameUnits, type MapComponent } from '../../src-core/embed/component-units.js';
import { csrFromTriplets, type Csr64 } from '../../src-core/linalg/csr.js';

/** A path graph 0–1–…–(k−1) (pattern only: sameUnits measures lengths in feature space). */
function chain(k: number): Csr64 {
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i + 1 < k; i++) rows.push(i, i + 1), cols.push(i + 1, i);
  return csrFromTriplets(k, Int32Array.from(rows), Int32Array.from(cols), new Float64Array(rows.length).fill(1));
}

/** k cells on a line in 3-D feature space, `step` apart, starting at `origin`. */
function line(k: number, step: number, origin: number): Float32Array {
  const x = new Float32Array(3 * k);
  for (let i = 0; i < k; i++) {
    x[3 * i] = origin + step * i;
    x[3 * i + 1] = origin;
  }
  return x;
}

function extent(coords: Float32Array, cells: Int32Array): number {
  let best = 0;
  for (const a of cells) for (const b of cells) best = Math.max(best, Math.hypot(coords[2 * a]! - coords[2 * b]!, coords[2 * a + 1]! - coords[2 * b + 1]!));
  return best;
}

test('geodesic pairs: path lengths along the graph in feature space against map distances, from spread sources', () => {
  const y = Float64Array.from({ length: 20 }, (_, c) => (c % 2 === 0 ? 3 * (c / 2) : 0)); // 10 cells, map unit 3
  const p = geodesicPairs(y, line(10, 2, 0), 3, chain(10)); // feature step 2
  assert.equal(p.geo.length, 8 * 9, 'eight sources, nine other cells each');
  for (let q = 0; q < p.geo.length; q++) assert.ok(Math.abs(p.map[q]! / p.geo[q]! - 1.5) < 1e-6, `pair ${q}: map ${p.map[q]} for geodesic ${p.geo[q]}`);
});

test('sameUnits: every component drawn at the largest one’s map units per geodesic unit, packed without overlap', () => {
  // A: 120 cells 1 apart (geodesic length 119) drawn at 2 map units per feature unit;
  // B: 40 cells 3 apart (length 117, as long as A) drawn at 0.25 — eight times too small against A.
  const a = 120, b = 40, n = a + b;
  const coords = new Float32Array(2 * n);
  for (let i = 0; i < a; i++) coords[2 * i] = 2 * i;
  for (let i = 0; i < b; i++) {
    coords[2 * (a + i)] = 0.25 * 3 * i;
    coords[2 * (a + i) + 1] = 5;
  }
  const cellsA = Int32Array.from({ length: a }, (_, i) => i);
  const cellsB = Int32Array.from({ length: b }, (_, i) => a + i);
  const parts: MapComponent[] = [
    { cells: cellsA, points: line(a, 1, 0), w: chain(a), centroid: Float64Array.of(60, 0, 0) },
    { cells: cellsB, points: line(b, 3, 1000), w: chain(b), centroid: Float64Array.of(1060, 1000, 0) },
  ];
  const out = sameUnits(coords, parts, 3);
  assert.ok(Math.abs(extent(out, cellsA) - 2 * 119) < 1e-3, `A keeps its size: ${extent(out, cellsA)}`);
  assert.ok(Math.abs(extent(out, cellsB) - 2 * 117) < 1e-3, `B is drawn at A's unit: ${extent(out, cellsB)} (was ${0.25 * 117})`);
  // Packed apart: the two lines' bounding discs do not meet.
  const centre = (cells: Int32Array): [number, number] => {
    let x = 0, y = 0;
    for (const c of cells) (x += out[2 * c]!), (y += out[2 * c + 1]!);
    return [x / cells.length, y / cells.length];
  };
  const [ax, ay] = centre(cellsA);
  const [bx, by] = centre(cellsB);
  assert.ok(Math.hypot(ax - bx, ay - by) > 119 + 117, 'the components do not overlap');
});

/** A main component whose map distance grows more slowly than the geodesic: 1,000 cells 1 apart on a line, drawn on a circle at 2 map units per step. */
function circleMain(a: number): { coords: number[]; part: MapComponent } {
  const r = (2 * a) / (2 * Math.PI);
  const coords: number[] = [];
  for (let i = 0; i < a; i++) coords.push(r * Math.cos((2 * i) / r), r * Math.sin((2 * i) / r));
  return { coords, part: { cells: Int32Array.from({ length: a }, (_, i) => i), points: line(a, 1, 0), w: chain(a), centroid: Float64Array.of(a / 2, 0, 0) } };
}

test('sameUnits compares units over the same range of geodesic distance, down to a population tighter than any pair of the main one', () => {
  const a = 1000;
  const main = circleMain(a);
  // B: 100 cells 1 apart drawn straight at the main's local unit (2): over B's range (median ~33 steps) the
  // circle's chords are still ~2 per step, so B keeps its size; over all of the main's pairs they average ~1.3.
  // C: 5 cells 0.25 apart (shorter than every pair the main one measured) drawn at the same unit: 0.5 apart.
  const b = 100, c = 5;
  const coords = [...main.coords];
  for (let i = 0; i < b; i++) coords.push(2 * i, 1000);
  for (let i = 0; i < c; i++) coords.push(0.5 * i, 2000);
  const cellsB = Int32Array.from({ length: b }, (_, i) => a + i);
  const cellsC = Int32Array.from({ length: c }, (_, i) => a + b + i);
  const parts: MapComponent[] = [
    main.part,
    { cells: cellsB, points: line(b, 1, 5000), w: chain(b), centroid: Float64Array.of(5050, 5000, 0) },
    { cells: cellsC, points: line(c, 0.25, 9000), w: chain(c), centroid: Float64Array.of(9000, 9000, 0) },
  ];
  const out = sameUnits(Float32Array.from(coords), parts, 3);
  const eb = extent(out, cellsB), ec = extent(out, cellsC);
  assert.ok(Math.abs(eb / 198 - 1) < 0.02, `B keeps its size: ${eb} (198 drawn)`);
  assert.ok(Math.abs(ec / 2 - 1) < 0.02, `C keeps its size: ${ec} (2 drawn)`);
});

test('sameUnits: duplicate cells (every geodesic 0) and components of 1–3 cells keep their size; every coordinate stays finite', () => {
  const a = 1000;
  const main = circleMain(a);
  const coords = [...main.coords];
  const hexagon = Array.from({ length: 6 }, (_, i) => [3 * Math.cos(i), 3 * Math.sin(i) + 3000]).flat();
  coords.push(...hexagon); // D: six copies of one cell, drawn apart by whatever placed them
  coords.push(0, 4000, 40, 4000); // E: two cells 1 apart in feature space drawn 40 apart (a ratio 10× the main's)
  const cellsD = Int32Array.from({ length: 6 }, (_, i) => a + i);
  const cellsE = Int32Array.of(a + 6, a + 7);
  const dup = new Float32Array(18).fill(7);
  const parts: MapComponent[] = [
    main.part,
    { cells: cellsD, points: dup, w: chain(6), centroid: Float64Array.of(7, 7, 7) },
    { cells: cellsE, points: line(2, 1, 8000), w: chain(2), centroid: Float64Array.of(8000, 8000, 0) },
  ];
  const out = sameUnits(Float32Array.from(coords), parts, 3);
  assert.ok(out.every(Number.isFinite));
  assert.ok(Math.abs(extent(out, cellsD) - extent(Float32Array.from(hexagon), Int32Array.from({ length: 6 }, (_, i) => i))) < 1e-3, 'D is left as drawn');
  assert.ok(Math.abs(extent(out, cellsE) - 40) < 1e-3, 'E is left as drawn');
});

test('sameUnits leaves one-cell components where the packing puts them and keeps every coordinate finite', () => {
  const coords = Float32Array.of(0, 0, 1, 0, 2, 0, 7, 7);
  const parts: MapComponent[] = [
    { cells: Int32Array.of(0, 1, 2), points: line(3, 1, 0), w: chain(3), centroid: Float64Array.of(1, 0, 0) },
    { cells: Int32Array.of(3), points: line(1, 1, 50), w: chain(1), centroid: Float64Array.of(50, 50, 0) },
  ];
  const out = sameUnits(coords, parts, 3);
  assert.ok(out.every(Number.isFinite));
  assert.ok(Math.abs(extent(out, parts[0]!.cells) - 2) < 1e-6);
});
