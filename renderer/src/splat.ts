/**
 * CPU splatting of the point map (issue 12): for one view, every point's disc is composited into an RGBA8
 * image at canvas resolution, which the GL renderer then shows as one textured quad. Software GL
 * (SwiftShader) pays per rasterized point sprite; a tight loop over typed arrays pays per covered pixel and
 * skips pixels that are already opaque, so a complete picture of a million points fits in a frame.
 *
 * Same picture as gl-points.ts's shader: a point of size S device pixels centred at window position
 * (cx, cy) covers the pixels whose centres lie in the S × S square around it; with c = (centre of pixel −
 * (cx, cy)) / (S/2) and r = |c|², its coverage is 1 − smoothstep(0.7, 1, r) (none for r > 1); its colour is
 * the point's RGB with alpha = its alpha × opacity × coverage, premultiplied. GL composites in drawing order
 * with "over" (later points on top); here the points are visited in reverse drawing order and composited
 * "under" what is already there (the same picture, algebraically), so a pixel that is opaque ends the work
 * for every further point below it.
 */
import type { ClipMapping } from './gl-points.js';

/** SwiftShader snaps window positions to 1/16 pixel; so does the splat (same pixels, same coverage). */
const SUB = 16;

export interface SplatState {
  readonly from: ClipMapping;
  readonly to: ClipMapping;
  readonly mix: number;
  /** Device pixels (CSS point size × device pixel ratio). */
  readonly sizePx: number;
  readonly opacity: number;
  /** Splat only the first `count` points of the drawing order (default all): a thinned picture. */
  readonly count?: number;
}

/** 1 − smoothstep(0.7, 1, r): the disc's coverage at squared radius r (GLSL's smoothstep). */
export function discCoverage(r: number): number {
  if (r >= 1) return 0;
  if (r <= 0.7) return 1;
  const t = (r - 0.7) / 0.3;
  return 1 - t * t * (3 - 2 * t);
}

/**
 * Composites the points (xy pairs in drawing order; `from`/`to` layouts mixed as in the shader) into `out`,
 * a premultiplied RGBA8 image of width × height, rows from the top. `out` is cleared first.
 */
export function splatPoints(out: Uint8ClampedArray, width: number, height: number, from: Float32Array, to: Float32Array, rgba: Uint8Array, s: SplatState): void {
  out.fill(0);
  const n = Math.min(to.length >> 1, from.length >> 1, rgba.length >> 2, Math.max(0, Math.floor(s.count ?? Infinity)));
  const size = Math.max(1, s.sizePx);
  const half = size / 2;
  const inv = 1 / half;
  // clip → window pixels: wx = (clip_x + 1)/2 · width, wy = (1 − clip_y)/2 · height (rows from the top)
  const ax = (s.to.sx * width) / 2, bx = ((s.to.tx + 1) * width) / 2;
  const ay = (-s.to.sy * height) / 2, by = ((1 - s.to.ty) * height) / 2;
  const fx = (s.from.sx * width) / 2, gx = ((s.from.tx + 1) * width) / 2;
  const fy = (-s.from.sy * height) / 2, gy = ((1 - s.from.ty) * height) / 2;
  const mix = s.mix;
  const animating = mix < 1 && from !== to;
  const opacity = s.opacity / 255;
  for (let i = n - 1; i >= 0; i--) {
    const alpha = rgba[4 * i + 3]! * opacity;
    if (alpha <= 0) continue;
    let cx = to[2 * i]! * ax + bx;
    let cy = to[2 * i + 1]! * ay + by;
    if (animating) {
      const px = from[2 * i]! * fx + gx, py = from[2 * i + 1]! * fy + gy;
      cx = px + (cx - px) * mix;
      cy = py + (cy - py) * mix;
    }
    cx = Math.round(cx * SUB) / SUB;
    cy = Math.round(cy * SUB) / SUB;
    // pixels whose centre (x + 0.5) lies in [cx − half, cx + half)
    const x0 = Math.max(0, Math.ceil(cx - half - 0.5)), x1 = Math.min(width - 1, Math.ceil(cx + half - 0.5) - 1);
    const y0 = Math.max(0, Math.ceil(cy - half - 0.5)), y1 = Math.min(height - 1, Math.ceil(cy + half - 0.5) - 1);
    if (x0 > x1 || y0 > y1) continue;
    const r = rgba[4 * i]!, g = rgba[4 * i + 1]!, b = rgba[4 * i + 2]!;
    for (let y = y0; y <= y1; y++) {
      const dy = (y + 0.5 - cy) * inv;
      const dy2 = dy * dy;
      if (dy2 >= 1) continue;
      let o = 4 * (y * width + x0);
      for (let x = x0; x <= x1; x++, o += 4) {
        const under = 255 - out[o + 3]!;
        if (under === 0) continue;
        const dx = (x + 0.5 - cx) * inv;
        const rr = dx * dx + dy2;
        if (rr >= 1) continue;
        // this point's alpha (0..1) times the share of light still passing through what is on top
        const a = (rr <= 0.7 ? alpha : alpha * discCoverage(rr)) * (under / 255);
        out[o] = out[o]! + r * a;
        out[o + 1] = out[o + 1]! + g * a;
        out[o + 2] = out[o + 2]! + b * a;
        out[o + 3] = out[o + 3]! + 255 * a;
      }
    }
  }
}
