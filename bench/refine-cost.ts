/**
 * What the refine stage adds to a pipeline (issue 11: at most 30 % at 10k cells):
 *   node dist/bench/refine-cost.js [SET ...] [--repeat N]
 * SET: a data set `bench:quality` knows (default mouse10k). Each repeat builds a fresh pipeline, runs it
 * with `refine: 'off'`, then again with `'auto'` — the stage cache reruns only the refine stage — and
 * prints wall and CPU seconds (process.cpuUsage: all threads) of both, and the stage's share. CPU time is
 * what to compare on a shared machine; wall time is what a user waits.
 */
import os from 'node:os';
import { initBackend } from '../src-core/compute/backend.js';
import { installNodeEngines } from '../src-core/compute/node-engines.js';
import { kernelPool } from '../src-core/compute/kernel-pool.js';
import { refineIterations, refinePartners } from '../src-core/embed/refine.js';
import { EmbeddingPipeline } from '../src-core/pipeline/pipeline.js';
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
console.log('| set | n | iterations | partners | run | pipeline without refine: wall s / CPU s | refine stage: wall s / CPU s | refine / pipeline (wall, CPU) |');
console.log('|---|---:|---:|---:|---:|---|---|---|');
for (const name of sets) {
  const set = await loadSet(name);
  const x = set.input;
  for (let r = 1; r <= repeats; r++) {
    const pipeline = new EmbeddingPipeline(x.data, x.nRows, x.nCols);
    const off = await timed(() => pipeline.run({ refine: 'off' }));
    const auto = await timed(() => pipeline.run({ refine: 'auto' }));
    const pct = (a: number, b: number): string => `${Math.round((100 * a) / b)} %`;
    console.log(
      `| ${name} | ${x.nRows} | ${refineIterations(x.nRows)} | ${refinePartners(x.nRows)} | ${r} | ${off.wall.toFixed(2)} / ${off.cpu.toFixed(2)} | ${auto.wall.toFixed(2)} / ${auto.cpu.toFixed(2)} | ${pct(auto.wall, off.wall)}, ${pct(auto.cpu, off.cpu)} |`,
    );
  }
}
console.log(`\nfinished ${new Date().toISOString()}, load average ${os.loadavg()[0]!.toFixed(2)}`);
process.exit(0);
