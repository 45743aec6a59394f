/**
 * I/O benchmark: read throughput and peak RSS per input format, and the large-file memory target.
 *
 *   npm run bench:io -- [--cells N] [--genes G] [--density D] [--skip-large] [--skip-small] [--no-parquet] [--no-h5ad]
 *                       [--no-arrow] [--repeat R] [--pca K] [--rss-limit-mb M] [--seed S] [--embed] [--no-pipeline] [--work DIR]
 *
 * 1. Every format of the 10k-cell fixture (test/fixtures/data/mouse10k, plus a wide CSV and CSV.gz made
 *    once from it in a temp dir) is read by `openDataset` in a child process (R times, median reported),
 *    so each peak RSS belongs to one read.
 * 2. A synthetic long/COO count table (default 1,000,000 cells × 2,000 genes, 5 % non-zero) is generated
 *    batch by batch as an Arrow IPC file, as Parquet (ZSTD) and as a CSR .h5ad into os.tmpdir(); for each, a child runs
 *    openDataset → preprocess (counts → normalise → sqrt → PCA, default 50 components) and reports the
 *    read and PCA times and the peak RSS of each phase. Target: peak RSS ≤ 6 GB.
 * 3. --embed: the whole file → map run on each large file, `isotherm embed FILE -o MAP.csv` in a child
 *    (the CLI's code, with its defaults: refine is off above 200k cells), with the per-stage times from
 *    the sidecar MAP.json, whole-run time, CPU time and peak RSS; targets ≤ 5 min and ≤ 6 GB. Quality:
 *    the generator's 10 clusters kept apart in the map (bench/io-quality.ts, a 20,000-cell sample).
 *    --no-pipeline skips the read + PCA child of step 2.
 * --work DIR keeps the generated files there and reuses them on the next run when the spec matches.
 * Every child is watched: one whose RSS goes past --rss-limit-mb (default 12,000) is killed.
 * Generated files are deleted at the end. Output: markdown tables on stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtureData } from '../test/helpers/paths.js';
import type { ChildResult, ChildTask } from './io-child.js';
import type { SyntheticSpec, WriteSummary } from './io-gen.js';
import { mapClusterPurity } from './io-quality.js';

interface Args {
  cells: number;
  genes: number;
  density: number;
  seed: number;
  repeat: number;
  pca: number;
  rssLimitMB: number;
  skipLarge: boolean;
  skipSmall: boolean;
  parquet: boolean;
  h5ad: boolean;
  arrow: boolean;
  embed: boolean;
  pipeline: boolean;
  work: string | null;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { cells: 1_000_000, genes: 2000, density: 0.05, seed: 1, repeat: 3, pca: 50, rssLimitMB: 12_000, skipLarge: false, skipSmall: false, parquet: true, h5ad: true, arrow: true, embed: false, pipeline: true, work: null };
  const num = (i: number, name: string): number => {
    const v = Number(argv[i + 1]);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} needs a positive number`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i]!;
    switch (f) {
      case '--cells': a.cells = Math.round(num(i++, f)); break;
      case '--genes': a.genes = Math.round(num(i++, f)); break;
      case '--density': a.density = num(i++, f); break;
      case '--seed': a.seed = Math.round(num(i++, f)); break;
      case '--repeat': a.repeat = Math.round(num(i++, f)); break;
      case '--pca': a.pca = Math.round(num(i++, f)); break;
      case '--rss-limit-mb': a.rssLimitMB = num(i++, f); break;
      case '--skip-large': a.skipLarge = true; break;
      case '--skip-small': a.skipSmall = true; break;
      case '--no-parquet': a.parquet = false; break;
      case '--no-h5ad': a.h5ad = false; break;
      case '--no-arrow': a.arrow = false; break;
      case '--embed': a.embed = true; break;
      case '--no-pipeline': a.pipeline = false; break;
      case '--work': a.work = path.resolve(argv[++i] ?? '.'); break;
      default: throw new Error(`unknown option ${f}`);
    }
  }
  return a;
}

const CHILD = fileURLToPath(new URL('./io-child.js', import.meta.url));

interface ChildRun {
  readonly result: ChildResult;
  /** Largest VmRSS the parent saw while polling (a cross-check of the child's own high-water mark). */
  readonly sampledPeakMB: number;
  readonly wallSeconds: number;
}

