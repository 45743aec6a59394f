/**
 * The app's time panel end to end (issue 6): Chromium against `isotherm serve` on the HSMM fixture
 * (0/24/48/72 h). The panel appears for the time-like column; the α slider moves the interpolated cells
 * (drawn as outlined SVG circles over the WebGL map); the map stays usable while an evaluation runs and
 * the evaluation can be cancelled; "Withhold & evaluate" shows the score table with numbers; the
 * interpolated cells export as CSV. Screenshots in test-output/e2e/.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { MiniDocument, MiniElement } from './dom-types.js';
import { browserSkip, launchBrowser, screenshot, startServe, tempDir, waitForDrawn, waitForRun, type Browser, type Served } from './harness.js';
import { requiredSuite } from '../helpers/required-suite.js';
import { fixtureData } from '../helpers/paths.js';

declare const document: MiniDocument & { querySelectorAll(selector: string): ArrayLike<MiniElement> };

const HSMM = fixtureData('hsmm', 'hsmm.h5ad');
const skip = requiredSuite('browser e2e (app-time)', browserSkip());

type Pt = [number, number];

async function overlay(page: Page): Promise<Pt[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-testid=interp-overlay] circle')).map((c) => [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))] as [number, number]),
  );
}

/** Sets α and waits until the overlay shows it; returns the circles. */
async function atAlpha(page: Page, alpha: string): Promise<Pt[]> {
  await page.locator('[data-testid=time-alpha]').fill(alpha);
  await page.waitForSelector(`[data-testid=time-panel][data-drawn-alpha="${Number(alpha)}"]`, { timeout: 20000 });
  await waitForDrawn(page); // the frame after the overlay changed draws the circles
  return overlay(page);
}

const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;

