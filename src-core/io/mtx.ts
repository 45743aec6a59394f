/**
 * Streaming MatrixMarket parser (coordinate; integer, real or pattern; general).
 * Bytes arrive in chunks (e.g. straight out of a gunzip stream); entries go into a COO builder
 * sized by what is actually read, never by the header's claims, so memory stays proportional to
 * the real number of entries. The size line is validated, and handed to `onSize`, before any
 * entry is stored, so callers can check it against barcodes/features first.
 * File orientation: rows × columns as stored; `transpose` stores (column, row) so a 10x
 * genes × cells file becomes cells × genes.
 */
import { InputError } from '../errors.js';
import type { CsrMatrix } from './dataset.js';
import type { MemoryBudget } from './budget.js';
import { CooBuilder } from './coo.js';

/** Largest row or column count accepted from a header (2^26 ≈ 67 million). */
export const MAX_MTX_DIM = 2 ** 26;
/** Largest entry count (CSR indices are Int32). */
export const MAX_MTX_NNZ = 2 ** 31 - 1;

export interface MtxSize {
  readonly nRows: number;
  readonly nCols: number;
  readonly nnz: number;
}

export interface MtxResult {
  readonly size: MtxSize;
  /** CSR of the stored matrix, or of its transpose when `transpose` was set. */
  readonly matrix: CsrMatrix;
  readonly duplicatesSummed: number;
}

export interface MtxOptions {
  readonly transpose?: boolean;
  /** Called once with the validated size line, before entries are read. May throw. */
  readonly onSize?: (size: MtxSize) => void;
  /**
   * What the file can hold: the most entries its bytes can encode (each entry line takes at least
   * 4 bytes, "1 1\n"), and how many to allocate up front. A header claiming more is refused.
   */
  readonly capacity?: { readonly maxEntries: number; readonly initialEntries: number; readonly what: string };
  /** Checked against the entries' memory (12 bytes each while reading) before they are allocated. */
  readonly budget?: MemoryBudget;
}

type Field = 'integer' | 'real' | 'pattern';

const NL = 10, CR = 13, SP = 32, TAB = 9, PCT = 37;

export class MtxParser {
  private lineNo = 0;
  private field: Field | null = null;
  private size: MtxSize | null = null;
  private coo: CooBuilder | null = null;
  private carry: Uint8Array | null = null;
  private readonly tok = new Float64Array(3);
  private readonly dec = new TextDecoder('latin1');

  constructor(private readonly path: string, private readonly options: MtxOptions = {}) {}

  push(chunk: Uint8Array): void {
    let start = 0;
    if (this.carry) {
      const nl = chunk.indexOf(NL);
      if (nl < 0) { this.carry = concat(this.carry, chunk); this.checkCarry(); return; }
      const line = concat(this.carry, chunk.subarray(0, nl));
      this.carry = null;
      this.line(line, 0, line.length);
      start = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(NL, start);
      if (nl < 0) break;
      this.line(chunk, start, nl);
      start = nl + 1;
    }
    if (start < chunk.length) { this.carry = chunk.slice(start); this.checkCarry(); }
  }

  finish(): MtxResult {
    if (this.carry && this.carry.length) { const c = this.carry; this.carry = null; this.line(c, 0, c.length); }
    if (!this.field) throw new InputError(this.path, 'no %%MatrixMarket header line: not a MatrixMarket file');
    if (!this.size || !this.coo) throw new InputError(this.path, 'the size line (rows columns entries) is missing');
    const read = this.coo.length;
    if (read < this.size.nnz) {
      throw new InputError(this.path, `the header promises ${this.size.nnz} entries but the file has only ${read} (truncated?)`);
    }
    const t = this.options.transpose === true;
    const { matrix, duplicatesSummed } = this.coo.toCsr(t ? this.size.nCols : this.size.nRows, t ? this.size.nRows : this.size.nCols);
    this.coo = null;
    return { size: this.size, matrix, duplicatesSummed };
  }

  private checkCarry(): void {
    if (this.carry && this.carry.length > 1 << 20) {
      throw new InputError(this.path, `line ${this.lineNo + 1} is longer than 1 MiB: not a MatrixMarket coordinate file`);
    }
  }

  private text(buf: Uint8Array, a: number, b: number): string {
    return this.dec.decode(buf.subarray(a, b));
  }

  private line(buf: Uint8Array, a: number, b: number): void {
    this.lineNo++;
    if (b > a && buf[b - 1] === CR) b--;
    if (this.field === null) { this.header(this.text(buf, a, b)); return; }
    // skip leading blanks; blank lines and comments are allowed anywhere
    while (a < b && (buf[a] === SP || buf[a] === TAB)) a++;
    if (a === b || buf[a] === PCT) return;
    if (this.size === null) { this.sizeLine(this.text(buf, a, b)); return; }
    this.entry(buf, a, b);
  }

