/**
 * Bounded HDF5 dataset reads for the .h5ad and 10x .h5 readers. Before a byte is allocated, a
 * dataset's declared size (shape × element size, from its header) is checked against what the file
 * can hold (its bytes, times gzip's largest expansion when the dataset is deflated) and against the
 * read's memory budget. Large datasets are then read in blocks (hyperslabs) straight into the
 * caller's final arrays, so the wasm heap holds one block and the matrix exists once, never the
 * whole dataset twice (and datasets larger than h5wasm's 2 GiB heap can be read at all).
 */
import type { OutputData } from 'h5wasm/node';
import { InputError } from '../errors.js';
import { formatBytes } from './budget.js';
import { checkFilters, filtersOf, hdf5ErrorSummary, withHdf5Errors, type H5Dataset } from './h5.js';
import type { ReadContext } from './read-control.js';
import { announce } from './watchdog-hook.js';

/** gzip/deflate cannot expand data more than ~1032-fold. */
const DEFLATE_MAX_RATIO = 1032;
/** Elements per block for 1-D reads (16 MiB of float32). */
export const BLOCK_ELEMENTS = 1 << 22;
/** Bytes a JS string costs at least (for the budget of string datasets). */
const STRING_BYTES = 40;

export interface DatasetInfo {
  readonly path: string;
  readonly shape: readonly number[];
  /** Product of the shape. */
  readonly count: number;
  /** Bytes per element as stored (h5wasm's metadata.size). */
  readonly elementBytes: number;
  readonly isString: boolean;
  readonly isCompound: boolean;
}

const H5T_STRING = 3;
const H5T_COMPOUND = 6;

/** A dataset's header (shape, type, filters): small, read without touching its data. */
export function describeDataset(ds: H5Dataset, file: string): DatasetInfo {
  let meta: { shape?: number[] | null; size?: number; type?: number; vlen?: boolean };
  try {
    meta = ds.metadata as typeof meta;
  } catch (e) {
    throw new InputError(file, `could not read the header of dataset ${ds.path} (${hdf5ErrorSummary(e)}): the file is corrupt`);
  }
  const shape = meta.shape ?? [];
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new InputError(file, `dataset ${ds.path} declares an invalid shape [${String(shape)}]: the file is corrupt`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const elementBytes = typeof meta.size === 'number' && meta.size > 0 ? meta.size : 1;
  return { path: ds.path, shape, count, elementBytes, isString: meta.type === H5T_STRING, isCompound: meta.type === H5T_COMPOUND };
}

/**
 * Refuses a dataset whose declared size cannot come from this file: more bytes than the file has
 * (uncompressed), or more than deflate could expand it to. Also checks the filters (LZF etc.).
 */
export function checkDeclaredSize(ds: H5Dataset, info: DatasetInfo, fileSize: number, file: string): void {
  checkFilters(ds, file);
  const filters = filtersOf(ds, file);
  // variable-length strings store a ≥ 16-byte heap reference per element; count 4 to stay lenient
  const stored = info.count * (info.isString ? 4 : info.elementBytes);
  const ids = new Set(filters.map((f) => f.id));
  if (ids.has(5) || ids.has(6)) return; // nbit / scaleoffset: no simple bound on their expansion
  const ratio = ids.has(1) ? DEFLATE_MAX_RATIO : 1;
  if (stored > fileSize * ratio + (1 << 20)) {
    throw new InputError(
      file,
      `dataset ${ds.path} declares shape [${info.shape.join(', ')}] (${formatBytes(stored)}), more than this ${formatBytes(fileSize)} file can hold` +
        `${ratio > 1 ? ' even gzip-compressed' : ''}: the file is corrupt (or its data was never written)`,
    );
  }
}

/** Bytes the decoded values take in memory (strings estimated per element). */
export function memoryBytes(info: DatasetInfo): number {
  return info.count * (info.isString || info.isCompound ? Math.max(STRING_BYTES, info.elementBytes * 4) : Math.max(info.elementBytes, 4));
}

/** A dataset read whole, after the size checks and a budget check for its decoded size. */
export function readChecked(ds: H5Dataset, ctx: ReadContext, fileSize: number, file: string): OutputData {
  const info = describeDataset(ds, file);
  checkDeclaredSize(ds, info, fileSize, file);
  ctx.budget.check(memoryBytes(info) * 2, `dataset ${ds.path}`);
  return readRaw(ds, file, memoryBytes(info), () => ds.value);
}

function readRaw(ds: H5Dataset, file: string, bytes: number, fn: () => OutputData | null): OutputData {
  announce(ds.path, bytes); // the watchdog of the reader thread allows big reads more time
  let v: OutputData | null;
  try {
    v = withHdf5Errors(fn);
  } catch (e) {
    throw new InputError(file, `could not read dataset ${ds.path} (HDF5: ${hdf5ErrorSummary(e)}): the file is corrupt or truncated`);
  }
  if (v === null) throw new InputError(file, `dataset ${ds.path} has no value`);
  return v;
}

/** Elements [start, end) of a 1-D dataset (the caller has checked the declared size). */
export function readSlice1d(ds: H5Dataset, start: number, end: number, file: string): OutputData {
  return readRaw(ds, file, (end - start) * 8, () => ds.slice([[start, end]]));
}

/** Rows [r0, r1) of a 2-D dataset, all columns. */
export function readRows2d(ds: H5Dataset, r0: number, r1: number, file: string): OutputData {
  const cols = describeDataset(ds, file).shape[1] ?? 1;
  return readRaw(ds, file, (r1 - r0) * cols * 8, () => ds.slice([[r0, r1], []]));
}

type Numeric = ArrayLike<number> | ArrayLike<bigint>;

/** The values of a slice as numbers (BigInt64 → number; only numeric data is accepted). */
export function numericBlock(v: OutputData, what: string, file: string): Numeric {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return v as unknown as Numeric;
  throw new InputError(file, `${what} is not numeric`);
}

/** Reads a 1-D numeric dataset in blocks, calling `onBlock(values, start)` for each. */
export async function forEachBlock(
  ds: H5Dataset, length: number, file: string, ctx: ReadContext, fraction: (done: number) => number,
  onBlock: (values: Numeric, start: number) => void, blockElements = BLOCK_ELEMENTS,
): Promise<void> {
  for (let start = 0; start < length; start += blockElements) {
    const end = Math.min(length, start + blockElements);
    const v = numericBlock(readSlice1d(ds, start, end, file), ds.path, file);
    if (v.length !== end - start) throw new InputError(file, `dataset ${ds.path}: read ${v.length} values where ${end - start} were expected`);
    onBlock(v, start);
    await ctx.progress.step(fraction(end));
  }
}
