/**
 * Registers LZ4_FRAME (lz4js) and ZSTD (fzstd) buffer codecs with apache-arrow, once.
 * Without them, apache-arrow throws "Record batch is compressed but codec not found".
 * fzstd's output is copied (`.slice()`) so every buffer starts 8-byte aligned (BigInt64 columns).
 */
import { compressionRegistry, CompressionType } from 'apache-arrow';
import lz4 from 'lz4js';
import { decompress as zstdDecompress } from 'fzstd';

let registered = false;

export function registerArrowCodecs(): void {
  if (registered) return;
  compressionRegistry.set(CompressionType.LZ4_FRAME, {
    encode: (d: Uint8Array): Uint8Array => Uint8Array.from(lz4.compress(d)),
    decode: (d: Uint8Array): Uint8Array => Uint8Array.from(lz4.decompress(d)),
  });
  compressionRegistry.set(CompressionType.ZSTD, {
    decode: (d: Uint8Array): Uint8Array => zstdDecompress(d).slice(),
  });
  registered = true;
}
