/**
 * Entry points for Isotherm's own GPU kernels, each with its CPU path.
 *
 * Each function returns `null` when no healthy WebGPU device is active (`--backend webgpu` or an
 * `auto` choice of a hardware adapter): the caller then runs its usual CPU code. Once started, work
 * goes through `onEngine` in pieces (a query chunk of the kNN, a product of the CSR operator): if the
 * GPU fails in the middle, the pieces already finished are kept, the failed piece and everything
 * after it run on the CPU, and the fallback is recorded in `BackendInfo.fallbacks`.
 */
import type { KnnResult } from '../linalg/neighbours.js';
import { TopK } from '../linalg/neighbours.js';
import { csrMulBlock, type Csr64 } from '../linalg/csr.js';
import { activeGpu, matMul, onEngine } from './backend.js';
import { GpuCsrMatrix } from './wgsl-csr.js';
import { GpuKnnSession, KNN_MAX_K, knnChunkRows } from './wgsl-knn.js';

export interface GpuKnnResult extends KnnResult {
  /** Rows whose neighbours came from the GPU (the rest fell back to the CPU). */
  readonly gpuRows: number;
}

export interface GpuKnnOptions {
  readonly onProgress?: (fraction: number) => void;
  /** Rows per chunk (tests force several chunks); default: what one storage binding holds. */
  readonly chunkRows?: number;
  /** Candidate rows per dispatch (tests); default `SLICE`. */
  readonly sliceRows?: number;
  /**
   * After a GPU failure: 'rows' (default) computes the remaining rows on the CPU by blocked products
   * and keeps the rows the GPU finished; 'abandon' throws `GpuStageAbandoned` so that the caller reruns
   * the whole stage with its own CPU method (the pipeline does: its result is then exactly the CPU's).
   */
  readonly onFailure?: 'rows' | 'abandon';
}

/** Thrown by a GPU kernel started with `onFailure: 'abandon'` once the GPU has failed and the engine moved to the CPU. */
export class GpuStageAbandoned extends Error {
  constructor(what: string) {
    super(`${what}: the GPU failed; the stage is rerun on the CPU`);
    this.name = 'GpuStageAbandoned';
  }
}

/**
 * Exact kNN (self excluded; Euclidean distances ascending) with the fused distance + top-k kernel.
 * `null` when no WebGPU device is active or k is above the kernel's limit.
 */
export async function knnOnGpu(points: Float32Array, n: number, d: number, k: number, options: GpuKnnOptions = {}): Promise<GpuKnnResult | null> {
  const first = activeGpu();
  if (!first || k > KNN_MAX_K || k >= n) return null;
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  const chunkRows = Math.max(1, Math.min(n, options.chunkRows ?? knnChunkRows(n, d, first.maxBinding, k)));
  const cpu = new CpuKnnRows(points, n, d, k);
  let session: GpuKnnSession | null = null;
  let gpuRows = 0;
  try {
    for (let r0 = 0, q = 0; r0 < n; r0 += chunkRows, q++) {
      const r1 = Math.min(n, r0 + chunkRows);
      await onEngine(`kNN rows ${r0}–${r1 - 1}`, async () => {
        const ctx = activeGpu();
        if (ctx) {
          session ??= new GpuKnnSession(ctx, points, n, d, k, chunkRows, options.sliceRows);
          await session.queryChunk(q, indices, distances);
          gpuRows += r1 - r0;
        } else if (options.onFailure === 'abandon') {
          throw new GpuStageAbandoned('kNN');
        } else {
          await cpu.rows(r0, r1, indices, distances);
        }
      });
      options.onProgress?.(r1 / n);
    }
  } finally {
    try {
      (session as GpuKnnSession | null)?.dispose();
    } catch {
      // the device may be gone
    }
  }
  return { n, k, indices, distances, gpuRows };
}

