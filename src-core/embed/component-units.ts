/**
 * One unit of length for every component of a map: each component is scaled, about its centre, so that
 * its map distance per unit of geodesic distance in feature space is the largest component's, and the
 * components are packed again (pack-components.ts) so that none overlaps another.
 *
 * Why: the components are laid out by separate heat kernels (each with its own t) and the refinement
 * balances each population's neighbourhoods, not its size, so nothing else ties their scales together —
 * yet a population twice as long along the cell graph should be drawn twice as long. Distances between
 * components do not exist (no path joins them); within them, the geodesic (shortest path on the graph
 * with Euclidean edge lengths) is what a faithful map reproduces (docs/algorithm.md §2).
 *
 * The unit is Σ map distance / Σ geodesic distance from a few sources spread through the component to all
 * its cells (up to SOURCES per component, fewer in very large ones so that the searches stay O(n)), taken
 * over pairs up to the smaller component's median geodesic distance in both: a map's distances grow more
 * slowly than the geodesics, so ratios over different ranges would shrink the larger population.
 */
import { dijkstra } from '../quality/graph-geodesics.js';
import type { Csr64 } from '../linalg/csr.js';
import { packComponents, type ComponentLayout } from './pack-components.js';

const SOURCES = 8;
/** Cells settled by the searches of one component, at most (a 1M-cell component gets 2 sources). */
const SETTLE_BUDGET = 2_000_000;

export interface MapComponent {
  /** Cells of the component, ascending (indices into the map). */
  readonly cells: Int32Array;
  /** Their features, cells.length × dim. */
  readonly points: Float32Array;
  /** The component's graph, renumbered like `cells` (its pattern is used; the weights are not). */
  readonly w: Csr64;
  /** Its centroid in feature space (for the packing). */
  readonly centroid: Float64Array;
}

/** `parts[0]` sets the unit (the pipeline's largest component). */
export function sameUnits(coords: ArrayLike<number>, parts: readonly MapComponent[], dim: number): Float32Array {
  let main: Reference | null = null;
  const layouts = parts.map((part, c): ComponentLayout => {
    const { cells } = part;
    const y = new Float64Array(2 * cells.length);
    for (let i = 0; i < cells.length; i++) {
      y[2 * i] = coords[2 * cells[i]!]!;
      y[2 * i + 1] = coords[2 * cells[i]! + 1]!;
    }
    const pairs = geodesicPairs(y, part.points, dim, part.w);
    if (c === 0) main = reference(pairs);
    else if (main && pairs.geo.length > 0) {
      // Compared over the same range of geodesic distance: the map's distance grows slower than the
      // geodesic (neighbourhoods are drawn larger than long ranges), so ratios over different ranges differ.
      const cap = median(pairs.geo);
      const u = ratioUpTo(pairs, cap);
      const u0 = main.ratioUpTo(cap);
      if (u > 0 && u0 > 0) scaleAboutCentre(y, u0 / u);
    }
    return { members: cells, coords: y, centroid: part.centroid };
  });
  return Float32Array.from(packComponents(layouts, coords.length / 2));
}

/** Geodesic and map distances from the component's sources to its other reachable cells. */
export interface GeodesicPairs {
  readonly geo: Float64Array;
  readonly map: Float64Array;
}

export function geodesicPairs(y: Float64Array, points: Float32Array, dim: number, w: Csr64): GeodesicPairs {
  const k = w.n;
  if (k < 2) return { geo: new Float64Array(0), map: new Float64Array(0) };
  const lengths = edgeLengths(w, points, dim);
  const sources = Math.min(SOURCES, k, Math.max(2, Math.ceil(SETTLE_BUDGET / k)));
  const dist = new Float64Array(k);
  const geo = new Float64Array(sources * (k - 1));
  const map = new Float64Array(sources * (k - 1));
  let e = 0;
  for (let s = 0; s < sources; s++) {
    const src = Math.round((s * (k - 1)) / Math.max(1, sources - 1));
    dijkstra(lengths, src, dist);
    for (let j = 0; j < k; j++) {
      if (j === src || !(dist[j]! > 0 && Number.isFinite(dist[j]!))) continue;
      geo[e] = dist[j]!;
      map[e++] = Math.hypot(y[2 * src]! - y[2 * j]!, y[2 * src + 1]! - y[2 * j + 1]!);
    }
  }
  return { geo: geo.slice(0, e), map: map.slice(0, e) };
}

/** Σ map / Σ geo over the pairs with geo ≤ cap (0 when there are none). */
function ratioUpTo(p: GeodesicPairs, cap: number): number {
  let m = 0, g = 0;
  for (let q = 0; q < p.geo.length; q++)
    if (p.geo[q]! <= cap) {
      m += p.map[q]!;
      g += p.geo[q]!;
    }
  return m > 0 && g > 0 ? m / g : 0;
}

interface Reference {
  /** The main component's ratio over its pairs with geo ≤ cap (all its pairs when none is that short). */
  ratioUpTo(cap: number): number;
}

/** The main component's pairs sorted by geodesic distance, with prefix sums: any cap in O(log pairs). */
function reference(p: GeodesicPairs): Reference {
  const order = Array.from(p.geo.keys()).sort((a, b) => p.geo[a]! - p.geo[b]!);
  const geo = Float64Array.from(order, (q) => p.geo[q]!);
  const sumMap = new Float64Array(order.length + 1);
  const sumGeo = new Float64Array(order.length + 1);
  order.forEach((q, r) => {
    sumMap[r + 1] = sumMap[r]! + p.map[q]!;
    sumGeo[r + 1] = sumGeo[r]! + p.geo[q]!;
  });
  return {
    ratioUpTo(cap: number): number {
      let lo = 0, hi = geo.length; // first index with geo > cap
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (geo[mid]! <= cap) lo = mid + 1;
        else hi = mid;
      }
      const r = lo > 0 ? lo : geo.length;
      return sumGeo[r]! > 0 && sumMap[r]! > 0 ? sumMap[r]! / sumGeo[r]! : 0;
    },
  };
}

function median(a: Float64Array): number {
  const s = Float64Array.from(a).sort();
  return s[(s.length - 1) >> 1]!;
}

/** The graph's pattern with Euclidean feature distances as values. */
function edgeLengths(w: Csr64, points: Float32Array, dim: number): Csr64 {
  const values = new Float64Array(w.indices.length);
  for (let i = 0; i < w.n; i++)
    for (let q = w.indptr[i]!; q < w.indptr[i + 1]!; q++) {
      const j = w.indices[q]!;
      let d = 0;
      for (let c = 0; c < dim; c++) d += (points[i * dim + c]! - points[j * dim + c]!) ** 2;
      values[q] = Math.sqrt(d);
    }
  return { n: w.n, indptr: w.indptr, indices: w.indices, values };
}

function scaleAboutCentre(y: Float64Array, factor: number): void {
  const k = y.length / 2;
  let mx = 0, my = 0;
  for (let i = 0; i < k; i++) {
    mx += y[2 * i]!;
    my += y[2 * i + 1]!;
  }
  mx /= k;
  my /= k;
  for (let i = 0; i < k; i++) {
    y[2 * i] = mx + (y[2 * i]! - mx) * factor;
    y[2 * i + 1] = my + (y[2 * i + 1]! - my) * factor;
  }
}
