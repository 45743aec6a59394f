/**
 * Issue 14's gene-set score, PCA reference map and h5ad export without a browser (the e2e tests skip when
 * Chromium is absent): pcaReferenceMap recovers the coordinates of points lying in a rotated plane;
 * LocalIsothermApi on pbmc68k_reduced scores a gene list, shows the PCA map and writes an h5ad the reader
 * reads back; a CSV input's h5ad export is a new AnnData file; the three calls are validated.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalIsothermApi } from '../../host/local-api.js';
import { validateCall } from '../../host/validate.js';
import { isInputError } from '../../src-core/errors.js';
import { readH5ad } from '../../src-core/io/h5ad.js';
import { pcaReferenceMap } from '../../src-core/workspace/reference-map.js';
import { fixtureData } from '../helpers/paths.js';

test('pcaReferenceMap: points in a rotated plane come back as their plane coordinates (up to sign)', () => {
  const n = 40, d = 4;
  // Orthonormal v1, v2 in R⁴; u has the larger spread, u and w are centred and uncorrelated.
  const v1 = [0.5, 0.5, 0.5, 0.5], v2 = [0.5, -0.5, 0.5, -0.5];
  const u = Array.from({ length: n }, (_, i) => (i % 2 ? 1 : -1) * (3 + (i % 5)));
  const w = Array.from({ length: n }, (_, i) => (Math.floor(i / 2) % 2 ? 1 : -1));
  const mean = (a: number[]): number => a.reduce((s, x) => s + x, 0) / a.length;
  const mu = mean(u), mw = mean(w);
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) data[i * d + c] = 7 + u[i]! * v1[c]! + w[i]! * v2[c]!;
  const xy = pcaReferenceMap({ kind: 'dense', nRows: n, nCols: d, data });
  const s1 = Math.sign(xy[0]! * (u[0]! - mu)), s2 = Math.sign(xy[1]! * (w[0]! - mw));
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(xy[2 * i]! - s1 * (u[i]! - mu)) < 1e-4, `PC1 of ${i}`);
    assert.ok(Math.abs(xy[2 * i + 1]! - s2 * (w[i]! - mw)) < 1e-4, `PC2 of ${i}`);
  }
  assert.throws(() => pcaReferenceMap({ kind: 'dense', nRows: 1, nCols: 2, data: new Float32Array(2) }), isInputError);
});

test('LocalIsothermApi: gene-set score, PCA map and h5ad export on pbmc68k_reduced; a CSV input gets a new h5ad', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'isotherm-afternoon-api-'));
  try {
    const api = new LocalIsothermApi();
    const d = await api.open(fixtureData('pbmc68k_reduced', 'pbmc68k_reduced_anndata08.h5ad'));
    await assert.rejects(api.exportH5ad(join(dir, 'x.h5ad')), /no map yet/);
    await api.run({});
    const r = await api.geneSetScore({ genes: ['lyz', 'CST3', 'NOPE'] });
    assert.deepEqual([r.column, r.used, r.notFound, r.constant], ['gene_set_score', ['LYZ', 'CST3'], ['NOPE'], []]);
    assert.ok(r.description.obs.some((c) => c.name === 'gene_set_score' && c.kind === 'numeric'));
    const c = await api.colour({ obs: 'gene_set_score' });
    assert.ok(c.kind === 'numeric' && c.values.length === d.nMapped && c.values.every(Number.isFinite));
    // z-scores averaged: mean 0 over the cells.
    assert.ok(Math.abs(c.values.reduce((s, v) => s + v, 0) / c.values.length) < 1e-5);
    await assert.rejects(api.geneSetScore({ genes: ['NOPE'] }), /nothing to score: none of the genes was found \(not found: NOPE\)/);

    const pca = await api.pcaCoords();
    assert.equal(pca.length, 2 * d.nMapped);
    let v0 = 0, v1 = 0;
    for (let i = 0; i < pca.length; i += 2) { v0 += pca[i]! ** 2; v1 += pca[i + 1]! ** 2; }
    assert.ok(v0 >= v1 && v1 > 0, 'PC1 spreads more than PC2');

    const out = join(dir, 'pbmc.isotherm.h5ad');
    const rep = await api.exportH5ad(out);
    assert.deepEqual([rep.rows, rep.extra], [700, ['obs/gene_set_score']]);
    const back = await readH5ad(out);
    const coords = await api.coords();
    assert.deepEqual(back.obsm['X_isotherm']!.data, coords);
    const score = back.obs.find((o) => o.name === 'gene_set_score');
    assert.ok(score?.kind === 'numeric' && Array.from(score.values).every((v, i) => Math.abs(v - c.values[i]!) < 1e-6));

    const csv = join(dir, 'small.csv');
    writeFileSync(csv, ['cell_id,a,b,c', ...Array.from({ length: 40 }, (_, i) => `c${i},${i % 7},${(i * 3) % 11},${(i * 5) % 13}`)].join('\n') + '\n');
    await api.open(csv);
    await api.run({ knn: 5 });
    const small = await api.exportH5ad(join(dir, 'small.h5ad'));
    assert.equal(small.rows, 40);
    const smallBack = await readH5ad(join(dir, 'small.h5ad'));
    assert.deepEqual([smallBack.nCells, smallBack.nFeatures, smallBack.featureNames], [40, 3, ['a', 'b', 'c']]);
    assert.deepEqual(smallBack.obsm['X_isotherm']!.data, await api.coords());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('validation: geneSetScore, pcaCoords, exportH5ad', () => {
  assert.deepEqual(validateCall('geneSetScore', [{ genes: ['A', 'B'] }]), { method: 'geneSetScore', request: { genes: ['A', 'B'] } });
  assert.deepEqual(validateCall('pcaCoords', []), { method: 'pcaCoords' });
  assert.deepEqual(validateCall('exportH5ad', ['/tmp/x.h5ad']), { method: 'exportH5ad', path: '/tmp/x.h5ad' });
  for (const bad of [[{ genes: 'A' }], [{ genes: [''] }], [{ genes: [3] }], [{ genes: ['A'], extra: 1 }], [{ genes: Array(2001).fill('g') }]]) assert.throws(() => validateCall('geneSetScore', bad), isInputError, JSON.stringify(bad).slice(0, 60));
  assert.throws(() => validateCall('exportH5ad', ['/tmp/x.csv']), isInputError);
});
