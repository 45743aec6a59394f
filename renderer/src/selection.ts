/** Lasso / rectangle selection in screen space. */

export type Polygon = readonly (readonly [number, number])[];

/** Data → screen pixels on each axis: px = ax·x + bx, py = ay·y + by (the map's linear scales). */
export interface Affine {
  readonly ax: number;
  readonly bx: number;
  readonly ay: number;
  readonly by: number;
}

export function pointInPolygon(x: number, y: number, poly: Polygon): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!;
    const [xj, yj] = poly[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Rows whose screen position falls inside the polygon and that `visible` accepts, testing every point:
 * the reference the grid index's selectInPolygon (what the map uses) is checked against.
 */
export function selectInPolygon(coords: Float32Array, proj: Affine, poly: Polygon, visible: (i: number) => boolean): Int32Array {
  if (poly.length < 3) return new Int32Array(0);
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const [x, y] of poly) {
    x0 = Math.min(x0, x); x1 = Math.max(x1, x);
    y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  const out: number[] = [];
  const n = coords.length / 2;
  for (let i = 0; i < n; i++) {
    const px = proj.ax * coords[2 * i]! + proj.bx, py = proj.ay * coords[2 * i + 1]! + proj.by;
    if (px < x0 || px > x1 || py < y0 || py > y1) continue;
    if (pointInPolygon(px, py, poly) && visible(i)) out.push(i);
  }
  return Int32Array.from(out);
}

export function rectangle(a: readonly [number, number], b: readonly [number, number]): Polygon {
  return [[a[0], a[1]], [b[0], a[1]], [b[0], b[1]], [a[0], b[1]]];
}
