/**
 * Generators for the I/O benchmark (bench/io.ts):
 *  - a seeded synthetic long/COO count table (cells × genes, ≈ `density` non-zero), written record batch
 *    by record batch as an Arrow IPC file or as Parquet (parquet-wasm's streaming writer), so the
 *    generator holds one batch at a time, never the whole table;
 *  - a wide CSV (and .csv.gz) copy of a dataset already in memory (the 10k-cell fixture).
 *
 * Synthetic data: 10 clusters of cells, cluster c up-regulating genes [c·G/10, (c+1)·G/10) ×4; each gene
 * has its own mean (log-normal); non-zero positions are Bernoulli(density) per (cell, gene), drawn by
 * geometric gap sampling; values are integer counts ≥ 1 (so preprocessing takes the counts path:
 * library-size normalisation + sqrt).
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import {
  Dictionary, Field, Float32, Int16, Int32, RecordBatch, RecordBatchFileWriter, Schema, Struct, Table, Utf8,
  makeData, tableToIPC, vectorFromArray, type Vector,
} from 'apache-arrow';
import h5wasm from 'h5wasm/node';
import * as parquet from 'parquet-wasm/node';
import { createRng, type Rng } from '../src-core/linalg/random.js';
import type { CsrMatrix, Dataset } from '../src-core/io/dataset.js';

export interface SyntheticSpec {
  readonly nCells: number;
  readonly nGenes: number;
  /** Probability that an entry is non-zero. */
  readonly density: number;
  readonly seed: number;
  /** Cells per record batch. */
  readonly cellsPerBatch: number;
}

export interface WriteSummary {
  readonly path: string;
  readonly bytes: number;
  readonly nnz: number;
  readonly batches: number;
  readonly seconds: number;
}

export const N_CLUSTERS = 10;

/** The generator's cluster of cell i (its up-regulated gene block). */
export function clusterOf(i: number): number {
  return i % N_CLUSTERS;
}

export function cellName(i: number): string {
  return `cell_${i.toString().padStart(7, '0')}`;
}

export function geneName(j: number): string {
  return `gene_${j.toString().padStart(4, '0')}`;
}

/** One batch of COO entries (rows sorted by cell, then gene), in reused typed arrays. */
interface CooBatch {
  readonly firstCell: number;
  readonly nCellsInBatch: number;
  readonly length: number;
  /** Global cell index of each entry. */
  readonly cells: Int32Array;
  readonly genes: Int16Array;
  readonly values: Float32Array;
}

class SyntheticCounts {
  private readonly rng: Rng;
  private readonly geneMean: Float64Array;
  private readonly logQ: number;
  private cells: Int32Array;
  private genes: Int16Array;
  private values: Float32Array;

  constructor(private readonly spec: SyntheticSpec) {
    if (spec.nGenes > 32767) throw new Error('the generator stores gene codes as int16: at most 32767 genes');
    if (!(spec.density > 0 && spec.density < 1)) throw new Error('density must be in (0, 1)');
    this.rng = createRng(spec.seed);
    this.geneMean = new Float64Array(spec.nGenes);
    for (let j = 0; j < spec.nGenes; j++) this.geneMean[j] = Math.exp(0.8 * this.rng.normal());
    this.logQ = Math.log(1 - spec.density);
    const cap = Math.ceil(spec.cellsPerBatch * spec.nGenes * spec.density * 1.2) + spec.nGenes;
    this.cells = new Int32Array(cap);
    this.genes = new Int16Array(cap);
    this.values = new Float32Array(cap);
  }

  get batchCount(): number {
    return Math.ceil(this.spec.nCells / this.spec.cellsPerBatch);
  }

  private ensure(n: number): void {
    if (n <= this.cells.length) return;
    const cap = Math.ceil(n * 1.5);
    const c = new Int32Array(cap); c.set(this.cells); this.cells = c;
    const g = new Int16Array(cap); g.set(this.genes); this.genes = g;
    const v = new Float32Array(cap); v.set(this.values); this.values = v;
  }

