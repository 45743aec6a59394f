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
 * The unit is Σ map distance / Σ geodesic distance from a few sources (evenly spaced cell numbers) to all
 * the component's cells (to the nearest BALL cells in a larger component, so that the searches stay
 * bounded), taken over pairs up to the smaller component's median geodesic distance in both: a map's
 * distances grow more slowly than the geodesics, so ratios over different ranges would shrink the larger
 * population. Components of fewer than MIN_CELLS cells keep their size (a ratio over 1–3 cells is noise),
 * and no factor goes beyond MAX_FACTOR either way.
 */
import type { Csr64 } from '../linalg/csr.js';
import { MinHeap } from '../linalg/min-heap.js';
import { mapCentre, packComponents, type ComponentLayout } from './pack-components.js';

const SOURCES = 8;
/**
 * Cells settled per search, at most: in a larger component each source sees the ball of its nearest
 * 20,000 cells along the graph, and the searches stay O(SOURCES · 20,000) per component. A heuristic: the
 * comparison with a smaller component uses pairs up to that one's median geodesic, which such a ball
 * covers unless the smaller one is far sparser than the larger.
 */
const BALL = 20_000;
/** Smallest component whose size is set by its ratio: pipeline/component-parts.ts's MIN_HEAT_CELLS (1–3 cells are laid out in the main map's units already). */
const MIN_CELLS = 4;
const MAX_FACTOR = 20;

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
export function sameUnits(coords: ArrayLike<number>, parts: readonly MapComponent[], dim: number, checkCancelled?: () => void): Float32Array {
  let main: Reference | null = null;
  const layouts = parts.map((part, c): ComponentLayout => {
    checkCancelled?.();
    const { cells } = part;
    const y = new Float64Array(2 * cells.length);
    for (let i = 0; i < cells.length; i++) {
      y[2 * i] = coords[2 * cells[i]!]!;
      y[2 * i + 1] = coords[2 * cells[i]! + 1]!;
    }
    if (c > 0 && cells.length < MIN_CELLS) return { members: cells, coords: y, centroid: part.centroid };
    const pairs = geodesicPairs(y, part.points, dim, part.w);
    if (c === 0) main = reference(pairs);
    else if (main && pairs.geo.length > 0) {
      // Compared over the same range of geodesic distance: the map's distance grows slower than the
      // geodesic (neighbourhoods are drawn larger than long ranges), so ratios over different ranges differ.
      const cap = median(pairs.geo);
      const u = ratioUpTo(pairs, cap);
      const u0 = main.ratioUpTo(cap);
      if (u > 0 && u0 > 0) scaleAboutCentre(y, Math.min(MAX_FACTOR, Math.max(1 / MAX_FACTOR, u0 / u)));
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
  const sources = Math.min(SOURCES, k);
  const ball = Math.min(BALL, k);
  const search = new BallSearch(w, points, dim);
  const geo = new Float64Array(sources * (ball - 1));
  const map = new Float64Array(sources * (ball - 1));
  let e = 0;
  for (let s = 0; s < sources; s++) {
    const src = Math.round((s * (k - 1)) / Math.max(1, sources - 1));
    const settled = search.run(src, ball);
    for (let r = 1; r < settled; r++) {
      const j = search.order[r]!;
      const d = search.dist[j]!;
      if (!(d > 0)) continue;
      geo[e] = d;
      map[e++] = Math.hypot(y[2 * src]! - y[2 * j]!, y[2 * src + 1]! - y[2 * j + 1]!);
    }
  }
  return { geo: geo.slice(0, e), map: map.slice(0, e) };
}

/**
 * Dijkstra from one source on the graph with Euclidean edge lengths (computed as edges are relaxed),
 * stopped once `limit` cells are settled: `order[0..settled)` are those cells, nearest first, with their
 * exact distances in `dist` until the next run. Scratch arrays are kept between runs, reset where touched.
 */
class BallSearch {
  readonly dist: Float64Array;
  readonly order: Int32Array;
  readonly #touched: Int32Array;
  #nTouched = 0;
  readonly #done: Uint8Array;
  readonly #heap = new MinHeap();
  /** Edge lengths, NaN until computed: kept only for components the searches cover whole (≤ BALL cells). */
  readonly #lengths: Float64Array | null;
  constructor(
    private readonly w: Csr64,
    private readonly points: Float32Array,
    private readonly dim: number,
  ) {
    this.#lengths = w.n <= BALL ? new Float64Array(w.indices.length).fill(NaN) : null;
    this.dist = new Float64Array(w.n).fill(Infinity);
    this.order = new Int32Array(w.n);
    this.#touched = new Int32Array(w.n);
    this.#done = new Uint8Array(w.n);
  }

  run(source: number, limit: number): number {
    const { w, points, dim, dist, order } = this;
    const done = this.#done, touched = this.#touched, heap = this.#heap, lengths = this.#lengths;
    for (let t = 0; t < this.#nTouched; t++) {
      dist[touched[t]!] = Infinity;
      done[touched[t]!] = 0;
    }
    let nTouched = 0, settled = 0;
    heap.size = 0;
    dist[source] = 0;
    touched[nTouched++] = source;
    heap.push(0, source);
    while (heap.size > 0 && settled < limit) {
      const d = heap.d[0]!;
      const v = heap.v[0]!;
      heap.pop();
      if (done[v]) continue;
      done[v] = 1;
      order[settled++] = v;
      for (let q = w.indptr[v]!; q < w.indptr[v + 1]!; q++) {
        const u = w.indices[q]!;
        if (done[u]) continue;
        let len = lengths ? lengths[q]! : NaN;
        if (len !== len) {
          let s = 0;
          for (let c = 0; c < dim; c++) s += (points[v * dim + c]! - points[u * dim + c]!) ** 2;
          len = Math.sqrt(s);
          if (lengths) lengths[q] = len;
        }
        const nd = d + len;
        if (nd < dist[u]!) {
          if (dist[u] === Infinity) touched[nTouched++] = u;
          dist[u] = nd;
          heap.push(nd, u);
        }
      }
    }
    this.#nTouched = nTouched;
    return settled;
  }
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
  /** The main component's ratio over its pairs with geo ≤ cap (its shortest 1 % when none is that short). */
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
      // None as short (a tight population beside a spread-out one): its shortest 1 % of pairs, the nearest range it has.
      const r = lo > 0 ? lo : Math.min(geo.length, Math.max(1, Math.ceil(geo.length / 100)));
      return sumGeo[r]! > 0 && sumMap[r]! > 0 ? sumMap[r]! / sumGeo[r]! : 0;
    },
  };
}

function median(a: Float64Array): number {
  const s = Float64Array.from(a).sort();
  return s[(s.length - 1) >> 1]!;
}

function scaleAboutCentre(y: Float64Array, factor: number): void {
  const k = y.length / 2;
  const [mx, my] = mapCentre(y, k);
  for (let i = 0; i < k; i++) {
    y[2 * i] = mx + (y[2 * i]! - mx) * factor;
    y[2 * i + 1] = my + (y[2 * i + 1]! - my) * factor;
  }
}
