/**
 * Rendering benchmark (not part of `npm test`): frame times of zoom/pan at 100k and 1M points in headless
 * Chromium, through `isotherm serve`'s bench page. Here Chromium renders WebGL in software (SwiftShader),
 * so read the figures relative to each other, not as what a GPU laptop does.
 *   node dist/test/e2e/render-bench.js [N ...]
 * Under `node --test` (which runs every file in dist/test/) it does nothing.
 */
import { browserSkip, launchBrowser, startServe } from './harness.js';
import type { MiniDocument } from './dom-types.js';

declare const document: MiniDocument & { body: { dataset: Record<string, string | undefined> } };

interface BenchResult {
  n: number;
  renderer: string;
  uploadMs: number;
  frameMedianMs: number;
  frameP95Ms: number;
  error?: string;
}

async function main(): Promise<void> {
  const skip = browserSkip();
  if (skip) {
    console.log(skip);
    return;
  }
  const sizes = process.argv.slice(2).map(Number).filter((x) => Number.isInteger(x) && x > 0);
  const served = await startServe();
  const browser = await launchBrowser();
  try {
    console.log('| points | renderer | upload (ms) | frame (ms, median) | frame (ms, p95) |');
    console.log('|---:|---|---:|---:|---:|');
    for (const n of sizes.length ? sizes : [100_000, 1_000_000]) {
      await browser.page.goto(`${served.url}bench.html?n=${n}`);
      await browser.page.waitForFunction(() => document.body.dataset.result !== undefined, null, { timeout: 300000 });
      const r = JSON.parse((await browser.page.evaluate(() => document.body.dataset.result))!) as BenchResult;
      if (r.error) throw new Error(r.error);
      const f = (x: number): string => x.toFixed(1);
      console.log(`| ${n.toLocaleString('en')} | ${r.renderer} | ${f(r.uploadMs)} | ${f(r.frameMedianMs)} | ${f(r.frameP95Ms)} |`);
    }
  } finally {
    await browser.close();
    await served.stop();
  }
}

// `node --test dist/test/` runs every file under it: only benchmark when started directly.
if (process.env.NODE_TEST_CONTEXT === undefined) await main();
else console.log('# render-bench: a benchmark, not a test; run `node dist/test/e2e/render-bench.js`');