function procRssMB(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** The child running now, killed with the parent on SIGINT / SIGTERM. */
let current: ChildProcess | null = null;

function runChild(task: ChildTask, rssLimitMB: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--expose-gc', CHILD, JSON.stringify(task)], { stdio: ['ignore', 'pipe', 'pipe'] });
    current = child;
    let out = '';
    let err = '';
    let sampled = 0;
    let killedFor: string | null = null;
    child.stdout.setEncoding('utf8').on('data', (s: string) => { out += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { err += s; });
    const timer = setInterval(() => {
      if (child.pid === undefined) return;
      const r = procRssMB(child.pid);
      if (r === null) return;
      sampled = Math.max(sampled, r);
      if (r > rssLimitMB && killedFor === null) {
        killedFor = `RSS ${r.toFixed(0)} MB passed the --rss-limit-mb ${rssLimitMB}`;
        child.kill('SIGKILL');
      }
    }, 200);
    child.on('error', (e) => { clearInterval(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearInterval(timer);
      current = null;
      const wallSeconds = (performance.now() - t0) / 1000;
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) {
        process.stderr.write(`    ${line} (parent saw up to ${sampled.toFixed(0)} MB, ${wallSeconds.toFixed(1)} s)\n`);
        resolve({ result: JSON.parse(line.slice('RESULT '.length)) as ChildResult, sampledPeakMB: sampled, wallSeconds });
        return;
      }
      const why = killedFor ?? `exit ${code ?? ''}${signal ? ` signal ${signal}` : ''}`;
      reject(new Error(`child ${task.kind} failed (${why}; largest RSS seen ${sampled.toFixed(0)} MB)\n${err.slice(-2000)}`));
    });
  });
}

function sizeOf(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.size;
  return ['matrix.mtx.gz', 'barcodes.tsv.gz', 'features.tsv.gz'].reduce((s, f) => s + fs.statSync(path.join(p, f)).size, 0);
}

const MB = 1e6;
const fmt = (x: number, digits = 1): string => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const fmtInt = (x: number): string => Math.round(x).toLocaleString('en-US');

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

async function smallFormats(args: Args, tmp: string): Promise<void> {
  const dir = fixtureData('mouse10k');
  const csvPath = path.join(tmp, 'mouse10k_wide.csv');
  const gzPath = path.join(tmp, 'mouse10k_wide.csv.gz');
  await runChild({ kind: 'gen-csv', source: dir, csvPath, gzPath }, args.rssLimitMB);
  const formats: { name: string; path: string }[] = [
    { name: '10x folder (matrix.mtx.gz + tsv.gz)', path: dir },
    { name: 'long Parquet', path: path.join(dir, 'mouse10k_long.parquet') },
    { name: 'wide Arrow IPC (zstd)', path: path.join(dir, 'mouse10k_wide.arrow') },
    { name: 'wide Feather v2 (lz4)', path: path.join(dir, 'mouse10k_wide_lz4.feather') },
    { name: 'wide CSV', path: csvPath },
    { name: 'wide CSV.gz', path: gzPath },
  ];
  const rows: string[][] = [];
  for (const f of formats) {
    const runs: ChildRun[] = [];
    for (let r = 0; r < args.repeat; r++) runs.push(await runChild({ kind: 'read', path: f.path }, args.rssLimitMB));
    const s = median(runs.map((x) => x.result.readSeconds!));
    const peak = median(runs.map((x) => x.result.peakRssMB));
    const base = median(runs.map((x) => x.result.baselineRssMB));
    const bytes = sizeOf(f.path);
    const res = runs[0]!.result;
    rows.push([
      f.name, `${fmtInt(res.nCells!)} × ${fmtInt(res.nFeatures!)}`, fmt(bytes / MB, 2), fmt(s, 3), fmt(bytes / MB / s, 1),
      fmtInt(res.nCells! / s), fmtInt(peak), fmtInt(base),
    ]);
    process.stderr.write(`  ${f.name}: ${fmt(s, 3)} s, peak ${fmtInt(peak)} MB\n`);
  }
  console.log(`\n### 10k-cell fixture (mouse10k, 691,914 non-zeros), read only (openDataset), median of ${args.repeat} child processes\n`);
  console.log(table(['format', 'cells × features', 'file MB', 'read s', 'MB/s', 'cells/s', 'peak RSS MB', 'baseline RSS MB'], rows));
  console.log('\nfile MB: bytes on disk (10^6); for the 10x folder the sum of its three files. baseline RSS: the child after loading modules, before reading.');
}

const EMBED_STAGES = ['read', 'preprocess', 'knn', 'graph', 'landmarks', 'heat', 'dissimilarity', 'mds', 'extend', 'refine'] as const;

