/**
 * The CPU-splatted picture (splat.ts) against the GL point sprites' picture of the same map and view, for
 * test/e2e/render-splat.test.ts (bench.html?picture=1). Both are read back through a 2D canvas and compared
 * premultiplied: at the centre pixel of every isolated point in view (its colour, selection dimming), at
 * background pixels between them, and over the whole image; then over a dense map of overlapping points.
 */
import type { ClipMapping } from './gl-points.js';
import { MapView } from './map-view.js';
import { pointColours } from './colours.js';

export interface PictureCheck {
  name: string;
  /** Isolated points whose centre pixel was compared. */
  points: number;
  /** Of those, points whose GL centre pixel is inked (alpha > 0). */
  inked: number;
  /** Largest difference of a premultiplied channel at those centre pixels. */
  maxCentreDiff: number;
  /** Background pixels (between the isolated points) compared, and how many were not blank in either picture. */
  background: number;
  backgroundInked: number;
  /** Pixels with any ink in the GL / splatted picture. */
  glInked: number;
  splatInked: number;
  /** Pixels where a premultiplied channel differs by more than 32 (of 255), and the mean absolute difference. */
  differing: number;
  meanDiff: number;
}

/** The canvas's pixels, premultiplied RGBA8 (read through a 2D canvas, which hands them back unpremultiplied). */
function capture(canvas: HTMLCanvasElement): Uint8ClampedArray {
  const copy = document.createElement('canvas');
  copy.width = canvas.width;
  copy.height = canvas.height;
  const ctx = copy.getContext('2d')!;
  ctx.drawImage(canvas, 0, 0);
  const px = ctx.getImageData(0, 0, copy.width, copy.height).data;
  for (let o = 0; o < px.length; o += 4) {
    const a = px[o + 3]! / 255;
    px[o] = px[o]! * a;
    px[o + 1] = px[o + 1]! * a;
    px[o + 2] = px[o + 2]! * a;
  }
  return px;
}

/** Draws the view's complete picture now, as GL point sprites or by splatting, and reads it back. */
function picture(view: MapView, splat: boolean): Uint8ClampedArray {
  view.levelOfDetail = false;
  view.splatting = splat;
  view.draw();
  return capture(view.canvas);
}

/** The view's data → clip mapping (as map-view.ts hands it to the renderer). */
function clipMapping(view: MapView): ClipMapping {
  const s = view.scales(), { width, height } = view.size;
  const ax = s.x(1) - s.x(0), bx = s.x(0), ay = s.y(1) - s.y(0), by = s.y(0);
  return { sx: (2 * ax) / width, tx: (2 * bx) / width - 1, sy: (-2 * ay) / height, ty: 1 - (2 * by) / height };
}

/** Halfway through a layout animation from `from` (data shifted by `shift`) to the view's layout, drawn by the renderer directly. */
function animatedPicture(view: MapView, from: Float32Array, to: Float32Array, shift: readonly [number, number], splat: boolean): Uint8ClampedArray {
  const m = clipMapping(view);
  const f: ClipMapping = { sx: m.sx, tx: m.tx + m.sx * shift[0], sy: m.sy, ty: m.ty + m.sy * shift[1] };
  view.renderer.setPositions(from, to);
  view.renderer.draw({ from: f, to: m, mix: 0.5, pointSize: view.pointSize, opacity: view.opacity, splat });
  return capture(view.canvas);
}

function channelDiff(a: Uint8ClampedArray, b: Uint8ClampedArray, o: number): number {
  return Math.max(Math.abs(a[o]! - b[o]!), Math.abs(a[o + 1]! - b[o + 1]!), Math.abs(a[o + 2]! - b[o + 2]!), Math.abs(a[o + 3]! - b[o + 3]!));
}

function compare(name: string, view: MapView, dpr: number, isolated: Float32Array, between: Float32Array, draw: (splat: boolean) => Uint8ClampedArray = (splat) => picture(view, splat)): PictureCheck {
  const gl = draw(false);
  const sp = draw(true);
  const w = view.canvas.width, h = view.canvas.height;
  const s = view.scales();
  const at = (x: number, y: number): number => {
    const px = Math.floor(s.x(x) * dpr), py = Math.floor(s.y(y) * dpr);
    return px >= 0 && py >= 0 && px < w && py < h ? 4 * (py * w + px) : -1;
  };
  const out: PictureCheck = { name, points: 0, inked: 0, maxCentreDiff: 0, background: 0, backgroundInked: 0, glInked: 0, splatInked: 0, differing: 0, meanDiff: 0 };
  for (let i = 0; i < isolated.length / 2; i++) {
    const o = at(isolated[2 * i]!, isolated[2 * i + 1]!);
    if (o < 0) continue;
    out.points++;
    if (gl[o + 3]! > 0) out.inked++;
    out.maxCentreDiff = Math.max(out.maxCentreDiff, channelDiff(gl, sp, o));
  }
  for (let i = 0; i < between.length / 2; i++) {
    const o = at(between[2 * i]!, between[2 * i + 1]!);
    if (o < 0) continue;
    out.background++;
    if (gl[o + 3]! > 0 || sp[o + 3]! > 0) out.backgroundInked++;
  }
  let sum = 0;
  for (let o = 0; o < gl.length; o += 4) {
    if (gl[o + 3]! > 0) out.glInked++;
    if (sp[o + 3]! > 0) out.splatInked++;
    const d = channelDiff(gl, sp, o);
    if (d > 32) out.differing++;
    sum += Math.abs(gl[o]! - sp[o]!) + Math.abs(gl[o + 1]! - sp[o + 1]!) + Math.abs(gl[o + 2]! - sp[o + 2]!) + Math.abs(gl[o + 3]! - sp[o + 3]!);
  }
  out.meanDiff = sum / gl.length;
  return out;
}

