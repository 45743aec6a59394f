/**
 * Node adapter: opens a path, detects the format from its content (magic bytes; a directory is a
 * 10x matrix folder) and dispatches to the reader. Every problem with the input surfaces as an
 * InputError naming the file and the problem.
 */
import fs from 'node:fs';
import { matrixArraysShared } from '../compute/matrix-arrays.js';
import { InputError } from '../errors.js';
import type { CancelToken } from '../pipeline/progress.js';
import { MemoryBudget } from './budget.js';
import { machineMemoryBudget } from './machine-budget.js';
import { readDelimitedStream } from './csv.js';
import type { AnnotatedDataset } from './features.js';
import { fileChunks, readHead, type ByteCounter } from './file-source.js';
import { DEFAULT_GUNZIP_LIMITS, gunzipStream, gunzipToBuffer } from './gzip.js';
import type { Hdf5Options } from './h5-file.js';
import { ReadProgress, type ReadContext, type ReadControl } from './read-control.js';
import { describeFormat, SNIFF_BYTES, sniffBytes, type SniffedFormat } from './sniff.js';
import { readMtxFile, readTenxFolder } from './tenx-mtx.js';
import type { ThreadFormat } from './reader-worker.js';
import { readInThread, wasmHeapFor } from './thread-read.js';

export interface ReadOptions {
  /** CSV/TSV/Arrow/Parquet wide tables: columns that are metadata even when numeric (`--obs`). */
  readonly obsColumns?: readonly string[];
  /** .h5ad: read `layers/<layer>` instead of X. */
  readonly layer?: string;
  /** .h5ad: read raw/X (and raw var names) instead of X. */
  readonly useRaw?: boolean;
  /** 10x .h5 (Cell Ranger 1/2) or folder with several genomes: which genome to read. */
  readonly genome?: string;
  /**
   * Most bytes the read may allocate (`--memory-budget`); hosts pass it (default: half the
   * machine's memory, `machineMemoryBudget()`). Sizes a file declares are checked against it
   * before allocating.
   */
  readonly memoryBudget?: number;
  /** 0..1 as the input is read (bytes for text, batches/row groups/blocks otherwise). */
  readonly onProgress?: (fraction: number) => void;
  /** Cancels the read (it then rejects with CancelledError). */
  readonly cancel?: CancelToken;
}

