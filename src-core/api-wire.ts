/**
 * The wire format of the IsothermApi over a byte stream (`isotherm serve`: browser ⇄ server over one
 * WebSocket), shared by both ends.
 * Every message is one binary frame: [u32 header length][header: UTF-8 JSON][padding to 8][typed array bytes].
 * Typed arrays inside the message travel as raw bytes; the JSON holds {"$ta": kind, "o": offset, "n": length}.
 * Pure TypeScript: no Node or DOM imports (the renderer bundles this file).
 */
import type { ProgressEvent } from './api.js';
import type { ApiErrorInfo } from './api-errors.js';

export type WireValue = null | boolean | number | string | Float32Array | Float64Array | Int32Array | Uint8Array | readonly WireValue[] | { readonly [k: string]: WireValue | undefined };

export type ClientMessage = { readonly type: 'call'; readonly id: number; readonly method: string; readonly args: readonly WireValue[] };

export type ServerMessage =
  | { readonly type: 'result'; readonly id: number; readonly ok: true; readonly value: WireValue }
  | { readonly type: 'result'; readonly id: number; readonly ok: false; readonly error: ApiErrorInfo }
  | { readonly type: 'progress'; readonly id: number; readonly event: ProgressEvent };

const KINDS = { Float32Array, Float64Array, Int32Array, Uint8Array } as const;
type KindName = keyof typeof KINDS;
type Typed = Float32Array | Float64Array | Int32Array | Uint8Array;

function kindOf(v: unknown): KindName | null {
  if (v instanceof Float32Array) return 'Float32Array';
  if (v instanceof Float64Array) return 'Float64Array';
  if (v instanceof Int32Array) return 'Int32Array';
  if (v instanceof Uint8Array) return 'Uint8Array';
  return null;
}

const align8 = (x: number): number => (x + 7) & ~7;

export function encodeMessage(message: unknown): Uint8Array {
  const arrays: Typed[] = [];
  let offset = 0;
  const offsets: number[] = [];
  const header = JSON.stringify(message, (_key, value: unknown) => {
    const kind = kindOf(value);
    if (kind === null) return value;
    const ta = value as Typed;
    arrays.push(ta);
    offsets.push(offset);
    const o = offset;
    offset = align8(offset + ta.byteLength);
    return { $ta: kind, o, n: ta.length };
  });
  const head = new TextEncoder().encode(header);
  const start = align8(4 + head.length);
  const out = new Uint8Array(start + offset);
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 4);
  arrays.forEach((ta, i) => out.set(new Uint8Array(ta.buffer, ta.byteOffset, ta.byteLength), start + offsets[i]!));
  return out;
}

export function decodeMessage(bytes: Uint8Array): unknown {
  if (bytes.byteLength < 4) throw new Error('message too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headLen = view.getUint32(0, true);
  if (4 + headLen > bytes.byteLength) throw new Error('message header overruns the frame');
  const header = new TextDecoder().decode(bytes.subarray(4, 4 + headLen));
  const start = align8(4 + headLen);
  // Copy the payload to a fresh, aligned buffer so typed views never straddle alignment.
  const payload = bytes.slice(start);
  return JSON.parse(header, (_key, value: unknown) => {
    if (value === null || typeof value !== 'object' || !('$ta' in value)) return value;
    const ref = value as { $ta: unknown; o: unknown; n: unknown };
    if (typeof ref.$ta !== 'string' || !(ref.$ta in KINDS) || !Number.isInteger(ref.o) || !Number.isInteger(ref.n)) throw new Error('bad typed-array reference');
    const Ctor = KINDS[ref.$ta as KindName];
    const o = ref.o as number;
    const n = ref.n as number;
    if (o < 0 || n < 0 || o % 8 !== 0 || o + n * Ctor.BYTES_PER_ELEMENT > payload.byteLength) throw new Error('typed array outside the frame');
    return new Ctor(payload.buffer, payload.byteOffset + o, n);
  });
}

interface Pending {
  resolve(v: WireValue): void;
  reject(e: Error): void;
  onProgress: ((e: ProgressEvent) => void) | undefined;
}

/**
 * The caller's side of calls answered by ServerMessages (over the WebSocket, or from the compute worker):
 * each call gets an id; its progress events go to its callback, its result settles its promise (a
 * failure as an Error with the original name).
 */
export class PendingCalls {
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  /** A new call: its id (to send with it) and the promise of its answer. */
  open(onProgress?: (e: ProgressEvent) => void): { readonly id: number; readonly answer: Promise<WireValue> } {
    const id = this.#nextId++;
    const answer = new Promise<WireValue>((resolve, reject) => this.#pending.set(id, { resolve, reject, onProgress }));
    return { id, answer };
  }

  receive(m: ServerMessage): void {
    const p = this.#pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') {
      p.onProgress?.(m.event);
      return;
    }
    this.#pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else {
      const e = new Error(m.error.message);
      e.name = m.error.name;
      p.reject(e);
    }
  }

  /** Every open call fails with `e` (the connection or the worker is gone). */
  failAll(e: Error): void {
    for (const p of this.#pending.values()) p.reject(e);
    this.#pending.clear();
  }
}
