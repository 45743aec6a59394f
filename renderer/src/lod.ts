/**
 * Level of detail for the point map on slow (software) GL. The point buffers hold the points in a
 * spatially stratified order (GridIndex.stratifiedOrder), so any prefix is a faithful thinning of the map:
 * - while the user pans or zooms (and during a layout animation), each frame draws one prefix of
 *   `budget` points in one draw call;
 * - once the view has been still for SETTLE_MS, the whole buffer is drawn in consecutive ranges of
 *   `budget` points, one per frame, each added to the canvas, until every point is on it: the settled
 *   picture is exactly the one draw of all points (same order, same blending).
 * `budget` follows the measured cost of those ranges (the time between consecutive animation frames) so
 * that a frame takes about TARGET_MS: a GPU draws everything in every frame, software GL a share of it.
 * On software GL, maps above ALWAYS_WHOLE are splatted on the CPU instead (splat.ts, `splatWhole`): a
 * prefix sized by the measured splat time while the view moves, every point in the first still frame.
 */

export const SETTLE_MS = 150;
export const TARGET_MS = 60;
export const MIN_BUDGET = 20_000;
export const START_BUDGET = 200_000;
/** Maps this small are drawn whole in every frame whatever the budget. */
export const ALWAYS_WHOLE = 200_000;

export interface Step {
  readonly first: number;
  readonly count: number;
  /** The first range of a picture: clear the canvas and redraw axes and overlays. */
  readonly clear: boolean;
  /** Every point is on the canvas after this step. */
  readonly complete: boolean;
  /** Another frame is needed (more ranges to add). */
  readonly more: boolean;
  /** Draw all points by CPU splatting (gl-points.ts DrawState.splat) rather than as point sprites. */
  readonly splat: boolean;
}

export class LevelOfDetail {
  budget = START_BUDGET;
  /** Off: every frame draws every point. */
  enabled = true;
  /**
   * On software GL, maps above ALWAYS_WHOLE are drawn by CPU splatting (splat.ts): every frame splats a
   * prefix of `splatBudget` points (all of them when that fits in TARGET_MS), and once the view settles
   * (or when `enabled` is off) one splat of every point completes the picture in one frame.
   */
  splatWhole = false;
  /** Points one splatting frame takes, adapted to the measured splat time (see splatTook). */
  splatBudget = Number.MAX_SAFE_INTEGER;
  #lastInteraction = -Infinity;
  /** Points of the settled picture drawn so far (0: start a new picture). */
  #drawn = 0;
  /** Size and time of the previous range when it was part of the same settled picture. */
  #prevCount = 0;
  #prevAt = 0;

  /** The user moved the view now. */
  interacted(now: number): void {
    this.#lastInteraction = now;
    this.#drawn = 0;
  }

  /** Something changed what the picture shows: start it again. */
  restart(): void {
    this.#drawn = 0;
  }

  /** Milliseconds until the view counts as settled (0 when it is). */
  settlesIn(now: number): number {
    return Math.max(0, this.#lastInteraction + SETTLE_MS - now);
  }

  /** What to draw in the frame at `now` for n points. */
  step(now: number, n: number, animating: boolean): Step {
    const splat = this.splatWhole && n > ALWAYS_WHOLE;
    if (splat) {
      this.#prevCount = 0;
      const moving = this.enabled && (animating || this.settlesIn(now) > 0);
      const count = moving ? Math.min(n, this.splatBudget) : n;
      this.#drawn = count;
      return { first: 0, count, clear: true, complete: count >= n, more: false, splat: true };
    }
    if (n <= Math.max(this.budget, ALWAYS_WHOLE) || !this.enabled) {
      this.#drawn = n;
      this.#prevCount = 0;
      return { first: 0, count: n, clear: true, complete: true, more: false, splat: false };
    }
    if (animating || this.settlesIn(now) > 0) {
      this.#drawn = 0;
      this.#prevCount = 0;
      return { first: 0, count: this.budget, clear: true, complete: false, more: false, splat: false };
    }
    if (this.#drawn > 0 && this.#drawn < n && this.#prevCount > 0) this.#adapt(now - this.#prevAt, this.#prevCount, n);
    const first = this.#drawn >= n ? 0 : this.#drawn;
    const count = Math.min(n - first, this.budget);
    this.#drawn = first + count;
    this.#prevCount = count;
    this.#prevAt = now;
    return { first, count, clear: first === 0, complete: this.#drawn >= n, more: this.#drawn < n, splat: false };
  }

  /** A splat of `count` points took `ms` (measured around the draw call): aim the next at TARGET_MS. */
  splatTook(ms: number, count: number): void {
    if (!(ms > 0) || count <= 0) return;
    const aim = (count * TARGET_MS) / ms;
    // Grow at most 2× per frame (and only from a measured size), shrink at once.
    this.splatBudget = Math.round(Math.max(MIN_BUDGET, Math.min(2 * count, aim)));
  }

  /** A range of `count` points took `ms` (frame to frame): aim the next ones at TARGET_MS. */
  #adapt(ms: number, count: number, n: number): void {
    if (!(ms > 0)) return;
    const aim = (count * TARGET_MS) / ms;
    // Grow at most 2× per frame (a vsync-bound frame understates the speed), shrink at once.
    const next = Math.min(2 * this.budget, aim);
    this.budget = Math.round(Math.max(MIN_BUDGET, Math.min(n, next)));
  }
}

/** out[2k..2k+1] = xy[2·order[k]..]: the layout in drawing order. */
export function gatherXY(xy: Float32Array, order: Uint32Array): Float32Array {
  const out = new Float32Array(2 * order.length);
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    out[2 * k] = xy[2 * i]!;
    out[2 * k + 1] = xy[2 * i + 1]!;
  }
  return out;
}

/** RGBA8 colours (4 bytes a point) in drawing order. */
export function gatherRGBA(rgba: Uint8Array, order: Uint32Array): Uint8Array {
  const out = new Uint8Array(4 * order.length);
  if (rgba.byteOffset % 4 === 0 && rgba.length >= 4 * order.length) {
    const src = new Uint32Array(rgba.buffer, rgba.byteOffset, order.length);
    const dst = new Uint32Array(out.buffer);
    for (let k = 0; k < order.length; k++) dst[k] = src[order[k]!]!;
    return out;
  }
  for (let k = 0; k < order.length; k++) {
    const i = 4 * order[k]!;
    out[4 * k] = rgba[i] ?? 0;
    out[4 * k + 1] = rgba[i + 1] ?? 0;
    out[4 * k + 2] = rgba[i + 2] ?? 0;
    out[4 * k + 3] = rgba[i + 3] ?? 0;
  }
  return out;
}
