/**
 * Hostile input files, built at test time: each is small on disk and lies about a size or never
 * ends a quote, to check that readers refuse it quickly and without large allocations.
 * Used by test/unit/io-bounds.test.ts (in process) and test/integration/cli-hostile.test.ts (CLI).
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import h5wasm, { type File as H5File } from 'h5wasm/node';
import { CompressionType, compressionRegistry, RecordBatchFileWriter, tableFromArrays } from 'apache-arrow';
import lz4 from 'lz4js';

export interface HostileFile {
  readonly name: string;
  readonly path: string;
  /** What the refusal must say (besides naming the file). */
  readonly expect: RegExp;
}

/** A ~600 KB CSV whose second line opens a quote that never closes. */
export function unclosedQuoteCsv(path: string): HostileFile {
  const rows = ['cell_id,g1,g2', 'c1,"1,2'];
  for (let i = 2; rows.join('\n').length < 600_000 && i < 1e6; i++) {
    for (let k = 0; k < 1000; k++) rows.push(`c${i}_${k},${k % 7},${k % 5}`);
  }
  fs.writeFileSync(path, rows.join('\n') + '\n');
  return { name: 'unclosed quote', path, expect: /line 2: a quoted field opened on this line is never closed/ };
}

function dataframe(f: H5File, name: string, ids: string[]): void {
  const g = f.create_group(name);
  g.create_attribute('encoding-type', 'dataframe');
  g.create_attribute('encoding-version', '0.2.0');
  g.create_attribute('_index', '_index');
  g.create_dataset({ name: '_index', data: ids });
}

/** A new AnnData file (current layout: root encoding attributes) with a sparse X claiming `shape`. */
async function anndataWithSparseX(path: string, encoding: 'csr_matrix' | 'csc_matrix', shape: [number, number], data: Float32Array, indices: Int32Array, indptr: Int32Array): Promise<H5File> {
  await h5wasm.ready;
  const f = new h5wasm.File(path, 'w');
  f.create_attribute('encoding-type', 'anndata');
  f.create_attribute('encoding-version', '0.1.0');
  const x = f.create_group('X');
  x.create_attribute('encoding-type', encoding);
  x.create_attribute('encoding-version', '0.1.0');
  x.create_attribute('shape', Int32Array.from(shape));
  x.create_dataset({ name: 'data', data });
  x.create_dataset({ name: 'indices', data: indices });
  x.create_dataset({ name: 'indptr', data: indptr });
  return f;
}

/** An .h5ad whose CSC X claims 500,000,000 rows while its arrays hold 100 entries (obs has 100 cells). */
export async function lyingCscH5ad(path: string): Promise<HostileFile> {
  const f = await anndataWithSparseX(
    path, 'csc_matrix', [500_000_000, 10],
    Float32Array.from({ length: 100 }, (_, i) => i + 1), Int32Array.from({ length: 100 }, (_, i) => i), Int32Array.from({ length: 11 }, (_, j) => j * 10),
  );
  dataframe(f, 'obs', Array.from({ length: 100 }, (_, i) => `c${i}`));
  dataframe(f, 'var', Array.from({ length: 10 }, (_, j) => `g${j}`));
  f.close();
  return { name: 'CSC shape claims 500,000,000 rows', path, expect: /obs has 100 rows but X has 500000000 rows/ };
}

