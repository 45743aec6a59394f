/**
 * Streaming, quote-aware tokenizer for delimited text (RFC 4180 quotes). Text arrives in chunks of
 * any size; every character is looked at once, so the work is linear in the input however quotes
 * and line breaks fall (the earlier reader re-split a growing record on every physical line of an
 * open quote: quadratic). Records are handed to a callback with the physical line they start on.
 *
 * Conventions kept from the earlier reader: a quote starts a quoted section anywhere in a field;
 * `""` inside quotes is a literal quote; CRLF and LF end a record (a lone CR is text); a record whose
 * raw text is only whitespace is skipped. Limits turn runaway input into InputErrors instead of
 * unbounded memory: an unclosed quote names the line where it opened.
 */
import { InputError } from '../errors.js';

export interface TokenizerLimits {
  /** Longest field, in characters (a quoted field that runs on is almost always an unclosed quote). */
  readonly maxFieldChars: number;
  /** Longest record, in characters. */
  readonly maxRecordChars: number;
  /** Most fields in one record (lowered to the header's width once it is known). */
  readonly maxFields: number;
}

export const DEFAULT_TOKENIZER_LIMITS: TokenizerLimits = {
  maxFieldChars: 1 << 20,
  maxRecordChars: 128 * (1 << 20),
  maxFields: 4 * (1 << 20),
};

/** Receives each record's fields (a fresh array the callee may keep) and its first line (1-based). */
export type RecordSink = (fields: string[], line: number) => void;

const NL = 10;
const CR = 13;
const QUOTE = 34;

/** Whitespace as String.prototype.trim sees it (fast path for ASCII). */
function isSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  if (c < 128) return false;
  return c === 0xa0 || c === 0xfeff || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

export class DelimitedTokenizer {
  private readonly delim: number;
  private limits: TokenizerLimits;
  private line = 1;
  private recLine = 1;
  private fields: string[] = [];
  private field = '';
  private recChars = 0;
  private inQuotes = false;
  /** The chunk ended on a quote inside a quoted field: `""` or a closing quote, decided by the next chunk. */
  private pendingQuote = false;
  private quoteLine = 0;
  private blank = true;
  private sawQuote = false;

  constructor(delimiter: string, private readonly path: string, private readonly sink: RecordSink, limits: Partial<TokenizerLimits> = {}) {
    if (delimiter.length !== 1) throw new Error(`delimiter must be one character, got '${delimiter}'`);
    this.delim = delimiter.charCodeAt(0);
    this.limits = { ...DEFAULT_TOKENIZER_LIMITS, ...limits };
  }

  /** Lowers the most fields a record may have (e.g. to the header's width: a longer row is an error anyway). */
  setMaxFields(n: number): void {
    this.limits = { ...this.limits, maxFields: n };
  }

  /** Physical line the next character belongs to. */
  get currentLine(): number {
    return this.line;
  }

  push(s: string): void {
    const n = s.length;
    let i = 0;
    if (this.pendingQuote) {
      this.pendingQuote = false;
      if (n === 0) { this.pendingQuote = true; return; }
      if (s.charCodeAt(0) === QUOTE) { this.append('"'); i = 1; } else this.inQuotes = false;
    }
    while (i < n) {
      i = this.inQuotes ? this.quoted(s, i) : this.unquoted(s, i);
    }
  }

  /** Ends the input: emits the last record, or throws for a quote that never closed. */
  finish(): void {
    if (this.pendingQuote) { this.pendingQuote = false; this.inQuotes = false; }
    if (this.inQuotes) {
      throw new InputError(this.path, `line ${this.quoteLine}: a quoted field opened on this line is never closed (a missing closing quote)`);
    }
    if (this.fields.length > 0 || this.field.length > 0 || this.sawQuote) this.endRecord();
  }

  private append(piece: string): void {
    if (piece.length === 0) return;
    this.field += piece;
    this.recChars += piece.length;
    if (this.field.length > this.limits.maxFieldChars) {
      const where = this.inQuotes ? `a quoted field opened on line ${this.quoteLine}` : `a field on line ${this.recLine}`;
      throw new InputError(this.path, `${where} is longer than ${this.limits.maxFieldChars} characters${this.inQuotes ? ': is its closing quote missing?' : ''}`);
    }
    if (this.recChars > this.limits.maxRecordChars) {
      throw new InputError(this.path, `the record starting on line ${this.recLine} is longer than ${this.limits.maxRecordChars} characters (a missing line break or quote?)`);
    }
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    if (this.fields.length > this.limits.maxFields) {
      throw new InputError(this.path, `line ${this.recLine}: more than ${this.limits.maxFields} fields in one record`);
    }
  }

  private endRecord(): void {
    let f = this.field;
    if (f.length > 0 && f.charCodeAt(f.length - 1) === CR) f = f.slice(0, -1);
    this.field = f;
    const skip = this.blank && !this.sawQuote;
    this.endField();
    const fields = this.fields;
    this.fields = [];
    this.recChars = 0;
    this.blank = true;
    this.sawQuote = false;
    if (!skip) this.sink(fields, this.recLine);
  }

  /** Scans unquoted text from `i`; returns where it stopped (end of chunk or start of a quoted section). */
  private unquoted(s: string, i: number): number {
    const n = s.length;
    const delim = this.delim;
    let seg = i;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === delim) {
        this.append(s.slice(seg, i));
        this.endField();
        seg = i + 1;
        if (this.blank && !isSpace(c)) this.blank = false;
      } else if (c === NL) {
        this.append(s.slice(seg, i));
        this.endRecord();
        this.line++;
        this.recLine = this.line;
        seg = i + 1;
      } else if (c === QUOTE) {
        this.append(s.slice(seg, i));
        this.inQuotes = true;
        this.sawQuote = true;
        this.blank = false;
        this.quoteLine = this.line;
        return i + 1;
      } else if (this.blank && !isSpace(c)) this.blank = false;
    }
    this.append(s.slice(seg, n));
    return n;
  }

  /** Scans inside a quoted section from `i`. */
  private quoted(s: string, i: number): number {
    const n = s.length;
    const q = s.indexOf('"', i);
    const end = q < 0 ? n : q;
    // count line breaks inside the quoted text so later line numbers stay right
    for (let p = s.indexOf('\n', i); p >= 0 && p < end; p = s.indexOf('\n', p + 1)) this.line++;
    let piece = s.slice(i, end);
    if (piece.indexOf('\r\n') >= 0) piece = piece.replace(/\r\n/g, '\n'); // CRLF inside quotes reads as LF
    this.append(piece);
    if (q < 0) return n;
    if (q + 1 >= n) {
      this.pendingQuote = true;
      return n;
    }
    if (s.charCodeAt(q + 1) === QUOTE) {
      this.append('"');
      return q + 2;
    }
    this.inQuotes = false;
    return q + 1;
  }
}
