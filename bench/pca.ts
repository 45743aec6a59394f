/**
 * PCA benchmark on the I/O benchmark's synthetic counts (bench/io-gen.ts), generated in memory so the
 * read is not part of it:
 *
 *   node dist/bench/pca.js [--cells 1000000] [--genes 2000] [--density 0.05] [--seed 1] [--pca 50]
 *                          [--threads 1,2] [--solver auto|gram|krylov]
 *
 * Library-size normalisation + sqrt (what `preprocess` does to counts), then `pca` once per thread
 * count, with the time of each phase (from pca's progress units: moments 0–5, Gram or passes 5–65,
 * eigen-solve 65–80, scores 80–100), the CPU seconds of all threads (on a machine shared with other
 * work, wall time overstates what an idle machine would take; CPU time much less so), and whether the
 * result is bit-identical to the first run's. Peak RSS is the kernel's high-water mark (VmHWM), reset
 * before each run (writing 5 to /proc/self/clear_refs), so it is the peak of that run with the input
 * already in memory; the peak of generation + normalisation is printed above the table.
 * Output: a markdown table on stdout.
 */
import fs from 'node:fs';
import os from 'node:os';
import { normalizeLibrarySize } from '../src-core/preprocess/normalize.js';
import { transformValues } from '../src-core/preprocess/transform.js';
import { pca, type PcaResult } from '../src-core/preprocess/pca.js';
import { serialRunner } from '../src-core/compute/chunk-runner.js';
import { csrPoolRunner, stopCsrPool, waitForCsrPool } from '../src-core/compute/csr-pool.js';
import { syntheticCsr } from './io-gen.js';

interface Args { cells: number; genes: number; density: number; seed: number; pca: number; threads: number[]; solver: 'auto' | 'gram' | 'krylov' }

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { cells: 1_000_000, genes: 2000, density: 0.05, seed: 1, pca: 50, threads: [1, 2], solver: 'auto' };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i]!;
    const v = argv[++i] ?? '';
    switch (f) {
      case '--cells': a.cells = Math.round(Number(v)); break;
      case '--genes': a.genes = Math.round(Number(v)); break;
      case '--density': a.density = Number(v); break;
      case '--seed': a.seed = Math.round(Number(v)); break;
      case '--pca': a.pca = Math.round(Number(v)); break;
      case '--threads': a.threads = v.split(',').map((t) => Math.round(Number(t))); break;
      case '--solver': a.solver = v as Args['solver']; break;
      default: throw new Error(`unknown option ${f}`);
    }
  }
  if (![a.cells, a.genes, a.pca, ...a.threads].every((x) => Number.isInteger(x) && x > 0) || !(a.density > 0 && a.density < 1)) throw new Error('bad arguments');
  return a;
}

const rssMB = (): number => process.memoryUsage().rss / 2 ** 20;

/** VmHWM in MB (null where /proc is missing). */
function peakMB(): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function resetPeak(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}
const fmt = (x: number, d = 1): string => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

function sameResult(a: PcaResult, b: PcaResult): boolean {
  if (a.scores.data.length !== b.scores.data.length) return false;
  for (let i = 0; i < a.scores.data.length; i++) if (!Object.is(a.scores.data[i], b.scores.data[i])) return false;
  for (let i = 0; i < a.components.length; i++) if (!Object.is(a.components[i], b.components[i])) return false;
  return true;
}

const args = parseArgs(process.argv.slice(2));
console.log(`## PCA benchmark\n\nNode ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}; ${new Date().toISOString()}`);
let t = performance.now();
const counts = syntheticCsr({ nCells: args.cells, nGenes: args.genes, density: args.density, seed: args.seed, cellsPerBatch: 10_000 });
const genS = (performance.now() - t) / 1000;
t = performance.now();
const x = transformValues(normalizeLibrarySize(counts).matrix, 'sqrt').matrix;
const prepS = (performance.now() - t) / 1000;
console.log(`\n${args.cells.toLocaleString('en-US')} cells × ${args.genes.toLocaleString('en-US')} genes, ${counts.indptr[args.cells]!.toLocaleString('en-US')} non-zeros (seed ${args.seed}); generated in ${fmt(genS)} s, normalise + sqrt ${fmt(prepS)} s (peak RSS so far ${fmt(peakMB() ?? NaN, 0)} MB, RSS now ${fmt(rssMB(), 0)} MB); PCA ${args.pca} components, solver ${args.solver}.\n`);
console.log('| threads | moments s | Gram / passes s | eigen-solve s | scores s | PCA total s | CPU s (all threads) | solver | Krylov basis | residual / σ₁² | peak RSS during PCA MB | RSS after MB | same bits as first row |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|');
let first: PcaResult | null = null;
for (const threads of args.threads) {
  const runner = threads === 1 ? serialRunner : csrPoolRunner(threads);
  if (threads > 1) waitForCsrPool(30_000);
  const marks: number[] = [];
  const peakReset = resetPeak();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const res = pca(x, {
    nComponents: args.pca,
    solver: args.solver,
    runner,
    onProgress: (done) => {
      for (const edge of [5, 65, 80]) if (done >= edge && marks.length < [5, 65, 80].indexOf(edge) + 1) marks.push(performance.now());
    },
  });
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const peak = peakReset ? peakMB() : null;
  const [m5, m65, m80] = [marks[0] ?? t0, marks[1] ?? t0, marks[2] ?? t0];
  const same = first === null ? '—' : sameResult(first, res) ? 'yes' : '**no**';
  console.log(`| ${runner.threads} | ${fmt((m5 - t0) / 1000)} | ${fmt((m65 - m5) / 1000)} | ${fmt((m80 - m65) / 1000)} | ${fmt((t1 - m80) / 1000)} | ${fmt((t1 - t0) / 1000)} | ${fmt((cpu.user + cpu.system) / 1e6)} | ${res.solver} | ${res.krylovDimension} | ${res.relativeResidual.toExponential(1)} | ${peak === null ? '?' : fmt(peak, 0)} | ${fmt(rssMB(), 0)} | ${same} |`);
  first ??= res;
}
await stopCsrPool();
