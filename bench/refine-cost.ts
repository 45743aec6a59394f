/**
 * What the refine stage adds to a pipeline (issue 11: at most 30 % at 10k cells):
 *   node dist/bench/refine-cost.js [SET ...] [--repeat N]
 * SET: a data set `bench:quality` knows (default mouse10k), or `roll:N:DIM` — issue 11's Swiss roll (noise
 * 0.5, seed 0, rotated into DIM dimensions as in `npm run bench`), e.g. roll:10000:50. Each repeat times a fresh pipeline run with
 * `refine: 'auto'` and one with `'off'` (what the refinement adds to a run: its affinities are built on a
 * helper thread while the earlier stages run), then reruns the latter pipeline with `'auto'` — the stage
 * cache reruns only the refine stage — and prints wall and CPU seconds (process.cpuUsage: all threads).
 * CPU time is what to compare on a shared machine; wall time is what a user waits.
 */
import os from 'node:os';
import { initBackend } from '../src-core/compute/backend.js';
import { installNodeEngines } from '../src-core/compute/node-engines.js';
import { kernelPool } from '../src-core/compute/kernel-pool.js';
import { refineIterations, refinePartners } from '../src-core/embed/refine.js';
import { EmbeddingPipeline } from '../src-core/pipeline/pipeline.js';
import { swissRoll } from '../src-core/synthetic/swiss-roll.js';
import { loadSet } from './quality-sets.js';

const args = process.argv.slice(2);
const repeatAt = args.indexOf('--repeat');
const repeats = repeatAt >= 0 ? Number(args[repeatAt + 1]) : 2;
if (!(Number.isInteger(repeats) && repeats >= 1)) throw new Error(`--repeat: expected a positive integer, got ${args[repeatAt + 1]}`);
const sets = args.filter((a, i) => !a.startsWith('--') && (repeatAt < 0 || i !== repeatAt + 1));
if (sets.length === 0) sets.push('mouse10k');

installNodeEngines();
await initBackend('auto');
const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const timed = async (f: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> => {
  const w0 = performance.now();
  const c0 = cpuSeconds();
  await f();
  return { wall: (performance.now() - w0) / 1000, cpu: cpuSeconds() - c0 };
};

const threads = (await kernelPool()).threads;
console.log(`# Refine stage cost (node dist/bench/refine-cost.js ${args.join(' ')})\n`);
console.log(`${new Date().toISOString()} — ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}, ${threads} kernel-pool thread(s), load average at start ${os.loadavg()[0]!.toFixed(2)}\n`);
console.log('| set | n | iterations | partners | run | fresh run without refine: wall s / CPU s | fresh run with refine: wall s / CPU s | added (wall, CPU) | refine stage rerun alone: wall s / CPU s | stage / run without (wall, CPU) |');
console.log('|---|---:|---:|---:|---:|---|---|---|---|---|');
const pct = (a: number, b: number): string => `${Math.round((100 * a) / b)} %`;
const fmt = (t: { wall: number; cpu: number }): string => `${t.wall.toFixed(2)} / ${t.cpu.toFixed(2)}`;
for (const name of sets) {
  const x = await inputOf(name);
  await new EmbeddingPipeline(x.data, x.nRows, x.nCols).run({ refine: 'auto' }); // untimed: compiles the code and starts the threads
  for (let r = 1; r <= repeats; r++) {
    // What a user waits for: a fresh run with the refinement against a fresh run without it (the
    // refinement's affinities are built on a helper thread during the earlier stages, pipeline.ts) …
    const withRefine = await timed(() => new EmbeddingPipeline(x.data, x.nRows, x.nCols).run({ refine: 'auto' }));
    const pipeline = new EmbeddingPipeline(x.data, x.nRows, x.nCols);
    const off = await timed(() => pipeline.run({ refine: 'off' }));
    // … and the refine stage alone, rerun on the cached stages (it then builds its affinities itself).
    const stage = await timed(() => pipeline.run({ refine: 'auto' }));
    const added = { wall: withRefine.wall - off.wall, cpu: withRefine.cpu - off.cpu };
    console.log(
      `| ${name} | ${x.nRows} | ${refineIterations(x.nRows)} | ${refinePartners(x.nRows)} | ${r} | ${fmt(off)} | ${fmt(withRefine)} | ${pct(added.wall, off.wall)}, ${pct(added.cpu, off.cpu)} | ${fmt(stage)} | ${pct(stage.wall, off.wall)}, ${pct(stage.cpu, off.cpu)} |`,
    );
  }
}
/** The matrix a SET names (see the header). */
async function inputOf(name: string): Promise<{ data: Float32Array; nRows: number; nCols: number }> {
  const roll = /^roll:(\d+):(\d+)$/.exec(name);
  if (!roll) return (await loadSet(name)).input;
  const [n, dim] = [Number(roll[1]), Number(roll[2])];
  return { data: swissRoll(n, { noise: 0.5, seed: 0, dim }).points, nRows: n, nCols: dim };
}

console.log(`\nfinished ${new Date().toISOString()}, load average ${os.loadavg()[0]!.toFixed(2)}`);
process.exit(0);
