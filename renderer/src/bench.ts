/**
 * Rendering benchmark page (bench.html?n=100000): n synthetic points (12 Gaussian clusters on a ring, a
 * fixed seed), then, in headless Chromium (software GL), for test/e2e/render-bench.ts:
 * - upload: setCoords + setColours (grid index, stratified order, GPU buffers);
 * - interaction frames: 120 frames of zoom and pan with the level of detail on (what a user sees while
 *   moving the view);
 * - settle: after the last move, the time until every point is drawn and the longest frame meanwhile;
 * - full frames: 40 frames of the same motion with the level of detail off (every point every frame: by CPU
 *   splatting on software GL above 200k points), then 40 more with every point as a GL point sprite;
 * - hover pick: the grid index's nearest point at 2,000 screen positions;
 * - lasso: a polygon holding ~30 % of the points, through the grid index, checked against the
 *   brute-force point-in-polygon over all points.
 * bench.html?n=…&check=1 instead compares the indexed lasso with the brute force for many polygons and
 * views (test/e2e/render-lasso.test.ts); bench.html?picture=1 compares the CPU-splatted picture with the GL
 * one (bench-picture.ts, test/e2e/render-splat.test.ts). Results go to document.body.dataset.result (JSON).
 */
import { mulberry32 } from '../../src-core/linalg/random.js';
import { MapView } from './map-view.js';
import { pointColours } from './colours.js';
import { pictureChecks } from './bench-picture.js';
import { selectInPolygon, rectangle, type Polygon } from './selection.js';

// mulberry32: a small seeded generator, so that every run draws the same points
const rng = mulberry32;

async function frame(): Promise<number> {
  return new Promise((resolve) => requestAnimationFrame((t) => resolve(t)));
}

const quantile = (xs: readonly number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
const median = (xs: readonly number[]): number => quantile(xs, 0.5);

function sameRows(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Frame-to-frame times of `frames` frames of the scripted zoom and pan (and the draw calls' own times in `draws`). */
async function zoomFrames(view: MapView, frames: number, draws: number[] = []): Promise<number[]> {
  const ms: number[] = [];
  let last = await frame();
  for (let f = 0; f < frames; f++) {
    const k = 1 + 3 * (0.5 - 0.5 * Math.cos((f / 60) * Math.PI));
    view.zoomTo(k, -f * 2, -f); // schedules one redraw on the next animation frame, as a user's zoom does
    const now = await frame();
    ms.push(now - last);
    draws.push(view.lastDrawMs);
    last = now;
  }
  return ms;
}

/** Waits until every point is drawn; returns the time that took and the frame times meanwhile. */
async function settle(canvas: HTMLCanvasElement): Promise<{ ms: number; frames: number[] }> {
  const t0 = performance.now();
  const frames: number[] = [];
  let last = t0;
  while (canvas.dataset.complete !== 'true') {
    const now = await frame();
    frames.push(now - last);
    last = now;
    if (now - t0 > 120000) throw new Error('the map did not settle in 2 minutes');
  }
  return { ms: performance.now() - t0, frames };
}

/** A sector of the ring of clusters (about a third of them) as a lasso in screen pixels. */
function sector(view: MapView, from: number, to: number, radius: number, vertices: number): Polygon {
  const s = view.scales();
  const poly: [number, number][] = [[s.x(0), s.y(0)]];
  for (let v = 0; v <= vertices; v++) {
    const a = from + ((to - from) * v) / vertices;
    poly.push([s.x(radius * Math.cos(a)), s.y(radius * Math.sin(a))]);
  }
  return poly;
}

/** A random closed scribble around (cx, cy) with `k` vertices (self-intersecting when `wild`). */
function scribble(rand: () => number, cx: number, cy: number, r: number, k: number, wild: boolean): Polygon {
  const poly: [number, number][] = [];
  for (let v = 0; v < k; v++) {
    const a = wild ? rand() * 2 * Math.PI : (2 * Math.PI * v) / k;
    const rr = r * (0.4 + 0.6 * rand());
    poly.push([cx + rr * Math.cos(a), cy + rr * Math.sin(a)]);
  }
  return poly;
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const n = Math.max(1, Math.min(5_000_000, Number(params.get('n') ?? '100000')));
  const box = document.getElementById('map')!;
  const canvas = box.querySelector('canvas')!;
  const svg = box.querySelector('svg')!;
  const view = new MapView(canvas, svg, { onHover: () => undefined, onSelect: () => undefined });
  view.resize(box.clientWidth, box.clientHeight);
  view.pointSize = Number(params.get('size') ?? view.pointSize);
  const rand = rng(7);
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const coords = new Float32Array(2 * n);
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 12;
    const a = (c / 12) * 2 * Math.PI;
    coords[2 * i] = 10 * Math.cos(a) + gaussian();
    coords[2 * i + 1] = 10 * Math.sin(a) + gaussian();
    codes[i] = c;
  }
  const colourData = { kind: 'categorical' as const, name: 'group', codes, categories: Array.from({ length: 12 }, (_, k) => `g${k}`) };
  const t0 = performance.now();
  view.setCoords(coords, false);
  view.setColours(pointColours(n, colourData, new Set(), null));
  const uploadMs = performance.now() - t0;

  if (params.get('picture') !== null) {
    document.body.dataset.result = JSON.stringify({ renderer: view.renderer.mode, software: view.renderer.software, splatsByDefault: view.splatting, checks: pictureChecks(view, rand) });
    return;
  }

  if (params.get('check') !== null) {
    const checks = lassoChecks(view, coords, codes, rand);
    // No per-point DOM: the whole page's elements, with the map drawn and an overlay of n/2 interpolated cells.
    view.resetView();
    view.setOverlay(coords.subarray(0, n), null);
    await settle(canvas);
    const overlayPaths = Array.from(svg.querySelectorAll('g.interp path'), (p) => (p.getAttribute('d') ?? '').split('M').length - 1);
    document.body.dataset.result = JSON.stringify({ n, checks, elements: document.getElementsByTagName('*').length, overlayPaths });
    return;
  }

  const first = await settle(canvas);
  const interaction = await zoomFrames(view, 120);
  const settled = await settle(canvas);
  view.levelOfDetail = false;
  await settle(canvas);
  const fullDraws: number[] = [];
  const full = await zoomFrames(view, 40, fullDraws);
  // The same with every point as a point sprite (no CPU splatting): the full frame before the splat.
  const splatting = view.splatting;
  view.splatting = false;
  await settle(canvas);
  const fullGl = await zoomFrames(view, 40);
  view.splatting = splatting;
  view.levelOfDetail = true;
  view.resetView();
  await settle(canvas);

  // Hover: nearest visible point within 8 px at random positions of the plot.
  const { width, height } = view.size;
  const pickMs: number[] = [];
  let hits = 0;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    for (let q = 0; q < 400; q++) if (view.pick(44 + rand() * (width - 52), 8 + rand() * (height - 36)) >= 0) hits++;
    pickMs.push((performance.now() - t) / 400);
  }

  // Lasso: 4 of the 12 clusters (a 110° sector of the ring, 64 vertices on its arc).
  const poly = sector(view, -0.1, 1.82, 14, 64);
  const lassoMs: number[] = [];
  let rows: Int32Array = new Int32Array(0);
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    rows = view.selectPolygon(poly);
    lassoMs.push(performance.now() - t);
  }
  const tb = performance.now();
  const brute = selectInPolygon(coords, view.screenAffine(), poly, () => true);
  const bruteMs = performance.now() - tb;

  document.body.dataset.result = JSON.stringify({
    n,
    renderer: view.renderer.mode,
    uploadMs,
    firstPictureMs: first.ms,
    budget: view.frameBudget,
    interactionMedianMs: median(interaction),
    interactionP95Ms: quantile(interaction, 0.95),
    settleMs: settled.ms,
    settleMaxFrameMs: settled.frames.length ? Math.max(...settled.frames) : 0,
    fullMedianMs: median(full),
    fullP95Ms: quantile(full, 0.95),
    splatting,
    fullDrawMs: median(fullDraws),
    fullGlMedianMs: median(fullGl),
    fullGlP95Ms: quantile(fullGl, 0.95),
    pickMs: median(pickMs),
    pickHits: hits / 2000,
    lassoMs: median(lassoMs),
    lassoShare: rows.length / n,
    lassoEqualsBruteForce: sameRows(rows, brute),
    bruteLassoMs: bruteMs,
  });
}

