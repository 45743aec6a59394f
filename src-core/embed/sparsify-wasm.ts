/**
 * The three loops over a whole row in `sparsifyRow` (two-step-rows.ts) as hand-assembled WebAssembly
 * functions on the walk engine's memory (two-step-wasm.ts): the same IEEE float64 comparisons, sums,
 * divisions, products, floor and min in the same order as the JavaScript loops beside them, so the same
 * bits, without bounds checks (measured on mouse10k: the JavaScript loops were ~2–3 ns per entry, most
 * of the sparsification's time; JavaScript's quickselect ~1.5 µs for 100 values).
 *
 *   gather(t, guess, touched, acc, vals, pos) → c
 *     for s < t: l = touched[s]; v = acc[l]; acc[l] = 0; vals[s] = v; pos[c] = s; c += (v ≥ guess)
 *   tail(kept, t, cols, vals, pos, flag) → mass      (pos[kept] = t set by the caller)
 *     the entries between the kept positions pos[0..kept), in order: mass += v; flag &= (v ≥ 0);
 *     cols[m] = cols[s]; vals[m++] = mass   (flag: an i32 set to 1 first)
 *   draws(m, kept, draws, step, fast, margin, cols, vals, keptCols, keptVals) → kept
 *     before = 0, next = fast ? 0.5·step·margin : −∞; for s < m with cum = vals[s] ≥ next (or NaN):
 *     after = floor(cum/step + 0.5); hits = min(draws, after) − before; if hits > 0 append
 *     (cols[s], hits·step); before = after; next = fast ∧ before ≥ 0 ? (before + 0.5)·step·margin : −∞
 *   largest(a, len, k) → the k-th largest (0-based) of a[0..len) by quickselect: any exact selection gives
 *     the same number (the row's values are finite, and only compared with it afterwards)
 *   radix(a, t, spare, count, passes, bits) → the byte offset of a[0..t) sorted (a or spare): LSD radix
 *     sort, a counting sort per digit of `bits` bits (the kept columns, two-step-rows.ts: ColumnSorter)
 * Array arguments are byte offsets into the module's memory.
 */
import { get, HEADER, i32c, lazyModule, leb, name, section, set, tee, vec } from '../compute/wasm-assemble.js';

const [I32, F64] = [0x7f, 0x7c];
const [ADD, SUB, SHL, SHR_S, SHR_U, AND, EQ, LT_S, GE_S, GT_S, EQZ] = [0x6a, 0x6b, 0x74, 0x75, 0x76, 0x71, 0x46, 0x48, 0x4e, 0x4a, 0x45];
const SELECT = 0x1b;
const RETURN = 0x0f;
const [F64ADD, F64SUB, F64MUL, F64DIV, F64MIN, F64FLOOR, F64LT, F64GT, F64GE] = [0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0x9c, 0x63, 0x64, 0x66];
const [LOAD_I32, LOAD_F64, STORE_I32, STORE_F64] = [[0x28, 2, 0], [0x2b, 3, 0], [0x36, 2, 0], [0x39, 3, 0]];
const [BLOCK, LOOP, IF, ELSE, END, BR, BR_IF, VOID] = [0x02, 0x03, 0x04, 0x05, 0x0b, 0x0c, 0x0d, 0x40];
const f64c = (v: number): number[] => [0x44, ...new Uint8Array(new Float64Array([v]).buffer)];
const at4 = (base: number, idx: number): number[] => [...get(base), ...get(idx), ...i32c(2), SHL, ADD];
const at8 = (base: number, idx: number): number[] => [...get(base), ...get(idx), ...i32c(3), SHL, ADD];
const inc = (l: number): number[] => [...get(l), ...i32c(1), ADD, ...set(l)];
/** while (a < b) { body } with a, b i32 locals. */
const whileLt = (a: number, b: number, body: number[]): number[] => [BLOCK, VOID, LOOP, VOID, ...get(a), ...get(b), GE_S, BR_IF, 1, ...body, BR, 0, END, END];

