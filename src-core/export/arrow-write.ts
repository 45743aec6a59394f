/**
 * The embedding as columnar files: Arrow IPC (the "file" format, readable by pyarrow, pandas, polars, R
 * arrow) and Parquet (via parquet-wasm, snappy-compressed). Columns: cell_id (utf8), x, y (float32 when the
 * map is float32), then metadata: categorical columns as dictionary<utf8, int32> (missing = null),
 * numeric columns as float64 (missing = NaN, as in the data set model).
 */
import {
  Dictionary,
  Int32,
  Table,
  Utf8,
  makeData,
  makeVector,
  tableToIPC,
  type Vector,
} from 'apache-arrow';
import type { ObsColumn } from '../io/dataset.js';
import { tableRows, sourceRow, type EmbeddingTable } from './embedding-table.js';
import { writeFileAtomic, type AtomicWriteOptions, type WriteReport } from './atomic-write.js';
import { csvColumns } from './csv-write.js';

/** Build the Arrow table (exported for callers that want to stream it themselves, and for tests). */
export function embeddingArrowTable(table: EmbeddingTable): Table {
  const n = tableRows(table);
  const names = csvColumns(table);
  const ids = new Array<string>(n);
  for (let r = 0; r < n; r++) ids[r] = table.cellIds[sourceRow(table, r)]!;
  const f32 = table.coordinates instanceof Float32Array;
  const x = f32 ? new Float32Array(n) : new Float64Array(n);
  const y = f32 ? new Float32Array(n) : new Float64Array(n);
  for (let r = 0; r < n; r++) {
    x[r] = table.coordinates[2 * r]!;
    y[r] = table.coordinates[2 * r + 1]!;
  }
  const columns: Record<string, Vector> = {
    [names[0]!]: utf8Vector(ids),
    [names[1]!]: makeVector(x),
    [names[2]!]: makeVector(y),
  };
  (table.obs ?? []).forEach((col, c) => {
    columns[names[3 + c]!] = obsVector(col, table, n);
  });
  return new Table(columns);
}

function obsVector(col: ObsColumn, table: EmbeddingTable, n: number): Vector {
  if (col.kind === 'numeric') {
    const v = new Float64Array(n);
    for (let r = 0; r < n; r++) v[r] = col.values[sourceRow(table, r)]!;
    return makeVector(v);
  }
  const codes = new Int32Array(n);
  const validity = new Uint8Array(Math.ceil(n / 8));
  let nulls = 0;
  for (let r = 0; r < n; r++) {
    const code = col.codes[sourceRow(table, r)]!;
    if (code >= 0 && code < col.categories.length) {
      codes[r] = code;
      validity[r >> 3]! |= 1 << (r & 7);
    } else nulls++;
  }
  const type = new Dictionary(new Utf8(), new Int32(), null, col.ordered);
  const dictionary = utf8Vector(col.categories);
  return makeVector(makeData({ type, length: n, nullCount: nulls, nullBitmap: nulls ? validity : null, data: codes, dictionary }));
}

/**
 * A utf8 vector built directly from one encoded buffer and its offsets: apache-arrow's generic
 * vectorFromArray takes ~3 s for a million cell ids, this takes a few tens of milliseconds.
 */
function utf8Vector(strings: readonly string[]): Vector<Utf8> {
  const encoder = new TextEncoder();
  const offsets = new Int32Array(strings.length + 1);
  let capacity = 16;
  for (const s of strings) capacity += s.length * 3; // UTF-8 needs at most 3 bytes per UTF-16 unit
  let bytes = new Uint8Array(capacity);
  let used = 0;
  for (let i = 0; i < strings.length; i++) {
    used += encoder.encodeInto(strings[i]!, bytes.subarray(used)).written;
    offsets[i + 1] = used;
  }
  bytes = bytes.slice(0, used);
  return makeVector(makeData({ type: new Utf8(), length: strings.length, nullCount: 0, valueOffsets: offsets, data: bytes }));
}

/** Arrow IPC file (magic "ARROW1"), uncompressed so every Arrow reader opens it without codecs. */
export async function writeEmbeddingArrow(path: string, table: EmbeddingTable, options: AtomicWriteOptions = {}): Promise<WriteReport> {
  const bytes = tableToIPC(embeddingArrowTable(table), 'file');
  return writeFileAtomic(path, bytes, options);
}

export async function writeEmbeddingParquet(path: string, table: EmbeddingTable, options: AtomicWriteOptions = {}): Promise<WriteReport> {
  const pq = await import('parquet-wasm/node');
  const stream = tableToIPC(embeddingArrowTable(table), 'stream');
  const wasmTable = pq.Table.fromIPCStream(stream);
  const props = new pq.WriterPropertiesBuilder().setCompression(pq.Compression.SNAPPY).setCreatedBy('isotherm').build();
  // writeParquet consumes (frees) the wasm table and the properties.
  const bytes = pq.writeParquet(wasmTable, props);
  return writeFileAtomic(path, bytes, options);
}
