/**
 * Issue 14 in the browser, on pbmc68k_reduced (700 PBMCs, test/fixtures/data/pbmc68k_reduced): named
 * selections (legend shift-click and lasso) as a column of the exported CSV and restored on reopening it,
 * marker genes of the CD14+ monocytes vs the rest and vs the lymphocytes, clicking a marker colours the map,
 * Leiden clusters of the map's graph as a colour-by column that the export carries.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { readCsv, tally } from './csv-read.js';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { tableFromIPC } from 'apache-arrow';
import { fixtureData } from '../helpers/paths.js';
import type { MiniDocument } from './dom-types.js';
import { browserSkip, canvasStats, docsScreenshot, openInApp, screenshot, waitForDrawn, waitForRun, type Browser, type Served } from './harness.js';

declare const document: MiniDocument;

const skip = browserSkip();
if (skip) console.log(`# ${skip}`);

describe('clusters, marker genes and named selections in Chromium (pbmc68k_reduced)', { skip, timeout: 240000 }, () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  let dir: string;
  const labels: Record<string, number> = {};

  const selected = async (): Promise<number> => Number(((await page.textContent('[data-testid=selection-count]')) ?? '').replace(/[^0-9]/g, ''));
  const topGenes = async (k: number): Promise<string[]> => (await page.locator('[data-testid=marker-gene]').allTextContents()).slice(0, k);
  async function colourBy(column: string): Promise<void> {
    await page.selectOption('[data-testid=colour-obs]', column);
    await page.waitForSelector(`[data-testid=legend] .legend-title >> text=${column}`);
  }
  async function pick(label: string, add = false): Promise<void> {
    await page.locator('[data-testid=legend] .cat', { hasText: label }).first().click({ modifiers: add ? ['Shift', 'Control'] : ['Shift'] });
  }
  async function nameSelection(name: string): Promise<void> {
    await page.fill('[data-testid=selection-name]', name);
    await page.click('[data-testid=selection-save]');
    await page.waitForFunction((n) => Array.from(document.querySelectorAll('[data-testid=named-selection-name]')).some((e) => e.value === n), name);
  }

  before(async () => {
    ({ dir, served, browser, page } = await openInApp('isotherm-e2e-analysis-', fixtureData('pbmc68k_reduced', 'pbmc68k_reduced_anndata08.h5ad'), 'pbmc.h5ad'));
  });

  after(async () => {
    await browser?.close();
    await served?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('names selections (legend shift-click): they become a "selections" column with the right counts', async () => {
    await colourBy('bulk_labels');
    for (const el of await page.locator('[data-testid=legend] .cat').all()) {
      const count = (await el.locator('.muted').textContent()) ?? '';
      const text = (await el.textContent()) ?? '';
      labels[text.slice(0, text.length - count.length).trim()] = Number(count);
    }
    assert.equal(labels['CD14+ Monocyte'], 129, JSON.stringify(labels));
    await pick('CD14+ Monocyte');
    assert.equal(await selected(), 129);
    await nameSelection('mono');
    // Lymphocytes: T (CD4+/CD8+ labels), B and NK cells, added label by label.
    await colourBy('bulk_labels');
    const lymphLabels = Object.keys(labels).filter((l) => /^CD4|^CD8|^CD19|^CD56/.test(l));
    assert.ok(lymphLabels.length >= 4, lymphLabels.join(', '));
    await pick(lymphLabels[0]!);
    for (const l of lymphLabels.slice(1)) await pick(l, true);
    const nLymph = lymphLabels.reduce((s, l) => s + labels[l]!, 0);
    assert.equal(await selected(), nLymph);
    await nameSelection('lymph');
    await page.click('[data-testid=clear-selection]');
    // The map is coloured by the selections column; its legend counts the named cells.
    await page.waitForSelector('[data-testid=legend] .legend-title >> text=selections');
    const legend = (await page.textContent('[data-testid=legend]')) ?? '';
    assert.match(legend, /mono\s*129/);
    assert.match(legend, new RegExp(`lymph\\s*${nLymph}`));
    assert.match(legend, new RegExp(`unassigned\\s*${700 - 129 - nLymph}`));
    assert.ok((await canvasStats(page)).hues >= 2);
    await screenshot(page, 'analysis-01-named-selections');
  });

  it('marker genes of the CD14+ monocytes: vs the rest (myeloid genes) and vs the lymphocytes (LYZ, CST3 in the top ten)', async () => {
    await page.locator('[data-testid=named-selection-select]').first().click();
    assert.equal(await selected(), 129);
    await page.click('[data-testid=markers-run]');
    await page.waitForSelector('[data-testid=markers-summary] >> text=129 vs 571');
    const vsRest = await topGenes(10);
    console.log(`app: CD14+ Monocyte vs rest, top ten: ${vsRest.join(', ')}`);
    // What the core measured (docs/analysis.md §2): the rest holds "Dendritic" cells with more LYZ/CST3, so
    // the top ten vs the rest is other myeloid genes.
    const myeloid = new Set(['LYZ', 'CST3', 'S100A8', 'S100A9', 'FCN1', 'CD14', 'FCGR3A', 'MS4A7', 'LST1', 'AIF1', 'FCER1G', 'TYROBP', 'IFITM3', 'CFD', 'CD68', 'PSAP', 'FTL', 'CTSS', 'SERPINA1']);
    assert.ok(vsRest.filter((g) => myeloid.has(g)).length >= 6, vsRest.join(', '));
    assert.match((await page.textContent('[data-testid=markers-summary]')) ?? '', /raw\/X/);

    await page.selectOption('[data-testid=markers-against]', 'lymph');
    await page.click('[data-testid=markers-run]');
    await page.waitForSelector('[data-testid=markers-summary] >> text=(lymph)');
    const vsLymph = await topGenes(10);
    console.log(`app: CD14+ Monocyte vs lymphocytes, top ten: ${vsLymph.join(', ')}`);
    for (const g of ['LYZ', 'CST3']) assert.ok(vsLymph.includes(g), `${g} in ${vsLymph.join(', ')}`);
    // The table's first row: positive fold change, tiny FDR; the columns sort.
    const first = await page.locator('[data-testid=marker-row]').first().locator('td').allTextContents();
    assert.ok(Number(first[1]) > 1, `log2FC ${first[1]}`);
    assert.ok(Number(first[4]) < 1e-10, `FDR ${first[4]}`);
    await page.click('[data-testid=markers-sort-gene]');
    const sorted = await page.locator('[data-testid=marker-gene]').allTextContents();
    assert.deepEqual(sorted, [...sorted].sort((a, b) => a.localeCompare(b)));
    await screenshot(page, 'analysis-02-markers');
    await docsScreenshot(page, 'markers');

    // Clicking a gene colours the map by it.
    await page.click('[data-testid=marker-gene] >> text=LYZ');
    await page.waitForSelector('[data-testid=legend][data-kind=numeric] >> text=LYZ');
    assert.ok((await canvasStats(page)).colours > 10);
  });

  it('clusters the map (Leiden on its graph): a colour-by column with several clusters; a higher resolution gives more', async () => {
    await page.click('[data-testid=clear-selection]');
    await page.click('[data-testid=cluster-run]');
    await page.waitForSelector('[data-testid=cluster-summary]');
    const k1 = Number(/^(\d+) clusters/.exec((await page.textContent('[data-testid=cluster-summary]')) ?? '')?.[1]);
    assert.ok(k1 >= 5 && k1 <= 20, `γ = 1: ${k1} clusters`);
    assert.equal(await page.inputValue('[data-testid=colour-obs]'), 'leiden');
    // The legend re-renders after the summary: wait for it rather than read it at once.
    await page.waitForFunction((k) => document.querySelectorAll('[data-testid=legend] .cat').length === k, k1, { timeout: 10000 });
    await waitForDrawn(page);
    const stats = await canvasStats(page);
    assert.ok(stats.hues >= 4, JSON.stringify(stats));
    await screenshot(page, 'analysis-03-clusters');
    await docsScreenshot(page, 'clusters');
    await page.locator('[data-testid=cluster-resolution]').fill('2.5');
    await page.click('[data-testid=cluster-run]');
    await page.waitForFunction((k) => Number(/^(\d+) clusters/.exec(document.querySelector('[data-testid=cluster-summary]')?.textContent ?? '')?.[1]) > k, k1);
    const k2 = Number(/^(\d+) clusters/.exec((await page.textContent('[data-testid=cluster-summary]')) ?? '')?.[1]);
    await page.waitForFunction((k) => document.querySelectorAll('[data-testid=legend] .cat').length === k, k2, { timeout: 10000 });
    assert.ok(k2 > k1, `γ = 2.5: ${k2} clusters`);
  });

  it('the exported CSV carries the named selections and the clusters; reopening it restores the selections', async () => {
    const csv = join(dir, 'pbmc.analysis.csv');
    await page.fill('[data-testid=export-csv-path]', csv);
    await page.click('[data-testid=export-csv]');
    await page.waitForSelector('[data-testid=notice] >> text=Wrote CSV');
    const cols = readCsv(csv);
    const sel = tally(cols.get('selections') ?? []);
    const nLymph = Object.keys(labels).filter((l) => /^CD4|^CD8|^CD19|^CD56/.test(l)).reduce((s, l) => s + labels[l]!, 0);
    assert.deepEqual(sel, { mono: 129, lymph: nLymph, unassigned: 700 - 129 - nLymph });
    // Every monocyte row of the CSV is a CD14+ Monocyte by the file's own labels.
    const bulk = cols.get('bulk_labels')!;
    cols.get('selections')!.forEach((s, i) => { if (s === 'mono') assert.equal(bulk[i], 'CD14+ Monocyte'); });
    const leiden = cols.get('leiden');
    assert.ok(leiden && new Set(leiden).size > 5, 'clusters in the CSV');
    const sidecar = JSON.parse(readFileSync(csv.replace(/\.csv$/, '.json'), 'utf8')) as object;
    assert.match(JSON.stringify(sidecar), /selections/);

    await page.fill('[data-testid=open-path]', csv);
    await page.click('[data-testid=open-button]');
    // Run numbers start again with each data set.
    await page.waitForFunction(() => document.querySelector('[data-testid=dataset-summary]')?.textContent?.includes('9 features') ?? false);
    await waitForRun(page, 0, 120000);
    await page.waitForSelector('[data-testid=named-selection]');
    const names = await page.locator('[data-testid=named-selection-name]').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
    const counts = await page.locator('[data-testid=named-selection-select]').allTextContents();
    assert.deepEqual(names, ['mono', 'lymph']);
    assert.deepEqual(counts.map(Number), [129, nLymph]);
    assert.deepEqual(browser.errors, []);
  });

  it('the Arrow export carries the named selections too, and reopening it restores them', async () => {
    const arrow = join(dir, 'pbmc.analysis.arrow');
    await page.fill('[data-testid=export-arrow-path]', arrow);
    await page.click('[data-testid=export-arrow]');
    await page.waitForSelector('[data-testid=notice] >> text=Wrote Arrow');
    const table = tableFromIPC(readFileSync(arrow));
    const col = table.getChild('selections');
    assert.ok(col, `columns: ${table.schema.fields.map((f) => f.name).join(', ')}`);
    const values = Array.from({ length: table.numRows }, (_, i) => String(col.get(i)));
    const nLymph = Object.keys(labels).filter((l) => /^CD4|^CD8|^CD19|^CD56/.test(l)).reduce((s, l) => s + labels[l]!, 0);
    assert.deepEqual(tally(values), { mono: 129, lymph: nLymph, unassigned: 700 - 129 - nLymph });
    await page.fill('[data-testid=open-path]', arrow);
    await page.click('[data-testid=open-button]');
    await page.waitForFunction(() => document.querySelector('[data-testid=dataset-summary]')?.textContent?.includes('analysis.arrow') ?? false);
    await waitForRun(page, 0, 120000);
    await page.waitForSelector('[data-testid=named-selection]');
    // (The order of the categories may change through the CSV reopened before: compare by name.)
    const names = await page.locator('[data-testid=named-selection-name]').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
    const counts = await page.locator('[data-testid=named-selection-select]').allTextContents();
    assert.deepEqual(Object.fromEntries(names.map((n, i) => [n, Number(counts[i])])), { mono: 129, lymph: nLymph });
  });
});
