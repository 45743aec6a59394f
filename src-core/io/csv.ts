/**
 * CSV / TSV reader: cells as rows, a header line, features as numeric columns.
 * Rules (the command-line contract): the id column is the first column when it is named like an id
 * (cell_id, cell, barcode, obs_names, index, id, or empty) or holds text; other text columns and the
 * columns named in `obsColumns` are metadata; every other column is a feature and must be a finite number.
 * The text streams through a linear-time quote-aware tokenizer (`csv-tokenizer.ts`) chunk by chunk;
 * features go straight into a Float32Array sized from the input's length and checked against the
 * memory budget before it grows.
 */
import { InputError } from '../errors.js';
import type { CategoricalColumn, Dataset, NumericColumn, ObsColumn } from './dataset.js';
import type { MemoryBudget } from './budget.js';
import { DelimitedTokenizer } from './csv-tokenizer.js';
import { TextChunkDecoder } from './text-decode.js';

export interface DelimitedOptions {
  /** Columns to treat as metadata even when numeric. */
  readonly obsColumns?: readonly string[];
}

export interface DelimitedStreamOptions extends DelimitedOptions {
  /** Large allocations are checked against it before they are made. */
  readonly budget?: MemoryBudget;
  /** Expected input bytes (the file's size), used to size the matrix once instead of growing it. */
  readonly sizeHint?: number;
  /** Called after every chunk (progress, cancellation); may throw to stop the read. */
  readonly afterChunk?: () => void | Promise<void>;
}

const ID_NAMES = new Set(['', 'cell_id', 'cell', 'cells', 'barcode', 'barcodes', 'obs_names', 'index', 'id', 'cellid', 'cell_ids']);
/** Rows used to decide which columns are numeric before streaming the rest. */
const CLASSIFY_ROWS = 200;
/** Longest first line the delimiter sniffer waits for. */
const MAX_HEADER_CHARS = 64 * (1 << 20);
/** Bytes a cell costs besides its features: the id string and the metadata strings (estimate for the budget). */
const BYTES_PER_STRING = 48;

function sniffDelimiter(headerLine: string, path: string): string {
  if (/\.tsv(\.gz)?$/i.test(path)) return '\t';
  const tabs = headerLine.split('\t').length;
  const commas = headerLine.split(',').length;
  const semis = headerLine.split(';').length;
  if (tabs >= commas && tabs >= semis && tabs > 1) return '\t';
  if (semis > commas && semis > 1) return ';';
  return ',';
}

