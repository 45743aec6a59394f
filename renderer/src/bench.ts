/**
 * Rendering benchmark page (bench.html?n=100000): n synthetic points in 12 categories, then 120 frames
 * of zoom and pan; reports per-frame times on document.body.dataset.result (JSON) for
 * test/e2e/render-bench.ts. Software GL in headless Chromium: compare figures relative to each other.
 */
import { MapView } from './map-view.js';
import { pointColours } from './colours.js';

function gaussian(): number {
  return Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
}

async function frame(): Promise<number> {
  return new Promise((resolve) => requestAnimationFrame((t) => resolve(t)));
}

async function main(): Promise<void> {
  const n = Math.max(1, Math.min(5_000_000, Number(new URLSearchParams(location.search).get('n') ?? '100000')));
  const box = document.getElementById('map')!;
  const canvas = box.querySelector('canvas')!;
  const svg = box.querySelector('svg')!;
  const view = new MapView(canvas, svg, { onHover: () => undefined, onSelect: () => undefined });
  view.resize(box.clientWidth, box.clientHeight);
  const coords = new Float32Array(2 * n);
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 12;
    const a = (c / 12) * 2 * Math.PI;
    coords[2 * i] = 10 * Math.cos(a) + gaussian();
    coords[2 * i + 1] = 10 * Math.sin(a) + gaussian();
    codes[i] = c;
  }
  const t0 = performance.now();
  view.setCoords(coords, false);
  view.setColours(pointColours(n, { kind: 'categorical', name: 'group', codes, categories: Array.from({ length: 12 }, (_, k) => `g${k}`) }, new Set(), null));
  const uploadMs = performance.now() - t0;
  await frame();
  await frame();
  const frameMs: number[] = [];
  let last = await frame();
  for (let f = 0; f < 120; f++) {
    const k = 1 + 3 * (0.5 - 0.5 * Math.cos((f / 60) * Math.PI));
    view.zoomTo(k, -f * 2, -f); // schedules one redraw on the next animation frame, as a user's zoom does
    const now = await frame();
    frameMs.push(now - last);
    last = now;
  }
  const q = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
  document.body.dataset.result = JSON.stringify({
    n,
    renderer: view.renderer.mode,
    uploadMs,
    frameMedianMs: q(frameMs, 0.5),
    frameP95Ms: q(frameMs, 0.95),
  });
}

main().catch((e: unknown) => {
  document.body.dataset.result = JSON.stringify({ error: e instanceof Error ? e.message : String(e) });
});
