/**
 * The hot loops of a refinement step's forces (refine-forces.ts) as hand-assembled WebAssembly: the same
 * IEEE float64 operations in the same order as the JavaScript — no fused multiply-add, every sum taking
 * its terms in the same sequence, the same comparisons — so the same bits, without the bounds checks
 * (NaN aside: neither language fixes the payload of a NaN an operation makes; it changes no later result).
 *
 *   attract(lo, hi, y, indptr, indices, values, att)
 *     for i in [lo, hi): a = 0; for each stored j of row i: d = y_i − y_j, w = v / ((1 + dx·dx) + dy·dy),
 *       a += w·d, att_j −= w·d; then att_i += a    (with f64x2 SIMD where available: (x, y) in two lanes)
 *   repel(cells, count, farX, farY, farCount, nFar, near, nNear, y, rep, zRow, resume)
 *     for each listed cell i: (z, fx, fy) = resume ? (zRow_i, rep_i) : 0; then over the far masses
 *       w = 1 / ((1 + dx·dx) + dy·dy), cw = count·w: z += cw, f += cw·w·d; then over the near cells
 *       j ≠ i: z += w, f += w·w·d; stored back into zRow_i, rep_i
 *   repelLeaves(leafLo, leafHi, <the quadtree's arrays>, y, rep, zRow, slot, θ²) → first leaf not done
 *     per leaf: the bounding box of its cells, the walk of refine-forces.ts leafRepulsion writing the far
 *     and near lists into the slot, then repel; stops at a leaf whose lists would outgrow the slot
 * All arguments but counts, flags and θ² are byte offsets into the module's memory.
 *
 * The arrays live in one WebAssembly memory per layout (`forceArena`), shared between the pool's threads
 * when it has helpers, so that nothing is copied per step but the quadtree (refine.ts copies each step's
 * tree into it): the caller allocates the layout's arrays from it and passes it in the tasks. The module
 * is instantiated on it once per memory object — once per layout on the thread that made it, once per task
 * on a helper thread, which receives a new object each time (microseconds; helpers keep nothing, so a
 * finished layout's memory is not held) — and each task claims one of its scratch slots, released when
 * the task ends.
 */
import { get, HEADER, i32c, lazyModule, leb, name, section, set, tee, vec, wasm, type WasmMemory } from '../compute/wasm-assemble.js';
import type { QuadTreeArrays } from './quadtree.js';

/** Entries of each list in a scratch slot (and cells per chunk of a leaf, when lists are copied in). */
export const CHUNK = 4096;
const CHUNK_LOG = 12;
/** Signed LEB128 (i32.const of any value). */
const sleb = (v: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
};
/** Entries of the walk's stack: at most 3 per level below the root (MAX_DEPTH 40 in quadtree.ts), with margin. */
const STACK = 64 * 4 + 16;
/** A slot: far x, far y, far count (f64), near, cells, the walk's stack (i32). */
const SLOT_BYTES = CHUNK * (8 + 8 + 8 + 4 + 4) + 4 * STACK;
/** The largest arena (wasm32 addresses, and a margin under V8's 4 GiB limit). */
const MAX_BYTES = 2 ** 32 - 2 ** 24;

let enabled = true;

/** Tests only: off makes `forceArena` return null, so refineLayout runs the JavaScript loops throughout. */
export function setRefineForcesWasm(on: boolean): void {
  enabled = on;
}

let engines = 0;

/** Tests only: engines handed out on this thread since the last call (0: every task here ran the JavaScript). */
export function takeEngineCount(): number {
  const c = engines;
  engines = 0;
  return c;
}

/** Ids told apart by `inMemory`: distinct per arena in a process (and random, so unlikely in other memory). */
let nextArenaId = (Math.random() * 2 ** 30) | 1;

