/**
 * The default preset on real cells: 10-NN classification accuracy of a known label in the 2-D map
 * (5-fold) and trustworthiness (k = 10) against the input space. Targets from the issue, measured there
 * for PHATE and the official HeatGeo: pbmc68k_reduced X_pca (bulk_labels) ≥ 0.78 / 0.90; HSMM exact
 * PCA-50 (time) ≥ 0.57 / 0.79.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src-core/compute/backend.js';
import { knnAccuracy, trustworthiness } from '../../src-core/quality/neighbourhood.js';
import type { Dataset } from '../../src-core/io/dataset.js';
import { openDataset } from '../../src-core/io/open.js';
import { EmbeddingPipeline } from '../../src-core/pipeline/pipeline.js';
import { fixtureData } from '../helpers/paths.js';
import { installNodeEngines } from '../../src-core/compute/node-engines.js';

// As a Node host does: lend the core its helper threads and WebGPU (src-core/compute/engines.ts).
installNodeEngines();

await initBackend('auto');

function labelsOf(ds: Dataset, column: string): Int32Array {
  const col = ds.obs.find((c) => c.name === column);
  assert.ok(col, `column ${column}`);
  return col.kind === 'categorical' ? Int32Array.from(col.codes) : Int32Array.from(col.values);
}

async function scores(file: string, key: string, column: string): Promise<{ acc: number; trust: number }> {
  const ds = await openDataset(file);
  const x = ds.obsm[key];
  assert.ok(x, `obsm ${key}`);
  const r = await new EmbeddingPipeline(x.data, x.nRows, x.nCols).run();
  const acc = knnAccuracy(r.coords, 2, labelsOf(ds, column));
  const trust = trustworthiness(x.data, x.nCols, r.coords, 2, 10);
  console.log(`${key} of ${file.split('/').pop()}: ${column} 10-NN accuracy ${acc.toFixed(3)}, trustworthiness ${trust.toFixed(3)}, t = ${r.heat.t.toPrecision(3)}`);
  return { acc, trust };
}

test('pbmc68k_reduced (X_pca): bulk_labels accuracy ≥ 0.78, trustworthiness ≥ 0.90', async () => {
  const s = await scores(fixtureData('pbmc68k_reduced', 'pbmc68k_reduced_anndata08.h5ad'), 'X_pca', 'bulk_labels');
  assert.ok(s.acc >= 0.78, `accuracy ${s.acc}`);
  assert.ok(s.trust >= 0.9, `trustworthiness ${s.trust}`);
});

test('HSMM time course (exact PCA-50): time accuracy ≥ 0.57, trustworthiness ≥ 0.79', async () => {
  const s = await scores(fixtureData('hsmm', 'hsmm.h5ad'), 'X_pca_exact', 'time');
  assert.ok(s.acc >= 0.57, `accuracy ${s.acc}`);
  assert.ok(s.trust >= 0.79, `trustworthiness ${s.trust}`);
});
