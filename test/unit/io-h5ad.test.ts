import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import h5wasm from 'h5wasm/node';
import { readH5ad } from '../../src-core/io/h5ad.js';
import { featureSymbolsOf } from '../../src-core/io/features.js';
import { LocalIsothermApi } from '../../host/local-api.js';
import { InputError } from '../../src-core/errors.js';
import type { CategoricalColumn, Dataset, NumericColumn } from '../../src-core/io/dataset.js';
import { fixtureData } from '../helpers/paths.js';
import { installNodeEngines } from '../../src-core/compute/node-engines.js';

// As a Node host does: lend the core its helper threads and WebGPU (src-core/compute/engines.ts).
installNodeEngines();

const D = fixtureData();

function cat(ds: Dataset, name: string): CategoricalColumn {
  const c = ds.obs.find((x) => x.name === name);
  assert.ok(c && c.kind === 'categorical', `categorical column ${name}`);
  return c;
}
function num(ds: Dataset, name: string): NumericColumn {
  const c = ds.obs.find((x) => x.name === name);
  assert.ok(c && c.kind === 'numeric', `numeric column ${name}`);
  return c;
}
function counts(c: CategoricalColumn): Record<string, number> {
  const out: Record<string, number> = {};
  for (const code of c.codes) out[c.categories[code]!] = (out[c.categories[code]!] ?? 0) + 1;
  return out;
}

const BULK_LABELS = {
  Dendritic: 240, 'CD14+ Monocyte': 129, 'CD19+ B': 95, 'CD4+/CD25 T Reg': 68, 'CD8+ Cytotoxic T': 54,
  'CD8+/CD45RA+ Naive Cytotoxic': 43, 'CD56+ NK': 31, 'CD4+/CD45RO+ Memory': 19, 'CD34+': 13, 'CD4+/CD45RA+/CD25- Naive T': 8,
};

test('h5ad legacy layout (pbmc68k_reduced, anndata < 0.7): compound obs, uns categories, compound obsm', async () => {
  const ds = await readH5ad(path.join(D, 'pbmc68k_reduced/pbmc68k_reduced.h5ad'));
  assert.equal(ds.nCells, 700);
  assert.equal(ds.nFeatures, 765);
  assert.equal(ds.X.kind, 'dense');
  assert.equal(ds.cellIds[0], 'AAAGCCTGGCTAAC-1');
  assert.deepEqual(ds.featureNames.slice(0, 3), ['HES4', 'TNFRSF4', 'SSU72']);
  assert.deepEqual(counts(cat(ds, 'bulk_labels')), BULK_LABELS);
  assert.equal(cat(ds, 'phase').categories.length, 3);
  assert.equal(cat(ds, 'louvain').categories.length, 11);
  assert.equal(num(ds, 'n_genes').values[0], 1003);
  assert.equal(ds.obsm['X_pca']!.nCols, 50);
  assert.equal(ds.obsm['X_umap']!.nCols, 2);
  assert.ok(Math.abs(ds.obsm['X_umap']!.data[0]! - -1.9918625) < 1e-5);
  assert.ok(Math.abs(ds.obsm['X_pca']!.data[0]! - -7.9396181) < 1e-5);
  // scaled expression, range −2.03 … 28.4 per the fixture README
  let lo = Infinity, hi = -Infinity;
  for (const v of (ds.X as { data: Float32Array }).data) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  assert.ok(lo > -2.1 && lo < -2.0, `min ${lo}`);
  assert.ok(hi > 28.3 && hi < 28.5, `max ${hi}`);
  assert.ok(ds.source.notes.some((n) => /legacy/.test(n)));
});

test('h5ad legacy == current layout (pbmc68k_reduced vs the anndata 0.8 re-save)', async () => {
  const a = await readH5ad(path.join(D, 'pbmc68k_reduced/pbmc68k_reduced.h5ad'));
  const b = await readH5ad(path.join(D, 'pbmc68k_reduced/pbmc68k_reduced_anndata08.h5ad'));
  assert.deepEqual(a.cellIds, b.cellIds);
  assert.deepEqual(a.featureNames, b.featureNames);
  assert.deepEqual(a.X, b.X);
  assert.deepEqual(a.obs.map((c) => c.name), b.obs.map((c) => c.name));
  for (const ca of a.obs) {
    const cb = b.obs.find((c) => c.name === ca.name)!;
    assert.equal(ca.kind, cb.kind, ca.name);
    if (ca.kind === 'categorical' && cb.kind === 'categorical') {
      assert.deepEqual(ca.categories, cb.categories, ca.name);
      assert.deepEqual(ca.codes, cb.codes, ca.name);
    } else assert.deepEqual(ca, cb, ca.name);
  }
  assert.deepEqual(Object.keys(a.obsm).sort(), Object.keys(b.obsm).sort());
  for (const k of Object.keys(a.obsm)) assert.deepEqual(a.obsm[k], b.obsm[k], k);
});

