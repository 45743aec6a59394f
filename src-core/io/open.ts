/**
 * Node adapter: opens a path, detects the format from its content (magic bytes; a directory is a
 * 10x matrix folder) and dispatches to the reader. Every problem with the input surfaces as an
 * InputError naming the file and the problem.
 */
import fs from 'node:fs';
import { InputError } from '../errors.js';
import { readDelimited } from './csv.js';
import type { AnnotatedDataset } from './features.js';
import { readArrow } from './arrow.js';
import { gunzipAll, gunzipChunks } from './gzip.js';
import { asInputError, closeQuietly, openH5 } from './h5.js';
import { readOpenH5ad } from './h5ad.js';
import { readParquet } from './parquet.js';
import { describeFormat, SNIFF_BYTES, sniffBytes, type SniffedFormat } from './sniff.js';
import { isTenxH5, readOpenTenxH5 } from './tenx-h5.js';
import { readMtxFile, readTenxFolder } from './tenx-mtx.js';

export interface ReadOptions {
  /** CSV/TSV/Arrow/Parquet wide tables: columns that are metadata even when numeric (`--obs`). */
  readonly obsColumns?: readonly string[];
  /** .h5ad: read `layers/<layer>` instead of X. */
  readonly layer?: string;
  /** .h5ad: read raw/X (and raw var names) instead of X. */
  readonly useRaw?: boolean;
  /** 10x .h5 (Cell Ranger 1/2) or folder with several genomes: which genome to read. */
  readonly genome?: string;
}

/** Largest decompressed size accepted for a gzip-compressed table read whole (CSV, Arrow, Parquet). */
const MAX_GUNZIP_BYTES = 2 ** 31 - 1;

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

function readBytes(path: string): Uint8Array {
  try {
    const b = fs.readFileSync(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw new InputError(path, `cannot read it (${e instanceof Error ? e.message : String(e)})`);
  }
}

function readHead(path: string, n: number): Uint8Array {
  const fd = fs.openSync(path, 'r');
  try {
    const head = new Uint8Array(n);
    const got = fs.readSync(fd, head, 0, n, 0);
    return head.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}

/** The first decompressed bytes of gzip data, enough to sniff what is inside. */
async function gzipHead(bytes: Uint8Array, path: string): Promise<Uint8Array> {
  const it = gunzipChunks(bytes, path);
  try {
    const first = await it.next();
    return first.done ? new Uint8Array(0) : first.value.subarray(0, SNIFF_BYTES);
  } finally {
    await it.return(undefined);
  }
}

async function readHdf5(path: string, options: ReadOptions): Promise<AnnotatedDataset> {
  const f = await openH5(path);
  try {
    if (isTenxH5(f)) {
      const ds = readOpenTenxH5(f, path, options.genome !== undefined ? { genome: options.genome } : {});
      if (options.layer || options.useRaw) (ds.source.notes as string[]).push('layer/raw options ignored: they apply to .h5ad files');
      return ds;
    }
    return readOpenH5ad(f, path, options);
  } catch (e) {
    return asInputError(e, path);
  } finally {
    closeQuietly(f);
  }
}

function unsupportedCompression(path: string, what: SniffedFormat): InputError {
  return new InputError(path, `${describeFormat(what)}: decompress it first (only gzip is read directly)`);
}

/** Reads any supported single-cell matrix file or 10x folder. */
export async function openDataset(path: string, options: ReadOptions = {}): Promise<AnnotatedDataset> {
  const st = statOrThrow(path);
  if (st.isDirectory()) return readTenxFolder(path, options.genome !== undefined ? { genome: options.genome } : {});
  if (!st.isFile()) throw new InputError(path, 'not a regular file or directory');
  if (st.size === 0) throw new InputError(path, 'the file is empty');
  const head = readHead(path, SNIFF_BYTES);
  const kind = sniffBytes(head);
  if (kind === 'hdf5') return readHdf5(path, options);
  const bytes = readBytes(path);
  const tableOptions = options.obsColumns ? { obsColumns: options.obsColumns } : {};
  switch (kind) {
    case 'arrow-file':
    case 'arrow-stream':
      return readArrow(bytes, path, tableOptions);
    case 'parquet':
      return readParquet(bytes, path, tableOptions);
    case 'mtx':
      return readMtxFile(path, bytes);
    case 'gzip': {
      const inner = sniffBytes(await gzipHead(bytes, path));
      if (inner === 'mtx') return readMtxFile(path, bytes); // streamed: never the whole text in memory
      if (inner === 'empty') throw new InputError(path, 'the gzip data decompresses to nothing');
      if (inner === 'hdf5') throw new InputError(path, 'a gzip-compressed HDF5 file: decompress it first (gunzip), then open the .h5ad/.h5');
      const plain = gunzipAll(bytes, path, MAX_GUNZIP_BYTES);
      if (inner === 'arrow-file' || inner === 'arrow-stream') return readArrow(plain, path, tableOptions);
      if (inner === 'parquet') return readParquet(plain, path, tableOptions);
      if (inner === 'text' || inner === 'utf16-text') return readDelimited(plain, path, tableOptions);
      throw new InputError(path, `gzip-compressed ${describeFormat(inner)}: not a supported format`);
    }
    case 'utf16-text':
    case 'text':
      // csv.ts decodes UTF-8 (with or without BOM) and UTF-16 LE/BE with a BOM
      return readDelimited(bytes, path, tableOptions);
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
