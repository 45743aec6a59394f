/**
 * Squared Euclidean distances with WebAssembly SIMD over points held in a WebAssembly memory that all
 * threads share: the inner loop of the approximate-kNN kernels. A hand-assembled module of three
 * functions over rows padded with zeros to a multiple of 8 floats:
 *   sq(a, b, end, limit)                 one distance (rows at byte offsets a and b; end = a + row bytes)
 *   batch(a, end, rows, limits, out, count, rowBytes)
 *                                        out[q] = distance from row a to row rows[q], q < count
 *   dot(rows, count, dir, out, rowBytes) out[q] = row rows[q] · dir (random-projection splits)
 * Each sums (a − b)² in four float32 lanes, 8 coordinates per step, and stops as soon as the sum so far
 * reaches the limit (so a value is exact only when below its limit). The lanes are always added in the
 * same order, so a completed distance is the same number from either function and in every thread.
 * `batch` exists because a call from JavaScript into WebAssembly costs about as much as a distance:
 * one call per row pair would spend half the time crossing.
 *
 * Each thread claims its own slot of the memory (after the points) for `batch`'s arrays. Without
 * WebAssembly SIMD the same layout is read by JavaScript loops (float64 sums); a process uses one or
 * the other throughout, so results never mix the two.
 */
import { get, HEADER, i32c, lazyModule, leb, name, section, set, tee, vec, wasm, type WasmMemory } from './wasm-assemble.js';

/** Floats per padded row (multiple of 8: two SIMD vectors per step). */
export function paddedStride(d: number): number {
  return Math.max(8, Math.ceil(d / 8) * 8);
}

/** Rows per `batch` call. */
export const BATCH = 512;
/** Threads that can claim a batch slot in one store's memory. */
const SLOTS = 32;
/** A slot: rows, limits, out (BATCH each), then a direction vector of one row. */
const slotBytes = (stride: number): number => Math.ceil((BATCH * 12 + stride * 4) / 64) * 64;

export interface PointStore {
  readonly n: number;
  readonly d: number;
  /** Floats per row (≥ d, zero padded). */
  readonly stride: number;
  /** Shared WebAssembly memory holding the rows from byte 0, then the batch slots; null: plain arrays. */
  readonly memory: WasmMemory | null;
  /** The rows (n × stride) — a view of `memory` when there is one. */
  readonly x: Float32Array;
}

/** A thread's distance functions over a store. */
export interface SqDistEngine {
  /** Squared distance of rows a and b, abandoned (a value ≥ limit) once it reaches `limit`. */
  one(a: number, b: number, limit: number): number;
  /** Inputs of `batch`: up to BATCH row numbers and their limits. */
  readonly rows: Int32Array;
  readonly limits: Float32Array;
  /** Output of `batch`. */
  readonly out: Float32Array;
  /** out[q] = one(a, rows[q], limits[q]) for q < count. */
  batch(a: number, count: number): void;
  /** Input of `project`: a direction (stride floats, zero past d). */
  readonly dir: Float32Array;
  /** out[q] = row rows[q] · dir for q < count (four float32 lanes, added in a fixed order). */
  project(count: number): void;
}

