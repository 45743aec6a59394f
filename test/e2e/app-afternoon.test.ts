/**
 * Issue 14 in the browser, on pbmc68k_reduced (700 PBMCs): a gene-set score from a pasted list (checked
 * against a z-score computed here from the file's raw/X), a lasso drawn with real pointer events whose cells
 * are named and exported (checked against the polygon mapped to data coordinates through the axes the user
 * sees), the h5ad export read back with the project's reader, the PCA reference map beside the map, and the
 * title and axis labels of exported figures.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { openDataset } from '../../src-core/io/open.js';
import { readH5ad } from '../../src-core/io/h5ad.js';
import { fixtureData } from '../helpers/paths.js';
import { readCsv, tally } from './csv-read.js';
import type { MiniDocument } from './dom-types.js';
import { browserSkip, canvasStats, docsScreenshot, inkedPixels, openInApp, waitForDrawn, type Browser, type Served } from './harness.js';

declare const document: MiniDocument;

const skip = browserSkip();
if (skip) console.log(`# ${skip}`);

const GENES = ['LYZ', 'CST3', 'S100A9'];

/** Mean over `genes` of each cell's z-score (population sd over all cells), from the file's raw/X. */
async function expectedScore(path: string, genes: readonly string[]): Promise<Float64Array> {
  const raw = await openDataset(path, { useRaw: true });
  const x = raw.X;
  const n = x.nRows;
  const out = new Float64Array(n);
  for (const g of genes) {
    const j = raw.featureNames.indexOf(g);
    assert.ok(j >= 0, `${g} in raw/X`);
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (x.kind === 'dense') v[i] = x.data[i * x.nCols + j]!;
      else for (let p = x.indptr[i]!; p < x.indptr[i + 1]!; p++) if (x.indices[p] === j) v[i] = x.data[p]!;
    }
    const mean = v.reduce((s, a) => s + a, 0) / n;
    const sd = Math.sqrt(v.reduce((s, a) => s + (a - mean) ** 2, 0) / n);
    for (let i = 0; i < n; i++) out[i]! += (v[i]! - mean) / sd / genes.length;
  }
  return out;
}

type Polygon = readonly (readonly [number, number])[];

/** Winding number of the polygon around (x, y) ≠ 0 (written here, apart from the renderer's even-odd test). */
function inside(x: number, y: number, poly: Polygon): boolean {
  let wn = 0;
  for (let i = 0; i < poly.length; i++) {
    const [ax, ay] = poly[i]!;
    const [bx, by] = poly[(i + 1) % poly.length]!;
    const side = (bx - ax) * (y - ay) - (x - ax) * (by - ay);
    if (ay <= y && by > y && side > 0) wn++;
    else if (ay > y && by <= y && side < 0) wn--;
  }
  return wn !== 0;
}

/** Distance from (x, y) to the polygon's boundary. */
function boundaryDistance(x: number, y: number, poly: Polygon): number {
  let best = Infinity;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [ax, ay] = poly[j]!;
    const [bx, by] = poly[i]!;
    const dx = bx - ax, dy = by - ay;
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy || 1)));
    best = Math.min(best, Math.hypot(x - ax - t * dx, y - ay - t * dy));
  }
  return best;
}

/** The linear pixel → data map of one axis, from the first and last tick the page shows (position, label). */
async function axisMap(page: Page, axis: 'x' | 'y'): Promise<{ toData: (px: number) => number; pxPerUnit: number }> {
  const ticks = await page.evaluate((a) => Array.from(document.querySelectorAll(`[data-testid=map-overlay] g.axis.${a} .tick`), (t) => [t.getAttribute('transform') ?? '', t.textContent ?? '']), axis);
  const parsed = ticks.map(([tr, label]) => {
    const m = /translate\(([-\d.e]+),\s*([-\d.e]+)\)/.exec(tr!);
    assert.ok(m, `tick transform ${tr}`);
    return { px: Number(axis === 'x' ? m[1] : m[2]), value: Number(label!.replace('\u2212', '-').replace(/,/g, '')) };
  });
  assert.ok(parsed.length >= 2 && parsed.every((t) => Number.isFinite(t.px) && Number.isFinite(t.value)), JSON.stringify(ticks));
  const a = parsed[0]!, b = parsed[parsed.length - 1]!;
  const slope = (b.value - a.value) / (b.px - a.px);
  return { toData: (px) => a.value + (px - a.px) * slope, pxPerUnit: Math.abs(1 / slope) };
}

