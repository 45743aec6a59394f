import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { writeH5adWithEmbedding } from '../../src-core/export/h5ad-write.js';
import { InputError } from '../../src-core/errors.js';
import { readH5ad } from '../../src-core/io/h5ad.js';

const N = 5;

/** A tiny AnnData file in the current (≥ 0.7) layout, or with a legacy-style obsm dataset. */
async function makeH5ad(path: string, options: { obsm: 'group' | 'none' | 'legacy-dataset' }): Promise<void> {
  await h5wasm.ready;
  const f = new h5wasm.File(path, 'w');
  f.create_attribute('encoding-type', 'anndata');
  f.create_attribute('encoding-version', '0.1.0');
  const x = f.create_dataset({ name: 'X', data: Float32Array.from({ length: N * 3 }, (_, i) => i), shape: [N, 3], dtype: '<f' });
  x.create_attribute('encoding-type', 'array');
  x.create_attribute('encoding-version', '0.2.0');
  const obs = f.create_group('obs');
  obs.create_attribute('encoding-type', 'dataframe');
  obs.create_attribute('encoding-version', '0.2.0');
  obs.create_attribute('_index', '_index');
  obs.create_dataset({ name: '_index', data: Array.from({ length: N }, (_, i) => `cell${i}`) });
  if (options.obsm === 'group') {
    const obsm = f.create_group('obsm');
    obsm.create_attribute('encoding-type', 'dict');
    obsm.create_attribute('encoding-version', '0.1.0');
    obsm.create_dataset({ name: 'X_pca', data: Float32Array.from({ length: N * 2 }, (_, i) => -i), shape: [N, 2], dtype: '<f' });
  } else if (options.obsm === 'legacy-dataset') {
    f.create_dataset({ name: 'obsm', data: new Float32Array(N * 2), shape: [N, 2], dtype: '<f' });
  }
  f.close();
}

async function sha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

const coords = Float32Array.from([0.5, -1, 2.25, 3, 1e-3, 7, -8, 9.5, 10, 11]);

test('h5ad: X_isotherm is written into a copy; the input bytes are unchanged', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'isotherm-h5ad-'));
  const input = join(dir, 'in.h5ad');
  await makeH5ad(input, { obsm: 'group' });
  const before = await sha256(input);
  const out = join(dir, 'out.h5ad');
  const report = await writeH5adWithEmbedding(input, out, coords);
  assert.deepEqual({ ...report, path: undefined }, { path: undefined, key: 'X_isotherm', nCells: N, missingCells: 0, replaced: false, obsAdded: [] });
  assert.equal(await sha256(input), before);
  assert.deepEqual((await readdir(dir)).sort(), ['in.h5ad', 'out.h5ad']);

  const f = new h5wasm.File(out, 'r');
  const ds = f.get('obsm/X_isotherm') as InstanceType<typeof h5wasm.Dataset>;
  assert.deepEqual(ds.shape, [N, 2]);
  assert.equal(ds.dtype, '<f');
  assert.deepEqual(ds.value, coords);
  assert.equal(ds.get_attribute('encoding-type', true), 'array');
  assert.equal(ds.get_attribute('encoding-version', true), '0.2.0');
  // Everything else is still there.
  assert.deepEqual((f.get('obsm/X_pca') as InstanceType<typeof h5wasm.Dataset>).value, Float32Array.from({ length: N * 2 }, (_, i) => -i));
  assert.deepEqual((f.get('X') as InstanceType<typeof h5wasm.Dataset>).value, Float32Array.from({ length: N * 3 }, (_, i) => i));
  f.close();

  // Re-running on our own output overwrites X_isotherm in place (same shape).
  const again = join(dir, 'again.h5ad');
  const r2 = await writeH5adWithEmbedding(out, again, coords.map((v) => v * 2));
  assert.equal(r2.replaced, true);
  const g = new h5wasm.File(again, 'r');
  assert.deepEqual((g.get('obsm/X_isotherm') as InstanceType<typeof h5wasm.Dataset>).value, coords.map((v) => v * 2));
  g.close();
  await rm(dir, { recursive: true });
});

test('h5ad: obsm is created when missing; cells that were not embedded get NaN', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'isotherm-h5ad-'));
  const input = join(dir, 'in.h5ad');
  await makeH5ad(input, { obsm: 'none' });
  const out = join(dir, 'out.h5ad');
  const report = await writeH5adWithEmbedding(input, out, Float32Array.from([1, 2, 3, 4]), { rowIndex: Int32Array.from([3, 1]) });
  assert.equal(report.missingCells, 3);
  const f = new h5wasm.File(out, 'r');
  assert.equal(f.get('obsm')!.constructor, h5wasm.Group);
  assert.equal((f.get('obsm') as InstanceType<typeof h5wasm.Group>).get_attribute('encoding-type', true), 'dict');
  const v = (f.get('obsm/X_isotherm') as InstanceType<typeof h5wasm.Dataset>).value as Float32Array;
  assert.deepEqual(Array.from(v), [NaN, NaN, 3, 4, NaN, NaN, 1, 2, NaN, NaN]);
  f.close();
  await rm(dir, { recursive: true });
});

