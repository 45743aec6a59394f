/**
 * Registers bounded LZ4_FRAME and ZSTD buffer codecs with apache-arrow, once.
 * Arrow writes each compressed buffer as an int64 uncompressed length followed by the codec's
 * bytes; apache-arrow hands the codec only the bytes after that prefix, as a view into the same
 * ArrayBuffer, so the prefix is read from just before the view. That declared length is checked
 * (against the codec's largest possible expansion and the read's memory budget) before anything is
 * allocated, and the decoders never produce more than it (`lz4-frame.ts`, `zstd-bounded.ts`).
 */
import { compressionRegistry, CompressionType } from 'apache-arrow';
import lz4 from 'lz4js';
import type { MemoryBudget } from './budget.js';
import { decodeLz4Frames, LZ4_MAX_RATIO } from './lz4-frame.js';
import { decodeZstdBounded, ZSTD_MAX_RATIO } from './zstd-bounded.js';

let registered = false;
/** Budget of the Arrow read in progress (one per process at a time in practice; the last set wins). */
let activeBudget: MemoryBudget | null = null;

export function setCodecBudget(budget: MemoryBudget | null): void {
  activeBudget = budget;
}

/** The uncompressed length Arrow stored in the 8 bytes before `d` (d is a view right after them). */
export function declaredLength(d: Uint8Array, maxRatio: number): number {
  if (d.byteOffset < 8) {
    // Not laid out as expected: bound the output by what the codec can produce at most.
    return maxRatio * d.length;
  }
  const v = new DataView(d.buffer, d.byteOffset - 8, 8).getBigInt64(0, true);
  if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`a compressed buffer declares an invalid length ${v}`);
  return Number(v);
}

function checkBudget(n: number, codec: string): void {
  activeBudget?.check(n, `a ${codec}-compressed Arrow buffer`);
}

export function registerArrowCodecs(): void {
  if (registered) return;
  compressionRegistry.set(CompressionType.LZ4_FRAME, {
    encode: (d: Uint8Array): Uint8Array => Uint8Array.from(lz4.compress(d)),
    decode: (d: Uint8Array): Uint8Array => {
      const n = declaredLength(d, LZ4_MAX_RATIO);
      checkBudget(n, 'LZ4');
      return decodeLz4Frames(d, n);
    },
  });
  compressionRegistry.set(CompressionType.ZSTD, {
    decode: (d: Uint8Array): Uint8Array => {
      const n = declaredLength(d, ZSTD_MAX_RATIO);
      checkBudget(n, 'ZSTD');
      return decodeZstdBounded(d, n);
    },
  });
  registered = true;
}
