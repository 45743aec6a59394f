/**
 * What the refine stage adds to a pipeline (issue 11: at most 30 % at 10k cells):
 *   node dist/bench/refine-cost.js [SET ...] [--repeat N]
 * SET: a data set `bench:quality` knows (default mouse10k), or `roll:N:DIM` — issue 11's Swiss roll (noise
 * 0.5, seed 0, rotated into DIM dimensions as in `npm run bench`), e.g. roll:10000:50. Each repeat times a fresh pipeline run with
 * `refine: 'auto'` and one with `'off'` (what the refinement adds to a run: its affinities are built on a
 * helper thread while the earlier stages run), then reruns the latter pipeline with `'auto'` — the stage
 * cache reruns only the refine stage — and prints wall and CPU seconds (process.cpuUsage: all threads).
 * CPU time is what to compare on a shared machine; wall time is what a user waits. With more than one
 * repeat a last row gives the medians of each column (the added share is that of the medians).
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
interface Timing {
  readonly wall: number;
  readonly cpu: number;
}
const timed = async (f: () => Promise<unknown>): Promise<Timing> => {
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
const fmt = (t: Timing): string => `${t.wall.toFixed(2)} / ${t.cpu.toFixed(2)}`;
for (const name of sets) {
  const x = await inputOf(name);
  await new EmbeddingPipeline(x.data, x.nRows, x.nCols).run({ refine: 'auto' }); // untimed: compiles the code and starts the threads
  const rows: { off: Timing; withRefine: Timing; stage: Timing }[] = [];
  for (let r = 1; r <= repeats; r++) {
    // What a user waits for: a fresh run with the refinement against a fresh run without it (the
    // refinement's affinities are built on a helper thread during the earlier stages, pipeline.ts) — in
    // alternating order, so that neither always runs first …
    const pipeline = new EmbeddingPipeline(x.data, x.nRows, x.nCols);
    const fresh = (): Promise<Timing> => timed(() => new EmbeddingPipeline(x.data, x.nRows, x.nCols).run({ refine: 'auto' }));
    const withFirst = r % 2 === 1 ? await fresh() : null;
    const off = await timed(() => pipeline.run({ refine: 'off' }));
    const withRefine = withFirst ?? (await fresh());
    // … and the refine stage alone, rerun on the cached stages (it then builds its affinities itself).
    const stage = await timed(() => pipeline.run({ refine: 'auto' }));
    rows.push({ off, withRefine, stage });
    console.log(row(name, x.nRows, String(r), off, withRefine, stage));
  }
  // This machine's load comes and goes: the medians are the figures to quote.
  const median = (pick: (t: (typeof rows)[number]) => Timing): Timing => ({ wall: middle(rows.map((t) => pick(t).wall)), cpu: middle(rows.map((t) => pick(t).cpu)) });
  if (repeats > 1) console.log(row(name, x.nRows, 'median', median((t) => t.off), median((t) => t.withRefine), median((t) => t.stage)));
}

function row(name: string, n: number, run: string, off: Timing, withRefine: Timing, stage: Timing): string {
  const added = { wall: withRefine.wall - off.wall, cpu: withRefine.cpu - off.cpu };
  return `| ${name} | ${n} | ${refineIterations(n)} | ${refinePartners(n)} | ${run} | ${fmt(off)} | ${fmt(withRefine)} | ${pct(added.wall, off.wall)}, ${pct(added.cpu, off.cpu)} | ${fmt(stage)} | ${pct(stage.wall, off.wall)}, ${pct(stage.cpu, off.cpu)} |`;
}

function middle(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
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
