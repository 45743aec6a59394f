/** Uniform-grid spatial index over 2-D points (≈4 points per cell): nearest point within a radius. */
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
    const cx = Math.min(this.#nx - 1, Math.max(0, Math.floor((x - this.#x0) / this.#cell)));
    const cy = Math.min(this.#ny - 1, Math.max(0, Math.floor((y - this.#y0) / this.#cell)));
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
}
