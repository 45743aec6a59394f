/**
 * Small seed files of every format the readers take, built deterministically at run time (the fuzz
 * harness mutates their bytes). Each is a few kB so that thousands of cases run in minutes:
 * CSV, TSV, CSV.gz, .h5ad (CSR + obs/var/obsm; dense gzip-chunked X + CSC layer), 10x .h5 (v3),
 * a 10x MatrixMarket folder, Arrow IPC file (plain, LZ4, ZSTD), Arrow stream, Parquet (wide and long).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import h5wasm, { type File as H5File } from 'h5wasm/node';
import {
  CompressionType, compressionRegistry, Dictionary, Float32, Int32, makeData, makeVector, Message, RecordBatchFileWriter, Table,
  tableFromArrays, tableToIPC, Utf8, vectorFromArray,
} from 'apache-arrow';
import { Footer } from 'apache-arrow/ipc/metadata/file';
import lz4 from 'lz4js';
import { decompress as zstdDecompress } from 'fzstd';
import * as parquet from 'parquet-wasm/node';

export interface Fixture {
  /** Format label used in reports. */
  readonly format: string;
  /** The path openDataset is given (a file, or the folder for 10x MTX). */
  readonly entry: string;
  /** Files whose bytes are mutated (one is picked per case); for plain files, [entry]. */
  readonly files: readonly string[];
}

const N_CELLS = 40;
const N_GENES = 12;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** A deterministic sparse count matrix (cells × genes, ~30 % non-zero), with names and metadata. */
function table(): { counts: Float32Array; cells: string[]; genes: string[]; group: string[]; time: number[] } {
  const r = rng(11);
  const counts = new Float32Array(N_CELLS * N_GENES);
  for (let k = 0; k < counts.length; k++) counts[k] = r() < 0.3 ? 1 + Math.floor(r() * 9) : 0;
  return {
    counts,
    cells: Array.from({ length: N_CELLS }, (_, i) => `AAAC${String(i).padStart(4, '0')}-1`),
    genes: Array.from({ length: N_GENES }, (_, j) => `Gene${j}`),
    group: Array.from({ length: N_CELLS }, (_, i) => ['alpha', 'beta, "b"', 'gamma'][i % 3]!),
    time: Array.from({ length: N_CELLS }, (_, i) => (i % 4) * 12),
  };
}

