/**
 * The preprocessing stage: Dataset → dense cells × PCs matrix, plus a record of every step for the sidecar.
 *
 * Defaults (PHATE's conventions, each step overridable):
 *   detect counts (auto) → QC off → if counts: library-size normalise to the median, sqrt transform
 *   → no HVG selection → PCA to 50 components when there are more than 100 features, else the matrix as is.
 * Data that is already transformed (negative or non-integer values) is not normalised or transformed again.
 */
import { denseMatrix, toDense, type Dataset, type DenseMatrix, type Matrix } from '../io/dataset.js';
import { CancelledError, InputError } from '../errors.js';
import { detectCounts } from './detect.js';
import { filterCells, filterGenes } from './qc.js';
import { normalizeLibrarySize, type NormalizeTarget } from './normalize.js';
import { transformValues, type TransformKind } from './transform.js';
import { selectHighlyVariableGenes, type HvgOptions } from './hvg.js';
import { DEFAULT_PCA_COMPONENTS, pca, type PcaResult } from './pca.js';
import { selectColumns, selectRows } from './subset.js';
import type { PreprocessStep } from './steps.js';

export interface PreprocessOptions {
  /** Is X raw counts? 'auto' (default) decides from the values (see detect.ts). */
  readonly counts?: 'auto' | boolean;
  /** Cell QC: minimum total counts / detected genes. Default 0 (off). */
  readonly minCounts?: number;
  readonly minGenes?: number;
  /** Gene QC: minimum number of cells expressing a gene. Default 0 (off). */
  readonly minCells?: number;
  /** 'auto' (default): median library size when X is counts, nothing otherwise. A number is a target sum. */
  readonly normalize?: 'auto' | 'off' | NormalizeTarget;
  /** 'auto' (default): sqrt when X is counts, none otherwise. */
  readonly transform?: 'auto' | TransformKind;
  /** Highly-variable-gene selection. Default 'off'. */
  readonly hvg?: 'off' | HvgOptions;
  /** Number of PCs, 'off' (use the features as they are), or 'auto' (default): 50 when nFeatures > 100, else off. */
  readonly pca?: 'auto' | 'off' | number;
  /** 'obsm': use dataset.obsm[obsmKey] as the PCs when present (after cell QC), skipping everything else. */
  readonly usePca?: 'compute' | 'obsm';
  /** Default 'X_pca'. */
  readonly obsmKey?: string;
  /** PCA seed. Default 0. */
  readonly seed?: number;
  readonly powerIterations?: number;
  readonly oversampling?: number;
  /** Largest matrix (cells × features) densified when PCA is off. Default 2e8 entries (800 MB of float32). */
  readonly maxDenseEntries?: number;
  /** Checked between steps and between PCA passes; CancelledError when aborted. AbortSignal fits. */
  readonly signal?: { readonly aborted: boolean };
  /** Progress in [0, 1] with a short label, for the host's progress bar. PCA dominates the time. */
  readonly onProgress?: (fraction: number, label: string) => void;
}

export interface PreprocessOutput {
  /** Cells (after QC) × PCs, or × features when PCA is off. */
  readonly matrix: DenseMatrix;
  readonly steps: PreprocessStep[];
  /** Original row index of each output row. */
  readonly keptCells: Int32Array;
  /** Original column index of each feature that reached PCA (null when obsm PCs were used). */
  readonly keptFeatures: Int32Array | null;
  /** The full PCA result (components, means) when PCA ran here; null otherwise. */
  readonly pca: PcaResult | null;
}

export const PCA_AUTO_MIN_FEATURES = 100;
export const DEFAULT_MAX_DENSE_ENTRIES = 2e8;

