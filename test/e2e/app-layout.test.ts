/**
 * Issue 14, trap 7: the layout at 1280×800, 1400×900 and 1920×1080, checked by element bounding boxes on the
 * HSMM time course with a selection and the Time panel's interpolated cells on: one toolbar line (the map
 * does not jump when a selection appears), no horizontal scrollbar in the sidebar and nothing in it past its
 * right edge, toolbar controls inside the toolbar, the legend inside the map, and the hover tooltip inside
 * the window even at the map's right edge.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { fixtureData } from '../helpers/paths.js';
import type { MiniDocument } from './dom-types.js';
import { browserSkip, clearSelection, inkedPixels, launchBrowser, screenshot, startServe, tempDir, waitForDrawn, waitForRun, type Browser, type Served } from './harness.js';

declare const document: MiniDocument;

const skip = browserSkip();
if (skip) console.log(`# ${skip}`);

interface Box { x: number; y: number; width: number; height: number }

async function box(page: Page, selector: string): Promise<Box> {
  const b = await page.locator(selector).first().boundingBox();
  assert.ok(b, `${selector} is not visible`);
  return b;
}

/** Elements under `container` whose right edge passes the container's (visible ones only). */
async function overflowing(page: Page, container: string, inner: string): Promise<string[]> {
  const outer = await box(page, container);
  const out: string[] = [];
  for (const el of await page.locator(inner.split(',').map((x) => `${container} ${x.trim()}`).join(', ')).all()) {
    const b = await el.boundingBox();
    if (!b || b.width === 0) continue;
    if (b.x + b.width > outer.x + outer.width + 1) out.push(`${(await el.getAttribute('data-testid')) ?? (await el.textContent())?.slice(0, 30)} (right ${Math.round(b.x + b.width)} > ${Math.round(outer.x + outer.width)})`);
  }
  return out;
}

/** Esc clears the selection; the app ignores keys typed into a form control, so leave the one in focus first. */
describe('layout at three window sizes (issue 14, trap 7)', { skip, timeout: 240000 }, () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  let dir: string;

  before(async () => {
    dir = tempDir('isotherm-e2e-layout-');
    served = await startServe([fixtureData('hsmm', 'hsmm.h5ad')], dir);
    browser = await launchBrowser();
    page = browser.page;
    await page.goto(served.url);
    await waitForRun(page, 0);
    await page.waitForSelector('[data-testid=time-panel]', { timeout: 20000 });
    await page.selectOption('[data-testid=colour-obs]', 'time');
  });

  after(async () => {
    await browser?.close();
    await served?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [width, height] of [[1280, 800], [1400, 900], [1920, 1080]] as const) {
    it(`${width}×${height}: one toolbar line, no sidebar overflow, legend and tooltip inside`, async () => {
      await page.setViewportSize({ width, height });
      await clearSelection(page);
      // The map has followed the new window size (its ResizeObserver resizes the drawing) and is drawn.
      await page.waitForFunction(() => {
        const m = document.querySelector('[data-testid=map]') as unknown as { clientWidth: number; clientHeight: number } | null;
        const o = document.querySelector('[data-testid=map-overlay]');
        return !!m && !!o && Number(o.getAttribute('width')) === m.clientWidth && Number(o.getAttribute('height')) === m.clientHeight;
      });
      await waitForDrawn(page);
      const before = await box(page, '[data-testid=map]');
      const toolbarBefore = await box(page, '.toolbar');
      // A selection adds its controls to the toolbar: the map must not move.
      const m = await box(page, '[data-testid=map-overlay]');
      await page.click('[data-testid=tool-rect]');
      await page.mouse.move(m.x + 60, m.y + 20);
      await page.mouse.down();
      await page.mouse.move(m.x + m.width / 2, m.y + m.height - 40, { steps: 4 });
      await page.mouse.up();
      await page.waitForSelector('[data-testid=selection-count]');
      await page.click('[data-testid=tool-pan]');
      const after = await box(page, '[data-testid=map]');
      const toolbar = await box(page, '.toolbar');
      assert.equal(toolbar.height, toolbarBefore.height, 'the toolbar keeps its height');
      assert.ok(toolbar.height < 45, `toolbar ${toolbar.height}px high: wrapped`);
      assert.equal(after.y, before.y, 'the map does not jump');
      assert.deepEqual(await overflowing(page, '.toolbar', '> *'), []);
      // Time levels chosen and interpolated cells shown: the sidebar still has no horizontal scrollbar.
      await page.check('[data-testid=time-show]');
      await page.selectOption('[data-testid=time-from]', '24h');
      const side = await page.evaluate(() => {
        const s = document.querySelector('.side') as unknown as { scrollWidth: number; clientWidth: number };
        return { scroll: s.scrollWidth, client: s.clientWidth };
      });
      assert.ok(side.scroll <= side.client, `sidebar scrolls sideways: ${JSON.stringify(side)}`);
      assert.deepEqual(await overflowing(page, '.side', 'input, select, button, table, .row'), []);
      // The legend sits inside the map.
      const legend = await box(page, '[data-testid=legend]');
      const map = await box(page, '[data-testid=map]');
      assert.ok(legend.x >= map.x && legend.x + legend.width <= map.x + map.width && legend.y + legend.height <= map.y + map.height, JSON.stringify({ legend, map }));
      // Hover the rightmost drawn point: the tooltip stays inside the window.
      await clearSelection(page);
      await waitForDrawn(page);
      const pts = await inkedPixels(page, 400);
      pts.sort((a, b) => b[0] - a[0]);
      let shown = false;
      for (const [x, y] of pts.slice(0, 15)) {
        await page.mouse.move(m.x + x, m.y + y);
        try {
          await page.waitForSelector('[data-testid=tooltip]', { timeout: 600 });
          shown = true;
          break;
        } catch { /* next */ }
      }
      assert.ok(shown, 'a tooltip near the right edge');
      const tip = await box(page, '[data-testid=tooltip]');
      assert.ok(tip.x >= 0 && tip.x + tip.width <= width && tip.y + tip.height <= height, `tooltip ${JSON.stringify(tip)} in ${width}×${height}`);
      await screenshot(page, `layout-${width}x${height}`);
      await page.mouse.move(m.x + 2, m.y + 2);
    });
  }
});