function moduleBytes(shared: boolean, simd: boolean): Uint8Array {
  const [I32, F64, V128] = [0x7f, 0x7c, 0x7b];
  const [ADD, SUB, SHL, GE_S, NE, LT_S] = [0x6a, 0x6b, 0x74, 0x4e, 0x47, 0x48];
  const [F64ADD, F64SUB, F64MUL, F64DIV] = [0xa0, 0xa1, 0xa2, 0xa3];
  const f64c = (v: number): number[] => [0x44, ...new Uint8Array(new Float64Array([v]).buffer)];
  const loadI32 = (offset = 0): number[] => [0x28, 2, ...leb(offset)];
  const loadF64 = (offset = 0): number[] => [0x2b, 3, ...leb(offset)];
  const storeF64 = (offset = 0): number[] => [0x39, 3, ...leb(offset)];
  const simdOp = (op: number): number[] => [0xfd, ...leb(op)];
  const [V_LOAD, V_STORE, F64X2_SPLAT, F64X2_LANE, F64X2_ADD, F64X2_SUB, F64X2_MUL] = [0x00, 0x0b, 0x14, 0x21, 0xf0, 0xf1, 0xf2];
  /** base + (idx << shift) */
  const at = (base: number, idx: number, shift: number): number[] => [...get(base), ...get(idx), ...i32c(shift), SHL, ADD];
  const inc = (v: number, by: number): number[] => [...get(v), ...i32c(by), ADD, ...set(v)];
  /** for (; v < end; v += by) body — as block / loop. */
  const forLoop = (v: number, end: number, by: number, body: number[]): number[] => [
    0x02, 0x40, 0x03, 0x40,
    ...get(v), ...get(end), GE_S, 0x0d, 1,
    ...body,
    ...inc(v, by),
    0x0c, 0, 0x0b, 0x0b,
  ];
  /** (1 + dx·dx) + dy·dy from two f64 locals. */
  const den = (dx: number, dy: number): number[] => [...f64c(1), ...get(dx), ...get(dx), F64MUL, F64ADD, ...get(dy), ...get(dy), F64MUL, F64ADD];

  // attract, scalar: params 0 lo, 1 hi, 2 y, 3 indptr, 4 indices, 5 values, 6 att;
  // locals 7 q, 8 qEnd, 9 pj, 10 aj (i32); 11 xi, 12 yi, 13 ax, 14 ay, 15 dx, 16 dy, 17 w, 18 fx, 19 fy (f64).
  const attractScalar = [
    ...vec([[4, I32], [9, F64]]),
    ...forLoop(0, 1, 1, [
      ...at(2, 0, 4), ...loadF64(0), ...set(11),
      ...at(2, 0, 4), ...loadF64(8), ...set(12),
      ...f64c(0), ...set(13), ...f64c(0), ...set(14),
      ...at(3, 0, 2), ...loadI32(0), ...set(7),
      ...at(3, 0, 2), ...loadI32(4), ...set(8),
      ...forLoop(7, 8, 1, [
        ...at(4, 7, 2), ...loadI32(0), ...set(9), // j
        ...get(6), ...get(9), ...i32c(4), SHL, ADD, ...set(10), // aj = att + 16j
        ...get(2), ...get(9), ...i32c(4), SHL, ADD, ...set(9), // pj = y + 16j
        ...get(11), ...get(9), ...loadF64(0), F64SUB, ...set(15),
        ...get(12), ...get(9), ...loadF64(8), F64SUB, ...set(16),
        ...at(5, 7, 3), ...loadF64(0), ...den(15, 16), F64DIV, ...set(17),
        ...get(17), ...get(15), F64MUL, ...set(18),
        ...get(17), ...get(16), F64MUL, ...set(19),
        ...get(13), ...get(18), F64ADD, ...set(13),
        ...get(14), ...get(19), F64ADD, ...set(14),
        ...get(10), ...get(10), ...loadF64(0), ...get(18), F64SUB, ...storeF64(0),
        ...get(10), ...get(10), ...loadF64(8), ...get(19), F64SUB, ...storeF64(8),
      ]),
      ...at(6, 0, 4), ...set(10),
      ...get(10), ...get(10), ...loadF64(0), ...get(13), F64ADD, ...storeF64(0),
      ...get(10), ...get(10), ...loadF64(8), ...get(14), F64ADD, ...storeF64(8),
    ]),
    0x0b,
  ];

  // attract, f64x2: (x, y) of a cell in the two lanes, each lane the scalar code's operations; two pairs at
  // a time share one f64x2 division (their denominators in the two lanes), their forces then added to the
  // row's sum and subtracted from their cells one pair after the other, as in the scalar loop; an odd last
  // pair alone. locals 7 q, 8 qEnd, 9 ja, 10 jb, 11 qLast (i32); 12 w (f64);
  // 13 pi, 14 da, 15 db, 16 sa, 17 sb, 18 W, 19 fa, 20 fb, 21 a, 22 ONE (v128).
  const vload = (offset = 0): number[] => [...simdOp(V_LOAD), 4, ...leb(offset)];
  const vstore = (offset = 0): number[] => [...simdOp(V_STORE), 4, ...leb(offset)];
  const vzero = [...simdOp(0x0c), ...new Array<number>(16).fill(0)];
  const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, k) => from + k);
  const shuffle = (lanes: number[]): number[] => [...simdOp(0x0d), ...lanes];
  const LANES0 = [...range(0, 8), ...range(16, 8)]; // (a.0, b.0)
  const LANES1 = [...range(8, 8), ...range(24, 8)]; // (a.1, b.1)
  const BCAST0 = [...range(0, 8), ...range(0, 8)];
  const BCAST1 = [...range(8, 8), ...range(8, 8)];
  const F64X2_DIV = 0xf3;
  /** d = y_i − y_j for the cell index in local j (left in local d), its lanes squared into local sq. */
  const diff = (j: number, d: number, sqr: number): number[] => [
    ...get(13), ...get(2), ...get(j), ...i32c(4), SHL, ADD, ...vload(), ...simdOp(F64X2_SUB), ...tee(d),
    ...get(d), ...simdOp(F64X2_MUL), ...set(sqr),
  ];
  /** a += f; att_j −= f */
  const apply = (j: number, f: number): number[] => [
    ...get(21), ...get(f), ...simdOp(F64X2_ADD), ...set(21),
    ...get(6), ...get(j), ...i32c(4), SHL, ADD, ...tee(j), ...get(j), ...vload(), ...get(f), ...simdOp(F64X2_SUB), ...vstore(),
  ];
  const attractSimd = [
    ...vec([[5, I32], [1, F64], [10, V128]]),
    ...f64c(1), ...simdOp(F64X2_SPLAT), ...set(22),
    ...forLoop(0, 1, 1, [
      ...at(2, 0, 4), ...vload(), ...set(13),
      ...vzero, ...set(21),
      ...at(3, 0, 2), ...loadI32(0), ...set(7),
      ...at(3, 0, 2), ...loadI32(4), ...tee(8), ...i32c(1), SUB, ...set(11),
      ...forLoop(7, 11, 2, [
        ...at(4, 7, 2), ...loadI32(0), ...set(9),
        ...at(4, 7, 2), ...loadI32(4), ...set(10),
        ...diff(9, 14, 16), ...diff(10, 15, 17),
        ...at(5, 7, 3), ...vload(),
        ...get(22), ...get(16), ...get(17), ...shuffle(LANES0), ...simdOp(F64X2_ADD), ...get(16), ...get(17), ...shuffle(LANES1), ...simdOp(F64X2_ADD),
        ...simdOp(F64X2_DIV), ...set(18), // (w_a, w_b)
        ...get(18), ...get(18), ...shuffle(BCAST0), ...get(14), ...simdOp(F64X2_MUL), ...set(19),
        ...get(18), ...get(18), ...shuffle(BCAST1), ...get(15), ...simdOp(F64X2_MUL), ...set(20),
        ...apply(9, 19), ...apply(10, 20),
      ]),
      ...get(7), ...get(8), LT_S, 0x04, 0x40, // the odd last pair
      ...at(4, 7, 2), ...loadI32(0), ...set(9),
      ...diff(9, 14, 16),
      ...at(5, 7, 3), ...loadF64(0),
      ...f64c(1), ...get(16), ...simdOp(F64X2_LANE), 0, F64ADD, ...get(16), ...simdOp(F64X2_LANE), 1, F64ADD,
      F64DIV, ...simdOp(F64X2_SPLAT), ...get(14), ...simdOp(F64X2_MUL), ...set(19),
      ...apply(9, 19),
      0x0b,
      ...at(6, 0, 4), ...set(9),
      ...get(9), ...get(9), ...vload(), ...get(21), ...simdOp(F64X2_ADD), ...vstore(),
    ]),
    0x0b,
  ];

  // repel: params 0 cells, 1 count, 2 farX, 3 farY, 4 farCount, 5 nFar, 6 near, 7 nNear, 8 y, 9 rep, 10 zRow, 11 resume;
  // locals 12 c, 13 i, 14 a, 15 j, 16 pi (i32); 17 xi, 18 yi, 19 z, 20 fx, 21 fy, 22 dx, 23 dy, 24 w, 25 cw (f64).
  const accumulate = (scale: number): number[] => [
    ...get(19), ...get(scale), F64ADD, ...set(19),
    ...get(20), ...get(scale), ...get(24), F64MUL, ...get(22), F64MUL, F64ADD, ...set(20),
    ...get(21), ...get(scale), ...get(24), F64MUL, ...get(23), F64MUL, F64ADD, ...set(21),
  ];
  const repel = [
    ...vec([[5, I32], [9, F64]]),
    ...forLoop(12, 1, 1, [
      ...at(0, 12, 2), ...loadI32(0), ...set(13),
      ...at(8, 13, 4), ...set(16),
      ...get(16), ...loadF64(0), ...set(17),
      ...get(16), ...loadF64(8), ...set(18),
      ...get(11), 0x04, 0x40, // if resume
      ...at(10, 13, 3), ...loadF64(0), ...set(19),
      ...at(9, 13, 4), ...loadF64(0), ...set(20),
      ...at(9, 13, 4), ...loadF64(8), ...set(21),
      0x05, // else
      ...f64c(0), ...set(19), ...f64c(0), ...set(20), ...f64c(0), ...set(21),
      0x0b,
      ...i32c(0), ...set(14),
      ...forLoop(14, 5, 1, [
        ...get(17), ...at(2, 14, 3), ...loadF64(0), F64SUB, ...set(22),
        ...get(18), ...at(3, 14, 3), ...loadF64(0), F64SUB, ...set(23),
        ...f64c(1), ...den(22, 23), F64DIV, ...set(24),
        ...at(4, 14, 3), ...loadF64(0), ...get(24), F64MUL, ...set(25),
        ...accumulate(25),
      ]),
      ...i32c(0), ...set(14),
      ...forLoop(14, 7, 1, [
        ...at(6, 14, 2), ...loadI32(0), ...tee(15), ...get(13), NE, 0x04, 0x40, // if j ≠ i
        ...at(8, 15, 4), ...set(15),
        ...get(17), ...get(15), ...loadF64(0), F64SUB, ...set(22),
        ...get(18), ...get(15), ...loadF64(8), F64SUB, ...set(23),
        ...f64c(1), ...den(22, 23), F64DIV, ...set(24),
        ...accumulate(24),
        0x0b,
      ]),
      ...at(10, 13, 3), ...get(19), ...storeF64(0),
      ...at(9, 13, 4), ...get(20), ...storeF64(0),
      ...at(9, 13, 4), ...get(21), ...storeF64(8),
    ]),
    0x0b,
  ];
  // repelLeaves: params 0 leafLo, 1 leafHi, 2 leaves, 3 order, 4 start, 5 end, 6 firstChild, 7 childCount,
  // 8 comX, 9 comY, 10 width2, 11 y, 12 rep, 13 zRow, 14 slot (i32), 15 theta2 (f64);
  // locals 16 leaf, 17 s, 18 e, 19 q, 20 pi, 21 sp, 22 v, 23 fc, 24 nFar, 25 nNear, 26 c, 27 cnt (i32);
  // 28 minX, 29 minY, 30 maxX, 31 maxY, 32 px, 33 py, 34 cx, 35 cy, 36 dx, 37 dy (f64).
  // The walk of refine-forces.ts leafRepulsion, then `repel` on its lists; returns the first leaf not done
  // (leafHi, or a leaf whose lists outgrow the slot: JavaScript carries on from it).
  const [LE_S, AND, EQZ] = [0x4c, 0x71, 0x45];
  const [F64LT, F64GT, F64CONVERT] = [0x63, 0x64, 0xb7];
  const loadU8 = [0x2d, 0, 0];
  const storeI32 = (offset = 0): number[] => [0x36, 2, ...leb(offset)];
  const slotAt = (bytes: number): number[] => [...get(14), 0x41, ...sleb(bytes), ADD];
  const [FAR_X, FAR_Y, FAR_C, NEAR, STK] = [0, 8 * CHUNK, 16 * CHUNK, 24 * CHUNK, 32 * CHUNK];
  const ifLess = (a: number, b: number, target: number): number[] => [...get(a), ...get(b), F64LT, 0x04, 0x40, ...get(a), ...set(target), 0x0b];
  const ifGreater = (a: number, b: number, target: number): number[] => [...get(a), ...get(b), F64GT, 0x04, 0x40, ...get(a), ...set(target), 0x0b];
  /** c < lo ? lo − c : c > hi ? c − hi : 0 */
  const outside = (c: number, lo: number, hi: number): number[] => [
    ...get(c), ...get(lo), F64LT, 0x04, F64, ...get(lo), ...get(c), F64SUB,
    0x05, ...get(c), ...get(hi), F64GT, 0x04, F64, ...get(c), ...get(hi), F64SUB, 0x05, ...f64c(0), 0x0b,
    0x0b,
  ];
  const repelLeaves = [
    ...vec([[12, I32], [10, F64]]),
    ...forLoop(0, 1, 1, [
      ...at(2, 0, 2), ...loadI32(0), ...set(16),
      ...at(4, 16, 2), ...loadI32(0), ...tee(17), ...set(19),
      ...at(5, 16, 2), ...loadI32(0), ...set(18),
      ...f64c(Infinity), ...set(28), ...f64c(Infinity), ...set(29), ...f64c(-Infinity), ...set(30), ...f64c(-Infinity), ...set(31),
      ...forLoop(19, 18, 1, [
        ...get(11), ...at(3, 19, 2), ...loadI32(0), ...i32c(4), SHL, ADD, ...set(20),
        ...get(20), ...loadF64(0), ...set(32), ...get(20), ...loadF64(8), ...set(33),
        ...ifLess(32, 28, 28), ...ifGreater(32, 30, 30), ...ifLess(33, 29, 29), ...ifGreater(33, 31, 31),
      ]),
      ...i32c(0), ...set(24), ...i32c(0), ...set(25),
      ...slotAt(STK), ...i32c(0), ...storeI32(0), ...i32c(1), ...set(21), // stack = [root]
      0x02, 0x40, 0x03, 0x40, // block A, loop B: the walk
      ...get(21), EQZ, 0x0d, 1,
      ...get(21), ...i32c(1), SUB, ...set(21),
      ...slotAt(STK), ...get(21), ...i32c(2), SHL, ADD, ...loadI32(0), ...set(22),
      ...at(6, 22, 2), ...loadI32(0), ...set(23),
      0x02, 0x40, // block C: open v
      ...get(22), ...get(16), 0x46 /* i32.eq */, 0x0d, 0,
      ...at(4, 22, 2), ...loadI32(0), ...get(17), LE_S, ...get(18), ...at(5, 22, 2), ...loadI32(0), LE_S, AND, 0x0d, 0,
      ...at(8, 22, 3), ...loadF64(0), ...set(34),
      ...at(9, 22, 3), ...loadF64(0), ...set(35),
      ...outside(34, 28, 30), ...set(36),
      ...outside(35, 29, 31), ...set(37),
      ...at(10, 22, 3), ...loadF64(0), ...get(15), ...get(36), ...get(36), F64MUL, ...get(37), ...get(37), F64MUL, F64ADD, F64MUL, F64LT, EQZ, 0x0d, 0,
      ...get(24), ...i32c(CHUNK_LOG), 0x76 /* i32.shr_u */, 0x04, 0x40, ...get(0), 0x0f, 0x0b, // nFar = CHUNK: return l
      ...slotAt(FAR_X), ...get(24), ...i32c(3), SHL, ADD, ...get(34), ...storeF64(0),
      ...slotAt(FAR_Y), ...get(24), ...i32c(3), SHL, ADD, ...get(35), ...storeF64(0),
      ...slotAt(FAR_C), ...get(24), ...i32c(3), SHL, ADD, ...at(5, 22, 2), ...loadI32(0), ...at(4, 22, 2), ...loadI32(0), SUB, F64CONVERT, ...storeF64(0),
      ...inc(24, 1),
      0x0c, 1, // continue the walk
      0x0b, // end C
      ...get(23), ...i32c(0), LT_S, 0x04, 0x40, // if leaf node: its cells are near
      ...at(5, 22, 2), ...loadI32(0), ...at(4, 22, 2), ...loadI32(0), ...tee(19), SUB, ...get(25), ADD, 0x41, ...sleb(CHUNK), 0x4a /* i32.gt_s */,
      0x04, 0x40, ...get(0), 0x0f, 0x0b, // near would outgrow the slot: return l
      ...at(5, 22, 2), ...loadI32(0), ...set(27),
      ...forLoop(19, 27, 1, [
        ...slotAt(NEAR), ...get(25), ...i32c(2), SHL, ADD, ...at(3, 19, 2), ...loadI32(0), ...storeI32(0),
        ...inc(25, 1),
      ]),
      0x0c, 1, // continue the walk
      0x0b,
      ...at(7, 22, 0), ...loadU8, ...set(27),
      ...i32c(0), ...set(26),
      ...forLoop(26, 27, 1, [
        ...slotAt(STK), ...get(21), ...i32c(2), SHL, ADD, ...get(23), ...get(26), ADD, ...storeI32(0),
        ...inc(21, 1),
      ]),
      0x0c, 0,
      0x0b, 0x0b, // end loop B, block A
      ...at(3, 17, 2), ...get(18), ...get(17), SUB,
      ...slotAt(FAR_X), ...slotAt(FAR_Y), ...slotAt(FAR_C), ...get(24), ...slotAt(NEAR), ...get(25),
      ...get(11), ...get(12), ...get(13), ...i32c(0),
      0x10, 1, // call repel
    ]),
    ...get(1),
    0x0b,
  ];
  // repel, f64x2: two cells at a time, one per lane, each lane the scalar code's operations; the near
  // list's own cell is masked to +0 in its lane (the sums start at +0 and never become −0, and z + (+0) = z
  // for any other z, NaN included, so the lane's sums are those that skip it). An odd last cell fills both lanes.
  // locals 12 c, 13 i0, 14 i1, 15 a, 16 j (i32); 17 X, 18 Y, 19 Z, 20 FX, 21 FY, 22 DX, 23 DY, 24 W, 25 T, 26 ONE, 27 IDS, 28 M (v128).
  const [F64X2_REPLACE, I32X4_SPLAT, I32X4_REPLACE, I32X4_NE, V_AND] = [0x22, 0x11, 0x1c, 0x38, 0x4e];
  const pairOf = (ptr: (i: number) => number[], offset: number): number[] => [
    ...ptr(13), ...loadF64(offset), ...simdOp(F64X2_SPLAT), ...ptr(14), ...loadF64(offset), ...simdOp(F64X2_REPLACE), 1,
  ];
  const yAt = (i: number): number[] => at(8, i, 4);
  const repAt = (i: number): number[] => at(9, i, 4);
  const zAt = (i: number): number[] => at(10, i, 3);
  const sq = (v: number): number[] => [...get(v), ...get(v), ...simdOp(F64X2_MUL)];
  const wOf = [...get(26), ...get(26), ...sq(22), ...simdOp(F64X2_ADD), ...sq(23), ...simdOp(F64X2_ADD), ...simdOp(F64X2_DIV), ...set(24)];
  const store2 = (ptr: (i: number) => number[], offset: number, v: number): number[] => [
    ...ptr(14), ...get(v), ...simdOp(F64X2_LANE), 1, ...storeF64(offset),
    ...ptr(13), ...get(v), ...simdOp(F64X2_LANE), 0, ...storeF64(offset),
  ];
  const repelSimd = [
    ...vec([[5, I32], [12, V128]]),
    ...f64c(1), ...simdOp(F64X2_SPLAT), ...set(26),
    ...forLoop(12, 1, 2, [
      ...at(0, 12, 2), ...loadI32(0), ...tee(13), ...set(14),
      ...get(12), ...i32c(1), ADD, ...get(1), LT_S, 0x04, 0x40, ...at(0, 12, 2), ...loadI32(4), ...set(14), 0x0b,
      ...pairOf(yAt, 0), ...set(17), ...pairOf(yAt, 8), ...set(18),
      ...get(13), ...simdOp(I32X4_SPLAT), ...get(14), ...simdOp(I32X4_REPLACE), 2, ...get(14), ...simdOp(I32X4_REPLACE), 3, ...set(27),
      ...get(11), 0x04, 0x40,
      ...pairOf(zAt, 0), ...set(19), ...pairOf(repAt, 0), ...set(20), ...pairOf(repAt, 8), ...set(21),
      0x05,
      ...vzero, ...set(19), ...vzero, ...set(20), ...vzero, ...set(21),
      0x0b,
      ...i32c(0), ...set(15),
      ...forLoop(15, 5, 1, [
        ...get(17), ...at(2, 15, 3), ...loadF64(0), ...simdOp(F64X2_SPLAT), ...simdOp(F64X2_SUB), ...set(22),
        ...get(18), ...at(3, 15, 3), ...loadF64(0), ...simdOp(F64X2_SPLAT), ...simdOp(F64X2_SUB), ...set(23),
        ...wOf,
        ...at(4, 15, 3), ...loadF64(0), ...simdOp(F64X2_SPLAT), ...get(24), ...simdOp(F64X2_MUL), ...set(28), // cw
        ...get(19), ...get(28), ...simdOp(F64X2_ADD), ...set(19),
        ...get(28), ...get(24), ...simdOp(F64X2_MUL), ...set(25), // cw·w
        ...get(20), ...get(25), ...get(22), ...simdOp(F64X2_MUL), ...simdOp(F64X2_ADD), ...set(20),
        ...get(21), ...get(25), ...get(23), ...simdOp(F64X2_MUL), ...simdOp(F64X2_ADD), ...set(21),
      ]),
      ...i32c(0), ...set(15),
      ...forLoop(15, 7, 1, [
        ...at(6, 15, 2), ...loadI32(0), ...set(16),
        ...get(17), ...yAt(16), ...loadF64(0), ...simdOp(F64X2_SPLAT), ...simdOp(F64X2_SUB), ...set(22),
        ...get(18), ...yAt(16), ...loadF64(8), ...simdOp(F64X2_SPLAT), ...simdOp(F64X2_SUB), ...set(23),
        ...wOf,
        ...get(27), ...get(16), ...simdOp(I32X4_SPLAT), ...simdOp(I32X4_NE), ...set(28), // lanes whose cell is not j
        ...get(19), ...get(24), ...get(28), ...simdOp(V_AND), ...simdOp(F64X2_ADD), ...set(19),
        ...get(24), ...get(24), ...simdOp(F64X2_MUL), ...set(25), // w·w
        ...get(20), ...get(25), ...get(22), ...simdOp(F64X2_MUL), ...get(28), ...simdOp(V_AND), ...simdOp(F64X2_ADD), ...set(20),
        ...get(21), ...get(25), ...get(23), ...simdOp(F64X2_MUL), ...get(28), ...simdOp(V_AND), ...simdOp(F64X2_ADD), ...set(21),
      ]),
      ...store2(zAt, 0, 19), ...store2(repAt, 0, 20), ...store2(repAt, 8, 21),
    ]),
    0x0b,
  ];
  const attract = simd ? attractSimd : attractScalar;
  const repelBody = simd ? repelSimd : repel;
  const limits = shared ? [0x03, ...leb(1), ...leb(65536)] : [0x00, ...leb(1)];
  return new Uint8Array([
    ...HEADER,
    ...section(1, vec([
      [0x60, 7, ...new Array<number>(7).fill(I32), 0],
      [0x60, 12, ...new Array<number>(12).fill(I32), 0],
      [0x60, 16, ...new Array<number>(15).fill(I32), F64, 1, I32],
    ])),
    ...section(2, [1, ...name('env'), ...name('mem'), 0x02, ...limits]),
    ...section(3, vec([[0], [1], [2]])),
    ...section(7, vec([[...name('attract'), 0x00, 0], [...name('repel'), 0x00, 1], [...name('repelLeaves'), 0x00, 2]])),
    ...section(10, vec([[...leb(attract.length), ...attract], [...leb(repelBody.length), ...repelBody], [...leb(repelLeaves.length), ...repelLeaves]])),
  ]);
}