/**
 * `view` is the page's map. Isolated: a jittered 20 × 20 grid of points of 10 category colours (every third
 * one left out of a selection, so dimmed) over 250k points of an 11th, hidden category spread across the same
 * square; at point sizes 4 and 1, device pixel ratios 1 and 2, the whole map and zoomed in. Dense: 12
 * overlapping Gaussian clusters of 250k points in all, colour by cluster.
 */
export function pictureChecks(view: MapView, rand: () => number): PictureCheck[] {
  const checks: PictureCheck[] = [];
  const { width, height } = view.size;
  const grid = 20, hiddenN = 250_000;
  const n = grid * grid + hiddenN;
  const coords = new Float32Array(2 * n);
  const codes = new Int32Array(n);
  const between = new Float32Array(2 * grid * grid);
  for (let k = 0; k < grid * grid; k++) {
    const gx = k % grid, gy = Math.floor(k / grid);
    coords[2 * k] = gx + 0.3 * (rand() - 0.5);
    coords[2 * k + 1] = gy + 0.3 * (rand() - 0.5);
    codes[k] = k % 10;
    between[2 * k] = gx + 0.5;
    between[2 * k + 1] = gy + 0.5;
  }
  for (let i = grid * grid; i < n; i++) {
    coords[2 * i] = -0.5 + grid * rand();
    coords[2 * i + 1] = -0.5 + grid * rand();
    codes[i] = 10;
  }
  const selected = new Uint8Array(n);
  for (let k = 0; k < grid * grid; k++) selected[k] = k % 3 === 0 ? 0 : 1;
  const data = { kind: 'categorical' as const, name: 'group', codes, categories: Array.from({ length: 11 }, (_, k) => `g${k}`) };
  view.setCoords(coords, false);
  view.setColours(pointColours(n, data, new Set([10]), selected));
  const isolated = coords.subarray(0, 2 * grid * grid);
  for (const dpr of [1, 2]) {
    view.renderer.resize(width, height, dpr);
    for (const size of [4, 1]) {
      view.pointSize = size;
      for (const [label, k, x, y] of [['whole map', 1, 0, 0], ['zoomed 2.5× and panned', 2.5, -700, -500]] as const) {
        view.zoomTo(k, x, y);
        checks.push(compare(`isolated, size ${size}, dpr ${dpr}, ${label}`, view, dpr, isolated, between));
      }
    }
  }
  view.renderer.resize(width, height, 1);
  view.zoomTo(1, 0, 0);
  view.pointSize = 4;
  // A re-run's animation halfway: the old layout is the grid moved by −2·shift, drawn through a mapping moved
  // by +shift; mixed half and half with the grid itself, every point lands at its grid position − shift/2.
  {
    const shift = [3.3, -2.1] as const;
    const old = new Float32Array(coords.length);
    for (let i = 0; i < n; i++) {
      old[2 * i] = coords[2 * i]! - 2 * shift[0];
      old[2 * i + 1] = coords[2 * i + 1]! - 2 * shift[1];
    }
    const mid = new Float32Array(isolated.length), midBetween = new Float32Array(between.length);
    for (let i = 0; i < isolated.length; i += 2) {
      mid[i] = isolated[i]! - shift[0] / 2;
      mid[i + 1] = isolated[i + 1]! - shift[1] / 2;
      midBetween[i] = between[i]! - shift[0] / 2;
      midBetween[i + 1] = between[i + 1]! - shift[1] / 2;
    }
    const order = view.drawingOrder();
    const gather = (xy: Float32Array): Float32Array => {
      const out = new Float32Array(xy.length);
      for (let k = 0; k < order.length; k++) {
        out[2 * k] = xy[2 * order[k]!]!;
        out[2 * k + 1] = xy[2 * order[k]! + 1]!;
      }
      return out;
    };
    const fromXY = gather(old), toXY = gather(coords);
    checks.push(compare('isolated, size 4, dpr 1, halfway through a layout animation', view, 1, mid, midBetween, (splat) => animatedPicture(view, fromXY, toXY, shift, splat)));
  }
  const m = 250_000;
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const dense = new Float32Array(2 * m);
  const denseCodes = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const c = i % 12, a = (c / 12) * 2 * Math.PI;
    dense[2 * i] = 10 * Math.cos(a) + gaussian();
    dense[2 * i + 1] = 10 * Math.sin(a) + gaussian();
    denseCodes[i] = c;
  }
  view.setCoords(dense, false);
  view.setColours(pointColours(m, { kind: 'categorical', name: 'group', codes: denseCodes, categories: Array.from({ length: 12 }, (_, k) => `g${k}`) }, new Set(), null));
  checks.push(compare('dense, 250k overlapping points, size 4', view, 1, new Float32Array(0), new Float32Array(0)));
  return checks;
}
