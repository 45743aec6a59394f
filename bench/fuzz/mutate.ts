/**
 * Seeded mutations of a file's bytes: truncation, bit flips, length-field edits (integers at aligned
 * offsets, preferring the head and tail where headers, footers and length prefixes live, and the
 * words after Arrow's 0xFFFFFFFF continuation markers), chunk swaps, and for text a few line and
 * number edits. Every case is reproducible from (seed, case index).
 */

import { mulberry32 } from '../../src-core/linalg/random.js';

/** Small fast PRNG (mulberry32 seeded with `seed` itself). */
export const prng = mulberry32;

/** The seed of case `i` of a run seeded with `seed`. */
export function caseSeed(seed: number, i: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (i + 0x85ebca6b), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

type Rand = () => number;
const int = (r: Rand, n: number): number => Math.floor(r() * n);

export type MutationKind = 'truncate' | 'bitflip' | 'length' | 'swap' | 'text';

function truncate(b: Uint8Array, r: Rand): Uint8Array {
  // mostly near the end (footers), sometimes anywhere
  const cut = r() < 0.5 ? Math.max(0, b.length - 1 - int(r, Math.min(64, b.length))) : int(r, b.length);
  return b.slice(0, cut);
}

function bitflip(b: Uint8Array, r: Rand): Uint8Array {
  const out = b.slice();
  const n = 1 + int(r, 8);
  for (let k = 0; k < n && out.length; k++) out[int(r, out.length)]! ^= 1 << int(r, 8);
  return out;
}

const INTERESTING = [0, 1, -1, 2, 7, 8, 0x7f, 0x80, 0xff, 0x7fff, 0xffff, 0x7fffffff, -0x80000000, 0xffffffff, 2 ** 31, 2 ** 40, 2 ** 53 - 1];

/** Offsets worth editing: the first/last 256 bytes, the words after 0xFFFFFFFF, and anywhere. */
function lengthSite(b: Uint8Array, r: Rand): number {
  const roll = r();
  if (roll < 0.3) return int(r, Math.min(256, b.length));
  if (roll < 0.5) return Math.max(0, b.length - 1 - int(r, Math.min(256, b.length)));
  if (roll < 0.7) {
    const markers: number[] = [];
    for (let i = 0; i + 8 <= b.length && markers.length < 512; i += 4) {
      if (b[i] === 0xff && b[i + 1] === 0xff && b[i + 2] === 0xff && b[i + 3] === 0xff) markers.push(i + 4);
    }
    if (markers.length) return markers[int(r, markers.length)]!;
  }
  return int(r, b.length);
}

function lengthEdit(b: Uint8Array, r: Rand): Uint8Array {
  if (b.length < 8) return bitflip(b, r);
  const out = b.slice();
  const width = [2, 4, 8][int(r, 3)]!;
  const at = Math.min(out.length - width, lengthSite(b, r) & ~(width - 1));
  const dv = new DataView(out.buffer);
  const old = width === 2 ? dv.getUint16(at, true) : width === 4 ? dv.getUint32(at, true) : Number(dv.getBigUint64(at, true));
  const pick = r();
  const v = pick < 0.5 ? INTERESTING[int(r, INTERESTING.length)]! : pick < 0.7 ? old * 2 ** (1 + int(r, 16)) : pick < 0.85 ? old + 1 : old - 1;
  const wrapped = ((v % 2 ** (8 * width)) + 2 ** (8 * width)) % 2 ** (8 * width);
  if (width === 2) dv.setUint16(at, wrapped & 0xffff, true);
  else if (width === 4) dv.setUint32(at, wrapped >>> 0, true);
  else dv.setBigUint64(at, BigInt(Math.floor(wrapped)) & 0xffffffffffffffffn, true);
  return out;
}

function swap(b: Uint8Array, r: Rand): Uint8Array {
  if (b.length < 4) return bitflip(b, r);
  const len = 1 + int(r, Math.max(1, Math.min(4096, b.length >> 2)));
  const a = int(r, b.length - len + 1);
  let c = int(r, b.length - len + 1);
  if (Math.abs(c - a) < len) c = (a + len) % Math.max(1, b.length - len + 1);
  const out = b.slice();
  out.set(b.subarray(c, c + len), a);
  out.set(b.subarray(a, a + len), c);
  return out;
}

const TEXT_EDITS = ['"', '""', '\n', '\r', ',', '\t', 'NaN', '1e999', '-', '', '\u0000', '\uFFFD', 'é'];

function textEdit(b: Uint8Array, r: Rand): Uint8Array {
  const s = Buffer.from(b).toString('latin1');
  const lines = s.split('\n');
  const roll = r();
  if (roll < 0.3 && lines.length > 2) {
    const i = 1 + int(r, lines.length - 1);
    if (r() < 0.5) lines.splice(i, 1); else lines.splice(i, 0, lines[i]!);
    return Buffer.from(lines.join('\n'), 'latin1');
  }
  if (roll < 0.6) {
    const m = [...s.matchAll(/\d+(\.\d+)?/g)];
    if (m.length) {
      const hit = m[int(r, m.length)]!;
      const rep = ['99999999999999999999', '1e999', '-1', 'NaN', '0x10', '', '3.4e39'][int(r, 7)]!;
      return Buffer.from(s.slice(0, hit.index) + rep + s.slice(hit.index! + hit[0].length), 'latin1');
    }
  }
  const at = int(r, s.length + 1);
  return Buffer.from(s.slice(0, at) + TEXT_EDITS[int(r, TEXT_EDITS.length)]! + s.slice(at), 'utf8');
}

const BINARY: readonly MutationKind[] = ['truncate', 'bitflip', 'length', 'length', 'swap'];
const TEXT: readonly MutationKind[] = ['truncate', 'bitflip', 'swap', 'text', 'text'];

/** Applies 1-3 seeded mutations; returns the new bytes and what was done. */
export function mutate(bytes: Uint8Array, seed: number, isText: boolean): { bytes: Uint8Array; kinds: MutationKind[] } {
  const r = prng(seed);
  const kinds: MutationKind[] = [];
  let b = bytes;
  const n = 1 + (r() < 0.7 ? 0 : int(r, 3));
  for (let k = 0; k < n; k++) {
    const pool = isText ? TEXT : BINARY;
    const kind = pool[int(r, pool.length)]!;
    kinds.push(kind);
    b = kind === 'truncate' ? truncate(b, r) : kind === 'bitflip' ? bitflip(b, r) : kind === 'length' ? lengthEdit(b, r) : kind === 'swap' ? swap(b, r) : textEdit(b, r);
  }
  return { bytes: b, kinds };
}