  private header(line: string): void {
    const t = line.trim().split(/\s+/).map((s) => s.toLowerCase());
    if (t[0] !== '%%matrixmarket') throw new InputError(this.path, `line 1 is not a %%MatrixMarket header: '${line.slice(0, 60)}'`);
    if (t[1] !== 'matrix') throw new InputError(this.path, `unsupported MatrixMarket object '${t[1] ?? ''}' (expected 'matrix')`);
    if (t[2] !== 'coordinate') throw new InputError(this.path, `unsupported MatrixMarket format '${t[2] ?? ''}': only sparse 'coordinate' files are read`);
    const field = t[3];
    if (field !== 'integer' && field !== 'real' && field !== 'pattern') {
      throw new InputError(this.path, `unsupported MatrixMarket field '${field ?? ''}' (expected integer, real or pattern)`);
    }
    if ((t[4] ?? 'general') !== 'general') {
      throw new InputError(this.path, `unsupported MatrixMarket symmetry '${t[4]}': only 'general' matrices are read`);
    }
    this.field = field;
  }

  private sizeLine(line: string): void {
    const t = line.trim().split(/\s+/);
    const nums = t.map((s) => (/^\d+$/.test(s) ? Number(s) : NaN));
    if (t.length !== 3 || nums.some((x) => !Number.isSafeInteger(x))) {
      throw new InputError(this.path, `line ${this.lineNo}: expected the size line 'rows columns entries', got '${line.slice(0, 80)}'`);
    }
    const [nRows, nCols, nnz] = nums as [number, number, number];
    if (nRows > MAX_MTX_DIM || nCols > MAX_MTX_DIM) {
      throw new InputError(this.path, `line ${this.lineNo}: the header claims ${nRows} × ${nCols}, more than the supported ${MAX_MTX_DIM} rows or columns (corrupt header?)`);
    }
    if (nnz > nRows * nCols) {
      throw new InputError(this.path, `line ${this.lineNo}: the header claims ${nnz} entries, more than ${nRows} × ${nCols} cells of the matrix`);
    }
    if (nnz > MAX_MTX_NNZ) throw new InputError(this.path, `line ${this.lineNo}: ${nnz} entries is more than the supported ${MAX_MTX_NNZ}`);
    const cap = this.options.capacity;
    if (cap && nnz > cap.maxEntries) {
      throw new InputError(this.path, `line ${this.lineNo}: the header claims ${nnz} entries, but ${cap.what} can hold at most ${Math.floor(cap.maxEntries)} (corrupt header?)`);
    }
    const size = { nRows, nCols, nnz };
    this.options.onSize?.(size);
    const tr = this.options.transpose === true;
    // entries (row, column, value: 12 bytes each, sorted into CSR in place) + the row pointers
    this.options.budget?.reserve(nnz * 12 + ((tr ? nCols : nRows) + 1) * 4, `the ${nRows} × ${nCols} matrix with ${nnz} entries`);
    this.size = size;
    // capacity starts at what the file can plausibly hold and grows with the entries actually read
    const initial = cap ? Math.min(nnz, Math.max(1 << 16, cap.initialEntries)) : Math.min(nnz, 1 << 16);
    this.coo = new CooBuilder(initial, Math.max(nnz, 1));
  }

  private entry(buf: Uint8Array, a: number, b: number): void {
    const size = this.size!;
    const want = this.field === 'pattern' ? 2 : 3;
    let n = 0;
    let p = a;
    while (p < b && n < 4) {
      while (p < b && (buf[p] === SP || buf[p] === TAB)) p++;
      if (p >= b) break;
      const s = p;
      let v = 0;
      let isInt = true;
      while (p < b && buf[p] !== SP && buf[p] !== TAB) {
        const c = buf[p]! - 48;
        if (c >= 0 && c <= 9) v = v * 10 + c; else isInt = false;
        p++;
      }
      if (n >= 3) { n++; break; }
      // row and column must be plain positive integers; the value may be any number
      this.tok[n] = isInt ? v : n < 2 ? NaN : Number(this.text(buf, s, p));
      n++;
    }
    if (n !== want) {
      throw new InputError(this.path, `line ${this.lineNo}: expected ${want} numbers ('row column${want === 3 ? ' value' : ''}'), found ${n > 3 ? 'more' : n}`);
    }
    const i = this.tok[0]!, j = this.tok[1]!;
    if (!(i >= 1 && i <= size.nRows && j >= 1 && j <= size.nCols)) {
      throw new InputError(this.path, `line ${this.lineNo}: entry (${Number.isNaN(i) ? '?' : i}, ${Number.isNaN(j) ? '?' : j}) is outside the ${size.nRows} × ${size.nCols} matrix declared in the header`);
    }
    const value = want === 2 ? 1 : this.tok[2]!;
    // stored as float32: a finite double beyond ±3.4e38 would become Infinity
    if (!Number.isFinite(Math.fround(value))) throw new InputError(this.path, `line ${this.lineNo}: the value is not a finite 32-bit number`);
    const coo = this.coo!;
    if (coo.length >= size.nnz) {
      throw new InputError(this.path, `line ${this.lineNo}: more entries than the ${size.nnz} the header declares`);
    }
    if (this.options.transpose) coo.push(j - 1, i - 1, value);
    else coo.push(i - 1, j - 1, value);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Parses a MatrixMarket text delivered as chunks. */
export async function parseMtx(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, path: string, options: MtxOptions = {}): Promise<MtxResult> {
  const parser = new MtxParser(path, options);
  for await (const c of chunks) parser.push(c);
  return parser.finish();
}
