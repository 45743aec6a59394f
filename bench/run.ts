/**
 * `npm run bench`: the embedding benchmark. Each case runs in a child process so that its peak RSS is
 * its own. Prints markdown tables: per-stage wall time, total, peak RSS and the two correlations with
 * the ground-truth geodesics, for Swiss rolls of growing size in 3-D and rotated into 50-D; then the
 * worst of 20 seeded rolls at n = 2000.
 * Options: --sizes 2000,5000,... --dims 3,50 --seeds 20 --skip-seeds
 */
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { STAGES } from '../src-core/pipeline/progress.js';

interface CaseResult {
  n: number;
  dim: number;
  seed: number;
  landmarks: number;
  t: number;
  stages: Record<string, number>;
  totalMs: number;
  peakRssMb: number;
  spearman: number;
  pearson: number;
  pairs: number;
  backend: string;
}

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const sizes = opt('--sizes', '2000,5000,10000,20000,50000').split(',').map(Number);
const dims = opt('--dims', '3,50').split(',').map(Number);
const seeds = Number(opt('--seeds', '20'));
const caseScript = fileURLToPath(new URL('./roll-case.js', import.meta.url));

async function runCase(n: number, dim: number, seed: number, params = '{}'): Promise<CaseResult> {
  const { stdout } = await promisify(execFile)(process.execPath, [caseScript, String(n), String(dim), String(seed), params], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as CaseResult;
}

const s = (ms: number | undefined): string => ((ms ?? 0) / 1000).toFixed(2);
console.log(`# Isotherm embedding benchmark\n\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; Swiss roll noise 0.5, seed 0, default preset (geodesic, auto t)\n`);
console.log(`| n | dim | m | t | ${STAGES.join(' | ')} | total s | peak RSS MB | Spearman | Pearson |`);
console.log(`|${'---|'.repeat(STAGES.length + 8)}`);
for (const dim of dims) {
  for (const n of sizes) {
    const r = await runCase(n, dim, 0);
    console.log(`| ${n} | ${dim} | ${r.landmarks} | ${r.t.toPrecision(3)} | ${STAGES.map((st) => s(r.stages[st])).join(' | ')} | ${s(r.totalMs)} | ${r.peakRssMb.toFixed(0)} | ${r.spearman.toFixed(4)} | ${r.pearson.toFixed(4)} |`);
  }
}
console.log(`\nbackend: wasm unless stated; correlations over ${'≤'}1,000,000 random pairs (all pairs at n = 2000: 1,999,000 pairs)\n`);
if (!args.includes('--skip-seeds') && seeds > 0) {
  const rows: CaseResult[] = [];
  for (let seed = 0; seed < seeds; seed++) rows.push(await runCase(2000, 3, seed));
  const worst = rows.reduce((a, b) => (Math.min(b.spearman, b.pearson) < Math.min(a.spearman, a.pearson) ? b : a));
  const mean = (f: (r: CaseResult) => number): number => rows.reduce((acc, r) => acc + f(r), 0) / rows.length;
  console.log(`## Robustness: ${seeds} seeded rolls, n = 2000, noise 0.5, 3-D\n`);
  console.log('| seeds | mean Spearman | mean Pearson | worst seed | worst Spearman | worst Pearson | min over all (Sp/Pe) |');
  console.log('|---|---|---|---|---|---|---|');
  console.log(
    `| 0–${seeds - 1} | ${mean((r) => r.spearman).toFixed(4)} | ${mean((r) => r.pearson).toFixed(4)} | ${worst.seed} | ${worst.spearman.toFixed(4)} | ${worst.pearson.toFixed(4)} | ${Math.min(...rows.map((r) => r.spearman)).toFixed(4)} / ${Math.min(...rows.map((r) => r.pearson)).toFixed(4)} |`,
  );
}
