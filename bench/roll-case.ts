/**
 * One benchmark case in its own process (so peak RSS is this case's): build a Swiss roll, embed it
 * with the default preset, score it against the unrolled ground truth, print one JSON line.
 * Usage: node dist/bench/roll-case.js N DIM SEED [paramsJSON]
 */
import { initBackend } from '../src-core/compute/backend.js';
import { distanceFidelity, euclideanPairDistance } from '../src-core/quality/distance-fidelity.js';
import { EmbeddingPipeline } from '../src-core/pipeline/pipeline.js';
import { swissRoll } from '../src-core/synthetic/swiss-roll.js';
import { installNodeEngines } from '../src-core/compute/node-engines.js';

// As a Node host does: lend the core its helper threads and WebGPU (src-core/compute/engines.ts).
installNodeEngines();

const [nArg, dimArg, seedArg, paramsArg] = process.argv.slice(2);
const n = Number(nArg);
const dim = Number(dimArg);
const seed = Number(seedArg ?? 0);
const backend = await initBackend('auto');
const roll = swissRoll(n, { noise: 0.5, seed, dim });
const t0 = performance.now();
const result = await new EmbeddingPipeline(roll.points, n, dim).run(JSON.parse(paramsArg ?? '{}'));
const totalMs = performance.now() - t0;
const f = distanceFidelity(n, euclideanPairDistance(result.coords, 2), euclideanPairDistance(roll.unrolled, 2), 1_000_000, 11);
process.stdout.write(
  JSON.stringify({
    n,
    dim,
    seed,
    landmarks: result.landmarks,
    t: result.heat.t,
    stages: result.timingsMs,
    totalMs,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    spearman: f.spearman,
    pearson: f.pearson,
    pairs: f.pairs,
    backend: backend.name,
  }) + '\n',
);
