/** Staged caching, progress events and cancellation of the embedding pipeline. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src-core/compute/backend.js';
import { CancelledError } from '../../src-core/errors.js';
import { distanceFidelity, euclideanPairDistance } from '../../src-core/quality/distance-fidelity.js';
import { EmbeddingPipeline } from '../../src-core/pipeline/pipeline.js';
import { CancelSource, type ProgressEvent } from '../../src-core/pipeline/progress.js';
import { swissRoll } from '../../src-core/synthetic/swiss-roll.js';
import { installNodeEngines } from '../../src-core/compute/node-engines.js';

// As a Node host does: lend the core its helper threads and WebGPU (src-core/compute/engines.ts).
installNodeEngines();

await initBackend('auto');
const roll = swissRoll(800, { noise: 0.5, seed: 5 });

test('changing t reruns only heat and downstream; changing the seed reuses the distances', async () => {
  const pipe = new EmbeddingPipeline(roll.points, roll.n, 3);
  const first = await pipe.run({ t: 2 });
  assert.deepEqual(first.stagesRun, ['knn', 'graph', 'landmarks', 'heat', 'dissimilarity', 'mds', 'extend', 'refine']);
  const messages: string[] = [];
  const said = (e: ProgressEvent): void => void (e.stage === 'refine' && e.message && messages.push(e.message));
  const second = await pipe.run({ t: 4 }, { onProgress: said });
  assert.deepEqual(second.stagesRun, ['heat', 'dissimilarity', 'mds', 'extend', 'refine']);
  assert.notDeepEqual(Array.from(second.coords), Array.from(first.coords), 'the map changed with t');
  // The refinement's affinities depend on the graph only: reused, and the map is the one a fresh pipeline draws.
  assert.deepEqual(messages, ['neighbour affinities reused']);
  const fresh = await new EmbeddingPipeline(roll.points, roll.n, 3).run({ t: 4 }, { onProgress: said });
  // A fresh pipeline builds P on a helper thread while its heat stage runs.
  assert.deepEqual(messages, ['neighbour affinities reused', 'neighbour affinities built during the earlier stages'], 'a fresh pipeline builds them');
  assert.deepEqual(Array.from(fresh.coords), Array.from(second.coords));
  const third = await pipe.run({ t: 4, sigma: 0.5 });
  assert.deepEqual(third.stagesRun, ['dissimilarity', 'mds', 'extend', 'refine']);
  const fourth = await pipe.run({ t: 4, sigma: 0.5, seed: 9 });
  assert.deepEqual(fourth.stagesRun, ['mds', 'extend', 'refine']);
  const again = await pipe.run({ t: 4, sigma: 0.5, seed: 9 });
  assert.deepEqual(again.stagesRun, []);
  assert.deepEqual(Array.from(again.coords), Array.from(fourth.coords));
  const rho = await pipe.run({ t: 4, sigma: 0.5, seed: 9, refineExaggeration: 2 });
  assert.deepEqual(rho.stagesRun, ['refine'], 'the refinement reruns alone');
  messages.length = 0;
  const rk = await pipe.run({ t: 4, sigma: 0.5, seed: 9, refineExaggeration: 2, refineKnn: 12 }, { onProgress: said });
  assert.deepEqual(rk.stagesRun, ['refine'], 'a new refinement graph reruns the refinement alone');
  assert.deepEqual(messages, [], 'a new bandwidth builds new affinities');
  assert.equal(rk.refineKnn, 12);
  assert.notDeepEqual(Array.from(rk.coords), Array.from(rho.coords), 'the map changed with the refinement graph');
  // That P was built in the refine stage on all threads; a fresh pipeline builds it on a helper alongside the heat stage: the same map.
  messages.length = 0;
  const rkFresh = await new EmbeddingPipeline(roll.points, roll.n, 3).run({ t: 4, sigma: 0.5, seed: 9, refineExaggeration: 2, refineKnn: 12 }, { onProgress: said });
  assert.deepEqual(messages, ['neighbour affinities built during the earlier stages']);
  assert.deepEqual(Array.from(rkFresh.coords), Array.from(rk.coords));
  messages.length = 0;
  const mn = await pipe.run({ t: 4, sigma: 0.5, seed: 9, refineExaggeration: 2, refineKnn: 12, refineMidNear: 0.15 }, { onProgress: said });
  assert.deepEqual(mn.stagesRun, ['refine'], 'mid-near pairs rerun the refinement alone');
  assert.deepEqual(messages, [], 'mid-near pairs build new affinities');
  assert.notDeepEqual(Array.from(mn.coords), Array.from(rk.coords), 'the map changed with the mid-near pairs');
  const off = await pipe.run({ t: 4, sigma: 0.5, seed: 9, refine: 'off' });
  assert.deepEqual(off.stagesRun, ['refine']);
  assert.equal(off.refineIterations, 0);
  const preset = await pipe.run({ t: 4, preset: 'phate' });
  assert.ok(!preset.stagesRun.includes('knn') && !preset.stagesRun.includes('graph'), 'a preset change keeps the graph');
});

test('a fresh pipeline reproduces the same map for the same parameters (deterministic)', async () => {
  const a = await new EmbeddingPipeline(roll.points, roll.n, 3).run({ t: 3 });
  const b = await new EmbeddingPipeline(roll.points, roll.n, 3).run({ t: 3 });
  assert.deepEqual(Array.from(a.coords), Array.from(b.coords));
});

test('progress events cover every stage in order, with fractions in [0, 1]', async () => {
  const events: ProgressEvent[] = [];
  await new EmbeddingPipeline(roll.points, roll.n, 3).run({}, { onProgress: (e) => events.push(e) });
  const order = [...new Set(events.map((e) => e.stage))];
  assert.deepEqual(order, ['knn', 'graph', 'landmarks', 'heat', 'dissimilarity', 'mds', 'extend', 'refine']);
  for (const e of events) assert.ok(e.fraction >= 0 && e.fraction <= 1);
  assert.ok(events.filter((e) => e.stage === 'heat').length > 3, 'the heat scan reports as it goes');
});

test('cancelling during the heat stage throws CancelledError and keeps the upstream cache', async () => {
  const pipe = new EmbeddingPipeline(roll.points, roll.n, 3);
  const source = new CancelSource();
  await assert.rejects(
    pipe.run({}, { cancel: source, onProgress: (e) => e.stage === 'heat' && e.fraction > 0 && source.cancel() }),
    (e: unknown) => e instanceof CancelledError && /heat/.test((e as Error).message),
  );
  const after = await pipe.run({});
  assert.deepEqual(after.stagesRun, ['heat', 'dissimilarity', 'mds', 'extend', 'refine'], 'graph stages came from the cache');
});

test('the three presets produce different, finite maps; chebyshev method agrees with squaring at fixed t', async () => {
  const pipe = new EmbeddingPipeline(roll.points, roll.n, 3);
  const maps = [];
  for (const preset of ['geodesic', 'phate', 'sne'] as const) {
    const r = await pipe.run({ preset, t: 3 });
    for (const v of r.coords) assert.ok(Number.isFinite(v));
    maps.push(Array.from(r.coords));
  }
  assert.notDeepEqual(maps[0], maps[1]);
  assert.notDeepEqual(maps[0], maps[2]);
  // At a t where every kernel entry is far above Chebyshev's error floor, the two methods must agree
  // (maps compared through their pairwise distances: MDS axes may flip). At t = 3 the far ends of this
  // 800-point roll are below the 1e-10 floor (6,125 pairs); by t = 5 none are.
  const sq = await pipe.run({ t: 5, heatMethod: 'squaring', mdsIterations: 0, refine: 'off' });
  const ch = await pipe.run({ t: 5, heatMethod: 'chebyshev', mdsIterations: 0, refine: 'off' });
  assert.ok(ch.heat.chebyshevOrder !== undefined && ch.heat.errorBound < 1e-9);
  assert.equal(ch.saturatedPairs, 0);
  const f = distanceFidelity(roll.n, euclideanPairDistance(sq.coords, 2), euclideanPairDistance(ch.coords, 2));
  assert.ok(f.pearson > 0.9999, `map distances correlate ${f.pearson}`);
});

test('too few cells for knn is a clear error', async () => {
  const tiny = new EmbeddingPipeline(new Float32Array(10 * 3), 10, 3);
  await assert.rejects(tiny.run({ knn: 10 }), /10 cells are too few for knn = 10/);
});
