/**
 * The chunked tasks PCA runs on threads, by name, so that a helper thread (csr-products-worker.ts) and
 * this thread run the very same code. Each task computes one chunk of its output from typed arrays and
 * numbers only (what a worker message can carry; the arrays live in shared memory when threads are
 * used) and writes only that chunk's part of the output, by assignment: a chunk may be computed twice
 * (see csr-pool.ts) and any thread may take any chunk, so results never depend on the thread count.
 */
import {
  csrCentredRowsTimes,
  csrGramTimesRows,
  denseCentredRowsTimes,
  denseGramTimesRows,
} from '../linalg/centred-row-products.js';
import { blockDots, subtractCombinationsRange } from '../linalg/block-vectors.js';
import { csrGramRows, denseCentredGramRows, denseCentredRowGramRows, symTimesRows } from '../linalg/gram.js';

type Indptr = Int32Array | Float64Array;

/** Rows [starts[c], starts[c+1]) of the upper triangle of XᵀX (CSR, canonical), into out (width × width). */
export interface CsrGramArgs {
  readonly indptr: Indptr;
  readonly indices: Int32Array;
  readonly data: Float32Array;
  readonly nRows: number;
  readonly width: number;
  readonly starts: Int32Array;
  readonly out: Float64Array;
}

/** Rows of the upper triangle of the centred AᵀA (features side) or AAᵀ (cells side) of dense X. */
export interface DenseGramArgs {
  readonly data: Float32Array;
  readonly nRows: number;
  readonly nCols: number;
  readonly mean: Float64Array;
  readonly starts: Int32Array;
  readonly out: Float64Array;
}

/** out[x·d + i] = Σ_j g[i·d + j] v[x·d + j] for rows i of chunk c, x < count. */
export interface SymTimesArgs {
  readonly g: Float64Array;
  readonly d: number;
  readonly v: Float64Array;
  readonly count: number;
  readonly starts: Int32Array;
  readonly out: Float64Array;
}

/** out[i·bCount + c] = a_i · b_c for the a-vectors i of chunk c (block-vectors.ts). */
export interface BlockDotsArgs {
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly bCount: number;
  readonly d: number;
  readonly starts: Int32Array;
  readonly out: Float64Array;
}

/** w_c −= Σ_j coeff[j·wCount + c] q_j on the coordinates [starts[c], starts[c+1]) only. */
export interface SubtractArgs {
  readonly w: Float64Array;
  readonly wCount: number;
  readonly q: Float64Array;
  readonly qCount: number;
  readonly coeff: Float64Array;
  readonly d: number;
  readonly starts: Int32Array;
}

/** Scores of rows [starts[c], starts[c+1]): out (n × k, float32) and extremes[c·2k ..] (see ColumnExtremes). */
export interface ScoresArgs {
  readonly indptr?: Indptr;
  readonly indices?: Int32Array;
  readonly data: Float32Array;
  readonly nCols: number;
  readonly mean: Float64Array;
  readonly v: Float64Array;
  readonly k: number;
  readonly meanV: Float64Array;
  readonly starts: Int32Array;
  readonly out: Float32Array;
  readonly extremes: Float64Array;
}

/** Partial Aᵀ A Z of the rows of chunk c: partial[c·p·l ..] (p × l) and sums[c·l ..] (Σ y_i; CSR only). */
export interface GramTimesArgs {
  readonly indptr?: Indptr;
  readonly indices?: Int32Array;
  readonly data: Float32Array;
  readonly nCols: number;
  readonly mean: Float64Array;
  readonly z: Float64Array;
  readonly l: number;
  readonly meanZ: Float64Array;
  readonly starts: Int32Array;
  readonly partial: Float64Array;
  readonly sums: Float64Array;
}

/** One scratch array per thread (a module instance lives in each thread), grown on demand. */
const scratchArrays: Float64Array[] = [];
function scratch(slot: number, length: number): Float64Array {
  const s = scratchArrays[slot];
  if (s && s.length >= length) return s;
  const fresh = new Float64Array(length);
  scratchArrays[slot] = fresh;
  return fresh;
}

/**
 * This thread's row cursors for csrGramRows: kept while the same job (args object) asks for blocks in
 * increasing order — which is how chunks are claimed — and reset to the row starts otherwise.
 */
