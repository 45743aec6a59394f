/**
 * Entry points for hosts (app, `isotherm serve`, CLI): clusters of the map's own affinity graph,
 * marker genes of a selection, named selections as a categorical column. Pure functions of typed
 * arrays; bad input is an InputError. Maths: docs/analysis.md.
 */
import { InputError } from '../errors.js';
import type { CategoricalColumn } from '../io/dataset.js';
import type { Csr64 } from '../linalg/csr.js';
import { leidenWithClusterCount } from './cluster-count.js';
import { leiden } from './leiden.js';
import { checkedGraph } from './weighted-graph.js';

export { adjustedRandIndex } from './adjusted-rand.js';
export { piecesPerCluster } from './cluster-connectivity.js';
export { rankMarkers, sortMarkerRows, type MarkerOptions, type MarkerRow, type MarkerSortKey, type MarkerTable, type ValueScale } from './markers.js';
export { columnToSelections, selectionsToColumn, SEVERAL, UNASSIGNED, type NamedSelection, type OverlapRule, type SelectionColumn, type SelectionColumnOptions, type SelectionLabels } from './named-selections.js';

export interface ClusterRequest {
  /** Resolution γ of modularity (default 1 when no target count is given). */
  readonly resolution?: number;
  /** Find the γ that gives this many clusters instead (bisection over γ; see cluster-count.ts). */
  readonly targetClusters?: number;
  /** Seed of the algorithm's random choices (default 0): same graph, options and seed → same clusters. */
  readonly seed?: number;
  /** Name of the returned obs column (default "leiden"). */
  readonly columnName?: string;
}

export interface Clustering {
  /** Cluster of each cell; 0 is the largest cluster. */
  readonly labels: Int32Array;
  readonly nClusters: number;
  /** Modularity (with resolution γ) of the clusters. */
  readonly quality: number;
  /** γ used (the one found, for a target count). */
  readonly resolution: number;
  /** False when a target count was asked for and could not be met exactly (the closest count is returned). */
  readonly exact: boolean;
  /** The clusters as a categorical column ("0", "1", … by decreasing size) for colour-by and exports. */
  readonly column: CategoricalColumn;
}

/** Leiden clusters of a symmetric affinity graph (e.g. the pipeline's `graph` stage, W of docs/algorithm.md (2)). */
export function clusterGraph(graph: Csr64, request: ClusterRequest = {}): Clustering {
  if (request.resolution !== undefined && request.targetClusters !== undefined) throw new InputError('clusters', 'give either a resolution or a target cluster count, not both');
  const g = checkedGraph(graph);
  const seed = request.seed ?? 0;
  const r = request.targetClusters !== undefined ? leidenWithClusterCount(g, request.targetClusters, { seed }) : { ...leiden(g, { resolution: request.resolution ?? 1, seed }), exact: true };
  return { labels: r.labels, nClusters: r.nClusters, quality: r.quality, resolution: r.resolution, exact: r.exact, column: clustersColumn(request.columnName ?? 'leiden', r.labels, r.nClusters) };
}

/** Labels 0..k-1 as a categorical column with categories "0" … "k-1". */
export function clustersColumn(name: string, labels: Int32Array, nClusters: number): CategoricalColumn {
  return { name, kind: 'categorical', codes: labels, categories: Array.from({ length: nClusters }, (_, c) => String(c)), ordered: false };
}
