/**
 * Issue 12, item 5: the map's lasso and rectangle select through the grid index (cells inside the polygon
 * whole, only boundary cells point by point). In Chromium, on the bench page's 200k points, the indexed
 * selection must equal the brute-force point-in-polygon over all points for every polygon and view
 * (renderer/src/bench.ts, check mode): sectors, rectangles, random and self-intersecting scribbles of
 * 3–300 vertices, a lasso larger than the view, a tiny one, hidden categories, zoomed in, panned, zoomed out.
 * The same page shows that the map puts no element per point on the page (points and interpolated cells).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { benchPageResult, browserSkip, servedBrowser } from './harness.js';

const skip = browserSkip();
if (skip) console.log(`# ${skip}`);

interface Check { name: string; count: number; equal: boolean }

describe('map lasso on the grid index', { skip }, () => {
  const env = servedBrowser();

  it('selects exactly the rows a brute-force point-in-polygon selects', async () => {
    const n = 200_000;
    const r = (await benchPageResult(env.served, env.browser, `n=${n}&check=1`, 180000, 200)) as { checks?: Check[]; elements?: number; overlayPaths?: number[]; error?: string };
    assert.equal(r.error, undefined);
    const checks = r.checks!;
    assert.equal(checks.length, 3 * 11);
    assert.deepEqual(checks.filter((c) => !c.equal).map((c) => c.name), []);
    // The comparison is not vacuous: most polygons select points, some a large share, none all of them.
    assert.ok(checks.filter((c) => c.count > 0).length >= 20, JSON.stringify(checks));
    assert.ok(checks.some((c) => c.count > n / 4), JSON.stringify(checks));
    const whole = checks.find((c) => c.name === 'whole map: lasso around the whole view')!;
    assert.equal(whole.count, n);
    const hidden = checks.find((c) => c.name === 'whole map: sector, odd clusters hidden')!;
    const shown = checks.find((c) => c.name === 'whole map: sector of the ring')!;
    assert.ok(hidden.count > shown.count / 4 && hidden.count < (3 * shown.count) / 4, `${hidden.count} of ${shown.count}`);
    const tiny = checks.find((c) => c.name === 'whole map: tiny lasso')!;
    assert.ok(tiny.count > 0 && tiny.count < 1000, `tiny lasso: ${tiny.count}`);
    // No per-point DOM: 200k points and 100k interpolated cells on the page make a few hundred elements
    // (axes, ticks), the cells two paths of 100k circles (subpaths) between them.
    assert.ok(r.elements! < 500, `${r.elements} elements on the page`);
    assert.equal(r.overlayPaths!.length, 2);
    assert.equal(r.overlayPaths![0]! + r.overlayPaths![1]!, n / 2);
    assert.deepEqual(env.browser.errors, []);
  });
});