function gatherBody(): number[] {
  // params 0 t, 1 guess (f64), 2 touched, 3 acc, 4 vals, 5 pos; locals 6 s, 7 c, 8 l (i32), 9 v (f64)
  return [
    ...vec([[3, I32], [1, F64]]),
    ...whileLt(6, 0, [
      ...at4(2, 6), ...LOAD_I32, ...set(8),
      ...at8(3, 8), ...LOAD_F64, ...set(9),
      ...at8(3, 8), ...f64c(0), ...STORE_F64,
      ...at8(4, 6), ...get(9), ...STORE_F64,
      ...at4(5, 7), ...get(6), ...STORE_I32,
      ...get(7), ...get(9), ...get(1), F64GE, ADD, ...set(7),
      ...inc(6),
    ]),
    ...get(7),
    END,
  ];
}

function tailBody(): number[] {
  // params 0 kept, 1 t, 2 cols, 3 vals, 4 pos, 5 flag; locals 6 q, 7 s, 8 end, 9 m, 10 rising (i32), 11 v, 12 mass (f64)
  return [
    ...vec([[5, I32], [2, F64]]),
    ...i32c(1), ...set(10),
    BLOCK, VOID, LOOP, VOID, // for q ≤ kept
    ...get(6), ...get(0), GT_S, BR_IF, 1,
    ...at4(4, 6), ...LOAD_I32, ...set(8),
    ...whileLt(7, 8, [
      ...at8(3, 7), ...LOAD_F64, ...set(11),
      ...get(12), ...get(11), F64ADD, ...set(12),
      ...get(10), ...get(11), ...f64c(0), F64GE, AND, ...set(10),
      ...at4(2, 9), ...at4(2, 7), ...LOAD_I32, ...STORE_I32,
      ...at8(3, 9), ...get(12), ...STORE_F64,
      ...inc(9),
      ...inc(7),
    ]),
    ...get(8), ...i32c(1), ADD, ...set(7), // skip the kept entry
    ...inc(6),
    BR, 0, END, END,
    ...get(5), ...get(10), ...STORE_I32,
    ...get(12),
    END,
  ];
}

function drawsBody(): number[] {
  // params 0 m, 1 kept, 2 draws (f64), 3 step (f64), 4 fast, 5 margin (f64), 6 cols, 7 vals, 8 keptCols, 9 keptVals;
  // locals 10 s (i32), 11 cum, 12 before, 13 next, 14 after, 15 hits (f64)
  const nextOf = (scaled: number[]): number[] => [IF, F64, ...scaled, ...get(3), F64MUL, ...get(5), F64MUL, ELSE, ...f64c(-Infinity), END, ...set(13)];
  return [
    ...vec([[1, I32], [5, F64]]),
    ...get(4), ...nextOf(f64c(0.5)),
    ...whileLt(10, 0, [
      ...at8(7, 10), ...LOAD_F64, ...tee(11),
      ...get(13), F64LT, EQZ /* not below next */,
      IF, VOID,
      ...get(11), ...get(3), F64DIV, ...f64c(0.5), F64ADD, F64FLOOR, ...set(14),
      ...get(2), ...get(14), F64MIN, ...get(12), F64SUB, ...tee(15),
      ...f64c(0), F64GT,
      IF, VOID,
      ...at4(8, 1), ...at4(6, 10), ...LOAD_I32, ...STORE_I32,
      ...at8(9, 1), ...get(15), ...get(3), F64MUL, ...STORE_F64,
      ...inc(1),
      END,
      ...get(14), ...set(12),
      ...get(4), ...get(12), ...f64c(0), F64GE, AND, ...nextOf([...get(12), ...f64c(0.5), F64ADD]),
      END,
      ...inc(10),
    ]),
    ...get(1),
    END,
  ];
}