function moduleBytes(): Uint8Array {
  const simd = (op: number): number[] => [0xfd, ...leb(op)];
  const [I32, F32, V128] = [0x7f, 0x7d, 0x7b];
  const [ADD_I32, MUL_I32, SHL_I32, LT_U, GE_U, AND_I32, ADD_F32, LT_F32] = [0x6a, 0x6c, 0x74, 0x49, 0x4f, 0x71, 0x92, 0x5d];
  const [LOAD_I32, LOAD_F32, STORE_F32] = [[0x28, 2, 0], [0x2a, 2, 0], [0x38, 2, 0]];
  const v128load = (offset: number): number[] => [...simd(0x00), 4, ...leb(offset)];
  const [F32X4_ADD, F32X4_SUB, F32X4_MUL, F32X4_LANE] = [0xe4, 0xe5, 0xe6, 0x1f];
  /**
   * The distance loop over locals a, b (byte offsets), end, limit, acc, t, s: starts from acc = 0 and
   * leaves the sum (or the partial sum ≥ limit) in s.
   */
  const distanceLoop = (a: number, b: number, end: number, limit: number, acc: number, t: number, s: number): number[] => {
    const square = (offset: number): number[] => [...get(a), ...v128load(offset), ...get(b), ...v128load(offset), ...simd(F32X4_SUB), ...tee(t), ...get(t), ...simd(F32X4_MUL), ...simd(F32X4_ADD)];
    const lane = (l: number): number[] => [...get(acc), ...simd(F32X4_LANE), l];
    return [
      ...simd(0x0c), ...new Array<number>(16).fill(0), ...set(acc), // acc = 0
      0x03, 0x40, // loop
      ...get(acc), ...square(0), ...square(16), ...set(acc),
      ...lane(0), ...lane(1), ADD_F32, ...lane(2), ...lane(3), ADD_F32, ADD_F32, ...set(s), // s = (l0 + l1) + (l2 + l3)
      ...get(a), ...i32c(32), ADD_I32, ...set(a), ...get(b), ...i32c(32), ADD_I32, ...set(b),
      ...get(s), ...get(limit), LT_F32, ...get(a), ...get(end), LT_U, AND_I32, 0x0d, 0, // br_if (s < limit && a < end)
      0x0b,
    ];
  };
  // sq: params 0 a, 1 b, 2 end, 3 limit; locals 4 acc, 5 t, 6 s.
  const sqBody = [...vec([[2, V128], [1, F32]]), ...distanceLoop(0, 1, 2, 3, 4, 5, 6), ...get(6), 0x0b];
  // batch: params 0 a0, 1 end, 2 rows, 3 limits, 4 out, 5 count, 6 rowBytes;
  // locals 7 q (bytes), 8 qEnd, 9 a, 10 b, 11 acc, 12 t, 13 s, 14 limit.
  const batchBody = [
    ...vec([[4, I32], [2, V128], [2, F32]]),
    ...get(5), ...i32c(2), SHL_I32, ...set(8),
    0x02, 0x40, // block
    ...i32c(0), ...get(8), GE_U, 0x0d, 0, // count = 0: done
    0x03, 0x40, // loop over q
    ...get(0), ...set(9),
    ...get(2), ...get(7), ADD_I32, ...LOAD_I32, ...get(6), MUL_I32, ...set(10),
    ...get(3), ...get(7), ADD_I32, ...LOAD_F32, ...set(14),
    ...distanceLoop(9, 10, 1, 14, 11, 12, 13),
    ...get(4), ...get(7), ADD_I32, ...get(13), ...STORE_F32,
    ...get(7), ...i32c(4), ADD_I32, ...tee(7), ...get(8), LT_U, 0x0d, 0,
    0x0b, // end loop
    0x0b, // end block
    0x0b,
  ];
  // dot: params 0 rows, 1 count, 2 dir, 3 out, 4 rowBytes; locals 5 q, 6 qEnd, 7 a, 8 p, 9 end, 10 acc, 11 s.
  const mulAdd = (offset: number): number[] => [...get(7), ...v128load(offset), ...get(8), ...v128load(offset), ...simd(F32X4_MUL), ...simd(F32X4_ADD)];
  const dotLane = (l: number): number[] => [...get(10), ...simd(F32X4_LANE), l];
  const dotBody = [
    ...vec([[5, I32], [1, V128], [1, F32]]),
    ...get(1), ...i32c(2), SHL_I32, ...set(6),
    0x02, 0x40,
    ...i32c(0), ...get(6), GE_U, 0x0d, 0,
    0x03, 0x40, // loop over q
    ...get(0), ...get(5), ADD_I32, ...LOAD_I32, ...get(4), MUL_I32, ...tee(7), ...get(4), ADD_I32, ...set(9),
    ...get(2), ...set(8),
    ...simd(0x0c), ...new Array<number>(16).fill(0), ...set(10),
    0x03, 0x40, // loop over the row
    ...get(10), ...mulAdd(0), ...mulAdd(16), ...set(10),
    ...get(7), ...i32c(32), ADD_I32, ...set(7), ...get(8), ...i32c(32), ADD_I32, ...set(8),
    ...get(7), ...get(9), LT_U, 0x0d, 0,
    0x0b,
    ...dotLane(0), ...dotLane(1), ADD_F32, ...dotLane(2), ...dotLane(3), ADD_F32, ADD_F32, ...set(11),
    ...get(3), ...get(5), ADD_I32, ...get(11), ...STORE_F32,
    ...get(5), ...i32c(4), ADD_I32, ...tee(5), ...get(6), LT_U, 0x0d, 0,
    0x0b,
    0x0b,
    0x0b,
  ];
  return new Uint8Array([
    ...HEADER,
    ...section(1, vec([[0x60, 4, I32, I32, I32, F32, 1, F32], [0x60, 7, I32, I32, I32, I32, I32, I32, I32, 0], [0x60, 5, I32, I32, I32, I32, I32, 0]])),
    ...section(2, [1, ...name('env'), ...name('mem'), 0x02, 0x03, ...leb(1), ...leb(65536)]), // shared memory, ≤ 4 GiB
    ...section(3, vec([[0], [1], [2]])),
    ...section(7, vec([[...name('sq'), 0x00, 0], [...name('batch'), 0x00, 1], [...name('dot'), 0x00, 2]])),
    ...section(10, vec([[...leb(sqBody.length), ...sqBody], [...leb(batchBody.length), ...batchBody], [...leb(dotBody.length), ...dotBody]])),
  ]);
}

