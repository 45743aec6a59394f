/**
 * Zstandard decoding with bounds (fzstd does the entropy decoding). Before any allocation the frame
 * and block headers are walked (RFC 8878 §3.1): a frame whose content size differs from the length
 * the caller expects, whose window is far larger than that length, or whose blocks run past the
 * input is refused. The data then streams through fzstd and its output is counted: it must come to
 * exactly the expected length, so a lying frame can neither allocate nor produce more than that.
 */
import { Decompress } from 'fzstd';

const FRAME_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
/** Largest block output (Block_Maximum_Size, 128 KiB). */
const MAX_BLOCK = 128 * 1024;
/** An RLE block (3-byte header + 1 byte) yields at most 128 KiB: zstd's ceiling is ~32,768-fold. */
export const ZSTD_MAX_RATIO = MAX_BLOCK / 4;
/** A window this large is accepted whatever the expected length (small buffers of big writers). */
const WINDOW_SLACK = 8 * 2 ** 20;

export class ZstdFormatError extends Error {
  constructor(problem: string) {
    super(`ZSTD data: ${problem}`);
    this.name = 'ZstdFormatError';
  }
}

interface FrameInfo {
  readonly windowSize: number;
  /** Frame_Content_Size, or -1 when the frame does not say. */
  readonly contentSize: number;
}

function readLE(src: Uint8Array, at: number, n: number): number {
  if (at + n > src.length) throw new ZstdFormatError('a frame header ends early');
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + src[at + i]!;
  return v;
}

/** Walks every frame's header and block headers without decoding; returns the frames. */
export function scanZstdFrames(src: Uint8Array): FrameInfo[] {
  const frames: FrameInfo[] = [];
  let s = 0;
  while (s < src.length) {
    const magic = readLE(src, s, 4);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      const size = readLE(src, s + 4, 4);
      s += 8 + size;
      if (s > src.length) throw new ZstdFormatError('a skippable frame runs past the end');
      continue;
    }
    if (magic !== FRAME_MAGIC) throw new ZstdFormatError('bad frame magic number');
    s += 4;
    const fhd = readLE(src, s++, 1);
    const fcsFlag = fhd >> 6;
    const single = (fhd & 0x20) !== 0;
    if (fhd & 0x08) throw new ZstdFormatError('reserved bit set in the frame header');
    const checksum = (fhd & 0x04) !== 0;
    const dictBytes = [0, 1, 2, 4][fhd & 3]!;
    let windowSize = 0;
    if (!single) {
      const wd = readLE(src, s++, 1);
      const log = 10 + (wd >> 3);
      const base = 2 ** log;
      windowSize = base + (base / 8) * (wd & 7);
    }
    const dictId = dictBytes ? readLE(src, s, dictBytes) : 0;
    s += dictBytes;
    if (dictId !== 0) throw new ZstdFormatError('frames that need a dictionary are not supported');
    const fcsBytes = fcsFlag === 0 ? (single ? 1 : 0) : 2 ** fcsFlag;
    let contentSize = -1;
    if (fcsBytes) {
      contentSize = readLE(src, s, fcsBytes) + (fcsBytes === 2 ? 256 : 0);
      s += fcsBytes;
    }
    if (single) windowSize = contentSize;
    for (;;) {
      const bh = readLE(src, s, 3);
      s += 3;
      const last = bh & 1;
      const type = (bh >> 1) & 3;
      const size = bh >>> 3;
      if (type === 3) throw new ZstdFormatError('reserved block type');
      if (size > MAX_BLOCK) throw new ZstdFormatError(`a block of ${size} bytes is larger than zstd allows`);
      s += type === 1 ? 1 : size; // RLE blocks store one byte
      if (s > src.length) throw new ZstdFormatError('a block runs past the end of the data');
      if (last) break;
    }
    if (checksum) s += 4;
    if (s > src.length) throw new ZstdFormatError('the frame ends early');
    frames.push({ windowSize, contentSize });
  }
  return frames;
}

/** Decodes zstd data that must come to exactly `expected` bytes. */
export function decodeZstdBounded(src: Uint8Array, expected: number): Uint8Array {
  if (!Number.isSafeInteger(expected) || expected < 0) throw new ZstdFormatError(`invalid declared length ${expected}`);
  if (expected > ZSTD_MAX_RATIO * src.length + MAX_BLOCK) {
    throw new ZstdFormatError(`declares ${expected} bytes from ${src.length} compressed bytes, more than zstd can expand (${ZSTD_MAX_RATIO}-fold)`);
  }
  const frames = scanZstdFrames(src);
  let known = 0;
  for (const f of frames) {
    if (f.windowSize > Math.max(2 * expected, WINDOW_SLACK)) {
      throw new ZstdFormatError(`a frame asks for a ${f.windowSize}-byte window to produce ${expected} bytes`);
    }
    if (f.contentSize >= 0) known += f.contentSize;
  }
  if (known > expected) throw new ZstdFormatError(`the frames claim ${known} bytes but ${expected} are expected`);
  const out = new Uint8Array(expected);
  let d = 0;
  const dec = new Decompress((chunk: Uint8Array) => {
    if (d + chunk.length > expected) throw new ZstdFormatError(`decodes to more than the declared ${expected} bytes`);
    out.set(chunk, d);
    d += chunk.length;
  });
  try {
    dec.push(src, true);
  } catch (e) {
    if (e instanceof ZstdFormatError) throw e;
    throw new ZstdFormatError(e instanceof Error ? e.message : String(e));
  }
  if (d !== expected) throw new ZstdFormatError(`decodes to ${d} bytes, not the declared ${expected}`);
  return out;
}