/** Generates the file, or reuses it when --work holds one made from the same spec. */
async function generated(t: { kind: 'gen-arrow' | 'gen-parquet' | 'gen-h5ad'; file: string }, spec: SyntheticSpec, keep: boolean, rssLimitMB: number): Promise<{ write: WriteSummary; peakRssMB: number | null }> {
  const stamp = `${t.file}.spec.json`;
  const want = JSON.stringify(spec);
  if (keep && fs.existsSync(t.file) && fs.existsSync(stamp)) {
    const had = JSON.parse(fs.readFileSync(stamp, 'utf8')) as { spec: string; write: WriteSummary };
    if (had.spec === want) {
      process.stderr.write(`  reusing ${t.file}\n`);
      return { write: had.write, peakRssMB: null };
    }
  }
  const g = await runChild({ kind: t.kind, path: t.file, spec }, rssLimitMB);
  if (keep) fs.writeFileSync(stamp, JSON.stringify({ spec: want, write: g.result.write! }));
  return { write: g.result.write!, peakRssMB: g.result.peakRssMB };
}

interface SidecarTimes { timingsMs: Record<string, number> }

async function largeFile(args: Args, tmp: string): Promise<void> {
  const cellsPerBatch = Math.max(1000, Math.min(10_000, Math.ceil(args.cells / 100)));
  const spec: SyntheticSpec = { nCells: args.cells, nGenes: args.genes, density: args.density, seed: args.seed, cellsPerBatch };
  const dir = args.work ?? tmp;
  fs.mkdirSync(dir, { recursive: true });
  const tag = `${args.cells}x${args.genes}-d${args.density}-s${args.seed}`;
  const targets: { name: string; kind: 'gen-arrow' | 'gen-parquet' | 'gen-h5ad'; file: string }[] = [];
  if (args.arrow) targets.push({ name: 'Arrow IPC file (uncompressed)', kind: 'gen-arrow', file: path.join(dir, `synthetic_long-${tag}.arrow`) });
  if (args.parquet) targets.push({ name: 'Parquet (ZSTD, 1,048,576-row groups)', kind: 'gen-parquet', file: path.join(dir, `synthetic_long-${tag}.parquet`) });
  if (args.h5ad) targets.push({ name: '.h5ad (CSR, chunked, uncompressed)', kind: 'gen-h5ad', file: path.join(dir, `synthetic-${tag}.h5ad`) });
  const genRows: string[][] = [];
  const pipeRows: string[][] = [];
  const phaseRows: string[][] = [];
  const embedRows: string[][] = [];
  for (const t of targets) {
    process.stderr.write(`  generating ${t.name} (${fmtInt(args.cells)} cells) …\n`);
    const g = await generated(t, spec, args.work !== null, args.rssLimitMB);
    const w = g.write;
    genRows.push([t.name, fmtInt(w.nnz), fmt(w.bytes / MB, 1), fmtInt(w.batches), fmt(w.seconds, 1), g.peakRssMB === null ? 'reused' : fmtInt(g.peakRssMB)]);
    try {
      if (args.pipeline) await pipeline(args, t.name, t.file, w, pipeRows, phaseRows);
      if (args.embed) await embedRun(t.name, t.file, dir, tag, embedRows, args.rssLimitMB);
    } finally {
      if (args.work === null) fs.rmSync(t.file, { force: true });
    }
  }
  const shape = `${fmtInt(args.cells)} cells × ${fmtInt(args.genes)} genes, ${fmt(args.density * 100, 1)} % non-zero, seed ${args.seed}`;
  console.log(`\n### Synthetic long/COO table (${shape}): generation (streamed, ${fmtInt(cellsPerBatch)} cells per record batch)\n`);
  console.log(table(['file', 'non-zeros', 'file MB', 'record batches', 'write s', 'generator peak RSS MB'], genRows));
  if (args.pipeline) {
    console.log(`\n### Synthetic table: openDataset → preprocess (counts → library-size normalise → sqrt → PCA ${args.pca}), one child process each\n`);
    console.log(table(['file', 'cells × genes', 'file MB', 'read s', 'MB/s', 'cells/s', 'normalise+sqrt s', 'PCA s', 'peak RSS MB', '≤ 6 GB'], pipeRows));
    console.log('\n#### Where the memory goes (RSS MB per phase)\n');
    console.log(table(['file', 'baseline', 'peak during read', 'after read', 'peak during preprocess + PCA', 'peak seen by parent (200 ms polling)'], phaseRows));
    console.log('\nPeak RSS: the child\'s VmHWM (kernel high-water mark), reset after the read so the two phase peaks are separate; "peak RSS MB" is the larger of all peaks. 6 GB = 6,144 MB.');
  }
  if (args.embed) {
    console.log(`\n### Synthetic table → map: \`isotherm embed FILE -o MAP.csv\` (CLI defaults), one child process each; stage seconds from the sidecar\n`);
    console.log(table(['file', ...EMBED_STAGES, 'embed s', 'CPU s', 'peak RSS MB', '≤ 5 min', '≤ 6 GB', 'cluster purity@10 (sample)'], embedRows));
    console.log('\npreprocess = library-size normalise + sqrt + PCA 50. Cluster purity: of each sampled cell\'s 10 nearest sampled cells in the map, the fraction from its own generated cluster (chance 0.1).');
  }
}

