/**
 * A PHATE-style branching tree in 30 dimensions. Scores: DEMaP (Spearman between map distances and the
 * true along-tree geodesics) and branch separation (10-NN accuracy of the branch label in the map).
 * Bounds: a map that merged branches would put points of different branches at the junction together,
 * dropping the branch accuracy towards the 1/branches chance level and breaking the distance ranking;
 * 0.9 / 0.85 leave room only for confusion right at the branch points.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src-core/compute/backend.js';
import { distanceFidelity, euclideanPairDistance } from '../../src-core/quality/distance-fidelity.js';
import { knnAccuracy } from '../../src-core/quality/neighbourhood.js';
import { EmbeddingPipeline } from '../../src-core/pipeline/pipeline.js';
import { branchingTree, treeDistance } from '../../src-core/synthetic/tree.js';
import { installNodeEngines } from '../../src-core/compute/node-engines.js';

// As a Node host does: lend the core its helper threads and WebGPU (src-core/compute/engines.ts).
installNodeEngines();

await initBackend('auto');

test('branching tree (5 branches, 30-D): branches stay separate and geodesics are preserved', async () => {
  const tree = branchingTree(1500, { branches: 5, dim: 30, seed: 2 });
  const r = await new EmbeddingPipeline(tree.points, tree.n, tree.dim).run();
  const demap = distanceFidelity(tree.n, euclideanPairDistance(r.coords, 2), (i, j) => treeDistance(tree, i, j), 300_000, 3);
  const acc = knnAccuracy(r.coords, 2, tree.branch);
  console.log(`tree: DEMaP Spearman ${demap.spearman.toFixed(4)}, branch 10-NN accuracy ${acc.toFixed(4)}`);
  assert.ok(demap.spearman >= 0.85, `DEMaP ${demap.spearman}`);
  assert.ok(acc >= 0.9, `branch accuracy ${acc}`);
});
