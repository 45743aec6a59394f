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

const SHIFT = 3;
const TILE = 1 << SHIFT;

/** Are tiles [tx0, tx1] × [ty0, ty1] all opaque? (tiles cut by the image's edge never count as opaque) */
function hidden(opaque: Uint8Array, tw: number, tx0: number, tx1: number, ty0: number, ty1: number): boolean {
  for (let ty = ty0; ty <= ty1; ty++) for (let tx = tx0; tx <= tx1; tx++) if (opaque[ty * tw + tx] !== TILE * TILE) return false;
  return true;
}

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
 * A point's coverage of the pixels around it for each of the SUB × SUB positions of its centre inside a pixel:
 * for centre (ix + qx/SUB, iy + qy/SUB), pixel (ix + dx0 + u, iy + dy0 + v) has coverage cover[v·span + u].
 */
interface Footprints {
  readonly span: number;
  readonly dx0: Int32Array;
  readonly cover: Float64Array;
}

let lastFootprints: { size: number; f: Footprints } | null = null;

/** The footprints for a point size (the last size's kept: every frame of a view asks for the same). */
function footprintsFor(size: number): Footprints {
  if (lastFootprints?.size !== size) lastFootprints = { size, f: footprints(size) };
  return lastFootprints.f;
}

function footprints(size: number): Footprints {
  const half = size / 2, inv = 1 / half;
  const dx0 = new Int32Array(SUB);
  for (let q = 0; q < SUB; q++) dx0[q] = Math.ceil(q / SUB - half - 0.5);
  // pixels whose centre (x + 0.5) lies in [c − half, c + half), as offsets from floor(c)
  const last = (q: number): number => Math.ceil(q / SUB + half - 0.5) - 1;
  let span = 0;
  for (let q = 0; q < SUB; q++) span = Math.max(span, last(q) - dx0[q]! + 1);
  const cover = new Float64Array(SUB * SUB * span * span);
  for (let qy = 0; qy < SUB; qy++) {
    for (let qx = 0; qx < SUB; qx++) {
      const base = (qy * SUB + qx) * span * span;
      for (let v = 0; v < span && dx0[qy]! + v <= last(qy); v++) {
        const dy = (dx0[qy]! + v + 0.5 - qy / SUB) * inv;
        for (let u = 0; u < span && dx0[qx]! + u <= last(qx); u++) {
          const dx = (dx0[qx]! + u + 0.5 - qx / SUB) * inv;
          cover[base + v * span + u] = discCoverage(dx * dx + dy * dy);
        }
      }
    }
  }
  return { span, dx0, cover };
}

/**
 * Composites the points (xy pairs in drawing order; `from`/`to` layouts mixed as in the shader) into `out`,
 * a premultiplied RGBA8 image of width × height, rows from the top. `out` is cleared first.
 */
export function splatPoints(out: Uint8ClampedArray, width: number, height: number, from: Float32Array, to: Float32Array, rgba: Uint8Array, s: SplatState): void {
  out.fill(0);
  // one pixel a 32-bit word, R in the low byte (every browser's typed arrays are little-endian)
  const px = new Uint32Array(out.buffer, out.byteOffset, out.length >> 2);
  const n = Math.min(to.length >> 1, from.length >> 1, rgba.length >> 2, Math.max(0, Math.floor(s.count ?? Infinity)));
  const size = Math.max(1, s.sizePx);
  const { span, dx0, cover } = footprintsFor(size);
  const reach = size / 2 + 1;
  // clip → window pixels: wx = (clip_x + 1)/2 · width, wy = (1 − clip_y)/2 · height (rows from the top)
  const ax = (s.to.sx * width) / 2, bx = ((s.to.tx + 1) * width) / 2;
  const ay = (-s.to.sy * height) / 2, by = ((1 - s.to.ty) * height) / 2;
  const fx = (s.from.sx * width) / 2, gx = ((s.from.tx + 1) * width) / 2;
  const fy = (-s.from.sy * height) / 2, gy = ((1 - s.from.ty) * height) / 2;
  const mix = s.mix;
  const animating = mix < 1 && from !== to;
  const opacity = s.opacity / 255;
  // Opaque pixels per tile of TILE × TILE: a point whose square lies in opaque tiles only is hidden.
  const tw = Math.ceil(width / TILE);
  const opaque = new Uint8Array(tw * Math.ceil(height / TILE));
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
    if (!(cx > -reach && cx < width + reach && cy > -reach && cy < height + reach)) continue;
    const kx = Math.round(cx * SUB), ky = Math.round(cy * SUB);
    const qx = kx & (SUB - 1), qy = ky & (SUB - 1);
    const fx0 = ((kx - qx) / SUB) + dx0[qx]!, fy0 = ((ky - qy) / SUB) + dx0[qy]!;
    const x0 = Math.max(0, fx0), x1 = Math.min(width - 1, fx0 + span - 1);
    const y0 = Math.max(0, fy0), y1 = Math.min(height - 1, fy0 + span - 1);
    if (x0 > x1 || y0 > y1) continue;
    if (hidden(opaque, tw, x0 >> SHIFT, x1 >> SHIFT, y0 >> SHIFT, y1 >> SHIFT)) continue;
    const r = rgba[4 * i]!, g = rgba[4 * i + 1]!, b = rgba[4 * i + 2]!;
    const base = (qy * SUB + qx) * span * span;
    for (let y = y0; y <= y1; y++) {
      const row = base + (y - fy0) * span - fx0;
      let o = y * width + x0;
      for (let x = x0; x <= x1; x++, o++) {
        const c = cover[row + x]!;
        if (c === 0) continue;
        const p = px[o]!;
        const A = p >>> 24;
        if (A === 255) continue;
        // this point's alpha (0..1) times the share of light still passing through what is on top;
        // rounded to the nearest byte like GL's blending, premultiplied colour never above alpha
        const a = alpha * c * ((255 - A) / 255);
        let nr = ((p & 255) + r * a + 0.5) | 0, ng = (((p >>> 8) & 255) + g * a + 0.5) | 0, nb = (((p >>> 16) & 255) + b * a + 0.5) | 0, na = (A + 255 * a + 0.5) | 0;
        if (na > 255) na = 255;
        if (nr > na) nr = na;
        if (ng > na) ng = na;
        if (nb > na) nb = na;
        px[o] = nr | (ng << 8) | (nb << 16) | (na << 24);
        if (na === 255) opaque[(y >> SHIFT) * tw + (x >> SHIFT)]++;
      }
    }
  }
}
