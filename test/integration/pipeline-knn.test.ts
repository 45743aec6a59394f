/** The knn stage's method choice inside the pipeline: recorded in the result, cached per method. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src-core/compute/backend.js';
import { distanceFidelity, euclideanPairDistance } from '../../src-core/quality/distance-fidelity.js';
import { EmbeddingPipeline } from '../../src-core/pipeline/pipeline.js';
import { swissRoll } from '../../src-core/synthetic/swiss-roll.js';

await initBackend('auto');

test('approximate kNN on a 50-D Swiss roll: recall reported, map as faithful as with exact kNN (Spearman ≥ 0.97)', async () => {
  const roll = swissRoll(5000, { noise: 0.5, seed: 0, dim: 50 });
  const pipe = new EmbeddingPipeline(roll.points, roll.n, 50);
  const truth = euclideanPairDistance(roll.unrolled, 2);
  const approx = await pipe.run({ knnMethod: 'approximate' });
  assert.equal(approx.knn.method, 'nn-descent');
  assert.equal(approx.knn.exact, false);
  assert.equal(approx.knn.recallSample, 1000);
  assert.ok(approx.knn.recall >= 0.95, `recall@20 ${approx.knn.recall}`);
  assert.ok(approx.knn.recallAtKnn >= 0.95, `recall@10 ${approx.knn.recallAtKnn}`);
  const fa = distanceFidelity(roll.n, euclideanPairDistance(approx.coords, 2), truth, 300_000, 3);
  const again = await pipe.run({ knnMethod: 'approximate', sigma: 0.5 });
  assert.ok(!again.stagesRun.includes('knn'), 'cached');
  assert.deepEqual(again.knn, approx.knn);
  const exact = await pipe.run({ knnMethod: 'exact' });
  assert.ok(exact.stagesRun.includes('knn'), 'another method is another knn stage');
  assert.equal(exact.knn.exact, true);
  assert.equal(exact.knn.recall, 1);
  const fe = distanceFidelity(roll.n, euclideanPairDistance(exact.coords, 2), truth, 300_000, 3);
  console.log(`Spearman approximate ${fa.spearman.toFixed(4)} (recall@10 ${approx.knn.recallAtKnn.toFixed(4)}), exact ${fe.spearman.toFixed(4)}`);
  assert.ok(fa.spearman >= 0.97, `approximate: Spearman ${fa.spearman}`);
  assert.ok(fa.spearman >= fe.spearman - 0.01, 'no worse than exact by more than 0.01');
});