/** CPU rows for the kNN fallback: blocked products on the engine (wasm) and a bounded heap. */
class CpuKnnRows {
  readonly #points: Float32Array;
  readonly #n: number;
  readonly #d: number;
  readonly #k: number;
  #norms: Float64Array | null = null;
  #pT: Float32Array | null = null;

  constructor(points: Float32Array, n: number, d: number, k: number) {
    this.#points = points;
    this.#n = n;
    this.#d = d;
    this.#k = k;
  }

  async rows(r0: number, r1: number, indices: Int32Array, distances: Float32Array): Promise<void> {
    const n = this.#n;
    const d = this.#d;
    const k = this.#k;
    const pts = this.#points;
    if (!this.#norms || !this.#pT) {
      const norms = new Float64Array(n);
      const pT = new Float32Array(d * n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let c = 0; c < d; c++) {
          const v = pts[i * d + c]!;
          s += v * v;
          pT[c * n + i] = v;
        }
        norms[i] = s;
      }
      this.#norms = norms;
      this.#pT = pT;
    }
    const norms = this.#norms;
    const block = Math.max(1, Math.floor(2 ** 24 / n));
    const heap = new TopK(k);
    for (let s = r0; s < r1; s += block) {
      const rows = Math.min(block, r1 - s);
      const dots = await matMul(pts.subarray(s * d, (s + rows) * d), this.#pT, rows, d, n);
      for (let r = 0; r < rows; r++) {
        const i = s + r;
        heap.clear();
        for (let j = 0; j < n; j++) if (j !== i) heap.push(Math.max(0, norms[i]! + norms[j]! - 2 * dots[r * n + j]!), j);
        heap.drainSorted(indices, distances, i * k);
        this.#refine(i, indices, distances);
      }
    }
  }

  /** Exact distances of the chosen neighbours (differences, float64; the product form cancels), re-sorted. */
  #refine(i: number, indices: Int32Array, distances: Float32Array): void {
    const d = this.#d;
    const k = this.#k;
    const pts = this.#points;
    const pairs: [number, number][] = [];
    for (let p = 0; p < k; p++) {
      const j = indices[i * k + p]!;
      let s = 0;
      for (let c = 0; c < d; c++) s += (pts[i * d + c]! - pts[j * d + c]!) ** 2;
      pairs.push([Math.sqrt(s), j]);
    }
    pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    for (let p = 0; p < k; p++) {
      distances[i * k + p] = pairs[p]![0];
      indices[i * k + p] = pairs[p]![1];
    }
  }
}

/** A sparse operator applied repeatedly to dense blocks (Y = A·X), on the GPU when one is active. */
export interface SparseOperator {
  /** True while products run on the GPU. */
  readonly onGpu: boolean;
  multiply(x: Float64Array, b: number): Promise<Float64Array>;
  dispose(): void;
}

/**
 * Y = A · X for a square CSR matrix and a row-major block of b columns. On the GPU the product is
 * float32 (see docs/gpu.md for the precision this gives); the CPU path is `csrMulBlock` in float64.
 * `null` when no WebGPU device is active.
 */
export async function csrOperatorOnGpu(a: Csr64): Promise<SparseOperator | null> {
  const ctx = activeGpu();
  if (!ctx) return null;
  let gpu: GpuCsrMatrix | null = null;
  const release = (): void => {
    try {
      gpu?.dispose();
    } catch {
      // device gone
    }
    gpu = null;
  };
  const op = {
    get onGpu(): boolean {
      return activeGpu() !== null;
    },
    multiply(x: Float64Array, b: number): Promise<Float64Array> {
      return onEngine(`sparse ${a.n}×${a.n} (${a.indptr[a.n]} entries) · ${a.n}×${b} product`, async () => {
        const now = activeGpu();
        if (!now) {
          release();
          return csrMulBlock(a, x, b);
        }
        gpu ??= new GpuCsrMatrix(now, a);
        const y = await gpu.multiply(Float32Array.from(x), a.n, b);
        return Float64Array.from(y);
      });
    },
    dispose: release,
  };
  return op;
}
