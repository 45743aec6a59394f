/**
 * gzip for readers (Node's zlib), always streamed: compressed bytes go in a few kB at a time and the
 * decompressed bytes are watched as they come out. Any stretch of `windowBytes` of output that came
 * from less than 1/`maxRatio` as many compressed bytes, or a total past `maxBytes`, is refused at
 * once. The first window is inflated before the consumer sees any of it, so a decompression bomb
 * costs one window of inflation (milliseconds), not gigabytes of parsing. Every zlib failure becomes
 * an InputError naming the file.
 */
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { InputError } from '../errors.js';
import { formatBytes } from './budget.js';
import { isGzip } from './sniff.js';

export interface GunzipLimits {
  /** Most decompressed bytes per compressed byte, over any window of output. */
  readonly maxRatio: number;
  /** Output over which the ratio is measured (and held back at the start). */
  readonly windowBytes: number;
  /** Most decompressed bytes in all. */
  readonly maxBytes: number;
}

/**
 * Measured: a dense count CSV with 3 % non-zeros compresses 66:1 (gzip -9); a run of zeros 1025:1,
 * deflate's ceiling being ~1032:1. 250:1 over 16 MiB leaves room for sparser tables and stops a
 * bomb after 16 MiB of inflation.
 */
export const DEFAULT_GUNZIP_LIMITS: GunzipLimits = { maxRatio: 250, windowBytes: 16 * 2 ** 20, maxBytes: Number.POSITIVE_INFINITY };

/** Compressed bytes handed to zlib at a time: small, so "read so far" is close to "consumed". */
const FEED_BYTES = 16 * 1024;

function gzipProblem(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (/unexpected end/i.test(msg)) return 'the gzip stream ends early: the file is truncated (re-download or re-export it)';
  return `corrupt gzip data (${msg}): the file is damaged or is not really gzip`;
}

export function requireGzipMagic(bytes: Uint8Array, path: string): void {
  if (!isGzip(bytes)) {
    throw new InputError(path, 'named .gz but is not gzip data (the gzip magic bytes 1f 8b are missing); rename it or compress it with gzip');
  }
}

/** Decompresses a stream of gzip chunks; yields decompressed chunks (up to ~256 kB each). */
export async function* gunzipStream(source: AsyncIterable<Uint8Array>, path: string, limits: GunzipLimits = DEFAULT_GUNZIP_LIMITS): AsyncGenerator<Uint8Array> {
  let bytesIn = 0;
  let first = true;
  async function* feed(): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      if (first && chunk.length > 0) {
        first = false;
        requireGzipMagic(chunk, path);
      }
      for (let at = 0; at < chunk.length; at += FEED_BYTES) {
        const piece = chunk.subarray(at, Math.min(chunk.length, at + FEED_BYTES));
        bytesIn += piece.length;
        yield piece;
      }
    }
    if (first) throw new InputError(path, 'the file is empty');
  }
  const input = Readable.from(feed(), { objectMode: false, highWaterMark: FEED_BYTES });
  const gz = zlib.createGunzip({ chunkSize: 1 << 18 });
  let inputError: unknown = null;
  input.on('error', (e) => { inputError = e; gz.destroy(e); });
  input.pipe(gz);
  let bytesOut = 0;
  // (output, input) marks every ~1/16 window, to measure the ratio over the last window of output
  const marks: [number, number][] = [[0, 0]];
  const step = Math.max(1, limits.windowBytes / 16);
  let held: Uint8Array[] | null = [];
  try {
    for await (const chunk of gz as AsyncIterable<Buffer>) {
      bytesOut += chunk.length;
      if (bytesOut > limits.maxBytes) {
        throw new InputError(path, `decompresses to more than ${formatBytes(limits.maxBytes)}, more than can be read this way (decompress it first, or raise the memory budget)`);
      }
      if (bytesOut - marks[marks.length - 1]![0] >= step) marks.push([bytesOut, bytesIn]);
      while (marks.length > 1 && bytesOut - marks[1]![0] >= limits.windowBytes) marks.shift();
      const [out0, in0] = marks[0]!;
      if (bytesOut - out0 >= limits.windowBytes && bytesOut - out0 > limits.maxRatio * Math.max(1, bytesIn - in0)) {
        throw new InputError(
          path,
          `gzip data inflates more than ${limits.maxRatio}-fold (${formatBytes(bytesOut - out0)} from ${formatBytes(bytesIn - in0)} of compressed data${in0 > 0 ? ` after byte ${in0}` : ''}): ` +
            'a decompression bomb or a corrupt file; if it is genuine, decompress it yourself (gunzip) and open the result',
        );
      }
      const view = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (held) {
        // the first window is checked before the consumer parses any of it
        held.push(view);
        if (bytesOut < limits.windowBytes) continue;
        const first = held;
        held = null;
        yield* first;
        continue;
      }
      yield view;
    }
    if (inputError) throw inputError;
    if (held) yield* held;
  } catch (e) {
    if (e instanceof InputError) throw e;
    if (inputError instanceof InputError) throw inputError;
    throw new InputError(path, gzipProblem(e));
  } finally {
    input.destroy();
    gz.destroy();
  }
}

/** Decompresses gzip held in memory into one buffer, within `limits` (for Arrow/Parquet inside gzip). */
export async function gunzipToBuffer(source: AsyncIterable<Uint8Array>, path: string, limits: GunzipLimits): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const c of gunzipStream(source, path, limits)) {
    parts.push(c);
    total += c.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** Whole-buffer gunzip of a small side file (barcodes, features) with the same limits. */
export function gunzipSmall(bytes: Uint8Array, path: string, maxBytes: number): Uint8Array {
  requireGzipMagic(bytes, path);
  const cap = Math.min(maxBytes, Math.max(DEFAULT_GUNZIP_LIMITS.windowBytes, bytes.length * DEFAULT_GUNZIP_LIMITS.maxRatio));
  try {
    const out = zlib.gunzipSync(bytes, { maxOutputLength: cap });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/Cannot create a Buffer larger|maxOutputLength|ERR_BUFFER_TOO_LARGE/i.test(msg) || (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new InputError(path, `decompresses to more than ${formatBytes(cap)}: too large for this kind of file (a decompression bomb or a corrupt file)`);
    }
    throw new InputError(path, gzipProblem(e));
  }
}

/** Passes plain bytes through unchanged and gunzips gzip bytes (small side files). */
export function maybeGunzipSmall(bytes: Uint8Array, path: string, maxBytes: number): Uint8Array {
  return isGzip(bytes) ? gunzipSmall(bytes, path, maxBytes) : bytes;
}