/** An .h5ad whose obs index and CSR X both claim 500,000,000 rows: the index dataset is never written. */
export async function lyingObsH5ad(path: string): Promise<HostileFile> {
  await h5wasm.ready;
  const f = new h5wasm.File(path, 'w');
  f.create_attribute('encoding-type', 'anndata');
  const x = f.create_group('X');
  x.create_attribute('encoding-type', 'csr_matrix');
  x.create_attribute('shape', Int32Array.from([500_000_000, 10]));
  x.create_dataset({ name: 'data', data: Float32Array.from([1, 2]) });
  x.create_dataset({ name: 'indices', data: Int32Array.from([0, 1]) });
  x.create_dataset({ name: 'indptr', data: Int32Array.from([0, 2]) });
  const obs = f.create_group('obs');
  obs.create_attribute('encoding-type', 'dataframe');
  obs.create_attribute('_index', '_index');
  // chunked and resized: the dataspace claims 5e8 entries, no chunk is ever written
  const idx = obs.create_dataset({ name: '_index', data: new Uint8Array(1), maxshape: [null], chunks: [1024] });
  idx.resize([500_000_000]);
  dataframe(f, 'var', Array.from({ length: 10 }, (_, j) => `g${j}`));
  f.close();
  return { name: 'obs index claims 500,000,000 rows', path, expect: /declares shape \[500000000\].*more than this .* file can hold|indptr has 2 entries/ };
}

/** An .h5ad whose dense X claims 100,000 × 100,000 float32 (40 GB), stored as unallocated gzip chunks. */
export async function unallocatedDenseH5ad(path: string): Promise<HostileFile> {
  await h5wasm.ready;
  const f = new h5wasm.File(path, 'w');
  f.create_attribute('encoding-type', 'anndata');
  const x = f.create_dataset({ name: 'X', data: new Float32Array(1), shape: [1, 1], maxshape: [null, null], chunks: [1000, 1000], compression: 'gzip' });
  x.resize([100_000, 100_000]);
  dataframe(f, 'obs', Array.from({ length: 100_000 }, (_, i) => `c${i}`));
  dataframe(f, 'var', Array.from({ length: 100_000 }, (_, j) => `g${j}`));
  f.close();
  return { name: '40 GB dense X in unallocated chunks', path, expect: /dataset \/X declares shape \[100000, 100000\] .* more than this .* file can hold even gzip-compressed|memory budget/ };
}

/** A ~4 MB .csv.gz that inflates to 4 GiB (64 copies of one gzip member of 64 MiB of "0,0\n"). */
export function gzipBomb(path: string): HostileFile {
  const head = zlib.gzipSync('cell_id,g1\n');
  const member = zlib.gzipSync(Buffer.alloc(64 * 2 ** 20, '0,0\n'), { level: 9 });
  const fd = fs.openSync(path, 'w');
  fs.writeSync(fd, head);
  for (let i = 0; i < 64; i++) fs.writeSync(fd, member);
  fs.closeSync(fd);
  return { name: 'gzip bomb (4 GiB from ~4 MB)', path, expect: /inflates more than \d+-fold/ };
}

/** lz4js's frame for `d`, with a content-size field claiming `claimed` bytes inserted into its header. */
function lyingLz4Frame(d: Uint8Array, claimed: number): Uint8Array {
  const real = Uint8Array.from(lz4.compress(d));
  const out = new Uint8Array(real.length + 8);
  out.set(real.subarray(0, 6), 0); // magic, FLG, BD
  out[4] = out[4]! | 0x08; // content size present
  const dv = new DataView(out.buffer);
  dv.setUint32(6, claimed % 2 ** 32, true);
  dv.setUint32(10, Math.floor(claimed / 2 ** 32), true);
  out.set(real.subarray(6), 14); // header checksum byte (not verified here) and the blocks
  return out;
}

/** An Arrow IPC file with LZ4_FRAME buffers whose frames claim 4 GiB of content each. */
export function lz4ClaimArrow(path: string, claimed = 4 * 2 ** 30): HostileFile {
  const saved = compressionRegistry.get(CompressionType.LZ4_FRAME);
  compressionRegistry.set(CompressionType.LZ4_FRAME, { encode: (d: Uint8Array) => lyingLz4Frame(d, claimed), decode: (d: Uint8Array) => d });
  try {
    const n = 4096; // zeros compress well, so the writer keeps the (lying) compressed frames
    const table = tableFromArrays({ g1: new Float32Array(n), g2: new Float32Array(n) });
    const bytes = RecordBatchFileWriter.writeAll(table, { compressionType: CompressionType.LZ4_FRAME } as never).toUint8Array(true);
    fs.writeFileSync(path, bytes);
  } finally {
    compressionRegistry.set(CompressionType.LZ4_FRAME, saved ?? { decode: (d: Uint8Array) => d });
  }
  return { name: 'Arrow LZ4 frame claims 4 GiB', path, expect: /LZ4 data: the frame claims 4294967296 bytes/ };
}

