/**
 * gzip for readers (Node's zlib): a streaming decoder that yields decompressed chunks, so a
 * parser can consume a large .mtx.gz without holding the whole text, and a whole-buffer decoder
 * with a size cap for small side files. Every zlib failure becomes an InputError naming the file.
 */
import zlib from 'node:zlib';
import { InputError } from '../errors.js';
import { isGzip } from './sniff.js';

function gzipProblem(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (/unexpected end/i.test(msg)) return 'the gzip stream ends early: the file is truncated (re-download or re-export it)';
  return `corrupt gzip data (${msg}): the file is damaged or is not really gzip`;
}

function requireGzip(bytes: Uint8Array, path: string): void {
  if (!isGzip(bytes)) {
    throw new InputError(path, 'named .gz but is not gzip data (the gzip magic bytes 1f 8b are missing); rename it or compress it with gzip');
  }
}

/** Decompresses `bytes` chunk by chunk (about 1 MiB each). */
export async function* gunzipChunks(bytes: Uint8Array, path: string): AsyncGenerator<Uint8Array> {
  requireGzip(bytes, path);
  const gz = zlib.createGunzip({ chunkSize: 1 << 20 });
  gz.end(bytes);
  try {
    for await (const chunk of gz as AsyncIterable<Buffer>) {
      yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
  } catch (e) {
    throw new InputError(path, gzipProblem(e));
  } finally {
    gz.destroy();
  }
}

/** Whole-buffer gunzip, refusing output above `maxBytes` (a zip bomb or a mislabelled big file). */
export function gunzipAll(bytes: Uint8Array, path: string, maxBytes = 2 ** 31 - 1): Uint8Array {
  requireGzip(bytes, path);
  try {
    const out = zlib.gunzipSync(bytes, { maxOutputLength: maxBytes });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/Cannot create a Buffer larger|maxOutputLength|ERR_BUFFER_TOO_LARGE/i.test(msg) || (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new InputError(path, `decompresses to more than ${maxBytes} bytes, too large to read this way`);
    }
    throw new InputError(path, gzipProblem(e));
  }
}

/** Passes plain bytes through unchanged and gunzips gzip bytes. */
export function maybeGunzip(bytes: Uint8Array, path: string, maxBytes?: number): Uint8Array {
  return isGzip(bytes) ? gunzipAll(bytes, path, maxBytes) : bytes;
}

/** Yields the bytes as one chunk, or their decompressed chunks when they are gzip. */
export async function* byteChunks(bytes: Uint8Array, path: string): AsyncGenerator<Uint8Array> {
  if (isGzip(bytes)) yield* gunzipChunks(bytes, path);
  else yield bytes;
}
