/**
 * gzip for readers (Node's zlib), always streamed: compressed bytes go in a few kB at a time and the
 * decompressed bytes are watched as they come out. A stream that inflates more than `maxRatio` times
 * its compressed size (after the first `ratioFloorBytes`) or past `maxBytes` is refused at once: a
 * decompression bomb costs ~ratioFloorBytes of work, not gigabytes. Every zlib failure becomes an
 * InputError naming the file.
 */
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { InputError } from '../errors.js';
import { formatBytes } from './budget.js';
import { isGzip } from './sniff.js';

export interface GunzipLimits {
  /** Most decompressed bytes per compressed byte read so far. */
  readonly maxRatio: number;
  /** Output below which the ratio is not checked (small files compress oddly). */
  readonly ratioFloorBytes: number;
  /** Most decompressed bytes in all. */
  readonly maxBytes: number;
}

/**
 * Measured: a dense count CSV with 3 % non-zeros compresses 66:1 (gzip -9); a run of zeros 1025:1,
 * deflate's ceiling being ~1032:1. 250:1 leaves room for sparser tables and still stops a bomb
 * within its first 64 MiB.
 */
export const DEFAULT_GUNZIP_LIMITS: GunzipLimits = { maxRatio: 250, ratioFloorBytes: 64 * 2 ** 20, maxBytes: Number.POSITIVE_INFINITY };

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
  try {
    for await (const chunk of gz as AsyncIterable<Buffer>) {
      bytesOut += chunk.length;
      if (bytesOut > limits.maxBytes) {
        throw new InputError(path, `decompresses to more than ${formatBytes(limits.maxBytes)}, more than can be read this way (decompress it first, or raise the memory budget)`);
      }
      if (bytesOut > limits.ratioFloorBytes && bytesOut > limits.maxRatio * Math.max(1, bytesIn)) {
        throw new InputError(
          path,
          `gzip data inflates more than ${limits.maxRatio}-fold (${formatBytes(bytesOut)} from the first ${formatBytes(bytesIn)}): ` +
            'a decompression bomb or a corrupt file; if it is genuine, decompress it yourself (gunzip) and open the result',
        );
      }
      yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
    if (inputError) throw inputError;
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
  const cap = Math.min(maxBytes, Math.max(DEFAULT_GUNZIP_LIMITS.ratioFloorBytes, bytes.length * DEFAULT_GUNZIP_LIMITS.maxRatio));
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