/** A zstd frame (RFC 8878) of one RLE block of `n` bytes whose header claims `claimed` bytes of content. */
function lyingZstdFrame(n: number, claimed: number): Uint8Array {
  const h = 1 | (1 << 1) | (n << 3); // last block, RLE, size n
  return Uint8Array.from([
    0x28, 0xb5, 0x2f, 0xfd, 0x80 | 0x20, // magic; FCS 4 bytes, single segment
    claimed & 255, (claimed >>> 8) & 255, (claimed >>> 16) & 255, (claimed >>> 24) & 255,
    h & 255, (h >>> 8) & 255, (h >>> 16) & 255, 0,
  ]);
}

/** An Arrow IPC file with ZSTD buffers whose frames claim 4 GiB − 1 of content each (the zeros really fit in one RLE block). */
export function zstdClaimArrow(path: string, claimed = 2 ** 32 - 1): HostileFile {
  const saved = compressionRegistry.get(CompressionType.ZSTD);
  compressionRegistry.set(CompressionType.ZSTD, { encode: (d: Uint8Array) => lyingZstdFrame(d.length, claimed), decode: (d: Uint8Array) => d });
  try {
    const n = 4096;
    const table = tableFromArrays({ g1: new Float32Array(n), g2: new Float32Array(n) });
    const bytes = RecordBatchFileWriter.writeAll(table, { compressionType: CompressionType.ZSTD } as never).toUint8Array(true);
    fs.writeFileSync(path, bytes);
  } finally {
    compressionRegistry.set(CompressionType.ZSTD, saved ?? { decode: (d: Uint8Array) => d });
  }
  return { name: 'Arrow ZSTD frame claims 4 GiB', path, expect: /ZSTD data: a frame asks for a 4294967295-byte window/ };
}

/** An .h5ad (100 cells × 10 genes, CSR) whose obsm/X_pca claims 500,000,000 columns (200 GB), stored as unallocated gzip chunks. */
export async function lyingObsmH5ad(path: string): Promise<HostileFile> {
  const f = await anndataWithSparseX(
    path, 'csr_matrix', [100, 10],
    Float32Array.from({ length: 100 }, (_, i) => i + 1), Int32Array.from({ length: 100 }, (_, i) => i % 10), Int32Array.from({ length: 101 }, (_, i) => i),
  );
  dataframe(f, 'obs', Array.from({ length: 100 }, (_, i) => `c${i}`));
  dataframe(f, 'var', Array.from({ length: 10 }, (_, j) => `g${j}`));
  const obsm = f.create_group('obsm');
  const pca = obsm.create_dataset({ name: 'X_pca', data: new Float32Array(1), shape: [1, 1], maxshape: [null, null], chunks: [100, 1000], compression: 'gzip' });
  pca.resize([100, 500_000_000]);
  f.close();
  return { name: 'obsm claims 500,000,000 columns', path, expect: /dataset \/obsm\/X_pca declares shape \[100, 500000000\] \(200 GB\)|\/obsm\/X_pca .*memory budget/ };
}

/** A MatrixMarket file whose header claims 10^12 entries over a 10^6 × 10^6 matrix. */
export function mtxClaimingTrillion(path: string): HostileFile {
  fs.writeFileSync(path, '%%MatrixMarket matrix coordinate integer general\n1000000 1000000 1000000000000\n1 1 1\n2 2 2\n');
  return { name: 'MTX header claims 10^12 entries', path, expect: /claims 1000000000000 entries|1000000000000 entries is more than/ };
}
