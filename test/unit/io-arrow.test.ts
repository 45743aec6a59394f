import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  Dictionary, Float32, Int32, Table, Utf8, makeData, makeVector, tableFromArrays, tableToIPC, vectorFromArray,
} from 'apache-arrow';
import { readArrow } from '../../src-core/io/arrow.js';
import { readParquet } from '../../src-core/io/parquet.js';
import { readTenxFolder } from '../../src-core/io/tenx-mtx.js';
import { InputError } from '../../src-core/errors.js';
import type { CsrMatrix, Dataset, DenseMatrix } from '../../src-core/io/dataset.js';
import { fixtureData } from '../helpers/paths.js';

const D = fixtureData('mouse10k');
const bytesOf = (name: string): Uint8Array => new Uint8Array(fs.readFileSync(path.join(D, name)));

let mtxCache: Dataset | undefined;
async function mtx(): Promise<Dataset> {
  mtxCache ??= await readTenxFolder(D);
  return mtxCache;
}

/** Dense (wide) dataset equals the CSR reference entry by entry. */
function assertDenseEqualsCsr(dense: DenseMatrix, ref: CsrMatrix, nRows = ref.nRows): void {
  assert.equal(dense.nCols, ref.nCols);
  const row = new Float32Array(ref.nCols);
  for (let i = 0; i < nRows; i++) {
    row.fill(0);
    for (let p = ref.indptr[i]!; p < ref.indptr[i + 1]!; p++) row[ref.indices[p]!] = ref.data[p]!;
    const got = dense.data.subarray(i * ref.nCols, (i + 1) * ref.nCols);
    if (!row.every((v, j) => v === got[j])) assert.fail(`row ${i} differs`);
  }
}

function sum(a: Float32Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s;
}

test('Arrow IPC file, uncompressed (first 100 cells, 2 batches): wide layout, sum 16,204', async () => {
  const ds = await readArrow(bytesOf('mouse10k_wide_first100_uncompressed.arrow'), 'first100.arrow');
  assert.equal(ds.nCells, 100);
  assert.equal(ds.nFeatures, 1000);
  assert.equal(ds.X.kind, 'dense');
  assert.equal(sum(ds.X.data), 16_204);
  const ref = await mtx();
  assert.deepEqual(ds.cellIds, ref.cellIds.slice(0, 100));
  assert.deepEqual(ds.featureNames, ref.featureNames);
  assertDenseEqualsCsr(ds.X as DenseMatrix, ref.X as CsrMatrix, 100);
  assert.deepEqual(ds.obs, []);
});

test('Arrow IPC file with ZSTD buffers == 10x folder (10,000 cells, zero-count cell kept as a zero row)', async () => {
  const ds = await readArrow(bytesOf('mouse10k_wide.arrow'), 'mouse10k_wide.arrow');
  const ref = await mtx();
  assert.equal(ds.nCells, 10_000);
  assert.equal(sum(ds.X.data), 1_597_698);
  assert.deepEqual(ds.cellIds, ref.cellIds);
  assert.deepEqual(ds.featureNames, ref.featureNames);
  assertDenseEqualsCsr(ds.X as DenseMatrix, ref.X as CsrMatrix);
  assert.equal(ds.cellIds[1520], 'AGGCCGTGTCTGCAAT-1');
});

test('Feather v2 with LZ4_FRAME buffers == 10x folder', async () => {
  const ds = await readArrow(bytesOf('mouse10k_wide_lz4.feather'), 'mouse10k_wide_lz4.feather');
  const ref = await mtx();
  assert.equal(ds.nCells, 10_000);
  assert.equal(ds.nFeatures, 1_000);
  assert.deepEqual(ds.cellIds, ref.cellIds);
  assertDenseEqualsCsr(ds.X as DenseMatrix, ref.X as CsrMatrix);
});

test('Parquet long/COO (3 row groups, dictionaries) == 10x folder, CSR built directly, empty cell kept', async () => {
  const ds = await readParquet(bytesOf('mouse10k_long.parquet'), 'mouse10k_long.parquet');
  const ref = await mtx();
  assert.equal(ds.X.kind, 'csr');
  assert.equal(ds.nCells, 10_000); // 9,999 distinct cells in the rows; the dictionary holds all 10,000
  assert.equal(ds.nFeatures, 1_000); // 715 distinct genes in the rows
  assert.deepEqual(ds.cellIds, ref.cellIds);
  assert.deepEqual(ds.featureNames, ref.featureNames);
  const x = ds.X as CsrMatrix, y = ref.X as CsrMatrix;
  assert.deepEqual(Array.from(x.indptr), Array.from(y.indptr));
  assert.deepEqual(x.indices, y.indices);
  assert.deepEqual(x.data, y.data);
});