function statOrThrow(path: string): fs.Stats {
  try {
    return fs.statSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new InputError(path, 'no such file or directory');
    if (code === 'EACCES' || code === 'EPERM') throw new InputError(path, 'permission denied');
    throw new InputError(path, `cannot access it (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** The first decompressed bytes of a gzip file, enough to sniff what is inside. */
async function gzipHead(path: string): Promise<Uint8Array> {
  const it = gunzipStream(fileChunks(path, undefined, 64 * 1024), path);
  try {
    const first = await it.next();
    return first.done ? new Uint8Array(0) : first.value.subarray(0, SNIFF_BYTES);
  } finally {
    await it.return(undefined);
  }
}

function hdf5Options(o: ReadOptions): Hdf5Options {
  return { ...(o.layer !== undefined ? { layer: o.layer } : {}), ...(o.useRaw !== undefined ? { useRaw: o.useRaw } : {}), ...(o.genome !== undefined ? { genome: o.genome } : {}) };
}

function unsupportedCompression(path: string, what: SniffedFormat): InputError {
  return new InputError(path, `${describeFormat(what)}: decompress it first (only gzip is read directly)`);
}

/** Reads delimited text from the file (plain or gzip), chunk by chunk, with progress over the file's bytes. */
function readText(path: string, size: number, gz: boolean, tableOptions: { obsColumns?: readonly string[] }, ctx: ReadContext): Promise<AnnotatedDataset> {
  const counter: ByteCounter = { bytes: 0 };
  const raw = fileChunks(path, counter);
  return readDelimitedStream(gz ? gunzipStream(raw, path) : raw, path, {
    ...tableOptions,
    budget: ctx.budget,
    ...(gz ? {} : { sizeHint: size }),
    afterChunk: () => ctx.progress.step(counter.bytes / size),
  });
}

/** Reads any supported single-cell matrix file or 10x folder. */
export async function openDataset(path: string, options: ReadOptions = {}): Promise<AnnotatedDataset> {
  const control: ReadControl = { ...(options.onProgress ? { onProgress: options.onProgress } : {}), ...(options.cancel ? { cancel: options.cancel } : {}) };
  const ctx: ReadContext = { budget: new MemoryBudget(options.memoryBudget ?? machineMemoryBudget(), path), progress: new ReadProgress(control) };
  const st = statOrThrow(path);
  if (st.isDirectory()) return readTenxFolder(path, options.genome !== undefined ? { genome: options.genome } : {}, ctx);
  if (!st.isFile()) throw new InputError(path, 'not a regular file or directory');
  if (st.size === 0) throw new InputError(path, 'the file is empty');
  const head = readHead(path, SNIFF_BYTES);
  const kind = sniffBytes(head);
  const tableOptions = options.obsColumns ? { obsColumns: options.obsColumns } : {};
  // binary formats are decoded in a worker thread under a watchdog: their libraries can hang, abort
  // or panic on damaged files (thread-read.ts)
  const inThread = (format: ThreadFormat, bytes?: Uint8Array): Promise<AnnotatedDataset> => {
    const budget = ctx.budget.limitBytes - (bytes?.length ?? 0);
    const readerOptions = format === 'hdf5' ? hdf5Options(options) : tableOptions;
    return readInThread({ format, path, ...(bytes ? { bytes } : {}), options: readerOptions, budget, wasmHeapBytes: wasmHeapFor(budget), sharedArrays: matrixArraysShared() }, ctx, control);
  };
  switch (kind) {
    case 'hdf5':
      return inThread('hdf5');
    case 'arrow-file':
    case 'arrow-stream':
      return inThread('arrow');
    case 'parquet':
      return inThread('parquet');
    case 'mtx':
      return readMtxFile(path, ctx);
    case 'gzip': {
      const inner = sniffBytes(await gzipHead(path));
      if (inner === 'mtx') return readMtxFile(path, ctx); // streamed: never the whole text in memory
      if (inner === 'empty') throw new InputError(path, 'the gzip data decompresses to nothing');
      if (inner === 'hdf5') throw new InputError(path, 'a gzip-compressed HDF5 file: decompress it first (gunzip), then open the .h5ad/.h5');
      if (inner === 'text' || inner === 'utf16-text') return readText(path, st.size, true, tableOptions, ctx);
      if (inner === 'arrow-file' || inner === 'arrow-stream' || inner === 'parquet') {
        // these formats need random access: decompressed into memory (at most half the budget, the
        // reader gets the rest), within the ratio cap
        const limits = { ...DEFAULT_GUNZIP_LIMITS, maxBytes: Math.min(ctx.budget.limitBytes / 2, 2 ** 31 - 1) };
        const plain = await gunzipToBuffer(fileChunks(path), path, limits);
        return inThread(inner === 'parquet' ? 'parquet' : 'arrow', plain);
      }
      throw new InputError(path, `gzip-compressed ${describeFormat(inner)}: not a supported format`);
    }
    case 'utf16-text':
    case 'text':
      // csv.ts decodes UTF-8 (with or without BOM) and UTF-16 LE/BE with a BOM
      return readText(path, st.size, false, tableOptions, ctx);
    case 'zstd':
    case 'bzip2':
    case 'zip':
      throw unsupportedCompression(path, kind);
    case 'empty':
      throw new InputError(path, 'the file is empty');
    case 'binary':
    default:
      throw new InputError(path, 'unrecognised binary format: expected .h5ad, 10x .h5, Arrow/Feather, Parquet, MatrixMarket (.mtx) or CSV/TSV');
  }
}