function largestBody(): number[] {
  // params 0 a, 1 len, 2 k; locals 3 lo, 4 hi, 5 mid, 6 i, 7 j (i32), 8 pivot, 9 v (f64)
  const swapInto = (to: number, from: number): number[] => [...at8(0, to), ...at8(0, from), ...LOAD_F64, ...STORE_F64]; // a[to] = a[from]
  return [
    ...vec([[5, I32], [2, F64]]),
    ...get(1), ...i32c(1), SUB, ...set(4),
    BLOCK, VOID, LOOP, VOID,
    ...get(3), ...get(4), GE_S, BR_IF, 1,
    ...get(3), ...get(4), ADD, ...i32c(1), SHR_S, ...set(5),
    ...at8(0, 5), ...LOAD_F64, ...set(8),
    ...swapInto(5, 4),
    ...at8(0, 4), ...get(8), ...STORE_F64,
    ...get(3), ...tee(7), ...set(6),
    ...whileLt(6, 4, [
      ...at8(0, 6), ...LOAD_F64, ...set(9),
      ...swapInto(6, 7),
      ...at8(0, 7), ...get(9), ...STORE_F64,
      ...get(7), ...get(9), ...get(8), F64GT, ADD, ...set(7),
      ...inc(6),
    ]),
    ...swapInto(4, 7),
    ...at8(0, 7), ...get(8), ...STORE_F64,
    ...get(2), ...get(7), EQ, IF, VOID, ...get(8), RETURN, END,
    // k < j: hi = j − 1; else lo = j + 1
    ...get(7), ...i32c(1), SUB, ...get(4), ...get(2), ...get(7), LT_S, SELECT, ...set(4),
    ...get(3), ...get(7), ...i32c(1), ADD, ...get(2), ...get(7), LT_S, SELECT, ...set(3),
    BR, 0, END, END,
    ...at8(0, 2), ...LOAD_F64,
    END,
  ];
}

function radixBody(): number[] {
  // params 0 a, 1 t, 2 spare, 3 count, 4 passes, 5 bits; locals 6 p, 7 shift, 8 from, 9 to, 10 s, 11 d, 12 v, 13 digits, 14 mask, 15 tmp
  const digitOf = (v: number[]): number[] => [...v, ...get(7), SHR_U, ...get(14), AND];
  return [
    ...vec([[10, I32]]),
    ...i32c(1), ...get(5), SHL, ...tee(13), ...i32c(1), SUB, ...set(14),
    ...get(0), ...set(8), ...get(2), ...set(9),
    ...whileLt(6, 4, [
      ...i32c(0), ...set(11),
      BLOCK, VOID, LOOP, VOID, ...get(11), ...get(13), GT_S, BR_IF, 1, // count[0..digits] = 0
      ...at4(3, 11), ...i32c(0), ...STORE_I32, ...inc(11), BR, 0, END, END,
      ...i32c(0), ...set(10),
      ...whileLt(10, 1, [
        ...digitOf([...at4(8, 10), ...LOAD_I32]), ...i32c(1), ADD, ...set(11),
        ...at4(3, 11), ...at4(3, 11), ...LOAD_I32, ...i32c(1), ADD, ...STORE_I32,
        ...inc(10),
      ]),
      ...i32c(0), ...set(11),
      ...whileLt(11, 13, [
        ...get(11), ...i32c(1), ADD, ...set(15),
        ...at4(3, 15), ...at4(3, 15), ...LOAD_I32, ...at4(3, 11), ...LOAD_I32, ADD, ...STORE_I32,
        ...inc(11),
      ]),
      ...i32c(0), ...set(10),
      ...whileLt(10, 1, [
        ...at4(8, 10), ...LOAD_I32, ...set(12),
        ...digitOf(get(12)), ...set(11),
        ...at4(3, 11), ...LOAD_I32, ...set(15),
        ...at4(9, 15), ...get(12), ...STORE_I32,
        ...at4(3, 11), ...get(15), ...i32c(1), ADD, ...STORE_I32,
        ...inc(10),
      ]),
      ...get(8), ...set(15), ...get(9), ...set(8), ...get(15), ...set(9),
      ...get(7), ...get(5), ADD, ...set(7),
      ...inc(6),
    ]),
    ...get(8),
    END,
  ];
}

/**
 * Radix passes for columns in [0, n): a digit of ≤ 8 bits per pass, as few passes as that allows (two at
 * 10k–65k cells: digits of 7 bits).
 */
