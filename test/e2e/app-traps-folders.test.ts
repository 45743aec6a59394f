/**
 * Issue 14's remaining traps in the browser at 1400×900, with a generated home folder (HOME) and `isotherm
 * serve` started in the app's own folder without INPUT:
 * - trap 7: the file browser starts in home (not the app's folder, not `/`), follows the folder of the file
 *   opened and wraps long names; a failed open shows its error next to the Open control and marks the path
 *   box; gene search results are scrolled into the sidebar's view;
 * - issue 11: the map's connected components ("2 components: 300 / 100 cells", a warning) for two blobs;
 * - trap 3: exports default to ~/Documents (never the input's folder), then to the last export folder (kept
 *   across a page reload); the folder is shown in full; replacing a file, even an earlier export, is asked;
 * - trap 4: times parsed inside labels (E14.5 → 14.5) and "Adult" placed with a note; edited times are
 *   checked and reach withhold & evaluate (α of the withheld time points);
 * - trap 6: Play shows the whole map unless "keep zoom" is ticked.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createRng } from '../../src-core/linalg/random.js';
import { swissRoll } from '../../src-core/synthetic/swiss-roll.js';
import type { MiniDocument } from './dom-types.js';
import { REPO, browserSkip, launchBrowser, screenshot, startServe, tempDir, waitForRun, type Browser, type Served } from './harness.js';

declare const document: MiniDocument;

const skip = browserSkip();
if (skip) console.log(`# ${skip}`);

const LONG = 'lung_time_course_E14.5_E16.5_E18.5_adult_mouse_replicate_two_after_quality_control_final_version.csv';

/** Two well-separated Gaussian blobs in 10-D (300 and 100 cells): a neighbour graph with two components. */
function writeBlobsCsv(path: string): void {
  const rng = createRng(5);
  const lines = ['cell_id,blob,' + Array.from({ length: 10 }, (_, j) => `g${j}`).join(',')];
  for (let i = 0; i < 400; i++) {
    const far = i >= 300;
    const row = Array.from({ length: 10 }, () => ((far ? 60 : 0) + rng.normal()).toFixed(4));
    lines.push(`cell${i},${far ? 'small' : 'large'},${row.join(',')}`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

/** A Swiss roll with a "stage" column along it: E14.5, E16.5, E18.5, Adult (a label with no number). */
function writeStagesCsv(path: string, n: number): void {
  const d = swissRoll(n, { dim: 10, seed: 3, noise: 0.3 });
  const lines = ['cell_id,stage,' + Array.from({ length: 10 }, (_, j) => `g${j}`).join(',')];
  for (let i = 0; i < n; i++) {
    const s = d.unrolled[2 * i]!;
    const stage = s < 25 ? 'E14.5' : s < 50 ? 'E16.5' : s < 75 ? 'E18.5' : 'Adult';
    lines.push(`cell${i},${stage},${Array.from(d.points.subarray(i * 10, i * 10 + 10), (v) => v.toFixed(4)).join(',')}`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

interface Box { x: number; y: number; width: number; height: number }
async function box(page: Page, selector: string): Promise<Box> {
  const b = await page.locator(selector).first().boundingBox();
  assert.ok(b, `${selector} is not visible`);
  return b;
}

describe('issue 14 traps 3, 4, 6, 7 and issue 11 in Chromium at 1400×900', { skip, timeout: 300000 }, () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  let home: string;
  let data: string;

  async function open(path: string): Promise<void> {
    await page.fill('[data-testid=open-path]', path);
    await page.click('[data-testid=open-button]');
    await page.waitForFunction((p) => document.querySelector('[data-testid=dataset-summary]')?.textContent?.includes(p) ?? false, path.split('/').pop()!);
    await waitForRun(page, 0);
  }
  const text = async (selector: string): Promise<string> => ((await page.textContent(selector)) ?? '').trim();
  const zoom = async (): Promise<number> => Number(await page.getAttribute('[data-testid=map-canvas]', 'data-zoom'));

  before(async () => {
    home = tempDir('isotherm-e2e-home-');
    mkdirSync(join(home, 'Documents'));
    data = join(home, 'data');
    mkdirSync(data);
    writeBlobsCsv(join(data, 'blobs.csv'));
    writeStagesCsv(join(data, 'stages.csv'), 320);
    writeBlobsCsv(join(data, LONG));
    // Started in the app's own folder, as `npx isotherm serve` from a checkout would be.
    served = await startServe(['--no-demo'], REPO, { HOME: home });
    browser = await launchBrowser();
    page = browser.page;
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(served.url);
  });

  after(async () => {
    await browser?.close();
    await served?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('trap 7: the file browser starts in home, follows the opened folder and wraps long names', async () => {
    await page.waitForSelector('[data-testid=file-list] >> text=Documents/');
    assert.equal(await text('[data-testid=file-list] .dir'), home);
    await page.click('[data-testid=file-list] >> text=data/');
    const long = page.locator('[data-testid=file-list] button.file', { hasText: 'replicate_two' });
    await long.waitFor();
    // The whole name is on screen: wrapped inside the list, nothing cut off, the full name in the title.
    const list = await box(page, '[data-testid=file-list]');
    const b = (await long.boundingBox())!;
    assert.ok(b.x + b.width <= list.x + list.width + 1, `name runs past the list: ${JSON.stringify({ b, list })}`);
    const clip = await long.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    assert.ok(clip.scroll <= clip.client, `the name is cut: ${JSON.stringify(clip)}`);
    assert.ok(((await long.textContent()) ?? '').includes(LONG));
    assert.match((await long.getAttribute('title')) ?? '', new RegExp(LONG.replace(/\./g, '\\.')));
    await page.click('[data-testid=file-list] >> text=..');
    await page.waitForFunction((h) => document.querySelector('[data-testid=file-list] .dir')?.textContent === h, home);
    // After an open, the browser shows the opened file's folder.
    await open(join(data, 'blobs.csv'));
    await page.waitForFunction((d) => document.querySelector('[data-testid=file-list] .dir')?.textContent === d, data);
  });

  it('issue 11: two blobs show "2 components" with a warning on the map', async () => {
    const c = page.locator('[data-testid=map-components]');
    assert.equal(await text('[data-testid=map-components]'), '⚠ 2 components: 300 / 100 cells');
    assert.equal(await c.getAttribute('data-count'), '2');
    assert.match((await c.getAttribute('class')) ?? '', /warn-many/);
    const note = (await c.boundingBox())!;
    const map = await box(page, '[data-testid=map]');
    assert.ok(note.x >= map.x && note.x + note.width <= map.x + map.width && note.y >= map.y && note.y + note.height <= map.y + map.height, JSON.stringify({ note, map }));
    await screenshot(page, 'traps-11-components');
  });

  it('trap 7: a failed open shows its error next to the Open control and marks the path box', async () => {
    const missing = join(data, 'missing.h5ad');
    await page.fill('[data-testid=open-path]', missing);
    await page.click('[data-testid=open-button]');
    await page.waitForSelector('[data-testid=open-error]');
    assert.match(await text('[data-testid=open-error]'), /Could not open missing\.h5ad.*no such file/);
    assert.equal(await page.locator('[data-testid=error]').count(), 0, 'no second banner at the bottom of the map');
    const err = await box(page, '[data-testid=open-error]');
    const button = await box(page, '[data-testid=open-button]');
    const side = await box(page, '.side');
    assert.ok(err.y >= button.y + button.height - 1 && err.y - (button.y + button.height) < 30, `error ${JSON.stringify(err)} not right under Open ${JSON.stringify(button)}`);
    assert.ok(err.x >= side.x && err.x + err.width <= side.x + side.width && err.y + err.height <= 900, 'the error is inside the sidebar, on screen');
    assert.equal(await page.getAttribute('[data-testid=open-path]', 'aria-invalid'), 'true');
    await screenshot(page, 'traps-07-open-error');
    // Editing the path clears the mark; the map of blobs.csv is still there.
    await page.fill('[data-testid=open-path]', join(data, 'blobs.csv'));
    assert.equal(await page.getAttribute('[data-testid=open-path]', 'aria-invalid'), 'false');
    await page.click('[data-testid=open-error] button.close');
    assert.equal(await page.locator('[data-testid=open-error]').count(), 0);
  });

  it('trap 7: gene search results are scrolled into view when the gene box is at the bottom of the sidebar', async () => {
    await page.locator('[data-testid=gene-search]').evaluate((el) => el.scrollIntoView({ block: 'end' }));
    const input = await box(page, '[data-testid=gene-search]');
    assert.ok(input.y + input.height > 900 - 40, `the gene box is not at the bottom edge: ${JSON.stringify(input)}`);
    await page.fill('[data-testid=gene-search]', 'g');
    await page.waitForSelector('[data-testid=gene-results] >> text=g9');
    // Until the results are scrolled into view (the asserts below say what is wrong if they never are).
    await page
      .waitForFunction(() => {
        const r = document.querySelector('[data-testid=gene-results]')?.getBoundingClientRect();
        const s = document.querySelector('.side')?.getBoundingClientRect();
        const g = document.querySelector('[data-testid=gene-search]')?.getBoundingClientRect();
        return !!r && !!s && !!g && r.y >= s.y && r.y + r.height <= Math.min(900, s.y + s.height) + 1 && g.y >= 0 && g.y + g.height <= 900;
      }, undefined, { timeout: 5000 })
      .catch(() => undefined);
    const results = await box(page, '[data-testid=gene-results]');
    const side = await box(page, '.side');
    assert.ok(results.y >= side.y && results.y + results.height <= Math.min(900, side.y + side.height) + 1, `results ${JSON.stringify(results)} outside the visible sidebar ${JSON.stringify(side)}`);
    const again = await box(page, '[data-testid=gene-search]');
    assert.ok(again.y >= 0 && again.y + again.height <= 900, 'the gene box stays on screen');
    await page.fill('[data-testid=gene-search]', '');
  });

  it('trap 3: exports go to ~/Documents, then the last export folder; the folder is shown; nothing is replaced unasked', async () => {
    const docs = join(home, 'Documents');
    assert.equal(await text('[data-testid=export-folder]'), `to ${docs}`);
    const csv = join(docs, 'blobs.isotherm.csv');
    assert.equal(await page.inputValue('[data-testid=export-csv-path]'), csv);
    assert.equal(await page.inputValue('[data-testid=export-svg-path]'), join(docs, 'blobs.isotherm.svg'));
    // The folder line is shown in full (wrapped, not cut).
    const clip = await page.locator('[data-testid=export-folder]').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    assert.ok(clip.scroll <= clip.client, JSON.stringify(clip));
    await page.click('[data-testid=export-csv]');
    await page.waitForSelector('[data-testid=notice] >> text=Wrote CSV');
    assert.ok(existsSync(csv) && existsSync(join(docs, 'blobs.isotherm.json')));
    assert.ok(!existsSync(join(data, 'blobs.isotherm.csv')), 'nothing in the input folder');
    // The same export again replaces an earlier export only when the user says so.
    writeFileSync(csv, readFileSync(csv, 'utf8').replace('cell_id,x,y', 'cell_id,x,y,kept'));
    const asked: string[] = [];
    page.once('dialog', (d) => {
      asked.push(d.message());
      void d.dismiss();
    });
    await page.click('[data-testid=export-csv]');
    await page.waitForSelector('[data-testid=error] >> text=this file exists');
    assert.match(asked[0] ?? '', /blobs\.isotherm\.csv already exists \(an earlier Isotherm export\)/);
    assert.match(readFileSync(csv, 'utf8'), /^cell_id,x,y,kept/, 'declined: the file is kept');
    page.once('dialog', (d) => void d.accept());
    await page.click('[data-testid=export-csv]');
    await page.waitForSelector('[data-testid=error]', { state: 'detached' }); // a successful export clears the error
    await page.waitForSelector('[data-testid=notice] >> text=Wrote CSV');
    assert.doesNotMatch(readFileSync(csv, 'utf8'), /^cell_id,x,y,kept/, 'confirmed: replaced');
    // An export to another folder makes it the default for the other exports and for the next file.
    const out = join(home, 'figures');
    mkdirSync(out);
    await page.fill('[data-testid=export-svg-path]', join(out, 'map.svg'));
    await page.click('[data-testid=export-svg]');
    await page.waitForSelector('[data-testid=notice] >> text=Wrote SVG');
    assert.equal(await text('[data-testid=export-folder]'), `to ${out}`);
    assert.equal(await page.inputValue('[data-testid=export-png-path]'), join(out, 'blobs.isotherm.png'));
    await open(join(data, 'stages.csv'));
    assert.equal(await page.inputValue('[data-testid=export-csv-path]'), join(out, 'stages.isotherm.csv'));
    assert.equal(await page.inputValue('[data-testid=time-export-path]'), join(out, 'stages.interpolated.csv'));
    // Kept for the session: a reload of the page still exports there.
    await page.reload();
    await waitForRun(page, 0);
    assert.equal(await text('[data-testid=export-folder]'), `to ${out}`);
    assert.equal(await page.inputValue('[data-testid=export-csv-path]'), join(out, 'stages.isotherm.csv'));
  });

  it('issue 11: a connected map says "1 component" without a warning', async () => {
    assert.match(await text('[data-testid=map-components]'), /^1 component \(320 cells, connected\)$/);
    assert.doesNotMatch((await page.getAttribute('[data-testid=map-components]', 'class')) ?? '', /warn-many/);
  });

  it('trap 4: times parsed inside labels, "Adult" placed with a note, edits checked and used by withhold & evaluate', async () => {
    await page.waitForSelector('[data-testid=time-panel]');
    assert.match(await text('[data-testid=time-note]'), /'Adult' at 20\.5/);
    const inputs = page.locator('[data-testid=time-level-time]');
    assert.deepEqual(await inputs.evaluateAll((els) => els.map((e) => [e.getAttribute('data-label'), (e as unknown as { value: string }).value])), [['E14.5', '14.5'], ['E16.5', '16.5'], ['E18.5', '18.5'], ['Adult', '20.5']]);
    // The open list of times fits the sidebar (no horizontal scrollbar).
    const side = await page.locator('.side').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    assert.ok(side.scroll <= side.client, `sidebar scrolls sideways: ${JSON.stringify(side)}`);
    assert.equal(await page.inputValue('[data-testid=time-from]'), 'E14.5');
    assert.equal(await page.inputValue('[data-testid=time-to]'), 'Adult');
    await page.locator('[data-testid=time-alpha]').fill('0.5');
    assert.equal(await text('[data-testid=time-alpha-time]'), '· t = 17.5');
    const adult = page.locator('[data-testid=time-level-time][data-label=Adult]');
    await adult.fill('old');
    assert.match(await text('[data-testid=time-times-error]'), /the time of 'Adult' is not a number/);
    assert.equal(await page.isDisabled('[data-testid=time-evaluate]'), true);
    await adult.fill('16');
    assert.match(await text('[data-testid=time-times-error]'), /'Adult' \(16\) is not after 'E18\.5' \(18\.5\)/);
    await screenshot(page, 'traps-04-time-error');
    await adult.fill('30');
    assert.equal(await page.locator('[data-testid=time-times-error]').count(), 0);
    assert.equal(await text('[data-testid=time-alpha-time]'), '· t = 22.25');
    await page.click('[data-testid=time-evaluate]');
    await page.waitForSelector('[data-testid=time-scores]', { timeout: 120000 });
    const heads = await page.locator('[data-testid=time-scores] h3').allTextContents();
    assert.equal(heads.length, 2);
    assert.match(heads[0]!, /withheld E16\.5: α = 0\.50 between E14\.5 and E18\.5/);
    // (18.5 − 16.5) / (30 − 16.5) = 0.148: the edited time of Adult, not even spacing (0.50) nor 20.5 (0.50).
    assert.match(heads[1]!, /withheld E18\.5: α = 0\.15 between E16\.5 and Adult/);
    await screenshot(page, 'traps-04-time-edited');
    await page.click('[data-testid=time-scores] button.close');
  });

  it('trap 6: Play shows the whole map unless "keep zoom" is ticked', async () => {
    await page.check('[data-testid=time-show]');
    await page.waitForSelector('[data-testid=interp-legend]');
    const m = await box(page, '[data-testid=map-overlay]');
    const zoomIn = async (): Promise<void> => {
      await page.mouse.move(m.x + m.width / 2, m.y + m.height / 2);
      await page.mouse.wheel(0, -600);
      await page.waitForFunction(() => Number(document.querySelector('[data-testid=map-canvas]')?.getAttribute('data-zoom')) > 1.5);
    };
    await zoomIn();
    assert.equal(await page.isChecked('[data-testid=time-keep-zoom]'), false);
    await page.click('[data-testid=time-play]');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=map-canvas]')?.getAttribute('data-zoom')) === 1);
    await page.click('[data-testid=time-play]'); // pause
    await zoomIn();
    await page.check('[data-testid=time-keep-zoom]');
    const kept = await zoom();
    await page.click('[data-testid=time-play]');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=time-panel]')?.getAttribute('data-drawn-alpha')) > 0.1, undefined, { timeout: 20000 });
    assert.equal(await zoom(), kept, 'the zoom is kept through Play');
    await page.click('[data-testid=time-play]');
    assert.deepEqual(browser.errors.filter((e) => !/Failed to load resource/.test(e)), []);
  });
});