describe('gene-set score, lasso, h5ad export, PCA reference map and figure labels in Chromium (pbmc68k_reduced)', { skip, timeout: 300000 }, () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  let dir: string;
  let data: string;
  let nLasso = 0;
  let csv: Map<string, string[]>;

  const selected = async (): Promise<number> => Number(((await page.textContent('[data-testid=selection-count]')) ?? '').replace(/[^0-9]/g, ''));

  before(async () => {
    ({ dir, data, served, browser, page } = await openInApp('isotherm-e2e-afternoon-', fixtureData('pbmc68k_reduced', 'pbmc68k_reduced_anndata08.h5ad'), 'pbmc.h5ad'));
  });

  after(async () => {
    await browser?.close();
    await served?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('scores a pasted gene list: the map is coloured by gene_set_score and unknown genes are listed as not found', async () => {
    await page.fill('[data-testid=gene-set-input]', `${GENES[0]}, ${GENES[1]} ${GENES[2]}\nNOT_A_GENE`);
    await page.click('[data-testid=gene-set-score]');
    await page.waitForSelector('[data-testid=legend][data-kind=numeric] .legend-title >> text=gene_set_score');
    assert.match((await page.textContent('[data-testid=gene-set-summary]')) ?? '', /^3 genes in “gene_set_score”/);
    assert.equal((await page.textContent('[data-testid=gene-set-not-found]'))?.trim(), 'not found: NOT_A_GENE');
    assert.equal(await page.inputValue('[data-testid=colour-obs]'), 'gene_set_score');
    await waitForDrawn(page);
    assert.ok((await canvasStats(page)).colours > 10, 'a colour scale on the map');
    await docsScreenshot(page, 'gene-set-score');
  });

  it('a lasso drawn with the mouse selects the cells inside the polygon; named, they are the CSV "selections" column', async () => {
    await page.click('[data-testid=tool-lasso]');
    const box = (await page.locator('[data-testid=map-overlay]').boundingBox())!;
    // A concave polygon (a five-pointed star), in overlay coordinates, around a drawn point (the median by
    // x of the inked pixels far enough from the edges and axes): it takes part of a group of cells.
    const r = 0.12 * Math.min(box.width, box.height);
    const ink = (await inkedPixels(page, 400)).filter(([x, y]) => x > r + 50 && x < box.width - r - 5 && y > r + 5 && y < box.height - r - 35).sort((a, b) => a[0] - b[0]);
    assert.ok(ink.length > 20, 'points drawn');
    const [cx, cy] = ink[Math.floor(ink.length / 2)]!;
    const star: [number, number][] = Array.from({ length: 10 }, (_, k) => {
      const a = -Math.PI / 2 + (k * Math.PI) / 5;
      const rr = k % 2 === 0 ? r : 0.45 * r;
      return [Math.round(cx + rr * Math.cos(a)), Math.round(cy + rr * Math.sin(a))];
    });
    const xs = await axisMap(page, 'x');
    const ys = await axisMap(page, 'y');
    await page.mouse.move(box.x + star[0]![0], box.y + star[0]![1]);
    await page.mouse.down();
    for (const [x, y] of [...star.slice(1), star[0]!]) await page.mouse.move(box.x + x, box.y + y, { steps: 4 });
    await page.mouse.up();
    await page.waitForSelector('[data-testid=selection-count]');
    nLasso = await selected();
    assert.ok(nLasso >= 10 && nLasso < 700, `${nLasso} cells lassoed`);

    await page.fill('[data-testid=selection-name]', 'lassoed');
    await page.click('[data-testid=selection-save]');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid=named-selection-name]')).some((e) => e.value === 'lassoed'));
    const path = join(dir, 'pbmc.lasso.csv');
    await page.fill('[data-testid=export-csv-path]', path);
    await page.click('[data-testid=export-csv]');
    await page.waitForSelector('[data-testid=notice] >> text=Wrote CSV');
    csv = readCsv(path);
    const sel = csv.get('selections')!;
    assert.deepEqual(tally(sel), { lassoed: nLasso, unassigned: 700 - nLasso });

    // The same cells, found independently: the polygon in data coordinates (through the axes' ticks), each
    // exported cell's x, y tested against it. Cells within 1.5 px of the boundary are left out (the axes
    // place ticks at half pixels).
    const poly: Polygon = star.map(([x, y]) => [xs.toData(x), ys.toData(y)]);
    const margin = 1.5 / xs.pxPerUnit;
    assert.ok(Math.abs(xs.pxPerUnit - ys.pxPerUnit) / xs.pxPerUnit < 0.01, 'equal units on both axes');
    const x = csv.get('x')!.map(Number), y = csv.get('y')!.map(Number);
    let nInside = 0, checked = 0;
    const wrong: string[] = [];
    for (let i = 0; i < x.length; i++) {
      const isIn = inside(x[i]!, y[i]!, poly);
      if (isIn) nInside++;
      if (boundaryDistance(x[i]!, y[i]!, poly) < margin) continue;
      checked++;
      if (isIn !== (sel[i] === 'lassoed')) wrong.push(`${csv.get('cell_id')![i]} (${x[i]}, ${y[i]}) ${sel[i]}`);
    }
    assert.deepEqual(wrong, []);
    assert.ok(checked >= 600, `${checked} cells away from the boundary`);
    assert.ok(Math.abs(nInside - nLasso) <= 700 - checked, `${nInside} inside by the axes vs ${nLasso} selected`);
    console.log(`lasso: ${nLasso} cells selected; ${nInside} inside the polygon by the axes; ${700 - checked} within 1.5 px of its boundary`);
  });

  it('the exported gene_set_score equals the mean z-score of the genes computed here from raw/X', async () => {
    const expected = await expectedScore(data, GENES);
    const got = csv.get('gene_set_score')!.map(Number);
    assert.equal(got.length, expected.length);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - expected[i]!));
    assert.ok(worst < 1e-5, `largest difference ${worst}`);
    // Monocyte genes: the CD14+ monocytes score above the rest.
    const labels = csv.get('bulk_labels')!;
    const mean = (pred: (l: string) => boolean): number => { const v = got.filter((_, i) => pred(labels[i]!)); return v.reduce((s, a) => s + a, 0) / v.length; };
    const [mono, rest] = [mean((l) => l === 'CD14+ Monocyte'), mean((l) => l !== 'CD14+ Monocyte')];
    console.log(`gene-set score of ${GENES.join(', ')}: CD14+ monocytes ${mono.toFixed(3)}, other cells ${rest.toFixed(3)}`);
    assert.ok(mono > rest + 0.5, `${mono} vs ${rest}`);
  });

  it('exports h5ad: read back with the project\'s reader, it holds the map as obsm/X_isotherm and the selections and score in obs', async () => {
    const out = join(dir, 'pbmc.isotherm.h5ad');
    assert.equal(await page.inputValue('[data-testid=export-h5ad-path]'), out);
    await page.click('[data-testid=export-h5ad]');
    await page.waitForSelector('[data-testid=notice] >> text=Wrote h5ad');
    const d = await readH5ad(out);
    assert.equal(d.nCells, 700);
    const emb = d.obsm['X_isotherm'];
    assert.ok(emb && emb.nCols === 2 && emb.nRows === 700, `obsm: ${Object.keys(d.obsm).join(', ')}`);
    const row = new Map(d.cellIds.map((id, i) => [id, i]));
    const ids = csv.get('cell_id')!, x = csv.get('x')!.map(Number), y = csv.get('y')!.map(Number);
    ids.forEach((id, k) => {
      const i = row.get(id)!;
      assert.ok(Math.abs(emb.data[2 * i]! - x[k]!) < 1e-6 && Math.abs(emb.data[2 * i + 1]! - y[k]!) < 1e-6, `${id}`);
    });
    const sel = d.obs.find((c) => c.name === 'selections');
    assert.ok(sel && sel.kind === 'categorical', d.obs.map((c) => c.name).join(', '));
    assert.deepEqual(tally(Array.from(sel.codes, (c) => sel.categories[c] ?? '')), { lassoed: nLasso, unassigned: 700 - nLasso });
    const csvSel = csv.get('selections')!;
    ids.forEach((id, k) => assert.equal(sel.categories[sel.codes[row.get(id)!]!], csvSel[k]));
    const score = d.obs.find((c) => c.name === 'gene_set_score');
    assert.ok(score && score.kind === 'numeric');
    const csvScore = csv.get('gene_set_score')!.map(Number);
    ids.forEach((id, k) => assert.ok(Math.abs(score.values[row.get(id)!]! - csvScore[k]!) < 1e-9));
    // The file's own columns are still there.
    assert.ok(d.obs.some((c) => c.name === 'bulk_labels'));
  });

  it('shows the PCA reference map beside the map; the selection shows in both', async () => {
    await page.click('[data-testid=compare-toggle]');
    await page.click('[data-testid=compare-preset-pca]');
    await page.waitForFunction(() => {
      const m = document.querySelector('[data-testid=compare-map]');
      return m?.getAttribute('data-preset') === 'pca' && m.getAttribute('data-running') === 'false' && m.getAttribute('data-digest') !== '';
    }, undefined, { timeout: 60000 });
    await waitForDrawn(page, 'compare-canvas');
    await waitForDrawn(page, 'map-canvas'); // redrawn at its split-view size (the docs' screenshot below)
    assert.equal((await page.textContent('[data-testid=compare-info]'))?.trim(), 'PC 1 × PC 2');
    const mainDigest = await page.getAttribute('[data-testid=map]', 'data-digest');
    const pcaDigest = await page.getAttribute('[data-testid=compare-map]', 'data-digest');
    assert.ok(pcaDigest?.startsWith('700:') && pcaDigest !== mainDigest, `${pcaDigest} vs ${mainDigest}`);
    assert.equal(await selected(), nLasso);
    const stats = await canvasStats(page, 'compare-canvas');
    assert.ok(stats.strong > 0 && stats.faint > 0, `selected and dimmed cells on the PCA map: ${JSON.stringify(stats)}`);
    await docsScreenshot(page, 'reference-pca');
    await page.click('[data-testid=compare-toggle]');
  });

  it('exported figures carry the title (the file name by default) and the axis labels Isotherm 1 / 2, in SVG and PNG', async () => {
    assert.equal(await page.inputValue('[data-testid=figure-title]'), 'pbmc.h5ad');
    assert.equal(await page.isChecked('[data-testid=figure-axis-labels]'), true);
    await page.fill('[data-testid=figure-title]', 'PBMC <monocyte> score');
    const svgPath = join(dir, 'figure.svg');
    await page.fill('[data-testid=export-svg-path]', svgPath);
    await page.click('[data-testid=export-svg]');
    await page.waitForSelector('[data-testid=notice] >> text=Wrote SVG');
    const box = (await page.locator('[data-testid=map-overlay]').boundingBox())!;
    const svg = readFileSync(svgPath, 'utf8');
    assert.match(svg, /<text class="figure-title"[^>]*>PBMC &lt;monocyte&gt; score<\/text>/);
    assert.match(svg, /<text class="axis-label x"[^>]*>Isotherm 1<\/text>/);
    assert.match(svg, /<text class="axis-label y"[^>]*>Isotherm 2<\/text>/);
    const width = Number(/^<svg[^>]* width="([\d.]+)"/.exec(svg)?.[1]);
    const height = Number(/^<svg[^>]* height="([\d.]+)"/.exec(svg)?.[1]);
    assert.ok(Math.abs(width - (box.width + 18 + 170)) <= 1 && Math.abs(height - (box.height + 30 + 20)) <= 1, `${width} × ${height} for a ${box.width} × ${box.height} map`);

    const pngPath = join(dir, 'figure.png');
    await page.fill('[data-testid=export-png-path]', pngPath);
    await page.selectOption('[data-testid=export-png-scale]', '1');
    await page.click('[data-testid=export-png]');
    await page.waitForSelector('[data-testid=notice] >> text=Wrote PNG');
    const png = readFileSync(pngPath);
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [Math.round(width), Math.round(height)]);
    // Dark pixels in the title band (top 30 px over the map) and in the y label's band (left 18 px).
    const ink = await page.evaluate(async (b64) => {
      const img = new (globalThis as unknown as { Image: new () => { src: string; decode(): Promise<void>; width: number; height: number } }).Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img as unknown as Parameters<typeof ctx.drawImage>[0], 0, 0);
      const px = ctx.getImageData(0, 0, c.width, c.height).data;
      const dark = (x0: number, y0: number, x1: number, y1: number): number => {
        let k = 0;
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) { const p = 4 * (y * c.width + x); if (px[p]! < 100 && px[p + 1]! < 100 && px[p + 2]! < 100) k++; }
        return k;
      };
      return { title: dark(18, 0, c.width - 170, 28), yLabel: dark(0, 30, 17, c.height - 20) };
    }, png.toString('base64'));
    assert.ok(ink.title > 50 && ink.yLabel > 20, `dark pixels: ${JSON.stringify(ink)}`);

    // Without a title and axis labels the figure is the map and its legend.
    await page.fill('[data-testid=figure-title]', '');
    await page.uncheck('[data-testid=figure-axis-labels]');
    page.once('dialog', (d) => void d.accept()); // replacing figure.svg is asked first
    await page.click('[data-testid=export-svg]');
    // The notice comes once the host has written the file (atomically: host/map-exports.ts), and it said "Wrote PNG" before.
    await page.waitForFunction(() => /Wrote SVG/.test(document.querySelector('[data-testid=notice]')?.textContent ?? ''));
    const plain = readFileSync(svgPath, 'utf8');
    assert.doesNotMatch(plain, /figure-title|Isotherm 1|Isotherm 2/);
    assert.ok(Math.abs(Number(/^<svg[^>]* width="([\d.]+)"/.exec(plain)?.[1]) - (box.width + 170)) <= 1);
    assert.deepEqual(browser.errors, []);
  });
});