  /** Batch b (batches must be asked for in order: the random stream is sequential). */
  batch(b: number): CooBatch {
    const { nCells, nGenes, cellsPerBatch } = this.spec;
    const first = b * cellsPerBatch;
    const last = Math.min(nCells, first + cellsPerBatch);
    const rng = this.rng;
    const block = Math.max(1, Math.floor(nGenes / N_CLUSTERS));
    let n = 0;
    for (let i = first; i < last; i++) {
      this.ensure(n + nGenes);
      const cluster = clusterOf(i);
      const depth = 0.5 + rng.next(); // per-cell library-size factor
      let j = -1;
      for (;;) {
        // geometric gap: number of zeros before the next non-zero
        const u = 1 - rng.next();
        j += 1 + Math.floor(Math.log(u) / this.logQ);
        if (j >= nGenes) break;
        const boost = Math.floor(j / block) === cluster ? 4 : 1;
        const mean = this.geneMean[j]! * boost * depth;
        // 1 + geometric-ish count with the given mean: integer ≥ 1
        const count = 1 + Math.floor(-Math.log(1 - rng.next()) * mean);
        this.cells[n] = i;
        this.genes[n] = j;
        this.values[n] = count;
        n++;
      }
    }
    return { firstCell: first, nCellsInBatch: last - first, length: n, cells: this.cells, genes: this.genes, values: this.values };
  }
}

function utf8Vector(names: readonly string[]): Vector<Utf8> {
  return vectorFromArray(names, new Utf8());
}

function longSchema(spec: SyntheticSpec): Schema {
  const meta = new Map<string, string>([
    ['n_cells', String(spec.nCells)],
    ['n_genes', String(spec.nGenes)],
    ['generator', `isotherm bench/io-gen.ts seed=${spec.seed} density=${spec.density}`],
  ]);
  return new Schema([
    new Field('cell', new Dictionary(new Utf8(), new Int32(), 0), false),
    new Field('gene', new Dictionary(new Utf8(), new Int16(), 1), false),
    new Field('count', new Float32(), false),
  ], meta);
}

/**
 * An Arrow record batch of the COO entries. `cellDict` holds the names of cells
 * [cellDictBase, cellDictBase + cellDict.length); the keys are cell - cellDictBase.
 */
function toRecordBatch(schema: Schema, batch: CooBatch, cellDict: Vector<Utf8>, cellDictBase: number, geneDict: Vector<Utf8>): RecordBatch {
  const n = batch.length;
  const keys = new Int32Array(n);
  for (let k = 0; k < n; k++) keys[k] = batch.cells[k]! - cellDictBase;
  const fields = schema.fields;
  const cell = makeData({ type: fields[0]!.type as Dictionary<Utf8, Int32>, length: n, nullCount: 0, data: keys, dictionary: cellDict });
  const gene = makeData({ type: fields[1]!.type as Dictionary<Utf8, Int16>, length: n, nullCount: 0, data: batch.genes.slice(0, n), dictionary: geneDict });
  const count = makeData({ type: new Float32(), length: n, nullCount: 0, data: batch.values.slice(0, n) });
  const struct = makeData({ type: new Struct(fields), length: n, nullCount: 0, children: [cell, gene, count] });
  return new RecordBatch(schema, struct);
}

function sleepTick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Long/COO table as an Arrow IPC file (uncompressed: apache-arrow JS has no zstd encoder, and a
 * pure-JS lz4 encoder would dominate the generation time). One cell dictionary for the whole file,
 * written once, as pyarrow writes a pandas categorical.
 */
