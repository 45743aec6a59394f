/**
 * Bounded LZ4 frame and Zstandard decoding: round trips, and frames that lie about their sizes are
 * refused before any large allocation (the output is allocated at the declared length only).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import lz4 from 'lz4js';
import { decodeLz4Frames, Lz4FormatError } from '../../src-core/io/lz4-frame.js';
import { decodeZstdBounded, scanZstdFrames, ZstdFormatError } from '../../src-core/io/zstd-bounded.js';
import { declaredLength } from '../../src-core/io/arrow-codecs.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

test('LZ4: lz4js frames decode exactly (random, repetitive with overlapping matches, several 4 MB blocks)', () => {
  const r = rng(7);
  const cases: Uint8Array[] = [
    Uint8Array.from({ length: 1000 }, () => Math.floor(r() * 256)),
    Uint8Array.from({ length: 100_000 }, (_, i) => 'abcab'.charCodeAt(i % 5)),
    new Uint8Array(9 * 2 ** 20).map((_, i) => (i % 97 === 0 ? i & 255 : 0)),
    Uint8Array.from([42]),
  ];
  for (const d of cases) {
    const frame = Uint8Array.from(lz4.compress(d));
    assert.deepEqual(decodeLz4Frames(frame, d.length), d);
  }
});

test('LZ4: lies about sizes are refused without allocating them', () => {
  const d = new Uint8Array(5000).fill(3);
  const frame = Uint8Array.from(lz4.compress(d));
  // declared length larger than LZ4 could ever produce from these bytes: refused before allocating 4 GB
  assert.throws(() => decodeLz4Frames(frame, 4 * 2 ** 30), (e: unknown) => e instanceof Lz4FormatError && /more than LZ4 can expand/.test(e.message));
  // declared shorter / longer than the data
  assert.throws(() => decodeLz4Frames(frame, 4999), /more than the declared 4999 bytes/);
  assert.throws(() => decodeLz4Frames(frame, 5001), /decodes to 5000 bytes, not the declared 5001/);
  // a content-size field claiming 4 GiB
  const lying = new Uint8Array(frame.length + 8);
  lying.set(frame.subarray(0, 6));
  lying[4] = lying[4]! | 0x08;
  new DataView(lying.buffer).setUint32(10, 1, true); // 2^32
  lying.set(frame.subarray(6), 14);
  assert.throws(() => decodeLz4Frames(lying, 5000), /the frame claims 4294967296 bytes but only 5000 are expected/);
  // truncated frame, bad magic, a match reaching before the start
  assert.throws(() => decodeLz4Frames(frame.subarray(0, frame.length - 6), 5000), Lz4FormatError);
  const bad = frame.slice();
  bad[0] = 0;
  assert.throws(() => decodeLz4Frames(bad, 5000), /bad frame magic/);
  const backRef = Uint8Array.from([0x04, 0x22, 0x4d, 0x18, 0x40, 0x70, 0x00, 6, 0, 0, 0, 0x10, 0x41, 0x09, 0x00, 0x00, 0x00, 0, 0, 0, 0]);
  assert.throws(() => decodeLz4Frames(backRef, 100), /before the start of the data/);
});

/** A zstd frame of raw and RLE blocks (RFC 8878), built by hand: a valid frame without entropy coding. */
function zstdFrame(blocks: ({ raw: Uint8Array } | { rle: number; n: number })[], opts: { fcs?: number; windowLog?: number } = {}): Uint8Array {
  const parts: number[] = [0x28, 0xb5, 0x2f, 0xfd];
  if (opts.fcs !== undefined) {
    parts.push(0x80 | 0x20); // FCS 4 bytes, single segment
    for (let k = 0; k < 4; k++) parts.push((opts.fcs >>> (8 * k)) & 255);
  } else {
    parts.push(0x00);
    parts.push(((opts.windowLog ?? 17) - 10) << 3);
  }
  blocks.forEach((b, i) => {
    const last = i === blocks.length - 1 ? 1 : 0;
    const [type, size] = 'raw' in b ? [0, b.raw.length] : [1, b.n];
    const h = last | (type << 1) | (size << 3);
    parts.push(h & 255, (h >>> 8) & 255, (h >>> 16) & 255);
    if ('raw' in b) parts.push(...b.raw);
    else parts.push(b.rle);
  });
  return Uint8Array.from(parts);
}

test('ZSTD: raw and RLE blocks decode exactly; frame headers are scanned first', () => {
  const raw = Uint8Array.from({ length: 300 }, (_, i) => i & 255);
  const f = zstdFrame([{ raw }, { rle: 7, n: 1000 }], { fcs: 1300 });
  const out = decodeZstdBounded(f, 1300);
  assert.deepEqual(out.subarray(0, 300), raw);
  assert.ok(out.subarray(300).every((x) => x === 7));
  assert.equal(scanZstdFrames(f).length, 1);
  // two frames in one buffer
  const two = new Uint8Array([...zstdFrame([{ raw: raw.subarray(0, 10) }]), ...zstdFrame([{ rle: 1, n: 5 }])]);
  assert.equal(decodeZstdBounded(two, 15).length, 15);
});

test('ZSTD: lies about sizes are refused before allocating', () => {
  const f = zstdFrame([{ rle: 0, n: 100_000 }], { fcs: 100_000 });
  assert.throws(() => decodeZstdBounded(f, 4 * 2 ** 30), (e: unknown) => e instanceof ZstdFormatError && /more than zstd can expand/.test(e.message));
  assert.throws(() => decodeZstdBounded(f, 50_000), /the frames claim 100000 bytes but 50000 are expected/);
  assert.throws(() => decodeZstdBounded(zstdFrame([{ rle: 0, n: 100 }], { windowLog: 31 }), 100), /asks for a 2147483648-byte window/);
  assert.throws(() => decodeZstdBounded(zstdFrame([{ rle: 0, n: 100 }]), 99), /more than the declared 99 bytes/);
  assert.throws(() => decodeZstdBounded(zstdFrame([{ rle: 0, n: 100 }]), 101), /decodes to 100 bytes, not the declared 101/);
  const cut = zstdFrame([{ raw: new Uint8Array(50) }]);
  assert.throws(() => decodeZstdBounded(cut.subarray(0, cut.length - 10), 50), /runs past the end/);
});

test('Arrow codec wrapper reads the uncompressed length Arrow stores before each buffer', () => {
  const body = new Uint8Array(8 + 4);
  new DataView(body.buffer).setBigInt64(0, 123456789n, true);
  assert.equal(declaredLength(body.subarray(8), 256), 123456789);
  new DataView(body.buffer).setBigInt64(0, -5n, true);
  assert.throws(() => declaredLength(body.subarray(8), 256), /invalid length/);
});
