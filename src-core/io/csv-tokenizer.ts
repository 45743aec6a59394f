/**
 * Streaming, quote-aware tokenizer for delimited text (RFC 4180 quotes). Text arrives in chunks of
 * any size; every character is looked at a bounded number of times, so the work is linear in the
 * input however quotes and line breaks fall (the earlier reader re-split a growing record on every
 * physical line of an open quote: quadratic). Lines without a quote take a fast path (one native
 * split per line); a line with a quote goes through a character state machine until its record
 * ends. Records are handed to a callback with the physical line they start on.
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
  private readonly delimChar: string;
  private limits: TokenizerLimits;
  private line = 1;
  private recLine = 1;
  private fields: string[] = [];
  private field = '';
  private recChars = 0;
  private inQuotes = false;
  /** The chunk ended on a quote inside a quoted field: `""` or a closing quote, decided by the next chunk. */
  private quoteAtChunkEnd = false;
  private quoteLine = 0;
  private blank = true;
  private sawQuote = false;
  /** In the character state machine (a record with quotes is in progress). */
  private slow = false;
  /** Pieces of the current physical line not yet ended by a line break (fast path). */
  private pending: string[] = [];
  private pendingChars = 0;
  private pendingQuote = false;

  constructor(delimiter: string, private readonly path: string, private readonly sink: RecordSink, limits: Partial<TokenizerLimits> = {}) {
    if (delimiter.length !== 1) throw new Error(`delimiter must be one character, got '${delimiter}'`);
    this.delim = delimiter.charCodeAt(0);
    this.delimChar = delimiter;
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
    if (this.quoteAtChunkEnd) {
      this.quoteAtChunkEnd = false;
      if (n === 0) { this.quoteAtChunkEnd = true; return; }
      if (s.charCodeAt(0) === QUOTE) { this.append('"'); i = 1; } else this.inQuotes = false;
    }
    while (i < n) {
      if (this.slow) {
        i = this.inQuotes ? this.quoted(s, i) : this.unquoted(s, i);
        continue;
      }
      const nl = s.indexOf('\n', i);
      const lineEnd = nl < 0 ? n : nl;
      // (searching each line for a quote measured far faster here than one search over the chunk)
      const piece = s.slice(i, lineEnd);
      if (this.pendingQuote || piece.indexOf('"') >= 0) {
        // a quote on this line: replay the line's start through the state machine
        this.slow = true;
        const head = this.takePending();
        if (head.length) this.unquotedText(head);
        continue;
      }
      if (nl < 0) {
        this.addPending(piece);
        return;
      }
      this.fastLine(this.pending.length ? this.takePending() + piece : piece);
      i = nl + 1;
    }
  }

  /** Ends the input: emits the last record, or throws for a quote that never closed. */
  finish(): void {
    if (this.quoteAtChunkEnd) { this.quoteAtChunkEnd = false; this.inQuotes = false; }
    if (this.inQuotes) {
      throw new InputError(this.path, `line ${this.quoteLine}: a quoted field opened on this line is never closed (a missing closing quote)`);
    }
    if (!this.slow && this.pending.length) {
      this.fastLine(this.takePending());
      return;
    }
    if (this.fields.length > 0 || this.field.length > 0 || this.sawQuote) this.endRecord();
  }

  private addPending(piece: string): void {
    this.pending.push(piece);
    this.pendingChars += piece.length;
    if (piece.indexOf('"') >= 0) this.pendingQuote = true;
    if (this.pendingChars > this.limits.maxRecordChars) {
      throw new InputError(this.path, `line ${this.line} is longer than ${this.limits.maxRecordChars} characters (not a table with one record per line?)`);
    }
  }

  private takePending(): string {
    const t = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    this.pendingQuote = false;
    return t;
  }

  /** Feeds text without a line break to the state machine (the start of a line that holds a quote). */
  private unquotedText(t: string): void {
    let i = 0;
    while (i < t.length) i = this.inQuotes ? this.quoted(t, i) : this.unquoted(t, i);
  }

  /** A whole physical line without quotes: one native split. */
  private fastLine(raw: string): void {
    const lineNo = this.line++;
    this.recLine = this.line;
    let line = raw;
    if (line.length > 0 && line.charCodeAt(line.length - 1) === CR) line = line.slice(0, -1);
    if (line.length > this.limits.maxRecordChars) {
      throw new InputError(this.path, `line ${lineNo} is longer than ${this.limits.maxRecordChars} characters`);
    }
    if (line.length > this.limits.maxFields) {
      // count before splitting, so a runaway line cannot become millions of strings
      let count = 1;
      for (let p = line.indexOf(this.delimChar); p >= 0; p = line.indexOf(this.delimChar, p + 1)) {
        if (++count > this.limits.maxFields) throw new InputError(this.path, `line ${lineNo}: more than ${this.limits.maxFields} fields in one record`);
      }
    }
    const fields = line.split(this.delimChar);
    if (fields.length > this.limits.maxFields) throw new InputError(this.path, `line ${lineNo}: more than ${this.limits.maxFields} fields in one record`);
    if (fields.length === 1 && line.trim() === '') return;
    if (fields.length > 1 && isSpace(this.delim) && line.trim() === '') return;
    this.sink(fields, lineNo);
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
    this.slow = false;
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
        return i + 1; // back to the fast path for the next line
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
      this.quoteAtChunkEnd = true;
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
