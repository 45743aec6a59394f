/**
 * Child process of the fuzz harness (runner.ts): receives seed fixtures, then cases; for each case it
 * mutates one file, opens the result with openDataset and reports the outcome, the time and its own
 * peak RSS for that case (VmHWM after resetting it). A reader that hangs or exhausts memory cannot
 * be stopped from inside, so the parent watches this process and kills it.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { InputError } from '../../src-core/errors.js';
import type { AnnotatedDataset } from '../../src-core/io/features.js';
import { openDataset } from '../../src-core/io/open.js';
import type { Fixture } from './fixtures.js';
import { mutate, type MutationKind } from './mutate.js';
import { checkDataset } from './validate.js';

export interface InitMessage { readonly type: 'init'; readonly fixtures: readonly Fixture[]; readonly dir: string; readonly budget: number; readonly embedEvery: number }
export interface CaseMessage { readonly type: 'case'; readonly id: number; readonly fixture: number; readonly seed: number }
export type Outcome = 'ok' | 'input-error' | 'crash' | 'invalid';
export interface ResultMessage {
  readonly type: 'result';
  readonly id: number;
  readonly outcome: Outcome;
  readonly message: string;
  readonly ms: number;
  readonly peakMB: number;
  readonly kinds: readonly MutationKind[];
  readonly embedded: boolean;
}

const TEXT_FORMATS = new Set(['csv', 'tsv']);

function status(field: 'VmHWM' | 'VmRSS'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return process.memoryUsage().rss / 2 ** 20;
  }
}

function resetPeak(): void {
  try { fs.writeFileSync('/proc/self/clear_refs', '5'); } catch { /* not Linux: VmHWM stays cumulative */ }
}

let init: InitMessage | null = null;
let okCount = 0;

/** Writes the case's input: the fixture with one of its files mutated; returns the path to open. */
function prepare(fx: Fixture, seed: number, caseDir: string): { entry: string; kinds: MutationKind[] } {
  fs.rmSync(caseDir, { recursive: true, force: true });
  fs.mkdirSync(caseDir, { recursive: true });
  // folders: mutate the matrix most of the time, the barcodes/features files otherwise
  const target = fx.files.length > 1 && seed % 4 !== 0 ? fx.files.find((f) => /matrix/.test(f)) ?? fx.files[0]! : fx.files[seed % fx.files.length]!;
  const gz = /\.gz$/.test(target);
  const original = new Uint8Array(fs.readFileSync(target));
  // gzip: half the cases mutate the text inside (then recompress), so the parsers behind it are reached
  const inner = gz && seed % 2 === 1;
  const m = inner ? mutate(new Uint8Array(zlib.gunzipSync(original)), seed, true) : mutate(original, seed, TEXT_FORMATS.has(fx.format) && !gz);
  const bytes = inner ? new Uint8Array(zlib.gzipSync(m.bytes)) : m.bytes;
  const kinds = m.kinds;
  if (fx.files.length === 1) {
    const p = path.join(caseDir, path.basename(fx.entry));
    fs.writeFileSync(p, bytes);
    return { entry: p, kinds };
  }
  const dir = path.join(caseDir, path.basename(fx.entry));
  fs.mkdirSync(dir);
  for (const f of fx.files) fs.writeFileSync(path.join(dir, path.basename(f)), f === target ? bytes : fs.readFileSync(f));
  return { entry: dir, kinds };
}

/** Maps a small data set (≥ 20 cells) with the default pipeline; every coordinate must be finite. */
async function embedCheck(ds: AnnotatedDataset): Promise<string | null> {
  const { initBackend } = await import('../../src-core/compute/backend.js');
  const { preprocess } = await import('../../src-core/preprocess/index.js');
  const { EmbeddingPipeline } = await import('../../src-core/pipeline/pipeline.js');
  await initBackend('cpu');
  let prep;
  try {
    prep = preprocess(ds, {});
  } catch (e) {
    return e instanceof InputError ? null : `preprocess threw ${(e as Error).name}: ${(e as Error).message}`;
  }
  const X = prep.matrix;
  if (X.nRows <= 11) return null; // the default knn is 10
  const res = await new EmbeddingPipeline(X.data, X.nRows, X.nCols).run({ seed: 1 });
  for (let k = 0; k < res.coords.length; k++) if (!Number.isFinite(res.coords[k]!)) return `coordinate ${k} is ${res.coords[k]}`;
  return null;
}

async function runCase(c: CaseMessage): Promise<ResultMessage> {
  const cfg = init!;
  const fx = cfg.fixtures[c.fixture]!;
  const { entry, kinds } = prepare(fx, c.seed, path.join(cfg.dir, `case-${process.pid}`));
  resetPeak();
  const t0 = performance.now();
  let outcome: Outcome;
  let message = '';
  let embedded = false;
  try {
    const ds = await openDataset(entry, { memoryBudget: cfg.budget });
    const problem = checkDataset(ds);
    outcome = problem ? 'invalid' : 'ok';
    message = problem ?? `${ds.nCells} × ${ds.nFeatures}`;
    if (!problem && cfg.embedEvery > 0 && okCount++ % cfg.embedEvery === 0 && ds.nCells >= 20) {
      embedded = true;
      const bad = await embedCheck(ds);
      if (bad) { outcome = 'invalid'; message = `embedding: ${bad}`; }
    }
  } catch (e) {
    const err = e as Error;
    if (e instanceof InputError) {
      outcome = err.message.startsWith(entry) ? 'input-error' : 'invalid';
      message = err.message.slice(entry.length);
      if (outcome === 'invalid') message = `InputError not naming the file: ${err.message}`;
    } else {
      outcome = 'crash';
      message = `${err?.name}: ${err?.message}\n${(err?.stack ?? '').split('\n').slice(1, 6).join('\n')}`;
    }
  }
  const ms = performance.now() - t0;
  return { type: 'result', id: c.id, outcome, message: message.slice(0, 2000), ms, peakMB: status('VmHWM'), kinds, embedded };
}

process.on('message', (m: InitMessage | CaseMessage) => {
  if (m.type === 'init') {
    init = m;
    process.send!({ type: 'ready' });
    return;
  }
  void runCase(m).then((r) => process.send!(r), (e: unknown) => {
    process.send!({ type: 'result', id: m.id, outcome: 'crash', message: `harness: ${String(e)}`, ms: 0, peakMB: 0, kinds: [], embedded: false } satisfies ResultMessage);
  });
});
process.on('disconnect', () => process.exit(0));
if (!process.send) {
  process.stderr.write('this is the fuzz harness child process; run dist/bench/fuzz/run.js instead\n');
  process.exit(2);
}
