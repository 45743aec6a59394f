/**
 * LZ4 frame decoder with hard bounds, written from the LZ4 frame and block format specifications.
 * The caller says how many bytes the frame must decode to (Arrow stores it before every compressed
 * buffer); the output is allocated once at that size, and any attempt to write past it, to copy
 * from before the start, or to read past the input is an error, so a frame that lies about its
 * size can neither allocate nor loop beyond what its own bytes allow. Checksums are not verified.
 */

const FRAME_MAGIC = 0x184d2204;
/** LZ4 cannot expand data more than ~255-fold (a match costs ≥ 1 byte per 255 output bytes). */
export const LZ4_MAX_RATIO = 256;
const MIN_MATCH = 4;

export class Lz4FormatError extends Error {
  constructor(problem: string) {
    super(`LZ4 data: ${problem}`);
    this.name = 'Lz4FormatError';
  }
}

function u32(src: Uint8Array, at: number): number {
  if (at + 4 > src.length) throw new Lz4FormatError('the frame ends early');
  return (src[at]! | (src[at + 1]! << 8) | (src[at + 2]! << 16) | (src[at + 3]! << 24)) >>> 0;
}

/** Decodes one or more concatenated LZ4 frames into exactly `expected` bytes. */
export function decodeLz4Frames(src: Uint8Array, expected: number): Uint8Array {
  if (!Number.isSafeInteger(expected) || expected < 0) throw new Lz4FormatError(`invalid declared length ${expected}`);
  if (expected > LZ4_MAX_RATIO * src.length + 64) {
    throw new Lz4FormatError(`declares ${expected} bytes from ${src.length} compressed bytes, more than LZ4 can expand (${LZ4_MAX_RATIO - 1}-fold)`);
  }
  const out = new Uint8Array(expected);
  let s = 0;
  let d = 0;
  while (s < src.length) {
    if (u32(src, s) !== FRAME_MAGIC) throw new Lz4FormatError('bad frame magic number');
    s += 4;
    if (s + 2 > src.length) throw new Lz4FormatError('the frame header ends early');
    const flg = src[s++]!;
    s++; // BD: block maximum size, not needed to decode
    if (flg >> 6 !== 1) throw new Lz4FormatError(`unsupported frame version ${flg >> 6}`);
    const blockChecksum = (flg & 0x10) !== 0;
    const hasContentSize = (flg & 0x08) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    const hasDictId = (flg & 0x01) !== 0;
    const frameStart = d;
    let contentSize = -1;
    if (hasContentSize) {
      if (s + 8 > src.length) throw new Lz4FormatError('the frame header ends early');
      const lo = u32(src, s), hi = u32(src, s + 4);
      contentSize = hi * 2 ** 32 + lo;
      s += 8;
      if (contentSize > expected - d) throw new Lz4FormatError(`the frame claims ${contentSize} bytes but only ${expected - d} are expected`);
    }
    if (hasDictId) throw new Lz4FormatError('frames with a dictionary are not supported');
    s++; // header checksum
    for (;;) {
      const word = u32(src, s);
      s += 4;
      if (word === 0) break; // end mark
      const size = word & 0x7fffffff;
      if (s + size > src.length) throw new Lz4FormatError('a block runs past the end of the data');
      if (word & 0x80000000) {
        if (d + size > expected) throw new Lz4FormatError(`decodes to more than the declared ${expected} bytes`);
        out.set(src.subarray(s, s + size), d);
        d += size;
      } else {
        d = decodeBlock(src, s, s + size, out, d, expected);
      }
      s += size;
      if (blockChecksum) s += 4;
    }
    if (contentChecksum) s += 4;
    if (s > src.length) throw new Lz4FormatError('the frame ends early');
    if (contentSize >= 0 && d - frameStart !== contentSize) throw new Lz4FormatError(`the frame holds ${d - frameStart} bytes, not the ${contentSize} its header says`);
  }
  if (d !== expected) throw new Lz4FormatError(`decodes to ${d} bytes, not the declared ${expected}`);
  return out;
}

/** Decodes one LZ4 block from src[s, end) into out at d; returns the new output position. */
function decodeBlock(src: Uint8Array, s: number, end: number, out: Uint8Array, d: number, expected: number): number {
  while (s < end) {
    const token = src[s++]!;
    let lit = token >> 4;
    if (lit === 15) {
      for (;;) {
        if (s >= end) throw new Lz4FormatError('a literal length runs past the block');
        const b = src[s++]!;
        lit += b;
        if (b !== 255) break;
      }
    }
    if (s + lit > end) throw new Lz4FormatError('literals run past the block');
    if (d + lit > expected) throw new Lz4FormatError(`decodes to more than the declared ${expected} bytes`);
    out.set(src.subarray(s, s + lit), d);
    s += lit;
    d += lit;
    if (s >= end) break; // the last sequence has literals only
    if (s + 2 > end) throw new Lz4FormatError('a match offset runs past the block');
    const offset = src[s]! | (src[s + 1]! << 8);
    s += 2;
    if (offset === 0 || offset > d) throw new Lz4FormatError(`a match refers to ${offset} bytes back, before the start of the data`);
    let len = token & 15;
    if (len === 15) {
      for (;;) {
        if (s >= end) throw new Lz4FormatError('a match length runs past the block');
        const b = src[s++]!;
        len += b;
        if (b !== 255) break;
      }
    }
    len += MIN_MATCH;
    if (d + len > expected) throw new Lz4FormatError(`decodes to more than the declared ${expected} bytes`);
    const from = d - offset;
    if (offset >= len) out.copyWithin(d, from, from + len);
    else for (let k = 0; k < len; k++) out[d + k] = out[from + k]!; // overlapping copy repeats the pattern
    d += len;
  }
  return d;
}
