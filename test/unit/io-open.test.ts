import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { openDataset } from '../../src-core/io/open.js';
import { sniffBytes } from '../../src-core/io/sniff.js';
import { makeUnique } from '../../src-core/io/names.js';
import { InputError } from '../../src-core/errors.js';
import { fixtureData } from '../helpers/paths.js';

const D = fixtureData();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'isotherm-io-open-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

test('sniffBytes recognises formats by content', () => {
  const b = (...x: number[]): Uint8Array => Uint8Array.from(x);
  const s = (t: string): Uint8Array => new TextEncoder().encode(t);
  assert.equal(sniffBytes(b(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0)), 'hdf5');
  assert.equal(sniffBytes(s('ARROW1\0\0')), 'arrow-file');
  assert.equal(sniffBytes(b(0xff, 0xff, 0xff, 0xff, 0x10, 0, 0, 0)), 'arrow-stream');
  assert.equal(sniffBytes(s('PAR1xxxx')), 'parquet');
  assert.equal(sniffBytes(b(0x1f, 0x8b, 8, 0)), 'gzip');
  assert.equal(sniffBytes(s('%%MatrixMarket matrix coordinate integer general\n')), 'mtx');
  assert.equal(sniffBytes(b(0xff, 0xfe, 0x61, 0)), 'utf16-text');
  assert.equal(sniffBytes(s('cell_id,a\nx,1\n')), 'text');
  assert.equal(sniffBytes(b(1, 2, 0, 3)), 'binary');
  assert.equal(sniffBytes(new Uint8Array(0)), 'empty');
  // the same bytes under a misleading name are still found by content
  const real = fs.readFileSync(path.join(D, 'hsmm/hsmm.h5ad')).subarray(0, 64);
  assert.equal(sniffBytes(real), 'hdf5');
});

test('makeUnique follows anndata: second Rp1 becomes Rp1-1, existing names are skipped', () => {
  assert.deepEqual(makeUnique(['Rp1', 'Xkr4', 'Rp1', 'Rp1']).names, ['Rp1', 'Xkr4', 'Rp1-1', 'Rp1-2']);
  assert.deepEqual(makeUnique(['a', 'a', 'a-1']).names, ['a', 'a-2', 'a-1']);
  const same = ['x', 'y'];
  assert.equal(makeUnique(same).names, same);
});

test('openDataset dispatches on content: h5ad, 10x h5, 10x folder, matrix.mtx.gz, Arrow, Parquet', async () => {
  const h5ad = await openDataset(path.join(D, 'pbmc68k_reduced/pbmc68k_reduced.h5ad'));
  assert.equal(h5ad.source.format, 'h5ad');
  assert.equal(h5ad.nCells, 700);
  const raw = await openDataset(path.join(D, 'pbmc68k_reduced/pbmc68k_reduced_anndata08.h5ad'), { useRaw: true });
  assert.equal(raw.X.kind, 'csr');
  const h5 = await openDataset(path.join(D, 'cellranger/3.0.0/filtered_feature_bc_matrix.h5'));
  assert.equal(h5.source.format, '10x-h5-v3');
  assert.equal(h5.nCells, 1107);
  await assert.rejects(openDataset(path.join(D, 'cellranger/1.2.0/multiple_genomes.h5')), InputError);
  const g = await openDataset(path.join(D, 'cellranger/1.2.0/multiple_genomes.h5'), { genome: 'hg19_chr21' });
  assert.equal(g.nFeatures, 343);
  const folder = await openDataset(path.join(D, 'cellranger/1.2.0/filtered_gene_bc_matrices'));
  assert.equal(folder.source.format, '10x-mtx');
  assert.equal(folder.nCells, 12);
  // pointing at matrix.mtx.gz inside a 10x folder reads the folder (names included)
  const viaMatrix = await openDataset(path.join(D, 'cellranger/3.0.0/filtered_feature_bc_matrix/matrix.mtx.gz'));
  assert.equal(viaMatrix.cellIds[0], 'AAACCCAAGGAGAGTA-1');
  assert.equal(viaMatrix.nFeatures, 507);
  // a copy of the Arrow file with a misleading extension is still read as Arrow
  const renamed = path.join(tmp, 'cells.csv');
  fs.copyFileSync(path.join(D, 'mouse10k/mouse10k_wide_first100_uncompressed.arrow'), renamed);
  const arrow = await openDataset(renamed);
  assert.equal(arrow.source.format, 'arrow-ipc');
  assert.equal(arrow.nCells, 100);
  const pq = await openDataset(path.join(D, 'mouse10k/mouse10k_long.parquet'));
  assert.equal(pq.source.format, 'parquet');
  assert.equal(pq.nCells, 10_000);
});

test('openDataset reads CSV (plain and gzip) through the CSV reader', async () => {
  const csvPath = path.join(D, 'hsmm/hsmm_pca50.csv');
  const ds = await openDataset(csvPath, { obsColumns: ['time_hours'] });
  assert.equal(ds.nCells, 271);
  assert.equal(ds.nFeatures, 50);
  assert.equal(ds.featureNames[0], 'PC1');
  const gz = path.join(tmp, 'hsmm_pca50.csv.gz');
  fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(csvPath)));
  const ds2 = await openDataset(gz, { obsColumns: ['time_hours'] });
  assert.deepEqual(ds2.cellIds, ds.cellIds);
  assert.deepEqual(ds2.X, ds.X);
});

test('openDataset: a bare MatrixMarket file is genes × cells with generated names', async () => {
  const p = path.join(tmp, 'bare.mtx');
  fs.writeFileSync(p, '%%MatrixMarket matrix coordinate real general\n% comment\n3 2 3\n1 1 1.5\n3 1 2\n2 2 -1e-1\n');
  const ds = await openDataset(p);
  assert.equal(ds.source.format, 'mtx');
  assert.equal(ds.nCells, 2);
  assert.equal(ds.nFeatures, 3);
  assert.deepEqual(ds.cellIds, ['cell_1', 'cell_2']);
  assert.deepEqual(Array.from(ds.X.kind === 'csr' ? ds.X.indptr : []), [0, 2, 3]);
  assert.deepEqual(Array.from(ds.X.data), [1.5, 2, Math.fround(-0.1)]);
});