const simdModule = lazyModule(moduleBytes);

let nextStoreId = Math.floor(Math.random() * 0x3fffffff);

/** Bytes of the rows, rounded to 64 (the slot header follows). */
const rowsBytes = (n: number, stride: number): number => Math.ceil((n * stride * 4) / 64) * 64;

/**
 * Copies rows (in the given order, if any) into a store every thread can read: a shared WebAssembly
 * memory when SIMD is available (whatever the thread count, so that every run computes the same
 * distances), else a SharedArrayBuffer (or a plain array where there is none).
 */
export function createPointStore(points: Float32Array, n: number, d: number, order: Int32Array | null = null): PointStore {
  const stride = paddedStride(d);
  const bytes = rowsBytes(n, stride) + 64 + SLOTS * slotBytes(stride);
  let memory: WasmMemory | null = null;
  if (wasm && simdModule() && bytes <= 2 ** 32 - 65536) {
    try {
      const pages = Math.ceil(bytes / 65536);
      memory = new wasm.Memory({ initial: pages, maximum: pages, shared: true });
    } catch {
      memory = null;
    }
  }
  const x = memory
    ? new Float32Array(memory.buffer, 0, n * stride)
    : new Float32Array(typeof SharedArrayBuffer !== 'undefined' ? new SharedArrayBuffer(n * stride * 4) : new ArrayBuffer(n * stride * 4));
  for (let p = 0; p < n; p++) {
    const i = order ? order[p]! : p;
    x.set(points.subarray(i * d, (i + 1) * d), p * stride);
  }
  if (memory) new Int32Array(memory.buffer, rowsBytes(n, stride), 2)[1] = ++nextStoreId; // header: [slots claimed, store id]
  return { n, d, stride, memory, x };
}

/**
 * Engines of this thread, by store id (a store's memory arrives as a new object with every task, so
 * the id written in its header is what identifies it). Only the latest stores are kept, so that a
 * helper thread does not hold on to the memory of finished searches.
 */
const engines = new Map<number, SqDistEngine>();

