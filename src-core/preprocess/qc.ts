/**
 * Quality-control filters (scanpy's filter_cells / filter_genes): drop cells with too few counts or
 * detected genes, and genes detected in too few cells. They return the kept indices so the caller can
 * subset cell ids, metadata and obsm consistently. CSR stays CSR.
 */
import type { Matrix } from '../io/dataset.js';
import { colNonzeros, rowNonzeros, rowSums } from './matrix-stats.js';
import { indicesWhere, selectColumns, selectRows } from './subset.js';
import type { PreprocessStep } from './steps.js';

export interface CellFilterOptions {
  /** Keep cells whose counts sum to at least this. 0 (default) keeps all. */
  readonly minCounts?: number;
  /** Keep cells with at least this many non-zero genes. 0 (default) keeps all. */
  readonly minGenes?: number;
}

export interface FilterResult {
  readonly matrix: Matrix;
  /** Indices (into the input's rows for cells, columns for genes) that were kept, ascending. */
  readonly kept: Int32Array;
  readonly step: PreprocessStep;
}

export function filterCells(x: Matrix, options: CellFilterOptions = {}): FilterResult {
  const minCounts = options.minCounts ?? 0;
  const minGenes = options.minGenes ?? 0;
  const counts = minCounts > 0 ? rowSums(x) : null;
  const genes = minGenes > 0 ? rowNonzeros(x) : null;
  const kept = indicesWhere(x.nRows, (i) => (!counts || counts[i]! >= minCounts) && (!genes || genes[i]! >= minGenes));
  const applied = minCounts > 0 || minGenes > 0;
  return {
    matrix: kept.length === x.nRows ? x : selectRows(x, kept),
    kept,
    step: {
      step: 'qc-cells',
      applied,
      params: { minCounts, minGenes },
      result: { cellsBefore: x.nRows, cellsKept: kept.length, cellsDropped: x.nRows - kept.length },
      ...(applied ? {} : { reason: 'no cell filter set (min_counts = min_genes = 0)' }),
    },
  };
}

export interface GeneFilterOptions {
  /** Keep genes that are non-zero in at least this many cells. 0 (default) keeps all. */
  readonly minCells?: number;
}

export function filterGenes(x: Matrix, options: GeneFilterOptions = {}): FilterResult {
  const minCells = options.minCells ?? 0;
  const cells = minCells > 0 ? colNonzeros(x) : null;
  const kept = indicesWhere(x.nCols, (j) => !cells || cells[j]! >= minCells);
  return {
    matrix: kept.length === x.nCols ? x : selectColumns(x, kept),
    kept,
    step: {
      step: 'qc-genes',
      applied: minCells > 0,
      params: { minCells },
      result: { genesBefore: x.nCols, genesKept: kept.length, genesDropped: x.nCols - kept.length },
      ...(minCells > 0 ? {} : { reason: 'no gene filter set (min_cells = 0)' }),
    },
  };
}
