/**
 * Thin, typed layer over h5wasm (Node build) shared by the .h5ad and 10x .h5 readers:
 * opening with clear errors, a filter check before every dataset read, and conversions of what
 * h5wasm returns (typed arrays incl. BigInt64Array, strings, nested arrays) to plain typed arrays.
 */
import fs from 'node:fs';
import h5wasm, { Module as h5Module } from 'h5wasm/node';
import type { Dataset as H5Dataset, Entity, File as H5File, Group as H5Group, OutputData } from 'h5wasm/node';
import { InputError } from '../errors.js';
import { hdf5SignatureOffset } from './sniff.js';

export type { H5Dataset, H5File, H5Group };

/** HDF5 filters h5wasm decodes correctly: deflate(1), shuffle(2), fletcher32(3), nbit(5), scaleoffset(6). */
export const SUPPORTED_FILTERS: ReadonlyMap<number, string> = new Map([
  [1, 'gzip'], [2, 'shuffle'], [3, 'fletcher32'], [5, 'nbit'], [6, 'scaleoffset'],
]);
const KNOWN_FILTER_NAMES: ReadonlyMap<number, string> = new Map([
  [4, 'szip'], [32000, 'LZF'], [32001, 'blosc'], [32004, 'LZ4'], [32008, 'bitshuffle'], [32015, 'zstd'], [32026, 'blosc2'],
]);

/** Reads the end-of-file address from an HDF5 superblock (v0–v3); null when it cannot. */
export function hdf5DeclaredEof(head: Uint8Array): { base: number; eof: number } | null {
  const at = hdf5SignatureOffset(head);
  if (at < 0 || head.length < at + 64) return null;
  const v = head[at + 8]!;
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const readAddr = (off: number, size: number): number => {
    if (size === 8) return Number(dv.getBigUint64(off, true));
    if (size === 4) return dv.getUint32(off, true);
    return NaN;
  };
  if (v === 0 || v === 1) {
    const sizeOfOffsets = head[at + 13]!;
    const baseOff = at + 24 + (v === 1 ? 4 : 0);
    const base = readAddr(baseOff, sizeOfOffsets);
    const eof = readAddr(baseOff + 2 * sizeOfOffsets, sizeOfOffsets);
    return Number.isFinite(eof) ? { base, eof } : null;
  }
  if (v === 2 || v === 3) {
    const sizeOfOffsets = head[at + 9]!;
    const base = readAddr(at + 12, sizeOfOffsets);
    const eof = readAddr(at + 12 + 2 * sizeOfOffsets, sizeOfOffsets);
    return Number.isFinite(eof) ? { base, eof } : null;
  }
  return null;
}

/**
 * Runs `fn` with HDF5's throwing error handler. By default h5wasm only prints HDF5 errors to stderr
 * and returns whatever is in the buffer (zeros, garbage) when a read fails, e.g. on a corrupt gzip
 * chunk; with this handler the failure becomes a JS exception. Measured here: the library stays
 * usable after such an exception (further reads and other files work).
 */
export function withHdf5Errors<T>(fn: () => T): T {
  h5Module.activate_throwing_error_handler();
  try {
    return fn();
  } finally {
    h5Module.deactivate_throwing_error_handler();
  }
}

