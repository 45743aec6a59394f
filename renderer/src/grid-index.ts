/**
 * Uniform-grid spatial index over 2-D points (≈4 points per cell). Queries touch only the cells they need:
 * the nearest point within a radius (hover), the points inside a screen-space polygon (lasso, rectangle),
 * and a spatially stratified drawing order (level of detail, map-view.ts).
 */
import { pointInPolygon, type Affine, type Polygon } from './selection.js';

/** Multiplier of the within-cell scramble j → (j·s + o) mod k (a prime: a bijection unless k is a multiple). */
const SCRAMBLE = 1_000_003;
const GOLDEN = 0.6180339887498949;

export class GridIndex {
  readonly #coords: Float32Array;
  readonly #x0: number;
  readonly #y0: number;
  readonly #cell: number;
  readonly #nx: number;
  readonly #ny: number;
  readonly #start: Int32Array;
  readonly #items: Int32Array;

  constructor(coords: Float32Array) {
    this.#coords = coords;
    const n = coords.length / 2;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = coords[2 * i]!, y = coords[2 * i + 1]!;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
    if (!(x1 >= x0)) { x0 = y0 = 0; x1 = y1 = 1; }
    const w = Math.max(x1 - x0, 1e-12), h = Math.max(y1 - y0, 1e-12);
    this.#cell = Math.max(Math.sqrt((w * h * 4) / Math.max(1, n)), 1e-12);
    this.#nx = Math.min(4096, Math.floor(w / this.#cell) + 1);
    this.#ny = Math.min(4096, Math.floor(h / this.#cell) + 1);
    this.#x0 = x0;
    this.#y0 = y0;
    const counts = new Int32Array(this.#nx * this.#ny + 1);
    const cellOf = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = this.#cellIndex(coords[2 * i]!, coords[2 * i + 1]!);
      cellOf[i] = c;
      counts[c + 1]!++;
    }
    for (let c = 0; c < this.#nx * this.#ny; c++) counts[c + 1]! += counts[c]!;
    this.#start = counts;
    const fill = counts.slice(0, -1);
    this.#items = new Int32Array(n);
    for (let i = 0; i < n; i++) this.#items[fill[cellOf[i]!]!++] = i;
  }

  #cellIndex(x: number, y: number): number {
    // NaN coordinates land in cell 0 (never a crash or an out-of-range cell).
    const cx = Math.min(this.#nx - 1, Math.max(0, Math.floor((x - this.#x0) / this.#cell))) || 0;
    const cy = Math.min(this.#ny - 1, Math.max(0, Math.floor((y - this.#y0) / this.#cell))) || 0;
    return cy * this.#nx + cx;
  }

  /** Index of the point nearest (x, y) within `radius` (data units) that `visible` accepts, or -1. */
  nearest(x: number, y: number, radius: number, visible: (i: number) => boolean = () => true): number {
    const r = Math.ceil(radius / this.#cell);
    const cx = Math.floor((x - this.#x0) / this.#cell);
    const cy = Math.floor((y - this.#y0) / this.#cell);
    let best = -1;
    let bestD = radius * radius;
    for (let gy = Math.max(0, cy - r); gy <= Math.min(this.#ny - 1, cy + r); gy++) {
      for (let gx = Math.max(0, cx - r); gx <= Math.min(this.#nx - 1, cx + r); gx++) {
        const c = gy * this.#nx + gx;
        for (let q = this.#start[c]!; q < this.#start[c + 1]!; q++) {
          const i = this.#items[q]!;
          const dx = this.#coords[2 * i]! - x, dy = this.#coords[2 * i + 1]! - y;
          const d = dx * dx + dy * dy;
          if (d <= bestD && visible(i)) { bestD = d; best = i; }
        }
      }
    }
    return best;
  }

  /**
   * Rows whose screen position (`proj` of their data coordinates) lies inside the screen polygon and that
   * `visible` accepts, in increasing order: exactly what selection.ts's brute-force selectInPolygon returns
   * with the same projection. Cells that no polygon edge comes near are taken or left whole (their centre
   * decides, by a scan line per row of cells); only points of cells along the boundary are tested one by one.
   */
  selectInPolygon(poly: Polygon, proj: Affine, visible: (i: number) => boolean = () => true): Int32Array {
    if (poly.length < 3 || !(proj.ax !== 0 && proj.ay !== 0)) return new Int32Array(0);
    const nx = this.#nx, ny = this.#ny, cell = this.#cell;
    // The polygon in grid units (cells, from the grid's corner).
    const gx = poly.map(([px]) => ((px - proj.bx) / proj.ax - this.#x0) / cell);
    const gy = poly.map(([, py]) => ((py - proj.by) / proj.ay - this.#y0) / cell);
    if (![...gx, ...gy].every(Number.isFinite)) return new Int32Array(0);
    const [gxMin, gxMax] = extent(gx), [gyMin, gyMax] = extent(gy); // a loop: a long lasso overflows Math.min(...)
    const cx0 = Math.max(0, Math.floor(gxMin) - 1), cx1 = Math.min(nx - 1, Math.floor(gxMax) + 1);
    const cy0 = Math.max(0, Math.floor(gyMin) - 1), cy1 = Math.min(ny - 1, Math.floor(gyMax) + 1);
    if (cx0 > cx1 || cy0 > cy1) return new Int32Array(0);
    const bw = cx1 - cx0 + 1;
    // 1 = a polygon edge passes within 0.01 cell of this cell: its points are tested one by one.
    const boundary = new Uint8Array(bw * (cy1 - cy0 + 1));
    const mark = (x: number, y: number, r: number): void => {
      for (let cy = Math.max(cy0, Math.floor(y - r)); cy <= Math.min(cy1, Math.floor(y + r)); cy++) {
        for (let cx = Math.max(cx0, Math.floor(x - r)); cx <= Math.min(cx1, Math.floor(x + r)); cx++) boundary[(cy - cy0) * bw + cx - cx0] = 1;
      }
    };
    for (let a = 0, b = poly.length - 1; a < poly.length; b = a++) {
      const dx = gx[a]! - gx[b]!, dy = gy[a]! - gy[b]!;
      // Samples at most 0.5 cell apart: every point of the edge is within 0.25 cell of one of them.
      const steps = Math.max(1, Math.ceil(2 * Math.hypot(dx, dy)));
      for (let s = 0; s <= steps; s++) mark(gx[b]! + (dx * s) / steps, gy[b]! + (dy * s) / steps, 0.26);
    }
    // Points beyond the last row or column (the grid is capped at 4096 cells a side) sit in those cells.
    for (let cy = cy0; cy <= cy1; cy++) if (nx - 1 <= cx1) boundary[(cy - cy0) * bw + nx - 1 - cx0] = 1;
    if (ny - 1 <= cy1) boundary.fill(1, (ny - 1 - cy0) * bw, (ny - cy0) * bw);
    // cell 0 also holds the points with NaN coordinates (#cellIndex): test them one by one (never inside)
    if (cx0 === 0 && cy0 === 0) boundary[0] = 1;

    const n = this.#coords.length / 2;
    const taken = new Uint8Array(n);
    let count = 0;
    const crossings: number[] = [];
    for (let cy = cy0; cy <= cy1; cy++) {
      // Crossings of the row's centre line by the polygon, the rule of pointInPolygon.
      const yc = cy + 0.5;
      crossings.length = 0;
      for (let a = 0, b = poly.length - 1; a < poly.length; b = a++) {
        const ya = gy[a]!, yb = gy[b]!;
        if (ya > yc !== yb > yc) crossings.push(((gx[b]! - gx[a]!) * (yc - ya)) / (yb - ya) + gx[a]!);
      }
      crossings.sort((p, q) => p - q);
      let right = 0; // crossings left of the current cell centre
      for (let cx = cx0; cx <= cx1; cx++) {
        const c = cy * nx + cx;
        const lo = this.#start[c]!, hi = this.#start[c + 1]!;
        if (lo === hi) continue;
        if (boundary[(cy - cy0) * bw + cx - cx0]) {
          for (let q = lo; q < hi; q++) {
            const i = this.#items[q]!;
            const px = proj.ax * this.#coords[2 * i]! + proj.bx, py = proj.ay * this.#coords[2 * i + 1]! + proj.by;
            if (pointInPolygon(px, py, poly) && visible(i)) { taken[i] = 1; count++; }
          }
          continue;
        }
        const xc = cx + 0.5;
        while (right < crossings.length && crossings[right]! < xc) right++;
        if ((crossings.length - right) % 2 === 0) continue;
        for (let q = lo; q < hi; q++) {
          const i = this.#items[q]!;
          if (visible(i)) { taken[i] = 1; count++; }
        }
      }
    }
    const out = new Int32Array(count);
    for (let i = 0, k = 0; k < count; i++) if (taken[i]) out[k++] = i;
    return out;
  }

  /**
   * A drawing order whose every prefix is a spatially stratified sample: point j (scrambled) of a cell
   * holding k points gets the key (j + u)/k with u the cell's offset in [0, 1), and the order sorts the keys
   * (by buckets). A prefix of m of the n points then holds about m/n of each cell's points (±1): the density
   * of the map is kept, and the order is the same on every run.
   */
  stratifiedOrder(): Uint32Array {
    const n = this.#coords.length / 2;
    const buckets = Math.max(1, Math.min(65536, n));
    const bucketOf = new Int32Array(n);
    const counts = new Int32Array(buckets + 1);
    const cells = this.#nx * this.#ny;
    for (let c = 0; c < cells; c++) {
      const lo = this.#start[c]!, k = this.#start[c + 1]! - lo;
      if (k === 0) continue;
      const u = (c * GOLDEN) % 1;
      const s = k % SCRAMBLE === 0 ? 1 : SCRAMBLE;
      const o = c % k;
      for (let j = 0; j < k; j++) {
        const key = (((j * s + o) % k) + u) / k;
        const b = Math.min(buckets - 1, Math.floor(key * buckets));
        bucketOf[lo + j] = b;
        counts[b + 1]!++;
      }
    }
    for (let b = 0; b < buckets; b++) counts[b + 1]! += counts[b]!;
    const order = new Uint32Array(n);
    for (let q = 0; q < n; q++) order[counts[bucketOf[q]!]!++] = this.#items[q]!;
    return order;
  }
}

/** [min, max] of `v`. */
function extent(v: readonly number[]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const x of v) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}
