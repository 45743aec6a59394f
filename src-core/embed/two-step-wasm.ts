/**
 * The accumulation of one row of T² (two-step-rows.ts) as a hand-assembled WebAssembly function: the
 * same operations in the same order as the JavaScript loop — IEEE float64 division, product and sum, no
 * fused multiply-add — so the same bits, at about half the time (no bounds checks; measured on mouse10k).
 *
 *   row(i, indptr, indices, values, rowSum, acc, mark, touched) → t
 *     for each stored j of row i with rowSum[j] > 0: f = values[q] / rowSum[i] / rowSum[j];
 *       for each stored l of row j: touched[t] = l; t += (mark[l] < i); mark[l] = i; acc[l] += f · values[r]
 *     with mark[i] = i first and acc[i] = 0 last (the walk's returns to i are never listed)
 * All arguments after i are byte offsets into the module's memory. W must have no self-loops.
 */
import { get, HEADER, i32c, lazyModule, leb, name, section, set, tee, vec, wasm } from '../compute/wasm-assemble.js';
import { radixPlan, sparsifyModule, sparsifyPasses, type SparsifyPasses } from './sparsify-wasm.js';
import type { SparsifyWork } from './two-step-rows.js';

function moduleBytes(): Uint8Array {
  const f64zero = [0x44, 0, 0, 0, 0, 0, 0, 0, 0];
  const [I32, F64] = [0x7f, 0x7c];
  const [ADD, SUB, SHL, SHR_S, GE_S] = [0x6a, 0x6b, 0x74, 0x75, 0x4e];
  const [F64ADD, F64MUL, F64DIV, F64GT] = [0xa0, 0xa2, 0xa3, 0x64];
  const [LOAD_I32, LOAD_F64, STORE_I32, STORE_F64] = [[0x28, 2, 0], [0x2b, 3, 0], [0x36, 2, 0], [0x39, 3, 0]];
  // params 0 i, 1 indptr, 2 indices, 3 values, 4 rowSum, 5 acc, 6 mark, 7 touched;
  // locals 8 q, 9 qEnd, 10 j, 11 r, 12 end, 13 l, 14 t (i32), 15 f, 16 rowSum[i] (f64).
  const at4 = (base: number, idx: number): number[] => [...get(base), ...get(idx), ...i32c(2), SHL, ADD];
  const at8 = (base: number, idx: number): number[] => [...get(base), ...get(idx), ...i32c(3), SHL, ADD];
  const next4 = (base: number, idx: number): number[] => [...get(base), ...get(idx), ...i32c(1), ADD, ...i32c(2), SHL, ADD];
  const body = [
    ...vec([[7, I32], [2, F64]]),
    ...at4(6, 0), ...get(0), ...STORE_I32, // mark[i] = i
    ...at8(4, 0), ...LOAD_F64, ...set(16),
    ...at4(1, 0), ...LOAD_I32, ...set(8),
    ...next4(1, 0), ...LOAD_I32, ...set(9),
    0x02, 0x40, 0x03, 0x40, // block, loop over q
    ...get(8), ...get(9), GE_S, 0x0d, 1,
    ...at4(2, 8), ...LOAD_I32, ...set(10),
    ...at8(4, 10), ...LOAD_F64, ...tee(15), ...f64zero, F64GT,
    0x04, 0x40, // if rowSum[j] > 0
    ...at8(3, 8), ...LOAD_F64, ...get(16), F64DIV, ...get(15), F64DIV, ...set(15), // f = values[q] / rowSum[i] / rowSum[j]
    ...at4(1, 10), ...LOAD_I32, ...set(11),
    ...next4(1, 10), ...LOAD_I32, ...set(12),
    0x02, 0x40, 0x03, 0x40, // block, loop over r
    ...get(11), ...get(12), GE_S, 0x0d, 1,
    ...at4(2, 11), ...LOAD_I32, ...set(13),
    ...at4(7, 14), ...get(13), ...STORE_I32, // touched[t] = l
    ...get(14), ...at4(6, 13), ...LOAD_I32, ...get(0), SUB, ...i32c(31), SHR_S, SUB, ...set(14), // t -= (mark[l] − i) >> 31
    ...at4(6, 13), ...get(0), ...STORE_I32, // mark[l] = i
    ...at8(5, 13), ...at8(5, 13), ...LOAD_F64, ...get(15), ...at8(3, 11), ...LOAD_F64, F64MUL, F64ADD, ...STORE_F64, // acc[l] += f · values[r]
    ...get(11), ...i32c(1), ADD, ...set(11),
    0x0c, 0, 0x0b, 0x0b, // br loop; end loop; end block
    0x0b, // end if
    ...get(8), ...i32c(1), ADD, ...set(8),
    0x0c, 0, 0x0b, 0x0b,
    ...at8(5, 0), ...f64zero, ...STORE_F64, // acc[i] = 0
    ...get(14),
    0x0b,
  ];
  return new Uint8Array([
    ...HEADER,
    ...section(1, vec([[0x60, 8, I32, I32, I32, I32, I32, I32, I32, I32, 1, I32]])),
    ...section(2, [1, ...name('env'), ...name('mem'), 0x02, 0x00, ...leb(1)]),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name('row'), 0x00, 0]])),
    ...section(10, vec([[...leb(body.length), ...body]])),
  ]);
}

