/**
 * Exact kNN with TensorFlow.js ops on the active tensor engine, for the `tensorflow` (tfjs-node-gpu,
 * CUDA) backend, where Isotherm's WGSL kernel cannot run: for each block of query rows,
 *   D² = ‖q‖² + ‖x‖² − 2 q·xᵀ   (one matMul against the resident transposed points)
 * and `tf.topk` on the device, so only (k + 1 + SPARE) candidates per row come back to the host, never
 * the n × n matrix. The product form cancels (relative error ≈ 2⁻²⁴(‖q‖² + ‖x‖²)/‖q − x‖²), so the host
 * recomputes the candidates' distances exactly (float64 differences), drops the query itself and keeps
 * the k best; the SPARE extra candidates make a wrong choice at the k-th rank need a near-tie among
 * more than SPARE + 1 points.
 *
 * Every block runs through `onEngine`: if the GPU fails, the engine moves to wasm and this throws
 * `GpuStageAbandoned`, so that the caller reruns the stage with its CPU method.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KnnResult } from '../linalg/neighbours.js';
import { activeBackend, onEngine } from './backend.js';
import { GpuStageAbandoned } from './kernels.js';

/** Extra candidates per row taken from the device before the exact host re-ranking. */
const SPARE = 8;
/** Entries of one block's distance matrix (rows × n float32: 512 MiB). */
const BLOCK_ENTRIES = 2 ** 27;

export interface TfKnnOptions {
  readonly onProgress?: (fraction: number) => void;
  /** Query rows per block (tests); default: BLOCK_ENTRIES / n. */
  readonly blockRows?: number;
}

export async function knnOnTensorEngine(points: Float32Array, n: number, d: number, k: number, options: TfKnnOptions = {}): Promise<KnnResult> {
  if (k >= n) throw new Error(`k = ${k} needs at least ${k + 1} points, got ${n}`);
  const engine = activeBackend()?.name ?? tf.getBackend();
  const take = Math.min(n, k + 1 + SPARE);
  const blockRows = Math.max(1, Math.min(n, options.blockRows ?? Math.floor(BLOCK_ENTRIES / n), 4096));
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  let xT: tf.Tensor2D | null = null;
  let xNorm: tf.Tensor2D | null = null;
  const release = (): void => {
    try {
      xT?.dispose();
      xNorm?.dispose();
    } catch {
      // their backend may be gone
    }
    xT = null;
    xNorm = null;
  };
  const pairs: [number, number][] = [];
  try {
    for (let r0 = 0; r0 < n; r0 += blockRows) {
      const r1 = Math.min(n, r0 + blockRows);
      const cand = await onEngine(`kNN rows ${r0}–${r1 - 1}`, async () => {
        if (activeBackend()?.name !== engine) throw new GpuStageAbandoned('kNN');
        if (!xT || !xNorm) {
          const all = tf.tensor2d(points, [n, d]);
          xT = tf.tidy(() => tf.transpose(all) as tf.Tensor2D);
          xNorm = tf.tidy(() => tf.reshape(tf.sum(tf.square(all), 1), [1, n]) as tf.Tensor2D);
          all.dispose();
        }
        const t = xT;
        const nx = xNorm;
        const top = tf.tidy(() => {
          const q = tf.tensor2d(points.subarray(r0 * d, r1 * d), [r1 - r0, d]);
          const qn = tf.sum(tf.square(q), 1, true);
          // −D² = 2 q·xᵀ − ‖q‖² − ‖x‖²: the largest entries are the nearest points.
          const negD2 = tf.sub(tf.sub(tf.mul(tf.matMul(q, t), 2), qn), nx);
          return tf.topk(negD2, take, true).indices;
        });
        try {
          return (await top.data()) as Int32Array;
        } finally {
          top.dispose();
        }
      });
      for (let i = r0; i < r1; i++) {
        pairs.length = 0;
        for (let p = 0; p < take; p++) {
          const j = cand[(i - r0) * take + p]!;
          if (j === i) continue;
          let s = 0;
          for (let c = 0; c < d; c++) s += (points[i * d + c]! - points[j * d + c]!) ** 2;
          pairs.push([Math.sqrt(s), j]);
        }
        pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
        for (let p = 0; p < k; p++) {
          indices[i * k + p] = pairs[p]![1];
          distances[i * k + p] = pairs[p]![0];
        }
      }
      options.onProgress?.(r1 / n);
    }
  } finally {
    release();
  }
  return { n, k, indices, distances };
}