/** Reorders a store's rows in place: row p becomes the old row order[p] (cycle by cycle, one row of scratch). */
export function permuteRows(store: PointStore, order: Int32Array): void {
  const { x, stride, n } = store;
  const done = new Uint8Array(n);
  const tmp = new Float32Array(stride);
  for (let start = 0; start < n; start++) {
    if (done[start] || order[start] === start) continue;
    tmp.set(x.subarray(start * stride, (start + 1) * stride));
    let p = start;
    for (;;) {
      done[p] = 1;
      const from = order[p]!;
      if (from === start) {
        x.set(tmp, p * stride);
        break;
      }
      x.copyWithin(p * stride, from * stride, (from + 1) * stride);
      p = from;
    }
  }
}
const KEEP = 2;

/** This thread's distance engine for a store. */
export function sqDistOf(store: PointStore): SqDistEngine {
  if (!store.memory) return jsEngine(store);
  const id = new Int32Array(store.memory.buffer, rowsBytes(store.n, store.stride), 2)[1]!;
  let e = engines.get(id);
  if (e) {
    // Most recently used last: a search's store and the refinement's both stay while they are in use.
    engines.delete(id);
    engines.set(id, e);
  } else {
    e = wasmEngine(store, store.memory) ?? jsEngine(store);
    engines.set(id, e);
    if (engines.size > KEEP) engines.delete(engines.keys().next().value!);
  }
  return e;
}

type SqFn = (a: number, b: number, end: number, limit: number) => number;
type BatchFn = (a: number, end: number, rows: number, limits: number, out: number, count: number, rowBytes: number) => void;
type DotFn = (rows: number, count: number, dir: number, out: number, rowBytes: number) => void;

function wasmEngine(store: PointStore, memory: WasmMemory): SqDistEngine | null {
  const mod = simdModule();
  if (!wasm || !mod) return null;
  const header = rowsBytes(store.n, store.stride);
  const slot = Atomics.add(new Int32Array(memory.buffer, header, 1), 0, 1);
  if (slot >= SLOTS) return null;
  const exports = new wasm.Instance(mod, { env: { mem: memory } }).exports;
  const sq = exports['sq'] as SqFn;
  const run = exports['batch'] as BatchFn;
  const dot = exports['dot'] as DotFn;
  const base = header + 64 + slot * slotBytes(store.stride);
  const rowBytes = store.stride * 4;
  return {
    one: (a, b, limit) => sq(a * rowBytes, b * rowBytes, (a + 1) * rowBytes, limit),
    rows: new Int32Array(memory.buffer, base, BATCH),
    limits: new Float32Array(memory.buffer, base + 4 * BATCH, BATCH),
    out: new Float32Array(memory.buffer, base + 8 * BATCH, BATCH),
    batch: (a, count) => run(a * rowBytes, (a + 1) * rowBytes, base, base + 4 * BATCH, base + 8 * BATCH, count, rowBytes),
    dir: new Float32Array(memory.buffer, base + 12 * BATCH, store.stride),
    project: (count) => dot(base, count, base + 12 * BATCH, base + 8 * BATCH, rowBytes),
  };
}

function jsEngine(store: PointStore): SqDistEngine {
  const { x, stride, d } = store;
  const one = (a: number, b: number, limit: number): number => {
    const ab = a * stride;
    const bb = b * stride;
    let s = 0;
    let c = 0;
    for (;;) {
      const end = c + 8 < d ? c + 8 : d;
      for (; c < end; c++) {
        const t = x[ab + c]! - x[bb + c]!;
        s += t * t;
      }
      if (c >= d || s >= limit) return Math.fround(s);
    }
  };
  const rows = new Int32Array(BATCH);
  const limits = new Float32Array(BATCH);
  const out = new Float32Array(BATCH);
  const dir = new Float32Array(stride);
  return {
    one,
    rows,
    limits,
    out,
    batch: (a, count) => {
      for (let q = 0; q < count; q++) out[q] = one(a, rows[q]!, limits[q]!);
    },
    dir,
    project: (count) => {
      for (let q = 0; q < count; q++) {
        const base = rows[q]! * stride;
        let s = 0;
        for (let c = 0; c < d; c++) s += x[base + c]! * dir[c]!;
        out[q] = s;
      }
    },
  };
}