const rowModule = lazyModule(moduleBytes);

/** One row's accumulation over W copied into WebAssembly memory, with acc / mark / touched as views of it. */
export interface WalkRowEngine {
  readonly acc: Float64Array;
  readonly mark: Int32Array;
  readonly touched: Int32Array;
  /** Accumulates row i into acc, lists its partners in touched in first-visit order; returns their number. */
  row(i: number): number;
  /** `sparsifyRow`'s arrays in the same memory and its loops there (sparsify-wasm.ts), on touched / acc; null when not asked for or not available. */
  readonly sparsify: EngineSparsify | null;
}

/** `sparsifyRow`'s scratch (two-step-rows.ts) as views of the engine's memory, with its loops there. */
export interface EngineSparsify extends SparsifyWork {
  readonly passes: SparsifyPasses;
  /** a[0..t) sorted (ColumnSorter's order) by the radix pass; a must be a view of this engine's memory (touched, keptCols). */
  sortColumns(a: Int32Array, t: number): Int32Array;
}

/**
 * A copy of W per call (per block of rows on the kernel pool, and only for blocks of at least n/8 rows:
 * two-step-rows.ts): a few MB at 10k cells. Above this size the JavaScript loop runs instead, so that one
 * copy per busy thread stays within a few hundred MB.
 */
const MAX_BYTES = 2 ** 28;

/**
 * The engine for W (no self-loops) and its row sums, or null without WebAssembly or memory for it;
 * `sparsify`: with the sparsification's arrays and loops too (48 more bytes per cell).
 */
export function walkRowEngine(indptr: Int32Array, indices: Int32Array, values: Float64Array, rowSum: Float64Array, sparsify = false): WalkRowEngine | null {
  const mod = rowModule();
  if (!wasm || !mod) return null;
  const sparsifyMod = sparsify ? sparsifyModule() : null;
  const n = rowSum.length;
  const nnz = indices.length;
  let bytes = 0;
  const place = (size: number): number => {
    const at = bytes;
    bytes += Math.ceil(size / 64) * 64;
    return at;
  };
  const [ip, ix, va, rs, ac, mk, to] = [place(4 * (n + 1)), place(4 * nnz), place(8 * nnz), place(8 * n), place(8 * n), place(4 * n), place(4 * n)];
  const sp = sparsifyMod ? { touched: to, acc: ac, vals: place(8 * n), pos: place(4 * (n + 1)), keptCols: place(4 * n), keptVals: place(8 * n), scratch: place(8 * n), flag: place(4), spare: place(4 * n), count: place(4 * ((1 << radixPlan(n).bits) + 1)), n } : null;
  if (bytes > MAX_BYTES) return null;
  let buffer: ArrayBufferLike;
  let row: (...a: number[]) => number;
  let passes: SparsifyPasses | null = null;
  try {
    const memory = new wasm.Memory({ initial: Math.ceil(bytes / 65536) });
    row = new wasm.Instance(mod, { env: { mem: memory } }).exports['row'] as (...a: number[]) => number;
    if (sparsifyMod && sp) passes = sparsifyPasses(new wasm.Instance(sparsifyMod, { env: { mem: memory } }).exports, sp);
    buffer = memory.buffer;
  } catch {
    return null;
  }
  new Int32Array(buffer, ip, n + 1).set(indptr.subarray(0, n + 1));
  new Int32Array(buffer, ix, nnz).set(indices);
  new Float64Array(buffer, va, nnz).set(values);
  new Float64Array(buffer, rs, n).set(rowSum);
  const mark = new Int32Array(buffer, mk, n).fill(-1);
  const sparsifyViews =
    sp && passes
      ? { vals: new Float64Array(buffer, sp.vals, n), pos: new Int32Array(buffer, sp.pos, n + 1), keptCols: new Int32Array(buffer, sp.keptCols, n), keptVals: new Float64Array(buffer, sp.keptVals, n), scratch: new Float64Array(buffer, sp.scratch, n), flag: new Int32Array(buffer, sp.flag, 1), passes, sortColumns: (a: Int32Array, t: number) => new Int32Array(buffer, passes!.radix(a.byteOffset, t), t) }
      : null;
  return { acc: new Float64Array(buffer, ac, n), mark, touched: new Int32Array(buffer, to, n), row: (i) => row(i, ip, ix, va, rs, ac, mk, to), sparsify: sparsifyViews };
}
