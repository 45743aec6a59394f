/**
 * Issue 14's traps in the browser, on generated data: the collapse warning on the t slider and automatic t
 * for a re-embedded selection (trap 2), gene colours as normalised log expression clipped at a high
 * quantile with the value in the tooltip (trap 5), reset view by button and double-click (trap 6), and the
 * colour choice and gene box kept across a new file and a re-embed (trap 8).
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { swissRoll } from '../../src-core/synthetic/swiss-roll.js';
import type { MiniDocument } from './dom-types.js';
import { browserSkip, inkedPixels, launchBrowser, screenshot, startServe, tempDir, waitForRun, type Browser, type Served } from './harness.js';

declare const document: MiniDocument;

const skip = browserSkip();
if (skip) console.log(`# ${skip}`);

const N = 400;

/** A Swiss roll as counts: cell_id, segment, genes g0..g9 = round(4·(x − min)), and "spike" (one cell 5000, a few cells 1–3). */
function writeCountsCsv(path: string): void {
  const d = swissRoll(N, { dim: 10, seed: 11, noise: 0.3 });
  const mins = Array.from({ length: 10 }, (_, j) => Math.min(...Array.from({ length: N }, (_, i) => d.points[i * 10 + j]!)));
  const lines = ['cell_id,segment,' + Array.from({ length: 10 }, (_, j) => `g${j}`).join(',') + ',spike'];
  for (let i = 0; i < N; i++) {
    const s = d.unrolled[2 * i]!;
    const seg = s < 35 ? 'inner' : s < 70 ? 'middle' : 'outer';
    const genes = Array.from({ length: 10 }, (_, j) => Math.round(4 * (d.points[i * 10 + j]! - mins[j]!)));
    const spike = i === 0 ? 5000 : i % 7 === 0 ? 1 + (i % 3) : 0;
    lines.push(`cell${i},${seg},${genes.join(',')},${spike}`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

describe('issue 14 traps in Chromium', { skip, timeout: 240000 }, () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  let dir: string;
  let runId = 0;

  const runInfo = async (): Promise<string> => (await page.textContent('[data-testid=run-info]')) ?? '';
  async function open(path: string): Promise<void> {
    await page.fill('[data-testid=open-path]', path);
    await page.click('[data-testid=open-button]');
    await page.waitForFunction((p) => document.querySelector('[data-testid=dataset-summary]')?.textContent?.includes(p) ?? false, path.split('/').pop()!);
    runId = await waitForRun(page, 0);
  }

  before(async () => {
    dir = tempDir('isotherm-e2e-traps-');
    writeCountsCsv(join(dir, 'counts.csv'));
    writeCountsCsv(join(dir, 'counts2.csv'));
    served = await startServe(['--no-demo'], dir);
    browser = await launchBrowser();
    page = browser.page;
    await page.goto(served.url);
    await open(join(dir, 'counts.csv'));
  });

  after(async () => {
    await browser?.close();
    await served?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('trap 5: a gene is coloured by normalised log expression, the scale clipped at a high quantile, its value in the tooltip', async () => {
    await page.fill('[data-testid=gene-search]', 'spike');
    await page.click('[data-testid=gene-results] >> text=spike');
    await page.waitForSelector('[data-testid=legend][data-kind=numeric] >> text=spike');
    const note = (await page.textContent('[data-testid=legend-note]')) ?? '';
    assert.match(note, /normalised here: ln\(1 \+ 10⁴·count \/ cell total\)/);
    assert.match(note, /clipped at the 99th percentile/);
    const top = (await page.textContent('[data-testid=legend-max]')) ?? '';
    assert.match(top, /^≥ /);
    // The clipped top is far below the one outlier's ln(1 + 10⁴·5000/total) (> 8).
    assert.ok(Number(top.slice(2)) < 8, top);
    // Hover a drawn point: the tooltip shows the gene's value.
    const box = (await page.locator('[data-testid=map-overlay]').boundingBox())!;
    let shown = false;
    for (const [x, y] of await inkedPixels(page, 30)) {
      await page.mouse.move(box.x + x, box.y + y);
      try {
        await page.waitForSelector('[data-testid=tooltip-value]', { timeout: 800 });
        shown = true;
        break;
      } catch { /* next point */ }
    }
    assert.ok(shown, 'a tooltip with the gene value');
    assert.match((await page.textContent('[data-testid=tooltip-value]')) ?? '', /^spike: [0-9.e+-]+$/);
    await screenshot(page, 'traps-05-gene-colour');
    await page.mouse.move(box.x + 2, box.y + 2);
  });

  it('trap 6: reset view (button and double-click) after zooming', async () => {
    const zoom = async (): Promise<number> => Number(await page.getAttribute('[data-testid=map-canvas]', 'data-zoom'));
    const box = (await page.locator('[data-testid=map-overlay]').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -600);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=map-canvas]')?.getAttribute('data-zoom')) > 1.5);
    await page.click('[data-testid=reset-view]');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=map-canvas]')?.getAttribute('data-zoom')) === 1);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -600);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=map-canvas]')?.getAttribute('data-zoom')) > 1.5);
    await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=map-canvas]')?.getAttribute('data-zoom')) === 1);
    assert.equal(await zoom(), 1);
  });

  it('trap 8: the colour choice and the gene box survive opening another file that has them, and a re-embed', async () => {
    await page.selectOption('[data-testid=colour-obs]', 'segment');
    await page.waitForSelector('[data-testid=legend] .legend-title >> text=segment');
    await open(join(dir, 'counts2.csv'));
    assert.equal(await page.inputValue('[data-testid=colour-obs]'), 'segment');
    await page.waitForSelector('[data-testid=legend] .legend-title >> text=segment');
    assert.equal(await page.inputValue('[data-testid=gene-search]'), 'spike');
  });

  it('trap 2: dragging t past the collapse point warns before the run; a re-embedded selection starts at automatic t', async () => {
    assert.equal(await page.locator('[data-testid=collapse-warning]').count(), 0);
    const max = Number(await page.getAttribute('[data-testid=slider-t]', 'max'));
    await page.locator('[data-testid=slider-t]').fill(String(max));
    await page.waitForSelector('[data-testid=collapse-warning]');
    assert.match((await page.textContent('[data-testid=collapse-warning]')) ?? '', /tends to a line/);
    runId = await waitForRun(page, runId);
    assert.doesNotMatch(await runInfo(), /\(auto\)/);
    await screenshot(page, 'traps-02-collapse-warning');
    // Back to automatic t from the warning.
    await page.click('[data-testid=collapse-auto-t]');
    runId = await waitForRun(page, runId);
    assert.match(await runInfo(), /\(auto\)/);
    assert.equal(await page.locator('[data-testid=collapse-warning]').count(), 0);
    // A hand-set t, then re-embed a selection: the subset runs at automatic t.
    await page.locator('[data-testid=slider-t]').fill('3');
    runId = await waitForRun(page, runId);
    assert.doesNotMatch(await runInfo(), /\(auto\)/);
    const box = (await page.locator('[data-testid=map-overlay]').boundingBox())!;
    await page.click('[data-testid=tool-rect]');
    await page.mouse.move(box.x + 50, box.y + 10);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height - 30, { steps: 5 });
    await page.mouse.up();
    await page.waitForSelector('[data-testid=selection-count]');
    assert.equal(await page.isChecked('[data-testid=reembed-keep-t]'), false);
    await page.click('[data-testid=reembed]');
    await page.waitForSelector('[data-testid=back]');
    runId = await waitForRun(page, 0);
    assert.match(await runInfo(), /\(auto\)/);
    assert.equal(await page.isChecked('[data-testid=t-auto]'), true);
    // Trap 8 again: the colour column is kept through the re-embed.
    assert.equal(await page.inputValue('[data-testid=colour-obs]'), 'segment');
    assert.deepEqual(browser.errors, []);
  });
});
