/** Public surface of the preprocessing stage. */
export { preprocess, DEFAULT_MAX_DENSE_ENTRIES, PCA_AUTO_MIN_FEATURES } from './run-preprocess.js';
export type { PreprocessOptions, PreprocessOutput } from './run-preprocess.js';
export type { PreprocessStep, StepName, StepValue } from './steps.js';
export { detectCounts, MIN_COUNTS_MAX } from './detect.js';
export type { CountsDetection } from './detect.js';
export { filterCells, filterGenes } from './qc.js';
export type { CellFilterOptions, GeneFilterOptions, FilterResult } from './qc.js';
export { normalizeLibrarySize, scaleRows } from './normalize.js';
export type { NormalizeTarget, NormalizeResult } from './normalize.js';
export { transformValues } from './transform.js';
export type { TransformKind } from './transform.js';
export { selectHighlyVariableGenes } from './hvg.js';
export type { HvgMethod, HvgOptions, HvgResult } from './hvg.js';
export { pca, DEFAULT_PCA_COMPONENTS, DEFAULT_POWER_ITERATIONS, DEFAULT_OVERSAMPLING } from './pca.js';
export type { PcaOptions, PcaResult } from './pca.js';
export { selectRows, selectColumns } from './subset.js';
export { columnMoments, rowSums, rowNonzeros, colNonzeros } from './matrix-stats.js';
