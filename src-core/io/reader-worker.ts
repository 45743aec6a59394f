/**
 * Worker thread that runs one binary-format reader (HDF5 via h5wasm, Arrow via apache-arrow, Parquet
 * via parquet-wasm) for thread-read.ts. These libraries were measured to loop forever (HDF5 on a
 * corrupted global heap, apache-arrow on a damaged record batch), to abort their wasm module, or to
 * panic from inside a callback on damaged files; none of that can be stopped or undone from the
 * thread running it, so it runs here, where the watchdog can terminate it. One read per request
 * ({read} in); messages out: {announce} before blocking work, {progress}, then {done} with the data
 * set (typed arrays moved) or {fail}. A thread whose read ended normally may serve the next read.
 */
import { parentPort } from 'node:worker_threads';
import { setMatrixArraysShared } from '../compute/matrix-arrays.js';
import { InputError } from '../errors.js';
import { readArrow, readArrowFile } from './arrow.js';
import { MemoryBudget } from './budget.js';
import type { AnnotatedDataset } from './features.js';
import { readHdf5File, type Hdf5Options } from './h5-file.js';
import { readParquet, readParquetFile } from './parquet.js';
import { ReadProgress, type ReadContext } from './read-control.js';
import type { TableLayoutOptions } from './table-layout.js';
import { setAnnounceListener } from './watchdog-hook.js';

export type ThreadFormat = 'hdf5' | 'arrow' | 'parquet';

export interface ReaderWorkerInput {
  readonly format: ThreadFormat;
  readonly path: string;
  /** Decompressed bytes (a gzip-wrapped Arrow/Parquet file); otherwise the file at `path` is read. */
  readonly bytes?: Uint8Array;
  readonly options: Hdf5Options & TableLayoutOptions;
  readonly budget: number;
  /** Most bytes an emscripten wasm heap (h5wasm's) may grow to during this read. */
  readonly wasmHeapBytes: number;
  /** Allocate the matrix on SharedArrayBuffers, as the host does (compute/matrix-arrays.ts); they are shared back, not copied. */
  readonly sharedArrays?: boolean;
}

export type FromReaderWorker =
  | { readonly type: 'started' }
  | { readonly type: 'announce'; readonly what: string; readonly bytes: number }
  | { readonly type: 'progress'; readonly fraction: number }
  | { readonly type: 'done'; readonly dataset: AnnotatedDataset }
  | { readonly type: 'fail'; readonly inputError: boolean; readonly file: string; readonly message: string };

const port = parentPort!;

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

function read(input: ReaderWorkerInput, ctx: ReadContext): Promise<AnnotatedDataset> {
  const { format, path, bytes, options } = input;
  const table: TableLayoutOptions = options.obsColumns ? { obsColumns: options.obsColumns } : {};
  if (format === 'hdf5') return readHdf5File(path, options, ctx);
  if (format === 'arrow') return bytes ? readArrow(bytes, path, table, ctx) : readArrowFile(path, table, ctx);
  return bytes ? readParquet(bytes, path, table, ctx) : readParquetFile(path, table, ctx);
}

async function serve(input: ReaderWorkerInput): Promise<void> {
  // the thread is up and its modules are loaded: from here on, silence is the file's reader's
  port.postMessage({ type: 'started' } satisfies FromReaderWorker);
  wasmHeapCap = input.wasmHeapBytes;
  setMatrixArraysShared(input.sharedArrays === true);
  const ctx: ReadContext = {
    budget: new MemoryBudget(input.budget, input.path),
    progress: new ReadProgress({ onProgress: (fraction) => port.postMessage({ type: 'progress', fraction } satisfies FromReaderWorker) }),
  };
  try {
    const dataset = await read(input, ctx);
    port.postMessage({ type: 'done', dataset } satisfies FromReaderWorker, buffersOf(dataset));
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    port.postMessage({
      type: 'fail', inputError: e instanceof InputError, file: e instanceof InputError ? e.file : input.path,
      message: e instanceof InputError ? err.message.slice(e.file.length + 2) : `${err.name}: ${err.message}`,
    } satisfies FromReaderWorker);
  }
}

/**
 * Caps wasm heaps that grow through JS (emscripten's resize: h5wasm) for the read in progress. HDF5
 * was measured growing its heap to ~1.3 GB on a damaged string dataset before aborting; refused
 * growth makes its allocation fail instead (emscripten catches the exception and reports failure).
 * Only this thread's memories are affected.
 */
let wasmHeapCap = Number.POSITIVE_INFINITY;
interface WasmMemory { readonly buffer: ArrayBuffer; grow(delta: number): number }
const memoryProto = (globalThis as unknown as { WebAssembly: { Memory: { prototype: WasmMemory } } }).WebAssembly.Memory.prototype;
const grow = memoryProto.grow;
memoryProto.grow = function capped(this: WasmMemory, delta: number): number {
  if (this.buffer.byteLength + delta * 65536 > wasmHeapCap) throw new RangeError(`wasm heap capped at ${wasmHeapCap} bytes for this read`);
  return grow.call(this, delta);
};

setAnnounceListener((what, bytes) => port.postMessage({ type: 'announce', what, bytes } satisfies FromReaderWorker));
port.on('message', (m: { readonly type: 'read'; readonly input: ReaderWorkerInput }) => void serve(m.input));