test('h5ad raw/X (current) and raw.X (legacy) are the same CSR, 174,400 non-zeros', async () => {
  const a = await readH5ad(path.join(D, 'pbmc68k_reduced/pbmc68k_reduced.h5ad'), { useRaw: true });
  const b = await readH5ad(path.join(D, 'pbmc68k_reduced/pbmc68k_reduced_anndata08.h5ad'), { useRaw: true });
  assert.equal(a.X.kind, 'csr');
  assert.equal(b.X.kind, 'csr');
  if (a.X.kind !== 'csr' || b.X.kind !== 'csr') return;
  assert.equal(a.X.data.length, 174_400);
  assert.deepEqual(Array.from(a.X.indptr), Array.from(b.X.indptr));
  assert.deepEqual(a.X.indices, b.X.indices);
  assert.deepEqual(a.X.data, b.X.data);
  assert.deepEqual(a.featureNames, b.featureNames);
});

test('h5ad current layout (hsmm): CSR X, ordered categorical, int64 columns, obsm', async () => {
  const ds = await readH5ad(path.join(D, 'hsmm/hsmm.h5ad'));
  assert.equal(ds.nCells, 271);
  assert.equal(ds.nFeatures, 2000);
  assert.equal(ds.X.kind, 'csr');
  if (ds.X.kind !== 'csr') return;
  assert.equal(ds.X.data.length, 386_026);
  let sum = 0, max = 0;
  for (const v of ds.X.data) { sum += v; max = Math.max(max, v); }
  assert.ok(Math.abs(sum - 1_651_087.34) < 0.5, `sum ${sum}`);
  assert.ok(Math.abs(max - 15.54) < 0.01, `max ${max}`);
  assert.equal(ds.cellIds[0], 'T0_CT_A01');
  assert.ok(ds.featureNames.every((g) => /^ENSG\d+\.\d+$/.test(g)));
  const time = cat(ds, 'time');
  assert.deepEqual(time.categories, ['0h', '24h', '48h', '72h']);
  assert.equal(time.ordered, true);
  assert.deepEqual(counts(time), { '0h': 69, '24h': 74, '48h': 79, '72h': 49 });
  const hours = num(ds, 'time_hours'); // int64 on disk (BigInt64Array in h5wasm)
  const byHour: Record<number, number> = {};
  for (const h of hours.values) byHour[h] = (byHour[h] ?? 0) + 1;
  assert.deepEqual(byHour, { 0: 69, 24: 74, 48: 79, 72: 49 });
  const media = cat(ds, 'media');
  assert.deepEqual([...media.categories].sort(), ['DM', 'GM']);
  // GM only at 0 h
  for (let i = 0; i < ds.nCells; i++) if (media.categories[media.codes[i]!] === 'GM') assert.equal(hours.values[i], 0);
  assert.equal(cat(ds, 'monocle_state').categories.length, 3);
  assert.equal(cat(ds, 'library').codes.length, 271);
  assert.ok(num(ds, 'mapped_fragments').values.every((v) => Number.isInteger(v) && v > 0));
  assert.equal(ds.obsm['X_pca']!.nRows, 271);
  assert.equal(ds.obsm['X_pca_exact']!.nCols, 50);
});

test('h5ad options: unknown layer and raw on a file without raw are InputErrors', async () => {
  await assert.rejects(readH5ad(path.join(D, 'hsmm/hsmm.h5ad'), { layer: 'counts' }), (e: unknown) => e instanceof InputError && /no layer 'counts'/.test(e.message));
  await assert.rejects(readH5ad(path.join(D, 'hsmm/hsmm.h5ad'), { useRaw: true }), (e: unknown) => e instanceof InputError && /no raw/.test(e.message));
});

