/**
 * Highly-variable-gene selection on dense or CSR data without densifying (column moments only).
 *
 * - 'variance': rank genes by their sample variance. Use it on transformed data (sqrt / log1p), where
 *   variance is no longer dominated by the mean.
 * - 'dispersion': rank by normalised dispersion (the Seurat v1 idea): log(var / mean) z-scored within
 *   20 equal-width bins of log1p(mean), so a gene is compared only with genes of similar expression.
 *   Use it on library-size-normalised, not yet transformed, data.
 */
import type { Matrix } from '../io/dataset.js';
import { columnMoments } from './matrix-stats.js';
import type { PreprocessStep } from './steps.js';

export type HvgMethod = 'variance' | 'dispersion';

export interface HvgOptions {
  readonly nTop: number;
  readonly method?: HvgMethod;
  /** Number of mean bins for 'dispersion'. Default 20. */
  readonly nBins?: number;
}

export interface HvgResult {
  /** Selected column indices, ascending (original gene order is kept). */
  readonly kept: Int32Array;
  /** Score of every gene (-Infinity for genes that cannot be ranked, e.g. never expressed). */
  readonly scores: Float64Array;
  readonly step: PreprocessStep;
}

export function selectHighlyVariableGenes(x: Matrix, options: HvgOptions): HvgResult {
  const method = options.method ?? 'variance';
  const { mean, variance } = columnMoments(x);
  const scores = method === 'variance' ? varianceScores(variance) : dispersionScores(mean, variance, options.nBins ?? 20);
  const nTop = Math.max(0, Math.min(Math.floor(options.nTop), x.nCols));
  // Stable ranking: higher score first, lower gene index breaks ties, so the choice is deterministic.
  const order = Array.from({ length: x.nCols }, (_, j) => j).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const rankable = order.filter((j) => scores[j]! > -Infinity);
  const chosen = rankable.slice(0, nTop);
  const kept = Int32Array.from(chosen).sort();
  return {
    kept,
    scores,
    step: {
      step: 'hvg',
      applied: true,
      params: { method, nTop },
      result: { genesBefore: x.nCols, genesKept: kept.length, lowestScoreKept: chosen.length ? scores[chosen[chosen.length - 1]!]! : null },
      ...(kept.length < nTop ? { reason: `only ${kept.length} genes could be ranked (the rest are constant or never expressed)` } : {}),
    },
  };
}

function varianceScores(variance: Float64Array): Float64Array {
  // Constant genes carry no information: rank them out rather than keep them on ties.
  return variance.map((v) => (v > 0 ? v : -Infinity));
}

function dispersionScores(mean: Float64Array, variance: Float64Array, nBins: number): Float64Array {
  const p = mean.length;
  const logDisp = new Float64Array(p).fill(NaN);
  const logMean = new Float64Array(p);
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = 0; j < p; j++) {
    logMean[j] = Math.log1p(mean[j]!);
    if (mean[j]! > 0 && variance[j]! > 0) {
      logDisp[j] = Math.log(variance[j]! / mean[j]!);
      lo = Math.min(lo, logMean[j]!);
      hi = Math.max(hi, logMean[j]!);
    }
  }
  const bin = (j: number): number => (hi > lo ? Math.min(nBins - 1, Math.floor(((logMean[j]! - lo) / (hi - lo)) * nBins)) : 0);
  const count = new Float64Array(nBins);
  const sum = new Float64Array(nBins);
  const sumSq = new Float64Array(nBins);
  for (let j = 0; j < p; j++) {
    if (Number.isNaN(logDisp[j]!)) continue;
    const b = bin(j);
    count[b]!++;
    sum[b]! += logDisp[j]!;
  }
  for (let j = 0; j < p; j++) {
    if (Number.isNaN(logDisp[j]!)) continue;
    const b = bin(j);
    const d = logDisp[j]! - sum[b]! / count[b]!;
    sumSq[b]! += d * d;
  }
  const scores = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    if (Number.isNaN(logDisp[j]!)) {
      scores[j] = -Infinity;
      continue;
    }
    const b = bin(j);
    const sd = count[b]! > 1 ? Math.sqrt(sumSq[b]! / (count[b]! - 1)) : 0;
    // A bin with one gene (or identical dispersions) has no spread to compare against: score 0 (average).
    scores[j] = sd > 0 ? (logDisp[j]! - sum[b]! / count[b]!) / sd : 0;
  }
  return scores;
}