/** A one-line summary of an HDF5 error stack ("Read failed; Filter operation failed"). */
export function hdf5ErrorSummary(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (/Aborted\(/.test(msg)) return 'the HDF5 library aborted';
  const minors = Array.from(new Set(Array.from(msg.matchAll(/minor:\s*(.+)/g), (m) => m[1]!.trim())));
  if (minors.length) return minors.slice(-3).join('; ');
  return msg.split('\n')[0]!.slice(0, 200);
}

/** True for the exceptions `withHdf5Errors` produces (the HDF5 error stack as text). */
export function isHdf5Error(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : typeof e === 'string' ? e : '';
  return /HDF5-DIAG|Aborted\(/.test(msg);
}

/**
 * Converts a failure while reading an HDF5 file into an InputError about `path` (cancellation passes
 * through). h5wasm raises plain Errors (and TypeErrors on nonsense metadata) for damaged files, so
 * anything that escapes the readers is reported as a problem with the file, with its original text.
 */
export function asInputError(e: unknown, path: string): never {
  if (e instanceof InputError || (e instanceof Error && e.name === 'CancelledError')) throw e;
  if (isHdf5Error(e)) throw new InputError(path, `HDF5 read failed (${hdf5ErrorSummary(e)}): the file is corrupt or truncated`);
  const what = e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]!.slice(0, 200)}` : String(e).slice(0, 200);
  throw new InputError(path, `could not read the HDF5 content (${what}): the file is corrupt`);
}

/** Opens an HDF5 file read-only; checks signature and declared size first for clear messages. */
export async function openH5(path: string): Promise<H5File> {
  await h5wasm.ready;
  const size = fs.statSync(path).size;
  const head = new Uint8Array(Math.min(size, 4096));
  const fd = fs.openSync(path, 'r');
  try { fs.readSync(fd, head, 0, head.length, 0); } finally { fs.closeSync(fd); }
  if (size === 0) throw new InputError(path, 'the file is empty');
  if (hdf5SignatureOffset(head) < 0) throw new InputError(path, 'not an HDF5 file (the HDF5 signature is missing)');
  const decl = hdf5DeclaredEof(head);
  if (decl && decl.eof !== 0xffffffff && Number.isFinite(decl.eof) && size < decl.base + decl.eof && decl.eof < 2 ** 53) {
    throw new InputError(path, `truncated HDF5 file: it has ${size} bytes but its superblock says ${decl.base + decl.eof} (copy or download it again)`);
  }
  try {
    return withHdf5Errors(() => new h5wasm.File(path, 'r'));
  } catch (e) {
    throw new InputError(path, `HDF5 library could not open it (${hdf5ErrorSummary(e)}): the file is corrupt or truncated`);
  }
}

export function isDataset(e: Entity | null): e is H5Dataset {
  return e instanceof h5wasm.Dataset;
}

export function isGroup(e: Entity | null): e is H5Group {
  return e instanceof h5wasm.Group;
}

/** `group.get` that returns null instead of throwing for a missing path. */
export function getEntity(g: H5Group, name: string): Entity | null {
  try {
    return lookup(g, name);
  } catch {
    return null;
  }
}

function lookup(g: H5Group, name: string): Entity | null {
  {
    const parts = name.split('/').filter((p) => p.length > 0);
    let cur: H5Group = g;
    for (let i = 0; i < parts.length; i++) {
      if (!cur.keys().includes(parts[i]!)) return null;
      const next = cur.get(parts[i]!);
      if (i === parts.length - 1) return next;
      if (!isGroup(next)) return null;
      cur = next;
    }
    return cur;
  }
}

/** A dataset's filter pipeline; a pipeline that cannot be read is an InputError, never "no filters". */
export function filtersOf(ds: H5Dataset, file: string): { id: number; name: string }[] {
  let filters: unknown;
  try {
    filters = ds.filters;
  } catch (e) {
    throw new InputError(file, `could not read the filter pipeline of dataset ${ds.path} (${hdf5ErrorSummary(e)}): the file is corrupt`);
  }
  if (!Array.isArray(filters) || !filters.every((f) => f && typeof (f as { id?: unknown }).id === 'number')) {
    throw new InputError(file, `dataset ${ds.path} has an unreadable filter pipeline: the file is corrupt`);
  }
  return filters as { id: number; name: string }[];
}

/** Refuses datasets whose filters h5wasm cannot decode (it returns garbage for LZF without an error). */
export function checkFilters(ds: H5Dataset, file: string): void {
  for (const f of filtersOf(ds, file)) {
    if (SUPPORTED_FILTERS.has(f.id)) continue;
    const name = KNOWN_FILTER_NAMES.get(f.id) ?? (f.name || 'unknown');
    throw new InputError(
      file,
      `dataset ${ds.path} uses HDF5 filter ${f.id} (${name}), which this reader cannot decode; ` +
        `re-save the file with compression='gzip' (e.g. in Python: adata.write_h5ad(path, compression='gzip'))`,
    );
  }
}

export function requireDataset(g: H5Group, name: string, file: string): H5Dataset {
  const e = getEntity(g, name);
  if (!isDataset(e)) throw new InputError(file, `missing dataset ${joinPath(g.path, name)}`);
  return e;
}

export function joinPath(base: string, name: string): string {
  return base === '/' || base === '' ? `/${name}` : `${base}/${name}`;
}

type NumericArray = ArrayLike<number> | ArrayLike<bigint>;

function asNumericArray(v: OutputData, what: string, file: string): NumericArray {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return v as unknown as NumericArray;
  if (typeof v === 'number' || typeof v === 'bigint') return [v] as NumericArray;
  if (typeof v === 'boolean') return [v ? 1 : 0];
  if (Array.isArray(v)) {
    const out = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (typeof x === 'number') out[i] = x;
      else if (typeof x === 'bigint') out[i] = Number(x);
      else if (typeof x === 'boolean') out[i] = x ? 1 : 0;
      else throw new InputError(file, `${what} is not numeric`);
    }
    return out;
  }
  throw new InputError(file, `${what} is not numeric`);
}

export function toFloat64(v: OutputData, what: string, file: string): Float64Array {
  const a = asNumericArray(v, what, file);
  if (a instanceof Float64Array) return a;
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Number(a[i]);
  return out;
}

/** Integer data (indices, indptr, codes) as Float64Array so int64 beyond 2^31 is still exact. */
export function toIndexArray(v: OutputData, what: string, file: string): Float64Array {
  return toFloat64(v, what, file);
}

export function toStrings(v: OutputData, what: string, file: string): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : String(x)));
  if (ArrayBuffer.isView(v)) {
    const a = v as unknown as ArrayLike<number | bigint>;
    return Array.from({ length: a.length }, (_, i) => String(a[i]));
  }
  throw new InputError(file, `${what} is not a list of strings`);
}

/**
 * An attribute's value (null for an empty one, i.e. a null dataspace), undefined when absent. A read
 * that fails is an InputError naming the attribute, never an empty value. Not under withHdf5Errors:
 * a throwing handler inside h5wasm's attribute path aborts the wasm module (measured on a corrupted
 * file), so failures are caught as the exceptions h5wasm raises itself.
 */
export function attrValue(obj: H5Group | H5Dataset, name: string, file = ''): OutputData | null | undefined {
  try {
    const names = Object.keys(obj.attrs);
    if (!names.includes(name)) return undefined;
    return obj.attrs[name]!.value;
  } catch (e) {
    throw new InputError(file || obj.path, `could not read attribute '${name}' of ${obj.path} (${hdf5ErrorSummary(e)}): the file is corrupt`);
  }
}

/** An attribute as a string (string arrays joined by ","), or undefined when absent. */
export function attrString(obj: H5Group | H5Dataset, name: string, file = ''): string | undefined {
  const v = attrValue(obj, name, file);
  if (v === undefined) return undefined;
  if (v === null) return undefined;
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return (v as string[]).join(',');
  return String(v);
}

/** An attribute as a list of strings (`column-order` is a string array, or an empty float array). */
export function attrStrings(obj: H5Group | H5Dataset, name: string, file = ''): string[] | undefined {
  const v = attrValue(obj, name, file);
  if (v === undefined) return undefined;
  if (v === null) return [];
  if (typeof v === 'string') return v.length ? [v] : [];
  if (Array.isArray(v)) return v.map((x) => String(x));
  if (ArrayBuffer.isView(v)) return (v as unknown as ArrayLike<number>).length === 0 ? [] : Array.from(v as unknown as ArrayLike<number>, String);
  return [String(v)];
}

/** An attribute as numbers (e.g. `shape`), or undefined. */
export function attrNumbers(obj: H5Group | H5Dataset, name: string, file = ''): number[] | undefined {
  const v = attrValue(obj, name, file);
  if (v === undefined) return undefined;
  if (v === null) return undefined;
  if (typeof v === 'number' || typeof v === 'bigint') return [Number(v)];
  if (typeof v === 'boolean') return [v ? 1 : 0];
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number | bigint>, (x) => Number(x));
  if (Array.isArray(v)) return v.map((x) => Number(x));
  if (typeof v === 'string') return v.split(',').map((s) => Number(s));
  return undefined;
}

export function closeQuietly(f: H5File): void {
  try { f.close(); } catch { /* already closed */ }
}
