import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readTenxFolder } from '../../src-core/io/tenx-mtx.js';
import { readTenxH5 } from '../../src-core/io/tenx-h5.js';
import { InputError } from '../../src-core/errors.js';
import type { CsrMatrix, Dataset } from '../../src-core/io/dataset.js';
import { featureIdsOf } from '../../src-core/io/features.js';
import { fixtureData } from '../helpers/paths.js';

const D = fixtureData();

function csr(ds: Dataset): CsrMatrix {
  assert.equal(ds.X.kind, 'csr');
  return ds.X as CsrMatrix;
}

function assertSameData(a: Dataset, b: Dataset): void {
  assert.equal(a.nCells, b.nCells);
  assert.equal(a.nFeatures, b.nFeatures);
  assert.deepEqual(a.cellIds, b.cellIds);
  assert.deepEqual(a.featureNames, b.featureNames);
  const x = csr(a), y = csr(b);
  assert.deepEqual(Array.from(x.indptr), Array.from(y.indptr));
  assert.deepEqual(x.indices, y.indices);
  assert.deepEqual(x.data, y.data);
}

test('10x v3 folder (mouse10k): 10,000 cells × 1,000 genes, sums, empty cell kept, unique symbols', async () => {
  const ds = await readTenxFolder(path.join(D, 'mouse10k'));
  assert.equal(ds.nCells, 10_000);
  assert.equal(ds.nFeatures, 1_000);
  const X = csr(ds);
  assert.equal(X.data.length, 691_914);
  let sum = 0, max = 0;
  for (const v of X.data) { sum += v; max = Math.max(max, v); }
  assert.equal(sum, 1_597_698);
  assert.equal(max, 624);
  assert.equal(ds.cellIds[0], 'AAACCTGAGATAGGAG-1');
  // the one zero-count cell is kept (column 1521, 1-based) with an empty row
  const k = ds.cellIds.indexOf('AGGCCGTGTCTGCAAT-1');
  assert.equal(k, 1520);
  assert.equal(X.indptr[k + 1]! - X.indptr[k]!, 0);
  let emptyCells = 0;
  for (let i = 0; i < ds.nCells; i++) if (X.indptr[i + 1] === X.indptr[i]) emptyCells++;
  assert.equal(emptyCells, 1);
  const geneTotals = new Float64Array(ds.nFeatures);
  for (let p = 0; p < X.data.length; p++) geneTotals[X.indices[p]!]! += X.data[p]!;
  assert.equal(geneTotals.filter((v) => v === 0).length, 285);
  assert.deepEqual(ds.featureNames.slice(0, 5), ['Xkr4', 'Gm1992', 'Gm37381', 'Rp1', 'Rp1-1']);
  const ids = featureIdsOf(ds)!;
  assert.equal(ids[3], 'ENSMUSG00000025900');
  assert.equal(ids[4], 'ENSMUSG00000109048');
  assert.equal(new Set(ds.featureNames).size, 1000);
});

test('10x Cell Ranger 1.2: folder (genes.tsv, 2 columns) == filtered_gene_bc_matrices_h5.h5', async () => {
  const folder = await readTenxFolder(path.join(D, 'cellranger/1.2.0/filtered_gene_bc_matrices'));
  const h5 = await readTenxH5(path.join(D, 'cellranger/1.2.0/filtered_gene_bc_matrices_h5.h5'));
  assert.equal(folder.nCells, 12);
  assert.equal(folder.nFeatures, 343);
  assert.equal(csr(folder).data.length, 12);
  assert.equal(folder.cellIds[0], 'AACACGTGTACGCTGC-1');
  assert.deepEqual(folder.featureNames.slice(0, 3), ['DSCAM', 'MIR99AHG', 'APP']);
  assertSameData(folder, h5);
  assert.deepEqual(featureIdsOf(folder), featureIdsOf(h5));
});

test('10x Cell Ranger 3.0: folder (features.tsv.gz, 3 columns) == filtered_feature_bc_matrix.h5', async () => {
  const folder = await readTenxFolder(path.join(D, 'cellranger/3.0.0/filtered_feature_bc_matrix'));
  const h5 = await readTenxH5(path.join(D, 'cellranger/3.0.0/filtered_feature_bc_matrix.h5'));
  assert.equal(folder.nCells, 1107);
  assert.equal(folder.nFeatures, 507);
  assert.equal(csr(folder).data.length, 23_866);
  let sum = 0;
  for (const v of csr(folder).data) sum += v;
  assert.equal(sum, 41_549);
  assert.equal(folder.cellIds[0], 'AAACCCAAGGAGAGTA-1');
  assert.equal(featureIdsOf(folder)![0], 'ENSG00000279493');
  assert.equal(folder.featureNames[0], 'CH507-9B2.2');
  assertSameData(folder, h5);
  assert.deepEqual(featureIdsOf(folder), featureIdsOf(h5));
  // first cell's stored entries (h5 indptr runs over cells): 26 genes
  assert.equal(csr(h5).indptr[1], 26);
});

test('10x v1 .h5 with several genomes: genome option required, listed in the error', async () => {
  const p = path.join(D, 'cellranger/1.2.0/multiple_genomes.h5');
  await assert.rejects(readTenxH5(p), (e: unknown) => e instanceof InputError && /another_genome, hg19_chr21/.test(e.message) && e.file === p);
  const a = await readTenxH5(p, { genome: 'hg19_chr21' });
  const single = await readTenxH5(path.join(D, 'cellranger/1.2.0/filtered_gene_bc_matrices_h5.h5'));
  assertSameData(a, single);
  const b = await readTenxH5(p, { genome: 'another_genome' });
  assert.equal(b.featureNames[0], 'gene_0');
  let sum = 0;
  for (const v of csr(b).data) sum += v;
  assert.equal(sum, 13);
  await assert.rejects(readTenxH5(p, { genome: 'mm10' }), (e: unknown) => e instanceof InputError && /no genome 'mm10'/.test(e.message));
});

test('10x folder with integer-looking gene ids keeps them as strings', async () => {
  const ds = await readTenxFolder(path.join(D, 'cellranger/int-ids'));
  assert.equal(ds.nCells, 5);
  assert.equal(ds.nFeatures, 6);
  assert.equal(csr(ds).data.length, 3);
  const ids = featureIdsOf(ds)!;
  assert.equal(ids[0], '574405');
  assert.ok(ids.every((x) => typeof x === 'string'));
  assert.equal(ds.featureNames[0], 'Pwwp4b');
});
