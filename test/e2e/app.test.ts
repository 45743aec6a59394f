/**
 * The app end to end: Chromium (playwright-core) against `isotherm serve`, on a generated Swiss roll.
 * Skips with a message when /usr/bin/chromium is absent (.ci/e2e-deps.sh installs it).
 * Screenshots go to test-output/e2e/.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { MiniDocument } from './dom-types.js';
import { OUTPUT, browserSkip, canvasStats, inkedPixels, launchBrowser, screenshot, startServe, tempDir, waitForDrawn, waitForRun, writeRollCsv, type Browser, type Served } from './harness.js';
import { requiredSuite } from '../helpers/required-suite.js';

declare const document: MiniDocument;

const N = 400;
const skip = requiredSuite('browser e2e (app)', browserSkip());

describe('isotherm app in Chromium', { skip, timeout: 180000 }, () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  let dir: string;
  let data: string;
  let runId = 0;

  const attr = (name: string): Promise<string | null> => page.getAttribute('[data-testid=map]', name);
  const stageState = (s: string): Promise<string | null> => page.getAttribute(`[data-testid=stage-${s}]`, 'data-state');

  before(async () => {
    dir = tempDir('isotherm-e2e-');
    data = join(dir, 'roll.csv');
    writeRollCsv(data, N);
    served = await startServe(['--no-demo'], dir, { HOME: dir });
    browser = await launchBrowser();
    page = browser.page;
    await page.goto(served.url);
  });

  after(async () => {
    await browser?.close();
    await served?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists the home folder, opens a CSV file and draws the map', async () => {
    await page.waitForSelector('[data-testid=file-list] >> text=roll.csv');
    await page.fill('[data-testid=open-path]', data);
    await page.click('[data-testid=open-button]');
    runId = await waitForRun(page, runId);
    assert.match((await page.textContent('[data-testid=dataset-summary]')) ?? '', /400 cells × 10 features/);
    assert.equal(await attr('data-stages-run'), 'knn,graph,landmarks,heat,dissimilarity,mds,extend,refine');
    assert.match((await attr('data-digest')) ?? '', /^400:/);
    const stats = await canvasStats(page);
    assert.ok(stats.inked > 0.003, `canvas looks blank: ${JSON.stringify(stats)}`);
    assert.ok((await page.locator('[data-testid=entropy-knee]').count()) === 1, 'the entropy curve marks its knee');
    await screenshot(page, '01-opened');
    assert.deepEqual(browser.errors, []);
  });

  it('moving the t slider changes the map and reruns only the downstream stages', async () => {
    const before = await attr('data-digest');
    await page.locator('[data-testid=slider-t]').fill('4');
    // The points move from the old layout to the new one.
    await page.waitForSelector('[data-testid=map-canvas][data-animating=true]', { timeout: 30000 });
    runId = await waitForRun(page, runId);
    assert.equal(await page.getAttribute('[data-testid=map-canvas]', 'data-animating'), 'false');
    assert.equal(await attr('data-stages-run'), 'heat,dissimilarity,mds,extend,refine');
    for (const s of ['knn', 'graph', 'landmarks']) assert.equal(await stageState(s), 'cached', `${s} should come from the cache`);
    for (const s of ['heat', 'mds', 'extend', 'refine']) assert.equal(await stageState(s), 'done');
    assert.notEqual(await attr('data-digest'), before, 'coordinates should change with t');
    assert.match((await page.textContent('[data-testid=run-info]')) ?? '', /t = 16\.0/);
    // The refinement as it ran, resolved for this data set (the demo's cells: ρ and the 1.5·knn bandwidth).
    assert.match((await page.textContent('[data-testid=run-info]')) ?? '', /· refined: 100 steps, ρ = \d\.\d\d, \d+ neighbours ·/);
    assert.equal(await page.isChecked('[data-testid=t-auto]'), false);
    await screenshot(page, '02-t16');
  });

  it('switches presets (PHATE-like, SNE-like, Geodesic) without recomputing the graph', async () => {
    let last = await attr('data-digest');
    for (const [preset, label] of [['phate', 'phate'], ['sne', 'sne'], ['geodesic', 'geodesic']] as const) {
      await page.click(`[data-testid=preset-${preset}]`);
      runId = await waitForRun(page, runId);
      const ran = (await attr('data-stages-run'))!.split(',');
      assert.ok(!ran.includes('knn') && !ran.includes('graph'), `${preset}: ran ${ran.join(',')}`);
      assert.match((await page.textContent('[data-testid=run-info]')) ?? '', new RegExp(`· ${label} ·`));
      const d = await attr('data-digest');
      assert.notEqual(d, last, `${preset} should give another layout`);
      last = d;
      if (preset === 'phate') await screenshot(page, '03-phate');
    }
    assert.ok((await canvasStats(page)).inked > 0.003);
  });

  it('colours by a category (legend, several hues) and by a gene (colour bar)', async () => {
    await page.selectOption('[data-testid=colour-obs]', 'segment');
    await page.waitForSelector('[data-testid=legend][data-kind=categorical]');
    assert.equal(await page.locator('[data-testid=legend] .cat').count(), 3);
    await waitForDrawn(page);
    const cat = await canvasStats(page);
    assert.ok(cat.hues >= 3, `expected ≥ 3 hues for 3 categories: ${JSON.stringify(cat)}`);
    await screenshot(page, '04-by-segment');
    // Hide one category by clicking its legend entry: fewer pixels inked.
    await page.click('[data-testid=legend] .cat >> nth=0');
    await waitForDrawn(page);
    const hidden = await canvasStats(page);
    assert.ok(hidden.inked < cat.inked, `hiding a category should remove points: ${cat.inked} → ${hidden.inked}`);
    await page.click('[data-testid=legend] .cat >> nth=0');

    await page.fill('[data-testid=gene-search]', 'g3');
    await page.click('[data-testid=gene-results] >> text=g3');
    await page.waitForSelector('[data-testid=legend][data-kind=numeric]');
    assert.match((await page.textContent('[data-testid=legend]')) ?? '', /g3/);
    await waitForDrawn(page);
    const gene = await canvasStats(page);
    assert.ok(gene.colours > 20, `a continuous scale should give many colours: ${JSON.stringify(gene)}`);
    await screenshot(page, '05-by-gene');
    await page.selectOption('[data-testid=colour-obs]', 'segment');
    await page.waitForSelector('[data-testid=legend][data-kind=categorical]');
  });

  it('shows a tooltip with the cell id on hover', async () => {
    const box = (await page.locator('[data-testid=map-overlay]').boundingBox())!;
    const spots = await inkedPixels(page, 10);
    assert.ok(spots.length > 0, 'no drawn point found on the canvas');
    let found = false;
    for (const [x, y] of spots) {
      await page.mouse.move(box.x + x, box.y + y);
      found = await page.locator('[data-testid=tooltip]').waitFor({ timeout: 1000 }).then(() => true, () => false);
      if (found) break;
    }
    assert.ok(found, 'no tooltip found while hovering over the map');
    assert.match((await page.textContent('[data-testid=tooltip]')) ?? '', /cell\d+.*segment: (inner|middle|outer)/s);
    await page.mouse.move(box.x + 2, box.y + 2);
  });

  it('lasso-selects a region and exports its ids; rectangle selection too', async () => {
    const box = (await page.locator('[data-testid=map-overlay]').boundingBox())!;
    await page.click('[data-testid=tool-lasso]');
    const cx = box.x + box.width / 2;
    await page.mouse.move(box.x + 50, box.y + 10);
    await page.mouse.down();
    for (const [x, y] of [[cx, box.y + 10], [cx, box.y + box.height - 10], [box.x + 50, box.y + box.height - 10], [box.x + 50, box.y + 20]] as const) {
      await page.mouse.move(x, y, { steps: 8 });
    }
    await page.mouse.up();
    await page.waitForSelector('[data-testid=selection-count]');
    const count = Number(((await page.textContent('[data-testid=selection-count]')) ?? '').replace(/\D/g, ''));
    assert.ok(count > 20 && count < N, `lasso over the left half selected ${count} of ${N}`);
    await screenshot(page, '06-lasso');
    const idsPath = join(dir, 'selected.txt');
    await page.fill('[data-testid=export-ids-path]', idsPath);
    await page.click('[data-testid=export-ids]');
    await page.waitForSelector('[data-testid=notice] >> text=selected ids');
    const lines = readFileSync(idsPath, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'cell_id');
    assert.equal(lines.length - 1, count);
    assert.ok(lines.slice(1).every((l) => /^cell\d+$/.test(l)));
    assert.equal(new Set(lines.slice(1)).size, count);

    // Re-embed the selection, then go back: the full map returns from the cache, unchanged.
    const fullDigest = await attr('data-digest');
    await page.click('[data-testid=reembed]');
    runId = await waitForRun(page, 0);
    assert.match((await page.textContent('[data-testid=run-info]')) ?? '', new RegExp(`^${count} cells`));
    assert.match((await attr('data-digest')) ?? '', new RegExp(`^${count}:`));
    assert.equal(await attr('data-stages-run'), 'knn,graph,landmarks,heat,dissimilarity,mds,extend,refine');
    assert.ok((await canvasStats(page)).hues >= 1);
    await screenshot(page, '06b-reembedded');
    await page.click('[data-testid=back]');
    runId = await waitForRun(page, 0);
    assert.equal(await attr('data-digest'), fullDigest);
    assert.equal(await attr('data-stages-run'), '', 'every stage of the full data set came from the cache');
    assert.equal(await page.locator('[data-testid=back]').count(), 0);
    await page.click('[data-testid=tool-lasso]');

    await page.click('[data-testid=tool-rect]');
    const box2 = (await page.locator('[data-testid=map-overlay]').boundingBox())!;
    assert.deepEqual(box2, box, 'the map did not move');
    await page.mouse.move(box.x + 40, box.y + 10);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width - 10, box.y + box.height - 30, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction((c) => {
      const t = document.querySelector('[data-testid=selection-count]')?.textContent ?? '';
      return Number(t.replace(/\D/g, '')) !== c;
    }, count);
    const all = Number(((await page.textContent('[data-testid=selection-count]')) ?? '').replace(/\D/g, ''));
    assert.ok(all > count, `the big rectangle should select more (${all}) than the lasso (${count})`);
    await page.keyboard.press('Escape');
    await page.click('[data-testid=tool-pan]');
    assert.equal(await page.locator('[data-testid=selection-count]').count(), 0);
  });

  it('exports the map as CSV (with sidecar) and as SVG', async () => {
    const csv = join(dir, 'map.csv');
    await page.fill('[data-testid=export-csv-path]', csv);
    await page.click('[data-testid=export-csv]');
    await page.waitForSelector('[data-testid=notice] >> text=Wrote CSV');
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    assert.equal(rows[0], 'cell_id,x,y,segment');
    assert.equal(rows.length, N + 1);
    const first = rows[1]!.split(',');
    assert.equal(first[0], 'cell0');
    assert.ok(Number.isFinite(Number(first[1])) && Number.isFinite(Number(first[2])));
    assert.match(first[3]!, /^(inner|middle|outer)$/);
    const sidecar = JSON.parse(readFileSync(join(dir, 'map.json'), 'utf8')) as { parameters: { preset: string; t: number }; input: { nCells: number } };
    assert.equal(sidecar.parameters.preset, 'geodesic');
    assert.equal(sidecar.input.nCells, N);
    assert.ok(sidecar.parameters.t > 0);

    const svg = join(dir, 'map.svg');
    await page.fill('[data-testid=export-svg-path]', svg);
    await page.click('[data-testid=export-svg]');
    await page.waitForSelector('[data-testid=notice] >> text=Wrote SVG');
    const text = readFileSync(svg, 'utf8');
    assert.match(text, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const circles = text.match(/<circle /g)?.length ?? 0;
    assert.ok(circles > N * 0.9 && circles <= N, `SVG has ${circles} points`);
    for (const label of ['segment', 'inner', 'middle', 'outer']) assert.ok(text.includes(`>${label}</text>`), `legend label ${label}`);
    assert.match(text, /class="tick"/, 'axes are included');

    // A file Isotherm did not write is replaced only after the user confirms (the page asks).
    const mine = join(dir, 'mine.svg');
    writeFileSync(mine, '<svg xmlns="http://www.w3.org/2000/svg"><!-- my figure --></svg>');
    await page.fill('[data-testid=export-svg-path]', mine);
    const asked: string[] = [];
    page.once('dialog', (d) => {
      asked.push(d.message());
      void d.dismiss();
    });
    await page.click('[data-testid=export-svg]');
    await page.waitForSelector('[data-testid=error] >> text=was not written by Isotherm');
    assert.match(asked[0] ?? '', /mine\.svg already exists and was not written by Isotherm/);
    assert.match(readFileSync(mine, 'utf8'), /my figure/, 'declined: the file is kept');
    page.once('dialog', (d) => void d.accept());
    await page.click('[data-testid=export-svg]');
    await page.waitForSelector('[data-testid=notice] >> text=/Wrote SVG: .*mine\\.svg/');
    assert.ok(!readFileSync(mine, 'utf8').includes('my figure'), 'confirmed: the file is replaced');

    const png = join(dir, 'map.png');
    await page.fill('[data-testid=export-png-path]', png);
    await page.selectOption('[data-testid=export-png-scale]', '2');
    await page.click('[data-testid=export-png]');
    await page.waitForSelector('[data-testid=notice] >> text=Wrote PNG');
    const bytes = readFileSync(png);
    assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], 'PNG signature');
    const box = (await page.locator('[data-testid=map-overlay]').boundingBox())!;
    // The default figure frame: a title band (30 px, the file name) and axis-label bands (18 px left, 20 px below).
    assert.ok(Math.abs(bytes.readUInt32BE(16) - (18 + box.width + 170) * 2) <= 2, 'PNG width = 2 × (y label + map + legend)');
    assert.ok(Math.abs(bytes.readUInt32BE(20) - (30 + box.height + 20) * 2) <= 2, 'PNG height = 2 × (title + map + x label)');
    assert.ok(bytes.length > 20000, `PNG of ${bytes.length} bytes looks empty`);
    await page.fill('[data-testid=export-csv-path]', join(dir, 'bundle.csv'));
    await page.fill('[data-testid=export-svg-path]', join(dir, 'bundle.svg'));
    await page.fill('[data-testid=export-png-path]', join(dir, 'bundle.png'));
    await page.click('[data-testid=export-bundle]');
    await page.waitForSelector('[data-testid=notice] >> text=Wrote bundle');
    for (const f of ['bundle.csv', 'bundle.json', 'bundle.svg', 'bundle.png']) assert.ok(existsSync(join(dir, f)), `${f} written`);
    copyFileSync(png, join(OUTPUT, '08-export.png'));
    copyFileSync(svg, join(OUTPUT, '08-export.svg'));
  });

  it('shows a readable error for a malformed file and keeps the previous map', async () => {
    const digest = await attr('data-digest');
    const bad = join(dir, 'broken.csv');
    writeFileSync(bad, 'cell_id,a,b\nc1,1,2\nc2,3\nc3,4,5\n');
    await page.fill('[data-testid=open-path]', bad);
    await page.click('[data-testid=open-button]');
    // The error shows next to the Open control (issue 14, trap 7).
    const error = page.locator('[data-testid=open-error]');
    await error.waitFor();
    const text = (await error.textContent()) ?? '';
    assert.match(text, /broken\.csv: line 3: 2 fields, but the header has 3/);
    assert.equal(await attr('data-digest'), digest, 'the previous map stays');
    assert.ok((await canvasStats(page)).inked > 0.003, 'the previous map is still drawn');
    await screenshot(page, '07-error');
    // The file the user asked for does not exist: also a readable message.
    await page.fill('[data-testid=open-path]', join(dir, 'missing.h5ad'));
    await page.click('[data-testid=open-button]');
    await page.waitForFunction(() => /missing\.h5ad: no such file/.test(document.querySelector('[data-testid=open-error]')?.textContent ?? ''));
    assert.ok(existsSync(join(dir, 'map.csv')));
  });

  it('cancels a run from the progress bar and keeps the previous map', async () => {
    const big = join(dir, 'roll1500.csv');
    writeRollCsv(big, 1500);
    await page.fill('[data-testid=open-path]', big);
    await page.click('[data-testid=open-button]');
    runId = await waitForRun(page, 0);
    const digest = await attr('data-digest');
    assert.match(digest ?? '', /^1500:/);
    await page.locator('[data-testid=slider-t]').fill('6');
    await page.waitForSelector('[data-testid=stage-heat][data-state=running]', { timeout: 30000 });
    await page.click('[data-testid=cancel]');
    await page.waitForSelector('[data-testid=notice] >> text=Run cancelled', { timeout: 30000 });
    assert.match((await page.textContent('[data-testid=notice]')) ?? '', /the previous map is kept/);
    // The stage the cancel reached is marked failed (heat, unless it had already finished).
    const states = await Promise.all(['heat', 'dissimilarity', 'mds', 'extend', 'refine'].map(stageState));
    assert.ok(states.includes('failed'), `stage states after cancel: ${states.join(', ')}`);
    assert.equal(await attr('data-digest'), digest);
    assert.equal(Number(await attr('data-run-id')), runId);
    assert.ok((await canvasStats(page)).inked > 0.003);
    await screenshot(page, '09-cancelled');
  });
});