let cursorJob: CsrGramArgs | null = null;
let cursorA0 = 0;
let cursors = new Float64Array(0);
function rowCursor(a: CsrGramArgs, a0: number): Float64Array {
  if (cursorJob !== a || a0 < cursorA0) {
    if (cursors.length < a.nRows) cursors = new Float64Array(a.nRows);
    for (let i = 0; i < a.nRows; i++) cursors[i] = a.indptr[i]!;
    cursorJob = a;
  }
  cursorA0 = a0;
  return cursors;
}

export const CSR_TASKS = {
  'gram-csr'(a: CsrGramArgs, c: number): void {
    const a0 = a.starts[c]!;
    const a1 = a.starts[c + 1]!;
    const rows = scratch(0, (a1 - a0) * a.width);
    csrGramRows(a.indptr, a.indices, a.data, a.nRows, a.width, a0, a1, rows, rowCursor(a, a0));
    a.out.set(rows.subarray(0, (a1 - a0) * a.width), a0 * a.width);
  },
  'gram-dense-features'(a: DenseGramArgs, c: number): void {
    const a0 = a.starts[c]!;
    const a1 = a.starts[c + 1]!;
    const rows = scratch(0, (a1 - a0) * a.nCols);
    denseCentredGramRows(a.data, a.nRows, a.nCols, a.mean, a0, a1, rows, scratch(1, a.nCols));
    a.out.set(rows.subarray(0, (a1 - a0) * a.nCols), a0 * a.nCols);
  },
  'gram-dense-cells'(a: DenseGramArgs, c: number): void {
    const i0 = a.starts[c]!;
    const i1 = a.starts[c + 1]!;
    const rows = scratch(0, (i1 - i0) * a.nRows);
    denseCentredRowGramRows(a.data, a.nRows, a.nCols, a.mean, i0, i1, rows, scratch(1, a.nCols));
    a.out.set(rows.subarray(0, (i1 - i0) * a.nRows), i0 * a.nRows);
  },
  'sym-times'(a: SymTimesArgs, c: number): void {
    symTimesRows(a.g, a.d, a.v, a.count, a.starts[c]!, a.starts[c + 1]!, a.out);
  },
  'block-dots'(a: BlockDotsArgs, c: number): void {
    const i0 = a.starts[c]!;
    const i1 = a.starts[c + 1]!;
    blockDots(a.a.subarray(i0 * a.d, i1 * a.d), i1 - i0, a.b, a.bCount, a.d, a.out.subarray(i0 * a.bCount, i1 * a.bCount));
  },
  'subtract-combinations'(a: SubtractArgs, c: number): void {
    subtractCombinationsRange(a.w, a.wCount, a.q, a.qCount, a.coeff, a.d, a.starts[c]!, a.starts[c + 1]!);
  },
  scores(a: ScoresArgs, c: number): void {
    const ext = a.extremes.subarray(c * 2 * a.k, (c + 1) * 2 * a.k);
    const y = scratch(0, a.k);
    if (a.indptr && a.indices) csrCentredRowsTimes(a.indptr, a.indices, a.data, a.starts[c]!, a.starts[c + 1]!, a.v, a.k, a.meanV, a.out, ext, y);
    else denseCentredRowsTimes(a.data, a.nCols, a.starts[c]!, a.starts[c + 1]!, a.mean, a.v, a.k, a.out, ext, y);
  },
  'gram-times'(a: GramTimesArgs, c: number): void {
    const size = a.nCols * a.l;
    const acc = scratch(0, size);
    const sumY = scratch(1, a.l);
    const y = scratch(2, a.l);
    if (a.indptr && a.indices) {
      csrGramTimesRows(a.indptr, a.indices, a.data, a.nCols, a.starts[c]!, a.starts[c + 1]!, a.z, a.l, a.meanZ, acc, sumY, y);
      a.sums.set(sumY.subarray(0, a.l), c * a.l);
    } else {
      denseGramTimesRows(a.data, a.nCols, a.starts[c]!, a.starts[c + 1]!, a.mean, a.z, a.l, acc, y, scratch(3, a.nCols));
    }
    a.partial.set(acc.subarray(0, size), c * size);
  },
} as const;

export type CsrTaskName = keyof typeof CSR_TASKS;
export type CsrTaskArgs<K extends CsrTaskName> = Parameters<(typeof CSR_TASKS)[K]>[0];

/** Runs chunk c of a task on this thread. */
export function runCsrTask<K extends CsrTaskName>(task: K, args: CsrTaskArgs<K>, c: number): void {
  (CSR_TASKS[task] as (a: CsrTaskArgs<K>, c: number) => void)(args, c);
}
