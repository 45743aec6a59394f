/**
 * The app's first launch and the issue-4 views end to end (Chromium + `isotherm serve` without INPUT):
 * the bundled demo opens and is coloured by time; the side-by-side comparison draws two maps whose
 * selection is linked; dragging the entropy curve's marker sets t and reruns; the Chebyshev-order and PCA
 * controls. Also, without a browser: the new calls' validation and LocalIsothermApi's demo / compare / reprocess.
 * Screenshots go to test-output/e2e/compare-*.png.
 */
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DEMO_PATH, LocalIsothermApi } from '../../host/local-api.js';
import { validateCall } from '../../host/validate.js';
import { parseServeArgs } from '../../cli/serve.js';
import type { MiniDocument } from './dom-types.js';
import { browserSkip, canvasStats, launchBrowser, screenshot, startServe, tempDir, waitForDrawn, waitForRun, type Browser, type Served } from './harness.js';
import { requiredSuite } from '../helpers/required-suite.js';
import { installNodeEngines } from '../../src-core/compute/node-engines.js';

// As a Node host does: lend the core its helper threads and WebGPU (src-core/compute/engines.ts).
installNodeEngines();

declare const document: MiniDocument;

const skip = requiredSuite('browser e2e (app-compare)', browserSkip());

describe('first launch, comparison and knee drag in Chromium', { skip, timeout: 240000 }, () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  let dir: string;
  let runId = 0;
  const attr = (name: string): Promise<string | null> => page.getAttribute('[data-testid=map]', name);
  const cattr = (name: string): Promise<string | null> => page.getAttribute('[data-testid=compare-map]', name);
  const waitCompare = async (after: number): Promise<number> => {
    await page.waitForFunction(
      (prev) => {
        const m = document.querySelector('[data-testid=compare-map]');
        const err = document.querySelector('[data-testid=compare-error]');
        if (err) throw new Error(`the comparison shows an error: ${err.textContent}`);
        return m !== null && Number(m.getAttribute('data-run-id')) > prev && m.getAttribute('data-running') === 'false';
      },
      after,
      { timeout: 60000, polling: 100 },
    );
    // Both maps: the comparison's layout animation, and the main map redrawn at its split-view size.
    await waitForDrawn(page, 'compare-canvas');
    await waitForDrawn(page, 'map-canvas');
    return Number(await cattr('data-run-id'));
  };

  before(async () => {
    dir = tempDir('isotherm-e2e-demo-');
    served = await startServe([], dir); // no INPUT: the demo opens
    browser = await launchBrowser();
    page = browser.page;
    await page.setViewportSize({ width: 1400, height: 820 });
    await page.goto(served.url);
  });

  after(async () => {
    await browser?.close();
    await served?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('opens the HSMM demo on start without INPUT, says so, and colours it by time', async () => {
    runId = await waitForRun(page, 0, 90000);
    assert.match((await page.textContent('[data-testid=demo-banner]')) ?? '', /Demo: HSMM myoblasts.*open your own file/s);
    assert.match((await page.textContent('[data-testid=dataset-summary]')) ?? '', /hsmm\.h5ad.*271 cells × 2,000 features/s);
    await page.waitForSelector('[data-testid=legend][data-kind=categorical]');
    assert.match((await page.textContent('[data-testid=legend]')) ?? '', /time.*0h.*24h.*48h.*72h/s);
    await waitForDrawn(page);
    const s = await canvasStats(page, 'map-canvas');
    assert.ok(s.inked > 0.002 && s.hues >= 3, `demo map coloured by 4 time points: ${JSON.stringify(s)}`);
    await screenshot(page, 'compare-01-demo');
    assert.deepEqual(browser.errors, []);
  });

  it('shows two non-blank maps side by side; a lasso in one highlights the same cells in both', async () => {
    await page.click('[data-testid=compare-toggle]');
    const cmp = await waitCompare(0);
    assert.ok(cmp >= 1);
    assert.equal(await cattr('data-preset'), 'phate');
    assert.match((await cattr('data-digest')) ?? '', /^271:/);
    assert.notEqual(await cattr('data-digest'), await attr('data-digest'), 'the PHATE-like map differs from the geodesic one');
    const left0 = await canvasStats(page, 'map-canvas');
    const right0 = await canvasStats(page, 'compare-canvas');
    assert.ok(left0.inked > 0.002, `left map blank: ${JSON.stringify(left0)}`);
    assert.ok(right0.inked > 0.002 && right0.hues >= 3, `right map blank or uncoloured: ${JSON.stringify(right0)}`);
    await screenshot(page, 'compare-02-side-by-side');

    // Lasso the left half of the right-hand (comparison) map.
    await page.click('[data-testid=tool-lasso]');
    const box = (await page.locator('[data-testid=compare-overlay]').boundingBox())!;
    const cx = box.x + box.width / 2;
    await page.mouse.move(box.x + 46, box.y + 30);
    await page.mouse.down();
    for (const [x, y] of [[cx, box.y + 30], [cx, box.y + box.height - 30], [box.x + 46, box.y + box.height - 30], [box.x + 46, box.y + 40]] as const) {
      await page.mouse.move(x, y, { steps: 8 });
    }
    await page.mouse.up();
    await page.waitForSelector('[data-testid=selection-count]');
    const count = Number(((await page.textContent('[data-testid=selection-count]')) ?? '').replace(/\D/g, ''));
    assert.ok(count > 5 && count < 271, `lasso over the left half of the comparison selected ${count} of 271`);
    await waitForDrawn(page, 'map-canvas');
    await waitForDrawn(page, 'compare-canvas');
    const left1 = await canvasStats(page, 'map-canvas');
    const right1 = await canvasStats(page, 'compare-canvas');
    // Both maps dim the unselected cells: fewer strong pixels, more faint ones, in each.
    for (const [name, a, b] of [['left', left0, left1], ['right', right0, right1]] as const) {
      assert.ok(b.strong < a.strong * 0.95, `${name}: selection should dim points (strong ${a.strong} → ${b.strong})`);
      assert.ok(b.faint > a.faint, `${name}: dimmed points should appear (faint ${a.faint} → ${b.faint})`);
      assert.ok(b.strong > 0, `${name}: the selected points stay drawn`);
    }
    await screenshot(page, 'compare-03-linked-lasso');

    // And the other way round: a rectangle on the main map changes the selection shown in the comparison.
    await page.click('[data-testid=tool-rect]');
    const mbox = (await page.locator('[data-testid=map-overlay]').boundingBox())!;
    await page.mouse.move(mbox.x + 46, mbox.y + 10);
    await page.mouse.down();
    await page.mouse.move(mbox.x + mbox.width - 10, mbox.y + mbox.height - 30, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction((c) => Number((document.querySelector('[data-testid=selection-count]')?.textContent ?? '').replace(/\D/g, '')) !== c, count);
    await waitForDrawn(page, 'compare-canvas');
    const right2 = await canvasStats(page, 'compare-canvas');
    assert.ok(right2.strong > right1.strong, `a bigger selection on the left shows more cells on the right (${right1.strong} → ${right2.strong})`);
    await page.keyboard.press('Escape');
    await page.click('[data-testid=tool-pan]');
    await page.click('[data-testid=compare-preset-sne]');
    await waitCompare(cmp);
    assert.equal(await cattr('data-preset'), 'sne');
  });

  it('dragging the entropy marker sets t, reruns, and moves the points (both maps); ←/→ still work', async () => {
    const digest = await attr('data-digest');
    const cmpDigest = await cattr('data-digest');
    const cmpRun = Number(await cattr('data-run-id'));
    const tBefore = Number(((await page.textContent('[data-testid=run-info]')) ?? '').match(/t = ([\d.e+-]+)/)![1]);
    const handle = (await page.locator('[data-testid=entropy-handle]').boundingBox())!;
    const curve = (await page.locator('[data-testid=entropy-curve]').boundingBox())!;
    const hx = handle.x + handle.width / 2, hy = handle.y + handle.height / 2;
    const target = Math.min(curve.x + curve.width - 8, hx + curve.width * 0.15);
    await page.mouse.move(hx, hy);
    await page.mouse.down();
    await page.mouse.move((hx + target) / 2, hy, { steps: 4 });
    assert.notEqual(await page.getAttribute('[data-testid=entropy-curve]', 'data-drag-t'), '', 'the marker follows the drag');
    assert.ok(await page.locator('[data-testid=entropy-drag-label]').count());
    await page.mouse.move(target, hy, { steps: 4 });
    await screenshot(page, 'compare-04-dragging-knee');
    await page.mouse.up();
    runId = await waitForRun(page, runId);
    const tAfter = Number(((await page.textContent('[data-testid=run-info]')) ?? '').match(/t = ([\d.e+-]+)/)![1]);
    assert.ok(tAfter > tBefore * 1.5, `t should grow when the marker is dragged right: ${tBefore} → ${tAfter}`);
    assert.doesNotMatch((await page.textContent('[data-testid=run-info]')) ?? '', /\(auto\)/);
    assert.equal(await page.isChecked('[data-testid=t-auto]'), false);
    assert.notEqual(await attr('data-digest'), digest, 'the coordinates change with t');
    assert.equal(await attr('data-stages-run'), 'heat,dissimilarity,mds,extend,refine');
    await waitCompare(cmpRun);
    assert.notEqual(await cattr('data-digest'), cmpDigest, 'the comparison follows the new t');
    await screenshot(page, 'compare-05-after-drag');

    // Keyboard: → multiplies t by 1.25.
    await page.focus('[data-testid=entropy-curve]');
    await page.keyboard.press('ArrowRight');
    runId = await waitForRun(page, runId);
    const tKey = Number(((await page.textContent('[data-testid=run-info]')) ?? '').match(/t = ([\d.e+-]+)/)![1]);
    assert.ok(Math.abs(tKey / tAfter - 1.25) < 0.05, `→ should give t × 1.25: ${tAfter} → ${tKey}`);
    await page.click('[data-testid=compare-toggle]');
    assert.equal(await page.locator('[data-testid=compare-map]').count(), 0);
  });

  it('Chebyshev order applies with the Chebyshev method; PCA components re-preprocess and rerun everything', async () => {
    assert.equal(await page.isDisabled('[data-testid=slider-order]'), true, 'order is off with squaring');
    await page.selectOption('[data-testid=heat-method]', 'chebyshev');
    runId = await waitForRun(page, runId);
    assert.match((await page.textContent('[data-testid=order-value]')) ?? '', /^auto \(\d+\)$/);
    assert.equal(await attr('data-stages-run'), 'heat,dissimilarity,mds,extend,refine');
    const digest = await attr('data-digest');
    // Order 5 is far too low at this t: every kernel entry is below the truncation error, the landmark layout
    // collapses to a point, and the app says so and keeps the map (silent garbage before issue 11).
    await page.locator('[data-testid=slider-order]').fill('5');
    await page.waitForSelector('[data-testid=error]', { timeout: 60000 });
    assert.match((await page.textContent('[data-testid=error]')) ?? '', /mds stage produced a degenerate map.*previous map is kept/);
    assert.equal(await attr('data-digest'), digest, 'the previous map is kept');
    assert.equal((await page.textContent('[data-testid=order-value]'))?.trim(), '5');
    await page.click('[data-testid=error] button.close');
    await page.locator('[data-testid=slider-order]').fill('40');
    runId = await waitForRun(page, runId);
    assert.equal((await page.textContent('[data-testid=order-value]'))?.trim(), '40');
    assert.notEqual(await attr('data-digest'), digest, 'a lower order changes the kernel and the map');
    assert.match((await page.textContent('[data-testid=heat-error]')) ?? '', /error bound \d/);
    await page.selectOption('[data-testid=heat-method]', 'squaring');
    runId = await waitForRun(page, runId);

    await page.locator('[data-testid=slider-pca]').fill('10');
    await waitForRun(page, 0);
    assert.match((await page.textContent('[data-testid=dataset-summary]')) ?? '', /271 mapped in 10 dimensions/);
    assert.equal(await attr('data-stages-run'), 'knn,graph,landmarks,heat,dissimilarity,mds,extend,refine');
    assert.equal((await page.textContent('[data-testid=pca-value]'))?.trim(), '10');
    assert.ok((await canvasStats(page, 'map-canvas')).inked > 0.002);
    assert.ok(await page.locator('[data-testid=demo-banner]').count(), 'still the demo after re-preprocessing');
    assert.deepEqual(browser.errors, []);
  });
});

describe('demo, comparison and reprocess without a browser', () => {
  it('validates the new calls', () => {
    assert.deepEqual(validateCall('openDemo', []), { method: 'openDemo' });
    assert.deepEqual(validateCall('open', ['/a.csv']), { method: 'open', path: '/a.csv', options: {} });
    assert.deepEqual(validateCall('open', ['/a.csv', { pca: 20 }]), { method: 'open', path: '/a.csv', options: { pca: 20 } });
    assert.deepEqual(validateCall('reprocess', [{ pca: 'off' }]), { method: 'reprocess', options: { pca: 'off' } });
    assert.throws(() => validateCall('reprocess', [{ pca: 1 }]), /options\.pca: must be between 2 and 500/);
    assert.throws(() => validateCall('reprocess', [{ pca: 2.5 }]), /options\.pca: expected an integer/);
    assert.throws(() => validateCall('reprocess', [{ hvg: 2000 }]), /options\.hvg: unknown option/);
    assert.throws(() => validateCall('reprocess', ['50']), /options: expected an object/);
    assert.deepEqual(validateCall('runCompare', [{ preset: 'phate' }]), { method: 'runCompare', params: { preset: 'phate' } });
    assert.throws(() => validateCall('runCompare', [{ preset: 'umap' }]), /params\.preset/);
    assert.deepEqual(validateCall('compareCoords', []), { method: 'compareCoords' });
    assert.deepEqual(parseServeArgs(['--no-demo']), { port: 0, demo: false });
    assert.deepEqual(parseServeArgs([]), { port: 0 });
  });

  it('LocalIsothermApi: the demo resolves next to the module, openDemo yields to open(), compare and reprocess', async () => {
    assert.ok(existsSync(DEMO_PATH), `demo data at ${DEMO_PATH}`);
    const api = new LocalIsothermApi();
    const d = await api.openDemo();
    assert.equal(d?.demo, true);
    assert.equal(d?.nMapped, 271);
    await assert.rejects(api.compareCoords(), /no comparison map yet/);
    const main = await api.run({ knn: 8 });
    const cmp = await api.runCompare({ knn: 8, preset: 'phate', sigma: 0 });
    assert.equal(cmp.params.preset, 'phate');
    assert.equal(main.params.preset, 'geodesic');
    const [a, b] = [await api.coords(), await api.compareCoords()];
    assert.equal(a.length, b.length);
    assert.notDeepEqual(a, b);
    // The comparison has its own cache: rerunning it with the same parameters recomputes nothing.
    assert.deepEqual((await api.runCompare({ knn: 8, preset: 'phate', sigma: 0 })).stagesRun, []);
    const r = await api.reprocess({ pca: 8 });
    assert.equal(r.nDims, 8);
    assert.equal(r.pca, 8);
    assert.equal(r.demo, true);
    await assert.rejects(api.coords(), /no map yet/);
    await assert.rejects(api.compareCoords(), /no comparison map yet/);
    assert.deepEqual((await api.run({ knn: 8 })).stagesRun, ['knn', 'graph', 'landmarks', 'heat', 'dissimilarity', 'mds', 'extend', 'refine']);

    const other = new LocalIsothermApi({ demoPath: join(tempDir('isotherm-nodemo-'), 'missing.h5ad') });
    await assert.rejects(other.openDemo(), /missing\.h5ad/);
    const user = new LocalIsothermApi();
    const opened = user.open(DEMO_PATH, { pca: 'off' });
    assert.equal((await user.openDemo())?.demo, undefined, 'openDemo does nothing after open()');
    assert.equal((await opened).nDims, 2000);
  });
});