const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Whitespace as trim() and Number() see it. */
function isWs(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  if (c < 128) return false;
  return c === 0xa0 || c === 0xfeff || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/**
 * True for a decimal number with optional sign, fraction and exponent, surrounded by optional
 * whitespace (`[+-]?(d+.?d*|.d+)([eE][+-]?d+)?`): exactly what `Number()` then converts. Hex,
 * binary, "Infinity" and "" are not numbers here. A hand-written scan: it runs once per value.
 */
function isNumber(s: string): boolean {
  let i = 0;
  let n = s.length;
  while (i < n && isWs(s.charCodeAt(i))) i++;
  while (n > i && isWs(s.charCodeAt(n - 1))) n--;
  if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i++;
  let digits = 0;
  while (i < n && isDigit(s.charCodeAt(i))) { i++; digits++; }
  if (i < n && s.charCodeAt(i) === 46) {
    i++;
    while (i < n && isDigit(s.charCodeAt(i))) { i++; digits++; }
  }
  if (digits === 0) return false;
  if (i < n && (s.charCodeAt(i) | 32) === 101) {
    i++;
    if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i++;
    let e = 0;
    while (i < n && isDigit(s.charCodeAt(i))) { i++; e++; }
    if (e === 0) return false;
  }
  return i === n;
}

type Kind = 'id' | 'feature' | 'obs';

/** Incremental builder: text in, Dataset out. */
class DelimitedBuilder {
  private readonly decoder: TextChunkDecoder;
  private tokenizer: DelimitedTokenizer | null = null;
  /** Text before the first non-blank line is complete (the delimiter is sniffed from it). */
  private prefix = '';
  private header: string[] | null = null;
  private firstRows: { fields: string[]; line: number }[] = [];
  private kinds: Kind[] = [];
  private featureCols: number[] = [];
  private obsCols: number[] = [];
  private hasIdColumn = false;
  private X = new Float32Array(0);
  private capacity = 0;
  private nCells = 0;
  private readonly ids: string[] = [];
  /** Row of each cell id, to refuse a repeated id as soon as it appears. */
  private readonly seen = new Map<string, number>();
  private obsRaw: string[][] = [];
  private delim = ',';
  /** Where the first non-blank character of the input is, once seen (-1 before). */
  private firstNonSpace = -1;
  private scanned = 0;
  private charsSeen = 0;
  private charsAtClassify = 0;

  constructor(private readonly path: string, private readonly options: DelimitedStreamOptions) {
    this.decoder = new TextChunkDecoder(path);
  }

  pushBytes(bytes: Uint8Array): void {
    this.pushText(this.decoder.push(bytes));
  }

  finish(): Dataset {
    this.pushText(this.decoder.end());
    if (!this.tokenizer) {
      if (this.decoder.bytesIn === 0) throw new InputError(this.path, 'the file is empty');
      if (this.prefix.trim() === '') throw new InputError(this.path, 'the file has no header and no data (only blank lines)');
      this.startTokenizer(this.prefix);
    }
    this.tokenizer!.finish();
    if (!this.header) throw new InputError(this.path, 'the file has no header and no data (only blank lines)');
    if (this.kinds.length === 0) this.classify();
    return this.result();
  }

  private pushText(text: string): void {
    if (text.length === 0) return;
    this.charsSeen += text.length;
    if (this.tokenizer) { this.tokenizer.push(text); return; }
    this.prefix += text;
    // wait for the end of the first non-blank line; each character is scanned once
    const p = this.prefix;
    if (this.firstNonSpace < 0) {
      const m = /\S/.exec(p.slice(this.scanned));
      if (m) this.firstNonSpace = this.scanned + m.index;
    }
    const nl = this.firstNonSpace >= 0 ? p.indexOf('\n', Math.max(this.firstNonSpace, this.scanned)) : -1;
    this.scanned = p.length;
    if (nl >= 0) {
      this.prefix = '';
      this.startTokenizer(p);
    } else if (p.length > MAX_HEADER_CHARS) {
      throw new InputError(this.path, `the first line is longer than ${MAX_HEADER_CHARS} characters: not a CSV/TSV table with one header line`);
    }
  }

  private startTokenizer(text: string): void {
    const at = Math.max(0, this.firstNonSpace);
    const end = text.indexOf('\n', at);
    const firstLine = text.slice(text.lastIndexOf('\n', at) + 1, end < 0 ? text.length : end);
    this.delim = sniffDelimiter(firstLine, this.path);
    this.tokenizer = new DelimitedTokenizer(this.delim, this.path, (fields, line) => this.onRecord(fields, line));
    this.tokenizer.push(text);
  }

  private onRecord(fields: string[], line: number): void {
    if (!this.header) {
      this.header = fields.map((h) => h.trim());
      if (this.header.length < 2) {
        throw new InputError(this.path, `the header has ${this.header.length} column; expected an id column and at least one feature, separated by commas or tabs`);
      }
      // a longer row is an error anyway; the cap only keeps a runaway line from becoming millions of strings
      this.tokenizer!.setMaxFields(Math.max(2 * this.header.length, 1024));
      return;
    }
    if (this.kinds.length === 0) {
      this.checkWidth(fields, line);
      this.firstRows.push({ fields, line });
      if (this.firstRows.length >= CLASSIFY_ROWS) this.classify();
      return;
    }
    this.addRow(fields, line);
  }

  private checkWidth(fields: string[], line: number): void {
    const want = this.header!.length;
    if (fields.length !== want) {
      throw new InputError(this.path, `line ${line}: ${fields.length} fields, but the header has ${want} (ragged row)`);
    }
  }

  /** Classifies columns on the first rows (numeric when most values parse as numbers), then adds them. */
  private classify(): void {
    const header = this.header!;
    const rows = this.firstRows;
    if (rows.length === 0) throw new InputError(this.path, 'the file has a header but no data rows');
    const nCols = header.length;
    const obsNamed = new Set(this.options.obsColumns ?? []);
    for (const name of obsNamed) {
      if (!header.includes(name)) throw new InputError(this.path, `--obs names column '${name}', which is not in the header (columns: ${header.slice(0, 8).join(', ')}${nCols > 8 ? ', ...' : ''})`);
    }
    const numericVotes = new Int32Array(nCols);
    for (const r of rows) for (let c = 0; c < nCols; c++) if (isNumber(r.fields[c]!)) numericVotes[c]!++;
    const idName = header[0]!.toLowerCase();
    const firstColNumeric = numericVotes[0]! * 2 > rows.length;
    this.hasIdColumn = ID_NAMES.has(idName) || (!firstColNumeric && !obsNamed.has(header[0]!));
    this.kinds = header.map((name, c): Kind => {
      if (c === 0 && this.hasIdColumn) return 'id';
      if (obsNamed.has(name)) return 'obs';
      return numericVotes[c]! * 2 > rows.length ? 'feature' : 'obs';
    });
    this.featureCols = this.kinds.flatMap((k, c) => (k === 'feature' ? [c] : []));
    this.obsCols = this.kinds.flatMap((k, c) => (k === 'obs' ? [c] : []));
    if (this.featureCols.length === 0) throw new InputError(this.path, 'no numeric feature columns found (every column is text or named by --obs)');
    this.obsRaw = this.obsCols.map(() => []);
    this.charsAtClassify = this.charsSeen;
    this.ensureCapacity(Math.max(rows.length, this.estimateRows(rows.length)));
    this.firstRows = [];
    for (const r of rows) this.addRow(r.fields, r.line);
  }

  /** Rows the whole input probably holds, from the share of it read so far. */
  private estimateRows(rowsSoFar: number): number {
    const hint = this.options.sizeHint;
    if (!hint || this.charsAtClassify === 0) return Math.max(1024, rowsSoFar * 2);
    // chars ≈ bytes for the ASCII of numbers; 5 % slack avoids a regrow at the very end
    return Math.ceil((hint / this.charsAtClassify) * rowsSoFar * 1.05) + 16;
  }

  private bytesPerRow(): number {
    return this.featureCols.length * 4 + (1 + this.obsCols.length) * BYTES_PER_STRING;
  }

  private ensureCapacity(rows: number): void {
    if (rows <= this.capacity) return;
    const nFeat = this.featureCols.length;
    const budget = this.options.budget;
    // reserve the new size before releasing the old: both exist while the rows are copied
    budget?.reserve(rows * this.bytesPerRow(), `a table of ${rows} rows × ${nFeat} numeric columns`);
    budget?.release(this.capacity * this.bytesPerRow());
    if (rows * nFeat > 2 ** 32) throw new InputError(this.path, `${rows} rows × ${nFeat} features is more than one array can hold`);
    const grown = new Float32Array(rows * nFeat);
    grown.set(this.X.subarray(0, this.nCells * nFeat));
    this.X = grown;
    this.capacity = rows;
  }

  private addRow(fields: string[], line: number): void {
    this.checkWidth(fields, line);
    const header = this.header!;
    if (this.nCells === this.capacity) this.ensureCapacity(Math.ceil(this.capacity * 1.5) + 16);
    const nFeat = this.featureCols.length;
    const X = this.X;
    const base = this.nCells * nFeat;
    for (let f = 0; f < nFeat; f++) {
      const c = this.featureCols[f]!;
      const raw = fields[c]!;
      if (!isNumber(raw)) {
        const s = raw.trim();
        if (s === '') throw new InputError(this.path, `line ${line}, column '${header[c]}': missing value (features must be numbers)`);
        if (NON_FINITE.test(s)) throw new InputError(this.path, `line ${line}, column '${header[c]}': ${s} is not a finite number (NaN/Inf are not allowed in features)`);
        throw new InputError(this.path, `line ${line}, column '${header[c]}': non-numeric value '${s.slice(0, 40)}' in a numeric column (name it with --obs if it is metadata)`);
      }
      const v = Number(raw);
      if (!Number.isFinite(v) || Math.abs(v) > 3.4e38) throw new InputError(this.path, `line ${line}, column '${header[c]}': ${raw.trim()} overflows 32-bit floating point`);
      X[base + f] = v;
    }
    const id = this.hasIdColumn ? fields[0]!.trim() : `cell_${this.nCells + 1}`;
    const prev = this.seen.get(id);
    if (prev !== undefined) throw new InputError(this.path, `duplicate cell id '${id}' (rows ${prev + 1} and ${this.nCells + 1}); cell ids must be unique`);
    this.seen.set(id, this.nCells);
    this.ids.push(id);
    for (let o = 0; o < this.obsCols.length; o++) this.obsRaw[o]!.push(fields[this.obsCols[o]!]!.trim());
    this.nCells++;
  }

  private result(): Dataset {
    const { nCells, ids } = this;
    const nFeat = this.featureCols.length;
    const header = this.header!;
    this.seen.clear();
    // keep the buffer when little of it is unused, rather than holding two copies while trimming
    const used = nCells * nFeat;
    const data = this.X.length - used <= this.X.length / 8 ? this.X.subarray(0, used) : this.X.slice(0, used);
    this.X = new Float32Array(0);
    const obs: ObsColumn[] = this.obsCols.map((c, o) => toObsColumn(header[c]!, this.obsRaw[o]!));
    return {
      nCells,
      nFeatures: nFeat,
      X: { kind: 'dense', nRows: nCells, nCols: nFeat, data },
      cellIds: ids,
      featureNames: this.featureCols.map((c) => header[c]!),
      obs,
      obsm: {},
      source: { path: this.path, format: this.delim === '\t' ? 'tsv' : 'csv', notes: [] },
    };
  }
}

/** Reads delimited text held in memory. */
export function readDelimited(bytes: Uint8Array, path: string, options: DelimitedStreamOptions = {}): Dataset {
  if (bytes.length === 0) throw new InputError(path, 'the file is empty');
  const b = new DelimitedBuilder(path, { sizeHint: bytes.length, ...options });
  b.pushBytes(bytes);
  return b.finish();
}

/** Reads delimited text arriving in chunks (a file read piece by piece, or a gunzip stream). */
export async function readDelimitedStream(chunks: AsyncIterable<Uint8Array>, path: string, options: DelimitedStreamOptions = {}): Promise<Dataset> {
  const b = new DelimitedBuilder(path, options);
  for await (const chunk of chunks) {
    b.pushBytes(chunk);
    await options.afterChunk?.();
  }
  return b.finish();
}

/** Numeric when every non-empty value is a number (empty → NaN); otherwise categorical in first-seen order. */
export function toObsColumn(name: string, raw: readonly string[]): ObsColumn {
  if (raw.every((s) => s === '' || isNumber(s)) && raw.some((s) => s !== '')) {
    const values = new Float64Array(raw.length);
    raw.forEach((s, i) => (values[i] = s === '' ? NaN : Number(s)));
    const col: NumericColumn = { name, kind: 'numeric', values };
    return col;
  }
  const index = new Map<string, number>();
  const codes = new Int32Array(raw.length);
  raw.forEach((s, i) => {
    if (s === '') {
      codes[i] = -1;
      return;
    }
    let k = index.get(s);
    if (k === undefined) {
      k = index.size;
      index.set(s, k);
    }
    codes[i] = k;
  });
  const col: CategoricalColumn = { name, kind: 'categorical', codes, categories: [...index.keys()], ordered: false };
  return col;
}