/** The indexed lasso against the brute force, for many polygons, views and hidden categories. */
function lassoChecks(view: MapView, coords: Float32Array, codes: Int32Array, rand: () => number): { name: string; count: number; equal: boolean }[] {
  const out: { name: string; count: number; equal: boolean }[] = [];
  const check = (name: string, poly: Polygon, visible: (i: number) => boolean): void => {
    view.visible = visible;
    const rows = view.selectPolygon(poly);
    const brute = selectInPolygon(coords, view.screenAffine(), poly, visible);
    out.push({ name, count: rows.length, equal: sameRows(rows, brute) });
  };
  const all = (): boolean => true;
  const { width, height } = view.size;
  const views: [string, number, number, number][] = [['whole map', 1, 0, 0], ['zoomed 7.3× and panned', 7.3, -2900, -2300], ['zoomed out 0.6×', 0.6, 200, 150]];
  for (const [label, k, x, y] of views) {
    view.zoomTo(k, x, y);
    check(`${label}: sector of the ring`, sector(view, -0.1, 1.82, 14, 64), all);
    check(`${label}: rectangle`, rectangle([width * 0.3, height * 0.2], [width * 0.71, height * 0.64]), all);
    for (let t = 0; t < 6; t++) {
      const wild = t % 2 === 1;
      const poly = scribble(rand, width * (0.2 + 0.6 * rand()), height * (0.2 + 0.6 * rand()), Math.min(width, height) * (0.05 + 0.4 * rand()), 3 + Math.floor(rand() * 300), wild);
      check(`${label}: ${wild ? 'self-intersecting ' : ''}scribble ${t}`, poly, all);
    }
    check(`${label}: sector, odd clusters hidden`, sector(view, -0.1, 1.82, 14, 64), (i) => codes[i]! % 2 === 0);
    const s = view.scales();
    check(`${label}: tiny lasso`, scribble(rand, s.x(10), s.y(0), 3, 12, false), all);
    check(`${label}: lasso around the whole view`, [[-50, -50], [width + 50, -40], [width + 40, height + 50], [-40, height + 40]], all);
  }
  return out;
}

main().catch((e: unknown) => {
  document.body.dataset.result = JSON.stringify({ error: e instanceof Error ? e.message : String(e) });
});
