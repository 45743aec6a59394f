/**
 * Worker thread that reads one HDF5 file with h5wasm. The HDF5 library can loop forever on some
 * damaged files (measured: a corrupted global heap under a string dataset) and can abort its wasm
 * module; neither can be interrupted or undone from the thread running it. Here the reader's thread
 * can be terminated by its watchdog (h5-thread.ts), and an aborted module dies with the thread.
 * Messages out: {expect} before each blocking read (what, bytes), {progress}, then {done} with the
 * data set (typed arrays transferred) or {fail}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../errors.js';
import { MemoryBudget } from './budget.js';
import type { AnnotatedDataset } from './features.js';
import { readHdf5File, type Hdf5Options } from './h5-file.js';
import { setBlockingReadHook } from './h5-read.js';
import { ReadProgress, type ReadContext } from './read-control.js';

export interface H5WorkerInput { readonly path: string; readonly options: Hdf5Options; readonly budget: number }
export type FromH5Worker =
  | { readonly type: 'expect'; readonly what: string; readonly bytes: number }
  | { readonly type: 'progress'; readonly fraction: number }
  | { readonly type: 'done'; readonly dataset: AnnotatedDataset }
  | { readonly type: 'fail'; readonly inputError: boolean; readonly file: string; readonly message: string };

const port = parentPort!;
const input = workerData as H5WorkerInput;

/** Every ArrayBuffer under the data set's typed arrays, once each (moved, not copied). */
function buffersOf(ds: AnnotatedDataset): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (a: ArrayBufferView): void => { if (a.buffer instanceof ArrayBuffer) out.add(a.buffer); };
  const X = ds.X;
  add(X.data);
  if (X.kind === 'csr') { add(X.indptr); add(X.indices); }
  for (const c of ds.obs) add(c.kind === 'numeric' ? c.values : c.codes);
  for (const m of Object.values(ds.obsm)) add(m.data);
  return [...out];
}

async function main(): Promise<void> {
  setBlockingReadHook((what, bytes) => port.postMessage({ type: 'expect', what, bytes } satisfies FromH5Worker));
  const ctx: ReadContext = {
    budget: new MemoryBudget(input.budget, input.path),
    progress: new ReadProgress({ onProgress: (fraction) => port.postMessage({ type: 'progress', fraction } satisfies FromH5Worker) }),
  };
  try {
    const dataset = await readHdf5File(input.path, input.options, ctx);
    port.postMessage({ type: 'done', dataset } satisfies FromH5Worker, buffersOf(dataset));
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    port.postMessage({
      type: 'fail', inputError: e instanceof InputError, file: e instanceof InputError ? e.file : input.path,
      message: e instanceof InputError ? err.message.slice(e.file.length + 2) : `${err.name}: ${err.message}`,
    } satisfies FromH5Worker);
  }
}

void main();
