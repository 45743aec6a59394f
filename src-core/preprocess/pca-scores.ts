/**
 * Scores A V of the centred data on the components (one pass over X, rows split over threads), and the
 * sign convention: each component is flipped so that its largest |score| (first occurrence, in row
 * order) is positive — scikit-learn's u-based svd_flip, which is what the test oracles use.
 */
import type { Matrix } from '../io/dataset.js';
import type { ChunkRunner } from '../compute/chunk-runner.js';
import { balancedRowStarts } from '../linalg/centred-row-products.js';

/** Rows per chunk of the scores pass (fine enough for progress and balance, coarse enough to be cheap). */
const ROWS_PER_CHUNK = 16_384;

/** n × k float32 scores of the k components (k × p); the caller flips signs with `flipSigns`. */
export function projectScores(
  x: Matrix,
  mean: Float64Array,
  components: Float64Array,
  k: number,
  runner: ChunkRunner,
  onFraction: (f: number) => void,
): { scores: Float32Array; signs: Float64Array } {
  const n = x.nRows;
  const p = x.nCols;
  const v = runner.allocate(p * k); // p × k row-major
  for (let c = 0; c < k; c++) for (let j = 0; j < p; j++) v[j * k + c] = components[c * p + j]!;
  const meanV = runner.allocate(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += mean[j]! * v[j * k + c]!;
    meanV[c] = s;
  }
  const starts = balancedRowStarts(n, Math.max(1, Math.ceil(n / ROWS_PER_CHUNK)), x.kind === 'csr' ? x.indptr : undefined);
  const nChunks = starts.length - 1;
  const out = runner.allocate32(n * k);
  const extremes = runner.allocate(nChunks * 2 * k);
  const args = {
    data: runner.share(x.data),
    ...(x.kind === 'csr' ? { indptr: runner.share(x.indptr), indices: runner.share(x.indices) } : {}),
    nCols: p,
    mean: runner.share(mean),
    v,
    k,
    meanV,
    starts,
    out,
    extremes,
  };
  runner.run('scores', args, nChunks, (done) => onFraction(done / nChunks));
  return { scores: out.buffer instanceof SharedArrayBuffer ? out.slice() : out, signs: signsFromExtremes(extremes, nChunks, k) };
}

/** Per component, the sign of its first largest |score| over chunks in row order (+1 when all are 0). */
export function signsFromExtremes(extremes: Float64Array, nChunks: number, k: number): Float64Array {
  const signs = new Float64Array(k).fill(1);
  const best = new Float64Array(k);
  for (let ch = 0; ch < nChunks; ch++) {
    for (let c = 0; c < k; c++) {
      const a = extremes[(ch * k + c) * 2]!;
      if (a > best[c]!) {
        best[c] = a;
        signs[c] = extremes[(ch * k + c) * 2 + 1]! < 0 ? -1 : 1;
      }
    }
  }
  return signs;
}

/** Sign of the first largest |value| of each column of a row-major n × k block. */
export function signsOfColumns(scores: Float32Array | Float64Array, n: number, k: number): Float64Array {
  const signs = new Float64Array(k).fill(1);
  const best = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      const s = scores[i * k + c]!;
      if (Math.abs(s) > best[c]!) {
        best[c] = Math.abs(s);
        signs[c] = s < 0 ? -1 : 1;
      }
    }
  }
  return signs;
}

/** Multiplies score column c and component c by signs[c]. */
export function flipSigns(scores: Float32Array, components: Float64Array, signs: Float64Array, n: number, k: number, p: number): void {
  for (let c = 0; c < k; c++) {
    if (signs[c] !== -1) continue;
    for (let i = 0; i < n; i++) scores[i * k + c] = -scores[i * k + c]!;
    for (let j = 0; j < p; j++) components[c * p + j] = -components[c * p + j]!;
  }
}
