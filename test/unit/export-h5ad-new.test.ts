/**
 * A new AnnData file for inputs that are not .h5ad (export/h5ad-new.ts): read back by the project's own
 * h5ad reader, it holds X as read (dense from CSV, CSR from a 10x folder), the cell ids and gene names, the
 * file's own annotation columns and the app's, and the map as obsm/X_isotherm with NaN for cells not on it.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDataset } from '../../src-core/io/open.js';
import { writeNewH5ad } from '../../src-core/export/h5ad-new.js';
import type { Matrix } from '../../src-core/io/dataset.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'fixtures', 'data');

function dense(x: Matrix): Float32Array {
  const out = new Float32Array(x.nRows * x.nCols);
  if (x.kind === 'dense') return Float32Array.from(x.data);
  for (let i = 0; i < x.nRows; i++) for (let q = Number(x.indptr[i]); q < Number(x.indptr[i + 1]); q++) out[i * x.nCols + x.indices[q]!] = x.data[q]!;
  return out;
}

test('CSV input → new h5ad: dense X, ids, genes, its own column, an app column, the map (NaN off the map)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'isotherm-h5ad-new-'));
  try {
    const csv = path.join(dir, 'cells.csv');
    writeFileSync(csv, 'cell,stage,GeneA,GeneB,GeneC\nc1,early,1,0,2.5\nc2,late,0,3,1\nc3,early,4,1,0\nc4,late,2,2,2\n');
    const ds = await openDataset(csv);
    assert.deepEqual(ds.obs.map((c) => c.name), ['stage']);
    const out = path.join(dir, 'cells.isotherm.h5ad');
    const coords = Float32Array.from([0.5, -1, 2, 3, -4, 0.25]); // cells 0, 1, 3 on the map
    const r = await writeNewH5ad(ds, out, coords, {
      rowIndex: Int32Array.from([0, 1, 3]),
      obs: [{ name: 'selections', kind: 'categorical', codes: Int32Array.from([0, 1, 1, 0]), categories: ['A', 'B'], ordered: false }],
    });
    assert.equal(r.wroteX, true);
    assert.equal(r.missingCells, 1);
    assert.deepEqual(r.obsColumns, ['stage', 'selections']);
    const back = await openDataset(out);
    assert.deepEqual(back.cellIds, ['c1', 'c2', 'c3', 'c4']);
    assert.deepEqual(back.featureNames, ['GeneA', 'GeneB', 'GeneC']);
    assert.deepEqual(Array.from(dense(back.X)), [1, 0, 2.5, 0, 3, 1, 4, 1, 0, 2, 2, 2]);
    // the reader skips an obsm with NaN (it is not an input embedding), so read it with h5wasm itself
    assert.ok(back.source.notes.some((n) => n.includes('obsm/X_isotherm skipped (holds non-finite values)')));
    const { default: h5wasm } = await import('h5wasm/node');
    await h5wasm.ready;
    const f = new h5wasm.File(out, 'r');
    try {
      const emb = f.get('obsm/X_isotherm') as InstanceType<typeof h5wasm.Dataset>;
      assert.deepEqual(emb.shape, [4, 2]);
      const v = emb.value as Float32Array;
      assert.deepEqual(Array.from(v.subarray(0, 4)), [0.5, -1, 2, 3]);
      assert.ok(Number.isNaN(v[4]!) && Number.isNaN(v[5]!), 'cell 3 is not on the map');
      assert.deepEqual(Array.from(v.subarray(6)), [-4, 0.25]);
      assert.equal(f.attrs['encoding-type']?.value, 'anndata');
    } finally {
      f.close();
    }
    const stage = back.obs.find((c) => c.name === 'stage');
    assert.ok(stage?.kind === 'categorical');
    assert.deepEqual(Array.from(stage.codes, (k) => stage.categories[k]), ['early', 'late', 'early', 'late']);
    const sel = back.obs.find((c) => c.name === 'selections');
    assert.ok(sel?.kind === 'categorical');
    assert.deepEqual(Array.from(sel.codes, (k) => sel.categories[k]), ['A', 'B', 'B', 'A']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('10x folder → new h5ad: X stays CSR with the same values', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'isotherm-h5ad-new-'));
  try {
    const ds = await openDataset(path.join(fixtures, 'cellranger', '3.0.0', 'filtered_feature_bc_matrix'));
    assert.equal(ds.X.kind, 'csr');
    const coords = new Float32Array(2 * ds.nCells).map((_, c) => c * 0.5);
    const out = path.join(dir, 'tenx.h5ad');
    await writeNewH5ad(ds, out, coords);
    const back = await openDataset(out);
    assert.equal(back.X.kind, 'csr');
    assert.equal(back.nCells, ds.nCells);
    assert.deepEqual(back.cellIds, ds.cellIds);
    assert.deepEqual(back.featureNames, ds.featureNames);
    assert.deepEqual(dense(back.X), dense(ds.X));
    assert.deepEqual(Array.from(back.obsm['X_isotherm']!.data), Array.from(coords));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