test('Arrow stream, long layout: dictionary values without entries are kept; rows unsorted; repeats summed', async () => {
  const cellDict = vectorFromArray(['c1', 'c2', 'c3', 'c_empty'], new Utf8());
  const geneDict = vectorFromArray(['g1', 'g2', 'g_unused'], new Utf8());
  const cell = makeVector(makeData({ type: new Dictionary(new Utf8(), new Int32()), length: 5, nullCount: 0, data: Int32Array.from([2, 0, 0, 1, 2]), dictionary: cellDict }));
  const gene = makeVector(makeData({ type: new Dictionary(new Utf8(), new Int32()), length: 5, nullCount: 0, data: Int32Array.from([1, 1, 0, 0, 1]), dictionary: geneDict }));
  const count = vectorFromArray([5, 2, 1, 4, 1], new Float32());
  const table = new Table({ cell, gene, count });
  const ds = await readArrow(tableToIPC(table, 'stream'), 'long.arrows');
  assert.equal(ds.source.format, 'arrow-stream');
  assert.deepEqual(ds.cellIds, ['c1', 'c2', 'c3', 'c_empty']);
  assert.deepEqual(ds.featureNames, ['g1', 'g2', 'g_unused']);
  const X = ds.X as CsrMatrix;
  assert.equal(X.kind, 'csr');
  assert.deepEqual(Array.from(X.indptr), [0, 2, 3, 4, 4]);
  assert.deepEqual(Array.from(X.indices), [0, 1, 0, 1]);
  assert.deepEqual(Array.from(X.data), [1, 2, 4, 6]); // c3/g2 appears twice: 5 + 1
  assert.ok(ds.source.notes.some((n) => /summed/.test(n)));
});

test('Arrow wide table: text columns are categorical metadata, obsColumns makes a numeric column metadata', async () => {
  const table = tableFromArrays({
    cell_id: ['a', 'b', 'c'],
    batch: ['x', 'y', 'x'],
    time_hours: Int32Array.from([0, 24, 48]),
    GeneA: Float32Array.from([1, 0, 2]),
    GeneB: Float64Array.from([0.5, 3, 0]),
  });
  const bytes = tableToIPC(table, 'file');
  const ds = await readArrow(bytes, 'wide.arrow', { obsColumns: ['time_hours'] });
  assert.deepEqual(ds.cellIds, ['a', 'b', 'c']);
  assert.deepEqual(ds.featureNames, ['GeneA', 'GeneB']);
  assert.deepEqual(Array.from(ds.X.data), [1, 0.5, 0, 3, 2, 0]);
  const batch = ds.obs.find((c) => c.name === 'batch');
  assert.ok(batch && batch.kind === 'categorical');
  assert.deepEqual(batch.categories, ['x', 'y']);
  assert.deepEqual(Array.from(batch.codes), [0, 1, 0]);
  const th = ds.obs.find((c) => c.name === 'time_hours');
  assert.ok(th && th.kind === 'numeric');
  assert.deepEqual(Array.from(th.values), [0, 24, 48]);
  // without the option, time_hours is a feature
  const ds2 = await readArrow(bytes, 'wide.arrow');
  assert.deepEqual(ds2.featureNames, ['time_hours', 'GeneA', 'GeneB']);
  await assert.rejects(readArrow(bytes, 'wide.arrow', { obsColumns: ['nope'] }), (e: unknown) => e instanceof InputError && /no column 'nope'/.test(e.message));
});

test('the long layout announces its last step (entries into rows) to a reader thread’s watchdog, sized by the entries', async () => {
  // A large long table spends its longest silent step sorting entries into rows after the last batch; the
  // watchdog must hear of it (it refused a valid 10⁸-entry Parquet file as corrupt when it did not).
  const { setAnnounceListener } = await import('../../src-core/io/watchdog-hook.js');
  const heard: { what: string; bytes: number }[] = [];
  setAnnounceListener((what, bytes) => heard.push({ what, bytes }));
  try {
    const n = 500;
    const table = tableFromArrays({
      cell: Array.from({ length: n }, (_, i) => `c${i % 50}`),
      gene: Array.from({ length: n }, (_, i) => `g${i % 7}`),
      value: Float32Array.from({ length: n }, (_, i) => 1 + (i % 3)),
    });
    const ds = await readArrow(tableToIPC(table, 'stream'), 'long.arrows');
    assert.equal(ds.nCells, 50);
    const last = heard.at(-1);
    assert.ok(last && /500 \(cell, gene, value\) entries into the matrix/.test(last.what), JSON.stringify(heard));
    assert.equal(last.bytes, 500 * 12);
  } finally {
    setAnnounceListener(null);
  }
});
