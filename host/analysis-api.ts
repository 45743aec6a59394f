/**
 * The app's analysis calls on the open workspace (src-core/analysis does the work): Leiden clusters of the
 * map's own affinity graph, marker genes of a selection, named selections. Clusters and selections become
 * categorical columns in the workspace's AnnotationStore, so colour-by, the tooltip and the exports see them.
 */
import type { ClusterRequest, ClusterResult, GeneSetRequest, GeneSetResult, MarkerRequest, MarkerResult, NamedSelectionRows } from '../src-core/api.js';
import { GENE_SET_COLUMN, SELECTIONS_COLUMN } from '../src-core/api.js';
import { geneSetScore } from '../src-core/analysis/gene-set-score.js';
import { featureSymbolsOf } from '../src-core/io/features.js';
import { clusterGraph, rankMarkers, selectionsToColumn } from '../src-core/analysis/index.js';
import { InputError } from '../src-core/errors.js';
import type { Csr64 } from '../src-core/linalg/csr.js';
import { freeColumnName, mapRowsColumn, mapRowsNumericColumn } from '../src-core/workspace/annotations.js';
import { checkRows } from '../src-core/workspace/cells.js';
import { expressionOf } from '../src-core/workspace/expression.js';
import type { Workspace } from '../src-core/workspace/workspace.js';

/** Leiden on `graph` (the map's affinity W over map rows); the clusters become column "leiden". */
export function clusterMap(ws: Workspace, graph: Csr64 | null, request: ClusterRequest): Omit<ClusterResult, 'description'> {
  if (!graph) throw new InputError('clusters', 'no map yet: run the embedding first');
  if (graph.n !== ws.nRows) throw new InputError('clusters', `the map's graph has ${graph.n} cells, the data set ${ws.nRows}: run the embedding again`);
  const name = freeColumnName('leiden', ws.dataset.obs);
  const c = clusterGraph(graph, { resolution: request.resolution, seed: request.seed ?? 0, columnName: name });
  const note = `Leiden clusters of the map's affinity graph (resolution ${c.resolution}, seed ${request.seed ?? 0}, ${c.nClusters} clusters, modularity ${c.quality.toFixed(4)})`;
  ws.annotations.set(mapRowsColumn(name, c.labels, c.column.categories, ws.keptCells, ws.dataset.nCells), note);
  return { column: name, nClusters: c.nClusters, resolution: c.resolution, quality: c.quality };
}

export async function markersOfSelection(ws: Workspace, request: MarkerRequest): Promise<MarkerResult> {
  const n = ws.nRows;
  const inA = new Uint8Array(n);
  for (const r of checkRows(request.rows, n)) inA[r] = 1;
  let reference: Int32Array;
  if (request.reference) reference = checkRows(request.reference, n);
  else {
    const rest: number[] = [];
    for (let r = 0; r < n; r++) if (!inA[r]) rest.push(r);
    reference = Int32Array.from(rest);
  }
  const a = toDataRows(request.rows, ws.keptCells);
  const b = toDataRows(reference, ws.keptCells);
  if (a.length === 0) throw new InputError('selection', 'select some cells first');
  if (b.length === 0) throw new InputError('selection', 'nothing to compare with: the reference group is empty');
  const expr = await expressionOf(ws);
  const table = rankMarkers(expr.matrix, expr.featureNames, a, b, { valueScale: expr.valueScale });
  const limit = Math.max(1, Math.min(expr.featureNames.length, request.limit ?? 100));
  const genes = table.rows.slice(0, limit).map((g) => ({
    gene: g.name, score: g.score, log2FoldChange: g.log2FoldChange, fractionA: g.fractionA, fractionB: g.fractionB, pValue: g.pValue, pAdjusted: g.pAdjusted,
  }));
  return { genes, nA: table.nA, nB: table.nB, reference: request.reference ? 'selection' : 'rest', nGenes: table.rows.length, expression: expr.source };
}

/** The named selections (map rows) as the column SELECTIONS_COLUMN; none removes it. */
export function storeSelections(ws: Workspace, selections: readonly NamedSelectionRows[]): void {
  const name = freeColumnName(SELECTIONS_COLUMN, ws.dataset.obs);
  if (selections.length === 0) {
    ws.annotations.delete(name);
    return;
  }
  const named = selections.map((s) => ({ name: s.name, rows: checkRows(s.rows, ws.nRows) }));
  const { column } = selectionsToColumn(name, named, ws.nRows);
  const sizes = column.categories.map((c, k) => `${c} ${column.codes.reduce((n, x) => n + (x === k ? 1 : 0), 0)}`);
  const note = `named selections (a cell in several belongs to the one listed last): ${sizes.join(', ')}`;
  ws.annotations.set(mapRowsColumn(name, column.codes, column.categories, ws.keptCells, ws.dataset.nCells), note);
}

/** The gene-set score of the map's cells (normalised log expression, as gene colours), stored as a numeric column. */
export async function scoreGeneSet(ws: Workspace, request: GeneSetRequest): Promise<Omit<GeneSetResult, 'description'>> {
  const expr = await expressionOf(ws);
  const symbols = expr.featureNames === ws.dataset.featureNames ? featureSymbolsOf(ws.dataset) : undefined;
  const s = geneSetScore(expr.matrix, ws.keptCells, request.genes, expr.featureNames, symbols);
  if (s.used.length === 0) {
    const why = s.constant.length ? `${s.constant.join(', ')} ${s.constant.length === 1 ? 'is' : 'are'} the same in every cell` : 'none of the genes was found';
    throw new InputError('gene set', `nothing to score: ${why}${s.notFound.length ? ` (not found: ${s.notFound.slice(0, 20).join(', ')}${s.notFound.length > 20 ? ', …' : ''})` : ''}`);
  }
  const name = freeColumnName(GENE_SET_COLUMN, ws.dataset.obs);
  const note = `gene-set score: mean z-score of ${expr.source} over ${s.used.length} gene(s): ${s.used.join(' ')}${s.notFound.length ? `; not found: ${s.notFound.join(' ')}` : ''}`;
  ws.annotations.set(mapRowsNumericColumn(name, s.values, ws.keptCells, ws.dataset.nCells), note);
  return { column: name, used: s.used, notFound: s.notFound, constant: s.constant };
}

/** Data set rows of map rows, distinct. */
function toDataRows(rows: Int32Array, keptCells: Int32Array): Int32Array {
  return Int32Array.from(new Set(Array.from(rows, (r) => keptCells[r]!)));
}
