/**
 * Arrow record batches → Dataset, shared by the Arrow IPC/Feather and Parquet readers.
 * Two layouts, decided from the schema:
 *  - long / COO: exactly three columns, a cell column and a gene column (string or dictionary,
 *    recognised by name) and a numeric value column. Built straight into CSR; never densified.
 *    The cell/gene universes are the dictionaries' full value lists (first seen first), so cells
 *    and genes without entries are kept when the writer kept them in the dictionaries.
 *  - wide: one row per cell. The id column is one named like an id (cell_id, barcode, obs_names,
 *    index, cell, __index_level_0__…) else the first string column; other non-numeric columns are
 *    categorical metadata; numeric columns are features unless listed in `obsColumns`.
 * Batches are consumed one at a time (`add`), so callers can stream them.
 */
import { DataType, type Data, type RecordBatch, type Schema, type Vector } from 'apache-arrow';
import { InputError } from '../errors.js';
import type { CategoricalColumn, ObsColumn } from './dataset.js';
import type { AnnotatedDataset } from './features.js';
import type { MemoryBudget } from './budget.js';
import { CooBuilder } from './coo.js';
import { announce } from './watchdog-hook.js';
import { makeUnique, numberedNames, requireUniqueCellIds } from './names.js';

export interface TableLayoutOptions {
  /** Columns that are metadata even when numeric. */
  readonly obsColumns?: readonly string[];
}

/** What the reader knows before the first batch. */
export interface TableHints {
  /** Total rows of the table when the file says so up front (Arrow footer, Parquet metadata). */
  readonly rowsHint?: number | null;
  /** Large allocations are checked against it before they are made. */
  readonly budget?: MemoryBudget;
}

export interface TableBuilder {
  readonly layout: 'wide' | 'long';
  add(batch: RecordBatch): void;
  finish(): AnnotatedDataset;
}

const ID_NAMES = ['cell_id', 'cell_ids', 'barcode', 'barcodes', 'obs_names', 'index', '__index_level_0__', 'cell', 'cells', 'cellid', 'id', ''];
const CELL_NAMES = new Set(['cell', 'cells', 'cell_id', 'barcode', 'barcodes', 'obs', 'obs_names', 'cell_index']);
const GENE_NAMES = new Set(['gene', 'genes', 'gene_id', 'gene_name', 'gene_symbol', 'feature', 'features', 'feature_name', 'feature_id', 'var', 'var_names']);
const VALUE_NAMES = new Set(['value', 'values', 'count', 'counts', 'x', 'expression', 'umi', 'umis', 'data']);

type AnyType = DataType;

function isStringLike(t: AnyType): boolean {
  return DataType.isUtf8(t) || DataType.isLargeUtf8(t) || DataType.isUtf8View(t) ||
    (DataType.isDictionary(t) && (DataType.isUtf8(t.dictionary) || DataType.isLargeUtf8(t.dictionary) || DataType.isUtf8View(t.dictionary)));
}

function isNumeric(t: AnyType): boolean {
  return DataType.isInt(t) || DataType.isFloat(t);
}

/** Long layout columns, or null for a wide table. */
export function detectLong(schema: Schema): { cell: number; gene: number; value: number } | null {
  if (schema.fields.length !== 3) return null;
  const f = schema.fields.map((x) => ({ name: x.name.toLowerCase(), type: x.type as AnyType }));
  const cell = f.findIndex((x) => CELL_NAMES.has(x.name) && isStringLike(x.type));
  const gene = f.findIndex((x) => GENE_NAMES.has(x.name) && isStringLike(x.type));
  const value = f.findIndex((x) => VALUE_NAMES.has(x.name) && isNumeric(x.type));
  if (cell < 0 || gene < 0 || value < 0 || new Set([cell, gene, value]).size !== 3) return null;
  return { cell, gene, value };
}

export function createTableBuilder(schema: Schema, path: string, format: string, options: TableLayoutOptions = {}, hints: TableHints = {}): TableBuilder {
  const long = detectLong(schema);
  if (long) return new LongBuilder(schema, long, path, format, hints);
  return new WideBuilder(schema, path, format, options, hints);
}

function child(batch: RecordBatch, j: number): Vector {
  const v = batch.getChildAt(j);
  if (!v) throw new Error(`record batch has no column ${j}`);
  return v;
}

function firstNull(v: Vector): number {
  for (let i = 0; i < v.length; i++) if (!v.isValid(i)) return i;
  return -1;
}