type Variant = 'simd' | 'scalar';
const modules = {
  shared: { simd: lazyModule(() => moduleBytes(true, true)), scalar: lazyModule(() => moduleBytes(true, false)) },
  plain: { simd: lazyModule(() => moduleBytes(false, true)), scalar: lazyModule(() => moduleBytes(false, false)) },
};
let forced: Variant | null = null;

/** Tests only: pins the module's variant, f64x2 or scalar loops (null: f64x2 where it validates, else scalar). */
export function setRefineForcesVariant(v: Variant | null): void {
  forced = v;
}

function moduleFor(shared: boolean): ReturnType<ReturnType<typeof lazyModule>> {
  const m = shared ? modules.shared : modules.plain;
  if (forced) return m[forced]();
  return m.simd() ?? m.scalar();
}

/**
 * Header of an arena's memory (int32 words): [0] slots, [1] byte offset of slot 0, [2] the arena's id, then
 * one claim flag per slot from word 16.
 */
const HEADER_WORDS = 16;
const round64 = (b: number): number => Math.ceil(b / 64) * 64;

/** A layout's WebAssembly memory: allocate its arrays from it, then pass `memory` in the tasks. */
export interface ForceArena {
  readonly memory: WasmMemory;
  /** A zeroed array in the memory (the sizes given to `forceArena`, in any order). */
  alloc<A extends Float64Array | Int32Array | Uint8Array>(ctor: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): A; readonly BYTES_PER_ELEMENT: number }, length: number): A;
}