function csvText(delim: string): string {
  const t = table();
  const q = (s: string): string => (s.includes(delim) || s.includes('"') ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [['cell_id', ...t.genes, 'group', 'time'].join(delim)];
  for (let i = 0; i < N_CELLS; i++) {
    lines.push([t.cells[i]!, ...Array.from(t.counts.subarray(i * N_GENES, (i + 1) * N_GENES), String), q(t.group[i]!), String(t.time[i])].join(delim));
  }
  return lines.join('\n') + '\n';
}

/** CSR arrays of the table. */
function csr(): { data: Float32Array; indices: Int32Array; indptr: Int32Array } {
  const t = table();
  const data: number[] = [], indices: number[] = [], indptr = [0];
  for (let i = 0; i < N_CELLS; i++) {
    for (let j = 0; j < N_GENES; j++) { const v = t.counts[i * N_GENES + j]!; if (v) { data.push(v); indices.push(j); } }
    indptr.push(data.length);
  }
  return { data: Float32Array.from(data), indices: Int32Array.from(indices), indptr: Int32Array.from(indptr) };
}

/** CSC arrays (genes as columns) of the table. */
function csc(): { data: Float32Array; indices: Int32Array; indptr: Int32Array } {
  const t = table();
  const data: number[] = [], indices: number[] = [], indptr = [0];
  for (let j = 0; j < N_GENES; j++) {
    for (let i = 0; i < N_CELLS; i++) { const v = t.counts[i * N_GENES + j]!; if (v) { data.push(v); indices.push(i); } }
    indptr.push(data.length);
  }
  return { data: Float32Array.from(data), indices: Int32Array.from(indices), indptr: Int32Array.from(indptr) };
}

function dataframe(f: H5File, name: string, ids: string[], extra: (g: ReturnType<H5File['create_group']>) => void = () => undefined): void {
  const g = f.create_group(name);
  g.create_attribute('encoding-type', 'dataframe');
  g.create_attribute('encoding-version', '0.2.0');
  g.create_attribute('_index', '_index');
  g.create_dataset({ name: '_index', data: ids });
  extra(g);
}

function writeH5ad(file: string, dense: boolean): void {
  const t = table();
  const f = new h5wasm.File(file, 'w');
  f.create_attribute('encoding-type', 'anndata');
  f.create_attribute('encoding-version', '0.1.0');
  if (dense) {
    f.create_dataset({ name: 'X', data: t.counts, shape: [N_CELLS, N_GENES], chunks: [16, N_GENES], compression: 'gzip' });
    const layers = f.create_group('layers');
    const c = csc();
    const g = layers.create_group('counts');
    g.create_attribute('encoding-type', 'csc_matrix');
    g.create_attribute('shape', Int32Array.from([N_CELLS, N_GENES]));
    g.create_dataset({ name: 'data', data: c.data });
    g.create_dataset({ name: 'indices', data: c.indices });
    g.create_dataset({ name: 'indptr', data: c.indptr });
  } else {
    const c = csr();
    const g = f.create_group('X');
    g.create_attribute('encoding-type', 'csr_matrix');
    g.create_attribute('encoding-version', '0.1.0');
    g.create_attribute('shape', Int32Array.from([N_CELLS, N_GENES]));
    g.create_dataset({ name: 'data', data: c.data });
    g.create_dataset({ name: 'indices', data: c.indices });
    g.create_dataset({ name: 'indptr', data: BigInt64Array.from(c.indptr, (v) => BigInt(v)) });
  }
  dataframe(f, 'obs', t.cells, (g) => {
    g.create_attribute('column-order', ['group', 'time']);
    const cat = g.create_group('group');
    cat.create_attribute('encoding-type', 'categorical');
    cat.create_attribute('ordered', Uint8Array.from([0]));
    cat.create_dataset({ name: 'codes', data: Int8Array.from(t.cells, (_, i) => i % 3) });
    cat.create_dataset({ name: 'categories', data: ['alpha', 'beta', 'gamma'] });
    g.create_dataset({ name: 'time', data: Float64Array.from(t.time) });
  });
  dataframe(f, 'var', t.genes, (g) => g.create_dataset({ name: 'gene_short_name', data: t.genes.map((s) => s.toUpperCase()) }));
  const obsm = f.create_group('obsm');
  obsm.create_dataset({ name: 'X_pca', data: Float32Array.from({ length: N_CELLS * 3 }, (_, k) => Math.sin(k)), shape: [N_CELLS, 3] });
  f.close();
}

function writeTenxH5(file: string): void {
  const t = table();
  const c = csr(); // cells × genes CSR = the stored genes × cells CSC
  const f = new h5wasm.File(file, 'w');
  const m = f.create_group('matrix');
  m.create_dataset({ name: 'data', data: Int32Array.from(c.data) });
  m.create_dataset({ name: 'indices', data: BigInt64Array.from(c.indices, (v) => BigInt(v)) });
  m.create_dataset({ name: 'indptr', data: BigInt64Array.from(c.indptr, (v) => BigInt(v)) });
  m.create_dataset({ name: 'shape', data: Int32Array.from([N_GENES, N_CELLS]) });
  m.create_dataset({ name: 'barcodes', data: t.cells });
  const feats = m.create_group('features');
  feats.create_dataset({ name: 'id', data: t.genes.map((g) => `ENSG${g}`) });
  feats.create_dataset({ name: 'name', data: t.genes });
  feats.create_dataset({ name: 'feature_type', data: t.genes.map(() => 'Gene Expression') });
  feats.create_dataset({ name: 'genome', data: t.genes.map(() => 'GRCh38') });
  f.close();
}

function writeTenxFolder(dir: string): string[] {
  const t = table();
  fs.mkdirSync(dir, { recursive: true });
  const entries: string[] = [];
  for (let i = 0; i < N_CELLS; i++) for (let j = 0; j < N_GENES; j++) { const v = t.counts[i * N_GENES + j]!; if (v) entries.push(`${j + 1} ${i + 1} ${v}`); }
  const mtx = `%%MatrixMarket matrix coordinate integer general\n%metadata_json: {"format_version": 2}\n${N_GENES} ${N_CELLS} ${entries.length}\n${entries.join('\n')}\n`;
  const files = {
    'matrix.mtx.gz': zlib.gzipSync(mtx),
    'barcodes.tsv.gz': zlib.gzipSync(t.cells.join('\n') + '\n'),
    'features.tsv.gz': zlib.gzipSync(t.genes.map((g) => `ENSG${g}\t${g}\tGene Expression`).join('\n') + '\n'),
  };
  for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), bytes);
  return Object.keys(files).map((n) => path.join(dir, n));
}