async function pipeline(args: Args, name: string, file: string, w: WriteSummary, pipeRows: string[][], phaseRows: string[][]): Promise<void> {
  const targetMB = 6 * 1024;
  process.stderr.write(`  reading + PCA …\n`);
  try {
    const p = await runChild({ kind: 'pipeline', path: file, nComponents: args.pca }, args.rssLimitMB);
    const r = p.result;
    const peak = Math.max(r.peakRssMB, p.sampledPeakMB);
    pipeRows.push([
      name, `${fmtInt(r.nCells!)} × ${fmtInt(r.nFeatures!)}`, fmt(w.bytes / MB, 1), fmt(r.readSeconds!, 1), fmt(w.bytes / MB / r.readSeconds!, 1),
      fmtInt(r.nCells! / r.readSeconds!), fmt(r.normalizeSeconds!, 1), fmt(r.pcaSeconds!, 1), fmtInt(peak),
      peak <= targetMB ? `yes (≤ ${fmtInt(targetMB)})` : `**no** (> ${fmtInt(targetMB)})`,
    ]);
    phaseRows.push([
      name, fmtInt(r.baselineRssMB), fmtInt(r.readPeakRssMB!), fmtInt(r.afterReadRssMB!),
      r.preprocessPeakRssMB !== undefined ? fmtInt(r.preprocessPeakRssMB) : 'n/a', fmtInt(p.sampledPeakMB),
    ]);
  } catch (e) {
    process.stderr.write(`  read + PCA of ${name} failed: ${(e as Error).message}\n`);
    pipeRows.push([name, '—', fmt(w.bytes / MB, 1), '—', '—', '—', '—', '—', '—', `failed: ${(e as Error).message.split('\n')[0]}`]);
  }
}

async function embedRun(name: string, file: string, dir: string, tag: string, rows: string[][], rssLimitMB: number): Promise<void> {
  const out = path.join(dir, `map-${path.extname(file).slice(1)}-${tag}.csv`);
  process.stderr.write(`  isotherm embed ${file} …\n`);
  try {
    const e = await runChild({ kind: 'embed', path: file, out }, rssLimitMB);
    const r = e.result;
    if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}: ${(r.log ?? []).slice(-3).join(' / ')}`);
    const side = JSON.parse(fs.readFileSync(out.replace(/\.csv$/, '.json'), 'utf8')) as SidecarTimes;
    const peak = Math.max(r.peakRssMB, e.sampledPeakMB);
    const q = mapClusterPurity(out);
    rows.push([
      name, ...EMBED_STAGES.map((st) => (side.timingsMs[st] === undefined ? '–' : fmt(side.timingsMs[st]! / 1000, 1))),
      fmt(r.embedSeconds!, 1), fmt(r.cpuSeconds!, 1), fmtInt(peak),
      r.embedSeconds! <= 300 ? 'yes' : '**no**', peak <= 6 * 1024 ? 'yes' : '**no**', `${q.purity.toFixed(4)} (${fmtInt(q.sample)})`,
    ]);
    process.stderr.write(`  ${rows[rows.length - 1]!.join(' | ')}\n`);
  } catch (err) {
    process.stderr.write(`  embed of ${name} failed: ${(err as Error).message}\n`);
    rows.push([name, ...EMBED_STAGES.map(() => '—'), '—', '—', '—', '—', '—', `failed: ${(err as Error).message.split('\n')[0]}`]);
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'isotherm-bench-io-'));
  const cleanup = (): void => fs.rmSync(tmp, { recursive: true, force: true });
  const stop = (code: number) => (): void => { current?.kill('SIGKILL'); cleanup(); process.exit(code); };
  process.on('SIGINT', stop(130));
  process.on('SIGTERM', stop(143));
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`## I/O benchmark\n\nNode ${process.version}, ${os.cpus().length} cores (${cpu}), ${fmt(os.totalmem() / 2 ** 30, 0)} GiB RAM, ${os.platform()} ${os.arch()}; ${new Date().toISOString()}`);
  try {
    if (!args.skipSmall) await smallFormats(args, tmp);
    if (!args.skipLarge) await largeFile(args, tmp);
  } finally {
    cleanup();
  }
}

await main();
