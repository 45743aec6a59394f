/**
 * Reading files piece by piece (Node adapter): sequential chunks for the streaming parsers and exact
 * ranges for formats with an index (Arrow footers). Nothing here reads a whole file at once, so a
 * file of any size (≥ 2 GiB included) can be opened, and every failure is an InputError naming it.
 */
import fs from 'node:fs';
import { InputError } from '../errors.js';

/** Default chunk for sequential reads. */
export const CHUNK_BYTES = 1 << 20;

/** Bytes consumed so far by a chunk iterator (for progress). */
export interface ByteCounter {
  bytes: number;
}

function ioProblem(path: string, e: unknown): InputError {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new InputError(path, 'no such file or directory');
  if (code === 'EACCES' || code === 'EPERM') return new InputError(path, 'permission denied');
  if (code === 'EISDIR') return new InputError(path, 'is a directory, not a file');
  return new InputError(path, `cannot read it (${e instanceof Error ? e.message : String(e)})`);
}

/** The file's chunks in order, each a fresh array the consumer may keep. */
export async function* fileChunks(path: string, counter?: ByteCounter, chunkBytes = CHUNK_BYTES): AsyncGenerator<Uint8Array> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(path, 'r');
  } catch (e) {
    throw ioProblem(path, e);
  }
  try {
    let position = 0;
    for (;;) {
      const buf = new Uint8Array(chunkBytes);
      let got: number;
      try {
        ({ bytesRead: got } = await handle.read(buf, 0, chunkBytes, position));
      } catch (e) {
        throw ioProblem(path, e);
      }
      if (got === 0) return;
      position += got;
      if (counter) counter.bytes = position;
      yield got === chunkBytes ? buf : buf.subarray(0, got);
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Chunks of bytes already in memory (so one code path serves files and decompressed buffers). */
export function* memoryChunks(bytes: Uint8Array, counter?: ByteCounter, chunkBytes = CHUNK_BYTES): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += chunkBytes) {
    const end = Math.min(bytes.length, at + chunkBytes);
    if (counter) counter.bytes = end;
    yield bytes.subarray(at, end);
  }
}

/** Random access to an open file by exact ranges. */
export class RangeReader {
  private constructor(private readonly fd: number, readonly path: string, readonly size: number) {}

  static open(path: string): RangeReader {
    try {
      const fd = fs.openSync(path, 'r');
      return new RangeReader(fd, path, fs.fstatSync(fd).size);
    } catch (e) {
      throw ioProblem(path, e);
    }
  }

  /** Exactly `length` bytes at `position`; an InputError when the file is shorter (truncated). */
  read(position: number, length: number, what: string): Uint8Array {
    if (!(Number.isSafeInteger(position) && Number.isSafeInteger(length) && position >= 0 && length >= 0) || position + length > this.size) {
      throw new InputError(this.path, `${what} lies outside the file (bytes ${position}..${position + length} of a ${this.size}-byte file): the file is corrupt or truncated`);
    }
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      let got: number;
      try {
        got = fs.readSync(this.fd, out, done, length - done, position + done);
      } catch (e) {
        throw ioProblem(this.path, e);
      }
      if (got === 0) throw new InputError(this.path, `${what}: the file ended early (truncated)`);
      done += got;
    }
    return out;
  }

  close(): void {
    try { fs.closeSync(this.fd); } catch { /* already closed */ }
  }
}

/** The first `n` bytes (fewer for a short file). */
export function readHead(path: string, n: number): Uint8Array {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    throw ioProblem(path, e);
  }
  try {
    const head = new Uint8Array(n);
    const got = fs.readSync(fd, head, 0, n, 0);
    return head.subarray(0, got);
  } catch (e) {
    throw ioProblem(path, e);
  } finally {
    fs.closeSync(fd);
  }
}
