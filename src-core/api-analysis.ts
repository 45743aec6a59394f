/**
 * The analysis part of the IsothermApi contract (api.ts re-exports it): clusters of the map's graph,
 * marker genes of a selection, named selections. Plain data and typed arrays, like the rest of api.ts.
 */
import type { DatasetDescription } from './api.js';

export interface ClusterRequest {
  /** Resolution γ of modularity: larger gives more, smaller clusters (0.05..10). */
  readonly resolution: number;
  /** Seed of Leiden's random choices (default 0): same map, resolution and seed → same clusters. */
  readonly seed?: number;
}

export interface ClusterResult {
  /** The categorical column the clusters were stored in ("leiden" unless the file has one). */
  readonly column: string;
  readonly nClusters: number;
  readonly resolution: number;
  /** Modularity (with resolution γ) of the clusters. */
  readonly quality: number;
  /** The data set with the column among its obs. */
  readonly description: DatasetDescription;
}

export interface MarkerRequest {
  /** Map rows of the group of interest (a selection). */
  readonly rows: Int32Array;
  /** Map rows to compare with; every other map row when absent ("vs rest"). */
  readonly reference?: Int32Array;
  /** Rows of the table returned, best first by score (default 100). */
  readonly limit?: number;
}

export interface MarkerGene {
  readonly gene: string;
  /** Tie-corrected rank-sum z (> 0: higher in the group). */
  readonly score: number;
  readonly log2FoldChange: number;
  /** Fraction of cells with a value > 0, in the group and in the reference. */
  readonly fractionA: number;
  readonly fractionB: number;
  readonly pValue: number;
  /** Benjamini–Hochberg adjusted over all genes. */
  readonly pAdjusted: number;
}

export interface MarkerResult {
  readonly genes: readonly MarkerGene[];
  readonly nA: number;
  readonly nB: number;
  readonly reference: 'rest' | 'selection';
  /** Genes tested (the table holds the best `limit`). */
  readonly nGenes: number;
  /** Where the expression values come from (e.g. "raw/X (taken as log-normalised: ln(1 + x))"). */
  readonly expression: string;
}

export interface NamedSelectionRows {
  readonly name: string;
  /** Map rows. */
  readonly rows: Int32Array;
}

/** Name of the column named selections are stored in (unless the file has one). */
export const SELECTIONS_COLUMN = 'selections';

export interface GeneSetRequest {
  /** Gene names (parseGeneList of src-core/analysis splits a pasted list); matched exactly, else case-insensitively. */
  readonly genes: readonly string[];
}

export interface GeneSetResult {
  /** The numeric column the score was stored in ("gene_set_score" unless the file has one). */
  readonly column: string;
  /** Genes that entered the score, as the data names them. */
  readonly used: readonly string[];
  readonly notFound: readonly string[];
  /** Genes found but constant over the map's cells (no z-score, left out). */
  readonly constant: readonly string[];
  /** The data set with the column among its obs. */
  readonly description: DatasetDescription;
}

/** Name of the column the gene-set score is stored in (unless the file has one). */
export const GENE_SET_COLUMN = 'gene_set_score';

export interface AnalysisApi {
  /** Leiden clusters of the current map's affinity graph, stored as a categorical column (replacing earlier clusters). */
  cluster(request: ClusterRequest): Promise<ClusterResult>;
  /** Marker genes of a selection vs the rest of the map or vs a second selection (docs/analysis.md §2). */
  markers(request: MarkerRequest): Promise<MarkerResult>;
  /**
   * The named selections as one categorical column (SELECTIONS_COLUMN; a cell in several goes to the one
   * listed last; cells in none are "unassigned"); an empty list removes the column. Exports carry it.
   */
  setSelections(selections: readonly NamedSelectionRows[]): Promise<DatasetDescription>;
  /**
   * Gene-set score of every map cell: the mean over the genes found of their z-scored normalised log
   * expression (docs/analysis.md §4), stored as a numeric column (replacing an earlier score). Throws an
   * InputError when no gene of the list is found.
   */
  geneSetScore(request: GeneSetRequest): Promise<GeneSetResult>;
}
