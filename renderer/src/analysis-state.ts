/** Small pure helpers of the app's analysis state (named selections, colour choice kept across loads). */
import type { ColourBy, DatasetDescription, NamedSelectionRows } from '../../src-core/api.js';

/** UNASSIGNED of src-core/analysis/named-selections.ts: cells in no named selection. */
const UNASSIGNED = 'unassigned';

/** Named selections back from a selections column (codes per map row): one per category but "unassigned". */
export function selectionsFromColumn(codes: Int32Array, categories: readonly string[]): NamedSelectionRows[] {
  const rows: number[][] = categories.map(() => []);
  codes.forEach((k, r) => { if (k >= 0) rows[k]!.push(r); });
  return categories.flatMap((name, k) => (name === UNASSIGNED || rows[k]!.length === 0 ? [] : [{ name, rows: Int32Array.from(rows[k]!) }]));
}

/** The colour choice to keep for a newly opened data set: the same column or gene when it has one (issue 14, trap 8). */
export function keptColour(by: ColourBy | null, d: DatasetDescription): ColourBy | null {
  if (!by) return null;
  if ('obs' in by) return d.obs.some((c) => c.name === by.obs) ? by : null;
  return d.featureNames.includes(by.gene) ? by : null;
}