/** A numeric column of one batch as numbers (typed array view when possible). */
function numericValues(v: Vector): ArrayLike<number> {
  const t = v.type as AnyType;
  if (v.data.length === 1 && (DataType.isFloat(t) || DataType.isInt(t))) {
    const d = v.data[0] as Data;
    const vals = d.values as ArrayLike<number | bigint> & { subarray(a: number, b: number): ArrayLike<number | bigint> };
    if (vals instanceof Float32Array || vals instanceof Float64Array || vals instanceof Int32Array || vals instanceof Int16Array ||
      vals instanceof Int8Array || vals instanceof Uint8Array || vals instanceof Uint16Array || vals instanceof Uint32Array) {
      return vals.subarray(0, d.length) as ArrayLike<number>;
    }
    if (vals instanceof BigInt64Array || vals instanceof BigUint64Array) {
      const out = new Float64Array(d.length);
      for (let i = 0; i < d.length; i++) out[i] = Number(vals[i]);
      return out;
    }
  }
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v.get(i);
    out[i] = typeof x === 'bigint' ? Number(x) : typeof x === 'boolean' ? (x ? 1 : 0) : x === null ? NaN : Number(x);
  }
  return out;
}

function stringAt(v: Vector, i: number): string | null {
  const x: unknown = v.get(i);
  if (x === null || x === undefined) return null;
  return typeof x === 'string' ? x : String(x);
}

/** Strings (null = missing) → categorical column with sorted categories. */
function categoricalColumn(name: string, values: readonly (string | null)[]): CategoricalColumn {
  const cats = Array.from(new Set(values.filter((x): x is string => x !== null))).sort();
  const pos = new Map(cats.map((c, i) => [c, i] as const));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) { const x = values[i]; codes[i] = x === null ? -1 : pos.get(x!)!; }
  return { name, kind: 'categorical', codes, categories: cats, ordered: false };
}

class WideBuilder implements TableBuilder {
  readonly layout = 'wide' as const;
  private readonly idCol: number;
  private readonly featureCols: number[] = [];
  private readonly catCols: number[] = [];
  private readonly numObsCols: number[] = [];
  private readonly notes: string[] = [];
  private readonly ids: string[] = [];
  /** Per-batch blocks when the row count is not known up front (then one copy at the end). */
  private readonly blocks: Float32Array[] = [];
  /** The whole matrix, allocated once, when the row count is known up front. */
  private whole: Float32Array | null = null;
  private readonly catValues: (string | null)[][];
  private readonly numValues: number[][];
  private nRows = 0;

  constructor(private readonly schema: Schema, private readonly path: string, private readonly format: string, options: TableLayoutOptions, private readonly hints: TableHints) {
    const fields = schema.fields;
    const names = fields.map((f) => f.name);
    const obsSet = new Set(options.obsColumns ?? []);
    for (const o of obsSet) if (!names.includes(o)) throw new InputError(path, `no column '${o}' (asked for as metadata); columns: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}`);
    let id = -1;
    for (const n of ID_NAMES) {
      id = fields.findIndex((f) => f.name.toLowerCase() === n && isStringLike(f.type as AnyType));
      if (id >= 0) break;
    }
    if (id < 0) id = fields.findIndex((f) => isStringLike(f.type as AnyType));
    this.idCol = id;
    if (id < 0) this.notes.push('no string id column: cells named cell_1, cell_2, …');
    fields.forEach((f, j) => {
      if (j === id) return;
      const t = f.type as AnyType;
      if (isNumeric(t)) (obsSet.has(f.name) ? this.numObsCols : this.featureCols).push(j);
      else if (isStringLike(t) || DataType.isBool(t) || DataType.isDictionary(t)) this.catCols.push(j);
      else this.notes.push(`column '${f.name}' (${String(t)}) skipped: not a number or text`);
    });
    if (this.featureCols.length === 0) throw new InputError(path, 'no numeric feature columns: nothing to embed (every column is text or listed as metadata)');
    this.catValues = this.catCols.map(() => []);
    this.numValues = this.numObsCols.map(() => []);
    const rows = hints.rowsHint;
    if (rows !== null && rows !== undefined) {
      hints.budget?.reserve(rows * this.featureCols.length * 4, `the ${rows} × ${this.featureCols.length} feature matrix`);
      this.whole = new Float32Array(rows * this.featureCols.length);
    }
  }