test('h5ad: refusals leave no output and no temp file (legacy obsm, wrong row count, input path)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'isotherm-h5ad-'));
  const legacy = join(dir, 'legacy.h5ad');
  await makeH5ad(legacy, { obsm: 'legacy-dataset' });
  const before = await sha256(legacy);
  await assert.rejects(writeH5adWithEmbedding(legacy, join(dir, 'out.h5ad'), coords), (e: unknown) => e instanceof InputError && /legacy AnnData/.test(e.message));
  await assert.rejects(writeH5adWithEmbedding(legacy, join(dir, 'out.h5ad'), new Float32Array(4)), /the map has 2 cells but the file has 5/);
  await assert.rejects(writeH5adWithEmbedding(legacy, legacy, coords), /refusing to write onto the input file/);
  assert.deepEqual(await readdir(dir), ['legacy.h5ad']);
  assert.equal(await sha256(legacy), before);
  await rm(dir, { recursive: true });
});

const hsmm = new URL('../../../test/fixtures/data/hsmm/hsmm.h5ad', import.meta.url);
test('h5ad: round trip on the HSMM fixture (CSR X, 271 cells)', { skip: !existsSync(hsmm) && 'test/fixtures/data/hsmm/hsmm.h5ad not present' }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'isotherm-h5ad-'));
  const input = join(dir, 'hsmm.h5ad');
  await copyFile(hsmm, input);
  const before = await sha256(input);
  const xy = Float32Array.from({ length: 271 * 2 }, (_, i) => Math.sin(i));
  const out = join(dir, 'hsmm_isotherm.h5ad');
  await writeH5adWithEmbedding(input, out, xy);
  assert.equal(await sha256(input), before);
  const f = new h5wasm.File(out, 'r');
  assert.deepEqual((f.get('obsm/X_isotherm') as InstanceType<typeof h5wasm.Dataset>).value, xy);
  f.close();
  await rm(dir, { recursive: true });
});

test('h5ad: obs columns (categorical and numeric) are added in AnnData encoding; the reader reads them back', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'isotherm-h5ad-'));
  const input = join(dir, 'in.h5ad');
  await makeH5ad(input, { obsm: 'group' });
  const f0 = new h5wasm.File(input, 'a');
  const obs0 = f0.get('obs') as InstanceType<typeof h5wasm.Group>;
  obs0.create_dataset({ name: 'depth', data: Float64Array.from([1, 2, 3, 4, 5]), shape: [N], dtype: '<d' });
  obs0.create_attribute('column-order', ['depth']);
  f0.close();
  const out = join(dir, 'out.h5ad');
  const obs = [
    { name: 'selections', kind: 'categorical' as const, codes: Int32Array.from([1, 0, -1, 1, 0]), categories: ['mono', 'unassigned'], ordered: false },
    { name: 'gene_set_score', kind: 'numeric' as const, values: Float64Array.from([0.5, NaN, -1, 2, 0]) },
  ];
  const report = await writeH5adWithEmbedding(input, out, coords, { obs });
  assert.deepEqual(report.obsAdded, ['selections', 'gene_set_score']);
  const f = new h5wasm.File(out, 'r');
  assert.deepEqual((f.get('obs') as InstanceType<typeof h5wasm.Group>).get_attribute('column-order', true), ['depth', 'selections', 'gene_set_score']);
  assert.equal((f.get('obs/selections') as InstanceType<typeof h5wasm.Group>).get_attribute('encoding-type', true), 'categorical');
  f.close();
  const d = await readH5ad(out);
  assert.deepEqual(d.obs.map((c) => c.name), ['depth', 'selections', 'gene_set_score']);
  const sel = d.obs[1]!;
  assert.ok(sel.kind === 'categorical');
  assert.deepEqual([Array.from(sel.codes), sel.categories], [[1, 0, -1, 1, 0], ['mono', 'unassigned']]);
  const score = d.obs[2]!;
  assert.ok(score.kind === 'numeric');
  assert.deepEqual(Array.from(score.values), [0.5, NaN, -1, 2, 0]);
  // A column the file has already (it cannot be deleted) and a name HDF5 cannot take get free names.
  const again = await writeH5adWithEmbedding(out, join(dir, 'again.h5ad'), coords, { obs: [obs[0]!, { ...obs[0]!, name: 'a/b' }, { ...obs[0]!, name: '_index' }] });
  assert.deepEqual(again.obsAdded, ['selections_2', 'a_b', '_index_2']);
  const d2 = await readH5ad(join(dir, 'again.h5ad'));
  assert.deepEqual(d2.obs.map((c) => c.name), ['depth', 'selections', 'gene_set_score', 'selections_2', 'a_b', '_index_2']);
  await rm(dir, { recursive: true });
});
