/**
 * The README's screenshots, taken from what the app shows on the bundled demo (HSMM, 271 cells) at
 * automatic t — never a hand-picked t (issue 14). Each picture is asserted first: t is automatic on the
 * map (and on the comparison map), the entropy curve marks its knee at the chosen t, the lasso selection
 * shows on both maps, interpolated cells are drawn. Written to test-output/e2e/docs-*.png, and to
 * docs/screenshots/ with ISOTHERM_DOCS_SCREENSHOTS=1 (scripts/docs-screenshots.sh).
 */
import assert from 'node:assert/strict';
import { rmSync, statSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { MiniDocument } from './dom-types.js';
import { browserSkip, canvasStats, docsScreenshot, launchBrowser, startServe, tempDir, waitForDrawn, waitForRun, type Browser, type Served } from './harness.js';

declare const document: MiniDocument;

const skip = browserSkip();
if (skip) console.log(`# ${skip}`);

/** PNGs in the docs stay small. */
const MAX_BYTES = 200 * 1024;

describe('README screenshots of the demo at automatic t', { skip, timeout: 180000 }, () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  let dir: string;

  async function shot(name: string, clip?: { x: number; y: number; width: number; height: number }): Promise<void> {
    const path = await docsScreenshot(page, name, clip);
    const bytes = statSync(path).size;
    assert.ok(bytes <= MAX_BYTES, `${name}.png is ${bytes} bytes`);
  }

  before(async () => {
    dir = tempDir('isotherm-e2e-shots-');
    served = await startServe([], dir);
    browser = await launchBrowser();
    page = browser.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(served.url);
    await waitForRun(page, 0, 120000);
    await page.waitForSelector('[data-testid=legend] .legend-title >> text=time');
    await waitForDrawn(page); // the map in the demo's colours (its first test reads the canvas)
  });

  after(async () => {
    await browser?.close();
    await served?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the demo coloured by time, at automatic t; the entropy curve marks the knee at that t', async () => {
    const info = (await page.textContent('[data-testid=run-info]')) ?? '';
    assert.match(info, /271 cells · geodesic · t = [\d.e+-]+ \(auto\)/);
    assert.ok((await canvasStats(page)).hues >= 3, 'coloured by the four time points');
    // The handle (the t in use) sits on the knee marker.
    const at = await page.evaluate(() => {
      const k = document.querySelector('[data-testid=entropy-knee]');
      const h = document.querySelector('[data-testid=entropy-handle]');
      return [k?.getAttribute('cx'), h?.getAttribute('cx')];
    });
    assert.ok(at[0] && at[1] && Math.abs(Number(at[0]) - Number(at[1])) < 0.5, `knee at ${at[0]}, handle at ${at[1]}`);
    await shot('demo-by-time');
    const curve = (await page.locator('[data-testid=entropy-curve]').boundingBox())!;
    await shot('entropy-curve', { x: Math.max(0, curve.x - 8), y: Math.max(0, curve.y - 24), width: curve.width + 16, height: curve.height + 32 });
  });

  it('compare: the PHATE-like map at its automatic t beside the geodesic map, a lasso selection shown on both', async () => {
    await page.click('[data-testid=compare-toggle]');
    await page.waitForFunction(() => {
      const m = document.querySelector('[data-testid=compare-map]');
      return m?.getAttribute('data-preset') === 'phate' && m.getAttribute('data-running') === 'false';
    }, undefined, { timeout: 60000 });
    await waitForDrawn(page, 'compare-canvas');
    await waitForDrawn(page, 'map-canvas');
    assert.match((await page.textContent('[data-testid=compare-info]')) ?? '', /\(auto\)/);
    await page.click('[data-testid=tool-lasso]');
    const box = (await page.locator('[data-testid=compare-overlay]').boundingBox())!;
    const [x0, y0, x1, y1] = [box.x + 50, box.y + 40, box.x + box.width / 2, box.y + box.height - 40];
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    for (const [x, y] of [[x1, y0], [x1, y1], [x0, y1], [x0, y0 + 8]] as const) await page.mouse.move(x, y, { steps: 6 });
    await page.mouse.up();
    await page.waitForSelector('[data-testid=selection-count]');
    await waitForDrawn(page, 'map-canvas');
    await waitForDrawn(page, 'compare-canvas');
    for (const id of ['map-canvas', 'compare-canvas']) {
      const s = await canvasStats(page, id);
      assert.ok(s.strong > 0 && s.faint > 0, `${id}: selected and dimmed cells (${JSON.stringify(s)})`);
    }
    await shot('compare-linked');
    await page.keyboard.press('Escape');
    await page.click('[data-testid=tool-pan]');
    await page.click('[data-testid=compare-toggle]');
  });

  it('the time panel: cells interpolated 90 % of the way from 0h to 72h over the map coloured by time', async () => {
    await page.waitForSelector('[data-testid=time-panel]', { timeout: 20000 });
    await page.check('[data-testid=time-show]');
    await page.waitForSelector('[data-testid=interp-legend]');
    await page.locator('[data-testid=time-alpha]').fill('0.9');
    await page.waitForSelector('[data-testid=time-panel][data-drawn-alpha="0.9"]', { timeout: 20000 });
    await waitForDrawn(page); // the frame after the overlay changed draws its circles
    const circles = await page.evaluate(() => document.querySelectorAll('[data-testid=interp-overlay] circle').length);
    assert.ok(circles > 20, `${circles} interpolated cells drawn`);
    await page.locator('[data-testid=time-panel]').scrollIntoViewIfNeeded();
    await shot('time-panel');
    assert.deepEqual(browser.errors, []);
  });
});