function wideArrowTable(): Table {
  const t = table();
  const cols: Record<string, Float32Array | string[] | Int32Array> = { cell_id: t.cells };
  t.genes.forEach((g, j) => { cols[g] = Float32Array.from({ length: N_CELLS }, (_, i) => t.counts[i * N_GENES + j]!); });
  cols.group = t.group;
  cols.time = Int32Array.from(t.time);
  return tableFromArrays(cols as never) as unknown as Table;
}

function longArrowTable(): Table {
  const t = table();
  const cell: number[] = [], gene: number[] = [], value: number[] = [];
  for (let i = 0; i < N_CELLS; i++) for (let j = 0; j < N_GENES; j++) { const v = t.counts[i * N_GENES + j]!; if (v) { cell.push(i); gene.push(j); value.push(v); } }
  const dict = (names: string[], codes: number[]) => makeVector(makeData({
    type: new Dictionary(new Utf8(), new Int32()), length: codes.length, nullCount: 0, data: Int32Array.from(codes), dictionary: vectorFromArray(names, new Utf8()),
  }));
  return new Table({ cell: dict(t.cells, cell), gene: dict(t.genes, gene), count: vectorFromArray(value, new Float32()) });
}

/** A zstd frame of raw and RLE blocks (RFC 8878): valid zstd without entropy coding. */
function zstdRleFrame(d: Uint8Array): Uint8Array {
  const out: number[] = [0x28, 0xb5, 0x2f, 0xfd, 0xa0]; // FCS 4 bytes, single segment
  for (let k = 0; k < 4; k++) out.push((d.length >>> (8 * k)) & 255);
  let i = 0;
  const block = (type: number, size: number, last: boolean): void => {
    const h = (last ? 1 : 0) | (type << 1) | (size << 3);
    out.push(h & 255, (h >>> 8) & 255, (h >>> 16) & 255);
  };
  if (d.length === 0) block(0, 0, true);
  while (i < d.length) {
    let run = 1;
    while (i + run < d.length && d[i + run] === d[i] && run < 65536) run++;
    if (run >= 8) { block(1, run, i + run >= d.length); out.push(d[i]!); i += run; continue; }
    let end = i + 1;
    while (end < d.length && end - i < 65536) {
      let r = 1;
      while (end + r < d.length && d[end + r] === d[end] && r < 8) r++;
      if (r >= 8) break;
      end++;
    }
    block(0, end - i, end >= d.length);
    for (let k = i; k < end; k++) out.push(d[k]!);
    i = end;
  }
  return Uint8Array.from(out);
}

/**
 * apache-arrow's JS writer stores the compressed length where Arrow stores the uncompressed one;
 * this rewrites each buffer's length prefix with the size its frame decodes to (what pyarrow writes).
 */