  add(batch: RecordBatch): void {
    const n = batch.numRows;
    const nF = this.featureCols.length;
    if (this.idCol >= 0) {
      const v = child(batch, this.idCol);
      for (let i = 0; i < n; i++) {
        const s = stringAt(v, i);
        if (s === null) throw new InputError(this.path, `row ${this.nRows + i + 1} has no cell id (null in column '${this.schema.fields[this.idCol]!.name}')`);
        this.ids.push(s);
      }
    }
    let block: Float32Array;
    if (this.whole) {
      if ((this.nRows + n) * nF > this.whole.length) {
        throw new InputError(this.path, `the record batches hold more rows than the ${this.whole.length / nF} the file declares up front: the file is corrupt`);
      }
      block = this.whole.subarray(this.nRows * nF, (this.nRows + n) * nF);
    } else {
      this.hints.budget?.reserve(n * nF * 4, `a batch of ${n} rows × ${nF} features`);
      block = new Float32Array(n * nF);
      this.blocks.push(block);
    }
    this.featureCols.forEach((col, k) => {
      const v = child(batch, col);
      const name = this.schema.fields[col]!.name;
      if (v.nullCount > 0) {
        throw new InputError(this.path, `feature column '${name}' has a missing value at row ${this.nRows + firstNull(v) + 1}; fill it, or list the column as metadata (obsColumns / --obs)`);
      }
      const vals = numericValues(v);
      for (let i = 0; i < n; i++) {
        const x = vals[i]!;
        // stored as float32: a finite double beyond ±3.4e38 would become Infinity
        if (!Number.isFinite(Math.fround(x))) throw new InputError(this.path, `feature column '${name}' has a non-finite value (${x}) at row ${this.nRows + i + 1}`);
        block[i * nF + k] = x;
      }
    });
    this.catCols.forEach((col, k) => {
      const v = child(batch, col);
      const out = this.catValues[k]!;
      for (let i = 0; i < n; i++) out.push(stringAt(v, i));
    });
    this.numObsCols.forEach((col, k) => {
      const v = child(batch, col);
      const vals = numericValues(v);
      const out = this.numValues[k]!;
      for (let i = 0; i < n; i++) out.push(v.isValid(i) ? vals[i]! : NaN);
    });
    this.nRows += n;
  }

  finish(): AnnotatedDataset {
    const nF = this.featureCols.length;
    let data: Float32Array;
    if (this.whole) {
      if (this.nRows * nF !== this.whole.length) {
        throw new InputError(this.path, `the record batches hold ${this.nRows} rows, not the ${this.whole.length / nF} the file declares up front: the file is corrupt`);
      }
      data = this.whole;
      this.whole = null;
    } else {
      this.hints.budget?.reserve(this.nRows * nF * 4, `the ${this.nRows} × ${nF} feature matrix`);
      announce(`${this.nRows} rows into the ${this.nRows} × ${nF} feature matrix`, this.nRows * nF * 4);
      data = new Float32Array(this.nRows * nF);
      let off = 0;
      for (const b of this.blocks) { data.set(b, off); off += b.length; }
      this.blocks.length = 0;
    }
    const cellIds = this.idCol >= 0 ? this.ids : numberedNames('cell_', this.nRows);
    requireUniqueCellIds(cellIds, this.path);
    const names = this.featureCols.map((j) => this.schema.fields[j]!.name);
    const uniq = makeUnique(names);
    if (uniq.renamed) this.notes.push(`${uniq.renamed} repeated column names made unique (name-1, name-2…)`);
    const obs: ObsColumn[] = [];
    this.catCols.forEach((j, k) => obs.push(categoricalColumn(this.schema.fields[j]!.name, this.catValues[k]!)));
    this.numObsCols.forEach((j, k) => obs.push({ name: this.schema.fields[j]!.name, kind: 'numeric', values: Float64Array.from(this.numValues[k]!) }));
    return {
      nCells: this.nRows, nFeatures: nF, X: { kind: 'dense', nRows: this.nRows, nCols: nF, data },
      cellIds, featureNames: uniq.names, obs, obsm: {}, source: { path: this.path, format: this.format, notes: this.notes },
    };
  }
}

/** Maps the per-batch codes or strings of a cell/gene column onto one growing universe. */
class Universe {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();
  private lastDict: Vector | null = null;
  private lastMap: Int32Array = new Int32Array(0);

  private id(s: string): number {
    let k = this.index.get(s);
    if (k === undefined) { k = this.names.length; this.names.push(s); this.index.set(s, k); }
    return k;
  }

  /** Global ids of one batch's column; `where` names the column for messages. */
  codes(v: Vector, rowBase: number, path: string, where: string): Int32Array {
    const n = v.length;
    const out = new Int32Array(n);
    if (v.nullCount > 0) throw new InputError(path, `column '${where}' has a missing value at row ${rowBase + firstNull(v) + 1}`);
    if (DataType.isDictionary(v.type as AnyType) && v.data.length === 1) {
      const d = v.data[0] as Data;
      const dict = d.dictionary as Vector | undefined;
      if (dict) {
        if (dict !== this.lastDict) {
          const map = new Int32Array(dict.length);
          for (let k = 0; k < dict.length; k++) {
            const s = stringAt(dict, k);
            map[k] = s === null ? -1 : this.id(s);
          }
          this.lastDict = dict;
          this.lastMap = map;
        }
        const keys = d.values as ArrayLike<number | bigint>;
        const map = this.lastMap;
        for (let i = 0; i < n; i++) {
          const key = Number(keys[i]);
          const g = key >= 0 && key < map.length ? map[key]! : -1;
          if (g < 0) throw new InputError(path, `column '${where}' row ${rowBase + i + 1}: dictionary key ${key} is invalid`);
          out[i] = g;
        }
        return out;
      }
    }
    for (let i = 0; i < n; i++) out[i] = this.id(stringAt(v, i)!);
    return out;
  }
}