/** A small current-layout .h5ad: dense X, a CSC layer, a categorical obs column (codes given). */
async function writeLayered(file: string, codes: number[]): Promise<void> {
  await h5wasm.ready;
  const f = new h5wasm.File(file, 'w');
  f.create_attribute('encoding-type', 'anndata');
  f.create_attribute('encoding-version', '0.1.0');
  f.create_dataset({ name: 'X', data: Float64Array.from([1, 0, 2, 0, 3, 0]), shape: [2, 3] });
  const layers = f.create_group('layers');
  layers.create_attribute('encoding-type', 'dict');
  const csc = layers.create_group('counts');
  // the 2 × 3 matrix [[5, 0, 7], [0, 6, 8]] stored by columns
  csc.create_attribute('encoding-type', 'csc_matrix');
  csc.create_attribute('encoding-version', '0.1.0');
  csc.create_attribute('shape', Int32Array.from([2, 3]));
  csc.create_dataset({ name: 'data', data: Float32Array.from([5, 6, 7, 8]) });
  csc.create_dataset({ name: 'indices', data: Int32Array.from([0, 1, 0, 1]) });
  csc.create_dataset({ name: 'indptr', data: BigInt64Array.from([0n, 1n, 2n, 4n]) });
  for (const [name, ids] of [['obs', ['c1', 'c2']], ['var', ['g1', 'g2', 'g3']]] as const) {
    const g = f.create_group(name);
    g.create_attribute('encoding-type', 'dataframe');
    g.create_attribute('encoding-version', '0.2.0');
    g.create_attribute('_index', '_index');
    g.create_dataset({ name: '_index', data: [...ids] });
  }
  const obs = f.get('obs') as InstanceType<typeof h5wasm.Group>;
  const ct = obs.create_group('kind');
  ct.create_attribute('encoding-type', 'categorical');
  ct.create_attribute('encoding-version', '0.2.0');
  ct.create_attribute('ordered', 0);
  ct.create_dataset({ name: 'codes', data: Int8Array.from(codes) });
  ct.create_dataset({ name: 'categories', data: ['B', 'T'] });
  f.close();
}

test('h5ad layer option reads layers/NAME; a CSC layer becomes CSR without densifying', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isotherm-io-h5ad-'));
  try {
    const p = path.join(dir, 'layered.h5ad');
    await writeLayered(p, [1, -1]);
    const x = await readH5ad(p);
    assert.equal(x.X.kind, 'dense');
    assert.deepEqual(Array.from(x.X.data), [1, 0, 2, 0, 3, 0]);
    const kind = cat(x, 'kind');
    assert.deepEqual(kind.categories, ['B', 'T']);
    assert.deepEqual(Array.from(kind.codes), [1, -1]); // -1: missing
    const layer = await readH5ad(p, { layer: 'counts' });
    assert.equal(layer.X.kind, 'csr');
    if (layer.X.kind !== 'csr') return;
    assert.deepEqual(Array.from(layer.X.indptr), [0, 2, 4]);
    assert.deepEqual(Array.from(layer.X.indices), [0, 2, 1, 2]);
    assert.deepEqual(Array.from(layer.X.data), [5, 7, 6, 8]);
    assert.deepEqual(layer.featureNames, ['g1', 'g2', 'g3']);
    // a categorical code beyond the categories is an InputError
    const bad = path.join(dir, 'badcode.h5ad');
    await writeLayered(bad, [0, 7]);
    await assert.rejects(readH5ad(bad), (e: unknown) => e instanceof InputError && /code 7 at row 2 is outside the 2 categories/.test(e.message));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('h5ad with Ensembl ids as var index: gene symbols from gene_short_name; the app finds and colours by symbol', async () => {
  const file = path.join(D, 'hsmm/hsmm.h5ad');
  const ds = await readH5ad(file);
  const symbols = featureSymbolsOf(ds);
  assert.ok(symbols, 'symbols recorded');
  assert.equal(symbols.length, ds.nFeatures);
  assert.equal(ds.featureNames[0], 'ENSG00000159251.6');
  assert.equal(symbols[0], 'ACTC1');
  // scanpy-style files whose index already holds symbols record none.
  assert.equal(featureSymbolsOf(await readH5ad(path.join(D, 'pbmc68k_reduced/pbmc68k_reduced_anndata08.h5ad'))), undefined);
  const api = new LocalIsothermApi();
  await api.open(file);
  const found = await api.searchGenes('myog');
  assert.ok(found.includes('MYOG'), `search by symbol: ${found.join(', ')}`);
  const j = symbols.indexOf('MYOG');
  const byId = await api.colour({ gene: ds.featureNames[j]! });
  const bySymbol = await api.colour({ gene: 'MYOG' });
  assert.equal(bySymbol.kind, 'numeric');
  assert.deepEqual(bySymbol.kind === 'numeric' && Array.from(bySymbol.values), byId.kind === 'numeric' && Array.from(byId.values));
  assert.ok(bySymbol.kind === 'numeric' && bySymbol.max > 0, 'MYOG is expressed in this myoblast time course');
});
