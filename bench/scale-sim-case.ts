/**
 * One count-simulator case at scale for `bench:scale --sim-cells N`, in its own process so that its peak
 * RSS is its own:
 *   node dist/bench/scale-sim-case.js N GENES LEVEL SEED SAMPLE OUTDIR
 * simulateCounts (src-core/synthetic/counts.ts: branching tree, gamma-Poisson counts, dropout) → preprocess()
 * (the app's and CLI's: normalise, transform, 50 PCs) → EmbeddingPipeline with the host's engines and the
 * CLI's defaults. Writes, for a seeded sample of SAMPLE cells, the map rows and the NOISELESS expression
 * (the truth the quality bench scores simulated sets against) as CSVs for map_quality.py, and prints one
 * JSON line: phase seconds, stage times, kNN summary, CPU seconds, peak RSS (as bench/scale-case.ts reports it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { installNodeEngines } from '../src-core/compute/node-engines.js';
import { initBackend } from '../src-core/compute/backend.js';
import { createRng, sampleIndices } from '../src-core/linalg/random.js';
import { EmbeddingPipeline } from '../src-core/pipeline/pipeline.js';
import { preprocess } from '../src-core/preprocess/run-preprocess.js';
import { countSimOptions, simulateCounts, truthExpression, type NoiseLevel } from '../src-core/synthetic/counts.js';
import { writeMapCsv, writeMatrixCsv } from './quality-run.js';

const [nArg, genesArg, level, seedArg, sampleArg, outDir] = process.argv.slice(2);
if (!nArg || !genesArg || !level || !seedArg || !sampleArg || !outDir) {
  process.stderr.write('usage: node dist/bench/scale-sim-case.js N GENES LEVEL SEED SAMPLE OUTDIR\n');
  process.exit(2);
}
const n = Number(nArg), genes = Number(genesArg), seed = Number(seedArg), sampleSize = Number(sampleArg);
installNodeEngines();
await initBackend('auto');
const seconds = (t0: number): number => (performance.now() - t0) / 1000;

let t0 = performance.now();
const sim = simulateCounts(countSimOptions(level as NoiseLevel, { nCells: n, nGenes: genes, seed }), `sim-${level}-${n}`);
const simulateS = seconds(t0);
const X = sim.dataset.X;
const nnzPerCell = X.kind === 'csr' ? X.indices.length / n : genes;

t0 = performance.now();
const pp = preprocess(sim.dataset);
const preprocessS = seconds(t0);
if (pp.keptCells.length !== n) throw new Error(`preprocess dropped ${n - pp.keptCells.length} cells; the truth rows would not line up`);

t0 = performance.now();
const result = await new EmbeddingPipeline(pp.matrix.data, pp.matrix.nRows, pp.matrix.nCols).run({});
const pipelineS = seconds(t0);

const rows = Array.from(sampleIndices(n, Math.min(n, sampleSize), createRng(0))).sort((a, b) => a - b);
const ids = rows.map((i) => sim.dataset.cellIds[i]!);
const tag = `sim-${level}-${n}x${genes}-s${seed}`;
const mapFile = path.join(outDir, `${tag}-map-sample.csv`);
const truthFile = path.join(outDir, `${tag}-truth-sample.csv`);
const coords = new Float32Array(2 * rows.length);
rows.forEach((i, r) => coords.set(result.coords.subarray(2 * i, 2 * i + 2), 2 * r));
fs.mkdirSync(outDir, { recursive: true });
writeMapCsv(mapFile, ids, coords);
writeMatrixCsv(truthFile, ids, truthExpression(sim.truth, rows), 'g');

const u = process.cpuUsage();
console.log(JSON.stringify({
  n, genes, level, seed, nnzPerCell, simulateS, preprocessS, pcs: pp.matrix.nCols, pipelineS,
  stages: result.timingsMs, knn: result.knn, components: result.components.length, refineIterations: result.refineIterations,
  cpuSeconds: (u.user + u.system) / 1e6, peakRssMb: process.resourceUsage().maxRSS / 1024, mapFile, truthFile,
}));
process.exit(0);