export function preprocess(dataset: Dataset, options: PreprocessOptions = {}): PreprocessOutput {
  const file = dataset.source.path;
  const steps: PreprocessStep[] = [];
  const checkpoint = (fraction: number, label: string): void => {
    if (options.signal?.aborted) throw new CancelledError('preprocess');
    options.onProgress?.(fraction, label);
  };
  checkpoint(0, 'detecting counts');

  const detection = detectCounts(dataset.X);
  const forced = options.counts ?? 'auto';
  const isCounts = forced === 'auto' ? detection.isCounts : forced;
  steps.push({
    step: 'detect',
    applied: true,
    params: { counts: forced },
    result: { isCounts, maxValue: detection.maxValue },
    reason: forced === 'auto' ? detection.reason : `counts=${forced} set by option (detection said: ${detection.reason})`,
  });

  const cellQc = filterCells(dataset.X, { minCounts: options.minCounts ?? 0, minGenes: options.minGenes ?? 0 });
  steps.push(cellQc.step);
  if (cellQc.kept.length === 0) throw new InputError(file, 'no cells pass the QC filters (min_counts / min_genes); lower them');
  const keptCells = cellQc.kept;

  const obsmKey = options.obsmKey ?? 'X_pca';
  if (options.usePca === 'obsm') {
    const pcs = dataset.obsm[obsmKey];
    if (pcs) {
      if (pcs.nRows !== dataset.nCells) throw new InputError(file, `obsm/${obsmKey} has ${pcs.nRows} rows but X has ${dataset.nCells} cells`);
      const rows = keptCells.length === pcs.nRows ? pcs : (selectRows(pcs, keptCells) as DenseMatrix);
      steps.push({ step: 'obsm', applied: true, params: { key: obsmKey }, result: { nCells: rows.nRows, nComponents: rows.nCols }, reason: `used the precomputed obsm/${obsmKey} as is` });
      return { matrix: rows, steps, keptCells, keptFeatures: null, pca: null };
    }
    steps.push({ step: 'obsm', applied: false, params: { key: obsmKey }, result: {}, reason: `obsm/${obsmKey} not found: computing PCA instead` });
  }

  // Only now, when X itself is going to be used: precomputed obsm PCs do not care about NaNs in X.
  if (detection.nonFinite) throw new InputError(file, `${detection.reason}; remove or impute non-finite values first`);
  checkpoint(0.05, 'filtering and normalising');
  let x: Matrix = cellQc.matrix;
  const geneQc = filterGenes(x, { minCells: options.minCells ?? 0 });
  steps.push(geneQc.step);
  x = geneQc.matrix;
  let keptFeatures = geneQc.kept;
  if (x.nCols === 0) throw new InputError(file, 'no genes pass the QC filter (min_cells); lower it');

  // true once x's values are an array made here (not the data set's): the transform may overwrite them
  let ownsValues = false;
  const normalizeOption = options.normalize ?? 'auto';
  if (normalizeOption === 'off' || (normalizeOption === 'auto' && !isCounts)) {
    steps.push({ step: 'normalize', applied: false, params: { target: normalizeOption }, result: {}, reason: normalizeOption === 'off' ? 'normalisation disabled' : 'X is not raw counts' });
  } else {
    const norm = normalizeLibrarySize(x, normalizeOption === 'auto' ? 'median' : normalizeOption);
    steps.push(norm.step);
    x = norm.matrix;
    ownsValues = true;
  }

  const hvg = options.hvg ?? 'off';
  // Dispersion is defined on normalised, untransformed values; variance on the transformed ones.
  if (hvg !== 'off' && (hvg.method ?? 'variance') === 'dispersion') {
    const sel = selectHighlyVariableGenes(x, hvg);
    steps.push(sel.step);
    x = selectColumns(x, sel.kept);
    keptFeatures = compose(keptFeatures, sel.kept);
  }

  const transformOption = options.transform ?? 'auto';
  const kind: TransformKind = transformOption === 'auto' ? (isCounts ? 'sqrt' : 'none') : transformOption;
  if (kind === 'none') {
    steps.push({ step: 'transform', applied: false, params: { kind: transformOption }, result: {}, reason: transformOption === 'auto' ? 'X is not raw counts' : 'transform disabled' });
  } else {
    try {
      const t = transformValues(x, kind, ownsValues);
      steps.push(t.step);
      x = t.matrix;
    } catch (e) {
      throw new InputError(file, (e as Error).message);
    }
  }

  if (hvg !== 'off' && (hvg.method ?? 'variance') === 'variance') {
    const sel = selectHighlyVariableGenes(x, hvg);
    steps.push(sel.step);
    x = selectColumns(x, sel.kept);
    keptFeatures = compose(keptFeatures, sel.kept);
  }

  checkpoint(0.15, 'PCA');
  const pcaOption = options.pca ?? 'auto';
  const nComponents = pcaOption === 'auto' ? (x.nCols > PCA_AUTO_MIN_FEATURES ? DEFAULT_PCA_COMPONENTS : 0) : pcaOption === 'off' ? 0 : pcaOption;
  if (nComponents > 0) {
    if (Math.min(x.nRows, x.nCols) < 2) throw new InputError(file, `PCA needs at least 2 cells and 2 features, got ${x.nRows} × ${x.nCols}`);
    if (!Number.isInteger(nComponents) || nComponents < 1) throw new InputError(file, `--pca must be a positive integer or "off", got ${nComponents}`);
    const res = pca(x, {
      nComponents,
      seed: options.seed ?? 0,
      ...(options.powerIterations !== undefined ? { powerIterations: options.powerIterations } : {}),
      ...(options.oversampling !== undefined ? { oversampling: options.oversampling } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (done, total) => options.onProgress?.(0.15 + (0.85 * done) / total, 'PCA'),
    });
    let cumulative = 0;
    for (const r of res.explainedVarianceRatio) cumulative += r;
    steps.push({
      step: 'pca',
      applied: true,
      params: { nComponents: res.nComponents, requested: nComponents, seed: res.seed, powerIterations: res.powerIterations, oversampling: res.oversampling, solver: res.solver },
      result: {
        nCells: x.nRows,
        nFeatures: x.nCols,
        krylovDimension: res.krylovDimension,
        passes: res.passes,
        relativeResidual: res.relativeResidual,
        converged: res.converged,
        threads: res.threads,
        explainedVariance: Array.from(res.explainedVariance),
        explainedVarianceRatio: Array.from(res.explainedVarianceRatio),
        cumulativeVarianceRatio: cumulative,
      },
      ...(res.capped ? { reason: `capped at min(cells, features) - 1 = ${res.nComponents} components` } : {}),
    });
    options.onProgress?.(1, 'preprocessing done');
    return { matrix: res.scores, steps, keptCells, keptFeatures, pca: res };
  }

  const entries = x.nRows * x.nCols;
  const limit = options.maxDenseEntries ?? DEFAULT_MAX_DENSE_ENTRIES;
  if (entries > limit) {
    throw new InputError(file, `with PCA off the ${x.nRows} × ${x.nCols} matrix (${entries.toExponential(2)} entries) must be held dense, above the limit of ${limit.toExponential(2)}; use PCA (e.g. --pca 50) or select genes`);
  }
  const dense = x.kind === 'dense' ? x : toDense(x);
  steps.push({
    step: 'densify',
    applied: x.kind === 'csr',
    params: { pca: pcaOption },
    result: { nCells: dense.nRows, nFeatures: dense.nCols },
    reason: pcaOption === 'auto' ? `PCA skipped: ${x.nCols} features ≤ ${PCA_AUTO_MIN_FEATURES}, features used as they are` : 'PCA off: features used as they are',
  });
  options.onProgress?.(1, 'preprocessing done');
  return { matrix: denseMatrix(dense.nRows, dense.nCols, dense.data), steps, keptCells, keptFeatures, pca: null };
}

/** Original indices of a selection made on an already-subset axis. */
function compose(outer: Int32Array, inner: Int32Array): Int32Array {
  return inner.map((j) => outer[j]!);
}