describe('time panel in Chromium (HSMM)', { skip, timeout: 180000 }, () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  let dir: string;

  before(async () => {
    dir = tempDir('isotherm-e2e-time-');
    served = await startServe([HSMM], dir);
    browser = await launchBrowser();
    page = browser.page;
    await page.goto(served.url);
    await waitForRun(page, 0);
  });

  after(async () => {
    await browser?.close();
    await served?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the Time panel for the time column, with its four time points', async () => {
    await page.waitForSelector('[data-testid=time-panel]', { timeout: 20000 });
    const options = await page.locator('[data-testid=time-column] option').allTextContents();
    // 'time' (labels 0h…72h) first, then 'time_hours' (numeric, time-like name); monocle_state (1/2/3) is not time.
    assert.deepEqual(options, ['time (4 time points)', 'time_hours (4 time points)']);
    assert.deepEqual(await page.locator('[data-testid=time-from] option').allTextContents(), ['0h (69)', '24h (74)', '48h (79)', '72h (49)']);
    assert.equal(await page.inputValue('[data-testid=time-from]'), '0h');
    assert.equal(await page.inputValue('[data-testid=time-to]'), '72h');
    // Issue 14, trap 1: interpolated cells are off until asked for; then they have a legend line. Checked once
    // no interpolation request is in flight and the map's picture is drawn (an overlay would be on it by then).
    await page.waitForSelector('[data-testid=time-panel][data-busy=false]');
    await waitForDrawn(page);
    assert.equal((await overlay(page)).length, 0, 'no interpolated cells after loading');
    assert.equal(await page.locator('[data-testid=interp-legend]').count(), 0);
    await page.check('[data-testid=time-show]');
    await page.waitForSelector('[data-testid=interp-legend]');
    assert.match((await page.textContent('[data-testid=interp-legend]')) ?? '', /interpolated cells, 0h → 72h/);
  });

  it('interpolated cells are clipped to the plot frame and dimmed by a selection like the cells', async () => {
    const circles = await atAlpha(page, '0.5');
    assert.ok(circles.length > 20);
    // The clip rectangle is the plot frame (inside the axes).
    const clip = await page.evaluate(() => {
      const g = document.querySelector('[data-testid=interp-overlay]');
      const r = document.querySelector('clipPath#plot-clip rect');
      return { ref: g?.getAttribute('clip-path'), x: Number(r?.getAttribute('x')), w: Number(r?.getAttribute('width')) };
    });
    assert.equal(clip.ref, 'url(#plot-clip)');
    assert.ok(clip.x > 0 && clip.w > 100, JSON.stringify(clip));
    // A rectangle over the left half of the map: circles starting outside it are dimmed, the others not.
    const box = (await page.locator('[data-testid=map-overlay]').boundingBox())!;
    await page.click('[data-testid=tool-rect]');
    await page.mouse.move(box.x + 50, box.y + 10);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height - 30, { steps: 5 });
    await page.mouse.up();
    await page.waitForSelector('[data-testid=selection-count]');
    await page.locator('[data-testid=time-alpha]').fill('0.55');
    await page.waitForSelector('[data-testid=time-panel][data-drawn-alpha="0.55"]', { timeout: 20000 });
    await waitForDrawn(page);
    const opacities = await page.evaluate(() => Array.from(document.querySelectorAll('[data-testid=interp-overlay] circle')).map((c) => c.getAttribute('opacity')));
    assert.ok(opacities.includes('0.15') && opacities.includes('1'), `opacities: ${[...new Set(opacities)].join(', ')}`);
    // Escape with the α slider focused (fill leaves it there) clears the selection.
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=selection-count]', { state: 'detached' });
    await page.click('[data-testid=tool-pan]');
  });

  it('moving the α slider moves the interpolated cells (OT in PC space, placed)', async () => {
    await page.selectOption('[data-testid=colour-obs]', 'time'); // for the screenshot: the outlined cells over coloured time points
    const a = await atAlpha(page, '0.1');
    const b = await atAlpha(page, '0.9');
    assert.equal(a.length, Math.round((69 + 49) / 2), 'a fixed number of cells: the same pairs move with α');
    assert.equal(b.length, a.length);
    for (const p of [...a, ...b]) assert.ok(Number.isFinite(p[0]) && Number.isFinite(p[1]), `circle at ${p}`);
    const moved = a.map((p, i) => Math.hypot(p[0] - b[i]![0], p[1] - b[i]![1]));
    // 0h → 72h crosses the map (hundreds of pixels); 20 px on average is far above any jitter.
    assert.ok(mean(moved) > 20, `mean displacement ${mean(moved).toFixed(1)} px`);
    const centroid = (q: Pt[]): Pt => [mean(q.map((p) => p[0])), mean(q.map((p) => p[1]))];
    const ca = centroid(a);
    const cb = centroid(b);
    assert.ok(Math.hypot(ca[0] - cb[0], ca[1] - cb[1]) > 20, 'the population moves as a whole');
    await screenshot(page, 'time-01-alpha-0.9');
  });

  it('in map space the cells move on straight lines: α = 0.5 is the midpoint of α = 0.1 and 0.9', async () => {
    await page.selectOption('[data-testid=time-space]', 'map');
    const a = await atAlpha(page, '0.1');
    const b = await atAlpha(page, '0.9');
    const m = await atAlpha(page, '0.5');
    let worst = 0;
    m.forEach((p, i) => {
      worst = Math.max(worst, Math.hypot(p[0] - (a[i]![0] + b[i]![0]) / 2, p[1] - (a[i]![1] + b[i]![1]) / 2));
    });
    assert.ok(worst < 0.5, `midpoint off by ${worst.toFixed(2)} px (cx/cy are rounded to 0.1 px)`);
    await page.selectOption('[data-testid=time-space]', 'pcs');
    await atAlpha(page, '0.4');
  });

  it('exports the interpolated cells as CSV (x, y, alpha, source pair)', async () => {
    const out = join(dir, 'interpolated.csv');
    await page.fill('[data-testid=time-export-path]', out);
    await page.click('[data-testid=time-export]');
    await page.waitForSelector('[data-testid=notice] >> text=interpolated cells', { timeout: 20000 });
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'sample,x,y,alpha,from,to,source_cell,target_cell');
    assert.equal(lines.length - 1, 59);
    const f = lines[1]!.split(',');
    assert.ok(Number.isFinite(Number(f[1])) && Number.isFinite(Number(f[2])));
    assert.equal(f[3], '0.4');
    assert.equal(f[4], '0h');
    assert.equal(f[5], '72h');
    assert.ok(f[6]!.length > 0 && f[7]!.length > 0);
  });

  it('the map stays usable while an evaluation runs, and Cancel stops it', async () => {
    await page.fill('[data-testid=time-seeds]', '5');
    await page.click('[data-testid=time-evaluate]');
    await page.waitForSelector('[data-testid=time-evaluate-progress]', { timeout: 20000 });
    await atAlpha(page, '0.7'); // answered by the compute worker while the evaluation thread works
    assert.equal(await page.locator('[data-testid=time-evaluate-progress]').count(), 1, 'the evaluation is still running');
    await page.click('[data-testid=time-evaluate-cancel]');
    await page.waitForSelector('[data-testid=notice] >> text=Evaluation cancelled', { timeout: 20000 });
    assert.equal(await page.locator('[data-testid=time-evaluate-progress]').count(), 0);
    assert.equal(await page.locator('[data-testid=time-scores]').count(), 0);
  });

  it('Withhold & evaluate shows the score table for 24h and 48h with numbers', async () => {
    await page.fill('[data-testid=time-seeds]', '1');
    await page.click('[data-testid=time-evaluate]');
    await page.waitForSelector('[data-testid=time-evaluate-progress]', { timeout: 20000 });
    await page.waitForSelector('[data-testid=time-scores]', { timeout: 120000 });
    const heads = await page.locator('[data-testid=time-scores] h3').allTextContents();
    assert.equal(heads.length, 2);
    assert.match(heads[0]!, /withheld 24h: α = 0\.50 between 0h and 48h \(74 cells\)/);
    assert.match(heads[1]!, /withheld 48h: α = 0\.50 between 24h and 72h \(79 cells\)/);
    const value = async (table: number, map: string, method: string, metric: string): Promise<number> => {
      const t = (await page.locator(`[data-testid=time-score-table] >> nth=${table}`).locator(`tr[data-map="${map}"][data-method="${method}"] td[data-metric="${metric}"]`).textContent()) ?? '';
      return Number(t);
    };
    for (const table of [0, 1]) {
      for (const map of ['isotherm-strict', 'pca-strict', 'isotherm-paper']) {
        for (const method of ['ot', 'ot-pcs', 'nearer', 'linear-pca', 'mix']) {
          for (const metric of ['w1', 'w2', 'mmd']) {
            const v = await value(table, map, method, metric);
            assert.ok(Number.isFinite(v) && v >= 0 && v < 5, `${table} ${map}/${method}/${metric}: ${v}`);
          }
        }
      }
      // The strict protocol's headline (docs/interpolation.md): OT in PC space, placed, beats (a) the nearer
      // time point and (b) linear interpolation in W1 and W2 at both time points (margins ≥ 0.05 there).
      for (const metric of ['w1', 'w2']) {
        const ot = await value(table, 'isotherm-strict', 'ot-pcs', metric);
        assert.ok(ot < (await value(table, 'isotherm-strict', 'nearer', metric)), `table ${table} ${metric}: vs (a)`);
        assert.ok(ot < (await value(table, 'isotherm-strict', 'linear-pca', metric)), `table ${table} ${metric}: vs (b)`);
      }
    }
    // Issue 14, trap 4: one sentence per withheld time point and map naming the winner, whose row is bold.
    const verdicts = page.locator('[data-testid=time-verdict]');
    assert.equal(await verdicts.count(), 6);
    for (let v = 0; v < 6; v++) {
      const text = (await verdicts.nth(v).textContent()) ?? '';
      const map = (await verdicts.nth(v).getAttribute('data-map'))!;
      const m = /^(24h|48h), .* map: (?:the baseline )?(.+) predicts it best \(lowest (W1|W2|MMD)/.exec(text);
      assert.ok(m, text);
      const table = m[1] === '24h' ? 0 : 1;
      const rows = page.locator(`[data-testid=time-score-table] >> nth=${table}`).locator(`tr[data-map="${map}"]`);
      let bold = -1;
      for (const row of await rows.all()) {
        if (((await row.locator('td').nth(1).textContent()) ?? '') === m[2]) bold = await row.locator('td.best').count();
      }
      assert.ok(bold >= 1, `${text}: the named row has ${bold} bold cells`);
    }
    await screenshot(page, 'time-02-scores');
    assert.deepEqual(browser.errors, []);
  });
});