class LongBuilder implements TableBuilder {
  readonly layout = 'long' as const;
  private readonly cells = new Universe();
  private readonly genes = new Universe();
  private readonly coo: CooBuilder;
  private nRows = 0;
  private readonly notes: string[] = [];
  private readonly known: number | null;

  constructor(private readonly schema: Schema, private readonly cols: { cell: number; gene: number; value: number }, private readonly path: string, private readonly format: string, private readonly hints: TableHints) {
    const f = schema.fields;
    const rows = hints.rowsHint ?? null;
    if (rows !== null && rows > 2 ** 31 - 1) throw new InputError(path, `${rows} entries is more than the supported 2^31 - 1`);
    this.known = rows;
    // entries (cell, gene, value: 12 bytes each, sorted into CSR in place)
    if (rows !== null) hints.budget?.reserve(rows * 12, `${rows} (cell, gene, value) entries`);
    this.coo = new CooBuilder(rows ?? 1 << 16);
    this.notes.push(`long layout: columns ${f[cols.cell]!.name} (cell), ${f[cols.gene]!.name} (gene), ${f[cols.value]!.name} (value)`);
  }

  add(batch: RecordBatch): void {
    const f = this.schema.fields;
    const n = batch.numRows;
    const c = this.cells.codes(child(batch, this.cols.cell), this.nRows, this.path, f[this.cols.cell]!.name);
    const g = this.genes.codes(child(batch, this.cols.gene), this.nRows, this.path, f[this.cols.gene]!.name);
    const vv = child(batch, this.cols.value);
    if (vv.nullCount > 0) throw new InputError(this.path, `column '${f[this.cols.value]!.name}' has a missing value at row ${this.nRows + firstNull(vv) + 1}`);
    const vals = numericValues(vv);
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(Math.fround(vals[i]!))) throw new InputError(this.path, `column '${f[this.cols.value]!.name}' has a non-finite value (${vals[i]}) at row ${this.nRows + i + 1}`);
    }
    if (this.coo.length + n > 2 ** 31 - 1) throw new InputError(this.path, 'more than 2^31 entries: too large');
    if (this.known !== null && this.coo.length + n > this.known) {
      throw new InputError(this.path, `the record batches hold more rows than the ${this.known} the file declares up front: the file is corrupt`);
    }
    if (this.known === null) this.hints.budget?.check((this.coo.length + n) * 12 * 2, `${this.coo.length + n} (cell, gene, value) entries`);
    this.coo.pushMany(c, g, vals, n);
    this.nRows += n;
  }

  finish(): AnnotatedDataset {
    const meta = this.schema.metadata;
    const nCells = this.cells.names.length, nGenes = this.genes.names.length;
    for (const [key, have, what] of [['n_cells', nCells, 'cells'], ['n_genes', nGenes, 'genes']] as const) {
      const claimed = Number(meta.get(key));
      if (meta.has(key) && Number.isFinite(claimed) && claimed !== have) {
        this.notes.push(`schema metadata says ${key}=${claimed} but the data names ${have} ${what}; ${what} without entries and outside the dictionaries cannot be recovered`);
      }
    }
    this.hints.budget?.reserve((nCells + 1) * 4, 'the row pointers');
    // Sorting every entry into rows is the read's last and longest silent step (measured: > 3 s for 10⁸
    // entries), so the watchdog is told how much is coming (12 bytes an entry), like a decode.
    announce(`${this.coo.length} (cell, gene, value) entries into the matrix`, this.coo.length * 12);
    const { matrix, duplicatesSummed } = this.coo.toCsr(nCells, nGenes);
    if (duplicatesSummed) this.notes.push(`${duplicatesSummed} repeated (cell, gene) rows summed`);
    requireUniqueCellIds(this.cells.names, this.path);
    return {
      nCells, nFeatures: nGenes, X: matrix, cellIds: this.cells.names, featureNames: this.genes.names,
      obs: [], obsm: {}, source: { path: this.path, format: this.format, notes: this.notes },
    };
  }
}