/**
 * A memory for arrays of the given byte sizes plus `slots` scratch slots (one per thread that runs tasks
 * at a time), shared when `shared`; null when off, without WebAssembly (or shared memory when asked),
 * or above 4 GiB. Bytes: 4·(16 + slots) rounded up to 64 (header), 132,160 per slot, and the arrays,
 * each rounded up to 64.
 */
export function forceArena(slots: number, sizes: readonly number[], shared: boolean): ForceArena | null {
  if (!enabled || !wasm || !moduleFor(shared)) return null;
  const headerBytes = round64(4 * (HEADER_WORDS + slots));
  const slotBase = headerBytes;
  let next = slotBase + slots * SLOT_BYTES;
  const end = next + sizes.reduce((s, b) => s + round64(b), 0);
  if (end > MAX_BYTES) return null;
  let memory: WasmMemory;
  try {
    const pages = Math.max(1, Math.ceil(end / 65536));
    memory = shared ? new wasm.Memory({ initial: pages, maximum: pages, shared: true }) : new wasm.Memory({ initial: pages });
  } catch {
    return null;
  }
  const header = new Int32Array(memory.buffer, 0, HEADER_WORDS);
  header[0] = slots;
  header[1] = slotBase;
  header[2] = nextArenaId;
  nextArenaId = (nextArenaId + 2) | 0 || 1;
  return {
    memory,
    alloc(ctor, length) {
      const bytes = length * ctor.BYTES_PER_ELEMENT;
      if (next + bytes > end) throw new Error('forceArena: more than its sizes allocated');
      const a = new ctor(memory.buffer, next, length);
      next += round64(bytes);
      return a;
    },
  };
}

