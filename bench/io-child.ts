/**
 * Child process of the I/O benchmark (bench/io.ts), so that each measurement has its own peak RSS.
 * Usage: node dist/bench/io-child.js <json ChildTask>; prints one line `RESULT <json ChildResult>`.
 *
 * Peak RSS is the kernel's high-water mark (VmHWM in /proc/self/status; process.resourceUsage().maxRSS
 * where /proc is missing). For the pipeline, the high-water mark is reset after the read (writing 5 to
 * /proc/self/clear_refs) so the read peak and the preprocessing peak are measured separately; the parent
 * starts the child with --expose-gc so the reader's garbage is collected at that boundary.
 */
import fs from 'node:fs';
import { main as embed } from '../cli/isotherm.js';
import { installNodeEngines } from '../src-core/compute/node-engines.js';
import { openDataset } from '../src-core/io/open.js';
import { preprocess } from '../src-core/preprocess/run-preprocess.js';
import { writeSyntheticArrow, writeSyntheticH5ad, writeSyntheticParquet, writeWideCsv, type SyntheticSpec, type WriteSummary } from './io-gen.js';

installNodeEngines(); // a Node host, like the CLI: PCA's loops get the shared-memory threads

export type ChildTask =
  | { readonly kind: 'read'; readonly path: string }
  | { readonly kind: 'pipeline'; readonly path: string; readonly nComponents: number }
  /** The whole `isotherm embed PATH -o OUT` in this process (the CLI's own code path, sidecar OUT.json included). */
  | { readonly kind: 'embed'; readonly path: string; readonly out: string }
  | { readonly kind: 'gen-arrow' | 'gen-parquet' | 'gen-h5ad'; readonly path: string; readonly spec: SyntheticSpec }
  | { readonly kind: 'gen-csv'; readonly source: string; readonly csvPath: string; readonly gzPath: string };

export interface ChildResult {
  readonly kind: ChildTask['kind'];
  /** RSS once modules are loaded, before the work. */
  readonly baselineRssMB: number;
  /** Peak RSS over the whole child (max of the phase peaks). */
  readonly peakRssMB: number;
  readonly nCells?: number;
  readonly nFeatures?: number;
  readonly nnz?: number;
  readonly format?: string;
  readonly readSeconds?: number;
  readonly readPeakRssMB?: number;
  /** RSS right after the read and a forced GC: the live Dataset. */
  readonly afterReadRssMB?: number;
  readonly normalizeSeconds?: number;
  readonly pcaSeconds?: number;
  readonly preprocessPeakRssMB?: number;
  readonly pcaComponents?: number;
  readonly write?: WriteSummary;
  readonly csvBytes?: number;
  readonly gzBytes?: number;
  /** embed: wall seconds of main(), its exit code, CPU seconds of all threads, the CLI's stderr lines. */
  readonly embedSeconds?: number;
  readonly exitCode?: number;
  readonly cpuSeconds?: number;
  readonly log?: readonly string[];
}

function statusField(field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function peakMB(): number {
  return statusField('VmHWM') ?? process.resourceUsage().maxRSS / 1024;
}

function rssMB(): number {
  return statusField('VmRSS') ?? process.memoryUsage().rss / 2 ** 20;
}

function resetPeak(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

async function run(task: ChildTask): Promise<ChildResult> {
  const baselineRssMB = rssMB();
  switch (task.kind) {
    case 'read': {
      const t0 = performance.now();
      const ds = await openDataset(task.path);
      const readSeconds = (performance.now() - t0) / 1000;
      const peak = peakMB();
      return {
        kind: task.kind, baselineRssMB, peakRssMB: peak, readPeakRssMB: peak, readSeconds,
        nCells: ds.nCells, nFeatures: ds.nFeatures, nnz: ds.X.kind === 'csr' ? ds.X.data.length : countNonZero(ds.X.data), format: ds.source.format,
      };
    }
    case 'pipeline': {
      const t0 = performance.now();
      const ds = await openDataset(task.path);
      const readSeconds = (performance.now() - t0) / 1000;
      const readPeakRssMB = peakMB();
      // The reader's garbage (file bytes, COO builder arrays) is collected before the phase boundary,
      // so "after read" is the live Dataset and the preprocessing peak is not inflated by dead buffers.
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      const afterReadRssMB = rssMB();
      const canReset = resetPeak();
      const t1 = performance.now();
      let tPca = NaN;
      const out = preprocess(ds, {
        pca: task.nComponents,
        onProgress: (_f, label) => { if (label === 'PCA' && Number.isNaN(tPca)) tPca = performance.now(); },
      });
      const t2 = performance.now();
      if (Number.isNaN(tPca)) tPca = t1;
      const prePeak = peakMB();
      return {
        kind: task.kind, baselineRssMB, peakRssMB: canReset ? Math.max(readPeakRssMB, prePeak) : prePeak,
        nCells: ds.nCells, nFeatures: ds.nFeatures, nnz: ds.X.kind === 'csr' ? ds.X.data.length : countNonZero(ds.X.data), format: ds.source.format,
        readSeconds, readPeakRssMB, afterReadRssMB,
        normalizeSeconds: (tPca - t1) / 1000, pcaSeconds: (t2 - tPca) / 1000,
        // Without the reset the preprocessing peak cannot be told apart from the read peak.
        ...(canReset ? { preprocessPeakRssMB: prePeak } : {}),
        pcaComponents: out.matrix.nCols,
      };
    }
    case 'embed': {
      const log: string[] = [];
      const t0 = performance.now();
      const exitCode = await embed(['embed', task.path, '-o', task.out], () => {}, (line) => void log.push(line));
      const embedSeconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage();
      return { kind: task.kind, baselineRssMB, peakRssMB: peakMB(), embedSeconds, exitCode, cpuSeconds: (cpu.user + cpu.system) / 1e6, log: log.slice(-20) };
    }
    case 'gen-arrow':
    case 'gen-parquet':
    case 'gen-h5ad': {
      const write = task.kind === 'gen-arrow' ? await writeSyntheticArrow(task.path, task.spec)
        : task.kind === 'gen-parquet' ? await writeSyntheticParquet(task.path, task.spec) : await writeSyntheticH5ad(task.path, task.spec);
      return { kind: task.kind, baselineRssMB, peakRssMB: peakMB(), write };
    }
    case 'gen-csv': {
      const ds = await openDataset(task.source);
      const { csvBytes, gzBytes } = writeWideCsv(ds, task.csvPath, task.gzPath);
      return { kind: task.kind, baselineRssMB, peakRssMB: peakMB(), csvBytes, gzBytes };
    }
  }
}

function countNonZero(a: Float32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) n++;
  return n;
}

const arg = process.argv[2];
if (!arg) {
  process.stderr.write('usage: io-child.js <json task>\n');
  process.exit(2);
}
const result = await run(JSON.parse(arg) as ChildTask);
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