export function radixPlan(n: number): { passes: number; bits: number } {
  const bits = 32 - Math.clz32(Math.max(1, n - 1));
  const passes = Math.ceil(bits / 8);
  return { passes, bits: Math.ceil(bits / passes) };
}

function moduleBytes(): Uint8Array {
  const bodies = [gatherBody(), tailBody(), drawsBody(), largestBody(), radixBody()];
  return new Uint8Array([
    ...HEADER,
    ...section(1, vec([
      [0x60, 6, I32, F64, I32, I32, I32, I32, 1, I32],
      [0x60, 6, I32, I32, I32, I32, I32, I32, 1, F64],
      [0x60, 10, I32, I32, F64, F64, I32, F64, I32, I32, I32, I32, 1, I32],
      [0x60, 3, I32, I32, I32, 1, F64],
      [0x60, 6, I32, I32, I32, I32, I32, I32, 1, I32],
    ])),
    ...section(2, [1, ...name('env'), ...name('mem'), 0x02, 0x00, ...leb(1)]),
    ...section(3, vec([[0], [1], [2], [3], [4]])),
    ...section(7, vec([[...name('gather'), 0x00, 0], [...name('tail'), 0x00, 1], [...name('draws'), 0x00, 2], [...name('largest'), 0x00, 3], [...name('radix'), 0x00, 4]])),
    ...section(10, vec(bodies.map((b) => [...leb(b.length), ...b]))),
  ]);
}

export const sparsifyModule = lazyModule(moduleBytes);

/** The three loops bound to arrays at fixed byte offsets of one memory (two-step-wasm.ts places them). */
export interface SparsifyPasses {
  /** Gathers the row touched[0..t) from acc (clearing it) into vals, listing in pos the positions of the values ≥ guess; returns their number. */
  gather(t: number, guess: number): number;
  /** Moves the entries between the kept positions pos[0..kept) (pos[kept] = t) to the front of touched / vals, each value replaced by the running sum; returns the sum, flag[0] = 1 if every value was ≥ 0, else 0. */
  tail(kept: number, t: number): number;
  /** Appends the systematic draws over the running sums vals[0..m) to keptCols / keptVals from `kept` on; returns the new count. */
  draws(m: number, kept: number, draws: number, step: number, fast: boolean, margin: number): number;
  /** The k-th largest (0-based) of scratch[0..len), which it reorders (branch-free Lomuto partitions, the middle element as pivot). */
  largest(len: number, k: number): number;
  /** Sorts the columns at byte offset `at` (t of them) by LSD radix (radixPlan), stable; returns the byte offset of the sorted ones: `at` or the spare array's. */
  radix(at: number, t: number): number;
}

export interface SparsifyOffsets {
  readonly touched: number;
  readonly acc: number;
  readonly vals: number;
  readonly pos: number;
  readonly keptCols: number;
  readonly keptVals: number;
  readonly scratch: number;
  readonly flag: number;
  /** For the radix sort: n columns, and (1 << radixPlan(n).bits) + 1 counts. */
  readonly spare: number;
  readonly count: number;
  readonly n: number;
}

type Fn = (...a: number[]) => number;

/** The passes on `instance`'s exports with the arrays at `o`. */
export function sparsifyPasses(exports: Record<string, unknown>, o: SparsifyOffsets): SparsifyPasses {
  const gather = exports['gather'] as Fn, tail = exports['tail'] as Fn, draws = exports['draws'] as Fn, largest = exports['largest'] as Fn, radix = exports['radix'] as Fn;
  const { passes, bits } = radixPlan(o.n);
  return {
    gather: (t, guess) => gather(t, guess, o.touched, o.acc, o.vals, o.pos),
    tail: (kept, t) => tail(kept, t, o.touched, o.vals, o.pos, o.flag),
    draws: (m, kept, d, step, fast, margin) => draws(m, kept, d, step, fast ? 1 : 0, margin, o.touched, o.vals, o.keptCols, o.keptVals),
    largest: (len, k) => largest(o.scratch, len, k),
    radix: (at, t) => radix(at, t, o.spare, o.count, passes, bits),
  };
}