/** One task's use of an arena: the module instantiated on it and one scratch slot (release when done). */
export interface ForcesEngine {
  /** Rows [lo, hi) of the upper triangle; `att` is a view of the arena whose index 0 is the task's buffer. */
  attract(lo: number, hi: number, y: Float64Array, indptr: Int32Array, indices: Int32Array, values: Float64Array, att: Float64Array): void;
  /** The slot's lists, CHUNK entries each. */
  readonly farX: Float64Array;
  readonly farY: Float64Array;
  readonly farCount: Float64Array;
  readonly near: Int32Array;
  readonly cells: Int32Array;
  /**
   * The repulsion of leaves [leafLo, leafHi) of a tree in the arena, walk and sums; returns the first leaf
   * not done: leafHi, or one whose lists outgrow the slot (the caller does it, then calls again after it).
   */
  repelLeaves(leafLo: number, leafHi: number, t: QuadTreeArrays /* views of the arena */, y: Float64Array, rep: Float64Array, zRow: Float64Array, theta2: number): number;
  /** `repel` over the slot's lists (see the file's header). */
  repel(count: number, nFar: number, nNear: number, y: Float64Array, rep: Float64Array, zRow: Float64Array, resume: boolean): void;
  release(): void;
}

type AttractFn = (lo: number, hi: number, y: number, indptr: number, indices: number, values: number, att: number) => void;
type RepelFn = (...a: number[]) => void;