function fixCompressedPrefixes(bytes: Uint8Array, decode: (frame: Uint8Array) => Uint8Array): Uint8Array {
  const out = bytes.slice();
  const dv = new DataView(out.buffer);
  const footerLen = dv.getInt32(out.length - 10, true);
  const footer = Footer.decode(out.subarray(out.length - 10 - footerLen, out.length - 10));
  for (const b of [...footer.dictionaryBatches(), ...footer.recordBatches()]) {
    const len = dv.getInt32(b.offset + 4, true);
    const msg = Message.decode(out.subarray(b.offset + 8, b.offset + 8 + len));
    const header = msg.header() as unknown as { buffers?: { offset: number; length: number }[]; data?: { buffers: { offset: number; length: number }[] } };
    const buffers = header.buffers ?? header.data?.buffers ?? [];
    const body = b.offset + b.metaDataLength;
    for (const r of buffers) {
      if (r.length < 8) continue;
      const at = body + Number(r.offset);
      if (dv.getBigInt64(at, true) === -1n) continue;
      dv.setBigInt64(at, BigInt(decode(out.subarray(at + 8, at + Number(r.length))).length), true);
    }
  }
  return out;
}

function compressedArrow(type: CompressionType, encode: (d: Uint8Array) => Uint8Array, decode: (d: Uint8Array) => Uint8Array): Uint8Array {
  const saved = compressionRegistry.get(type);
  compressionRegistry.set(type, { encode, decode });
  try {
    const bytes = RecordBatchFileWriter.writeAll(wideArrowTable(), { compressionType: type } as never).toUint8Array(true);
    return fixCompressedPrefixes(bytes, decode);
  } finally {
    if (saved) compressionRegistry.set(type, saved);
  }
}

function writeParquet(file: string, t: Table, compression: parquet.Compression): void {
  const props = new parquet.WriterPropertiesBuilder().setCompression(compression).setMaxRowGroupSize(16).build();
  const wasmTable = parquet.Table.fromIPCStream(tableToIPC(t, 'stream'));
  fs.writeFileSync(file, parquet.writeParquet(wasmTable, props));
}

/** Builds every seed file under `dir`; returns them by format. */
export async function buildFixtures(dir: string): Promise<Fixture[]> {
  await h5wasm.ready;
  fs.mkdirSync(dir, { recursive: true });
  const at = (name: string): string => path.join(dir, name);
  const plain = (format: string, name: string, write: (p: string) => void): Fixture => {
    const p = at(name);
    write(p);
    return { format, entry: p, files: [p] };
  };
  const tenxDir = at('tenx');
  const tenxFiles = writeTenxFolder(tenxDir);
  return [
    plain('csv', 'cells.csv', (p) => fs.writeFileSync(p, csvText(','))),
    plain('tsv', 'cells.tsv', (p) => fs.writeFileSync(p, csvText('\t'))),
    plain('csv.gz', 'cells.csv.gz', (p) => fs.writeFileSync(p, zlib.gzipSync(csvText(',')))),
    plain('h5ad-csr', 'csr.h5ad', (p) => writeH5ad(p, false)),
    plain('h5ad-dense', 'dense.h5ad', (p) => writeH5ad(p, true)),
    plain('10x-h5', 'tenx.h5', (p) => writeTenxH5(p)),
    { format: '10x-mtx', entry: tenxDir, files: tenxFiles },
    plain('arrow', 'wide.arrow', (p) => fs.writeFileSync(p, tableToIPC(wideArrowTable(), 'file'))),
    plain('arrow-stream', 'long.arrows', (p) => fs.writeFileSync(p, tableToIPC(longArrowTable(), 'stream'))),
    plain('arrow-lz4', 'wide-lz4.feather', (p) => fs.writeFileSync(p, compressedArrow(CompressionType.LZ4_FRAME, (d) => Uint8Array.from(lz4.compress(d)), (d) => Uint8Array.from(lz4.decompress(d))))),
    plain('arrow-zstd', 'wide-zstd.arrow', (p) => fs.writeFileSync(p, compressedArrow(CompressionType.ZSTD, zstdRleFrame, (d) => zstdDecompress(d)))),
    plain('parquet-wide', 'wide.parquet', (p) => writeParquet(p, wideArrowTable(), parquet.Compression.SNAPPY)),
    plain('parquet-long', 'long.parquet', (p) => writeParquet(p, longArrowTable(), parquet.Compression.ZSTD)),
  ];
}
