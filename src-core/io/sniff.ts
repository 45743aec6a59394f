/**
 * Format detection from content (magic bytes), not from the file name.
 * `sniffBytes` looks at the first bytes of a file; `sniffFormat` adds the name only to break ties
 * that content cannot (there are none today: the name is used for messages only).
 */

export type SniffedFormat =
  | 'empty'
  | 'hdf5'
  | 'arrow-file'
  | 'arrow-stream'
  | 'parquet'
  | 'gzip'
  | 'zstd'
  | 'bzip2'
  | 'zip'
  | 'mtx'
  | 'utf16-text'
  | 'text'
  | 'binary';

/** Bytes `sniffBytes` wants to see (more is fine, fewer works for short files). */
export const SNIFF_BYTES = 4096;

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const ARROW_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"
const PARQUET_MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1"

export function startsWith(bytes: Uint8Array, magic: readonly number[], at = 0): boolean {
  if (bytes.length < at + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[at + i] !== magic[i]) return false;
  return true;
}

export function endsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return startsWith(bytes, magic, bytes.length - magic.length);
}

/** HDF5 allows a user block of 512·2^k bytes before the superblock; returns its offset or -1. */
export function hdf5SignatureOffset(bytes: Uint8Array): number {
  for (let at = 0; at + 8 <= bytes.length; at = at === 0 ? 512 : at * 2) {
    if (startsWith(bytes, HDF5_MAGIC, at)) return at;
  }
  return -1;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function isArrowFile(bytes: Uint8Array): boolean {
  return startsWith(bytes, ARROW_MAGIC);
}

export function hasArrowFooter(bytes: Uint8Array): boolean {
  return endsWith(bytes, ARROW_MAGIC);
}

export function isParquet(bytes: Uint8Array): boolean {
  return startsWith(bytes, PARQUET_MAGIC);
}

export function hasParquetFooter(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && endsWith(bytes, PARQUET_MAGIC);
}

/** Arrow IPC stream: each message starts with the continuation marker 0xFFFFFFFF and a length. */
export function isArrowStream(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  if (!(bytes[0] === 0xff && bytes[1] === 0xff && bytes[2] === 0xff && bytes[3] === 0xff)) return false;
  const len = bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! << 24);
  return len > 0; // a schema message, not the bare end-of-stream marker
}

/** An Arrow stream written by a current writer ends with 0xFFFFFFFF 0x00000000. */
export function hasArrowEos(bytes: Uint8Array): boolean {
  return endsWith(bytes, [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
}

function looksLikeMatrixMarket(bytes: Uint8Array): boolean {
  const head = '%%MatrixMarket';
  if (bytes.length < head.length) return false;
  for (let i = 0; i < head.length; i++) {
    const c = bytes[i]!;
    const want = head.charCodeAt(i);
    // the banner is case-insensitive in practice (some writers emit %%matrixmarket)
    if (c !== want && (c | 0x20) !== (want | 0x20)) return false;
  }
  return true;
}

export function sniffBytes(bytes: Uint8Array): SniffedFormat {
  if (bytes.length === 0) return 'empty';
  if (hdf5SignatureOffset(bytes) >= 0) return 'hdf5';
  if (isArrowFile(bytes)) return 'arrow-file';
  if (isArrowStream(bytes)) return 'arrow-stream';
  if (isParquet(bytes)) return 'parquet';
  if (isGzip(bytes)) return 'gzip';
  if (startsWith(bytes, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd';
  if (startsWith(bytes, [0x42, 0x5a, 0x68])) return 'bzip2';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return 'utf16-text';
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3; // UTF-8 BOM
  if (looksLikeMatrixMarket(bytes.subarray(start))) return 'mtx';
  const n = Math.min(bytes.length, SNIFF_BYTES);
  for (let i = start; i < n; i++) {
    const c = bytes[i]!;
    if (c === 0) return 'binary';
  }
  return 'text';
}

/** Human name of a sniffed format, for messages. */
export function describeFormat(f: SniffedFormat): string {
  switch (f) {
    case 'empty': return 'an empty file';
    case 'hdf5': return 'HDF5 (.h5ad / 10x .h5)';
    case 'arrow-file': return 'Arrow IPC file / Feather v2';
    case 'arrow-stream': return 'Arrow IPC stream';
    case 'parquet': return 'Parquet';
    case 'gzip': return 'gzip-compressed data';
    case 'zstd': return 'zstd-compressed data';
    case 'bzip2': return 'bzip2-compressed data';
    case 'zip': return 'a zip archive';
    case 'mtx': return 'MatrixMarket';
    case 'utf16-text': return 'UTF-16 text';
    case 'text': return 'text (CSV/TSV)';
    case 'binary': return 'an unrecognised binary file';
  }
}