/**
 * True when `a` is a view of `memory`. After a postMessage the buffer is a new object over the same memory,
 * so a shared buffer of the same size counts when its header carries the arena's id: another buffer of
 * that size (a tree's fallback arrays) would have to hold the same 32-bit id at the same place.
 */
export function inMemory(a: ArrayBufferView, memory: WasmMemory): boolean {
  const b = memory.buffer;
  if (a.byteOffset + a.byteLength > b.byteLength) return false;
  if (a.buffer === b) return true;
  if (typeof SharedArrayBuffer === 'undefined' || !(a.buffer instanceof SharedArrayBuffer) || !(b instanceof SharedArrayBuffer) || a.buffer.byteLength !== b.byteLength) return false;
  return new Int32Array(a.buffer, 8, 1)[0] === new Int32Array(b, 8, 1)[0];
}

/**
 * Instances by memory object: on the thread that made the arena every task passes the same object; a
 * helper thread receives a new one with each task (so it instantiates per task and keeps nothing).
 */
const instances = new WeakMap<WasmMemory, Record<string, unknown> & { mod: object }>();

/** This task's engine on `memory`, or null (no module, or every slot taken): the JavaScript loops run instead. */
export function forcesEngine(memory: WasmMemory): ForcesEngine | null {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const mod = moduleFor(shared);
  if (!wasm || !mod) return null;
  const buffer = memory.buffer;
  const header = new Int32Array(buffer, 0, HEADER_WORDS + new Int32Array(buffer, 0, 1)[0]!);
  const slots = header[0]!;
  let slot = -1;
  for (let s = 0; s < slots && slot < 0; s++) if (Atomics.compareExchange(header, HEADER_WORDS + s, 0, 1) === 0) slot = s;
  if (slot < 0) return null;
  let exports = instances.get(memory);
  if (!exports || exports.mod !== mod)
    try {
      exports = { mod, ...new wasm.Instance(mod, { env: { mem: memory } }).exports };
      instances.set(memory, exports);
    } catch {
      Atomics.store(header, HEADER_WORDS + slot, 0);
      return null;
    }
  engines++;
  const attract = exports['attract'] as AttractFn;
  const repel = exports['repel'] as RepelFn;
  const repelLeaves = exports['repelLeaves'] as (...a: number[]) => number;
  const base = header[1]! + slot * SLOT_BYTES;
  const [fx, fy, fc, nr, cl] = [base, base + 8 * CHUNK, base + 16 * CHUNK, base + 24 * CHUNK, base + 28 * CHUNK];
  return {
    attract: (lo, hi, y, indptr, indices, values, att) => attract(lo, hi, y.byteOffset, indptr.byteOffset, indices.byteOffset, values.byteOffset, att.byteOffset),
    farX: new Float64Array(buffer, fx, CHUNK),
    farY: new Float64Array(buffer, fy, CHUNK),
    farCount: new Float64Array(buffer, fc, CHUNK),
    near: new Int32Array(buffer, nr, CHUNK),
    cells: new Int32Array(buffer, cl, CHUNK),
    repelLeaves: (leafLo, leafHi, t, y, rep, zRow, theta2) =>
      repelLeaves(leafLo, leafHi, t.leaves.byteOffset, t.order.byteOffset, t.start.byteOffset, t.end.byteOffset, t.firstChild.byteOffset, t.childCount.byteOffset,
        t.comX.byteOffset, t.comY.byteOffset, t.width2.byteOffset, y.byteOffset, rep.byteOffset, zRow.byteOffset, base, theta2),
    repel: (count, nFar, nNear, y, rep, zRow, resume) =>
      repel(cl, count, fx, fy, fc, nFar, nr, nNear, y.byteOffset, rep.byteOffset, zRow.byteOffset, resume ? 1 : 0),
    release: () => void Atomics.store(header, HEADER_WORDS + slot, 0),
  };
}
