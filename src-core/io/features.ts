/**
 * Per-feature annotations a reader could not put into the lead's `Dataset` model (which has only
 * `featureNames`): the stable ids (e.g. Ensembl ids from 10x files) and the feature types.
 * Readers return `Dataset & FeatureAnnotations`; anything typed as `Dataset` still accepts it.
 */
import type { Dataset } from './dataset.js';

export interface FeatureAnnotations {
  /** Stable feature ids, aligned with `featureNames` (e.g. ENSMUSG… for 10x data). */
  readonly featureIds?: readonly string[];
  /** Feature types, aligned with `featureNames` (10x v3: "Gene Expression", "Antibody Capture"…). */
  readonly featureTypes?: readonly string[];
  /**
   * Gene symbols, aligned with `featureNames`, when the names are database ids (an h5ad whose var index
   * is Ensembl ids and whose `gene_short_name` column holds symbols): what a biologist types to find a gene.
   */
  readonly featureSymbols?: readonly string[];
}

export type AnnotatedDataset = Dataset & FeatureAnnotations;

/** The feature ids a reader recorded, if any. */
export function featureIdsOf(ds: Dataset): readonly string[] | undefined {
  return (ds as AnnotatedDataset).featureIds;
}

/** The gene symbols a reader recorded next to id-like feature names, if any. */
export function featureSymbolsOf(ds: Dataset): readonly string[] | undefined {
  return (ds as AnnotatedDataset).featureSymbols;
}