export async function writeSyntheticArrow(path: string, spec: SyntheticSpec): Promise<WriteSummary> {
  const t0 = performance.now();
  const gen = new SyntheticCounts(spec);
  const schema = longSchema(spec);
  const cellNames: string[] = new Array<string>(spec.nCells);
  for (let i = 0; i < spec.nCells; i++) cellNames[i] = cellName(i);
  const cellDict = utf8Vector(cellNames);
  cellNames.length = 0;
  const geneDict = utf8Vector(Array.from({ length: spec.nGenes }, (_, j) => geneName(j)));

  const fd = fs.openSync(path, 'w');
  let bytes = 0;
  const writer = new RecordBatchFileWriter();
  // The writer queues encoded chunks; this consumer drains them to disk synchronously. Between
  // batches the producer yields to the event loop, so at most one batch is queued at a time.
  const consumer = (async (): Promise<void> => {
    for await (const chunk of writer) {
      fs.writeSync(fd, chunk);
      bytes += chunk.byteLength;
    }
  })();
  let nnz = 0;
  try {
    writer.reset(undefined, schema);
    for (let b = 0; b < gen.batchCount; b++) {
      const batch = gen.batch(b);
      nnz += batch.length;
      writer.write(toRecordBatch(schema, batch, cellDict, 0, geneDict));
      await sleepTick();
    }
    writer.finish();
    await consumer;
  } finally {
    fs.closeSync(fd);
  }
  return { path, bytes, nnz, batches: gen.batchCount, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Long/COO table as Parquet (ZSTD, dictionary-encoded cell/gene columns) through parquet-wasm's
 * streaming writer: each batch goes JS → IPC → wasm and is appended to the open row group; the
 * serialized bytes are drained to disk as they come. Each batch carries its own cell dictionary
 * (only that batch's cells), which is what a per-row-group Parquet dictionary holds anyway.
 */
export async function writeSyntheticParquet(path: string, spec: SyntheticSpec, rowGroupRows = 1 << 20): Promise<WriteSummary> {
  const t0 = performance.now();
  const gen = new SyntheticCounts(spec);
  const schema = longSchema(spec);
  const geneDict = utf8Vector(Array.from({ length: spec.nGenes }, (_, j) => geneName(j)));
  let b = 0;
  let nnz = 0;
  const source = new ReadableStream<parquet.RecordBatch>({
    pull(controller): void {
      if (b >= gen.batchCount) { controller.close(); return; }
      const batch = gen.batch(b++);
      nnz += batch.length;
      const names: string[] = new Array<string>(batch.nCellsInBatch);
      for (let i = 0; i < batch.nCellsInBatch; i++) names[i] = cellName(batch.firstCell + i);
      const rb = toRecordBatch(schema, batch, utf8Vector(names), batch.firstCell, geneDict);
      const table = parquet.Table.fromIPCStream(tableToIPC(new Table([rb]), 'stream'));
      for (const wasmBatch of table.recordBatches()) controller.enqueue(wasmBatch);
      table.free();
    },
  }, { highWaterMark: 1 });
  const props = new parquet.WriterPropertiesBuilder()
    .setCompression(parquet.Compression.ZSTD)
    .setMaxRowGroupSize(rowGroupRows)
    .build();
  const out = (await parquet.transformParquetStream(source, props)) as ReadableStream<Uint8Array>;
  const fd = fs.openSync(path, 'w');
  let bytes = 0;
  try {
    for await (const chunk of out) {
      fs.writeSync(fd, chunk);
      bytes += chunk.byteLength;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { path, bytes, nnz, batches: gen.batchCount, seconds: (performance.now() - t0) / 1000 };
}

/** The same synthetic counts held in memory as CSR (for benchmarks of what follows the read). */
export function syntheticCsr(spec: SyntheticSpec): CsrMatrix {
  const gen = new SyntheticCounts(spec);
  const indptr = new Int32Array(spec.nCells + 1);
  let indices = new Int32Array(Math.ceil(spec.nCells * spec.nGenes * spec.density * 1.05) + spec.nGenes);
  let data = new Float32Array(indices.length);
  let nnz = 0;
  for (let b = 0; b < gen.batchCount; b++) {
    const batch = gen.batch(b);
    if (nnz + batch.length > indices.length) {
      const cap = Math.ceil((nnz + batch.length) * 1.2);
      const i2 = new Int32Array(cap); i2.set(indices); indices = i2;
      const d2 = new Float32Array(cap); d2.set(data); data = d2;
    }
    for (let e = 0; e < batch.length; e++) {
      indptr[batch.cells[e]! + 1]!++;
      indices[nnz + e] = batch.genes[e]!;
      data[nnz + e] = batch.values[e]!;
    }
    nnz += batch.length;
  }
  for (let i = 0; i < spec.nCells; i++) indptr[i + 1]! += indptr[i]!;
  return { kind: 'csr', nRows: spec.nCells, nCols: spec.nGenes, indptr, indices: indices.slice(0, nnz), data: data.slice(0, nnz) };
}

/**
 * The same counts as an AnnData .h5ad (current layout): X a `csr_matrix` group whose data/indices are
 * chunked datasets grown batch by batch (h5wasm resize + write_slice), so the generator holds one
 * batch; indptr (int64) written at the end; obs/var dataframes with their indexes.
 */
export async function writeSyntheticH5ad(path: string, spec: SyntheticSpec): Promise<WriteSummary> {
  const t0 = performance.now();
  await h5wasm.ready;
  const gen = new SyntheticCounts(spec);
  const f = new h5wasm.File(path, 'w');
  let nnz = 0;
  try {
    f.create_attribute('encoding-type', 'anndata');
    f.create_attribute('encoding-version', '0.1.0');
    const x = f.create_group('X');
    x.create_attribute('encoding-type', 'csr_matrix');
    x.create_attribute('encoding-version', '0.1.0');
    x.create_attribute('shape', BigInt64Array.from([BigInt(spec.nCells), BigInt(spec.nGenes)]));
    const chunk = 1 << 20;
    const data = x.create_dataset({ name: 'data', data: new Float32Array(0), shape: [0], maxshape: [null], chunks: [chunk] });
    const indices = x.create_dataset({ name: 'indices', data: new Int32Array(0), shape: [0], maxshape: [null], chunks: [chunk] });
    const indptr = new BigInt64Array(spec.nCells + 1);
    for (let b = 0; b < gen.batchCount; b++) {
      const batch = gen.batch(b);
      const n = batch.length;
      data.resize([nnz + n]);
      indices.resize([nnz + n]);
      data.write_slice([[nnz, nnz + n]], batch.values.subarray(0, n));
      indices.write_slice([[nnz, nnz + n]], Int32Array.from(batch.genes.subarray(0, n)));
      for (let k = 0; k < n; k++) indptr[batch.cells[k]! + 1]!++;
      nnz += n;
      await sleepTick();
    }
    for (let i = 0; i < spec.nCells; i++) indptr[i + 1]! += indptr[i]!;
    x.create_dataset({ name: 'indptr', data: indptr });
    for (const [name, n, label] of [['obs', spec.nCells, cellName], ['var', spec.nGenes, geneName]] as const) {
      const g = f.create_group(name);
      g.create_attribute('encoding-type', 'dataframe');
      g.create_attribute('encoding-version', '0.2.0');
      g.create_attribute('_index', '_index');
      g.create_attribute('column-order', new Float64Array(0));
      g.create_dataset({ name: '_index', data: Array.from({ length: n }, (_, i) => label(i)) });
    }
  } finally {
    f.close();
  }
  return { path, bytes: fs.statSync(path).size, nnz, batches: gen.batchCount, seconds: (performance.now() - t0) / 1000 };
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Wide CSV (cell_id, then one column per feature), written row block by row block; plus a .csv.gz copy. */
export function writeWideCsv(ds: Dataset, csvPath: string, gzPath: string): { csvBytes: number; gzBytes: number } {
  const x = ds.X;
  const p = ds.nFeatures;
  const fd = fs.openSync(csvPath, 'w');
  const row = new Float32Array(p);
  let csvBytes = 0;
  const emit = (text: string): void => {
    const buf = Buffer.from(text, 'utf8');
    fs.writeSync(fd, buf);
    csvBytes += buf.byteLength;
  };
  try {
    emit(['cell_id', ...ds.featureNames.map(csvField)].join(',') + '\n');
    let block: string[] = [];
    for (let i = 0; i < ds.nCells; i++) {
      row.fill(0);
      if (x.kind === 'csr') {
        for (let q = x.indptr[i]!; q < x.indptr[i + 1]!; q++) row[x.indices[q]!] = x.data[q]!;
      } else {
        row.set(x.data.subarray(i * p, (i + 1) * p));
      }
      let line = csvField(ds.cellIds[i]!);
      for (let j = 0; j < p; j++) line += ',' + String(row[j]);
      block.push(line);
      if (block.length === 500 || i === ds.nCells - 1) { emit(block.join('\n') + '\n'); block = []; }
    }
  } finally {
    fs.closeSync(fd);
  }
  const gzBuf = zlib.gzipSync(fs.readFileSync(csvPath), { level: 6 });
  fs.writeFileSync(gzPath, gzBuf);
  return { csvBytes, gzBytes: gzBuf.byteLength };
}
