/**
 * Interactive reruns: how long a slider change takes to give a new map once the first map exists
 * (the app's target: a t or σ change in ≤ 1 s at 10k cells, ≤ 3 s at 100k). Measures the staged
 * pipeline only (what the app's worker runs); moving 2·n floats to the renderer is not included.
 * Usage: node dist/bench/rerun.js [--sizes 10000,100000]
 */
import { initBackend } from '../src-core/compute/backend.js';
import { EmbeddingPipeline } from '../src-core/pipeline/pipeline.js';
import type { EmbedParams } from '../src-core/pipeline/params.js';
import { swissRoll } from '../src-core/synthetic/swiss-roll.js';
import { installNodeEngines } from '../src-core/compute/node-engines.js';

// As a Node host does: lend the core its helper threads and WebGPU (src-core/compute/engines.ts).
installNodeEngines();

const args = process.argv.slice(2);
const i = args.indexOf('--sizes');
const sizes = (i >= 0 && args[i + 1] ? args[i + 1]! : '10000,100000').split(',').map(Number);
await initBackend('auto');
console.log('## Interactive reruns (50-D Swiss roll, default preset; staged pipeline, wasm)\n');
console.log('| n | change | stages rerun | seconds |');
console.log('|---|---|---|---|');
for (const n of sizes) {
  const roll = swissRoll(n, { noise: 0.5, seed: 0, dim: 50 });
  const pipe = new EmbeddingPipeline(roll.points, n, 50);
  const timed = async (label: string, params: Partial<EmbedParams>): Promise<number> => {
    const t0 = performance.now();
    const r = await pipe.run(params);
    const s = (performance.now() - t0) / 1000;
    console.log(`| ${n} | ${label} | ${r.stagesRun.join(', ')} | ${s.toFixed(2)} |`);
    return r.heat.t;
  };
  const tAuto = await timed('first map (auto t)', {});
  const t = Number((tAuto * 2).toPrecision(3));
  await timed(`t → ${t}`, { t });
  await timed(`t → ${Number((t / 4).toPrecision(3))}`, { t: Number((t / 4).toPrecision(3)) });
  await timed('σ → 0.5', { t: Number((t / 4).toPrecision(3)), sigma: 0.5 });
  await timed('MDS seed → 1', { t: Number((t / 4).toPrecision(3)), sigma: 0.5, seed: 1 });
  await timed('t → auto (kernels rescanned)', { sigma: 0.5, seed: 1 });
}
