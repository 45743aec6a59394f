/**
 * Incremental text decoding for the delimited-text reader: UTF-8 (with or without BOM) or UTF-16
 * LE/BE with a BOM, decided from the first bytes; invalid UTF-8 and NUL characters are InputErrors.
 */
import { InputError } from '../errors.js';

export class TextChunkDecoder {
  private decoder: InstanceType<typeof TextDecoder> | null = null;
  private head: Uint8Array | null = null;
  private first = true;
  /** Bytes of input seen so far (for messages). */
  bytesIn = 0;

  constructor(private readonly path: string) {}

  /** Decodes the next chunk; returns '' while the encoding cannot be decided yet. */
  push(bytes: Uint8Array): string {
    this.bytesIn += bytes.length;
    if (!this.decoder) {
      const joined = this.head ? concatBytes(this.head, bytes) : bytes;
      if (joined.length < 3) { this.head = joined; return ''; }
      this.head = null;
      return this.start(joined);
    }
    return this.decode(bytes, true);
  }

  /** Flushes the decoder at the end of input. */
  end(): string {
    if (!this.decoder) {
      const rest = this.head ?? new Uint8Array(0);
      this.head = null;
      return rest.length ? this.start(rest, false) : '';
    }
    return this.decode(new Uint8Array(0), false);
  }

  private start(bytes: Uint8Array, stream = true): string {
    let body = bytes;
    if (bytes[0] === 0xff && bytes[1] === 0xfe) { this.decoder = new TextDecoder('utf-16le', { fatal: true }); body = bytes.subarray(2); }
    else if (bytes[0] === 0xfe && bytes[1] === 0xff) { this.decoder = new TextDecoder('utf-16be', { fatal: true }); body = bytes.subarray(2); }
    else this.decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
    return this.decode(body, stream);
  }

  private decode(bytes: Uint8Array, stream: boolean): string {
    let text: string;
    try {
      text = this.decoder!.decode(bytes, { stream });
    } catch {
      throw new InputError(this.path, `not valid UTF-8 text near byte ${this.bytesIn} (is it a binary file, or saved in another encoding? re-save as UTF-8 CSV)`);
    }
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text.indexOf('\u0000') >= 0) throw new InputError(this.path, 'contains NUL bytes: this is a binary file, not CSV/TSV text');
    return text;
  }
}

export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
