/**
 * Rendering benchmark (not part of `npm test`): the map at 100k and 1M points in headless Chromium,
 * through `isotherm serve`'s bench page (renderer/src/bench.ts says what each figure is). Here Chromium
 * renders WebGL in software (SwiftShader): read the figures relative to each other, not as what a GPU
 * laptop does.
 *   node dist/test/e2e/render-bench.js [N ...]
 * Under `node --test` (which runs every file in dist/test/) it does nothing.
 */
import { benchPageResult, browserSkip, launchBrowser, startServe } from './harness.js';

interface BenchResult {
  n: number;
  renderer: string;
  uploadMs: number;
  firstPictureMs: number;
  budget: number;
  interactionMedianMs: number;
  interactionP95Ms: number;
  settleMs: number;
  settleMaxFrameMs: number;
  fullMedianMs: number;
  fullP95Ms: number;
  splatting: boolean;
  fullDrawMs: number;
  fullGlMedianMs: number;
  fullGlP95Ms: number;
  pickMs: number;
  pickHits: number;
  lassoMs: number;
  lassoShare: number;
  lassoEqualsBruteForce: boolean;
  bruteLassoMs: number;
  error?: string;
}

async function main(): Promise<void> {
  const skip = browserSkip();
  if (skip) {
    console.log(skip);
    return;
  }
  const sizes = process.argv.slice(2).map(Number).filter((x) => Number.isInteger(x) && x > 0);
  // ISOTHERM_POINT_SIZE: CSS pixels (the app's default 4), to tell fragment from vertex cost apart.
  const size = Number(process.env.ISOTHERM_POINT_SIZE ?? 4);
  const served = await startServe();
  const browser = await launchBrowser();
  console.error(`point size ${size} CSS px`);
  const f = (x: number, d = 1): string => x.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d });
  try {
    const rows: string[] = [];
    for (const n of sizes.length ? sizes : [100_000, 1_000_000]) {
      const r = (await benchPageResult(served, browser, `n=${n}&size=${size}`, 600000, 500)) as BenchResult;
      if (r.error) throw new Error(r.error);
      if (!r.lassoEqualsBruteForce) throw new Error(`n = ${n}: the indexed lasso differs from the brute-force point-in-polygon`);
      rows.push(
        `| ${n.toLocaleString('en')} | ${r.renderer} | ${f(r.uploadMs, 0)} | ${f(r.budget, 0)} | ${f(r.interactionMedianMs)} | ${f(r.interactionP95Ms)} | ` +
          `${f(r.settleMs, 0)} | ${f(r.settleMaxFrameMs)} | ${f(r.fullMedianMs)} / ${f(r.fullP95Ms)}${r.splatting && n > 200_000 ? ` (splat; ${f(r.fullDrawMs)} in the draw call)` : ''} | ${f(r.fullGlMedianMs)} / ${f(r.fullGlP95Ms)} | ${f(r.pickMs, 3)} | ` +
          `${f(r.lassoMs)} (${f(100 * r.lassoShare, 0)} %) | ${f(r.bruteLassoMs)} |`,
      );
      console.error(`n = ${n} done (first complete picture after ${f(r.firstPictureMs, 0)} ms; hover found a point at ${f(100 * r.pickHits, 0)} % of positions)`);
    }
    console.log('| points | renderer | upload ms | points per frame (LOD) | interaction frame ms median | p95 | settle to all points ms | longest settling frame ms | full frame ms median / p95 | GL point-sprite full frame ms median / p95 | hover pick ms | lasso ms (share selected) | brute-force lasso ms |');
    console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) console.log(r);
  } finally {
    await browser.close();
    await served.stop();
  }
}

// `node --test dist/test/` runs every file under it: only benchmark when started directly.
if (process.env.NODE_TEST_CONTEXT === undefined) await main();
else console.log('# render-bench: a benchmark, not a test; run `node dist/test/e2e/render-bench.js`');
